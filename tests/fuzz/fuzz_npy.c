/* fuzz_npy.c — libFuzzer harness for the .npy reader and the .npz loader
 * (npy.c): every input is tried as both. */
#include <stddef.h>
#include <stdint.h>

#include "engine/npy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    lt_tensor_set set;
    lt_tensor_set_init(&set);
    lt_err err;
    (void)lt_npy_read_mem(data, size, "fuzz.npy", &set, "x", &err);
    (void)lt_npz_load_mem(data, size, "fuzz.npz", &set, &err);
    volatile uint8_t sink = 0;
    for (size_t i = 0; i < set.count; i++) {
        const lt_tensor *t = &set.items[i];
        if (t->nbytes) sink ^= ((const uint8_t *)t->data)[t->nbytes - 1];
    }
    (void)sink;
    lt_tensor_set_free(&set);
    return 0;
}
