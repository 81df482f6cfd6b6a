/* ffmpeg_api.h — FFmpeg, loaded on first use.
 *
 * LiteTTS does not link FFmpeg: libavcodec and libavformat pull in about ninety
 * further shared libraries (x265, rav1e, gnutls, librsvg, ...), which cost every
 * process ~16 MiB of resident memory and tens of milliseconds of start-up even
 * when it never encodes mp3, opus, aac or flac (`say -o x.wav`, `bench`, a
 * server that only answers wav/pcm). The encoder asks lt_ffmpeg() for this table
 * the first time it needs a codec or the resampler; the libraries are opened
 * once per process (dlopen by the sonames of the headers we were compiled
 * against) and stay loaded. FFmpeg's log level is set to errors only on load
 * (its encoders chat at info level; LiteTTS reports failures itself).
 *
 * Every member has the type of the FFmpeg function of the same name (typeof of
 * the declaration in FFmpeg's own headers), so calls through the table are
 * checked by the compiler exactly as direct calls would be. */
#ifndef LT_AUDIO_FFMPEG_API_H
#define LT_AUDIO_FFMPEG_API_H

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
#include <libavutil/log.h>
#include <libswresample/swresample.h>

#include "core/error.h"

#define LT_FFMPEG_FUNCTIONS(X)                                                                          \
    X(av_channel_layout_copy) X(av_frame_alloc) X(av_frame_free) X(av_frame_get_buffer)                 \
    X(av_frame_make_writable) X(av_free) X(av_freep) X(av_malloc) X(av_packet_alloc) X(av_packet_free)  \
    X(av_packet_rescale_ts) X(av_packet_unref) X(av_strerror) X(av_write_frame) X(av_write_trailer)     \
    X(avcodec_alloc_context3) X(avcodec_find_encoder_by_name) X(avcodec_free_context) X(avcodec_open2)  \
    X(avcodec_parameters_from_context) X(avcodec_receive_packet) X(avcodec_send_frame)                  \
    X(avformat_alloc_output_context2) X(avformat_free_context) X(avformat_new_stream)                   \
    X(avformat_write_header) X(avio_alloc_context) X(avio_context_free) X(avio_flush)                   \
    X(av_log_set_level) X(swr_alloc_set_opts2) X(swr_convert) X(swr_free) X(swr_get_out_samples) X(swr_init)

typedef struct lt_ffmpeg_api {
#define LT_FFMPEG_MEMBER(fn) __typeof__(fn) *fn;
    LT_FFMPEG_FUNCTIONS(LT_FFMPEG_MEMBER)
#undef LT_FFMPEG_MEMBER
} lt_ffmpeg_api;

/* The table, loading the libraries on the first call (thread-safe). NULL when
 * a library or a function is missing; err then names the library and the
 * reason (dlerror's message). Later calls return the same answer. */
const lt_ffmpeg_api *lt_ffmpeg(lt_err *err);

/* 1 when this process has loaded FFmpeg (for tests and memory reports). */
int lt_ffmpeg_loaded(void);

#endif
