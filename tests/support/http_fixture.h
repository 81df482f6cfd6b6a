/* http_fixture.h — a tiny HTTP/1.1 server for tests: runs in a thread on
 * 127.0.0.1 with an ephemeral port and serves a fixed table of in-memory
 * files. It honours "Range: bytes=N-" / "bytes=N-M" (206 + Content-Range,
 * 416 past the end) and can misbehave on purpose: cut the connection after N
 * body bytes on a route's first request, ignore Range (200 with everything),
 * answer a fixed error status, or redirect. Every request is logged (path,
 * Range header, status sent) so tests can check what a client asked for.
 * One connection at a time, "Connection: close" on every response. It never
 * listens on anything but the loopback address. */
#ifndef LT_TESTS_HTTP_FIXTURE_H
#define LT_TESTS_HTTP_FIXTURE_H

#include <stddef.h>

typedef struct lt_http_route {
    const char *path;          /* request path, e.g. "/files/a.bin" (query strings are ignored) */
    const unsigned char *body; /* served bytes (may be NULL when len is 0) */
    size_t len;
    int status;                /* 0: serve the body (200/206); else answer this status with a short text body */
    const char *redirect;      /* non-NULL: answer 302 with this Location */
    size_t cut_after;          /* > 0: on this route's first request, announce the full length but send
                                  only this many body bytes, then close the connection */
    int ignore_range;          /* 1: always 200 with the whole body, whatever Range says */
} lt_http_route;

typedef struct lt_http_log_entry {
    char path[256];  /* request target as sent */
    char range[96];  /* value of the Range header, "" if none */
    int status;      /* status answered */
} lt_http_log_entry;

typedef struct lt_http_fixture lt_http_fixture;

/* Starts serving routes[0..n) (the table must outlive the fixture). Returns
 * NULL if the socket or thread cannot be set up. */
lt_http_fixture *lt_http_fixture_start(const lt_http_route *routes, size_t n);
int lt_http_fixture_port(const lt_http_fixture *f);
/* "http://127.0.0.1:PORT" (no trailing slash). */
const char *lt_http_fixture_base(const lt_http_fixture *f);
/* Copies up to cap log entries (oldest first); returns the total number of requests seen. */
size_t lt_http_fixture_log(lt_http_fixture *f, lt_http_log_entry *out, size_t cap);
/* Forgets the log and the per-route request counts (cut_after applies again). */
void lt_http_fixture_reset(lt_http_fixture *f);
/* Stops the thread, closes the socket and frees f. */
void lt_http_fixture_stop(lt_http_fixture *f);

#endif
