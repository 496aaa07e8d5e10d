/* The children a role leaves behind when it exits: the inherit server's
 * child lives on after its parent, by design. The harness adopts such
 * orphans where the OS lets it, so that it can kill them by pid, reap them
 * and know they are gone. It kills only a pid it has checked is the role's
 * child while the role still ran, and an orphan nobody has reaped keeps its
 * pid, so a kill cannot reach an unrelated process that took the number
 * meanwhile. Per-OS: os/unix/orphans.c (a child subreaper on Linux, a reaper
 * on FreeBSD; on macOS launchd reaps them, see os/darwin/process.c);
 * os/windows/orphans.c (Windows has nothing to adopt or reap). */
#ifndef BM_OS_ORPHANS_H
#define BM_OS_ORPHANS_H

#include <uv.h>

/* Makes this process the reaper of its descendants' orphans. Returns 0 or
 * a libuv error. */
int bm_orphans_adopt(void);

/* 1 when `pid` is a child of `parent`; else 0. */
int bm_orphan_is_child_of(uv_pid_t pid, uv_pid_t parent);

/* 1 once `pid` (killed) has ended and been reaped here, or ended and been
 * reaped by its own parent before it was orphaned; else 0. */
int bm_orphan_gone(uv_pid_t pid);

#endif
