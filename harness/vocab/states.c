#include "vocab/states.h"

#include <string.h>

#define TCP (1u << BM_TCP)
#define UDP (1u << BM_UDP)

static const struct bm_named questions[] = {
    [BM_ASKS_HIJACK] = {"hijack", "a live socket holds the port: a bind "
                                  "that gets in shares or steals it"},
    [BM_ASKS_RESTART] = {"restart", "only what a closed server left holds "
                                    "the port: a bind that gets in is a "
                                    "restart that works"},
};

const struct bm_table bm_question_table = BM_TABLE("question", questions);

static const char *const either_kept[] = {"LISTEN", "CLOSED", NULL};

static const struct bm_state states[] = {
    {.name = "BOUND",
     .protos = TCP | UDP,
     .question = BM_ASKS_HIJACK,
     .summary = "a socket bound to the port (TCP: not listening)"},
    {.name = "LISTEN",
     .protos = TCP,
     .question = BM_ASKS_HIJACK,
     .summary = "its listening socket"},
    {.name = "ESTABLISHED",
     .protos = TCP,
     .question = BM_ASKS_HIJACK,
     .summary = "the listener and an accepted connection"},
    {.name = "ESTABLISHED_NO_LISTENER",
     .protos = TCP,
     .question = BM_ASKS_RESTART,
     .summary = "the connection only: the listener is closed"},
    {.name = "FIN_WAIT_2",
     .protos = TCP,
     .question = BM_ASKS_RESTART,
     .summary = "the server closed the connection first; the client has not"},
    {.name = "TIME_WAIT",
     .protos = TCP,
     .question = BM_ASKS_RESTART,
     .summary = "both closed, the server first"},
    {.name = "CLOSE_WAIT",
     .protos = TCP,
     .question = BM_ASKS_RESTART,
     .summary = "the client closed first; the server has not"},
    {.name = "LAST_ACK",
     .protos = TCP,
     .question = BM_ASKS_RESTART,
     .summary = "then the server closed too; the client never acknowledges"},
    {.name = "CLOSED",
     .protos = TCP,
     .question = BM_ASKS_RESTART,
     .summary = "(inherit) nothing: the child did not keep the listener"},
    {.name = "EXITED",
     .protos = TCP,
     .question = BM_ASKS_RESTART,
     .summary =
         "(inherit, a runtime's listener) the server started a child its "
         "runtime's own way and exited: whatever the child kept, LISTEN or "
         "CLOSED, as witnessed",
     .shown_by = either_kept},
};

int bm_state_shown_by(const struct bm_state *state, const char *seen) {
  if (!state->shown_by)
    return strcmp(state->name, seen) == 0;
  for (const char *const *s = state->shown_by; *s; s++)
    if (strcmp(*s, seen) == 0)
      return 1;
  return 0;
}

const struct bm_table bm_state_table = BM_TABLE("state", states);

const struct bm_state *bm_state_at(int i) {
  return i >= 0 && i < bm_state_table.count ? &states[i] : NULL;
}

const struct bm_state *bm_state_find(const char *name) {
  return bm_state_at(bm_table_find(&bm_state_table, name));
}

int bm_state_index(const struct bm_state *state) {
  return (int)(state - states);
}

static const struct bm_named verbs[BM_VERB_COUNT_OF_VERBS] = {
    [BM_VERB_SERVER] = {"server", "bind, and listen (TCP)"},
    [BM_VERB_BIND] = {"bind", "bind without listening"},
    [BM_VERB_PROBE] = {"probe", "bind a fresh socket and close it"},
    [BM_VERB_CLIENT] = {"client", "connect"},
    [BM_VERB_LISTEN] = {"listen", "listen on the bound socket"},
    [BM_VERB_ACCEPT] = {"accept", "accept one connection"},
    [BM_VERB_COUNT] = {"count", "accept and reset what is waiting"},
    [BM_VERB_CLOSE_CONN] = {"close-conn", "close the accepted connection"},
    [BM_VERB_CLOSE_LISTENER] = {"close-listener", "close the listener"},
    [BM_VERB_CLOSE] = {"close", "close the client's connection"},
    [BM_VERB_SHUTDOWN] = {"shutdown", "send FIN, keep the socket"},
    [BM_VERB_BLOCK_INPUT] = {"block-input", "drop every segment from now on"},
    [BM_VERB_QUICKACK] = {"quickack", "acknowledge at once (Linux)"},
    [BM_VERB_INHERIT] = {"inherit", "listen, start a child, then exit"},
    [BM_VERB_RESET] = {"reset", "close everything of the cell"},
};

const struct bm_table bm_verb_table = BM_TABLE("request", verbs);

const char *bm_verb_name(enum bm_verb verb) { return verbs[verb].name; }

#define STEPS(table) table, (int)(sizeof table / sizeof table[0])
#define SERVER(verb)                                                           \
  { BM_ROLE_SERVER, BM_VERB_##verb }
#define CLIENT(verb)                                                           \
  { BM_ROLE_CLIENT, BM_VERB_##verb }

/* Active close, server side, as in the blog: the server closes first, so its
 * end goes FIN_WAIT_2 and then TIME_WAIT once the client closes too. The
 * client acknowledges the server's FIN at once where the OS lets it
 * (TCP_QUICKACK), not after a delayed-ACK timer. */
static const struct bm_step active_close[] = {
    {"LISTEN", 1, {SERVER(SERVER)}},
    {"ESTABLISHED", 2, {CLIENT(CLIENT), SERVER(ACCEPT)}},
    {"ESTABLISHED_NO_LISTENER", 1, {SERVER(CLOSE_LISTENER)}},
    {"FIN_WAIT_2", 2, {CLIENT(QUICKACK), SERVER(CLOSE_CONN)}},
    {"TIME_WAIT", 1, {CLIENT(CLOSE)}},
};

/* Passive close: the client sends its FIN first (CLOSE_WAIT on the server);
 * then it stops acknowledging anything, so when the server closes too its
 * end stays in LAST_ACK, as it would with a peer that went away. */
static const struct bm_step passive_close[] = {
    {"LISTEN", 1, {SERVER(SERVER)}},
    {"ESTABLISHED", 2, {CLIENT(CLIENT), SERVER(ACCEPT)}},
    {"ESTABLISHED_NO_LISTENER", 1, {SERVER(CLOSE_LISTENER)}},
    {"CLOSE_WAIT", 1, {CLIENT(SHUTDOWN)}},
    {"LAST_ACK", 2, {CLIENT(BLOCK_INPUT), SERVER(CLOSE_CONN)}},
};

/* A socket bound and nothing more: UDP's only state, and TCP's before
 * listen() (a server that binds, then drops privileges or waits). */
static const struct bm_step bound[] = {
    {"BOUND", 1, {SERVER(BIND)}},
};

static const struct bm_sequence_kind kinds[] = {
    {"bound", TCP | UDP, STEPS(bound)},
    {"active-close", TCP, STEPS(active_close)},
    {"passive-close", TCP, STEPS(passive_close)},
};

const struct bm_table bm_kind_table = BM_TABLE("sequence", kinds);

const struct bm_sequence_kind *bm_kind_at(int i) {
  return i >= 0 && i < bm_kind_table.count ? &kinds[i] : NULL;
}

static const struct bm_step inherited[] = {
    {"LISTEN", 1, {SERVER(INHERIT)}},
};

static const struct bm_step not_inherited[] = {
    {"CLOSED", 1, {SERVER(INHERIT)}},
};

const struct bm_sequence_kind bm_kind_inherited = {"inherited", TCP,
                                                   STEPS(inherited)};
const struct bm_sequence_kind bm_kind_not_inherited = {"not-inherited", TCP,
                                                       STEPS(not_inherited)};

static const struct bm_step runtime_exited[] = {
    {"EXITED", 1, {SERVER(INHERIT)}},
};

const struct bm_sequence_kind bm_kind_runtime_exited = {"runtime-exited", TCP,
                                                        STEPS(runtime_exited)};

int bm_step_find(const struct bm_sequence_kind *kind, const char *state) {
  for (int i = 0; i < kind->step_count; i++)
    if (strcmp(kind->steps[i].state, state) == 0)
      return i;
  return -1;
}

const struct bm_sequence_kind *bm_kind_probing(enum bm_proto proto,
                                               const char *state) {
  for (int i = 0; i < bm_kind_table.count; i++)
    if ((kinds[i].protos & (1u << proto)) &&
        bm_step_find(&kinds[i], state) >= 0)
      return &kinds[i];
  return NULL;
}
