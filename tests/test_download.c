/* test_download.c — tests of src/download/: SHA-256 against the FIPS 180
 * vectors, the manifest table, and lt_download_file_ex / lt_download_manifest
 * / `litetts download` against the loopback HTTP fixture
 * (tests/support/http_fixture.h): fresh download, resume after a cut, Range
 * ignored, checksum mismatch, skip of complete files, 404, 416, redirects,
 * retries. Nothing here talks to anything but 127.0.0.1. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "download/download.h"
#include "download/manifest.h"
#include "core/sha256.h"
#include "support/http_fixture.h"

/* ---- helpers ----------------------------------------------------------- */

static void fill(unsigned char *p, size_t n, uint32_t seed) {
    uint32_t s = seed * 2654435761u + 1;
    for (size_t i = 0; i < n; i++) {
        s = s * 1664525u + 1013904223u;
        p[i] = (unsigned char)(s >> 24);
    }
}

static int rm_cb(const char *path, const struct stat *sb, int flag, struct FTW *ftw) {
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

typedef struct tmpdir {
    char path[64];
} tmpdir;

static void tmp_make(tmpdir *t) {
    snprintf(t->path, sizeof t->path, "/tmp/lt_dl_test_XXXXXX");
    assert_non_null(mkdtemp(t->path));
}

static void tmp_free(tmpdir *t) { nftw(t->path, rm_cb, 16, FTW_DEPTH | FTW_PHYS); }

static void join(char *out, size_t cap, const char *dir, const char *name) {
    snprintf(out, cap, "%s/%s", dir, name);
}

static int exists(const char *p) {
    struct stat st;
    return stat(p, &st) == 0;
}

static unsigned char *read_all(const char *p, size_t *len) {
    FILE *f = fopen(p, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *b = malloc(n > 0 ? (size_t)n : 1);
    size_t got = fread(b, 1, (size_t)n, f);
    fclose(f);
    *len = got;
    return b;
}

static void write_all(const char *p, const void *data, size_t n) {
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    fclose(f);
}

static void assert_file_equals(const char *p, const unsigned char *want, size_t n) {
    size_t len = 0;
    unsigned char *got = read_all(p, &len);
    assert_non_null(got);
    assert_int_equal(len, n);
    assert_memory_equal(got, want, n);
    free(got);
}

static void hex_of(const void *data, size_t n, char hex[LT_SHA256_HEX_LEN]) { lt_sha256_buf_hex(data, n, hex); }

/* Fast options for tests: no waiting between retries. */
static lt_download_opts test_opts(const char *sha, int attempts) {
    lt_download_opts o;
    lt_download_opts_init(&o);
    o.sha256 = sha;
    o.max_attempts = attempts;
    o.retry_delay_ms = 0;
    o.connect_timeout_s = 5;
    o.stall_timeout_s = 10;
    return o;
}

/* ---- SHA-256 (FIPS 180-2 appendix B / NIST example vectors) ------------ */

static void check_sha(const char *msg, const char *want) {
    char hex[LT_SHA256_HEX_LEN];
    lt_sha256_buf_hex(msg, strlen(msg), hex);
    assert_string_equal(hex, want);
}

static void test_sha256_vectors(void **state) {
    (void)state;
    check_sha("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    check_sha("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    /* the 448-bit message */
    check_sha("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    /* the 896-bit message */
    check_sha("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrs"
              "mnopqrstnopqrstu",
              "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

static void test_sha256_million_a(void **state) {
    (void)state;
    /* one million 'a', fed in uneven pieces through the streaming API */
    char chunk[1000];
    memset(chunk, 'a', sizeof chunk);
    lt_sha256_ctx c;
    lt_sha256_init(&c);
    size_t left = 1000000, step = 1;
    while (left) {
        size_t n = step < left ? step : left;
        if (n > sizeof chunk) n = sizeof chunk;
        lt_sha256_update(&c, chunk, n);
        left -= n;
        step = step * 7 % 997 + 1;
    }
    uint8_t d[32];
    char hex[LT_SHA256_HEX_LEN];
    lt_sha256_final(&c, d);
    lt_sha256_hex(d, hex);
    assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static void test_sha256_streaming_equals_oneshot(void **state) {
    (void)state;
    static unsigned char buf[4099];
    fill(buf, sizeof buf, 7);
    /* every length around the 55/56/64-byte padding boundaries, split at every point */
    for (size_t len = 0; len <= 130; len++) {
        char want[LT_SHA256_HEX_LEN];
        lt_sha256_buf_hex(buf, len, want);
        for (size_t cut = 0; cut <= len; cut += (len > 20 ? 7 : 1)) {
            lt_sha256_ctx c;
            lt_sha256_init(&c);
            lt_sha256_update(&c, buf, cut);
            lt_sha256_update(&c, buf + cut, len - cut);
            uint8_t d[32];
            char got[LT_SHA256_HEX_LEN];
            lt_sha256_final(&c, d);
            lt_sha256_hex(d, got);
            assert_string_equal(got, want);
        }
    }
    /* file hashing agrees with buffer hashing */
    tmpdir t;
    tmp_make(&t);
    char p[128];
    join(p, sizeof p, t.path, "f.bin");
    write_all(p, buf, sizeof buf);
    char a[LT_SHA256_HEX_LEN], b[LT_SHA256_HEX_LEN];
    uint64_t sz = 0;
    lt_err err;
    assert_int_equal(lt_sha256_file_hex(p, a, &sz, &err), 0);
    assert_int_equal(sz, sizeof buf);
    lt_sha256_buf_hex(buf, sizeof buf, b);
    assert_string_equal(a, b);
    join(p, sizeof p, t.path, "missing.bin");
    assert_int_equal(lt_sha256_file_hex(p, a, NULL, &err), -1);
    assert_non_null(strstr(err.msg, "missing.bin"));
    tmp_free(&t);
    /* helpers */
    assert_true(lt_sha256_is_hex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
    assert_false(lt_sha256_is_hex("e3b0"));
    assert_false(lt_sha256_is_hex("g3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
    assert_true(lt_sha256_hex_equal("E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
                                    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
}

/* ---- manifest ------------------------------------------------------------ */

static void test_manifest_table(void **state) {
    (void)state;
    size_t n = lt_manifest_count(), voices = 0, lex = 0, weights = 0;
    assert_int_equal(n, 60);
    for (size_t i = 0; i < n; i++) {
        const lt_manifest_entry *e = lt_manifest_at(i);
        assert_non_null(e);
        if (e->sha256) assert_true(lt_sha256_is_hex(e->sha256));
        for (const char *c = e->sha256; c && *c; c++) assert_false(*c >= 'A' && *c <= 'F');
        for (size_t j = 0; j < i; j++) assert_string_not_equal(lt_manifest_at(j)->path, e->path);
        assert_ptr_equal(lt_manifest_find_path(e->path), e);
        if (e->group == LT_DL_VOICES) {
            voices++;
            char want[64];
            snprintf(want, sizeof want, "voices/%s.pt", e->name);
            assert_string_equal(e->path, want);
            assert_ptr_equal(lt_manifest_find_voice(e->name), e);
        } else if (e->group == LT_DL_LEXICONS) {
            lex++;
            assert_int_equal(e->source, LT_SRC_MISAKI);
            assert_int_equal(strncmp(e->path, "lexicons/", 9), 0);
        } else {
            assert_int_equal(e->group, LT_DL_WEIGHTS);
            weights++;
        }
    }
    assert_int_equal(voices, 54);
    assert_int_equal(lex, 4);
    assert_int_equal(weights, 2);
    assert_null(lt_manifest_at(n));
    assert_null(lt_manifest_find_voice("zz_nobody"));
    assert_non_null(lt_manifest_find_path("kokoro-v1_0.pth"));
    assert_non_null(lt_manifest_find_path("lexicons/us_gold.json"));

    /* The voice list matches the 54 packs in the shared data, when present. */
    const char *shared = getenv("LT_SHARED");
    char dir[512];
    snprintf(dir, sizeof dir, "%s/kokoro-voices", shared ? shared : "../shared");
    DIR *d = opendir(dir);
    if (d) {
        size_t seen = 0;
        struct dirent *de;
        while ((de = readdir(d))) {
            size_t l = strlen(de->d_name);
            if (l > 4 && !strcmp(de->d_name + l - 4, ".bin")) {
                char name[64];
                snprintf(name, sizeof name, "%.*s", (int)(l - 4), de->d_name);
                assert_non_null(lt_manifest_find_voice(name));
                seen++;
            }
        }
        closedir(d);
        assert_int_equal(seen, 54);
    }
}

static void test_manifest_urls_and_groups(void **state) {
    (void)state;
    char url[512];
    lt_err err;
    const lt_manifest_entry *w = lt_manifest_find_path("kokoro-v1_0.pth");
    const lt_manifest_entry *v = lt_manifest_find_voice("af_heart");
    const lt_manifest_entry *l = lt_manifest_find_path("lexicons/gb_silver.json");
    /* default URLs: the source's official https host (product data in manifest.c), its path, the file */
    char want[512];
    const char *hf = lt_manifest_source_host(w->source), *gh = lt_manifest_source_host(l->source);
    assert_true(strncmp(hf, "https://", 8) == 0 && strncmp(gh, "https://", 8) == 0 && strcmp(hf, gh) != 0);
    assert_string_equal(lt_manifest_source_prefix(w->source), "hexgrad/Kokoro-82M/resolve/main");
    assert_string_equal(lt_manifest_source_prefix(l->source), "hexgrad/misaki/main/misaki/data");
    assert_int_equal(lt_manifest_url(w, NULL, url, sizeof url, &err), 0);
    snprintf(want, sizeof want, "%s/hexgrad/Kokoro-82M/resolve/main/kokoro-v1_0.pth", hf);
    assert_string_equal(url, want);
    assert_int_equal(lt_manifest_url(v, NULL, url, sizeof url, &err), 0);
    snprintf(want, sizeof want, "%s/hexgrad/Kokoro-82M/resolve/main/voices/af_heart.pt", hf);
    assert_string_equal(url, want);
    assert_int_equal(lt_manifest_url(l, NULL, url, sizeof url, &err), 0);
    snprintf(want, sizeof want, "%s/hexgrad/misaki/main/misaki/data/gb_silver.json", gh);
    assert_string_equal(url, want);
    assert_int_equal(lt_manifest_url(v, "http://127.0.0.1:9/mirror//", url, sizeof url, &err), 0);
    assert_string_equal(url, "http://127.0.0.1:9/mirror/hexgrad/Kokoro-82M/resolve/main/voices/af_heart.pt");
    assert_int_equal(lt_manifest_url(l, "http://127.0.0.1:9", url, sizeof url, &err), 0);
    assert_string_equal(url, "http://127.0.0.1:9/hexgrad/misaki/main/misaki/data/gb_silver.json");
    assert_int_equal(lt_manifest_url(l, "http://127.0.0.1:9", url, 20, &err), -1);
    assert_non_null(strstr(err.msg, "gb_silver.json"));

    unsigned g = 0;
    assert_int_equal(lt_manifest_parse_groups("voices", &g, &err), 0);
    assert_int_equal(g, LT_DL_VOICES);
    assert_int_equal(lt_manifest_parse_groups("weights,lexicons", &g, &err), 0);
    assert_int_equal(g, LT_DL_WEIGHTS | LT_DL_LEXICONS);
    assert_int_equal(lt_manifest_parse_groups("weights,voice", &g, &err), -1);
    assert_non_null(strstr(err.msg, "'voice'"));
    assert_int_equal(lt_manifest_parse_groups("", &g, &err), -1);
}

/* ---- lt_download_file_ex against the fixture ---------------------------- */

#define BIG 300000
#define SMALL 777
static unsigned char big[BIG], small_body[SMALL], wrong[SMALL];
static char big_hex[LT_SHA256_HEX_LEN], small_hex[LT_SHA256_HEX_LEN], wrong_hex[LT_SHA256_HEX_LEN];

static const lt_http_route ROUTES[] = {
    {.path = "/big.bin", .body = big, .len = BIG},
    {.path = "/small.bin", .body = small_body, .len = SMALL},
    {.path = "/cut.bin", .body = big, .len = BIG, .cut_after = 123457},
    {.path = "/norange.bin", .body = big, .len = BIG, .ignore_range = 1},
    {.path = "/wrong.bin", .body = wrong, .len = SMALL},
    {.path = "/err500.bin", .status = 500},
    {.path = "/forbidden.bin", .status = 403},
    {.path = "/moved.bin", .redirect = "/small.bin"},
    {.path = "/empty.bin", .body = NULL, .len = 0},
};

static int fixture_setup(void **state) {
    fill(big, BIG, 1);
    fill(small_body, SMALL, 2);
    memcpy(wrong, small_body, SMALL);
    wrong[SMALL / 2] ^= 0x5a; /* one byte differs */
    hex_of(big, BIG, big_hex);
    hex_of(small_body, SMALL, small_hex);
    hex_of(wrong, SMALL, wrong_hex);
    lt_http_fixture *f = lt_http_fixture_start(ROUTES, sizeof ROUTES / sizeof ROUTES[0]);
    if (!f) return -1;
    *state = f;
    return 0;
}

static int fixture_teardown(void **state) {
    lt_http_fixture_stop(*state);
    return 0;
}

typedef struct ctx {
    lt_http_fixture *f;
    tmpdir t;
    char dest[160], part[170];
    char url[256];
} ctx;

static void ctx_init(ctx *c, void **state, const char *route, const char *dest_name) {
    c->f = *state;
    lt_http_fixture_reset(c->f);
    tmp_make(&c->t);
    join(c->dest, sizeof c->dest, c->t.path, dest_name);
    snprintf(c->part, sizeof c->part, "%s.part", c->dest);
    snprintf(c->url, sizeof c->url, "%s%s", lt_http_fixture_base(c->f), route);
}

typedef struct prog_rec {
    int calls, finished;
    uint64_t last_done, last_total, resumed_from;
} prog_rec;

static void on_prog(const lt_download_progress *p, void *ud) {
    prog_rec *r = ud;
    r->calls++;
    if (p->finished) r->finished++;
    r->last_done = p->done;
    r->last_total = p->total;
    if (p->resumed_from) r->resumed_from = p->resumed_from;
    assert_non_null(p->label);
    assert_true(p->total == 0 || p->done <= p->total);
}

static void test_fresh_download_verified(void **state) {
    ctx c;
    ctx_init(&c, state, "/big.bin", "big.bin");
    prog_rec pr = {0};
    lt_download_opts o = test_opts(big_hex, 3);
    o.progress = on_prog;
    o.progress_ud = &pr;
    o.label = "big.bin";
    lt_download_result r;
    lt_err err = {{0}};
    assert_int_equal(lt_download_file_ex(c.url, c.dest, &o, &r, &err), 0);
    assert_true(r.verified);
    assert_false(r.skipped);
    assert_false(r.resumed);
    assert_int_equal(r.requests, 1);
    assert_int_equal(r.size, BIG);
    assert_int_equal(r.fetched, BIG);
    assert_string_equal(r.sha256, big_hex);
    assert_file_equals(c.dest, big, BIG);
    assert_false(exists(c.part));
    assert_int_equal(pr.finished, 1);
    assert_int_equal(pr.last_done, BIG);
    assert_int_equal(pr.last_total, BIG);
    lt_http_log_entry log[4];
    assert_int_equal(lt_http_fixture_log(c.f, log, 4), 1);
    assert_string_equal(log[0].path, "/big.bin");
    assert_string_equal(log[0].range, ""); /* no Range on a fresh download */
    assert_int_equal(log[0].status, 200);
    tmp_free(&c.t);
}

static void test_plain_api_and_uppercase_digest(void **state) {
    ctx c;
    ctx_init(&c, state, "/small.bin", "small.bin");
    char upper[LT_SHA256_HEX_LEN];
    for (int i = 0; i < LT_SHA256_HEX_LEN; i++)
        upper[i] = (char)(small_hex[i] >= 'a' && small_hex[i] <= 'f' ? small_hex[i] - 32 : small_hex[i]);
    lt_err err = {{0}};
    assert_int_equal(lt_download_file(c.url, c.dest, upper, NULL, NULL, &err), 0);
    assert_file_equals(c.dest, small_body, SMALL);
    /* not a digest at all */
    assert_int_equal(lt_download_file(c.url, c.dest, "abc", NULL, NULL, &err), -1);
    assert_non_null(strstr(err.msg, "not 64 hex digits"));
    tmp_free(&c.t);
}

static void test_resume_after_cut(void **state) {
    ctx c;
    ctx_init(&c, state, "/cut.bin", "cut.bin");
    prog_rec pr = {0};
    lt_download_opts o = test_opts(big_hex, 3);
    o.progress = on_prog;
    o.progress_ud = &pr;
    lt_download_result r;
    lt_err err = {{0}};
    assert_int_equal(lt_download_file_ex(c.url, c.dest, &o, &r, &err), 0);
    assert_true(r.verified);
    assert_true(r.resumed);
    assert_false(r.restarted);
    assert_int_equal(r.requests, 2);
    assert_int_equal(r.fetched, BIG);
    assert_file_equals(c.dest, big, BIG);
    assert_false(exists(c.part));
    assert_int_equal(pr.resumed_from, 123457);
    lt_http_log_entry log[4];
    assert_int_equal(lt_http_fixture_log(c.f, log, 4), 2);
    assert_string_equal(log[0].range, "");
    assert_int_equal(log[0].status, 200);
    assert_string_equal(log[1].range, "bytes=123457-");
    assert_int_equal(log[1].status, 206);
    tmp_free(&c.t);
}

static void test_cut_without_retry_keeps_part_then_resumes(void **state) {
    ctx c;
    ctx_init(&c, state, "/cut.bin", "cut.bin");
    lt_download_opts o = test_opts(big_hex, 1);
    lt_download_result r;
    lt_err err = {{0}};
    assert_int_equal(lt_download_file_ex(c.url, c.dest, &o, &r, &err), -1);
    assert_non_null(strstr(err.msg, c.url));
    assert_non_null(strstr(err.msg, "kept"));
    assert_non_null(strstr(err.msg, "123457 bytes"));
    assert_false(exists(c.dest));
    struct stat st;
    assert_int_equal(stat(c.part, &st), 0);
    assert_int_equal(st.st_size, 123457);
    /* a later run (as after a killed process) continues from the .part */
    assert_int_equal(lt_download_file_ex(c.url, c.dest, &o, &r, &err), 0);
    assert_true(r.resumed);
    assert_int_equal(r.fetched, BIG - 123457);
    assert_file_equals(c.dest, big, BIG);
    assert_false(exists(c.part));
    lt_http_log_entry log[4];
    assert_int_equal(lt_http_fixture_log(c.f, log, 4), 2);
    assert_string_equal(log[1].range, "bytes=123457-");
    tmp_free(&c.t);
}

static void test_resume_from_existing_part(void **state) {
    ctx c;
    ctx_init(&c, state, "/big.bin", "big.bin");
    write_all(c.part, big, 5000);
    lt_download_opts o = test_opts(big_hex, 3);
    lt_download_result r;
    lt_err err = {{0}};
    assert_int_equal(lt_download_file_ex(c.url, c.dest, &o, &r, &err), 0);
    assert_true(r.resumed);
    assert_int_equal(r.requests, 1);
    assert_int_equal(r.fetched, BIG - 5000);
    assert_file_equals(c.dest, big, BIG);
    lt_http_log_entry log[2];
    assert_int_equal(lt_http_fixture_log(c.f, log, 2), 1);
    assert_string_equal(log[0].range, "bytes=5000-");
    assert_int_equal(log[0].status, 206);
    tmp_free(&c.t);
}

static void test_range_ignored_restarts(void **state) {
    ctx c;
    ctx_init(&c, state, "/norange.bin", "norange.bin");
    /* a .part whose bytes are garbage: a server that ignores Range must not
     * have its full body appended to it */
    unsigned char junk[4000];
    memset(junk, 0xee, sizeof junk);
    write_all(c.part, junk, sizeof junk);
    lt_download_opts o = test_opts(big_hex, 3);
    lt_download_result r;
    lt_err err = {{0}};
    assert_int_equal(lt_download_file_ex(c.url, c.dest, &o, &r, &err), 0);
    assert_true(r.restarted);
    assert_false(r.resumed);
    assert_int_equal(r.fetched, BIG);
    assert_file_equals(c.dest, big, BIG);
    lt_http_log_entry log[2];
    assert_int_equal(lt_http_fixture_log(c.f, log, 2), 1);
    assert_string_equal(log[0].range, "bytes=4000-");
    assert_int_equal(log[0].status, 200);
    tmp_free(&c.t);
}

static void test_checksum_mismatch(void **state) {
    ctx c;
    ctx_init(&c, state, "/wrong.bin", "wrong.bin");
    lt_download_opts o = test_opts(small_hex, 3);
    lt_download_result r;
    lt_err err = {{0}};
    assert_int_equal(lt_download_file_ex(c.url, c.dest, &o, &r, &err), -1);
    assert_non_null(strstr(err.msg, "sha256 mismatch"));
    assert_non_null(strstr(err.msg, small_hex)); /* expected */
    assert_non_null(strstr(err.msg, wrong_hex)); /* actual */
    assert_non_null(strstr(err.msg, c.url));
    assert_false(exists(c.dest));
    assert_false(exists(c.part));
    /* one request: a fresh download that mismatches is not retried */
    assert_int_equal(lt_http_fixture_log(c.f, NULL, 0), 1);
    tmp_free(&c.t);
}

static void test_stale_part_mismatch_redownloads_once(void **state) {
    ctx c;
    ctx_init(&c, state, "/small.bin", "small.bin");
    /* The first 100 bytes of the .part are wrong: resuming gives a bad digest,
     * so the downloader starts over from byte 0 once and succeeds. */
    unsigned char bad[100];
    memset(bad, 0x11, sizeof bad);
    write_all(c.part, bad, sizeof bad);
    lt_download_opts o = test_opts(small_hex, 3);
    lt_download_result r;
    lt_err err = {{0}};
    assert_int_equal(lt_download_file_ex(c.url, c.dest, &o, &r, &err), 0);
    assert_file_equals(c.dest, small_body, SMALL);
    lt_http_log_entry log[4];
    assert_int_equal(lt_http_fixture_log(c.f, log, 4), 2);
    assert_string_equal(log[0].range, "bytes=100-");
    assert_string_equal(log[1].range, "");
    tmp_free(&c.t);
}

static void test_skip_complete_and_replace_wrong(void **state) {
    ctx c;
    ctx_init(&c, state, "/small.bin", "small.bin");
    lt_download_opts o = test_opts(small_hex, 3);
    lt_download_result r;
    lt_err err = {{0}};
    assert_int_equal(lt_download_file_ex(c.url, c.dest, &o, &r, &err), 0);
    assert_int_equal(lt_http_fixture_log(c.f, NULL, 0), 1);
    /* second run: nothing fetched */
    assert_int_equal(lt_download_file_ex(c.url, c.dest, &o, &r, &err), 0);
    assert_true(r.skipped);
    assert_true(r.verified);
    assert_int_equal(r.requests, 0);
    assert_int_equal(r.fetched, 0);
    assert_string_equal(r.sha256, small_hex);
    assert_int_equal(lt_http_fixture_log(c.f, NULL, 0), 1);
    /* unknown digest: an existing file is kept as it is */
    lt_download_opts o2 = test_opts(NULL, 3);
    assert_int_equal(lt_download_file_ex(c.url, c.dest, &o2, &r, &err), 0);
    assert_true(r.skipped);
    assert_false(r.verified);
    assert_string_equal(r.sha256, small_hex);
    assert_int_equal(lt_http_fixture_log(c.f, NULL, 0), 1);
    /* an existing file with the wrong bytes is fetched again and replaced */
    write_all(c.dest, wrong, SMALL);
    assert_int_equal(lt_download_file_ex(c.url, c.dest, &o, &r, &err), 0);
    assert_false(r.skipped);
    assert_true(r.replaced);
    assert_true(r.verified);
    assert_file_equals(c.dest, small_body, SMALL);
    assert_int_equal(lt_http_fixture_log(c.f, NULL, 0), 2);
    tmp_free(&c.t);
}

static void test_404_names_url_and_status(void **state) {
    ctx c;
    ctx_init(&c, state, "/no/such/file.bin", "file.bin");
    lt_download_opts o = test_opts(small_hex, 3);
    lt_download_result r;
    lt_err err = {{0}};
    assert_int_equal(lt_download_file_ex(c.url, c.dest, &o, &r, &err), -1);
    assert_non_null(strstr(err.msg, c.url));
    assert_non_null(strstr(err.msg, "HTTP 404 (Not Found)"));
    assert_false(exists(c.dest));
    assert_false(exists(c.part)); /* no empty .part left behind */
    assert_int_equal(lt_http_fixture_log(c.f, NULL, 0), 1); /* 4xx is not retried */
    /* 403 likewise */
    snprintf(c.url, sizeof c.url, "%s/forbidden.bin", lt_http_fixture_base(c.f));
    assert_int_equal(lt_download_file_ex(c.url, c.dest, &o, &r, &err), -1);
    assert_non_null(strstr(err.msg, "HTTP 403"));
    tmp_free(&c.t);
}

static void test_5xx_is_retried_then_fails(void **state) {
    ctx c;
    ctx_init(&c, state, "/err500.bin", "e.bin");
    lt_download_opts o = test_opts(NULL, 3);
    lt_download_result r;
    lt_err err = {{0}};
    assert_int_equal(lt_download_file_ex(c.url, c.dest, &o, &r, &err), -1);
    assert_int_equal(lt_http_fixture_log(c.f, NULL, 0), 3);
    assert_int_equal(r.requests, 3);
    assert_non_null(strstr(err.msg, "HTTP 500"));
    assert_non_null(strstr(err.msg, "3 attempts"));
    assert_false(exists(c.dest));
    tmp_free(&c.t);
}

static void test_complete_part_416_and_known_size(void **state) {
    ctx c;
    ctx_init(&c, state, "/small.bin", "small.bin");
    /* a .part that is already complete: the server answers 416 */
    write_all(c.part, small_body, SMALL);
    lt_download_opts o = test_opts(small_hex, 3);
    lt_download_result r;
    lt_err err = {{0}};
    assert_int_equal(lt_download_file_ex(c.url, c.dest, &o, &r, &err), 0);
    assert_true(r.verified);
    assert_file_equals(c.dest, small_body, SMALL);
    lt_http_log_entry log[2];
    assert_int_equal(lt_http_fixture_log(c.f, log, 2), 1);
    assert_int_equal(log[0].status, 416);
    /* with the size known, a complete .part is verified without any request */
    remove(c.dest);
    write_all(c.part, small_body, SMALL);
    lt_http_fixture_reset(c.f);
    o.expected_size = SMALL;
    assert_int_equal(lt_download_file_ex(c.url, c.dest, &o, &r, &err), 0);
    assert_int_equal(r.requests, 0);
    assert_int_equal(lt_http_fixture_log(c.f, NULL, 0), 0);
    assert_file_equals(c.dest, small_body, SMALL);
    tmp_free(&c.t);
}

static void test_unknown_digest_redirect_and_empty(void **state) {
    ctx c;
    ctx_init(&c, state, "/moved.bin", "moved.bin");
    lt_download_opts o = test_opts(NULL, 3);
    lt_download_result r;
    lt_err err = {{0}};
    assert_int_equal(lt_download_file_ex(c.url, c.dest, &o, &r, &err), 0);
    assert_false(r.verified);
    assert_string_equal(r.sha256, small_hex); /* computed and reported */
    assert_file_equals(c.dest, small_body, SMALL);
    lt_http_log_entry log[4];
    assert_int_equal(lt_http_fixture_log(c.f, log, 4), 2);
    assert_int_equal(log[0].status, 302);
    assert_string_equal(log[1].path, "/small.bin");
    /* an empty file */
    char dest2[200];
    join(dest2, sizeof dest2, c.t.path, "empty.bin");
    snprintf(c.url, sizeof c.url, "%s/empty.bin", lt_http_fixture_base(c.f));
    o.sha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    assert_int_equal(lt_download_file_ex(c.url, dest2, &o, &r, &err), 0);
    assert_true(r.verified);
    assert_int_equal(r.size, 0);
    assert_true(exists(dest2));
    tmp_free(&c.t);
}

static void test_connection_refused(void **state) {
    (void)state;
    /* a port nobody listens on: bind one, close it, use its number */
    lt_http_fixture *g = lt_http_fixture_start(NULL, 0);
    assert_non_null(g);
    char url[128];
    snprintf(url, sizeof url, "%s/x.bin", lt_http_fixture_base(g));
    lt_http_fixture_stop(g);
    tmpdir t;
    tmp_make(&t);
    char dest[128];
    join(dest, sizeof dest, t.path, "x.bin");
    lt_download_opts o = test_opts(NULL, 2);
    lt_err err = {{0}};
    assert_int_equal(lt_download_file_ex(url, dest, &o, NULL, &err), -1);
    assert_non_null(strstr(err.msg, url));
    assert_non_null(strstr(err.msg, "2 attempts"));
    assert_null(strstr(err.msg, "kept"));
    assert_false(exists(dest));
    char part[140];
    snprintf(part, sizeof part, "%s.part", dest);
    assert_false(exists(part)); /* nothing received: no empty .part left */
    tmp_free(&t);
}

/* ---- the manifest runner -------------------------------------------------- */

typedef struct file_rec {
    int calls, failures;
    char last_err[1024];
    char last_url[512];
} file_rec;

static void on_file_cb(const lt_manifest_entry *e, const char *url, const lt_download_result *r, const lt_err *fe,
                       void *ud) {
    (void)e;
    (void)r;
    file_rec *fr = ud;
    fr->calls++;
    snprintf(fr->last_url, sizeof fr->last_url, "%s", url);
    if (fe) {
        fr->failures++;
        snprintf(fr->last_err, sizeof fr->last_err, "%s", fe->msg);
    }
}

static void test_manifest_runner_layout_and_errors(void **state) {
    ctx c;
    ctx_init(&c, state, "/unused", "unused");
    const char *voices[] = {"af_heart", "bf_emma"};
    lt_download_manifest_opts o;
    lt_download_manifest_opts_init(&o);
    char dir[128];
    join(dir, sizeof dir, c.t.path, "models/nested");
    o.dir = dir;
    o.base_url = lt_http_fixture_base(c.f);
    o.groups = LT_DL_VOICES | LT_DL_LEXICONS;
    o.voices = voices;
    o.n_voices = 2;
    o.file = test_opts(NULL, 2);
    file_rec fr = {0};
    o.on_file = on_file_cb;
    o.on_file_ud = &fr;
    lt_download_summary sum;
    lt_err err = {{0}};
    /* the fixture has none of these paths: every file fails with 404 */
    assert_int_equal(lt_download_manifest(&o, &sum, &err), -1);
    assert_int_equal(sum.selected, 6);
    assert_int_equal(sum.failed, 6);
    assert_int_equal(fr.calls, 6);
    assert_non_null(strstr(err.msg, "6 of 6 files"));
    assert_non_null(strstr(err.msg, "HTTP 404"));
    lt_http_log_entry log[8];
    assert_int_equal(lt_http_fixture_log(c.f, log, 8), 6);
    assert_string_equal(log[0].path, "/hexgrad/Kokoro-82M/resolve/main/voices/af_heart.pt");
    assert_string_equal(log[1].path, "/hexgrad/Kokoro-82M/resolve/main/voices/bf_emma.pt");
    assert_string_equal(log[2].path, "/hexgrad/misaki/main/misaki/data/us_gold.json");
    assert_string_equal(log[5].path, "/hexgrad/misaki/main/misaki/data/gb_silver.json");
    /* directories were created with their parents */
    char p[200];
    join(p, sizeof p, dir, "voices");
    assert_true(exists(p));
    join(p, sizeof p, dir, "lexicons");
    assert_true(exists(p));

    /* an unknown voice fails before any request */
    lt_http_fixture_reset(c.f);
    const char *bad[] = {"af_heart", "xx_nobody"};
    o.voices = bad;
    assert_int_equal(lt_download_manifest(&o, &sum, &err), -1);
    assert_non_null(strstr(err.msg, "xx_nobody"));
    assert_int_equal(lt_http_fixture_log(c.f, NULL, 0), 0);

    /* LITETTS_DOWNLOAD_BASE stands in for base_url */
    o.voices = voices;
    o.n_voices = 1;
    o.groups = LT_DL_VOICES;
    o.base_url = NULL;
    char base[128];
    snprintf(base, sizeof base, "%s/mirror/", lt_http_fixture_base(c.f));
    setenv("LITETTS_DOWNLOAD_BASE", base, 1);
    assert_string_equal(lt_download_effective_base(NULL), base);
    assert_string_equal(lt_download_effective_base("http://x"), "http://x");
    assert_int_equal(lt_download_manifest(&o, &sum, &err), -1);
    unsetenv("LITETTS_DOWNLOAD_BASE");
    assert_int_equal(lt_http_fixture_log(c.f, log, 8), 1);
    assert_string_equal(log[0].path, "/mirror/hexgrad/Kokoro-82M/resolve/main/voices/af_heart.pt");
    tmp_free(&c.t);
}

/* A fixture serving the manifest's paths: wrong bytes for us_gold (so the pinned
 * digest must reject them), and a file that is "complete" before the run. */
static unsigned char fake_lex[2000];

static void test_manifest_runner_verifies_pinned(void **state) {
    (void)state;
    fill(fake_lex, sizeof fake_lex, 9);
    const lt_http_route routes[] = {
        {.path = "/hexgrad/misaki/main/misaki/data/us_gold.json", .body = fake_lex, .len = sizeof fake_lex},
    };
    lt_http_fixture *f = lt_http_fixture_start(routes, 1);
    assert_non_null(f);
    tmpdir t;
    tmp_make(&t);
    lt_download_manifest_opts o;
    lt_download_manifest_opts_init(&o);
    o.dir = t.path;
    o.base_url = lt_http_fixture_base(f);
    o.groups = LT_DL_LEXICONS;
    o.file = test_opts(NULL, 1);
    lt_download_summary sum;
    lt_err err = {{0}};
    assert_int_equal(lt_download_manifest(&o, &sum, &err), -1);
    assert_int_equal(sum.selected, 4);
    assert_int_equal(sum.failed, 4);
    char actual[LT_SHA256_HEX_LEN];
    hex_of(fake_lex, sizeof fake_lex, actual);
    /* the first failure is us_gold's mismatch, with both digests */
    assert_non_null(strstr(err.msg, "lexicons/us_gold.json"));
    assert_non_null(strstr(err.msg, lt_manifest_find_path("lexicons/us_gold.json")->sha256));
    assert_non_null(strstr(err.msg, actual));
    char p[200];
    join(p, sizeof p, t.path, "lexicons/us_gold.json");
    assert_false(exists(p));
    join(p, sizeof p, t.path, "lexicons/us_gold.json.part");
    assert_false(exists(p));
    lt_http_fixture_stop(f);
    tmp_free(&t);
}

/* ---- the CLI --------------------------------------------------------------- */

/* Runs a shell command, captures stdout+stderr; returns the exit status. */
static int run_capture(const char *cmd, char *out, size_t cap) {
    char full[2048];
    snprintf(full, sizeof full, "%s 2>&1", cmd);
    FILE *p = popen(full, "r");
    assert_non_null(p);
    size_t n = fread(out, 1, cap - 1, p);
    out[n] = 0;
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_cli_against_fixture(void **state) {
    (void)state;
    const char *build = getenv("LT_BUILD");
    char exe[512];
    snprintf(exe, sizeof exe, "%s/litetts", build ? build : ".");
    if (!build || access(exe, X_OK) != 0) {
        print_message("skipping: %s not built (LT_BUILD unset or litetts missing)\n", exe);
        skip();
    }
    fill(fake_lex, sizeof fake_lex, 9);
    const lt_http_route routes[] = {
        {.path = "/hexgrad/misaki/main/misaki/data/us_gold.json", .body = fake_lex, .len = sizeof fake_lex},
        {.path = "/hexgrad/misaki/main/misaki/data/us_silver.json", .body = fake_lex, .len = sizeof fake_lex},
        {.path = "/hexgrad/misaki/main/misaki/data/gb_gold.json", .body = fake_lex, .len = sizeof fake_lex},
        {.path = "/hexgrad/misaki/main/misaki/data/gb_silver.json", .body = fake_lex, .len = sizeof fake_lex,
         .cut_after = 500},
    };
    lt_http_fixture *f = lt_http_fixture_start(routes, 4);
    assert_non_null(f);
    tmpdir t;
    tmp_make(&t);
    static char out[65536];
    char cmd[1500];

    /* --only lexicons against the fixture: the fake bytes fail the pinned digests */
    snprintf(cmd, sizeof cmd, "'%s' download --base-url %s --dir '%s/m' --only lexicons", exe,
             lt_http_fixture_base(f), t.path);
    int rc = run_capture(cmd, out, sizeof out);
    if (rc != 1) print_message("%s\n", out);
    assert_int_equal(rc, 1);
    char actual[LT_SHA256_HEX_LEN];
    hex_of(fake_lex, sizeof fake_lex, actual);
    assert_non_null(strstr(out, "sha256 mismatch"));
    assert_non_null(strstr(out, lt_manifest_find_path("lexicons/us_gold.json")->sha256));
    assert_non_null(strstr(out, actual));
    assert_non_null(strstr(out, "4 failed"));
    lt_http_log_entry log[16];
    size_t n = lt_http_fixture_log(f, log, 16);
    /* four files; gb_silver was cut once and resumed with a Range request */
    assert_int_equal(n, 5);
    assert_string_equal(log[0].path, "/hexgrad/misaki/main/misaki/data/us_gold.json");
    assert_string_equal(log[3].path, "/hexgrad/misaki/main/misaki/data/gb_silver.json");
    assert_string_equal(log[4].range, "bytes=500-");
    char p[300];
    snprintf(p, sizeof p, "%s/m/lexicons/us_gold.json", t.path);
    assert_false(exists(p));

    /* the environment variable works like --base-url; a voice that 404s */
    lt_http_fixture_reset(f);
    snprintf(cmd, sizeof cmd, "LITETTS_DOWNLOAD_BASE=%s '%s' download --dir '%s/m' --only voices --voices af_heart",
             lt_http_fixture_base(f), exe, t.path);
    rc = run_capture(cmd, out, sizeof out);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(out, "HTTP 404"));
    assert_non_null(strstr(out, "/hexgrad/Kokoro-82M/resolve/main/voices/af_heart.pt"));
    assert_int_equal(lt_http_fixture_log(f, NULL, 0), 1);

    /* usage errors and help never touch the network */
    lt_http_fixture_reset(f);
    snprintf(cmd, sizeof cmd, "'%s' download --base-url %s --dir '%s/m' --voices xx_nobody", exe,
             lt_http_fixture_base(f), t.path);
    assert_int_equal(run_capture(cmd, out, sizeof out), 2);
    assert_non_null(strstr(out, "xx_nobody"));
    snprintf(cmd, sizeof cmd, "'%s' download --only everything", exe);
    assert_int_equal(run_capture(cmd, out, sizeof out), 2);
    snprintf(cmd, sizeof cmd, "'%s' download --bogus", exe);
    assert_int_equal(run_capture(cmd, out, sizeof out), 2);
    snprintf(cmd, sizeof cmd, "'%s' download --help", exe);
    assert_int_equal(run_capture(cmd, out, sizeof out), 0);
    assert_non_null(strstr(out, "--base-url"));
    snprintf(cmd, sizeof cmd, "'%s' download --list", exe);
    assert_int_equal(run_capture(cmd, out, sizeof out), 0);
    assert_non_null(strstr(out, "voices/zm_yunyang.pt"));
    assert_non_null(strstr(out, "496dba118d1a58f5f3db2efc88dbdc216e0483fc89fe6e47ee1f2c53f18ad1e4"));
    assert_int_equal(lt_http_fixture_log(f, NULL, 0), 0);
    lt_http_fixture_stop(f);
    tmp_free(&t);
}

int main(void) {
    /* never let a proxy setting send the loopback requests elsewhere */
    unsetenv("http_proxy");
    unsetenv("HTTP_PROXY");
    unsetenv("https_proxy");
    unsetenv("HTTPS_PROXY");
    unsetenv("all_proxy");
    unsetenv("ALL_PROXY");
    unsetenv("LITETTS_DOWNLOAD_BASE");
    const struct CMUnitTest pure[] = {
        cmocka_unit_test(test_sha256_vectors),
        cmocka_unit_test(test_sha256_million_a),
        cmocka_unit_test(test_sha256_streaming_equals_oneshot),
        cmocka_unit_test(test_manifest_table),
        cmocka_unit_test(test_manifest_urls_and_groups),
    };
    const struct CMUnitTest net[] = {
        cmocka_unit_test(test_fresh_download_verified),
        cmocka_unit_test(test_plain_api_and_uppercase_digest),
        cmocka_unit_test(test_resume_after_cut),
        cmocka_unit_test(test_cut_without_retry_keeps_part_then_resumes),
        cmocka_unit_test(test_resume_from_existing_part),
        cmocka_unit_test(test_range_ignored_restarts),
        cmocka_unit_test(test_checksum_mismatch),
        cmocka_unit_test(test_stale_part_mismatch_redownloads_once),
        cmocka_unit_test(test_skip_complete_and_replace_wrong),
        cmocka_unit_test(test_404_names_url_and_status),
        cmocka_unit_test(test_5xx_is_retried_then_fails),
        cmocka_unit_test(test_complete_part_416_and_known_size),
        cmocka_unit_test(test_unknown_digest_redirect_and_empty),
        cmocka_unit_test(test_connection_refused),
        cmocka_unit_test(test_manifest_runner_layout_and_errors),
        cmocka_unit_test(test_manifest_runner_verifies_pinned),
        cmocka_unit_test(test_cli_against_fixture),
    };
    int failed = cmocka_run_group_tests_name("download_pure", pure, NULL, NULL);
    failed += cmocka_run_group_tests_name("download_http", net, fixture_setup, fixture_teardown);
    return failed ? 1 : 0;
}
