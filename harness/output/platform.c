#include "output/platform.h"

#include "vocab/os.h"

#include <stdio.h>
#include <string.h>
#include <uv.h>

#ifdef _WIN32
#include <windows.h>

/* Wine says so through ntdll's wine_get_version; Windows has no such call. */
static void read_emulation(char *buf, size_t size) {
  typedef const char *(CDECL * version_fn)(void);
  HMODULE ntdll = GetModuleHandleA("ntdll.dll");
  FARPROC found = ntdll ? GetProcAddress(ntdll, "wine_get_version") : NULL;
  version_fn version = (version_fn)(void (*)(void))found;
  if (version)
    snprintf(buf, size, "wine-%s", version());
}
#else
static void read_emulation(char *buf, size_t size) {
  (void)buf;
  (void)size; /* native: nothing emulates this OS */
}
#endif

/* "6.18.44-fc-v769" -> "6.18": results are per major.minor release. */
static void major_minor(const char *release, char *buf, size_t size) {
  size_t dots = 0, i = 0;
  for (; release[i] && i + 1 < size; i++) {
    if (release[i] == '.' && ++dots == 2)
      break;
    if (release[i] != '.' && (release[i] < '0' || release[i] > '9'))
      break;
    buf[i] = release[i];
  }
  buf[i] = '\0';
}

int bm_platform_read(struct bm_platform *p) {
  uv_utsname_t uts;
  int err = uv_os_uname(&uts);
  if (err != 0)
    return err;
  memset(p, 0, sizeof *p);
  p->family = bm_os_family(bm_os_this())->name;
  snprintf(p->os, sizeof p->os, "%s", uts.sysname);
  snprintf(p->release, sizeof p->release, "%s", uts.release);
  snprintf(p->arch, sizeof p->arch, "%s", uts.machine);
  char version[64];
  major_minor(uts.release, version, sizeof version);
  read_emulation(p->emulation, sizeof p->emulation);
  /* Under emulation the emulator's version says what was measured. */
  snprintf(p->id, sizeof p->id, "%s-%s-%s", p->family,
           p->emulation[0] ? p->emulation : version, p->arch);
  return 0;
}
