/* kernels_q8.c — stride-1 Conv1d with Q8_0 weights read directly from the
 * file's blocks, computed in 8-bit integers with AVX-512 VNNI (vpdpbusd);
 * see lt_conv1d_q8_0 in kernels.h.
 *
 * Shapes: x [cin][tin] f32, w [cout][cin·k] as Q8_0 (row of cin·k values =
 * nb = cin·k/32 blocks of 34 bytes: f16 scale d, 32 int8 q), b [cout] or
 * NULL, y [cout][tout] f32, tout = tin + 2·pad − dil·(k−1).
 *
 * The reduction index is the weight row's own flattening, i = ci·k + kk, so a
 * Q8_0 block is 32 consecutive i and its scale applies to one partial sum:
 *   y[co][t] = s[t] · Σ_b d[co][b] · Σ_{i∈b} q[co][i] · a[i][t] + b[co]
 * with a[i][t] = round(x[ci][t − pad + kk·dil] / s[t]) ∈ [−127, 127] (0
 * outside the input) and s[t] = max |x| over column t's receptive field
 * (cin × k values) / 127: one activation scale per output column, the
 * finest that keeps the integer sum exact. vpdpbusd multiplies unsigned by
 * signed bytes, so the columns hold u = a + 128 and the offset is removed
 * once per output: Σ_b d·Σ q·u = Σ_b d·Σ q·a + corr[co], corr[co] =
 * 128·Σ_b d[co][b]·Σ_{i∈b} q[co][i] (computed per call, with the f32 scales,
 * from the blocks: no f32 or repacked copy of the weights is kept).
 *
 * Work split as kernels_conv.c's direct conv: tasks of (time chunk × group of
 * COB-channel blocks); each task builds its chunk's quantised im2col
 *   xq[g][j][4] = u[4g + 0..3][t0 + j]   (g < cin·k/4, j < chunk, bytes)
 * (one 64-byte vector = 16 columns × 4 reduction steps, vpdpbusd's layout)
 * in per-thread scratch sized to stay in L2, then sweeps register blocks of
 * COB channels × TV·16 columns: int32 accumulators over one block's 8
 * vpdpbusd steps, converted and scaled into f32 accumulators per block.
 * Integer sums are exact (|Σ| ≤ 32·255·128 per block), so the only rounding
 * besides the activation quantisation is the f32 scaling.
 *
 * Without AVX-512 VNNI (or with LITETTS_CPU_DISABLE=avx512_vnni) the call
 * dequantises the weights for this call only and runs lt_conv1d (f32). */
#include <stdlib.h>
#include <string.h>

#include "core/cpu_features.h"
#include "engine/kernels.h"
#include "engine/quant.h"
#include "engine/threadpool.h"

#define QB LT_Q8_0_BLOCK        /* 32 values per weight block */
#define QBB LT_Q8_0_BLOCK_BYTES /* 34 bytes per weight block */

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define LT_HAVE_VNNI_CONV 1
#define COB 6      /* output channels per register block */
#define TV 2       /* 16-column vectors per register block */
#define COLS (TV * 16)
#define TGT __attribute__((target("avx512f,avx512bw,avx512vnni")))

static inline int32_t load_i32(const uint8_t *p) {
    int32_t v;
    memcpy(&v, p, 4);
    return v;
}

/* One register block: y[r][j] for r < nco, j < ncols (≤ COLS).
 *   xq   [G][COLS][4] u8: this column tile's quantised columns (G = 8·nb)
 *   wp   [nb][8][COB] int32: the co-block's weights, 4 int8 per dword (i = 4·(8b + m) + 0..3)
 *   ds   [nb][COB] f32 block scales; corr [COB] offset corrections; sc [COLS] column scales s[t] */
TGT static void q8_block(const uint8_t *xq, const int32_t *wp, const float *ds, int nb, const float *corr,
                         const float *sc, const float *bias, int nco, float *y, int64_t ldy, int ncols) {
    __m512 af[COB][TV];
    _Pragma("GCC unroll 8") for (int r = 0; r < COB; r++) _Pragma("GCC unroll 4") for (int v = 0; v < TV; v++)
        af[r][v] = _mm512_setzero_ps();
    for (int b = 0; b < nb; b++, xq += 8 * COLS * 4, wp += 8 * COB, ds += COB) {
        __m512i ai[COB][TV];
        _Pragma("GCC unroll 8") for (int r = 0; r < COB; r++) _Pragma("GCC unroll 4") for (int v = 0; v < TV; v++)
            ai[r][v] = _mm512_setzero_si512();
        _Pragma("GCC unroll 8") for (int m = 0; m < 8; m++) {
            __m512i xv[TV];
            _Pragma("GCC unroll 4") for (int v = 0; v < TV; v++)
                xv[v] = _mm512_loadu_si512((const void *)(xq + (m * COLS + 16 * v) * 4));
            _Pragma("GCC unroll 8") for (int r = 0; r < COB; r++) {
                __m512i wv = _mm512_set1_epi32(wp[m * COB + r]);
                _Pragma("GCC unroll 4") for (int v = 0; v < TV; v++)
                    ai[r][v] = _mm512_dpbusd_epi32(ai[r][v], xv[v], wv);
            }
        }
        _Pragma("GCC unroll 8") for (int r = 0; r < COB; r++) {
            __m512 dv = _mm512_set1_ps(ds[r]);
            _Pragma("GCC unroll 4") for (int v = 0; v < TV; v++)
                af[r][v] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(ai[r][v]), dv, af[r][v]);
        }
    }
    __m512 sv[TV];
    for (int v = 0; v < TV; v++) sv[v] = _mm512_loadu_ps(sc + 16 * v);
    for (int r = 0; r < nco; r++) {
        __m512 cv = _mm512_set1_ps(corr[r]), bv = _mm512_set1_ps(bias ? bias[r] : 0.0f);
        float *yr = y + (int64_t)r * ldy;
        float tmp[COLS];
        for (int v = 0; v < TV; v++) {
            __m512 o = _mm512_fmadd_ps(_mm512_sub_ps(af[r][v], cv), sv[v], bv);
            if (ncols == COLS) _mm512_storeu_ps(yr + 16 * v, o);
            else _mm512_storeu_ps(tmp + 16 * v, o);
        }
        if (ncols != COLS)
            for (int j = 0; j < ncols; j++) yr[j] = tmp[j];
    }
}

/* Quantise 16 columns of 4 reduction rows (f32 rows p[0..3], inverse column
 * scales inv) into one vector of u8 quadruples [16][4]. */
TGT static inline __m512i q8_quad(const float *const p[4], int64_t j, __m512 inv) {
    const __m512i lo = _mm512_set1_epi32(0xff);
    __m512i q0 = _mm512_cvtps_epi32(_mm512_mul_ps(_mm512_loadu_ps(p[0] + j), inv));
    __m512i q1 = _mm512_cvtps_epi32(_mm512_mul_ps(_mm512_loadu_ps(p[1] + j), inv));
    __m512i q2 = _mm512_cvtps_epi32(_mm512_mul_ps(_mm512_loadu_ps(p[2] + j), inv));
    __m512i q3 = _mm512_cvtps_epi32(_mm512_mul_ps(_mm512_loadu_ps(p[3] + j), inv));
    __m512i d = _mm512_or_si512(_mm512_and_si512(q0, lo), _mm512_slli_epi32(_mm512_and_si512(q1, lo), 8));
    d = _mm512_or_si512(d, _mm512_slli_epi32(_mm512_and_si512(q2, lo), 16));
    d = _mm512_or_si512(d, _mm512_slli_epi32(q3, 24));
    return _mm512_xor_si512(d, _mm512_set1_epi32((int)0x80808080u)); /* a + 128 in each byte */
}

/* Build the chunk's columns: column scales sc/inv [chp] from the f32 window
 * xc [cin][ldx] (xc[ci][i] = x[ci][t0 − pad + i], zero outside), cm [W]
 * scratch, then xq [chp/COLS][G][COLS][4] (G = cin·k/4: one contiguous
 * stream per column tile). chp is a multiple of COLS, W of 16. */
TGT static void q8_columns(const float *xc, int64_t ldx, int cin, int k, int dil, int chp, int W, float *cm, float *sc,
                           float *inv, uint8_t *xq) {
    /* cm[i] = max_ci |xc[ci][i]| */
    for (int i = 0; i < W; i += 16) _mm512_storeu_ps(cm + i, _mm512_setzero_ps());
    for (int ci = 0; ci < cin; ci++) {
        const float *r = xc + (int64_t)ci * ldx;
        for (int i = 0; i < W; i += 16)
            _mm512_storeu_ps(cm + i, _mm512_max_ps(_mm512_loadu_ps(cm + i),
                                                   _mm512_abs_ps(_mm512_loadu_ps(r + i))));
    }
    /* s[j] = max_kk cm[j + kk·dil] / 127 */
    for (int j = 0; j < chp; j++) {
        float m = cm[j];
        for (int kk = 1; kk < k; kk++) m = cm[j + kk * dil] > m ? cm[j + kk * dil] : m;
        sc[j] = m / 127.0f;
        inv[j] = m > 0.0f ? 127.0f / m : 0.0f;
    }
    int G = cin * k / 4;
    for (int g = 0; g < G; g++) {
        const float *p[4];
        for (int e = 0; e < 4; e++) {
            int i = 4 * g + e, ci = i / k, kk = i % k;
            p[e] = xc + (int64_t)ci * ldx + kk * dil;
        }
        uint8_t *dst = xq + (int64_t)g * COLS * 4;
        for (int j = 0; j < chp; j += 16)
            _mm512_storeu_si512((void *)(dst + ((int64_t)(j / COLS) * G * COLS + j % COLS) * 4),
                                q8_quad(p, j, _mm512_loadu_ps(inv + j)));
    }
}
#else
#define LT_HAVE_VNNI_CONV 0
#endif

int lt_conv1d_q8_0_int8(void) {
#if LT_HAVE_VNNI_CONV
    const lt_cpu_features *f = lt_cpu_features_get();
    return f->avx512f && f->avx512bw && f->avx512_vnni;
#else
    return 0;
#endif
}

#if LT_HAVE_VNNI_CONV
typedef struct q8_job {
    const float *x, *b;
    const uint8_t *w;
    float *y;
    int32_t *wp;      /* [n_cb][nb][8][COB] packed weights (rows past cout: zero) */
    float *ds, *corr; /* [n_cb][nb][COB] block scales, [n_cb·COB] offset corrections */
    uint8_t *scratch;
    size_t scratch_bytes;
    int cin, tin, cout, k, pad, dil, tout, nb;
    int n_cb, chunk, n_chunks, n_groups, cb_per_group;
    int64_t ldx;
} q8_job;

/* Task cb: pack co-block cb — int8 quadruples, f32 scales, offset corrections. */
static void q8_pack_task(void *ctx, int cb, int thread) {
    (void)thread;
    const q8_job *j = ctx;
    int32_t *wp = j->wp + (int64_t)cb * j->nb * 8 * COB;
    float *ds = j->ds + (int64_t)cb * j->nb * COB;
    for (int r = 0; r < COB; r++) {
        int co = cb * COB + r;
        double c = 0.0;
        for (int b = 0; b < j->nb; b++) {
            if (co >= j->cout) {
                ds[b * COB + r] = 0.0f;
                for (int m = 0; m < 8; m++) wp[(b * 8 + m) * COB + r] = 0;
                continue;
            }
            const uint8_t *o = j->w + ((int64_t)co * j->nb + b) * QBB;
            float d = lt_f16_to_f32((uint16_t)(o[0] | (o[1] << 8)));
            int sum = 0;
            for (int i = 0; i < QB; i++) sum += (int8_t)o[2 + i];
            for (int m = 0; m < 8; m++) memcpy(&wp[(b * 8 + m) * COB + r], o + 2 + 4 * m, 4);
            ds[b * COB + r] = d;
            c += (double)d * sum;
        }
        j->corr[cb * COB + r] = (float)(128.0 * c);
    }
}

/* Task (chunk, group): output columns of one chunk for one group of co-blocks. */
static void q8_task(void *ctx, int t, int thread) {
    const q8_job *j = ctx;
    int ch = t / j->n_groups, g = t % j->n_groups;
    int t0 = ch * j->chunk, nt = j->tout - t0 < j->chunk ? j->tout - t0 : j->chunk;
    int cb0 = g * j->cb_per_group, cb1 = cb0 + j->cb_per_group < j->n_cb ? cb0 + j->cb_per_group : j->n_cb;
    if (cb0 >= cb1) return;
    int chp = (nt + COLS - 1) / COLS * COLS, W = chp + (j->k - 1) * j->dil, Wp = (W + 15) / 16 * 16;
    /* per-thread scratch: xc [cin][ldx] f32 | cm [ldx] | sc, inv [chunk] | xq [cin·k][chunk] u8 */
    float *xc = (float *)(j->scratch + (size_t)thread * j->scratch_bytes);
    float *cm = xc + (int64_t)j->cin * j->ldx, *sc = cm + j->ldx, *inv = sc + j->chunk;
    uint8_t *xq = (uint8_t *)(inv + j->chunk);
    int src0 = t0 - j->pad;
    const float *xw = j->x + src0; /* the window in place when it needs no padding */
    int64_t ldx = j->tin;
    if (src0 < 0 || (int64_t)src0 + Wp > j->tin) { /* xc[ci][i] = x[ci][src0 + i], zero outside [0, tin) */
        int lo = src0 < 0 ? -src0 : 0, hi = j->tin - src0 < Wp ? j->tin - src0 : Wp;
        if (hi < lo) hi = lo;
        for (int ci = 0; ci < j->cin; ci++) {
            float *d = xc + (int64_t)ci * j->ldx;
            if (lo > 0) memset(d, 0, sizeof(float) * (size_t)lo);
            if (hi > lo) memcpy(d + lo, j->x + (int64_t)ci * j->tin + (src0 + lo), sizeof(float) * (size_t)(hi - lo));
            if (hi < Wp) memset(d + hi, 0, sizeof(float) * (size_t)(Wp - hi));
        }
        xw = xc;
        ldx = j->ldx;
    }
    q8_columns(xw, ldx, j->cin, j->k, j->dil, chp, Wp, cm, sc, inv, xq);
    int64_t tile = (int64_t)j->cin * j->k * COLS; /* bytes of one column tile */
    for (int cb = cb0; cb < cb1; cb++) {
        int co0 = cb * COB, nco = j->cout - co0 < COB ? j->cout - co0 : COB;
        const int32_t *wp = j->wp + (int64_t)cb * j->nb * 8 * COB;
        const float *ds = j->ds + (int64_t)cb * j->nb * COB;
        float *y = j->y + (int64_t)co0 * j->tout + t0;
        for (int j0 = 0; j0 < nt; j0 += COLS)
            q8_block(xq + j0 / COLS * tile, wp, ds, j->nb, j->corr + co0, sc + j0, j->b ? j->b + co0 : NULL, nco,
                     y + j0, j->tout, nt - j0 < COLS ? nt - j0 : COLS);
    }
}
#endif

static int q8_fallback(const float *x, int cin, int tin, const void *w, const float *b, int cout, int k, int pad,
                       int dil, float *y) {
    size_t n = (size_t)cout * cin * k;
    float *wf = malloc(sizeof(float) * n);
    if (!wf) return -1;
    lt_q8_0_dequantize_row(w, wf, n);
    int rc = lt_conv1d(x, cin, tin, wf, b, cout, k, 1, pad, dil, y);
    free(wf);
    return rc;
}

int lt_conv1d_q8_0(const float *x, int cin, int tin, const void *w, const float *b, int cout, int k, int pad,
                   int dil, float *y) {
    int tout = lt_conv1d_out_len(tin, k, 1, pad, dil);
    if (tout <= 0) return 0;
    if (((int64_t)cin * k) % QB != 0) return -1;
    if (!lt_conv1d_q8_0_int8()) return q8_fallback(x, cin, tin, w, b, cout, k, pad, dil, y);
#if LT_HAVE_VNNI_CONV
    q8_job j = {.x = x, .b = b, .w = w, .y = y, .cin = cin, .tin = tin, .cout = cout, .k = k, .pad = pad,
                .dil = dil, .tout = tout, .nb = cin * k / QB};
    int threads = lt_pool_threads(), halo = (k - 1) * dil;
    j.n_cb = (cout + COB - 1) / COB;
    /* chunk: the quantised columns (cin·k × chunk bytes) about 192 KiB */
    int ch = (int)(196608 / ((int64_t)cin * k));
    ch = ch / COLS * COLS;
    if (ch < COLS) ch = COLS;
    if (ch > 2048) ch = 2048;
    int need = (tout + COLS - 1) / COLS * COLS;
    if (ch > need) ch = need;
    while (threads > 1 && ch > COLS && (tout + ch - 1) / ch < 4 * threads) ch = (ch / 2 + COLS - 1) / COLS * COLS;
    j.chunk = ch;
    j.n_chunks = (tout + ch - 1) / ch;
    j.n_groups = 1;
    if (threads > 1 && j.n_chunks < 4 * threads) {
        j.n_groups = (4 * threads + j.n_chunks - 1) / j.n_chunks;
        if (j.n_groups > j.n_cb) j.n_groups = j.n_cb;
    }
    j.cb_per_group = (j.n_cb + j.n_groups - 1) / j.n_groups;
    j.n_groups = (j.n_cb + j.cb_per_group - 1) / j.cb_per_group;
    j.ldx = ((int64_t)ch + halo + 15) / 16 * 16;
    j.scratch_bytes = sizeof(float) * ((size_t)(cin + 1) * (size_t)j.ldx + 2 * (size_t)ch) + (size_t)cin * k * ch;
    j.scratch_bytes = (j.scratch_bytes + 63) / 64 * 64;
    size_t ncop = (size_t)j.n_cb * COB; /* cout rounded up to whole co-blocks */
    size_t head = sizeof(int32_t) * ncop * j.nb * 8 + sizeof(float) * (ncop * j.nb + ncop);
    head = (head + 63) / 64 * 64;
    uint8_t *mem = aligned_alloc(64, head + j.scratch_bytes * (size_t)threads);
    if (!mem) return -1;
    j.wp = (int32_t *)mem;
    j.ds = (float *)(j.wp + ncop * j.nb * 8);
    j.corr = j.ds + ncop * j.nb;
    j.scratch = mem + head;
    lt_parallel_for(j.n_cb, q8_pack_task, &j);
    lt_parallel_for(j.n_chunks * j.n_groups, q8_task, &j);
    free(mem);
    return 0;
#else
    return -1;
#endif
}
