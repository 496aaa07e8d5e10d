/* What a role does to its sockets, as plain blocking calls: everything a
 * role process holds of one cell, and each request's work. role/main.c
 * runs them in role processes (the real question is whether a *restarted*
 * process can bind); the in-process benchmark calls them directly. */
#ifndef BM_ROLE_ROLES_H
#define BM_ROLE_ROLES_H

#include "os/sock.h"
#include "role/protocol.h"

#define BM_MAX_CONNECTIONS 64

/* The sockets of one cell in one role process: a server's listener and
 * accepted connection, or a client's connections. */
struct bm_role_sockets {
  bm_socket listener;
  int listener_by_libuv; /* closed through its libuv handle */
  int listening;         /* listen() done: "count" accepts */
  bm_socket conn;
  bm_socket clients[BM_MAX_CONNECTIONS];
  int client_count;
};

void bm_role_sockets_init(struct bm_role_sockets *rs);

/* Closes every socket of the cell: a worker then holds nothing of it. */
void bm_role_reset(struct bm_role_sockets *rs);

/* One request's work (not inherit: role/inherit.h): the status and the
 * reply's value (a port, a count or 0). */
struct bm_status bm_role_do(struct bm_role_sockets *rs,
                            const struct bm_request_line *r, long long *value);

/* Whether `option` can be set on a fresh socket of `proto` here, without
 * binding: the stage and the error when it cannot. */
struct bm_status bm_option_check(enum bm_proto proto,
                                 const struct bm_option *option);

#endif
