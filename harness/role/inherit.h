/* The inherit server's part (the "inherit" request): a server that starts a
 * long-lived child and exits, the way a daemon that runs a helper and then
 * restarts does. Its listener is close-on-exec or not; it has a libuv loop,
 * as a libuv server would; the child is `bm-role hold`, started by one
 * spawn method. What the child then keeps is the harness's to find out. */
#ifndef BM_ROLE_INHERIT_H
#define BM_ROLE_INHERIT_H

#include "os/spawn.h"
#include "role/protocol.h"

/* What the harness needs to find the child and look into it. */
struct bm_inheritance {
  uv_pid_t child;
  int loop_fd; /* the loop's epoll/kqueue descriptor; -1: none (Windows) */
  unsigned long long listener_id; /* bm_holder_socket_id; 0: unknown */
};

/* Makes `listener` close-on-exec or inheritable (cloexec 0), opens the
 * loop, and starts `role_path hold` by method m with `child_stdin` as its
 * standard input. Returns once the child runs the hold program, so its exec
 * is over and what it holds now it keeps. Stages: cloexec, loop, spawn
 * (unsupported: no such method on this OS). */
struct bm_status bm_inherit_start(bm_socket listener, int cloexec,
                                  const struct bm_spawn_method *m,
                                  char *role_path, uv_file child_stdin,
                                  struct bm_inheritance *out);

#endif
