/* encoder_g711.c — G.711 mu-law and A-law companding for the ulaw/alaw
 * response formats (see encoder.h). The classic Sun/CCITT reference
 * algorithm: the encoder picks the segment and truncates to 4 mantissa bits,
 * the decoder returns the middle of the quantisation interval. */
#include "audio/encoder.h"

/* ---- mu-law: 14-bit magnitude with a bias of 0x84 (132 on the 16-bit scale) ---- */

#define ULAW_BIAS 0x84
#define ULAW_CLIP 32635

uint8_t lt_g711_ulaw_encode(int16_t x) {
    int v = x, sign = 0;
    if (v < 0) {
        v = -v;
        sign = 0x80;
    }
    if (v > ULAW_CLIP) v = ULAW_CLIP;
    v += ULAW_BIAS; /* now 132..32767: the exponent is the position of the top bit above bit 7 */
    int exp = 7;
    for (int mask = 0x4000; exp > 0 && !(v & mask); mask >>= 1) exp--;
    int mant = (v >> (exp + 3)) & 0x0F;
    return (uint8_t)~(sign | (exp << 4) | mant);
}

int16_t lt_g711_ulaw_decode(uint8_t u) {
    u = (uint8_t)~u;
    int t = (((u & 0x0F) << 3) + ULAW_BIAS) << ((u & 0x70) >> 4);
    return (int16_t)((u & 0x80) ? ULAW_BIAS - t : t - ULAW_BIAS);
}

/* ---- A-law: 13-bit, even bits inverted (0x55) ---- */

uint8_t lt_g711_alaw_encode(int16_t x) {
    int v = x >> 3, mask;
    if (v >= 0) {
        mask = 0xD5;
    } else {
        mask = 0x55;
        v = -v - 1;
    }
    int seg = 0;
    while (seg < 8 && v > (0x20 << seg) - 1) seg++; /* segment ends 0x1F, 0x3F, ..., 0xFFF */
    if (seg >= 8) return (uint8_t)(0x7F ^ mask);
    int a = seg << 4;
    a |= seg < 2 ? (v >> 1) & 0x0F : (v >> seg) & 0x0F;
    return (uint8_t)(a ^ mask);
}

int16_t lt_g711_alaw_decode(uint8_t a) {
    a ^= 0x55;
    int t = (a & 0x0F) << 4;
    int seg = (a & 0x70) >> 4;
    if (seg == 0) t += 8;
    else if (seg == 1) t += 0x108;
    else t = (t + 0x108) << (seg - 1);
    return (int16_t)((a & 0x80) ? t : -t);
}
