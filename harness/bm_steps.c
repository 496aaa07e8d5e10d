#include "bm_steps.h"

#include <string.h>

/* Active close, server side, as in the blog: the server closes first, so its
 * end goes FIN_WAIT_2 and then TIME_WAIT once the client closes too. */
const struct bm_step bm_steps[] = {
    {"LISTEN", 1, {{BM_ROLE_SERVER, NULL}}},
    {"ESTABLISHED", 2, {{BM_ROLE_CLIENT, NULL}, {BM_ROLE_SERVER, "accept"}}},
    {"ESTABLISHED_NO_LISTENER", 1, {{BM_ROLE_SERVER, "close-listener"}}},
    {"FIN_WAIT_2", 1, {{BM_ROLE_SERVER, "close-conn"}}},
    {"TIME_WAIT", 1, {{BM_ROLE_CLIENT, "close"}}},
};

const int bm_step_count = (int)(sizeof bm_steps / sizeof bm_steps[0]);

int bm_step_find(const char *state) {
  for (int i = 0; i < bm_step_count; i++)
    if (strcmp(bm_steps[i].state, state) == 0)
      return i;
  return -1;
}
