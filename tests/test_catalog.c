/* test_catalog.c — scanning voice folders: .pt / raw .bin / .npz members,
 * duplicates, metadata, refresh on change, and the official 54. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <cmocka.h>

#include "voice/catalog.h"

static char shared[1024];

static void test_tiny_voices(void **state) {
    (void)state;
    char dir[2048];
    snprintf(dir, sizeof dir, "%s/kokoro-golden/tiny/voices", shared);
    lt_voice_catalog c;
    lt_err err;
    assert_int_equal(lt_voice_catalog_scan(dir, 1, &c, &err), 0);
    /* 8 raw packs + af_bella.pt + voices-tiny.npz (af_sky, am_adam, bf_emma): 8 distinct ids */
    assert_int_equal(c.count, 8);
    const lt_voice_info *b = lt_voice_catalog_find(&c, "af_bella");
    assert_non_null(b);
    assert_non_null(strstr(b->path, "af_bella.pt")); /* .pt wins over .bin */
    assert_string_equal(b->grade, "A-");
    assert_string_equal(b->target_grade, "A");
    assert_string_equal(b->training, "HH");
    assert_string_equal(b->gender, "female");
    assert_string_equal(b->language, "American English");
    assert_int_equal(b->lang, 'a');
    const lt_voice_info *sky = lt_voice_catalog_find(&c, "af_sky");
    assert_non_null(strstr(sky->path, "af_sky.bin")); /* the raw file wins over the archive member */
    assert_string_equal(lt_voice_catalog_find(&c, "zf_xiaobei")->language, "Mandarin Chinese");
    for (int i = 1; i < c.count; i++) assert_true(strcmp(c.voices[i - 1].id, c.voices[i].id) < 0);
    lt_voice_catalog_free(&c);
}

static void test_npz_members_and_refresh(void **state) {
    (void)state;
    char dir[] = "/tmp/lt-catalog-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char src[2048], dst[2048], cmd[4200];
    snprintf(src, sizeof src, "%s/kokoro-golden/tiny/voices/voices-tiny.npz", shared);
    snprintf(dst, sizeof dst, "%s/voices-v1.0.bin", dir); /* kokoro-onnx's name: an npz behind .bin */
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", src, dst);
    assert_int_equal(system(cmd), 0);
    lt_voice_catalog c;
    lt_err err;
    assert_int_equal(lt_voice_catalog_scan(dir, 1, &c, &err), 0);
    assert_int_equal(c.count, 3);
    assert_string_equal(c.voices[0].id, "af_sky");
    assert_string_equal(c.voices[0].member, "af_sky");
    assert_string_equal(c.voices[2].id, "bf_emma");
    assert_int_equal(lt_voice_catalog_refresh(&c, 1, &err), 0); /* unchanged */
    /* a new voice appears: the folder's mtime moves (set it explicitly: 1 s resolution) */
    snprintf(src, sizeof src, "%s/kokoro-golden/tiny/voices/jf_alpha.bin", shared);
    snprintf(cmd, sizeof cmd, "cp '%s' '%s/my_voice.bin'", src, dir);
    assert_int_equal(system(cmd), 0);
    struct timeval tv[2] = {{c.dir_mtime + 5, 0}, {c.dir_mtime + 5, 0}};
    assert_int_equal(utimes(dir, tv), 0);
    assert_int_equal(lt_voice_catalog_refresh(&c, 1, &err), 1);
    assert_int_equal(c.count, 4);
    const lt_voice_info *mine = lt_voice_catalog_find(&c, "my_voice");
    assert_non_null(mine);
    assert_int_equal(mine->official, 0);
    assert_int_equal(mine->lang, 0); /* no language prefix */
    lt_voice_catalog_free(&c);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static void test_official_54_and_errors(void **state) {
    (void)state;
    char dir[2048];
    snprintf(dir, sizeof dir, "%s/kokoro-voices", shared);
    lt_voice_catalog c;
    lt_err err;
    assert_int_equal(lt_voice_catalog_scan(dir, 1, &c, &err), 0);
    int official = 0;
    for (int i = 0; i < c.count; i++) official += c.voices[i].official;
    assert_int_equal(official, 54);
    assert_string_equal(lt_voice_catalog_find(&c, "af_heart")->grade, "A");
    assert_string_equal(lt_voice_catalog_find(&c, "hm_psi")->gender, "male");
    lt_voice_catalog_free(&c);
    assert_int_equal(lt_voice_catalog_scan("/nonexistent/voices", 1, &c, &err), -1);
    assert_non_null(strstr(err.msg, "/nonexistent/voices"));
}

int main(void) {
    const char *s = getenv("LT_SHARED");
    snprintf(shared, sizeof shared, "%s", s ? s : "../shared");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tiny_voices),
        cmocka_unit_test(test_npz_members_and_refresh),
        cmocka_unit_test(test_official_54_and_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
