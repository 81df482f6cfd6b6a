/* speak.c — see speak.h. */
#include "api/speak.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "text/chunk.h"
#include "text/timestamps.h"

/* Seams between chunks: each chunk's own edge silence is trimmed (leaving a
 * short margin, faded so nothing clicks) and a pause that fits the
 * punctuation where the chunk ended is put back, so a long text sounds like
 * one reading rather than separate utterances glued together. */
#define LT_SILENCE_LEVEL 0.003f  /* |sample| below this counts as silence */
#define LT_EDGE_MARGIN 240       /* 10 ms kept on a trimmed edge */
#define LT_FADE 120              /* 5 ms fade over the kept margin */
#define LT_PAUSE_SENTENCE 7200   /* 300 ms after . ! ? */
#define LT_PAUSE_CLAUSE 3600     /* 150 ms after , ; : — */
#define LT_PAUSE_WORD 1200       /* 50 ms where a chunk had to end between words */

/* pause after a chunk, by the last punctuation of its phonemes */
static int64_t pause_after(const char *ph) {
    size_t n = strlen(ph);
    while (n && (ph[n - 1] == '"' || ph[n - 1] == ')' || ph[n - 1] == ' ')) n--;
    if (n >= 3 && (!memcmp(ph + n - 3, "”", 3))) n -= 3;
    if (!n) return LT_PAUSE_WORD;
    char c = ph[n - 1];
    if (c == '.' || c == '!' || c == '?' || (n >= 3 && !memcmp(ph + n - 3, "…", 3))) return LT_PAUSE_SENTENCE;
    if (c == ',' || c == ';' || c == ':' || (n >= 3 && !memcmp(ph + n - 3, "—", 3))) return LT_PAUSE_CLAUSE;
    return LT_PAUSE_WORD;
}

/* [*start, *end) of the audio worth keeping: silence at a seam edge trimmed to a margin */
static void seam_bounds(const float *x, int64_t n, int trim_start, int trim_end, int64_t *start, int64_t *end) {
    int64_t a = 0, b = n;
    if (trim_start) {
        while (a < n && fabsf(x[a]) < LT_SILENCE_LEVEL) a++;
        a = a > LT_EDGE_MARGIN ? a - LT_EDGE_MARGIN : 0;
    }
    if (trim_end) {
        while (b > a && fabsf(x[b - 1]) < LT_SILENCE_LEVEL) b--;
        b = b + LT_EDGE_MARGIN < n ? b + LT_EDGE_MARGIN : n;
    }
    *start = a;
    *end = b;
}

#define LT_FRAME_SECONDS (600.0 / 24000.0)

int lt_speak_words(const lt_kokoro *m, const lt_voice_pack *pack, const lt_chunk_word *words, int n_words, float speed,
                   uint64_t seed, lt_speak_audio_fn on_audio, lt_speak_word_fn on_word, void *user, lt_err *err) {
    lt_chunk_list chunks;
    if (n_words == 0) return lt_fail(err, "nothing to say: the text has no words");
    if (lt_chunk_plan(words, n_words, LT_MAX_PHONEME_CODEPOINTS, LT_FIRST_CHUNK_PHONEMES, &chunks, err)) return -1;
    int rc = 0, c = 0;
    double offset = 0;
    for (; c < chunks.count && rc == 0; c++) {
        const lt_chunk *ch = &chunks.items[c];
        int64_t ids[LT_MAX_PHONEME_CODEPOINTS + 2];
        int ncp = 0, cp_token[LT_MAX_PHONEME_CODEPOINTS];
        lt_synth_hooks hooks = {.seed = seed + (uint64_t)c};
        lt_synth_result r;
        if (lt_kokoro_tokenize(m, ch->phonemes, ids, LT_MAX_PHONEME_CODEPOINTS + 2, &ncp, err) < 0 ||
            lt_kokoro_synthesize(m, ch->phonemes, lt_voice_pack_row(pack, ncp), speed, &hooks, &r, err)) {
            lt_fail_prefix(err, "chunk %d", c);
            rc = -1;
            break;
        }
        int last = c + 1 == chunks.count;
        int64_t a, b, pause = last ? 0 : pause_after(ch->phonemes);
        seam_bounds(r.audio, r.n_samples, c > 0, !last, &a, &b);
        if (on_word) {
            int n_cp = lt_kokoro_codepoint_tokens(m, ch->phonemes, cp_token, LT_MAX_PHONEME_CODEPOINTS);
            double *t = malloc(sizeof(double) * 2 * (size_t)ch->word_count);
            if (!t) {
                lt_synth_result_free(&r);
                rc = lt_fail(err, "out of memory");
                break;
            }
            lt_word_times(ch->word_cp, ch->word_count, cp_token, n_cp, r.durations, r.n_tokens, LT_FRAME_SECONDS, t,
                          t + ch->word_count);
            double shift = offset - (double)a / 24000.0, limit = offset + (double)(b - a) / 24000.0;
            for (int i = 0; i < ch->word_count && rc == 0; i++) {
                const lt_chunk_word *w = &words[ch->word_start + i];
                double ws = shift + t[i], we = shift + t[ch->word_count + i];
                ws = ws < offset ? offset : ws > limit ? limit : ws; /* inside what is actually heard */
                we = we < ws ? ws : we > limit ? limit : we;
                lt_spoken_word sw = {w->src_start, w->src_end, w->ph, w->ph_len, ws, we};
                if (on_word(user, &sw)) rc = lt_fail(err, "stopped by the word callback");
            }
            free(t);
        }
        /* kept audio, faded at trimmed edges, then the pause */
        float *out = rc == 0 ? malloc(sizeof(float) * (size_t)(b - a + pause + 1)) : NULL;
        if (rc == 0 && !out) rc = lt_fail(err, "out of memory");
        if (rc == 0) {
            int64_t n = b - a;
            memcpy(out, r.audio + a, sizeof(float) * (size_t)n);
            if (c > 0 && a > 0)
                for (int64_t i = 0; i < LT_FADE && i < n; i++) out[i] *= (float)(i + 1) / (LT_FADE + 1);
            if (!last && b < r.n_samples)
                for (int64_t i = 0; i < LT_FADE && i < n; i++) out[n - 1 - i] *= (float)(i + 1) / (LT_FADE + 1);
            memset(out + n, 0, sizeof(float) * (size_t)pause);
            if (on_audio && on_audio(user, out, n + pause, c)) rc = lt_fail(err, "stopped by the audio callback");
            offset += (double)(n + pause) / 24000.0;
        }
        free(out);
        lt_synth_result_free(&r);
    }
    lt_chunk_list_free(&chunks);
    return rc ? -1 : c;
}

int lt_speak_text(const lt_kokoro *m, const lt_voice_pack *pack, lt_frontend *fe, const char *text, float speed,
                  uint64_t seed, lt_speak_audio_fn on_audio, lt_speak_word_fn on_word, void *user, lt_err *err) {
    lt_fe_words words;
    if (lt_frontend_words(fe, text, &words, err)) return -1;
    int rc = lt_speak_words(m, pack, words.words, words.n, speed, seed, on_audio, on_word, user, err);
    lt_fe_words_free(&words);
    return rc;
}
