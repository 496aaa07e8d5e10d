/* The listener a libuv server gets: uv_tcp_bind, which sets SO_REUSEADDR on
 * Unix and nothing on Windows (vocab/options.c cites libuv's source). */
#ifndef BM_ROLE_UV_BIND_H
#define BM_ROLE_UV_BIND_H

#include "os/sock.h"
#include "role/protocol.h"

/* A blocking socket bound by uv_tcp_bind in *out, or the failing stage and
 * error. It is owned by its libuv handle: close it with bm_uv_tcp_close. */
struct bm_status bm_uv_tcp_open(const struct bm_endpoint *ep, bm_socket *out);

/* Closes a socket bm_uv_tcp_open made, through its libuv handle. */
void bm_uv_tcp_close(bm_socket s);

#endif
