/* A role process as the harness sees it: spawned with uv_spawn, sent one
 * request line at a time through its stdin pipe, answering one line at a
 * time on its stdout pipe. on_closed fires once, after the process has
 * exited and every handle is closed, so the struct may then be reused or
 * freed. */
#ifndef BM_RUNNER_CHILD_H
#define BM_RUNNER_CHILD_H

#include "os/user.h"
#include "role/protocol.h"

#include <uv.h>

struct bm_child;
typedef void (*bm_child_line_cb)(struct bm_child *child, const char *line);
typedef void (*bm_child_closed_cb)(struct bm_child *child);

struct bm_child {
  uv_process_t process;
  uv_pipe_t to_child;     /* the child's stdin */
  uv_pipe_t from_child;   /* the child's stdout */
  char line[BM_LINE_MAX]; /* what has come of the reply being read */
  size_t line_len;
  int open_handles; /* 0: not running, all closed */
  void *data;
  bm_child_line_cb on_line;
  bm_child_closed_cb on_closed;
};

/* `user`: another user for the child (Unix, as root), or NULL. `pass_fd`
 * becomes the child's descriptor 3 (the inherit server hands it on to the
 * child it starts); -1: none. `quiet`: its standard error goes to the null
 * device, not to ours. On error nothing is left open; the error names the
 * OS's own reason where libuv's code hides it (Windows). */
struct bm_error bm_child_spawn(uv_loop_t *loop, struct bm_child *child,
                               char **argv, const struct bm_other_user *user,
                               uv_file pass_fd, int quiet);

/* Sends one request line (copied). */
int bm_child_send(struct bm_child *child, const char *line);

/* Closes the child's stdin: a role exits at end of input. */
void bm_child_end(struct bm_child *child);

/* SIGKILL: for deadlines and interruptions. */
void bm_child_kill(struct bm_child *child);

int bm_child_running(const struct bm_child *child);

/* The full path of a program next to this executable (bm-role). */
int bm_child_sibling_path(const char *name, char *buf, size_t size);

/* The length of `path`'s folder part, with its last separator (/ or \\). */
size_t bm_path_folder_length(const char *path, size_t len);

#endif
