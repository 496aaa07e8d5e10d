/* One progress line on stderr while a run lasts: cells done, cells per
 * second, time left. Rewritten in place on a terminal; otherwise a plain
 * line every few seconds, so that a long run under Wine is never silent
 * in a log. */
#ifndef BM_RUNNER_PROGRESS_H
#define BM_RUNNER_PROGRESS_H

#include <uv.h>

struct bm_progress {
  uv_timer_t timer;
  int enabled;
  int terminal;
  int total, done;
  uint64_t started;
  int shown; /* a line is on the terminal */
};

void bm_progress_init(struct bm_progress *p, uv_loop_t *loop, int total,
                      int enabled);
void bm_progress_add(struct bm_progress *p, int cells);
/* The last line, and the timer closed. */
void bm_progress_stop(struct bm_progress *p);

#endif
