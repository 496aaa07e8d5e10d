/* One run of a state sequence on a fresh port: a server with the listener
 * option, a client, and after each selected state one probe process per
 * probe (option and user): a bind, or for a hijack a second listener. For
 * an inherit cell the server starts a child and exits; the port's state
 * and what the child holds are read before the probes, and the child is
 * killed and reaped at the end, whatever happened.
 * Every wait has a deadline; a missed one makes cells invalid with a reason
 * and ends the sequence, never hangs it. */
#ifndef BM_SEQUENCE_H
#define BM_SEQUENCE_H

#include "bm_cell.h"
#include "bm_child.h"
#include "bm_holder.h"
#include "bm_ports.h"
#include "bm_roles.h"
#include "bm_steps.h"
#include "bm_user.h"

#include <uv.h>

#define BM_MAX_PROBES 32
#define BM_HIJACK_CONNECTIONS 32

struct bm_probe_spec {
  const struct bm_option *option;
  int other_user;
  /* What the harness got setting the option on a socket of its own; when
   * it failed, a probe process would only find the same, so none starts. */
  struct bm_status option_check;
};

struct bm_sequence_config {
  const struct bm_sequence_kind *kind;
  enum bm_scenario scenario;
  struct bm_endpoint listener;
  struct bm_endpoint probe;
  const struct bm_option *listener_option;
  struct bm_probe_spec probes[BM_MAX_PROBES];
  int probe_count;
  unsigned state_mask; /* bit i: probe after kind->steps[i] */
  /* Inherit: the listener's close-on-exec flag, and how the server starts
   * the child that may keep it. */
  int cloexec;
  const struct bm_spawn_method *spawn;
  int timeout_ms;
  const char *role_path; /* bm-role */
  const struct bm_other_user *other_user;
  struct bm_ports *ports; /* shared by the run's sequences */
  int verbose;
};

struct bm_sequence;
typedef void (*bm_sequence_done_cb)(struct bm_sequence *seq);

struct bm_sequence {
  struct bm_sequence_config config;
  struct bm_cell *cells; /* selected states x probes, caller's memory */
  int cell_count;
  void *data;
  bm_sequence_done_cb on_done;

  /* Private. */
  uv_loop_t *loop;
  /* server, client (enum bm_role_kind), probe, connector (hijack: the new
   * connections). */
  struct bm_child children[4];
  struct bm_child *waiting_on;
  uv_timer_t deadline;
  uv_timer_t poll;
  uint64_t witness_since;
  uint64_t poll_ms; /* the witness's next wait, growing while it waits */
  int step;
  int request;
  int probe_index;
  int hijack_phase;
  int first_count;
  int port;      /* the server's, chosen by the OS */
  int peer_port; /* the client's, once it has connected */
  int finishing;
  int open_timers;
  /* Inherit: the child the server leaves behind (pid 0 until the server
   * names it, and again once it is reaped), and the write end of the pipe
   * that is the child's input (-1: closed), so that the child ends with
   * the harness however the harness ends. */
  struct bm_holder_query child;
  uv_file hold_pipe;
  int awaiting_exit; /* the server has answered; now it must exit */
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
