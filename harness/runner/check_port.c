/* What the OS shows on the server's port (os/port_listing.h), and which
 * processes are the server's.
 *
 * An instance's processes are the instance and its descendants, and those
 * still in the session it leads (a child whose parent exited keeps it):
 * that is what "listens" means for it. The processes the check started
 * are every descendant of the harness that is not a role worker: orphans
 * come up to the harness (os/orphans.h), so a child that left its session
 * and outlived its server is still found, named, killed and reaped. */
#include "runner/check_internal.h"

#include "os/orphans.h"

#include <string.h>

#define MAX_HOPS 128

static int is_worker(struct bm_check_loop *l, uv_pid_t pid) {
  for (struct bm_worker *w = l->pool.workers; w; w = w->next)
    if (bm_child_running(&w->child) &&
        uv_process_get_pid(&w->child.process) == pid)
      return 1;
  return 0;
}

static int belongs_to(uv_pid_t pid, uv_pid_t server) {
  struct bm_process_entry e;
  for (int hop = 0; hop < MAX_HOPS && pid > 1; hop++, pid = e.parent) {
    if (pid == server)
      return 1;
    if (bm_process_entry_read(pid, &e).code != 0 || !e.exists)
      return 0;
    if (hop == 0 && e.session == server)
      return 1;
  }
  return 0;
}

static int started_by_check(struct bm_check_loop *l, uv_pid_t pid,
                            struct bm_process_entry *first) {
  uv_pid_t self = uv_os_getpid();
  struct bm_process_entry e;
  for (int hop = 0; hop < MAX_HOPS && pid > 1 && pid != self; hop++) {
    if (bm_process_entry_read(pid, &e).code != 0 || !e.exists)
      return 0;
    if (hop == 0)
      *first = e;
    if (e.parent == self)
      return !is_worker(l, pid);
    pid = e.parent;
  }
  return 0;
}

/* ---- listeners ----------------------------------------------------------- */

static const struct bm_endpoint_def *
endpoint_of(const struct bm_port_socket *s) {
  const struct bm_endpoint_def *found = NULL;
  for (int i = 0; i < bm_endpoint_table.count; i++) {
    const struct bm_endpoint_def *def = bm_endpoint_at(i);
    if ((def->ip == BM_IPV4) != (s->ip == 4) ||
        memcmp(def->address, s->address, s->ip == 4 ? 4 : 16) != 0)
      continue;
    if (!found || (s->v6only >= 0 && def->v6only == s->v6only))
      found = def;
  }
  return found;
}

static void describe_listener(const struct bm_port_socket *s, uv_pid_t pid,
                              struct bm_check_listener *li) {
  memset(li, 0, sizeof *li);
  li->endpoint = endpoint_of(s);
  uv_inet_ntop(s->ip == 4 ? AF_INET : AF_INET6, s->address, li->address,
               sizeof li->address);
  li->v6only = s->v6only;
  li->pid = pid;
  bm_port_listener_options(pid, s->port, s->ip, &li->reuseaddr, &li->reuseport);
}

/* The first holder of a listener on the port that belongs to `server`
 * (for each listener), into out; *stranger a holder that does not. */
static void owned_listeners(const struct bm_port_listing *list, uv_pid_t server,
                            struct bm_check_start *out, uv_pid_t *stranger) {
  out->listener_count = 0;
  *stranger = 0;
  for (int i = 0; i < list->count; i++) {
    const struct bm_port_socket *s = &list->sockets[i];
    if (s->state != BM_TCP_LISTEN)
      continue;
    int owned = 0;
    for (int p = 0; p < s->pid_count && !owned; p++)
      if (belongs_to(s->pids[p], server)) {
        owned = 1;
        if (out->listener_count < BM_CHECK_LISTENERS)
          describe_listener(s, s->pids[p],
                            &out->listeners[out->listener_count++]);
      }
    if (!owned && s->pid_count > 0)
      *stranger = s->pids[0];
  }
}

struct await_listen {
  struct bm_check_server *server;
  int port;
  struct bm_check_start *out;
  struct bm_error error;
  uv_pid_t stranger;
  unsigned long long scanned; /* the ids of the listing last scanned */
};

static int listening(void *arg) {
  struct await_listen *a = arg;
  static struct bm_port_listing list; /* one check, one thread */
  if (a->server->exited)
    return 1;
  a->error = bm_port_list(a->port, 1, &list);
  if (a->error.code != 0)
    return 1;
  unsigned long long ids = (unsigned long long)list.count;
  for (int i = 0; i < list.count; i++)
    ids = ids * 1000003u + list.sockets[i].id;
  if (list.count == 0 || ids == a->scanned)
    return 0; /* nothing new to look into */
  a->scanned = ids;
  a->error = bm_port_find_holders(&list);
  if (a->error.code == 0)
    owned_listeners(&list, a->server->pid, a->out, &a->stranger);
  return a->error.code != 0 || a->out->listener_count > 0;
}

/* A listener of the server on another port: every listener is looked at,
 * once, when the deadline has passed. */
static int listening_elsewhere(struct bm_check_server *s, int port) {
  static struct bm_port_listing list;
  if (bm_port_list(0, 1, &list).code != 0 ||
      bm_port_find_holders(&list).code != 0)
    return 0;
  for (int i = 0; i < list.count; i++)
    for (int p = 0; p < list.sockets[i].pid_count; p++)
      if (list.sockets[i].port != port &&
          belongs_to(list.sockets[i].pids[p], s->pid))
        return list.sockets[i].port;
  return 0;
}

static int stderr_ended(void *arg) {
  return ((struct bm_check_server *)arg)->stderr_ended;
}

/* A server that exited first may have left a process listening on its
 * port (it forked into the background): that process, or 0. */
static uv_pid_t left_listening(int port) {
  static struct bm_port_listing list;
  if (bm_port_list(port, 1, &list).code != 0 ||
      bm_port_find_holders(&list).code != 0)
    return 0;
  for (int i = 0; i < list.count; i++)
    if (list.sockets[i].pid_count > 0)
      return list.sockets[i].pids[0];
  return 0;
}

int bm_check_await_listen(struct bm_check_loop *l, struct bm_check_server *s,
                          int port, int ms, struct bm_check_start *out,
                          char *why, size_t size) {
  memset(out, 0, sizeof *out);
  struct await_listen a = {s, port, out, BM_OK, 0, 0};
  int got = bm_check_poll(l, listening, &a, (uint64_t)ms);
  out->ms = bm_check_now(l) - s->started_ms;
  if (got < 0) {
    snprintf(why, size, "interrupted");
    return -1;
  }
  if (a.error.code != 0) {
    char error[64];
    bm_error_describe(a.error, error, sizeof error);
    snprintf(why, size, "the port's sockets could not be read: %s", error);
    return -1;
  }
  if (out->listener_count > 0)
    out->outcome = BM_START_LISTENED;
  else if (s->exited)
    out->outcome = BM_START_EXITED;
  else if (a.stranger)
    out->outcome = BM_START_STRANGER;
  else
    out->outcome = (out->other_port = listening_elsewhere(s, port)) != 0
                       ? BM_START_ELSEWHERE
                       : BM_START_SILENT;
  out->stranger = a.stranger;
  if (out->outcome == BM_START_EXITED)
    out->stranger = left_listening(port);
  out->exit_status = s->exit_status;
  out->exit_signal = s->exit_signal;
  if (s->exited) {
    /* Its last words may still be in the pipe: read to its end, unless a
     * child it left keeps the pipe open. */
    bm_check_wait(l, stderr_ended, s, 1000);
    out->ms = s->exited_ms - s->started_ms;
  }
  const char *lines[BM_CHECK_TAIL_LINES];
  out->tail_count = bm_check_server_tail(s, lines, BM_CHECK_TAIL_LINES);
  for (int i = 0; i < out->tail_count; i++)
    snprintf(out->tail[i], BM_CHECK_LINE, "%s", lines[i]);
  return 0;
}

/* ---- the connection and the port at rest --------------------------------- */

struct await_port {
  int port, peer_port;
  unsigned rest_states;
  struct bm_port_listing *list;
  struct bm_error error;
};

static int accepted(void *arg) {
  struct await_port *a = arg;
  a->error = bm_port_list(a->port, 0, a->list);
  for (int i = 0; a->error.code == 0 && i < a->list->count; i++)
    if (a->list->sockets[i].peer_port == a->peer_port &&
        a->list->sockets[i].id != 0)
      return 1; /* a descriptor refers to it: the server's accept() */
  return a->error.code != 0;
}

int bm_check_await_accept(struct bm_check_loop *l, int port, int peer_port,
                          int ms) {
  static struct bm_port_listing list;
  struct await_port a = {port, peer_port, 0, &list, BM_OK};
  int got = bm_check_poll(l, accepted, &a, (uint64_t)ms);
  return got < 0 ? -1 : got > 0 && a.error.code == 0;
}

static int at_rest(void *arg) {
  struct await_port *a = arg;
  a->error = bm_port_list(a->port, 0, a->list);
  for (int i = 0; a->error.code == 0 && i < a->list->count; i++)
    if (!(a->rest_states & (1u << a->list->sockets[i].state)))
      return 0;
  return 1;
}

static void name_states(const struct bm_port_listing *list, char *buf,
                        size_t size) {
  struct bm_witness w;
  memset(&w, 0, sizeof w);
  for (int i = 0; i < list->count; i++)
    w.count[list->sockets[i].state]++;
  bm_witness_name(&w, buf, size);
}

static void add_holders(const struct bm_port_listing *list,
                        struct bm_check_holder *holders, int *count) {
  *count = 0;
  for (int i = 0; i < list->count; i++)
    for (int p = 0; p < list->sockets[i].pid_count; p++) {
      if (*count == BM_CHECK_HOLDERS)
        return;
      struct bm_check_holder *h = &holders[(*count)++];
      struct bm_witness one;
      memset(&one, 0, sizeof one);
      one.count[list->sockets[i].state] = 1;
      h->pid = list->sockets[i].pids[p];
      bm_witness_name(&one, h->state, sizeof h->state);
      bm_process_command(h->pid, h->command, sizeof h->command);
    }
}

int bm_check_await_rest(struct bm_check_loop *l, int port, unsigned rest_states,
                        char *state, size_t state_size,
                        struct bm_check_holder *holders, int *holder_count,
                        char *why, size_t size) {
  static struct bm_port_listing list;
  struct await_port a = {port, 0, rest_states, &list, BM_OK};
  int got = bm_check_poll(l, at_rest, &a, BM_CHECK_SETTLE_MS);
  if (got >= 0 && a.error.code == 0)
    a.error = bm_port_find_holders(&list);
  if (got < 0 || a.error.code != 0) {
    char error[64];
    bm_error_describe(a.error, error, sizeof error);
    if (got < 0)
      snprintf(why, size, "interrupted");
    else
      snprintf(why, size, "the port's sockets could not be read: %s", error);
    return -1;
  }
  name_states(&list, state, state_size);
  add_holders(&list, holders, holder_count);
  return 0;
}

/* ---- the end ------------------------------------------------------------- */

struct end_all {
  struct bm_check_loop *l;
  struct bm_check_server *servers;
  int server_count;
};

static int is_server(const struct end_all *e, uv_pid_t pid) {
  for (int i = 0; i < e->server_count; i++)
    if (e->servers[i].pid == pid && !e->servers[i].exited)
      return 1; /* libuv reaps it */
  return 0;
}

/* Kills what is left and reaps the orphans among it; 1 once none is. */
static int none_left(void *arg) {
  struct end_all *e = arg;
  enum { MAX_PIDS = 1 << 16 };
  static uv_pid_t pids[MAX_PIDS];
  int count, left = 0;
  if (bm_process_all(pids, MAX_PIDS, &count).code != 0)
    return 1; /* nothing to walk: the servers' own ends are all there is */
  uv_pid_t self = uv_os_getpid();
  for (int i = 0; i < count; i++) {
    struct bm_process_entry p;
    if (pids[i] == self || !started_by_check(e->l, pids[i], &p))
      continue;
    left++;
    if (!p.zombie)
      uv_kill(pids[i], SIGKILL);
    else if (p.parent == self && !is_server(e, pids[i]))
      bm_orphan_gone(pids[i]); /* reaps it */
  }
  return left == 0;
}

int bm_check_end_all(struct bm_check_loop *l, struct bm_check_server *servers,
                     int server_count, int ms) {
  struct end_all e = {l, servers, server_count};
  int ending = l->ending;
  l->ending = 1; /* whatever comes, nothing is left behind */
  int ended = bm_check_poll(l, none_left, &e, (uint64_t)ms) > 0;
  l->ending = ending;
  return ended;
}
