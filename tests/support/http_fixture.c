/* http_fixture.c — the loopback HTTP/1.1 test server described in
 * http_fixture.h (plain POSIX sockets, one pthread). */
#include "support/http_fixture.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define LOG_CAP 256

struct lt_http_fixture {
    int listen_fd;
    int wake[2]; /* pipe: a byte on wake[1] stops the thread */
    int port;
    char base[64];
    pthread_t thread;
    pthread_mutex_t mu;
    const lt_http_route *routes;
    size_t n_routes;
    unsigned *hits; /* requests per route */
    lt_http_log_entry log[LOG_CAP];
    size_t n_log;
};

static void send_all(int fd, const void *buf, size_t len) {
    const char *p = buf;
    while (len > 0) {
        ssize_t w = send(fd, p, len, MSG_NOSIGNAL);
        if (w < 0) {
            if (errno == EINTR) continue;
            return; /* client went away: nothing more to do */
        }
        p += w;
        len -= (size_t)w;
    }
}

static void send_head(int fd, int status, const char *reason, size_t content_length, const char *extra) {
    char head[1024];
    int n = snprintf(head, sizeof head,
                     "HTTP/1.1 %d %s\r\nContent-Length: %zu\r\nConnection: close\r\n%s\r\n", status, reason,
                     content_length, extra ? extra : "");
    if (n > 0) send_all(fd, head, (size_t)n < sizeof head ? (size_t)n : sizeof head - 1);
}

static void send_text(int fd, int status, const char *reason, const char *extra) {
    char body[128];
    snprintf(body, sizeof body, "%d %s\n", status, reason);
    send_head(fd, status, reason, strlen(body), extra);
    send_all(fd, body, strlen(body));
}

static const char *reason_of(int s) {
    switch (s) {
    case 200: return "OK";
    case 206: return "Partial Content";
    case 302: return "Found";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 416: return "Range Not Satisfiable";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Status";
    }
}

/* Reads the request head (up to the blank line). Returns its length or -1. */
static int read_head(int fd, char *buf, size_t cap) {
    size_t got = 0;
    while (got < cap - 1) {
        ssize_t r = recv(fd, buf + got, cap - 1 - got, 0);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return -1;
        got += (size_t)r;
        buf[got] = 0;
        if (strstr(buf, "\r\n\r\n")) return (int)got;
    }
    return -1;
}

static void handle(lt_http_fixture *f, int fd) {
    char req[8192];
    if (read_head(fd, req, sizeof req) < 0) return;
    lt_http_log_entry entry;
    memset(&entry, 0, sizeof entry);
    /* request line: METHOD SP target SP version */
    char *sp1 = strchr(req, ' ');
    char *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
    if (!sp1 || !sp2) {
        send_text(fd, 400, "Bad Request", NULL);
        return;
    }
    size_t tl = (size_t)(sp2 - sp1 - 1);
    if (tl >= sizeof entry.path) tl = sizeof entry.path - 1;
    memcpy(entry.path, sp1 + 1, tl);
    entry.path[tl] = 0;
    /* Range header */
    for (char *line = strstr(req, "\r\n"); line && line[2]; line = strstr(line + 2, "\r\n")) {
        char *h = line + 2;
        if (!strncasecmp(h, "Range:", 6)) {
            char *v = h + 6;
            while (*v == ' ') v++;
            size_t vl = strcspn(v, "\r\n");
            if (vl >= sizeof entry.range) vl = sizeof entry.range - 1;
            memcpy(entry.range, v, vl);
            entry.range[vl] = 0;
        }
    }

    char path[256];
    snprintf(path, sizeof path, "%s", entry.path);
    path[strcspn(path, "?")] = 0;

    const lt_http_route *rt = NULL;
    unsigned hit = 0;
    pthread_mutex_lock(&f->mu);
    for (size_t i = 0; i < f->n_routes; i++)
        if (!strcmp(f->routes[i].path, path)) {
            rt = &f->routes[i];
            hit = ++f->hits[i];
            break;
        }
    pthread_mutex_unlock(&f->mu);

    int status;
    if (!rt) {
        status = 404;
        send_text(fd, status, reason_of(status), NULL);
    } else if (rt->redirect) {
        status = 302;
        char extra[400];
        snprintf(extra, sizeof extra, "Location: %s\r\n", rt->redirect);
        send_text(fd, status, reason_of(status), extra);
    } else if (rt->status) {
        status = rt->status;
        send_text(fd, status, reason_of(status), NULL);
    } else {
        size_t start = 0, end = rt->len ? rt->len - 1 : 0;
        int ranged = 0;
        unsigned long long a, b;
        if (entry.range[0] && !rt->ignore_range) {
            if (sscanf(entry.range, "bytes=%llu-%llu", &a, &b) == 2) {
                ranged = 1;
                start = (size_t)a;
                if ((size_t)b < end) end = (size_t)b;
            } else if (sscanf(entry.range, "bytes=%llu-", &a) == 1) {
                ranged = 1;
                start = (size_t)a;
            }
        }
        if (ranged && start >= rt->len) {
            status = 416;
            char extra[96];
            snprintf(extra, sizeof extra, "Content-Range: bytes */%zu\r\n", rt->len);
            send_text(fd, status, reason_of(status), extra);
        } else {
            size_t count = rt->len ? end - start + 1 : 0;
            char extra[160];
            if (ranged) {
                status = 206;
                snprintf(extra, sizeof extra, "Accept-Ranges: bytes\r\nContent-Range: bytes %zu-%zu/%zu\r\n",
                         start, end, rt->len);
            } else {
                status = 200;
                snprintf(extra, sizeof extra, "Accept-Ranges: %s\r\n", rt->ignore_range ? "none" : "bytes");
            }
            send_head(fd, status, reason_of(status), count, extra);
            size_t send_n = count;
            if (rt->cut_after && hit == 1 && rt->cut_after < count) send_n = rt->cut_after;
            send_all(fd, rt->body + start, send_n);
        }
    }
    entry.status = status;
    pthread_mutex_lock(&f->mu);
    if (f->n_log < LOG_CAP) f->log[f->n_log] = entry;
    f->n_log++;
    pthread_mutex_unlock(&f->mu);
}

static void *serve(void *arg) {
    lt_http_fixture *f = arg;
    for (;;) {
        struct pollfd p[2] = {{f->listen_fd, POLLIN, 0}, {f->wake[0], POLLIN, 0}};
        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR) continue;
            break;
        }
        if (p[1].revents) break;
        if (!(p[0].revents & POLLIN)) continue;
        int c = accept(f->listen_fd, NULL, NULL);
        if (c < 0) continue;
        struct timeval tv = {5, 0};
        setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        handle(f, c);
        shutdown(c, SHUT_WR);
        /* Drain whatever the client still sends so close() does not reset
         * the connection before the client has read our bytes. */
        char sink[512];
        struct timeval shortv = {0, 200000};
        setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &shortv, sizeof shortv);
        while (recv(c, sink, sizeof sink, 0) > 0) {
        }
        close(c);
    }
    return NULL;
}

lt_http_fixture *lt_http_fixture_start(const lt_http_route *routes, size_t n) {
    lt_http_fixture *f = calloc(1, sizeof *f);
    if (!f) return NULL;
    f->hits = calloc(n ? n : 1, sizeof *f->hits);
    f->routes = routes;
    f->n_routes = n;
    f->listen_fd = -1;
    f->wake[0] = f->wake[1] = -1;
    if (!f->hits || pthread_mutex_init(&f->mu, NULL) != 0) goto fail_nomutex;
    f->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (f->listen_fd < 0) goto fail;
    int one = 1;
    setsockopt(f->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0; /* ephemeral */
    if (bind(f->listen_fd, (struct sockaddr *)&a, sizeof a) != 0) goto fail;
    if (listen(f->listen_fd, 16) != 0) goto fail;
    socklen_t al = sizeof a;
    if (getsockname(f->listen_fd, (struct sockaddr *)&a, &al) != 0) goto fail;
    f->port = ntohs(a.sin_port);
    snprintf(f->base, sizeof f->base, "http://127.0.0.1:%d", f->port);
    if (pipe(f->wake) != 0) goto fail;
    if (pthread_create(&f->thread, NULL, serve, f) != 0) goto fail;
    return f;
fail:
    pthread_mutex_destroy(&f->mu);
fail_nomutex:
    if (f->listen_fd >= 0) close(f->listen_fd);
    if (f->wake[0] >= 0) close(f->wake[0]);
    if (f->wake[1] >= 0) close(f->wake[1]);
    free(f->hits);
    free(f);
    return NULL;
}

int lt_http_fixture_port(const lt_http_fixture *f) { return f->port; }

const char *lt_http_fixture_base(const lt_http_fixture *f) { return f->base; }

size_t lt_http_fixture_log(lt_http_fixture *f, lt_http_log_entry *out, size_t cap) {
    pthread_mutex_lock(&f->mu);
    size_t n = f->n_log;
    size_t k = n < LOG_CAP ? n : LOG_CAP;
    if (k > cap) k = cap;
    if (out && k) memcpy(out, f->log, k * sizeof *out);
    pthread_mutex_unlock(&f->mu);
    return n;
}

void lt_http_fixture_reset(lt_http_fixture *f) {
    pthread_mutex_lock(&f->mu);
    f->n_log = 0;
    memset(f->hits, 0, (f->n_routes ? f->n_routes : 1) * sizeof *f->hits);
    pthread_mutex_unlock(&f->mu);
}

void lt_http_fixture_stop(lt_http_fixture *f) {
    if (!f) return;
    char b = 1;
    ssize_t w;
    do {
        w = write(f->wake[1], &b, 1);
    } while (w < 0 && errno == EINTR);
    pthread_join(f->thread, NULL);
    close(f->listen_fd);
    close(f->wake[0]);
    close(f->wake[1]);
    pthread_mutex_destroy(&f->mu);
    free(f->hits);
    free(f);
}
