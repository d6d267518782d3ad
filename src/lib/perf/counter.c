/* Counting events; see counter.h. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "lib/perf/counter.h"
#include "lib/perf/event.h"

int tk_counter_open(struct tk_counter *c, const struct tk_count_target *t)
{
	int n = t->system_wide ? t->ncpus : t->ntids, i;

	c->fds = calloc(n > 0 ? n : 1, sizeof(int));
	if (!c->fds)
		return -ENOMEM;
	c->attr.size = sizeof(c->attr);
	c->attr.disabled = 1;
	c->attr.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
	c->attr.inherit = !t->system_wide;
	c->attr.enable_on_exec = t->on_exec;
	for (i = 0; i < n; i++) {
		int fd = t->system_wide ? tk_perf_open(&c->attr, -1, t->cpus[i], -1)
					: tk_perf_open(&c->attr, t->tids[i], -1, -1);
		if (fd < 0) {
			if (fd == -ESRCH && !t->system_wide)
				continue; /* a thread that exited meanwhile */
			c->open_err = fd;
			tk_counter_close(c);
			return 0;
		}
		c->fds[c->nfds++] = fd;
	}
	if (!c->nfds)
		c->open_err = -ESRCH;
	return 0;
}

static int ioctl_all(struct tk_counter *c, unsigned long req)
{
	int i;

	for (i = 0; i < c->nfds; i++)
		if (ioctl(c->fds[i], req, 0))
			return -errno;
	return 0;
}

int tk_counter_enable(struct tk_counter *c)
{
	return ioctl_all(c, PERF_EVENT_IOC_ENABLE);
}

int tk_counter_disable(struct tk_counter *c)
{
	return ioctl_all(c, PERF_EVENT_IOC_DISABLE);
}

int tk_counter_read(struct tk_counter *c)
{
	double scaled = 0;
	int i;

	c->value = c->enabled = c->running = 0;
	for (i = 0; i < c->nfds; i++) {
		uint64_t v[3];

		if (read(c->fds[i], v, sizeof(v)) != sizeof(v))
			return -errno ? -errno : -EIO;
		c->enabled += v[1];
		c->running += v[2];
		if (v[2] && v[2] < v[1])
			scaled += (double)v[0] * ((double)v[1] / (double)v[2]);
		else
			scaled += (double)v[0];
	}
	c->value = (uint64_t)(scaled + 0.5);
	return 0;
}

void tk_counter_close(struct tk_counter *c)
{
	int i;

	for (i = 0; i < c->nfds; i++)
		close(c->fds[i]);
	free(c->fds);
	c->fds = NULL;
	c->nfds = 0;
}

bool tk_counter_unsupported(const struct tk_counter *c)
{
	return c->open_err == -ENOENT || c->open_err == -EOPNOTSUPP || c->open_err == -ENODEV;
}

int tk_proc_threads(pid_t pid, pid_t **out)
{
	char path[64];
	DIR *d;
	struct dirent *e;
	pid_t *v = NULL;
	int n = 0, cap = 0;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	d = opendir(path);
	if (!d)
		return errno == ENOENT ? -ESRCH : -errno;
	while ((e = readdir(d))) {
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		if (n == cap) {
			pid_t *nv;
			cap = cap ? cap * 2 : 16;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				free(v);
				closedir(d);
				return -ENOMEM;
			}
			v = nv;
		}
		v[n++] = (pid_t)atoi(e->d_name);
	}
	closedir(d);
	*out = v;
	return n;
}

static int append(pid_t **v, int *n, const pid_t *add, int nadd)
{
	pid_t *nv = realloc(*v, (*n + nadd) * sizeof(*nv));

	if (!nv)
		return -ENOMEM;
	memcpy(nv + *n, add, nadd * sizeof(*add));
	*v = nv;
	*n += nadd;
	return 0;
}

int tk_pid_list(const char *list, pid_t **pids, int *npids, pid_t **tids, int *ntids, long *bad)
{
	char *dup = strdup(list), *save = NULL, *tok;
	int r = 0;

	if (!dup)
		return -ENOMEM;
	for (tok = strtok_r(dup, ",", &save); tok && !r; tok = strtok_r(NULL, ",", &save)) {
		char *end;
		long pid = strtol(tok, &end, 10);
		pid_t p = (pid_t)pid, *th = NULL;
		int n;

		if (*end || pid <= 0 || pid > 0x7fffffff) {
			r = -EINVAL;
			break;
		}
		n = tk_proc_threads(p, &th);
		if (n < 0) {
			*bad = pid;
			r = n;
			break;
		}
		r = append(pids, npids, &p, 1);
		if (!r)
			r = append(tids, ntids, th, n);
		free(th);
	}
	if (!r && !*npids)
		r = -EINVAL;
	free(dup);
	return r;
}
