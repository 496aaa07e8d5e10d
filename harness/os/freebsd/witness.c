/* The FreeBSD state witness, from the sysctls netstat(1) and sockstat(1)
 * read: net.inet.tcp.pcblist and net.inet.udp.pcblist. Each is a struct
 * xinpgen, one record per socket (struct xtcpcb, struct xinpcb), each
 * starting with its own length, and a closing struct xinpgen. The layouts
 * are FreeBSD 12's and later: xtcpcb no longer embeds the kernel's tcpcb,
 * and a TIME_WAIT connection is listed with t_state TCPS_TIME_WAIT.
 * Which sockets count is os/bsd/listing.c's rule, shared with macOS. */
#include "os/bsd/listing.h"

/* These headers need one another, in this order: the order of
 * usr.bin/sockstat/sockstat.c. */
/* clang-format off */
#include <sys/param.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/socketvar.h>
#include <sys/sysctl.h>
#include <netinet/in.h>
#include <netinet/in_pcb.h>
#include <netinet/tcp.h>
#include <netinet/tcp_fsm.h>
#include <netinet/tcp_seq.h>
#include <netinet/tcp_var.h>
/* clang-format on */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#if __FreeBSD_version < 1200026
#error "the FreeBSD witness reads the pcblist layout of FreeBSD 12 and later"
#endif

/* bm_bsd_tcp_state() indexes 4.4BSD's numbering: this header must agree. */
_Static_assert(TCP_NSTATES == BM_BSD_TCP_STATE_COUNT && TCPS_CLOSED == 0 &&
                   TCPS_LISTEN == 1 && TCPS_SYN_SENT == 2 &&
                   TCPS_SYN_RECEIVED == 3 && TCPS_ESTABLISHED == 4 &&
                   TCPS_CLOSE_WAIT == 5 && TCPS_FIN_WAIT_1 == 6 &&
                   TCPS_CLOSING == 7 && TCPS_LAST_ACK == 8 &&
                   TCPS_FIN_WAIT_2 == 9 && TCPS_TIME_WAIT == 10,
               "netinet/tcp_fsm.h numbers the TCP states as 4.4BSD did");

/* The whole list in *buf (the caller frees it), read as sockstat(1) reads
 * it: sysctl(3) fails with ENOMEM, *len left at the size offered, while the
 * buffer is too small, so offer twice as much. */
static int read_list(const char *name, char **buf, size_t *len) {
  for (size_t size = 16384;; size *= 2) {
    char *bigger = realloc(*buf, size);
    if (bigger == NULL)
      return ENOMEM;
    *buf = bigger;
    *len = size;
    if (sysctlbyname(name, *buf, len, NULL, 0) == 0)
      return 0;
    if (errno != ENOMEM || *len != size)
      return errno;
  }
}

static unsigned families_of(const struct xinpcb *xi) {
  return ((xi->inp_vflag & INP_IPV4) ? BM_BSD_V4 : 0) |
         ((xi->inp_vflag & INP_IPV6) ? BM_BSD_V6 : 0);
}

/* One record, with `room` bytes left before the closing xinpgen; EPROTO
 * when its length is not this build's struct, i.e. the kernel's layout
 * differs from the headers it was built with. */
static int socket_of(enum bm_proto proto, const struct xinpgen *record,
                     size_t room, struct bm_bsd_socket *s) {
  const struct xinpcb *xi;
  if (proto == BM_TCP) {
    const struct xtcpcb *xt = (const struct xtcpcb *)record;
    if (room < sizeof *xt || xt->xt_len != sizeof *xt ||
        bm_bsd_tcp_state(xt->t_state, &s->state) != 0)
      return EPROTO;
    xi = &xt->xt_inp;
  } else {
    xi = (const struct xinpcb *)record;
    if (room < sizeof *xi || xi->xi_len != sizeof *xi)
      return EPROTO;
    s->state = BM_UDP_BOUND;
  }
  s->proto = proto;
  s->families = families_of(xi);
  s->local_port = ntohs(xi->inp_lport);
  s->foreign_port = ntohs(xi->inp_fport);
  return 0;
}

/* Counts the list's sockets for every query of its protocol. */
static int count_list(enum bm_proto proto, const struct bm_witness_query *q,
                      struct bm_witness *w, int count, const char *buf,
                      size_t len) {
  const struct xinpgen *head = (const struct xinpgen *)buf;
  if (len < 2 * sizeof *head || head->xig_len != sizeof *head)
    return EPROTO;
  const char *tail = buf + len - sizeof *head;
  for (const char *p = buf + head->xig_len; p < tail;) {
    const struct xinpgen *record = (const struct xinpgen *)p;
    struct bm_bsd_socket s;
    int err = socket_of(proto, record, (size_t)(tail - p), &s);
    if (err != 0)
      return err;
    for (int i = 0; i < count; i++)
      if (q[i].proto == proto)
        bm_bsd_socket_count(&q[i], &s, &w[i]);
    p += record->xig_len;
  }
  return 0;
}

static int asked_for(enum bm_proto proto, const struct bm_witness_query *q,
                     int count) {
  for (int i = 0; i < count; i++)
    if (q[i].proto == proto)
      return 1;
  return 0;
}

/* One pcblist per protocol asked for, counted for every query. */
struct bm_error bm_witness_read_all(const struct bm_witness_query *q,
                                    struct bm_witness *w, int count) {
  static const char *const lists[] = {
      [BM_TCP] = "net.inet.tcp.pcblist", [BM_UDP] = "net.inet.udp.pcblist"};
  memset(w, 0, (size_t)count * sizeof *w);
  char *buf = NULL;
  int err = 0;
  for (int proto = 0; proto < BM_PROTO_COUNT && err == 0; proto++) {
    size_t len = 0;
    if (!asked_for((enum bm_proto)proto, q, count))
      continue;
    err = read_list(lists[proto], &buf, &len);
    if (err == 0)
      err = count_list((enum bm_proto)proto, q, w, count, buf, len);
  }
  free(buf);
  return bm_error_from_os(err);
}
