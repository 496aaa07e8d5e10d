/* A run: the plan's sequences, several at a time (each has its own port, so
 * they are independent), over one pool of role workers; stopped cleanly by
 * Ctrl-C or SIGTERM (and, when asked, by its parent's death: SIGHUP) with
 * every role and every child a role left behind killed and reaped; a
 * progress line on stderr while it lasts. */
#ifndef BM_RUNNER_RUN_H
#define BM_RUNNER_RUN_H

#include "runner/plan.h"

struct bm_run_options {
  int jobs;
  int timeout_ms;
  int start_timeout_ms; /* a role's first answer: its program's start */
  int verbose;
  int fresh;    /* a process for every role of every cell */
  int progress; /* 1: a line on stderr, 0: none */
  /* End (as on SIGTERM) when the parent dies: a parent-death signal
   * (SIGHUP) where the OS has one, and the end of standard input where it
   * is a pipe (the driver holds its other end). */
  int end_with_parent;
};

/* What a result file says about how it was measured. */
struct bm_run_stats {
  int retries;        /* sequences run a second time */
  int role_processes; /* role processes started */
  int role_uses;      /* roles played by them */
  double seconds;
};

struct bm_run_result {
  struct bm_cell *cells; /* free() it */
  int cell_count;
  int interrupted_by; /* 0, or the signal that stopped the run */
  struct bm_run_stats stats;
};

void bm_run_default_options(struct bm_run_options *o);

/* Returns 0 or a libuv error (the run could not be set up). A run after
 * the guard (runner/guard.h) caught a signal does not start:
 * interrupted_by says which. */
int bm_run(const struct bm_plan *plan, const struct bm_run_options *o,
           struct bm_run_result *result);

/* What stopped a run, for a message: "interrupted (SIGINT)", ... */
const char *bm_run_interruption(int signum);

#endif
