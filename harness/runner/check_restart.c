/* A restart as a supervisor does it, in one of two orders, on a port of its
 * own: the server starts and listens, a client (a role worker) connects and
 * is accepted, the server is stopped (the polite stop, the end after the
 * grace period); in the order "clients-closed" the client closes then, so
 * that the server's end of the connection goes on to TIME_WAIT, in
 * "clients-connected" it stays, and the server's end waits in FIN_WAIT_2.
 * Once the port is at rest, what it holds and who holds it are recorded,
 * and the next instance starts: does it listen, or exit, and with what? */
#include "runner/check_internal.h"

#include "runner/sequence_internal.h" /* bm_seq_describe */

#include <string.h>

#define BIT(state) (1u << (state))

struct restart_run {
  struct bm_check_loop *l;
  const struct bm_check_options *o;
  struct bm_check_restart *r;
  struct bm_check_server servers[2];
  int server_count;
  struct bm_check_role client;
};

/* An instance on the run's port; 0 once it listens, else -1 with the
 * reason recorded (or interrupted). */
static int start_instance(struct restart_run *run, struct bm_check_start *out,
                          const char *which) {
  struct bm_check_server *s = &run->servers[run->server_count];
  struct bm_error err = bm_check_server_start(run->l, run->o, run->r->port, s);
  if (err.code != 0) {
    char error[64];
    bm_error_describe(err, error, sizeof error);
    snprintf(run->r->reason, sizeof run->r->reason,
             "the %s instance could not be started: %s", which, error);
    return -1;
  }
  run->server_count++;
  char why[160];
  if (bm_check_await_listen(run->l, s, run->r->port, run->o->timeout_ms, out,
                            why, sizeof why) != 0) {
    snprintf(run->r->reason, sizeof run->r->reason, "%s", why);
    return -1;
  }
  return 0;
}

static int client_request(struct restart_run *run, enum bm_verb verb,
                          const struct bm_endpoint_def *to, long long *value) {
  struct bm_request_line req = {
      .verb = verb, .endpoint = {to, run->r->port}, .count = 1};
  char why[240];
  if (bm_check_request(run->l, &run->client, &req, run->o->timeout_ms, why,
                       sizeof why) != 0) {
    snprintf(run->r->reason, sizeof run->r->reason, "the client: %s", why);
    return -1;
  }
  if (!run->client.reply.ok) {
    char failed[160];
    bm_seq_describe(&run->client.reply.status, failed, sizeof failed);
    snprintf(run->r->reason, sizeof run->r->reason, "the client: %s", failed);
    return -1;
  }
  *value = run->client.reply.values[0];
  return 0;
}

/* The client connects to the first listener and is accepted. */
static int connect_client(struct restart_run *run,
                          const struct bm_check_start *first, int *peer_port) {
  const struct bm_check_listener *li = &first->listeners[0];
  if (!li->endpoint) {
    snprintf(run->r->reason, sizeof run->r->reason,
             "the server listens on %s, which no endpoint of the "
             "vocabulary names: the harness cannot connect there",
             li->address);
    return -1;
  }
  struct bm_error err = bm_check_role_get(run->l, BM_USER_SAME, &run->client);
  long long port;
  if (err.code != 0 ||
      client_request(run, BM_VERB_CLIENT, li->endpoint, &port) != 0) {
    if (err.code != 0)
      snprintf(run->r->reason, sizeof run->r->reason,
               "could not start bm-role for the client");
    return -1;
  }
  *peer_port = (int)port;
  int accepted = bm_check_await_accept(run->l, run->r->port, *peer_port,
                                       run->o->timeout_ms);
  run->r->accepted = accepted > 0;
  return accepted < 0 ? -1 : 0;
}

static int stop_first(struct restart_run *run, int clients_close) {
  if (bm_check_server_stop(run->l, &run->servers[0], run->o->grace_ms,
                           run->o->timeout_ms, &run->r->stop) != 0) {
    snprintf(run->r->reason, sizeof run->r->reason,
             "the first instance did not exit after %s",
             run->r->stop.sent ? run->r->stop.sent : "its stop");
    return -1;
  }
  long long ignored;
  if (clients_close && client_request(run, BM_VERB_CLOSE, NULL, &ignored) != 0)
    return -1;
  /* Where each order's connection comes to rest; a socket still held
   * (LISTEN, ESTABLISHED) never does, and is recorded after the wait. */
  unsigned rest = clients_close
                      ? BIT(BM_TCP_TIME_WAIT)
                      : BIT(BM_TCP_FIN_WAIT_2) | BIT(BM_TCP_TIME_WAIT);
  char why[160];
  if (bm_check_await_rest(run->l, run->r->port, rest, run->r->witnessed,
                          sizeof run->r->witnessed, run->r->holders,
                          &run->r->holder_count, why, sizeof why) != 0) {
    snprintf(run->r->reason, sizeof run->r->reason, "%s", why);
    return -1;
  }
  return 0;
}

static int run_order(struct restart_run *run, int clients_close) {
  struct bm_check_start first;
  int peer_port;
  if (start_instance(run, &first, "first") != 0)
    return -1;
  if (first.outcome != BM_START_LISTENED) {
    snprintf(run->r->reason, sizeof run->r->reason,
             "the first instance did not listen: %s",
             bm_check_start_name(first.outcome));
    return -1;
  }
  if (connect_client(run, &first, &peer_port) != 0 ||
      stop_first(run, clients_close) != 0 ||
      start_instance(run, &run->r->next, "next") != 0)
    return -1;
  run->r->done = 1;
  return 0;
}

int bm_check_restart_run(struct bm_check_loop *l,
                         const struct bm_check_options *o,
                         struct bm_check_restart *r, int clients_close) {
  memset(r, 0, sizeof *r);
  r->order = clients_close ? "clients-closed" : "clients-connected";
  struct restart_run run = {.l = l, .o = o, .r = r};
  struct bm_error err = bm_ports_take(&l->ports, BM_TCP, &r->port);
  if (err.code != 0)
    snprintf(r->reason, sizeof r->reason, "no fresh port");
  else
    run_order(&run, clients_close);
  bm_check_role_put(&run.client, 1);
  struct bm_check_stop ignored;
  for (int i = 0; i < run.server_count; i++)
    bm_check_server_stop(l, &run.servers[i], o->grace_ms, o->timeout_ms,
                         &ignored);
  int ended = bm_check_end_all(l, run.servers, run.server_count, o->timeout_ms);
  for (int i = 0; i < run.server_count; i++)
    bm_check_server_close(l, &run.servers[i]);
  if (!ended && r->done) {
    r->done = 0;
    snprintf(r->reason, sizeof r->reason,
             "a process the server left did not end within %d ms of its kill",
             o->timeout_ms);
  }
  return l->interrupted_by ? -1 : 0;
}
