/* Windows, a process's relations: another user (none can be had), the
 * orphans an inherit server leaves (nothing to adopt or reap), and the
 * parent's death (no signal for it).
 *
 * Orphans: a process whose parent exited is nobody's child and needs no
 * reaping. The harness kills it by pid (uv_kill: TerminateProcess) and
 * waits until it has exited. A pid is kept from reuse only while a handle
 * to its process is open, and the harness holds none: holding one from
 * the server's answer on would close that gap. */
#include "os/process.h"
#include "os/orphans.h"
#include "os/user.h"

#include <stdio.h>
#include <windows.h>

#include <tlhelp32.h>

/* Starting a process as another user needs that user's credentials
 * (CreateProcessWithLogonW); libuv's uv_spawn has no such option. */
void bm_other_user_find(struct bm_other_user *other) {
  other->available = 0;
  snprintf(other->why, sizeof other->why,
           "Windows: a probe as another user needs that user's password");
}

/* A role ends at the end of its input; libuv's job object ends the roles
 * it started when the harness exits. */
int bm_process_end_with_parent(int signum) {
  (void)signum;
  return 0;
}

int bm_orphans_adopt(void) { return 0; }

/* The parent a process was created by: Windows never changes it. */
int bm_orphan_is_child_of(uv_pid_t pid, uv_pid_t parent) {
  HANDLE snapshot = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
  if (snapshot == INVALID_HANDLE_VALUE)
    return 0;
  PROCESSENTRY32 entry;
  entry.dwSize = sizeof entry;
  int found = 0;
  for (BOOL more = Process32First(snapshot, &entry); more && !found;
       more = Process32Next(snapshot, &entry))
    found = entry.th32ProcessID == (DWORD)pid &&
            entry.th32ParentProcessID == (DWORD)parent;
  CloseHandle(snapshot);
  return found;
}

int bm_orphan_gone(uv_pid_t pid) {
  HANDLE h = OpenProcess(SYNCHRONIZE, FALSE, (DWORD)pid);
  if (!h)
    return GetLastError() == ERROR_INVALID_PARAMETER; /* no such process */
  int gone = WaitForSingleObject(h, 0) == WAIT_OBJECT_0;
  CloseHandle(h);
  return gone;
}
