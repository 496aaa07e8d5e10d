/* The state witness: what the OS itself says about the sequence's sockets,
 * read before every probe so that a cell records the state it really met.
 * Reading is per-OS (os/<os>/witness.c); naming the observed set of states
 * is portable (os/witness.c). */
#ifndef BM_OS_WITNESS_H
#define BM_OS_WITNESS_H

#include "os/sock.h"

#include <stddef.h>

enum bm_sock_state {
  BM_TCP_BOUND, /* bound, neither listening nor connected */
  BM_TCP_LISTEN,
  BM_TCP_SYN_SENT,
  BM_TCP_SYN_RECV,
  BM_TCP_ESTABLISHED,
  BM_TCP_FIN_WAIT_1,
  BM_TCP_FIN_WAIT_2,
  BM_TCP_CLOSE_WAIT,
  BM_TCP_CLOSING,
  BM_TCP_LAST_ACK,
  BM_TCP_TIME_WAIT,
  BM_UDP_BOUND, /* UDP has no states: a socket bound to the port */
  BM_SOCK_STATE_COUNT
};

struct bm_witness_query {
  enum bm_proto proto;
  struct bm_endpoint server; /* with the port the OS gave it */
  int peer_port;             /* TCP: the client's port, 0 before it exists */
  /* The server's socket may be of either family: a runtime's listen call
   * may make an IPv6 socket for 0.0.0.0 (Go, Java), so its sockets are
   * looked for in both; and a recheck after a refused probe looks for
   * anyone's socket on the port (runner/await_state.c). */
  int any_family;
};

/* How many of the sequence's sockets are in each state: the server's
 * sockets on the port (TCP: bound and listening ones) and, for TCP, the
 * server's end of the connection from the client's port; and which kind
 * of socket that connection is, where the OS says (Linux). */
struct bm_witness {
  unsigned count[BM_SOCK_STATE_COUNT];
  enum bm_sock_kind connection_kind;
};

/* Per-OS: reads the sockets of `count` queries, w[i] for q[i], in as few
 * readings of the OS as it allows: where the OS lists every socket at once
 * (Windows' IP Helper tables, FreeBSD's pcblist, macOS's netstat), one
 * listing per protocol and family serves every query; Linux asks sock_diag
 * per port. */
struct bm_error bm_witness_read_all(const struct bm_witness_query *q,
                                    struct bm_witness *w, int count);

/* One query (os/witness.c). */
struct bm_error bm_witness_read(const struct bm_witness_query *q,
                                struct bm_witness *w);

/* Whether the witness sees a socket that is bound and nothing more (the
 * state BOUND): UDP sockets are always listed; bound-only TCP sockets are
 * not on every OS (Linux before 6.9). Found out by binding one. */
int bm_witness_sees_bound(enum bm_proto proto);

/* The state name of what was witnessed: "LISTEN", "ESTABLISHED" (listener
 * and connection), "ESTABLISHED_NO_LISTENER", "FIN_WAIT_2", ..., "CLOSED"
 * when nothing is there, "A+B" for any other mixture. */
void bm_witness_name(const struct bm_witness *w, char *buf, size_t size);

#endif
