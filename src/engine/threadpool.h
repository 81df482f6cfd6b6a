/* threadpool.h — one small persistent pool of worker threads for the kernels.
 *
 * lt_parallel_for(n, fn, ctx) runs fn(ctx, i, thread) for every i in [0, n) on the
 * calling thread plus the pool's workers (tasks are handed out one at a time
 * from an atomic counter, so uneven tasks balance), and returns when all are
 * done. Nothing is allocated per call. Workers spin briefly after each job
 * (kernels call in quick succession) and then sleep on a condition variable.
 *
 * The pool is created on first use with LITETTS_THREADS threads (the caller
 * counts as one), default: the number of online CPUs, at most LT_POOL_MAX.
 * A call made while the pool is busy (from another thread sharing the model,
 * or from inside a task) simply runs its tasks on the calling thread, so the
 * kernels are always safe to call from any thread. */
#ifndef LT_ENGINE_THREADPOOL_H
#define LT_ENGINE_THREADPOOL_H

#include <stdint.h>

#define LT_POOL_MAX 64

/* `thread` is the index, in [0, lt_pool_threads()), of the thread running the
 * task (0 = the caller): use it to pick per-thread scratch space. */
typedef void (*lt_task_fn)(void *ctx, int task, int thread);

void lt_parallel_for(int n_tasks, lt_task_fn fn, void *ctx);

/* How to cut n items into tasks for lt_parallel_for: one task when the pool has
 * one thread or n < min_n, else about 4 per thread; *per (items per task) is a
 * multiple of align (≥ 1). Returns the number of tasks, ceil(n / *per). */
int lt_pool_split(int64_t n, int64_t min_n, int64_t align, int64_t *per);

/* Threads a parallel loop uses (the caller included), ≥ 1. */
int lt_pool_threads(void);
/* Change the thread count (1 = everything on the calling thread). Not while
 * another thread is synthesizing. Returns the count now in effect. */
int lt_pool_set_threads(int n);

#endif
