/* jobs.h — the synthesis scheduler of `litetts serve`. Every admitted
 * request gets its own thread at once, but only `workers` of them compute at
 * a time: each holds one of `workers` compute slots. A job asks for a slot
 * at "first chunk" priority when it starts, and between two text chunks it
 * yields (lt_jobs_yield): when anyone is waiting it gives the slot back and
 * queues again at "later chunk" priority. So a new request's first audio
 * never waits behind other requests' later chunks (no head-of-line
 * blocking), later chunks of concurrent streams take turns, and submitting
 * beyond workers + queue_cap fails at once (the caller answers 503 +
 * Retry-After) instead of growing a queue. The job learns its slot index
 * (0..workers-1) at start, so per-slot state such as text front-ends needs
 * no locking. */
#ifndef LT_SERVER_JOBS_H
#define LT_SERVER_JOBS_H

typedef void (*lt_job_fn)(void *arg, int slot);

typedef struct lt_jobs lt_jobs;

/* workers >= 1 compute slots; queue_cap = how many more jobs may be admitted
 * while every slot is busy (0: accept only when a slot is free). */
lt_jobs *lt_jobs_new(int workers, int queue_cap);
/* 0 = admitted; -1 = full; -2 = shutting down. */
int lt_jobs_submit(lt_jobs *p, lt_job_fn fn, void *arg);
/* Called by a running job between chunks: when other jobs wait for a slot,
 * give this one up and wait for the next turn at "later chunk" priority.
 * The per-slot state the job was started with must not be used after it.
 * A no-op outside a job. */
void lt_jobs_yield(void);
/* Jobs admitted that have not started (waiting for their first slot), and
 * jobs started and not finished (computing or waiting for a later turn). */
int lt_jobs_waiting(lt_jobs *p);
int lt_jobs_running(lt_jobs *p);
/* While held, no slot is handed out (maintenance, tests). */
void lt_jobs_hold(lt_jobs *p, int hold);
/* Refuse new jobs, wait until every admitted job has finished or until
 * timeout_ms passes (0 = no wait). Returns the jobs still unfinished. */
int lt_jobs_drain(lt_jobs *p, int timeout_ms);
/* Stop the threads (admitted jobs still run first) and free the pool. */
void lt_jobs_free(lt_jobs *p);

#endif
