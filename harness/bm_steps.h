/* The state sequences as data: each step is what the roles do to reach the
 * next declared state. */
#ifndef BM_STEPS_H
#define BM_STEPS_H

#include "bm_sock.h"
#include "bm_spawn.h"

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

struct bm_sequence_kind {
  const char *name;
  enum bm_proto proto;
  const struct bm_step *steps;
  int step_count;
};

/* tcp active close (the blog's), tcp passive close, udp. */
extern const struct bm_sequence_kind bm_sequence_kinds[];
extern const int bm_sequence_kind_count;

/* The inherit scenario's: the server starts a child and exits. What is left
 * on the port is the listener if the child inherited it (LISTEN), or
 * nothing (CLOSED). */
extern const struct bm_sequence_kind bm_inherit_kinds[];
extern const int bm_inherit_kind_count;

/* The kind an inherit cell declares: the child inherits the listener when
 * the listener is not close-on-exec and the method passes inheritable
 * descriptors. The witness then checks that model against the OS. */
const struct bm_sequence_kind *bm_inherit_kind(int cloexec,
                                               const struct bm_spawn_method *m);

/* The step index of `state` in `kind`, or -1. */
int bm_step_find(const struct bm_sequence_kind *kind, const char *state);

/* The first kind of `proto` that has `state`: the one that probes it. */
const struct bm_sequence_kind *bm_kind_probing(enum bm_proto proto,
                                               const char *state);

#endif
