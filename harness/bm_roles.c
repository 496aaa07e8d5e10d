#include "bm_roles.h"

#include <string.h>

static const char *const stage_names[] = {
    [BM_STAGE_SOCKET] = "socket",
    [BM_STAGE_SETSOCKOPT] = "setsockopt",
    [BM_STAGE_BIND] = "bind",
    [BM_STAGE_LISTEN] = "listen",
    [BM_STAGE_ACCEPT] = "accept",
    [BM_STAGE_CONNECT] = "connect",
    [BM_STAGE_GETSOCKNAME] = "getsockname",
    [BM_STAGE_COMMAND] = "command",
};

#define STAGE_COUNT ((int)(sizeof stage_names / sizeof stage_names[0]))

const char *bm_stage_name(enum bm_stage stage) {
  return (unsigned)stage < STAGE_COUNT ? stage_names[stage] : "?";
}

int bm_stage_parse(const char *name, enum bm_stage *out) {
  for (int i = 0; i < STAGE_COUNT; i++)
    if (strcmp(stage_names[i], name) == 0) {
      *out = (enum bm_stage)i;
      return 0;
    }
  return -1;
}

static struct bm_status status(enum bm_stage stage, int error) {
  struct bm_status st = {stage, error};
  return st;
}

/* socket + options + bind: the part the server and the probe share. */
static struct bm_status open_bound(const struct bm_endpoint *ep,
                                   const struct bm_option *opt,
                                   bm_socket *out) {
  int err = bm_sock_open(ep->family, out);
  if (err != 0)
    return status(BM_STAGE_SOCKET, err);
  err = bm_sock_set_option(*out, opt);
  if (err != 0)
    return status(BM_STAGE_SETSOCKOPT, err);
  return status(BM_STAGE_BIND, bm_sock_bind(*out, ep));
}

static void close_socket(bm_socket *s) {
  if (*s != BM_NO_SOCKET)
    bm_sock_close(*s);
  *s = BM_NO_SOCKET;
}

struct bm_status bm_server_open(struct bm_server *srv,
                                const struct bm_endpoint *ep,
                                const struct bm_option *opt) {
  srv->listener = srv->conn = BM_NO_SOCKET;
  struct bm_status st = open_bound(ep, opt, &srv->listener);
  if (st.error != 0)
    return st;
  int err = bm_sock_listen(srv->listener);
  if (err != 0)
    return status(BM_STAGE_LISTEN, err);
  return status(BM_STAGE_GETSOCKNAME,
                bm_sock_local_port(srv->listener, &srv->port));
}

struct bm_status bm_server_do(struct bm_server *srv, const char *command) {
  if (strcmp(command, "accept") == 0)
    return status(BM_STAGE_ACCEPT, bm_sock_accept(srv->listener, &srv->conn));
  if (strcmp(command, "close-listener") == 0)
    close_socket(&srv->listener);
  else if (strcmp(command, "close-conn") == 0)
    close_socket(&srv->conn);
  else
    return status(BM_STAGE_COMMAND, BM_UNSUPPORTED);
  return status(BM_STAGE_COMMAND, 0);
}

void bm_server_close(struct bm_server *srv) {
  close_socket(&srv->listener);
  close_socket(&srv->conn);
}

struct bm_status bm_client_connect(struct bm_client *cl,
                                   const struct bm_endpoint *ep) {
  cl->sock = BM_NO_SOCKET;
  int err = bm_sock_open(ep->family, &cl->sock);
  if (err != 0)
    return status(BM_STAGE_SOCKET, err);
  err = bm_sock_connect(cl->sock, ep);
  if (err != 0)
    return status(BM_STAGE_CONNECT, err);
  return status(BM_STAGE_GETSOCKNAME,
                bm_sock_local_port(cl->sock, &cl->local_port));
}

struct bm_status bm_client_do(struct bm_client *cl, const char *command) {
  if (strcmp(command, "close") != 0)
    return status(BM_STAGE_COMMAND, BM_UNSUPPORTED);
  close_socket(&cl->sock);
  return status(BM_STAGE_COMMAND, 0);
}

struct bm_status bm_probe_bind(const struct bm_endpoint *ep,
                               const struct bm_option *opt) {
  bm_socket s = BM_NO_SOCKET;
  struct bm_status st = open_bound(ep, opt, &s);
  close_socket(&s);
  return st;
}
