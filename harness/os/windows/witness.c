/* The Windows state witness: the IP Helper's TCP and UDP tables
 * (GetExtendedTcpTable, GetExtendedUdpTable), filtered to the port.
 *
 * The rows carry no socket identity, so the sequence's sockets are those on
 * its port: listeners, and the connection whose remote port is the client's.
 * Under Wine the tables list the host's sockets and owner pids read 0, which
 * the port filter does not need. */
#include "os/witness.h"

#include <iphlpapi.h>
#include <stdlib.h>
#include <string.h>

/* MIB_TCP_STATE_* (1 CLOSED .. 12 DELETE_TCB). A row in CLOSED on the
 * port is a socket bound and nothing more, where the table lists those. */
static int state_from_mib(DWORD mib, enum bm_sock_state *out) {
  switch (mib) {
  case MIB_TCP_STATE_CLOSED:
    *out = BM_TCP_BOUND;
    return 0;
  case MIB_TCP_STATE_LISTEN:
    *out = BM_TCP_LISTEN;
    return 0;
  case MIB_TCP_STATE_SYN_SENT:
    *out = BM_TCP_SYN_SENT;
    return 0;
  case MIB_TCP_STATE_SYN_RCVD:
    *out = BM_TCP_SYN_RECV;
    return 0;
  case MIB_TCP_STATE_ESTAB:
    *out = BM_TCP_ESTABLISHED;
    return 0;
  case MIB_TCP_STATE_FIN_WAIT1:
    *out = BM_TCP_FIN_WAIT_1;
    return 0;
  case MIB_TCP_STATE_FIN_WAIT2:
    *out = BM_TCP_FIN_WAIT_2;
    return 0;
  case MIB_TCP_STATE_CLOSE_WAIT:
    *out = BM_TCP_CLOSE_WAIT;
    return 0;
  case MIB_TCP_STATE_CLOSING:
    *out = BM_TCP_CLOSING;
    return 0;
  case MIB_TCP_STATE_LAST_ACK:
    *out = BM_TCP_LAST_ACK;
    return 0;
  case MIB_TCP_STATE_TIME_WAIT:
    *out = BM_TCP_TIME_WAIT;
    return 0;
  }
  return -1;
}

/* One of the sequence's sockets: a TCP listener on the port, or the
 * server's end of the connection from the client's port; UDP: any socket
 * bound to the port. Ports in the tables are in network byte order. */
static void count_row(const struct bm_witness_query *q, DWORD local_port,
                      DWORD remote_port, DWORD mib_state,
                      struct bm_witness *w) {
  enum bm_sock_state s;
  if (ntohs((u_short)local_port) != q->server.port)
    return;
  if (q->proto == BM_UDP) {
    w->count[BM_UDP_BOUND]++;
    return;
  }
  if (state_from_mib(mib_state, &s) != 0)
    return;
  if (s == BM_TCP_LISTEN || (s == BM_TCP_BOUND && remote_port == 0) ||
      (q->peer_port != 0 && ntohs((u_short)remote_port) == q->peer_port))
    w->count[s]++;
}

static DWORD read_tcp(PVOID table, PDWORD size, ULONG family) {
  return GetExtendedTcpTable(table, size, FALSE, family,
                             TCP_TABLE_OWNER_PID_ALL, 0);
}

static DWORD read_udp(PVOID table, PDWORD size, ULONG family) {
  return GetExtendedUdpTable(table, size, FALSE, family, UDP_TABLE_OWNER_PID,
                             0);
}

/* Calls the IP Helper with a buffer that grows until the table fits. */
typedef DWORD (*table_reader)(PVOID table, PDWORD size, ULONG family);

static int read_table(table_reader read, int family, void **table) {
  DWORD size = 0;
  DWORD err = ERROR_INSUFFICIENT_BUFFER;
  *table = NULL;
  while (err == ERROR_INSUFFICIENT_BUFFER) {
    free(*table);
    *table = malloc(size ? size : 1);
    if (!*table)
      return ERROR_NOT_ENOUGH_MEMORY;
    err = read(*table, &size, (ULONG)family);
  }
  if (err != NO_ERROR) {
    free(*table);
    *table = NULL;
  }
  return (int)err;
}

static void count_tcp(const struct bm_witness_query *q, const void *table,
                      struct bm_witness *w) {
  if (q->server.def->ip == BM_IPV4) {
    const MIB_TCPTABLE_OWNER_PID *t = table;
    for (DWORD i = 0; i < t->dwNumEntries; i++)
      count_row(q, t->table[i].dwLocalPort, t->table[i].dwRemotePort,
                t->table[i].dwState, w);
  } else {
    const MIB_TCP6TABLE_OWNER_PID *t = table;
    for (DWORD i = 0; i < t->dwNumEntries; i++)
      count_row(q, t->table[i].dwLocalPort, t->table[i].dwRemotePort,
                t->table[i].dwState, w);
  }
}

static void count_udp(const struct bm_witness_query *q, const void *table,
                      struct bm_witness *w) {
  if (q->server.def->ip == BM_IPV4) {
    const MIB_UDPTABLE_OWNER_PID *t = table;
    for (DWORD i = 0; i < t->dwNumEntries; i++)
      count_row(q, t->table[i].dwLocalPort, 0, 0, w);
  } else {
    const MIB_UDP6TABLE_OWNER_PID *t = table;
    for (DWORD i = 0; i < t->dwNumEntries; i++)
      count_row(q, t->table[i].dwLocalPort, 0, 0, w);
  }
}

struct bm_error bm_witness_read(const struct bm_witness_query *q,
                                struct bm_witness *w) {
  memset(w, 0, sizeof *w);
  int family = q->server.def->ip == BM_IPV4 ? AF_INET : AF_INET6;
  void *table;
  int err =
      read_table(q->proto == BM_TCP ? read_tcp : read_udp, family, &table);
  if (err != 0)
    return bm_error_from_os(err);
  if (q->proto == BM_TCP)
    count_tcp(q, table, w);
  else
    count_udp(q, table, w);
  free(table);
  return BM_OK;
}
