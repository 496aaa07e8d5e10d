/* The selection and the planner: what a filter selects, how many cells a
 * plan has, and the test ids that name them. The flags and the filter are
 * one language: family=ipv4 is every pair of IPv4 endpoints, option=A,B
 * every pair of those options, wherever they are written. */
#include "output/json.h"
#include "runner/plan.h"
#include "tap.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static int cells_of(const char *filter, char *why, size_t size) {
  struct bm_selection s;
  struct bm_plan plan;
  bm_selection_all(&s);
  if (bm_selection_filter(&s, filter, why, size) != 0)
    return -1;
  if (bm_plan_make(&s, &plan) != 0)
    return -2;
  int cells = plan.cell_count;
  bm_plan_free(&plan);
  return cells;
}

static void test_counts(void) {
  static const struct {
    const char *filter;
    int cells;
  } cases[] = {
      /* 4 address pairs x 1 option pair x 1 user x 1 state */
      {"scenario=bind proto=tcp family=ipv4 option=default probe_user=same "
       "state=TIME_WAIT",
       4},
      /* 1 pair x 2x2 option pairs */
      {"scenario=bind proto=tcp address=0.0.0.0/0.0.0.0 "
       "option=default,SO_REUSEADDR probe_user=same state=TIME_WAIT",
       4},
      {"scenario=bind proto=tcp address=0.0.0.0/0.0.0.0 "
       "option=default,SO_REUSEADDR same_option=true probe_user=same "
       "state=TIME_WAIT",
       2},
      /* UDP has one state; LISTEN is not one of its */
      {"scenario=bind proto=udp address=0.0.0.0/0.0.0.0 option=default", 2},
      {"scenario=bind proto=udp state=LISTEN", 0},
      /* a hijack is a second listener over a live socket: BOUND, LISTEN */
      {"scenario=hijack address=0.0.0.0/0.0.0.0 option=default "
       "probe_user=same",
       2},
      {"scenario=hijack state=TIME_WAIT", 0},
      /* inherit: one state per flag and method, by the model */
      {"scenario=inherit address=0.0.0.0/0.0.0.0 option=default "
       "probe_user=same",
       10},
      {"scenario=inherit address=0.0.0.0/0.0.0.0 option=default "
       "probe_user=same state=CLOSED",
       6},
      /* every ordered pair of the 7 endpoints */
      {"scenario=bind proto=udp option=default probe_user=same", 49},
      /* contradictions select nothing */
      {"state=LISTEN state=TIME_WAIT", 0},
      {"same_option=true same_option=false", 0},
  };
  for (size_t i = 0; i < COUNT(cases); i++) {
    char why[256] = "";
    tap_check_int(cases[i].filter, cells_of(cases[i].filter, why, sizeof why),
                  cases[i].cells);
  }
  char why[256];
  struct bm_selection s;
  struct bm_plan plan;
  bm_selection_all(&s);
  bm_selection_filter(&s, bm_blog_filter, why, sizeof why);
  bm_plan_make(&s, &plan);
  tap_check_int("the blog's matrix is 2 x 4 x 5 cells", plan.cell_count, 40);
  bm_plan_free(&plan);
}

static void test_bad_filters(void) {
  static const struct {
    const char *filter, *why;
  } cases[] = {
      {"colour=blue",
       "unknown filter field 'colour' (known: scenario, proto, family, "
       "address, listener_endpoint, probe_endpoint, option, "
       "listener_option, probe_option, probe_user, state, cloexec, spawn, "
       "same_option)"},
      {"state=BOGUS",
       "unknown state 'BOGUS' (known: BOUND, LISTEN, ESTABLISHED, "
       "ESTABLISHED_NO_LISTENER, FIN_WAIT_2, TIME_WAIT, CLOSE_WAIT, "
       "LAST_ACK, CLOSED, EXITED)"},
      {"address=0.0.0.0", "unknown address '0.0.0.0' (known: LISTENER/PROBE, "
                          "two endpoints)"},
      {"state", "filter term 'state' is not FIELD=VALUE"},
      {"state=", "filter term 'state=' names no value"},
  };
  for (size_t i = 0; i < COUNT(cases); i++) {
    char why[512] = "";
    tap_check_int(cases[i].filter, cells_of(cases[i].filter, why, sizeof why),
                  -1);
    tap_check_str(cases[i].filter, why, cases[i].why);
  }
}

/* Ids read like the table. */
static void test_cell_ids(void) {
  static const struct {
    const char *filter, *first_id;
  } cases[] = {
      {"scenario=bind proto=tcp address=0.0.0.0/0.0.0.0 option=SO_REUSEADDR "
       "probe_user=same state=TIME_WAIT",
       "tcp-ipv4-SO_REUSEADDR-TIME_WAIT"},
      {"scenario=bind proto=tcp address=0.0.0.0/0.0.0.0 "
       "listener_option=default "
       "probe_option=SO_REUSEADDR probe_user=other state=LISTEN",
       "tcp-ipv4-default/SO_REUSEADDR-LISTEN-other-user"},
      {"scenario=hijack address=[::]dual/127.0.0.1 option=SO_REUSEPORT "
       "probe_user=same state=LISTEN",
       "hijack-tcp-dualstack-SO_REUSEPORT-LISTEN-[::]dual/127.0.0.1"},
      {"scenario=inherit address=0.0.0.0/0.0.0.0 option=default "
       "probe_user=same cloexec=false spawn=uv_spawn",
       "inherit-tcp-ipv4-uv_spawn-no-cloexec-default"},
  };
  for (size_t i = 0; i < COUNT(cases); i++) {
    struct bm_selection s;
    struct bm_plan plan;
    char why[256], id[256] = "";
    bm_selection_all(&s);
    bm_selection_filter(&s, cases[i].filter, why, sizeof why);
    bm_plan_make(&s, &plan);
    if (plan.sequence_count > 0) {
      const struct bm_sequence_plan *p = &plan.sequences[0];
      int step = 0;
      while (!bm_plan_step_selected(p, step))
        step++;
      struct bm_cell_key key = bm_plan_cell_key(p, step, 0);
      bm_cell_id(&key, id, sizeof id);
    }
    tap_check_str(cases[i].filter, id, cases[i].first_id);
    bm_plan_free(&plan);
  }
}

int main(void) {
  test_counts();
  test_bad_filters();
  test_cell_ids();
  return tap_done();
}
