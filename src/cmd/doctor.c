/* tracekit doctor: what this machine can trace, and which backend each command will use here. */
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "lib/feat/feat.h"
#include "lib/util/json.h"

static const char *const doctor_usage[] = {
	"tracekit doctor [--json] [--no-mount]",
	NULL,
};

enum { OPT_JSON = 256, OPT_NO_MOUNT };
static const struct tk_opt doctor_opts[] = {
	{ OPT_JSON, "json", NULL, "print one JSON object instead of the table" },
	{ OPT_NO_MOUNT, "no-mount", NULL, "do not mount tracefs when it is absent" },
	{ 'h', "help", NULL, "show this help" },
	TK_OPT_END,
};

struct backend {
	const char *backend;	/* NULL: the command cannot run here */
	char reason[256];
};

/*
 * One row per command that touches the kernel: which mechanism it will use on this machine.
 * Rows for commands not (yet) in the command table are skipped, so the table never promises more
 * than the binary has.
 */
typedef void (*backend_fn)(struct tk_features *f, struct backend *b);

static void be_trace(struct tk_features *f, struct backend *b)
{
	if (tk_feat_ok(f, TK_FEAT_BPF) && tk_feat_ok(f, TK_FEAT_RINGBUF) && tk_feat_ok(f, TK_FEAT_BTF)) {
		b->backend = "bpf";
		snprintf(b->reason, sizeof(b->reason), "syscall tracepoints into a BPF ring buffer");
	} else if (tk_feat_ok(f, TK_FEAT_PTRACE)) {
		b->backend = "ptrace";
		snprintf(b->reason, sizeof(b->reason), "eBPF unusable (%s)",
			 !tk_feat_ok(f, TK_FEAT_BPF) ? f->c[TK_FEAT_BPF].detail
			 : !tk_feat_ok(f, TK_FEAT_RINGBUF) ? f->c[TK_FEAT_RINGBUF].detail
							  : f->c[TK_FEAT_BTF].detail);
	} else {
		snprintf(b->reason, sizeof(b->reason), "neither eBPF nor ptrace: %s", f->c[TK_FEAT_PTRACE].detail);
	}
}

static void be_perf(struct tk_features *f, struct backend *b, const char *what)
{
	if (tk_feat_ok(f, TK_FEAT_PERF_HW)) {
		b->backend = "perf_event";
		snprintf(b->reason, sizeof(b->reason), "%s with the hardware PMU", what);
	} else if (tk_feat_ok(f, TK_FEAT_PERF_SW)) {
		b->backend = "perf_event";
		snprintf(b->reason, sizeof(b->reason), "%s with software events (no hardware PMU)", what);
	} else {
		snprintf(b->reason, sizeof(b->reason), "%s", f->c[TK_FEAT_PERF_SW].detail);
	}
}

static void be_stat(struct tk_features *f, struct backend *b) { be_perf(f, b, "counting"); }
static void be_record(struct tk_features *f, struct backend *b) { be_perf(f, b, "sampling"); }

static void be_offline(struct tk_features *f, struct backend *b)
{
	(void)f;
	b->backend = "files";
	snprintf(b->reason, sizeof(b->reason), "reads recorded data; needs nothing from the kernel");
}

static void be_tracefs(struct tk_features *f, struct backend *b)
{
	if (!tk_feat_ok(f, TK_FEAT_TRACEFS)) {
		snprintf(b->reason, sizeof(b->reason), "%s", f->c[TK_FEAT_TRACEFS].detail);
		return;
	}
	b->backend = "tracefs";
	snprintf(b->reason, sizeof(b->reason), "private instance under %s/instances; function tracer: %s",
		 f->tracefs_dir, tk_feat_ok(f, TK_FEAT_FTRACE_FUNCTION) ? "yes" : "no");
}

static void be_probe(struct tk_features *f, struct backend *b)
{
	if (!tk_feat_ok(f, TK_FEAT_UPROBES)) {
		snprintf(b->reason, sizeof(b->reason), "%s", f->c[TK_FEAT_UPROBES].detail);
		return;
	}
	b->backend = "uprobe_events";
	snprintf(b->reason, sizeof(b->reason), "uprobes yes; kprobes %s",
		 tk_feat_ok(f, TK_FEAT_KPROBES) ? "yes" : f->c[TK_FEAT_KPROBES].detail);
}

static void be_bpf_tools(struct tk_features *f, struct backend *b)
{
	if (tk_feat_ok(f, TK_FEAT_BPF) && tk_feat_ok(f, TK_FEAT_RINGBUF)) {
		b->backend = "bpf";
		snprintf(b->reason, sizeof(b->reason), "tracepoint programs, ring buffer output");
	} else {
		snprintf(b->reason, sizeof(b->reason), "%s", f->c[TK_FEAT_BPF].detail);
	}
}

static const struct {
	const char *cmd;
	backend_fn fn;
} backend_rows[] = {
	{ "trace", be_trace },
	{ "stat", be_stat },
	{ "record", be_record },
	{ "list", be_stat },
	{ "report", be_offline },
	{ "diff", be_offline },
	{ "collapse", be_offline },
	{ "flame", be_offline },
	{ "tp", be_tracefs },
	{ "ftrace", be_tracefs },
	{ "probe", be_probe },
	{ "execsnoop", be_bpf_tools },
	{ "opensnoop", be_bpf_tools },
};

static bool have_cmd(const char *name)
{
	unsigned i;

	for (i = 0; i < tk_ncommands; i++)
		if (!strcmp(tk_commands[i].name, name))
			return true;
	return false;
}

static const char *state_word(enum tk_state s)
{
	return s == TK_OK ? "yes" : s == TK_WARN ? "warn" : "no";
}

static void print_text(struct tk_features *f)
{
	unsigned i;

	printf("checks:\n");
	for (i = 0; i < TK_FEAT_MAX; i++)
		printf("  %-22s %-4s  %s\n", f->c[i].label, state_word(f->c[i].state), f->c[i].detail);
	printf("\ncommands (backend here):\n");
	for (i = 0; i < sizeof(backend_rows) / sizeof(backend_rows[0]); i++) {
		struct backend b = { 0 };

		if (!have_cmd(backend_rows[i].cmd))
			continue;
		backend_rows[i].fn(f, &b);
		printf("  %-10s %-14s %s\n", backend_rows[i].cmd, b.backend ? b.backend : "unavailable", b.reason);
	}
}

static void print_json(struct tk_features *f)
{
	struct strbuf sb = STRBUF_INIT;
	struct json_writer w;
	unsigned i;

	json_init(&w, &sb);
	json_obj_begin(&w);
	json_key(&w, "checks");
	json_obj_begin(&w);
	for (i = 0; i < TK_FEAT_MAX; i++) {
		json_key(&w, f->c[i].key);
		json_obj_begin(&w);
		json_kstr(&w, "state", state_word(f->c[i].state));
		json_kbool(&w, "ok", f->c[i].state == TK_OK);
		json_kstr(&w, "detail", f->c[i].detail);
		json_obj_end(&w);
	}
	json_obj_end(&w);
	json_kstr(&w, "tracefs_dir", f->tracefs_dir[0] ? f->tracefs_dir : NULL);
	json_kbool(&w, "tracefs_mounted_now", f->tracefs_mounted_now);
	json_key(&w, "commands");
	json_obj_begin(&w);
	for (i = 0; i < sizeof(backend_rows) / sizeof(backend_rows[0]); i++) {
		struct backend b = { 0 };

		if (!have_cmd(backend_rows[i].cmd))
			continue;
		backend_rows[i].fn(f, &b);
		json_key(&w, backend_rows[i].cmd);
		json_obj_begin(&w);
		json_kstr(&w, "backend", b.backend);
		json_kbool(&w, "available", b.backend != NULL);
		json_kstr(&w, "reason", b.reason);
		json_obj_end(&w);
	}
	json_obj_end(&w);
	json_obj_end(&w);
	printf("%s\n", sb_str(&sb));
	sb_release(&sb);
}

int cmd_doctor(int argc, char **argv)
{
	struct tk_getopt g;
	struct tk_features f;
	bool json = false, mount = true;
	int c;

	if (tk_getopt_init(&g, "doctor", argc, argv, doctor_opts))
		return cmd_err("doctor", "out of memory");
	while ((c = tk_getopt_next(&g)) != -1) {
		switch (c) {
		case OPT_JSON: json = true; break;
		case OPT_NO_MOUNT: mount = false; break;
		case 'h':
			tk_getopt_free(&g);
			tk_usage(stdout, doctor_usage, doctor_opts);
			return TK_EXIT_OK;
		default:
			tk_getopt_free(&g);
			return TK_EXIT_USAGE;
		}
	}
	tk_getopt_free(&g);
	if (optind < argc)
		return cmd_usage_err("doctor", "unexpected argument '%s'", argv[optind]);

	tk_feat_init(&f, mount);
	tk_feat_probe_all(&f);
	if (json)
		print_json(&f);
	else
		print_text(&f);
	return TK_EXIT_OK;
}
