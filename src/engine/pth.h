/* pth.h — PyTorch checkpoint (.pth/.pt, torch.save's ZIP container) loader.
 *
 * Owns turning a torch.save archive into named, contiguous, owned tensors:
 * finds `<prefix>/data.pkl` (prefix = the archive's top folder: the file stem
 * in the old layout, "archive" in the newer one, which also has a `byteorder`
 * record that must say "little"), unpickles it with the restricted unpickler
 * (pickle.h), reads each storage from `<prefix>/data/<key>` and copies every
 * tensor out honouring storage_offset and strides (all validated against the
 * storage length). Dtypes are kept as stored (f32, f16, bf16, f64, i64, ...).
 *
 * Naming: nested dicts are joined with "." and a leading "module." is dropped
 * from every key, so the Kokoro checkpoint (a dict of five state dicts) gives
 * "decoder.generator.conv_post.weight_v"; a flat state dict gives its keys; a
 * pickle holding one tensor (a voice pack) gives one tensor named "".
 * Non-tensor leaves (ints, strings, None, lists, ...) are skipped. The legacy
 * pre-1.6 non-zip format is not supported (the error says so). */
#ifndef LT_ENGINE_PTH_H
#define LT_ENGINE_PTH_H

#include <stddef.h>

#include "core/error.h"
#include "engine/tensor.h"

/* Most dict levels walked below the root (the model file needs 2). */
#define LT_PTH_MAX_NESTING 8

/* Append the checkpoint's tensors to `out`; on failure nothing is added. */
int lt_pth_load(const char *path, lt_tensor_set *out, lt_err *err);
/* Same for an archive in memory; `what` names it in messages. */
int lt_pth_load_mem(const void *buf, size_t len, const char *what, lt_tensor_set *out, lt_err *err);

#endif
