/* fuzz_pth.c — libFuzzer harness for PyTorch checkpoint loading (pth.c): the
 * zip container, the unpickler and tensor materialisation together.
 *
 * Inputs that start with a zip signature are loaded as they are. Anything else
 * is taken as a data.pkl and wrapped, with fixed storage records "0" (48
 * bytes), "1" (8 bytes) and "2" (24 bytes) and a byteorder record, into a valid
 * archive first: mutations of a pickle inside a real zip would nearly always
 * just break its CRC, so this is what lets the fuzzer reach the offset/stride
 * checks. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "engine/pth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int add(zip_t *za, const char *name, const void *buf, size_t len) {
    zip_source_t *s = zip_source_buffer(za, buf, len, 0);
    if (!s) return -1;
    zip_int64_t idx = zip_file_add(za, name, s, ZIP_FL_OVERWRITE);
    if (idx < 0) {
        zip_source_free(s);
        return -1;
    }
    return zip_set_file_compression(za, (zip_uint64_t)idx, ZIP_CM_STORE, 0);
}

static uint8_t *wrap(const uint8_t *pkl, size_t n, size_t *out_len) {
    static const uint8_t storage[48] = {0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64,
                                        1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
                                        17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32};
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
    zip_error_fini(&ze);
    if (!src) return NULL;
    zip_source_keep(src);
    zip_t *za = zip_open_from_source(src, ZIP_TRUNCATE, NULL);
    uint8_t *buf = NULL;
    if (za) {
        int bad = add(za, "a/data.pkl", n ? pkl : (const uint8_t *)"", n) ||
                  add(za, "a/byteorder", "little", 6) || add(za, "a/data/0", storage, 48) ||
                  add(za, "a/data/1", storage, 8) || add(za, "a/data/2", storage, 24);
        if (bad || zip_close(za) != 0) {
            zip_discard(za);
            zip_source_free(src);
            return NULL;
        }
        if (zip_source_open(src) == 0) {
            zip_source_seek(src, 0, SEEK_END);
            zip_int64_t len = zip_source_tell(src);
            zip_source_seek(src, 0, SEEK_SET);
            if (len > 0 && (buf = malloc((size_t)len)) != NULL &&
                zip_source_read(src, buf, (zip_uint64_t)len) != len) {
                free(buf);
                buf = NULL;
            }
            *out_len = len > 0 ? (size_t)len : 0;
            zip_source_close(src);
        }
    }
    zip_source_free(src);
    return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    uint8_t *wrapped = NULL;
    if (!(size >= 4 && memcmp(data, "PK\x03\x04", 4) == 0)) {
        size_t len = 0;
        wrapped = wrap(data, size, &len);
        if (!wrapped) return 0;
        data = wrapped;
        size = len;
    }
    lt_tensor_set set;
    lt_tensor_set_init(&set);
    lt_err err;
    if (lt_pth_load_mem(data, size, "fuzz.pth", &set, &err) == 0) {
        /* first and last byte of every tensor must be readable */
        volatile uint8_t sink = 0;
        for (size_t i = 0; i < set.count; i++) {
            const lt_tensor *t = &set.items[i];
            if (t->nbytes)
                sink ^= ((const uint8_t *)t->data)[0] ^ ((const uint8_t *)t->data)[t->nbytes - 1];
        }
        (void)sink;
    }
    lt_tensor_set_free(&set);
    free(wrapped);
    return 0;
}
