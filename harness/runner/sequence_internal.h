/* What the parts of the sequence engine share: runner/sequence.c (cells,
 * requests and replies, steps, the witness, deadlines, failure and the
 * end), runner/probes.c (bind probes and the hijack's second listener) and
 * runner/inherit.c (the server that starts a child and exits). */
#ifndef BM_RUNNER_SEQUENCE_INTERNAL_H
#define BM_RUNNER_SEQUENCE_INTERNAL_H

#include "runner/sequence.h"

#include <stdio.h>

/* The cell of `step` (an index into the kind's steps) and `probe`. */
struct bm_cell *bm_seq_cell(struct bm_sequence *seq, int step, int probe);

/* Every cell not settled yet gets `status` and the reason. */
void bm_seq_settle(struct bm_sequence *seq, enum bm_cell_status status,
                   const char *reason);

/* The cells cannot be measured. `retryable`: the harness's own trouble (a
 * missed deadline, a lost role): the sequence runs once more first. */
void bm_seq_fail(struct bm_sequence *seq, int retryable, const char *reason);

/* The OS cannot give these cells (an option, a method or a state it
 * lacks): unsupported with the reason, and the sequence ends. */
void bm_seq_unsupported(struct bm_sequence *seq, const char *reason);

/* A worker for one of the sequence's roles, in *slot: bm-role, or the role
 * program of the option's runtime; NULL (and the sequence failed) when
 * none could be started. */
struct bm_worker *bm_seq_worker(struct bm_sequence *seq, enum bm_user user,
                                const struct bm_option *option, uv_file pass_fd,
                                struct bm_worker **slot);

/* The same, but a worker that could not be started is only the error
 * (*slot NULL): another user's probe that cannot start is its own cell's
 * trouble, not the sequence's. */
struct bm_error bm_seq_try_worker(struct bm_sequence *seq, enum bm_user user,
                                  const struct bm_option *option,
                                  uv_file pass_fd, struct bm_worker **slot);

/* Sends `r` to `w` and calls `then` with the answer (within the
 * deadline, else the sequence fails). */
void bm_seq_request(struct bm_sequence *seq, struct bm_worker *w,
                    const struct bm_request_line *r, bm_reply_cb then);

/* Waits for `w`'s next line (a request already sent). */
void bm_seq_await(struct bm_sequence *seq, struct bm_worker *w,
                  bm_reply_cb then);

/* "bind failed: EADDRINUSE (98)", "setsockopt: not available on this OS" */
void bm_seq_describe(const struct bm_status *st, char *buf, size_t size);

/* The steps: the next one, or the end once the last probed one is done. */
void bm_seq_next_step(struct bm_sequence *seq);
/* The current step's next request (or its witness once all are done). */
void bm_seq_next_request(struct bm_sequence *seq);

/* await_state.c: reads the port's state until it is the current step's
 * (or the deadline passes), then probes it or moves on. */
void bm_seq_await_state(struct bm_sequence *seq);
/* Reads the port once more, in every family (a probe was refused): a
 * socket on it that the state's reading did not show is another
 * program's, and the sequence runs again on a fresh port; else then(seq). */
void bm_seq_recheck_state(struct bm_sequence *seq,
                          void (*then)(struct bm_sequence *seq));
/* Leaves the readings' queue (a sequence that is ending); one in a reading
 * in progress stays busy until it is back. */
void bm_seq_witness_leave(struct bm_sequence *seq);

/* Ends the teardown once nothing is left in flight (sequence.c). */
void bm_seq_check_torn_down(struct bm_sequence *seq);

/* probes.c: the probes of the current step, then the next step. */
void bm_seq_probe_all(struct bm_sequence *seq);

/* inherit.c */
void bm_seq_inherit_start(struct bm_sequence *seq, bm_reply_cb then);
/* The server named its child: checked, then the server must exit (or the
 * sequence failed). */
void bm_seq_inherit_named(struct bm_sequence *seq, const struct bm_reply *r);
/* The server has exited. */
void bm_seq_inherit_exited(struct bm_sequence *seq);
/* The port shows what it shows (witness_seen): what the child holds must
 * agree; 0 or -1 with the sequence failed. */
int bm_seq_inherit_check(struct bm_sequence *seq);
/* Kills the child and closes its input; 1 once it is gone (reaped). */
int bm_seq_inherit_end(struct bm_sequence *seq);
/* The child did not go: every cell says so. */
void bm_seq_inherit_abandon(struct bm_sequence *seq);

#define BM_SEQ_SET(field, text) snprintf(field, sizeof field, "%s", text)

#endif
