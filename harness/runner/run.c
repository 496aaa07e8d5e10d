#include "runner/run.h"

#include "os/orphans.h"
#include "os/witness.h"
#include "runner/guard.h"
#include "runner/progress.h"
#include "runner/role_copy.h"
#include "runner/sequence.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

struct run {
  uv_loop_t loop;
  const struct bm_plan *plan;
  struct bm_sequence *sequences;
  int next, running, jobs;
  uv_signal_t signals[3]; /* SIGINT, SIGTERM, SIGHUP */
  uv_async_t parent_gone; /* its input ended (runner/guard.h) */
  int interrupted_by;
  struct bm_other_user other_user;
  struct bm_ports ports;
  struct bm_pool pool;
  struct bm_run_context context;
  struct bm_progress progress;
  char role_path[4096];
  struct bm_role_copy other_role; /* for other_user's probes */
};

void bm_run_default_options(struct bm_run_options *o) {
  memset(o, 0, sizeof *o);
  /* Sequences mostly wait (for a role, for the witness): measured here,
   * 8 per core is as fast natively as 2 and 3 times faster under Wine,
   * where each witness reading serves every sequence waiting for one. */
  int jobs = 8 * (int)uv_available_parallelism();
  o->jobs = jobs < 64 ? jobs : 64;
  o->timeout_ms = 2000;
  o->start_timeout_ms = 20000;
  o->progress = 1;
}

static void close_handle(uv_handle_t *handle) {
  if (!uv_is_closing(handle))
    uv_close(handle, NULL);
}

static void close_handles(struct run *run) {
  for (int i = 0; i < 3; i++)
    close_handle((uv_handle_t *)&run->signals[i]);
  bm_guard_detach();
  close_handle((uv_handle_t *)&run->parent_gone);
  bm_progress_stop(&run->progress);
}

static void on_pool_closed(struct bm_pool *pool) { close_handles(pool->data); }

/* Nothing left to start or running: the workers go, then the loop ends. */
static void wind_up(struct run *run) {
  bm_pool_close(&run->pool, run->context.timeout_ms);
}

static void on_sequence_done(struct bm_sequence *seq);

static void start_next(struct run *run) {
  while (!run->interrupted_by && run->next < run->plan->sequence_count &&
         run->running < run->jobs) {
    struct bm_sequence *seq = &run->sequences[run->next++];
    run->running++;
    bm_sequence_start(seq);
  }
  if (run->running == 0)
    wind_up(run);
}

static void on_sequence_done(struct bm_sequence *seq) {
  struct run *run = seq->data;
  run->running--;
  bm_progress_add(&run->progress, bm_plan_cell_count(seq->plan));
  start_next(run);
}

/* Ctrl-C / SIGTERM / the parent's death: end every running sequence; their
 * roles are killed and the children they left reaped before the loop
 * returns. Sequences not started stay invalid. */
static void interrupt(struct run *run, int signum) {
  if (run->interrupted_by)
    return;
  run->interrupted_by = signum;
  for (int i = 0; i < run->next; i++)
    bm_sequence_abort(&run->sequences[i], "interrupted");
  if (run->running == 0)
    wind_up(run);
}

static void on_signal(uv_signal_t *handle, int signum) {
  interrupt(handle->data, signum);
}

const char *bm_run_interruption(int signum) {
  switch (signum) {
  case SIGINT:
    return "interrupted (SIGINT)";
  case SIGTERM:
    return "stopped by SIGTERM";
  case SIGHUP:
    return "the process that started it ended (SIGHUP, or its input closed)";
  default:
    return "stopped by a signal";
  }
}

static const int signums[3] = {SIGINT, SIGTERM, SIGHUP};

static void on_parent_gone(uv_async_t *async) {
  interrupt(async->data, SIGHUP);
}

/* SIGHUP only for a driver that asked (runner/guard.h says why). */
static int start_signals(struct run *run, const struct bm_run_options *o) {
  int err = 0;
  for (int i = 0; i < (o->end_with_parent ? 3 : 2) && err == 0; i++)
    err = uv_signal_start(&run->signals[i], on_signal, signums[i]);
  if (err == 0)
    bm_guard_attach(&run->parent_gone);
  return err;
}

/* Each sequence's cells are a slice of the run's. */
static int prepare(struct run *run, const struct bm_run_options *o,
                   struct bm_run_result *result) {
  const struct bm_plan *plan = run->plan;
  result->cells = bm_plan_cells(plan);
  run->sequences =
      calloc((size_t)plan->sequence_count + 1, sizeof *run->sequences);
  if (!result->cells || !run->sequences)
    return UV_ENOMEM;
  result->cell_count = plan->cell_count;
  run->context = (struct bm_run_context){
      .loop = &run->loop,
      .pool = &run->pool,
      .ports = &run->ports,
      .other_user = &run->other_user,
      .role_path = run->role_path,
      .timeout_ms = o->timeout_ms,
      .start_timeout_ms = o->start_timeout_ms,
      .verbose = o->verbose,
  };
  for (int proto = 0; proto < BM_PROTO_COUNT; proto++)
    run->context.sees_bound[proto] =
        bm_witness_sees_bound((enum bm_proto)proto);
  if (bm_witness_batch_init(&run->context.witness, &run->loop, run->jobs) != 0)
    return UV_ENOMEM;
  struct bm_cell *next = result->cells;
  for (int i = 0; i < plan->sequence_count; i++) {
    struct bm_sequence *seq = &run->sequences[i];
    seq->plan = &plan->sequences[i];
    seq->cells = next;
    seq->run = &run->context;
    seq->data = run;
    seq->on_done = on_sequence_done;
    next += bm_plan_cell_count(seq->plan);
  }
  return 0;
}

static int probes_as_other_user(const struct bm_plan *plan) {
  for (int i = 0; i < plan->sequence_count; i++)
    for (int p = 0; p < plan->sequences[i].probe_count; p++)
      if (plan->sequences[i].probes[p].user == BM_USER_OTHER)
        return 1;
  return 0;
}

static int setup(struct run *run, const struct bm_run_options *o,
                 struct bm_run_result *result) {
  bm_other_user_find(&run->other_user);
  int err = bm_orphans_adopt();
  if (err == 0)
    err =
        bm_child_sibling_path("bm-role", run->role_path, sizeof run->role_path);
  bm_pool_init(&run->pool, &run->loop, run->role_path, &run->other_user,
               o->fresh);
  /* Another user's probes run a copy of bm-role that user may execute
   * wherever the checkout is; without one, their cells say why. */
  if (err == 0 && probes_as_other_user(run->plan))
    bm_role_copy_for_other_user(&run->other_role, &run->pool, &run->other_user);
  if (err == 0)
    err = prepare(run, o, result);
  if (err == 0) {
    run->pool.data = run;
    run->pool.runtimes_speak = o->verbose;
    run->pool.on_closed = on_pool_closed;
  }
  return err;
}

int bm_run(const struct bm_plan *plan, const struct bm_run_options *o,
           struct bm_run_result *result) {
  memset(result, 0, sizeof *result);
  /* A signal between two runs: this one does not start. */
  if ((result->interrupted_by = bm_guard_caught()) != 0)
    return 0;
  struct run *run = calloc(1, sizeof *run);
  if (!run)
    return UV_ENOMEM;
  run->plan = plan;
  run->jobs = o->jobs > 0 ? o->jobs : 1;
  int err = uv_loop_init(&run->loop);
  if (err != 0) {
    free(run);
    return err;
  }
  uint64_t start = uv_hrtime();
  for (int i = 0; i < 3; i++) {
    uv_signal_init(&run->loop, &run->signals[i]);
    run->signals[i].data = run;
  }
  uv_async_init(&run->loop, &run->parent_gone, on_parent_gone);
  run->parent_gone.data = run;
  bm_progress_init(&run->progress, &run->loop, plan->cell_count, o->progress);
  err = setup(run, o, result);
  if (err == 0)
    err = start_signals(run, o);
  if (err == 0) {
    start_next(run);
    uv_run(&run->loop, UV_RUN_DEFAULT);
    for (int i = run->next; i < plan->sequence_count; i++)
      bm_sequence_settle_unstarted(&run->sequences[i],
                                   "interrupted before it started");
    result->interrupted_by = run->interrupted_by;
  } else {
    close_handles(run);
    uv_run(&run->loop, UV_RUN_DEFAULT);
  }
  result->stats = (struct bm_run_stats){
      .retries = run->context.retries,
      .role_processes = run->pool.stats.started,
      .role_uses = run->pool.stats.handed,
      .seconds = (double)(uv_hrtime() - start) / 1e9,
  };
  uv_loop_close(&run->loop);
  bm_role_copy_remove(&run->other_role); /* every role has exited */
  bm_witness_batch_free(&run->context.witness);
  free(run->sequences);
  free(run);
  return err;
}
