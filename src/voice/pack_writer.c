/* pack_writer.c — a voice pack as a torch.save archive (see pack_writer.h). */
#include "voice/pack_writer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zip.h>

typedef struct pk_buf {
    uint8_t *d;
    size_t n, cap;
    int oom;
} pk_buf;

static void put(pk_buf *b, const void *p, size_t n) {
    if (b->oom) return;
    if (b->n + n > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 512;
        while (cap < b->n + n) cap *= 2;
        uint8_t *nd = realloc(b->d, cap);
        if (!nd) {
            b->oom = 1;
            return;
        }
        b->d = nd;
        b->cap = cap;
    }
    memcpy(b->d + b->n, p, n);
    b->n += n;
}
static void op(pk_buf *b, uint8_t c) { put(b, &c, 1); }
static void global(pk_buf *b, const char *module, const char *name) {
    op(b, 'c');
    put(b, module, strlen(module));
    op(b, '\n');
    put(b, name, strlen(name));
    op(b, '\n');
}
static void unicode(pk_buf *b, const char *s) { /* BINUNICODE */
    uint32_t n = (uint32_t)strlen(s);
    uint8_t le[4] = {(uint8_t)n, (uint8_t)(n >> 8), (uint8_t)(n >> 16), (uint8_t)(n >> 24)};
    op(b, 'X');
    put(b, le, 4);
    put(b, s, n);
}
static void integer(pk_buf *b, int64_t v) { /* BININT (signed 32-bit) */
    uint32_t u = (uint32_t)(int32_t)v;
    uint8_t le[4] = {(uint8_t)u, (uint8_t)(u >> 8), (uint8_t)(u >> 16), (uint8_t)(u >> 24)};
    op(b, 'J');
    put(b, le, 4);
}

/* torch._utils._rebuild_tensor_v2(storage, 0, (rows, 1, width), (width, width, 1), False, OrderedDict()) */
static void pickle_tensor(pk_buf *b, int rows, int width) {
    op(b, 0x80); op(b, 2);                          /* PROTO 2 */
    global(b, "torch._utils", "_rebuild_tensor_v2");
    op(b, '(');                                     /* MARK: the arguments */
    op(b, '(');                                     /* MARK: the persistent id */
    unicode(b, "storage");
    global(b, "torch", "FloatStorage");
    unicode(b, "0");
    unicode(b, "cpu");
    integer(b, (int64_t)rows * width);
    op(b, 't');                                     /* TUPLE */
    op(b, 'Q');                                     /* BINPERSID */
    integer(b, 0);                                  /* storage offset */
    integer(b, rows); integer(b, 1); integer(b, width);
    op(b, 0x87);                                    /* TUPLE3: size */
    integer(b, width); integer(b, width); integer(b, 1);
    op(b, 0x87);                                    /* TUPLE3: stride */
    op(b, 0x89);                                    /* NEWFALSE: requires_grad */
    global(b, "collections", "OrderedDict");
    op(b, ')');                                     /* EMPTY_TUPLE */
    op(b, 'R');                                     /* REDUCE: OrderedDict() */
    op(b, 't');                                     /* TUPLE: the arguments */
    op(b, 'R');                                     /* REDUCE */
    op(b, '.');                                     /* STOP */
}

static int add_record(zip_t *z, const char *name, const char *rec, const void *data, size_t len, lt_err *err) {
    char path[256];
    snprintf(path, sizeof path, "%s/%s", name, rec);
    zip_source_t *src = zip_source_buffer(z, data, len, 0);
    if (!src) return lt_fail(err, "pack writer: %s", zip_strerror(z));
    zip_int64_t i = zip_file_add(z, path, src, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE);
    if (i < 0) {
        zip_source_free(src);
        return lt_fail(err, "pack writer: %s: %s", path, zip_strerror(z));
    }
    if (zip_set_file_compression(z, (zip_uint64_t)i, ZIP_CM_STORE, 0))
        return lt_fail(err, "pack writer: %s: %s", path, zip_strerror(z));
    return 0;
}

static int name_ok(const char *s) {
    if (!*s || strlen(s) > 100) return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_' ||
              *s == '-'))
            return 0;
    return 1;
}

int lt_pack_write_pt_mem(const lt_voice_pack *p, const char *name, uint8_t **out, size_t *len, lt_err *err) {
    *out = NULL;
    *len = 0;
    if (!name) name = "archive";
    if (!name_ok(name)) return lt_fail(err, "pack writer: archive name '%s' is not valid", name);
    if (!p || !p->data || p->rows <= 0 || p->width <= 0) return lt_fail(err, "pack writer: empty pack");
    size_t n = (size_t)p->rows * (size_t)p->width;
    uint8_t *raw = malloc(n * 4);
    pk_buf pkl = {0};
    pickle_tensor(&pkl, p->rows, p->width);
    if (!raw || pkl.oom) {
        free(raw);
        free(pkl.d);
        return lt_fail(err, "pack writer: out of memory");
    }
    for (size_t i = 0; i < n; i++) { /* little-endian whatever the host */
        uint32_t u;
        memcpy(&u, &p->data[i], 4);
        raw[4 * i] = (uint8_t)u;
        raw[4 * i + 1] = (uint8_t)(u >> 8);
        raw[4 * i + 2] = (uint8_t)(u >> 16);
        raw[4 * i + 3] = (uint8_t)(u >> 24);
    }
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *mem = zip_source_buffer_create(NULL, 0, 0, &ze);
    zip_t *z = NULL;
    int rc = -1;
    if (!mem) {
        lt_fail(err, "pack writer: %s", zip_error_strerror(&ze));
        goto done;
    }
    zip_source_keep(mem);
    z = zip_open_from_source(mem, ZIP_TRUNCATE, &ze);
    if (!z) {
        lt_fail(err, "pack writer: %s", zip_error_strerror(&ze));
        goto done;
    }
    if (add_record(z, name, "data.pkl", pkl.d, pkl.n, err) || add_record(z, name, "byteorder", "little", 6, err) ||
        add_record(z, name, "data/0", raw, n * 4, err) || add_record(z, name, "version", "3\n", 2, err)) {
        zip_discard(z);
        z = NULL;
        goto done;
    }
    if (zip_close(z)) {
        lt_fail(err, "pack writer: %s", zip_strerror(z));
        zip_discard(z);
        z = NULL;
        goto done;
    }
    z = NULL;
    zip_stat_t st;
    if (zip_source_stat(mem, &st) || zip_source_open(mem)) {
        lt_fail(err, "pack writer: cannot read the archive back");
        goto done;
    }
    *out = malloc(st.size ? st.size : 1);
    if (*out && zip_source_read(mem, *out, st.size) == (zip_int64_t)st.size) {
        *len = st.size;
        rc = 0;
    } else {
        free(*out);
        *out = NULL;
        lt_fail(err, "pack writer: out of memory");
    }
    zip_source_close(mem);
done:
    if (mem) zip_source_free(mem);
    free(raw);
    free(pkl.d);
    return rc;
}

int lt_pack_write_pt(const lt_voice_pack *p, const char *name, const char *path, lt_err *err) {
    uint8_t *buf;
    size_t len;
    if (lt_pack_write_pt_mem(p, name, &buf, &len, err)) return -1;
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "wb");
    int ok = f && fwrite(buf, 1, len, f) == len;
    if (f && fclose(f)) ok = 0;
    free(buf);
    if (!ok || rename(tmp, path)) {
        unlink(tmp);
        return lt_fail(err, "%s: cannot write: %m", path);
    }
    return 0;
}
