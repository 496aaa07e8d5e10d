/* What ends a command from outside, watched for the whole command: Ctrl-C,
 * SIGTERM and, for a driver that asked (--end-with-parent), the parent's
 * death. A run (runner/run.h) answers each by ending cleanly; the guard
 * covers the time between runs (--repeat) and after the last one, while
 * the result file is written or discarded and the role copy removed.
 * Without it a signal then would take its default action and kill the
 * harness half-way: libuv puts a signal back to its default action when a
 * run's last watcher of it closes, and the parent's death is told twice
 * (the end of the input, then SIGHUP). With it such a signal is only
 * remembered, and the next run does not start.
 *
 * The parent's death: a parent-death signal (SIGHUP) where the OS has one
 * (os/process.h), and, everywhere, the end of standard input when it is a
 * pipe (the driver holds its other end and never writes), read by a thread
 * of its own: libuv cannot open every OS's standard input as a pipe (not
 * Windows' under Wine), and a blocking read can. */
#ifndef BM_RUNNER_GUARD_H
#define BM_RUNNER_GUARD_H

#include <uv.h>

/* 0 or a libuv error. */
int bm_guard_start(int end_with_parent);

/* The signal that came since the guard started (SIGHUP for the end of the
 * input), or 0. */
int bm_guard_caught(void);

/* While attached, `async` is sent when the input ends (at once if it has
 * ended already). */
void bm_guard_attach(uv_async_t *async);
void bm_guard_detach(void);

#endif
