/* out.c -- buffered output to a callback. */
#include "out.h"
#include "kontakt_buf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

void kt_out_init(kt_out *o, kt_write_fn fn, void *ctx) {
    o->fn = fn;
    o->ctx = ctx;
    o->len = 0;
    o->failed = false;
    o->buf = o->own;
    o->cap = sizeof o->own;
}

void kt_out_init_lent(kt_out *o, char *buf, size_t cap, size_t len, kt_write_fn fn, void *ctx) {
    o->fn = fn;
    o->ctx = ctx;
    o->len = len;
    o->failed = false;
    o->buf = buf;
    o->cap = cap;
}

void kt_out_flush(kt_out *o) {
    if (o->len && !o->failed && o->fn(o->ctx, o->buf, o->len) != 0) o->failed = true;
    o->len = 0;
}

void kt_out_mem(kt_out *o, const char *s, size_t n) {
    if (o->failed) return;
    if (o->len + n > o->cap) {
        kt_out_flush(o);
        if (n > o->cap) {
            if (!o->failed && o->fn(o->ctx, s, n) != 0) o->failed = true;
            return;
        }
    }
    memcpy(o->buf + o->len, s, n);
    o->len += n;
}

void kt_out_str(kt_out *o, const char *s) { kt_out_put(o, s, strlen(s)); }

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
    if (v >= 0 && v < 10) { /* counts and course numbers mostly */
        char c = (char)('0' + v);
        kt_out_put(o, &c, 1);
        return;
    }
    char tmp[KT_LTOA_MAX];
    int i = kt_ltoa_end(tmp, v);
    kt_out_put(o, tmp + i, KT_LTOA_MAX - (size_t)i);
}

/* SWAR: a byte of x below 0x20 (any n <= 128 works), or equal to b. Exact:
 * never set without such a byte (Hacker's Delight / "haszero"). */
#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull
static inline uint64_t has_less(uint64_t x, unsigned n) { return (x - ONES * n) & ~x & HIGHS; }
static inline uint64_t has_byte(uint64_t x, unsigned b) {
    uint64_t y = x ^ (ONES * b);
    return (y - ONES) & ~y & HIGHS;
}

/* How many bytes from s need no escape (< n). */
static size_t plain_run(const char *s, size_t n) {
    size_t i = 0;
#ifdef __SSE2__
    const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\'), c1f = _mm_set1_epi8(0x1F);
    while (i + 16 <= n) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, bslash)),
                                   _mm_cmpeq_epi8(_mm_min_epu8(x, c1f), x)); /* x <= 0x1F */
        unsigned m = (unsigned)_mm_movemask_epi8(hit);
        if (m) return i + (size_t)__builtin_ctz(m);
        i += 16;
    }
    if (i < n && n >= 16) { /* the tail: the last 16 bytes, those before i masked off */
        size_t j = n - 16;
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + j));
        __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, bslash)),
                                   _mm_cmpeq_epi8(_mm_min_epu8(x, c1f), x));
        unsigned m = (unsigned)_mm_movemask_epi8(hit) & ~((1u << (i - j)) - 1u);
        return m ? j + (size_t)__builtin_ctz(m) : n;
    }
#endif
    while (i + 8 <= n) {
        uint64_t x;
        memcpy(&x, s + i, 8);
        if (has_less(x, 0x20) | has_byte(x, '"') | has_byte(x, '\\')) break;
        i += 8;
    }
    while (i < n) {
        unsigned char ch = (unsigned char)s[i];
        if (ch < 0x20 || ch == '"' || ch == '\\') break;
        i++;
    }
    return i;
}

void kt_out_json_body(kt_out *o, const char *s, size_t n) {
    static const char hex[] = "0123456789abcdef";
    for (;;) {
        size_t run = plain_run(s, n);
        kt_out_put(o, s, run);
        s += run;
        n -= run;
        if (!n) break;
        unsigned char ch = (unsigned char)*s++;
        n--;
        switch (ch) {
        case '"': kt_out_put(o, "\\\"", 2); break;
        case '\\': kt_out_put(o, "\\\\", 2); break;
        case '\n': kt_out_put(o, "\\n", 2); break;
        case '\t': kt_out_put(o, "\\t", 2); break;
        case '\r': kt_out_put(o, "\\r", 2); break;
        default: {
            char esc[6] = {'\\', 'u', '0', '0', hex[ch >> 4], hex[ch & 15]};
            kt_out_put(o, esc, 6);
        }
        }
    }
}

void kt_out_json_strn(kt_out *o, const char *s, size_t n) {
    if (n < 32) {
        /* short (ids, codes): a byte loop, then the string in one room */
        bool plain = true;
        if (n >= 8) { /* eight bytes at a time, the last eight overlapping */
            uint64_t x;
            for (size_t i = 0; i + 8 <= n; i += 8) {
                memcpy(&x, s + i, 8);
                plain &= !(has_less(x, 0x20) | has_byte(x, '"') | has_byte(x, '\\'));
            }
            memcpy(&x, s + n - 8, 8);
            plain &= !(has_less(x, 0x20) | has_byte(x, '"') | has_byte(x, '\\'));
        } else {
            for (size_t i = 0; i < n; i++)
                plain &= (unsigned char)s[i] >= 0x20 && s[i] != '"' && s[i] != '\\';
        }
        if (plain) {
            char *at = kt_out_room(o, n + 2);
            at[0] = '"';
            memcpy(at + 1, s, n);
            at[n + 1] = '"';
            kt_out_done(o, at + n + 2);
            return;
        }
    }
    kt_out_put(o, "\"", 1);
    kt_out_json_body(o, s, n);
    kt_out_put(o, "\"", 1);
}

void kt_out_json_str(kt_out *o, const char *s) { kt_out_json_strn(o, s, strlen(s)); }

void kt_out_date(kt_out *o, kt_date d) {
    char b[11];
    kt_date_format(d, b);
    kt_out_mem(o, b, strlen(b));
}

void kt_out_json_date(kt_out *o, kt_date d) {
    if (d == KT_NO_DATE) {
        kt_out_put(o, "null", 4);
        return;
    }
    char b[12];
    b[0] = '"';
    kt_date_format(d, b + 1);
    b[11] = '"';
    kt_out_put(o, b, 12);
}

int kt_out_finish(kt_out *o) {
    kt_out_flush(o);
    return o->failed ? KT_EIO : KT_OK;
}
