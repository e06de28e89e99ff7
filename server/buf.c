/* buf.c -- a growing byte buffer with a maximum size. */
#include "srv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sb_init(sbuf *b, size_t max) {
    b->p = NULL;
    b->len = b->cap = 0;
    b->max = max ? max : SB_DEFAULT_MAX;
    b->failed = 0;
}

void sb_free(sbuf *b) {
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

static int grow(sbuf *b, size_t need) {
    if (b->failed) return -1;
    if (need > b->max) {
        b->failed = 1;
        return -1;
    }
    size_t cap = b->cap ? b->cap : 1024;
    while (cap < need) cap = cap > b->max / 2 ? b->max : cap * 2;
    char *np = realloc(b->p, cap);
    if (!np) {
        b->failed = 1;
        return -1;
    }
    b->p = np;
    b->cap = cap;
    return 0;
}

void sb_mem(sbuf *b, const void *s, size_t n) {
    if (b->failed || n == 0) return;
    if (b->len + n > b->cap && grow(b, b->len + n)) return;
    memcpy(b->p + b->len, s, n);
    b->len += n;
}

void sb_str(sbuf *b, const char *s) { sb_mem(b, s, strlen(s)); }
void sb_chr(sbuf *b, char c) { sb_mem(b, &c, 1); }

void sb_int(sbuf *b, long v) {
    char tmp[24];
    int n = snprintf(tmp, sizeof tmp, "%ld", v);
    sb_mem(b, tmp, (size_t)n);
}

void sb_fmt(sbuf *b, const char *fmt, ...) {
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n < sizeof tmp) {
        sb_mem(b, tmp, (size_t)n);
        return;
    }
    if (b->len + (size_t)n + 1 > b->cap && grow(b, b->len + (size_t)n + 1)) return;
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void sb_json_strn(sbuf *b, const char *s, size_t n) {
    static const char hex[] = "0123456789abcdef";
    sb_chr(b, '"');
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch >= 0x20 && ch != '"' && ch != '\\' && ch != 0x7f) continue;
        sb_mem(b, s + run, i - run);
        switch (ch) {
        case '"': sb_mem(b, "\\\"", 2); break;
        case '\\': sb_mem(b, "\\\\", 2); break;
        case '\n': sb_mem(b, "\\n", 2); break;
        case '\t': sb_mem(b, "\\t", 2); break;
        case '\r': sb_mem(b, "\\r", 2); break;
        default: {
            char esc[6] = {'\\', 'u', '0', '0', hex[ch >> 4], hex[ch & 15]};
            sb_mem(b, esc, 6);
        }
        }
        run = i + 1;
    }
    sb_mem(b, s + run, n - run);
    sb_chr(b, '"');
}

void sb_json_str(sbuf *b, const char *s) { sb_json_strn(b, s ? s : "", s ? strlen(s) : 0); }

int sb_write(void *ctx, const char *data, size_t len) {
    sbuf *b = ctx;
    sb_mem(b, data, len);
    return b->failed ? -1 : 0;
}
