/* uprobe / kprobe definitions in tracekit's probe group (see probe.h). */
#include <ctype.h>
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <tracefs.h>

#include "lib/sym/elf.h"
#include "lib/tracefs/probe.h"
#include "lib/tracefs/session.h"
#include "lib/util/strsim.h"

static void event_name_from(const char *sym, bool ret, char *out, size_t len)
{
	size_t i, n = 0;

	/* event names are C identifiers: anything else becomes '_' */
	for (i = 0; sym[i] && n + 1 < len && n < 40; i++)
		out[n++] = isalnum((unsigned char)sym[i]) ? sym[i] : '_';
	out[n] = 0;
	if (!n || isdigit((unsigned char)out[0]))
		snprintf(out, len, "p_%.40s", sym);
	if (ret)
		strncat(out, "__return", len - strlen(out) - 1);
}

int tk_probe_parse(const char *spec, struct tk_probe *p, char *err, size_t errlen)
{
	const char *rest, *colon, *plus;
	char target[512];
	char *end;

	memset(p, 0, sizeof(*p));
	if (!strncmp(spec, "u:", 2) || !strncmp(spec, "p:", 2)) {
		p->kind = 'u';
		rest = spec + 2;
	} else if (!strncmp(spec, "ur:", 3) || !strncmp(spec, "r:", 2)) {
		p->kind = 'u';
		p->ret = true;
		rest = strchr(spec, ':') + 1;
	} else if (!strncmp(spec, "k:", 2)) {
		p->kind = 'k';
		rest = spec + 2;
	} else if (!strncmp(spec, "kr:", 3)) {
		p->kind = 'k';
		p->ret = true;
		rest = spec + 3;
	} else {
		snprintf(err, errlen, "bad probe '%s': expected u:BINARY:SYMBOL[+off], ur:..., k:SYMBOL or kr:...",
			 spec);
		return -EINVAL;
	}
	if (p->kind == 'u') {
		/* the symbol follows the last ':' (paths may contain ':', symbols may not) */
		colon = strrchr(rest, ':');
		if (!colon || colon == rest || !colon[1]) {
			snprintf(err, errlen, "bad probe '%s': expected u:BINARY:SYMBOL[+off]", spec);
			return -EINVAL;
		}
		snprintf(p->binary, sizeof(p->binary), "%.*s", (int)(colon - rest), rest);
		rest = colon + 1;
	}
	snprintf(target, sizeof(target), "%s", rest);
	plus = strchr(target, '+');
	if (plus) {
		errno = 0;
		p->add = strtoull(plus + 1, &end, 0);
		if (errno || *end || plus[1] == 0) {
			snprintf(err, errlen, "bad offset in probe '%s'", spec);
			return -EINVAL;
		}
		target[plus - target] = 0;
	}
	if (!target[0]) {
		snprintf(err, errlen, "bad probe '%s': no symbol", spec);
		return -EINVAL;
	}
	if (!strncmp(target, "0x", 2)) {
		errno = 0;
		p->addr = strtoull(target, &end, 16);
		if (errno || *end) {
			snprintf(err, errlen, "bad address in probe '%s'", spec);
			return -EINVAL;
		}
		p->addr += p->add;
		event_name_from(target, p->ret, p->event, sizeof(p->event));
	} else {
		snprintf(p->symbol, sizeof(p->symbol), "%s", target);
		event_name_from(target, p->ret, p->event, sizeof(p->event));
	}
	return 0;
}

int tk_probe_add_arg(struct tk_probe *p, const char *arg)
{
	size_t n = strlen(p->args);

	if (n + strlen(arg) + 2 > sizeof(p->args))
		return -E2BIG;
	snprintf(p->args + n, sizeof(p->args) - n, "%s%s", n ? " " : "", arg);
	return 0;
}

/* PATH lookup for a bare program name, like perf probe -x and execvp. */
static int find_binary(const char *name, char *out, size_t len)
{
	const char *path = getenv("PATH");
	char buf[PATH_MAX];

	if (strchr(name, '/')) {
		if (!realpath(name, out))
			return -errno;
		return 0;
	}
	if (!path)
		path = "/usr/bin:/bin";
	while (*path) {
		const char *c = strchr(path, ':');
		size_t n = c ? (size_t)(c - path) : strlen(path);

		snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, n ? path : ".", name);
		if (!access(buf, X_OK) && realpath(buf, out) && strlen(out) < len)
			return 0;
		path += n + (c ? 1 : 0);
	}
	return -ENOENT;
}

struct near_ctx {
	const char **names;
	size_t n, cap;
};

static int near_cb(const struct tk_elf_sym *s, void *arg)
{
	struct near_ctx *c = arg;

	if ((s->type != STT_FUNC && s->type != STT_GNU_IFUNC) || s->shndx == SHN_UNDEF)
		return 0;
	if (c->n == c->cap) {
		const char **v = realloc(c->names, (c->cap = c->cap ? c->cap * 2 : 256) * sizeof(*v));

		if (!v)
			return 1;
		c->names = v;
	}
	c->names[c->n++] = s->name;
	return 0;
}

int tk_probe_resolve(struct tk_probe *p, char *err, size_t errlen)
{
	struct tk_elf *e;
	struct tk_elf_sym sym;
	char path[PATH_MAX];
	struct stat st;
	int ret;

	if (p->kind != 'u')
		return 0;
	ret = find_binary(p->binary, path, sizeof(path));
	if (ret) {
		snprintf(err, errlen, "%s: %s", p->binary, strerror(-ret));
		return ret;
	}
	if (stat(path, &st) || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", p->binary);
		return -EINVAL;
	}
	snprintf(p->binary, sizeof(p->binary), "%s", path);
	ret = tk_elf_open(path, &e);
	if (ret == -ENOEXEC) {
		snprintf(err, errlen, "%s: not an ELF file", path);
		return ret;
	}
	if (ret) {
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
		return ret;
	}
	if (p->symbol[0]) {
		ret = tk_elf_find_sym(e, p->symbol, &sym);
		if (ret) {
			struct near_ctx c = { 0 };
			const char *best;

			tk_elf_foreach_sym(e, near_cb, &c);
			best = tk_closest(p->symbol, c.names, c.n);
			if (best)
				snprintf(err, errlen, "no function '%s' in %s; did you mean '%s'?", p->symbol, path, best);
			else
				snprintf(err, errlen, "no function '%s' in %s", p->symbol, path);
			free(c.names);
			tk_elf_close(e);
			return -ENOENT;
		}
		if (p->add && sym.size && p->add >= sym.size) {
			snprintf(err, errlen, "offset +%llu is past the end of %s (%llu bytes)",
				 (unsigned long long)p->add, p->symbol, (unsigned long long)sym.size);
			tk_elf_close(e);
			return -ERANGE;
		}
		p->addr = sym.value + p->add;
	}
	ret = tk_elf_addr_to_offset(e, p->addr, &p->offset);
	tk_elf_close(e);
	if (ret) {
		snprintf(err, errlen, "address 0x%llx is not in a loadable segment of %s", (unsigned long long)p->addr,
			 path);
		return -ENOENT;
	}
	return 0;
}

bool tk_kprobes_available(const char *dir)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/kprobe_events", dir);
	return !access(path, F_OK);
}

int tk_probe_define(const char *dir, const char *group, struct tk_probe *p, char *err, size_t errlen)
{
	struct tracefs_dynevent *de;
	char target[300], logline[400];
	const char *args = p->args[0] ? p->args : NULL;
	int ret;

	if (p->kind == 'k') {
		if (!tk_kprobes_available(dir)) {
			snprintf(err, errlen, "CONFIG_KPROBES is not enabled in this kernel");
			return -EOPNOTSUPP;
		}
		if (p->symbol[0])
			snprintf(target, sizeof(target), "%s+%llu", p->symbol, (unsigned long long)p->add);
		else
			snprintf(target, sizeof(target), "0x%llx", (unsigned long long)p->addr);
		de = p->ret ? tracefs_kretprobe_alloc(group, p->event, target, args, 0) :
			      tracefs_kprobe_alloc(group, p->event, target, args);
	} else {
		de = p->ret ? tracefs_uretprobe_alloc(group, p->event, p->binary, p->offset, args) :
			      tracefs_uprobe_alloc(group, p->event, p->binary, p->offset, args);
	}
	if (!de) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	ret = tracefs_dynevent_create(de);
	if (ret) {
		char match[160];

		ret = errno ? -errno : -EINVAL;
		/* the top-level log is shared: find the entry for our own definition */
		snprintf(match, sizeof(match), "%s/%s ", group, p->event);
		tk_tfs_error_log_last(dir, NULL, match, logline, sizeof(logline));
		if (logline[0])
			snprintf(err, errlen, "kernel rejected the probe: %s", logline);
		else
			snprintf(err, errlen, "kernel rejected the probe: %s", strerror(-ret));
	}
	tracefs_dynevent_free(de);
	return ret;
}

int tk_probe_remove(const char *group, const char *event)
{
	struct tracefs_dynevent **all;
	int i, n = 0, ret = 0;

	all = tracefs_dynevent_get_all(TRACEFS_DYNEVENT_UPROBE | TRACEFS_DYNEVENT_URETPROBE |
				       TRACEFS_DYNEVENT_KPROBE | TRACEFS_DYNEVENT_KRETPROBE, group);
	if (!all)
		return 0;
	for (i = 0; all[i]; i++) {
		char *sys = NULL, *ev = NULL;

		tracefs_dynevent_info(all[i], &sys, &ev, NULL, NULL, NULL);
		if (sys && !strcmp(sys, group) && (!event || (ev && !strcmp(ev, event)))) {
			/* the list may name one event twice (one scan per type): gone is fine */
			if (!tracefs_dynevent_destroy(all[i], false))
				n++;
			else if (errno != ENOENT)
				ret = errno ? -errno : -EBUSY;
		}
		free(sys);
		free(ev);
	}
	tracefs_dynevent_list_free(all);
	return ret ? ret : n;
}
