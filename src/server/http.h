/* http.h — the HTTP layer of `litetts serve`, on libmicrohttpd: one daemon
 * (internal polling threads on poll(), a pool of N threads),
 * request bodies collected up to a limit (413 beyond it), a routing table
 * (method + path, `{}` matches one path segment), API-key checks per route,
 * CORS, JSON and OpenAI-shaped error replies, replies deferred to another
 * thread (the connection is suspended meanwhile) and chunked streaming
 * replies fed through an lt_http_stream by a producer thread.
 *
 * A handler is called once per request, on a daemon thread, after the whole
 * body has arrived. It must do exactly one of: reply now (lt_http_reply*),
 * open a stream (lt_http_reply_stream), or defer (lt_http_defer) and hand the
 * request to another thread that later replies and calls lt_http_complete. */
#ifndef LT_SERVER_HTTP_H
#define LT_SERVER_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/error.h"

typedef struct lt_http lt_http;
typedef struct lt_http_req lt_http_req;
typedef struct lt_http_stream lt_http_stream;

typedef void (*lt_http_handler)(lt_http_req *req, void *ud);

typedef struct lt_http_endpoint {
    const char *method;  /* "GET", "POST", ... */
    const char *pattern; /* "/v1/audio/speech", "/v1/audio/voices/{}" */
    lt_http_handler handler;
    int open;            /* 1: no API key needed */
    size_t max_body;     /* this route's body limit; 0 = the daemon's */
} lt_http_endpoint;

/* What one finished request did: the access log line and the latency
 * metrics are made from it. Times in seconds; ttfa_s = until the first byte
 * of the reply body was ready (the whole reply, unless streamed). */
typedef struct lt_http_access {
    const char *id;      /* X-Request-Id, echoed or generated */
    const char *method, *path;
    const char *route;   /* the matched pattern, or NULL */
    int status;
    int streamed, aborted; /* aborted: the client left before the end */
    const char *voice, *format; /* "" unless the handler noted them */
    long chars;          /* characters of input, -1 = not noted */
    double audio_s;      /* seconds of audio produced, -1 = none */
    int cache_hit;       /* 1 hit, 0 miss, -1 not noted */
    double ttfa_s, total_s;
    unsigned long long bytes; /* body bytes sent */
} lt_http_access;

/* Returns 1 when the Authorization header value (may be NULL) is accepted. */
typedef int (*lt_http_auth_fn)(void *ud, const char *authorization);

typedef struct lt_http_config {
    const char *host;        /* NULL or "" = all interfaces; "127.0.0.1", "::1", ... */
    int port;                /* 0 = ephemeral (see lt_http_port) */
    int threads;             /* daemon thread pool size (>= 1) */
    size_t max_body;         /* bytes; larger bodies get 413 */
    size_t stream_buffer;    /* bytes a stream may buffer before its producer waits */
    unsigned connection_timeout; /* seconds of inactivity before a connection is closed */
    unsigned max_connections;
    const lt_http_endpoint *routes;
    int n_routes;
    void *ud;                /* passed to handlers */
    lt_http_auth_fn auth;    /* NULL = no auth */
    void *auth_ud;
    /* NULL or a per-client admission check for non-open routes: returns 1 to
     * admit, 0 to refuse with 429 and Retry-After (client = API key or address) */
    int (*admit)(void *ud, const char *client, double *retry_after_s);
    void *admit_ud;
    /* NULL or called as each reply is queued (route: the matched pattern, or
     * NULL when none matched), for request counters */
    void (*on_reply)(void *ud, const char *method, const char *route, int status);
    /* NULL or called once per request as it ends (sent, failed or aborted) */
    void (*on_complete)(void *ud, const lt_http_access *a);
} lt_http_config;

int lt_http_start(const lt_http_config *cfg, lt_http **out, lt_err *err);
int lt_http_port(const lt_http *h);
/* Stop accepting new connections (existing ones are served). */
void lt_http_quiesce(lt_http *h);
/* Wait until every request begun has been answered and sent (or timeout_ms
 * passed); returns the number still open. */
int lt_http_wait_idle(lt_http *h, int timeout_ms);
/* Stop the daemon. Every deferred request must be completed and every
 * stream closed first. */
void lt_http_stop(lt_http *h);
/* Streamed replies in progress. */
int lt_http_active_streams(lt_http *h);

/* ---- the request ---- */
const char *lt_http_method(const lt_http_req *r);
const char *lt_http_path(const lt_http_req *r);
const char *lt_http_header(const lt_http_req *r, const char *name);
const char *lt_http_body(const lt_http_req *r, size_t *len); /* NUL-terminated copy */
/* The i-th `{}` segment of the matched route (URL-decoded), or NULL. */
const char *lt_http_param(const lt_http_req *r, int i);
/* The request's id: the client's X-Request-Id when it is 1-64 characters of
 * [A-Za-z0-9._:-], else a generated one; sent back as X-Request-Id. */
const char *lt_http_request_id(const lt_http_req *r);
/* For the access log: what the request asks for (any may be NULL / -1). */
void lt_http_note(lt_http_req *r, const char *voice, const char *format, long chars);
/* For the access log: the audio a deferred reply carries, and whether it
 * came from the cache (-1 unknown). Call before lt_http_complete. */
void lt_http_note_audio(lt_http_req *r, double audio_s, int cache_hit);
/* Parse the body as a JSON object; on failure reply 400/415 and return NULL. */
json_t *lt_http_json_body(lt_http_req *r);

/* ---- replies ---- */
/* Extra header on the reply (Retry-After, X-Request-Id ...). */
void lt_http_add_header(lt_http_req *r, const char *name, const char *value);
/* Copies data. */
void lt_http_reply(lt_http_req *r, int status, const char *content_type, const void *data, size_t len);
/* Takes ownership of malloc'd data. */
void lt_http_reply_owned(lt_http_req *r, int status, const char *content_type, void *data, size_t len);
/* Steals the reference to j. */
void lt_http_reply_json(lt_http_req *r, int status, json_t *j);
/* OpenAI's {"error":{"message","type","param","code"}}; type from status
 * (invalid_request_error, authentication_error, ...); param/code may be NULL.
 * 503 and 429 get Retry-After: retry_after seconds. */
void lt_http_reply_error(lt_http_req *r, int status, const char *param, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void lt_http_set_retry_after(lt_http_req *r, int seconds);

/* Reply later: call before handing the request to another thread, which
 * sets the reply (lt_http_reply*) and then calls lt_http_complete once. */
void lt_http_defer(lt_http_req *r);
/* Take lt_http_defer back (the hand-over failed); the handler then replies itself. */
void lt_http_undefer(lt_http_req *r);
void lt_http_complete(lt_http_req *r);

/* ---- streaming ---- */
/* Reply 200 with chunked transfer once the handler returns; the returned
 * stream belongs to the caller (the producer), who writes to it and must
 * lt_http_stream_close it. Before the handler returns it may still close the
 * stream (ok = 0) and reply otherwise (e.g. 503). */
lt_http_stream *lt_http_reply_stream(lt_http_req *r, const char *content_type);
/* Append bytes (copied; may wait while the buffer is full). Returns -1
 * when the client has gone or the stream was cancelled: stop producing. */
int lt_http_stream_write(lt_http_stream *s, const void *data, size_t len);
int lt_http_stream_cancelled(lt_http_stream *s);
/* For the access log: seconds of audio the stream carried (call before close). */
void lt_http_stream_note_audio(lt_http_stream *s, double audio_s, int cache_hit);
/* End the stream (ok = 0: abort it, the client sees a broken transfer) and
 * drop the producer's reference. */
void lt_http_stream_close(lt_http_stream *s, int ok);

#endif
