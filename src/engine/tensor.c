/* tensor.c — dtype facts and the tensor set container (see tensor.h). */
#include "engine/tensor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static const struct { const char *name; size_t size; } dtype_info[LT_DTYPE_COUNT] = {
    [LT_F32] = {"f32", 4},  [LT_F16] = {"f16", 2}, [LT_BF16] = {"bf16", 2},
    [LT_Q8_0] = {"q8_0", 0}, [LT_F64] = {"f64", 8}, [LT_I64] = {"i64", 8},
    [LT_I32] = {"i32", 4},  [LT_I16] = {"i16", 2}, [LT_I8] = {"i8", 1},
    [LT_U8] = {"u8", 1},    [LT_BOOL] = {"bool", 1},
};

const char *lt_dtype_name(lt_dtype t) {
    return (unsigned)t < LT_DTYPE_COUNT ? dtype_info[t].name : "invalid";
}

size_t lt_dtype_size(lt_dtype t) {
    return (unsigned)t < LT_DTYPE_COUNT ? dtype_info[t].size : 0;
}

int64_t lt_shape_numel(int ndim, const int64_t *shape) {
    int64_t n = 1;
    for (int i = 0; i < ndim; i++) n *= shape[i];
    return n;
}

size_t lt_dtype_bytes(lt_dtype t, int64_t numel) {
    if (t == LT_Q8_0) return (size_t)((numel + 31) / 32) * 34;
    return (size_t)numel * lt_dtype_size(t);
}

const char *lt_shape_str(int ndim, const int64_t *shape, char *buf, size_t len) {
    size_t off = 0;
    off += (size_t)snprintf(buf + off, off < len ? len - off : 0, "[");
    for (int i = 0; i < ndim; i++)
        off += (size_t)snprintf(buf + off, off < len ? len - off : 0, "%s%lld",
                                i ? ", " : "", (long long)shape[i]);
    snprintf(buf + off, off < len ? len - off : 0, "]");
    return buf;
}

void lt_tensor_set_init(lt_tensor_set *s) { memset(s, 0, sizeof *s); }

void lt_tensor_set_free(lt_tensor_set *s) {
    if (!s) return;
    for (size_t i = 0; i < s->count; i++) free(s->items[i].owned);
    free(s->items);
    if (s->mapping) munmap(s->mapping, s->mapping_len);
    memset(s, 0, sizeof *s);
}

lt_tensor *lt_tensor_set_add(lt_tensor_set *s, const char *name, lt_dtype dtype,
                             int ndim, const int64_t *shape, void *data,
                             size_t nbytes, void *owned) {
    if (strlen(name) >= LT_MAX_NAME || ndim < 0 || ndim > LT_MAX_DIMS) return NULL;
    if (s->count == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        lt_tensor *items = realloc(s->items, cap * sizeof *items);
        if (!items) return NULL;
        s->items = items;
        s->cap = cap;
    }
    lt_tensor *t = &s->items[s->count++];
    memset(t, 0, sizeof *t);
    strcpy(t->name, name);
    t->dtype = dtype;
    t->ndim = ndim;
    for (int i = 0; i < ndim; i++) t->shape[i] = shape[i];
    t->data = data;
    t->nbytes = nbytes;
    t->owned = owned;
    return t;
}

lt_tensor *lt_tensor_set_find(const lt_tensor_set *s, const char *name) {
    for (size_t i = 0; i < s->count; i++)
        if (strcmp(s->items[i].name, name) == 0) return &s->items[i];
    return NULL;
}

void lt_tensor_set_remove(lt_tensor_set *s, size_t index) {
    if (index >= s->count) return;
    free(s->items[index].owned);
    memmove(&s->items[index], &s->items[index + 1],
            (s->count - index - 1) * sizeof *s->items);
    s->count--;
}
