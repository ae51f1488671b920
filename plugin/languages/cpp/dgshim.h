/* DualGauge C++ trace shim: the interface between the shim (dgshim.c, C) and the driver (C++). */
#ifndef DUALGAUGE_SHIM_H
#define DUALGAUGE_SHIM_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

enum dg_kind { DG_NONE = 0, DG_STR, DG_BYTES, DG_INT, DG_FLOAT, DG_BOOL, DG_NULL, DG_LIST };

typedef struct dg_val {
  int kind;
  char *s; /* DG_STR / DG_BYTES (owned) */
  size_t n;
  long long i;
  double d;
  struct dg_val *items; /* DG_LIST (owned) */
  int nitems;
} dg_val;

#define DG_MAX_FIELDS 10

typedef struct dg_event {
  const char *type;
  int seq;
  int line; /* candidate source line, 0 = unknown */
  int nfields;
  const char *keys[DG_MAX_FIELDS];
  dg_val vals[DG_MAX_FIELDS];
  int ok; /* -1 unknown, 0 / 1 */
  /* sql.exec: bound parameters (index 1..n), the statement they belong to, whether it has been reset since */
  int is_sql;
  void *stmt;
  dg_val *params;
  int nparams;
  int sealed;
} dg_event;

/** Start recording a case's events (clears the previous case's). */
void dgshim_begin(void);
/** Stop recording. */
void dgshim_end(void);
/** Benchmarking only: 0 records no events at all (exit() and throw lines still work as in a case). */
void dgshim_record(int on);
int dgshim_count(void);
const dg_event *dgshim_at(int i);
/** Events that were dropped because the case exceeded the cap. */
int dgshim_dropped(void);
/** Maps a stack (return addresses) to the innermost line of the candidate's main file, or 0. */
void dgshim_set_resolver(int (*resolve)(void *const *pcs, int n));
/** Line of the last exception thrown (through __cxa_throw) during the case, or 0. */
int dgshim_throw_line(void);
/** Called instead of exit() while a case runs (the driver turns it into a raised error). */
void dgshim_set_exit_hook(void (*hook)(int status));
/** A pipe (write end) for exec events of forked children, and the driver's pid. */
void dgshim_set_child_fd(int fd);

#ifdef __cplusplus
}
#endif

#endif
