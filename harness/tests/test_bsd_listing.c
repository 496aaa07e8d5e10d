/* How the BSD witnesses read sockets: the netstat parser (os/bsd/netstat.c) on
 * single lines and on output recorded on macOS and FreeBSD (the files given
 * as arguments: tests/data/netstat-an-darwin.txt, then
 * netstat-an-freebsd-10.1.txt), and the rule for which sockets are the
 * sequence's (os/bsd/listing.c). */
#include "os/bsd/listing.h"
#include "os/bsd/netstat.h"
#include "tap.h"

#include <stdlib.h>

static void test_state_numbers(void) {
  /* TCPS_* of netinet/tcp_fsm.h (FreeBSD and XNU alike). */
  static const struct {
    int tcps;
    int known;
    enum bm_sock_state state;
  } cases[] = {
      {0, 1, BM_TCP_BOUND},       {1, 1, BM_TCP_LISTEN},
      {2, 1, BM_TCP_SYN_SENT},    {3, 1, BM_TCP_SYN_RECV},
      {4, 1, BM_TCP_ESTABLISHED}, {5, 1, BM_TCP_CLOSE_WAIT},
      {6, 1, BM_TCP_FIN_WAIT_1},  {7, 1, BM_TCP_CLOSING},
      {8, 1, BM_TCP_LAST_ACK},    {9, 1, BM_TCP_FIN_WAIT_2},
      {10, 1, BM_TCP_TIME_WAIT},  {11, 0, BM_TCP_BOUND},
      {-1, 0, BM_TCP_BOUND},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    enum bm_sock_state got = BM_TCP_BOUND;
    char what[64];
    snprintf(what, sizeof what, "TCPS number %d", cases[i].tcps);
    tap_check_int(what, bm_bsd_tcp_state(cases[i].tcps, &got) == 0,
                  cases[i].known);
    tap_check_int(what, got, cases[i].state);
  }
}

static void test_state_names(void) {
  /* As netstat prints them: tcpstates[] of netinet/tcp_fsm.h. */
  static const struct {
    const char *name;
    int known;
    enum bm_sock_state state;
  } cases[] = {
      {"CLOSED", 1, BM_TCP_BOUND}, /* in a listing: bound, not connected */
      {"LISTEN", 1, BM_TCP_LISTEN},
      {"SYN_SENT", 1, BM_TCP_SYN_SENT},
      {"SYN_RCVD", 1, BM_TCP_SYN_RECV},
      {"ESTABLISHED", 1, BM_TCP_ESTABLISHED},
      {"CLOSE_WAIT", 1, BM_TCP_CLOSE_WAIT},
      {"FIN_WAIT_1", 1, BM_TCP_FIN_WAIT_1},
      {"CLOSING", 1, BM_TCP_CLOSING},
      {"LAST_ACK", 1, BM_TCP_LAST_ACK},
      {"FIN_WAIT_2", 1, BM_TCP_FIN_WAIT_2},
      {"TIME_WAIT", 1, BM_TCP_TIME_WAIT},
      {"SYN_RECEIVED", 0, BM_TCP_BOUND}, /* the C name, not netstat's */
      {"time_wait", 0, BM_TCP_BOUND},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    enum bm_sock_state got = BM_TCP_BOUND;
    char what[64];
    snprintf(what, sizeof what, "netstat state %s", cases[i].name);
    tap_check_int(what, bm_bsd_tcp_state_named(cases[i].name, &got) == 0,
                  cases[i].known);
    tap_check_int(what, got, cases[i].state);
  }
}

/* Single lines in the layout of Apple's netstat.tproj/inet.c (protopr,
 * inetprint: "%-5.5s %-6.6s %-6.6s  " then each address "%-22.22s ", its
 * host cut to 16 characters, then the state "%-11s"), made up here to cover
 * what the recorded files do not: every state the sequences reach, ::1,
 * a cut IPv6 host, netstat -v's extra columns, and broken lines. */
static void test_lines(void) {
  static const struct {
    const char *line;
    int result;
    struct bm_bsd_socket want; /* when the line is a socket's */
  } cases[] = {
      {"Active Internet connections (including servers)\n", 0, {0}},
      {"Proto Recv-Q Send-Q  Local Address          Foreign Address        "
       "(state)\n",
       0,
       {0}},
      {"\n", 0, {0}},
      {"4f1eb4c58685585f stream      0      0                0 "
       "4f1eb4c5868572ef                0                0\n",
       0,
       {0}},
      {"tcp4       0      0  127.0.0.1.50000        127.0.0.1.50001        "
       "ESTABLISHED\n",
       1,
       {BM_TCP, BM_BSD_V4, 50000, 50001, BM_TCP_ESTABLISHED}},
      {"tcp4       0      0  127.0.0.1.50000        127.0.0.1.50001        "
       "FIN_WAIT_2 \n",
       1,
       {BM_TCP, BM_BSD_V4, 50000, 50001, BM_TCP_FIN_WAIT_2}},
      {"tcp6       0      0  ::1.50000              ::1.50001              "
       "TIME_WAIT  \r\n",
       1,
       {BM_TCP, BM_BSD_V6, 50000, 50001, BM_TCP_TIME_WAIT}},
      {"tcp4       0      0  127.0.0.1.50000        127.0.0.1.50001        "
       "LAST_ACK   \n",
       1,
       {BM_TCP, BM_BSD_V4, 50000, 50001, BM_TCP_LAST_ACK}},
      {"tcp46      0      0  *.50000                *.*                    "
       "LISTEN     \n",
       1,
       {BM_TCP, BM_BSD_V4 | BM_BSD_V6, 50000, 0, BM_TCP_LISTEN}},
      {"tcp6       0      0  fe80::aede:48ff:.49159 *.*                    "
       "LISTEN     \n",
       1,
       {BM_TCP, BM_BSD_V6, 49159, 0, BM_TCP_LISTEN}},
      {"tcp4       0      0  127.0.0.1.8091         127.0.0.1.65014        "
       "CLOSE_WAIT  408295 146988  48855      0 0x0022 0x00000004\n",
       1,
       {BM_TCP, BM_BSD_V4, 8091, 65014, BM_TCP_CLOSE_WAIT}},
      {"udp4       0      0  *.50000                *.*                    "
       "           \n",
       1,
       {BM_UDP, BM_BSD_V4, 50000, 0, BM_UDP_BOUND}},
      {"udp46      0      0  *.*                    *.*\n",
       1,
       {BM_UDP, BM_BSD_V4 | BM_BSD_V6, 0, 0, BM_UDP_BOUND}},
      /* Broken: no state, a word for a count, a port past 65535, a name
       * netstat does not print, no port at all. */
      {"tcp4       0      0  127.0.0.1.50000        127.0.0.1.50001\n",
       -1,
       {0}},
      {"tcp4       x      0  127.0.0.1.50000        *.*  LISTEN\n", -1, {0}},
      {"tcp4       0      0  127.0.0.1.65536        *.*  LISTEN\n", -1, {0}},
      {"tcp4       0      0  127.0.0.1.50000        *.*  SYN_RECEIVED\n",
       -1,
       {0}},
      {"udp6       0      0  localhost              *.*\n", -1, {0}},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct bm_bsd_socket s;
    char what[96];
    snprintf(what, sizeof what, "netstat line %d reads as %d", (int)i,
             cases[i].result);
    int result = bm_netstat_parse_line(cases[i].line, &s);
    tap_check_int(what, result, cases[i].result);
    if (result != 1 || cases[i].result != 1)
      continue;
    snprintf(what, sizeof what,
             "netstat line %d: proto, families, ports, state", (int)i);
    tap_check_int(what,
                  s.proto == cases[i].want.proto &&
                      s.families == cases[i].want.families &&
                      s.local_port == cases[i].want.local_port &&
                      s.foreign_port == cases[i].want.foreign_port &&
                      s.state == cases[i].want.state,
                  1);
  }
}

/* What the witness rule counts, one socket at a time. Port 50000 is the
 * server's, 50001 the client's. */
static void test_rule(void) {
  static const struct {
    const char *what;
    const char *endpoint;
    enum bm_proto proto;
    int peer_port;
    struct bm_bsd_socket s;
    int counted;
  } cases[] = {
      {"the listener",
       "127.0.0.1",
       BM_TCP,
       0,
       {BM_TCP, BM_BSD_V4, 50000, 0, BM_TCP_LISTEN},
       1},
      {"the server's end",
       "127.0.0.1",
       BM_TCP,
       50001,
       {BM_TCP, BM_BSD_V4, 50000, 50001, BM_TCP_FIN_WAIT_2},
       1},
      {"the client's end",
       "127.0.0.1",
       BM_TCP,
       50001,
       {BM_TCP, BM_BSD_V4, 50001, 50000, BM_TCP_CLOSE_WAIT},
       0},
      {"a connection before the client has a port",
       "127.0.0.1",
       BM_TCP,
       0,
       {BM_TCP, BM_BSD_V4, 50000, 50001, BM_TCP_ESTABLISHED},
       0},
      {"another client's connection",
       "127.0.0.1",
       BM_TCP,
       50001,
       {BM_TCP, BM_BSD_V4, 50000, 50002, BM_TCP_ESTABLISHED},
       0},
      {"another port",
       "127.0.0.1",
       BM_TCP,
       50001,
       {BM_TCP, BM_BSD_V4, 50003, 0, BM_TCP_LISTEN},
       0},
      {"a CLOSED connection",
       "127.0.0.1",
       BM_TCP,
       50001,
       {BM_TCP, BM_BSD_V4, 50000, 50001, BM_TCP_BOUND},
       0},
      {"a socket bound and nothing more",
       "127.0.0.1",
       BM_TCP,
       0,
       {BM_TCP, BM_BSD_V4, 50000, 0, BM_TCP_BOUND},
       1},
      {"a UDP socket for a TCP question",
       "127.0.0.1",
       BM_TCP,
       0,
       {BM_UDP, BM_BSD_V4, 50000, 0, BM_UDP_BOUND},
       0},
      {"a bound UDP socket",
       "127.0.0.1",
       BM_UDP,
       0,
       {BM_UDP, BM_BSD_V4, 50000, 0, BM_UDP_BOUND},
       1},
      {"a dual-stack listener for IPv4",
       "127.0.0.1",
       BM_TCP,
       0,
       {BM_TCP, BM_BSD_V4 | BM_BSD_V6, 50000, 0, BM_TCP_LISTEN},
       0},
      {"an IPv6 listener for IPv6-only",
       "[::1]",
       BM_TCP,
       0,
       {BM_TCP, BM_BSD_V6, 50000, 0, BM_TCP_LISTEN},
       1},
      {"an IPv4 listener for IPv6-only",
       "[::1]",
       BM_TCP,
       0,
       {BM_TCP, BM_BSD_V4, 50000, 0, BM_TCP_LISTEN},
       0},
      {"a dual-stack listener",
       "[::]dual",
       BM_TCP,
       0,
       {BM_TCP, BM_BSD_V4 | BM_BSD_V6, 50000, 0, BM_TCP_LISTEN},
       1},
      {"its connection over ::1",
       "[::]dual",
       BM_TCP,
       50001,
       {BM_TCP, BM_BSD_V6, 50000, 50001, BM_TCP_TIME_WAIT},
       1},
      {"a v4-mapped listener, listed as IPv4",
       "[::ffff:127.0.0.1]",
       BM_TCP,
       0,
       {BM_TCP, BM_BSD_V4, 50000, 0, BM_TCP_LISTEN},
       1},
      {"its connection, listed as IPv4",
       "[::ffff:127.0.0.1]",
       BM_TCP,
       50001,
       {BM_TCP, BM_BSD_V4, 50000, 50001, BM_TCP_LAST_ACK},
       1},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct bm_witness_query q = {
        .proto = cases[i].proto,
        .server = {bm_endpoint_find(cases[i].endpoint), 50000},
        .peer_port = cases[i].peer_port};
    struct bm_witness w;
    memset(&w, 0, sizeof w);
    bm_bsd_socket_count(&q, &cases[i].s, &w);
    unsigned total = 0;
    for (int s = 0; s < BM_SOCK_STATE_COUNT; s++)
      total += w.count[s];
    char what[96];
    snprintf(what, sizeof what, "%s is %s", cases[i].what,
             cases[i].counted ? "counted" : "not counted");
    tap_check_int(what, total, cases[i].counted);
  }
}

/* ---- recorded output ------------------------------------------------- */

#define MAX_SOCKETS 256

struct listing {
  struct bm_bsd_socket sockets[MAX_SOCKETS];
  int count;
  int unreadable;
};

static int read_listing(const char *path, struct listing *l) {
  FILE *f = fopen(path, "r");
  if (f == NULL)
    return -1;
  char line[512];
  l->count = l->unreadable = 0;
  while (fgets(line, sizeof line, f) != NULL && l->count < MAX_SOCKETS) {
    int parsed = bm_netstat_parse_line(line, &l->sockets[l->count]);
    l->count += parsed > 0;
    l->unreadable += parsed < 0;
  }
  fclose(f);
  return 0;
}

static int sockets_with(const struct listing *l, enum bm_proto proto,
                        unsigned families, enum bm_sock_state state) {
  int n = 0;
  for (int i = 0; i < l->count; i++)
    n += l->sockets[i].proto == proto && l->sockets[i].families == families &&
         l->sockets[i].state == state;
  return n;
}

/* The scenario name the witness gives for one question on the listing. */
static void check_witnessed(const struct listing *l, const char *file,
                            enum bm_proto proto, const char *endpoint, int port,
                            int peer_port, const char *want) {
  struct bm_witness_query q = {.proto = proto,
                               .server = {bm_endpoint_find(endpoint), port},
                               .peer_port = peer_port};
  struct bm_witness w;
  memset(&w, 0, sizeof w);
  for (int i = 0; i < l->count; i++)
    bm_bsd_socket_count(&q, &l->sockets[i], &w);
  char got[64], what[128];
  bm_witness_name(&w, got, sizeof got);
  snprintf(what, sizeof what, "%s: %s %s port %d peer %d", file,
           bm_proto_name(proto), endpoint, port, peer_port);
  tap_check_str(what, got, want);
}

static void test_darwin(const char *path) {
  struct listing l;
  tap_check_int("the macOS sample can be read", read_listing(path, &l), 0);
  tap_check_int("macOS: every tcp and udp line reads", l.unreadable, 0);
  tap_check_int("macOS: 6 sockets, the rest skipped", l.count, 6);
  tap_check_int("macOS: tcp4 ESTABLISHED",
                sockets_with(&l, BM_TCP, BM_BSD_V4, BM_TCP_ESTABLISHED), 1);
  tap_check_int("macOS: tcp46 LISTEN",
                sockets_with(&l, BM_TCP, BM_BSD_V4 | BM_BSD_V6, BM_TCP_LISTEN),
                1);
  tap_check_int("macOS: tcp6 LISTEN",
                sockets_with(&l, BM_TCP, BM_BSD_V6, BM_TCP_LISTEN), 1);
  tap_check_int(
      "macOS: udp4, udp6 and udp46",
      sockets_with(&l, BM_UDP, BM_BSD_V4, BM_UDP_BOUND) +
          sockets_with(&l, BM_UDP, BM_BSD_V6, BM_UDP_BOUND) +
          sockets_with(&l, BM_UDP, BM_BSD_V4 | BM_BSD_V6, BM_UDP_BOUND),
      3);
  /* tcp46 *.80: a dual-stack listener, not an IPv4 one. */
  check_witnessed(&l, "macOS", BM_TCP, "[::]dual", 80, 0, "LISTEN");
  check_witnessed(&l, "macOS", BM_TCP, "0.0.0.0", 80, 0, "CLOSED");
  check_witnessed(&l, "macOS", BM_TCP, "[::]", 88, 0, "LISTEN");
  check_witnessed(&l, "macOS", BM_TCP, "0.0.0.0", 54433, 443,
                  "ESTABLISHED_NO_LISTENER");
  check_witnessed(&l, "macOS", BM_UDP, "[::]", 52919, 0, "BOUND");
  check_witnessed(&l, "macOS", BM_UDP, "0.0.0.0", 52919, 0, "CLOSED");
}

static void test_freebsd(const char *path) {
  struct listing l;
  tap_check_int("the FreeBSD sample can be read", read_listing(path, &l), 0);
  tap_check_int("FreeBSD: every tcp and udp line reads", l.unreadable, 0);
  tap_check_int("FreeBSD: 23 tcp and 13 udp sockets", l.count, 36);
  tap_check_int("FreeBSD: tcp4 LISTEN",
                sockets_with(&l, BM_TCP, BM_BSD_V4, BM_TCP_LISTEN), 9);
  tap_check_int("FreeBSD: tcp6 LISTEN",
                sockets_with(&l, BM_TCP, BM_BSD_V6, BM_TCP_LISTEN), 8);
  tap_check_int("FreeBSD: tcp4 ESTABLISHED",
                sockets_with(&l, BM_TCP, BM_BSD_V4, BM_TCP_ESTABLISHED), 4);
  tap_check_int("FreeBSD: tcp4 CLOSE_WAIT",
                sockets_with(&l, BM_TCP, BM_BSD_V4, BM_TCP_CLOSE_WAIT), 1);
  tap_check_int("FreeBSD: tcp4 CLOSED",
                sockets_with(&l, BM_TCP, BM_BSD_V4, BM_TCP_BOUND), 1);
  /* sshd listens on *.22 in both families, with a connection to port
   * 22 from 192.168.1.10.41487. */
  check_witnessed(&l, "FreeBSD", BM_TCP, "0.0.0.0", 22, 41487, "ESTABLISHED");
  check_witnessed(&l, "FreeBSD", BM_TCP, "[::]", 22, 41487, "LISTEN");
  check_witnessed(&l, "FreeBSD", BM_TCP, "127.0.0.1", 6012, 0, "LISTEN");
  check_witnessed(&l, "FreeBSD", BM_TCP, "0.0.0.0", 780, 2049, "CLOSE_WAIT");
  check_witnessed(&l, "FreeBSD", BM_TCP, "0.0.0.0", 632, 2049, "CLOSED");
  check_witnessed(&l, "FreeBSD", BM_UDP, "0.0.0.0", 879, 0, "BOUND");
  check_witnessed(&l, "FreeBSD", BM_UDP, "[::]dual", 879, 0, "BOUND");
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s DARWIN-NETSTAT FREEBSD-NETSTAT\n", argv[0]);
    return 2;
  }
  test_state_numbers();
  test_state_names();
  test_lines();
  test_rule();
  test_darwin(argv[1]);
  test_freebsd(argv[2]);
  return tap_done();
}
