/* routes_speech.c — POST /v1/audio/speech (whole file, chunked audio
 * stream, or SSE) and POST /dev/captioned_speech (audio + word timestamps
 * with their source spans): request checks on the HTTP thread, synthesis as
 * a job on a worker, the reply or stream filled from there. */
#include <stdlib.h>
#include <string.h>

#include "audio/encoder.h"
#include "server/base64.h"
#include "server/server_internal.h"
#include "server/speech_req.h"

enum { K_BUFFER, K_STREAM, K_SSE, K_CAPTIONED };

typedef struct speech_job {
    lt_server *s;
    int kind;
    lt_speech_req req;
    lt_http_req *http;      /* K_BUFFER, K_CAPTIONED: deferred */
    lt_http_stream *stream; /* K_STREAM, K_SSE */
    uint8_t *buf;
    size_t len, cap;
    json_t *words;
} speech_job;

static void job_free(speech_job *j) {
    lt_speech_req_free(&j->req);
    free(j->buf);
    json_decref(j->words);
    free(j);
}

static int cancelled(const speech_job *j) { return atomic_load(&j->s->cancel); }

static int sink_buffer(void *ud, const uint8_t *data, size_t len) {
    speech_job *j = ud;
    if (cancelled(j)) return 1;
    if (j->len + len > j->cap) {
        size_t cap = j->cap ? j->cap : 1u << 16;
        while (cap < j->len + len) cap *= 2;
        uint8_t *n = realloc(j->buf, cap);
        if (!n) return 1;
        j->buf = n;
        j->cap = cap;
    }
    memcpy(j->buf + j->len, data, len);
    j->len += len;
    return 0;
}

static int sink_stream(void *ud, const uint8_t *data, size_t len) {
    speech_job *j = ud;
    return cancelled(j) || lt_http_stream_write(j->stream, data, len) ? 1 : 0;
}

static int sse_event(speech_job *j, json_t *ev) {
    char *s = json_dumps(ev, JSON_COMPACT);
    json_decref(ev);
    if (!s) return 1;
    int rc = lt_http_stream_write(j->stream, "data: ", 6) || lt_http_stream_write(j->stream, s, strlen(s)) ||
             lt_http_stream_write(j->stream, "\n\n", 2);
    free(s);
    return rc;
}

static int sink_sse(void *ud, const uint8_t *data, size_t len) {
    speech_job *j = ud;
    if (cancelled(j)) return 1;
    char *b64 = lt_base64(data, len);
    if (!b64) return 1;
    int rc = sse_event(j, json_pack("{s:s, s:s}", "type", "speech.audio.delta", "audio", b64));
    free(b64);
    return rc;
}

/* One entry per written word: the phoneme words of "$100" (wˈʌn hˈʌndɹəd
 * dˈɑləɹz) share its source span and become one entry. */
static int sink_word(void *ud, const lt_spoken_word *w) {
    speech_job *j = ud;
    const char *in = j->req.input;
    size_t n = json_array_size(j->words);
    json_t *last = n ? json_array_get(j->words, n - 1) : NULL;
    if (last && (size_t)json_integer_value(json_object_get(last, "source_start")) == w->src_start &&
        (size_t)json_integer_value(json_object_get(last, "source_end")) == w->src_end) {
        const char *ph = json_string_value(json_object_get(last, "phonemes"));
        size_t len = strlen(ph);
        char *joined = malloc(len + w->ph_len + 2);
        if (!joined) return 1;
        memcpy(joined, ph, len);
        joined[len] = ' ';
        memcpy(joined + len + 1, w->ph, w->ph_len);
        joined[len + 1 + w->ph_len] = 0;
        json_object_set_new(last, "phonemes", json_string(joined));
        json_object_set_new(last, "end_time", json_real(w->end_time));
        free(joined);
        return 0;
    }
    json_t *o = json_pack("{s:s%, s:f, s:f, s:I, s:I, s:s%}", "word", in + w->src_start, w->src_end - w->src_start,
                          "start_time", w->start_time, "end_time", w->end_time, "source_start",
                          (json_int_t)w->src_start, "source_end", (json_int_t)w->src_end, "phonemes", w->ph,
                          w->ph_len);
    return !o || json_array_append_new(j->words, o);
}

static void run_job(void *arg, int worker) {
    speech_job *j = arg;
    lt_server *s = j->s;
    lt_err err = {{0}};
    lt_synth_stats st;
    lt_synth_sink sink = {.ud = j};
    sink.bytes = j->kind == K_STREAM ? sink_stream : j->kind == K_SSE ? sink_sse : sink_buffer;
    sink.word = j->kind == K_CAPTIONED ? sink_word : NULL;
    int rc;
    if (cancelled(j)) {
        rc = lt_fail(&err, "the server is shutting down");
        memset(&st, 0, sizeof st);
    } else {
        rc = lt_synth_run(s->synth, worker, &j->req, &sink, &st, &err);
    }
    const char *ctype = lt_encoder_content_type(j->req.format);
    if (rc && j->stream && lt_http_stream_cancelled(j->stream)) atomic_fetch_add(&s->n_abandoned, 1);
    switch (j->kind) {
    case K_STREAM:
        lt_http_stream_close(j->stream, rc == 0);
        break;
    case K_SSE:
        if (rc == 0)
            sse_event(j, json_pack("{s:s, s:{s:I, s:I, s:I}}", "type", "speech.audio.done", "usage", "input_tokens",
                                   (json_int_t)st.input_tokens, "output_tokens", (json_int_t)st.output_tokens,
                                   "total_tokens", (json_int_t)(st.input_tokens + st.output_tokens)));
        else if (!lt_http_stream_cancelled(j->stream))
            sse_event(j, json_pack("{s:s, s:{s:s, s:s}}", "type", "error", "error", "message", err.msg, "type",
                                   rc == -2 ? "invalid_request_error" : "server_error"));
        lt_http_stream_close(j->stream, 1);
        break;
    case K_BUFFER:
    case K_CAPTIONED:
        if (rc == -2) {
            lt_http_reply_error(j->http, 400, "input", NULL, "%s", err.msg);
        } else if (rc && cancelled(j)) {
            lt_http_set_retry_after(j->http, 5);
            lt_http_reply_error(j->http, 503, NULL, "draining", "the server is shutting down; try again shortly");
        } else if (rc) {
            lt_http_reply_error(j->http, 500, NULL, NULL, "synthesis failed: %s", err.msg);
        } else if (j->kind == K_BUFFER) {
            lt_http_reply_owned(j->http, 200, ctype, j->buf, j->len);
            j->buf = NULL;
        } else {
            char *b64 = lt_base64(j->buf, j->len);
            json_t *o = json_pack("{s:s, s:s, s:O, s:f}", "audio", b64 ? b64 : "", "audio_format", j->req.format,
                                  "timestamps", j->words, "duration", (double)st.samples / 24000.0);
            free(b64);
            lt_http_reply_json(j->http, 200, o);
        }
        lt_http_complete(j->http);
        break;
    }
    job_free(j);
}

static void submit(lt_server *s, lt_http_req *r, speech_job *j) {
    int deferred = j->kind == K_BUFFER || j->kind == K_CAPTIONED;
    if (deferred) {
        j->http = r;
        lt_http_defer(r);
    } else {
        j->stream = lt_http_reply_stream(r, j->kind == K_SSE ? "text/event-stream" : lt_encoder_content_type(j->req.format));
        if (!j->stream) {
            job_free(j);
            lt_http_reply_error(r, 500, NULL, NULL, "out of memory");
            return;
        }
    }
    int rc = lt_jobs_submit(s->jobs, run_job, j);
    if (rc == 0) return;
    if (deferred)
        lt_http_undefer(r);
    else
        lt_http_stream_close(j->stream, 0);
    job_free(j);
    lt_http_set_retry_after(r, rc == -1 ? 1 : 5);
    lt_http_reply_error(r, 503, NULL, rc == -1 ? "server_busy" : "draining",
                        rc == -1 ? "the server is busy (its request queue is full); try again shortly"
                                 : "the server is shutting down");
}

static void speech(lt_http_req *r, lt_server *s, int captioned) {
    if (!lt_server_check_ready(s, r)) return;
    json_t *body = lt_http_json_body(r);
    if (!body) return;
    speech_job *j = calloc(1, sizeof *j);
    if (!j) {
        json_decref(body);
        lt_http_reply_error(r, 500, NULL, NULL, "out of memory");
        return;
    }
    j->s = s;
    lt_speech_defaults def = {.max_input = s->cfg.max_input, .stream = !captioned, .format = "mp3"};
    const char *param = NULL;
    lt_err err;
    int bad = lt_speech_req_parse(body, &def, s->voices, &j->req, &param, &err);
    json_decref(body);
    if (bad) {
        lt_http_reply_error(r, 400, param, param ? "invalid_value" : NULL, "%s", err.msg);
        job_free(j);
        return;
    }
    if (captioned) {
        j->kind = K_CAPTIONED;
        j->req.stream = 0; /* TODO: Kokoro-FastAPI's streamed NDJSON form */
        j->req.sse = 0;
        j->words = json_array();
    } else {
        j->kind = j->req.sse ? K_SSE : j->req.stream ? K_STREAM : K_BUFFER;
    }
    submit(s, r, j);
}

void lt_route_speech(lt_http_req *r, void *ud) { speech(r, ud, 0); }
void lt_route_captioned(lt_http_req *r, void *ud) { speech(r, ud, 1); }
