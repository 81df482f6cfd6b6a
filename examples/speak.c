/* speak.c — the smallest LiteTTS program: phonemes in, a 24 kHz WAV out.
 *
 *   build/example-speak MODEL VOICE "phonemes" out.wav */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "litetts.h"

static int write_chunk(void *user, const float *x, size_t n, int chunk) {
    FILE *f = user;
    for (size_t i = 0; i < n; i++) {
        float v = x[i] > 1 ? 1 : x[i] < -1 ? -1 : x[i];
        int16_t s = (int16_t)(v * 32767);
        fwrite(&s, 2, 1, f); /* little-endian hosts */
    }
    fprintf(stderr, "chunk %d: %zu samples\n", chunk, n);
    return 0;
}

static void header(FILE *f, uint32_t bytes) {
    uint32_t v32;
    uint16_t v16;
    fwrite("RIFF", 1, 4, f); v32 = 36 + bytes; fwrite(&v32, 4, 1, f);
    fwrite("WAVEfmt ", 1, 8, f); v32 = 16; fwrite(&v32, 4, 1, f);
    v16 = 1; fwrite(&v16, 2, 1, f); fwrite(&v16, 2, 1, f);
    v32 = LITETTS_SAMPLE_RATE; fwrite(&v32, 4, 1, f); v32 *= 2; fwrite(&v32, 4, 1, f);
    v16 = 2; fwrite(&v16, 2, 1, f); v16 = 16; fwrite(&v16, 2, 1, f);
    fwrite("data", 1, 4, f); fwrite(&bytes, 4, 1, f);
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: %s MODEL VOICE PHONEMES OUT.wav\n", argv[0]);
        return 2;
    }
    litetts_error err;
    litetts_model *m = litetts_model_open(argv[1], NULL, &err);
    if (!m) { fprintf(stderr, "%s\n", err.message); return 1; }
    litetts_voice *v = litetts_voice_load(m, argv[2], NULL, &err);
    FILE *f = v ? fopen(argv[4], "wb") : NULL;
    int rc = 1;
    if (f) {
        header(f, 0);
        if (litetts_synthesize(m, v, argv[3], NULL, write_chunk, f, &err) >= 0) {
            long bytes = ftell(f) - 44;
            fseek(f, 0, SEEK_SET);
            header(f, (uint32_t)bytes);
            rc = 0;
        }
        fclose(f);
    }
    if (rc) fprintf(stderr, "%s\n", v ? err.message : err.message);
    litetts_voice_free(v);
    litetts_model_free(m);
    return rc;
}
