/* The kernel's TCP state numbers (netinet/tcp.h, as sock_diag reports them)
 * as the witness names them: shared by the Linux halves that ask sock_diag
 * (os/linux/witness.c, os/linux/port_listing.c). */
#ifndef BM_OS_LINUX_TCP_STATE_H
#define BM_OS_LINUX_TCP_STATE_H

#include "os/witness.h"

/* include/net/tcp_states.h since Linux 6.9 ("tcp: Dump bound-only sockets
 * in inet_diag"); the uapi headers of older systems do not name it. */
#define BM_LINUX_TCP_BOUND_INACTIVE 13

/* 0 and *out, or -1 for a number it does not know. TCP_CLOSE in a dump of
 * a port is a socket that is bound and nothing more. */
int bm_linux_tcp_state(int kernel_state, enum bm_sock_state *out);

#endif
