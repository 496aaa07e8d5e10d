/* The result file, written whole or not at all: into a temporary file of a
 * unique name in the same folder, renamed over the path at the end. Only a
 * regular file or a new path is accepted, and that is checked (the
 * temporary file made) before any measuring; a device, a folder or a
 * folder one cannot write to is refused at once. */
#ifndef BM_OUTPUT_OUTFILE_H
#define BM_OUTPUT_OUTFILE_H

#include <stdio.h>

struct bm_outfile {
  const char *path;
  char temporary[4096];
  FILE *file;
};

/* Opens the temporary file; -1 with a one-line reason in `why`. */
int bm_outfile_open(struct bm_outfile *o, const char *path, char *why,
                    size_t size);

/* Renames it over the path; -1 with the reason (the temporary is gone). */
int bm_outfile_commit(struct bm_outfile *o, char *why, size_t size);

/* Removes the temporary file: nothing was written. */
void bm_outfile_discard(struct bm_outfile *o);

#endif
