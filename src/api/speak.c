/* speak.c — see speak.h. */
#include "api/speak.h"

#include <stdlib.h>

#include "text/chunk.h"
#include "text/timestamps.h"

/* the first chunk ends at its first sentence, or at a clause mark past this many code points */
#define LT_FIRST_CHUNK_PHONEMES 100
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
            for (int i = 0; i < ch->word_count && rc == 0; i++) {
                const lt_chunk_word *w = &words[ch->word_start + i];
                lt_spoken_word sw = {w->src_start, w->src_end, w->ph, w->ph_len, offset + t[i],
                                     offset + t[ch->word_count + i]};
                if (on_word(user, &sw)) rc = lt_fail(err, "stopped by the word callback");
            }
            free(t);
        }
        if (rc == 0 && on_audio && on_audio(user, r.audio, r.n_samples, c)) rc = lt_fail(err, "stopped by the audio callback");
        offset += (double)r.n_samples / 24000.0;
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
