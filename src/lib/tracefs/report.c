/* Opening recorded ftrace files for decoding (see report.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

#include "lib/tracefs/reader.h"
#include "lib/tracefs/report.h"


int tk_report_open(struct tk_report *rp, const void *buf, size_t len, char *why, size_t wlen)
{
	char v[64];
	int subbuf = 4096, lsize = 8, ret;
	size_t i;

	memset(rp, 0, sizeof(*rp));
	ret = tk_rf_parse(buf, len, &rp->rf);
	if (ret) {
		snprintf(why, wlen, "%s", ret == -EINVAL ? "not a tracekit ftrace file" :
			 ret == -EPROTO ? "truncated or corrupt file" : strerror(-ret));
		return ret;
	}
	if (!tk_rf_meta(&rp->rf, "subbuf_size", v, sizeof(v)))
		subbuf = atoi(v);
	if (!tk_rf_meta(&rp->rf, "long_size", v, sizeof(v)))
		lsize = atoi(v);
	ret = tk_dec_init(&rp->d, subbuf, lsize);
	if (ret) {
		snprintf(why, wlen, "bad sub-buffer or long size in the file");
		tk_rf_free(&rp->rf);
		return ret;
	}
	rp->its = calloc(rp->rf.nsecs ? rp->rf.nsecs : 1, sizeof(*rp->its));
	if (!rp->its) {
		snprintf(why, wlen, "out of memory");
		return -ENOMEM;
	}
	for (i = 0; i < rp->rf.nsecs; i++) {
		const struct tk_rf_section *s = &rp->rf.secs[i];
		const char *text = (const char *)s->data;

		switch (s->type) {
		case TK_RF_HEADER_PAGE:
			if (tk_dec_header_page(&rp->d, text, s->len)) {
				snprintf(why, wlen, "bad header_page");
				return -EPROTO;
			}
			break;
		case TK_RF_FORMAT: {
			const char *nul = memchr(text, 0, s->len);

			if (!nul || tk_dec_add_format(&rp->d, text, nul + 1, s->len - (size_t)(nul + 1 - text))) {
				snprintf(why, wlen, "bad event format in section %zu", i);
				return -EPROTO;
			}
			break;
		}
		case TK_RF_CMDLINES:
			tk_dec_add_cmdlines(&rp->d, text, s->len);
			break;
		case TK_RF_TGIDS:
			tk_dec_set_tgids(&rp->d, text, s->len);
			break;
		case TK_RF_CPU_DATA:
			if (tk_cpu_iter_init(&rp->its[rp->nits], &rp->d, (int)s->cpu, s->data, s->len)) {
				snprintf(why, wlen, "out of memory");
				return -ENOMEM;
			}
			rp->nits++;
			break;
		}
	}
	return 0;
}

void tk_report_close(struct tk_report *rp)
{
	int i;

	for (i = 0; i < rp->nits; i++)
		tk_cpu_iter_free(&rp->its[i]);
	free(rp->its);
	tk_dec_free(&rp->d);
	tk_rf_free(&rp->rf);
}

/* Per-CPU stats lines (# comments in text; objects in JSON). */
void tk_report_stats(struct tk_report *rp, struct json_writer *w, struct strbuf *sb)
{
	size_t i;
	int k;

	for (i = 0; i < rp->rf.nsecs; i++) {
		const struct tk_rf_section *s = &rp->rf.secs[i];
		struct tk_cpu_stats st = { 0 };
		char *text;
		uint64_t missed = 0, bad = 0, events = 0;

		if (s->type != TK_RF_CPU_STATS)
			continue;
		text = strndup((const char *)s->data, s->len);
		if (!text)
			continue;
		tk_cpu_stats_parse(text, &st);
		free(text);
		for (k = 0; k < rp->nits; k++)
			if (rp->its[k].cpu == (int)s->cpu) {
				missed += rp->its[k].missed;
				bad += rp->its[k].bad_pages;
				events += rp->its[k].events;
			}
		if (w) {
			json_obj_begin(w);
			json_kuint(w, "cpu", s->cpu);
			json_kuint(w, "events", events);
			json_kuint(w, "overrun", st.overrun);
			json_kuint(w, "dropped", st.dropped);
			json_kuint(w, "commit_overrun", st.commit_overrun);
			json_kuint(w, "missed", missed);
			json_kuint(w, "corrupt_pages", bad);
			json_obj_end(w);
		} else {
			sb_addf(sb, "# cpu%u: events %llu, overrun %llu, dropped %llu, commit overrun %llu, missed %llu%s\n",
				s->cpu, (unsigned long long)events, (unsigned long long)st.overrun,
				(unsigned long long)st.dropped, (unsigned long long)st.commit_overrun,
				(unsigned long long)missed, bad ? ", CORRUPT PAGES SKIPPED" : "");
		}
	}
}

