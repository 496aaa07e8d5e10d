#include "output/outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <uv.h>
#ifdef _WIN32
#include <io.h>
#include <windows.h>
#define open _open
#define fdopen _fdopen
#define O_CLOEXEC 0
#endif

/* Over an existing file too: rename(3) on Windows will not. */
static int replace(const char *from, const char *to) {
#ifdef _WIN32
  return MoveFileExA(from, to, MOVEFILE_REPLACE_EXISTING) ? 0 : -1;
#else
  return rename(from, to);
#endif
}

/* The folder part of path, "." when it has none. */
static void folder_of(const char *path, char *buf, size_t size) {
  const char *slash = strrchr(path, '/');
#ifdef _WIN32
  const char *backslash = strrchr(path, '\\');
  if (!slash || (backslash && backslash > slash))
    slash = backslash;
#endif
  if (!slash)
    snprintf(buf, size, ".");
  else
    snprintf(buf, size, "%.*s", slash == path ? 1 : (int)(slash - path), path);
}

int bm_outfile_open(struct bm_outfile *o, const char *path, char *why,
                    size_t size) {
  struct stat st;
  o->path = path;
  o->file = NULL;
  if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
    snprintf(why, size, "%s is not a regular file (--out takes a file's path)",
             path);
    return -1;
  }
  char folder[3072];
  folder_of(path, folder, sizeof folder);
  snprintf(o->temporary, sizeof o->temporary, "%s/.bindmatrix-%d.partial",
           folder, (int)uv_os_getpid());
  int fd = open(o->temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0 || !(o->file = fdopen(fd, "w"))) {
    snprintf(why, size, "cannot write %s: %s", path, strerror(errno));
    return -1;
  }
  return 0;
}

int bm_outfile_commit(struct bm_outfile *o, char *why, size_t size) {
  int failed = ferror(o->file) | (fclose(o->file) != 0);
  o->file = NULL;
  if (failed || replace(o->temporary, o->path) != 0) {
    snprintf(why, size, "cannot write %s: %s", o->path, strerror(errno));
    remove(o->temporary);
    return -1;
  }
  return 0;
}

void bm_outfile_discard(struct bm_outfile *o) {
  if (o->file)
    fclose(o->file);
  o->file = NULL;
  remove(o->temporary);
}
