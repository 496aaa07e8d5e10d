/* The macOS state witness: the output of `netstat -an -p tcp` (or udp), read
 * through popen(3) by the portable parser in os/bsd/netstat.c, which is
 * unit-tested on recorded macOS output; which sockets count is
 * os/bsd/listing.c's rule, shared with FreeBSD.
 *
 * Why not the sysctl netstat reads itself (net.inet.tcp.pcblist_n): its
 * records (struct xinpcb_n, xsocket_n, xtcpcb_n) are declared under
 * #ifdef PRIVATE in XNU's headers, which the SDK does not ship; Apple's
 * netstat builds with private copies of them, and a reader here would have
 * to copy a layout it cannot test. netstat's output is the documented
 * interface (netstat(1)), has kept its 4.4BSD columns, and is what this
 * machine can test the parser on. XNU's get_pcblist_n() includes the
 * connections in TIME_WAIT (older releases left them out), so netstat shows
 * every state the sequences go through.
 *
 * Cost: a netstat process per reading, run while the harness's loop
 * waits; the harness reads the witness again every millisecond only until
 * the declared state shows or its deadline passes. */
#include "os/bsd/listing.h"
#include "os/bsd/netstat.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* One netstat per protocol asked for: its lines counted for every query. */
static int read_netstat(enum bm_proto proto, const struct bm_witness_query *q,
                        struct bm_witness *w, int count) {
  /* -a: listeners too; -n: numbers, no lookups; -p: one protocol, both
   * families. The full path: no PATH lookup, no other netstat. */
  FILE *out = popen(proto == BM_TCP ? "/usr/sbin/netstat -an -p tcp"
                                    : "/usr/sbin/netstat -an -p udp",
                    "r");
  if (out == NULL)
    return errno;
  int err = 0;
  char line[512];
  while (fgets(line, sizeof line, out) != NULL) {
    struct bm_bsd_socket s;
    int parsed = bm_netstat_parse_line(line, &s);
    if (parsed < 0)
      err = EPROTO; /* read on: netstat must not block on a full pipe */
    for (int i = 0; parsed > 0 && i < count; i++)
      if (q[i].proto == proto)
        bm_bsd_socket_count(&q[i], &s, &w[i]);
  }
  int status = pclose(out);
  if (err == 0 && status != 0)
    err = status == -1 ? errno : EIO; /* EIO: netstat itself failed */
  return err;
}

struct bm_error bm_witness_read_all(const struct bm_witness_query *q,
                                    struct bm_witness *w, int count) {
  memset(w, 0, (size_t)count * sizeof *w);
  int err = 0;
  for (int proto = 0; proto < BM_PROTO_COUNT && err == 0; proto++) {
    int asked = 0;
    for (int i = 0; i < count; i++)
      asked |= q[i].proto == (enum bm_proto)proto;
    if (asked)
      err = read_netstat((enum bm_proto)proto, q, w, count);
  }
  return bm_error_from_os(err);
}
