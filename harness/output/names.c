/* `bindmatrix list`: every name the harness knows, a line each, for people
 * (`list --json` is for programs). */
#include "output/json.h"

#include "runner/selection.h"

static void put_names(FILE *out, const char *what, const struct bm_table *t) {
  for (int i = 0; i < t->count; i++)
    fprintf(out, "%s %s\n", what, bm_table_name(t, i));
}

void bm_list_names(FILE *out) {
  put_names(out, "scenario", &bm_scenario_table);
  put_names(out, "proto", &bm_proto_table);
  put_names(out, "family", &bm_cell_family_table);
  put_names(out, "endpoint", &bm_endpoint_table);
  put_names(out, "option", &bm_option_table);
  put_names(out, "user", &bm_user_table);
  put_names(out, "state", &bm_state_table);
  put_names(out, "cloexec", &bm_cloexec_table);
  put_names(out, "spawn", &bm_spawn_table);
  for (int i = 0; bm_filter_field_at(i); i++)
    fprintf(out, "filter %s: %s\n", bm_filter_field_at(i)->name,
            bm_filter_field_at(i)->summary);
}
