/* Per-CPU raw readers of tracekit's instance (see reader.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <tracefs.h>

#include "lib/tracefs/decode.h"
#include "lib/tracefs/rawfile.h"
#include "lib/tracefs/reader.h"
#include "lib/util/strbuf.h"

int tk_tfs_ncpus(struct tk_tfs *t)
{
	char path[512];
	struct dirent *de;
	int n = 0;
	DIR *d;

	tk_tfs_path(t, "per_cpu", path, sizeof(path));
	d = opendir(path);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		int cpu;

		if (sscanf(de->d_name, "cpu%d", &cpu) == 1 && cpu + 1 > n)
			n = cpu + 1;
	}
	closedir(d);
	return n ? n : -ENOENT;
}

static uint64_t stat_value(const char *text, const char *key)
{
	const char *p = text;
	size_t n = strlen(key);

	while (p && *p) {
		if (!strncmp(p, key, n) && p[n] == ':')
			return strtoull(p + n + 1, NULL, 10);
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return 0;
}

void tk_cpu_stats_parse(const char *text, struct tk_cpu_stats *st)
{
	st->entries = stat_value(text, "entries");
	st->overrun = stat_value(text, "overrun");
	st->commit_overrun = stat_value(text, "commit overrun");
	st->dropped = stat_value(text, "dropped events");
	st->read_events = stat_value(text, "read events");
	st->bytes = stat_value(text, "bytes");
}

static int open_raw(struct tk_tfs *t, int cpu)
{
	char file[64], path[512];

	snprintf(file, sizeof(file), "per_cpu/cpu%d/trace_pipe_raw", cpu);
	tk_tfs_path(t, file, path, sizeof(path));
	return open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
}

/*
 * An unnamed spool file: nothing to clean up whatever happens to us. Filesystems without
 * O_TMPFILE get a named one unlinked at once.
 */
static int open_spool(const char *dir)
{
	char path[4096];
	int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);

	if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL))
		return fd;
	snprintf(path, sizeof(path), "%s/.tracekit-spool-XXXXXX", dir);
	fd = mkostemp(path, O_CLOEXEC);
	if (fd >= 0)
		unlink(path);
	return fd;
}

static void *rec_thread(void *arg)
{
	struct tk_rec_cpu *c = arg;
	struct pollfd pfd = { .fd = c->raw_fd, .events = POLLIN };

	while (!*c->stop) {
		int n;

		/* woken at buffer_percent, or every 100 ms to notice stop */
		poll(&pfd, 1, 100);
		while ((n = tracefs_cpu_write(c->tcpu, c->spool_fd, true)) > 0)
			c->bytes += (uint64_t)n;
		if (n < 0 && errno != EAGAIN && errno != EINTR && errno != ENODATA) {
			c->err = -errno;
			break;
		}
	}
	return NULL;
}

int tk_recorder_start(struct tk_recorder *r, struct tk_tfs *t, const char *spool_dir)
{
	int i, ret;

	memset(r, 0, sizeof(*r));
	r->t = t;
	r->subbuf_size = tk_tfs_subbuf_size(t);
	r->ncpus = tk_tfs_ncpus(t);
	if (r->ncpus < 0)
		return r->ncpus;
	r->cpus = calloc((size_t)r->ncpus, sizeof(*r->cpus));
	if (!r->cpus)
		return -ENOMEM;
	for (i = 0; i < r->ncpus; i++) {
		r->cpus[i].raw_fd = -1;
		r->cpus[i].spool_fd = -1;
	}
	for (i = 0; i < r->ncpus; i++) {
		struct tk_rec_cpu *c = &r->cpus[i];

		c->cpu = i;
		c->stop = &r->stop;
		c->raw_fd = open_raw(t, i);
		if (c->raw_fd < 0) {
			ret = -errno;
			snprintf(t->err, sizeof(t->err), "cannot open cpu%d trace_pipe_raw: %s", i, strerror(errno));
			goto fail;
		}
		c->spool_fd = open_spool(spool_dir);
		if (c->spool_fd < 0) {
			ret = -errno;
			snprintf(t->err, sizeof(t->err), "cannot create a spool file in %s: %s", spool_dir,
				 strerror(errno));
			goto fail;
		}
		c->tcpu = tracefs_cpu_alloc_fd(c->raw_fd, r->subbuf_size, true);
		if (!c->tcpu) {
			ret = -ENOMEM;
			goto fail;
		}
	}
	for (i = 0; i < r->ncpus; i++) {
		ret = -pthread_create(&r->cpus[i].thread, NULL, rec_thread, &r->cpus[i]);
		if (ret)
			goto fail;
		r->cpus[i].started = true;
	}
	return 0;
fail:
	tk_recorder_stop(r);
	tk_recorder_free(r);
	return ret;
}

int tk_recorder_stop(struct tk_recorder *r)
{
	int i, ret = 0;

	r->stop = 1;
	for (i = 0; i < r->ncpus; i++) {
		struct tk_rec_cpu *c = &r->cpus[i];
		char file[64], path[512];
		int n;

		if (c->started) {
			pthread_join(c->thread, NULL);
			c->started = false;
		}
		if (!c->tcpu)
			continue;
		/* full pages first, then the partial page the writer was on */
		while ((n = tracefs_cpu_write(c->tcpu, c->spool_fd, true)) > 0)
			c->bytes += (uint64_t)n;
		while ((n = tracefs_cpu_flush_write(c->tcpu, c->spool_fd)) > 0)
			c->bytes += (uint64_t)n;
		if (c->err && !ret)
			ret = c->err;
		snprintf(file, sizeof(file), "per_cpu/cpu%d/stats", i);
		tk_tfs_path(r->t, file, path, sizeof(path));
		free(c->stats_text);
		c->stats_text = tk_tfs_read_file(path, NULL);
		if (c->stats_text)
			tk_cpu_stats_parse(c->stats_text, &c->stats);
	}
	return ret;
}

static int save_file_section(int out_fd, uint32_t type, uint32_t cpu, const char *path, const char *prefix)
{
	struct strbuf sb = STRBUF_INIT;
	char *text;
	size_t len;
	int ret;

	text = tk_tfs_read_file(path, &len);
	if (!text)
		return -errno;
	if (prefix)
		sb_add(&sb, prefix, strlen(prefix) + 1);
	sb_add(&sb, text, len);
	free(text);
	ret = sb_error(&sb) ? -ENOMEM : tk_rf_write_section(out_fd, type, cpu, sb.buf, sb.len);
	sb_release(&sb);
	return ret;
}

static int copy_spool(int out_fd, int spool_fd, uint64_t len)
{
	off_t in_off = 0;
	char buf[65536];

	while ((uint64_t)in_off < len) {
		ssize_t n = pread(spool_fd, buf, sizeof(buf), in_off), w, done = 0;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		while (done < n) {
			w = write(out_fd, buf + done, (size_t)(n - done));
			if (w < 0) {
				if (errno == EINTR)
					continue;
				return -errno;
			}
			done += w;
		}
		in_off += n;
	}
	return 0;
}

int tk_recorder_save(struct tk_recorder *r, int out_fd, const char *meta_text)
{
	struct tk_tfs *t = r->t;
	struct strbuf meta = STRBUF_INIT;
	char path[768];
	int i, ret;

	sb_adds(&meta, meta_text ? meta_text : "");
	sb_addf(&meta, "subbuf_size=%d\nlong_size=%d\nncpus=%d\n", r->subbuf_size, (int)sizeof(long), r->ncpus);
	ret = tk_rf_write_header(out_fd);
	if (!ret)
		ret = tk_rf_write_section(out_fd, TK_RF_META, 0, meta.buf, meta.len);
	sb_release(&meta);
	if (ret)
		return ret;
	snprintf(path, sizeof(path), "%s/events/header_page", t->dir);
	ret = save_file_section(out_fd, TK_RF_HEADER_PAGE, 0, path, NULL);
	if (ret)
		return ret;
	for (i = 0; i < t->nenabled; i++) {
		char sys[256];

		tk_tfs_enabled_format(t, i, sys, sizeof(sys), path, sizeof(path));
		ret = save_file_section(out_fd, TK_RF_FORMAT, 0, path, sys);
		if (ret)
			return ret;
	}
	snprintf(path, sizeof(path), "%s/saved_cmdlines", t->dir);
	save_file_section(out_fd, TK_RF_CMDLINES, 0, path, NULL);
	snprintf(path, sizeof(path), "%s/saved_tgids", t->dir);
	save_file_section(out_fd, TK_RF_TGIDS, 0, path, NULL);
	for (i = 0; i < r->ncpus; i++) {
		struct tk_rec_cpu *c = &r->cpus[i];
		struct stat st;

		if (c->stats_text) {
			ret = tk_rf_write_section(out_fd, TK_RF_CPU_STATS, (uint32_t)i, c->stats_text,
						  strlen(c->stats_text));
			if (ret)
				return ret;
		}
		if (fstat(c->spool_fd, &st))
			return -errno;
		ret = tk_rf_write_section_header(out_fd, TK_RF_CPU_DATA, (uint32_t)i, (uint64_t)st.st_size);
		if (!ret)
			ret = copy_spool(out_fd, c->spool_fd, (uint64_t)st.st_size);
		if (ret)
			return ret;
	}
	return 0;
}

void tk_recorder_free(struct tk_recorder *r)
{
	int i;

	for (i = 0; i < r->ncpus && r->cpus; i++) {
		struct tk_rec_cpu *c = &r->cpus[i];

		if (c->tcpu)
			tracefs_cpu_free_fd(c->tcpu);
		if (c->raw_fd >= 0)
			close(c->raw_fd);
		if (c->spool_fd >= 0)
			close(c->spool_fd);
		free(c->stats_text);
	}
	free(r->cpus);
	r->cpus = NULL;
	r->ncpus = 0;
}

int tk_live_open(struct tk_live *l, struct tk_tfs *t)
{
	int i;

	memset(l, 0, sizeof(*l));
	l->subbuf_size = tk_tfs_subbuf_size(t);
	l->ncpus = tk_tfs_ncpus(t);
	if (l->ncpus < 0)
		return l->ncpus;
	l->fds = calloc((size_t)l->ncpus, sizeof(*l->fds));
	l->tcpu = calloc((size_t)l->ncpus, sizeof(*l->tcpu));
	l->buf = calloc((size_t)l->ncpus, sizeof(*l->buf));
	l->len = calloc((size_t)l->ncpus, sizeof(*l->len));
	l->cap = calloc((size_t)l->ncpus, sizeof(*l->cap));
	if (!l->fds || !l->tcpu || !l->buf || !l->len || !l->cap) {
		tk_live_close(l);
		return -ENOMEM;
	}
	for (i = 0; i < l->ncpus; i++)
		l->fds[i] = -1;
	for (i = 0; i < l->ncpus; i++) {
		int ret;

		l->fds[i] = open_raw(t, i);
		if (l->fds[i] < 0) {
			ret = -errno;
			snprintf(t->err, sizeof(t->err), "cannot open cpu%d trace_pipe_raw: %s", i, strerror(errno));
			tk_live_close(l);
			return ret;
		}
		l->tcpu[i] = tracefs_cpu_alloc_fd(l->fds[i], l->subbuf_size, true);
		if (!l->tcpu[i]) {
			tk_live_close(l);
			return -ENOMEM;
		}
	}
	return 0;
}

int tk_live_poll(struct tk_live *l, int timeout_ms)
{
	struct pollfd pfd[256];
	int i, n = l->ncpus < 256 ? l->ncpus : 256, total = 0;

	for (i = 0; i < n; i++) {
		pfd[i].fd = l->fds[i];
		pfd[i].events = POLLIN;
	}
	if (timeout_ms)
		poll(pfd, (nfds_t)n, timeout_ms);
	for (i = 0; i < l->ncpus; i++) {
		l->len[i] = 0;
		for (;;) {
			int r;

			if (l->cap[i] - l->len[i] < (size_t)l->subbuf_size) {
				size_t cap = l->cap[i] ? l->cap[i] * 2 : (size_t)l->subbuf_size * 16;
				uint8_t *b = realloc(l->buf[i], cap);

				if (!b)
					return -ENOMEM;
				l->buf[i] = b;
				l->cap[i] = cap;
			}
			r = tracefs_cpu_read(l->tcpu[i], l->buf[i] + l->len[i], true);
			if (r <= 0)
				break;
			/* keep whole sub-buffers: a short read is still one page for the decoder */
			if (r < l->subbuf_size)
				memset(l->buf[i] + l->len[i] + r, 0, (size_t)(l->subbuf_size - r));
			l->len[i] += (size_t)l->subbuf_size;
			total += r;
			if (l->len[i] >= (size_t)l->subbuf_size * 256)
				break;
		}
	}
	return total;
}

void tk_live_close(struct tk_live *l)
{
	int i;

	for (i = 0; i < l->ncpus; i++) {
		if (l->tcpu && l->tcpu[i])
			tracefs_cpu_free_fd(l->tcpu[i]);
		if (l->fds && l->fds[i] >= 0)
			close(l->fds[i]);
		if (l->buf)
			free(l->buf[i]);
	}
	free(l->fds);
	free(l->tcpu);
	free(l->buf);
	free(l->len);
	free(l->cap);
	memset(l, 0, sizeof(*l));
}

int tk_dec_load_instance(struct tk_dec *d, struct tk_tfs *t)
{
	char path[768], *text;
	size_t len;
	int i, ret, bad = 0;

	snprintf(path, sizeof(path), "%s/events/header_page", t->dir);
	text = tk_tfs_read_file(path, &len);
	if (!text)
		return -errno;
	ret = tk_dec_header_page(d, text, len);
	free(text);
	if (ret)
		return ret;
	for (i = 0; i < t->nenabled; i++) {
		char sys[256];

		tk_tfs_enabled_format(t, i, sys, sizeof(sys), path, sizeof(path));
		text = tk_tfs_read_file(path, &len);
		if (!text || tk_dec_add_format(d, sys, text, len))
			bad++;
		free(text);
	}
	return bad;
}
