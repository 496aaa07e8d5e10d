#include "vocab/error.h"

#include <stdio.h>
#include <string.h>
#include <uv.h>

#ifdef _WIN32
#include <winsock2.h>
#endif

/* Windows errors libuv 1.44 leaves UV_UNKNOWN although they have a POSIX
 * twin: named here, so that no cell reads "UNKNOWN" for them. */
static int twin_of(int os_error) {
#ifdef _WIN32
  static const struct {
    int os, uv;
  } twins[] = {
      {WSAENOPROTOOPT, UV_ENOPROTOOPT},
      {ERROR_ACCESS_DENIED, UV_EACCES},
      {ERROR_FILE_NOT_FOUND, UV_ENOENT},
  };
  for (size_t i = 0; i < sizeof twins / sizeof twins[0]; i++)
    if (twins[i].os == os_error)
      return twins[i].uv;
#else
  (void)os_error;
#endif
  return UV_UNKNOWN;
}

struct bm_error bm_error_from_os(int os_error) {
  if (os_error == 0)
    return BM_OK;
  int code = uv_translate_sys_error(os_error);
  if (code == UV_UNKNOWN)
    code = twin_of(os_error);
  return (struct bm_error){code, os_error};
}

struct bm_error bm_error_from_uv(int uv_code) {
  return (struct bm_error){uv_code, BM_NO_OS_ERROR};
}

/* Every name of the domain: ours, then libuv's own list (uv.h). */
static const struct bm_error_row rows[] = {{"ok", 0},
                                           {"unsupported", BM_EUNSUPPORTED},
#define NAMED(name, text) {#name, UV_##name},
                                           UV_ERRNO_MAP(NAMED)
#undef NAMED
};

const struct bm_table bm_error_table = BM_TABLE("error", rows);

const char *bm_error_name(int code) {
  for (int i = 0; i < bm_error_table.count; i++)
    if (rows[i].code == code)
      return rows[i].name;
  return "UNKNOWN"; /* an errno libuv has no name for: os_error says which */
}

int bm_error_parse(const char *name, int *code) {
  int i = bm_table_find(&bm_error_table, name);
  if (i >= 0)
    *code = rows[i].code;
  return i >= 0 ? 0 : -1;
}

void bm_error_describe(struct bm_error e, char *buf, size_t size) {
  if (e.os_error == BM_NO_OS_ERROR)
    snprintf(buf, size, "%s", bm_error_name(e.code));
  else
    snprintf(buf, size, "%s (%d)", bm_error_name(e.code), e.os_error);
}
