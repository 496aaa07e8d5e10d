/* Starting a child process by each method an OS offers, and whether a socket
 * passes to it: the inherit scenario's two dimensions.
 *
 * The methods have the same names on every OS, so that every result file
 * has the same cells; whether one exists here is the per-OS half's answer
 * (BM_UNSUPPORTED otherwise), as with socket options. unix/spawn.c has
 * fork-exec and posix_spawn; win/spawn.c has CreateProcess passing every
 * inheritable handle (CreateProcess-inherit) or only the child's standard
 * handles (CreateProcess-noinherit). uv_spawn is libuv's, on every OS
 * (bm_spawn.c).
 */
#ifndef BM_SPAWN_H
#define BM_SPAWN_H

#include "bm_sock.h"

#include <uv.h>

enum bm_spawn_id {
  BM_SPAWN_FORK_EXEC,
  BM_SPAWN_POSIX_SPAWN,
  BM_SPAWN_UV_SPAWN,
  BM_SPAWN_CREATEPROCESS_INHERIT,
  BM_SPAWN_CREATEPROCESS_NOINHERIT,
};

struct bm_spawn_method {
  const char *name; /* as in scenarios, cells and on the command line */
  enum bm_spawn_id id;
  /* Whether the child gets the parent's inheritable descriptors at all.
   * Only CreateProcess with bInheritHandles FALSE gives it none. */
  int passes_inheritable;
};

/* The method named `name`, or NULL when the harness does not know it. */
const struct bm_spawn_method *bm_spawn_find(const char *name);

/* The i-th known method, or NULL past the end. */
const struct bm_spawn_method *bm_spawn_at(int i);

/* The child's standard input and output; its standard error is ours. */
struct bm_spawn_stdio {
  uv_file in;
  uv_file out;
};

/* Per-OS. Whether this OS has method m. */
int bm_spawn_available(const struct bm_spawn_method *m);

/* Per-OS. Starts argv[0] with argv by method m (uv_spawn on `loop`).
 * Returns 0 and the child's pid, an OS error number, or BM_UNSUPPORTED. */
int bm_spawn_start(const struct bm_spawn_method *m, uv_loop_t *loop,
                   char **argv, const struct bm_spawn_stdio *stdio,
                   uv_pid_t *pid);

/* Portable: the uv_spawn method, for the per-OS tables. */
int bm_spawn_by_uv(uv_loop_t *loop, char **argv,
                   const struct bm_spawn_stdio *stdio, uv_pid_t *pid);

/* Per-OS. Kills a child this process started and waits for it to end. */
void bm_spawn_stop(uv_pid_t pid);

/* Per-OS. Whether s passes to children: Unix FD_CLOEXEC off (1) or on (0);
 * Windows HANDLE_FLAG_INHERIT. Returns 0 or an OS error number. */
int bm_spawn_set_inheritable(bm_socket s, int inheritable);

#endif
