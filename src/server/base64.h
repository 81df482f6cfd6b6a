/* base64.h — standard base64 (RFC 4648, with padding) for audio in JSON
 * replies (SSE deltas, captioned speech). */
#ifndef LT_SERVER_BASE64_H
#define LT_SERVER_BASE64_H

#include <stddef.h>
#include <stdint.h>

/* malloc'd, NUL-terminated; NULL when out of memory. */
char *lt_base64(const uint8_t *data, size_t len);

#endif
