/* test_replicas.c — two `litetts serve` processes (the real binary) behind
 * one real redis-server on loopback, as replicas behind a load balancer:
 * a phrase synthesised by A is answered by B from Redis (byte-identical,
 * X-Cache: hit); a voice saved on A is listed and spoken by B; deleted on A,
 * B no longer has it; Redis killed mid-run, both replicas keep answering. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "support/http_client.h"
#include "support/redis_server.h"

static char shared[1024], build[1024];
static int redis_port;
static pid_t redis_pid = -1, replica_pid[2] = {-1, -1};
static int replica_port[2];
static char data_dir[2][64];

static int free_port(void) { return lt_test_free_port(); }

static void sleep_ms(int ms) {
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

typedef lt_test_resp resp;

/* 0 on a transport error (e.g. the replica not up yet) */
static long request(int replica, const char *method, const char *path, const char *body, resp *r) {
    memset(r, 0, sizeof *r);
    r->tolerate_error = 1;
    char b[64];
    snprintf(b, sizeof b, "http://127.0.0.1:%d", replica_port[replica]);
    lt_test_http(b, method, path, body, body ? strlen(body) : 0, NULL, r);
    return r->status;
}

static void start_redis(void) {
    redis_port = free_port();
    redis_pid = lt_test_redis_start(redis_port);
}

static void start_replica(int i) {
    replica_port[i] = free_port();
    char exe[1200], model[1200], voices[1200], lex[1200], port[16], redis[64];
    snprintf(exe, sizeof exe, "%s/litetts", build);
    snprintf(model, sizeof model, "%s/kokoro-golden/tiny/kokoro-tiny.pth", shared);
    snprintf(voices, sizeof voices, "%s/kokoro-golden/tiny/voices", shared);
    snprintf(lex, sizeof lex, "%s/misaki-lexicon", shared);
    snprintf(port, sizeof port, "%d", replica_port[i]);
    snprintf(redis, sizeof redis, "redis://127.0.0.1:%d/2", redis_port);
    replica_pid[i] = fork();
    if (replica_pid[i] == 0) {
        execl(exe, exe, "serve", "--model", model, "--voices", voices, "--lexicon-dir", lex, "--port", port,
              "--data-dir", data_dir[i], "--redis", redis, "--quiet", (char *)NULL);
        _exit(127);
    }
    for (int k = 0; k < 600; k++) { /* until /ready says yes */
        resp r;
        long st = request(i, "GET", "/ready", NULL, &r);
        free(r.body);
        if (st == 200) return;
        int status;
        if (waitpid(replica_pid[i], &status, WNOHANG) == replica_pid[i]) fail_msg("replica %d exited at start", i);
        sleep_ms(50);
    }
    fail_msg("replica %d did not get ready", i);
}

static int setup(void **state) {
    (void)state;
    const char *s = getenv("LT_SHARED"), *b = getenv("LT_BUILD");
    snprintf(shared, sizeof shared, "%s", s ? s : "../shared");
    snprintf(build, sizeof build, "%s", b ? b : "build");
    curl_global_init(CURL_GLOBAL_DEFAULT);
    for (int i = 0; i < 2; i++) {
        snprintf(data_dir[i], sizeof data_dir[i], "/tmp/lt-replica-%d-XXXXXX", i);
        if (!mkdtemp(data_dir[i])) return -1;
    }
    start_redis();
    start_replica(0);
    start_replica(1);
    return 0;
}

static void stop(pid_t *pid, int sig) {
    if (*pid > 0) {
        kill(*pid, sig);
        waitpid(*pid, NULL, 0);
        *pid = -1;
    }
}

static int teardown(void **state) {
    (void)state;
    stop(&replica_pid[0], SIGTERM); /* graceful stop: must exit by itself */
    stop(&replica_pid[1], SIGTERM);
    stop(&redis_pid, SIGKILL);
    for (int i = 0; i < 2; i++) {
        char cmd[128];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", data_dir[i]);
        if (system(cmd)) return -1;
    }
    curl_global_cleanup();
    return 0;
}

static void test_audio_shared(void **state) {
    (void)state;
    const char *body = "{\"input\":\"Replicas share their work.\",\"voice\":\"af_sky\",\"response_format\":\"wav\","
                       "\"stream\":false}";
    resp a, b;
    assert_int_equal(request(0, "POST", "/v1/audio/speech", body, &a), 200);
    assert_string_equal(a.xcache, ""); /* synthesised on A */
    assert_int_equal(request(1, "POST", "/v1/audio/speech", body, &b), 200);
    assert_string_equal(b.xcache, "hit"); /* B never synthesised it */
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.body, b.body, a.len);
    free(a.body);
    free(b.body);
}

static void test_voices_shared(void **state) {
    (void)state;
    resp r;
    assert_int_equal(request(0, "POST", "/v1/voices", "{\"name\":\"duet\",\"voice\":\"af_sky(2)+af_bella\"}", &r), 201);
    free(r.body);
    assert_int_equal(request(1, "GET", "/v1/voices/duet", NULL, &r), 200);
    free(r.body);
    assert_int_equal(request(1, "GET", "/v1/audio/voices", NULL, &r), 200);
    assert_non_null(strstr((char *)r.body, "\"duet\""));
    free(r.body);
    const char *speak = "{\"input\":\"Spoken by the other replica.\",\"voice\":\"duet\",\"response_format\":\"pcm\","
                        "\"stream\":false}";
    resp a, b;
    assert_int_equal(request(1, "POST", "/v1/audio/speech", speak, &b), 200);
    assert_int_equal(request(0, "POST", "/v1/audio/speech", speak, &a), 200);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.body, b.body, a.len); /* the same voice on both */
    free(a.body);
    free(b.body);
    assert_int_equal(request(0, "DELETE", "/v1/voices/duet", NULL, &r), 200);
    free(r.body);
    assert_int_equal(request(1, "GET", "/v1/voices/duet", NULL, &r), 404);
    free(r.body);
}

static void test_redis_killed(void **state) {
    (void)state;
    stop(&redis_pid, SIGKILL);
    for (int i = 0; i < 2; i++) {
        char body[256];
        snprintf(body, sizeof body,
                 "{\"input\":\"Redis is gone, replica %d still speaks.\",\"voice\":\"af_sky\",\"response_format\":\"wav\","
                 "\"stream\":%s}", i, i ? "true" : "false");
        resp r;
        assert_int_equal(request(i, "POST", "/v1/audio/speech", body, &r), 200);
        assert_memory_equal(r.body, "RIFF", 4);
        free(r.body);
        assert_int_equal(request(i, "GET", "/v1/voices", NULL, &r), 200);
        free(r.body);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_audio_shared),
        cmocka_unit_test(test_voices_shared),
        cmocka_unit_test(test_redis_killed),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
