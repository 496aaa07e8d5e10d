/* bm-role: one role of a cell in its own process, driven over stdin/stdout.
 *
 *   bm-role server PROTO ENDPOINT OPTION [PORT]  binds (TCP: and listens);
 *                                                 with PORT: a hijacker
 *   bm-role client ENDPOINT PORT [COUNT]          COUNT connections (1)
 *   bm-role probe PROTO ENDPOINT OPTION PORT      binds once, closes, exits
 *   bm-role inherit PROTO ENDPOINT OPTION PORT CLOEXEC SPAWN
 *                     a server (CLOEXEC: true or false, its listener's
 *                     flag) that starts `bm-role hold` by SPAWN (bindmatrix
 *                     list) with descriptor 3 as its input, answers
 *                     "ok PORT CHILDPID LOOPFD LISTENERID" and exits
 *                     when its input ends
 *   bm-role hold      answers "ok PID", then keeps what it inherited until
 *                     its input ends
 *
 * ENDPOINT is a name such as 0.0.0.0, [::1] or [::]dual (bindmatrix list).
 * Each step answers one line: "ok N" (the port; for several connections,
 * how many were made; for "count", how many were waiting; else 0) or
 * "fail STAGE ERROR" (ERROR: the OS error number, or "unsupported").
 * Commands, one per line: server accept, count, close-listener,
 * close-conn; client close, shutdown, block-input. End of input (the
 * harness went away) ends the role, so nothing outlives the harness.
 * This program names no errors: the harness does. */
#include "bm_inherit.h"
#include "bm_roles.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CONNECTIONS 64
#define HOLD_INPUT_FD 3 /* the inherit server's, handed on to its child */

static void reply(struct bm_status st, int value) {
  if (st.error == 0)
    printf("ok %d\n", value);
  else if (st.error == BM_UNSUPPORTED)
    printf("fail %s unsupported\n", bm_stage_name(st.stage));
  else
    printf("fail %s %d\n", bm_stage_name(st.stage), st.error);
  fflush(stdout);
}

/* Reads one command line without its line end; 0 at end of input. */
static int next_command(char *buf, size_t size) {
  if (!fgets(buf, (int)size, stdin))
    return 0;
  buf[strcspn(buf, "\r\n")] = '\0';
  return 1;
}

/* Ignores every command until the harness ends the input. */
static void await_end_of_input(void) {
  char line[64];
  while (next_command(line, sizeof line))
    ;
}

static int usage(const char *why) {
  fprintf(stderr, "bm-role: %s\n", why);
  return 2;
}

static int run_server(enum bm_proto proto, const struct bm_endpoint *ep,
                      const struct bm_option *opt) {
  struct bm_server srv;
  struct bm_status st = bm_server_open(&srv, proto, ep, opt);
  reply(st, srv.port);
  char cmd[64];
  while (st.error == 0 && next_command(cmd, sizeof cmd)) {
    int value;
    struct bm_status done = bm_server_do(&srv, cmd, &value);
    reply(done, value);
  }
  bm_server_close(&srv);
  return st.error == 0 ? 0 : 1;
}

/* One connection answers with its local port (the witness needs it);
 * several, as for a hijack, with how many were made. */
static int run_clients(const struct bm_endpoint *ep, int count) {
  static struct bm_client clients[MAX_CONNECTIONS];
  struct bm_status st = {BM_STAGE_CONNECT, 0};
  int made = 0;
  for (; made < count && st.error == 0; made++)
    st = bm_client_connect(&clients[made], ep);
  if (st.error != 0)
    made--;
  reply(st, count == 1 ? clients[0].local_port : made);
  char cmd[64];
  while (st.error == 0 && next_command(cmd, sizeof cmd)) {
    struct bm_status done = st;
    for (int i = 0; i < made; i++)
      done = bm_client_do(&clients[i], cmd);
    reply(done, 0);
  }
  for (int i = 0; i < made; i++)
    bm_client_do(&clients[i], "close");
  return st.error == 0 ? 0 : 1;
}

static int parse_int(const char *text, int min, int max, int *out) {
  char *end;
  long value = strtol(text, &end, 10);
  *out = (int)value;
  return *end == '\0' && value >= min && value <= max ? 0 : -1;
}

/* A server that starts a child and dies: the listener closes with it,
 * unless the child inherited it. It waits for the harness to end its input
 * before it exits, so that the harness can check, while the child's parent
 * is still this process, that the pid it was told is this process's child:
 * once the server is gone, the child's parent is whoever adopted it. */
static int run_inherit(enum bm_proto proto, const struct bm_endpoint *ep,
                       const struct bm_option *opt, int cloexec,
                       const struct bm_spawn_method *spawn, char *self) {
  struct bm_server srv;
  struct bm_inheritance inh;
  struct bm_status st = bm_server_open(&srv, proto, ep, opt);
  if (st.error == 0)
    st = bm_inherit_start(srv.listener, cloexec, spawn, self, HOLD_INPUT_FD,
                          &inh);
  if (st.error != 0) {
    reply(st, 0);
    return 1;
  }
  printf("ok %d %d %d %llu\n", srv.port, (int)inh.child, inh.loop_fd,
         inh.listener_id);
  fflush(stdout);
  await_end_of_input();
  return 0;
}

/* The inherit server's child. Its first line tells the server it runs the
 * hold program (its exec is over); it keeps its output no longer. */
static int run_hold(void) {
  printf("ok %d\n", (int)uv_os_getpid());
  fclose(stdout);
  await_end_of_input();
  return 0;
}

static int parse_cloexec(const char *text, int *out) {
  *out = strcmp(text, "true") == 0;
  return *out || strcmp(text, "false") == 0 ? 0 : -1;
}

static int run_bound_role(int argc, char **argv) {
  enum bm_proto proto;
  struct bm_endpoint ep;
  const struct bm_option *opt = bm_option_find(argv[4]);
  int is_inherit = strcmp(argv[1], "inherit") == 0;
  if (bm_proto_parse(argv[2], &proto) != 0)
    return usage("unknown protocol");
  if (bm_endpoint_parse(argv[3], &ep) != 0)
    return usage("unknown endpoint");
  if (!opt)
    return usage("unknown option");
  if (argc >= 6 && parse_int(argv[5], 1, 65535, &ep.port) != 0)
    return usage("bad port");
  if (is_inherit) {
    int cloexec;
    const struct bm_spawn_method *spawn = bm_spawn_find(argv[7]);
    if (parse_cloexec(argv[6], &cloexec) != 0)
      return usage("CLOEXEC is true or false");
    if (!spawn)
      return usage("unknown spawn method");
    return run_inherit(proto, &ep, opt, cloexec, spawn, argv[0]);
  }
  if (strcmp(argv[1], "server") == 0)
    return run_server(proto, &ep, opt);
  reply(bm_probe_bind(proto, &ep, opt), 0);
  return 0;
}

int main(int argc, char **argv) {
  static const char usage_line[] =
      "usage: bm-role server PROTO ENDPOINT OPTION [PORT] | "
      "client ENDPOINT PORT [COUNT] | probe PROTO ENDPOINT OPTION PORT | "
      "inherit PROTO ENDPOINT OPTION PORT CLOEXEC SPAWN | hold";
  const char *role = argc > 1 ? argv[1] : "";
  if (bm_net_init() != 0)
    return usage("the socket library did not start");
  if ((strcmp(role, "server") == 0 && (argc == 5 || argc == 6)) ||
      (strcmp(role, "probe") == 0 && argc == 6) ||
      (strcmp(role, "inherit") == 0 && argc == 8))
    return run_bound_role(argc, argv);
  if (strcmp(role, "hold") == 0 && argc == 2)
    return run_hold();
  if (strcmp(role, "client") == 0 && (argc == 4 || argc == 5)) {
    struct bm_endpoint ep;
    int count = 1;
    if (bm_endpoint_parse(argv[2], &ep) != 0)
      return usage("unknown endpoint");
    if (parse_int(argv[3], 1, 65535, &ep.port) != 0 ||
        (argc == 5 && parse_int(argv[4], 1, MAX_CONNECTIONS, &count) != 0))
      return usage("bad port or count");
    return run_clients(&ep, count);
  }
  return usage(usage_line);
}
