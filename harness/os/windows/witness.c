/* The Windows state witness: the IP Helper's TCP and UDP tables
 * (GetTcpTable, GetTcp6Table, GetUdpTable, GetUdp6Table), filtered to the
 * port.
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

/* The tables without owner pids: the witness needs none, and under Wine
 * finding each socket's owner walks every process's descriptors (measured
 * here: about 50 ms a reading with TCP_TABLE_OWNER_PID_ALL). */
static DWORD read_tcp(PVOID table, PULONG size, int family) {
  return family == AF_INET ? GetTcpTable(table, size, FALSE)
                           : GetTcp6Table(table, size, FALSE);
}

static DWORD read_udp(PVOID table, PULONG size, int family) {
  return family == AF_INET ? GetUdpTable(table, size, FALSE)
                           : GetUdp6Table(table, size, FALSE);
}

/* Calls the IP Helper with a buffer that grows until the table fits. */
typedef DWORD (*table_reader)(PVOID table, PULONG size, int family);

static int read_table(table_reader read, int family, void **table) {
  ULONG size = 0;
  DWORD err = ERROR_INSUFFICIENT_BUFFER;
  *table = NULL;
  while (err == ERROR_INSUFFICIENT_BUFFER) {
    free(*table);
    *table = malloc(size ? size : 1);
    if (!*table)
      return ERROR_NOT_ENOUGH_MEMORY;
    err = read(*table, &size, family);
  }
  if (err != NO_ERROR) {
    free(*table);
    *table = NULL;
  }
  return (int)err;
}

/* The rows of one table, counted for every query of its protocol and
 * family. */
static void count_table(enum bm_proto proto, enum bm_ip ip, const void *table,
                        const struct bm_witness_query *q, struct bm_witness *w,
                        int count) {
  for (int i = 0; i < count; i++) {
    if (q[i].proto != proto || (q[i].server.def->ip != ip && !q[i].any_family))
      continue;
    if (proto == BM_TCP && ip == BM_IPV4) {
      const MIB_TCPTABLE *t = table;
      for (DWORD r = 0; r < t->dwNumEntries; r++)
        count_row(&q[i], t->table[r].dwLocalPort, t->table[r].dwRemotePort,
                  t->table[r].dwState, &w[i]);
    } else if (proto == BM_TCP) {
      const MIB_TCP6TABLE *t = table;
      for (DWORD r = 0; r < t->dwNumEntries; r++)
        count_row(&q[i], t->table[r].dwLocalPort, t->table[r].dwRemotePort,
                  (DWORD)t->table[r].State, &w[i]);
    } else if (ip == BM_IPV4) {
      const MIB_UDPTABLE *t = table;
      for (DWORD r = 0; r < t->dwNumEntries; r++)
        count_row(&q[i], t->table[r].dwLocalPort, 0, 0, &w[i]);
    } else {
      const MIB_UDP6TABLE *t = table;
      for (DWORD r = 0; r < t->dwNumEntries; r++)
        count_row(&q[i], t->table[r].dwLocalPort, 0, 0, &w[i]);
    }
  }
}

static int asked_for(enum bm_proto proto, enum bm_ip ip,
                     const struct bm_witness_query *q, int count) {
  for (int i = 0; i < count; i++)
    if (q[i].proto == proto && (q[i].server.def->ip == ip || q[i].any_family))
      return 1;
  return 0;
}

/* One table per protocol and family asked for: under Wine each reading
 * costs tens of ms however few rows it has. */
struct bm_error bm_witness_read_all(const struct bm_witness_query *q,
                                    struct bm_witness *w, int count) {
  memset(w, 0, (size_t)count * sizeof *w);
  for (int proto = 0; proto < BM_PROTO_COUNT; proto++)
    for (int ip = BM_IPV4; ip <= BM_IPV6; ip++) {
      if (!asked_for((enum bm_proto)proto, (enum bm_ip)ip, q, count))
        continue;
      void *table;
      int err = read_table(proto == BM_TCP ? read_tcp : read_udp,
                           ip == BM_IPV4 ? AF_INET : AF_INET6, &table);
      if (err != 0)
        return bm_error_from_os(err);
      count_table((enum bm_proto)proto, (enum bm_ip)ip, table, q, w, count);
      free(table);
    }
  return BM_OK;
}
