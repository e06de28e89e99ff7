/*
 * out.h -- a buffered writer over a kt_write_fn, with JSON string escaping.
 * Errors are sticky: after the callback fails, writes are dropped and
 * kt_out_finish returns KT_EIO.
 */
#ifndef KT_OUT_H
#define KT_OUT_H

#include "kontakt.h"

#include <stdbool.h>
#include <string.h>

typedef struct kt_out {
    kt_write_fn fn;
    void *ctx;
    size_t len;
    bool failed;
    char *buf;  /* own, or lent by the caller (kt_out_init_lent) */
    size_t cap; /* >= KT_OUT_MIN */
    char own[8192];
} kt_out;

enum { KT_OUT_MIN = 8192 };

void kt_out_init(kt_out *o, kt_write_fn fn, void *ctx);
/* Writes into the caller's buffer (cap >= KT_OUT_MIN bytes, len of them
 * already filled, which are handed on first when it fills): a batch writer
 * appends plans where they go out, no copy. */
void kt_out_init_lent(kt_out *o, char *buf, size_t cap, size_t len, kt_write_fn fn, void *ctx);
void kt_out_mem(kt_out *o, const char *s, size_t n);

/* kt_out_mem with the common case inline: the bytes fit in the buffer.
 * (After a failure the buffer still fills, but it is never handed on.) */
static inline void kt_out_put(kt_out *o, const char *s, size_t n) {
    if (o->len + n <= o->cap) {
        memcpy(o->buf + o->len, s, n);
        o->len += n;
    } else {
        kt_out_mem(o, s, n);
    }
}
/* Hands the buffer on (as when it fills). */
void kt_out_flush(kt_out *o);
/* Room for n more bytes (n <= cap) at the returned pointer, for a
 * writer that fills it without a check per part; kt_out_done takes the end
 * of what was written there. */
static inline char *kt_out_room(kt_out *o, size_t n) {
    if (o->len + n > o->cap) kt_out_flush(o);
    return o->buf + o->len;
}
static inline void kt_out_done(kt_out *o, char *end) { o->len = (size_t)(end - o->buf); }
/* A string literal, without strlen. */
#define KT_OUT_LIT(o, lit) kt_out_put((o), "" lit, sizeof(lit) - 1)
void kt_out_str(kt_out *o, const char *s);
void kt_out_fmt(kt_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void kt_out_int(kt_out *o, long v);
/* A JSON string with quotes; invalid UTF-8 is passed through as given (the
 * library only writes text it made or validated). */
void kt_out_json_str(kt_out *o, const char *s);
/* The same for n bytes (no NUL among them). */
void kt_out_json_strn(kt_out *o, const char *s, size_t n);
/* The inside of a JSON string: n bytes escaped, no quotes. */
void kt_out_json_body(kt_out *o, const char *s, size_t n);
/* "YYYY-MM-DD" with quotes, or null. */
void kt_out_json_date(kt_out *o, kt_date d);
void kt_out_date(kt_out *o, kt_date d);
int kt_out_finish(kt_out *o);

#endif
