/*
 * case_reader.h -- the two ways a case is read (internal).
 *
 * kt_case_parse (case_reader.c) first tries kt_case_read_fast: a strict,
 * schema-directed reader of the case format that builds the kt_case straight
 * from the text. It handles only input that it can prove valid; for anything
 * else (invalid input, JSON escapes, exponents, very deep or very wide
 * unknown members, ...) it answers KT_FAST_UNSURE and kt_case_parse_jansson
 * (json_in.c), the reference, decides: it parses with jansson, validates and
 * reports every problem with its pointer, line and column. So the fast path
 * changes no answer, only how fast a valid case is read; tests/
 * test_fastparse.c holds the two paths to that.
 */
#ifndef KT_CASE_READER_H
#define KT_CASE_READER_H

#include "kontakt.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KT_FAST_UNSURE 1

/* KT_OK with *out set, or KT_FAST_UNSURE (*out NULL): ask the reference. */
int kt_case_read_fast(const char *json, size_t len, kt_case **out);

/* The reference: jansson, full validation, every problem located. */
int kt_case_parse_jansson(const char *json, size_t len, kt_case **out, kt_problems **problems);

/* A zeroed block for a case of `bytes` bytes (the kt_case and its arrays),
 * for kt_case_free; NULL out of memory. Both readers allocate through it. */
kt_case *kt_case_alloc(size_t bytes);

/* Sorts a case's conversations by date, stably (the input's order among
 * those of one day): both readers, so that they build the same case. */
struct kt_conversation;
void kt_conversations_sort(struct kt_conversation *v, uint32_t n);

/* A CPR number is DDMMYY-NNNN or ten digits (possibly inside a longer id). */
bool kt_looks_like_cpr(const char *s, size_t n);

#endif
