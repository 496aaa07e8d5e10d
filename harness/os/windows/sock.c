/* The Windows half of the socket layer: Winsock, sockets created
 * non-inheritable (WSA_FLAG_NO_HANDLE_INHERIT), and the options Windows has:
 * SO_REUSEADDR and SO_EXCLUSIVEADDRUSE; no SO_REUSEPORT of any kind. */
#include "os/sock.h"

#include <uv.h>

struct bm_error bm_net_init(void) {
  WSADATA data;
  return bm_error_from_os(WSAStartup(MAKEWORD(2, 2), &data));
}

struct bm_error bm_sock_last_error(void) {
  return bm_error_from_os(WSAGetLastError());
}

static struct bm_error set_int(bm_socket s, int level, int name, int value) {
  return setsockopt(s, level, name, (const char *)&value, sizeof value) == 0
             ? BM_OK
             : bm_sock_last_error();
}

struct bm_error bm_sock_open(enum bm_proto proto,
                             const struct bm_endpoint_def *ep, bm_socket *out) {
  int family = ep->ip == BM_IPV4 ? AF_INET : AF_INET6;
  int type = proto == BM_TCP ? SOCK_STREAM : SOCK_DGRAM;
  *out = WSASocketW(family, type, 0, NULL, 0, WSA_FLAG_NO_HANDLE_INHERIT);
  if (*out == INVALID_SOCKET)
    return bm_sock_last_error();
  struct bm_error err = BM_OK;
  if (ep->ip == BM_IPV6)
    err = set_int(*out, IPPROTO_IPV6, IPV6_V6ONLY, ep->v6only);
  if (err.code != 0) {
    closesocket(*out);
    *out = INVALID_SOCKET;
  }
  return err;
}

struct bm_error bm_sock_set(bm_socket s, enum bm_sockopt opt) {
  switch (opt) {
  case BM_SO_REUSEADDR:
    return set_int(s, SOL_SOCKET, SO_REUSEADDR, 1);
  case BM_SO_EXCLUSIVEADDRUSE:
    return set_int(s, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, 1);
  case BM_SO_REUSEPORT:
  case BM_SO_REUSEPORT_LB:
    return BM_UNSUPPORTED;
  }
  return BM_UNSUPPORTED;
}

/* Winsock has no socket filter that would stop the ACK of a FIN, so the
 * harness cannot hold a peer in LAST_ACK here. */
struct bm_error bm_sock_block_input(bm_socket s) {
  (void)s;
  return BM_UNSUPPORTED;
}

/* Winsock has no per-socket switch for it: the witness waits for the
 * delayed ACK, as it always has. */
struct bm_error bm_sock_quickack(bm_socket s) {
  (void)s;
  return BM_OK;
}

struct bm_error bm_sock_set_blocking(bm_socket s) {
  u_long nonblocking = 0;
  return ioctlsocket(s, FIONBIO, &nonblocking) == 0 ? BM_OK
                                                    : bm_sock_last_error();
}

void bm_sock_close(bm_socket s) { closesocket(s); }

/* libuv reports Winsock errors in its own codes; these are the ones
 * uv_tcp_bind can give back, as the WSA numbers Windows itself would. Any
 * other keeps its libuv code without an OS number. */
struct bm_error bm_sock_error_from_uv(int uv_code) {
  static const struct {
    int uv, wsa;
  } table[] = {
      {UV_EADDRINUSE, WSAEADDRINUSE},       {UV_EACCES, WSAEACCES},
      {UV_EADDRNOTAVAIL, WSAEADDRNOTAVAIL}, {UV_EINVAL, WSAEINVAL},
      {UV_EAFNOSUPPORT, WSAEAFNOSUPPORT},   {UV_ENOBUFS, WSAENOBUFS},
  };
  for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
    if (table[i].uv == uv_code)
      return (struct bm_error){uv_code, table[i].wsa};
  return bm_error_from_uv(uv_code);
}
