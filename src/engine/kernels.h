/* kernels.h — the numeric building blocks of the Kokoro model, float32.
 *
 * Layout conventions (row-major everywhere):
 *   "rows"            x[T][C]  one row per token/frame (ALBERT, LSTMs, AdaLayerNorm)
 *   "channel-major"   x[C][T]  one row per channel (every convolution)
 * Weights are PyTorch's own layouts: Linear [out][in], Conv1d [out][in][k],
 * ConvTranspose1d [in][out][k]. Big products go to OpenBLAS sgemm; the
 * element-wise passes are plain loops the compiler vectorises. Functions that
 * need scratch space allocate it themselves and return -1 only when memory
 * runs out. */
#ifndef LT_ENGINE_KERNELS_H
#define LT_ENGINE_KERNELS_H

#include <stdint.h>

#include "engine/tensor.h"

/* y[m][n] = (Σ_k a[m][k]·b[n][k]) + bias[n], each sum in index order (see kernels.c). */
int lt_matmul_abt(const float *a, int lda, const float *b, int ldb, int M, int N, int K, const float *bias, float *y,
                  int ldy);
/* y[T][out] = x[T][in] · wᵀ + b   (b may be NULL) */
void lt_linear_rows(const float *x, int T, int in, const float *w, const float *b, int out, float *y);
/* The same through OpenBLAS sgemm (its own summation order): for weights that were widened
 * from a reduced type, where no bit-exact result exists to match. */
void lt_linear_sgemm(const float *x, int T, int in, const float *w, const float *b, int out, float *y);

/* Conv1d, channel-major. y[cout][tout], tout = (tin + 2·pad − dil·(k−1) − 1)/stride + 1.
 * w [cout][cin][k], b [cout] or NULL. */
int lt_conv1d_out_len(int tin, int k, int stride, int pad, int dil);
int lt_conv1d(const float *x, int cin, int tin, const float *w, const float *b, int cout, int k,
              int stride, int pad, int dil, float *y);
/* The same with w in the file's type (f32, f16, bf16, or q8_0 rows of whole blocks): stride-1
 * convolutions widen the weights while packing them (no float32 copy of the layer); others
 * widen a copy for the call. Results equal lt_conv1d on the widened weights. */
int lt_conv1d_typed(const float *x, int cin, int tin, const void *w, lt_dtype wtype, const float *b, int cout, int k,
                    int stride, int pad, int dil, float *y);
/* y += the same convolution (a residual connection): on the direct kernel the sum is taken as each
 * block is stored, bit for bit (conv + bias) + y; other paths go through a temporary. The _add
 * variants below mean the same. */
int lt_conv1d_typed_add(const float *x, int cin, int tin, const void *w, lt_dtype wtype, const float *b, int cout,
                        int k, int stride, int pad, int dil, float *y);

/* ConvTranspose1d, channel-major, groups = 1. w [cin][cout][k].
 * tout = (tin − 1)·stride − 2·pad + k + out_pad. */
int lt_conv_transpose1d(const float *x, int cin, int tin, const float *w, const float *b, int cout,
                        int k, int stride, int pad, int out_pad, float *y, int tout);
/* Depthwise ConvTranspose1d (groups = channels), w [c][1][k]. */
void lt_conv_transpose1d_depthwise(const float *x, int c, int tin, const float *w, const float *b, int k,
                                   int stride, int pad, float *y, int tout);

/* LayerNorm over each row of x[T][C] (in place); gamma/beta may be NULL. Rounds as PyTorch's CPU
 * kernel: float Welford moments over 8 lanes (kernels.c), y = fma(fma(x, rstd, −rstd·mean), γ, β). */
void lt_layer_norm_rows(float *x, int T, int C, const float *gamma, const float *beta, float eps);
/* LayerNorm over channels at each time step of channel-major x[C][T] (in place). */
void lt_layer_norm_channels(float *x, int C, int T, const float *gamma, const float *beta, float eps);
/* AdaIN: instance norm over time per channel (eps 1e-5, biased variance), then
 * (1 + gamma[c])·x̂ + beta[c]; gb = [gamma(C) | beta(C)]. x channel-major, in place. */
void lt_adain(float *x, int C, int T, const float *gb);
/* lt_adain, then Snake (below) with alpha [C] on the result (alpha NULL: none), in one pass. */
void lt_adain_snake(float *x, int C, int T, const float *gb, const float *alpha);
/* The same reading x and writing y (same values as copying x to y, then lt_adain_snake(y)). */
void lt_adain_snake_from(const float *x, float *y, int C, int T, const float *gb, const float *alpha);
/* Statistics of each row of a [C][T] tensor, summed while a kernel stores it (lt_conv1d_q8_0_ex), so
 * that AdaIN needs no pass of its own to measure the rows: Σx and Σx² in double, min and max. */
typedef struct lt_row_stats { double sum, sumsq; float min, max; } lt_row_stats;
/* lt_adain_snake_from with the rows' statistics given (st NULL: measured here, as lt_adain_snake_from).
 * From streamed sums the variance is Σx² − (Σx)²/T: it differs from the two-pass one in the last bits,
 * which the reduced-precision weights it serves (q8_0) cannot tell; float32 models keep two passes. */
void lt_adain_snake_stats(const float *x, float *y, int C, int T, const float *gb, const float *alpha,
                          const lt_row_stats *st);
/* AdaLayerNorm on rows x[T][C]: layer norm without affine, then (1 + gamma)·x̂ + beta. */
void lt_ada_layer_norm_rows(float *x, int T, int C, const float *gb, float eps);

/* exp, tanh and sigmoid rounded as PyTorch 1.13's vectorised CPU kernels round them (SLEEF's 1-ulp
 * algorithms with FMA; kernels_sleef.c). y may equal x. sigmoid(x) = 1 / (exp(0 − x) + 1). */
float lt_pt_expf(float x);
float lt_pt_tanhf(float x);
void lt_pt_exp(float *y, const float *x, int64_t n);
void lt_pt_tanh(float *y, const float *x, int64_t n);
void lt_pt_sigmoid(float *y, const float *x, int64_t n);
/* softmax of one row in place, PyTorch's last-dim order: e = exp(x − max); sum over 8 lanes, lanes
 * added as a tree; x = e · (1/sum). */
void lt_pt_softmax_row(float *x, int n);

void lt_leaky_relu(float *x, int64_t n, float slope);
/* Snake on channel-major x[C][T]: x + (1/α_c)·sin²(α_c·x) (sin² from a few-ulp polynomial). */
void lt_snake(float *x, int C, int T, const float *alpha);
void lt_gelu_new(float *x, int64_t n);
/* y[i] += x[i] */
void lt_add_inplace(float *y, const float *x, int64_t n);
/* x[i] = exp(x[i]) for i < n_exp, then sin for the next n_sin (the generator's
 * magnitude and phase rows), split over the thread pool */
void lt_exp_sin(float *x, int64_t n_exp, int64_t n_sin);
/* y[i] = x[i], split over the thread pool (memcpy per task) */
void lt_copy(float *y, const float *x, int64_t n);
/* y[i] = x[i] / d (y may be x), split over the thread pool */
void lt_div(float *y, const float *x, int64_t n, float d);

/* Bidirectional single-layer LSTM (gate order i, f, g, o), x[T][in] → y[T][2H]
 * (forward half then backward half). w_ih [4H][in], w_hh [4H][H]; index 0 =
 * forward, 1 = reverse. */
int lt_lstm_bidirectional(const float *x, int T, int in, int H, const float *const w_ih[2],
                          const float *const w_hh[2], const float *const b_ih[2],
                          const float *const b_hh[2], float *y);

/* Stride-1 Conv1d through the FFT, overlap-save (kernels_conv_fft.c): for wide kernels it does
 * 3–5 × fewer multiply-adds than the direct convolution; rounding differs (relative ~1e-7).
 * lt_conv_fft_size picks the FFT size n for a layer and an output length (0: the direct
 * convolution is cheaper); lt_conv_fft_prepare transforms w [cout][cin][k] (f32, f16, bf16, or q8_0
 * rows of whole blocks) for that n once; apply then runs any length, padding and dilation:
 * y[cout][tout], tout = tin + 2·pad − dil·(k−1), b may be NULL. NULL / -1 when memory runs out. */
typedef struct lt_conv_fft lt_conv_fft;
int lt_conv_fft_size(int cin, int cout, int k, int tout, int dil);
lt_conv_fft *lt_conv_fft_prepare(const void *w, lt_dtype wtype, int cout, int cin, int k, int n);
int lt_conv_fft_apply(const lt_conv_fft *p, const float *x, int tin, const float *b, int pad, int dil, float *y);
int lt_conv_fft_apply_add(const lt_conv_fft *p, const float *x, int tin, const float *b, int pad, int dil,
                          float *y); /* y += (see lt_conv1d_typed_add) */
void lt_conv_fft_free(lt_conv_fft *p);
/* AUTO: lt_conv_fft_size decides; ON: the FFT whenever a size fits; OFF: never (tests and
 * benchmarks compare the two). */
typedef enum { LT_CONV_FFT_AUTO = 0, LT_CONV_FFT_ON, LT_CONV_FFT_OFF } lt_conv_fft_mode;
void lt_conv_fft_set_mode(lt_conv_fft_mode m);

/* Conv1d, stride 1, channel-major, with Q8_0 weights w [cout][cin·k] (kernels_q8.c; cin·k a multiple of
 * 32, else -1): on AVX-512 VNNI the activations are quantised to 8 bits with one scale per output column
 * (max |x| over its receptive field / 127) and multiplied in integers; otherwise lt_conv1d_typed runs
 * (the blocks widened while packing). tout = tin + 2·pad − dil·(k−1); b may be NULL. */
int lt_conv1d_q8_0(const float *x, int cin, int tin, const void *w, const float *b, int cout, int k, int pad,
                   int dil, float *y);
/* The same, or with add y += it (see lt_conv1d_typed_add); on the 8-bit path also each output row's
 * statistics as it is stored (stats [cout] unless NULL; *stats_done = 1; without the 8-bit path
 * *stats_done = 0 and stats is untouched). */
int lt_conv1d_q8_0_ex(const float *x, int cin, int tin, const void *w, const float *b, int cout, int k, int pad,
                      int dil, float *y, int add, lt_row_stats *stats, int *stats_done);
/* The same 8-bit convolution with f16 weights w [cout][cin·k] of any row length: each row is cut into
 * blocks of 32 (the last one zero-padded) and quantised while packing exactly as lt_q8_0_quantize_row
 * would quantise it, so the result equals lt_conv1d_q8_0_ex on those blocks with the input padded by
 * zero channels. For the f16 layers of a q8_0 model (the decoder's 514- and 1090-channel convs, whose
 * rows are not whole blocks). Without the 8-bit path: lt_conv1d_typed on the f16 weights. */
int lt_conv1d_f16_int8_ex(const float *x, int cin, int tin, const uint16_t *w, const float *b, int cout, int k,
                          int pad, int dil, float *y, int add, lt_row_stats *stats, int *stats_done);
/* 1 when lt_conv1d_q8_0 takes the 8-bit integer path on this CPU (after LITETTS_CPU_DISABLE), else 0. */
int lt_conv1d_q8_0_int8(void);

/* How a direct convolution's work is cut into tasks: output time in chunks
 * of `chunk` steps (a multiple of cols, at most 2048, starting from
 * chunk_hint and halved until there are ≥ 4 chunks per thread of
 * chunk_threads), and, when there are still too few tasks for `threads`, the
 * n_cb output-channel blocks in groups of cb_per_group. Tasks = n_chunks ×
 * n_groups. Outputs never depend on the plan; statistics summed chunk by chunk
 * do, so their callers pass a fixed chunk_threads (LT_STATS_CHUNK_THREADS). */
#define LT_STATS_CHUNK_THREADS 2
typedef struct lt_conv_tiling {
    int tout, n_cb; /* the plan's inputs */
    int chunk, n_chunks, n_groups, cb_per_group;
} lt_conv_tiling;
void lt_conv_tiling_plan(int tout, int cols, int chunk_hint, int n_cb, int chunk_threads, int threads,
                         lt_conv_tiling *t);
/* Task t (< n_chunks · n_groups) of the plan: output columns [*t0, *t0 + *nt) for the co-blocks
 * [*cb0, *cb1). Returns 0 when the task's group is empty. */
int lt_conv_tiling_task(const lt_conv_tiling *p, int t, int *t0, int *nt, int *cb0, int *cb1);

#endif
