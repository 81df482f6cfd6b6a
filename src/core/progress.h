/* progress.h — the one progress bar of long CLI jobs (convert, recipe, bench):
 * redrawn in place on a terminal, only the final line in logs. */
#ifndef LT_CORE_PROGRESS_H
#define LT_CORE_PROGRESS_H

#include <stddef.h>

typedef struct lt_progress {
    const char *label; /* "converting" */
    const char *unit;  /* "tensors" */
    int tty, quiet;
} lt_progress;

/* lt_progress *p = ud; matches the (ud, done, total) callbacks of the loaders and writers */
void lt_progress_draw(void *ud, size_t done, size_t total);

#endif
