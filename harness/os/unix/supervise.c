/* Unix: uv_spawn's UV_PROCESS_DETACHED calls setsid(2) in the child, so
 * the server leads a session and a process group whose id is its pid;
 * kill(2) with the negative id reaches every process still in the group,
 * as systemd's KillMode=control-group and Docker's stop do for theirs. A
 * child that made a group of its own (setsid, setpgid) is not reached:
 * that is the leak the check looks for. */
#include "os/supervise.h"

#include <errno.h>
#include <signal.h>

unsigned bm_supervise_spawn_flags(void) { return UV_PROCESS_DETACHED; }

struct bm_error bm_supervise_stop(uv_process_t *server, int hard) {
  uv_pid_t group = uv_process_get_pid(server);
  if (kill(-group, hard ? SIGKILL : SIGTERM) != 0 && errno != ESRCH)
    return bm_error_from_os(errno);
  return BM_OK;
}

const char *bm_supervise_stop_name(int hard) {
  return hard ? "SIGKILL" : "SIGTERM";
}
