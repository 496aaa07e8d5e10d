/* Starting a child process by each spawn method an OS offers
 * (vocab/spawns.h names them), and whether a socket passes to it: the
 * inherit scenario's two dimensions. os/unix/spawn.c has fork-exec and
 * posix_spawn; os/windows/spawn.c has CreateProcess passing every
 * inheritable handle (CreateProcess-inherit) or only the child's standard
 * handles (CreateProcess-noinherit); uv_spawn is libuv's, on every OS
 * (os/spawn.c). */
#ifndef BM_OS_SPAWN_H
#define BM_OS_SPAWN_H

#include "os/sock.h"
#include "vocab/spawns.h"

#include <uv.h>

/* The child's standard input and output; its standard error is ours. */
struct bm_spawn_stdio {
  uv_file in;
  uv_file out;
};

/* Per-OS. Whether this OS has method m. */
int bm_spawn_available(const struct bm_spawn_method *m);

/* Per-OS. Starts argv[0] with argv by method m (uv_spawn on `loop`), and
 * gives the child's pid; BM_UNSUPPORTED for a method this OS lacks. */
struct bm_error bm_spawn_start(const struct bm_spawn_method *m, uv_loop_t *loop,
                               char **argv, const struct bm_spawn_stdio *stdio,
                               uv_pid_t *pid);

/* Portable: the uv_spawn method, for the per-OS halves. */
struct bm_error bm_spawn_by_uv(uv_loop_t *loop, char **argv,
                               const struct bm_spawn_stdio *stdio,
                               uv_pid_t *pid);

/* Per-OS. Kills a child this process started and waits for it to end. */
void bm_spawn_stop(uv_pid_t pid);

/* Per-OS. Whether s passes to children: Unix FD_CLOEXEC off (1) or on (0);
 * Windows HANDLE_FLAG_INHERIT. */
struct bm_error bm_spawn_set_inheritable(bm_socket s, int inheritable);

#endif
