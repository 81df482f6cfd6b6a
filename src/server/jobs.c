/* jobs.c — see jobs.h: admitted requests, one thread each, sharing a small
 * number of compute slots through a two-level priority gate (first chunks
 * before later chunks, FIFO within a level); drain and stop. */
#include "server/jobs.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

typedef struct job {
    lt_job_fn fn;
    void *arg;
} job;

/* a thread waiting at the gate (on its own stack) */
typedef struct waiter {
    struct waiter *next;
    int slot; /* -1 until granted */
} waiter;

typedef struct fifo {
    waiter *head, *tail;
    int n;
} fifo;

struct lt_jobs {
    pthread_mutex_t mu;
    pthread_cond_t cv_work, cv_idle, cv_gate;
    job *q; /* ring of cap slots: admitted jobs no thread has taken yet */
    int cap, head, count;
    int n_threads, n_slots;
    int admitted;  /* jobs submitted and not yet finished */
    int started;   /* jobs that have held a slot at least once and are not finished */
    int *free_slots, n_free;
    fifo wait[2];  /* LT_JOB_FIRST, LT_JOB_LATER */
    int hold, stopping, closed;
    pthread_t *threads;
};

enum { LT_JOB_FIRST, LT_JOB_LATER };

/* the slot this thread holds (each admitted job runs on its own thread) */
static _Thread_local int tl_slot = -1;
static _Thread_local lt_jobs *tl_pool;

static void fifo_push(fifo *f, waiter *w) {
    w->next = NULL;
    if (f->tail) f->tail->next = w;
    else f->head = w;
    f->tail = w;
    f->n++;
}

static void fifo_pop(fifo *f) {
    f->head = f->head->next;
    if (!f->head) f->tail = NULL;
    f->n--;
}

/* Hand free slots to the waiters at the head of the queues, first chunks
 * first. mu held. */
static void grant(lt_jobs *p) {
    if (p->hold && !p->stopping) return;
    int woke = 0;
    while (p->n_free) {
        fifo *f = p->wait[LT_JOB_FIRST].n ? &p->wait[LT_JOB_FIRST] : p->wait[LT_JOB_LATER].n ? &p->wait[LT_JOB_LATER] : NULL;
        if (!f) break;
        f->head->slot = p->free_slots[--p->n_free];
        fifo_pop(f);
        woke = 1;
    }
    if (woke) pthread_cond_broadcast(&p->cv_gate);
}

static int gate_acquire(lt_jobs *p, int level) { /* mu held */
    waiter w = {NULL, -1};
    fifo_push(&p->wait[level], &w);
    grant(p);
    while (w.slot < 0) pthread_cond_wait(&p->cv_gate, &p->mu);
    return w.slot;
}

static void gate_release(lt_jobs *p, int slot) { /* mu held */
    p->free_slots[p->n_free++] = slot;
    grant(p);
}

static void *thread_main(void *a) {
    lt_jobs *p = a;
    tl_pool = p;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->stopping && p->count == 0) pthread_cond_wait(&p->cv_work, &p->mu);
        if (p->count == 0 && p->stopping) break;
        job j = p->q[p->head];
        p->head = (p->head + 1) % p->cap;
        p->count--;
        tl_slot = gate_acquire(p, LT_JOB_FIRST);
        p->started++;
        pthread_mutex_unlock(&p->mu);
        j.fn(j.arg, tl_slot);
        pthread_mutex_lock(&p->mu);
        gate_release(p, tl_slot);
        tl_slot = -1;
        p->started--;
        p->admitted--;
        pthread_cond_broadcast(&p->cv_idle);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

void lt_jobs_yield(void) {
    lt_jobs *p = tl_pool;
    if (!p || tl_slot < 0) return;
    pthread_mutex_lock(&p->mu);
    if (p->wait[LT_JOB_FIRST].n || p->wait[LT_JOB_LATER].n) {
        gate_release(p, tl_slot);
        tl_slot = gate_acquire(p, LT_JOB_LATER);
    }
    pthread_mutex_unlock(&p->mu);
}

lt_jobs *lt_jobs_new(int workers, int queue_cap) {
    if (workers < 1) workers = 1;
    if (queue_cap < 0) queue_cap = 0;
    lt_jobs *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    p->n_slots = workers;
    p->cap = workers + queue_cap;
    p->q = calloc((size_t)p->cap, sizeof *p->q);
    p->threads = calloc((size_t)p->cap, sizeof *p->threads);
    p->free_slots = calloc((size_t)workers, sizeof *p->free_slots);
    if (!p->q || !p->threads || !p->free_slots) {
        free(p->q);
        free(p->threads);
        free(p->free_slots);
        free(p);
        return NULL;
    }
    for (int i = workers - 1; i >= 0; i--) p->free_slots[p->n_free++] = i;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv_work, NULL);
    pthread_cond_init(&p->cv_idle, NULL);
    pthread_cond_init(&p->cv_gate, NULL);
    for (int i = 0; i < p->cap; i++) {
        if (pthread_create(&p->threads[i], NULL, thread_main, p)) {
            lt_jobs_free(p);
            return NULL;
        }
        p->n_threads = i + 1;
    }
    return p;
}

int lt_jobs_submit(lt_jobs *p, lt_job_fn fn, void *arg) {
    pthread_mutex_lock(&p->mu);
    int rc = 0;
    if (p->closed || p->stopping) {
        rc = -2;
    } else if (p->admitted >= p->cap) {
        rc = -1;
    } else {
        p->q[(p->head + p->count) % p->cap] = (job){fn, arg};
        p->count++;
        p->admitted++;
        pthread_cond_signal(&p->cv_work);
    }
    pthread_mutex_unlock(&p->mu);
    return rc;
}

int lt_jobs_waiting(lt_jobs *p) {
    pthread_mutex_lock(&p->mu);
    int n = p->admitted - p->started;
    pthread_mutex_unlock(&p->mu);
    return n;
}

int lt_jobs_running(lt_jobs *p) {
    pthread_mutex_lock(&p->mu);
    int n = p->started;
    pthread_mutex_unlock(&p->mu);
    return n;
}

void lt_jobs_hold(lt_jobs *p, int hold) {
    pthread_mutex_lock(&p->mu);
    p->hold = hold;
    grant(p);
    pthread_mutex_unlock(&p->mu);
}

int lt_jobs_drain(lt_jobs *p, int timeout_ms) {
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += timeout_ms / 1000;
    until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&p->mu);
    p->closed = 1;
    p->hold = 0;
    grant(p);
    while (p->admitted && timeout_ms > 0)
        if (pthread_cond_timedwait(&p->cv_idle, &p->mu, &until) == ETIMEDOUT) break;
    int left = p->admitted;
    pthread_mutex_unlock(&p->mu);
    return left;
}

void lt_jobs_free(lt_jobs *p) {
    if (!p) return;
    pthread_mutex_lock(&p->mu);
    p->stopping = 1;
    p->hold = 0;
    grant(p);
    pthread_cond_broadcast(&p->cv_work);
    pthread_mutex_unlock(&p->mu);
    for (int i = 0; i < p->n_threads; i++) pthread_join(p->threads[i], NULL);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv_work);
    pthread_cond_destroy(&p->cv_idle);
    pthread_cond_destroy(&p->cv_gate);
    free(p->q);
    free(p->threads);
    free(p->free_slots);
    free(p);
}
