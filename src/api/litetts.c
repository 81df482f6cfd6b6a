/* litetts.c — the public C API (include/litetts.h) over the engine: model and
 * voice handles, blending, and phoneme chunking for the per-chunk callback. */
#include "litetts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/kokoro.h"
#include "api/speak.h"
#include "text/chunk.h"
#include "text/espeak_g2p.h"
#include "text/frontend.h"
#include "voice/voice_pack.h"

struct litetts_model {
    lt_kokoro *k;
};

struct litetts_voice {
    lt_voice_pack pack;
};

static void set_err(litetts_error *out, const char *msg) {
    if (out) snprintf(out->message, sizeof out->message, "%s", msg);
}

const char *litetts_version(void) { return "0.1.0"; }

litetts_model *litetts_model_open(const char *model_path, const char *config_path, litetts_error *err) {
    lt_err e;
    litetts_model *m = calloc(1, sizeof *m);
    if (!m) { set_err(err, "out of memory"); return NULL; }
    if (lt_kokoro_open(model_path, config_path, &m->k, &e)) {
        set_err(err, e.msg);
        free(m);
        return NULL;
    }
    return m;
}

void litetts_model_free(litetts_model *m) {
    if (!m) return;
    lt_kokoro_free(m->k);
    free(m);
}

int litetts_model_voice_width(const litetts_model *m) { return 2 * m->k->cfg.style_dim; }

litetts_voice *litetts_voice_load(const litetts_model *m, const char *path, const char *member, litetts_error *err) {
    lt_err e;
    litetts_voice *v = calloc(1, sizeof *v);
    if (!v) { set_err(err, "out of memory"); return NULL; }
    if (lt_voice_pack_load(path, member, litetts_model_voice_width(m), &v->pack, &e)) {
        set_err(err, e.msg);
        free(v);
        return NULL;
    }
    return v;
}

litetts_voice *litetts_voice_blend(const litetts_voice *const *voices, const float *weights, int n, litetts_error *err) {
    if (n < 1 || !voices) { set_err(err, "blend: at least one voice is needed"); return NULL; }
    int rows = voices[0]->pack.rows, width = voices[0]->pack.width;
    double total = 0;
    for (int i = 0; i < n; i++) {
        float w = weights ? weights[i] : 1.0f;
        if (!(w > 0) || w > 1e6f) { set_err(err, "blend: every weight must be a finite number > 0"); return NULL; }
        if (voices[i]->pack.rows != rows || voices[i]->pack.width != width) {
            char msg[256];
            snprintf(msg, sizeof msg, "blend: voice %d is [%d, %d] but voice 0 is [%d, %d]", i, voices[i]->pack.rows,
                     voices[i]->pack.width, rows, width);
            set_err(err, msg);
            return NULL;
        }
        total += w;
    }
    litetts_voice *v = calloc(1, sizeof *v);
    float *data = v ? calloc((size_t)rows * width, sizeof(float)) : NULL;
    if (!data) { free(v); set_err(err, "out of memory"); return NULL; }
    for (int i = 0; i < n; i++) {
        float f = (float)((weights ? weights[i] : 1.0f) / total);
        for (int64_t j = 0; j < (int64_t)rows * width; j++) data[j] += f * voices[i]->pack.data[j];
    }
    v->pack.rows = rows;
    v->pack.width = width;
    v->pack.data = data;
    snprintf(v->pack.name, sizeof v->pack.name, "blend");
    return v;
}

void litetts_voice_free(litetts_voice *v) {
    if (!v) return;
    lt_voice_pack_free(&v->pack);
    free(v);
}

const float *litetts_voice_style(const litetts_voice *v, int n_codepoints) {
    return lt_voice_pack_row(&v->pack, n_codepoints);
}

typedef struct chunk_sink {
    litetts_audio_fn fn;
    litetts_word_fn word_fn;
    void *user;
} chunk_sink;

static int forward_audio(void *user, const float *x, int64_t n, int chunk) {
    chunk_sink *s = user;
    return s->fn ? s->fn(s->user, x, (size_t)n, chunk) : 0;
}

static int forward_word(void *user, const lt_spoken_word *w) {
    chunk_sink *s = user;
    litetts_word lw = {w->src_start, w->src_end, w->start_time, w->end_time};
    return s->word_fn ? s->word_fn(s->user, &lw) : 0;
}

struct litetts_text {
    lt_frontend *fe;
};

litetts_text *litetts_text_open(char lang, const char *lexicon_dir, litetts_error *err) {
    litetts_text *t = calloc(1, sizeof *t);
    if (!t) { set_err(err, "out of memory"); return NULL; }
    lt_err e;
    lt_frontend_opts o = {.lang = lang, .lexicon_dir = lexicon_dir, .quiet = 1};
    t->fe = lt_frontend_new(&o, &e);
    if (!t->fe) {
        set_err(err, e.msg);
        free(t);
        return NULL;
    }
    return t;
}

void litetts_text_free(litetts_text *t) {
    if (!t) return;
    lt_frontend_free(t->fe);
    free(t);
}

char litetts_lang_of_voice(const char *voice_name) { return lt_lang_from_voice(voice_name); }

char *litetts_phonemize(litetts_text *t, const char *text, litetts_error *err) {
    char *out = NULL;
    lt_err e;
    if (!t || !text) { set_err(err, "phonemize: text handle and text are required"); return NULL; }
    if (lt_frontend_phonemize(t->fe, text, &out, &e)) set_err(err, e.msg);
    return out;
}

int litetts_synthesize_text(const litetts_model *m, const litetts_voice *v, litetts_text *t, const char *text,
                            const litetts_options *opts, litetts_audio_fn on_audio, litetts_word_fn on_word,
                            void *user, litetts_error *err) {
    if (!m || !v || !t || !text) { set_err(err, "synthesize: model, voice, text handle and text are required"); return -1; }
    chunk_sink sink = {on_audio, on_word, user};
    lt_err e;
    int n = lt_speak_text(m->k, &v->pack, t->fe, text, opts && opts->speed != 0 ? opts->speed : 1.0f,
                          opts ? opts->seed : 0, forward_audio, on_word ? forward_word : NULL, &sink, &e);
    if (n < 0) set_err(err, e.msg);
    return n;
}

int litetts_synthesize(const litetts_model *m, const litetts_voice *v, const char *phonemes,
                       const litetts_options *opts, litetts_audio_fn on_audio, void *user, litetts_error *err) {
    if (!m || !v || !phonemes) { set_err(err, "synthesize: model, voice and phonemes are required"); return -1; }
    float speed = opts && opts->speed != 0 ? opts->speed : 1.0f;
    lt_chunk_word *words = NULL;
    int n_words = lt_chunk_split_phonemes(phonemes, &words);
    if (n_words < 0) { set_err(err, "out of memory"); return -1; }
    if (n_words == 0) { free(words); set_err(err, "phonemes: empty string"); return -1; }
    chunk_sink sink = {on_audio, NULL, user};
    lt_err e;
    int n = lt_speak_words(m->k, &v->pack, words, n_words, speed, opts ? opts->seed : 0, forward_audio, NULL, &sink, &e);
    free(words);
    if (n < 0) set_err(err, e.msg);
    return n;
}
