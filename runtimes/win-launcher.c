/* bm-role-<runtime>.exe on Windows, for a runtime whose role is a script:
 * runs the command line in bm-role-<runtime>.cmdline beside it (the
 * interpreter and the script, written by runtimes/meson.build) with this
 * process's standard input and output, and exits with its status. Windows
 * has no exec and the harness starts only an .exe; the interpreter runs in
 * a job that ends with this launcher, so that killing the role kills it
 * too (a batch file's cmd.exe would leave it running).
 *
 * Its standard error is a pipe of ours, copied to ours: under Wine the
 * harness's stderr is a host pipe or terminal, which Node cannot open
 * (uv_pipe_open: EBADF, seen here on the first socket it destroys). */
#include <stdio.h>
#include <string.h>
#include <windows.h>

static int fail(const char *what) {
  fprintf(stderr, "bm-role launcher: %s failed (%lu)\n", what,
          (unsigned long)GetLastError());
  return 1;
}

/* Reads the .cmdline file beside this program into `cmd`. */
static int read_command(char *cmd, size_t size) {
  char path[MAX_PATH];
  DWORD n = GetModuleFileNameA(NULL, path, sizeof path - 8);
  char *dot = strrchr(path, '.');
  if (n == 0 || !dot)
    return -1;
  strcpy(dot, ".cmdline");
  FILE *f = fopen(path, "rb");
  if (!f)
    return -1;
  size_t len = fread(cmd, 1, size - 1, f);
  fclose(f);
  cmd[len] = '\0';
  cmd[strcspn(cmd, "\r\n")] = '\0';
  return len > 0 ? 0 : -1;
}

static HANDLE err_read;

/* Copies the interpreter's standard error to ours until it closes it. */
static DWORD WINAPI copy_stderr(LPVOID unused) {
  (void)unused;
  HANDLE out = GetStdHandle(STD_ERROR_HANDLE);
  char buf[4096];
  DWORD n, written;
  while (ReadFile(err_read, buf, sizeof buf, &n, NULL) && n > 0)
    WriteFile(out, buf, n, &written, NULL);
  return 0;
}

int main(void) {
  static char cmd[4096];
  if (read_command(cmd, sizeof cmd) != 0)
    return fail("reading the .cmdline file");
  HANDLE job = CreateJobObjectA(NULL, NULL);
  JOBOBJECT_EXTENDED_LIMIT_INFORMATION limit;
  memset(&limit, 0, sizeof limit);
  limit.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
  if (!job || !SetInformationJobObject(job, JobObjectExtendedLimitInformation,
                                       &limit, sizeof limit))
    return fail("CreateJobObject");
  SECURITY_ATTRIBUTES inheritable = {sizeof inheritable, NULL, TRUE};
  HANDLE err_write;
  if (!CreatePipe(&err_read, &err_write, &inheritable, 0) ||
      !SetHandleInformation(err_read, HANDLE_FLAG_INHERIT, 0))
    return fail("CreatePipe");
  STARTUPINFOA si;
  memset(&si, 0, sizeof si);
  si.cb = sizeof si;
  si.dwFlags = STARTF_USESTDHANDLES;
  si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
  si.hStdOutput = GetStdHandle(STD_OUTPUT_HANDLE);
  si.hStdError = err_write;
  PROCESS_INFORMATION pi;
  /* bInheritHandles: the standard handles; suspended until it is in the
   * job. */
  if (!CreateProcessA(NULL, cmd, NULL, NULL, TRUE, CREATE_SUSPENDED, NULL, NULL,
                      &si, &pi))
    return fail("CreateProcess");
  CloseHandle(err_write);
  HANDLE copier = CreateThread(NULL, 0, copy_stderr, NULL, 0, NULL);
  if (!AssignProcessToJobObject(job, pi.hProcess)) {
    TerminateProcess(pi.hProcess, 1);
    return fail("AssignProcessToJobObject");
  }
  ResumeThread(pi.hThread);
  WaitForSingleObject(pi.hProcess, INFINITE);
  if (copier)
    WaitForSingleObject(copier, INFINITE); /* what it said before it ended */
  DWORD code = 1;
  GetExitCodeProcess(pi.hProcess, &code);
  return (int)code;
}
