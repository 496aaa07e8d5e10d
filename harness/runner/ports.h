/* Fresh ports for sequences that run side by side.
 *
 * An IPv4 socket and an IPv6-only socket may share a port number, so a port
 * the OS gives an IPv4 server can still carry another sequence's IPv6
 * sockets (or an earlier run's TIME_WAIT), and a dual-stack probe would then
 * measure those. The OS picks the port for a dual-stack wildcard socket with
 * no options, which only binds where nothing at all is on the port, in any
 * family or state; and no port is handed out twice in one run. */
#ifndef BM_RUNNER_PORTS_H
#define BM_RUNNER_PORTS_H

#include "os/sock.h"

struct bm_ports {
  unsigned char used[BM_PROTO_COUNT][65536 / 8];
};

/* A port, or the error (UV_EADDRNOTAVAIL when every port the OS offered
 * had been used in this run). */
struct bm_error bm_ports_take(struct bm_ports *ports, enum bm_proto proto,
                              int *port);

#endif
