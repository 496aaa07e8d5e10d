#include "bm_sequence.h"

#include "bm_orphans.h"
#include "bm_spawn.h"
#include "bm_witness.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void do_request(struct bm_sequence *seq);
static void next_step(struct bm_sequence *seq);
static void next_probe(struct bm_sequence *seq);
static void finish(struct bm_sequence *seq, int kill_roles);
static void check_done(struct bm_sequence *seq);

/* Slots in seq->children. */
enum { SERVER = BM_ROLE_SERVER, CLIENT = BM_ROLE_CLIENT, PROBE, CONNECTOR };
#define CHILD_COUNT 4

static const struct bm_step *current_step(const struct bm_sequence *seq) {
  return &seq->config.kind->steps[seq->step];
}

/* ---- cells ------------------------------------------------------------ */

static int selected(const struct bm_sequence_config *c, int step) {
  return (c->state_mask >> step) & 1;
}

int bm_sequence_cell_count(const struct bm_sequence_config *c) {
  int states = 0;
  for (int i = 0; i < c->kind->step_count; i++)
    states += selected(c, i);
  return states * c->probe_count;
}

static struct bm_cell *cell_at(struct bm_sequence *seq, int step, int probe) {
  int row = 0;
  for (int i = 0; i < step; i++)
    row += selected(&seq->config, i);
  return &seq->cells[row * seq->config.probe_count + probe];
}

static void prefill_cells(struct bm_sequence *seq) {
  const struct bm_sequence_config *c = &seq->config;
  for (int step = 0; step < c->kind->step_count; step++) {
    if (!selected(c, step))
      continue;
    for (int p = 0; p < c->probe_count; p++) {
      struct bm_cell *cell = cell_at(seq, step, p);
      memset(cell, 0, sizeof *cell);
      cell->scenario = c->scenario;
      cell->proto = c->kind->proto;
      cell->listener = c->listener;
      cell->probe = c->probe;
      cell->listener_option = c->listener_option;
      cell->probe_option = c->probes[p].option;
      cell->probe_other_user = c->probes[p].other_user;
      cell->state = c->kind->steps[step].state;
      cell->os_error = BM_NO_OS_ERROR;
      cell->cloexec = c->cloexec;
      cell->spawn = c->spawn;
      cell->child_holds_listener = cell->child_holds_loop = BM_HOLDS_UNKNOWN;
    }
  }
}

static void set_text(char *field, size_t size, const char *text) {
  snprintf(field, size, "%s", text);
}
#define SET(field, text) set_text(field, sizeof field, text)

/* Every cell not measured yet gets `outcome` and the reason. */
static void settle_pending(struct bm_sequence *seq, const char *outcome,
                           const char *reason) {
  for (int i = 0; i < seq->cell_count; i++) {
    struct bm_cell *cell = &seq->cells[i];
    if (cell->outcome[0] != '\0')
      continue;
    SET(cell->outcome, outcome);
    SET(cell->reason, reason);
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
  int value;           /* with ok: the port, a count, or 0 */
  long long more[3];   /* an inherit server's: child pid, loop fd, listener */
  enum bm_stage stage; /* with !ok */
  int error;           /* with !ok: OS error, or BM_UNSUPPORTED */
};

static int parse_reply(const char *line, struct reply *r) {
  char stage[32], error[32];
  memset(r, 0, sizeof *r);
  if (sscanf(line, "ok %d %lld %lld %lld", &r->value, &r->more[0], &r->more[1],
             &r->more[2]) >= 1) {
    r->ok = 1;
    return 0;
  }
  if (sscanf(line, "fail %31s %31s", stage, error) != 2 ||
      bm_stage_parse(stage, &r->stage) != 0)
    return -1;
  r->error = strcmp(error, "unsupported") == 0 ? BM_UNSUPPORTED : atoi(error);
  return 0;
}

/* Stages whose failure means the option cannot be had here: the cell is
 * unsupported, not a bind outcome. */
static int is_option_stage(enum bm_stage stage) {
  return stage == BM_STAGE_SETSOCKOPT || stage == BM_STAGE_UV_TCP_BIND;
}

/* "bind failed: EADDRINUSE (98)" or "setsockopt: not available on this OS" */
static void describe_failure(const struct reply *r, char *buf, size_t size) {
  char name[32];
  if (r->error == BM_UNSUPPORTED) {
    snprintf(buf, size, "%s: %s", bm_stage_name(r->stage),
             r->stage == BM_STAGE_UV_TCP_BIND ? "libuv binds TCP only"
                                              : "not available on this OS");
    return;
  }
  bm_error_name(r->error, name, sizeof name);
  snprintf(buf, size, "%s failed: %s (%d)", bm_stage_name(r->stage), name,
           r->error);
}

static void kill_all(struct bm_sequence *seq) {
  for (int i = 0; i < CHILD_COUNT; i++)
    bm_child_kill(&seq->children[i]);
  if (seq->child.pid != 0)
    uv_kill(seq->child.pid, SIGKILL);
}

static void abandon_child(struct bm_sequence *seq);

static void on_deadline(uv_timer_t *timer) {
  struct bm_sequence *seq = timer->data;
  if (seq->finishing) {
    kill_all(seq);
    if (seq->child.pid != 0 && !bm_orphan_gone(seq->child.pid))
      abandon_child(seq);
    return;
  }
  char why[64];
  snprintf(why, sizeof why, "%d ms", seq->config.timeout_ms);
  fail(seq,
       seq->awaiting_exit ? "the server did not exit within %s"
                          : "a role gave no answer within %s",
       why);
}

static void await(struct bm_sequence *seq, struct bm_child *child) {
  seq->waiting_on = child;
  uv_timer_start(&seq->deadline, on_deadline, (uint64_t)seq->config.timeout_ms,
                 0);
}

/* The reply `child` was awaited for, or NULL when it is not one. */
static int take_reply(struct bm_child *child, const char *line,
                      struct reply *r) {
  struct bm_sequence *seq = child->data;
  if (seq->waiting_on != child || seq->finishing)
    return -1;
  seq->waiting_on = NULL;
  uv_timer_stop(&seq->deadline);
  if (parse_reply(line, r) == 0)
    return 0;
  fail(seq, "unreadable answer from a role: %s", line);
  return -1;
}

static int spawn(struct bm_sequence *seq, struct bm_child *child, char **argv,
                 bm_child_line_cb on_line, const struct bm_child_user *user,
                 uv_file pass_fd) {
  child->data = seq;
  child->on_line = on_line;
  int err = bm_child_spawn(seq->loop, child, argv, user, pass_fd);
  if (err != 0) {
    fail(seq, "could not start bm-role: %s", uv_strerror(err));
    return err;
  }
  await(seq, child);
  return 0;
}

/* ---- the steps ------------------------------------------------------------
 */

/* `what` (the listener option, the spawn method) is not on this OS. */
static void unsupported(struct bm_sequence *seq, const char *what,
                        const char *name, const char *why) {
  char reason[sizeof seq->cells[0].reason];
  snprintf(reason, sizeof reason, "%s %s: %s", what, name, why);
  settle_pending(seq, "unsupported", reason);
  finish(seq, 1);
}

/* The OS gives the harness no way to hold the next state (LAST_ACK needs
 * a socket filter): its cells are unsupported here, not invalid. */
static void cannot_hold(struct bm_sequence *seq, const char *why) {
  char reason[sizeof seq->cells[0].reason];
  snprintf(reason, sizeof reason, "the harness cannot hold %s on this OS: %s",
           current_step(seq)->state, why);
  settle_pending(seq, "unsupported", reason);
  finish(seq, 1);
}

static void await_inherit_exit(struct bm_sequence *seq, const struct reply *r);

static void on_role_line(struct bm_child *child, const char *line) {
  struct bm_sequence *seq = child->data;
  struct reply r;
  if (take_reply(child, line, &r) != 0)
    return;
  const struct bm_request *req = &current_step(seq)->requests[seq->request];
  if (!r.ok) {
    char why[160];
    describe_failure(&r, why, sizeof why);
    if (seq->step == 0 && is_option_stage(r.stage))
      unsupported(seq, "listener option", seq->config.listener_option->name,
                  why);
    else if (r.stage == BM_STAGE_FILTER && r.error == BM_UNSUPPORTED)
      cannot_hold(seq, why);
    else
      fail(seq, "the sequence could not be built: %s", why);
    return;
  }
  if (req->command == NULL && req->role == BM_ROLE_CLIENT)
    seq->peer_port = r.value;
  if (req->command == NULL && req->role == BM_ROLE_SERVER &&
      seq->config.scenario == BM_SCENARIO_INHERIT) {
    await_inherit_exit(seq, &r);
    return;
  }
  if (req->command == NULL && req->role == BM_ROLE_SERVER) {
    seq->port = r.value;
    if (seq->config.verbose)
      fprintf(stderr, "bindmatrix: %s %s %s listening on port %d\n",
              seq->config.kind->name, bm_endpoint_name(&seq->config.listener),
              seq->config.listener_option->name, seq->port);
  }
  seq->request++;
  do_request(seq);
}

/* ---- inherit: the server's child ------------------------------------------
 */

static void close_file(struct bm_sequence *seq, uv_file fd) {
  uv_fs_t req;
  uv_fs_close(seq->loop, &req, fd, NULL);
  uv_fs_req_cleanup(&req);
}

static void on_inherit_server_closed(struct bm_child *child);

/* A server's argv (room for two more) as an inherit server's. It gets the
 * read end of the hold pipe as its descriptor 3 and hands it on to its
 * child as the child's input. */
static void start_inherit_server(struct bm_sequence *seq, char **argv) {
  const struct bm_sequence_config *c = &seq->config;
  uv_file hold[2]; /* both close-on-exec: no other role gets either end */
  int err = uv_pipe(hold, 0, 0);
  if (err != 0) {
    fail(seq, "no pipe for the server's child: %s", uv_strerror(err));
    return;
  }
  seq->hold_pipe = hold[1];
  argv[1] = "inherit";
  argv[6] = c->cloexec ? "true" : "false";
  argv[7] = (char *)c->spawn->name;
  seq->children[SERVER].on_closed = on_inherit_server_closed;
  spawn(seq, &seq->children[SERVER], argv, on_role_line, NULL, hold[0]);
  close_file(seq, hold[0]); /* the server's copy is the child's */
}

/* The server named its child. The pid is to be killed: it must be the
 * server's own child (so never 0, -1 or init), whatever a role says, and
 * that is checked while the server still runs, since once it has exited
 * the child's parent is whoever adopted it. Then the server is told to
 * exit (its input ends); its deadline runs again. */
static void await_inherit_exit(struct bm_sequence *seq, const struct reply *r) {
  uv_pid_t server = uv_process_get_pid(&seq->children[SERVER].process);
  if (r->more[0] <= 1 || r->more[0] > INT_MAX ||
      !bm_orphan_is_child_of((uv_pid_t)r->more[0], server)) {
    char pid[32];
    snprintf(pid, sizeof pid, "%lld", r->more[0]);
    fail(seq, "the server named %s as its child, which it is not", pid);
    return;
  }
  seq->port = r->value;
  seq->child.pid = (uv_pid_t)r->more[0];
  seq->child.loop_fd = (int)r->more[1];
  seq->child.listener_id = (unsigned long long)r->more[2];
  seq->child.port = r->value;
  seq->awaiting_exit = 1;
  bm_child_end(&seq->children[SERVER]);
  uv_timer_start(&seq->deadline, on_deadline, (uint64_t)seq->config.timeout_ms,
                 0);
  if (seq->config.verbose)
    fprintf(stderr,
            "bindmatrix: inherit %s %s %s %s: child %d, listening on port "
            "%d\n",
            bm_endpoint_name(&seq->config.listener),
            seq->config.listener_option->name, seq->config.spawn->name,
            seq->config.cloexec ? "cloexec" : "no-cloexec", (int)seq->child.pid,
            seq->port);
}

/* Once the server is gone, the port shows what its child kept. */
static void on_inherit_server_closed(struct bm_child *child) {
  struct bm_sequence *seq = child->data;
  if (seq->finishing) {
    check_done(seq);
    return;
  }
  if (!seq->awaiting_exit) {
    fail(seq, "the server exited without naming its child%s", "");
    return;
  }
  seq->awaiting_exit = 0;
  uv_timer_stop(&seq->deadline);
  seq->request++;
  do_request(seq);
}

/* What the child holds, read from the OS. It must tell the port's story:
 * the child holds the listener exactly when the port is LISTEN. Where the
 * OS cannot say, the cell records null and the witness alone tells. */
static int check_holding(struct bm_sequence *seq, const char *state) {
  struct bm_holding held;
  int err = bm_holder_read(&seq->child, &held);
  if (err != 0) {
    char why[64];
    bm_error_name(err, why, sizeof why);
    fail(seq, "could not look into the server's child: %s", why);
    return -1;
  }
  if (!held.alive) {
    fail(seq, "the server's child ended before it was looked into%s", "");
    return -1;
  }
  int listening = strcmp(state, "LISTEN") == 0;
  for (int p = 0; p < seq->config.probe_count; p++) {
    struct bm_cell *cell = cell_at(seq, seq->step, p);
    cell->child_holds_listener = held.listener;
    cell->child_holds_loop = held.loop;
  }
  if (held.listener != BM_HOLDS_UNKNOWN && held.listener != listening) {
    fail(seq,
         listening ? "the port is %s, but the child does not hold the listener"
                   : "the child holds the listener, but the port is %s",
         state);
    return -1;
  }
  return 0;
}

/* Killed whatever happened; the hold pipe's end ends it too, and any child
 * the server started but could not name. */
static void end_inherit_child(struct bm_sequence *seq) {
  if (seq->child.pid != 0)
    uv_kill(seq->child.pid, SIGKILL);
  if (seq->hold_pipe >= 0)
    close_file(seq, seq->hold_pipe);
  seq->hold_pipe = -1;
}

static void start_role(struct bm_sequence *seq, enum bm_role_kind kind) {
  const struct bm_sequence_config *c = &seq->config;
  if (kind == BM_ROLE_SERVER) {
    int err = bm_ports_take(c->ports, c->kind->proto, &seq->port);
    if (err != 0) {
      fail(seq, "no fresh port: %s", err > 0 ? strerror(err) : "all taken");
      return;
    }
  }
  char port[16];
  snprintf(port, sizeof port, "%d", seq->port);
  char *server[] = {(char *)c->role_path,
                    "server",
                    (char *)bm_proto_name(c->kind->proto),
                    (char *)bm_endpoint_name(&c->listener),
                    (char *)c->listener_option->name,
                    port,
                    NULL, /* inherit: CLOEXEC */
                    NULL, /* inherit: SPAWN */
                    NULL};
  char *client[] = {(char *)c->role_path, "client",
                    (char *)bm_endpoint_name(&c->listener), port, NULL};
  if (kind == BM_ROLE_SERVER && c->scenario == BM_SCENARIO_INHERIT)
    start_inherit_server(seq, server);
  else
    spawn(seq, &seq->children[kind], kind == BM_ROLE_SERVER ? server : client,
          on_role_line, NULL, -1);
}

static void check_witness(uv_timer_t *timer);

static void do_request(struct bm_sequence *seq) {
  const struct bm_step *step = current_step(seq);
  if (seq->request == step->request_count) {
    seq->witness_since = uv_now(seq->loop);
    seq->poll_ms = 0;
    check_witness(&seq->poll);
    return;
  }
  const struct bm_request *req = &step->requests[seq->request];
  if (req->command == NULL) {
    start_role(seq, req->role);
    return;
  }
  struct bm_child *role = &seq->children[req->role];
  if (bm_child_send(role, req->command) != 0) {
    fail(seq, "could not command a role: %s", req->command);
    return;
  }
  await(seq, role);
}

static int read_witness(struct bm_sequence *seq, char *seen, size_t size) {
  struct bm_witness_query q = {seq->config.kind->proto, seq->config.listener,
                               seq->peer_port};
  struct bm_witness w;
  q.server.port = seq->port;
  int err = bm_witness_read(&q, &w);
  if (err == 0)
    bm_witness_name(&w, seen, size);
  return err;
}

/* Waits for the OS to show the declared state: re-read every millisecond
 * until it does or the deadline passes. No fixed sleeps. */
static void check_witness(uv_timer_t *timer) {
  struct bm_sequence *seq = timer->data;
  const char *declared = current_step(seq)->state;
  char seen[64];
  int err = read_witness(seq, seen, sizeof seen);
  if (err != 0) {
    char why[64];
    bm_error_name(err, why, sizeof why);
    fail(seq, "the state witness could not read the OS: %s", why);
    return;
  }
  int reached = strcmp(seen, declared) == 0;
  uint64_t waited = uv_now(seq->loop) - seq->witness_since;
  if (!reached && waited < (uint64_t)seq->config.timeout_ms) {
    /* 1, 2, 4, 8, 8... ms: natively a read costs microseconds, but under
     * Wine every read walks the host's whole socket table (nsiproxy), so a
     * tight loop starves the roles it waits for. */
    seq->poll_ms = seq->poll_ms ? (seq->poll_ms < 8 ? 2 * seq->poll_ms : 8) : 1;
    uv_timer_start(&seq->poll, check_witness, seq->poll_ms, 0);
    return;
  }
  if (!selected(&seq->config, seq->step)) {
    if (reached)
      next_step(seq);
    else
      fail(seq, "the sequence did not reach %s", declared);
    return;
  }
  for (int p = 0; p < seq->config.probe_count; p++)
    SET(cell_at(seq, seq->step, p)->witnessed, seen);
  if (!reached) {
    char why[160];
    snprintf(why, sizeof why, "declared %s, witnessed %s after %d ms", declared,
             seen, seq->config.timeout_ms);
    fail(seq, "%s", why);
    return;
  }
  if (seq->config.scenario == BM_SCENARIO_INHERIT &&
      check_holding(seq, declared) != 0)
    return;
  seq->probe_index = 0;
  next_probe(seq);
}

/* ---- probes ------------------------------------------------------------- */

static struct bm_cell *current_cell(struct bm_sequence *seq) {
  return cell_at(seq, seq->step, seq->probe_index);
}

/* What a failed bind (or listen) means for the cell's outcome. */
static void record_failure(struct bm_cell *cell, const struct reply *r,
                           char *outcome, size_t size) {
  char why[160];
  describe_failure(r, why, sizeof why);
  if (r->stage == BM_STAGE_BIND || r->stage == BM_STAGE_LISTEN) {
    bm_error_name(r->error, outcome, size);
    if (r->error != BM_UNSUPPORTED)
      cell->os_error = r->error;
  } else if (is_option_stage(r->stage)) {
    set_text(outcome, size, "unsupported");
    snprintf(cell->reason, sizeof cell->reason, "probe option %s: %s",
             cell->probe_option->name, why);
  } else {
    set_text(outcome, size, "invalid");
    snprintf(cell->reason, sizeof cell->reason, "probe: %s", why);
  }
}

static void hijack_connect(struct bm_sequence *seq);

static void on_probe_line(struct bm_child *child, const char *line) {
  struct bm_sequence *seq = child->data;
  struct reply r;
  if (take_reply(child, line, &r) != 0)
    return;
  struct bm_cell *cell = current_cell(seq);
  int hijack = seq->config.scenario == BM_SCENARIO_HIJACK;
  if (r.ok) {
    SET(cell->outcome, "ok");
    if (hijack) {
      SET(cell->listen_outcome, "ok");
      hijack_connect(seq);
    }
    return;
  }
  if (hijack && r.stage == BM_STAGE_LISTEN) {
    SET(cell->outcome, "ok"); /* the bind itself succeeded */
    record_failure(cell, &r, cell->listen_outcome, sizeof cell->listen_outcome);
  } else {
    record_failure(cell, &r, cell->outcome, sizeof cell->outcome);
  }
  bm_child_end(
      &seq->children[PROBE]); /* a hijacker that failed has nothing to keep */
}

/* The probe (and for a hijack, its connections) are gone: the next probe
 * may bind. */
static void on_probe_closed(struct bm_child *child) {
  struct bm_sequence *seq = child->data;
  if (seq->finishing) {
    check_done(seq);
    return;
  }
  if (bm_child_running(&seq->children[PROBE]) ||
      bm_child_running(&seq->children[CONNECTOR]))
    return;
  if (seq->waiting_on != NULL) {
    fail(seq, "a probe exited without an answer%s", "");
    return;
  }
  seq->probe_index++;
  next_probe(seq);
}

static void spawn_probe(struct bm_sequence *seq) {
  const struct bm_sequence_config *c = &seq->config;
  const struct bm_probe_spec *spec = &c->probes[seq->probe_index];
  char port[16];
  snprintf(port, sizeof port, "%d", seq->port);
  int hijack = c->scenario == BM_SCENARIO_HIJACK;
  char *argv[] = {(char *)c->role_path,
                  hijack ? "server" : "probe",
                  (char *)bm_proto_name(c->kind->proto),
                  (char *)bm_endpoint_name(&c->probe),
                  (char *)spec->option->name,
                  port,
                  NULL};
  seq->children[PROBE].on_closed = on_probe_closed;
  spawn(seq, &seq->children[PROBE], argv, on_probe_line,
        spec->other_user ? &c->other_user->user : NULL, -1);
}

/* Records the cell without a probe when none could run: the option is not
 * available here, or there is no other user to run as. */
static int settled_without_probe(struct bm_sequence *seq) {
  const struct bm_sequence_config *c = &seq->config;
  const struct bm_probe_spec *spec = &c->probes[seq->probe_index];
  struct bm_cell *cell = current_cell(seq);
  if (spec->option_check.error != 0) {
    struct reply r = {.stage = spec->option_check.stage,
                      .error = spec->option_check.error};
    record_failure(cell, &r, cell->outcome, sizeof cell->outcome);
    return 1;
  }
  if (spec->other_user && !c->other_user->available) {
    SET(cell->outcome, "unsupported");
    snprintf(cell->reason, sizeof cell->reason, "probe as another user: %s",
             c->other_user->why);
    return 1;
  }
  return 0;
}

static void next_probe(struct bm_sequence *seq) {
  const struct bm_sequence_config *c = &seq->config;
  while (seq->probe_index < c->probe_count && settled_without_probe(seq))
    seq->probe_index++;
  if (seq->probe_index == c->probe_count)
    next_step(seq);
  else
    spawn_probe(seq);
}

/* ---- hijack: which listener do new connections reach? -------------------- */

static const char *reached(int first, int second) {
  if (first && second)
    return "both";
  return first ? "first" : second ? "second" : "none";
}

/* Phases: the connections are made, then each listener counts what it got;
 * then the hijacker and the connections go, and on_probe_closed moves on. */
static void on_hijack_line(struct bm_child *child, const char *line) {
  struct bm_sequence *seq = child->data;
  struct reply r;
  if (take_reply(child, line, &r) != 0)
    return;
  struct bm_cell *cell = current_cell(seq);
  if (!r.ok) {
    char why[160];
    describe_failure(&r, why, sizeof why);
    fail(seq, "hijack: %s", why);
    return;
  }
  switch (seq->hijack_phase++) {
  case 0: /* connected */
    cell->connections = r.value;
    bm_child_send(&seq->children[SERVER], "count");
    await(seq, &seq->children[SERVER]);
    break;
  case 1: /* the first listener's count */
    seq->first_count = r.value;
    bm_child_send(&seq->children[PROBE], "count");
    await(seq, &seq->children[PROBE]);
    break;
  default: /* the hijacker's count */
    SET(cell->reached, reached(seq->first_count, r.value));
    seq->children[SERVER].on_line = on_role_line;
    bm_child_end(&seq->children[CONNECTOR]);
    bm_child_end(&seq->children[PROBE]);
  }
}

static void hijack_connect(struct bm_sequence *seq) {
  char port[16], count[16];
  snprintf(port, sizeof port, "%d", seq->port);
  snprintf(count, sizeof count, "%d", BM_HIJACK_CONNECTIONS);
  const struct bm_endpoint *target =
      bm_endpoint_shared(&seq->config.listener, &seq->config.probe);
  char *argv[] = {(char *)seq->config.role_path,
                  "client",
                  (char *)bm_endpoint_name(target),
                  port,
                  count,
                  NULL};
  seq->hijack_phase = 0;
  seq->children[PROBE].on_line = on_hijack_line;
  seq->children[SERVER].on_line = on_hijack_line;
  seq->children[CONNECTOR].on_closed = on_probe_closed;
  spawn(seq, &seq->children[CONNECTOR], argv, on_hijack_line, NULL, -1);
}

/* ---- moving on, and the end ---------------------------------------------- */

static int last_selected_step(const struct bm_sequence *seq) {
  int last = -1;
  for (int i = 0; i < seq->config.kind->step_count; i++)
    if (selected(&seq->config, i))
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

static void on_timer_closed(uv_handle_t *handle) {
  struct bm_sequence *seq = handle->data;
  if (--seq->open_timers == 0 && seq->on_done)
    seq->on_done(seq);
}

static void on_reap_poll(uv_timer_t *timer) { check_done(timer->data); }

/* A child that outlives its kill by a whole deadline breaks the promise
 * that nothing a cell starts outlives it: every cell of the sequence says
 * so, whatever it measured. */
static void abandon_child(struct bm_sequence *seq) {
  char reason[sizeof seq->cells[0].reason];
  snprintf(reason, sizeof reason,
           "the server's child %d did not end within %d ms of its kill",
           (int)seq->child.pid, seq->config.timeout_ms);
  for (int i = 0; i < seq->cell_count; i++) {
    SET(seq->cells[i].outcome, "invalid");
    SET(seq->cells[i].reason, reason);
  }
  seq->child.pid = 0;
  check_done(seq);
}

/* Done when every role has exited and the inherit child (the harness's
 * once its parent, the server, has gone) is reaped. */
static void check_done(struct bm_sequence *seq) {
  for (int i = 0; i < CHILD_COUNT; i++)
    if (bm_child_running(&seq->children[i]))
      return;
  if (uv_is_closing((uv_handle_t *)&seq->deadline))
    return;
  if (seq->child.pid != 0 && !bm_orphan_gone(seq->child.pid)) {
    uv_timer_start(&seq->poll, on_reap_poll, 1, 0);
    return;
  }
  seq->child.pid = 0;
  uv_close((uv_handle_t *)&seq->deadline, on_timer_closed);
  uv_close((uv_handle_t *)&seq->poll, on_timer_closed);
}

static void on_role_closed(struct bm_child *child) {
  struct bm_sequence *seq = child->data;
  if (!seq->finishing)
    fail(seq, "a role exited before the sequence ended%s", "");
  else
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
  for (int i = 0; i < CHILD_COUNT; i++) {
    if (kill_roles)
      bm_child_kill(&seq->children[i]);
    bm_child_end(&seq->children[i]);
  }
  end_inherit_child(seq);
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
  memset(seq->children, 0, sizeof seq->children);
  for (int i = 0; i < CHILD_COUNT; i++)
    seq->children[i].data = seq;
  seq->loop = loop;
  seq->cell_count = bm_sequence_cell_count(&seq->config);
  seq->step = seq->request = seq->probe_index = seq->port = 0;
  seq->peer_port = seq->hijack_phase = seq->first_count = 0;
  seq->finishing = seq->awaiting_exit = 0;
  seq->waiting_on = NULL;
  memset(&seq->child, 0, sizeof seq->child);
  seq->hold_pipe = -1;
  seq->children[SERVER].on_closed = on_role_closed;
  seq->children[CLIENT].on_closed = on_role_closed;
  uv_timer_init(loop, &seq->deadline);
  uv_timer_init(loop, &seq->poll);
  seq->deadline.data = seq->poll.data = seq;
  seq->open_timers = 2;
  prefill_cells(seq);
  /* A method this OS lacks needs no process to say so. */
  if (seq->config.scenario == BM_SCENARIO_INHERIT &&
      !bm_spawn_available(seq->config.spawn))
    unsupported(seq, "spawn method", seq->config.spawn->name,
                "not available on this OS");
  else
    do_request(seq);
}
