/* test_loaders.c — tests of the file-format loaders: .npy/.npz (npy.c), the
 * restricted unpickler (pickle.c), PyTorch checkpoints (pth.c) and voice packs
 * (voice_pack.c), against the real files in $LT_SHARED and against hostile,
 * hand-built and truncated inputs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include "engine/npy.h"
#include "engine/pickle.h"
#include "engine/pth.h"
#include "engine/tensor.h"
#include "voice/voice_pack.h"

/* ---- helpers -------------------------------------------------------------- */

static char g_tmp[512]; /* scratch directory for written files */

static const char *shared_path(const char *rel) {
    static char buf[8][1024];
    static int k;
    const char *root = getenv("LT_SHARED");
    char *b = buf[k++ % 8];
    snprintf(b, sizeof buf[0], "%s/%s", root ? root : "../shared", rel);
    return b;
}

static const char *tmp_path(const char *name) {
    static char buf[4][1024];
    static int k;
    char *b = buf[k++ % 4];
    snprintf(b, sizeof buf[0], "%s/%s", g_tmp, name);
    return b;
}

static uint8_t *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) fail_msg("cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *b = malloc((size_t)n + 1);
    assert_non_null(b);
    assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return b;
}

static void spit(const char *path, const void *data, size_t len) {
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static uint8_t *zip_member(const char *path, const char *name, size_t *len) {
    int e = 0;
    zip_t *za = zip_open(path, ZIP_RDONLY, &e);
    assert_non_null(za);
    zip_stat_t sb;
    assert_int_equal(zip_stat(za, name, 0, &sb), 0);
    uint8_t *b = malloc(sb.size + 1);
    zip_file_t *zf = zip_fopen(za, name, 0);
    assert_non_null(zf);
    assert_int_equal(zip_fread(zf, b, sb.size), (zip_int64_t)sb.size);
    zip_fclose(zf);
    zip_discard(za);
    *len = sb.size;
    return b;
}

/* Write a zip with the given members (stored unless deflate) and return its bytes. */
typedef struct member { const char *name; const void *data; size_t len; } member;
static uint8_t *make_zip(const char *fname, const member *m, int n, int deflate, size_t *len) {
    const char *path = tmp_path(fname);
    int e = 0;
    zip_t *za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &e);
    assert_non_null(za);
    for (int i = 0; i < n; i++) {
        zip_source_t *s = zip_source_buffer(za, m[i].data, m[i].len, 0);
        assert_non_null(s);
        zip_int64_t idx = zip_file_add(za, m[i].name, s, ZIP_FL_OVERWRITE);
        assert_true(idx >= 0);
        zip_set_file_compression(za, (zip_uint64_t)idx, deflate ? ZIP_CM_DEFLATE : ZIP_CM_STORE, 0);
    }
    assert_int_equal(zip_close(za), 0);
    return slurp(path, len);
}

static const lt_tensor *find(const lt_tensor_set *s, const char *name) {
    const lt_tensor *t = lt_tensor_set_find(s, name);
    if (!t) fail_msg("tensor '%s' not found", name);
    return t;
}

static void assert_shape(const lt_tensor *t, int nd, const int64_t *shape) {
    assert_int_equal(t->ndim, nd);
    for (int i = 0; i < nd; i++) assert_int_equal(t->shape[i], shape[i]);
}

static void assert_msg_has(const lt_err *e, const char *needle) {
    if (!strstr(e->msg, needle)) fail_msg("error message '%s' lacks '%s'", e->msg, needle);
}

static int have_shared(void) {
    struct stat st;
    return stat(shared_path("kokoro-golden/tiny/kokoro-tiny.pth"), &st) == 0;
}
#define NEED_SHARED()                                                                          \
    do {                                                                                       \
        if (!have_shared()) {                                                                  \
            print_message("LT_SHARED data not found; skipping\n");                             \
            skip();                                                                            \
        }                                                                                      \
    } while (0)

/* ---- a tiny pickle writer for hand-built checkpoints ---------------------- */

typedef struct pb { uint8_t b[16384]; size_t n; } pb;
static void pb_raw(pb *p, const void *d, size_t n) {
    assert_true(p->n + n <= sizeof p->b);
    memcpy(p->b + p->n, d, n);
    p->n += n;
}
static void pb_op(pb *p, uint8_t op) { pb_raw(p, &op, 1); }
static void pb_global(pb *p, const char *mod, const char *name) {
    pb_op(p, 'c');
    pb_raw(p, mod, strlen(mod));
    pb_op(p, '\n');
    pb_raw(p, name, strlen(name));
    pb_op(p, '\n');
}
static void pb_str(pb *p, const char *s) {
    uint32_t n = (uint32_t)strlen(s);
    uint8_t h[5] = {'X', (uint8_t)n, (uint8_t)(n >> 8), (uint8_t)(n >> 16), (uint8_t)(n >> 24)};
    pb_raw(p, h, 5);
    pb_raw(p, s, n);
}
static void pb_int(pb *p, int64_t v) {
    if (v >= 0 && v < 256) {
        uint8_t h[2] = {'K', (uint8_t)v};
        pb_raw(p, h, 2);
    } else {
        uint8_t h[10] = {0x8a, 8};
        for (int i = 0; i < 8; i++) h[2 + i] = (uint8_t)((uint64_t)v >> (8 * i));
        pb_raw(p, h, 10);
    }
}
static void pb_tensor(pb *p, const char *stype, const char *key, int64_t numel, int64_t off, int nd,
                      const int64_t *shape, const int64_t *stride) {
    pb_global(p, "torch._utils", "_rebuild_tensor_v2");
    pb_op(p, '(');
    pb_op(p, '(');
    pb_str(p, "storage");
    pb_global(p, "torch", stype);
    pb_str(p, key);
    pb_str(p, "cpu");
    pb_int(p, numel);
    pb_op(p, 't');
    pb_op(p, 'Q');
    pb_int(p, off);
    pb_op(p, '(');
    for (int i = 0; i < nd; i++) pb_int(p, shape[i]);
    pb_op(p, 't');
    pb_op(p, '(');
    for (int i = 0; i < nd; i++) pb_int(p, stride[i]);
    pb_op(p, 't');
    pb_op(p, 0x89);
    pb_global(p, "collections", "OrderedDict");
    pb_op(p, ')');
    pb_op(p, 'R');
    pb_op(p, 't');
    pb_op(p, 'R');
}

/* A checkpoint "<prefix>/..." with data.pkl = p and one float storage "0" of
 * n floats 0, 1, 2, ... (plus optional byteorder record). */
static uint8_t *make_pth(const char *prefix, const pb *p, int nfloats, const char *byteorder,
                         size_t *len) {
    static float data[64];
    for (int i = 0; i < 64; i++) data[i] = (float)i;
    char n_pkl[64], n_data[64], n_bo[64], n_ver[64];
    snprintf(n_pkl, sizeof n_pkl, "%s/data.pkl", prefix);
    snprintf(n_bo, sizeof n_bo, "%s/byteorder", prefix);
    snprintf(n_data, sizeof n_data, "%s/data/0", prefix);
    snprintf(n_ver, sizeof n_ver, "%s/version", prefix);
    member m[4] = {{n_pkl, p->b, p->n}, {n_ver, "3\n", 2}, {n_data, data, (size_t)nfloats * 4},
                   {n_bo, byteorder, byteorder ? strlen(byteorder) : 0}};
    return make_zip("hand.pth", m, byteorder ? 4 : 3, 0, len);
}

/* ---- npy ------------------------------------------------------------------ */

static void test_npy_golden(void **state) {
    (void)state;
    NEED_SHARED();
    lt_tensor_set s;
    lt_tensor_set_init(&s);
    lt_err e;
    assert_int_equal(lt_npy_read_file(shared_path("kokoro-golden/recipe-check.npy"), &s, "rc", &e), 0);
    assert_int_equal(lt_npy_read_file(shared_path("kokoro-golden/tiny/case1/input_ids.npy"), &s,
                                      "ids", &e), 0);
    const lt_tensor *rc = find(&s, "rc");
    assert_int_equal(rc->dtype, LT_F32);
    assert_shape(rc, 2, (int64_t[]){3, 8});
    /* first value of decoder.generator.conv_post.weight_v, per the recipe */
    assert_true(((float *)rc->data)[0] == -0.05228933319449425f);
    const lt_tensor *ids = find(&s, "ids");
    assert_int_equal(ids->dtype, LT_I64);
    assert_shape(ids, 1, (int64_t[]){32});
    assert_int_equal(((int64_t *)ids->data)[0], 0); /* input_ids start with the pad 0 */
    assert_int_equal(((int64_t *)ids->data)[31], 0);

    /* writing it back gives byte-identical files (same header as numpy.save) */
    assert_int_equal(lt_npy_write_file(tmp_path("rc.npy"), LT_F32, 2, rc->shape, rc->data, &e), 0);
    size_t la, lb;
    uint8_t *a = slurp(shared_path("kokoro-golden/recipe-check.npy"), &la);
    uint8_t *b = slurp(tmp_path("rc.npy"), &lb);
    assert_int_equal(la, lb);
    assert_memory_equal(a, b, la);
    free(a);
    free(b);
    lt_tensor_set_free(&s);
}

static void test_npy_roundtrip(void **state) {
    (void)state;
    const lt_dtype types[] = {LT_F32, LT_F64, LT_F16, LT_I64, LT_I32, LT_I16, LT_I8, LT_U8, LT_BOOL};
    const int64_t shapes[][3] = {{0, 0, 0}, {5, 0, 0}, {2, 3, 4}, {0, 7, 0}};
    const int ndims[] = {0, 1, 3, 2};
    uint8_t src[2 * 3 * 4 * 8];
    for (size_t i = 0; i < sizeof src; i++) src[i] = (uint8_t)(i * 37 + 11) & 0x7f;
    for (size_t i = 0; i < sizeof src; i++) src[i] &= 1; /* valid bools everywhere */
    for (size_t i = 0; i < sizeof src; i += 3) src[i] = (uint8_t)(i & 0x3f);
    for (size_t ti = 0; ti < sizeof types / sizeof *types; ti++) {
        for (int si = 0; si < 4; si++) {
            lt_err e;
            char name[32];
            snprintf(name, sizeof name, "rt%zu_%d.npy", ti, si);
            assert_int_equal(lt_npy_write_file(tmp_path(name), types[ti], ndims[si], shapes[si], src, &e),
                             0);
            lt_tensor_set s;
            lt_tensor_set_init(&s);
            if (lt_npy_read_file(tmp_path(name), &s, "x", &e)) fail_msg("%s", e.msg);
            const lt_tensor *t = find(&s, "x");
            assert_int_equal(t->dtype, types[ti]);
            assert_shape(t, ndims[si], shapes[si]);
            size_t nb = lt_dtype_bytes(types[ti], lt_shape_numel(ndims[si], shapes[si]));
            assert_int_equal(t->nbytes, nb);
            if (nb) assert_memory_equal(t->data, src, nb);
            /* header is padded to a multiple of 64 bytes, like numpy.save */
            size_t len;
            uint8_t *raw = slurp(tmp_path(name), &len);
            assert_int_equal((len - nb) % 64, 0);
            free(raw);
            lt_tensor_set_free(&s);
        }
    }
    lt_err e;
    assert_int_equal(lt_npy_write_file(tmp_path("q.npy"), LT_Q8_0, 1, (int64_t[]){32}, src, &e), -1);
    assert_msg_has(&e, "q8_0");
}

static void npy_expect_fail(const char *hdr, size_t datalen, const char *needle) {
    uint8_t buf[512] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
    size_t hl = strlen(hdr);
    buf[8] = (uint8_t)hl;
    buf[9] = 0;
    memcpy(buf + 10, hdr, hl);
    lt_tensor_set s;
    lt_tensor_set_init(&s);
    lt_err e;
    assert_int_equal(lt_npy_read_mem(buf, 10 + hl + datalen, "hostile.npy", &s, "x", &e), -1);
    assert_int_equal(s.count, 0);
    assert_msg_has(&e, "hostile.npy");
    assert_msg_has(&e, needle);
    lt_tensor_set_free(&s);
}

static void test_npy_refusals(void **state) {
    (void)state;
    npy_expect_fail("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }\n", 16, "fortran_order");
    npy_expect_fail("{'descr': '>f4', 'fortran_order': False, 'shape': (2, 2), }\n", 16, "big-endian");
    npy_expect_fail("{'descr': '<c8', 'fortran_order': False, 'shape': (2,), }\n", 16, "'<c8'");
    npy_expect_fail("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }\n", 8,
                    "structured");
    npy_expect_fail("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }\n", 15, "truncated");
    npy_expect_fail("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }\n", 17, "unexpected");
    npy_expect_fail("{'descr': '<f4', 'fortran_order': False, }\n", 4, "'shape'");
    npy_expect_fail("{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, 4), }\n",
                    4, "truncated");
    npy_expect_fail("{'descr': '<f4', 'fortran_order': False, 'shape': (1,1,1,1,1,1,1,1,1), }\n", 4,
                    "dimensions");
    /* a big-endian 1-byte type is fine */
    uint8_t ok[] = "\x93NUMPY\x01\x00\x3c\x00{'descr': '>u1', 'fortran_order': False, 'shape': (3,), }  \n\x01\x02\x03";
    lt_tensor_set s;
    lt_tensor_set_init(&s);
    lt_err e;
    if (lt_npy_read_mem(ok, sizeof ok - 1, "u1", &s, "x", &e)) fail_msg("%s", e.msg);
    assert_int_equal(find(&s, "x")->dtype, LT_U8);
    lt_tensor_set_free(&s);
}

static void test_npy_truncated(void **state) {
    (void)state;
    NEED_SHARED();
    size_t len;
    uint8_t *b = slurp(shared_path("kokoro-golden/tiny/case1/ref_s.npy"), &len);
    lt_tensor_set s;
    lt_tensor_set_init(&s);
    lt_err e;
    for (size_t cut = 0; cut < len; cut++) {
        assert_int_equal(lt_npy_read_mem(b, cut, "ref_s.npy", &s, "x", &e), -1);
        assert_int_equal(s.count, 0);
    }
    assert_int_equal(lt_npy_read_mem(b, len, "ref_s.npy", &s, "x", &e), 0);
    lt_tensor_set_free(&s);
    free(b);
}

static void test_npz_voices_tiny(void **state) {
    (void)state;
    NEED_SHARED();
    const char *npz = shared_path("kokoro-golden/tiny/voices/voices-tiny.npz");
    lt_tensor_set s;
    lt_tensor_set_init(&s);
    lt_err e;
    if (lt_npz_load(npz, &s, &e)) fail_msg("%s", e.msg);
    assert_int_equal(s.count, 3);
    const char *names[] = {"af_sky", "am_adam", "bf_emma"};
    for (int i = 0; i < 3; i++) {
        const lt_tensor *t = find(&s, names[i]);
        assert_int_equal(t->dtype, LT_F32);
        assert_shape(t, 3, (int64_t[]){510, 1, 64});
        char rel[128];
        snprintf(rel, sizeof rel, "kokoro-golden/tiny/voices/%s.bin", names[i]);
        size_t len;
        uint8_t *raw = slurp(shared_path(rel), &len);
        assert_int_equal(len, t->nbytes);
        assert_memory_equal(raw, t->data, len);
        free(raw);
    }
    /* loading into a set that already holds those names is refused, set unchanged */
    assert_int_equal(lt_npz_load(npz, &s, &e), -1);
    assert_int_equal(s.count, 3);
    lt_tensor_set_free(&s);

    char **list;
    int count;
    assert_int_equal(lt_voice_pack_list_npz(npz, &list, &count, &e), 0);
    assert_int_equal(count, 3);
    for (int i = 0; i < 3; i++) assert_string_equal(list[i], names[i]);
    lt_voice_pack_names_free(list, count);

    /* the truncated archive never loads */
    size_t len;
    uint8_t *b = slurp(npz, &len);
    for (size_t k = 0; k < 240; k++) {
        size_t cut = k < 120 ? k * 7 : len - 1 - (k - 120) * 131;
        lt_tensor_set_init(&s);
        assert_int_equal(lt_npz_load_mem(b, cut, "voices-tiny.npz", &s, &e), -1);
        assert_int_equal(s.count, 0);
    }
    lt_tensor_set_init(&s);
    assert_int_equal(lt_npz_load_mem(b, len, "voices-tiny.npz", &s, &e), 0);
    assert_int_equal(s.count, 3);
    lt_tensor_set_free(&s);
    /* a corrupted data byte is caught by the CRC */
    b[200000] ^= 0x40;
    lt_tensor_set_init(&s);
    assert_int_equal(lt_npz_load_mem(b, len, "voices-tiny.npz", &s, &e), -1);
    assert_int_equal(s.count, 0);
    assert_msg_has(&e, "am_adam.npy");
    lt_tensor_set_free(&s);
    free(b);
}

/* ---- pickle --------------------------------------------------------------- */

static void test_pickle_refuses_globals(void **state) {
    (void)state;
    lt_pickle p;
    lt_err e;
    static const char proto2[] = "\x80\x02" "cos\nsystem\nq\x00X\x02\x00\x00\x00lsq\x01\x85q\x02Rq\x03.";
    assert_int_equal(lt_pickle_load(proto2, sizeof proto2 - 1, "evil.pkl", &p, &e), -1);
    assert_msg_has(&e, "evil.pkl");
    assert_msg_has(&e, "unpickler: refused global 'os.system'");
    /* protocol 4 STACK_GLOBAL */
    static const char proto4[] =
        "\x80\x04\x95\x1a\x00\x00\x00\x00\x00\x00\x00\x8c\x08" "builtins\x94\x8c\x04" "eval\x94\x93\x94.";
    assert_int_equal(lt_pickle_load(proto4, sizeof proto4 - 1, "evil4.pkl", &p, &e), -1);
    assert_msg_has(&e, "refused global 'builtins.eval'");
    /* a torch name that is not on the list */
    static const char t[] = "\x80\x02" "ctorch.serialization\nload\n.";
    assert_int_equal(lt_pickle_load(t, sizeof t - 1, "t.pkl", &p, &e), -1);
    assert_msg_has(&e, "refused global 'torch.serialization.load'");
    /* INST and OBJ build arbitrary objects */
    static const char inst[] = "(ios\nsystem\n.";
    assert_int_equal(lt_pickle_load(inst, sizeof inst - 1, "i.pkl", &p, &e), -1);
    assert_msg_has(&e, "refused");
}

static void test_pickle_values(void **state) {
    (void)state;
    /* {'a': [1, -2, 3.5, None, True], 'b': (b'xy', 70000, -300)} via several opcodes, with
     * memo, protocol-0 INT/LONG/FLOAT and LONG1 */
    static const char pk[] =
        "\x80\x02}q\x00(X\x01\x00\x00\x00" "aq\x01]q\x02(K\x01J\xfe\xff\xff\xffG@\x0c\x00\x00\x00\x00\x00\x00"
        "N\x88" "eU\x01" "b(C\x02xyI70000\nL-300L\ntu" "g1\n" "h\x02s.";
    lt_pickle p;
    lt_err e;
    if (lt_pickle_load(pk, sizeof pk - 1, "v.pkl", &p, &e)) fail_msg("%s", e.msg);
    const lt_pk_value *r = p.root;
    assert_int_equal(r->kind, LT_PK_DICT);
    const lt_pk_value *a = lt_pk_dict_get(r, "a");
    assert_non_null(a);
    assert_int_equal(a->kind, LT_PK_LIST);
    assert_int_equal(a->u.seq.count, 5);
    assert_int_equal(a->u.seq.items[0]->u.i, 1);
    assert_int_equal(a->u.seq.items[1]->u.i, -2);
    assert_true(a->u.seq.items[2]->u.f == 3.5);
    assert_int_equal(a->u.seq.items[3]->kind, LT_PK_NONE);
    assert_int_equal(a->u.seq.items[4]->kind, LT_PK_BOOL);
    const lt_pk_value *b = lt_pk_dict_get(r, "b");
    assert_int_equal(b->kind, LT_PK_TUPLE);
    assert_int_equal(b->u.seq.count, 3);
    assert_int_equal(b->u.seq.items[0]->kind, LT_PK_BYTES);
    assert_string_equal(b->u.seq.items[0]->u.str.s, "xy");
    assert_int_equal(b->u.seq.items[1]->u.i, 70000);
    assert_int_equal(b->u.seq.items[2]->u.i, -300);
    /* memo GET 1 -> 'a', BINGET 2 -> the list: r['a'] (last wins) is the list again */
    assert_ptr_equal(lt_pk_dict_get(r, "a"), a);
    lt_pickle_free(&p);

    /* bounds: unmatched stack pops, bad memo, deep nesting, missing STOP */
    static const char *bad[] = {"\x80\x02t.", "\x80\x02h\x05.", "\x80\x02K\x01", "\x80\x09N.",
                                "\x80\x02K\x01K\x02K\x03s.", "\x80\x02N\x8f."};
    static const char *why[] = {"no MARK", "memo entry 5", "STOP", "protocol 9", "SETITEM on a int",
                                "unsupported opcode 0x8f"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        assert_int_equal(lt_pickle_load(bad[i], strlen(bad[i]), "b.pkl", &p, &e), -1);
        assert_msg_has(&e, why[i]);
    }
    char deep[300];
    size_t n = 0;
    deep[n++] = (char)0x80;
    deep[n++] = 2;
    deep[n++] = 'N';
    for (int i = 0; i < 100; i++) deep[n++] = (char)0x85; /* TUPLE1 */
    deep[n++] = '.';
    assert_int_equal(lt_pickle_load(deep, n, "deep.pkl", &p, &e), -1);
    assert_msg_has(&e, "nested deeper");
    memset(deep, '(', sizeof deep);
    assert_int_equal(lt_pickle_load(deep, sizeof deep, "marks.pkl", &p, &e), -1);
    assert_msg_has(&e, "MARK");
}

static void test_pickle_truncated(void **state) {
    (void)state;
    NEED_SHARED();
    size_t len;
    uint8_t *pk = zip_member(shared_path("kokoro-golden/tiny/voice.pt"), "voice/data.pkl", &len);
    lt_pickle p;
    lt_err e;
    assert_int_equal(lt_pickle_load(pk, len, "voice.pkl", &p, &e), 0);
    assert_int_equal(p.root->kind, LT_PK_TENSOR);
    assert_string_equal(p.root->u.tensor.storage->u.storage.key, "0");
    assert_int_equal(p.root->u.tensor.storage->u.storage.numel, 32640);
    lt_pickle_free(&p);
    for (size_t cut = 0; cut < len; cut++) {
        assert_int_equal(lt_pickle_load(pk, cut, "voice.pkl", &p, &e), -1);
        assert_non_null(strstr(e.msg, "voice.pkl: unpickler:"));
    }
    free(pk);

    pk = zip_member(shared_path("kokoro-golden/tiny/kokoro-tiny-statedict.pth"),
                    "kokoro-tiny-statedict/data.pkl", &len);
    for (size_t k = 0; k < 300; k++) {
        size_t cut = k * (len / 300) + (k % 13);
        assert_int_equal(lt_pickle_load(pk, cut, "sd.pkl", &p, &e), -1);
    }
    /* flipped bytes: errors or a value tree, never a crash (checked under ASan) */
    for (size_t k = 0; k < 200; k++) {
        size_t at = (k * 7919) % len;
        pk[at] ^= 0x5a;
        if (lt_pickle_load(pk, len, "sd.pkl", &p, &e) == 0) lt_pickle_free(&p);
        pk[at] ^= 0x5a;
    }
    free(pk);
}

/* ---- pth ------------------------------------------------------------------ */

static void load_pth(const char *rel, lt_tensor_set *s) {
    lt_err e;
    lt_tensor_set_init(s);
    if (lt_pth_load(shared_path(rel), s, &e)) fail_msg("%s", e.msg);
}

static void test_pth_tiny_model(void **state) {
    (void)state;
    NEED_SHARED();
    lt_tensor_set s;
    load_pth("kokoro-golden/tiny/kokoro-tiny.pth", &s);
    assert_int_equal(s.count, 548);
    const lt_tensor *cp = find(&s, "decoder.generator.conv_post.weight_v");
    assert_int_equal(cp->dtype, LT_F32);
    assert_shape(cp, 3, (int64_t[]){22, 16, 7});
    assert_shape(find(&s, "decoder.generator.conv_post.weight_g"), 3, (int64_t[]){22, 1, 1});
    assert_shape(find(&s, "bert.embeddings.word_embeddings.weight"), 2, (int64_t[]){178, 128});

    /* recipe classes "embed" and "f0_weight" do not depend on the shape, so the tiny
     * tensors start with the same values as the full-size recipe check; conv_post's
     * "weight" class scales with 1/sqrt(fan_in): full 128*7, tiny 16*7 -> ratio sqrt(8) */
    lt_tensor_set rc;
    lt_tensor_set_init(&rc);
    lt_err e;
    assert_int_equal(lt_npy_read_file(shared_path("kokoro-golden/recipe-check.npy"), &rc, "", &e), 0);
    const float *ref = rc.items[0].data;
    const float *emb = find(&s, "bert.embeddings.word_embeddings.weight")->data;
    const float *f0w = find(&s, "predictor.F0_proj.weight")->data;
    const float *cpv = cp->data;
    for (int i = 0; i < 8; i++) {
        assert_true(emb[i] == ref[8 + i]);
        assert_true(f0w[i] == ref[16 + i]);
        assert_float_equal(cpv[i] / ref[i], sqrtf(8.0f), 1e-4);
    }
    lt_tensor_set_free(&rc);

    /* every key of the official state dict is present, named top + "." + key - "module." */
    FILE *f = fopen(shared_path("kokoro-golden/state-dict-official.tsv"), "r");
    assert_non_null(f);
    char line[512];
    int rows = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#') continue;
        char top[64], key[256], shape[64], dtype[32];
        assert_int_equal(sscanf(line, "%63[^\t]\t%255[^\t]\t%63[^\t]\t%31[^\t]", top, key, shape, dtype),
                         4);
        assert_int_equal(strncmp(key, "module.", 7), 0);
        char name[400];
        snprintf(name, sizeof name, "%s.%s", top, key + 7);
        const lt_tensor *t = find(&s, name);
        int commas = 0;
        for (char *c = shape; *c; c++) commas += *c == ',';
        assert_int_equal(t->ndim, commas + 1);
        assert_string_equal(dtype, "float32");
        assert_int_equal(t->dtype, LT_F32);
        rows++;
    }
    fclose(f);
    assert_int_equal(rows, 548);
    for (size_t i = 0; i < s.count; i++) assert_null(strstr(s.items[i].name, "module."));
    lt_tensor_set_free(&s);
}

static void test_pth_variants_identical(void **state) {
    (void)state;
    NEED_SHARED();
    lt_tensor_set a, b, c;
    load_pth("kokoro-golden/tiny/kokoro-tiny.pth", &a);
    load_pth("kokoro-golden/tiny/kokoro-tiny-newlayout.pth", &b);
    load_pth("kokoro-golden/tiny/kokoro-tiny-statedict.pth", &c);
    assert_int_equal(a.count, 548);
    assert_int_equal(b.count, 548);
    assert_int_equal(c.count, 548);
    size_t params = 0;
    for (size_t i = 0; i < a.count; i++) {
        const lt_tensor *x = &a.items[i];
        const lt_tensor *others[2] = {find(&b, x->name), find(&c, x->name)};
        for (int k = 0; k < 2; k++) {
            const lt_tensor *y = others[k];
            assert_int_equal(y->dtype, x->dtype);
            assert_shape(y, x->ndim, x->shape);
            assert_int_equal(y->nbytes, x->nbytes);
            assert_memory_equal(y->data, x->data, x->nbytes);
        }
        params += x->nbytes / 4;
    }
    assert_true(params > 1200000 && params < 1400000); /* "1.28 M parameters" */
    lt_tensor_set_free(&a);
    lt_tensor_set_free(&b);
    lt_tensor_set_free(&c);
}

static void test_pth_truncated(void **state) {
    (void)state;
    NEED_SHARED();
    size_t len;
    uint8_t *b = slurp(shared_path("kokoro-golden/tiny/voice.pt"), &len);
    lt_tensor_set s;
    lt_tensor_set_init(&s);
    lt_err e;
    assert_int_equal(lt_pth_load_mem(b, len, "voice.pt", &s, &e), 0);
    assert_int_equal(s.count, 1);
    assert_string_equal(s.items[0].name, "");
    assert_shape(&s.items[0], 3, (int64_t[]){510, 1, 64});
    lt_tensor_set_free(&s);
    for (size_t k = 0; k < 400; k++) {
        size_t cut = k < 200 ? k * 3 : len - 1 - (k - 200) * 7;
        lt_tensor_set_init(&s);
        assert_int_equal(lt_pth_load_mem(b, cut, "voice.pt", &s, &e), -1);
        assert_int_equal(s.count, 0);
        assert_non_null(strstr(e.msg, "voice.pt"));
    }
    /* corrupt data byte -> CRC failure; corrupt pickle byte -> error or a consistent result */
    b[1000] ^= 1;
    assert_int_equal(lt_pth_load_mem(b, len, "voice.pt", &s, &e), -1);
    b[1000] ^= 1;
    free(b);
}

static void pth_expect_fail(const char *prefix, const pb *p, int nfloats, const char *byteorder,
                            const char *needle) {
    size_t len;
    uint8_t *z = make_pth(prefix, p, nfloats, byteorder, &len);
    lt_tensor_set s;
    lt_tensor_set_init(&s);
    lt_err e;
    assert_int_equal(lt_pth_load_mem(z, len, "hand.pth", &s, &e), -1);
    assert_int_equal(s.count, 0);
    assert_msg_has(&e, "hand.pth");
    assert_msg_has(&e, needle);
    free(z);
}

static void test_pth_hand_built(void **state) {
    (void)state;
    lt_err e;
    pb p;
    /* a dict of: a transposed view, an offset slice, the whole storage (all sharing
     * storage "0"), nested under "module." keys */
    memset(&p, 0, sizeof p);
    pb_op(&p, 0x80);
    pb_op(&p, 2);
    pb_op(&p, '}');
    pb_op(&p, '(');
    pb_str(&p, "enc");
    pb_op(&p, '}');
    pb_op(&p, '(');
    pb_str(&p, "module.t");
    pb_tensor(&p, "FloatStorage", "0", 6, 0, 2, (int64_t[]){3, 2}, (int64_t[]){1, 3});
    pb_str(&p, "module.slice");
    pb_tensor(&p, "FloatStorage", "0", 6, 4, 1, (int64_t[]){2}, (int64_t[]){1});
    pb_str(&p, "module.all");
    pb_tensor(&p, "FloatStorage", "0", 6, 0, 2, (int64_t[]){2, 3}, (int64_t[]){3, 1});
    pb_str(&p, "epoch"); /* non-tensor leaves are skipped */
    pb_int(&p, 7);
    pb_op(&p, 'u');
    pb_op(&p, 'u');
    pb_op(&p, '.');
    size_t len;
    uint8_t *z = make_pth("archive", &p, 6, "little", &len);
    lt_tensor_set s;
    lt_tensor_set_init(&s);
    if (lt_pth_load_mem(z, len, "hand.pth", &s, &e)) fail_msg("%s", e.msg);
    free(z);
    assert_int_equal(s.count, 3);
    const lt_tensor *t = find(&s, "enc.t");
    assert_shape(t, 2, (int64_t[]){3, 2});
    const float want_t[6] = {0, 3, 1, 4, 2, 5};
    assert_memory_equal(t->data, want_t, sizeof want_t);
    const float want_s[2] = {4, 5};
    assert_memory_equal(find(&s, "enc.slice")->data, want_s, sizeof want_s);
    const float want_a[6] = {0, 1, 2, 3, 4, 5};
    assert_memory_equal(find(&s, "enc.all")->data, want_a, sizeof want_a);
    lt_tensor_set_free(&s);

    /* a half-precision single tensor keeps its dtype, old layout, no byteorder */
    memset(&p, 0, sizeof p);
    pb_op(&p, 0x80);
    pb_op(&p, 2);
    pb_tensor(&p, "HalfStorage", "0", 8, 0, 1, (int64_t[]){8}, (int64_t[]){1});
    pb_op(&p, '.');
    z = make_pth("half", &p, 4, NULL, &len);
    lt_tensor_set_init(&s);
    if (lt_pth_load_mem(z, len, "half.pth", &s, &e)) fail_msg("%s", e.msg);
    assert_int_equal(s.items[0].dtype, LT_F16);
    assert_int_equal(s.items[0].nbytes, 16);
    lt_tensor_set_free(&s);
    free(z);

    /* hostile: reads past the storage */
    memset(&p, 0, sizeof p);
    pb_op(&p, 0x80);
    pb_op(&p, 2);
    pb_tensor(&p, "FloatStorage", "0", 6, 5, 1, (int64_t[]){2}, (int64_t[]){1});
    pb_op(&p, '.');
    pth_expect_fail("archive", &p, 6, "little", "storage '0' holds only 6 elements");
    memset(&p, 0, sizeof p);
    pb_op(&p, 0x80);
    pb_op(&p, 2);
    pb_tensor(&p, "FloatStorage", "0", 6, 0, 2, (int64_t[]){2, 2},
              (int64_t[]){INT64_C(0x4000000000000000), 1});
    pb_op(&p, '.');
    pth_expect_fail("archive", &p, 6, "little", "reach element");
    /* hostile: storage record smaller than the declared numel */
    memset(&p, 0, sizeof p);
    pb_op(&p, 0x80);
    pb_op(&p, 2);
    pb_tensor(&p, "FloatStorage", "0", 60, 0, 1, (int64_t[]){60}, (int64_t[]){1});
    pb_op(&p, '.');
    pth_expect_fail("archive", &p, 6, "little", "should hold 60 f32 elements");
    /* hostile: storage key that is not in the archive, or escapes it */
    memset(&p, 0, sizeof p);
    pb_op(&p, 0x80);
    pb_op(&p, 2);
    pb_tensor(&p, "FloatStorage", "7", 6, 0, 1, (int64_t[]){6}, (int64_t[]){1});
    pb_op(&p, '.');
    pth_expect_fail("archive", &p, 6, "little", "record 'archive/data/7' is missing");
    memset(&p, 0, sizeof p);
    pb_op(&p, 0x80);
    pb_op(&p, 2);
    pb_tensor(&p, "FloatStorage", "../data.pkl", 6, 0, 1, (int64_t[]){6}, (int64_t[]){1});
    pb_op(&p, '.');
    pth_expect_fail("archive", &p, 6, "little", "path separator");
    /* hostile: stride-0 expansion far beyond the file */
    memset(&p, 0, sizeof p);
    pb_op(&p, 0x80);
    pb_op(&p, 2);
    pb_tensor(&p, "FloatStorage", "0", 6, 0, 2, (int64_t[]){1 << 20, 1 << 10}, (int64_t[]){0, 0});
    pb_op(&p, '.');
    pth_expect_fail("archive", &p, 6, "little", "refusing");
    /* big-endian archives are refused */
    memset(&p, 0, sizeof p);
    pb_op(&p, 0x80);
    pb_op(&p, 2);
    pb_tensor(&p, "FloatStorage", "0", 6, 0, 1, (int64_t[]){6}, (int64_t[]){1});
    pb_op(&p, '.');
    pth_expect_fail("archive", &p, 6, "big", "only little-endian");
    /* duplicate names after "module." is dropped */
    memset(&p, 0, sizeof p);
    pb_op(&p, 0x80);
    pb_op(&p, 2);
    pb_op(&p, '}');
    pb_op(&p, '(');
    pb_str(&p, "module.w");
    pb_tensor(&p, "FloatStorage", "0", 6, 0, 1, (int64_t[]){6}, (int64_t[]){1});
    pb_str(&p, "w");
    pb_tensor(&p, "FloatStorage", "0", 6, 0, 1, (int64_t[]){6}, (int64_t[]){1});
    pb_op(&p, 'u');
    pb_op(&p, '.');
    pth_expect_fail("archive", &p, 6, "little", "'w' occurs twice");
    /* the os.system pickle inside a checkpoint */
    static const char evil[] = "\x80\x02" "cos\nsystem\nX\x02\x00\x00\x00ls\x85R.";
    memset(&p, 0, sizeof p);
    pb_raw(&p, evil, sizeof evil - 1);
    pth_expect_fail("archive", &p, 6, "little", "refused global 'os.system'");
    /* not a zip / legacy format */
    lt_tensor_set_init(&s);
    assert_int_equal(lt_pth_load_mem("\x80\x02\x8a\x0a", 4, "old.pth", &s, &e), -1);
    assert_msg_has(&e, "legacy");
    assert_int_equal(lt_pth_load_mem("hello", 5, "txt.pth", &s, &e), -1);
    assert_msg_has(&e, "not a PyTorch checkpoint");
    /* a zip without data.pkl (an npz) */
    member m[1] = {{"x.npy", "abc", 3}};
    z = make_zip("x.zip", m, 1, 0, &len);
    assert_int_equal(lt_pth_load_mem(z, len, "x.zip", &s, &e), -1);
    assert_msg_has(&e, "data.pkl");
    free(z);
}

/* ---- voice packs ---------------------------------------------------------- */

static void assert_pack_equals_bin(const lt_voice_pack *v, const char *rel) {
    size_t len;
    uint8_t *raw = slurp(shared_path(rel), &len);
    assert_int_equal(len, (size_t)v->rows * (size_t)v->width * 4);
    assert_memory_equal(raw, v->data, len);
    free(raw);
}

static int count_codepoints(const char *s) {
    int n = 0;
    for (; *s; s++) n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

static void test_voice_forms(void **state) {
    (void)state;
    NEED_SHARED();
    lt_voice_pack v;
    lt_err e;
    /* .pt (torch.save), 64 wide, vs the raw copy */
    if (lt_voice_pack_load(shared_path("kokoro-golden/tiny/voices/af_bella.pt"), NULL, 64, &v, &e))
        fail_msg("%s", e.msg);
    assert_int_equal(v.rows, 510);
    assert_int_equal(v.width, 64);
    assert_string_equal(v.name, "af_bella");
    assert_pack_equals_bin(&v, "kokoro-golden/tiny/voices/af_bella.bin");
    lt_voice_pack_free(&v);
    /* raw */
    if (lt_voice_pack_load(shared_path("kokoro-golden/tiny/voices/jf_alpha.bin"), NULL, 64, &v, &e))
        fail_msg("%s", e.msg);
    assert_string_equal(v.name, "jf_alpha");
    lt_voice_pack_free(&v);
    /* the official 256-wide forms */
    if (lt_voice_pack_load(shared_path("kokoro-voices/formats/af_heart.pt"), NULL, 256, &v, &e))
        fail_msg("%s", e.msg);
    assert_pack_equals_bin(&v, "kokoro-voices/af_heart.bin");
    lt_voice_pack_free(&v);
    if (lt_voice_pack_load(shared_path("kokoro-voices/formats/voices-sample.npz"), "bf_emma", 256, &v,
                           &e))
        fail_msg("%s", e.msg);
    assert_string_equal(v.name, "bf_emma");
    assert_pack_equals_bin(&v, "kokoro-voices/bf_emma.bin");
    lt_voice_pack_free(&v);
    /* an npz named .bin (kokoro-onnx's voices-v1.0.bin) is detected by its magic */
    size_t len;
    uint8_t *npz = slurp(shared_path("kokoro-golden/tiny/voices/voices-tiny.npz"), &len);
    spit(tmp_path("voices-v1.0.bin"), npz, len);
    free(npz);
    if (lt_voice_pack_load(tmp_path("voices-v1.0.bin"), "am_adam", 64, &v, &e)) fail_msg("%s", e.msg);
    assert_pack_equals_bin(&v, "kokoro-golden/tiny/voices/am_adam.bin");
    lt_voice_pack_free(&v);
    /* missing member: the error lists what there is */
    assert_int_equal(lt_voice_pack_load(tmp_path("voices-v1.0.bin"), "af_heart", 64, &v, &e), -1);
    assert_msg_has(&e, "af_heart");
    assert_msg_has(&e, "af_sky, am_adam, bf_emma");
    assert_null(v.data);
    assert_int_equal(lt_voice_pack_load(tmp_path("voices-v1.0.bin"), NULL, 64, &v, &e), -1);
    assert_msg_has(&e, "af_sky, am_adam, bf_emma");
}

static void test_voice_rows_match_golden(void **state) {
    (void)state;
    NEED_SHARED();
    lt_voice_pack v;
    lt_err e;
    if (lt_voice_pack_load(shared_path("kokoro-golden/tiny/voice.pt"), NULL, 64, &v, &e))
        fail_msg("%s", e.msg);
    const char *cases[] = {"case1", "case2", "case3", "case4"};
    for (int c = 0; c < 4; c++) {
        char rel[128];
        snprintf(rel, sizeof rel, "kokoro-golden/tiny/%s/case.json", cases[c]);
        json_error_t je;
        json_t *j = json_load_file(shared_path(rel), 0, &je);
        assert_non_null(j);
        int n = count_codepoints(json_string_value(json_object_get(j, "phonemes")));
        json_t *row = json_object_get(j, "voice_row");
        if (row) assert_int_equal(json_integer_value(row), n - 1); /* case4: row 44 of 45 */
        json_decref(j);
        snprintf(rel, sizeof rel, "kokoro-golden/tiny/%s/ref_s.npy", cases[c]);
        lt_tensor_set s;
        lt_tensor_set_init(&s);
        assert_int_equal(lt_npy_read_file(shared_path(rel), &s, "ref_s", &e), 0);
        assert_int_equal(s.items[0].nbytes, 64 * 4);
        assert_memory_equal(lt_voice_pack_row(&v, n), s.items[0].data, 64 * 4);
        lt_tensor_set_free(&s);
    }
    /* clamping */
    assert_ptr_equal(lt_voice_pack_row(&v, 0), v.data);
    assert_ptr_equal(lt_voice_pack_row(&v, -5), v.data);
    assert_ptr_equal(lt_voice_pack_row(&v, 1), v.data);
    assert_ptr_equal(lt_voice_pack_row(&v, 510), v.data + 509 * 64);
    assert_ptr_equal(lt_voice_pack_row(&v, 100000), v.data + 509 * 64);
    lt_voice_pack_free(&v);
    assert_null(lt_voice_pack_row(&v, 3));
}

static void test_voice_errors(void **state) {
    (void)state;
    NEED_SHARED();
    lt_voice_pack v;
    lt_err e;
    /* wrong width: the message names the file, the actual and the expected shape */
    assert_int_equal(lt_voice_pack_load(shared_path("kokoro-golden/tiny/voice.pt"), NULL, 256, &v, &e),
                     -1);
    assert_msg_has(&e, "voice.pt");
    assert_msg_has(&e, "[510, 1, 64]");
    assert_msg_has(&e, "[510, 1, 256]");
    assert_int_equal(lt_voice_pack_load(shared_path("kokoro-voices/af_heart.bin"), NULL, 64, &v, &e), -1);
    assert_msg_has(&e, "af_heart.bin");
    assert_msg_has(&e, "[510, 1, 256]");
    assert_msg_has(&e, "[510, 1, 64]");
    assert_int_equal(lt_voice_pack_load(shared_path("kokoro-voices/formats/voices-sample.npz"),
                                        "am_adam", 64, &v, &e), -1);
    assert_msg_has(&e, "am_adam");
    assert_msg_has(&e, "[510, 1, 256]");
    /* a whole model is not a voice */
    assert_int_equal(lt_voice_pack_load(shared_path("kokoro-golden/tiny/kokoro-tiny.pth"), NULL, 64, &v,
                                        &e), -1);
    assert_msg_has(&e, "single tensor");
    /* non-finite values */
    size_t len;
    uint8_t *raw = slurp(shared_path("kokoro-golden/tiny/voices/af_sky.bin"), &len);
    float nan = NAN;
    memcpy(raw + (3 * 64 + 5) * 4, &nan, 4);
    spit(tmp_path("nan.bin"), raw, len);
    assert_int_equal(lt_voice_pack_load(tmp_path("nan.bin"), NULL, 64, &v, &e), -1);
    assert_msg_has(&e, "row 3, column 5");
    /* wrong size raw */
    spit(tmp_path("short.bin"), raw, len - 4);
    assert_int_equal(lt_voice_pack_load(tmp_path("short.bin"), NULL, 0, &v, &e), -1);
    assert_msg_has(&e, "short.bin");
    free(raw);
    /* expected_width 0 accepts any width */
    if (lt_voice_pack_load(shared_path("kokoro-voices/af_heart.bin"), NULL, 0, &v, &e))
        fail_msg("%s", e.msg);
    assert_int_equal(v.width, 256);
    lt_voice_pack_free(&v);
}

/* float -> IEEE half, round to nearest even (normal range and zero only) */
static uint16_t to_half(float f) {
    uint32_t x;
    memcpy(&x, &f, 4);
    uint16_t sign = (uint16_t)((x >> 16) & 0x8000);
    int32_t e = (int32_t)((x >> 23) & 0xff) - 127 + 15;
    uint32_t m = x & 0x7fffff;
    if (e <= 0) return sign; /* flush tiny values to zero: fine for this test */
    uint32_t h = ((uint32_t)e << 10) | (m >> 13);
    uint32_t rest = m & 0x1fff;
    if (rest > 0x1000 || (rest == 0x1000 && (h & 1))) h++;
    return (uint16_t)(sign | h);
}

static void test_voice_f16_npz(void **state) {
    (void)state;
    NEED_SHARED();
    /* an f16 [510, 64] pack in a deflated npz: converted to float32 */
    size_t len;
    uint8_t *raw = slurp(shared_path("kokoro-golden/tiny/voices/ef_dora.bin"), &len);
    const float *f = (const float *)raw;
    uint16_t *h = malloc(510 * 64 * 2);
    for (int i = 0; i < 510 * 64; i++) h[i] = to_half(f[i]);
    lt_err e;
    assert_int_equal(lt_npy_write_file(tmp_path("h.npy"), LT_F16, 2, (int64_t[]){510, 64}, h, &e), 0);
    size_t hl;
    uint8_t *hn = slurp(tmp_path("h.npy"), &hl);
    member m[1] = {{"ef_dora.npy", hn, hl}};
    size_t zl;
    uint8_t *z = make_zip("half.npz", m, 1, 1, &zl);
    free(z);
    lt_voice_pack v;
    if (lt_voice_pack_load(tmp_path("half.npz"), NULL, 64, &v, &e)) fail_msg("%s", e.msg);
    assert_string_equal(v.name, "ef_dora");
    assert_int_equal(v.width, 64);
    for (int i = 0; i < 510 * 64; i++) {
        assert_int_equal(to_half(v.data[i]), h[i]); /* exact: every half is a float */
        assert_float_equal(v.data[i], f[i], 1e-3 * fabsf(f[i]) + 1e-4);
    }
    lt_voice_pack_free(&v);
    free(hn);
    free(h);
    free(raw);
}

/* ---- main ----------------------------------------------------------------- */

static int setup(void **state) {
    (void)state;
    const char *base = getenv("LT_BUILD");
    snprintf(g_tmp, sizeof g_tmp, "%s/loaders-tmp-XXXXXX", base ? base : "/tmp");
    return mkdtemp(g_tmp) ? 0 : -1;
}

static int teardown(void **state) {
    (void)state;
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_tmp);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_npy_golden),
        cmocka_unit_test(test_npy_roundtrip),
        cmocka_unit_test(test_npy_refusals),
        cmocka_unit_test(test_npy_truncated),
        cmocka_unit_test(test_npz_voices_tiny),
        cmocka_unit_test(test_pickle_refuses_globals),
        cmocka_unit_test(test_pickle_values),
        cmocka_unit_test(test_pickle_truncated),
        cmocka_unit_test(test_pth_tiny_model),
        cmocka_unit_test(test_pth_variants_identical),
        cmocka_unit_test(test_pth_truncated),
        cmocka_unit_test(test_pth_hand_built),
        cmocka_unit_test(test_voice_forms),
        cmocka_unit_test(test_voice_rows_match_golden),
        cmocka_unit_test(test_voice_errors),
        cmocka_unit_test(test_voice_f16_npz),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
