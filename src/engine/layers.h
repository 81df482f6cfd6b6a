/* layers.h — the model's layers applied to activations: each call takes a
 * layer struct from kokoro.h (weights in the file's type), widens reduced
 * weights for this call only, and runs the float32 kernel of kernels.h.
 * All return 0, or -1 when out of memory. */
#ifndef LT_ENGINE_LAYERS_H
#define LT_ENGINE_LAYERS_H

#include "engine/kernels.h"
#include "engine/kokoro.h"

/* Float32 view of n weights: w.p itself for f32, else a malloc'd copy in
 * *tmp (free it after use). NULL when out of memory. */
const float *lt_weight_f32(lt_weight w, int64_t n, float **tmp);

/* rows: y[T][out] = x[T][in]·wᵀ + b */
int lt_linear_apply(const lt_linear *l, const float *x, int T, float *y);
/* A linear layer held in float32 across several calls: reduced weights are
 * widened once at open (ALBERT applies its one shared layer 12 times), float32
 * weights are used in place. Apply gives the same result as lt_linear_apply. */
typedef struct lt_linear_f32 {
    const lt_linear *l;
    const float *w; /* [out][in] */
    float *owned;   /* the widened copy, or NULL */
} lt_linear_f32;
int lt_linear_f32_open(const lt_linear *l, lt_linear_f32 *v);
int lt_linear_f32_apply(const lt_linear_f32 *v, const float *x, int T, float *y);
void lt_linear_f32_close(lt_linear_f32 *v);
/* channel-major Conv1d: x [in][tin] → y [out][tout] */
int lt_conv_apply(const lt_conv *c, const float *x, int tin, int stride, int pad, int dil, float *y);
/* The same, or with add y += it, bit for bit (conv + bias) + y: the residual add folded into the
 * kernels' stores. Where the kernel can (Q8_0 weights on the 8-bit path) also the output rows'
 * statistics as they are stored: stats [out] (may be NULL), *stats_done 1; otherwise *stats_done 0. */
int lt_conv_apply_ex(const lt_conv *c, const float *x, int tin, int stride, int pad, int dil, float *y, int add,
                     lt_row_stats *stats, int *stats_done);
/* channel-major ConvTranspose1d (groups 1): x [in][tin] → y [out][tout] */
int lt_conv_t_apply(const lt_conv_t *c, const float *x, int tin, int stride, int pad, float *y, int tout);
/* depthwise ConvTranspose1d (groups = channels) */
int lt_conv_t_depthwise_apply(const lt_conv_t *c, const float *x, int tin, int stride, int pad, float *y, int tout);
/* bidirectional LSTM: x [T][in] → y [T][2·hidden] */
int lt_lstm_apply(const lt_lstm *l, const float *x, int T, float *y);

#endif
