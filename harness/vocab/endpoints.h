/* Where a socket binds, by name: "0.0.0.0", "127.0.0.1", "[::]" and
 * "[::1]" (IPV6_V6ONLY on), "[::]dual" (IPV6_V6ONLY off: dual-stack),
 * "[::ffff:127.0.0.1]" and "[::ffff:0.0.0.0]" (v4-mapped, on a dual-stack
 * socket). IPv6 sockets always set IPV6_V6ONLY explicitly, so a cell means
 * the same thing on every OS whatever its default.
 *
 * Which addresses a socket on each endpoint holds decides three things:
 * where a client connects, which address a hijack's clients use, and (in
 * the report) whether a probe could take a listener's connections. */
#ifndef BM_VOCAB_ENDPOINTS_H
#define BM_VOCAB_ENDPOINTS_H

#include "vocab/table.h"

enum bm_ip { BM_IPV4, BM_IPV6 };
enum bm_addr_kind { BM_ADDR_WILDCARD, BM_ADDR_SPECIFIC, BM_ADDR_V4MAPPED };

struct bm_endpoint_def {
  const char *name;
  enum bm_ip ip;             /* the socket's address family */
  enum bm_addr_kind addr;    /* as a cell's listener_addr / probe_addr */
  int v6only;                /* IPV6_V6ONLY; -1 for an IPv4 socket */
  unsigned char address[16]; /* network order; IPv4: the first 4 bytes */
  /* The addresses it holds per IP version: NULL none, "*" all of them,
   * else the one address. */
  const char *holds_ipv4;
  const char *holds_ipv6;
  const char *connect_to; /* the endpoint a client uses to reach it */
};

extern const struct bm_table bm_endpoint_table;
const struct bm_endpoint_def *bm_endpoint_at(int i);
const struct bm_endpoint_def *bm_endpoint_find(const char *name);
int bm_endpoint_index(const struct bm_endpoint_def *def);

/* A socket address to bind or connect to: an endpoint and a port. */
struct bm_endpoint {
  const struct bm_endpoint_def *def;
  int port;
};

/* The endpoint a client connects to for a listener on ep, same port. */
struct bm_endpoint bm_endpoint_connectable(const struct bm_endpoint *ep);

/* Of a listener on `first` and a second socket on `second`: where a client
 * goes to find out which of them gets new connections. It is an address
 * the first holds, the one the second would serve if it serves any. */
const struct bm_endpoint_def *
bm_endpoint_contested(const struct bm_endpoint_def *first,
                      const struct bm_endpoint_def *second);

/* The cell family of a listener and a probe endpoint: "ipv4" or "ipv6"
 * when both sockets are of that family only (IPv6 with IPV6_V6ONLY on),
 * "dualstack" when one is a dual-stack IPv6 socket, "mixed" for IPv4
 * beside IPv6-only. */
enum bm_cell_family {
  BM_FAMILY_IPV4,
  BM_FAMILY_IPV6,
  BM_FAMILY_DUALSTACK,
  BM_FAMILY_MIXED,
};
extern const struct bm_table bm_cell_family_table;
enum bm_cell_family bm_cell_family(const struct bm_endpoint_def *listener,
                                   const struct bm_endpoint_def *probe);

extern const struct bm_table bm_addr_kind_table;

#endif
