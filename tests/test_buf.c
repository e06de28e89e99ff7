/* test_buf.c -- kt_sb (include/kontakt_buf.h): both modes, errors, JSON. */
#include "testutil.h"
#include "kontakt_buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Fixed: exactly snprintf's text and return value, for every size. */
static void test_fixed_as_snprintf(void **state) {
    (void)state;
    const char *want = "Frist 2024-03-04 er -12 dage";
    for (size_t size = 1; size <= strlen(want) + 2; size++) {
        char buf[64], ref[64];
        memset(buf, 'x', sizeof buf);
        kt_sb b;
        kt_sb_init(&b, buf, size);
        KT_SB_LIT(&b, "Frist ");
        kt_sb_date(&b, D("2024-03-04"));
        kt_sb_str(&b, " er ");
        kt_sb_int(&b, -12);
        assert_int_equal(kt_sb_mem(&b, " dage", 5), KT_OK); /* cutting is no error */
        int n = snprintf(ref, size, "%s", want);
        assert_int_equal(kt_sb_end(&b), (size_t)n);
        assert_string_equal(buf, ref);
        assert_int_equal(b.err, KT_OK);
    }
}

static void test_growing(void **state) {
    (void)state;
    kt_sb b = {0}; /* zeroed: growing, no limit */
    assert_null(b.p);
    for (int i = 0; i < 1000; i++) assert_int_equal(kt_sb_int(&b, i % 10), KT_OK);
    assert_int_equal(b.len, 1000);
    assert_int_equal(b.p[1000], '\0');
    kt_sb_cut(&b, 3);
    assert_string_equal(b.p, "012");
    char big[3000];
    memset(big, 'y', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_int_equal(kt_sb_fmt(&b, "[%s]%d", big, 7), KT_OK); /* longer than fmt's own room */
    assert_int_equal(b.len, 3 + 1 + 2999 + 1 + 1);
    assert_int_equal(b.p[b.len - 1], '7');
    char *t = kt_sb_take(&b);
    assert_null(b.p);
    assert_int_equal(b.len, 0);
    assert_int_equal(strncmp(t, "012[yy", 6), 0);
    free(t);
    kt_sb_free(&b);
}

/* Over max: KT_ELIMIT, kept; later appends are dropped, the text stays. */
static void test_limit_sticks(void **state) {
    (void)state;
    kt_sb b;
    kt_sb_init_grow(&b, 8);
    assert_int_equal(kt_sb_str(&b, "abcdef"), KT_OK);
    assert_int_equal(kt_sb_str(&b, "ghi"), KT_ELIMIT);
    assert_int_equal(kt_sb_chr(&b, 'z'), KT_ELIMIT);
    assert_int_equal(kt_sb_mem(&b, "", 0), KT_ELIMIT);
    assert_int_equal(b.err, KT_ELIMIT);
    assert_string_equal(b.p, "abcdef");
    assert_int_equal(kt_sb_write(&b, "x", 1), -1);
    kt_sb_cut(&b, 0);
    assert_int_equal(kt_sb_chr(&b, 'z'), KT_ELIMIT); /* cutting keeps the error */
    kt_sb_free(&b);
    assert_int_equal(b.err, KT_OK); /* freed: empty and usable again */
    assert_int_equal(kt_sb_str(&b, "12345678"), KT_OK);
    assert_string_equal(b.p, "12345678");
    kt_sb_free(&b);
}

static void test_json(void **state) {
    (void)state;
    kt_sb b = {0};
    kt_sb_json_str(&b, "a\"b\\c\nd\x01\x7f");
    kt_sb_chr(&b, ' ');
    kt_sb_json_str(&b, NULL);
    kt_sb_chr(&b, ' ');
    assert_int_equal(kt_sb_json_strn(&b, "æø", 2), KT_OK); /* the first 2 bytes: "æ" */
    assert_string_equal(b.p, "\"a\\\"b\\\\c\\nd\\u0001\\u007f\" \"\" \"æ\"");
    kt_sb_free(&b);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixed_as_snprintf),
        cmocka_unit_test(test_growing),
        cmocka_unit_test(test_limit_sticks),
        cmocka_unit_test(test_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
