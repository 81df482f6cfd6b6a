/* fuzz_settings.c — libFuzzer harness: arbitrary bytes as a `litetts serve`
 * JSON settings file, then as one environment value of every kind. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/settings.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    lt_settings s;
    lt_settings_init(&s);
    lt_err err;
    lt_settings_load_json(&s, (const char *)data, size, "fuzz.json", &err);
    char *d = lt_settings_dump(&s, 1);
    free(d);
    if (size < 512) {
        char v[600], e1[640], e2[640], e3[640];
        memcpy(v, data, size);
        v[size] = 0;
        snprintf(e1, sizeof e1, "LITETTS_PORT=%s", v);
        snprintf(e2, sizeof e2, "LITETTS_API_KEYS=%s", v);
        snprintf(e3, sizeof e3, "LITETTS_QUIET=%s", v);
        char *env[] = {e1, e2, e3, NULL};
        lt_settings_load_env(&s, env, &err);
    }
    lt_settings_free(&s);
    return 0;
}
