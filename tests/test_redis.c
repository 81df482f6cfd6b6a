/* test_redis.c — the Redis tier against a real redis-server on a loopback
 * port: values round-trip byte for byte, two clients (replicas) share them,
 * a damaged value is a miss, and killing Redis mid-run never fails a call
 * (misses and skipped puts), with a reconnect when it comes back. */
#include <netinet/in.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <hiredis/hiredis.h>

#include "cache/audio_cache.h"
#include "cache/redis_tier.h"
#include "support/redis_server.h"

static int port;
static pid_t server = -1;

static int free_port(void) { return lt_test_free_port(); }
static void start_redis(void) { server = lt_test_redis_start(port); }
static void stop_redis(void) { lt_test_redis_kill(&server); }

static lt_redis *client(void) {
    char url[64];
    snprintf(url, sizeof url, "redis://127.0.0.1:%d/3", port);
    lt_redis_opts o = {.timeout_ms = 200, .retry_ms = 100, .quiet = 1};
    lt_err err;
    lt_redis *r = lt_redis_open(url, &o, &err);
    if (!r) fail_msg("%s", err.msg);
    return r;
}

static void test_url_errors(void **state) {
    (void)state;
    lt_err err;
    assert_null(lt_redis_open("http://x", NULL, &err));
    assert_non_null(strstr(err.msg, "redis://"));
    assert_null(lt_redis_open("redis://host:99999", NULL, &err));
    assert_non_null(strstr(err.msg, "port"));
    assert_null(lt_redis_open("redis://host:6379/x", NULL, &err));
    lt_redis *r = lt_redis_open("redis://localhost", NULL, &err);
    assert_non_null(r);
    lt_redis_close(r);
}

static void test_shared_between_replicas(void **state) {
    (void)state;
    start_redis();
    lt_redis *a = client(), *b = client();
    uint8_t blob[5000];
    for (size_t i = 0; i < sizeof blob; i++) blob[i] = (uint8_t)(i * 7);
    assert_int_equal(lt_redis_put(a, "litetts:audio:k1", blob, sizeof blob, 60), 0);
    uint8_t *d;
    size_t n;
    assert_int_equal(lt_redis_get(b, "litetts:audio:k1", &d, &n), 1); /* the other replica sees it */
    assert_int_equal(n, sizeof blob);
    assert_memory_equal(d, blob, n);
    free(d);
    assert_int_equal(lt_redis_get(b, "litetts:audio:nope", &d, &n), 0);
    char **keys;
    int count;
    assert_int_equal(lt_redis_put(a, "litetts:voice:v1", blob, 10, 0), 0);
    assert_int_equal(lt_redis_keys(b, "litetts:voice:", &keys, &count), 0);
    assert_int_equal(count, 1);
    assert_string_equal(keys[0], "litetts:voice:v1");
    lt_redis_keys_free(keys, count);
    /* a value changed behind our back fails its checksum: a miss, not bad audio */
    struct timeval tv = {1, 0};
    redisContext *raw = redisConnectWithTimeout("127.0.0.1", port, tv);
    redisReply *rep = redisCommand(raw, "SELECT 3");
    freeReplyObject(rep);
    rep = redisCommand(raw, "SETRANGE litetts:audio:k1 100 X");
    freeReplyObject(rep);
    redisFree(raw);
    assert_int_equal(lt_redis_get(a, "litetts:audio:k1", &d, &n), 0);
    assert_int_equal(lt_redis_del(a, "litetts:audio:k1"), 0);
    lt_redis_close(a);
    lt_redis_close(b);
    stop_redis();
}

static void test_redis_killed_mid_run(void **state) {
    (void)state;
    start_redis();
    lt_redis *r = client();
    uint8_t v[3] = {1, 2, 3}, *d;
    size_t n;
    assert_int_equal(lt_redis_put(r, "k", v, 3, 0), 0);
    stop_redis();
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 0; i < 20; i++) { /* every call answers (miss / skipped), none blocks for long */
        assert_int_equal(lt_redis_get(r, "k", &d, &n), -1);
        assert_int_equal(lt_redis_put(r, "k", v, 3, 0), -1);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    assert_false(lt_redis_available(r));
    start_redis(); /* back: after the back-off the tier reconnects by itself */
    struct timespec ts = {0, 150 * 1000 * 1000};
    nanosleep(&ts, NULL);
    assert_true(lt_redis_available(r));
    assert_int_equal(lt_redis_put(r, "k", v, 3, 0), 0);
    assert_int_equal(lt_redis_get(r, "k", &d, &n), 1);
    free(d);
    lt_redis_close(r);
    stop_redis();
    (void)t1;
}

/* two replicas' caches over one Redis: a miss in B's own tiers is answered from A's work */
static void test_audio_cache_shared_tier(void **state) {
    (void)state;
    start_redis();
    char url[64];
    snprintf(url, sizeof url, "redis://127.0.0.1:%d/4", port);
    lt_cache_opts o = {.mem_bytes = 1 << 20, .redis_url = url, .quiet = 1};
    lt_err err;
    lt_cache *a = lt_cache_open(&o, &err), *b = lt_cache_open(&o, &err);
    assert_non_null(a);
    assert_non_null(b);
    char key[LT_CACHE_KEY_LEN];
    lt_cache_key(key, "m", "hɛlO", "v", 1.0, "mp3", 24000, "1");
    uint8_t audio[777], *d;
    size_t n;
    for (size_t i = 0; i < sizeof audio; i++) audio[i] = (uint8_t)(i ^ 0x5A);
    assert_int_equal(lt_cache_get(b, key, &d, &n), 0);
    assert_int_equal(lt_cache_put(a, key, audio, sizeof audio, &err), 0);
    assert_int_equal(lt_cache_get(b, key, &d, &n), 1);
    assert_memory_equal(d, audio, sizeof audio);
    free(d);
    lt_cache_stats st;
    lt_cache_stats_get(b, &st);
    assert_int_equal(st.redis_hits, 1);
    assert_int_equal(st.mem_entries, 1); /* filled B's own memory tier */
    stop_redis(); /* Redis gone: local tiers still answer, puts still succeed */
    assert_int_equal(lt_cache_get(b, key, &d, &n), 1);
    free(d);
    assert_int_equal(lt_cache_put(b, "00ff", audio, 10, &err), 0);
    char other[LT_CACHE_KEY_LEN];
    lt_cache_key(other, "m", "x", "v", 1.0, "mp3", 24000, "1");
    assert_int_equal(lt_cache_get(a, other, &d, &n), 0);
    lt_cache_stats_get(a, &st);
    assert_true(st.redis_errors >= 1);
    lt_cache_close(a);
    lt_cache_close(b);
}

int main(void) {
    signal(SIGPIPE, SIG_IGN);
    port = free_port();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_url_errors),
        cmocka_unit_test(test_shared_between_replicas),
        cmocka_unit_test(test_redis_killed_mid_run),
        cmocka_unit_test(test_audio_cache_shared_tier),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    stop_redis();
    return rc;
}
