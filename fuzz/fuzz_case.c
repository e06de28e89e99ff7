/*
 * fuzz_case.c -- libFuzzer target for the case parser and the engine.
 *
 * The input is the text of one case (spec/case-format.md). A valid case is
 * planned with a fixed `today` and explain on, and every way of reading the
 * plan is exercised; an invalid one has its problems read and written. The
 * oracles beyond the sanitizers: the JSON the library writes must parse as
 * JSON, kt_plan_why must report the length it writes, and a failing write
 * callback must give KT_EIO. And the fast reader (case_reader.c) must agree
 * with the reference (jansson): whatever it accepts, the reference accepts,
 * with the same plan. Likewise the store's canonical JSON from text
 * (store/canon.c): whatever it takes as plain, jansson reads, and writes
 * canonically byte for byte the same. Build and run: tests/fuzz-smoke.sh
 * (README.md).
 */
#include "case_reader.h"
#include "internal.h" /* store/: ks__canon_plain */
#include "kontakt.h"
#include "kontakt_buf.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Discards everything but touches every byte, so ASan sees the reads. */
static int discard_write(void *ctx, const char *data, size_t len) {
    unsigned *sum = ctx;
    for (size_t i = 0; i < len; i++) *sum += (unsigned char)data[i];
    return 0;
}

/* Fails on the first call: every writer must then return KT_EIO. */
static int failing_write(void *ctx, const char *data, size_t len) {
    (void)ctx;
    (void)data;
    (void)len;
    return 1;
}

static void fail(const char *what, const char *detail) {
    fprintf(stderr, "fuzz_case: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    abort();
}

/* The library's JSON output, collected in a kt_sb, must be one well-formed
 * JSON value. */
static void check_json(const kt_sb *s, const char *what) {
    json_error_t err;
    json_t *v = json_loadb(s->p ? s->p : "", s->len, 0, &err);
    if (!v) {
        fprintf(stderr, "fuzz_case: %s is not JSON (%s, line %d col %d):\n%.*s\n", what, err.text,
                err.line, err.column, (int)(s->len > 4000 ? 4000 : s->len), s->p ? s->p : "");
        abort();
    }
    json_decref(v);
}

static void touch(const char *s, unsigned *sum) {
    if (s)
        while (*s) *sum += (unsigned char)*s++;
}

static void read_problems(const kt_problems *pr) {
    unsigned sum = 0;
    size_t n = kt_problems_count(pr);
    for (size_t i = 0; i < n; i++) {
        kt_problem q;
        kt_problems_get(pr, i, &q);
        if (!q.pointer || !q.message || !q.expected) fail("problem with a NULL string", NULL);
        if (q.line < 0 || q.column < 0) fail("problem with a negative position", q.pointer);
        touch(q.pointer, &sum);
        touch(q.message, &sum);
        touch(q.expected, &sum);
    }
    kt_sb s = {0};
    if (kt_problems_write_json(pr, kt_sb_write, &s) != KT_OK) fail("kt_problems_write_json failed", NULL);
    check_json(&s, "problems JSON");
    kt_sb_free(&s);
    if (kt_problems_write_json(pr, failing_write, NULL) != KT_EIO)
        fail("kt_problems_write_json ignored a failing callback", NULL);
}

static void read_plan(const kt_plan *p) {
    unsigned sum = 0;
    touch(kt_plan_id(p), &sum);
    (void)kt_plan_as_of(p);

    size_t n = kt_plan_count(p);
    for (size_t i = 0; i < n; i++) {
        kt_obligation ob;
        kt_plan_get(p, i, &ob);
        touch(ob.rule, &sum);
        touch(ob.generation, &sum);
        touch(ob.kind, &sum);
        touch(ob.benefit, &sum);
        touch(ob.exempt_reason, &sum);
        touch(ob.law, &sum);
        touch(ob.seed, &sum);
        touch(kt_ob_status_name(ob.status), &sum);
        for (int b = 0; b < 32; b++) {
            if ((ob.holders >> b) & 1u) touch(kt_holder_name(b), &sum);
            if ((ob.forms >> b) & 1u) touch(kt_form_name(b), &sum);
        }
        char d[11];
        kt_date_format(ob.from, d);
        kt_date_format(ob.to, d);
        kt_date_format(ob.met_on, d);

        /* why: first into a small buffer (truncated), then into one that fits */
        char small[16];
        size_t need = kt_plan_why(p, i, small, sizeof small);
        if (strlen(small) != (need < sizeof small ? need : sizeof small - 1))
            fail("kt_plan_why truncated wrongly", ob.rule);
        char *full = malloc(need + 1);
        if (!full) continue;
        size_t again = kt_plan_why(p, i, full, need + 1);
        if (again != need || strlen(full) != need) fail("kt_plan_why length changed", ob.rule);
        touch(full, &sum);
        free(full);
    }

    size_t nw = kt_plan_warning_count(p);
    for (size_t i = 0; i < nw; i++) {
        const char *code = NULL, *message = NULL, *pointer = NULL;
        kt_plan_warning(p, i, &code, &message, &pointer);
        if (!code || !message || !pointer) fail("warning with a NULL string", code);
        touch(code, &sum);
        touch(message, &sum);
        touch(pointer, &sum);
    }

    kt_sb s = {0};
    if (kt_plan_write_json(p, kt_sb_write, &s) != KT_OK) fail("kt_plan_write_json failed", NULL);
    check_json(&s, "plan JSON");
    kt_sb_free(&s);
    if (kt_plan_write_text(p, discard_write, &sum) != KT_OK) fail("kt_plan_write_text failed", NULL);
    if (kt_plan_write_explain(p, discard_write, &sum) != KT_OK)
        fail("kt_plan_write_explain failed", NULL);
    if (kt_plan_write_json(p, failing_write, NULL) != KT_EIO)
        fail("kt_plan_write_json ignored a failing callback", NULL);
    if (kt_plan_write_text(p, failing_write, NULL) != KT_EIO)
        fail("kt_plan_write_text ignored a failing callback", NULL);
    if (kt_plan_write_explain(p, failing_write, NULL) != KT_EIO)
        fail("kt_plan_write_explain ignored a failing callback", NULL);
}

static kt_engine *engine;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    if (kt_engine_new(&engine) != KT_OK) fail("kt_engine_new failed", NULL);
    return 0;
}

/* The plan of a case as JSON, for comparing two readings of one text. */
static char *plan_json(const kt_case *c) {
    kt_plan_options o;
    kt_plan_options_init(&o);
    o.today = kt_date_from_ymd(2024, 6, 1);
    kt_plan *p = NULL;
    if (kt_plan_compute(engine, c, &o, &p) != KT_OK) return NULL;
    kt_sb s = {0};
    int rc = kt_plan_write_json(p, kt_sb_write, &s);
    kt_plan_free(p);
    if (rc != KT_OK || !s.p) {
        kt_sb_free(&s);
        return NULL;
    }
    return kt_sb_take(&s);
}

/* Differential oracle: a case the fast reader accepts is one the reference
 * accepts, and both readings give the same plan. */
static void check_fast_against_reference(const char *text, size_t size) {
    kt_case *fast = NULL;
    if (kt_case_read_fast(text, size, &fast) != KT_OK) return;
    kt_case *ref = NULL;
    kt_problems *pr = NULL;
    int rc = kt_case_parse_jansson(text, size, &ref, &pr);
    if (rc != KT_OK) fail("the fast reader accepted what the reference refuses", NULL);
    char *a = plan_json(fast), *b = plan_json(ref);
    if (!a || !b || strcmp(a, b) != 0) fail("the fast reader and the reference disagree", a);
    free(a);
    free(b);
    kt_case_free(fast);
    kt_case_free(ref);
    kt_problems_free(pr);
}

/* Differential oracle for store/canon.c, against what ks__canon writes
 * (json_dumps with the same flags). */
static void check_canon_against_jansson(const char *text, size_t size) {
    kt_sb b = {0};
    int r = ks__canon_plain(text, size, &b);
    if (r == 1) {
        json_error_t je;
        json_t *v = json_loadb(text, size, JSON_DECODE_ANY, &je);
        if (!v) fail("canon.c took as plain what jansson refuses", je.text);
        char *want = json_dumps(v, JSON_SORT_KEYS | JSON_COMPACT | JSON_ENCODE_ANY);
        if (!want || strcmp(want, b.p) != 0) fail("canon.c and jansson disagree", b.p);
        free(want);
        json_decref(v);
    } else if (r != 0 || b.len != 0) {
        fail("canon.c failed without leaving its output as it was", NULL);
    }
    free(b.p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    /* A copy of exactly `size` bytes, so ASan catches any read past the end. */
    char *text = malloc(size ? size : 1);
    if (!text) return 0;
    if (size) memcpy(text, data, size);
    check_fast_against_reference(text, size);
    check_canon_against_jansson(text, size);

    kt_case *c = NULL;
    kt_problems *pr = NULL;
    int rc = kt_case_parse(text, size, &c, &pr);
    if (rc == KT_OK) {
        if (!c || pr) fail("KT_OK without a case or with problems", NULL);
        (void)kt_case_id(c);
        (void)kt_case_as_of(c);
        kt_plan_options o;
        kt_plan_options_init(&o);
        o.today = kt_date_from_ymd(2024, 6, 1);
        o.explain = 1;
        kt_plan *p = NULL;
        int prc = kt_plan_compute(engine, c, &o, &p);
        if (prc == KT_OK) {
            if (!p) fail("kt_plan_compute gave KT_OK and no plan", NULL);
            read_plan(p);
        } else if (prc != KT_ENOMEM && prc != KT_ELIMIT) {
            fail("kt_plan_compute failed", kt_strerror(prc));
        }
        kt_plan_free(p);
        kt_case_free(c);
    } else if (rc == KT_EINVALID) {
        if (c || !pr) fail("KT_EINVALID with a case or without problems", NULL);
        if (kt_problems_count(pr) == 0) fail("KT_EINVALID with no problems", NULL);
        read_problems(pr);
        kt_problems_free(pr);
    } else {
        if (c || pr) fail("an error with a case or problems", kt_strerror(rc));
    }
    free(text);
    return 0;
}
