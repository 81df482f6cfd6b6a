/* test_server.c — `litetts serve` over HTTP (libcurl as the client), in
 * process on 127.0.0.1 with an ephemeral port and the tiny golden model:
 * the info endpoints' shapes, speech in every format (headers decoded),
 * streamed WAV framing, SSE events and usage, captioned speech's source
 * spans, /dev/phonemize, every error path (400 naming the field, 404, 405,
 * 413, 503 + Retry-After on a full queue), API keys, and a client that
 * hangs up mid-stream. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <pthread.h>
#include <errno.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <jansson.h>

#include "server/server.h"
#include "support/audio_decode.h"
#include "support/http_client.h"

static lt_server *srv;
static char base[64];
static char golden[1024], lexicons[1024];
static char data_dir[] = "/tmp/lt-test-server-XXXXXX";
static char access_log[256];
static int start_auth_info; /* start() sets auth_info_routes */
static int start_read_timeout; /* start() sets read_timeout_s when > 0 */

typedef lt_test_resp resp;

/* raw: no chunked decoding (to see the framing). r's input fields (abort_after, send_header) are kept. */
static void request_to(const char *b, const char *method, const char *path, const char *body, size_t body_len,
                       const char *auth, int raw, resp *r) {
    r->raw = raw;
    lt_test_http(b, method, path, body, body_len, auth, r);
}

static void request(const char *method, const char *path, const char *body, resp *r) {
    memset(r, 0, sizeof *r);
    request_to(base, method, path, body, body ? strlen(body) : 0, NULL, 0, r);
}

static void resp_free(resp *r) { lt_test_resp_free(r); }
static json_t *json_of(const resp *r) { return lt_test_json(r); }

/* An OpenAI error object with this status and param (NULL: JSON null). */
static void expect_error(const char *method, const char *path, const char *body, long status, const char *param) {
    resp r;
    request(method, path, body, &r);
    if (r.status != status) fail_msg("%s %s: status %ld, wanted %ld: %s", method, path, r.status, status, r.body);
    json_t *j = json_of(&r), *e = json_object_get(j, "error");
    assert_true(json_is_object(e));
    assert_true(json_is_string(json_object_get(e, "message")));
    assert_true(json_is_string(json_object_get(e, "type")));
    assert_true(json_object_get(e, "code") != NULL);
    const json_t *p = json_object_get(e, "param");
    if (param) {
        if (!json_is_string(p) || strcmp(json_string_value(p), param))
            fail_msg("%s: param %s, wanted %s", path, json_is_string(p) ? json_string_value(p) : "null", param);
    } else {
        assert_true(json_is_null(p));
    }
    json_decref(j);
    resp_free(&r);
}

static uint32_t le32(const unsigned char *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }

static const char *LONG_TEXT = "Hello there. This is the second sentence, which is a little longer. "
                               "And here is a third one! Is this the fourth? Yes, it is the last.";

/* ---------------------------------------------------------------- setup */

static lt_server *start(const char *keys, int queue) {
    lt_server_config c;
    lt_server_config_default(&c);
    char model[1200], voices[1200];
    snprintf(model, sizeof model, "%s/tiny/kokoro-tiny.pth", golden);
    snprintf(voices, sizeof voices, "%s/tiny/voices", golden);
    c.model_path = model;
    c.voices_dir = voices;
    c.lexicon_dir = lexicons;
    c.port = 0;
    c.workers = 1;
    c.queue_size = queue;
    c.max_input = 3000;
    c.max_body = 64 * 1024;
    c.api_keys = keys;
    c.quiet = 1;
    c.drain_ms = 5000;
    c.data_dir = data_dir;
    c.access_log = access_log;
    c.auth_info_routes = start_auth_info;
    if (start_read_timeout) c.read_timeout_s = start_read_timeout;
    lt_err err;
    lt_server *s;
    if (lt_server_start(&c, &s, &err)) fail_msg("%s", err.msg);
    return s;
}

static int setup(void **state) {
    (void)state;
    const char *shared = getenv("LT_SHARED");
    snprintf(golden, sizeof golden, "%s/kokoro-golden", shared ? shared : "../shared");
    snprintf(lexicons, sizeof lexicons, "%s/misaki-lexicon", shared ? shared : "../shared");
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (!mkdtemp(data_dir)) return -1;
    snprintf(access_log, sizeof access_log, "%s/access.log", data_dir);
    srv = start(NULL, 1);
    snprintf(base, sizeof base, "http://127.0.0.1:%d", lt_server_port(srv));
    return 0;
}

static int teardown(void **state) {
    (void)state;
    lt_server_stop(srv);
    curl_global_cleanup();
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", data_dir);
    if (system(cmd)) return -1;
    return 0;
}

/* ---------------------------------------------------------------- info */

static void test_info_endpoints(void **state) {
    (void)state;
    resp r;
    request("GET", "/health", NULL, &r);
    assert_int_equal(r.status, 200);
    resp_free(&r);

    request("GET", "/ready", NULL, &r);
    assert_int_equal(r.status, 200);
    resp_free(&r);

    request("GET", "/v1/test", NULL, &r);
    assert_int_equal(r.status, 200);
    json_t *j = json_of(&r);
    assert_string_equal(json_string_value(json_object_get(j, "status")), "ok");
    json_decref(j);
    resp_free(&r);

    request("GET", "/v1/models", NULL, &r);
    assert_int_equal(r.status, 200);
    j = json_of(&r);
    assert_string_equal(json_string_value(json_object_get(j, "object")), "list");
    json_t *data = json_object_get(j, "data");
    assert_true(json_array_size(data) >= 4);
    int has_tts1 = 0;
    for (size_t i = 0; i < json_array_size(data); i++) {
        json_t *m = json_array_get(data, i);
        assert_string_equal(json_string_value(json_object_get(m, "object")), "model");
        assert_true(json_is_integer(json_object_get(m, "created")));
        assert_true(json_is_string(json_object_get(m, "owned_by")));
        has_tts1 |= !strcmp(json_string_value(json_object_get(m, "id")), "tts-1");
    }
    assert_true(has_tts1);
    json_decref(j);
    resp_free(&r);

    request("GET", "/v1/audio/models", NULL, &r);
    j = json_of(&r);
    assert_true(json_array_size(json_object_get(j, "models")) >= 4);
    assert_true(json_is_string(json_object_get(json_array_get(json_object_get(j, "models"), 0), "id")));
    json_decref(j);
    resp_free(&r);

    request("GET", "/v1/audio/voices", NULL, &r);
    assert_int_equal(r.status, 200);
    j = json_of(&r);
    json_t *voices = json_object_get(j, "voices");
    assert_true(json_array_size(voices) >= 5);
    int found = 0;
    for (size_t i = 0; i < json_array_size(voices); i++) {
        json_t *v = json_array_get(voices, i);
        assert_true(json_is_string(json_object_get(v, "id")));
        assert_true(json_is_string(json_object_get(v, "name")));
        if (!strcmp(json_string_value(json_object_get(v, "id")), "bf_emma")) {
            found = 1;
            assert_string_equal(json_string_value(json_object_get(v, "language")), "British English");
            assert_string_equal(json_string_value(json_object_get(v, "locale")), "en-GB");
            assert_string_equal(json_string_value(json_object_get(v, "lang_code")), "b");
            assert_string_equal(json_string_value(json_object_get(v, "grade")), "B-");
            assert_true(json_is_false(json_object_get(v, "custom")));
            assert_string_equal(json_string_value(json_object_get(v, "gender")), "female");
        }
        assert_null(strstr(json_string_value(json_object_get(v, "id")), "voices-tiny")); /* .npz not listed */
    }
    assert_true(found);
    json_decref(j);
    resp_free(&r);
}

/* ---------------------------------------------------------------- speech */

static void test_wav_and_pcm(void **state) {
    (void)state;
    resp w, p;
    request("POST", "/v1/audio/speech",
            "{\"model\":\"tts-1\",\"input\":\"Hello world.\",\"voice\":\"af_bella\",\"response_format\":\"wav\","
            "\"stream\":false}",
            &w);
    assert_int_equal(w.status, 200);
    assert_string_equal(w.ctype, "audio/wav");
    assert_true(w.content_length[0]); /* not streamed: a real length */
    assert_true(w.len > 44);
    assert_memory_equal(w.body, "RIFF", 4);
    assert_memory_equal(w.body + 8, "WAVE", 4);
    assert_int_equal(le32(w.body + 24), 24000);
    assert_int_equal(le32(w.body + 4), w.len - 8);
    assert_memory_equal(w.body + 36, "data", 4);
    uint32_t data_len = le32(w.body + 40);
    assert_int_equal(data_len, w.len - 44);
    assert_true(data_len > 0 && data_len % 2 == 0);

    /* the same request as raw PCM: the same samples without the header */
    request("POST", "/v1/audio/speech",
            "{\"model\":\"kokoro\",\"input\":\"Hello world.\",\"voice\":{\"id\":\"af_bella\"},\"response_format\":\"pcm\","
            "\"stream\":false}",
            &p);
    assert_int_equal(p.status, 200);
    assert_int_equal(p.len, data_len);
    assert_memory_equal(p.body, w.body + 44, p.len);
    resp_free(&w);
    resp_free(&p);
}

/* streamed captioned speech: newline-delimited JSON, one object per chunk,
 * each with its audio and its words; times keep increasing across lines */
static void test_captioned_stream(void **state) {
    (void)state;
    resp r;
    request("POST", "/dev/captioned_speech",
            "{\"input\":\"First sentence here. Then a second one, with $100.\",\"voice\":\"af_bella\","
            "\"stream\":true,\"response_format\":\"pcm\"}",
            &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.ctype, "application/x-ndjson");
    int lines = 0, dollars = 0;
    double last_end = -1;
    char *save = NULL, *text = strndup((const char *)r.body, r.len);
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save), lines++) {
        json_t *o = json_loads(line, 0, NULL);
        assert_non_null(o);
        assert_true(strlen(json_string_value(json_object_get(o, "audio"))) > 0);
        assert_string_equal(json_string_value(json_object_get(o, "audio_format")), "pcm");
        json_t *ts = json_object_get(o, "timestamps"), *t;
        size_t i;
        assert_true(json_array_size(ts) > 0);
        json_array_foreach(ts, i, t) {
            double st = json_real_value(json_object_get(t, "start_time"));
            assert_true(st >= last_end - 1e-9);
            last_end = json_real_value(json_object_get(t, "end_time"));
            dollars += !strncmp(json_string_value(json_object_get(t, "word")), "$100", 4);
        }
        json_decref(o);
    }
    assert_int_equal(lines, 2); /* the first sentence, then the rest */
    assert_true(dollars >= 1);
    free(text);
    resp_free(&r);
}

/* Kokoro-FastAPI's /dev/generate_from_phonemes: phonemes straight to the
 * engine, a WAV by default, made of whole 25 ms frames (600 samples each). */
static void test_generate_from_phonemes(void **state) {
    (void)state;
    resp w;
    request("POST", "/dev/generate_from_phonemes",
            "{\"phonemes\":\"hˈɛloʊ wˈɜːld, ðɪs ɪz ɐ tˈɛst.\",\"voice\":\"af_bella\"}", &w);
    assert_int_equal(w.status, 200);
    assert_string_equal(w.ctype, "audio/wav");
    assert_memory_equal(w.body, "RIFF", 4);
    uint32_t data_len = le32(w.body + 40);
    assert_int_equal(data_len, w.len - 44);
    assert_true(data_len > 0 && data_len % 1200 == 0); /* whole 25 ms frames of 16-bit samples */
    resp_free(&w);
    expect_error("POST", "/dev/generate_from_phonemes", "{\"voice\":\"af_bella\"}", 400, "phonemes");
    expect_error("POST", "/dev/generate_from_phonemes", "{\"phonemes\":\"h\",\"voice\":\"nobody\"}", 400, "voice");
}

/* Parse raw chunked framing; returns the number of chunks and the decoded bytes. */
static int dechunk(const unsigned char *raw, size_t len, unsigned char **out, size_t *out_len) {
    size_t pos = 0, n = 0;
    int chunks = 0;
    *out = malloc(len + 1);
    for (;;) {
        char *end;
        unsigned long sz = strtoul((const char *)raw + pos, &end, 16);
        const char *crlf = strstr((const char *)raw + pos, "\r\n");
        if (!crlf || crlf < end) return -1;
        pos = (size_t)((const unsigned char *)crlf - raw) + 2;
        if (sz == 0) break;
        if (pos + sz + 2 > len) return -1;
        memcpy(*out + n, raw + pos, sz);
        n += sz;
        pos += sz + 2;
        chunks++;
    }
    *out_len = n;
    return chunks;
}

static void test_streamed_wav(void **state) {
    (void)state;
    char body[1024];
    snprintf(body, sizeof body, "{\"input\":\"%s\",\"voice\":\"am_adam\",\"response_format\":\"wav\"}", LONG_TEXT);
    resp r;
    memset(&r, 0, sizeof r);
    request_to(base, "POST", "/v1/audio/speech", body, strlen(body), NULL, 1, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.transfer_encoding, "chunked");
    unsigned char *wav;
    size_t len;
    int chunks = dechunk(r.body, r.len, &wav, &len);
    assert_true(chunks > 1);
    assert_memory_equal(wav, "RIFF", 4);
    assert_int_equal(le32(wav + 4), 0xFFFFFFFFu);
    assert_int_equal(le32(wav + 40), 0xFFFFFFFFu);
    assert_int_equal(le32(wav + 24), 24000);
    assert_true(len > 44 + 24000); /* more than half a second */
    assert_int_equal((len - 44) % 2, 0);
    free(wav);
    resp_free(&r);
}

static unsigned char *unbase64(const char *s, size_t *n) {
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t len = strlen(s);
    unsigned char *out = malloc(len / 4 * 3 + 3);
    uint32_t acc = 0;
    int bits = 0;
    *n = 0;
    for (size_t i = 0; i < len && s[i] != '='; i++) {
        const char *p = strchr(tab, s[i]);
        if (!p || !s[i]) fail_msg("bad base64 character %d", s[i]);
        acc = acc << 6 | (uint32_t)(p - tab);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[(*n)++] = (unsigned char)(acc >> bits);
        }
    }
    return out;
}

static void test_sse(void **state) {
    (void)state;
    char body[1024];
    snprintf(body, sizeof body,
             "{\"input\":\"%s\",\"voice\":\"af_heart\",\"response_format\":\"pcm\",\"stream_format\":\"sse\"}", LONG_TEXT);
    resp r;
    request("POST", "/v1/audio/speech", body, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.ctype, "text/event-stream");
    int deltas = 0, done = 0;
    size_t bytes = 0;
    char *save = NULL;
    for (char *ev = strtok_r((char *)r.body, "\n", &save); ev; ev = strtok_r(NULL, "\n", &save)) {
        assert_true(!strncmp(ev, "data: ", 6));
        assert_false(done); /* nothing after done */
        json_error_t e;
        json_t *j = json_loads(ev + 6, 0, &e);
        if (!j) fail_msg("SSE data is not JSON: %s", e.text);
        const char *type = json_string_value(json_object_get(j, "type"));
        if (!strcmp(type, "speech.audio.delta")) {
            size_t n;
            unsigned char *pcm = unbase64(json_string_value(json_object_get(j, "audio")), &n);
            assert_true(n > 0 && n % 2 == 0);
            bytes += n;
            free(pcm);
            deltas++;
        } else {
            assert_string_equal(type, "speech.audio.done");
            json_t *u = json_object_get(j, "usage");
            json_int_t in = json_integer_value(json_object_get(u, "input_tokens"));
            json_int_t out = json_integer_value(json_object_get(u, "output_tokens"));
            assert_true(in > 20);
            assert_int_equal(out, (json_int_t)(bytes / 2 / 600));
            assert_int_equal(json_integer_value(json_object_get(u, "total_tokens")), in + out);
            done = 1;
        }
        json_decref(j);
    }
    assert_true(done);
    assert_true(deltas > 1); /* one per text chunk, sent as each is ready */
    resp_free(&r);
}

/* Every format, whole and streamed: the bytes' own promises (bare MP3
 * frames, OpusHead, ADTS, fLaC), then decoded back (FFmpeg, or the raw
 * formats) and checked for container, codec, rate, mono and duration
 * against the same request's PCM. */
static void test_formats(void **state) {
    (void)state;
    static const struct {
        const char *fmt, *ctype, *container, *codec;
        int rate;
        double lo, hi; /* duration tolerance, s (codec priming and padding) */
    } f[] = {
        {"mp3", "audio/mpeg", "mp3", "mp3", 24000, -0.060, 0.110},
        {"opus", "audio/ogg", "ogg", "opus", 48000, -0.060, 0.060},
        {"aac", "audio/aac", "aac", "aac", 24000, -0.060, 0.110},
        {"flac", "audio/flac", "flac", "flac", 24000, -0.002, 0.002},
        {"wav", "audio/wav", "wav", "pcm_s16le", 24000, -0.002, 0.002},
        {"ulaw", NULL, "raw", "ulaw", 8000, -0.002, 0.002},
        {"alaw", NULL, "raw", "alaw", 8000, -0.002, 0.002},
    };
    const char *text = "Hello there. How are you?";
    char body[512];
    snprintf(body, sizeof body, "{\"input\":\"%s\",\"voice\":\"af_sky\",\"response_format\":\"pcm\",\"stream\":false}",
             text);
    resp p;
    request("POST", "/v1/audio/speech", body, &p);
    assert_int_equal(p.status, 200);
    double seconds = (double)p.len / 2 / 24000;
    assert_true(seconds > 0.5);
    resp_free(&p);
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        for (int stream = 0; stream < 2; stream++) {
            snprintf(body, sizeof body,
                     "{\"input\":\"%s\",\"voice\":\"af_sky\",\"response_format\":\"%s\",\"stream\":%s}", text,
                     f[i].fmt, stream ? "true" : "false");
            resp r;
            request("POST", "/v1/audio/speech", body, &r);
            if (r.status != 200) fail_msg("%s: %ld %s", f[i].fmt, r.status, r.body);
            if (f[i].ctype) assert_string_equal(r.ctype, f[i].ctype);
            assert_true(r.len > 100);
            const unsigned char *b = r.body;
            if (!strcmp(f[i].fmt, "mp3")) {
                assert_false(!memcmp(b, "ID3", 3));
                assert_true(b[0] == 0xFF && (b[1] & 0xE0) == 0xE0);
            } else if (!strcmp(f[i].fmt, "opus")) {
                assert_memory_equal(b, "OggS", 4);
                assert_memory_equal(b + 28, "OpusHead", 8);
            } else if (!strcmp(f[i].fmt, "aac")) {
                assert_true(b[0] == 0xFF && (b[1] & 0xF0) == 0xF0);
            } else if (!strcmp(f[i].fmt, "flac")) {
                assert_memory_equal(b, "fLaC", 4);
            }
            decoded d;
            if (!strcmp(f[i].container, "raw")) raw_decode(f[i].fmt, b, r.len, f[i].rate, &d);
            else if (!strcmp(f[i].fmt, "wav") && stream) { /* unknown sizes: FFmpeg reads on to the end anyway */
                assert_int_equal(le32(b + 4), 0xFFFFFFFFu);
                ff_decode(b, r.len, &d);
            } else ff_decode(b, r.len, &d);
            double dur = (double)d.n / d.rate;
            if (strcmp(d.container, f[i].container) || strcmp(d.codec, f[i].codec) || d.rate != f[i].rate ||
                d.channels != 1 || dur < seconds + f[i].lo || dur > seconds + f[i].hi)
                fail_msg("%s%s: %s/%s %d Hz %d ch %.4f s, expected %s/%s %d Hz mono %.4f s", f[i].fmt,
                         stream ? " (streamed)" : "", d.container, d.codec, d.rate, d.channels, dur, f[i].container,
                         f[i].codec, f[i].rate, seconds);
            free(d.x);
            resp_free(&r);
        }
    }
    /* sample_rate for wav */
    resp r;
    request("POST", "/v1/audio/speech",
            "{\"input\":\"Hello.\",\"voice\":\"af_sky\",\"response_format\":\"wav\",\"sample_rate\":16000,"
            "\"stream\":false}",
            &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(le32(r.body + 24), 16000);
    resp_free(&r);
    /* and for flac and ulaw: decoded at the asked rate, same duration */
    static const struct { const char *fmt; int rate; } sr[] = {{"flac", 48000}, {"ulaw", 16000}, {"pcm", 8000}};
    for (size_t i = 0; i < sizeof sr / sizeof sr[0]; i++) {
        snprintf(body, sizeof body,
                 "{\"input\":\"%s\",\"voice\":\"af_sky\",\"response_format\":\"%s\",\"sample_rate\":%d,"
                 "\"stream\":false}", text, sr[i].fmt, sr[i].rate);
        request("POST", "/v1/audio/speech", body, &r);
        assert_int_equal(r.status, 200);
        decoded d;
        if (!strcmp(sr[i].fmt, "flac")) ff_decode(r.body, r.len, &d);
        else raw_decode(sr[i].fmt, r.body, r.len, sr[i].rate, &d);
        assert_int_equal(d.rate, sr[i].rate);
        double dur = (double)d.n / d.rate;
        if (fabs(dur - seconds) > 0.003) fail_msg("%s at %d Hz: %.4f s, expected %.4f s", sr[i].fmt, sr[i].rate, dur, seconds);
        free(d.x);
        resp_free(&r);
    }
}

static void test_kokoro_fastapi_fields(void **state) {
    (void)state;
    resp a, b;
    request("POST", "/v1/audio/speech",
            "{\"input\":\"Room 5 is 3 km away.\",\"voice\":\"af_sky\",\"response_format\":\"pcm\",\"stream\":false,"
            "\"lang_code\":\"b\",\"volume_multiplier\":0.5,\"speed\":1.5,\"instructions\":\"calm\","
            "\"normalization_options\":{\"normalize\":true,\"unit_normalization\":false,\"url_normalization\":true}}",
            &a);
    assert_int_equal(a.status, 200);
    assert_true(a.len > 0);
    request("POST", "/v1/audio/speech",
            "{\"input\":\"Room 5 is 3 km away.\",\"voice\":\"af_sky\",\"response_format\":\"pcm\",\"stream\":false,"
            "\"lang_code\":\"b\",\"speed\":1.5}",
            &b);
    assert_int_equal(b.status, 200);
    assert_true(b.len != a.len || memcmp(a.body, b.body, a.len)); /* options took effect */
    resp_free(&a);
    resp_free(&b);
}

static void test_captioned_speech(void **state) {
    (void)state;
    const char *input = "It costs $100 today.";
    char body[256];
    snprintf(body, sizeof body, "{\"input\":\"%s\",\"voice\":\"af_sky\",\"response_format\":\"wav\"}", input);
    resp r;
    request("POST", "/dev/captioned_speech", body, &r);
    assert_int_equal(r.status, 200);
    json_t *j = json_of(&r);
    assert_string_equal(json_string_value(json_object_get(j, "audio_format")), "wav");
    size_t n;
    unsigned char *wav = unbase64(json_string_value(json_object_get(j, "audio")), &n);
    assert_true(n > 44);
    assert_memory_equal(wav, "RIFF", 4);
    double seconds = (double)(n - 44) / 2 / 24000;
    free(wav);
    json_t *ts = json_object_get(j, "timestamps");
    assert_int_equal(json_array_size(ts), 4); /* It, costs, $100, today. */
    double prev = -1;
    int dollars = 0;
    for (size_t i = 0; i < json_array_size(ts); i++) {
        json_t *w = json_array_get(ts, i);
        const char *word = json_string_value(json_object_get(w, "word"));
        json_int_t s0 = json_integer_value(json_object_get(w, "source_start"));
        json_int_t s1 = json_integer_value(json_object_get(w, "source_end"));
        double t0 = json_real_value(json_object_get(w, "start_time"));
        double t1 = json_real_value(json_object_get(w, "end_time"));
        assert_true(s0 >= 0 && s1 > s0 && (size_t)s1 <= strlen(input));
        assert_true(strlen(word) == (size_t)(s1 - s0) && !memcmp(input + s0, word, strlen(word)));
        assert_true(t0 >= prev && t1 > t0 && t1 <= seconds + 1e-6);
        prev = t1;
        if (!strcmp(word, "$100")) {
            dollars = 1;
            assert_int_equal(s0, 9);
            assert_non_null(strchr(json_string_value(json_object_get(w, "phonemes")), ' ')); /* three words */
        }
    }
    assert_true(dollars);
    json_decref(j);
    resp_free(&r);
}

static void test_phonemize(void **state) {
    (void)state;
    resp r;
    request("POST", "/dev/phonemize", "{\"text\":\"Hello world\",\"language\":\"a\"}", &r);
    assert_int_equal(r.status, 200);
    json_t *j = json_of(&r);
    assert_true(strlen(json_string_value(json_object_get(j, "phonemes"))) > 4);
    json_t *t = json_object_get(j, "tokens");
    assert_true(json_array_size(t) > 4);
    assert_int_equal(json_integer_value(json_array_get(t, 0)), 0);
    assert_int_equal(json_integer_value(json_array_get(t, json_array_size(t) - 1)), 0);
    json_decref(j);
    resp_free(&r);
    expect_error("POST", "/dev/phonemize", "{\"text\":\"x\",\"language\":\"q\"}", 400, "language");
}

/* ---------------------------------------------------------------- errors */

static void test_errors(void **state) {
    (void)state;
    const char *S = "/v1/audio/speech";
    expect_error("POST", S, "{bad json", 400, NULL);
    expect_error("POST", S, "[1,2]", 400, NULL);
    expect_error("POST", S, "{\"voice\":\"af_sky\"}", 400, "input");
    expect_error("POST", S, "{\"input\":\"\",\"voice\":\"af_sky\"}", 400, "input");
    expect_error("POST", S, "{\"input\":42,\"voice\":\"af_sky\"}", 400, "input");
    expect_error("POST", S, "{\"input\":\"hi\",\"voice\":\"af_sky\",\"speed\":9}", 400, "speed");
    expect_error("POST", S, "{\"input\":\"hi\",\"voice\":\"af_sky\",\"speed\":\"fast\"}", 400, "speed");
    expect_error("POST", S, "{\"input\":\"hi\",\"voice\":\"nobody\"}", 400, "voice");
    expect_error("POST", S, "{\"input\":\"hi\",\"voice\":\"../../etc/passwd\"}", 400, "voice");
    expect_error("POST", S, "{\"input\":\"hi\",\"voice\":{\"id\":\"nobody\"}}", 400, "voice");
    expect_error("POST", S, "{\"input\":\"hi\",\"voice\":\"af_sky\",\"response_format\":\"wma\"}", 400,
                 "response_format");
    expect_error("POST", S, "{\"input\":\"hi\",\"voice\":\"af_sky\",\"stream_format\":\"ws\"}", 400, "stream_format");
    expect_error("POST", S, "{\"input\":\"hi\",\"voice\":\"af_sky\",\"lang_code\":\"x\"}", 400, "lang_code");
    expect_error("POST", S, "{\"input\":\"hi\",\"voice\":\"af_sky\",\"response_format\":\"mp3\",\"sample_rate\":8000}",
                 400, "sample_rate");
    expect_error("POST", S, "{\"input\":\"hi\",\"voice\":\"af_sky\",\"normalization_options\":{\"normalize\":1}}", 400,
                 "normalization_options");
    char *big = malloc(4000);
    snprintf(big, 4000, "{\"input\":\"%03100d\",\"voice\":\"af_sky\"}", 0);
    expect_error("POST", S, big, 400, "input"); /* max_input is 3000 here */
    free(big);
    expect_error("GET", "/v1/nope", NULL, 404, NULL);
    expect_error("GET", S, NULL, 405, NULL);
    expect_error("DELETE", "/v1/models", NULL, 405, NULL);

    size_t n = 100 * 1024; /* max_body is 64 KiB here */
    char *huge = malloc(n + 1);
    memset(huge, ' ', n);
    huge[n] = 0;
    huge[0] = '{';
    huge[n - 1] = '}';
    expect_error("POST", S, huge, 413, NULL);
    free(huge);

    /* the server still serves */
    resp r;
    request("GET", "/health", NULL, &r);
    assert_int_equal(r.status, 200);
    resp_free(&r);
}

typedef struct async_req {
    pthread_t t;
    const char *body;
    resp r;
} async_req;

static void *async_main(void *a) {
    async_req *q = a;
    memset(&q->r, 0, sizeof q->r);
    request_to(base, "POST", "/v1/audio/speech", q->body, strlen(q->body), NULL, 0, &q->r);
    return NULL;
}

static void test_queue_full_503(void **state) {
    (void)state;
    /* one worker and one waiting place: hold the worker, so A and A2 fill both */
    lt_server_hold(srv, 1);
    async_req a = {.body = "{\"input\":\"Queued.\",\"voice\":\"af_sky\",\"response_format\":\"wav\",\"stream\":false}"};
    async_req a2 = {.body = "{\"input\":\"Queued too.\",\"voice\":\"af_sky\",\"response_format\":\"wav\",\"stream\":false}"};
    pthread_create(&a.t, NULL, async_main, &a);
    pthread_create(&a2.t, NULL, async_main, &a2);
    for (int i = 0; i < 500 && lt_server_waiting(srv) < 2; i++) usleep(10000);
    assert_int_equal(lt_server_waiting(srv), 2);
    resp b;
    request("POST", "/v1/audio/speech", "{\"input\":\"Too many.\",\"voice\":\"af_sky\"}", &b);
    assert_int_equal(b.status, 503);
    assert_true(atoi(b.retry_after) >= 1);
    json_t *j = json_of(&b);
    assert_true(json_is_object(json_object_get(j, "error")));
    json_decref(j);
    resp_free(&b);
    /* streamed requests are refused the same way, before any audio */
    request("POST", "/v1/audio/speech", "{\"input\":\"Too many.\",\"voice\":\"af_sky\",\"stream\":true}", &b);
    assert_int_equal(b.status, 503);
    resp_free(&b);
    lt_server_hold(srv, 0);
    pthread_join(a.t, NULL);
    pthread_join(a2.t, NULL);
    assert_int_equal(a.r.status, 200);
    assert_memory_equal(a.r.body, "RIFF", 4);
    assert_int_equal(a2.r.status, 200);
    resp_free(&a.r);
    resp_free(&a2.r);
}

/* Streaming: a long text's first audio arrives while the rest is still
 * being synthesised; and a request arriving meanwhile gets its
 * audio after the stream's current chunk, not after the whole stream: its
 * first chunk goes ahead of the stream's later chunks (one worker). */
typedef struct stream_req {
    pthread_t t;
    char *body;
    resp r;
    int done;
} stream_req;

static void *stream_main(void *a) {
    stream_req *q = a;
    request_to(base, "POST", "/v1/audio/speech", q->body, strlen(q->body), NULL, 0, &q->r);
    __atomic_store_n(&q->done, 1, __ATOMIC_SEQ_CST);
    return NULL;
}

static void test_first_chunk_priority(void **state) {
    (void)state;
    stream_req a;
    memset(&a, 0, sizeof a);
    a.body = malloc(8192);
    strcpy(a.body, "{\"input\":\"A long stream starts here. ");
    for (int i = 0; i < 45; i++) strcat(a.body, "Every sentence of it is another little piece of work. ");
    strcat(a.body, "\",\"voice\":\"af_sky\",\"response_format\":\"pcm\",\"stream\":true}");
    pthread_create(&a.t, NULL, stream_main, &a);
    for (int i = 0; i < 3000 && __atomic_load_n(&a.r.len, __ATOMIC_SEQ_CST) == 0; i++) usleep(2000);
    assert_true(__atomic_load_n(&a.r.len, __ATOMIC_SEQ_CST) > 0);
    assert_false(__atomic_load_n(&a.done, __ATOMIC_SEQ_CST)); /* first audio before the stream's synthesis ends */
    resp b;
    request("POST", "/v1/audio/speech",
            "{\"input\":\"A short question in between.\",\"voice\":\"af_sky\",\"response_format\":\"wav\","
            "\"stream\":false}", &b);
    size_t a_len_then = __atomic_load_n(&a.r.len, __ATOMIC_SEQ_CST);
    int a_done_then = __atomic_load_n(&a.done, __ATOMIC_SEQ_CST);
    assert_int_equal(b.status, 200);
    assert_memory_equal(b.body, "RIFF", 4);
    resp_free(&b);
    pthread_join(a.t, NULL);
    assert_int_equal(a.r.status, 200);
    /* B was answered while A still had chunks to come */
    assert_false(a_done_then);
    assert_true(a_len_then < a.r.len);
    resp_free(&a.r);
    free(a.body);
}

/* The access log line of the request with this id (malloc'd JSON), or NULL. */
static json_t *access_line(const char *id) {
    FILE *f = fopen(access_log, "r");
    if (!f) return NULL;
    char line[4096];
    json_t *found = NULL;
    while (fgets(line, sizeof line, f)) {
        json_t *j = json_loads(line, 0, NULL);
        if (!j) fail_msg("access log line is not JSON: %s", line);
        if (!found && !strcmp(json_string_value(json_object_get(j, "id")), id)) found = json_incref(j);
        json_decref(j);
    }
    fclose(f);
    return found;
}

static void test_request_id_and_access_log(void **state) {
    (void)state;
    resp r;
    memset(&r, 0, sizeof r);
    r.send_header = "X-Request-Id: client-id.42";
    const char *body = "{\"input\":\"Logged, $5.\",\"voice\":\"af_sky\",\"response_format\":\"wav\","
                       "\"stream\":false}";
    request_to(base, "POST", "/v1/audio/speech", body, strlen(body), NULL, 0, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.request_id, "client-id.42"); /* echoed */
    resp_free(&r);
    /* none, or one unsafe to echo: a generated 16-hex-digit id */
    memset(&r, 0, sizeof r);
    r.send_header = "X-Request-Id: has spaces <and> angle brackets";
    request_to(base, "GET", "/health", NULL, 0, NULL, 0, &r);
    assert_int_equal(strlen(r.request_id), 16);
    assert_int_equal(strspn(r.request_id, "0123456789abcdef"), 16);
    char generated[32];
    snprintf(generated, sizeof generated, "%s", r.request_id);
    resp_free(&r);
    request("GET", "/health", NULL, &r);
    assert_int_equal(strlen(r.request_id), 16);
    assert_string_not_equal(r.request_id, generated);
    resp_free(&r);
    /* the log line is written as the request ends: wait for it */
    json_t *j = NULL;
    for (int i = 0; i < 200 && !(j = access_line("client-id.42")); i++) usleep(10000);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "route")), "/v1/audio/speech");
    assert_string_equal(json_string_value(json_object_get(j, "method")), "POST");
    assert_int_equal(json_integer_value(json_object_get(j, "status")), 200);
    assert_string_equal(json_string_value(json_object_get(j, "voice")), "af_sky");
    assert_string_equal(json_string_value(json_object_get(j, "format")), "wav");
    assert_int_equal(json_integer_value(json_object_get(j, "characters")), 11);
    double audio = json_real_value(json_object_get(j, "audio_seconds"));
    double ttfa = json_real_value(json_object_get(j, "ttfa_ms")), total = json_real_value(json_object_get(j, "total_ms"));
    assert_true(audio > 0.1 && audio < 10);
    assert_true(ttfa > 0 && ttfa <= total);
    assert_true(json_is_false(json_object_get(j, "streamed")));
    assert_true(json_integer_value(json_object_get(j, "bytes")) > 44);
    json_decref(j);
    /* the generated id's line: an open route, no audio fields */
    for (int i = 0; i < 200 && !(j = access_line(generated)); i++) usleep(10000);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "route")), "/health");
    assert_null(json_object_get(j, "ttfa_ms"));
    assert_null(json_object_get(j, "voice"));
    json_decref(j);
    /* and the latency histograms in /metrics */
    request("GET", "/metrics", NULL, &r);
    const char *m = (const char *)r.body;
    assert_non_null(strstr(m, "# TYPE litetts_time_to_first_audio_seconds histogram"));
    assert_non_null(strstr(m, "litetts_time_to_first_audio_seconds_count{route=\"/v1/audio/speech\"}"));
    assert_non_null(strstr(m, "litetts_request_duration_seconds_bucket{route=\"/health\",le=\"+Inf\"}"));
    assert_non_null(strstr(m, "litetts_speech_requests_total{format=\"wav\"}"));
    assert_non_null(strstr(m, "litetts_active_streams 0"));
    assert_non_null(strstr(m, "litetts_rtf "));
    assert_non_null(strstr(m, "litetts_model_load_seconds "));
    resp_free(&r);
}

/* ---------------------------------------------------------------- abuse */

static int connect_to(int port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a)) fail_msg("connect: %s", strerror(errno));
    struct timeval tv = {10, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    return fd;
}

/* Send raw bytes, read until the server closes or 10 s pass; returns the
 * status code of the reply (0 = the server closed without one). */
static int raw_request(int port, const char *data, size_t len) {
    int fd = connect_to(port);
    for (size_t off = 0; off < len;) {
        ssize_t n = send(fd, data + off, len - off, MSG_NOSIGNAL);
        if (n <= 0) break; /* the server may hang up on a flood before reading it all */
        off += (size_t)n;
    }
    shutdown(fd, SHUT_WR);
    char buf[4096];
    size_t got = 0;
    ssize_t n;
    while (got + 1 < sizeof buf && (n = recv(fd, buf + got, sizeof buf - 1 - got, 0)) > 0) got += (size_t)n;
    buf[got] = 0;
    close(fd);
    int status = 0;
    if (got > 12 && !strncmp(buf, "HTTP/1.", 7)) status = atoi(buf + 9);
    return status;
}

static void test_abuse(void **state) {
    (void)state;
    const char *S = "/v1/audio/speech";
    /* nesting: 10,000 levels, and 40 inside a field */
    size_t depth = 10000;
    char *deep = malloc(2 * depth + 1);
    memset(deep, '[', depth);
    memset(deep + depth, ']', depth);
    deep[2 * depth] = 0;
    expect_error("POST", S, deep, 400, NULL);
    free(deep);
    char nested[256] = "{\"input\":\"hi\",\"voice\":\"af_sky\",\"x\":";
    for (int i = 0; i < 40; i++) strcat(nested, "[");
    for (int i = 0; i < 40; i++) strcat(nested, "]");
    strcat(nested, "}");
    expect_error("POST", S, nested, 400, NULL);
    /* invalid UTF-8 and NUL inside strings */
    expect_error("POST", S, "{\"input\":\"caf\xc3\x28 \xff\",\"voice\":\"af_sky\"}", 400, NULL);
    expect_error("POST", S, "{\"input\":\"a\\u0000b\",\"voice\":\"af_sky\"}", 400, NULL);
    /* absurd blends and voice names */
    char *many = malloc(20000);
    strcpy(many, "{\"input\":\"hi\",\"voice\":\"af_sky");
    for (int i = 0; i < 1000; i++) strcat(many, "+af_sky");
    strcat(many, "\"}");
    expect_error("POST", S, many, 400, "voice");
    free(many);
    expect_error("POST", S, "{\"input\":\"hi\",\"voice\":\"af_sky(1e309)+af_bella\"}", 400, "voice");
    expect_error("POST", S, "{\"input\":\"hi\",\"voice\":\"af_sky(nan)\"}", 400, "voice");
    expect_error("POST", S, "{\"input\":\"hi\",\"voice\":\"af_sky(-1)\"}", 400, "voice");
    expect_error("POST", S, "{\"input\":\"hi\",\"voice\":\"af_sky((2))\"}", 400, "voice");
    expect_error("POST", S, "{\"input\":\"hi\",\"voice\":\"/etc/passwd\"}", 400, "voice");
    expect_error("POST", S, "{\"input\":\"hi\",\"voice\":\"af_sky\\u0000\"}", 400, NULL);
    resp r;
    request("GET", "/v1/voices/..%2F..%2Fetc%2Fpasswd", NULL, &r);
    assert_true(r.status == 400 || r.status == 404);
    resp_free(&r);
    /* not JSON at all */
    int port = lt_server_port(srv);
    const char *xml = "POST /v1/audio/speech HTTP/1.1\r\nHost: x\r\nContent-Type: application/xml\r\n"
                      "Content-Length: 7\r\nConnection: close\r\n\r\n<a></a>";
    assert_int_equal(raw_request(port, xml, strlen(xml)), 415);
    /* a header flood: 4,000 headers (far over the 64 KiB a connection may use) */
    size_t cap = 4000 * 32 + 256, len = 0;
    char *flood = malloc(cap);
    len += (size_t)snprintf(flood + len, cap - len, "GET /health HTTP/1.1\r\nHost: x\r\n");
    for (int i = 0; i < 4000; i++) len += (size_t)snprintf(flood + len, cap - len, "X-Flood-%d: yes\r\n", i);
    len += (size_t)snprintf(flood + len, cap - len, "\r\n");
    int st = raw_request(port, flood, len);
    assert_true(st == 0 || (st >= 400 && st < 500)); /* refused or cut off, never served */
    free(flood);
    /* a request line of 100 KB */
    char *line = malloc(100 * 1024 + 64);
    len = (size_t)snprintf(line, 64, "GET /");
    memset(line + len, 'a', 100 * 1024);
    len += 100 * 1024;
    len += (size_t)snprintf(line + len, 64, " HTTP/1.1\r\nHost: x\r\n\r\n");
    st = raw_request(port, line, len);
    assert_true(st == 0 || (st >= 400 && st < 500));
    free(line);
    /* garbage instead of HTTP */
    assert_true(raw_request(port, "\x16\x03\x01\x02\x00garbage\r\n\r\n", 17) != 200);

    /* a slow client is cut off after read_timeout, and others are served meanwhile */
    start_read_timeout = 1;
    lt_server *s = start(NULL, 4);
    start_read_timeout = 0;
    int fd = connect_to(lt_server_port(s));
    const char *partial = "POST /v1/audio/speech HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n{\"inp";
    assert_true(send(fd, partial, strlen(partial), MSG_NOSIGNAL) > 0);
    char b[96];
    snprintf(b, sizeof b, "http://127.0.0.1:%d", lt_server_port(s));
    memset(&r, 0, sizeof r);
    request_to(b, "GET", "/health", NULL, 0, NULL, 0, &r);
    assert_int_equal(r.status, 200);
    resp_free(&r);
    char c;
    ssize_t n = recv(fd, &c, 1, 0); /* blocks until the server hangs up (within the 10 s receive timeout) */
    assert_true(n == 0 || (n < 0 && errno == ECONNRESET));
    close(fd);
    lt_server_stop(s);

    /* and the main server still serves */
    request("POST", S, "{\"input\":\"Still fine.\",\"voice\":\"af_sky\",\"response_format\":\"wav\",\"stream\":false}", &r);
    assert_int_equal(r.status, 200);
    resp_free(&r);
}

/* ---------------------------------------------------------------- load */

typedef struct load_client {
    pthread_t t;
    const char *base;
    int index, ok, failures;
    char what[256];
} load_client;

static void *load_main(void *a) {
    load_client *c = a;
    static const char *formats[] = {"wav", "pcm", "mp3", "opus", "flac"};
    for (int k = 0; k < 3; k++) {
        int kind = (c->index + k) % 3; /* 0 whole file, 1 stream, 2 SSE */
        const char *fmt = formats[(c->index + k) % 5];
        char body[512];
        snprintf(body, sizeof body,
                 "{\"input\":\"Client %d asks question %d. It has two sentences, so it streams in pieces.\","
                 "\"voice\":\"%s\",\"response_format\":\"%s\",\"stream\":%s%s}",
                 c->index, k, c->index % 2 ? "af_sky" : "af_bella", fmt, kind ? "true" : "false",
                 kind == 2 ? ",\"stream_format\":\"sse\"" : "");
        resp r;
        memset(&r, 0, sizeof r);
        request_to(c->base, "POST", "/v1/audio/speech", body, strlen(body), NULL, 0, &r);
        int good = r.status == 200 && r.len > 100;
        if (good && kind == 2) good = strstr((char *)r.body, "speech.audio.done") != NULL;
        else if (good && !strcmp(fmt, "wav")) good = !memcmp(r.body, "RIFF", 4);
        else if (good && !strcmp(fmt, "opus")) good = !memcmp(r.body, "OggS", 4);
        else if (good && !strcmp(fmt, "flac")) good = !memcmp(r.body, "fLaC", 4);
        else if (good && !strcmp(fmt, "pcm")) good = r.len % 2 == 0;
        if (good) c->ok++;
        else if (!c->failures++)
            snprintf(c->what, sizeof c->what, "client %d request %d (%s, kind %d): status %ld, %zu bytes", c->index, k,
                     fmt, kind, r.status, r.len);
        resp_free(&r);
    }
    return NULL;
}

/* 12 clients at once, 3 requests each, streamed and whole, every format:
 * all answered, all well formed, nothing left running afterwards. */
static void test_load(void **state) {
    (void)state;
    lt_server *s = start(NULL, 16);
    char b[64];
    snprintf(b, sizeof b, "http://127.0.0.1:%d", lt_server_port(s));
    load_client c[12];
    memset(c, 0, sizeof c);
    for (int i = 0; i < 12; i++) {
        c[i].base = b;
        c[i].index = i;
        pthread_create(&c[i].t, NULL, load_main, &c[i]);
    }
    int ok = 0;
    for (int i = 0; i < 12; i++) {
        pthread_join(c[i].t, NULL);
        if (c[i].failures) fail_msg("%s", c[i].what);
        ok += c[i].ok;
    }
    assert_int_equal(ok, 36);
    assert_int_equal(lt_server_waiting(s), 0);
    resp r;
    memset(&r, 0, sizeof r);
    request_to(b, "GET", "/metrics", NULL, 0, NULL, 0, &r);
    /* the last job may still be finishing after its client has the whole reply */
    for (int i = 0; i < 500 && !(strstr((char *)r.body, "litetts_active_streams 0") &&
                                 strstr((char *)r.body, "litetts_jobs_running 0")); i++) {
        resp_free(&r);
        usleep(10000);
        memset(&r, 0, sizeof r);
        request_to(b, "GET", "/metrics", NULL, 0, NULL, 0, &r);
    }
    assert_non_null(strstr((char *)r.body, "litetts_active_streams 0"));
    assert_non_null(strstr((char *)r.body, "litetts_jobs_running 0"));
    resp_free(&r);
    lt_server_stop(s);
}

static long abandoned(void) {
    resp r;
    request("GET", "/ready", NULL, &r);
    json_t *j = json_of(&r);
    long n = (long)json_integer_value(json_object_get(j, "abandoned_streams"));
    json_decref(j);
    resp_free(&r);
    return n;
}

static void test_client_disconnect(void **state) {
    (void)state;
    long before = abandoned();
    /* ~6 chunks of text; the client hangs up at the first audio byte */
    char *body = malloc(8192);
    strcpy(body, "{\"input\":\"Short start. ");
    for (int i = 0; i < 50; i++) strcat(body, "This sentence keeps going for a while. ");
    strcat(body, "\",\"voice\":\"af_sky\",\"response_format\":\"pcm\"}");
    resp r;
    memset(&r, 0, sizeof r);
    r.abort_after = 1;
    request_to(base, "POST", "/v1/audio/speech", body, strlen(body), NULL, 0, &r);
    resp_free(&r);
    free(body);
    /* the synthesis stops at its next chunk and the worker is freed */
    for (int i = 0; i < 1200 && abandoned() == before; i++) usleep(50000);
    assert_int_equal(abandoned(), before + 1);
    resp ok;
    request("POST", "/v1/audio/speech",
            "{\"input\":\"Still here.\",\"voice\":\"af_sky\",\"response_format\":\"wav\",\"stream\":false}", &ok);
    assert_int_equal(ok.status, 200);
    resp_free(&ok);
}

static void test_auth(void **state) {
    (void)state;
    lt_server *s = start("first-key, sekret", 4);
    char b[64];
    snprintf(b, sizeof b, "http://127.0.0.1:%d", lt_server_port(s));
    const char *body = "{\"input\":\"Hi.\",\"voice\":\"af_sky\",\"response_format\":\"pcm\",\"stream\":false}";
    struct { const char *auth; long status; } cases[] = {
        {NULL, 401}, {"Bearer wrong", 401}, {"Bearer sekre", 401}, {"Bearer sekrett", 401}, {"sekret", 401},
        {"Bearer sekret", 200}, {"Bearer first-key", 200},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        resp r;
        memset(&r, 0, sizeof r);
        request_to(b, "POST", "/v1/audio/speech", body, strlen(body), cases[i].auth, 0, &r);
        if (r.status != cases[i].status)
            fail_msg("auth '%s': %ld, wanted %ld", cases[i].auth ? cases[i].auth : "(none)", r.status, cases[i].status);
        if (r.status == 401) {
            json_t *j = json_of(&r);
            assert_string_equal(json_string_value(json_object_get(json_object_get(j, "error"), "type")),
                                "authentication_error");
            json_decref(j);
        }
        resp_free(&r);
    }
    static const char *open_paths[] = {"/health", "/ready", "/v1/models", "/v1/audio/models", "/v1/audio/voices",
                                       "/v1/test"};
    for (size_t i = 0; i < sizeof open_paths / sizeof open_paths[0]; i++) {
        resp r;
        memset(&r, 0, sizeof r);
        request_to(b, "GET", open_paths[i], NULL, 0, NULL, 0, &r);
        if (r.status != 200) fail_msg("%s without a key: %ld", open_paths[i], r.status);
        resp_free(&r);
    }
    resp r;
    memset(&r, 0, sizeof r);
    request_to(b, "POST", "/dev/phonemize", "{\"text\":\"hi\"}", 13, NULL, 0, &r);
    assert_int_equal(r.status, 401);
    resp_free(&r);
    lt_server_stop(s);
    /* auth_info_routes: only /health and /ready stay open */
    start_auth_info = 1;
    s = start("sekret", 4);
    start_auth_info = 0;
    snprintf(b, sizeof b, "http://127.0.0.1:%d", lt_server_port(s));
    for (size_t i = 0; i < sizeof open_paths / sizeof open_paths[0]; i++) {
        memset(&r, 0, sizeof r);
        request_to(b, "GET", open_paths[i], NULL, 0, NULL, 0, &r);
        long want = i < 2 ? 200 : 401;
        if (r.status != want) fail_msg("%s without a key, auth_info_routes: %ld, wanted %ld", open_paths[i], r.status, want);
        resp_free(&r);
        memset(&r, 0, sizeof r);
        request_to(b, "GET", open_paths[i], NULL, 0, "Bearer sekret", 0, &r);
        assert_int_equal(r.status, 200);
        resp_free(&r);
    }
    lt_server_stop(s);
}

static void *async_to(void *a) {
    async_req *q = a;
    request_to(base, "POST", "/v1/audio/speech", q->body, strlen(q->body), NULL, 0, &q->r);
    return NULL;
}

/* A request waiting when the stop comes is still answered; then the port closes. */
static void test_graceful_stop(void **state) {
    (void)state;
    lt_server *s = start(NULL, 2);
    char saved[64];
    snprintf(saved, sizeof saved, "%s", base);
    snprintf(base, sizeof base, "http://127.0.0.1:%d", lt_server_port(s));
    lt_server_hold(s, 1);
    async_req a = {.body = "{\"input\":\"Last words.\",\"voice\":\"af_sky\",\"response_format\":\"wav\",\"stream\":false}"};
    memset(&a.r, 0, sizeof a.r);
    pthread_create(&a.t, NULL, async_to, &a);
    for (int i = 0; i < 500 && lt_server_waiting(s) < 1; i++) usleep(10000);
    assert_int_equal(lt_server_waiting(s), 1);
    lt_server_stop(s);
    pthread_join(a.t, NULL);
    assert_int_equal(a.r.status, 200);
    assert_memory_equal(a.r.body, "RIFF", 4);
    resp_free(&a.r);
    CURL *c = curl_easy_init();
    char url[128];
    snprintf(url, sizeof url, "%s/health", base);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    assert_int_equal(curl_easy_perform(c), CURLE_COULDNT_CONNECT);
    curl_easy_cleanup(c);
    snprintf(base, sizeof base, "%s", saved);
}

static void test_cors_preflight(void **state) {
    (void)state;
    resp r;
    request("OPTIONS", "/v1/audio/speech", NULL, &r);
    assert_int_equal(r.status, 204);
    resp_free(&r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_info_endpoints),     cmocka_unit_test(test_wav_and_pcm),
        cmocka_unit_test(test_streamed_wav),       cmocka_unit_test(test_sse),
        cmocka_unit_test(test_formats),            cmocka_unit_test(test_kokoro_fastapi_fields),
        cmocka_unit_test(test_captioned_speech),   cmocka_unit_test(test_phonemize),
        cmocka_unit_test(test_generate_from_phonemes), cmocka_unit_test(test_captioned_stream),
        cmocka_unit_test(test_errors),             cmocka_unit_test(test_queue_full_503),
        cmocka_unit_test(test_client_disconnect),
        cmocka_unit_test(test_first_chunk_priority),
        cmocka_unit_test(test_request_id_and_access_log),
        cmocka_unit_test(test_abuse),
        cmocka_unit_test(test_load),  cmocka_unit_test(test_auth),
        cmocka_unit_test(test_cors_preflight),     cmocka_unit_test(test_graceful_stop),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
