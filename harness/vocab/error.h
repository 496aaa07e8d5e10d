/* One error domain, as libuv's: a named, portable code (UV_EADDRINUSE, the
 * same on every OS) with the OS's own number kept beside it (98 on Linux,
 * 48 on FreeBSD and macOS, WSAEADDRINUSE 10048 on Windows). "unsupported"
 * (this OS or runtime cannot do it) is a code of its own, outside libuv's
 * range, never an errno. */
#ifndef BM_VOCAB_ERROR_H
#define BM_VOCAB_ERROR_H

#include "vocab/table.h"

#include <stddef.h>

/* Below every libuv code (UV_ERRNO_MAX is -4096). */
#define BM_EUNSUPPORTED (-5001)
#define BM_NO_OS_ERROR (-1)

struct bm_error {
  int code;     /* 0, a UV_E* code, or BM_EUNSUPPORTED */
  int os_error; /* the OS's number, or BM_NO_OS_ERROR */
};

#define BM_OK ((struct bm_error){0, BM_NO_OS_ERROR})
#define BM_UNSUPPORTED ((struct bm_error){BM_EUNSUPPORTED, BM_NO_OS_ERROR})

/* From an OS error number (errno; a WSA or Win32 code on Windows): 0 is
 * BM_OK. */
struct bm_error bm_error_from_os(int os_error);

/* From a libuv error code, when no OS number is known. */
struct bm_error bm_error_from_uv(int uv_code);

struct bm_error_row {
  const char *name;
  int code;
};

/* "ok", "unsupported" and every name libuv gives an error. */
extern const struct bm_table bm_error_table;

/* "ok", "EADDRINUSE", "unsupported"... */
const char *bm_error_name(int code);

/* The code of a name bm_error_name gives; -1 when it names none. */
int bm_error_parse(const char *name, int *code);

/* "EADDRINUSE (98)", "unsupported": for reasons people read. */
void bm_error_describe(struct bm_error e, char *buf, size_t size);

#endif
