/* http.c — the libmicrohttpd daemon behind `litetts serve`: body collection
 * with a size limit, routing, auth checks, CORS, request ids, replies
 * (buffered, deferred to another thread, or streamed from a producer
 * thread), and one access record per finished request (lt_http_access). */
#include "server/http.h"

#include <errno.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>
#include <netinet/in.h>

#define LT_HTTP_MAX_PARAMS 4
#define LT_HTTP_MAX_HEADERS 8
#define LT_HTTP_MAX_JSON_DEPTH 32

struct lt_http {
    struct MHD_Daemon *d;
    atomic_int live; /* requests begun and not yet completed */
    atomic_int streams; /* streamed replies not yet finished */
    atomic_ullong next_id;
    lt_http_config cfg;
    int port;
    int quiesced_fd; /* the listen socket after lt_http_quiesce, closed after MHD_stop_daemon */
};

struct lt_http_stream {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int refs;
    unsigned char *buf;
    size_t len, off, cap, limit;
    int closed, ok, cancelled, suspended;
    struct MHD_Connection *conn;
    lt_http *h;
    /* for the access log */
    double t_first;     /* monotonic seconds of the first write, 0 = none yet */
    unsigned long long sent;
    double audio_s;
    int cache_hit;
};

struct lt_http_req {
    lt_http *h;
    struct MHD_Connection *conn;
    pthread_mutex_t mu;
    char method[16];
    char *path;
    char *body;
    size_t body_len, body_cap, limit;
    int too_large;
    const char *route;    /* the matched pattern (static), NULL if none */
    char *params[LT_HTTP_MAX_PARAMS];
    int n_params;
    /* the reply */
    int has_reply, status;
    char *ctype;
    void *data;
    size_t data_len;
    char *hname[LT_HTTP_MAX_HEADERS], *hval[LT_HTTP_MAX_HEADERS];
    int n_headers;
    lt_http_stream *stream; /* the request's own reference */
    int deferred, completed, queued;
    /* for the access log */
    char id[72];
    double t_start, t_reply; /* monotonic seconds */
    char voice[96], format[16];
    long chars;
    double audio_s;
    int cache_hit;
};

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec * 1e-9;
}

/* ---------------------------------------------------------------- streams */

static void stream_release(lt_http_stream *s) {
    pthread_mutex_lock(&s->mu);
    int last = --s->refs == 0;
    pthread_mutex_unlock(&s->mu);
    if (!last) return;
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cv);
    free(s->buf);
    free(s);
}

static void stream_cancel(lt_http_stream *s) {
    pthread_mutex_lock(&s->mu);
    s->cancelled = 1;
    s->conn = NULL;
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
}

/* MHD's content reader: hand out what the producer has written; with
 * nothing yet, suspend the connection until the producer writes more. */
static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max) {
    (void)pos;
    lt_http_stream *s = cls;
    ssize_t rc;
    pthread_mutex_lock(&s->mu);
    if (s->cancelled) {
        rc = MHD_CONTENT_READER_END_WITH_ERROR;
    } else if (s->len > s->off) {
        size_t n = s->len - s->off < max ? s->len - s->off : max;
        memcpy(buf, s->buf + s->off, n);
        s->off += n;
        s->sent += n;
        if (s->off == s->len) s->off = s->len = 0;
        pthread_cond_broadcast(&s->cv);
        rc = (ssize_t)n;
    } else if (s->closed) {
        rc = s->ok ? MHD_CONTENT_READER_END_OF_STREAM : MHD_CONTENT_READER_END_WITH_ERROR;
    } else {
        s->suspended = 1;
        MHD_suspend_connection(s->conn);
        rc = 0;
    }
    pthread_mutex_unlock(&s->mu);
    return rc;
}

static void stream_response_freed(void *cls) {
    lt_http_stream *s = cls;
    stream_cancel(s);
    atomic_fetch_sub(&s->h->streams, 1);
    stream_release(s);
}

static void stream_wake(lt_http_stream *s) { /* mu held */
    if (s->suspended && s->conn) {
        s->suspended = 0;
        MHD_resume_connection(s->conn);
    }
}

int lt_http_stream_write(lt_http_stream *s, const void *data, size_t len) {
    pthread_mutex_lock(&s->mu);
    while (!s->cancelled && s->len - s->off >= s->limit) pthread_cond_wait(&s->cv, &s->mu);
    if (s->cancelled) {
        pthread_mutex_unlock(&s->mu);
        return -1;
    }
    if (s->off) {
        memmove(s->buf, s->buf + s->off, s->len - s->off);
        s->len -= s->off;
        s->off = 0;
    }
    if (s->len + len > s->cap) {
        size_t cap = s->cap ? s->cap : 65536;
        while (cap < s->len + len) cap *= 2;
        unsigned char *nb = realloc(s->buf, cap);
        if (!nb) {
            s->cancelled = 1;
            stream_wake(s);
            pthread_mutex_unlock(&s->mu);
            return -1;
        }
        s->buf = nb;
        s->cap = cap;
    }
    memcpy(s->buf + s->len, data, len);
    s->len += len;
    if (s->t_first == 0 && len) s->t_first = now_s();
    stream_wake(s);
    pthread_mutex_unlock(&s->mu);
    return 0;
}

int lt_http_stream_cancelled(lt_http_stream *s) {
    pthread_mutex_lock(&s->mu);
    int c = s->cancelled;
    pthread_mutex_unlock(&s->mu);
    return c;
}

void lt_http_stream_note_audio(lt_http_stream *s, double audio_s, int cache_hit) {
    pthread_mutex_lock(&s->mu);
    s->audio_s = audio_s;
    s->cache_hit = cache_hit;
    pthread_mutex_unlock(&s->mu);
}

void lt_http_stream_close(lt_http_stream *s, int ok) {
    pthread_mutex_lock(&s->mu);
    s->closed = 1;
    s->ok = ok;
    stream_wake(s);
    pthread_mutex_unlock(&s->mu);
    stream_release(s);
}

lt_http_stream *lt_http_reply_stream(lt_http_req *r, const char *content_type) {
    lt_http_stream *s = calloc(1, sizeof *s);
    char *ct = strdup(content_type);
    if (!s || !ct) {
        free(s);
        free(ct);
        return NULL;
    }
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    s->refs = 3; /* producer, response, request */
    s->limit = r->h->cfg.stream_buffer ? r->h->cfg.stream_buffer : (1u << 20);
    s->conn = r->conn;
    s->h = r->h;
    s->audio_s = -1;
    s->cache_hit = -1;
    r->stream = s;
    r->has_reply = 1;
    r->status = 200;
    free(r->ctype);
    r->ctype = ct;
    return s;
}

/* ---------------------------------------------------------------- replies */

void lt_http_add_header(lt_http_req *r, const char *name, const char *value) {
    if (r->n_headers == LT_HTTP_MAX_HEADERS) return;
    r->hname[r->n_headers] = strdup(name);
    r->hval[r->n_headers] = strdup(value);
    if (r->hname[r->n_headers] && r->hval[r->n_headers]) r->n_headers++;
}

void lt_http_set_retry_after(lt_http_req *r, int seconds) {
    char v[16];
    snprintf(v, sizeof v, "%d", seconds);
    lt_http_add_header(r, "Retry-After", v);
}

void lt_http_reply_owned(lt_http_req *r, int status, const char *content_type, void *data, size_t len) {
    if (r->stream) { /* a stream reply replaced before it went out: its producer has closed it */
        stream_cancel(r->stream);
        stream_release(r->stream); /* the response's share */
        stream_release(r->stream); /* the request's share */
        r->stream = NULL;
    }
    free(r->data);
    free(r->ctype);
    r->data = data;
    r->data_len = data ? len : 0;
    r->ctype = content_type ? strdup(content_type) : NULL;
    r->status = status;
    r->has_reply = 1;
}

void lt_http_reply(lt_http_req *r, int status, const char *content_type, const void *data, size_t len) {
    void *copy = malloc(len ? len : 1);
    if (!copy) {
        lt_http_reply_owned(r, 500, "text/plain", NULL, 0);
        return;
    }
    if (len) memcpy(copy, data, len);
    lt_http_reply_owned(r, status, content_type, copy, len);
}

void lt_http_reply_json(lt_http_req *r, int status, json_t *j) {
    char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    if (!s) {
        lt_http_reply_owned(r, 500, "text/plain", NULL, 0);
        return;
    }
    lt_http_reply_owned(r, status, "application/json", s, strlen(s));
}

static const char *error_type(int status) {
    switch (status) {
    case 401: return "authentication_error";
    case 403: return "permission_error";
    case 404: return "not_found_error";
    case 429: return "rate_limit_error";
    case 500: return "server_error";
    case 503: return "service_unavailable";
    default: return "invalid_request_error";
    }
}

void lt_http_reply_error(lt_http_req *r, int status, const char *param, const char *code, const char *fmt, ...) {
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    json_t *e = json_pack("{s:s, s:s, s:o, s:o}", "message", msg, "type", error_type(status), "param",
                          param ? json_string(param) : json_null(), "code", code ? json_string(code) : json_null());
    lt_http_reply_json(r, status, json_pack("{s:o}", "error", e));
}

void lt_http_defer(lt_http_req *r) { r->deferred = 1; }
void lt_http_undefer(lt_http_req *r) { r->deferred = 0; }

void lt_http_complete(lt_http_req *r) {
    pthread_mutex_lock(&r->mu);
    r->completed = 1;
    MHD_resume_connection(r->conn);
    pthread_mutex_unlock(&r->mu);
}

/* ---------------------------------------------------------------- request */

const char *lt_http_method(const lt_http_req *r) { return r->method; }
const char *lt_http_path(const lt_http_req *r) { return r->path; }
const char *lt_http_header(const lt_http_req *r, const char *name) {
    return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}
const char *lt_http_body(const lt_http_req *r, size_t *len) {
    if (len) *len = r->body_len;
    return r->body ? r->body : "";
}
const char *lt_http_param(const lt_http_req *r, int i) { return i >= 0 && i < r->n_params ? r->params[i] : NULL; }
const char *lt_http_request_id(const lt_http_req *r) { return r->id; }

void lt_http_note(lt_http_req *r, const char *voice, const char *format, long chars) {
    if (voice) snprintf(r->voice, sizeof r->voice, "%s", voice);
    if (format) snprintf(r->format, sizeof r->format, "%s", format);
    r->chars = chars;
}

void lt_http_note_audio(lt_http_req *r, double audio_s, int cache_hit) {
    r->audio_s = audio_s;
    r->cache_hit = cache_hit;
}

int lt_http_active_streams(lt_http *h) { return atomic_load(&h->streams); }

/* The client's X-Request-Id when it is safe to echo and log, else a new one. */
static void assign_id(lt_http_req *r) {
    const char *v = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "X-Request-Id");
    size_t n = v ? strlen(v) : 0;
    int ok = n >= 1 && n <= 64;
    for (size_t i = 0; ok && i < n; i++) {
        char c = v[i];
        ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
             c == ':' || c == '-';
    }
    if (ok) {
        memcpy(r->id, v, n + 1);
        return;
    }
    /* splitmix64 of a per-daemon counter seeded from the clock: unique, unguessable enough for logs */
    uint64_t x = atomic_fetch_add(&r->h->next_id, 0x9E3779B97F4A7C15ULL);
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    x ^= x >> 31;
    snprintf(r->id, sizeof r->id, "%016llx", (unsigned long long)x);
}

/* The deepest [ / { nesting of a JSON text, outside strings. */
static int json_depth(const char *p, size_t n) {
    int depth = 0, max = 0, in_str = 0;
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        if (in_str) {
            if (c == '\\') i++;
            else if (c == '"') in_str = 0;
        } else if (c == '"') {
            in_str = 1;
        } else if (c == '[' || c == '{') {
            if (++depth > max) max = depth;
        } else if (c == ']' || c == '}') {
            depth--;
        }
    }
    return max;
}

json_t *lt_http_json_body(lt_http_req *r) {
    const char *ct = lt_http_header(r, "Content-Type");
    if (ct && !strstr(ct, "json") && !strstr(ct, "text/plain") && !strstr(ct, "x-www-form-urlencoded")) {
        lt_http_reply_error(r, 415, NULL, "unsupported_media_type",
                            "the request body must be JSON (Content-Type: application/json), got '%s'", ct);
        return NULL;
    }
    if (json_depth(r->body ? r->body : "", r->body_len) > LT_HTTP_MAX_JSON_DEPTH) {
        lt_http_reply_error(r, 400, NULL, "invalid_json", "the request body nests deeper than %d levels",
                            LT_HTTP_MAX_JSON_DEPTH);
        return NULL;
    }
    json_error_t je;
    json_t *j = json_loadb(r->body ? r->body : "", r->body_len, JSON_REJECT_DUPLICATES, &je);
    if (!j) {
        lt_http_reply_error(r, 400, NULL, "invalid_json", "the request body is not valid JSON: %s (line %d, column %d)",
                            je.text, je.line, je.column);
        return NULL;
    }
    if (!json_is_object(j)) {
        json_decref(j);
        lt_http_reply_error(r, 400, NULL, "invalid_json", "the request body must be a JSON object");
        return NULL;
    }
    return j;
}

static void req_free(lt_http_req *r) {
    free(r->path);
    free(r->body);
    for (int i = 0; i < r->n_params; i++) free(r->params[i]);
    free(r->ctype);
    free(r->data);
    for (int i = 0; i < r->n_headers; i++) {
        free(r->hname[i]);
        free(r->hval[i]);
    }
    if (r->stream) stream_release(r->stream);
    pthread_mutex_destroy(&r->mu);
    free(r);
}

/* ---------------------------------------------------------------- routing */

/* Does path match pattern? Collects `{}` segments into r->params. */
static int route_match(const char *pattern, const char *path, lt_http_req *r) {
    int n = 0;
    const char *p = pattern, *u = path;
    while (*p && *u) {
        if (p[0] == '{' && p[1] == '}') {
            const char *e = strchr(u, '/');
            size_t len = e ? (size_t)(e - u) : strlen(u);
            if (len == 0 || n == LT_HTTP_MAX_PARAMS) goto no;
            if (r) r->params[n] = strndup(u, len);
            n++;
            u += len;
            p += 2;
        } else if (*p == *u) {
            p++;
            u++;
        } else {
            goto no;
        }
    }
    if (*u == '/' && u[1] == 0 && *p == 0) u++; /* a trailing slash is fine */
    if (*p || *u) goto no;
    if (r) r->n_params = n;
    return 1;
no:
    if (r)
        for (int i = 0; i < n; i++) {
            free(r->params[i]);
            r->params[i] = NULL;
        }
    return 0;
}

/* "ip:<address>" of the request's peer */
static void client_address(lt_http_req *r, char *out, size_t len) {
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    char host[INET6_ADDRSTRLEN] = "?";
    if (ci && ci->client_addr) {
        const struct sockaddr *sa = ci->client_addr;
        if (sa->sa_family == AF_INET) inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, host, sizeof host);
        else if (sa->sa_family == AF_INET6)
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, host, sizeof host);
    }
    snprintf(out, len, "ip:%s", host);
}

static void dispatch(lt_http_req *r) {
    lt_http *h = r->h;
    const lt_http_endpoint *route = NULL;
    char allow[128] = "OPTIONS";
    int path_known = 0;
    for (int i = 0; i < h->cfg.n_routes; i++) {
        const lt_http_endpoint *rt = &h->cfg.routes[i];
        if (!route_match(rt->pattern, r->path, NULL)) continue;
        path_known = 1;
        if (strlen(allow) + strlen(rt->method) + 3 < sizeof allow && !strstr(allow, rt->method)) {
            strcat(allow, ", ");
            strcat(allow, rt->method);
        }
        if (!route && !strcmp(rt->method, r->method)) route = rt;
    }
    if (!path_known) {
        lt_http_reply_error(r, 404, NULL, "not_found", "no route %s %s", r->method, r->path);
        return;
    }
    if (!strcmp(r->method, "OPTIONS")) { /* CORS preflight */
        lt_http_add_header(r, "Allow", allow);
        lt_http_add_header(r, "Access-Control-Allow-Methods", allow);
        lt_http_add_header(r, "Access-Control-Allow-Headers", "Authorization, Content-Type, X-Request-Id");
        lt_http_add_header(r, "Access-Control-Max-Age", "86400");
        lt_http_reply(r, 204, NULL, "", 0);
        return;
    }
    if (!route) {
        lt_http_add_header(r, "Allow", allow);
        lt_http_reply_error(r, 405, NULL, "method_not_allowed", "%s is not allowed on %s (allowed: %s)", r->method,
                            r->path, allow);
        return;
    }
    if (r->too_large) {
        lt_http_reply_error(r, 413, NULL, "request_too_large", "the request body is larger than %zu bytes",
                            r->limit);
        return;
    }
    if (!route->open && h->cfg.auth && !h->cfg.auth(h->cfg.auth_ud, lt_http_header(r, "Authorization"))) {
        lt_http_add_header(r, "WWW-Authenticate", "Bearer");
        lt_http_reply_error(r, 401, NULL, "invalid_api_key",
                            "a valid API key is required: send 'Authorization: Bearer <key>'");
        return;
    }
    if (!route->open && h->cfg.admit) {
        char client[256];
        const char *key = lt_http_header(r, "Authorization");
        if (key && *key) snprintf(client, sizeof client, "key:%s", key);
        else client_address(r, client, sizeof client);
        double retry = 1;
        if (!h->cfg.admit(h->cfg.admit_ud, client, &retry)) {
            lt_http_set_retry_after(r, retry < 1 ? 1 : (int)(retry + 0.999));
            lt_http_reply_error(r, 429, NULL, "rate_limit_exceeded", "too many requests; retry in %.1f s", retry);
            return;
        }
    }
    r->route = route->pattern;
    route_match(route->pattern, r->path, r);
    route->handler(r, h->cfg.ud);
    if (!r->deferred && !r->has_reply) lt_http_reply_error(r, 500, NULL, NULL, "the handler gave no reply");
}

static enum MHD_Result send_reply(lt_http_req *r) {
    struct MHD_Response *resp;
    if (r->stream) {
        resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16384, stream_read, r->stream, stream_response_freed);
        if (!resp) {
            stream_cancel(r->stream);
            stream_release(r->stream); /* the response's share */
        }
    } else {
        resp = MHD_create_response_from_buffer(r->data_len, r->data ? r->data : (void *)"",
                                               r->data ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
        if (resp) r->data = NULL;
    }
    if (!resp) return MHD_NO;
    if (r->ctype) MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->ctype);
    MHD_add_response_header(resp, "Access-Control-Allow-Origin", "*");
    MHD_add_response_header(resp, "Access-Control-Expose-Headers",
                            "Retry-After, X-Request-Id, Content-Type, Content-Disposition, X-Cache");
    if (r->stream) {
        MHD_add_response_header(resp, "Cache-Control", "no-cache");
        MHD_add_response_header(resp, "X-Accel-Buffering", "no");
    }
    for (int i = 0; i < r->n_headers; i++) MHD_add_response_header(resp, r->hname[i], r->hval[i]);
    MHD_add_response_header(resp, "X-Request-Id", r->id);
    if (r->stream) atomic_fetch_add(&r->h->streams, 1);
    r->queued = 1;
    r->t_reply = now_s();
    if (r->h->cfg.on_reply) r->h->cfg.on_reply(r->h->cfg.ud, r->method, r->route, r->status);
    enum MHD_Result rc = MHD_queue_response(r->conn, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    return rc;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_size, void **con_cls) {
    (void)version;
    lt_http *h = cls;
    lt_http_req *r = *con_cls;
    if (!r) {
        r = calloc(1, sizeof *r);
        if (!r) return MHD_NO;
        pthread_mutex_init(&r->mu, NULL);
        r->h = h;
        r->conn = conn;
        r->t_start = now_s();
        r->chars = -1;
        r->audio_s = -1;
        r->cache_hit = -1;
        atomic_fetch_add(&h->live, 1);
        assign_id(r);
        snprintf(r->method, sizeof r->method, "%s", method);
        r->path = strdup(url);
        *con_cls = r;
        if (!r->path) return MHD_NO;
        r->limit = h->cfg.max_body;
        for (int i = 0; i < h->cfg.n_routes; i++) {
            const lt_http_endpoint *rt = &h->cfg.routes[i];
            if (rt->max_body && !strcmp(rt->method, method) && route_match(rt->pattern, r->path, NULL)) {
                r->limit = rt->max_body;
                break;
            }
        }
        const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (cl && strtoull(cl, NULL, 10) > r->limit) {
            r->too_large = 1;
            lt_http_reply_error(r, 413, NULL, "request_too_large", "the request body is larger than %zu bytes",
                                r->limit);
            return send_reply(r);
        }
        return MHD_YES;
    }
    if (r->queued) { /* a reply went out early (413): drop the rest of the body */
        *upload_size = 0;
        return MHD_YES;
    }
    if (*upload_size) {
        size_t n = *upload_size;
        *upload_size = 0;
        if (r->too_large) return MHD_YES;
        if (r->body_len + n > r->limit) {
            r->too_large = 1;
            free(r->body);
            r->body = NULL;
            r->body_len = r->body_cap = 0;
            return MHD_YES;
        }
        if (r->body_len + n + 1 > r->body_cap) {
            size_t cap = r->body_cap ? r->body_cap : 4096;
            while (cap < r->body_len + n + 1) cap *= 2;
            char *nb = realloc(r->body, cap);
            if (!nb) return MHD_NO;
            r->body = nb;
            r->body_cap = cap;
        }
        memcpy(r->body + r->body_len, upload, n);
        r->body_len += n;
        r->body[r->body_len] = 0;
        return MHD_YES;
    }
    if (r->deferred) { /* resumed after lt_http_complete */
        pthread_mutex_lock(&r->mu);
        int done = r->completed;
        pthread_mutex_unlock(&r->mu);
        if (!done) return MHD_YES;
        if (!r->has_reply) lt_http_reply_error(r, 500, NULL, NULL, "the request was not answered");
        return send_reply(r);
    }
    /* the whole request is here: the deferring thread may only complete it
     * once the connection is suspended, hence the lock around the handler */
    pthread_mutex_lock(&r->mu);
    dispatch(r);
    enum MHD_Result rc = MHD_YES;
    if (r->deferred)
        MHD_suspend_connection(conn);
    else
        rc = send_reply(r);
    pthread_mutex_unlock(&r->mu);
    return rc;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe) {
    (void)cls;
    (void)conn;
    lt_http_req *r = *con_cls;
    if (!r) return;
    if (r->stream && toe != MHD_REQUEST_TERMINATED_COMPLETED_OK) stream_cancel(r->stream);
    *con_cls = NULL;
    lt_http *h = r->h;
    if (h->cfg.on_complete && r->queued) {
        double t = now_s();
        lt_http_access a = {.id = r->id, .method = r->method, .path = r->path ? r->path : "", .route = r->route,
                            .status = r->status, .streamed = r->stream != NULL,
                            .aborted = toe != MHD_REQUEST_TERMINATED_COMPLETED_OK, .voice = r->voice,
                            .format = r->format, .chars = r->chars, .audio_s = r->audio_s,
                            .cache_hit = r->cache_hit, .ttfa_s = r->t_reply - r->t_start, .total_s = t - r->t_start,
                            .bytes = r->data_len};
        if (r->stream) {
            pthread_mutex_lock(&r->stream->mu);
            a.ttfa_s = r->stream->t_first > 0 ? r->stream->t_first - r->t_start : a.total_s;
            a.bytes = r->stream->sent;
            a.audio_s = r->stream->audio_s;
            a.cache_hit = r->stream->cache_hit;
            pthread_mutex_unlock(&r->stream->mu);
        }
        h->cfg.on_complete(h->cfg.ud, &a);
    }
    req_free(r);
    atomic_fetch_sub(&h->live, 1);
}

int lt_http_wait_idle(lt_http *h, int timeout_ms) {
    struct timespec ts = {0, 10 * 1000000L};
    for (int waited = 0; atomic_load(&h->live) > 0 && waited < timeout_ms; waited += 10) nanosleep(&ts, NULL);
    return atomic_load(&h->live);
}

int lt_http_start(const lt_http_config *cfg, lt_http **out, lt_err *err) {
    *out = NULL;
    lt_http *h = calloc(1, sizeof *h);
    if (!h) return lt_fail(err, "out of memory");
    h->cfg = *cfg;
    atomic_init(&h->live, 0);
    atomic_init(&h->streams, 0);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    atomic_init(&h->next_id, (unsigned long long)ts.tv_sec * 1000000007ULL ^ (unsigned long long)ts.tv_nsec ^
                                 ((unsigned long long)getpid() << 32));
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    h->quiesced_fd = -1;
    /* poll(), not epoll: libmicrohttpd 0.9.75 removes the listen socket from an epoll set both in
     * MHD_quiesce_daemon() and in its polling thread without a lock, and aborts the process when it
     * loses that race (ENOENT).  Graceful stop quiesces, so epoll would crash some shutdowns.  With
     * poll() quiescing only sets a flag and wakes the thread through the ITC.  Connections are capped
     * (256 by default), so poll() costs nothing measurable here. */
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ITC | MHD_USE_POLL;
    int have_addr = 0;
    if (cfg->host && *cfg->host) {
        struct addrinfo hints = {0}, *ai = NULL;
        hints.ai_family = AF_UNSPEC;
        hints.ai_socktype = SOCK_STREAM;
        hints.ai_flags = AI_PASSIVE;
        char port[16];
        snprintf(port, sizeof port, "%d", cfg->port);
        int gai = getaddrinfo(cfg->host, port, &hints, &ai);
        if (gai) {
            free(h);
            return lt_fail(err, "--host %s: %s", cfg->host, gai_strerror(gai));
        }
        memcpy(&ss, ai->ai_addr, ai->ai_addrlen);
        if (ai->ai_family == AF_INET6) flags |= MHD_USE_IPv6;
        freeaddrinfo(ai);
        have_addr = 1;
    } else {
        flags |= MHD_USE_DUAL_STACK;
    }
    unsigned threads = cfg->threads > 1 ? (unsigned)cfg->threads : 0;
    struct MHD_OptionItem opts[] = {
        {MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_completed, NULL},
        {MHD_OPTION_CONNECTION_TIMEOUT, cfg->connection_timeout ? cfg->connection_timeout : 60, NULL},
        {MHD_OPTION_CONNECTION_LIMIT, cfg->max_connections ? cfg->max_connections : 256, NULL},
        {MHD_OPTION_CONNECTION_MEMORY_LIMIT, 64 * 1024, NULL},
        {threads ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END, threads, NULL},
        {MHD_OPTION_END, 0, NULL},
    };
    if (have_addr)
        h->d = MHD_start_daemon(flags, (uint16_t)cfg->port, NULL, NULL, on_request, h, MHD_OPTION_SOCK_ADDR,
                                (struct sockaddr *)&ss, MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
    else
        h->d = MHD_start_daemon(flags, (uint16_t)cfg->port, NULL, NULL, on_request, h, MHD_OPTION_ARRAY, opts,
                                MHD_OPTION_END);
    if (!h->d) {
        int e = errno;
        free(h);
        return lt_fail(err, "cannot listen on %s:%d: %s", cfg->host && *cfg->host ? cfg->host : "*", cfg->port,
                       e ? strerror(e) : "libmicrohttpd refused the settings");
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_BIND_PORT);
    h->port = info ? info->port : cfg->port;
    *out = h;
    return 0;
}

int lt_http_port(const lt_http *h) { return h->port; }

void lt_http_quiesce(lt_http *h) {
    if (h && h->d) {
        if (h->quiesced_fd >= 0) return;
        MHD_socket fd = MHD_quiesce_daemon(h->d);
        if (fd == MHD_INVALID_SOCKET) return;
        /* shutdown() takes the socket out of LISTEN at once, so new clients are refused (not left
         * in the backlog) while the in-flight replies drain.  The descriptor is closed only after
         * MHD_stop_daemon: the polling thread may still hold it in its poll set until the ITC wakes
         * it, and a close now could let a new socket take the same number under it. */
        shutdown(fd, SHUT_RDWR);
        h->quiesced_fd = fd;
    }
}

void lt_http_stop(lt_http *h) {
    if (!h) return;
    if (h->d) MHD_stop_daemon(h->d);
    if (h->quiesced_fd >= 0) close(h->quiesced_fd);
    free(h);
}
