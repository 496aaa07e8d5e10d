/* The whole matrix: one sequence per (family, listener option), run several
 * at a time (each has its own port, so they are independent), stopped
 * cleanly by Ctrl-C or SIGTERM with every role killed and reaped. */
#ifndef BM_MATRIX_H
#define BM_MATRIX_H

#include "bm_cell.h"
#include "bm_sequence.h"

#define BM_MAX_OPTIONS 16

struct bm_matrix_config {
  enum bm_family families[2];
  int family_count;
  const struct bm_option *options[BM_MAX_OPTIONS]; /* listener options */
  int option_count;
  /* Probe options; none: each listener option probes with itself, as a
   * restarted server would. */
  const struct bm_option *probe_options[BM_MAX_PROBE_OPTIONS];
  int probe_option_count;
  unsigned state_mask;
  int jobs;
  int timeout_ms;
  int verbose;
};

struct bm_matrix_result {
  struct bm_cell *cells; /* free() it */
  int cell_count;
  int interrupted_by; /* 0, or the signal that stopped the run */
};

/* Returns 0 or a libuv error (the loop could not be set up). */
int bm_matrix_run(const struct bm_matrix_config *config,
                  struct bm_matrix_result *result);

#endif
