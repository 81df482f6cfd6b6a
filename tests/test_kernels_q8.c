/* test_kernels_q8.c — lt_conv1d_q8_0 (kernels_q8.c), the stride-1 Conv1d that
 * reads Q8_0 weights directly, on awkward shapes: output channels off the
 * 6-channel block, time lengths off the 32-column block and shorter than the
 * kernel's reach, padding, dilation, one-step kernels, several time chunks.
 *
 *   - Exactness: on the 8-bit path (AVX-512 VNNI) the result must equal, to
 *     float rounding of the scaling, a double reference built from the same
 *     quantised activations (one scale per output column: max |x| over the
 *     column's receptive field / 127) and the dequantised weights — the
 *     integer products are exact, so any indexing slip shows at once. On the
 *     fallback path (no VNNI) it must equal the f32 conv of the dequantised
 *     weights to float precision.
 *   - Accuracy: against the conv of the dequantised weights with unquantised
 *     activations, SNR ≥ 34 dB on inputs whose channels differ 16× in scale.
 *   - lt_conv1d_q8_0_ex with add gives bit for bit (conv + bias) + y; its row statistics
 *     match the stored rows' (min / max exactly, sums to float rounding).
 *   - f16 rows of any length (lt_conv1d_f16_int8_ex, the f16 convs of a q8_0 model) equal, bit for
 *     bit, the Q8_0 convolution of the same values with zero channels padding the rows to whole blocks.
 *   - main() runs the cases again in child processes with
 *     LITETTS_CPU_DISABLE=avx512_vnni (the fallback) and LITETTS_THREADS=1. */
#include <math.h>
#include <setjmp.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "engine/kernels.h"
#include "engine/quant.h"
#include "engine/threadpool.h"

extern char **environ;

static uint64_t rng_state = 88172645463325252ull;
static float frand(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (float)((rng_state >> 40) * (1.0 / 16777216.0)) * 2.0f - 1.0f;
}

typedef struct shape { int cin, cout, k, tin, pad, dil; } shape;

static const shape shapes[] = {
    {32, 1, 1, 1, 0, 1},     {32, 5, 1, 40, 0, 1},     {64, 7, 3, 17, 1, 1},    {32, 13, 11, 100, 25, 5},
    {96, 6, 7, 300, 9, 3},   {128, 12, 3, 1000, 1, 1}, {64, 130, 5, 70, 2, 1},  {256, 33, 3, 5, 1, 1},
    {128, 20, 3, 2500, 1, 1}, {32, 9, 7, 4, 3, 1},     {160, 8, 3, 33, 0, 2},   {32, 4, 3, 3, 3, 4},
};

typedef struct conv_case {
    shape s;
    int tout;
    float *x, *b, *wf; /* x [cin][tin], b [cout], wf [cout][cin·k] dequantised */
    uint8_t *wq;       /* Q8_0 blocks of w */
} conv_case;

static void case_make(conv_case *c, const shape *s) {
    c->s = *s;
    c->tout = lt_conv1d_out_len(s->tin, s->k, 1, s->pad, s->dil);
    int64_t nx = (int64_t)s->cin * s->tin, nw = (int64_t)s->cout * s->cin * s->k;
    c->x = malloc(sizeof(float) * (size_t)nx);
    c->b = malloc(sizeof(float) * (size_t)s->cout);
    c->wf = malloc(sizeof(float) * (size_t)nw);
    c->wq = malloc((size_t)(nw / LT_Q8_0_BLOCK * LT_Q8_0_BLOCK_BYTES));
    for (int ci = 0; ci < s->cin; ci++) { /* channel scales 1/4 … 4 */
        float g = ldexpf(1.0f, ci % 5 - 2);
        for (int t = 0; t < s->tin; t++) c->x[(int64_t)ci * s->tin + t] = g * frand();
    }
    for (int co = 0; co < s->cout; co++) c->b[co] = frand();
    float *w = malloc(sizeof(float) * (size_t)nw);
    for (int64_t i = 0; i < nw; i++) w[i] = 0.05f * frand() * (1.0f + (float)(i % 7));
    lt_q8_0_quantize_row(w, c->wq, (size_t)nw);
    lt_q8_0_dequantize_row(c->wq, c->wf, (size_t)nw);
    free(w);
}

static void case_free(conv_case *c) {
    free(c->x);
    free(c->b);
    free(c->wf);
    free(c->wq);
}

static float xat(const conv_case *c, int ci, int pos) {
    return pos >= 0 && pos < c->s.tin ? c->x[(int64_t)ci * c->s.tin + pos] : 0.0f;
}

static void test_q8_matches_reference(void **state) {
    (void)state;
    int int8 = lt_conv1d_q8_0_int8();
    for (size_t si = 0; si < sizeof shapes / sizeof *shapes; si++) {
        conv_case c;
        case_make(&c, &shapes[si]);
        const shape *s = &c.s;
        assert_true(c.tout > 0);
        float *y = malloc(sizeof(float) * (size_t)s->cout * c.tout);
        assert_int_equal(lt_conv1d_q8_0(c.x, s->cin, s->tin, c.wq, c.b, s->cout, s->k, s->pad, s->dil, y), 0);
        int K = s->cin * s->k;
        double worst = 0.0;
        for (int t = 0; t < c.tout; t++) {
            for (int co = 0; co < s->cout; co++) {
                const float *wr = c.wf + (int64_t)co * K;
                double acc = 0.0, mag = 0.0;
                for (int b = 0; b < K / 32; b++) {
                    /* the column's quantisation per weight block, as the kernel does it in float */
                    float m = 0.0f, xv[32];
                    for (int e = 0; e < 32; e++) {
                        int i = 32 * b + e;
                        xv[e] = xat(&c, i / s->k, t - s->pad + (i % s->k) * s->dil);
                        if (fabsf(xv[e]) > m) m = fabsf(xv[e]);
                    }
                    float inv = m > 0.0f ? 127.0f / m : 0.0f, sc = m * (1.0f / 127.0f);
                    for (int e = 0; e < 32; e++) {
                        double w = wr[32 * b + e];
                        if (int8) {
                            double a = (double)nearbyintf(xv[e] * inv);
                            acc += w * a * sc;
                            mag += fabs(w) * (fabs(a) + 128.0) * sc;
                        } else {
                            acc += w * xv[e];
                            mag += fabs(w * xv[e]);
                        }
                    }
                }
                double ref = acc + c.b[co], scale = mag + fabs((double)c.b[co]);
                double err = fabs((double)y[(int64_t)co * c.tout + t] - ref) / scale;
                if (err > worst) worst = err;
            }
        }
        /* float rounding of ≤ K/32 scaled block sums (or K float products) */
        double tol = 4e-7 * (int8 ? (double)(K / 32 + 8) : (double)(K + 8));
        if (worst > tol)
            fail_msg("shape %zu (cin %d cout %d k %d tin %d pad %d dil %d): error %.3g of magnitude > %.3g", si,
                     s->cin, s->cout, s->k, s->tin, s->pad, s->dil, worst, tol);
        /* the residual form: y += conv, bit for bit (conv + bias) + y */
        size_t ny = (size_t)s->cout * c.tout;
        float *r = malloc(sizeof(float) * ny), *y2 = malloc(sizeof(float) * ny);
        for (size_t i = 0; i < ny; i++) r[i] = frand();
        memcpy(y2, r, sizeof(float) * ny);
        assert_int_equal(lt_conv1d_q8_0_ex(c.x, s->cin, s->tin, c.wq, c.b, s->cout, s->k, s->pad, s->dil, y2, 1, NULL,
                                           NULL), 0);
        for (size_t i = 0; i < ny; i++) r[i] = y[i] + r[i];
        assert_memory_equal(y2, r, sizeof(float) * ny);
        free(r), free(y2);
        free(y);
        case_free(&c);
    }
}

/* lt_conv1d_q8_0_ex: the rows' statistics as stored (plain and residual form) match the output's own:
 * min / max exactly, the sums to float rounding along the row; 0 / untouched without the 8-bit path. */
static void test_q8_row_stats(void **state) {
    (void)state;
    for (size_t si = 0; si < sizeof shapes / sizeof *shapes; si++) {
        conv_case c;
        case_make(&c, &shapes[si]);
        const shape *s = &c.s;
        size_t ny = (size_t)s->cout * c.tout;
        float *y = malloc(sizeof(float) * ny);
        lt_row_stats *st = malloc(sizeof(lt_row_stats) * (size_t)s->cout);
        for (int add = 0; add < 2; add++) {
            for (size_t i = 0; i < ny; i++) y[i] = add ? frand() : 0.0f;
            int done = -1;
            memset(st, 0, sizeof(lt_row_stats) * (size_t)s->cout);
            assert_int_equal(lt_conv1d_q8_0_ex(c.x, s->cin, s->tin, c.wq, c.b, s->cout, s->k, s->pad, s->dil, y, add,
                                               st, &done), 0);
            assert_int_equal(done, lt_conv1d_q8_0_int8());
            if (!done) continue;
            for (int co = 0; co < s->cout; co++) {
                const float *r = y + (size_t)co * c.tout;
                double sum = 0, sumsq = 0, mag = 0;
                float mn = r[0], mx = r[0];
                for (int t = 0; t < c.tout; t++) {
                    sum += r[t], sumsq += (double)r[t] * r[t], mag += fabs(r[t]);
                    mn = r[t] < mn ? r[t] : mn;
                    mx = r[t] > mx ? r[t] : mx;
                }
                double tol = 1e-6 * (double)(c.tout / 16 + 8);
                if (fabs(st[co].sum - sum) > tol * mag || fabs(st[co].sumsq - sumsq) > tol * sumsq)
                    fail_msg("shape %zu row %d (add %d): sums %.9g %.9g, expected %.9g %.9g", si, co, add, st[co].sum,
                             st[co].sumsq, sum, sumsq);
                assert_true(st[co].min == mn);
                assert_true(st[co].max == mx);
            }
        }
        free(st);
        free(y);
        case_free(&c);
    }
}

/* The statistics are summed chunk by chunk: the chunks must not follow the thread count, or the
 * same utterance would come out in other bits on a machine with more cores (seen: 16 threads). */
static void test_q8_row_stats_any_thread_count(void **state) {
    (void)state;
    if (!lt_conv1d_q8_0_int8()) skip();
    int before = lt_pool_threads();
    uint64_t rng_before = rng_state; /* the later tests' data stays as it was */
    for (size_t si = 0; si < sizeof shapes / sizeof *shapes; si++) {
        conv_case c;
        case_make(&c, &shapes[si]);
        const shape *s = &c.s;
        size_t ny = (size_t)s->cout * c.tout;
        float *y1 = malloc(sizeof(float) * ny), *y = malloc(sizeof(float) * ny);
        lt_row_stats *st1 = calloc((size_t)s->cout, sizeof(lt_row_stats)), *st = calloc((size_t)s->cout, sizeof(lt_row_stats));
        static const int counts[] = {1, 2, 3, 16};
        for (size_t n = 0; n < sizeof counts / sizeof *counts; n++) {
            lt_pool_set_threads(counts[n]);
            float *yy = n ? y : y1;
            lt_row_stats *ss = n ? st : st1;
            int done = 0;
            assert_int_equal(lt_conv1d_q8_0_ex(c.x, s->cin, s->tin, c.wq, c.b, s->cout, s->k, s->pad, s->dil, yy, 0,
                                               ss, &done), 0);
            assert_int_equal(done, 1);
            if (n == 0) continue;
            assert_memory_equal(y, y1, sizeof(float) * ny);
            for (int co = 0; co < s->cout; co++)
                if (st[co].sum != st1[co].sum || st[co].sumsq != st1[co].sumsq || st[co].min != st1[co].min ||
                    st[co].max != st1[co].max)
                    fail_msg("shape %zu row %d: %d threads sum %.17g sumsq %.17g, 1 thread %.17g %.17g", si, co,
                             counts[n], st[co].sum, st[co].sumsq, st1[co].sum, st1[co].sumsq);
        }
        free(st1), free(st), free(y1), free(y);
        case_free(&c);
    }
    lt_pool_set_threads(before);
    rng_state = rng_before;
}

/* lt_conv1d_f16_int8_ex: f16 rows of any length (cin·k not whole blocks) quantised while packing give,
 * bit for bit, the Q8_0 convolution of the same values with the input padded by zero channels up to
 * whole blocks (the padded rows are the zero rows of the ragged last block), statistics included; and
 * on the fallback path the f16 direct convolution. */
static void test_f16_rows_on_the_8bit_kernel(void **state) {
    (void)state;
    static const shape fs[] = {{5, 7, 3, 40, 1, 1},   {22, 9, 1, 300, 0, 1}, {35, 13, 3, 1000, 2, 2},
                               {1090 / 10, 6, 3, 77, 1, 1}, {514 / 8, 20, 3, 2100, 1, 1}};
    for (size_t si = 0; si < sizeof fs / sizeof *fs; si++) {
        const shape *s = &fs[si];
        int K = s->cin * s->k, cinp = s->cin;
        while ((cinp * s->k) % 32) cinp++; /* zero channels up to whole blocks */
        int tout = lt_conv1d_out_len(s->tin, s->k, 1, s->pad, s->dil);
        uint16_t *wh = malloc(sizeof(uint16_t) * (size_t)s->cout * K);
        float *wp = calloc((size_t)s->cout * cinp * s->k, sizeof(float));
        float *x = malloc(sizeof(float) * (size_t)s->cin * s->tin), *xp = calloc((size_t)cinp * s->tin, sizeof(float));
        float *b = malloc(sizeof(float) * (size_t)s->cout);
        for (int i = 0; i < s->cout * K; i++) wh[i] = lt_f32_to_f16(0.05f * frand() * (1.0f + (float)(i % 7)));
        for (int co = 0; co < s->cout; co++)
            for (int i = 0; i < K; i++) wp[(size_t)co * cinp * s->k + i] = lt_f16_to_f32(wh[(size_t)co * K + i]);
        for (int i = 0; i < s->cin * s->tin; i++) xp[i] = x[i] = ldexpf(frand(), i / s->tin % 5 - 2);
        for (int co = 0; co < s->cout; co++) b[co] = frand();
        uint8_t *wq = malloc((size_t)s->cout * cinp * s->k / 32 * 34);
        lt_q8_0_quantize_row(wp, wq, (size_t)s->cout * cinp * s->k);
        size_t ny = (size_t)s->cout * tout;
        float *y = malloc(sizeof(float) * ny), *yr = malloc(sizeof(float) * ny);
        lt_row_stats *st = calloc((size_t)s->cout, sizeof(lt_row_stats)), *str = calloc((size_t)s->cout, sizeof(lt_row_stats));
        int done = -1, done_r = -1;
        assert_int_equal(lt_conv1d_f16_int8_ex(x, s->cin, s->tin, wh, b, s->cout, s->k, s->pad, s->dil, y, 0, st, &done), 0);
        if (lt_conv1d_q8_0_int8()) {
            assert_int_equal(lt_conv1d_q8_0_ex(xp, cinp, s->tin, wq, b, s->cout, s->k, s->pad, s->dil, yr, 0, str, &done_r), 0);
            assert_int_equal(done, 1);
            assert_memory_equal(y, yr, sizeof(float) * ny);
            assert_memory_equal(st, str, sizeof(lt_row_stats) * (size_t)s->cout);
        } else {
            assert_int_equal(lt_conv1d_typed(x, s->cin, s->tin, wh, LT_F16, b, s->cout, s->k, 1, s->pad, s->dil, yr), 0);
            assert_int_equal(done, 0);
            assert_memory_equal(y, yr, sizeof(float) * ny);
        }
        free(wh), free(wp), free(x), free(xp), free(b), free(wq), free(y), free(yr), free(st), free(str);
    }
}

static void test_q8_snr_against_f32(void **state) {
    (void)state;
    double sig = 0.0, noise = 0.0;
    for (size_t si = 0; si < sizeof shapes / sizeof *shapes; si++) {
        conv_case c;
        case_make(&c, &shapes[si]);
        const shape *s = &c.s;
        size_t ny = (size_t)s->cout * c.tout;
        float *y = malloc(sizeof(float) * ny), *yf = malloc(sizeof(float) * ny);
        assert_int_equal(lt_conv1d_q8_0(c.x, s->cin, s->tin, c.wq, NULL, s->cout, s->k, s->pad, s->dil, y), 0);
        assert_int_equal(lt_conv1d(c.x, s->cin, s->tin, c.wf, NULL, s->cout, s->k, 1, s->pad, s->dil, yf), 0);
        double cs = 0.0, cn = 0.0;
        for (size_t i = 0; i < ny; i++) {
            cs += (double)yf[i] * yf[i];
            cn += ((double)y[i] - yf[i]) * ((double)y[i] - yf[i]);
        }
        double snr = 10.0 * log10(cs / (cn > 0.0 ? cn : 1e-300));
        if (snr < 34.0) fail_msg("shape %zu: SNR %.1f dB against the f32 conv (want >= 34)", si, snr);
        sig += cs;
        noise += cn;
        free(y);
        free(yf);
        case_free(&c);
    }
    if (noise > 0.0)
        print_message("q8_0 conv (%s): SNR %.1f dB against the f32 conv of the same weights\n",
                      lt_conv1d_q8_0_int8() ? "8-bit activations" : "f32 fallback", 10.0 * log10(sig / noise));
    else
        print_message("q8_0 conv (f32 fallback): identical to the f32 conv of the same weights\n");
}

static void test_q8_edges(void **state) {
    (void)state;
    conv_case c;
    shape s = {32, 3, 7, 3, 1, 2}; /* reach 13 > tin + 2·pad: no output */
    case_make(&c, &s);
    assert_true(c.tout <= 0);
    float y = 42.0f;
    assert_int_equal(lt_conv1d_q8_0(c.x, s.cin, s.tin, c.wq, c.b, s.cout, s.k, s.pad, s.dil, &y), 0);
    assert_true(y == 42.0f);
    /* cin·k not a multiple of 32: not a Q8_0 row */
    assert_int_equal(lt_conv1d_q8_0(c.x, 5, 3, c.wq, c.b, 1, 3, 1, 1, &y), -1);
    case_free(&c);
}

/* Run this test binary again with one more environment variable; 0 when it passes. */
static int rerun_with(const char *var) {
    int n = 0;
    while (environ[n]) n++;
    char **env = malloc(sizeof(char *) * (size_t)(n + 2));
    memcpy(env, environ, sizeof(char *) * (size_t)n);
    env[n] = (char *)var;
    env[n + 1] = NULL;
    char *argv[] = {(char *)"test_kernels_q8", NULL};
    pid_t pid;
    int st = -1;
    if (posix_spawn(&pid, "/proc/self/exe", NULL, NULL, argv, env) == 0) waitpid(pid, &st, 0);
    free(env);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_q8_matches_reference),
        cmocka_unit_test(test_q8_row_stats),
        cmocka_unit_test(test_q8_row_stats_any_thread_count),
        cmocka_unit_test(test_q8_snr_against_f32),
        cmocka_unit_test(test_f16_rows_on_the_8bit_kernel),
        cmocka_unit_test(test_q8_edges),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    if (!getenv("LT_Q8_CHILD")) {
        /* the fallback path, then one thread */
        setenv("LITETTS_CPU_DISABLE", "avx512_vnni", 1);
        if (rerun_with("LT_Q8_CHILD=1") != 0) rc |= 1;
        unsetenv("LITETTS_CPU_DISABLE");
        setenv("LITETTS_THREADS", "1", 1);
        if (rerun_with("LT_Q8_CHILD=1") != 0) rc |= 1;
    }
    return rc;
}
