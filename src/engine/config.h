/* config.h — Kokoro's config.json, parsed into plain numbers.
 *
 * Every width the engine uses comes from here or from tensor shapes, never
 * from constants, so the same code runs the official 82M model, the tiny
 * golden model and configurations nobody has shown us. The official code's
 * fixed constants (24 kHz, 9 harmonics, sine_amp 0.1, noise_std 0.003,
 * voiced threshold 10) live in harmonic_source.c, not here. */
#ifndef LT_ENGINE_CONFIG_H
#define LT_ENGINE_CONFIG_H

#include <stdint.h>

#include "core/error.h"

#define LT_MAX_UPSAMPLES 4
#define LT_MAX_RESBLOCK_KERNELS 4
#define LT_MAX_DILATIONS 4
#define LT_VOCAB_MAX 1024

typedef struct lt_vocab_entry {
    uint32_t codepoint;
    int id;
} lt_vocab_entry;

typedef struct lt_kokoro_config {
    int n_token, hidden_dim, style_dim, n_layer, max_dur, text_encoder_kernel_size, n_mels;
    /* plbert (ALBERT) */
    int bert_hidden, bert_heads, bert_intermediate, bert_max_positions, bert_layers;
    /* istftnet generator */
    int n_upsamples;
    int upsample_rates[LT_MAX_UPSAMPLES], upsample_kernel_sizes[LT_MAX_UPSAMPLES];
    int n_resblock_kernels;
    int resblock_kernel_sizes[LT_MAX_RESBLOCK_KERNELS];
    int n_dilations; /* per resblock kernel; the official code uses 3 */
    int resblock_dilations[LT_MAX_RESBLOCK_KERNELS][LT_MAX_DILATIONS];
    int upsample_initial_channel, istft_n_fft, istft_hop;
    /* vocab: phoneme code point -> token id, sorted by code point */
    int vocab_size;
    lt_vocab_entry vocab[LT_VOCAB_MAX];
} lt_kokoro_config;

/* Parse config.json text; `what` names the source in errors. */
int lt_config_parse(const char *json_text, const char *what, lt_kokoro_config *cfg, lt_err *err);
/* Read and parse a config.json file. *json_out (optional) receives the text (malloc'd). */
int lt_config_load_file(const char *path, lt_kokoro_config *cfg, char **json_out, lt_err *err);
/* Token id of a code point, or -1 when the vocab lacks it. */
int lt_config_token_id(const lt_kokoro_config *cfg, uint32_t codepoint);
/* Samples per decoder frame: prod(upsample_rates) * hop (300 for Kokoro). */
int lt_config_upsample_factor(const lt_kokoro_config *cfg);

#endif
