/* kernels.c — float32 kernels for the Kokoro layers (see kernels.h). */
#include "engine/kernels.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Column tile for im2col / col2im: bounds scratch memory whatever the length. */
#define LT_CONV_TILE 1024

/* PyTorch's addmm on the golden machine summed every dot product in index
 * order in float32, multiply then add (no FMA), and added the bias last; the
 * golden tensors match that bit for bit, and the prosody predictor amplifies
 * any other rounding enough to matter. So linear layers and the attention
 * products sum in that order: y[m][n] = (Σ_k a[m][k]·b[n][k]) + bias[n].
 * The loops run over m innermost so they vectorise without reordering. */
#define LT_ORDERED_TILE 64
__attribute__((target_clones("avx512f", "avx2", "default")))
static void ordered_tile(const float *aT, int M, int K, const float *b, int ldb, int n0, int n1, const float *bias,
                         float *y, int ldy) {
    float acc[LT_ORDERED_TILE];
    for (int n = n0; n < n1; n++) {
        const float *bn = b + (int64_t)n * ldb;
        for (int m = 0; m < M; m++) acc[m] = 0.0f;
        for (int k = 0; k < K; k++) {
            const float bk = bn[k], *ak = aT + (int64_t)k * LT_ORDERED_TILE;
            for (int m = 0; m < M; m++) acc[m] += ak[m] * bk;
        }
        float bv = bias ? bias[n] : 0.0f;
        for (int m = 0; m < M; m++) y[(int64_t)m * ldy + n] = bias ? acc[m] + bv : acc[m];
    }
}

int lt_matmul_abt(const float *a, int lda, const float *b, int ldb, int M, int N, int K, const float *bias, float *y,
                  int ldy) {
    float *aT = malloc(sizeof(float) * (size_t)K * LT_ORDERED_TILE);
    if (!aT) return -1;
    for (int m0 = 0; m0 < M; m0 += LT_ORDERED_TILE) {
        int mt = M - m0 < LT_ORDERED_TILE ? M - m0 : LT_ORDERED_TILE;
        for (int m = 0; m < mt; m++)
            for (int k = 0; k < K; k++) aT[(int64_t)k * LT_ORDERED_TILE + m] = a[(int64_t)(m0 + m) * lda + k];
        ordered_tile(aT, mt, K, b, ldb, 0, N, bias, y + (int64_t)m0 * ldy, ldy);
    }
    free(aT);
    return 0;
}

void lt_linear_rows(const float *x, int T, int in, const float *w, const float *b, int out, float *y) {
    if (lt_matmul_abt(x, in, w, in, T, out, in, b, y, out) == 0) return;
    /* out of memory for the 64-row scratch: fall back to BLAS rather than fail */
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

/* Normalisations round the way PyTorch 1.13's CPU kernels do, because the
 * golden data is PyTorch's float32 result (float64 is *further* from it):
 *   LayerNorm:    y = (x·rstd + (−rstd·mean))·γ + β
 *   InstanceNorm: α = invstd, β₀ = −mean·α, y = x·α + β₀   (batch-norm path)
 * Statistics are accumulated in double. */
static void moments(const float *x, int64_t n, int64_t stride, float *mean_out, double *var_out) {
    double mean = 0, var = 0;
    for (int64_t i = 0; i < n; i++) mean += x[i * stride];
    mean /= (double)n;
    for (int64_t i = 0; i < n; i++) {
        double d = x[i * stride] - mean;
        var += d * d;
    }
    *mean_out = (float)mean;
    *var_out = var / (double)n;
}

void lt_layer_norm_rows(float *x, int T, int C, const float *gamma, const float *beta, float eps) {
    for (int t = 0; t < T; t++) {
        float *r = x + (int64_t)t * C, mean;
        double var;
        moments(r, C, 1, &mean, &var);
        float rstd = 1.0f / sqrtf((float)var + eps), bias = -rstd * mean;
        if (gamma)
            for (int c = 0; c < C; c++) r[c] = (r[c] * rstd + bias) * gamma[c] + beta[c];
        else
            for (int c = 0; c < C; c++) r[c] = r[c] * rstd + bias;
    }
}

void lt_layer_norm_channels(float *x, int C, int T, const float *gamma, const float *beta, float eps) {
    for (int t = 0; t < T; t++) {
        float mean;
        double var;
        moments(x + t, C, T, &mean, &var);
        float rstd = 1.0f / sqrtf((float)var + eps), bias = -rstd * mean;
        for (int c = 0; c < C; c++) {
            float *v = &x[(int64_t)c * T + t];
            *v = gamma ? (*v * rstd + bias) * gamma[c] + beta[c] : *v * rstd + bias;
        }
    }
}

void lt_adain(float *x, int C, int T, const float *gb) {
    for (int c = 0; c < C; c++) {
        float *r = x + (int64_t)c * T;
        double sum = 0, var_sum = 0;
        for (int t = 0; t < T; t++) sum += r[t];
        float mean = (float)(sum / T);
        for (int t = 0; t < T; t++) {
            float d = r[t] - mean;
            var_sum += d * d;
        }
        float alpha = (float)(1.0 / sqrt(var_sum / T + 1e-5)), beta0 = 0.0f - mean * alpha;
        float g = 1.0f + gb[c], bt = gb[C + c];
        for (int t = 0; t < T; t++) r[t] = g * (r[t] * alpha + beta0) + bt;
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
        float cube = (v * v) * v; /* torch.pow(x, 3.0), then the products in HF's order */
        x[i] = (0.5f * v) * (1.0f + tanhf(k * (v + 0.044715f * cube)));
    }
}

static float sigmoidf(float x) { return 1.0f / (1.0f + expf(-x)); }

/* g[j] = (Σ_i w[j][i]·h[i]) + b[j], summed in index order, from wT [H][G]. */
__attribute__((target_clones("avx512f", "avx2", "default")))
static void ordered_gemv_t(const float *wT, int G, int H, const float *h, const float *b, float *g) {
    for (int j = 0; j < G; j++) g[j] = 0.0f;
    for (int i = 0; i < H; i++) {
        const float hi = h[i], *row = wT + (int64_t)i * G;
        for (int j = 0; j < G; j++) g[j] += row[j] * hi;
    }
    for (int j = 0; j < G; j++) g[j] = g[j] + b[j];
}

int lt_lstm_bidirectional(const float *x, int T, int in, int H, const float *const w_ih[2],
                          const float *const w_hh[2], const float *const b_ih[2],
                          const float *const b_hh[2], float *y) {
    /* PyTorch's LSTMCell: gates = (W_hh·h + b_hh) + (W_ih·x + b_ih), chunks i, f, g, o. */
    int G = 4 * H;
    float *gates = malloc(sizeof(float) * ((size_t)T * G + (size_t)G + 2 * (size_t)H + (size_t)G * H));
    if (!gates) return -1;
    float *g = gates + (int64_t)T * G, *h = g + G, *c = h + H, *wT = c + H;
    for (int dir = 0; dir < 2; dir++) {
        if (lt_matmul_abt(x, in, w_ih[dir], in, T, G, in, b_ih[dir], gates, G)) { free(gates); return -1; }
        for (int j = 0; j < G; j++)
            for (int i = 0; i < H; i++) wT[(int64_t)i * G + j] = w_hh[dir][(int64_t)j * H + i];
        memset(h, 0, sizeof(float) * 2 * (size_t)H);
        for (int s = 0; s < T; s++) {
            int t = dir == 0 ? s : T - 1 - s;
            ordered_gemv_t(wT, G, H, h, b_hh[dir], g);
            const float *xg = gates + (int64_t)t * G;
            for (int j = 0; j < G; j++) g[j] += xg[j];
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
