/* The socket calls libuv does not make for us: options set before bind(),
 * and a bare bind() whose error we want verbatim. Every call returns a
 * struct bm_error: the portable code and the OS's own number; a primitive
 * this OS lacks is BM_UNSUPPORTED. The per-OS halves are os/unix/sock.c and
 * os/windows/sock.c; os/sock.c is the portable half on top of them. */
#ifndef BM_OS_SOCK_H
#define BM_OS_SOCK_H

#include "vocab/endpoints.h"
#include "vocab/error.h"
#include "vocab/names.h"
#include "vocab/options.h"

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

/* Per-OS (os/unix/sock.c, os/windows/sock.c). */
struct bm_error bm_net_init(void);
struct bm_error bm_sock_last_error(void);
/* A socket of ep's family, IPV6_V6ONLY as ep says, not inherited by
 * children. */
struct bm_error bm_sock_open(enum bm_proto proto,
                             const struct bm_endpoint_def *ep, bm_socket *out);
struct bm_error bm_sock_set(bm_socket s, enum bm_sockopt opt);
/* Drops every segment arriving on s from now on, so the peer that closes
 * next waits in LAST_ACK for an ACK that never comes. */
struct bm_error bm_sock_block_input(bm_socket s);
/* Acknowledges what arrives at once, not after a delayed-ACK timer, so the
 * server that closes first reaches FIN_WAIT_2 without waiting; BM_OK and
 * nothing done where the OS has no such switch. */
struct bm_error bm_sock_quickack(bm_socket s);
struct bm_error bm_sock_set_blocking(bm_socket s);
void bm_sock_close(bm_socket s);
/* The OS's error behind a libuv error code, for calls libuv makes for us
 * (uv_tcp_bind). */
struct bm_error bm_sock_error_from_uv(int uv_code);

/* Portable (os/sock.c), on top of the above. */
socklen_t bm_endpoint_sockaddr(const struct bm_endpoint *ep,
                               struct sockaddr_storage *ss);
/* The option's primitives in bit order; the first that fails says so. */
struct bm_error bm_sock_set_options(bm_socket s, unsigned sockopts);
struct bm_error bm_sock_bind(bm_socket s, const struct bm_endpoint *ep);
struct bm_error bm_sock_listen(bm_socket s);
struct bm_error bm_sock_accept(bm_socket s, bm_socket *out);
struct bm_error bm_sock_connect(bm_socket s, const struct bm_endpoint *ep);
struct bm_error bm_sock_shutdown_write(bm_socket s);
/* Closes with a reset (SO_LINGER 0): no TIME_WAIT is left on the port. */
void bm_sock_abort(bm_socket s);
/* 1 when accept() or recv() would not block now. */
int bm_sock_readable(bm_socket s);
struct bm_error bm_sock_local_port(bm_socket s, int *port);

#endif
