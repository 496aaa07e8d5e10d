#include "vocab/endpoints.h"

#include "vocab/names.h"

#include <string.h>

#define V4(a, b, c, d)                                                         \
  { a, b, c, d }
#define V6_ANY                                                                 \
  { 0 }
#define V6_LOOPBACK                                                            \
  { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 }
#define V4_MAPPED(a, b, c, d)                                                  \
  { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, a, b, c, d }

static const struct bm_endpoint_def endpoints[] = {
    {"0.0.0.0", BM_IPV4, BM_ADDR_WILDCARD, -1, V4(0, 0, 0, 0), "*", NULL,
     "127.0.0.1"},
    {"127.0.0.1", BM_IPV4, BM_ADDR_SPECIFIC, -1, V4(127, 0, 0, 1), "127.0.0.1",
     NULL, "127.0.0.1"},
    {"[::]", BM_IPV6, BM_ADDR_WILDCARD, 1, V6_ANY, NULL, "*", "[::1]"},
    {"[::1]", BM_IPV6, BM_ADDR_SPECIFIC, 1, V6_LOOPBACK, NULL, "::1", "[::1]"},
    {"[::]dual", BM_IPV6, BM_ADDR_WILDCARD, 0, V6_ANY, "*", "*", "[::1]"},
    {"[::ffff:127.0.0.1]", BM_IPV6, BM_ADDR_V4MAPPED, 0,
     V4_MAPPED(127, 0, 0, 1), "127.0.0.1", NULL, "[::ffff:127.0.0.1]"},
    /* The IPv4 wildcard written as an IPv6 address: bind_wildcard.c's
     * "v4-mapped-any". */
    {"[::ffff:0.0.0.0]", BM_IPV6, BM_ADDR_V4MAPPED, 0, V4_MAPPED(0, 0, 0, 0),
     "*", NULL, "[::ffff:127.0.0.1]"},
};

const struct bm_table bm_endpoint_table = BM_TABLE("endpoint", endpoints);

static const struct bm_named families[] = {
    [BM_FAMILY_IPV4] = {"ipv4", "both sockets IPv4"},
    [BM_FAMILY_IPV6] = {"ipv6", "both sockets IPv6 with IPV6_V6ONLY on"},
    [BM_FAMILY_DUALSTACK] = {"dualstack",
                             "one socket is a dual-stack IPv6 socket"},
    [BM_FAMILY_MIXED] = {"mixed", "an IPv4 socket beside an IPv6-only one"},
};

const struct bm_table bm_cell_family_table = BM_TABLE("family", families);

static const struct bm_named addr_kinds[] = {
    [BM_ADDR_WILDCARD] = {"wildcard", "every address of its family"},
    [BM_ADDR_SPECIFIC] = {"specific", "one address"},
    [BM_ADDR_V4MAPPED] = {"v4mapped",
                          "an IPv4 address written as IPv6, on a dual-stack "
                          "socket"},
};

const struct bm_table bm_addr_kind_table = BM_TABLE("address kind", addr_kinds);

const struct bm_endpoint_def *bm_endpoint_at(int i) {
  return i >= 0 && i < bm_endpoint_table.count ? &endpoints[i] : NULL;
}

const struct bm_endpoint_def *bm_endpoint_find(const char *name) {
  return bm_endpoint_at(bm_table_find(&bm_endpoint_table, name));
}

int bm_endpoint_index(const struct bm_endpoint_def *def) {
  return (int)(def - endpoints);
}

struct bm_endpoint bm_endpoint_connectable(const struct bm_endpoint *ep) {
  struct bm_endpoint to = {bm_endpoint_find(ep->def->connect_to), ep->port};
  return to;
}

/* What a client connecting to `to` reaches: (IP version, address). */
static int holds(const struct bm_endpoint_def *def,
                 const struct bm_endpoint_def *to) {
  const char *want = to->holds_ipv4 ? to->holds_ipv4 : to->holds_ipv6;
  const char *held = to->holds_ipv4 ? def->holds_ipv4 : def->holds_ipv6;
  return held && (strcmp(held, "*") == 0 || strcmp(held, want) == 0);
}

/* The plain endpoint a client uses for an address: 127.0.0.1 for IPv4
 * traffic even when a v4-mapped endpoint names it. */
static const struct bm_endpoint_def *plain(const struct bm_endpoint_def *to) {
  return bm_endpoint_find(to->holds_ipv4 ? "127.0.0.1" : "[::1]");
}

const struct bm_endpoint_def *
bm_endpoint_contested(const struct bm_endpoint_def *first,
                      const struct bm_endpoint_def *second) {
  const struct bm_endpoint_def *theirs = bm_endpoint_find(second->connect_to);
  const struct bm_endpoint_def *ours = bm_endpoint_find(first->connect_to);
  return plain(holds(first, theirs) ? theirs : ours);
}

enum bm_cell_family bm_cell_family(const struct bm_endpoint_def *l,
                                   const struct bm_endpoint_def *p) {
  if (l->v6only == 0 || p->v6only == 0)
    return BM_FAMILY_DUALSTACK;
  if (l->ip != p->ip)
    return BM_FAMILY_MIXED;
  return l->ip == BM_IPV4 ? BM_FAMILY_IPV4 : BM_FAMILY_IPV6;
}
