/* quant.c — f32 <-> f16 / bf16 / Q8_0 conversions and the reduction policy
 * for model weights (see quant.h for the formats and the policy). */
#include "engine/quant.h"

#include "core/cpu_features.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static uint32_t f32_bits(float f) {
    uint32_t u;
    memcpy(&u, &f, 4);
    return u;
}

static float bits_f32(uint32_t u) {
    float f;
    memcpy(&f, &u, 4);
    return f;
}

uint16_t lt_f32_to_f16(float f) {
    uint32_t x = f32_bits(f);
    uint16_t sign = (uint16_t)((x >> 16) & 0x8000u);
    x &= 0x7fffffffu;
    if (x >= 0x7f800000u) {                      /* inf or NaN */
        if (x == 0x7f800000u) return sign | 0x7c00u;
        return (uint16_t)(sign | 0x7e00u | ((x >> 13) & 0x3ffu)); /* quiet NaN, payload kept */
    }
    if (x >= 0x477ff000u) return sign | 0x7c00u; /* >= 65520: rounds to infinity */
    if (x < 0x38800000u) {                       /* below 2^-14: f16 subnormal or zero */
        if (x <= 0x33000000u) return sign;       /* <= 2^-25 (the tie rounds to even 0) */
        uint32_t e = x >> 23;                    /* 102..112 */
        uint32_t m = (x & 0x7fffffu) | 0x800000u;/* value = m * 2^(e-150) */
        uint32_t shift = 126 - e;                /* units of 2^-24: m >> shift */
        uint32_t q = m >> shift;
        uint32_t rem = m & ((1u << shift) - 1);
        uint32_t half = 1u << (shift - 1);
        if (rem > half || (rem == half && (q & 1))) q++;
        return (uint16_t)(sign | q);             /* q == 0x400 is the smallest normal */
    }
    uint32_t r = x - 0x38000000u;                /* rebias the exponent 127 -> 15 */
    r += 0xfffu + ((r >> 13) & 1u);              /* round to nearest even on 13 bits */
    return (uint16_t)(sign | (r >> 13));
}

float lt_f16_to_f32(uint16_t h) {
    uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
    uint32_t e = (h >> 10) & 0x1fu;
    uint32_t m = h & 0x3ffu;
    if (e == 0x1f) return bits_f32(sign | 0x7f800000u | (m << 13) | (m ? 0x400000u : 0));
    if (e == 0) {
        if (m == 0) return bits_f32(sign);
        /* subnormal: m * 2^-24, exact in float32 */
        float v = (float)m * 0x1p-24f;
        return sign ? -v : v;
    }
    return bits_f32(sign | ((e + 112) << 23) | (m << 13));
}

uint16_t lt_f32_to_bf16(float f) {
    uint32_t x = f32_bits(f);
    if ((x & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((x >> 16) | 0x40u); /* quiet NaN */
    x += 0x7fffu + ((x >> 16) & 1u);
    return (uint16_t)(x >> 16);
}

float lt_bf16_to_f32(uint16_t h) { return bits_f32((uint32_t)h << 16); }

void lt_f32_to_f16_row(const float *x, uint16_t *y, size_t n) {
    for (size_t i = 0; i < n; i++) y[i] = lt_f32_to_f16(x[i]);
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
/* F16C: 8 values per instruction, exact (every f16 is a float32), so the result equals the scalar path */
__attribute__((target("avx,f16c"))) static void f16_to_f32_row_f16c(const uint16_t *x, float *y, size_t n) {
    size_t i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(x + i))));
    for (; i < n; i++) y[i] = lt_f16_to_f32(x[i]);
}
#endif

void lt_f16_to_f32_row(const uint16_t *x, float *y, size_t n) {
#if defined(__x86_64__) && defined(__GNUC__)
    static int f16c = -1;
    if (f16c < 0) f16c = lt_cpu_features_get()->f16c && lt_cpu_features_get()->avx;
    if (f16c) {
        f16_to_f32_row_f16c(x, y, n);
        return;
    }
#endif
    for (size_t i = 0; i < n; i++) y[i] = lt_f16_to_f32(x[i]);
}

void lt_f32_to_bf16_row(const float *x, uint16_t *y, size_t n) {
    for (size_t i = 0; i < n; i++) y[i] = lt_f32_to_bf16(x[i]);
}

void lt_bf16_to_f32_row(const uint16_t *x, float *y, size_t n) {
    for (size_t i = 0; i < n; i++) y[i] = lt_bf16_to_f32(x[i]);
}

void lt_q8_0_quantize_row(const float *x, void *out, size_t n) {
    uint8_t *o = out;
    for (size_t b = 0; b < n / LT_Q8_0_BLOCK; b++, x += LT_Q8_0_BLOCK, o += LT_Q8_0_BLOCK_BYTES) {
        float amax = 0.0f;
        for (int i = 0; i < LT_Q8_0_BLOCK; i++) {
            float a = fabsf(x[i]);
            if (a > amax) amax = a;
        }
        uint16_t dh = lt_f32_to_f16(amax / 127.0f);
        float d = lt_f16_to_f32(dh);       /* quantize against the scale actually stored */
        float id = d > 0.0f ? 1.0f / d : 0.0f;
        o[0] = (uint8_t)(dh & 0xff);
        o[1] = (uint8_t)(dh >> 8);
        int8_t *q = (int8_t *)(o + 2);
        for (int i = 0; i < LT_Q8_0_BLOCK; i++) {
            float v = roundf(x[i] * id);
            if (v > 127.0f) v = 127.0f;
            if (v < -127.0f) v = -127.0f;
            q[i] = (int8_t)v;
        }
    }
}

#if defined(__x86_64__) && defined(__GNUC__)
/* AVX2: 8 values per step, d · q rounded once as in the scalar loop, so the result is the same */
__attribute__((target("avx2"))) static void q8_0_dequantize_row_avx2(const uint8_t *o, float *y, size_t n) {
    for (size_t b = 0; b < n / LT_Q8_0_BLOCK; b++, y += LT_Q8_0_BLOCK, o += LT_Q8_0_BLOCK_BYTES) {
        __m256 d = _mm256_set1_ps(lt_f16_to_f32((uint16_t)(o[0] | (o[1] << 8))));
        for (int i = 0; i < LT_Q8_0_BLOCK; i += 8) {
            __m128i q = _mm_loadl_epi64((const __m128i *)(o + 2 + i));
            _mm256_storeu_ps(y + i, _mm256_mul_ps(d, _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(q))));
        }
    }
}
#endif

void lt_q8_0_dequantize_row(const void *blocks, float *y, size_t n) {
    const uint8_t *o = blocks;
#if defined(__x86_64__) && defined(__GNUC__)
    static int avx2 = -1;
    if (avx2 < 0) avx2 = lt_cpu_features_get()->avx2;
    if (avx2) {
        q8_0_dequantize_row_avx2(o, y, n);
        return;
    }
#endif
    for (size_t b = 0; b < n / LT_Q8_0_BLOCK; b++, y += LT_Q8_0_BLOCK, o += LT_Q8_0_BLOCK_BYTES) {
        float d = lt_f16_to_f32((uint16_t)(o[0] | (o[1] << 8)));
        const int8_t *q = (const int8_t *)(o + 2);
        for (int i = 0; i < LT_Q8_0_BLOCK; i++) y[i] = d * (float)q[i];
    }
}

void lt_widen_range(const void *w, lt_dtype t, int64_t i0, size_t n, float *y) {
    if (t == LT_F32) memcpy(y, (const float *)w + i0, sizeof(float) * n);
    else if (t == LT_F16) lt_f16_to_f32_row((const uint16_t *)w + i0, y, n);
    else if (t == LT_BF16) lt_bf16_to_f32_row((const uint16_t *)w + i0, y, n);
    else lt_q8_0_dequantize_row((const uint8_t *)w + i0 / LT_Q8_0_BLOCK * LT_Q8_0_BLOCK_BYTES, y, n);
}

int lt_weight_type_parse(const char *name, lt_dtype *out) {
    if (!strcmp(name, "f32")) *out = LT_F32;
    else if (!strcmp(name, "f16")) *out = LT_F16;
    else if (!strcmp(name, "bf16")) *out = LT_BF16;
    else if (!strcmp(name, "q8_0") || !strcmp(name, "q8")) *out = LT_Q8_0;
    else return -1;
    return 0;
}

const char *lt_weight_type_name(lt_dtype t) {
    switch (t) {
    case LT_F32: return "f32";
    case LT_F16: return "f16";
    case LT_BF16: return "bf16";
    case LT_Q8_0: return "q8_0";
    default: return NULL;
    }
}

static const char *const keep_prefixes[] = {
    "predictor.F0_proj.",          "predictor.N_proj.",
    "predictor.duration_proj.",    "decoder.generator.conv_post.",
    "decoder.generator.m_source.",
};

static int policy_keeps_f32(const lt_tensor *t) {
    if (t->dtype != LT_F32 || t->ndim < 2) return 1;
    int big = 0;
    for (int i = 0; i < t->ndim; i++) big += t->shape[i] > 1;
    if (big <= 1) return 1;
    if (strstr(t->name, "embeddings.") || strstr(t->name, ".embedding.")) return 1;
    for (size_t i = 0; i < sizeof keep_prefixes / sizeof keep_prefixes[0]; i++)
        if (!strncmp(t->name, keep_prefixes[i], strlen(keep_prefixes[i]))) return 1;
    return 0;
}

lt_dtype lt_quantize_choice(const lt_tensor *t, lt_dtype target) {
    if (target != LT_F16 && target != LT_BF16 && target != LT_Q8_0) return t->dtype;
    if (policy_keeps_f32(t)) return t->dtype;
    int64_t numel = lt_shape_numel(t->ndim, t->shape);
    if (target != LT_BF16) { /* f16 and the Q8_0 scales overflow above 65504 */
        const float *x = t->data;
        for (int64_t i = 0; i < numel; i++)
            if (!(fabsf(x[i]) <= 65504.0f)) return LT_F32;
    }
    if (target == LT_Q8_0 && (numel / t->shape[0]) % LT_Q8_0_BLOCK != 0) return LT_F16;
    return target;
}

static int replace_data(lt_tensor *t, lt_dtype dt, void *buf, size_t nbytes) {
    free(t->owned);
    t->owned = buf;
    t->data = buf;
    t->nbytes = nbytes;
    t->dtype = dt;
    return 0;
}

int lt_quantize_set(lt_tensor_set *s, lt_dtype target, lt_err *err) {
    if (target == LT_F32) return 0;
    if (target != LT_F16 && target != LT_BF16 && target != LT_Q8_0)
        return lt_fail(err, "cannot reduce weights to %s: the weight types are f32, f16, bf16 and q8_0",
                       lt_dtype_name(target));
    for (size_t i = 0; i < s->count; i++) {
        lt_tensor *t = &s->items[i];
        lt_dtype dt = lt_quantize_choice(t, target);
        if (dt == t->dtype) continue;
        int64_t numel = lt_shape_numel(t->ndim, t->shape);
        size_t nbytes = lt_dtype_bytes(dt, numel);
        void *buf = malloc(nbytes ? nbytes : 1);
        if (!buf)
            return lt_fail(err, "tensor %s: out of memory converting %lld values to %s", t->name,
                           (long long)numel, lt_dtype_name(dt));
        if (dt == LT_F16) lt_f32_to_f16_row(t->data, buf, (size_t)numel);
        else if (dt == LT_BF16) lt_f32_to_bf16_row(t->data, buf, (size_t)numel);
        else lt_q8_0_quantize_row(t->data, buf, (size_t)numel);
        replace_data(t, dt, buf, nbytes);
    }
    return 0;
}

int lt_set_to_f32(lt_tensor_set *s, lt_err *err) {
    for (size_t i = 0; i < s->count; i++) {
        lt_tensor *t = &s->items[i];
        if (t->dtype != LT_F16 && t->dtype != LT_BF16 && t->dtype != LT_Q8_0) continue;
        int64_t numel = lt_shape_numel(t->ndim, t->shape);
        if (t->dtype == LT_Q8_0 && numel % LT_Q8_0_BLOCK)
            return lt_fail(err, "tensor %s: q8_0 data of %lld values is not whole blocks of 32",
                           t->name, (long long)numel);
        size_t nbytes = lt_dtype_bytes(LT_F32, numel);
        float *buf = malloc(nbytes ? nbytes : 1);
        if (!buf)
            return lt_fail(err, "tensor %s: out of memory converting %lld values to f32", t->name,
                           (long long)numel);
        if (t->dtype == LT_F16) lt_f16_to_f32_row(t->data, buf, (size_t)numel);
        else if (t->dtype == LT_BF16) lt_bf16_to_f32_row(t->data, buf, (size_t)numel);
        else lt_q8_0_dequantize_row(t->data, buf, (size_t)numel);
        replace_data(t, LT_F32, buf, nbytes);
    }
    return 0;
}
