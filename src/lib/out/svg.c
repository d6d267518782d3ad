/*
 * The SVG flame graph: one self-contained file (style and script inline, nothing fetched) that a
 * browser opens even for a huge profile, because frames narrower than minwidth pixels are merged
 * into one "[N frames merged]" box per parent instead of each becoming an element.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lib/out/flame.h"
#include "lib/util/strbuf.h"
#include "lib/out/svg_js.h"
#include "lib/out/tree.h"

#define XPAD 10
#define FONTSIZE 12

struct svg {
	const struct tk_stacks *s;
	const struct tk_flame_opts *o;
	FILE *f;
	struct tk_tree t;
	uint64_t total;		/* width basis: the root's count */
	double scale;		/* px per sample */
	uint32_t maxdepth;
	uint64_t maxdelta;
	unsigned height, ypad1, ypad2;
	uint64_t rng;
	struct strbuf sb;	/* frames on their way to f */
	char *countname;	/* o->countname as XML */
	size_t countname_len;
};

static uint64_t width_of(const struct svg *g, const struct tk_tree_node *n)
{
	return g->o->diff ? n->v[1] : n->v[0];
}

/*
 * The frames are written straight into g->sb's buffer: emit() reserves the most one frame can take
 * and the helpers below write through a cursor, one call per frame instead of one per piece (the
 * strbuf calls, strlen and snprintf per piece cost more than everything else in a render).
 */
#define PUT_LIT(o, lit) (memcpy((o), (lit), sizeof(lit) - 1), (o) += sizeof(lit) - 1)

/* 1234567 -> "1,234,567" */
static char *put_count(char *o, uint64_t v)
{
	char tmp[24];
	size_t n = (size_t)(tk_put_u64(tmp, v) - tmp), i;

	for (i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			*o++ = ',';
		*o++ = tmp[i];
	}
	return o;
}

/* v with `dec` decimals (1 or 2), as printf's %.Nf would write it for the values drawn here */
static char *put_fixed(char *o, double v, int dec)
{
	uint64_t scale = dec == 1 ? 10 : 100, q;

	if (v < 0) {
		*o++ = '-';
		v = -v;
	}
	q = (uint64_t)llround(v * (double)scale);
	o = tk_put_u64(o, q / scale);
	*o++ = '.';
	if (dec == 2 && q % scale < 10)
		*o++ = '0';
	return tk_put_u64(o, q % scale);
}

/* The most put_xml writes for n bytes ("&quot;" for '"'). */
#define XML_MAX(n) (6 * (n))

/* XML text: escape markup; bytes that are not valid UTF-8 or are control characters become '?'. */
static char *put_xml(char *o, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0;

	while (i < n) {
		unsigned char c = p[i];
		size_t len = 0, k;
		const char *rep = NULL;

		if (c >= 0x20 && c < 0x80 && c != '&' && c != '<' && c != '>' && c != '"') {
			i++;
			continue;
		}
		if (c < 0x80) {
			rep = c == '&' ? "&amp;" : c == '<' ? "&lt;" : c == '>' ? "&gt;" : c == '"' ? "&quot;"
			      : c == '\t' ? "\t" : "?";
		} else {
			if (c >= 0xc2 && c <= 0xdf)
				len = 2;
			else if (c >= 0xe0 && c <= 0xef)
				len = 3;
			else if (c >= 0xf0 && c <= 0xf4)
				len = 4;
			for (k = 1; len && k < len; k++)
				if (i + k >= n || (p[i + k] & 0xc0) != 0x80)
					len = 0;
			/* overlongs and surrogates: E0 needs A0.., ED needs ..9F, F0 needs 90.., F4 needs ..8F */
			if (len == 3 && ((c == 0xe0 && p[i + 1] < 0xa0) || (c == 0xed && p[i + 1] > 0x9f)))
				len = 0;
			if (len == 4 && ((c == 0xf0 && p[i + 1] < 0x90) || (c == 0xf4 && p[i + 1] > 0x8f)))
				len = 0;
			if (len) {
				i += len;
				continue;
			}
			rep = "?";
		}
		memcpy(o, s + run, i - run);
		o += i - run;
		k = strlen(rep);
		memcpy(o, rep, k);
		o += k;
		i++;
		run = i;
	}
	memcpy(o, s + run, n - run);
	return o + (n - run);
}

static void put_xml_file(FILE *f, const char *s)
{
	size_t n = strlen(s);
	char *buf = malloc(XML_MAX(n) + 1);

	if (!buf)
		return;
	fwrite(buf, 1, (size_t)(put_xml(buf, s, n) - buf), f);
	free(buf);
}

static double rnd(struct svg *g)
{
	g->rng ^= g->rng << 13;
	g->rng ^= g->rng >> 7;
	g->rng ^= g->rng << 17;
	return (double)(g->rng >> 11) / (double)(1ULL << 53);
}

static bool has(const char *n, size_t len, const char *sub)
{
	return memmem(n, len, sub, strlen(sub)) != NULL;
}

static bool ends(const char *n, size_t len, const char *sfx)
{
	size_t l = strlen(sfx);

	return len >= l && !memcmp(n + len - l, sfx, l);
}

static bool starts(const char *n, size_t len, const char *pfx)
{
	size_t l = strlen(pfx);

	return len >= l && !memcmp(n, pfx, l);
}

/* Which base colour a language palette picks for a frame (flamegraph.pl's conventions). */
static int lang_colour(int pal, const char *n, size_t len, unsigned flags)
{
	bool k = ends(n, len, "_[k]") || (flags & TK_FRAME_KERNEL);
	bool j = ends(n, len, "_[j]") || (flags & TK_FRAME_JIT);
	bool in = ends(n, len, "_[i]") || (flags & TK_FRAME_INLINED);

	switch (pal) {
	case TK_PAL_JAVA:
		if (j)
			return TK_PAL_GREEN;
		if (in)
			return TK_PAL_AQUA;
		if (k)
			return TK_PAL_ORANGE;
		if (starts(n, len, "java/") || starts(n, len, "javax/") || starts(n, len, "jdk/") ||
		    starts(n, len, "org/") || starts(n, len, "com/") || starts(n, len, "io/") ||
		    starts(n, len, "sun/") || starts(n, len, "net/") || has(n, len, "/"))
			return TK_PAL_GREEN;
		if (has(n, len, "::"))
			return TK_PAL_YELLOW;
		return TK_PAL_RED;
	case TK_PAL_JS:
		if (j || (has(n, len, "/") && !k))
			return TK_PAL_GREEN;
		if (in)
			return TK_PAL_AQUA;
		if (k)
			return TK_PAL_ORANGE;
		if (has(n, len, "::"))
			return TK_PAL_YELLOW;
		return TK_PAL_RED;
	case TK_PAL_PERL:
		if (k)
			return TK_PAL_ORANGE;
		if (has(n, len, "Perl") || has(n, len, ".pl"))
			return TK_PAL_GREEN;
		if (has(n, len, "::"))
			return TK_PAL_YELLOW;
		return TK_PAL_RED;
	case TK_PAL_PYTHON:
		if (k)
			return TK_PAL_ORANGE;
		if (has(n, len, ".py") || has(n, len, "<module>"))
			return TK_PAL_GREEN;
		return TK_PAL_RED;
	case TK_PAL_RUST:
		if (k)
			return TK_PAL_ORANGE;
		if (starts(n, len, "core::") || starts(n, len, "std::") || starts(n, len, "alloc::") ||
		    starts(n, len, "<core::") || starts(n, len, "<std::") || starts(n, len, "<alloc::"))
			return TK_PAL_YELLOW;
		if (has(n, len, "::"))
			return TK_PAL_AQUA;
		return TK_PAL_RED;
	}
	return pal;
}

static void colour(struct svg *g, const struct tk_tree_node *n, int rgb[3])
{
	const char *name = n->frame == TK_TREE_NONE ? "all" : tk_stacks_frame_name(g->s, n->frame);
	size_t len = strlen(name);
	unsigned flags = n->frame == TK_TREE_NONE ? 0 : tk_stacks_frame_flags(g->s, n->frame);
	double v1, v2, v3;
	int r, gr, b, pal;

	if (g->o->diff) {
		int64_t delta = (int64_t)(n->v[1] - n->v[0]);
		uint64_t ad = delta < 0 ? (uint64_t)-delta : (uint64_t)delta;
		int c = g->maxdelta ? (int)(210.0 * (double)(g->maxdelta - ad) / (double)g->maxdelta) : 210;

		if (g->o->negate)
			delta = -delta;
		if (delta > 0)
			rgb[0] = 255, rgb[1] = c, rgb[2] = c;
		else if (delta < 0)
			rgb[0] = c, rgb[1] = c, rgb[2] = 255;
		else
			rgb[0] = rgb[1] = rgb[2] = 250;
		return;
	}
	if (g->o->hash) {
		/* the name decides, so one function keeps its colour across graphs */
		uint64_t h = 1469598103934665603ULL;
		size_t i;

		for (i = 0; i < len; i++)
			h = (h ^ (unsigned char)name[i]) * 1099511628211ULL;
		v1 = (double)(h & 0xffff) / 65535.0;
		v2 = (double)((h >> 16) & 0xffff) / 65535.0;
		v3 = (double)((h >> 32) & 0xffff) / 65535.0;
	} else {
		v1 = rnd(g);
		v2 = rnd(g);
		v3 = rnd(g);
	}
	pal = lang_colour(g->o->palette, name, len, flags);
	switch (pal) {
	case TK_PAL_MEM:
		r = 0, gr = 190 + (int)(50 * v2), b = (int)(210 * v1);
		break;
	case TK_PAL_IO:
		r = 80 + (int)(60 * v1), gr = r, b = 190 + (int)(55 * v2);
		break;
	case TK_PAL_RED:
		r = 200 + (int)(55 * v1), gr = 50 + (int)(80 * v1), b = gr;
		break;
	case TK_PAL_GREEN:
		r = 50 + (int)(60 * v1), gr = 200 + (int)(55 * v1), b = r;
		break;
	case TK_PAL_BLUE:
		r = 80 + (int)(60 * v1), gr = r, b = 205 + (int)(50 * v1);
		break;
	case TK_PAL_AQUA:
		r = 50 + (int)(60 * v1), gr = 165 + (int)(55 * v1), b = gr;
		break;
	case TK_PAL_YELLOW:
		r = 175 + (int)(55 * v1), gr = r, b = 50 + (int)(20 * v1);
		break;
	case TK_PAL_PURPLE:
		r = 190 + (int)(65 * v1), gr = 80 + (int)(60 * v1), b = r;
		break;
	case TK_PAL_ORANGE:
		r = 190 + (int)(65 * v1), gr = 90 + (int)(65 * v1), b = 0;
		break;
	default: /* hot */
		r = 205 + (int)(50 * v3), gr = (int)(230 * v1), b = (int)(55 * v2);
		break;
	}
	rgb[0] = r;
	rgb[1] = gr;
	rgb[2] = b;
}

static double y_of(const struct svg *g, uint32_t depth)
{
	if (g->o->inverted)
		return g->ypad1 + (double)depth * g->o->frame_height;
	return g->height - g->ypad2 - (double)(depth + 1) * g->o->frame_height;
}

/* One frame element, appended to g->sb. merged > 0: the synthetic box for that many narrow siblings. */
static void emit(struct svg *g, const struct tk_tree_node *n, uint32_t depth, uint64_t x, uint64_t w,
		 unsigned merged)
{
	struct strbuf *sb = &g->sb;
	const char *name = merged ? NULL : n->frame == TK_TREE_NONE ? "all" : tk_stacks_frame_name(g->s, n->frame);
	size_t len = name ? (n->frame == TK_TREE_NONE ? 3 : tk_stacks_frame_len(g->s, n->frame)) : 0;
	char mname[64], *o;
	double px = XPAD + (double)x * g->scale, pw = (double)w * g->scale, y = y_of(g, depth);
	double pct = g->total ? 100.0 * (double)w / (double)g->total : 0;
	int rgb[3] = { 200, 200, 200 }, k;
	size_t chars;

	if (merged) {
		o = mname;
		PUT_LIT(o, "[");
		o = tk_put_u64(o, merged);
		PUT_LIT(o, " frames merged]");
		name = mname;
		len = (size_t)(o - mname);
	} else {
		colour(g, n, rgb);
	}
	/* the fixed text, at most 20 numbers of at most 24 bytes each, the name twice, the count name */
	if (sb_grow(sb, 512 + 20 * 24 + 2 * XML_MAX(len) + g->countname_len))
		return;
	o = sb->buf + sb->len;
	PUT_LIT(o, "<g data-x=\"");
	o = tk_put_u64(o, x);
	PUT_LIT(o, "\" data-w=\"");
	o = tk_put_u64(o, w);
	if (merged)
		PUT_LIT(o, "\" data-merged=\"1\"><title>");
	else
		PUT_LIT(o, "\"><title>");
	o = put_xml(o, name, len);
	PUT_LIT(o, " (");
	o = put_count(o, w);
	*o++ = ' ';
	memcpy(o, g->countname, g->countname_len);
	o += g->countname_len;
	PUT_LIT(o, ", ");
	o = put_fixed(o, pct, 2);
	*o++ = '%';
	if (g->o->diff && !merged) {
		int64_t d = (int64_t)(n->v[1] - n->v[0]);

		if (d >= 0)
			PUT_LIT(o, "; +");
		else
			PUT_LIT(o, "; -");
		o = tk_put_u64(o, d >= 0 ? (uint64_t)d : (uint64_t)-d);
		if (n->v[0]) {
			if (d >= 0)
				PUT_LIT(o, ", +");
			else
				PUT_LIT(o, ", ");
			o = put_fixed(o, 100.0 * (double)d / (double)n->v[0], 2);
			*o++ = '%';
		}
	}
	PUT_LIT(o, ")</title><rect x=\"");
	o = put_fixed(o, px, 2);
	PUT_LIT(o, "\" y=\"");
	o = put_fixed(o, y, 1);
	PUT_LIT(o, "\" width=\"");
	o = put_fixed(o, pw, 2);
	PUT_LIT(o, "\" height=\"");
	o = tk_put_u64(o, g->o->frame_height - 1);
	PUT_LIT(o, "\" fill=\"rgb(");
	for (k = 0; k < 3; k++) {
		if (k)
			*o++ = ',';
		o = tk_put_u64(o, (uint64_t)rgb[k]);
	}
	PUT_LIT(o, ")\" rx=\"2\" ry=\"2\"/><text x=\"");
	o = put_fixed(o, px + 3, 2);
	PUT_LIT(o, "\" y=\"");
	o = put_fixed(o, y + g->o->frame_height - 4.5, 1);
	PUT_LIT(o, "\">");
	chars = (size_t)(pw / (FONTSIZE * 0.59));
	if (chars >= 3) {
		if (len <= chars) {
			o = put_xml(o, name, len);
		} else {
			size_t cut = chars - 2;

			/* do not cut a UTF-8 sequence in two */
			while (cut > 0 && ((unsigned char)name[cut] & 0xc0) == 0x80)
				cut--;
			o = put_xml(o, name, cut);
			PUT_LIT(o, "..");
		}
	}
	PUT_LIT(o, "</text></g>\n");
	sb->len = (size_t)(o - sb->buf);
	sb->buf[sb->len] = 0;
	if (sb->len >= (1u << 16)) {
		fwrite(sb->buf, 1, sb->len, g->f);
		sb_reset(sb);
	}
}

/*
 * What will be drawn: every frame at least minwidth wide (widths only shrink going up a stack, so
 * that is all of them) and, under each, one box for its narrower children when that box is wide
 * enough. Measured in one pass over the nodes in storage order: the depth of the picture and the
 * largest change of a differential graph.
 */
static void measure(struct svg *g)
{
	double minw = g->o->minwidth;
	size_t i;

	g->maxdepth = 0;
	g->maxdelta = 0;
	for (i = 0; i < g->t.len; i++) {
		const struct tk_tree_node *n = &g->t.n[i];
		uint64_t w = width_of(g, n), merged_w = 0;
		unsigned merged = 0;
		uint32_t c;

		if (i && (!w || (double)w * g->scale < minw))
			continue;
		if (n->depth > g->maxdepth)
			g->maxdepth = n->depth;
		if (g->o->diff && i) {
			uint64_t d = n->v[1] > n->v[0] ? n->v[1] - n->v[0] : n->v[0] - n->v[1];

			if (d > g->maxdelta)
				g->maxdelta = d;
		}
		for (c = n->first; c < n->first + n->nkids; c++) {
			uint64_t cw = width_of(g, &g->t.n[c]);

			if ((double)cw * g->scale < minw || !cw) {
				merged_w += cw;
				merged += cw ? 1 : 0;
			}
		}
		if (merged && (double)merged_w * g->scale >= minw && merged_w && n->depth + 1 > g->maxdepth)
			g->maxdepth = n->depth + 1;
	}
}

struct work {
	uint32_t node;
	uint64_t x;
};

/* Draw what measure() measured, depth first, each parent's children pushed in order. */
static int draw(struct svg *g)
{
	struct work *stk = NULL;
	size_t sp = 0, cap = 256;
	double minw = g->o->minwidth;

	stk = malloc(cap * sizeof(*stk));
	if (!stk)
		return -ENOMEM;
	stk[sp++] = (struct work){ 0, 0 };
	while (sp) {
		struct work wk = stk[--sp];
		const struct tk_tree_node *n = &g->t.n[wk.node];
		uint64_t cur = wk.x, merged_w = 0;
		unsigned merged = 0;
		uint32_t c;

		emit(g, n, n->depth, wk.x, width_of(g, n), 0);
		for (c = n->first; c < n->first + n->nkids; c++) {
			uint64_t w = width_of(g, &g->t.n[c]);

			if ((double)w * g->scale < minw || !w) {
				merged_w += w;
				merged += w ? 1 : 0;
				continue;
			}
			if (sp == cap) {
				struct work *q = realloc(stk, cap * 2 * sizeof(*stk));

				if (!q) {
					free(stk);
					return -ENOMEM;
				}
				stk = q;
				cap *= 2;
			}
			stk[sp++] = (struct work){ c, cur };
			cur += w;
		}
		if (merged && (double)merged_w * g->scale >= minw && merged_w)
			emit(g, n, n->depth + 1, cur, merged_w, merged);
	}
	free(stk);
	return 0;
}

int tk_write_svg(const struct tk_stacks *s, FILE *f, const struct tk_flame_opts *o)
{
	struct svg g = { .s = s, .o = o, .f = f, .rng = 0x2545f4914f6cdd1dULL };
	const char *title = o->title ? o->title : o->inverted ? "Icicle Graph" : o->flamechart ? "Flame Chart"
							       : o->diff ? "Differential Flame Graph" : "Flame Graph";
	unsigned w = o->width ? o->width : 1200;
	int err;

	g.countname = malloc(XML_MAX(strlen(o->countname)) + 1);
	if (!g.countname)
		return -ENOMEM;
	g.countname_len = (size_t)(put_xml(g.countname, o->countname, strlen(o->countname)) - g.countname);
	err = tk_tree_build(&g.t, s, o->reverse, o->flamechart);
	if (err) {
		tk_tree_release(&g.t);
		free(g.countname);
		return err;
	}
	g.total = width_of(&g, &g.t.n[0]);
	g.scale = g.total ? (double)(w - 2 * XPAD) / (double)g.total : 0;
	g.ypad1 = FONTSIZE * 3 + (o->subtitle ? FONTSIZE * 2 : 0);
	g.ypad2 = FONTSIZE * 2 + 10;
	measure(&g);
	g.height = g.ypad1 + g.ypad2 + (g.maxdepth + 1) * o->frame_height;

	fprintf(f, "<?xml version=\"1.0\" standalone=\"no\"?>\n"
		   "<svg version=\"1.1\" width=\"%u\" height=\"%u\" onload=\"init(evt)\" viewBox=\"0 0 %u %u\" "
		   "xmlns=\"http://www.w3.org/2000/svg\" data-total=\"%llu\" data-xpad=\"%d\" data-fontsize=\"%d\" "
		   "data-inverted=\"%d\">\n",
		w, g.height, w, g.height, (unsigned long long)g.total, XPAD, FONTSIZE, o->inverted ? 1 : 0);
	fputs("<!-- tracekit flame graph: click a frame to zoom, Ctrl-F to search (regexp); the view is kept in the URL -->\n", f);
	fprintf(f, "<defs><linearGradient id=\"background\" y1=\"0\" y2=\"1\" x1=\"0\" x2=\"0\">"
		   "<stop stop-color=\"%s\" offset=\"5%%\"/><stop stop-color=\"%s\" offset=\"95%%\"/>"
		   "</linearGradient></defs>\n",
		o->diff ? "#ffffff" : "#eeeeee",
		o->diff ? "#ffffff" : o->palette == TK_PAL_MEM ? "#e0e0ff" : o->palette == TK_PAL_IO ? "#e0e0ff"
												: "#eeeeb0");
	fputs("<style type=\"text/css\">\n"
	      "text { font-family: Verdana, sans-serif; font-size: 12px; fill: rgb(0,0,0); }\n"
	      "#title { text-anchor: middle; font-size: 17px; }\n"
	      "#subtitle { text-anchor: middle; fill: rgb(110,110,110); }\n"
	      "#search, #ignorecase { opacity: 0.3; cursor: pointer; }\n"
	      "#search:hover, #search.on, #ignorecase:hover, #ignorecase.on { opacity: 1; }\n"
	      "#unzoom { cursor: pointer; }\n"
	      "#matched { text-anchor: end; }\n"
	      "#frames > g { cursor: pointer; }\n"
	      "#frames > g:hover > rect { stroke: rgb(0,0,0); stroke-width: 0.5; }\n"
	      "#frames > g.parent { opacity: 0.5; }\n"
	      ".hide { display: none; }\n"
	      "</style>\n<script type=\"text/ecmascript\"><![CDATA[\n", f);
	fputs(svg_script, f);
	fputs("]]></script>\n", f);
	fprintf(f, "<rect x=\"0\" y=\"0\" width=\"%u\" height=\"%u\" fill=\"url(#background)\"/>\n", w, g.height);
	fprintf(f, "<text id=\"title\" x=\"%u\" y=\"%d\">", w / 2, FONTSIZE * 2);
	put_xml_file(f, title);
	fputs("</text>\n", f);
	if (o->subtitle) {
		fprintf(f, "<text id=\"subtitle\" x=\"%u\" y=\"%d\">", w / 2, FONTSIZE * 4);
		put_xml_file(f, o->subtitle);
		fputs("</text>\n", f);
	}
	fprintf(f, "<text id=\"details\" x=\"%d\" y=\"%u\"> </text>\n", XPAD, g.height - g.ypad2 / 2);
	fprintf(f, "<text id=\"unzoom\" class=\"hide\" x=\"%d\" y=\"%d\">Reset Zoom</text>\n", XPAD, FONTSIZE * 2);
	fprintf(f, "<text id=\"search\" x=\"%u\" y=\"%d\">Search</text>\n", w - XPAD - 100, FONTSIZE * 2);
	fprintf(f, "<text id=\"ignorecase\" x=\"%u\" y=\"%d\">ic</text>\n", w - XPAD - 16, FONTSIZE * 2);
	fprintf(f, "<text id=\"matched\" class=\"hide\" x=\"%u\" y=\"%u\"> </text>\n", w - XPAD, g.height - g.ypad2 / 2);
	fputs("<g id=\"frames\">\n", f);
	err = draw(&g);
	if (g.sb.len)
		fwrite(g.sb.buf, 1, g.sb.len, f);
	if (!err)
		err = sb_error(&g.sb);
	sb_release(&g.sb);
	fputs("</g>\n</svg>\n", f);
	tk_tree_release(&g.t);
	free(g.countname);
	if (err)
		return err;
	return ferror(f) ? -EIO : 0;
}
