/* Waits for the OS to show each sequence's declared state: the witness is
 * read again until it does or the deadline passes, with no fixed sleeps.
 *
 * The sequences of a run share their readings: whoever waits when a
 * reading starts is in it, and the OS is read once for all of them where it
 * lists every socket at once (bm_witness_read_all). Readings run in libuv's
 * thread pool, so that a slow one (about 20 ms under Wine, where each
 * walks the host's socket table through nsiproxy) holds up no role. */
#include "runner/sequence_internal.h"

#include <stdlib.h>
#include <string.h>

static const char *declared_state(const struct bm_sequence *seq) {
  return seq->plan->kind->steps[seq->step].state;
}

static void start_reading(struct bm_witness_batch *b);

/* In a thread of the pool: nothing here touches the loop. */
static void read_in_pool(uv_work_t *req) {
  struct bm_witness_batch *b = req->data;
  b->error = bm_witness_read_all(b->queries, b->results, b->reading_count);
}

static void enqueue(struct bm_sequence *seq) {
  struct bm_witness_batch *b = &seq->run->witness;
  seq->witness_busy = 1;
  b->waiting[b->waiting_count++] = seq;
  if (!b->busy)
    start_reading(b);
}

static void on_poll(uv_timer_t *timer) { enqueue(timer->data); }

/* The state was read and is the declared one (or the deadline passed). */
static void state_read(struct bm_sequence *seq, int reached) {
  const char *declared = declared_state(seq);
  char why[160];
  if (!bm_plan_step_selected(seq->plan, seq->step)) {
    snprintf(why, sizeof why, "the sequence did not reach %s", declared);
    if (reached)
      bm_seq_next_step(seq);
    else
      bm_seq_fail(seq, 0, why);
    return;
  }
  for (int p = 0; p < seq->plan->probe_count; p++) {
    struct bm_cell *cell = bm_seq_cell(seq, seq->step, p);
    BM_SEQ_SET(cell->witnessed, seq->witness_seen);
    cell->witnessed_kind = seq->witness_kind;
  }
  if (!reached) {
    snprintf(why, sizeof why, "declared %s, witnessed %s after %d ms", declared,
             seq->witness_seen, seq->run->timeout_ms);
    bm_seq_fail(seq, 0, why);
    return;
  }
  if (seq->plan->scenario->inherits && bm_seq_inherit_check(seq))
    return;
  bm_seq_probe_all(seq);
}

/* A runtime's listener acts on its own (Node closes its end when the
 * client's FIN arrives, for one): a state it reached must still hold a
 * moment later, and what the runtime closed by itself is no state the
 * harness can hold with it. The C roles do only what they are told. */
#define SETTLE_MS 10

static int acts_on_its_own(const struct bm_sequence *seq) {
  return seq->plan->listener_option->via == BM_VIA_RUNTIME;
}

/* 1 when this reading is handled here: the state is read once more, or
 * the runtime closed the port's connection itself. */
static int settles(struct bm_sequence *seq, int reached) {
  if (reached && !seq->witness_settled) {
    seq->witness_settled = 1;
    uv_timer_start(&seq->poll, on_poll, SETTLE_MS, 0);
    return 1;
  }
  if (!reached && seq->peer_port != 0 &&
      strcmp(seq->witness_seen, "CLOSED") == 0 &&
      bm_step_find(seq->plan->kind, "CLOSE_WAIT") <= seq->step) {
    char why[200];
    snprintf(why, sizeof why,
             "listener option %s: the runtime closed its end of the "
             "connection itself (witnessed CLOSED, not %s)",
             seq->plan->listener_option->name, declared_state(seq));
    bm_seq_unsupported(seq, why);
    return 1;
  }
  return 0;
}

/* A probe was refused (probes.c says where that asks this): the port, read
 * again in every family, must show what the state's reading showed. The
 * OS hands a port that is free in a family to anyone's bind(0), Python's
 * or a test's running beside the harness, and a refusal is then that
 * program's doing, not the state's. The sequence's own sockets are all of
 * its listener's family. */
static void rechecked(struct bm_sequence *seq) {
  void (*then)(struct bm_sequence *) = seq->rechecked;
  seq->rechecked = NULL;
  const char *before = bm_seq_cell(seq, seq->step, seq->probe_index)->witnessed;
  if (strcmp(seq->witness_seen, before) == 0) {
    then(seq);
    return;
  }
  char why[300];
  snprintf(why, sizeof why,
           "port %d showed %s after a probe was refused there in %s: "
           "another program's socket",
           seq->port, seq->witness_seen, before);
  bm_seq_fail(seq, 1, why);
}

static void reading_done(struct bm_sequence *seq, struct bm_error error) {
  seq->witness_busy = 0;
  if (seq->finishing) {
    bm_seq_check_torn_down(seq);
    return;
  }
  if (error.code != 0) {
    char why[160], text[64];
    bm_error_describe(error, text, sizeof text);
    snprintf(why, sizeof why, "the state witness could not read the OS: %s",
             text);
    bm_seq_fail(seq, 0, why);
    return;
  }
  if (seq->rechecked) {
    rechecked(seq);
    return;
  }
  int reached =
      bm_state_shown_by(bm_state_find(declared_state(seq)), seq->witness_seen);
  uint64_t waited = uv_now(seq->run->loop) - seq->witness_since;
  if (acts_on_its_own(seq) && settles(seq, reached))
    return;
  if (!reached && waited < (uint64_t)seq->run->timeout_ms) {
    /* 1, 2, 4, 8, 8... ms: natively a reading costs microseconds; under
     * Wine a tight loop would starve the roles it waits for. */
    seq->poll_ms = seq->poll_ms ? (seq->poll_ms < 8 ? 2 * seq->poll_ms : 8) : 1;
    uv_timer_start(&seq->poll, on_poll, seq->poll_ms, 0);
    return;
  }
  state_read(seq, reached);
}

static void on_reading(uv_work_t *req, int status) {
  struct bm_witness_batch *b = req->data;
  int count = b->reading_count;
  struct bm_error error = status != 0 ? bm_error_from_uv(status) : b->error;
  b->busy = 0;
  b->reading_count = 0;
  for (int i = 0; i < count; i++) {
    struct bm_sequence *seq = b->reading[i];
    if (error.code == 0) {
      bm_witness_name(&b->results[i], seq->witness_seen,
                      sizeof seq->witness_seen);
      seq->witness_kind = b->results[i].connection_kind;
    }
    reading_done(seq, error);
  }
  if (b->waiting_count > 0 && !b->busy)
    start_reading(b);
}

static void start_reading(struct bm_witness_batch *b) {
  for (int i = 0; i < b->waiting_count; i++) {
    struct bm_sequence *seq = b->waiting[i];
    b->reading[i] = seq;
    /* A recheck looks for anyone's socket on the port, in either family. */
    b->queries[i] = (struct bm_witness_query){seq->plan->proto,
                                              {seq->plan->listener, seq->port},
                                              seq->peer_port,
                                              seq->plan->listener_option->via ==
                                                      BM_VIA_RUNTIME ||
                                                  seq->rechecked != NULL};
  }
  b->reading_count = b->waiting_count;
  b->waiting_count = 0;
  b->busy = 1;
  b->req.data = b;
  uv_queue_work(b->loop, &b->req, read_in_pool, on_reading);
}

void bm_seq_await_state(struct bm_sequence *seq) {
  seq->witness_since = uv_now(seq->run->loop);
  seq->poll_ms = 0;
  seq->witness_settled = 0;
  enqueue(seq);
}

void bm_seq_recheck_state(struct bm_sequence *seq,
                          void (*then)(struct bm_sequence *seq)) {
  seq->rechecked = then;
  enqueue(seq);
}

void bm_seq_witness_leave(struct bm_sequence *seq) {
  struct bm_witness_batch *b = &seq->run->witness;
  for (int i = 0; i < b->waiting_count; i++)
    if (b->waiting[i] == seq) {
      b->waiting[i] = b->waiting[--b->waiting_count];
      seq->witness_busy = 0;
      return;
    }
}

int bm_witness_batch_init(struct bm_witness_batch *b, uv_loop_t *loop,
                          int capacity) {
  memset(b, 0, sizeof *b);
  b->loop = loop;
  b->waiting = calloc((size_t)capacity, sizeof *b->waiting);
  b->reading = calloc((size_t)capacity, sizeof *b->reading);
  b->queries = calloc((size_t)capacity, sizeof *b->queries);
  b->results = calloc((size_t)capacity, sizeof *b->results);
  return b->waiting && b->reading && b->queries && b->results ? 0 : UV_ENOMEM;
}

void bm_witness_batch_free(struct bm_witness_batch *b) {
  free(b->waiting);
  free(b->reading);
  free(b->queries);
  free(b->results);
}
