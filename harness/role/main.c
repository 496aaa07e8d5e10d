/* bm-role: the role processes of a cell, driven over standard input and
 * output with the role protocol (role/protocol.h).
 *
 *   bm-role         a role worker: serves requests, cell after cell, until
 *                   its input ends
 *   bm-role hold    the inherit server's child: answers "ok PID", then
 *                   keeps what it inherited until its input ends
 *
 * A worker ends with the harness: at the end of its input, and where the
 * OS offers it when its parent dies (os/process.h). */
#include "os/process.h"
#include "role/inherit.h"
#include "role/roles.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

#define HOLD_INPUT_FD 3 /* the inherit server's, handed on to its child */

static void reply(const struct bm_reply *r, int value_count) {
  char line[BM_LINE_MAX];
  bm_reply_format(r, value_count, line, sizeof line);
  printf("%s\n", line);
  fflush(stdout);
}

static void reply_status(struct bm_status st, long long value) {
  struct bm_reply r = {.ok = st.error.code == 0, .status = st};
  r.values[0] = value;
  reply(&r, 1);
}

/* Reads one request line without its line end; 0 at end of input. */
static int next_line(char *buf, size_t size) {
  if (!fgets(buf, (int)size, stdin))
    return 0;
  buf[strcspn(buf, "\r\n")] = '\0';
  return 1;
}

static void await_end_of_input(void) {
  char line[BM_LINE_MAX];
  while (next_line(line, sizeof line))
    ;
}

/* A server that starts a child and dies: the listener closes with it,
 * unless the child inherited it. It waits for the harness to end its input
 * before it exits, so that the harness can check, while the child's parent
 * is still this process, that the pid it was told is this process's child:
 * once the server is gone, the child's parent is whoever adopted it. */
static int run_inherit(struct bm_role_sockets *rs,
                       const struct bm_request_line *r, char *self) {
  long long port;
  struct bm_request_line server = *r;
  server.verb = BM_VERB_SERVER;
  struct bm_status st = bm_role_do(rs, &server, &port);
  struct bm_inheritance inh = {0};
  if (st.error.code == 0)
    st = bm_inherit_start(rs->listener, r->cloexec, r->spawn, self,
                          HOLD_INPUT_FD, &inh);
  struct bm_reply out = {.ok = st.error.code == 0,
                         .status = st,
                         .values = {port, (long long)inh.child, inh.loop_fd,
                                    (long long)inh.listener_id}};
  reply(&out, 4);
  if (st.error.code == 0)
    await_end_of_input();
  return st.error.code == 0 ? 0 : 1;
}

static int run_worker(char *self) {
  struct bm_role_sockets rs;
  bm_role_sockets_init(&rs);
  char line[BM_LINE_MAX];
  while (next_line(line, sizeof line)) {
    struct bm_request_line r;
    const char *why;
    if (bm_request_parse(line, &r, &why) != 0) {
      fprintf(stderr, "bm-role: %s: %s\n", why, line);
      reply_status(bm_status(BM_STAGE_COMMAND, BM_UNSUPPORTED), 0);
      continue;
    }
    if (r.verb == BM_VERB_INHERIT)
      return run_inherit(&rs, &r, self);
    long long value;
    struct bm_status st = bm_role_do(&rs, &r, &value);
    reply_status(st, value);
  }
  bm_role_reset(&rs);
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

int main(int argc, char **argv) {
  if (bm_net_init().code != 0) {
    fprintf(stderr, "bm-role: the socket library did not start\n");
    return 1;
  }
  if (argc == 2 && strcmp(argv[1], "hold") == 0)
    return run_hold();
  if (argc != 1) {
    fprintf(stderr, "bm-role: usage: bm-role [hold] (requests on standard "
                    "input: see role/protocol.h)\n");
    return 2;
  }
  bm_process_end_with_parent(SIGKILL);
  return run_worker(argv[0]);
}
