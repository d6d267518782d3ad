/*
 * An HDR-style (log-linear) histogram of non-negative 64-bit values, header-only for demo/load.c
 * and its unit test. Values below 2 * HDR_SUB are counted exactly; above, each power-of-two range
 * [2^k, 2^(k+1)) is cut into HDR_SUB equal buckets, so a bucket is at most 1/HDR_SUB of its lower
 * bound wide. A percentile is reported as the bucket's midpoint (clamped to the exact min and
 * max), which puts it within 1 / (2 * HDR_SUB) = 0.39% of the true sample value: under the 1%
 * the load generator promises. Written here rather than linking HdrHistogram_c, which Debian does
 * not package.
 */
#ifndef DEMO_HDR_H
#define DEMO_HDR_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define HDR_SUB_BITS 7
#define HDR_SUB (1u << HDR_SUB_BITS)
/* values up to 2^HDR_MAX_BITS - 1 (about 73 minutes in ns); larger ones are clamped */
#define HDR_MAX_BITS 42
#define HDR_NBUCKETS (2 * HDR_SUB + (HDR_MAX_BITS - HDR_SUB_BITS - 1) * HDR_SUB)

struct hdr {
	uint64_t count;
	uint64_t min, max;
	double sum;
	uint64_t buckets[HDR_NBUCKETS];
};

static inline void hdr_init(struct hdr *h)
{
	memset(h, 0, sizeof(*h));
	h->min = UINT64_MAX;
}

static inline unsigned hdr_index(uint64_t v)
{
	unsigned msb, shift;

	if (v >= (1ull << HDR_MAX_BITS))
		v = (1ull << HDR_MAX_BITS) - 1;
	if (v < 2 * HDR_SUB)
		return (unsigned)v;
	msb = 63 - (unsigned)__builtin_clzll(v);
	shift = msb - HDR_SUB_BITS;
	return 2 * HDR_SUB + (shift - 1) * HDR_SUB + (unsigned)((v >> shift) - HDR_SUB);
}

/* The bucket's value range [lo, hi]. */
static inline void hdr_bucket_range(unsigned idx, uint64_t *lo, uint64_t *hi)
{
	unsigned shift;
	uint64_t mant;

	if (idx < 2 * HDR_SUB) {
		*lo = *hi = idx;
		return;
	}
	shift = (idx - 2 * HDR_SUB) / HDR_SUB + 1;
	mant = HDR_SUB + (idx - 2 * HDR_SUB) % HDR_SUB;
	*lo = mant << shift;
	*hi = *lo + (1ull << shift) - 1;
}

static inline void hdr_record(struct hdr *h, uint64_t v)
{
	h->buckets[hdr_index(v)]++;
	h->count++;
	h->sum += (double)v;
	if (v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
}

static inline void hdr_merge(struct hdr *dst, const struct hdr *src)
{
	unsigned i;

	for (i = 0; i < HDR_NBUCKETS; i++)
		dst->buckets[i] += src->buckets[i];
	dst->count += src->count;
	dst->sum += src->sum;
	if (src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
}

/*
 * The value at percentile p (0 < p <= 100): the smallest recorded value with at least p% of the
 * samples at or below it, to within the bucket precision. 0 for an empty histogram.
 */
static inline uint64_t hdr_percentile(const struct hdr *h, double p)
{
	uint64_t rank, seen = 0, lo, hi, mid;
	unsigned i;

	if (!h->count)
		return 0;
	if (p >= 100)
		return h->max;
	rank = (uint64_t)(p / 100.0 * (double)h->count + 0.999999999);
	if (rank < 1)
		rank = 1;
	for (i = 0; i < HDR_NBUCKETS; i++) {
		seen += h->buckets[i];
		if (seen >= rank)
			break;
	}
	if (i == HDR_NBUCKETS)
		return h->max;
	hdr_bucket_range(i, &lo, &hi);
	mid = lo + (hi - lo) / 2;
	if (mid < h->min)
		mid = h->min;
	if (mid > h->max)
		mid = h->max;
	return mid;
}

static inline double hdr_mean(const struct hdr *h)
{
	return h->count ? h->sum / (double)h->count : 0;
}

#endif
