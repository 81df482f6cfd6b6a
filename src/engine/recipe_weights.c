/* recipe_weights.c — generator of the README's recipe weights (see
 * recipe_weights.h). Compiled with -ffp-contract=off: value = a + b·v must
 * round twice, never fuse into one FMA. */
#include "engine/recipe_weights.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

uint64_t lt_recipe_seed(const char *name) {
    uint64_t h = 0xcbf29ce484222325ull;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        h ^= *p;
        h *= 0x100000001b3ull;
    }
    return h;
}

static const struct {
    const char *cls;
    float a, b;
} classes[] = {
    {"g", 0.75f, 0.25f},        {"alpha", 1.0f, 0.5f},   {"dur_bias", -3.0f, 0.1f},
    {"f0_bias", 150.0f, 10.0f}, {"f0_weight", 0.0f, 10.0f}, {"scale", 1.0f, 0.1f},
    {"shift", 0.0f, 0.1f},      {"embed", 0.0f, 1.0f},   {"bias", 0.0f, 0.1f},
};

int lt_recipe_class_ab(const char *cls, int ndim, const int64_t *shape, float *a, float *b) {
    for (size_t i = 0; i < sizeof classes / sizeof classes[0]; i++)
        if (!strcmp(cls, classes[i].cls)) {
            *a = classes[i].a;
            *b = classes[i].b;
            return 0;
        }
    if (strcmp(cls, "weight") || ndim < 1 || shape[0] <= 0) return -1;
    int64_t fan_in = lt_shape_numel(ndim, shape) / shape[0];
    if (fan_in <= 0) return -1;
    /* √(3/fan_in) in double, rounded once to float32 (as Python's math.sqrt
     * then torch's float32 did). sqrtf(3.0f / fan_in) differs by an ulp for
     * some fan_in (tiny decoder.encode.conv1, fan_in 198) and changes every
     * value of such a tensor; kokoro-tiny.pth confirms the double form. */
    *a = 0.0f;
    *b = (float)sqrt(3.0 / (double)fan_in);
    return 0;
}

void lt_recipe_fill(const char *name, float a, float b, float *out, size_t n) {
    uint64_t seed = lt_recipe_seed(name);
    for (size_t i = 0; i < n; i++) {
        uint64_t z = seed + (uint64_t)(i + 1) * 0x9E3779B97F4A7C15ull;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        z ^= z >> 31;
        float u = (float)(z >> 40) * 0x1p-24f;
        float v = 2.0f * u - 1.0f;
        float bv = b * v;
        out[i] = a + bv;
    }
}

static int parse_shape(const char *s, lt_recipe_row *row) {
    if (*s++ != '[') return -1;
    row->ndim = 0;
    while (*s == ' ') s++;
    if (*s == ']') return s[1] ? -1 : 0;
    for (;;) {
        char *end;
        errno = 0;
        long long v = strtoll(s, &end, 10);
        if (end == s || errno || v <= 0 || row->ndim >= LT_MAX_DIMS) return -1;
        row->shape[row->ndim++] = v;
        s = end;
        while (*s == ' ') s++;
        if (*s == ']') return s[1] ? -1 : 0;
        if (*s++ != ',') return -1;
        while (*s == ' ') s++;
    }
}

int lt_recipe_tsv_read(const char *path, lt_recipe_row **rows_out, size_t *count_out, lt_err *err) {
    *rows_out = NULL;
    *count_out = 0;
    FILE *f = fopen(path, "r");
    if (!f) return lt_fail(err, "%s: cannot open the tensor list: %s", path, strerror(errno));
    lt_recipe_row *rows = NULL;
    size_t count = 0, cap = 0, lineno = 0;
    char *line = NULL;
    size_t lcap = 0;
    ssize_t len;
    int rc = -1;
    while ((len = getline(&line, &lcap, f)) >= 0) {
        lineno++;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r')) line[--len] = 0;
        if (len == 0 || line[0] == '#') continue;
        char *field[6];
        int nf = 0;
        for (char *p = line; nf < 6;) {
            field[nf++] = p;
            char *tab = strchr(p, '\t');
            if (!tab) break;
            *tab = 0;
            p = tab + 1;
        }
        if (nf != 5) {
            lt_fail(err, "%s:%zu: expected 5 tab-separated columns (top-level key, key, shape, "
                    "dtype, class), got %d", path, lineno, nf);
            goto done;
        }
        if (count == cap) {
            cap = cap ? cap * 2 : 256;
            lt_recipe_row *r = realloc(rows, cap * sizeof *r);
            if (!r) {
                lt_fail(err, "%s: out of memory", path);
                goto done;
            }
            rows = r;
        }
        lt_recipe_row *row = &rows[count];
        memset(row, 0, sizeof *row);
        const char *key = field[1];
        if (!strncmp(key, "module.", 7)) key += 7;
        if ((size_t)snprintf(row->name, sizeof row->name, "%s.%s", field[0], key) >= sizeof row->name) {
            lt_fail(err, "%s:%zu: tensor name %s.%s is longer than %d bytes", path, lineno,
                    field[0], key, LT_MAX_NAME - 1);
            goto done;
        }
        if (parse_shape(field[2], row)) {
            lt_fail(err, "%s:%zu: tensor %s: shape '%s' is not a list of positive sizes like "
                    "[512, 128]", path, lineno, row->name, field[2]);
            goto done;
        }
        if (strcmp(field[3], "float32")) {
            lt_fail(err, "%s:%zu: tensor %s has dtype %s; the recipe makes float32 only", path,
                    lineno, row->name, field[3]);
            goto done;
        }
        float a, b;
        if (strlen(field[4]) >= sizeof row->cls ||
            lt_recipe_class_ab(field[4], row->ndim, row->shape, &a, &b)) {
            lt_fail(err, "%s:%zu: tensor %s: unknown recipe class '%s' (expected g, alpha, "
                    "dur_bias, f0_bias, f0_weight, scale, shift, embed, bias or weight)", path,
                    lineno, row->name, field[4]);
            goto done;
        }
        strcpy(row->cls, field[4]);
        count++;
    }
    if (ferror(f)) {
        lt_fail(err, "%s: read error: %s", path, strerror(errno));
        goto done;
    }
    if (count == 0) {
        lt_fail(err, "%s: no tensors listed", path);
        goto done;
    }
    *rows_out = rows;
    *count_out = count;
    rows = NULL;
    rc = 0;
done:
    free(line);
    free(rows);
    fclose(f);
    return rc;
}

int lt_recipe_generate(const char *tsv_path, lt_tensor_set *out,
                       void (*progress)(void *ud, size_t done, size_t total), void *ud,
                       lt_err *err) {
    lt_recipe_row *rows;
    size_t count;
    if (lt_recipe_tsv_read(tsv_path, &rows, &count, err)) return -1;
    size_t first = out->count;
    if (progress) progress(ud, 0, count);
    for (size_t i = 0; i < count; i++) {
        const lt_recipe_row *r = &rows[i];
        float a, b;
        lt_recipe_class_ab(r->cls, r->ndim, r->shape, &a, &b); /* validated while reading */
        size_t n = (size_t)lt_shape_numel(r->ndim, r->shape);
        float *buf = malloc(n * sizeof *buf);
        if (!buf || !lt_tensor_set_add(out, r->name, LT_F32, r->ndim, r->shape, buf,
                                       n * sizeof *buf, buf)) {
            free(buf);
            lt_fail(err, "%s: out of memory generating tensor %s (%zu values)", tsv_path, r->name, n);
            while (out->count > first) lt_tensor_set_remove(out, out->count - 1);
            free(rows);
            return -1;
        }
        lt_recipe_fill(r->name, a, b, buf, n);
        if (progress) progress(ud, i + 1, count);
    }
    free(rows);
    return 0;
}
