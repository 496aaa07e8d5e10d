#include "vocab/table.h"

#include <stdio.h>
#include <string.h>

const void *bm_table_row(const struct bm_table *table, int i) {
  return (const char *)table->rows + (size_t)i * table->stride;
}

const char *bm_table_name(const struct bm_table *table, int i) {
  return *(const char *const *)bm_table_row(table, i);
}

int bm_table_find(const struct bm_table *table, const char *name) {
  for (int i = 0; i < table->count; i++)
    if (strcmp(bm_table_name(table, i), name) == 0)
      return i;
  return -1;
}

void bm_table_names(const struct bm_table *table, char *buf, size_t size) {
  size_t used = 0;
  buf[0] = '\0';
  for (int i = 0; i < table->count && used < size; i++) {
    int n = snprintf(buf + used, size - used, "%s%s", i ? ", " : "",
                     bm_table_name(table, i));
    if (n < 0)
      break;
    used += (size_t)n;
  }
}
