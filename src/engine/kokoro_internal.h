/* kokoro_internal.h — the model's stages, shared between the files that
 * implement them (albert.c, text_encoder.c, prosody.c, decoder.c,
 * generator.c, harmonic_source.c, stft.c) and kokoro.c, which runs them in
 * order. Not part of the public API. All return 0, or -1 when out of memory. */
#ifndef LT_ENGINE_KOKORO_INTERNAL_H
#define LT_ENGINE_KOKORO_INTERNAL_H

#include "engine/kokoro.h"

/* Write one intermediate through the hooks (no-op without a dump hook). */
void lt_dump(const lt_synth_hooks *h, const char *name, lt_dtype dtype, int ndim, const int64_t *shape,
             const void *data);
#define LT_DUMP_F32(h, name, data, ...) \
    lt_dump((h), (name), LT_F32, (int)(sizeof((const int64_t[]){__VA_ARGS__}) / sizeof(int64_t)), \
            (const int64_t[]){__VA_ARGS__}, (data))

/* albert.c: ids [T] → hidden [T][bert_hidden] */
int lt_albert_forward(const lt_kokoro *m, const int64_t *ids, int T, float *hidden);
/* text_encoder.c: ids [T] → t_en [hidden_dim][T] */
int lt_text_encoder_forward(const lt_kokoro *m, const int64_t *ids, int T, float *t_en);
/* prosody.c: d_en [T][hidden_dim], style s [style_dim] → d [T][hidden_dim + style_dim] */
int lt_duration_encoder_forward(const lt_kokoro *m, const float *d_en, int T, const float *s, float *d);
/* prosody.c: shared-LSTM output x [F][hidden_dim] → F0, N [2F] */
int lt_f0n_forward(const lt_kokoro *m, const float *x, int F, const float *s, float *f0, float *n);
/* decoder.c / prosody.c: one AdainResBlk1d; x [dim_in][T] → y [dim_out][T or 2T] */
int lt_adain_resblk_forward(const lt_adain_resblk *r, const float *x, int T, const float *s, float *y);
/* a style projection: gb [out] = fc(s) */
void lt_style_affine(const lt_linear *fc, const float *s, float *gb);
/* decoder.c: asr [D][F], F0/N [2F] → decoder trunk output [dec_out_dim][2F] */
int lt_decoder_trunk_forward(const lt_kokoro *m, const float *asr, int F, const float *f0, const float *n,
                             const float *s, const lt_synth_hooks *h, float *out);
/* generator.c: x [C0][2F], har [n_fft+2][frames] → audio [2F·U] */
int lt_generator_forward(const lt_kokoro *m, const float *x, int F2, const float *har, int frames, const float *s,
                         const lt_synth_hooks *h, float *audio);

/* harmonic_source.c: F0 [n_f0] → har_source [n_f0·U] (PyTorch's float32 steps). */
void lt_harmonic_source(const float *f0, int n_f0, int U, const float *rand_ini9, const float *randn,
                        const float *lin_w9, float lin_b, float *har_source);

/* stft.c: centred STFT (reflect pad n_fft/2, periodic Hann), frames = 1 + L/hop.
 * mag/phase [n_fft/2+1][frames]. */
int lt_stft_frames(int64_t L, int hop);
void lt_stft_mag_phase(const float *x, int64_t L, int n_fft, int hop, float *mag, float *phase);
/* inverse: spec [n_fft/2+1][frames] magnitudes, phase angles → y [hop·(frames−1)] */
int lt_istft(const float *mag, const float *phase, int frames, int n_fft, int hop, float *y);

#endif
