/* The portable half of the socket layer: plain BSD socket calls whose only
 * per-OS difference is where the error number comes from. */
#include "os/sock.h"

#include <string.h>
#ifndef _WIN32
#include <sys/select.h>
#endif

#ifdef _WIN32
#define SHUT_WR SD_SEND
#endif

static struct bm_error check(int rc) {
  return rc == 0 ? BM_OK : bm_sock_last_error();
}

socklen_t bm_endpoint_sockaddr(const struct bm_endpoint *ep,
                               struct sockaddr_storage *ss) {
  memset(ss, 0, sizeof *ss);
  if (ep->def->ip == BM_IPV4) {
    struct sockaddr_in *sin = (struct sockaddr_in *)ss;
    sin->sin_family = AF_INET;
    sin->sin_port = htons((unsigned short)ep->port);
    memcpy(&sin->sin_addr, ep->def->address, sizeof sin->sin_addr);
    return sizeof *sin;
  }
  struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
  sin6->sin6_family = AF_INET6;
  sin6->sin6_port = htons((unsigned short)ep->port);
  memcpy(&sin6->sin6_addr, ep->def->address, sizeof sin6->sin6_addr);
  return sizeof *sin6;
}

struct bm_error bm_sock_set_options(bm_socket s, unsigned sockopts) {
  for (unsigned bit = 1; bit != 0 && bit <= sockopts; bit <<= 1) {
    if (!(sockopts & bit))
      continue;
    struct bm_error err = bm_sock_set(s, (enum bm_sockopt)bit);
    if (err.code != 0)
      return err;
  }
  return BM_OK;
}

struct bm_error bm_sock_bind(bm_socket s, const struct bm_endpoint *ep) {
  struct sockaddr_storage ss;
  socklen_t len = bm_endpoint_sockaddr(ep, &ss);
  return check(bind(s, (struct sockaddr *)&ss, len));
}

/* Room for every connection of a hijack test. */
struct bm_error bm_sock_listen(bm_socket s) {
  return check(listen(s, 128));
}

struct bm_error bm_sock_accept(bm_socket s, bm_socket *out) {
  *out = accept(s, NULL, NULL);
  return *out == BM_NO_SOCKET ? bm_sock_last_error() : BM_OK;
}

struct bm_error bm_sock_connect(bm_socket s, const struct bm_endpoint *ep) {
  struct sockaddr_storage ss;
  socklen_t len = bm_endpoint_sockaddr(ep, &ss);
  return check(connect(s, (struct sockaddr *)&ss, len));
}

struct bm_error bm_sock_shutdown_write(bm_socket s) {
  return check(shutdown(s, SHUT_WR));
}

void bm_sock_abort(bm_socket s) {
  struct linger reset = {1, 0};
  setsockopt(s, SOL_SOCKET, SO_LINGER, (const char *)&reset, sizeof reset);
  bm_sock_close(s);
}

int bm_sock_readable(bm_socket s) {
  fd_set readable;
  struct timeval now = {0, 0};
  FD_ZERO(&readable);
  FD_SET(s, &readable);
  return select((int)s + 1, &readable, NULL, NULL, &now) == 1;
}

struct bm_error bm_sock_local_port(bm_socket s, int *port) {
  struct sockaddr_storage ss;
  socklen_t len = sizeof ss;
  if (getsockname(s, (struct sockaddr *)&ss, &len) != 0)
    return bm_sock_last_error();
  *port =
      ntohs(ss.ss_family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
                                    : ((struct sockaddr_in6 *)&ss)->sin6_port);
  return BM_OK;
}
