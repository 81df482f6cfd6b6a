/* ratelimit.c — see ratelimit.h. */
#include "server/ratelimit.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#define LT_RL_BUCKETS 4096

typedef struct bucket {
    uint64_t hash; /* 0 = unused */
    double tokens, stamp;
} bucket;

struct lt_ratelimit {
    pthread_mutex_t mu;
    double rate, burst;
    bucket b[LT_RL_BUCKETS];
};

lt_ratelimit *lt_ratelimit_new(double rate, double burst) {
    if (!(rate > 0)) return NULL;
    lt_ratelimit *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    pthread_mutex_init(&r->mu, NULL);
    r->rate = rate;
    r->burst = burst >= 1 ? burst : (2 * rate >= 1 ? 2 * rate : 1);
    return r;
}

void lt_ratelimit_free(lt_ratelimit *r) {
    if (!r) return;
    pthread_mutex_destroy(&r->mu);
    free(r);
}

int lt_ratelimit_take(lt_ratelimit *r, const char *client, double now, double *retry_after) {
    uint64_t h = 1469598103934665603ull;
    for (const char *p = client ? client : ""; *p; p++) h = (h ^ (unsigned char)*p) * 1099511628211ull;
    h |= 1;
    pthread_mutex_lock(&r->mu);
    bucket *b = &r->b[h % LT_RL_BUCKETS];
    if (b->hash != h) { /* a new client (or one whose slot was reused): a full bucket */
        b->hash = h;
        b->tokens = r->burst;
        b->stamp = now;
    }
    b->tokens += (now - b->stamp) * r->rate;
    if (b->tokens > r->burst) b->tokens = r->burst;
    b->stamp = now;
    int ok = b->tokens >= 1.0;
    if (ok) b->tokens -= 1.0;
    else *retry_after = (1.0 - b->tokens) / r->rate;
    pthread_mutex_unlock(&r->mu);
    return ok;
}
