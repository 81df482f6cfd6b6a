/* base64.h — standard base64 (RFC 4648, with padding) for audio in JSON
 * replies (SSE deltas, captioned speech), and decoding for uploaded voice
 * packs. */
#ifndef LT_SERVER_BASE64_H
#define LT_SERVER_BASE64_H

#include <stddef.h>
#include <stdint.h>

/* malloc'd, NUL-terminated; NULL when out of memory. */
char *lt_base64(const uint8_t *data, size_t len);
/* Decode standard or URL-safe base64 (padding optional, whitespace skipped;
 * a "data:...;base64," prefix is dropped). *out malloc'd. -1 on a bad
 * character, or -2 when the decoded size would exceed max. */
int lt_base64_decode(const char *s, size_t max, uint8_t **out, size_t *len);

#endif
