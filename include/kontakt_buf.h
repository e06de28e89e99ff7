/*
 * kontakt_buf.h -- kt_sb, the one text buffer of kontakt (library, store,
 * server and CLI), in one of two modes:
 *
 *  - growing (kt_sb_init_grow, or a zeroed kt_sb: no limit): the buffer owns
 *    p and grows it up to max bytes of text. The first failure (out of
 *    memory: KT_ENOMEM, over max: KT_ELIMIT) is kept in err and returned by
 *    that and every later append, which are dropped; the text held stays
 *    valid. kt_sb_free releases p, or kt_sb_take hands it to the caller.
 *  - fixed (kt_sb_init): the caller's array, never grown nor freed. Text
 *    that does not fit is cut off, as snprintf would, and counted in lost,
 *    so kt_sb_end gives the length it needed; cutting is not an error.
 *
 * In both modes p[len] is a NUL after every append (p is NULL in a growing
 * buffer until the first append). The fields may be read; change them only
 * through these functions. Appends return KT_OK or the buffer's error.
 */
#ifndef KONTAKT_BUF_H
#define KONTAKT_BUF_H

#include "kontakt.h"

#include <stddef.h>
#include <string.h>

typedef struct kt_sb {
    char *p;     /* the text, NUL-terminated */
    size_t len;  /* bytes of text held */
    size_t cap;  /* room at p for text + NUL (0 once a growing buffer failed,
                  * so that every later append takes the slow path) */
    size_t max;  /* growing: the most bytes of text (0: no limit) */
    size_t lost; /* fixed: bytes cut off */
    int err;     /* KT_OK, KT_ENOMEM or KT_ELIMIT (growing only) */
    int fixed;   /* p is the caller's array */
} kt_sb;

/* A fixed buffer over buf[size], size > 0; holds "". */
void kt_sb_init(kt_sb *b, char *buf, size_t size);
/* An empty growing buffer of at most max bytes of text (0: no limit). */
void kt_sb_init_grow(kt_sb *b, size_t max);
/* Releases a growing buffer's text; b is then empty (and keeps max). */
void kt_sb_free(kt_sb *b);
/* A growing buffer's text, now the caller's (free it; NULL if nothing was
 * appended); b is then empty. */
char *kt_sb_take(kt_sb *b);

/* Cuts the text back to its first n bytes (n <= len), keeping the memory
 * (and a growing buffer's error): kt_sb_cut(b, 0) empties b for reuse. */
static inline void kt_sb_cut(kt_sb *b, size_t n) {
    if (n < b->len) b->len = n;
    if (b->p) b->p[b->len] = '\0';
    b->lost = 0;
}

/* The appends beyond the room at hand (kt_sb_mem's slow path). */
int kt_sb_more(kt_sb *b, const void *s, size_t n);

static inline int kt_sb_mem(kt_sb *b, const void *s, size_t n) {
    if (b->len + n < b->cap) { /* the common case, inline: it fits */
        if (n) memcpy(b->p + b->len, s, n); /* s may be NULL when n is 0 */
        b->len += n;
        b->p[b->len] = '\0';
        return KT_OK;
    }
    return kt_sb_more(b, s, n);
}

static inline int kt_sb_str(kt_sb *b, const char *s) { return kt_sb_mem(b, s, strlen(s)); }
static inline int kt_sb_chr(kt_sb *b, char c) { return kt_sb_mem(b, &c, 1); }
/* A string literal, without strlen. */
#define KT_SB_LIT(b, lit) kt_sb_mem((b), "" lit, sizeof(lit) - 1)

/* v in decimal, written backwards into the end of tmp: returns the index
 * of its first character (the text is tmp + i .. tmp + KT_LTOA_MAX). */
#define KT_LTOA_MAX 24
static inline int kt_ltoa_end(char tmp[KT_LTOA_MAX], long v) {
    int i = KT_LTOA_MAX;
    unsigned long u = v < 0 ? 0ul - (unsigned long)v : (unsigned long)v;
    do {
        tmp[--i] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0) tmp[--i] = '-';
    return i;
}

/* %ld */
static inline int kt_sb_int(kt_sb *b, long v) {
    char tmp[KT_LTOA_MAX];
    int i = kt_ltoa_end(tmp, v);
    return kt_sb_mem(b, tmp + i, KT_LTOA_MAX - (size_t)i);
}

/* kt_date_format's text (nothing for KT_NO_DATE). */
static inline int kt_sb_date(kt_sb *b, kt_date d) {
    char day[11];
    kt_date_format(d, day);
    return kt_sb_mem(b, day, d == KT_NO_DATE ? 0 : 10);
}

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
int kt_sb_fmt(kt_sb *b, const char *fmt, ...);

/* A JSON string literal, quotes included; invalid UTF-8 is passed on as is
 * (for text the caller made or validated). NULL writes "". */
int kt_sb_json_str(kt_sb *b, const char *s);
int kt_sb_json_strn(kt_sb *b, const char *s, size_t n);

/* A kt_write_fn appending to the kt_sb ctx (0, or -1 once it failed). */
int kt_sb_write(void *ctx, const char *data, size_t len);

/* The length the text needed: len, plus what a fixed buffer cut off (as
 * snprintf returns). */
static inline size_t kt_sb_end(const kt_sb *b) { return b->len + b->lost; }

#endif
