/* The states a probe meets, and the sequences of role requests that reach
 * them. A state is one row; the steps that reach it are one line of a
 * sequence. A sequence runs on one port: a server role, a client role,
 * each request answered before the next, and after each step the witness
 * reads the port's state from the OS until it is the step's. */
#ifndef BM_VOCAB_STATES_H
#define BM_VOCAB_STATES_H

#include "vocab/names.h"

/* Which question a probe in that state answers: "hijack" when a live
 * socket holds the port (a bind that gets in shares or steals it),
 * "restart" when only what a closed server left is there (a bind that
 * gets in is a restart that works). */
enum bm_question { BM_ASKS_HIJACK, BM_ASKS_RESTART };
extern const struct bm_table bm_question_table;

struct bm_state {
  const char *name;
  unsigned protos; /* 1 << enum bm_proto */
  enum bm_question question;
  const char *summary; /* what the old server left on the port */
  /* The witnessed states that show it, NULL-terminated; NULL: its own
   * name. A state the harness does not decide (what a runtime's child
   * kept) is shown by more than one. */
  const char *const *shown_by;
};

/* Whether the witness showing `seen` shows `state`. */
int bm_state_shown_by(const struct bm_state *state, const char *seen);

extern const struct bm_table bm_state_table;
const struct bm_state *bm_state_at(int i);
const struct bm_state *bm_state_find(const char *name);
int bm_state_index(const struct bm_state *state);

/* What a role is asked to do (role/protocol.c spells them). */
enum bm_verb {
  BM_VERB_SERVER, /* bind and (TCP) listen: the old server */
  BM_VERB_BIND,   /* bind only */
  BM_VERB_PROBE,  /* bind a fresh socket and close it again */
  BM_VERB_CLIENT, /* connect */
  BM_VERB_LISTEN,
  BM_VERB_ACCEPT,
  BM_VERB_COUNT, /* accept and reset what is waiting: how many */
  BM_VERB_CLOSE_CONN,
  BM_VERB_CLOSE_LISTENER,
  BM_VERB_CLOSE,
  BM_VERB_SHUTDOWN,
  BM_VERB_BLOCK_INPUT,
  BM_VERB_QUICKACK,
  BM_VERB_INHERIT,
  BM_VERB_RESET,
  BM_VERB_COUNT_OF_VERBS
};
extern const struct bm_table bm_verb_table;
const char *bm_verb_name(enum bm_verb verb);

enum bm_role_kind { BM_ROLE_SERVER, BM_ROLE_CLIENT };

struct bm_request {
  enum bm_role_kind role;
  enum bm_verb verb;
};

#define BM_MAX_REQUESTS 3

struct bm_step {
  const char *state; /* a bm_state name: where the requests leave the port */
  int request_count;
  struct bm_request requests[BM_MAX_REQUESTS];
};

/* A sequence of steps on one port. A state is probed in the first
 * sequence of its protocol that reaches it. */
struct bm_sequence_kind {
  const char *name;
  unsigned protos;
  const struct bm_step *steps;
  int step_count;
};

extern const struct bm_table bm_kind_table;
const struct bm_sequence_kind *bm_kind_at(int i);

/* The inherit scenario's: the server starts a child and exits. What is left
 * on the port is the listener if the child inherited it (LISTEN), or
 * nothing (CLOSED); for a runtime's listener and child, whichever the
 * runtime left (EXITED). */
extern const struct bm_sequence_kind bm_kind_inherited, bm_kind_not_inherited,
    bm_kind_runtime_exited;

/* The step index of `state` in `kind`, or -1. */
int bm_step_find(const struct bm_sequence_kind *kind, const char *state);

/* The first kind of `proto` that has `state`: the one that probes it. */
const struct bm_sequence_kind *bm_kind_probing(enum bm_proto proto,
                                               const char *state);

#endif
