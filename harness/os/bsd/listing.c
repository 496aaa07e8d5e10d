#include "os/bsd/listing.h"

#include <string.h>

/* 4.4BSD's TCP states in the order of their numbers in netinet/tcp_fsm.h
 * (the same on FreeBSD and macOS; os/freebsd/witness.c checks its header at
 * compile time), by the names netstat prints: tcpstates[] in that header. */
static const struct {
  const char *name;
  enum bm_sock_state state;
} tcp_states[] = {
    {"CLOSED", BM_TCP_BOUND},
    {"LISTEN", BM_TCP_LISTEN},
    {"SYN_SENT", BM_TCP_SYN_SENT},
    {"SYN_RCVD", BM_TCP_SYN_RECV},
    {"ESTABLISHED", BM_TCP_ESTABLISHED},
    {"CLOSE_WAIT", BM_TCP_CLOSE_WAIT},
    {"FIN_WAIT_1", BM_TCP_FIN_WAIT_1},
    {"CLOSING", BM_TCP_CLOSING},
    {"LAST_ACK", BM_TCP_LAST_ACK},
    {"FIN_WAIT_2", BM_TCP_FIN_WAIT_2},
    {"TIME_WAIT", BM_TCP_TIME_WAIT},
};

_Static_assert(sizeof tcp_states / sizeof tcp_states[0] ==
                   BM_BSD_TCP_STATE_COUNT,
               "one name per TCPS_ number");

int bm_bsd_tcp_state(int tcps, enum bm_sock_state *out) {
  if (tcps < 0 || tcps >= BM_BSD_TCP_STATE_COUNT)
    return -1;
  *out = tcp_states[tcps].state;
  return 0;
}

int bm_bsd_tcp_state_named(const char *name, enum bm_sock_state *out) {
  for (int i = 0; i < BM_BSD_TCP_STATE_COUNT; i++)
    if (strcmp(tcp_states[i].name, name) == 0) {
      *out = tcp_states[i].state;
      return 0;
    }
  return -1;
}

/* Whether a socket of ep's family can carry these families. The kernels
 * list a socket by the families its pcb carries (inp_vflag), not by the
 * family it was opened with: an IPv6 socket that is not IPV6_V6ONLY carries
 * both while it listens on "::", and only IPv4 once it is bound or connected
 * to a v4-mapped address. So such a socket may show as 4, 6 or 46. */
static int carries_family_of(const struct bm_endpoint *ep, unsigned families) {
  if (ep->def->ip == BM_IPV4)
    return families == BM_BSD_V4;
  if (ep->def->v6only)
    return families == BM_BSD_V6;
  return families != 0;
}

void bm_bsd_socket_count(const struct bm_witness_query *q,
                         const struct bm_bsd_socket *s, struct bm_witness *w) {
  if (s->proto != q->proto || s->local_port != q->server.port ||
      (!q->any_family && !carries_family_of(&q->server, s->families)))
    return;
  /* The client's own end has the client's port as its local port, so it
   * never gets here; another connection to the server would have another
   * foreign port. */
  /* A TCP socket in CLOSED with a foreign address is a connection that is
   * over, not a socket bound and nothing more: not counted. */
  int connection = q->peer_port != 0 && s->foreign_port == q->peer_port &&
                   s->state != BM_TCP_BOUND;
  int bound_only = s->state == BM_TCP_BOUND && s->foreign_port == 0;
  if (s->state == BM_TCP_LISTEN || s->state == BM_UDP_BOUND || bound_only ||
      connection)
    w->count[s->state]++;
}
