/* test_idset.c -- the set of case ids a fresh import uses to tell a case's
 * first line from a later one (store/idset.c). */
#include "testutil.h"

#include "internal.h"

#include <stdio.h>

static void test_add_and_find(void **st) {
    (void)st;
    ks_idset *set = ks__idset_new();
    assert_non_null(set);
    char id[32];
    for (int i = 0; i < 200000; i++) { /* past several doublings */
        snprintf(id, sizeof id, "gen-%06d", i);
        assert_int_equal(ks__idset_add(set, id), 1);
    }
    for (int i = 0; i < 200000; i += 7) {
        snprintf(id, sizeof id, "gen-%06d", i);
        assert_int_equal(ks__idset_add(set, id), 0);
    }
    assert_int_equal(ks__idset_add(set, "gen-1"), 1);  /* a prefix is another id */
    assert_int_equal(ks__idset_add(set, "gen-0000001"), 1);
    assert_int_equal(ks__idset_add(set, ""), 1);
    assert_int_equal(ks__idset_add(set, ""), 0);
    ks__idset_free(set);
    ks__idset_free(NULL);
}

int main(void) {
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_add_and_find)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
