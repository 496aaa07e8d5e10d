#include "bm_cell.h"

#include <uv.h>

void bm_error_name(int os_error, char *buf, size_t size) {
  if (os_error == 0) {
    snprintf(buf, size, "ok");
    return;
  }
  uv_err_name_r(uv_translate_sys_error(os_error), buf, size);
}
