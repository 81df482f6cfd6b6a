/* audio_decode.h — test helper: encoded audio back to float samples
 * (FFmpeg from memory, or the raw s16le / G.711 formats), with the
 * container, codec, rate and channel count it declared. */
#ifndef LT_TESTS_AUDIO_DECODE_H
#define LT_TESTS_AUDIO_DECODE_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    char container[64], codec[64];
    int rate, channels;
    float *x; /* malloc'd, mono (the first channel) */
    int64_t n;
} decoded;

/* Any container/codec FFmpeg reads; fails the test when it cannot. */
void ff_decode(const uint8_t *p, size_t n, decoded *d);
/* fmt: "pcm" (s16le), "ulaw" or "alaw", at a known rate. */
void raw_decode(const char *fmt, const uint8_t *p, size_t n, int rate, decoded *d);

#endif
