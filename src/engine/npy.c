/* npy.c — NumPy .npy/.npz reading and .npy writing, plus the bounded zip
 * member reader that pth.c also uses (see npy.h). */
#include "engine/npy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zip.h>

/* ---- dtypes --------------------------------------------------------------- */

static const struct { const char *code; lt_dtype dtype; } npy_types[] = {
    {"f4", LT_F32}, {"f8", LT_F64}, {"f2", LT_F16}, {"i8", LT_I64}, {"i4", LT_I32},
    {"i2", LT_I16}, {"i1", LT_I8},  {"u1", LT_U8},  {"b1", LT_BOOL},
};

static const char *npy_descr(lt_dtype t) {
    switch (t) {
    case LT_F32: return "<f4";
    case LT_F64: return "<f8";
    case LT_F16: return "<f2";
    case LT_I64: return "<i8";
    case LT_I32: return "<i4";
    case LT_I16: return "<i2";
    case LT_I8: return "|i1";
    case LT_U8: return "|u1";
    case LT_BOOL: return "|b1";
    default: return NULL;
    }
}

static int npy_dtype(const char *descr, const char *what, lt_dtype *out, lt_err *err) {
    size_t n = strlen(descr);
    if (n == 3) {
        char order = descr[0];
        for (size_t i = 0; i < sizeof npy_types / sizeof *npy_types; i++) {
            if (strcmp(descr + 1, npy_types[i].code) != 0) continue;
            int one_byte = lt_dtype_size(npy_types[i].dtype) == 1;
            if (order == '<' || order == '=' || (one_byte && (order == '|' || order == '>'))) {
                *out = npy_types[i].dtype;
                return 0;
            }
            if (order == '>')
                return lt_fail(err, "%s: field 'descr': big-endian data ('%s') is not supported; "
                                    "re-save it little-endian (e.g. arr.astype('<%s'))",
                               what, descr, npy_types[i].code);
        }
    }
    return lt_fail(err, "%s: field 'descr': unsupported dtype '%s' (supported: <f4 <f8 <f2 <i8 "
                        "<i4 <i2 |i1 |u1 |b1)", what, descr);
}

/* ---- header parsing ------------------------------------------------------- */

typedef struct npy_hdr {
    const char *s;
    size_t n, i;
    const char *what;
    lt_err *err;
} npy_hdr;

static void hdr_ws(npy_hdr *h) {
    while (h->i < h->n && (h->s[h->i] == ' ' || h->s[h->i] == '\t' || h->s[h->i] == '\n' ||
                           h->s[h->i] == '\r'))
        h->i++;
}

static int hdr_bad(npy_hdr *h, const char *expect) {
    return lt_fail(h->err, "%s: malformed .npy header: expected %s at header byte %zu", h->what,
                   expect, h->i);
}

static int hdr_char(npy_hdr *h, char c) {
    hdr_ws(h);
    if (h->i >= h->n || h->s[h->i] != c) {
        char e[8] = {'\'', c, '\'', 0};
        return hdr_bad(h, e);
    }
    h->i++;
    return 0;
}

static int hdr_string(npy_hdr *h, char *out, size_t cap) {
    hdr_ws(h);
    if (h->i >= h->n || (h->s[h->i] != '\'' && h->s[h->i] != '"')) return hdr_bad(h, "a quoted string");
    char q = h->s[h->i++];
    size_t k = 0;
    while (h->i < h->n && h->s[h->i] != q) {
        if (h->s[h->i] == '\\' || k + 1 >= cap) return hdr_bad(h, "a short plain string");
        out[k++] = h->s[h->i++];
    }
    if (h->i >= h->n) return hdr_bad(h, "a closing quote");
    h->i++;
    out[k] = 0;
    return 0;
}

static int hdr_int(npy_hdr *h, int64_t *out) {
    hdr_ws(h);
    int64_t v = 0;
    size_t start = h->i;
    while (h->i < h->n && h->s[h->i] >= '0' && h->s[h->i] <= '9') {
        if (v > (INT64_MAX - 9) / 10) return hdr_bad(h, "a dimension below 2^63");
        v = v * 10 + (h->s[h->i++] - '0');
    }
    if (h->i == start) return hdr_bad(h, "a non-negative integer");
    if (h->i < h->n && h->s[h->i] == 'L') h->i++; /* Python 2 long */
    *out = v;
    return 0;
}

static int npy_parse_header(npy_hdr *h, lt_dtype *dtype, int *ndim, int64_t *shape) {
    int have_descr = 0, have_order = 0, have_shape = 0;
    if (hdr_char(h, '{')) return -1;
    for (;;) {
        hdr_ws(h);
        if (h->i < h->n && h->s[h->i] == '}') {
            h->i++;
            break;
        }
        char key[32];
        if (hdr_string(h, key, sizeof key) || hdr_char(h, ':')) return -1;
        hdr_ws(h);
        if (strcmp(key, "descr") == 0) {
            char descr[32];
            if (h->i < h->n && h->s[h->i] == '[')
                return lt_fail(h->err, "%s: field 'descr': structured dtypes are not supported",
                               h->what);
            if (hdr_string(h, descr, sizeof descr) || npy_dtype(descr, h->what, dtype, h->err))
                return -1;
            have_descr = 1;
        } else if (strcmp(key, "fortran_order") == 0) {
            if (h->n - h->i >= 5 && memcmp(h->s + h->i, "False", 5) == 0) {
                h->i += 5;
            } else if (h->n - h->i >= 4 && memcmp(h->s + h->i, "True", 4) == 0) {
                return lt_fail(h->err, "%s: field 'fortran_order' is True; only C-order arrays are "
                                       "supported (save with np.ascontiguousarray)", h->what);
            } else {
                return hdr_bad(h, "True or False");
            }
            have_order = 1;
        } else if (strcmp(key, "shape") == 0) {
            if (hdr_char(h, '(')) return -1;
            int nd = 0;
            for (;;) {
                hdr_ws(h);
                if (h->i < h->n && h->s[h->i] == ')') {
                    h->i++;
                    break;
                }
                if (nd >= LT_MAX_DIMS)
                    return lt_fail(h->err, "%s: field 'shape' has more than %d dimensions", h->what,
                                   LT_MAX_DIMS);
                if (hdr_int(h, &shape[nd])) return -1;
                nd++;
                hdr_ws(h);
                if (h->i < h->n && h->s[h->i] == ',') {
                    h->i++;
                } else if (h->i < h->n && h->s[h->i] == ')') {
                    h->i++;
                    break;
                } else {
                    return hdr_bad(h, "',' or ')' in the shape");
                }
            }
            *ndim = nd;
            have_shape = 1;
        } else {
            return lt_fail(h->err, "%s: malformed .npy header: unexpected key '%s'", h->what, key);
        }
        hdr_ws(h);
        if (h->i < h->n && h->s[h->i] == ',') {
            h->i++;
        } else if (h->i < h->n && h->s[h->i] == '}') {
            h->i++;
            break;
        } else {
            return hdr_bad(h, "',' or '}'");
        }
    }
    hdr_ws(h);
    if (h->i != h->n) return hdr_bad(h, "only padding after '}'");
    if (!have_descr || !have_order || !have_shape)
        return lt_fail(h->err, "%s: malformed .npy header: missing %s", h->what,
                       !have_descr ? "'descr'" : !have_order ? "'fortran_order'" : "'shape'");
    return 0;
}

/* ---- reading -------------------------------------------------------------- */

static void set_rollback(lt_tensor_set *set, size_t count) {
    while (set->count > count) lt_tensor_set_remove(set, set->count - 1);
}

int lt_npy_read_mem(const void *buf, size_t len, const char *what, lt_tensor_set *set,
                    const char *name, lt_err *err) {
    const uint8_t *p = buf;
    if (!what) what = "npy";
    if (!p || len < 10 || memcmp(p, "\x93NUMPY", 6) != 0)
        return lt_fail(err, "%s: not a .npy file (missing the \\x93NUMPY magic)", what);
    int major = p[6], minor = p[7];
    size_t hlen, hstart;
    if (major == 1) {
        hlen = (size_t)p[8] | (size_t)p[9] << 8;
        hstart = 10;
    } else if (major == 2 || major == 3) {
        if (len < 12) return lt_fail(err, "%s: truncated .npy header", what);
        hlen = (size_t)p[8] | (size_t)p[9] << 8 | (size_t)p[10] << 16 | (size_t)p[11] << 24;
        hstart = 12;
    } else {
        return lt_fail(err, "%s: unsupported .npy format version %d.%d (expected 1.0, 2.0 or 3.0)",
                       what, major, minor);
    }
    if (minor != 0)
        return lt_fail(err, "%s: unsupported .npy format version %d.%d", what, major, minor);
    if (hlen > LT_NPY_MAX_HEADER)
        return lt_fail(err, "%s: .npy header of %zu bytes exceeds the limit of %d", what, hlen,
                       LT_NPY_MAX_HEADER);
    if (hlen > len - hstart)
        return lt_fail(err, "%s: truncated .npy header: needs %zu bytes, file has %zu", what, hlen,
                       len - hstart);
    npy_hdr h = {(const char *)p + hstart, hlen, 0, what, err};
    lt_dtype dtype = LT_F32;
    int ndim = 0;
    int64_t shape[LT_MAX_DIMS];
    if (npy_parse_header(&h, &dtype, &ndim, shape)) return -1;

    size_t avail = len - hstart - hlen;
    uint64_t numel = 1;
    int overflow = 0;
    for (int i = 0; i < ndim; i++) overflow |= __builtin_mul_overflow(numel, (uint64_t)shape[i], &numel);
    uint64_t nbytes;
    overflow |= __builtin_mul_overflow(numel, (uint64_t)lt_dtype_size(dtype), &nbytes);
    char sh[160];
    lt_shape_str(ndim, shape, sh, sizeof sh);
    if (overflow || nbytes > avail)
        return lt_fail(err, "%s: truncated .npy data: shape %s of %s needs %s%llu bytes, file has %zu",
                       what, sh, lt_dtype_name(dtype), overflow ? "more than " : "",
                       overflow ? (unsigned long long)UINT64_MAX : (unsigned long long)nbytes, avail);
    if (nbytes < avail)
        return lt_fail(err, "%s: %zu unexpected bytes after the data of shape %s %s", what,
                       avail - (size_t)nbytes, sh, lt_dtype_name(dtype));
    if (!name) name = "";
    if (strlen(name) >= LT_MAX_NAME)
        return lt_fail(err, "%s: tensor name '%.60s...' is longer than %d bytes", what, name,
                       LT_MAX_NAME - 1);
    if (lt_tensor_set_find(set, name))
        return lt_fail(err, "%s: a tensor named '%s' is already loaded", what, name);
    void *owned = NULL;
    if (nbytes) {
        owned = malloc((size_t)nbytes);
        if (!owned) return lt_fail(err, "%s: out of memory for %llu bytes", what, (unsigned long long)nbytes);
        memcpy(owned, p + hstart + hlen, (size_t)nbytes);
    }
    if (!lt_tensor_set_add(set, name, dtype, ndim, shape, owned, (size_t)nbytes, owned)) {
        free(owned);
        return lt_fail(err, "%s: out of memory adding tensor '%s'", what, name);
    }
    return 0;
}

static int read_whole_file(const char *path, uint8_t **buf, size_t *len, lt_err *err) {
    FILE *f = fopen(path, "rb");
    if (!f) return lt_fail(err, "%s: cannot open: %m", path);
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(f);
        return lt_fail(err, "%s: not a regular file", path);
    }
    size_t n = (size_t)st.st_size;
    uint8_t *b = malloc(n ? n : 1);
    if (!b) {
        fclose(f);
        return lt_fail(err, "%s: out of memory for %zu bytes", path, n);
    }
    size_t got = fread(b, 1, n, f);
    int bad = ferror(f);
    fclose(f);
    if (bad || got != n) {
        free(b);
        return lt_fail(err, "%s: read error (got %zu of %zu bytes)", path, got, n);
    }
    *buf = b;
    *len = n;
    return 0;
}

int lt_npy_read_file(const char *path, lt_tensor_set *set, const char *name, lt_err *err) {
    uint8_t *buf = NULL;
    size_t len = 0;
    if (read_whole_file(path, &buf, &len, err)) return -1;
    int rc = lt_npy_read_mem(buf, len, path, set, name, err);
    free(buf);
    return rc;
}

/* ---- writing -------------------------------------------------------------- */

int lt_npy_write_file(const char *path, lt_dtype dtype, int ndim, const int64_t *shape,
                      const void *data, lt_err *err) {
    const char *descr = npy_descr(dtype);
    if (!descr)
        return lt_fail(err, "%s: dtype %s cannot be written as .npy", path, lt_dtype_name(dtype));
    if (ndim < 0 || ndim > LT_MAX_DIMS)
        return lt_fail(err, "%s: %d dimensions; .npy writer supports 0..%d", path, ndim, LT_MAX_DIMS);
    uint64_t numel = 1;
    for (int i = 0; i < ndim; i++) {
        if (shape[i] < 0) return lt_fail(err, "%s: negative dimension %lld", path, (long long)shape[i]);
        if (__builtin_mul_overflow(numel, (uint64_t)shape[i], &numel))
            return lt_fail(err, "%s: shape is too large", path);
    }
    uint64_t nbytes;
    if (__builtin_mul_overflow(numel, (uint64_t)lt_dtype_size(dtype), &nbytes) || nbytes > SIZE_MAX)
        return lt_fail(err, "%s: shape is too large", path);
    if (nbytes && !data) return lt_fail(err, "%s: no data to write", path);

    char hdr[512];
    int n = snprintf(hdr, sizeof hdr, "{'descr': '%s', 'fortran_order': False, 'shape': (", descr);
    for (int i = 0; i < ndim; i++)
        n += snprintf(hdr + n, sizeof hdr - (size_t)n, "%s%lld", i ? ", " : "", (long long)shape[i]);
    n += snprintf(hdr + n, sizeof hdr - (size_t)n, "%s), }", ndim == 1 ? "," : "");
    size_t total = 10 + (size_t)n + 1; /* magic+version+len, dict, '\n' */
    size_t pad = (64 - total % 64) % 64;
    size_t hlen = (size_t)n + pad + 1;
    memset(hdr + n, ' ', pad);
    hdr[hlen - 1] = '\n';

    uint8_t pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (uint8_t)(hlen & 0xff), (uint8_t)(hlen >> 8)};
    FILE *f = fopen(path, "wb");
    if (!f) return lt_fail(err, "%s: cannot create: %m", path);
    int ok = fwrite(pre, 1, sizeof pre, f) == sizeof pre && fwrite(hdr, 1, hlen, f) == hlen &&
             (nbytes == 0 || fwrite(data, 1, (size_t)nbytes, f) == (size_t)nbytes);
    if (fclose(f) != 0) ok = 0;
    if (!ok) {
        remove(path);
        return lt_fail(err, "%s: write error: %m", path);
    }
    return 0;
}

/* ---- zip helpers ---------------------------------------------------------- */

int lt_zip_open_file(const char *path, struct zip **za, uint64_t *archive_size, lt_err *err) {
    struct stat st;
    if (stat(path, &st) != 0) return lt_fail(err, "%s: cannot open: %m", path);
    if (!S_ISREG(st.st_mode)) return lt_fail(err, "%s: not a regular file", path);
    if (st.st_size == 0) return lt_fail(err, "%s: empty file, not a zip archive", path);
    int zerr = 0;
    zip_t *z = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &zerr);
    if (!z) {
        zip_error_t ze;
        zip_error_init_with_code(&ze, zerr);
        lt_fail(err, "%s: cannot read it as a zip archive (truncated or damaged?): %s", path,
                zip_error_strerror(&ze));
        zip_error_fini(&ze);
        return -1;
    }
    *za = z;
    *archive_size = (uint64_t)st.st_size;
    return 0;
}

int lt_zip_open_mem(const void *buf, size_t len, const char *what, struct zip **za,
                    uint64_t *archive_size, lt_err *err) {
    if (!buf || len == 0) return lt_fail(err, "%s: empty buffer, not a zip archive", what);
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(buf, len, 0, &ze);
    if (!src) {
        lt_fail(err, "%s: cannot wrap buffer: %s", what, zip_error_strerror(&ze));
        zip_error_fini(&ze);
        return -1;
    }
    zip_t *z = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
    if (!z) {
        lt_fail(err, "%s: cannot read it as a zip archive (truncated or damaged?): %s", what,
                zip_error_strerror(&ze));
        zip_error_fini(&ze);
        zip_source_free(src);
        return -1;
    }
    zip_error_fini(&ze);
    *za = z;
    *archive_size = len;
    return 0;
}

int lt_zip_read_index(struct zip *za, uint64_t index, uint64_t archive_size, const char *what,
                      void **data, size_t *len, lt_err *err) {
    zip_stat_t sb;
    zip_stat_init(&sb);
    if (zip_stat_index(za, index, 0, &sb) != 0)
        return lt_fail(err, "%s: cannot stat zip member %llu: %s", what, (unsigned long long)index,
                       zip_strerror(za));
    const char *mname = (sb.valid & ZIP_STAT_NAME) && sb.name ? sb.name : "?";
    uint64_t need = ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE | ZIP_STAT_COMP_METHOD;
    if ((sb.valid & need) != need)
        return lt_fail(err, "%s: zip member '%s': sizes are not known", what, mname);
    if ((sb.valid & ZIP_STAT_ENCRYPTION_METHOD) && sb.encryption_method != ZIP_EM_NONE)
        return lt_fail(err, "%s: zip member '%s' is encrypted", what, mname);
    if (sb.comp_size > archive_size)
        return lt_fail(err, "%s: zip member '%s' claims %llu compressed bytes in a %llu-byte archive",
                       what, mname, (unsigned long long)sb.comp_size, (unsigned long long)archive_size);
    if (sb.comp_method == ZIP_CM_STORE) {
        if (sb.size != sb.comp_size)
            return lt_fail(err, "%s: stored zip member '%s' has size %llu but %llu stored bytes", what,
                           mname, (unsigned long long)sb.size, (unsigned long long)sb.comp_size);
    } else if (sb.comp_method == ZIP_CM_DEFLATE) {
        /* deflate cannot expand by more than ~1032:1 */
        if (sb.size / 1032 > sb.comp_size + 1)
            return lt_fail(err, "%s: deflated zip member '%s' claims %llu bytes from %llu compressed "
                                "bytes, more than deflate can produce", what, mname,
                           (unsigned long long)sb.size, (unsigned long long)sb.comp_size);
    } else {
        return lt_fail(err, "%s: zip member '%s' uses compression method %d; only stored and "
                            "deflated members are supported", what, mname, (int)sb.comp_method);
    }
    if (sb.size > (uint64_t)SIZE_MAX / 2)
        return lt_fail(err, "%s: zip member '%s' is too large", what, mname);
    size_t n = (size_t)sb.size;
    uint8_t *buf = malloc(n ? n : 1);
    if (!buf) return lt_fail(err, "%s: out of memory for zip member '%s' (%zu bytes)", what, mname, n);
    zip_file_t *zf = zip_fopen_index(za, index, 0);
    if (!zf) {
        free(buf);
        return lt_fail(err, "%s: cannot open zip member '%s': %s", what, mname, zip_strerror(za));
    }
    size_t got = 0;
    for (;;) {
        uint8_t extra[16];
        uint8_t *dst = got < n ? buf + got : extra;
        size_t want = got < n ? n - got : sizeof extra;
        zip_int64_t r = zip_fread(zf, dst, want);
        if (r < 0) {
            lt_fail(err, "%s: zip member '%s' is corrupt: %s", what, mname, zip_file_strerror(zf));
            zip_fclose(zf);
            free(buf);
            return -1;
        }
        if (r == 0) break;
        if (got >= n) {
            got += (size_t)r;
            break;
        }
        got += (size_t)r;
    }
    int crc = zip_fclose(zf);
    if (got != n) {
        free(buf);
        return lt_fail(err, "%s: zip member '%s' holds %s%zu bytes but its header says %zu", what,
                       mname, got > n ? "more than " : "", got > n ? n : got, n);
    }
    if (crc != 0) {
        free(buf);
        return lt_fail(err, "%s: zip member '%s' is corrupt (checksum or read error)", what, mname);
    }
    *data = buf;
    *len = n;
    return 0;
}

/* ---- npz ------------------------------------------------------------------ */

static int ends_with_npy(const char *s, size_t *stem) {
    size_t n = strlen(s);
    if (n < 4 || strcmp(s + n - 4, ".npy") != 0) return 0;
    *stem = n - 4;
    return 1;
}

static int npz_load_member_index(zip_t *za, zip_uint64_t i, uint64_t asize, const char *what,
                                 const char *tname, lt_tensor_set *set, lt_err *err) {
    const char *mname = zip_get_name(za, i, ZIP_FL_ENC_RAW);
    void *data = NULL;
    size_t len = 0;
    if (lt_zip_read_index(za, i, asize, what, &data, &len, err)) return -1;
    char mwhat[512];
    snprintf(mwhat, sizeof mwhat, "%s: member '%s'", what, mname ? mname : "?");
    int rc = lt_npy_read_mem(data, len, mwhat, set, tname, err);
    free(data);
    return rc;
}

static int npz_load_all(zip_t *za, uint64_t asize, const char *what, lt_tensor_set *set, lt_err *err) {
    size_t start = set->count;
    zip_int64_t n = zip_get_num_entries(za, 0);
    for (zip_int64_t i = 0; i < n; i++) {
        const char *mname = zip_get_name(za, (zip_uint64_t)i, ZIP_FL_ENC_RAW);
        size_t stem;
        if (!mname || !ends_with_npy(mname, &stem)) continue;
        char tname[LT_MAX_NAME];
        if (stem >= sizeof tname) {
            set_rollback(set, start);
            return lt_fail(err, "%s: member name '%.60s...' is longer than %d bytes", what, mname,
                           LT_MAX_NAME - 1);
        }
        memcpy(tname, mname, stem);
        tname[stem] = 0;
        if (npz_load_member_index(za, (zip_uint64_t)i, asize, what, tname, set, err)) {
            set_rollback(set, start);
            return -1;
        }
    }
    return 0;
}

int lt_npz_load(const char *path, lt_tensor_set *set, lt_err *err) {
    zip_t *za = NULL;
    uint64_t asize = 0;
    if (lt_zip_open_file(path, &za, &asize, err)) return -1;
    int rc = npz_load_all(za, asize, path, set, err);
    zip_discard(za);
    return rc;
}

int lt_npz_load_mem(const void *buf, size_t len, const char *what, lt_tensor_set *set, lt_err *err) {
    zip_t *za = NULL;
    uint64_t asize = 0;
    if (!what) what = "npz";
    if (lt_zip_open_mem(buf, len, what, &za, &asize, err)) return -1;
    int rc = npz_load_all(za, asize, what, set, err);
    zip_discard(za);
    return rc;
}

static int npz_names(zip_t *za, const char *what, char ***names, int *count, lt_err *err) {
    zip_int64_t n = zip_get_num_entries(za, 0);
    char **out = calloc((size_t)(n > 0 ? n : 1), sizeof *out);
    if (!out) return lt_fail(err, "%s: out of memory", what);
    int k = 0;
    for (zip_int64_t i = 0; i < n; i++) {
        const char *mname = zip_get_name(za, (zip_uint64_t)i, ZIP_FL_ENC_RAW);
        size_t stem;
        if (!mname || !ends_with_npy(mname, &stem)) continue;
        out[k] = strndup(mname, stem);
        if (!out[k]) {
            lt_npz_names_free(out, k);
            return lt_fail(err, "%s: out of memory", what);
        }
        k++;
    }
    *names = out;
    *count = k;
    return 0;
}

void lt_npz_names_free(char **names, int count) {
    if (!names) return;
    for (int i = 0; i < count; i++) free(names[i]);
    free(names);
}

int lt_npz_list(const char *path, char ***names, int *count, lt_err *err) {
    zip_t *za = NULL;
    uint64_t asize = 0;
    if (lt_zip_open_file(path, &za, &asize, err)) return -1;
    int rc = npz_names(za, path, names, count, err);
    zip_discard(za);
    return rc;
}

int lt_npz_load_member(const char *path, const char *member, lt_tensor_set *set, const char *name,
                       lt_err *err) {
    zip_t *za = NULL;
    uint64_t asize = 0;
    if (lt_zip_open_file(path, &za, &asize, err)) return -1;
    char mname[LT_MAX_NAME + 8];
    snprintf(mname, sizeof mname, "%s.npy", member);
    zip_int64_t idx = zip_name_locate(za, mname, ZIP_FL_ENC_RAW);
    if (idx < 0) {
        char avail[700] = "";
        size_t off = 0;
        zip_int64_t n = zip_get_num_entries(za, 0);
        int shown = 0;
        for (zip_int64_t i = 0; i < n; i++) {
            const char *e = zip_get_name(za, (zip_uint64_t)i, ZIP_FL_ENC_RAW);
            size_t stem;
            if (!e || !ends_with_npy(e, &stem)) continue;
            if (off + stem + 8 >= sizeof avail) {
                snprintf(avail + off, sizeof avail - off, ", ...");
                break;
            }
            off += (size_t)snprintf(avail + off, sizeof avail - off, "%s%.*s", shown ? ", " : "",
                                    (int)stem, e);
            shown++;
        }
        zip_discard(za);
        return lt_fail(err, "%s: no member '%s' in this archive; available: %s", path, member,
                       shown ? avail : "(none)");
    }
    int rc = npz_load_member_index(za, (zip_uint64_t)idx, asize, path, name ? name : member, set, err);
    zip_discard(za);
    return rc;
}
