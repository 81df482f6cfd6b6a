/* kernels.c — float32 kernels for the Kokoro layers (see kernels.h). */
#include "engine/kernels.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Column tile for im2col / col2im: bounds scratch memory whatever the length. */
#define LT_CONV_TILE 1024

void lt_linear_rows(const float *x, int T, int in, const float *w, const float *b, int out, float *y) {
    if (b)
        for (int t = 0; t < T; t++) memcpy(y + (int64_t)t * out, b, sizeof(float) * (size_t)out);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, T, out, in, 1.0f, x, in, w, in, b ? 1.0f : 0.0f, y, out);
}

int lt_conv1d_out_len(int tin, int k, int stride, int pad, int dil) {
    return (tin + 2 * pad - dil * (k - 1) - 1) / stride + 1;
}

int lt_conv1d(const float *x, int cin, int tin, const float *w, const float *b, int cout, int k,
              int stride, int pad, int dil, float *y) {
    int tout = lt_conv1d_out_len(tin, k, stride, pad, dil);
    if (tout <= 0) return 0;
    for (int co = 0; co < cout; co++) {
        float bias = b ? b[co] : 0.0f;
        float *row = y + (int64_t)co * tout;
        for (int t = 0; t < tout; t++) row[t] = bias;
    }
    if (k == 1 && stride == 1 && pad == 0) {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, cout, tout, cin, 1.0f, w, cin, x, tin, 1.0f, y, tout);
        return 0;
    }
    int tile = tout < LT_CONV_TILE ? tout : LT_CONV_TILE;
    int64_t rows = (int64_t)cin * k;
    float *cols = malloc(sizeof(float) * (size_t)(rows * tile));
    if (!cols) return -1;
    for (int t0 = 0; t0 < tout; t0 += tile) {
        int n = tout - t0 < tile ? tout - t0 : tile;
        for (int ci = 0; ci < cin; ci++) {
            const float *xr = x + (int64_t)ci * tin;
            for (int kk = 0; kk < k; kk++) {
                float *c = cols + ((int64_t)ci * k + kk) * n;
                int off = kk * dil - pad;
                for (int j = 0; j < n; j++) {
                    int src = (t0 + j) * stride + off;
                    c[j] = (src >= 0 && src < tin) ? xr[src] : 0.0f;
                }
            }
        }
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, cout, n, (int)rows, 1.0f, w, (int)rows, cols, n,
                    1.0f, y + t0, tout);
    }
    free(cols);
    return 0;
}

int lt_conv_transpose1d(const float *x, int cin, int tin, const float *w, const float *b, int cout,
                        int k, int stride, int pad, int out_pad, float *y, int tout) {
    (void)out_pad;
    for (int co = 0; co < cout; co++) {
        float bias = b ? b[co] : 0.0f;
        float *row = y + (int64_t)co * tout;
        for (int t = 0; t < tout; t++) row[t] = bias;
    }
    int tile = tin < LT_CONV_TILE ? tin : LT_CONV_TILE;
    int64_t zrows = (int64_t)cout * k;
    float *z = malloc(sizeof(float) * (size_t)(zrows * tile));
    if (!z) return -1;
    for (int j0 = 0; j0 < tin; j0 += tile) {
        int n = tin - j0 < tile ? tin - j0 : tile;
        /* z[(co,kk)][j] = Σ_ci w[ci][(co,kk)] · x[ci][j0 + j] */
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)zrows, n, cin, 1.0f, w, (int)zrows, x + j0, tin,
                    0.0f, z, n);
        for (int co = 0; co < cout; co++) {
            float *yr = y + (int64_t)co * tout;
            for (int kk = 0; kk < k; kk++) {
                const float *zr = z + ((int64_t)co * k + kk) * n;
                for (int j = 0; j < n; j++) {
                    int t = (j0 + j) * stride - pad + kk;
                    if (t >= 0 && t < tout) yr[t] += zr[j];
                }
            }
        }
    }
    free(z);
    return 0;
}

void lt_conv_transpose1d_depthwise(const float *x, int c, int tin, const float *w, const float *b, int k,
                                   int stride, int pad, float *y, int tout) {
    for (int ch = 0; ch < c; ch++) {
        float *yr = y + (int64_t)ch * tout;
        const float *xr = x + (int64_t)ch * tin;
        const float *wr = w + (int64_t)ch * k;
        float bias = b ? b[ch] : 0.0f;
        for (int t = 0; t < tout; t++) yr[t] = bias;
        for (int j = 0; j < tin; j++)
            for (int kk = 0; kk < k; kk++) {
                int t = j * stride - pad + kk;
                if (t >= 0 && t < tout) yr[t] += xr[j] * wr[kk];
            }
    }
}

void lt_layer_norm_rows(float *x, int T, int C, const float *gamma, const float *beta, float eps) {
    for (int t = 0; t < T; t++) {
        float *r = x + (int64_t)t * C;
        double mean = 0, var = 0;
        for (int c = 0; c < C; c++) mean += r[c];
        mean /= C;
        for (int c = 0; c < C; c++) var += (r[c] - mean) * (r[c] - mean);
        var /= C;
        float inv = (float)(1.0 / sqrt(var + eps)), m = (float)mean;
        for (int c = 0; c < C; c++) {
            float v = (r[c] - m) * inv;
            if (gamma) v = v * gamma[c] + beta[c];
            r[c] = v;
        }
    }
}

void lt_layer_norm_channels(float *x, int C, int T, const float *gamma, const float *beta, float eps) {
    for (int t = 0; t < T; t++) {
        double mean = 0, var = 0;
        for (int c = 0; c < C; c++) mean += x[(int64_t)c * T + t];
        mean /= C;
        for (int c = 0; c < C; c++) {
            double d = x[(int64_t)c * T + t] - mean;
            var += d * d;
        }
        var /= C;
        float inv = (float)(1.0 / sqrt(var + eps)), m = (float)mean;
        for (int c = 0; c < C; c++) {
            float v = (x[(int64_t)c * T + t] - m) * inv;
            if (gamma) v = v * gamma[c] + beta[c];
            x[(int64_t)c * T + t] = v;
        }
    }
}

void lt_adain(float *x, int C, int T, const float *gb) {
    for (int c = 0; c < C; c++) {
        float *r = x + (int64_t)c * T;
        double mean = 0, var = 0;
        for (int t = 0; t < T; t++) mean += r[t];
        mean /= T;
        for (int t = 0; t < T; t++) var += (r[t] - mean) * (r[t] - mean);
        var /= T;
        float inv = (float)(1.0 / sqrt(var + 1e-5)), m = (float)mean;
        float g = 1.0f + gb[c], bt = gb[C + c];
        for (int t = 0; t < T; t++) r[t] = g * ((r[t] - m) * inv) + bt;
    }
}

void lt_ada_layer_norm_rows(float *x, int T, int C, const float *gb, float eps) {
    lt_layer_norm_rows(x, T, C, NULL, NULL, eps);
    for (int t = 0; t < T; t++) {
        float *r = x + (int64_t)t * C;
        for (int c = 0; c < C; c++) r[c] = (1.0f + gb[c]) * r[c] + gb[C + c];
    }
}

void lt_leaky_relu(float *x, int64_t n, float slope) {
    for (int64_t i = 0; i < n; i++) x[i] = x[i] > 0 ? x[i] : x[i] * slope;
}

void lt_snake(float *x, int C, int T, const float *alpha) {
    for (int c = 0; c < C; c++) {
        float a = alpha[c], inv = 1.0f / a;
        float *r = x + (int64_t)c * T;
        for (int t = 0; t < T; t++) {
            float s = sinf(a * r[t]);
            r[t] += inv * (s * s);
        }
    }
}

void lt_gelu_new(float *x, int64_t n) {
    const float k = 0.7978845608028654f; /* sqrt(2/pi) */
    for (int64_t i = 0; i < n; i++) {
        float v = x[i];
        x[i] = 0.5f * v * (1.0f + tanhf(k * (v + 0.044715f * v * v * v)));
    }
}

static float sigmoidf(float x) { return 1.0f / (1.0f + expf(-x)); }

int lt_lstm_bidirectional(const float *x, int T, int in, int H, const float *const w_ih[2],
                          const float *const w_hh[2], const float *const b_ih[2],
                          const float *const b_hh[2], float *y) {
    int G = 4 * H;
    float *gates = malloc(sizeof(float) * ((size_t)T * G + (size_t)G + 2 * (size_t)H));
    if (!gates) return -1;
    float *g = gates + (int64_t)T * G, *h = g + G, *c = h + H;
    for (int dir = 0; dir < 2; dir++) {
        /* input projection for every step at once: gates[T][4H] = x · w_ihᵀ + b_ih + b_hh */
        for (int t = 0; t < T; t++)
            for (int j = 0; j < G; j++) gates[(int64_t)t * G + j] = b_ih[dir][j] + b_hh[dir][j];
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, T, G, in, 1.0f, x, in, w_ih[dir], in, 1.0f, gates, G);
        memset(h, 0, sizeof(float) * 2 * (size_t)H);
        for (int s = 0; s < T; s++) {
            int t = dir == 0 ? s : T - 1 - s;
            memcpy(g, gates + (int64_t)t * G, sizeof(float) * (size_t)G);
            cblas_sgemv(CblasRowMajor, CblasNoTrans, G, H, 1.0f, w_hh[dir], H, h, 1, 1.0f, g, 1);
            float *out = y + (int64_t)t * 2 * H + dir * H;
            for (int j = 0; j < H; j++) {
                float ig = sigmoidf(g[j]), fg = sigmoidf(g[H + j]);
                float gg = tanhf(g[2 * H + j]), og = sigmoidf(g[3 * H + j]);
                c[j] = fg * c[j] + ig * gg;
                h[j] = og * tanhf(c[j]);
                out[j] = h[j];
            }
        }
    }
    free(gates);
    return 0;
}
