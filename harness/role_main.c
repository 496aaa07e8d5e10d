/* bm-role: one role of a cell in its own process, driven over stdin/stdout.
 *
 *   bm-role server FAMILY ADDR OPTION        listens on a port the OS chooses
 *   bm-role client FAMILY PORT               connects to loopback:PORT
 *   bm-role probe  FAMILY ADDR OPTION PORT   binds once, closes, exits
 *
 * Each step answers one line: "ok N" (N: the port, or 0) or
 * "fail STAGE ERROR" (ERROR: the OS error number, or "unsupported").
 * Commands, one per line: server accept, close-listener, close-conn; client
 * close. End of input (the harness went away) ends the role, so nothing
 * outlives the harness. This program names no errors: the harness does. */
#include "bm_roles.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static int usage(const char *why) {
  fprintf(stderr, "bm-role: %s\n", why);
  return 2;
}

static int run_server(const struct bm_endpoint *ep,
                      const struct bm_option *opt) {
  struct bm_server srv;
  struct bm_status st = bm_server_open(&srv, ep, opt);
  reply(st, srv.port);
  char cmd[64];
  while (st.error == 0 && next_command(cmd, sizeof cmd))
    reply(bm_server_do(&srv, cmd), 0);
  bm_server_close(&srv);
  return st.error == 0 ? 0 : 1;
}

static int run_client(const struct bm_endpoint *ep) {
  struct bm_client cl;
  struct bm_status st = bm_client_connect(&cl, ep);
  reply(st, cl.local_port);
  char cmd[64];
  while (st.error == 0 && next_command(cmd, sizeof cmd))
    reply(bm_client_do(&cl, cmd), 0);
  bm_client_do(&cl, "close");
  return st.error == 0 ? 0 : 1;
}

static int parse_port(const char *text, int *port) {
  char *end;
  long value = strtol(text, &end, 10);
  *port = (int)value;
  return *end == '\0' && value > 0 && value < 65536 ? 0 : -1;
}

static int run_bound_role(const char *role, char **argv,
                          struct bm_endpoint *ep) {
  const struct bm_option *opt = bm_option_find(argv[4]);
  if (bm_addr_parse(argv[3], &ep->addr) != 0)
    return usage("unknown address kind");
  if (!opt)
    return usage("unknown option");
  if (strcmp(role, "server") == 0)
    return run_server(ep, opt);
  if (parse_port(argv[5], &ep->port) != 0)
    return usage("bad port");
  reply(bm_probe_bind(ep, opt), 0);
  return 0;
}

int main(int argc, char **argv) {
  static const char usage_line[] =
      "usage: bm-role server FAMILY ADDR OPTION | client FAMILY PORT | "
      "probe FAMILY ADDR OPTION PORT";
  struct bm_endpoint ep = {BM_IPV4, BM_ADDR_WILDCARD, 0};
  if (argc < 3)
    return usage(usage_line);
  if (bm_family_parse(argv[2], &ep.family) != 0)
    return usage("unknown family");
  if (bm_net_init() != 0)
    return usage("the socket library did not start");
  const char *role = argv[1];
  if (strcmp(role, "client") == 0 && argc == 4)
    return parse_port(argv[3], &ep.port) == 0 ? run_client(&ep)
                                              : usage("bad port");
  if ((strcmp(role, "server") == 0 && argc == 5) ||
      (strcmp(role, "probe") == 0 && argc == 6))
    return run_bound_role(role, argv, &ep);
  return usage(usage_line);
}
