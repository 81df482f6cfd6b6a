/* kernels.c — float32 kernels for the Kokoro layers (see kernels.h). */
#include "engine/kernels.h"
#include "engine/threadpool.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Column tile for im2col / col2im: bounds scratch memory whatever the length. */
#define LT_CONV_TILE 1024

/* GEMMs through OpenBLAS are split over the engine's pool, each task one
 * single-threaded cblas_sgemm on a slice of the output (OpenBLAS's own threads
 * would spin for ~0.1 s after every call, competing with the pool's workers on
 * the same cores; threadpool.c keeps OpenBLAS at one thread). */

typedef struct lin_job {
    const float *x, *w, *b;
    float *y;
    int T, in, out, per;
} lin_job;

static void lin_task(void *ctx, int task, int thread) {
    (void)thread;
    const lin_job *j = ctx;
    int n0 = task * j->per, n = j->out - n0 < j->per ? j->out - n0 : j->per;
    for (int t = 0; t < j->T; t++)
        for (int c = 0; c < n; c++) j->y[(int64_t)t * j->out + n0 + c] = j->b ? j->b[n0 + c] : 0.0f;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, j->T, n, j->in, 1.0f, j->x, j->in, j->w + (int64_t)n0 * j->in,
                j->in, 1.0f, j->y + n0, j->out);
}

/* Tasks of `per` output rows (multiples of 16), one per thread, split only when the GEMM has work
 * for it: each task's sgemm repacks all of x, so more tasks would repack it more often, and equal
 * slices balance. */
static int gemm_tasks(int rows, int64_t work, int *per) {
    int threads = lt_pool_threads();
    int n = work < (1 << 20) ? 1 : threads;
    int p = ((rows + n - 1) / n + 15) / 16 * 16;
    *per = p > 0 ? p : 16;
    return (rows + *per - 1) / *per;
}

void lt_linear_sgemm(const float *x, int T, int in, const float *w, const float *b, int out, float *y) {
    lin_job j = {.x = x, .w = w, .b = b, .y = y, .T = T, .in = in, .out = out};
    lt_parallel_for(gemm_tasks(out, (int64_t)T * in * out, &j.per), lin_task, &j);
}

/* ConvTranspose1d: for each task's output channels [co0, co1), over input
 * column tiles, z[(co,kk)][j] = Σ_ci w[ci][(co,kk)] · x[ci][j0 + j] (one sgemm),
 * then the overlap-add into y[co] — tasks own disjoint output rows. */
typedef struct convt_job {
    const float *x, *w, *b;
    float *y, *z; /* z: per thread, per·k·tile floats */
    int cin, tin, cout, k, stride, pad, tout, per, tile;
} convt_job;

static void convt_task(void *ctx, int task, int thread) {
    const convt_job *j = ctx;
    int co0 = task * j->per, nco = j->cout - co0 < j->per ? j->cout - co0 : j->per, k = j->k;
    float *z = j->z + (size_t)thread * (size_t)j->per * k * j->tile;
    for (int co = co0; co < co0 + nco; co++) {
        float bias = j->b ? j->b[co] : 0.0f;
        float *row = j->y + (int64_t)co * j->tout;
        for (int t = 0; t < j->tout; t++) row[t] = bias;
    }
    int zrows = j->cout * k;
    for (int j0 = 0; j0 < j->tin; j0 += j->tile) {
        int n = j->tin - j0 < j->tile ? j->tin - j0 : j->tile;
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, nco * k, n, j->cin, 1.0f, j->w + (int64_t)co0 * k, zrows,
                    j->x + j0, j->tin, 0.0f, z, n);
        for (int c = 0; c < nco; c++) {
            float *yr = j->y + (int64_t)(co0 + c) * j->tout;
            for (int kk = 0; kk < k; kk++) {
                const float *zr = z + ((int64_t)c * k + kk) * n;
                for (int jj = 0; jj < n; jj++) {
                    int t = (j0 + jj) * j->stride - j->pad + kk;
                    if (t >= 0 && t < j->tout) yr[t] += zr[jj];
                }
            }
        }
    }
}

int lt_conv_transpose1d(const float *x, int cin, int tin, const float *w, const float *b, int cout,
                        int k, int stride, int pad, int out_pad, float *y, int tout) {
    (void)out_pad;
    convt_job j = {.x = x, .w = w, .b = b, .y = y, .cin = cin, .tin = tin, .cout = cout, .k = k, .stride = stride,
                   .pad = pad, .tout = tout};
    j.tile = tin < LT_CONV_TILE ? tin : LT_CONV_TILE;
    int threads = lt_pool_threads(), n = gemm_tasks(cout, (int64_t)cin * cout * k * tin, &j.per);
    if (n == 1) j.per = cout;
    j.z = malloc(sizeof(float) * (size_t)j.per * k * j.tile * (size_t)(n == 1 ? 1 : threads));
    if (!j.z) return -1;
    lt_parallel_for(n, convt_task, &j);
    free(j.z);
    return 0;
}

/* Rows split over the pool (see below): tasks of whole rows, by work C·T. */
static int row_tasks(int C, int64_t T, int *rows_per_task);

typedef struct dw_job {
    const float *x, *w, *b;
    float *y;
    int c, tin, k, stride, pad, tout, per;
} dw_job;

/* Task: channels [task·per, …) — each channel is independent. */
static void dw_task(void *ctx, int task, int thread) {
    (void)thread;
    const dw_job *J = ctx;
    int c0 = task * J->per, c1 = c0 + J->per < J->c ? c0 + J->per : J->c;
    for (int ch = c0; ch < c1; ch++) {
        float *yr = J->y + (int64_t)ch * J->tout;
        const float *xr = J->x + (int64_t)ch * J->tin;
        const float *wr = J->w + (int64_t)ch * J->k;
        float bias = J->b ? J->b[ch] : 0.0f;
        for (int t = 0; t < J->tout; t++) yr[t] = bias;
        for (int j = 0; j < J->tin; j++)
            for (int kk = 0; kk < J->k; kk++) {
                int t = j * J->stride - J->pad + kk;
                if (t >= 0 && t < J->tout) yr[t] += xr[j] * wr[kk];
            }
    }
}

void lt_conv_transpose1d_depthwise(const float *x, int c, int tin, const float *w, const float *b, int k,
                                   int stride, int pad, float *y, int tout) {
    dw_job j = {.x = x, .w = w, .b = b, .y = y, .c = c, .tin = tin, .k = k, .stride = stride, .pad = pad, .tout = tout};
    lt_parallel_for(row_tasks(c, (int64_t)tin * k, &j.per), dw_task, &j);
}

/* Normalisations round the way PyTorch 1.13's CPU kernels do, because the
 * golden data is PyTorch's float32 result (float64 is *further* from it):
 *   LayerNorm:    moments by pt_moments (below), rstd = 1/sqrtf(var + eps),
 *                 y = fma(fma(x, rstd, −rstd·mean), γ, β)   (the kernel's
 *                 (x·scale + bias)·γ + β, contracted by the compiler; without
 *                 γ/β only the inner fma) — bit-exact against the golden
 *                 AdaLayerNorm and ALBERT tensors.
 *   InstanceNorm: α = invstd, β₀ = −mean·α, y = x·α + β₀   (batch-norm path,
 *                 statistics accumulated in double; see row_stats). */

/* PyTorch's RowwiseMoments (aten/src/ATen/native/cpu/moments_utils.h) for
 * 8-lane vectors, in float, no fused operations: per lane a Welford pass over
 * chunks of 16 vectors, chunks merged through a binary cascade, a scalar
 * Welford pass over the tail, then the 8 lanes merged into it in order.
 * Returns mean and the biased variance. */
#define PTM_LANES 8
#define PTM_CHUNK 16
typedef struct { int64_t n; float m1[PTM_LANES], m2[PTM_LANES]; } ptm_acc;

static void ptm_merge(const ptm_acc *a, ptm_acc *b) { /* b ← b ∪ a (AddMomentsVec) */
    int64_t n = b->n + a->n;
    float c = n == 0 ? 0.0f : (float)a->n / (float)n, nb = (float)b->n;
    for (int l = 0; l < PTM_LANES; l++) {
        float d = a->m1[l] - b->m1[l];
        b->m1[l] += c * d;
        b->m2[l] += a->m2[l] + ((d * d) * c) * nb;
    }
    b->n = n;
}

static void pt_moments(const float *x, int64_t N, int64_t stride, float *mean_out, float *var_out) {
    int64_t n = N / PTM_LANES, chunks = (n + PTM_CHUNK - 1) / PTM_CHUNK;
    int depth = 0;
    while (((int64_t)1 << depth) < chunks) depth++;
    ptm_acc stk[64], cur;
    memset(stk, 0, sizeof(ptm_acc) * (size_t)(depth > 0 ? depth : 1));
    for (int64_t i = 0; i < chunks; i++) {
        const float *xp = x + i * PTM_CHUNK * PTM_LANES * stride;
        int64_t m0 = n - i * PTM_CHUNK < PTM_CHUNK ? n - i * PTM_CHUNK : PTM_CHUNK;
        memset(&cur, 0, sizeof cur);
        cur.n = m0;
        for (int64_t j = 0; j < m0; j++) {
            float cj = 1.0f / (float)(j + 1);
            for (int l = 0; l < PTM_LANES; l++) {
                float v = xp[(j * PTM_LANES + l) * stride], d = v - cur.m1[l];
                cur.m1[l] += d * cj;
                cur.m2[l] += d * (v - cur.m1[l]);
            }
        }
        ptm_merge(&cur, &stk[0]);
        int64_t mask = i + 1;
        for (int j = 1; j < depth && (mask & 1) == 0; j++) {
            ptm_merge(&stk[j - 1], &stk[j]);
            memset(&stk[j - 1], 0, sizeof stk[0]);
            mask >>= 1;
        }
    }
    for (int i = 1; i < depth; i++) ptm_merge(&stk[i], &stk[0]);
    int64_t m0 = 0;
    float m1 = 0.0f, m2 = 0.0f;
    for (int64_t i = n * PTM_LANES; i < N; i++) {
        float v = x[i * stride], d = v - m1;
        ++m0;
        m1 += d / (float)m0;
        m2 += d * (v - m1);
    }
    for (int l = 0; l < PTM_LANES; l++) { /* AddMoments(n, lane l) */
        int64_t nn = m0 + n;
        float c = nn == 0 ? 0.0f : (float)n / (float)nn, d = stk[0].m1[l] - m1;
        m1 += c * d;
        m2 += stk[0].m2[l] + ((d * d) * c) * (float)m0;
        m0 = nn;
    }
    *mean_out = m1;
    *var_out = m2 / (float)N;
}

static inline float ln_apply(float x, float rstd, float bias, const float *gamma, const float *beta, int c) {
    float y = fmaf(x, rstd, bias);
    return gamma ? fmaf(y, gamma[c], beta[c]) : y;
}

typedef struct ln_job {
    float *x;
    const float *gamma, *beta, *gb;
    int T, C, per;
    float eps;
} ln_job;

/* Task: rows [task·per, …), each normalised on its own (then AdaLN's affine when gb) */
static void ln_task(void *ctx, int task, int thread) {
    (void)thread;
    const ln_job *j = ctx;
    int t0 = task * j->per, t1 = t0 + j->per < j->T ? t0 + j->per : j->T, C = j->C;
    for (int t = t0; t < t1; t++) {
        float *r = j->x + (int64_t)t * C, mean, var;
        pt_moments(r, C, 1, &mean, &var);
        float rstd = 1.0f / sqrtf(var + j->eps), bias = -rstd * mean;
        for (int c = 0; c < C; c++) r[c] = ln_apply(r[c], rstd, bias, j->gamma, j->beta, c);
        if (j->gb)
            for (int c = 0; c < C; c++) r[c] = (1.0f + j->gb[c]) * r[c] + j->gb[C + c];
    }
}

void lt_layer_norm_rows(float *x, int T, int C, const float *gamma, const float *beta, float eps) {
    ln_job j = {.x = x, .gamma = gamma, .beta = beta, .T = T, .C = C, .eps = eps};
    lt_parallel_for(row_tasks(T, C, &j.per), ln_task, &j);
}

void lt_layer_norm_channels(float *x, int C, int T, const float *gamma, const float *beta, float eps) {
    for (int t = 0; t < T; t++) {
        float mean, var;
        pt_moments(x + t, C, T, &mean, &var);
        float rstd = 1.0f / sqrtf(var + eps), bias = -rstd * mean;
        for (int c = 0; c < C; c++) x[(int64_t)c * T + t] = ln_apply(x[(int64_t)c * T + t], rstd, bias, gamma, beta, c);
    }
}

void lt_ada_layer_norm_rows(float *x, int T, int C, const float *gb, float eps) {
    ln_job j = {.x = x, .gb = gb, .T = T, .C = C, .eps = eps};
    lt_parallel_for(row_tasks(T, C, &j.per), ln_task, &j);
}

/* ---- element-wise passes: vectorised (GCC vector types, one clone per ISA)
 * and split over the thread pool by channel rows or element ranges ---- */

typedef float v8f __attribute__((vector_size(32)));
typedef float v8fu __attribute__((vector_size(32), aligned(4)));
typedef double v8d __attribute__((vector_size(64)));
typedef int32_t v8i __attribute__((vector_size(32)));
#define LT_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))

/* Instance-norm statistics of one row, as lt_adain always computed them: mean
 * = (float)(Σ x / T) and var = Σ (float)(x − mean)² / T, sums in double (the
 * double sums are reassociated 8 ways; float rounding of the results hides it);
 * *dev_out = max |x − mean| (float). */
LT_CLONES static void row_stats(const float *r, int T, float *mean_out, double *var_out, float *dev_out) {
    v8d s = {0};
    int t = 0;
    for (; t + 8 <= T; t += 8) s += __builtin_convertvector(*(const v8fu *)(r + t), v8d);
    double sum = ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
    for (; t < T; t++) sum += r[t];
    float mean = (float)(sum / T);
    v8d q = {0};
    v8f mv = {mean, mean, mean, mean, mean, mean, mean, mean}, dmax = {0};
    for (t = 0; t + 8 <= T; t += 8) {
        v8f d = *(const v8fu *)(r + t) - mv;
        v8i ad = (v8i)d & 0x7fffffff, gt = ad > (v8i)dmax; /* |d| as bits: ordered as the floats */
        q += __builtin_convertvector(d * d, v8d);
        dmax = (v8f)((ad & gt) | ((v8i)dmax & ~gt));
    }
    double var = ((q[0] + q[1]) + (q[2] + q[3])) + ((q[4] + q[5]) + (q[6] + q[7]));
    float dev = 0.0f;
    for (int l = 0; l < 8; l++) dev = dmax[l] > dev ? dmax[l] : dev;
    for (; t < T; t++) {
        float d = r[t] - mean;
        var += d * d;
        dev = fabsf(d) > dev ? fabsf(d) : dev;
    }
    *mean_out = mean;
    *var_out = var;
    *dev_out = dev;
}

/* sin² of y for |y| ≤ SIN_LIMIT, a few ulp: y = nπ + r (3-part Cody–Waite,
 * the first two parts short enough that n·part is exact), |r| ≤ π/2, then the
 * Taylor polynomial of sin to r¹¹ (error < 6e-8 there). sin² ignores the sign. */
#define SIN_LIMIT 12000.0f
static inline float sin2_poly(float y) {
    float n = (y * 0.318309873f + 12582912.0f) - 12582912.0f;
    float r = ((y - n * 3.140625f) - n * 9.677410125732422e-4f) - n * -8.742277657347586e-08f;
    float r2 = r * r;
    float p = -2.50521084e-8f;
    p = p * r2 + 2.75573192e-6f;
    p = p * r2 + -1.98412698e-4f;
    p = p * r2 + 8.33333333e-3f;
    p = p * r2 + -1.66666667e-1f;
    float s = r + r * (r2 * p);
    return s * s;
}

/* Snake on one row: r[t] += inv·sin²(a·r[t]) (sinf itself beyond SIN_LIMIT). */
LT_CLONES static void snake_row(float *r, int T, float a, float inv) {
    int big = 0;
    for (int t = 0; t < T; t++) big |= fabsf(a * r[t]) > SIN_LIMIT;
    if (big) {
        for (int t = 0; t < T; t++) {
            float s = sinf(a * r[t]);
            r[t] += inv * (s * s);
        }
        return;
    }
    for (int t = 0; t < T; t++) r[t] += inv * sin2_poly(a * r[t]);
}

/* AdaIN of one row src (see lt_adain) into r (may be src), then Snake with alpha a when `snake`.
 * When the row's spread bounds a·v inside the polynomial's range (always, short of absurd
 * weights), normalisation and Snake run as one pass with the values of the two passes. */
LT_CLONES static void adain_row_with(const float *src, float *r, int T, float g, float bt, int snake, float a,
                                      float mean, double var_sum, float dev) {
    float alpha = (float)(1.0 / sqrt(var_sum / T + 1e-5)), beta0 = 0.0f - mean * alpha;
    /* |v| ≤ |g|·(dev·α + the rounding of x·α + β0, at most a few ulps of (|mean| + dev)·α) + |bt|,
     * with a 1 % margin on the rest */
    double spread = (double)dev * alpha + 1e-6 * (fabs((double)mean) + (double)dev) * alpha;
    double bound = fabs((double)a) * (fabs((double)g) * spread * 1.01 + fabs((double)bt) * 1.01 + 1e-3);
    if (snake && bound < 0.5 * SIN_LIMIT) {
        float inv = 1.0f / a;
        for (int t = 0; t < T; t++) {
            float v = g * (src[t] * alpha + beta0) + bt;
            r[t] = v + inv * sin2_poly(a * v);
        }
        return;
    }
    for (int t = 0; t < T; t++) r[t] = g * (src[t] * alpha + beta0) + bt;
    if (snake) snake_row(r, T, a, 1.0f / a);
}

static void adain_row(const float *src, float *r, int T, float g, float bt, int snake, float a) {
    float mean, dev;
    double var_sum;
    row_stats(src, T, &mean, &var_sum, &dev);
    adain_row_with(src, r, T, g, bt, snake, a, mean, var_sum, dev);
}

/* The same from streamed sums (lt_row_stats): mean = (float)(Σx / T), var_sum = Σx² − (Σx)²/T,
 * dev = max(max − mean, mean − min) — the largest |x − mean| of the row, as row_stats rounds it. */
static void adain_row_stats(const float *src, float *r, int T, float g, float bt, int snake, float a,
                            const lt_row_stats *st) {
    float mean = (float)(st->sum / T);
    double var_sum = st->sumsq - st->sum * st->sum / T;
    if (var_sum < 0) var_sum = 0;
    float hi = st->max - mean, lo = mean - st->min, dev = hi > lo ? hi : lo;
    adain_row_with(src, r, T, g, bt, snake, a, mean, var_sum, dev);
}

typedef struct ew_job {
    const float *src; /* adain: the input rows (x when in place) */
    const lt_row_stats *st; /* adain: the rows' streamed statistics, or NULL (computed here) */
    float *x;
    const float *p, *q;
    int C, T, rows_per_task;
    int64_t n, per_task;
    int64_t split; /* lt_exp_sin: exp below, sin from here */
    float f;
} ew_job;

static int row_tasks(int C, int64_t T, int *rows_per_task) {
    int threads = lt_pool_threads();
    if (threads <= 1 || (int64_t)C * T < 16384) { *rows_per_task = C; return 1; }
    int tasks = 8 * threads < C ? 8 * threads : C;
    *rows_per_task = (C + tasks - 1) / tasks;
    return (C + *rows_per_task - 1) / *rows_per_task;
}

static void adain_task(void *ctx, int task, int thread) {
    (void)thread;
    const ew_job *j = ctx;
    int c0 = task * j->rows_per_task, c1 = c0 + j->rows_per_task < j->C ? c0 + j->rows_per_task : j->C;
    for (int c = c0; c < c1; c++) {
        const float *src = j->src + (int64_t)c * j->T;
        float *dst = j->x + (int64_t)c * j->T, g = 1.0f + j->p[c], bt = j->p[j->C + c], a = j->q ? j->q[c] : 0.0f;
        if (j->st) adain_row_stats(src, dst, j->T, g, bt, j->q != NULL, a, &j->st[c]);
        else adain_row(src, dst, j->T, g, bt, j->q != NULL, a);
    }
}

void lt_adain(float *x, int C, int T, const float *gb) { lt_adain_snake(x, C, T, gb, NULL); }

void lt_adain_snake(float *x, int C, int T, const float *gb, const float *alpha) {
    lt_adain_snake_from(x, x, C, T, gb, alpha);
}

void lt_adain_snake_from(const float *x, float *y, int C, int T, const float *gb, const float *alpha) {
    lt_adain_snake_stats(x, y, C, T, gb, alpha, NULL);
}

void lt_adain_snake_stats(const float *x, float *y, int C, int T, const float *gb, const float *alpha,
                          const lt_row_stats *st) {
    ew_job j = {.src = x, .st = st, .x = y, .p = gb, .q = alpha, .C = C, .T = T};
    lt_parallel_for(row_tasks(C, T, &j.rows_per_task), adain_task, &j);
}

static void snake_task(void *ctx, int task, int thread) {
    (void)thread;
    const ew_job *j = ctx;
    int c0 = task * j->rows_per_task, c1 = c0 + j->rows_per_task < j->C ? c0 + j->rows_per_task : j->C;
    for (int c = c0; c < c1; c++) snake_row(j->x + (int64_t)c * j->T, j->T, j->p[c], 1.0f / j->p[c]);
}

void lt_snake(float *x, int C, int T, const float *alpha) {
    ew_job j = {.x = x, .p = alpha, .C = C, .T = T};
    lt_parallel_for(row_tasks(C, T, &j.rows_per_task), snake_task, &j);
}

/* Range tasks over n elements: [task·per_task, …). */
static int range_tasks(int64_t n, int64_t *per_task) { return lt_pool_split(n, 65536, 16, per_task); }

LT_CLONES static void leaky_range(float *x, int64_t n, float slope) {
    for (int64_t i = 0; i < n; i++) x[i] = x[i] > 0 ? x[i] : x[i] * slope;
}

static void leaky_task(void *ctx, int task, int thread) {
    (void)thread;
    const ew_job *j = ctx;
    int64_t i0 = task * j->per_task, m = j->n - i0 < j->per_task ? j->n - i0 : j->per_task;
    leaky_range(j->x + i0, m, j->f);
}

void lt_leaky_relu(float *x, int64_t n, float slope) {
    ew_job j = {.x = x, .n = n, .f = slope};
    lt_parallel_for(range_tasks(n, &j.per_task), leaky_task, &j);
}

LT_CLONES static void add_range(float *y, const float *x, int64_t n) {
    for (int64_t i = 0; i < n; i++) y[i] += x[i];
}

static void add_task(void *ctx, int task, int thread) {
    (void)thread;
    const ew_job *j = ctx;
    int64_t i0 = task * j->per_task, m = j->n - i0 < j->per_task ? j->n - i0 : j->per_task;
    add_range(j->x + i0, j->p + i0, m);
}

void lt_add_inplace(float *y, const float *x, int64_t n) {
    ew_job j = {.x = y, .p = x, .n = n};
    lt_parallel_for(range_tasks(n, &j.per_task), add_task, &j);
}

static void copy_task(void *ctx, int task, int thread) {
    (void)thread;
    const ew_job *j = ctx;
    int64_t i0 = task * j->per_task, m = j->n - i0 < j->per_task ? j->n - i0 : j->per_task;
    memcpy(j->x + i0, j->p + i0, sizeof(float) * (size_t)m);
}

void lt_copy(float *y, const float *x, int64_t n) {
    ew_job j = {.x = y, .p = x, .n = n};
    lt_parallel_for(range_tasks(n, &j.per_task), copy_task, &j);
}

LT_CLONES static void scale_range(float *y, const float *x, int64_t n, float d) {
    for (int64_t i = 0; i < n; i++) y[i] = x[i] / d;
}

static void div_task(void *ctx, int task, int thread) {
    (void)thread;
    const ew_job *j = ctx;
    int64_t i0 = task * j->per_task, m = j->n - i0 < j->per_task ? j->n - i0 : j->per_task;
    scale_range(j->x + i0, j->p + i0, m, j->f);
}

void lt_div(float *y, const float *x, int64_t n, float d) {
    ew_job j = {.x = y, .p = x, .n = n, .f = d};
    lt_parallel_for(range_tasks(n, &j.per_task), div_task, &j);
}

static void exp_sin_task(void *ctx, int task, int thread) {
    (void)thread;
    const ew_job *j = ctx;
    int64_t i0 = task * j->per_task, m = j->n - i0 < j->per_task ? j->n - i0 : j->per_task;
    for (int64_t i = i0; i < i0 + m; i++) j->x[i] = i < j->split ? expf(j->x[i]) : sinf(j->x[i]);
}

void lt_exp_sin(float *x, int64_t n_exp, int64_t n_sin) {
    ew_job j = {.x = x, .n = n_exp + n_sin, .split = n_exp};
    lt_parallel_for(range_tasks(j.n, &j.per_task), exp_sin_task, &j);
}

static void gelu_range(float *x, int64_t n) {
    const float k = 0.7978845608028654f; /* sqrt(2/pi) */
    float t[256];
    for (int64_t i0 = 0; i0 < n; i0 += 256) {
        int m = n - i0 < 256 ? (int)(n - i0) : 256;
        for (int i = 0; i < m; i++) {
            float v = x[i0 + i];
            float cube = (v * v) * v; /* torch.pow(x, 3.0), then the products in HF's order */
            t[i] = k * (v + 0.044715f * cube);
        }
        lt_pt_tanh(t, t, m); /* torch.tanh: SLEEF's rounding */
        for (int i = 0; i < m; i++) x[i0 + i] = (0.5f * x[i0 + i]) * (1.0f + t[i]);
    }
}

static void gelu_task(void *ctx, int task, int thread) {
    (void)thread;
    const ew_job *j = ctx;
    int64_t i0 = task * j->per_task, m = j->n - i0 < j->per_task ? j->n - i0 : j->per_task;
    gelu_range(j->x + i0, m);
}

/* element-wise, so any split gives the same values */
void lt_gelu_new(float *x, int64_t n) {
    ew_job j = {.x = x, .n = n};
    lt_parallel_for(range_tasks(n, &j.per_task), gelu_task, &j);
}
