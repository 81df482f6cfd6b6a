/* audio_decode.c — decoding test outputs back to samples: FFmpeg's
 * libavformat/libavcodec from memory (a custom AVIO), and the raw formats
 * (s16le PCM, G.711). cmocka assertions: only for tests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>

#include "audio/encoder.h"
#include "support/audio_decode.h"


typedef struct {
    const uint8_t *p;
    size_t n, pos;
} memrd;

static int mem_read(void *o, uint8_t *buf, int size) {
    memrd *m = o;
    if (m->pos >= m->n) return AVERROR_EOF;
    size_t k = m->n - m->pos < (size_t)size ? m->n - m->pos : (size_t)size;
    memcpy(buf, m->p + m->pos, k);
    m->pos += k;
    return (int)k;
}

static int64_t mem_seek(void *o, int64_t off, int whence) {
    memrd *m = o;
    if (whence == AVSEEK_SIZE) return (int64_t)m->n;
    int64_t base = whence == SEEK_CUR ? (int64_t)m->pos : whence == SEEK_END ? (int64_t)m->n : 0;
    if (base + off < 0) return -1;
    m->pos = (size_t)(base + off);
    return base + off;
}


static void append(decoded *d, const AVFrame *fr) {
    d->x = realloc(d->x, sizeof(float) * (size_t)(d->n + fr->nb_samples));
    assert_non_null(d->x);
    for (int i = 0; i < fr->nb_samples; i++) {
        float v;
        switch (fr->format) {
        case AV_SAMPLE_FMT_FLT:
        case AV_SAMPLE_FMT_FLTP: v = ((const float *)fr->data[0])[i]; break;
        case AV_SAMPLE_FMT_S16:
        case AV_SAMPLE_FMT_S16P: v = ((const int16_t *)fr->data[0])[i] / 32768.0f; break;
        case AV_SAMPLE_FMT_S32:
        case AV_SAMPLE_FMT_S32P: v = (float)(((const int32_t *)fr->data[0])[i] / 2147483648.0); break;
        default: fail_msg("unexpected sample format %d", fr->format); return;
        }
        d->x[d->n + i] = v;
    }
    d->n += fr->nb_samples;
}

static void drain(AVCodecContext *cc, AVFrame *fr, decoded *d) {
    while (avcodec_receive_frame(cc, fr) >= 0) {
        append(d, fr);
        av_frame_unref(fr);
    }
}

void ff_decode(const uint8_t *p, size_t n, decoded *d) {
    memset(d, 0, sizeof *d);
    memrd m = {p, n, 0};
    AVFormatContext *fc = avformat_alloc_context();
    uint8_t *buf = av_malloc(4096);
    AVIOContext *pb = avio_alloc_context(buf, 4096, 0, &m, mem_read, NULL, mem_seek);
    assert_non_null(fc);
    assert_non_null(pb);
    fc->pb = pb;
    int r = avformat_open_input(&fc, NULL, NULL, NULL);
    if (r < 0) fail_msg("avformat_open_input: %d", r);
    assert_true(avformat_find_stream_info(fc, NULL) >= 0);
    assert_int_equal(fc->nb_streams, 1);
    snprintf(d->container, sizeof d->container, "%s", fc->iformat->name);
    AVCodecParameters *par = fc->streams[0]->codecpar;
    const AVCodec *dec = avcodec_find_decoder(par->codec_id);
    assert_non_null(dec);
    snprintf(d->codec, sizeof d->codec, "%s", avcodec_get_name(par->codec_id));
    AVCodecContext *cc = avcodec_alloc_context3(dec);
    assert_true(avcodec_parameters_to_context(cc, par) >= 0);
    assert_true(avcodec_open2(cc, dec, NULL) >= 0);
    AVPacket *pkt = av_packet_alloc();
    AVFrame *fr = av_frame_alloc();
    while (av_read_frame(fc, pkt) >= 0) {
        if (avcodec_send_packet(cc, pkt) >= 0) drain(cc, fr, d);
        av_packet_unref(pkt);
    }
    avcodec_send_packet(cc, NULL);
    drain(cc, fr, d);
    d->rate = cc->sample_rate;
    d->channels = cc->ch_layout.nb_channels;
    av_frame_free(&fr);
    av_packet_free(&pkt);
    avcodec_free_context(&cc);
    avformat_close_input(&fc);
    av_freep(&pb->buffer);
    avio_context_free(&pb);
}

/* The raw formats: s16le / G.711 bytes at a known rate. */
void raw_decode(const char *fmt, const uint8_t *p, size_t n, int rate, decoded *d) {
    memset(d, 0, sizeof *d);
    snprintf(d->container, sizeof d->container, "raw");
    snprintf(d->codec, sizeof d->codec, "%s", fmt);
    d->rate = rate;
    d->channels = 1;
    int pcm = !strcmp(fmt, "pcm");
    if (pcm) assert_int_equal(n % 2, 0);
    d->n = (int64_t)(pcm ? n / 2 : n);
    d->x = malloc(sizeof(float) * (size_t)(d->n + 1));
    for (int64_t i = 0; i < d->n; i++) {
        int16_t v = pcm ? (int16_t)(p[2 * i] | p[2 * i + 1] << 8)
                        : !strcmp(fmt, "ulaw") ? lt_g711_ulaw_decode(p[i]) : lt_g711_alaw_decode(p[i]);
        d->x[i] = v / 32768.0f;
    }
}

