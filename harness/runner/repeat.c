#include "runner/repeat.h"

#include <stdlib.h>
#include <string.h>
#include <uv.h>

static struct bm_variant variant_of(const struct bm_cell *c) {
  struct bm_variant v = {
      .status = c->status,
      .outcome = c->status == BM_CELL_MEASURED ? c->outcome.code : 0,
      .kind = c->witnessed_kind,
  };
  memcpy(v.reached, c->reached, sizeof v.reached);
  return v;
}

static int same_outcome(const struct bm_variant *a,
                        const struct bm_variant *b) {
  return a->status == b->status && a->outcome == b->outcome &&
         strcmp(a->reached, b->reached) == 0;
}

static int tally_add(struct bm_tally *t, const struct bm_cell *c) {
  struct bm_variant v = variant_of(c);
  for (int i = 0; i < t->count; i++)
    if (same_outcome(&t->variants[i], &v) && t->variants[i].kind == v.kind) {
      t->variants[i].count++;
      return 0;
    }
  struct bm_variant *grown =
      realloc(t->variants, ((size_t)t->count + 1) * sizeof *grown);
  if (!grown)
    return UV_ENOMEM;
  v.count = 1;
  grown[t->count++] = v;
  t->variants = grown;
  return 0;
}

int bm_tally_varied(const struct bm_tally *t) {
  for (int i = 1; i < t->count; i++)
    if (!same_outcome(&t->variants[0], &t->variants[i]))
      return 1;
  return 0;
}

void bm_tallies_free(struct bm_tally *tallies, int count) {
  for (int i = 0; tallies && i < count; i++)
    free(tallies[i].variants);
  free(tallies);
}

static int add_all(struct bm_tally *tallies, const struct bm_run_result *r) {
  for (int i = 0; i < r->cell_count; i++)
    if (tally_add(&tallies[i], &r->cells[i]) != 0)
      return UV_ENOMEM;
  return 0;
}

static void add_stats(struct bm_run_stats *sum, const struct bm_run_stats *s) {
  sum->retries += s->retries;
  sum->role_processes += s->role_processes;
  sum->role_uses += s->role_uses;
  sum->seconds += s->seconds;
}

int bm_run_repeat(const struct bm_plan *plan, const struct bm_run_options *o,
                  int repeat, struct bm_run_result *result,
                  struct bm_tally **tallies) {
  *tallies = NULL;
  int err = bm_run(plan, o, result);
  if (err != 0 || result->interrupted_by || repeat == 1)
    return err;
  *tallies = calloc((size_t)result->cell_count, sizeof **tallies);
  if (!*tallies || add_all(*tallies, result) != 0)
    return UV_ENOMEM;
  for (int i = 1; i < repeat; i++) {
    struct bm_run_result again;
    err = bm_run(plan, o, &again);
    if (err == 0)
      add_stats(&result->stats, &again.stats);
    result->interrupted_by = err == 0 ? again.interrupted_by : 0;
    if (err == 0 && !again.interrupted_by)
      err = add_all(*tallies, &again);
    free(again.cells);
    if (err != 0 || result->interrupted_by)
      return err;
  }
  return 0;
}
