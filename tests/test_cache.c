/* test_cache.c — the audio cache: hits return the same bytes, keys separate
 * what changes the output, caps and LRU eviction hold in both tiers, the disk
 * tier survives a restart, and damaged disk entries are dropped, not served. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cache/audio_cache.h"

static char dir[64];

static void key(char out[LT_CACHE_KEY_LEN], const char *ph) {
    lt_cache_key(out, "model-sha", ph, "voice-sha", 1.0, "mp3", 24000, "0.1.0");
}

static uint8_t *blob(size_t n, int seed) {
    uint8_t *b = malloc(n);
    for (size_t i = 0; i < n; i++) b[i] = (uint8_t)(i * 31 + (size_t)seed);
    return b;
}

static int setup(void **state) {
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/lt-cache-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state) {
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd);
}

static void test_keys_separate_outputs(void **state) {
    (void)state;
    char a[LT_CACHE_KEY_LEN], b[LT_CACHE_KEY_LEN];
    lt_cache_key(a, "m", "hɛlO", "v", 1.0, "mp3", 24000, "1");
    const char *fields[][3] = {{"m2", "v", "mp3"}, {"m", "v2", "mp3"}, {"m", "v", "wav"}};
    for (int i = 0; i < 3; i++) {
        lt_cache_key(b, fields[i][0], "hɛlO", fields[i][1], 1.0, fields[i][2], 24000, "1");
        assert_string_not_equal(a, b);
    }
    lt_cache_key(b, "m", "hɛlO", "v", 1.25, "mp3", 24000, "1");
    assert_string_not_equal(a, b);
    lt_cache_key(b, "m", "hɛlO", "v", 1.0, "mp3", 16000, "1");
    assert_string_not_equal(a, b);
    lt_cache_key(b, "m", "hɛlO", "v", 1.0, "mp3", 24000, "2");
    assert_string_not_equal(a, b);
    lt_cache_key(b, "m", "hɛlO", "v", 1.0, "mp3", 24000, "1");
    assert_string_equal(a, b);
    assert_int_equal(strlen(a), 64);
}

static void test_memory_tier_lru(void **state) {
    (void)state;
    lt_err err;
    lt_cache_opts o = {.mem_bytes = 3000};
    lt_cache *c = lt_cache_open(&o, &err);
    char k[5][LT_CACHE_KEY_LEN];
    uint8_t *b[5];
    for (int i = 0; i < 5; i++) {
        char ph[8];
        snprintf(ph, sizeof ph, "p%d", i);
        key(k[i], ph);
        b[i] = blob(1000, i);
    }
    for (int i = 0; i < 3; i++) assert_int_equal(lt_cache_put(c, k[i], b[i], 1000, &err), 0);
    uint8_t *d;
    size_t n;
    assert_int_equal(lt_cache_get(c, k[0], &d, &n), 1); /* k0 becomes the most recent */
    assert_int_equal(n, 1000);
    assert_memory_equal(d, b[0], 1000);
    free(d);
    assert_int_equal(lt_cache_put(c, k[3], b[3], 1000, &err), 0); /* evicts k1, the least recent */
    assert_int_equal(lt_cache_get(c, k[1], &d, &n), 0);
    assert_int_equal(lt_cache_get(c, k[0], &d, &n), 1);
    free(d);
    lt_cache_stats s;
    lt_cache_stats_get(c, &s);
    assert_true(s.mem_bytes <= 3000);
    assert_int_equal(s.mem_entries, 3);
    assert_int_equal(s.mem_hits, 2);
    assert_int_equal(s.mem_misses, 1);
    /* many puts and removals: the index never fills up with tombstones */
    for (int i = 0; i < 5000; i++) {
        char kk[LT_CACHE_KEY_LEN], ph[16];
        snprintf(ph, sizeof ph, "q%d", i);
        key(kk, ph);
        assert_int_equal(lt_cache_put(c, kk, b[4], 100 + (size_t)(i % 900), &err), 0);
    }
    lt_cache_stats_get(c, &s);
    assert_true(s.mem_bytes <= 3000);
    for (int i = 0; i < 5; i++) free(b[i]);
    lt_cache_close(c);
}

static void test_disk_tier_restart_eviction_corruption(void **state) {
    (void)state;
    lt_err err;
    lt_cache_opts o = {.mem_bytes = 0, .disk_bytes = 2500, .dir = dir};
    lt_cache *c = lt_cache_open(&o, &err);
    assert_non_null(c);
    char k[4][LT_CACHE_KEY_LEN];
    uint8_t *b[4];
    for (int i = 0; i < 4; i++) {
        char ph[8];
        snprintf(ph, sizeof ph, "d%d", i);
        key(k[i], ph);
        b[i] = blob(1000, 10 + i);
    }
    assert_int_equal(lt_cache_put(c, k[0], b[0], 1000, &err), 0);
    assert_int_equal(lt_cache_put(c, k[1], b[1], 1000, &err), 0);
    lt_cache_close(c);

    c = lt_cache_open(&o, &err); /* restart */
    uint8_t *d;
    size_t n;
    assert_int_equal(lt_cache_get(c, k[0], &d, &n), 1);
    assert_memory_equal(d, b[0], 1000);
    free(d);
    assert_int_equal(lt_cache_put(c, k[2], b[2], 1000, &err), 0); /* over 2500: k1 (least recent) goes */
    assert_int_equal(lt_cache_get(c, k[1], &d, &n), 0);
    lt_cache_stats s;
    lt_cache_stats_get(c, &s);
    assert_int_equal(s.disk_entries, 2);
    assert_true(s.disk_bytes <= 2500);

    /* damage k2's file: one flipped byte, then a truncation of k0 */
    char path[512];
    snprintf(path, sizeof path, "%s/audio/%.2s/%s.bin", dir, k[2], k[2]);
    FILE *f = fopen(path, "r+b");
    fseek(f, 500, SEEK_SET);
    fputc(0x5A ^ fgetc(f), f);
    fclose(f);
    assert_int_equal(lt_cache_get(c, k[2], &d, &n), 0);
    snprintf(path, sizeof path, "%s/audio/%.2s/%s.bin", dir, k[0], k[0]);
    assert_int_equal(truncate(path, 100), 0);
    assert_int_equal(lt_cache_get(c, k[0], &d, &n), 0);
    lt_cache_stats_get(c, &s);
    assert_int_equal(s.disk_corrupt, 2);
    assert_int_equal(s.disk_entries, 0);
    assert_int_equal(access(path, F_OK), -1); /* dropped */

    assert_int_equal(lt_cache_put(c, k[3], b[3], 1000, &err), 0);
    assert_int_equal(lt_cache_clear(c, &err), 0);
    assert_int_equal(lt_cache_get(c, k[3], &d, &n), 0);
    for (int i = 0; i < 4; i++) free(b[i]);
    lt_cache_close(c);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keys_separate_outputs),
        cmocka_unit_test(test_memory_tier_lru),
        cmocka_unit_test_setup_teardown(test_disk_tier_restart_eviction_corruption, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
