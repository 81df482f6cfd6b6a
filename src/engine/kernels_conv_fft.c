/* kernels_conv_fft.c — stride-1 Conv1d through the FFT (overlap-save), for the
 * generator's wide kernels (k 7 and 11: 78 % of Kokoro's multiply-adds).
 *
 * A direct convolution costs cout·cin·k multiply-adds per output step. Here the
 * output of each phase is cut into blocks of NB = n − k + 1 steps; a block needs
 * a window of n inputs, and in the frequency domain (n-point real FFT, h = n/2
 * bins once the two real bins share a slot) the whole channel mixing is, per
 * bin f, one complex matrix product
 *     Y_f[co][b] = Σ_ci W_f[co][ci] · X_f[ci][b]
 * which costs 4·cout·cin real multiply-adds per (bin, block): 2·n·cout·cin per
 * block of NB outputs instead of NB·k·cout·cin — k = 11: 3.8 × fewer at n = 32,
 * 4.6 × at n = 64; k = 7, n = 32: 2.8 ×.
 *
 * The pieces, all on the thread pool:
 *   prepare   W_f = conj(DFT_n(w[co][ci][·])) / n (conj: PyTorch's conv is a
 *             correlation), the taps widened from the file's type (f32, f16,
 *             bf16, q8_0) on the way, stored per bin in register blocks of R
 *             output channels: a[f][co/R][ci][co%R] = (re, im). Bins 0 and n/2
 *             are real: they share slot 0 (bin 0 as "re", bin n/2 as "im").
 *   forward   per input channel: for each block its window
 *             win[i] = x[ci][dil·n0 + r − pad + dil·i] (zeros outside [0, tin);
 *             dilation d runs as d interleaved undilated phases r), real FFT,
 *             stored as X_f [cin][2·G] (G blocks of a group: real parts in
 *             columns [0, G), imaginary in [G, 2G)).
 *   product   per bin: Y_f = W_f · X_f in complex register blocks (R output
 *             channels × 32 blocks on AVX-512), slot 0 as two real products.
 *   inverse   per output channel: inverse real FFT of each block, the first NB
 *             values (circular correlation is exact there) + bias → y.
 * Blocks are processed in groups of G so the spectra stay a few MiB whatever
 * the length; FFTs run on LANES blocks at once (structure of arrays, one SIMD
 * lane per block). Every task computes the same values whichever thread runs
 * it, so the output does not depend on the thread count. Rounding differs from
 * the direct convolution by about 1e-6 relative (parity's limit is 1e-5).
 * lt_conv_fft_size weighs the transform and the FFT passes against the saving
 * and keeps short calls (the tiled generator's) and narrow kernels direct. */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/cpu_features.h"
#include "engine/kernels.h"
#include "engine/quant.h"
#include "engine/scratch.h"
#include "engine/threadpool.h"

#define LANES 16     /* blocks per FFT (one float per block in each SIMD vector) */
#define FFT_MIN_N 16 /* n = 2^m, FFT_MIN_N ≤ n ≤ FFT_MAX_N */
#define FFT_MAX_N 256
#define PAD_FLOATS 16 /* one cache line between per-bin matrices */
#define GROUP_STEP (2 * LANES) /* group sizes: whole FFT lane sets and 32-column product blocks */
#define GROUP_FLOATS (1 << 19) /* a group's spectra X and Y: about 2 MiB (best of 32–256-block groups here) */
#define FFT_MAX_WEIGHT_FLOATS (4 << 20) /* transformed weights of one layer: at most 16 MiB */

#if defined(__x86_64__) && defined(__GNUC__)
#define LANE_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define LANE_CLONES
#endif

/* ---------- n-point real FFT on LANES signals at once ---------- */

typedef struct fft_tables {
    int n, h;
    int rev[FFT_MAX_N / 2];                   /* bit reversal over h */
    float twr[FFT_MAX_N / 2], twi[FFT_MAX_N / 2]; /* e^{−2πi j/h}, j < h/2 */
    float twi_inv[FFT_MAX_N / 2];                 /* −twi: the inverse's twiddles */
    float pr[FFT_MAX_N / 2], pi[FFT_MAX_N / 2];   /* e^{−2πi f/n}, f < h (real-FFT split) */
} fft_tables;

static fft_tables g_tables[9]; /* index log2(n) */
static pthread_once_t g_tables_once = PTHREAD_ONCE_INIT;

static void tables_init(void) {
    for (int lg = 4; lg <= 8; lg++) {
        fft_tables *t = &g_tables[lg];
        int n = 1 << lg, h = n / 2, bits = lg - 1;
        t->n = n;
        t->h = h;
        for (int j = 0; j < h; j++) {
            int r = 0;
            for (int b = 0; b < bits; b++)
                if (j & (1 << b)) r |= 1 << (bits - 1 - b);
            t->rev[j] = r;
        }
        for (int j = 0; j < h / 2; j++) {
            t->twr[j] = (float)cos(2.0 * M_PI * j / h);
            t->twi[j] = (float)-sin(2.0 * M_PI * j / h);
            t->twi_inv[j] = -t->twi[j];
        }
        for (int f = 0; f < h; f++) {
            t->pr[f] = (float)cos(2.0 * M_PI * f / n);
            t->pi[f] = (float)-sin(2.0 * M_PI * f / n);
        }
    }
}

static const fft_tables *tables_get(int n) {
    pthread_once(&g_tables_once, tables_init);
    int lg = 0;
    while ((1 << lg) < n) lg++;
    return &g_tables[lg];
}

/* In-place complex FFT of size h on LANES signals (zr, zi [h][LANES], input in bit-reversed order).
 * sign −1: forward (e^{−i}); +1: inverse without the 1/h. */
LANE_CLONES static void cfft_lanes(const fft_tables *restrict t, float *restrict zr, float *restrict zi, int sign) {
    int h = t->h;
    const float *twi = sign < 0 ? t->twi : t->twi_inv;
    for (int len = 2; len <= h; len <<= 1) {
        int half = len / 2, step = h / len;
        for (int s = 0; s < h; s += len) {
            for (int j = 0; j < half; j++) {
                float wr = t->twr[j * step], wi = twi[j * step];
                float *ar = zr + (size_t)(s + j) * LANES, *ai = zi + (size_t)(s + j) * LANES;
                float *br = zr + (size_t)(s + j + half) * LANES, *bi = zi + (size_t)(s + j + half) * LANES;
                for (int l = 0; l < LANES; l++) {
                    float tr = wr * br[l] - wi * bi[l], ti = wr * bi[l] + wi * br[l];
                    br[l] = ar[l] - tr;
                    bi[l] = ai[l] - ti;
                    ar[l] += tr;
                    ai[l] += ti;
                }
            }
        }
    }
}

/* Forward real FFT of LANES windows. win [n][LANES] → bins: re/im, LANES floats per bin, bin f at
 * re + f·ld (im likewise); slot 0 holds X_0 (re) and X_{n/2} (im). zr, zi: h·LANES floats of scratch. */
LANE_CLONES static void rfft_lanes(const fft_tables *restrict t, const float *restrict win, float *restrict re,
                                   float *restrict im, size_t ld, float *restrict zr, float *restrict zi) {
    int h = t->h;
    for (int m = 0; m < h; m++) {
        const float *ev = win + (size_t)(2 * m) * LANES, *od = ev + LANES;
        float *dr = zr + (size_t)t->rev[m] * LANES, *di = zi + (size_t)t->rev[m] * LANES;
        for (int l = 0; l < LANES; l++) {
            dr[l] = ev[l];
            di[l] = od[l];
        }
    }
    cfft_lanes(t, zr, zi, -1);
    for (int l = 0; l < LANES; l++) {
        re[l] = zr[l] + zi[l];
        im[l] = zr[l] - zi[l];
    }
    for (int f = 1; f < h; f++) {
        const float *ar = zr + (size_t)f * LANES, *ai = zi + (size_t)f * LANES;
        const float *br = zr + (size_t)(h - f) * LANES, *bi = zi + (size_t)(h - f) * LANES;
        float pr = t->pr[f], pi = t->pi[f];
        float *dr = re + (size_t)f * ld, *di = im + (size_t)f * ld;
        for (int l = 0; l < LANES; l++) {
            /* E = (Z_f + conj Z_{h−f}) / 2, O = (Z_f − conj Z_{h−f}) / 2i, X_f = E + P_f·O */
            float er = 0.5f * (ar[l] + br[l]), ei = 0.5f * (ai[l] - bi[l]);
            float or_ = 0.5f * (ai[l] + bi[l]), oi = -0.5f * (ar[l] - br[l]);
            dr[l] = er + (pr * or_ - pi * oi);
            di[l] = ei + (pr * oi + pi * or_);
        }
    }
}

/* Inverse of rfft_lanes times n: re/im (bin f at re + f·ld, slot 0 packed) → out [n][LANES]. */
LANE_CLONES static void irfft_lanes(const fft_tables *restrict t, const float *restrict re, const float *restrict im,
                                    size_t ld, float *restrict out, float *restrict zr, float *restrict zi) {
    int h = t->h;
    { /* slot 0: E = X_0 + X_h, O = X_0 − X_h (times 2, the scale the others carry too) */
        float *dr = zr + (size_t)t->rev[0] * LANES, *di = zi + (size_t)t->rev[0] * LANES;
        for (int l = 0; l < LANES; l++) {
            dr[l] = re[l] + im[l];
            di[l] = re[l] - im[l];
        }
    }
    for (int f = 1; f < h; f++) {
        const float *ar = re + (size_t)f * ld, *ai = im + (size_t)f * ld;
        const float *br = re + (size_t)(h - f) * ld, *bi = im + (size_t)(h - f) * ld;
        float pr = t->pr[f], pi = -t->pi[f]; /* conj P_f = 1 / P_f */
        float *dr = zr + (size_t)t->rev[f] * LANES, *di = zi + (size_t)t->rev[f] * LANES;
        for (int l = 0; l < LANES; l++) {
            /* 2E = X_f + conj X_{h−f}, 2O = (X_f − conj X_{h−f}) / P_f, Z = 2E + i·2O */
            float er = ar[l] + br[l], ei = ai[l] - bi[l];
            float dr_ = ar[l] - br[l], di_ = ai[l] + bi[l];
            float or_ = pr * dr_ - pi * di_, oi = pr * di_ + pi * dr_;
            dr[l] = er - oi;
            di[l] = ei + or_;
        }
    }
    cfft_lanes(t, zr, zi, +1);
    for (int m = 0; m < h; m++) {
        float *ev = out + (size_t)(2 * m) * LANES, *od = ev + LANES;
        const float *sr = zr + (size_t)m * LANES, *si = zi + (size_t)m * LANES;
        for (int l = 0; l < LANES; l++) {
            ev[l] = sr[l];
            od[l] = si[l];
        }
    }
}

/* ---------- the per-bin complex product ---------- */

/* Y[r][b] = Σ_ci A[ci][r] · X[ci][b] over complex numbers, for a register block of R rows × cols
 * blocks: x = X's real parts (row ci at x + ci·ldx), imaginary parts `im` floats further; a: [cin][R]
 * pairs (re, im); y likewise (row r at y + r·ldy, imaginary parts `im` further). pair: slot 0, two
 * real products instead (Re Y = Re A·Re X, Im Y = Im A·Im X). Writes rows r < nco, columns < ncols. */
typedef void (*cblock_fn)(const float *x, size_t ldx, size_t im, const float *a, int cin, float *y, size_t ldy,
                          int nco, int ncols, int pair);

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

/* 4 rows: 16 accumulators + 4 inputs + 8 broadcast weights stay in the 32 registers (6 rows spilled:
 * 65 against 113 GFLOP/s for 256 channels on one core) */
#define CB_R512 4
__attribute__((target("avx512f"))) static void cblock_avx512(const float *x, size_t ldx, size_t im, const float *a,
                                                             int cin, float *y, size_t ldy, int nco, int ncols,
                                                             int pair) {
    enum { R = CB_R512 };
    __m512 yr[R][2], yi[R][2];
    for (int r = 0; r < R; r++)
        for (int v = 0; v < 2; v++) yr[r][v] = yi[r][v] = _mm512_setzero_ps();
    for (int ci = 0; ci < cin; ci++) { /* `pair` is loop-invariant: the compiler unswitches it */
        const float *xr = x + (size_t)ci * ldx, *ac = a + (size_t)ci * 2 * R;
        __m512 r0 = _mm512_loadu_ps(xr), r1 = _mm512_loadu_ps(xr + 16);
        __m512 i0 = _mm512_loadu_ps(xr + im), i1 = _mm512_loadu_ps(xr + im + 16);
        for (int r = 0; r < R; r++) {
            __m512 wr = _mm512_set1_ps(ac[2 * r]), wi = _mm512_set1_ps(ac[2 * r + 1]);
            if (pair) {
                yr[r][0] = _mm512_fmadd_ps(wr, r0, yr[r][0]);
                yr[r][1] = _mm512_fmadd_ps(wr, r1, yr[r][1]);
                yi[r][0] = _mm512_fmadd_ps(wi, i0, yi[r][0]);
                yi[r][1] = _mm512_fmadd_ps(wi, i1, yi[r][1]);
            } else {
                yr[r][0] = _mm512_fnmadd_ps(wi, i0, _mm512_fmadd_ps(wr, r0, yr[r][0]));
                yr[r][1] = _mm512_fnmadd_ps(wi, i1, _mm512_fmadd_ps(wr, r1, yr[r][1]));
                yi[r][0] = _mm512_fmadd_ps(wi, r0, _mm512_fmadd_ps(wr, i0, yi[r][0]));
                yi[r][1] = _mm512_fmadd_ps(wi, r1, _mm512_fmadd_ps(wr, i1, yi[r][1]));
            }
        }
    }
    for (int r = 0; r < nco; r++) {
        float *d = y + (size_t)r * ldy;
        if (ncols == 32) {
            _mm512_storeu_ps(d, yr[r][0]);
            _mm512_storeu_ps(d + 16, yr[r][1]);
            _mm512_storeu_ps(d + im, yi[r][0]);
            _mm512_storeu_ps(d + im + 16, yi[r][1]);
        } else {
            float t[64];
            _mm512_storeu_ps(t, yr[r][0]);
            _mm512_storeu_ps(t + 16, yr[r][1]);
            _mm512_storeu_ps(t + 32, yi[r][0]);
            _mm512_storeu_ps(t + 48, yi[r][1]);
            for (int c = 0; c < ncols; c++) {
                d[c] = t[c];
                d[im + c] = t[32 + c];
            }
        }
    }
}

#define CB_R256 2
__attribute__((target("avx2,fma"))) static void cblock_avx2(const float *x, size_t ldx, size_t im, const float *a,
                                                            int cin, float *y, size_t ldy, int nco, int ncols,
                                                            int pair) {
    enum { R = CB_R256 };
    __m256 yr[R][2], yi[R][2];
    for (int r = 0; r < R; r++)
        for (int v = 0; v < 2; v++) yr[r][v] = yi[r][v] = _mm256_setzero_ps();
    for (int ci = 0; ci < cin; ci++) {
        const float *xr = x + (size_t)ci * ldx, *ac = a + (size_t)ci * 2 * R;
        __m256 r0 = _mm256_loadu_ps(xr), r1 = _mm256_loadu_ps(xr + 8);
        __m256 i0 = _mm256_loadu_ps(xr + im), i1 = _mm256_loadu_ps(xr + im + 8);
        for (int r = 0; r < R; r++) {
            __m256 wr = _mm256_set1_ps(ac[2 * r]), wi = _mm256_set1_ps(ac[2 * r + 1]);
            if (pair) {
                yr[r][0] = _mm256_fmadd_ps(wr, r0, yr[r][0]);
                yr[r][1] = _mm256_fmadd_ps(wr, r1, yr[r][1]);
                yi[r][0] = _mm256_fmadd_ps(wi, i0, yi[r][0]);
                yi[r][1] = _mm256_fmadd_ps(wi, i1, yi[r][1]);
            } else {
                yr[r][0] = _mm256_fnmadd_ps(wi, i0, _mm256_fmadd_ps(wr, r0, yr[r][0]));
                yr[r][1] = _mm256_fnmadd_ps(wi, i1, _mm256_fmadd_ps(wr, r1, yr[r][1]));
                yi[r][0] = _mm256_fmadd_ps(wi, r0, _mm256_fmadd_ps(wr, i0, yi[r][0]));
                yi[r][1] = _mm256_fmadd_ps(wi, r1, _mm256_fmadd_ps(wr, i1, yi[r][1]));
            }
        }
    }
    for (int r = 0; r < nco; r++) {
        float *d = y + (size_t)r * ldy, t[32];
        _mm256_storeu_ps(t, yr[r][0]);
        _mm256_storeu_ps(t + 8, yr[r][1]);
        _mm256_storeu_ps(t + 16, yi[r][0]);
        _mm256_storeu_ps(t + 24, yi[r][1]);
        for (int c = 0; c < ncols; c++) {
            d[c] = t[c];
            d[im + c] = t[16 + c];
        }
    }
}
#endif

/* The portable block (CPUs without AVX2+FMA): R = 2, 8 columns. */
static void cblock_generic(const float *x, size_t ldx, size_t im, const float *a, int cin, float *y, size_t ldy,
                           int nco, int ncols, int pair) {
    enum { R = 2, C = 8 };
    float yr[R][C] = {{0}}, yi[R][C] = {{0}};
    for (int ci = 0; ci < cin; ci++) {
        const float *xr = x + (size_t)ci * ldx, *xi = xr + im, *ac = a + (size_t)ci * 2 * R;
        for (int r = 0; r < R; r++) {
            float wr = ac[2 * r], wi = ac[2 * r + 1];
            for (int c = 0; c < C; c++) {
                if (pair) {
                    yr[r][c] += wr * xr[c];
                    yi[r][c] += wi * xi[c];
                } else {
                    yr[r][c] += wr * xr[c] - wi * xi[c];
                    yi[r][c] += wr * xi[c] + wi * xr[c];
                }
            }
        }
    }
    for (int r = 0; r < nco; r++)
        for (int c = 0; c < ncols; c++) {
            y[(size_t)r * ldy + c] = yr[r][c];
            y[(size_t)r * ldy + im + c] = yi[r][c];
        }
}

typedef struct cblock_isa { int rows, cols; cblock_fn fn; } cblock_isa;

static const cblock_isa *cblock_get(void) {
#if defined(__x86_64__) && defined(__GNUC__)
    static const cblock_isa avx512 = {CB_R512, 32, cblock_avx512}, avx2 = {CB_R256, 16, cblock_avx2};
    const lt_cpu_features *f = lt_cpu_features_get();
    if (f->avx512f) return &avx512;
    if (f->avx2 && f->fma) return &avx2;
#endif
    static const cblock_isa generic = {2, 8, cblock_generic};
    return &generic;
}

/* ---------- the convolution ---------- */

struct lt_conv_fft {
    int cin, cout, k, n, h, nb;
    const cblock_isa *cb; /* the register block of the per-bin products */
    int ncb;              /* row blocks of cb->rows output channels */
    float *a;             /* h × [ncb][cin][rows][2]: W_f, (re, im) pairs */
    size_t abin;          /* per-bin stride of a (padded off powers of two) */
    int a_arena;          /* a is scratch slot 0 (engine/scratch.h) */
};

/* The mode: LITETTS_CONV_FFT=on|off|auto in the environment (read once), or lt_conv_fft_set_mode. */
static lt_conv_fft_mode g_mode = LT_CONV_FFT_AUTO;
static pthread_once_t g_mode_once = PTHREAD_ONCE_INIT;
static void mode_from_env(void) {
    const char *e = getenv("LITETTS_CONV_FFT");
    if (e && !strcmp(e, "off")) g_mode = LT_CONV_FFT_OFF;
    else if (e && !strcmp(e, "on")) g_mode = LT_CONV_FFT_ON;
}
void lt_conv_fft_set_mode(lt_conv_fft_mode m) {
    pthread_once(&g_mode_once, mode_from_env);
    g_mode = m;
}

static int64_t blocks_for(int n, int k, int64_t tout, int dil) {
    int nb = n - k + 1;
    return (int64_t)dil * (((tout + dil - 1) / dil + nb - 1) / nb);
}

int lt_conv_fft_size(int cin, int cout, int k, int tout, int dil) {
    pthread_once(&g_mode_once, mode_from_env);
    if (g_mode == LT_CONV_FFT_OFF || k < 2 || cin < 1 || cout < 1 || tout < 1 || dil < 1) return 0;
    /* Work in multiply-add units of the product, the weights' transform and the FFTs weighted by
     * what they cost against it (measured on AVX-512: per unit of work the transform is ~15 ×
     * slower, the FFT passes with their transposes ~20 ×). Short calls (the tiled generator's)
     * stay direct: the transform would be repeated per tile. */
    double best = 0.0;
    int best_n = 0;
    for (int n = FFT_MIN_N; n <= FFT_MAX_N; n <<= 1) {
        if (n < 2 * k) continue;
        if ((int64_t)n * cin * cout > FFT_MAX_WEIGHT_FLOATS) break;
        double B = (double)blocks_for(n, k, tout, dil), lg = log2((double)n);
        double cost = 2.0 * n * cin * cout * B + 15.0 * cin * cout * k * n + 20.0 * (cin + cout) * B * n * lg;
        if (!best_n || cost < best) {
            best = cost;
            best_n = n;
        }
    }
    if (!best_n) return 0;
    if (g_mode == LT_CONV_FFT_ON) return best_n;
    double direct = (double)cin * cout * k * tout;
    return best < 0.7 * direct ? best_n : 0;
}

typedef struct prep_job {
    lt_conv_fft *p;
    const void *w;
    lt_dtype wtype;
    float *trig;    /* [2][h][k]: cos(2π f j / n) (f = 0: 1), sin(2π f j / n) (f = 0: (−1)^j) */
    float *scratch; /* per thread: cin·k (taps) + cin·k (transposed) + 2·cin (one bin) */
    size_t scratch_floats;
} prep_job;

/* re[ci] = Σ_j wt[j][ci]·c[j], im[ci] = Σ_j wt[j][ci]·s[j] (one bin of one output channel). */
LANE_CLONES static void dft_bin(const float *restrict wt, int k, int cin, const float *restrict c,
                                const float *restrict sn, float *restrict re, float *restrict im) {
    for (int ci = 0; ci < cin; ci++) re[ci] = im[ci] = 0.0f;
    for (int jj = 0; jj < k; jj++) {
        const float *restrict w = wt + (size_t)jj * cin;
        float cj = c[jj], sj = sn[jj];
        for (int ci = 0; ci < cin; ci++) {
            re[ci] += w[ci] * cj;
            im[ci] += w[ci] * sj;
        }
    }
}

/* Task cb: output channels [cb·R, cb·R + R) of every W_f, stored a[f][cb][ci][r] = (re, im). */
static void prep_task(void *ctx, int cb, int thread) {
    const prep_job *j = ctx;
    const lt_conv_fft *p = j->p;
    int cin = p->cin, k = p->k, h = p->h, R = p->cb->rows;
    float *taps = j->scratch + (size_t)thread * j->scratch_floats, *wt = taps + (size_t)cin * k;
    float *re = wt + (size_t)cin * k, *im = re + cin;
    const float *cs = j->trig, *sn = j->trig + (size_t)h * k;
    for (int r = 0; r < R; r++) {
        int co = cb * R + r;
        float *dst = p->a + (size_t)cb * cin * 2 * R + 2 * r;
        if (co >= p->cout) {
            for (int f = 0; f < h; f++)
                for (int ci = 0; ci < cin; ci++) {
                    float *d = dst + f * p->abin + (size_t)ci * 2 * R;
                    d[0] = d[1] = 0.0f;
                }
            continue;
        }
        lt_widen_range(j->w, j->wtype, (int64_t)co * cin * k, (size_t)cin * k, taps);
        for (int ci = 0; ci < cin; ci++)
            for (int jj = 0; jj < k; jj++) wt[(size_t)jj * cin + ci] = taps[(size_t)ci * k + jj];
        for (int f = 0; f < h; f++) {
            dft_bin(wt, k, cin, cs + (size_t)f * k, sn + (size_t)f * k, re, im);
            float *d = dst + f * p->abin;
            for (int ci = 0; ci < cin; ci++) {
                d[(size_t)ci * 2 * R] = re[ci];
                d[(size_t)ci * 2 * R + 1] = im[ci];
            }
        }
    }
}

lt_conv_fft *lt_conv_fft_prepare(const void *w, lt_dtype wtype, int cout, int cin, int k, int n) {
    if (cout < 1 || cin < 1 || k < 1 || n < FFT_MIN_N || n > FFT_MAX_N || (n & (n - 1)) || n - k + 1 < 1) return NULL;
    if (wtype != LT_F32 && wtype != LT_F16 && wtype != LT_BF16 && wtype != LT_Q8_0) return NULL;
    if (wtype == LT_Q8_0 && ((int64_t)cin * k) % LT_Q8_0_BLOCK) return NULL;
    lt_conv_fft *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    p->cin = cin;
    p->cout = cout;
    p->k = k;
    p->n = n;
    p->h = n / 2;
    p->nb = n - k + 1;
    p->cb = cblock_get();
    int R = p->cb->rows;
    p->ncb = (cout + R - 1) / R;
    prep_job j = {.p = p, .w = w, .wtype = wtype};
    int threads = lt_pool_threads();
    j.scratch_floats = (size_t)2 * cin * k + (size_t)2 * cin;
    p->abin = (size_t)p->ncb * cin * 2 * R + PAD_FLOATS;
    p->a = lt_scratch_get(0, sizeof(float) * (size_t)p->h * p->abin, &p->a_arena);
    j.trig = malloc(sizeof(float) * ((size_t)2 * k * p->h + j.scratch_floats * (size_t)threads));
    if (!p->a || !j.trig) {
        free(j.trig);
        lt_conv_fft_free(p);
        return NULL;
    }
    j.scratch = j.trig + (size_t)2 * k * p->h;
    float inv_n = 1.0f / (float)n;
    for (int f = 0; f < p->h; f++)
        for (int jj = 0; jj < k; jj++) {
            /* conj of the DFT (correlation), 1/n folded in; the angle 2π·f·j/n reduced mod n first */
            double ang = 2.0 * M_PI * (double)((f * jj) % n) / n;
            j.trig[(size_t)f * k + jj] = (f ? (float)cos(ang) : 1.0f) * inv_n;
            j.trig[(size_t)(p->h + f) * k + jj] = (f ? (float)sin(ang) : ((jj & 1) ? -1.0f : 1.0f)) * inv_n;
        }
    lt_parallel_for(p->ncb, prep_task, &j);
    free(j.trig);
    return p;
}

void lt_conv_fft_free(lt_conv_fft *p) {
    if (!p) return;
    if (p->a) lt_scratch_put(0, p->a, p->a_arena);
    free(p);
}

typedef struct run_job {
    const lt_conv_fft *p;
    const fft_tables *t;
    const float *x, *b;
    float *y;
    int tin, tout, pad, dil;
    int add;                  /* y += the convolution */
    int per_phase;            /* blocks per phase */
    int nblocks;              /* all blocks, dil · per_phase */
    int G;                    /* blocks per group (a multiple of 2·LANES) */
    size_t xbin, cbin;        /* per-bin strides of X and C: padded off powers of two (no cache-set aliasing) */
    int avx512;               /* the transposing gather / scatter */
    float *mem;               /* per thread: X, C, FFT scratch */
    size_t mem_floats, scratch_floats;
} run_job;

/* One group of blocks, run start to end by one thread in its own memory (it stays in that
 * core's L2: the spectra are ~1 MiB each). */
typedef struct group {
    int g0, G;      /* blocks [g0, g0 + G); G a multiple of 2·LANES (past nblocks: zero windows) */
    float *X, *C;   /* h × [cin][2G], h × [cout][2G] (real parts in [0, G), imaginary in [G, 2G)) */
    float *scratch; /* FFT buffers */
} group;

/* Block index → phase r and first output step n0 of that phase. */
static inline void block_at(const run_job *j, int blk, int *r, int *n0) {
    *r = blk / j->per_phase;
    *n0 = (blk % j->per_phase) * j->p->nb;
}

#if defined(__x86_64__) && defined(__GNUC__)
/* r[16] rows → columns (the standard four-step AVX-512 transpose: pairs, quads, 128-bit lanes). */
__attribute__((target("avx512f"))) static inline void transpose16(__m512 r[16]) {
    __m512 t[16];
    for (int i = 0; i < 16; i += 2) {
        t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
        t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
    }
    for (int i = 0; i < 16; i += 4) {
        r[i] = _mm512_castpd_ps(_mm512_unpacklo_pd(_mm512_castps_pd(t[i]), _mm512_castps_pd(t[i + 2])));
        r[i + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(_mm512_castps_pd(t[i]), _mm512_castps_pd(t[i + 2])));
        r[i + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(_mm512_castps_pd(t[i + 1]), _mm512_castps_pd(t[i + 3])));
        r[i + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(_mm512_castps_pd(t[i + 1]), _mm512_castps_pd(t[i + 3])));
    }
    for (int c = 0; c < 4; c++) {
        t[c] = _mm512_shuffle_f32x4(r[c], r[4 + c], 0x88);
        t[4 + c] = _mm512_shuffle_f32x4(r[c], r[4 + c], 0xdd);
        t[8 + c] = _mm512_shuffle_f32x4(r[8 + c], r[12 + c], 0x88);
        t[12 + c] = _mm512_shuffle_f32x4(r[8 + c], r[12 + c], 0xdd);
    }
    for (int c = 0; c < 4; c++) {
        r[c] = _mm512_shuffle_f32x4(t[c], t[8 + c], 0x88);
        r[8 + c] = _mm512_shuffle_f32x4(t[c], t[8 + c], 0xdd);
        r[4 + c] = _mm512_shuffle_f32x4(t[4 + c], t[12 + c], 0x88);
        r[12 + c] = _mm512_shuffle_f32x4(t[4 + c], t[12 + c], 0xdd);
    }
}

/* gather_lanes for contiguous windows (dil 1) inside the input: 16×16 tiles transposed. */
__attribute__((target("avx512f"))) static void gather_rows_avx512(const float *x, const int64_t *base, int n,
                                                                  float *win) {
    for (int i0 = 0; i0 < n; i0 += 16) {
        __m512 r[16];
        for (int l = 0; l < 16; l++) r[l] = _mm512_loadu_ps(x + base[l] + i0);
        transpose16(r);
        for (int c = 0; c < 16; c++) _mm512_storeu_ps(win + (size_t)(i0 + c) * LANES, r[c]);
    }
}

/* scatter_lanes for dil 1: out[s][l] + bias → y[t0[l] + s] (add: + y), s < cnt[l] (≤ 16 · ceil(cnt/16) ≤ n rows). */
__attribute__((target("avx512f"))) static void scatter_rows_avx512(const float *out, const int64_t *t0, const int *cnt,
                                                                   int nb, float bias, float *y, int add) {
    __m512 bv = _mm512_set1_ps(bias);
    for (int s0 = 0; s0 < nb; s0 += 16) {
        __m512 r[16];
        for (int c = 0; c < 16; c++) r[c] = _mm512_loadu_ps(out + (size_t)(s0 + c) * LANES);
        transpose16(r);
        for (int l = 0; l < 16; l++) {
            int m = cnt[l] - s0;
            if (m <= 0) continue;
            __mmask16 k = m >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << m) - 1);
            __m512 o = _mm512_add_ps(r[l], bv);
            if (add) o = _mm512_add_ps(o, _mm512_maskz_loadu_ps(k, y + t0[l] + s0));
            _mm512_mask_storeu_ps(y + t0[l] + s0, k, o);
        }
    }
}
/* gather_lanes with dilation, inside the input: one 16-lane gather per window position (a
 * little faster than scalar loads; the matching 16-lane scatter for the outputs was slower). */
__attribute__((target("avx512f"))) static void gather_dil_avx512(const float *x, const int64_t *base, int dil, int n,
                                                                 float *win) {
    int32_t b32[16];
    for (int l = 0; l < 16; l++) b32[l] = (int32_t)base[l];
    __m512i idx = _mm512_loadu_si512(b32), step = _mm512_set1_epi32(dil);
    for (int i = 0; i < n; i++, idx = _mm512_add_epi32(idx, step))
        _mm512_storeu_ps(win + (size_t)i * LANES, _mm512_i32gather_ps(idx, x, 4));
}

#define LT_FFT_TRANSPOSE 1
#else
#define LT_FFT_TRANSPOSE 0
#endif

/* win[i][l] = x[base[l] + dil·i] for i < n, zeros outside [0, tin). */
LANE_CLONES static void gather_lanes(const float *restrict x, int64_t tin, const int64_t *restrict base, int dil,
                                     int n, float *restrict win) {
    int64_t lo = base[0], hi = base[0];
    for (int l = 1; l < LANES; l++) {
        lo = base[l] < lo ? base[l] : lo;
        hi = base[l] > hi ? base[l] : hi;
    }
    if (lo >= 0 && hi + (int64_t)dil * (n - 1) < tin) {
        for (int i = 0; i < n; i++)
            for (int l = 0; l < LANES; l++) win[(size_t)i * LANES + l] = x[base[l] + (int64_t)dil * i];
        return;
    }
    for (int i = 0; i < n; i++)
        for (int l = 0; l < LANES; l++) {
            int64_t s = base[l] + (int64_t)dil * i;
            win[(size_t)i * LANES + l] = (s >= 0 && s < tin) ? x[s] : 0.0f;
        }
}

static void gather(const run_job *j, const float *x, const int64_t *base, float *win) {
    int n = j->p->n;
#if LT_FFT_TRANSPOSE
    if (j->avx512 && j->tin < INT32_MAX / 2) {
        int64_t lo = base[0], hi = base[0];
        for (int l = 1; l < LANES; l++) {
            lo = base[l] < lo ? base[l] : lo;
            hi = base[l] > hi ? base[l] : hi;
        }
        if (lo >= 0 && hi + (int64_t)j->dil * (n - 1) < j->tin) {
            if (j->dil == 1) gather_rows_avx512(x, base, n, win);
            else gather_dil_avx512(x, base, j->dil, n, win);
            return;
        }
    }
#endif
    gather_lanes(x, j->tin, base, j->dil, n, win);
}

/* The group's windows of channel ci → X. */
static void forward_channel(const run_job *j, const group *g, int ci) {
    const lt_conv_fft *p = j->p;
    int n = p->n, G = g->G;
    float *win = g->scratch;
    float *zr = win + (size_t)n * LANES, *zi = zr + (size_t)p->h * LANES;
    const float *x = j->x + (int64_t)ci * j->tin;
    int64_t base[LANES];
    for (int l0 = 0; l0 < G; l0 += LANES) {
        for (int l = 0; l < LANES; l++) {
            int blk = g->g0 + l0 + l, r, n0;
            /* past the last block: a window wholly before the input (zeros) */
            if (blk >= j->nblocks) base[l] = -(int64_t)j->dil * n;
            else {
                block_at(j, blk, &r, &n0);
                base[l] = (int64_t)j->dil * n0 + r - j->pad;
            }
        }
        gather(j, x, base, win);
        float *d = g->X + (size_t)ci * 2 * G + l0;
        rfft_lanes(j->t, win, d, d + G, j->xbin, zr, zi);
    }
}

/* The product of bin f, Y_f = W_f · X_f (complex), into C_f [cout][2G]. */
static void product_bin(const run_job *j, const group *g, int f) {
    const lt_conv_fft *p = j->p;
    const cblock_isa *cb = p->cb;
    int R = cb->rows, cols = cb->cols, G = g->G, cin = p->cin;
    const float *a = p->a + (size_t)f * p->abin, *x = g->X + (size_t)f * j->xbin;
    float *c = g->C + (size_t)f * j->cbin;
    for (int b = 0; b < p->ncb; b++) {
        int nco = p->cout - b * R < R ? p->cout - b * R : R;
        for (int j0 = 0; j0 < G; j0 += cols)
            cb->fn(x + j0, (size_t)2 * G, (size_t)G, a + (size_t)b * cin * 2 * R, cin, c + (size_t)b * R * 2 * G + j0,
                   (size_t)2 * G, nco, G - j0 < cols ? G - j0 : cols, f == 0);
    }
}

/* y[t0[l] + dil·s] = out[s][l] + bias (add: + y[…]) for s < cnt[l]. */
LANE_CLONES static void scatter_lanes(const float *restrict out, const int64_t *restrict t0, const int *restrict cnt,
                                      int dil, float bias, float *restrict y, int add) {
    for (int l = 0; l < LANES; l++) {
        float *restrict d = y + t0[l];
        if (add)
            for (int s = 0; s < cnt[l]; s++) {
                float *ds = d + (int64_t)dil * s;
                *ds = (out[(size_t)s * LANES + l] + bias) + *ds;
            }
        else
            for (int s = 0; s < cnt[l]; s++) d[(int64_t)dil * s] = out[(size_t)s * LANES + l] + bias;
    }
}

/* Inverse FFT of the group's blocks of channel co, written to y. */
static void inverse_channel(const run_job *j, const group *g, int co) {
    const lt_conv_fft *p = j->p;
    int n = p->n, G = g->G, nb = p->nb;
    float *out = g->scratch;
    float *zr = out + (size_t)n * LANES, *zi = zr + (size_t)p->h * LANES;
    float bias = j->b ? j->b[co] : 0.0f;
    float *y = j->y + (int64_t)co * j->tout;
    int64_t t0[LANES];
    int cnt[LANES];
    for (int l0 = 0; l0 < G && g->g0 + l0 < j->nblocks; l0 += LANES) {
        const float *src = g->C + (size_t)co * 2 * G + l0;
        irfft_lanes(j->t, src, src + G, j->cbin, out, zr, zi);
        for (int l = 0; l < LANES; l++) {
            int blk = g->g0 + l0 + l, r, n0;
            t0[l] = 0;
            cnt[l] = 0;
            if (blk >= j->nblocks) continue;
            block_at(j, blk, &r, &n0);
            int64_t len = (j->tout - r + j->dil - 1) / j->dil; /* outputs of phase r */
            t0[l] = (int64_t)j->dil * n0 + r;
            cnt[l] = len - n0 < nb ? (int)(len - n0) : nb;
            if (cnt[l] < 0) cnt[l] = 0;
        }
#if LT_FFT_TRANSPOSE
        if (j->avx512 && j->dil == 1) {
            scatter_rows_avx512(out, t0, cnt, nb, bias, y, j->add);
            continue;
        }
#endif
        scatter_lanes(out, t0, cnt, j->dil, bias, y, j->add);
    }
}

/* Task t: group t, start to end, on this thread's memory. */
static void group_task(void *ctx, int t, int thread) {
    const run_job *j = ctx;
    const lt_conv_fft *p = j->p;
    float *mem = j->mem + (size_t)thread * j->mem_floats;
    int g0 = t * j->G, left = (j->nblocks - g0 + GROUP_STEP - 1) / GROUP_STEP * GROUP_STEP;
    group g = {.g0 = g0, .G = left < j->G ? left : j->G, .X = mem, .C = mem + (size_t)p->h * j->xbin};
    g.scratch = g.C + (size_t)p->h * j->cbin;
    for (int ci = 0; ci < p->cin; ci++) forward_channel(j, &g, ci);
    for (int f = 0; f < p->h; f++) product_bin(j, &g, f);
    for (int co = 0; co < p->cout; co++) inverse_channel(j, &g, co);
}

static int fft_apply(const lt_conv_fft *p, const float *x, int tin, const float *b, int pad, int dil, float *y,
                     int add) {
    int tout = lt_conv1d_out_len(tin, p->k, 1, pad, dil);
    if (tout <= 0) return 0;
    run_job j = {.p = p, .t = tables_get(p->n), .x = x, .b = b, .y = y, .tin = tin, .tout = tout, .pad = pad,
                 .dil = dil, .add = add};
    int phase_len = (tout + dil - 1) / dil; /* the longest phase (phase 0) */
    j.per_phase = (phase_len + p->nb - 1) / p->nb;
    j.avx512 = lt_cpu_features_get()->avx512f;
    j.nblocks = dil * j.per_phase;
    /* group: X and C together about GROUP_FLOATS (h · 2G · (cin + cout) floats), G a multiple of
     * GROUP_STEP */
    int64_t per_block = (int64_t)p->h * 2 * (p->cin + p->cout);
    int G = (int)(GROUP_FLOATS / per_block) / GROUP_STEP * GROUP_STEP;
    if (G < GROUP_STEP) G = GROUP_STEP;
    int all = (j.nblocks + GROUP_STEP - 1) / GROUP_STEP * GROUP_STEP;
    if (G > all) G = all;
    j.G = G;
    int groups = (j.nblocks + G - 1) / G;
    j.scratch_floats = (size_t)(p->n + 2 * p->h) * LANES;
    j.xbin = (size_t)p->cin * 2 * G + PAD_FLOATS;
    j.cbin = (size_t)p->cout * 2 * G + PAD_FLOATS;
    j.mem_floats = (size_t)p->h * (j.xbin + j.cbin) + j.scratch_floats + PAD_FLOATS;
    int from_arena;
    j.mem = lt_scratch_get(1, sizeof(float) * j.mem_floats * (size_t)lt_pool_threads(), &from_arena);
    if (!j.mem) return -1;
    lt_parallel_for(groups, group_task, &j);
    lt_scratch_put(1, j.mem, from_arena);
    return 0;
}

int lt_conv_fft_apply(const lt_conv_fft *p, const float *x, int tin, const float *b, int pad, int dil, float *y) {
    return fft_apply(p, x, tin, b, pad, dil, y, 0);
}

int lt_conv_fft_apply_add(const lt_conv_fft *p, const float *x, int tin, const float *b, int pad, int dil, float *y) {
    return fft_apply(p, x, tin, b, pad, dil, y, 1);
}
