/* decoder.c — the decoder trunk (everything before the iSTFTNet generator).
 *
 *   F0d = Conv1d(F0, k3, stride 2, pad 1)      [1][F]      (dec_F0_down)
 *   Nd  = Conv1d(N,  k3, stride 2, pad 1)      [1][F]      (dec_N_down)
 *   x   = encode([asr | F0d | Nd])             [C][F]      (dec_encode; C = 1024)
 *   r   = asr_res(asr)                          [R][F]      (dec_asr_res; R = 64)
 *   each decode block i: x = decode_i([x | r | F0d | Nd])   (dec_decode<i>)
 *   the last block upsamples ×2 →              [C0][2F]    (C0 = 512) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/kernels.h"
#include "engine/layers.h"
#include "engine/kokoro_internal.h"

int lt_decoder_trunk_forward(const lt_kokoro *m, const float *asr, int F, const float *f0, const float *n,
                             const float *s, const lt_synth_hooks *h, float *out) {
    int D = m->cfg.hidden_dim, C = m->dec_dim, R = m->dec_res_dim;
    int cat_w = C + R + 2;
    size_t big = (size_t)(cat_w > D + 2 ? cat_w : D + 2) * F;
    float *buf = malloc(sizeof(float) * (2 * (size_t)F + (size_t)R * F + 2 * big));
    if (!buf) return -1;
    float *f0d = buf, *nd = f0d + F, *res = nd + F, *cat = res + (size_t)R * F, *x = cat + big;
    int rc = 0;
    rc |= lt_conv_apply(&m->f0_conv, f0, 2 * F, 2, 1, 1, f0d);
    rc |= lt_conv_apply(&m->n_conv, n, 2 * F, 2, 1, 1, nd);
    LT_DUMP_F32(h, "dec_F0_down", f0d, 1, 1, F);
    LT_DUMP_F32(h, "dec_N_down", nd, 1, 1, F);

    memcpy(cat, asr, sizeof(float) * (size_t)D * F);
    memcpy(cat + (size_t)D * F, f0d, sizeof(float) * (size_t)F);
    memcpy(cat + (size_t)(D + 1) * F, nd, sizeof(float) * (size_t)F);
    rc |= lt_adain_resblk_forward(&m->encode, cat, F, s, x);
    LT_DUMP_F32(h, "dec_encode", x, 1, C, F);
    rc |= lt_conv_apply(&m->asr_res, asr, F, 1, 0, 1, res);
    LT_DUMP_F32(h, "dec_asr_res", res, 1, R, F);

    for (int i = 0; i < m->n_decode && !rc; i++) {
        const lt_adain_resblk *blk = &m->decode[i];
        memcpy(cat, x, sizeof(float) * (size_t)C * F);
        memcpy(cat + (size_t)C * F, res, sizeof(float) * (size_t)R * F);
        memcpy(cat + (size_t)(C + R) * F, f0d, sizeof(float) * (size_t)F);
        memcpy(cat + (size_t)(C + R + 1) * F, nd, sizeof(float) * (size_t)F);
        float *dst = blk->upsample ? out : x;
        rc |= lt_adain_resblk_forward(blk, cat, F, s, dst);
        char name[32];
        snprintf(name, sizeof name, "dec_decode%d", i);
        LT_DUMP_F32(h, name, dst, 1, blk->dim_out, blk->upsample ? 2 * F : F);
    }
    free(buf);
    return rc ? -1 : 0;
}
