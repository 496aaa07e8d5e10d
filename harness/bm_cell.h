/* One cell of the matrix: the declared conditions, and what was measured. */
#ifndef BM_CELL_H
#define BM_CELL_H

#include "bm_holder.h"
#include "bm_options.h"
#include "bm_sock.h"
#include "bm_spawn.h"

#include <stdio.h>

#define BM_NO_OS_ERROR (-1)

enum bm_scenario { BM_SCENARIO_BIND, BM_SCENARIO_HIJACK, BM_SCENARIO_INHERIT };
#define BM_SCENARIO_COUNT 3

/* "bind", "hijack", "inherit": as in cells and on the command line. */
const char *bm_scenario_name(enum bm_scenario scenario);

struct bm_cell {
  enum bm_scenario scenario;
  enum bm_proto proto;
  struct bm_endpoint listener; /* port not recorded: it changes every run */
  struct bm_endpoint probe;
  const struct bm_option *listener_option;
  const struct bm_option *probe_option;
  int probe_other_user;
  const char *state;  /* declared */
  char witnessed[64]; /* "" when the state was never read */
  char outcome[48];   /* "ok", an error name, "unsupported" or "invalid" */
  int os_error;       /* BM_NO_OS_ERROR when there is none */
  char reason[320];   /* why a cell is invalid or unsupported, else "" */
  /* Hijack cells: the second listener's listen(), and which listener the
   * new connections reached ("first", "second", "both", "none"). */
  char listen_outcome[48];
  char reached[16];
  int connections;
  /* Inherit cells: the listener's close-on-exec flag, how the server
   * started its child, and whether the child, once the server had exited,
   * held the listener and the server's loop descriptor (1, 0 or
   * BM_HOLDS_UNKNOWN). */
  int cloexec;
  const struct bm_spawn_method *spawn;
  int child_holds_listener;
  int child_holds_loop;
};

/* "ok" or the portable name of an OS error number, e.g. 98, 48 and WSA 10048
 * all give "EADDRINUSE" (libuv's uv_translate_sys_error and uv_err_name_r). */
void bm_error_name(int os_error, char *buf, size_t size);

/* Result-file JSON (DESIGN.md's contract) for `count` cells. */
void bm_cells_write_json(FILE *out, const struct bm_cell *cells, int count);

#endif
