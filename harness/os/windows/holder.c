/* What the child holds on Windows, from its handle table. An inherited
 * handle has the same value in the child as in its parent (CreateProcess,
 * "Inheritance"), so the listener's handle value is its id: the harness
 * duplicates the child's handle of that value into itself (DuplicateHandle
 * fails when the child has none) and asks Winsock where it is bound. The
 * hold child makes no socket of its own, so a socket bound to the
 * listener's port is the inherited listener; anything else at that value
 * is the child's own. (Only getsockname: under Wine getsockopt answers
 * WSAENOTSOCK for a socket duplicated from another process. The TCP
 * table's owning pid does not tell either: it names the process that
 * created a listener, which for an inherited one is the server that
 * exited.)
 *
 * The loop is not looked for: libuv's is an I/O completion port, created
 * without security attributes and so never inheritable, and Windows has no
 * documented call that says what kind of object another process's handle
 * is. uv_backend_fd() is -1, and the cells say null. */
#include "os/holder.h"

#include <windows.h>

unsigned long long bm_holder_socket_id(bm_socket s) {
  return (unsigned long long)s;
}

static int holds_listener(HANDLE child, const struct bm_holder_query *q) {
  HANDLE copy;
  if (!DuplicateHandle(child, (HANDLE)(uintptr_t)q->listener_id,
                       GetCurrentProcess(), &copy, 0, FALSE,
                       DUPLICATE_SAME_ACCESS))
    return 0; /* no handle of that value in the child */
  int port;
  int held =
      bm_sock_local_port((SOCKET)copy, &port).code == 0 && port == q->port;
  /* A duplicated socket is closed with closesocket, which leaves the
   * child's handle open; what Winsock does not take is no socket. */
  if (closesocket((SOCKET)copy) != 0)
    CloseHandle(copy);
  return held;
}

static int read_holding(const struct bm_holder_query *q,
                        struct bm_holding *out) {
  out->alive = 0;
  out->listener = out->loop = BM_HOLDS_UNKNOWN;
  HANDLE h = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION | PROCESS_DUP_HANDLE,
                         FALSE, (DWORD)q->pid);
  if (!h)
    return GetLastError() == ERROR_INVALID_PARAMETER ? 0 : (int)GetLastError();
  DWORD code;
  int err = 0;
  if (!GetExitCodeProcess(h, &code))
    err = (int)GetLastError();
  else if ((out->alive = code == STILL_ACTIVE) && q->listener_id != 0)
    out->listener = holds_listener(h, q);
  CloseHandle(h);
  return err;
}

struct bm_error bm_holder_read(const struct bm_holder_query *q,
                               struct bm_holding *out) {
  return bm_error_from_os(read_holding(q, out));
}
