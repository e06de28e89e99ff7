/* test_clients.c -- which client a request behind a trusted proxy counts
 * for, and the per-client counts (server/clients.c, --trust-proxy). */
#include "testutil.h"

#include "clients.h"

#include <string.h>

static void test_trusted_list(void **st) {
    (void)st;
    ksrv_clients *c = NULL;
    assert_int_equal(ksrv_clients_new("10.0.0.1, ::1,[2001:db8::7]", 2, &c), 0);
    assert_true(ksrv_clients_trusted(c, "10.0.0.1"));
    assert_true(ksrv_clients_trusted(c, "0:0:0:0:0:0:0:1")); /* the same address */
    assert_true(ksrv_clients_trusted(c, "2001:db8:0::7"));
    assert_false(ksrv_clients_trusted(c, "10.0.0.2"));
    assert_false(ksrv_clients_trusted(c, "not an address"));
    ksrv_clients_free(c);
    assert_int_equal(ksrv_clients_new("10.0.0.1,proxy.local", 2, &c), -1);
    assert_int_equal(ksrv_clients_new("", 2, &c), -1);
    assert_int_equal(ksrv_clients_new(",", 2, &c), -1);
}

static void test_key(void **st) {
    (void)st;
    ksrv_clients *c = NULL;
    assert_int_equal(ksrv_clients_new("127.0.0.1,10.0.0.1", 2, &c), 0);
    char k[KSRV_CLIENT_KEY];
    /* a peer that is no trusted proxy: itself, whatever it says */
    ksrv_clients_key(c, "192.0.2.5", "198.51.100.1", k);
    assert_string_equal(k, "192.0.2.5");
    /* through the proxy: the rightmost address that is not a trusted proxy */
    ksrv_clients_key(c, "127.0.0.1", "203.0.113.7", k);
    assert_string_equal(k, "203.0.113.7");
    ksrv_clients_key(c, "127.0.0.1", "6.6.6.6, 203.0.113.7", k);
    assert_string_equal(k, "203.0.113.7");
    ksrv_clients_key(c, "127.0.0.1", "203.0.113.7, 10.0.0.1 ,127.0.0.1", k);
    assert_string_equal(k, "203.0.113.7");
    ksrv_clients_key(c, "127.0.0.1", "2001:DB8:0:0::1", k);
    assert_string_equal(k, "2001:db8::1");
    ksrv_clients_key(c, "127.0.0.1", "[2001:db8::1]", k);
    assert_string_equal(k, "2001:db8::1");
    /* no header, or only proxies: the proxy itself */
    ksrv_clients_key(c, "127.0.0.1", NULL, k);
    assert_string_equal(k, "127.0.0.1");
    ksrv_clients_key(c, "127.0.0.1", "10.0.0.1, 127.0.0.1", k);
    assert_string_equal(k, "127.0.0.1");
    /* what a proxy in front wrote that is no address is taken as it is;
     * empty entries are skipped */
    ksrv_clients_key(c, "127.0.0.1", "203.0.113.7, unknown", k);
    assert_string_equal(k, "unknown");
    ksrv_clients_key(c, "127.0.0.1", "203.0.113.7, , ", k);
    assert_string_equal(k, "203.0.113.7");
    /* a very long entry is cut to the key's size, not overrun */
    char longx[300];
    memset(longx, 'x', sizeof longx - 1);
    longx[sizeof longx - 1] = '\0';
    ksrv_clients_key(c, "127.0.0.1", longx, k);
    assert_int_equal(strlen(k), KSRV_CLIENT_KEY - 1);
    ksrv_clients_free(c);
}

static void test_counts(void **st) {
    (void)st;
    ksrv_clients *c = NULL;
    assert_int_equal(ksrv_clients_new("127.0.0.1", 2, &c), 0);
    assert_true(ksrv_clients_enter(c, "a"));
    assert_false(ksrv_clients_full(c, "a"));
    assert_true(ksrv_clients_enter(c, "a"));
    assert_true(ksrv_clients_full(c, "a"));
    assert_false(ksrv_clients_enter(c, "a")); /* the limit: refused, not counted */
    assert_true(ksrv_clients_enter(c, "b"));  /* another client is not held up */
    ksrv_clients_leave(c, "a");
    assert_false(ksrv_clients_full(c, "a"));
    assert_true(ksrv_clients_enter(c, "a"));
    ksrv_clients_leave(c, "a");
    ksrv_clients_leave(c, "a");
    ksrv_clients_leave(c, "a"); /* one too many: nothing happens */
    ksrv_clients_leave(c, "never");
    assert_false(ksrv_clients_full(c, "a"));
    ksrv_clients_free(c);
    /* limit 0: no limit */
    assert_int_equal(ksrv_clients_new("127.0.0.1", 0, &c), 0);
    for (int i = 0; i < 1000; i++) assert_true(ksrv_clients_enter(c, "a"));
    assert_false(ksrv_clients_full(c, "a"));
    ksrv_clients_free(c);
}

int main(void) {
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_trusted_list), cmocka_unit_test(test_key),
                                       cmocka_unit_test(test_counts)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
