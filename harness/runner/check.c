/* `bindmatrix check`: the command line and the order of the runs
 * (runner/check.h). */
#include "runner/check.h"

#include "output/outfile.h"
#include "runner/check_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
  EXIT_SAFE = 0,
  EXIT_CANNOT_RUN = 1,
  EXIT_USAGE = 2,
  EXIT_NOT_MEASURED = 3,
  EXIT_UNSAFE = 4,
  EXIT_NOT_CHECKABLE = 5,
};

static const char usage_text[] =
    "usage: bindmatrix check [--port-arg TEMPLATE] [--env NAME] [--json FILE]"
    "\n         [--timeout-ms N] [--grace-ms N] [--verbose] -- CMD ARGS...\n"
    "  Starts CMD on a fresh port, probes it, stops it (SIGTERM, then SIGKILL"
    "\n  after --grace-ms, 5000) and starts it again: restart-safe,"
    " hijack-safe,\n  inherit-safe, yes or no with what the OS showed.\n"
    "  The port: {port} in ARGS, --port-arg TEMPLATE (with {port}) appended,"
    "\n  and $NAME (--env, PORT). --timeout-ms: how long CMD may take to"
    "\n  listen (10000). --json FILE: the result file.\n"
    "  Exit status: 0 all yes, 4 a no, 3 not measured, 5 CMD never listened"
    "\n  on its port (or exited first, or listened elsewhere), 2 usage.\n";

static int usage(const char *message, const char *value) {
  fprintf(stderr, "bindmatrix check: %s%s%s\n", message, value ? ": " : "",
          value ? value : "");
  return EXIT_USAGE;
}

static int parse_ms(const char *text, int *out) {
  char *end;
  long value = strtol(text, &end, 10);
  if (*text == '\0' || *end != '\0' || value < 1 || value > 600000)
    return usage("not a number of milliseconds from 1 to 600000", text);
  *out = (int)value;
  return 0;
}

static int parse_flag(struct bm_check_options *o, const char *flag,
                      const char *value) {
  if (strcmp(flag, "--port-arg") == 0) {
    o->port_arg = value;
    return strstr(value, "{port}")
               ? 0
               : usage("--port-arg needs {port} in it", value);
  }
  if (strcmp(flag, "--env") == 0) {
    o->env_name = value;
    return *value && !strchr(value, '=')
               ? 0
               : usage("not an environment variable's name", value);
  }
  if (strcmp(flag, "--json") == 0) {
    o->json_path = value;
    return 0;
  }
  if (strcmp(flag, "--timeout-ms") == 0)
    return parse_ms(value, &o->timeout_ms);
  if (strcmp(flag, "--grace-ms") == 0)
    return parse_ms(value, &o->grace_ms);
  return usage("unknown flag (bindmatrix check --help)", flag);
}

/* 0, -1 for --help (printed), or the usage error's status. */
static int parse(int argc, char **argv, struct bm_check_options *o) {
  memset(o, 0, sizeof *o);
  o->env_name = "PORT";
  o->timeout_ms = 10000;
  o->grace_ms = 5000;
  int i = 2;
  for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
    if (strcmp(argv[i], "--") == 0) {
      i++;
      break;
    }
    if (strcmp(argv[i], "--help") == 0) {
      fputs(usage_text, stdout);
      return -1;
    }
    if (strcmp(argv[i], "--verbose") == 0) {
      o->verbose = 1;
      continue;
    }
    if (i + 1 == argc)
      return usage("this flag needs a value", argv[i]);
    int err = parse_flag(o, argv[i], argv[i + 1]);
    if (err != 0)
      return err;
    i++;
  }
  if (i == argc)
    return usage("no server to check: give its command after --", NULL);
  o->command = &argv[i];
  o->command_count = argc - i;
  return 0;
}

/* ---- the one line for a server that cannot be checked -------------------- */

static void say_not_checkable(const struct bm_check_start *s, int port,
                              const struct bm_check_options *o, char *buf,
                              size_t size) {
  char hint[160];
  snprintf(hint, sizeof hint,
           "it is given the port as {port} in its arguments%s and in $%s",
           o->port_arg ? ", in --port-arg" : "", o->env_name);
  switch (s->outcome) {
  case BM_START_EXITED: {
    int n = snprintf(buf, size,
                     "the server exited %s %lld before it "
                     "listened on port %d (after %llu ms)",
                     s->exit_signal ? "by signal" : "with status",
                     s->exit_signal ? (long long)s->exit_signal
                                    : (long long)s->exit_status,
                     port, (unsigned long long)s->ms);
    if (s->stranger && n > 0 && (size_t)n < size)
      n += snprintf(buf + n, size - (size_t)n,
                    "; pid %d, which it left "
                    "behind, listens there (run the server in the "
                    "foreground)",
                    (int)s->stranger);
    if (s->tail_count > 0 && n > 0 && (size_t)n < size)
      snprintf(buf + n, size - (size_t)n, "; its last words: \"%s\"",
               s->tail[s->tail_count - 1]);
    break;
  }
  case BM_START_SILENT:
    snprintf(buf, size,
             "the server did not listen on port %d within %d ms "
             "and still runs (%s)",
             port, o->timeout_ms, hint);
    break;
  case BM_START_ELSEWHERE:
    snprintf(buf, size,
             "the server listens on port %d, not on port %d it "
             "was given (%s)",
             s->other_port, port, hint);
    break;
  default:
    snprintf(buf, size,
             "port %d listens, but pid %d holds it, which is not "
             "the server's",
             port, (int)s->stranger);
  }
}

/* ---- the runs ------------------------------------------------------------ */

/* The first instance: does it listen at all? Then the hijack probes while
 * it does. 0, EXIT_NOT_CHECKABLE (res->failure says why) or -1. */
static int first_run(struct bm_check_loop *l, const struct bm_check_options *o,
                     struct bm_check_result *res) {
  struct bm_check_server server;
  char why[256];
  struct bm_error err = bm_ports_take(&l->ports, BM_TCP, &res->port);
  if (err.code == 0)
    err = bm_check_server_start(l, o, res->port, &server);
  if (err.code != 0) {
    char error[64];
    bm_error_describe(err, error, sizeof error);
    snprintf(res->failure, sizeof res->failure, "cannot start %s: %s (%s)",
             o->command[0], error, uv_strerror(err.code));
    return EXIT_USAGE;
  }
  int status = 0;
  if (bm_check_await_listen(l, &server, res->port, o->timeout_ms, &res->first,
                            why, sizeof why) != 0) {
    snprintf(res->failure, sizeof res->failure, "%s", why);
    status = -1;
  } else if (res->first.outcome != BM_START_LISTENED) {
    say_not_checkable(&res->first, res->port, o, res->failure,
                      sizeof res->failure);
    status = EXIT_NOT_CHECKABLE;
  } else if (bm_check_hijack_run(l, o, res) != 0) {
    status = -1;
  }
  struct bm_check_stop stop;
  bm_check_server_stop(l, &server, o->grace_ms, o->timeout_ms, &stop);
  bm_check_end_all(l, &server, 1, o->timeout_ms);
  bm_check_server_close(l, &server);
  return status;
}

static int verdict_status(const struct bm_check_answer *answers) {
  int status = EXIT_SAFE;
  for (int v = 0; v < BM_VERDICT_COUNT; v++)
    if (answers[v].answer == 0)
      status = EXIT_UNSAFE;
    else if (answers[v].answer < 0 && !answers[v].unavailable &&
             status == EXIT_SAFE)
      status = EXIT_NOT_MEASURED;
  return status;
}

static int finish(const struct bm_check_options *o,
                  const struct bm_check_result *res, struct bm_outfile *out) {
  struct bm_check_answer answers[BM_VERDICT_COUNT];
  bm_check_verdicts(res, answers);
  bm_check_print(stdout, res, answers);
  fflush(stdout);
  if (o->json_path) {
    char why[4200];
    bm_check_json(out->file, res, answers);
    if (bm_outfile_commit(out, why, sizeof why) != 0)
      return usage(why, NULL);
  }
  return verdict_status(answers);
}

static int run_checks(struct bm_check_loop *l, const struct bm_check_options *o,
                      struct bm_check_result *res) {
  struct bm_port_listing probe;
  struct bm_error err = bm_port_list(0, 1, &probe);
  if (err.code == BM_EUNSUPPORTED) {
    snprintf(res->failure, sizeof res->failure,
             "not on this OS yet: it lists a port's sockets and their "
             "processes (harness/os/port_listing.h), which only Linux's OS "
             "layer does so far");
    return EXIT_CANNOT_RUN;
  }
  int status = first_run(l, o, res);
  if (status != 0)
    return status < 0 ? EXIT_CANNOT_RUN : status;
  for (int order = 0; order < 2; order++)
    if (bm_check_restart_run(l, o, &res->restarts[order], order) != 0)
      return EXIT_CANNOT_RUN;
  return 0;
}

int bm_check_main(int argc, char **argv) {
  struct bm_check_options o;
  int status = parse(argc, argv, &o);
  if (status != 0)
    return status < 0 ? 0 : status;
  struct bm_outfile out;
  char why[4200];
  if (o.json_path && bm_outfile_open(&out, o.json_path, why, sizeof why) != 0)
    return usage(why, NULL);
  struct bm_check_loop *l = malloc(sizeof *l);
  struct bm_check_result res;
  memset(&res, 0, sizeof res);
  res.options = &o;
  int err = l ? bm_check_loop_init(l) : UV_ENOMEM;
  if (err != 0) {
    fprintf(stderr, "bindmatrix check: %s\n", uv_strerror(err));
    status = EXIT_CANNOT_RUN;
  } else {
    status = run_checks(l, &o, &res);
    if (l->interrupted_by) {
      status = 128 + l->interrupted_by;
      fprintf(stderr,
              "bindmatrix check: interrupted by signal %d; every "
              "process it started ended, nothing written\n",
              l->interrupted_by);
    } else if (status != 0) {
      fprintf(stderr, "bindmatrix check: %s\n", res.failure);
    } else {
      status = -1;
    }
    bm_check_loop_close(l); /* nothing runs while the answer is printed */
    if (status == -1)
      status = finish(&o, &res, o.json_path ? &out : NULL);
  }
  if (o.json_path && status != EXIT_SAFE && status != EXIT_UNSAFE &&
      status != EXIT_NOT_MEASURED)
    bm_outfile_discard(&out);
  free(res.probes);
  free(l);
  return status;
}
