/* test_generator_lowmem.c — the low-memory generator (engine/generator_lowmem.c)
 * against the whole-tensor one (generator.c):
 *   - lt_istft_range over any split of the samples equals lt_istft bit for bit;
 *   - on the tiny model with f32 weights, LITETTS_GENERATOR=tiled gives the
 *     audio of LITETTS_GENERATOR=whole to within the f16 storage of its
 *     activations (SNR ≥ 40 dB), same length, with tiles small enough (64 and
 *     100 columns) that every pass crosses many tile edges, and with the
 *     default tiles;
 *   - the path is chosen by the weights' type unless overridden. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/generator_lowmem.h"
#include "engine/kokoro.h"
#include "engine/kokoro_internal.h"

static char g_path[4096];

static const char *shared(const char *rel) {
    const char *s = getenv("LT_SHARED");
    snprintf(g_path, sizeof g_path, "%s/%s", s && *s ? s : "../shared", rel);
    return g_path;
}

static void test_istft_range_exact(void **state) {
    (void)state;
    enum { NFFT = 20, HOP = 5, NB = NFFT / 2 + 1, FRAMES = 97 };
    static float mag[NB * FRAMES], ph[NB * FRAMES], sub_m[NB * FRAMES], sub_p[NB * FRAMES];
    uint32_t r = 12345;
    for (int i = 0; i < NB * FRAMES; i++) {
        r = r * 1664525u + 1013904223u;
        mag[i] = (float)(r >> 8) / 16777216.0f * 3.0f;
        r = r * 1664525u + 1013904223u;
        ph[i] = (float)(r >> 8) / 16777216.0f * 6.2831853f - 3.1415926f;
    }
    int64_t L = (int64_t)HOP * (FRAMES - 1);
    float *whole = malloc(sizeof(float) * (size_t)L), *part = malloc(sizeof(float) * (size_t)L);
    assert_non_null(whole);
    assert_non_null(part);
    assert_int_equal(lt_istft(mag, ph, FRAMES, NFFT, HOP, whole), 0);
    const int steps[] = {1, 7, 64, 100, 480};
    for (size_t si = 0; si < sizeof steps / sizeof *steps; si++) {
        memset(part, 0xff, sizeof(float) * (size_t)L);
        for (int64_t s0 = 0; s0 < L; s0 += steps[si]) {
            int64_t s1 = s0 + steps[si] < L ? s0 + steps[si] : L, lo = s0 + NFFT / 2 - NFFT + 1;
            int fa = lo <= 0 ? 0 : (int)((lo + HOP - 1) / HOP), fb = (int)((s1 - 1 + NFFT / 2) / HOP) + 1;
            if (fb > FRAMES) fb = FRAMES;
            for (int k = 0; k < NB; k++)
                for (int f = fa; f < fb; f++) {
                    sub_m[k * (fb - fa) + (f - fa)] = mag[k * FRAMES + f];
                    sub_p[k * (fb - fa) + (f - fa)] = ph[k * FRAMES + f];
                }
            assert_int_equal(lt_istft_range(sub_m, sub_p, fb - fa, fa, fb, NFFT, HOP, s0, s1, part + s0), 0);
        }
        assert_memory_equal(whole, part, sizeof(float) * (size_t)L);
    }
    free(whole);
    free(part);
}

static float *synth(lt_kokoro *m, const char *mode, const char *tile, int64_t *n) {
    setenv("LITETTS_GENERATOR", mode, 1);
    if (tile) setenv("LITETTS_GENERATOR_TILE", tile, 1);
    else unsetenv("LITETTS_GENERATOR_TILE");
    int S = m->cfg.style_dim;
    float *style = malloc(sizeof(float) * 2 * (size_t)S);
    assert_non_null(style);
    for (int i = 0; i < 2 * S; i++) style[i] = 0.3f * sinf(0.7f * (float)i + 0.2f);
    lt_synth_hooks h = {0};
    h.seed = 7;
    lt_synth_result res;
    lt_err err;
    if (lt_kokoro_synthesize(m, "hˈɛloʊ wˈɜːld, ðɪs ɪz ɐ tˈɛst ʌv ðə tˈIld ʤˈɛnəɹˌAtəɹ.", style, 1.0f, &h, &res, &err))
        fail_msg("%s", err.msg);
    free(style);
    *n = res.n_samples;
    float *a = res.audio;
    res.audio = NULL;
    lt_synth_result_free(&res);
    return a;
}

static double snr_db(const float *ref, const float *x, int64_t n) {
    double s = 0, e = 0;
    for (int64_t i = 0; i < n; i++) {
        s += (double)ref[i] * ref[i];
        e += ((double)ref[i] - x[i]) * ((double)ref[i] - x[i]);
    }
    return e > 0 ? 10.0 * log10(s / e) : 999.0;
}

static void no_dump(void *ud, const char *name, lt_dtype dtype, int ndim, const int64_t *shape, const void *data) {
    (void)ud, (void)name, (void)dtype, (void)ndim, (void)shape, (void)data;
}

static void test_tiny_tiled_matches_whole(void **state) {
    (void)state;
    lt_kokoro *m = NULL;
    lt_err err;
    if (lt_kokoro_open(shared("kokoro-golden/tiny/kokoro-tiny.pth"), NULL, &m, &err)) fail_msg("%s", err.msg);
    /* f32 weights take the whole path unless told otherwise; a dump hook always does */
    unsetenv("LITETTS_GENERATOR");
    assert_false(lt_generator_lowmem_wanted(m, NULL));
    setenv("LITETTS_GENERATOR", "tiled", 1);
    assert_true(lt_generator_lowmem_wanted(m, NULL));
    lt_synth_hooks dumping = {0};
    dumping.dump = no_dump;
    assert_false(lt_generator_lowmem_wanted(m, &dumping));

    int64_t nw = 0;
    float *whole = synth(m, "whole", NULL, &nw);
    assert_true(nw > 20000);
    const char *tiles[] = {"64", "100", NULL};
    for (int i = 0; i < 3; i++) {
        int64_t nt = 0;
        float *tiled = synth(m, "tiled", tiles[i], &nt);
        assert_int_equal(nt, nw);
        double snr = snr_db(whole, tiled, nw);
        printf("tile %s: SNR %.1f dB against the whole-tensor generator\n", tiles[i] ? tiles[i] : "default", snr);
        assert_true(snr >= 40.0);
        free(tiled);
    }
    free(whole);
    unsetenv("LITETTS_GENERATOR");
    unsetenv("LITETTS_GENERATOR_TILE");
    lt_kokoro_free(m);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_istft_range_exact),
        cmocka_unit_test(test_tiny_tiled_matches_whole),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
