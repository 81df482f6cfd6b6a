/* timestamps.h — word start/end times from the model's durations.
 *
 * A chunk knows which code points each word occupies (text/chunk.h); the
 * engine knows which token each code point became (lt_kokoro_codepoint_tokens)
 * and how many frames each token lasts (lt_synth_result.durations, speed
 * already applied). A word starts where its first kept token starts and ends
 * where its last one ends; frame_seconds is 600 / 24000 = 0.025 for Kokoro. */
#ifndef LT_TEXT_TIMESTAMPS_H
#define LT_TEXT_TIMESTAMPS_H

#include <stdint.h>

/* word_cp: [start, end) code points per word (2 × n_words); start/end out, in
 * seconds from the chunk's first sample. A word whose symbols were all
 * dropped gets a zero-length interval where it stands. */
void lt_word_times(const int *word_cp, int n_words, const int *cp_token, int n_cp, const int64_t *durations,
                   int n_tokens, double frame_seconds, double *start, double *end);

#endif
