#include "runner/role_copy.h"

#include <stdio.h>
#include <string.h>
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

static const char *base_name(const char *path) {
  const char *base = path;
  for (const char *p = path; *p; p++)
    if (*p == '/' || *p == '\\')
      base = p + 1;
  return base;
}

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
  return err;
}

int bm_role_copy_make(struct bm_role_copy *copy, const char *role_path,
                      char *why, size_t size) {
  memset(copy, 0, sizeof *copy);
  int err = make_folder(copy);
  const char *step = "make a folder in the temporary folder";
  if (err == 0) {
    snprintf(copy->path, sizeof copy->path, "%s/%s", copy->folder,
             base_name(role_path));
    step = "copy bm-role there";
    /* mkdtemp made it 0700: others may enter, not list or change it. */
    FS_CALL(err, uv_fs_chmod, copy->folder, 0711);
  }
  if (err == 0)
    FS_CALL(err, uv_fs_copyfile, role_path, copy->path, UV_FS_COPYFILE_EXCL);
  if (err == 0)
    FS_CALL(err, uv_fs_chmod, copy->path, 0755);
  if (err != 0) {
    snprintf(why, size, "cannot %s (%s) for another user to run: %s", step,
             copy->folder[0] ? copy->folder : "$TMPDIR", uv_err_name(err));
    bm_role_copy_remove(copy);
    return -1;
  }
  return 0;
}

void bm_role_copy_remove(struct bm_role_copy *copy) {
  if (!copy->folder[0])
    return;
  int err;
  FS_CALL(err, uv_fs_unlink, copy->path);
  if (err == 0)
    FS_CALL(err, uv_fs_rmdir, copy->folder);
  if (err != 0)
    fprintf(stderr, "bindmatrix: could not remove %s: %s\n", copy->folder,
            uv_err_name(err));
  copy->folder[0] = copy->path[0] = '\0';
}
