/* scratch.c — slots of transient kernel memory kept between calls; see scratch.h. */
#include "engine/scratch.h"

#include <pthread.h>
#include <stdlib.h>

typedef struct slot {
    pthread_mutex_t mu;
    int busy;
    void *mem;
    size_t cap;
} slot;

static slot g_slots[LT_SCRATCH_SLOTS] = {{PTHREAD_MUTEX_INITIALIZER, 0, NULL, 0},
                                         {PTHREAD_MUTEX_INITIALIZER, 0, NULL, 0},
                                         {PTHREAD_MUTEX_INITIALIZER, 0, NULL, 0}};
static const size_t g_max[LT_SCRATCH_SLOTS] = {(size_t)-1, (size_t)-1, LT_SCRATCH_SLOT2_MAX};

static void *aligned(size_t bytes) { return aligned_alloc(64, (bytes + 63) / 64 * 64); }

void *lt_scratch_get(int i, size_t bytes, int *kept) {
    *kept = 0;
    if (i < 0 || i >= LT_SCRATCH_SLOTS || bytes > g_max[i]) return aligned(bytes);
    slot *s = &g_slots[i];
    pthread_mutex_lock(&s->mu);
    if (!s->busy) {
        if (s->cap < bytes) {
            free(s->mem);
            s->mem = aligned(bytes);
            s->cap = s->mem ? bytes : 0;
        }
        if (s->mem) {
            s->busy = 1;
            *kept = 1;
            pthread_mutex_unlock(&s->mu);
            return s->mem;
        }
    }
    pthread_mutex_unlock(&s->mu);
    return aligned(bytes);
}

void lt_scratch_put(int i, void *mem, int kept) {
    if (!kept) {
        free(mem);
        return;
    }
    pthread_mutex_lock(&g_slots[i].mu);
    g_slots[i].busy = 0;
    pthread_mutex_unlock(&g_slots[i].mu);
}

void lt_scratch_trim(void) {
    for (int i = 0; i < LT_SCRATCH_SLOTS; i++) {
        slot *s = &g_slots[i];
        pthread_mutex_lock(&s->mu);
        if (!s->busy) {
            free(s->mem);
            s->mem = NULL;
            s->cap = 0;
        }
        pthread_mutex_unlock(&s->mu);
    }
}
