/* The portable half of the socket layer: plain BSD socket calls whose only
 * per-OS difference is where the error number comes from. */
#include "bm_sock.h"

#include <string.h>

static const char *const family_names[] = {
    [BM_IPV4] = "ipv4", [BM_IPV6] = "ipv6"};
static const char *const addr_names[] = {
    [BM_ADDR_WILDCARD] = "wildcard", [BM_ADDR_SPECIFIC] = "specific"};

static int parse_name(const char *const *names, int count, const char *name) {
  for (int i = 0; i < count; i++)
    if (strcmp(names[i], name) == 0)
      return i;
  return -1;
}

const char *bm_family_name(enum bm_family family) {
  return family_names[family];
}

int bm_family_parse(const char *name, enum bm_family *out) {
  int i = parse_name(family_names, 2, name);
  *out = (enum bm_family)i;
  return i < 0 ? -1 : 0;
}

const char *bm_addr_name(enum bm_addr addr) { return addr_names[addr]; }

int bm_addr_parse(const char *name, enum bm_addr *out) {
  int i = parse_name(addr_names, 2, name);
  *out = (enum bm_addr)i;
  return i < 0 ? -1 : 0;
}

static int check(int rc) { return rc == 0 ? 0 : bm_sock_last_error(); }

static socklen_t endpoint_to_sockaddr(const struct bm_endpoint *ep,
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
  sin6->sin6_addr =
      ep->addr == BM_ADDR_WILDCARD ? in6addr_any : in6addr_loopback;
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
  socklen_t len = endpoint_to_sockaddr(ep, &ss);
  return check(bind(s, (struct sockaddr *)&ss, len));
}

int bm_sock_listen(bm_socket s) { return check(listen(s, 16)); }

int bm_sock_accept(bm_socket s, bm_socket *out) {
  *out = accept(s, NULL, NULL);
  return *out == BM_NO_SOCKET ? bm_sock_last_error() : 0;
}

int bm_sock_connect(bm_socket s, const struct bm_endpoint *ep) {
  struct bm_endpoint loopback = *ep;
  loopback.addr = BM_ADDR_SPECIFIC; /* one cannot connect to a wildcard */
  struct sockaddr_storage ss;
  socklen_t len = endpoint_to_sockaddr(&loopback, &ss);
  return check(connect(s, (struct sockaddr *)&ss, len));
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
