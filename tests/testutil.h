/* testutil.h -- shared by the cmocka unit tests. */
#ifndef KT_TESTUTIL_H
#define KT_TESTUTIL_H
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "kontakt.h"

/* "2024-03-04" -> kt_date; fails the test on a bad literal. */
static inline kt_date D(const char *s) {
    kt_date d = KT_NO_DATE;
    int rc = kt_date_parse(s, 10, &d);
    assert_int_equal(rc, KT_OK);
    return d;
}
#endif
