#include "bm_sequence.h"

#include "bm_steps.h"
#include "bm_witness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void do_request(struct bm_sequence *seq);
static void next_step(struct bm_sequence *seq);
static void next_probe(struct bm_sequence *seq);
static void finish(struct bm_sequence *seq, int kill_roles);

/* ---- cells ------------------------------------------------------------ */

int bm_sequence_cell_count(const struct bm_sequence_config *config) {
  int states = 0;
  for (int i = 0; i < bm_step_count; i++)
    states += (config->state_mask >> i) & 1;
  return states * config->probe_option_count;
}

static int selected(const struct bm_sequence *seq, int step) {
  return (seq->config.state_mask >> step) & 1;
}

static struct bm_cell *cell_at(struct bm_sequence *seq, int step, int probe) {
  int row = 0;
  for (int i = 0; i < step; i++)
    row += selected(seq, i);
  return &seq->cells[row * seq->config.probe_option_count + probe];
}

static void prefill_cells(struct bm_sequence *seq) {
  const struct bm_sequence_config *c = &seq->config;
  for (int step = 0; step < bm_step_count; step++) {
    if (!selected(seq, step))
      continue;
    for (int p = 0; p < c->probe_option_count; p++) {
      struct bm_cell *cell = cell_at(seq, step, p);
      memset(cell, 0, sizeof *cell);
      cell->family = c->family;
      cell->listener_option = c->listener_option;
      cell->probe_option = c->probe_options[p];
      cell->listener_addr = c->listener_addr;
      cell->probe_addr = c->probe_addr;
      cell->state = bm_steps[step].state;
      cell->os_error = BM_NO_OS_ERROR;
    }
  }
}

/* Every cell not measured yet gets `outcome` and the reason. */
static void settle_pending(struct bm_sequence *seq, const char *outcome,
                           const char *reason) {
  for (int i = 0; i < seq->cell_count; i++) {
    struct bm_cell *cell = &seq->cells[i];
    if (cell->outcome[0] != '\0')
      continue;
    snprintf(cell->outcome, sizeof cell->outcome, "%s", outcome);
    snprintf(cell->reason, sizeof cell->reason, "%s", reason);
  }
}

static void fail(struct bm_sequence *seq, const char *fmt, const char *what) {
  char reason[sizeof seq->cells[0].reason];
  snprintf(reason, sizeof reason, fmt, what);
  settle_pending(seq, "invalid", reason);
  finish(seq, 1);
}

/* ---- replies from roles ---------------------------------------------------
 */

struct reply {
  int ok;
  int value;      /* the port, with ok */
  char stage[32]; /* with !ok */
  int error;      /* with !ok: OS error, or BM_UNSUPPORTED */
};

static int parse_reply(const char *line, struct reply *r) {
  char error[32];
  memset(r, 0, sizeof *r);
  if (sscanf(line, "ok %d", &r->value) == 1) {
    r->ok = 1;
    return 0;
  }
  if (sscanf(line, "fail %31s %31s", r->stage, error) != 2)
    return -1;
  r->error = strcmp(error, "unsupported") == 0 ? BM_UNSUPPORTED : atoi(error);
  return 0;
}

/* "bind EADDRINUSE (98)" or "setsockopt unsupported". */
static void describe_failure(const struct reply *r, char *buf, size_t size) {
  char name[32] = "unsupported";
  if (r->error != BM_UNSUPPORTED)
    bm_error_name(r->error, name, sizeof name);
  if (r->error == BM_UNSUPPORTED)
    snprintf(buf, size, "%s: not available on this OS", r->stage);
  else
    snprintf(buf, size, "%s failed: %s (%d)", r->stage, name, r->error);
}

static void await(struct bm_sequence *seq, struct bm_child *child);

static void on_role_line(struct bm_child *child, const char *line) {
  struct bm_sequence *seq = child->data;
  if (seq->waiting_on != child || seq->finishing)
    return;
  seq->waiting_on = NULL;
  uv_timer_stop(&seq->deadline);
  struct reply r;
  char why[160];
  if (parse_reply(line, &r) != 0) {
    fail(seq, "unreadable answer from a role: %s", line);
    return;
  }
  const struct bm_request *req = &bm_steps[seq->step].requests[seq->request];
  if (!r.ok) {
    describe_failure(&r, why, sizeof why);
    if (seq->step == 0 && strcmp(r.stage, "setsockopt") == 0) {
      char reason[sizeof seq->cells[0].reason];
      snprintf(reason, sizeof reason, "listener option %s: %s",
               seq->config.listener_option->name, why);
      settle_pending(seq, "unsupported", reason);
      {
        finish(seq, 1);
        return;
      }
    }
    {
      fail(seq, "the sequence could not be built: %s", why);
      return;
    }
  }
  if (req->command == NULL && req->role == BM_ROLE_CLIENT)
    seq->peer_port = r.value;
  if (req->command == NULL && req->role == BM_ROLE_SERVER) {
    seq->port = r.value;
    if (seq->config.verbose)
      fprintf(stderr, "bindmatrix: %s %s listening on port %d\n",
              bm_family_name(seq->config.family),
              seq->config.listener_option->name, seq->port);
  }
  seq->request++;
  do_request(seq);
}

static void on_deadline(uv_timer_t *timer) {
  struct bm_sequence *seq = timer->data;
  if (seq->finishing) {
    bm_child_kill(&seq->roles[BM_ROLE_SERVER]);
    bm_child_kill(&seq->roles[BM_ROLE_CLIENT]);
    bm_child_kill(&seq->probe);
    return;
  }
  char why[64];
  snprintf(why, sizeof why, "%d ms", seq->config.timeout_ms);
  fail(seq, "a role gave no answer within %s", why);
}

static void await(struct bm_sequence *seq, struct bm_child *child) {
  seq->waiting_on = child;
  uv_timer_start(&seq->deadline, on_deadline, (uint64_t)seq->config.timeout_ms,
                 0);
}

static int spawn_role(struct bm_sequence *seq, struct bm_child *child,
                      char **argv) {
  child->data = seq;
  child->on_line = on_role_line;
  int err = bm_child_spawn(seq->loop, child, argv);
  if (err == 0)
    await(seq, child);
  return err;
}

/* ---- the steps ------------------------------------------------------------
 */

static void start_role(struct bm_sequence *seq, enum bm_role_kind kind) {
  const struct bm_sequence_config *c = &seq->config;
  char port[16];
  snprintf(port, sizeof port, "%d", seq->port);
  char *server[] = {(char *)c->role_path,
                    "server",
                    (char *)bm_family_name(c->family),
                    (char *)bm_addr_name(c->listener_addr),
                    (char *)c->listener_option->name,
                    NULL};
  char *client[] = {(char *)c->role_path, "client",
                    (char *)bm_family_name(c->family), port, NULL};
  int err = spawn_role(seq, &seq->roles[kind],
                       kind == BM_ROLE_SERVER ? server : client);
  if (err != 0)
    fail(seq, "could not start bm-role: %s", uv_strerror(err));
}

static void check_witness(uv_timer_t *timer);

static void do_request(struct bm_sequence *seq) {
  const struct bm_step *step = &bm_steps[seq->step];
  if (seq->request == step->request_count) {
    seq->witness_since = uv_now(seq->loop);
    check_witness(&seq->poll);
    return;
  }
  const struct bm_request *req = &step->requests[seq->request];
  if (req->command == NULL) {
    start_role(seq, req->role);
    return;
  }
  struct bm_child *role = &seq->roles[req->role];
  if (bm_child_send(role, req->command) != 0) {
    fail(seq, "could not command a role: %s", req->command);
    return;
  }
  await(seq, role);
}

/* Waits for the OS to show the declared state: re-read every millisecond
 * until it does or the deadline passes. No fixed sleeps. */
static void check_witness(uv_timer_t *timer) {
  struct bm_sequence *seq = timer->data;
  const char *declared = bm_steps[seq->step].state;
  struct bm_witness w;
  char seen[64];
  int err = bm_witness_read(seq->config.family, seq->port, seq->peer_port, &w);
  if (err != 0) {
    char why[64];
    bm_error_name(err, why, sizeof why);
    {
      fail(seq, "the state witness could not read the OS: %s", why);
      return;
    }
  }
  bm_witness_name(&w, seen, sizeof seen);
  int reached = strcmp(seen, declared) == 0;
  uint64_t waited = uv_now(seq->loop) - seq->witness_since;
  if (!reached && waited < (uint64_t)seq->config.timeout_ms) {
    uv_timer_start(&seq->poll, check_witness, 1, 0);
    return;
  }
  if (!selected(seq, seq->step)) {
    if (reached)
      next_step(seq);
    else
      fail(seq, "the sequence did not reach %s", declared);
    return;
  }
  for (int p = 0; p < seq->config.probe_option_count; p++)
    snprintf(cell_at(seq, seq->step, p)->witnessed, sizeof seen, "%s", seen);
  if (!reached) {
    char why[160];
    snprintf(why, sizeof why, "declared %s, witnessed %s after %d ms", declared,
             seen, seq->config.timeout_ms);
    {
      fail(seq, "%s", why);
      return;
    }
  }
  seq->probe_index = 0;
  next_probe(seq);
}

static void record_probe(struct bm_sequence *seq, const struct reply *r) {
  struct bm_cell *cell = cell_at(seq, seq->step, seq->probe_index);
  if (r->ok) {
    snprintf(cell->outcome, sizeof cell->outcome, "ok");
    return;
  }
  char why[160];
  describe_failure(r, why, sizeof why);
  if (r->error != BM_UNSUPPORTED)
    cell->os_error = r->error;
  if (strcmp(r->stage, "bind") == 0) {
    bm_error_name(r->error, cell->outcome, sizeof cell->outcome);
  } else if (strcmp(r->stage, "setsockopt") == 0) {
    snprintf(cell->outcome, sizeof cell->outcome, "unsupported");
    snprintf(cell->reason, sizeof cell->reason, "probe option %s: %s",
             cell->probe_option->name, why);
  } else {
    snprintf(cell->outcome, sizeof cell->outcome, "invalid");
    snprintf(cell->reason, sizeof cell->reason, "probe: %s", why);
  }
}

static void on_probe_line(struct bm_child *child, const char *line) {
  struct bm_sequence *seq = child->data;
  if (seq->waiting_on != child || seq->finishing)
    return;
  seq->waiting_on = NULL;
  uv_timer_stop(&seq->deadline);
  struct reply r;
  if (parse_reply(line, &r) != 0) {
    fail(seq, "unreadable answer from a probe: %s", line);
    return;
  }
  record_probe(seq, &r);
}

static void check_done(struct bm_sequence *seq);

/* The probe has closed its socket and exited: the next one may bind. */
static void on_probe_closed(struct bm_child *child) {
  struct bm_sequence *seq = child->data;
  if (seq->finishing) {
    check_done(seq);
    return;
  }
  if (seq->waiting_on == child) {
    fail(seq, "a probe exited without an answer%s", "");
    return;
  }
  seq->probe_index++;
  next_probe(seq);
}

static void next_probe(struct bm_sequence *seq) {
  const struct bm_sequence_config *c = &seq->config;
  if (seq->probe_index == c->probe_option_count) {
    next_step(seq);
    return;
  }
  char port[16];
  snprintf(port, sizeof port, "%d", seq->port);
  char *argv[] = {(char *)c->role_path,
                  "probe",
                  (char *)bm_family_name(c->family),
                  (char *)bm_addr_name(c->probe_addr),
                  (char *)c->probe_options[seq->probe_index]->name,
                  port,
                  NULL};
  seq->probe.data = seq;
  seq->probe.on_line = on_probe_line;
  seq->probe.on_closed = on_probe_closed;
  int err = bm_child_spawn(seq->loop, &seq->probe, argv);
  if (err != 0) {
    fail(seq, "could not start a probe: %s", uv_strerror(err));
    return;
  }
  await(seq, &seq->probe);
}

static int last_selected_step(const struct bm_sequence *seq) {
  int last = -1;
  for (int i = 0; i < bm_step_count; i++)
    if (selected(seq, i))
      last = i;
  return last;
}

static void next_step(struct bm_sequence *seq) {
  if (seq->step >= last_selected_step(seq)) {
    finish(seq, 0);
    return;
  }
  seq->step++;
  seq->request = 0;
  do_request(seq);
}

/* ---- the end ------------------------------------------------------------- */

static void on_timer_closed(uv_handle_t *handle) {
  struct bm_sequence *seq = handle->data;
  if (--seq->open_timers == 0 && seq->on_done)
    seq->on_done(seq);
}

static void check_done(struct bm_sequence *seq) {
  if (bm_child_running(&seq->roles[BM_ROLE_SERVER]) ||
      bm_child_running(&seq->roles[BM_ROLE_CLIENT]) ||
      bm_child_running(&seq->probe) ||
      uv_is_closing((uv_handle_t *)&seq->deadline))
    return;
  uv_close((uv_handle_t *)&seq->deadline, on_timer_closed);
  uv_close((uv_handle_t *)&seq->poll, on_timer_closed);
}

static void on_role_closed(struct bm_child *child) {
  struct bm_sequence *seq = child->data;
  if (!seq->finishing) {
    fail(seq, "a role exited before the sequence ended%s", "");
    return;
  }
  check_done(seq);
}

/* Roles exit at end of input; killed when the sequence failed, and by the
 * deadline if they do not go. */
static void finish(struct bm_sequence *seq, int kill_roles) {
  if (seq->finishing)
    return;
  seq->finishing = 1;
  seq->waiting_on = NULL;
  uv_timer_stop(&seq->poll);
  uv_timer_start(&seq->deadline, on_deadline, (uint64_t)seq->config.timeout_ms,
                 0);
  struct bm_child *children[] = {&seq->roles[BM_ROLE_SERVER],
                                 &seq->roles[BM_ROLE_CLIENT], &seq->probe};
  for (int i = 0; i < 3; i++) {
    if (kill_roles)
      bm_child_kill(children[i]);
    bm_child_end(children[i]);
  }
  check_done(seq);
}

void bm_sequence_settle_unstarted(struct bm_sequence *seq, const char *why) {
  prefill_cells(seq);
  settle_pending(seq, "invalid", why);
}

void bm_sequence_abort(struct bm_sequence *seq, const char *why) {
  if (!seq->finishing)
    fail(seq, "%s", why);
}

void bm_sequence_start(uv_loop_t *loop, struct bm_sequence *seq) {
  memset(&seq->roles, 0, sizeof seq->roles);
  memset(&seq->probe, 0, sizeof seq->probe);
  seq->loop = loop;
  seq->cell_count = bm_sequence_cell_count(&seq->config);
  seq->step = seq->request = seq->probe_index = seq->port = 0;
  seq->peer_port = 0;
  seq->finishing = 0;
  seq->waiting_on = NULL;
  for (int i = 0; i < 2; i++) {
    seq->roles[i].data = seq;
    seq->roles[i].on_closed = on_role_closed;
  }
  uv_timer_init(loop, &seq->deadline);
  uv_timer_init(loop, &seq->poll);
  seq->deadline.data = seq->poll.data = seq;
  seq->open_timers = 2;
  prefill_cells(seq);
  do_request(seq);
}
