/* Windows has no /proc: neither answer is read here, and the witness tells
 * whether the child holds the listener (bm_sequence.c). The TCP table's
 * owning pid does not help: it names the process that created a listener,
 * which for an inherited one is the server that exited. What is read is
 * whether the child still runs.
 *
 * Not yet run: written to bm_holder.h, compiled with mingw-w64 only. */
#include "../bm_holder.h"

#include <windows.h>

unsigned long long bm_holder_socket_id(bm_socket s) {
  (void)s;
  return 0;
}

int bm_holder_read(const struct bm_holder_query *q, struct bm_holding *out) {
  out->alive = 0;
  out->listener = out->loop = BM_HOLDS_UNKNOWN;
  HANDLE h =
      OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, (DWORD)q->pid);
  if (!h)
    return GetLastError() == ERROR_INVALID_PARAMETER ? 0 : (int)GetLastError();
  DWORD code;
  int err = 0;
  if (GetExitCodeProcess(h, &code))
    out->alive = code == STILL_ACTIVE;
  else
    err = (int)GetLastError();
  CloseHandle(h);
  return err;
}
