/* ratelimit.h — per-client token buckets: each API key (or, without one,
 * each client address) may make `rate` requests per second with bursts up to
 * `burst`; beyond that the server answers 429 with Retry-After. Buckets live
 * in a fixed table (hashed keys; a rare collision shares a bucket), so
 * memory stays flat whatever the number of clients. */
#ifndef LT_SERVER_RATELIMIT_H
#define LT_SERVER_RATELIMIT_H

typedef struct lt_ratelimit lt_ratelimit;

/* rate <= 0: no limit (lt_ratelimit_new returns NULL). burst < 1: 2 × rate (at least 1). */
lt_ratelimit *lt_ratelimit_new(double rate, double burst);
void lt_ratelimit_free(lt_ratelimit *r);
/* 1 admitted (a token taken), 0 refused: *retry_after_s = seconds until a token is back. */
int lt_ratelimit_take(lt_ratelimit *r, const char *client, double now_s, double *retry_after_s);

#endif
