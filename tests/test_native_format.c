/* test_native_format.c — tests of the native model format and everything
 * around it: recipe weights (recipe-check.npy, the tiny .pth), weight-norm
 * folding, f16/bf16/Q8_0 conversions and the reduction policy, GGUF write /
 * read round trips, truncated and hostile GGUF files, and .pth -> GGUF
 * conversion.
 *
 * Besides the cmocka suite (no arguments) it has two modes used by the ctest
 * registrations in tests/native_format.cmake:
 *   test_native_format --recipe-gguf FILE        checks kokoro-recipe's output
 *   test_native_format --compare-pth PTH GGUF T  checks `litetts convert` output
 *                                                (T = f32|f16|bf16|q8_0)
 *   test_native_format --write-tiny-tsv OUT      the tiny model's tensor list */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/gguf.h"
#include "engine/pth.h"
#include "engine/quant.h"
#include "engine/recipe_weights.h"
#include "engine/weight_norm.h"
#include "engine/weights_file.h"

/* ---- helpers ---------------------------------------------------------- */

static char g_path[4096];

static const char *shared(const char *rel) {
    const char *s = getenv("LT_SHARED");
    snprintf(g_path, sizeof g_path, "%s/%s", s && *s ? s : "../shared", rel);
    return g_path;
}

static char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    if (buf) buf[n] = 0;
    if (len) *len = (size_t)n;
    return buf;
}

static void tmp_path(char *buf, size_t cap, const char *tag) {
    const char *dir = getenv("TMPDIR");
    snprintf(buf, cap, "%s/lt-native-%s-%d.gguf", dir && *dir ? dir : "/tmp", tag, (int)getpid());
}

static uint32_t fbits(float f) {
    uint32_t u;
    memcpy(&u, &f, 4);
    return u;
}

static float bitsf(uint32_t u) {
    float f;
    memcpy(&f, &u, 4);
    return f;
}

/* Minimal .npy (v1, '<f4', C order) reader: returns values and shape. */
static float *read_npy_f32(const char *path, int64_t *rows, int64_t *cols) {
    size_t len;
    char *buf = read_file(path, &len);
    if (!buf || len < 10 || memcmp(buf, "\x93NUMPY\x01", 7)) {
        free(buf);
        return NULL;
    }
    size_t hlen = (unsigned char)buf[8] | (size_t)(unsigned char)buf[9] << 8;
    if (10 + hlen > len) {
        free(buf);
        return NULL;
    }
    char *hdr = strndup(buf + 10, hlen);
    long long r = 0, c = 0;
    const char *sh = strstr(hdr, "'shape': (");
    int ok = strstr(hdr, "'descr': '<f4'") && strstr(hdr, "'fortran_order': False") && sh &&
             sscanf(sh, "'shape': (%lld, %lld)", &r, &c) == 2 && r > 0 && c > 0 &&
             10 + hlen + (size_t)(r * c) * 4 <= len;
    free(hdr);
    if (!ok) {
        free(buf);
        return NULL;
    }
    float *v = malloc((size_t)(r * c) * 4);
    memcpy(v, buf + 10 + hlen, (size_t)(r * c) * 4);
    free(buf);
    *rows = r;
    *cols = c;
    return v;
}

static const lt_recipe_row *find_row(const lt_recipe_row *rows, size_t n, const char *name) {
    for (size_t i = 0; i < n; i++)
        if (!strcmp(rows[i].name, name)) return &rows[i];
    return NULL;
}

static lt_tensor *add_f32(lt_tensor_set *s, const char *name, int ndim, const int64_t *shape,
                          const float *vals) {
    int64_t n = lt_shape_numel(ndim, shape);
    float *buf = malloc((size_t)n * 4);
    memcpy(buf, vals, (size_t)n * 4);
    return lt_tensor_set_add(s, name, LT_F32, ndim, shape, buf, (size_t)n * 4, buf);
}

static uint64_t rng_state = 0x1234567887654321ull;
static uint32_t rnd(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 32);
}
static float rndf(void) { return (float)rnd() / 4294967296.0f * 2.0f - 1.0f; }

/* ---- recipe ----------------------------------------------------------- */

static void test_recipe_check_npy(void **state) {
    (void)state;
    int64_t r, c;
    float *want = read_npy_f32(shared("kokoro-golden/recipe-check.npy"), &r, &c);
    assert_non_null(want);
    assert_int_equal(r, 3);
    assert_int_equal(c, 8);
    lt_recipe_row *rows;
    size_t n;
    lt_err err = {{0}};
    int rc = lt_recipe_tsv_read(shared("kokoro-golden/state-dict-official.tsv"), &rows, &n, &err);
    if (rc) fprintf(stderr, "%s\n", err.msg);
    assert_int_equal(rc, 0);
    assert_int_equal(n, 548);
    const char *names[3] = {"decoder.generator.conv_post.weight_v",
                            "bert.embeddings.word_embeddings.weight", "predictor.F0_proj.weight"};
    for (int k = 0; k < 3; k++) {
        const lt_recipe_row *row = find_row(rows, n, names[k]);
        assert_non_null(row);
        float a, b, got[8];
        assert_int_equal(lt_recipe_class_ab(row->cls, row->ndim, row->shape, &a, &b), 0);
        lt_recipe_fill(row->name, a, b, got, 8);
        for (int i = 0; i < 8; i++) {
            if (fbits(got[i]) != fbits(want[k * 8 + i]))
                fprintf(stderr, "%s[%d]: got %.9g want %.9g\n", names[k], i, got[i], want[k * 8 + i]);
            assert_int_equal(fbits(got[i]), fbits(want[k * 8 + i]));
        }
    }
    /* parameter count of the TSV: 81,763,410 */
    int64_t params = 0;
    size_t pairs = 0;
    for (size_t i = 0; i < n; i++) {
        params += lt_shape_numel(rows[i].ndim, rows[i].shape);
        pairs += !strcmp(rows[i].cls, "g");
    }
    assert_int_equal(params, 81763410);
    assert_int_equal(pairs, 89);
    free(rows);
    free(want);
}

/* The tiny model was made with the same recipe for its own shapes: every
 * tensor of kokoro-tiny.pth must be reproduced bit for bit. */
static void test_recipe_matches_tiny_pth(void **state) {
    (void)state;
    lt_recipe_row *rows;
    size_t n;
    lt_err err = {{0}};
    assert_int_equal(lt_recipe_tsv_read(shared("kokoro-golden/state-dict-official.tsv"), &rows, &n, &err), 0);
    lt_tensor_set s;
    lt_tensor_set_init(&s);
    int rc = lt_pth_load(shared("kokoro-golden/tiny/kokoro-tiny.pth"), &s, &err);
    if (rc) fprintf(stderr, "%s\n", err.msg);
    assert_int_equal(rc, 0);
    assert_int_equal(s.count, 548);
    size_t bad = 0;
    for (size_t i = 0; i < s.count; i++) {
        lt_tensor *t = &s.items[i];
        const lt_recipe_row *row = find_row(rows, n, t->name);
        assert_non_null(row);
        assert_int_equal(t->dtype, LT_F32);
        float a, b;
        assert_int_equal(lt_recipe_class_ab(row->cls, t->ndim, t->shape, &a, &b), 0);
        size_t m = (size_t)lt_shape_numel(t->ndim, t->shape);
        float *v = malloc(m * 4);
        lt_recipe_fill(t->name, a, b, v, m);
        if (memcmp(v, t->data, m * 4)) {
            if (bad++ < 5) fprintf(stderr, "recipe differs from kokoro-tiny.pth in %s\n", t->name);
        }
        free(v);
    }
    assert_int_equal(bad, 0);
    lt_tensor_set_free(&s);
    free(rows);
}

/* ---- weight norm ------------------------------------------------------ */

static void test_weight_norm_hand(void **state) {
    (void)state;
    lt_tensor_set s;
    lt_tensor_set_init(&s);
    int64_t b_shape[1] = {3}, g_shape[3] = {2, 1, 1}, v_shape[3] = {2, 2, 2};
    float bias[3] = {1, 2, 3}, g[2] = {2, -1}, v[8] = {1, 2, 2, 4, 3, 0, 0, 4};
    add_f32(&s, "a.bias", 1, b_shape, bias);
    add_f32(&s, "a.weight_v", 3, v_shape, v);     /* v before g */
    add_f32(&s, "a.weight_g", 3, g_shape, g);
    add_f32(&s, "b.weight_g", 3, g_shape, g);     /* g before v */
    add_f32(&s, "z.bias", 1, b_shape, bias);
    add_f32(&s, "b.weight_v", 3, v_shape, v);
    lt_err err = {{0}};
    assert_int_equal(lt_fold_weight_norm(&s, &err), 0);
    assert_int_equal(s.count, 4);
    assert_string_equal(s.items[0].name, "a.bias");
    assert_string_equal(s.items[1].name, "a.weight");
    assert_string_equal(s.items[2].name, "b.weight");
    assert_string_equal(s.items[3].name, "z.bias");
    /* row 0: ‖(1,2,2,4)‖ = 5, g = 2; row 1: ‖(3,0,0,4)‖ = 5, g = -1 */
    const float want[8] = {0.4f, 0.8f, 0.8f, 1.6f, -0.6f, -0.0f, -0.0f, -0.8f}; /* g < 0: -0 */
    for (int k = 1; k <= 2; k++) {
        lt_tensor *w = &s.items[k];
        assert_int_equal(w->ndim, 3);
        assert_int_equal(w->shape[0], 2);
        assert_int_equal(w->shape[1], 2);
        assert_int_equal(w->shape[2], 2);
        assert_int_equal(w->nbytes, 32);
        for (int i = 0; i < 8; i++) assert_int_equal(fbits(((float *)w->data)[i]), fbits(want[i]));
    }
    lt_tensor_set_free(&s);
}

static void test_weight_norm_order_of_ops(void **state) {
    (void)state;
    /* ConvTranspose-like [in, out, k] with g [in,1,1], random values: our
     * double result against other orders of operations. */
    enum { R = 16, C = 37 };
    static float v[R * C], g[R];
    for (int i = 0; i < R * C; i++) v[i] = rndf() * 0.3f;
    for (int i = 0; i < R; i++) g[i] = 0.5f + rndf() * 0.25f;
    lt_tensor_set s;
    lt_tensor_set_init(&s);
    int64_t gs[3] = {R, 1, 1}, vs[3] = {R, C, 1};
    add_f32(&s, "u.weight_g", 3, gs, g);
    add_f32(&s, "u.weight_v", 3, vs, v);
    lt_err err = {{0}};
    assert_int_equal(lt_fold_weight_norm(&s, &err), 0);
    const float *w = s.items[0].data;
    double max_rel_d = 0, max_rel_f = 0;
    for (int r = 0; r < R; r++) {
        double ss = 0;
        float ssf = 0;
        for (int c = 0; c < C; c++) {
            ss += (double)v[r * C + c] * v[r * C + c];
            ssf += v[r * C + c] * v[r * C + c];
        }
        float nf = sqrtf(ssf);
        for (int c = 0; c < C; c++) {
            double alt = (double)g[r] * v[r * C + c] / sqrt(ss);     /* (g·v)/‖v‖ in double */
            float pt = v[r * C + c] * (g[r] / nf);                   /* PyTorch's float32 order */
            double ref = fabs(alt) > 1e-30 ? fabs(alt) : 1e-30;
            double d1 = fabs((double)w[r * C + c] - alt) / ref;
            double d2 = fabs((double)w[r * C + c] - (double)pt) / ref;
            if (d1 > max_rel_d) max_rel_d = d1;
            if (d2 > max_rel_f) max_rel_f = d2;
        }
    }
    assert_true(max_rel_d <= 6e-8);  /* one rounding to float32 */
    assert_true(max_rel_f <= 1e-6);  /* a few float32 ulp */
    lt_tensor_set_free(&s);
}

static void test_weight_norm_errors(void **state) {
    (void)state;
    lt_err err = {{0}};
    lt_tensor_set s;
    float z[16] = {0};
    int64_t gs[3] = {2, 1, 1}, vs[3] = {3, 2, 2}, gbad[3] = {2, 2, 1}, v2[3] = {2, 2, 2};

    lt_tensor_set_init(&s);
    add_f32(&s, "m.weight_g", 3, gs, z);
    add_f32(&s, "m.weight_v", 3, vs, z);
    assert_int_equal(lt_fold_weight_norm(&s, &err), -1);
    assert_non_null(strstr(err.msg, "m.weight_g"));
    assert_non_null(strstr(err.msg, "[2, 1, 1]"));
    assert_non_null(strstr(err.msg, "[3, 2, 2]"));
    lt_tensor_set_free(&s);

    lt_tensor_set_init(&s);
    add_f32(&s, "m.weight_g", 3, gbad, z);
    add_f32(&s, "m.weight_v", 3, v2, z);
    assert_int_equal(lt_fold_weight_norm(&s, &err), -1);
    assert_non_null(strstr(err.msg, "[2, 2, 1]"));
    lt_tensor_set_free(&s);

    lt_tensor_set_init(&s);
    add_f32(&s, "lonely.weight_v", 3, v2, z);
    assert_int_equal(lt_fold_weight_norm(&s, &err), -1);
    assert_non_null(strstr(err.msg, "lonely.weight_v"));
    lt_tensor_set_free(&s);

    lt_tensor_set_init(&s);
    add_f32(&s, "lonely.weight_g", 3, gs, z);
    assert_int_equal(lt_fold_weight_norm(&s, &err), -1);
    assert_non_null(strstr(err.msg, "lonely.weight_v"));
    lt_tensor_set_free(&s);

    /* a zero row gives zeros, not NaN */
    lt_tensor_set_init(&s);
    add_f32(&s, "m.weight_g", 3, gs, z);
    add_f32(&s, "m.weight_v", 3, v2, z);
    assert_int_equal(lt_fold_weight_norm(&s, &err), 0);
    for (int i = 0; i < 8; i++) assert_true(((float *)s.items[0].data)[i] == 0.0f);
    lt_tensor_set_free(&s);
}

/* ---- f16 / bf16 / q8_0 ------------------------------------------------ */

static void test_f16_known(void **state) {
    (void)state;
    static const struct { uint32_t f; uint16_t h; } cases[] = {
        {0x00000000u, 0x0000}, {0x80000000u, 0x8000}, {0x3f800000u, 0x3c00}, /* 0, -0, 1 */
        {0xbf800000u, 0xbc00}, {0x40000000u, 0x4000}, {0x3dcccccdu, 0x2e66}, /* -1, 2, 0.1 */
        {0x477fe000u, 0x7bff},                          /* 65504, max half */
        {0x477fefffu, 0x7bff},                          /* just below the tie to inf */
        {0x477ff000u, 0x7c00},                          /* 65520: tie, rounds to even = inf */
        {0x47800000u, 0x7c00}, {0x7f7fffffu, 0x7c00},   /* 65536, FLT_MAX -> inf */
        {0x7f800000u, 0x7c00}, {0xff800000u, 0xfc00},   /* +-inf */
        {0x3f801000u, 0x3c00},                          /* 1 + 2^-11: tie -> even (down) */
        {0x3f803000u, 0x3c02},                          /* 1 + 3*2^-11: tie -> even (up) */
        {0x3f801001u, 0x3c01},                          /* just above the tie */
        {0x38800000u, 0x0400},                          /* 2^-14, smallest normal */
        {0x33800000u, 0x0001},                          /* 2^-24, smallest subnormal */
        {0x33000000u, 0x0000},                          /* 2^-25: tie -> even 0 */
        {0x33000001u, 0x0001},                          /* just above 2^-25 */
        {0x33c00000u, 0x0002},                          /* 1.5*2^-24: tie -> even 2 */
        {0x34200000u, 0x0002},                          /* 2.5*2^-24: tie -> even 2 */
        {0x387fe000u, 0x0400},                          /* 1023.5*2^-24: tie -> even 0x400 */
        {0x387fc000u, 0x03ff},                          /* 1023*2^-24, largest subnormal */
        {0x387fa000u, 0x03fe},                          /* 1022.5*2^-24: tie -> even 0x3fe */
        {0x387fb000u, 0x03ff},                          /* 1022.75*2^-24 */
        {0x00000001u, 0x0000}, {0x80000001u, 0x8000},   /* float subnormals -> +-0 */
        {0xb3800000u, 0x8001},                          /* -2^-24 */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint16_t h = lt_f32_to_f16(bitsf(cases[i].f));
        if (h != cases[i].h) fprintf(stderr, "f16(%08x) = %04x, want %04x\n", cases[i].f, h, cases[i].h);
        assert_int_equal(h, cases[i].h);
    }
    /* NaN stays NaN (quiet) */
    uint16_t hn = lt_f32_to_f16(bitsf(0x7fc00000u));
    assert_int_equal(hn & 0x7c00, 0x7c00);
    assert_true(hn & 0x03ff);
    assert_true(lt_f32_to_f16(bitsf(0x7f800001u)) & 0x0200); /* signalling -> quiet */
    assert_true(isnan(lt_f16_to_f32(0x7e00)));
    assert_true(isnan(lt_f16_to_f32(0x7c01)));
    assert_true(isinf(lt_f16_to_f32(0x7c00)) && lt_f16_to_f32(0x7c00) > 0);
    assert_true(isinf(lt_f16_to_f32(0xfc00)) && lt_f16_to_f32(0xfc00) < 0);
    assert_int_equal(fbits(lt_f16_to_f32(0x8000)), 0x80000000u);
    assert_true(lt_f16_to_f32(0x0001) == 0x1p-24f);
    assert_true(lt_f16_to_f32(0x03ff) == 1023 * 0x1p-24f);
    assert_true(lt_f16_to_f32(0x8001) == -0x1p-24f);
    assert_true(lt_f16_to_f32(0x7bff) == 65504.0f);
    assert_true(lt_f16_to_f32(0x3555) == 0.333251953125f);
    /* every finite half survives the round trip; f32 -> f16 of every half's
     * value is exact, and midpoints round to even */
    for (uint32_t h = 0; h < 0x10000; h++) {
        if ((h & 0x7c00) == 0x7c00) continue;
        float f = lt_f16_to_f32((uint16_t)h);
        assert_int_equal(lt_f32_to_f16(f), h);
        if ((h & 0x7fff) < 0x7bff) { /* the midpoint to the next half up in magnitude */
            float next = lt_f16_to_f32((uint16_t)(h + 1));
            float mid = (f + next) * 0.5f;
            uint16_t want = (h & 1) ? (uint16_t)(h + 1) : (uint16_t)h;
            assert_int_equal(lt_f32_to_f16(mid), want);
        }
    }
}

static void test_bf16_known(void **state) {
    (void)state;
    static const struct { uint32_t f; uint16_t h; } cases[] = {
        {0x3f800000u, 0x3f80}, {0x80000000u, 0x8000}, {0x3f808000u, 0x3f80}, /* tie -> even */
        {0x3f818000u, 0x3f82}, {0x3f808001u, 0x3f81}, {0x3f807fffu, 0x3f80},
        {0x7f7fffffu, 0x7f80}, /* FLT_MAX rounds to inf */
        {0x7f800000u, 0x7f80}, {0xff800000u, 0xff80},
        {0x00000001u, 0x0000}, {0x00018000u, 0x0002}, {0x00008000u, 0x0000}, /* subnormals */
        {0x3dcccccdu, 0x3dcd}, /* 0.1 */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint16_t h = lt_f32_to_bf16(bitsf(cases[i].f));
        if (h != cases[i].h) fprintf(stderr, "bf16(%08x) = %04x, want %04x\n", cases[i].f, h, cases[i].h);
        assert_int_equal(h, cases[i].h);
    }
    uint16_t n = lt_f32_to_bf16(bitsf(0x7f800001u)); /* NaN with payload only in low bits */
    assert_int_equal(n & 0x7f80, 0x7f80);
    assert_true(n & 0x7f);
    assert_true(isnan(lt_bf16_to_f32(n)));
    assert_int_equal(fbits(lt_bf16_to_f32(0x3f80)), 0x3f800000u);
    for (uint32_t h = 0; h < 0x10000; h++) {
        if ((h & 0x7f80) == 0x7f80) continue;
        assert_int_equal(lt_f32_to_bf16(lt_bf16_to_f32((uint16_t)h)), h);
    }
}

static void test_q8_0_round_trip(void **state) {
    (void)state;
    enum { N = 32 * 64 };
    static float x[N], y[N];
    static uint8_t q[N / 32 * 34];
    for (int i = 0; i < N; i++) x[i] = rndf() * (1 + (i / 32) % 7) * 0.05f;
    for (int i = 0; i < 32; i++) x[5 * 32 + i] = 0.0f;          /* an all-zero block */
    x[9 * 32 + 3] = 40.0f;                                        /* an outlier */
    lt_q8_0_quantize_row(x, q, N);
    lt_q8_0_dequantize_row(q, y, N);
    double se = 0, sx = 0;
    for (int b = 0; b < N / 32; b++) {
        float amax = 0;
        for (int i = 0; i < 32; i++) amax = fmaxf(amax, fabsf(x[b * 32 + i]));
        float d = lt_f16_to_f32((uint16_t)(q[b * 34] | q[b * 34 + 1] << 8));
        assert_true(fabsf(d - amax / 127.0f) <= amax / 127.0f * 0x1p-11f + 1e-30f);
        for (int i = 0; i < 32; i++) {
            float e = fabsf(x[b * 32 + i] - y[b * 32 + i]);
            assert_true(e <= 0.5f * d + amax * 0x1p-10f);
            int8_t qi = (int8_t)q[b * 34 + 2 + i];
            assert_true(qi != -128);
            assert_true(y[b * 32 + i] == d * (float)qi); /* exactly d·q, whichever path (AVX2 or scalar) ran */
            se += (double)e * e;
            sx += (double)x[b * 32 + i] * x[b * 32 + i];
        }
    }
    for (int i = 0; i < 32; i++) assert_true(y[5 * 32 + i] == 0.0f);
    assert_true(fabsf(y[9 * 32 + 3] - 40.0f) <= 40.0f * 0x1p-10f);
    assert_true(10 * log10(sx / se) > 38.0); /* ~ 8-bit quality on uniform data */
}

static void test_quantize_policy(void **state) {
    (void)state;
    static float data[512 * 512 * 3];
    for (size_t i = 0; i < sizeof data / sizeof data[0]; i++) data[i] = rndf() * 0.1f;
    static const struct { const char *name; int ndim; int64_t shape[3]; lt_dtype f16, q8; } cases[] = {
        {"decoder.decode.3.conv2.weight", 3, {512, 512, 3}, LT_F16, LT_Q8_0},
        {"predictor.F0.1.pool.weight", 3, {512, 1, 3}, LT_F16, LT_F16},   /* row 3 */
        {"decoder.generator.ups.1.weight", 3, {16, 24, 12}, LT_F16, LT_F16}, /* row 288 = 9·32 */
        {"text_encoder.lstm.weight_ih_l0", 2, {1024, 512}, LT_F16, LT_Q8_0},
        {"decoder.generator.noise_res.0.alpha1.0", 3, {1, 256, 1}, LT_F32, LT_F32},
        {"decoder.F0_conv.weight", 3, {1, 1, 3}, LT_F32, LT_F32},
        {"decoder.encode.conv1.bias", 1, {1024}, LT_F32, LT_F32},
        {"bert.embeddings.word_embeddings.weight", 2, {178, 128}, LT_F32, LT_F32},
        {"text_encoder.embedding.weight", 2, {178, 512}, LT_F32, LT_F32},
        {"bert.encoder.embedding_hidden_mapping_in.weight", 2, {768, 128}, LT_F16, LT_Q8_0},
        {"predictor.F0_proj.weight", 3, {1, 256, 1}, LT_F32, LT_F32},
        {"predictor.N_proj.weight", 3, {1, 256, 1}, LT_F32, LT_F32},
        {"predictor.duration_proj.linear_layer.weight", 2, {50, 512}, LT_F32, LT_F32},
        {"decoder.generator.conv_post.weight", 3, {22, 128, 7}, LT_F32, LT_F32},
        {"decoder.generator.m_source.l_linear.weight", 2, {1, 9}, LT_F32, LT_F32},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        lt_tensor t = {0};
        snprintf(t.name, sizeof t.name, "%s", cases[i].name);
        t.dtype = LT_F32;
        t.ndim = cases[i].ndim;
        memcpy(t.shape, cases[i].shape, sizeof cases[i].shape);
        t.data = data;
        t.nbytes = (size_t)lt_shape_numel(t.ndim, t.shape) * 4;
        if (!strcmp(t.name, "decoder.generator.ups.1.weight")) {
            /* 288 is a multiple of 32 -> q8_0 */
            assert_int_equal(lt_quantize_choice(&t, LT_Q8_0), LT_Q8_0);
        } else {
            assert_int_equal(lt_quantize_choice(&t, LT_Q8_0), cases[i].q8);
        }
        assert_int_equal(lt_quantize_choice(&t, LT_F16), cases[i].f16);
        assert_int_equal(lt_quantize_choice(&t, LT_BF16), cases[i].f16 == LT_F16 ? LT_BF16 : LT_F32);
        assert_int_equal(lt_quantize_choice(&t, LT_F32), LT_F32);
    }
    /* out of f16 range: stays f32 (for f16 and q8_0, not for bf16) */
    float big[64];
    for (int i = 0; i < 64; i++) big[i] = i == 7 ? 1e6f : 1.0f;
    lt_tensor t = {.name = "x.weight", .dtype = LT_F32, .ndim = 2, .shape = {2, 32}, .data = big,
                   .nbytes = sizeof big};
    assert_int_equal(lt_quantize_choice(&t, LT_F16), LT_F32);
    assert_int_equal(lt_quantize_choice(&t, LT_Q8_0), LT_F32);
    assert_int_equal(lt_quantize_choice(&t, LT_BF16), LT_BF16);

    lt_dtype d;
    assert_int_equal(lt_weight_type_parse("q8", &d), 0);
    assert_int_equal(d, LT_Q8_0);
    assert_int_equal(lt_weight_type_parse("q4", &d), -1);
    assert_string_equal(lt_weight_type_name(LT_BF16), "bf16");
}

static void test_quantize_set_and_back(void **state) {
    (void)state;
    lt_tensor_set s;
    lt_tensor_set_init(&s);
    static float w[64 * 96], bias[64];
    for (int i = 0; i < 64 * 96; i++) w[i] = rndf() * 0.2f;
    for (int i = 0; i < 64; i++) bias[i] = rndf();
    int64_t ws[2] = {64, 96}, bs[1] = {64}, ps[3] = {64, 1, 3};
    add_f32(&s, "layer.weight", 2, ws, w);
    add_f32(&s, "layer.bias", 1, bs, bias);
    add_f32(&s, "layer.pool.weight", 3, ps, w);
    lt_err err = {{0}};
    lt_dtype targets[3] = {LT_F16, LT_BF16, LT_Q8_0};
    for (int k = 0; k < 3; k++) {
        lt_tensor_set c;
        lt_tensor_set_init(&c);
        for (size_t i = 0; i < s.count; i++)
            add_f32(&c, s.items[i].name, s.items[i].ndim, s.items[i].shape, s.items[i].data);
        assert_int_equal(lt_quantize_set(&c, targets[k], &err), 0);
        assert_int_equal(c.items[0].dtype, targets[k]);
        assert_int_equal(c.items[1].dtype, LT_F32);
        assert_int_equal(c.items[2].dtype, targets[k] == LT_Q8_0 ? LT_F16 : targets[k]);
        assert_int_equal(c.items[0].nbytes, lt_dtype_bytes(targets[k], 64 * 96));
        assert_int_equal(lt_set_to_f32(&c, &err), 0);
        double tol = targets[k] == LT_F16 ? 0x1p-11 : targets[k] == LT_BF16 ? 0x1p-8 : 0.2 / 127;
        for (int i = 0; i < 64 * 96; i++)
            assert_true(fabs(((float *)c.items[0].data)[i] - w[i]) <= tol * (targets[k] == LT_Q8_0 ? 1 : fabsf(w[i])) + 0x1p-25);
        assert_memory_equal(c.items[1].data, bias, sizeof bias);
        lt_tensor_set_free(&c);
    }
    lt_tensor_set_free(&s);
}

/* ---- GGUF ------------------------------------------------------------- */

static const char *LONG1 = "bert.encoder.albert_layer_groups.0.albert_layers.0.full_layer_layer_norm.weight";
static const char *LONG2 = "bert.encoder.albert_layer_groups.12.albert_layers.3.attention.query.weight";
static const char *CONFIG = "{\"n_token\": 178, \"note\": \"ü — any text\"}\n";

static void build_small_set(lt_tensor_set *s) {
    lt_tensor_set_init(s);
    float v[5 * 64];
    for (int i = 0; i < 5 * 64; i++) v[i] = rndf();
    int64_t s1[1] = {5}, s2[3] = {3, 4, 2}, s3[2] = {2, 3}, s4[1] = {7}, s5[2] = {2, 64}, s6[2] = {2, 2};
    add_f32(s, LONG1, 1, s1, v);
    add_f32(s, "decoder.generator.conv_post.weight", 3, s2, v);
    uint16_t *h = malloc(12);
    lt_f32_to_f16_row(v, h, 6);
    lt_tensor_set_add(s, "x.half", LT_F16, 2, s3, h, 12, h);
    uint16_t *bh = malloc(14);
    lt_f32_to_bf16_row(v, bh, 7);
    lt_tensor_set_add(s, "x.brain", LT_BF16, 1, s4, bh, 14, bh);
    uint8_t *q = malloc(4 * 34);
    lt_q8_0_quantize_row(v, q, 128);
    lt_tensor_set_add(s, "x.q8", LT_Q8_0, 2, s5, q, 4 * 34, q);
    add_f32(s, LONG2, 2, s6, v);
}

static void check_same_set(const lt_tensor_set *a, const lt_tensor_set *b) {
    assert_int_equal(a->count, b->count);
    for (size_t i = 0; i < a->count; i++) {
        const lt_tensor *x = &a->items[i], *y = &b->items[i];
        assert_string_equal(x->name, y->name);
        assert_int_equal(x->dtype, y->dtype);
        assert_int_equal(x->ndim, y->ndim);
        for (int d = 0; d < x->ndim; d++) assert_int_equal(x->shape[d], y->shape[d]);
        assert_int_equal(x->nbytes, y->nbytes);
        assert_memory_equal(x->data, y->data, x->nbytes);
    }
}

static void test_gguf_names(void **state) {
    (void)state;
    char s[128], e[LT_MAX_NAME];
    assert_int_equal(lt_gguf_name_shorten(LONG1, s, sizeof s), 0);
    assert_string_equal(s, "bert.layer.0.0.full_layer_layer_norm.weight");
    assert_int_equal(lt_gguf_name_expand(s, e, sizeof e), 0);
    assert_string_equal(e, LONG1);
    assert_int_equal(lt_gguf_name_shorten(LONG2, s, sizeof s), 0);
    assert_string_equal(s, "bert.layer.12.3.attention.query.weight");
    assert_int_equal(lt_gguf_name_expand(s, e, sizeof e), 0);
    assert_string_equal(e, LONG2);
    assert_int_equal(lt_gguf_name_shorten("bert.layer.0.0.x", s, sizeof s), -1); /* reserved */
    assert_int_equal(lt_gguf_name_expand("bert.layer.x", e, sizeof e), -1);       /* malformed */
    assert_int_equal(lt_gguf_name_shorten("decoder.x", s, sizeof s), 0);
    assert_string_equal(s, "decoder.x");
    /* every name of the official checkpoint, folded or not, fits in 64 bytes and comes back */
    lt_recipe_row *rows;
    size_t n;
    lt_err err = {{0}};
    assert_int_equal(lt_recipe_tsv_read(shared("kokoro-golden/state-dict-official.tsv"), &rows, &n, &err), 0);
    for (size_t i = 0; i < n; i++) {
        char sh[LT_GGUF_MAX_NAME + 1];
        assert_int_equal(lt_gguf_name_shorten(rows[i].name, sh, sizeof sh), 0);
        assert_int_equal(lt_gguf_name_expand(sh, e, sizeof e), 0);
        assert_string_equal(e, rows[i].name);
    }
    free(rows);
}

static void test_gguf_round_trip(void **state) {
    (void)state;
    lt_tensor_set s, l;
    build_small_set(&s);
    char path[512];
    tmp_path(path, sizeof path, "rt");
    lt_err err = {{0}};
    int rc = lt_gguf_write(path, &s, CONFIG, "q8_0", NULL, NULL, &err);
    if (rc) fprintf(stderr, "%s\n", err.msg);
    assert_int_equal(rc, 0);
    char tmp[600];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    assert_int_equal(access(tmp, F_OK), -1); /* renamed into place */

    char *cfg = NULL;
    rc = lt_gguf_load(path, &l, &cfg, &err);
    if (rc) fprintf(stderr, "%s\n", err.msg);
    assert_int_equal(rc, 0);
    assert_non_null(l.mapping);
    assert_string_equal(cfg, CONFIG);
    check_same_set(&s, &l);
    for (size_t i = 0; i < l.count; i++) {
        assert_null(l.items[i].owned);
        size_t off = (size_t)((uint8_t *)l.items[i].data - (uint8_t *)l.mapping);
        assert_int_equal(off % 64, 0);
        assert_int_equal((uintptr_t)l.items[i].data % 64, 0);
        assert_true(off + l.items[i].nbytes <= l.mapping_len);
    }
    free(cfg);

    /* the bytes: header, version, counts, abbreviated names, metadata */
    size_t len;
    char *buf = read_file(path, &len);
    assert_non_null(buf);
    assert_memory_equal(buf, "GGUF\x03\0\0\0", 8);
    uint64_t nt, nkv;
    memcpy(&nt, buf + 8, 8);
    memcpy(&nkv, buf + 16, 8);
    assert_int_equal(nt, 6);
    assert_int_equal(nkv, 6);
    assert_int_equal(len % 64, 0);
    assert_non_null(memmem(buf, len, "bert.layer.0.0.full_layer_layer_norm.weight", 43));
    assert_null(memmem(buf, len, "albert_layer_groups", 19));
    assert_non_null(memmem(buf, len, "general.alignment\x04\0\0\0\x40\0\0\0", 25));
    assert_non_null(memmem(buf, len, "litetts.format_version\x04\0\0\0\x01\0\0\0", 30));
    assert_non_null(memmem(buf, len, "kokoro", 6));
    assert_non_null(memmem(buf, len, "q8_0", 4));
    /* dims innermost first: conv_post [3,4,2] is stored as 2,4,3 */
    const char *cp = memmem(buf, len, "decoder.generator.conv_post.weight", 34);
    assert_non_null(cp);
    uint32_t nd;
    uint64_t dims[3];
    memcpy(&nd, cp + 34, 4);
    memcpy(dims, cp + 38, 24);
    assert_int_equal(nd, 3);
    assert_int_equal(dims[0], 2);
    assert_int_equal(dims[1], 4);
    assert_int_equal(dims[2], 3);

    /* the copying loader gives the same */
    lt_tensor_set m;
    rc = lt_gguf_load_mem(buf, len, "mem", &m, &cfg, &err);
    assert_int_equal(rc, 0);
    check_same_set(&s, &m);
    assert_string_equal(cfg, CONFIG);
    free(cfg);
    lt_tensor_set_free(&m);

    /* through lt_weights_load (GGUF detected by magic) */
    rc = lt_weights_load(path, &m, &cfg, &err);
    assert_int_equal(rc, 0);
    check_same_set(&s, &m);
    free(cfg);
    lt_tensor_set_free(&m);

    /* truncated at every length: an error, never a crash; complete once the
     * last tensor's data is in */
    const lt_tensor *last = &l.items[l.count - 1];
    size_t need = (size_t)((uint8_t *)last->data - (uint8_t *)l.mapping) + last->nbytes;
    for (size_t cut = 0; cut < len; cut++) {
        memset(err.msg, 0, sizeof err.msg);
        rc = lt_gguf_load_mem(buf, cut, "cut", &m, NULL, &err);
        if (cut < need) {
            assert_int_equal(rc, -1);
            assert_true(strlen(err.msg) > 10);
            assert_int_equal(m.count, 0);
        } else {
            assert_int_equal(rc, 0);
            lt_tensor_set_free(&m);
        }
    }
    /* truncated files through the mmap loader */
    size_t cuts[] = {0, 3, 4, 23, 24, 100, need / 2, need - 1};
    char tpath[600];
    snprintf(tpath, sizeof tpath, "%s.cut", path);
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        FILE *f = fopen(tpath, "wb");
        fwrite(buf, 1, cuts[i], f);
        fclose(f);
        rc = lt_gguf_load(tpath, &m, NULL, &err);
        assert_int_equal(rc, -1);
        assert_non_null(strstr(err.msg, tpath));
        rc = lt_weights_load(tpath, &m, NULL, &err);
        assert_int_equal(rc, -1);
    }
    unlink(tpath);
    /* random corruption: no crash (ASan / UBSan watch), result freed */
    for (int it = 0; it < 3000; it++) {
        char *c = malloc(len);
        memcpy(c, buf, len);
        int flips = 1 + (int)(rnd() % 4);
        size_t region = it % 2 ? len : need < 1200 ? need : 1200;
        for (int k = 0; k < flips; k++) c[rnd() % region] ^= (char)(1u << (rnd() % 8));
        rc = lt_gguf_load_mem(c, len, "corrupt", &m, &cfg, &err);
        if (rc == 0) {
            free(cfg);
            lt_tensor_set_free(&m);
        }
        free(c);
    }
    free(buf);
    lt_tensor_set_free(&l);
    unlink(path);

    /* progress callback and every weight type */
    const char *types[] = {"f32", "f16", "bf16", "q8_0"};
    for (int k = 0; k < 4; k++) {
        assert_int_equal(lt_gguf_write(path, &s, CONFIG, types[k], NULL, NULL, &err), 0);
        assert_int_equal(lt_gguf_load(path, &l, NULL, &err), 0);
        lt_tensor_set_free(&l);
    }
    unlink(path);
    lt_tensor_set_free(&s);
}

static size_t g_progress_last, g_progress_total, g_progress_calls;
static void progress_cb(void *ud, size_t done, size_t total) {
    (void)ud;
    assert_true(done >= g_progress_last);
    g_progress_last = done;
    g_progress_total = total;
    g_progress_calls++;
}

static void test_gguf_write_errors(void **state) {
    (void)state;
    lt_err err = {{0}};
    char path[512];
    tmp_path(path, sizeof path, "werr");
    lt_tensor_set s;
    build_small_set(&s);
    g_progress_last = g_progress_calls = 0;
    assert_int_equal(lt_gguf_write(path, &s, CONFIG, "f32", progress_cb, NULL, &err), 0);
    assert_int_equal(g_progress_last, s.count);
    assert_int_equal(g_progress_total, s.count);
    assert_int_equal(g_progress_calls, s.count + 1);
    unlink(path);
    assert_int_equal(lt_gguf_write(path, &s, CONFIG, "q4", NULL, NULL, &err), -1);
    assert_non_null(strstr(err.msg, "q4"));
    assert_int_equal(lt_gguf_write(path, &s, NULL, "f32", NULL, NULL, &err), -1);
    lt_tensor_set_free(&s);

    float z[4] = {0};
    int64_t sh[1] = {4}, sh0[2] = {2, 0};
    const char *bad_names[] = {
        "bert.layer.0.0.x", /* reserved abbreviation space */
        "decoder.a_name_that_is_definitely_longer_than_sixty_four_bytes.weight",
    };
    for (int k = 0; k < 2; k++) {
        lt_tensor_set_init(&s);
        add_f32(&s, bad_names[k], 1, sh, z);
        assert_int_equal(lt_gguf_write(path, &s, CONFIG, "f32", NULL, NULL, &err), -1);
        assert_non_null(strstr(err.msg, bad_names[k]));
        lt_tensor_set_free(&s);
    }
    lt_tensor_set_init(&s);
    int64_t *d = malloc(32);
    lt_tensor_set_add(&s, "ints", LT_I64, 1, sh, d, 32, d);
    assert_int_equal(lt_gguf_write(path, &s, CONFIG, "f32", NULL, NULL, &err), -1);
    assert_non_null(strstr(err.msg, "i64"));
    lt_tensor_set_free(&s);
    lt_tensor_set_init(&s);
    lt_tensor_set_add(&s, "empty", LT_F32, 2, sh0, z, 0, NULL);
    assert_int_equal(lt_gguf_write(path, &s, CONFIG, "f32", NULL, NULL, &err), -1);
    assert_non_null(strstr(err.msg, "[2, 0]"));
    lt_tensor_set_free(&s);
    lt_tensor_set_init(&s);
    add_f32(&s, "dup", 1, sh, z);
    add_f32(&s, "dup", 1, sh, z);
    assert_int_equal(lt_gguf_write(path, &s, CONFIG, "f32", NULL, NULL, &err), -1);
    assert_non_null(strstr(err.msg, "twice"));
    lt_tensor_set_free(&s);
    /* an unwritable path */
    lt_tensor_set_init(&s);
    add_f32(&s, "ok", 1, sh, z);
    assert_int_equal(lt_gguf_write("/nonexistent-dir/x.gguf", &s, CONFIG, "f32", NULL, NULL, &err), -1);
    assert_non_null(strstr(err.msg, "/nonexistent-dir/x.gguf"));
    lt_tensor_set_free(&s);
    assert_int_equal(access(path, F_OK), -1);
}

/* A hand-built GGUF for hostile-input tests. */
typedef struct hb {
    uint8_t b[4096];
    size_t n;
} hb;
static void hb_put(hb *h, const void *p, size_t n) {
    memcpy(h->b + h->n, p, n);
    h->n += n;
}
static void hb_u32(hb *h, uint32_t v) { hb_put(h, &v, 4); }
static void hb_u64(hb *h, uint64_t v) { hb_put(h, &v, 8); }
static void hb_str(hb *h, const char *s) {
    hb_u64(h, strlen(s));
    hb_put(h, s, strlen(s));
}
static void hb_kv_str(hb *h, const char *k, const char *v) {
    hb_str(h, k);
    hb_u32(h, 8);
    hb_str(h, v);
}
static void hb_kv_u32(hb *h, const char *k, uint32_t v) {
    hb_str(h, k);
    hb_u32(h, 4);
    hb_u32(h, v);
}

/* header with n tensors and the standard KVs (+ extra KVs written by the caller) */
static void hb_start(hb *h, uint64_t tensors, int extra_kvs, const char *arch, int with_config) {
    h->n = 0;
    hb_put(h, "GGUF", 4);
    hb_u32(h, 3);
    hb_u64(h, tensors);
    hb_u64(h, (uint64_t)(3 + with_config + extra_kvs));
    hb_kv_str(h, "general.architecture", arch);
    hb_kv_u32(h, "general.alignment", 64);
    hb_kv_u32(h, "litetts.format_version", 1);
    if (with_config) hb_kv_str(h, "litetts.config_json", "{}");
}
static void hb_tensor(hb *h, const char *name, uint32_t nd, const uint64_t *dims, uint32_t type,
                      uint64_t off) {
    hb_str(h, name);
    hb_u32(h, nd);
    for (uint32_t i = 0; i < nd; i++) hb_u64(h, dims[i]);
    hb_u32(h, type);
    hb_u64(h, off);
}
static void hb_data(hb *h, size_t bytes) {
    size_t pad = (64 - h->n % 64) % 64;
    memset(h->b + h->n, 0, pad + bytes);
    h->n += pad + bytes;
}

static void expect_error(const hb *h, const char *needle) {
    lt_tensor_set s;
    lt_err err = {{0}};
    char *cfg = NULL;
    int rc = lt_gguf_load_mem(h->b, h->n, "hostile.gguf", &s, &cfg, &err);
    if (rc == 0 || !strstr(err.msg, needle))
        fprintf(stderr, "expected an error with '%s', got rc %d: %s\n", needle, rc, err.msg);
    assert_int_equal(rc, -1);
    assert_non_null(strstr(err.msg, needle));
    assert_non_null(strstr(err.msg, "hostile.gguf"));
    assert_null(cfg);
    assert_int_equal(s.count, 0);
}

static void test_gguf_hostile(void **state) {
    (void)state;
    hb h;
    uint64_t d1[1] = {4}, d2[2] = {1ull << 32, 1ull << 32}, d0[2] = {4, 0}, dq[2] = {3, 32};
    uint64_t d5[5] = {1, 1, 1, 1, 4};

    hb_start(&h, 1, 0, "kokoro", 1); /* valid baseline */
    hb_tensor(&h, "a", 1, d1, 0, 0);
    hb_data(&h, 16);
    lt_tensor_set s;
    lt_err err = {{0}};
    char *cfg;
    assert_int_equal(lt_gguf_load_mem(h.b, h.n, "ok", &s, &cfg, &err), 0);
    assert_string_equal(cfg, "{}");
    free(cfg);
    lt_tensor_set_free(&s);

    hb_start(&h, 1ull << 40, 0, "kokoro", 1);
    expect_error(&h, "tensors cannot fit");

    h.n = 0;
    hb_put(&h, "GGUF", 4);
    hb_u32(&h, 3);
    hb_u64(&h, 0);
    hb_u64(&h, 1);
    hb_u64(&h, 1ull << 62); /* key length */
    hb_put(&h, "xxxxxxxxxxxx", 12);
    expect_error(&h, "claims");

    h.n = 0;
    hb_put(&h, "GGUF", 4);
    hb_u32(&h, 2);
    hb_u64(&h, 0);
    hb_u64(&h, 0);
    expect_error(&h, "version 2");

    hb_start(&h, 1, 0, "llama", 1);
    hb_tensor(&h, "a", 1, d1, 0, 0);
    hb_data(&h, 16);
    expect_error(&h, "\"llama\"");

    hb_start(&h, 1, 0, "kokoro", 0);
    hb_tensor(&h, "a", 1, d1, 0, 0);
    hb_data(&h, 16);
    expect_error(&h, "config_json");

    hb_start(&h, 1, 0, "kokoro", 1);
    hb_tensor(&h, "a", 2, d0, 0, 0);
    hb_data(&h, 16);
    expect_error(&h, "dim 1 is 0");

    hb_start(&h, 1, 0, "kokoro", 1);
    hb_tensor(&h, "a", 2, d2, 0, 0);
    hb_data(&h, 16);
    expect_error(&h, "overflow");

    hb_start(&h, 1, 0, "kokoro", 1);
    hb_tensor(&h, "a", 1, d1, 2, 0);
    hb_data(&h, 16);
    expect_error(&h, "GGML type 2");

    hb_start(&h, 1, 0, "kokoro", 1);
    hb_tensor(&h, "a", 1, d1, 0, 4);
    hb_data(&h, 32);
    expect_error(&h, "alignment");

    hb_start(&h, 1, 0, "kokoro", 1);
    hb_tensor(&h, "a", 1, d1, 0, 64);
    hb_data(&h, 16);
    expect_error(&h, "data section");

    hb_start(&h, 1, 0, "kokoro", 1);
    hb_tensor(&h, "a", 5, d5, 0, 0);
    expect_error(&h, "5 dims");

    hb_start(&h, 1, 0, "kokoro", 1);
    hb_tensor(&h, "q", 2, dq, 8, 0); /* rows of 3 values: not whole q8_0 blocks */
    hb_data(&h, 34 * 3);
    expect_error(&h, "whole blocks");

    hb_start(&h, 2, 0, "kokoro", 1);
    hb_tensor(&h, "a", 1, d1, 0, 0);
    hb_tensor(&h, "a", 1, d1, 0, 64);
    hb_data(&h, 128);
    expect_error(&h, "twice");

    hb_start(&h, 2, 0, "kokoro", 1); /* abbreviated + long form of the same name */
    hb_tensor(&h, "bert.layer.0.0.ffn.bias", 1, d1, 0, 0);
    hb_tensor(&h, "bert.encoder.albert_layer_groups.0.albert_layers.0.ffn.bias", 1, d1, 0, 64);
    hb_data(&h, 128);
    expect_error(&h, "twice");

    hb_start(&h, 1, 0, "kokoro", 1);
    hb_tensor(&h, "bert.layer.zz.ffn.bias", 1, d1, 0, 0);
    hb_data(&h, 16);
    expect_error(&h, "malformed abbreviation");

    hb_start(&h, 1, 0, "kokoro", 1);
    hb_tensor(&h, "", 1, d1, 0, 0);
    hb_data(&h, 16);
    expect_error(&h, "name");

    hb_start(&h, 0, 1, "kokoro", 1); /* deeply nested arrays */
    hb_str(&h, "x.nested");
    hb_u32(&h, 9); /* value type: array */
    for (int i = 0; i < 6; i++) { /* of arrays of arrays ... */
        hb_u32(&h, 9);
        hb_u64(&h, 1);
    }
    hb_u32(&h, 4);
    expect_error(&h, "nests arrays");

    hb_start(&h, 0, 1, "kokoro", 1); /* an array claiming 2^60 u32 */
    hb_str(&h, "x.big");
    hb_u32(&h, 9);
    hb_u32(&h, 4);
    hb_u64(&h, 1ull << 60);
    expect_error(&h, "array elements");

    hb_start(&h, 0, 1, "kokoro", 1); /* unknown value type */
    hb_str(&h, "x.weird");
    hb_u32(&h, 77);
    expect_error(&h, "unknown value type");

    hb_start(&h, 0, 1, "kokoro", 1); /* alignment that is not a power of two */
    hb_kv_u32(&h, "general.alignment", 48);
    expect_error(&h, "power of two");

    h.n = 0; /* format version from the future */
    hb_put(&h, "GGUF", 4);
    hb_u32(&h, 3);
    hb_u64(&h, 0);
    hb_u64(&h, 3);
    hb_kv_str(&h, "general.architecture", "kokoro");
    hb_kv_u32(&h, "litetts.format_version", 2);
    hb_kv_str(&h, "litetts.config_json", "{}");
    expect_error(&h, "format_version is 2");

    /* skipped metadata of every type is fine */
    hb_start(&h, 0, 3, "kokoro", 1);
    hb_str(&h, "x.f64");
    hb_u32(&h, 12);
    hb_u64(&h, 0);
    hb_str(&h, "x.strs");
    hb_u32(&h, 9);
    hb_u32(&h, 8);
    hb_u64(&h, 2);
    hb_str(&h, "one");
    hb_str(&h, "two");
    hb_str(&h, "x.bool");
    hb_u32(&h, 7);
    hb_put(&h, "\1", 1);
    int rc = lt_gguf_load_mem(h.b, h.n, "ok", &s, NULL, &err);
    if (rc) fprintf(stderr, "%s\n", err.msg);
    assert_int_equal(rc, 0);
    lt_tensor_set_free(&s);

    /* files that are not models at all */
    char path[512];
    tmp_path(path, sizeof path, "magic");
    FILE *f = fopen(path, "wb");
    fputs("RIFF....WAVE", f);
    fclose(f);
    assert_int_equal(lt_weights_load(path, &s, &cfg, &err), -1);
    assert_non_null(strstr(err.msg, "52 49 46 46"));
    assert_non_null(strstr(err.msg, path));
    f = fopen(path, "wb");
    fclose(f);
    assert_int_equal(lt_weights_load(path, &s, &cfg, &err), -1);
    assert_non_null(strstr(err.msg, "empty"));
    assert_int_equal(lt_gguf_load(path, &s, &cfg, &err), -1);
    assert_non_null(strstr(err.msg, "too short"));
    unlink(path);
    assert_int_equal(lt_weights_load("/nonexistent/model.pth", &s, &cfg, &err), -1);
    assert_non_null(strstr(err.msg, "/nonexistent/model.pth"));
}

/* ---- .pth -> GGUF ----------------------------------------------------- */

static void compare_converted(const lt_tensor_set *ref, const lt_tensor_set *got, lt_dtype type) {
    assert_int_equal(ref->count, got->count);
    for (size_t i = 0; i < ref->count; i++) {
        const lt_tensor *a = &ref->items[i], *b = &got->items[i];
        assert_string_equal(a->name, b->name);
        assert_int_equal(a->ndim, b->ndim);
        for (int d = 0; d < a->ndim; d++) assert_int_equal(a->shape[d], b->shape[d]);
        assert_int_equal(a->dtype, LT_F32);
        lt_dtype want = lt_quantize_choice(a, type);
        if (b->dtype != want) fprintf(stderr, "%s: dtype %s, want %s\n", a->name, lt_dtype_name(b->dtype), lt_dtype_name(want));
        assert_int_equal(b->dtype, want);
        int64_t n = lt_shape_numel(a->ndim, a->shape);
        if (want == LT_F32) {
            assert_int_equal(a->nbytes, b->nbytes);
            assert_memory_equal(a->data, b->data, a->nbytes);
            continue;
        }
        float *x = malloc((size_t)n * 4);
        if (want == LT_F16) lt_f16_to_f32_row(b->data, x, (size_t)n);
        else if (want == LT_BF16) lt_bf16_to_f32_row(b->data, x, (size_t)n);
        else lt_q8_0_dequantize_row(b->data, x, (size_t)n);
        const float *r = a->data;
        double se = 0, sr = 0;
        for (int64_t k = 0; k < n; k++) {
            se += ((double)x[k] - r[k]) * ((double)x[k] - r[k]);
            sr += (double)r[k] * r[k];
        }
        double snr = 10 * log10(sr / (se > 0 ? se : 1e-300));
        double min_snr = want == LT_F16 ? 60 : want == LT_BF16 ? 45 : 35;
        if (snr < min_snr) fprintf(stderr, "%s (%s): SNR %.1f dB\n", a->name, lt_dtype_name(want), snr);
        assert_true(snr >= min_snr);
        free(x);
    }
}

static void test_convert_tiny_pth(void **state) {
    (void)state;
    lt_err err = {{0}};
    lt_tensor_set pth, raw, g;
    char *cfg = (char *)1;
    const char *pth_path = shared("kokoro-golden/tiny/kokoro-tiny.pth");
    char pth_copy[4096];
    snprintf(pth_copy, sizeof pth_copy, "%s", pth_path);
    int rc = lt_weights_load(pth_copy, &pth, &cfg, &err);
    if (rc) fprintf(stderr, "%s\n", err.msg);
    assert_int_equal(rc, 0);
    assert_null(cfg);
    assert_int_equal(pth.count, 548 - 89);
    for (size_t i = 0; i < pth.count; i++) {
        assert_null(strstr(pth.items[i].name, "weight_g"));
        assert_null(strstr(pth.items[i].name, "weight_v"));
    }
    /* the folded load equals lt_pth_load + lt_fold_weight_norm */
    lt_tensor_set_init(&raw);
    assert_int_equal(lt_pth_load(pth_copy, &raw, &err), 0);
    assert_int_equal(lt_fold_weight_norm(&raw, &err), 0);
    check_same_set(&raw, &pth);
    lt_tensor_set_free(&raw);

    char *config = read_file(shared("kokoro-golden/tiny/config.json"), NULL);
    assert_non_null(config);
    char path[512];
    tmp_path(path, sizeof path, "tiny");
    const char *types[] = {"f32", "f16", "bf16", "q8_0"};
    for (int k = 0; k < 4; k++) {
        lt_dtype t;
        assert_int_equal(lt_weight_type_parse(types[k], &t), 0);
        lt_tensor_set q;
        lt_tensor_set_init(&q);
        for (size_t i = 0; i < pth.count; i++)
            add_f32(&q, pth.items[i].name, pth.items[i].ndim, pth.items[i].shape, pth.items[i].data);
        assert_int_equal(lt_quantize_set(&q, t, &err), 0);
        assert_int_equal(lt_gguf_write(path, &q, config, types[k], NULL, NULL, &err), 0);
        lt_tensor_set_free(&q);
        rc = lt_weights_load(path, &g, &cfg, &err);
        if (rc) fprintf(stderr, "%s\n", err.msg);
        assert_int_equal(rc, 0);
        assert_string_equal(cfg, config);
        compare_converted(&pth, &g, t);
        free(cfg);
        lt_tensor_set_free(&g);
    }
    unlink(path);
    free(config);
    lt_tensor_set_free(&pth);
}

/* ---- ctest modes ------------------------------------------------------ */

static int report(const char *fmt, const char *a, const char *b) {
    fprintf(stderr, fmt, a, b);
    fputc('\n', stderr);
    return 1;
}

/* kokoro-recipe's output: 459 folded tensors, the README's check values, the
 * folded weights equal folding freshly generated g / v, config embedded. */
static int check_recipe_gguf(const char *path) {
    lt_err err = {{0}};
    lt_tensor_set s;
    char *cfg = NULL;
    if (lt_weights_load(path, &s, &cfg, &err)) return report("%s%s", err.msg, "");
    int64_t r, c;
    float *want = read_npy_f32(shared("kokoro-golden/recipe-check.npy"), &r, &c);
    char *official = read_file(shared("kokoro-golden/config-official.json"), NULL);
    lt_recipe_row *rows;
    size_t n;
    if (!want || !official ||
        lt_recipe_tsv_read(shared("kokoro-golden/state-dict-official.tsv"), &rows, &n, &err))
        return report("cannot read the golden data: %s%s", err.msg, "");
    int bad = 0;
    if (s.count != 548 - 89) {
        fprintf(stderr, "%s: %zu tensors, expected 459\n", path, s.count);
        bad = 1;
    }
    if (!cfg || strcmp(cfg, official)) bad |= report("%s: embedded config differs from %s", path, "config-official.json");
    /* folding removes the g parameters from the TSV's 81,763,410 */
    int64_t params = 0, gsum = 0;
    for (size_t i = 0; i < s.count; i++) {
        if (s.items[i].dtype != LT_F32) bad |= report("%s: %s is not f32", path, s.items[i].name);
        params += lt_shape_numel(s.items[i].ndim, s.items[i].shape);
    }
    for (size_t i = 0; i < n; i++)
        if (!strcmp(rows[i].cls, "g")) gsum += lt_shape_numel(rows[i].ndim, rows[i].shape);
    if (params != 81763410 - gsum) {
        fprintf(stderr, "%s: %lld parameters, expected %lld\n", path, (long long)params,
                (long long)(81763410 - gsum));
        bad = 1;
    }
    const char *direct[2] = {"bert.embeddings.word_embeddings.weight", "predictor.F0_proj.weight"};
    for (int k = 0; k < 2; k++) {
        lt_tensor *t = lt_tensor_set_find(&s, direct[k]);
        if (!t || memcmp(t->data, want + (k + 1) * 8, 32)) bad |= report("%s: %s differs from recipe-check.npy", path, direct[k]);
    }
    /* each folded tensor equals the fold of its generated pair */
    for (size_t i = 0; i < n; i++) {
        if (strcmp(rows[i].cls, "g")) continue;
        char base[LT_MAX_NAME];
        snprintf(base, sizeof base, "%.*s", (int)(strlen(rows[i].name) - 2), rows[i].name);
        char vname[LT_MAX_NAME + 2];
        snprintf(vname, sizeof vname, "%s_v", base);
        const lt_recipe_row *vr = find_row(rows, n, vname);
        lt_tensor_set p;
        lt_tensor_set_init(&p);
        const lt_recipe_row *pr[2] = {&rows[i], vr};
        for (int k = 0; k < 2; k++) {
            float a, b;
            lt_recipe_class_ab(pr[k]->cls, pr[k]->ndim, pr[k]->shape, &a, &b);
            size_t m = (size_t)lt_shape_numel(pr[k]->ndim, pr[k]->shape);
            float *v = malloc(m * 4);
            lt_recipe_fill(pr[k]->name, a, b, v, m);
            lt_tensor_set_add(&p, pr[k]->name, LT_F32, pr[k]->ndim, pr[k]->shape, v, m * 4, v);
        }
        if (!strcmp(vname, "decoder.generator.conv_post.weight_v") && memcmp(p.items[1].data, want, 32))
            bad |= report("%s%s: conv_post.weight_v differs from recipe-check.npy", path, "");
        lt_tensor *t = lt_tensor_set_find(&s, base);
        if (lt_fold_weight_norm(&p, &err) || !t || t->nbytes != p.items[0].nbytes ||
            memcmp(t->data, p.items[0].data, t->nbytes))
            bad |= report("%s: folded %s differs", path, base);
        lt_tensor_set_free(&p);
    }
    free(rows);
    free(want);
    free(official);
    free(cfg);
    lt_tensor_set_free(&s);
    if (!bad) printf("%s: 459 tensors, recipe values and folding verified\n", path);
    return bad;
}

/* `litetts convert` output against the folded .pth load. */
static int check_converted(const char *pth, const char *gguf, const char *type) {
    lt_err err = {{0}};
    lt_dtype t;
    if (lt_weight_type_parse(type, &t)) return report("bad type %s%s", type, "");
    lt_tensor_set a, b;
    char *cfg = NULL;
    if (lt_weights_load(pth, &a, NULL, &err)) return report("%s%s", err.msg, "");
    if (lt_weights_load(gguf, &b, &cfg, &err)) return report("%s%s", err.msg, "");
    /* config: config.json beside the .pth */
    char beside[4096];
    const char *slash = strrchr(pth, '/');
    snprintf(beside, sizeof beside, "%.*sconfig.json", slash ? (int)(slash - pth) + 1 : 0, pth);
    char *want_cfg = read_file(beside, NULL);
    if (!want_cfg || !cfg || strcmp(want_cfg, cfg)) return report("%s: embedded config differs from %s", gguf, beside);
    compare_converted(&a, &b, t); /* a failed assertion outside a cmocka run exits non-zero */
    printf("%s: %zu tensors match %s (%s)\n", gguf, b.count, pth, type);
    free(want_cfg);
    free(cfg);
    lt_tensor_set_free(&a);
    lt_tensor_set_free(&b);
    return 0;
}

/* The tiny model's tensor list in the official TSV's format (names and
 * shapes from kokoro-tiny.pth, classes from the official TSV), so that
 * kokoro-recipe can regenerate the tiny model and its output can be compared
 * byte for byte with `litetts convert kokoro-tiny.pth`. */
static int write_tiny_tsv(const char *out) {
    lt_err err = {{0}};
    lt_recipe_row *rows;
    size_t n;
    if (lt_recipe_tsv_read(shared("kokoro-golden/state-dict-official.tsv"), &rows, &n, &err))
        return report("%s%s", err.msg, "");
    lt_tensor_set s;
    lt_tensor_set_init(&s);
    if (lt_pth_load(shared("kokoro-golden/tiny/kokoro-tiny.pth"), &s, &err)) return report("%s%s", err.msg, "");
    FILE *f = fopen(out, "w");
    if (!f) return report("cannot write %s%s", out, "");
    fprintf(f, "# top-level key\tkey\tshape\tdtype\trecipe class (tiny model)\n");
    for (size_t i = 0; i < s.count; i++) {
        const lt_tensor *t = &s.items[i];
        const lt_recipe_row *row = find_row(rows, n, t->name);
        const char *dot = strchr(t->name, '.');
        if (!row || !dot) return report("%s: not in the official TSV%s", t->name, "");
        char sh[128];
        fprintf(f, "%.*s\tmodule.%s\t%s\tfloat32\t%s\n", (int)(dot - t->name), t->name, dot + 1,
                lt_shape_str(t->ndim, t->shape, sh, sizeof sh), row->cls);
    }
    fclose(f);
    lt_tensor_set_free(&s);
    free(rows);
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 3 && !strcmp(argv[1], "--recipe-gguf")) return check_recipe_gguf(argv[2]);
    if (argc == 3 && !strcmp(argv[1], "--write-tiny-tsv")) return write_tiny_tsv(argv[2]);
    if (argc == 5 && !strcmp(argv[1], "--compare-pth")) return check_converted(argv[2], argv[3], argv[4]);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_recipe_check_npy),
        cmocka_unit_test(test_recipe_matches_tiny_pth),
        cmocka_unit_test(test_weight_norm_hand),
        cmocka_unit_test(test_weight_norm_order_of_ops),
        cmocka_unit_test(test_weight_norm_errors),
        cmocka_unit_test(test_f16_known),
        cmocka_unit_test(test_bf16_known),
        cmocka_unit_test(test_q8_0_round_trip),
        cmocka_unit_test(test_quantize_policy),
        cmocka_unit_test(test_quantize_set_and_back),
        cmocka_unit_test(test_gguf_names),
        cmocka_unit_test(test_gguf_round_trip),
        cmocka_unit_test(test_gguf_write_errors),
        cmocka_unit_test(test_gguf_hostile),
        cmocka_unit_test(test_convert_tiny_pth),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
