/* http_client.c — see http_client.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "support/http_client.h"

static size_t on_body(char *p, size_t sz, size_t n, void *ud) {
    lt_test_resp *r = ud;
    size_t len = sz * n;
    unsigned char *nb = realloc(r->body, r->len + len + 1);
    if (!nb) return 0;
    r->body = nb;
    memcpy(r->body + r->len, p, len);
    r->len += len;
    r->body[r->len] = 0;
    if (r->abort_after && r->len >= (size_t)r->abort_after) return 0;
    return len;
}

static void header_value(const char *line, size_t len, const char *name, char *out, size_t cap) {
    size_t nl = strlen(name);
    if (len <= nl || strncasecmp(line, name, nl)) return;
    const char *v = line + nl;
    size_t vl = len - nl;
    while (vl && *v == ' ') v++, vl--;
    while (vl && (v[vl - 1] == '\r' || v[vl - 1] == '\n')) vl--;
    snprintf(out, cap, "%.*s", (int)vl, v);
}

static size_t on_header(char *p, size_t sz, size_t n, void *ud) {
    lt_test_resp *r = ud;
    size_t len = sz * n;
    header_value(p, len, "Content-Type:", r->ctype, sizeof r->ctype);
    header_value(p, len, "Retry-After:", r->retry_after, sizeof r->retry_after);
    header_value(p, len, "Transfer-Encoding:", r->transfer_encoding, sizeof r->transfer_encoding);
    header_value(p, len, "Content-Length:", r->content_length, sizeof r->content_length);
    header_value(p, len, "X-Request-Id:", r->request_id, sizeof r->request_id);
    header_value(p, len, "Content-Disposition:", r->disposition, sizeof r->disposition);
    header_value(p, len, "X-Cache:", r->xcache, sizeof r->xcache);
    return len;
}

void lt_test_http(const char *base, const char *method, const char *path, const char *body, size_t body_len,
                  const char *auth, lt_test_resp *r) {
    r->status = 0;
    r->body = NULL;
    r->len = 0;
    r->ctype[0] = r->retry_after[0] = r->transfer_encoding[0] = r->content_length[0] = r->request_id[0] = 0;
    r->disposition[0] = r->xcache[0] = 0;
    CURL *c = curl_easy_init();
    char url[512], ah[512];
    snprintf(url, sizeof url, "%s%s", base, path);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    struct curl_slist *h = NULL;
    if (!r->mime) h = curl_slist_append(h, "Content-Type: application/json");
    if (auth) {
        snprintf(ah, sizeof ah, "Authorization: %s", auth);
        h = curl_slist_append(h, ah);
    }
    h = curl_slist_append(h, "Expect:");
    if (r->send_header) h = curl_slist_append(h, r->send_header);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_mime *m = NULL;
    if (r->mime) {
        m = r->mime(c);
        curl_easy_setopt(c, CURLOPT_MIMEPOST, m);
    } else if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)body_len);
    }
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 120L);
    if (r->raw) curl_easy_setopt(c, CURLOPT_HTTP_TRANSFER_DECODING, 0L);
    CURLcode rc = curl_easy_perform(c);
    if (rc != CURLE_OK && !r->abort_after && !r->tolerate_error)
        fail_msg("%s %s: %s", method, path, curl_easy_strerror(rc));
    if (rc == CURLE_OK || r->abort_after) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    curl_mime_free(m);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
}

json_t *lt_test_json(const lt_test_resp *r) {
    json_error_t e;
    json_t *j = json_loadb((const char *)r->body, r->len, 0, &e);
    if (!j) fail_msg("not JSON (%s): %.200s", e.text, r->body ? (const char *)r->body : "");
    return j;
}

void lt_test_resp_free(lt_test_resp *r) {
    free(r->body);
    r->body = NULL;
}
