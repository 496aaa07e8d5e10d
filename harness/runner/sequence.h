/* One run of a state sequence on a fresh port (runner/plan.h): a server
 * role, a client role, and after each probed state one probe per probe
 * spec: a bind (bind scenario), or a second listener whose pull on new
 * connections is counted (hijack). For an inherit cell the server starts a
 * child and exits; the port's state and what the child holds are read
 * before the probes, and the child is killed and reaped at the end,
 * whatever happened.
 *
 * Every wait has a deadline. A sequence that missed one (or lost a role)
 * runs once more from the start, on a new port with other workers, before
 * its cells are recorded invalid with the reason: a machine that is busy
 * is not a failed cell, and the retry is counted. A state the OS does not
 * show is not retried: that is the OS's answer. */
#ifndef BM_RUNNER_SEQUENCE_H
#define BM_RUNNER_SEQUENCE_H

#include "os/holder.h"
#include "os/user.h"
#include "os/witness.h"
#include "role/protocol.h"
#include "runner/plan.h"
#include "runner/pool.h"
#include "runner/ports.h"

#include <uv.h>

/* A hijack's clients come in rounds, each counted by both listeners
 * before the next, so that no listener's accept queue fills: Python's
 * socketserver listens with a backlog of 5 (request_queue_size), and a
 * connection beyond the queue waits in SYN_SENT rather than fail. 32 in
 * all: two SO_REUSEPORT listeners that share connections then both get
 * one, but for a chance of 2^-31. */
#define BM_HIJACK_ROUNDS 8
#define BM_HIJACK_BATCH 4

/* The witness readings of a run (runner/await_state.c): the sequences
 * waiting for the next one, and those the one in progress is for. */
struct bm_witness_batch {
  uv_loop_t *loop;
  struct bm_sequence **waiting;
  int waiting_count;
  struct bm_sequence **reading;
  int reading_count;
  struct bm_witness_query *queries;
  struct bm_witness *results;
  struct bm_error error;
  uv_work_t req;
  int busy;
};

/* Room for `capacity` sequences (the run's jobs); 0 or UV_ENOMEM. */
int bm_witness_batch_init(struct bm_witness_batch *b, uv_loop_t *loop,
                          int capacity);
void bm_witness_batch_free(struct bm_witness_batch *b);

/* What the sequences of a run share. */
struct bm_run_context {
  uv_loop_t *loop;
  struct bm_pool *pool;
  struct bm_ports *ports;
  /* No longer available once the OS refuses it a role (probes.c). */
  struct bm_other_user *other_user;
  const char *role_path;
  int timeout_ms;
  /* A role's first answer includes its program's start: a JVM or an
   * interpreter on a busy machine, a process under Wine. */
  int start_timeout_ms;
  int verbose;
  int retries; /* sequences run a second time */
  struct bm_witness_batch witness;
  /* Whether the witness can see the state BOUND (bm_witness_sees_bound),
   * asked once per run. */
  int sees_bound[BM_PROTO_COUNT];
  /* What setting each option on a socket of its own gave, per protocol:
   * options are checked once per run, not once per probe. */
  struct bm_status option_checks[BM_PROTO_COUNT][64];
  unsigned char option_checked[BM_PROTO_COUNT][64];
  /* Why an option's runtime has no role program here ("" when it has),
   * once asked (runtimes.c). */
  char runtime_missing[64][200];
  unsigned char runtime_checked[64];
};

/* Why `option`'s runtime has no role program in this build (its line of
 * runtimes/missing.txt, or the program that is not there), or NULL when it
 * has one or the option is not a runtime's (runner/runtimes.c). */
const char *bm_run_runtime_missing(struct bm_run_context *run,
                                   const struct bm_option *option);

struct bm_sequence;
typedef void (*bm_sequence_cb)(struct bm_sequence *seq);
typedef void (*bm_reply_cb)(struct bm_sequence *seq, const struct bm_reply *r);

struct bm_sequence {
  const struct bm_sequence_plan *plan;
  struct bm_cell *cells; /* bm_plan_cell_count of them, the run's memory */
  struct bm_run_context *run;
  bm_sequence_cb on_done;
  void *data;

  /* Private (runner/sequence*.c). */
  struct bm_worker *server, *client, *probe, *connector;
  struct bm_worker *waiting_on;
  bm_reply_cb on_reply;
  uv_timer_t deadline, poll;
  int deadline_ms;         /* of the answer awaited */
  char asked[BM_LINE_MAX]; /* the request it answers, for a timeout's reason */
  int open_timers;
  int step, request, probe_index;
  int hijack_round, first_count, second_count; /* counted so far */
  int port, peer_port;
  int attempt;   /* 0, then 1 when it runs again */
  int finishing; /* ending: no reply is awaited any more */
  int aborted;   /* Ctrl-C: no second attempt */
  int ended;     /* its cells recorded, its timers closing: nothing to end */
  /* The witness: waiting for a reading or in one (runner/await_state.c),
   * and what the last one showed. */
  int witness_busy;
  int witness_settled; /* a runtime's state read twice (await_state.c) */
  void (*rechecked)(struct bm_sequence *seq); /* reading the port again for
                                                 a refused probe: then */
  char witness_seen[64];
  enum bm_sock_kind witness_kind;
  uint64_t witness_since, poll_ms;
  /* Inherit: the child the server leaves behind (pid 0 until the server
   * names it, and again once it is reaped), and the write end of the pipe
   * that is the child's input (-1: closed), so that the child ends with
   * the harness however the harness ends. */
  struct bm_holder_query child;
  uv_file hold_pipe;
  int awaiting_exit;
  bm_sequence_cb after_teardown;
};

void bm_sequence_start(struct bm_sequence *seq);

/* For a sequence that will not run: its cells, all invalid with `why`. */
void bm_sequence_settle_unstarted(struct bm_sequence *seq, const char *why);

/* Ends it now (Ctrl-C): its remaining cells become invalid, roles killed. */
void bm_sequence_abort(struct bm_sequence *seq, const char *why);

#endif
