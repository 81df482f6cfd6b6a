/* weights_file.h — opens a Kokoro weights file of either supported kind,
 * chosen by its first bytes (not its name):
 *   "PK\x03\x04"  a PyTorch checkpoint (kokoro-v1_0.pth): loaded with
 *                 lt_pth_load, then weight norm folded (lt_fold_weight_norm);
 *                 it has no config inside, so *config_json_out = NULL and the
 *                 caller reads config.json beside the model;
 *   "GGUF"        the native file (lt_gguf_load: mapped, already folded,
 *                 possibly f16/bf16/q8_0), with its embedded config.json
 *                 (weight_g / weight_v pairs left by another writer are
 *                 folded too; LiteTTS's own files have none). */
#ifndef LT_ENGINE_WEIGHTS_FILE_H
#define LT_ENGINE_WEIGHTS_FILE_H

#include "core/error.h"
#include "engine/tensor.h"

/* `set` is initialised here (pass an empty or uninitialised set); on failure
 * it is left empty. config_json_out may be NULL; otherwise it receives the
 * embedded config (malloc'd, free it) or NULL for a .pth. */
int lt_weights_load(const char *path, lt_tensor_set *set, char **config_json_out, lt_err *err);

#endif
