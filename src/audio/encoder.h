/* encoder.h — 24 kHz float PCM → the response formats of the speech API,
 * incrementally: push samples as chunks are synthesised, bytes come out
 * through a write callback as soon as the format allows, so HTTP streaming
 * can send them at once.
 *
 * Formats: mp3, opus (Ogg), aac (ADTS), flac, wav, pcm (s16le, no header),
 * ulaw and alaw (G.711, 8 kHz by default). out_rate 0 = the format's default
 * (24000, except ulaw/alaw 8000 and opus 48000 internally); otherwise
 * 8000–48000, resampled with libswresample. Streamed WAV declares an unknown
 * length (0xFFFFFFFF sizes); MP3 carries no ID3/Xing header so streams
 * concatenate. */
#ifndef LT_AUDIO_ENCODER_H
#define LT_AUDIO_ENCODER_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

typedef struct lt_encoder lt_encoder;

/* Return non-zero to abort (e.g. the client went away): the encoder then fails. */
typedef int (*lt_encoder_write_fn)(void *ud, const uint8_t *data, size_t len);

/* streaming: the total length is unknown in advance (WAV gets 0xFFFFFFFF sizes). */
int lt_encoder_new(const char *format, int out_rate, int streaming, lt_encoder_write_fn write, void *ud,
                   lt_encoder **out, lt_err *err);
/* 24 kHz mono float samples in about [-1, 1] (clipped). */
int lt_encoder_push(lt_encoder *e, const float *pcm, size_t n, lt_err *err);
/* Flush everything and write trailers. */
int lt_encoder_finish(lt_encoder *e, lt_err *err);
void lt_encoder_free(lt_encoder *e);

/* Is this a known format name? MIME type for the HTTP Content-Type header. */
int lt_encoder_format_known(const char *format);
const char *lt_encoder_content_type(const char *format);
/* The default and allowed output rates of a format: 0 if it cannot be changed. */
int lt_encoder_default_rate(const char *format);

/* ---- additions (encoder.c / encoder_g711.c) ---- */

/* "mp3, opus, aac, flac, wav, pcm, ulaw, alaw": the known formats, for error messages. */
const char *lt_encoder_formats(void);
/* The sample rate of the bytes this encoder produces (after out_rate 0 is
 * resolved; 48000 for opus). */
int lt_encoder_rate(const lt_encoder *e);

/* G.711 (ITU-T, the Sun reference algorithm): 16-bit linear <-> 8-bit code.
 * Silence encodes as 0xFF (mu-law) and 0xD5 (A-law). */
uint8_t lt_g711_ulaw_encode(int16_t x);
int16_t lt_g711_ulaw_decode(uint8_t u);
uint8_t lt_g711_alaw_encode(int16_t x);
int16_t lt_g711_alaw_decode(uint8_t a);

#endif
