#include "bm_ports.h"

#define ATTEMPTS 64

/* One port the OS considers free in every family, or an error. */
static int free_everywhere(enum bm_proto proto, int *port) {
  struct bm_endpoint any;
  bm_endpoint_parse("[::]dual", &any);
  bm_socket s;
  int err = bm_sock_open(proto, &any, &s);
  if (err != 0)
    return err;
  err = bm_sock_bind(s, &any);
  if (err == 0)
    err = bm_sock_local_port(s, port);
  bm_sock_close(s);
  return err;
}

int bm_ports_take(struct bm_ports *ports, enum bm_proto proto, int *port) {
  unsigned char *used = ports->used[proto];
  for (int i = 0; i < ATTEMPTS; i++) {
    int err = free_everywhere(proto, port);
    if (err != 0)
      return err;
    if (!(used[*port / 8] & (1u << (*port % 8)))) {
      used[*port / 8] |= (unsigned char)(1u << (*port % 8));
      return 0;
    }
  }
  return BM_UNSUPPORTED;
}
