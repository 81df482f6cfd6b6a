/* kernels_conv.c — Conv1d and ConvTranspose1d, channel-major (see kernels.h).
 *
 * Conv1d with stride 1 (every convolution of the model that matters) is a
 * direct convolution on AVX-512 or AVX2+FMA, split over the thread pool:
 *   - weights are repacked per call into co-blocks of COB output channels,
 *     wp[cb][ci][kk][r] = w[cb·COB + r][ci][kk] (zero rows past cout);
 *   - each task takes a chunk of output columns [t0, t0 + CH) and a group of
 *     co-blocks; it copies its input window x[ci][t0 − pad …] with the zero
 *     padding into a per-thread buffer xc[ci][0 … CH + (k−1)·dil) (sized to
 *     stay in L2), then for each co-block sweeps the chunk in register blocks
 *     of COB channels × TV·LANES columns (kernels_conv.inc), accumulators in
 *     registers across all cin·k taps:
 *       y[co][t] = (Σ_ci Σ_kk w[co][ci][kk]·x[ci][t − pad + kk·dil]) + b[co]   (FMA, ci-major)
 * Strided convolutions (the tiny down-sampling ones and the noise convs), and
 * CPUs without AVX2+FMA, use im2col + OpenBLAS sgemm over tiles of output
 * columns, the tiles on the pool (ConvTranspose1d is in kernels.c). OpenBLAS itself runs single-threaded (the pool owns the cores;
 * see threadpool.c). */
#include <cblas.h>
#include <stdlib.h>
#include <string.h>

#include "core/cpu_features.h"
#include "engine/kernels.h"
#include "engine/quant.h"
#include "engine/scratch.h"
#include "engine/threadpool.h"

void lt_conv_tiling_plan(int tout, int cols, int chunk_hint, int n_cb, int chunk_threads, int threads,
                         lt_conv_tiling *t) {
    int ch = chunk_hint / cols * cols;
    if (ch < cols) ch = cols;
    if (ch > 2048) ch = 2048;
    int need = (tout + cols - 1) / cols * cols;
    if (ch > need) ch = need;
    /* enough chunks to balance the threads */
    while (chunk_threads > 1 && ch > cols && (tout + ch - 1) / ch < 4 * chunk_threads)
        ch = (ch / 2 + cols - 1) / cols * cols;
    t->chunk = ch;
    t->n_chunks = (tout + ch - 1) / ch;
    int groups = 1;
    if (threads > 1 && t->n_chunks < 4 * threads) {
        groups = (4 * threads + t->n_chunks - 1) / t->n_chunks;
        if (groups > n_cb) groups = n_cb;
    }
    t->cb_per_group = (n_cb + groups - 1) / groups;
    t->n_groups = (n_cb + t->cb_per_group - 1) / t->cb_per_group;
    t->tout = tout;
    t->n_cb = n_cb;
}

int lt_conv_tiling_task(const lt_conv_tiling *p, int t, int *t0, int *nt, int *cb0, int *cb1) {
    int ch = t / p->n_groups, g = t % p->n_groups;
    *t0 = ch * p->chunk;
    *nt = p->tout - *t0 < p->chunk ? p->tout - *t0 : p->chunk;
    *cb0 = g * p->cb_per_group;
    *cb1 = *cb0 + p->cb_per_group < p->n_cb ? *cb0 + p->cb_per_group : p->n_cb;
    return *cb0 < *cb1;
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

#define SFX avx512
#define TGT __attribute__((target("avx512f")))
#define VEC __m512
#define LANES 16
#define LOADU _mm512_loadu_ps
#define SET1 _mm512_set1_ps
#define FMADD _mm512_fmadd_ps
#define ADD _mm512_add_ps
#define STOREU _mm512_storeu_ps
#define ZERO _mm512_setzero_ps
#define COB 6
#define TV 4
#include "engine/kernels_conv.inc"
#undef SFX
#undef TGT
#undef VEC
#undef LANES
#undef LOADU
#undef SET1
#undef FMADD
#undef ADD
#undef STOREU
#undef ZERO
#undef COB
#undef TV

#define SFX avx2
#define TGT __attribute__((target("avx2,fma")))
#define VEC __m256
#define LANES 8
#define LOADU _mm256_loadu_ps
#define SET1 _mm256_set1_ps
#define FMADD _mm256_fmadd_ps
#define ADD _mm256_add_ps
#define STOREU _mm256_storeu_ps
#define ZERO _mm256_setzero_ps
#define COB 4
#define TV 3
#include "engine/kernels_conv.inc"
#undef SFX
#undef TGT
#undef VEC
#undef LANES
#undef LOADU
#undef SET1
#undef FMADD
#undef ADD
#undef STOREU
#undef ZERO
#undef COB
#undef TV
#define LT_HAVE_DIRECT_CONV 1
#else
#define LT_HAVE_DIRECT_CONV 0
#endif

typedef void (*conv_block_fn)(const float *xc, int64_t ldx, const float *wp, int cin, int k, int dil,
                              const float *bias, int nco, float *y, int64_t ldy, int ncols, int add);
typedef struct conv_isa { int cob, cols; conv_block_fn block; } conv_isa;

static const conv_isa *conv_isa_get(void) {
#if LT_HAVE_DIRECT_CONV
    static const conv_isa avx512 = {6, 64, conv_block_avx512}, avx2 = {4, 24, conv_block_avx2};
    const lt_cpu_features *f = lt_cpu_features_get();
    if (f->avx512f) return &avx512;
    if (f->avx2 && f->fma) return &avx2;
#endif
    return NULL;
}

int lt_conv1d_out_len(int tin, int k, int stride, int pad, int dil) {
    return (tin + 2 * pad - dil * (k - 1) - 1) / stride + 1;
}

typedef struct conv_job {
    const conv_isa *is;
    const float *x, *b;
    const void *w; /* [cout][cin][k] in the file's type (wtype) */
    lt_dtype wtype;
    float *y, *wp, *scratch;
    int cin, tin, cout, k, pad, dil, tout;
    int add; /* y += the convolution */
    int n_cb;
    lt_conv_tiling plan;
    int64_t ldx;
    size_t xc_floats;
} conv_job;

/* Task cb: pack co-block cb of the weights, widening f16 / bf16 / q8_0 to
 * float32 on the way (no float32 copy of the whole layer is ever made). */
static void conv_pack_task(void *ctx, int cb, int thread) {
    (void)thread;
    const conv_job *j = ctx;
    int cob = j->is->cob, ck = j->cin * j->k;
    float *dst = j->wp + (size_t)cb * ck * cob;
    for (int r = 0; r < cob; r++) {
        int co = cb * cob + r;
        if (co < j->cout && j->wtype == LT_F32) {
            const float *src = (const float *)j->w + (int64_t)co * ck;
            for (int i = 0; i < ck; i++) dst[(int64_t)i * cob + r] = src[i];
        } else if (co < j->cout && (j->wtype == LT_F16 || j->wtype == LT_BF16)) {
            const uint16_t *src = (const uint16_t *)j->w + (int64_t)co * ck;
            float row[256]; /* widened a piece at a time (F16C where the CPU has it), then scattered */
            for (int i0 = 0; i0 < ck; i0 += 256) {
                int m = ck - i0 < 256 ? ck - i0 : 256;
                if (j->wtype == LT_F16) lt_f16_to_f32_row(src + i0, row, (size_t)m);
                else lt_bf16_to_f32_row(src + i0, row, (size_t)m);
                for (int i = 0; i < m; i++) dst[(int64_t)(i0 + i) * cob + r] = row[i];
            }
        } else if (co < j->cout) { /* q8_0, rows of whole blocks (lt_conv1d_typed checks) */
            const uint8_t *src = (const uint8_t *)j->w + (int64_t)co * (ck / LT_Q8_0_BLOCK) * LT_Q8_0_BLOCK_BYTES;
            float blk[LT_Q8_0_BLOCK];
            for (int i0 = 0; i0 < ck; i0 += LT_Q8_0_BLOCK) {
                lt_q8_0_dequantize_row(src + (i0 / LT_Q8_0_BLOCK) * LT_Q8_0_BLOCK_BYTES, blk, LT_Q8_0_BLOCK);
                for (int i = 0; i < LT_Q8_0_BLOCK; i++) dst[(int64_t)(i0 + i) * cob + r] = blk[i];
            }
        } else {
            for (int i = 0; i < ck; i++) dst[(int64_t)i * cob + r] = 0.0f;
        }
    }
}

/* Task (chunk, group): output columns of one chunk for one group of co-blocks. */
static void conv_task(void *ctx, int t, int thread) {
    const conv_job *j = ctx;
    int t0, nt, cb0, cb1;
    if (!lt_conv_tiling_task(&j->plan, t, &t0, &nt, &cb0, &cb1)) return;
    float *xc = j->scratch + (size_t)thread * j->xc_floats;
    int W = j->plan.chunk + (j->k - 1) * j->dil;
    /* xc[ci][i] = x[ci][t0 − pad + i], zero outside [0, tin) */
    int src0 = t0 - j->pad, lo = src0 < 0 ? -src0 : 0, hi = j->tin - src0 < W ? j->tin - src0 : W;
    for (int ci = 0; ci < j->cin; ci++) {
        float *d = xc + (int64_t)ci * j->ldx;
        const float *s = j->x + (int64_t)ci * j->tin + src0;
        if (hi <= lo) {
            memset(d, 0, sizeof(float) * (size_t)W);
            continue;
        }
        if (lo > 0) memset(d, 0, sizeof(float) * (size_t)lo);
        memcpy(d + lo, s + lo, sizeof(float) * (size_t)(hi - lo));
        if (hi < W) memset(d + hi, 0, sizeof(float) * (size_t)(W - hi));
    }
    int cob = j->is->cob, cols = j->is->cols;
    size_t wblk = (size_t)j->cin * j->k * cob;
    for (int cb = cb0; cb < cb1; cb++) {
        int co0 = cb * cob, nco = j->cout - co0 < cob ? j->cout - co0 : cob;
        float *y = j->y + (int64_t)co0 * j->tout + t0;
        for (int j0 = 0; j0 < nt; j0 += cols)
            j->is->block(xc + j0, j->ldx, j->wp + cb * wblk, j->cin, j->k, j->dil, j->b ? j->b + co0 : NULL, nco,
                         y + j0, j->tout, nt - j0 < cols ? nt - j0 : cols, j->add);
    }
}

static int conv1d_direct(const conv_isa *is, const float *x, int cin, int tin, const void *w, lt_dtype wtype,
                         const float *b, int cout, int k, int pad, int dil, float *y, int tout, int add) {
    conv_job j = {.is = is, .x = x, .w = w, .wtype = wtype, .b = b, .y = y, .cin = cin, .tin = tin, .cout = cout,
                  .k = k, .pad = pad, .dil = dil, .tout = tout, .add = add};
    int threads = lt_pool_threads(), cols = is->cols, halo = (k - 1) * dil;
    j.n_cb = (cout + is->cob - 1) / is->cob;
    /* chunk: the input window (cin × (chunk + halo) floats) about 256 KiB */
    lt_conv_tiling_plan(tout, cols, 65536 / cin - halo, j.n_cb, threads, threads, &j.plan);
    j.ldx = ((int64_t)j.plan.chunk + halo + 15) / 16 * 16;
    j.xc_floats = (size_t)cin * (size_t)j.ldx;
    int kept;
    j.wp = lt_scratch_get(2, sizeof(float) * ((size_t)j.n_cb * is->cob * cin * k + j.xc_floats * (size_t)threads),
                          &kept);
    if (!j.wp) return -1;
    j.scratch = j.wp + (size_t)j.n_cb * is->cob * cin * k;
    lt_parallel_for(j.n_cb, conv_pack_task, &j);
    lt_parallel_for(j.plan.n_chunks * j.plan.n_groups, conv_task, &j);
    lt_scratch_put(2, j.wp, kept);
    return 0;
}

/* Column tile for im2col / col2im: bounds scratch memory whatever the length. */
#define LT_CONV_TILE 1024

typedef struct im2col_job {
    const float *x, *w, *b;
    float *y, *cols; /* cols: per thread, cin·k × LT_CONV_TILE floats */
    int cin, tin, cout, k, stride, pad, dil, tout;
} im2col_job;

/* Task: output columns [task·LT_CONV_TILE, …) — bias, im2col of that tile, one sgemm. */
static void im2col_task(void *ctx, int task, int thread) {
    const im2col_job *j = ctx;
    int t0 = task * LT_CONV_TILE, n = j->tout - t0 < LT_CONV_TILE ? j->tout - t0 : LT_CONV_TILE;
    int64_t rows = (int64_t)j->cin * j->k;
    float *cols = j->cols + (size_t)thread * (size_t)rows * LT_CONV_TILE;
    for (int co = 0; co < j->cout; co++) {
        float bias = j->b ? j->b[co] : 0.0f, *row = j->y + (int64_t)co * j->tout + t0;
        for (int t = 0; t < n; t++) row[t] = bias;
    }
    for (int ci = 0; ci < j->cin; ci++) {
        const float *xr = j->x + (int64_t)ci * j->tin;
        for (int kk = 0; kk < j->k; kk++) {
            float *c = cols + ((int64_t)ci * j->k + kk) * n;
            int off = kk * j->dil - j->pad;
            for (int jj = 0; jj < n; jj++) {
                int src = (t0 + jj) * j->stride + off;
                c[jj] = (src >= 0 && src < j->tin) ? xr[src] : 0.0f;
            }
        }
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, j->cout, n, (int)rows, 1.0f, j->w, (int)rows, cols, n, 1.0f,
                j->y + t0, j->tout);
}

/* Strided convolutions (and CPUs without AVX2+FMA): im2col + OpenBLAS sgemm
 * over tiles of LT_CONV_TILE output columns, the tiles spread over the pool
 * (each tile the same computation whichever thread runs it). */
static int conv1d_im2col(const float *x, int cin, int tin, const float *w, const float *b, int cout, int k,
                         int stride, int pad, int dil, float *y, int tout) {
    if (k == 1 && stride == 1 && pad == 0) {
        for (int co = 0; co < cout; co++) {
            float bias = b ? b[co] : 0.0f;
            float *row = y + (int64_t)co * tout;
            for (int t = 0; t < tout; t++) row[t] = bias;
        }
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, cout, tout, cin, 1.0f, w, cin, x, tin, 1.0f, y, tout);
        return 0;
    }
    im2col_job j = {.x = x, .w = w, .b = b, .y = y, .cin = cin, .tin = tin, .cout = cout, .k = k, .stride = stride,
                    .pad = pad, .dil = dil, .tout = tout};
    int tiles = (tout + LT_CONV_TILE - 1) / LT_CONV_TILE, threads = lt_pool_threads();
    j.cols = malloc(sizeof(float) * (size_t)cin * k * LT_CONV_TILE * (size_t)threads);
    if (!j.cols) return -1;
    lt_parallel_for(tiles, im2col_task, &j);
    free(j.cols);
    return 0;
}

int lt_conv1d(const float *x, int cin, int tin, const float *w, const float *b, int cout, int k,
              int stride, int pad, int dil, float *y) {
    return lt_conv1d_typed(x, cin, tin, w, LT_F32, b, cout, k, stride, pad, dil, y);
}

static int conv1d_typed(const float *x, int cin, int tin, const void *w, lt_dtype wtype, const float *b, int cout,
                        int k, int stride, int pad, int dil, float *y, int add) {
    int tout = lt_conv1d_out_len(tin, k, stride, pad, dil);
    if (tout <= 0) return 0;
    const conv_isa *is = conv_isa_get();
    int64_t n = (int64_t)cout * cin * k;
    int packs = wtype == LT_F32 || wtype == LT_F16 || wtype == LT_BF16 ||
                (wtype == LT_Q8_0 && ((int64_t)cin * k) % LT_Q8_0_BLOCK == 0);
    if (is && stride == 1 && packs) return conv1d_direct(is, x, cin, tin, w, wtype, b, cout, k, pad, dil, y, tout, add);
    if (add) { /* the other paths write y: through a temporary */
        float *t = malloc(sizeof(float) * (size_t)cout * (size_t)tout);
        if (!t) return -1;
        int rc = conv1d_typed(x, cin, tin, w, wtype, b, cout, k, stride, pad, dil, t, 0);
        if (!rc) lt_add_inplace(y, t, (int64_t)cout * tout);
        free(t);
        return rc;
    }
    if (wtype == LT_F32) return conv1d_im2col(x, cin, tin, w, b, cout, k, stride, pad, dil, y, tout);
    /* strided (small) convolutions and CPUs without AVX2: a float32 copy for this call */
    float *f = malloc(sizeof(float) * (size_t)n);
    if (!f) return -1;
    lt_widen_range(w, wtype, 0, (size_t)n, f);
    int rc = conv1d_im2col(x, cin, tin, f, b, cout, k, stride, pad, dil, y, tout);
    free(f);
    return rc;
}

int lt_conv1d_typed(const float *x, int cin, int tin, const void *w, lt_dtype wtype, const float *b, int cout, int k,
                    int stride, int pad, int dil, float *y) {
    return conv1d_typed(x, cin, tin, w, wtype, b, cout, k, stride, pad, dil, y, 0);
}

int lt_conv1d_typed_add(const float *x, int cin, int tin, const void *w, lt_dtype wtype, const float *b, int cout,
                        int k, int stride, int pad, int dil, float *y) {
    return conv1d_typed(x, cin, tin, w, wtype, b, cout, k, stride, pad, dil, y, 1);
}
