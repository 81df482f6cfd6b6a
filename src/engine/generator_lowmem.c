/* generator_lowmem.c — the iSTFTNet generator of generator.c in bounded memory,
 * the path for reduced-precision weights (f16, bf16, q8_0).
 *
 * What holds memory in generator.c is its whole-length activations: six float32
 * buffers of the largest C_i × T_i (10 s of audio: 6 × 24 MB, 128 × 48 721 each).
 * Here every whole-length activation is a "seq": [C][T] stored as f16 in its own
 * anonymous mapping (freed back to the system at once), and every layer runs over
 * time tiles of ~1 MiB of float32, reading its input window (its kernel's halo
 * included, zeros past the true ends) from the seqs:
 *
 *  - AdaIN needs each channel's mean and variance over the whole time axis: the
 *    pass that writes a tensor accumulates Σx and Σx² per channel (double), the
 *    next pass applies the normalisation tile by tile;
 *  - one AdaINResBlock1 iteration, x += conv2(snake2(adain2(b))),
 *    b = conv1_dil(snake1(adain1(x))), is two passes: B computes b per tile and
 *    its statistics, storing b as f16 (or not at all: "recompute"), C computes
 *    the update per tile (recompute: b again, over the tile plus conv2's halo)
 *    and writes x in place (recompute: one tile late, as the next tile still
 *    reads the old x in its halo);
 *  - one upsampling stage:  S = noise_conv(har), S = noise_res(S) (in place),
 *    S = ups(leaky(x_prev)) [reflection pad] + S  (= y, the resblocks' input);
 *    the mean of the nk resblocks: the first runs in A (a copy of y) and A is the
 *    sum from then on; the middle ones run in X (a copy of y), their last pass
 *    adding into A; the last runs in S itself, its last pass writing
 *    A = (A + x) / nk, the stage's output;
 *  - after the last stage: LeakyReLU 0.01 → conv_post → exp | sin → iSTFT over
 *    tiles of samples, straight into the audio.
 * At the stage with the largest seqs the middle resblocks recompute b, so at most
 * three seqs of that stage are alive (y, the sum, the middle state): 36 MiB for
 * 10 s, against 147 MB of float32 in generator.c. That costs one more conv1 pass
 * per middle iteration (the smallest kernel is put in the middle: +2.6 % of the
 * utterance's FLOPs for Kokoro-82M).
 *
 * The arithmetic differs from generator.c by the f16 rounding of stored tensors,
 * the streaming variance (Σx²/T − mean², double) and the order of the resblocks'
 * sum: well below the error of the reduced weights themselves. f32 weights keep
 * generator.c, bit for bit. */
#include "engine/generator_lowmem.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "core/cpu_features.h"
#include "engine/kernels.h"
#include "engine/layers.h"
#include "engine/memtrace.h"
#include "engine/quant.h"
#include "engine/threadpool.h"

/* ---------- f16 rows (F16C when the CPU has it) ---------- */

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
__attribute__((target("avx,f16c"))) static void f32_to_f16_f16c(const float *x, uint16_t *y, int64_t n) {
    int64_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm_storeu_si128((__m128i *)(y + i), _mm256_cvtps_ph(_mm256_loadu_ps(x + i), _MM_FROUND_TO_NEAREST_INT));
    if (i < n) {
        float t[8] = {0};
        uint16_t u[8];
        memcpy(t, x + i, sizeof(float) * (size_t)(n - i));
        _mm_storeu_si128((__m128i *)u, _mm256_cvtps_ph(_mm256_loadu_ps(t), _MM_FROUND_TO_NEAREST_INT));
        memcpy(y + i, u, sizeof(uint16_t) * (size_t)(n - i));
    }
}
static int have_f16c(void) {
    static int v = -1;
    if (v < 0) v = lt_cpu_features_get()->f16c && lt_cpu_features_get()->avx;
    return v;
}
#else
static int have_f16c(void) { return 0; }
static void f32_to_f16_f16c(const float *x, uint16_t *y, int64_t n) { lt_f32_to_f16_row(x, y, (size_t)n); }
#endif

static void to_f16(const float *x, uint16_t *y, int64_t n) {
    if (have_f16c()) f32_to_f16_f16c(x, y, n);
    else lt_f32_to_f16_row(x, y, (size_t)n);
}
static void from_f16(const uint16_t *x, float *y, int64_t n) { lt_f16_to_f32_row(x, y, (size_t)n); }

/* ---------- seqs: whole-length [C][T] f16 tensors ---------- */

typedef struct seq { uint16_t *p; int C, T; size_t bytes; } seq;

static int seq_alloc(seq *s, int C, int T) {
    s->C = C;
    s->T = T;
    s->bytes = sizeof(uint16_t) * (size_t)C * (size_t)T;
    void *p = mmap(NULL, s->bytes ? s->bytes : 1, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    s->p = p == MAP_FAILED ? NULL : p;
    return s->p ? 0 : -1;
}
static void seq_free(seq *s) {
    if (s->p) munmap(s->p, s->bytes ? s->bytes : 1);
    s->p = NULL;
}

/* A tensor a tile reads from: a seq, or float32 rows f[c][t − off] (row stride
 * ld) valid for t in [off, off + ld); T is the tensor's true length (zero
 * padding outside [0, T)). */
typedef struct view {
    const uint16_t *h;
    const float *f;
    int C, T;
    int64_t ld, off;
} view;

static view seq_view(const seq *s) { return (view){.h = s->p, .C = s->C, .T = s->T, .ld = s->T}; }

/* Hand the heap's free pages back to the system. The per-call weight copies and
 * packing buffers (up to the size of the largest layer) raise glibc's dynamic
 * mmap and trim thresholds, after which freed scratch stays resident: trim after
 * the passes that made them, ahead of the resblocks' peak. */
static void release_free_heap(void) {
#ifdef __GLIBC__
    malloc_trim(0);
#endif
}

/* f16 / bf16 weights widened once per pass instead of once per tile (layers.c
 * widens per call): *dst is c with float32 weights in *buf (free it after), or
 * c itself (*buf NULL) for f32 and q8_0, which the kernels read as they are. */
static int widen_w(lt_weight w, int64_t n, lt_weight *out, float **buf) {
    *out = w;
    *buf = NULL;
    if (w.dtype != LT_F16 && w.dtype != LT_BF16) return 0;
    float *f = malloc(sizeof(float) * (size_t)n);
    if (!f) return -1;
    if (w.dtype == LT_F16) from_f16(w.p, f, n);
    else lt_bf16_to_f32_row(w.p, f, (size_t)n);
    *buf = f;
    out->p = f;
    out->dtype = LT_F32;
    return 0;
}
/* Stride-1 convolutions read their weights as stored (lt_conv_apply →
 * lt_conv1d_typed widens them while packing); a strided one (the noise conv of
 * the early stages) gets a float32 copy per pass instead of one per tile. */
static int widen_conv(const lt_conv *c, int stride, lt_conv *dst, float **buf) {
    *dst = *c;
    *buf = NULL;
    if (stride == 1) return 0;
    return widen_w(c->w, (int64_t)c->out * c->in * c->k, &dst->w, buf);
}

/* ---------- row-parallel passes over one tile ---------- */

typedef struct tile_job {
    int C;
    /* prep: dst[c][u] = f(in[c][t0 + u]) for u < W (0 where t0 + u is outside [0, T));
     * f = per-channel affine sc·x + sh (when sc), then LeakyReLU (slope < 1) */
    view in;
    const float *sc, *sh;
    float slope;
    float *dst;
    int64_t t0, W;
    /* finish: v = y[c][u] (+ base[c][t0 + u]) for u < W; statistics of v;
     * then out[c][t0 + u] = v, or outf[c][u] = v, or acc = acc + v (mode 1) or (acc + v)/nk (2) */
    const float *y;
    const seq *base;
    seq *out, *acc;
    float *outf;
    int acc_mode, nk;
    double *sum, *sq;
    float *rows; /* per thread: 2·W floats */
    int per;     /* channels per task */
} tile_job;

static int tasks_for(int C, int *per) {
    int th = lt_pool_threads(), n = th <= 1 ? 1 : (4 * th < C ? 4 * th : C);
    *per = (C + n - 1) / n;
    return (C + *per - 1) / *per;
}
static void prep_task(void *ctx, int task, int thread) {
    (void)thread;
    const tile_job *j = ctx;
    int c0 = task * j->per, c1 = c0 + j->per < j->C ? c0 + j->per : j->C;
    int64_t lo = j->t0 < 0 ? -j->t0 : 0, hi = j->in.T - j->t0 < j->W ? j->in.T - j->t0 : j->W;
    if (j->in.f) { /* float rows: valid only where they hold data */
        if (j->in.off - j->t0 > lo) lo = j->in.off - j->t0;
        if (j->in.off + j->in.ld - j->t0 < hi) hi = j->in.off + j->in.ld - j->t0;
    }
    for (int c = c0; c < c1; c++) {
        float *d = j->dst + (int64_t)c * j->W;
        if (hi <= lo) {
            memset(d, 0, sizeof(float) * (size_t)j->W);
            continue;
        }
        if (lo > 0) memset(d, 0, sizeof(float) * (size_t)lo);
        if (hi < j->W) memset(d + hi, 0, sizeof(float) * (size_t)(j->W - hi));
        if (j->in.h) from_f16(j->in.h + (int64_t)c * j->in.ld + j->t0 + lo, d + lo, hi - lo);
        else memcpy(d + lo, j->in.f + (int64_t)c * j->in.ld + (j->t0 + lo - j->in.off), sizeof(float) * (size_t)(hi - lo));
        if (j->sc) {
            float a = j->sc[c], b = j->sh[c];
            for (int64_t u = lo; u < hi; u++) d[u] = a * d[u] + b;
        }
        if (j->slope < 1.0f)
            for (int64_t u = lo; u < hi; u++) d[u] = d[u] > 0.0f ? d[u] : d[u] * j->slope;
    }
}

static void finish_task(void *ctx, int task, int thread) {
    const tile_job *j = ctx;
    int c0 = task * j->per, c1 = c0 + j->per < j->C ? c0 + j->per : j->C;
    int64_t W = j->W;
    float *v = j->rows + (size_t)thread * 2 * (size_t)W, *t = v + W;
    for (int c = c0; c < c1; c++) {
        memcpy(v, j->y + (int64_t)c * W, sizeof(float) * (size_t)W);
        if (j->base) {
            from_f16(j->base->p + (int64_t)c * j->base->T + j->t0, t, W);
            for (int64_t u = 0; u < W; u++) v[u] += t[u];
        }
        if (j->sum) { /* four partial sums each: one chain of dependent double adds per value was 3 % of a synthesis */
            double s4[4] = {0, 0, 0, 0}, q4[4] = {0, 0, 0, 0};
            int64_t u = 0;
            for (; u + 4 <= W; u += 4)
                for (int e = 0; e < 4; e++) {
                    s4[e] += v[u + e];
                    q4[e] += (double)v[u + e] * v[u + e];
                }
            for (; u < W; u++) {
                s4[0] += v[u];
                q4[0] += (double)v[u] * v[u];
            }
            j->sum[c] += (s4[0] + s4[1]) + (s4[2] + s4[3]);
            j->sq[c] += (q4[0] + q4[1]) + (q4[2] + q4[3]);
        }
        if (j->acc_mode) {
            uint16_t *a = j->acc->p + (int64_t)c * j->acc->T + j->t0;
            from_f16(a, t, W);
            if (j->acc_mode == 1)
                for (int64_t u = 0; u < W; u++) t[u] += v[u];
            else
                for (int64_t u = 0; u < W; u++) t[u] = (t[u] + v[u]) / (float)j->nk;
            to_f16(t, a, W);
        } else if (j->out) {
            to_f16(v, j->out->p + (int64_t)c * j->out->T + j->t0, W);
        } else if (j->outf) {
            memcpy(j->outf + (int64_t)c * W, v, sizeof(float) * (size_t)W);
        }
    }
}

static void run_rows(tile_job *j, lt_task_fn fn) {
    int n = tasks_for(j->C, &j->per);
    lt_parallel_for(n, fn, j);
}

/* ---------- the generator ---------- */

typedef struct gen {
    const lt_kokoro *m;
    const float *s;
    int tile;                   /* output columns per tile at the current stage */
    float *ext, *bext, *y, *pend, *rows;
    size_t ext_cap, bext_cap, y_cap, pend_cap, rows_cap;
    double *sum, *sq;           /* statistics scratch: [2][Cmax] each */
    float *gb, *sc, *sh;        /* style affine [2C], normalisation [C] × 2 */
} gen;

static int grow(float **p, size_t *cap, size_t n) {
    if (n <= *cap) return 0;
    float *q = realloc(*p, sizeof(float) * n);
    if (!q) return -1;
    *p = q;
    *cap = n;
    return 0;
}

/* prep: ext [C][W] = transform of `in` over columns [t0, t0 + W) */
static void prep(gen *g, const view *in, const float *sc, const float *sh, float slope, float *dst, int64_t t0,
                 int64_t W) {
    tile_job j = {.C = in->C, .in = *in, .sc = sc, .sh = sh, .slope = slope, .dst = dst, .t0 = t0, .W = W};
    (void)g;
    run_rows(&j, prep_task);
}

/* out [c->out][n] = Conv1d over output columns [t0, t0 + n) of transform(in), then
 * Snake(alpha) on the conv's input when alpha; stride / pad / dil as the layer's. */
static int conv_tile(gen *g, const lt_conv *c, const view *in, const float *sc, const float *sh, float slope,
                     const float *alpha, int stride, int pad, int dil, int64_t t0, int n, float *out) {
    int64_t W = (int64_t)(n - 1) * stride + (int64_t)dil * (c->k - 1) + 1;
    if (grow(&g->ext, &g->ext_cap, (size_t)c->in * (size_t)W)) return -1;
    prep(g, in, sc, sh, slope, g->ext, t0 * stride - pad, W);
    if (alpha) lt_snake(g->ext, c->in, (int)W, alpha);
    return lt_conv_apply(c, g->ext, (int)W, stride, 0, dil, out);
}

static int finish(gen *g, int C, int64_t t0, int n, const float *y, const seq *base, seq *out, float *outf, seq *acc,
                  int acc_mode, int nk, double *sum, double *sq) {
    if (grow(&g->rows, &g->rows_cap, (size_t)lt_pool_threads() * 2 * (size_t)n)) return -1;
    tile_job j = {.C = C, .t0 = t0, .W = n, .y = y, .base = base, .out = out, .outf = outf, .acc = acc,
                  .acc_mode = acc_mode, .nk = nk, .sum = sum, .sq = sq, .rows = g->rows};
    run_rows(&j, finish_task);
    return 0;
}

/* AdaIN as one affine per channel: sc·x + sh = (1 + γ)·(x − mean)/sqrt(var + 1e-5) + β */
static void adain_coeffs(int C, int64_t T, const double *sum, const double *sq, const float *gb, float *sc, float *sh) {
    for (int c = 0; c < C; c++) {
        double mean = sum[c] / (double)T, var = sq[c] / (double)T - mean * mean;
        if (var < 0) var = 0;
        float alpha = (float)(1.0 / sqrt(var + 1e-5)), g1 = 1.0f + gb[c];
        sc[c] = g1 * alpha;
        sh[c] = g1 * (0.0f - (float)mean * alpha) + gb[C + c];
    }
}

/* Iteration i of resblock_run: cv1, cv2 are the resblock's convs1[i], convs2[i] (see there). */
static int resblock_iter(gen *g, const lt_adain_resblock1 *r, int i, const lt_conv *cv1, const lt_conv *cv2, seq *x,
                         const view *xvp, seq *B, seq *acc, int mode, int nk, int tile) {
    int C = r->channels, k = r->k, T = x->T;
    double *sx = g->sum, *qx = g->sq, *sb = g->sum + C, *qb = g->sq + C;
    float *sc1 = g->sc, *sh1 = g->sc + C, *sc2 = g->sh, *sh2 = g->sh + C;
    view xv = *xvp;
    {
        int d = r->dilation[i], h1 = d * (k - 1) / 2, h2 = (k - 1) / 2;
        lt_style_affine(&r->adain1[i], g->s, g->gb);
        adain_coeffs(C, T, sx, qx, g->gb, sc1, sh1);
        lt_style_affine(&r->adain2[i], g->s, g->gb);
        /* pass B: b = conv1(snake1(adain1(x))) per tile; its statistics (and b itself into B) */
        memset(sb, 0, sizeof(double) * (size_t)C);
        memset(qb, 0, sizeof(double) * (size_t)C);
        for (int t0 = 0; t0 < T; t0 += tile) {
            int n = T - t0 < tile ? T - t0 : tile;
            if (conv_tile(g, cv1, &xv, sc1, sh1, 1.0f, r->alpha1[i], 1, h1, d, t0, n, g->y) ||
                finish(g, C, t0, n, g->y, NULL, B, NULL, NULL, 0, 0, sb, qb))
                return -1;
        }
        adain_coeffs(C, T, sb, qb, g->gb, sc2, sh2);
        /* pass C: x += conv2(snake2(adain2(b))) per tile, with the statistics of the new x */
        double *s_out = mode ? NULL : sx, *q_out = mode ? NULL : qx;
        if (s_out) {
            memset(sx, 0, sizeof(double) * (size_t)C);
            memset(qx, 0, sizeof(double) * (size_t)C);
        }
        int pend_t0 = -1, pend_n = 0;
        for (int t0 = 0; t0 < T; t0 += tile) {
            int n = T - t0 < tile ? T - t0 : tile;
            view bv;
            if (B) {
                bv = seq_view(B);
            } else {
                /* b over [t0 − h2, t0 + n + h2) again, from the x not yet overwritten */
                int n2 = n + 2 * h2;
                if (grow(&g->bext, &g->bext_cap, (size_t)C * (size_t)n2) ||
                    conv_tile(g, cv1, &xv, sc1, sh1, 1.0f, r->alpha1[i], 1, h1, d, t0 - h2, n2, g->bext))
                    return -1;
                bv = (view){.f = g->bext, .C = C, .T = T, .ld = n2, .off = t0 - h2};
                if (pend_n) { /* the previous tile's x, now that no read needs the old one */
                    if (finish(g, C, pend_t0, pend_n, g->pend, NULL, x, NULL, NULL, 0, 0, NULL, NULL)) return -1;
                    pend_n = 0;
                }
            }
            if (conv_tile(g, cv2, &bv, sc2, sh2, 1.0f, r->alpha2[i], 1, h2, 1, t0, n, g->y)) return -1;
            int delay = !B && !mode;
            if (finish(g, C, t0, n, g->y, x, delay || mode ? NULL : x, delay ? g->pend : NULL, mode ? acc : NULL, mode,
                       nk, s_out, q_out))
                return -1;
            if (delay) {
                pend_t0 = t0;
                pend_n = n;
            }
        }
        if (pend_n && finish(g, C, pend_t0, pend_n, g->pend, NULL, x, NULL, NULL, 0, 0, NULL, NULL)) return -1;
    }
    return 0;
}

/* One AdaINResBlock1 on x (its channel sums in sum0/sq0 on entry). b in B (NULL:
 * recompute). The last iteration's result goes to x (acc_mode 0) or into acc
 * (1: acc += x, 2: acc = (acc + x)/nk). */
static int resblock_run(gen *g, const lt_adain_resblock1 *r, seq *x, const double *sum0, const double *sq0, seq *B,
                        seq *acc, int acc_mode, int nk) {
    int C = r->channels, k = r->k, tile = g->tile;
    for (int i = 0; i < r->n; i++) /* a tile at least as wide as the halo the delayed write assumes */
        if (tile < r->dilation[i] * (k - 1) / 2 + (k - 1) / 2) tile = r->dilation[i] * (k - 1) / 2 + (k - 1) / 2;
    memcpy(g->sum, sum0, sizeof(double) * (size_t)C); /* x's statistics, updated by each iteration */
    memcpy(g->sq, sq0, sizeof(double) * (size_t)C);
    if (grow(&g->y, &g->y_cap, (size_t)C * (size_t)tile) || grow(&g->pend, &g->pend_cap, (size_t)C * (size_t)tile))
        return -1;
    view xv = seq_view(x);
    release_free_heap();
    for (int i = 0; i < r->n; i++) {
        int mode = i + 1 == r->n ? acc_mode : 0;
        /* stride 1: the kernels read the weights as stored, per tile */
        if (resblock_iter(g, r, i, &r->convs1[i], &r->convs2[i], x, &xv, B, acc, mode, nk, tile)) return -1;
    }
    return 0;
}

/* The unpadded ups output columns [a, b) of stage i into out [Cn][b − a]. */
static int ups_cols(gen *g, int i, const lt_conv_t *up, const view *xin, int64_t a, int64_t b, float *out) {
    int u = g->m->cfg.upsample_rates[i], k = up->k, pad = (k - u) / 2, tin = xin->T;
    int64_t lo = a + pad - (k - 1), i0 = lo <= 0 ? 0 : (lo + u - 1) / u, i1 = (b - 1 + pad) / u;
    if (i1 > tin - 1) i1 = tin - 1;
    int nin = (int)(i1 - i0 + 1);
    int tout = (nin - 1) * u + k;
    float *z;
    if (grow(&g->ext, &g->ext_cap, (size_t)up->in * (size_t)nin) ||
        grow(&g->bext, &g->bext_cap, (size_t)up->out * (size_t)tout))
        return -1;
    prep(g, xin, NULL, NULL, 0.1f, g->ext, i0, nin);
    z = g->bext;
    if (lt_conv_t_apply(up, g->ext, nin, u, 0, z, tout)) return -1;
    int64_t shift = pad - i0 * u; /* column t of the output is z's column t + shift */
    for (int c = 0; c < up->out; c++)
        memcpy(out + (int64_t)c * (b - a), z + (int64_t)c * tout + a + shift, sizeof(float) * (size_t)(b - a));
    return 0;
}

int lt_generator_forward_lowmem(const lt_kokoro *m, float **x_in, int F2, float **har, int frames, const float *s,
                                float *audio) {
    const lt_kokoro_config *c = &m->cfg;
    int nb = c->istft_n_fft + 2, C = c->upsample_initial_channel, T = F2, nk = c->n_resblock_kernels;
    int rc = -1, Cmax = C;
    gen g = {.m = m, .s = s};
    seq xs = {0}, S = {0}, A = {0}, B = {0}, X = {0};
    view xv = {.f = *x_in, .C = C, .T = T, .ld = T};
    /* the stage with the largest seqs recomputes b in its middle resblocks */
    int64_t Ti = T, biggest = 0;
    for (int i = 0; i < c->n_upsamples; i++) {
        Ti = (Ti - 1) * c->upsample_rates[i] + c->upsample_kernel_sizes[i] -
             2 * ((c->upsample_kernel_sizes[i] - c->upsample_rates[i]) / 2) + (i + 1 == c->n_upsamples);
        if ((int64_t)(C >> (i + 1)) * Ti > biggest) biggest = (int64_t)(C >> (i + 1)) * Ti;
    }
    /* resblock order: the one with the smallest kernel in the middle */
    int order[LT_MAX_RESBLOCK_KERNELS], small = 0;
    for (int j = 1; j < nk; j++)
        if (c->resblock_kernel_sizes[j] < c->resblock_kernel_sizes[small]) small = j;
    for (int j = 0; j < nk; j++) order[j] = j;
    if (nk >= 3) {
        order[1] = small;
        order[small] = 1;
    }
    g.sum = calloc(4 * (size_t)C, sizeof(double));
    g.gb = malloc(sizeof(float) * 6 * (size_t)C);
    if (!g.sum || !g.gb) goto done;
    g.sq = g.sum + 2 * C;
    g.sc = g.gb + 2 * C;
    g.sh = g.sc + 2 * C;
    double *sy = malloc(sizeof(double) * 2 * (size_t)C);
    if (!sy) goto done;
    double *qy = sy + C;
    rc = 0;
    for (int i = 0; i < c->n_upsamples && !rc; i++) {
        int Cn = C / 2, last = i + 1 == c->n_upsamples;
        g.tile = 262144 / Cn < 256 ? 256 : 262144 / Cn; /* ~1 MiB of float32 per tile */
        const char *te = getenv("LITETTS_GENERATOR_TILE"); /* tests: many small tiles */
        if (te && atoi(te) >= 16) g.tile = atoi(te);
        /* noise branch: S = noise_res(noise_conv(har)) */
        int stride_f0 = 1;
        for (int j = i + 1; j < c->n_upsamples; j++) stride_f0 *= c->upsample_rates[j];
        int nstride = last ? 1 : stride_f0, npad = last ? 0 : (stride_f0 + 1) / 2;
        lt_conv ncw;
        float *ncbuf = NULL;
        if (widen_conv(&m->noise_convs[i], nstride, &ncw, &ncbuf)) {
            rc = -1;
            break;
        }
        const lt_conv *nc = &ncw;
        int Tsrc = lt_conv1d_out_len(frames, nc->k, nstride, npad, 1);
        const lt_conv_t *up = &m->ups[i];
        int u = c->upsample_rates[i], Tup = (T - 1) * u - 2 * ((up->k - u) / 2) + up->k + last;
        if (Tup != Tsrc) {
            rc = -2; /* shapes of the two branches disagree: a configuration the official code cannot run */
            break;
        }
        int recompute = (int64_t)Cn * Tup == biggest;
        if (seq_alloc(&S, Cn, Tsrc) || seq_alloc(&B, Cn, Tsrc) || grow(&g.y, &g.y_cap, (size_t)Cn * g.tile)) {
            rc = -1;
            break;
        }
        view hv = {.f = *har, .C = nb, .T = frames, .ld = frames};
        memset(sy, 0, sizeof(double) * 2 * (size_t)Cmax);
        for (int t0 = 0; t0 < Tsrc && !rc; t0 += g.tile) {
            int n = Tsrc - t0 < g.tile ? Tsrc - t0 : g.tile;
            rc = conv_tile(&g, nc, &hv, NULL, NULL, 1.0f, NULL, nstride, npad, 1, t0, n, g.y) ||
                 finish(&g, Cn, t0, n, g.y, NULL, &S, NULL, NULL, 0, 0, sy, qy);
        }
        free(ncbuf);
        if (last) {
            free(*har);
            *har = NULL;
        }
        if (!rc) rc = resblock_run(&g, &m->noise_res[i], &S, sy, qy, &B, NULL, 0, 1);
        lt_memtrace("lowmem noise_res");
        /* y = ups(leaky(x)) (+ reflection pad on the last stage) + S, in S */
        lt_conv_t upw = *up;
        float *upbuf = NULL;
        if (!rc && widen_w(up->w, (int64_t)up->in * up->out * up->k, &upw.w, &upbuf)) rc = -1;
        memset(sy, 0, sizeof(double) * 2 * (size_t)Cmax);
        for (int t0 = 0; t0 < Tup && !rc; t0 += g.tile) {
            int n = Tup - t0 < g.tile ? Tup - t0 : g.tile;
            if (!last) {
                rc = ups_cols(&g, i, &upw, &xv, t0, t0 + n, g.y);
            } else { /* padded column p is ups column p − 1, column 0 is ups column 1 */
                int64_t a = t0 == 0 ? 0 : t0 - 1, b = t0 + n - 1 > 2 ? t0 + n - 1 : 2;
                if (grow(&g.pend, &g.pend_cap, (size_t)Cn * (size_t)(b - a)) || ups_cols(&g, i, &upw, &xv, a, b, g.pend)) {
                    rc = -1;
                    break;
                }
                for (int ch = 0; ch < Cn; ch++)
                    for (int p = 0; p < n; p++) {
                        int64_t q = t0 + p == 0 ? 1 : t0 + p - 1;
                        g.y[(int64_t)ch * n + p] = g.pend[(int64_t)ch * (b - a) + (q - a)];
                    }
            }
            if (!rc) rc = finish(&g, Cn, t0, n, g.y, &S, &S, NULL, NULL, 0, 0, sy, qy);
        }
        free(upbuf);
        if (rc) break;
        seq_free(&xs);
        release_free_heap();
        if (i == 0) {
            free(*x_in);
            *x_in = NULL;
        }
        /* the mean of the resblocks */
        if (seq_alloc(&A, Cn, Tup)) {
            rc = -1;
            break;
        }
        for (int o = 0; o < nk && !rc; o++) {
            const lt_adain_resblock1 *rb = &m->resblocks[i * nk + order[o]];
            if (o == 0) {
                memcpy(A.p, S.p, S.bytes);
                rc = resblock_run(&g, rb, &A, sy, qy, &B, NULL, 0, nk);
                if (nk == 1) break;
            } else if (o + 1 < nk) {
                if (recompute) seq_free(&B);
                if (seq_alloc(&X, Cn, Tup)) {
                    rc = -1;
                    break;
                }
                memcpy(X.p, S.p, S.bytes);
                rc = resblock_run(&g, rb, &X, sy, qy, recompute ? NULL : &B, &A, 1, nk);
                seq_free(&X);
            } else {
                if (!B.p && seq_alloc(&B, Cn, Tup)) {
                    rc = -1;
                    break;
                }
                rc = resblock_run(&g, rb, &S, sy, qy, &B, &A, 2, nk);
            }
            lt_memtrace("lowmem resblock");
        }
        seq_free(&B);
        seq_free(&S);
        xs = A;
        A = (seq){0};
        xv = seq_view(&xs);
        C = Cn;
        T = Tup;
    }
    free(sy);
    if (rc) goto done;
    /* LeakyReLU 0.01 → conv_post → exp | sin → iSTFT, over tiles of samples */
    {
        const lt_conv *cp = &m->conv_post;
        int nfft = c->istft_n_fft, hop = c->istft_hop, pad = nfft / 2, half = nb / 2;
        int64_t L = (int64_t)hop * (frames - 1), step = (int64_t)g.tile * hop;
        if (grow(&g.pend, &g.pend_cap, (size_t)nb * (size_t)(g.tile + nfft / hop + 2))) {
            rc = -1;
            goto done;
        }
        for (int64_t s0 = 0; s0 < L && !rc; s0 += step) {
            int64_t s1 = s0 + step < L ? s0 + step : L;
            int64_t lo = s0 + pad - nfft + 1;
            int fa = lo <= 0 ? 0 : (int)((lo + hop - 1) / hop), fb = (int)((s1 - 1 + pad) / hop) + 1;
            if (fb > frames) fb = frames;
            int nf = fb - fa;
            if (grow(&g.pend, &g.pend_cap, (size_t)nb * (size_t)nf) ||
                conv_tile(&g, cp, &xv, NULL, NULL, 0.01f, NULL, 1, (cp->k - 1) / 2, 1, fa, nf, g.pend)) {
                rc = -1;
                break;
            }
            lt_exp_sin(g.pend, (int64_t)half * nf, (int64_t)(nb - half) * nf);
            rc = lt_istft_range(g.pend, g.pend + (int64_t)half * nf, nf, fa, fb, nfft, hop, s0, s1, audio + s0);
        }
    }
done:
    seq_free(&xs);
    seq_free(&S);
    seq_free(&A);
    seq_free(&B);
    seq_free(&X);
    free(g.ext);
    free(g.bext);
    free(g.y);
    free(g.pend);
    free(g.rows);
    free(g.sum);
    free(g.gb);
    return rc;
}

/* LITETTS_GENERATOR_TILE=N (N ≥ 16) sets the tile width in columns: tests use
 * small ones to cross many tile edges on short utterances. */
int lt_generator_lowmem_wanted(const lt_kokoro *m, const lt_synth_hooks *h) {
    const char *e = getenv("LITETTS_GENERATOR");
    if (h && h->dump) return 0;
    if (e && !strcmp(e, "whole")) return 0;
    if (e && !strcmp(e, "tiled")) return 1;
    /* f16 and bf16 files are the small-memory choice; q8_0 is the fast one:
     * its 8-bit convolutions lose about 40 % of their speed on short tiles
     * (weights repacked per call), so it keeps the whole-length generator */
    lt_dtype t = m->resblocks[0].convs1[0].w.dtype;
    return t == LT_F16 || t == LT_BF16;
}
