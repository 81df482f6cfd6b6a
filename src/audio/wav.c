/* wav.c — RIFF/WAVE writer (see wav.h). */
#include "audio/wav.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void put32(uint8_t *p, uint32_t v) { p[0] = v; p[1] = v >> 8; p[2] = v >> 16; p[3] = v >> 24; }
static void put16(uint8_t *p, uint16_t v) { p[0] = v; p[1] = v >> 8; }

void lt_wav_header(uint8_t h[44], int sample_rate, int64_t n_samples, lt_wav_format fmt) {
    int bytes = fmt == LT_WAV_PCM16 ? 2 : 4;
    uint32_t data = n_samples < 0 ? 0xFFFFFFFFu : (uint32_t)(n_samples * bytes);
    memcpy(h, "RIFF", 4);
    put32(h + 4, n_samples < 0 ? 0xFFFFFFFFu : 36 + data);
    memcpy(h + 8, "WAVEfmt ", 8);
    put32(h + 16, 16);
    put16(h + 20, fmt == LT_WAV_PCM16 ? 1 : 3);
    put16(h + 22, 1);
    put32(h + 24, (uint32_t)sample_rate);
    put32(h + 28, (uint32_t)(sample_rate * bytes));
    put16(h + 32, (uint16_t)bytes);
    put16(h + 34, (uint16_t)(bytes * 8));
    memcpy(h + 36, "data", 4);
    put32(h + 40, data);
}

void lt_pcm16_from_float(const float *x, int64_t n, int16_t *out) {
    for (int64_t i = 0; i < n; i++) {
        float v = x[i];
        if (!(v == v)) v = 0; /* NaN → silence */
        v = v > 1.0f ? 1.0f : v < -1.0f ? -1.0f : v;
        out[i] = (int16_t)lrintf(v * 32767.0f);
    }
}

int lt_wav_write_file(const char *path, const float *x, int64_t n, int sample_rate, lt_wav_format fmt, lt_err *err) {
    if (n < 0 || n > 0x3FFFFFFF) return lt_fail(err, "%s: %lld samples do not fit a WAV file", path, (long long)n);
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "wb");
    if (!f) return lt_fail(err, "%s: cannot create: %m", tmp);
    uint8_t h[44];
    lt_wav_header(h, sample_rate, n, fmt);
    int ok = fwrite(h, 1, 44, f) == 44;
    if (fmt == LT_WAV_PCM16) {
        int16_t buf[4096];
        for (int64_t i = 0; ok && i < n; i += 4096) {
            int64_t k = n - i < 4096 ? n - i : 4096;
            lt_pcm16_from_float(x + i, k, buf);
            for (int64_t j = 0; j < k; j++) put16((uint8_t *)&buf[j], (uint16_t)buf[j]);
            ok = fwrite(buf, 2, (size_t)k, f) == (size_t)k;
        }
    } else {
        ok = ok && fwrite(x, 4, (size_t)n, f) == (size_t)n;
    }
    if (fclose(f) != 0) ok = 0;
    if (!ok || rename(tmp, path) != 0) {
        remove(tmp);
        return lt_fail(err, "%s: write failed: %m", path);
    }
    return 0;
}
