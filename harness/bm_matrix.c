#include "bm_matrix.h"

#include "bm_orphans.h"
#include "bm_roles.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What setting each option gave, per protocol: options are checked once per
 * run, not once per probe process. */
struct option_checks {
  const struct bm_option *option[2][BM_MAX_LIST];
  struct bm_status result[2][BM_MAX_LIST];
  int count[2];
};

struct run {
  uv_loop_t loop;
  struct bm_sequence *sequences;
  int count;
  int next;
  int running;
  int jobs;
  uv_signal_t signals[2];
  int interrupted_by;
  struct bm_other_user other_user;
  struct bm_ports ports;
  struct option_checks checks;
  char role_path[4096];
};

void bm_matrix_default_config(struct bm_matrix_config *c) {
  static const char *const default_states[] = {
      "LISTEN",     "ESTABLISHED", "ESTABLISHED_NO_LISTENER",
      "FIN_WAIT_2", "TIME_WAIT",   "CLOSED" /* inherit: nothing kept */};
  memset(c, 0, sizeof *c);
  c->scenarios[c->scenario_count++] = BM_SCENARIO_BIND;
  c->protos[c->proto_count++] = BM_TCP;
  const char *wildcards[] = {"0.0.0.0", "[::]"};
  for (int i = 0; i < 2; i++) {
    struct bm_address_pair *pair = &c->addresses[c->address_count++];
    bm_endpoint_parse(wildcards[i], &pair->listener);
    pair->probe = pair->listener;
  }
  for (int i = 0; i < 4; i++)
    c->options[c->option_count++] = bm_option_at(i);
  c->users[c->user_count++] = 0;
  for (int i = 0; i < 6; i++)
    c->states[c->state_count++] = default_states[i];
  c->cloexecs[c->cloexec_count++] = 1;
  c->cloexecs[c->cloexec_count++] = 0;
  for (int i = 0; bm_spawn_at(i); i++)
    c->spawns[c->spawn_count++] = bm_spawn_at(i);
  c->jobs = 2 * (int)uv_available_parallelism();
  c->timeout_ms = 2000;
}

/* ---- running --------------------------------------------------------------
 */

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

/* ---- planning ---------------------------------------------------------------
 */

/* The steps of `kind` whose states this run probes. A state is probed by
 * the first kind that has it (LISTEN by the active close, not again by the
 * passive one); a hijack is a second listener, so only LISTEN. */
static unsigned probed_steps(const struct bm_matrix_config *mc,
                             enum bm_scenario scenario,
                             const struct bm_sequence_kind *kind) {
  unsigned mask = 0;
  for (int i = 0; i < mc->state_count; i++) {
    const char *state = mc->states[i];
    if (scenario == BM_SCENARIO_HIJACK &&
        (kind->proto != BM_TCP || strcmp(state, "LISTEN") != 0))
      continue;
    if (bm_kind_probing(kind->proto, state) == kind)
      mask |= 1u << bm_step_find(kind, state);
  }
  return mask;
}

static void plan_probes(const struct bm_matrix_config *mc,
                        const struct bm_option *listener_option,
                        struct bm_sequence_config *c) {
  int options = mc->probe_option_count ? mc->probe_option_count : 1;
  for (int o = 0; o < options; o++)
    for (int u = 0; u < mc->user_count && c->probe_count < BM_MAX_PROBES; u++) {
      struct bm_probe_spec *spec = &c->probes[c->probe_count++];
      spec->option =
          mc->probe_option_count ? mc->probe_options[o] : listener_option;
      spec->other_user = mc->users[u];
    }
}

/* An inherit sequence declares the one state its model gives (see
 * bm_inherit_kind); it runs when that state is selected. */
static unsigned inherit_steps(const struct bm_matrix_config *mc,
                              const struct bm_sequence_kind *kind) {
  for (int i = 0; i < mc->state_count; i++)
    if (strcmp(mc->states[i], kind->steps[0].state) == 0)
      return 1;
  return 0;
}

/* One sequence: what every scenario's have in common. */
static void plan_sequence(const struct bm_matrix_config *mc,
                          enum bm_scenario scenario,
                          const struct bm_address_pair *address,
                          const struct bm_option *option,
                          const struct bm_sequence_kind *kind, unsigned mask,
                          struct bm_sequence_config *c) {
  memset(c, 0, sizeof *c);
  c->kind = kind;
  c->scenario = scenario;
  c->listener = address->listener;
  c->probe = address->probe;
  c->listener_option = option;
  plan_probes(mc, option, c);
  c->state_mask = mask;
  c->timeout_ms = mc->timeout_ms;
  c->verbose = mc->verbose;
}

/* The inherit sequences of one (protocol, address, option): one per flag
 * and spawn method. Appends to out (when not NULL) from `count` on. */
static int plan_inherit(const struct bm_matrix_config *mc, enum bm_proto proto,
                        const struct bm_address_pair *address,
                        const struct bm_option *option,
                        struct bm_sequence_config *out, int count) {
  for (int f = 0; f < mc->cloexec_count; f++)
    for (int m = 0; m < mc->spawn_count; m++) {
      const struct bm_sequence_kind *kind =
          bm_inherit_kind(mc->cloexecs[f], mc->spawns[m]);
      if (kind->proto != proto || !inherit_steps(mc, kind))
        continue;
      if (out) {
        plan_sequence(mc, BM_SCENARIO_INHERIT, address, option, kind, 1,
                      &out[count]);
        out[count].cloexec = mc->cloexecs[f];
        out[count].spawn = mc->spawns[m];
      }
      count++;
    }
  return count;
}

int bm_matrix_plan(const struct bm_matrix_config *mc,
                   struct bm_sequence_config *out) {
  int count = 0;
  for (int s = 0; s < mc->scenario_count; s++)
    for (int p = 0; p < mc->proto_count; p++)
      for (int a = 0; a < mc->address_count; a++)
        for (int o = 0; o < mc->option_count; o++) {
          const struct bm_address_pair *address = &mc->addresses[a];
          if (mc->scenarios[s] == BM_SCENARIO_INHERIT) {
            count = plan_inherit(mc, mc->protos[p], address, mc->options[o],
                                 out, count);
            continue;
          }
          for (int k = 0; k < bm_sequence_kind_count; k++) {
            const struct bm_sequence_kind *kind = &bm_sequence_kinds[k];
            unsigned mask = probed_steps(mc, mc->scenarios[s], kind);
            if (kind->proto != mc->protos[p] || mask == 0)
              continue;
            if (out)
              plan_sequence(mc, mc->scenarios[s], address, mc->options[o], kind,
                            mask, &out[count]);
            count++;
          }
        }
  return count;
}

static struct bm_status option_check(struct option_checks *checks,
                                     enum bm_proto proto,
                                     const struct bm_option *option) {
  int i = 0;
  while (i < checks->count[proto] && checks->option[proto][i] != option)
    i++;
  if (i == BM_MAX_LIST) /* not cached: the probe process will find out */
    return (struct bm_status){BM_STAGE_SETSOCKOPT, 0};
  if (i == checks->count[proto]) {
    checks->option[proto][i] = option;
    checks->result[proto][i] = bm_option_check(proto, option);
    checks->count[proto]++;
  }
  return checks->result[proto][i];
}

static int allocate(const struct bm_matrix_config *mc, struct run *run,
                    struct bm_matrix_result *result) {
  run->count = bm_matrix_plan(mc, NULL);
  struct bm_sequence_config *configs =
      calloc((size_t)run->count + 1, sizeof *configs);
  run->sequences = calloc((size_t)run->count + 1, sizeof *run->sequences);
  if (!configs || !run->sequences) {
    free(configs);
    return UV_ENOMEM;
  }
  bm_matrix_plan(mc, configs);
  int total = 0;
  for (int i = 0; i < run->count; i++) {
    struct bm_sequence *seq = &run->sequences[i];
    seq->config = configs[i];
    seq->config.role_path = run->role_path;
    seq->config.other_user = &run->other_user;
    seq->config.ports = &run->ports;
    for (int p = 0; p < seq->config.probe_count; p++)
      seq->config.probes[p].option_check = option_check(
          &run->checks, seq->config.kind->proto, seq->config.probes[p].option);
    seq->data = run;
    seq->on_done = on_sequence_done;
    total += bm_sequence_cell_count(&seq->config);
  }
  free(configs);
  result->cells = calloc((size_t)total + 1, sizeof *result->cells);
  if (!result->cells)
    return UV_ENOMEM;
  result->cell_count = total;
  struct bm_cell *next = result->cells;
  for (int i = 0; i < run->count; i++) {
    run->sequences[i].cells = next;
    run->sequences[i].cell_count =
        bm_sequence_cell_count(&run->sequences[i].config);
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
  struct run *run = calloc(1, sizeof *run);
  memset(result, 0, sizeof *result);
  if (!run)
    return UV_ENOMEM;
  run->jobs = config->jobs > 0 ? config->jobs : 1;
  bm_other_user_find(&run->other_user);
  int err = bm_orphans_adopt();
  if (err == 0)
    err =
        bm_child_sibling_path("bm-role", run->role_path, sizeof run->role_path);
  if (err == 0)
    err = uv_loop_init(&run->loop);
  if (err != 0) {
    free(run);
    return err;
  }
  err = allocate(config, run, result);
  int signals_err = setup_signals(run);
  if (err == 0)
    err = signals_err;
  if (err == 0) {
    start_next(run);
    uv_run(&run->loop, UV_RUN_DEFAULT);
    settle_unstarted(run, "interrupted before it started");
    result->interrupted_by = run->interrupted_by;
  } else {
    close_signals(run);
    uv_run(&run->loop, UV_RUN_DEFAULT);
  }
  uv_loop_close(&run->loop);
  free(run->sequences);
  free(run);
  return err;
}
