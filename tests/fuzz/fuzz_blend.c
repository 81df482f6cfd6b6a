/* fuzz_blend.c — voice blend expressions (request input): any bytes give a
 * parse or a clear error, never a crash; a parse always holds valid names,
 * finite positive weights and at most the term limit. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "voice/blend.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *s = malloc(size + 1);
    if (!s) return 0;
    memcpy(s, data, size);
    s[size] = 0;
    lt_blend b;
    lt_err err;
    if (lt_blend_parse(s, 8, &b, &err) == 0) {
        if (b.n < 1 || b.n > 8) abort();
        for (int i = 0; i < b.n; i++)
            if (!lt_voice_name_valid(b.terms[i].name) || !(b.terms[i].weight > 0) || !isfinite(b.terms[i].weight))
                abort();
    }
    free(s);
    return 0;
}
