/* bindmatrix: runs the bind() matrix on this machine and prints the result
 * file (DESIGN.md's JSON contract). Needs nothing but this build.
 *
 *   bindmatrix matrix [--scenarios L] [--protos L] [--families L]
 *                     [--addresses L] [--options L] [--probe-options L]
 *                     [--users L] [--states L] [--cloexec L] [--spawns L]
 *                     [--jobs N] [--timeout-ms N] [--out FILE] [--verbose]
 *   bindmatrix bench  [the same flags] [--rounds N]
 *   bindmatrix list
 *
 * L is a comma-separated list of names; `bindmatrix list` prints them all.
 * An address is LISTENER/PROBE, two endpoint names, e.g. [::]dual/0.0.0.0.
 * --cloexec (true,false) and --spawns (e.g. fork-exec,uv_spawn) are the
 * inherit scenario's: the listener's close-on-exec flag, and how the
 * server starts the child that may keep it.
 * Without flags: the blog's matrix (see bm_matrix_default_config).
 * Exit status: 0 done, 1 the harness could not run, 2 a usage error,
 * 128+N interrupted by signal N (every role killed, nothing written). */
#include "bm_bench.h"
#include "bm_matrix.h"
#include "bm_steps.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const user_names[] = {"same", "other"};
static const char *const cloexec_names[] = {"false", "true"}; /* 0, 1 */

static int usage_error(const char *fmt, const char *arg) {
  fputs("bindmatrix: ", stderr);
  fprintf(stderr, fmt, arg);
  fputc('\n', stderr);
  return 2;
}

static void list_names(void) {
  for (int i = 0; i < BM_SCENARIO_COUNT; i++)
    printf("scenario %s\n", bm_scenario_name((enum bm_scenario)i));
  for (int i = 0; i < 2; i++)
    printf("proto %s\nuser %s\ncloexec %s\n", bm_proto_name((enum bm_proto)i),
           user_names[i], cloexec_names[i]);
  printf("family ipv4\nfamily ipv6\n");
  for (int i = 0; bm_endpoint_at(i); i++)
    printf("endpoint %s\n", bm_endpoint_name(bm_endpoint_at(i)));
  for (int i = 0; bm_option_at(i); i++)
    printf("option %s\n", bm_option_at(i)->name);
  for (int k = 0; k < bm_sequence_kind_count; k++)
    for (int s = 0; s < bm_sequence_kinds[k].step_count; s++)
      if (bm_kind_probing(bm_sequence_kinds[k].proto,
                          bm_sequence_kinds[k].steps[s].state) ==
          &bm_sequence_kinds[k])
        printf("state %s\n", bm_sequence_kinds[k].steps[s].state);
  for (int k = 0; k < bm_inherit_kind_count; k++)
    if (!bm_kind_probing(bm_inherit_kinds[k].proto,
                         bm_inherit_kinds[k].steps[0].state))
      printf("state %s\n", /* CLOSED: no other kind has it */
             bm_inherit_kinds[k].steps[0].state);
  for (int i = 0; bm_spawn_at(i); i++)
    printf("spawn %s\n", bm_spawn_at(i)->name);
}

/* ---- lists of names -------------------------------------------------------
 */

/* Resolves `name` into element `index` of `out`; 0 or -1 (unknown). */
typedef int (*name_resolver)(const char *name, void *out, int index);

static int name_index(const char *const *names, int count, const char *name) {
  for (int i = 0; i < count; i++)
    if (strcmp(names[i], name) == 0)
      return i;
  return -1;
}

static int find_scenario(const char *name, void *out, int index) {
  for (int i = 0; i < BM_SCENARIO_COUNT; i++)
    if (strcmp(bm_scenario_name((enum bm_scenario)i), name) == 0) {
      ((enum bm_scenario *)out)[index] = (enum bm_scenario)i;
      return 0;
    }
  return -1;
}

static int find_cloexec(const char *name, void *out, int index) {
  int i = name_index(cloexec_names, 2, name);
  ((int *)out)[index] = i;
  return i < 0 ? -1 : 0;
}

static int find_spawn(const char *name, void *out, int index) {
  const struct bm_spawn_method *m = bm_spawn_find(name);
  ((const struct bm_spawn_method **)out)[index] = m;
  return m ? 0 : -1;
}

static int find_user(const char *name, void *out, int index) {
  int i = name_index(user_names, 2, name);
  ((int *)out)[index] = i;
  return i < 0 ? -1 : 0;
}

static int find_proto(const char *name, void *out, int index) {
  return bm_proto_parse(name, &((enum bm_proto *)out)[index]);
}

static int find_option(const char *name, void *out, int index) {
  const struct bm_option *opt = bm_option_find(name);
  ((const struct bm_option **)out)[index] = opt;
  return opt ? 0 : -1;
}

static int find_state_in(const struct bm_sequence_kind *kinds, int count,
                         const char *name, const char **out) {
  for (int k = 0; k < count; k++) {
    int step = bm_step_find(&kinds[k], name);
    if (step >= 0) {
      *out = kinds[k].steps[step].state;
      return 0;
    }
  }
  return -1;
}

static int find_state(const char *name, void *out, int index) {
  const char **state = &((const char **)out)[index];
  if (find_state_in(bm_sequence_kinds, bm_sequence_kind_count, name, state) ==
      0)
    return 0;
  return find_state_in(bm_inherit_kinds, bm_inherit_kind_count, name, state);
}

/* "LISTENER/PROBE" */
static int find_address(const char *name, void *out, int index) {
  struct bm_address_pair *pair = &((struct bm_address_pair *)out)[index];
  char listener[64];
  const char *slash = strchr(name, '/');
  if (!slash || (size_t)(slash - name) >= sizeof listener)
    return -1;
  memcpy(listener, name, (size_t)(slash - name));
  listener[slash - name] = '\0';
  return bm_endpoint_parse(listener, &pair->listener) == 0 &&
                 bm_endpoint_parse(slash + 1, &pair->probe) == 0
             ? 0
             : -1;
}

/* ipv4 and ipv6 are the blog's wildcard pairs, 0.0.0.0/0.0.0.0 and [::]/[::].
 */
static int find_family(const char *name, void *out, int index) {
  if (strcmp(name, "ipv4") == 0)
    return find_address("0.0.0.0/0.0.0.0", out, index);
  if (strcmp(name, "ipv6") == 0)
    return find_address("[::]/[::]", out, index);
  return -1;
}

/* Splits a comma list in place and resolves each name with `find`. */
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

static int parse_count(const char *text, int *out, int max) {
  char *end;
  long value = strtol(text, &end, 10);
  if (*end != '\0' || value < 1 || value > max)
    return usage_error("not a number in range: '%s'", text);
  *out = (int)value;
  return 0;
}

/* ---- flags ------------------------------------------------------------------
 */

struct list_flag {
  const char *flag;
  const char *kind;
  name_resolver find;
  size_t offset; /* of the array in struct bm_matrix_config */
  size_t count_offset;
  int max;
};

#define LIST(flag, kind, find, array, count, max)                              \
  {                                                                            \
    flag, kind, find, offsetof(struct bm_matrix_config, array),                \
        offsetof(struct bm_matrix_config, count), max                          \
  }

static const struct list_flag list_flags[] = {
    LIST("--scenarios", "scenario", find_scenario, scenarios, scenario_count,
         BM_SCENARIO_COUNT),
    LIST("--protos", "proto", find_proto, protos, proto_count, 2),
    LIST("--families", "family", find_family, addresses, address_count, 2),
    LIST("--addresses", "address", find_address, addresses, address_count,
         BM_MAX_LIST),
    LIST("--options", "option", find_option, options, option_count,
         BM_MAX_LIST),
    LIST("--probe-options", "option", find_option, probe_options,
         probe_option_count, BM_MAX_LIST),
    LIST("--users", "user", find_user, users, user_count, 2),
    LIST("--states", "state", find_state, states, state_count, BM_MAX_LIST),
    LIST("--cloexec", "cloexec value", find_cloexec, cloexecs, cloexec_count,
         2),
    LIST("--spawns", "spawn method", find_spawn, spawns, spawn_count,
         BM_MAX_LIST),
};

static int parse_list_flag(const char *flag, char *value,
                           struct bm_matrix_config *c, int *known) {
  for (size_t i = 0; i < sizeof list_flags / sizeof list_flags[0]; i++) {
    const struct list_flag *f = &list_flags[i];
    if (strcmp(flag, f->flag) != 0)
      continue;
    *known = 1;
    return resolve_list(value, f->find, (char *)c + f->offset, f->max,
                        (int *)((char *)c + f->count_offset), f->kind);
  }
  *known = 0;
  return 0;
}

static int parse_value_flag(const char *flag, char *value,
                            struct bm_matrix_config *c, const char **out,
                            int *rounds) {
  if (strcmp(flag, "--jobs") == 0)
    return parse_count(value, &c->jobs, 256);
  if (strcmp(flag, "--timeout-ms") == 0)
    return parse_count(value, &c->timeout_ms, 600000);
  if (strcmp(flag, "--rounds") == 0 && rounds)
    return parse_count(value, rounds, 100000);
  if (strcmp(flag, "--out") == 0 && out) {
    *out = value;
    return 0;
  }
  return usage_error("unknown flag '%s'", flag);
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
    int known, err = parse_list_flag(flag, value, c, &known);
    if (!known)
      err = parse_value_flag(flag, value, c, out, rounds);
    if (err != 0)
      return err;
  }
  return 0;
}

/* ---- commands
 * ---------------------------------------------------------------- */

/* Writes to FILE.partial first and renames at the end, so an interrupted
 * run never leaves a half-written or empty result file. */
static FILE *open_partial(const char *path, char *partial, size_t size) {
  snprintf(partial, size, "%s.partial", path);
  return fopen(partial, "w");
}

static int run_matrix(int argc, char **argv) {
  struct bm_matrix_config config;
  const char *out_path = NULL;
  bm_matrix_default_config(&config);
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
  if (out_path && (fclose(out) != 0 || rename(partial, out_path) != 0))
    return usage_error("cannot write %s", out_path);
  return 0;
}

static int run_bench(int argc, char **argv) {
  struct bm_matrix_config config;
  int rounds = 20;
  bm_matrix_default_config(&config);
  int err = parse_flags(argc, argv, &config, NULL, &rounds);
  return err != 0 ? err : bm_bench_run(&config, rounds);
}

int main(int argc, char **argv) {
  const char *command = argc > 1 ? argv[1] : "";
  if (strcmp(command, "matrix") == 0)
    return run_matrix(argc, argv);
  if (strcmp(command, "bench") == 0)
    return run_bench(argc, argv);
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
