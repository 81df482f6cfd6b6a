/* litetts.c — the public C API (include/litetts.h) over the engine: model and
 * voice handles, blending, and phoneme chunking for the per-chunk callback. */
#include "litetts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/kokoro.h"
#include "text/chunk.h"
#include "voice/voice_pack.h"

/* the first chunk ends at its first sentence, or at a clause mark past this many code points */
#define LITETTS_FIRST_CHUNK_PHONEMES 100

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

int litetts_synthesize(const litetts_model *m, const litetts_voice *v, const char *phonemes,
                       const litetts_options *opts, litetts_audio_fn on_audio, void *user, litetts_error *err) {
    if (!m || !v || !phonemes) { set_err(err, "synthesize: model, voice and phonemes are required"); return -1; }
    lt_synth_hooks hooks = {.seed = opts ? opts->seed : 0};
    float speed = opts && opts->speed != 0 ? opts->speed : 1.0f;
    lt_chunk_word *words = NULL;
    int n_words = lt_chunk_split_phonemes(phonemes, &words);
    if (n_words < 0) { set_err(err, "out of memory"); return -1; }
    if (n_words == 0) { free(words); set_err(err, "phonemes: empty string"); return -1; }
    lt_chunk_list chunks;
    lt_err e;
    if (lt_chunk_plan(words, n_words, LITETTS_MAX_CHUNK_PHONEMES, LITETTS_FIRST_CHUNK_PHONEMES, &chunks, &e)) {
        free(words);
        set_err(err, e.msg);
        return -1;
    }
    int chunk = 0, rc = 0;
    for (; chunk < chunks.count && rc == 0; chunk++) {
        const char *ph = chunks.items[chunk].phonemes;
        int64_t ids[LT_MAX_PHONEME_CODEPOINTS + 2];
        int ncp = 0;
        lt_synth_result r;
        hooks.seed = (opts ? opts->seed : 0) + (uint64_t)chunk;
        if (lt_kokoro_tokenize(m->k, ph, ids, LT_MAX_PHONEME_CODEPOINTS + 2, &ncp, &e) < 0 ||
            lt_kokoro_synthesize(m->k, ph, lt_voice_pack_row(&v->pack, ncp), speed, &hooks, &r, &e)) {
            set_err(err, e.msg);
            rc = -1;
            break;
        }
        int stop = on_audio ? on_audio(user, r.audio, (size_t)r.n_samples, chunk) : 0;
        lt_synth_result_free(&r);
        if (stop) {
            set_err(err, "synthesize: stopped by the audio callback");
            rc = -1;
        }
    }
    lt_chunk_list_free(&chunks);
    free(words);
    if (rc) return -1;
    return chunk;
}
