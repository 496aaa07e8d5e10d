#include "runner/progress.h"

#include <stdio.h>
#include <string.h>

#define TERMINAL_MS 250
#define LOG_MS 5000

static void show(struct bm_progress *p, int last) {
  double seconds = (double)(uv_hrtime() - p->started) / 1e9;
  double rate = seconds > 0 ? p->done / seconds : 0;
  double left = rate > 0 ? (p->total - p->done) / rate : 0;
  char line[160];
  snprintf(line, sizeof line,
           "bindmatrix: %d of %d cells, %.0f cells/s, %s%.0f s", p->done,
           p->total, rate, last ? "took " : "about ", last ? seconds : left);
  if (!last)
    snprintf(line + strlen(line), sizeof line - strlen(line), " left");
  if (p->terminal)
    fprintf(stderr, "\r%s\033[K%s", line, last ? "\n" : "");
  else
    fprintf(stderr, "%s\n", line);
  fflush(stderr);
  p->shown = !last;
}

static void on_tick(uv_timer_t *timer) { show(timer->data, 0); }

void bm_progress_init(struct bm_progress *p, uv_loop_t *loop, int total,
                      int enabled) {
  p->enabled = enabled;
  p->terminal = uv_guess_handle(2) == UV_TTY;
  p->total = total;
  p->done = 0;
  p->shown = 0;
  p->started = uv_hrtime();
  uv_timer_init(loop, &p->timer);
  p->timer.data = p;
  if (enabled) {
    uint64_t every = p->terminal ? TERMINAL_MS : LOG_MS;
    uv_timer_start(&p->timer, on_tick, every, every);
  }
  uv_unref((uv_handle_t *)&p->timer); /* it never keeps a run alive */
}

void bm_progress_add(struct bm_progress *p, int cells) { p->done += cells; }

void bm_progress_stop(struct bm_progress *p) {
  if (uv_is_closing((uv_handle_t *)&p->timer))
    return;
  if (p->enabled && p->shown)
    show(p, 1);
  uv_close((uv_handle_t *)&p->timer, NULL);
}
