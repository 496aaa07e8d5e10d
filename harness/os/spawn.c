/* The uv_spawn method, on every OS. */
#include "os/spawn.h"

/* The handle is never closed: the caller exits without running the loop,
 * as a server that dies would. The child is detached, as libuv's
 * documentation says a child that is to keep running after its parent
 * exits must be: on Windows libuv puts any other child in a job object
 * that kills it when the parent exits (src/win/process.c,
 * JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE), so it could not keep a listener
 * past the server, inherited or not (measured under Wine). On Unix the
 * flag only makes the child a session leader. */
static uv_process_t process;

struct bm_error bm_spawn_by_uv(uv_loop_t *loop, char **argv,
                               const struct bm_spawn_stdio *stdio,
                               uv_pid_t *pid) {
  uv_stdio_container_t containers[3] = {
      {.flags = UV_INHERIT_FD, .data.fd = stdio->in},
      {.flags = UV_INHERIT_FD, .data.fd = stdio->out},
      {.flags = UV_INHERIT_FD, .data.fd = 2},
  };
  uv_process_options_t options = {
      .file = argv[0],
      .args = argv,
      .stdio_count = 3,
      .stdio = containers,
      .flags = UV_PROCESS_WINDOWS_HIDE | UV_PROCESS_DETACHED,
  };
  int err = uv_spawn(loop, &process, &options);
  if (err != 0)
    return bm_sock_error_from_uv(err);
  *pid = uv_process_get_pid(&process);
  return BM_OK;
}
