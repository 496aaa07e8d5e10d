/* The role programs for another user's probes. A probe as another user
 * (nobody, when the harness runs as root) must be able to execute bm-role
 * or a runtime's role, and a checkout in a folder that user cannot enter
 * (a `mktemp -d` folder, root's home: mode 0700) does not let it. So a run
 * with such probes copies the build's roles, BUILD/harness/bm-role and the
 * files of BUILD/runtimes/ (their wrappers find their scripts beside
 * them), into a folder of its own in the system's temporary folder
 * ($TMPDIR or /tmp), which every user may enter (0711) but only root may
 * change, and removes it when the run ends: done, interrupted, or stopped
 * by its parent's death. A harness killed outright (SIGKILL) leaves it. */
#ifndef BM_RUNNER_ROLE_COPY_H
#define BM_RUNNER_ROLE_COPY_H

#include "os/user.h"

#include <stddef.h>

struct bm_role_copy {
  char folder[1024]; /* "" when there is none */
  char path[1200];   /* FOLDER/harness/bm-role[.exe] */
};

/* Copies the roles beside and under `role_path`'s folder; 0, or -1 with
 * `why` (nothing left behind). */
int bm_role_copy_make(struct bm_role_copy *copy, const char *role_path,
                      char *why, size_t size);

/* Gives `other`'s probes a copy of the pool's roles and sets the pool's
 * other_role_path to it (if `other` is available); when no copy can be
 * made, `other` is no longer available and says why, so its cells do. */
struct bm_pool;
void bm_role_copy_for_other_user(struct bm_role_copy *copy,
                                 struct bm_pool *pool,
                                 struct bm_other_user *other);

/* Removes the copy and its folder, if there is one (a line on stderr if
 * it could not). */
void bm_role_copy_remove(struct bm_role_copy *copy);

#endif
