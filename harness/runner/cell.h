/* One cell of the matrix: its key (the declared conditions) and what was
 * measured. */
#ifndef BM_RUNNER_CELL_H
#define BM_RUNNER_CELL_H

#include "os/sockinfo.h"
#include "vocab/endpoints.h"
#include "vocab/error.h"
#include "vocab/names.h"
#include "vocab/options.h"
#include "vocab/scenarios.h"
#include "vocab/spawns.h"
#include "vocab/states.h"

/* What became of a cell. Only a measured cell has an outcome: "unsupported"
 * and "invalid" say why there is none. */
enum bm_cell_status {
  BM_CELL_PENDING,
  BM_CELL_MEASURED,
  BM_CELL_UNSUPPORTED, /* the OS or these privileges cannot give it */
  BM_CELL_INVALID,     /* the harness could not measure it */
};

#define BM_HOLDS_UNKNOWN (-1)

struct bm_cell_key {
  const struct bm_scenario *scenario;
  enum bm_proto proto;
  const struct bm_endpoint_def *listener;
  const struct bm_endpoint_def *probe;
  const struct bm_option *listener_option;
  const struct bm_option *probe_option;
  enum bm_user user;
  const struct bm_state *state; /* declared */
  /* Inherit cells: the listener's close-on-exec flag, how the server
   * started its child. */
  int cloexec;
  const struct bm_spawn_method *spawn;
};

struct bm_cell {
  struct bm_cell_key key;
  enum bm_cell_status status;
  struct bm_error outcome;          /* measured: what the probe's bind() gave */
  char witnessed[64];               /* "" when the state was never read */
  enum bm_sock_kind witnessed_kind; /* of the connection, where the OS says */
  char reason[320];                 /* why a cell is unsupported or invalid */
  /* Hijack cells: the second listener's listen() (when its bind worked),
   * and which listener new connections reached ("first", "second",
   * "both", "none"). */
  int listened;
  struct bm_error listen_outcome;
  char reached[16];
  int connections;
  /* Inherit cells: whether the child, once the server had exited, held the
   * listener and the server's loop descriptor (1, 0 or BM_HOLDS_UNKNOWN). */
  int child_holds_listener;
  int child_holds_loop;
  /* A runtime's listener: what its socket carried, read from outside
   * (os/sockinfo.h); family 0 when the OS did not say. */
  struct bm_sockinfo listener_socket;
};

#endif
