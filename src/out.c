/* out.c -- buffered output to a callback. */
#include "out.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void kt_out_init(kt_out *o, kt_write_fn fn, void *ctx) {
    o->fn = fn;
    o->ctx = ctx;
    o->len = 0;
    o->failed = false;
}

static void flush(kt_out *o) {
    if (o->len && !o->failed && o->fn(o->ctx, o->buf, o->len) != 0) o->failed = true;
    o->len = 0;
}

void kt_out_mem(kt_out *o, const char *s, size_t n) {
    if (o->failed) return;
    if (o->len + n > sizeof o->buf) {
        flush(o);
        if (n > sizeof o->buf) {
            if (!o->failed && o->fn(o->ctx, s, n) != 0) o->failed = true;
            return;
        }
    }
    memcpy(o->buf + o->len, s, n);
    o->len += n;
}

void kt_out_str(kt_out *o, const char *s) { kt_out_mem(o, s, strlen(s)); }

void kt_out_fmt(kt_out *o, const char *fmt, ...) {
    char tmp[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    kt_out_mem(o, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

void kt_out_int(kt_out *o, long v) {
    char tmp[24];
    int i = (int)sizeof tmp;
    unsigned long u = v < 0 ? 0ul - (unsigned long)v : (unsigned long)v;
    do {
        tmp[--i] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0) tmp[--i] = '-';
    kt_out_mem(o, tmp + i, sizeof tmp - (size_t)i);
}

void kt_out_json_str(kt_out *o, const char *s) {
    static const char hex[] = "0123456789abcdef";
    kt_out_mem(o, "\"", 1);
    const char *run = s;
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch >= 0x20 && ch != '"' && ch != '\\') continue;
        kt_out_mem(o, run, (size_t)(s - run));
        switch (ch) {
        case '"': kt_out_mem(o, "\\\"", 2); break;
        case '\\': kt_out_mem(o, "\\\\", 2); break;
        case '\n': kt_out_mem(o, "\\n", 2); break;
        case '\t': kt_out_mem(o, "\\t", 2); break;
        case '\r': kt_out_mem(o, "\\r", 2); break;
        default: {
            char esc[6] = {'\\', 'u', '0', '0', hex[ch >> 4], hex[ch & 15]};
            kt_out_mem(o, esc, 6);
        }
        }
        run = s + 1;
    }
    kt_out_mem(o, run, (size_t)(s - run));
    kt_out_mem(o, "\"", 1);
}

void kt_out_date(kt_out *o, kt_date d) {
    char b[11];
    kt_date_format(d, b);
    kt_out_mem(o, b, strlen(b));
}

void kt_out_json_date(kt_out *o, kt_date d) {
    if (d == KT_NO_DATE) {
        kt_out_mem(o, "null", 4);
        return;
    }
    char b[12];
    b[0] = '"';
    kt_date_format(d, b + 1);
    kt_out_mem(o, b, 11);
    kt_out_mem(o, "\"", 1);
}

int kt_out_finish(kt_out *o) {
    flush(o);
    return o->failed ? KT_EIO : KT_OK;
}
