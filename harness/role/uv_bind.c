#include "role/uv_bind.h"

#include <stdint.h>
#include <uv.h>

/* The loop only makes the socket and closes it: it never runs otherwise. */
static uv_loop_t loop;
static uv_tcp_t tcp;
static int loop_ready, handle_open;

static int bound_port(void) {
  struct sockaddr_storage name;
  int len = sizeof name;
  if (uv_tcp_getsockname(&tcp, (struct sockaddr *)&name, &len) != 0)
    return 0;
  return ntohs(name.ss_family == AF_INET
                   ? ((struct sockaddr_in *)&name)->sin_port
                   : ((struct sockaddr_in6 *)&name)->sin6_port);
}

struct bm_status bm_uv_tcp_open(const struct bm_endpoint *ep, bm_socket *out) {
  struct sockaddr_storage addr;
  bm_endpoint_sockaddr(ep, &addr);
  *out = BM_NO_SOCKET;
  int err = loop_ready ? 0 : uv_loop_init(&loop);
  loop_ready = err == 0;
  if (err == 0)
    err = uv_tcp_init_ex(&loop, &tcp, addr.ss_family);
  if (err != 0)
    return bm_status(BM_STAGE_SOCKET, bm_sock_error_from_uv(err));
  handle_open = 1;
  err = uv_tcp_bind(&tcp, (struct sockaddr *)&addr,
                    ep->def->v6only == 1 ? UV_TCP_IPV6ONLY : 0);
  /* libuv defers EADDRINUSE to uv_listen() on every OS; its sign is a
   * socket that uv_tcp_bind accepted but that has no port. */
  if (err == 0 && bound_port() == 0)
    err = UV_EADDRINUSE;
  if (err != 0) {
    bm_uv_tcp_close();
    return bm_status(BM_STAGE_BIND, bm_sock_error_from_uv(err));
  }
  uv_os_fd_t fd;
  uv_fileno((uv_handle_t *)&tcp, &fd);
  *out = (bm_socket)(intptr_t)fd;
  return bm_status(BM_STAGE_BIND, bm_sock_set_blocking(*out));
}

void bm_uv_tcp_close(void) {
  if (!handle_open)
    return;
  handle_open = 0;
  uv_close((uv_handle_t *)&tcp, NULL);
  uv_run(&loop, UV_RUN_NOWAIT); /* the close completes in the loop */
}
