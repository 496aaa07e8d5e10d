#include "bm_roles.h"

#include "bm_uv_bind.h"

#include <string.h>

static const char *const stage_names[] = {
    [BM_STAGE_SOCKET] = "socket",
    [BM_STAGE_SETSOCKOPT] = "setsockopt",
    [BM_STAGE_BIND] = "bind",
    [BM_STAGE_LISTEN] = "listen",
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

static void close_socket(bm_socket *s) {
  if (*s != BM_NO_SOCKET)
    bm_sock_close(*s);
  *s = BM_NO_SOCKET;
}

struct bm_status bm_open_bound(enum bm_proto proto,
                               const struct bm_endpoint *ep,
                               const struct bm_option *opt, bm_socket *out) {
  *out = BM_NO_SOCKET;
  if (opt->via_libuv) {
    if (proto != BM_TCP)
      return status(BM_STAGE_UV_TCP_BIND, BM_UNSUPPORTED);
    enum bm_stage stage = BM_STAGE_BIND;
    int err = bm_uv_tcp_bind(ep, out, &stage);
    return status(stage, err);
  }
  int err = bm_sock_open(proto, ep, out);
  if (err != 0)
    return status(BM_STAGE_SOCKET, err);
  err = bm_sock_set_option(*out, opt);
  if (err != 0) {
    close_socket(out);
    return status(BM_STAGE_SETSOCKOPT, err);
  }
  err = bm_sock_bind(*out, ep);
  if (err != 0)
    close_socket(out);
  return status(BM_STAGE_BIND, err);
}

struct bm_status bm_option_check(enum bm_proto proto,
                                 const struct bm_option *opt) {
  if (opt->via_libuv)
    return status(BM_STAGE_UV_TCP_BIND, proto == BM_TCP ? 0 : BM_UNSUPPORTED);
  struct bm_endpoint any;
  bm_socket s;
  bm_endpoint_parse("0.0.0.0", &any);
  int err = bm_sock_open(proto, &any, &s);
  if (err != 0)
    return status(BM_STAGE_SOCKET, err);
  err = bm_sock_set_option(s, opt);
  close_socket(&s);
  return status(BM_STAGE_SETSOCKOPT, err);
}

struct bm_status bm_server_open(struct bm_server *srv, enum bm_proto proto,
                                const struct bm_endpoint *ep,
                                const struct bm_option *opt) {
  srv->conn = BM_NO_SOCKET;
  srv->port = 0;
  struct bm_status st = bm_open_bound(proto, ep, opt, &srv->listener);
  if (st.error != 0)
    return st;
  int err = proto == BM_TCP ? bm_sock_listen(srv->listener) : 0;
  if (err != 0)
    return status(BM_STAGE_LISTEN, err);
  return status(BM_STAGE_GETSOCKNAME,
                bm_sock_local_port(srv->listener, &srv->port));
}

/* Accepts what is already waiting, without blocking: the hijack question is
 * which of two listeners the new connections reached. They are reset, so
 * that no TIME_WAIT of theirs stays on the port for the next probe. */
static struct bm_status count_waiting(struct bm_server *srv, int *count) {
  *count = 0;
  while (srv->listener != BM_NO_SOCKET && bm_sock_readable(srv->listener)) {
    bm_socket conn;
    int err = bm_sock_accept(srv->listener, &conn);
    if (err != 0)
      return status(BM_STAGE_ACCEPT, err);
    bm_sock_abort(conn);
    (*count)++;
  }
  return status(BM_STAGE_COMMAND, 0);
}

struct bm_status bm_server_do(struct bm_server *srv, const char *command,
                              int *value) {
  *value = 0;
  if (strcmp(command, "accept") == 0)
    return status(BM_STAGE_ACCEPT, bm_sock_accept(srv->listener, &srv->conn));
  if (strcmp(command, "count") == 0)
    return count_waiting(srv, value);
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
  cl->local_port = 0;
  int err = bm_sock_open(BM_TCP, ep, &cl->sock);
  if (err != 0)
    return status(BM_STAGE_SOCKET, err);
  err = bm_sock_connect(cl->sock, ep);
  if (err != 0)
    return status(BM_STAGE_CONNECT, err);
  return status(BM_STAGE_GETSOCKNAME,
                bm_sock_local_port(cl->sock, &cl->local_port));
}

struct bm_status bm_client_do(struct bm_client *cl, const char *command) {
  if (strcmp(command, "close") == 0)
    close_socket(&cl->sock);
  else if (strcmp(command, "shutdown") == 0)
    return status(BM_STAGE_SHUTDOWN, bm_sock_shutdown_write(cl->sock));
  else if (strcmp(command, "block-input") == 0)
    return status(BM_STAGE_FILTER, bm_sock_block_input(cl->sock));
  else
    return status(BM_STAGE_COMMAND, BM_UNSUPPORTED);
  return status(BM_STAGE_COMMAND, 0);
}

struct bm_status bm_probe_bind(enum bm_proto proto,
                               const struct bm_endpoint *ep,
                               const struct bm_option *opt) {
  bm_socket s;
  struct bm_status st = bm_open_bound(proto, ep, opt, &s);
  close_socket(&s);
  return st;
}
