/* Socket options as the harness names them: the C names, "default" for
 * none. A named option is one row: how the listener's socket is made (plain
 * setsockopt calls before bind(), libuv's uv_tcp_bind, or a runtime's own
 * listen call) and what the socket then carries on each OS. Two options set
 * together ("SO_REUSEADDR+SO_REUSEPORT") are one more row, not new code. */
#ifndef BM_VOCAB_OPTIONS_H
#define BM_VOCAB_OPTIONS_H

#include "vocab/os.h"

/* The primitive socket options, applied in bit order. */
enum bm_sockopt {
  BM_SO_REUSEADDR = 1 << 0,
  BM_SO_REUSEPORT = 1 << 1,
  BM_SO_EXCLUSIVEADDRUSE = 1 << 2,
  BM_SO_REUSEPORT_LB = 1 << 3,
};

struct bm_sockopt_row {
  const char *name;
  enum bm_sockopt bit;
  unsigned os; /* 1 << enum bm_os for each OS that has it */
};

extern const struct bm_table bm_sockopt_table;

enum bm_via {
  BM_VIA_SETSOCKOPT, /* the harness sets `sockopts`, then binds */
  BM_VIA_LIBUV,      /* libuv's uv_tcp_bind makes and binds the socket */
  BM_VIA_RUNTIME,    /* a runtime's own listen call, in its role program */
};

/* An OS where an option cannot be had. */
#define BM_NOT_ON_OS (~0u)

struct bm_option {
  const char *name; /* as in scenarios, cells and on the command line */
  enum bm_via via;
  unsigned sockopts; /* setsockopt: the bm_sockopt bits it sets */
  /* libuv: what the library's socket carries on each OS (from its source,
   * cited in options.c); setsockopt options carry their own sockopts. */
  unsigned library_sets[BM_OS_COUNT];
  /* Asks to share a port with live listeners (SO_REUSEPORT and kin): a
   * second listener of the same user is then the feature, not a theft. */
  int shares;
  /* runtime: its role program, bm-role-<runtime> (runtimes/). What its
   * listener carries is measured, per cell (os/sockinfo.h), not known. */
  const char *runtime;
};

extern const struct bm_table bm_option_table;
extern const struct bm_table bm_via_table;
const struct bm_option *bm_option_at(int i);
const struct bm_option *bm_option_find(const char *name);
int bm_option_index(const struct bm_option *option);

/* The bm_sockopt bits a socket of `option` carries on `os`, or
 * BM_NOT_ON_OS when that OS has one of them not (a runtime's: not known
 * before it is measured, also BM_NOT_ON_OS). */
unsigned bm_option_sets(const struct bm_option *option, enum bm_os os);

#endif
