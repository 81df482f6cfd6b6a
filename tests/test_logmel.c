/* test_logmel.c — the log-mel spectrogram and distance (audio/logmel.h) on
 * known signals: identical signals are at distance 0, a sine's energy lands
 * in the band centred on its frequency, scaling adds ln(scale), the FFT path
 * equals the direct DFT of the README's definition, and short or empty
 * signals are handled. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "audio/logmel.h"

#define SR 24000

static float *sine(int64_t n, double hz, double amp) {
    float *x = malloc(sizeof(float) * (size_t)n);
    assert_non_null(x);
    for (int64_t i = 0; i < n; i++) x[i] = (float)(amp * sin(2 * M_PI * hz * (double)i / SR));
    return x;
}

/* A deterministic noisy test signal: two tones, a chirp and LCG noise. */
static float *mixture(int64_t n) {
    float *x = malloc(sizeof(float) * (size_t)n);
    assert_non_null(x);
    uint32_t s = 12345;
    for (int64_t i = 0; i < n; i++) {
        s = s * 1664525u + 1013904223u;
        double t = (double)i / SR, noise = ((double)(s >> 8) / 16777216.0 - 0.5) * 0.05;
        x[i] = (float)(0.4 * sin(2 * M_PI * 220 * t) + 0.2 * sin(2 * M_PI * 3100 * t) +
                       0.1 * sin(2 * M_PI * (500 + 4000 * t) * t) + noise);
    }
    return x;
}

/* The README's definition computed the slow way (direct DFT), as the parity
 * checker did before audio/logmel.c existed. */
static float *reference_log_mel(const float *x, int64_t L, int64_t *frames_out) {
    const int N = 1024, hop = 256, nb = N / 2 + 1, M = 80;
    int64_t frames = 1 + L / hop;
    double *cs = malloc(sizeof(double) * N * 2), *win = malloc(sizeof(double) * N);
    double *fb = calloc((size_t)M * nb, sizeof(double));
    float *out = malloc(sizeof(float) * (size_t)(frames * M));
    double *fr = malloc(sizeof(double) * N), *mag = malloc(sizeof(double) * nb);
    for (int n = 0; n < N; n++) {
        cs[2 * n] = cos(2 * M_PI * n / N);
        cs[2 * n + 1] = sin(2 * M_PI * n / N);
        win[n] = 0.5 - 0.5 * cos(2 * M_PI * n / N);
    }
    double pts[82];
    double mmax = 2595.0 * log10(1.0 + 12000.0 / 700.0);
    for (int i = 0; i < 82; i++) pts[i] = 700.0 * (pow(10.0, (mmax * i / 81.0) / 2595.0) - 1.0);
    for (int i = 0; i < M; i++)
        for (int k = 0; k < nb; k++) {
            double f = k * 24000.0 / N, w = 0;
            if (f >= pts[i] && f <= pts[i + 1]) w = (f - pts[i]) / (pts[i + 1] - pts[i]);
            else if (f > pts[i + 1] && f <= pts[i + 2]) w = (pts[i + 2] - f) / (pts[i + 2] - pts[i + 1]);
            fb[i * nb + k] = w;
        }
    for (int64_t t = 0; t < frames; t++) {
        for (int n = 0; n < N; n++) {
            int64_t i = t * hop + n - N / 2;
            if (i < 0) i = -i;
            if (i >= L) i = 2 * (L - 1) - i;
            if (i < 0) i = 0;
            fr[n] = x[i] * win[n];
        }
        for (int k = 0; k < nb; k++) {
            double re = 0, im = 0;
            for (int n = 0; n < N; n++) {
                int idx = (int)(((int64_t)k * n) % N);
                re += fr[n] * cs[2 * idx];
                im -= fr[n] * cs[2 * idx + 1];
            }
            mag[k] = sqrt(re * re + im * im);
        }
        for (int i = 0; i < M; i++) {
            double s = 0;
            for (int k = 0; k < nb; k++) s += fb[i * nb + k] * mag[k];
            out[t * M + i] = (float)log(s > 1e-5 ? s : 1e-5);
        }
    }
    free(cs); free(win); free(fb); free(fr); free(mag);
    *frames_out = frames;
    return out;
}

static void test_frames(void **state) {
    (void)state;
    assert_int_equal(lt_logmel_frames(0), 1);
    assert_int_equal(lt_logmel_frames(255), 1);
    assert_int_equal(lt_logmel_frames(256), 2);
    assert_int_equal(lt_logmel_frames(57000), 1 + 57000 / 256);
}

static void test_identical_is_zero(void **state) {
    (void)state;
    int64_t n = 24000;
    float *a = mixture(n), *b = mixture(n);
    double mean = -1, p99 = -1;
    assert_int_equal(lt_logmel_distance(a, n, b, n, &mean, &p99), 0);
    assert_true(mean == 0.0);
    assert_true(p99 == 0.0);
    /* silence against silence: both at the floor */
    float *z = calloc(4096, sizeof(float));
    assert_int_equal(lt_logmel_distance(z, 4096, z, 4096, &mean, &p99), 0);
    assert_true(mean == 0.0 && p99 == 0.0);
    free(a); free(b); free(z);
}

static void test_silence_is_floor(void **state) {
    (void)state;
    float *z = calloc(2048, sizeof(float));
    int64_t fr;
    float *m = lt_logmel_alloc(z, 2048, &fr);
    assert_non_null(m);
    assert_int_equal(fr, 9);
    for (int64_t i = 0; i < fr * LT_LOGMEL_BANDS; i++) assert_float_equal(m[i], logf(1e-5f), 1e-6);
    free(m); free(z);
}

static int peak_band(const float *mel, int64_t frames) {
    double avg[LT_LOGMEL_BANDS] = {0};
    for (int64_t t = 2; t < frames - 2; t++) /* skip the reflect-padded edges */
        for (int b = 0; b < LT_LOGMEL_BANDS; b++) avg[b] += mel[t * LT_LOGMEL_BANDS + b];
    int best = 0;
    for (int b = 1; b < LT_LOGMEL_BANDS; b++)
        if (avg[b] > avg[best]) best = b;
    return best;
}

static void test_sine_lands_in_its_band(void **state) {
    (void)state;
    /* a tone at a band's centre peaks in that band (bands below ~10 are
     * narrower than the FFT's bins, so the check starts at 12) */
    const int bands[] = {12, 20, 33, 47, 60, 71, 78};
    for (size_t i = 0; i < sizeof bands / sizeof *bands; i++) {
        double hz = lt_logmel_band_center_hz(bands[i]);
        int64_t n = SR / 2, fr;
        float *x = sine(n, hz, 0.5);
        float *m = lt_logmel_alloc(x, n, &fr);
        assert_non_null(m);
        int got = peak_band(m, fr);
        if (got != bands[i]) fail_msg("tone %.1f Hz (band %d) peaks in band %d", hz, bands[i], got);
        free(m); free(x);
    }
    /* band centres rise from ~0 to below 12 kHz */
    assert_true(lt_logmel_band_center_hz(0) > 0 && lt_logmel_band_center_hz(0) < 100);
    assert_true(lt_logmel_band_center_hz(79) < 12000 && lt_logmel_band_center_hz(79) > 11000);
    for (int b = 1; b < 80; b++) assert_true(lt_logmel_band_center_hz(b) > lt_logmel_band_center_hz(b - 1));
    /* 1 kHz: its band is far above the silent neighbours two octaves away */
    int64_t n = SR, fr;
    float *x = sine(n, 1000.0, 0.5);
    float *m = lt_logmel_alloc(x, n, &fr);
    int pb = peak_band(m, fr);
    double c = lt_logmel_band_center_hz(pb), c1 = lt_logmel_band_center_hz(pb + 1), c0 = lt_logmel_band_center_hz(pb - 1);
    assert_true(fabs(c - 1000.0) <= fabs(c1 - 1000.0) && fabs(c - 1000.0) <= fabs(c0 - 1000.0));
    int64_t mid = fr / 2;
    int far = 0;
    for (int b = 0; b < 80; b++)
        if (lt_logmel_band_center_hz(b) > 4000.0) { far = b; break; }
    assert_true(m[mid * 80 + pb] - m[mid * 80 + far] > 5.0);
    free(m); free(x);
}

static void test_scaling_adds_log(void **state) {
    (void)state;
    int64_t n = 12000, fr;
    float *a = sine(n, 700.0, 0.25), *b = sine(n, 700.0, 0.5);
    float *ma = lt_logmel_alloc(a, n, &fr), *mb = lt_logmel_alloc(b, n, &fr);
    int checked = 0;
    for (int64_t i = 0; i < fr * 80; i++)
        if (ma[i] > -5) { /* well above the 1e-5 floor */
            assert_float_equal(mb[i] - ma[i], log(2.0), 1e-4);
            checked++;
        }
    assert_true(checked > 100);
    double mean, p99;
    assert_int_equal(lt_logmel_compare(ma, mb, fr * 80, &mean, &p99), 0);
    assert_true(mean > 0.3 && mean <= log(2.0) + 1e-4);
    assert_float_equal(p99, log(2.0), 1e-4);
    free(a); free(b); free(ma); free(mb);
}

static void test_matches_direct_dft(void **state) {
    (void)state;
    const int64_t lens[] = {5000, 1024, 700, 257, 3};
    for (size_t li = 0; li < sizeof lens / sizeof *lens; li++) {
        int64_t n = lens[li], fr_ref, fr;
        float *x = mixture(n);
        float *ref = reference_log_mel(x, n, &fr_ref), *got = lt_logmel_alloc(x, n, &fr);
        assert_non_null(got);
        assert_int_equal(fr, fr_ref);
        double worst = 0;
        for (int64_t i = 0; i < fr * 80; i++) {
            double d = fabs((double)got[i] - ref[i]);
            if (d > worst) worst = d;
        }
        if (worst > 2e-6) fail_msg("length %lld: FFT and direct DFT differ by %g", (long long)n, worst);
        free(x); free(ref); free(got);
    }
}

static void test_distance_values(void **state) {
    (void)state;
    /* hand-made arrays: |a-b| = 0,1,2,...,99 → mean 49.5, p99 = value at floor(0.99·99) = 98 */
    float a[100], b[100];
    for (int i = 0; i < 100; i++) {
        a[i] = (float)i;
        b[i] = (float)(i % 2 ? 2 * i : 0);
    }
    double mean, p99;
    assert_int_equal(lt_logmel_compare(a, b, 100, &mean, &p99), 0);
    assert_float_equal(mean, 49.5, 1e-9);
    assert_float_equal(p99, 98.0, 1e-9);
    assert_int_equal(lt_logmel_compare(a, b, 0, &mean, &p99), 0);
    assert_true(mean == 0 && p99 == 0);
    assert_int_equal(lt_logmel_compare(a, b, 100, NULL, NULL), 0);
}

static void test_short_and_unequal(void **state) {
    (void)state;
    float one = 0.5f, *x = mixture(3000), *y = mixture(2000);
    int64_t fr;
    float *m = lt_logmel_alloc(NULL, 0, &fr); /* empty: one frame of silence */
    assert_non_null(m);
    assert_int_equal(fr, 1);
    assert_float_equal(m[0], logf(1e-5f), 1e-6);
    free(m);
    m = lt_logmel_alloc(&one, 1, &fr);
    assert_non_null(m);
    assert_int_equal(fr, 1);
    for (int b = 0; b < 80; b++) assert_true(isfinite(m[b]));
    free(m);
    /* different lengths: compared over the shorter one's frames; the common
     * part agrees except near the shorter signal's end */
    double mean, p99;
    assert_int_equal(lt_logmel_distance(x, 3000, y, 2000, &mean, &p99), 0);
    assert_true(mean >= 0 && mean < 1.0);
    free(x); free(y);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_frames),
        cmocka_unit_test(test_identical_is_zero),
        cmocka_unit_test(test_silence_is_floor),
        cmocka_unit_test(test_sine_lands_in_its_band),
        cmocka_unit_test(test_scaling_adds_log),
        cmocka_unit_test(test_matches_direct_dft),
        cmocka_unit_test(test_distance_values),
        cmocka_unit_test(test_short_and_unequal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
