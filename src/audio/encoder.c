/* encoder.c — the incremental audio encoders behind the speech API (see
 * encoder.h): format table and Content-Types, resampling (libswresample, one
 * context per stream so chunk seams stay continuous), the raw formats (wav,
 * pcm, ulaw, alaw; G.711 itself is in encoder_g711.c) and the FFmpeg ones
 * (mp3 as bare frames, opus in Ogg, aac in ADTS, flac), whose muxers write
 * through a custom AVIOContext into the caller's write callback.
 *
 * Content-Types: mp3 audio/mpeg, opus audio/ogg (RFC 7845: an Ogg Opus
 * file; "audio/opus" is the RTP payload type), aac audio/aac, flac audio/flac,
 * wav audio/wav, pcm audio/pcm (as Kokoro-FastAPI; the bytes are headerless
 * s16le), ulaw audio/basic (RFC 2046: 8 kHz mono mu-law, no header), alaw
 * audio/x-alaw-basic (the customary name for the same with A-law).
 *
 * Rates: pcm, wav, flac default to 24000, ulaw/alaw to 8000; any of them can
 * be 8000–48000. mp3 and aac stay at 24000 unless out_rate names a rate their
 * encoder supports; opus is always 48000 (Ogg Opus decoders play at 48 kHz).
 * Non-streaming wav and flac are assembled in memory and written at finish so
 * their headers carry exact sizes (flac: STREAMINFO total and MD5).
 *
 * FFmpeg is reached through lt_ffmpeg() (ffmpeg_api.h), loaded by the first
 * encoder that needs a codec or the resampler: wav/pcm/ulaw/alaw at 24 kHz
 * never load it. */
#include "audio/encoder.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audio/ffmpeg_api.h"
#include "audio/wav.h"

#define IN_RATE 24000
#define BLOCK 4096 /* samples converted at a time */

typedef enum { F_MP3, F_OPUS, F_AAC, F_FLAC, F_WAV, F_PCM, F_ULAW, F_ALAW } fmt_id;

typedef struct {
    const char *name, *mime;
    int default_rate;   /* the rate out_rate 0 means */
    int rate_free;      /* any 8000–48000 rate may be asked for (lt_encoder_default_rate) */
    const char *codec;  /* libavcodec encoder, NULL for the raw formats */
    const char *muxer;  /* libavformat muxer, NULL for raw frames */
    int64_t bit_rate;
} fmt_info;

static const fmt_info FORMATS[] = {
    [F_MP3] = {"mp3", "audio/mpeg", 24000, 0, "libmp3lame", NULL, 64000},
    [F_OPUS] = {"opus", "audio/ogg", 48000, 0, "libopus", "ogg", 48000},
    [F_AAC] = {"aac", "audio/aac", 24000, 0, "aac", "adts", 64000},
    [F_FLAC] = {"flac", "audio/flac", 24000, 1, "flac", "flac", 0},
    [F_WAV] = {"wav", "audio/wav", 24000, 1, NULL, NULL, 0},
    [F_PCM] = {"pcm", "audio/pcm", 24000, 1, NULL, NULL, 0},
    [F_ULAW] = {"ulaw", "audio/basic", 8000, 1, NULL, NULL, 0},
    [F_ALAW] = {"alaw", "audio/x-alaw-basic", 8000, 1, NULL, NULL, 0},
};
#define N_FORMATS ((int)(sizeof FORMATS / sizeof FORMATS[0]))

struct lt_encoder {
    fmt_id id;
    const fmt_info *f;
    int rate; /* output sample rate */
    int streaming;
    lt_encoder_write_fn write;
    void *ud;
    int started, finished, failed;
    int io_failed; /* the write callback refused bytes inside an FFmpeg call */

    float in[BLOCK]; /* clipped input block */
    SwrContext *swr; /* NULL when the rate is 24000 */
    float *rs;
    int rs_cap;

    /* wav (non-streaming): the s16le data; flac (non-streaming): the whole file, seekable */
    uint8_t *mem;
    size_t mem_len, mem_cap, mem_pos;
    int memfile;
    int64_t n_samples; /* raw formats: samples written */

    /* FFmpeg formats and resampling */
    const lt_ffmpeg_api *ff; /* NULL until a codec or the resampler is needed */
    AVCodecContext *cc;
    AVFormatContext *fc;
    AVIOContext *pb;
    AVFrame *frame;
    AVPacket *pkt;
    int frame_size, small_last;
    float *fifo; /* samples at the codec rate waiting for a full frame */
    int fifo_n, fifo_cap;
    int64_t pts;
};

static int find_format(const char *name) {
    if (!name) return -1;
    for (int i = 0; i < N_FORMATS; i++)
        if (!strcmp(name, FORMATS[i].name)) return i;
    return -1;
}

const char *lt_encoder_formats(void) { return "mp3, opus, aac, flac, wav, pcm, ulaw, alaw"; }
int lt_encoder_format_known(const char *format) { return find_format(format) >= 0; }

const char *lt_encoder_content_type(const char *format) {
    int i = find_format(format);
    return i < 0 ? "application/octet-stream" : FORMATS[i].mime;
}

int lt_encoder_default_rate(const char *format) {
    int i = find_format(format);
    return i >= 0 && FORMATS[i].rate_free ? FORMATS[i].default_rate : 0;
}

int lt_encoder_rate(const lt_encoder *e) { return e ? e->rate : 0; }

/* ---- errors ---------------------------------------------------------------- */

static int fail(lt_encoder *e, lt_err *err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(lt_encoder *e, lt_err *err, const char *fmt, ...) {
    char msg[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    e->failed = 1;
    return lt_fail(err, "%s encoder: %s", e->f->name, msg);
}

static int fail_av(lt_encoder *e, lt_err *err, int code, const char *what) {
    if (e->io_failed) return fail(e, err, "the write callback aborted the stream (client gone?)");
    char buf[256];
    e->ff->av_strerror(code, buf, sizeof buf);
    return fail(e, err, "%s: %s", what, buf);
}

static int out_bytes(lt_encoder *e, const uint8_t *p, size_t n, lt_err *err) {
    if (n == 0) return 0;
    if (e->write(e->ud, p, n) != 0) return fail(e, err, "the write callback aborted the stream (client gone?)");
    return 0;
}

static int mem_reserve(lt_encoder *e, size_t need) {
    if (need <= e->mem_cap) return 0;
    size_t cap = e->mem_cap ? e->mem_cap : 65536;
    while (cap < need) cap *= 2;
    uint8_t *p = realloc(e->mem, cap);
    if (!p) return -1;
    e->mem = p;
    e->mem_cap = cap;
    return 0;
}

/* ---- custom AVIO: straight to the callback, or into the seekable memory file ---- */

static int avio_write_cb(void *opaque, uint8_t *buf, int size) {
    lt_encoder *e = opaque;
    if (e->io_failed) return AVERROR_EXTERNAL;
    if (e->memfile) {
        size_t end = e->mem_pos + (size_t)size;
        if (mem_reserve(e, end) != 0) return AVERROR(ENOMEM);
        if (e->mem_pos > e->mem_len) memset(e->mem + e->mem_len, 0, e->mem_pos - e->mem_len);
        memcpy(e->mem + e->mem_pos, buf, (size_t)size);
        e->mem_pos = end;
        if (end > e->mem_len) e->mem_len = end;
        return size;
    }
    if (e->write(e->ud, buf, (size_t)size) != 0) {
        e->io_failed = 1;
        return AVERROR_EXTERNAL;
    }
    return size;
}

static int64_t avio_seek_cb(void *opaque, int64_t off, int whence) {
    lt_encoder *e = opaque;
    int64_t base;
    switch (whence & ~AVSEEK_FORCE) {
    case AVSEEK_SIZE: return (int64_t)e->mem_len;
    case SEEK_SET: base = 0; break;
    case SEEK_CUR: base = (int64_t)e->mem_pos; break;
    case SEEK_END: base = (int64_t)e->mem_len; break;
    default: return AVERROR(EINVAL);
    }
    if (base + off < 0) return AVERROR(EINVAL);
    e->mem_pos = (size_t)(base + off);
    return base + off;
}

/* ---- FFmpeg setup ------------------------------------------------------------ */

static enum AVSampleFormat pick_sample_fmt(const AVCodec *c) {
    static const enum AVSampleFormat pref[] = {AV_SAMPLE_FMT_FLTP, AV_SAMPLE_FMT_FLT, AV_SAMPLE_FMT_S16,
                                               AV_SAMPLE_FMT_S16P};
    if (!c->sample_fmts) return AV_SAMPLE_FMT_FLT;
    for (size_t k = 0; k < sizeof pref / sizeof pref[0]; k++)
        for (const enum AVSampleFormat *f = c->sample_fmts; *f != AV_SAMPLE_FMT_NONE; f++)
            if (*f == pref[k]) return *f;
    return AV_SAMPLE_FMT_NONE;
}

static int rate_supported(const AVCodec *c, int rate, char *list, size_t cap) {
    list[0] = 0;
    if (!c->supported_samplerates) return 1;
    int ok = 0;
    size_t len = 0;
    for (const int *r = c->supported_samplerates; *r; r++) {
        if (*r == rate) ok = 1;
        if (*r >= 8000 && *r <= 48000 && len < cap)
            len += (size_t)snprintf(list + len, cap - len, "%s%d", len ? ", " : "", *r);
    }
    return ok;
}

static int open_ffmpeg(lt_encoder *e, lt_err *err) {
    const fmt_info *f = e->f;
    const AVCodec *codec = e->ff->avcodec_find_encoder_by_name(f->codec);
    if (!codec) return fail(e, err, "this FFmpeg has no \"%s\" encoder (libavcodec built without it)", f->codec);
    char list[256];
    if (!rate_supported(codec, e->rate, list, sizeof list))
        return fail(e, err, "%d Hz is not supported by the %s encoder (supported: %s)", e->rate, f->codec, list);
    enum AVSampleFormat sf = pick_sample_fmt(codec);
    if (sf == AV_SAMPLE_FMT_NONE) return fail(e, err, "the %s encoder takes no float or 16-bit input", f->codec);

    if (f->muxer) {
        int r = e->ff->avformat_alloc_output_context2(&e->fc, NULL, f->muxer, NULL);
        if (r < 0 || !e->fc) return fail_av(e, err, r < 0 ? r : AVERROR_MUXER_NOT_FOUND, "no muxer");
    }
    e->cc = e->ff->avcodec_alloc_context3(codec);
    e->frame = e->ff->av_frame_alloc();
    e->pkt = e->ff->av_packet_alloc();
    if (!e->cc || !e->frame || !e->pkt) return fail(e, err, "out of memory");
    AVCodecContext *cc = e->cc;
    cc->sample_rate = e->rate;
    cc->sample_fmt = sf;
    cc->time_base = (AVRational){1, e->rate};
    int r = e->ff->av_channel_layout_copy(&cc->ch_layout, &(AVChannelLayout)AV_CHANNEL_LAYOUT_MONO);
    if (r < 0) return fail_av(e, err, r, "channel layout");
    if (f->bit_rate) cc->bit_rate = f->bit_rate;
    if (sf == AV_SAMPLE_FMT_S16 || sf == AV_SAMPLE_FMT_S16P) cc->bits_per_raw_sample = 16;
    if (e->fc && (e->fc->oformat->flags & AVFMT_GLOBALHEADER)) cc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    r = e->ff->avcodec_open2(cc, codec, NULL);
    if (r < 0) return fail_av(e, err, r, "cannot open the encoder");

    e->small_last = !!(codec->capabilities & (AV_CODEC_CAP_SMALL_LAST_FRAME | AV_CODEC_CAP_VARIABLE_FRAME_SIZE));
    e->frame_size = cc->frame_size > 0 && !(codec->capabilities & AV_CODEC_CAP_VARIABLE_FRAME_SIZE) ? cc->frame_size
                                                                                                     : 1024;
    e->frame->nb_samples = e->frame_size;
    e->frame->format = sf;
    e->frame->sample_rate = e->rate;
    r = e->ff->av_channel_layout_copy(&e->frame->ch_layout, &cc->ch_layout);
    if (r >= 0) r = e->ff->av_frame_get_buffer(e->frame, 0);
    if (r < 0) return fail_av(e, err, r, "frame buffer");
    e->fifo_cap = e->frame_size + BLOCK * 2 + 64;
    e->fifo = malloc(sizeof(float) * (size_t)e->fifo_cap);
    if (!e->fifo) return fail(e, err, "out of memory");

    if (e->fc) {
        AVStream *st = e->ff->avformat_new_stream(e->fc, NULL);
        if (!st) return fail(e, err, "out of memory");
        r = e->ff->avcodec_parameters_from_context(st->codecpar, cc);
        if (r < 0) return fail_av(e, err, r, "stream parameters");
        st->time_base = cc->time_base;
        e->memfile = !e->streaming && e->id == F_FLAC;
        const int bufsize = 4096;
        uint8_t *buf = e->ff->av_malloc(bufsize);
        if (!buf) return fail(e, err, "out of memory");
        e->pb = e->ff->avio_alloc_context(buf, bufsize, 1, e, NULL, avio_write_cb, e->memfile ? avio_seek_cb : NULL);
        if (!e->pb) {
            e->ff->av_free(buf);
            return fail(e, err, "out of memory");
        }
        e->pb->seekable = e->memfile ? AVIO_SEEKABLE_NORMAL : 0;
        e->fc->pb = e->pb;
        /* Bit-exact: no encoder version strings, a fixed Ogg serial — the same
         * audio always gives the same bytes (caches, tests). */
        e->fc->flags |= AVFMT_FLAG_CUSTOM_IO | AVFMT_FLAG_BITEXACT;
    }
    return 0;
}

/* ---- FFmpeg encoding ----------------------------------------------------------- */

static int drain_packets(lt_encoder *e, lt_err *err) {
    for (;;) {
        int r = e->ff->avcodec_receive_packet(e->cc, e->pkt);
        if (r == AVERROR(EAGAIN) || r == AVERROR_EOF) return 0;
        if (r < 0) return fail_av(e, err, r, "encoding failed");
        if (!e->fc) {
            r = out_bytes(e, e->pkt->data, (size_t)e->pkt->size, err);
            e->ff->av_packet_unref(e->pkt);
            if (r) return r;
            continue;
        }
        e->pkt->stream_index = 0;
        e->ff->av_packet_rescale_ts(e->pkt, e->cc->time_base, e->fc->streams[0]->time_base);
        r = e->ff->av_write_frame(e->fc, e->pkt);
        e->ff->av_packet_unref(e->pkt);
        if (r < 0 || e->io_failed) return fail_av(e, err, r < 0 ? r : AVERROR_EXTERNAL, "writing a packet");
    }
}

static void clip_copy(float *dst, const float *src, int n) {
    for (int i = 0; i < n; i++) {
        float v = src[i];
        dst[i] = v > 1.0f ? 1.0f : v < -1.0f ? -1.0f : v;
    }
}

/* Encode n samples (n <= frame_size) from the front of the fifo; n < frame_size only at finish. */
static int encode_frame(lt_encoder *e, int n, lt_err *err) {
    AVFrame *fr = e->frame;
    fr->nb_samples = e->frame_size;
    int r = e->ff->av_frame_make_writable(fr);
    if (r < 0) return fail_av(e, err, r, "frame buffer");
    int len = e->small_last ? n : e->frame_size;
    fr->nb_samples = len;
    if (fr->format == AV_SAMPLE_FMT_FLT || fr->format == AV_SAMPLE_FMT_FLTP) {
        float *d = (float *)fr->data[0];
        clip_copy(d, e->fifo, n);
        for (int i = n; i < len; i++) d[i] = 0;
    } else {
        int16_t *d = (int16_t *)fr->data[0];
        lt_pcm16_from_float(e->fifo, n, d);
        for (int i = n; i < len; i++) d[i] = 0;
    }
    fr->pts = e->pts;
    e->pts += len;
    memmove(e->fifo, e->fifo + n, sizeof(float) * (size_t)(e->fifo_n - n));
    e->fifo_n -= n;
    r = e->ff->avcodec_send_frame(e->cc, fr);
    if (r < 0) return fail_av(e, err, r, "encoding failed");
    return drain_packets(e, err);
}

static int emit_ffmpeg(lt_encoder *e, const float *x, int n, lt_err *err) {
    while (n > 0) {
        int k = e->fifo_cap - e->fifo_n;
        if (k > n) k = n;
        memcpy(e->fifo + e->fifo_n, x, sizeof(float) * (size_t)k);
        e->fifo_n += k;
        x += k;
        n -= k;
        while (e->fifo_n >= e->frame_size)
            if (encode_frame(e, e->frame_size, err)) return -1;
    }
    return 0;
}

/* Send what the muxer holds (Ogg: close the page) and empty the AVIO buffer. */
static int flush_ffmpeg(lt_encoder *e, lt_err *err) {
    if (!e->fc) return 0;
    if (e->fc->oformat->flags & AVFMT_ALLOW_FLUSH) {
        int r = e->ff->av_write_frame(e->fc, NULL);
        if (r < 0 || e->io_failed) return fail_av(e, err, r < 0 ? r : AVERROR_EXTERNAL, "flushing the muxer");
    }
    e->ff->avio_flush(e->pb);
    if (e->io_failed || e->pb->error < 0)
        return fail_av(e, err, e->pb->error < 0 ? e->pb->error : AVERROR_EXTERNAL, "writing");
    return 0;
}

/* ---- raw formats ----------------------------------------------------------------- */

static int emit_raw(lt_encoder *e, const float *x, int n, lt_err *err) {
    int16_t s[BLOCK];
    uint8_t b[BLOCK * 2];
    while (n > 0) {
        int k = n < BLOCK ? n : BLOCK;
        lt_pcm16_from_float(x, k, s);
        size_t len;
        if (e->id == F_ULAW || e->id == F_ALAW) {
            for (int i = 0; i < k; i++) b[i] = e->id == F_ULAW ? lt_g711_ulaw_encode(s[i]) : lt_g711_alaw_encode(s[i]);
            len = (size_t)k;
        } else {
            for (int i = 0; i < k; i++) {
                b[2 * i] = (uint8_t)((uint16_t)s[i] & 0xFF);
                b[2 * i + 1] = (uint8_t)((uint16_t)s[i] >> 8);
            }
            len = (size_t)k * 2;
        }
        if (e->id == F_WAV && !e->streaming) {
            if (e->mem_len + len > 0xFFFFFFFFu - 36)
                return fail(e, err, "the audio is too long for a WAV file (4 GiB); use streaming or another format");
            if (mem_reserve(e, e->mem_len + len)) return fail(e, err, "out of memory");
            memcpy(e->mem + e->mem_len, b, len);
            e->mem_len += len;
        } else if (out_bytes(e, b, len, err)) {
            return -1;
        }
        e->n_samples += k;
        x += k;
        n -= k;
    }
    return 0;
}

/* ---- the pipeline: clip → resample → format ----------------------------------------- */

static int emit(lt_encoder *e, const float *x, int n, lt_err *err) {
    return e->f->codec ? emit_ffmpeg(e, x, n, err) : emit_raw(e, x, n, err);
}

static int resample(lt_encoder *e, const float *x, int n, lt_err *err) {
    if (!e->swr) return emit(e, x, n, err);
    for (;;) {
        int need = e->ff->swr_get_out_samples(e->swr, n);
        if (need < 0) return fail_av(e, err, need, "resampling");
        if (need > e->rs_cap) {
            float *p = realloc(e->rs, sizeof(float) * (size_t)(need + 256));
            if (!p) return fail(e, err, "out of memory");
            e->rs = p;
            e->rs_cap = need + 256;
        }
        uint8_t *out = (uint8_t *)e->rs;
        const uint8_t *in = (const uint8_t *)x;
        int got = e->ff->swr_convert(e->swr, &out, e->rs_cap, x ? &in : NULL, n);
        if (got < 0) return fail_av(e, err, got, "resampling");
        if (got > 0 && emit(e, e->rs, got, err)) return -1;
        if (x || got == 0) return 0; /* flushing (x NULL): loop until the resampler is empty */
    }
}

static int start(lt_encoder *e, lt_err *err) {
    if (e->started) return 0;
    e->started = 1;
    if (e->id == F_WAV && e->streaming) {
        uint8_t h[44];
        lt_wav_header(h, e->rate, -1, LT_WAV_PCM16);
        return out_bytes(e, h, 44, err);
    }
    if (e->fc) {
        int r = e->ff->avformat_write_header(e->fc, NULL);
        if (r < 0) return fail_av(e, err, r, "writing the header");
        return flush_ffmpeg(e, err);
    }
    return 0;
}

int lt_encoder_new(const char *format, int out_rate, int streaming, lt_encoder_write_fn write, void *ud,
                   lt_encoder **out, lt_err *err) {
    *out = NULL;
    int id = find_format(format);
    if (id < 0)
        return lt_fail(err, "unknown audio format \"%s\" (known: %s)", format ? format : "(null)",
                       lt_encoder_formats());
    const fmt_info *f = &FORMATS[id];
    if (!write) return lt_fail(err, "%s encoder: no write callback", f->name);
    if (out_rate != 0 && (out_rate < 8000 || out_rate > 48000))
        return lt_fail(err, "%s encoder: sample rate %d Hz is out of range (8000–48000)", f->name, out_rate);
    if (id == F_OPUS && out_rate != 0 && out_rate != 48000)
        return lt_fail(err, "opus encoder: the sample rate cannot be changed (Ogg Opus is always 48000 Hz), got %d",
                       out_rate);
    lt_encoder *e = calloc(1, sizeof *e);
    if (!e) return lt_fail(err, "%s encoder: out of memory", f->name);
    e->id = (fmt_id)id;
    e->f = f;
    e->rate = out_rate ? out_rate : f->default_rate;
    e->streaming = !!streaming;
    e->write = write;
    e->ud = ud;
    if (e->rate != IN_RATE || f->codec) {
        lt_err why;
        e->ff = lt_ffmpeg(&why);
        if (!e->ff) {
            lt_fail(err, "%s encoder: %s", f->name, why.msg);
            lt_encoder_free(e);
            return -1;
        }
    }
    if (e->rate != IN_RATE) {
        AVChannelLayout mono = AV_CHANNEL_LAYOUT_MONO;
        int r = e->ff->swr_alloc_set_opts2(&e->swr, &mono, AV_SAMPLE_FMT_FLT, e->rate, &mono, AV_SAMPLE_FMT_FLT, IN_RATE,
                                    0, NULL);
        if (r >= 0) r = e->ff->swr_init(e->swr);
        if (r < 0) {
            fail_av(e, err, r, "cannot set up the resampler");
            lt_encoder_free(e);
            return -1;
        }
    }
    if (f->codec && open_ffmpeg(e, err)) {
        lt_encoder_free(e);
        return -1;
    }
    *out = e;
    return 0;
}

int lt_encoder_push(lt_encoder *e, const float *pcm, size_t n, lt_err *err) {
    if (e->failed) return fail(e, err, "the encoder already failed");
    if (e->finished) return fail(e, err, "samples pushed after finish");
    if (start(e, err)) return -1;
    while (n > 0) {
        int k = n < BLOCK ? (int)n : BLOCK;
        for (int i = 0; i < k; i++) {
            float v = pcm[i];
            e->in[i] = !(v == v) ? 0.0f : v > 1.0f ? 1.0f : v < -1.0f ? -1.0f : v;
        }
        if (resample(e, e->in, k, err)) return -1;
        pcm += k;
        n -= (size_t)k;
    }
    return e->f->codec ? flush_ffmpeg(e, err) : 0;
}

int lt_encoder_finish(lt_encoder *e, lt_err *err) {
    if (e->failed) return fail(e, err, "the encoder already failed");
    if (e->finished) return fail(e, err, "finish called twice");
    if (start(e, err)) return -1;
    if (e->swr && resample(e, NULL, 0, err)) return -1;
    e->finished = 1;
    if (e->f->codec) {
        while (e->fifo_n > 0) {
            int k = e->fifo_n < e->frame_size ? e->fifo_n : e->frame_size;
            if (encode_frame(e, k, err)) return -1;
        }
        int r = e->ff->avcodec_send_frame(e->cc, NULL);
        if (r < 0) return fail_av(e, err, r, "flushing the encoder");
        if (drain_packets(e, err)) return -1;
        if (e->fc) {
            r = e->ff->av_write_trailer(e->fc);
            if (r < 0 || e->io_failed) return fail_av(e, err, r < 0 ? r : AVERROR_EXTERNAL, "writing the trailer");
            e->ff->avio_flush(e->pb);
            if (e->io_failed) return fail_av(e, err, AVERROR_EXTERNAL, "writing");
        }
        if (e->memfile) return out_bytes(e, e->mem, e->mem_len, err);
        return 0;
    }
    if (e->id == F_WAV && !e->streaming) {
        uint8_t h[44];
        lt_wav_header(h, e->rate, e->n_samples, LT_WAV_PCM16);
        if (out_bytes(e, h, 44, err)) return -1;
        return out_bytes(e, e->mem, e->mem_len, err);
    }
    return 0;
}

void lt_encoder_free(lt_encoder *e) {
    if (!e) return;
    if (!e->ff) { /* a raw format at 24 kHz: nothing of FFmpeg's */
        free(e->mem);
        free(e);
        return;
    }
    if (e->pb) {
        e->ff->av_freep(&e->pb->buffer);
        e->ff->avio_context_free(&e->pb);
    }
    if (e->fc) e->fc->pb = NULL;
    e->ff->avformat_free_context(e->fc);
    e->ff->avcodec_free_context(&e->cc);
    e->ff->av_frame_free(&e->frame);
    e->ff->av_packet_free(&e->pkt);
    e->ff->swr_free(&e->swr);
    free(e->fifo);
    free(e->rs);
    free(e->mem);
    free(e);
}
