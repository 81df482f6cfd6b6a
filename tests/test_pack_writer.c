/* test_pack_writer.c — voice packs written as torch.save archives
 * (voice/pack_writer.h) read back by the project's own loaders: lt_pth_load
 * (one float32 tensor [510, 1, W], named "") and lt_voice_pack_load
 * (detects .pt by content), equal to what was written; bad arguments. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "engine/pth.h"
#include "voice/pack_writer.h"
#include "voice/voice_pack.h"

static void make_pack(lt_voice_pack *p, int width) {
    memset(p, 0, sizeof *p);
    p->rows = LT_VOICE_ROWS;
    p->width = width;
    p->data = malloc(sizeof(float) * LT_VOICE_ROWS * (size_t)width);
    for (int i = 0; i < LT_VOICE_ROWS * width; i++) p->data[i] = (float)((i * 37) % 1001) / 997.0f - 0.5f;
}

static void test_roundtrip(void **state) {
    (void)state;
    lt_voice_pack p;
    make_pack(&p, 64);
    char path[] = "/tmp/lt-pack-writer-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    lt_err err;
    if (lt_pack_write_pt(&p, "combined", path, &err)) fail_msg("%s", err.msg);

    lt_tensor_set ts;
    memset(&ts, 0, sizeof ts);
    if (lt_pth_load(path, &ts, &err)) fail_msg("%s", err.msg);
    assert_int_equal(ts.count, 1);
    const lt_tensor *t = &ts.items[0];
    assert_int_equal(t->dtype, LT_F32);
    assert_int_equal(t->ndim, 3);
    assert_int_equal(t->shape[0], 510);
    assert_int_equal(t->shape[1], 1);
    assert_int_equal(t->shape[2], 64);
    assert_memory_equal(t->data, p.data, sizeof(float) * 510 * 64);
    lt_tensor_set_free(&ts);

    lt_voice_pack q;
    if (lt_voice_pack_load(path, NULL, 64, &q, &err)) fail_msg("%s", err.msg);
    assert_int_equal(q.rows, 510);
    assert_int_equal(q.width, 64);
    assert_memory_equal(q.data, p.data, sizeof(float) * 510 * 64);
    lt_voice_pack_free(&q);
    unlink(path);

    /* in memory, the default archive name */
    uint8_t *buf;
    size_t len;
    if (lt_pack_write_pt_mem(&p, NULL, &buf, &len, &err)) fail_msg("%s", err.msg);
    assert_true(len > 510 * 64 * 4);
    assert_memory_equal(buf, "PK\3\4", 4);
    memset(&ts, 0, sizeof ts);
    if (lt_pth_load_mem(buf, len, "mem", &ts, &err)) fail_msg("%s", err.msg);
    assert_int_equal(ts.count, 1);
    lt_tensor_set_free(&ts);
    free(buf);
    lt_voice_pack_free(&p);
}

static void test_bad_args(void **state) {
    (void)state;
    lt_voice_pack p;
    make_pack(&p, 8);
    uint8_t *buf;
    size_t len;
    lt_err err;
    assert_int_equal(lt_pack_write_pt_mem(&p, "../x", &buf, &len, &err), -1);
    assert_null(buf);
    lt_voice_pack empty = {0};
    assert_int_equal(lt_pack_write_pt_mem(&empty, "x", &buf, &len, &err), -1);
    assert_int_equal(lt_pack_write_pt(&p, "x", "/nonexistent-dir/x.pt", &err), -1);
    lt_voice_pack_free(&p);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roundtrip),
        cmocka_unit_test(test_bad_args),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
