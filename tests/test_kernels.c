/* test_kernels.c — the float32 kernels against plain reference loops, on
 * awkward shapes (channel counts off every block size, short and long time
 * axes, dilation, stride, padding), so each SIMD path is checked directly and
 * not only through the model. ctest runs this file once per ISA
 * (LITETTS_CPU_DISABLE) and thread count (LITETTS_THREADS): see kernels.cmake.
 *
 * The ordered GEMM and GEMV must be bit-exact to a sequential float32 sum
 * (the golden data's rounding); convolutions must agree with a double
 * reference to float precision. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engine/kernels.h"
#include "engine/quant.h"
#include "engine/threadpool.h"

static uint64_t rng_state = 88172645463325252ull;
static float frand(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (float)((rng_state >> 40) * (1.0 / 16777216.0)) * 2.0f - 1.0f;
}
static float *rand_buf(int64_t n) {
    float *p = malloc(sizeof(float) * (size_t)n);
    for (int64_t i = 0; i < n; i++) p[i] = frand();
    return p;
}

static void test_ordered_gemm_is_sequential(void **state) {
    (void)state;
    static const int shapes[][3] = {{1, 1, 1}, {3, 5, 7}, {17, 33, 65}, {64, 64, 64}, {65, 130, 129}, {136, 50, 512}, {5, 1024, 300}};
    for (size_t s = 0; s < sizeof shapes / sizeof *shapes; s++) {
        int M = shapes[s][0], N = shapes[s][1], K = shapes[s][2];
        float *a = rand_buf((int64_t)M * K), *b = rand_buf((int64_t)N * K), *bias = rand_buf(N);
        float *y = malloc(sizeof(float) * (size_t)M * N);
        assert_int_equal(lt_matmul_abt(a, K, b, K, M, N, K, bias, y, N), 0);
        for (int m = 0; m < M; m++)
            for (int n = 0; n < N; n++) {
                volatile float acc = 0.0f; /* volatile: one rounding per step, no contraction */
                for (int k = 0; k < K; k++) {
                    volatile float p = a[(int64_t)m * K + k] * b[(int64_t)n * K + k];
                    acc = acc + p;
                }
                float want = acc + bias[n];
                if (memcmp(&want, &y[(int64_t)m * N + n], sizeof(float)) != 0)
                    fail_msg("M=%d N=%d K=%d: y[%d][%d] = %.9g, sequential sum %.9g", M, N, K, m, n,
                             (double)y[(int64_t)m * N + n], (double)want);
            }
        free(a); free(b); free(bias); free(y);
    }
}

/* Relative L2 error of y [cout][tout] against a double-precision Conv1d. */
static double conv_rel_error(const float *x, int cin, int tin, const float *w, const float *b, int cout, int k,
                             int stride, int pad, int dil, const float *y, int tout) {
    double num = 0, den = 0;
    for (int co = 0; co < cout; co++)
        for (int t = 0; t < tout; t++) {
            double acc = b ? b[co] : 0;
            for (int ci = 0; ci < cin; ci++)
                for (int kk = 0; kk < k; kk++) {
                    int s = t * stride + kk * dil - pad;
                    if (s >= 0 && s < tin) acc += (double)w[((int64_t)co * cin + ci) * k + kk] * x[(int64_t)ci * tin + s];
                }
            double d = y[(int64_t)co * tout + t] - acc;
            num += d * d;
            den += acc * acc;
        }
    return sqrt(num / den);
}

/* conv1d against a double reference: relative error of the whole output */
static void conv_case(int cin, int cout, int tin, int k, int stride, int pad, int dil, int bias) {
    float *x = rand_buf((int64_t)cin * tin), *w = rand_buf((int64_t)cout * cin * k), *b = bias ? rand_buf(cout) : NULL;
    int tout = lt_conv1d_out_len(tin, k, stride, pad, dil);
    assert_true(tout > 0);
    float *y = malloc(sizeof(float) * (size_t)cout * tout);
    assert_int_equal(lt_conv1d(x, cin, tin, w, b, cout, k, stride, pad, dil, y), 0);
    double rel = conv_rel_error(x, cin, tin, w, b, cout, k, stride, pad, dil, y, tout);
    if (!(rel < 2e-6))
        fail_msg("conv cin=%d cout=%d tin=%d k=%d stride=%d pad=%d dil=%d: rel error %.3g", cin, cout, tin, k, stride,
                 pad, dil, rel);
    free(x); free(w); free(b); free(y);
}

static void test_conv1d_shapes(void **state) {
    (void)state;
    conv_case(1, 1, 10, 3, 2, 1, 1, 1);      /* F0_conv */
    conv_case(22, 256, 601, 12, 6, 3, 1, 1); /* noise_convs.0 */
    conv_case(22, 13, 77, 1, 1, 0, 1, 1);    /* 1x1, odd widths */
    conv_case(7, 11, 5, 3, 1, 1, 1, 1);      /* shorter than a SIMD tile */
    conv_case(33, 19, 300, 11, 1, 25, 5, 1); /* dilated, as the generator resblocks */
    conv_case(64, 70, 1031, 7, 1, 9, 3, 0);  /* no bias */
    conv_case(130, 6, 129, 3, 1, 1, 1, 1);
    conv_case(514, 64, 40, 3, 1, 1, 1, 1);   /* decoder.encode widths */
    conv_case(22, 40, 15000, 12, 6, 3, 1, 1); /* strided, 3 column tiles of im2col spread over the pool */
}

/* Weights w stored as type t (0 f16, 1 bf16, 2 q8_0) in h or q; wf gets them widened back. */
static const void *reduce_weights(int t, const float *w, int64_t nw, uint16_t *h, void *q, float *wf, lt_dtype *dt) {
    *dt = t == 0 ? LT_F16 : t == 1 ? LT_BF16 : LT_Q8_0;
    if (t == 0) lt_f32_to_f16_row(w, h, nw), lt_f16_to_f32_row(h, wf, nw);
    if (t == 1) lt_f32_to_bf16_row(w, h, nw), lt_bf16_to_f32_row(h, wf, nw);
    if (t == 2) lt_q8_0_quantize_row(w, q, nw), lt_q8_0_dequantize_row(q, wf, nw);
    return t == 2 ? q : (const void *)h;
}

/* lt_conv1d_typed widens f16 / bf16 / q8_0 weights while packing: bit for bit the
 * result of lt_conv1d on the widened weights, stride 1 (direct) and strided (copy). */
static void typed_case(int cin, int cout, int tin, int k, int stride, int pad, int dil) {
    int64_t nw = (int64_t)cout * cin * k;
    float *x = rand_buf((int64_t)cin * tin), *w = rand_buf(nw), *b = rand_buf(cout), *wf = malloc(sizeof(float) * nw);
    int tout = lt_conv1d_out_len(tin, k, stride, pad, dil);
    float *y0 = malloc(sizeof(float) * (size_t)cout * tout), *y1 = malloc(sizeof(float) * (size_t)cout * tout);
    uint16_t *h = malloc(sizeof(uint16_t) * nw);
    void *q = malloc((size_t)(nw / 32 + 1) * 34);
    for (int t = 0; t < 3; t++) {
        if (t == 2 && (cin * k) % 32) break;
        lt_dtype dt;
        const void *wt = reduce_weights(t, w, nw, h, q, wf, &dt);
        assert_int_equal(lt_conv1d(x, cin, tin, wf, b, cout, k, stride, pad, dil, y0), 0);
        assert_int_equal(lt_conv1d_typed(x, cin, tin, wt, dt, b, cout, k, stride, pad, dil, y1), 0);
        assert_memory_equal(y0, y1, sizeof(float) * (size_t)cout * tout);
        /* the residual form: y += conv, bit for bit (conv + bias) + y */
        float *r = rand_buf((int64_t)cout * tout), *y2 = malloc(sizeof(float) * (size_t)cout * tout);
        memcpy(y2, r, sizeof(float) * (size_t)cout * tout);
        assert_int_equal(lt_conv1d_typed_add(x, cin, tin, wt, dt, b, cout, k, stride, pad, dil, y2), 0);
        for (int64_t i = 0; i < (int64_t)cout * tout; i++) r[i] = y1[i] + r[i];
        assert_memory_equal(y2, r, sizeof(float) * (size_t)cout * tout);
        free(r), free(y2);
    }
    free(x), free(w), free(b), free(wf), free(y0), free(y1), free(h), free(q);
}

static void test_conv1d_typed_weights(void **state) {
    (void)state;
    typed_case(64, 70, 301, 3, 1, 1, 1);  /* q8_0 rows of whole blocks (64·3 = 192) */
    typed_case(33, 19, 300, 11, 1, 25, 5); /* 363: f16 / bf16 only */
    typed_case(22, 32, 601, 12, 6, 3, 1);  /* strided: widened copy */
}

/* The FFT convolution (overlap-save, any FFT size that fits the kernel) against the double
 * reference; its typed weights give exactly the f32 path's result on the widened weights; one
 * thread and the pool give the same bits. */
/* prepare (w stored as dt, FFT size n), apply, free: y [cout][tout]. */
static void fft_run(const void *w, lt_dtype dt, const float *x, int cin, int cout, int tin, int k, int pad, int dil,
                    int n, const float *b, float *y) {
    lt_conv_fft *p = lt_conv_fft_prepare(w, dt, cout, cin, k, n);
    assert_non_null(p);
    assert_int_equal(lt_conv_fft_apply(p, x, tin, b, pad, dil, y), 0);
    lt_conv_fft_free(p);
}

static void fft_case(int cin, int cout, int tin, int k, int pad, int dil, int n, int bias) {
    int64_t nw = (int64_t)cout * cin * k;
    float *x = rand_buf((int64_t)cin * tin), *w = rand_buf(nw), *b = bias ? rand_buf(cout) : NULL;
    int tout = lt_conv1d_out_len(tin, k, 1, pad, dil);
    assert_true(tout > 0);
    size_t ny = (size_t)cout * tout;
    float *y = malloc(sizeof(float) * ny), *y1 = malloc(sizeof(float) * ny), *wf = malloc(sizeof(float) * nw);
    fft_run(w, LT_F32, x, cin, cout, tin, k, pad, dil, n, b, y);
    double rel = conv_rel_error(x, cin, tin, w, b, cout, k, 1, pad, dil, y, tout);
    if (!(rel < 3e-6))
        fail_msg("fft conv cin=%d cout=%d tin=%d k=%d pad=%d dil=%d n=%d: rel error %.3g", cin, cout, tin, k, pad, dil,
                 n, rel);
    int threads = lt_pool_threads();
    lt_pool_set_threads(1);
    fft_run(w, LT_F32, x, cin, cout, tin, k, pad, dil, n, b, y1);
    lt_pool_set_threads(threads);
    assert_memory_equal(y, y1, sizeof(float) * ny);
    { /* the residual form: y += conv, bit for bit (conv + bias) + y */
        float *r = rand_buf((int64_t)ny), *y2 = malloc(sizeof(float) * ny);
        memcpy(y2, r, sizeof(float) * ny);
        lt_conv_fft *p = lt_conv_fft_prepare(w, LT_F32, cout, cin, k, n);
        assert_non_null(p);
        assert_int_equal(lt_conv_fft_apply_add(p, x, tin, b, pad, dil, y2), 0);
        lt_conv_fft_free(p);
        for (size_t i = 0; i < ny; i++) r[i] = y[i] + r[i];
        assert_memory_equal(y2, r, sizeof(float) * ny);
        free(r), free(y2);
    }
    uint16_t *h = malloc(sizeof(uint16_t) * nw);
    void *q = malloc((size_t)(nw / 32 + 1) * 34);
    for (int t = 0; t < 3; t++) {
        if (t == 2 && (cin * k) % 32) break;
        lt_dtype dt;
        const void *wt = reduce_weights(t, w, nw, h, q, wf, &dt);
        fft_run(wf, LT_F32, x, cin, cout, tin, k, pad, dil, n, b, y);
        fft_run(wt, dt, x, cin, cout, tin, k, pad, dil, n, b, y1);
        assert_memory_equal(y, y1, sizeof(float) * ny);
    }
    free(x), free(w), free(b), free(y), free(y1), free(wf), free(h), free(q);
}

static void test_conv1d_fft(void **state) {
    (void)state;
    fft_case(33, 19, 300, 11, 25, 5, 32, 1);   /* dilated: five phases; odd widths */
    fft_case(33, 19, 300, 11, 25, 5, 128, 1);  /* one block per phase */
    fft_case(64, 70, 1031, 7, 9, 3, 64, 0);    /* no bias, q8_0 rows (64·7 = 448) */
    fft_case(40, 13, 2000, 11, 5, 1, 16, 1);   /* the smallest FFT: blocks of 6 */
    fft_case(24, 31, 500, 7, 0, 1, 32, 1);     /* no padding: tout < tin */
    fft_case(16, 8, 20, 11, 5, 1, 64, 1);      /* shorter than one block */
    fft_case(128, 128, 3000, 11, 5, 1, 64, 1); /* the generator's widths: two groups of 32 blocks (one per thread) */
    fft_case(48, 40, 4000, 7, 9, 3, 32, 1);    /* dilated and long: whole lane groups inside one phase */
    /* what the size choice says: wide kernels on long inputs only */
    assert_true(lt_conv_fft_size(128, 128, 11, 48000, 1) >= 32);
    assert_int_equal(lt_conv_fft_size(128, 128, 3, 48000, 1), 0);
    assert_int_equal(lt_conv_fft_size(256, 256, 11, 200, 1), 0);
    lt_conv_fft_set_mode(LT_CONV_FFT_OFF);
    assert_int_equal(lt_conv_fft_size(128, 128, 11, 48000, 1), 0);
    lt_conv_fft_set_mode(LT_CONV_FFT_AUTO);
    /* sizes the transform cannot take */
    float w[4] = {0};
    assert_null(lt_conv_fft_prepare(w, LT_F32, 1, 1, 4, 48));
    assert_null(lt_conv_fft_prepare(w, LT_F32, 1, 1, 40, 32));
}

static void test_conv_transpose1d(void **state) {
    (void)state;
    /* the last two are big enough to be split over the pool by output channels (and tin > one column tile) */
    static const int cases[][5] = {{16, 8, 37, 20, 10}, {9, 5, 11, 12, 6}, {3, 2, 1, 4, 2}, {64, 70, 1100, 12, 6},
                                   {96, 33, 300, 20, 10}};
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        int cin = cases[c][0], cout = cases[c][1], tin = cases[c][2], k = cases[c][3], s = cases[c][4];
        int pad = (k - s) / 2, tout = (tin - 1) * s - 2 * pad + k;
        float *x = rand_buf((int64_t)cin * tin), *w = rand_buf((int64_t)cin * cout * k), *b = rand_buf(cout);
        float *y = malloc(sizeof(float) * (size_t)cout * tout);
        assert_int_equal(lt_conv_transpose1d(x, cin, tin, w, b, cout, k, s, pad, 0, y, tout), 0);
        for (int co = 0; co < cout; co++)
            for (int t = 0; t < tout; t++) {
                double acc = b[co];
                int j0 = t + pad - k + 1 > 0 ? (t + pad - k + 1 + s - 1) / s : 0, j1 = (t + pad) / s;
                if (j1 > tin - 1) j1 = tin - 1;
                for (int ci = 0; ci < cin; ci++)
                    for (int j = j0; j <= j1; j++) {
                        int kk = t + pad - j * s;
                        if (kk >= 0 && kk < k) acc += (double)x[(int64_t)ci * tin + j] * w[((int64_t)ci * cout + co) * k + kk];
                    }
                assert_float_equal(y[(int64_t)co * tout + t], acc, 1e-4 * (1 + fabs(acc)));
            }
        free(x); free(w); free(b); free(y);
    }
}

/* the depthwise ConvTranspose1d (the decoder's up-sampling; split over the pool by channel when big
 * enough) against a double reference, bit-for-bit the same whatever the thread count */
static void test_conv_transpose1d_depthwise(void **state) {
    (void)state;
    static const int cases[][5] = {{3, 7, 3, 2, 1}, {128, 300, 3, 2, 1}}; /* c, tin, k, stride, pad */
    for (size_t n = 0; n < sizeof cases / sizeof *cases; n++) {
        int c = cases[n][0], tin = cases[n][1], k = cases[n][2], s = cases[n][3], pad = cases[n][4];
        int tout = (tin - 1) * s - 2 * pad + k;
        float *x = rand_buf((int64_t)c * tin), *w = rand_buf((int64_t)c * k), *b = rand_buf(c);
        float *y = malloc(sizeof(float) * (size_t)c * tout);
        lt_conv_transpose1d_depthwise(x, c, tin, w, b, k, s, pad, y, tout);
        for (int ch = 0; ch < c; ch++)
            for (int t = 0; t < tout; t++) {
                double acc = b[ch];
                for (int j = 0; j < tin; j++) {
                    int kk = t + pad - j * s;
                    if (kk >= 0 && kk < k) acc += (double)x[(int64_t)ch * tin + j] * w[(int64_t)ch * k + kk];
                }
                assert_float_equal(y[(int64_t)ch * tout + t], acc, 1e-5 * (1 + fabs(acc)));
            }
        free(x); free(w); free(b); free(y);
    }
}

/* lt_linear_sgemm (OpenBLAS, split over the pool by output rows) against a double reference */
static void test_linear_sgemm(void **state) {
    (void)state;
    static const int cases[][3] = {{136, 768, 2048}, {5, 33, 70}, {1, 17, 1}};
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        int T = cases[c][0], in = cases[c][1], out = cases[c][2];
        float *x = rand_buf((int64_t)T * in), *w = rand_buf((int64_t)out * in), *b = rand_buf(out);
        float *y = malloc(sizeof(float) * (size_t)T * out);
        lt_linear_sgemm(x, T, in, w, c == 1 ? NULL : b, out, y);
        for (int t = 0; t < T; t += 7)
            for (int n = 0; n < out; n++) {
                double acc = c == 1 ? 0.0 : b[n];
                for (int i = 0; i < in; i++) acc += (double)x[(int64_t)t * in + i] * w[(int64_t)n * in + i];
                assert_float_equal(y[(int64_t)t * out + n], acc, 1e-4 * (1 + fabs(acc)));
            }
        free(x); free(w); free(b); free(y);
    }
}

static void test_adain_and_snake(void **state) {
    (void)state;
    int C = 19, T = 203;
    float *x = rand_buf((int64_t)C * T), *gb = rand_buf(2 * C), *alpha = malloc(sizeof(float) * C);
    for (int c = 0; c < C; c++) alpha[c] = 0.5f + (float)c / C;
    float *y = malloc(sizeof(float) * (size_t)C * T);
    memcpy(y, x, sizeof(float) * (size_t)C * T);
    lt_adain_snake(y, C, T, gb, alpha);
    for (int c = 0; c < C; c++) {
        double mean = 0, var = 0;
        for (int t = 0; t < T; t++) mean += x[c * T + t];
        mean /= T;
        for (int t = 0; t < T; t++) var += (x[c * T + t] - mean) * (x[c * T + t] - mean);
        var /= T;
        for (int t = 0; t < T; t++) {
            double n = (1 + gb[c]) * (x[c * T + t] - mean) / sqrt(var + 1e-5) + gb[C + c];
            double s = sin(alpha[c] * n);
            double want = n + s * s / alpha[c];
            assert_float_equal(y[c * T + t], want, 2e-5 * (1 + fabs(want)));
        }
    }
    /* out of place: the same bits, the input untouched; lt_copy and lt_div element for element */
    float *z = malloc(sizeof(float) * (size_t)C * T), *x0 = malloc(sizeof(float) * (size_t)C * T);
    memcpy(x0, x, sizeof(float) * (size_t)C * T);
    lt_adain_snake_from(x, z, C, T, gb, alpha);
    assert_memory_equal(z, y, sizeof(float) * (size_t)C * T);
    assert_memory_equal(x, x0, sizeof(float) * (size_t)C * T);
    lt_copy(z, x, (int64_t)C * T);
    assert_memory_equal(z, x, sizeof(float) * (size_t)C * T);
    lt_div(z, z, (int64_t)C * T, 3.0f);
    for (int i = 0; i < C * T; i++) assert_true(z[i] == x[i] / 3.0f);
    /* from streamed statistics (Σx, Σx², min, max, as the 8-bit convolution hands them over): the
     * two-pass result to float rounding; the mean shifted far from 0 keeps it (Σx² − (Σx)²/T) */
    lt_row_stats *st = malloc(sizeof(lt_row_stats) * (size_t)C);
    for (int shift = 0; shift < 2; shift++) {
        for (int i = 0; i < C * T; i++) x0[i] = x[i] + (shift ? 40.0f : 0.0f);
        for (int c = 0; c < C; c++) {
            const float *r = x0 + (size_t)c * T;
            st[c] = (lt_row_stats){0, 0, r[0], r[0]};
            for (int t = 0; t < T; t++) {
                st[c].sum += r[t], st[c].sumsq += (double)r[t] * r[t];
                st[c].min = r[t] < st[c].min ? r[t] : st[c].min;
                st[c].max = r[t] > st[c].max ? r[t] : st[c].max;
            }
        }
        lt_adain_snake_from(x0, y, C, T, gb, alpha);
        lt_adain_snake_stats(x0, z, C, T, gb, alpha, st);
        for (int i = 0; i < C * T; i++) assert_float_equal(z[i], y[i], 2e-5 * (1 + fabs(y[i])));
    }
    free(st);
    free(x); free(gb); free(alpha); free(y); free(z); free(x0);
}

static void test_lstm_against_reference(void **state) {
    (void)state;
    int T = 9, in = 13, H = 6, G = 4 * H;
    float *x = rand_buf((int64_t)T * in), *y = malloc(sizeof(float) * (size_t)T * 2 * H);
    float *wi[2], *wh[2], *bi[2], *bh[2];
    for (int d = 0; d < 2; d++) {
        wi[d] = rand_buf((int64_t)G * in);
        wh[d] = rand_buf((int64_t)G * H);
        bi[d] = rand_buf(G);
        bh[d] = rand_buf(G);
    }
    const float *cwi[2] = {wi[0], wi[1]}, *cwh[2] = {wh[0], wh[1]}, *cbi[2] = {bi[0], bi[1]}, *cbh[2] = {bh[0], bh[1]};
    assert_int_equal(lt_lstm_bidirectional(x, T, in, H, cwi, cwh, cbi, cbh, y), 0);
    for (int d = 0; d < 2; d++) {
        double h[16] = {0}, c[16] = {0};
        for (int s = 0; s < T; s++) {
            int t = d ? T - 1 - s : s;
            double g[64];
            for (int j = 0; j < G; j++) {
                g[j] = bi[d][j] + bh[d][j];
                for (int i = 0; i < in; i++) g[j] += (double)wi[d][j * in + i] * x[t * in + i];
                for (int i = 0; i < H; i++) g[j] += (double)wh[d][j * H + i] * h[i];
            }
            for (int j = 0; j < H; j++) {
                double ig = 1 / (1 + exp(-g[j])), fg = 1 / (1 + exp(-g[H + j])), gg = tanh(g[2 * H + j]),
                       og = 1 / (1 + exp(-g[3 * H + j]));
                c[j] = fg * c[j] + ig * gg;
                h[j] = og * tanh(c[j]);
                assert_float_equal(y[t * 2 * H + d * H + j], h[j], 1e-5);
            }
        }
        free(wi[d]); free(wh[d]); free(bi[d]); free(bh[d]);
    }
    free(x); free(y);
}

/* The SLEEF-rounded exp/tanh/sigmoid (kernels_sleef.c): the 8-lane path and the scalar path
 * give the same bits, every value is within 1 ulp of the true function, and the special
 * ranges behave (tanh saturates to ±1 past 8.66, exp flushes below −104). */
static void test_pytorch_transcendentals(void **state) {
    (void)state;
    enum { N = 4099 };
    static float x[N], e[N], t[N], sg[N];
    for (int i = 0; i < N; i++) x[i] = -30.0f + 60.0f * (float)i / (float)(N - 1) + 1e-3f * (float)(i % 7);
    lt_pt_exp(e, x, N);
    lt_pt_tanh(t, x, N);
    lt_pt_sigmoid(sg, x, N);
    for (int i = 0; i < N; i++) {
        float es = lt_pt_expf(x[i]), ts = lt_pt_tanhf(x[i]), ss = 1.0f / (lt_pt_expf(0.0f - x[i]) + 1.0f);
        assert_memory_equal(&es, &e[i], sizeof(float));
        assert_memory_equal(&ts, &t[i], sizeof(float));
        assert_memory_equal(&ss, &sg[i], sizeof(float));
        double re = exp((double)x[i]), rt = tanh((double)x[i]);
        assert_true(fabs(e[i] - re) <= 1.0 * (nextafterf((float)re, INFINITY) - (float)re));
        assert_true(fabs(t[i] - rt) <= 1.0 * (nextafterf((float)fabs(rt), INFINITY) - (float)fabs(rt)) + 1e-30);
    }
    assert_true(lt_pt_tanhf(9.0f) == 1.0f && lt_pt_tanhf(-9.0f) == -1.0f);
    assert_true(lt_pt_expf(-105.0f) == 0.0f && isinf(lt_pt_expf(101.0f)));
    /* softmax: sums to 1 and keeps order */
    float r[13];
    for (int i = 0; i < 13; i++) r[i] = 0.3f * (float)i - 1.0f;
    lt_pt_softmax_row(r, 13);
    double sum = 0;
    for (int i = 0; i < 13; i++) sum += r[i];
    assert_true(fabs(sum - 1.0) < 1e-6);
    for (int i = 1; i < 13; i++) assert_true(r[i] > r[i - 1]);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ordered_gemm_is_sequential),
        cmocka_unit_test(test_conv1d_shapes),
        cmocka_unit_test(test_conv1d_typed_weights),
        cmocka_unit_test(test_conv1d_fft),
        cmocka_unit_test(test_conv_transpose1d),
        cmocka_unit_test(test_conv_transpose1d_depthwise),
        cmocka_unit_test(test_linear_sgemm),
        cmocka_unit_test(test_adain_and_snake),
        cmocka_unit_test(test_lstm_against_reference),
        cmocka_unit_test(test_pytorch_transcendentals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
