#include "runner/pool.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { HAD, RESETTING, IDLE, ENDING };

static void unlink_worker(struct bm_worker *w) {
  for (struct bm_worker **at = &w->pool->workers; *at; at = &(*at)->next)
    if (*at == w) {
      *at = w->next;
      return;
    }
}

static void check_closed(struct bm_pool *pool) {
  if (pool->closing && pool->workers == NULL) {
    pool->closing = 0;
    uv_close((uv_handle_t *)&pool->close_deadline, NULL);
    if (pool->on_closed)
      pool->on_closed(pool);
  }
}

static void on_worker_closed(struct bm_child *child) {
  struct bm_worker *w = child->data;
  struct bm_pool *pool = w->pool;
  int had = w->state == HAD;
  unlink_worker(w);
  if (had && w->on_exit)
    w->on_exit(w);
  free(w);
  check_closed(pool);
}

/* Lines of a worker nobody has: a reset's answer, or noise. */
static void on_pool_line(struct bm_child *child, const char *line) {
  struct bm_worker *w = child->data;
  w->answered = 1;
  if (w->state == HAD) {
    if (w->on_line)
      w->on_line(w, line);
    return;
  }
  if (w->state == RESETTING && strncmp(line, "ok", 2) == 0)
    w->state = IDLE;
  else
    bm_pool_discard(w); /* a worker that says what it should not is done */
}

void bm_pool_init(struct bm_pool *pool, uv_loop_t *loop, const char *role_path,
                  const struct bm_other_user *other_user, int fresh) {
  memset(pool, 0, sizeof *pool);
  pool->loop = loop;
  pool->role_path = role_path;
  pool->other_user = other_user;
  pool->fresh = fresh;
}

void bm_pool_discard(struct bm_worker *w);

static int same_program(const char *a, const char *b) {
  return a == b || (a && b && strcmp(a, b) == 0);
}

static struct bm_worker *idle_worker(struct bm_pool *pool, enum bm_user user,
                                     const char *runtime) {
  for (struct bm_worker *w = pool->workers; w; w = w->next)
    if (w->state == IDLE && w->user == user &&
        same_program(w->runtime, runtime))
      return w;
  return NULL;
}

int bm_pool_runtimes_folder(const char *role_path, char *buf, size_t size) {
  size_t dir = bm_path_folder_length(role_path, strlen(role_path));
  int n = snprintf(buf, size, "%.*s../runtimes/", (int)dir, role_path);
  return n < 0 || (size_t)n >= size ? UV_ENAMETOOLONG : 0;
}

int bm_pool_program(const struct bm_pool *pool, const char *runtime,
                    enum bm_user user, char *buf, size_t size) {
  const char *role = user == BM_USER_OTHER && pool->other_role_path
                         ? pool->other_role_path
                         : pool->role_path;
  if (!runtime) {
    snprintf(buf, size, "%s", role);
    return 0;
  }
  /* A runtime's role is BUILD/runtimes/bm-role-<runtime>[.exe]. */
  int err = bm_pool_runtimes_folder(role, buf, size);
  if (err != 0)
    return err;
  size_t len = strlen(role), used = strlen(buf);
  const char *suffix =
      len > 4 && strcmp(role + len - 4, ".exe") == 0 ? ".exe" : "";
  int n = snprintf(buf + used, size - used, "bm-role-%s%s", runtime, suffix);
  return n < 0 || (size_t)n >= size - used ? UV_ENAMETOOLONG : 0;
}

static struct bm_error start_worker(struct bm_pool *pool, enum bm_user user,
                                    const char *runtime, uv_file pass_fd,
                                    struct bm_worker **out) {
  char program[4096];
  int err_path = bm_pool_program(pool, runtime, user, program, sizeof program);
  if (err_path != 0)
    return bm_error_from_uv(err_path);
  struct bm_worker *w = calloc(1, sizeof *w);
  if (!w)
    return bm_error_from_uv(UV_ENOMEM);
  w->pool = pool;
  w->user = user;
  w->runtime = runtime;
  w->reusable = !pool->fresh && pass_fd < 0;
  w->child.data = w;
  w->child.on_line = on_pool_line;
  w->child.on_closed = on_worker_closed;
  char *argv[] = {program, NULL};
  struct bm_error err =
      bm_child_spawn(pool->loop, &w->child, argv,
                     user == BM_USER_OTHER ? pool->other_user : NULL, pass_fd,
                     runtime != NULL && !pool->runtimes_speak);
  w->next = pool->workers;
  pool->workers = w;
  if (err.code != 0) {
    /* A failed spawn still closes its handles: the worker is freed then. */
    bm_pool_discard(w);
    return err;
  }
  pool->stats.started++;
  *out = w;
  return BM_OK;
}

struct bm_error bm_pool_acquire(struct bm_pool *pool, enum bm_user user,
                                const char *runtime, uv_file pass_fd,
                                struct bm_worker **out) {
  struct bm_worker *w = pass_fd < 0 ? idle_worker(pool, user, runtime) : NULL;
  if (!w) {
    struct bm_error err = start_worker(pool, user, runtime, pass_fd, &w);
    if (err.code != 0)
      return err;
  }
  w->state = HAD;
  w->owner = NULL;
  w->on_line = NULL;
  w->on_exit = NULL;
  pool->stats.handed++;
  *out = w;
  return BM_OK;
}

void bm_pool_end(struct bm_worker *w) {
  w->state = ENDING;
  bm_child_end(&w->child);
}

void bm_pool_release(struct bm_worker *w, int holds_sockets) {
  if (!w->reusable || w->pool->closing) {
    bm_pool_end(w);
    return;
  }
  if (!holds_sockets) {
    w->state = IDLE;
    return;
  }
  w->state = RESETTING;
  if (bm_child_send(&w->child, bm_verb_name(BM_VERB_RESET)) != 0)
    bm_pool_discard(w);
}

void bm_pool_discard(struct bm_worker *w) {
  w->state = ENDING;
  bm_child_kill(&w->child);
  bm_child_end(&w->child);
}

static void on_close_deadline(uv_timer_t *timer) {
  struct bm_pool *pool = timer->data;
  for (struct bm_worker *w = pool->workers; w; w = w->next)
    bm_pool_discard(w);
}

void bm_pool_close(struct bm_pool *pool, int grace_ms) {
  pool->closing = 1;
  uv_timer_init(pool->loop, &pool->close_deadline);
  pool->close_deadline.data = pool;
  for (struct bm_worker *w = pool->workers; w; w = w->next)
    if (w->state != HAD)
      bm_pool_end(w);
    else
      bm_pool_discard(w); /* nobody will come back for it */
  uv_timer_start(&pool->close_deadline, on_close_deadline, (uint64_t)grace_ms,
                 0);
  check_closed(pool);
}
