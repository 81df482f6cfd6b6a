/* generator.c — the iSTFTNet generator: decoder features + harmonic source →
 * magnitude/phase frames → audio.
 *
 * For each upsampling stage i (rates u_i, kernels k_i; C_i = C0 / 2^(i+1)):
 *   x   = LeakyReLU_0.1(x)
 *   src = noise_res_i(noise_convs_i(har))           [C_i][T_i]  (gen_noise_conv/res<i>)
 *   x   = ConvTranspose1d(x, k_i, stride u_i, pad (k_i−u_i)/2)   (gen_ups<i>)
 *   last stage: x = ReflectionPad(1, 0)(x)
 *   x   = mean over resblocks j of AdaINResBlock1_j(x + src)
 * then LeakyReLU_0.01 → conv_post (k 7) [n_fft+2][frames] (gen_conv_post) →
 * spec = exp(first half), phase = sin(second half) → iSTFT → audio. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/kernels.h"
#include "engine/layers.h"
#include "engine/kokoro_internal.h"
#include "engine/memtrace.h"

/* AdaINResBlock1: n × ( xt = conv2(snake2(adain2(conv1_dil(snake1(adain1(x)))))); x += xt ).
 * x [C][T] updated in place; tmp: 2·C·T floats of scratch. */
static int resblock1_forward(const lt_adain_resblock1 *r, float *x, int T, const float *s, float *tmp) {
    int C = r->channels, k = r->k;
    float *a = tmp, *b = tmp + (size_t)C * T;
    /* gb [2C]; st_b / st_x [C]: the statistics of b and x as the 8-bit convolutions store them
     * (Q8_0 weights): AdaIN then needs no pass of its own to measure the rows */
    float *gb = malloc(sizeof(float) * 2 * (size_t)C);
    lt_row_stats *st = malloc(sizeof(lt_row_stats) * 2 * (size_t)C), *st_b = st, *st_x = st ? st + C : NULL;
    if (!gb || !st) {
        free(gb);
        free(st);
        return -1;
    }
    int rc = 0, have_x = 0;
    for (int i = 0; i < r->n && !rc; i++) {
        int d = r->dilation[i], have_b = 0;
        lt_style_affine(&r->adain1[i], s, gb);
        lt_adain_snake_stats(x, a, C, T, gb, r->alpha1[i], have_x ? st_x : NULL);
        rc |= lt_conv_apply_ex(&r->convs1[i], a, T, 1, d * (k - 1) / 2, d, b, 0, st_b, &have_b);
        lt_style_affine(&r->adain2[i], s, gb);
        lt_adain_snake_stats(b, b, C, T, gb, r->alpha2[i], have_b ? st_b : NULL);
        rc |= lt_conv_apply_ex(&r->convs2[i], b, T, 1, (k - 1) / 2, 1, x, 1, st_x, &have_x); /* x += conv2(…) */
    }
    free(gb);
    free(st);
    return rc;
}

int lt_generator_forward(const lt_kokoro *m, const float *x_in, int F2, const float *har, int frames, const float *s,
                         const lt_synth_hooks *h, float *audio) {
    const lt_kokoro_config *c = &m->cfg;
    int nb = c->istft_n_fft + 2, C = c->upsample_initial_channel, T = F2;
    /* the largest activation: C_i · T_i over stages (T grows faster than C shrinks) */
    int64_t maxsz = (int64_t)C * T, Ti = T;
    for (int i = 0; i < c->n_upsamples; i++) {
        Ti = Ti * c->upsample_rates[i] + 1;
        int64_t sz = (int64_t)(C >> (i + 1)) * Ti;
        if (sz > maxsz) maxsz = sz;
    }
    if ((int64_t)nb * (frames + 1) > maxsz) maxsz = (int64_t)nb * (frames + 1);
    float *buf = malloc(sizeof(float) * (size_t)maxsz * 6);
    if (!buf) return -1;
    float *x = buf, *y = x + maxsz, *src = y + maxsz, *acc = src + maxsz, *tmp = acc + maxsz; /* tmp: 2·maxsz */
    memcpy(x, x_in, sizeof(float) * (size_t)C * T);
    int rc = 0;
    char name[32];
    for (int i = 0; i < c->n_upsamples && !rc; i++) {
        int Cn = C / 2, u = c->upsample_rates[i], last = i + 1 == c->n_upsamples;
        lt_leaky_relu(x, (int64_t)C * T, 0.1f);
        /* noise branch */
        const lt_conv *nc = &m->noise_convs[i];
        int stride_f0 = 1;
        for (int j = i + 1; j < c->n_upsamples; j++) stride_f0 *= c->upsample_rates[j];
        int nstride = last ? 1 : stride_f0, npad = last ? 0 : (stride_f0 + 1) / 2;
        int Tsrc = lt_conv1d_out_len(frames, nc->k, nstride, npad, 1);
        rc |= lt_conv_apply(nc, har, frames, nstride, npad, 1, src);
        snprintf(name, sizeof name, "gen_noise_conv%d", i);
        LT_DUMP_F32(h, name, src, 1, Cn, Tsrc);
        rc |= resblock1_forward(&m->noise_res[i], src, Tsrc, s, tmp);
        snprintf(name, sizeof name, "gen_noise_res%d", i);
        lt_memtrace(name);
        LT_DUMP_F32(h, name, src, 1, Cn, Tsrc);
        /* upsample */
        const lt_conv_t *up = &m->ups[i];
        int pad = (up->k - u) / 2, Tup = (T - 1) * u - 2 * pad + up->k;
        /* the last stage is reflection-padded by one column on the left: build it in tmp, then copy */
        float *dst = last ? tmp : y;
        rc |= lt_conv_t_apply(up, x, T, u, pad, dst, Tup);
        snprintf(name, sizeof name, "gen_ups%d", i);
        LT_DUMP_F32(h, name, dst, 1, Cn, Tup); /* before the pad, as recorded */
        if (last) {
            for (int ch = 0; ch < Cn; ch++) {
                float *row = y + (int64_t)ch * (Tup + 1);
                memcpy(row + 1, tmp + (int64_t)ch * Tup, sizeof(float) * (size_t)Tup);
                row[0] = row[2]; /* ReflectionPad1d((1, 0)) */
            }
            Tup += 1;
        }
        if (Tup != Tsrc) {
            free(buf);
            return -2; /* shapes of the two branches disagree: a configuration the official code cannot run */
        }
        lt_add_inplace(y, src, (int64_t)Cn * Tup);
        /* mean of the resblocks, each applied to the same input */
        int nk = c->n_resblock_kernels;
        memset(acc, 0, sizeof(float) * (size_t)Cn * Tup);
        for (int j = 0; j < nk && !rc; j++) {
            lt_copy(x, y, (int64_t)Cn * Tup);
            rc |= resblock1_forward(&m->resblocks[i * nk + j], x, Tup, s, tmp);
            lt_add_inplace(acc, x, (int64_t)Cn * Tup);
        }
        lt_div(x, acc, (int64_t)Cn * Tup, (float)nk);
        lt_memtrace("generator stage");
        C = Cn;
        T = Tup;
    }
    if (rc) { free(buf); return -1; }
    lt_leaky_relu(x, (int64_t)C * T, 0.01f);
    const lt_conv *cp = &m->conv_post;
    rc |= lt_conv_apply(cp, x, T, 1, (cp->k - 1) / 2, 1, y);
    LT_DUMP_F32(h, "gen_conv_post", y, 1, nb, T);
    int half = nb / 2;
    lt_exp_sin(y, (int64_t)half * T, (int64_t)(nb - half) * T);
    rc |= lt_istft(y, y + (int64_t)half * T, T, c->istft_n_fft, c->istft_hop, audio);
    free(buf);
    return rc ? -1 : 0;
}
