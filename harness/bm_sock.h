/* The socket calls libuv does not make for us: options set before bind(), and
 * a bare bind() whose error we want verbatim. Each call returns 0, the OS error
 * number (errno, or the WSA code on Windows), or BM_UNSUPPORTED when this OS
 * has no such option. The per-OS parts live in unix/sock.c and win/sock.c. */
#ifndef BM_SOCK_H
#define BM_SOCK_H

#include "bm_options.h"

#ifdef _WIN32
#include <winsock2.h>
#include <ws2tcpip.h>
typedef SOCKET bm_socket;
#define BM_NO_SOCKET INVALID_SOCKET
#else
#include <netinet/in.h>
#include <sys/socket.h>
typedef int bm_socket;
#define BM_NO_SOCKET (-1)
#endif

#define BM_UNSUPPORTED (-1)

/* ipv6 is "::" or "::1" with IPV6_V6ONLY on: IPv6 only, whatever the OS
 * default is, so that the cell means the same thing everywhere. */
enum bm_family { BM_IPV4, BM_IPV6 };

/* wildcard: 0.0.0.0 or ::; specific: the loopback address of the family. */
enum bm_addr { BM_ADDR_WILDCARD, BM_ADDR_SPECIFIC };

struct bm_endpoint {
  enum bm_family family;
  enum bm_addr addr;
  int port;
};

/* Names as written in cells and on command lines; parse returns 0 or -1. */
const char *bm_family_name(enum bm_family family);
int bm_family_parse(const char *name, enum bm_family *out);
const char *bm_addr_name(enum bm_addr addr);
int bm_addr_parse(const char *name, enum bm_addr *out);

/* Per-OS (unix/sock.c, win/sock.c). */
int bm_net_init(void);
int bm_sock_last_error(void);
int bm_sock_open(enum bm_family family,
                 bm_socket *out); /* TCP, not inherited */
int bm_sock_set(bm_socket s, enum bm_sockopt opt);
void bm_sock_close(bm_socket s);

/* Portable (bm_sock.c), on top of the above. */
int bm_sock_set_option(bm_socket s, const struct bm_option *opt);
int bm_sock_bind(bm_socket s, const struct bm_endpoint *ep);
int bm_sock_listen(bm_socket s);
int bm_sock_accept(bm_socket s, bm_socket *out);
int bm_sock_connect(bm_socket s, const struct bm_endpoint *ep);
int bm_sock_local_port(bm_socket s, int *port);

#endif
