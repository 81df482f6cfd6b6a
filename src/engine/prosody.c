/* prosody.c — the prosody predictor's pieces that are not plain LSTMs:
 * the duration encoder and the F0 / energy (N) branches.
 *
 * Duration encoder, rows layout, S = style_dim, D = hidden_dim:
 *   x = [d_en | s]                                          [T][D+S]
 *   n_layer × ( x = BiLSTM(x) [T][D];  x = AdaLayerNorm(x, s);  x = [x | s] )
 * F0 / N branch: x [F][D] (shared BiLSTM output), channel-major:
 *   AdainResBlk1d(D→D) → AdainResBlk1d(D→D/2, ×2 upsample) → AdainResBlk1d(D/2→D/2)
 *   → Conv1d 1×1 (D/2 → 1)                                  [2F] */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/kernels.h"
#include "engine/layers.h"
#include "engine/kokoro_internal.h"

void lt_style_affine(const lt_linear *fc, const float *s, float *gb) {
    if (lt_linear_apply(fc, s, 1, gb)) /* out of memory: no style shift rather than garbage */
        for (int i = 0; i < fc->out; i++) gb[i] = 0.0f;
}

int lt_duration_encoder_forward(const lt_kokoro *m, const float *d_en, int T, const float *s, float *d) {
    int D = m->cfg.hidden_dim, S = m->cfg.style_dim, W = D + S;
    float *h = malloc(sizeof(float) * ((size_t)T * D + 2 * (size_t)D));
    if (!h) return -1;
    float *gb = h + (size_t)T * D;
    for (int t = 0; t < T; t++) {
        memcpy(d + (int64_t)t * W, d_en + (int64_t)t * D, sizeof(float) * (size_t)D);
        memcpy(d + (int64_t)t * W + D, s, sizeof(float) * (size_t)S);
    }
    for (int i = 0; i < m->cfg.n_layer; i++) {
        if (lt_lstm_apply(&m->dur_lstm[i], d, T, h)) { free(h); return -1; }
        lt_style_affine(&m->dur_aln[i], s, gb);
        lt_ada_layer_norm_rows(h, T, D, gb, 1e-5f);
        for (int t = 0; t < T; t++) memcpy(d + (int64_t)t * W, h + (int64_t)t * D, sizeof(float) * (size_t)D);
    }
    free(h);
    return 0;
}

int lt_adain_resblk_forward(const lt_adain_resblk *r, const float *x, int T, const float *s, float *y) {
    int Ci = r->dim_in, Co = r->dim_out, T2 = r->upsample ? 2 * T : T;
    size_t gbn = 2 * (size_t)(Ci > Co ? Ci : Co);
    float *buf = malloc(sizeof(float) * ((size_t)Ci * T + (size_t)Ci * T2 + (size_t)Co * T2 + gbn));
    if (!buf) return -1;
    float *a = buf, *b = a + (size_t)Ci * T, *c = b + (size_t)Ci * T2, *gb = c + (size_t)Co * T2;
    /* residual: norm1 → lrelu → (pool) → conv1 → norm2 → lrelu → conv2 */
    memcpy(a, x, sizeof(float) * (size_t)Ci * T);
    lt_style_affine(&r->norm1, s, gb);
    lt_adain(a, Ci, T, gb);
    lt_leaky_relu(a, (int64_t)Ci * T, 0.2f);
    const float *pooled = a;
    if (r->upsample) {
        if (lt_conv_t_depthwise_apply(&r->pool, a, T, 2, 1, b, T2)) { free(buf); return -1; }
        pooled = b;
    }
    int rc = lt_conv_apply(&r->conv1, pooled, T2, 1, 1, 1, c);
    lt_style_affine(&r->norm2, s, gb);
    lt_adain(c, Co, T2, gb);
    lt_leaky_relu(c, (int64_t)Co * T2, 0.2f);
    rc |= lt_conv_apply(&r->conv2, c, T2, 1, 1, 1, y);
    /* shortcut: (nearest ×2) → (conv1x1) */
    const float *sc = x;
    if (r->upsample) {
        for (int ch = 0; ch < Ci; ch++)
            for (int t = 0; t < T2; t++) b[(int64_t)ch * T2 + t] = x[(int64_t)ch * T + t / 2];
        sc = b;
    }
    if (r->learned_sc) {
        rc |= lt_conv_apply(&r->conv1x1, sc, T2, 1, 0, 1, c);
        sc = c;
    }
    const float rs2 = 0.70710677f; /* torch.rsqrt(torch.tensor(2)) in float32 */
    for (int64_t i = 0; i < (int64_t)Co * T2; i++) y[i] = (y[i] + sc[i]) * rs2;
    free(buf);
    return rc ? -1 : 0;
}

static int branch(const lt_kokoro *m, const lt_adain_resblk *blocks, const lt_conv *proj, const float *x, int F,
                  const float *s, float *out) {
    int D = m->cfg.hidden_dim;
    float *buf = malloc(sizeof(float) * 2 * (size_t)D * 2 * F);
    if (!buf) return -1;
    float *a = buf, *b = buf + (size_t)D * 2 * F;
    int T = F, rc = 0;
    memcpy(a, x, sizeof(float) * (size_t)D * F);
    for (int i = 0; i < 3 && !rc; i++) {
        rc = lt_adain_resblk_forward(&blocks[i], a, T, s, b);
        if (blocks[i].upsample) T *= 2;
        float *tmp = a; a = b; b = tmp;
    }
    if (!rc) rc = lt_conv_apply(proj, a, T, 1, 0, 1, out);
    free(buf);
    return rc;
}

int lt_f0n_forward(const lt_kokoro *m, const float *x, int F, const float *s, float *f0, float *n) {
    int D = m->cfg.hidden_dim;
    float *xc = malloc(sizeof(float) * (size_t)D * F);
    if (!xc) return -1;
    for (int f = 0; f < F; f++)
        for (int c = 0; c < D; c++) xc[(int64_t)c * F + f] = x[(int64_t)f * D + c];
    int rc = branch(m, m->f0_blocks, &m->f0_proj, xc, F, s, f0);
    if (!rc) rc = branch(m, m->n_blocks, &m->n_proj, xc, F, s, n);
    free(xc);
    return rc;
}
