/* Role workers: bm-role processes started once and reused, cell after cell.
 * The listener, the client and the probe of a cell are still three
 * processes; a worker is handed out only once it holds nothing of the cell
 * it served before (its "reset" answered: every socket closed). Fresh mode
 * (--fresh) starts a process for every role of every cell instead, as a
 * comparison. The inherit scenario's server is always fresh: it is about
 * processes (it passes a descriptor to a child, then exits). */
#ifndef BM_RUNNER_POOL_H
#define BM_RUNNER_POOL_H

#include "runner/child.h"

struct bm_pool;
struct bm_worker;

typedef void (*bm_worker_line_cb)(struct bm_worker *w, const char *line);
typedef void (*bm_worker_exit_cb)(struct bm_worker *w);

struct bm_worker {
  struct bm_child child;
  struct bm_pool *pool;
  enum bm_user user;
  const char *runtime; /* NULL: bm-role; else bm-role-<runtime> */
  int state;           /* pool.c's */
  int reusable;        /* 0: its process ends with its cell */
  int answered;        /* it has answered once: its program has started */
  /* While a sequence has it: */
  void *owner;
  bm_worker_line_cb on_line;
  bm_worker_exit_cb on_exit; /* the process ended while it was had */
  struct bm_worker *next;    /* every live worker of the pool */
};

struct bm_pool_stats {
  int started; /* role processes started */
  int handed;  /* times a worker was handed to a cell's role */
};

struct bm_pool {
  uv_loop_t *loop;
  const char *role_path;       /* bm-role; the runtimes' roles are beside it, in
                                  ../runtimes/ */
  const char *other_role_path; /* the roles' copy for other_user
                                  (role_copy.h) */
  const struct bm_other_user *other_user;
  int fresh;
  /* The runtimes' roles say on their standard error why they decline a
   * request, for every cell: shown only when the run is verbose. */
  int runtimes_speak;
  struct bm_worker *workers;
  struct bm_pool_stats stats;
  void (*on_closed)(struct bm_pool *pool); /* bm_pool_close is done */
  void *data;
  int closing;
  uv_timer_t close_deadline;
};

void bm_pool_init(struct bm_pool *pool, uv_loop_t *loop, const char *role_path,
                  const struct bm_other_user *other_user, int fresh);

/* A worker for one role of a cell, running as `user`, the program of
 * `runtime` (NULL: the harness's own bm-role): an idle one, or a new
 * process. `pass_fd` >= 0 asks for a fresh process that gets it as its
 * descriptor 3. On error nothing was started. */
struct bm_error bm_pool_acquire(struct bm_pool *pool, enum bm_user user,
                                const char *runtime, uv_file pass_fd,
                                struct bm_worker **out);

/* BUILD/runtimes/, where the runtimes' roles are, for bm-role at
 * `role_path` (BUILD/harness/bm-role[.exe]), with its last separator. */
int bm_pool_runtimes_folder(const char *role_path, char *buf, size_t size);

/* The path of `runtime`'s role program (NULL: bm-role's) as `user` runs
 * it: another user runs the copy of the roles (role_copy.h), if any. */
int bm_pool_program(const struct bm_pool *pool, const char *runtime,
                    enum bm_user user, char *buf, size_t size);

/* The role is done with it. `holds_sockets`: it must close them ("reset")
 * before anyone else may have it; a probe that answered holds none. */
void bm_pool_release(struct bm_worker *w, int holds_sockets);

/* Ends its input (a role exits at the end of its input): for the inherit
 * server, which must exit while the harness watches. */
void bm_pool_end(struct bm_worker *w);

/* Kills it: it missed a deadline, or its cell failed. */
void bm_pool_discard(struct bm_worker *w);

/* Ends every worker (end of input), kills what has not gone after
 * `grace_ms`, and calls on_closed once every process has exited. */
void bm_pool_close(struct bm_pool *pool, int grace_ms);

#endif
