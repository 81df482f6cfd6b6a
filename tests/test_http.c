/* test_http.c — the HTTP layer alone (no model): a quiesced daemon refuses
 * new connections at once while it can still be stopped cleanly, and
 * start/quiesce/stop cycles under a stream of client requests never abort
 * the process (libmicrohttpd 0.9.75 aborts on an epoll quiesce race, which is
 * why the daemon runs on poll()). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <pthread.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "server/http.h"
#include "support/http_client.h"

static void on_ping(lt_http_req *r, void *ud) {
    (void)ud;
    lt_http_reply(r, 200, "text/plain", "pong", 4);
}

static const lt_http_endpoint routes[] = {{"GET", "/ping", on_ping, 1, 0}};

static lt_http *start(void) {
    lt_http_config c;
    memset(&c, 0, sizeof c);
    c.host = "127.0.0.1";
    c.port = 0;
    c.threads = 1;
    c.max_body = 4096;
    c.stream_buffer = 4096;
    c.connection_timeout = 5;
    c.max_connections = 8;
    c.routes = routes;
    c.n_routes = 1;
    lt_http *h = NULL;
    lt_err err;
    if (lt_http_start(&c, &h, &err)) fail_msg("%s", err.msg);
    return h;
}

static size_t discard(char *p, size_t size, size_t n, void *ud) {
    (void)p;
    (void)ud;
    return size * n;
}

/* 0 = refused, else the HTTP status */
static long get_ping(int port, long timeout_ms) {
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/ping", port);
    CURL *c = curl_easy_init();
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
    long status = 0;
    CURLcode rc = curl_easy_perform(c);
    if (rc == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    else if (rc != CURLE_COULDNT_CONNECT) status = -(long)rc;
    curl_easy_cleanup(c);
    return status;
}

static void test_quiesce_refuses_new_connections(void **state) {
    (void)state;
    lt_http *h = start();
    int port = lt_http_port(h);
    assert_int_equal(get_ping(port, 5000), 200);
    lt_http_quiesce(h);
    lt_http_quiesce(h); /* twice is harmless */
    /* refused at once, not parked in the listen backlog until a timeout */
    assert_int_equal(get_ping(port, 5000), 0);
    lt_http_stop(h);
    assert_int_equal(get_ping(port, 5000), 0);
}

typedef struct {
    atomic_int port; /* 0 = none running */
    atomic_int done;
    int replies;
} hammer;

static void *hammer_main(void *p) {
    hammer *hm = p;
    while (!atomic_load(&hm->done)) {
        int port = atomic_load(&hm->port);
        if (port && get_ping(port, 2000) == 200) hm->replies++;
    }
    return NULL;
}

static void test_stop_cycles_under_requests(void **state) {
    (void)state;
    hammer hm;
    atomic_init(&hm.port, 0);
    atomic_init(&hm.done, 0);
    hm.replies = 0;
    pthread_t t[2];
    for (int i = 0; i < 2; i++) pthread_create(&t[i], NULL, hammer_main, &hm);
    for (int cycle = 0; cycle < 40; cycle++) {
        lt_http *h = start();
        atomic_store(&hm.port, lt_http_port(h));
        usleep(2000 + 500 * (cycle % 7));
        lt_http_quiesce(h);
        usleep(500 * (cycle % 3));
        atomic_store(&hm.port, 0);
        lt_http_wait_idle(h, 2000);
        lt_http_stop(h);
    }
    atomic_store(&hm.done, 1);
    for (int i = 0; i < 2; i++) pthread_join(t[i], NULL);
    assert_true(hm.replies > 0); /* the clients did reach the daemons */
}

int main(void) {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quiesce_refuses_new_connections),
        cmocka_unit_test(test_stop_cycles_under_requests),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
