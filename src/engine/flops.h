/* flops.h — the arithmetic of one Kokoro utterance, as the benchmark's
 * gflops_effective counts it (issue notes, note 7).
 *
 * FLOPs = 2 × the multiply-adds of the OFFICIAL model's layers for an
 * utterance of n_tokens input ids (pads included) and `frames` decoder frames
 * (the sum of the predicted durations; audio = frames · 2 · U samples). What
 * the official code runs is counted, whatever LiteTTS does instead:
 *   - Linear / Conv1d: out × in × k × output length (÷ groups); dilation and
 *     padding change nothing but the length.
 *   - ConvTranspose1d: dense, without the zero-stuffing: in × out × k × INPUT
 *     length ÷ groups (the predictor's and decoder's depthwise "pool" too).
 *   - LSTM: per step and direction 4·H·(in + H) (input and recurrent products).
 *   - ALBERT: every layer application (Q, K, V, output, FFN in and out),
 *     attention Q·Kᵀ and P·V (2·T²·H per layer), the embedding projection and
 *     the pooler (one token); no softmax, LayerNorm or GELU.
 *   - the alignment products of the official forward (en = dᵀ·aln,
 *     asr = t_en·aln: (D+S)·T·F and D·T·F).
 *   - every style Linear (AdaIN / AdaLayerNorm fc), the harmonic source's
 *     l_linear (9 → 1 per sample), the forward STFT of the source and the
 *     inverse STFT as dense DFTs (frames × n_fft × (n_fft/2+1) × 2 each).
 *   - not counted: element-wise work (activations, norms, Snake, exp/sin,
 *     interpolation, the sine generator), embedding look-ups, biases.
 * Kokoro v1.0 comes to 54.9 GFLOP per second of audio (557.2 GFLOP for
 * bench-utterance.json "10s": 136 ids, 406 frames): 96 % convolutions —
 * generator resblocks 60 %, noise branch 27 %, decoder trunk 5 %, ALBERT 3 %. */
#ifndef LT_ENGINE_FLOPS_H
#define LT_ENGINE_FLOPS_H

#include <stdint.h>

#include "engine/config.h"
#include "engine/kokoro.h"

/* FLOPs by part of the model (each already × 2). */
typedef struct lt_kokoro_flops_parts {
    double albert;     /* embedding projection, 12 layer applications, pooler */
    double prosody;    /* bert_encoder, duration encoder, LSTMs, duration_proj, F0/N branches, alignment */
    double text;       /* text encoder (CNN + BiLSTM) */
    double decoder;    /* decoder trunk: F0/N convs, encode, asr_res, decode blocks */
    double noise;      /* generator noise branch: noise_convs + noise_res */
    double ups;        /* generator transposed convolutions */
    double resblocks;  /* generator resblocks */
    double post;       /* conv_post */
    double source;     /* harmonic source l_linear + forward STFT + inverse STFT */
    double total;
} lt_kokoro_flops_parts;

/* Total FLOPs (see above). Widths come from the loaded model `m` where it has
 * them (decoder widths, embedding size, kernel sizes; may be NULL: then the
 * official architecture's derivations from cfg are used, e.g. decoder 1024 /
 * 64 channels, ALBERT embedding 128). cfg: the model's config (m->cfg when m
 * is given). Returns 0 for n_tokens < 1 or frames < 1. */
double lt_kokoro_flops(const lt_kokoro_config *cfg, const lt_kokoro *m, int n_tokens, int64_t frames);

/* The same with the breakdown; returns parts->total. */
double lt_kokoro_flops_parts_get(const lt_kokoro_config *cfg, const lt_kokoro *m, int n_tokens, int64_t frames,
                                 lt_kokoro_flops_parts *parts);

#endif
