/* kokoro.c — one utterance through the whole model (KModel.forward_with_tokens).
 *
 *   ids [T] ─ ALBERT ─ bert_encoder ─ duration encoder ─ BiLSTM ─ duration_proj
 *     → durations (round half-even, ≥ 1) → alignment (each token repeated)
 *     → shared BiLSTM → F0 / N [2F]                      (prosody, style half 2)
 *   ids ─ text encoder ─ t_en [D][T] → asr [D][F]
 *   asr, F0, N ─ decoder trunk ─ generator (+ harmonic source from F0) → audio
 *
 * Random draws: noise_000 (uniform [1,9]) and noise_001 (normal [1,L,9]) come
 * from the hooks when given, else from a PRNG seeded with hooks->seed. */
#include <math.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/kernels.h"
#include "engine/threadpool.h"
#include "engine/layers.h"
#include "engine/generator_lowmem.h"
#include "engine/kokoro_internal.h"
#include "engine/memtrace.h"
#include "engine/scratch.h"
#include "engine/weight_pages.h"

void lt_dump(const lt_synth_hooks *h, const char *name, lt_dtype dtype, int ndim, const int64_t *shape,
             const void *data) {
    if (h && h->dump) h->dump(h->dump_ud, name, dtype, ndim, shape, data);
}

static int utf8_next(const unsigned char **p, uint32_t *cp) {
    const unsigned char *u = *p;
    int n = u[0] < 0x80 ? 1 : (u[0] & 0xE0) == 0xC0 ? 2 : (u[0] & 0xF0) == 0xE0 ? 3 : (u[0] & 0xF8) == 0xF0 ? 4 : 0;
    if (!n) return -1;
    uint32_t c = n == 1 ? u[0] : (uint32_t)(u[0] & (0x7F >> n));
    for (int i = 1; i < n; i++) {
        if ((u[i] & 0xC0) != 0x80) return -1;
        c = (c << 6) | (u[i] & 0x3F);
    }
    *cp = c;
    *p += n;
    return 0;
}

int lt_kokoro_tokenize(const lt_kokoro *m, const char *phonemes, int64_t *ids, int max_ids, int *n_codepoints,
                       lt_err *err) {
    const unsigned char *p = (const unsigned char *)phonemes;
    int n = 0, cps = 0, spaces = 0;
    ids[n++] = 0;
    while (*p) {
        uint32_t cp;
        if (utf8_next(&p, &cp)) return lt_fail(err, "phonemes: invalid UTF-8 at byte %td", (const char *)p - phonemes);
        cps++;
        spaces += cp == ' ';
        if (cps > LT_MAX_PHONEME_CODEPOINTS)
            return lt_fail(err, "phonemes: longer than %d code points, the model's limit (split the text into chunks first)",
                           LT_MAX_PHONEME_CODEPOINTS);
        int id = lt_config_token_id(&m->cfg, cp);
        if (id < 0) { /* dropped, as the official pipeline does */
            if (getenv("LITETTS_DEBUG")) fprintf(stderr, "litetts: debug: U+%04X is not in the vocab, dropped\n", (unsigned)cp);
            continue;
        }
        if (n + 1 >= max_ids) return lt_fail(err, "phonemes: more than %d tokens", max_ids - 2);
        ids[n++] = id;
    }
    if (cps == spaces) return lt_fail(err, "phonemes: empty string (nothing but spaces)");
    ids[n++] = 0;
    *n_codepoints = cps;
    return n;
}

int lt_kokoro_codepoint_tokens(const lt_kokoro *m, const char *phonemes, int *cp_token, int max_cp) {
    const unsigned char *p = (const unsigned char *)phonemes;
    int n = 0, tok = 1; /* token 0 is the leading pad */
    while (*p && n < max_cp) {
        uint32_t cp;
        if (utf8_next(&p, &cp)) return -1;
        cp_token[n++] = lt_config_token_id(&m->cfg, cp) < 0 ? -1 : tok++;
    }
    return n;
}

/* xoshiro256** seeded by splitmix64: uniform [0,1) and Box-Muller normals. */
typedef struct rng { uint64_t s[4]; } rng;
static uint64_t splitmix(uint64_t *x) {
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
static uint64_t rng_next(rng *r) {
    uint64_t *s = r->s, out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t; s[3] = rotl(s[3], 45);
    return out;
}
static float rng_uniform(rng *r) { return (float)(rng_next(r) >> 40) * (1.0f / 16777216.0f); }
/* Box-Muller over a block of raw draws: pair p uses raw[2p], raw[2p + 1] and
 * writes out[2p] (cos) and out[2p + 1] (sin, when inside n). */
typedef struct normals_job {
    const uint64_t *raw;
    float *out;
    int64_t n, per; /* n: values this block writes */
} normals_job;

static void normals_task(void *ctx, int task, int thread) {
    (void)thread;
    const normals_job *j = ctx;
    int64_t p0 = task * j->per, p1 = p0 + j->per, np = (j->n + 1) / 2;
    if (p1 > np) p1 = np;
    for (int64_t p = p0; p < p1; p++) {
        /* in float: the draws only scale noise of amplitude 0.003–0.033, and 24-bit uniforms
         * still reach 5.8 σ (u1 in (0, 1], u2 in [0, 1)) */
        float u1 = ((float)(j->raw[2 * p] >> 40) + 1.0f) * (1.0f / 16777216.0f);
        float u2 = (float)(j->raw[2 * p + 1] >> 40) * (1.0f / 16777216.0f);
        float rad = sqrtf(-2.0f * logf(u1)), s, c;
        sincosf(6.28318530717958647692f * u2, &s, &c);
        j->out[2 * p] = rad * c;
        if (2 * p + 1 < j->n) j->out[2 * p + 1] = rad * s;
    }
}

/* n normals in draw order. The draws themselves are sequential (cheap); the
 * log/sqrt/sin/cos of each block run on the pool, so the values do not depend
 * on the thread count. */
static int rng_normals(rng *r, float *out, int64_t n) {
    enum { BLOCK_PAIRS = 32768 };
    uint64_t *raw = malloc(sizeof(uint64_t) * 2 * BLOCK_PAIRS);
    if (!raw) return -1;
    for (int64_t i0 = 0; i0 < n; i0 += 2 * BLOCK_PAIRS) {
        int64_t m = n - i0 < 2 * BLOCK_PAIRS ? n - i0 : 2 * BLOCK_PAIRS, pairs = (m + 1) / 2;
        for (int64_t i = 0; i < 2 * pairs; i++) raw[i] = rng_next(r);
        normals_job j = {.raw = raw, .out = out + i0, .n = m};
        lt_parallel_for(lt_pool_split(pairs, 4096, 1, &j.per), normals_task, &j);
    }
    free(raw);
    return 0;
}

static int check_shape(const lt_tensor *t, const char *what, const char *name, int ndim, const int64_t *want,
                       lt_err *err) {
    int ok = t->dtype == LT_F32 && t->ndim == ndim;
    for (int i = 0; ok && i < ndim; i++) ok = t->shape[i] == want[i];
    if (ok) return 0;
    char a[96], b[96];
    return lt_fail(err, "%s: %s has shape %s (%s), but this utterance needs %s (f32)", what ? what : "injected tensors",
                   name, lt_shape_str(t->ndim, t->shape, a, sizeof a), lt_dtype_name(t->dtype),
                   lt_shape_str(ndim, want, b, sizeof b));
}

int lt_kokoro_synthesize(const lt_kokoro *m, const char *phonemes, const float *style, float speed,
                         const lt_synth_hooks *hooks, lt_synth_result *out, lt_err *err) {
    static const lt_synth_hooks no_hooks = {0};
    const lt_synth_hooks *h = hooks ? hooks : &no_hooks;
    const lt_kokoro_config *c = &m->cfg;
    memset(out, 0, sizeof *out);
    if (!(speed >= 0.25f && speed <= 4.0f)) return lt_fail(err, "speed %g is outside 0.25..4", (double)speed);
    int64_t ids[LT_MAX_PHONEME_CODEPOINTS + 2];
    int ncp = 0;
    int T = lt_kokoro_tokenize(m, phonemes, ids, LT_MAX_PHONEME_CODEPOINTS + 2, &ncp, err);
    if (T < 0) return -1;
    if (T > c->bert_max_positions)
        return lt_fail(err, "phonemes: %d tokens exceed the model's %d positions", T, c->bert_max_positions);
    (void)ncp;
    int D = c->hidden_dim, S = c->style_dim, H = c->bert_hidden, U = lt_config_upsample_factor(c);
    const float *s_dec = style, *s_pro = style + S;
    LT_DUMP_F32(h, "ref_s", style, 1, 2 * S);
    lt_dump(h, "input_ids", LT_I64, 1, (const int64_t[]){T}, ids);

    int rc = -1;
    float *bert = NULL, *d_en = NULL, *d = NULL, *x = NULL, *logits = NULL, *t_en = NULL;
    float *en = NULL, *shared = NULL, *f0 = NULL, *nn = NULL, *asr = NULL, *dec = NULL, *har_src = NULL;
    float *har = NULL, *randn = NULL, *audio = NULL;
    int64_t *dur = NULL;
    /* --- text → durations --- */
    bert = malloc(sizeof(float) * (size_t)T * H);
    d_en = malloc(sizeof(float) * (size_t)T * D);
    d = malloc(sizeof(float) * (size_t)T * (D + S));
    x = malloc(sizeof(float) * (size_t)T * D);
    logits = malloc(sizeof(float) * (size_t)T * c->max_dur);
    dur = malloc(sizeof(int64_t) * (size_t)T);
    t_en = malloc(sizeof(float) * (size_t)D * T);
    if (!bert || !d_en || !d || !x || !logits || !dur || !t_en) goto oom;
    lt_memtrace("synth start");
    if (lt_albert_forward(m, ids, T, bert)) goto oom;
    lt_memtrace("albert");
    LT_DUMP_F32(h, "bert_hidden", bert, 1, T, H);
    if (lt_linear_apply(&m->bert_encoder, bert, T, d_en)) goto oom;
    LT_DUMP_F32(h, "bert_encoder_out", d_en, 1, T, D);
    if (lt_duration_encoder_forward(m, d_en, T, s_pro, d)) goto oom;
    LT_DUMP_F32(h, "pred_text_encoder_d", d, 1, T, D + S);
    if (lt_lstm_apply(&m->pred_lstm, d, T, x)) goto oom;
    LT_DUMP_F32(h, "pred_lstm_x", x, 1, T, D);
    if (lt_linear_apply(&m->duration_proj, x, T, logits)) goto oom;
    LT_DUMP_F32(h, "duration_logits", logits, 1, T, c->max_dur);
    int64_t F = 0;
    for (int t = 0; t < T; t++) {
        float sum = 0;
        for (int j = 0; j < c->max_dur; j++) sum += 1.0f / (1.0f + expf(-logits[(int64_t)t * c->max_dur + j]));
        float v = rintf(sum / speed); /* round half to even (default rounding mode) */
        dur[t] = v < 1 ? 1 : (int64_t)v;
        F += dur[t];
    }
    lt_dump(h, "pred_dur", LT_I64, 1, (const int64_t[]){T}, dur);
    lt_memtrace("durations");
    int64_t L = 2 * F * (int64_t)U; /* samples: F0 has 2F values, each becomes U samples */
    /* --- alignment: frame f belongs to token tok(f) --- */
    int W = D + S;
    en = malloc(sizeof(float) * (size_t)W * F);
    shared = malloc(sizeof(float) * (size_t)(W > D ? W : D) * F);
    f0 = malloc(sizeof(float) * 2 * (size_t)F);
    nn = malloc(sizeof(float) * 2 * (size_t)F);
    asr = malloc(sizeof(float) * (size_t)D * F);
    if (!en || !shared || !f0 || !nn || !asr) goto oom;
    {
        int64_t f = 0;
        for (int t = 0; t < T; t++)
            for (int64_t r = 0; r < dur[t]; r++, f++) {
                memcpy(shared + f * W, d + (int64_t)t * W, sizeof(float) * (size_t)W); /* enᵀ rows */
                for (int ch = 0; ch < W; ch++) en[ch * F + f] = d[(int64_t)t * W + ch];
            }
    }
    LT_DUMP_F32(h, "en", en, 1, W, F);
    {
        float *rows = malloc(sizeof(float) * (size_t)D * F);
        if (!rows) goto oom;
        if (lt_lstm_apply(&m->shared_lstm, shared, (int)F, rows)) {
            free(rows);
            goto oom;
        }
        LT_DUMP_F32(h, "pred_shared_lstm", rows, 1, F, D);
        int r2 = lt_f0n_forward(m, rows, (int)F, s_pro, f0, nn);
        free(rows);
        if (r2) goto oom;
    }
    if (h->inject_f0 || h->inject_n) {
        if (!h->inject_f0 || !h->inject_n) { lt_fail(err, "inject F0: both F0_pred and N_pred are needed"); goto fail; }
        if (check_shape(h->inject_f0, h->noise_what, "F0_pred.npy", 2, (const int64_t[]){1, 2 * F}, err) ||
            check_shape(h->inject_n, h->noise_what, "N_pred.npy", 2, (const int64_t[]){1, 2 * F}, err))
            goto fail;
        memcpy(f0, h->inject_f0->data, sizeof(float) * 2 * (size_t)F);
        memcpy(nn, h->inject_n->data, sizeof(float) * 2 * (size_t)F);
    }
    LT_DUMP_F32(h, "F0_pred", f0, 1, 2 * F); /* as injected, when injected */
    LT_DUMP_F32(h, "N_pred", nn, 1, 2 * F);
    if (lt_text_encoder_forward(m, ids, T, t_en)) goto oom;
    LT_DUMP_F32(h, "t_en", t_en, 1, D, T);
    {
        int64_t f = 0;
        for (int t = 0; t < T; t++)
            for (int64_t r = 0; r < dur[t]; r++, f++)
                for (int ch = 0; ch < D; ch++) asr[ch * F + f] = t_en[(int64_t)ch * T + t];
    }
    LT_DUMP_F32(h, "asr", asr, 1, D, F);
    lt_memtrace("prosody + text encoder");
    if (m->release_weights) {
        static const char *const text_stages[] = {"bert.", "bert_encoder.", "predictor.", "text_encoder.", NULL};
        lt_weight_pages_release(&m->weights, text_stages, NULL);
    }

    /* --- decoder --- */
    dec = malloc(sizeof(float) * (size_t)m->dec_out_dim * 2 * F);
    if (!dec) goto oom;
    if (lt_decoder_trunk_forward(m, asr, (int)F, f0, nn, s_dec, h, dec)) goto oom;
    lt_memtrace("decoder trunk");
    if (m->release_weights) {
        static const char *const trunk[] = {"decoder.", NULL};
        lt_weight_pages_release(&m->weights, trunk, "decoder.generator.");
    }

    /* harmonic source and its STFT */
    int nfft = c->istft_n_fft, nb = nfft / 2 + 1, frames = lt_stft_frames(L, c->istft_hop);
    float rand_ini[9];
    const float *randn_use;
    if (h->noise_rand_ini || h->noise_randn) {
        if (!h->noise_rand_ini || !h->noise_randn) { lt_fail(err, "%s: need both noise_000 and noise_001", h->noise_what); goto fail; }
        if (check_shape(h->noise_rand_ini, h->noise_what, "noise_000.npy", 2, (const int64_t[]){1, 9}, err) ||
            check_shape(h->noise_randn, h->noise_what, "noise_001.npy", 3, (const int64_t[]){1, L, 9}, err))
            goto fail;
        memcpy(rand_ini, h->noise_rand_ini->data, sizeof rand_ini);
        randn_use = h->noise_randn->data;
    } else {
        rng r;
        uint64_t sd = h->seed;
        for (int i = 0; i < 4; i++) r.s[i] = splitmix(&sd);
        for (int i = 0; i < 9; i++) rand_ini[i] = rng_uniform(&r);
        randn = malloc(sizeof(float) * (size_t)L * 9);
        if (!randn) goto oom;
        if (rng_normals(&r, randn, L * 9)) goto oom;
        randn_use = randn;
    }
    rand_ini[0] = 0;
    har_src = malloc(sizeof(float) * (size_t)L);
    har = malloc(sizeof(float) * (size_t)(nfft + 2) * frames);
    audio = malloc(sizeof(float) * (size_t)L);
    if (!har_src || !har || !audio) goto oom;
    lt_harmonic_source(f0, (int)(2 * F), U, rand_ini, randn_use, m->source_w, m->source_b[0], har_src);
    free(randn); /* the largest buffer before the generator (9 floats a sample): gone before its peak */
    randn = NULL;
    LT_DUMP_F32(h, "gen_m_source", har_src, 1, L, 1);
    LT_DUMP_F32(h, "har_source", har_src, 1, L);
    if (h->inject_har_spec || h->inject_har_phase) {
        if (!h->inject_har_spec || !h->inject_har_phase) { lt_fail(err, "inject harmonics: need both har_spec and har_phase"); goto fail; }
        if (check_shape(h->inject_har_spec, h->noise_what, "har_spec.npy", 3, (const int64_t[]){1, nb, frames}, err) ||
            check_shape(h->inject_har_phase, h->noise_what, "har_phase.npy", 3, (const int64_t[]){1, nb, frames}, err))
            goto fail;
        memcpy(har, h->inject_har_spec->data, sizeof(float) * (size_t)nb * frames);
        memcpy(har + (size_t)nb * frames, h->inject_har_phase->data, sizeof(float) * (size_t)nb * frames);
    } else {
        lt_stft_mag_phase(har_src, L, nfft, c->istft_hop, har, har + (size_t)nb * frames);
    }
    LT_DUMP_F32(h, "har_spec", har, 1, nb, frames);
    LT_DUMP_F32(h, "har_phase", har + (size_t)nb * frames, 1, nb, frames);
    lt_memtrace("harmonic source + stft");
    /* only dec and har go on into the generator */
    free(bert); free(d_en); free(d); free(x); free(logits); free(t_en); free(en); free(shared); free(asr); free(har_src);
    bert = d_en = d = x = logits = t_en = en = shared = asr = har_src = NULL;
    lt_scratch_trim(); /* the decoder trunk's packed weights (13 MB for a 1090-channel f16 conv) */
#ifdef __GLIBC__
    malloc_trim(0); /* hand back the heap pages freed so far (the layers' per-call weight copies) */
#endif
    lt_memtrace("before the generator");
    int g = lt_generator_lowmem_wanted(m, h)
                ? lt_generator_forward_lowmem(m, &dec, (int)(2 * F), &har, frames, s_dec, audio)
                : lt_generator_forward(m, dec, (int)(2 * F), har, frames, s_dec, h, audio);
    if (g == -2) { lt_fail(err, "generator: upsampling and noise branches disagree in length (unsupported istftnet config)"); goto fail; }
    if (g) goto oom;
    lt_memtrace("generator");
    LT_DUMP_F32(h, "audio", audio, L);
    out->audio = audio;
    audio = NULL;
    out->n_samples = L;
    out->durations = dur;
    dur = NULL;
    out->n_tokens = T;
    rc = 0;
    goto fail;
oom:
    lt_fail(err, "out of memory synthesizing %d tokens", T);
fail:
    free(bert); free(d_en); free(d); free(x); free(logits); free(t_en); free(en); free(shared);
    free(f0); free(nn); free(asr); free(dec); free(har_src); free(har); free(randn); free(audio); free(dur);
    lt_scratch_trim(); /* the convolutions' scratch (engine/scratch.h) is kept only while a synthesis runs */
    return rc;
}

void lt_synth_result_free(lt_synth_result *r) {
    if (!r) return;
    free(r->audio);
    free(r->durations);
    memset(r, 0, sizeof *r);
}
