/* weight_pages.c — madvise(MADV_DONTNEED) over the mapped tensors of a stage
 * (see weight_pages.h). */
#include "engine/weight_pages.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int lt_weight_pages_policy(void) {
    const char *e = getenv("LITETTS_RELEASE_WEIGHTS");
    return !(e && !strcmp(e, "0"));
}

static int has_prefix(const char *name, const char *p) { return p && !strncmp(name, p, strlen(p)); }

size_t lt_weight_pages_release(const lt_tensor_set *s, const char *const *prefixes, const char *except) {
    if (!s->mapping || !s->mapping_len) return 0;
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t lo = (uintptr_t)s->mapping, hi = lo + s->mapping_len;
    size_t released = 0;
    for (size_t i = 0; i < s->count; i++) {
        const lt_tensor *t = &s->items[i];
        if (t->owned || has_prefix(t->name, except)) continue;
        int match = 0;
        for (const char *const *p = prefixes; *p && !match; p++) match = has_prefix(t->name, *p);
        if (!match) continue;
        uintptr_t a = (uintptr_t)t->data, b = a + t->nbytes;
        if (a < lo || b > hi) continue; /* not in the file mapping: never touch it */
        a = (a + page - 1) / page * page; /* whole pages inside the tensor only */
        b = b / page * page;
        if (b <= a) continue;
        if (madvise((void *)a, b - a, MADV_DONTNEED) == 0) released += b - a;
    }
    return released;
}
