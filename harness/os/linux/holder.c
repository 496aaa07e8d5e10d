/* What a process holds, from /proc/PID/fd: each entry is a link that names
 * what the descriptor is open on, "socket:[INODE]" for a socket and
 * "anon_inode:[eventpoll]" for an epoll instance. The hold child makes
 * neither itself, so the listener's inode there is the inherited listener,
 * and an epoll instance at the loop's descriptor number (numbers survive
 * exec) is the inherited loop. All epoll instances share one anonymous
 * inode: the number is what tells them apart. */
#include "os/unix/holder.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

unsigned long long bm_holder_socket_id(bm_socket s) {
  struct stat st;
  return fstat(s, &st) == 0 ? (unsigned long long)st.st_ino : 0;
}

static void scan_descriptors(DIR *dir, const struct bm_holder_query *q,
                             struct bm_holding *out) {
  char listener[64];
  snprintf(listener, sizeof listener, "socket:[%llu]", q->listener_id);
  const struct dirent *entry;
  while ((entry = readdir(dir)) != NULL) {
    char link[128];
    ssize_t n = readlinkat(dirfd(dir), entry->d_name, link, sizeof link - 1);
    if (n < 0)
      continue; /* ".", "..", or a descriptor closed meanwhile */
    link[n] = '\0';
    if (strcmp(link, listener) == 0)
      out->listener = 1;
    if (atoi(entry->d_name) == q->loop_fd &&
        strcmp(link, "anon_inode:[eventpoll]") == 0)
      out->loop = 1;
  }
}

int bm_holder_scan(const struct bm_holder_query *q, struct bm_holding *out) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/fd", (int)q->pid);
  DIR *dir = opendir(path);
  if (!dir)
    return errno;
  out->listener = q->listener_id != 0 ? 0 : BM_HOLDS_UNKNOWN;
  out->loop = q->loop_fd >= 0 ? 0 : BM_HOLDS_UNKNOWN;
  scan_descriptors(dir, q, out);
  closedir(dir);
  return 0;
}
