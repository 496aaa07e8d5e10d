/* The check's event loop: waits that run it until a condition holds or a
 * deadline passes, Ctrl-C and SIGTERM as a flag every wait returns on, and
 * the role workers (runner/pool.h) asked one request at a time. */
#include "runner/check_internal.h"

#include "os/orphans.h"

#include <signal.h>
#include <string.h>

/* uv_stop: uv_run(UV_RUN_ONCE) runs the timers that are due before it
 * polls, and polls without a timeout when none is left (libuv 1.44,
 * src/unix/core.c): a wait whose timer fired there would block until some
 * other event came. With the loop stopped, the poll returns at once. */
static void on_timer(uv_timer_t *timer) {
  struct bm_check_loop *l = timer->data;
  l->timer_fired = 1;
  uv_stop(timer->loop);
}

static void on_signal(uv_signal_t *handle, int signum) {
  struct bm_check_loop *l = handle->data;
  if (!l->interrupted_by)
    l->interrupted_by = signum;
}

static void on_pool_closed(struct bm_pool *pool) {
  struct bm_check_loop *l = pool->data;
  l->pool_closed = 1;
}

int bm_check_loop_init(struct bm_check_loop *l) {
  memset(l, 0, sizeof *l);
  int err = uv_loop_init(&l->loop);
  if (err != 0)
    return err;
  uv_timer_init(&l->loop, &l->timer);
  l->timer.data = l;
  static const int signums[2] = {SIGINT, SIGTERM};
  for (int i = 0; i < 2; i++) {
    uv_signal_init(&l->loop, &l->signals[i]);
    l->signals[i].data = l;
    if (err == 0)
      err = uv_signal_start(&l->signals[i], on_signal, signums[i]);
  }
  bm_other_user_find(&l->other_user);
  /* The server's orphans come to the harness, which can then name them,
   * kill them by pid and reap them (os/orphans.h). */
  if (err == 0)
    err = bm_orphans_adopt();
  if (err == 0)
    err = bm_child_sibling_path("bm-role", l->role_path, sizeof l->role_path);
  bm_pool_init(&l->pool, &l->loop, l->role_path, &l->other_user, 0);
  /* The hijack probes as another user, from a checkout it may not enter. */
  if (err == 0)
    bm_role_copy_for_other_user(&l->other_role, &l->pool, &l->other_user);
  l->pool.data = l;
  l->pool.on_closed = on_pool_closed;
  if (err != 0) {
    l->pool_closed = 1;
    bm_check_loop_close(l);
  }
  return err;
}

void bm_check_loop_close(struct bm_check_loop *l) {
  if (!l->pool_closed) {
    bm_pool_close(&l->pool, 2000);
    while (!l->pool_closed)
      uv_run(&l->loop, UV_RUN_ONCE);
  }
  uv_close((uv_handle_t *)&l->timer, NULL);
  for (int i = 0; i < 2; i++)
    uv_close((uv_handle_t *)&l->signals[i], NULL);
  uv_run(&l->loop, UV_RUN_DEFAULT);
  uv_loop_close(&l->loop);
  bm_role_copy_remove(&l->other_role); /* every role has exited */
}

uint64_t bm_check_now(struct bm_check_loop *l) {
  uv_update_time(&l->loop);
  return uv_now(&l->loop);
}

int bm_check_wait(struct bm_check_loop *l, int (*done)(void *), void *arg,
                  uint64_t ms) {
  l->timer_fired = 0;
  uv_update_time(&l->loop); /* the deadline counts from now */
  uv_timer_start(&l->timer, on_timer, ms, 0);
  int result;
  for (;;) {
    if (done && done(arg)) {
      result = 1;
      break;
    }
    if (l->interrupted_by && !l->ending) {
      result = -1;
      break;
    }
    if (l->timer_fired) {
      result = 0;
      break;
    }
    uv_run(&l->loop, UV_RUN_ONCE);
  }
  uv_timer_stop(&l->timer);
  return result;
}

int bm_check_poll(struct bm_check_loop *l, int (*poll)(void *), void *arg,
                  uint64_t ms) {
  uint64_t start = bm_check_now(l), step = 1;
  for (;;) {
    int value = poll(arg);
    if (value)
      return value;
    uint64_t waited = bm_check_now(l) - start;
    if (waited >= ms)
      return 0;
    if (bm_check_wait(l, NULL, NULL, step < ms - waited ? step : ms - waited) <
        0)
      return -1;
    step = step < 8 ? 2 * step : 8;
  }
}

/* ---- roles --------------------------------------------------------------- */

static void on_role_line(struct bm_worker *w, const char *line) {
  struct bm_check_role *r = w->owner;
  if (r->replied)
    return; /* nothing was asked: not an answer */
  if (bm_reply_parse(line, &r->reply) != 0) {
    memset(&r->reply, 0, sizeof r->reply);
    r->reply.status = bm_status(BM_STAGE_COMMAND, BM_UNSUPPORTED);
  }
  r->replied = 1;
}

static void on_role_exit(struct bm_worker *w) {
  struct bm_check_role *r = w->owner;
  r->worker = NULL; /* the pool frees it */
}

struct bm_error bm_check_role_get(struct bm_check_loop *l, enum bm_user user,
                                  struct bm_check_role *r) {
  memset(r, 0, sizeof *r);
  r->replied = 1;
  struct bm_error err = bm_pool_acquire(&l->pool, user, NULL, -1, &r->worker);
  if (err.code != 0) {
    r->worker = NULL;
    return err;
  }
  r->worker->owner = r;
  r->worker->on_line = on_role_line;
  r->worker->on_exit = on_role_exit;
  return BM_OK;
}

static int answered_or_gone(void *arg) {
  struct bm_check_role *r = arg;
  return r->replied || r->worker == NULL;
}

int bm_check_request(struct bm_check_loop *l, struct bm_check_role *r,
                     const struct bm_request_line *req, int ms, char *why,
                     size_t size) {
  char line[BM_LINE_MAX];
  bm_request_format(req, line, sizeof line);
  r->replied = 0;
  if (!r->worker || bm_child_send(&r->worker->child, line) != 0) {
    snprintf(why, size, "could not command a role: %s", line);
    return -1;
  }
  int waited = bm_check_wait(l, answered_or_gone, r, (uint64_t)ms);
  if (waited > 0 && r->replied)
    return 0;
  if (waited < 0)
    snprintf(why, size, "interrupted");
  else if (r->worker) {
    snprintf(why, size, "a role gave no answer within %d ms: %s", ms, line);
    l->missed++;
  } else
    snprintf(why, size, "a role exited before it answered: %s", line);
  if (r->worker)
    bm_pool_discard(r->worker); /* stuck: nobody gets it again */
  return -1;
}

void bm_check_role_put(struct bm_check_role *r, int holds_sockets) {
  if (r->worker) {
    r->worker->on_exit = NULL;
    r->worker->on_line = NULL;
    if (r->replied)
      bm_pool_release(r->worker, holds_sockets);
    else
      bm_pool_discard(r->worker);
  }
  r->worker = NULL;
}
