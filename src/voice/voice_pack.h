/* voice_pack.h — loading Kokoro voice packs (style vectors per phoneme count).
 *
 * Owns reading a voice pack from any of the three forms users have and
 * checking it: the official torch.save `.pt` (one [510, 1, W] tensor), an
 * `.npz` archive of packs (kokoro-onnx's voices-v1.0.bin is one, whatever its
 * file name says: detected by the zip magic), or raw little-endian float32
 * (`.bin`, 510 x W values, no header). W = 2 * style_dim (256 for Kokoro-82M).
 * f16/bf16/f64 packs are converted to float32; every value must be finite.
 *
 * The official row rule: the style for a phoneme string of n Unicode code
 * points (counted before out-of-vocab symbols are dropped) is row n - 1,
 * clamped to the pack. */
#ifndef LT_VOICE_VOICE_PACK_H
#define LT_VOICE_VOICE_PACK_H

#include "core/error.h"

#define LT_VOICE_ROWS 510

typedef struct lt_voice_pack {
    int rows;
    int width;
    float *data; /* rows x width, owned */
    char name[128];
} lt_voice_pack;

/* Load a pack. `member` picks the voice inside an .npz (NULL or "" is allowed
 * when the archive holds exactly one); it is ignored for .pt and raw files.
 * expected_width 0 skips the width check. On failure *out is left empty. */
int lt_voice_pack_load(const char *path, const char *member, int expected_width,
                       lt_voice_pack *out, lt_err *err);

/* Voice names in an .npz (members without ".npy"); free with
 * lt_voice_pack_names_free. */
int lt_voice_pack_list_npz(const char *path, char ***names, int *count, lt_err *err);
void lt_voice_pack_names_free(char **names, int count);

void lt_voice_pack_free(lt_voice_pack *p);

/* Row for a phoneme string of n_codepoints code points: row n - 1 clamped to
 * [0, rows - 1]. NULL if the pack is empty. */
const float *lt_voice_pack_row(const lt_voice_pack *p, int n_codepoints);

#endif
