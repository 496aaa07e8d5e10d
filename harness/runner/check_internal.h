/* What the parts of `bindmatrix check` share (runner/check.h says what the
 * check is): check_loop.c (the event loop, waits with deadlines, role
 * requests), check_server.c (the user's server: start, stderr, stop),
 * check_port.c (what the OS shows on the port, and which processes are the
 * server's), check_restart.c, check_hijack.c, check_report.c (verdicts and
 * text), output/check_json.c, and check.c (the command and the order of
 * the runs).
 *
 * The check is one sequence with one server, so it is written in order:
 * each wait runs the loop until its condition holds or its deadline
 * passes (bm_check_wait), instead of a chain of callbacks. */
#ifndef BM_RUNNER_CHECK_INTERNAL_H
#define BM_RUNNER_CHECK_INTERNAL_H

#include "os/port_listing.h"
#include "os/user.h"
#include "runner/cell.h"
#include "runner/pool.h"
#include "runner/ports.h"
#include "runner/role_copy.h"

#include <stdint.h>
#include <uv.h>

#define BM_CHECK_TAIL_LINES 6
#define BM_CHECK_LINE 240
#define BM_CHECK_LISTENERS 8
#define BM_CHECK_HOLDERS 8
/* How long the port may take to come to rest once the server has exited
 * (a child that is still exiting, a FIN on its way), as a supervisor's
 * restart delay would give it. */
#define BM_CHECK_SETTLE_MS 1000

/* What the user asked. */
struct bm_check_options {
  char **command; /* CMD ARGS..., NULL-terminated; {port} in them */
  int command_count;
  const char *port_arg; /* one more argument, with {port}; or NULL */
  const char *env_name; /* the environment variable with the port */
  const char *json_path;
  int timeout_ms; /* how long a server may take to listen (or a role) */
  int grace_ms;   /* between the polite stop and the end */
  int verbose;
};

/* ---- check_loop.c -------------------------------------------------------- */

struct bm_check_loop {
  uv_loop_t loop;
  uv_timer_t timer;
  int timer_fired;
  uv_signal_t signals[2];
  int interrupted_by; /* 0, or the signal that stops the check */
  int ending;         /* cleaning up: waits run on, a signal or not */
  int missed;         /* requests no role answered in time */
  struct bm_pool pool;
  int pool_closed;
  struct bm_other_user other_user;
  struct bm_role_copy other_role; /* for other_user's probes */
  struct bm_ports ports;
  char role_path[4096];
};

/* Returns 0 or a libuv error (nothing is left open then). */
int bm_check_loop_init(struct bm_check_loop *l);
/* Ends every role and closes every handle (servers are closed first). */
void bm_check_loop_close(struct bm_check_loop *l);

/* Runs the loop until done(arg) is nonzero (NULL: never), `ms` pass or a
 * signal comes (unless l->ending): 1, 0 or -1. */
int bm_check_wait(struct bm_check_loop *l, int (*done)(void *), void *arg,
                  uint64_t ms);
/* Asks poll(arg) now and again, 1, 2, 4, 8, 8... ms apart, until it is
 * nonzero (returned) or `ms` pass (0) or a signal comes (-1). */
int bm_check_poll(struct bm_check_loop *l, int (*poll)(void *), void *arg,
                  uint64_t ms);
uint64_t bm_check_now(struct bm_check_loop *l);

/* A role worker of the pool, played for the check. */
struct bm_check_role {
  struct bm_worker *worker; /* NULL once it is gone */
  int replied;
  struct bm_reply reply;
};

/* NULL-free on success; the error when no worker could be started. */
struct bm_error bm_check_role_get(struct bm_check_loop *l, enum bm_user user,
                                  struct bm_check_role *r);
/* Sends the request and waits for the answer: 0 (r->reply holds it), or
 * -1 with `why` (no answer within `ms`, the role went, or a signal). */
int bm_check_request(struct bm_check_loop *l, struct bm_check_role *r,
                     const struct bm_request_line *req, int ms, char *why,
                     size_t size);
/* Back to the pool; `holds_sockets`: it closes them first ("reset"). */
void bm_check_role_put(struct bm_check_role *r, int holds_sockets);

/* ---- check_server.c ------------------------------------------------------ */

/* One instance of the user's server. */
struct bm_check_server {
  uv_process_t process;
  uv_pipe_t err;
  int open_handles;
  char **argv; /* with the port in it */
  uv_pid_t pid;
  int exited;
  int64_t exit_status;
  int exit_signal;
  uint64_t started_ms, exited_ms;
  /* The last lines of its stderr, a ring; `partial` the line being read. */
  char tail[BM_CHECK_TAIL_LINES][BM_CHECK_LINE];
  int tail_next, tail_count;
  int stderr_ended; /* its end of file was read */
  char partial[BM_CHECK_LINE];
  size_t partial_len;
};

/* How an instance was stopped. */
struct bm_check_stop {
  const char *sent; /* the last stop sent: "SIGTERM", "SIGKILL", ... */
  int escalated;    /* the grace period passed: the end was sent too */
  int64_t exit_status;
  int exit_signal;
  uint64_t ms; /* from the polite stop to its exit */
};

/* Starts CMD on `port`. On error nothing is left open. */
struct bm_error bm_check_server_start(struct bm_check_loop *l,
                                      const struct bm_check_options *o,
                                      int port, struct bm_check_server *s);
/* Its stderr's last lines, oldest first: up to `max` pointers. */
int bm_check_server_tail(const struct bm_check_server *s, const char **lines,
                         int max);
/* The polite stop, the end after `grace_ms` (at once when the check is
 * interrupted), until it exited: 0, or -1 (it outlived its end by `ms`). */
int bm_check_server_stop(struct bm_check_loop *l, struct bm_check_server *s,
                         int grace_ms, int ms, struct bm_check_stop *out);
/* Closes its handles (it must have exited) and waits until they are. */
void bm_check_server_close(struct bm_check_loop *l, struct bm_check_server *s);

/* ---- check_port.c -------------------------------------------------------- */

/* A listener of the server, as the OS lists it. */
struct bm_check_listener {
  const struct bm_endpoint_def *endpoint; /* NULL: no endpoint names it */
  char address[64];                       /* "::", "127.0.0.1" */
  int v6only, reuseaddr, reuseport;       /* 1, 0, -1 unknown */
  uv_pid_t pid;
};

/* A process that holds a socket on the port. */
struct bm_check_holder {
  uv_pid_t pid;
  char state[16];
  char command[BM_CHECK_LINE];
};

/* How an instance started. */
enum bm_check_start_outcome {
  BM_START_LISTENED,  /* LISTEN on its port, held by its processes */
  BM_START_EXITED,    /* it exited first */
  BM_START_SILENT,    /* neither, within the deadline */
  BM_START_ELSEWHERE, /* it listens, on another port */
  BM_START_STRANGER,  /* its port listens, held by a process not its own */
};

struct bm_check_start {
  enum bm_check_start_outcome outcome;
  uint64_t ms; /* from its start to the outcome */
  int64_t exit_status;
  int exit_signal;
  int other_port;    /* BM_START_ELSEWHERE */
  uv_pid_t stranger; /* BM_START_STRANGER */
  char tail[BM_CHECK_TAIL_LINES][BM_CHECK_LINE];
  int tail_count;
  struct bm_check_listener listeners[BM_CHECK_LISTENERS];
  int listener_count;
};

/* Waits until the instance listens on `port` (or exits, or the deadline):
 * 0 with *out, -1 interrupted or the OS could not be read (`why`). */
int bm_check_await_listen(struct bm_check_loop *l, struct bm_check_server *s,
                          int port, int ms, struct bm_check_start *out,
                          char *why, size_t size);

/* Whether the server side of the connection from `peer_port` has been
 * accepted (a descriptor refers to it) within `ms`: 1, 0, -1. */
int bm_check_await_accept(struct bm_check_loop *l, int port, int peer_port,
                          int ms);

/* Waits up to BM_CHECK_SETTLE_MS until every socket on the port is in one
 * of `rest_states` (a bit per enum bm_sock_state) or gone, then names
 * what is there (the witness's names) and who holds it. 0, or -1
 * interrupted or unreadable (`why`). */
int bm_check_await_rest(struct bm_check_loop *l, int port, unsigned rest_states,
                        char *state, size_t state_size,
                        struct bm_check_holder *holders, int *holder_count,
                        char *why, size_t size);

/* Kills every process the check started that is still there (its servers
 * and whatever they left: not the role workers), and reaps the orphans,
 * within `ms`: 1 when none is left. */
int bm_check_end_all(struct bm_check_loop *l, struct bm_check_server *servers,
                     int server_count, int ms);

/* ---- the results --------------------------------------------------------- */

/* One restart order: the first instance stopped with a client connected;
 * the client stays (clients-connected) or closes first (clients-closed);
 * then the next instance starts. */
struct bm_check_restart {
  const char *order;
  int port;
  int done;         /* measured: every field below is set */
  char reason[320]; /* why not */
  int accepted;     /* the first instance accepted the client: 1, 0 */
  struct bm_check_stop stop;
  char witnessed[64]; /* the port when the next instance started */
  struct bm_check_holder holders[BM_CHECK_HOLDERS];
  int holder_count;
  struct bm_check_start next;
};

/* One hijack probe: a cell of the vocabulary's dimensions on the probe's
 * side (bm_cell's key: probe endpoint, option, user; outcome, listen
 * outcome, reached, connections), against the server's listener. */
struct bm_check_probe {
  struct bm_cell cell; /* key.listener: the server's listener's endpoint */
};

struct bm_check_result {
  const struct bm_check_options *options;
  char failure[512]; /* the server could not be checked: why, one line */
  int port;          /* of the first run */
  struct bm_check_start first;
  struct bm_check_restart restarts[2];
  struct bm_check_probe *probes;
  int probe_count;
};

/* check_restart.c: one order, start to end. 0, or -1 interrupted. */
int bm_check_restart_run(struct bm_check_loop *l,
                         const struct bm_check_options *o,
                         struct bm_check_restart *r, int clients_close);

/* check_hijack.c: the probes against the server's listeners. 0, or -1
 * interrupted. */
int bm_check_hijack_run(struct bm_check_loop *l,
                        const struct bm_check_options *o,
                        struct bm_check_result *res);

/* check_report.c: the verdicts. */
enum bm_check_verdict {
  BM_VERDICT_RESTART,
  BM_VERDICT_HIJACK_OTHER,
  BM_VERDICT_HIJACK_SAME,
  BM_VERDICT_INHERIT,
  BM_VERDICT_COUNT
};

struct bm_check_answer {
  const char *name; /* "restart-safe", ... */
  int answer;       /* 1 yes, 0 no, -1 not measured */
  int unavailable;  /* not measured because it cannot be here (another
                       user needs root): the exit status does not fail */
  char evidence[1024];
};

void bm_check_verdicts(const struct bm_check_result *res,
                       struct bm_check_answer answers[BM_VERDICT_COUNT]);
void bm_check_print(FILE *out, const struct bm_check_result *res,
                    const struct bm_check_answer answers[BM_VERDICT_COUNT]);
/* The endpoint's name or, for an address no endpoint names, the address. */
const char *bm_check_listener_name(const struct bm_check_listener *li);
const char *bm_check_start_name(enum bm_check_start_outcome outcome);

/* output/check_json.c */
void bm_check_json(FILE *out, const struct bm_check_result *res,
                   const struct bm_check_answer answers[BM_VERDICT_COUNT]);

#endif
