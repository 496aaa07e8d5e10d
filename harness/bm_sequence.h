/* One run of the state sequence on a fresh port: a server with the listener
 * option, a client, and after each selected state one probe process per probe
 * option. Every wait has a deadline; a missed one makes cells invalid with a
 * reason and ends the sequence, never hangs it. */
#ifndef BM_SEQUENCE_H
#define BM_SEQUENCE_H

#include "bm_cell.h"
#include "bm_child.h"

#include <uv.h>

#define BM_MAX_PROBE_OPTIONS 8

struct bm_sequence_config {
  enum bm_family family;
  enum bm_addr listener_addr;
  enum bm_addr probe_addr;
  const struct bm_option *listener_option;
  const struct bm_option *probe_options[BM_MAX_PROBE_OPTIONS];
  int probe_option_count;
  unsigned state_mask; /* bit i: probe after bm_steps[i] */
  int timeout_ms;
  const char *role_path; /* bm-role */
  int verbose;
};

struct bm_sequence;
typedef void (*bm_sequence_done_cb)(struct bm_sequence *seq);

struct bm_sequence {
  struct bm_sequence_config config;
  struct bm_cell *cells; /* selected states x probe options, caller's memory */
  int cell_count;
  void *data;
  bm_sequence_done_cb on_done;

  /* Private. */
  uv_loop_t *loop;
  struct bm_child roles[2]; /* indexed by enum bm_role_kind */
  struct bm_child probe;
  struct bm_child *waiting_on;
  uv_timer_t deadline;
  uv_timer_t poll;
  uint64_t witness_since;
  int step;
  int request;
  int probe_index;
  int port;      /* the server's, chosen by the OS */
  int peer_port; /* the client's, once it has connected */
  int finishing;
  int open_timers;
};

/* The number of cells a config produces. */
int bm_sequence_cell_count(const struct bm_sequence_config *config);

/* Starts the sequence; on_done fires once everything it started has ended. */
void bm_sequence_start(uv_loop_t *loop, struct bm_sequence *seq);

/* For a sequence that will not run: its cells, all invalid with `why`. */
void bm_sequence_settle_unstarted(struct bm_sequence *seq, const char *why);

/* Ends it now (Ctrl-C): its remaining cells become invalid, roles killed. */
void bm_sequence_abort(struct bm_sequence *seq, const char *why);

#endif
