/* The speed benchmark: the matrix with a process per role, beside an
 * in-process loop that makes the same sockets, states and binds without
 * spawning anything, so the cost of the processes is visible. */
#ifndef BM_BENCH_H
#define BM_BENCH_H

#include "bm_matrix.h"

/* Prints cells per second and ms per cell for both; returns an exit status. */
int bm_bench_run(const struct bm_matrix_config *config, int rounds);

#endif
