/* kernels_sleef.c — exp, tanh and sigmoid rounded exactly as PyTorch 1.13's
 * vectorised CPU kernels round them (see kernels.h and docs/DESIGN.md "Parity").
 *
 * PyTorch evaluates torch.exp / torch.tanh / torch.sigmoid / softmax with
 * SLEEF's 1-ulp functions (Sleef_expf8_u10, Sleef_tanhf8_u10) built with FMA.
 * A different correctly-or-nearly-rounded exp or tanh (glibc's) differs by an
 * ulp on a few per cent of arguments; ALBERT and the LSTMs carry such ulps into
 * F0, which the decoder amplifies ~4× past the parity bound. Reproducing the
 * same polynomial, the same Cody–Waite reduction and the same double-float
 * steps with explicit fused multiply-adds makes those layers bit-exact against
 * the golden data. The algorithm is SLEEF's (Boost-licensed, by Naoki Shibata);
 * the code below is our own, for scalars and for 8 AVX2 lanes (same steps). The file is built
 * with -ffp-contract=off (CMakeLists.txt): only the fmaf calls are fused. */
#include "engine/kernels.h"

/* rintf, fmaf and the division never set errno here; saying so lets the loops vectorise */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("no-math-errno")
#endif

#include <math.h>
#include <stdint.h>
#include <string.h>


static inline __attribute__((always_inline)) float pow2i(int q) {
    uint32_t u = (uint32_t)(q + 127) << 23;
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}
/* d·2^e in two steps (SLEEF's vldexp2), so that no intermediate overflows */
static inline __attribute__((always_inline)) float ldexp2k(float d, int e) { return (d * pow2i(e >> 1)) * pow2i(e - (e >> 1)); }

/* double-float (unevaluated sum hi + lo) helpers, FMA flavour */
typedef struct { float x, y; } f2;
static inline __attribute__((always_inline)) f2 f2_make(float x, float y) { f2 r = {x, y}; return r; }
static inline __attribute__((always_inline)) f2 f2_add2_f(f2 x, float y) { /* no ordering assumption */
    float s = x.x + y, v = s - x.x, t = (x.x - (s - v)) + (y - v);
    return f2_make(s, t + x.y);
}
static inline __attribute__((always_inline)) f2 f2_add2_f2(f2 x, f2 y) {
    float s = x.x + y.x, v = s - x.x, t = (x.x - (s - v)) + (y.x - v);
    return f2_make(s, t + (x.y + y.y));
}
static inline __attribute__((always_inline)) f2 f2_add_f2(f2 x, f2 y) { /* |x| ≥ |y| */
    float s = x.x + y.x;
    return f2_make(s, (((x.x - s) + y.x) + x.y) + y.y);
}
static inline __attribute__((always_inline)) f2 f2_add_ff2(float x, f2 y) {
    float s = x + y.x;
    return f2_make(s, ((x - s) + y.x) + y.y);
}
static inline __attribute__((always_inline)) f2 f2_mul_f(f2 x, float y) {
    float s = x.x * y;
    return f2_make(s, fmaf(x.y, y, fmaf(x.x, y, -s)));
}
static inline __attribute__((always_inline)) f2 f2_mul_f2(f2 x, f2 y) {
    float s = x.x * y.x;
    return f2_make(s, fmaf(x.x, y.y, fmaf(x.y, y.x, fmaf(x.x, y.x, -s))));
}
static inline __attribute__((always_inline)) f2 f2_sqr(f2 x) {
    float s = x.x * x.x;
    return f2_make(s, fmaf(x.x + x.x, x.y, fmaf(x.x, x.x, -s)));
}
static inline __attribute__((always_inline)) f2 f2_rec(f2 d) {
    float s = 1.0f / d.x;
    return f2_make(s, s * fmaf(-d.y, s, fmaf(-d.x, s, 1.0f)));
}
static inline __attribute__((always_inline)) f2 f2_div(f2 n, f2 d) {
    float t = 1.0f / d.x, s = n.x * t;
    float u = fmaf(t, n.x, -s);
    float v = fmaf(-d.y, t, fmaf(-d.x, t, 1.0f));
    return f2_make(s, fmaf(s, v, fmaf(n.y, t, u)));
}

#define R_LN2f 1.442695040888963407359924681001892137426645954152985934135449406931f
#define L2Uf 0.693145751953125f
#define L2Lf 1.428606765330187045e-06f

static inline __attribute__((always_inline)) float exp_u10(float d) {
    int q = (int)rintf(d * R_LN2f); /* round to nearest even, as cvtps2dq */
    float s = fmaf((float)q, -L2Uf, d);
    s = fmaf((float)q, -L2Lf, s);
    float u = 0.000198527617612853646278381f;
    u = fmaf(u, s, 0.00139304355252534151077271f);
    u = fmaf(u, s, 0.00833336077630519866943359f);
    u = fmaf(u, s, 0.0416664853692054748535156f);
    u = fmaf(u, s, 0.166666671633720397949219f);
    u = fmaf(u, s, 0.5f);
    u = 1.0f + fmaf(s * s, u, s);
    u = ldexp2k(u, q);
    u = d < -104.0f ? 0.0f : u;
    return 100.0f < d ? INFINITY : u;
}

/* e^d as a double-float, d ≥ 0 here (SLEEF's expk2f) */
static inline __attribute__((always_inline)) f2 expk2(float d) {
    int q = (int)rintf(d * R_LN2f);
    f2 s = f2_add2_f(f2_make(d, 0.0f), (float)q * -L2Uf);
    s = f2_add2_f(s, (float)q * -L2Lf);
    float u = 0.1980960224e-3f;
    u = fmaf(u, s.x, 0.1394256484e-2f);
    u = fmaf(u, s.x, 0.8333456703e-2f);
    u = fmaf(u, s.x, 0.4166637361e-1f);
    f2 t = f2_add2_f(f2_mul_f(s, u), 0.166666659414234244790680580464e+0f);
    t = f2_add2_f(f2_mul_f2(s, t), 0.5f);
    t = f2_add2_f2(s, f2_mul_f2(f2_sqr(s), t));
    t = f2_add_ff2(1.0f, t);
    return f2_make(ldexp2k(t.x, q), ldexp2k(t.y, q));
}

static inline __attribute__((always_inline)) float tanh_u10(float x) {
    float a = fabsf(x);
    f2 d = expk2(a), e = f2_rec(d);
    d = f2_div(f2_add_f2(d, f2_make(-e.x, -e.y)), f2_add_f2(d, e));
    float y = d.x + d.y;
    y = (a > 8.664339742f || y != y) ? 1.0f : y;
    y = copysignf(y, x);
    return x != x ? x : y;
}

float lt_pt_expf(float x) { return exp_u10(x); }
float lt_pt_tanhf(float x) { return tanh_u10(x); }

/* ---- the same steps on 8 lanes (AVX2 + FMA), the scalar code for the tail ---- */
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#include "core/cpu_features.h"
#define TGT8 __attribute__((target("avx2,fma"), always_inline)) static inline
typedef struct { __m256 x, y; } v2;
TGT8 __m256 v_ldexp2(__m256 d, __m256i q) {
    __m256i h = _mm256_srai_epi32(q, 1), l = _mm256_sub_epi32(q, h), b = _mm256_set1_epi32(127);
    __m256 p1 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(h, b), 23));
    __m256 p2 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(l, b), 23));
    return _mm256_mul_ps(_mm256_mul_ps(d, p1), p2);
}
#define VS(c) _mm256_set1_ps(c)
#define VADD _mm256_add_ps
#define VSUB _mm256_sub_ps
#define VMUL _mm256_mul_ps
#define VFMA _mm256_fmadd_ps
TGT8 __m256 v_exp(__m256 d) {
    __m256i q = _mm256_cvtps_epi32(VMUL(d, VS(R_LN2f)));
    __m256 qf = _mm256_cvtepi32_ps(q);
    __m256 s = VFMA(qf, VS(-L2Uf), d);
    s = VFMA(qf, VS(-L2Lf), s);
    __m256 u = VS(0.000198527617612853646278381f);
    u = VFMA(u, s, VS(0.00139304355252534151077271f));
    u = VFMA(u, s, VS(0.00833336077630519866943359f));
    u = VFMA(u, s, VS(0.0416664853692054748535156f));
    u = VFMA(u, s, VS(0.166666671633720397949219f));
    u = VFMA(u, s, VS(0.5f));
    u = VADD(VS(1.0f), VFMA(VMUL(s, s), u, s));
    u = v_ldexp2(u, q);
    u = _mm256_andnot_ps(_mm256_cmp_ps(d, VS(-104.0f), _CMP_LT_OQ), u);
    return _mm256_blendv_ps(u, VS(INFINITY), _mm256_cmp_ps(VS(100.0f), d, _CMP_LT_OQ));
}
TGT8 v2 v2_make(__m256 x, __m256 y) { v2 r = {x, y}; return r; }
TGT8 v2 v2_add2_f(v2 x, __m256 y) {
    __m256 s = VADD(x.x, y), v = VSUB(s, x.x), t = VADD(VSUB(x.x, VSUB(s, v)), VSUB(y, v));
    return v2_make(s, VADD(t, x.y));
}
TGT8 v2 v2_add2_v2(v2 x, v2 y) {
    __m256 s = VADD(x.x, y.x), v = VSUB(s, x.x), t = VADD(VSUB(x.x, VSUB(s, v)), VSUB(y.x, v));
    return v2_make(s, VADD(t, VADD(x.y, y.y)));
}
TGT8 v2 v2_add_v2(v2 x, v2 y) {
    __m256 s = VADD(x.x, y.x);
    return v2_make(s, VADD(VADD(VADD(VSUB(x.x, s), y.x), x.y), y.y));
}
TGT8 v2 v2_add_fv2(__m256 x, v2 y) {
    __m256 s = VADD(x, y.x);
    return v2_make(s, VADD(VADD(VSUB(x, s), y.x), y.y));
}
TGT8 v2 v2_mul_f(v2 x, __m256 y) {
    __m256 s = VMUL(x.x, y);
    return v2_make(s, VFMA(x.y, y, _mm256_fmsub_ps(x.x, y, s)));
}
TGT8 v2 v2_mul_v2(v2 x, v2 y) {
    __m256 s = VMUL(x.x, y.x);
    return v2_make(s, VFMA(x.x, y.y, VFMA(x.y, y.x, _mm256_fmsub_ps(x.x, y.x, s))));
}
TGT8 v2 v2_sqr(v2 x) {
    __m256 s = VMUL(x.x, x.x);
    return v2_make(s, VFMA(VADD(x.x, x.x), x.y, _mm256_fmsub_ps(x.x, x.x, s)));
}
TGT8 v2 v2_rec(v2 d) {
    __m256 s = _mm256_div_ps(VS(1.0f), d.x);
    return v2_make(s, VMUL(s, _mm256_fnmadd_ps(d.y, s, _mm256_fnmadd_ps(d.x, s, VS(1.0f)))));
}
TGT8 v2 v2_div(v2 n, v2 d) {
    __m256 t = _mm256_div_ps(VS(1.0f), d.x), s = VMUL(n.x, t);
    __m256 u = _mm256_fmsub_ps(t, n.x, s);
    __m256 v = _mm256_fnmadd_ps(d.y, t, _mm256_fnmadd_ps(d.x, t, VS(1.0f)));
    return v2_make(s, VFMA(s, v, VFMA(n.y, t, u)));
}
TGT8 __m256 v_tanh(__m256 x) {
    __m256 sign = VS(-0.0f), a = _mm256_andnot_ps(sign, x);
    __m256i q = _mm256_cvtps_epi32(VMUL(a, VS(R_LN2f)));
    __m256 qf = _mm256_cvtepi32_ps(q);
    v2 s = v2_add2_f(v2_make(a, _mm256_setzero_ps()), VMUL(qf, VS(-L2Uf)));
    s = v2_add2_f(s, VMUL(qf, VS(-L2Lf)));
    __m256 u = VS(0.1980960224e-3f);
    u = VFMA(u, s.x, VS(0.1394256484e-2f));
    u = VFMA(u, s.x, VS(0.8333456703e-2f));
    u = VFMA(u, s.x, VS(0.4166637361e-1f));
    v2 t = v2_add2_f(v2_mul_f(s, u), VS(0.166666659414234244790680580464e+0f));
    t = v2_add2_f(v2_mul_v2(s, t), VS(0.5f));
    t = v2_add2_v2(s, v2_mul_v2(v2_sqr(s), t));
    t = v2_add_fv2(VS(1.0f), t);
    v2 d = v2_make(v_ldexp2(t.x, q), v_ldexp2(t.y, q)), e = v2_rec(d);
    d = v2_div(v2_add_v2(d, v2_make(_mm256_xor_ps(e.x, sign), _mm256_xor_ps(e.y, sign))), v2_add_v2(d, e));
    __m256 y = VADD(d.x, d.y);
    __m256 big = _mm256_or_ps(_mm256_cmp_ps(a, VS(8.664339742f), _CMP_GT_OQ), _mm256_cmp_ps(y, y, _CMP_UNORD_Q));
    y = _mm256_blendv_ps(y, VS(1.0f), big);
    y = _mm256_or_ps(_mm256_andnot_ps(sign, y), _mm256_and_ps(sign, x));
    return _mm256_blendv_ps(y, x, _mm256_cmp_ps(x, x, _CMP_UNORD_Q));
}
__attribute__((target("avx2,fma"))) static void exp8(float *y, const float *x, int64_t n) {
    for (int64_t i = 0; i < n; i += 8) _mm256_storeu_ps(y + i, v_exp(_mm256_loadu_ps(x + i)));
}
__attribute__((target("avx2,fma"))) static void tanh8(float *y, const float *x, int64_t n) {
    for (int64_t i = 0; i < n; i += 8) _mm256_storeu_ps(y + i, v_tanh(_mm256_loadu_ps(x + i)));
}
__attribute__((target("avx2,fma"))) static void sigmoid8(float *y, const float *x, int64_t n) {
    for (int64_t i = 0; i < n; i += 8) {
        __m256 e = v_exp(_mm256_sub_ps(_mm256_setzero_ps(), _mm256_loadu_ps(x + i)));
        _mm256_storeu_ps(y + i, _mm256_div_ps(VS(1.0f), VADD(e, VS(1.0f))));
    }
}
static int have_avx2_fma(void) {
    const lt_cpu_features *f = lt_cpu_features_get();
    return f->avx2 && f->fma;
}
#else
static int have_avx2_fma(void) { return 0; }
#define exp8(y, x, n) ((void)0)
#define tanh8(y, x, n) ((void)0)
#define sigmoid8(y, x, n) ((void)0)
#endif

void lt_pt_exp(float *y, const float *x, int64_t n) {
    int64_t i = have_avx2_fma() ? n / 8 * 8 : 0;
    exp8(y, x, i);
    for (; i < n; i++) y[i] = exp_u10(x[i]);
}

void lt_pt_tanh(float *y, const float *x, int64_t n) {
    int64_t i = have_avx2_fma() ? n / 8 * 8 : 0;
    tanh8(y, x, i);
    for (; i < n; i++) y[i] = tanh_u10(x[i]);
}

/* torch.sigmoid's vector path: 1 / ((0 − x).exp() + 1) */
void lt_pt_sigmoid(float *y, const float *x, int64_t n) {
    int64_t i = have_avx2_fma() ? n / 8 * 8 : 0;
    sigmoid8(y, x, i);
    for (; i < n; i++) y[i] = 1.0f / (exp_u10(0.0f - x[i]) + 1.0f);
}

void lt_pt_softmax_row(float *x, int n) {
    if (n <= 0) return;
    float mx = x[0];
    for (int j = 1; j < n; j++) mx = x[j] > mx ? x[j] : mx;
    for (int j = 0; j < n; j++) x[j] -= mx;
    lt_pt_exp(x, x, n);
    float sum;
    if (n < 8) { /* one partial vector, its lanes added in order */
        sum = x[0];
        for (int j = 1; j < n; j++) sum += x[j];
    } else {
        float acc[8];
        int d = 8;
        for (int l = 0; l < 8; l++) acc[l] = x[l];
        for (; d + 8 <= n; d += 8)
            for (int l = 0; l < 8; l++) acc[l] += x[d + l];
        for (int l = 0; l < n - d; l++) acc[l] += x[d + l];
        sum = ((acc[0] + acc[4]) + (acc[2] + acc[6])) + ((acc[1] + acc[5]) + (acc[3] + acc[7]));
    }
    float inv = 1.0f / sum;
    for (int j = 0; j < n; j++) x[j] *= inv;
}
