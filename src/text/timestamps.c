/* timestamps.c — see timestamps.h. */
#include "text/timestamps.h"

#include <stdlib.h>

void lt_word_times(const int *word_cp, int n_words, const int *cp_token, int n_cp, const int64_t *dur, int n_tokens,
                   double frame_seconds, double *start, double *end) {
    /* frame offset at the start of each token (prefix sums) */
    int64_t at = 0, *begin = malloc(sizeof(int64_t) * (size_t)(n_tokens + 1));
    if (!begin) {
        for (int w = 0; w < n_words; w++) start[w] = end[w] = 0;
        return;
    }
    for (int t = 0; t < n_tokens; t++) {
        begin[t] = at;
        at += dur[t];
    }
    begin[n_tokens] = at;
    for (int w = 0; w < n_words; w++) {
        int first = -1, last = -1;
        for (int c = word_cp[2 * w]; c < word_cp[2 * w + 1] && c < n_cp; c++)
            if (cp_token[c] >= 0) {
                if (first < 0) first = cp_token[c];
                last = cp_token[c];
            }
        if (first < 0) { /* nothing kept: an empty interval where the next kept token starts */
            int t = n_tokens - 1; /* the trailing pad */
            for (int c = word_cp[2 * w + 1]; c < n_cp; c++)
                if (cp_token[c] >= 0) {
                    t = cp_token[c];
                    break;
                }
            start[w] = end[w] = (double)begin[t] * frame_seconds;
            continue;
        }
        start[w] = (double)begin[first] * frame_seconds;
        end[w] = (double)begin[last + 1] * frame_seconds;
    }
    free(begin);
}
