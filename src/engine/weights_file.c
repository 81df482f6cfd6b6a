/* weights_file.c — format detection and loading of model weights (see weights_file.h). */
#include "engine/weights_file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/gguf.h"
#include "engine/pth.h"
#include "engine/weight_norm.h"

int lt_weights_load(const char *path, lt_tensor_set *set, char **config_json_out, lt_err *err) {
    lt_tensor_set_init(set);
    if (config_json_out) *config_json_out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) return lt_fail(err, "%s: cannot open the model: %s", path, strerror(errno));
    unsigned char magic[4] = {0};
    size_t n = fread(magic, 1, 4, f);
    fclose(f);
    if (n == 4 && !memcmp(magic, "PK\x03\x04", 4)) {
        if (lt_pth_load(path, set, err)) {
            lt_tensor_set_free(set);
            return -1;
        }
        if (lt_fold_weight_norm(set, err)) {
            lt_tensor_set_free(set);
            return lt_fail_prefix(err, "%s", path);
        }
        return 0;
    }
    if (n == 4 && !memcmp(magic, "GGUF", 4)) {
        if (lt_gguf_load(path, set, config_json_out, err)) return -1;
        /* LiteTTS writes folded weights; fold any pair another writer left. */
        if (lt_fold_weight_norm(set, err)) {
            lt_tensor_set_free(set);
            if (config_json_out) {
                free(*config_json_out);
                *config_json_out = NULL;
            }
            return lt_fail_prefix(err, "%s", path);
        }
        return 0;
    }
    char shown[40] = "";
    size_t o = 0;
    for (size_t i = 0; i < n; i++)
        o += (size_t)snprintf(shown + o, sizeof shown - o, "%s%02x", i ? " " : "", magic[i]);
    return lt_fail(err, "%s: not a Kokoro model: the file starts with %s%s%s, expected a PyTorch "
                   "checkpoint (ZIP, \"PK\\x03\\x04\") or a LiteTTS GGUF file (\"GGUF\")", path,
                   n ? "bytes " : "", n ? shown : "no bytes (it is empty)",
                   n && n < 4 ? " (shorter than 4 bytes)" : "");
}
