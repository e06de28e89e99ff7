/*
 * plan.c -- the plan object: its arena, accessors, the `why` text, and its
 * three renderings (JSON for machines, a table for caseworkers, and the
 * explanation of how each obligation was derived).
 */
#include "plan.h"

#include "date.h"
#include "out.h"
#include "kontakt_buf.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- arena ------------------------------------------------------------------------- */

struct kt_arena_chunk {
    kt_arena_chunk *next;
    size_t size;
    bool external; /* the caller's buffer (kt_arena_init_buf): not freed */
    max_align_t data[];
};

_Static_assert(sizeof(kt_arena_chunk) <= KT_ARENA_OVERHEAD, "KT_ARENA_OVERHEAD too small");

#define ARENA_ALIGN _Alignof(max_align_t)

void kt_arena_init_buf(kt_arena *a, void *buf, size_t size) {
    a->head = NULL;
    a->used = a->size = 0;
    a->base = NULL;
    if (size <= sizeof(kt_arena_chunk)) return;
    kt_arena_chunk *c = buf;
    c->next = NULL;
    c->size = size - sizeof(kt_arena_chunk);
    c->external = true;
    a->head = c;
    a->size = c->size;
    a->base = (char *)c->data;
}

void *kt_arena_alloc(kt_arena *a, size_t n) {
    n = (n + ARENA_ALIGN - 1) / ARENA_ALIGN * ARENA_ALIGN;
    if (!a->head || a->used + n > a->size) {
        size_t size = a->size >= 4096 ? a->size * 2 : 4096;
        while (size < n) size *= 2;
        kt_arena_chunk *c = malloc(sizeof *c + size);
        if (!c) return NULL;
        c->next = a->head;
        c->size = size;
        c->external = false;
        a->head = c;
        a->size = size;
        a->used = 0;
        a->base = (char *)c->data;
    }
    void *p = (char *)a->head->data + a->used;
    a->used += n;
    return p;
}

char *kt_arena_strdup(kt_arena *a, const char *s) {
    size_t n = strlen(s) + 1;
    char *d = kt_arena_alloc(a, n);
    if (d) memcpy(d, s, n);
    return d;
}

void kt_arena_free(kt_arena *a) {
    kt_arena_chunk *c = a->head;
    while (c) {
        kt_arena_chunk *next = c->next;
        if (!c->external) free(c);
        c = next;
    }
    a->head = NULL;
    a->used = a->size = 0;
    a->base = NULL;
}

/* ---- accessors --------------------------------------------------------------------------- */

const char kt_conv_warning_code[] = KT_CONV_WARNING_CODE;

#define FV_TEXT_0 "formen tæller"
#define FV_TEXT_1 "samtalen skulle holdes ved personligt fremmøde (g2014-g2020), og ingen undtagelse gjaldt"
#define FV_TEXT_2                                                                                     \
    "fra 2023-03-22 skal forløbets første samtale holdes ved personligt fremmøde; en samtale i "     \
    "anden form før den tæller ikke"
#define FV_TEXT_3 "brev tæller ikke som samtale fra 2023-03-22"
#define FV_TEXT_4 "opfølgning uden kontakt tæller kun, mens stand-by-reglen gælder (alvorlig sygdom)"
const char *const kt_form_verdict_text[FV_COUNT] = {FV_TEXT_0, FV_TEXT_1, FV_TEXT_2, FV_TEXT_3, FV_TEXT_4};
const uint8_t kt_form_verdict_len[FV_COUNT] = {sizeof FV_TEXT_0 - 1, sizeof FV_TEXT_1 - 1, sizeof FV_TEXT_2 - 1,
                                               sizeof FV_TEXT_3 - 1, sizeof FV_TEXT_4 - 1};
_Static_assert(FV_COUNT == 5, "a text and a length per form verdict");

const char *const kt_verdict_text[V_COUNT] = {
    "talte med", "ikke afholdt (udeblivelse eller aflyst)", "uden for forløbets ydelsesperioder",
    "før vinduets første dag", "efter vinduet (tæller kun i det vindue, der rummer den)",
    "holdt af en aktør, reglen ikke godtager", "formen tæller ikke",
    "talte allerede med til en anden regel, hvis samtaler ikke tæller her", "emnet blev ikke drøftet",
    "overskydende: det krævede antal var nået", "talte allerede med til en tidligere forekomst",
    "forpligtelsen var allerede opfyldt ved en hændelse"};

/* The memory of the last freed plan, kept for the next kt_plan_compute: a
 * plan is some kilobytes, more than malloc keeps ready in its per-thread
 * cache, and a batch computes and frees one plan after the other. One slot,
 * taken and given back with an atomic exchange, so any thread may use it.
 * Off under AddressSanitizer, which should see every plan's lifetime. */
#if defined(__SANITIZE_ADDRESS__)
#define KT_PLAN_CACHE 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define KT_PLAN_CACHE 0
#endif
#endif
#ifndef KT_PLAN_CACHE
#define KT_PLAN_CACHE 1
#endif

#if KT_PLAN_CACHE
static _Atomic(kt_plan *) plan_cache;
#endif

kt_plan *kt_plan_alloc(void) {
#if KT_PLAN_CACHE
    if (atomic_load_explicit(&plan_cache, memory_order_relaxed)) {
        kt_plan *p = atomic_exchange_explicit(&plan_cache, NULL, memory_order_acquire);
        if (p) return p;
    }
#endif
    return malloc(sizeof(kt_plan));
}

void kt_plan_free(kt_plan *p) {
    if (!p) return;
    if (p->obs != p->obs_inline) free(p->obs);
    if (p->warnings != p->warnings_inline) free(p->warnings);
    /* free(NULL) is a call into libc all the same: most plans have no
     * trace, and the cache slot is mostly empty */
    if (p->trace) free(p->trace);
    kt_arena_free(&p->arena);
#if KT_PLAN_CACHE
    p = atomic_exchange_explicit(&plan_cache, p, memory_order_acq_rel);
#endif
    if (p) free(p);
}

size_t kt_plan_count(const kt_plan *p) { return p->n_obs; }
kt_date kt_plan_as_of(const kt_plan *p) { return p->as_of; }
kt_date kt_plan_course_end(const kt_plan *p, int course) {
    return course >= 0 && (size_t)course < p->n_courses && p->course_end ? p->course_end[course]
                                                                          : KT_NO_DATE;
}
const char *kt_plan_id(const kt_plan *p) { return p->id; }

void kt_plan_get(const kt_plan *p, size_t i, kt_obligation *out) {
    const kt_ob *ob = &p->obs[i];
    const kt_rule *r = ob->rule;
    out->rule = r->id;
    out->generation = kt_generations[ob->gen].name;
    out->kind = kt_kind_names[r->kind];
    out->benefit = kt_benefit_names[ob->benefit];
    out->course = ob->course;
    out->from = ob->from;
    out->to = ob->to;
    out->required = ob->required;
    out->counted = ob->counted;
    out->status = (kt_ob_status)ob->status;
    out->met_on = ob->met_on;
    out->exempt_reason = ob->exempt ? ob->exempt->id : NULL;
    out->holders = r->holders;
    out->forms = ob->forms;
    out->law = r->law;
    out->seed = r->seed;
    out->group = kt_group_names[ob->group];
    out->stopped_days = ob->stopped_days;
    out->beyond = ob->beyond;
    out->provisional = (r->flags & F_PROVISIONAL) != 0;
    out->quota_holder = r->quota;
    out->a_kasse = ob->a_kasse;
    out->agenda_next = p->course_agenda && ob->course < p->n_courses ? p->course_agenda[ob->course] : 0;
}

size_t kt_plan_warning_count(const kt_plan *p) { return p->n_warnings; }

void kt_warning_text(const kt_warning *w, char *msg, char *ptr, const char **message,
                     const char **pointer) {
    if (!w->why) {
        *message = w->message;
        *pointer = w->pointer;
        return;
    }
    static const char pre[] = "Samtalen ", mid[] = " tæller ikke med: ", cp[] = "/conversations/";
    char *o = msg;
    memcpy(o, pre, sizeof pre - 1);
    o += sizeof pre - 1;
    kt_date_format(w->date, o); /* 10 characters and a NUL, overwritten next */
    o += 10;
    memcpy(o, mid, sizeof mid - 1);
    o += sizeof mid - 1;
    memcpy(o, w->why, w->why_len);
    o += w->why_len;
    *o++ = '.';
    *o = '\0';
    char digits[16];
    int nd = 0;
    uint32_t v = w->conv;
    do {
        digits[sizeof digits - 1 - nd++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    memcpy(ptr, cp, sizeof cp - 1);
    memcpy(ptr + sizeof cp - 1, digits + sizeof digits - nd, (size_t)nd);
    ptr[sizeof cp - 1 + (size_t)nd] = '\0';
    *message = msg;
    *pointer = ptr;
}

/* Guards the writing out of lazy warnings by kt_plan_warning: the plan is
 * const to its readers, who may share it between threads. */
static atomic_flag warning_lock = ATOMIC_FLAG_INIT;

void kt_plan_warning(const kt_plan *p, size_t i, const char **code, const char **message,
                     const char **pointer) {
    const kt_warning *w = &p->warnings[i];
    *code = w->code;
    if (!w->why) {
        *message = w->message;
        *pointer = w->pointer;
        return;
    }
    /* written once into the plan's arena, so that it lives as long as the plan */
    while (atomic_flag_test_and_set_explicit(&warning_lock, memory_order_acquire)) {
    }
    kt_warning *mw = (kt_warning *)w;
    if (!mw->message) {
        char msg[KT_WARNING_TEXT_MAX], ptr[KT_WARNING_POINTER_MAX];
        const char *m, *q;
        kt_warning_text(w, msg, ptr, &m, &q);
        char *buf = kt_arena_alloc(&((kt_plan *)p)->arena, w->mlen + 1 + w->plen + 1);
        if (buf) {
            memcpy(buf, m, w->mlen + 1);
            memcpy(buf + w->mlen + 1, q, w->plen + 1);
            mw->pointer = buf + w->mlen + 1;
            mw->message = buf;
        }
    }
    /* out of memory: the reason alone, without the day */
    *message = mw->message ? mw->message : w->why;
    *pointer = mw->message ? mw->pointer : "";
    atomic_flag_clear_explicit(&warning_lock, memory_order_release);
}

/* ---- why ------------------------------------------------------------------------------------ */

/* What an obligation's why text is made of: a plan's kt_ob, or the facts a
 * store kept of one (kt_obligation_why). */
typedef struct why_parts {
    const kt_rule *rule;
    kt_ob_status status;
    kt_date to, met_on;
    int required, counted;
    const char *exempt; /* the exemption's id, with KT_EXEMPT */
    int stopped_days;
    bool beyond;
    const char *gen_name;
} why_parts;

static why_parts parts_of(const kt_plan *p, const kt_ob *ob) {
    return (why_parts){.rule = ob->rule, .status = (kt_ob_status)ob->status, .to = ob->to,
                       .met_on = ob->met_on, .required = ob->required, .counted = ob->counted,
                       .exempt = ob->exempt ? ob->exempt->id : "", .stopped_days = ob->stopped_days,
                       .beyond = ob->beyond, .gen_name = p->gen_names[ob->gen]};
}

/* The why text after the rule's own, through a writer that is either a
 * kt_sb or raw memory with room known (why_tail_raw): one text, two
 * instances, the raw one without a bounds check per part. */
#if defined(__GNUC__)
#define KT_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define KT_ALWAYS_INLINE inline
#endif
typedef struct tw {
    kt_sb *sb;
    char *d; /* non-NULL: raw, at d */
} tw;
static KT_ALWAYS_INLINE void tw_mem(tw *t, const char *s, size_t n) {
    if (t->d) {
        memcpy(t->d, s, n);
        t->d += n;
    } else {
        kt_sb_mem(t->sb, s, n);
    }
}
#define TW_LIT(t, lit) tw_mem((t), "" lit, sizeof(lit) - 1)
static KT_ALWAYS_INLINE void tw_str(tw *t, const char *s) { tw_mem(t, s, strlen(s)); }
static KT_ALWAYS_INLINE void tw_int(tw *t, long v) {
    char tmp[KT_LTOA_MAX];
    int i = kt_ltoa_end(tmp, v);
    tw_mem(t, tmp + i, KT_LTOA_MAX - (size_t)i);
}

/* to and met_on: w's dates as kt_date_format writes them */
static KT_ALWAYS_INLINE void why_tail_to(tw *b, const why_parts *w, const char *to, const char *met) {
    const kt_rule *r = w->rule;
    switch (w->status) {
    case KT_MET:
        TW_LIT(b, " Opfyldt ");
        tw_mem(b, met, w->met_on == KT_NO_DATE ? 0 : 10);
        if (r->required > 1) {
            TW_LIT(b, " med ");
            tw_int(b, w->counted);
            TW_LIT(b, " af ");
            tw_int(b, w->required);
            TW_LIT(b, " samtaler.");
        } else {
            TW_LIT(b, ".");
        }
        break;
    case KT_LATE:
        TW_LIT(b, " Opfyldt for sent ");
        tw_mem(b, met, w->met_on == KT_NO_DATE ? 0 : 10);
        TW_LIT(b, "; fristen var ");
        tw_mem(b, to, w->to == KT_NO_DATE ? 0 : 10);
        TW_LIT(b, ".");
        break;
    case KT_OPEN:
        if (w->to == KT_NO_DATE) {
            TW_LIT(b, " Åben uden frist");
        } else {
            TW_LIT(b, " Frist ");
            tw_mem(b, to, w->to == KT_NO_DATE ? 0 : 10);
        }
        if (r->required > 1) {
            TW_LIT(b, "; ");
            tw_int(b, w->counted);
            TW_LIT(b, " af ");
            tw_int(b, w->required);
            TW_LIT(b, " samtaler holdt.");
        } else {
            TW_LIT(b, ".");
        }
        break;
    case KT_OVERDUE:
        TW_LIT(b, " Fristen ");
        tw_mem(b, to, w->to == KT_NO_DATE ? 0 : 10);
        TW_LIT(b, " er overskredet");
        if (r->required > 1) {
            TW_LIT(b, "; ");
            tw_int(b, w->counted);
            TW_LIT(b, " af ");
            tw_int(b, w->required);
            TW_LIT(b, " samtaler holdt.");
        } else {
            TW_LIT(b, ".");
        }
        break;
    case KT_EXEMPT:
        TW_LIT(b, " Borgeren er fritaget fra kontaktforløbet på fristen (");
        tw_str(b, w->exempt ? w->exempt : "");
        TW_LIT(b, ").");
        break;
    case KT_LAPSED: TW_LIT(b, " Ydelsen ophørte før fristen, så intet skyldes længere."); break;
    }
    if (w->stopped_days > 0) {
        TW_LIT(b, " Fristen er rykket ");
        tw_int(b, w->stopped_days);
        TW_LIT(b, " dage, fordi ydelsesuret stod stille under ophold eller "
                      "fritagelse (fortolkning).");
    }
    if (r->kind == K_SAMTALE && w->to == KT_NO_DATE && w->status == KT_EXEMPT)
        TW_LIT(b, " Fritagelsen har ingen slutdato, så fristen er ukendt.");
    if (w->beyond) {
        TW_LIT(b, " Beregnet efter ");
        tw_str(b, w->gen_name);
        TW_LIT(b, "; en ny lov om en aktiv beskæftigelsesindsats ventes fra 2027-01-01 og kan "
                     "ændre svaret.");
    }
}


static void why_tail(kt_sb *b, const why_parts *w, const char *to, const char *met) {
    tw t = {b, NULL};
    why_tail_to(&t, w, to, met);
}

/* The longest raw tail: its literals (under 400 bytes), three numbers,
 * two dates and the two names */
enum { WHY_TAIL_FIXED = 400 + 3 * 24 + 2 * 10 };

/* The tail at d, which has room for WHY_TAIL_FIXED + the names' lengths;
 * returns its end. */
static char *why_tail_raw(char *d, const why_parts *w, const char *to, const char *met) {
    tw t = {NULL, d};
    why_tail_to(&t, w, to, met);
    return t.d;
}

/* The why text: exactly what snprintf appends into buf[size] would give (cut
 * to size-1 bytes), and the length it needed. */
static size_t why_into(const why_parts *w, char *buf, size_t size) {
    char dummy[1];
    kt_sb b;
    kt_sb_init(&b, size ? buf : dummy, size ? size : 1);
    char to[11], met[11];
    kt_date_format(w->to, to);
    kt_date_format(w->met_on, met);
    kt_sb_str(&b, w->rule->why);
    why_tail(&b, w, to, met);
    size_t n = kt_sb_end(&b);
    if (size) buf[n < size ? n : size - 1] = '\0';
    return n;
}

/* "why": the rule's text (escaped: some quote) and the tail (not: it is made
 * of our literals, dates, numbers and catalogue identifiers, which
 * tests/test_fastparse.c holds plain) straight into the output; through
 * why_into's 1024 bytes where that would cut it. */
/* esc: the opening quote and the rule's text escaped, esc_len bytes; wn:
 * the length of the rule's text */
static void json_why(kt_out *o, const why_parts *w, const char *to, const char *met,
                     const char *esc, size_t esc_len, size_t wn) {
    enum { TAIL = 512 };
    if (esc_len + TAIL + 1 <= KT_OUT_MIN) {
        /* the tail written in place after the rule's text: committed only
         * where it is whole, as below */
        char *at = kt_out_room(o, esc_len + TAIL + 1);
        memcpy(at, esc, esc_len);
        size_t tn = TAIL; /* too long: the ways below */
        /* the names count only where the tail writes them */
        const size_t names = (w->status == KT_EXEMPT ? strlen(w->exempt) : 0) + (w->beyond ? strlen(w->gen_name) : 0);
        if (names + WHY_TAIL_FIXED <= TAIL)
            tn = (size_t)(why_tail_raw(at + esc_len, w, to, met) - (at + esc_len));
        if (tn < TAIL && wn + tn < 1024) {
            at[esc_len + tn] = '"';
            kt_out_done(o, at + esc_len + tn + 1);
            return;
        }
    }
    char tail[TAIL];
    kt_sb b;
    kt_sb_init(&b, tail, sizeof tail);
    why_tail(&b, w, to, met);
    size_t tn = kt_sb_end(&b);
    if (tn < sizeof tail && wn + tn < 1024) {
        kt_out_put(o, esc, esc_len);
        kt_out_put(o, tail, tn);
        kt_out_put(o, "\"", 1);
        return;
    }
    char why[1024];
    size_t n = why_into(w, why, sizeof why);
    kt_out_json_strn(o, why, n < sizeof why ? n : sizeof why - 1);
}

size_t kt_plan_why(const kt_plan *p, size_t i, char *buf, size_t size) {
    why_parts w = parts_of(p, &p->obs[i]);
    return why_into(&w, buf, size);
}

/* The catalogue's row of a rule id in a generation, for a group (NULL:
 * the first row of that id). */
static const kt_rule *find_rule(const char *rule, const char *generation, const char *group) {
    int gi = generation ? kt_generation_index(generation) : -1;
    if (gi < 0 || !rule) return NULL;
    const kt_generation *g = &kt_generations[gi];
    int grp = group ? kt_lookup(kt_group_names, G_COUNT, group, strlen(group)) : -1;
    if (group && grp < 0) return NULL;
    for (size_t i = 0; i < g->n_rules; i++)
        if (strcmp(g->rules[i]->id, rule) == 0 && (grp < 0 || (g->rules[i]->groups & GB(grp))))
            return g->rules[i];
    return NULL;
}

size_t kt_obligation_why(const kt_engine *e, const kt_obligation_facts *f, char *buf, size_t size,
                         const char **law, const char **seed) {
    (void)e; /* the catalogue is the library's own; the engine is for later ones */
    const kt_rule *r = find_rule(f->rule, f->generation, f->group);
    if (law) *law = r ? r->law : NULL;
    if (seed) *seed = r ? r->seed : NULL;
    if (!r || (unsigned)f->status > KT_LAPSED) {
        if (size) buf[0] = '\0';
        return (size_t)-1;
    }
    why_parts w = {.rule = r, .status = f->status, .to = f->to, .met_on = f->met_on,
                   .required = f->required, .counted = f->counted,
                   .exempt = f->exempt_reason ? f->exempt_reason : "",
                   .stopped_days = f->stopped_days, .beyond = f->beyond != 0,
                   .gen_name = f->generation};
    return why_into(&w, buf, size);
}

/* ---- JSON ------------------------------------------------------------------------------------- */

/* Identifiers of the catalogue and of case-format.md (rule ids, laws,
 * seeds, holder and form names, exemption ids) need no JSON
 * escaping: tests/test_fastparse.c checks that, so they are written as they
 * are, the same bytes kt_out_json_str would write. */
static void json_plain(kt_out *o, const char *s) {
    kt_out_put(o, "\"", 1);
    kt_out_str(o, s);
    kt_out_put(o, "\"", 1);
}

static void json_bits(kt_out *o, unsigned bits, const char *(*name)(int), int count) {
    kt_out_put(o, "[", 1);
    bool first = true;
    for (int b = 0; b < count; b++) {
        if (!(bits & (1u << b))) continue;
        if (!first) kt_out_put(o, ",", 1);
        json_plain(o, name(b));
        first = false;
    }
    kt_out_put(o, "]", 1);
}

/* kt_out_json_date from the day's text (kt_date_format's) */
static void json_day(kt_out *o, kt_date d, const char *text) {
    if (d == KT_NO_DATE) {
        KT_OUT_LIT(o, "null");
        return;
    }
    char b[12];
    b[0] = '"';
    memcpy(b + 1, text, 10);
    b[11] = '"';
    kt_out_put(o, b, 12);
}

/* An obligation's JSON is mostly its catalogue row's: id, kind, holders,
 * source and the escaped why text. Those parts are written once per row into
 * a table shared by every plan and thread, published by an atomic pointer (a
 * row two threads write at once is harmless: one copy wins, the other is
 * freed). They live as long as the process, like the catalogue. A row that
 * finds no slot is written into the caller's buffer each time, as before. */
enum { RJ_HEAD, RJ_KIND, RJ_HOLDERS, RJ_SOURCE, RJ_WHY, RJ_PARTS };
typedef struct rule_json {
    const kt_rule *rule;
    size_t why_len;         /* strlen(rule->why), for json_why's limit */
    uint16_t len[RJ_PARTS]; /* the parts, one after the other in text */
    char text[];
} rule_json;

#define RULE_JSON_SLOTS 512 /* a power of two, well above the catalogue's rows */
static _Atomic(rule_json *) rule_json_table[RULE_JSON_SLOTS];

static int rule_json_no_flush(void *ctx, const char *b, size_t n) {
    (void)ctx, (void)b, (void)n;
    return -1; /* the parts never fill kt_out's buffer; if they did: not cached */
}

/* The parts of r into o's buffer; false if they do not fit. */
static bool rule_json_write(kt_out *o, const kt_rule *r, uint16_t len[RJ_PARTS]) {
    kt_out_init(o, rule_json_no_flush, NULL);
    size_t mark = 0;
    KT_OUT_LIT(o, "{\"rule\":");
    json_plain(o, r->id);
    KT_OUT_LIT(o, ",\"generation\":\"");
    len[RJ_HEAD] = (uint16_t)(o->len - mark), mark = o->len;
    KT_OUT_LIT(o, "\",\"kind\":\"");
    kt_out_str(o, kt_kind_names[r->kind]);
    KT_OUT_LIT(o, "\",\"benefit\":\"");
    len[RJ_KIND] = (uint16_t)(o->len - mark), mark = o->len;
    if (r->holders) {
        KT_OUT_LIT(o, ",\"holders\":");
        json_bits(o, r->holders, kt_holder_name, KT_HOLDER_COUNT);
    }
    len[RJ_HOLDERS] = (uint16_t)(o->len - mark), mark = o->len;
    /* quota, provisional and source follow the obligation's status and
     * exemption, and depend on the row alone */
    if (r->quota >= 0) {
        KT_OUT_LIT(o, ",\"quota\":{\"share\":0.75,\"holder\":");
        json_plain(o, kt_holder_name(r->quota));
        KT_OUT_LIT(o, "}");
    }
    if (r->flags & F_PROVISIONAL) KT_OUT_LIT(o, ",\"provisional\":true");
    KT_OUT_LIT(o, ",\"source\":{");
    if (r->law) {
        KT_OUT_LIT(o, "\"law\":");
        json_plain(o, r->law);
        if (r->seed) KT_OUT_LIT(o, ",");
    }
    if (r->seed) { /* rules of the law after the seeds have none */
        KT_OUT_LIT(o, "\"seed\":");
        json_plain(o, r->seed);
    }
    KT_OUT_LIT(o, "},\"why\":");
    len[RJ_SOURCE] = (uint16_t)(o->len - mark), mark = o->len;
    KT_OUT_LIT(o, "\"");
    kt_out_json_body(o, r->why, strlen(r->why));
    len[RJ_WHY] = (uint16_t)(o->len - mark);
    return !o->failed;
}

static const rule_json *rule_json_of(const kt_rule *r) {
    uintptr_t h = (uintptr_t)r;
    h ^= h >> 17;
    h *= (uintptr_t)0x9E3779B97F4A7C15ull;
    size_t i = (size_t)(h >> 7) & (RULE_JSON_SLOTS - 1);
    for (int probe = 0; probe < 32; probe++, i = (i + 1) & (RULE_JSON_SLOTS - 1)) {
        rule_json *e = atomic_load_explicit(&rule_json_table[i], memory_order_acquire);
        if (!e) {
            kt_out o;
            uint16_t len[RJ_PARTS];
            if (!rule_json_write(&o, r, len)) return NULL;
            rule_json *n = malloc(sizeof *n + o.len);
            if (!n) return NULL;
            n->rule = r;
            n->why_len = strlen(r->why);
            memcpy(n->len, len, sizeof len);
            memcpy(n->text, o.buf, o.len);
            if (atomic_compare_exchange_strong_explicit(&rule_json_table[i], &e, n,
                                                        memory_order_acq_rel, memory_order_acquire))
                return n;
            free(n); /* another thread filled the slot first: e is its row */
        }
        if (e->rule == r) return e;
    }
    return NULL;
}

/* The "forms" array of each set of forms, written once (as rule_json). */
#define FORM_SETS (1u << KT_FORM_COUNT)
typedef struct forms_json {
    size_t len;
    char text[];
} forms_json;
static _Atomic(forms_json *) forms_table[FORM_SETS];

/* The set's text, written on first use; NULL out of memory. */
static const forms_json *forms_of(unsigned forms) {
    forms_json *f = forms < FORM_SETS ? atomic_load_explicit(&forms_table[forms], memory_order_acquire) : NULL;
    if (!f && forms < FORM_SETS) {
        kt_out t;
        kt_out_init(&t, rule_json_no_flush, NULL);
        json_bits(&t, forms, kt_form_name, KT_FORM_COUNT);
        forms_json *n = t.failed ? NULL : malloc(sizeof *n + t.len);
        if (n) {
            n->len = t.len;
            memcpy(n->text, t.buf, t.len);
            forms_json *e = NULL;
            if (atomic_compare_exchange_strong_explicit(&forms_table[forms], &e, n, memory_order_acq_rel,
                                                        memory_order_acquire)) {
                f = n;
            } else {
                free(n);
                f = e;
            }
        }
    }
    return f;
}

static void json_forms(kt_out *o, unsigned forms) {
    const forms_json *f = forms_of(forms);
    if (f) kt_out_put(o, f->text, f->len);
    else json_bits(o, forms, kt_form_name, KT_FORM_COUNT);
}

/* ---- an obligation written in place ---- */

static inline char *w_mem(char *w, const char *s, size_t n) {
    memcpy(w, s, n);
    return w + n;
}

#define W_LIT(w, lit) (memcpy((w), "" lit, sizeof(lit) - 1), (w) += sizeof(lit) - 1)

/* A name of at most max bytes copied; NULL if it is longer. */
static inline char *w_name(char *w, const char *s, size_t max) {
    for (size_t i = 0; i < max; i++) {
        if (!s[i]) return w + i;
        w[i] = s[i];
    }
    return NULL;
}

/* kt_out_int's digits. */
static inline char *w_int(char *w, long v) {
    if (v >= 0 && v < 10) {
        *w = (char)('0' + v);
        return w + 1;
    }
    char tmp[24];
    int i = (int)sizeof tmp;
    unsigned long u = v < 0 ? 0ul - (unsigned long)v : (unsigned long)v;
    do {
        tmp[--i] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0) tmp[--i] = '-';
    memcpy(w, tmp + i, sizeof tmp - (size_t)i);
    return w + (sizeof tmp - (size_t)i);
}

/* json_day: the quoted text (kt_date_format's), or null. */
static inline char *w_day(char *w, kt_date d, const char *text) {
    if (d == KT_NO_DATE) {
        memcpy(w, "null", 4);
        return w + 4;
    }
    w[0] = '"';
    memcpy(w + 1, text, 10);
    w[11] = '"';
    return w + 12;
}

static const forms_json *forms_of(unsigned forms);

#define NAME_MAX_LEN 64 /* generation, benefit, status and exemption names */

/* The generation, benefit and status names with their lengths and a copy
 * padded to 32 bytes, made once: written by one fixed-size copy instead of
 * a byte loop. A name is used from here only where the plan's pointer is
 * the one the table was made from (else w_name). */
typedef struct padded_name {
    const char *src;
    size_t n; /* 0: not in the table (too long) */
    char pad[32];
} padded_name;
static padded_name gen_pn[KT_N_GENERATIONS], benefit_pn[B_COUNT], status_pn[KT_LAPSED + 1];
static pthread_once_t pn_once = PTHREAD_ONCE_INIT;
static atomic_bool pn_ready;

static void pn_set(padded_name *t, const char *s) {
    size_t n = strlen(s);
    t->src = s;
    t->n = n < sizeof t->pad ? n : 0;
    memset(t->pad, 0, sizeof t->pad);
    if (t->n) memcpy(t->pad, s, n);
}

static void pn_build(void) {
    for (int i = 0; i < KT_N_GENERATIONS; i++) pn_set(&gen_pn[i], kt_generations[i].name);
    for (int i = 0; i < B_COUNT; i++) pn_set(&benefit_pn[i], kt_benefit_names[i]);
    for (int i = 0; i <= KT_LAPSED; i++) pn_set(&status_pn[i], kt_ob_status_name((kt_ob_status)i));
    atomic_store_explicit(&pn_ready, true, memory_order_release);
}

/* Writes s, the name at index i of table t (count entries): from its padded
 * copy where the table has it, else byte by byte; NULL if it is longer than
 * NAME_MAX_LEN. */
static inline char *w_known(char *w, const padded_name *t, size_t count, size_t i, const char *s) {
    if (i < count && t[i].src == s && t[i].n) {
        memcpy(w, t[i].pad, sizeof t[i].pad);
        return w + t[i].n;
    }
    return w_name(w, s, NAME_MAX_LEN);
}

/* json_ob's output up to the why text, written without a bounds
 * check per part into room reserved for the most it can take; false (and
 * nothing written) where a name is longer than NAME_MAX_LEN. */
static bool json_ob_head(kt_out *o, const kt_plan *p, const kt_ob *ob, const char *const part[RJ_PARTS],
                         const uint16_t *len, const char *to, const char *met) {
    const forms_json *fj = ob->forms ? forms_of(ob->forms) : NULL;
    if (ob->forms && !fj) return false;
    if (!atomic_load_explicit(&pn_ready, memory_order_acquire) &&
        (pthread_once(&pn_once, pn_build) != 0 || !atomic_load_explicit(&pn_ready, memory_order_acquire)))
        return false;
    size_t need = (size_t)len[RJ_HEAD] + len[RJ_KIND] + len[RJ_HOLDERS] + len[RJ_SOURCE] +
                  (fj ? fj->len : 0) + 4 * NAME_MAX_LEN + 3 * 24 + 3 * 12 + 256;
    if (need > KT_OUT_MIN) return false;
    char *w = kt_out_room(o, need);
    w = w_mem(w, part[RJ_HEAD], len[RJ_HEAD]);
    if (!(w = w_known(w, gen_pn, KT_N_GENERATIONS, ob->gen, p->gen_names[ob->gen]))) return false;
    w = w_mem(w, part[RJ_KIND], len[RJ_KIND]);
    if (!(w = w_known(w, benefit_pn, B_COUNT, ob->benefit, kt_benefit_names[ob->benefit]))) return false;
    W_LIT(w, "\",\"course\":");
    w = w_int(w, ob->course);
    W_LIT(w, ",\"window\":{\"from\":");
    if (ob->from == KT_NO_DATE) {
        W_LIT(w, "null");
    } else {
        *w = '"';
        kt_date_format_inline(ob->from, w + 1); /* its NUL is overwritten next */
        w[11] = '"';
        w += 12;
    }
    W_LIT(w, ",\"to\":");
    w = w_day(w, ob->to, to);
    W_LIT(w, "},\"required\":");
    w = w_int(w, ob->required);
    W_LIT(w, ",\"counted\":");
    w = w_int(w, ob->counted);
    w = w_mem(w, part[RJ_HOLDERS], len[RJ_HOLDERS]);
    if (fj) {
        W_LIT(w, ",\"forms\":");
        w = w_mem(w, fj->text, fj->len);
    }
    W_LIT(w, ",\"status\":\"");
    if (!(w = w_known(w, status_pn, KT_LAPSED + 1, ob->status, kt_ob_status_name((kt_ob_status)ob->status))))
        return false;
    W_LIT(w, "\"");
    if (ob->met_on != KT_NO_DATE) {
        W_LIT(w, ",\"met_on\":");
        w = w_day(w, ob->met_on, met);
    }
    if (ob->exempt) {
        W_LIT(w, ",\"exempt_reason\":\"");
        if (!(w = w_name(w, ob->exempt->id, NAME_MAX_LEN))) return false;
        W_LIT(w, "\"");
    }
    w = w_mem(w, part[RJ_SOURCE], len[RJ_SOURCE]);
    kt_out_done(o, w);
    return true;
}

static void json_ob(kt_out *o, const kt_plan *p, const kt_ob *ob) {
    const kt_rule *r = ob->rule;
    const rule_json *rj = rule_json_of(r);
    kt_out local;
    uint16_t local_len[RJ_PARTS];
    const char *part[RJ_PARTS];
    const uint16_t *len = rj ? rj->len : local_len;
    if (!rj && !rule_json_write(&local, r, local_len)) { /* cannot happen: a row is < 8 KiB */
        o->failed = true;
        return;
    }
    part[0] = rj ? rj->text : local.buf;
    for (int k = 1; k < RJ_PARTS; k++) part[k] = part[k - 1] + len[k - 1];
    char to[11], met[11];
    kt_date_format_inline(ob->to, to);
    kt_date_format_inline(ob->met_on, met);
    if (rj && json_ob_head(o, p, ob, part, len, to, met)) {
        why_parts w = parts_of(p, ob);
        json_why(o, &w, to, met, part[RJ_WHY], len[RJ_WHY], rj->why_len);
        KT_OUT_LIT(o, "}");
        return;
    }
    kt_out_put(o, part[RJ_HEAD], len[RJ_HEAD]);
    kt_out_str(o, p->gen_names[ob->gen]);
    kt_out_put(o, part[RJ_KIND], len[RJ_KIND]);
    kt_out_str(o, kt_benefit_names[ob->benefit]);
    KT_OUT_LIT(o, "\",\"course\":");
    kt_out_int(o, ob->course);
    KT_OUT_LIT(o, ",\"window\":{\"from\":");
    kt_out_json_date(o, ob->from);
    KT_OUT_LIT(o, ",\"to\":");
    json_day(o, ob->to, to);
    KT_OUT_LIT(o, "},\"required\":");
    kt_out_int(o, ob->required);
    KT_OUT_LIT(o, ",\"counted\":");
    kt_out_int(o, ob->counted);
    kt_out_put(o, part[RJ_HOLDERS], len[RJ_HOLDERS]);
    if (ob->forms) {
        KT_OUT_LIT(o, ",\"forms\":");
        json_forms(o, ob->forms);
    }
    KT_OUT_LIT(o, ",\"status\":\"");
    kt_out_str(o, kt_ob_status_name((kt_ob_status)ob->status));
    KT_OUT_LIT(o, "\"");
    if (ob->met_on != KT_NO_DATE) {
        KT_OUT_LIT(o, ",\"met_on\":");
        json_day(o, ob->met_on, met);
    }
    if (ob->exempt) {
        KT_OUT_LIT(o, ",\"exempt_reason\":");
        json_plain(o, ob->exempt->id);
    }
    kt_out_put(o, part[RJ_SOURCE], len[RJ_SOURCE]);
    why_parts w = parts_of(p, ob);
    json_why(o, &w, to, met, part[RJ_WHY], len[RJ_WHY], rj ? rj->why_len : strlen(r->why));
    KT_OUT_LIT(o, "}");
}

/* "agenda": seed 004's suggestion per conversation, for each course of
 * jobparat kontanthjælp (advice, not an obligation). */
static void json_agenda(kt_out *o, const kt_plan *p) {
    KT_OUT_LIT(o, ",\"agenda\":[");
    int first = 1;
    for (uint64_t left = p->agenda_courses; left; left &= left - 1) {
        unsigned k = (unsigned)__builtin_ctzll(left); /* the courses in order */
        for (int i = 0; i < KT_AGENDA_COUNT; i++) {
            const kt_agenda_item *a = &kt_agenda[i];
            /* the agenda's texts need no escaping (tests/test_fastparse.c) */
            if (!first) KT_OUT_LIT(o, ",");
            KT_OUT_LIT(o, "{\"course\":");
            kt_out_int(o, (long)k);
            KT_OUT_LIT(o, ",\"conversation\":");
            kt_out_int(o, a->conversation);
            KT_OUT_LIT(o, ",\"when\":");
            first = 0;
            json_plain(o, a->when);
            KT_OUT_LIT(o, ",\"topics\":[");
            for (int t = 0; a->topics[t]; t++) {
                if (t) KT_OUT_LIT(o, ",");
                json_plain(o, a->topics[t]);
            }
            KT_OUT_LIT(o, "],\"source\":{\"seed\":");
            json_plain(o, kt_agenda_seed);
            KT_OUT_LIT(o, "}}");
        }
    }
    KT_OUT_LIT(o, "]");
}

/* A warning kept as its parts (kt_warning_text's "Samtalen DATE tæller
 * ikke med: WHY." at /conversations/CONV; its code is always
 * KT_CONV_WARNING_CODE, an identifier that tests/test_fastparse.c holds
 * plain) written straight out, from '{' to '}': escaping works byte by
 * byte, so escaping the parts one after the other gives the bytes of
 * escaping the whole, and the literal parts and the date need none. False
 * (nothing written) for other warnings, or where the parts do not add up to
 * the lengths the plan keeps. */
static bool json_warning_parts(kt_out *o, const kt_warning *w) {
    static const char pre[] = "Samtalen ", mid[] = " tæller ikke med: ";
    if (!w->why || w->date == KT_NO_DATE ||
        w->mlen != (sizeof pre - 1) + 10 + (sizeof mid - 1) + w->why_len + 1 ||
        (w->code != kt_conv_warning_code && strcmp(w->code, KT_CONV_WARNING_CODE) != 0))
        return false;
    static const char head[] = "{\"code\":\"" KT_CONV_WARNING_CODE "\",\"message\":\"Samtalen ",
                      tail[] = ".\",\"pointer\":\"/conversations/";
    if (w->plain && w->why_len < KT_OUT_MIN / 2) {
        /* the engine's why texts need no escaping: the warning in one room */
        char *at = kt_out_room(o, sizeof head + 10 + sizeof mid + w->why_len + sizeof tail + KT_LTOA_MAX + 2);
        memcpy(at, head, sizeof head - 1);
        at += sizeof head - 1;
        kt_date_format_inline(w->date, at); /* its NUL overwritten next */
        at += 10;
        memcpy(at, mid, sizeof mid - 1);
        at += sizeof mid - 1;
        memcpy(at, w->why, w->why_len);
        at += w->why_len;
        memcpy(at, tail, sizeof tail - 1);
        at += sizeof tail - 1;
        char digits[KT_LTOA_MAX];
        int i = kt_ltoa_end(digits, (long)w->conv);
        memcpy(at, digits + i, KT_LTOA_MAX - (size_t)i);
        at += KT_LTOA_MAX - (size_t)i;
        at[0] = '"';
        at[1] = '}';
        kt_out_done(o, at + 2);
        return true;
    }
    char day[11];
    kt_date_format(w->date, day);
    kt_out_put(o, head, sizeof head - 1);
    kt_out_put(o, day, 10);
    KT_OUT_LIT(o, " tæller ikke med: ");
    kt_out_json_body(o, w->why, w->why_len);
    KT_OUT_LIT(o, ".\",\"pointer\":\"/conversations/");
    kt_out_int(o, (long)w->conv);
    KT_OUT_LIT(o, "\"}");
    return true;
}

static void json_plan(kt_out *o, const kt_plan *p) {
    KT_OUT_LIT(o, "{\"id\":");
    kt_out_json_str(o, p->id);
    KT_OUT_LIT(o, ",\"as_of\":");
    kt_out_json_date(o, p->as_of);
    KT_OUT_LIT(o, ",\"obligations\":[");
    for (size_t i = 0; i < p->n_obs; i++) {
        if (i) KT_OUT_LIT(o, ",");
        json_ob(o, p, &p->obs[i]);
    }
    KT_OUT_LIT(o, "],\"warnings\":[");
    for (size_t i = 0; i < p->n_warnings; i++) {
        const kt_warning *wa = &p->warnings[i];
        if (i) KT_OUT_LIT(o, ",");
        if (json_warning_parts(o, wa)) continue;
        KT_OUT_LIT(o, "{\"code\":");
        char mbuf[KT_WARNING_TEXT_MAX], pbuf[KT_WARNING_POINTER_MAX];
        const char *msg, *ptr;
        kt_warning_text(wa, mbuf, pbuf, &msg, &ptr);
        if (wa->plain) { /* the engine's own texts: no escaping needed */
            json_plain(o, wa->code);
            KT_OUT_LIT(o, ",\"message\":\"");
            kt_out_put(o, msg, wa->mlen);
            KT_OUT_LIT(o, "\"");
            if (ptr[0]) {
                KT_OUT_LIT(o, ",\"pointer\":\"");
                kt_out_put(o, ptr, wa->plen);
                KT_OUT_LIT(o, "\"");
            }
        } else {
            kt_out_json_str(o, wa->code);
            KT_OUT_LIT(o, ",\"message\":");
            kt_out_json_strn(o, msg, wa->mlen);
            if (ptr[0]) {
                KT_OUT_LIT(o, ",\"pointer\":");
                kt_out_json_strn(o, ptr, wa->plen);
            }
        }
        KT_OUT_LIT(o, "}");
    }
    KT_OUT_LIT(o, "]");
    if (p->agenda_courses) json_agenda(o, p);
    KT_OUT_LIT(o, "}");
}

int kt_plan_write_json(const kt_plan *p, kt_write_fn w, void *ctx) {
    kt_out o;
    kt_out_init(&o, w, ctx);
    json_plan(&o, p);
    return kt_out_finish(&o);
}

int kt_plan_write_json_lent(const kt_plan *p, char *buf, size_t cap, size_t *len, kt_write_fn w,
                            void *ctx) {
    if (cap < KT_OUT_MIN || *len > cap) return KT_EARG;
    kt_out o;
    kt_out_init_lent(&o, buf, cap, *len, w, ctx);
    json_plan(&o, p);
    *len = o.len;
    return o.failed ? KT_EIO : KT_OK;
}

/* ---- text ------------------------------------------------------------------------------------- */

static const char *status_da(int s) {
    static const char *const n[] = {"opfyldt", "for sent", "åben", "overskredet", "fritaget", "bortfaldet"};
    return (unsigned)s < 6 ? n[s] : "";
}

/* "- MESSAGE\n" */
static void write_warning_line(kt_out *o, const kt_warning *w) {
    char mbuf[KT_WARNING_TEXT_MAX], pbuf[KT_WARNING_POINTER_MAX];
    const char *msg, *ptr;
    kt_warning_text(w, mbuf, pbuf, &msg, &ptr);
    kt_out_fmt(o, "- %s\n", msg);
}

int kt_plan_write_text(const kt_plan *p, kt_write_fn w, void *ctx) {
    kt_out o;
    kt_out_init(&o, w, ctx);
    char asof[11];
    kt_date_format(p->as_of, asof);
    kt_out_fmt(&o, "Plan for %s pr. %s\n\n", p->id, asof);
    kt_out_fmt(&o, "%-28s %-6s %-23s %-12s %-6s %-10s\n", "Regel", "Gen.", "Vindue", "Status", "Talt",
               "Opfyldt");
    for (size_t i = 0; i < p->n_obs; i++) {
        const kt_ob *ob = &p->obs[i];
        char f[11], t[11], m[11], win[24], cnt[16];
        kt_date_format(ob->from, f);
        kt_date_format(ob->to, t);
        kt_date_format(ob->met_on, m);
        snprintf(win, sizeof win, "%s..%s", f, ob->to == KT_NO_DATE ? "" : t);
        snprintf(cnt, sizeof cnt, "%d/%d", ob->counted, ob->required);
        /* status names are UTF-8: pad by hand so the columns line up */
        const char *st = status_da(ob->status);
        kt_out_fmt(&o, "%-28s %-6s %-23s %s", ob->rule->id, p->gen_names[ob->gen], win, st);
        size_t chars = 0;
        for (const char *s = st; *s; s++) chars += ((unsigned char)*s & 0xC0) != 0x80;
        for (size_t k = chars; k < 13; k++) kt_out_str(&o, " ");
        kt_out_fmt(&o, "%-6s %s", cnt, m);
        const kt_rule *r = ob->rule;
        if (r->quota >= 0 || (r->flags & F_PROVISIONAL))
            kt_out_fmt(&o, "%s[%s%s%s]", ob->met_on == KT_NO_DATE ? "           " : " ",
                       r->quota >= 0 ? "75 %-regel" : "",
                       r->quota >= 0 && (r->flags & F_PROVISIONAL) ? ", " : "",
                       r->flags & F_PROVISIONAL ? "foreløbig" : "");
        kt_out_str(&o, "\n");
    }
    if (p->n_obs == 0) kt_out_str(&o, "(ingen forpligtelser)\n");
    if (p->n_warnings) {
        kt_out_str(&o, "\nAdvarsler:\n");
        for (size_t i = 0; i < p->n_warnings; i++) write_warning_line(&o, &p->warnings[i]);
    }
    if (p->agenda_courses) {
        kt_out_str(&o, "\nForslag til samtalernes indhold (råd, ikke lovkrav; seed 004):\n");
        for (int i = 0; i < KT_AGENDA_COUNT; i++) {
            const kt_agenda_item *a = &kt_agenda[i];
            kt_out_fmt(&o, "%d. samtale (%s): ", a->conversation, a->when);
            for (int t = 0; a->topics[t]; t++) kt_out_fmt(&o, "%s%s", t ? "; " : "", a->topics[t]);
            kt_out_str(&o, "\n");
        }
    }
    return kt_out_finish(&o);
}

/* ---- explain ----------------------------------------------------------------------------------- */

static const char *slot_name(int slot) {
    /* the first row of a slot in any generation names it */
    for (int g = 0; g < KT_N_GENERATIONS; g++) {
        const kt_rule *r = kt_generation_find(&kt_generations[g], slot, -1);
        if (r) return r->id;
    }
    return "?";
}

int kt_plan_write_explain(const kt_plan *p, kt_write_fn w, void *ctx) {
    kt_out o;
    kt_out_init(&o, w, ctx);
    char d1[11], d2[11], d3[11];
    kt_date_format(p->as_of, d1);
    kt_out_fmt(&o, "Forklaring af planen for %s pr. %s\n", p->id, d1);
    if (!p->explain) {
        kt_out_str(&o, "(planen blev beregnet uden forklaring)\n");
        return kt_out_finish(&o);
    }
    kt_out_str(&o, "\nGenerationer (første dag):");
    for (int g = 0; g < KT_N_GENERATIONS; g++) {
        kt_date_format(p->gen_first[g], d1);
        kt_out_fmt(&o, " %s=%s", p->gen_names[g], d1);
    }
    kt_date_format(p->gen_first[KT_N_GENERATIONS], d1);
    kt_out_fmt(&o, "; nyere lov fra %s\n", d1);
    for (size_t k = 0; k < p->n_courses; k++) {
        const kt_course_view *c = &p->courses[k];
        kt_date_format(c->start, d1);
        kt_date_format(c->end, d2);
        kt_out_fmt(&o, "\nForløb %zu: %s (målgruppe %s), S = %s, %s%s\n", k, kt_benefit_names[c->benefit],
                   kt_group_names[c->group], d1, c->end == KT_NO_DATE ? "løbende" : "sluttede ",
                   c->end == KT_NO_DATE ? "" : d2);
        if (c->gen >= 0)
            kt_out_fmt(&o, "  Regler fra S: %s (den generation, der gælder på S = %s)\n",
                       p->gen_names[c->gen], d1);
        else
            kt_out_str(&o, "  S ligger før katalogets første generation: ingen forpligtelser\n");
        for (uint32_t i = 0; i < c->n_stops; i++) {
            kt_date_format(c->stops[2 * i], d2);
            bool forever = c->stops[2 * i + 1] == INT32_MAX;
            if (!forever) kt_date_format(c->stops[2 * i + 1], d3);
            kt_out_fmt(&o, "  Uret står stille %s..%s: %s\n", d2, forever ? "(ingen slutdato)" : d3,
                       c->stop_why[i]);
        }
        if (c->n_stops == 0) kt_out_str(&o, "  Uret står ikke stille i forløbet\n");
    }
    for (size_t i = 0; i < p->n_obs; i++) {
        const kt_ob *ob = &p->obs[i];
        const kt_rule *r = ob->rule;
        kt_date_format(ob->from, d1);
        kt_date_format(ob->to, d2);
        kt_date_format(ob->gen_day, d3);
        kt_out_fmt(&o, "\n%s (forløb %d) %s..%s: %s, %d/%d\n", r->id, ob->course, d1,
                   ob->to == KT_NO_DATE ? "(ingen frist)" : d2, kt_ob_status_name((kt_ob_status)ob->status),
                   ob->counted, ob->required);
        kt_out_fmt(&o, "  Generation %s: gælder på %s (%s)%s\n", p->gen_names[ob->gen], d3,
                   r->anchor == A_S && r->shape != SH_RECUR && r->shape != SH_TWELVE
                       ? "forløbets start S; gælder hele forløbet"
                       : "den dag vinduet åbner",
                   ob->beyond ? "; nyere lov gælder, beregnet efter katalogets nyeste" : "");
        kt_out_fmt(&o, "  Kilde: %s%s%s\n", r->law ? r->law : "", r->law && r->seed ? ", " : "",
                   r->seed ? r->seed : "");
        if (r->quota >= 0)
            kt_out_fmt(&o, "  75 %%-regel (%s): pligten gælder over for mindst 75 %% af holderens "
                           "målgruppe, ikke over for hver enkelt; en hændelse "
                           "undtaget_konkret_vurdering fra %s fritager (exempt.konkret_vurdering)\n",
                       kt_holder_name(r->quota), kt_holder_name(r->quota));
        if (r->flags & F_PROVISIONAL)
            kt_out_str(&o, "  Foreløbig: reglen eller en frist i den bygger på officielle resuméer af "
                           "lov nr. 1750 af 29/12 2025, ikke på lovens tekst (LAB §§ 9, 27, 31-33 som "
                           "ændret er ikke set); den rettes, når teksten foreligger\n");
        if (ob->stopped_days > 0)
            kt_out_fmt(&o, "  Fristen er rykket %d dage af stillestående ur\n", ob->stopped_days);
        if (ob->exempt) kt_out_fmt(&o, "  Fritaget på fristen: %s\n", ob->exempt->id);
        for (uint32_t t = 0; t < ob->trace_count; t++) {
            const kt_trace_entry *te = &p->trace[ob->trace_first + t];
            const kt_conversation *cv = &p->conversations[te->conversation];
            kt_date_format(cv->date, d1);
            kt_out_fmt(&o, "  - samtale %s (%s, %s): %s", d1, kt_holder_name(cv->holder),
                       kt_form_name(cv->form), kt_verdict_text[te->verdict]);
            if (te->verdict == V_FORM) kt_out_fmt(&o, ": %s", kt_form_verdict_text[te->detail]);
            if (te->verdict == V_CLAIMED) kt_out_fmt(&o, " (%s)", slot_name(te->detail));
            kt_out_str(&o, "\n");
        }
    }
    if (p->n_warnings) {
        kt_out_str(&o, "\nAdvarsler:\n");
        for (size_t i = 0; i < p->n_warnings; i++) write_warning_line(&o, &p->warnings[i]);
    }
    return kt_out_finish(&o);
}
