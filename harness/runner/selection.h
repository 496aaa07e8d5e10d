/* Which cells a run measures: a selection over the vocabulary, narrowed by
 * filter terms FIELD=VALUE[,VALUE...]. Terms on one field intersect. The
 * command line's list flags are the same terms (--states L is state=L), and
 * ./matrix passes its --filter through unchanged, so a name means the same
 * thing everywhere.
 *
 * Fields: each vocabulary dimension of a cell (scenario, proto,
 * listener_endpoint, probe_endpoint, listener_option, probe_option,
 * probe_user, state, cloexec, spawn) and four that combine them: option
 * (listener and probe option both), address (LISTENER/PROBE endpoints),
 * family (the cell family of the endpoints) and same_option (true: the
 * probe sets the listener's option, as a restarted server does). */
#ifndef BM_RUNNER_SELECTION_H
#define BM_RUNNER_SELECTION_H

#include <stddef.h>
#include <stdint.h>

enum bm_dimension {
  BM_DIM_SCENARIO,
  BM_DIM_PROTO,
  BM_DIM_LISTENER_OPTION,
  BM_DIM_PROBE_OPTION,
  BM_DIM_USER,
  BM_DIM_STATE,
  BM_DIM_CLOEXEC,
  BM_DIM_SPAWN,
  BM_DIM_COUNT
};

#define BM_MAX_ENDPOINTS 16

struct bm_selection {
  uint64_t rows[BM_DIM_COUNT]; /* bit i: row i of the dimension's table */
  /* [listener][probe]: the endpoint pairs still selected. */
  unsigned char pairs[BM_MAX_ENDPOINTS][BM_MAX_ENDPOINTS];
  int same_option; /* -1 either, 0 the probe's differs, 1 the same */
  int narrowed;    /* a term was applied */
};

/* Every cell. */
void bm_selection_all(struct bm_selection *s);

/* The blog's experiment, the harness's default: bind, TCP, 0.0.0.0 and
 * [::], the four base options each probing with itself, as the same user,
 * in the active close's states. */
extern const char *const bm_blog_filter;

/* Narrows by one term; -1 with a one-line message in `why`. */
int bm_selection_term(struct bm_selection *s, const char *field,
                      const char *values, char *why, size_t size);

/* Narrows by every term of a filter expression (space-separated). */
int bm_selection_filter(struct bm_selection *s, const char *expr, char *why,
                        size_t size);

int bm_selection_has(const struct bm_selection *s, enum bm_dimension d,
                     int row);

/* The filter fields, for `bindmatrix list`. */
struct bm_filter_field {
  const char *name;
  const char *summary;
};
const struct bm_filter_field *bm_filter_field_at(int i); /* NULL past end */

#endif
