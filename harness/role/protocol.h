/* The role protocol, both ends: what the harness asks a role process and
 * what the role answers, one line each, encoded and decoded here only.
 *
 * A role process reads requests on its standard input and answers each
 * with exactly one line on its standard output. It may serve many cells in
 * turn (a worker): "reset" closes every socket of the current cell first.
 * End of input ends it. Runtime roles (Go, Node, ...) speak the same lines.
 *
 *   server PROTO ENDPOINT OPTION PORT    bind (TCP: and listen)   ok PORT
 *   bind PROTO ENDPOINT OPTION PORT      bind only (BOUND)        ok PORT
 *   probe PROTO ENDPOINT OPTION PORT     bind a fresh socket, close it
 *                                                                 ok 0
 *   client ENDPOINT PORT COUNT           COUNT connections        ok LOCALPORT
 *                                        (COUNT 1) or ok MADE
 *   inherit PROTO ENDPOINT OPTION PORT CLOEXEC SPAWN
 *                                        a server that starts `bm-role hold`
 *                                        by SPAWN with descriptor 3 as the
 *                                        child's input, answers
 *                                        ok PORT CHILDPID LOOPFD LISTENERID
 *                                        and exits at the end of its input
 *   inherit PROTO ENDPOINT OPTION PORT HOLD hold
 *                                        the same for a runtime's role: its
 *                                        runtime sets the listener's flag
 *                                        and starts HOLD its own way;
 *                                        ok PORT CHILDPID
 *   listen | accept | count | close-conn | close-listener    (server)
 *   close | shutdown | block-input | quickack                (client)
 *   reset                                                    ok 0
 *
 * A failure is "fail STAGE ERROR OSERR": where it failed, the portable
 * error name ("-": the role does not name it; "unsupported": not an errno,
 * this OS or runtime cannot do it) and the OS's number ("-": unknown).
 * Names are the vocabulary's (bindmatrix list). */
#ifndef BM_ROLE_PROTOCOL_H
#define BM_ROLE_PROTOCOL_H

#include "vocab/endpoints.h"
#include "vocab/error.h"
#include "vocab/names.h"
#include "vocab/options.h"
#include "vocab/spawns.h"
#include "vocab/states.h"

#include <stddef.h>

#define BM_LINE_MAX 256

/* Where a role's work failed. */
enum bm_stage {
  BM_STAGE_SOCKET,
  BM_STAGE_SETSOCKOPT,
  BM_STAGE_BIND,
  BM_STAGE_LISTEN,
  /* A runtime's one call that binds and listens, where its error does not
   * say which refused: libuv (Node) reports a bind's EADDRINUSE from
   * listen (src/unix/tcp.c, uv__tcp_bind: delayed_error). */
  BM_STAGE_BIND_OR_LISTEN,
  BM_STAGE_ACCEPT,
  BM_STAGE_CONNECT,
  BM_STAGE_GETSOCKNAME,
  BM_STAGE_SHUTDOWN,
  BM_STAGE_FILTER,
  BM_STAGE_UV_TCP_BIND, /* unsupported: libuv binds TCP sockets only */
  BM_STAGE_CLOEXEC,     /* the inherit server's */
  BM_STAGE_LOOP,
  BM_STAGE_SPAWN,
  BM_STAGE_COMMAND, /* a request the role cannot serve */
  BM_STAGE_COUNT
};

extern const struct bm_table bm_stage_table;
const char *bm_stage_name(enum bm_stage stage);

struct bm_status {
  enum bm_stage stage;
  struct bm_error error; /* code 0 when the step succeeded */
};

struct bm_status bm_status(enum bm_stage stage, struct bm_error error);

struct bm_request_line {
  enum bm_verb verb;
  /* server, bind, probe, inherit: */
  enum bm_proto proto;
  const struct bm_option *option;
  /* server, bind, probe, inherit, client: */
  struct bm_endpoint endpoint;
  /* client: */
  int count;
  /* inherit: */
  int cloexec;
  const struct bm_spawn_method *spawn;
  const char *hold; /* a runtime's role: the hold program's path */
};

/* Writes the request line, without its line end. */
void bm_request_format(const struct bm_request_line *r, char *buf, size_t size);

/* Reads one; -1 with `why` (a short phrase) when it is not a request. */
int bm_request_parse(const char *line, struct bm_request_line *r,
                     const char **why);

#define BM_REPLY_VALUES 4

struct bm_reply {
  int ok;
  long long values[BM_REPLY_VALUES]; /* with ok; missing ones are 0 */
  struct bm_status status;           /* without ok */
};

/* "ok V..." or "fail STAGE ERROR OSERR", without its line end. */
void bm_reply_format(const struct bm_reply *r, int value_count, char *buf,
                     size_t size);

/* Reads one; -1 when the line is not a reply. */
int bm_reply_parse(const char *line, struct bm_reply *r);

#endif
