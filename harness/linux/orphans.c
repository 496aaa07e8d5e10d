/* Linux: the harness is a child subreaper (prctl(2)), so a role's child
 * whose parent exits becomes the harness's child, not init's. libuv waits
 * only for the pids it spawned, so it never takes these; they are reaped
 * here, by pid. The attribute is not inherited: the roles are not
 * subreapers, and their orphans come up to the harness. */
#include "../bm_orphans.h"
#include "proc.h"

#include <errno.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

int bm_orphans_adopt(void) {
  return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
             ? 0
             : uv_translate_sys_error(errno);
}

int bm_orphan_is_child_of(uv_pid_t pid, uv_pid_t parent) {
  char state;
  uv_pid_t its_parent;
  if (bm_proc_stat(pid, &state, &its_parent) != 0 || state == '\0')
    return 0;
  return its_parent == parent || its_parent == getpid();
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
