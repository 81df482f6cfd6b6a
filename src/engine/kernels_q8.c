/* kernels_q8.c — stride-1 Conv1d with Q8_0 weights read directly from the
 * file's blocks, computed in 8-bit integers with AVX-512 VNNI (vpdpbusd);
 * see lt_conv1d_q8_0 in kernels.h.
 *
 * Shapes: x [cin][tin] f32, w [cout][cin·k] as Q8_0 (row of cin·k values =
 * nb = cin·k/32 blocks of 34 bytes: f16 scale d, 32 int8 q), b [cout] or
 * NULL, y [cout][tout] f32, tout = tin + 2·pad − dil·(k−1).
 *
 * The reduction index is the weight row's own flattening, i = ci·k + kk, so a
 * Q8_0 block is 32 consecutive i and its scale applies to one partial sum.
 * The activations are quantised per (output column, weight block):
 *   y[co][t] = Σ_b d[co][b] · s[b][t] · Σ_{i∈b} q[co][i] · a[i][t] + b[co]
 *   a[i][t] = round(x[ci][t − pad + kk·dil] · 127/m) ∈ [−127, 127] (0 outside
 *   the input), s[b][t] = m/127, m = max |x| over the 32 inputs of block b
 *   for column t — the finest scale that keeps each integer sum exact, and
 *   immune to a loud channel elsewhere in the receptive field (one scale per
 *   column over all cin·k inputs measured 2.2 dB worse end to end).
 * vpdpbusd multiplies unsigned by signed bytes, so the columns hold
 * u = a + 128, and each block's int32 accumulator starts at −128·Σ_{i∈b} q
 * instead of 0, which leaves exactly Σ q·a.
 *
 * Per call the weights of each block of COB = 6 output channels are packed
 * into dwords wp[cb][b][m][r] = q[cb·6 + r][32b + 4m … + 3] with their f32
 * scales and offsets (one transient int8 copy, the size of the layer's
 * blocks: no f32 weights anywhere). Work split as kernels_conv.c's direct
 * conv: tasks of (time chunk × group of co-blocks); each task builds its
 * chunk's quantised im2col in per-thread scratch sized to stay in L2,
 *   xq[tile][b][m][j][4] = u[32b + 4m + 0..3][t0 + 32·tile + j]   (j < 32)
 *   sq[tile][b][j]       = s[b][t0 + 32·tile + j]
 * (one 64-byte vector = 16 columns × 4 reduction steps, vpdpbusd's layout;
 * one contiguous stream per 32-column tile), then sweeps register blocks of
 * 6 channels × 32 columns: int32 accumulators over one block's 8 vpdpbusd
 * steps, then af += (f32(acc) · s) · d. Integer sums are exact
 * (|Σ| ≤ 32·255·128 per block), so the only rounding besides the activation
 * quantisation is the f32 scaling.
 *
 * Without AVX-512 VNNI (or with LITETTS_CPU_DISABLE=avx512_vnni) the call
 * dequantises the weights for this call only and runs lt_conv1d (f32). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/cpu_features.h"
#include "engine/kernels.h"
#include "engine/quant.h"
#include "engine/scratch.h"
#include "engine/threadpool.h"

#define QB LT_Q8_0_BLOCK        /* 32 values per weight block */
#define QBB LT_Q8_0_BLOCK_BYTES /* 34 bytes per weight block */
/* A time chunk's quantised columns: 576 KiB, with the f32 window when one is needed (cin × (chunk +
 * halo)) within the 1 MiB+ L2 of every CPU with AVX-512 VNNI. Measured on the 2-core Cascade Lake
 * (bench/README.md, session 8): 192 KiB → 576 KiB made a q8_0 synthesis 4–7 % faster (fewer chunks,
 * each re-reading and re-quantising its halo, fewer weight passes); 768 KiB was slower again. */
#define Q8_CHUNK_BYTES 589824

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define LT_HAVE_VNNI_CONV 1
#define COB 6      /* output channels per register block */
#define TV 2       /* 16-column vectors per register block */
#define COLS (TV * 16)
#define TGT __attribute__((target("avx512f,avx512bw,avx512dq,avx512vnni")))

/* One register block: y[r][j] for r < nco, j < ncols (≤ COLS).
 *   xq   [nb][8][COLS][4] u8: this column tile's quantised columns, a + 128
 *   sq   [nb][COLS] f32: their scales s[b][t]
 *   wp   [nb][8][COB] int32: the co-block's weights, 4 int8 per dword (i = 4·(8b + m) + 0..3)
 *   nc   [nb][COB] int32: −128·Σ_{i∈b} q (removes the +128 of the columns)
 *   ds   [nb][COB] f32 weight block scales */
TGT static void q8_block(const uint8_t *xq, const float *sq, const int32_t *wp, const int32_t *nc, const float *ds,
                         int nb, const float *bias, int nco, float *y, int64_t ldy, int ncols, int add,
                         __m512 (*vs)[4]) {
    __m512 af[COB][TV];
    _Pragma("GCC unroll 8") for (int r = 0; r < COB; r++) _Pragma("GCC unroll 4") for (int v = 0; v < TV; v++)
        af[r][v] = _mm512_setzero_ps();
    for (int b = 0; b < nb; b++, xq += 8 * COLS * 4, sq += COLS, wp += 8 * COB, nc += COB, ds += COB) {
        __m512i ai[COB][TV];
        _Pragma("GCC unroll 8") for (int r = 0; r < COB; r++) _Pragma("GCC unroll 4") for (int v = 0; v < TV; v++)
            ai[r][v] = _mm512_set1_epi32(nc[r]);
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
        __m512 sv[TV];
        _Pragma("GCC unroll 4") for (int v = 0; v < TV; v++) sv[v] = _mm512_loadu_ps(sq + 16 * v);
        _Pragma("GCC unroll 8") for (int r = 0; r < COB; r++) {
            __m512 dv = _mm512_set1_ps(ds[r]);
            _Pragma("GCC unroll 4") for (int v = 0; v < TV; v++)
                af[r][v] = _mm512_fmadd_ps(_mm512_mul_ps(_mm512_cvtepi32_ps(ai[r][v]), sv[v]), dv, af[r][v]);
        }
    }
    for (int r = 0; r < nco; r++) {
        __m512 bv = _mm512_set1_ps(bias ? bias[r] : 0.0f);
        float *yr = y + (int64_t)r * ldy;
        float tmp[COLS];
        for (int v = 0; v < TV; v++) {
            __m512 o = _mm512_add_ps(af[r][v], bv);
            if (ncols == COLS) {
                if (add) o = _mm512_add_ps(o, _mm512_loadu_ps(yr + 16 * v));
                _mm512_storeu_ps(yr + 16 * v, o);
                if (vs) { /* the row's statistics, lane by lane (kernels.h lt_row_stats) */
                    vs[r][0] = _mm512_add_ps(vs[r][0], o);
                    vs[r][1] = _mm512_fmadd_ps(o, o, vs[r][1]);
                    vs[r][2] = _mm512_min_ps(vs[r][2], o);
                    vs[r][3] = _mm512_max_ps(vs[r][3], o);
                }
            } else {
                _mm512_storeu_ps(tmp + 16 * v, o);
            }
        }
        if (ncols != COLS) {
            for (int j = 0; j < ncols; j++) {
                float o = add ? tmp[j] + yr[j] : tmp[j];
                yr[j] = o;
                if (vs) { /* lane 0 takes the tail */
                    __m512 ov = _mm512_maskz_mov_ps(1, _mm512_set1_ps(o));
                    vs[r][0] = _mm512_add_ps(vs[r][0], ov);
                    vs[r][1] = _mm512_fmadd_ps(ov, ov, vs[r][1]);
                    vs[r][2] = _mm512_mask_min_ps(vs[r][2], 1, vs[r][2], ov);
                    vs[r][3] = _mm512_mask_max_ps(vs[r][3], 1, vs[r][3], ov);
                }
            }
        }
    }
}

/* Quantise 16 columns of 4 reduction rows (f32 rows p[0..3] at column j,
 * inverse scales inv) into one vector of u8 quadruples [16][4], a + 128 in
 * each byte: two signed packs leave each 128-bit lane as [row][column]
 * bytes (4 × 4), a byte shuffle transposes it to [column][row]. */
TGT static inline __m512i q8_quad(const float *const *p, int64_t j, __m512 inv) {
    const __m512i tr = _mm512_set4_epi32(0x0f0b0703, 0x0e0a0602, 0x0d090501, 0x0c080400);
    __m512i q0 = _mm512_cvtps_epi32(_mm512_mul_ps(_mm512_loadu_ps(p[0] + j), inv));
    __m512i q1 = _mm512_cvtps_epi32(_mm512_mul_ps(_mm512_loadu_ps(p[1] + j), inv));
    __m512i q2 = _mm512_cvtps_epi32(_mm512_mul_ps(_mm512_loadu_ps(p[2] + j), inv));
    __m512i q3 = _mm512_cvtps_epi32(_mm512_mul_ps(_mm512_loadu_ps(p[3] + j), inv));
    __m512i d = _mm512_packs_epi16(_mm512_packs_epi32(q0, q1), _mm512_packs_epi32(q2, q3));
    return _mm512_xor_si512(_mm512_shuffle_epi8(d, tr), _mm512_set1_epi8((char)0x80));
}

/* Build the chunk's quantised columns from the f32 window xc [cin][ldx]
 * (xc[ci][i] = x[ci][t0 − pad + i]; zero outside the input):
 *   for each weight block b (rows i = 32b … 32b + 31, i = ci·k + kk) and column j < chp:
 *     m = max_i |xc[ci][j + kk·dil]|, s = m·(1/127), a = round(x·(127/m)) (0 when m = 0)
 *   xq [chp/COLS][nb][8][COLS][4] (one contiguous stream per column tile),
 *   sq [chp/COLS][nb][COLS] the scales s. chp is a multiple of COLS. */
TGT static void q8_columns(const float *xc, int64_t ldx, int cin, int k, int dil, int chp, const float *zrow,
                           uint8_t *xq, float *sq) {
    int nb = (cin * k + QB - 1) / QB;
    const float *p[QB];
    int ci = 0, kk = 0; /* row i = ci·k + kk, advanced with i; rows past cin·k (a ragged last block) read zrow */
    for (int b = 0; b < nb; b++) {
        for (int e = 0; e < QB; e++) {
            p[e] = ci < cin ? xc + (int64_t)ci * ldx + kk * dil : zrow;
            if (++kk == k) kk = 0, ci++;
        }
        for (int j = 0; j < chp; j += COLS) {
            __m512 m[TV], inv[TV], m4[TV][4]; /* four independent chains per vector */
            _Pragma("GCC unroll 4") for (int v = 0; v < TV; v++) _Pragma("GCC unroll 4") for (int u = 0; u < 4; u++)
                m4[v][u] = _mm512_abs_ps(_mm512_loadu_ps(p[u] + j + 16 * v));
            for (int e = 4; e < QB; e += 4)
                _Pragma("GCC unroll 4") for (int u = 0; u < 4; u++) _Pragma("GCC unroll 4") for (int v = 0; v < TV; v++)
                    m4[v][u] = _mm512_range_ps(m4[v][u], _mm512_loadu_ps(p[e + u] + j + 16 * v), 0x0b); /* max |·| */
            _Pragma("GCC unroll 4") for (int v = 0; v < TV; v++)
                m[v] = _mm512_max_ps(_mm512_max_ps(m4[v][0], m4[v][1]), _mm512_max_ps(m4[v][2], m4[v][3]));
            int64_t tile = j / COLS;
            float *sd = sq + (tile * nb + b) * COLS;
            _Pragma("GCC unroll 4") for (int v = 0; v < TV; v++) {
                __mmask16 nz = _mm512_cmp_ps_mask(m[v], _mm512_setzero_ps(), _CMP_GT_OQ);
                inv[v] = _mm512_maskz_div_ps(nz, _mm512_set1_ps(127.0f), m[v]);
                _mm512_storeu_ps(sd + 16 * v, _mm512_mul_ps(m[v], _mm512_set1_ps(1.0f / 127.0f)));
            }
            uint8_t *dst = xq + (tile * nb + b) * 8 * COLS * 4;
            for (int g = 0; g < 8; g++)
                _Pragma("GCC unroll 4") for (int v = 0; v < TV; v++)
                    _mm512_storeu_si512((void *)(dst + (g * COLS + 16 * v) * 4), q8_quad(p + 4 * g, j + 16 * v, inv[v]));
        }
    }
}
/* One block of an f16 row (n ≤ 32 values, zero past n) quantised exactly as lt_q8_0_quantize_row
 * quantises the same values: d = f16(max|x| / 127), q = roundf(x · (1/d)) clamped to ±127 (roundf's
 * ties away from zero built from a truncation, so every value agrees). */
TGT static void q8_quantize_f16_block(const uint16_t *src, int n, uint8_t *out) {
    uint16_t h[QB] = {0};
    memcpy(h, src, sizeof(uint16_t) * (size_t)n);
    __m512 x[2] = {_mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)h)),
                   _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(h + 16)))};
    float amax = _mm512_reduce_max_ps(_mm512_max_ps(_mm512_abs_ps(x[0]), _mm512_abs_ps(x[1])));
    uint16_t dh = lt_f32_to_f16(amax / 127.0f);
    float d = lt_f16_to_f32(dh), id = d > 0.0f ? 1.0f / d : 0.0f;
    out[0] = (uint8_t)(dh & 0xff);
    out[1] = (uint8_t)(dh >> 8);
    const __m512 half = _mm512_set1_ps(0.5f), lim = _mm512_set1_ps(127.0f);
    for (int v = 0; v < 2; v++) {
        __m512 p = _mm512_mul_ps(x[v], _mm512_set1_ps(id));
        __m512 t = _mm512_roundscale_ps(p, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
        __mmask16 up = _mm512_cmp_ps_mask(_mm512_abs_ps(_mm512_sub_ps(p, t)), half, _CMP_GE_OQ);
        __m512 one = _mm512_or_ps(_mm512_set1_ps(1.0f), _mm512_and_ps(p, _mm512_set1_ps(-0.0f))); /* ±1 as p */
        __m512 r = _mm512_mask_add_ps(t, up, t, one);
        r = _mm512_max_ps(_mm512_min_ps(r, lim), _mm512_sub_ps(_mm512_setzero_ps(), lim));
        _mm_storeu_si128((__m128i *)(out + 2 + 16 * v), _mm512_cvtepi32_epi8(_mm512_cvtps_epi32(r)));
    }
}
#else
#define LT_HAVE_VNNI_CONV 0
#endif

int lt_conv1d_q8_0_int8(void) {
#if LT_HAVE_VNNI_CONV
    const lt_cpu_features *f = lt_cpu_features_get();
    return f->avx512f && f->avx512bw && f->avx512dq && f->avx512_vnni;
#else
    return 0;
#endif
}

#if LT_HAVE_VNNI_CONV
typedef struct q8_job {
    const float *x, *b;
    const uint8_t *w;
    float *y;
    int32_t *wp; /* [n_cb][nb][8][COB] packed weights (rows past cout: zero) */
    int32_t *nc; /* [n_cb][nb][COB] −128·Σ q per block */
    float *ds;   /* [n_cb][nb][COB] block scales */
    uint8_t *scratch;
    size_t scratch_bytes;
    int cin, tin, cout, k, pad, dil, tout, nb;
    int f16; /* w: f16 rows of cin·k values (any length), quantised to blocks here, else Q8_0 blocks */
    const float *zrow; /* [chunk] zeros: the rows of a ragged last block */
    int add; /* y += the convolution */
    lt_row_stats *part; /* [n_chunks][cout] statistics of what each chunk stored, or NULL */
    int n_cb;
    lt_conv_tiling plan;
    int64_t ldx;
} q8_job;

/* Task cb: pack co-block cb — int8 quadruples, f32 scales, offset corrections. */
static void q8_pack_task(void *ctx, int cb, int thread) {
    (void)thread;
    const q8_job *j = ctx;
    int32_t *wp = j->wp + (int64_t)cb * j->nb * 8 * COB, *nc = j->nc + (int64_t)cb * j->nb * COB;
    float *ds = j->ds + (int64_t)cb * j->nb * COB;
    int K = j->cin * j->k;
    for (int r = 0; r < COB; r++) {
        int co = cb * COB + r;
        for (int b = 0; b < j->nb; b++) {
            if (co >= j->cout) {
                ds[b * COB + r] = 0.0f;
                nc[b * COB + r] = 0;
                for (int m = 0; m < 8; m++) wp[(b * 8 + m) * COB + r] = 0;
                continue;
            }
            uint8_t blk[QBB];
            const uint8_t *o = blk;
            if (j->f16) { /* the f16 values of this block, zero past the row's end, as Q8_0 quantises them */
                const uint16_t *src = (const uint16_t *)j->w + (int64_t)co * K + (int64_t)b * QB;
                q8_quantize_f16_block(src, K - b * QB < QB ? K - b * QB : QB, blk);
            } else {
                o = (const uint8_t *)j->w + ((int64_t)co * j->nb + b) * QBB;
            }
            int sum = 0;
            for (int i = 0; i < QB; i++) sum += (int8_t)o[2 + i];
            for (int m = 0; m < 8; m++) memcpy(&wp[(b * 8 + m) * COB + r], o + 2 + 4 * m, 4);
            ds[b * COB + r] = lt_f16_to_f32((uint16_t)(o[0] | (o[1] << 8)));
            nc[b * COB + r] = -128 * sum;
        }
    }
}

/* One co-block over the chunk's column tiles (nt columns from y); ps [nco]: the rows' statistics of
 * what was stored (lanes summed in float along the chunk, then in double), or NULL. */
TGT static void q8_sweep(const uint8_t *xq, const float *sq, int64_t tile, const int32_t *wp, const int32_t *nc,
                         const float *ds, int nb, const float *bias, int nco, float *y, int64_t ldy, int nt, int add,
                         lt_row_stats *ps) {
    __m512 vs[COB][4];
    for (int r = 0; r < COB; r++) {
        vs[r][0] = vs[r][1] = _mm512_setzero_ps();
        vs[r][2] = _mm512_set1_ps(INFINITY);
        vs[r][3] = _mm512_set1_ps(-INFINITY);
    }
    for (int j0 = 0; j0 < nt; j0 += COLS)
        q8_block(xq + j0 / COLS * tile, sq + j0 / COLS * (tile / QB), wp, nc, ds, nb, bias, nco, y + j0, ldy,
                 nt - j0 < COLS ? nt - j0 : COLS, add, ps ? vs : NULL);
    if (!ps) return;
    for (int r = 0; r < nco; r++) {
        float s[16], q[16];
        _mm512_storeu_ps(s, vs[r][0]);
        _mm512_storeu_ps(q, vs[r][1]);
        double sum = 0, sumsq = 0;
        for (int l = 0; l < 16; l++) sum += s[l], sumsq += q[l];
        ps[r].sum = sum;
        ps[r].sumsq = sumsq;
        ps[r].min = _mm512_reduce_min_ps(vs[r][2]);
        ps[r].max = _mm512_reduce_max_ps(vs[r][3]);
    }
}

/* Task (chunk, group): output columns of one chunk for one group of co-blocks. */
static void q8_task(void *ctx, int t, int thread) {
    const q8_job *j = ctx;
    int t0, nt, cb0, cb1;
    if (!lt_conv_tiling_task(&j->plan, t, &t0, &nt, &cb0, &cb1)) return;
    int chp = (nt + COLS - 1) / COLS * COLS, W = chp + (j->k - 1) * j->dil;
    /* per-thread scratch: xc [cin][ldx] f32 | sq [nb][chunk] f32 | xq [cin·k][chunk] u8 */
    float *xc = (float *)(j->scratch + (size_t)thread * j->scratch_bytes);
    float *sq = xc + (int64_t)j->cin * j->ldx;
    uint8_t *xq = (uint8_t *)(sq + (int64_t)j->nb * j->plan.chunk);
    int src0 = t0 - j->pad;
    const float *xw = j->x + src0; /* the window in place when it needs no padding */
    int64_t ldx = j->tin;
    if (src0 < 0 || (int64_t)src0 + W > j->tin) { /* xc[ci][i] = x[ci][src0 + i], zero outside [0, tin) */
        int lo = src0 < 0 ? -src0 : 0, hi = j->tin - src0 < W ? j->tin - src0 : W;
        if (hi < lo) hi = lo;
        for (int ci = 0; ci < j->cin; ci++) {
            float *d = xc + (int64_t)ci * j->ldx;
            if (lo > 0) memset(d, 0, sizeof(float) * (size_t)lo);
            if (hi > lo) memcpy(d + lo, j->x + (int64_t)ci * j->tin + (src0 + lo), sizeof(float) * (size_t)(hi - lo));
            if (hi < W) memset(d + hi, 0, sizeof(float) * (size_t)(W - hi));
        }
        xw = xc;
        ldx = j->ldx;
    }
    q8_columns(xw, ldx, j->cin, j->k, j->dil, chp, j->zrow, xq, sq);
    int64_t tile = (int64_t)j->nb * QB * COLS; /* bytes (and scales ×32) of one column tile */
    for (int cb = cb0; cb < cb1; cb++) {
        int co0 = cb * COB, nco = j->cout - co0 < COB ? j->cout - co0 : COB;
        const int32_t *wp = j->wp + (int64_t)cb * j->nb * 8 * COB;
        const int32_t *nc = j->nc + (int64_t)cb * j->nb * COB;
        const float *ds = j->ds + (int64_t)cb * j->nb * COB;
        float *y = j->y + (int64_t)co0 * j->tout + t0;
        lt_row_stats *ps = j->part ? j->part + (int64_t)(t / j->plan.n_groups) * j->cout + co0 : NULL;
        q8_sweep(xq, sq, tile, wp, nc, ds, j->nb, j->b ? j->b + co0 : NULL, nco, y, j->tout, nt, j->add, ps);
    }
}
#endif

static int q8_fallback(const float *x, int cin, int tin, const void *w, lt_dtype wtype, const float *b, int cout,
                       int k, int pad, int dil, float *y, int add) {
    return (add ? lt_conv1d_typed_add : lt_conv1d_typed)(x, cin, tin, w, wtype, b, cout, k, 1, pad, dil, y);
}

/* w: Q8_0 blocks (f16 = 0; cin·k a multiple of 32) or f16 rows (f16 = 1; any cin·k, the last block
 * zero-padded). stats: [cout] filled from the stored values, *stats_done = 1 (the 8-bit path only;
 * elsewhere 0). */
static int q8_conv(const float *x, int cin, int tin, const void *w, int f16, const float *b, int cout, int k,
                   int pad, int dil, float *y, int add, lt_row_stats *stats, int *stats_done) {
    if (stats_done) *stats_done = 0;
    int tout = lt_conv1d_out_len(tin, k, 1, pad, dil);
    if (tout <= 0) return 0;
    if (!f16 && ((int64_t)cin * k) % QB != 0) return -1;
    if (!lt_conv1d_q8_0_int8())
        return q8_fallback(x, cin, tin, w, f16 ? LT_F16 : LT_Q8_0, b, cout, k, pad, dil, y, add);
#if LT_HAVE_VNNI_CONV
    q8_job j = {.x = x, .b = b, .w = w, .y = y, .cin = cin, .tin = tin, .cout = cout, .k = k, .pad = pad,
                .dil = dil, .tout = tout, .nb = (cin * k + QB - 1) / QB, .f16 = f16, .add = add};
    int threads = lt_pool_threads(), halo = (k - 1) * dil;
    j.n_cb = (cout + COB - 1) / COB;
    /* chunk: the quantised columns (cin·k × chunk bytes) about Q8_CHUNK_BYTES; with statistics, chunks
     * independent of the thread count (they are summed chunk by chunk), so that the output is the
     * same on any machine */
    lt_conv_tiling_plan(tout, COLS, (int)(Q8_CHUNK_BYTES / ((int64_t)j.nb * QB)), j.n_cb,
                        stats ? LT_STATS_CHUNK_THREADS : threads, threads, &j.plan);
    int ch = j.plan.chunk;
    j.ldx = ((int64_t)ch + halo + 15) / 16 * 16;
    j.scratch_bytes = sizeof(float) * ((size_t)cin * (size_t)j.ldx + (size_t)j.nb * ch) + (size_t)j.nb * QB * ch;
    j.scratch_bytes = (j.scratch_bytes + 63) / 64 * 64;
    size_t ncop = (size_t)j.n_cb * COB; /* cout rounded up to whole co-blocks */
    size_t head = sizeof(int32_t) * ncop * j.nb * 10 + sizeof(float) * (size_t)ch; /* + zrow */
    head = (head + 63) / 64 * 64;
    int kept;
    uint8_t *mem = lt_scratch_get(0, head + j.scratch_bytes * (size_t)threads, &kept);
    if (!mem) return -1;
    j.wp = (int32_t *)mem;
    j.nc = j.wp + ncop * j.nb * 8;
    j.ds = (float *)(j.nc + ncop * j.nb);
    float *zrow = j.ds + ncop * j.nb;
    memset(zrow, 0, sizeof(float) * (size_t)ch);
    j.zrow = zrow;
    j.scratch = mem + head;
    if (stats) { /* per chunk, then summed over the chunks in order: the same on any thread count */
        j.part = malloc(sizeof(lt_row_stats) * (size_t)j.plan.n_chunks * (size_t)cout);
        if (!j.part) {
            lt_scratch_put(0, mem, kept);
            return -1;
        }
    }
    lt_parallel_for(j.n_cb, q8_pack_task, &j);
    lt_parallel_for(j.plan.n_chunks * j.plan.n_groups, q8_task, &j);
    if (stats) {
        for (int co = 0; co < cout; co++) {
            lt_row_stats a = j.part[co];
            for (int c = 1; c < j.plan.n_chunks; c++) {
                const lt_row_stats *p = &j.part[(int64_t)c * cout + co];
                a.sum += p->sum;
                a.sumsq += p->sumsq;
                a.min = p->min < a.min ? p->min : a.min;
                a.max = p->max > a.max ? p->max : a.max;
            }
            stats[co] = a;
        }
        free(j.part);
        if (stats_done) *stats_done = 1;
    }
    lt_scratch_put(0, mem, kept);
    return 0;
#else
    (void)stats;
    return -1;
#endif
}

int lt_conv1d_q8_0(const float *x, int cin, int tin, const void *w, const float *b, int cout, int k, int pad,
                   int dil, float *y) {
    return q8_conv(x, cin, tin, w, 0, b, cout, k, pad, dil, y, 0, NULL, NULL);
}

int lt_conv1d_q8_0_ex(const float *x, int cin, int tin, const void *w, const float *b, int cout, int k, int pad,
                      int dil, float *y, int add, lt_row_stats *stats, int *stats_done) {
    return q8_conv(x, cin, tin, w, 0, b, cout, k, pad, dil, y, add, stats, stats_done);
}

int lt_conv1d_f16_int8_ex(const float *x, int cin, int tin, const uint16_t *w, const float *b, int cout, int k,
                          int pad, int dil, float *y, int add, lt_row_stats *stats, int *stats_done) {
    return q8_conv(x, cin, tin, w, 1, b, cout, k, pad, dil, y, add, stats, stats_done);
}
