/* test_redis_voices.c — saved voices shared across replicas through Redis:
 * two in-process servers (own data directories, own ports) on the tiny
 * golden model, one real redis-server on a loopback port. A voice saved on
 * one replica is listed by the other (/v1/voices, /v1/audio/voices) and
 * speaks the same samples there; a delete anywhere hides it everywhere and
 * removes the other replica's copy; hostile records planted in Redis (wrong
 * shape, NaN, oversized, garbage, a record under another name, a record
 * changed after listing) are never served; a delete made while Redis does not
 * answer survives a restart of the replica and reaches everyone when Redis is
 * back; with Redis killed, local voices still save, list and speak, and a
 * restarted Redis gets them back. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <hiredis/hiredis.h>
#include <jansson.h>

#include "cache/redis_tier.h"
#include "core/sha256.h"
#include "server/base64.h"
#include "server/server.h"
#include "support/http_client.h"
#include "support/redis_server.h"

#define DB 5

static int redis_port;
static pid_t redis_pid = -1;
static char golden[1024], lexicons[1024], redis_url[64];
static char data_a[] = "/tmp/lt-test-rv-a-XXXXXX", data_b[] = "/tmp/lt-test-rv-b-XXXXXX";
static char voices_dir[] = "/tmp/lt-test-rv-voices-XXXXXX";
static lt_server *A, *B;

/* ---------------------------------------------------------------- redis-server */

static int free_port(void) { return lt_test_free_port(); }

static void msleep(int ms) {
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static redisContext *raw(void) {
    struct timeval tv = {1, 0};
    redisContext *c = redisConnectWithTimeout("127.0.0.1", redis_port, tv);
    if (!c || c->err) return c ? (redisFree(c), NULL) : NULL;
    freeReplyObject(redisCommand(c, "SELECT %d", DB));
    return c;
}

static void start_redis(void) { redis_pid = lt_test_redis_start(redis_port); }
static void stop_redis(void) { lt_test_redis_kill(&redis_pid); }

/* The audio cache shares Redis too: drop its entries so a speech request is synthesised, not a shared hit. */
static void flush_audio(void) {
    redisContext *c = raw();
    assert_non_null(c);
    redisReply *keys = redisCommand(c, "KEYS litetts:audio:*");
    for (size_t i = 0; keys && i < keys->elements; i++) freeReplyObject(redisCommand(c, "DEL %s", keys->element[i]->str));
    if (keys) freeReplyObject(keys);
    redisFree(c);
}

/* ---------------------------------------------------------------- HTTP */

typedef lt_test_resp resp;

static void request(lt_server *s, const char *method, const char *path, const char *body, resp *r) {
    memset(r, 0, sizeof *r);
    char b[64];
    snprintf(b, sizeof b, "http://127.0.0.1:%d", lt_server_port(s));
    lt_test_http(b, method, path, body, body ? strlen(body) : 0, NULL, r);
}

static json_t *json_of(const resp *r) { return lt_test_json(r); }

static long status_of(lt_server *s, const char *method, const char *path, const char *body) {
    resp r;
    request(s, method, path, body, &r);
    free(r.body);
    return r.status;
}

static void save(lt_server *s, const char *body, long want) {
    resp r;
    request(s, "POST", "/v1/voices", body, &r);
    if (r.status != want) fail_msg("save %s: %ld, wanted %ld: %s", body, r.status, want, r.body);
    free(r.body);
}

/* PCM of a text, synthesised (not a cache hit) */
static void speak_fresh(lt_server *s, const char *voice, const char *text, resp *r) {
    flush_audio();
    char body[512];
    snprintf(body, sizeof body, "{\"input\":\"%s\",\"voice\":\"%s\",\"response_format\":\"pcm\",\"stream\":false}", text,
             voice);
    request(s, "POST", "/v1/audio/speech", body, r);
    if (r->status != 200) fail_msg("speech with %s: %ld %s", voice, r->status, r->body);
    assert_true(r->len > 100);
    assert_string_equal(r->xcache, ""); /* synthesised here */
}

static long speak_status(lt_server *s, const char *voice) {
    char body[512];
    snprintf(body, sizeof body, "{\"input\":\"Hello there.\",\"voice\":\"%s\",\"response_format\":\"pcm\"}", voice);
    return status_of(s, "POST", "/v1/audio/speech", body);
}

/* the saved voice `name` in GET /v1/voices (NULL if absent); *list to decref */
static json_t *saved_entry(lt_server *s, const char *name, json_t **list) {
    resp r;
    request(s, "GET", "/v1/voices", NULL, &r);
    assert_int_equal(r.status, 200);
    *list = json_of(&r);
    free(r.body);
    json_t *d = json_object_get(*list, "data");
    for (size_t i = 0; i < json_array_size(d); i++)
        if (!strcmp(json_string_value(json_object_get(json_array_get(d, i), "id")), name)) return json_array_get(d, i);
    return NULL;
}

static int saved_listed(lt_server *s, const char *name) {
    json_t *l;
    int found = saved_entry(s, name, &l) != NULL;
    json_decref(l);
    return found;
}

static int audio_listed(lt_server *s, const char *name) {
    resp r;
    request(s, "GET", "/v1/audio/voices", NULL, &r);
    assert_int_equal(r.status, 200);
    json_t *j = json_of(&r), *vs = json_object_get(j, "voices");
    free(r.body);
    int found = 0;
    for (size_t i = 0; i < json_array_size(vs); i++)
        if (!strcmp(json_string_value(json_object_get(json_array_get(vs, i), "id")), name)) found = 1;
    json_decref(j);
    return found;
}

/* ---------------------------------------------------------------- setup */

static lt_server *start(const char *data) {
    lt_server_config c;
    lt_server_config_default(&c);
    char model[1200];
    snprintf(model, sizeof model, "%s/tiny/kokoro-tiny.pth", golden);
    c.model_path = model;
    c.voices_dir = voices_dir;
    c.lexicon_dir = lexicons;
    c.port = 0;
    c.workers = 1;
    c.quiet = getenv("LT_TEST_VERBOSE") == NULL;
    c.data_dir = data;
    c.max_voice_upload = 1u << 20;
    c.cache_mem_mb = 0;
    c.cache_disk_mb = 0;
    c.redis_url = redis_url;
    lt_err err;
    lt_server *s;
    if (lt_server_start(&c, &s, &err)) fail_msg("%s", err.msg);
    return s;
}

static void link_voice(const char *file) {
    char from[1200], to[1200];
    snprintf(from, sizeof from, "%s/tiny/voices/%s", golden, file);
    snprintf(to, sizeof to, "%s/%s", voices_dir, file);
    if (symlink(from, to)) fail_msg("symlink %s: failed", to);
}

static int setup(void **state) {
    (void)state;
    const char *shared = getenv("LT_SHARED");
    snprintf(golden, sizeof golden, "%s/kokoro-golden", shared ? shared : "../shared");
    snprintf(lexicons, sizeof lexicons, "%s/misaki-lexicon", shared ? shared : "../shared");
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (!mkdtemp(data_a) || !mkdtemp(data_b) || !mkdtemp(voices_dir)) return -1;
    link_voice("af_bella.pt");
    link_voice("af_heart.bin");
    link_voice("af_sky.bin");
    redis_port = free_port();
    snprintf(redis_url, sizeof redis_url, "redis://127.0.0.1:%d/%d", redis_port, DB);
    start_redis();
    A = start(data_a);
    B = start(data_b);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    lt_server_stop(A);
    lt_server_stop(B);
    stop_redis();
    curl_global_cleanup();
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s' '%s'", data_a, data_b, voices_dir);
    return system(cmd) ? -1 : 0;
}

/* ---------------------------------------------------------------- tests */

static void test_save_on_a_serves_on_b(void **state) {
    (void)state;
    save(A, "{\"name\":\"team_voice\",\"voice\":\"af_bella(2)+af_heart\",\"description\":\"made on A\"}", 201);
    json_t *list, *v = saved_entry(B, "team_voice", &list);
    if (!v) fail_msg("B does not list team_voice");
    assert_string_equal(json_string_value(json_object_get(v, "description")), "made on A");
    assert_string_equal(json_string_value(json_object_get(v, "expression")), "af_bella(2)+af_heart");
    assert_int_equal(json_integer_value(json_object_get(v, "width")), 64);
    assert_true(json_is_true(json_object_get(v, "shared")));
    json_decref(list);
    assert_true(audio_listed(B, "team_voice"));
    assert_int_equal(status_of(B, "GET", "/v1/voices/team_voice", NULL), 200);
    /* the same samples on both replicas, each synthesised on its own */
    resp a, b;
    speak_fresh(B, "team_voice", "Shared across replicas.", &b);
    speak_fresh(A, "team_voice", "Shared across replicas.", &a);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.body, b.body, a.len);
    free(a.body);
    free(b.body);
    /* an uploaded pack (raw .bin, base64) saved on B speaks like its source on A */
    char path[1200];
    snprintf(path, sizeof path, "%s/tiny/voices/af_sky.bin", golden);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static unsigned char pack[510 * 64 * 4 + 1];
    size_t n = fread(pack, 1, sizeof pack, f);
    fclose(f);
    assert_int_equal(n, 510 * 64 * 4);
    char *b64 = lt_base64(pack, n);
    size_t blen = strlen(b64) + 128;
    char *body = malloc(blen);
    snprintf(body, blen, "{\"name\":\"sky_copy\",\"voice\":{\"data\":\"%s\"}}", b64);
    free(b64);
    save(B, body, 201);
    free(body);
    assert_true(saved_listed(A, "sky_copy"));
    speak_fresh(A, "sky_copy", "Uploaded on the other one.", &a);
    speak_fresh(B, "af_sky", "Uploaded on the other one.", &b);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.body, b.body, a.len);
    free(a.body);
    free(b.body);
    /* a name taken on another replica is taken here too */
    save(B, "{\"name\":\"team_voice\",\"voice\":\"af_sky\"}", 409);
}

static void test_delete_anywhere(void **state) {
    (void)state;
    /* deleted on A, where it was saved: B stops listing and serving it */
    assert_int_equal(speak_status(B, "team_voice"), 200); /* in B's pack cache now */
    assert_int_equal(status_of(A, "DELETE", "/v1/voices/team_voice", NULL), 200);
    assert_int_equal(status_of(B, "GET", "/v1/voices/team_voice", NULL), 404);
    assert_false(saved_listed(B, "team_voice"));
    assert_false(audio_listed(B, "team_voice"));
    assert_int_equal(speak_status(B, "team_voice"), 400);
    assert_int_equal(speak_status(A, "team_voice"), 400);
    /* deleted on A, saved on B: B's own copy goes too (a tombstone) */
    assert_int_equal(status_of(A, "DELETE", "/v1/voices/sky_copy", NULL), 200);
    assert_int_equal(status_of(B, "GET", "/v1/voices/sky_copy", NULL), 404);
    assert_int_equal(status_of(A, "GET", "/v1/voices/sky_copy", NULL), 404);
    assert_int_equal(status_of(A, "DELETE", "/v1/voices/sky_copy", NULL), 404);
    /* saved again after the delete: back everywhere */
    save(B, "{\"name\":\"team_voice\",\"voice\":\"af_sky\",\"description\":\"again\"}", 201);
    assert_int_equal(status_of(A, "GET", "/v1/voices/team_voice", NULL), 200);
    assert_int_equal(speak_status(A, "team_voice"), 200);
    /* replaced on A: B serves the new version */
    save(A, "{\"name\":\"team_voice\",\"voice\":\"af_heart\",\"description\":\"replaced\",\"replace\":true}", 200);
    json_t *list, *v = saved_entry(B, "team_voice", &list);
    assert_non_null(v);
    assert_string_equal(json_string_value(json_object_get(v, "description")), "replaced");
    json_decref(list);
    resp a, b;
    speak_fresh(B, "team_voice", "The new version.", &b);
    speak_fresh(A, "af_heart", "The new version.", &a);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.body, b.body, a.len);
    free(a.body);
    free(b.body);
    assert_int_equal(status_of(B, "DELETE", "/v1/voices/team_voice", NULL), 200);
    assert_int_equal(status_of(A, "GET", "/v1/voices/team_voice", NULL), 404);
}

/* a record as a replica writes it, with this JSON and `floats` values */
static uint8_t *record(const char *json, const float *floats, size_t nf, size_t *len) {
    size_t jl = strlen(json);
    *len = 12 + jl + nf * sizeof(float);
    uint8_t *b = malloc(*len);
    memcpy(b, "LTVOICE1", 8);
    for (int i = 0; i < 4; i++) b[8 + i] = (uint8_t)(jl >> (8 * i));
    memcpy(b + 12, json, jl);
    memcpy(b + 12 + jl, floats, nf * sizeof(float));
    return b;
}

static void plant(lt_redis *r, const char *name, const uint8_t *b, size_t len) {
    char key[128];
    snprintf(key, sizeof key, "litetts:voice:%s", name);
    assert_int_equal(lt_redis_put(r, key, b, len, 0), 0);
    redisContext *c = raw();
    freeReplyObject(redisCommand(c, "HSET litetts:voices %s %s", name,
                                 "0000000000000000000000000000000000000000000000000000000000000000"));
    freeReplyObject(redisCommand(c, "INCR litetts:voices:gen"));
    redisFree(c);
}

static void test_hostile_records(void **state) {
    (void)state;
    lt_err err;
    lt_redis_opts o = {.quiet = 1};
    lt_redis *r = lt_redis_open(redis_url, &o, &err);
    assert_non_null(r);
    size_t nf = 510 * 64, len;
    float *good = calloc(nf, sizeof(float));
    for (size_t i = 0; i < nf; i++) good[i] = 0.01f * (float)(i % 97);
    const char *meta = "{\"name\":\"%s\",\"description\":\"\",\"expression\":\"\",\"created\":1,\"rows\":510,\"width\":%d}";
    char json[256];
    /* a well-formed record is accepted (the control) */
    snprintf(json, sizeof json, meta, "planted_ok", 64);
    uint8_t *b = record(json, good, nf, &len);
    plant(r, "planted_ok", b, len);
    free(b);
    /* wrong width: [510, 32] */
    snprintf(json, sizeof json, meta, "evil_shape", 32);
    b = record(json, good, 510 * 32, &len);
    plant(r, "evil_shape", b, len);
    free(b);
    /* metadata says 64 but the floats are short */
    snprintf(json, sizeof json, meta, "evil_short", 64);
    b = record(json, good, nf - 1, &len);
    plant(r, "evil_short", b, len);
    free(b);
    /* a NaN */
    good[1234] = NAN;
    snprintf(json, sizeof json, meta, "evil_nan", 64);
    b = record(json, good, nf, &len);
    plant(r, "evil_nan", b, len);
    free(b);
    good[1234] = INFINITY;
    snprintf(json, sizeof json, meta, "evil_inf", 64);
    b = record(json, good, nf, &len);
    plant(r, "evil_inf", b, len);
    free(b);
    good[1234] = 0;
    /* huge: 8 MiB */
    size_t huge = 8u << 20;
    uint8_t *h = calloc(1, huge);
    memcpy(h, "LTVOICE1", 8);
    plant(r, "evil_huge", h, huge);
    free(h);
    /* garbage, and a record of another name under this one */
    plant(r, "evil_junk", (const uint8_t *)"not a voice at all", 18);
    snprintf(json, sizeof json, meta, "someone_else", 64);
    b = record(json, good, nf, &len);
    plant(r, "evil_alias", b, len);
    free(b);
    /* an index entry whose name is not a voice name */
    redisContext *c = raw();
    freeReplyObject(redisCommand(c, "HSET litetts:voices %s %s", "../../etc/passwd", "x"));
    freeReplyObject(redisCommand(c, "INCR litetts:voices:gen"));
    redisFree(c);

    assert_true(saved_listed(B, "planted_ok"));
    assert_int_equal(speak_status(B, "planted_ok"), 200);
    const char *evil[] = {"evil_shape", "evil_short", "evil_nan", "evil_inf", "evil_huge", "evil_junk", "evil_alias"};
    for (size_t i = 0; i < sizeof evil / sizeof *evil; i++) {
        char path[128];
        snprintf(path, sizeof path, "/v1/voices/%s", evil[i]);
        if (saved_listed(B, evil[i]) || audio_listed(A, evil[i])) fail_msg("%s is listed", evil[i]);
        assert_int_equal(status_of(B, "GET", path, NULL), 404);
        assert_int_equal(speak_status(B, evil[i]), 400);
        assert_int_equal(speak_status(A, evil[i]), 400);
    }
    assert_false(saved_listed(B, "someone_else"));

    /* a record changed after it was listed (same index entry, no new generation) is checked again when used */
    save(A, "{\"name\":\"later_tampered\",\"voice\":\"af_bella\"}", 201);
    assert_true(saved_listed(B, "later_tampered"));
    good[7] = NAN;
    snprintf(json, sizeof json, meta, "later_tampered", 64);
    b = record(json, good, nf, &len);
    assert_int_equal(lt_redis_put(r, "litetts:voice:later_tampered", b, len, 0), 0);
    free(b);
    assert_int_equal(speak_status(B, "later_tampered"), 400); /* refused, not served */
    assert_int_equal(speak_status(A, "later_tampered"), 200); /* A falls back to its own copy */
    free(good);
    lt_redis_close(r);
    /* both replicas are fine */
    assert_int_equal(speak_status(A, "af_heart"), 200);
    assert_int_equal(speak_status(B, "af_heart"), 200);
    assert_int_equal(status_of(A, "DELETE", "/v1/voices/later_tampered", NULL), 200);
}

/* A delete made while Redis does not answer is kept in the replica's catalog: restarting the
 * replica before Redis is back must not bring the voice back (Redis still holds it), and once Redis
 * answers the delete reaches every replica. */
static void test_pending_delete_survives_restart(void **state) {
    (void)state;
    save(A, "{\"name\":\"doomed\",\"voice\":\"af_bella\"}", 201);
    save(B, "{\"name\":\"b_witness\",\"voice\":\"af_heart\"}", 201);
    assert_true(saved_listed(B, "doomed"));
    assert_true(saved_listed(A, "b_witness"));
    assert_int_equal(kill(redis_pid, SIGSTOP), 0); /* Redis keeps its data and answers nothing */
    assert_int_equal(status_of(A, "DELETE", "/v1/voices/doomed", NULL), 200);
    assert_false(saved_listed(A, "doomed"));
    lt_server_stop(A); /* whatever A remembered in memory is gone */
    A = start(data_a);
    assert_int_equal(kill(redis_pid, SIGCONT), 0);
    int settled = 0;
    for (int i = 0; i < 600 && !settled; i++) { /* a wait, not a deadline: the reconnect back-off is 5 s */
        int a_back = saved_listed(A, "b_witness"); /* A reads Redis again */
        settled = a_back && !saved_listed(A, "doomed") && !saved_listed(B, "doomed");
        if (!settled) msleep(100);
    }
    assert_true(settled);
    assert_int_equal(speak_status(B, "doomed"), 400);
    redisContext *c = raw();
    assert_non_null(c);
    redisReply *r = redisCommand(c, "EXISTS litetts:voice:doomed");
    assert_non_null(r);
    assert_int_equal(r->integer, 0);
    freeReplyObject(r);
    r = redisCommand(c, "EXISTS litetts:voice-deleted:doomed");
    assert_non_null(r);
    assert_int_equal(r->integer, 1); /* the tombstone */
    freeReplyObject(r);
    redisFree(c);
    assert_int_equal(status_of(B, "DELETE", "/v1/voices/b_witness", NULL), 200);
}

static void test_redis_killed(void **state) {
    (void)state;
    save(A, "{\"name\":\"before_kill\",\"voice\":\"af_bella\"}", 201);
    save(B, "{\"name\":\"b_before_kill\",\"voice\":\"af_heart\"}", 201);
    assert_true(saved_listed(A, "b_before_kill"));
    stop_redis();
    /* saves, lists and speech with local voices go on */
    save(A, "{\"name\":\"during_outage\",\"voice\":\"af_sky\",\"description\":\"saved with Redis down\"}", 201);
    assert_true(saved_listed(A, "during_outage"));
    assert_true(saved_listed(A, "before_kill"));
    assert_true(audio_listed(A, "during_outage"));
    assert_int_equal(status_of(A, "GET", "/v1/voices/before_kill", NULL), 200);
    assert_int_equal(speak_status(A, "during_outage"), 200);
    assert_int_equal(speak_status(A, "before_kill"), 200);
    assert_int_equal(speak_status(A, "af_heart"), 200);
    assert_int_equal(speak_status(B, "b_before_kill"), 200);
    /* another replica's voice is unknown while Redis is away (each has its own store) */
    assert_false(saved_listed(A, "b_before_kill"));
    assert_int_equal(speak_status(A, "b_before_kill"), 400);
    assert_int_equal(status_of(A, "DELETE", "/v1/voices/before_kill", NULL), 200);
    assert_false(saved_listed(A, "before_kill"));
    /* Redis is back (empty: no persistence): after the back-off each replica
     * publishes its local voices again, and they are shared once more */
    start_redis();
    int shared = 0;
    for (int i = 0; i < 600 && !shared; i++) { /* a wait, not a deadline: the back-off is 5 s */
        int on_b = saved_listed(B, "during_outage"), on_a = saved_listed(A, "b_before_kill"); /* both asked: each
                                                                  replica reconnects when it serves a request */
        shared = on_b && on_a;
        if (!shared) msleep(100);
    }
    assert_true(shared);
    assert_false(saved_listed(B, "before_kill"));
    resp a, b;
    speak_fresh(B, "during_outage", "Back again.", &b);
    speak_fresh(A, "during_outage", "Back again.", &a);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.body, b.body, a.len);
    free(a.body);
    free(b.body);
}

int main(void) {
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_save_on_a_serves_on_b),
        cmocka_unit_test(test_delete_anywhere),
        cmocka_unit_test(test_hostile_records),
        cmocka_unit_test(test_pending_delete_survives_restart),
        cmocka_unit_test(test_redis_killed),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
