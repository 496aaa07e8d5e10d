/* What a process of the harness asks of the OS for itself. Per-OS:
 * os/<os>/process.c. */
#ifndef BM_OS_PROCESS_H
#define BM_OS_PROCESS_H

/* Sends this process `signum` when its parent dies, where the OS offers
 * that (Linux PR_SET_PDEATHSIG, FreeBSD PROC_PDEATHSIG_CTL): a role
 * (SIGKILL) or a harness (SIGHUP, which it handles as SIGTERM) whose
 * parent was killed outright goes within a moment instead of running on.
 * Elsewhere a role still ends at the end of its input, and a harness at
 * the end of its input when its driver asked for that. Returns 1 when
 * armed, 0 where the OS has no such thing. */
int bm_process_end_with_parent(int signum);

#endif
