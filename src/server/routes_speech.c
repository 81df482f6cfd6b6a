/* routes_speech.c — POST /v1/audio/speech (whole file, chunked audio
 * stream, or SSE) and POST /dev/captioned_speech (audio + word timestamps
 * with their source spans): request checks on the HTTP thread, synthesis as
 * a job on a worker, the reply or stream filled from there. Also the audio
 * cache's part of it (a repeat whose phonemes are known is answered on the
 * HTTP thread; otherwise the worker phonemises, looks up, and stores what it
 * synthesised) and the --precache phrases, synthesised in the background. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audio/encoder.h"
#include "core/sha256.h"
#include "server/base64.h"
#include "server/server_internal.h"
#include "server/speech_req.h"
#include "text/chunk.h"

enum { K_BUFFER, K_STREAM, K_SSE, K_CAPTIONED, K_CAPTIONED_STREAM, K_PRECACHE };

/* streamed audio kept for the cache up to this size */
#define CACHE_COPY_MAX (64u << 20)

typedef struct speech_job {
    lt_server *s;
    int kind;
    lt_speech_req req;
    lt_voice_ref *voice;
    char key[LT_CACHE_KEY_LEN]; /* the audio cache key, once known */
    int key_checked;            /* the HTTP thread already looked it up (a miss) */
    int caching;                /* store the output when it completes */
    uint8_t *copy;              /* K_STREAM: what was streamed, for the cache */
    size_t copy_len, copy_cap;
    int copy_overflow;
    lt_http_req *http;      /* K_BUFFER, K_CAPTIONED: deferred */
    lt_http_stream *stream; /* K_STREAM, K_SSE, K_CAPTIONED_STREAM */
    uint8_t *buf;
    size_t len, cap;
    json_t *words;
} speech_job;

static void job_free(speech_job *j) {
    if (j->voice) lt_voices_release(j->s->voices, j->voice);
    free(j->copy);
    lt_speech_req_free(&j->req);
    free(j->buf);
    json_decref(j->words);
    free(j);
}

static int cancelled(const speech_job *j) { return atomic_load(&j->s->cancel); }

static int append(uint8_t **buf, size_t *len, size_t *cap, const uint8_t *data, size_t n) {
    if (*len + n > *cap) {
        size_t c = *cap ? *cap : 1u << 16;
        while (c < *len + n) c *= 2;
        uint8_t *nb = realloc(*buf, c);
        if (!nb) return 1;
        *buf = nb;
        *cap = c;
    }
    memcpy(*buf + *len, data, n);
    *len += n;
    return 0;
}

static int sink_buffer(void *ud, const uint8_t *data, size_t len) {
    speech_job *j = ud;
    if (cancelled(j)) return 1;
    return append(&j->buf, &j->len, &j->cap, data, len);
}

static int sink_stream(void *ud, const uint8_t *data, size_t len) {
    speech_job *j = ud;
    if (j->caching && !j->copy_overflow) {
        if (j->copy_len + len > CACHE_COPY_MAX || append(&j->copy, &j->copy_len, &j->copy_cap, data, len)) {
            j->copy_overflow = 1;
            free(j->copy);
            j->copy = NULL;
            j->copy_len = j->copy_cap = 0;
        }
    }
    return cancelled(j) || lt_http_stream_write(j->stream, data, len) ? 1 : 0;
}

/* The whole input is phonemised: remember its phonemes, then answer from the
 * cache if it has this output (returns 1: nothing to synthesise). */
static int sink_phonemes(void *ud, const char *phonemes) {
    speech_job *j = ud;
    lt_server *s = j->s;
    char tk[65];
    lt_server_text_key(&j->req, tk);
    lt_server_memo_put(s, tk, phonemes);
    lt_server_audio_key(s, &j->req, phonemes, lt_voice_ref_hash(j->voice), j->key);
    j->caching = 1;
    if (j->key_checked) return 0;
    uint8_t *data;
    size_t len;
    if (lt_cache_get(s->cache, j->key, &data, &len) != 1) return 0;
    j->caching = 0;
    int rc = 0;
    if (j->kind == K_BUFFER) rc = sink_buffer(j, data, len);
    else if (j->kind == K_STREAM) rc = sink_stream(j, data, len);
    free(data);
    return rc ? 0 : 1;
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

/* K_CAPTIONED_STREAM: one JSON line per chunk, {"audio","audio_format","timestamps"}
 * (Kokoro-FastAPI's streamed captioned speech), from the audio and words gathered since the last line */
static int ndjson_flush(speech_job *j) {
    if (!j->len && !json_array_size(j->words)) return 0;
    char *b64 = lt_base64(j->buf, j->len);
    json_t *o = json_pack("{s:s, s:s, s:O}", "audio", b64 ? b64 : "", "audio_format", j->req.format, "timestamps",
                          j->words);
    char *line = o ? json_dumps(o, JSON_COMPACT) : NULL;
    int rc = !line || lt_http_stream_write(j->stream, (const uint8_t *)line, strlen(line)) ||
             lt_http_stream_write(j->stream, (const uint8_t *)"\n", 1);
    free(line);
    free(b64);
    json_decref(o);
    j->len = 0;
    json_array_clear(j->words);
    return rc;
}

/* a chunk's words arrive before its audio: the first word after some audio starts the next line */
static int sink_word_lines(void *ud, const lt_spoken_word *w) {
    speech_job *j = ud;
    if (j->len && ndjson_flush(j)) return 1;
    return cancelled(j) || sink_word(ud, w);
}

static int sink_cancelled(void *ud) {
    speech_job *j = ud;
    return cancelled(j) || (j->stream && lt_http_stream_cancelled(j->stream));
}

static void run_job(void *arg, int worker) {
    speech_job *j = arg;
    lt_server *s = j->s;
    lt_err err = {{0}};
    lt_synth_stats st;
    lt_synth_sink sink = {.ud = j, .cancelled = sink_cancelled};
    sink.bytes = j->kind == K_STREAM ? sink_stream : j->kind == K_SSE ? sink_sse : sink_buffer;
    sink.word = j->kind == K_CAPTIONED ? sink_word : j->kind == K_CAPTIONED_STREAM ? sink_word_lines : NULL;
    if (s->cache && (j->kind == K_BUFFER || j->kind == K_STREAM || j->kind == K_PRECACHE)) sink.phonemes = sink_phonemes;
    int rc;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (cancelled(j)) {
        rc = lt_fail(&err, "the server is shutting down");
        memset(&st, 0, sizeof st);
    } else {
        rc = lt_synth_run(s->synth, worker, &j->req, lt_voice_ref_pack(j->voice), &sink, &st, &err);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (rc == 0)
        lt_metrics_synthesis(s->metrics, (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) * 1e-9,
                             (double)st.samples / 24000.0, st.answered);
    if (rc == 0 && !st.answered && j->caching && s->cache) { /* only complete, successful outputs */
        const uint8_t *out = j->kind == K_STREAM ? j->copy : j->buf;
        size_t out_len = j->kind == K_STREAM ? j->copy_len : j->len;
        lt_err cerr;
        if (out && out_len && !(j->kind == K_STREAM && j->copy_overflow) &&
            lt_cache_put(s->cache, j->key, out, out_len, &cerr) && !s->cfg.quiet)
            fprintf(stderr, "litetts serve: cache: %s\n", cerr.msg);
    }
    const char *ctype = lt_encoder_content_type(j->req.format);
    if (rc && j->stream && lt_http_stream_cancelled(j->stream)) atomic_fetch_add(&s->n_abandoned, 1);
    double audio_s = (double)st.samples / 24000.0;
    int hit = sink.phonemes ? st.answered : -1; /* -1: the cache is not used for this kind */
    if (j->stream) lt_http_stream_note_audio(j->stream, st.answered ? -1 : audio_s, hit);
    else if (j->http) lt_http_note_audio(j->http, st.answered ? -1 : audio_s, hit);
    switch (j->kind) {
    case K_PRECACHE: {
        int left = atomic_fetch_sub(&s->precache_pending, 1) - 1;
        if (!s->cfg.quiet) {
            if (rc) fprintf(stderr, "litetts serve: precache: '%.40s': %s\n", j->req.input, err.msg);
            fprintf(stderr, "litetts serve: precache: %s '%.40s' (%d left)\n",
                    rc ? "failed" : st.answered ? "already cached" : "cached", j->req.input, left);
        }
        break;
    }
    case K_STREAM:
        lt_http_stream_close(j->stream, rc == 0);
        break;
    case K_CAPTIONED_STREAM:
        if (rc == 0 && ndjson_flush(j)) rc = -1;
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
            if (st.answered) lt_http_add_header(j->http, "X-Cache", "hit");
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
        j->stream = lt_http_reply_stream(r, j->kind == K_SSE                ? "text/event-stream"
                                            : j->kind == K_CAPTIONED_STREAM ? "application/x-ndjson"
                                                                            : lt_encoder_content_type(j->req.format));
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

/* A repeat whose phonemes the memo knows: look the audio up here, on the
 * HTTP thread, and answer at once on a hit (1: answered, j freed). */
static int answer_from_cache(lt_server *s, lt_http_req *r, speech_job *j) {
    char tk[65], *ph;
    lt_server_text_key(&j->req, tk);
    if (!lt_server_memo_get(s, tk, &ph)) return 0;
    lt_server_audio_key(s, &j->req, ph, lt_voice_ref_hash(j->voice), j->key);
    free(ph);
    uint8_t *data;
    size_t len;
    if (lt_cache_get(s->cache, j->key, &data, &len) != 1) {
        j->key_checked = 1;
        return 0;
    }
    const char *ctype = lt_encoder_content_type(j->req.format);
    lt_http_add_header(r, "X-Cache", "hit");
    lt_http_note_audio(r, -1, 1);
    if (j->kind == K_STREAM) {
        lt_http_stream *st = lt_http_reply_stream(r, ctype);
        if (!st) {
            free(data);
            lt_http_reply_error(r, 500, NULL, NULL, "out of memory");
        } else {
            lt_http_stream_note_audio(st, -1, 1);
            lt_http_stream_write(st, data, len); /* an empty stream buffer takes any size at once */
            lt_http_stream_close(st, 1);
            free(data);
        }
    } else {
        lt_http_reply_owned(r, 200, ctype, data, len);
    }
    lt_metrics_synthesis(s->metrics, 0, 0, 1);
    job_free(j);
    return 1;
}

enum { MODE_SPEECH, MODE_CAPTIONED, MODE_PHONEMES };

static void speech(lt_http_req *r, lt_server *s, int mode) {
    int captioned = mode == MODE_CAPTIONED;
    if (!lt_server_check_ready(s, r)) return;
    json_t *body = lt_http_json_body(r);
    if (!body) return;
    if (mode == MODE_PHONEMES) { /* Kokoro-FastAPI's {"phonemes","voice"}: a WAV unless asked otherwise */
        json_t *ph = json_object_get(body, "phonemes");
        if (!json_is_string(ph) || !*json_string_value(ph)) {
            json_decref(body);
            lt_http_reply_error(r, 400, "phonemes", "invalid_value", "'phonemes' must be a non-empty string");
            return;
        }
        json_object_set(body, "input", ph);
        if (!json_object_get(body, "response_format")) json_object_set_new(body, "response_format", json_string("wav"));
        if (!json_object_get(body, "stream")) json_object_set_new(body, "stream", json_false());
    }
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
        if (mode == MODE_PHONEMES && param && !strcmp(param, "input")) param = "phonemes";
        lt_http_reply_error(r, 400, param, param ? "invalid_value" : NULL, "%s", err.msg);
        job_free(j);
        return;
    }
    j->req.phonemes_input = mode == MODE_PHONEMES;
    lt_http_note(r, j->req.voice, j->req.format, lt_utf8_count(j->req.input, strlen(j->req.input)));
    j->voice = lt_voices_acquire(s->voices, j->req.voice, &err);
    if (!j->voice) {
        lt_http_reply_error(r, 400, "voice", "invalid_value", "%s", err.msg);
        job_free(j);
        return;
    }
    if (captioned) {
        j->kind = j->req.stream ? K_CAPTIONED_STREAM : K_CAPTIONED; /* streamed: NDJSON, a line per chunk */
        j->req.sse = 0;
        j->words = json_array();
    } else {
        j->kind = j->req.sse ? K_SSE : j->req.stream ? K_STREAM : K_BUFFER;
        if (s->cache && !j->req.phonemes_input && answer_from_cache(s, r, j)) return;
    }
    submit(s, r, j);
}

void lt_route_speech(lt_http_req *r, void *ud) { speech(r, ud, MODE_SPEECH); }
void lt_route_captioned(lt_http_req *r, void *ud) { speech(r, ud, MODE_CAPTIONED); }
void lt_route_from_phonemes(lt_http_req *r, void *ud) { speech(r, ud, MODE_PHONEMES); }

/* ---------------------------------------------------------------- cache keys */

void lt_server_text_key(const lt_speech_req *req, char out[65]) {
    lt_sha256_ctx h;
    lt_sha256_init(&h);
    char meta[200];
    snprintf(meta, sizeof meta, "%c|%d|%s", req->lang, req->no_normalize, req->normalize);
    lt_sha256_update(&h, meta, strlen(meta) + 1);
    lt_sha256_update(&h, req->input, strlen(req->input));
    uint8_t d[32];
    lt_sha256_final(&h, d);
    lt_sha256_hex(d, out);
}

int lt_server_memo_get(lt_server *s, const char *text_key, char **ph) {
    int found = 0;
    pthread_mutex_lock(&s->memo_mu);
    for (int i = 0; i < s->memo_n; i++)
        if (s->memo[i].ph && !strcmp(s->memo[i].key, text_key)) {
            s->memo[i].used = ++s->memo_clock;
            *ph = strdup(s->memo[i].ph);
            found = *ph != NULL;
            break;
        }
    pthread_mutex_unlock(&s->memo_mu);
    return found;
}

void lt_server_memo_put(lt_server *s, const char *text_key, const char *ph) {
    if (strlen(ph) > 64 * 1024) return;
    char *copy = strdup(ph);
    if (!copy) return;
    pthread_mutex_lock(&s->memo_mu);
    int slot = -1;
    for (int i = 0; i < s->memo_n && slot < 0; i++)
        if (!strcmp(s->memo[i].key, text_key)) slot = i;
    if (slot < 0 && s->memo_n < LT_MEMO_MAX) slot = s->memo_n++;
    if (slot < 0) { /* full: replace the least recently used */
        slot = 0;
        for (int i = 1; i < s->memo_n; i++)
            if (s->memo[i].used < s->memo[slot].used) slot = i;
    }
    free(s->memo[slot].ph);
    s->memo[slot].ph = copy;
    snprintf(s->memo[slot].key, sizeof s->memo[slot].key, "%s", text_key);
    s->memo[slot].used = ++s->memo_clock;
    pthread_mutex_unlock(&s->memo_mu);
}

/* Streamed and whole-file WAV and FLAC differ (unknown-length headers), the
 * other formats are the same bytes either way; volume goes with the format. */
void lt_server_audio_key(lt_server *s, const lt_speech_req *req, const char *phonemes, const char *voice_hash,
                         char key[LT_CACHE_KEY_LEN]) {
    char fmt[64];
    int stream_differs = req->stream && (!strcmp(req->format, "wav") || !strcmp(req->format, "flac"));
    snprintf(fmt, sizeof fmt, "%s%s|volume=%.6f", req->format, stream_differs ? "+stream" : "", (double)req->volume);
    lt_cache_key(key, s->model_hash, phonemes, voice_hash, req->speed, fmt, req->sample_rate, s->engine_version);
}

/* ---------------------------------------------------------------- --precache */

typedef struct precache_ctx {
    lt_server *s;
    json_t *items;
} precache_ctx;

static void *precache_main(void *arg) {
    precache_ctx *c = arg;
    lt_server *s = c->s;
    size_t i;
    json_t *it;
    json_array_foreach(c->items, i, it) {
        if (atomic_load(&s->stopping)) {
            atomic_fetch_sub(&s->precache_pending, (int)(json_array_size(c->items) - i));
            break;
        }
        const json_t *fmt = json_object_get(it, "format");
        if (!fmt) fmt = json_object_get(it, "response_format");
        json_t *body = json_pack("{s:O, s:O, s:s, s:b}", "input", json_object_get(it, "text"), "voice",
                                 json_object_get(it, "voice"), "response_format",
                                 json_is_string(fmt) ? json_string_value(fmt) : "mp3", "stream", 0);
        speech_job *j = calloc(1, sizeof *j);
        lt_speech_defaults def = {.max_input = s->cfg.max_input, .stream = 0, .format = "mp3"};
        const char *param;
        lt_err err;
        int ok = body && j && lt_speech_req_parse(body, &def, s->voices, &j->req, &param, &err) == 0;
        json_decref(body);
        if (ok) {
            j->s = s;
            j->kind = K_PRECACHE;
            j->voice = lt_voices_acquire(s->voices, j->req.voice, &err);
            ok = j->voice != NULL;
        } else if (!j) {
            lt_fail(&err, "out of memory");
        }
        int rc = -1;
        while (ok && (rc = lt_jobs_submit(s->jobs, run_job, j)) == -1 && !atomic_load(&s->stopping))
            usleep(50 * 1000); /* the queue is full: wait, background work yields to requests */
        if (ok && rc == 0) continue;
        if (!s->cfg.quiet)
            fprintf(stderr, "litetts serve: precache: phrase %zu: %s\n", i + 1,
                    ok ? "the server is stopping" : err.msg);
        atomic_fetch_sub(&s->precache_pending, 1);
        if (j) {
            j->s = s;
            job_free(j);
        }
    }
    json_decref(c->items);
    free(c);
    return NULL;
}

int lt_server_precache_start(lt_server *s, lt_err *err) {
    if (!s->cfg.precache || !*s->cfg.precache) return 0;
    json_error_t je;
    json_t *items = json_load_file(s->cfg.precache, 0, &je);
    if (!items) return lt_fail(err, "--precache %s: line %d: %s", s->cfg.precache, je.line, je.text);
    size_t i;
    json_t *it;
    int bad = !json_is_array(items);
    json_array_foreach(items, i, it) {
        if (bad) break;
        const json_t *f = json_object_get(it, "format");
        if (!json_is_object(it) || !json_is_string(json_object_get(it, "text")) ||
            !json_is_string(json_object_get(it, "voice")) || (f && !json_is_string(f)))
            bad = (int)i + 2;
    }
    if (bad) {
        json_decref(items);
        return bad == 1 ? lt_fail(err, "--precache %s: expected a JSON list of {\"text\", \"voice\", \"format\"?}",
                                  s->cfg.precache)
                        : lt_fail(err, "--precache %s: item %d: needs \"text\" and \"voice\" strings (and "
                                       "\"format\" a string if given)", s->cfg.precache, bad - 1);
    }
    if (!s->cache) {
        json_decref(items);
        return lt_fail(err, "--precache needs the audio cache (--cache-mem-mb or --cache-disk-mb above 0)");
    }
    precache_ctx *c = malloc(sizeof *c);
    if (!c) {
        json_decref(items);
        return lt_fail(err, "out of memory");
    }
    c->s = s;
    c->items = items;
    atomic_store(&s->precache_pending, (int)json_array_size(items));
    if (!s->cfg.quiet)
        fprintf(stderr, "litetts serve: precache: %zu phrase(s) from %s, in the background\n", json_array_size(items),
                s->cfg.precache);
    if (pthread_create(&s->precache_thread, NULL, precache_main, c)) {
        atomic_store(&s->precache_pending, 0);
        json_decref(items);
        free(c);
        return lt_fail(err, "cannot start the precache thread");
    }
    s->precache_started = 1;
    return 0;
}
