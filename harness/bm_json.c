/* The result file, written by hand: the values are few and known, and the
 * harness must run with nothing but libuv. */
#include "bm_cell.h"
#include "bm_platform.h"

#include <string.h>
#include <uv.h>

static const char *const scenario_names[BM_SCENARIO_COUNT] = {
    [BM_SCENARIO_BIND] = "bind",
    [BM_SCENARIO_HIJACK] = "hijack",
    [BM_SCENARIO_INHERIT] = "inherit",
};

const char *bm_scenario_name(enum bm_scenario scenario) {
  return scenario_names[scenario];
}

static void put_string(FILE *out, const char *s) {
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

static void put_field(FILE *out, const char *name, const char *value) {
  fprintf(out, ", \"%s\": ", name);
  if (value && *value)
    put_string(out, value);
  else
    fputs("null", out);
}

/* "ipv4" or "ipv6" when both sockets are of that family only (IPv6 with
 * IPV6_V6ONLY on); "dualstack" when one is a dual-stack IPv6 socket;
 * "mixed" for an IPv4 socket beside an IPv6-only one. */
static const char *cell_family(const struct bm_cell *c) {
  const struct bm_endpoint *l = &c->listener, *p = &c->probe;
  if ((l->family == BM_IPV6 && !l->v6only) ||
      (p->family == BM_IPV6 && !p->v6only))
    return "dualstack";
  if (l->family != p->family)
    return "mixed";
  return l->family == BM_IPV4 ? "ipv4" : "ipv6";
}

/* IPV6_V6ONLY of the cell's IPv6 sockets: null when it has none. */
static const char *cell_v6only(const char *family) {
  if (strcmp(family, "ipv4") == 0)
    return "null";
  return strcmp(family, "dualstack") == 0 ? "false" : "true";
}

static const char *addr_kind(const struct bm_endpoint *ep) {
  static const char *const kinds[] = {[BM_ADDR_WILDCARD] = "wildcard",
                                      [BM_ADDR_LOOPBACK] = "specific",
                                      [BM_ADDR_V4MAPPED] = "v4mapped"};
  return kinds[ep->addr];
}

static void put_hijack_fields(FILE *out, const struct bm_cell *c) {
  put_field(out, "listen_outcome", c->listen_outcome);
  put_field(out, "reached", c->reached);
  if (c->reached[0])
    fprintf(out, ", \"connections\": %d", c->connections);
  else
    fputs(", \"connections\": null", out);
}

static void put_bool(FILE *out, const char *name, int value) {
  fprintf(out, ", \"%s\": %s", name,
          value == BM_HOLDS_UNKNOWN ? "null"
          : value                   ? "true"
                                    : "false");
}

static void put_inherit_fields(FILE *out, const struct bm_cell *c) {
  put_bool(out, "cloexec", c->cloexec);
  put_field(out, "spawn", c->spawn->name);
  put_bool(out, "child_holds_listener", c->child_holds_listener);
  put_bool(out, "child_holds_loop", c->child_holds_loop);
}

static void put_cell(FILE *out, const struct bm_cell *c) {
  const char *family = cell_family(c);
  fputs("    {\"scenario\": ", out);
  put_string(out, bm_scenario_name(c->scenario));
  put_field(out, "proto", bm_proto_name(c->proto));
  put_field(out, "family", family);
  put_field(out, "listener_option", c->listener_option->name);
  put_field(out, "probe_option", c->probe_option->name);
  put_field(out, "listener_addr", addr_kind(&c->listener));
  put_field(out, "probe_addr", addr_kind(&c->probe));
  put_field(out, "listener_endpoint", bm_endpoint_name(&c->listener));
  put_field(out, "probe_endpoint", bm_endpoint_name(&c->probe));
  fprintf(out, ", \"v6only\": %s", cell_v6only(family));
  put_field(out, "probe_user", c->probe_other_user ? "other" : "same");
  put_field(out, "state", c->state);
  put_field(out, "witnessed_state", c->witnessed);
  put_field(out, "outcome", c->outcome);
  if (c->os_error == BM_NO_OS_ERROR)
    fputs(", \"os_error\": null", out);
  else
    fprintf(out, ", \"os_error\": %d", c->os_error);
  if (c->scenario == BM_SCENARIO_HIJACK)
    put_hijack_fields(out, c);
  if (c->scenario == BM_SCENARIO_INHERIT)
    put_inherit_fields(out, c);
  if (c->reason[0])
    put_field(out, "reason", c->reason);
  fputc('}', out);
}

static void put_platform(FILE *out) {
  struct bm_platform p;
  if (bm_platform_read(&p) != 0)
    memset(&p, 0, sizeof p);
  fputs("  \"platform\": {\"family\": ", out);
  put_string(out, p.family ? p.family : "unknown");
  put_field(out, "os", p.os);
  put_field(out, "release", p.release);
  put_field(out, "arch", p.arch);
  put_field(out, "id", p.id);
  put_field(out, "emulation", p.emulation);
  put_field(out, "source", "measured");
  fputs("},\n", out);
}

void bm_cells_write_json(FILE *out, const struct bm_cell *cells, int count) {
  fputs("{\n  \"schema\": 1,\n", out);
  put_platform(out);
  fputs("  \"harness\": {\"version\": ", out);
  put_string(out, BM_VERSION);
  put_field(out, "libuv", uv_version_string());
  fputs("},\n  \"cells\": [\n", out);
  for (int i = 0; i < count; i++) {
    put_cell(out, &cells[i]);
    fputs(i + 1 < count ? ",\n" : "\n", out);
  }
  fputs("  ]\n}\n", out);
}
