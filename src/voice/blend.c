/* blend.c — parsing and applying voice blend expressions (see blend.h). */
#include "voice/blend.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
}

int lt_voice_name_valid(const char *name) {
    size_t n = strlen(name);
    if (n == 0 || n >= LT_VOICE_NAME_MAX || name[0] == '.') return 0;
    for (size_t i = 0; i < n; i++)
        if (!name_char(name[i])) return 0;
    return 1;
}

int lt_blend_parse(const char *expr, int max_terms, lt_blend *out, lt_err *err) {
    memset(out, 0, sizeof *out);
    if (max_terms <= 0 || max_terms > LT_BLEND_MAX_TERMS) max_terms = LT_BLEND_MAX_TERMS;
    const char *p = expr;
    int sign = +1;
    while (*p == ' ') p++;
    if (!*p) return lt_fail(err, "voice: empty expression");
    for (;;) {
        /* a name runs to '(' '+' '-' or a space (names never contain '-': it is the operator) */
        const char *s = p;
        while (*p && *p != '(' && *p != '+' && *p != '-' && *p != ' ') p++;
        size_t len = (size_t)(p - s);
        if (len == 0) return lt_fail(err, "voice: expected a voice name at offset %td of '%s'", s - expr, expr);
        if (out->n == max_terms) return lt_fail(err, "voice: more than %d terms in '%s'", max_terms, expr);
        lt_blend_term *t = &out->terms[out->n];
        if (len >= LT_VOICE_NAME_MAX) return lt_fail(err, "voice: name at offset %td is longer than %d characters", s - expr, LT_VOICE_NAME_MAX - 1);
        memcpy(t->name, s, len);
        t->name[len] = 0;
        if (!lt_voice_name_valid(t->name))
            return lt_fail(err, "voice: '%s' is not a valid voice name (letters, digits, _ and . only)", t->name);
        t->weight = 1.0f;
        t->sign = sign;
        while (*p == ' ') p++;
        if (*p == '(') {
            char *end;
            double w = strtod(p + 1, &end);
            if (end == p + 1 || *end != ')')
                return lt_fail(err, "voice: weight of '%s' must be a number in parentheses", t->name);
            if (!(w >= 1e-6) || !isfinite(w) || w > 1e6) /* (float)w must stay a normal, positive number */
                return lt_fail(err, "voice: weight of '%s' must be a number from 1e-06 to 1e+06 (> 0), got %g",
                               t->name, w);
            t->weight = (float)w;
            p = end + 1;
            while (*p == ' ') p++;
        }
        out->n++;
        if (!*p) break;
        if (*p == '+') sign = +1;
        else if (*p == '-') sign = -1;
        else return lt_fail(err, "voice: unexpected '%c' at offset %td of '%s'", *p, p - expr, expr);
        p++;
        while (*p == ' ') p++;
    }
    return 0;
}

int lt_blend_apply(const lt_blend *b, const lt_voice_pack *const *packs, int normalize, lt_voice_pack *out,
                   lt_err *err) {
    memset(out, 0, sizeof *out);
    if (b->n < 1) return lt_fail(err, "voice: blend has no terms");
    int rows = packs[0]->rows, width = packs[0]->width;
    double total = 0;
    for (int i = 0; i < b->n; i++) {
        if (packs[i]->rows != rows || packs[i]->width != width)
            return lt_fail(err, "voice: '%s' is [%d, %d] but '%s' is [%d, %d]", b->terms[i].name, packs[i]->rows,
                           packs[i]->width, b->terms[0].name, rows, width);
        total += b->terms[i].weight;
    }
    float *data = calloc((size_t)rows * (size_t)width, sizeof(float));
    if (!data) return lt_fail(err, "voice: out of memory");
    for (int i = 0; i < b->n; i++) {
        float f = (float)(b->terms[i].sign * (normalize ? b->terms[i].weight / total : b->terms[i].weight));
        const float *src = packs[i]->data;
        for (int64_t j = 0; j < (int64_t)rows * width; j++) data[j] += f * src[j];
    }
    out->rows = rows;
    out->width = width;
    out->data = data;
    snprintf(out->name, sizeof out->name, "%s", b->n == 1 ? b->terms[0].name : "blend");
    return 0;
}
