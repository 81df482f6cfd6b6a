/* tensor.h — named, typed, n-dimensional arrays and sets of them.
 *
 * An lt_tensor is plain data: a name, a dtype, a shape (row-major, C order,
 * outermost first, exactly as PyTorch/NumPy print it) and a pointer to the
 * elements. A tensor set owns the tensors it holds: each tensor's `owned`
 * buffer is freed with the set; `data` points either into `owned` or into the
 * set's read-only file mapping (the native GGUF file), never elsewhere.
 *
 * Names of model weights follow the checkpoint: top-level entry + "." + key
 * without "module." (e.g. "decoder.generator.conv_post.weight_v"). */
#ifndef LT_ENGINE_TENSOR_H
#define LT_ENGINE_TENSOR_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

#define LT_MAX_DIMS 8
#define LT_MAX_NAME 160

typedef enum lt_dtype {
    LT_F32 = 0,
    LT_F16,
    LT_BF16,
    LT_Q8_0, /* blocks of 32 values: one f16 scale + 32 int8 (ggml Q8_0 layout, 34 bytes) */
    LT_F64,
    LT_I64,
    LT_I32,
    LT_I16,
    LT_I8,
    LT_U8,
    LT_BOOL,
    LT_DTYPE_COUNT
} lt_dtype;

typedef struct lt_tensor {
    char name[LT_MAX_NAME];
    lt_dtype dtype;
    int ndim;
    int64_t shape[LT_MAX_DIMS];
    void *data;   /* first element */
    size_t nbytes;
    void *owned;  /* malloc'd buffer freed with the set (NULL if data is in a mapping) */
} lt_tensor;

typedef struct lt_tensor_set {
    lt_tensor *items;
    size_t count, cap;
    void *mapping;      /* read-only mmap of the source file, or NULL */
    size_t mapping_len;
} lt_tensor_set;

const char *lt_dtype_name(lt_dtype t);          /* "f32", "f16", "q8_0", "i64", ... */
size_t lt_dtype_size(lt_dtype t);               /* bytes per element; 0 for block types */
int64_t lt_shape_numel(int ndim, const int64_t *shape);
/* bytes needed for numel elements of dtype (block types round up to whole blocks) */
size_t lt_dtype_bytes(lt_dtype t, int64_t numel);
/* "[510, 1, 256]" into buf */
const char *lt_shape_str(int ndim, const int64_t *shape, char *buf, size_t len);

void lt_tensor_set_init(lt_tensor_set *s);
void lt_tensor_set_free(lt_tensor_set *s);
/* Append a tensor; takes ownership of `owned` (may be NULL). Returns the
 * stored tensor, or NULL on allocation failure / name too long. */
lt_tensor *lt_tensor_set_add(lt_tensor_set *s, const char *name, lt_dtype dtype,
                             int ndim, const int64_t *shape, void *data,
                             size_t nbytes, void *owned);
lt_tensor *lt_tensor_set_find(const lt_tensor_set *s, const char *name);
/* Remove by index (frees its owned buffer); order of the rest is kept. */
void lt_tensor_set_remove(lt_tensor_set *s, size_t index);

#endif
