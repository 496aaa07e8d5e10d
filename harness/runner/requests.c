/* A sequence's roles: the workers it holds, the requests it sends them,
 * and their answers, each awaited within a deadline (a worker's first
 * answer within the start timeout: a JVM or an interpreter starts too). */
#include "runner/sequence_internal.h"

#include <stdio.h>

static struct bm_worker **slot_of(struct bm_sequence *seq,
                                  const struct bm_worker *w) {
  struct bm_worker **slots[] = {&seq->server, &seq->client, &seq->probe,
                                &seq->connector};
  for (size_t i = 0; i < sizeof slots / sizeof slots[0]; i++)
    if (*slots[i] == w)
      return slots[i];
  return NULL;
}

static void on_deadline(uv_timer_t *timer) {
  struct bm_sequence *seq = timer->data;
  char why[BM_LINE_MAX + 96];
  const char *role = seq->waiting_on == seq->server      ? "the server"
                     : seq->waiting_on == seq->probe     ? "the probe"
                     : seq->waiting_on == seq->client    ? "the client"
                     : seq->waiting_on == seq->connector ? "the connector"
                                                         : "a role";
  if (seq->waiting_on) {
    struct bm_worker **slot = slot_of(seq, seq->waiting_on);
    bm_pool_discard(seq->waiting_on); /* stuck: nobody gets it again */
    if (slot)
      *slot = NULL;
    seq->waiting_on = NULL;
  }
  if (seq->awaiting_exit)
    snprintf(why, sizeof why, "the server did not exit within %d ms",
             seq->deadline_ms);
  else
    snprintf(why, sizeof why, "%s gave no answer to '%s' within %d ms", role,
             seq->asked, seq->deadline_ms);
  bm_seq_fail(seq, 1, why);
}

void bm_seq_await(struct bm_sequence *seq, struct bm_worker *w,
                  bm_reply_cb then) {
  seq->waiting_on = w;
  seq->on_reply = then;
  int timeout =
      w && !w->answered && seq->run->start_timeout_ms > seq->run->timeout_ms
          ? seq->run->start_timeout_ms
          : seq->run->timeout_ms;
  seq->deadline_ms = timeout;
  uv_timer_start(&seq->deadline, on_deadline, (uint64_t)timeout, 0);
}

static void on_worker_line(struct bm_worker *w, const char *line) {
  struct bm_sequence *seq = w->owner;
  if (seq->waiting_on != w || seq->finishing)
    return; /* nothing was asked of it: not an answer */
  seq->waiting_on = NULL;
  uv_timer_stop(&seq->deadline);
  struct bm_reply r;
  if (bm_reply_parse(line, &r) != 0) {
    char why[BM_LINE_MAX + 40];
    snprintf(why, sizeof why, "unreadable answer from a role: %s", line);
    bm_seq_fail(seq, 0, why);
    return;
  }
  seq->on_reply(seq, &r);
}

static void on_worker_exit(struct bm_worker *w) {
  struct bm_sequence *seq = w->owner;
  struct bm_worker **slot = slot_of(seq, w);
  if (slot)
    *slot = NULL;
  if (seq->waiting_on == w) {
    seq->waiting_on = NULL;
    uv_timer_stop(&seq->deadline);
  }
  if (seq->awaiting_exit && slot == &seq->server)
    bm_seq_inherit_exited(seq);
  else if (!seq->finishing)
    bm_seq_fail(seq, 1, "a role exited before the sequence ended");
}

struct bm_error bm_seq_try_worker(struct bm_sequence *seq, enum bm_user user,
                                  const struct bm_option *option,
                                  uv_file pass_fd, struct bm_worker **slot) {
  const char *runtime =
      option && option->via == BM_VIA_RUNTIME ? option->runtime : NULL;
  struct bm_error err =
      bm_pool_acquire(seq->run->pool, user, runtime, pass_fd, slot);
  if (err.code != 0) {
    *slot = NULL;
    return err;
  }
  (*slot)->owner = seq;
  (*slot)->on_line = on_worker_line;
  (*slot)->on_exit = on_worker_exit;
  return BM_OK;
}

struct bm_worker *bm_seq_worker(struct bm_sequence *seq, enum bm_user user,
                                const struct bm_option *option, uv_file pass_fd,
                                struct bm_worker **slot) {
  struct bm_error err = bm_seq_try_worker(seq, user, option, pass_fd, slot);
  if (err.code != 0) {
    char why[160], error[64];
    bm_error_describe(err, error, sizeof error);
    snprintf(why, sizeof why, "could not start bm-role: %s", error);
    bm_seq_fail(seq, 1, why);
    return NULL;
  }
  return *slot;
}

void bm_seq_request(struct bm_sequence *seq, struct bm_worker *w,
                    const struct bm_request_line *r, bm_reply_cb then) {
  char line[BM_LINE_MAX];
  bm_request_format(r, line, sizeof line);
  BM_SEQ_SET(seq->asked, line);
  if (bm_child_send(&w->child, line) != 0) {
    char why[BM_LINE_MAX + 32];
    snprintf(why, sizeof why, "could not command a role: %s", line);
    bm_seq_fail(seq, 1, why);
    return;
  }
  bm_seq_await(seq, w, then);
}
