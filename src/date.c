/*
 * date.c -- civil dates without libc time functions: they are locale- and
 * zone-free, and fast enough to run millions of times a second.
 * days_from_civil/civil_from_days follow Howard Hinnant's algorithms.
 */
#include "date.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

kt_date kt_date_from_ymd(int y, int m, int d) {
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153u * (unsigned)(m + (m > 2 ? -3 : 9)) + 2u) / 5u + (unsigned)d - 1u;
    unsigned doe = yoe * 365u + yoe / 4u - yoe / 100u + doy;
    return (kt_date)(era * 146097 + (int)doe - 719468);
}

/* Howard Hinnant's civil_from_days: any date. */
static void to_ymd_slow(kt_date z0, int *year, int *month, int *day) {
    int z = z0 + 719468;
    int era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460u + doe / 36524u - doe / 146096u) / 365u;
    int y = (int)yoe + era * 400;
    unsigned doy = doe - (365u * yoe + yoe / 4u - yoe / 100u);
    unsigned mp = (5u * doy + 2u) / 153u;
    unsigned d = doy - (153u * mp + 2u) / 5u + 1u;
    unsigned m = mp < 10u ? mp + 3u : mp - 9u;
    *year = y + (m <= 2u);
    *month = (int)m;
    *day = (int)d;
}

/* Neri and Schneider, "Euclidean affine functions and their application to
 * calendar algorithms" (2022): the same result with multiplications and
 * shifts only. Exact for |z0| up to a few million days (tested in
 * tests/test_date.c against the slow one); other days take the slow path. */
void kt_date_to_ymd(kt_date z0, int *year, int *month, int *day) {
    if (z0 < -3000000 || z0 > 3000000) {
        to_ymd_slow(z0, year, month, day);
        return;
    }
    enum { SHIFT = 82 };
    const uint32_t K = 719468u + 146097u * SHIFT, L = 400u * SHIFT;
    uint32_t N = (uint32_t)((int64_t)z0 + K);
    uint32_t N1 = 4u * N + 3u;
    uint32_t C = N1 / 146097u;
    uint32_t NC = N1 % 146097u / 4u;
    uint32_t N2 = 4u * NC + 3u;
    uint64_t P2 = (uint64_t)2939745u * N2;
    uint32_t Z = (uint32_t)(P2 >> 32);
    uint32_t NY = (uint32_t)P2 / 2939745u / 4u;
    uint32_t Y = 100u * C + Z;
    uint32_t N3 = 2141u * NY + 197913u;
    uint32_t M = N3 >> 16;
    uint32_t D = (N3 & 0xFFFFu) / 2141u;
    uint32_t J = NY >= 306u;
    *year = (int)(Y - L + J);
    *month = (int)(J ? M - 12u : M);
    *day = (int)(D + 1u);
}

static bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int kt_days_in_month(int y, int m) {
    static const unsigned char dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

kt_date kt_add_months_ymd(int y, int m, int day, int n) {
    int total = y * 12 + (m - 1) + n;
    /* floor division: total may not be negative for supported years, but
     * keep it exact anyway */
    int ny = total >= 0 ? total / 12 : -((11 - total) / 12);
    int nm = total - ny * 12 + 1;
    int dim = kt_days_in_month(ny, nm);
    return kt_date_from_ymd(ny, nm, day < dim ? day : dim);
}

kt_date kt_add_months(kt_date d, int n) {
    int y, m, day;
    kt_date_to_ymd(d, &y, &m, &day);
    return kt_add_months_ymd(y, m, day, n);
}

int kt_date_weekday(kt_date d) { return kt_weekday(d); }

int kt_weekday(kt_date d) {
    /* 1970-01-01 was a Thursday (3 with Monday = 0) */
    int w = (d + 3) % 7;
    return w < 0 ? w + 7 : w;
}

kt_date kt_easter(int year) {
    /* Anonymous Gregorian algorithm (Meeus/Jones/Butcher) */
    int a = year % 19, b = year / 100, c = year % 100, d = b / 4, e = b % 4;
    int f = (b + 8) / 25, g = (b - f + 1) / 3;
    int h = (19 * a + b - d - g + 15) % 30;
    int i = c / 4, k = c % 4;
    int l = (32 + 2 * e + 2 * i - h - k) % 7;
    int m = (a + 11 * h + 22 * l) / 451;
    int month = (h + l - 7 * m + 114) / 31;
    int day = (h + l - 7 * m + 114) % 31 + 1;
    return kt_date_from_ymd(year, month, day);
}

const kt_holiday_row kt_holidays[KT_N_HOLIDAYS] = {
    {1, 1, 0, 0, "nytårsdag"},
    {12, 25, 0, 0, "juledag"},
    {12, 26, 0, 0, "2. juledag"},
    {0, 0, -3, 0, "skærtorsdag"},
    {0, 0, -2, 0, "langfredag"},
    {0, 0, 0, 0, "påskedag"},
    {0, 0, 1, 0, "2. påskedag"},
    {0, 0, 26, 2023, "store bededag"}, /* abolished from 2024 */
    {0, 0, 39, 0, "Kristi himmelfartsdag"},
    {0, 0, 49, 0, "pinsedag"},
    {0, 0, 50, 0, "2. pinsedag"},
};

const char *kt_holiday_name(kt_date d) {
    int y, m, day;
    kt_date_to_ymd(d, &y, &m, &day);
    /* the movable feasts fall from 19 March (Maundy Thursday after the
     * earliest Easter, 22 March) to 14 June (Whit Monday after the latest,
     * 25 April): no Easter to compute outside March-June */
    const bool movable = m >= 3 && m <= 6;
    const int off = movable ? d - kt_easter(y) : 0;
    for (int i = 0; i < KT_N_HOLIDAYS; i++) {
        const kt_holiday_row *h = &kt_holidays[i];
        if (h->last_year && y > h->last_year) continue;
        if (h->month ? (h->month == m && h->day == day) : (movable && h->easter == off)) return h->name;
    }
    return NULL;
}

bool kt_is_holiday(kt_date d) { return kt_holiday_name(d) != NULL; }

bool kt_is_closed_day(kt_date d) { return kt_weekday(d) >= 5 || kt_is_holiday(d); }

int kt_age_on(kt_date birth, kt_date d) {
    int by, bm, bd, y, m, day;
    kt_date_to_ymd(birth, &by, &bm, &bd);
    kt_date_to_ymd(d, &y, &m, &day);
    int age = y - by;
    /* birthday not yet reached this year; 29 Feb counts as reached on 1 Mar */
    if (m < bm || (m == bm && day < bd)) age--;
    return age;
}

/* Days before the first of each month, in common and in leap years. */
const uint16_t kt_month_start[2][13] = {
    {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365},
    {0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335, 366},
};

/* The day of 1 January of each year KT_DATE_MIN_YEAR..KT_DATE_MAX_YEAR + 1,
 * as constants: (y-1970)*365 plus the leap days of 1970..y-1 (477: the
 * count up to 1969). */
#define YS(y) (((y) - 1970) * 365 + ((y) - 1) / 4 - ((y) - 1) / 100 + ((y) - 1) / 400 - 477)
#define YS10(y) YS(y), YS(y + 1), YS(y + 2), YS(y + 3), YS(y + 4), YS(y + 5), YS(y + 6), YS(y + 7), YS(y + 8), YS(y + 9)
#define YS100(y) YS10(y), YS10(y + 10), YS10(y + 20), YS10(y + 30), YS10(y + 40), YS10(y + 50), YS10(y + 60), YS10(y + 70), YS10(y + 80), YS10(y + 90)
const int32_t kt_year_start[KT_DATE_MAX_YEAR - KT_DATE_MIN_YEAR + 2] = {YS100(1900), YS100(2000), YS100(2100), YS(2200)};
_Static_assert(KT_DATE_MIN_YEAR == 1900 && KT_DATE_MAX_YEAR == 2199, "kt_year_start covers 1900..2200");

int kt_date_parse(const char *s, size_t len, kt_date *out) { return kt_date_parse_inline(s, len, out); }

/* The texts of kt_date_format's table path: "YYYY" of each year and
 * "MM-DD" of each day of a common and a leap year, made once. */
static char year_text[KT_DATE_MAX_YEAR - KT_DATE_MIN_YEAR + 1][4];
static char mmdd_text[2][366][5];
/* and the whole text of each day 2000-01-01 .. 2039-12-31, where nearly
 * every day of a plan falls: one 10-byte copy (143 KiB, made once) */
enum { RECENT0 = 10957, RECENT_N = 14610 }; /* 2000-01-01, days to 2040-01-01 */
_Static_assert((int)RECENT0 == (int)KT_DATE_RECENT0 && (int)RECENT_N == (int)KT_DATE_RECENT_N, "date.h's inline kt_date_format");
char kt_date_recent_text[RECENT_N][10];
#define recent_text kt_date_recent_text
static pthread_once_t texts_once = PTHREAD_ONCE_INIT;
atomic_bool kt_date_texts_ready; /* set once texts_build has run: no call after */
#define texts_ready kt_date_texts_ready

static void texts_build(void) {
    for (int yi = 0; yi <= KT_DATE_MAX_YEAR - KT_DATE_MIN_YEAR; yi++) {
        int y = KT_DATE_MIN_YEAR + yi;
        for (int k = 3; k >= 0; k--, y /= 10) year_text[yi][k] = (char)('0' + y % 10);
    }
    for (int leap = 0; leap < 2; leap++)
        for (int m = 1; m <= 12; m++)
            for (int day = 1; day <= kt_month_start[leap][m] - kt_month_start[leap][m - 1]; day++) {
                char *t = mmdd_text[leap][kt_month_start[leap][m - 1] + day - 1];
                t[0] = (char)('0' + m / 10);
                t[1] = (char)('0' + m % 10);
                t[2] = '-';
                t[3] = (char)('0' + day / 10);
                t[4] = (char)('0' + day % 10);
            }
    for (int k = 0; k < RECENT_N; k++) {
        int yi = 2000 + k / 366 - KT_DATE_MIN_YEAR; /* at or before the day's year */
        while (kt_year_start[yi + 1] <= RECENT0 + k) yi++;
        int doy = RECENT0 + k - kt_year_start[yi];
        memcpy(recent_text[k], year_text[yi], 4);
        recent_text[k][4] = '-';
        memcpy(recent_text[k] + 5, mmdd_text[kt_year_start[yi + 1] - kt_year_start[yi] == 366][doy], 5);
    }
    atomic_store_explicit(&texts_ready, true, memory_order_release);
}

void kt_date_format(kt_date d, char buf[11]) {
    if (d == KT_NO_DATE) {
        buf[0] = '\0';
        return;
    }
    static const char two[201] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
                                 "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
                                 "8081828384858687888990919293949596979899";
    /* the plan writer formats some 40 dates a case: the days of
     * kt_date_parse's years from tables of the texts */
    enum { NY = KT_DATE_MAX_YEAR - KT_DATE_MIN_YEAR + 1 };
    uint32_t r = (uint32_t)d - (uint32_t)RECENT0;
    if (r < RECENT_N && atomic_load_explicit(&texts_ready, memory_order_acquire)) {
        memcpy(buf, recent_text[r], 10);
        buf[10] = '\0';
        return;
    }
    uint32_t off = (uint32_t)d - (uint32_t)kt_year_start[0];
    if (off < (uint32_t)(kt_year_start[NY] - kt_year_start[0]) &&
        (atomic_load_explicit(&texts_ready, memory_order_acquire) ||
         (pthread_once(&texts_once, texts_build) == 0 &&
          atomic_load_explicit(&texts_ready, memory_order_acquire)))) {
        unsigned yi = off * 4u / 1461u; /* within a year of the right one */
        while (yi > 0 && kt_year_start[yi] > d) yi--;
        while (kt_year_start[yi + 1] <= d) yi++;
        unsigned doy = (unsigned)(d - kt_year_start[yi]);
        int leap = kt_year_start[yi + 1] - kt_year_start[yi] == 366;
        memcpy(buf, year_text[yi], 4);
        buf[4] = '-';
        memcpy(buf + 5, mmdd_text[leap][doy], 5);
        buf[10] = '\0';
        return;
    }
    int y, m, day;
    kt_date_to_ymd(d, &y, &m, &day);
    /* days outside those years */
    if (y < 0 || y > 9999) { /* not from kt_date_parse: keep the old digits */
        buf[0] = (char)('0' + y / 1000 % 10);
        buf[1] = (char)('0' + y / 100 % 10);
        buf[2] = (char)('0' + y / 10 % 10);
        buf[3] = (char)('0' + y % 10);
    } else {
        memcpy(buf, two + 2 * (y / 100), 2);
        memcpy(buf + 2, two + 2 * (y % 100), 2);
    }
    buf[4] = '-';
    memcpy(buf + 5, two + 2 * m, 2);
    buf[7] = '-';
    memcpy(buf + 8, two + 2 * day, 2);
    buf[10] = '\0';
}
