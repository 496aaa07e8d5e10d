/* FreeBSD and macOS: a process by pid from the sysctl kern.proc.pid (what
 * ps(1) reads; the two kernels' struct kinfo_proc differ in layout, not in
 * use). Orphans: FreeBSD 10.2 and later adopt them with procctl(2)
 * PROC_REAP_ACQUIRE, as a Linux child subreaper does. macOS has no such
 * thing: an orphan's parent becomes launchd, which reaps it; the harness
 * checks that the child is the server's while the server runs, kills it by
 * pid at the end of its cell and waits until launchd has reaped it
 * (bm_orphan_gone), but cannot reap it itself.
 *
 * Not run here: written to FreeBSD's <sys/user.h>, <sys/procctl.h> and the
 * macOS SDK's <sys/sysctl.h>, compiled only on those systems. */
#include "../unix/process.h"

#include <sys/param.h>
#include <sys/proc.h>
#include <sys/sysctl.h>
#ifdef __APPLE__
#define KP_STATE(kp) ((kp).kp_proc.p_stat)
#define KP_PARENT(kp) ((kp).kp_eproc.e_ppid)
#else
#include <sys/procctl.h>
#include <sys/user.h>
#define KP_STATE(kp) ((kp).ki_stat)
#define KP_PARENT(kp) ((kp).ki_ppid)
#endif

#include <errno.h>
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
  out->zombie = KP_STATE(kp) == SZOMB;
  out->parent = KP_PARENT(kp);
  return 0;
}

int bm_process_adopt_orphans(void) {
#ifdef __APPLE__
  return 0;
#else
  if (procctl(P_PID, getpid(), PROC_REAP_ACQUIRE, NULL) == 0)
    return 0;
  return errno == EBUSY ? 0 : errno; /* EBUSY: a reaper already */
#endif
}
