/* Hijack: while the server listens, a probe (a role worker, as the same
 * user and, when the harness is root, as another) binds and listens on its
 * port with each option of the vocabulary, at every endpoint that holds an
 * address one of the server's listeners holds: the wildcards, the server's
 * own address, and the more specific addresses that would take its
 * connections. When the probe listens, 32 new connections to the address
 * both hold tell which listener they reach: the server's ("first"), the
 * probe's ("second") or both. */
#include "runner/check_internal.h"

#include "role/roles.h"               /* bm_option_check */
#include "runner/sequence_internal.h" /* bm_seq_describe, BM_SEQ_SET */

#include <stdlib.h>
#include <string.h>

/* Whether a socket on `a` and one on `b` hold an address in common. */
static int share_one(const char *a, const char *b) {
  return a && b &&
         (strcmp(a, "*") == 0 || strcmp(b, "*") == 0 || strcmp(a, b) == 0);
}

static int overlap(const struct bm_endpoint_def *a,
                   const struct bm_endpoint_def *b) {
  return share_one(a->holds_ipv4, b->holds_ipv4) ||
         share_one(a->holds_ipv6, b->holds_ipv6);
}

/* The server's listener a probe on `ep` contends with; NULL for none. */
static const struct bm_endpoint_def *
contender(const struct bm_check_start *s, const struct bm_endpoint_def *ep) {
  for (int i = 0; i < s->listener_count; i++)
    if (s->listeners[i].endpoint && overlap(s->listeners[i].endpoint, ep))
      return s->listeners[i].endpoint;
  return NULL;
}

/* Every (endpoint, option, user) cell, in the vocabulary's orders. The
 * options are the harness's own sockets (a socket option, libuv's bind):
 * a runtime's listener is the matrix's to probe with (its role program). */
static int plan_probes(struct bm_check_result *res) {
  int n = 0,
      max = bm_endpoint_table.count * bm_option_table.count * BM_USER_COUNT;
  res->probes = calloc((size_t)max, sizeof *res->probes);
  if (!res->probes)
    return -1;
  for (int e = 0; e < bm_endpoint_table.count; e++) {
    const struct bm_endpoint_def *ep = bm_endpoint_at(e);
    const struct bm_endpoint_def *against = contender(&res->first, ep);
    for (int o = 0; against && o < bm_option_table.count; o++)
      for (int u = 0;
           u < BM_USER_COUNT && bm_option_at(o)->via != BM_VIA_RUNTIME; u++) {
        struct bm_cell *c = &res->probes[n++].cell;
        c->key.proto = BM_TCP;
        c->key.listener = against;
        c->key.probe = ep;
        c->key.probe_option = bm_option_at(o);
        c->key.user = (enum bm_user)u;
        c->outcome.os_error = c->listen_outcome.os_error = BM_NO_OS_ERROR;
      }
  }
  res->probe_count = n;
  return 0;
}

/* A cell no probe needs to run for: the option is not on this OS, or there
 * is no other user to be. */
static int settled_without_probe(struct bm_check_loop *l, struct bm_cell *c) {
  struct bm_status check = bm_option_check(BM_TCP, c->key.probe_option);
  char why[160];
  if (check.error.code != 0) {
    bm_seq_describe(&check, why, sizeof why);
    c->status = BM_CELL_UNSUPPORTED;
    snprintf(c->reason, sizeof c->reason, "probe option %s: %s",
             c->key.probe_option->name, why);
    return 1;
  }
  if (c->key.user == BM_USER_OTHER && !l->other_user.available) {
    c->status = BM_CELL_UNSUPPORTED;
    snprintf(c->reason, sizeof c->reason, "probe as another user: %s",
             l->other_user.why);
    return 1;
  }
  return 0;
}

static void invalid(struct bm_cell *c, const char *what, const char *why) {
  c->status = BM_CELL_INVALID;
  snprintf(c->reason, sizeof c->reason, "%s: %.240s", what, why);
}

/* One round of clients, counted by the probe: its connections are what
 * the probe took of them. Returns 0, or -1 with the cell settled. */
static int contest_round(struct bm_check_loop *l,
                         const struct bm_check_options *o,
                         struct bm_check_role *connector,
                         const struct bm_request_line *connect,
                         struct bm_check_role *probe, struct bm_cell *c,
                         long long *made, long long *took) {
  struct bm_request_line count = {.verb = BM_VERB_COUNT};
  char why[240];
  if (bm_check_request(l, connector, connect, o->timeout_ms, why, sizeof why) !=
      0) {
    invalid(c, "hijack", why);
  } else if (!connector->reply.ok &&
             connector->reply.status.error.code == UV_ECONNREFUSED &&
             *made == 0) {
    BM_SEQ_SET(c->reached, "none"); /* neither takes connections there */
  } else if (!connector->reply.ok) {
    bm_seq_describe(&connector->reply.status, why, sizeof why);
    invalid(c, "hijack", why);
  } else if (bm_check_request(l, probe, &count, o->timeout_ms, why,
                              sizeof why) != 0 ||
             !probe->reply.ok) {
    invalid(c, "hijack: the probe could not count", why);
  } else {
    *made += connector->reply.values[0];
    *took += probe->reply.values[0];
    return 0;
  }
  return -1;
}

/* The probe listens: which listener do new connections reach? In rounds,
 * as the matrix's hijack (runner/sequence.h): the server's accept queue
 * is its own, and may be short. */
static void contest(struct bm_check_loop *l, const struct bm_check_options *o,
                    int port, struct bm_check_role *probe, struct bm_cell *c) {
  struct bm_check_role connector;
  if (bm_check_role_get(l, BM_USER_SAME, &connector).code != 0) {
    invalid(c, "hijack", "could not start bm-role for the connections");
    return;
  }
  struct bm_request_line connect = {
      .verb = BM_VERB_CLIENT,
      .endpoint = {bm_endpoint_contested(c->key.listener, c->key.probe), port},
      .count = BM_HIJACK_BATCH,
  };
  long long made = 0, took = 0;
  int round = 0;
  while (round < BM_HIJACK_ROUNDS &&
         contest_round(l, o, &connector, &connect, probe, c, &made, &took) == 0)
    round++;
  if (round == BM_HIJACK_ROUNDS) {
    c->connections = (int)made;
    BM_SEQ_SET(c->reached, took == 0      ? "first"
                           : took >= made ? "second"
                                          : "both");
  }
  bm_check_role_put(&connector, 1);
}

static void run_probe(struct bm_check_loop *l, const struct bm_check_options *o,
                      int port, struct bm_cell *c) {
  struct bm_check_role probe;
  char why[240];
  if (bm_check_role_get(l, c->key.user, &probe).code != 0) {
    invalid(c, "probe", "could not start bm-role");
    return;
  }
  struct bm_request_line r = {.verb = BM_VERB_SERVER,
                              .proto = BM_TCP,
                              .option = c->key.probe_option,
                              .endpoint = {c->key.probe, port}};
  if (bm_check_request(l, &probe, &r, o->timeout_ms, why, sizeof why) != 0) {
    invalid(c, "probe", why);
  } else if (probe.reply.ok || probe.reply.status.stage == BM_STAGE_LISTEN) {
    c->status = BM_CELL_MEASURED;
    c->outcome = BM_OK; /* the bind itself succeeded */
    c->listened = 1;
    c->listen_outcome = probe.reply.ok ? BM_OK : probe.reply.status.error;
    if (probe.reply.ok)
      contest(l, o, port, &probe, c);
  } else if (probe.reply.status.stage == BM_STAGE_BIND) {
    c->status = BM_CELL_MEASURED;
    c->outcome = probe.reply.status.error;
  } else {
    bm_seq_describe(&probe.reply.status, why, sizeof why);
    invalid(c, "probe", why);
  }
  bm_check_role_put(&probe, c->listened);
}

int bm_check_hijack_run(struct bm_check_loop *l,
                        const struct bm_check_options *o,
                        struct bm_check_result *res) {
  if (plan_probes(res) != 0)
    return -1;
  const struct bm_cell *stuck[BM_USER_COUNT] = {NULL};
  for (int i = 0; i < res->probe_count && !l->interrupted_by; i++) {
    struct bm_cell *c = &res->probes[i].cell;
    if (settled_without_probe(l, c))
      continue;
    if (stuck[c->key.user]) {
      invalid(c, "not probed", stuck[c->key.user]->reason);
      continue;
    }
    /* A role that gave no answer within the deadline says that user's
     * roles are in trouble: the user's remaining cells are invalid with its
     * reason at once, so that a broken role costs one deadline, not one
     * per cell. */
    int missed = l->missed;
    run_probe(l, o, res->port, c);
    if (l->missed != missed)
      stuck[c->key.user] = c;
  }
  return l->interrupted_by ? -1 : 0;
}
