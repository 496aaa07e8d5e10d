#include "role/uv_bind.h"

#include <stdint.h>
#include <stdlib.h>
#include <uv.h>

/* The loop only makes sockets and closes them: it never runs otherwise.
 * Each socket keeps its handle until it is closed: a role process holds
 * one at a time, the benchmark's in-process loop a listener and a probe. */
static uv_loop_t loop;
static int loop_ready;

struct handle {
  uv_tcp_t tcp;
  bm_socket fd;
  struct handle *next;
};
static struct handle *open_handles;

static int bound_port(uv_tcp_t *tcp) {
  struct sockaddr_storage name;
  int len = sizeof name;
  if (uv_tcp_getsockname(tcp, (struct sockaddr *)&name, &len) != 0)
    return 0;
  return ntohs(name.ss_family == AF_INET
                   ? ((struct sockaddr_in *)&name)->sin_port
                   : ((struct sockaddr_in6 *)&name)->sin6_port);
}

static void on_closed(uv_handle_t *h) { free(h->data); }

static void close_handle(struct handle *h) {
  h->tcp.data = h;
  uv_close((uv_handle_t *)&h->tcp, on_closed);
  uv_run(&loop, UV_RUN_NOWAIT); /* the close completes in the loop */
}

struct bm_status bm_uv_tcp_open(const struct bm_endpoint *ep, bm_socket *out) {
  struct sockaddr_storage addr;
  bm_endpoint_sockaddr(ep, &addr);
  *out = BM_NO_SOCKET;
  int err = loop_ready ? 0 : uv_loop_init(&loop);
  loop_ready = err == 0;
  struct handle *h = err == 0 ? calloc(1, sizeof *h) : NULL;
  if (err == 0 && !h)
    err = UV_ENOMEM;
  if (err == 0 && (err = uv_tcp_init_ex(&loop, &h->tcp, addr.ss_family)) != 0)
    free(h);
  if (err != 0)
    return bm_status(BM_STAGE_SOCKET, bm_sock_error_from_uv(err));
  err = uv_tcp_bind(&h->tcp, (struct sockaddr *)&addr,
                    ep->def->v6only == 1 ? UV_TCP_IPV6ONLY : 0);
  /* libuv defers EADDRINUSE to uv_listen() on every OS; its sign is a
   * socket that uv_tcp_bind accepted but that has no port. */
  if (err == 0 && bound_port(&h->tcp) == 0)
    err = UV_EADDRINUSE;
  if (err != 0) {
    close_handle(h);
    return bm_status(BM_STAGE_BIND, bm_sock_error_from_uv(err));
  }
  uv_os_fd_t fd;
  uv_fileno((uv_handle_t *)&h->tcp, &fd);
  h->fd = *out = (bm_socket)(intptr_t)fd;
  h->next = open_handles;
  open_handles = h;
  return bm_status(BM_STAGE_BIND, bm_sock_set_blocking(*out));
}

void bm_uv_tcp_close(bm_socket s) {
  for (struct handle **p = &open_handles; *p; p = &(*p)->next)
    if ((*p)->fd == s) {
      struct handle *h = *p;
      *p = h->next;
      close_handle(h);
      return;
    }
}
