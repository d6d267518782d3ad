#ifndef TK_TRACEFS_MOUNT_H
#define TK_TRACEFS_MOUNT_H
#include <stdbool.h>
#include <stddef.h>

#define TK_TRACEFS_DEFAULT "/sys/kernel/tracing"

/* Where tracefs is mounted: 0 and the path in dir, or -ENOENT when it is not mounted. */
int tk_tracefs_find(char *dir, size_t len);
/*
 * Find tracefs, mounting it at /sys/kernel/tracing when absent (tracekit needs it and this machine
 * kind does not mount it at boot). *mounted_now says whether this call mounted it. -errno on failure.
 */
int tk_tracefs_ensure(char *dir, size_t len, bool *mounted_now);

#endif
