#include "runner/sequence_internal.h"

#include "os/spawn.h"

#include <stdlib.h>
#include <string.h>

static void begin(struct bm_sequence *seq);
static void finish(struct bm_sequence *seq, int failed);

/* ---- cells ----------------------------------------------------------------
 */

struct bm_cell *bm_seq_cell(struct bm_sequence *seq, int step, int probe) {
  int row = 0;
  for (int i = 0; i < step; i++)
    row += bm_plan_step_selected(seq->plan, i);
  return &seq->cells[row * seq->plan->probe_count + probe];
}

static int cell_count(const struct bm_sequence *seq) {
  return bm_plan_cell_count(seq->plan);
}

void bm_seq_settle(struct bm_sequence *seq, enum bm_cell_status status,
                   const char *reason) {
  for (int i = 0; i < cell_count(seq); i++) {
    struct bm_cell *cell = &seq->cells[i];
    if (cell->status != BM_CELL_PENDING)
      continue;
    cell->status = status;
    BM_SEQ_SET(cell->reason, reason);
  }
}

/* Back to what the planner gave, for a second attempt. */
static void reset_cells(struct bm_sequence *seq) {
  for (int i = 0; i < cell_count(seq); i++) {
    struct bm_cell *cell = &seq->cells[i];
    struct bm_cell_key key = cell->key;
    memset(cell, 0, sizeof *cell);
    cell->key = key;
    cell->outcome.os_error = cell->listen_outcome.os_error = BM_NO_OS_ERROR;
    cell->child_holds_listener = cell->child_holds_loop = BM_HOLDS_UNKNOWN;
  }
}

/* ---- failing --------------------------------------------------------------
 */

static void done(struct bm_sequence *seq);

static void restart(struct bm_sequence *seq) {
  if (seq->aborted) { /* interrupted while it was being torn down */
    bm_seq_settle(seq, BM_CELL_INVALID, "interrupted");
    done(seq);
    return;
  }
  seq->attempt++;
  seq->run->retries++;
  reset_cells(seq);
  begin(seq);
}

void bm_seq_fail(struct bm_sequence *seq, int retryable, const char *reason) {
  if (seq->finishing)
    return;
  if (retryable && seq->attempt == 0 && !seq->aborted) {
    if (seq->run->verbose)
      fprintf(stderr, "bindmatrix: %s %s/%s %s: %s; once more\n",
              seq->plan->kind->name, seq->plan->listener->name,
              seq->plan->probe->name, seq->plan->listener_option->name, reason);
    seq->finishing = 1;
    seq->after_teardown = restart;
    finish(seq, 1);
    return;
  }
  bm_seq_settle(seq, BM_CELL_INVALID, reason);
  finish(seq, 1);
}

void bm_seq_unsupported(struct bm_sequence *seq, const char *reason) {
  bm_seq_settle(seq, BM_CELL_UNSUPPORTED, reason);
  finish(seq, 0);
}

void bm_seq_describe(const struct bm_status *st, char *buf, size_t size) {
  if (st->error.code == BM_EUNSUPPORTED) {
    snprintf(buf, size, "%s: %s", bm_stage_name(st->stage),
             st->stage == BM_STAGE_UV_TCP_BIND ? "libuv binds TCP only"
                                               : "not available on this OS");
    return;
  }
  char error[64];
  bm_error_describe(st->error, error, sizeof error);
  snprintf(buf, size, "%s failed: %s", bm_stage_name(st->stage), error);
}

/* ---- the steps ------------------------------------------------------------
 */

static const struct bm_step *current_step(const struct bm_sequence *seq) {
  return &seq->plan->kind->steps[seq->step];
}

static const struct bm_request *current_request(const struct bm_sequence *seq) {
  return &current_step(seq)->requests[seq->request];
}

/* The step's request line: the server's socket on the sequence's port at
 * the listener endpoint; the client connects to it. */
static struct bm_request_line request_line(const struct bm_sequence *seq,
                                           enum bm_verb verb) {
  const struct bm_sequence_plan *p = seq->plan;
  struct bm_request_line r = {
      .verb = verb,
      .proto = p->proto,
      .option = p->listener_option,
      .endpoint = {p->listener, seq->port},
      .count = 1,
      .cloexec = p->cloexec,
      .spawn = p->spawn,
  };
  return r;
}

/* What a runtime's listener carries, read from outside its process, onto
 * every cell of the sequence. Returns 0 when it is not the socket the
 * endpoint names ([::] IPv6-only, [::]dual not): its role asked the runtime
 * for something else, and the sequence has failed. */
static int read_listener_socket(struct bm_sequence *seq) {
  struct bm_sockinfo info;
  int pid = (int)uv_process_get_pid(&seq->server->child.process);
  if (bm_sockinfo_read(pid, seq->plan->proto == BM_TCP, seq->port, &info) != 0)
    info.family = 0;
  for (int i = 0; i < bm_plan_cell_count(seq->plan); i++)
    seq->cells[i].listener_socket = info;
  int asked = seq->plan->listener->v6only;
  if (info.family != 6 || asked < 0 || info.v6only < 0 || info.v6only == asked)
    return 1;
  char reason[200];
  snprintf(reason, sizeof reason,
           "listener option %s: its listener at %s has IPV6_V6ONLY %s, not "
           "the socket the endpoint names",
           seq->plan->listener_option->name, seq->plan->listener->name,
           info.v6only ? "on" : "off");
  bm_seq_fail(seq, 0, reason);
  return 0;
}

static void on_step_reply(struct bm_sequence *seq, const struct bm_reply *r) {
  const struct bm_request *req = current_request(seq);
  if (!r->ok) {
    char why[160], reason[320];
    bm_seq_describe(&r->status, why, sizeof why);
    int opening = req->verb == BM_VERB_SERVER || req->verb == BM_VERB_BIND ||
                  req->verb == BM_VERB_INHERIT;
    if (opening && (r->status.stage == BM_STAGE_SETSOCKOPT ||
                    r->status.stage == BM_STAGE_UV_TCP_BIND)) {
      snprintf(reason, sizeof reason, "listener option %s: %s",
               seq->plan->listener_option->name, why);
      bm_seq_unsupported(seq, reason);
    } else if (r->status.error.code == BM_EUNSUPPORTED &&
               req->role == BM_ROLE_SERVER &&
               seq->plan->listener_option->via == BM_VIA_RUNTIME) {
      /* The runtime's role says why on its standard error. */
      snprintf(reason, sizeof reason,
               "listener option %s: its runtime cannot '%s' at %s, which %s "
               "needs",
               seq->plan->listener_option->name, bm_verb_name(req->verb),
               seq->plan->listener->name, current_step(seq)->state);
      bm_seq_unsupported(seq, reason);
    } else if (opening && seq->plan->listener_option->via == BM_VIA_RUNTIME &&
               r->status.error.code != UV_EADDRINUSE) {
      /* The runtime's own listen refused the endpoint (asyncio at a
       * v4-mapped address: its IPv6 sockets are IPv6-only): what the
       * runtime does, not the harness's trouble. EADDRINUSE is not: the
       * harness chose a port someone else took. */
      snprintf(
          reason, sizeof reason, "listener option %s: its listener at %s: %s",
          seq->plan->listener_option->name, seq->plan->listener->name, why);
      bm_seq_unsupported(seq, reason);
    } else if (r->status.error.code == BM_EUNSUPPORTED) {
      snprintf(reason, sizeof reason,
               "the harness cannot hold %s on this OS: %s",
               current_step(seq)->state, why);
      bm_seq_unsupported(seq, reason);
    } else if (r->status.error.code == UV_EPERM ||
               r->status.error.code == UV_EACCES) {
      /* Not the harness's trouble: the OS will not let this user do what
       * the state needs (LAST_ACK's socket filter, for one, where
       * unprivileged BPF is switched off). */
      snprintf(reason, sizeof reason,
               "the OS refuses this user what %s needs: %s",
               current_step(seq)->state, why);
      bm_seq_unsupported(seq, reason);
    } else if (opening && seq->step == 0 &&
               r->status.error.code == UV_EADDRINUSE) {
      /* The OS gave the harness this port as free (ports.h), and another
       * program's bind(0) took it before the listener bound it. */
      snprintf(reason, sizeof reason,
               "port %d was taken by another program before the listener "
               "bound it: %s",
               seq->port, why);
      bm_seq_fail(seq, 1, reason);
    } else {
      snprintf(reason, sizeof reason, "the sequence could not be built: %s",
               why);
      bm_seq_fail(seq, 0, reason);
    }
    return;
  }
  if (req->verb == BM_VERB_CLIENT)
    seq->peer_port = (int)r->values[0];
  if ((req->verb == BM_VERB_SERVER || req->verb == BM_VERB_INHERIT) &&
      seq->plan->listener_option->via == BM_VIA_RUNTIME &&
      !read_listener_socket(seq))
    return;
  if (req->verb == BM_VERB_INHERIT) {
    bm_seq_inherit_named(seq, r); /* on once the server has exited */
    return;
  }
  if (seq->run->verbose &&
      (req->verb == BM_VERB_SERVER || req->verb == BM_VERB_BIND))
    fprintf(stderr, "bindmatrix: %s %s %s on port %d\n", seq->plan->kind->name,
            seq->plan->listener->name, seq->plan->listener_option->name,
            seq->port);
  seq->request++;
  bm_seq_next_request(seq);
}

void bm_seq_next_request(struct bm_sequence *seq) {
  const struct bm_step *step = current_step(seq);
  if (seq->request == step->request_count) {
    bm_seq_await_state(seq);
    return;
  }
  const struct bm_request *req = current_request(seq);
  if (req->verb == BM_VERB_INHERIT) {
    bm_seq_inherit_start(seq, on_step_reply);
    return;
  }
  int serving = req->role == BM_ROLE_SERVER;
  struct bm_worker **slot = serving ? &seq->server : &seq->client;
  if (!*slot &&
      !bm_seq_worker(seq, BM_USER_SAME,
                     serving ? seq->plan->listener_option : NULL, -1, slot))
    return;
  struct bm_request_line r = request_line(seq, req->verb);
  bm_seq_request(seq, *slot, &r, on_step_reply);
}

static int last_selected_step(const struct bm_sequence *seq) {
  int last = -1;
  for (int i = 0; i < seq->plan->kind->step_count; i++)
    if (bm_plan_step_selected(seq->plan, i))
      last = i;
  return last;
}

void bm_seq_next_step(struct bm_sequence *seq) {
  if (seq->step >= last_selected_step(seq)) {
    finish(seq, 0);
    return;
  }
  seq->step++;
  seq->request = 0;
  bm_seq_next_request(seq);
}

/* ---- the end --------------------------------------------------------------
 */

static void on_timer_closed(uv_handle_t *handle) {
  struct bm_sequence *seq = handle->data;
  if (--seq->open_timers == 0 && seq->on_done)
    seq->on_done(seq);
}

static void done(struct bm_sequence *seq) {
  seq->ended = 1;
  uv_close((uv_handle_t *)&seq->deadline, on_timer_closed);
  uv_close((uv_handle_t *)&seq->poll, on_timer_closed);
}

/* The workers go back to the pool once they hold nothing of the cell
 * (their reset answered), or are killed when the sequence failed. */
static void release_roles(struct bm_sequence *seq, int failed) {
  struct bm_worker **slots[] = {&seq->server, &seq->client, &seq->probe,
                                &seq->connector};
  for (size_t i = 0; i < sizeof slots / sizeof slots[0]; i++) {
    struct bm_worker *w = *slots[i];
    if (!w)
      continue;
    *slots[i] = NULL;
    if (failed || seq->awaiting_exit)
      bm_pool_discard(w);
    else
      bm_pool_release(w, 1);
  }
  seq->waiting_on = NULL;
  seq->awaiting_exit = 0;
}

/* Waits until the inherit child is gone (and a witness reading in
 * progress is back); abandons the child after a deadline. */
static void on_teardown_poll(uv_timer_t *timer);

void bm_seq_check_torn_down(struct bm_sequence *seq) {
  bm_seq_witness_leave(seq);
  if (seq->witness_busy)
    return; /* on once the reading in progress is back */
  if (!bm_seq_inherit_end(seq)) {
    uv_timer_start(&seq->poll, on_teardown_poll, 1, 0);
    return;
  }
  uv_timer_stop(&seq->deadline);
  uv_timer_stop(&seq->poll);
  seq->finishing = 0;
  seq->after_teardown(seq);
}

static void on_teardown_poll(uv_timer_t *timer) {
  bm_seq_check_torn_down(timer->data);
}

static void on_teardown_deadline(uv_timer_t *timer) {
  struct bm_sequence *seq = timer->data;
  bm_seq_inherit_abandon(seq);
  bm_seq_check_torn_down(seq);
}

static void finish(struct bm_sequence *seq, int failed) {
  seq->finishing = 1;
  if (!seq->after_teardown)
    seq->after_teardown = done;
  uv_timer_stop(&seq->poll);
  release_roles(seq, failed);
  uv_timer_start(&seq->deadline, on_teardown_deadline,
                 (uint64_t)seq->run->timeout_ms, 0);
  bm_seq_check_torn_down(seq);
}

static void begin(struct bm_sequence *seq) {
  seq->step = seq->request = seq->probe_index = 0;
  seq->peer_port = seq->hijack_round = 0;
  seq->first_count = seq->second_count = 0;
  seq->finishing = seq->awaiting_exit = 0;
  seq->rechecked = NULL;
  seq->after_teardown = NULL;
  memset(&seq->child, 0, sizeof seq->child);
  seq->hold_pipe = -1;
  struct bm_error err =
      bm_ports_take(seq->run->ports, seq->plan->proto, &seq->port);
  if (err.code != 0) {
    char why[96], error[64];
    bm_error_describe(err, error, sizeof error);
    snprintf(why, sizeof why, "no fresh port: %s", error);
    bm_seq_fail(seq, 0, why);
    return;
  }
  bm_seq_next_request(seq);
}

/* A runtime with no role program: the listener's, or a probe's. */
static const char *runtime_missing(struct bm_sequence *seq) {
  const char *why =
      bm_run_runtime_missing(seq->run, seq->plan->listener_option);
  for (int p = 0; !why && p < seq->plan->probe_count; p++)
    why = bm_run_runtime_missing(seq->run, seq->plan->probes[p].option);
  return why;
}

void bm_sequence_start(struct bm_sequence *seq) {
  uv_loop_t *loop = seq->run->loop;
  seq->server = seq->client = seq->probe = seq->connector = NULL;
  seq->waiting_on = NULL;
  seq->attempt = seq->aborted = seq->ended = 0;
  uv_timer_init(loop, &seq->deadline);
  uv_timer_init(loop, &seq->poll);
  seq->deadline.data = seq->poll.data = seq;
  seq->open_timers = 2;
  seq->hold_pipe = -1;
  /* A method this OS lacks, or a state its witness cannot see, needs no
   * process to say so. */
  const struct bm_spawn_method *spawn = seq->plan->spawn;
  const char *missing;
  char why[160];
  if (seq->plan->scenario->inherits && !bm_spawn_available(spawn)) {
    snprintf(why, sizeof why, "spawn method %s: not available on this OS",
             spawn->name);
    bm_seq_unsupported(seq, why);
  } else if ((missing = runtime_missing(seq)) != NULL) {
    bm_seq_unsupported(seq, missing);
  } else if (bm_step_find(seq->plan->kind, "BOUND") >= 0 &&
             !seq->run->sees_bound[seq->plan->proto]) {
    snprintf(why, sizeof why,
             "the state witness cannot see BOUND here: this OS does not "
             "list a %s socket that is bound and nothing more",
             bm_proto_name(seq->plan->proto));
    bm_seq_unsupported(seq, why);
  } else {
    begin(seq);
  }
}

void bm_sequence_settle_unstarted(struct bm_sequence *seq, const char *why) {
  bm_seq_settle(seq, BM_CELL_INVALID, why);
}

void bm_sequence_abort(struct bm_sequence *seq, const char *why) {
  if (seq->ended)
    return;
  seq->aborted = 1;
  bm_seq_fail(seq, 0, why);
}
