/* tracekit's private tracefs instance, event selection, filters and state sweeping (see session.h). */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <tracefs.h>

#include "lib/tracefs/mount.h"
#include "lib/tracefs/session.h"
#include "lib/util/strbuf.h"
#include "lib/util/strsim.h"

int tk_tfs_write_file(const char *path, const char *s, bool append)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC | (append ? O_APPEND : O_TRUNC));
	ssize_t n, len = (ssize_t)strlen(s);
	int ret = 0;

	if (fd < 0)
		return -errno;
	n = write(fd, s, len);
	if (n < 0)
		ret = -errno;
	else if (n != len)
		ret = -EIO;
	close(fd);
	return ret;
}

char *tk_tfs_read_file(const char *path, size_t *len)
{
	struct strbuf sb = STRBUF_INIT;
	char buf[4096];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		sb_add(&sb, buf, (size_t)n);
	close(fd);
	if (n < 0 || sb_error(&sb)) {
		int e = n < 0 ? errno : ENOMEM;

		sb_release(&sb);
		errno = e;
		return NULL;
	}
	if (len)
		*len = sb.len;
	if (!sb.buf)
		return strdup("");
	return sb_detach(&sb);
}

static void inst_file(const char *dir, const char *instance, const char *file, char *buf, size_t len)
{
	if (instance)
		snprintf(buf, len, "%s/instances/%s/%s", dir, instance, file);
	else
		snprintf(buf, len, "%s/%s", dir, file);
}

void tk_tfs_error_log_clear(const char *dir, const char *instance)
{
	char path[512];

	inst_file(dir, instance, "error_log", path, sizeof(path));
	tk_tfs_write_file(path, "", false);
}

/*
 * error_log entries are "[ts] source: error: what\n  Command: cmd\n  <caret>\n"; return the
 * error line of the last entry (whose Command contains match, when given), with its Command.
 */
void tk_tfs_error_log_last(const char *dir, const char *instance, const char *match, char *buf, size_t len)
{
	char path[512], *text, *line, *save = NULL, *err = NULL, *cmd = NULL, *best_err = NULL, *best_cmd = NULL;

	buf[0] = 0;
	inst_file(dir, instance, "error_log", path, sizeof(path));
	text = tk_tfs_read_file(path, NULL);
	if (!text)
		return;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '[') {
			err = line;
			cmd = NULL;
		} else if (err && strstr(line, "Command:")) {
			cmd = line;
		} else {
			continue;
		}
		if (!match || (cmd && strstr(cmd, match))) {
			best_err = err;
			best_cmd = cmd;
		}
	}
	if (best_err) {
		char *p = strchr(best_err, ']');

		p = p ? p + 1 : best_err;
		while (*p == ' ')
			p++;
		if (best_cmd) {
			while (*best_cmd == ' ')
				best_cmd++;
			snprintf(buf, len, "%s (%s)", p, best_cmd);
		} else {
			snprintf(buf, len, "%s", p);
		}
	}
	free(text);
}

int tk_tfs_init_dir(char *dir, size_t len)
{
	int ret = tk_tracefs_ensure(dir, len, NULL);

	if (ret)
		return ret;
	/* libtracefs would otherwise look (and possibly mount) on its own */
	if (tracefs_set_tracing_dir(dir))
		return -errno ? -errno : -EIO;
	return 0;
}

bool tk_tfs_owner_alive(pid_t pid)
{
	char path[64], comm[32] = "";
	FILE *f;

	if (pid <= 0)
		return false;
	if (kill(pid, 0) && errno == ESRCH)
		return false;
	/* a recycled pid running something else does not own the state */
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	if (!fgets(comm, sizeof(comm), f))
		comm[0] = 0;
	fclose(f);
	return !strncmp(comm, "tracekit", 8);
}

static pid_t owner_of(const char *name, const char *prefix)
{
	size_t n = strlen(prefix);
	char *end;
	long pid;

	if (strncmp(name, prefix, n) || !isdigit((unsigned char)name[n]))
		return -1;
	pid = strtol(name + n, &end, 10);
	if (*end || pid <= 0 || pid > 0x7fffffff)
		return -1;
	return (pid_t)pid;
}

/*
 * Remove one instance directory. The kernel disables its events as part of rmdir, and refuses
 * (EBUSY) while any of its files is open, e.g. the free_buffer a running tracekit holds: so a
 * live session is never disturbed, even when its owner was misjudged as gone.
 */
static int remove_instance(const char *dir, const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/instances/%s", dir, name);
	if (rmdir(path))
		return -errno;
	return 0;
}

/* Remove the dynamic events of the group (uprobes and kprobes share dynamic_events). */
static int remove_group_events(const char *dir, const char *group, struct tk_tfs_sweep *st)
{
	char path[512], *text, *line, *save = NULL;
	int ret = 0;

	text = tk_tfs_read_probe_defs(dir, path, sizeof(path));
	if (!text)
		return -errno;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *ev = strchr(line, ':'), *sp, cmd[300];
		size_t glen = strlen(group);

		if (!ev)
			continue;
		ev++;
		sp = strchr(ev, ' ');
		if (sp)
			*sp = 0;
		if (strncmp(ev, group, glen) || ev[glen] != '/')
			continue;
		snprintf(cmd, sizeof(cmd), "-:%s", ev);
		if (tk_tfs_write_file(path, cmd, true)) {
			ret = -errno;
			st->failed++;
		} else {
			st->probes++;
		}
	}
	free(text);
	return ret;
}

/*
 * Whether a tracekit-named object may be removed: never while its owner runs (that would pull
 * the rug from under a live session, possibly another test's); a name with no pid in it is
 * only removed by a full reset.
 */
static bool removable(const char *name, const char *prefix, bool all, struct tk_tfs_sweep *st)
{
	pid_t pid;

	if (strncmp(name, prefix, strlen(prefix)))
		return false;
	pid = owner_of(name, prefix);
	if (pid == getpid())
		return false;
	if (pid > 0 && tk_tfs_owner_alive(pid)) {
		st->live++;
		return false;
	}
	return pid > 0 || all;
}

static int sweep(const char *dir, struct tk_tfs_sweep *st, bool all)
{
	char path[512];
	struct dirent *de;
	DIR *d;

	memset(st, 0, sizeof(*st));
	snprintf(path, sizeof(path), "%s/instances", dir);
	d = opendir(path);
	if (d) {
		while ((de = readdir(d))) {
			if (!removable(de->d_name, TK_TFS_INSTANCE_PREFIX, all, st))
				continue;
			if (remove_instance(dir, de->d_name))
				st->failed++;
			else
				st->instances++;
		}
		closedir(d);
	}
	snprintf(path, sizeof(path), "%s/events", dir);
	d = opendir(path);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (removable(de->d_name, TK_TFS_GROUP_PREFIX, all, st))
			remove_group_events(dir, de->d_name, st);
	}
	closedir(d);
	return 0;
}

int tk_tfs_sweep_stale(const char *dir, struct tk_tfs_sweep *st)
{
	return sweep(dir, st, false);
}

int tk_tfs_reset_all(const char *dir, struct tk_tfs_sweep *st)
{
	return sweep(dir, st, true);
}

int tk_tfs_path(struct tk_tfs *t, const char *file, char *buf, size_t len)
{
	if (snprintf(buf, len, "%s/instances/%s/%s", t->dir, t->name, file) >= (int)len)
		return -ENAMETOOLONG;
	return 0;
}

const char *tk_tfs_error(const struct tk_tfs *t)
{
	return t->err;
}

void tk_tfs_enabled_format(const struct tk_tfs *t, int i, char *sys, size_t syslen, char *path, size_t len)
{
	char *slash;

	snprintf(sys, syslen, "%s", t->enabled[i]);
	slash = strchr(sys, '/');
	if (slash)
		*slash = 0;
	snprintf(path, len, "%s/instances/%s/events/%s/format", t->dir, t->name, t->enabled[i]);
}

char *tk_tfs_read_probe_defs(const char *dir, char *path, size_t len)
{
	char *text;

	snprintf(path, len, "%s/dynamic_events", dir);
	text = tk_tfs_read_file(path, NULL);
	if (!text) {
		/* kernels without dynamic_events still have uprobe_events */
		snprintf(path, len, "%s/uprobe_events", dir);
		text = tk_tfs_read_file(path, NULL);
	}
	return text;
}

static int write_inst(struct tk_tfs *t, const char *file, const char *val)
{
	char path[512];
	int ret;

	tk_tfs_path(t, file, path, sizeof(path));
	ret = tk_tfs_write_file(path, val, false);
	if (ret)
		snprintf(t->err, sizeof(t->err), "cannot write '%s' to %s: %s", val, file, strerror(-ret));
	return ret;
}

int tk_tfs_open(struct tk_tfs *t)
{
	struct tk_tfs_sweep st;
	char path[512];
	int ret;

	memset(t, 0, sizeof(*t));
	t->free_fd = -1;
	ret = tk_tfs_init_dir(t->dir, sizeof(t->dir));
	if (ret) {
		snprintf(t->err, sizeof(t->err), "cannot mount tracefs: %s", strerror(-ret));
		return ret;
	}
	tk_tfs_sweep_stale(t->dir, &st);
	snprintf(t->name, sizeof(t->name), TK_TFS_INSTANCE_PREFIX "%d", (int)getpid());
	/* a leftover of ours (same pid, earlier crash in this process) is not reusable state */
	snprintf(path, sizeof(path), "%s/instances/%s", t->dir, t->name);
	if (!access(path, F_OK))
		remove_instance(t->dir, t->name);
	t->inst = tracefs_instance_create(t->name);
	if (!t->inst) {
		ret = errno ? -errno : -EIO;
		snprintf(t->err, sizeof(t->err), "cannot create instance %s: %s", t->name, strerror(-ret));
		return ret;
	}
	/* nothing runs until the caller has set events and filters */
	if ((ret = write_inst(t, "tracing_on", "0")) || (ret = write_inst(t, "options/disable_on_free", "1")))
		goto fail;
	/* thread -> process for the reports (saved_tgids); optional, older kernels lack it */
	write_inst(t, "options/record-tgid", "1");
	tk_tfs_path(t, "free_buffer", path, sizeof(path));
	t->free_fd = open(path, O_WRONLY | O_CLOEXEC);
	if (t->free_fd < 0) {
		ret = -errno;
		snprintf(t->err, sizeof(t->err), "cannot open %s: %s", path, strerror(errno));
		goto fail;
	}
	return 0;
fail:
	tk_tfs_close(t);
	return ret;
}

void tk_tfs_close(struct tk_tfs *t)
{
	int i;

	if (t->inst) {
		write_inst(t, "tracing_on", "0");
		write_inst(t, "events/enable", "0");
		write_inst(t, "set_event_pid", "");
	}
	if (t->free_fd >= 0)
		close(t->free_fd);
	t->free_fd = -1;
	if (t->inst) {
		/* the instance holds no reference once free_buffer is closed: rmdir can succeed */
		if (tracefs_instance_destroy(t->inst))
			remove_instance(t->dir, t->name);
		tracefs_instance_free(t->inst);
		t->inst = NULL;
	}
	for (i = 0; i < t->nenabled; i++)
		free(t->enabled[i]);
	free(t->enabled);
	t->enabled = NULL;
	t->nenabled = 0;
}

static int add_enabled(struct tk_tfs *t, const char *sys, const char *ev)
{
	char **v, *s;
	int i;

	for (i = 0; i < t->nenabled; i++) {
		size_t n = strlen(sys);

		if (!strncmp(t->enabled[i], sys, n) && t->enabled[i][n] == '/' && !strcmp(t->enabled[i] + n + 1, ev))
			return 0;
	}
	if (asprintf(&s, "%s/%s", sys, ev) < 0)
		return -ENOMEM;
	v = realloc(t->enabled, (t->nenabled + 1) * sizeof(*v));
	if (!v) {
		free(s);
		return -ENOMEM;
	}
	t->enabled = v;
	t->enabled[t->nenabled++] = s;
	return 1;
}

static bool is_dir(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

/* Collect every "system:event" name for suggestions. */
static void closest_event(struct tk_tfs *t, const char *want, char *out, size_t len)
{
	char path[512], *text, *line, *save = NULL;
	const char **names = NULL;
	size_t n = 0, cap = 0;
	const char *best;

	out[0] = 0;
	snprintf(path, sizeof(path), "%s/available_events", t->dir);
	text = tk_tfs_read_file(path, NULL);
	if (!text)
		return;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		const char *p = strchr(want, ':') || strchr(want, '/') ? line : strchr(line, ':');

		if (!p)
			continue;
		if (p != line)
			p++;
		if (n == cap) {
			const char **v = realloc(names, (cap = cap ? cap * 2 : 1024) * sizeof(*v));

			if (!v)
				break;
			names = v;
		}
		names[n++] = p;
	}
	best = tk_closest(want, names, n);
	if (best)
		snprintf(out, len, "%s", best);
	free(names);
	free(text);
}

int tk_tfs_enable(struct tk_tfs *t, const char *spec)
{
	char sys_pat[256], ev_pat[256], path[1024];
	const char *sep = strpbrk(spec, ":/");
	struct dirent *ds, *de;
	DIR *dsys, *dev;
	bool bare = !sep;
	int count = 0, ret;

	if (!*spec) {
		snprintf(t->err, sizeof(t->err), "empty event name");
		return -EINVAL;
	}
	if (sep) {
		snprintf(sys_pat, sizeof(sys_pat), "%.*s", (int)(sep - spec), spec);
		snprintf(ev_pat, sizeof(ev_pat), "%s", *(sep + 1) ? sep + 1 : "*");
	} else {
		/* a bare word is a subsystem when one has that name, otherwise an event in any */
		snprintf(path, sizeof(path), "%s/events/%s", t->dir, spec);
		if (!strpbrk(spec, "*?[") && is_dir(path)) {
			snprintf(sys_pat, sizeof(sys_pat), "%s", spec);
			snprintf(ev_pat, sizeof(ev_pat), "*");
			bare = false;
		} else {
			snprintf(sys_pat, sizeof(sys_pat), "*");
			snprintf(ev_pat, sizeof(ev_pat), "%s", spec);
		}
	}
	snprintf(path, sizeof(path), "%s/instances/%s/events", t->dir, t->name);
	dsys = opendir(path);
	if (!dsys) {
		ret = -errno;
		snprintf(t->err, sizeof(t->err), "cannot read %s: %s", path, strerror(errno));
		return ret;
	}
	while ((ds = readdir(dsys))) {
		if (ds->d_name[0] == '.' || fnmatch(sys_pat, ds->d_name, 0))
			continue;
		/* "ftrace" holds the function tracer's internal events, which cannot be enabled */
		if (bare && !strcmp(ds->d_name, "ftrace"))
			continue;
		snprintf(path, sizeof(path), "%s/instances/%s/events/%s", t->dir, t->name, ds->d_name);
		dev = opendir(path);
		if (!dev)
			continue;
		while ((de = readdir(dev))) {
			char file[1024];

			if (de->d_name[0] == '.' || fnmatch(ev_pat, de->d_name, 0))
				continue;
			snprintf(file, sizeof(file), "%s/%s/enable", path, de->d_name);
			if (access(file, F_OK))
				continue;
			ret = tk_tfs_write_file(file, "1", false);
			if (ret) {
				snprintf(t->err, sizeof(t->err), "cannot enable %s:%s: %s", ds->d_name, de->d_name,
					 strerror(-ret));
				closedir(dev);
				closedir(dsys);
				return ret;
			}
			if (add_enabled(t, ds->d_name, de->d_name) > 0)
				count++;
		}
		closedir(dev);
	}
	closedir(dsys);
	if (!count) {
		char best[256];

		closest_event(t, spec, best, sizeof(best));
		if (best[0])
			snprintf(t->err, sizeof(t->err), "no such event '%s'; did you mean '%s'?", spec, best);
		else
			snprintf(t->err, sizeof(t->err), "no such event '%s' (see 'tracekit tp list')", spec);
		return -ENOENT;
	}
	return count;
}

int tk_tfs_filter(struct tk_tfs *t, const char *expr)
{
	char file[600], logline[400];
	int i, ret;

	for (i = 0; i < t->nenabled; i++) {
		snprintf(file, sizeof(file), "events/%s/filter", t->enabled[i]);
		tk_tfs_error_log_clear(t->dir, t->name);
		tk_tfs_path(t, file, logline, sizeof(logline));
		ret = tk_tfs_write_file(logline, expr, false);
		if (ret) {
			tk_tfs_error_log_last(t->dir, t->name, NULL, logline, sizeof(logline));
			if (logline[0])
				snprintf(t->err, sizeof(t->err), "kernel rejected filter '%s' for %s: %s", expr,
					 t->enabled[i], logline);
			else
				snprintf(t->err, sizeof(t->err), "kernel rejected filter '%s' for %s: %s", expr,
					 t->enabled[i], strerror(-ret));
			return ret;
		}
	}
	return 0;
}

int tk_tfs_set_pids(struct tk_tfs *t, const pid_t *pids, int n)
{
	struct strbuf sb = STRBUF_INIT;
	int i, ret;

	/*
	 * set_event_pid matches thread ids: a process is all of its threads (event-fork adds the
	 * ones created later), or a multithreaded server's workers would go unseen.
	 */
	for (i = 0; i < n; i++) {
		char dir[64];
		struct dirent *de;
		DIR *d;

		snprintf(dir, sizeof(dir), "/proc/%d/task", (int)pids[i]);
		d = opendir(dir);
		if (!d) {
			sb_addf(&sb, "%d ", (int)pids[i]);
			continue;
		}
		while ((de = readdir(d)))
			if (de->d_name[0] != '.')
				sb_addf(&sb, "%s ", de->d_name);
		closedir(d);
	}
	ret = write_inst(t, "options/event-fork", "1");
	if (!ret)
		ret = write_inst(t, "set_event_pid", sb_str(&sb));
	sb_release(&sb);
	return ret;
}

int tk_tfs_set_buffer_kb(struct tk_tfs *t, unsigned kb)
{
	char v[32];

	if (!kb)
		return 0;
	snprintf(v, sizeof(v), "%u", kb);
	return write_inst(t, "buffer_size_kb", v);
}

int tk_tfs_tracing(struct tk_tfs *t, bool on)
{
	return write_inst(t, "tracing_on", on ? "1" : "0");
}

int tk_tfs_wake_early(struct tk_tfs *t)
{
	return write_inst(t, "buffer_percent", "0");
}

int tk_tfs_subbuf_size(struct tk_tfs *t)
{
	char path[512], *s;
	long kb;

	tk_tfs_path(t, "buffer_subbuf_size_kb", path, sizeof(path));
	s = tk_tfs_read_file(path, NULL);
	if (!s)
		return (int)sysconf(_SC_PAGESIZE);
	kb = strtol(s, NULL, 10);
	free(s);
	return kb > 0 && kb <= 1024 ? (int)kb * 1024 : (int)sysconf(_SC_PAGESIZE);
}
