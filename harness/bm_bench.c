#include "bm_bench.h"

#include "bm_roles.h"
#include "bm_steps.h"
#include "bm_witness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct tally {
  int cells;
  int invalid;
  uint64_t ns;
};

static void count_cells(const struct bm_matrix_result *r, struct tally *t) {
  t->cells += r->cell_count;
  for (int i = 0; i < r->cell_count; i++)
    t->invalid += strcmp(r->cells[i].outcome, "invalid") == 0;
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

/* ---- the same sequence, in this process ---------------------------------- */

struct inproc {
  struct bm_server server;
  struct bm_client client;
  struct bm_endpoint ep;
};

static int do_inproc_request(struct inproc *p, const struct bm_request *req,
                             const struct bm_option *opt) {
  if (req->role == BM_ROLE_SERVER)
    return req->command ? bm_server_do(&p->server, req->command).error
                        : bm_server_open(&p->server, &p->ep, opt).error;
  if (req->command)
    return bm_client_do(&p->client, req->command).error;
  struct bm_endpoint to = p->ep;
  to.port = p->server.port;
  return bm_client_connect(&p->client, &to).error;
}

/* Re-reads the witness until it shows `state` or 2 s pass. */
static int await_state(enum bm_family family, int port, int peer_port,
                       const char *state) {
  uint64_t until = uv_hrtime() + 2000000000u;
  char seen[64];
  do {
    struct bm_witness w;
    if (bm_witness_read(family, port, peer_port, &w) != 0)
      return -1;
    bm_witness_name(&w, seen, sizeof seen);
    if (strcmp(seen, state) == 0)
      return 0;
  } while (uv_hrtime() < until);
  return -1;
}

static void inproc_sequence(const struct bm_sequence_config *c,
                            struct tally *t) {
  struct inproc p;
  memset(&p, 0, sizeof p);
  p.server.listener = p.server.conn = p.client.sock = BM_NO_SOCKET;
  p.ep.family = c->family;
  p.ep.addr = c->listener_addr;
  int broken = 0;
  for (int s = 0; s < bm_step_count && !broken; s++) {
    for (int r = 0; r < bm_steps[s].request_count && !broken; r++)
      broken = do_inproc_request(&p, &bm_steps[s].requests[r],
                                 c->listener_option) != 0;
    broken = broken || await_state(c->family, p.server.port,
                                   p.client.local_port, bm_steps[s].state) != 0;
    for (int o = 0; o < c->probe_option_count && !broken; o++) {
      struct bm_endpoint probe = {c->family, c->probe_addr, p.server.port};
      bm_probe_bind(&probe, c->probe_options[o]);
      t->cells++;
    }
  }
  bm_server_close(&p.server);
  bm_client_do(&p.client, "close");
}

static void bench_inproc(const struct bm_matrix_config *mc, int rounds,
                         struct tally *t) {
  uint64_t start = uv_hrtime();
  for (int i = 0; i < rounds; i++)
    for (int f = 0; f < mc->family_count; f++)
      for (int o = 0; o < mc->option_count; o++) {
        struct bm_sequence_config c;
        memset(&c, 0, sizeof c);
        c.family = mc->families[f];
        c.listener_option = mc->options[o];
        c.probe_options[0] = mc->options[o];
        c.probe_option_count = 1;
        inproc_sequence(&c, t);
      }
  t->ns = uv_hrtime() - start;
}

static void report(const char *what, const struct tally *t) {
  double ms = (double)t->ns / 1e6;
  printf("%-34s %6d cells %9.1f ms %8.3f ms/cell %9.0f cells/s %4d invalid\n",
         what, t->cells, ms, t->cells ? ms / t->cells : 0.0,
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
  if (err != 0) {
    fprintf(stderr, "bindmatrix: bench: %s\n", uv_strerror(err));
    return 1;
  }
  bench_inproc(config, rounds, &inproc);
  char label[64];
  printf("bindmatrix bench: %d rounds of the matrix\n", rounds);
  snprintf(label, sizeof label, "processes, witnessed (%d jobs)", config->jobs);
  report(label, &processes);
  report("processes, witnessed (1 job)", &serial);
  report("in-process loop, witnessed", &inproc);
  return 0;
}
