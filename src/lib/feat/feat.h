/*
 * Feature probes: what this kernel and this process can do, each proven by trying where trying is
 * cheap and harmless (load a BPF program and see it fire, open a cycles counter, seize a child),
 * never by reading a list of versions. doctor prints them; backends use them to choose.
 */
#ifndef TK_FEAT_H
#define TK_FEAT_H
#include <limits.h>
#include <stdbool.h>

enum tk_state { TK_NO = 0, TK_OK, TK_WARN };

enum tk_feat_id {
	TK_FEAT_KERNEL,
	TK_FEAT_ROOT,
	TK_FEAT_CAP_BPF,
	TK_FEAT_CAP_PERFMON,
	TK_FEAT_CAP_SYS_PTRACE,
	TK_FEAT_TRACEFS,
	TK_FEAT_BTF,
	TK_FEAT_BPF,
	TK_FEAT_RINGBUF,
	TK_FEAT_TP_BTF,
	TK_FEAT_FENTRY,
	TK_FEAT_KPROBES,
	TK_FEAT_UPROBES,
	TK_FEAT_FTRACE_FUNCTION,
	TK_FEAT_FTRACE_GRAPH,
	TK_FEAT_PERF_PARANOID,
	TK_FEAT_PERF_HW,
	TK_FEAT_PERF_SW,
	TK_FEAT_PTRACE,
	TK_FEAT_MAX
};

struct tk_check {
	const char *key;	/* stable JSON key, e.g. "bpf" */
	const char *label;	/* human name, e.g. "BPF" */
	enum tk_state state;
	bool probed;
	char detail[256];	/* the one-line reason */
};

struct tk_features {
	struct tk_check c[TK_FEAT_MAX];
	char tracefs_dir[PATH_MAX];
	bool tracefs_mounted_now;
	bool allow_mount;	/* may the tracefs probe mount tracefs? */
};

void tk_feat_init(struct tk_features *f, bool allow_mount);
/* Run one probe (and those it depends on); results are cached in f. Returns its state. */
enum tk_state tk_feat_probe(struct tk_features *f, enum tk_feat_id id);
void tk_feat_probe_all(struct tk_features *f);
static inline bool tk_feat_ok(struct tk_features *f, enum tk_feat_id id)
{
	return tk_feat_probe(f, id) == TK_OK;
}

#endif
