/*
 * Streaming line input for the profile parsers: a file (or "-" for stdin), plain or gzip-compressed
 * (detected by its magic bytes and inflated with zlib as it is read, concatenated members included).
 * Memory is one buffer of about a megabyte, grown only for a line longer than that.
 */
#ifndef TK_LIB_STACK_INPUT_H
#define TK_LIB_STACK_INPUT_H
#include <stddef.h>
#include <stdint.h>

struct tk_input;

/* Open path ("-": stdin) and read its first block. 0 or -errno; -EBADMSG for corrupt gzip data. */
int tk_input_open(struct tk_input **out, const char *path);
/* An in-memory input (fuzzing, tests); the data must outlive the input. */
int tk_input_mem(struct tk_input **out, const void *data, size_t len);
/* The first bytes of the (decompressed) content, for format detection; may be fewer than asked. */
size_t tk_input_peek(struct tk_input *in, const char **p);
/*
 * The next line, without its '\n' (a final line without one is returned too). 1: a line; 0: end of
 * input; -errno on a read error (-EBADMSG: corrupt or truncated gzip data). The line stays valid
 * until the next call.
 */
int tk_input_line(struct tk_input *in, const char **line, size_t *len);
/*
 * The next run of whole lines, each with its '\n' (the input's last line may lack one), for parsers
 * that walk lines themselves. 1: a block; 0: end of input; -errno as tk_input_line. Valid until the
 * next call. Do not mix with tk_input_line on one input.
 */
int tk_input_block(struct tk_input *in, const char **block, size_t *len);
/*
 * Split a plain regular file of at least min_size bytes, read from its start, in two at the first
 * empty line after its middle: `in` then ends there and *second (same file, read with pread) holds
 * the rest, so two threads can parse the halves. 1: split; 0: not splittable (gzip, pipe, small,
 * no empty line); -ENOMEM. tk_input_join adds second's byte count to in and closes it.
 */
int tk_input_split(struct tk_input *in, uint64_t min_size, struct tk_input **second);
void tk_input_join(struct tk_input *in, struct tk_input *second);
/* Decompressed bytes handed out so far, and whether the input is gzip. */
uint64_t tk_input_bytes(const struct tk_input *in);
int tk_input_is_gzip(const struct tk_input *in);
void tk_input_close(struct tk_input *in);

#endif
