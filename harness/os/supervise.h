/* Stopping a server the way a supervisor does (systemd, Docker, a CI
 * step): a polite request first, then the end after a grace period, sent
 * to its whole process tree. Per-OS: os/unix/supervise.c (a session and
 * process group of its own, SIGTERM then SIGKILL to the group),
 * os/windows/supervise.c (TerminateProcess: see there why no Ctrl-Break). */
#ifndef BM_OS_SUPERVISE_H
#define BM_OS_SUPERVISE_H

#include "vocab/error.h"

#include <uv.h>

/* The uv_spawn flags that give the server a process group of its own. */
unsigned bm_supervise_spawn_flags(void);

/* The polite stop (hard 0) or the end (hard 1), to the server's group. */
struct bm_error bm_supervise_stop(uv_process_t *server, int hard);

/* What bm_supervise_stop sends: "SIGTERM", "SIGKILL", "TerminateProcess". */
const char *bm_supervise_stop_name(int hard);

#endif
