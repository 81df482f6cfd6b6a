/* quant.h — reduced-precision weight formats: scalar and row conversions
 * between float32 and IEEE half (f16), bfloat16 and ggml's Q8_0 blocks, and
 * the policy that decides which tensors of a model are reduced.
 *
 * All conversions are portable C (no intrinsics), round to nearest with ties
 * to even, keep infinities, keep NaNs NaN (quiet) and handle subnormals.
 *
 * Q8_0 (ggml layout, 34 bytes per block of 32 values): a little-endian f16
 * scale d followed by 32 int8 q; value = d · q. d = max|x| / 127 of the block
 * rounded to f16, q = round(x / d) (ties away from zero) clamped to ±127.
 * Blocks run along a tensor's rows, a row being numel / shape[0] values in
 * row-major order, which must be a multiple of 32 (blocks never straddle
 * rows).
 *
 * Which tensors are reduced (lt_quantize_choice) — the model-quality policy:
 *   kept float32:
 *     - every tensor with fewer than 2 dimensions, and every tensor with at
 *       most one dimension larger than 1 (biases, norms, Snake alphas
 *       [1,C,1], F0_conv [1,1,3], ...): tiny, and they scale activations;
 *     - embeddings: names containing "embeddings." (ALBERT word/position/
 *       token-type tables, its embedding LayerNorm) or ".embedding."
 *       (text_encoder.embedding.weight);
 *     - the precision-critical layers: predictor.F0_proj.*,
 *       predictor.N_proj.*, predictor.duration_proj.*,
 *       decoder.generator.conv_post.*, decoder.generator.m_source.*
 *       (F0 feeds the harmonic source, where one ulp moves the audio;
 *       durations are rounded; conv_post produces the spectrum itself);
 *     - anything that is not float32 on input or whose values do not fit
 *       the target's range (|x| > 65504 for f16 / Q8_0 scales) — never seen
 *       in Kokoro, but it must not turn weights into infinities.
 *   everything else becomes the target type, except that for a Q8_0 target a
 *   tensor whose row length (numel / shape[0]) is not a multiple of 32
 *   (e.g. depthwise convs [C,1,3]) becomes f16 instead. */
#ifndef LT_ENGINE_QUANT_H
#define LT_ENGINE_QUANT_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "engine/tensor.h"

#define LT_Q8_0_BLOCK 32       /* values per block */
#define LT_Q8_0_BLOCK_BYTES 34 /* f16 scale + 32 int8 */

uint16_t lt_f32_to_f16(float f);
float lt_f16_to_f32(uint16_t h);
uint16_t lt_f32_to_bf16(float f);
float lt_bf16_to_f32(uint16_t h);

void lt_f32_to_f16_row(const float *x, uint16_t *y, size_t n);
void lt_f16_to_f32_row(const uint16_t *x, float *y, size_t n);
void lt_f32_to_bf16_row(const float *x, uint16_t *y, size_t n);
void lt_bf16_to_f32_row(const uint16_t *x, float *y, size_t n);

/* n must be a multiple of LT_Q8_0_BLOCK; out holds n/32 blocks (34 bytes each). */
void lt_q8_0_quantize_row(const float *x, void *out, size_t n);
void lt_q8_0_dequantize_row(const void *blocks, float *y, size_t n);

/* Elements [i0, i0 + n) of a weight stored as t (f32, f16, bf16, or q8_0 with i0 and n multiples of
 * LT_Q8_0_BLOCK), widened to float32 into y. */
void lt_widen_range(const void *w, lt_dtype t, int64_t i0, size_t n, float *y);

/* Parse a weight-type name: "f32", "f16", "bf16", "q8_0" (also "q8"). */
int lt_weight_type_parse(const char *name, lt_dtype *out);
/* The canonical name of a weight type ("f32", "f16", "bf16", "q8_0"). */
const char *lt_weight_type_name(lt_dtype t);

/* The dtype the policy above gives tensor t for a target of f32/f16/bf16/q8_0. */
lt_dtype lt_quantize_choice(const lt_tensor *t, lt_dtype target);

/* Convert every tensor of s as lt_quantize_choice says (in place; tensors
 * in a mapping get owned buffers). target LT_F32 leaves s unchanged. */
int lt_quantize_set(lt_tensor_set *s, lt_dtype target, lt_err *err);

/* Turn every f16 / bf16 / Q8_0 tensor of s into float32 (other dtypes are
 * left alone). Used before re-converting a native file to another type. */
int lt_set_to_f32(lt_tensor_set *s, lt_err *err);

#endif
