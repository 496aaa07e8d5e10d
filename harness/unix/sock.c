/* The Unix half of the socket layer: close-on-exec sockets, and the options
 * this OS has. An option the headers do not define is BM_UNSUPPORTED. */
#include "../bm_sock.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#ifdef __linux__
#include <linux/filter.h>
#endif

int bm_net_init(void) { return 0; }

int bm_sock_last_error(void) { return errno; }

static int set_int(bm_socket s, int level, int name, int value) {
  return setsockopt(s, level, name, &value, sizeof value) == 0 ? 0 : errno;
}

/* SOCK_CLOEXEC where the OS has it, so no child of a role inherits the port;
 * otherwise FD_CLOEXEC right after (a role starts no children meanwhile). */
static int open_cloexec(int domain, int type, bm_socket *out) {
#ifdef SOCK_CLOEXEC
  *out = socket(domain, type | SOCK_CLOEXEC, 0);
  return *out < 0 ? errno : 0;
#else
  *out = socket(domain, type, 0);
  if (*out < 0)
    return errno;
  return fcntl(*out, F_SETFD, FD_CLOEXEC) == 0 ? 0 : errno;
#endif
}

int bm_sock_open(enum bm_proto proto, const struct bm_endpoint *ep,
                 bm_socket *out) {
  int err = open_cloexec(ep->family == BM_IPV4 ? AF_INET : AF_INET6,
                         proto == BM_TCP ? SOCK_STREAM : SOCK_DGRAM, out);
  if (err == 0 && ep->family == BM_IPV6)
    err = set_int(*out, IPPROTO_IPV6, IPV6_V6ONLY, ep->v6only);
  if (err != 0 && *out >= 0) {
    close(*out);
    *out = BM_NO_SOCKET;
  }
  return err;
}

int bm_sock_set(bm_socket s, enum bm_sockopt opt) {
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
#ifdef SO_REUSEPORT_LB /* FreeBSD 12 and later */
    return set_int(s, SOL_SOCKET, SO_REUSEPORT_LB, 1);
#else
    return BM_UNSUPPORTED;
#endif
  case BM_SO_EXCLUSIVEADDRUSE:
    return BM_UNSUPPORTED; /* Windows only */
  }
  return BM_UNSUPPORTED;
}

/* Linux: a classic BPF socket filter that accepts nothing. TCP runs socket
 * filters before it processes a segment, so nothing is acknowledged. */
int bm_sock_block_input(bm_socket s) {
#ifdef SO_ATTACH_FILTER
  struct sock_filter drop_all[] = {{BPF_RET | BPF_K, 0, 0, 0}};
  struct sock_fprog prog = {1, drop_all};
  return setsockopt(s, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) == 0
             ? 0
             : errno;
#else
  (void)s;
  return BM_UNSUPPORTED;
#endif
}

int bm_sock_set_blocking(bm_socket s) {
  int flags = fcntl(s, F_GETFL);
  if (flags < 0 || fcntl(s, F_SETFL, flags & ~O_NONBLOCK) < 0)
    return errno;
  return 0;
}

void bm_sock_close(bm_socket s) { close(s); }

/* libuv's error codes on Unix are negated errno values. */
int bm_sock_error_from_uv(int uv_error) { return -uv_error; }
