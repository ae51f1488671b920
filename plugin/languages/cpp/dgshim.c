/*
 * DualGauge C++ trace shim: a shared library (dgshim.so) that the driver executable links as its *first*
 * dependency, so its definitions of open/fopen/connect/execve/sqlite3_prepare_v2/... come before the C
 * library's and every other library's in the lookup order and interpose them for every caller in the
 * process, exactly as an LD_PRELOAD library would, but without an environment variable that child
 * processes inherit. Each wrapper records an event while a case runs
 * (the driver turns recording on around the candidate's call only), then calls the real function found
 * with dlsym(RTLD_NEXT).
 *
 * What it cannot see: raw syscalls (syscall(2), inline asm), statically linked code, calls made inside a
 * library to its own functions, and anything done by child processes (a shell's commands, exec'd programs).
 * File events are kept only when the immediate caller is the candidate's code or the C++ runtime
 * (libstdc++: fstream, filesystem); files that libraries open to run themselves (sqlite's /dev/urandom,
 * OpenSSL's config) are not the candidate's doing. This is observability, not a boundary: the candidate
 * shares the process and can bypass or corrupt it. The sandbox is the boundary.
 */
#define _GNU_SOURCE
#include "dgshim.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <execinfo.h>
#include <fcntl.h>
#include <limits.h>
#include <link.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <unistd.h>

#define MAX_EVENTS 5000
#define MAX_TEXT 65536

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static volatile int enabled;
static int recording = 1;
static __thread int depth;
static dg_event *events;
static int nevents, capacity, seq, dropped;
static int throw_line;
static int generation;
static pid_t owner_pid;
static int child_fd = -1;
static int (*resolver)(void *const *, int);
static void (*exit_hook)(int);

/* The main program's executable segments: the driver, the adapter and the candidate's code. */
static uintptr_t exe_lo, exe_hi;
static int exe_known;

static int first_object(struct dl_phdr_info *info, size_t size, void *data) {
  (void)size;
  (void)data;
  for (int k = 0; k < info->dlpi_phnum; k++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[k];
    if (ph->p_type == PT_LOAD && (ph->p_flags & PF_X)) {
      uintptr_t lo = info->dlpi_addr + ph->p_vaddr, hi = lo + ph->p_memsz;
      if (!exe_lo || lo < exe_lo) exe_lo = lo;
      if (hi > exe_hi) exe_hi = hi;
    }
  }
  return 1; /* the first object is the main program */
}

#define RA() __builtin_return_address(0)

#define REAL(name, type)                                             \
  static __typeof__(type) real_##name;                               \
  if (!real_##name) {                                                \
    real_##name = (type)dlsym(RTLD_NEXT, #name);                     \
    if (!real_##name) {                                              \
      static const char m[] = "dgshim: no real " #name "\n";         \
      if (write(2, m, sizeof m - 1) < 0) {}                          \
      abort();                                                       \
    }                                                                \
  }

/* ------------------------------------------------------------------ values */
static char *dup_n(const char *s, size_t n) {
  char *p = malloc(n + 1);
  if (!p) return NULL;
  memcpy(p, s, n);
  p[n] = 0;
  return p;
}

static dg_val v_str(const char *s) {
  dg_val v = {0};
  v.kind = s ? DG_STR : DG_NULL;
  if (s) {
    size_t n = strnlen(s, MAX_TEXT);
    v.s = dup_n(s, n);
    v.n = n;
  }
  return v;
}
static dg_val v_strn(const char *s, size_t n, int kind) {
  dg_val v = {0};
  v.kind = kind;
  if (n > MAX_TEXT) n = MAX_TEXT;
  v.s = dup_n(s ? s : "", s ? n : 0);
  v.n = s ? n : 0;
  return v;
}
static dg_val v_own(char *s) {
  dg_val v = {0};
  v.kind = s ? DG_STR : DG_NULL;
  v.s = s;
  v.n = s ? strlen(s) : 0;
  return v;
}
static dg_val v_int(long long i) { dg_val v = {0}; v.kind = DG_INT; v.i = i; return v; }
static dg_val v_float(double d) { dg_val v = {0}; v.kind = DG_FLOAT; v.d = d; return v; }
static dg_val v_bool(int b) { dg_val v = {0}; v.kind = DG_BOOL; v.i = b != 0; return v; }
static dg_val v_null(void) { dg_val v = {0}; v.kind = DG_NULL; return v; }

static void v_free(dg_val *v) {
  free(v->s);
  for (int k = 0; k < v->nitems; k++) v_free(&v->items[k]);
  free(v->items);
  memset(v, 0, sizeof *v);
}

static dg_val v_argv(char *const argv[]) {
  dg_val v = {0};
  v.kind = DG_LIST;
  int n = 0;
  while (argv && argv[n] && n < 1000) n++;
  v.items = calloc(n ? n : 1, sizeof(dg_val));
  if (!v.items) return v_null();
  for (int k = 0; k < n; k++) v.items[k] = v_str(argv[k]);
  v.nitems = n;
  return v;
}

/* ------------------------------------------------------------------ recording */
static int tracing(void) { return enabled && recording && depth == 0; }
static int from_exe(void *ra) {
  if (!exe_known) {
    dl_iterate_phdr(first_object, NULL);
    exe_known = 1;
  }
  return (uintptr_t)ra >= exe_lo && (uintptr_t)ra < exe_hi;
}
static int from_runtime(void *ra) {
  if (from_exe(ra)) return 1;
  Dl_info info;
  return dladdr(ra, &info) && info.dli_fname && strstr(info.dli_fname, "libstdc++") != NULL;
}

static int current_line(void) {
  if (!resolver) return 0;
  void *pcs[64];
  int n = backtrace(pcs, 64);
  return resolver(pcs, n);
}

/* Append an event (lock held); returns its index or -1 when the case is over its cap. */
static int new_event(const char *type) {
  if (nevents >= MAX_EVENTS) {
    dropped++;
    return -1;
  }
  if (nevents == capacity) {
    int cap = capacity ? capacity * 2 : 64;
    dg_event *p = realloc(events, (size_t)cap * sizeof(dg_event));
    if (!p) return -1;
    events = p;
    capacity = cap;
  }
  dg_event *e = &events[nevents];
  memset(e, 0, sizeof *e);
  e->type = type;
  e->seq = ++seq;
  e->ok = -1;
  e->line = current_line();
  return nevents++;
}

static void field(int idx, const char *key, dg_val v) {
  if (idx < 0 || events[idx].nfields >= DG_MAX_FIELDS) {
    v_free(&v);
    return;
  }
  dg_event *e = &events[idx];
  e->keys[e->nfields] = key;
  e->vals[e->nfields++] = v;
}

/* Events are referred to by handles (index + the case's generation) so a late update from a stray thread
   never lands on an event of the next case. */
static int handle_of(int idx) { return idx < 0 ? -1 : ((generation & 0x3ffff) << 13) | idx; }
static int idx_of(int handle) {
  if (handle < 0 || (handle >> 13) != (generation & 0x3ffff)) return -1;
  int idx = handle & 0x1fff;
  return idx < nevents ? idx : -1;
}

static void set_ok(int handle, int ok) {
  if (handle < 0) return;
  pthread_mutex_lock(&lock);
  int idx = idx_of(handle);
  if (idx >= 0) events[idx].ok = ok;
  pthread_mutex_unlock(&lock);
}

static void add_field(int handle, const char *key, dg_val v) {
  pthread_mutex_lock(&lock);
  field(idx_of(handle), key, v);
  pthread_mutex_unlock(&lock);
}

void dgshim_begin(void) {
  pthread_mutex_lock(&lock);
  for (int k = 0; k < nevents; k++) {
    for (int f = 0; f < events[k].nfields; f++) v_free(&events[k].vals[f]);
    for (int p = 0; p < events[k].nparams; p++) v_free(&events[k].params[p]);
    free(events[k].params);
  }
  nevents = 0;
  seq = 0;
  generation++;
  dropped = 0;
  throw_line = 0;
  enabled = 1;
  pthread_mutex_unlock(&lock);
}

void dgshim_end(void) {
  pthread_mutex_lock(&lock);
  enabled = 0;
  pthread_mutex_unlock(&lock);
}

void dgshim_record(int on) { recording = on; }

int dgshim_count(void) { return nevents; }
const dg_event *dgshim_at(int i) { return i >= 0 && i < nevents ? &events[i] : NULL; }
int dgshim_dropped(void) { return dropped; }
void dgshim_set_resolver(int (*r)(void *const *, int)) { resolver = r; }
int dgshim_throw_line(void) { return throw_line; }
void dgshim_set_exit_hook(void (*hook)(int)) { exit_hook = hook; }
void dgshim_set_child_fd(int fd) {
  child_fd = fd;
  owner_pid = getpid();
}

/* ------------------------------------------------------------------ paths */
/* Set by open wrappers for O_NOFOLLOW: the last component is the link itself, never its target. */
static __thread int tl_nofollow;

/* Like Python's os.path.realpath (non-strict): symlinks resolved as far as the path exists. */
static char *resolve_path(int dirfd, const char *path) {
  char base[PATH_MAX];
  base[0] = 0;
  if (!path) return NULL;
  if (path[0] != '/') {
    if (dirfd == AT_FDCWD) {
      if (!getcwd(base, sizeof base)) strcpy(base, "/");
    } else {
      char link[64];
      snprintf(link, sizeof link, "/proc/self/fd/%d", dirfd);
      ssize_t n = readlink(link, base, sizeof base - 1);
      base[n > 0 ? n : 0] = 0;
    }
  }
  size_t restcap = strlen(base) + strlen(path) + 2;
  char *rest = malloc(restcap);
  if (!rest) return NULL;
  snprintf(rest, restcap, "%s/%s", base, path);
  char resolved[PATH_MAX * 2];
  size_t rlen = 0;
  resolved[0] = 0;
  int links = 0;
  char *p = rest;
  while (*p) {
    while (*p == '/') p++;
    if (!*p) break;
    char *end = strchr(p, '/');
    size_t n = end ? (size_t)(end - p) : strlen(p);
    if ((n == 1 && p[0] == '.') || n == 0) {
      p += n;
      continue;
    }
    if (n == 2 && p[0] == '.' && p[1] == '.') {
      while (rlen > 0 && resolved[rlen - 1] != '/') rlen--;
      if (rlen > 0) rlen--;
      resolved[rlen] = 0;
      p += n;
      continue;
    }
    if (rlen + 1 + n + 1 >= sizeof resolved) break;
    resolved[rlen] = '/';
    memcpy(resolved + rlen + 1, p, n);
    size_t newlen = rlen + 1 + n;
    resolved[newlen] = 0;
    p += n;
    struct stat st;
    const char *after = p;
    while (*after == '/') after++;
    int last = *after == 0;
    if (links < 40 && !(last && tl_nofollow) && lstat(resolved, &st) == 0 && S_ISLNK(st.st_mode)) {
      char target[PATH_MAX];
      ssize_t t = readlink(resolved, target, sizeof target - 1);
      if (t > 0) {
        target[t] = 0;
        links++;
        size_t nrcap = (size_t)t + strlen(p) + 2;
        char *nrest = malloc(nrcap);
        if (!nrest) break;
        snprintf(nrest, nrcap, "%s/%s", target, p);
        free(rest);
        rest = p = nrest;
        if (target[0] == '/') rlen = 0;
        resolved[rlen] = 0;
        continue;
      }
    }
    rlen = newlen;
  }
  free(rest);
  if (rlen == 0) return strdup("/");
  return strdup(resolved);
}

static const char *access_of_flags(int flags) {
  return (flags & (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC | O_APPEND)) ? "write" : "read";
}
static const char *access_of_mode(const char *mode) {
  return mode && strpbrk(mode, "wax+") ? "write" : "read";
}

/* Record a file event; returns its handle (for `ok`) or -1. Caller has checked tracing(). `create` < 0: the
   event is not an open, so it has no `create`/`exclusive` fields. */
static int path_event(const char *type, int dirfd, const char *path, const char *access, int create, int exclusive, void *ra) {
  if (!path || !from_runtime(ra)) return -1;
  depth++;
  char *resolved = resolve_path(dirfd, path);
  pthread_mutex_lock(&lock);
  int idx = enabled ? new_event(type) : -1;
  field(idx, "path", v_own(resolved));
  field(idx, "raw", v_str(path));
  field(idx, "access", v_str(access));
  if (create >= 0) {
    field(idx, "create", v_bool(create));
    field(idx, "exclusive", v_bool(exclusive));
  }
  pthread_mutex_unlock(&lock);
  depth--;
  return handle_of(idx);
}

static int file_event(const char *type, int dirfd, const char *path, const char *access, void *ra) {
  return path_event(type, dirfd, path, access, -1, 0, ra);
}

/* An open(2)-style open: O_CREAT may create the file; with O_EXCL it must (it fails if the file exists). */
static int open_event(int dirfd, const char *path, int flags, void *ra) {
  if (flags & O_DIRECTORY) return file_event("file.list", dirfd, path, access_of_flags(flags), ra);
  int create = (flags & O_CREAT) != 0;
  return path_event("file.open", dirfd, path, access_of_flags(flags), create, create && (flags & O_EXCL), ra);
}

/* An fopen(3)-style open: modes w and a create the file; an x after them (a glibc extension) is O_EXCL. */
static int fopen_event(const char *path, const char *mode, void *ra) {
  int create = mode && (mode[0] == 'w' || mode[0] == 'a');
  return path_event("file.open", AT_FDCWD, path, access_of_mode(mode), create, create && strchr(mode, 'x') != NULL, ra);
}

static int file_event2(const char *type, int fd1, const char *a, int fd2, const char *b, void *ra) {
  if (!a || !from_runtime(ra)) return -1;
  depth++;
  char *ra1 = resolve_path(fd1, a), *rb = b ? resolve_path(fd2, b) : NULL;
  pthread_mutex_lock(&lock);
  int idx = enabled ? new_event(type) : -1;
  if (idx < 0) {
    free(ra1);
    free(rb);
  } else {
    field(idx, "path", v_own(ra1));
    if (b) field(idx, "to", v_own(rb));
    field(idx, "raw", v_str(a));
    field(idx, "access", v_str("write"));
  }
  pthread_mutex_unlock(&lock);
  depth--;
  return handle_of(idx);
}

#define CALL(expr)       \
  ({                     \
    depth++;             \
    __auto_type _r = (expr); \
    int _e = errno;      \
    depth--;             \
    errno = _e;          \
    _r;                  \
  })

#define OK_AFTER(idx, cond)            \
  do {                                 \
    int _e = errno;                    \
    set_ok((idx), (cond));             \
    errno = _e;                        \
  } while (0)

static mode_t va_mode(int flags, va_list ap) {
  if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE) return (mode_t)va_arg(ap, int);
  return 0;
}

#define OPEN_WRAPPER(name)                                                              \
  int name(const char *path, int flags, ...) {                                          \
    va_list ap;                                                                         \
    va_start(ap, flags);                                                                \
    mode_t mode = va_mode(flags, ap);                                                   \
    va_end(ap);                                                                         \
    REAL(name, int (*)(const char *, int, ...));                                        \
    int idx = -1;                                                                       \
    tl_nofollow = (flags & O_NOFOLLOW) != 0;                                            \
    if (tracing()) idx = open_event(AT_FDCWD, path, flags, RA());                       \
    tl_nofollow = 0;                                                                    \
    int r = CALL(real_##name(path, flags, mode));                                       \
    OK_AFTER(idx, r >= 0);                                                              \
    return r;                                                                           \
  }
OPEN_WRAPPER(open)
OPEN_WRAPPER(open64)

#define OPENAT_WRAPPER(name)                                                            \
  int name(int dirfd, const char *path, int flags, ...) {                               \
    va_list ap;                                                                         \
    va_start(ap, flags);                                                                \
    mode_t mode = va_mode(flags, ap);                                                   \
    va_end(ap);                                                                         \
    REAL(name, int (*)(int, const char *, int, ...));                                   \
    int idx = -1;                                                                       \
    tl_nofollow = (flags & O_NOFOLLOW) != 0;                                            \
    if (tracing()) idx = open_event(dirfd, path, flags, RA());                          \
    tl_nofollow = 0;                                                                    \
    int r = CALL(real_##name(dirfd, path, flags, mode));                                \
    OK_AFTER(idx, r >= 0);                                                              \
    return r;                                                                           \
  }
OPENAT_WRAPPER(openat)
OPENAT_WRAPPER(openat64)

#define OPEN2_WRAPPER(name)                                                             \
  int name(const char *path, int flags) {                                               \
    REAL(name, int (*)(const char *, int));                                             \
    int idx = -1;                                                                       \
    tl_nofollow = (flags & O_NOFOLLOW) != 0;                                            \
    if (tracing()) idx = open_event(AT_FDCWD, path, flags, RA());                       \
    tl_nofollow = 0;                                                                    \
    int r = CALL(real_##name(path, flags));                                             \
    OK_AFTER(idx, r >= 0);                                                              \
    return r;                                                                           \
  }
OPEN2_WRAPPER(__open_2)
OPEN2_WRAPPER(__open64_2)

#define CREAT_WRAPPER(name)                                                             \
  int name(const char *path, mode_t mode) {                                             \
    REAL(name, int (*)(const char *, mode_t));                                          \
    int idx = -1;                                                                       \
    if (tracing()) idx = path_event("file.open", AT_FDCWD, path, "write", 1, 0, RA());  \
    int r = CALL(real_##name(path, mode));                                              \
    OK_AFTER(idx, r >= 0);                                                              \
    return r;                                                                           \
  }
CREAT_WRAPPER(creat)
CREAT_WRAPPER(creat64)

#define FOPEN_WRAPPER(name)                                                             \
  FILE *name(const char *path, const char *mode) {                                      \
    REAL(name, FILE * (*)(const char *, const char *));                                 \
    int idx = -1;                                                                       \
    if (tracing()) idx = fopen_event(path, mode, RA());                                 \
    FILE *r = CALL(real_##name(path, mode));                                            \
    OK_AFTER(idx, r != NULL);                                                           \
    return r;                                                                           \
  }
FOPEN_WRAPPER(fopen)
FOPEN_WRAPPER(fopen64)

#define FREOPEN_WRAPPER(name)                                                           \
  FILE *name(const char *path, const char *mode, FILE *stream) {                        \
    REAL(name, FILE * (*)(const char *, const char *, FILE *));                         \
    int idx = -1;                                                                       \
    if (tracing() && path) idx = fopen_event(path, mode, RA());                         \
    FILE *r = CALL(real_##name(path, mode, stream));                                    \
    OK_AFTER(idx, r != NULL);                                                           \
    return r;                                                                           \
  }
FREOPEN_WRAPPER(freopen)
FREOPEN_WRAPPER(freopen64)

DIR *opendir(const char *path) {
  REAL(opendir, DIR * (*)(const char *));
  int idx = -1;
  if (tracing()) idx = file_event("file.list", AT_FDCWD, path, "read", RA());
  DIR *r = CALL(real_opendir(path));
  OK_AFTER(idx, r != NULL);
  return r;
}

#define DELETE_WRAPPER(name)                                                            \
  int name(const char *path) {                                                          \
    REAL(name, int (*)(const char *));                                                  \
    int idx = -1;                                                                       \
    if (tracing()) idx = file_event("file.delete", AT_FDCWD, path, "write", RA());      \
    int r = CALL(real_##name(path));                                                    \
    OK_AFTER(idx, r == 0);                                                              \
    return r;                                                                           \
  }
DELETE_WRAPPER(unlink)
DELETE_WRAPPER(remove)
DELETE_WRAPPER(rmdir)

int unlinkat(int dirfd, const char *path, int flags) {
  REAL(unlinkat, int (*)(int, const char *, int));
  int idx = -1;
  if (tracing()) idx = file_event("file.delete", dirfd, path, "write", RA());
  int r = CALL(real_unlinkat(dirfd, path, flags));
  OK_AFTER(idx, r == 0);
  return r;
}

int rename(const char *a, const char *b) {
  REAL(rename, int (*)(const char *, const char *));
  int idx = -1;
  if (tracing()) idx = file_event2("file.rename", AT_FDCWD, a, AT_FDCWD, b, RA());
  int r = CALL(real_rename(a, b));
  OK_AFTER(idx, r == 0);
  return r;
}

int renameat(int fa, const char *a, int fb, const char *b) {
  REAL(renameat, int (*)(int, const char *, int, const char *));
  int idx = -1;
  if (tracing()) idx = file_event2("file.rename", fa, a, fb, b, RA());
  int r = CALL(real_renameat(fa, a, fb, b));
  OK_AFTER(idx, r == 0);
  return r;
}

int renameat2(int fa, const char *a, int fb, const char *b, unsigned int flags) {
  REAL(renameat2, int (*)(int, const char *, int, const char *, unsigned int));
  int idx = -1;
  if (tracing()) idx = file_event2("file.rename", fa, a, fb, b, RA());
  int r = CALL(real_renameat2(fa, a, fb, b, flags));
  OK_AFTER(idx, r == 0);
  return r;
}

static void chmod_event(int dirfd, const char *path, mode_t mode, void *ra, int *idx) {
  *idx = file_event("file.chmod", dirfd, path, "write", ra);
  if (*idx >= 0) {
    char m[16];
    snprintf(m, sizeof m, "0o%o", (unsigned)(mode & 07777));
    add_field(*idx, "mode", v_str(m));
  }
}

int chmod(const char *path, mode_t mode) {
  REAL(chmod, int (*)(const char *, mode_t));
  int idx = -1;
  if (tracing()) chmod_event(AT_FDCWD, path, mode, RA(), &idx);
  int r = CALL(real_chmod(path, mode));
  OK_AFTER(idx, r == 0);
  return r;
}

int fchmodat(int dirfd, const char *path, mode_t mode, int flags) {
  REAL(fchmodat, int (*)(int, const char *, mode_t, int));
  int idx = -1;
  if (tracing()) chmod_event(dirfd, path, mode, RA(), &idx);
  int r = CALL(real_fchmodat(dirfd, path, mode, flags));
  OK_AFTER(idx, r == 0);
  return r;
}

/* ------------------------------------------------------------------ processes */
static int is_shell(const char *s) {
  static const char *shells[] = {"/bin/sh", "sh", "/bin/bash", "bash", "/usr/bin/sh", "/usr/bin/bash", "/bin/dash", "dash", "/usr/bin/dash", NULL};
  for (int k = 0; s && shells[k]; k++)
    if (strcmp(s, shells[k]) == 0) return 1;
  return 0;
}

/* In a forked child (fork + exec), the event cannot reach the parent's memory: it goes through a pipe the
   driver drains after the case, as one record: u32 size, i32 line, u32 argc, path NUL, args NUL-separated. */
static void child_record(const char *path, char *const argv[]) {
  if (child_fd < 0) return;
  char buf[16384];
  size_t o = 12;
  uint32_t argc = 0;
  const char *p = path ? path : "";
  size_t n = strnlen(p, 4096);
  memcpy(buf + o, p, n);
  o += n;
  buf[o++] = 0;
  for (; argv && argv[argc] && argc < 256; argc++) {
    n = strnlen(argv[argc], 4096);
    if (o + n + 1 > sizeof buf) break;
    memcpy(buf + o, argv[argc], n);
    o += n;
    buf[o++] = 0;
  }
  uint32_t size = (uint32_t)o;
  int32_t line = current_line();
  memcpy(buf, &size, 4);
  memcpy(buf + 4, &line, 4);
  memcpy(buf + 8, &argc, 4);
  if (write(child_fd, buf, o) < 0) {}
}

static int proc_event(const char *path, char *const argv[]) {
  if (!tracing()) return -1;
  depth++;
  if (owner_pid && getpid() != owner_pid) {
    child_record(path, argv);
    depth--;
    return -1;
  }
  pthread_mutex_lock(&lock);
  int idx = enabled ? new_event("proc.exec") : -1;
  if (idx >= 0) {
    dg_val av = v_argv(argv);
    int shell = av.nitems >= 3 && is_shell(av.items[0].s) && av.items[1].s && strcmp(av.items[1].s, "-c") == 0;
    char *command;
    if (shell) command = strdup(av.items[2].s ? av.items[2].s : "");
    else {
      size_t len = 1;
      for (int k = 0; k < av.nitems; k++) len += av.items[k].n + 1;
      command = malloc(len);
      if (command) {
        command[0] = 0;
        for (int k = 0; k < av.nitems; k++) {
          if (k) strcat(command, " ");
          if (av.items[k].s) strcat(command, av.items[k].s);
        }
      }
    }
    field(idx, "argv", av);
    field(idx, "shell", v_bool(shell));
    field(idx, "command", v_own(command));
    if (path) field(idx, "path", v_str(path));
  }
  pthread_mutex_unlock(&lock);
  depth--;
  return handle_of(idx);
}

static int shell_event(const char *command) {
  char *argv[] = {"/bin/sh", "-c", (char *)command, NULL};
  return proc_event(NULL, argv);
}

int execve(const char *path, char *const argv[], char *const envp[]) {
  REAL(execve, int (*)(const char *, char *const[], char *const[]));
  int idx = proc_event(path, argv);
  int r = CALL(real_execve(path, argv, envp));
  OK_AFTER(idx, 0);
  return r;
}

int execv(const char *path, char *const argv[]) {
  REAL(execv, int (*)(const char *, char *const[]));
  int idx = proc_event(path, argv);
  int r = CALL(real_execv(path, argv));
  OK_AFTER(idx, 0);
  return r;
}

int execvp(const char *file, char *const argv[]) {
  REAL(execvp, int (*)(const char *, char *const[]));
  int idx = proc_event(file, argv);
  int r = CALL(real_execvp(file, argv));
  OK_AFTER(idx, 0);
  return r;
}

int execvpe(const char *file, char *const argv[], char *const envp[]) {
  REAL(execvpe, int (*)(const char *, char *const[], char *const[]));
  int idx = proc_event(file, argv);
  int r = CALL(real_execvpe(file, argv, envp));
  OK_AFTER(idx, 0);
  return r;
}

#define MAX_LARGS 256
static int collect_args(const char *arg0, va_list ap, char **argv) {
  int n = 0;
  argv[n++] = (char *)arg0;
  while (arg0 && n < MAX_LARGS - 1) {
    char *a = va_arg(ap, char *);
    argv[n++] = a;
    if (!a) return n;
  }
  argv[n] = NULL;
  return n;
}

int execl(const char *path, const char *arg0, ...) {
  char *argv[MAX_LARGS];
  va_list ap;
  va_start(ap, arg0);
  collect_args(arg0, ap, argv);
  va_end(ap);
  REAL(execv, int (*)(const char *, char *const[]));
  int idx = proc_event(path, argv);
  int r = CALL(real_execv(path, argv));
  OK_AFTER(idx, 0);
  return r;
}

int execlp(const char *file, const char *arg0, ...) {
  char *argv[MAX_LARGS];
  va_list ap;
  va_start(ap, arg0);
  collect_args(arg0, ap, argv);
  va_end(ap);
  REAL(execvp, int (*)(const char *, char *const[]));
  int idx = proc_event(file, argv);
  int r = CALL(real_execvp(file, argv));
  OK_AFTER(idx, 0);
  return r;
}

int execle(const char *path, const char *arg0, ...) {
  char *argv[MAX_LARGS];
  va_list ap;
  va_start(ap, arg0);
  collect_args(arg0, ap, argv);
  char *const *envp = va_arg(ap, char *const *);
  va_end(ap);
  REAL(execve, int (*)(const char *, char *const[], char *const[]));
  int idx = proc_event(path, argv);
  int r = CALL(real_execve(path, argv, envp));
  OK_AFTER(idx, 0);
  return r;
}

int system(const char *command) {
  REAL(system, int (*)(const char *));
  if (command) shell_event(command);
  return CALL(real_system(command));
}

FILE *popen(const char *command, const char *type) {
  REAL(popen, FILE * (*)(const char *, const char *));
  if (command) shell_event(command);
  return CALL(real_popen(command, type));
}

int posix_spawn(pid_t *pid, const char *path, const posix_spawn_file_actions_t *fa, const posix_spawnattr_t *attr, char *const argv[], char *const envp[]) {
  REAL(posix_spawn, int (*)(pid_t *, const char *, const posix_spawn_file_actions_t *, const posix_spawnattr_t *, char *const[], char *const[]));
  int idx = proc_event(path, argv);
  int r = CALL(real_posix_spawn(pid, path, fa, attr, argv, envp));
  OK_AFTER(idx, r == 0);
  return r;
}

int posix_spawnp(pid_t *pid, const char *file, const posix_spawn_file_actions_t *fa, const posix_spawnattr_t *attr, char *const argv[], char *const envp[]) {
  REAL(posix_spawnp, int (*)(pid_t *, const char *, const posix_spawn_file_actions_t *, const posix_spawnattr_t *, char *const[], char *const[]));
  int idx = proc_event(file, argv);
  int r = CALL(real_posix_spawnp(pid, file, fa, attr, argv, envp));
  OK_AFTER(idx, r == 0);
  return r;
}

/* ------------------------------------------------------------------ network */
static int net_event(const char *type, const struct sockaddr *sa, socklen_t len) {
  if (!tracing() || !sa) return -1;
  char addr[INET6_ADDRSTRLEN + 8];
  long long port = -1;
  int family = sa->sa_family;
  if (family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in)) {
    const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
    inet_ntop(AF_INET, &in->sin_addr, addr, sizeof addr);
    port = ntohs(in->sin_port);
  } else if (family == AF_INET6 && len >= (socklen_t)sizeof(struct sockaddr_in6)) {
    const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
    inet_ntop(AF_INET6, &in6->sin6_addr, addr, sizeof addr);
    port = ntohs(in6->sin6_port);
  } else if (family == AF_UNIX) {
    const struct sockaddr_un *un = (const struct sockaddr_un *)sa;
    size_t n = len > offsetof(struct sockaddr_un, sun_path) ? len - offsetof(struct sockaddr_un, sun_path) : 0;
    if (n > sizeof addr - 1) n = sizeof addr - 1;
    memcpy(addr, un->sun_path, n);
    addr[n] = 0;
    if (n > 0 && addr[0] == 0) addr[0] = '@';
  } else {
    snprintf(addr, sizeof addr, "family %d", family);
  }
  depth++;
  pthread_mutex_lock(&lock);
  int idx = enabled ? new_event(type) : -1;
  field(idx, "address", v_str(addr));
  field(idx, "port", port >= 0 ? v_int(port) : v_null());
  pthread_mutex_unlock(&lock);
  depth--;
  return handle_of(idx);
}

int connect(int fd, const struct sockaddr *sa, socklen_t len) {
  REAL(connect, int (*)(int, const struct sockaddr *, socklen_t));
  int idx = net_event("net.connect", sa, len);
  int r = CALL(real_connect(fd, sa, len));
  OK_AFTER(idx, r == 0 || errno == EINPROGRESS);
  return r;
}

int bind(int fd, const struct sockaddr *sa, socklen_t len) {
  REAL(bind, int (*)(int, const struct sockaddr *, socklen_t));
  int idx = net_event("net.listen", sa, len);
  int r = CALL(real_bind(fd, sa, len));
  OK_AFTER(idx, r == 0);
  return r;
}

static int resolve_event(const char *node, const char *service) {
  if (!tracing()) return -1;
  depth++;
  pthread_mutex_lock(&lock);
  int idx = enabled ? new_event("net.resolve") : -1;
  field(idx, "address", v_str(node));
  field(idx, "port", v_str(service));
  pthread_mutex_unlock(&lock);
  depth--;
  return handle_of(idx);
}

int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints, struct addrinfo **res) {
  REAL(getaddrinfo, int (*)(const char *, const char *, const struct addrinfo *, struct addrinfo **));
  int idx = resolve_event(node, service);
  int r = CALL(real_getaddrinfo(node, service, hints, res));
  OK_AFTER(idx, r == 0);
  return r;
}

struct hostent *gethostbyname(const char *name) {
  REAL(gethostbyname, struct hostent * (*)(const char *));
  int idx = resolve_event(name, NULL);
  struct hostent *r = CALL(real_gethostbyname(name));
  OK_AFTER(idx, r != NULL);
  return r;
}

/* ------------------------------------------------------------------ SQLite */
/* Statement text as the candidate passed it, and its bound parameters (never sqlite's expanded SQL). */
static int sql_event(const char *sql, size_t n, const char *via) {
  depth++;
  pthread_mutex_lock(&lock);
  int idx = enabled ? new_event("sql.exec") : -1;
  if (idx >= 0) {
    events[idx].is_sql = 1;
    field(idx, "template", v_strn(sql, n, DG_STR));
    field(idx, "via", v_str(via));
  }
  pthread_mutex_unlock(&lock);
  depth--;
  return handle_of(idx);
}

static size_t sql_len(const char *sql, int nbyte) {
  if (!sql) return 0;
  if (nbyte < 0) return strnlen(sql, MAX_TEXT);
  return strnlen(sql, (size_t)nbyte);
}

static void sql_stmt(int handle, void *stmt) {
  if (handle < 0) return;
  pthread_mutex_lock(&lock);
  int idx = idx_of(handle);
  if (idx >= 0 && events[idx].is_sql) events[idx].stmt = stmt;
  pthread_mutex_unlock(&lock);
}

#define PREPARE_WRAPPER(name)                                                                     \
  int name(void *db, const char *sql, int nbyte, void **stmt, const char **tail) {                \
    REAL(name, int (*)(void *, const char *, int, void **, const char **));                      \
    int idx = tracing() && from_exe(RA()) && sql ? sql_event(sql, sql_len(sql, nbyte), #name) : -1; \
    int r = CALL(real_##name(db, sql, nbyte, stmt, tail));                                        \
    if (stmt) sql_stmt(idx, *stmt);                                                               \
    OK_AFTER(idx, r == 0);                                                                        \
    return r;                                                                                     \
  }
PREPARE_WRAPPER(sqlite3_prepare)
PREPARE_WRAPPER(sqlite3_prepare_v2)

int sqlite3_prepare_v3(void *db, const char *sql, int nbyte, unsigned int flags, void **stmt, const char **tail) {
  REAL(sqlite3_prepare_v3, int (*)(void *, const char *, int, unsigned int, void **, const char **));
  int idx = tracing() && from_exe(RA()) && sql ? sql_event(sql, sql_len(sql, nbyte), "sqlite3_prepare_v3") : -1;
  int r = CALL(real_sqlite3_prepare_v3(db, sql, nbyte, flags, stmt, tail));
  if (stmt) sql_stmt(idx, *stmt);
  OK_AFTER(idx, r == 0);
  return r;
}

static char *utf16_to_utf8(const void *text, int nbyte, size_t *outlen) {
  const uint16_t *s = text;
  size_t n = 0;
  if (nbyte < 0) while (s[n] && n < MAX_TEXT) n++;
  else while ((int)(n * 2) < nbyte && s[n] && n < MAX_TEXT) n++;
  char *out = malloc(n * 3 + 1);
  size_t o = 0;
  if (!out) return NULL;
  for (size_t k = 0; k < n; k++) {
    uint32_t c = s[k];
    if (c >= 0xd800 && c < 0xdc00 && k + 1 < n && s[k + 1] >= 0xdc00 && s[k + 1] < 0xe000) c = 0x10000 + ((c - 0xd800) << 10) + (s[++k] - 0xdc00);
    if (c < 0x80) out[o++] = (char)c;
    else if (c < 0x800) out[o++] = (char)(0xc0 | c >> 6), out[o++] = (char)(0x80 | (c & 63));
    else if (c < 0x10000) out[o++] = (char)(0xe0 | c >> 12), out[o++] = (char)(0x80 | ((c >> 6) & 63)), out[o++] = (char)(0x80 | (c & 63));
    else {
      char *bigger = realloc(out, n * 3 + 2 + o);
      if (!bigger) break;
      out = bigger;
      out[o++] = (char)(0xf0 | c >> 18), out[o++] = (char)(0x80 | ((c >> 12) & 63)), out[o++] = (char)(0x80 | ((c >> 6) & 63)), out[o++] = (char)(0x80 | (c & 63));
    }
  }
  out[o] = 0;
  *outlen = o;
  return out;
}

#define PREPARE16_WRAPPER(name)                                                                   \
  int name(void *db, const void *sql, int nbyte, void **stmt, const void **tail) {                \
    REAL(name, int (*)(void *, const void *, int, void **, const void **));                      \
    int idx = -1;                                                                                 \
    if (tracing() && from_exe(RA()) && sql) {                                                     \
      size_t n = 0;                                                                               \
      depth++;                                                                                    \
      char *text = utf16_to_utf8(sql, nbyte, &n);                                                 \
      depth--;                                                                                    \
      idx = sql_event(text ? text : "", n, #name);                                                \
      free(text);                                                                                 \
    }                                                                                             \
    int r = CALL(real_##name(db, sql, nbyte, stmt, tail));                                        \
    if (stmt) sql_stmt(idx, *stmt);                                                               \
    OK_AFTER(idx, r == 0);                                                                        \
    return r;                                                                                     \
  }
PREPARE16_WRAPPER(sqlite3_prepare16)
PREPARE16_WRAPPER(sqlite3_prepare16_v2)

int sqlite3_exec(void *db, const char *sql, int (*cb)(void *, int, char **, char **), void *arg, char **err) {
  REAL(sqlite3_exec, int (*)(void *, const char *, int (*)(void *, int, char **, char **), void *, char **));
  int idx = tracing() && from_exe(RA()) && sql ? sql_event(sql, sql_len(sql, -1), "sqlite3_exec") : -1;
  int r = CALL(real_sqlite3_exec(db, sql, cb, arg, err));
  OK_AFTER(idx, r == 0);
  return r;
}

/* A bound parameter goes to the latest event of its statement; after a reset, a re-run gets a new event. */
static void bind_param(void *stmt, int i, dg_val v) {
  if (!tracing() || !stmt || i < 1 || i > 999) {
    v_free(&v);
    return;
  }
  depth++;
  pthread_mutex_lock(&lock);
  int idx = -1;
  for (int k = nevents - 1; k >= 0 && k >= nevents - 500; k--)
    if (events[k].is_sql && events[k].stmt == stmt) {
      idx = k;
      break;
    }
  if (idx >= 0 && events[idx].sealed && enabled) {
    int n = new_event("sql.exec");
    if (n >= 0) {
      dg_event *src = &events[idx], *dst = &events[n];
      dst->is_sql = 1;
      dst->stmt = stmt;
      for (int f = 0; f < src->nfields; f++) {
        if (src->vals[f].kind == DG_STR) field(n, src->keys[f], v_strn(src->vals[f].s, src->vals[f].n, DG_STR));
      }
      field(n, "rerun", v_bool(1));
    }
    idx = n;
  }
  if (idx >= 0) {
    dg_event *e = &events[idx];
    if (i > e->nparams) {
      dg_val *p = realloc(e->params, (size_t)i * sizeof(dg_val));
      if (p) {
        for (int k = e->nparams; k < i; k++) p[k] = v_null();
        e->params = p;
        e->nparams = i;
      }
    }
    if (i <= e->nparams) {
      v_free(&e->params[i - 1]);
      e->params[i - 1] = v;
    } else v_free(&v);
  } else v_free(&v);
  pthread_mutex_unlock(&lock);
  depth--;
}

int sqlite3_bind_text(void *stmt, int i, const char *text, int n, void (*d)(void *)) {
  REAL(sqlite3_bind_text, int (*)(void *, int, const char *, int, void (*)(void *)));
  if (tracing()) bind_param(stmt, i, text ? v_strn(text, n < 0 ? strnlen(text, MAX_TEXT) : (size_t)n, DG_STR) : v_null());
  return CALL(real_sqlite3_bind_text(stmt, i, text, n, d));
}

int sqlite3_bind_text64(void *stmt, int i, const char *text, unsigned long long n, void (*d)(void *), unsigned char enc) {
  REAL(sqlite3_bind_text64, int (*)(void *, int, const char *, unsigned long long, void (*)(void *), unsigned char));
  if (tracing()) bind_param(stmt, i, text ? v_strn(text, (size_t)n, enc == 1 ? DG_STR : DG_BYTES) : v_null());
  return CALL(real_sqlite3_bind_text64(stmt, i, text, n, d, enc));
}

int sqlite3_bind_blob(void *stmt, int i, const void *data, int n, void (*d)(void *)) {
  REAL(sqlite3_bind_blob, int (*)(void *, int, const void *, int, void (*)(void *)));
  if (tracing()) bind_param(stmt, i, data ? v_strn(data, n < 0 ? 0 : (size_t)n, DG_BYTES) : v_null());
  return CALL(real_sqlite3_bind_blob(stmt, i, data, n, d));
}

int sqlite3_bind_blob64(void *stmt, int i, const void *data, unsigned long long n, void (*d)(void *)) {
  REAL(sqlite3_bind_blob64, int (*)(void *, int, const void *, unsigned long long, void (*)(void *)));
  if (tracing()) bind_param(stmt, i, data ? v_strn(data, (size_t)n, DG_BYTES) : v_null());
  return CALL(real_sqlite3_bind_blob64(stmt, i, data, n, d));
}

int sqlite3_bind_int(void *stmt, int i, int x) {
  REAL(sqlite3_bind_int, int (*)(void *, int, int));
  if (tracing()) bind_param(stmt, i, v_int(x));
  return CALL(real_sqlite3_bind_int(stmt, i, x));
}

int sqlite3_bind_int64(void *stmt, int i, long long x) {
  REAL(sqlite3_bind_int64, int (*)(void *, int, long long));
  if (tracing()) bind_param(stmt, i, v_int(x));
  return CALL(real_sqlite3_bind_int64(stmt, i, x));
}

int sqlite3_bind_double(void *stmt, int i, double x) {
  REAL(sqlite3_bind_double, int (*)(void *, int, double));
  if (tracing()) bind_param(stmt, i, v_float(x));
  return CALL(real_sqlite3_bind_double(stmt, i, x));
}

int sqlite3_bind_null(void *stmt, int i) {
  REAL(sqlite3_bind_null, int (*)(void *, int));
  if (tracing()) bind_param(stmt, i, v_null());
  return CALL(real_sqlite3_bind_null(stmt, i));
}

int sqlite3_reset(void *stmt) {
  REAL(sqlite3_reset, int (*)(void *));
  if (tracing() && stmt) {
    pthread_mutex_lock(&lock);
    for (int k = nevents - 1; k >= 0 && k >= nevents - 500; k--)
      if (events[k].is_sql && events[k].stmt == stmt) {
        events[k].sealed = 1;
        break;
      }
    pthread_mutex_unlock(&lock);
  }
  return CALL(real_sqlite3_reset(stmt));
}

/* Opening a database is a file open by the candidate (as Python's sqlite3.connect is). */
static int sqlite_open_event(const char *name, int write, int create) {
  if (!name || !*name || strcmp(name, ":memory:") == 0) return -1;
  char buf[PATH_MAX];
  const char *path = name;
  if (strncmp(name, "file:", 5) == 0) {
    size_t n = strcspn(name + 5, "?#");
    if (n >= sizeof buf) n = sizeof buf - 1;
    memcpy(buf, name + 5, n);
    buf[n] = 0;
    path = buf;
    if (strcmp(path, ":memory:") == 0 || !*path) return -1;
  }
  int idx = path_event("file.open", AT_FDCWD, path, write ? "write" : "read", create, 0, (void *)exe_lo);
  if (idx >= 0) add_field(idx, "via", v_str("sqlite3"));
  return idx;
}

int sqlite3_open(const char *name, void **db) {
  REAL(sqlite3_open, int (*)(const char *, void **));
  int idx = tracing() && from_exe(RA()) ? sqlite_open_event(name, 1, 1) : -1;
  int r = CALL(real_sqlite3_open(name, db));
  OK_AFTER(idx, r == 0);
  return r;
}

int sqlite3_open_v2(const char *name, void **db, int flags, const char *vfs) {
  REAL(sqlite3_open_v2, int (*)(const char *, void **, int, const char *));
  int idx = tracing() && from_exe(RA()) ? sqlite_open_event(name, (flags & 0x2) != 0, (flags & 0x4) != 0) : -1; /* SQLITE_OPEN_READWRITE, _CREATE */
  int r = CALL(real_sqlite3_open_v2(name, db, flags, vfs));
  OK_AFTER(idx, r == 0);
  return r;
}

/* ------------------------------------------------------------------ crypto and randomness (direct calls only) */
/* `kind` (hmac, cipher, decipher) and the sizes are left out when NULL or negative. The wrappers below call the
   real function inside CALL (depth > 0), so one call is one event: OpenSSL's own calls to interposed functions,
   tail calls included (EVP_EncryptInit_ex jumps to EVP_CipherInit_ex with the candidate's return address), are
   not recorded again. */
static void crypto_event(const char *algorithm, const char *source, const char *kind, long long iterations, long long salt_bytes, long long key_bytes) {
  depth++;
  pthread_mutex_lock(&lock);
  int idx = enabled ? new_event("crypto") : -1;
  char alg[64];
  size_t k = 0;
  for (; algorithm && algorithm[k] && k < sizeof alg - 1; k++) alg[k] = (char)((algorithm[k] >= 'A' && algorithm[k] <= 'Z') ? algorithm[k] + 32 : algorithm[k]);
  alg[k] = 0;
  field(idx, "algorithm", v_str(alg));
  if (source) field(idx, "source", v_str(source));
  if (kind) field(idx, "kind", v_str(kind));
  if (iterations >= 0) field(idx, "iterations", v_int(iterations));
  if (salt_bytes >= 0) field(idx, "salt_bytes", v_int(salt_bytes));
  if (key_bytes >= 0) field(idx, "key_bytes", v_int(key_bytes));
  pthread_mutex_unlock(&lock);
  depth--;
}

/* OpenSSL accessors, looked up when first needed: the shim does not link libcrypto (1.1 names second). */
static void *openssl_fn(void **cache, const char *name, const char *old_name) {
  if (!*cache) {
    depth++;
    *cache = dlsym(RTLD_DEFAULT, name);
    if (!*cache && old_name) *cache = dlsym(RTLD_DEFAULT, old_name);
    depth--;
  }
  return *cache;
}

static const char *md_name(const void *md) {
  static void *fn;
  const char *(*get)(const void *) = (const char *(*)(const void *))openssl_fn(&fn, "EVP_MD_get0_name", NULL);
  const char *name = md && get ? get(md) : NULL;
  return name ? name : "unknown";
}

static void cipher_event(const void *cipher, const char *source, int decrypt) {
  static void *name_fn, *keylen_fn;
  const char *(*get_name)(const void *) = (const char *(*)(const void *))openssl_fn(&name_fn, "EVP_CIPHER_get0_name", NULL);
  int (*get_keylen)(const void *) = (int (*)(const void *))openssl_fn(&keylen_fn, "EVP_CIPHER_get_key_length", "EVP_CIPHER_key_length");
  const char *name = get_name ? get_name(cipher) : NULL;
  crypto_event(name ? name : "unknown", source, decrypt ? "decipher" : "cipher", -1, -1, get_keylen ? get_keylen(cipher) : -1);
}

#define DIGEST_WRAPPER(name, alg)                         \
  const void *name(void) {                                \
    REAL(name, const void *(*)(void));                    \
    if (tracing() && from_exe(RA())) crypto_event(alg, #name, NULL, -1, -1, -1); \
    return CALL(real_##name());                           \
  }
DIGEST_WRAPPER(EVP_md4, "md4")
DIGEST_WRAPPER(EVP_md5, "md5")
DIGEST_WRAPPER(EVP_sha1, "sha1")
DIGEST_WRAPPER(EVP_sha224, "sha224")
DIGEST_WRAPPER(EVP_sha256, "sha256")
DIGEST_WRAPPER(EVP_sha384, "sha384")
DIGEST_WRAPPER(EVP_sha512, "sha512")
DIGEST_WRAPPER(EVP_sha3_256, "sha3_256")
DIGEST_WRAPPER(EVP_sha3_512, "sha3_512")
DIGEST_WRAPPER(EVP_ripemd160, "ripemd160")

#define ONESHOT_WRAPPER(name, alg)                                                        \
  unsigned char *name(const unsigned char *d, size_t n, unsigned char *md) {              \
    REAL(name, unsigned char *(*)(const unsigned char *, size_t, unsigned char *));       \
    if (tracing() && from_exe(RA())) crypto_event(alg, #name, NULL, -1, -1, -1);          \
    return CALL(real_##name(d, n, md));                                                   \
  }
ONESHOT_WRAPPER(MD5, "md5")
ONESHOT_WRAPPER(SHA1, "sha1")
ONESHOT_WRAPPER(SHA256, "sha256")
ONESHOT_WRAPPER(SHA512, "sha512")

#define INIT_WRAPPER(name, alg)                          \
  int name(void *ctx) {                                  \
    REAL(name, int (*)(void *));                         \
    if (tracing() && from_exe(RA())) crypto_event(alg, #name, NULL, -1, -1, -1); \
    return CALL(real_##name(ctx));                       \
  }
INIT_WRAPPER(MD5_Init, "md5")
INIT_WRAPPER(SHA1_Init, "sha1")
INIT_WRAPPER(SHA256_Init, "sha256")
INIT_WRAPPER(SHA512_Init, "sha512")

const void *EVP_get_digestbyname(const char *name) {
  REAL(EVP_get_digestbyname, const void *(*)(const char *));
  if (tracing() && from_exe(RA()) && name) crypto_event(name, "EVP_get_digestbyname", NULL, -1, -1, -1);
  return CALL(real_EVP_get_digestbyname(name));
}

void *EVP_MD_fetch(void *ctx, const char *algorithm, const char *props) {
  REAL(EVP_MD_fetch, void *(*)(void *, const char *, const char *));
  if (tracing() && from_exe(RA()) && algorithm) crypto_event(algorithm, "EVP_MD_fetch", NULL, -1, -1, -1);
  return CALL(real_EVP_MD_fetch(ctx, algorithm, props));
}

int PKCS5_PBKDF2_HMAC(const char *pass, int passlen, const unsigned char *salt, int saltlen, int iter, const void *md, int keylen, unsigned char *out) {
  REAL(PKCS5_PBKDF2_HMAC, int (*)(const char *, int, const unsigned char *, int, int, const void *, int, unsigned char *));
  if (tracing() && from_exe(RA())) {
    char alg[80];
    snprintf(alg, sizeof alg, "pbkdf2-%s", md_name(md));
    crypto_event(alg, "PKCS5_PBKDF2_HMAC", NULL, iter, saltlen, keylen);
  }
  return CALL(real_PKCS5_PBKDF2_HMAC(pass, passlen, salt, saltlen, iter, md, keylen, out));
}

int PKCS5_PBKDF2_HMAC_SHA1(const char *pass, int passlen, const unsigned char *salt, int saltlen, int iter, int keylen, unsigned char *out) {
  REAL(PKCS5_PBKDF2_HMAC_SHA1, int (*)(const char *, int, const unsigned char *, int, int, int, unsigned char *));
  if (tracing() && from_exe(RA())) crypto_event("pbkdf2-sha1", "PKCS5_PBKDF2_HMAC_SHA1", NULL, iter, saltlen, keylen);
  return CALL(real_PKCS5_PBKDF2_HMAC_SHA1(pass, passlen, salt, saltlen, iter, keylen, out));
}

/* HMAC: `algorithm` is the digest (as in the other languages), `key_bytes` the key the candidate passed. */
unsigned char *HMAC(const void *md, const void *key, int key_len, const unsigned char *d, size_t n, unsigned char *out, unsigned int *out_len) {
  REAL(HMAC, unsigned char *(*)(const void *, const void *, int, const unsigned char *, size_t, unsigned char *, unsigned int *));
  if (tracing() && from_exe(RA())) crypto_event(md_name(md), "HMAC", "hmac", -1, -1, key_len);
  return CALL(real_HMAC(md, key, key_len, d, n, out, out_len));
}

int HMAC_Init_ex(void *ctx, const void *key, int len, const void *md, void *impl) {
  REAL(HMAC_Init_ex, int (*)(void *, const void *, int, const void *, void *));
  /* Neither a key nor a digest: the context restarts with the ones it has, already recorded. */
  if (tracing() && from_exe(RA()) && (key || md)) crypto_event(md_name(md), "HMAC_Init_ex", "hmac", -1, -1, key ? len : -1);
  return CALL(real_HMAC_Init_ex(ctx, key, len, md, impl));
}

/* Cipher set-up: recorded when a cipher is given (a later call with only a key or IV reuses it); `key_bytes`
   is the cipher's key length. enc: 1 encrypt, 0 decrypt, -1 unchanged (recorded as cipher). */
#define CIPHER_INIT_WRAPPER(name, decrypt, params, args)                                  \
  int name params {                                                                       \
    REAL(name, int (*) params);                                                           \
    if (tracing() && from_exe(RA()) && cipher) cipher_event(cipher, #name, decrypt);      \
    return CALL(real_##name args);                                                        \
  }
#define INIT_EX_PARAMS (void *ctx, const void *cipher, void *impl, const unsigned char *key, const unsigned char *iv)
#define INIT_EX2_PARAMS (void *ctx, const void *cipher, const unsigned char *key, const unsigned char *iv, const void *params)
#define INIT_PARAMS (void *ctx, const void *cipher, const unsigned char *key, const unsigned char *iv)
CIPHER_INIT_WRAPPER(EVP_EncryptInit_ex, 0, INIT_EX_PARAMS, (ctx, cipher, impl, key, iv))
CIPHER_INIT_WRAPPER(EVP_DecryptInit_ex, 1, INIT_EX_PARAMS, (ctx, cipher, impl, key, iv))
CIPHER_INIT_WRAPPER(EVP_EncryptInit_ex2, 0, INIT_EX2_PARAMS, (ctx, cipher, key, iv, params))
CIPHER_INIT_WRAPPER(EVP_DecryptInit_ex2, 1, INIT_EX2_PARAMS, (ctx, cipher, key, iv, params))
CIPHER_INIT_WRAPPER(EVP_EncryptInit, 0, INIT_PARAMS, (ctx, cipher, key, iv))
CIPHER_INIT_WRAPPER(EVP_DecryptInit, 1, INIT_PARAMS, (ctx, cipher, key, iv))
CIPHER_INIT_WRAPPER(EVP_CipherInit_ex, enc == 0, (void *ctx, const void *cipher, void *impl, const unsigned char *key, const unsigned char *iv, int enc), (ctx, cipher, impl, key, iv, enc))
CIPHER_INIT_WRAPPER(EVP_CipherInit_ex2, enc == 0, (void *ctx, const void *cipher, const unsigned char *key, const unsigned char *iv, int enc, const void *params), (ctx, cipher, key, iv, enc, params))
CIPHER_INIT_WRAPPER(EVP_CipherInit, enc == 0, (void *ctx, const void *cipher, const unsigned char *key, const unsigned char *iv, int enc), (ctx, cipher, key, iv, enc))

/* Randomness: weak generators are `random`, the system's secure sources `system-random`. */
#define RANDOM_WRAPPER(alg, ret, name, params, args)                           \
  ret name params {                                                            \
    REAL(name, ret(*) params);                                                 \
    if (tracing() && from_exe(RA())) crypto_event(alg, #name, NULL, -1, -1, -1); \
    return CALL(real_##name args);                                             \
  }
RANDOM_WRAPPER("random", int, rand, (void), ())
RANDOM_WRAPPER("random", long, random, (void), ())
RANDOM_WRAPPER("random", int, rand_r, (unsigned int *s), (s))
RANDOM_WRAPPER("random", double, drand48, (void), ())
RANDOM_WRAPPER("random", long, lrand48, (void), ())
RANDOM_WRAPPER("random", long, mrand48, (void), ())
RANDOM_WRAPPER("system-random", int, RAND_bytes, (unsigned char *buf, int num), (buf, num))
RANDOM_WRAPPER("system-random", int, RAND_priv_bytes, (unsigned char *buf, int num), (buf, num))
RANDOM_WRAPPER("system-random", ssize_t, getrandom, (void *buf, size_t n, unsigned int flags), (buf, n, flags))
RANDOM_WRAPPER("system-random", int, getentropy, (void *buf, size_t n), (buf, n))
RANDOM_WRAPPER("system-random", uint32_t, arc4random, (void), ())
RANDOM_WRAPPER("system-random", uint32_t, arc4random_uniform, (uint32_t bound), (bound))

void arc4random_buf(void *buf, size_t n) {
  REAL(arc4random_buf, void (*)(void *, size_t));
  if (tracing() && from_exe(RA())) crypto_event("system-random", "arc4random_buf", NULL, -1, -1, -1);
  depth++;
  real_arc4random_buf(buf, n);
  depth--;
}

/* std::random_device::operator() is inline in <random>: it calls this libstdc++ member from the candidate's own
   code, so each draw is the candidate's direct use of the device. The engines it often seeds (std::mt19937) are
   header-only and stay unseen. */
unsigned int _ZNSt13random_device9_M_getvalEv(void *self) {
  REAL(_ZNSt13random_device9_M_getvalEv, unsigned int (*)(void *));
  if (tracing() && from_exe(RA())) crypto_event("system-random", "std::random_device", NULL, -1, -1, -1);
  return CALL(real__ZNSt13random_device9_M_getvalEv(self));
}

/* ------------------------------------------------------------------ exceptions and exit */
void __cxa_throw(void *obj, void *tinfo, void (*dest)(void *)) {
  typedef void (*throw_fn)(void *, void *, void (*)(void *)) __attribute__((noreturn));
  static throw_fn real_throw;
  if (!real_throw) real_throw = (throw_fn)dlsym(RTLD_NEXT, "__cxa_throw");
  if (enabled && depth == 0) {
    depth++;
    int line = current_line();
    depth--;
    throw_line = line;
  }
  real_throw(obj, tinfo, dest);
}

void exit(int status) {
  typedef void (*exit_fn)(int) __attribute__((noreturn));
  static exit_fn real_exit;
  if (!real_exit) real_exit = (exit_fn)dlsym(RTLD_NEXT, "exit");
  if (owner_pid && getpid() != owner_pid) {
    /* A forked child of the candidate: its atexit handlers are the driver's (and gcov's, which would try to
       write the read-only build dir). Flush its output and leave. */
    fflush(NULL);
    _exit(status);
  }
  if (enabled && exit_hook) exit_hook(status);
  real_exit(status);
}
