/* The vocabulary's tables, one line per case with the expected answer
 * beside it: options (and what this OS's socket layer says of them),
 * endpoints, the address a hijack's clients use, cell families, states and
 * the sequences that reach them, spawn methods, error names, witnessed
 * state names. */
#include "os/spawn.h"
#include "os/witness.h"
#include "role/roles.h"
#include "tap.h"

#include <errno.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static void test_options(void) {
  static const struct {
    const char *name;
    int known;
    unsigned sockopts;
  } cases[] = {
      {"default", 1, 0},
      {"SO_REUSEADDR", 1, BM_SO_REUSEADDR},
      {"SO_REUSEPORT", 1, BM_SO_REUSEPORT},
      {"SO_EXCLUSIVEADDRUSE", 1, BM_SO_EXCLUSIVEADDRUSE},
      {"SO_REUSEADDR+SO_REUSEPORT", 1, BM_SO_REUSEADDR | BM_SO_REUSEPORT},
      {"SO_REUSEPORT_LB", 1, BM_SO_REUSEPORT_LB},
      {"uv_tcp_bind", 1, 0},  /* libuv chooses: vocab/options.c */
      {"so_reuseaddr", 0, 0}, /* names are the C names, exactly */
      {"", 0, 0},
  };
  for (size_t i = 0; i < COUNT(cases); i++) {
    const struct bm_option *opt = bm_option_find(cases[i].name);
    char what[96];
    snprintf(what, sizeof what, "option '%s' known", cases[i].name);
    tap_check_int(what, opt != NULL, cases[i].known);
    if (opt) {
      snprintf(what, sizeof what, "option '%s' sockopts", cases[i].name);
      tap_check_int(what, (long)opt->sockopts, (long)cases[i].sockopts);
    }
  }
}

/* The table says which OS has which option; the socket layer of the OS
 * this runs on must agree: an option the table gives this OS can be set
 * on a socket here, and one it does not cannot. */
static void test_options_on_this_os(void) {
  enum bm_os os = bm_os_this();
  for (int i = 0; bm_option_at(i); i++) {
    const struct bm_option *opt = bm_option_at(i);
    if (opt->via != BM_VIA_SETSOCKOPT)
      continue;
    struct bm_status st = bm_option_check(BM_TCP, opt);
    char what[128];
    snprintf(what, sizeof what, "%s can be set on %s as the table says",
             opt->name, bm_os_family(os)->name);
    tap_check_int(what, st.error.code == 0,
                  bm_option_sets(opt, os) != BM_NOT_ON_OS);
  }
}

static void test_endpoints(void) {
  static const struct {
    const char *name;
    enum bm_ip ip;
    enum bm_addr_kind addr;
    int v6only;
    const char *connect_to;
  } cases[] = {
      {"0.0.0.0", BM_IPV4, BM_ADDR_WILDCARD, -1, "127.0.0.1"},
      {"127.0.0.1", BM_IPV4, BM_ADDR_SPECIFIC, -1, "127.0.0.1"},
      {"[::]", BM_IPV6, BM_ADDR_WILDCARD, 1, "[::1]"},
      {"[::1]", BM_IPV6, BM_ADDR_SPECIFIC, 1, "[::1]"},
      {"[::]dual", BM_IPV6, BM_ADDR_WILDCARD, 0, "[::1]"},
      {"[::ffff:127.0.0.1]", BM_IPV6, BM_ADDR_V4MAPPED, 0,
       "[::ffff:127.0.0.1]"},
      {"[::ffff:0.0.0.0]", BM_IPV6, BM_ADDR_V4MAPPED, 0, "[::ffff:127.0.0.1]"},
  };
  for (size_t i = 0; i < COUNT(cases); i++) {
    const struct bm_endpoint_def *ep = bm_endpoint_find(cases[i].name);
    char what[96];
    snprintf(what, sizeof what, "endpoint %s", cases[i].name);
    tap_check_int(what, ep != NULL, 1);
    if (!ep)
      continue;
    tap_check_int(what,
                  ep->ip == cases[i].ip && ep->addr == cases[i].addr &&
                      ep->v6only == cases[i].v6only,
                  1);
    tap_check_str(what, ep->connect_to, cases[i].connect_to);
  }
  tap_check_int("an unknown endpoint", bm_endpoint_find("[::2]") == NULL, 1);
}

/* Where the hijack test's clients go: an address the first socket holds,
 * the one the second serves when it serves one. */
static void test_contested(void) {
  static const struct {
    const char *first, *second, *target;
  } cases[] = {
      {"0.0.0.0", "0.0.0.0", "127.0.0.1"},
      {"0.0.0.0", "127.0.0.1", "127.0.0.1"},
      {"127.0.0.1", "0.0.0.0", "127.0.0.1"},
      {"[::]", "[::1]", "[::1]"},
      {"[::]dual", "0.0.0.0", "127.0.0.1"},
      {"0.0.0.0", "[::]dual", "127.0.0.1"},
      {"[::]dual", "[::ffff:127.0.0.1]", "127.0.0.1"},
      {"[::ffff:127.0.0.1]", "127.0.0.1", "127.0.0.1"},
      {"0.0.0.0", "[::]", "127.0.0.1"}, /* disjoint: the first's own */
      {"[::]", "0.0.0.0", "[::1]"},
      {"[::ffff:0.0.0.0]", "[::]dual", "127.0.0.1"},
  };
  for (size_t i = 0; i < COUNT(cases); i++) {
    char what[96];
    snprintf(what, sizeof what, "%s then %s: clients go to %s", cases[i].first,
             cases[i].second, cases[i].target);
    tap_check_str(what,
                  bm_endpoint_contested(bm_endpoint_find(cases[i].first),
                                        bm_endpoint_find(cases[i].second))
                      ->name,
                  cases[i].target);
  }
}

static void test_cell_families(void) {
  static const struct {
    const char *listener, *probe, *family;
  } cases[] = {
      {"0.0.0.0", "127.0.0.1", "ipv4"},
      {"[::]", "[::1]", "ipv6"},
      {"[::]dual", "0.0.0.0", "dualstack"},
      {"127.0.0.1", "[::ffff:127.0.0.1]", "dualstack"},
      {"0.0.0.0", "[::]", "mixed"},
      {"[::1]", "127.0.0.1", "mixed"},
  };
  for (size_t i = 0; i < COUNT(cases); i++) {
    char what[96];
    snprintf(what, sizeof what, "%s/%s is %s", cases[i].listener,
             cases[i].probe, cases[i].family);
    tap_check_str(
        what,
        bm_table_name(&bm_cell_family_table,
                      bm_cell_family(bm_endpoint_find(cases[i].listener),
                                     bm_endpoint_find(cases[i].probe))),
        cases[i].family);
  }
}

/* Each state is probed by exactly one sequence: the first that has it. */
static void test_states_and_sequences(void) {
  static const struct {
    enum bm_proto proto;
    const char *state;
    const char *kind; /* NULL: no sequence has it */
    int step;
  } cases[] = {
      {BM_TCP, "BOUND", "bound", 0},
      {BM_TCP, "LISTEN", "active-close", 0},
      {BM_TCP, "ESTABLISHED", "active-close", 1},
      {BM_TCP, "ESTABLISHED_NO_LISTENER", "active-close", 2},
      {BM_TCP, "FIN_WAIT_2", "active-close", 3},
      {BM_TCP, "TIME_WAIT", "active-close", 4},
      {BM_TCP, "CLOSE_WAIT", "passive-close", 3},
      {BM_TCP, "LAST_ACK", "passive-close", 4},
      {BM_UDP, "BOUND", "bound", 0},
      {BM_UDP, "LISTEN", NULL, -1},
      {BM_TCP, "CLOSED", NULL, -1}, /* the inherit scenario's own */
  };
  for (size_t i = 0; i < COUNT(cases); i++) {
    const struct bm_sequence_kind *kind =
        bm_kind_probing(cases[i].proto, cases[i].state);
    char what[96];
    snprintf(what, sizeof what, "%s %s is probed by %s",
             bm_proto_name(cases[i].proto), cases[i].state,
             cases[i].kind ? cases[i].kind : "nothing");
    tap_check_str(what, kind ? kind->name : NULL, cases[i].kind);
    if (kind)
      tap_check_int(what, bm_step_find(kind, cases[i].state), cases[i].step);
  }
  for (int k = 0; bm_kind_at(k); k++)
    for (int s = 0; s < bm_kind_at(k)->step_count; s++)
      tap_check_int("every step's state is a vocabulary state",
                    bm_state_find(bm_kind_at(k)->steps[s].state) != NULL, 1);
}

/* An inherit cell declares LISTEN when the child keeps the listener: it is
 * not close-on-exec and the method passes inheritable descriptors. */
static void test_spawn_methods(void) {
  static const struct {
    const char *name;
    int known;
    int cloexec;
    const char *declared;
  } cases[] = {
      {"fork-exec", 1, 0, "LISTEN"},
      {"fork-exec", 1, 1, "CLOSED"},
      {"posix_spawn", 1, 0, "LISTEN"},
      {"uv_spawn", 1, 0, "LISTEN"},
      {"uv_spawn", 1, 1, "CLOSED"},
      {"CreateProcess-inherit", 1, 0, "LISTEN"},
      {"CreateProcess-noinherit", 1, 0, "CLOSED"}, /* passes nothing */
      {"CreateProcess-noinherit", 1, 1, "CLOSED"},
      {"vfork", 0, 0, NULL},
      {"Fork-Exec", 0, 0, NULL}, /* names are exact */
  };
  for (size_t i = 0; i < COUNT(cases); i++) {
    const struct bm_spawn_method *m = bm_spawn_find(cases[i].name);
    char what[96];
    snprintf(what, sizeof what, "spawn method '%s' known", cases[i].name);
    tap_check_int(what, m != NULL, cases[i].known);
    if (!m)
      continue;
    snprintf(what, sizeof what, "%s, cloexec %d declares %s", cases[i].name,
             cases[i].cloexec, cases[i].declared);
    tap_check_str(what, bm_spawn_declared_state(cases[i].cloexec, m),
                  cases[i].declared);
  }
  /* The table says which OS has which method; this OS must agree. */
  for (int i = 0; bm_spawn_at(i); i++) {
    const struct bm_spawn_method *m = bm_spawn_at(i);
    char what[96];
    snprintf(what, sizeof what, "%s is here as the table says", m->name);
    tap_check_int(what, bm_spawn_available(m),
                  (int)((m->os >> bm_os_this()) & 1));
  }
}

/* The same portable name whatever number this OS uses. The literal numbers
 * are the blog's: 98 on Linux, 48 on FreeBSD, 10048 on Windows. */
static void test_error_names(void) {
  static const struct {
    int os_error;
    const char *name;
  } cases[] = {
    {0, "ok"},
#ifdef _WIN32
    {WSAEADDRINUSE, "EADDRINUSE"},
    {10048, "EADDRINUSE"},
    {WSAEACCES, "EACCES"},
    {WSAEADDRNOTAVAIL, "EADDRNOTAVAIL"},
    {WSAEINVAL, "EINVAL"},
    {WSAENOPROTOOPT, "ENOPROTOOPT"}, /* libuv 1.44 leaves it UNKNOWN */
#else
    {EADDRINUSE, "EADDRINUSE"},
    {EACCES, "EACCES"},
    {EADDRNOTAVAIL, "EADDRNOTAVAIL"},
    {EINVAL, "EINVAL"},
    {ENOPROTOOPT, "ENOPROTOOPT"},
#endif
#ifdef __linux__
    {98, "EADDRINUSE"},
#endif
#if defined(__FreeBSD__) || defined(__APPLE__)
    {48, "EADDRINUSE"},
#endif
  };
  for (size_t i = 0; i < COUNT(cases); i++) {
    char what[64];
    struct bm_error e = bm_error_from_os(cases[i].os_error);
    snprintf(what, sizeof what, "error %d is named %s", cases[i].os_error,
             cases[i].name);
    tap_check_str(what, bm_error_name(e.code), cases[i].name);
    if (cases[i].os_error != 0)
      tap_check_int("the OS's number is kept beside the name", e.os_error,
                    cases[i].os_error);
  }
  /* "unsupported" is not an errno: no OS number can be taken for it. */
  tap_check_str("unsupported has a name of its own",
                bm_error_name(BM_EUNSUPPORTED), "unsupported");
#ifndef _WIN32
  /* It was -1 once, which is also UV_EPERM: EPERM stays EPERM. */
  tap_check_str("EPERM is not unsupported",
                bm_error_name(bm_error_from_os(EPERM).code), "EPERM");
#endif
  int code;
#ifdef _WIN32
  const int addrinuse = WSAEADDRINUSE; /* mingw's EADDRINUSE is the CRT's */
#else
  const int addrinuse = EADDRINUSE;
#endif
  tap_check_int("EADDRINUSE parses back",
                bm_error_parse("EADDRINUSE", &code) == 0 &&
                    code == bm_error_from_os(addrinuse).code,
                1);
  tap_check_int("an unknown name does not parse",
                bm_error_parse("EWHATEVER", &code), -1);
}

static void test_witness_names(void) {
  static const struct {
    enum bm_sock_state states[3];
    int count;
    const char *name;
  } cases[] = {
      {{0}, 0, "CLOSED"},
      {{BM_TCP_BOUND}, 1, "BOUND"},
      {{BM_UDP_BOUND}, 1, "BOUND"},
      {{BM_TCP_LISTEN}, 1, "LISTEN"},
      {{BM_TCP_LISTEN, BM_TCP_ESTABLISHED}, 2, "ESTABLISHED"},
      {{BM_TCP_ESTABLISHED}, 1, "ESTABLISHED_NO_LISTENER"},
      {{BM_TCP_FIN_WAIT_2}, 1, "FIN_WAIT_2"},
      {{BM_TCP_TIME_WAIT}, 1, "TIME_WAIT"},
      {{BM_TCP_TIME_WAIT, BM_TCP_TIME_WAIT}, 2, "TIME_WAIT"},
      {{BM_TCP_LISTEN, BM_TCP_TIME_WAIT}, 2, "LISTEN+TIME_WAIT"},
      {{BM_TCP_FIN_WAIT_1}, 1, "FIN_WAIT_1"},
      {{BM_TCP_LISTEN, BM_TCP_SYN_RECV, BM_TCP_ESTABLISHED},
       3,
       "LISTEN+SYN_RECV+ESTABLISHED"},
  };
  for (size_t i = 0; i < COUNT(cases); i++) {
    struct bm_witness w;
    char got[64];
    memset(&w, 0, sizeof w);
    for (int s = 0; s < cases[i].count; s++)
      w.count[cases[i].states[s]]++;
    bm_witness_name(&w, got, sizeof got);
    tap_check_str("witnessed sockets are named as the states are", got,
                  cases[i].name);
  }
}

int main(void) {
  bm_net_init();
  test_options();
  test_options_on_this_os();
  test_endpoints();
  test_contested();
  test_cell_families();
  test_states_and_sequences();
  test_spawn_methods();
  test_error_names();
  test_witness_names();
  return tap_done();
}
