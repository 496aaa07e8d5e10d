/* bindmatrix: runs the bind() matrix on this machine and prints the result
 * file (DESIGN.md's JSON contract). Needs nothing but this build.
 *
 *   bindmatrix matrix [SELECTION] [--jobs N] [--timeout-ms N]
 *                     [--start-timeout-ms N] [--out FILE] [--repeat N]
 *                     [--fresh] [--quiet] [--verbose] [--end-with-parent]
 *   bindmatrix plan   [SELECTION]      the cells a run measures, a line each
 *   bindmatrix bench  [SELECTION] [--rounds N] [--jobs N]
 *   bindmatrix list   [--json]         every name it knows
 *   bindmatrix check  [flags] -- CMD   a user's own server (runner/check.h)
 *
 * SELECTION: --filter EXPR (FIELD=VALUE[,VALUE] terms, see
 * runner/selection.h) and the list flags that are terms too: --scenarios,
 * --protos, --families, --addresses, --listener-endpoints,
 * --probe-endpoints, --options (both sides), --listener-options,
 * --probe-options, --users, --states, --cloexec, --spawns. Without any:
 * the blog's matrix (bm_blog_filter).
 * --repeat N measures every cell N times and marks those whose outcome
 * varied (runner/repeat.h). --end-with-parent, for a driver that starts
 * the harness: it ends, as on SIGTERM, when its parent dies (a
 * parent-death signal where the OS has one) or when its standard input,
 * a pipe, ends; without it, a run started in the background from a shell
 * that exits goes on.
 * Exit status: 0 done; 1 the harness could not run; 2 a usage error;
 * 3 done, but some cells are invalid (the result file says why);
 * 128+N interrupted by signal N (every role ended, nothing written). */
#include "os/process.h"
#include "output/json.h"
#include "output/outfile.h"
#include "runner/bench.h"
#include "runner/check.h"
#include "runner/guard.h"
#include "runner/repeat.h"
#include "runner/run.h"

#include <signal.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

struct command_line {
  struct bm_selection selection;
  struct bm_run_options run;
  const char *out_path;
  int rounds;
  int repeat;
  int json;
};

static int usage_error(const char *message) {
  fprintf(stderr, "bindmatrix: %s\n", message);
  return 2;
}

/* The list flags: each is the filter term of its field. */
static const struct {
  const char *flag, *field;
} list_flags[] = {
    {"--scenarios", "scenario"},
    {"--protos", "proto"},
    {"--families", "family"},
    {"--addresses", "address"},
    {"--listener-endpoints", "listener_endpoint"},
    {"--probe-endpoints", "probe_endpoint"},
    {"--options", "option"},
    {"--listener-options", "listener_option"},
    {"--probe-options", "probe_option"},
    {"--users", "probe_user"},
    {"--states", "state"},
    {"--cloexec", "cloexec"},
    {"--spawns", "spawn"},
};

static int parse_count(const char *text, int max, int *out) {
  char *end;
  long value = strtol(text, &end, 10);
  if (*text == '\0' || *end != '\0' || value < 1 || value > max) {
    fprintf(stderr, "bindmatrix: not a number from 1 to %d: '%s'\n", max, text);
    return 2;
  }
  *out = (int)value;
  return 0;
}

static int parse_flag(struct command_line *c, const char *flag,
                      const char *value) {
  char why[2048];
  for (size_t i = 0; i < sizeof list_flags / sizeof list_flags[0]; i++)
    if (strcmp(flag, list_flags[i].flag) == 0)
      return bm_selection_term(&c->selection, list_flags[i].field, value, why,
                               sizeof why) == 0
                 ? 0
                 : usage_error(why);
  if (strcmp(flag, "--filter") == 0)
    return bm_selection_filter(&c->selection, value, why, sizeof why) == 0
               ? 0
               : usage_error(why);
  if (strcmp(flag, "--jobs") == 0)
    return parse_count(value, 256, &c->run.jobs);
  if (strcmp(flag, "--timeout-ms") == 0)
    return parse_count(value, 600000, &c->run.timeout_ms);
  if (strcmp(flag, "--start-timeout-ms") == 0)
    return parse_count(value, 600000, &c->run.start_timeout_ms);
  if (strcmp(flag, "--rounds") == 0)
    return parse_count(value, 100000, &c->rounds);
  if (strcmp(flag, "--repeat") == 0)
    return parse_count(value, 1000, &c->repeat);
  if (strcmp(flag, "--out") == 0) {
    c->out_path = value;
    return 0;
  }
  fprintf(stderr, "bindmatrix: unknown flag '%s' (bindmatrix --help)\n", flag);
  return 2;
}

static int parse(int argc, char **argv, struct command_line *c) {
  memset(c, 0, sizeof *c);
  bm_selection_all(&c->selection);
  bm_run_default_options(&c->run);
  c->rounds = 3;
  c->repeat = 1;
  c->run.progress = 1;
  for (int i = 2; i < argc; i++) {
    const char *flag = argv[i];
    int *toggle = strcmp(flag, "--verbose") == 0 ? &c->run.verbose
                  : strcmp(flag, "--fresh") == 0 ? &c->run.fresh
                  : strcmp(flag, "--json") == 0  ? &c->json
                  : strcmp(flag, "--end-with-parent") == 0
                      ? &c->run.end_with_parent
                      : NULL;
    if (toggle) {
      *toggle = 1;
      continue;
    }
    if (strcmp(flag, "--quiet") == 0) {
      c->run.progress = 0;
      continue;
    }
    if (i + 1 == argc) {
      fprintf(stderr, "bindmatrix: %s needs a value\n", flag);
      return 2;
    }
    int err = parse_flag(c, flag, argv[++i]);
    if (err != 0)
      return err;
  }
  char why[256];
  if (!c->selection.narrowed &&
      bm_selection_filter(&c->selection, bm_blog_filter, why, sizeof why) != 0)
    return usage_error(why);
  return 0;
}

/* `measuring`: an empty plan is the user's error (a plan may be empty). */
static int make_plan(const struct command_line *c, struct bm_plan *plan,
                     int measuring) {
  if (bm_plan_make(&c->selection, plan) != 0) {
    fprintf(stderr, "bindmatrix: out of memory\n");
    return 1;
  }
  if (measuring && plan->cell_count == 0) {
    bm_plan_free(plan);
    return usage_error("the selection leaves no cell to measure");
  }
  return 0;
}

static int run_plan_command(const struct command_line *c) {
  struct bm_plan plan;
  int err = make_plan(c, &plan, 0);
  if (err != 0)
    return err;
  for (int i = 0; i < plan.sequence_count; i++) {
    const struct bm_sequence_plan *p = &plan.sequences[i];
    for (int step = 0; step < p->kind->step_count; step++)
      for (int probe = 0;
           bm_plan_step_selected(p, step) && probe < p->probe_count; probe++) {
        struct bm_cell_key key = bm_plan_cell_key(p, step, probe);
        bm_json_plan_cell(stdout, &key);
      }
  }
  bm_plan_free(&plan);
  return 0;
}

static int invalid_in(const struct bm_tally *t) {
  for (int i = 0; t && i < t->count; i++)
    if (t->variants[i].status == BM_CELL_INVALID)
      return 1;
  return 0;
}

/* One line saying how many cells are invalid (in any of the runs) and the
 * first reason. */
static int invalid_summary(const struct bm_run_result *r,
                           const struct bm_tally *tallies) {
  int invalid = 0;
  const char *reason = NULL;
  for (int i = 0; i < r->cell_count; i++)
    if (r->cells[i].status == BM_CELL_INVALID ||
        invalid_in(tallies ? &tallies[i] : NULL)) {
      invalid++;
      if (!reason && r->cells[i].status == BM_CELL_INVALID)
        reason = r->cells[i].reason;
    }
  if (invalid == 0)
    return 0;
  fprintf(stderr, "bindmatrix: %d of %d cells invalid (first: %s)\n", invalid,
          r->cell_count, reason ? reason : "in a repeated run");
  return 3;
}

static int count_varied(const struct bm_tally *tallies, int count) {
  int varied = 0;
  for (int i = 0; tallies && i < count; i++)
    varied += bm_tally_varied(&tallies[i]);
  return varied;
}

static int write_result(const struct command_line *c,
                        const struct bm_run_result *r,
                        const struct bm_tally *tallies,
                        struct bm_outfile *out) {
  struct bm_run_info info = {
      .fresh = c->run.fresh,
      .jobs = c->run.jobs,
      .timeout_ms = c->run.timeout_ms,
      .repeat = c->repeat,
      .varied = count_varied(tallies, r->cell_count),
      .stats = r->stats,
  };
  bm_json_result(out ? out->file : stdout, r->cells, tallies, r->cell_count,
                 &info);
  char why[4200];
  if (out && bm_outfile_commit(out, why, sizeof why) != 0)
    return usage_error(why);
  return invalid_summary(r, tallies);
}

static int run_matrix_command(const struct command_line *c) {
  struct bm_plan plan;
  int err = make_plan(c, &plan, 1);
  if (err != 0)
    return err;
  struct bm_outfile out;
  char why[4200];
  if (c->out_path && bm_outfile_open(&out, c->out_path, why, sizeof why) != 0) {
    bm_plan_free(&plan);
    return usage_error(why);
  }
  struct bm_run_result result;
  struct bm_tally *tallies;
  err = bm_run_repeat(&plan, &c->run, c->repeat, &result, &tallies);
  int status;
  if (err != 0 || result.interrupted_by) {
    if (c->out_path)
      bm_outfile_discard(&out);
    if (err != 0)
      fprintf(stderr, "bindmatrix: %s\n", uv_strerror(err));
    else
      fprintf(stderr, "bindmatrix: %s; every role ended, nothing written\n",
              bm_run_interruption(result.interrupted_by));
    status = err != 0 ? 1 : 128 + result.interrupted_by;
  } else {
    status = write_result(c, &result, tallies, c->out_path ? &out : NULL);
  }
  bm_tallies_free(tallies, result.cell_count);
  free(result.cells);
  bm_plan_free(&plan);
  return status;
}

static int run_bench_command(const struct command_line *c) {
  struct bm_plan plan;
  int err = make_plan(c, &plan, 1);
  if (err != 0)
    return err;
  err = bm_bench_run(&plan, &c->run, c->rounds);
  bm_plan_free(&plan);
  return err;
}

static const char usage_text[] =
    "usage: bindmatrix matrix|plan|bench|list|check [flags] (see the README)\n"
    "  selection: --filter 'FIELD=VALUE[,VALUE] ...', --scenarios L,\n"
    "    --protos L, --families L, --addresses L, --listener-endpoints L,\n"
    "    --probe-endpoints L, --options L, --listener-options L,\n"
    "    --probe-options L, --users L, --states L, --cloexec L, --spawns L\n"
    "  matrix: --out FILE --jobs N --timeout-ms N --start-timeout-ms N\n"
    "    --repeat N --fresh --quiet --verbose --end-with-parent\n"
    "  bench: --rounds N --jobs N;  list: --json\n"
    "  check [--port-arg T] [--env NAME] [--json FILE] -- CMD ARGS...\n";

int main(int argc, char **argv) {
  const char *command = argc > 1 ? argv[1] : "";
#ifdef SIGPIPE
  /* `bindmatrix check ... | head` closes the pipe while the harness still
   * has roles to end and a copy of bm-role to remove: a write there fails
   * instead of killing it half way. (uv_spawn gives every child the
   * default disposition back.) */
  signal(SIGPIPE, SIG_IGN);
#endif
  if (strcmp(command, "--version") == 0) {
    printf("bindmatrix %s (libuv %s)\n", BM_VERSION, uv_version_string());
    return 0;
  }
  if (strcmp(command, "--help") == 0 || strcmp(command, "help") == 0) {
    fputs(usage_text, stdout);
    return 0;
  }
  if (strcmp(command, "check") == 0)
    return bm_check_main(argc, argv);
  int is_list = strcmp(command, "list") == 0;
  if (!is_list && strcmp(command, "matrix") != 0 &&
      strcmp(command, "plan") != 0 && strcmp(command, "bench") != 0) {
    fprintf(stderr,
            "bindmatrix: unknown command '%s' (use: matrix, plan, bench, "
            "list, check; --help)\n",
            command);
    return 2;
  }
  for (int i = 2; i < argc; i++)
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      fputs(usage_text, stdout);
      return 0;
    }
  struct command_line c;
  int err = parse(argc, argv, &c);
  if (err != 0)
    return err;
  if (is_list) {
    if (c.json)
      bm_json_vocabulary(stdout);
    else
      bm_list_names(stdout);
    return 0;
  }
  if (strcmp(command, "plan") == 0)
    return run_plan_command(&c);
  err = bm_guard_start(c.run.end_with_parent);
  if (err != 0) {
    fprintf(stderr, "bindmatrix: %s\n", uv_strerror(err));
    return 1;
  }
  if (strcmp(command, "bench") == 0)
    return run_bench_command(&c);
  return run_matrix_command(&c);
}
