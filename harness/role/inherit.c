#include "role/inherit.h"

#include "os/holder.h"

#include <stdio.h>
#include <string.h>

/* The server's loop. Never run and never closed: the server exits with it
 * open, as a libuv server that dies does. */
static uv_loop_t loop;

static void close_file(uv_file fd) {
  uv_fs_t req;
  uv_fs_close(&loop, &req, fd, NULL);
  uv_fs_req_cleanup(&req);
}

/* The hold child's first line is "ok PID": once it is written, the child
 * runs the hold program. End of input first: it ended (ESRCH). */
static struct bm_error await_ready(uv_file from_child, uv_pid_t pid) {
  char line[64];
  size_t len = 0;
  while (len < sizeof line - 1 && !memchr(line, '\n', len)) {
    uv_fs_t req;
    uv_buf_t buf = uv_buf_init(line + len, (unsigned)(sizeof line - 1 - len));
    int n = uv_fs_read(&loop, &req, from_child, &buf, 1, -1, NULL);
    uv_fs_req_cleanup(&req);
    if (n < 0)
      return bm_sock_error_from_uv(n);
    if (n == 0)
      return bm_error_from_uv(UV_ESRCH);
    len += (size_t)n;
  }
  line[len] = '\0';
  int reported;
  if (sscanf(line, "ok %d", &reported) != 1 || reported != (int)pid)
    return bm_error_from_uv(UV_EPROTO);
  return BM_OK;
}

static struct bm_error start_hold(const struct bm_spawn_method *m,
                                  char *role_path, uv_file child_stdin,
                                  uv_pid_t *pid) {
  uv_file ready[2]; /* both ends close-on-exec: only the dup2 passes one */
  int piped = uv_pipe(ready, 0, 0);
  if (piped != 0)
    return bm_sock_error_from_uv(piped);
  char *argv[] = {role_path, "hold", NULL};
  struct bm_spawn_stdio stdio = {child_stdin, ready[1]};
  struct bm_error err = bm_spawn_start(m, &loop, argv, &stdio, pid);
  close_file(ready[1]); /* the child's copy is the only writer left */
  if (err.code == 0 && (err = await_ready(ready[0], *pid)).code != 0)
    bm_spawn_stop(*pid);
  close_file(ready[0]);
  return err;
}

struct bm_status bm_inherit_start(bm_socket listener, int cloexec,
                                  const struct bm_spawn_method *m,
                                  char *role_path, uv_file child_stdin,
                                  struct bm_inheritance *out) {
  out->child = 0;
  out->loop_fd = -1;
  out->listener_id = bm_holder_socket_id(listener);
  struct bm_error err = bm_spawn_set_inheritable(listener, !cloexec);
  if (err.code != 0)
    return bm_status(BM_STAGE_CLOEXEC, err);
  int looped = uv_loop_init(&loop);
  if (looped != 0)
    return bm_status(BM_STAGE_LOOP, bm_sock_error_from_uv(looped));
  out->loop_fd = uv_backend_fd(&loop);
  return bm_status(BM_STAGE_SPAWN,
                   start_hold(m, role_path, child_stdin, &out->child));
}
