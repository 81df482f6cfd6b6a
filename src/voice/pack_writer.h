/* pack_writer.h — writing a voice pack as a `.pt` file that PyTorch's
 * torch.load reads (weights_only too): a minimal torch.save ZIP archive with
 * <name>/data.pkl (a protocol-2 pickle of torch._utils._rebuild_tensor_v2
 * over one FloatStorage persistent id, shape [rows, 1, width], contiguous),
 * <name>/data/0 (the raw little-endian float32 values, stored uncompressed),
 * <name>/byteorder ("little") and <name>/version ("3"). */
#ifndef LT_VOICE_PACK_WRITER_H
#define LT_VOICE_PACK_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "voice/voice_pack.h"

/* The archive in memory (*out malloc'd). `name` is the archive's top folder
 * (letters, digits, _ and -; NULL = "archive"). */
int lt_pack_write_pt_mem(const lt_voice_pack *p, const char *name, uint8_t **out, size_t *len, lt_err *err);
/* The same, written to a file (temporary name + rename). */
int lt_pack_write_pt(const lt_voice_pack *p, const char *name, const char *path, lt_err *err);

#endif
