/* pickle.h — a small, restricted Python unpickler for PyTorch checkpoints.
 *
 * Owns the decoding of the `data.pkl` record that torch.save writes (protocol
 * 2; the opcodes of protocols 0-5 that such files can contain are accepted)
 * into a tree of plain values. It never calls anything: the only globals it
 * accepts are collections.OrderedDict, torch._utils._rebuild_tensor_v2 /
 * _rebuild_parameter / _rebuild_parameter_with_state, the torch storage classes
 * (torch.FloatStorage, ...) and torch dtype objects (torch.float32, ...). Every
 * other GLOBAL / STACK_GLOBAL is refused with an error naming it, e.g.
 * "data.pkl: unpickler: refused global 'os.system' at offset 2 ...".
 *
 * Tensors come out as LT_PK_TENSOR nodes that reference an LT_PK_STORAGE node
 * (the persistent id: dtype, record key, location, element count); reading the
 * storage bytes is the caller's job (see pth.c).
 *
 * Everything is bounded (LT_PK_MAX_*): input is never read past its end, and
 * truncated or malformed input gives an error, never a crash. The unpickler
 * keeps all state in the call; it is reentrant and thread-safe.
 *
 * The result may be a DAG (memo references share nodes) and even contain
 * cycles (a list appended to itself); walkers must bound their depth. All nodes
 * are owned by the lt_pickle and freed together by lt_pickle_free. */
#ifndef LT_ENGINE_PICKLE_H
#define LT_ENGINE_PICKLE_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "engine/tensor.h"

/* Limits (a real Kokoro-82M checkpoint needs ~10k objects, stack < 2k). */
#define LT_PK_MAX_OBJECTS   (1 << 20) /* values created in total */
#define LT_PK_MAX_MEMO      (1 << 20) /* highest memo index + 1 */
#define LT_PK_MAX_STACK     (1 << 20) /* entries on the value stack */
#define LT_PK_MAX_MARKS     256       /* outstanding MARKs */
#define LT_PK_MAX_DEPTH     64        /* nesting depth of containers at construction */
#define LT_PK_MAX_STRING    (1 << 20) /* bytes in one string / bytes object */
#define LT_PK_MAX_LINE      4096      /* text-protocol argument line */

typedef enum lt_pk_kind {
    LT_PK_NONE = 0,
    LT_PK_BOOL,
    LT_PK_INT,
    LT_PK_FLOAT,
    LT_PK_STR,     /* text (UTF-8 as stored) */
    LT_PK_BYTES,   /* bytes / bytearray / protocol-0 byte strings */
    LT_PK_TUPLE,
    LT_PK_LIST,
    LT_PK_DICT,    /* dict or OrderedDict; insertion order kept */
    LT_PK_GLOBAL,  /* one of the allowed globals (see lt_pk_global) */
    LT_PK_STORAGE, /* a persistent id ('storage', type, key, location, numel) */
    LT_PK_TENSOR,  /* result of _rebuild_tensor_v2 / _rebuild_parameter */
} lt_pk_kind;

typedef enum lt_pk_global {
    LT_PKG_ORDERED_DICT = 0,
    LT_PKG_REBUILD_TENSOR_V2,
    LT_PKG_REBUILD_PARAMETER,
    LT_PKG_REBUILD_PARAMETER_WITH_STATE,
    LT_PKG_STORAGE_CLASS, /* torch.FloatStorage ...; dtype set */
    LT_PKG_DTYPE,         /* torch.float32 ...; dtype set */
} lt_pk_global;

typedef struct lt_pk_value lt_pk_value;

struct lt_pk_value {
    lt_pk_kind kind;
    int depth; /* nesting depth when built (leaves 0) */
    union {
        int b;
        int64_t i;
        double f;
        struct { char *s; size_t len; } str;             /* STR, BYTES; NUL-terminated */
        struct { lt_pk_value **items; size_t count, cap; } seq; /* TUPLE, LIST */
        struct {
            lt_pk_value **keys, **vals;
            size_t count, cap;
            int ordered; /* 1 for collections.OrderedDict */
        } dict; /* duplicate keys are kept in order (the last one wins in Python) */
        struct { lt_pk_global which; lt_dtype dtype; } global;
        struct {
            lt_dtype dtype;
            char key[64];      /* record name under <prefix>/data/ */
            char location[32]; /* "cpu", "cuda:0", ... */
            int64_t numel;     /* elements in the storage */
        } storage;
        struct {
            lt_pk_value *storage; /* an LT_PK_STORAGE node */
            int64_t offset;       /* storage_offset, in elements */
            int ndim;
            int64_t shape[LT_MAX_DIMS];
            int64_t stride[LT_MAX_DIMS]; /* in elements */
        } tensor;
    } u;
};

typedef struct lt_pickle {
    lt_pk_value *root;   /* the object STOP returned */
    lt_pk_value **nodes; /* every node, for freeing */
    size_t count, cap;
} lt_pickle;

/* Unpickle buf[0..len). `what` names the input in messages ("model.pth:
 * kokoro/data.pkl"). On success fills *out (free with lt_pickle_free); on
 * failure returns -1, leaves *out empty and fills err. */
int lt_pickle_load(const void *buf, size_t len, const char *what, lt_pickle *out, lt_err *err);
void lt_pickle_free(lt_pickle *p);

/* Dictionary lookup by string key (the last matching entry), or NULL. */
const lt_pk_value *lt_pk_dict_get(const lt_pk_value *dict, const char *key);
const char *lt_pk_kind_name(lt_pk_kind k);

#endif
