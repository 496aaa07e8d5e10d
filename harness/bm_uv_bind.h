/* The listener a libuv server gets: uv_tcp_bind, which sets SO_REUSEADDR on
 * Unix and nothing on Windows (see the comment above uv__tcp_try_bind in
 * libuv's src/win/tcp.c). */
#ifndef BM_UV_BIND_H
#define BM_UV_BIND_H

#include "bm_roles.h"

/* Returns 0 and a blocking socket in *out, or an OS error number with the
 * failing stage in *stage. */
int bm_uv_tcp_bind(const struct bm_endpoint *ep, bm_socket *out,
                   enum bm_stage *stage);

#endif
