/* litetts.h — the LiteTTS C library: Kokoro-82M text-to-speech on the CPU.
 *
 *   litetts_error err;
 *   litetts_model *m = litetts_model_open("kokoro.gguf", NULL, &err);      // or kokoro-v1_0.pth
 *   litetts_voice *v = litetts_voice_load(m, "voices/af_heart.pt", &err);
 *   litetts_synthesize(m, v, "həlˈO wˈɜɹld.", NULL, on_audio, user, &err);  // on_audio gets float PCM
 *   litetts_voice_free(v); litetts_model_free(m);
 *
 * Threading: a model is read-only once open; any number of threads may call
 * litetts_synthesize on the same model and voices at once. Each call
 * allocates its own working memory and frees it before returning.
 * Errors: functions that can fail return NULL or a negative value and fill
 * the caller's litetts_error with a sentence naming the file, field and reason. */
#ifndef LITETTS_H
#define LITETTS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LITETTS_SAMPLE_RATE 24000
#define LITETTS_MAX_CHUNK_PHONEMES 510

typedef struct litetts_error {
    char message[1024];
} litetts_error;

typedef struct litetts_model litetts_model;
typedef struct litetts_voice litetts_voice;

/* Open the released kokoro-v1_0.pth (config.json from config_path or beside
 * the model) or a native .gguf written by `litetts convert` (config inside). */
litetts_model *litetts_model_open(const char *model_path, const char *config_path, litetts_error *err);
void litetts_model_free(litetts_model *m);
/* Style width of a voice row for this model: 2 × style_dim (256 for Kokoro-82M). */
int litetts_model_voice_width(const litetts_model *m);

/* A voice pack: .pt (torch.save), raw float32 .bin [510,1,W], or an .npz of
 * packs (kokoro-onnx's voices-v1.0.bin) with `member` naming the voice. */
litetts_voice *litetts_voice_load(const litetts_model *m, const char *path, const char *member, litetts_error *err);
/* Weighted mix Σ wᵢ·packᵢ / Σ wᵢ of n voices (weights > 0; NULL weights = mean). */
litetts_voice *litetts_voice_blend(const litetts_voice *const *voices, const float *weights, int n, litetts_error *err);
void litetts_voice_free(litetts_voice *v);
/* The style row used for a phoneme string of n code points (row n − 1, the
 * official rule): litetts_model_voice_width(m) floats, owned by the voice. */
const float *litetts_voice_style(const litetts_voice *v, int n_codepoints);

typedef struct litetts_options {
    float speed;    /* 0.25 .. 4; 0 means 1 */
    uint64_t seed;  /* random source of the harmonic generator; same seed, same audio */
} litetts_options;

/* Called once per chunk, in order, with that chunk's samples (24 kHz mono,
 * float in about [-1, 1]); `chunk` counts from 0. Return non-zero to stop. */
typedef int (*litetts_audio_fn)(void *user, const float *samples, size_t n, int chunk);

/* Synthesize misaki phonemes. Strings longer than 510 code points, or with
 * several sentences, are cut at sentence, then clause, then word boundaries;
 * the first chunk is the first sentence (or clause, past 100 code points) so
 * audio starts early. Returns the number
 * of chunks delivered, or -1 on error (or when the callback stopped it:
 * then err says so). */
int litetts_synthesize(const litetts_model *m, const litetts_voice *v, const char *phonemes,
                       const litetts_options *opts, litetts_audio_fn on_audio, void *user, litetts_error *err);

/* ---- text ---------------------------------------------------------------
 * A text front-end for one language: normalisation (numbers, money, dates,
 * units, URLs, abbreviations, Markdown, …), misaki's lexicons and espeak-ng.
 * lang: a (US) b (UK) e f h i j p z; 0 = a. lexicon_dir: misaki's
 * {us,gb}_{gold,silver}.json (NULL = espeak-ng only, lower quality). Use one
 * handle per thread. */
typedef struct litetts_text litetts_text;
litetts_text *litetts_text_open(char lang, const char *lexicon_dir, litetts_error *err);
void litetts_text_free(litetts_text *t);
/* The language a voice name implies: af_/am_ → a, bf_/bm_ → b, ef_ → e, …; 0 if none. */
char litetts_lang_of_voice(const char *voice_name);
/* Text → misaki phonemes (malloc'd; free() it), or NULL on error. */
char *litetts_phonemize(litetts_text *t, const char *text, litetts_error *err);

/* A spoken word: its bytes in the input text and when it is heard. */
typedef struct litetts_word {
    size_t start, end;           /* byte span of the input text ("$100" for "one hundred dollars") */
    double start_time, end_time; /* seconds from the first sample */
} litetts_word;
typedef int (*litetts_word_fn)(void *user, const litetts_word *w);

/* Text → audio, chunk by chunk as litetts_synthesize; on_word (may be NULL)
 * gets each word's timing before its chunk's audio. Returns chunks or -1. */
int litetts_synthesize_text(const litetts_model *m, const litetts_voice *v, litetts_text *t, const char *text,
                            const litetts_options *opts, litetts_audio_fn on_audio, litetts_word_fn on_word,
                            void *user, litetts_error *err);

const char *litetts_version(void);

#ifdef __cplusplus
}
#endif
#endif
