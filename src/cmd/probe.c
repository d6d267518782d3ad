/*
 * tracekit probe: user-space dynamic probes (uprobes) resolved from ELF symbols, streamed or
 * recorded from tracekit's private instance and removed on exit; kprobes where the kernel has them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/ftrace.h"
#include "lib/tracefs/probe.h"
#include "lib/tracefs/session.h"
#include "lib/util/json.h"
#include "lib/util/strbuf.h"

static const char *const probe_usage[] = {
	"tracekit probe add [-o FILE] [--filter EXPR] [-p PID] [-d SECS] [--json] PROBE [ARG...]... [-- CMD...]",
	"tracekit probe add --dry-run PROBE [ARG...]",
	"tracekit probe list [--json]",
	"tracekit probe del GROUP[/EVENT]...",
	"",
	"PROBE: u:BINARY:SYMBOL[+OFF] (uprobe), ur:BINARY:SYMBOL (uretprobe), k:SYMBOL[+OFF], kr:SYMBOL (kprobes)",
	"ARG:   NAME=FETCHARG[:TYPE] as in uprobe_events, e.g. x=%di:s64 or ret=$retval:u64",
	NULL,
};

enum { OPT_FILTER = 256, OPT_JSON, OPT_DRY, OPT_LIMIT };

static const struct tk_opt probe_opts[] = {
	{ 'o', "output", "FILE", "record to FILE (read it with 'tracekit ftrace report') instead of streaming" },
	{ OPT_FILTER, "filter", "EXPR", "kernel filter expression on the probe events" },
	{ 'p', "pid", "PID", "only this pid and its children" },
	{ 'd', "duration", "SECS", "stop after SECS seconds" },
	{ OPT_LIMIT, "limit", "N", "stop after N events" },
	{ OPT_JSON, "json", NULL, "JSON output" },
	{ OPT_DRY, "dry-run", NULL, "resolve and print the probe definition; change nothing" },
	{ 'h', "help", NULL, "show this help" },
	TK_OPT_END,
};

static bool is_probe_spec(const char *s)
{
	return !strncmp(s, "u:", 2) || !strncmp(s, "ur:", 3) || !strncmp(s, "r:", 2) || !strncmp(s, "p:", 2) ||
	       !strncmp(s, "k:", 2) || !strncmp(s, "kr:", 3);
}

static void print_def(const char *group, const struct tk_probe *p)
{
	if (p->kind == 'u')
		fprintf(stderr, "%s:%s/%s %s:0x%llx%s%s   # %s+%llu = vaddr 0x%llx\n", p->ret ? "r" : "p", group, p->event,
			p->binary, (unsigned long long)p->offset, p->args[0] ? " " : "", p->args,
			p->symbol[0] ? p->symbol : "addr", (unsigned long long)p->add, (unsigned long long)p->addr);
	else
		fprintf(stderr, "%s:%s/%s %s+%llu%s%s\n", p->ret ? "r" : "p", group, p->event, p->symbol,
			(unsigned long long)p->add, p->args[0] ? " " : "", p->args);
}

static int probe_add(int argc, char **argv)
{
	const char *cmd = "probe add", *output = NULL, *filter = NULL;
	struct tk_probe probes[16];
	struct ftrace_run run;
	struct tk_getopt g;
	struct tk_tfs t;
	char group[64], err[600], ev[160];
	bool dry = false;
	int c, i, n = 0, ret, rc;
	char *end;

	memset(&run, 0, sizeof(run));
	run.cmd = cmd;
	if (tk_getopt_init(&g, cmd, argc, argv, probe_opts))
		return cmd_err(cmd, "out of memory");
	while ((c = tk_getopt_next(&g)) != -1) {
		switch (c) {
		case 'h':
			tk_usage(stdout, probe_usage, probe_opts);
			tk_getopt_free(&g);
			return TK_EXIT_OK;
		case 'o':
			output = optarg;
			break;
		case OPT_FILTER:
			filter = optarg;
			break;
		case 'p':
			run.pids[0] = (pid_t)strtol(optarg, &end, 10);
			if (*end || run.pids[0] <= 0) {
				tk_getopt_free(&g);
				return cmd_usage_err(cmd, "bad pid '%s'", optarg);
			}
			run.npids = 1;
			break;
		case 'd':
			run.duration = strtod(optarg, &end);
			if (*end || run.duration <= 0) {
				tk_getopt_free(&g);
				return cmd_usage_err(cmd, "bad duration '%s'", optarg);
			}
			break;
		case OPT_LIMIT:
			run.limit = strtol(optarg, &end, 10);
			if (*end || run.limit <= 0) {
				tk_getopt_free(&g);
				return cmd_usage_err(cmd, "bad limit '%s'", optarg);
			}
			break;
		case OPT_JSON:
			run.json = true;
			break;
		case OPT_DRY:
			dry = true;
			break;
		default:
			tk_getopt_free(&g);
			return TK_EXIT_USAGE;
		}
	}
	tk_getopt_free(&g);
	/* PROBE [ARG...] groups up to "--", then the command */
	for (i = optind; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			run.argv = argv[i + 1] ? argv + i + 1 : NULL;
			break;
		}
		if (is_probe_spec(argv[i])) {
			if (n == (int)(sizeof(probes) / sizeof(probes[0])))
				return cmd_usage_err(cmd, "too many probes");
			if (tk_probe_parse(argv[i], &probes[n], err, sizeof(err)))
				return cmd_usage_err(cmd, "%s", err);
			n++;
		} else if (!n) {
			return cmd_usage_err(cmd, "expected a probe before '%s'", argv[i]);
		} else if (argv[i][0] == '-') {
			return cmd_usage_err(cmd, "options go before the probe ('%s')", argv[i]);
		} else if (tk_probe_add_arg(&probes[n - 1], argv[i])) {
			return cmd_usage_err(cmd, "too many probe arguments");
		}
	}
	if (!n)
		return cmd_usage_err(cmd, "no probe given");
	if (!dry && geteuid())
		return cmd_err(cmd, "needs root (tracefs is writable by root only)");
	snprintf(group, sizeof(group), TK_TFS_GROUP_PREFIX "%d", (int)getpid());
	for (i = 0; i < n; i++) {
		if (probes[i].kind == 'k' && dry)
			continue;
		ret = tk_probe_resolve(&probes[i], err, sizeof(err));
		if (ret)
			return cmd_err(cmd, "%s", err);
	}
	if (dry) {
		for (i = 0; i < n; i++)
			print_def(group, &probes[i]);
		return TK_EXIT_OK;
	}
	ftrace_signals();
	ret = tk_tfs_open(&t);
	if (ret)
		return cmd_err(cmd, "%s", tk_tfs_error(&t));
	rc = TK_EXIT_FAIL;
	for (i = 0; i < n; i++) {
		ret = tk_probe_define(t.dir, group, &probes[i], err, sizeof(err));
		if (ret) {
			cmd_err(cmd, "%s", err);
			goto out;
		}
		if (tk_verbose)
			print_def(group, &probes[i]);
		snprintf(ev, sizeof(ev), "%s:%s", group, probes[i].event);
		if (tk_tfs_enable(&t, ev) < 0) {
			cmd_err(cmd, "cannot enable %s: %s", ev, tk_tfs_error(&t));
			goto out;
		}
	}
	if (filter && tk_tfs_filter(&t, filter)) {
		cmd_err(cmd, "bad filter: %s", tk_tfs_error(&t));
		goto out;
	}
	if (run.npids && tk_tfs_set_pids(&t, run.pids, run.npids)) {
		cmd_err(cmd, "cannot set pid filter: %s", tk_tfs_error(&t));
		goto out;
	}
	rc = output ? ftrace_record_run(&t, &run, output) : ftrace_stream_run(&t, &run);
out:
	/* the instance first: a probe still enabled in it cannot be removed */
	tk_tfs_close(&t);
	ret = tk_probe_remove(group, NULL);
	if (ret < 0) {
		cmd_err(cmd, "cannot remove probes of %s: %s", group, strerror(-ret));
		rc = TK_EXIT_FAIL;
	}
	return rc;
}

/* Options of list and del: -h and --json only. 0, or the exit code to return (-1: help shown). */
static int simple_opts(const char *cmd, int argc, char **argv, bool *json)
{
	struct tk_getopt g;
	int c, ret = 0;

	if (tk_getopt_init(&g, cmd, argc, argv, probe_opts))
		return cmd_err(cmd, "out of memory");
	while (!ret && (c = tk_getopt_next(&g)) != -1) {
		if (c == 'h') {
			tk_usage(stdout, probe_usage, probe_opts);
			ret = -1;
		} else if (c == OPT_JSON && json) {
			*json = true;
		} else {
			ret = TK_EXIT_USAGE;
		}
	}
	tk_getopt_free(&g);
	return ret;
}

static int probe_list(int argc, char **argv)
{
	const char *cmd = "probe list";
	struct strbuf sb = STRBUF_INIT;
	struct json_writer w;
	char dir[256], path[512], *text, *line, *save = NULL;
	bool json = false;
	int ret;

	ret = simple_opts(cmd, argc, argv, &json);
	if (ret)
		return ret < 0 ? TK_EXIT_OK : ret;
	if (optind < argc)
		return cmd_usage_err(cmd, "unexpected argument '%s'", argv[optind]);
	ret = tk_tfs_init_dir(dir, sizeof(dir));
	if (ret)
		return cmd_err(cmd, "cannot mount tracefs: %s", strerror(-ret));
	text = tk_tfs_read_probe_defs(dir, path, sizeof(path));
	if (!text)
		return cmd_err(cmd, "cannot read %s: %s", path, strerror(errno));
	json_init(&w, &sb);
	if (json)
		json_arr_begin(&w);
	/* "p:tracekit_123/name /path:0x0000000000001139 args" */
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *name = strchr(line, ':'), *target, *args = NULL;
		int pid;

		if (!name || strncmp(name + 1, TK_TFS_GROUP_PREFIX, strlen(TK_TFS_GROUP_PREFIX)))
			continue;
		name++;
		target = strchr(name, ' ');
		if (target) {
			*target++ = 0;
			args = strchr(target, ' ');
			if (args)
				*args++ = 0;
		}
		pid = atoi(name + strlen(TK_TFS_GROUP_PREFIX));
		if (json) {
			json_obj_begin(&w);
			json_kstr(&w, "name", name);
			json_kstr(&w, "type", line[0] == 'r' ? "uretprobe" : line[0] == 'p' ? "uprobe" : "other");
			json_kstr(&w, "target", target ? target : "");
			json_kstr(&w, "args", args ? args : "");
			json_kint(&w, "owner_pid", pid);
			json_kbool(&w, "owner_running", tk_tfs_owner_alive(pid));
			json_obj_end(&w);
		} else {
			sb_addf(&sb, "%-40s %s%s%s  (owner %d, %s)\n", name, target ? target : "", args ? " " : "",
				args ? args : "", pid, tk_tfs_owner_alive(pid) ? "running" : "gone");
		}
	}
	if (json) {
		json_arr_end(&w);
		sb_addc(&sb, '\n');
	}
	fputs(sb_str(&sb), stdout);
	sb_release(&sb);
	free(text);
	return TK_EXIT_OK;
}

static int probe_del(int argc, char **argv)
{
	const char *cmd = "probe del";
	char dir[256];
	int i, ret, rc = TK_EXIT_OK;

	ret = simple_opts(cmd, argc, argv, NULL);
	if (ret)
		return ret < 0 ? TK_EXIT_OK : ret;
	if (optind >= argc)
		return cmd_usage_err(cmd, "expected GROUP or GROUP/EVENT (see 'tracekit probe list')");
	if (geteuid())
		return cmd_err(cmd, "needs root (tracefs is writable by root only)");
	ret = tk_tfs_init_dir(dir, sizeof(dir));
	if (ret)
		return cmd_err(cmd, "cannot mount tracefs: %s", strerror(-ret));
	for (i = optind; i < argc; i++) {
		char group[128], *slash;

		snprintf(group, sizeof(group), "%s", argv[i]);
		slash = strchr(group, '/');
		if (!slash)
			slash = strchr(group, ':');
		if (slash)
			*slash++ = 0;
		if (strncmp(group, TK_TFS_GROUP_PREFIX, strlen(TK_TFS_GROUP_PREFIX))) {
			rc = cmd_err(cmd, "'%s' is not a tracekit probe group (tracekit_<pid>)", argv[i]);
			continue;
		}
		ret = tk_probe_remove(group, slash);
		if (ret == 0)
			rc = cmd_err(cmd, "no probe '%s'", argv[i]);
		else if (ret < 0)
			rc = cmd_err(cmd, "cannot remove '%s': %s%s", argv[i], strerror(-ret),
				     ret == -EBUSY ? " (enabled by a running tracekit)" : "");
		else
			printf("removed %d probe%s of %s\n", ret, ret == 1 ? "" : "s", argv[i]);
	}
	return rc;
}

int cmd_probe(int argc, char **argv)
{
	if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		tk_usage(stdout, probe_usage, probe_opts);
		return TK_EXIT_OK;
	}
	if (argc < 2)
		return cmd_usage_err("probe", "missing subcommand (add, list, del)");
	if (!strcmp(argv[1], "add"))
		return probe_add(argc - 1, argv + 1);
	if (!strcmp(argv[1], "list"))
		return probe_list(argc - 1, argv + 1);
	if (!strcmp(argv[1], "del"))
		return probe_del(argc - 1, argv + 1);
	return cmd_usage_err("probe", "unknown subcommand '%s'", argv[1]);
}
