#include "runner/role_copy.h"

#include "runner/pool.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <uv.h>

/* One synchronous libuv file call (no loop needed): `err` becomes 0 or a
 * libuv error. */
#define FS_CALL(err, call, ...)                                                \
  do {                                                                         \
    uv_fs_t req_;                                                              \
    int result_ = call(NULL, &req_, __VA_ARGS__, NULL);                        \
    uv_fs_req_cleanup(&req_);                                                  \
    (err) = result_ < 0 ? result_ : 0;                                         \
  } while (0)

static int make_folder(struct bm_role_copy *copy) {
  char tmp[800];
  size_t len = sizeof tmp;
  int err = uv_os_tmpdir(tmp, &len);
  if (err != 0)
    return err;
  char template[1024];
  snprintf(template, sizeof template, "%s/bindmatrix-role-XXXXXX", tmp);
  uv_fs_t req;
  err = uv_fs_mkdtemp(NULL, &req, template, NULL);
  if (err == 0)
    snprintf(copy->folder, sizeof copy->folder, "%s", req.path);
  uv_fs_req_cleanup(&req);
  /* mkdtemp made it 0700: others may enter, not list or change it. */
  if (err == 0)
    FS_CALL(err, uv_fs_chmod, copy->folder, 0711);
  return err;
}

/* A copy every user may run (or read): whatever umask built the original. */
static int copy_file(const char *from, const char *to) {
  uv_fs_t req;
  int err = uv_fs_stat(NULL, &req, from, NULL);
  int mode = err == 0 && (req.statbuf.st_mode & 0111) ? 0755 : 0644;
  uv_fs_req_cleanup(&req);
  if (err == 0)
    FS_CALL(err, uv_fs_copyfile, from, to, UV_FS_COPYFILE_EXCL);
  if (err == 0)
    FS_CALL(err, uv_fs_chmod, to, mode);
  return err;
}

/* A listed entry's type: a file system that does not say is asked. */
static uv_dirent_type_t type_of(const char *path, const uv_dirent_t *entry) {
  if (entry->type != UV_DIRENT_UNKNOWN)
    return entry->type;
  uv_fs_t req;
  uv_dirent_type_t type = UV_DIRENT_UNKNOWN;
  if (uv_fs_lstat(NULL, &req, path, NULL) == 0)
    type = (req.statbuf.st_mode & S_IFMT) == S_IFDIR   ? UV_DIRENT_DIR
           : (req.statbuf.st_mode & S_IFMT) == S_IFREG ? UV_DIRENT_FILE
                                                       : UV_DIRENT_UNKNOWN;
  uv_fs_req_cleanup(&req);
  return type;
}

/* The regular files of folder `from` (none when it does not exist) into a
 * new folder `to`. */
static int copy_files(const char *from, const char *to) {
  uv_fs_t list;
  if (uv_fs_scandir(NULL, &list, from, 0, NULL) < 0) {
    uv_fs_req_cleanup(&list);
    return 0;
  }
  int err;
  FS_CALL(err, uv_fs_mkdir, to, 0711);
  if (err == 0)
    FS_CALL(err, uv_fs_chmod, to, 0711);
  uv_dirent_t entry;
  while (err == 0 && uv_fs_scandir_next(&list, &entry) != UV_EOF) {
    char a[4400], b[1400];
    snprintf(a, sizeof a, "%s/%s", from, entry.name);
    snprintf(b, sizeof b, "%s/%s", to, entry.name);
    /* Not the Go build's cache, nor the fetched node.exe's folder. */
    if (type_of(a, &entry) == UV_DIRENT_FILE)
      err = copy_file(a, b);
  }
  uv_fs_req_cleanup(&list);
  return err;
}

/* Everything under `path`, a folder this run made, and the folder. */
static int remove_tree(const char *path) {
  uv_fs_t list;
  int err = 0;
  if (uv_fs_scandir(NULL, &list, path, 0, NULL) >= 0) {
    uv_dirent_t entry;
    while (err == 0 && uv_fs_scandir_next(&list, &entry) != UV_EOF) {
      char child[1400];
      snprintf(child, sizeof child, "%s/%s", path, entry.name);
      if (type_of(child, &entry) == UV_DIRENT_DIR)
        err = remove_tree(child);
      else
        FS_CALL(err, uv_fs_unlink, child);
    }
  }
  uv_fs_req_cleanup(&list);
  if (err == 0)
    FS_CALL(err, uv_fs_rmdir, path);
  return err;
}

int bm_role_copy_make(struct bm_role_copy *copy, const char *role_path,
                      char *why, size_t size) {
  memset(copy, 0, sizeof *copy);
  size_t dir = bm_path_folder_length(role_path, strlen(role_path));
  int err = make_folder(copy);
  const char *step = "make a folder in the temporary folder";
  char harness[1100];
  if (err == 0) {
    snprintf(harness, sizeof harness, "%s/harness", copy->folder);
    snprintf(copy->path, sizeof copy->path, "%s/%s", harness, role_path + dir);
    step = "copy the roles there";
    FS_CALL(err, uv_fs_mkdir, harness, 0711);
  }
  if (err == 0)
    FS_CALL(err, uv_fs_chmod, harness, 0711);
  if (err == 0)
    err = copy_file(role_path, copy->path);
  if (err == 0) {
    char from[4200], to[1100];
    snprintf(to, sizeof to, "%s/runtimes", copy->folder);
    err = bm_pool_runtimes_folder(role_path, from, sizeof from);
    if (err == 0)
      err = copy_files(from, to);
  }
  if (err != 0) {
    snprintf(why, size, "cannot %s (%s) for another user to run: %s", step,
             copy->folder[0] ? copy->folder : "$TMPDIR", uv_err_name(err));
    bm_role_copy_remove(copy);
    return -1;
  }
  return 0;
}

void bm_role_copy_for_other_user(struct bm_role_copy *copy,
                                 struct bm_pool *pool,
                                 struct bm_other_user *other) {
  if (!other->available)
    return;
  if (bm_role_copy_make(copy, pool->role_path, other->why, sizeof other->why) !=
      0)
    other->available = 0;
  else
    pool->other_role_path = copy->path;
}

void bm_role_copy_remove(struct bm_role_copy *copy) {
  if (!copy->folder[0])
    return;
  int err = remove_tree(copy->folder);
  if (err != 0)
    fprintf(stderr, "bindmatrix: could not remove %s: %s\n", copy->folder,
            uv_err_name(err));
  copy->folder[0] = copy->path[0] = '\0';
}
