/* download.c — resumable, verified downloads over libcurl and the manifest
 * runner (see download.h for the behaviour). */
#include "download/download.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define LT_DL_USER_AGENT "litetts-download/1.0"

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc = CURLE_OK;

static void curl_init_once(void) { curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT); }

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void sleep_ms(unsigned ms) {
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR) {
    }
}

void lt_download_opts_init(lt_download_opts *o) {
    memset(o, 0, sizeof *o);
    o->max_attempts = 3;
    o->retry_delay_ms = 1000;
    o->connect_timeout_s = 30;
    o->stall_timeout_s = 60;
}

/* ---- one HTTP request -------------------------------------------------- */

typedef struct xfer {
    int fd;
    uint64_t offset; /* where the request asked to start (Range), 0 = whole file */
    /* from the headers of the latest response in the redirect chain */
    long status;
    int have_range;
    uint64_t range_start, range_total; /* range_total 0 = "*" / not given */
    int have_length;
    uint64_t length;
    /* body handling */
    int decided;        /* first body byte seen and status acted on */
    int http_error;     /* the response is not 200/206: body discarded, request aborted */
    int restarted;      /* 200 to a Range request: .part truncated */
    char bad[320];      /* protocol problem that must not be retried blindly */
    int write_errno;
    uint64_t done;      /* bytes now in the .part */
    uint64_t got;       /* body bytes written by this request */
    uint64_t total;     /* expected full size, 0 = unknown */
    /* progress */
    lt_download_progress_fn progress;
    void *ud;
    const char *label;
    double t0, last_report;
} xfer;

static void report(xfer *x, int finished) {
    if (!x->progress) return;
    double t = now_s();
    if (!finished && t - x->last_report < 0.1) return;
    x->last_report = t;
    lt_download_progress p;
    p.label = x->label;
    p.done = x->done;
    p.total = x->total;
    p.resumed_from = x->restarted ? 0 : x->offset;
    p.elapsed_s = t - x->t0;
    p.rate = p.elapsed_s > 0 ? (double)x->got / p.elapsed_s : 0.0;
    p.finished = finished;
    x->progress(&p, x->ud);
}

static int parse_u64(const char *s, const char **end, uint64_t *v) {
    if (*s < '0' || *s > '9') return -1;
    uint64_t r = 0;
    while (*s >= '0' && *s <= '9') {
        unsigned d = (unsigned)(*s - '0');
        if (r > (UINT64_MAX - d) / 10) return -1;
        r = r * 10 + d;
        s++;
    }
    *v = r;
    if (end) *end = s;
    return 0;
}

static size_t on_header(char *buf, size_t size, size_t n, void *ud) {
    xfer *x = ud;
    size_t len = size * n;
    char line[512];
    size_t l = len < sizeof line - 1 ? len : sizeof line - 1;
    memcpy(line, buf, l);
    line[l] = 0;
    while (l > 0 && (line[l - 1] == '\r' || line[l - 1] == '\n')) line[--l] = 0;
    if (!strncmp(line, "HTTP/", 5)) { /* a new response (redirects send several) */
        const char *sp = strchr(line, ' ');
        uint64_t code = 0;
        x->status = sp && parse_u64(sp + 1, NULL, &code) == 0 ? (long)code : 0;
        x->have_range = x->have_length = 0;
        x->range_start = x->range_total = x->length = 0;
    } else if (!strncasecmp(line, "Content-Range:", 14)) {
        const char *p = line + 14;
        while (*p == ' ' || *p == '\t') p++;
        if (!strncasecmp(p, "bytes", 5)) p += 5;
        while (*p == ' ') p++;
        uint64_t a, b, t;
        const char *q;
        if (*p == '*') { /* "bytes * / total", sent with 416 */
            x->have_range = 0;
            q = strchr(p, '/');
            if (q && parse_u64(q + 1, NULL, &t) == 0) x->range_total = t;
        } else if (parse_u64(p, &q, &a) == 0 && *q == '-' && parse_u64(q + 1, &q, &b) == 0 && *q == '/') {
            x->have_range = 1;
            x->range_start = a;
            x->range_total = parse_u64(q + 1, NULL, &t) == 0 ? t : 0;
        }
    } else if (!strncasecmp(line, "Content-Length:", 15)) {
        const char *p = line + 15;
        while (*p == ' ' || *p == '\t') p++;
        uint64_t v;
        if (parse_u64(p, NULL, &v) == 0) {
            x->have_length = 1;
            x->length = v;
        }
    }
    return len;
}

/* Acts on the status of the final response before its first body byte. */
static int decide(xfer *x) {
    x->decided = 1;
    if (x->status == 206) {
        if (!x->have_range || x->range_start != x->offset) {
            snprintf(x->bad, sizeof x->bad,
                     "the server answered 206 Partial Content with %s%" PRIu64 " although bytes from %" PRIu64
                     " were asked for",
                     x->have_range ? "a range starting at byte " : "no usable Content-Range; start ",
                     x->have_range ? x->range_start : (uint64_t)0, x->offset);
            return -1;
        }
        if (x->range_total) x->total = x->range_total;
        return 0;
    }
    if (x->status == 200) {
        if (x->offset > 0) { /* Range ignored: start over */
            if (ftruncate(x->fd, 0) != 0 || lseek(x->fd, 0, SEEK_SET) != 0) {
                x->write_errno = errno;
                return -1;
            }
            x->restarted = 1;
            x->done = 0;
        }
        if (x->have_length) x->total = x->length;
        return 0;
    }
    x->http_error = 1;
    return -1;
}

static size_t on_body(char *buf, size_t size, size_t n, void *ud) {
    xfer *x = ud;
    size_t len = size * n;
    if (!x->decided && decide(x) != 0) return 0;
    if (x->http_error || x->bad[0] || x->write_errno) return 0;
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(x->fd, buf + off, len - off);
        if (w < 0) {
            if (errno == EINTR) continue;
            x->write_errno = errno;
            return 0;
        }
        off += (size_t)w;
    }
    x->done += len;
    x->got += len;
    report(x, 0);
    return len;
}

typedef enum { REQ_OK, REQ_HTTP, REQ_TRANSPORT, REQ_FATAL } req_outcome;

/* One GET of url into fd starting at x->offset. On REQ_HTTP x->status holds
 * the status; on REQ_TRANSPORT / REQ_FATAL msg says why. */
static req_outcome request(const char *url, xfer *x, const lt_download_opts *o, char *msg, size_t msgcap) {
    msg[0] = 0;
    CURL *c = curl_easy_init();
    if (!c) {
        snprintf(msg, msgcap, "libcurl could not create a transfer handle");
        return REQ_FATAL;
    }
    char errbuf[CURL_ERROR_SIZE] = "";
    char range[48];
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, 10L);
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#endif
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_USERAGENT, LT_DL_USER_AGENT);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, o->connect_timeout_s > 0 ? o->connect_timeout_s : 30L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, o->stall_timeout_s > 0 ? o->stall_timeout_s : 60L);
    /* Identity encoding only: byte offsets must mean file offsets. */
    curl_easy_setopt(c, CURLOPT_HTTP_CONTENT_DECODING, 0L);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, x);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, x);
    if (x->offset > 0) {
        /* CURLOPT_RANGE, not RESUME_FROM: libcurl itself fails a resume that
         * gets a 200, and we want to handle that case (restart). */
        snprintf(range, sizeof range, "%" PRIu64 "-", x->offset);
        curl_easy_setopt(c, CURLOPT_RANGE, range);
    }
    CURLcode rc = curl_easy_perform(c);
    long code = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    if (code) x->status = code;
    curl_easy_cleanup(c);

    if (!x->decided && !x->bad[0] && !x->write_errno && (rc == CURLE_OK || x->status)) {
        /* empty body: still act on the status (truncate on an ignored Range) */
        if (decide(x) != 0 && !x->http_error && !x->bad[0] && !x->write_errno) x->http_error = 1;
    }
    if (x->write_errno) {
        snprintf(msg, msgcap, "writing the partial file failed: %s", strerror(x->write_errno));
        return REQ_FATAL;
    }
    if (x->bad[0]) {
        snprintf(msg, msgcap, "%s", x->bad);
        return REQ_FATAL;
    }
    if (x->http_error) return REQ_HTTP;
    if (rc != CURLE_OK) {
        snprintf(msg, msgcap, "%s", errbuf[0] ? errbuf : curl_easy_strerror(rc));
        return REQ_TRANSPORT;
    }
    return REQ_OK;
}

static const char *status_text(long s) {
    switch (s) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 410: return "Gone";
    case 416: return "Range Not Satisfiable";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return NULL;
    }
}

static void http_status_msg(char *out, size_t cap, long s) {
    const char *t = status_text(s);
    if (s == 0)
        snprintf(out, cap, "the server sent no HTTP status");
    else if (t)
        snprintf(out, cap, "HTTP %ld (%s)", s, t);
    else
        snprintf(out, cap, "HTTP %ld", s);
}

/* ---- one file ---------------------------------------------------------- */

static int file_size(int fd, uint64_t *sz) {
    struct stat st;
    if (fstat(fd, &st) != 0) return -1;
    *sz = (uint64_t)st.st_size;
    return 0;
}

int lt_download_file_ex(const char *url, const char *dest, const lt_download_opts *opts_in,
                        lt_download_result *res_out, lt_err *err) {
    lt_download_opts o;
    if (opts_in)
        o = *opts_in;
    else
        lt_download_opts_init(&o);
    if (o.max_attempts <= 0) o.max_attempts = 3;
    lt_download_result res_local, *res = res_out ? res_out : &res_local;
    memset(res, 0, sizeof *res);
    const char *label = o.label ? o.label : dest;

    if (!url || !*url || !dest || !*dest) return lt_fail(err, "download: missing URL or destination path");
    if (o.sha256 && !lt_sha256_is_hex(o.sha256))
        return lt_fail(err, "%s: the expected sha256 '%s' is not 64 hex digits", label, o.sha256);
    pthread_once(&curl_once, curl_init_once);
    if (curl_init_rc != CURLE_OK)
        return lt_fail(err, "%s: libcurl failed to initialise: %s", label, curl_easy_strerror(curl_init_rc));

    /* 1. Already there? */
    struct stat st;
    if (stat(dest, &st) == 0) {
        if (!S_ISREG(st.st_mode)) return lt_fail(err, "%s: %s exists and is not a regular file", label, dest);
        int size_ok = !o.expected_size || (uint64_t)st.st_size == o.expected_size;
        if (!o.sha256 || size_ok) {
            char hex[LT_SHA256_HEX_LEN];
            uint64_t sz = 0;
            if (lt_sha256_file_hex(dest, hex, &sz, err) != 0) return -1;
            if (!o.sha256 || lt_sha256_hex_equal(hex, o.sha256)) {
                res->skipped = 1;
                res->verified = o.sha256 != NULL;
                res->size = sz;
                memcpy(res->sha256, hex, sizeof hex);
                return 0;
            }
        }
        res->replaced = 1; /* wrong bytes: fetch again, replace only once verified */
    }

    /* 2. The .part, locked against a concurrent download of the same file. */
    size_t dl = strlen(dest);
    char *part = malloc(dl + 6);
    if (!part) return lt_fail(err, "%s: out of memory", label);
    memcpy(part, dest, dl);
    memcpy(part + dl, ".part", 6);
    int fd = open(part, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        lt_fail(err, "%s: cannot open %s for writing: %s", label, part, strerror(errno));
        free(part);
        return -1;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        lt_fail(err, "%s: %s is locked by another download of the same file; wait for it or stop it", label,
                part);
        close(fd);
        free(part);
        return -1;
    }

    int rc = -1;
    int attempt = 0;      /* requests made */
    int fresh_redo = 0;   /* restarted from scratch after a mismatch of a resumed .part */
    int resumed_any = 0; /* the data in the .part predates this call */
    char msg[512] = "";
    for (;;) {
        uint64_t have = 0;
        if (file_size(fd, &have) != 0) {
            lt_fail(err, "%s: cannot stat %s: %s", label, part, strerror(errno));
            goto out;
        }
        if (o.expected_size && have > o.expected_size) { /* cannot be ours: start over */
            if (ftruncate(fd, 0) != 0) {
                lt_fail(err, "%s: cannot truncate %s: %s", label, part, strerror(errno));
                goto out;
            }
            have = 0;
        }
        if (have > 0 && attempt == 0) resumed_any = 1;
        int complete = o.expected_size && have == o.expected_size;

        if (!complete) {
            if (attempt >= o.max_attempts) {
                if (have > 0)
                    lt_fail(err,
                            "%s: downloading %s failed after %d attempt%s: %s (the %" PRIu64
                            " bytes received are kept in %s; run the download again to resume)",
                            label, url, attempt, attempt == 1 ? "" : "s", msg, have, part);
                else
                    lt_fail(err, "%s: downloading %s failed after %d attempt%s: %s", label, url, attempt,
                            attempt == 1 ? "" : "s", msg);
                goto out;
            }
            if (attempt > 0 && o.retry_delay_ms) sleep_ms(o.retry_delay_ms * (unsigned)attempt);
            attempt++;
            res->requests = attempt;
            if (lseek(fd, 0, SEEK_END) < 0) {
                lt_fail(err, "%s: cannot seek in %s: %s", label, part, strerror(errno));
                goto out;
            }
            xfer x;
            memset(&x, 0, sizeof x);
            x.fd = fd;
            x.offset = have;
            x.done = have;
            x.total = o.expected_size;
            x.progress = o.progress;
            x.ud = o.progress_ud;
            x.label = label;
            x.t0 = x.last_report = now_s();
            x.last_report -= 1.0; /* report the first chunk at once */
            req_outcome out = request(url, &x, &o, msg, sizeof msg);
            res->fetched += x.got;
            if (x.restarted) res->restarted = 1;
            if (have > 0 && !x.restarted && x.got > 0) res->resumed = 1;
            report(&x, 1);
            if (out == REQ_FATAL) {
                lt_fail(err, "%s: downloading %s failed: %s", label, url, msg);
                goto out;
            }
            if (out == REQ_TRANSPORT) continue;
            if (out == REQ_HTTP) {
                if (x.status == 416 && have > 0) {
                    /* Nothing left to send: complete if the size agrees, else start over. */
                    if (x.range_total == have || (!x.range_total && o.expected_size == have)) {
                        complete = 1;
                    } else {
                        if (ftruncate(fd, 0) != 0) {
                            lt_fail(err, "%s: cannot truncate %s: %s", label, part, strerror(errno));
                            goto out;
                        }
                        http_status_msg(msg, sizeof msg, x.status);
                        continue;
                    }
                } else if (x.status >= 500 || x.status == 429 || x.status == 408) {
                    http_status_msg(msg, sizeof msg, x.status);
                    continue;
                } else {
                    char st_msg[96];
                    http_status_msg(st_msg, sizeof st_msg, x.status);
                    lt_fail(err, "%s: the server answered %s for %s", label, st_msg, url);
                    goto out;
                }
            }
            if (!complete) { /* REQ_OK: the server says the body is complete */
                uint64_t now_have = 0;
                if (file_size(fd, &now_have) != 0) {
                    lt_fail(err, "%s: cannot stat %s: %s", label, part, strerror(errno));
                    goto out;
                }
                if (x.total && now_have != x.total) {
                    snprintf(msg, sizeof msg,
                             "the transfer ended at byte %" PRIu64 " of %" PRIu64, now_have, x.total);
                    continue;
                }
            }
        }

        /* 3. Verify the complete .part, then move it into place. */
        if (fsync(fd) != 0) {
            lt_fail(err, "%s: cannot flush %s to disk: %s", label, part, strerror(errno));
            goto out;
        }
        char hex[LT_SHA256_HEX_LEN];
        uint64_t sz = 0;
        if (lt_sha256_file_hex(part, hex, &sz, err) != 0) {
            lt_fail_prefix(err, "%s", label);
            goto out;
        }
        int size_bad = o.expected_size && sz != o.expected_size;
        int digest_bad = o.sha256 && !lt_sha256_hex_equal(hex, o.sha256);
        if (size_bad || digest_bad) {
            if (resumed_any && !fresh_redo) {
                /* The old .part may have been stale or damaged: try once from byte 0. */
                fresh_redo = 1;
                resumed_any = 0;
                if (ftruncate(fd, 0) != 0) {
                    lt_fail(err, "%s: cannot truncate %s: %s", label, part, strerror(errno));
                    goto out;
                }
                attempt = 0;
                msg[0] = 0;
                continue;
            }
            unlink(part);
            if (digest_bad)
                lt_fail(err,
                        "%s: sha256 mismatch for %s: expected %s, got %s (%" PRIu64
                        " bytes); the download was deleted",
                        label, url, o.sha256, hex, sz);
            else
                lt_fail(err,
                        "%s: size mismatch for %s: expected %" PRIu64 " bytes, got %" PRIu64
                        " (sha256 %s); the download was deleted",
                        label, url, o.expected_size, sz, hex);
            goto out;
        }
        if (rename(part, dest) != 0) {
            lt_fail(err, "%s: cannot rename %s to %s: %s", label, part, dest, strerror(errno));
            goto out;
        }
        res->verified = o.sha256 != NULL;
        res->size = sz;
        memcpy(res->sha256, hex, sizeof hex);
        rc = 0;
        break;
    }
out:
    if (rc != 0) { /* keep a .part only if it holds something to resume from */
        uint64_t left = 0;
        if (file_size(fd, &left) == 0 && left == 0) unlink(part);
    }
    close(fd);
    free(part);
    return rc;
}

int lt_download_file(const char *url, const char *dest_path, const char *sha256_hex_or_null,
                     lt_download_progress_fn fn, void *ud, lt_err *err) {
    lt_download_opts o;
    lt_download_opts_init(&o);
    o.sha256 = sha256_hex_or_null;
    o.progress = fn;
    o.progress_ud = ud;
    return lt_download_file_ex(url, dest_path, &o, NULL, err);
}

/* ---- the manifest ------------------------------------------------------ */

void lt_download_manifest_opts_init(lt_download_manifest_opts *o) {
    memset(o, 0, sizeof *o);
    lt_download_opts_init(&o->file);
}

const char *lt_download_effective_base(const char *base_url) {
    if (base_url && *base_url) return base_url;
    const char *env = getenv("LITETTS_DOWNLOAD_BASE");
    return env && *env ? env : NULL;
}

/* mkdir -p of the directory part of path (everything before the last '/'). */
static int make_parents(const char *path, lt_err *err) {
    char buf[4096];
    size_t n = strlen(path);
    if (n >= sizeof buf) return lt_fail(err, "%s: path too long", path);
    memcpy(buf, path, n + 1);
    char *slash = strrchr(buf, '/');
    if (!slash || slash == buf) return 0;
    *slash = 0;
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/') continue;
        *p = 0;
        if (mkdir(buf, 0755) != 0 && errno != EEXIST)
            return lt_fail(err, "cannot create directory %s: %s", buf, strerror(errno));
        *p = '/';
    }
    if (mkdir(buf, 0755) != 0 && errno != EEXIST)
        return lt_fail(err, "cannot create directory %s: %s", buf, strerror(errno));
    struct stat st;
    if (stat(buf, &st) != 0 || !S_ISDIR(st.st_mode)) return lt_fail(err, "%s is not a directory", buf);
    return 0;
}

static int voice_selected(const lt_download_manifest_opts *o, const lt_manifest_entry *e) {
    if (!o->voices) return 1;
    for (size_t i = 0; i < o->n_voices; i++)
        if (!strcmp(o->voices[i], e->name)) return 1;
    return 0;
}

int lt_download_manifest(const lt_download_manifest_opts *o, lt_download_summary *sum_out, lt_err *err) {
    lt_download_summary sum_local, *sum = sum_out ? sum_out : &sum_local;
    memset(sum, 0, sizeof *sum);
    if (!o || !o->dir || !*o->dir) return lt_fail(err, "download: no download directory given");
    unsigned groups = o->groups ? o->groups : LT_DL_ALL;
    for (size_t i = 0; o->voices && i < o->n_voices; i++)
        if (!lt_manifest_find_voice(o->voices[i]))
            return lt_fail(err,
                           "--voices: '%s' is not one of the 54 Kokoro v1.0 voices "
                           "(e.g. af_heart, bf_emma; `litetts download --list` shows all)",
                           o->voices[i]);
    const char *base = lt_download_effective_base(o->base_url);

    lt_err first;
    first.msg[0] = 0;
    for (size_t i = 0; i < lt_manifest_count(); i++) {
        const lt_manifest_entry *e = lt_manifest_at(i);
        if (!(e->group & groups)) continue;
        if (e->group == LT_DL_VOICES && !voice_selected(o, e)) continue;
        sum->selected++;

        lt_err ferr;
        ferr.msg[0] = 0;
        lt_download_result r;
        memset(&r, 0, sizeof r);
        char url[2048] = "";
        char dest[4096];
        int ok = lt_manifest_url(e, base, url, sizeof url, &ferr) == 0;
        if (ok) {
            int n = snprintf(dest, sizeof dest, "%s/%s", o->dir, e->path);
            if (n < 0 || (size_t)n >= sizeof dest) {
                lt_fail(&ferr, "%s: destination path under %s is too long", e->path, o->dir);
                ok = 0;
            }
        }
        if (ok) ok = make_parents(dest, &ferr) == 0;
        if (ok) {
            lt_download_opts fo = o->file;
            fo.sha256 = e->sha256;
            fo.expected_size = e->size;
            fo.label = e->path;
            ok = lt_download_file_ex(url, dest, &fo, &r, &ferr) == 0;
        }
        sum->bytes_fetched += r.fetched;
        if (ok) {
            if (r.skipped)
                sum->skipped++;
            else
                sum->downloaded++;
            if (r.verified)
                sum->verified++;
            else
                sum->unverified++;
        } else {
            sum->failed++;
            if (!first.msg[0]) memcpy(first.msg, ferr.msg, sizeof first.msg);
        }
        if (o->on_file) o->on_file(e, url, &r, ok ? NULL : &ferr, o->on_file_ud);
    }
    if (sum->failed)
        return lt_fail(err, "%zu of %zu files could not be downloaded; the first failure: %s", sum->failed,
                       sum->selected, first.msg);
    return 0;
}
