/* normalize_tidy.c — the normaliser's last pass: spacing. Runs of spaces
 * become one, lines lose leading and trailing spaces, and no space is left
 * before closing punctuation (, . ; : ! ? ) ] } …) or after an opening
 * bracket, whichever rule or removed markup left it there. */
#include <string.h>

#include "text/normalize_internal.h"

static int closing(const char *s, size_t k, size_t n) {
    char c = s[k];
    if (strchr(",.;:!?)]}", c)) return 1;
    return k + 2 < n && !memcmp(s + k, "\xE2\x80\xA6", 3);
}

void lt_norm_tidy(const lt_nbuf *in, lt_nbuf *out) {
    size_t pend = (size_t)-1; /* index in `in` of the first pending space */
    for (size_t k = 0; k < in->len && !out->oom; k++) {
        char c = in->s[k];
        if (c == ' ') {
            if (pend == (size_t)-1) pend = k;
            continue;
        }
        if (pend != (size_t)-1) {
            char last = lt_nb_last(out);
            int line_start = out->len == 0 || last == '\n';
            if (!line_start && c != '\n' && !closing(in->s, k, in->len) && !strchr("([{", last))
                lt_nb_put(out, " ", 1, in->ib[pend], in->ie[pend], in->keep[pend]);
            pend = (size_t)-1;
        }
        lt_nb_put(out, in->s + k, 1, in->ib[k], in->ie[k], in->keep[k]);
    }
}
