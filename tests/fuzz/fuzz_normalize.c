/* fuzz_normalize.c — libFuzzer harness for the text normaliser
 * (text/normalize.h): arbitrary bytes through lt_normalize_map_n for a few
 * languages and option sets; the first byte picks them. Must never crash,
 * hang or leak; invalid UTF-8 must come back as an error. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "text/normalize.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const char langs[] = "abefhipjz";
    lt_normalize_options opt;
    lt_normalize_options_default(&opt);
    if (size) {
        opt.lang = langs[data[0] % 9];
        opt.groups = (data[0] & 0x80) ? LT_NORM_ALL : (LT_NORM_ALL & ~((unsigned)data[0] << 3));
        data++;
        size--;
    }
    lt_norm_result r;
    lt_err err;
    if (lt_normalize_map_n((const char *)data, size, &opt, &r, &err) == 0) {
        size_t a, b;
        if (r.len) (void)lt_norm_result_source(&r, 0, r.len, &a, &b);
        lt_norm_result_free(&r);
    }
    /* the NUL-terminated entry point as well */
    char *s = malloc(size + 1);
    if (!s) return 0;
    for (size_t k = 0; k < size; k++) s[k] = (char)data[k];
    s[size] = 0;
    char *out = NULL;
    if (lt_normalize(s, NULL, &out, &err) == 0) free(out);
    free(s);
    return 0;
}
