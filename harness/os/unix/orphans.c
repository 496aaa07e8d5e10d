/* Unix: the harness adopts orphans where the OS lets it (os/unix/process.h)
 * and reaps them by pid; libuv waits only for the pids it spawned, so it
 * never takes these. Where it cannot adopt (macOS), an orphan's new parent
 * reaps it, and the harness, which killed it, only waits until it is gone. */
#include "os/orphans.h"
#include "os/unix/process.h"

#include <errno.h>
#include <signal.h>
#include <sys/wait.h>

int bm_orphans_adopt(void) {
  int err = bm_process_adopt_orphans();
  return err == 0 ? 0 : uv_translate_sys_error(err);
}

int bm_orphan_is_child_of(uv_pid_t pid, uv_pid_t parent) {
  struct bm_process p;
  return bm_process_read(pid, &p) == 0 && p.exists && p.parent == parent;
}

int bm_orphan_gone(uv_pid_t pid) {
  pid_t got;
  while ((got = waitpid(pid, NULL, WNOHANG)) < 0 && errno == EINTR)
    ;
  if (got == pid)
    return 1;
  /* Not (yet) a child of ours: its parent still runs, or reaped it. */
  return got < 0 && kill(pid, 0) < 0 && errno == ESRCH;
}
