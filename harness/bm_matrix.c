#include "bm_matrix.h"

#include "bm_steps.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct run {
  uv_loop_t loop;
  struct bm_sequence *sequences;
  int count;
  int next;
  int running;
  int jobs;
  uv_signal_t signals[2];
  int interrupted_by;
  char role_path[4096];
};

static void close_signals(struct run *run) {
  for (int i = 0; i < 2; i++)
    if (!uv_is_closing((uv_handle_t *)&run->signals[i]))
      uv_close((uv_handle_t *)&run->signals[i], NULL);
}

static void on_sequence_done(struct bm_sequence *seq);

static void start_next(struct run *run) {
  while (!run->interrupted_by && run->next < run->count &&
         run->running < run->jobs) {
    struct bm_sequence *seq = &run->sequences[run->next++];
    run->running++;
    bm_sequence_start(&run->loop, seq);
  }
  if (run->running == 0)
    close_signals(run); /* nothing left: let the loop end */
}

static void on_sequence_done(struct bm_sequence *seq) {
  struct run *run = seq->data;
  run->running--;
  start_next(run);
}

/* Ctrl-C / SIGTERM: end every running sequence; their roles are killed and
 * reaped before the loop returns. Sequences not started stay "invalid". */
static void on_signal(uv_signal_t *handle, int signum) {
  struct run *run = handle->data;
  if (run->interrupted_by)
    return;
  run->interrupted_by = signum;
  for (int i = 0; i < run->next; i++)
    bm_sequence_abort(&run->sequences[i], "interrupted");
  if (run->running == 0)
    close_signals(run);
}

static int setup_signals(struct run *run) {
  static const int signums[2] = {SIGINT, SIGTERM};
  for (int i = 0; i < 2; i++) {
    uv_signal_init(&run->loop, &run->signals[i]);
    run->signals[i].data = run;
  }
  int err = 0;
  for (int i = 0; i < 2 && err == 0; i++)
    err = uv_signal_start(&run->signals[i], on_signal, signums[i]);
  return err;
}

/* One sequence per (family, listener option), cells laid out in order. */
static int plan(const struct bm_matrix_config *mc, struct run *run,
                struct bm_matrix_result *result) {
  run->count = mc->family_count * mc->option_count;
  run->sequences = calloc((size_t)run->count, sizeof *run->sequences);
  if (!run->sequences)
    return UV_ENOMEM;
  int total = 0;
  for (int f = 0; f < mc->family_count; f++)
    for (int o = 0; o < mc->option_count; o++) {
      struct bm_sequence *seq = &run->sequences[f * mc->option_count + o];
      struct bm_sequence_config *c = &seq->config;
      c->family = mc->families[f];
      c->listener_addr = c->probe_addr = BM_ADDR_WILDCARD;
      c->listener_option = mc->options[o];
      c->probe_option_count =
          mc->probe_option_count ? mc->probe_option_count : 1;
      for (int p = 0; p < c->probe_option_count; p++)
        c->probe_options[p] =
            mc->probe_option_count ? mc->probe_options[p] : mc->options[o];
      c->state_mask = mc->state_mask;
      c->timeout_ms = mc->timeout_ms;
      c->role_path = run->role_path;
      c->verbose = mc->verbose;
      seq->data = run;
      seq->on_done = on_sequence_done;
      seq->cell_count = bm_sequence_cell_count(c);
      total += seq->cell_count;
    }
  result->cells = calloc((size_t)total + 1, sizeof *result->cells);
  if (!result->cells)
    return UV_ENOMEM;
  result->cell_count = total;
  struct bm_cell *next = result->cells;
  for (int i = 0; i < run->count; i++) {
    run->sequences[i].cells = next;
    next += run->sequences[i].cell_count;
  }
  return 0;
}

/* Sequences never started (interrupted early) still appear, as invalid. */
static void settle_unstarted(struct run *run, const char *why) {
  for (int i = run->next; i < run->count; i++)
    bm_sequence_settle_unstarted(&run->sequences[i], why);
}

int bm_matrix_run(const struct bm_matrix_config *config,
                  struct bm_matrix_result *result) {
  struct run run;
  memset(&run, 0, sizeof run);
  memset(result, 0, sizeof *result);
  run.jobs = config->jobs > 0 ? config->jobs : 1;
  int err =
      bm_child_sibling_path("bm-role", run.role_path, sizeof run.role_path);
  if (err == 0)
    err = uv_loop_init(&run.loop);
  if (err != 0)
    return err;
  err = plan(config, &run, result);
  int signals_err = setup_signals(&run);
  if (err == 0)
    err = signals_err;
  if (err == 0) {
    start_next(&run);
    uv_run(&run.loop, UV_RUN_DEFAULT);
    settle_unstarted(&run, "interrupted before it started");
    result->interrupted_by = run.interrupted_by;
  } else {
    close_signals(&run);
    uv_run(&run.loop, UV_RUN_DEFAULT);
  }
  uv_loop_close(&run.loop);
  free(run.sequences);
  return err;
}
