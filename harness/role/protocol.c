#include "role/protocol.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const stage_names[BM_STAGE_COUNT] = {
    [BM_STAGE_SOCKET] = "socket",
    [BM_STAGE_SETSOCKOPT] = "setsockopt",
    [BM_STAGE_BIND] = "bind",
    [BM_STAGE_LISTEN] = "listen",
    [BM_STAGE_BIND_OR_LISTEN] = "bind-or-listen",
    [BM_STAGE_ACCEPT] = "accept",
    [BM_STAGE_CONNECT] = "connect",
    [BM_STAGE_GETSOCKNAME] = "getsockname",
    [BM_STAGE_SHUTDOWN] = "shutdown",
    [BM_STAGE_FILTER] = "filter",
    [BM_STAGE_UV_TCP_BIND] = "uv_tcp_bind",
    [BM_STAGE_CLOEXEC] = "cloexec",
    [BM_STAGE_LOOP] = "loop",
    [BM_STAGE_SPAWN] = "spawn",
    [BM_STAGE_COMMAND] = "command",
};

const struct bm_table bm_stage_table = BM_TABLE("stage", stage_names);

const char *bm_stage_name(enum bm_stage stage) {
  return (unsigned)stage < BM_STAGE_COUNT ? stage_names[stage] : "?";
}

struct bm_status bm_status(enum bm_stage stage, struct bm_error error) {
  struct bm_status st = {stage, error};
  return st;
}

/* ---- requests ----------------------------------------------------------- */

/* Which words follow each verb. */
enum shape { PLAIN, BOUND_SOCKET, CLIENT, INHERIT };

static enum shape shape_of(enum bm_verb verb) {
  switch (verb) {
  case BM_VERB_SERVER:
  case BM_VERB_BIND:
  case BM_VERB_PROBE:
    return BOUND_SOCKET;
  case BM_VERB_CLIENT:
    return CLIENT;
  case BM_VERB_INHERIT:
    return INHERIT;
  default:
    return PLAIN;
  }
}

void bm_request_format(const struct bm_request_line *r, char *buf,
                       size_t size) {
  const char *verb = bm_verb_name(r->verb);
  const char *ep = r->endpoint.def ? r->endpoint.def->name : "-";
  switch (shape_of(r->verb)) {
  case PLAIN:
    snprintf(buf, size, "%s", verb);
    break;
  case CLIENT:
    snprintf(buf, size, "%s %s %d %d", verb, ep, r->endpoint.port, r->count);
    break;
  case BOUND_SOCKET:
    snprintf(buf, size, "%s %s %s %s %d", verb, bm_proto_name(r->proto), ep,
             r->option->name, r->endpoint.port);
    break;
  case INHERIT:
    if (r->option->via == BM_VIA_RUNTIME)
      snprintf(buf, size, "%s %s %s %s %d %s hold", verb,
               bm_proto_name(r->proto), ep, r->option->name, r->endpoint.port,
               r->hold);
    else
      snprintf(buf, size, "%s %s %s %s %d %s %s", verb, bm_proto_name(r->proto),
               ep, r->option->name, r->endpoint.port,
               r->cloexec ? "true" : "false", r->spawn->name);
    break;
  }
}

static int parse_int(const char *text, int min, int max, int *out) {
  char *end;
  long value = strtol(text, &end, 10);
  *out = (int)value;
  return text[0] != '\0' && *end == '\0' && value >= min && value <= max ? 0
                                                                         : -1;
}

#define MAX_WORDS 8

/* Splits `copy` in place at single spaces. */
static int split(char *copy, char **words) {
  int n = 0;
  for (char *w = strtok(copy, " "); w && n < MAX_WORDS; w = strtok(NULL, " "))
    words[n++] = w;
  return n;
}

static int fail_with(const char **why, const char *what) {
  *why = what;
  return -1;
}

static int parse_endpoint(const char *name, const char *port,
                          struct bm_endpoint *out, const char **why) {
  out->def = bm_endpoint_find(name);
  if (!out->def)
    return fail_with(why, "unknown endpoint");
  if (parse_int(port, 0, 65535, &out->port) != 0)
    return fail_with(why, "bad port");
  return 0;
}

/* PROTO ENDPOINT OPTION PORT */
static int parse_bound_socket(char **w, struct bm_request_line *r,
                              const char **why) {
  int proto = bm_table_find(&bm_proto_table, w[0]);
  if (proto < 0)
    return fail_with(why, "unknown protocol");
  r->proto = (enum bm_proto)proto;
  r->option = bm_option_find(w[2]);
  if (!r->option)
    return fail_with(why, "unknown option");
  return parse_endpoint(w[1], w[3], &r->endpoint, why);
}

int bm_request_parse(const char *line, struct bm_request_line *r,
                     const char **why) {
  static const int words_of[] = {
      [PLAIN] = 1, [BOUND_SOCKET] = 5, [CLIENT] = 4, [INHERIT] = 7};
  char copy[BM_LINE_MAX], *w[MAX_WORDS];
  snprintf(copy, sizeof copy, "%s", line);
  int n = split(copy, w);
  memset(r, 0, sizeof *r);
  int verb = n > 0 ? bm_table_find(&bm_verb_table, w[0]) : -1;
  if (verb < 0)
    return fail_with(why, "unknown request");
  r->verb = (enum bm_verb)verb;
  enum shape shape = shape_of(r->verb);
  if (n != words_of[shape])
    return fail_with(why, "wrong number of words");
  if (shape == CLIENT) {
    if (parse_int(w[3], 1, 64, &r->count) != 0)
      return fail_with(why, "bad count");
    return parse_endpoint(w[1], w[2], &r->endpoint, why);
  }
  if (shape == PLAIN)
    return 0;
  if (parse_bound_socket(w + 1, r, why) != 0)
    return -1;
  if (shape == INHERIT) {
    int cloexec = bm_table_find(&bm_cloexec_table, w[5]);
    r->spawn = bm_spawn_find(w[6]);
    if (cloexec < 0 || !r->spawn)
      return fail_with(why, "bad close-on-exec flag or spawn method");
    r->cloexec = cloexec;
  }
  return 0;
}

/* ---- replies ------------------------------------------------------------ */

void bm_reply_format(const struct bm_reply *r, int value_count, char *buf,
                     size_t size) {
  if (!r->ok) {
    const struct bm_error *e = &r->status.error;
    char number[16] = "-";
    if (e->os_error != BM_NO_OS_ERROR)
      snprintf(number, sizeof number, "%d", e->os_error);
    snprintf(buf, size, "fail %s %s %s", bm_stage_name(r->status.stage),
             bm_error_name(e->code), number);
    return;
  }
  size_t used = (size_t)snprintf(buf, size, "ok");
  for (int i = 0; i < value_count && used < size; i++)
    used += (size_t)snprintf(buf + used, size - used, " %lld", r->values[i]);
}

int bm_reply_parse(const char *line, struct bm_reply *r) {
  char copy[BM_LINE_MAX], *w[MAX_WORDS];
  snprintf(copy, sizeof copy, "%s", line);
  int n = split(copy, w);
  memset(r, 0, sizeof *r);
  if (n >= 2 && n <= 1 + BM_REPLY_VALUES && strcmp(w[0], "ok") == 0) {
    for (int i = 1; i < n; i++) {
      char *end;
      r->values[i - 1] = strtoll(w[i], &end, 10);
      if (*end != '\0')
        return -1;
    }
    r->ok = 1;
    return 0;
  }
  int stage = n == 4 ? bm_table_find(&bm_stage_table, w[1]) : -1;
  if (stage < 0 || strcmp(w[0], "fail") != 0)
    return -1;
  r->status.stage = (enum bm_stage)stage;
  int os_error = BM_NO_OS_ERROR;
  if (strcmp(w[3], "-") != 0 && parse_int(w[3], 1, 0x7fffffff, &os_error) != 0)
    return -1;
  if (strcmp(w[2], "-") == 0) { /* the role does not name it: we do */
    if (os_error == BM_NO_OS_ERROR)
      return -1;
    r->status.error = bm_error_from_os(os_error);
    return 0;
  }
  if (bm_error_parse(w[2], &r->status.error.code) != 0 ||
      r->status.error.code == 0)
    return -1;
  r->status.error.os_error = os_error;
  return 0;
}
