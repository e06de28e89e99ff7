/* ics.c -- a case's upcoming and open deadlines as iCalendar (RFC 5545): CRLF line
 * ends, lines folded at 75 octets, a stable UID per obligation, DTSTAMP,
 * all-day DTSTART;VALUE=DATE on the deadline (window.to, inclusive) and
 * DTEND the day after. */
#include "ics.h"
#include "kontakt_store.h"

#include <stdio.h>
#include <string.h>

void ics_line(kt_sb *b, const char *line, size_t n) {
    size_t room = 75; /* octets allowed on this physical line */
    while (n > room) {
        size_t cut = room;
        /* do not split a UTF-8 sequence: back off continuation bytes */
        while (cut > 0 && ((unsigned char)line[cut] & 0xC0) == 0x80) cut--;
        if (cut == 0) cut = room;
        kt_sb_mem(b, line, cut);
        kt_sb_mem(b, "\r\n ", 3);
        line += cut;
        n -= cut;
        room = 74; /* the leading space counts */
    }
    kt_sb_mem(b, line, n);
    kt_sb_mem(b, "\r\n", 2);
}

void ics_text(kt_sb *b, const char *s) {
    for (; *s; s++) {
        switch (*s) {
        case '\\': kt_sb_mem(b, "\\\\", 2); break;
        case ';': kt_sb_mem(b, "\\;", 2); break;
        case ',': kt_sb_mem(b, "\\,", 2); break;
        case '\n': kt_sb_mem(b, "\\n", 2); break;
        case '\r': break;
        default: kt_sb_chr(b, *s);
        }
    }
}

static void put(kt_sb *out, kt_sb *tmp) {
    ics_line(out, tmp->p ? tmp->p : "", tmp->len);
    tmp->len = 0;
}

/* YYYYMMDD from the engine's YYYY-MM-DD */
static void ymd(char out[9], kt_date d) {
    char iso[11];
    kt_date_format(d, iso);
    memcpy(out, iso, 4);
    memcpy(out + 4, iso + 5, 2);
    memcpy(out + 6, iso + 8, 2);
    out[8] = '\0';
}

int ics_wanted(const kt_plan *p, const kt_obligation *o) {
    if (o->to == KT_NO_DATE) return 0;
    if (o->status == KT_OPEN) return 1;
    if (o->status != KT_OVERDUE) return 0; /* met, late, exempt, lapsed: history */
    /* overdue only while its course runs: an ended benefit's deadlines are
     * history, for reports, not for the caseworker's calendar */
    kt_date end = kt_plan_course_end(p, o->course);
    return end == KT_NO_DATE || end >= kt_plan_as_of(p);
}

void ics_plan(kt_sb *out, const kt_plan *p, const char *case_id, const char *stamp) {
    kt_sb t;
    kt_sb_init_grow(&t, SB_DEFAULT_MAX);
    ics_line(out, "BEGIN:VCALENDAR", 15);
    ics_line(out, "VERSION:2.0", 11);
    kt_sb_str(&t, "PRODID:-//kontakt//kontakt " KT_VERSION "//DA");
    put(out, &t);
    ics_line(out, "CALSCALE:GREGORIAN", 18);
    ics_line(out, "METHOD:PUBLISH", 14);
    kt_sb_str(&t, "X-WR-CALNAME:");
    ics_text(&t, "Frister for ");
    ics_text(&t, case_id);
    put(out, &t);
    size_t n = kt_plan_count(p);
    char why[2048];
    for (size_t i = 0; i < n; i++) {
        kt_obligation o;
        kt_plan_get(p, i, &o);
        if (!ics_wanted(p, &o)) continue;
        char from[11], d0[9], d1[9], idsrc[256], hex[65];
        kt_date_format(o.from, from);
        ymd(d0, o.to);
        ymd(d1, o.to + 1);
        snprintf(idsrc, sizeof idsrc, "%s|%s|%d|%s", case_id, o.rule, o.course, from);
        ks_sha256_hex(idsrc, strlen(idsrc), hex);
        ics_line(out, "BEGIN:VEVENT", 12);
        kt_sb_fmt(&t, "UID:%.32s@kontakt", hex);
        put(out, &t);
        kt_sb_fmt(&t, "DTSTAMP:%s", stamp);
        put(out, &t);
        kt_sb_fmt(&t, "DTSTART;VALUE=DATE:%s", d0);
        put(out, &t);
        kt_sb_fmt(&t, "DTEND;VALUE=DATE:%s", d1);
        put(out, &t);
        kt_sb_str(&t, "SUMMARY:");
        ics_text(&t, o.status == KT_OVERDUE ? "Overskredet frist: " : "Frist: ");
        ics_text(&t, o.kind);
        ics_text(&t, " (");
        ics_text(&t, o.rule);
        ics_text(&t, ") – ");
        ics_text(&t, case_id);
        put(out, &t);
        kt_plan_why(p, i, why, sizeof why);
        kt_sb_str(&t, "DESCRIPTION:");
        ics_text(&t, why);
        ics_text(&t, "\n\nVindue: ");
        ics_text(&t, from);
        ics_text(&t, " til ");
        char to[11];
        kt_date_format(o.to, to);
        ics_text(&t, to);
        ics_text(&t, "\nRegel: ");
        ics_text(&t, o.rule);
        ics_text(&t, " (");
        ics_text(&t, o.generation);
        ics_text(&t, ")");
        if (o.law && *o.law) {
            ics_text(&t, "\nKilde: ");
            ics_text(&t, o.law);
        }
        put(out, &t);
        ics_line(out, "CATEGORIES:kontakt", 18);
        ics_line(out, "TRANSP:TRANSPARENT", 18);
        ics_line(out, "END:VEVENT", 10);
    }
    ics_line(out, "END:VCALENDAR", 13);
    kt_sb_free(&t);
}
