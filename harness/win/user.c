#include "../bm_user.h"

#include <stdio.h>

/* Starting a process as another user needs that user's credentials
 * (CreateProcessWithLogonW); libuv's uv_spawn has no such option. */
void bm_other_user_find(struct bm_other_user *other) {
  other->available = 0;
  snprintf(other->why, sizeof other->why,
           "Windows: a probe as another user needs that user's password");
}
