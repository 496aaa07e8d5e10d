/* macOS: a process by pid from the sysctl kern.proc.pid (what ps(1)
 * reads). Orphans: macOS has no reaper to become; an orphan's parent
 * becomes launchd, which reaps it. The harness checks that the child is
 * the server's while the server runs, kills it by pid at the end of its
 * cell and waits until launchd has reaped it (bm_orphan_gone), but cannot
 * reap it itself. No parent-death signal either: a role ends at the end of
 * its input.
 *
 * Not run here: written to the macOS SDK's <sys/sysctl.h>. */
#include "os/process.h"
#include "os/unix/process.h"

#include <sys/param.h>
#include <sys/proc.h>
#include <sys/sysctl.h>

#include <errno.h>
#include <string.h>

int bm_process_read(uv_pid_t pid, struct bm_process *out) {
  int mib[4] = {CTL_KERN, KERN_PROC, KERN_PROC_PID, (int)pid};
  struct kinfo_proc kp;
  size_t len = sizeof kp;
  memset(out, 0, sizeof *out);
  if (sysctl(mib, 4, &kp, &len, NULL, 0) != 0)
    return errno == ESRCH ? 0 : errno;
  if (len < sizeof kp)
    return 0; /* no such process */
  out->exists = 1;
  out->zombie = kp.kp_proc.p_stat == SZOMB;
  out->parent = kp.kp_eproc.e_ppid;
  return 0;
}

int bm_process_adopt_orphans(void) { return 0; }

int bm_process_end_with_parent(int signum) {
  (void)signum;
  return 0;
}
