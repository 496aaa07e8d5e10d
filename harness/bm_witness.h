/* The state witness: what the OS itself says about the TCP sockets on a port,
 * read before every probe so that a cell records the state it really met.
 * bm_witness_read is per-OS (linux/witness.c uses sock_diag); naming the
 * observed set of states is portable (bm_witness.c). */
#ifndef BM_WITNESS_H
#define BM_WITNESS_H

#include "bm_sock.h"

#include <stddef.h>

enum bm_tcp_state {
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
  BM_TCP_STATE_COUNT
};

/* How many sockets, per state, the sequence has on its port: listeners on
 * `port`, and the server's end of the connection from loopback:`peer_port`. */
struct bm_witness {
  unsigned count[BM_TCP_STATE_COUNT];
};

/* Per-OS. peer_port is the client's port, 0 before there is a client.
 * Returns 0 or an OS error number. */
int bm_witness_read(enum bm_family family, int port, int peer_port,
                    struct bm_witness *w);

const char *bm_tcp_state_name(enum bm_tcp_state s);

/* The scenario state name of what was witnessed: "LISTEN", "ESTABLISHED"
 * (listener and connection), "ESTABLISHED_NO_LISTENER", "FIN_WAIT_2", ...,
 * "CLOSED" when nothing is there, "A+B" for any other mixture. */
void bm_witness_name(const struct bm_witness *w, char *buf, size_t size);

#endif
