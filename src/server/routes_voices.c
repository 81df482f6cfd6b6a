/* routes_voices.c — saved custom voices over HTTP: POST /v1/voices (from a
 * voice expression, a base64 .pt/.bin pack in JSON, or a multipart/form-data
 * upload with a "file" part), GET /v1/voices, GET/DELETE /v1/voices/{name};
 * and Kokoro-FastAPI's POST /v1/audio/voices/combine (the unweighted mean of
 * the listed voices as a downloadable .pt). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "server/base64.h"
#include "server/server_internal.h"
#include "voice/blend.h"
#include "voice/pack_writer.h"

static int need_store(lt_server *s, lt_http_req *r) {
    if (!lt_server_check_ready(s, r)) return 0;
    if (lt_voices_has_store(s->voices)) return 1;
    lt_http_reply_error(r, 404, NULL, "saved_voices_off", "saved voices are off: start the server with --data-dir DIR");
    return 0;
}

/* An uploaded pack (.pt, raw .bin, or single-voice .npz; detected by
 * content): written to a temporary file for lt_voice_pack_load, removed after. */
static int load_upload(lt_server *s, const uint8_t *data, size_t len, lt_voice_pack *pack, lt_err *err) {
    char path[2200];
    snprintf(path, sizeof path, "%s/upload-XXXXXX", s->cfg.data_dir);
    int fd = mkstemp(path);
    if (fd < 0) return lt_fail(err, "cannot store the upload: %m");
    size_t off = 0;
    while (off < len) {
        ssize_t n = write(fd, data + off, len - off);
        if (n <= 0) break;
        off += (size_t)n;
    }
    close(fd);
    int rc = off == len ? lt_voice_pack_load(path, NULL, lt_voices_width(s->voices), pack, err)
                        : lt_fail(err, "cannot store the upload");
    unlink(path);
    if (rc == 0 && pack->rows != LT_VOICE_ROWS) {
        lt_fail(err, "the pack has %d rows; voice packs have %d", pack->rows, LT_VOICE_ROWS);
        lt_voice_pack_free(pack);
        return -1;
    }
    if (rc) {
        /* the loader names the temporary file; say "the upload" instead */
        char msg[sizeof err->msg];
        const char *p = strstr(err->msg, path);
        if (p) {
            snprintf(msg, sizeof msg, "the uploaded pack%s", p + strlen(path));
            snprintf(err->msg, sizeof err->msg, "%s", msg);
        }
    }
    return rc;
}

typedef struct save_fields {
    char name[128];
    char description[512];
    char expr[1024];
    int has_expr, replace;
    const uint8_t *file; /* multipart: the "file" part (points into the body) */
    size_t file_len;
    int has_file;
} save_fields;

/* multipart/form-data: name, description, replace, voice (an expression) and file. */
static int parse_multipart(const char *ctype, const char *body, size_t len, save_fields *f, lt_err *err) {
    const char *b = strstr(ctype, "boundary=");
    if (!b) return lt_fail(err, "multipart/form-data without a boundary");
    b += 9;
    char boundary[200];
    size_t bl = *b == '"' ? strcspn(b + 1, "\"") : strcspn(b, "; \t");
    if (bl == 0 || bl > 70) return lt_fail(err, "multipart boundary is empty or too long");
    snprintf(boundary, sizeof boundary, "--%.*s", (int)bl, *b == '"' ? b + 1 : b);
    bl = strlen(boundary);
    const char *p = memmem(body, len, boundary, bl), *end = body + len;
    if (!p) return lt_fail(err, "multipart body has no part");
    for (;;) {
        p += bl;
        if (end - p >= 2 && p[0] == '-' && p[1] == '-') return 0; /* the closing delimiter */
        if (end - p < 2 || p[0] != '\r' || p[1] != '\n') return lt_fail(err, "malformed multipart body");
        p += 2;
        const char *hend = memmem(p, (size_t)(end - p), "\r\n\r\n", 4);
        if (!hend) return lt_fail(err, "malformed multipart part headers");
        char headers[1024];
        snprintf(headers, sizeof headers, "%.*s", (int)(hend - p < 1000 ? hend - p : 1000), p);
        const char *data = hend + 4;
        char delim[210];
        snprintf(delim, sizeof delim, "\r\n%s", boundary);
        const char *next = memmem(data, (size_t)(end - data), delim, strlen(delim));
        if (!next) return lt_fail(err, "multipart part without an end");
        size_t dlen = (size_t)(next - data);
        const char *nm = strstr(headers, "name=\"");
        if (nm) {
            nm += 6;
            size_t nl = strcspn(nm, "\"");
            char field[64];
            snprintf(field, sizeof field, "%.*s", (int)(nl < 63 ? nl : 63), nm);
            if (!strcmp(field, "file")) {
                f->file = (const uint8_t *)data;
                f->file_len = dlen;
                f->has_file = 1;
            } else if (!strcmp(field, "name")) {
                snprintf(f->name, sizeof f->name, "%.*s", (int)(dlen < 127 ? dlen : 127), data);
            } else if (!strcmp(field, "description")) {
                if (dlen >= sizeof f->description) return lt_fail(err, "description longer than 255 bytes");
                snprintf(f->description, sizeof f->description, "%.*s", (int)dlen, data);
            } else if (!strcmp(field, "voice")) {
                snprintf(f->expr, sizeof f->expr, "%.*s", (int)(dlen < 1023 ? dlen : 1023), data);
                f->has_expr = 1;
            } else if (!strcmp(field, "replace")) {
                f->replace = dlen && (data[0] == 't' || data[0] == 'T' || data[0] == '1');
            }
        }
        p = next + 2;
    }
}

void lt_route_voice_save(lt_http_req *r, void *ud) {
    lt_server *s = ud;
    if (!need_store(s, r)) return;
    save_fields f;
    memset(&f, 0, sizeof f);
    lt_err err;
    uint8_t *decoded = NULL;
    size_t decoded_len = 0;
    const char *ctype = lt_http_header(r, "Content-Type");
    size_t max = s->cfg.max_voice_upload;
    if (ctype && !strncasecmp(ctype, "multipart/form-data", 19)) {
        size_t len;
        const char *body = lt_http_body(r, &len);
        if (parse_multipart(ctype, body, len, &f, &err)) {
            lt_http_reply_error(r, 400, NULL, "invalid_multipart", "%s", err.msg);
            return;
        }
    } else {
        json_t *body = lt_http_json_body(r);
        if (!body) return;
        const json_t *name = json_object_get(body, "name"), *v = json_object_get(body, "voice");
        const json_t *d = json_object_get(body, "description"), *rep = json_object_get(body, "replace");
        const char *bad = NULL, *why = NULL;
        if (!json_is_string(name)) bad = "name", why = "name must be a string";
        else if (d && !json_is_null(d) && (!json_is_string(d) || strlen(json_string_value(d)) > 255))
            bad = "description", why = "description must be a string of at most 255 bytes";
        else if (rep && !json_is_null(rep) && !json_is_boolean(rep))
            bad = "replace", why = "replace must be true or false";
        else if (json_is_string(v) && strlen(json_string_value(v)) < sizeof f.expr) {
            snprintf(f.expr, sizeof f.expr, "%s", json_string_value(v));
            f.has_expr = 1;
        } else if (json_is_object(v) && json_is_string(json_object_get(v, "data"))) {
            int rc = lt_base64_decode(json_string_value(json_object_get(v, "data")), max, &decoded, &decoded_len);
            if (rc == -2) {
                json_decref(body);
                lt_http_reply_error(r, 413, "voice", "upload_too_large", "the uploaded pack is larger than %zu bytes",
                                    max);
                return;
            }
            if (rc) bad = "voice", why = "voice.data is not valid base64";
            f.file = decoded;
            f.file_len = decoded_len;
            f.has_file = 1;
        } else {
            bad = "voice", why = "voice must be a voice expression (\"af_bella(2)+af_sky\") or "
                                 "{\"data\": base64 of a .pt or .bin pack}";
        }
        if (!bad) {
            snprintf(f.name, sizeof f.name, "%s", json_string_value(name));
            if (json_is_string(d)) snprintf(f.description, sizeof f.description, "%s", json_string_value(d));
            f.replace = json_is_true(rep);
        }
        json_decref(body);
        if (bad) {
            free(decoded);
            lt_http_reply_error(r, 400, bad, "invalid_value", "%s", why);
            return;
        }
    }
    if (!f.name[0] || !lt_voice_name_valid(f.name)) {
        free(decoded);
        lt_http_reply_error(r, 400, "name", "invalid_value",
                            "name must be 1-63 letters, digits, _ or . (not starting with .), got '%.64s'", f.name);
        return;
    }
    if (!f.has_file && !f.has_expr) {
        lt_http_reply_error(r, 400, "voice", "invalid_value", "send a voice expression or a pack file");
        return;
    }
    if (f.has_file && f.file_len > max) {
        free(decoded);
        lt_http_reply_error(r, 413, "file", "upload_too_large", "the uploaded pack is larger than %zu bytes", max);
        return;
    }
    lt_voice_pack upload = {0};
    lt_voice_ref *ref = NULL;
    const lt_voice_pack *pack;
    char canon[LT_VOICE_EXPR_MAX] = "";
    if (f.has_file) {
        int rc = load_upload(s, f.file, f.file_len, &upload, &err);
        free(decoded);
        if (rc) {
            lt_http_reply_error(r, 400, "voice", "invalid_pack", "%s", err.msg);
            return;
        }
        pack = &upload;
    } else {
        if (lt_voices_resolve(s->voices, f.expr, canon, sizeof canon, &err) ||
            !(ref = lt_voices_acquire(s->voices, canon, &err))) {
            lt_http_reply_error(r, 400, "voice", "invalid_value", "%s", err.msg);
            return;
        }
        pack = lt_voice_ref_pack(ref);
    }
    int status = lt_voices_save(s->voices, f.name, pack, f.description, canon, f.replace, &err);
    lt_voices_release(s->voices, ref);
    lt_voice_pack_free(&upload);
    if (status >= 300) {
        lt_http_reply_error(r, status, status == 400 ? "voice" : status == 409 ? "name" : NULL,
                            status == 409 ? "voice_exists" : status == 400 ? "invalid_value" : NULL, "%s", err.msg);
        return;
    }
    json_t *o = lt_voices_saved_json(s->voices, f.name);
    if (!o) o = json_pack("{s:s}", "id", f.name);
    lt_http_reply_json(r, status, o);
}

void lt_route_voice_list(lt_http_req *r, void *ud) {
    lt_server *s = ud;
    if (!need_store(s, r)) return;
    lt_http_reply_json(r, 200, lt_voices_saved_list_json(s->voices));
}

void lt_route_voice_get(lt_http_req *r, void *ud) {
    lt_server *s = ud;
    if (!need_store(s, r)) return;
    const char *name = lt_http_param(r, 0);
    json_t *o = name ? lt_voices_saved_json(s->voices, name) : NULL;
    if (!o) {
        lt_http_reply_error(r, 404, "name", "voice_not_found", "no saved voice named '%.64s'", name ? name : "");
        return;
    }
    lt_http_reply_json(r, 200, o);
}

void lt_route_voice_delete(lt_http_req *r, void *ud) {
    lt_server *s = ud;
    if (!need_store(s, r)) return;
    const char *name = lt_http_param(r, 0);
    lt_err err;
    int rc = name ? lt_voices_delete(s->voices, name, &err) : 1;
    if (rc == 1)
        lt_http_reply_error(r, 404, "name", "voice_not_found", "no saved voice named '%.64s'", name ? name : "");
    else if (rc)
        lt_http_reply_error(r, 500, NULL, NULL, "%s", err.msg);
    else
        lt_http_reply_json(r, 200, json_pack("{s:s, s:s, s:b}", "id", name, "object", "voice.deleted", "deleted", 1));
}

#define COMBINE_MAX 64

void lt_route_voice_combine(lt_http_req *r, void *ud) {
    lt_server *s = ud;
    if (!lt_server_check_ready(s, r)) return;
    size_t blen;
    const char *body = lt_http_body(r, &blen);
    json_error_t je;
    json_t *j = json_loadb(body, blen, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &je);
    if (!j) {
        lt_http_reply_error(r, 400, NULL, "invalid_json", "the request body is not valid JSON: %s", je.text);
        return;
    }
    json_t *list = json_is_object(j) ? json_object_get(j, "voices") : j;
    char names[COMBINE_MAX][LT_VOICE_EXPR_MAX];
    int n = 0;
    const char *bad = NULL;
    if (json_is_string(list)) { /* "af_bella+af_sky", as Kokoro-FastAPI also accepts */
        const char *p = json_string_value(list);
        while (*p && n < COMBINE_MAX && !bad) {
            size_t k = strcspn(p, "+,");
            if (k == 0 || k >= LT_VOICE_EXPR_MAX) bad = "an empty or overlong voice name";
            else snprintf(names[n++], LT_VOICE_EXPR_MAX, "%.*s", (int)k, p);
            p += k + (p[k] != 0);
        }
    } else if (json_is_array(list)) {
        size_t i;
        json_t *it;
        json_array_foreach(list, i, it) {
            if (!json_is_string(it) || strlen(json_string_value(it)) >= LT_VOICE_EXPR_MAX || n == COMBINE_MAX) {
                bad = "voices must be strings";
                break;
            }
            snprintf(names[n++], LT_VOICE_EXPR_MAX, "%s", json_string_value(it));
        }
    } else {
        bad = "send a list of voice names, {\"voices\": [...]}, or \"a+b\"";
    }
    if (!bad && n == 0) bad = "no voices to combine";
    if (!bad && n == COMBINE_MAX) bad = "too many voices (at most 63)";
    json_decref(j);
    if (bad) {
        lt_http_reply_error(r, 400, "voices", "invalid_value", "%s", bad);
        return;
    }
    lt_voice_ref *refs[COMBINE_MAX] = {0};
    lt_err err;
    int failed = -1;
    for (int i = 0; i < n && failed < 0; i++) {
        char canon[LT_VOICE_EXPR_MAX];
        if (lt_voices_resolve(s->voices, names[i], canon, sizeof canon, &err) ||
            !(refs[i] = lt_voices_acquire(s->voices, canon, &err)))
            failed = i;
    }
    lt_voice_pack mean = {0};
    if (failed < 0) {
        const lt_voice_pack *p0 = lt_voice_ref_pack(refs[0]);
        size_t count = (size_t)p0->rows * (size_t)p0->width;
        mean.rows = p0->rows;
        mean.width = p0->width;
        mean.data = calloc(count, sizeof(float));
        double *acc = calloc(count, sizeof(double));
        if (!mean.data || !acc) failed = 0, lt_fail(&err, "out of memory");
        for (int i = 0; i < n && failed < 0; i++) {
            const lt_voice_pack *p = lt_voice_ref_pack(refs[i]);
            if (p->rows != mean.rows || p->width != mean.width) {
                failed = i;
                lt_fail(&err, "voice '%s' is [%d, %d], the first is [%d, %d]", names[i], p->rows, p->width, mean.rows,
                        mean.width);
                break;
            }
            for (size_t k = 0; k < count; k++) acc[k] += p->data[k];
        }
        if (failed < 0)
            for (size_t k = 0; k < count; k++) mean.data[k] = (float)(acc[k] / n);
        free(acc);
    }
    for (int i = 0; i < n; i++) lt_voices_release(s->voices, refs[i]);
    if (failed >= 0) {
        lt_voice_pack_free(&mean);
        lt_http_reply_error(r, 400, "voices", "invalid_value", "%s", err.msg);
        return;
    }
    uint8_t *pt;
    size_t len;
    int rc = lt_pack_write_pt_mem(&mean, "combined", &pt, &len, &err);
    lt_voice_pack_free(&mean);
    if (rc) {
        lt_http_reply_error(r, 500, NULL, NULL, "%s", err.msg);
        return;
    }
    lt_http_add_header(r, "Content-Disposition", "attachment; filename=\"combined.pt\"");
    lt_http_reply_owned(r, 200, "application/octet-stream", pt, len);
}
