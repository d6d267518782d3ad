/*
 * Histograms over a profile, as perf report builds them: rows keyed by the chosen sort keys
 * (comm, pid, dso, sym), each with the period and sample count of the samples whose leaf frame
 * falls in it ("self") and, with call chains, of the samples with the row anywhere on their stack
 * ("children", each sample counted once per row).
 */
#ifndef TK_PERF_HIST_H
#define TK_PERF_HIST_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/perf/profile.h"

enum tk_sort_key { TK_SORT_COMM, TK_SORT_PID, TK_SORT_DSO, TK_SORT_SYM };
#define TK_SORT_MAX 4

struct tk_hist_row {
	uint32_t comm;		/* index into profile comms (when sorted by comm) */
	uint32_t pid;
	uint32_t sym;		/* index into profile syms (its dso too) */
	uint64_t self_period, self_samples;
	uint64_t children_period, children_samples;
};

struct tk_hist {
	enum tk_sort_key keys[TK_SORT_MAX];
	int nkeys;
	bool children;
	struct tk_hist_row *rows;
	size_t nrows;
	uint64_t total_period, total_samples;
	void *priv;
};

/* Parse "comm,dso,sym" (also "symbol", "pid"). 0 or -EINVAL naming the bad key in bad. */
int tk_sort_parse(const char *spec, enum tk_sort_key *keys, int *nkeys, char *bad, size_t badlen);

/*
 * Build the histogram of one event's samples (event -1: all). Rows are sorted by children (when
 * children) else self period, descending; ties by name so output is stable.
 */
int tk_hist_build(struct tk_hist *h, const struct tk_profile *p, int event, const enum tk_sort_key *keys,
		  int nkeys, bool children);
void tk_hist_free(struct tk_hist *h);

/* The text of one key column of a row: "[.] name" for sym, the dso short name, the comm, the pid. */
const char *tk_hist_col(const struct tk_hist_row *r, const struct tk_profile *p, enum tk_sort_key k, char *buf,
			size_t len);
const char *tk_sort_key_name(enum tk_sort_key k);

#endif
