#include "vocab/scenarios.h"

#include <string.h>

#define TCP (1u << BM_TCP)
#define UDP (1u << BM_UDP)

/* A second listener over a live socket: a listener, or a socket bound by a
 * server that has not listened yet. */
static const char *const hijack_states[] = {"BOUND", "LISTEN", NULL};
/* What the inherit sequences declare (bm_kind_inherited,
 * bm_kind_not_inherited and bm_kind_runtime_exited). */
static const char *const inherit_states[] = {"LISTEN", "CLOSED", "EXITED",
                                             NULL};

static const struct bm_scenario scenarios[] = {
    {"bind", BM_SCENARIO_BIND,
     "a new process binds the port of an earlier server after each state of "
     "its connection",
     TCP | UDP, NULL, 0, 0},
    {"hijack", BM_SCENARIO_HIJACK,
     "a second process binds and listens over a live socket; which listener "
     "do new connections reach?",
     TCP, hijack_states, 1, 0},
    {"inherit", BM_SCENARIO_INHERIT,
     "a server starts a long-lived child and exits; can its successor bind?",
     TCP, inherit_states, 0, 1},
};

const struct bm_table bm_scenario_table = BM_TABLE("scenario", scenarios);

const struct bm_scenario *bm_scenario_at(int i) {
  return i >= 0 && i < bm_scenario_table.count ? &scenarios[i] : NULL;
}

const struct bm_scenario *bm_scenario_find(const char *name) {
  return bm_scenario_at(bm_table_find(&bm_scenario_table, name));
}

int bm_scenario_probes(const struct bm_scenario *scenario, enum bm_proto proto,
                       const char *state) {
  if (!(scenario->protos & (1u << proto)))
    return 0;
  if (scenario->states == NULL)
    return bm_kind_probing(proto, state) != NULL;
  for (const char *const *s = scenario->states; *s; s++)
    if (strcmp(*s, state) == 0)
      return scenario->inherits || bm_kind_probing(proto, state) != NULL;
  return 0;
}
