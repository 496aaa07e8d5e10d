/* JSON out: the result file (DESIGN.md's contract), the plan's cells, and
 * the vocabulary (`bindmatrix list --json`). */
#ifndef BM_OUTPUT_JSON_H
#define BM_OUTPUT_JSON_H

#include "runner/cell.h"
#include "runner/repeat.h"
#include "runner/run.h"

#include <stdio.h>

void bm_json_string(FILE *out, const char *s);
/* `, "name": "value"`, or null for NULL or "". */
void bm_json_field(FILE *out, const char *name, const char *value);
/* `, "name": true`, false, or null for a value < 0 (not known). */
void bm_json_tristate(FILE *out, const char *name, int value);

/* A cell's key fields, as an object left open: `{"scenario": ...`. */
void bm_json_key(FILE *out, const struct bm_cell_key *key);

/* How a run went, for the result file's "run" block. */
struct bm_run_info {
  int fresh;
  int jobs;
  int timeout_ms;
  int repeat;
  int varied; /* cells whose outcome varied (bm_tally_varied) */
  struct bm_run_stats stats;
};

/* A cell's "outcome" and "os_error" fields; a hijack cell's
 * "listen_outcome", "reached" and "connections". */
void bm_json_outcome(FILE *out, const struct bm_cell *c);
void bm_json_hijack_fields(FILE *out, const struct bm_cell *c);

/* A result file's opening: `{`, schema, platform and harness, each line
 * ending with a comma. */
void bm_json_result_head(FILE *out);

/* `tallies`: what each cell gave over the runs (--repeat), or NULL. */
void bm_json_result(FILE *out, const struct bm_cell *cells,
                    const struct bm_tally *tallies, int count,
                    const struct bm_run_info *run);

/* One line of `bindmatrix plan`: the cell's key and its test id. */
void bm_json_plan_cell(FILE *out, const struct bm_cell_key *key);

/* The test id of a cell, e.g. tcp-ipv4-SO_REUSEADDR-TIME_WAIT
 * (output/cell_id.c). */
void bm_cell_id(const struct bm_cell_key *key, char *buf, size_t size);

/* `bindmatrix list --json` (output/vocabulary.c). */
void bm_json_vocabulary(FILE *out);

/* `bindmatrix list` (output/names.c). */
void bm_list_names(FILE *out);

#endif
