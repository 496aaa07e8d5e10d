/* What each role does to its sockets, as plain blocking calls. bm-role runs
 * them in separate processes (the real question is whether a *restarted*
 * process can bind); the in-process benchmark calls them directly. */
#ifndef BM_ROLES_H
#define BM_ROLES_H

#include "bm_sock.h"

/* Where a role step failed; error is an OS error number or BM_UNSUPPORTED. */
enum bm_stage {
  BM_STAGE_SOCKET,
  BM_STAGE_SETSOCKOPT,
  BM_STAGE_BIND,
  BM_STAGE_LISTEN,
  BM_STAGE_ACCEPT,
  BM_STAGE_CONNECT,
  BM_STAGE_GETSOCKNAME,
  BM_STAGE_SHUTDOWN,
  BM_STAGE_FILTER,
  BM_STAGE_UV_TCP_BIND, /* BM_UNSUPPORTED: libuv binds TCP sockets only */
  BM_STAGE_CLOEXEC,     /* the inherit server (bm_inherit.h) */
  BM_STAGE_LOOP,
  BM_STAGE_SPAWN,
  BM_STAGE_COMMAND, /* an unknown command: error is BM_UNSUPPORTED */
};

struct bm_status {
  enum bm_stage stage;
  int error; /* 0 when the step succeeded */
};

const char *bm_stage_name(enum bm_stage stage);
int bm_stage_parse(const char *name, enum bm_stage *out);

/* socket + option + bind, the way the option says: setsockopt calls, or
 * libuv's uv_tcp_bind (role_uv.c). On success *out is a blocking socket. */
struct bm_status bm_open_bound(enum bm_proto proto,
                               const struct bm_endpoint *ep,
                               const struct bm_option *opt, bm_socket *out);

/* Whether `opt` can be set on a fresh socket of `proto` here, without
 * binding: the stage and the error when it cannot. */
struct bm_status bm_option_check(enum bm_proto proto,
                                 const struct bm_option *opt);

/* Server: bound to ep (port 0: the OS chooses) with option opt; a TCP server
 * also listens. A hijacker is a second server on a port already in use. */
struct bm_server {
  bm_socket listener;
  bm_socket conn;
  int port;
};
struct bm_status bm_server_open(struct bm_server *srv, enum bm_proto proto,
                                const struct bm_endpoint *ep,
                                const struct bm_option *opt);
/* Commands: "accept", "close-listener", "close-conn", and "count", which
 * accepts every connection already waiting and answers how many. */
struct bm_status bm_server_do(struct bm_server *srv, const char *command,
                              int *value);
void bm_server_close(struct bm_server *srv);

/* Client: connects to the listener on ep (its loopback, for a wildcard). */
struct bm_client {
  bm_socket sock;
  int local_port;
};
struct bm_status bm_client_connect(struct bm_client *cl,
                                   const struct bm_endpoint *ep);
/* Commands: "close", "shutdown" (FIN, socket kept), "block-input". */
struct bm_status bm_client_do(struct bm_client *cl, const char *command);

/* Probe: a fresh socket with option opt, bound to ep, closed again. */
struct bm_status bm_probe_bind(enum bm_proto proto,
                               const struct bm_endpoint *ep,
                               const struct bm_option *opt);

#endif
