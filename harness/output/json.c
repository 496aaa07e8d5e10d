/* The result file and the plan, written by hand: the values are few and
 * known, and the harness must run with nothing but libuv. */
#include "output/json.h"

#include "output/platform.h"

#include <string.h>
#include <uv.h>

void bm_json_string(FILE *out, const char *s) {
  fputc('"', out);
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\')
      fprintf(out, "\\%c", c);
    else if (c < 0x20)
      fprintf(out, "\\u%04x", c);
    else
      fputc(c, out);
  }
  fputc('"', out);
}

void bm_json_field(FILE *out, const char *name, const char *value) {
  fprintf(out, ", \"%s\": ", name);
  if (value && *value)
    bm_json_string(out, value);
  else
    fputs("null", out);
}

void bm_json_tristate(FILE *out, const char *name, int value) {
  fprintf(out, ", \"%s\": %s", name,
          value < 0 ? "null"
          : value   ? "true"
                    : "false");
}

static void put_error_number(FILE *out, const char *name, int os_error) {
  if (os_error == BM_NO_OS_ERROR)
    fprintf(out, ", \"%s\": null", name);
  else
    fprintf(out, ", \"%s\": %d", name, os_error);
}

/* IPV6_V6ONLY of the cell's IPv6 sockets: null when it has none. */
static int cell_v6only(enum bm_cell_family family) {
  if (family == BM_FAMILY_IPV4)
    return -1;
  return family != BM_FAMILY_DUALSTACK;
}

static const char *addr_kind(const struct bm_endpoint_def *ep) {
  return bm_table_name(&bm_addr_kind_table, ep->addr);
}

void bm_json_key(FILE *out, const struct bm_cell_key *k) {
  enum bm_cell_family family = bm_cell_family(k->listener, k->probe);
  fputs("{\"scenario\": ", out);
  bm_json_string(out, k->scenario->name);
  bm_json_field(out, "proto", bm_proto_name(k->proto));
  bm_json_field(out, "family", bm_table_name(&bm_cell_family_table, family));
  bm_json_field(out, "listener_option", k->listener_option->name);
  bm_json_field(out, "probe_option", k->probe_option->name);
  bm_json_field(out, "listener_addr", addr_kind(k->listener));
  bm_json_field(out, "probe_addr", addr_kind(k->probe));
  bm_json_field(out, "listener_endpoint", k->listener->name);
  bm_json_field(out, "probe_endpoint", k->probe->name);
  bm_json_tristate(out, "v6only", cell_v6only(family));
  bm_json_field(out, "probe_user", bm_user_name(k->user));
  bm_json_field(out, "state", k->state->name);
}

static void put_inherit_key(FILE *out, const struct bm_cell_key *k) {
  bm_json_tristate(out, "cloexec", k->cloexec);
  bm_json_field(out, "spawn", k->spawn->name);
}

static const char *outcome_name(enum bm_cell_status status, int code) {
  switch (status) {
  case BM_CELL_MEASURED:
    return bm_error_name(code);
  case BM_CELL_UNSUPPORTED:
    return "unsupported";
  default:
    return "invalid";
  }
}

void bm_json_outcome(FILE *out, const struct bm_cell *c) {
  bm_json_field(out, "outcome", outcome_name(c->status, c->outcome.code));
  put_error_number(out, "os_error",
                   c->status == BM_CELL_MEASURED ? c->outcome.os_error
                                                 : BM_NO_OS_ERROR);
}

void bm_json_hijack_fields(FILE *out, const struct bm_cell *c) {
  bm_json_field(out, "listen_outcome",
                c->listened ? bm_error_name(c->listen_outcome.code) : NULL);
  bm_json_field(out, "reached", c->reached);
  if (c->reached[0])
    fprintf(out, ", \"connections\": %d", c->connections);
  else
    fputs(", \"connections\": null", out);
}

/* A runtime's listener as the OS showed it; null where it did not. */
static void put_listener_socket(FILE *out, const struct bm_sockinfo *s) {
  if (s->family == 0) {
    fputs(", \"listener_socket\": null", out);
    return;
  }
  fprintf(out, ", \"listener_socket\": {\"family\": \"%s\"",
          s->family == 4 ? "ipv4" : "ipv6");
  const struct {
    const char *name;
    int value;
  } flags[] = {{"SO_REUSEADDR", s->reuseaddr},
               {"SO_REUSEPORT", s->reuseport},
               {"IPV6_V6ONLY", s->v6only},
               {"close_on_exec", s->cloexec}};
  for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
    bm_json_tristate(out, flags[i].name, flags[i].value);
  fputc('}', out);
}

/* --repeat: what the runs gave, where they did not all give the same:
 * "varied" says whether the outcome differed (not only the kind of socket
 * the witness met), "outcomes_seen" each distinct result and its count. */
static void put_tally(FILE *out, const struct bm_tally *t, int hijack) {
  if (!t || t->count < 2)
    return;
  bm_json_tristate(out, "varied", bm_tally_varied(t));
  fputs(", \"outcomes_seen\": [", out);
  for (int i = 0; i < t->count; i++) {
    const struct bm_variant *v = &t->variants[i];
    fputs(i ? ", {\"outcome\": " : "{\"outcome\": ", out);
    bm_json_string(out, outcome_name(v->status, v->outcome));
    bm_json_field(out, "witnessed_kind", bm_sock_kind_name(v->kind));
    if (hijack)
      bm_json_field(out, "reached", v->reached);
    fprintf(out, ", \"count\": %d}", v->count);
  }
  fputc(']', out);
}

static void put_cell(FILE *out, const struct bm_cell *c,
                     const struct bm_tally *t) {
  const struct bm_cell_key *k = &c->key;
  fputs("    ", out);
  bm_json_key(out, k);
  bm_json_field(out, "witnessed_state", c->witnessed);
  bm_json_field(out, "witnessed_kind", bm_sock_kind_name(c->witnessed_kind));
  bm_json_outcome(out, c);
  if (k->scenario->second_listens)
    bm_json_hijack_fields(out, c);
  if (k->scenario->inherits) {
    put_inherit_key(out, k);
    bm_json_tristate(out, "child_holds_listener", c->child_holds_listener);
    bm_json_tristate(out, "child_holds_loop", c->child_holds_loop);
  }
  if (k->listener_option->via == BM_VIA_RUNTIME)
    put_listener_socket(out, &c->listener_socket);
  put_tally(out, t, k->scenario->second_listens);
  if (c->reason[0])
    bm_json_field(out, "reason", c->reason);
  fputc('}', out);
}

static void put_platform(FILE *out) {
  struct bm_platform p;
  if (bm_platform_read(&p) != 0)
    memset(&p, 0, sizeof p);
  fputs("  \"platform\": {\"family\": ", out);
  bm_json_string(out, p.family ? p.family : "unknown");
  bm_json_field(out, "os", p.os);
  bm_json_field(out, "release", p.release);
  bm_json_field(out, "arch", p.arch);
  bm_json_field(out, "id", p.id);
  bm_json_field(out, "emulation", p.emulation);
  bm_json_field(out, "source", "measured");
  fputs("},\n", out);
}

/* How the cells were measured: not part of any cell, so that two runs'
 * cells compare equal whatever the machine was doing. */
static void put_run(FILE *out, const struct bm_run_info *run) {
  fprintf(out,
          "  \"run\": {\"roles\": \"%s\", \"jobs\": %d, \"timeout_ms\": %d, "
          "\"retries\": %d, \"role_processes\": %d, \"role_uses\": %d, "
          "\"seconds\": %.1f, \"repeat\": %d",
          run->fresh ? "fresh" : "workers", run->jobs, run->timeout_ms,
          run->stats.retries, run->stats.role_processes, run->stats.role_uses,
          run->stats.seconds, run->repeat);
  /* Measured once, a cell cannot be seen to vary: null, not 0. */
  if (run->repeat > 1)
    fprintf(out, ", \"varied\": %d},\n", run->varied);
  else
    fputs(", \"varied\": null},\n", out);
}

void bm_json_result_head(FILE *out) {
  fputs("{\n  \"schema\": 1,\n", out);
  put_platform(out);
  fputs("  \"harness\": {\"version\": ", out);
  bm_json_string(out, BM_VERSION);
  bm_json_field(out, "libuv", uv_version_string());
  fputs("},\n", out);
}

void bm_json_result(FILE *out, const struct bm_cell *cells,
                    const struct bm_tally *tallies, int count,
                    const struct bm_run_info *run) {
  bm_json_result_head(out);
  put_run(out, run);
  fputs("  \"cells\": [\n", out);
  for (int i = 0; i < count; i++) {
    put_cell(out, &cells[i], tallies ? &tallies[i] : NULL);
    fputs(i + 1 < count ? ",\n" : "\n", out);
  }
  fputs("  ]\n}\n", out);
}

void bm_json_plan_cell(FILE *out, const struct bm_cell_key *k) {
  char id[256];
  bm_cell_id(k, id, sizeof id);
  bm_json_key(out, k);
  if (k->scenario->inherits)
    put_inherit_key(out, k);
  bm_json_field(out, "id", id);
  fputs("}\n", out);
}
