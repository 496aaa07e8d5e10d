/* bindmatrix: runs the bind() matrix on this machine and prints the result
 * file (DESIGN.md's JSON contract). Needs nothing but this build.
 *
 *   bindmatrix matrix [--families L] [--options L] [--probe-options L]
 *                     [--states L] [--jobs N] [--timeout-ms N] [--out FILE]
 *                     [--verbose]
 *   bindmatrix bench  [--rounds N] [--jobs N]
 *   bindmatrix list
 *
 * L is a comma-separated list of names; `bindmatrix list` prints them all.
 * Exit status: 0 done, 1 the harness could not run, 2 a usage error,
 * 128+N interrupted by signal N (every role killed, nothing written). */
#include "bm_bench.h"
#include "bm_matrix.h"
#include "bm_steps.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int usage_error(const char *fmt, const char *arg) {
  fputs("bindmatrix: ", stderr);
  fprintf(stderr, fmt, arg);
  fputc('\n', stderr);
  return 2;
}

static void list_names(void) {
  for (int f = 0; f < 2; f++)
    printf("family %s\n", bm_family_name((enum bm_family)f));
  for (int i = 0; bm_option_at(i); i++)
    printf("option %s\n", bm_option_at(i)->name);
  for (int i = 0; i < bm_step_count; i++)
    printf("state %s\n", bm_steps[i].state);
}

/* Splits a comma list in place and resolves each name with `find`. */
typedef int (*name_resolver)(const char *name, void *out, int index);

static int resolve_list(char *list, name_resolver find, void *out, int max,
                        int *count, const char *kind) {
  *count = 0;
  for (char *name = strtok(list, ","); name; name = strtok(NULL, ",")) {
    if (*count == max)
      return usage_error("too many names in the %s list", kind);
    if (find(name, out, *count) != 0) {
      fprintf(stderr,
              "bindmatrix: unknown %s '%s' (bindmatrix list shows them)\n",
              kind, name);
      return 2;
    }
    (*count)++;
  }
  return *count == 0 ? usage_error("the %s list is empty", kind) : 0;
}

static int find_family(const char *name, void *out, int index) {
  return bm_family_parse(name, &((enum bm_family *)out)[index]);
}

static int find_option(const char *name, void *out, int index) {
  const struct bm_option *opt = bm_option_find(name);
  ((const struct bm_option **)out)[index] = opt;
  return opt ? 0 : -1;
}

static int find_state(const char *name, void *out, int index) {
  (void)index;
  int step = bm_step_find(name);
  if (step < 0)
    return -1;
  *(unsigned *)out |= 1u << step;
  return 0;
}

static int parse_count(const char *text, int *out, int max) {
  char *end;
  long value = strtol(text, &end, 10);
  if (*end != '\0' || value < 1 || value > max)
    return usage_error("not a number in range: '%s'", text);
  *out = (int)value;
  return 0;
}

static void default_config(struct bm_matrix_config *c) {
  memset(c, 0, sizeof *c);
  c->families[0] = BM_IPV4;
  c->families[1] = BM_IPV6;
  c->family_count = 2;
  for (int i = 0; bm_option_at(i) && i < BM_MAX_OPTIONS; i++)
    c->options[c->option_count++] = bm_option_at(i);
  c->state_mask = (1u << bm_step_count) - 1;
  c->jobs = 2 * (int)uv_available_parallelism();
  c->timeout_ms = 2000;
}

/* Parses matrix/bench flags into `c`; `out` gets --out when given. */
static int parse_flags(int argc, char **argv, struct bm_matrix_config *c,
                       const char **out, int *rounds) {
  for (int i = 2; i < argc; i++) {
    const char *flag = argv[i];
    if (strcmp(flag, "--verbose") == 0) {
      c->verbose = 1;
      continue;
    }
    if (i + 1 == argc)
      return usage_error("%s needs a value", flag);
    char *value = argv[++i];
    int unused, err;
    if (strcmp(flag, "--families") == 0)
      err = resolve_list(value, find_family, c->families, 2, &c->family_count,
                         "family");
    else if (strcmp(flag, "--options") == 0)
      err = resolve_list(value, find_option, c->options, BM_MAX_OPTIONS,
                         &c->option_count, "option");
    else if (strcmp(flag, "--probe-options") == 0)
      err =
          resolve_list(value, find_option, c->probe_options,
                       BM_MAX_PROBE_OPTIONS, &c->probe_option_count, "option");
    else if (strcmp(flag, "--states") == 0)
      err = (c->state_mask = 0, resolve_list(value, find_state, &c->state_mask,
                                             32, &unused, "state"));
    else if (strcmp(flag, "--jobs") == 0)
      err = parse_count(value, &c->jobs, 256);
    else if (strcmp(flag, "--timeout-ms") == 0)
      err = parse_count(value, &c->timeout_ms, 600000);
    else if (strcmp(flag, "--rounds") == 0 && rounds)
      err = parse_count(value, rounds, 100000);
    else if (strcmp(flag, "--out") == 0 && out)
      err = (*out = value, 0);
    else
      err = usage_error("unknown flag '%s'", flag);
    if (err != 0)
      return err;
  }
  return 0;
}

/* Writes to FILE.partial first and renames at the end, so an interrupted
 * run never leaves a half-written or empty result file. */
static FILE *open_partial(const char *path, char *partial, size_t size) {
  snprintf(partial, size, "%s.partial", path);
  return fopen(partial, "w");
}

static int run_matrix(int argc, char **argv) {
  struct bm_matrix_config config;
  const char *out_path = NULL;
  default_config(&config);
  int err = parse_flags(argc, argv, &config, &out_path, NULL);
  if (err != 0)
    return err;
  char partial[4096];
  FILE *out = stdout;
  if (out_path && !(out = open_partial(out_path, partial, sizeof partial)))
    return usage_error("cannot write %s", out_path);
  struct bm_matrix_result result;
  err = bm_matrix_run(&config, &result);
  if (err != 0 || result.interrupted_by) {
    if (out_path) {
      fclose(out);
      remove(partial);
    }
    free(result.cells);
    if (err != 0)
      return fprintf(stderr, "bindmatrix: %s\n", uv_strerror(err)), 1;
    fprintf(stderr, "bindmatrix: interrupted by signal %d; all roles ended\n",
            result.interrupted_by);
    return 128 + result.interrupted_by;
  }
  bm_cells_write_json(out, result.cells, result.cell_count);
  free(result.cells);
  if (out_path) {
    int failed = fclose(out) != 0 || rename(partial, out_path) != 0;
    if (failed)
      return usage_error("cannot write %s", out_path);
  }
  return 0;
}

int main(int argc, char **argv) {
  const char *command = argc > 1 ? argv[1] : "";
  if (strcmp(command, "matrix") == 0)
    return run_matrix(argc, argv);
  if (strcmp(command, "bench") == 0) {
    struct bm_matrix_config config;
    int rounds = 20;
    default_config(&config);
    int err = parse_flags(argc, argv, &config, NULL, &rounds);
    return err != 0 ? err : bm_bench_run(&config, rounds);
  }
  if (strcmp(command, "list") == 0 && argc == 2) {
    list_names();
    return 0;
  }
  if (strcmp(command, "--version") == 0) {
    printf("bindmatrix %s (libuv %s)\n", BM_VERSION, uv_version_string());
    return 0;
  }
  return usage_error("usage: bindmatrix matrix|bench|list [flags]%s "
                     "(see the README)",
                     "");
}
