#include "os/bsd/netstat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BLANKS " \t\r\n"

enum { PROTO, RECV_Q, SEND_Q, LOCAL, FOREIGN, STATE, FIELD_COUNT };

/* The first `max` blank-separated fields of line, as strings in buf. */
static int split(const char *line, char *buf, size_t size, char **fields,
                 int max) {
  snprintf(buf, size, "%s", line);
  int n = 0;
  for (char *p = buf + strspn(buf, BLANKS); *p != '\0' && n < max;
       p += strspn(p, BLANKS)) {
    fields[n++] = p;
    p += strcspn(p, BLANKS);
    if (*p != '\0')
      *p++ = '\0';
  }
  return n;
}

/* "tcp4", "tcp6", "tcp46", "udp4"...: netstat's name, then the families
 * (inp_vflag) as "4", "6" or "46". -1 for anything else. */
static int parse_proto(const char *field, struct bm_bsd_socket *s) {
  static const struct {
    const char *suffix;
    unsigned families;
  } suffixes[] = {
      {"4", BM_BSD_V4}, {"6", BM_BSD_V6}, {"46", BM_BSD_V4 | BM_BSD_V6}};
  if (strncmp(field, "tcp", 3) == 0)
    s->proto = BM_TCP;
  else if (strncmp(field, "udp", 3) == 0)
    s->proto = BM_UDP;
  else
    return -1;
  for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++)
    if (strcmp(field + 3, suffixes[i].suffix) == 0) {
      s->families = suffixes[i].families;
      return 0;
    }
  return -1;
}

static int is_number(const char *s, size_t max_digits) {
  size_t digits = strspn(s, "0123456789");
  return digits > 0 && digits <= max_digits && s[digits] == '\0';
}

/* The port after the last dot: "127.0.0.1.5000", "::1.5000", "*.*". A long
 * IPv6 host is cut short by netstat, never its port. */
static int parse_port(const char *address, int *port) {
  const char *dot = strrchr(address, '.');
  if (dot == NULL || dot == address)
    return -1;
  if (strcmp(dot + 1, "*") == 0) {
    *port = 0;
    return 0;
  }
  if (!is_number(dot + 1, 5) || atoi(dot + 1) > 65535)
    return -1;
  *port = atoi(dot + 1);
  return 0;
}

int bm_netstat_parse_line(const char *line, struct bm_bsd_socket *out) {
  char buf[512];
  char *fields[FIELD_COUNT];
  int n = split(line, buf, sizeof buf, fields, FIELD_COUNT);
  if (n == 0 || parse_proto(fields[PROTO], out) != 0)
    return 0;
  if (n < FOREIGN + 1 || !is_number(fields[RECV_Q], 20) ||
      !is_number(fields[SEND_Q], 20) ||
      parse_port(fields[LOCAL], &out->local_port) != 0 ||
      parse_port(fields[FOREIGN], &out->foreign_port) != 0)
    return -1;
  if (out->proto == BM_UDP) {
    out->state = BM_UDP_BOUND; /* UDP lines have no state column */
    return 1;
  }
  if (n < STATE + 1 || bm_bsd_tcp_state_named(fields[STATE], &out->state) != 0)
    return -1;
  return 1;
}
