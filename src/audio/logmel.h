/* logmel.h — the log-mel spectrogram and distance of kokoro-golden/README.md
 * (parity stage D), used by the parity checker and the benchmark.
 *
 * Definition (24 kHz audio): frames of n_fft 1024 at hop 256, the signal
 * reflect-padded by 512 on both sides (frames = 1 + L / 256), periodic Hann
 * window, |rfft| magnitudes (513 bins), 80 HTK mel triangles over 0–12 kHz
 * (82 points equally spaced in mel = 2595·log10(1 + f/700); triangle i rises
 * linearly in Hz from point i to i+1 and falls to i+2, peak 1, not area-
 * normalised), then ln(max(mel, 1e-5)). Computed in double with a radix-2
 * FFT (the values equal a direct DFT's to ~1e-12), stored as float.
 *
 * Distance: |log-mel(a) − log-mel(b)| over all frames and bands: its mean
 * (accumulated in double) and 99th percentile (the sorted value at index
 * floor(0.99 · (n − 1))). */
#ifndef LT_AUDIO_LOGMEL_H
#define LT_AUDIO_LOGMEL_H

#include <stdint.h>

#define LT_LOGMEL_NFFT 1024
#define LT_LOGMEL_HOP 256
#define LT_LOGMEL_BANDS 80
#define LT_LOGMEL_RATE 24000
#define LT_LOGMEL_FMAX 12000.0

/* Frames for a signal of n samples: 1 + n / 256. */
int64_t lt_logmel_frames(int64_t n);

/* Log-mel of x[n] (n ≥ 0; an empty signal is treated as one zero sample)
 * into out[frames][80] (frames = lt_logmel_frames(n)). Returns 0, or -1
 * when memory runs out. */
int lt_logmel(const float *x, int64_t n, float *out);

/* Same, allocating the result (free it); *frames receives its frame count.
 * NULL when memory runs out. */
float *lt_logmel_alloc(const float *x, int64_t n, int64_t *frames);

/* Centre frequency (Hz) of band i (0..79): the triangle's peak. */
double lt_logmel_band_center_hz(int band);

/* Distance between two log-mel arrays of `count` values each (e.g. frames·80):
 * mean and 99th percentile of |a − b| (either output may be NULL). Returns
 * 0, or -1 when memory runs out. */
int lt_logmel_compare(const float *a, const float *b, int64_t count, double *mean, double *p99);

/* Distance between two signals: log-mel of each, compared over the frames
 * both have (the shorter signal's; lengths usually match). Returns 0, or -1
 * when memory runs out. */
int lt_logmel_distance(const float *a, int64_t na, const float *b, int64_t nb, double *mean, double *p99);

#endif
