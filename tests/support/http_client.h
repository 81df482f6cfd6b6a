/* http_client.h — test helper: one HTTP request with libcurl, the reply's
 * status, body and the headers the server tests look at. Used by the
 * server, voices, Redis and replica tests (cmocka: a transport error fails
 * the test unless the request asked to tolerate it). */
#ifndef LT_TESTS_HTTP_CLIENT_H
#define LT_TESTS_HTTP_CLIENT_H

#include <stddef.h>

#include <curl/curl.h>
#include <jansson.h>

typedef struct lt_test_resp {
    long status;                 /* 0 = no reply (only with tolerate_error) */
    unsigned char *body;         /* NUL-terminated; free with lt_test_resp_free */
    size_t len;
    char ctype[128], retry_after[32], transfer_encoding[64], content_length[32], request_id[128],
        disposition[256], xcache[32];
    /* set before the request (zero = off) */
    int abort_after;             /* hang up once this many body bytes arrived */
    const char *send_header;     /* one more request header line */
    int tolerate_error;          /* a transport error leaves status 0 instead of failing */
    int raw;                     /* no chunked decoding (to see the framing) */
    curl_mime *(*mime)(CURL *);  /* a multipart form instead of a JSON body */
} lt_test_resp;

/* base: "http://127.0.0.1:PORT". body may be NULL; auth: the Authorization
 * value or NULL. Keeps the input fields of *r, fills the rest. */
void lt_test_http(const char *base, const char *method, const char *path, const char *body, size_t body_len,
                  const char *auth, lt_test_resp *r);
/* The body as JSON; fails the test when it is not. */
json_t *lt_test_json(const lt_test_resp *r);
void lt_test_resp_free(lt_test_resp *r);

#endif
