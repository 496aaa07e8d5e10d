/* `bindmatrix list --json`: the vocabulary, from the tables that define
 * it, one row per line. results/vocabulary.json is this output, kept in
 * the repository for the Python side (a test compares the two). */
#include "output/json.h"

#include "role/protocol.h"
#include "runner/selection.h"
#include "vocab/os.h"

/* Writes `"key": [` ... `]` around rows written by `row`. */
typedef void (*row_writer)(FILE *out, const struct bm_table *t, int i);

static void put_table(FILE *out, const char *key, const struct bm_table *t,
                      row_writer row, int last) {
  fprintf(out, "  \"%s\": [\n", key);
  for (int i = 0; i < t->count; i++) {
    fputs("    ", out);
    row(out, t, i);
    fputs(i + 1 < t->count ? ",\n" : "\n", out);
  }
  fprintf(out, "  ]%s\n", last ? "" : ",");
}

/* A list of names: every OS in `mask` (bit per row of `t`). */
static void put_mask(FILE *out, const char *key, const struct bm_table *t,
                     unsigned long long mask) {
  fprintf(out, ", \"%s\": [", key);
  const char *sep = "";
  for (int i = 0; i < t->count; i++)
    if ((mask >> i) & 1) {
      fputs(sep, out);
      bm_json_string(out, bm_table_name(t, i));
      sep = ", ";
    }
  fputc(']', out);
}

static void name_only(FILE *out, const struct bm_table *t, int i) {
  fputs("{\"name\": ", out);
  bm_json_string(out, bm_table_name(t, i));
  fputc('}', out);
}

static void named(FILE *out, const struct bm_table *t, int i) {
  const struct bm_named *row = bm_table_row(t, i);
  fputs("{\"name\": ", out);
  bm_json_string(out, row->name);
  bm_json_field(out, "summary", row->summary);
  fputc('}', out);
}

static void os_row(FILE *out, const struct bm_table *t, int i) {
  const struct bm_os_family *row = bm_table_row(t, i);
  fputs("{\"name\": ", out);
  bm_json_string(out, row->name);
  bm_json_field(out, "label", row->label);
  fputc('}', out);
}

static void scenario_row(FILE *out, const struct bm_table *t, int i) {
  const struct bm_scenario *row = bm_table_row(t, i);
  unsigned long long states = 0;
  for (int s = 0; s < bm_state_table.count; s++)
    for (int p = 0; p < BM_PROTO_COUNT; p++)
      if (bm_scenario_probes(row, (enum bm_proto)p, bm_state_at(s)->name))
        states |= 1ull << s;
  fputs("{\"name\": ", out);
  bm_json_string(out, row->name);
  bm_json_field(out, "summary", row->summary);
  put_mask(out, "protos", &bm_proto_table, row->protos);
  put_mask(out, "states", &bm_state_table, states);
  fprintf(out, ", \"second_listens\": %s, \"inherits\": %s}",
          row->second_listens ? "true" : "false",
          row->inherits ? "true" : "false");
}

static void holds(FILE *out, const char *version, const char *address,
                  const char **sep) {
  if (!address)
    return;
  fprintf(out, "%s\"%s\": ", *sep, version);
  bm_json_string(out, address);
  *sep = ", ";
}

static void endpoint_row(FILE *out, const struct bm_table *t, int i) {
  const struct bm_endpoint_def *row = bm_table_row(t, i);
  const char *sep = "";
  fputs("{\"name\": ", out);
  bm_json_string(out, row->name);
  bm_json_field(out, "ip", row->ip == BM_IPV4 ? "ipv4" : "ipv6");
  bm_json_field(out, "addr", bm_table_name(&bm_addr_kind_table, row->addr));
  fprintf(out, ", \"v6only\": %s, \"holds\": {",
          row->v6only < 0 ? "null"
          : row->v6only   ? "true"
                          : "false");
  holds(out, "ipv4", row->holds_ipv4, &sep);
  holds(out, "ipv6", row->holds_ipv6, &sep);
  fputc('}', out);
  bm_json_field(out, "connect_to", row->connect_to);
  fputc('}', out);
}

static void sockopt_row(FILE *out, const struct bm_table *t, int i) {
  const struct bm_sockopt_row *row = bm_table_row(t, i);
  fputs("{\"name\": ", out);
  bm_json_string(out, row->name);
  put_mask(out, "os", &bm_os_table, row->os);
  fputc('}', out);
}

static void option_row(FILE *out, const struct bm_table *t, int i) {
  const struct bm_option *row = bm_table_row(t, i);
  fputs("{\"name\": ", out);
  bm_json_string(out, row->name);
  bm_json_field(out, "via", bm_table_name(&bm_via_table, row->via));
  fprintf(out, ", \"shares\": %s", row->shares ? "true" : "false");
  if (row->via == BM_VIA_RUNTIME) { /* measured per cell: listener_socket */
    bm_json_field(out, "runtime", row->runtime);
    fputs(", \"sets\": null}", out);
    return;
  }
  fputs(", \"sets\": {", out);
  for (int os = 0; os < BM_OS_COUNT; os++) {
    unsigned sets = bm_option_sets(row, (enum bm_os)os);
    fprintf(out, "%s\"%s\": ", os ? ", " : "",
            bm_os_family((enum bm_os)os)->name);
    if (sets == BM_NOT_ON_OS) {
      fputs("null", out);
      continue;
    }
    fputc('[', out);
    const char *sep = "";
    for (int s = 0; s < bm_sockopt_table.count; s++) {
      const struct bm_sockopt_row *so = bm_table_row(&bm_sockopt_table, s);
      if (sets & so->bit) {
        fputs(sep, out);
        bm_json_string(out, so->name);
        sep = ", ";
      }
    }
    fputc(']', out);
  }
  fputs("}}", out);
}

static void state_row(FILE *out, const struct bm_table *t, int i) {
  const struct bm_state *row = bm_table_row(t, i);
  fputs("{\"name\": ", out);
  bm_json_string(out, row->name);
  put_mask(out, "protos", &bm_proto_table, row->protos);
  bm_json_field(out, "question",
                bm_table_name(&bm_question_table, row->question));
  bm_json_field(out, "summary", row->summary);
  /* The witnessed states that show it: its own name, or its list. */
  fputs(", \"shown_by\": [", out);
  if (!row->shown_by)
    bm_json_string(out, row->name);
  for (const char *const *s = row->shown_by; s && *s; s++) {
    if (s != row->shown_by)
      fputs(", ", out);
    bm_json_string(out, *s);
  }
  fputs("]}", out);
}

static void put_kind(FILE *out, const struct bm_sequence_kind *k) {
  fputs("{\"name\": ", out);
  bm_json_string(out, k->name);
  put_mask(out, "protos", &bm_proto_table, k->protos);
  fputs(", \"steps\": [", out);
  for (int s = 0; s < k->step_count; s++) {
    const struct bm_step *step = &k->steps[s];
    fprintf(out, "%s{\"state\": ", s ? ", " : "");
    bm_json_string(out, step->state);
    fputs(", \"requests\": [", out);
    for (int r = 0; r < step->request_count; r++) {
      char text[64];
      snprintf(text, sizeof text, "%s %s",
               step->requests[r].role == BM_ROLE_SERVER ? "server" : "client",
               bm_verb_name(step->requests[r].verb));
      fputs(r ? ", " : "", out);
      bm_json_string(out, text);
    }
    fputs("]}", out);
  }
  fputs("]}", out);
}

static void kind_row(FILE *out, const struct bm_table *t, int i) {
  put_kind(out, bm_table_row(t, i));
}

static void spawn_row(FILE *out, const struct bm_table *t, int i) {
  const struct bm_spawn_method *row = bm_table_row(t, i);
  fputs("{\"name\": ", out);
  bm_json_string(out, row->name);
  fprintf(out, ", \"passes_inheritable\": %s",
          row->passes_inheritable ? "true" : "false");
  put_mask(out, "os", &bm_os_table, row->os);
  fputc('}', out);
}

static void put_filter_fields(FILE *out) {
  fputs("  \"filter_fields\": [\n", out);
  for (int i = 0; bm_filter_field_at(i); i++) {
    fputs(i ? ",\n    {\"name\": " : "    {\"name\": ", out);
    bm_json_string(out, bm_filter_field_at(i)->name);
    bm_json_field(out, "summary", bm_filter_field_at(i)->summary);
    fputc('}', out);
  }
  fputs("\n  ],\n", out);
}

static void put_cell_key(FILE *out) {
  static const char *const fields[] = {
      "scenario",        "proto",        "listener_endpoint", "probe_endpoint",
      "listener_option", "probe_option", "probe_user",        "state",
      "cloexec",         "spawn"};
  fputs("  \"cell_key\": [", out);
  for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
    fputs(i ? ", " : "", out);
    bm_json_string(out, fields[i]);
  }
  fputs("],\n", out);
}

/* The outcomes a cell can have: ok, unsupported and invalid, and every
 * error by its libuv name. */
static void put_outcomes(FILE *out) {
  fputs("  \"outcomes\": [\"ok\", \"unsupported\", \"invalid\"],\n"
        "  \"errors\": [",
        out);
  for (int i = 0; i < bm_error_table.count; i++) {
    if (i < 2)
      continue; /* ok and unsupported are outcomes of their own */
    fputs(i > 2 ? ", " : "", out);
    bm_json_string(out, bm_table_name(&bm_error_table, i));
  }
  fputs("],\n", out);
}

void bm_json_vocabulary(FILE *out) {
  fputs("{\n  \"vocabulary\": 1,\n", out);
  put_cell_key(out);
  put_outcomes(out);
  put_filter_fields(out);
  put_table(out, "os_families", &bm_os_table, os_row, 0);
  put_table(out, "scenarios", &bm_scenario_table, scenario_row, 0);
  put_table(out, "protos", &bm_proto_table, name_only, 0);
  put_table(out, "users", &bm_user_table, named, 0);
  put_table(out, "cloexec", &bm_cloexec_table, named, 0);
  put_table(out, "socket_kinds", &bm_sock_kind_table, named, 0);
  put_table(out, "cell_families", &bm_cell_family_table, named, 0);
  put_table(out, "addr_kinds", &bm_addr_kind_table, named, 0);
  put_table(out, "endpoints", &bm_endpoint_table, endpoint_row, 0);
  put_table(out, "sockopts", &bm_sockopt_table, sockopt_row, 0);
  put_table(out, "options", &bm_option_table, option_row, 0);
  put_table(out, "questions", &bm_question_table, named, 0);
  put_table(out, "states", &bm_state_table, state_row, 0);
  put_table(out, "sequences", &bm_kind_table, kind_row, 0);
  put_table(out, "spawns", &bm_spawn_table, spawn_row, 0);
  put_table(out, "stages", &bm_stage_table, name_only, 1);
  fputs("}\n", out);
}
