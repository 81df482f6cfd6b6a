/* test_store.c — saved voices: round trip, restart, replace, delete,
 * validation, concurrent saves of one name, and recovery after a crash. */
#include <dirent.h>
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "voice/store.h"

static char shared[1024];

static lt_voice_pack tiny_pack(const char *name) {
    char p[2048];
    snprintf(p, sizeof p, "%s/kokoro-golden/tiny/voices/%s.bin", shared, name);
    lt_voice_pack v;
    lt_err err;
    if (lt_voice_pack_load(p, NULL, 64, &v, &err)) fail_msg("%s", err.msg);
    return v;
}

static int count_files(const char *dir, const char *suffix) {
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d))) {
        size_t a = strlen(e->d_name), b = strlen(suffix);
        n += a > b && !strcmp(e->d_name + a - b, suffix);
    }
    if (d) closedir(d);
    return n;
}

static char *tmpdir(void) {
    static char dir[64];
    snprintf(dir, sizeof dir, "/tmp/lt-store-XXXXXX");
    assert_non_null(mkdtemp(dir));
    return dir;
}

static void rmrf(const char *dir) {
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static void test_round_trip_restart_replace_delete(void **state) {
    (void)state;
    char *dir = tmpdir(), vdir[128];
    snprintf(vdir, sizeof vdir, "%s/voices", dir);
    lt_err err;
    lt_voice_store *s = lt_voice_store_open(dir, &err);
    assert_non_null(s);
    lt_voice_pack bella = tiny_pack("af_bella"), sky = tiny_pack("af_sky"), got;
    assert_int_equal(lt_voice_store_save(s, "my.voice_1", &bella, 64, "warm", "af_bella", 0, &err), 0);
    lt_voice_store_close(s);

    s = lt_voice_store_open(dir, &err); /* "restart" */
    lt_stored_voice meta;
    assert_int_equal(lt_voice_store_get(s, "my.voice_1", &meta, &got, &err), 0);
    assert_memory_equal(got.data, bella.data, sizeof(float) * 510 * 64);
    assert_string_equal(meta.description, "warm");
    assert_string_equal(meta.expression, "af_bella");
    assert_int_equal(meta.width, 64);
    lt_voice_pack_free(&got);

    assert_int_equal(lt_voice_store_save(s, "my.voice_1", &sky, 64, NULL, NULL, 0, &err), -1);
    assert_non_null(strstr(err.msg, "already exists"));
    assert_int_equal(lt_voice_store_save(s, "my.voice_1", &sky, 64, "bright", NULL, 1, &err), 0);
    assert_int_equal(lt_voice_store_get(s, "my.voice_1", NULL, &got, &err), 0);
    assert_memory_equal(got.data, sky.data, sizeof(float) * 510 * 64);
    lt_voice_pack_free(&got);
    assert_int_equal(count_files(vdir, ".bin"), 1); /* the replaced version is gone */

    assert_int_equal(lt_voice_store_save(s, "another", &bella, 64, NULL, NULL, 0, &err), 0);
    lt_stored_voice *list;
    int n;
    assert_int_equal(lt_voice_store_list(s, &list, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_string_equal(list[0].name, "another");
    free(list);
    assert_int_equal(lt_voice_store_delete(s, "my.voice_1", &err), 0);
    assert_int_equal(lt_voice_store_delete(s, "my.voice_1", &err), 1);
    assert_int_equal(lt_voice_store_get(s, "my.voice_1", NULL, NULL, &err), 1);
    assert_int_equal(count_files(vdir, ".bin"), 1);
    lt_voice_store_close(s);
    lt_voice_pack_free(&bella);
    lt_voice_pack_free(&sky);
    rmrf(dir);
}

/* deletes waiting for Redis: kept across a reopen, replaced per name, listed oldest first */
static void test_pending_deletes(void **state) {
    (void)state;
    char *dir = tmpdir();
    lt_err err;
    lt_voice_store *s = lt_voice_store_open(dir, &err);
    assert_non_null(s);
    lt_pending_delete *d;
    int n;
    assert_int_equal(lt_voice_store_pending_list(s, &d, &n, &err), 0);
    assert_int_equal(n, 0);
    free(d);
    assert_int_equal(lt_voice_store_pending_put(s, "later", 200, &err), 0);
    assert_int_equal(lt_voice_store_pending_put(s, "early", 100, &err), 0);
    assert_int_equal(lt_voice_store_pending_put(s, "later", 300, &err), 0); /* replaces */
    assert_int_equal(lt_voice_store_pending_put(s, "../etc", 1, &err), -1);
    assert_non_null(strstr(err.msg, "not a voice name"));
    lt_voice_store_close(s);

    s = lt_voice_store_open(dir, &err); /* "restart" */
    assert_non_null(s);
    assert_int_equal(lt_voice_store_pending_list(s, &d, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_string_equal(d[0].name, "early");
    assert_int_equal(d[0].when, 100);
    assert_string_equal(d[1].name, "later");
    assert_int_equal(d[1].when, 300);
    free(d);
    assert_int_equal(lt_voice_store_pending_remove(s, "early", &err), 0);
    assert_int_equal(lt_voice_store_pending_remove(s, "never", &err), 0); /* absent: nothing to do */
    assert_int_equal(lt_voice_store_pending_list(s, &d, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_string_equal(d[0].name, "later");
    free(d);
    lt_voice_store_close(s);
    rmrf(dir);
}

static void test_validation(void **state) {
    (void)state;
    char *dir = tmpdir();
    lt_err err;
    lt_voice_store *s = lt_voice_store_open(dir, &err);
    lt_voice_pack v = tiny_pack("af_heart");
    assert_int_equal(lt_voice_store_save(s, "../escape", &v, 64, NULL, NULL, 0, &err), -1);
    assert_non_null(strstr(err.msg, "not valid"));
    assert_int_equal(lt_voice_store_save(s, "a/b", &v, 64, NULL, NULL, 0, &err), -1);
    assert_int_equal(lt_voice_store_save(s, "wide", &v, 256, NULL, NULL, 0, &err), -1);
    assert_non_null(strstr(err.msg, "[510, 64], expected [510, 256]"));
    v.data[1234] = NAN;
    assert_int_equal(lt_voice_store_save(s, "nan", &v, 64, NULL, NULL, 0, &err), -1);
    assert_non_null(strstr(err.msg, "not finite"));
    lt_voice_store_close(s);
    lt_voice_pack_free(&v);
    rmrf(dir);
}

typedef struct racer {
    lt_voice_store *s;
    const lt_voice_pack *pack;
    int rc;
} racer;

static void *race(void *arg) {
    racer *r = arg;
    lt_err err;
    r->rc = lt_voice_store_save(r->s, "same", r->pack, 64, NULL, NULL, 0, &err);
    return NULL;
}

static void test_concurrent_saves_of_one_name(void **state) {
    (void)state;
    char *dir = tmpdir(), vdir[128];
    snprintf(vdir, sizeof vdir, "%s/voices", dir);
    lt_err err;
    lt_voice_store *s = lt_voice_store_open(dir, &err);
    lt_voice_pack v = tiny_pack("bf_emma");
    pthread_t t[8];
    racer r[8];
    for (int i = 0; i < 8; i++) {
        r[i] = (racer){s, &v, 99};
        pthread_create(&t[i], NULL, race, &r[i]);
    }
    int ok = 0;
    for (int i = 0; i < 8; i++) {
        pthread_join(t[i], NULL);
        ok += r[i].rc == 0;
    }
    assert_int_equal(ok, 1);
    assert_int_equal(count_files(vdir, ".bin"), 1);
    assert_int_equal(count_files(vdir, ".tmp"), 0);
    lt_voice_store_close(s);
    lt_voice_pack_free(&v);
    rmrf(dir);
}

static void test_crash_leftovers_are_cleaned(void **state) {
    (void)state;
    char *dir = tmpdir(), vdir[128], path[256];
    snprintf(vdir, sizeof vdir, "%s/voices", dir);
    lt_err err;
    lt_voice_store *s = lt_voice_store_open(dir, &err);
    lt_voice_pack v = tiny_pack("ef_dora");
    assert_int_equal(lt_voice_store_save(s, "kept", &v, 64, NULL, NULL, 0, &err), 0);
    assert_int_equal(lt_voice_store_save(s, "lost", &v, 64, NULL, NULL, 0, &err), 0);
    lt_stored_voice meta;
    assert_int_equal(lt_voice_store_get(s, "lost", &meta, NULL, &err), 0);
    lt_voice_store_close(s);
    /* a crash mid-save: a half-written temporary, a renamed pack never committed; and a pack lost from disk */
    snprintf(path, sizeof path, "%s/half.123.bin.tmp", vdir);
    FILE *f = fopen(path, "w");
    fputs("partial", f);
    fclose(f);
    snprintf(path, sizeof path, "%s/ghost.abc.bin", vdir);
    f = fopen(path, "w");
    fwrite(v.data, 4, 510 * 64, f);
    fclose(f);
    snprintf(path, sizeof path, "%s/%s", vdir, meta.file);
    assert_int_equal(unlink(path), 0);

    s = lt_voice_store_open(dir, &err);
    assert_non_null(s);
    assert_int_equal(count_files(vdir, ".tmp"), 0);
    assert_int_equal(count_files(vdir, ".bin"), 1); /* only "kept" */
    assert_int_equal(lt_voice_store_get(s, "lost", NULL, NULL, &err), 1);
    assert_int_equal(lt_voice_store_get(s, "ghost", NULL, NULL, &err), 1);
    assert_int_equal(lt_voice_store_get(s, "kept", NULL, NULL, &err), 0);
    lt_voice_store_close(s);
    lt_voice_pack_free(&v);
    rmrf(dir);
}

int main(void) {
    const char *sh = getenv("LT_SHARED");
    snprintf(shared, sizeof shared, "%s", sh ? sh : "../shared");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_restart_replace_delete),
        cmocka_unit_test(test_pending_deletes),
        cmocka_unit_test(test_validation),
        cmocka_unit_test(test_concurrent_saves_of_one_name),
        cmocka_unit_test(test_crash_leftovers_are_cleaned),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
