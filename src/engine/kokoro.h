/* kokoro.h — the Kokoro-82M model: its layers as plain structs of weight
 * pointers, and one function that turns phonemes + a style vector into audio.
 *
 * The model is read-only after lt_kokoro_open and may be shared by any number
 * of threads; every call to lt_kokoro_synthesize allocates its own
 * activations. Weight pointers point into the loaded tensor set (the .pth's
 * owned copies or the GGUF mapping) or, for reduced-precision files, into
 * float32 copies the model owns.
 *
 * Shapes in comments: T = tokens including the two pads, F = frames (sum of
 * durations), L = samples = F · U with U = prod(upsample_rates) · hop (300). */
#ifndef LT_ENGINE_KOKORO_H
#define LT_ENGINE_KOKORO_H

#include <stdint.h>

#include "core/error.h"
#include "engine/config.h"
#include "engine/tensor.h"

/* A weight matrix as stored in the file: f32, f16, bf16 or q8_0. Reduced
 * types are never kept widened: layers.c widens one layer's weights for the
 * duration of one call (see lt_weight_f32). Biases and vectors are float32. */
typedef struct lt_weight { const void *p; lt_dtype dtype; } lt_weight;

typedef struct lt_linear { lt_weight w; const float *b; int out, in; } lt_linear;    /* w [out][in] */
/* w [out][in][k]; eight_bit: f16 weights that the 8-bit kernel computes (quantised per call, like Q8_0):
 * the f16 convs of a q8_0 model with at least 32 input channels, whose rows are not whole Q8_0 blocks */
typedef struct lt_conv { lt_weight w; const float *b; int out, in, k, eight_bit; } lt_conv;
typedef struct lt_conv_t { lt_weight w; const float *b; int in, out, k; } lt_conv_t; /* w [in][out/groups][k] */
typedef struct lt_lstm {
    lt_weight w_ih[2], w_hh[2];     /* [0] forward, [1] reverse */
    const float *b_ih[2], *b_hh[2];
    int in, hidden;
} lt_lstm;

/* StyleTTS2's AdainResBlk1d (predictor F0/N and decoder blocks). */
typedef struct lt_adain_resblk {
    int dim_in, dim_out, upsample, learned_sc;
    lt_linear norm1, norm2;  /* style → [gamma | beta] */
    lt_conv conv1, conv2;    /* k 3, pad 1 */
    lt_conv conv1x1;         /* shortcut when dim_in != dim_out (no bias) */
    lt_conv_t pool;          /* depthwise transposed conv ×2 when upsampling */
} lt_adain_resblk;

/* iSTFTNet's AdaINResBlock1 (generator resblocks and noise_res). */
typedef struct lt_adain_resblock1 {
    int channels, k, n;
    int dilation[LT_MAX_DILATIONS];
    lt_conv convs1[LT_MAX_DILATIONS], convs2[LT_MAX_DILATIONS];
    lt_linear adain1[LT_MAX_DILATIONS], adain2[LT_MAX_DILATIONS];
    const float *alpha1[LT_MAX_DILATIONS], *alpha2[LT_MAX_DILATIONS]; /* [channels] */
} lt_adain_resblock1;

typedef struct lt_kokoro {
    lt_kokoro_config cfg;
    char *config_json;
    lt_tensor_set weights;
    void **owned;          /* float32 copies made for non-f32 weights */
    int n_owned, cap_owned;
    int release_weights;   /* hand finished stages' weight pages back (weight_pages.h) */

    /* ALBERT (bert.*): E = embedding size, H = hidden */
    int bert_embed;
    const float *word_emb, *pos_emb, *type_emb; /* [n_token][E], [P][E], [2][E] */
    const float *emb_ln_w, *emb_ln_b;           /* [E] */
    lt_linear emb_map;                          /* E → H */
    lt_linear q, k, v, attn_out, ffn, ffn_out;
    const float *attn_ln_w, *attn_ln_b, *full_ln_w, *full_ln_b;
    lt_linear bert_encoder;                     /* H → hidden_dim */

    /* prosody predictor */
    lt_lstm dur_lstm[8];     /* predictor.text_encoder.lstms.{0,2,4} */
    lt_linear dur_aln[8];    /* predictor.text_encoder.lstms.{1,3,5}.fc */
    lt_lstm pred_lstm, shared_lstm;
    lt_linear duration_proj; /* hidden → max_dur */
    lt_adain_resblk f0_blocks[3], n_blocks[3];
    lt_conv f0_proj, n_proj;

    /* text encoder */
    const float *text_emb;   /* [n_token][hidden] */
    lt_conv text_cnn[8];
    const float *text_ln_gamma[8], *text_ln_beta[8];
    lt_lstm text_lstm;

    /* decoder trunk */
    int dec_dim, dec_res_dim, dec_out_dim, n_decode;
    lt_conv f0_conv, n_conv, asr_res;
    lt_adain_resblk encode, decode[8];

    /* generator */
    const float *source_w, *source_b; /* m_source.l_linear: 9 → 1, float32 (the source is exact) */
    lt_conv noise_convs[LT_MAX_UPSAMPLES];
    lt_adain_resblock1 noise_res[LT_MAX_UPSAMPLES];
    lt_conv_t ups[LT_MAX_UPSAMPLES];
    lt_adain_resblock1 resblocks[LT_MAX_UPSAMPLES * LT_MAX_RESBLOCK_KERNELS];
    lt_conv conv_post;
} lt_kokoro;

/* Open a model: the released .pth (config.json taken from config_path, or
 * from beside the model when NULL) or the native GGUF file (config inside). */
int lt_kokoro_open(const char *model_path, const char *config_path, lt_kokoro **out, lt_err *err);
void lt_kokoro_free(lt_kokoro *m);

/* Parity and debugging hooks. All optional; zero-initialise. */
typedef struct lt_synth_hooks {
    /* Called with every recorded intermediate under its golden name and shape. */
    void (*dump)(void *ud, const char *name, lt_dtype dtype, int ndim, const int64_t *shape, const void *data);
    void *dump_ud;
    /* Random draws in order (noise_000 [1,9] uniform, noise_001 [1,L,9] normal);
     * NULL = the seeded PRNG. `noise_what` names their source in errors. */
    const lt_tensor *noise_rand_ini, *noise_randn;
    const char *noise_what;
    /* Stage B: take F0/N in place of the predictor's ([1, 2F] each). */
    const lt_tensor *inject_f0, *inject_n;
    /* Stage C: take these in place of the source STFT ([1, n_fft/2+1, frames]). */
    const lt_tensor *inject_har_spec, *inject_har_phase;
    uint64_t seed;
} lt_synth_hooks;

/* Per-utterance result. audio [n_samples] and durations [n_tokens] are malloc'd. */
typedef struct lt_synth_result {
    float *audio;
    int64_t n_samples;
    int64_t *durations;
    int n_tokens;
} lt_synth_result;

#define LT_MAX_PHONEME_CODEPOINTS 510

/* Phoneme string (UTF-8) → token ids [0, ids…, 0]. Returns the number of ids
 * or -1; *n_codepoints receives the string's code-point count (the voice row
 * index + 1). Out-of-vocab symbols are dropped. */
int lt_kokoro_tokenize(const lt_kokoro *m, const char *phonemes, int64_t *ids, int max_ids, int *n_codepoints,
                       lt_err *err);

/* For each code point of `phonemes`, the index of its token in the ids that
 * lt_kokoro_tokenize gives (1.., after the leading pad), or -1 when the vocab
 * drops it. Returns the number of code points written, or -1 on bad UTF-8. */
int lt_kokoro_codepoint_tokens(const lt_kokoro *m, const char *phonemes, int *cp_token, int max_cp);

/* style: one voice-pack row of 2·style_dim floats (decoder half first). */
int lt_kokoro_synthesize(const lt_kokoro *m, const char *phonemes, const float *style, float speed,
                         const lt_synth_hooks *hooks, lt_synth_result *out, lt_err *err);
void lt_synth_result_free(lt_synth_result *r);

#endif
