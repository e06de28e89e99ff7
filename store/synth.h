/* synth.h -- the synthetic caseload: cases that look like a jobcentre's
 * (spec/case-format.md), one NDJSON line each.
 *
 * A product feature (`kontakt db demo` fills a store with it) and the
 * benchmarks' input (bench/gen.c, `kontakt-gen`, is only its command line).
 * It lives beside the store, its first user, but is deliberately standalone:
 * C11 + libc, no libkontakt, no SQLite, so the benchmark input never depends
 * on the code it measures and bench can compile store/synth.c on its own.
 *
 * Case i depends only on the seed, the mix and i, so the first K cases for a
 * seed are the same whatever the count: a small input is a prefix of a big
 * one. Byte-identical on every compiler and libc (own splitmix64, no rand()).
 */
#ifndef KONTAKT_SYNTH_H
#define KONTAKT_SYNTH_H

#include <stddef.h>
#include <stdint.h>

/* Which caseload to draw (bench/README.md describes both). */
typedef enum ks_synth_mix {
    KS_SYNTH_MIX_DEFAULT = 0, /* the original benchmark mix; `kontakt db demo` */
    KS_SYNTH_MIX_DENSE = 1    /* more conversations, events and courses per case */
} ks_synth_mix;

/* No case this module writes is longer (with its '\n'). */
#define KS_SYNTH_CASE_MAX (32u << 10)
/* "No date": for ks_synth_case's `today`. Dates are days since 1970-01-01. */
#define KS_SYNTH_NO_DATE INT32_MIN

typedef struct ks_synth ks_synth;

/* A generator for `seed`, jobcentres jc-01 .. jc-J (1 <= J <= 99). NULL when
 * out of memory or the arguments are out of range. */
ks_synth *ks_synth_new(uint64_t seed, int jobcenters, ks_synth_mix mix);
void ks_synth_free(ks_synth *g);

/* 1 if `today` (days since 1970-01-01) is a day ks_synth_case can move cases
 * to: 2000-01-01 up to 90 days before the end of the date table (2030). */
int ks_synth_today_ok(int32_t today);

/* Parses "YYYY-MM-DD" (a real calendar day) into days since 1970-01-01;
 * 0 on success, -1 otherwise. For command lines (kontakt-gen --today). */
int ks_synth_parse_date(const char *s, int32_t *out);

/* Writes case `index` as one NDJSON line ending in '\n' into buf (at least
 * KS_SYNTH_CASE_MAX bytes) and returns its length. With today !=
 * KS_SYNTH_NO_DATE every date is moved by (today - as_of) and conversations
 * and events that would then lie after today are dropped (a store knows only
 * what has happened). Either way the case then follows the law of its
 * dates (rules.md: no uddannelseshjælp or integrationsydelse starting from
 * 2025-07-01, ...): every case written is valid input. *caseworker (if not NULL) gets the case's caseworker
 * number, 1..40. */
size_t ks_synth_case(const ks_synth *g, uint64_t index, int32_t today, char *buf,
                     int *caseworker);

#endif
