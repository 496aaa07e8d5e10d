/* The check's answers: four verdicts, each yes or no with what the OS
 * showed, or "not measured" with why; then the cells, a line each. */
#include "runner/check_internal.h"

#include "output/platform.h"
#include "role/roles.h" /* bm_option_check */

#include <stdarg.h>
#include <string.h>

static const char *const start_names[] = {
    [BM_START_LISTENED] = "listened",
    [BM_START_EXITED] = "exited",
    [BM_START_SILENT] = "did not listen",
    [BM_START_ELSEWHERE] = "listens on another port",
    [BM_START_STRANGER] = "its port is held by another process",
};

const char *bm_check_start_name(enum bm_check_start_outcome outcome) {
  return start_names[outcome];
}

const char *bm_check_listener_name(const struct bm_check_listener *li) {
  return li->endpoint ? li->endpoint->name : li->address;
}

/* Appends to a fixed buffer, cutting what does not fit. */
static void add(char *buf, size_t size, const char *format, ...) {
  size_t used = strlen(buf);
  if (used + 1 >= size)
    return;
  va_list ap;
  va_start(ap, format);
  vsnprintf(buf + used, size - used, format, ap);
  va_end(ap);
}

static void describe_exit(char *buf, size_t size, int64_t status, int signal) {
  if (signal)
    add(buf, size, "by signal %d", signal);
  else
    add(buf, size, "with status %lld", (long long)status);
}

/* "listened after 52 ms", "exited with status 1 after 40 ms: LAST LINE" */
static void describe_start(char *buf, size_t size,
                           const struct bm_check_start *s) {
  add(buf, size, "%s", bm_check_start_name(s->outcome));
  if (s->outcome == BM_START_EXITED) {
    add(buf, size, " ");
    describe_exit(buf, size, s->exit_status, s->exit_signal);
  }
  if (s->outcome == BM_START_ELSEWHERE)
    add(buf, size, " (%d)", s->other_port);
  add(buf, size, " after %llu ms", (unsigned long long)s->ms);
  if (s->outcome == BM_START_EXITED && s->tail_count > 0)
    add(buf, size, ": \"%s\"", s->tail[s->tail_count - 1]);
}

static void restart_verdict(const struct bm_check_result *res,
                            struct bm_check_answer *a) {
  a->answer = 1;
  for (int i = 0; i < 2; i++) {
    const struct bm_check_restart *r = &res->restarts[i];
    add(a->evidence, sizeof a->evidence, "%s%s: ", i ? "; " : "", r->order);
    if (!r->done) {
      a->answer = -1;
      add(a->evidence, sizeof a->evidence, "not measured (%s)", r->reason);
      continue;
    }
    if (r->next.outcome != BM_START_LISTENED && a->answer == 1)
      a->answer = 0;
    add(a->evidence, sizeof a->evidence,
        "the port held %s, the next "
        "instance ",
        r->witnessed);
    describe_start(a->evidence, sizeof a->evidence, &r->next);
  }
}

/* A probe took the server's connections: it listened where they go. */
static int took_connections(const struct bm_cell *c) {
  return c->status == BM_CELL_MEASURED && c->listened &&
         (strcmp(c->reached, "second") == 0 || strcmp(c->reached, "both") == 0);
}

static void hijack_verdict(const struct bm_check_result *res, enum bm_user user,
                           struct bm_check_answer *a) {
  int probes = 0, took = 0, listened = 0, refused = 0, unsupported = 0;
  const char *invalid = NULL, *why_unsupported = NULL;
  for (int i = 0; i < res->probe_count; i++) {
    const struct bm_cell *c = &res->probes[i].cell;
    if (c->key.user != user)
      continue;
    probes++;
    if (c->status == BM_CELL_UNSUPPORTED) {
      unsupported++;
      why_unsupported = c->reason;
    } else if (c->status == BM_CELL_INVALID) {
      invalid = c->reason;
    } else if (took_connections(c)) {
      if (took++ < 3)
        add(a->evidence, sizeof a->evidence, "%s%s with %s reached %s",
            took > 1 ? "; " : "a probe took its connections: ",
            c->key.probe->name, c->key.probe_option->name, c->reached);
    } else if (c->listened) {
      listened++;
    } else {
      refused++;
    }
  }
  if (took > 0) {
    a->answer = 0;
    add(a->evidence, sizeof a->evidence, " (%d of %d probes)", took, probes);
  } else if (probes == 0) {
    a->answer = -1;
    add(a->evidence, sizeof a->evidence,
        "not measured: the server listens on %s, which no endpoint of the "
        "vocabulary names",
        bm_check_listener_name(&res->first.listeners[0]));
  } else if (invalid || unsupported == probes) {
    a->answer = -1;
    a->unavailable = !invalid;
    add(a->evidence, sizeof a->evidence, "not measured: %s",
        invalid           ? invalid
        : why_unsupported ? why_unsupported
                          : "no probe");
  } else {
    a->answer = 1;
    add(a->evidence, sizeof a->evidence,
        "no probe took its connections: %d of %d refused at bind or listen, "
        "%d listened and took none, %d options not on this OS",
        refused, probes, listened, unsupported);
  }
}

static void inherit_verdict(const struct bm_check_result *res,
                            struct bm_check_answer *a) {
  int read = 0;
  a->answer = 1;
  for (int i = 0; i < 2; i++) {
    const struct bm_check_restart *r = &res->restarts[i];
    if (!r->witnessed[0])
      continue; /* the port was never read after a stop */
    read++;
    for (int h = 0; h < r->holder_count; h++) {
      a->answer = 0;
      add(a->evidence, sizeof a->evidence,
          "%spid %d (%s) held %s on the port after the server had exited "
          "(%s)",
          a->evidence[0] ? "; " : "", (int)r->holders[h].pid,
          r->holders[h].command, r->holders[h].state, r->order);
    }
  }
  if (read == 0) {
    a->answer = -1;
    add(a->evidence, sizeof a->evidence, "not measured (%s)",
        res->restarts[0].reason);
  } else if (a->answer == 1) {
    add(a->evidence, sizeof a->evidence,
        "no process held the port once the server had exited (%d of 2 "
        "orders read)",
        read);
  }
}

void bm_check_verdicts(const struct bm_check_result *res,
                       struct bm_check_answer answers[BM_VERDICT_COUNT]) {
  static const char *const names[BM_VERDICT_COUNT] = {
      [BM_VERDICT_RESTART] = "restart-safe",
      [BM_VERDICT_HIJACK_OTHER] = "hijack-safe (other user)",
      [BM_VERDICT_HIJACK_SAME] = "hijack-safe (same user)",
      [BM_VERDICT_INHERIT] = "inherit-safe",
  };
  memset(answers, 0, sizeof answers[0] * BM_VERDICT_COUNT);
  for (int v = 0; v < BM_VERDICT_COUNT; v++)
    answers[v].name = names[v];
  restart_verdict(res, &answers[BM_VERDICT_RESTART]);
  hijack_verdict(res, BM_USER_OTHER, &answers[BM_VERDICT_HIJACK_OTHER]);
  hijack_verdict(res, BM_USER_SAME, &answers[BM_VERDICT_HIJACK_SAME]);
  inherit_verdict(res, &answers[BM_VERDICT_INHERIT]);
}

/* ---- text ---------------------------------------------------------------- */

static void print_listeners(FILE *out, const struct bm_check_start *s) {
  for (int i = 0; i < s->listener_count; i++) {
    const struct bm_check_listener *li = &s->listeners[i];
    fprintf(out, "%s %s (pid %d, SO_REUSEADDR %s, SO_REUSEPORT %s)",
            i ? "," : "", bm_check_listener_name(li), (int)li->pid,
            li->reuseaddr < 0 ? "?"
            : li->reuseaddr   ? "on"
                              : "off",
            li->reuseport < 0 ? "?"
            : li->reuseport   ? "on"
                              : "off");
  }
}

static void print_restart(FILE *out, const struct bm_check_restart *r) {
  fprintf(out, "  check-restart %-17s port %d: ", r->order, r->port);
  if (!r->done) {
    fprintf(out, "not measured: %s\n", r->reason);
    return;
  }
  char text[512] = "";
  describe_exit(text, sizeof text, r->stop.exit_status, r->stop.exit_signal);
  fprintf(out,
          "client %s; stopped by %s, exited %s after %llu ms; the port "
          "held %s; the next instance ",
          r->accepted ? "accepted" : "not accepted", r->stop.sent, text,
          (unsigned long long)r->stop.ms, r->witnessed);
  text[0] = '\0';
  describe_start(text, sizeof text, &r->next);
  fprintf(out, "%s\n", text);
  for (int i = 0;
       r->next.outcome != BM_START_LISTENED && i < r->next.tail_count; i++)
    fprintf(out, "    | %s\n", r->next.tail[i]);
}

static void print_inherit(FILE *out, const struct bm_check_restart *r) {
  if (!r->witnessed[0])
    return;
  fprintf(out, "  check-inherit %-17s port %d: %s, ", r->order, r->port,
          r->witnessed);
  if (r->holder_count == 0)
    fprintf(out, "held by no process");
  for (int h = 0; h < r->holder_count; h++)
    fprintf(out, "%s%s held by pid %d: %s", h ? "; " : "", r->holders[h].state,
            (int)r->holders[h].pid, r->holders[h].command);
  fputc('\n', out);
}

/* One user's cell, as few words as it takes. */
static void print_probe_cell(FILE *out, const struct bm_cell *c) {
  fprintf(out, "%s: ", bm_user_name(c->key.user));
  if (c->status != BM_CELL_MEASURED) {
    fprintf(out, "%s (%s)",
            c->status == BM_CELL_UNSUPPORTED ? "unsupported" : "invalid",
            c->reason);
    return;
  }
  fprintf(out, "bind %s", bm_error_name(c->outcome.code));
  if (c->listened)
    fprintf(out, ", listen %s", bm_error_name(c->listen_outcome.code));
  if (c->reached[0])
    fprintf(out, ", %d connections reached %s", c->connections, c->reached);
}

/* A line per probe endpoint and option with every user's cell; the
 * options this OS lacks once, at the end (their cells are in --json). */
static void print_probes(FILE *out, const struct bm_check_result *res) {
  char lacking[256] = "";
  for (int i = 0; i + BM_USER_COUNT <= res->probe_count; i += BM_USER_COUNT) {
    const struct bm_cell *c = &res->probes[i].cell;
    struct bm_status check = bm_option_check(BM_TCP, c->key.probe_option);
    if (check.error.code != 0) {
      if (!strstr(lacking, c->key.probe_option->name))
        add(lacking, sizeof lacking, "%s%s", lacking[0] ? ", " : "",
            c->key.probe_option->name);
      continue;
    }
    fprintf(out, "  check-hijack  %-18s over %-9s %-25s ", c->key.probe->name,
            c->key.listener->name, c->key.probe_option->name);
    for (int u = 0; u < BM_USER_COUNT; u++) {
      fputs(u ? "; " : "", out);
      print_probe_cell(out, &res->probes[i + u].cell);
    }
    fputc('\n', out);
  }
  if (lacking[0])
    fprintf(out, "  check-hijack  options not on this OS: %s\n", lacking);
}

void bm_check_print(FILE *out, const struct bm_check_result *res,
                    const struct bm_check_answer answers[BM_VERDICT_COUNT]) {
  struct bm_platform p;
  if (bm_platform_read(&p) != 0)
    memset(&p, 0, sizeof p);
  fputs("bindmatrix check:", out);
  for (int i = 0; i < res->options->command_count; i++)
    fprintf(out, " %s", res->options->command[i]);
  fprintf(out, "\n  on %s %s (%s): listens on", p.os, p.release, p.arch);
  print_listeners(out, &res->first);
  fputs("\n\n", out);
  for (int v = 0; v < BM_VERDICT_COUNT; v++)
    fprintf(out, "%-25s %-3s  %s\n", answers[v].name,
            answers[v].answer < 0   ? "?"
            : answers[v].answer > 0 ? "yes"
                                    : "no",
            answers[v].evidence);
  fputs("\ncells:\n", out);
  for (int i = 0; i < 2; i++)
    print_restart(out, &res->restarts[i]);
  for (int i = 0; i < 2; i++)
    print_inherit(out, &res->restarts[i]);
  print_probes(out, res);
}
