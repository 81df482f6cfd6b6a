/* gguf.c — the native GGUF v3 model file: writer, validating reader and the
 * tensor-name abbreviations (see gguf.h). */
#include "engine/gguf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/quant.h"

/* GGUF metadata value types */
enum {
    GV_U8 = 0, GV_I8, GV_U16, GV_I16, GV_U32, GV_I32, GV_F32, GV_BOOL,
    GV_STRING, GV_ARRAY, GV_U64, GV_I64, GV_F64, GV_COUNT
};
/* GGML tensor types LiteTTS reads and writes */
enum { GT_F32 = 0, GT_F16 = 1, GT_Q8_0 = 8, GT_BF16 = 30 };

#define GGUF_MAX_DIMS 4
#define READ_MAX_NAME 256            /* bytes of a stored tensor name accepted on read */
#define READ_MAX_KEY 65535
#define READ_MAX_STRING (64u << 20)  /* any metadata string (config.json is ~2.5 KB) */
#define READ_MAX_TENSORS (1u << 20)
#define READ_MAX_KVS (1u << 20)
#define READ_MAX_ARRAY_DEPTH 3

/* ---- names ------------------------------------------------------------ */

static const char LONG_PREFIX[] = "bert.encoder.albert_layer_groups.";
static const char LONG_MID[] = ".albert_layers.";
static const char SHORT_PREFIX[] = "bert.layer.";

static size_t digits(const char *s) {
    size_t n = 0;
    while (s[n] >= '0' && s[n] <= '9') n++;
    return n;
}

static int copy_name(char *out, size_t cap, const char *a, size_t alen, const char *b,
                     size_t blen, const char *c, size_t clen, const char *d, size_t dlen,
                     const char *rest) {
    size_t rlen = strlen(rest);
    size_t total = alen + blen + clen + dlen + rlen;
    if (total + 1 > cap) return -1;
    char *o = out;
    memcpy(o, a, alen), o += alen;
    memcpy(o, b, blen), o += blen;
    memcpy(o, c, clen), o += clen;
    memcpy(o, d, dlen), o += dlen;
    memcpy(o, rest, rlen + 1);
    return 0;
}

int lt_gguf_name_shorten(const char *name, char *out, size_t cap) {
    const size_t lp = sizeof LONG_PREFIX - 1, lm = sizeof LONG_MID - 1, sp = sizeof SHORT_PREFIX - 1;
    if (!strncmp(name, SHORT_PREFIX, sp)) return -1; /* would be read back as an abbreviation */
    if (!strncmp(name, LONG_PREFIX, lp)) {
        const char *i = name + lp;
        size_t ni = digits(i);
        if (ni && !strncmp(i + ni, LONG_MID, lm)) {
            const char *j = i + ni + lm;
            size_t nj = digits(j);
            if (nj && j[nj] == '.')
                return copy_name(out, cap, SHORT_PREFIX, sp, i, ni, ".", 1, j, nj, j + nj);
        }
    }
    if (strlen(name) + 1 > cap) return -1;
    strcpy(out, name);
    return 0;
}

int lt_gguf_name_expand(const char *name, char *out, size_t cap) {
    const size_t lp = sizeof LONG_PREFIX - 1, lm = sizeof LONG_MID - 1, sp = sizeof SHORT_PREFIX - 1;
    if (!strncmp(name, SHORT_PREFIX, sp)) {
        const char *i = name + sp;
        size_t ni = digits(i);
        if (!ni || i[ni] != '.') return -1;
        const char *j = i + ni + 1;
        size_t nj = digits(j);
        if (!nj || j[nj] != '.') return -1;
        return copy_name(out, cap, LONG_PREFIX, lp, i, ni, LONG_MID, lm, j, nj, j + nj);
    }
    if (strlen(name) + 1 > cap) return -1;
    strcpy(out, name);
    return 0;
}

/* ---- shared checks ---------------------------------------------------- */

static int ggml_type_of(lt_dtype t, uint32_t *out) {
    switch (t) {
    case LT_F32: *out = GT_F32; return 0;
    case LT_F16: *out = GT_F16; return 0;
    case LT_BF16: *out = GT_BF16; return 0;
    case LT_Q8_0: *out = GT_Q8_0; return 0;
    default: return -1;
    }
}

static int dtype_of_ggml(uint32_t g, lt_dtype *out) {
    switch (g) {
    case GT_F32: *out = LT_F32; return 0;
    case GT_F16: *out = LT_F16; return 0;
    case GT_BF16: *out = LT_BF16; return 0;
    case GT_Q8_0: *out = LT_Q8_0; return 0;
    default: return -1;
    }
}

static int cmp_name_ptr(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Fails naming the first duplicated tensor name of s. */
static int check_unique(const lt_tensor_set *s, const char *what, lt_err *err) {
    if (s->count < 2) return 0;
    const char **names = malloc(s->count * sizeof *names);
    if (!names) return lt_fail(err, "%s: out of memory checking %zu tensor names", what, s->count);
    for (size_t i = 0; i < s->count; i++) names[i] = s->items[i].name;
    qsort(names, s->count, sizeof *names, cmp_name_ptr);
    for (size_t i = 1; i < s->count; i++)
        if (!strcmp(names[i - 1], names[i])) {
            int r = lt_fail(err, "%s: tensor name %s occurs twice", what, names[i]);
            free(names);
            return r;
        }
    free(names);
    return 0;
}

static uint64_t align_up(uint64_t x, uint64_t a) { return (x + a - 1) / a * a; }

/* ---- writer ----------------------------------------------------------- */

typedef struct wbuf {
    uint8_t *p;
    size_t n, cap;
    int oom;
} wbuf;

static void put(wbuf *b, const void *src, size_t n) {
    if (b->oom) return;
    if (b->n + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->n + n) cap *= 2;
        uint8_t *p = realloc(b->p, cap);
        if (!p) {
            b->oom = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->n, src, n);
    b->n += n;
}

static void put_u32(wbuf *b, uint32_t v) {
    uint8_t x[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    put(b, x, 4);
}

static void put_u64(wbuf *b, uint64_t v) {
    put_u32(b, (uint32_t)v);
    put_u32(b, (uint32_t)(v >> 32));
}

static void put_str(wbuf *b, const char *s) {
    size_t n = strlen(s);
    put_u64(b, n);
    put(b, s, n);
}

static void put_kv_str(wbuf *b, const char *key, const char *val) {
    put_str(b, key);
    put_u32(b, GV_STRING);
    put_str(b, val);
}

static void put_kv_u32(wbuf *b, const char *key, uint32_t val) {
    put_str(b, key);
    put_u32(b, GV_U32);
    put_u32(b, val);
}

static int write_all(FILE *f, const void *p, size_t n) { return fwrite(p, 1, n, f) == n ? 0 : -1; }

int lt_gguf_write(const char *path, const lt_tensor_set *set, const char *config_json,
                  const char *weight_type, void (*progress)(void *ud, size_t done, size_t total),
                  void *ud, lt_err *err) {
    lt_dtype wt;
    if (!weight_type || lt_weight_type_parse(weight_type, &wt))
        return lt_fail(err, "%s: weight type '%s' is not one of f32, f16, bf16, q8_0", path,
                       weight_type ? weight_type : "(null)");
    if (!config_json)
        return lt_fail(err, "%s: no config.json text to embed (litetts.config_json is required)", path);
    if (check_unique(set, path, err)) return -1;

    wbuf b = {0};
    put(&b, "GGUF", 4);
    put_u32(&b, LT_GGUF_VERSION);
    put_u64(&b, set->count);
    put_u64(&b, 6);
    put_kv_str(&b, "general.architecture", "kokoro");
    put_kv_str(&b, "general.name", "kokoro");
    put_kv_u32(&b, "general.alignment", LT_GGUF_ALIGNMENT);
    put_kv_u32(&b, "litetts.format_version", LT_GGUF_FORMAT_VERSION);
    put_kv_str(&b, "litetts.weight_type", lt_weight_type_name(wt));
    put_kv_str(&b, "litetts.config_json", config_json);

    uint64_t off = 0;
    for (size_t i = 0; i < set->count; i++) {
        const lt_tensor *t = &set->items[i];
        char sh[128], shortname[LT_GGUF_MAX_NAME + 1];
        lt_shape_str(t->ndim, t->shape, sh, sizeof sh);
        uint32_t gt;
        if (ggml_type_of(t->dtype, &gt)) {
            free(b.p);
            return lt_fail(err, "%s: tensor %s has dtype %s; the native file holds f32, f16, bf16 "
                           "and q8_0 only", path, t->name, lt_dtype_name(t->dtype));
        }
        int ok = t->ndim >= 1 && t->ndim <= GGUF_MAX_DIMS;
        for (int d = 0; ok && d < t->ndim; d++) ok = t->shape[d] > 0;
        if (!ok) {
            free(b.p);
            return lt_fail(err, "%s: tensor %s has shape %s; the native file needs 1 to %d "
                           "positive dims", path, t->name, sh, GGUF_MAX_DIMS);
        }
        int64_t numel = lt_shape_numel(t->ndim, t->shape);
        if (t->dtype == LT_Q8_0 && (numel / t->shape[0]) % LT_Q8_0_BLOCK) {
            free(b.p);
            return lt_fail(err, "%s: q8_0 tensor %s has shape %s: its rows of %lld values are "
                           "not whole blocks of 32", path, t->name, sh,
                           (long long)(numel / t->shape[0]));
        }
        size_t need = lt_dtype_bytes(t->dtype, numel);
        if (t->nbytes != need || (need && !t->data)) {
            free(b.p);
            return lt_fail(err, "%s: tensor %s (%s %s) holds %zu bytes, expected %zu", path,
                           t->name, lt_dtype_name(t->dtype), sh, t->nbytes, need);
        }
        if (lt_gguf_name_shorten(t->name, shortname, sizeof shortname)) {
            free(b.p);
            return lt_fail(err, "%s: tensor name %s cannot be stored: GGUF names are at most %d "
                           "bytes after LiteTTS's abbreviations, and names starting with "
                           "\"bert.layer.\" are reserved for them", path, t->name, LT_GGUF_MAX_NAME);
        }
        put_str(&b, shortname);
        put_u32(&b, (uint32_t)t->ndim);
        for (int d = t->ndim - 1; d >= 0; d--) put_u64(&b, (uint64_t)t->shape[d]);
        put_u32(&b, gt);
        put_u64(&b, off);
        off = align_up(off + need, LT_GGUF_ALIGNMENT);
    }
    static const uint8_t zeros[LT_GGUF_ALIGNMENT];
    put(&b, zeros, (size_t)(align_up(b.n, LT_GGUF_ALIGNMENT) - b.n));
    if (b.oom) {
        free(b.p);
        return lt_fail(err, "%s: out of memory building the GGUF header", path);
    }

    char *tmp = malloc(strlen(path) + 5);
    if (!tmp) {
        free(b.p);
        return lt_fail(err, "%s: out of memory", path);
    }
    sprintf(tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        int e = errno;
        free(b.p);
        lt_fail(err, "%s: cannot create %s: %s", path, tmp, strerror(e));
        free(tmp);
        return -1;
    }
    if (progress) progress(ud, 0, set->count);
    int bad = write_all(f, b.p, b.n);
    free(b.p);
    for (size_t i = 0; !bad && i < set->count; i++) {
        const lt_tensor *t = &set->items[i];
        bad = write_all(f, t->data, t->nbytes);
        size_t pad = (size_t)(align_up(t->nbytes, LT_GGUF_ALIGNMENT) - t->nbytes);
        if (!bad) bad = write_all(f, zeros, pad);
        if (!bad && progress) progress(ud, i + 1, set->count);
    }
    if (!bad) bad = fflush(f) != 0 || fsync(fileno(f)) != 0;
    int e = errno;
    if (fclose(f) != 0 && !bad) {
        bad = 1;
        e = errno;
    }
    if (!bad && rename(tmp, path) != 0) {
        bad = 1;
        e = errno;
    }
    if (bad) {
        unlink(tmp);
        lt_fail(err, "%s: writing %s failed: %s", path, tmp, strerror(e));
        free(tmp);
        return -1;
    }
    free(tmp);
    return 0;
}

/* ---- reader ----------------------------------------------------------- */

typedef struct rd {
    const uint8_t *p;
    size_t len, off;
    const char *what;
    lt_err *err;
} rd;

static int need(rd *r, uint64_t n, const char *field) {
    if (n > r->len - r->off)
        return lt_fail(r->err, "%s: truncated or corrupt GGUF: %s needs %llu bytes at offset %zu "
                       "but the file is %zu bytes", r->what, field, (unsigned long long)n, r->off,
                       r->len);
    return 0;
}

static int rd_u32(rd *r, uint32_t *v, const char *field) {
    if (need(r, 4, field)) return -1;
    const uint8_t *p = r->p + r->off;
    *v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    r->off += 4;
    return 0;
}

static int rd_u64(rd *r, uint64_t *v, const char *field) {
    uint32_t lo, hi;
    if (rd_u32(r, &lo, field) || rd_u32(r, &hi, field)) return -1;
    *v = (uint64_t)hi << 32 | lo;
    return 0;
}

/* A GGUF string: u64 length + bytes (not NUL-terminated in the file). */
static int rd_str(rd *r, const char **s, size_t *n, uint64_t max, const char *field) {
    uint64_t len;
    if (rd_u64(r, &len, field)) return -1;
    if (len > max)
        return lt_fail(r->err, "%s: corrupt GGUF: %s at offset %zu claims %llu bytes (limit %llu)",
                       r->what, field, r->off - 8, (unsigned long long)len, (unsigned long long)max);
    if (need(r, len, field)) return -1;
    *s = (const char *)r->p + r->off;
    *n = (size_t)len;
    r->off += (size_t)len;
    return 0;
}

static int too_many(rd *r, uint64_t count, const char *field) {
    return lt_fail(r->err, "%s: truncated or corrupt GGUF: %s claims %llu array elements, more than "
                   "the %zu bytes left can hold", r->what, field, (unsigned long long)count,
                   r->len - r->off);
}

static size_t fixed_size(uint32_t type) {
    switch (type) {
    case GV_U8: case GV_I8: case GV_BOOL: return 1;
    case GV_U16: case GV_I16: return 2;
    case GV_U32: case GV_I32: case GV_F32: return 4;
    case GV_U64: case GV_I64: case GV_F64: return 8;
    default: return 0;
    }
}

static int skip_value(rd *r, uint32_t type, int depth, const char *key) {
    size_t fs = fixed_size(type);
    if (fs) return need(r, fs, key) ? -1 : (r->off += fs, 0);
    if (type == GV_STRING) {
        const char *s;
        size_t n;
        return rd_str(r, &s, &n, READ_MAX_STRING, key);
    }
    if (type != GV_ARRAY)
        return lt_fail(r->err, "%s: corrupt GGUF: metadata %s has unknown value type %u", r->what,
                       key, type);
    if (depth >= READ_MAX_ARRAY_DEPTH)
        return lt_fail(r->err, "%s: corrupt GGUF: metadata %s nests arrays deeper than %d",
                       r->what, key, READ_MAX_ARRAY_DEPTH);
    uint32_t et;
    uint64_t count;
    if (rd_u32(r, &et, key) || rd_u64(r, &count, key)) return -1;
    size_t es = fixed_size(et);
    if (es) {
        if (count > (r->len - r->off) / es) return too_many(r, count, key);
        r->off += (size_t)count * es;
        return 0;
    }
    if (et != GV_STRING && et != GV_ARRAY)
        return lt_fail(r->err, "%s: corrupt GGUF: metadata array %s has unknown element type %u",
                       r->what, key, et);
    if (count > (r->len - r->off) / 8) return too_many(r, count, key); /* each element >= 8 bytes */
    for (uint64_t i = 0; i < count; i++)
        if (skip_value(r, et, depth + 1, key)) return -1;
    return 0;
}

typedef struct tinfo {
    char name[LT_MAX_NAME];
    int ndim;
    int64_t shape[LT_MAX_DIMS];
    lt_dtype dtype;
    uint64_t offset, nbytes;
} tinfo;

static int key_is(const char *k, size_t n, const char *lit) {
    return n == strlen(lit) && !memcmp(k, lit, n);
}

static int parse(const uint8_t *buf, size_t len, const char *what, int copy, lt_tensor_set *out,
                 char **config_out, lt_err *err) {
    rd r = {buf, len, 0, what, err};
    tinfo *infos = NULL;
    int rc = -1;
    if (len < 4 || memcmp(buf, "GGUF", 4))
        return lt_fail(err, "%s: not a GGUF file (the first bytes are not \"GGUF\")", what);
    r.off = 4;
    uint32_t version;
    uint64_t n_tensors, n_kv;
    if (rd_u32(&r, &version, "the version")) return -1;
    if (version != 3)
        return lt_fail(err, "%s: GGUF version %u; LiteTTS reads version 3", what, version);
    if (rd_u64(&r, &n_tensors, "the tensor count") || rd_u64(&r, &n_kv, "the metadata count"))
        return -1;
    if (n_kv > READ_MAX_KVS || n_kv > (len - r.off) / 12)
        return lt_fail(err, "%s: corrupt GGUF: %llu metadata entries cannot fit in %zu bytes",
                       what, (unsigned long long)n_kv, len);
    if (n_tensors > READ_MAX_TENSORS || n_tensors > (len - r.off) / 32)
        return lt_fail(err, "%s: corrupt GGUF: %llu tensors cannot fit in %zu bytes", what,
                       (unsigned long long)n_tensors, len);

    const char *arch = NULL, *config = NULL;
    size_t arch_n = 0, config_n = 0;
    int have_version = 0;
    uint32_t format_version = 0, alignment = 32;
    for (uint64_t i = 0; i < n_kv; i++) {
        const char *key;
        size_t kn;
        uint32_t type;
        if (rd_str(&r, &key, &kn, READ_MAX_KEY, "a metadata key")) return -1;
        char kbuf[96];
        snprintf(kbuf, sizeof kbuf, "metadata %.*s", (int)(kn < 64 ? kn : 64), key);
        for (char *c = kbuf; *c; c++)
            if ((unsigned char)*c < 32 || (unsigned char)*c > 126) *c = '?';
        if (rd_u32(&r, &type, kbuf)) return -1;
        int is_str_key = key_is(key, kn, "general.architecture") ||
                         key_is(key, kn, "litetts.config_json");
        int is_u32_key = key_is(key, kn, "general.alignment") ||
                         key_is(key, kn, "litetts.format_version");
        if (is_str_key) {
            if (type != GV_STRING)
                return lt_fail(err, "%s: %s has value type %u, expected a string", what, kbuf, type);
            const char *s;
            size_t n;
            if (rd_str(&r, &s, &n, READ_MAX_STRING, kbuf)) return -1;
            if (key_is(key, kn, "general.architecture")) {
                if (arch) return lt_fail(err, "%s: %s occurs twice", what, kbuf);
                arch = s, arch_n = n;
            } else {
                if (config) return lt_fail(err, "%s: %s occurs twice", what, kbuf);
                if (memchr(s, 0, n))
                    return lt_fail(err, "%s: litetts.config_json contains a NUL byte", what);
                config = s, config_n = n;
            }
        } else if (is_u32_key) {
            uint32_t v;
            if (type != GV_U32)
                return lt_fail(err, "%s: %s has value type %u, expected u32 (4)", what, kbuf, type);
            if (rd_u32(&r, &v, kbuf)) return -1;
            if (key_is(key, kn, "general.alignment")) {
                if (v < 8 || v > 65536 || (v & (v - 1)))
                    return lt_fail(err, "%s: general.alignment is %u; expected a power of two "
                                   "from 8 to 65536", what, v);
                alignment = v;
            } else {
                have_version = 1;
                format_version = v;
            }
        } else if (skip_value(&r, type, 0, kbuf)) {
            return -1;
        }
    }
    if (!arch)
        return lt_fail(err, "%s: not a LiteTTS model: general.architecture is missing", what);
    if (!key_is(arch, arch_n, "kokoro")) {
        char a[65];
        size_t n = arch_n < 64 ? arch_n : 64;
        memcpy(a, arch, n);
        a[n] = 0;
        for (char *c = a; *c; c++)
            if ((unsigned char)*c < 32 || (unsigned char)*c > 126) *c = '?';
        return lt_fail(err, "%s: not a Kokoro model: general.architecture is \"%s\", expected "
                       "\"kokoro\"", what, a);
    }
    if (!have_version)
        return lt_fail(err, "%s: litetts.format_version is missing: not a LiteTTS model file", what);
    if (format_version != LT_GGUF_FORMAT_VERSION)
        return lt_fail(err, "%s: litetts.format_version is %u; this LiteTTS reads version %d "
                       "(re-run `litetts convert`, or update LiteTTS)", what, format_version,
                       LT_GGUF_FORMAT_VERSION);
    if (!config)
        return lt_fail(err, "%s: litetts.config_json is missing: the model's config is not "
                       "embedded", what);

    infos = calloc(n_tensors ? (size_t)n_tensors : 1, sizeof *infos);
    if (!infos) return lt_fail(err, "%s: out of memory for %llu tensor infos", what,
                               (unsigned long long)n_tensors);
    for (uint64_t i = 0; i < n_tensors; i++) {
        tinfo *ti = &infos[i];
        const char *nm;
        size_t nn;
        char field[64];
        snprintf(field, sizeof field, "tensor info %llu", (unsigned long long)i);
        if (rd_str(&r, &nm, &nn, READ_MAX_NAME, field)) goto done;
        char stored[READ_MAX_NAME + 1];
        memcpy(stored, nm, nn);
        stored[nn] = 0;
        int printable = nn > 0 && strlen(stored) == nn;
        for (size_t c = 0; printable && c < nn; c++)
            printable = (unsigned char)stored[c] > 32 && (unsigned char)stored[c] < 127;
        if (!printable) {
            lt_fail(err, "%s: %s has an empty or non-printable name", what, field);
            goto done;
        }
        if (lt_gguf_name_expand(stored, ti->name, sizeof ti->name)) {
            lt_fail(err, "%s: tensor name %s is too long or a malformed abbreviation", what, stored);
            goto done;
        }
        uint32_t nd, gt;
        if (rd_u32(&r, &nd, ti->name)) goto done;
        if (nd < 1 || nd > GGUF_MAX_DIMS) {
            lt_fail(err, "%s: tensor %s has %u dims; expected 1 to %d", what, ti->name, nd,
                    GGUF_MAX_DIMS);
            goto done;
        }
        ti->ndim = (int)nd;
        uint64_t numel = 1;
        for (uint32_t d = 0; d < nd; d++) {
            uint64_t dim;
            if (rd_u64(&r, &dim, ti->name)) goto done;
            if (dim == 0 || dim > (uint64_t)INT64_MAX || __builtin_mul_overflow(numel, dim, &numel) ||
                numel > (uint64_t)INT64_MAX / 8) {
                lt_fail(err, "%s: tensor %s: dim %u is %llu: dims must be positive and their "
                        "product must not overflow", what, ti->name, d, (unsigned long long)dim);
                goto done;
            }
            ti->shape[nd - 1 - d] = (int64_t)dim;
        }
        if (rd_u32(&r, &gt, ti->name) || rd_u64(&r, &ti->offset, ti->name)) goto done;
        if (dtype_of_ggml(gt, &ti->dtype)) {
            lt_fail(err, "%s: tensor %s has GGML type %u; LiteTTS reads f32 (0), f16 (1), q8_0 (8) "
                    "and bf16 (30)", what, ti->name, gt);
            goto done;
        }
        if (ti->dtype == LT_Q8_0 && (numel / (uint64_t)ti->shape[0]) % LT_Q8_0_BLOCK) {
            char sh[128];
            lt_fail(err, "%s: q8_0 tensor %s has shape %s: its rows are not whole blocks of 32",
                    what, ti->name, lt_shape_str(ti->ndim, ti->shape, sh, sizeof sh));
            goto done;
        }
        ti->nbytes = lt_dtype_bytes(ti->dtype, (int64_t)numel);
        if (ti->offset % alignment) {
            lt_fail(err, "%s: tensor %s: data offset %llu is not a multiple of the alignment %u",
                    what, ti->name, (unsigned long long)ti->offset, alignment);
            goto done;
        }
    }
    uint64_t data_start = align_up(r.off, alignment);
    if (data_start > len && n_tensors == 0) data_start = len; /* no tensors: padding optional */
    if (data_start > len) {
        lt_fail(err, "%s: truncated GGUF: the data section would start at %llu but the file is "
                "%zu bytes", what, (unsigned long long)data_start, len);
        goto done;
    }
    uint64_t data_len = len - data_start;
    for (uint64_t i = 0; i < n_tensors; i++) {
        tinfo *ti = &infos[i];
        if (ti->offset > data_len || ti->nbytes > data_len - ti->offset) {
            lt_fail(err, "%s: truncated or corrupt GGUF: tensor %s needs bytes %llu..%llu of the "
                    "data section, which has %llu", what, ti->name,
                    (unsigned long long)ti->offset,
                    (unsigned long long)(ti->offset + ti->nbytes), (unsigned long long)data_len);
            goto done;
        }
    }

    lt_tensor_set_init(out);
    for (uint64_t i = 0; i < n_tensors; i++) {
        tinfo *ti = &infos[i];
        const uint8_t *src = buf + data_start + ti->offset;
        void *owned = NULL, *data = (void *)src;
        if (copy) {
            owned = malloc(ti->nbytes ? (size_t)ti->nbytes : 1);
            if (!owned) {
                lt_fail(err, "%s: out of memory copying tensor %s", what, ti->name);
                goto fail_set;
            }
            memcpy(owned, src, (size_t)ti->nbytes);
            data = owned;
        }
        if (!lt_tensor_set_add(out, ti->name, ti->dtype, ti->ndim, ti->shape, data,
                               (size_t)ti->nbytes, owned)) {
            free(owned);
            lt_fail(err, "%s: out of memory adding tensor %s", what, ti->name);
            goto fail_set;
        }
    }
    if (check_unique(out, what, err)) goto fail_set;
    if (config_out) {
        *config_out = malloc(config_n + 1);
        if (!*config_out) {
            lt_fail(err, "%s: out of memory copying the config", what);
            goto fail_set;
        }
        memcpy(*config_out, config, config_n);
        (*config_out)[config_n] = 0;
    }
    rc = 0;
    goto done;
fail_set:
    lt_tensor_set_free(out);
done:
    free(infos);
    return rc;
}

int lt_gguf_load_mem(const void *buf, size_t len, const char *what, lt_tensor_set *out,
                     char **config_json_out, lt_err *err) {
    lt_tensor_set_init(out);
    if (config_json_out) *config_json_out = NULL;
    return parse(buf, len, what, 1, out, config_json_out, err);
}

int lt_gguf_load(const char *path, lt_tensor_set *out, char **config_json_out, lt_err *err) {
    lt_tensor_set_init(out);
    if (config_json_out) *config_json_out = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return lt_fail(err, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return lt_fail(err, "%s: cannot stat: %s", path, strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return lt_fail(err, "%s: not a regular file", path);
    }
    if (st.st_size < 24) {
        close(fd);
        return lt_fail(err, "%s: %lld bytes is too short for a GGUF header (24 bytes)", path,
                       (long long)st.st_size);
    }
    size_t len = (size_t)st.st_size;
    void *map = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
    int e = errno;
    close(fd);
    if (map == MAP_FAILED) return lt_fail(err, "%s: cannot map %zu bytes: %s", path, len, strerror(e));
    if (parse(map, len, path, 0, out, config_json_out, err)) {
        munmap(map, len);
        return -1;
    }
    out->mapping = map;
    out->mapping_len = len;
    return 0;
}
