/* recipe_weights.h — the deterministic "recipe" weights of
 * kokoro-golden/README.md ("The recipe"): full-size Kokoro weights without a
 * file, generated from the tensor list state-dict-official.tsv.
 *
 * For tensor K (top-level entry + "." + key without "module."):
 * seed = FNV-1a 64 of K; for i = 1..n: z = splitmix64(seed + i·0x9E3779B97F4A7C15),
 * u = (z >> 40)·2^-24, v = 2u − 1, value = a + b·v in float32 with two
 * roundings (this file is compiled with -ffp-contract=off). (a, b) by the
 * recipe class (TSV column 5): g (0.75, 0.25), alpha (1, 0.5), dur_bias
 * (−3, 0.1), f0_bias (150, 10), f0_weight (0, 10), scale (1, 0.1), shift
 * (0, 0.1), embed (0, 1), bias (0, 0.1), weight (0, b) with
 * b = (float)sqrt(3.0 / fan_in) computed in double and rounded once,
 * fan_in = numel / shape[0] (sqrtf of a float32 quotient is an ulp off for
 * some fan_in; kokoro-tiny.pth, made by the same recipe, settles it). */
#ifndef LT_ENGINE_RECIPE_WEIGHTS_H
#define LT_ENGINE_RECIPE_WEIGHTS_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "engine/tensor.h"

/* One row of a state-dict TSV: checkpoint name, recipe class, shape. */
typedef struct lt_recipe_row {
    char name[LT_MAX_NAME];
    char cls[16];
    int ndim;
    int64_t shape[LT_MAX_DIMS];
} lt_recipe_row;

uint64_t lt_recipe_seed(const char *name);
/* (a, b) for a class and shape; -1 for an unknown class or empty shape. */
int lt_recipe_class_ab(const char *cls, int ndim, const int64_t *shape, float *a, float *b);
/* The first n values of tensor `name` with parameters (a, b). */
void lt_recipe_fill(const char *name, float a, float b, float *out, size_t n);

/* Parse a TSV in the format of state-dict-official.tsv (comment lines start
 * with '#'; columns: top-level key, key as stored, shape "[a, b]", dtype
 * float32, class). *rows is malloc'd (free it). */
int lt_recipe_tsv_read(const char *path, lt_recipe_row **rows, size_t *count, lt_err *err);

/* Generate every tensor of the TSV (weight_g / weight_v unfolded, as in the
 * real file) and append them to `out` in TSV order, as owned float32.
 * progress (may be NULL) gets (ud, tensors done, total). */
int lt_recipe_generate(const char *tsv_path, lt_tensor_set *out,
                       void (*progress)(void *ud, size_t done, size_t total), void *ud,
                       lt_err *err);

#endif
