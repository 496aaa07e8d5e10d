/* The harness's name tables, one line per case with the expected answer
 * beside it: options, error names, witnessed-state names, role stages, the
 * state sequence, and the spawn methods with the state each inherit cell
 * declares. */
#include "../bm_cell.h"
#include "../bm_options.h"
#include "../bm_roles.h"
#include "../bm_sock.h"
#include "../bm_spawn.h"
#include "../bm_steps.h"
#include "../bm_witness.h"
#include "tap.h"

#include <errno.h>

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
      {"uv_tcp_bind", 1, 0},  /* libuv chooses: see bm_uv_bind.h */
      {"so_reuseaddr", 0, 0}, /* names are the C names, exactly */
      {"", 0, 0},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const struct bm_option *opt = bm_option_find(cases[i].name);
    char what[96];
    snprintf(what, sizeof what, "option '%s' known", cases[i].name);
    tap_check_int(what, opt != NULL, cases[i].known);
    if (opt) {
      snprintf(what, sizeof what, "option '%s' sockopts", cases[i].name);
      tap_check_int(what, (long)opt->sockopts, (long)cases[i].sockopts);
    }
  }
  for (int i = 0; bm_option_at(i); i++)
    tap_check_str("bm_option_at round-trips through bm_option_find",
                  bm_option_find(bm_option_at(i)->name)->name,
                  bm_option_at(i)->name);
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
  /* (libuv 1.44 names no WSAENOPROTOOPT: it reads UNKNOWN there) */
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
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char got[64], what[64];
    bm_error_name(cases[i].os_error, got, sizeof got);
    snprintf(what, sizeof what, "error %d is named %s", cases[i].os_error,
             cases[i].name);
    tap_check_str(what, got, cases[i].name);
  }
}

static void test_witness_names(void) {
  static const struct {
    enum bm_sock_state states[3];
    int count;
    const char *name;
  } cases[] = {
      {{0}, 0, "CLOSED"},
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
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct bm_witness w;
    char got[64];
    memset(&w, 0, sizeof w);
    for (int s = 0; s < cases[i].count; s++)
      w.count[cases[i].states[s]]++;
    bm_witness_name(&w, got, sizeof got);
    tap_check_str("witnessed sockets are named as the scenario names them", got,
                  cases[i].name);
  }
}

static void test_stages(void) {
  for (int s = BM_STAGE_SOCKET; s <= BM_STAGE_COMMAND; s++) {
    enum bm_stage back;
    tap_check_int("stage name parses back",
                  bm_stage_parse(bm_stage_name((enum bm_stage)s), &back) == 0 &&
                      back == (enum bm_stage)s,
                  1);
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
      {BM_TCP, "LISTEN", "active-close", 0},
      {BM_TCP, "ESTABLISHED", "active-close", 1},
      {BM_TCP, "ESTABLISHED_NO_LISTENER", "active-close", 2},
      {BM_TCP, "FIN_WAIT_2", "active-close", 3},
      {BM_TCP, "TIME_WAIT", "active-close", 4},
      {BM_TCP, "CLOSE_WAIT", "passive-close", 3},
      {BM_TCP, "LAST_ACK", "passive-close", 4},
      {BM_UDP, "BOUND", "bound", 0},
      {BM_UDP, "LISTEN", NULL, -1},
      {BM_TCP, "BOUND", NULL, -1},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
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
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const struct bm_spawn_method *m = bm_spawn_find(cases[i].name);
    char what[96];
    snprintf(what, sizeof what, "spawn method '%s' known", cases[i].name);
    tap_check_int(what, m != NULL, cases[i].known);
    if (!m)
      continue;
    snprintf(what, sizeof what, "%s, cloexec %d declares %s", cases[i].name,
             cases[i].cloexec, cases[i].declared);
    tap_check_str(what, bm_inherit_kind(cases[i].cloexec, m)->steps[0].state,
                  cases[i].declared);
  }
  for (int i = 0; bm_spawn_at(i); i++)
    tap_check_str("bm_spawn_at round-trips through bm_spawn_find",
                  bm_spawn_find(bm_spawn_at(i)->name)->name,
                  bm_spawn_at(i)->name);
}

static void test_endpoints(void) {
  static const struct {
    const char *name;
    enum bm_family family;
    enum bm_addr addr;
    int v6only;
  } cases[] = {
      {"0.0.0.0", BM_IPV4, BM_ADDR_WILDCARD, 0},
      {"127.0.0.1", BM_IPV4, BM_ADDR_LOOPBACK, 0},
      {"[::]", BM_IPV6, BM_ADDR_WILDCARD, 1},
      {"[::1]", BM_IPV6, BM_ADDR_LOOPBACK, 1},
      {"[::]dual", BM_IPV6, BM_ADDR_WILDCARD, 0},
      {"[::ffff:127.0.0.1]", BM_IPV6, BM_ADDR_V4MAPPED, 0},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct bm_endpoint ep;
    char what[96];
    snprintf(what, sizeof what, "endpoint %s", cases[i].name);
    tap_check_int(what, bm_endpoint_parse(cases[i].name, &ep), 0);
    tap_check_int(what,
                  ep.family == cases[i].family && ep.addr == cases[i].addr &&
                      ep.v6only == cases[i].v6only,
                  1);
    tap_check_str(what, bm_endpoint_name(&ep), cases[i].name);
  }
  struct bm_endpoint ep;
  tap_check_int("an unknown endpoint", bm_endpoint_parse("[::2]", &ep), -1);
}

/* Where the hijack test's clients go: an address both listeners serve. */
static void test_shared_endpoints(void) {
  static const struct {
    const char *first, *second, *shared;
  } cases[] = {
      {"0.0.0.0", "0.0.0.0", "0.0.0.0"},
      {"0.0.0.0", "127.0.0.1", "127.0.0.1"},
      {"127.0.0.1", "0.0.0.0", "127.0.0.1"},
      {"[::]", "[::1]", "[::1]"},
      {"[::]dual", "0.0.0.0", "0.0.0.0"},
      {"0.0.0.0", "[::]dual", "0.0.0.0"},
      {"[::]dual", "[::ffff:127.0.0.1]", "[::ffff:127.0.0.1]"},
      {"[::ffff:127.0.0.1]", "127.0.0.1", "127.0.0.1"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct bm_endpoint a, b;
    char what[96];
    bm_endpoint_parse(cases[i].first, &a);
    bm_endpoint_parse(cases[i].second, &b);
    snprintf(what, sizeof what, "%s then %s: clients go to %s", cases[i].first,
             cases[i].second, cases[i].shared);
    tap_check_str(what, bm_endpoint_name(bm_endpoint_shared(&a, &b)),
                  cases[i].shared);
  }
}

int main(void) {
  test_options();
  test_error_names();
  test_witness_names();
  test_stages();
  test_states_and_sequences();
  test_endpoints();
  test_shared_endpoints();
  test_spawn_methods();
  return tap_done();
}
