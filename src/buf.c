/* buf.c -- kt_sb, the text buffer (include/kontakt_buf.h): what does not fit
 * in the room at hand. */
#include "kontakt_buf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

void kt_sb_init(kt_sb *b, char *buf, size_t size) {
    *b = (kt_sb){.p = buf, .cap = size, .fixed = 1};
    buf[0] = '\0';
}

void kt_sb_init_grow(kt_sb *b, size_t max) { *b = (kt_sb){.max = max}; }

void kt_sb_free(kt_sb *b) {
    if (!b->fixed) free(b->p);
    kt_sb_init_grow(b, b->max);
}

char *kt_sb_take(kt_sb *b) {
    char *p = b->p;
    kt_sb_init_grow(b, b->max);
    return p;
}

/* A failed growing buffer: no room from now on, so appends come here. A
 * fixed one only reports it. */
static int fail(kt_sb *b, int err) {
    if (b->fixed) return err;
    b->err = err;
    b->cap = 0;
    return err;
}

int kt_sb_more(kt_sb *b, const void *s, size_t n) {
    if (b->fixed) { /* cut to fit, as snprintf */
        size_t room = b->cap - 1 - b->len, k = n < room ? n : room;
        memcpy(b->p + b->len, s, k);
        b->len += k;
        b->p[b->len] = '\0';
        b->lost += n - k;
        return KT_OK;
    }
    if (b->err) return b->err;
    if (n > SIZE_MAX / 2 - b->len || (b->max && b->len + n > b->max)) return fail(b, KT_ELIMIT);
    size_t need = b->len + n + 1, cap = b->cap ? b->cap : 1024;
    while (cap < need) cap *= 2;
    if (b->max && cap > b->max + 1) cap = b->max + 1;
    char *p = realloc(b->p, cap);
    if (!p) return fail(b, KT_ENOMEM);
    b->p = p;
    b->cap = cap;
    if (n) memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
    return KT_OK;
}

int kt_sb_fmt(kt_sb *b, const char *fmt, ...) {
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0) return fail(b, KT_ELIMIT);
    if ((size_t)n < sizeof tmp) return kt_sb_mem(b, tmp, (size_t)n);
    char *big = malloc((size_t)n + 1);
    if (!big) return fail(b, KT_ENOMEM);
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    int r = kt_sb_mem(b, big, (size_t)n);
    free(big);
    return r;
}

int kt_sb_json_strn(kt_sb *b, const char *s, size_t n) {
    static const char hex[] = "0123456789abcdef";
    kt_sb_chr(b, '"');
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch >= 0x20 && ch != '"' && ch != '\\' && ch != 0x7f) continue;
        kt_sb_mem(b, s + run, i - run);
        switch (ch) {
        case '"': kt_sb_mem(b, "\\\"", 2); break;
        case '\\': kt_sb_mem(b, "\\\\", 2); break;
        case '\n': kt_sb_mem(b, "\\n", 2); break;
        case '\t': kt_sb_mem(b, "\\t", 2); break;
        case '\r': kt_sb_mem(b, "\\r", 2); break;
        default: {
            char esc[6] = {'\\', 'u', '0', '0', hex[ch >> 4], hex[ch & 15]};
            kt_sb_mem(b, esc, 6);
        }
        }
        run = i + 1;
    }
    kt_sb_mem(b, s + run, n - run);
    return kt_sb_chr(b, '"');
}

int kt_sb_json_str(kt_sb *b, const char *s) { return kt_sb_json_strn(b, s ? s : "", s ? strlen(s) : 0); }

int kt_sb_write(void *ctx, const char *data, size_t len) { return kt_sb_mem(ctx, data, len) ? -1 : 0; }
