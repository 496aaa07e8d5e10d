/* The user a probe runs as when its cell says "other": on Unix, nobody,
 * which needs the harness to run as root. Per-OS: unix/user.c, win/user.c. */
#ifndef BM_USER_H
#define BM_USER_H

#include "bm_child.h"

struct bm_other_user {
  int available;
  struct bm_child_user user;
  char why[128]; /* when not available */
};

void bm_other_user_find(struct bm_other_user *other);

#endif
