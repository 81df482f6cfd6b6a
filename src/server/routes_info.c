/* routes_info.c — the server's descriptive endpoints: /health, /ready,
 * /v1/test (how Home Assistant's wyoming_openai spots a Kokoro server),
 * /v1/models and /v1/models/{id} (OpenAI's list shape), /v1/audio/models and
 * /v1/audio/voices (the shapes Open WebUI reads). */
#include <string.h>

#include "server/server_internal.h"

/* The model names clients send; all of them select Kokoro. */
static const char *const model_ids[] = {"kokoro", "tts-1", "tts-1-hd", "gpt-4o-mini-tts"};
#define N_MODELS (sizeof model_ids / sizeof model_ids[0])

void lt_route_health(lt_http_req *r, void *ud) {
    (void)ud;
    lt_http_reply_json(r, 200, json_pack("{s:s}", "status", "healthy"));
}

void lt_route_ready(lt_http_req *r, void *ud) {
    lt_server *s = ud;
    if (!lt_server_check_ready(s, r)) return;
    lt_http_reply_json(r, 200,
                       json_pack("{s:s, s:i, s:i, s:i, s:I}", "status", "ready", "voices", lt_voices_count(s->voices),
                                 "queued", lt_jobs_waiting(s->jobs), "running", lt_jobs_running(s->jobs),
                                 "abandoned_streams", (json_int_t)atomic_load(&s->n_abandoned)));
}

void lt_route_test(lt_http_req *r, void *ud) {
    (void)ud;
    lt_http_reply_json(r, 200, json_pack("{s:s}", "status", "ok"));
}

static json_t *model_json(const lt_server *s, const char *id) {
    return json_pack("{s:s, s:s, s:I, s:s}", "id", id, "object", "model", "created", (json_int_t)s->started,
                     "owned_by", "litetts");
}

void lt_route_models(lt_http_req *r, void *ud) {
    lt_server *s = ud;
    json_t *data = json_array();
    for (size_t i = 0; i < N_MODELS; i++) json_array_append_new(data, model_json(s, model_ids[i]));
    lt_http_reply_json(r, 200, json_pack("{s:s, s:o}", "object", "list", "data", data));
}

void lt_route_model(lt_http_req *r, void *ud) {
    lt_server *s = ud;
    const char *id = lt_http_param(r, 0);
    for (size_t i = 0; i < N_MODELS; i++)
        if (id && !strcmp(id, model_ids[i])) {
            lt_http_reply_json(r, 200, model_json(s, id));
            return;
        }
    lt_http_reply_error(r, 404, "model", "model_not_found", "the model '%.64s' does not exist", id ? id : "");
}

void lt_route_audio_models(lt_http_req *r, void *ud) {
    (void)ud;
    json_t *models = json_array();
    for (size_t i = 0; i < N_MODELS; i++)
        json_array_append_new(models, json_pack("{s:s, s:s}", "id", model_ids[i], "name", model_ids[i]));
    lt_http_reply_json(r, 200, json_pack("{s:o}", "models", models));
}

void lt_route_voices(lt_http_req *r, void *ud) {
    lt_server *s = ud;
    if (!lt_server_check_ready(s, r)) return;
    lt_http_reply_json(r, 200, lt_voices_json(s->voices));
}
