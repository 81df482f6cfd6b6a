/* synth.h — one speech request on one worker: text front-end (cached per
 * worker, language and normalisation set), voice, lt_speak_words chunk by
 * chunk, volume, the encoder (the voice pack is the caller's); each text chunk's encoded bytes handed to the
 * caller's sink as soon as the chunk is done, and word timings as they come.
 * A sink returning non-zero stops the synthesis at the next chunk. */
#ifndef LT_SERVER_SYNTH_H
#define LT_SERVER_SYNTH_H

#include <stddef.h>
#include <stdint.h>

#include "api/speak.h"
#include "core/error.h"
#include "engine/kokoro.h"
#include "server/speech_req.h"
#include "server/voices.h"

typedef struct lt_synth lt_synth;

lt_synth *lt_synth_new(const lt_kokoro *m, const char *lexicon_dir, int workers);
void lt_synth_free(lt_synth *s);

typedef struct lt_synth_sink {
    /* encoded bytes: once per text chunk (and once more for the trailer) */
    int (*bytes)(void *ud, const uint8_t *data, size_t len);
    int (*word)(void *ud, const lt_spoken_word *w); /* may be NULL */
    /* may be NULL: called once the whole input is phonemised (every word's
     * phonemes, space-separated), before any synthesis; returning 1 ends the
     * run at once, successfully (the caller answered, e.g. from the cache) */
    int (*phonemes)(void *ud, const char *phonemes);
    /* may be NULL: 1 when the request should stop (its client left); checked
     * after waiting for the next chunk's turn, so a listener who hung up
     * meanwhile costs no further synthesis */
    int (*cancelled)(void *ud);
    void *ud;
} lt_synth_sink;

typedef struct lt_synth_stats {
    int chunks;
    int64_t samples;      /* 24 kHz */
    int64_t input_tokens; /* Kokoro input ids incl. the two pads per chunk */
    int64_t output_tokens;/* 25 ms audio frames */
    int answered;         /* the phonemes hook answered: nothing was synthesised */
} lt_synth_stats;

/* Returns 0, -1 (err set; "stopped" when the sink asked) or -2 when the
 * input itself cannot be spoken (a 400). */
int lt_synth_run(lt_synth *s, int worker, const lt_speech_req *req, const lt_voice_pack *pack,
                 const lt_synth_sink *sink, lt_synth_stats *st, lt_err *err);

/* Phonemes of a text in a language, with the worker's front-end; *out malloc'd. */
int lt_synth_phonemize(lt_synth *s, int worker, char lang, const char *text, char **out, int *n_tokens, lt_err *err);

#endif
