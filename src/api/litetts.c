/* litetts.c — the public C API (include/litetts.h) over the engine: model and
 * voice handles, blending, and phoneme chunking for the per-chunk callback. */
#include "litetts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/kokoro.h"
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

/* ---- phoneme chunking ---------------------------------------------------- */

static int is_cont(unsigned char c) { return (c & 0xC0) == 0x80; }

/* Byte length of the next chunk of s (at most max_cp code points): the first
 * sentence if `first`, else as many whole sentences as fit; a sentence that
 * does not fit is cut after the last clause mark (, ; : —), else the last space. */
static size_t next_chunk(const char *s, int max_cp, int first) {
    size_t i = 0, last_sentence = 0, last_clause = 0, last_space = 0;
    int cps = 0;
    while (s[i]) {
        if (!is_cont((unsigned char)s[i])) {
            if (cps == max_cp) break;
            cps++;
        }
        char c = s[i];
        size_t next = i + 1;
        while (s[next] && is_cont((unsigned char)s[next])) next++;
        if ((c == '.' || c == '!' || c == '?') && (s[next] == ' ' || !s[next])) {
            last_sentence = next;
            if (first) return next;
        } else if (c == ',' || c == ';' || c == ':' || !strncmp(s + i, "—", 3)) {
            last_clause = next;
        } else if (c == ' ') {
            last_space = next;
        }
        i = next;
    }
    if (!s[i]) return i;
    if (last_sentence) return last_sentence;
    if (last_clause) return last_clause;
    if (last_space) return last_space;
    return i; /* one "word" longer than the model's limit: cut it */
}

int litetts_synthesize(const litetts_model *m, const litetts_voice *v, const char *phonemes,
                       const litetts_options *opts, litetts_audio_fn on_audio, void *user, litetts_error *err) {
    if (!m || !v || !phonemes) { set_err(err, "synthesize: model, voice and phonemes are required"); return -1; }
    lt_synth_hooks hooks = {.seed = opts ? opts->seed : 0};
    float speed = opts && opts->speed != 0 ? opts->speed : 1.0f;
    const char *p = phonemes;
    while (*p == ' ') p++;
    if (!*p) { set_err(err, "phonemes: empty string"); return -1; }
    int chunk = 0;
    char buf[LITETTS_MAX_CHUNK_PHONEMES * 4 + 1];
    while (*p) {
        size_t len = next_chunk(p, LITETTS_MAX_CHUNK_PHONEMES, chunk == 0);
        memcpy(buf, p, len);
        buf[len] = 0;
        p += len;
        while (len && buf[len - 1] == ' ') buf[--len] = 0;
        while (*p == ' ') p++;
        if (!len) continue;
        lt_err e;
        int64_t ids[LT_MAX_PHONEME_CODEPOINTS + 2];
        int ncp = 0;
        if (lt_kokoro_tokenize(m->k, buf, ids, LT_MAX_PHONEME_CODEPOINTS + 2, &ncp, &e) < 0) {
            set_err(err, e.msg);
            return -1;
        }
        lt_synth_result r;
        hooks.seed = (opts ? opts->seed : 0) + (uint64_t)chunk;
        if (lt_kokoro_synthesize(m->k, buf, lt_voice_pack_row(&v->pack, ncp), speed, &hooks, &r, &e)) {
            set_err(err, e.msg);
            return -1;
        }
        int stop = on_audio ? on_audio(user, r.audio, (size_t)r.n_samples, chunk) : 0;
        lt_synth_result_free(&r);
        chunk++;
        if (stop) { set_err(err, "synthesize: stopped by the audio callback"); return -1; }
    }
    return chunk;
}
