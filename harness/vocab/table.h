/* The vocabulary's tables share one shape: an array of rows, each starting
 * with its name. One lookup serves them all, so that finding an option, an
 * endpoint or a state by name is never written twice. */
#ifndef BM_VOCAB_TABLE_H
#define BM_VOCAB_TABLE_H

#include <stddef.h>

struct bm_table {
  const char *what; /* "option", "state", ...: for messages */
  const void *rows; /* each row starts with `const char *name` */
  size_t stride;
  int count;
};

#define BM_TABLE(what, rows)                                                   \
  { what, rows, sizeof rows[0], (int)(sizeof rows / sizeof rows[0]) }

/* The index of the row called `name`, or -1. Names are exact. */
int bm_table_find(const struct bm_table *table, const char *name);

/* Row i's name (0 <= i < count). */
const char *bm_table_name(const struct bm_table *table, int i);

/* Row i itself. */
const void *bm_table_row(const struct bm_table *table, int i);

/* "a, b, c": every name, for "unknown X 'y' (known: ...)" messages. */
void bm_table_names(const struct bm_table *table, char *buf, size_t size);

#endif
