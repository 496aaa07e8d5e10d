/* FreeBSD: a process by pid from the sysctl kern.proc.pid (what ps(1)
 * reads); orphans adopted with procctl(2) PROC_REAP_ACQUIRE (FreeBSD 10.2
 * and later), as a Linux child subreaper does; a parent-death signal with
 * PROC_PDEATHSIG_CTL (11.2 and later).
 *
 * Not run here: written to FreeBSD's <sys/user.h> and <sys/procctl.h>,
 * compiled only on FreeBSD. */
#include "os/process.h"
#include "os/unix/process.h"

/* clang-format off */
#include <sys/param.h>
#include <sys/proc.h>
#include <sys/procctl.h>
#include <sys/sysctl.h>
#include <sys/user.h>
/* clang-format on */

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

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
  out->zombie = kp.ki_stat == SZOMB;
  out->parent = kp.ki_ppid;
  return 0;
}

int bm_process_adopt_orphans(void) {
  if (procctl(P_PID, getpid(), PROC_REAP_ACQUIRE, NULL) == 0)
    return 0;
  return errno == EBUSY ? 0 : errno; /* EBUSY: a reaper already */
}

int bm_process_end_with_parent(int signum) {
  return procctl(P_PID, 0, PROC_PDEATHSIG_CTL, &signum) == 0;
}
