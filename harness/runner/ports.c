#include "runner/ports.h"

#include <uv.h>

#define ATTEMPTS 64

/* One port the OS considers free in every family. */
static struct bm_error free_everywhere(enum bm_proto proto, int *port) {
  struct bm_endpoint any = {bm_endpoint_find("[::]dual"), 0};
  bm_socket s;
  struct bm_error err = bm_sock_open(proto, any.def, &s);
  if (err.code != 0)
    return err;
  err = bm_sock_bind(s, &any);
  if (err.code == 0)
    err = bm_sock_local_port(s, port);
  bm_sock_close(s);
  return err;
}

struct bm_error bm_ports_take(struct bm_ports *ports, enum bm_proto proto,
                              int *port) {
  unsigned char *used = ports->used[proto];
  for (int i = 0; i < ATTEMPTS; i++) {
    struct bm_error err = free_everywhere(proto, port);
    if (err.code != 0)
      return err;
    if (!(used[*port / 8] & (1u << (*port % 8)))) {
      used[*port / 8] |= (unsigned char)(1u << (*port % 8));
      return BM_OK;
    }
  }
  return bm_error_from_uv(UV_EADDRNOTAVAIL);
}
