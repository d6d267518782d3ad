/*
 * perf.data -> stack model, straight from the perf.data reader and symbolizer (src/lib/perf/profile.h):
 * no perf script text in between. Frames are named as `perf script | stackcollapse-perf.pl` names
 * them, so both paths give the same graph: the process name as root, then the stack root first,
 * unresolved frames as "[dso basename]", the sample period as the count.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/perf/profile.h"
#include "lib/stack/perfdata.h"

static bool event_matches(const char *have, const char *want)
{
	size_t n = strlen(want);

	/* "cpu-clock" matches perf's "cpu-clock:ppp" (modifiers) */
	return !strcmp(have, want) || (!strncmp(have, want, n) && have[n] == ':');
}

static const char *base(const char *path)
{
	const char *s = strrchr(path, '/');

	return s && s[1] ? s + 1 : path;
}

static int64_t sym_frame(struct tk_stacks *dst, const struct tk_profile *p, uint32_t sym, int64_t *cache)
{
	const struct tk_psym *s = &p->syms[sym];
	unsigned flags = 0;
	char buf[512];
	const char *name = s->name;

	if (cache[sym] >= 0)
		return cache[sym];
	if (s->kernel)
		flags |= TK_FRAME_KERNEL;
	if (!strcmp(s->dso, "[JIT]"))
		flags |= TK_FRAME_JIT;
	if (!s->resolved) {
		flags |= TK_FRAME_UNKNOWN;
		if (strcmp(s->dso, "[unknown]"))
			snprintf(buf, sizeof(buf), "[%s]", base(s->dso));
		else
			snprintf(buf, sizeof(buf), "[unknown]");
		name = buf;
	}
	cache[sym] = tk_stacks_intern(dst, name, strlen(name), flags);
	return cache[sym];
}

int tk_profile_to_stacks(struct tk_stacks *dst, const struct tk_profile *p, int slot, const struct tk_perfdata_opts *o,
			 struct tk_parse_stats *st)
{
	int64_t *cache, *comm_cache;
	uint32_t *ids = NULL;
	size_t cap = 0, i;
	int event = 0, r = 0;

	if (o && o->event) {
		for (event = 0; event < (int)p->nevents; event++)
			if (event_matches(p->events[event], o->event))
				break;
		if (event == (int)p->nevents)
			return -ENOENT;
	}
	if (st && p->nevents)
		snprintf(st->event, sizeof(st->event), "%s", p->events[event]);
	cache = malloc((p->nsyms + 1) * sizeof(*cache));
	comm_cache = malloc((p->ncomms + 1) * sizeof(*comm_cache));
	if (!cache || !comm_cache) {
		free(cache);
		free(comm_cache);
		return -ENOMEM;
	}
	memset(cache, 0xff, (p->nsyms + 1) * sizeof(*cache));
	memset(comm_cache, 0xff, (p->ncomms + 1) * sizeof(*comm_cache));
	for (i = 0; i < p->nsamples && !r; i++) {
		const struct tk_psample *s = &p->samples[i];
		const uint32_t *fr = tk_psample_frames(p, s);
		int64_t id;
		uint32_t k;

		if ((int)s->event != event) {
			if (st) {
				st->filtered++;
				snprintf(st->other_event, sizeof(st->other_event), "%s", p->events[s->event]);
			}
			continue;
		}
		if (s->nframes + 1 > cap) {
			uint32_t *n = realloc(ids, (s->nframes + 1) * sizeof(*n));
			if (!n) {
				r = -ENOMEM;
				break;
			}
			ids = n;
			cap = s->nframes + 1;
		}
		if (o && (o->pid || o->tid)) {
			char root[256];
			if (o->tid)
				snprintf(root, sizeof(root), "%s-%u/%u", p->comms[s->comm], s->pid, s->tid);
			else
				snprintf(root, sizeof(root), "%s-%u", p->comms[s->comm], s->pid);
			id = tk_stacks_intern(dst, root, strlen(root), 0);
		} else {
			if (comm_cache[s->comm] < 0)
				comm_cache[s->comm] =
					tk_stacks_intern(dst, p->comms[s->comm], strlen(p->comms[s->comm]), 0);
			id = comm_cache[s->comm];
		}
		if (id < 0) {
			r = (int)id;
			break;
		}
		ids[0] = (uint32_t)id;
		for (k = 0; k < s->nframes; k++) {
			id = sym_frame(dst, p, fr[s->nframes - 1 - k], cache);
			if (id < 0) {
				r = (int)id;
				break;
			}
			ids[k + 1] = (uint32_t)id;
		}
		if (!r)
			r = tk_stacks_add_ids_slot(dst, slot, ids, s->nframes + 1, s->period);
		if (st)
			st->samples++;
	}
	free(ids);
	free(cache);
	free(comm_cache);
	return r;
}

int tk_stacks_from_perfdata(struct tk_stacks *dst, const char *path, const struct tk_perfdata_opts *o,
			    struct tk_parse_stats *st)
{
	struct tk_profile p;
	int r = tk_profile_load(&p, path);

	if (r) {
		if (o && o->err)
			snprintf(o->err, o->errlen, "%s", p.err);
		tk_profile_free(&p);
		return r;
	}
	r = tk_profile_to_stacks(dst, &p, o ? o->slot : 0, o, st);
	if (r == -ENOENT && o && o->err)
		snprintf(o->err, o->errlen, "no event '%s' in the file", o->event);
	tk_profile_free(&p);
	return r;
}
