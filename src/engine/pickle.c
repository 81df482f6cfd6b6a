/* pickle.c — the restricted unpickler for torch.save's data.pkl (see pickle.h).
 *
 * A straight interpreter of the pickle virtual machine: a value stack, a list
 * of MARK positions (Python's metastack), a memo, and a dispatch on one opcode
 * at a time. Globals are resolved against a fixed allow-list and never called:
 * REDUCE on an allowed callable builds the corresponding plain value here. */
#include "engine/pickle.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct pk_state {
    const uint8_t *p;
    size_t len, pos;
    size_t op_pos; /* offset of the opcode being executed */
    uint8_t op;
    const char *what;
    lt_err *err;
    lt_pickle *out;
    lt_pk_value **stack;
    size_t sp, scap;
    size_t marks[LT_PK_MAX_MARKS];
    int nmarks;
    lt_pk_value **memo;
    size_t memo_cap, memo_count;
} pk_state;

const char *lt_pk_kind_name(lt_pk_kind k) {
    switch (k) {
    case LT_PK_NONE: return "None";
    case LT_PK_BOOL: return "bool";
    case LT_PK_INT: return "int";
    case LT_PK_FLOAT: return "float";
    case LT_PK_STR: return "str";
    case LT_PK_BYTES: return "bytes";
    case LT_PK_TUPLE: return "tuple";
    case LT_PK_LIST: return "list";
    case LT_PK_DICT: return "dict";
    case LT_PK_GLOBAL: return "global";
    case LT_PK_STORAGE: return "storage";
    case LT_PK_TENSOR: return "tensor";
    }
    return "invalid";
}

static int pk_fail(pk_state *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int pk_fail(pk_state *st, const char *fmt, ...) {
    char msg[700];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return lt_fail(st->err, "%s: unpickler: %s (opcode 0x%02x at offset %zu)", st->what, msg,
                   st->op, st->op_pos);
}

/* ---- nodes ---------------------------------------------------------------- */

static lt_pk_value *pk_new(pk_state *st, lt_pk_kind kind) {
    lt_pickle *o = st->out;
    if (o->count >= LT_PK_MAX_OBJECTS) {
        pk_fail(st, "more than %d objects; refusing to go on", LT_PK_MAX_OBJECTS);
        return NULL;
    }
    if (o->count == o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 256;
        lt_pk_value **n = realloc(o->nodes, cap * sizeof *n);
        if (!n) {
            pk_fail(st, "out of memory");
            return NULL;
        }
        o->nodes = n;
        o->cap = cap;
    }
    lt_pk_value *v = calloc(1, sizeof *v);
    if (!v) {
        pk_fail(st, "out of memory");
        return NULL;
    }
    v->kind = kind;
    o->nodes[o->count++] = v;
    return v;
}

static void pk_node_free(lt_pk_value *v) {
    switch (v->kind) {
    case LT_PK_STR:
    case LT_PK_BYTES: free(v->u.str.s); break;
    case LT_PK_TUPLE:
    case LT_PK_LIST: free(v->u.seq.items); break;
    case LT_PK_DICT:
        free(v->u.dict.keys);
        free(v->u.dict.vals);
        break;
    default: break;
    }
    free(v);
}

void lt_pickle_free(lt_pickle *p) {
    if (!p) return;
    for (size_t i = 0; i < p->count; i++) pk_node_free(p->nodes[i]);
    free(p->nodes);
    memset(p, 0, sizeof *p);
}

static int pk_depth_ok(pk_state *st, lt_pk_value *container, const lt_pk_value *child) {
    if (child->depth + 1 > container->depth) {
        if (child->depth + 1 > LT_PK_MAX_DEPTH)
            return pk_fail(st, "containers nested deeper than %d levels", LT_PK_MAX_DEPTH);
        container->depth = child->depth + 1;
    }
    return 0;
}

static int pk_seq_push(pk_state *st, lt_pk_value *seq, lt_pk_value *item) {
    if (pk_depth_ok(st, seq, item)) return -1;
    if (seq->u.seq.count == seq->u.seq.cap) {
        size_t cap = seq->u.seq.cap ? seq->u.seq.cap * 2 : 4;
        lt_pk_value **n = realloc(seq->u.seq.items, cap * sizeof *n);
        if (!n) return pk_fail(st, "out of memory");
        seq->u.seq.items = n;
        seq->u.seq.cap = cap;
    }
    seq->u.seq.items[seq->u.seq.count++] = item;
    return 0;
}

static int pk_dict_set(pk_state *st, lt_pk_value *d, lt_pk_value *k, lt_pk_value *v) {
    if (pk_depth_ok(st, d, k) || pk_depth_ok(st, d, v)) return -1;
    if (d->u.dict.count == d->u.dict.cap) {
        size_t cap = d->u.dict.cap ? d->u.dict.cap * 2 : 8;
        lt_pk_value **nk = realloc(d->u.dict.keys, cap * sizeof *nk);
        if (!nk) return pk_fail(st, "out of memory");
        d->u.dict.keys = nk;
        lt_pk_value **nv = realloc(d->u.dict.vals, cap * sizeof *nv);
        if (!nv) return pk_fail(st, "out of memory");
        d->u.dict.vals = nv;
        d->u.dict.cap = cap;
    }
    d->u.dict.keys[d->u.dict.count] = k;
    d->u.dict.vals[d->u.dict.count] = v;
    d->u.dict.count++;
    return 0;
}

const lt_pk_value *lt_pk_dict_get(const lt_pk_value *dict, const char *key) {
    if (!dict || dict->kind != LT_PK_DICT) return NULL;
    size_t klen = strlen(key);
    for (size_t i = dict->u.dict.count; i-- > 0;) {
        const lt_pk_value *k = dict->u.dict.keys[i];
        if (k->kind == LT_PK_STR && k->u.str.len == klen && memcmp(k->u.str.s, key, klen) == 0)
            return dict->u.dict.vals[i];
    }
    return NULL;
}

/* ---- stack ---------------------------------------------------------------- */

static size_t pk_base(const pk_state *st) { return st->nmarks ? st->marks[st->nmarks - 1] : 0; }

static int pk_push(pk_state *st, lt_pk_value *v) {
    if (!v) return -1;
    if (st->sp >= LT_PK_MAX_STACK)
        return pk_fail(st, "value stack deeper than %d entries", LT_PK_MAX_STACK);
    if (st->sp == st->scap) {
        size_t cap = st->scap ? st->scap * 2 : 64;
        lt_pk_value **n = realloc(st->stack, cap * sizeof *n);
        if (!n) return pk_fail(st, "out of memory");
        st->stack = n;
        st->scap = cap;
    }
    st->stack[st->sp++] = v;
    return 0;
}

static lt_pk_value *pk_pop(pk_state *st) {
    if (st->sp <= pk_base(st)) {
        pk_fail(st, "stack underflow");
        return NULL;
    }
    return st->stack[--st->sp];
}

static lt_pk_value *pk_top(pk_state *st) {
    if (st->sp <= pk_base(st)) {
        pk_fail(st, "stack underflow");
        return NULL;
    }
    return st->stack[st->sp - 1];
}

/* Pop everything above the last MARK: items are st->stack[*first .. *first + *n). */
static int pk_pop_mark(pk_state *st, size_t *first, size_t *n) {
    if (st->nmarks == 0) return pk_fail(st, "no MARK on the stack");
    size_t m = st->marks[--st->nmarks];
    *first = m;
    *n = st->sp - m;
    st->sp = m; /* entries stay readable until the next push */
    return 0;
}

/* ---- input ---------------------------------------------------------------- */

static int pk_need(pk_state *st, size_t n) {
    if (st->len - st->pos < n)
        return pk_fail(st, "truncated input: needs %zu more bytes, %zu left", n, st->len - st->pos);
    return 0;
}

static uint64_t pk_le(const uint8_t *b, int n) {
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--) v = (v << 8) | b[i];
    return v;
}

/* A newline-terminated argument of the text protocol; *line is not
 * NUL-terminated, *n excludes the newline. */
static int pk_line(pk_state *st, const char **line, size_t *n) {
    size_t avail = st->len - st->pos;
    size_t lim = avail < LT_PK_MAX_LINE ? avail : LT_PK_MAX_LINE;
    const uint8_t *s = st->p + st->pos;
    const uint8_t *nl = memchr(s, '\n', lim);
    if (!nl) {
        if (lim == avail) return pk_fail(st, "truncated input: text argument without newline");
        return pk_fail(st, "text argument longer than %d bytes", LT_PK_MAX_LINE);
    }
    *line = (const char *)s;
    *n = (size_t)(nl - s);
    st->pos += *n + 1;
    return 0;
}

static int pk_parse_int(pk_state *st, const char *line, size_t n, int64_t *out) {
    char buf[64];
    if (n > 0 && line[n - 1] == 'L') n--; /* protocol-0 long */
    if (n == 0 || n >= sizeof buf) return pk_fail(st, "bad integer literal");
    memcpy(buf, line, n);
    buf[n] = 0;
    char *end;
    errno = 0;
    long long v = strtoll(buf, &end, 10);
    if (*end != 0) return pk_fail(st, "bad integer literal '%s'", buf);
    if (errno == ERANGE) return pk_fail(st, "integer literal '%s' does not fit in 64 bits", buf);
    *out = v;
    return 0;
}

/* ---- values --------------------------------------------------------------- */

static int pk_push_int(pk_state *st, int64_t v) {
    lt_pk_value *x = pk_new(st, LT_PK_INT);
    if (!x) return -1;
    x->u.i = v;
    return pk_push(st, x);
}

static int pk_push_bool(pk_state *st, int b) {
    lt_pk_value *x = pk_new(st, LT_PK_BOOL);
    if (!x) return -1;
    x->u.b = b;
    return pk_push(st, x);
}

static int pk_push_bytes(pk_state *st, lt_pk_kind kind, const void *src, uint64_t n) {
    if (n > LT_PK_MAX_STRING)
        return pk_fail(st, "string of %llu bytes exceeds the limit of %d", (unsigned long long)n,
                       LT_PK_MAX_STRING);
    lt_pk_value *x = pk_new(st, kind);
    if (!x) return -1;
    x->u.str.s = malloc((size_t)n + 1);
    if (!x->u.str.s) return pk_fail(st, "out of memory");
    memcpy(x->u.str.s, src, (size_t)n);
    x->u.str.s[n] = 0;
    x->u.str.len = (size_t)n;
    return pk_push(st, x);
}

/* Length-prefixed string/bytes: the length field is nbytes wide. */
static int pk_counted(pk_state *st, lt_pk_kind kind, int nbytes, int is_signed) {
    if (pk_need(st, (size_t)nbytes)) return -1;
    uint64_t n = pk_le(st->p + st->pos, nbytes);
    if (is_signed && nbytes == 4 && (n & 0x80000000u)) return pk_fail(st, "negative string length");
    st->pos += (size_t)nbytes;
    if (n > LT_PK_MAX_STRING)
        return pk_fail(st, "string of %llu bytes exceeds the limit of %d", (unsigned long long)n,
                       LT_PK_MAX_STRING);
    if (pk_need(st, (size_t)n)) return -1;
    const uint8_t *src = st->p + st->pos;
    st->pos += (size_t)n;
    return pk_push_bytes(st, kind, src, n);
}

static lt_pk_value *pk_tuple_from(pk_state *st, lt_pk_value **items, size_t n) {
    lt_pk_value *t = pk_new(st, LT_PK_TUPLE);
    if (!t) return NULL;
    for (size_t i = 0; i < n; i++)
        if (pk_seq_push(st, t, items[i])) return NULL;
    return t;
}

/* ---- memo ----------------------------------------------------------------- */

static int pk_memo_put(pk_state *st, uint64_t idx) {
    lt_pk_value *v = pk_top(st);
    if (!v) return -1;
    if (idx >= LT_PK_MAX_MEMO)
        return pk_fail(st, "memo index %llu exceeds the limit of %d", (unsigned long long)idx,
                       LT_PK_MAX_MEMO);
    if (idx >= st->memo_cap) {
        size_t cap = st->memo_cap ? st->memo_cap : 64;
        while (cap <= idx) cap *= 2;
        lt_pk_value **n = realloc(st->memo, cap * sizeof *n);
        if (!n) return pk_fail(st, "out of memory");
        memset(n + st->memo_cap, 0, (cap - st->memo_cap) * sizeof *n);
        st->memo = n;
        st->memo_cap = cap;
    }
    if (!st->memo[idx]) st->memo_count++;
    st->memo[idx] = v;
    return 0;
}

static int pk_memo_get(pk_state *st, uint64_t idx) {
    if (idx >= st->memo_cap || !st->memo[idx])
        return pk_fail(st, "memo entry %llu was never stored", (unsigned long long)idx);
    return pk_push(st, st->memo[idx]);
}

/* ---- globals -------------------------------------------------------------- */

static const struct { const char *name; lt_dtype dtype; } pk_storages[] = {
    {"FloatStorage", LT_F32},  {"HalfStorage", LT_F16},  {"BFloat16Storage", LT_BF16},
    {"DoubleStorage", LT_F64}, {"LongStorage", LT_I64},  {"IntStorage", LT_I32},
    {"ShortStorage", LT_I16},  {"CharStorage", LT_I8},   {"ByteStorage", LT_U8},
    {"BoolStorage", LT_BOOL},
};

static const struct { const char *name; lt_dtype dtype; } pk_dtypes[] = {
    {"float32", LT_F32}, {"float", LT_F32},  {"float16", LT_F16}, {"half", LT_F16},
    {"bfloat16", LT_BF16}, {"float64", LT_F64}, {"double", LT_F64}, {"int64", LT_I64},
    {"long", LT_I64},    {"int32", LT_I32},  {"int", LT_I32},     {"int16", LT_I16},
    {"short", LT_I16},   {"int8", LT_I8},    {"uint8", LT_U8},    {"bool", LT_BOOL},
};

static int pk_global(pk_state *st, const char *mod, size_t mlen, const char *name, size_t nlen) {
    char m[128], n[128];
    if (mlen >= sizeof m || nlen >= sizeof n || memchr(mod, 0, mlen) || memchr(name, 0, nlen))
        return pk_fail(st, "refused global with an overlong or malformed name");
    memcpy(m, mod, mlen);
    m[mlen] = 0;
    memcpy(n, name, nlen);
    n[nlen] = 0;
    lt_pk_global which = LT_PKG_ORDERED_DICT;
    lt_dtype dtype = LT_F32;
    int found = 0;
    if (strcmp(m, "collections") == 0 && strcmp(n, "OrderedDict") == 0) {
        which = LT_PKG_ORDERED_DICT;
        found = 1;
    } else if (strcmp(m, "torch._utils") == 0) {
        if (strcmp(n, "_rebuild_tensor_v2") == 0) which = LT_PKG_REBUILD_TENSOR_V2, found = 1;
        else if (strcmp(n, "_rebuild_parameter") == 0) which = LT_PKG_REBUILD_PARAMETER, found = 1;
        else if (strcmp(n, "_rebuild_parameter_with_state") == 0)
            which = LT_PKG_REBUILD_PARAMETER_WITH_STATE, found = 1;
    } else if (strcmp(m, "torch") == 0) {
        for (size_t i = 0; !found && i < sizeof pk_storages / sizeof *pk_storages; i++)
            if (strcmp(n, pk_storages[i].name) == 0)
                which = LT_PKG_STORAGE_CLASS, dtype = pk_storages[i].dtype, found = 1;
        for (size_t i = 0; !found && i < sizeof pk_dtypes / sizeof *pk_dtypes; i++)
            if (strcmp(n, pk_dtypes[i].name) == 0)
                which = LT_PKG_DTYPE, dtype = pk_dtypes[i].dtype, found = 1;
    }
    if (!found)
        return pk_fail(st,
                       "refused global '%s.%s' (only torch tensor/storage rebuilders, torch dtypes "
                       "and collections.OrderedDict are allowed)",
                       m, n);
    lt_pk_value *g = pk_new(st, LT_PK_GLOBAL);
    if (!g) return -1;
    g->u.global.which = which;
    g->u.global.dtype = dtype;
    return pk_push(st, g);
}

static const char *pk_global_name(const lt_pk_value *g) {
    switch (g->u.global.which) {
    case LT_PKG_ORDERED_DICT: return "collections.OrderedDict";
    case LT_PKG_REBUILD_TENSOR_V2: return "torch._utils._rebuild_tensor_v2";
    case LT_PKG_REBUILD_PARAMETER: return "torch._utils._rebuild_parameter";
    case LT_PKG_REBUILD_PARAMETER_WITH_STATE: return "torch._utils._rebuild_parameter_with_state";
    case LT_PKG_STORAGE_CLASS: return "a torch storage class";
    case LT_PKG_DTYPE: return "a torch dtype";
    }
    return "?";
}

/* ---- REDUCE / persistent ids ---------------------------------------------- */

static int pk_int_tuple(pk_state *st, const lt_pk_value *t, const char *what, int64_t *out, int *n) {
    if (t->kind != LT_PK_TUPLE)
        return pk_fail(st, "_rebuild_tensor_v2: %s is a %s, expected a tuple", what,
                       lt_pk_kind_name(t->kind));
    if (t->u.seq.count > LT_MAX_DIMS)
        return pk_fail(st, "_rebuild_tensor_v2: %s has %zu dimensions, at most %d are supported",
                       what, t->u.seq.count, LT_MAX_DIMS);
    for (size_t i = 0; i < t->u.seq.count; i++) {
        const lt_pk_value *x = t->u.seq.items[i];
        if (x->kind != LT_PK_INT || x->u.i < 0)
            return pk_fail(st, "_rebuild_tensor_v2: %s[%zu] is not a non-negative int", what, i);
        out[i] = x->u.i;
    }
    *n = (int)t->u.seq.count;
    return 0;
}

static int pk_rebuild_tensor(pk_state *st, const lt_pk_value *args) {
    size_t n = args->u.seq.count;
    if (n != 6 && n != 7)
        return pk_fail(st, "_rebuild_tensor_v2 called with %zu arguments, expected 6 or 7", n);
    lt_pk_value **a = args->u.seq.items;
    if (a[0]->kind != LT_PK_STORAGE)
        return pk_fail(st, "_rebuild_tensor_v2: first argument is a %s, expected a storage",
                       lt_pk_kind_name(a[0]->kind));
    if (a[1]->kind != LT_PK_INT || a[1]->u.i < 0)
        return pk_fail(st, "_rebuild_tensor_v2: storage_offset is not a non-negative int");
    lt_pk_value *t = pk_new(st, LT_PK_TENSOR);
    if (!t) return -1;
    int nd_size, nd_stride;
    if (pk_int_tuple(st, a[2], "size", t->u.tensor.shape, &nd_size) ||
        pk_int_tuple(st, a[3], "stride", t->u.tensor.stride, &nd_stride))
        return -1;
    if (nd_size != nd_stride)
        return pk_fail(st, "_rebuild_tensor_v2: size has %d dimensions but stride has %d", nd_size,
                       nd_stride);
    if (a[4]->kind != LT_PK_BOOL && a[4]->kind != LT_PK_INT)
        return pk_fail(st, "_rebuild_tensor_v2: requires_grad is a %s", lt_pk_kind_name(a[4]->kind));
    if (a[5]->kind != LT_PK_DICT && a[5]->kind != LT_PK_NONE)
        return pk_fail(st, "_rebuild_tensor_v2: backward_hooks is a %s", lt_pk_kind_name(a[5]->kind));
    if (a[5]->kind == LT_PK_DICT && a[5]->u.dict.count)
        return pk_fail(st, "_rebuild_tensor_v2: non-empty backward_hooks are not supported");
    t->u.tensor.storage = a[0];
    t->u.tensor.offset = a[1]->u.i;
    t->u.tensor.ndim = nd_size;
    return pk_push(st, t);
}

static int pk_reduce(pk_state *st, lt_pk_value *fn, lt_pk_value *args) {
    if (fn->kind != LT_PK_GLOBAL)
        return pk_fail(st, "REDUCE on a %s, which is not callable", lt_pk_kind_name(fn->kind));
    if (args->kind != LT_PK_TUPLE)
        return pk_fail(st, "REDUCE arguments are a %s, expected a tuple", lt_pk_kind_name(args->kind));
    size_t n = args->u.seq.count;
    switch (fn->u.global.which) {
    case LT_PKG_ORDERED_DICT: {
        if (n != 0) return pk_fail(st, "collections.OrderedDict called with arguments");
        lt_pk_value *d = pk_new(st, LT_PK_DICT);
        if (!d) return -1;
        d->u.dict.ordered = 1;
        return pk_push(st, d);
    }
    case LT_PKG_REBUILD_TENSOR_V2: return pk_rebuild_tensor(st, args);
    case LT_PKG_REBUILD_PARAMETER:
    case LT_PKG_REBUILD_PARAMETER_WITH_STATE: {
        size_t want = fn->u.global.which == LT_PKG_REBUILD_PARAMETER ? 3 : 4;
        if (n != want)
            return pk_fail(st, "%s called with %zu arguments, expected %zu", pk_global_name(fn), n,
                           want);
        if (args->u.seq.items[0]->kind != LT_PK_TENSOR)
            return pk_fail(st, "%s: data is a %s, expected a tensor", pk_global_name(fn),
                           lt_pk_kind_name(args->u.seq.items[0]->kind));
        return pk_push(st, args->u.seq.items[0]);
    }
    default: return pk_fail(st, "calling %s is not allowed", pk_global_name(fn));
    }
}

static int pk_persid(pk_state *st) {
    lt_pk_value *pid = pk_pop(st);
    if (!pid) return -1;
    if (pid->kind != LT_PK_TUPLE || pid->u.seq.count != 5)
        return pk_fail(st, "persistent id is not a 5-tuple ('storage', type, key, location, numel)");
    lt_pk_value **a = pid->u.seq.items;
    if (a[0]->kind != LT_PK_STR || strcmp(a[0]->u.str.s, "storage") != 0)
        return pk_fail(st, "persistent id does not start with 'storage'");
    if (a[1]->kind != LT_PK_GLOBAL || (a[1]->u.global.which != LT_PKG_STORAGE_CLASS &&
                                       a[1]->u.global.which != LT_PKG_DTYPE))
        return pk_fail(st, "persistent id: storage type is not a torch storage class or dtype");
    if (a[2]->kind != LT_PK_STR || a[2]->u.str.len == 0 || a[2]->u.str.len >= 64 ||
        strlen(a[2]->u.str.s) != a[2]->u.str.len)
        return pk_fail(st, "persistent id: storage key is not a short string");
    for (size_t i = 0; i < a[2]->u.str.len; i++) {
        char c = a[2]->u.str.s[i];
        if (c == '/' || c == '\\' || (unsigned char)c < 0x20)
            return pk_fail(st, "persistent id: storage key '%s' contains a path separator or "
                               "control character", a[2]->u.str.s);
    }
    if (a[3]->kind != LT_PK_STR || a[3]->u.str.len >= 32)
        return pk_fail(st, "persistent id: location is not a short string");
    if (a[4]->kind != LT_PK_INT || a[4]->u.i < 0)
        return pk_fail(st, "persistent id: numel is not a non-negative int");
    lt_pk_value *s = pk_new(st, LT_PK_STORAGE);
    if (!s) return -1;
    s->u.storage.dtype = a[1]->u.global.dtype;
    memcpy(s->u.storage.key, a[2]->u.str.s, a[2]->u.str.len + 1);
    snprintf(s->u.storage.location, sizeof s->u.storage.location, "%s", a[3]->u.str.s);
    s->u.storage.numel = a[4]->u.i;
    return pk_push(st, s);
}

/* ---- the interpreter ------------------------------------------------------ */

static int pk_run(pk_state *st) {
    for (;;) {
        if (st->pos >= st->len) {
            st->op_pos = st->pos;
            return pk_fail(st, "truncated input: ended before the STOP opcode");
        }
        st->op_pos = st->pos;
        st->op = st->p[st->pos++];
        const char *line = NULL;
        size_t ln = 0, first = 0, n = 0;
        lt_pk_value *a, *b, *c;
        switch (st->op) {
        case 0x80: /* PROTO */
            if (pk_need(st, 1)) return -1;
            if (st->p[st->pos] > 5) return pk_fail(st, "unsupported pickle protocol %d", st->p[st->pos]);
            st->pos++;
            break;
        case 0x95: /* FRAME: framing is only a read-ahead hint */
            if (pk_need(st, 8)) return -1;
            st->pos += 8;
            break;
        case '.': /* STOP */
            if (!(a = pk_pop(st))) return -1;
            st->out->root = a;
            return 0;
        case '(': /* MARK */
            if (st->nmarks >= LT_PK_MAX_MARKS)
                return pk_fail(st, "more than %d nested MARKs", LT_PK_MAX_MARKS);
            st->marks[st->nmarks++] = st->sp;
            break;
        case '0': /* POP */
            if (st->sp > pk_base(st)) st->sp--;
            else if (pk_pop_mark(st, &first, &n)) return -1;
            break;
        case '1': /* POP_MARK */
            if (pk_pop_mark(st, &first, &n)) return -1;
            break;
        case '2': /* DUP */
            if (!(a = pk_top(st)) || pk_push(st, a)) return -1;
            break;

        /* numbers */
        case 'I': { /* INT (also I01 / I00 booleans) */
            if (pk_line(st, &line, &ln)) return -1;
            if (ln == 2 && line[0] == '0' && (line[1] == '0' || line[1] == '1')) {
                if (pk_push_bool(st, line[1] == '1')) return -1;
                break;
            }
            int64_t v;
            if (pk_parse_int(st, line, ln, &v) || pk_push_int(st, v)) return -1;
            break;
        }
        case 'L': { /* LONG */
            int64_t v;
            if (pk_line(st, &line, &ln) || pk_parse_int(st, line, ln, &v) || pk_push_int(st, v))
                return -1;
            break;
        }
        case 'J': /* BININT */
            if (pk_need(st, 4)) return -1;
            if (pk_push_int(st, (int32_t)(uint32_t)pk_le(st->p + st->pos, 4))) return -1;
            st->pos += 4;
            break;
        case 'K': /* BININT1 */
            if (pk_need(st, 1)) return -1;
            if (pk_push_int(st, st->p[st->pos])) return -1;
            st->pos += 1;
            break;
        case 'M': /* BININT2 */
            if (pk_need(st, 2)) return -1;
            if (pk_push_int(st, (int64_t)pk_le(st->p + st->pos, 2))) return -1;
            st->pos += 2;
            break;
        case 0x8a:   /* LONG1 */
        case 0x8b: { /* LONG4 */
            int w = st->op == 0x8a ? 1 : 4;
            if (pk_need(st, (size_t)w)) return -1;
            uint64_t nb = pk_le(st->p + st->pos, w);
            st->pos += (size_t)w;
            if (nb > 8) return pk_fail(st, "integer of %llu bytes does not fit in 64 bits",
                                       (unsigned long long)nb);
            if (pk_need(st, (size_t)nb)) return -1;
            uint64_t u = pk_le(st->p + st->pos, (int)nb);
            if (nb > 0 && nb < 8 && (st->p[st->pos + nb - 1] & 0x80)) u |= ~0ull << (8 * nb);
            st->pos += (size_t)nb;
            if (pk_push_int(st, (int64_t)u)) return -1;
            break;
        }
        case 'F': { /* FLOAT */
            char buf[128];
            if (pk_line(st, &line, &ln)) return -1;
            if (ln == 0 || ln >= sizeof buf) return pk_fail(st, "bad float literal");
            memcpy(buf, line, ln);
            buf[ln] = 0;
            char *end;
            double d = strtod(buf, &end);
            if (*end) return pk_fail(st, "bad float literal '%s'", buf);
            if (!(a = pk_new(st, LT_PK_FLOAT))) return -1;
            a->u.f = d;
            if (pk_push(st, a)) return -1;
            break;
        }
        case 'G': { /* BINFLOAT: big-endian IEEE double */
            if (pk_need(st, 8)) return -1;
            uint64_t u = 0;
            for (int i = 0; i < 8; i++) u = (u << 8) | st->p[st->pos + (size_t)i];
            st->pos += 8;
            double d;
            memcpy(&d, &u, sizeof d);
            if (!(a = pk_new(st, LT_PK_FLOAT))) return -1;
            a->u.f = d;
            if (pk_push(st, a)) return -1;
            break;
        }

        /* strings */
        case 'S':   /* STRING: quoted, protocol 0 */
        case 'V': { /* UNICODE: raw-unicode-escape, protocol 0 */
            if (pk_line(st, &line, &ln)) return -1;
            if (st->op == 'S') {
                if (ln < 2 || (line[0] != '\'' && line[0] != '"') || line[ln - 1] != line[0])
                    return pk_fail(st, "STRING argument is not quoted");
                line++;
                ln -= 2;
            }
            if (memchr(line, '\\', ln))
                return pk_fail(st, "escaped text-protocol strings are not supported");
            if (pk_push_bytes(st, LT_PK_STR, line, ln)) return -1;
            break;
        }
        case 'T': if (pk_counted(st, LT_PK_STR, 4, 1)) return -1; break;   /* BINSTRING */
        case 'U': if (pk_counted(st, LT_PK_STR, 1, 0)) return -1; break;   /* SHORT_BINSTRING */
        case 'X': if (pk_counted(st, LT_PK_STR, 4, 0)) return -1; break;   /* BINUNICODE */
        case 0x8c: if (pk_counted(st, LT_PK_STR, 1, 0)) return -1; break;  /* SHORT_BINUNICODE */
        case 0x8d: if (pk_counted(st, LT_PK_STR, 8, 0)) return -1; break;  /* BINUNICODE8 */
        case 'B': if (pk_counted(st, LT_PK_BYTES, 4, 0)) return -1; break; /* BINBYTES */
        case 'C': if (pk_counted(st, LT_PK_BYTES, 1, 0)) return -1; break; /* SHORT_BINBYTES */
        case 0x8e: if (pk_counted(st, LT_PK_BYTES, 8, 0)) return -1; break; /* BINBYTES8 */
        case 0x96: if (pk_counted(st, LT_PK_BYTES, 8, 0)) return -1; break; /* BYTEARRAY8 */

        /* constants */
        case 'N': if (pk_push(st, pk_new(st, LT_PK_NONE))) return -1; break;
        case 0x88: if (pk_push_bool(st, 1)) return -1; break; /* NEWTRUE */
        case 0x89: if (pk_push_bool(st, 0)) return -1; break; /* NEWFALSE */

        /* tuples */
        case ')': if (pk_push(st, pk_new(st, LT_PK_TUPLE))) return -1; break;
        case 't': /* TUPLE */
            if (pk_pop_mark(st, &first, &n)) return -1;
            if (pk_push(st, pk_tuple_from(st, n ? st->stack + first : NULL, n))) return -1;
            break;
        case 0x85: /* TUPLE1 */
        case 0x86: /* TUPLE2 */
        case 0x87: { /* TUPLE3 */
            n = (size_t)(st->op - 0x84);
            if (st->sp - pk_base(st) < n) return pk_fail(st, "stack underflow");
            st->sp -= n;
            if (pk_push(st, pk_tuple_from(st, st->stack + st->sp, n))) return -1;
            break;
        }

        /* lists */
        case ']': if (pk_push(st, pk_new(st, LT_PK_LIST))) return -1; break;
        case 'l': /* LIST */
            if (pk_pop_mark(st, &first, &n)) return -1;
            if (!(a = pk_new(st, LT_PK_LIST))) return -1;
            for (size_t i = 0; i < n; i++)
                if (pk_seq_push(st, a, st->stack[first + i])) return -1;
            if (pk_push(st, a)) return -1;
            break;
        case 'a': /* APPEND */
            if (!(b = pk_pop(st)) || !(a = pk_top(st))) return -1;
            if (a->kind != LT_PK_LIST) return pk_fail(st, "APPEND to a %s", lt_pk_kind_name(a->kind));
            if (pk_seq_push(st, a, b)) return -1;
            break;
        case 'e': /* APPENDS */
            if (pk_pop_mark(st, &first, &n) || !(a = pk_top(st))) return -1;
            if (a->kind != LT_PK_LIST) return pk_fail(st, "APPENDS to a %s", lt_pk_kind_name(a->kind));
            for (size_t i = 0; i < n; i++)
                if (pk_seq_push(st, a, st->stack[first + i])) return -1;
            break;

        /* dicts */
        case '}': if (pk_push(st, pk_new(st, LT_PK_DICT))) return -1; break;
        case 'd': /* DICT */
            if (pk_pop_mark(st, &first, &n)) return -1;
            if (n % 2) return pk_fail(st, "DICT with an odd number of items");
            if (!(a = pk_new(st, LT_PK_DICT))) return -1;
            for (size_t i = 0; i < n; i += 2)
                if (pk_dict_set(st, a, st->stack[first + i], st->stack[first + i + 1])) return -1;
            if (pk_push(st, a)) return -1;
            break;
        case 's': /* SETITEM */
            if (!(c = pk_pop(st)) || !(b = pk_pop(st)) || !(a = pk_top(st))) return -1;
            if (a->kind != LT_PK_DICT) return pk_fail(st, "SETITEM on a %s", lt_pk_kind_name(a->kind));
            if (pk_dict_set(st, a, b, c)) return -1;
            break;
        case 'u': /* SETITEMS */
            if (pk_pop_mark(st, &first, &n) || !(a = pk_top(st))) return -1;
            if (a->kind != LT_PK_DICT) return pk_fail(st, "SETITEMS on a %s", lt_pk_kind_name(a->kind));
            if (n % 2) return pk_fail(st, "SETITEMS with an odd number of items");
            for (size_t i = 0; i < n; i += 2)
                if (pk_dict_set(st, a, st->stack[first + i], st->stack[first + i + 1])) return -1;
            break;

        /* memo */
        case 'p': { /* PUT */
            int64_t v;
            if (pk_line(st, &line, &ln) || pk_parse_int(st, line, ln, &v)) return -1;
            if (v < 0) return pk_fail(st, "negative memo index");
            if (pk_memo_put(st, (uint64_t)v)) return -1;
            break;
        }
        case 'q': /* BINPUT */
            if (pk_need(st, 1)) return -1;
            if (pk_memo_put(st, st->p[st->pos++])) return -1;
            break;
        case 'r': /* LONG_BINPUT */
            if (pk_need(st, 4)) return -1;
            st->pos += 4;
            if (pk_memo_put(st, pk_le(st->p + st->pos - 4, 4))) return -1;
            break;
        case 0x94: /* MEMOIZE */
            if (pk_memo_put(st, st->memo_count)) return -1;
            break;
        case 'g': { /* GET */
            int64_t v;
            if (pk_line(st, &line, &ln) || pk_parse_int(st, line, ln, &v)) return -1;
            if (v < 0) return pk_fail(st, "negative memo index");
            if (pk_memo_get(st, (uint64_t)v)) return -1;
            break;
        }
        case 'h': /* BINGET */
            if (pk_need(st, 1)) return -1;
            if (pk_memo_get(st, st->p[st->pos++])) return -1;
            break;
        case 'j': /* LONG_BINGET */
            if (pk_need(st, 4)) return -1;
            st->pos += 4;
            if (pk_memo_get(st, pk_le(st->p + st->pos - 4, 4))) return -1;
            break;

        /* globals and object construction */
        case 'c': { /* GLOBAL */
            const char *mod;
            size_t mlen;
            if (pk_line(st, &mod, &mlen) || pk_line(st, &line, &ln)) return -1;
            if (pk_global(st, mod, mlen, line, ln)) return -1;
            break;
        }
        case 0x93: /* STACK_GLOBAL */
            if (!(b = pk_pop(st)) || !(a = pk_pop(st))) return -1;
            if (a->kind != LT_PK_STR || b->kind != LT_PK_STR)
                return pk_fail(st, "STACK_GLOBAL arguments are not strings");
            if (pk_global(st, a->u.str.s, a->u.str.len, b->u.str.s, b->u.str.len)) return -1;
            break;
        case 'R': /* REDUCE */
            if (!(b = pk_pop(st)) || !(a = pk_pop(st))) return -1;
            if (pk_reduce(st, a, b)) return -1;
            break;
        case 0x81: /* NEWOBJ */
        case 0x92: /* NEWOBJ_EX */
            if (st->op == 0x92) {
                if (!(c = pk_pop(st))) return -1;
                if (c->kind != LT_PK_DICT || c->u.dict.count)
                    return pk_fail(st, "NEWOBJ_EX with keyword arguments");
            }
            if (!(b = pk_pop(st)) || !(a = pk_pop(st))) return -1;
            if (a->kind != LT_PK_GLOBAL || a->u.global.which != LT_PKG_ORDERED_DICT)
                return pk_fail(st, "NEWOBJ is only allowed for collections.OrderedDict");
            if (pk_reduce(st, a, b)) return -1;
            break;
        case 'b': /* BUILD: only the state that state_dict() attaches to an OrderedDict */
            if (!(b = pk_pop(st)) || !(a = pk_top(st))) return -1;
            if (a->kind != LT_PK_DICT)
                return pk_fail(st, "BUILD on a %s is not allowed", lt_pk_kind_name(a->kind));
            if (b->kind != LT_PK_DICT && b->kind != LT_PK_TUPLE && b->kind != LT_PK_NONE)
                return pk_fail(st, "BUILD state is a %s, expected a dict", lt_pk_kind_name(b->kind));
            break; /* state (e.g. _metadata) is accepted and ignored */
        case 'Q': /* BINPERSID */
            if (pk_persid(st)) return -1;
            break;
        case 'P': return pk_fail(st, "text persistent ids (PERSID) are not supported");
        case 'i': case 'o':
            return pk_fail(st, "INST/OBJ opcodes construct arbitrary objects; refused");
        default:
            return pk_fail(st, "unsupported opcode 0x%02x", st->op);
        }
    }
}

int lt_pickle_load(const void *buf, size_t len, const char *what, lt_pickle *out, lt_err *err) {
    memset(out, 0, sizeof *out);
    pk_state st;
    memset(&st, 0, sizeof st);
    st.p = buf;
    st.len = buf ? len : 0;
    st.what = what ? what : "pickle";
    st.err = err;
    st.out = out;
    int rc = pk_run(&st);
    free(st.stack);
    free(st.memo);
    if (rc) lt_pickle_free(out);
    return rc;
}
