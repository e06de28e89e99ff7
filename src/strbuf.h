/*
 * strbuf.h -- appending text to a fixed buffer without printf.
 *
 * The result is exactly what a series of snprintf appends would give: the
 * first size-1 bytes of the concatenation, NUL-terminated, and `n` counts
 * every byte asked for (the length it needed).
 */
#ifndef KT_STRBUF_H
#define KT_STRBUF_H

#include "kontakt.h"

#include <stddef.h>
#include <string.h>

typedef struct kt_sb {
    char *buf;
    size_t size; /* > 0 */
    size_t n;    /* length asked for so far */
} kt_sb;

static inline void kt_sb_init(kt_sb *b, char *buf, size_t size) {
    b->buf = buf;
    b->size = size;
    b->n = 0;
    buf[0] = '\0';
}

static inline void kt_sb_mem(kt_sb *b, const char *s, size_t len) {
    if (b->n + 1 < b->size) {
        size_t room = b->size - 1 - b->n;
        memcpy(b->buf + b->n, s, len < room ? len : room);
    }
    b->n += len;
}

static inline void kt_sb_str(kt_sb *b, const char *s) { kt_sb_mem(b, s, strlen(s)); }

/* A string literal, without strlen. */
#define KT_SB_LIT(b, lit) kt_sb_mem((b), "" lit, sizeof(lit) - 1)

/* %d / %u */
static inline void kt_sb_int(kt_sb *b, long v) {
    char tmp[24];
    int i = (int)sizeof tmp;
    unsigned long u = v < 0 ? 0ul - (unsigned long)v : (unsigned long)v;
    do {
        tmp[--i] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0) tmp[--i] = '-';
    kt_sb_mem(b, tmp + i, sizeof tmp - (size_t)i);
}

/* kt_date_format's text (nothing for KT_NO_DATE). */
static inline void kt_sb_date(kt_sb *b, kt_date d) {
    char day[11];
    kt_date_format(d, day);
    kt_sb_mem(b, day, d == KT_NO_DATE ? 0 : 10);
}

/* NUL-terminates; returns the length asked for (as snprintf does). */
static inline size_t kt_sb_end(kt_sb *b) {
    b->buf[b->n < b->size ? b->n : b->size - 1] = '\0';
    return b->n;
}

#endif
