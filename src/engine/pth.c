/* pth.c — PyTorch ZIP checkpoint loading (see pth.h): locating the records,
 * walking the unpickled tree into named tensors, and materialising each tensor
 * from its storage record with every offset/stride checked. */
#include "engine/pth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "engine/npy.h"
#include "engine/pickle.h"

typedef struct pth_item {
    char name[LT_MAX_NAME];
    const lt_pk_value *t; /* LT_PK_TENSOR */
    size_t storage;       /* index into the storage table */
} pth_item;

typedef struct pth_storage {
    const char *key;
    size_t refs; /* tensors still to materialise from it */
    uint8_t *buf;
    size_t len;
    int loaded;
} pth_storage;

typedef struct pth_ctx {
    const char *what;
    lt_err *err;
    pth_item *items;
    size_t count, cap;
    size_t visits;
} pth_ctx;

/* ---- walking the pickle tree ---------------------------------------------- */

static int pth_add(pth_ctx *c, const char *name, const lt_pk_value *t) {
    if (c->count == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 256;
        pth_item *n = realloc(c->items, cap * sizeof *n);
        if (!n) return lt_fail(c->err, "%s: out of memory", c->what);
        c->items = n;
        c->cap = cap;
    }
    pth_item *it = &c->items[c->count++];
    memset(it, 0, sizeof *it);
    strcpy(it->name, name);
    it->t = t;
    return 0;
}

static int pth_walk(pth_ctx *c, const lt_pk_value *d, const char *prefix, int depth) {
    if (depth >= LT_PTH_MAX_NESTING)
        return lt_fail(c->err, "%s: dicts nested deeper than %d levels under '%s'", c->what,
                       LT_PTH_MAX_NESTING, prefix);
    for (size_t i = 0; i < d->u.dict.count; i++) {
        const lt_pk_value *k = d->u.dict.keys[i], *v = d->u.dict.vals[i];
        if (++c->visits > LT_PK_MAX_OBJECTS)
            return lt_fail(c->err, "%s: more than %d dict entries to walk; refusing", c->what,
                           LT_PK_MAX_OBJECTS);
        if (v->kind != LT_PK_TENSOR && v->kind != LT_PK_DICT) continue;
        if (k->kind != LT_PK_STR)
            return lt_fail(c->err, "%s: a key under '%s' is a %s, expected a string", c->what, prefix,
                           lt_pk_kind_name(k->kind));
        if (strlen(k->u.str.s) != k->u.str.len)
            return lt_fail(c->err, "%s: a key under '%s' contains a NUL byte", c->what, prefix);
        const char *key = k->u.str.s;
        if (strncmp(key, "module.", 7) == 0) key += 7;
        char name[LT_MAX_NAME];
        int n = snprintf(name, sizeof name, "%s%s%s", prefix, *prefix ? "." : "", key);
        if (n < 0 || (size_t)n >= sizeof name)
            return lt_fail(c->err, "%s: tensor name '%s%s%.80s...' is longer than %d bytes", c->what,
                           prefix, *prefix ? "." : "", key, LT_MAX_NAME - 1);
        if (v->kind == LT_PK_TENSOR) {
            if (pth_add(c, name, v)) return -1;
        } else if (pth_walk(c, v, name, depth + 1)) {
            return -1;
        }
    }
    return 0;
}

static int cmp_item_name(const void *a, const void *b) {
    const pth_item *const *x = a, *const *y = b;
    return strcmp((*x)->name, (*y)->name);
}

static int cmp_storage_key(const void *a, const void *b) {
    const pth_storage *x = a, *y = b;
    return strcmp(x->key, y->key);
}

/* ---- materialising -------------------------------------------------------- */

static int pth_materialise(pth_ctx *c, const pth_item *it, pth_storage *s, lt_tensor_set *out,
                           uint64_t *budget) {
    const lt_pk_value *t = it->t;
    const lt_pk_value *sv = t->u.tensor.storage;
    lt_dtype dt = sv->u.storage.dtype;
    size_t es = lt_dtype_size(dt);
    uint64_t snumel = (uint64_t)sv->u.storage.numel;
    int nd = t->u.tensor.ndim;
    const int64_t *shape = t->u.tensor.shape, *stride = t->u.tensor.stride;
    char sh[200], st[200];
    lt_shape_str(nd, shape, sh, sizeof sh);
    lt_shape_str(nd, stride, st, sizeof st);

    uint64_t numel = 1, last = (uint64_t)t->u.tensor.offset;
    int ovf = 0;
    for (int i = 0; i < nd; i++) ovf |= __builtin_mul_overflow(numel, (uint64_t)shape[i], &numel);
    uint64_t nbytes = 0;
    ovf |= __builtin_mul_overflow(numel, (uint64_t)es, &nbytes);
    if (ovf)
        return lt_fail(c->err, "%s: tensor '%s': shape %s is too large", c->what, it->name, sh);
    if (numel > 0) {
        for (int i = 0; i < nd; i++) {
            uint64_t step;
            ovf |= __builtin_mul_overflow((uint64_t)(shape[i] - 1), (uint64_t)stride[i], &step);
            ovf |= __builtin_add_overflow(last, step, &last);
        }
        if (ovf || last >= snumel)
            return lt_fail(c->err, "%s: tensor '%s': storage offset %lld, shape %s and stride %s reach "
                                   "element %s%llu, but storage '%s' holds only %llu elements",
                           c->what, it->name, (long long)t->u.tensor.offset, sh, st,
                           ovf ? "beyond " : "", ovf ? (unsigned long long)UINT64_MAX
                                                     : (unsigned long long)last,
                           sv->u.storage.key, (unsigned long long)snumel);
    }
    if (nbytes > *budget)
        return lt_fail(c->err, "%s: tensor '%s': shape %s (%llu bytes) expands its storage far beyond "
                               "the size of the file; refusing", c->what, it->name, sh,
                       (unsigned long long)nbytes);
    *budget -= nbytes;

    void *owned = NULL;
    if (numel > 0) {
        int contiguous = 1;
        int64_t expect = 1;
        for (int i = nd - 1; i >= 0; i--) {
            if (shape[i] != 1 && stride[i] != expect) contiguous = 0;
            expect *= shape[i];
        }
        const uint8_t *base = s->buf + (size_t)t->u.tensor.offset * es;
        if (contiguous && t->u.tensor.offset == 0 && nbytes == s->len && s->refs == 1) {
            owned = s->buf; /* the record is exactly this tensor: hand it over */
            s->buf = NULL;
        } else if (contiguous) {
            owned = malloc((size_t)nbytes);
            if (!owned) return lt_fail(c->err, "%s: out of memory for tensor '%s'", c->what, it->name);
            memcpy(owned, base, (size_t)nbytes);
        } else {
            owned = malloc((size_t)nbytes);
            if (!owned) return lt_fail(c->err, "%s: out of memory for tensor '%s'", c->what, it->name);
            int64_t idx[LT_MAX_DIMS] = {0};
            uint8_t *dst = owned;
            for (uint64_t k = 0; k < numel; k++) {
                int64_t off = 0;
                for (int i = 0; i < nd; i++) off += idx[i] * stride[i];
                memcpy(dst + k * es, base + (size_t)off * es, es);
                for (int i = nd - 1; i >= 0; i--) {
                    if (++idx[i] < shape[i]) break;
                    idx[i] = 0;
                }
            }
        }
    }
    if (!lt_tensor_set_add(out, it->name, dt, nd, shape, owned, (size_t)nbytes, owned)) {
        free(owned);
        return lt_fail(c->err, "%s: out of memory adding tensor '%s'", c->what, it->name);
    }
    return 0;
}

/* ---- the archive ---------------------------------------------------------- */

static int pth_find_prefix(zip_t *za, const char *what, char *prefix, size_t cap, lt_err *err) {
    zip_int64_t n = zip_get_num_entries(za, 0);
    int found = 0;
    for (zip_int64_t i = 0; i < n; i++) {
        const char *name = zip_get_name(za, (zip_uint64_t)i, ZIP_FL_ENC_RAW);
        if (!name) continue;
        const char *slash = strchr(name, '/');
        if (!slash || slash == name || strcmp(slash, "/data.pkl") != 0) continue;
        size_t plen = (size_t)(slash - name);
        if (found) {
            if (strlen(prefix) != plen || strncmp(prefix, name, plen) != 0)
                return lt_fail(err, "%s: several data.pkl records ('%s/data.pkl' and '%s'); not a "
                                    "single torch.save archive", what, prefix, name);
            continue;
        }
        if (plen + 1 > cap) return lt_fail(err, "%s: archive folder name is too long", what);
        memcpy(prefix, name, plen);
        prefix[plen] = 0;
        found = 1;
    }
    if (!found)
        return lt_fail(err, "%s: no '<folder>/data.pkl' record: this zip is not a torch.save "
                            "checkpoint", what);
    return 0;
}

static int pth_read_named(zip_t *za, uint64_t asize, const char *what, const char *name, int optional,
                          void **data, size_t *len, lt_err *err) {
    zip_int64_t idx = zip_name_locate(za, name, ZIP_FL_ENC_RAW);
    if (idx < 0) {
        *data = NULL;
        *len = 0;
        if (optional) return 0;
        return lt_fail(err, "%s: record '%s' is missing", what, name);
    }
    return lt_zip_read_index(za, (zip_uint64_t)idx, asize, what, data, len, err);
}

static int pth_load_zip(zip_t *za, uint64_t asize, const char *what, lt_tensor_set *out, lt_err *err) {
    char prefix[256];
    if (pth_find_prefix(za, what, prefix, sizeof prefix, err)) return -1;
    char rec[512];

    /* newer layout: byteorder record */
    void *bo = NULL;
    size_t bolen = 0;
    snprintf(rec, sizeof rec, "%s/byteorder", prefix);
    if (pth_read_named(za, asize, what, rec, 1, &bo, &bolen, err)) return -1;
    if (bo) {
        size_t n = bolen;
        while (n > 0 && (((char *)bo)[n - 1] == '\n' || ((char *)bo)[n - 1] == '\r')) n--;
        int little = n == 6 && memcmp(bo, "little", 6) == 0;
        char shown[16];
        snprintf(shown, sizeof shown, "%.*s", (int)(n < 15 ? n : 15), (char *)bo);
        free(bo);
        if (!little)
            return lt_fail(err, "%s: record '%s' says '%s'; only little-endian checkpoints are "
                                "supported", what, rec, shown);
    }

    void *pkl = NULL;
    size_t pkllen = 0;
    snprintf(rec, sizeof rec, "%s/data.pkl", prefix);
    if (pth_read_named(za, asize, what, rec, 0, &pkl, &pkllen, err)) return -1;
    char pwhat[600];
    snprintf(pwhat, sizeof pwhat, "%s: %s", what, rec);
    lt_pickle pk;
    int rc = lt_pickle_load(pkl, pkllen, pwhat, &pk, err);
    free(pkl);
    if (rc) return -1;

    pth_ctx c = {.what = what, .err = err};
    pth_storage *stor = NULL;
    pth_item **sorted = NULL;
    size_t nstor = 0;
    size_t start = out->count;
    rc = -1;

    const lt_pk_value *root = pk.root;
    if (root->kind == LT_PK_TENSOR) {
        if (pth_add(&c, "", root)) goto done;
    } else if (root->kind == LT_PK_DICT) {
        if (pth_walk(&c, root, "", 0)) goto done;
    } else {
        lt_fail(err, "%s: the checkpoint holds a %s, expected a tensor or a dict of tensors", what,
                lt_pk_kind_name(root->kind));
        goto done;
    }
    if (c.count == 0) {
        lt_fail(err, "%s: the checkpoint contains no tensors", what);
        goto done;
    }

    /* names must be unique, also against what the set already holds */
    sorted = malloc(c.count * sizeof *sorted);
    stor = calloc(c.count, sizeof *stor);
    if (!sorted || !stor) {
        lt_fail(err, "%s: out of memory", what);
        goto done;
    }
    for (size_t i = 0; i < c.count; i++) sorted[i] = &c.items[i];
    qsort(sorted, c.count, sizeof *sorted, cmp_item_name);
    for (size_t i = 0; i < c.count; i++) {
        if ((i && strcmp(sorted[i - 1]->name, sorted[i]->name) == 0) ||
            (start && lt_tensor_set_find(out, sorted[i]->name))) {
            lt_fail(err, "%s: tensor name '%s' occurs twice", what, sorted[i]->name);
            goto done;
        }
    }

    /* storage table: one entry per distinct record key */
    for (size_t i = 0; i < c.count; i++) stor[i].key = c.items[i].t->u.tensor.storage->u.storage.key;
    qsort(stor, c.count, sizeof *stor, cmp_storage_key);
    for (size_t i = 0; i < c.count; i++)
        if (nstor == 0 || strcmp(stor[nstor - 1].key, stor[i].key) != 0) stor[nstor++] = stor[i];
    for (size_t i = 0; i < c.count; i++) {
        pth_storage key = {.key = c.items[i].t->u.tensor.storage->u.storage.key};
        pth_storage *s = bsearch(&key, stor, nstor, sizeof *stor, cmp_storage_key);
        c.items[i].storage = (size_t)(s - stor);
        s->refs++;
    }

    uint64_t budget = 64u << 20; /* grows by 4x every storage byte read */
    for (size_t i = 0; i < c.count; i++) {
        pth_item *it = &c.items[i];
        pth_storage *s = &stor[it->storage];
        const lt_pk_value *sv = it->t->u.tensor.storage;
        if (!s->loaded) {
            void *data = NULL;
            size_t len = 0;
            snprintf(rec, sizeof rec, "%s/data/%s", prefix, s->key);
            if (pth_read_named(za, asize, what, rec, 0, &data, &len, err)) goto done;
            s->buf = data;
            s->len = len;
            s->loaded = 1;
            budget += 4 * (uint64_t)len;
        }
        uint64_t want;
        if (__builtin_mul_overflow((uint64_t)sv->u.storage.numel,
                                   (uint64_t)lt_dtype_size(sv->u.storage.dtype), &want) ||
            want != s->len) {
            lt_fail(err, "%s: tensor '%s': storage '%s' should hold %lld %s elements, but record "
                         "'%s/data/%s' has %zu bytes", what, it->name, s->key,
                    (long long)sv->u.storage.numel, lt_dtype_name(sv->u.storage.dtype), prefix,
                    s->key, s->len);
            goto done;
        }
        if (pth_materialise(&c, it, s, out, &budget)) goto done;
        if (--s->refs == 0) {
            free(s->buf);
            s->buf = NULL;
        }
    }
    rc = 0;

done:
    if (rc)
        while (out->count > start) lt_tensor_set_remove(out, out->count - 1);
    for (size_t i = 0; i < nstor; i++) free(stor[i].buf);
    free(stor);
    free(sorted);
    free(c.items);
    lt_pickle_free(&pk);
    return rc;
}

static int pth_check_magic(const uint8_t *p, size_t n, const char *what, lt_err *err) {
    if (n >= 4 && memcmp(p, "PK\x03\x04", 4) == 0) return 0;
    if (n >= 2 && p[0] == 0x80 && p[1] <= 5)
        return lt_fail(err, "%s: legacy torch.save format (PyTorch < 1.6 or "
                            "_use_new_zipfile_serialization=False) is not supported; re-save it "
                            "with torch.save in PyTorch >= 1.6", what);
    return lt_fail(err, "%s: not a PyTorch checkpoint (no zip signature)", what);
}

int lt_pth_load_mem(const void *buf, size_t len, const char *what, lt_tensor_set *out, lt_err *err) {
    if (!what) what = "checkpoint";
    if (pth_check_magic(buf, buf ? len : 0, what, err)) return -1;
    zip_t *za = NULL;
    uint64_t asize = 0;
    if (lt_zip_open_mem(buf, len, what, &za, &asize, err)) return -1;
    int rc = pth_load_zip(za, asize, what, out, err);
    zip_discard(za);
    return rc;
}

int lt_pth_load(const char *path, lt_tensor_set *out, lt_err *err) {
    FILE *f = fopen(path, "rb");
    if (!f) return lt_fail(err, "%s: cannot open: %m", path);
    uint8_t head[4];
    size_t n = fread(head, 1, sizeof head, f);
    fclose(f);
    if (pth_check_magic(head, n, path, err)) return -1;
    zip_t *za = NULL;
    uint64_t asize = 0;
    if (lt_zip_open_file(path, &za, &asize, err)) return -1;
    int rc = pth_load_zip(za, asize, path, out, err);
    zip_discard(za);
    return rc;
}
