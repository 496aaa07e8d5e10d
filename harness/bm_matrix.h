/* The whole matrix: one sequence per (scenario, protocol, address pair,
 * listener option, sequence kind; inherit: close-on-exec flag and spawn
 * method), run several at a time (each has its own port, so they are
 * independent), stopped cleanly by Ctrl-C or SIGTERM with every role and
 * every child a role left behind killed and reaped. */
#ifndef BM_MATRIX_H
#define BM_MATRIX_H

#include "bm_cell.h"
#include "bm_sequence.h"

#define BM_MAX_LIST 64

struct bm_address_pair {
  struct bm_endpoint listener;
  struct bm_endpoint probe;
};

struct bm_matrix_config {
  enum bm_scenario scenarios[BM_SCENARIO_COUNT];
  int scenario_count;
  enum bm_proto protos[2];
  int proto_count;
  struct bm_address_pair addresses[BM_MAX_LIST];
  int address_count;
  const struct bm_option *options[BM_MAX_LIST]; /* listener options */
  int option_count;
  /* Probe options; none: each listener option probes with itself, as a
   * restarted server would. */
  const struct bm_option *probe_options[BM_MAX_LIST];
  int probe_option_count;
  int users[2]; /* 0: the harness's own user, 1: another */
  int user_count;
  const char *states[BM_MAX_LIST];
  int state_count;
  /* Inherit: the listener's close-on-exec flag (1, 0) and how the server
   * starts its child. */
  int cloexecs[2];
  int cloexec_count;
  const struct bm_spawn_method *spawns[BM_MAX_LIST];
  int spawn_count;
  int jobs;
  int timeout_ms;
  int verbose;
};

/* The blog's matrix: bind, TCP, 0.0.0.0 and [::], the four base options,
 * each probing with itself, as the same user, in the active-close states.
 * For the inherit scenario: both flags, every spawn method, and CLOSED. */
void bm_matrix_default_config(struct bm_matrix_config *config);

/* The sequences of a run, in the order of their cells: fills `out` (when not
 * NULL) and returns how many there are. Paths, users and callbacks are the
 * caller's to fill in. */
int bm_matrix_plan(const struct bm_matrix_config *config,
                   struct bm_sequence_config *out);

struct bm_matrix_result {
  struct bm_cell *cells; /* free() it */
  int cell_count;
  int interrupted_by; /* 0, or the signal that stopped the run */
};

/* Returns 0 or a libuv error (the loop could not be set up). */
int bm_matrix_run(const struct bm_matrix_config *config,
                  struct bm_matrix_result *result);

#endif
