/* Socket options as the harness names them: the C names, "default" for none.
 *
 * A named option is a set of primitive socket options applied together, so
 * "SO_REUSEADDR+SO_REUSEPORT" is one more table row, not new code. Whether a
 * primitive exists on this OS is the per-OS socket layer's answer (bm_sock.h).
 */
#ifndef BM_OPTIONS_H
#define BM_OPTIONS_H

enum bm_sockopt {
  BM_SO_REUSEADDR = 1 << 0,
  BM_SO_REUSEPORT = 1 << 1,
  BM_SO_EXCLUSIVEADDRUSE = 1 << 2,
  BM_SO_REUSEPORT_LB = 1 << 3,
};

struct bm_option {
  const char *name; /* as written in scenarios, cells and on the command line */
  unsigned sockopts; /* bm_sockopt bits, applied in bit order before bind() */
  int via_libuv;     /* bound by uv_tcp_bind: whatever libuv sets on this OS */
};

/* The option named `name`, or NULL when the harness does not know it. */
const struct bm_option *bm_option_find(const char *name);

/* The i-th known option, or NULL past the end: for listings and defaults. */
const struct bm_option *bm_option_at(int i);

#endif
