#include "bm_steps.h"

#include <string.h>

#define STEPS(table) table, (int)(sizeof table / sizeof table[0])

/* Active close, server side, as in the blog: the server closes first, so its
 * end goes FIN_WAIT_2 and then TIME_WAIT once the client closes too. */
static const struct bm_step active_close[] = {
    {"LISTEN", 1, {{BM_ROLE_SERVER, NULL}}},
    {"ESTABLISHED", 2, {{BM_ROLE_CLIENT, NULL}, {BM_ROLE_SERVER, "accept"}}},
    {"ESTABLISHED_NO_LISTENER", 1, {{BM_ROLE_SERVER, "close-listener"}}},
    {"FIN_WAIT_2", 1, {{BM_ROLE_SERVER, "close-conn"}}},
    {"TIME_WAIT", 1, {{BM_ROLE_CLIENT, "close"}}},
};

/* Passive close: the client sends its FIN first (CLOSE_WAIT on the server);
 * then it stops acknowledging anything, so when the server closes too its
 * end stays in LAST_ACK, as it would with a peer that went away. */
static const struct bm_step passive_close[] = {
    {"LISTEN", 1, {{BM_ROLE_SERVER, NULL}}},
    {"ESTABLISHED", 2, {{BM_ROLE_CLIENT, NULL}, {BM_ROLE_SERVER, "accept"}}},
    {"ESTABLISHED_NO_LISTENER", 1, {{BM_ROLE_SERVER, "close-listener"}}},
    {"CLOSE_WAIT", 1, {{BM_ROLE_CLIENT, "shutdown"}}},
    {"LAST_ACK",
     2,
     {{BM_ROLE_CLIENT, "block-input"}, {BM_ROLE_SERVER, "close-conn"}}},
};

/* UDP has no connection: the question is a bound socket. */
static const struct bm_step udp_bound[] = {
    {"BOUND", 1, {{BM_ROLE_SERVER, NULL}}},
};

const struct bm_sequence_kind bm_sequence_kinds[] = {
    {"active-close", BM_TCP, STEPS(active_close)},
    {"passive-close", BM_TCP, STEPS(passive_close)},
    {"bound", BM_UDP, STEPS(udp_bound)},
};

const int bm_sequence_kind_count =
    (int)(sizeof bm_sequence_kinds / sizeof bm_sequence_kinds[0]);

static const struct bm_step inherited[] = {
    {"LISTEN", 1, {{BM_ROLE_SERVER, NULL}}},
};

static const struct bm_step not_inherited[] = {
    {"CLOSED", 1, {{BM_ROLE_SERVER, NULL}}},
};

const struct bm_sequence_kind bm_inherit_kinds[] = {
    {"inherited", BM_TCP, STEPS(inherited)},
    {"not-inherited", BM_TCP, STEPS(not_inherited)},
};

const int bm_inherit_kind_count =
    (int)(sizeof bm_inherit_kinds / sizeof bm_inherit_kinds[0]);

const struct bm_sequence_kind *
bm_inherit_kind(int cloexec, const struct bm_spawn_method *m) {
  return &bm_inherit_kinds[!cloexec && m->passes_inheritable ? 0 : 1];
}

int bm_step_find(const struct bm_sequence_kind *kind, const char *state) {
  for (int i = 0; i < kind->step_count; i++)
    if (strcmp(kind->steps[i].state, state) == 0)
      return i;
  return -1;
}

const struct bm_sequence_kind *bm_kind_probing(enum bm_proto proto,
                                               const char *state) {
  for (int i = 0; i < bm_sequence_kind_count; i++)
    if (bm_sequence_kinds[i].proto == proto &&
        bm_step_find(&bm_sequence_kinds[i], state) >= 0)
      return &bm_sequence_kinds[i];
  return NULL;
}
