/* What the Unix halves ask the OS about a process by pid, and what they ask
 * of it for themselves. Per-OS: os/linux/process.c (/proc, prctl),
 * os/freebsd/process.c (sysctl kern.proc.pid, procctl), os/darwin/process.c
 * (sysctl kern.proc.pid; macOS has no reaper to become). */
#ifndef BM_OS_UNIX_PROCESS_H
#define BM_OS_UNIX_PROCESS_H

#include <uv.h>

struct bm_process {
  int exists;      /* 0: no such process (ended and reaped, or never was) */
  int zombie;      /* ended, not reaped yet: its descriptors are closed */
  uv_pid_t parent; /* with exists */
};

/* Returns 0 or an OS error number. */
int bm_process_read(uv_pid_t pid, struct bm_process *out);

/* Makes this process the parent of its descendants' orphans, so that it can
 * reap them. Returns 0 or an OS error number; 0 too where the OS has no
 * such thing (macOS: orphans go to launchd, which reaps them). */
int bm_process_adopt_orphans(void);

#endif
