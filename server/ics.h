/* ics.h -- internal to server/: iCalendar (RFC 5545) text. */
#ifndef KSRV_ICS_H
#define KSRV_ICS_H

#include "srv.h"

/* Appends one content line: folded so no line exceeds 75 octets (never
 * inside a UTF-8 sequence; continuation lines begin with a space), ended
 * by CRLF. */
void ics_line(kt_sb *b, const char *line, size_t n);
/* Appends TEXT-escaped s (\\, \;, \, and \n) to a line being built. */
void ics_text(kt_sb *b, const char *s);

/* 1 if the calendar holds obligation o of plan p: it has a deadline and is
 * open, or overdue while its course runs on the plan's as_of. */
int ics_wanted(const kt_plan *p, const kt_obligation *o);
/* The calendar of a plan: one all-day VEVENT per obligation ics_wanted
 * keeps. `stamp` is the DTSTAMP (YYYYMMDDTHHMMSSZ). */
void ics_plan(kt_sb *out, const kt_plan *p, const char *case_id, const char *stamp);

#endif
