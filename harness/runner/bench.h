/* The speed benchmark: the plan with role workers, with a fresh process
 * for every role, and an in-process loop that makes the same sockets,
 * states and binds without any other process, side by side in one run, so
 * that what the processes cost is visible. */
#ifndef BM_RUNNER_BENCH_H
#define BM_RUNNER_BENCH_H

#include "runner/run.h"

/* Prints cells per second and ms per witnessed cell for each way; returns
 * an exit status. */
int bm_bench_run(const struct bm_plan *plan, const struct bm_run_options *o,
                 int rounds);

#endif
