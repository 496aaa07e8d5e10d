/* Lines of `netstat -an -p tcp|udp` as macOS and FreeBSD print them
 * (netstat(1); the format is 4.4BSD's):
 *
 *   Proto Recv-Q Send-Q  Local Address          Foreign Address        (state)
 *   tcp4       0      0  127.0.0.1.5000         127.0.0.1.61234 ESTABLISHED
 *   tcp46      0      0  *.5000                 *.*                    LISTEN
 *   udp6       0      0  ::1.5000               *.*
 *
 * An address is host, dot, port ("*" for none); the protocol's suffix says
 * which families the socket carries. Columns after the state (netstat -v)
 * are ignored. */
#ifndef BM_OS_BSD_NETSTAT_H
#define BM_OS_BSD_NETSTAT_H

#include "os/bsd/listing.h"

/* 1 and *out for a socket line, 0 for any other line (headings, other
 * protocols, UNIX sockets), -1 for a tcp or udp line it cannot read. */
int bm_netstat_parse_line(const char *line, struct bm_bsd_socket *out);

#endif
