/* jobs.h — the synthesis worker pool of `litetts serve`: a fixed number of
 * threads fed by a bounded FIFO queue. Submitting to a full queue fails at
 * once (the caller answers 503 + Retry-After) instead of growing it. Each job
 * runs on one worker and learns which (0..n-1), so per-worker state such as
 * text front-ends needs no locking. */
#ifndef LT_SERVER_JOBS_H
#define LT_SERVER_JOBS_H

typedef void (*lt_job_fn)(void *arg, int worker);

typedef struct lt_jobs lt_jobs;

/* workers >= 1; queue_cap = how many jobs may wait while every worker is busy
 * (0: accept only when a worker is free). */
lt_jobs *lt_jobs_new(int workers, int queue_cap);
/* 0 = queued; -1 = full; -2 = shutting down. */
int lt_jobs_submit(lt_jobs *p, lt_job_fn fn, void *arg);
/* Jobs waiting (not yet started) and jobs running. */
int lt_jobs_waiting(lt_jobs *p);
int lt_jobs_running(lt_jobs *p);
/* While held, workers start no new jobs (maintenance, tests). */
void lt_jobs_hold(lt_jobs *p, int hold);
/* Refuse new jobs, wait until the queue is empty and every worker idle or
 * until timeout_ms passes (0 = no wait). Returns the jobs still unfinished. */
int lt_jobs_drain(lt_jobs *p, int timeout_ms);
/* Stop the workers (queued jobs still run first) and free the pool. */
void lt_jobs_free(lt_jobs *p);

#endif
