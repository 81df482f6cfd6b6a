/* wav.h — RIFF/WAVE output: 16-bit PCM or 32-bit float, mono. */
#ifndef LT_AUDIO_WAV_H
#define LT_AUDIO_WAV_H

#include <stdint.h>
#include <stdio.h>

#include "core/error.h"

typedef enum { LT_WAV_PCM16, LT_WAV_FLOAT32 } lt_wav_format;

/* 44-byte header; n_samples < 0 writes the "unknown length" sizes (0xFFFFFFFF) used for streaming. */
void lt_wav_header(uint8_t out[44], int sample_rate, int64_t n_samples, lt_wav_format fmt);
/* Float samples → little-endian 16-bit with clipping to [-1, 1]. */
void lt_pcm16_from_float(const float *x, int64_t n, int16_t *out);
/* Whole file; writes path.tmp and renames it into place. */
int lt_wav_write_file(const char *path, const float *x, int64_t n, int sample_rate, lt_wav_format fmt, lt_err *err);

#endif
