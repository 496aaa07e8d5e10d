#include "os/user.h"

#include <pwd.h>
#include <stdio.h>
#include <unistd.h>

void bm_other_user_find(struct bm_other_user *other) {
  other->available = 0;
  if (geteuid() != 0) {
    snprintf(other->why, sizeof other->why,
             "only root can start a process as another user");
    return;
  }
  const struct passwd *pw = getpwnam("nobody");
  if (!pw) {
    snprintf(other->why, sizeof other->why, "this system has no user nobody");
    return;
  }
  other->uid = pw->pw_uid;
  other->gid = pw->pw_gid;
  other->available = 1;
}
