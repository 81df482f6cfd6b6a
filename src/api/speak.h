/* speak.h — text → audio chunks and word timings: the loop the C API and
 * `litetts say --text` share (front-end words → chunks → the engine, one
 * chunk at a time, each chunk's audio and its words' times handed out as
 * soon as the chunk is done). */
#ifndef LT_API_SPEAK_H
#define LT_API_SPEAK_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "engine/kokoro.h"
#include "text/frontend.h"
#include "voice/voice_pack.h"

typedef struct lt_spoken_word {
    size_t src_start, src_end;   /* bytes of the input text */
    const char *ph;              /* its phonemes (not NUL-terminated) */
    size_t ph_len;
    double start_time, end_time; /* seconds from the first sample of the whole text */
} lt_spoken_word;

/* The first chunk ends at its first sentence, or at a clause mark past this
 * many phoneme code points, so streamed audio starts early. */
#define LT_FIRST_CHUNK_PHONEMES 100

/* Return non-zero to stop. */
typedef int (*lt_speak_audio_fn)(void *user, const float *samples, int64_t n, int chunk);
typedef int (*lt_speak_word_fn)(void *user, const lt_spoken_word *w);

/* Returns the number of chunks, or -1 (err set; "stopped" when a callback asked). */
int lt_speak_text(const lt_kokoro *m, const lt_voice_pack *pack, lt_frontend *fe, const char *text, float speed,
                  uint64_t seed, lt_speak_audio_fn on_audio, lt_speak_word_fn on_word, void *user, lt_err *err);

/* The same from words already phonemised (e.g. a phoneme string split at spaces). */
int lt_speak_words(const lt_kokoro *m, const lt_voice_pack *pack, const lt_chunk_word *words, int n_words, float speed,
                   uint64_t seed, lt_speak_audio_fn on_audio, lt_speak_word_fn on_word, void *user, lt_err *err);

#endif
