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

enum bm_proto { BM_TCP, BM_UDP };
enum bm_family { BM_IPV4, BM_IPV6 };
enum bm_addr { BM_ADDR_WILDCARD, BM_ADDR_LOOPBACK, BM_ADDR_V4MAPPED };

/* Where a socket binds. IPv6 sockets always set IPV6_V6ONLY explicitly, so a
 * cell means the same thing on every OS whatever its default. */
struct bm_endpoint {
  enum bm_family family;
  enum bm_addr addr;
  int v6only;
  int port;
};

/* Endpoints by name, as on command lines and in cells: "0.0.0.0",
 * "127.0.0.1", "[::]" and "[::1]" (IPv6 only), "[::]dual" (IPV6_V6ONLY off:
 * dual-stack) and "[::ffff:127.0.0.1]" (v4-mapped, on a dual-stack socket). */
int bm_endpoint_parse(const char *name, struct bm_endpoint *out);
const char *bm_endpoint_name(const struct bm_endpoint *ep);
const struct bm_endpoint *bm_endpoint_at(int i); /* NULL past the end */

/* The address a client connects to for a listener on ep: the loopback
 * address of its family for a wildcard, else ep itself. */
struct bm_endpoint bm_endpoint_connectable(const struct bm_endpoint *ep);

/* Of a listener on `a` and a second one on `b`, the endpoint whose address
 * both serve, most specific to b: where a client goes to find out which
 * listener gets new connections. (IPv4 when the other side is an IPv6
 * socket that takes IPv4 too.) */
const struct bm_endpoint *bm_endpoint_shared(const struct bm_endpoint *a,
                                             const struct bm_endpoint *b);

const char *bm_proto_name(enum bm_proto proto);
int bm_proto_parse(const char *name, enum bm_proto *out);

/* Per-OS (unix/sock.c, win/sock.c). */
int bm_net_init(void);
int bm_sock_last_error(void);
/* A socket of ep's family and v6only setting, not inherited by children. */
int bm_sock_open(enum bm_proto proto, const struct bm_endpoint *ep,
                 bm_socket *out);
int bm_sock_set(bm_socket s, enum bm_sockopt opt);
/* Drops every segment arriving on s from now on, so the peer that closes
 * next waits in LAST_ACK for an ACK that never comes. */
int bm_sock_block_input(bm_socket s);
int bm_sock_set_blocking(bm_socket s);
void bm_sock_close(bm_socket s);
/* The OS error number behind a libuv error code, for errors libuv reports
 * in its own terms (uv_tcp_bind). */
int bm_sock_error_from_uv(int uv_error);

/* Portable (bm_sock.c), on top of the above. */
socklen_t bm_endpoint_sockaddr(const struct bm_endpoint *ep,
                               struct sockaddr_storage *ss);
int bm_sock_set_option(bm_socket s, const struct bm_option *opt);
int bm_sock_bind(bm_socket s, const struct bm_endpoint *ep);
int bm_sock_listen(bm_socket s);
int bm_sock_accept(bm_socket s, bm_socket *out);
int bm_sock_connect(bm_socket s, const struct bm_endpoint *ep);
int bm_sock_shutdown_write(bm_socket s);
/* Closes with a reset (SO_LINGER 0): no TIME_WAIT is left on the port. */
void bm_sock_abort(bm_socket s);
/* 1 when accept() or recv() would not block now. */
int bm_sock_readable(bm_socket s);
int bm_sock_local_port(bm_socket s, int *port);

#endif
