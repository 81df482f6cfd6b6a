/* weight_norm.h — folds PyTorch's old-style weight normalisation
 * (parameters X.weight_g and X.weight_v) into plain weights X.weight, as the
 * real Kokoro checkpoint stores its weight-normalised layers. */
#ifndef LT_ENGINE_WEIGHT_NORM_H
#define LT_ENGINE_WEIGHT_NORM_H

#include "core/error.h"
#include "engine/tensor.h"

/* For every pair X.weight_g / X.weight_v (both float32; g has shape
 * [d0, 1, ..., 1] with v's rank, v has shape [d0, ...]) replace the pair by
 * X.weight = g · v / ‖v‖, the norm taken per index of dim 0 over every other
 * dimension (also for ConvTranspose1d weights [in, out/groups, k], g [in,1,1]).
 * Sums and the scaling are computed in double, the result rounded once to
 * float32. X.weight takes the position of the first of the pair in the set;
 * the order of the other tensors is kept. A lone weight_g or weight_v, an
 * existing X.weight, a dtype other than f32 or mismatched shapes are errors
 * naming the tensors and shapes. A zero row of v gives a zero row of weights. */
int lt_fold_weight_norm(lt_tensor_set *s, lt_err *err);

#endif
