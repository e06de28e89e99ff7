/* test_date.c -- civil dates, addMonths, weekdays, holidays, strict parsing. */
#include "testutil.h"

#include "date.h"
#include "engine.h"

#include <stdio.h>
#include <string.h>

static void fmt_is(kt_date d, const char *want) {
    char b[11];
    kt_date_format(d, b);
    assert_string_equal(b, want);
}

static void test_round_trip(void **s) {
    (void)s;
    assert_int_equal(D("1970-01-01"), 0);
    assert_int_equal(D("1970-01-02"), 1);
    assert_int_equal(D("1969-12-31"), -1);
    for (kt_date d = D("1900-01-01"); d <= D("2199-12-31"); d += 17) {
        char b[11];
        kt_date_format(d, b);
        kt_date back;
        assert_int_equal(kt_date_parse(b, 10, &back), KT_OK);
        assert_int_equal(back, d);
    }
}

/* kt_date_to_ymd has a fast path for |d| <= 3,000,000 and a slow one
 * beyond: both must agree with kt_date_from_ymd and step day by day. */
static void test_to_ymd_wide(void **s) {
    (void)s;
    int py, pm, pd;
    kt_date_to_ymd(-3100001, &py, &pm, &pd);
    for (kt_date d = -3100000; d <= 3100000; d++) {
        int y, m, day;
        kt_date_to_ymd(d, &y, &m, &day);
        if (kt_date_from_ymd(y, m, day) != d || m < 1 || m > 12 || day < 1 ||
            day > kt_days_in_month(y, m))
            fail_msg("kt_date_to_ymd(%d) = %d-%d-%d", (int)d, y, m, day);
        bool next = day == pd + 1 && m == pm && y == py;
        bool new_month = day == 1 && ((m == pm + 1 && y == py) || (m == 1 && pm == 12 && y == py + 1));
        if (!next && !new_month) fail_msg("kt_date_to_ymd(%d) does not follow the day before", (int)d);
        py = y, pm = m, pd = day;
    }
}

static void test_add_months_month_ends(void **s) {
    (void)s;
    fmt_is(kt_add_months(D("2024-01-31"), 1), "2024-02-29");
    fmt_is(kt_add_months(D("2023-01-31"), 1), "2023-02-28");
    fmt_is(kt_add_months(D("2023-08-31"), 6), "2024-02-29");
    fmt_is(kt_add_months(D("2024-03-04"), 6), "2024-09-04");
    fmt_is(kt_add_months(D("2024-03-31"), -1), "2024-02-29");
    fmt_is(kt_add_months(D("2021-09-30"), -3), "2021-06-30");
    fmt_is(kt_add_months(D("2024-12-15"), 1), "2025-01-15");
    fmt_is(kt_add_months(D("2025-01-15"), -1), "2024-12-15");
    fmt_is(kt_add_months(D("2024-02-29"), 12), "2025-02-28");
    fmt_is(kt_add_months(D("2100-01-31"), 1), "2100-02-28"); /* 2100 is no leap year */
    fmt_is(kt_add_months(D("2000-01-31"), 1), "2000-02-29"); /* 2000 is */
}

static void test_weekday(void **s) {
    (void)s;
    assert_int_equal(kt_weekday(D("2024-03-04")), 0); /* Monday */
    assert_int_equal(kt_weekday(D("2026-11-23")), 0);
    assert_int_equal(kt_weekday(D("1970-01-01")), 3); /* Thursday */
    assert_int_equal(kt_weekday(D("1900-01-01")), 0);
    assert_int_equal(kt_weekday(D("2024-12-29")), 6);
}

static void test_easter(void **s) {
    (void)s;
    fmt_is(kt_easter(2019), "2019-04-21");
    fmt_is(kt_easter(2020), "2020-04-12");
    fmt_is(kt_easter(2021), "2021-04-04");
    fmt_is(kt_easter(2024), "2024-03-31");
    fmt_is(kt_easter(2025), "2025-04-20");
    fmt_is(kt_easter(2038), "2038-04-25");
}

static void test_holidays(void **s) {
    (void)s;
    /* 2023: Store Bededag was still a holiday (5 May 2023) */
    assert_true(kt_is_holiday(D("2023-05-05")));
    /* 2024: abolished (26 April 2024 is an ordinary Friday) */
    assert_false(kt_is_holiday(D("2024-04-26")));
    assert_true(kt_is_holiday(D("2024-03-28"))); /* skærtorsdag */
    assert_true(kt_is_holiday(D("2024-03-29"))); /* langfredag */
    assert_true(kt_is_holiday(D("2024-04-01"))); /* 2. påskedag */
    assert_true(kt_is_holiday(D("2024-05-09"))); /* Kristi himmelfart */
    assert_true(kt_is_holiday(D("2024-05-20"))); /* 2. pinsedag */
    assert_true(kt_is_holiday(D("2025-01-01")));
    assert_true(kt_is_holiday(D("2025-12-25")));
    assert_true(kt_is_holiday(D("2025-12-26")));
    assert_false(kt_is_holiday(D("2025-12-24"))); /* juleaften: not a public holiday */
    assert_false(kt_is_holiday(D("2025-06-05"))); /* grundlovsdag: not one either */
    assert_true(kt_is_holiday(D("2022-05-13")));  /* store bededag 2022 */
    assert_string_equal(kt_holiday_name(D("2021-04-05")), "2. påskedag");
    assert_true(kt_is_closed_day(D("2024-03-09")));  /* Saturday */
    assert_true(kt_is_closed_day(D("2024-03-10")));  /* Sunday */
    assert_false(kt_is_closed_day(D("2024-03-11"))); /* Monday */
}

/* The engine's table of closed days (engine.h) against kt_is_closed_day,
 * every day 1975-2085 (the table covers 1980-2079), and the holidays'
 * names by the rows against the list as it was written before them. */
static void test_engine_closed_days(void **s) {
    (void)s;
    kt_engine *e;
    assert_int_equal(kt_engine_new(&e), KT_OK);
    int closed = 0;
    for (kt_date d = kt_date_from_ymd(1975, 1, 1); d <= kt_date_from_ymd(2085, 12, 31); d++) {
        bool want = kt_is_closed_day(d);
        assert_int_equal(kt_engine_closed_day(e, d), want);
        closed += want;
    }
    assert_true(closed > 111 * 104);
    kt_engine_free(e);
}

static void test_strict_parse(void **s) {
    (void)s;
    kt_date d;
    const char *bad[] = {"2021-02-30", "2021-13-01", "2021-00-10", "2021-01-00", "2023-02-29",
                         "1899-12-31", "2200-01-01", "2021-1-01",  "2021/01/01", "20210101",
                         "2021-01-01T00:00", " 2021-01-01", "abcd-ef-gh"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_int_equal(kt_date_parse(bad[i], strlen(bad[i]), &d), KT_EINVALID);
    assert_int_equal(kt_date_parse("2024-02-29", 10, &d), KT_OK);
    assert_int_equal(kt_date_parse("1900-01-01", 10, &d), KT_OK);
    assert_int_equal(kt_date_parse("2199-12-31", 10, &d), KT_OK);
}

/* The one-pass parser against a plain byte-by-byte reference: every day of
 * 1890..2210 as text, and each of those texts with each byte replaced by
 * each of the 256 byte values (for a sample of days), must get the same
 * answer and day. */
static int ref_digits(const char *s, int n) {
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

static int ref_parse(const char *s, size_t len, kt_date *out) {
    if (len != 10 || s[4] != '-' || s[7] != '-') return KT_EINVALID;
    int y = ref_digits(s, 4), m = ref_digits(s + 5, 2), d = ref_digits(s + 8, 2);
    if (y < KT_DATE_MIN_YEAR || y > KT_DATE_MAX_YEAR || m < 1 || m > 12 || d < 1 ||
        d > kt_days_in_month(y, m))
        return KT_EINVALID;
    *out = kt_date_from_ymd(y, m, d);
    return KT_OK;
}

static void parse_same(const char *b) {
    kt_date a = 12345, r = 12345;
    int ra = kt_date_parse(b, 10, &a), rr = ref_parse(b, 10, &r);
    if (ra != rr || a != r) fail_msg("kt_date_parse(\"%.10s\") = %d/%d, want %d/%d", b, ra, (int)a, rr, (int)r);
}

static void test_parse_against_reference(void **s) {
    (void)s;
    for (kt_date d = kt_date_from_ymd(1890, 1, 1); d <= kt_date_from_ymd(2210, 12, 31); d++) {
        int y, m, day;
        kt_date_to_ymd(d, &y, &m, &day);
        char b[48];
        snprintf(b, sizeof b, "%04d-%02d-%02d", y, m, day);
        parse_same(b);
        /* day 32, 30 and 29 of the month: invalid where the month is shorter */
        if (day == 28) {
            for (int extra = 29; extra <= 32; extra++) {
                snprintf(b, sizeof b, "%04d-%02d-%02d", y, m, extra);
                parse_same(b);
            }
        }
        if (d % 97 != 0) continue;
        snprintf(b, sizeof b, "%04d-%02d-%02d", y, m, day);
        for (int i = 0; i < 10; i++) {
            char c = b[i];
            for (int v = 0; v < 256; v++) {
                b[i] = (char)v;
                parse_same(b);
            }
            b[i] = c;
        }
    }
    kt_date d;
    assert_int_equal(kt_date_parse("2024-02-29", 10, &d), KT_OK);
    assert_int_equal(d, kt_date_from_ymd(2024, 2, 29));
    assert_int_equal(kt_date_parse("2000-02-29", 10, &d), KT_OK);
    assert_int_equal(kt_date_parse("2023-02-29", 10, &d), KT_EINVALID);
    assert_int_equal(kt_date_parse("2100-02-29", 10, &d), KT_EINVALID);
    assert_int_equal(kt_date_parse("1900-02-29", 10, &d), KT_EINVALID);
    /* bytes that XOR '-' into 0..9 where the dashes go, and digits' neighbours */
    const char *bad[] = {"2024$01-01", "2024-01,01", "2024-0:-01", "2024-/1-01", "202\x80-01-01",
                         "2024-01-0\xff", "2024-01-0 ", "+024-01-01", "2024-1a-01"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_int_equal(kt_date_parse(bad[i], 10, &d), KT_EINVALID);
}

/* kt_date_format's table path (the years 1900..2199) and its general one
 * against kt_date_to_ymd, every day from 1850 to 2250. */
static void test_format_every_day(void **s) {
    (void)s;
    for (kt_date d = kt_date_from_ymd(1850, 1, 1); d <= kt_date_from_ymd(2250, 12, 31); d++) {
        int y, m, day;
        kt_date_to_ymd(d, &y, &m, &day);
        char want[48], got[11];
        snprintf(want, sizeof want, "%04d-%02d-%02d", y, m, day);
        kt_date_format(d, got);
        if (strcmp(got, want) != 0) fail_msg("kt_date_format(%d) = %s, want %s", (int)d, got, want);
        kt_date_format_inline(d, got);
        if (strcmp(got, want) != 0) fail_msg("kt_date_format_inline(%d) = %s, want %s", (int)d, got, want);
    }
    char none[11] = "x";
    kt_date_format_inline(KT_NO_DATE, none);
    assert_string_equal(none, "");
}

static void test_age(void **s) {
    (void)s;
    assert_int_equal(kt_age_on(D("1995-04-10"), D("2025-04-09")), 29);
    assert_int_equal(kt_age_on(D("1995-04-10"), D("2025-04-10")), 30);
    assert_int_equal(kt_age_on(D("2000-02-29"), D("2025-02-28")), 24);
    assert_int_equal(kt_age_on(D("2000-02-29"), D("2025-03-01")), 25);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip), cmocka_unit_test(test_to_ymd_wide),
        cmocka_unit_test(test_add_months_month_ends),
        cmocka_unit_test(test_weekday),    cmocka_unit_test(test_easter),
        cmocka_unit_test(test_holidays),   cmocka_unit_test(test_engine_closed_days),   cmocka_unit_test(test_strict_parse),
        cmocka_unit_test(test_age), cmocka_unit_test(test_parse_against_reference),
        cmocka_unit_test(test_format_every_day),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
