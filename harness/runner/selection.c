#include "runner/selection.h"

#include "vocab/endpoints.h"
#include "vocab/names.h"
#include "vocab/options.h"
#include "vocab/scenarios.h"
#include "vocab/spawns.h"
#include "vocab/states.h"

#include <stdio.h>
#include <string.h>

const char *const bm_blog_filter =
    "scenario=bind proto=tcp address=0.0.0.0/0.0.0.0,[::]/[::] "
    "option=default,SO_REUSEADDR,SO_REUSEPORT,SO_EXCLUSIVEADDRUSE "
    "same_option=true probe_user=same "
    "state=LISTEN,ESTABLISHED,ESTABLISHED_NO_LISTENER,FIN_WAIT_2,TIME_WAIT";

/* How a field narrows the selection. */
enum narrows {
  ROWS,              /* one dimension */
  OPTIONS,           /* both option dimensions */
  LISTENER_ENDPOINT, /* pairs, by their listener */
  PROBE_ENDPOINT,    /* pairs, by their probe */
  ADDRESS,           /* pairs, named LISTENER/PROBE */
  FAMILY,            /* pairs, by their cell family */
  SAME_OPTION,
};

struct field {
  struct bm_filter_field doc;
  enum narrows narrows;
  const struct bm_table *table; /* the names it takes, NULL: addresses */
  enum bm_dimension dimension;  /* with ROWS */
};

static const struct field fields[] = {
    {{"scenario", "bind, hijack or inherit"},
     ROWS,
     &bm_scenario_table,
     BM_DIM_SCENARIO},
    {{"proto", "tcp or udp"}, ROWS, &bm_proto_table, BM_DIM_PROTO},
    {{"family", "the cell family of the endpoints"},
     FAMILY,
     &bm_cell_family_table,
     0},
    {{"address", "LISTENER/PROBE endpoints"}, ADDRESS, NULL, 0},
    {{"listener_endpoint", "the listener's endpoint"},
     LISTENER_ENDPOINT,
     &bm_endpoint_table,
     0},
    {{"probe_endpoint", "the probe's endpoint"},
     PROBE_ENDPOINT,
     &bm_endpoint_table,
     0},
    {{"option", "listener and probe option both"},
     OPTIONS,
     &bm_option_table,
     0},
    {{"listener_option", "the listener's option"},
     ROWS,
     &bm_option_table,
     BM_DIM_LISTENER_OPTION},
    {{"probe_option", "the probe's option"},
     ROWS,
     &bm_option_table,
     BM_DIM_PROBE_OPTION},
    {{"probe_user", "whose user the probe runs as"},
     ROWS,
     &bm_user_table,
     BM_DIM_USER},
    {{"state", "the state the probe meets"},
     ROWS,
     &bm_state_table,
     BM_DIM_STATE},
    {{"cloexec", "inherit: the listener's close-on-exec flag"},
     ROWS,
     &bm_cloexec_table,
     BM_DIM_CLOEXEC},
    {{"spawn", "inherit: how the server starts its child"},
     ROWS,
     &bm_spawn_table,
     BM_DIM_SPAWN},
    {{"same_option", "true: the probe sets the listener's option"},
     SAME_OPTION,
     &bm_cloexec_table, /* false, true */
     0},
};

#define FIELD_COUNT ((int)(sizeof fields / sizeof fields[0]))

const struct bm_filter_field *bm_filter_field_at(int i) {
  return i >= 0 && i < FIELD_COUNT ? &fields[i].doc : NULL;
}

static uint64_t all_rows(int count) {
  return count >= 64 ? ~0ull : (1ull << count) - 1;
}

static const struct bm_table *dimension_table(enum bm_dimension d) {
  static const struct bm_table *const tables[BM_DIM_COUNT] = {
      [BM_DIM_SCENARIO] = &bm_scenario_table,
      [BM_DIM_PROTO] = &bm_proto_table,
      [BM_DIM_LISTENER_OPTION] = &bm_option_table,
      [BM_DIM_PROBE_OPTION] = &bm_option_table,
      [BM_DIM_USER] = &bm_user_table,
      [BM_DIM_STATE] = &bm_state_table,
      [BM_DIM_CLOEXEC] = &bm_cloexec_table,
      [BM_DIM_SPAWN] = &bm_spawn_table,
  };
  return tables[d];
}

void bm_selection_all(struct bm_selection *s) {
  memset(s, 0, sizeof *s);
  for (int d = 0; d < BM_DIM_COUNT; d++)
    s->rows[d] = all_rows(dimension_table((enum bm_dimension)d)->count);
  memset(s->pairs, 1, sizeof s->pairs);
  s->same_option = -1;
}

int bm_selection_has(const struct bm_selection *s, enum bm_dimension d,
                     int row) {
  return (s->rows[d] >> row) & 1;
}

static int unknown(const struct field *f, const char *value, char *why,
                   size_t size) {
  char known[1024];
  if (f->table)
    bm_table_names(f->table, known, sizeof known);
  else
    snprintf(known, sizeof known, "LISTENER/PROBE, two endpoints");
  snprintf(why, size, "unknown %s '%s' (known: %s)", f->doc.name, value, known);
  return -1;
}

/* "LISTENER/PROBE" into two endpoint rows. */
static int parse_address(const char *value, int *listener, int *probe) {
  char copy[128];
  snprintf(copy, sizeof copy, "%s", value);
  char *slash = strchr(copy, '/');
  if (!slash)
    return -1;
  *slash = '\0';
  *listener = bm_table_find(&bm_endpoint_table, copy);
  *probe = bm_table_find(&bm_endpoint_table, slash + 1);
  return *listener >= 0 && *probe >= 0 ? 0 : -1;
}

/* Keeps the pairs that one of the values names. */
struct wanted {
  uint64_t rows;
  unsigned char pairs[BM_MAX_ENDPOINTS][BM_MAX_ENDPOINTS];
};

static int want_value(const struct field *f, const char *value,
                      struct wanted *w) {
  if (f->narrows == ADDRESS) {
    int l, p;
    if (parse_address(value, &l, &p) != 0)
      return -1;
    w->pairs[l][p] = 1;
    return 0;
  }
  int row = bm_table_find(f->table, value);
  if (row < 0)
    return -1;
  w->rows |= 1ull << row;
  return 0;
}

static int pair_wanted(const struct field *f, const struct wanted *w, int l,
                       int p) {
  switch (f->narrows) {
  case ADDRESS:
    return w->pairs[l][p];
  case LISTENER_ENDPOINT:
    return (w->rows >> l) & 1;
  case PROBE_ENDPOINT:
    return (w->rows >> p) & 1;
  case FAMILY:
    return (w->rows >> bm_cell_family(bm_endpoint_at(l), bm_endpoint_at(p))) &
           1;
  default:
    return 1;
  }
}

static void narrow(struct bm_selection *s, const struct field *f,
                   const struct wanted *w) {
  switch (f->narrows) {
  case ROWS:
    s->rows[f->dimension] &= w->rows;
    break;
  case OPTIONS:
    s->rows[BM_DIM_LISTENER_OPTION] &= w->rows;
    s->rows[BM_DIM_PROBE_OPTION] &= w->rows;
    break;
  case SAME_OPTION: {
    int same = w->rows == 2 ? 1 : w->rows == 1 ? 0 : -1; /* true, false */
    if (s->same_option != -1 && same != -1 && same != s->same_option)
      s->rows[BM_DIM_PROBE_OPTION] = 0; /* true and false: nothing */
    else if (same != -1)
      s->same_option = same;
    break;
  }
  default:
    for (int l = 0; l < bm_endpoint_table.count; l++)
      for (int p = 0; p < bm_endpoint_table.count; p++)
        s->pairs[l][p] &= (unsigned char)pair_wanted(f, w, l, p);
  }
}

int bm_selection_term(struct bm_selection *s, const char *name,
                      const char *values, char *why, size_t size) {
  const struct field *f = NULL;
  for (int i = 0; i < FIELD_COUNT && !f; i++)
    if (strcmp(fields[i].doc.name, name) == 0)
      f = &fields[i];
  if (!f) {
    char known[512];
    size_t used = 0;
    for (int i = 0; i < FIELD_COUNT && used < sizeof known; i++)
      used += (size_t)snprintf(known + used, sizeof known - used, "%s%s",
                               i ? ", " : "", fields[i].doc.name);
    snprintf(why, size, "unknown filter field '%s' (known: %s)", name, known);
    return -1;
  }
  struct wanted w;
  memset(&w, 0, sizeof w);
  char copy[2048];
  snprintf(copy, sizeof copy, "%s", values);
  int count = 0;
  for (char *v = strtok(copy, ","); v; v = strtok(NULL, ","), count++)
    if (want_value(f, v, &w) != 0)
      return unknown(f, v, why, size);
  if (count == 0) {
    snprintf(why, size, "filter term '%s=' names no value", name);
    return -1;
  }
  narrow(s, f, &w);
  s->narrowed = 1;
  return 0;
}

int bm_selection_filter(struct bm_selection *s, const char *expr, char *why,
                        size_t size) {
  static const char blanks[] = " \t\n";
  for (const char *at = expr + strspn(expr, blanks); *at;
       at += strspn(at, blanks)) {
    size_t len = strcspn(at, blanks);
    char term[2048];
    snprintf(term, sizeof term, "%.*s", (int)len, at);
    at += len;
    char *eq = strchr(term, '=');
    if (!eq) {
      snprintf(why, size, "filter term '%s' is not FIELD=VALUE", term);
      return -1;
    }
    *eq = '\0';
    if (bm_selection_term(s, term, eq + 1, why, size) != 0)
      return -1;
  }
  return 0;
}
