/* blend.h — voice blend expressions, with Kokoro-FastAPI's semantics so its
 * users' blends sound the same here.
 *
 *   af_bella(2)+af_sky(1)     terms name(weight) joined by + or -
 *   af_bella+af_sky           weight defaults to 1; weights must be > 0 and finite
 *   af_bella-af_sky(0.5)      a subtracted term
 *
 * W = Σ weights (subtracted terms included); result = Σ ±(wᵢ / W)·packᵢ over
 * the whole pack, so a+b = (a+b)/2, a-b = (a−b)/2, a single term is that
 * voice. With normalize = 0 the raw weights are used instead: Σ ±wᵢ·packᵢ. */
#ifndef LT_VOICE_BLEND_H
#define LT_VOICE_BLEND_H

#include "core/error.h"
#include "voice/voice_pack.h"

#define LT_BLEND_MAX_TERMS 16
#define LT_VOICE_NAME_MAX 64

typedef struct lt_blend_term {
    char name[LT_VOICE_NAME_MAX]; /* letters, digits, _ and . only */
    float weight;                 /* > 0 */
    int sign;                     /* +1 or -1 */
} lt_blend_term;

typedef struct lt_blend {
    lt_blend_term terms[LT_BLEND_MAX_TERMS];
    int n;
} lt_blend;

/* max_terms <= LT_BLEND_MAX_TERMS (0 = that). Errors say what is wrong and where. */
int lt_blend_parse(const char *expr, int max_terms, lt_blend *out, lt_err *err);
/* Is `name` a valid voice name (letters, digits, _ and ., 1..63 bytes, not starting with '.')?
 * No '/', so a name is never a path; no '-', the blend operator. */
int lt_voice_name_valid(const char *name);
/* packs[i] belongs to terms[i]; all the same shape. out gets a new pack (free with lt_voice_pack_free). */
int lt_blend_apply(const lt_blend *b, const lt_voice_pack *const *packs, int normalize, lt_voice_pack *out,
                   lt_err *err);

#endif
