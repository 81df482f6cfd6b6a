/* jobs.c — see jobs.h: worker threads, a bounded FIFO, drain and stop. */
#include "server/jobs.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

typedef struct job {
    lt_job_fn fn;
    void *arg;
} job;

typedef struct worker_arg {
    lt_jobs *p;
    int index;
} worker_arg;

struct lt_jobs {
    pthread_mutex_t mu;
    pthread_cond_t cv_work, cv_idle;
    job *q;          /* ring of cap slots */
    int cap, head, count;
    int n_workers, queue_cap, running;
    int hold, stopping, closed;
    pthread_t *threads;
    worker_arg *args;
};

static void *worker_main(void *a) {
    worker_arg *wa = a;
    lt_jobs *p = wa->p;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->stopping && (p->count == 0 || p->hold)) pthread_cond_wait(&p->cv_work, &p->mu);
        if (p->count == 0 && p->stopping) break;
        if (p->hold && !p->stopping) continue;
        job j = p->q[p->head];
        p->head = (p->head + 1) % p->cap;
        p->count--;
        p->running++;
        pthread_mutex_unlock(&p->mu);
        j.fn(j.arg, wa->index);
        pthread_mutex_lock(&p->mu);
        p->running--;
        pthread_cond_broadcast(&p->cv_idle);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

lt_jobs *lt_jobs_new(int workers, int queue_cap) {
    if (workers < 1) workers = 1;
    if (queue_cap < 0) queue_cap = 0;
    lt_jobs *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    p->cap = workers + queue_cap;
    p->q = calloc((size_t)p->cap, sizeof *p->q);
    p->threads = calloc((size_t)workers, sizeof *p->threads);
    p->args = calloc((size_t)workers, sizeof *p->args);
    if (!p->q || !p->threads || !p->args) goto fail;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv_work, NULL);
    pthread_cond_init(&p->cv_idle, NULL);
    p->queue_cap = queue_cap;
    for (int i = 0; i < workers; i++) {
        p->args[i] = (worker_arg){p, i};
        p->n_workers = i + 1;
        if (pthread_create(&p->threads[i], NULL, worker_main, &p->args[i])) {
            p->n_workers = i;
            lt_jobs_free(p);
            return NULL;
        }
    }
    return p;
fail:
    free(p->q);
    free(p->threads);
    free(p->args);
    free(p);
    return NULL;
}

int lt_jobs_submit(lt_jobs *p, lt_job_fn fn, void *arg) {
    pthread_mutex_lock(&p->mu);
    int rc = 0;
    if (p->closed || p->stopping) {
        rc = -2;
    } else if (p->count >= p->queue_cap + (p->hold ? 0 : p->n_workers - p->running)) {
        /* room = the waiting slots plus the idle workers (none while held) */
        rc = -1;
    } else {
        p->q[(p->head + p->count) % p->cap] = (job){fn, arg};
        p->count++;
        pthread_cond_signal(&p->cv_work);
    }
    pthread_mutex_unlock(&p->mu);
    return rc;
}

int lt_jobs_waiting(lt_jobs *p) {
    pthread_mutex_lock(&p->mu);
    int n = p->count;
    pthread_mutex_unlock(&p->mu);
    return n;
}

int lt_jobs_running(lt_jobs *p) {
    pthread_mutex_lock(&p->mu);
    int n = p->running;
    pthread_mutex_unlock(&p->mu);
    return n;
}

void lt_jobs_hold(lt_jobs *p, int hold) {
    pthread_mutex_lock(&p->mu);
    p->hold = hold;
    pthread_cond_broadcast(&p->cv_work);
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
    pthread_cond_broadcast(&p->cv_work);
    while ((p->count || p->running) && timeout_ms > 0)
        if (pthread_cond_timedwait(&p->cv_idle, &p->mu, &until) == ETIMEDOUT) break;
    int left = p->count + p->running;
    pthread_mutex_unlock(&p->mu);
    return left;
}

void lt_jobs_free(lt_jobs *p) {
    if (!p) return;
    pthread_mutex_lock(&p->mu);
    p->stopping = 1;
    p->hold = 0;
    pthread_cond_broadcast(&p->cv_work);
    pthread_mutex_unlock(&p->mu);
    for (int i = 0; i < p->n_workers; i++) pthread_join(p->threads[i], NULL);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv_work);
    pthread_cond_destroy(&p->cv_idle);
    free(p->q);
    free(p->threads);
    free(p->args);
    free(p);
}
