/* test_canon.c -- canonical JSON from text (store/canon.c) must be byte for
 * byte what the store's jansson way (ks__canon) writes, and must give up on
 * everything outside its plain subset. */
#define _POSIX_C_SOURCE 200809L
#include "testutil.h"

#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* jansson's canonical form of text, or NULL if jansson refuses it. */
static char *reference(const char *text) {
    json_error_t je;
    json_t *v = json_loads(text, JSON_DECODE_ANY, &je);
    char *out = v ? ks__canon(v) : NULL;
    json_decref(v);
    return out;
}

/* ks__canon_plain of text: its result, and the output in *out (malloc'ed). */
static int plain(const char *text, char **out) {
    kt_sb b = {0};
    assert_int_equal(kt_sb_mem(&b, "x", 1), 0); /* output is appended after what is there */
    int r = ks__canon_plain(text, strlen(text), &b);
    assert_non_null(b.p);
    assert_int_equal(b.p[0], 'x');
    if (r != 1) assert_int_equal(b.len, 1); /* nothing left behind */
    *out = strdup(b.p + 1);
    free(b.p);
    return r;
}

static void agrees(const char *text) {
    char *got, *want = reference(text);
    int r = plain(text, &got);
    if (r != 1) fail_msg("not plain: %s", text);
    assert_non_null(want);
    assert_string_equal(got, want);
    free(got);
    free(want);
}

static void refuses(const char *text) {
    char *got;
    int r = plain(text, &got);
    if (r != 0) fail_msg("taken as plain: %s -> %s", text, got);
    free(got);
}

static void test_plain_agrees(void **st) {
    (void)st;
    agrees("{}");
    agrees("[]");
    agrees("  { \"b\" : 1 , \"a\" : [ true , false , null ] }\n");
    agrees("{\"date\":\"2020-11-03\",\"holder\":\"jobcenter\",\"form\":\"telefon\",\"held\":true}");
    agrees("{\"z\":{\"y\":{\"x\":[1,-2,0,[],{}]}},\"a\":\"\",\"ab\":\"a/b\",\"aa\":-123456789012345678}");
    agrees("{\"b\":1,\"a\":2,\"B\":3,\"_\":4,\"a0\":5,\"\":6}"); /* byte order of keys */
    agrees("\"~ !#$%&'()*+,-./:;<=>?@[]^_`{|}\"");
    agrees("42");
    agrees("[0,-1,999999999999999999]");
}

static void test_plain_refuses(void **st) {
    (void)st;
    refuses("\"a\\\"b\"");            /* an escape */
    refuses("\"a\\u00e6\"");
    refuses("\"\xc3\xa6\"");          /* non-ASCII: jansson keeps it, but we do not check UTF-8 */
    refuses("\"\x7f\"");
    refuses("1.5");                  /* reals: jansson's own formatting */
    refuses("1e3");
    refuses("-0");
    refuses("1234567890123456789");  /* 19 digits may not fit in a json_int_t */
    refuses("{\"a\":1,\"a\":2}");    /* jansson keeps the last */
    refuses("[1,]");
    refuses("{\"a\":1,}");
    refuses("{\"a\" 1}");
    refuses("[1 2]");
    refuses("01");
    refuses("tru");
    refuses("[1] x");
    refuses("");
    refuses("{\"a\":[");
    char deep[200] = "";
    for (int i = 0; i < 40; i++) strcat(deep, "[");
    for (int i = 0; i < 40; i++) strcat(deep, "]");
    refuses(deep);
    char wide[1024] = "{";
    for (int i = 0; i < 60; i++) {
        char m[24];
        snprintf(m, sizeof m, "%s\"k%02d\":%d", i ? "," : "", i, i);
        strcat(wide, m);
    }
    strcat(wide, "}");
    refuses(wide);
}

/* Random values from a small grammar, some of them outside the plain
 * subset: whatever ks__canon_plain takes must agree with jansson, and it
 * must take most of the plain ones. */
static unsigned long rng = 20261123;
static unsigned next(unsigned n) {
    rng = rng * 6364136223846793005UL + 1442695040888963407UL;
    return (unsigned)(rng >> 33) % n;
}

static void gen(kt_sb *b, int depth) {
    static const char *const scalars[] = {"true", "false", "null", "0", "7", "-12", "2024",
                                          "\"\"", "\"x\"", "\"2024-01-08\"", "1.5", "\"\\n\"",
                                          "\"\xc3\xa6\"", "-0", "99999999999999999999"};
    static const char *const keys[] = {"a", "b", "from", "to", "date", "A", "aa", "", "z_1"};
    unsigned pick = depth > 4 ? 2 : next(4);
    if (pick == 0) {
        kt_sb_mem(b, "{", 1);
        unsigned n = next(5);
        for (unsigned i = 0; i < n; i++) {
            const char *sep = next(3) ? "," : " , ";
            if (i) kt_sb_mem(b, sep, strlen(sep));
            const char *k = keys[next(sizeof keys / sizeof *keys)];
            kt_sb_mem(b, "\"", 1);
            kt_sb_mem(b, k, strlen(k));
            kt_sb_mem(b, "\":", 2);
            gen(b, depth + 1);
        }
        kt_sb_mem(b, "}", 1);
    } else if (pick == 1) {
        kt_sb_mem(b, "[", 1);
        unsigned n = next(4);
        for (unsigned i = 0; i < n; i++) {
            if (i) kt_sb_mem(b, ",", 1);
            gen(b, depth + 1);
        }
        kt_sb_mem(b, "]", 1);
    } else {
        unsigned n = next(8) ? 10 : sizeof scalars / sizeof *scalars; /* mostly plain ones */
        const char *s = scalars[next(n)];
        kt_sb_mem(b, s, strlen(s));
    }
}

static void test_random_values(void **st) {
    (void)st;
    int taken = 0, total = 5000;
    for (int i = 0; i < total; i++) {
        kt_sb b = {0};
        gen(&b, 0);
        char *got;
        int r = plain(b.p, &got);
        char *want = reference(b.p);
        if (r == 1) {
            taken++;
            if (!want || strcmp(got, want) != 0)
                fail_msg("%s: plain %s, jansson %s", b.p, got, want ? want : "(refused)");
        }
        free(got);
        free(want);
        free(b.p);
    }
    assert_true(taken > total / 3); /* the test exercises the plain path */
}

static void test_cursor(void **st) {
    (void)st;
    const char *t = " {\"id\":\"c1\", \"benefits\":[{\"a\":1},{\"b\":[2]}] ,\"n\":null}";
    ks_plain_cursor c;
    ks_span k, v;
    assert_int_equal(ks__plain_open(&c, t, strlen(t), '['), 0);
    assert_int_equal(ks__plain_open(&c, t, strlen(t), '{'), 1);
    assert_int_equal(ks__plain_member(&c, &k, &v), 1);
    assert_true(ks__span_is(k, "id") && ks__span_is(v, "\"c1\""));
    assert_int_equal(ks__plain_member(&c, &k, &v), 1);
    assert_true(ks__span_is(k, "benefits"));
    ks_plain_cursor a;
    ks_span e;
    assert_int_equal(ks__plain_open(&a, v.p, v.n, '['), 1);
    assert_int_equal(ks__plain_element(&a, &e), 1);
    assert_true(ks__span_is(e, "{\"a\":1}"));
    assert_int_equal(ks__plain_element(&a, &e), 1);
    assert_true(ks__span_is(e, "{\"b\":[2]}"));
    assert_int_equal(ks__plain_element(&a, &e), 0);
    assert_int_equal(ks__plain_member(&c, &k, &v), 1);
    assert_true(ks__span_is(k, "n") && ks__span_is(v, "null"));
    assert_int_equal(ks__plain_member(&c, &k, &v), 0);
    const char *bad = "{\"a\":\"\\u0041\"}";
    assert_int_equal(ks__plain_open(&c, bad, strlen(bad), '{'), 1);
    assert_int_equal(ks__plain_member(&c, &k, &v), -1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_agrees),
        cmocka_unit_test(test_plain_refuses),
        cmocka_unit_test(test_random_values),
        cmocka_unit_test(test_cursor),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
