#include "bm_bench.h"

#include "bm_roles.h"
#include "bm_steps.h"
#include "bm_witness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Witnessed cells are those a probe really ran for after the witness read
 * the state: cells of options this OS lacks cost no process and are not. */
struct tally {
  int cells;
  int witnessed;
  int invalid;
  uint64_t ns;
};

static void count_cells(const struct bm_matrix_result *r, struct tally *t) {
  t->cells += r->cell_count;
  for (int i = 0; i < r->cell_count; i++) {
    const struct bm_cell *c = &r->cells[i];
    t->invalid += strcmp(c->outcome, "invalid") == 0;
    t->witnessed +=
        c->witnessed[0] != '\0' && strcmp(c->outcome, "unsupported") != 0;
  }
}

static int bench_processes(const struct bm_matrix_config *c, int rounds,
                           struct tally *t) {
  for (int i = 0; i < rounds; i++) {
    struct bm_matrix_result r;
    uint64_t start = uv_hrtime();
    int err = bm_matrix_run(c, &r);
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
  const struct bm_sequence_config *c;
  struct bm_server server;
  struct bm_client client;
};

static int do_inproc_request(struct inproc *p, const struct bm_request *req) {
  int unused;
  if (req->role == BM_ROLE_SERVER)
    return req->command ? bm_server_do(&p->server, req->command, &unused).error
                        : bm_server_open(&p->server, p->c->kind->proto,
                                         &p->c->listener, p->c->listener_option)
                              .error;
  if (req->command)
    return bm_client_do(&p->client, req->command).error;
  struct bm_endpoint to = p->c->listener;
  to.port = p->server.port;
  return bm_client_connect(&p->client, &to).error;
}

/* Re-reads the witness until it shows `state` or 2 s pass. */
static int await_state(const struct inproc *p, const char *state) {
  struct bm_witness_query q = {p->c->kind->proto, p->c->listener,
                               p->client.local_port};
  q.server.port = p->server.port;
  uint64_t until = uv_hrtime() + 2000000000u;
  char seen[64];
  do {
    struct bm_witness w;
    if (bm_witness_read(&q, &w) != 0)
      return -1;
    bm_witness_name(&w, seen, sizeof seen);
    if (strcmp(seen, state) == 0)
      return 0;
  } while (uv_hrtime() < until);
  return -1;
}

/* Bind probes of this user only: hijacks and other users need processes. */
static void inproc_sequence(const struct bm_sequence_config *c,
                            struct tally *t) {
  struct inproc p;
  memset(&p, 0, sizeof p);
  p.c = c;
  p.server.listener = p.server.conn = p.client.sock = BM_NO_SOCKET;
  int broken = c->scenario != BM_SCENARIO_BIND;
  for (int s = 0; s < c->kind->step_count && !broken; s++) {
    const struct bm_step *step = &c->kind->steps[s];
    for (int r = 0; r < step->request_count && !broken; r++)
      broken = do_inproc_request(&p, &step->requests[r]) != 0;
    broken = broken || await_state(&p, step->state) != 0;
    for (int o = 0; o < c->probe_count && !broken; o++) {
      if (!((c->state_mask >> s) & 1) || c->probes[o].other_user)
        continue;
      struct bm_endpoint probe = c->probe;
      probe.port = p.server.port;
      bm_probe_bind(c->kind->proto, &probe, c->probes[o].option);
      t->cells++;
      t->witnessed++;
    }
  }
  bm_server_close(&p.server);
  bm_client_do(&p.client, "close");
}

static int bench_inproc(const struct bm_matrix_config *mc, int rounds,
                        struct tally *t) {
  int count = bm_matrix_plan(mc, NULL);
  struct bm_sequence_config *configs =
      calloc((size_t)count + 1, sizeof *configs);
  if (!configs)
    return UV_ENOMEM;
  bm_matrix_plan(mc, configs);
  uint64_t start = uv_hrtime();
  for (int i = 0; i < rounds; i++)
    for (int s = 0; s < count; s++)
      inproc_sequence(&configs[s], t);
  t->ns = uv_hrtime() - start;
  free(configs);
  return 0;
}

static void report(const char *what, const struct tally *t) {
  double ms = (double)t->ns / 1e6;
  printf("%-30s %6d cells %6d witnessed %8.0f ms %7.3f ms/witnessed cell "
         "%7.0f cells/s %3d invalid\n",
         what, t->cells, t->witnessed, ms,
         t->witnessed ? ms / t->witnessed : 0.0,
         ms > 0 ? t->cells / (ms / 1e3) : 0.0, t->invalid);
}

int bm_bench_run(const struct bm_matrix_config *config, int rounds) {
  if (bm_net_init() != 0)
    return fprintf(stderr, "bindmatrix: the socket library did not start\n"), 1;
  struct tally processes = {0}, serial = {0}, inproc = {0};
  struct bm_matrix_config one_job = *config;
  one_job.jobs = 1;
  int err = bench_processes(config, rounds, &processes);
  if (err == 0)
    err = bench_processes(&one_job, rounds, &serial);
  if (err == 0)
    err = bench_inproc(config, rounds, &inproc);
  if (err != 0) {
    fprintf(stderr, "bindmatrix: bench: %s\n", uv_strerror(err));
    return 1;
  }
  char label[64];
  printf("bindmatrix bench: %d rounds of the matrix\n", rounds);
  snprintf(label, sizeof label, "processes, witnessed (%d jobs)", config->jobs);
  report(label, &processes);
  report("processes, witnessed (1 job)", &serial);
  report("in-process loop, witnessed", &inproc);
  return 0;
}
