/* The Windows spawn methods: CreateProcess passing every inheritable handle
 * (bInheritHandles TRUE, as a program that never thought about it does)
 * or none but the child's standard handles (an explicit handle list,
 * PROC_THREAD_ATTRIBUTE_HANDLE_LIST: bInheritHandles FALSE alone could not
 * pass even those, and the child could not say that it runs), and libuv's
 * uv_spawn, which passes every inheritable handle too.
 *
 * Run here under Wine by the inherit cells. */
#include "os/spawn.h"

#include <io.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

/* The server's own standard input and output are the harness's control
 * pipes: a child holding them would keep the harness waiting for the
 * server's output to end. No method may pass them. */
static void keep_control_pipes(void) {
  SetHandleInformation(GetStdHandle(STD_INPUT_HANDLE), HANDLE_FLAG_INHERIT, 0);
  SetHandleInformation(GetStdHandle(STD_OUTPUT_HANDLE), HANDLE_FLAG_INHERIT, 0);
}

/* "ARG0" "ARG1" ...: the arguments are the role's path and a word, so
 * quoting each is enough. */
static int command_line(char **argv, wchar_t *out, int size) {
  char line[4096];
  size_t used = 0;
  for (; *argv; argv++) {
    size_t len = strlen(*argv);
    if (used + len + 4 > sizeof line)
      return ERROR_BUFFER_OVERFLOW;
    line[used++] = '"';
    memcpy(line + used, *argv, len);
    used += len;
    line[used++] = '"';
    line[used++] = ' ';
  }
  line[used ? used - 1 : 0] = '\0';
  return MultiByteToWideChar(CP_UTF8, 0, line, -1, out, size) ? 0
                                                              : GetLastError();
}

/* Inheritable copies of the child's standard handles, for one call. */
static int standard_handles(const struct bm_spawn_stdio *stdio,
                            HANDLE handles[3]) {
  HANDLE self = GetCurrentProcess();
  HANDLE sources[3] = {(HANDLE)_get_osfhandle(stdio->in),
                       (HANDLE)_get_osfhandle(stdio->out),
                       GetStdHandle(STD_ERROR_HANDLE)};
  for (int i = 0; i < 3; i++)
    if (!DuplicateHandle(self, sources[i], self, &handles[i], 0, TRUE,
                         DUPLICATE_SAME_ACCESS))
      return GetLastError();
  return 0;
}

/* all: every inheritable handle passes; otherwise only `handles`. */
static int create_process(char **argv, HANDLE handles[3], int all,
                          uv_pid_t *pid) {
  wchar_t cmd[4096];
  int err = command_line(argv, cmd, sizeof cmd / sizeof cmd[0]);
  if (err != 0)
    return err;
  STARTUPINFOEXW si;
  memset(&si, 0, sizeof si);
  si.StartupInfo.cb = all ? sizeof si.StartupInfo : sizeof si;
  si.StartupInfo.dwFlags = STARTF_USESTDHANDLES;
  si.StartupInfo.hStdInput = handles[0];
  si.StartupInfo.hStdOutput = handles[1];
  si.StartupInfo.hStdError = handles[2];
  DWORD flags = CREATE_NO_WINDOW;
  SIZE_T size = 0;
  if (!all) {
    InitializeProcThreadAttributeList(NULL, 1, 0, &size);
    si.lpAttributeList = malloc(size);
    if (!si.lpAttributeList ||
        !InitializeProcThreadAttributeList(si.lpAttributeList, 1, 0, &size)) {
      free(si.lpAttributeList);
      return ERROR_NOT_ENOUGH_MEMORY;
    }
    if (!UpdateProcThreadAttribute(si.lpAttributeList, 0,
                                   PROC_THREAD_ATTRIBUTE_HANDLE_LIST, handles,
                                   3 * sizeof(HANDLE), NULL, NULL))
      err = GetLastError();
    flags |= EXTENDED_STARTUPINFO_PRESENT;
  }
  PROCESS_INFORMATION pi;
  if (err == 0 && !CreateProcessW(NULL, cmd, NULL, NULL, TRUE, flags, NULL,
                                  NULL, &si.StartupInfo, &pi))
    err = GetLastError();
  if (!all) {
    DeleteProcThreadAttributeList(si.lpAttributeList);
    free(si.lpAttributeList);
  }
  if (err != 0)
    return err;
  *pid = (uv_pid_t)pi.dwProcessId;
  CloseHandle(pi.hThread);
  CloseHandle(pi.hProcess);
  return 0;
}

static int by_create_process(const struct bm_spawn_method *m, char **argv,
                             const struct bm_spawn_stdio *stdio,
                             uv_pid_t *pid) {
  HANDLE handles[3] = {NULL, NULL, NULL};
  int err = standard_handles(stdio, handles);
  if (err == 0)
    err = create_process(argv, handles, m->passes_inheritable, pid);
  for (int i = 0; i < 3; i++)
    if (handles[i])
      CloseHandle(handles[i]);
  return err;
}

/* fork-exec, posix_spawn: Unix only. */
int bm_spawn_available(const struct bm_spawn_method *m) {
  return m->id == BM_SPAWN_UV_SPAWN || m->id == BM_SPAWN_RUNTIME ||
         m->id == BM_SPAWN_CREATEPROCESS_INHERIT ||
         m->id == BM_SPAWN_CREATEPROCESS_NOINHERIT;
}

struct bm_error bm_spawn_start(const struct bm_spawn_method *m, uv_loop_t *loop,
                               char **argv, const struct bm_spawn_stdio *stdio,
                               uv_pid_t *pid) {
  if (!bm_spawn_available(m) || m->id == BM_SPAWN_RUNTIME)
    return BM_UNSUPPORTED; /* a runtime's role starts its own child */
  keep_control_pipes();
  if (m->id == BM_SPAWN_UV_SPAWN)
    return bm_spawn_by_uv(loop, argv, stdio, pid);
  return bm_error_from_os(by_create_process(m, argv, stdio, pid));
}

void bm_spawn_stop(uv_pid_t pid) {
  HANDLE h = OpenProcess(PROCESS_TERMINATE | SYNCHRONIZE, FALSE, (DWORD)pid);
  if (!h)
    return;
  TerminateProcess(h, 1);
  WaitForSingleObject(h, INFINITE);
  CloseHandle(h);
}

struct bm_error bm_spawn_set_inheritable(bm_socket s, int inheritable) {
  return SetHandleInformation((HANDLE)s, HANDLE_FLAG_INHERIT,
                              inheritable ? HANDLE_FLAG_INHERIT : 0)
             ? BM_OK
             : bm_error_from_os((int)GetLastError());
}
