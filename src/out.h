/*
 * out.h -- a buffered writer over a kt_write_fn, with JSON string escaping.
 * Errors are sticky: after the callback fails, writes are dropped and
 * kt_out_finish returns KT_EIO.
 */
#ifndef KT_OUT_H
#define KT_OUT_H

#include "kontakt.h"

#include <stdbool.h>

typedef struct kt_out {
    kt_write_fn fn;
    void *ctx;
    size_t len;
    bool failed;
    char buf[8192];
} kt_out;

void kt_out_init(kt_out *o, kt_write_fn fn, void *ctx);
void kt_out_mem(kt_out *o, const char *s, size_t n);
void kt_out_str(kt_out *o, const char *s);
void kt_out_fmt(kt_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void kt_out_int(kt_out *o, long v);
/* A JSON string with quotes; invalid UTF-8 is passed through as given (the
 * library only writes text it made or validated). */
void kt_out_json_str(kt_out *o, const char *s);
/* "YYYY-MM-DD" with quotes, or null. */
void kt_out_json_date(kt_out *o, kt_date d);
void kt_out_date(kt_out *o, kt_date d);
int kt_out_finish(kt_out *o);

#endif
