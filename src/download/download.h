/* download.h — resumable, sha256-verified HTTP(S) downloads (libcurl), one
 * file at a time or the whole manifest (manifest.h) into a directory.
 *
 * How one file is fetched (lt_download_file / lt_download_file_ex):
 *  - If dest already exists and matches the expected sha256 (or no digest is
 *    known), nothing is fetched: the result says "skipped".
 *  - Bytes go to dest + ".part". If a .part exists, the request carries
 *    "Range: bytes=<size of .part>-": a 206 whose Content-Range starts there is
 *    appended; a 200 means the server ignored the Range, so the .part is
 *    rewritten from byte 0; a 416 with the .part already complete goes straight
 *    to verification.
 *  - Dropped connections and 5xx answers are retried (resuming from the .part)
 *    up to max_attempts times; other HTTP errors fail at once with a message
 *    naming the URL and the status.
 *  - When the transfer is complete the .part is fsync'ed and hashed. A digest
 *    mismatch deletes the .part and fails with the expected and actual digests;
 *    otherwise the .part is renamed onto dest (atomic within a directory).
 *  - While a .part is being written it is locked (flock), so two concurrent
 *    downloads of the same file fail cleanly instead of interleaving. */
#ifndef LT_DOWNLOAD_DOWNLOAD_H
#define LT_DOWNLOAD_DOWNLOAD_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "download/manifest.h"
#include "core/sha256.h"

typedef struct lt_download_progress {
    const char *label;     /* what is being fetched (opts.label, else dest) */
    uint64_t done;         /* bytes in the .part so far, resumed bytes included */
    uint64_t total;        /* full size; 0 = not known */
    uint64_t resumed_from; /* offset this transfer started at (0 = from scratch) */
    double elapsed_s;      /* seconds since this transfer started */
    double rate;           /* bytes per second received by this transfer */
    int finished;          /* 1 on the last report of a transfer */
} lt_download_progress;

/* Called at most about ten times a second while bytes arrive, and once with
 * finished = 1 when a transfer ends (successfully or not). */
typedef void (*lt_download_progress_fn)(const lt_download_progress *p, void *ud);

typedef struct lt_download_opts {
    const char *sha256;       /* expected lowercase/uppercase hex digest, or NULL = not known */
    uint64_t expected_size;   /* bytes, 0 = not known (used for progress and sanity checks) */
    const char *label;        /* name for progress reports; NULL = dest path */
    lt_download_progress_fn progress;
    void *progress_ud;
    int max_attempts;         /* HTTP requests per file for transient failures (default 3) */
    unsigned retry_delay_ms;  /* wait before retry k is k * this (default 1000) */
    long connect_timeout_s;   /* default 30 */
    long stall_timeout_s;     /* give up a request receiving < 1 byte/s for this long (default 60) */
} lt_download_opts;

/* Fills *o with the defaults above (no digest, no progress). */
void lt_download_opts_init(lt_download_opts *o);

typedef struct lt_download_result {
    int skipped;    /* dest was already complete (and verified if a digest was given) */
    int verified;   /* the final file matched opts.sha256 */
    int replaced;   /* dest existed with a wrong digest and was downloaded again */
    int resumed;    /* some request continued an existing .part via Range */
    int restarted;  /* a server ignored Range (200): the .part was rewritten from 0 */
    int requests;   /* HTTP requests made (0 when skipped) */
    uint64_t size;    /* size of the final file */
    uint64_t fetched; /* body bytes received and written by this call */
    char sha256[LT_SHA256_HEX_LEN]; /* digest of the final file ("" on failure) */
} lt_download_result;

/* Downloads url to dest_path as described above. opts and res may be NULL.
 * The directory of dest_path must exist. Returns 0 or -1 (err says why; a
 * .part left behind after a transport failure is resumed by the next call). */
int lt_download_file_ex(const char *url, const char *dest_path, const lt_download_opts *opts,
                        lt_download_result *res, lt_err *err);

/* The same with default options: sha256_hex_or_null is the expected digest. */
int lt_download_file(const char *url, const char *dest_path, const char *sha256_hex_or_null,
                     lt_download_progress_fn fn, void *ud, lt_err *err);

/* ---- the whole manifest ------------------------------------------------ */

/* Reported after each manifest file: file_err is NULL on success. */
typedef void (*lt_download_file_done_fn)(const lt_manifest_entry *e, const char *url,
                                         const lt_download_result *r, const lt_err *file_err, void *ud);

typedef struct lt_download_manifest_opts {
    const char *dir;      /* download directory (created with parents if missing) */
    const char *base_url; /* replaces both hosts (layout in manifest.h); NULL = the
                             environment variable LITETTS_DOWNLOAD_BASE if set and
                             non-empty, else the official hosts */
    unsigned groups;      /* LT_DL_* bits; 0 = all */
    const char *const *voices; /* restrict the voices group to these names; NULL = all 54 */
    size_t n_voices;
    lt_download_opts file; /* template for each file (progress, retries, timeouts);
                              sha256, expected_size and label are set per entry */
    lt_download_file_done_fn on_file;
    void *on_file_ud;
} lt_download_manifest_opts;

typedef struct lt_download_summary {
    size_t selected;   /* entries selected by groups/voices */
    size_t downloaded; /* fetched and in place (this run) */
    size_t skipped;    /* already complete */
    size_t verified;   /* final file matched its pinned digest */
    size_t unverified; /* no pinned digest: computed digest reported only */
    size_t failed;
    uint64_t bytes_fetched;
} lt_download_summary;

void lt_download_manifest_opts_init(lt_download_manifest_opts *o);

/* Fetches every selected entry into dir, continuing past failures. Returns 0
 * when every file is in place, -1 otherwise (err names the number of failures
 * and the first one; unknown voice names fail before anything is fetched).
 * sum may be NULL. */
int lt_download_manifest(const lt_download_manifest_opts *o, lt_download_summary *sum, lt_err *err);

/* The base URL lt_download_manifest would use for base_url (NULL = official). */
const char *lt_download_effective_base(const char *base_url);

#endif
