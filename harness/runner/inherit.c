/* The inherit scenario's server: a fresh role process that listens,
 * starts `bm-role hold` by the cell's spawn method with the read end of a
 * pipe as the child's input, names the child, and exits when told. The
 * harness checks that the pid is the server's child while the server
 * still runs (once it has exited, the child's parent is whoever adopted
 * it), reads the port and what the child holds once the server is gone,
 * and at the end kills the child by pid and waits until it is reaped. The
 * pipe's write end stays with the harness, so the child ends with the
 * harness however the harness ends. */
#include "runner/sequence_internal.h"

#include "os/orphans.h"

#include <limits.h>
#include <string.h>

static void close_file(struct bm_sequence *seq, uv_file fd) {
  uv_fs_t req;
  uv_fs_close(seq->run->loop, &req, fd, NULL);
  uv_fs_req_cleanup(&req);
}

void bm_seq_inherit_start(struct bm_sequence *seq, bm_reply_cb then) {
  uv_file hold[2]; /* both close-on-exec: no other role gets either end */
  int err = uv_pipe(hold, 0, 0);
  if (err != 0) {
    char why[96];
    snprintf(why, sizeof why, "no pipe for the server's child: %s",
             uv_strerror(err));
    bm_seq_fail(seq, 1, why);
    return;
  }
  seq->hold_pipe = hold[1];
  const struct bm_sequence_plan *p = seq->plan;
  struct bm_worker *server = bm_seq_worker(
      seq, BM_USER_SAME, p->listener_option, hold[0], &seq->server);
  close_file(seq, hold[0]); /* the server's copy is the child's */
  if (!server)
    return;
  struct bm_request_line r = {
      .verb = BM_VERB_INHERIT,
      .proto = p->proto,
      .option = p->listener_option,
      .endpoint = {p->listener, seq->port},
      .cloexec = p->cloexec,
      .spawn = p->spawn,
      .hold = seq->run->role_path,
  };
  bm_seq_request(seq, server, &r, then);
}

/* The pid is to be killed: it must be the server's own child (so never 0,
 * -1 or init), whatever a role says. */
void bm_seq_inherit_named(struct bm_sequence *seq, const struct bm_reply *r) {
  uv_pid_t server = uv_process_get_pid(&seq->server->child.process);
  long long pid = r->values[1];
  if (pid <= 1 || pid > INT_MAX ||
      !bm_orphan_is_child_of((uv_pid_t)pid, server)) {
    char why[96];
    snprintf(why, sizeof why,
             "the server named %lld as its child, which it is not", pid);
    bm_seq_fail(seq, 0, why);
    return;
  }
  /* A runtime's role names its child only: the loop and the listener's
   * id are not the harness's to know there. */
  int runtime = seq->plan->listener_option->via == BM_VIA_RUNTIME;
  seq->child.pid = (uv_pid_t)pid;
  seq->child.loop_fd = runtime ? -1 : (int)r->values[2];
  seq->child.listener_id = runtime ? 0 : (unsigned long long)r->values[3];
  seq->child.port = seq->port;
  seq->awaiting_exit = 1;
  bm_child_end(&seq->server->child); /* a role exits at the end of input */
  bm_seq_await(seq, NULL, NULL);     /* the deadline runs for the exit */
  if (seq->run->verbose)
    fprintf(stderr, "bindmatrix: inherit %s %s %s %s: child %d, port %d\n",
            seq->plan->listener->name, seq->plan->listener_option->name,
            seq->plan->spawn->name,
            seq->plan->cloexec ? "cloexec" : "no-cloexec", (int)pid, seq->port);
}

void bm_seq_inherit_exited(struct bm_sequence *seq) {
  seq->awaiting_exit = 0;
  uv_timer_stop(&seq->deadline);
  seq->request++;
  bm_seq_next_request(seq);
}

/* What the child holds, read from the OS. It must tell the port's story:
 * the child holds the listener exactly when the port is LISTEN. Where the
 * OS cannot say, the cell records null and the witness alone tells. */
int bm_seq_inherit_check(struct bm_sequence *seq) {
  struct bm_holding held;
  struct bm_error err = bm_holder_read(&seq->child, &held);
  char why[160];
  if (err.code != 0) {
    char error[64];
    bm_error_describe(err, error, sizeof error);
    snprintf(why, sizeof why, "could not look into the server's child: %s",
             error);
    bm_seq_fail(seq, 0, why);
    return -1;
  }
  if (!held.alive) {
    bm_seq_fail(seq, 0, "the server's child ended before it was looked into");
    return -1;
  }
  int listening = strcmp(seq->witness_seen, "LISTEN") == 0;
  for (int p = 0; p < seq->plan->probe_count; p++) {
    struct bm_cell *cell = bm_seq_cell(seq, seq->step, p);
    cell->child_holds_listener = held.listener;
    cell->child_holds_loop = held.loop;
  }
  if (held.listener != BM_HOLDS_UNKNOWN && held.listener != listening) {
    snprintf(why, sizeof why,
             listening
                 ? "the port is %s, but the child does not hold the listener"
                 : "the child holds the listener, but the port is %s",
             seq->witness_seen);
    bm_seq_fail(seq, 0, why);
    return -1;
  }
  return 0;
}

/* Killed once, on the first call: the pid is still the child's then (an
 * orphan nobody has reaped keeps its pid). */
int bm_seq_inherit_end(struct bm_sequence *seq) {
  if (seq->hold_pipe >= 0) {
    if (seq->child.pid != 0)
      uv_kill(seq->child.pid, SIGKILL);
    close_file(seq, seq->hold_pipe);
    seq->hold_pipe = -1;
  }
  if (seq->child.pid != 0 && !bm_orphan_gone(seq->child.pid))
    return 0;
  seq->child.pid = 0;
  return 1;
}

/* A child that outlives its kill by a whole deadline breaks the promise
 * that nothing a cell starts outlives it: every cell of the sequence says
 * so, whatever it measured. */
void bm_seq_inherit_abandon(struct bm_sequence *seq) {
  char reason[160];
  snprintf(reason, sizeof reason,
           "the server's child %d did not end within %d ms of its kill",
           (int)seq->child.pid, seq->run->timeout_ms);
  for (int i = 0; i < bm_plan_cell_count(seq->plan); i++) {
    seq->cells[i].status = BM_CELL_INVALID;
    BM_SEQ_SET(seq->cells[i].reason, reason);
  }
  seq->child.pid = 0;
}
