/* How the inherit scenario's server starts its child. The methods have the
 * same names on every OS, so that every result file has the same cells;
 * whether one exists here is the per-OS half's answer (os/spawn.h), as with
 * socket options. */
#ifndef BM_VOCAB_SPAWNS_H
#define BM_VOCAB_SPAWNS_H

#include "vocab/table.h"

enum bm_spawn_id {
  BM_SPAWN_FORK_EXEC,
  BM_SPAWN_POSIX_SPAWN,
  BM_SPAWN_UV_SPAWN,
  BM_SPAWN_CREATEPROCESS_INHERIT,
  BM_SPAWN_CREATEPROCESS_NOINHERIT,
  BM_SPAWN_RUNTIME, /* a runtime's listener: its runtime's own call */
};

struct bm_spawn_method {
  const char *name; /* as in scenarios, cells and on the command line */
  enum bm_spawn_id id;
  /* Whether the child gets the parent's inheritable descriptors at all.
   * Only CreateProcess with an explicit handle list gives it none; -1: the
   * runtime decides (runtime). */
  int passes_inheritable;
  unsigned os; /* 1 << enum bm_os for each OS that has it */
};

extern const struct bm_table bm_spawn_table;
const struct bm_spawn_method *bm_spawn_at(int i);
const struct bm_spawn_method *bm_spawn_find(const char *name);

/* The state an inherit cell declares, by the model the witness checks:
 * the child keeps the listener (LISTEN) when it is not close-on-exec and
 * the method passes inheritable descriptors; else nothing (CLOSED). A
 * runtime's listener and child: whatever it left (EXITED). */
const char *bm_spawn_declared_state(int cloexec,
                                    const struct bm_spawn_method *m);

#endif
