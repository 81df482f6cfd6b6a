/* fuzz_pickle.c — libFuzzer harness for the restricted unpickler (pickle.c):
 * any input must give a value tree or an error, never a crash or a leak. */
#include <stddef.h>
#include <stdint.h>

#include "engine/pickle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    lt_pickle p;
    lt_err err;
    if (lt_pickle_load(data, size, "fuzz.pkl", &p, &err) == 0) {
        /* touch the result the way pth.c does */
        if (p.root->kind == LT_PK_DICT) (void)lt_pk_dict_get(p.root, "module.weight");
        lt_pickle_free(&p);
    }
    return 0;
}
