/*
 * case_reader.c -- kt_case_parse: a fast, strict reader of valid cases, with
 * the jansson reader of json_in.c as the reference for everything else.
 *
 * The fast reader walks the text once, directed by the case format
 * (spec/case-format.md), and fills the same kt_case the reference builds.
 * It gives up (KT_FAST_UNSURE) on the first thing that is not plainly valid,
 * and then the reference parses the text again and decides, with its
 * problems, pointers, lines and columns. Giving up is always safe; accepting
 * is allowed only where the reference would accept with the same result:
 *
 *  - JSON: exactly RFC 8259 as jansson reads it with JSON_REJECT_DUPLICATES,
 *    minus what this reader leaves to the reference: any backslash escape,
 *    numbers with an exponent, integers of more than 18 digits or numbers of
 *    more than 64 characters, objects with more than MAX_KEYS members,
 *    nesting deeper than MAX_DEPTH. Strings must be strict UTF-8 without
 *    control characters, keys must not repeat in any object (unknown ones
 *    included), and nothing but whitespace may follow the case.
 *  - The case: every rule of json_in.c's walk (types, required members,
 *    enums, strict dates, to >= from, categories that belong to the benefit,
 *    printable ids that do not look like a CPR number, the named limits).
 *    Without escapes a string's bytes in the text are its value, so lengths
 *    and comparisons are those of the reference.
 */
#include "case_reader.h"

#include "date.h"
#include "model.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define MAX_KEYS 48  /* members of one object */
#define MAX_DEPTH 32 /* nesting of unknown members */

/* ---- case memory -------------------------------------------------------------------- */

/* A case is one block: a header with the room it has, then the kt_case and
 * its arrays. The last freed block is kept in one atomic slot and reused by
 * the next case that fits (a dense case is ~1.5 KiB, beyond glibc's
 * per-thread cache: malloc and free cost ~700 instructions). A new block's
 * room is the case's size rounded up to a power of two, at least
 * CASE_ROOM_MIN: a stream of cases soon keeps one block that fits them all,
 * and a caller that holds many cases pays at most twice their size (a
 * fixed 4 KiB made a 340-byte case take a page of its own: twelve times
 * the memory, and a TLB miss per case). Off under AddressSanitizer, as the
 * plan's (plan.c), so that it sees every case. */
#if defined(__SANITIZE_ADDRESS__)
#define KT_CASE_CACHE 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define KT_CASE_CACHE 0
#endif
#endif
#ifndef KT_CASE_CACHE
#define KT_CASE_CACHE 1
#endif

typedef union case_block {
    size_t room;
    max_align_t align;
} case_block;

#define CASE_ROOM_MIN 512

#if KT_CASE_CACHE
static _Atomic(case_block *) case_cache;
#endif

kt_case *kt_case_alloc(size_t bytes) {
    case_block *b = NULL;
    size_t room = bytes;
#if KT_CASE_CACHE
    if (atomic_load_explicit(&case_cache, memory_order_relaxed))
        b = atomic_exchange_explicit(&case_cache, NULL, memory_order_acquire);
    if (b && b->room < bytes) {
        free(b);
        b = NULL;
    }
    if (room < CASE_ROOM_MIN) room = CASE_ROOM_MIN;
    else if (room <= KT_MAX_CASE_BYTES) room = (size_t)1 << (64 - __builtin_clzll((unsigned long long)room - 1));
#endif
    if (!b) {
        if (room > SIZE_MAX - sizeof *b) return NULL;
        b = malloc(sizeof *b + room);
        if (!b) return NULL;
        b->room = room;
    }
    memset(b + 1, 0, bytes);
    return (kt_case *)(void *)(b + 1);
}

void kt_case_free(kt_case *c) {
    if (!c) return;
    case_block *b = (case_block *)(void *)c - 1;
#if KT_CASE_CACHE
    b = atomic_exchange_explicit(&case_cache, b, memory_order_acq_rel);
#endif
    free(b);
}

/* ---- growable arrays that start on the stack --------------------------------------- */

typedef struct vec {
    void *p;
    uint32_t n, cap;
    bool heap;
} vec;

static void *vec_grow(vec *v, size_t elem);

/* The next element's room: inline while the array has room. */
static inline void *vec_push(vec *v, size_t elem) {
    if (v->n < v->cap) return (char *)v->p + (size_t)v->n++ * elem;
    return vec_grow(v, elem);
}

static void *vec_grow(vec *v, size_t elem) {
    if (v->n == v->cap) {
        uint32_t cap = v->cap * 2;
        void *p = v->heap ? realloc(v->p, (size_t)cap * elem) : malloc((size_t)cap * elem);
        if (!p) return NULL;
        if (!v->heap) memcpy(p, v->p, (size_t)v->n * elem);
        v->p = p;
        v->cap = cap;
        v->heap = true;
    }
    return (char *)v->p + (size_t)v->n++ * elem;
}

static void vec_free(vec *v) {
    if (v->heap) free(v->p);
}

/* ---- the reader ------------------------------------------------------------------- */

typedef struct rd {
    const unsigned char *p, *end;
    int depth;
    /* what the case is made of, in input order */
    vec periods, cats, convs, events;
    kt_period periods0[8];
    kt_category_at cats0[16];
    kt_conversation convs0[32];
    kt_event events0[16];
} rd;

/* Byte classes inside a string: 0 plain, 1 the closing quote, 2 a backslash
 * or a control character (left to the reference), 3 a UTF-8 lead byte. */
static const unsigned char str_class[256] = {
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
};

static inline void ws(rd *r) {
    /* compact JSON has none: one test for the common case */
    while (r->p < r->end && *r->p <= ' ' &&
           (*r->p == ' ' || *r->p == '\n' || *r->p == '\r' || *r->p == '\t'))
        r->p++;
}

/* The next byte after whitespace, or -1 at the end. */
static inline int peek(rd *r) {
    ws(r);
    return r->p < r->end ? *r->p : -1;
}

static inline bool eat(rd *r, unsigned char c) {
    ws(r);
    if (r->p < r->end && *r->p == c) {
        r->p++;
        return true;
    }
    return false;
}

/* One well-formed UTF-8 sequence (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF) starting at p[0] >= 0x80. Returns its
 * length, or 0. */
static size_t utf8_seq(const unsigned char *p, const unsigned char *end) {
    unsigned c = p[0];
    size_t n;
    unsigned lo = 0x80, hi = 0xBF; /* range of the second byte */
    if (c >= 0xC2 && c <= 0xDF) n = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0) lo = 0xA0;
        if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0) lo = 0x90;
        if (c == 0xF4) hi = 0x8F;
    } else
        return 0;
    if ((size_t)(end - p) < n) return 0;
    if (p[1] < lo || p[1] > hi) return 0;
    for (size_t k = 2; k < n; k++)
        if (p[k] < 0x80 || p[k] > 0xBF) return 0;
    return n;
}

#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

#ifndef __SSE2__
/* Eight bytes that hold nothing but plain ASCII: no quote, no backslash, no
 * control character, no byte >= 0x80 (exact SWAR tests, "haszero"). */
static inline bool plain8(const unsigned char *p) {
    uint64_t x;
    memcpy(&x, p, 8);
    uint64_t q = x ^ (ONES * '"'), b = x ^ (ONES * '\\');
    uint64_t hit = ((x - ONES * 0x20) & ~x) | ((q - ONES) & ~q) | ((b - ONES) & ~b) | x;
    return (hit & HIGHS) == 0;
}
#endif

/* A string without escapes, at its opening quote; its bytes in *s, *n. */
static bool str(rd *r, const char **s, size_t *n) {
    const unsigned char *p = r->p + 1, *end = r->end;
    const unsigned char *start = p;
    for (;;) {
#ifdef __SSE2__
        /* 16 plain bytes at a time; stops on the first byte that is not */
        while (end - p >= 16) {
            __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
            __m128i hit = _mm_or_si128(
                _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('"')), _mm_cmpeq_epi8(x, _mm_set1_epi8('\\'))),
                _mm_cmpeq_epi8(_mm_min_epu8(x, _mm_set1_epi8(0x1F)), x)); /* x <= 0x1F */
            /* movemask of hit, and of x itself for the bytes >= 0x80 */
            unsigned m = (unsigned)(_mm_movemask_epi8(hit) | _mm_movemask_epi8(x));
            if (m) {
                p += __builtin_ctz(m);
                break;
            }
            p += 16;
        }
#else
        while (end - p >= 8 && plain8(p)) p += 8;
#endif
        if (p >= end) return false;
        if (*p == '"') break;
        unsigned k = str_class[*p];
        if (k == 0) {
            p++;
            continue;
        }
        if (k == 2) return false;
        size_t q = utf8_seq(p, end);
        if (!q) return false;
        p += q;
    }
    *s = (const char *)start;
    *n = (size_t)(p - start);
    r->p = p + 1;
    return true;
}

static bool literal(rd *r, const char *lit, size_t n) {
    if ((size_t)(r->end - r->p) < n || memcmp(r->p, lit, n) != 0) return false;
    r->p += n;
    return true;
}

static inline bool is_digit(int c) { return c >= '0' && c <= '9'; }

/* A number as jansson reads it, less what is left to the reference. */
static bool number(rd *r) {
    const unsigned char *p = r->p, *end = r->end, *start = r->p;
    if (p < end && *p == '-') p++;
    if (p >= end) return false;
    size_t digits = 0;
    if (*p == '0') {
        p++;
        digits = 1;
        if (p < end && is_digit(*p)) return false; /* leading zero: invalid */
    } else if (*p >= '1' && *p <= '9') {
        while (p < end && is_digit(*p)) p++, digits++;
    } else {
        return false;
    }
    bool real = false;
    if (p < end && *p == '.') {
        p++;
        if (p >= end || !is_digit(*p)) return false;
        while (p < end && is_digit(*p)) p++;
        real = true;
    }
    if (p < end && (*p == 'e' || *p == 'E')) return false; /* left to the reference */
    if (!real && digits > 18) return false;                 /* might not fit json_int_t */
    if (p - start > 64) return false;
    r->p = p;
    return true;
}

typedef struct keyset {
    const char *k[MAX_KEYS];
    uint32_t n[MAX_KEYS];
    int count;
} keyset;

/* The next member of an object whose '{' was read: 1 with its key (and the
 * ':' read), 0 after the closing '}', -1 on anything else (a repeated key
 * included). */
static int member(rd *r, keyset *ks, const char **k, size_t *n) {
    int c = peek(r);
    if (c == '}') {
        r->p++;
        return 0;
    }
    if (ks->count > 0) {
        if (c != ',') return -1;
        r->p++;
        c = peek(r);
    }
    if (c != '"') return -1;
    /* keys are short plain ASCII: a byte loop beats str's set-up */
    const unsigned char *q = r->p + 1;
    while (q < r->end && str_class[*q] == 0) q++;
    if (q < r->end && *q == '"') {
        *k = (const char *)r->p + 1;
        *n = (size_t)(q - r->p - 1);
        r->p = q + 1;
    } else if (!str(r, k, n)) {
        return -1;
    }
    for (int i = 0; i < ks->count; i++) /* a repeated key: left to the reference */
        if (ks->n[i] == *n && (*n == 0 || (ks->k[i][0] == (*k)[0] && memcmp(ks->k[i], *k, *n) == 0)))
            return -1;
    if (ks->count == MAX_KEYS) return -1;
    ks->k[ks->count] = *k;
    ks->n[ks->count++] = (uint32_t)*n;
    return eat(r, ':') ? 1 : -1;
}

/* ---- known keys ------------------------------------------------------------------------ */

/* A known key of an object: its name and closing quote, zero padded, and
 * their length. Keys of the case format are at most 21 bytes with the quote. */
typedef struct kkey {
    char t[24];
    uint8_t n;
} kkey;
#define KK(name) {name "\"", sizeof(name)}

/* Are the n bytes t (a name and its quote) at p? p must hold n rounded up
 * to eight bytes (the callers check 24 for keys, 40 for names): eight bytes
 * at a time, the last word masked to the bytes that count (the mask is a
 * byte array, so byte order does not matter). */
static inline bool text_at(const unsigned char *p, const char *t, unsigned n) {
    static const unsigned char ff[16] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
    for (unsigned i = 0;; i += 8) {
        uint64_t x, y, m;
        memcpy(&x, p + i, 8);
        memcpy(&y, t + i, 8);
        unsigned rem = n - i;
        if (rem >= 8) {
            if (x != y) return false;
            if (rem == 8) return true;
            continue;
        }
        memcpy(&m, ff + 8 - rem, 8);
        return ((x ^ y) & m) == 0;
    }
}

static inline bool kkey_at(const unsigned char *p, const kkey *k) { return text_at(p, k->t, k->n); }

enum { K_END = -1, K_BAD = -2, K_UNKNOWN = -3 };

/* The state of one object's members: the known keys seen (a bit each) and
 * the unknown ones (checked against each other only: an unknown key is
 * never a known one). */
typedef struct members {
    uint32_t seen;
    int next; /* the key after the last known one: members mostly come in table order */
    keyset unknown;
} members;

static void members_init(members *ms) {
    ms->seen = 0;
    ms->next = 0;
    ms->unknown.count = 0;
}

/* A key that is not at p compared in place: read it as member() does. */
static int other_key(rd *r, const kkey *keys, int count, members *ms) {
    const unsigned char *p = r->p + 1, *q = p;
    const char *k;
    size_t n;
    while (q < r->end && str_class[*q] == 0) q++;
    if (q < r->end && *q == '"') {
        k = (const char *)p;
        n = (size_t)(q - p);
        r->p = q + 1;
    } else if (!str(r, &k, &n)) {
        return K_BAD;
    }
    for (int i = 0; i < count; i++) /* near the end of the text: a known key */
        if (keys[i].n == n + 1 && memcmp(keys[i].t, k, n) == 0) {
            if (ms->seen & (1u << i)) return K_BAD;
            ms->seen |= 1u << i;
            return eat(r, ':') ? i : K_BAD;
        }
    keyset *ks = &ms->unknown;
    for (int i = 0; i < ks->count; i++) /* a repeated key: left to the reference */
        if (ks->n[i] == n && (n == 0 || memcmp(ks->k[i], k, n) == 0)) return K_BAD;
    if (ks->count == MAX_KEYS) return K_BAD;
    ks->k[ks->count] = k;
    ks->n[ks->count++] = (uint32_t)n;
    return eat(r, ':') ? K_UNKNOWN : K_BAD;
}

/* The next member of an object whose '{' was read, its ':' read too: the
 * index of its key in keys[count], K_UNKNOWN for another key, K_END after
 * the closing '}', K_BAD on anything else (a repeated key included). Known
 * keys are compared in place, without scanning them first; inlined into
 * each reader, so that its keys are constants (a byte compare each, then
 * one to three word compares). */
static inline __attribute__((always_inline)) int next_key(rd *r, const kkey *keys, int count,
                                                          members *ms) {
    if (r->p < r->end && *r->p <= ' ') ws(r); /* compact JSON has none */
    const unsigned char *p = r->p;
    if (p >= r->end) return K_BAD;
    if (*p == '}') {
        r->p = p + 1;
        return K_END;
    }
    if (ms->seen | (uint32_t)ms->unknown.count) {
        if (*p != ',') return K_BAD;
        r->p = ++p;
        if (p < r->end && *p <= ' ') {
            ws(r);
            p = r->p;
        }
        if (p >= r->end) return K_BAD;
    }
    if (*p != '"') return K_BAD;
    p++;
    if (r->end - p >= 24) {
        /* the key that follows the last one in the table first: the same
         * answer as the loop below (the names differ, so at most one matches) */
        const int nx = ms->next;
        if (nx < count && kkey_at(p, &keys[nx]) && p[keys[nx].n] == ':' && !(ms->seen & (1u << nx))) {
            ms->seen |= 1u << nx;
            ms->next = nx + 1;
            r->p = p + keys[nx].n + 1;
            return nx;
        }
        for (int i = 0; i < count; i++) {
            if (p[0] == (unsigned char)keys[i].t[0] && kkey_at(p, &keys[i])) {
                if (ms->seen & (1u << i)) return K_BAD; /* a repeated key: left to the reference */
                ms->seen |= 1u << i;
                ms->next = i + 1;
                p += keys[i].n;
                if (p < r->end && *p == ':') {
                    r->p = p + 1;
                    return i;
                }
                r->p = p;
                return eat(r, ':') ? i : K_BAD;
            }
        }
    }
    return other_key(r, keys, count, ms);
}

/* The next element of an array whose '[' was read: 1 if one follows, 0
 * after the closing ']', -1 on anything else. *i counts elements. */
static int element(rd *r, size_t *i) {
    int c = peek(r);
    if (c == ']') {
        r->p++;
        return 0;
    }
    if (*i > 0) {
        if (c != ',') return -1;
        r->p++;
    }
    return 1;
}

static bool skip_value(rd *r);

static bool skip_object(rd *r) {
    keyset ks;
    ks.count = 0;
    const char *k;
    size_t n;
    int m;
    r->p++;
    while ((m = member(r, &ks, &k, &n)) == 1)
        if (!skip_value(r)) return false;
    return m == 0;
}

static bool skip_array(rd *r) {
    size_t i = 0;
    int m;
    r->p++;
    while ((m = element(r, &i)) == 1) {
        if (!skip_value(r)) return false;
        i++;
    }
    return m == 0;
}

/* Any JSON value, checked and passed over (unknown members). */
static bool skip_value(rd *r) {
    const char *s;
    size_t n;
    bool ok;
    switch (peek(r)) {
    case '{':
        if (++r->depth > MAX_DEPTH) return false;
        ok = skip_object(r);
        r->depth--;
        return ok;
    case '[':
        if (++r->depth > MAX_DEPTH) return false;
        ok = skip_array(r);
        r->depth--;
        return ok;
    case '"': return str(r, &s, &n);
    case 't': return literal(r, "true", 4);
    case 'f': return literal(r, "false", 5);
    case 'n': return literal(r, "null", 4);
    default: return number(r);
    }
}

/* ---- values of known members --------------------------------------------------------- */

/* F_DATE: a string that is a valid date, read by date_value; F_ENUM: a
 * string that is a name of the table enum_value read it with */
enum { F_ABSENT = 0, F_NULL, F_STR, F_TRUE, F_FALSE, F_OTHER, F_DATE, F_ENUM };

typedef struct fv {
    uint8_t kind;
    uint8_t e; /* F_ENUM: the name's index */
    kt_date d; /* F_DATE: the day */
    const char *s;
    size_t n;
} fv;

static bool value(rd *r, fv *v) {
    switch (peek(r)) {
    case '"': v->kind = F_STR; return str(r, &v->s, &v->n);
    case 'n': v->kind = F_NULL; return literal(r, "null", 4);
    case 't': v->kind = F_TRUE; return literal(r, "true", 4);
    case 'f': v->kind = F_FALSE; return literal(r, "false", 5);
    default: v->kind = F_OTHER; return skip_value(r);
    }
}

/* The value of a member that holds a date: a quoted valid date is checked
 * and converted where it stands (its ten bytes are digits and dashes, so a
 * plain JSON string); anything else is read by value() and judged by
 * date_of as before. */
static inline bool date_value(rd *r, fv *v) {
    const unsigned char *p = r->p;
    if (r->end - p >= 12 && p[0] == '"' && p[11] == '"' &&
        kt_date_parse_inline((const char *)p + 1, 10, &v->d) == KT_OK) {
        v->kind = F_DATE;
        v->s = (const char *)p + 1;
        v->n = 10;
        r->p = p + 12;
        return true;
    }
    return value(r, v);
}

/* get_date of json_in.c, without a problem: false where it would report one. */
static inline bool date_of(const fv *v, bool required, bool nullable, kt_date *d) {
    if (v->kind == F_DATE) {
        *d = v->d;
        return true;
    }
    if (v->kind == F_ABSENT || (v->kind == F_NULL && nullable)) {
        *d = KT_NO_DATE;
        return !required;
    }
    return v->kind == F_STR && kt_date_parse_inline(v->s, v->n, d) == KT_OK;
}

/* get_bool: absent or null gives the default. */
static bool bool_of(const fv *v, bool dflt, bool *b) {
    if (v->kind == F_ABSENT || v->kind == F_NULL) *b = dflt;
    else if (v->kind == F_TRUE) *b = true;
    else if (v->kind == F_FALSE) *b = false;
    else return false;
    return true;
}

/* kt_lookup, looking at the first byte before the rest; no strlen: s holds
 * no NUL, so the comparison stops at the end of a shorter name */
static int lookup(const char *const *names, int count, const char *s, size_t n) {
    if (n == 0) return -1; /* the empty names are never matched */
    for (int i = 0; i < count; i++) {
        const char *a = names[i];
        if (a[0] != s[0]) continue;
        size_t j = 1;
        while (j < n && a[j] == s[j]) j++;
        if (j == n && a[n] == '\0') return i;
    }
    return -1;
}

/* ---- names compared in place ------------------------------------------------------------ */

/* The names of case-format.md (names.c) as kkey-like entries, name and
 * closing quote zero padded: a value is compared where it stands, a word at
 * a time, instead of being scanned and then looked up byte by byte. Built
 * once from names.c's arrays, so they cannot drift apart. */
typedef struct kname {
    char t[40];
    uint8_t n; /* 0: never matched (the empty names, or one too long) */
} kname;
typedef struct names_tab {
    int count;
    uint8_t first[256]; /* 1 + the first name starting with that byte, or 0 */
    uint8_t next[24];   /* 1 + the next name with the same first byte, or 0 */
    kname k[24];
} names_tab;
enum { NT_BENEFIT, NT_CATEGORY, NT_EVENT, NT_TOPIC, NT_REASON, NT_HOLDER, NT_FORM, NT_COUNT };
static names_tab name_tabs[NT_COUNT];
static pthread_once_t names_once = PTHREAD_ONCE_INIT;

static void names_build(void) {
    static const struct {
        const char *const *names;
        int count;
    } src[NT_COUNT] = {
        [NT_BENEFIT] = {kt_benefit_names, B_COUNT},  [NT_CATEGORY] = {kt_category_names, C_COUNT},
        [NT_EVENT] = {kt_event_names, EV_COUNT},     [NT_TOPIC] = {kt_topic_names, T_COUNT},
        [NT_REASON] = {kt_reason_names, R_COUNT},    [NT_HOLDER] = {kt_holder_names, KT_HOLDER_COUNT},
        [NT_FORM] = {kt_form_names, KT_FORM_COUNT},
    };
    for (int t = 0; t < NT_COUNT; t++) {
        names_tab *tab = &name_tabs[t];
        /* a table too small keeps the names it has room for: the rest are
         * found by lookup() after value() */
        tab->count = src[t].count < 24 ? src[t].count : 24;
        for (int i = 0; i < tab->count; i++) {
            size_t n = strlen(src[t].names[i]);
            kname *k = &tab->k[i];
            memset(k, 0, sizeof *k);
            if (n == 0 || n + 1 > sizeof k->t) continue;
            memcpy(k->t, src[t].names[i], n);
            k->t[n] = '"';
            k->n = (uint8_t)(n + 1);
        }
        /* chains by first byte, in table order (the first match wins, as
         * in lookup) */
        memset(tab->first, 0, sizeof tab->first);
        memset(tab->next, 0, sizeof tab->next);
        for (int i = tab->count - 1; i >= 0; i--) {
            if (!tab->k[i].n) continue;
            unsigned char c = (unsigned char)tab->k[i].t[0];
            tab->next[i] = tab->first[c];
            tab->first[c] = (uint8_t)(i + 1);
        }
    }
}

/* The value of a member that holds a name of table t: a quoted name is
 * recognised where it stands (F_ENUM); anything else is read by value() and
 * judged by enum_of's lookup as before. */
static inline bool enum_value(rd *r, int t, fv *v) {
    const unsigned char *p = r->p;
    if (r->end - p >= 41 && p[0] == '"') {
        const names_tab *tab = &name_tabs[t];
        for (int j = tab->first[p[1]]; j; j = tab->next[j - 1]) {
            int i = j - 1;
            const kname *k = &tab->k[i];
            if (text_at(p + 1, k->t, k->n)) {
                v->kind = F_ENUM;
                v->e = (uint8_t)i;
                v->s = (const char *)p + 1;
                v->n = k->n - 1u;
                r->p = p + 1 + k->n;
                return true;
            }
        }
    }
    return value(r, v);
}

/* A name of table t quoted at p, which is before end: its index and *len,
 * the bytes up to and with its closing quote; -1 if none, or if a name
 * would be compared past end (enum_value's test, without an fv). */
static inline int name_at(const unsigned char *p, const unsigned char *end, int t, unsigned *len) {
    const names_tab *tab = &name_tabs[t];
    if (end - p < 2 || p[0] != '"') return -1;
    const bool roomy = end - (p + 1) >= (ptrdiff_t)sizeof tab->k[0].t; /* room for the longest */
    for (int j = tab->first[p[1]]; j; j = tab->next[j - 1]) {
        const kname *k = &tab->k[j - 1];
        if (!roomy && end - (p + 1) < (ptrdiff_t)((k->n + 7u) & ~7u)) return -1; /* text_at reads whole words */
        if (text_at(p + 1, k->t, k->n)) {
            *len = 1u + k->n;
            return j - 1;
        }
    }
    return -1;
}

/* n (4..16) bytes at p equal to those at t: two overlapping loads each
 * (memcmp is not inlined for every length) */
static inline bool eq_small(const unsigned char *p, const char *t, size_t n) {
    if (n >= 8) {
        uint64_t a, b, c, d;
        memcpy(&a, p, 8);
        memcpy(&b, t, 8);
        memcpy(&c, p + n - 8, 8);
        memcpy(&d, t + n - 8, 8);
        return ((a ^ b) | (c ^ d)) == 0;
    }
    uint32_t a, b, c, d;
    memcpy(&a, p, 4);
    memcpy(&b, t, 4);
    memcpy(&c, p + n - 4, 4);
    memcpy(&d, t + n - 4, 4);
    return ((a ^ b) | (c ^ d)) == 0;
}
/* The bytes of a string literal (4 to 16 bytes) at p, before end. */
#define LIT_AT(p, end, lit)                                                                         \
    ((void)sizeof(char[sizeof(lit) >= 5 && sizeof(lit) <= 17 ? 1 : -1]),                            \
     (end) - (p) >= (ptrdiff_t)sizeof(lit) - 1 && eq_small((p), "" lit, sizeof(lit) - 1))
/* A valid day in ten bytes at p + off, then a closing quote, before end. */
static inline bool date_at(const unsigned char *p, const unsigned char *end, int off, kt_date *d) {
    return end - p >= off + 11 && p[off + 10] == '"' && kt_date_parse_inline((const char *)p + off, 10, d) == KT_OK;
}

/* The common shapes of the small objects, as compact JSON writes them,
 * read in one pass: the keys in table order, each value a plain date or a
 * known name. An object of any other shape (whitespace, another order,
 * other members, escapes, unknown names) is read by the general reader
 * from its start, so the answer is the same: nothing is kept before the
 * whole object has matched. */

/* get_enum: required, a string, a known name. F_ENUM only from enum_value
 * with the table of these names. */
static bool enum_of(const fv *v, const char *const *names, int count, int *k) {
    if (v->kind == F_ENUM) {
        *k = v->e;
        return true;
    }
    if (v->kind != F_STR) return false;
    *k = lookup(names, count, v->s, v->n);
    return *k >= 0;
}

/* Arrays of known members: '[' next, or null (= absent) when allowed. */
static int array_or_null(rd *r, bool nullable) {
    int c = peek(r);
    if (c == '[') {
        r->p++;
        return 1;
    }
    if (c == 'n' && nullable) return literal(r, "null", 4) ? 0 : -1;
    return -1;
}

/* get_id of json_in.c */
static bool id_ok(const fv *v) {
    if (v->kind != F_STR || v->n < 1 || v->n > KT_MAX_ID_LEN) return false;
    for (size_t i = 0; i < v->n; i++)
        if ((unsigned char)v->s[i] < 0x20 || v->s[i] == 0x7f) return false;
    return !kt_looks_like_cpr(v->s, v->n);
}

static bool read_category(rd *r) {
    const unsigned char *p = r->p;
    kt_date fd;
    unsigned fn;
    int fk;
    /* {"from":"D","category":"C"} */
    if (LIT_AT(p, r->end, "{\"from\":\"") && date_at(p, r->end, 9, &fd) && LIT_AT(p + 20, r->end, ",\"category\":") &&
        (fk = name_at(p + 32, r->end, NT_CATEGORY, &fn)) >= 0 && p + 32 + fn < r->end && p[32 + fn] == '}') {
        r->p = p + 32 + fn + 1;
        kt_category_at *slot = vec_push(&r->cats, sizeof *slot);
        if (!slot) return false;
        *slot = (kt_category_at){.from = fd, .category = (uint8_t)fk};
        return r->cats.n <= KT_MAX_CATEGORIES;
    }
    if (peek(r) != '{') return false;
    r->p++;
    static const kkey keys[] = {KK("from"), KK("category")};
    members ms;
    members_init(&ms);
    fv from = {F_ABSENT, 0, 0, NULL, 0}, cat = {F_ABSENT, 0, 0, NULL, 0};
    int m;
    while ((m = next_key(r, keys, 2, &ms)) != K_END) {
        bool ok = m == 0 ? date_value(r, &from) : m == 1 ? enum_value(r, NT_CATEGORY, &cat) : m == K_UNKNOWN && skip_value(r);
        if (!ok) return false;
    }
    kt_category_at v;
    int kc;
    if (!date_of(&from, true, false, &v.from) ||
        !enum_of(&cat, kt_category_names, C_COUNT, &kc))
        return false;
    v.category = (uint8_t)kc;
    kt_category_at *slot = vec_push(&r->cats, sizeof v);
    if (!slot) return false;
    *slot = v;
    return r->cats.n <= KT_MAX_CATEGORIES;
}

/* {"benefit":"B","from":"D"} with ,"to":"D", ,"first_inquiry":"D",
 * ,"first_sick_day":"D", ,"a_kasse":"plain ASCII" and ,"categories":[...]
 * in that order: the members as fv values, the categories pushed (each
 * read by read_category); false (nothing kept, r->p where it was) for
 * any other shape. */
static bool period_fast(rd *r, fv *benefit, fv *from, fv *to, fv *fi, fv *fs, fv *ak) {
    const unsigned char *p = r->p, *q, *end = r->end;
    const uint32_t first = r->cats.n;
    unsigned n;
    int b;
    if (!LIT_AT(p, end, "{\"benefit\":") || (b = name_at(p + 11, end, NT_BENEFIT, &n)) < 0) return false;
    *benefit = (fv){F_ENUM, (uint8_t)b, 0, (const char *)p + 12, n - 2};
    q = p + 11 + n;
    if (!LIT_AT(q, end, ",\"from\":\"") || !date_at(q, end, 9, &from->d)) return false;
    *from = (fv){F_DATE, 0, from->d, (const char *)q + 9, 10};
    q += 20;
    if (LIT_AT(q, end, ",\"to\":\"")) {
        if (!date_at(q, end, 7, &to->d)) return false;
        *to = (fv){F_DATE, 0, to->d, (const char *)q + 7, 10};
        q += 18;
    }
    if (LIT_AT(q, end, ",\"first_in") && LIT_AT(q + 10, end, "quiry\":\"")) {
        if (!date_at(q, end, 18, &fi->d)) return false;
        *fi = (fv){F_DATE, 0, fi->d, (const char *)q + 18, 10};
        q += 29;
    }
    if (LIT_AT(q, end, ",\"first_sic") && LIT_AT(q + 11, end, "k_day\":\"")) {
        if (!date_at(q, end, 19, &fs->d)) return false;
        *fs = (fv){F_DATE, 0, fs->d, (const char *)q + 19, 10};
        q += 30;
    }
    if (LIT_AT(q, end, ",\"a_kasse\":\"")) {
        const unsigned char *s0 = q + 12, *e = s0;
        while (e < end && str_class[*e] == 0) e++; /* plain ASCII up to the quote */
        if (e >= end || *e != '"') return false;
        *ak = (fv){F_STR, 0, 0, (const char *)s0, (size_t)(e - s0)};
        q = e + 1;
    }
    if (LIT_AT(q, end, ",\"categories\":[")) {
        q += 15;
        r->p = q;
        bool ok = true;
        if (q < end && *q == ']') {
            r->p = q + 1;
        } else {
            for (;;) {
                if (r->p >= end || *r->p != '{' || !read_category(r)) {
                    ok = false;
                    break;
                }
                if (r->p < end && *r->p == ',') {
                    r->p++;
                    continue;
                }
                if (r->p < end && *r->p == ']') r->p++;
                else ok = false;
                break;
            }
        }
        q = r->p;
        if (!ok) {
            r->cats.n = first;
            r->p = p;
            return false;
        }
    }
    if (q >= end || *q != '}') {
        r->cats.n = first;
        r->p = p;
        return false;
    }
    r->p = q + 1;
    return true;
}

static bool read_period(rd *r, uint32_t index) {
    fv benefit = {F_ABSENT, 0, 0, NULL, 0}, from = benefit, to = benefit, fi = benefit, fs = benefit,
       ak = benefit;
    uint32_t first = r->cats.n;
    if (period_fast(r, &benefit, &from, &to, &fi, &fs, &ak)) goto members_read;
    benefit = from = to = fi = fs = ak = (fv){F_ABSENT, 0, 0, NULL, 0};
    if (peek(r) != '{') return false;
    r->p++;
    static const kkey keys[] = {KK("benefit"),       KK("from"),    KK("to"),        KK("first_inquiry"),
                                KK("first_sick_day"), KK("a_kasse"), KK("categories")};
    members ms;
    members_init(&ms);
    int m;
    while ((m = next_key(r, keys, 7, &ms)) != K_END) {
        bool ok;
        if (m == 0) ok = enum_value(r, NT_BENEFIT, &benefit);
        else if (m >= 1 && m <= 4) ok = date_value(r, m == 1 ? &from : m == 2 ? &to : m == 3 ? &fi : &fs);
        else if (m == 5) ok = value(r, &ak);
        else if (m == 6) {
            int a = array_or_null(r, true);
            ok = a >= 0;
            size_t i = 0;
            int e;
            if (a == 1) {
                while ((e = element(r, &i)) == 1) {
                    if (!read_category(r)) return false;
                    i++;
                }
                ok = e == 0;
            }
        } else
            ok = m == K_UNKNOWN && skip_value(r);
        if (!ok) return false;
    }
members_read:;
    kt_period p;
    memset(&p, 0, sizeof p);
    int b;
    if (!enum_of(&benefit, kt_benefit_names, B_COUNT, &b) || !date_of(&from, true, false, &p.from) ||
        !date_of(&to, false, true, &p.to) || !date_of(&fi, false, true, &p.first_inquiry) ||
        !date_of(&fs, false, true, &p.first_sick_day))
        return false;
    if (p.to != KT_NO_DATE && p.to < p.from) return false;
    if (b == B_DAGPENGE && ak.kind != F_ABSENT && ak.kind != F_NULL) {
        if (!id_ok(&ak)) return false; /* as the case's id (json_in.c) */
        memcpy(p.a_kasse, ak.s, ak.n);
    }
    /* the categories of this period, sorted by from (stable); whether they
     * are allowed is asked in read_case, once the person is known */
    kt_category_at *cats = r->cats.p;
    for (uint32_t i = first + 1; i < r->cats.n; i++) {
        kt_category_at v = cats[i];
        uint32_t j = i;
        while (j > first && cats[j - 1].from > v.from) {
            cats[j] = cats[j - 1];
            j--;
        }
        cats[j] = v;
    }
    p.benefit = (uint8_t)b;
    p.cat_first = first;
    p.cat_count = r->cats.n - first;
    p.index = index;
    kt_period *slot = vec_push(&r->periods, sizeof p);
    if (!slot) return false;
    *slot = p;
    return true;
}

static bool read_conversation(rd *r, uint32_t index) {
    {
        /* {"date":"D","holder":"H","form":"F"}, then ,"held":true or false,
         * then ,"topics":["T",...] (known names) */
        const unsigned char *p = r->p;
        kt_date d;
        unsigned n;
        int h, f;
        uint32_t topics = 0;
        if (LIT_AT(p, r->end, "{\"date\":\"") && date_at(p, r->end, 9, &d) &&
            LIT_AT(p + 20, r->end, ",\"holder\":") && (h = name_at(p + 30, r->end, NT_HOLDER, &n)) >= 0) {
            const unsigned char *q = p + 30 + n;
            bool held = true, ok = false;
            if (LIT_AT(q, r->end, ",\"form\":") && (f = name_at(q + 8, r->end, NT_FORM, &n)) >= 0) {
                q += 8 + n;
                /* literals of at most ten bytes: compared inline */
                if (LIT_AT(q, r->end, ",\"held\":")) {
                    if (LIT_AT(q + 8, r->end, "true")) q += 12;
                    else if (LIT_AT(q + 8, r->end, "false")) q += 13, held = false;
                    else q = r->end; /* not this shape */
                }
                ok = true;
                if (LIT_AT(q, r->end, ",\"topics\":[")) {
                    q += 11;
                    for (int k = 0; ok && q < r->end && *q != ']'; k++) {
                        int tk;
                        ok = (k == 0 || *q++ == ',') && k < KT_MAX_TOPICS && (tk = name_at(q, r->end, NT_TOPIC, &n)) >= 0;
                        if (ok) {
                            topics |= 1u << tk;
                            q += n;
                        }
                    }
                    q++; /* the ']' */
                }
                ok = ok && q < r->end && *q == '}';
            }
            if (ok) {
                kt_conversation cv;
                memset(&cv, 0, sizeof cv);
                cv.date = d;
                cv.holder = (uint8_t)h;
                cv.form = (uint8_t)f;
                cv.held = held;
                cv.topics = topics;
                cv.index = index;
                r->p = q + 1;
                kt_conversation *slot = vec_push(&r->convs, sizeof cv);
                if (!slot) return false;
                *slot = cv;
                return true;
            }
        }
    }
    if (peek(r) != '{') return false;
    r->p++;
    static const kkey keys[] = {KK("date"), KK("holder"), KK("form"), KK("held"), KK("topics")};
    members ms;
    members_init(&ms);
    fv date = {F_ABSENT, 0, 0, NULL, 0}, holder = date, form = date, held = date;
    uint32_t topics = 0;
    int m;
    while ((m = next_key(r, keys, 5, &ms)) != K_END) {
        bool ok;
        if (m == 0) ok = date_value(r, &date);
        else if (m == 1) ok = enum_value(r, NT_HOLDER, &holder);
        else if (m == 2) ok = enum_value(r, NT_FORM, &form);
        else if (m == 3) ok = value(r, &held);
        else if (m == 4) {
            int a = array_or_null(r, true);
            ok = a >= 0;
            size_t i = 0;
            int e;
            if (a == 1) {
                while ((e = element(r, &i)) == 1) {
                    fv t;
                    if (!enum_value(r, NT_TOPIC, &t) || (t.kind != F_STR && t.kind != F_ENUM) ||
                        ++i > KT_MAX_TOPICS)
                        return false;
                    int tk = t.kind == F_ENUM ? t.e : lookup(kt_topic_names, T_COUNT, t.s, t.n);
                    if (tk >= 0) topics |= 1u << tk;
                }
                ok = e == 0;
            }
        } else
            ok = m == K_UNKNOWN && skip_value(r);
        if (!ok) return false;
    }
    kt_conversation cv;
    memset(&cv, 0, sizeof cv);
    int h, f;
    bool he;
    if (!date_of(&date, true, false, &cv.date) ||
        !enum_of(&holder, kt_holder_names, KT_HOLDER_COUNT, &h) ||
        !enum_of(&form, kt_form_names, KT_FORM_COUNT, &f) || !bool_of(&held, true, &he))
        return false;
    cv.holder = (uint8_t)h;
    cv.form = (uint8_t)f;
    cv.held = he;
    cv.topics = topics;
    cv.index = index;
    kt_conversation *slot = vec_push(&r->convs, sizeof cv);
    if (!slot) return false;
    *slot = cv;
    return true;
}

/* {"type":"T","date":"D"[,"what":"W"]} for a dated type; {"type":"T","from":"D"} with
 * ,"to":"D" and ,"reason":"R" for the others (not undtaget_konkret_vurdering,
 * whose holder this shape lacks). False: read it by the general reader. */
static bool read_event_fast(rd *r, uint32_t index) {
    const unsigned char *p = r->p, *q;
    unsigned n;
    int t, rs = -1;
    kt_date a, b = KT_NO_DATE;
    const unsigned char *end = r->end;
    if (!LIT_AT(p, end, "{\"type\":") || (t = name_at(p + 8, end, NT_EVENT, &n)) < 0 || t == EV_KONKRET_VURDERING)
        return false;
    q = p + 8 + n;
    if (kt_event_is_dated[t]) {
        if (!LIT_AT(q, end, ",\"date\":\"") || !date_at(q, end, 9, &a)) return false;
        q += 20;
        b = a;
        if (LIT_AT(q, end, ",\"what\":\"")) { /* plain text (kept by no one; jobstart's has a limit) */
            const unsigned char *s0 = q + 9, *e = s0;
            while (e < end && str_class[*e] == 0) e++;
            if (e >= end || *e != '"' || (t == EV_JOBSTART && (size_t)(e - s0) > KT_MAX_TEXT_LEN)) return false;
            q = e + 1;
        }
    } else {
        if (!LIT_AT(q, end, ",\"from\":\"") || !date_at(q, end, 9, &a)) return false;
        q += 20;
        if (LIT_AT(q, end, ",\"to\":\"")) {
            if (!date_at(q, end, 7, &b) || b < a) return false;
            q += 18;
        }
        if (LIT_AT(q, end, ",\"reason\":")) {
            if ((rs = name_at(q + 10, end, NT_REASON, &n)) < 0) return false;
            q += 10 + n;
        }
        if (t == EV_FRITAGET && rs < 0) return false;
    }
    if (q >= end || *q != '}') return false;
    kt_event *slot = vec_push(&r->events, sizeof *slot);
    if (!slot) return false;
    memset(slot, 0, sizeof *slot);
    slot->type = (uint8_t)t;
    slot->reason = t == EV_FRITAGET ? (uint8_t)rs : R_NONE;
    slot->starts = KT_NO_DATE;
    slot->index = index;
    slot->from = a;
    slot->to = b;
    r->p = q + 1;
    return true;
}

static bool read_event(rd *r, uint32_t index) {
    if (read_event_fast(r, index)) return true;
    if (peek(r) != '{') return false;
    r->p++;
    static const kkey keys[] = {KK("type"),   KK("date"),   KK("from"),   KK("to"),
                                KK("starts"), KK("reason"), KK("holder"), KK("what")};
    members ms;
    members_init(&ms);
    fv v[8];
    memset(v, 0, sizeof v); /* all F_ABSENT */
    int m;
    while ((m = next_key(r, keys, 8, &ms)) != K_END) {
        bool ok = m >= 1 && m <= 4 ? date_value(r, &v[m])
                  : m == 0         ? enum_value(r, NT_EVENT, &v[m])
                  : m == 5         ? enum_value(r, NT_REASON, &v[m])
                  : m == 6         ? enum_value(r, NT_HOLDER, &v[m])
                  : m >= 0         ? value(r, &v[m])
                                   : m == K_UNKNOWN && skip_value(r);
        if (!ok) return false;
    }
    const fv type = v[0], date = v[1], from = v[2], to = v[3], starts = v[4], reason = v[5],
             holder = v[6], what = v[7];
    int t;
    if (!enum_of(&type, kt_event_names, EV_COUNT, &t)) return false;
    kt_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = (uint8_t)t;
    ev.reason = R_NONE;
    ev.starts = KT_NO_DATE;
    ev.index = index;
    if (kt_event_is_dated[t]) {
        if (!date_of(&date, true, false, &ev.from)) return false;
        ev.to = ev.from;
    } else {
        if (!date_of(&from, true, false, &ev.from) || !date_of(&to, false, true, &ev.to)) return false;
        if (ev.to != KT_NO_DATE && ev.to < ev.from) return false;
    }
    if (t == EV_KONKRET_VURDERING) {
        int h;
        if (!date_of(&to, false, true, &ev.to)) return false;
        if (ev.to != KT_NO_DATE && ev.to < ev.from) return false;
        if (!enum_of(&holder, kt_holder_names, KT_HOLDER_COUNT, &h) ||
            (h != KT_HOLDER_JOBCENTER && h != KT_HOLDER_A_KASSE))
            return false;
        ev.holder = (uint8_t)h;
    }
    if (t == EV_KONTRAKT && !date_of(&starts, false, true, &ev.starts)) return false;
    if (t == EV_FRITAGET) {
        int rs;
        if (!enum_of(&reason, kt_reason_names, R_COUNT, &rs)) return false;
        ev.reason = (uint8_t)rs;
    }
    if (t == EV_JOBSTART && what.kind != F_ABSENT && what.kind != F_NULL &&
        (what.kind != F_STR || what.n > KT_MAX_TEXT_LEN))
        return false;
    kt_event *slot = vec_push(&r->events, sizeof ev);
    if (!slot) return false;
    *slot = ev;
    return true;
}

typedef bool (*read_fn)(rd *r, uint32_t index);

/* benefits, conversations, events: an array of at most `max` elements. */
static bool read_list(rd *r, bool nullable, size_t max, read_fn fn) {
    int a = array_or_null(r, nullable);
    if (a <= 0) return a == 0;
    size_t i = 0;
    int e;
    while ((e = element(r, &i)) == 1) {
        if (i >= max || !fn(r, (uint32_t)i)) return false;
        i++;
    }
    return e == 0;
}

typedef struct person {
    kt_date birth;
    bool youth, voc, rep;
} person;

/* ,"KEY":true or ,"KEY":false at *q (KEY given as two literals, the
 * second ending in the colon): true with *b and *q past it; false (q
 * unmoved) where it is not there. */
#define BOOL_MEMBER(q, end, k1, k2, b)                                                               \
    (LIT_AT(q, end, k1) && LIT_AT(q + sizeof(k1) - 1, end, k2) &&                                   \
     (LIT_AT(q + sizeof(k1) + sizeof(k2) - 2, end, "true")                                          \
          ? ((b) = true, (q) += sizeof(k1) + sizeof(k2) - 2 + 4, true)                               \
          : LIT_AT(q + sizeof(k1) + sizeof(k2) - 2, end, "false")                                    \
                ? ((b) = false, (q) += sizeof(k1) + sizeof(k2) - 2 + 5, true)                        \
                : false))

static bool read_person(rd *r, person *pe) {
    {
        /* {"birth_date":"D"} with ,"youth_education", ,"vocational_education"
         * and ,"repatriering" true or false, in that order */
        const unsigned char *q = r->p, *end = r->end;
        person v = {KT_NO_DATE, false, false, false};
        if (LIT_AT(q, end, "{\"birth_date\":\"") && date_at(q, end, 15, &v.birth)) {
            q += 26;
            (void)(BOOL_MEMBER(q, end, ",\"youth_edu", "cation\":", v.youth));
            (void)(BOOL_MEMBER(q, end, ",\"vocational", "_education\":", v.voc));
            (void)(BOOL_MEMBER(q, end, ",\"repatri", "ering\":", v.rep));
            if (q < end && *q == '}') {
                r->p = q + 1;
                *pe = v;
                return true;
            }
        }
    }
    if (peek(r) != '{') return false;
    r->p++;
    static const kkey keys[] = {KK("birth_date"), KK("youth_education"), KK("vocational_education"),
                                KK("repatriering")};
    members ms;
    members_init(&ms);
    fv v[4];
    memset(v, 0, sizeof v); /* all F_ABSENT */
    int m;
    while ((m = next_key(r, keys, 4, &ms)) != K_END) {
        bool ok = m == 0 ? date_value(r, &v[0]) : m > 0 ? value(r, &v[m]) : m == K_UNKNOWN && skip_value(r);
        if (!ok) return false;
    }
    const fv birth = v[0], youth = v[1], voc = v[2], rep = v[3];
    return date_of(&birth, true, false, &pe->birth) && bool_of(&youth, false, &pe->youth) &&
           bool_of(&voc, false, &pe->voc) && bool_of(&rep, false, &pe->rep);
}

void kt_conversations_sort(kt_conversation *v, uint32_t n) {
    /* insertion sort: cases hold tens of conversations, mostly in order */
    for (uint32_t i = 1; i < n; i++) {
        if (v[i - 1].date <= v[i].date) continue; /* in order already: the common case */
        kt_conversation x = v[i];
        uint32_t j = i;
        while (j > 0 && v[j - 1].date > x.date) {
            v[j] = v[j - 1];
            j--;
        }
        v[j] = x;
    }
}

static bool read_case(rd *r, kt_case **out) {
    if (peek(r) != '{') return false;
    r->p++;
    /* jobcenter and caseworker are not the engine's (skipped as any other
     * member), but common: known, they are compared in place as well */
    static const kkey keys[] = {KK("id"),       KK("jobcenter"),     KK("caseworker"), KK("as_of"),
                                KK("person"),   KK("benefits"),      KK("conversations"),
                                KK("events")};
    members ms;
    members_init(&ms);
    fv id = {F_ABSENT, 0, 0, NULL, 0}, as_of = id;
    person pe = {KT_NO_DATE, false, false, false}; /* set by read_person (have_person) */
    bool have_person = false, have_benefits = false;
    int m;
    while ((m = next_key(r, keys, 8, &ms)) != K_END) {
        bool ok;
        switch (m) {
        case 0: ok = value(r, &id); break;
        case 3: ok = date_value(r, &as_of); break;
        case 4: ok = have_person = read_person(r, &pe); break;
        case 5: ok = have_benefits = read_list(r, false, KT_MAX_PERIODS, read_period); break;
        case 6: ok = read_list(r, true, KT_MAX_CONVERSATIONS, read_conversation); break;
        case 7: ok = read_list(r, true, KT_MAX_EVENTS, read_event); break;
        case 1:
        case 2: { /* jobcenter, caseworker: a short plain string mostly */
            const unsigned char *q = r->p;
            if (q < r->end && *q == '"') {
                q++;
                while (q < r->end && str_class[*q] == 0) q++;
                if (q < r->end && *q == '"') {
                    r->p = q + 1;
                    ok = true;
                    break;
                }
            }
            ok = skip_value(r);
            break;
        }
        case K_UNKNOWN: ok = skip_value(r); break;
        default: ok = false;
        }
        if (!ok) return false;
    }
    kt_date asof;
    if (!have_person || !have_benefits || !id_ok(&id) ||
        !date_of(&as_of, false, true, &asof))
        return false;
    ws(r);
    if (r->p != r->end) return false; /* only whitespace may follow */
    /* the law's input rules (case_law.c), as json_in.c asks them */
    const kt_period *ps = r->periods.p;
    const kt_category_at *cs = r->cats.p;
    for (uint32_t i = 0; i < r->periods.n; i++) {
        const char *exp;
        const kt_period *q = &ps[i];
        if (kt_benefit_problem(q->benefit, q->from, &exp)) return false;
        kt_date S = q->first_inquiry != KT_NO_DATE ? q->first_inquiry : q->from;
        for (uint32_t j = q->cat_first; j < q->cat_first + q->cat_count; j++)
            if (kt_category_problem(q->benefit, cs[j].category, cs[j].from, S, pe.birth, pe.voc, &exp))
                return false;
    }

    uint32_t np = r->periods.n, nk = r->cats.n, nc = r->convs.n, ne = r->events.n;
    size_t bytes = sizeof(kt_case) + np * sizeof(kt_period) + nk * sizeof(kt_category_at) +
                   nc * sizeof(kt_conversation) + ne * sizeof(kt_event);
    kt_case *c = kt_case_alloc(bytes);
    if (!c) return false;
    c->periods = (kt_period *)(c + 1);
    c->conversations = (kt_conversation *)(c->periods + np);
    c->events = (kt_event *)(c->conversations + nc);
    c->categories = (kt_category_at *)(c->events + ne);
    memcpy(c->id, id.s, id.n);
    c->as_of = asof;
    c->birth_date = pe.birth;
    c->youth_education = pe.youth;
    c->vocational_education = pe.voc;
    c->repatriering = pe.rep;
    c->n_periods = np;
    c->n_categories = nk;
    c->n_conversations = nc;
    c->n_events = ne;
    if (np) memcpy(c->periods, r->periods.p, np * sizeof(kt_period));
    if (nk) memcpy(c->categories, r->cats.p, nk * sizeof(kt_category_at));
    if (nc) memcpy(c->conversations, r->convs.p, nc * sizeof(kt_conversation));
    if (ne) memcpy(c->events, r->events.p, ne * sizeof(kt_event));
    kt_conversations_sort(c->conversations, nc);
    *out = c;
    return true;
}

int kt_case_read_fast(const char *json, size_t len, kt_case **out) {
    *out = NULL;
    if (len > KT_MAX_CASE_BYTES) return KT_FAST_UNSURE;
    if (pthread_once(&names_once, names_build) != 0) return KT_FAST_UNSURE;
    rd r;
    r.p = (const unsigned char *)json;
    r.end = r.p + len;
    r.depth = 0;
    r.periods = (vec){r.periods0, 0, sizeof r.periods0 / sizeof r.periods0[0], false};
    r.cats = (vec){r.cats0, 0, sizeof r.cats0 / sizeof r.cats0[0], false};
    r.convs = (vec){r.convs0, 0, sizeof r.convs0 / sizeof r.convs0[0], false};
    r.events = (vec){r.events0, 0, sizeof r.events0 / sizeof r.events0[0], false};
    bool ok = read_case(&r, out);
    vec_free(&r.periods);
    vec_free(&r.cats);
    vec_free(&r.convs);
    vec_free(&r.events);
    return ok ? KT_OK : KT_FAST_UNSURE;
}

int kt_case_parse(const char *json, size_t len, kt_case **out, kt_problems **problems) {
    *out = NULL;
    if (problems) *problems = NULL;
    if (kt_case_read_fast(json, len, out) == KT_OK) return KT_OK;
    return kt_case_parse_jansson(json, len, out, problems);
}
