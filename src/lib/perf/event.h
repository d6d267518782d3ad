/*
 * perf_event_open in tracekit: event names <-> attrs (perf's spelling: cpu-clock, cycles,
 * L1-dcache-load-misses, sched:sched_switch, rNNN, with :u/:k modifiers), opening counters, and the
 * per-CPU mmap ring reader.
 */
#ifndef TK_PERF_EVENT_H
#define TK_PERF_EVENT_H
#include <linux/perf_event.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * Parse an event spec into attr (type, config, exclude_* only; the caller sets the rest).
 * 0, or -EINVAL / -ENOENT with a one-line reason in err (with a "did you mean" when close).
 */
int tk_perf_event_parse(const char *spec, struct perf_event_attr *attr, char *err, size_t errlen);
/* perf's name for an attr's event ("cpu-clock", "sched:sched_switch", "r1a2"). */
const char *tk_perf_event_name(const struct perf_event_attr *a, char *buf, size_t len);

/* perf_event_open(2) with O_CLOEXEC: an fd or -errno. */
int tk_perf_open(struct perf_event_attr *a, pid_t pid, int cpu, int group_fd);
/*
 * Can this process count (type, config) on itself, user space only? Opens and closes a disabled
 * counter: 0, or -errno (-ENOENT where the PMU lacks the event, as with no hardware PMU).
 */
int tk_perf_try_open(uint32_t type, uint64_t config);

/* Online CPUs (from /sys/devices/system/cpu/online) into cpus[]; their number or -errno. */
int tk_perf_online_cpus(int *cpus, int max);

enum tk_perf_kind { TK_EV_SOFTWARE, TK_EV_HARDWARE, TK_EV_CACHE, TK_EV_TRACEPOINT };
const char *tk_perf_kind_name(enum tk_perf_kind k);

/*
 * Every event this machine names: software, hardware and cache events (with whether a counter for
 * each can actually be opened here), then every tracepoint under tracefs. cb returns nonzero to stop.
 */
typedef int (*tk_perf_list_cb)(void *ctx, const char *name, enum tk_perf_kind kind, bool supported);
int tk_perf_list_events(tk_perf_list_cb cb, void *ctx);

/*
 * The mmap ring of one sampling fd: 1 metadata page + 2^n data pages. The reader copies records that
 * wrap around the end into a bounce buffer so callers always see one contiguous record.
 */
struct tk_perf_ring {
	int fd;
	int cpu;
	void *base;
	size_t mmap_len;
	uint64_t data_size;
	uint8_t *bounce;
};

int tk_perf_ring_open(struct tk_perf_ring *r, int fd, int cpu, size_t data_pages);
/* Hand every complete record to cb, then free the space. Returns the number of records or -errno. */
typedef int (*tk_perf_record_cb)(void *ctx, const struct perf_event_header *h, int cpu);
int tk_perf_ring_drain(struct tk_perf_ring *r, tk_perf_record_cb cb, void *ctx);
void tk_perf_ring_close(struct tk_perf_ring *r);

#endif
