/* gguf.h — LiteTTS's native single-file model format: GGUF version 3
 * (the ggml container), written and read here.
 *
 * Layout (little-endian): "GGUF", u32 version 3, u64 tensor count, u64 KV
 * count, the KVs, the tensor infos (name, u32 n_dims, u64 dims innermost
 * first, u32 GGML type, u64 offset from the data section), zero padding to
 * the alignment, then the tensor data, each tensor starting on a multiple of
 * the alignment (64, also written as general.alignment) and padded to it.
 *
 * Metadata written:
 *   general.architecture   string  "kokoro"   (required on read)
 *   general.name           string  "kokoro"
 *   general.alignment      u32     64         (read: a power of two, 8..65536; 32 if absent)
 *   litetts.format_version u32     1          (required on read; other versions refused)
 *   litetts.weight_type    string  "f32" | "f16" | "bf16" | "q8_0"
 *   litetts.config_json    string  the model's whole config.json (required on read)
 * Other keys are skipped on read.
 *
 * Tensor types: GGML F32 (0), F16 (1), Q8_0 (8; 34-byte blocks of 32: f16
 * scale + 32 int8, blocks along rows of numel / shape[0] values, which must
 * be a multiple of 32 — see quant.h), BF16 (30). Shapes are our row-major
 * shapes reversed (GGUF lists dims innermost first); 1 to 4 dims. Note:
 * strict ggml readers require GGUF dim 0 (our innermost dim) to be a multiple
 * of 32 for Q8_0; LiteTTS only requires the whole row to be, so a Q8_0 conv
 * weight [out, in, k] is valid here and may be refused by ggml tools.
 *
 * Tensor names: GGUF limits names to 64 bytes and ALBERT's reach 79. The
 * writer applies this fixed list of abbreviations, the reader undoes it, so
 * a loaded set always carries checkpoint names:
 *   "bert.encoder.albert_layer_groups.<I>.albert_layers.<J>."  <->  "bert.layer.<I>.<J>."
 *   (<I>, <J>: decimal digits, kept verbatim)
 * It is a bijection because no checkpoint name starts with "bert.layer.";
 * the writer refuses names that do, and names still over 64 bytes.
 *
 * Reading validates everything (counts, string lengths, types, dims, sizes,
 * offsets, alignment, duplicate names), so a truncated or hostile file gives
 * an error naming the file and what is wrong, never a crash. */
#ifndef LT_ENGINE_GGUF_H
#define LT_ENGINE_GGUF_H

#include <stddef.h>

#include "core/error.h"
#include "engine/tensor.h"

#define LT_GGUF_VERSION 3
#define LT_GGUF_ALIGNMENT 64
#define LT_GGUF_FORMAT_VERSION 1 /* litetts.format_version */
#define LT_GGUF_MAX_NAME 64      /* bytes of a tensor name as stored */

/* Write `set` to `path` (through path.tmp, renamed when complete). Tensors
 * must be f32 / f16 / bf16 / q8_0 with 1..4 positive dims and nbytes matching
 * their shape. config_json is embedded as is; weight_type is "f32", "f16",
 * "bf16" or "q8_0" (describes the file; the tensors carry their own types).
 * progress (may be NULL) is called with (ud, tensors written, total). */
int lt_gguf_write(const char *path, const lt_tensor_set *set, const char *config_json,
                  const char *weight_type, void (*progress)(void *ud, size_t done, size_t total),
                  void *ud, lt_err *err);

/* Map `path` read-only and fill `out` (initialised here; empty on failure)
 * with tensors whose data points into the mapping (out->mapping). When
 * config_json_out is not NULL it receives a malloc'd copy of the embedded
 * config.json text (NUL-terminated; free it). */
int lt_gguf_load(const char *path, lt_tensor_set *out, char **config_json_out, lt_err *err);

/* The same from memory, copying every tensor (owned buffers); `what` names
 * the source in error messages. */
int lt_gguf_load_mem(const void *buf, size_t len, const char *what, lt_tensor_set *out,
                     char **config_json_out, lt_err *err);

/* The name abbreviation above: shorten for writing, expand after reading.
 * Both return 0, or -1 when the name cannot be mapped or does not fit cap. */
int lt_gguf_name_shorten(const char *name, char *out, size_t cap);
int lt_gguf_name_expand(const char *name, char *out, size_t cap);

#endif
