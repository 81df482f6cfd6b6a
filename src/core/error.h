/* error.h — the one error type every LiteTTS module reports through.
 *
 * Functions that can fail return 0 on success and -1 on failure, filling an
 * lt_err with a complete, human-readable sentence that names the file, the
 * field or tensor, and the reason ("model.pth: tensor decoder.x.weight: expected
 * shape [4,3], got [4,2]"). Callers print err.msg as is. */
#ifndef LT_CORE_ERROR_H
#define LT_CORE_ERROR_H

#include <stddef.h>

typedef struct lt_err {
    char msg[1024];
} lt_err;

/* printf-style; always returns -1 so callers can `return lt_fail(err, ...)`.
 * err may be NULL (the message is dropped). */
int lt_fail(lt_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prefix an existing message: "ctx: <old message>". Returns -1. */
int lt_fail_prefix(lt_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
