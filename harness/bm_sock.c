/* The portable half of the socket layer: plain BSD socket calls whose only
 * per-OS difference is where the error number comes from. */
#include "bm_sock.h"

#include <string.h>
#ifndef _WIN32
#include <sys/select.h>
#endif

#ifdef _WIN32
#define SHUT_WR SD_SEND
#endif

static const struct bm_endpoint endpoints[] = {
    {BM_IPV4, BM_ADDR_WILDCARD, 0, 0}, {BM_IPV4, BM_ADDR_LOOPBACK, 0, 0},
    {BM_IPV6, BM_ADDR_WILDCARD, 1, 0}, {BM_IPV6, BM_ADDR_LOOPBACK, 1, 0},
    {BM_IPV6, BM_ADDR_WILDCARD, 0, 0}, {BM_IPV6, BM_ADDR_V4MAPPED, 0, 0},
};
static const char *const endpoint_names[] = {
    "0.0.0.0", "127.0.0.1", "[::]", "[::1]", "[::]dual", "[::ffff:127.0.0.1]",
};
#define ENDPOINT_COUNT ((int)(sizeof endpoints / sizeof endpoints[0]))

static const char *const proto_names[] = {[BM_TCP] = "tcp", [BM_UDP] = "udp"};

int bm_endpoint_parse(const char *name, struct bm_endpoint *out) {
  for (int i = 0; i < ENDPOINT_COUNT; i++)
    if (strcmp(endpoint_names[i], name) == 0) {
      *out = endpoints[i];
      return 0;
    }
  return -1;
}

const char *bm_endpoint_name(const struct bm_endpoint *ep) {
  for (int i = 0; i < ENDPOINT_COUNT; i++)
    if (endpoints[i].family == ep->family && endpoints[i].addr == ep->addr &&
        endpoints[i].v6only == ep->v6only)
      return endpoint_names[i];
  return "?";
}

const struct bm_endpoint *bm_endpoint_at(int i) {
  return i >= 0 && i < ENDPOINT_COUNT ? &endpoints[i] : NULL;
}

struct bm_endpoint bm_endpoint_connectable(const struct bm_endpoint *ep) {
  struct bm_endpoint to = *ep;
  if (to.addr == BM_ADDR_WILDCARD)
    to.addr = BM_ADDR_LOOPBACK;
  return to;
}

const struct bm_endpoint *bm_endpoint_shared(const struct bm_endpoint *a,
                                             const struct bm_endpoint *b) {
  if (a->family != b->family)
    return a->family == BM_IPV4 ? a : b;
  return b->addr != BM_ADDR_WILDCARD ? b : a;
}

const char *bm_proto_name(enum bm_proto proto) { return proto_names[proto]; }

int bm_proto_parse(const char *name, enum bm_proto *out) {
  for (int i = 0; i < 2; i++)
    if (strcmp(proto_names[i], name) == 0) {
      *out = (enum bm_proto)i;
      return 0;
    }
  return -1;
}

static int check(int rc) { return rc == 0 ? 0 : bm_sock_last_error(); }

socklen_t bm_endpoint_sockaddr(const struct bm_endpoint *ep,
                               struct sockaddr_storage *ss) {
  memset(ss, 0, sizeof *ss);
  if (ep->family == BM_IPV4) {
    struct sockaddr_in *sin = (struct sockaddr_in *)ss;
    sin->sin_family = AF_INET;
    sin->sin_port = htons((unsigned short)ep->port);
    sin->sin_addr.s_addr =
        htonl(ep->addr == BM_ADDR_WILDCARD ? INADDR_ANY : INADDR_LOOPBACK);
    return sizeof *sin;
  }
  struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
  sin6->sin6_family = AF_INET6;
  sin6->sin6_port = htons((unsigned short)ep->port);
  if (ep->addr == BM_ADDR_LOOPBACK) {
    sin6->sin6_addr = in6addr_loopback;
  } else if (ep->addr == BM_ADDR_V4MAPPED) {
    static const unsigned char mapped_loopback[16] = {
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1};
    memcpy(&sin6->sin6_addr, mapped_loopback, sizeof mapped_loopback);
  } else {
    sin6->sin6_addr = in6addr_any;
  }
  return sizeof *sin6;
}

int bm_sock_set_option(bm_socket s, const struct bm_option *opt) {
  for (unsigned bit = 1; bit != 0 && bit <= opt->sockopts; bit <<= 1) {
    if (!(opt->sockopts & bit))
      continue;
    int err = bm_sock_set(s, (enum bm_sockopt)bit);
    if (err != 0)
      return err;
  }
  return 0;
}

int bm_sock_bind(bm_socket s, const struct bm_endpoint *ep) {
  struct sockaddr_storage ss;
  socklen_t len = bm_endpoint_sockaddr(ep, &ss);
  return check(bind(s, (struct sockaddr *)&ss, len));
}

/* Room for every connection of a hijack test (BM_HIJACK_CONNECTIONS). */
int bm_sock_listen(bm_socket s) { return check(listen(s, 128)); }

int bm_sock_accept(bm_socket s, bm_socket *out) {
  *out = accept(s, NULL, NULL);
  return *out == BM_NO_SOCKET ? bm_sock_last_error() : 0;
}

int bm_sock_connect(bm_socket s, const struct bm_endpoint *ep) {
  struct bm_endpoint to = bm_endpoint_connectable(ep);
  struct sockaddr_storage ss;
  socklen_t len = bm_endpoint_sockaddr(&to, &ss);
  return check(connect(s, (struct sockaddr *)&ss, len));
}

int bm_sock_shutdown_write(bm_socket s) { return check(shutdown(s, SHUT_WR)); }

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

int bm_sock_local_port(bm_socket s, int *port) {
  struct sockaddr_storage ss;
  socklen_t len = sizeof ss;
  if (getsockname(s, (struct sockaddr *)&ss, &len) != 0)
    return bm_sock_last_error();
  *port =
      ntohs(ss.ss_family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
                                    : ((struct sockaddr_in6 *)&ss)->sin6_port);
  return 0;
}
