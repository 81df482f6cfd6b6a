/* threadpool.c — the kernels' persistent thread pool (see threadpool.h).
 *
 * One job at a time. The job's state is a single 64-bit atomic word
 * (generation << 32 | next task index): a worker claims task i of generation g
 * with a compare-and-swap, so a worker that wakes late can never claim a task
 * of a newer job, and the job's fields (fn, ctx, n) are only read after a
 * successful claim, while the caller is still waiting for that task. When a
 * job finishes the caller closes it (next = CLOSED) before publishing another. */
#include "engine/threadpool.h"

#include <cblas.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define CPU_RELAX() _mm_pause()
#else
#define CPU_RELAX() ((void)0)
#endif

#define CLOSED 0xFFFFFFFFu
#define SPIN_NS 200000 /* how long an idle worker spins before sleeping */

static struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    _Atomic uint64_t state;  /* gen << 32 | next */
    atomic_int n_tasks, done, busy, sleepers, active; /* active: workers taking part */
    lt_task_fn fn;
    void *ctx;
    int n_workers;           /* threads created so far */
    pthread_t th[LT_POOL_MAX];
} P = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};

static pthread_once_t once = PTHREAD_ONCE_INIT;

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Claim and run tasks of generation `gen` until none is left. */
static void run_tasks(uint32_t gen, int thread) {
    for (;;) {
        uint64_t s = atomic_load(&P.state);
        uint32_t i = (uint32_t)s;
        if ((uint32_t)(s >> 32) != gen || i == CLOSED || i >= (uint32_t)atomic_load(&P.n_tasks)) return;
        if (!atomic_compare_exchange_weak(&P.state, &s, s + 1)) continue;
        P.fn(P.ctx, (int)i, thread);
        atomic_fetch_add(&P.done, 1);
    }
}

static void *worker(void *arg) {
    int id = (int)(intptr_t)arg;
    uint32_t seen = (uint32_t)(atomic_load(&P.state) >> 32);
    for (;;) {
        uint32_t gen;
        uint64_t t0 = 0;
        for (int spin = 0;; spin++) {
            gen = (uint32_t)(atomic_load(&P.state) >> 32);
            if (gen != seen) break;
            CPU_RELAX();
            if ((spin & 63) == 63) {
                uint64_t t = now_ns();
                if (!t0) t0 = t;
                else if (t - t0 > SPIN_NS) break;
            }
        }
        if (gen == seen) {
            pthread_mutex_lock(&P.mu);
            atomic_fetch_add(&P.sleepers, 1);
            while ((gen = (uint32_t)(atomic_load(&P.state) >> 32)) == seen) pthread_cond_wait(&P.cv, &P.mu);
            atomic_fetch_sub(&P.sleepers, 1);
            pthread_mutex_unlock(&P.mu);
        }
        seen = gen;
        if (id < atomic_load(&P.active)) run_tasks(gen, id + 1);
    }
    return NULL;
}

/* Create workers up to n − 1 (the caller is the n-th thread). */
static void ensure_workers(int n) {
    if (n > LT_POOL_MAX) n = LT_POOL_MAX;
    while (P.n_workers < n - 1) {
        pthread_attr_t at;
        pthread_attr_init(&at);
        pthread_attr_setstacksize(&at, 1 << 20);
        int ok = pthread_create(&P.th[P.n_workers], &at, worker, (void *)(intptr_t)P.n_workers) == 0;
        pthread_attr_destroy(&at);
        if (!ok) break;
        pthread_detach(P.th[P.n_workers]);
        P.n_workers++;
    }
    atomic_store(&P.active, n - 1 < P.n_workers ? n - 1 : P.n_workers);
}

static void init_once(void) {
    /* The pool owns the cores: OpenBLAS runs single-threaded inside pool tasks
     * (kernels.c splits its GEMMs), so its own threads never spin beside ours. */
    openblas_set_num_threads(1);
    int n = 0;
    const char *e = getenv("LITETTS_THREADS");
    if (e && *e) n = atoi(e);
    if (n <= 0) {
        long c = sysconf(_SC_NPROCESSORS_ONLN);
        n = c > 0 ? (int)c : 1;
    }
    ensure_workers(n);
}

int lt_pool_threads(void) {
    pthread_once(&once, init_once);
    return atomic_load(&P.active) + 1;
}

int lt_pool_split(int64_t n, int64_t min_n, int64_t align, int64_t *per) {
    int threads = lt_pool_threads();
    int64_t tasks = threads <= 1 || n < min_n ? 1 : 4 * (int64_t)threads;
    if (align < 1) align = 1;
    *per = ((n + tasks - 1) / tasks + align - 1) / align * align;
    if (*per < 1) *per = align;
    return (int)((n + *per - 1) / *per);
}

int lt_pool_set_threads(int n) {
    pthread_once(&once, init_once);
    if (n < 1) n = 1;
    int expect = 0;
    while (!atomic_compare_exchange_weak(&P.busy, &expect, 1)) { expect = 0; CPU_RELAX(); }
    ensure_workers(n);
    atomic_store(&P.busy, 0);
    return atomic_load(&P.active) + 1;
}

void lt_parallel_for(int n_tasks, lt_task_fn fn, void *ctx) {
    if (n_tasks <= 0) return;
    pthread_once(&once, init_once);
    int expect = 0;
    if (n_tasks == 1 || atomic_load(&P.active) == 0 || !atomic_compare_exchange_strong(&P.busy, &expect, 1)) {
        for (int i = 0; i < n_tasks; i++) fn(ctx, i, 0);
        return;
    }
    uint32_t gen = (uint32_t)(atomic_load(&P.state) >> 32) + 1;
    P.fn = fn;
    P.ctx = ctx;
    atomic_store(&P.n_tasks, n_tasks);
    atomic_store(&P.done, 0);
    atomic_store(&P.state, (uint64_t)gen << 32);
    if (atomic_load(&P.sleepers) > 0) {
        pthread_mutex_lock(&P.mu);
        pthread_cond_broadcast(&P.cv);
        pthread_mutex_unlock(&P.mu);
    }
    run_tasks(gen, 0);
    while (atomic_load(&P.done) < n_tasks) CPU_RELAX();
    atomic_store(&P.state, ((uint64_t)gen << 32) | CLOSED);
    atomic_store(&P.busy, 0);
}
