/* routes_dev.c — Kokoro-FastAPI's debug endpoint POST /dev/phonemize:
 * {"text", "language"} → {"phonemes", "tokens"} (the Kokoro input ids with
 * their pads), run on a worker with that worker's text front-end. */
#include <stdlib.h>
#include <string.h>

#include "server/server_internal.h"

typedef struct ph_job {
    lt_server *s;
    lt_http_req *http;
    char *text;
    char lang;
} ph_job;

static void run_phonemize(void *arg, int worker) {
    ph_job *j = arg;
    lt_err err;
    char *ph = NULL;
    int ntok = 0;
    if (atomic_load(&j->s->cancel)) {
        lt_http_set_retry_after(j->http, 5);
        lt_http_reply_error(j->http, 503, NULL, "draining", "the server is shutting down");
    } else if (lt_synth_phonemize(j->s->synth, worker, j->lang, j->text, &ph, &ntok, &err)) {
        lt_http_reply_error(j->http, 500, NULL, NULL, "phonemization failed: %s", err.msg);
    } else {
        size_t cap = strlen(ph) + 2;
        int64_t *ids = malloc(sizeof *ids * cap);
        int ncp = 0, n = ids ? lt_kokoro_tokenize(j->s->model, ph, ids, (int)cap, &ncp, &err) : -1;
        json_t *tokens = json_array();
        for (int i = 0; i < n; i++) json_array_append_new(tokens, json_integer(ids[i]));
        lt_http_reply_json(j->http, 200, json_pack("{s:s, s:o}", "phonemes", ph, "tokens", tokens));
        free(ids);
    }
    free(ph);
    lt_http_complete(j->http);
    free(j->text);
    free(j);
}

void lt_route_phonemize(lt_http_req *r, void *ud) {
    lt_server *s = ud;
    if (!lt_server_check_ready(s, r)) return;
    json_t *body = lt_http_json_body(r);
    if (!body) return;
    const json_t *t = json_object_get(body, "text");
    const json_t *l = json_object_get(body, "language");
    if (!l) l = json_object_get(body, "lang_code");
    const char *lang = json_is_string(l) ? json_string_value(l) : "a";
    if (!json_is_string(t) || !*json_string_value(t) || strlen(json_string_value(t)) > 4 * s->cfg.max_input) {
        json_decref(body);
        lt_http_reply_error(r, 400, "text", "invalid_value", "text must be a non-empty string of at most %zu characters",
                            s->cfg.max_input);
        return;
    }
    if ((l && !json_is_string(l)) || strlen(lang) != 1 || !strchr("abefhijpz", lang[0])) {
        json_decref(body);
        lt_http_reply_error(r, 400, "language", "invalid_value", "language must be one of a, b, e, f, h, i, j, p, z");
        return;
    }
    ph_job *j = calloc(1, sizeof *j);
    if (j) {
        j->text = strdup(json_string_value(t));
        j->lang = lang[0];
    }
    json_decref(body);
    if (!j || !j->text) {
        free(j);
        lt_http_reply_error(r, 500, NULL, NULL, "out of memory");
        return;
    }
    j->s = s;
    j->http = r;
    lt_http_defer(r);
    int rc = lt_jobs_submit(s->jobs, run_phonemize, j);
    if (rc == 0) return;
    lt_http_undefer(r);
    free(j->text);
    free(j);
    lt_http_set_retry_after(r, rc == -1 ? 1 : 5);
    lt_http_reply_error(r, 503, NULL, rc == -1 ? "server_busy" : "draining", "the server is busy; try again shortly");
}
