/* The user a probe runs as when its cell says "other": on Unix, nobody,
 * which needs the harness to run as root. Per-OS: os/unix/user.c,
 * os/windows/user.c. */
#ifndef BM_OS_USER_H
#define BM_OS_USER_H

#include <uv.h>

struct bm_other_user {
  int available;
  uv_uid_t uid;
  uv_gid_t gid;
  char why[296]; /* when not available: fits a cell's reason after its
                    "probe as another user: " */
};

void bm_other_user_find(struct bm_other_user *other);

#endif
