/* The Unix half of the socket layer: close-on-exec sockets, and the options
 * this OS has. An option the headers do not define is BM_UNSUPPORTED. */
#include "../bm_sock.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

int bm_net_init(void) { return 0; }

int bm_sock_last_error(void) { return errno; }

static int set_int(bm_socket s, int level, int name, int value) {
  return setsockopt(s, level, name, &value, sizeof value) == 0 ? 0 : errno;
}

/* SOCK_CLOEXEC where the OS has it, so no child of a role inherits the port;
 * otherwise FD_CLOEXEC right after (only roles' own children could race). */
static int open_cloexec(int domain, bm_socket *out) {
#ifdef SOCK_CLOEXEC
  *out = socket(domain, SOCK_STREAM | SOCK_CLOEXEC, 0);
  return *out < 0 ? errno : 0;
#else
  *out = socket(domain, SOCK_STREAM, 0);
  if (*out < 0)
    return errno;
  return fcntl(*out, F_SETFD, FD_CLOEXEC) == 0 ? 0 : errno;
#endif
}

int bm_sock_open(enum bm_family family, bm_socket *out) {
  int err = open_cloexec(family == BM_IPV4 ? AF_INET : AF_INET6, out);
  if (err == 0 && family == BM_IPV6)
    err = set_int(*out, IPPROTO_IPV6, IPV6_V6ONLY, 1);
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
  case BM_SO_EXCLUSIVEADDRUSE:
    return BM_UNSUPPORTED; /* Windows only */
  }
  return BM_UNSUPPORTED;
}

void bm_sock_close(bm_socket s) { close(s); }
