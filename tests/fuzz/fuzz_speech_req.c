/* fuzz_speech_req.c — libFuzzer harness: arbitrary bytes as the body of
 * POST /v1/audio/speech, parsed the way the server does (jansson, then
 * lt_speech_req_parse against the tiny golden voices, so voice names and
 * blend expressions are resolved for real). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "server/speech_req.h"
#include "server/voices.h"

static lt_voices *voices;

static void open_voices(void) {
    const char *shared = getenv("LT_SHARED");
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/kokoro-golden/tiny/voices", shared ? shared : "../shared");
    lt_voices_opts o = {.dir = dir, .width = 64, .cache_count = 4, .max_blend_terms = 8, .quiet = 1};
    lt_err err;
    if (lt_voices_open(&o, &voices, &err)) voices = NULL; /* names are then checked for form only */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static int opened;
    if (!opened) {
        open_voices();
        opened = 1;
    }
    json_error_t je;
    json_t *body = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &je);
    if (!body) return 0;
    lt_speech_defaults def = {.max_input = 4096, .stream = 1, .format = "mp3"};
    lt_speech_req req = {0};
    const char *param = NULL;
    lt_err err;
    if (json_is_object(body) && lt_speech_req_parse(body, &def, voices, &req, &param, &err) == 0) {
        lt_voice_ref *v = voices ? lt_voices_acquire(voices, req.voice, &err) : NULL;
        if (v) lt_voices_release(voices, v);
    }
    lt_speech_req_free(&req);
    json_decref(body);
    return 0;
}
