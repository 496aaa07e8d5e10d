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

#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/tcp.h> /* TCP_ESTABLISHED..., the kernel's state numbers */
#include <stddef.h>
#include <string.h>
#include <unistd.h>

/* include/net/tcp_states.h since Linux 6.9 ("tcp: Dump bound-only sockets
 * in inet_diag"); the uapi headers of older systems do not name it. */
#define BOUND_INACTIVE 13
/* idiag_timer of a time-wait mini-socket (inet_twsk_diag_fill). */
#define TIMEWAIT_TIMER 3

static int state_from_kernel(int kernel_state, enum bm_sock_state *out) {
  static const enum bm_sock_state map[] = {
      [TCP_ESTABLISHED] = BM_TCP_ESTABLISHED,
      [TCP_SYN_SENT] = BM_TCP_SYN_SENT,
      [TCP_SYN_RECV] = BM_TCP_SYN_RECV,
      [TCP_FIN_WAIT1] = BM_TCP_FIN_WAIT_1,
      [TCP_FIN_WAIT2] = BM_TCP_FIN_WAIT_2,
      [TCP_TIME_WAIT] = BM_TCP_TIME_WAIT,
      [TCP_CLOSE_WAIT] = BM_TCP_CLOSE_WAIT,
      [TCP_LAST_ACK] = BM_TCP_LAST_ACK,
      [TCP_LISTEN] = BM_TCP_LISTEN,
      [TCP_CLOSING] = BM_TCP_CLOSING,
  };
  if (kernel_state == TCP_CLOSE) {
    *out = BM_TCP_BOUND; /* in a dump of the port: bound, nothing more */
    return 0;
  }
  if (kernel_state <= 0 || kernel_state >= (int)(sizeof map / sizeof map[0]))
    return -1;
  *out = map[kernel_state];
  return 0;
}

struct request {
  struct nlmsghdr nlh;
  struct inet_diag_req_v2 req;
  struct nlattr filter_attr;
  struct inet_diag_bc_op filter[2]; /* "source port == P", then P */
};

static void init_request(const struct bm_witness_query *q, struct request *r) {
  memset(r, 0, sizeof *r);
  r->nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  r->req.sdiag_family = q->server.def->ip == BM_IPV4 ? AF_INET : AF_INET6;
  r->req.sdiag_protocol = q->proto == BM_TCP ? IPPROTO_TCP : IPPROTO_UDP;
}

/* Sockets with local port `port` (TCP: listening and bound-only ones),
 * filtered in the kernel. */
static size_t port_request(const struct bm_witness_query *q,
                           struct request *r) {
  int port = q->server.port;
  init_request(q, r);
  r->nlh.nlmsg_len = sizeof *r;
  r->nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  r->req.idiag_states =
      q->proto == BM_TCP ? 1u << TCP_LISTEN | 1u << BOUND_INACTIVE : ~0u;
  r->filter_attr.nla_len = sizeof r->filter_attr + sizeof r->filter;
  r->filter_attr.nla_type = INET_DIAG_REQ_BYTECODE;
  /* Jump to the end (accept) on a match, past it (reject) otherwise. */
  r->filter[0].code = INET_DIAG_BC_S_EQ;
  r->filter[0].yes = sizeof r->filter;
  r->filter[0].no = sizeof r->filter + 4;
  r->filter[1].no = (unsigned short)port;
  return sizeof *r;
}

/* The server's end of the connection from the client, any state. */
static size_t connection_request(const struct bm_witness_query *q,
                                 struct request *r) {
  init_request(q, r);
  size_t len = offsetof(struct request, filter_attr);
  r->nlh.nlmsg_len = (unsigned)len;
  r->nlh.nlmsg_flags = NLM_F_REQUEST;
  r->req.idiag_states = ~0u;
  r->req.id.idiag_sport = htons((unsigned short)q->server.port);
  r->req.id.idiag_dport = htons((unsigned short)q->peer_port);
  r->req.id.idiag_cookie[0] = r->req.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
  /* Both ends are the address the client connected to (v4-mapped too: the
   * kernel looks those up in the IPv4 tables). */
  struct bm_endpoint to = bm_endpoint_connectable(&q->server);
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

/* Counts the sockets in one reply buffer; 1 when the answer is complete.
 * An exact lookup that misses answers ENOENT: nothing there, not an error.
 * `connection`: the lookup of the connection, which falls back to the
 * listener (or a bound socket) when there is none: those are skipped, the
 * port's dump has counted them; the connection's kind is noted. */
static int count_replies(const char *buf, ssize_t len, enum bm_proto proto,
                         int connection, struct bm_witness *w, int *err) {
  const unsigned skip_states =
      connection ? 1u << TCP_LISTEN | 1u << TCP_CLOSE : 0;
  for (const struct nlmsghdr *h = (const struct nlmsghdr *)buf;
       NLMSG_OK(h, (unsigned)len); h = NLMSG_NEXT(h, len)) {
    if (h->nlmsg_type == NLMSG_DONE)
      return 1;
    if (h->nlmsg_type == NLMSG_ERROR) {
      const struct nlmsgerr *e = NLMSG_DATA(h);
      *err = e->error == -ENOENT ? 0 : -e->error;
      return 1;
    }
    const struct inet_diag_msg *msg = NLMSG_DATA(h);
    enum bm_sock_state s;
    if (proto == BM_UDP)
      w->count[BM_UDP_BOUND]++;
    else if (!(skip_states & (1u << msg->idiag_state)) &&
             state_from_kernel(msg->idiag_state, &s) == 0) {
      w->count[s]++;
      if (connection)
        w->connection_kind = msg->idiag_timer == TIMEWAIT_TIMER
                                 ? BM_SOCK_TIMEWAIT
                                 : BM_SOCK_FULL;
    }
    if (!(h->nlmsg_flags & NLM_F_MULTI))
      return 1;
  }
  return 0;
}

static int ask(int fd, const struct request *r, size_t len, enum bm_proto proto,
               int connection, struct bm_witness *w) {
  if (send(fd, r, len, 0) != (ssize_t)len)
    return errno;
  int err = 0;
  for (int done = 0; !done;) {
    long buf[8192 / sizeof(long)]; /* aligned for nlmsghdr */
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n < 0)
      return errno;
    done = n == 0 ||
           count_replies((const char *)buf, n, proto, connection, w, &err);
  }
  return err;
}

static int read_one(int fd, const struct bm_witness_query *q,
                    struct bm_witness *w) {
  memset(w, 0, sizeof *w);
  struct request r;
  size_t len = port_request(q, &r);
  int err = ask(fd, &r, len, q->proto, 0, w);
  if (err == 0 && q->proto == BM_TCP && q->peer_port != 0) {
    len = connection_request(q, &r);
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
