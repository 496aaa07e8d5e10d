#include "bm_uv_bind.h"

#include <stdint.h>
#include <uv.h>

/* The loop is never run: it only makes the socket. Neither is closed, since
 * closing the handle would close the socket the role goes on to use. */
static uv_loop_t loop;
static uv_tcp_t tcp;

static int bound_port(void) {
  struct sockaddr_storage name;
  int len = sizeof name;
  if (uv_tcp_getsockname(&tcp, (struct sockaddr *)&name, &len) != 0)
    return 0;
  return ntohs(name.ss_family == AF_INET
                   ? ((struct sockaddr_in *)&name)->sin_port
                   : ((struct sockaddr_in6 *)&name)->sin6_port);
}

int bm_uv_tcp_bind(const struct bm_endpoint *ep, bm_socket *out,
                   enum bm_stage *stage) {
  struct sockaddr_storage addr;
  bm_endpoint_sockaddr(ep, &addr);
  *stage = BM_STAGE_SOCKET;
  int err = uv_loop_init(&loop);
  if (err == 0)
    err = uv_tcp_init_ex(&loop, &tcp, addr.ss_family);
  if (err != 0)
    return bm_sock_error_from_uv(err);
  *stage = BM_STAGE_BIND;
  err = uv_tcp_bind(&tcp, (struct sockaddr *)&addr,
                    ep->v6only ? UV_TCP_IPV6ONLY : 0);
  if (err != 0)
    return bm_sock_error_from_uv(err);
  /* libuv defers EADDRINUSE to uv_listen() on every OS; its sign is a
   * socket that uv_tcp_bind accepted but that has no port. */
  if (bound_port() == 0)
    return bm_sock_error_from_uv(UV_EADDRINUSE);
  uv_os_fd_t fd;
  uv_fileno((uv_handle_t *)&tcp, &fd);
  *out = (bm_socket)(intptr_t)fd;
  return bm_sock_set_blocking(*out);
}
