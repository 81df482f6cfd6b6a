/* synth.c — see synth.h: front-end cache, the chunk loop, encoding. */
#include "server/synth.h"

#include <stdlib.h>
#include <string.h>

#include "audio/encoder.h"
#include "server/jobs.h"
#include "text/chunk.h"

#define FE_CACHE 4

typedef struct fe_slot {
    lt_frontend *fe;
    char lang;
    int no_normalize;
    char normalize[160];
    uint64_t used;
} fe_slot;

struct lt_synth {
    const lt_kokoro *m;
    char *lexicon_dir;
    int workers;
    fe_slot *slots; /* workers × FE_CACHE */
    uint64_t *clock;
};

lt_synth *lt_synth_new(const lt_kokoro *m, const char *lexicon_dir, int workers) {
    lt_synth *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->m = m;
    s->workers = workers;
    s->lexicon_dir = lexicon_dir ? strdup(lexicon_dir) : NULL;
    s->slots = calloc((size_t)workers * FE_CACHE, sizeof *s->slots);
    s->clock = calloc((size_t)workers, sizeof *s->clock);
    if (!s->slots || !s->clock) {
        lt_synth_free(s);
        return NULL;
    }
    return s;
}

void lt_synth_free(lt_synth *s) {
    if (!s) return;
    if (s->slots)
        for (int i = 0; i < s->workers * FE_CACHE; i++) lt_frontend_free(s->slots[i].fe);
    free(s->slots);
    free(s->clock);
    free(s->lexicon_dir);
    free(s);
}

/* The worker's front-end for this language and normalisation (least
 * recently used one replaced). */
static lt_frontend *frontend(lt_synth *s, int worker, char lang, int no_normalize, const char *normalize,
                             lt_err *err) {
    fe_slot *slots = s->slots + (size_t)worker * FE_CACHE, *victim = &slots[0];
    const char *norm = normalize ? normalize : "";
    for (int i = 0; i < FE_CACHE; i++) {
        fe_slot *sl = &slots[i];
        if (sl->fe && sl->lang == lang && sl->no_normalize == no_normalize && !strcmp(sl->normalize, norm)) {
            sl->used = ++s->clock[worker];
            return sl->fe;
        }
        if (!sl->fe || (victim->fe && sl->used < victim->used)) victim = sl;
    }
    lt_frontend_opts o = {.lang = lang, .lexicon_dir = s->lexicon_dir, .normalize = *norm ? norm : NULL,
                          .quiet = 1, .no_normalize = no_normalize};
    lt_frontend *fe = lt_frontend_new(&o, err);
    if (!fe) return NULL;
    lt_frontend_free(victim->fe);
    victim->fe = fe;
    victim->lang = lang;
    victim->no_normalize = no_normalize;
    snprintf(victim->normalize, sizeof victim->normalize, "%s", norm);
    victim->used = ++s->clock[worker];
    return fe;
}

typedef struct run_ctx {
    const lt_synth_sink *sink;
    lt_encoder *enc;
    float volume;
    uint8_t *pending;
    size_t len, cap;
    int failed;
    lt_synth_stats *st;
    int n_chunks;
    lt_err *err;
} run_ctx;

static int enc_write(void *ud, const uint8_t *data, size_t len) {
    run_ctx *c = ud;
    if (c->len + len > c->cap) {
        size_t cap = c->cap ? c->cap : 65536;
        while (cap < c->len + len) cap *= 2;
        uint8_t *n = realloc(c->pending, cap);
        if (!n) return -1;
        c->pending = n;
        c->cap = cap;
    }
    memcpy(c->pending + c->len, data, len);
    c->len += len;
    return 0;
}

static int flush(run_ctx *c) {
    if (!c->len) return 0;
    int rc = c->sink->bytes(c->sink->ud, c->pending, c->len);
    c->len = 0;
    return rc;
}

static int on_audio(void *user, const float *x, int64_t n, int chunk) {
    run_ctx *c = user;
    const float *src = x;
    float *scaled = NULL;
    if (c->volume != 1.0f) {
        scaled = malloc(sizeof(float) * (size_t)(n ? n : 1));
        if (!scaled) return 1;
        for (int64_t i = 0; i < n; i++) scaled[i] = x[i] * c->volume;
        src = scaled;
    }
    int rc = lt_encoder_push(c->enc, src, (size_t)n, c->err);
    free(scaled);
    if (rc) {
        c->failed = 1;
        return 1;
    }
    c->st->chunks++;
    c->st->samples += n;
    if (flush(c)) return 1;
    /* more chunks to come: let a waiting request have the compute slot */
    if (chunk + 1 < c->n_chunks) {
        lt_jobs_yield();
        if (c->sink->cancelled && c->sink->cancelled(c->sink->ud)) return 1;
    }
    return 0;
}

static int on_word(void *user, const lt_spoken_word *w) {
    run_ctx *c = user;
    return c->sink->word ? c->sink->word(c->sink->ud, w) : 0;
}

/* Kokoro input ids of the chunks lt_speak_words will cut (pads included),
 * and how many chunks (when n_chunks is not NULL). */
static int64_t count_tokens(const lt_kokoro *m, const lt_chunk_word *words, int n, int *n_chunks) {
    lt_chunk_list chunks;
    lt_err e;
    if (n_chunks) *n_chunks = 0;
    if (lt_chunk_plan(words, n, LT_MAX_PHONEME_CODEPOINTS, LT_FIRST_CHUNK_PHONEMES, &chunks, &e)) return 0;
    if (n_chunks) *n_chunks = chunks.count;
    int64_t total = 0;
    int64_t ids[LT_MAX_PHONEME_CODEPOINTS + 2];
    for (int i = 0; i < chunks.count; i++) {
        int ncp, k = lt_kokoro_tokenize(m, chunks.items[i].phonemes, ids, LT_MAX_PHONEME_CODEPOINTS + 2, &ncp, &e);
        if (k > 0) total += k;
    }
    lt_chunk_list_free(&chunks);
    return total;
}

/* Every word's phonemes, space-separated; malloc'd. */
static char *join_phonemes(const lt_fe_words *w) {
    size_t len = 1;
    for (int i = 0; i < w->n; i++) len += w->words[i].ph_len + 1;
    char *out = malloc(len), *o = out;
    if (!out) return NULL;
    for (int i = 0; i < w->n; i++) {
        if (i) *o++ = ' ';
        memcpy(o, w->words[i].ph, w->words[i].ph_len);
        o += w->words[i].ph_len;
    }
    *o = 0;
    return out;
}

int lt_synth_run(lt_synth *s, int worker, const lt_speech_req *req, const lt_voice_pack *pack,
                 const lt_synth_sink *sink, lt_synth_stats *st, lt_err *err) {
    memset(st, 0, sizeof *st);
    lt_fe_words words = {0};
    if (req->phonemes_input) { /* words straight from the phoneme string, spans into it */
        words.n = lt_chunk_split_phonemes(req->input, &words.words);
        if (words.n < 0) return lt_fail(err, "out of memory");
    } else {
        lt_frontend *fe = frontend(s, worker, req->lang, req->no_normalize, req->normalize, err);
        if (!fe) return -1;
        if (lt_frontend_words(fe, req->input, &words, err)) return -1;
    }
    if (words.n == 0) {
        lt_fe_words_free(&words);
        lt_fail(err, "the input has nothing to say (no words after normalisation)");
        return -2;
    }
    if (sink->phonemes) {
        char *ph = join_phonemes(&words);
        int answered = ph ? sink->phonemes(sink->ud, ph) : 0;
        free(ph);
        if (answered) {
            lt_fe_words_free(&words);
            st->answered = 1;
            return 0;
        }
    }
    run_ctx c = {.sink = sink, .volume = req->volume, .st = st, .err = err};
    st->input_tokens = count_tokens(s->m, words.words, words.n, &c.n_chunks);
    int rc = lt_encoder_new(req->format, req->sample_rate, req->stream, enc_write, &c, &c.enc, err);
    if (rc == 0) {
        lt_err serr;
        if (lt_speak_words(s->m, pack, words.words, words.n, req->speed, 0, on_audio, on_word, &c, &serr) < 0) {
            if (!c.failed) *err = serr;
            rc = -1;
        }
    }
    if (rc == 0 && lt_encoder_finish(c.enc, err)) rc = -1;
    if (rc == 0 && flush(&c)) rc = lt_fail(err, "stopped by the sink");
    lt_encoder_free(c.enc);
    lt_fe_words_free(&words);
    free(c.pending);
    st->output_tokens = st->samples / 600;
    return rc;
}

int lt_synth_phonemize(lt_synth *s, int worker, char lang, const char *text, char **out, int *n_tokens, lt_err *err) {
    lt_frontend *fe = frontend(s, worker, lang, 0, NULL, err);
    if (!fe) return -1;
    if (lt_frontend_phonemize(fe, text, out, err)) return -1;
    *n_tokens = 0;
    lt_chunk_word *w = NULL;
    int n = lt_chunk_split_phonemes(*out, &w);
    if (n > 0) *n_tokens = (int)count_tokens(s->m, w, n, NULL);
    free(w);
    return 0;
}
