#include "vocab/spawns.h"

#include "vocab/os.h"

#define ON(os) (1u << (os))
#define UNIX (ON(BM_OS_LINUX) | ON(BM_OS_BSD) | ON(BM_OS_DARWIN))

static const struct bm_spawn_method methods[] = {
    {"fork-exec", BM_SPAWN_FORK_EXEC, 1, UNIX},
    {"posix_spawn", BM_SPAWN_POSIX_SPAWN, 1, UNIX},
    {"uv_spawn", BM_SPAWN_UV_SPAWN, 1, UNIX | ON(BM_OS_WINDOWS)},
    {"CreateProcess-inherit", BM_SPAWN_CREATEPROCESS_INHERIT, 1,
     ON(BM_OS_WINDOWS)},
    {"CreateProcess-noinherit", BM_SPAWN_CREATEPROCESS_NOINHERIT, 0,
     ON(BM_OS_WINDOWS)},
    /* A runtime's listener starts its child as that runtime does
     * (os/exec, child_process, subprocess, ProcessBuilder, ...: its role,
     * runtimes/): the runtime decides what passes. */
    {"runtime", BM_SPAWN_RUNTIME, -1, UNIX | ON(BM_OS_WINDOWS)},
};

const struct bm_table bm_spawn_table = BM_TABLE("spawn method", methods);

const struct bm_spawn_method *bm_spawn_at(int i) {
  return i >= 0 && i < bm_spawn_table.count ? &methods[i] : NULL;
}

const struct bm_spawn_method *bm_spawn_find(const char *name) {
  return bm_spawn_at(bm_table_find(&bm_spawn_table, name));
}

const char *bm_spawn_declared_state(int cloexec,
                                    const struct bm_spawn_method *m) {
  if (m->passes_inheritable < 0)
    return "EXITED";
  return !cloexec && m->passes_inheritable ? "LISTEN" : "CLOSED";
}
