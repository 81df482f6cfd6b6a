/* test_encoder.c — the incremental audio encoders (audio/encoder.h): a 1.5 s
 * 440 Hz sine pushed in uneven pieces is encoded in every format, streaming
 * and not, then decoded back with FFmpeg (from memory, custom AVIO) or with
 * the G.711 decoder, and checked for container/codec, rate, mono, duration,
 * pitch and level; plus the bitstream promises (exact / unknown WAV sizes,
 * bare MP3 frames that concatenate, well-formed Ogg pages ending in EOS),
 * G.711 vectors and bounds, resampling, early bytes when streaming, write
 * aborts and the error messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/log.h>

#include "audio/encoder.h"
#include "audio/ffmpeg_api.h"
#include "support/audio_decode.h"

#define SR 24000
#define N_IN 36000 /* 1.5 s */
#define AMP 0.5
#define HZ 440.0

/* ---- collecting the output ---- */

typedef struct {
    uint8_t *p;
    size_t n, cap;
    int calls, fail_after; /* fail_after > 0: the fail_after-th call returns non-zero */
} sink;

static int sink_write(void *ud, const uint8_t *data, size_t len) {
    sink *s = ud;
    s->calls++;
    if (s->fail_after > 0 && s->calls >= s->fail_after) return 1;
    assert_true(len > 0);
    if (s->n + len > s->cap) {
        s->cap = (s->n + len) * 2;
        s->p = realloc(s->p, s->cap);
        assert_non_null(s->p);
    }
    memcpy(s->p + s->n, data, len);
    s->n += len;
    return 0;
}

static float *sine(int n) {
    float *x = malloc(sizeof(float) * (size_t)n);
    assert_non_null(x);
    for (int i = 0; i < n; i++) x[i] = (float)(AMP * sin(2 * M_PI * HZ * i / SR));
    return x;
}

static const size_t PIECES[] = {1, 479, 4800, 12345, 7, 9000};

/* Encode the sine; *early = bytes delivered before finish. */
static void encode(const char *fmt, int rate, int streaming, sink *s, size_t *early) {
    float *x = sine(N_IN);
    lt_encoder *e;
    lt_err err = {{0}};
    memset(s, 0, sizeof *s);
    int r = lt_encoder_new(fmt, rate, streaming, sink_write, s, &e, &err);
    if (r) fail_msg("%s", err.msg);
    size_t off = 0;
    for (size_t i = 0; off < N_IN; i++) {
        size_t k = i < sizeof PIECES / sizeof PIECES[0] ? PIECES[i] : N_IN;
        if (k > N_IN - off) k = N_IN - off;
        if (lt_encoder_push(e, x + off, k, &err)) fail_msg("%s", err.msg);
        off += k;
    }
    if (early) *early = s->n;
    if (lt_encoder_finish(e, &err)) fail_msg("%s", err.msg);
    lt_encoder_free(e);
    free(x);
}

/* ---- signal checks ---- */

static double goertzel(const float *x, int64_t n, int rate, double hz) {
    double w = 2 * M_PI * hz / rate, c = 2 * cos(w), s1 = 0, s2 = 0;
    for (int64_t i = 0; i < n; i++) {
        double s0 = x[i] + c * s1 - s2;
        s2 = s1;
        s1 = s0;
    }
    return s1 * s1 + s2 * s2 - c * s1 * s2;
}

/* Pitch and level on the middle second (no codec edges). */
static void check_signal(const char *what, const decoded *d, double db_tol) {
    int64_t a = d->rate / 4, len = d->rate; /* 0.25 s .. 1.25 s */
    assert_true(d->n >= a + len);
    const float *x = d->x + a;
    double e = 0;
    int64_t zc = 0;
    for (int64_t i = 0; i < len; i++) {
        e += (double)x[i] * x[i];
        if (i && ((x[i - 1] < 0) != (x[i] < 0))) zc++;
    }
    double rms = sqrt(e / len), ref = AMP / sqrt(2.0), db = 20 * log10(rms / ref);
    double f = zc / 2.0; /* crossings per second / 2 */
    double p440 = goertzel(x, len, d->rate, HZ), p880 = goertzel(x, len, d->rate, 2 * HZ),
           p220 = goertzel(x, len, d->rate, HZ / 2);
    if (fabs(db) > db_tol || fabs(f - HZ) > 5 || p440 < 1000 * p880 || p440 < 1000 * p220)
        fail_msg("%s: level %.2f dB (tol %.1f), zero-crossing pitch %.1f Hz, P440/P880 %.3g, P440/P220 %.3g", what, db,
                 db_tol, f, p440 / p880, p440 / p220);
}

static void check_duration(const char *what, const decoded *d, double lo, double hi) {
    double dur = (double)d->n / d->rate;
    if (dur < lo || dur > hi) fail_msg("%s: decoded %.4f s, expected %.4f..%.4f s", what, dur, lo, hi);
}

/* ---- every format, streaming and not ---- */

typedef struct {
    const char *fmt, *container, *codec;
    int rate;
    double db_tol, dur_lo, dur_hi; /* duration tolerance around 1.5 s */
} fmt_case;

/* Lossless / raw formats must be sample-exact in length (±2 ms for resampling);
 * lossy codecs may add priming and frame padding: mp3 (no Xing/LAME tag to trim
 * it) and aac in ADTS (no priming info at all) come out up to a couple of
 * frames long; Ogg Opus trims its pre-skip. */
static const fmt_case CASES[] = {
    {"wav", "wav", "pcm_s16le", 24000, 1.0, -0.002, 0.002},
    {"pcm", "raw", "pcm", 24000, 1.0, -0.002, 0.002},
    {"ulaw", "raw", "ulaw", 8000, 1.0, -0.002, 0.002},
    {"alaw", "raw", "alaw", 8000, 1.0, -0.002, 0.002},
    {"flac", "flac", "flac", 24000, 1.0, -0.002, 0.002},
    {"mp3", "mp3", "mp3", 24000, 2.0, -0.060, 0.110},
    {"opus", "ogg", "opus", 48000, 2.0, -0.060, 0.060},
    {"aac", "aac", "aac", 24000, 2.0, -0.060, 0.110},
};

static void decode_any(const fmt_case *c, const sink *s, int rate, decoded *d) {
    if (!strcmp(c->container, "raw")) raw_decode(c->fmt, s->p, s->n, rate, d);
    else ff_decode(s->p, s->n, d);
}

static void test_every_format(void **state) {
    (void)state;
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        const fmt_case *c = &CASES[i];
        for (int streaming = 0; streaming < 2; streaming++) {
            char what[64];
            snprintf(what, sizeof what, "%s (%s)", c->fmt, streaming ? "streaming" : "whole");
            sink s;
            size_t early;
            encode(c->fmt, 0, streaming, &s, &early);
            decoded d;
            decode_any(c, &s, c->rate, &d);
            if (strcmp(d.container, c->container) || strcmp(d.codec, c->codec) || d.rate != c->rate || d.channels != 1)
                fail_msg("%s: got %s/%s %d Hz %d ch, expected %s/%s %d Hz mono", what, d.container, d.codec, d.rate,
                         d.channels, c->container, c->codec, c->rate);
            print_message("  %-18s %6zu bytes, %4.1f%% before finish, %.4f s decoded\n", what, s.n,
                          100.0 * early / s.n, (double)d.n / d.rate);
            check_duration(what, &d, 1.5 + c->dur_lo, 1.5 + c->dur_hi);
            check_signal(what, &d, c->db_tol);
            /* Streaming sends bytes as they are encoded: most of the stream is
             * out before finish (all but the codec's tail). */
            if (streaming && (double)early < 0.8 * s.n)
                fail_msg("%s: only %zu of %zu bytes arrived before finish", what, early, s.n);
            if (!streaming && (!strcmp(c->fmt, "wav") || !strcmp(c->fmt, "flac"))) assert_int_equal(early, 0);
            assert_int_equal(lt_encoder_rate(NULL), 0);
            free(d.x);
            free(s.p);
        }
    }
}

/* ---- WAV sizes ---- */

static uint32_t le32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void test_wav_sizes(void **state) {
    (void)state;
    sink s;
    encode("wav", 0, 0, &s, NULL);
    assert_int_equal(s.n, 44 + 2 * N_IN);
    assert_memory_equal(s.p, "RIFF", 4);
    assert_memory_equal(s.p + 8, "WAVEfmt ", 8);
    assert_int_equal(le32(s.p + 4), s.n - 8);
    assert_memory_equal(s.p + 36, "data", 4);
    assert_int_equal(le32(s.p + 40), 2 * N_IN);
    assert_int_equal(le32(s.p + 24), 24000);
    free(s.p);

    encode("wav", 16000, 1, &s, NULL);
    assert_int_equal(le32(s.p + 4), 0xFFFFFFFFu);
    assert_int_equal(le32(s.p + 40), 0xFFFFFFFFu);
    assert_int_equal(le32(s.p + 24), 16000);
    decoded d;
    ff_decode(s.p, s.n, &d); /* FFmpeg reads to the end of the data */
    assert_int_equal(d.rate, 16000);
    check_duration("streamed wav 16 kHz", &d, 1.498, 1.502);
    free(d.x);
    free(s.p);
}

/* ---- FLAC: STREAMINFO exact when whole, "unknown" when streamed ---- */

static uint64_t flac_total(const uint8_t *p) {
    /* "fLaC", block header, then STREAMINFO: ... rate(20) ch(3) bps(5) total(36) md5(128) */
    return (uint64_t)(p[21] & 0x0F) << 32 | (uint64_t)le32((const uint8_t[]){p[25], p[24], p[23], p[22]});
}

static void test_flac_streaminfo(void **state) {
    (void)state;
    sink s;
    encode("flac", 0, 0, &s, NULL);
    assert_memory_equal(s.p, "fLaC", 4);
    assert_int_equal(s.p[4] & 0x7F, 0); /* STREAMINFO first */
    assert_int_equal(flac_total(s.p), N_IN);
    static const uint8_t zero[16];
    assert_true(memcmp(s.p + 26, zero, 16) != 0); /* MD5 filled in */
    free(s.p);
    encode("flac", 0, 1, &s, NULL);
    assert_memory_equal(s.p, "fLaC", 4);
    assert_int_equal(flac_total(s.p), 0); /* unknown */
    free(s.p);
}

/* ---- MP3: bare frames that concatenate ---- */

static void test_mp3_bitstream(void **state) {
    (void)state;
    sink a, b;
    encode("mp3", 0, 1, &a, NULL);
    encode("mp3", 0, 0, &b, NULL);
    assert_true(a.n > 4);
    assert_int_equal(a.p[0], 0xFF);
    assert_int_equal(a.p[1] & 0xE0, 0xE0);
    assert_int_equal(b.n, a.n);
    assert_memory_equal(a.p, b.p, a.n); /* streaming changes nothing for mp3 */
    /* no ID3v2 / Xing / Info header (LAME's version string in the first
     * frames' ancillary bits is not a tag), no ID3v1 at the end */
    const char *tags[] = {"ID3", "Xing", "Info"};
    for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++)
        if (memmem(a.p, a.n, tags[i], strlen(tags[i]))) fail_msg("mp3 output contains \"%s\"", tags[i]);
    assert_true(a.n > 128 && memcmp(a.p + a.n - 128, "TAG", 3) != 0);
    decoded one, two;
    ff_decode(a.p, a.n, &one);
    uint8_t *cat = malloc(a.n + b.n);
    memcpy(cat, a.p, a.n);
    memcpy(cat + a.n, b.p, b.n);
    ff_decode(cat, a.n + b.n, &two);
    assert_int_equal(two.rate, 24000);
    assert_int_equal(two.channels, 1);
    double d1 = (double)one.n / one.rate, d2 = (double)two.n / two.rate;
    print_message("  mp3: one stream %.4f s, two concatenated %.4f s\n", d1, d2);
    assert_true(fabs(d2 - 2 * d1) < 0.03);
    free(cat);
    free(one.x);
    free(two.x);
    free(a.p);
    free(b.p);
}

/* ---- Ogg: pages well formed (capture pattern, CRC, sizes), ending in EOS ---- */

static uint32_t ogg_crc(const uint8_t *p, size_t n) {
    uint32_t crc = 0;
    for (size_t i = 0; i < n; i++) {
        crc ^= (uint32_t)p[i] << 24;
        for (int k = 0; k < 8; k++) crc = crc & 0x80000000u ? crc << 1 ^ 0x04C11DB7u : crc << 1;
    }
    return crc;
}

static void check_ogg_pages(const uint8_t *p, size_t n, int *pages_out) {
    size_t off = 0;
    int pages = 0, last_flags = 0;
    while (off < n) {
        assert_true(off + 27 <= n);
        assert_memory_equal(p + off, "OggS", 4);
        assert_int_equal(p[off + 4], 0); /* version */
        int nseg = p[off + 26];
        assert_true(off + 27 + (size_t)nseg <= n);
        size_t body = 0;
        for (int i = 0; i < nseg; i++) body += p[off + 27 + i];
        size_t len = 27 + (size_t)nseg + body;
        assert_true(off + len <= n);
        uint8_t *page = malloc(len);
        memcpy(page, p + off, len);
        uint32_t want = le32(page + 22);
        memset(page + 22, 0, 4);
        assert_int_equal(ogg_crc(page, len), want);
        free(page);
        last_flags = p[off + 5];
        if (pages == 0) assert_true(last_flags & 0x02); /* BOS */
        else assert_false(last_flags & 0x02);
        if (off + len < n) assert_false(last_flags & 0x04);
        pages++;
        off += len;
    }
    assert_int_equal(off, n);
    assert_true(last_flags & 0x04); /* EOS */
    *pages_out = pages;
}

static void test_ogg_pages(void **state) {
    (void)state;
    sink s;
    size_t early;
    encode("opus", 0, 1, &s, &early);
    assert_memory_equal(s.p + 28, "OpusHead", 8);
    int pages;
    check_ogg_pages(s.p, s.n, &pages);
    /* two header pages plus at least one audio page per push */
    assert_true(pages >= 2 + (int)(sizeof PIECES / sizeof PIECES[0]) - 1);
    /* what came before finish is itself a run of whole pages */
    int early_pages = 0;
    size_t off = 0;
    while (off < early) {
        int nseg = s.p[off + 26];
        size_t body = 0;
        for (int i = 0; i < nseg; i++) body += s.p[off + 27 + i];
        off += 27 + (size_t)nseg + body;
        early_pages++;
    }
    assert_int_equal(off, early);
    assert_true(early_pages > 2);
    print_message("  opus: %d pages, %d before finish\n", pages, early_pages);
    free(s.p);
}

/* ---- G.711 ---- */

static void ff_xlaw(enum AVCodecID id, int encode_side, const void *in, int n, void *out) {
    const AVCodec *c = encode_side ? avcodec_find_encoder(id) : avcodec_find_decoder(id);
    assert_non_null(c);
    AVCodecContext *cc = avcodec_alloc_context3(c);
    cc->sample_rate = 8000;
    cc->sample_fmt = AV_SAMPLE_FMT_S16;
    av_channel_layout_default(&cc->ch_layout, 1);
    assert_true(avcodec_open2(cc, c, NULL) >= 0);
    AVPacket *pkt = av_packet_alloc();
    AVFrame *fr = av_frame_alloc();
    if (encode_side) {
        fr->nb_samples = n;
        fr->format = AV_SAMPLE_FMT_S16;
        fr->sample_rate = 8000;
        av_channel_layout_default(&fr->ch_layout, 1);
        assert_true(av_frame_get_buffer(fr, 0) >= 0);
        memcpy(fr->data[0], in, (size_t)n * 2);
        assert_true(avcodec_send_frame(cc, fr) >= 0);
        assert_true(avcodec_receive_packet(cc, pkt) >= 0);
        assert_int_equal(pkt->size, n);
        memcpy(out, pkt->data, (size_t)n);
    } else {
        assert_true(av_new_packet(pkt, n) >= 0);
        memcpy(pkt->data, in, (size_t)n);
        assert_true(avcodec_send_packet(cc, pkt) >= 0);
        assert_true(avcodec_receive_frame(cc, fr) >= 0);
        assert_int_equal(fr->nb_samples, n);
        memcpy(out, fr->data[0], (size_t)n * 2);
    }
    av_frame_free(&fr);
    av_packet_free(&pkt);
    avcodec_free_context(&cc);
}

static int cmp_int(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }

/* The distinct reconstruction levels of a G.711 decoder, ascending. */
static int sorted_levels(int16_t (*dec)(uint8_t), int *lv) {
    for (int i = 0; i < 256; i++) lv[i] = dec((uint8_t)i);
    qsort(lv, 256, sizeof(int), cmp_int);
    int n = 1;
    for (int i = 1; i < 256; i++)
        if (lv[i] != lv[n - 1]) lv[n++] = lv[i];
    return n;
}

static int level_index(const int *lv, int n, int v) {
    for (int i = 0; i < n; i++)
        if (lv[i] == v) return i;
    fail_msg("%d is not a G.711 level", v);
    return -1;
}

static void test_g711(void **state) {
    (void)state;
    /* known vectors */
    assert_int_equal(lt_g711_ulaw_encode(0), 0xFF);
    assert_int_equal(lt_g711_ulaw_encode(-1), 0x7F);
    assert_int_equal(lt_g711_ulaw_encode(32767), 0x80);
    assert_int_equal(lt_g711_ulaw_encode(-32768), 0x00);
    assert_int_equal(lt_g711_ulaw_decode(0xFF), 0);
    assert_int_equal(lt_g711_ulaw_decode(0x80), 32124);
    assert_int_equal(lt_g711_ulaw_decode(0x00), -32124);
    assert_int_equal(lt_g711_alaw_encode(0), 0xD5);
    assert_int_equal(lt_g711_alaw_encode(-1), 0x55);
    assert_int_equal(lt_g711_alaw_encode(32767), 0xAA);
    assert_int_equal(lt_g711_alaw_encode(-32768), 0x2A);
    assert_int_equal(lt_g711_alaw_decode(0xD5), 8);
    assert_int_equal(lt_g711_alaw_decode(0xAA), 32256);
    assert_int_equal(lt_g711_alaw_decode(0x2A), -32256);

    /* decode tables equal FFmpeg's; encode(decode(c)) = c for every code (but -0) */
    uint8_t codes[256];
    int16_t ffu[256], ffa[256];
    for (int i = 0; i < 256; i++) codes[i] = (uint8_t)i;
    ff_xlaw(AV_CODEC_ID_PCM_MULAW, 0, codes, 256, ffu);
    ff_xlaw(AV_CODEC_ID_PCM_ALAW, 0, codes, 256, ffa);
    for (int i = 0; i < 256; i++) {
        assert_int_equal(lt_g711_ulaw_decode((uint8_t)i), ffu[i]);
        assert_int_equal(lt_g711_alaw_decode((uint8_t)i), ffa[i]);
        if (i != 0x7F) assert_int_equal(lt_g711_ulaw_encode(lt_g711_ulaw_decode((uint8_t)i)), i);
        assert_int_equal(lt_g711_alaw_encode(lt_g711_alaw_decode((uint8_t)i)), i);
    }

    /* every 16-bit input: error within half a quantisation step of its segment
     * (|x|/32 relative, at least 8/16 absolute near zero), except clipping at the
     * top; monotonic; and agreement with FFmpeg's encoders */
    int16_t *all = malloc(65536 * 2);
    uint8_t *ffue = malloc(65536), *ffae = malloc(65536);
    for (int i = 0; i < 65536; i++) all[i] = (int16_t)(i - 32768);
    ff_xlaw(AV_CODEC_ID_PCM_MULAW, 1, all, 65536, ffue);
    ff_xlaw(AV_CODEC_ID_PCM_ALAW, 1, all, 65536, ffae);
    int du = 0, da = 0, prev_u = -40000, prev_a = -40000;
    int lvl_u[256], lvl_a[256];
    int nu = sorted_levels(lt_g711_ulaw_decode, lvl_u), na = sorted_levels(lt_g711_alaw_decode, lvl_a);
    assert_int_equal(nu, 255); /* +0 and -0 */
    assert_int_equal(na, 256);
    for (int i = 0; i < 65536; i++) {
        int x = all[i], ax = abs(x);
        int u = lt_g711_ulaw_decode(lt_g711_ulaw_encode((int16_t)x));
        int a = lt_g711_alaw_decode(lt_g711_alaw_encode((int16_t)x));
        int tol_u = ax > 32124 ? ax - 32124 + 1 : ax / 32 + 8, tol_a = ax > 32256 ? ax - 32256 + 1 : ax / 32 + 16;
        if (abs(u - x) > tol_u) fail_msg("mu-law: %d -> %d", x, u);
        if (abs(a - x) > tol_a) fail_msg("A-law: %d -> %d", x, a);
        assert_true(u >= prev_u && a >= prev_a);
        prev_u = u;
        prev_a = a;
        /* FFmpeg's table encoder picks the level nearest in the 16-bit domain;
         * G.711 decides on the truncated 14-bit (mu) / 13-bit (A) value, whose
         * thresholds are not midpoints where the step size changes. Where they
         * differ, the two levels must be neighbours. */
        uint8_t cu = lt_g711_ulaw_encode((int16_t)x), ca = lt_g711_alaw_encode((int16_t)x);
        if (cu != ffue[i]) {
            du++;
            if (abs(level_index(lvl_u, nu, u) - level_index(lvl_u, nu, lt_g711_ulaw_decode(ffue[i]))) != 1)
                fail_msg("mu-law %d: %d vs FFmpeg %d", x, u, lt_g711_ulaw_decode(ffue[i]));
        }
        if (ca != ffae[i]) {
            da++;
            if (abs(level_index(lvl_a, na, a) - level_index(lvl_a, na, lt_g711_alaw_decode(ffae[i]))) != 1)
                fail_msg("A-law %d: %d vs FFmpeg %d", x, a, lt_g711_alaw_decode(ffae[i]));
        }
    }
    print_message("  G.711: codes differing from FFmpeg's encoders: mu-law %d, A-law %d of 65536\n", du, da);
    assert_true(du < 2048 && da < 2048); /* only around decision points */
    free(all);
    free(ffue);
    free(ffae);
}

/* ---- resampling ---- */

static void test_resample(void **state) {
    (void)state;
    static const int rates[] = {8000, 16000, 22050, 44100, 48000};
    static const char *fmts[] = {"pcm", "wav", "ulaw", "alaw", "flac"};
    for (size_t f = 0; f < 5; f++)
        for (size_t r = 0; r < 5; r++) {
            char what[64];
            snprintf(what, sizeof what, "%s at %d Hz", fmts[f], rates[r]);
            sink s;
            encode(fmts[f], rates[r], (int)(r & 1), &s, NULL);
            decoded d;
            int raw = !strcmp(fmts[f], "pcm") || !strcmp(fmts[f], "ulaw") || !strcmp(fmts[f], "alaw");
            if (raw) raw_decode(fmts[f], s.p, s.n, rates[r], &d);
            else ff_decode(s.p, s.n, &d);
            assert_int_equal(d.rate, rates[r]);
            check_duration(what, &d, 1.498, 1.502);
            check_signal(what, &d, 1.0);
            free(d.x);
            free(s.p);
        }
    /* mp3 and aac accept the rates their encoders support */
    sink s;
    decoded d;
    encode("mp3", 16000, 1, &s, NULL);
    ff_decode(s.p, s.n, &d);
    assert_int_equal(d.rate, 16000);
    check_duration("mp3 at 16 kHz", &d, 1.44, 1.62);
    check_signal("mp3 at 16 kHz", &d, 2.0);
    free(d.x);
    free(s.p);
    encode("aac", 44100, 0, &s, NULL);
    ff_decode(s.p, s.n, &d);
    assert_int_equal(d.rate, 44100);
    check_duration("aac at 44.1 kHz", &d, 1.44, 1.61);
    check_signal("aac at 44.1 kHz", &d, 2.0);
    free(d.x);
    free(s.p);
}

/* ---- the write callback aborts ---- */

static void test_write_abort(void **state) {
    (void)state;
    const char *fmts[] = {"mp3", "opus", "aac", "flac", "wav", "pcm", "ulaw", "alaw"};
    float *x = sine(N_IN);
    for (size_t i = 0; i < 8; i++)
        for (int mode = 0; mode < 4; mode++) {
            int streaming = mode & 1;
            sink s = {0};
            s.fail_after = mode < 2 ? 1 : 3; /* the first write, or one mid-stream */
            lt_encoder *e;
            lt_err err = {{0}};
            assert_int_equal(lt_encoder_new(fmts[i], 0, streaming, sink_write, &s, &e, &err), 0);
            int r = 0;
            for (int k = 0; k < 4 && r == 0; k++) r = lt_encoder_push(e, x + k * 9000, 9000, &err);
            if (r == 0) r = lt_encoder_finish(e, &err);
            if (r == 0 && s.calls < s.fail_after) { /* whole wav/flac: written at finish in 1–2 calls */
                lt_encoder_free(e);
                free(s.p);
                continue;
            }
            if (r == 0) fail_msg("%s: a refusing write callback did not fail the encoder", fmts[i]);
            assert_non_null(strstr(err.msg, fmts[i]));
            assert_non_null(strstr(err.msg, "aborted"));
            lt_err err2 = {{0}};
            assert_int_equal(lt_encoder_push(e, x, 10, &err2), -1); /* stays failed */
            assert_int_equal(lt_encoder_finish(e, &err2), -1);
            lt_encoder_free(e);
            free(s.p);
        }
    free(x);
}

/* ---- errors, names, content types ---- */

static void test_errors_and_names(void **state) {
    (void)state;
    sink s = {0};
    lt_encoder *e = (lt_encoder *)1;
    lt_err err = {{0}};
    assert_int_equal(lt_encoder_new("ogg", 0, 0, sink_write, &s, &e, &err), -1);
    assert_null(e);
    assert_non_null(strstr(err.msg, "\"ogg\""));
    assert_non_null(strstr(err.msg, "mp3, opus, aac, flac, wav, pcm, ulaw, alaw"));
    assert_int_equal(lt_encoder_new(NULL, 0, 0, sink_write, &s, &e, &err), -1);
    static const int bad[] = {7999, 48001, -1, 96000};
    for (int i = 0; i < 4; i++) {
        assert_int_equal(lt_encoder_new("wav", bad[i], 0, sink_write, &s, &e, &err), -1);
        assert_non_null(strstr(err.msg, "wav"));
        assert_non_null(strstr(err.msg, "out of range"));
    }
    assert_int_equal(lt_encoder_new("opus", 24000, 0, sink_write, &s, &e, &err), -1);
    assert_non_null(strstr(err.msg, "48000"));
    assert_int_equal(lt_encoder_new("mp3", 9000, 0, sink_write, &s, &e, &err), -1);
    assert_non_null(strstr(err.msg, "mp3"));
    assert_non_null(strstr(err.msg, "supported"));
    assert_int_equal(lt_encoder_new("opus", 48000, 0, sink_write, &s, &e, &err), 0);
    assert_int_equal(lt_encoder_rate(e), 48000);
    lt_encoder_free(e);
    assert_int_equal(lt_encoder_new("ulaw", 0, 0, sink_write, &s, &e, &err), 0);
    assert_int_equal(lt_encoder_rate(e), 8000);
    /* push after finish, finish twice */
    float z[4] = {0};
    assert_int_equal(lt_encoder_finish(e, &err), 0);
    assert_int_equal(s.n, 0); /* nothing pushed, nothing written */
    assert_int_equal(lt_encoder_push(e, z, 4, &err), -1);
    assert_non_null(strstr(err.msg, "after finish"));
    lt_encoder_free(e);
    lt_encoder_free(NULL);
    /* an empty stream in every format still finishes cleanly */
    const char *fmts[] = {"mp3", "opus", "aac", "flac", "wav", "pcm", "ulaw", "alaw"};
    for (int i = 0; i < 8; i++) {
        assert_int_equal(lt_encoder_new(fmts[i], 0, i & 1, sink_write, &s, &e, &err), 0);
        if (lt_encoder_finish(e, &err)) fail_msg("%s", err.msg);
        lt_encoder_free(e);
    }
    free(s.p);
    /* NaN and out-of-range input is clipped, not propagated */
    memset(&s, 0, sizeof s);
    float odd[3] = {NAN, 5.0f, -5.0f};
    assert_int_equal(lt_encoder_new("pcm", 0, 1, sink_write, &s, &e, &err), 0);
    assert_int_equal(lt_encoder_push(e, odd, 3, &err), 0);
    assert_int_equal(lt_encoder_finish(e, &err), 0);
    lt_encoder_free(e);
    assert_int_equal(s.n, 6);
    assert_int_equal((int16_t)(s.p[0] | s.p[1] << 8), 0);
    assert_int_equal((int16_t)(s.p[2] | s.p[3] << 8), 32767);
    assert_int_equal((int16_t)(s.p[4] | s.p[5] << 8), -32767);
    free(s.p);

    assert_true(lt_encoder_format_known("mp3") && lt_encoder_format_known("alaw"));
    assert_false(lt_encoder_format_known("ogg") || lt_encoder_format_known("MP3"));
    assert_false(lt_encoder_format_known("") || lt_encoder_format_known(NULL));
    assert_string_equal(lt_encoder_content_type("mp3"), "audio/mpeg");
    assert_string_equal(lt_encoder_content_type("opus"), "audio/ogg");
    assert_string_equal(lt_encoder_content_type("aac"), "audio/aac");
    assert_string_equal(lt_encoder_content_type("flac"), "audio/flac");
    assert_string_equal(lt_encoder_content_type("wav"), "audio/wav");
    assert_string_equal(lt_encoder_content_type("pcm"), "audio/pcm");
    assert_string_equal(lt_encoder_content_type("ulaw"), "audio/basic");
    assert_string_equal(lt_encoder_content_type("alaw"), "audio/x-alaw-basic");
    assert_string_equal(lt_encoder_content_type("xyz"), "application/octet-stream");
    assert_int_equal(lt_encoder_default_rate("pcm"), 24000);
    assert_int_equal(lt_encoder_default_rate("wav"), 24000);
    assert_int_equal(lt_encoder_default_rate("flac"), 24000);
    assert_int_equal(lt_encoder_default_rate("ulaw"), 8000);
    assert_int_equal(lt_encoder_default_rate("alaw"), 8000);
    assert_int_equal(lt_encoder_default_rate("mp3"), 0);
    assert_int_equal(lt_encoder_default_rate("opus"), 0);
    assert_int_equal(lt_encoder_default_rate("aac"), 0);
    assert_int_equal(lt_encoder_default_rate("nope"), 0);
}

/* FFmpeg is opened on first use only: the raw formats at 24 kHz never load it
 * (this runs first, in a process where no encoder has run yet); a codec or a
 * resampling raw format does, and the table's functions work. */
static void test_ffmpeg_loaded_on_demand(void **state) {
    (void)state;
    float x[2400];
    for (int i = 0; i < 2400; i++) x[i] = 0.25f * sinf((float)i * 0.1f);
    static const char *raw[] = {"wav", "pcm", "ulaw", "alaw"};
    for (int k = 0; k < 4; k++) {
        sink s = {0};
        lt_encoder *e;
        lt_err err;
        assert_int_equal(lt_encoder_new(raw[k], 24000, k % 2, sink_write, &s, &e, &err), 0);
        assert_int_equal(lt_encoder_push(e, x, 2400, &err), 0);
        assert_int_equal(lt_encoder_finish(e, &err), 0);
        lt_encoder_free(e);
        assert_true(s.n >= 2400);
        free(s.p);
        assert_false(lt_ffmpeg_loaded());
    }
    sink s = {0};
    lt_encoder *e;
    lt_err err;
    assert_int_equal(lt_encoder_new("ulaw", 0, 0, sink_write, &s, &e, &err), 0); /* 8 kHz: the resampler */
    assert_true(lt_ffmpeg_loaded());
    assert_int_equal(lt_encoder_push(e, x, 2400, &err), 0);
    assert_int_equal(lt_encoder_finish(e, &err), 0);
    lt_encoder_free(e);
    assert_int_equal((int)s.n, 800);
    free(s.p);
    const lt_ffmpeg_api *ff = lt_ffmpeg(&err);
    assert_non_null(ff);
    /* functions of each library, called through the table */
    assert_non_null(ff->avcodec_find_encoder_by_name("flac"));
    char msg[128] = "";
    assert_int_equal(ff->av_strerror(AVERROR(EINVAL), msg, sizeof msg), 0);
    assert_string_equal(msg, "Invalid argument");
    AVChannelLayout mono = AV_CHANNEL_LAYOUT_MONO;
    SwrContext *swr = NULL;
    assert_true(ff->swr_alloc_set_opts2(&swr, &mono, AV_SAMPLE_FMT_FLT, 8000, &mono, AV_SAMPLE_FMT_FLT, 24000, 0,
                                        NULL) >= 0);
    ff->swr_free(&swr);
    assert_null(swr);
}

int main(void) {
    av_log_set_level(AV_LOG_ERROR);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ffmpeg_loaded_on_demand), /* first: no encoder has run yet */
        cmocka_unit_test(test_g711),
        cmocka_unit_test(test_every_format),
        cmocka_unit_test(test_wav_sizes),
        cmocka_unit_test(test_flac_streaminfo),
        cmocka_unit_test(test_mp3_bitstream),
        cmocka_unit_test(test_ogg_pages),
        cmocka_unit_test(test_resample),
        cmocka_unit_test(test_write_abort),
        cmocka_unit_test(test_errors_and_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
