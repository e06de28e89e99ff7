/* due_buffer.c -- the rows of `due` gathered during a bulk import, sorted
 * in memory and appended in key order.
 *
 * After a bulk import `due` used to be filled by one INSERT ... SELECT:
 * every obligation read back, joined to its case and sorted by SQLite's
 * sorter, wide rows and all. On 1,000,000 cases that was about 90 of the
 * import's 184 s. The writer already has each new case's plan in hand, so
 * it keeps the rows here instead (about 100 bytes each), and at the end
 * they are sorted by (deadline, case_id, idx) and inserted in that order,
 * so that each insert appends to the b-tree.
 *
 * The rows hold the same values the triggers of schema.c would write. The
 * strings of a kt_obligation are the catalogue's own, static for the life
 * of the process (include/kontakt.h), so only pointers to them are kept. Past max_bytes the buffer gives up (full) and
 * the caller fills `due` the SQL way: memory stays bounded. */
#include "internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct due_row {
    kt_date deadline, window_from;
    int32_t idx, required, counted, stopped, beyond;
    const char *rule, *grp, *kind, *benefit, *generation; /* static */
    uint16_t case_len, jc_len, cw_len; /* cw_len 0xffff: no caseworker */
    char text[]; /* case_id, jobcenter, caseworker (no NULs) */
} due_row;

enum { CHUNK = 4 << 20 };

typedef struct chunk {
    struct chunk *next;
    size_t used;
    _Alignas(max_align_t) unsigned char data[CHUNK];
} chunk;

struct ks_due_buffer {
    chunk *chunks;       /* newest first */
    due_row **rows;
    size_t n, cap;
    size_t bytes, max_bytes;
    int full;            /* gave up: the caller fills `due` with SQL */
};

ks_due_buffer *ks__due_buffer_new(size_t max_bytes) {
    ks_due_buffer *b = calloc(1, sizeof *b);
    if (b) b->max_bytes = max_bytes;
    return b;
}

void ks__due_buffer_free(ks_due_buffer *b) {
    if (!b) return;
    for (chunk *c = b->chunks, *next; c; c = next) {
        next = c->next;
        free(c);
    }
    free(b->rows);
    free(b);
}

int ks__due_buffer_full(const ks_due_buffer *b) { return b->full; }

/* Gives up: frees what was kept (the SQL fill will do it all). */
static void give_up(ks_due_buffer *b) {
    for (chunk *c = b->chunks, *next; c; c = next) {
        next = c->next;
        free(c);
    }
    b->chunks = NULL;
    free(b->rows);
    b->rows = NULL;
    b->n = b->cap = 0;
    b->full = 1;
}

static void *alloc_row(ks_due_buffer *b, size_t size) {
    size = (size + _Alignof(max_align_t) - 1) & ~(size_t)(_Alignof(max_align_t) - 1);
    if (size > CHUNK) return NULL;
    if (!b->chunks || b->chunks->used + size > CHUNK) {
        chunk *c = malloc(sizeof *c);
        if (!c) return NULL;
        c->next = b->chunks;
        c->used = 0;
        b->chunks = c;
        b->bytes += sizeof *c;
    }
    void *p = b->chunks->data + b->chunks->used;
    b->chunks->used += size;
    return p;
}

static const char *nonempty(const char *s) { return s && *s ? s : NULL; }

void ks__due_buffer_add(ks_due_buffer *b, const char *case_id, const char *jobcenter,
                        const char *caseworker, const kt_plan *p) {
    if (b->full) return;
    size_t n = kt_plan_count(p);
    size_t cl = strlen(case_id), jl = strlen(jobcenter), wl = caseworker ? strlen(caseworker) : 0;
    for (size_t i = 0; i < n; i++) {
        kt_obligation ob;
        kt_plan_get(p, i, &ob);
        if ((ob.status != KT_OPEN && ob.status != KT_OVERDUE) || ob.to == KT_NO_DATE) continue;
        if (b->bytes > b->max_bytes || cl > 0xfffe || jl > 0xfffe || wl > 0xfffe) {
            give_up(b);
            return;
        }
        if (b->n == b->cap) {
            size_t cap = b->cap ? b->cap * 2 : 65536;
            due_row **v = realloc(b->rows, cap * sizeof *v);
            if (!v) {
                give_up(b);
                return;
            }
            b->rows = v;
            b->cap = cap;
            b->bytes += (cap / 2) * sizeof *v;
        }
        due_row *r = alloc_row(b, sizeof *r + cl + jl + wl);
        if (!r) {
            give_up(b);
            return;
        }
        *r = (due_row){.deadline = ob.to, .window_from = ob.from, .idx = (int32_t)i,
                       .required = ob.required, .counted = ob.counted,
                       .stopped = ob.stopped_days, .beyond = ob.beyond, .rule = ob.rule,
                       .grp = nonempty(ob.group), .kind = nonempty(ob.kind),
                       .benefit = nonempty(ob.benefit), .generation = nonempty(ob.generation),
                       .case_len = (uint16_t)cl, .jc_len = (uint16_t)jl,
                       .cw_len = caseworker ? (uint16_t)wl : 0xffff};
        char *t = r->text;
        memcpy(t, case_id, cl);
        memcpy(t + cl, jobcenter, jl);
        if (wl) memcpy(t + cl + jl, caseworker, wl);
        b->rows[b->n++] = r;
    }
}

static int row_cmp(const void *a, const void *b) {
    const due_row *x = *(due_row *const *)a, *y = *(due_row *const *)b;
    if (x->deadline != y->deadline) return x->deadline < y->deadline ? -1 : 1;
    size_t n = x->case_len < y->case_len ? x->case_len : y->case_len;
    int c = memcmp(x->text, y->text, n); /* SQLite's BINARY collation */
    if (c) return c;
    if (x->case_len != y->case_len) return x->case_len < y->case_len ? -1 : 1;
    return (x->idx > y->idx) - (x->idx < y->idx);
}

static void bind_opt(sqlite3_stmt *st, int i, const char *s) {
    if (s) sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
    else sqlite3_bind_null(st, i);
}

int ks__due_buffer_write(ks_due_buffer *b, ks_store *s, ks_error *err) {
    qsort(b->rows, b->n, sizeof *b->rows, row_cmp);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db,
                           "INSERT INTO due(deadline, case_id, idx, jobcenter, caseworker, rule, grp,"
                           " kind, benefit, generation, window_from, required, counted, stopped, beyond)"
                           " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
                           -1, &st, NULL) != SQLITE_OK)
        return ks__dbfail(s, err, "due");
    int rc = KS_OK;
    for (size_t i = 0; i < b->n && rc == KS_OK; i++) {
        const due_row *r = b->rows[i];
        char deadline[11], from[11];
        kt_date_format(r->deadline, deadline);
        const char *t = r->text;
        sqlite3_bind_text(st, 1, deadline, 10, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, t, r->case_len, SQLITE_STATIC);
        sqlite3_bind_int(st, 3, r->idx);
        sqlite3_bind_text(st, 4, t + r->case_len, r->jc_len, SQLITE_STATIC);
        if (r->cw_len == 0xffff) sqlite3_bind_null(st, 5);
        else sqlite3_bind_text(st, 5, t + r->case_len + r->jc_len, r->cw_len, SQLITE_STATIC);
        sqlite3_bind_text(st, 6, r->rule, -1, SQLITE_STATIC);
        bind_opt(st, 7, r->grp);
        bind_opt(st, 8, r->kind);
        bind_opt(st, 9, r->benefit);
        bind_opt(st, 10, r->generation);
        if (r->window_from == KT_NO_DATE) {
            sqlite3_bind_null(st, 11);
        } else {
            kt_date_format(r->window_from, from);
            sqlite3_bind_text(st, 11, from, 10, SQLITE_STATIC);
        }
        sqlite3_bind_int(st, 12, r->required);
        sqlite3_bind_int(st, 13, r->counted);
        sqlite3_bind_int(st, 14, r->stopped);
        sqlite3_bind_int(st, 15, r->beyond);
        if (sqlite3_step(st) != SQLITE_DONE) rc = ks__dbfail(s, err, "due");
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    return rc;
}
