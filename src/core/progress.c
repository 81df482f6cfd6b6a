/* progress.c — see progress.h. */
#include "core/progress.h"

#include <stdio.h>

void lt_progress_draw(void *ud, size_t done, size_t total) {
    const lt_progress *p = ud;
    if (p->quiet || (!p->tty && done != total)) return;
    char cells[31];
    int width = 30, fill = total ? (int)((double)done / (double)total * width) : width;
    for (int i = 0; i < width; i++) cells[i] = i < fill ? '#' : '.';
    cells[width] = 0;
    fprintf(stderr, "%s%-11s [%s] %zu/%zu %s%s", p->tty ? "\r" : "", p->label, cells, done, total,
            p->unit ? p->unit : "", done == total ? "\n" : "");
    fflush(stderr);
}
