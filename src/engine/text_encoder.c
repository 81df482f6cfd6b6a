/* text_encoder.c — Kokoro's TextEncoder: the acoustic text features t_en.
 *
 *   x = embedding[id]ᵀ                                   [D][T]
 *   n_layer × ( Conv1d k, pad (k−1)/2 → LayerNorm over channels (1e-5)
 *               → LeakyReLU 0.2 )
 *   t_en = BiLSTM(xᵀ)ᵀ                                   [D][T] */
#include <stdlib.h>

#include "engine/kernels.h"
#include "engine/layers.h"
#include "engine/kokoro_internal.h"

int lt_text_encoder_forward(const lt_kokoro *m, const int64_t *ids, int T, float *t_en) {
    int D = m->cfg.hidden_dim;
    float *buf = malloc(sizeof(float) * 3 * (size_t)D * T);
    if (!buf) return -1;
    float *x = buf, *y = buf + (size_t)D * T, *rows = y + (size_t)D * T;
    for (int t = 0; t < T; t++)
        for (int c = 0; c < D; c++) x[(int64_t)c * T + t] = m->text_emb[ids[t] * D + c];
    for (int i = 0; i < m->cfg.n_layer; i++) {
        const lt_conv *cv = &m->text_cnn[i];
        if (lt_conv_apply(cv, x, T, 1, (cv->k - 1) / 2, 1, y)) { free(buf); return -1; }
        lt_layer_norm_channels(y, D, T, m->text_ln_gamma[i], m->text_ln_beta[i], 1e-5f);
        lt_leaky_relu(y, (int64_t)D * T, 0.2f);
        float *tmp = x; x = y; y = tmp;
    }
    for (int t = 0; t < T; t++)
        for (int c = 0; c < D; c++) rows[(int64_t)t * D + c] = x[(int64_t)c * T + t];
    int rc = lt_lstm_apply(&m->text_lstm, rows, T, y);
    if (rc == 0)
        for (int t = 0; t < T; t++)
            for (int c = 0; c < D; c++) t_en[(int64_t)c * T + t] = y[(int64_t)t * D + c];
    free(buf);
    return rc;
}
