/* The result file, written by hand: the values are few and known, and the
 * harness must run with nothing but libuv. */
#include "bm_cell.h"
#include "bm_platform.h"

#include <string.h>
#include <uv.h>

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

static void put_cell(FILE *out, const struct bm_cell *c) {
  fputs("    {\"scenario\": \"bind\"", out);
  put_field(out, "proto", "tcp");
  put_field(out, "family", bm_family_name(c->family));
  put_field(out, "listener_option", c->listener_option->name);
  put_field(out, "probe_option", c->probe_option->name);
  put_field(out, "listener_addr", bm_addr_name(c->listener_addr));
  put_field(out, "probe_addr", bm_addr_name(c->probe_addr));
  fprintf(out, ", \"v6only\": %s", c->family == BM_IPV6 ? "true" : "null");
  put_field(out, "probe_user", "same");
  put_field(out, "state", c->state);
  put_field(out, "witnessed_state", c->witnessed);
  put_field(out, "outcome", c->outcome);
  if (c->os_error == BM_NO_OS_ERROR)
    fputs(", \"os_error\": null", out);
  else
    fprintf(out, ", \"os_error\": %d", c->os_error);
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
