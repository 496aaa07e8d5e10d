#include "runner/plan.h"

#include <stdlib.h>
#include <string.h>
#include <uv.h>

int bm_plan_step_selected(const struct bm_sequence_plan *p, int step) {
  return (p->state_mask >> step) & 1;
}

int bm_plan_cell_count(const struct bm_sequence_plan *p) {
  int states = 0;
  for (int i = 0; i < p->kind->step_count; i++)
    states += bm_plan_step_selected(p, i);
  return states * p->probe_count;
}

struct bm_cell_key bm_plan_cell_key(const struct bm_sequence_plan *p, int step,
                                    int probe) {
  struct bm_cell_key k = {
      .scenario = p->scenario,
      .proto = p->proto,
      .listener = p->listener,
      .probe = p->probe,
      .listener_option = p->listener_option,
      .probe_option = p->probes[probe].option,
      .user = p->probes[probe].user,
      .state = bm_state_find(p->kind->steps[step].state),
      .cloexec = p->cloexec,
      .spawn = p->spawn,
  };
  return k;
}

/* ---- the cross product --------------------------------------------------- */

struct planner {
  const struct bm_selection *s;
  struct bm_plan *out; /* NULL: only count */
  int count;
};

static int state_selected(const struct bm_selection *s, const char *state) {
  return bm_selection_has(s, BM_DIM_STATE,
                          bm_table_find(&bm_state_table, state));
}

/* The steps of `kind` this scenario probes here. A state is probed by the
 * first kind that reaches it (LISTEN by the active close, not again by the
 * passive one). */
static unsigned probed_steps(const struct bm_selection *s,
                             const struct bm_scenario *scenario,
                             enum bm_proto proto,
                             const struct bm_sequence_kind *kind) {
  unsigned mask = 0;
  for (int i = 0; i < kind->step_count; i++) {
    const char *state = kind->steps[i].state;
    if (state_selected(s, state) &&
        bm_scenario_probes(scenario, proto, state) &&
        bm_kind_probing(proto, state) == kind)
      mask |= 1u << i;
  }
  return mask;
}

static void plan_probes(const struct bm_selection *s,
                        struct bm_sequence_plan *p) {
  for (int o = 0; o < bm_option_table.count; o++) {
    const struct bm_option *option = bm_option_at(o);
    int same = option == p->listener_option;
    /* A runtime's listen call probes only its own listener: the restarted
     * server. Over other listeners the harness's options ask. */
    if (!bm_selection_has(s, BM_DIM_PROBE_OPTION, o) ||
        (s->same_option != -1 && same != s->same_option) ||
        (option->via == BM_VIA_RUNTIME && !same))
      continue;
    for (int u = 0; u < BM_USER_COUNT && p->probe_count < BM_MAX_PROBES; u++)
      if (bm_selection_has(s, BM_DIM_USER, u))
        p->probes[p->probe_count++] =
            (struct bm_probe_spec){option, (enum bm_user)u};
  }
}

/* One sequence, when it has cells. */
static void add(struct planner *pl, const struct bm_sequence_plan *base,
                const struct bm_sequence_kind *kind, unsigned mask) {
  struct bm_sequence_plan p = *base;
  p.kind = kind;
  p.state_mask = mask;
  plan_probes(pl->s, &p);
  if (mask == 0 || p.probe_count == 0)
    return;
  if (pl->out) {
    pl->out->sequences[pl->count] = p;
    pl->out->cell_count += bm_plan_cell_count(&p);
  }
  pl->count++;
}

/* An inherit sequence declares the one state its model gives; it runs when
 * that state is selected. */
static const struct bm_sequence_kind *inherit_kind(const char *state) {
  if (strcmp(state, "LISTEN") == 0)
    return &bm_kind_inherited;
  return strcmp(state, "CLOSED") == 0 ? &bm_kind_not_inherited
                                      : &bm_kind_runtime_exited;
}

/* A runtime's listener starts its child its runtime's way, and sets its
 * own close-on-exec flag: one sequence, the flag not the harness's (-1).
 * The harness's listeners take every selected flag and method of its own. */
static void add_inherit(struct planner *pl, struct bm_sequence_plan *base,
                        int cloexec) {
  base->cloexec = cloexec;
  const char *state = bm_spawn_declared_state(cloexec, base->spawn);
  add(pl, base, inherit_kind(state), state_selected(pl->s, state));
}

static void plan_inherit(struct planner *pl, struct bm_sequence_plan *base) {
  int runtime = base->listener_option->via == BM_VIA_RUNTIME;
  for (int m = 0; m < bm_spawn_table.count; m++) {
    base->spawn = bm_spawn_at(m);
    if (!bm_selection_has(pl->s, BM_DIM_SPAWN, m) ||
        (base->spawn->id == BM_SPAWN_RUNTIME) != runtime)
      continue;
    if (runtime) {
      add_inherit(pl, base, -1);
      continue;
    }
    for (int f = 0; f < bm_cloexec_table.count; f++)
      if (bm_selection_has(pl->s, BM_DIM_CLOEXEC, f))
        add_inherit(pl, base, f);
  }
}

static void plan_pair(struct planner *pl, struct bm_sequence_plan *base) {
  for (int o = 0; o < bm_option_table.count; o++) {
    if (!bm_selection_has(pl->s, BM_DIM_LISTENER_OPTION, o))
      continue;
    base->listener_option = bm_option_at(o);
    if (base->scenario->inherits) {
      plan_inherit(pl, base);
      continue;
    }
    for (int k = 0; k < bm_kind_table.count; k++) {
      const struct bm_sequence_kind *kind = bm_kind_at(k);
      if (kind->protos & (1u << base->proto))
        add(pl, base, kind,
            probed_steps(pl->s, base->scenario, base->proto, kind));
    }
  }
}

static void plan_all(struct planner *pl) {
  const struct bm_selection *s = pl->s;
  for (int sc = 0; sc < bm_scenario_table.count; sc++)
    for (int pr = 0; pr < BM_PROTO_COUNT; pr++) {
      const struct bm_scenario *scenario = bm_scenario_at(sc);
      if (!bm_selection_has(s, BM_DIM_SCENARIO, sc) ||
          !bm_selection_has(s, BM_DIM_PROTO, pr) ||
          !(scenario->protos & (1u << pr)))
        continue;
      for (int l = 0; l < bm_endpoint_table.count; l++)
        for (int p = 0; p < bm_endpoint_table.count; p++) {
          if (!s->pairs[l][p])
            continue;
          struct bm_sequence_plan base = {
              .scenario = scenario,
              .proto = (enum bm_proto)pr,
              .listener = bm_endpoint_at(l),
              .probe = bm_endpoint_at(p),
          };
          plan_pair(pl, &base);
        }
    }
}

int bm_plan_make(const struct bm_selection *selection, struct bm_plan *out) {
  struct planner counting = {selection, NULL, 0};
  plan_all(&counting);
  memset(out, 0, sizeof *out);
  out->sequences = calloc((size_t)counting.count + 1, sizeof *out->sequences);
  if (!out->sequences)
    return UV_ENOMEM;
  struct planner filling = {selection, out, 0};
  plan_all(&filling);
  out->sequence_count = filling.count;
  return 0;
}

void bm_plan_free(struct bm_plan *plan) {
  free(plan->sequences);
  memset(plan, 0, sizeof *plan);
}

struct bm_cell *bm_plan_cells(const struct bm_plan *plan) {
  struct bm_cell *cells = calloc((size_t)plan->cell_count + 1, sizeof *cells);
  if (!cells)
    return NULL;
  struct bm_cell *next = cells;
  for (int i = 0; i < plan->sequence_count; i++) {
    const struct bm_sequence_plan *p = &plan->sequences[i];
    for (int step = 0; step < p->kind->step_count; step++)
      for (int probe = 0;
           bm_plan_step_selected(p, step) && probe < p->probe_count;
           probe++, next++) {
        next->key = bm_plan_cell_key(p, step, probe);
        next->child_holds_listener = next->child_holds_loop = BM_HOLDS_UNKNOWN;
        next->outcome.os_error = next->listen_outcome.os_error = BM_NO_OS_ERROR;
      }
  }
  return cells;
}
