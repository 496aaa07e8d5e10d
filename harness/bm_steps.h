/* The state sequence as data: each step is what the roles do to reach the
 * next declared state, in the order of the blog's experiment. */
#ifndef BM_STEPS_H
#define BM_STEPS_H

enum bm_role_kind { BM_ROLE_SERVER, BM_ROLE_CLIENT };

struct bm_request {
  enum bm_role_kind role;
  const char *command; /* NULL: start the role process */
};

#define BM_MAX_REQUESTS 2

struct bm_step {
  const char *state; /* the declared state once the requests are done */
  int request_count;
  struct bm_request requests[BM_MAX_REQUESTS];
};

extern const struct bm_step bm_steps[];
extern const int bm_step_count;

/* The step index of a declared state name, or -1. */
int bm_step_find(const char *state);

#endif
