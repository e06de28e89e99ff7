/* pg_dialect.c -- the reports' SQL on PostgreSQL.
 *
 * The reports and the worklist are written for SQLite, whose planner they
 * steer (INDEXED BY; CROSS JOIN for the join order) and whose booleans are
 * integers (sum(o.status = 'met')). On PostgreSQL the same text is
 * rewritten at prepare (ks__prepare): the hints dropped (its planner goes
 * by statistics), CROSS JOIN ... ON made a JOIN, sum(a comparison) counted
 * with CASE, the scalar max(a, b) / min(a, b) made greatest / least, `?N IS
 * NULL` given its type (text).
 * Outside quoted strings only; nothing else is touched. SQLite gets its
 * text as it is. */
#define _POSIX_C_SOURCE 200809L
#include "internal.h"

#include <ctype.h>
#include <string.h>

/* The length of the quoted string at p ('...' with '' inside). */
static size_t quoted(const char *p, size_t n) {
    size_t i = 1;
    for (; i < n; i++)
        if (p[i] == '\'') {
            if (i + 1 < n && p[i + 1] == '\'') i++;
            else return i + 1;
        }
    return n;
}

/* p[0..n) after a '(': the index of its ')' (n if none). */
static size_t close_paren(const char *p, size_t n) {
    int depth = 1;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '\'') i += quoted(p + i, n - i) - 1;
        else if (p[i] == '(') depth++;
        else if (p[i] == ')' && --depth == 0) return i;
    }
    return n;
}

static int top_comma(const char *p, size_t n) {
    int depth = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '\'') i += quoted(p + i, n - i) - 1;
        else if (p[i] == '(') depth++;
        else if (p[i] == ')') depth--;
        else if (p[i] == ',' && depth == 0) return 1;
    }
    return 0;
}

static int comparison(const char *p, size_t n) {
    int depth = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '\'') i += quoted(p + i, n - i) - 1;
        else if (p[i] == '(') depth++;
        else if (p[i] == ')') depth--;
        else if (depth == 0 && (p[i] == '=' || p[i] == '<' || p[i] == '>' ||
                                (i + 4 <= n && !strncmp(p + i, " IN ", 4)) ||
                                (i + 5 <= n && !strncmp(p + i, " AND ", 5)) ||
                                (i + 4 <= n && !strncmp(p + i, " OR ", 4))))
            return 1;
    }
    return 0;
}

static int word(const char *start, const char *p, size_t left, const char *w) {
    size_t n = strlen(w);
    return left >= n && !strncmp(p, w, n) &&
           (p == start || !(isalnum((unsigned char)p[-1]) || p[-1] == '_' || p[-1] == '.'));
}

/* p after "?": digits then " IS NULL"? */
static int null_test(const char *p, size_t n) {
    size_t i = 0;
    while (i < n && isdigit((unsigned char)p[i])) i++;
    return n - i >= 8 && !strncmp(p + i, " IS NULL", 8);
}

static void rewrite(const char *s, size_t n, kt_sb *out) {
    size_t i = 0;
    while (i < n) {
        const char *p = s + i;
        size_t left = n - i;
        if (*p == '\'') {
            size_t q = quoted(p, left);
            kt_sb_mem(out, p, q);
            i += q;
        } else if (left >= 12 && !strncmp(p, " INDEXED BY ", 12)) {
            i += 12;
            while (i < n && (isalnum((unsigned char)s[i]) || s[i] == '_')) i++;
        } else if (*p == '?' && left > 1 && isdigit((unsigned char)p[1]) &&
                   null_test(p + 1, left - 1)) {
            /* `?N IS NULL` first: PostgreSQL infers no type from it (the
             * store's optional filters are all text) */
            size_t d = 1;
            while (d < left && isdigit((unsigned char)p[d])) d++;
            kt_sb_str(out, "CAST(");
            kt_sb_mem(out, p, d);
            kt_sb_str(out, " AS TEXT)");
            i += d;
        } else if (word(s, p, left, "CROSS JOIN")) {
            kt_sb_str(out, "JOIN");
            i += 10;
        } else if (word(s, p, left, "sum(") || word(s, p, left, "max(") || word(s, p, left, "min(")) {
            const char *a = p + 4;
            size_t an = close_paren(a, left - 4);
            int sum = *p == 's';
            if (sum && comparison(a, an)) {
                kt_sb_str(out, "sum(CASE WHEN ");
                rewrite(a, an, out);
                kt_sb_str(out, " THEN 1 ELSE 0 END)");
            } else {
                kt_sb_str(out, sum ? "sum(" : !top_comma(a, an) ? (*p == 'm' && p[1] == 'a' ? "max(" : "min(")
                                  : p[1] == 'a' ? "greatest(" : "least(");
                rewrite(a, an, out);
                kt_sb_chr(out, ')');
            }
            i += 4 + an + (an < left - 4 ? 1 : 0);
        } else {
            kt_sb_chr(out, *p);
            i++;
        }
    }
}

int ks__prepare(ks_store *s, const char *sql, ks_q **out) {
    if (!s->pg) return ks_db_prepare(s->db, sql, out);
    kt_sb b = {0};
    rewrite(sql, strlen(sql), &b);
    if (b.err) {
        kt_sb_free(&b);
        *out = NULL;
        return -1;
    }
    int rc = ks_db_prepare(s->db, b.p, out);
    kt_sb_free(&b);
    return rc;
}
