/* The planner: a selection (runner/selection.h) into the sequences a run
 * measures and the cells each gives. The one cross product of the matrix:
 * `bindmatrix plan` prints its cells, the pytest driver parametrizes from
 * that, and `bindmatrix matrix` measures exactly those.
 *
 * A sequence is one (scenario, protocol, listener endpoint, probe endpoint,
 * listener option, kind of sequence; inherit: close-on-exec flag and spawn
 * method) on a fresh port. Its cells are its probed states times its
 * probes (probe option, user). Endpoint pairs are every ordered pair of
 * endpoints (the pairs whose addresses cannot meet are the control: both
 * sockets must bind), as the selection leaves them. */
#ifndef BM_RUNNER_PLAN_H
#define BM_RUNNER_PLAN_H

#include "runner/cell.h"
#include "runner/selection.h"

#define BM_MAX_PROBES 64

struct bm_probe_spec {
  const struct bm_option *option;
  enum bm_user user;
};

struct bm_sequence_plan {
  const struct bm_scenario *scenario;
  const struct bm_sequence_kind *kind;
  enum bm_proto proto;
  const struct bm_endpoint_def *listener;
  const struct bm_endpoint_def *probe;
  const struct bm_option *listener_option;
  int cloexec; /* inherit */
  const struct bm_spawn_method *spawn;
  unsigned state_mask; /* bit i: probe after kind->steps[i] */
  struct bm_probe_spec probes[BM_MAX_PROBES];
  int probe_count;
};

struct bm_plan {
  struct bm_sequence_plan *sequences;
  int sequence_count;
  int cell_count;
};

/* Returns 0, or UV_ENOMEM (nothing to free then). */
int bm_plan_make(const struct bm_selection *selection, struct bm_plan *out);
void bm_plan_free(struct bm_plan *plan);

/* A sequence's cells: its probed states times its probes. */
int bm_plan_cell_count(const struct bm_sequence_plan *p);
int bm_plan_step_selected(const struct bm_sequence_plan *p, int step);

/* The key of the cell of `step` and `probe`. */
struct bm_cell_key bm_plan_cell_key(const struct bm_sequence_plan *p, int step,
                                    int probe);

/* The cells of a plan, keys filled in and pending, in plan order: each
 * sequence's cells together, state by state. free() it. */
struct bm_cell *bm_plan_cells(const struct bm_plan *plan);

#endif
