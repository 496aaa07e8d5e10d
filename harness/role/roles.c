#include "role/roles.h"

#include "role/uv_bind.h"

#include <string.h>

void bm_role_sockets_init(struct bm_role_sockets *rs) {
  memset(rs, 0, sizeof *rs);
  rs->listener = rs->conn = BM_NO_SOCKET;
}

static void close_socket(bm_socket *s) {
  if (*s != BM_NO_SOCKET)
    bm_sock_close(*s);
  *s = BM_NO_SOCKET;
}

static void close_listener(struct bm_role_sockets *rs) {
  if (rs->listener_by_libuv && rs->listener != BM_NO_SOCKET)
    bm_uv_tcp_close(rs->listener);
  else
    close_socket(&rs->listener);
  rs->listener = BM_NO_SOCKET;
  rs->listener_by_libuv = rs->listening = 0;
}

void bm_role_reset(struct bm_role_sockets *rs) {
  close_listener(rs);
  close_socket(&rs->conn);
  for (int i = 0; i < rs->client_count; i++)
    close_socket(&rs->clients[i]);
  rs->client_count = 0;
}

/* socket + option + bind, the way the option says: setsockopt calls, or
 * libuv's uv_tcp_bind. On success *out is a blocking socket. */
static struct bm_status open_bound(enum bm_proto proto,
                                   const struct bm_endpoint *ep,
                                   const struct bm_option *opt, bm_socket *out,
                                   int *by_libuv) {
  *out = BM_NO_SOCKET;
  *by_libuv = opt->via == BM_VIA_LIBUV;
  if (*by_libuv)
    return proto == BM_TCP ? bm_uv_tcp_open(ep, out)
                           : bm_status(BM_STAGE_UV_TCP_BIND, BM_UNSUPPORTED);
  struct bm_error err = bm_sock_open(proto, ep->def, out);
  if (err.code != 0)
    return bm_status(BM_STAGE_SOCKET, err);
  err = bm_sock_set_options(*out, opt->sockopts);
  if (err.code != 0) {
    close_socket(out);
    return bm_status(BM_STAGE_SETSOCKOPT, err);
  }
  err = bm_sock_bind(*out, ep);
  if (err.code != 0)
    close_socket(out);
  return bm_status(BM_STAGE_BIND, err);
}

struct bm_status bm_option_check(enum bm_proto proto,
                                 const struct bm_option *opt) {
  if (opt->via == BM_VIA_LIBUV)
    return bm_status(BM_STAGE_UV_TCP_BIND,
                     proto == BM_TCP ? BM_OK : BM_UNSUPPORTED);
  bm_socket s;
  struct bm_error err = bm_sock_open(proto, bm_endpoint_find("0.0.0.0"), &s);
  if (err.code != 0)
    return bm_status(BM_STAGE_SOCKET, err);
  err = bm_sock_set_options(s, opt->sockopts);
  close_socket(&s);
  return bm_status(BM_STAGE_SETSOCKOPT, err);
}

static struct bm_status listen_on(struct bm_role_sockets *rs) {
  struct bm_error err = bm_sock_listen(rs->listener);
  rs->listening = err.code == 0;
  return bm_status(BM_STAGE_LISTEN, err);
}

static struct bm_status open_server(struct bm_role_sockets *rs,
                                    const struct bm_request_line *r,
                                    int listens, long long *port) {
  bm_role_reset(rs);
  struct bm_status st = open_bound(r->proto, &r->endpoint, r->option,
                                   &rs->listener, &rs->listener_by_libuv);
  if (st.error.code == 0 && listens && r->proto == BM_TCP)
    st = listen_on(rs);
  if (st.error.code != 0) {
    close_listener(rs);
    return st;
  }
  int bound;
  st =
      bm_status(BM_STAGE_GETSOCKNAME, bm_sock_local_port(rs->listener, &bound));
  *port = bound;
  return st;
}

static struct bm_status probe(const struct bm_request_line *r) {
  struct bm_role_sockets rs;
  long long port;
  bm_role_sockets_init(&rs);
  struct bm_status st = open_server(&rs, r, 0, &port);
  bm_role_reset(&rs);
  return st.stage == BM_STAGE_GETSOCKNAME ? bm_status(BM_STAGE_BIND, BM_OK)
                                          : st;
}

/* One connection answers with its local port (the witness needs it);
 * several, as for a hijack, with how many were made. */
static struct bm_status connect_clients(struct bm_role_sockets *rs,
                                        const struct bm_request_line *r,
                                        long long *value) {
  bm_role_reset(rs);
  struct bm_endpoint to = bm_endpoint_connectable(&r->endpoint);
  struct bm_status st = bm_status(BM_STAGE_CONNECT, BM_OK);
  while (rs->client_count < r->count && st.error.code == 0) {
    bm_socket *s = &rs->clients[rs->client_count];
    st = bm_status(BM_STAGE_SOCKET, bm_sock_open(BM_TCP, to.def, s));
    if (st.error.code == 0)
      st = bm_status(BM_STAGE_CONNECT, bm_sock_connect(*s, &to));
    if (st.error.code == 0)
      rs->client_count++;
    else
      close_socket(s);
  }
  int port = 0;
  if (st.error.code == 0 && r->count == 1)
    st = bm_status(BM_STAGE_GETSOCKNAME,
                   bm_sock_local_port(rs->clients[0], &port));
  *value = r->count == 1 ? port : rs->client_count;
  return st;
}

/* Accepts what is already waiting, without blocking: the hijack question is
 * which of two listeners the new connections reached. They are reset, so
 * that no TIME_WAIT of theirs stays on the port for the next probe. A
 * socket that is bound but does not listen gets none. */
static struct bm_status count_waiting(struct bm_role_sockets *rs,
                                      long long *count) {
  while (rs->listening && bm_sock_readable(rs->listener)) {
    bm_socket conn;
    struct bm_error err = bm_sock_accept(rs->listener, &conn);
    if (err.code != 0)
      return bm_status(BM_STAGE_ACCEPT, err);
    bm_sock_abort(conn);
    (*count)++;
  }
  return bm_status(BM_STAGE_COMMAND, BM_OK);
}

/* A client command, applied to every connection. */
typedef struct bm_error (*client_call)(bm_socket s);

static struct bm_status each_client(struct bm_role_sockets *rs,
                                    enum bm_stage stage, client_call call) {
  struct bm_error err = BM_OK;
  for (int i = 0; i < rs->client_count && err.code == 0; i++)
    err = call(rs->clients[i]);
  return bm_status(stage, err);
}

struct bm_status bm_role_do(struct bm_role_sockets *rs,
                            const struct bm_request_line *r, long long *value) {
  *value = 0;
  switch (r->verb) {
  case BM_VERB_SERVER:
    return open_server(rs, r, 1, value);
  case BM_VERB_BIND:
    return open_server(rs, r, 0, value);
  case BM_VERB_PROBE:
    return probe(r);
  case BM_VERB_CLIENT:
    return connect_clients(rs, r, value);
  case BM_VERB_LISTEN:
    return listen_on(rs);
  case BM_VERB_ACCEPT:
    return bm_status(BM_STAGE_ACCEPT, bm_sock_accept(rs->listener, &rs->conn));
  case BM_VERB_COUNT:
    return count_waiting(rs, value);
  case BM_VERB_CLOSE_CONN:
    close_socket(&rs->conn);
    break;
  case BM_VERB_CLOSE_LISTENER:
    close_listener(rs);
    break;
  case BM_VERB_CLOSE:
    for (int i = 0; i < rs->client_count; i++)
      close_socket(&rs->clients[i]);
    break;
  case BM_VERB_SHUTDOWN:
    return each_client(rs, BM_STAGE_SHUTDOWN, bm_sock_shutdown_write);
  case BM_VERB_BLOCK_INPUT:
    return each_client(rs, BM_STAGE_FILTER, bm_sock_block_input);
  case BM_VERB_QUICKACK:
    return each_client(rs, BM_STAGE_COMMAND, bm_sock_quickack);
  case BM_VERB_RESET:
    bm_role_reset(rs);
    break;
  default: /* inherit: a role process's own (role/main.c) */
    return bm_status(BM_STAGE_COMMAND, BM_UNSUPPORTED);
  }
  return bm_status(BM_STAGE_COMMAND, BM_OK);
}
