/*
 * Dynamic probes for tracekit: uprobes (and kprobes where the kernel has them) defined through
 * libtracefs in the group tracekit_<pid>, so a later run can tell whose they are and sweep them.
 *
 * A uprobe is placed at a *file offset*; tk_probe_resolve() turns BINARY:SYMBOL[+off] into one by
 * moving the symbol's virtual address through the PT_LOAD header that maps it (src/lib/sym/elf.h),
 * the step uprobe_events leaves to the user.
 */
#ifndef TK_TRACEFS_PROBE_H
#define TK_TRACEFS_PROBE_H
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tk_probe {
	char kind;		/* 'u' (uprobe) or 'k' (kprobe) */
	bool ret;		/* return probe */
	char binary[PATH_MAX];	/* uprobes: absolute path after resolution */
	char symbol[256];	/* function name, or "" when an address was given */
	uint64_t add;		/* +off after the symbol */
	uint64_t addr;		/* virtual address (symbol value + add) */
	uint64_t offset;	/* file offset: what goes into uprobe_events */
	char event[64];		/* event name inside the group */
	char args[1024];	/* fetch arguments, space separated, passed to the kernel as they are */
};

/*
 * Parse "u:BINARY:SYMBOL[+off]", "ur:..." / "r:..." (return probes), "k:SYMBOL[+off]", "kr:...".
 * SYMBOL may be a 0x address. -EINVAL with a reason in err.
 */
int tk_probe_parse(const char *spec, struct tk_probe *p, char *err, size_t errlen);
/* Append one fetch argument ("name=fetcharg[:type]"). */
int tk_probe_add_arg(struct tk_probe *p, const char *arg);
/*
 * uprobes: find BINARY (PATH search when it has no '/'), open it as ELF, find the symbol, compute
 * the file offset. -ENOENT (no file / no symbol: err has a suggestion), -ENOEXEC (not ELF).
 */
int tk_probe_resolve(struct tk_probe *p, char *err, size_t errlen);
/* Whether the kernel offers kprobe events (kprobe_events exists). */
bool tk_kprobes_available(const char *dir);
/*
 * Define the probe in group (tracekit_<pid>). On rejection err holds the kernel's error_log line.
 * kprobes on a kernel without them: -EOPNOTSUPP.
 */
int tk_probe_define(const char *dir, const char *group, struct tk_probe *p, char *err, size_t errlen);
/* Remove group/event (event NULL: the whole group). Returns how many were removed or -errno. */
int tk_probe_remove(const char *group, const char *event);

#endif
