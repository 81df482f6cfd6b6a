/* test_server_voices.c — `litetts serve`'s voices and caches over HTTP
 * (libcurl client, in-process server on the tiny golden model): the voice
 * catalog of .pt/.bin/.npz packs with metadata and refresh, blends (numbers
 * checked through /v1/audio/voices/combine, bad blends → 400 naming voice),
 * saved voices (from an expression, a base64 .pt, a multipart upload;
 * listed, usable, surviving a restart, deleted; upload validation; concurrent
 * saves of one name), the audio cache (byte-identical hits, keys that
 * separate voice/speed/format, the disk tier across a restart, a corrupted
 * file not served), the phrase pre-cache and /metrics. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <ftw.h>
#include <math.h>
#include <pthread.h>
#include <sys/stat.h>
#include <sys/time.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <jansson.h>

#include "server/base64.h"
#include "server/server.h"
#include "support/http_client.h"
#include "voice/voice_pack.h"

static lt_server *srv;
static char base[64];
static char golden[1024], lexicons[1024];
static char data_dir[] = "/tmp/lt-test-voices-data-XXXXXX";
static char voices_dir[] = "/tmp/lt-test-voices-dir-XXXXXX";
static char precache_file[1100];

typedef lt_test_resp resp;

/* mime: a multipart form instead of a JSON body */
static void request_full(const char *method, const char *path, const char *body, size_t body_len, curl_mime *(*mime)(CURL *),
                         resp *r) {
    memset(r, 0, sizeof *r);
    r->mime = mime;
    lt_test_http(base, method, path, body, body_len, NULL, r);
}

static void request(const char *method, const char *path, const char *body, resp *r) {
    request_full(method, path, body, body ? strlen(body) : 0, NULL, r);
}

static void resp_free(resp *r) { lt_test_resp_free(r); }
static json_t *json_of(const resp *r) { return lt_test_json(r); }

/* An OpenAI error with this status and param; the message contains `needle` if given. */
static void expect_error(const char *method, const char *path, const char *body, long status, const char *param,
                         const char *needle) {
    resp r;
    request(method, path, body, &r);
    if (r.status != status) fail_msg("%s %s: status %ld, wanted %ld: %s", method, path, r.status, status, r.body);
    json_t *j = json_of(&r), *e = json_object_get(j, "error");
    assert_true(json_is_object(e));
    const char *msg = json_string_value(json_object_get(e, "message"));
    assert_non_null(msg);
    const json_t *p = json_object_get(e, "param");
    if (param && (!json_is_string(p) || strcmp(json_string_value(p), param)))
        fail_msg("%s: param %s, wanted %s (%s)", path, json_is_string(p) ? json_string_value(p) : "null", param, msg);
    if (needle && !strstr(msg, needle)) fail_msg("%s: message '%s' does not name '%s'", path, msg, needle);
    json_decref(j);
    resp_free(&r);
}

/* PCM of a text in a voice (whole file). */
static void speak(const char *voice, const char *text, const char *extra, resp *r) {
    char body[1024];
    snprintf(body, sizeof body, "{\"input\":\"%s\",\"voice\":\"%s\",\"response_format\":\"pcm\",\"stream\":false%s}",
             text, voice, extra ? extra : "");
    request("POST", "/v1/audio/speech", body, r);
    if (r->status != 200) fail_msg("speech with %s: %ld %s", voice, r->status, r->body);
    assert_true(r->len > 100);
}

static int same(const resp *a, const resp *b) { return a->len == b->len && !memcmp(a->body, b->body, a->len); }

static json_t *voice_in_list(json_t *list, const char *id) {
    json_t *vs = json_object_get(list, "voices");
    for (size_t i = 0; i < json_array_size(vs); i++)
        if (!strcmp(json_string_value(json_object_get(json_array_get(vs, i), "id")), id)) return json_array_get(vs, i);
    return NULL;
}

static unsigned char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) fail_msg("%s: cannot open", path);
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *b = malloc(*len + 1);
    if (fread(b, 1, *len, f) != *len) fail_msg("%s: short read", path);
    fclose(f);
    return b;
}

/* ---------------------------------------------------------------- setup */

static lt_server *start_with(int raw_weights) {
    lt_server_config c;
    lt_server_config_default(&c);
    char model[1200];
    snprintf(model, sizeof model, "%s/tiny/kokoro-tiny.pth", golden);
    c.model_path = model;
    c.voices_dir = voices_dir;
    c.lexicon_dir = lexicons;
    c.port = 0;
    c.workers = 1;
    c.queue_size = 16;
    c.quiet = 1;
    c.data_dir = data_dir;
    c.max_voice_upload = 1u << 20;
    c.preload = "af_heart,af_bella";
    c.precache = precache_file;
    c.cache_mem_mb = 16;
    c.cache_disk_mb = 16;
    if (raw_weights) { /* a second, bare server: no saved voices, no cache */
        c.blend_raw_weights = 1;
        c.data_dir = "";
        c.cache_mem_mb = 0;
        c.precache = NULL;
    }
    lt_err err;
    lt_server *s;
    if (lt_server_start(&c, &s, &err)) fail_msg("%s", err.msg);
    snprintf(base, sizeof base, "http://127.0.0.1:%d", lt_server_port(s));
    for (int i = 0; i < 1000 && lt_server_precache_pending(s); i++) usleep(10000);
    assert_int_equal(lt_server_precache_pending(s), 0);
    return s;
}

static lt_server *start(void) { return start_with(0); }

static void restart(void) {
    lt_server_stop(srv);
    srv = start();
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
    if (!mkdtemp(data_dir) || !mkdtemp(voices_dir)) return -1;
    /* .pt, raw .bin (am_adam also in the .npz: the .bin wins), and .npz members (af_sky, bf_emma) */
    link_voice("af_bella.pt");
    link_voice("af_heart.bin");
    link_voice("am_adam.bin");
    link_voice("voices-tiny.npz");
    snprintf(precache_file, sizeof precache_file, "%s/precache.json", voices_dir);
    FILE *f = fopen(precache_file, "w");
    fputs("[{\"text\":\"Welcome back.\",\"voice\":\"af_heart\",\"format\":\"wav\"}]", f);
    fclose(f);
    srv = start();
    return 0;
}

static int teardown(void **state) {
    (void)state;
    lt_server_stop(srv);
    curl_global_cleanup();
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s'", data_dir, voices_dir);
    return system(cmd) ? -1 : 0;
}

/* ---------------------------------------------------------------- catalog */

static void test_catalog(void **state) {
    (void)state;
    resp r;
    request("GET", "/v1/audio/voices", NULL, &r);
    assert_int_equal(r.status, 200);
    json_t *j = json_of(&r);
    const char *ids[] = {"af_bella", "af_heart", "af_sky", "am_adam", "bf_emma"};
    for (size_t i = 0; i < 5; i++) {
        json_t *v = voice_in_list(j, ids[i]);
        if (!v) fail_msg("%s not listed", ids[i]);
        assert_string_equal(json_string_value(json_object_get(v, "name")), ids[i]);
        assert_true(json_is_true(json_object_get(v, "official")));
        assert_true(json_is_false(json_object_get(v, "custom")));
    }
    assert_int_equal(json_array_size(json_object_get(j, "voices")), 5);
    json_t *bella = voice_in_list(j, "af_bella");
    assert_string_equal(json_string_value(json_object_get(bella, "language")), "American English");
    assert_string_equal(json_string_value(json_object_get(bella, "lang_code")), "a");
    assert_string_equal(json_string_value(json_object_get(bella, "gender")), "female");
    assert_string_equal(json_string_value(json_object_get(bella, "grade")), "A-");
    assert_string_equal(json_string_value(json_object_get(bella, "target_grade")), "A");
    assert_string_equal(json_string_value(json_object_get(bella, "training")), "HH");
    json_decref(j);
    resp_free(&r);

    /* an .npz member speaks */
    speak("bf_emma", "Hello.", NULL, &r);
    resp_free(&r);

    /* a pack added to the folder appears (the refresh runs at most once a second) */
    link_voice("zf_xiaobei.bin");
    struct timeval tv[2];
    gettimeofday(&tv[0], NULL);
    tv[0].tv_sec += 5;
    tv[1] = tv[0];
    utimes(voices_dir, tv);
    usleep(1100 * 1000);
    request("GET", "/v1/audio/voices", NULL, &r);
    j = json_of(&r);
    json_t *z = voice_in_list(j, "zf_xiaobei");
    assert_non_null(z);
    assert_string_equal(json_string_value(json_object_get(z, "language")), "Mandarin Chinese");
    json_decref(j);
    resp_free(&r);
}

/* ---------------------------------------------------------------- blends */

static void test_blends(void **state) {
    (void)state;
    resp a, b, ab, w;
    speak("af_bella", "Blend test.", NULL, &a);
    speak("af_sky", "Blend test.", NULL, &b);
    speak("af_bella+af_sky", "Blend test.", NULL, &ab);
    assert_false(same(&ab, &a));
    assert_false(same(&ab, &b));
    speak("af_bella(2)+af_sky(1)", "Blend test.", NULL, &w);
    assert_false(same(&w, &ab));
    resp_free(&w);
    /* the same blend, spelt differently, is the same voice */
    speak("af_bella + af_sky(1)", "Blend test.", NULL, &w);
    assert_true(same(&w, &ab));
    resp_free(&w);
    /* normalised: one term with a weight is that voice */
    speak("af_bella(2)", "Blend test.", NULL, &w);
    assert_true(same(&w, &a));
    resp_free(&w);
    /* raw weights (a server option): af_bella(2) is twice the pack, not af_bella */
    char saved_base[64];
    snprintf(saved_base, sizeof saved_base, "%s", base);
    lt_server *raw = start_with(1);
    resp raw2, raw1;
    speak("af_bella(2)", "Blend test.", NULL, &raw2);
    speak("af_bella", "Blend test.", NULL, &raw1);
    assert_true(same(&raw1, &a));
    assert_false(same(&raw2, &a));
    resp_free(&raw1);
    resp_free(&raw2);
    expect_error("POST", "/v1/voices", "{\"name\":\"x\",\"voice\":\"af_bella\"}", 404, NULL, "--data-dir");
    lt_server_stop(raw);
    snprintf(base, sizeof base, "%s", saved_base);
    resp_free(&a);
    resp_free(&b);
    resp_free(&ab);

    const char *S = "/v1/audio/speech";
    expect_error("POST", S, "{\"input\":\"hi\",\"voice\":\"af_bella+nobody\"}", 400, "voice", "nobody");
    expect_error("POST", S, "{\"input\":\"hi\",\"voice\":{\"id\":\"af_bella-ghost(2)\"}}", 400, "voice", "ghost");
    expect_error("POST", S, "{\"input\":\"hi\",\"voice\":\"af_bella+\"}", 400, "voice", NULL);
    expect_error("POST", S, "{\"input\":\"hi\",\"voice\":\"af_bella(0)+af_sky\"}", 400, "voice", NULL);
    expect_error("POST", S, "{\"input\":\"hi\",\"voice\":\"af_bella(x)\"}", 400, "voice", NULL);
    expect_error("POST", S, "{\"input\":\"hi\",\"voice\":\"../af_bella+af_sky\"}", 400, "voice", NULL);
    expect_error("POST", S,
                 "{\"input\":\"hi\",\"voice\":\"af_bella+af_sky+af_heart+am_adam+bf_emma+af_bella+af_sky+af_heart+am_adam\"}",
                 400, "voice", "terms");
}

/* ---------------------------------------------------------------- combine */

static void load_pack(const char *file, const char *member, lt_voice_pack *p) {
    char path[1200];
    lt_err err;
    snprintf(path, sizeof path, "%s/tiny/voices/%s", golden, file);
    if (lt_voice_pack_load(path, member, 64, p, &err)) fail_msg("%s", err.msg);
}

static void test_combine(void **state) {
    (void)state;
    resp r;
    request("POST", "/v1/audio/voices/combine", "[\"af_bella\",\"af_sky\",\"am_adam\"]", &r);
    if (r.status != 200) fail_msg("combine: %ld %s", r.status, r.body);
    assert_string_equal(r.ctype, "application/octet-stream");
    assert_non_null(strstr(r.disposition, "attachment"));
    assert_non_null(strstr(r.disposition, "combined.pt"));
    char path[] = "/tmp/lt-test-combined-XXXXXX";
    int fd = mkstemp(path);
    assert_int_equal(write(fd, r.body, r.len), (ssize_t)r.len);
    close(fd);
    lt_voice_pack got, a, b, c;
    lt_err err;
    if (lt_voice_pack_load(path, NULL, 64, &got, &err)) fail_msg("%s", err.msg);
    unlink(path);
    load_pack("af_bella.pt", NULL, &a);
    load_pack("voices-tiny.npz", "af_sky", &b);
    load_pack("am_adam.bin", NULL, &c);
    assert_int_equal(got.rows, 510);
    assert_int_equal(got.width, 64);
    for (int i = 0; i < 510 * 64; i++) {
        float want = (float)(((double)a.data[i] + b.data[i] + c.data[i]) / 3);
        if (fabsf(got.data[i] - want) > 1e-6f * (1 + fabsf(want))) fail_msg("value %d: %g, wanted %g", i, got.data[i], want);
    }
    lt_voice_pack_free(&got);
    lt_voice_pack_free(&a);
    lt_voice_pack_free(&b);
    lt_voice_pack_free(&c);
    resp_free(&r);

    request("POST", "/v1/audio/voices/combine", "{\"voices\":[\"af_bella\",\"af_sky\"]}", &r);
    assert_int_equal(r.status, 200);
    resp_free(&r);
    expect_error("POST", "/v1/audio/voices/combine", "[\"af_bella\",\"nobody\"]", 400, "voices", "nobody");
    expect_error("POST", "/v1/audio/voices/combine", "[]", 400, "voices", NULL);
    expect_error("POST", "/v1/audio/voices/combine", "{\"voices\":7}", 400, "voices", NULL);
}

/* ---------------------------------------------------------------- saved voices */

static char *b64_body(const char *name, const unsigned char *data, size_t len, const char *extra) {
    char *b64 = lt_base64(data, len);
    size_t cap = strlen(b64) + 512;
    char *body = malloc(cap);
    snprintf(body, cap, "{\"name\":\"%s\",\"voice\":{\"data\":\"%s\"}%s}", name, b64, extra ? extra : "");
    free(b64);
    return body;
}

static char pt_path[1200];

static curl_mime *mime_upload(CURL *c) {
    curl_mime *m = curl_mime_init(c);
    curl_mimepart *p = curl_mime_addpart(m);
    curl_mime_name(p, "name");
    curl_mime_data(p, "uploaded_mp", CURL_ZERO_TERMINATED);
    p = curl_mime_addpart(m);
    curl_mime_name(p, "description");
    curl_mime_data(p, "from a form", CURL_ZERO_TERMINATED);
    p = curl_mime_addpart(m);
    curl_mime_name(p, "file");
    curl_mime_filedata(p, pt_path);
    return m;
}

static void test_saved_voices(void **state) {
    (void)state;
    resp r;
    request("POST", "/v1/voices", "{\"name\":\"my_blend\",\"voice\":\"af_bella(2)+af_sky\",\"description\":\"warm\"}", &r);
    if (r.status != 201) fail_msg("save: %ld %s", r.status, r.body);
    json_t *j = json_of(&r);
    assert_string_equal(json_string_value(json_object_get(j, "id")), "my_blend");
    assert_string_equal(json_string_value(json_object_get(j, "expression")), "af_bella(2)+af_sky");
    assert_true(json_is_true(json_object_get(j, "custom")));
    json_decref(j);
    resp_free(&r);

    /* uploaded .pt (base64 in JSON) */
    snprintf(pt_path, sizeof pt_path, "%s/tiny/voices/af_bella.pt", golden);
    size_t n;
    unsigned char *pt = read_file(pt_path, &n);
    char *body = b64_body("uploaded", pt, n, ",\"description\":\"bella again\"");
    free(pt);
    request("POST", "/v1/voices", body, &r);
    free(body);
    if (r.status != 201) fail_msg("upload: %ld %s", r.status, r.body);
    resp_free(&r);
    /* multipart upload */
    request_full("POST", "/v1/voices", NULL, 0, mime_upload, &r);
    if (r.status != 201) fail_msg("multipart upload: %ld %s", r.status, r.body);
    resp_free(&r);

    request("GET", "/v1/voices", NULL, &r);
    assert_int_equal(r.status, 200);
    j = json_of(&r);
    assert_int_equal(json_array_size(json_object_get(j, "data")), 3);
    json_decref(j);
    resp_free(&r);
    request("GET", "/v1/voices/my_blend", NULL, &r);
    assert_int_equal(r.status, 200);
    j = json_of(&r);
    assert_string_equal(json_string_value(json_object_get(j, "description")), "warm");
    assert_string_equal(json_string_value(json_object_get(j, "lang_code")), "a");
    json_decref(j);
    resp_free(&r);
    request("GET", "/v1/audio/voices", NULL, &r);
    j = json_of(&r);
    json_t *v = voice_in_list(j, "uploaded");
    assert_non_null(v);
    assert_true(json_is_true(json_object_get(v, "custom")));
    assert_non_null(voice_in_list(j, "my_blend"));
    assert_non_null(voice_in_list(j, "uploaded_mp"));
    json_decref(j);
    resp_free(&r);

    /* usable: the saved blend sounds like the blend, the upload like af_bella */
    resp a, b;
    speak("my_blend", "Saved voices work.", NULL, &a);
    speak("af_bella(2)+af_sky", "Saved voices work.", NULL, &b);
    assert_true(same(&a, &b));
    resp_free(&a);
    resp_free(&b);
    speak("uploaded", "Saved voices work.", NULL, &a);
    speak("af_bella", "Saved voices work.", NULL, &b);
    assert_true(same(&a, &b));
    resp_free(&a);
    resp_free(&b);
    speak("my_blend-uploaded(0.5)", "In a blend too.", NULL, &a);
    resp_free(&a);

    /* a restart keeps them */
    restart();
    request("GET", "/v1/voices/my_blend", NULL, &r);
    assert_int_equal(r.status, 200);
    resp_free(&r);
    speak("uploaded_mp", "After a restart.", NULL, &a);
    resp_free(&a);

    /* delete */
    request("DELETE", "/v1/voices/my_blend", NULL, &r);
    assert_int_equal(r.status, 200);
    resp_free(&r);
    expect_error("GET", "/v1/voices/my_blend", NULL, 404, NULL, NULL);
    expect_error("DELETE", "/v1/voices/my_blend", NULL, 404, NULL, NULL);
    expect_error("POST", "/v1/audio/speech", "{\"input\":\"hi\",\"voice\":\"my_blend\"}", 400, "voice", "my_blend");
    request("GET", "/v1/audio/voices", NULL, &r);
    j = json_of(&r);
    assert_null(voice_in_list(j, "my_blend"));
    json_decref(j);
    resp_free(&r);
}

static void test_upload_validation(void **state) {
    (void)state;
    /* a pack of the wrong width (128 instead of the tiny model's 64) */
    size_t n = 510 * 128;
    float *f = calloc(n, sizeof *f);
    char *body = b64_body("wide", (unsigned char *)f, n * 4, NULL);
    expect_error("POST", "/v1/voices", body, 400, "voice", NULL);
    free(body);
    /* a non-finite value */
    f[77] = NAN;
    body = b64_body("nan_voice", (unsigned char *)f, 510 * 64 * 4, NULL);
    expect_error("POST", "/v1/voices", body, 400, "voice", NULL);
    free(body);
    free(f);
    /* garbage, bad base64 */
    body = b64_body("junk", (const unsigned char *)"this is not a voice pack", 24, NULL);
    expect_error("POST", "/v1/voices", body, 400, "voice", NULL);
    free(body);
    expect_error("POST", "/v1/voices", "{\"name\":\"junk\",\"voice\":{\"data\":\"@@@@\"}}", 400, "voice", NULL);
    /* too large (the limit is 1 MiB here) */
    size_t big = (1u << 20) + 4096;
    unsigned char *zeros = calloc(big, 1);
    body = b64_body("huge", zeros, big, NULL);
    free(zeros);
    resp r;
    request("POST", "/v1/voices", body, &r);
    assert_int_equal(r.status, 413);
    resp_free(&r);
    free(body);
    /* names */
    expect_error("POST", "/v1/voices", "{\"name\":\"../etc\",\"voice\":\"af_bella\"}", 400, "name", NULL);
    expect_error("POST", "/v1/voices", "{\"name\":\"a-b\",\"voice\":\"af_bella\"}", 400, "name", NULL);
    expect_error("POST", "/v1/voices", "{\"voice\":\"af_bella\"}", 400, "name", NULL);
    expect_error("POST", "/v1/voices", "{\"name\":\"x\",\"voice\":\"nobody+af_sky\"}", 400, "voice", "nobody");
    expect_error("POST", "/v1/voices", "{\"name\":\"x\",\"voice\":42}", 400, "voice", NULL);
    /* a built-in name: 409 unless replaced */
    expect_error("POST", "/v1/voices", "{\"name\":\"af_bella\",\"voice\":\"af_sky\"}", 409, "name", "af_bella");
    request("POST", "/v1/voices", "{\"name\":\"af_bella\",\"voice\":\"af_sky\",\"replace\":true}", &r);
    if (r.status != 201) fail_msg("replace a built-in: %ld %s", r.status, r.body);
    resp_free(&r);
    resp a, b;
    speak("af_bella", "Shadowed.", NULL, &a);
    speak("af_sky", "Shadowed.", NULL, &b);
    assert_true(same(&a, &b));
    resp_free(&a);
    resp_free(&b);
    request("DELETE", "/v1/voices/af_bella", NULL, &r);
    assert_int_equal(r.status, 200);
    resp_free(&r);
    speak("af_bella", "Shadowed.", NULL, &a);
    speak("af_sky", "Shadowed.", NULL, &b);
    assert_false(same(&a, &b));
    resp_free(&a);
    resp_free(&b);
    expect_error("GET", "/v1/voices/nobody", NULL, 404, NULL, NULL);
}

typedef struct racer {
    pthread_t t;
    resp r;
} racer;

static void *race_main(void *a) {
    racer *q = a;
    request("POST", "/v1/voices", "{\"name\":\"race\",\"voice\":\"af_heart+am_adam\"}", &q->r);
    return NULL;
}

static void test_concurrent_saves(void **state) {
    (void)state;
    racer q[6];
    for (int i = 0; i < 6; i++) pthread_create(&q[i].t, NULL, race_main, &q[i]);
    int created = 0, conflict = 0;
    for (int i = 0; i < 6; i++) {
        pthread_join(q[i].t, NULL);
        created += q[i].r.status == 201 || q[i].r.status == 200;
        conflict += q[i].r.status == 409;
        resp_free(&q[i].r);
    }
    assert_int_equal(created, 1);
    assert_int_equal(conflict, 5);
    resp r;
    request("DELETE", "/v1/voices/race", NULL, &r);
    assert_int_equal(r.status, 200);
    resp_free(&r);
}

/* ---------------------------------------------------------------- cache */

static json_t *stats(void) {
    resp r;
    request("GET", "/v1/cache/stats", NULL, &r);
    assert_int_equal(r.status, 200);
    json_t *j = json_of(&r);
    resp_free(&r);
    return j;
}

static long long stat_of(json_t *j, const char *tier, const char *k) {
    return (long long)json_integer_value(json_object_get(json_object_get(j, tier), k));
}

static const char *CACHED = "{\"input\":\"The cache remembers this sentence.\",\"voice\":\"af_heart\","
                            "\"response_format\":\"mp3\",\"stream\":false}";

static int flip_last_byte(const char *path, const struct stat *st, int type, struct FTW *ftw) {
    (void)ftw;
    if (type != FTW_F || st->st_size < 1) return 0;
    FILE *f = fopen(path, "r+b");
    if (!f) return 0;
    fseek(f, -1, SEEK_END);
    int c = fgetc(f);
    fseek(f, -1, SEEK_END);
    fputc(c ^ 0x5A, f);
    fclose(f);
    return 0;
}

static void test_cache(void **state) {
    (void)state;
    resp r, first, again;
    request("DELETE", "/v1/cache", NULL, &r);
    assert_int_equal(r.status, 200);
    resp_free(&r);
    json_t *s0 = stats();
    assert_int_equal(stat_of(s0, "memory", "entries"), 0);

    request("POST", "/v1/audio/speech", CACHED, &first);
    assert_int_equal(first.status, 200);
    request("POST", "/v1/audio/speech", CACHED, &again);
    assert_int_equal(again.status, 200);
    assert_true(same(&first, &again));
    assert_string_equal(again.xcache, "hit");
    json_t *s1 = stats();
    assert_int_equal(stat_of(s1, "memory", "entries"), 1);
    assert_int_equal(stat_of(s1, "memory", "hits"), stat_of(s0, "memory", "hits") + 1);
    assert_true(json_real_value(json_object_get(json_object_get(s1, "memory"), "hit_ratio")) > 0);
    assert_int_equal(stat_of(s1, "disk", "entries"), 1);
    /* streamed: the same bytes, from the cache */
    char body[512];
    snprintf(body, sizeof body, "%.*s,\"stream\":true}", (int)strlen(CACHED) - 16, CACHED);
    request("POST", "/v1/audio/speech", body, &r);
    assert_true(same(&first, &r));
    resp_free(&r);
    json_t *s2 = stats();
    assert_int_equal(stat_of(s2, "memory", "hits"), stat_of(s1, "memory", "hits") + 1);
    assert_int_equal(stat_of(s2, "memory", "entries"), 1);

    /* voice, speed, format each make another entry */
    const char *variants[] = {
        "{\"input\":\"The cache remembers this sentence.\",\"voice\":\"af_bella\",\"response_format\":\"mp3\",\"stream\":false}",
        "{\"input\":\"The cache remembers this sentence.\",\"voice\":\"af_heart\",\"response_format\":\"mp3\",\"speed\":0.5,\"stream\":false}",
        "{\"input\":\"The cache remembers this sentence.\",\"voice\":\"af_heart\",\"response_format\":\"wav\",\"stream\":false}",
        "{\"input\":\"The cache remembers this sentence.\",\"voice\":\"af_heart+af_bella\",\"response_format\":\"mp3\",\"stream\":false}",
    };
    for (int i = 0; i < 4; i++) {
        request("POST", "/v1/audio/speech", variants[i], &r);
        assert_int_equal(r.status, 200);
        if (same(&first, &r)) fail_msg("variant %d gave the cached bytes (X-Cache %s)", i, r.xcache);
        resp_free(&r);
    }
    json_t *s3 = stats();
    assert_int_equal(stat_of(s3, "memory", "entries"), 5);
    assert_int_equal(stat_of(s3, "memory", "hits"), stat_of(s2, "memory", "hits"));

    /* the disk tier survives a restart */
    restart();
    json_t *s4pre = stats(); /* the pre-cache phrase may already have been a disk hit */
    request("POST", "/v1/audio/speech", CACHED, &r);
    assert_true(same(&first, &r));
    resp_free(&r);
    json_t *s4 = stats();
    assert_int_equal(stat_of(s4, "disk", "hits"), stat_of(s4pre, "disk", "hits") + 1);

    /* a damaged file is not served: flip a byte in every cached file, restart (empty memory tier) */
    restart();
    char dir[1200];
    snprintf(dir, sizeof dir, "%s/cache/audio", data_dir);
    nftw(dir, flip_last_byte, 16, FTW_PHYS);
    json_t *s5pre = stats();
    request("POST", "/v1/audio/speech", CACHED, &r);
    assert_int_equal(r.status, 200);
    assert_true(same(&first, &r)); /* synthesised again, not the damaged bytes */
    resp_free(&r);
    json_t *s5 = stats();
    assert_int_equal(stat_of(s5, "disk", "hits"), stat_of(s5pre, "disk", "hits"));
    assert_int_equal(stat_of(s5, "disk", "corrupt"), stat_of(s5pre, "disk", "corrupt") + 1);

    /* the pre-cached phrase (synthesised at start) is a hit */
    request("POST", "/v1/audio/speech",
            "{\"input\":\"Welcome back.\",\"voice\":\"af_heart\",\"response_format\":\"wav\",\"stream\":false}", &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.xcache, "hit");
    resp_free(&r);

    json_decref(s0);
    json_decref(s1);
    json_decref(s2);
    json_decref(s3);
    json_decref(s4);
    json_decref(s4pre);
    json_decref(s5);
    json_decref(s5pre);
    resp_free(&first);
    resp_free(&again);
}

static void test_metrics(void **state) {
    (void)state;
    resp r;
    speak("af_heart", "Metrics.", NULL, &r);
    resp_free(&r);
    request("GET", "/metrics", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.ctype, "text/plain"));
    const char *want[] = {
        "litetts_requests_total{route=\"/v1/audio/speech\",method=\"POST\",status=\"200\"}",
        "litetts_synthesis_seconds_total ",
        "litetts_audio_seconds_total ",
        "litetts_queue_depth 0",
        "litetts_cache_hits_total{tier=\"memory\"}",
        "litetts_cache_misses_total{tier=\"disk\"}",
        "litetts_voice_loads_total ",
        "litetts_voice_load_seconds_total ",
        "# TYPE litetts_requests_total counter",
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++)
        if (!strstr((const char *)r.body, want[i])) fail_msg("/metrics lacks %s:\n%s", want[i], r.body);
    resp_free(&r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_catalog),
        cmocka_unit_test(test_blends),
        cmocka_unit_test(test_combine),
        cmocka_unit_test(test_saved_voices),
        cmocka_unit_test(test_upload_validation),
        cmocka_unit_test(test_concurrent_saves),
        cmocka_unit_test(test_cache),
        cmocka_unit_test(test_metrics),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
