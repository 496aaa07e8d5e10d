#include "runner/bench.h"

#include "os/witness.h"
#include "role/roles.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

/* Witnessed cells are those a probe really ran for after the witness read
 * the state: cells of options this OS lacks cost no process and are not. */
struct tally {
  int cells;
  int witnessed;
  int invalid;
  int retries;
  uint64_t ns;
};

static void count_cells(const struct bm_run_result *r, struct tally *t) {
  t->cells += r->cell_count;
  t->retries += r->stats.retries;
  for (int i = 0; i < r->cell_count; i++) {
    const struct bm_cell *c = &r->cells[i];
    t->invalid += c->status == BM_CELL_INVALID;
    t->witnessed += c->witnessed[0] != '\0' && c->status == BM_CELL_MEASURED;
  }
}

static int bench_processes(const struct bm_plan *plan,
                           const struct bm_run_options *o, int rounds,
                           struct tally *t) {
  for (int i = 0; i < rounds; i++) {
    struct bm_run_result r;
    uint64_t start = uv_hrtime();
    int err = bm_run(plan, o, &r);
    t->ns += uv_hrtime() - start;
    if (err == 0)
      count_cells(&r, t);
    free(r.cells);
    if (err != 0 || r.interrupted_by)
      return err != 0 ? err : UV_ECANCELED;
  }
  return 0;
}

/* ---- the same sequences, in this process ----------------------------------
 */

struct inproc {
  const struct bm_sequence_plan *p;
  struct bm_role_sockets server, client;
  int port, peer_port;
};

static int do_inproc_request(struct inproc *ip, const struct bm_request *req) {
  const struct bm_sequence_plan *p = ip->p;
  struct bm_request_line r = {.verb = req->verb,
                              .proto = p->proto,
                              .option = p->listener_option,
                              .endpoint = {p->listener, ip->port},
                              .count = 1};
  long long value;
  struct bm_role_sockets *rs =
      req->role == BM_ROLE_SERVER ? &ip->server : &ip->client;
  struct bm_status st = bm_role_do(rs, &r, &value);
  if (req->verb == BM_VERB_SERVER || req->verb == BM_VERB_BIND)
    ip->port = (int)value;
  if (req->verb == BM_VERB_CLIENT)
    ip->peer_port = (int)value;
  return st.error.code;
}

/* Re-reads the witness until it shows `state` or 2 s pass. */
static int await_state(const struct inproc *ip, const char *state) {
  struct bm_witness_query q = {.proto = ip->p->proto,
                               .server = {ip->p->listener, ip->port},
                               .peer_port = ip->peer_port};
  uint64_t until = uv_hrtime() + 2000000000u;
  char seen[64];
  do {
    struct bm_witness w;
    if (bm_witness_read(&q, &w).code != 0)
      return -1;
    bm_witness_name(&w, seen, sizeof seen);
    if (strcmp(seen, state) == 0)
      return 0;
  } while (uv_hrtime() < until);
  return -1;
}

/* Bind probes of this user only: hijacks, inheritance and other users
 * need processes. The port is the OS's choice (port 0). */
static void inproc_sequence(const struct bm_sequence_plan *p, struct tally *t) {
  struct inproc ip = {.p = p};
  bm_role_sockets_init(&ip.server);
  bm_role_sockets_init(&ip.client);
  int broken = p->scenario->id != BM_SCENARIO_BIND;
  for (int s = 0; s < p->kind->step_count && !broken; s++) {
    const struct bm_step *step = &p->kind->steps[s];
    for (int r = 0; r < step->request_count && !broken; r++)
      broken = do_inproc_request(&ip, &step->requests[r]) != 0;
    broken = broken || await_state(&ip, step->state) != 0;
    for (int o = 0; o < p->probe_count && !broken; o++) {
      if (!bm_plan_step_selected(p, s) || p->probes[o].user != BM_USER_SAME)
        continue;
      struct bm_request_line probe = {.verb = BM_VERB_PROBE,
                                      .proto = p->proto,
                                      .option = p->probes[o].option,
                                      .endpoint = {p->probe, ip.port}};
      long long unused;
      bm_role_do(&ip.server, &probe, &unused);
      t->cells++;
      t->witnessed++;
    }
  }
  bm_role_reset(&ip.server);
  bm_role_reset(&ip.client);
}

static void bench_inproc(const struct bm_plan *plan, int rounds,
                         struct tally *t) {
  uint64_t start = uv_hrtime();
  for (int i = 0; i < rounds; i++)
    for (int s = 0; s < plan->sequence_count; s++)
      inproc_sequence(&plan->sequences[s], t);
  t->ns = uv_hrtime() - start;
}

static void report(const char *what, const struct tally *t) {
  double ms = (double)t->ns / 1e6;
  printf("| %-36s | %7d | %9d | %8.0f | %9.3f | %8.0f | %7d | %7d |\n", what,
         t->cells, t->witnessed, ms, t->witnessed ? ms / t->witnessed : 0.0,
         ms > 0 ? t->cells / (ms / 1e3) : 0.0, t->invalid, t->retries);
}

int bm_bench_run(const struct bm_plan *plan, const struct bm_run_options *o,
                 int rounds) {
  if (bm_net_init().code != 0)
    return fprintf(stderr, "bindmatrix: the socket library did not start\n"), 1;
  struct tally workers = {0}, fresh = {0}, inproc = {0};
  struct bm_run_options quiet = *o;
  quiet.progress = 0;
  quiet.fresh = 0;
  int err = bench_processes(plan, &quiet, rounds, &workers);
  quiet.fresh = 1;
  if (err == 0)
    err = bench_processes(plan, &quiet, rounds, &fresh);
  if (err != 0) {
    fprintf(stderr, "bindmatrix: bench: %s\n", uv_strerror(err));
    return 1;
  }
  bench_inproc(plan, rounds, &inproc);
  printf("bindmatrix bench: %d rounds of %d cells, %d sequences at a time\n\n",
         rounds, plan->cell_count, o->jobs);
  printf("| %-36s | %7s | %9s | %8s | %9s | %8s | %7s | %7s |\n", "how",
         "cells", "witnessed", "ms", "ms/wcell", "cells/s", "invalid",
         "retries");
  printf("|%s|---------|-----------|----------|-----------|----------|"
         "---------|---------|\n",
         "--------------------------------------");
  report("role workers", &workers);
  report("a fresh process per role", &fresh);
  report("in-process loop (same user, bind)", &inproc);
  return 0;
}
