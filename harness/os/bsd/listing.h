/* One Internet socket as the BSD kernels list it - a record of FreeBSD's
 * net.inet.{tcp,udp}.pcblist sysctl, or a line of `netstat -an` on macOS
 * and FreeBSD - reduced to what the state witness asks of it, and the rule
 * for which of them are the sequence's. Portable on purpose: the rules and
 * the netstat parser (os/bsd/netstat.h) are unit-tested on every OS, on output
 * recorded on macOS and FreeBSD. */
#ifndef BM_OS_BSD_LISTING_H
#define BM_OS_BSD_LISTING_H

#include "os/witness.h"

/* The families a socket carries: the kernel's inp_vflag (INP_IPV4,
 * INP_IPV6), which netstat prints as "tcp4", "tcp6" or "tcp46". */
enum { BM_BSD_V4 = 1, BM_BSD_V6 = 2 };

/* TCPS_CLOSED (0) to TCPS_TIME_WAIT (10) in netinet/tcp_fsm.h. */
#define BM_BSD_TCP_STATE_COUNT 11

struct bm_bsd_socket {
  enum bm_proto proto;
  unsigned families; /* BM_BSD_V4 | BM_BSD_V6 */
  int local_port;    /* 0 for "*" */
  int foreign_port;  /* 0 for "*" */
  /* UDP: BM_UDP_BOUND; a TCP socket in CLOSED, bound and neither
   * listening nor connected: BM_TCP_BOUND. */
  enum bm_sock_state state;
};

/* The state of a BSD TCP state number (TCPS_LISTEN...): 0, or -1 outside
 * 4.4BSD's numbering. */
int bm_bsd_tcp_state(int tcps, enum bm_sock_state *out);

/* The state netstat prints by this name ("LISTEN", "SYN_RCVD"...): 0, or
 * -1 for a name it does not print. */
int bm_bsd_tcp_state_named(const char *name, enum bm_sock_state *out);

/* Counts s in w when it is one of q's sockets: on the server's port and of
 * its family, and bound or listening (UDP: bound), or the server's end of
 * the connection from the client's port. */
void bm_bsd_socket_count(const struct bm_witness_query *q,
                         const struct bm_bsd_socket *s, struct bm_witness *w);

#endif
