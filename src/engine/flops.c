/* flops.c — the multiply-add count of the official Kokoro forward pass
 * (conventions in flops.h). Everything is counted in double: the products
 * reach 1e11 and are exact there. */
#include "engine/flops.h"

#include <string.h>

/* Conv1d output length, as PyTorch computes it. */
static double conv_len(double tin, int k, int stride, int pad, int dil) {
    double t = (tin + 2.0 * pad - (double)dil * (k - 1) - 1) / stride;
    if (t < 0) return 0;
    return (double)(int64_t)t + 1;
}

/* Bidirectional LSTM over T steps. */
static double lstm_macs(double T, int in, int hidden) { return 2.0 * 4.0 * hidden * ((double)in + hidden) * T; }

/* StyleTTS2's AdainResBlk1d on an input of length T (output 2T when upsampling). */
static double adain_resblk_macs(int ci, int co, int style, double T, int upsample) {
    double T2 = upsample ? 2 * T : T, m = 0;
    m += (double)style * 2 * ci + (double)style * 2 * co; /* norm1.fc, norm2.fc */
    if (upsample) m += 3.0 * ci * T;                        /* depthwise ConvTranspose1d k 3: in·out·k·T / groups */
    m += (double)ci * co * 3 * T2 + (double)co * co * 3 * T2; /* conv1, conv2 */
    if (ci != co) m += (double)ci * co * T2;               /* conv1x1 shortcut */
    return m;
}

/* iSTFTNet's AdaINResBlock1: n × (adain1 fc, conv1 C→C k, adain2 fc, conv2 C→C k). */
static double adain_resblock1_macs(int channels, int k, int n, int style, double T) {
    return n * (2.0 * channels * channels * k * T + 2.0 * style * 2 * channels);
}

double lt_kokoro_flops_parts_get(const lt_kokoro_config *cfg, const lt_kokoro *m, int n_tokens, int64_t frames,
                                 lt_kokoro_flops_parts *p) {
    memset(p, 0, sizeof *p);
    if (!cfg || n_tokens < 1 || frames < 1) return 0;
    const double T = n_tokens, F = (double)frames;
    const int D = cfg->hidden_dim, S = cfg->style_dim, H = cfg->bert_hidden, FF = cfg->bert_intermediate;
    const int E = m ? m->bert_embed : 128;
    const int U = lt_config_upsample_factor(cfg);

    /* ALBERT: embedding projection, one shared layer applied bert_layers times, pooler (first token) */
    double layer = 4.0 * H * H * T + 2.0 * H * FF * T + 2.0 * T * T * H;
    p->albert = (double)E * H * T + cfg->bert_layers * layer + (double)H * H;

    /* prosody predictor */
    double pr = (double)H * D * T; /* bert_encoder */
    for (int i = 0; i < cfg->n_layer; i++) pr += lstm_macs(T, D + S, D / 2) + (double)S * 2 * D; /* + AdaLayerNorm fc */
    pr += lstm_macs(T, D + S, D / 2);          /* predictor.lstm */
    pr += (double)D * cfg->max_dur * T;        /* duration_proj */
    pr += (double)(D + S) * T * F;             /* en = dᵀ · alignment */
    pr += lstm_macs(F, D + S, D / 2);          /* predictor.shared */
    for (int b = 0; b < 2; b++)                /* F0 and N branches */
        pr += adain_resblk_macs(D, D, S, F, 0) + adain_resblk_macs(D, D / 2, S, F, 1) +
              adain_resblk_macs(D / 2, D / 2, S, 2 * F, 0) + (double)(D / 2) * 2 * F;
    p->prosody = pr;

    /* text encoder */
    double tx = 0;
    for (int i = 0; i < cfg->n_layer; i++) {
        int k = m ? m->text_cnn[i].k : cfg->text_encoder_kernel_size;
        tx += (double)D * D * k * T;
    }
    tx += lstm_macs(T, D, D / 2);
    p->text = tx;
    p->prosody += (double)D * T * F; /* asr = t_en · alignment */

    /* decoder trunk */
    int C = m ? m->dec_dim : 1024, R = m ? m->dec_res_dim : 64, cat = C + R + 2;
    double dec = 2 * 3.0 * F;                            /* F0_conv, N_conv (k 3, stride 2 → F outputs) */
    dec += adain_resblk_macs(D + 2, C, S, F, 0);          /* encode */
    dec += (double)D * R * F;                             /* asr_res */
    if (m) {
        for (int i = 0; i < m->n_decode; i++)
            dec += adain_resblk_macs(m->decode[i].dim_in, m->decode[i].dim_out, S, F, m->decode[i].upsample);
    } else {
        for (int i = 0; i < 3; i++) dec += adain_resblk_macs(cat, C, S, F, 0);
        dec += adain_resblk_macs(cat, cfg->upsample_initial_channel, S, F, 1);
    }
    p->decoder = dec;

    /* generator */
    const int nfft = cfg->istft_n_fft, nb = nfft / 2 + 1;
    const double L = 2 * F * U, stft_frames = 1 + (double)((int64_t)L / cfg->istft_hop);
    double Tx = 2 * F; /* decoder output length */
    int ch = cfg->upsample_initial_channel;
    for (int i = 0; i < cfg->n_upsamples; i++) {
        int cn = ch / 2, u = cfg->upsample_rates[i], last = i + 1 == cfg->n_upsamples;
        int k = m ? m->ups[i].k : cfg->upsample_kernel_sizes[i];
        p->ups += (double)ch * cn * k * Tx; /* dense: in · out · k · input length */
        double Tup = (Tx - 1) * u - 2.0 * ((k - u) / 2) + k + (last ? 1 : 0); /* + ReflectionPad1d((1, 0)) */
        int stride_f0 = 1;
        for (int j = i + 1; j < cfg->n_upsamples; j++) stride_f0 *= cfg->upsample_rates[j];
        int nk = m ? m->noise_convs[i].k : (last ? 1 : 2 * stride_f0);
        int nstride = last ? 1 : stride_f0, npad = last ? 0 : (stride_f0 + 1) / 2;
        double Tsrc = conv_len(stft_frames, nk, nstride, npad, 1);
        p->noise += (double)(nfft + 2) * cn * nk * Tsrc;
        int rk = m ? m->noise_res[i].k : (last ? 11 : 7), rn = m ? m->noise_res[i].n : 3;
        p->noise += adain_resblock1_macs(cn, rk, rn, S, Tsrc);
        for (int j = 0; j < cfg->n_resblock_kernels; j++)
            p->resblocks += adain_resblock1_macs(cn, cfg->resblock_kernel_sizes[j], cfg->n_dilations, S, Tup);
        ch = cn;
        Tx = Tup;
    }
    int kp = m ? m->conv_post.k : 7;
    p->post = (double)ch * (nfft + 2) * kp * Tx;
    p->source = 9.0 * L                              /* m_source.l_linear */
                + stft_frames * nfft * nb * 2.0      /* forward STFT of the source */
                + Tx * nb * 2.0 * nfft;              /* inverse STFT of conv_post's frames */

    double *parts[] = {&p->albert, &p->prosody, &p->text, &p->decoder, &p->noise,
                       &p->ups,    &p->resblocks, &p->post, &p->source};
    for (size_t i = 0; i < sizeof parts / sizeof *parts; i++) {
        *parts[i] *= 2.0;
        p->total += *parts[i];
    }
    return p->total;
}

double lt_kokoro_flops(const lt_kokoro_config *cfg, const lt_kokoro *m, int n_tokens, int64_t frames) {
    lt_kokoro_flops_parts p;
    return lt_kokoro_flops_parts_get(cfg, m, n_tokens, frames, &p);
}
