/* test_ics.c -- iCalendar line folding and text escaping (server/ics.c). */
#include "testutil.h"
#include "ics.h"

#include <string.h>

static void test_short_line(void **state) {
    (void)state;
    kt_sb b;
    kt_sb_init_grow(&b, SB_DEFAULT_MAX);
    ics_line(&b, "BEGIN:VEVENT", 12);
    assert_int_equal(b.len, 14);
    assert_memory_equal(b.p, "BEGIN:VEVENT\r\n", 14);
    kt_sb_free(&b);
}

/* Every physical line is at most 75 octets, continuation lines start with
 * one space, and unfolding gives the original back. */
static void check_fold(const char *line) {
    kt_sb b;
    kt_sb_init_grow(&b, SB_DEFAULT_MAX);
    ics_line(&b, line, strlen(line));
    kt_sb_chr(&b, '\0');
    char unfolded[4096];
    size_t u = 0;
    const char *s = b.p;
    int first = 1;
    while (*s) {
        const char *e = strstr(s, "\r\n");
        assert_non_null(e);
        size_t n = (size_t)(e - s);
        assert_true(n <= 75);
        if (!first) {
            assert_int_equal(s[0], ' ');
            s++;
            n--;
        }
        /* never starts with a UTF-8 continuation byte */
        if (n) assert_true(((unsigned char)s[0] & 0xC0) != 0x80);
        memcpy(unfolded + u, s, n);
        u += n;
        s = e + 2;
        first = 0;
    }
    assert_int_equal(u, strlen(line));
    assert_memory_equal(unfolded, line, u);
    kt_sb_free(&b);
}

static void test_fold_ascii(void **state) {
    (void)state;
    char line[400];
    for (int n = 70; n < 300; n += 7) {
        memset(line, 'x', (size_t)n);
        line[n] = '\0';
        check_fold(line);
    }
}

static void test_fold_utf8(void **state) {
    (void)state;
    char line[1200] = "DESCRIPTION:";
    for (int i = 0; i < 100; i++) strcat(line, "æøå ");
    check_fold(line);
    char line2[1200] = "SUMMARY:x";
    for (int i = 0; i < 200; i++) strcat(line2, "§");
    check_fold(line2);
}

static void test_text_escape(void **state) {
    (void)state;
    kt_sb b;
    kt_sb_init_grow(&b, SB_DEFAULT_MAX);
    ics_text(&b, "a,b;c\\d\ne");
    kt_sb_chr(&b, '\0');
    assert_string_equal(b.p, "a\\,b\\;c\\\\d\\ne");
    kt_sb_free(&b);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_short_line),
        cmocka_unit_test(test_fold_ascii),
        cmocka_unit_test(test_fold_utf8),
        cmocka_unit_test(test_text_escape),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
