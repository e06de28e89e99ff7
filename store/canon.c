/* canon.c -- canonical JSON (sorted keys, compact) written straight from the
 * text, for the plain JSON that nearly all input is.
 *
 * An import turns each record of a line into its canonical body (its
 * identity is a hash of it). Building a jansson tree for every line and
 * dumping parts of it again was most of an import's parsing time, and its
 * thousands of small allocations made the reader and writer threads fight
 * over malloc. This file reads the text once, allocates nothing but the
 * output, and gives up ("not plain") on anything whose canonical form it
 * could not prove equal to what ks__canon (json_dumps with JSON_SORT_KEYS |
 * JSON_COMPACT) writes: escapes, bytes outside printable ASCII in strings,
 * reals, integers of 19 digits or more, "-0", duplicate keys, objects of more
 * than KS_PLAIN_MAX_MEMBERS members, nesting deeper than KS_PLAIN_MAX_DEPTH.
 * The caller then uses jansson. For plain text the two agree byte for byte:
 * jansson writes such strings unchanged (it escapes only '"', '\\' and
 * control characters, and non-ASCII only with JSON_ENSURE_ASCII), integers
 * with "%lld", and sorts keys with strcmp, which on ASCII is memcmp order.
 * tests/test_canon.c and the fuzz target hold the two to that. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

enum { KS_PLAIN_MAX_DEPTH = 32, KS_PLAIN_MAX_MEMBERS = 48 };

static const char *skip_ws(const char *p, const char *end) {
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) p++;
    return p;
}

/* A plain string at p ('"'): its end after the closing quote, or NULL. */
static const char *plain_string(const char *p, const char *end) {
    if (p >= end || *p != '"') return NULL;
    for (p++; p < end; p++) {
        unsigned char ch = (unsigned char)*p;
        if (ch == '"') return p + 1;
        if (ch == '\\' || ch < 0x20 || ch > 0x7e) return NULL;
    }
    return NULL;
}

/* A plain integer, true, false or null at p: its end, or NULL. */
static const char *plain_scalar(const char *p, const char *end) {
    static const char *const words[] = {"true", "false", "null"};
    for (int i = 0; i < 3; i++) {
        size_t n = strlen(words[i]);
        if ((size_t)(end - p) >= n && memcmp(p, words[i], n) == 0) return p + n;
    }
    const char *q = p;
    if (q < end && *q == '-') q++;
    const char *digits = q;
    while (q < end && *q >= '0' && *q <= '9') q++;
    size_t nd = (size_t)(q - digits);
    if (nd == 0 || nd > 18) return NULL;
    if (digits[0] == '0' && (nd > 1 || digits != p)) return NULL; /* 01, -0 */
    if (q < end && (*q == '.' || *q == 'e' || *q == 'E')) return NULL;
    return q;
}

static const char *canon_value(const char *p, const char *end, kt_sb *b, int depth, int *oom);

typedef struct member {
    const char *key; /* after the opening quote */
    size_t klen;
    const char *val; /* the value's text */
    const char *val_end;
} member;

static int member_cmp(const void *a, const void *b) {
    const member *x = a, *y = b;
    size_t n = x->klen < y->klen ? x->klen : y->klen;
    int c = memcmp(x->key, y->key, n);
    return c ? c : (x->klen > y->klen) - (x->klen < y->klen);
}

/* The end of the plain value at p without writing it, or NULL. */
static const char *skip_value(const char *p, const char *end, int depth) {
    int oom = 0;
    return canon_value(p, end, NULL, depth, &oom);
}

static const char *canon_object(const char *p, const char *end, kt_sb *b, int depth, int *oom) {
    member m[KS_PLAIN_MAX_MEMBERS];
    size_t n = 0;
    p = skip_ws(p + 1, end);
    if (p < end && *p == '}') {
        if (b && kt_sb_mem(b, "{}", 2)) *oom = 1;
        return p + 1;
    }
    for (;;) {
        const char *k = p, *ke = plain_string(p, end);
        if (!ke || n == KS_PLAIN_MAX_MEMBERS) return NULL;
        p = skip_ws(ke, end);
        if (p >= end || *p != ':') return NULL;
        p = skip_ws(p + 1, end);
        const char *v = p, *ve = skip_value(p, end, depth + 1);
        if (!ve) return NULL;
        m[n++] = (member){k + 1, (size_t)(ke - k - 2), v, ve};
        p = skip_ws(ve, end);
        if (p < end && *p == ',') {
            p = skip_ws(p + 1, end);
            continue;
        }
        if (p < end && *p == '}') break;
        return NULL;
    }
    qsort(m, n, sizeof *m, member_cmp);
    for (size_t i = 1; i < n; i++)
        if (member_cmp(&m[i - 1], &m[i]) == 0) return NULL; /* jansson keeps the last */
    if (!b) return p + 1;
    int bad = kt_sb_mem(b, "{", 1);
    for (size_t i = 0; i < n && !bad; i++) {
        if (i) bad |= kt_sb_mem(b, ",", 1);
        bad |= kt_sb_mem(b, m[i].key - 1, m[i].klen + 2);
        bad |= kt_sb_mem(b, ":", 1);
        if (!bad && !canon_value(m[i].val, m[i].val_end, b, depth + 1, oom)) return NULL;
    }
    if (bad || kt_sb_mem(b, "}", 1)) *oom = 1;
    return p + 1;
}

static const char *canon_array(const char *p, const char *end, kt_sb *b, int depth, int *oom) {
    p = skip_ws(p + 1, end);
    if (b && kt_sb_mem(b, "[", 1)) *oom = 1;
    if (p < end && *p == ']') {
        if (b && kt_sb_mem(b, "]", 1)) *oom = 1;
        return p + 1;
    }
    for (int first = 1;; first = 0) {
        if (!first && b && kt_sb_mem(b, ",", 1)) *oom = 1;
        p = canon_value(p, end, b, depth + 1, oom);
        if (!p) return NULL;
        p = skip_ws(p, end);
        if (p < end && *p == ',') {
            p = skip_ws(p + 1, end);
            continue;
        }
        if (p < end && *p == ']') break;
        return NULL;
    }
    if (b && kt_sb_mem(b, "]", 1)) *oom = 1;
    return p + 1;
}

/* Writes the canonical form of the plain value at p to b (b NULL: only
 * checks it) and returns the end of its text; NULL if it is not plain. A
 * failed allocation sets *oom and goes on checking. */
static const char *canon_value(const char *p, const char *end, kt_sb *b, int depth, int *oom) {
    if (depth > KS_PLAIN_MAX_DEPTH || p >= end) return NULL;
    const char *e;
    switch (*p) {
    case '{': return canon_object(p, end, b, depth, oom);
    case '[': return canon_array(p, end, b, depth, oom);
    case '"': e = plain_string(p, end); break;
    default: e = plain_scalar(p, end); break;
    }
    if (e && b && kt_sb_mem(b, p, (size_t)(e - p))) *oom = 1;
    return e;
}

int ks__canon_plain(const char *text, size_t len, kt_sb *b) {
    const char *end = text + len, *p = skip_ws(text, end);
    size_t mark = b->len;
    int oom = 0;
    const char *e = canon_value(p, end, b, 0, &oom);
    if (!e || skip_ws(e, end) != end || oom) {
        kt_sb_cut(b, mark);
        return oom ? -1 : 0;
    }
    return 1;
}

/* ---- the members of a plain object, one at a time --------------------------- */

int ks__plain_open(ks_plain_cursor *c, const char *text, size_t len, char open) {
    const char *end = text + len, *p = skip_ws(text, end);
    if (p >= end || *p != open) return 0;
    c->p = p + 1;
    c->end = end;
    c->first = 1;
    return 1;
}

/* The separator before the next item: 1 an item follows, 0 the end, -1 not plain. */
static int next_item(ks_plain_cursor *c, char close) {
    const char *p = skip_ws(c->p, c->end);
    if (p < c->end && *p == close) {
        c->p = p + 1;
        return 0;
    }
    if (!c->first) {
        if (p >= c->end || *p != ',') return -1;
        p = skip_ws(p + 1, c->end);
    }
    c->first = 0;
    c->p = p;
    return 1;
}

int ks__plain_member(ks_plain_cursor *c, ks_span *key, ks_span *value) {
    int r = next_item(c, '}');
    if (r <= 0) return r;
    const char *ke = plain_string(c->p, c->end);
    if (!ke) return -1;
    *key = (ks_span){c->p + 1, (size_t)(ke - c->p - 2)};
    const char *p = skip_ws(ke, c->end);
    if (p >= c->end || *p != ':') return -1;
    p = skip_ws(p + 1, c->end);
    const char *ve = skip_value(p, c->end, 1);
    if (!ve) return -1;
    *value = (ks_span){p, (size_t)(ve - p)};
    c->p = ve;
    return 1;
}

int ks__plain_element(ks_plain_cursor *c, ks_span *value) {
    int r = next_item(c, ']');
    if (r <= 0) return r;
    const char *ve = skip_value(c->p, c->end, 1);
    if (!ve) return -1;
    *value = (ks_span){c->p, (size_t)(ve - c->p)};
    c->p = ve;
    return 1;
}

int ks__span_is(ks_span s, const char *lit) {
    size_t n = strlen(lit);
    return s.n == n && memcmp(s.p, lit, n) == 0;
}
