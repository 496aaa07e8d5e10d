/* The scenarios: what the second process does, and over which states. */
#ifndef BM_VOCAB_SCENARIOS_H
#define BM_VOCAB_SCENARIOS_H

#include "vocab/states.h"

enum bm_scenario_id {
  BM_SCENARIO_BIND,
  BM_SCENARIO_HIJACK,
  BM_SCENARIO_INHERIT
};

struct bm_scenario {
  const char *name;
  enum bm_scenario_id id;
  const char *summary;
  unsigned protos;
  /* The states it probes, NULL-terminated; NULL: every state its
   * protocols' sequences reach. */
  const char *const *states;
  /* The second socket listens too, and new connections tell which of the
   * two listeners they reach. */
  int second_listens;
  /* The server starts a child and exits (cloexec and spawn dimensions). */
  int inherits;
};

extern const struct bm_table bm_scenario_table;
const struct bm_scenario *bm_scenario_at(int i);
const struct bm_scenario *bm_scenario_find(const char *name);

/* Whether `scenario` probes `state` (a bm_state name) over `proto`. */
int bm_scenario_probes(const struct bm_scenario *scenario, enum bm_proto proto,
                       const char *state);

#endif
