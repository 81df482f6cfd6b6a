/* voice_pack.c — voice pack loading and validation (see voice_pack.h):
 * format detection (.pt / .npz by zip contents, raw float32 otherwise), shape
 * and value checks, dtype conversion, and the phoneme-count row rule. */
#include "voice/voice_pack.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zip.h>

#include "engine/npy.h"
#include "engine/pth.h"
#include "engine/tensor.h"

static float vp_half(uint16_t h) {
    uint32_t sign = (uint32_t)(h >> 15) << 31, e = (h >> 10) & 0x1fu, m = h & 0x3ffu, bits;
    if (e == 0) {
        float f = ldexpf((float)m, -24); /* zero or subnormal */
        return sign ? -f : f;
    }
    if (e == 31) bits = sign | 0x7f800000u | (m << 13);
    else bits = sign | ((e + 112u) << 23) | (m << 13);
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

static float vp_bf16(uint16_t h) {
    uint32_t bits = (uint32_t)h << 16;
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

static void vp_set_name(lt_voice_pack *p, const char *path, const char *member) {
    if (member && *member) {
        snprintf(p->name, sizeof p->name, "%s", member);
        return;
    }
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    const char *dot = strrchr(base, '.');
    if (dot && dot != base) n = (size_t)(dot - base);
    if (n >= sizeof p->name) n = sizeof p->name - 1;
    memcpy(p->name, base, n);
    p->name[n] = 0;
}

/* Check shape/width/values and convert to an owned float32 pack. */
static int vp_from_tensor(const char *what, const lt_tensor *t, int expected_width,
                          lt_voice_pack *out, lt_err *err) {
    char sh[128];
    lt_shape_str(t->ndim, t->shape, sh, sizeof sh);
    int ok_rank = (t->ndim == 3 && t->shape[1] == 1) || t->ndim == 2;
    if (!ok_rank)
        return lt_fail(err, "%s: voice pack has shape %s; expected [%d, 1, W] or [%d, W]", what, sh,
                       LT_VOICE_ROWS, LT_VOICE_ROWS);
    int64_t rows = t->shape[0], width = t->shape[t->ndim - 1];
    if (rows != LT_VOICE_ROWS || width <= 0 || width > 65536 ||
        (expected_width > 0 && width != expected_width)) {
        if (expected_width > 0)
            return lt_fail(err, "%s: voice pack has shape %s; expected [%d, 1, %d] (width %d = 2 x "
                                "style_dim %d of the model)", what, sh, LT_VOICE_ROWS,
                           expected_width, expected_width, expected_width / 2);
        return lt_fail(err, "%s: voice pack has shape %s; expected %d rows ([%d, 1, W])", what, sh,
                       LT_VOICE_ROWS, LT_VOICE_ROWS);
    }
    size_t n = (size_t)rows * (size_t)width;
    if (t->dtype != LT_F32 && t->dtype != LT_F16 && t->dtype != LT_BF16 && t->dtype != LT_F64)
        return lt_fail(err, "%s: voice pack has dtype %s; expected float32 (or f16/bf16/f64)", what,
                       lt_dtype_name(t->dtype));
    if (t->nbytes != n * lt_dtype_size(t->dtype))
        return lt_fail(err, "%s: voice pack data has %zu bytes, shape %s needs %zu", what, t->nbytes,
                       sh, n * lt_dtype_size(t->dtype));
    float *d = malloc(n * sizeof *d);
    if (!d) return lt_fail(err, "%s: out of memory", what);
    const uint8_t *src = t->data;
    for (size_t i = 0; i < n; i++) {
        switch (t->dtype) {
        case LT_F32: memcpy(&d[i], src + 4 * i, 4); break;
        case LT_F64: {
            double v;
            memcpy(&v, src + 8 * i, 8);
            d[i] = (float)v;
            break;
        }
        default: {
            uint16_t h;
            memcpy(&h, src + 2 * i, 2);
            d[i] = t->dtype == LT_F16 ? vp_half(h) : vp_bf16(h);
            break;
        }
        }
        if (!isfinite(d[i])) {
            free(d);
            return lt_fail(err, "%s: voice pack value at row %zu, column %zu is not finite", what,
                           i / (size_t)width, i % (size_t)width);
        }
    }
    out->rows = (int)rows;
    out->width = (int)width;
    out->data = d;
    return 0;
}

/* 1 for a torch.save zip (has <folder>/data.pkl), 0 otherwise, -1 on error. */
static int vp_is_torch_zip(const char *path, lt_err *err) {
    zip_t *za = NULL;
    uint64_t asize = 0;
    if (lt_zip_open_file(path, &za, &asize, err)) return -1;
    int torch = 0;
    zip_int64_t n = zip_get_num_entries(za, 0);
    for (zip_int64_t i = 0; i < n && !torch; i++) {
        const char *name = zip_get_name(za, (zip_uint64_t)i, ZIP_FL_ENC_RAW);
        const char *slash = name ? strchr(name, '/') : NULL;
        if (slash && slash != name && strcmp(slash, "/data.pkl") == 0) torch = 1;
    }
    zip_discard(za);
    return torch;
}

static int vp_load_raw(const char *path, int expected_width, lt_voice_pack *out, lt_err *err) {
    FILE *f = fopen(path, "rb");
    if (!f) return lt_fail(err, "%s: cannot open: %m", path);
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(f);
        return lt_fail(err, "%s: not a regular file", path);
    }
    size_t bytes = (size_t)st.st_size, values = bytes / 4;
    int width = expected_width;
    if (bytes % 4 != 0 || values == 0 || values % LT_VOICE_ROWS != 0 ||
        (expected_width > 0 && values != (size_t)LT_VOICE_ROWS * (size_t)expected_width)) {
        fclose(f);
        char guess[96] = "";
        if (bytes % 4 == 0 && values && values % LT_VOICE_ROWS == 0)
            snprintf(guess, sizeof guess, " (that is shape [%d, 1, %zu])", LT_VOICE_ROWS,
                     values / LT_VOICE_ROWS);
        if (expected_width > 0)
            return lt_fail(err, "%s: raw float32 voice pack has %zu bytes%s; expected shape [%d, 1, "
                                "%d] = %zu bytes", path, bytes, guess, LT_VOICE_ROWS,
                           expected_width, (size_t)LT_VOICE_ROWS * (size_t)expected_width * 4);
        return lt_fail(err, "%s: raw float32 voice pack has %zu bytes, not a whole number of %d "
                            "float32 rows", path, bytes, LT_VOICE_ROWS);
    }
    if (width <= 0) width = (int)(values / LT_VOICE_ROWS);
    lt_tensor t;
    memset(&t, 0, sizeof t);
    t.dtype = LT_F32;
    t.ndim = 3;
    t.shape[0] = LT_VOICE_ROWS;
    t.shape[1] = 1;
    t.shape[2] = width;
    t.nbytes = bytes;
    t.data = malloc(bytes);
    if (!t.data) {
        fclose(f);
        return lt_fail(err, "%s: out of memory", path);
    }
    size_t got = fread(t.data, 1, bytes, f);
    fclose(f);
    int rc = got == bytes ? vp_from_tensor(path, &t, expected_width, out, err)
                          : lt_fail(err, "%s: read error (got %zu of %zu bytes)", path, got, bytes);
    free(t.data);
    return rc;
}

int lt_voice_pack_load(const char *path, const char *member, int expected_width,
                       lt_voice_pack *out, lt_err *err) {
    memset(out, 0, sizeof *out);
    uint8_t head[4] = {0};
    FILE *f = fopen(path, "rb");
    if (!f) return lt_fail(err, "%s: cannot open voice pack: %m", path);
    size_t nh = fread(head, 1, sizeof head, f);
    fclose(f);
    const char *dot = strrchr(path, '.');
    int ext_pt = dot && (strcmp(dot, ".pt") == 0 || strcmp(dot, ".pth") == 0);
    int is_zip = nh == 4 && memcmp(head, "PK\x03\x04", 4) == 0;

    int torch = ext_pt;
    if (is_zip && !ext_pt) {
        torch = vp_is_torch_zip(path, err);
        if (torch < 0) return -1;
    }
    if (!torch && !is_zip) {
        if (vp_load_raw(path, expected_width, out, err)) return -1;
        vp_set_name(out, path, NULL);
        return 0;
    }

    lt_tensor_set set;
    lt_tensor_set_init(&set);
    const char *use_member = member && *member ? member : NULL;
    char what[600], only[128];
    snprintf(what, sizeof what, "%s", path);
    if (torch) {
        if (lt_pth_load(path, &set, err)) return -1;
        if (set.count != 1 || set.items[0].name[0] != 0) {
            lt_fail(err, "%s: expected a single tensor (a voice pack), found %s with %zu tensors", path,
                    set.count ? "a dict" : "nothing", set.count);
            lt_tensor_set_free(&set);
            return -1;
        }
        use_member = NULL;
    } else {
        if (!use_member) {
            char **names = NULL;
            int count = 0;
            if (lt_npz_list(path, &names, &count, err)) return -1;
            if (count == 0) {
                lt_npz_names_free(names, count);
                return lt_fail(err, "%s: zip archive holds no .npy voice packs", path);
            }
            if (count != 1) {
                char list[600] = "";
                size_t off = 0;
                for (int i = 0; i < count && off + 8 < sizeof list; i++)
                    off += (size_t)snprintf(list + off, sizeof list - off, "%s%s", i ? ", " : "",
                                            names[i]);
                lt_npz_names_free(names, count);
                return lt_fail(err, "%s: archive holds %d voices; name one (available: %s)", path,
                               count, list);
            }
            snprintf(only, sizeof only, "%s", names[0]);
            lt_npz_names_free(names, count);
            use_member = only;
        }
        if (lt_npz_load_member(path, use_member, &set, "", err)) return -1;
        snprintf(what, sizeof what, "%s: voice '%s'", path, use_member);
    }
    int rc = vp_from_tensor(what, &set.items[0], expected_width, out, err);
    lt_tensor_set_free(&set);
    if (rc) return -1;
    vp_set_name(out, path, use_member);
    return 0;
}

int lt_voice_pack_list_npz(const char *path, char ***names, int *count, lt_err *err) {
    return lt_npz_list(path, names, count, err);
}

void lt_voice_pack_names_free(char **names, int count) { lt_npz_names_free(names, count); }

void lt_voice_pack_free(lt_voice_pack *p) {
    if (!p) return;
    free(p->data);
    memset(p, 0, sizeof *p);
}

const float *lt_voice_pack_row(const lt_voice_pack *p, int n_codepoints) {
    if (!p || !p->data || p->rows <= 0) return NULL;
    int r = n_codepoints - 1;
    if (r < 0) r = 0;
    if (r > p->rows - 1) r = p->rows - 1;
    return p->data + (size_t)r * (size_t)p->width;
}
