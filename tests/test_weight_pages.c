/* test_weight_pages.c — engine/weight_pages.h: releasing the pages of mapped
 * tensors drops them from the process's resident set (RssFile in
 * /proc/self/status), leaves their contents readable and unchanged, and never
 * touches tensors outside the file mapping or under the excepted prefix. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "engine/weight_pages.h"

#define MIB (1024 * 1024)

static long rss_file_kib(void) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long v = -1;
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, "RssFile:", 8)) v = strtol(line + 8, NULL, 10);
    if (f) fclose(f);
    return v;
}

static uint32_t pattern(size_t i) { return (uint32_t)(i * 2654435761u); }

static long touch(const uint32_t *p, size_t n) {
    long s = 0;
    for (size_t i = 0; i < n; i += 256) s += p[i];
    return s;
}

static void test_release(void **state) {
    (void)state;
    char path[] = "/tmp/lt-weight-pages-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    size_t len = 12 * MIB, n = len / 4;
    uint32_t *buf = malloc(len);
    for (size_t i = 0; i < n; i++) buf[i] = pattern(i);
    assert_int_equal(write(fd, buf, len), (ssize_t)len);
    void *map = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    unlink(path);
    assert_true(map != MAP_FAILED);

    lt_tensor_set s;
    lt_tensor_set_init(&s);
    s.mapping = map;
    s.mapping_len = len;
    const uint32_t *w = map;
    /* decoder.x: 4 MiB from byte 100 (not page aligned); decoder.generator.y: the next 4 MiB;
     * bert.z: the last 4 MiB; decoder.copy: the same values in anonymous memory */
    int64_t sh = (4 * MIB) / 4;
    assert_non_null(lt_tensor_set_add(&s, "decoder.x", LT_F32, 1, &sh, (char *)map + 100, 4 * MIB - 100, NULL));
    assert_non_null(lt_tensor_set_add(&s, "decoder.generator.y", LT_F32, 1, &sh, (char *)map + 4 * MIB, 4 * MIB, NULL));
    assert_non_null(lt_tensor_set_add(&s, "bert.z", LT_F32, 1, &sh, (char *)map + 8 * MIB, 4 * MIB, NULL));
    void *copy = malloc(4 * MIB);
    memcpy(copy, map, 4 * MIB);
    assert_non_null(lt_tensor_set_add(&s, "decoder.copy", LT_F32, 1, &sh, copy, 4 * MIB, copy));

    touch(w, n);
    long before = rss_file_kib();
    assert_true(before >= 12 * 1024);
    static const char *const dec[] = {"decoder.", NULL};
    size_t got = lt_weight_pages_release(&s, dec, "decoder.generator.");
    long page = sysconf(_SC_PAGESIZE);
    assert_int_equal(got, (size_t)(4 * MIB - page)); /* the first partial page stays */
    long after = rss_file_kib();
    assert_true(before - after >= (long)(got / 1024) - 64);
    /* contents unchanged, in the mapping and the copy */
    for (size_t i = 0; i < n; i++) assert_int_equal(w[i], pattern(i));
    assert_memory_equal(copy, buf, 4 * MIB);

    static const char *const all[] = {"decoder.", "bert.", NULL};
    touch(w, n);
    got = lt_weight_pages_release(&s, all, NULL);
    assert_int_equal(got, (size_t)(12 * MIB - page));
    for (size_t i = 0; i < n; i++) assert_int_equal(w[i], pattern(i));

    /* a set without a mapping (a .pth loaded into memory): nothing to do */
    lt_tensor_set mem;
    lt_tensor_set_init(&mem);
    void *own = malloc(MIB);
    memset(own, 7, MIB);
    int64_t one = MIB / 4;
    assert_non_null(lt_tensor_set_add(&mem, "decoder.w", LT_F32, 1, &one, own, MIB, own));
    assert_int_equal(lt_weight_pages_release(&mem, all, NULL), 0);
    assert_int_equal(((unsigned char *)own)[MIB - 1], 7);
    lt_tensor_set_free(&mem);
    lt_tensor_set_free(&s);
    free(buf);
}

static void test_policy(void **state) {
    (void)state;
    unsetenv("LITETTS_RELEASE_WEIGHTS");
    assert_int_equal(lt_weight_pages_policy(), 1);
    setenv("LITETTS_RELEASE_WEIGHTS", "0", 1);
    assert_int_equal(lt_weight_pages_policy(), 0);
    setenv("LITETTS_RELEASE_WEIGHTS", "1", 1);
    assert_int_equal(lt_weight_pages_policy(), 1);
    unsetenv("LITETTS_RELEASE_WEIGHTS");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_release),
        cmocka_unit_test(test_policy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
