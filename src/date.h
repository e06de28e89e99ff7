/*
 * date.h -- civil-date arithmetic and the Danish holiday calendar.
 *
 * A kt_date counts days from 1970-01-01 (proleptic Gregorian). All functions
 * here are pure; none touches KT_NO_DATE except where stated.
 */
#ifndef KT_DATE_H
#define KT_DATE_H

#include "kontakt.h"
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define KT_DATE_MIN_YEAR 1900
#define KT_DATE_MAX_YEAR 2199

/* addMonths (conventions.md): the same day of month n months later (n may be
 * negative); where that month is shorter, its last day. */
kt_date kt_add_months(kt_date d, int n);
/* The same from a day already split into year, month and day. */
kt_date kt_add_months_ymd(int year, int month, int day, int n);

/* 0 = Monday ... 6 = Sunday. */
int kt_weekday(kt_date d);

int kt_days_in_month(int year, int month);

/* Easter Sunday of a year (Gregorian computus). */
kt_date kt_easter(int year);

/* A Danish public holiday (helligdag): New Year, Maundy Thursday, Good
 * Friday, Easter Sunday and Monday, Store Bededag (until 2023; abolished
 * from 2024 by lov 2023-03-01), Ascension, Whit Sunday and Monday,
 * Christmas Day and Boxing Day. Grundlovsdag and Christmas Eve are not
 * public holidays and are not counted. */
bool kt_is_holiday(kt_date d);

/* Saturday, Sunday or a public holiday: a day the jobcentre is closed. */
bool kt_is_closed_day(kt_date d);

/* The name of the holiday on d (Danish), or NULL. */
const char *kt_holiday_name(kt_date d);

/* The holidays as data (kt_holiday_name reads them; the engine makes its
 * table of closed days from them): a fixed day (month, day) or a day
 * counted from Easter Sunday (month 0), up to last_year (0: every year). */
typedef struct kt_holiday_row {
    int8_t month, day;
    int16_t easter;
    int16_t last_year;
    const char *name;
} kt_holiday_row;
#define KT_N_HOLIDAYS 11
extern const kt_holiday_row kt_holidays[KT_N_HOLIDAYS];

/* Completed years of age on day d for a person born on `birth`. Someone born
 * on 29 February turns a year older on 1 March in common years. */
int kt_age_on(kt_date birth, kt_date d);

/* kt_date_parse (public in kontakt.h), inline for the case reader: strict
 * YYYY-MM-DD in one pass over the ten bytes. The eight bytes "YYYY-MM-" are
 * checked at once: XOR with "0000-00-" leaves each byte 0..9 exactly when it
 * is a digit ('-' XOR '-' is 0 too; bytes that XOR '-' to 0..9 are caught
 * by the test of the dashes). Byte order does not matter: every step is per
 * byte, without carries between bytes. The day comes from tables. */
extern const uint16_t kt_month_start[2][13];
extern const int32_t kt_year_start[KT_DATE_MAX_YEAR - KT_DATE_MIN_YEAR + 2];

/* kt_date_format, inline for the days 2000-2039 once their texts are made
 * (date.c: the first kt_date_format of another day makes them). */
enum { KT_DATE_RECENT0 = 10957, KT_DATE_RECENT_N = 14610 }; /* 2000-01-01, days to 2040-01-01 */
extern char kt_date_recent_text[KT_DATE_RECENT_N][10];
extern atomic_bool kt_date_texts_ready;
static inline void kt_date_format_inline(kt_date d, char buf[11]) {
    if (d == KT_NO_DATE) {
        buf[0] = '\0';
        return;
    }
    uint32_t r = (uint32_t)d - (uint32_t)KT_DATE_RECENT0;
    if (r < (uint32_t)KT_DATE_RECENT_N && atomic_load_explicit(&kt_date_texts_ready, memory_order_acquire)) {
        memcpy(buf, kt_date_recent_text[r], 10);
        buf[10] = '\0';
        return;
    }
    kt_date_format(d, buf);
}

static inline int kt_date_parse_inline(const char *s, size_t len, kt_date *out) {
    if (len != 10 || s[4] != '-' || s[7] != '-') return KT_EINVALID;
    uint64_t x, pat;
    memcpy(&x, s, 8);
    memcpy(&pat, "0000-00-", 8);
    x ^= pat;
    const uint64_t hi = 0xF0F0F0F0F0F0F0F0ull, six = 0x0606060606060606ull;
    /* a byte <= 9: no bit above the low four, and none after adding 6 */
    if ((x & hi) | ((x + six) & hi)) return KT_EINVALID;
    const unsigned char *u = (const unsigned char *)s;
    unsigned d0 = u[8] - (unsigned)'0', d1 = u[9] - (unsigned)'0';
    if (d0 > 9 || d1 > 9) return KT_EINVALID;
    unsigned y = (u[0] - '0') * 1000u + (u[1] - '0') * 100u + (u[2] - '0') * 10u + (u[3] - '0');
    unsigned m = (u[5] - '0') * 10u + (u[6] - '0');
    unsigned d = d0 * 10 + d1;
    unsigned yi = y - KT_DATE_MIN_YEAR; /* wraps for years before: one test */
    if (yi > KT_DATE_MAX_YEAR - KT_DATE_MIN_YEAR || m - 1 > 11 || d == 0) return KT_EINVALID;
    int32_t ys = kt_year_start[yi];
    int leap = kt_year_start[yi + 1] - ys == 366;
    const uint16_t *ms = kt_month_start[leap];
    if (d > (unsigned)(ms[m] - ms[m - 1])) return KT_EINVALID;
    *out = (kt_date)(ys + ms[m - 1] + (int)d - 1);
    return KT_OK;
}

#endif
