/* test_json_locate.c -- kt_json_locate: positions were counted by hand. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "json_locate.h"

/* Runs kt_json_locate on a heap copy of exactly len bytes, so that
 * AddressSanitizer catches any read past the end (a literal's NUL would hide
 * it). */
static int locate_n(const char *text, size_t len, const char *pointer, int *line, int *column) {
    char *copy = malloc(len ? len : 1);
    assert_non_null(copy);
    if (len)
        memcpy(copy, text, len);
    *line = -7;
    *column = -7;
    int rc = kt_json_locate(copy, len, pointer, line, column);
    free(copy);
    return rc;
}

/* A macro, so that a failure names the line of the case that failed. */
#define EXPECT_AT(text, pointer, want_rc, want_line, want_column)                                  \
    do {                                                                                           \
        int line_, column_;                                                                        \
        int rc_ = locate_n((text), strlen(text), (pointer), &line_, &column_);                     \
        assert_int_equal(rc_, (want_rc));                                                          \
        assert_int_equal(line_, (want_line));                                                      \
        assert_int_equal(column_, (want_column));                                                  \
    } while (0)

/* The shape of a real case file, with CRLF swapped in by one test. */
static const char case_text[] = "{\n"
                                "  \"name\": \"Ane\",\n"
                                "  \"conversations\": [\n"
                                "    {\"date\": \"2024-03-04\", \"kind\": \"cv_samtale\"},\n"
                                "    {\n"
                                "      \"date\": \"2024-13-01\"\n"
                                "    }\n"
                                "  ]\n"
                                "}\n";

static void test_whole_document(void **state) {
    (void)state;
    EXPECT_AT("{\"a\": 1}", "", 0, 1, 1);
    EXPECT_AT("  \n\t {\"a\": 1}", "", 0, 2, 3);
    EXPECT_AT("42", "", 0, 1, 1);
    EXPECT_AT("\r\n\r\n  \"s\"", "", 0, 3, 3);
    /* The BOM is not counted: the '[' is where an editor shows it. */
    EXPECT_AT("\xEF\xBB\xBF[1]", "", 0, 1, 1);
    EXPECT_AT("\xEF\xBB\xBF\n  [1]", "", 0, 2, 3);
    EXPECT_AT(case_text, "", 0, 1, 1);
}

static void test_nested_objects(void **state) {
    (void)state;
    const char *text = "{\"a\":{\"b\":{\"c\":true}}}";
    EXPECT_AT(text, "/a", 0, 1, 6);
    EXPECT_AT(text, "/a/b", 0, 1, 11);
    EXPECT_AT(text, "/a/b/c", 0, 1, 16);
    /* Keys that are prefixes of one another must not be confused. */
    EXPECT_AT("{\"ab\": 1, \"a\": 2}", "/a", 0, 1, 16);
    EXPECT_AT("{\"ab\": 1, \"a\": 2}", "/ab", 0, 1, 8);
    EXPECT_AT("{\"ab\": 1, \"a\": 2}", "/abc", 1, 1, 1);
    /* Siblings of every kind are skipped on the way. */
    EXPECT_AT("{\"s\": \"}]\\\"{\", \"n\": -1.5e+3, \"o\": {\"p\": [1, {}, []]}, \"t\": false, "
              "\"z\": null}",
              "/z", 0, 1, 72);
}

static void test_arrays(void **state) {
    (void)state;
    const char *text = "[10, [20, 30], {\"x\": [null, \"y\"]}]";
    EXPECT_AT(text, "/0", 0, 1, 2);
    EXPECT_AT(text, "/1", 0, 1, 6);
    EXPECT_AT(text, "/1/0", 0, 1, 7);
    EXPECT_AT(text, "/1/1", 0, 1, 11);
    EXPECT_AT(text, "/2", 0, 1, 16);
    EXPECT_AT(text, "/2/x", 0, 1, 22);
    EXPECT_AT(text, "/2/x/0", 0, 1, 23);
    EXPECT_AT(text, "/2/x/1", 0, 1, 29);
    EXPECT_AT("[ \n 7 ]", "/0", 0, 2, 2);
}

static void test_multiline(void **state) {
    (void)state;
    EXPECT_AT(case_text, "/name", 0, 2, 11);
    EXPECT_AT(case_text, "/conversations", 0, 3, 20);
    EXPECT_AT(case_text, "/conversations/0", 0, 4, 5);
    EXPECT_AT(case_text, "/conversations/0/date", 0, 4, 14);
    EXPECT_AT(case_text, "/conversations/0/kind", 0, 4, 36);
    EXPECT_AT(case_text, "/conversations/1", 0, 5, 5);
    EXPECT_AT(case_text, "/conversations/1/date", 0, 6, 15);
}

/* CR is only a byte before the '\n': the same lines and columns as with LF. */
static void test_crlf(void **state) {
    (void)state;
    char crlf[sizeof case_text * 2];
    size_t n = 0;
    for (const char *p = case_text; *p; p++) {
        if (*p == '\n')
            crlf[n++] = '\r';
        crlf[n++] = *p;
    }
    crlf[n] = '\0';
    EXPECT_AT(crlf, "/name", 0, 2, 11);
    EXPECT_AT(crlf, "/conversations/0/kind", 0, 4, 36);
    EXPECT_AT(crlf, "/conversations/1/date", 0, 6, 15);
    EXPECT_AT(crlf, "/conversations/2", 1, 3, 20);
}

static void test_escaped_keys(void **state) {
    (void)state;
    const char *text = "{\n"
                       "  \"a/b\": 1,\n"
                       "  \"m~n\": 2,\n"
                       "  \"q\\\"t\": 3,\n"
                       "  \"\\u00e6ble\": 4,\n"
                       "  \"b\\\\s\": 5,\n"
                       "  \"x\\/y\": 6,\n"
                       "  \"~1\": 7,\n"
                       "  \"\\ud83d\\ude00\": 8,\n"
                       "  \"\": 9,\n"
                       "  \"\\u00E6\": 10\n"
                       "}";
    EXPECT_AT(text, "/a~1b", 0, 2, 10);
    EXPECT_AT(text, "/m~0n", 0, 3, 10);
    EXPECT_AT(text, "/q\"t", 0, 4, 11);
    EXPECT_AT(text, "/\xC3\xA6" "ble", 0, 5, 16);
    EXPECT_AT(text, "/b\\s", 0, 6, 11);
    EXPECT_AT(text, "/x~1y", 0, 7, 11);
    /* RFC 6901: "~01" decodes to "~1", not to "~/" nor "/". */
    EXPECT_AT(text, "/~01", 0, 8, 9);
    EXPECT_AT(text, "/\xF0\x9F\x98\x80", 0, 9, 19); /* surrogate pair -> U+1F600 */
    EXPECT_AT(text, "/", 0, 10, 7);                 /* the empty key */
    EXPECT_AT(text, "/\xC3\xA6", 0, 11, 13);        /* upper-case hex digits */
    /* Near misses are missing, and "/a/b" is not the key "a/b". */
    EXPECT_AT(text, "/a/b", 1, 1, 1);
    EXPECT_AT(text, "/\xC3\xA6" "b", 1, 1, 1);
    EXPECT_AT(text, "/q\\\"t", 1, 1, 1);
    EXPECT_AT(text, "/~1", 1, 1, 1);
    /* A lone surrogate decodes to bytes no pointer matches, without harm. */
    EXPECT_AT("{\"\\ud800x\": 1, \"y\": 2}", "/y", 0, 1, 21);
}

static void test_duplicate_keys(void **state) {
    (void)state;
    EXPECT_AT("{\"k\": 1, \"k\": 2}", "/k", 0, 1, 7);
    EXPECT_AT("{\"k\": {}, \"k\": {\"x\": 1}}", "/k/x", 1, 1, 7);
}

static void test_missing_member(void **state) {
    (void)state;
    const char *text = "{\"a\": {\"b\": 1}}";
    EXPECT_AT(text, "/x", 1, 1, 1);
    EXPECT_AT(text, "/a/c", 1, 1, 7);
    EXPECT_AT(text, "/a/c/d/e", 1, 1, 7);
    /* A scalar has no members: it is the nearest existing ancestor. */
    EXPECT_AT(text, "/a/b/c", 1, 1, 13);
    EXPECT_AT("{}", "/a", 1, 1, 1);
    EXPECT_AT(case_text, "/conversations/1/kind", 1, 5, 5);
    EXPECT_AT(case_text, "/person", 1, 1, 1);
}

static void test_index_out_of_range(void **state) {
    (void)state;
    const char *text = "[1, 2]";
    EXPECT_AT(text, "/1", 0, 1, 5);
    EXPECT_AT(text, "/2", 1, 1, 1);
    EXPECT_AT(text, "/-", 1, 1, 1);                          /* past-the-end */
    EXPECT_AT(text, "/01", 1, 1, 1);                         /* leading zero */
    EXPECT_AT(text, "/+1", 1, 1, 1);
    EXPECT_AT(text, "/x", 1, 1, 1);
    EXPECT_AT(text, "/", 1, 1, 1);
    EXPECT_AT(text, "/99999999999999999999999999", 1, 1, 1); /* overflows size_t */
    EXPECT_AT(text, "/18446744073709551616", 1, 1, 1);       /* 2^64: must not wrap to 0 */
    EXPECT_AT("[]", "/0", 1, 1, 1);
    EXPECT_AT("[ ]", "/0", 1, 1, 1);
    EXPECT_AT(case_text, "/conversations/2", 1, 3, 20);
    EXPECT_AT(case_text, "/conversations/2/date", 1, 3, 20);
}

static void test_bad_pointer(void **state) {
    (void)state;
    EXPECT_AT("{\"a\": 1}", "a", -1, 1, 1);
    EXPECT_AT("{\"a~2\": 1}", "/a~2", -1, 1, 1);
    EXPECT_AT("{\"a~\": 1}", "/a~", -1, 1, 1);
    EXPECT_AT("  {\"a\": 1}", NULL, -1, 1, 3);
}

static void test_broken_text(void **state) {
    (void)state;
    EXPECT_AT("", "", -1, 1, 1);
    EXPECT_AT("   ", "", -1, 1, 4);
    EXPECT_AT("\xEF\xBB", "", -1, 1, 1); /* half a BOM is no BOM */
    EXPECT_AT("}", "", -1, 1, 1);
    EXPECT_AT("nul", "", -1, 1, 1);
    EXPECT_AT("-", "", -1, 1, 2);
    EXPECT_AT("1.", "", -1, 1, 3);
    EXPECT_AT("\"abc", "", -1, 1, 5);
    EXPECT_AT("{\"a\": [1, 2", "/b", -1, 1, 12);
    EXPECT_AT("{\"a\" 1}", "/a", -1, 1, 6);
    EXPECT_AT("{\"a\": tru}", "/a", -1, 1, 7);
    EXPECT_AT("{\"a\": \"x\\q\"}", "/a", -1, 1, 10);
    EXPECT_AT("{\"a\": \"\\u12G4\"}", "/a", -1, 1, 12);
    EXPECT_AT("{\"a\": 01, \"b\": 2}", "/b", -1, 1, 8);
    EXPECT_AT("{\"a\": 1,}", "/b", -1, 1, 9);
    EXPECT_AT("[1,,2]", "/1", -1, 1, 4);
    EXPECT_AT("[1 2]", "/1", -1, 1, 4);
    EXPECT_AT("{\"a\":\n}", "/a", -1, 2, 1);
    EXPECT_AT("{\"a\": [1}", "", -1, 1, 9);
    EXPECT_AT("{1: 2}", "/1", -1, 1, 2);

    /* len is honoured: the text stops after "[1,". */
    int line, column;
    assert_int_equal(locate_n("[1, 2]", 3, "/1", &line, &column), -1);
    assert_int_equal(column, 4);
    assert_int_equal(kt_json_locate(NULL, 0, "", &line, &column), -1);
    assert_int_equal(line, 1);
    assert_int_equal(column, 1);
}

/* Every cut-short copy of a real document: the root never completes, and a
 * value is found exactly when the text reaches past its end. */
static void test_every_truncation(void **state) {
    (void)state;
    const char *date_value = strstr(case_text, "\"2024-13-01\"");
    size_t date_end = (size_t)(date_value - case_text) + strlen("\"2024-13-01\"");
    size_t full = strlen(case_text);
    size_t array_end = (size_t)(strstr(case_text, "  ]\n") - case_text) + 3;
    for (size_t n = 0; n < full; n++) {
        int line, column;
        int rc = locate_n(case_text, n, "", &line, &column);
        /* The final byte is the newline after the root: not needed. */
        assert_int_equal(rc, n >= full - 1 ? 0 : -1);
        rc = locate_n(case_text, n, "/conversations/1/date", &line, &column);
        if (n >= date_end) {
            assert_int_equal(rc, 0);
            assert_int_equal(line, 6);
            assert_int_equal(column, 15);
        } else {
            assert_int_equal(rc, -1);
        }
        /* A missing element needs the whole array, up to its ']'. */
        rc = locate_n(case_text, n, "/conversations/9", &line, &column);
        if (n >= array_end) {
            assert_int_equal(rc, 1);
            assert_int_equal(line, 3);
            assert_int_equal(column, 20);
        } else {
            assert_int_equal(rc, -1);
        }
    }
}

/* Builds `depth` times `open`, then `middle`, then `depth` times `close`. */
static char *nested(size_t depth, char open, const char *middle, char close, size_t *len) {
    size_t middle_len = strlen(middle);
    *len = depth * 2 + middle_len;
    char *text = malloc(*len + 1);
    assert_non_null(text);
    memset(text, open, depth);
    memcpy(text + depth, middle, middle_len);
    memset(text + depth + middle_len, close, depth);
    text[*len] = '\0';
    return text;
}

static void test_depth_cap(void **state) {
    (void)state;
    int line, column;
    size_t len;

    /* 512 levels are allowed, whether skipped or walked. */
    char *text = nested(512, '[', "0", ']', &len);
    assert_int_equal(locate_n(text, len, "", &line, &column), 0);
    assert_int_equal(column, 1);
    char pointer[600 * 2 + 1];
    for (int i = 0; i < 600; i++)
        memcpy(pointer + 2 * i, "/0", 3);
    pointer[512 * 2] = '\0';
    assert_int_equal(locate_n(text, len, pointer, &line, &column), 0);
    assert_int_equal(column, 513);
    pointer[511 * 2] = '\0';
    assert_int_equal(locate_n(text, len, pointer, &line, &column), 0);
    assert_int_equal(column, 512);
    free(text);

    /* The 513th level stops the scan, at its bracket. */
    text = nested(513, '[', "0", ']', &len);
    assert_int_equal(locate_n(text, len, "", &line, &column), -1);
    assert_int_equal(column, 513);
    for (int i = 0; i < 600; i++)
        memcpy(pointer + 2 * i, "/0", 3);
    assert_int_equal(locate_n(text, len, pointer, &line, &column), -1);
    assert_int_equal(column, 513);
    /* Half walked (200 levels), half skipped (313): still too deep. */
    pointer[200 * 2] = '\0';
    assert_int_equal(locate_n(text, len, pointer, &line, &column), -1);
    assert_int_equal(column, 513);
    free(text);

    /* 100000 unclosed brackets: no stack overflow, just -1. */
    text = nested(100000, '[', "", ']', &len);
    assert_int_equal(locate_n(text, 100000, "", &line, &column), -1);
    assert_int_equal(column, 513);
    free(text);

    /* Objects count the same way. */
    size_t levels = 600;
    char *objects = malloc(levels * 5 + 1);
    assert_non_null(objects);
    for (size_t i = 0; i < levels; i++)
        memcpy(objects + 5 * i, "{\"a\":", 5);
    objects[levels * 5] = '\0';
    assert_int_equal(locate_n(objects, levels * 5, "", &line, &column), -1);
    assert_int_equal(column, 512 * 5 + 1);
    free(objects);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_whole_document),   cmocka_unit_test(test_nested_objects),
        cmocka_unit_test(test_arrays),           cmocka_unit_test(test_multiline),
        cmocka_unit_test(test_crlf),             cmocka_unit_test(test_escaped_keys),
        cmocka_unit_test(test_duplicate_keys),   cmocka_unit_test(test_missing_member),
        cmocka_unit_test(test_index_out_of_range), cmocka_unit_test(test_bad_pointer),
        cmocka_unit_test(test_broken_text),      cmocka_unit_test(test_every_truncation),
        cmocka_unit_test(test_depth_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
