/* weight_norm.c — folding weight_g / weight_v pairs into weights (see weight_norm.h). */
#include "engine/weight_norm.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && !memcmp(s + n - m, suffix, m);
}

static long find_index(const lt_tensor_set *s, const char *name) {
    for (size_t i = 0; i < s->count; i++)
        if (!strcmp(s->items[i].name, name)) return (long)i;
    return -1;
}

/* Returns -1 on error, 1 when g itself (index ig) was removed, else 0. */
static int fold_pair(lt_tensor_set *s, size_t ig, lt_err *err) {
    lt_tensor *g = &s->items[ig];
    char base[LT_MAX_NAME], vname[LT_MAX_NAME + 2], wname[LT_MAX_NAME];
    size_t blen = strlen(g->name) - strlen("_g");
    memcpy(base, g->name, blen);
    base[blen] = 0;                                   /* "X.weight" */
    snprintf(vname, sizeof vname, "%s_v", base);
    snprintf(wname, sizeof wname, "%s", base);
    long iv = find_index(s, vname);
    if (iv < 0)
        return lt_fail(err, "weight norm: tensor %s has no matching %s", g->name, vname);
    lt_tensor *v = &s->items[iv];
    if (find_index(s, wname) >= 0)
        return lt_fail(err, "weight norm: %s exists beside %s and %s; cannot fold twice", wname,
                       g->name, vname);
    char gs[96], vs[96];
    lt_shape_str(g->ndim, g->shape, gs, sizeof gs);
    lt_shape_str(v->ndim, v->shape, vs, sizeof vs);
    if (g->dtype != LT_F32 || v->dtype != LT_F32)
        return lt_fail(err, "weight norm: %s (%s) and %s (%s) must both be f32", g->name,
                       lt_dtype_name(g->dtype), v->name, lt_dtype_name(v->dtype));
    int ok = v->ndim >= 1 && g->ndim == v->ndim && g->shape[0] == v->shape[0];
    for (int d = 1; ok && d < g->ndim; d++) ok = g->shape[d] == 1;
    if (!ok)
        return lt_fail(err, "weight norm: %s has shape %s but %s has shape %s; expected g to be "
                       "[%lld, 1, ...] with v's rank", g->name, gs, v->name, vs,
                       v->ndim >= 1 ? (long long)v->shape[0] : 0LL);
    int64_t rows = v->shape[0];
    int64_t numel = lt_shape_numel(v->ndim, v->shape);
    if (rows <= 0 || numel <= 0)
        return lt_fail(err, "weight norm: %s has an empty shape %s", v->name, vs);
    if (v->nbytes < (size_t)numel * 4 || g->nbytes < (size_t)rows * 4)
        return lt_fail(err, "weight norm: %s or %s holds fewer bytes than its shape needs",
                       g->name, v->name);
    int64_t cols = numel / rows;
    float *w = malloc((size_t)numel * sizeof *w);
    if (!w) return lt_fail(err, "weight norm: out of memory folding %s", base);
    const float *gv = g->data, *vv = v->data;
    for (int64_t r = 0; r < rows; r++) {
        const float *row = vv + r * cols;
        double ss = 0.0;
        for (int64_t c = 0; c < cols; c++) ss += (double)row[c] * (double)row[c];
        double norm = sqrt(ss);
        double scale = norm > 0.0 ? (double)gv[r] / norm : 0.0;
        for (int64_t c = 0; c < cols; c++) w[r * cols + c] = (float)((double)row[c] * scale);
    }
    /* The folded weight replaces whichever of the pair comes first. */
    size_t first = ig < (size_t)iv ? ig : (size_t)iv, second = ig < (size_t)iv ? (size_t)iv : ig;
    lt_tensor *t = &s->items[first];
    int ndim = v->ndim;
    int64_t shape[LT_MAX_DIMS];
    memcpy(shape, v->shape, sizeof shape);
    free(t->owned);
    snprintf(t->name, sizeof t->name, "%s", wname);
    t->dtype = LT_F32;
    t->ndim = ndim;
    memcpy(t->shape, shape, sizeof shape);
    t->data = w;
    t->owned = w;
    t->nbytes = (size_t)numel * sizeof *w;
    lt_tensor_set_remove(s, second);
    return second == ig;
}

int lt_fold_weight_norm(lt_tensor_set *s, lt_err *err) {
    for (size_t i = 0; i < s->count;) {
        if (!ends_with(s->items[i].name, ".weight_g") && strcmp(s->items[i].name, "weight_g")) {
            i++;
            continue;
        }
        int r = fold_pair(s, i, err);
        if (r < 0) return -1;
        if (r == 0) i++; /* else items[i] is now the tensor after g: look at it next */
    }
    for (size_t i = 0; i < s->count; i++)
        if (ends_with(s->items[i].name, "weight_v"))
            return lt_fail(err, "weight norm: tensor %s has no matching weight_g", s->items[i].name);
    return 0;
}
