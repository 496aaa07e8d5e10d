/* The Unix spawn methods: fork and exec by hand, posix_spawn, and libuv's
 * uv_spawn. None closes the descriptors it was not told about: whether a
 * socket reaches the child is its FD_CLOEXEC flag alone. */
#include "os/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* Between fork and exec only async-signal-safe calls. */
static int fork_exec(char **argv, const struct bm_spawn_stdio *stdio,
                     uv_pid_t *pid) {
  pid_t child = fork();
  if (child < 0)
    return errno;
  if (child == 0) {
    if (dup2(stdio->in, 0) == 0 && dup2(stdio->out, 1) == 1)
      execv(argv[0], argv);
    _exit(127); /* the parent learns it: the child never says it is ready */
  }
  *pid = child;
  return 0;
}

static int by_posix_spawn(char **argv, const struct bm_spawn_stdio *stdio,
                          uv_pid_t *pid) {
  posix_spawn_file_actions_t actions;
  int err = posix_spawn_file_actions_init(&actions);
  if (err != 0)
    return err;
  err = posix_spawn_file_actions_adddup2(&actions, stdio->in, 0);
  if (err == 0)
    err = posix_spawn_file_actions_adddup2(&actions, stdio->out, 1);
  if (err == 0)
    err = posix_spawn(pid, argv[0], &actions, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  return err;
}

/* Returns 0 or an OS error number. */
typedef int (*starter)(char **argv, const struct bm_spawn_stdio *stdio,
                       uv_pid_t *pid);

static const starter starters[] = {
    [BM_SPAWN_FORK_EXEC] = fork_exec,
    [BM_SPAWN_POSIX_SPAWN] = by_posix_spawn,
};

/* CreateProcess: Windows only. A runtime's own way: its role's. */
int bm_spawn_available(const struct bm_spawn_method *m) {
  return m->id == BM_SPAWN_UV_SPAWN || m->id == BM_SPAWN_RUNTIME ||
         ((unsigned)m->id < sizeof starters / sizeof starters[0] &&
          starters[m->id] != NULL);
}

struct bm_error bm_spawn_start(const struct bm_spawn_method *m, uv_loop_t *loop,
                               char **argv, const struct bm_spawn_stdio *stdio,
                               uv_pid_t *pid) {
  if (!bm_spawn_available(m) || m->id == BM_SPAWN_RUNTIME)
    return BM_UNSUPPORTED; /* a runtime's role starts its own child */
  if (m->id == BM_SPAWN_UV_SPAWN)
    return bm_spawn_by_uv(loop, argv, stdio, pid);
  return bm_error_from_os(starters[m->id](argv, stdio, pid));
}

void bm_spawn_stop(uv_pid_t pid) {
  kill(pid, SIGKILL);
  while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
    ;
}

struct bm_error bm_spawn_set_inheritable(bm_socket s, int inheritable) {
  return fcntl(s, F_SETFD, inheritable ? 0 : FD_CLOEXEC) == 0
             ? BM_OK
             : bm_error_from_os(errno);
}
