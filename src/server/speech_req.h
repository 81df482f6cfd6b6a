/* speech_req.h — a speech request's JSON body → a checked lt_speech_req:
 * OpenAI's fields (model, input, voice, response_format, speed,
 * instructions, stream_format) and Kokoro-FastAPI's (stream, lang_code,
 * volume_multiplier, normalization_options), plus sample_rate. On a bad
 * field it names the field (OpenAI's `param`) and says why, for a 400.
 * Pure: no I/O, no model; the fuzz target for request parsing. */
#ifndef LT_SERVER_SPEECH_REQ_H
#define LT_SERVER_SPEECH_REQ_H

#include <stddef.h>

#include <jansson.h>

#include "core/error.h"
#include "server/voices.h"

typedef struct lt_speech_req {
    char *input;          /* owned, UTF-8 */
    char voice[LT_VOICE_EXPR_MAX]; /* canonical: a catalog or saved name, or a blend */
    char format[8];       /* mp3 opus aac flac wav pcm ulaw alaw */
    float speed;          /* 0.25 .. 4 */
    float volume;         /* volume_multiplier, > 0 */
    int stream;           /* chunked transfer as chunks are synthesised */
    int sse;              /* stream_format "sse" */
    char lang;            /* lang_code, or the voice's; 'a' when neither says */
    int sample_rate;      /* 0 = the format's default */
    int no_normalize;     /* normalization_options.normalize == false */
    char normalize[160];  /* rule groups for the front-end ("" = all) */
    int phonemes_input;   /* `input` is misaki phonemes (/dev/generate_from_phonemes): no front-end */
} lt_speech_req;

typedef struct lt_speech_defaults {
    size_t max_input;     /* code points */
    int stream;           /* default of `stream` (Kokoro-FastAPI: true) */
    const char *format;   /* default response_format ("mp3") */
} lt_speech_defaults;

/* Returns 0, or -1 with *param naming the bad field (static string) and err
 * the reason. voices may be NULL (names are then only checked for form). */
int lt_speech_req_parse(const json_t *body, const lt_speech_defaults *def, lt_voices *voices,
                        lt_speech_req *out, const char **param, lt_err *err);
void lt_speech_req_free(lt_speech_req *r);

#endif
