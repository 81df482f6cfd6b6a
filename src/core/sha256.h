/* sha256.h — a small, dependency-free SHA-256 (FIPS 180-4) with a streaming
 * API, used by the downloader to verify files against pinned digests.
 *
 *   lt_sha256_ctx c; lt_sha256_init(&c);
 *   lt_sha256_update(&c, buf, n);   // any number of times, any sizes
 *   uint8_t d[32]; lt_sha256_final(&c, d);
 *
 * Hex digests are 64 lowercase hex digits plus a terminating NUL. */
#ifndef LT_DOWNLOAD_SHA256_H
#define LT_DOWNLOAD_SHA256_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

#define LT_SHA256_DIGEST_LEN 32
#define LT_SHA256_HEX_LEN 65 /* 64 digits + NUL */

typedef struct lt_sha256_ctx {
    uint32_t h[8];
    uint64_t total; /* bytes hashed so far */
    uint8_t block[64];
    size_t fill; /* bytes waiting in block */
} lt_sha256_ctx;

void lt_sha256_init(lt_sha256_ctx *c);
void lt_sha256_update(lt_sha256_ctx *c, const void *data, size_t len);
/* Finishes the hash and writes 32 bytes. The context must be re-initialised
 * before it is used again. */
void lt_sha256_final(lt_sha256_ctx *c, uint8_t out[LT_SHA256_DIGEST_LEN]);

/* Lowercase hex of a 32-byte digest into hex (LT_SHA256_HEX_LEN bytes). */
void lt_sha256_hex(const uint8_t digest[LT_SHA256_DIGEST_LEN], char hex[LT_SHA256_HEX_LEN]);

/* One-shot helpers: hex digest of a buffer / of a whole file. */
void lt_sha256_buf_hex(const void *data, size_t len, char hex[LT_SHA256_HEX_LEN]);
/* Returns 0, or -1 with err naming the file and the reason. If size is not
 * NULL it receives the number of bytes hashed. */
int lt_sha256_file_hex(const char *path, char hex[LT_SHA256_HEX_LEN], uint64_t *size, lt_err *err);

/* 1 if s is exactly 64 hex digits (either case), else 0. */
int lt_sha256_is_hex(const char *s);
/* Case-insensitive comparison of two hex digests; 1 when equal. */
int lt_sha256_hex_equal(const char *a, const char *b);

#endif
