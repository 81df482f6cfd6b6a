/* fuzz_gguf.c — libFuzzer harness for the native GGUF reader
 * (lt_gguf_load_mem) and what runs on a loaded set: expanding reduced
 * weights to f32 and folding weight norm. Seeds: tests/fuzz/corpus/gguf/. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "engine/gguf.h"
#include "engine/quant.h"
#include "engine/weight_norm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    lt_tensor_set s;
    lt_err err;
    char *config = NULL;
    if (lt_gguf_load_mem(data, size, "fuzz.gguf", &s, &config, &err) == 0) {
        volatile uint8_t sink = 0;
        for (size_t i = 0; i < s.count; i++) {
            const uint8_t *p = s.items[i].data;
            for (size_t k = 0; k < s.items[i].nbytes; k++) sink ^= p[k];
        }
        (void)sink;
        if (lt_set_to_f32(&s, &err) == 0) lt_fold_weight_norm(&s, &err);
        free(config);
        lt_tensor_set_free(&s);
    }
    return 0;
}
