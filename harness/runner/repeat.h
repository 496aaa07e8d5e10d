/* --repeat N: the plan measured N times back to back, and what each cell
 * gave each time, so that a cell whose outcome depends on something the
 * harness does not choose (a race in the OS) shows it instead of showing
 * whichever answer it met once. */
#ifndef BM_RUNNER_REPEAT_H
#define BM_RUNNER_REPEAT_H

#include "runner/run.h"

/* One distinct result of a cell, and how many of the runs gave it. */
struct bm_variant {
  enum bm_cell_status status;
  int outcome; /* with BM_CELL_MEASURED: the error code, 0 for ok */
  char reached[16];
  enum bm_sock_kind kind;
  int count;
};

/* What one cell gave over the runs, in the order first seen. */
struct bm_tally {
  struct bm_variant *variants;
  int count;
};

/* Whether the cell's outcome (status, error, hijack's reached) differed
 * between runs; variants that differ only in the witnessed kind do not
 * count. */
int bm_tally_varied(const struct bm_tally *t);

/* Runs the plan `repeat` times. `result` holds the first run's cells, and
 * the stats of all runs added up; with repeat > 1, *tallies (free it with
 * bm_tallies_free) what each cell gave, else NULL. Stops at the first run
 * that fails or is interrupted. Returns 0 or a libuv error. */
int bm_run_repeat(const struct bm_plan *plan, const struct bm_run_options *o,
                  int repeat, struct bm_run_result *result,
                  struct bm_tally **tallies);

void bm_tallies_free(struct bm_tally *tallies, int count);

#endif
