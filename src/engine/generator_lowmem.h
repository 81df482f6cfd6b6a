/* generator_lowmem.h — the iSTFTNet generator in bounded memory (generator_lowmem.c),
 * used for reduced-precision weights, and the ranged inverse STFT it needs (stft.c). */
#ifndef LT_ENGINE_GENERATOR_LOWMEM_H
#define LT_ENGINE_GENERATOR_LOWMEM_H

#include <stdint.h>

#include "engine/kokoro_internal.h"

/* Whether a synthesis should take the low-memory generator: the generator's
 * weights are f16 or bf16 (q8_0 keeps the faster whole-length generator) and
 * no dump hook wants the whole intermediates. LITETTS_GENERATOR=whole or =tiled overrides the weights test
 * (debugging, tests). */
int lt_generator_lowmem_wanted(const lt_kokoro *m, const lt_synth_hooks *h);

/* Same contract as lt_generator_forward (x [C0][F2], har [n_fft+2][frames] →
 * audio [hop·(frames−1)]), except that it takes ownership of *x and *har
 * (malloc'd): each is freed, and set to NULL, as soon as it is no longer
 * needed. Returns 0, -1 out of memory, -2 branches disagree in length. */
int lt_generator_forward_lowmem(const lt_kokoro *m, float **x, int F2, float **har, int frames, const float *s,
                                float *audio);

/* stft.c: lt_istft restricted to the output samples [s0, s1), from the frames
 * [fa, fb) (all those that overlap these samples, clipped to the utterance's
 * frames): frame f's magnitudes / phases are column f − fa of mag / phase
 * [n_fft/2+1][ld]. Same arithmetic, in the same order, as lt_istft, so the
 * samples are identical. y: the s1 − s0 samples. Returns 0 or -1 (memory). */
int lt_istft_range(const float *mag, const float *phase, int64_t ld, int fa, int fb, int n_fft, int hop, int64_t s0,
                   int64_t s1, float *y);

#endif
