/*
 * date.h -- civil-date arithmetic and the Danish holiday calendar.
 *
 * A kt_date counts days from 1970-01-01 (proleptic Gregorian). All functions
 * here are pure; none touches KT_NO_DATE except where stated.
 */
#ifndef KT_DATE_H
#define KT_DATE_H

#include "kontakt.h"
#include <stdbool.h>

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

/* Completed years of age on day d for a person born on `birth`. Someone born
 * on 29 February turns a year older on 1 March in common years. */
int kt_age_on(kt_date birth, kt_date d);

#endif
