/* The Unix half of the socket layer: close-on-exec sockets, and the options
 * and tricks this OS's headers define. What they do not define is
 * BM_UNSUPPORTED: Linux alone has socket filters (SO_ATTACH_FILTER) (and
 * TCP_QUICKACK, an optimisation elsewhere skipped); SO_REUSEPORT_LB is FreeBSD
 * 12's; SO_EXCLUSIVEADDRUSE is Winsock's. */
#include "os/sock.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <unistd.h>
#ifdef __linux__
#include <linux/filter.h>
#endif

struct bm_error bm_net_init(void) {
  return BM_OK;
}

struct bm_error bm_sock_last_error(void) {
  return bm_error_from_os(errno);
}

static struct bm_error set_int(bm_socket s, int level, int name, int value) {
  return setsockopt(s, level, name, &value, sizeof value) == 0
             ? BM_OK
             : bm_sock_last_error();
}

/* SOCK_CLOEXEC where the OS has it, so no child of a role inherits the port;
 * otherwise FD_CLOEXEC right after (a role starts no children meanwhile). */
static struct bm_error open_cloexec(int domain, int type, bm_socket *out) {
#ifdef SOCK_CLOEXEC
  *out = socket(domain, type | SOCK_CLOEXEC, 0);
  return *out < 0 ? bm_sock_last_error() : BM_OK;
#else
  *out = socket(domain, type, 0);
  if (*out < 0)
    return bm_sock_last_error();
  return fcntl(*out, F_SETFD, FD_CLOEXEC) == 0 ? BM_OK : bm_sock_last_error();
#endif
}

struct bm_error bm_sock_open(enum bm_proto proto,
                             const struct bm_endpoint_def *ep, bm_socket *out) {
  struct bm_error err =
      open_cloexec(ep->ip == BM_IPV4 ? AF_INET : AF_INET6,
                   proto == BM_TCP ? SOCK_STREAM : SOCK_DGRAM, out);
  if (err.code == 0 && ep->ip == BM_IPV6)
    err = set_int(*out, IPPROTO_IPV6, IPV6_V6ONLY, ep->v6only);
  if (err.code != 0 && *out >= 0) {
    close(*out);
    *out = BM_NO_SOCKET;
  }
  return err;
}

struct bm_error bm_sock_set(bm_socket s, enum bm_sockopt opt) {
  switch (opt) {
  case BM_SO_REUSEADDR:
    return set_int(s, SOL_SOCKET, SO_REUSEADDR, 1);
  case BM_SO_REUSEPORT:
#ifdef SO_REUSEPORT
    return set_int(s, SOL_SOCKET, SO_REUSEPORT, 1);
#else
    return BM_UNSUPPORTED;
#endif
  case BM_SO_REUSEPORT_LB:
#ifdef SO_REUSEPORT_LB
    return set_int(s, SOL_SOCKET, SO_REUSEPORT_LB, 1);
#else
    return BM_UNSUPPORTED;
#endif
  case BM_SO_EXCLUSIVEADDRUSE:
    return BM_UNSUPPORTED;
  }
  return BM_UNSUPPORTED;
}

/* Linux: a classic BPF socket filter that accepts nothing. TCP runs socket
 * filters before it processes a segment, so nothing is acknowledged. */
struct bm_error bm_sock_block_input(bm_socket s) {
#ifdef SO_ATTACH_FILTER
  struct sock_filter drop_all[] = {{BPF_RET | BPF_K, 0, 0, 0}};
  struct sock_fprog prog = {1, drop_all};
  return setsockopt(s, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) == 0
             ? BM_OK
             : bm_sock_last_error();
#else
  (void)s;
  return BM_UNSUPPORTED;
#endif
}

/* Where the OS has no such switch the witness waits for the delayed ACK,
 * as it always has: nothing to do, nothing failed. */
struct bm_error bm_sock_quickack(bm_socket s) {
#ifdef TCP_QUICKACK
  return set_int(s, IPPROTO_TCP, TCP_QUICKACK, 1);
#else
  (void)s;
  return BM_OK;
#endif
}

struct bm_error bm_sock_set_blocking(bm_socket s) {
  int flags = fcntl(s, F_GETFL);
  if (flags < 0 || fcntl(s, F_SETFL, flags & ~O_NONBLOCK) < 0)
    return bm_sock_last_error();
  return BM_OK;
}

void bm_sock_close(bm_socket s) { close(s); }

/* libuv's error codes on Unix are negated errno values. */
struct bm_error bm_sock_error_from_uv(int uv_code) {
  return (struct bm_error){uv_code, -uv_code};
}
