/* npy.h — NumPy .npy (format 1.0/2.0/3.0) reader and writer, .npz archives,
 * and the bounded zip-member reader shared with the PyTorch loader (pth.c).
 *
 * Supported element types (little-endian, C order only): <f4 <f8 <f2 <i8 <i4
 * <i2 |i1 |u1 |b1, mapped to LT_F32 LT_F64 LT_F16 LT_I64 LT_I32 LT_I16 LT_I8
 * LT_U8 LT_BOOL. fortran_order True, big-endian data ('>f4'), structured and
 * object dtypes are refused with an error naming the file and the field.
 *
 * Every reader appends owned tensors to an existing set; on failure nothing is
 * added (tensors added by the failing call are removed again). */
#ifndef LT_ENGINE_NPY_H
#define LT_ENGINE_NPY_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "engine/tensor.h"

/* Largest .npy header accepted (format 2.0 allows 4 GiB; numpy writes < 1 KiB). */
#define LT_NPY_MAX_HEADER (1 << 20)

/* Read one .npy file (or buffer) and add it to `set` as tensor `name`. `what`
 * names the buffer in messages. */
int lt_npy_read_file(const char *path, lt_tensor_set *set, const char *name, lt_err *err);
int lt_npy_read_mem(const void *buf, size_t len, const char *what, lt_tensor_set *set,
                    const char *name, lt_err *err);

/* Write a C-order array as .npy (format 1.0, header padded to 64 bytes, as
 * numpy.save does). dtype must be one of the supported types above. */
int lt_npy_write_file(const char *path, lt_dtype dtype, int ndim, const int64_t *shape,
                      const void *data, lt_err *err);

/* Load every "<name>.npy" member of an .npz (zip, stored or deflated) as a
 * tensor named <name>. Other members are ignored. */
int lt_npz_load(const char *path, lt_tensor_set *set, lt_err *err);
int lt_npz_load_mem(const void *buf, size_t len, const char *what, lt_tensor_set *set, lt_err *err);

/* Load only member "<member>.npy" as tensor `name` (NULL: the member name).
 * A missing member gives an error listing the members that exist. */
int lt_npz_load_member(const char *path, const char *member, lt_tensor_set *set, const char *name,
                       lt_err *err);

/* Names of the .npy members (without ".npy"), in archive order. *names is a
 * malloc'd array of malloc'd strings; free with lt_npz_names_free. */
int lt_npz_list(const char *path, char ***names, int *count, lt_err *err);
void lt_npz_names_free(char **names, int count);

/* ---- zip helpers (shared with pth.c) -------------------------------------
 * Open an archive read-only with consistency checks; *archive_size receives
 * its size in bytes (used to bound member sizes). lt_zip_open_mem does not
 * copy or take ownership of buf, which must outlive the archive. Close with
 * zip_discard(). */
struct zip;
int lt_zip_open_file(const char *path, struct zip **za, uint64_t *archive_size, lt_err *err);
int lt_zip_open_mem(const void *buf, size_t len, const char *what, struct zip **za,
                    uint64_t *archive_size, lt_err *err);
/* Read member `index` fully into a malloc'd buffer (*data, *len; *data is
 * non-NULL even for an empty member). Only stored and deflated members are
 * accepted; declared sizes are checked against the archive size and the
 * largest possible deflate ratio before anything is allocated, and the bytes
 * read must match the declared size exactly (libzip also checks the CRC). */
int lt_zip_read_index(struct zip *za, uint64_t index, uint64_t archive_size, const char *what,
                      void **data, size_t *len, lt_err *err);

#endif
