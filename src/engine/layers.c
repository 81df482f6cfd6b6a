/* layers.c — layer structs → float32 kernels (see layers.h). Reduced-precision
 * weights (f16, bf16, q8_0) stay as the file stores them. Convolutions hand
 * them to the kernels as they are: lt_conv1d_typed widens them while packing
 * (stride 1), and stride-1 Q8_0 convolutions go to lt_conv1d_q8_0, which reads
 * the blocks directly (8-bit integer products on AVX-512 VNNI), as do the f16
 * convolutions of a q8_0 model marked eight_bit (quantised while packing). The other
 * layers widen only the weights they are about to use and free them after, so
 * the model's resident size is the file's size, not float32's. */
#include "engine/layers.h"

#include <stdlib.h>

#include "engine/kernels.h"
#include "engine/quant.h"
#include "engine/threadpool.h"

typedef struct widen_job { lt_weight w; float *f; int64_t n, per; } widen_job;

/* Task: elements [task·per, …) of the layer (per is a multiple of the Q8_0 block). */
static void widen_task(void *ctx, int task, int thread) {
    (void)thread;
    const widen_job *j = ctx;
    int64_t i0 = task * j->per, m = j->n - i0 < j->per ? j->n - i0 : j->per;
    lt_widen_range(j->w.p, j->w.dtype, i0, (size_t)m, j->f + i0);
}

const float *lt_weight_f32(lt_weight w, int64_t n, float **tmp) {
    *tmp = NULL;
    if (w.dtype == LT_F32) return w.p;
    float *f = malloc(sizeof(float) * (size_t)n);
    if (!f) return NULL;
    /* on the pool: a serial widening of the ALBERT / LSTM matrices shows in two-thread profiles */
    widen_job j = {.w = w, .f = f, .n = n};
    lt_parallel_for(lt_pool_split(n, 65536, LT_Q8_0_BLOCK, &j.per), widen_task, &j);
    *tmp = f;
    return f;
}

int lt_linear_f32_open(const lt_linear *l, lt_linear_f32 *v) {
    v->l = l;
    v->w = lt_weight_f32(l->w, (int64_t)l->out * l->in, &v->owned);
    return v->w ? 0 : -1;
}

int lt_linear_f32_apply(const lt_linear_f32 *v, const float *x, int T, float *y) {
    const lt_linear *l = v->l;
    /* float32 weights keep PyTorch's summation order (parity); widened ones have no exact
     * result to match, so they take OpenBLAS, ~3x faster on these shapes */
    if (v->owned) lt_linear_sgemm(x, T, l->in, v->w, l->b, l->out, y);
    else lt_linear_rows(x, T, l->in, v->w, l->b, l->out, y);
    return 0;
}

void lt_linear_f32_close(lt_linear_f32 *v) {
    free(v->owned);
    v->owned = NULL;
    v->w = NULL;
}

int lt_linear_apply(const lt_linear *l, const float *x, int T, float *y) {
    lt_linear_f32 v;
    if (lt_linear_f32_open(l, &v)) return -1;
    int rc = lt_linear_f32_apply(&v, x, T, y);
    lt_linear_f32_close(&v);
    return rc;
}

static int conv_apply(const lt_conv *c, const float *x, int tin, int stride, int pad, int dil, float *y, int add,
                      lt_row_stats *stats, int *stats_done) {
    if (stats_done) *stats_done = 0;
    /* wide kernels, long inputs: through the FFT (kernels_conv_fft.c), unless the 8-bit integer
     * kernel runs (as fast on this CPU, and without the transform) */
    int int8 = (c->w.dtype == LT_Q8_0 || c->eight_bit) && lt_conv1d_q8_0_int8();
    int n = stride == 1 && !int8 ? lt_conv_fft_size(c->in, c->out, c->k, lt_conv1d_out_len(tin, c->k, 1, pad, dil), dil) : 0;
    if (n) {
        lt_conv_fft *p = lt_conv_fft_prepare(c->w.p, c->w.dtype, c->out, c->in, c->k, n);
        if (p) {
            int rc = (add ? lt_conv_fft_apply_add : lt_conv_fft_apply)(p, x, tin, c->b, pad, dil, y);
            lt_conv_fft_free(p);
            return rc;
        }
    }
    /* Q8_0 weights, stride 1: the 8-bit kernel reads the blocks as stored (kernels_q8.c) */
    if (c->w.dtype == LT_Q8_0 && stride == 1 && ((int64_t)c->in * c->k) % LT_Q8_0_BLOCK == 0)
        return lt_conv1d_q8_0_ex(x, c->in, tin, c->w.p, c->b, c->out, c->k, pad, dil, y, add, stats, stats_done);
    /* the f16 convs of a q8_0 model: quantised to 8-bit blocks while packing */
    if (c->eight_bit && stride == 1)
        return lt_conv1d_f16_int8_ex(x, c->in, tin, c->w.p, c->b, c->out, c->k, pad, dil, y, add, stats, stats_done);
    return (add ? lt_conv1d_typed_add : lt_conv1d_typed)(x, c->in, tin, c->w.p, c->w.dtype, c->b, c->out, c->k,
                                                         stride, pad, dil, y);
}

int lt_conv_apply(const lt_conv *c, const float *x, int tin, int stride, int pad, int dil, float *y) {
    return conv_apply(c, x, tin, stride, pad, dil, y, 0, NULL, NULL);
}

int lt_conv_apply_ex(const lt_conv *c, const float *x, int tin, int stride, int pad, int dil, float *y, int add,
                     lt_row_stats *stats, int *stats_done) {
    return conv_apply(c, x, tin, stride, pad, dil, y, add, stats, stats_done);
}

int lt_conv_t_apply(const lt_conv_t *c, const float *x, int tin, int stride, int pad, float *y, int tout) {
    float *tmp;
    const float *w = lt_weight_f32(c->w, (int64_t)c->in * c->out * c->k, &tmp);
    if (!w) return -1;
    int rc = lt_conv_transpose1d(x, c->in, tin, w, c->b, c->out, c->k, stride, pad, 0, y, tout);
    free(tmp);
    return rc;
}

int lt_conv_t_depthwise_apply(const lt_conv_t *c, const float *x, int tin, int stride, int pad, float *y, int tout) {
    float *tmp;
    const float *w = lt_weight_f32(c->w, (int64_t)c->in * c->k, &tmp);
    if (!w) return -1;
    lt_conv_transpose1d_depthwise(x, c->in, tin, w, c->b, c->k, stride, pad, y, tout);
    free(tmp);
    return 0;
}

int lt_lstm_apply(const lt_lstm *l, const float *x, int T, float *y) {
    int G = 4 * l->hidden, rc = -1;
    float *tmp[4] = {0};
    const float *w_ih[2], *w_hh[2];
    for (int d = 0; d < 2; d++) {
        w_ih[d] = lt_weight_f32(l->w_ih[d], (int64_t)G * l->in, &tmp[2 * d]);
        w_hh[d] = lt_weight_f32(l->w_hh[d], (int64_t)G * l->hidden, &tmp[2 * d + 1]);
        if (!w_ih[d] || !w_hh[d]) goto done;
    }
    rc = lt_lstm_bidirectional(x, T, l->in, l->hidden, w_ih, w_hh, l->b_ih, l->b_hh, y);
done:
    for (int i = 0; i < 4; i++) free(tmp[i]);
    return rc;
}
