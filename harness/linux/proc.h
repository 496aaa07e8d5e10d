/* /proc/PID/stat, for the Linux halves that ask about a process by pid
 * (holder.c, orphans.c). */
#ifndef BM_LINUX_PROC_H
#define BM_LINUX_PROC_H

#include <uv.h>

/* The process's state letter ('R', 'S', 'Z', ...; '\0' when there is no
 * such process) and its parent's pid. Returns 0 or an OS error number. */
int bm_proc_stat(uv_pid_t pid, char *state, uv_pid_t *parent);

#endif
