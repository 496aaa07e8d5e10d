/* `bindmatrix check --json FILE`: the result file's usual opening (schema,
 * platform, harness), no matrix cells, and a "check" block of its own
 * (results/schema.json's "check"): the command, the server's listeners,
 * the verdicts, and the check's cells.
 *
 * The check's cells are not matrix cells: their listener is the user's
 * program, with whatever options it set (recorded as the OS shows them,
 * not as a vocabulary option), and a restart's state is what the server's
 * stop left, witnessed, not a declared state of a sequence. So they stay
 * out of "cells" and out of the vocabulary's scenarios; what they share
 * with it (probe endpoint, option, user; outcomes, states) has its names. */
#include "output/json.h"
#include "runner/check_internal.h"

static void put_lines(FILE *out, const char *name,
                      const char (*lines)[BM_CHECK_LINE], int count) {
  fprintf(out, ", \"%s\": [", name);
  for (int i = 0; i < count; i++) {
    if (i)
      fputs(", ", out);
    bm_json_string(out, lines[i]);
  }
  fputc(']', out);
}

static void put_listeners(FILE *out, const struct bm_check_start *s) {
  fputs(", \"listeners\": [", out);
  for (int i = 0; i < s->listener_count; i++) {
    const struct bm_check_listener *li = &s->listeners[i];
    fputs(i ? ", {\"endpoint\": " : "{\"endpoint\": ", out);
    if (li->endpoint)
      bm_json_string(out, li->endpoint->name);
    else
      fputs("null", out);
    bm_json_field(out, "address", li->address);
    bm_json_tristate(out, "v6only", li->v6only);
    bm_json_tristate(out, "reuseaddr", li->reuseaddr);
    bm_json_tristate(out, "reuseport", li->reuseport);
    fprintf(out, ", \"pid\": %d}", (int)li->pid);
  }
  fputc(']', out);
}

static void put_exit(FILE *out, int exited, int64_t status, int signal) {
  if (!exited) {
    fputs(", \"exit_status\": null, \"exit_signal\": null", out);
    return;
  }
  if (signal)
    fprintf(out, ", \"exit_status\": null, \"exit_signal\": %d", signal);
  else
    fprintf(out, ", \"exit_status\": %lld, \"exit_signal\": null",
            (long long)status);
}

static void put_start(FILE *out, const char *name,
                      const struct bm_check_start *s) {
  static const char *const outcomes[] = {
      [BM_START_LISTENED] = "listened", [BM_START_EXITED] = "exited",
      [BM_START_SILENT] = "silent",     [BM_START_ELSEWHERE] = "elsewhere",
      [BM_START_STRANGER] = "stranger",
  };
  fprintf(out, ", \"%s\": {\"outcome\": \"%s\", \"ms\": %llu", name,
          outcomes[s->outcome], (unsigned long long)s->ms);
  put_exit(out, s->outcome == BM_START_EXITED, s->exit_status, s->exit_signal);
  put_lines(out, "stderr_tail", s->tail, s->tail_count);
  put_listeners(out, s);
  fputc('}', out);
}

static void put_cell_head(FILE *out, const char *scenario,
                          const struct bm_check_restart *r) {
  fputs("    {\"scenario\": ", out);
  bm_json_string(out, scenario);
  bm_json_field(out, "order", r->order);
  fprintf(out, ", \"port\": %d", r->port);
  bm_json_field(out, "witnessed_state", r->witnessed);
}

static void put_restart(FILE *out, const struct bm_check_restart *r) {
  put_cell_head(out, "check-restart", r);
  if (r->done) {
    bm_json_tristate(out, "accepted", r->accepted);
    fputs(", \"stop\": {\"sent\": ", out);
    bm_json_string(out, r->stop.sent);
    bm_json_tristate(out, "escalated", r->stop.escalated);
    put_exit(out, 1, r->stop.exit_status, r->stop.exit_signal);
    fprintf(out, ", \"ms\": %llu}", (unsigned long long)r->stop.ms);
    put_start(out, "next", &r->next);
  }
  bm_json_field(out, "reason", r->done ? NULL : r->reason);
  fputc('}', out);
}

static void put_inherit(FILE *out, const struct bm_check_restart *r) {
  put_cell_head(out, "check-inherit", r);
  fputs(", \"holders\": ", out);
  if (!r->witnessed[0])
    fputs("null", out);
  else
    fputc('[', out);
  for (int h = 0; r->witnessed[0] && h < r->holder_count; h++) {
    fprintf(out, "%s{\"pid\": %d", h ? ", " : "", (int)r->holders[h].pid);
    bm_json_field(out, "state", r->holders[h].state);
    bm_json_field(out, "command", r->holders[h].command);
    fputc('}', out);
  }
  if (r->witnessed[0])
    fputc(']', out);
  bm_json_field(out, "reason", r->witnessed[0] ? NULL : r->reason);
  fputc('}', out);
}

static void put_probe(FILE *out, const struct bm_cell *c) {
  const struct bm_cell_key *k = &c->key;
  fputs("    {\"scenario\": \"check-hijack\"", out);
  bm_json_field(out, "proto", bm_proto_name(k->proto));
  bm_json_field(out, "family",
                bm_table_name(&bm_cell_family_table,
                              bm_cell_family(k->listener, k->probe)));
  bm_json_field(out, "listener_endpoint", k->listener->name);
  bm_json_field(out, "probe_endpoint", k->probe->name);
  bm_json_field(out, "probe_addr",
                bm_table_name(&bm_addr_kind_table, k->probe->addr));
  bm_json_field(out, "probe_option", k->probe_option->name);
  bm_json_field(out, "probe_user", bm_user_name(k->user));
  bm_json_outcome(out, c);
  bm_json_hijack_fields(out, c);
  bm_json_field(out, "reason", c->reason);
  fputc('}', out);
}

static void put_verdicts(FILE *out,
                         const struct bm_check_answer a[BM_VERDICT_COUNT]) {
  fputs("    \"verdicts\": [\n", out);
  for (int v = 0; v < BM_VERDICT_COUNT; v++) {
    fputs("      {\"name\": ", out);
    bm_json_string(out, a[v].name);
    bm_json_tristate(out, "answer", a[v].answer);
    bm_json_field(out, "evidence", a[v].evidence);
    fputs(v + 1 < BM_VERDICT_COUNT ? "},\n" : "}\n", out);
  }
  fputs("    ],\n", out);
}

void bm_check_json(FILE *out, const struct bm_check_result *res,
                   const struct bm_check_answer answers[BM_VERDICT_COUNT]) {
  const struct bm_check_options *o = res->options;
  bm_json_result_head(out);
  fputs("  \"cells\": [],\n  \"check\": {\n    \"command\": [", out);
  for (int i = 0; i < o->command_count; i++) {
    if (i)
      fputs(", ", out);
    bm_json_string(out, o->command[i]);
  }
  fputs("],\n    \"port_arg\": ", out);
  if (o->port_arg)
    bm_json_string(out, o->port_arg);
  else
    fputs("null", out);
  fputs(",\n    \"env\": ", out);
  bm_json_string(out, o->env_name);
  fprintf(out, ",\n    \"timeout_ms\": %d, \"grace_ms\": %d,\n    \"port\": %d",
          o->timeout_ms, o->grace_ms, res->port);
  put_listeners(out, &res->first);
  fputs(",\n", out);
  put_verdicts(out, answers);
  fputs("    \"cells\": [\n", out);
  for (int i = 0; i < 2; i++) {
    put_restart(out, &res->restarts[i]);
    fputs(",\n", out);
  }
  for (int i = 0; i < 2; i++) {
    put_inherit(out, &res->restarts[i]);
    fputs(i == 0 || res->probe_count > 0 ? ",\n" : "\n", out);
  }
  for (int i = 0; i < res->probe_count; i++) {
    put_probe(out, &res->probes[i].cell);
    fputs(i + 1 < res->probe_count ? ",\n" : "\n", out);
  }
  fputs("    ]\n  }\n}\n", out);
}
