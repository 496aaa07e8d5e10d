/* The Linux state witness, from sock_diag (NETLINK_SOCK_DIAG).
 *
 * Measured here: a full dump, even filtered in the kernel to one port, costs
 * about 3 ms, because the kernel walks every bucket of the established hash
 * (and /proc/net/tcp about 7 ms). So the witness asks two cheap questions
 * instead: a dump of *listening* sockets on the port (the listening hash is
 * small; the established hash is skipped), and an exact lookup of the
 * sequence's own connection by its four-tuple, which also finds it in
 * FIN_WAIT_2 (orphaned, reported as its substate) and TIME_WAIT. A TCP
 * socket that is bound and nothing more is dumped when the request asks
 * for the pseudo-state TCP_BOUND_INACTIVE, and reported in TCP_CLOSE (Linux
 * 6.9 and later; older kernels list none, and the harness finds that out
 * before it relies on it). UDP sockets have no state: a dump of those on
 * the port says it is bound.
 *
 * Which kind of socket the connection is: Linux turns a TIME_WAIT, and an
 * orphaned FIN_WAIT_2 whose last ACK came while its owner was not in the
 * middle of a call on it, into a time-wait mini-socket with no owner;
 * otherwise (a race: the ACK came while close() still held the socket) a
 * FIN_WAIT_2 stays a full socket, owner and all, until its timeout. Both
 * are FIN_WAIT_2; only the full one has an owner for SO_REUSEPORT's
 * same-user rule to compare another user's bind with.
 * sock_diag says which: a mini-socket's entry has timer 3 ("time-wait
 * timer"), no uid and no inode (net/ipv4/inet_diag.c,
 * inet_twsk_diag_fill); a full socket's timer is 0, 1, 2 or 4. */
#include "os/witness.h"

#include "os/linux/diag.h"
#include "os/linux/tcp_state.h"

#include <errno.h>
#include <netinet/tcp.h> /* TCP_LISTEN, TCP_CLOSE */
#include <stddef.h>
#include <string.h>
#include <unistd.h>

static int family_of(const struct bm_endpoint_def *def) {
  return def->ip == BM_IPV4 ? AF_INET : AF_INET6;
}

static int protocol_of(const struct bm_witness_query *q) {
  return q->proto == BM_TCP ? IPPROTO_TCP : IPPROTO_UDP;
}

/* Sockets with local port `port` (TCP: listening and bound-only ones),
 * filtered in the kernel. */
static size_t port_request(const struct bm_witness_query *q, int family,
                           struct bm_diag_request *r) {
  return bm_diag_dump_request(
      r, family, protocol_of(q),
      q->proto == BM_TCP ? 1u << TCP_LISTEN | 1u << BM_LINUX_TCP_BOUND_INACTIVE
                         : ~0u,
      q->server.port);
}

/* The server's end of the connection from the client, any state. */
static size_t connection_request(const struct bm_witness_query *q,
                                 struct bm_diag_request *r) {
  struct bm_endpoint to = bm_endpoint_connectable(&q->server);
  bm_diag_request_init(r, family_of(to.def), protocol_of(q));
  size_t len = offsetof(struct bm_diag_request, filter_attr);
  r->nlh.nlmsg_len = (unsigned)len;
  r->req.idiag_states = ~0u;
  r->req.id.idiag_sport = htons((unsigned short)q->server.port);
  r->req.id.idiag_dport = htons((unsigned short)q->peer_port);
  r->req.id.idiag_cookie[0] = r->req.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
  /* Both ends are the address the client connected to (v4-mapped too: the
   * kernel looks those up in the IPv4 tables). */
  struct sockaddr_storage ss;
  bm_endpoint_sockaddr(&to, &ss);
  if (to.def->ip == BM_IPV4) {
    struct in_addr a = ((struct sockaddr_in *)&ss)->sin_addr;
    memcpy(r->req.id.idiag_src, &a, sizeof a);
    memcpy(r->req.id.idiag_dst, &a, sizeof a);
  } else {
    struct in6_addr a = ((struct sockaddr_in6 *)&ss)->sin6_addr;
    memcpy(r->req.id.idiag_src, &a, sizeof a);
    memcpy(r->req.id.idiag_dst, &a, sizeof a);
  }
  return len;
}

/* idiag_timer of a time-wait mini-socket (inet_twsk_diag_fill). */
#define TIMEWAIT_TIMER 3

struct counting {
  enum bm_proto proto;
  /* The lookup of the connection, which falls back to the listener (or a
   * bound socket) when there is none: those are skipped, the port's dump
   * has counted them; the connection's kind is noted. */
  int connection;
  struct bm_witness *w;
};

static void count_one(const struct nlmsghdr *h, const struct inet_diag_msg *m,
                      void *ctx) {
  (void)h;
  struct counting *c = ctx;
  enum bm_sock_state s;
  const unsigned skip_states =
      c->connection ? 1u << TCP_LISTEN | 1u << TCP_CLOSE : 0;
  if (c->proto == BM_UDP) {
    c->w->count[BM_UDP_BOUND]++;
  } else if (!(skip_states & (1u << m->idiag_state)) &&
             bm_linux_tcp_state(m->idiag_state, &s) == 0) {
    c->w->count[s]++;
    if (c->connection)
      c->w->connection_kind =
          m->idiag_timer == TIMEWAIT_TIMER ? BM_SOCK_TIMEWAIT : BM_SOCK_FULL;
  }
}

/* An exact lookup that misses answers ENOENT: nothing there, not an error
 * (bm_diag_ask). */
static int ask(int fd, const struct bm_diag_request *r, size_t len,
               enum bm_proto proto, int connection, struct bm_witness *w) {
  struct counting c = {proto, connection, w};
  return bm_diag_ask(fd, r, len, count_one, &c);
}

static int read_one(int fd, const struct bm_witness_query *q,
                    struct bm_witness *w) {
  memset(w, 0, sizeof *w);
  struct bm_diag_request r;
  /* Its own family's table, or both for a listener whose family its
   * runtime chose (any_family: Go's 0.0.0.0 is a dual-stack [::]). */
  static const int families[] = {AF_INET, AF_INET6};
  int err = 0;
  for (int i = 0; i < 2 && err == 0; i++) {
    if (families[i] != family_of(q->server.def) && !q->any_family)
      continue;
    size_t len = port_request(q, families[i], &r);
    err = ask(fd, &r, len, q->proto, 0, w);
  }
  if (err == 0 && q->proto == BM_TCP && q->peer_port != 0) {
    /* With no connection the lookup falls back to the listener: skip it,
     * the dump above has counted it already. */
    size_t len = connection_request(q, &r);
    err = ask(fd, &r, len, q->proto, 1, w);
  }
  return err;
}

/* sock_diag answers per port, cheaply: one netlink socket, a question per
 * query. */
struct bm_error bm_witness_read_all(const struct bm_witness_query *q,
                                    struct bm_witness *w, int count) {
  int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  if (fd < 0)
    return bm_error_from_os(errno);
  int err = 0;
  for (int i = 0; i < count && err == 0; i++)
    err = read_one(fd, &q[i], &w[i]);
  close(fd);
  return bm_error_from_os(err);
}
