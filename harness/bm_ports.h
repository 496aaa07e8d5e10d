/* Fresh ports for sequences that run side by side.
 *
 * An IPv4 socket and an IPv6-only socket may share a port number, so a port
 * the OS gives an IPv4 server can still carry another sequence's IPv6
 * sockets (or an earlier run's TIME_WAIT), and a dual-stack probe would then
 * measure those. The OS picks the port for a dual-stack wildcard socket with
 * no options, which only binds where nothing at all is on the port, in any
 * family or state; and no port is handed out twice in one run. */
#ifndef BM_PORTS_H
#define BM_PORTS_H

#include "bm_sock.h"

struct bm_ports {
  unsigned char used[2][65536 / 8]; /* per protocol */
};

/* Returns 0 and the port, or an OS error number. */
int bm_ports_take(struct bm_ports *ports, enum bm_proto proto, int *port);

#endif
