/* catalogue.c -- the rule catalogue rendered for people and programs. */
#include "engine.h"
#include "out.h"

#include <stdio.h>
#include <string.h>

static const char *const shape_names[] = {"single", "twelve_months", "recurring", "monthly"};
static const char *const anchor_names[] = {"S", "event", "category_start", "barsel_end",
                                           "after_first", "after_6_months"};

/* The window terms in the notation of rules.md. */
static void window_terms(const kt_rule *r, char *buf, size_t size) {
    const char *a = r->anchor == A_EVENT ? kt_event_names[r->anchor_event]
                    : r->anchor == A_CATEGORY_START ? "kategoriens start"
                    : r->anchor == A_BARSEL_END ? "barslens slut"
                    : "S";
    char from[64], to[64];
    if (r->from_months) snprintf(from, sizeof from, "addMonths(%s, %d)", a, r->from_months);
    else snprintf(from, sizeof from, "%s", a);
    if (r->flags & F_NO_DEADLINE) snprintf(to, sizeof to, "null");
    else if (r->to_months && r->to_days) snprintf(to, sizeof to, "addMonths(%s, %d) %+d", a, r->to_months, r->to_days);
    else if (r->to_months) snprintf(to, sizeof to, "addMonths(%s, %d)", a, r->to_months);
    else snprintf(to, sizeof to, "%s + %d dage", a, r->to_days);
    switch (r->shape) {
    case SH_TWELVE: snprintf(buf, size, "mindst %d i hvert 12-måneders vindue fra S", r->required); break;
    case SH_RECUR:
        snprintf(buf, size, "senest %d måneder efter forrige (fra %s)", r->months,
                 r->anchor == A_AFTER_FIRST ? "første samtale" : r->anchor == A_AFTER_6M ? "6 måneder" : "S");
        break;
    case SH_MONTHLY:
        snprintf(buf, size, "måned %d-%d: [addMonths(S, k-1), addMonths(S, k) - 1], 14 dages henstand",
                 r->first_month, r->last_month);
        break;
    default:
        if (r->anchor == A_BARSEL_END) snprintf(buf, size, "[addMonths(slut, -3), slut]");
        else snprintf(buf, size, "[%s, %s]%s", from, to,
                      r->flags & F_UNTIL_JC_CONV ? " eller første samtale i jobcentret" : "");
    }
}

static void json_rule(kt_out *o, const kt_rule *r) {
    char terms[256];
    window_terms(r, terms, sizeof terms);
    kt_out_str(o, "{\"id\":");
    kt_out_json_str(o, r->id);
    kt_out_fmt(o, ",\"kind\":\"%s\",\"shape\":\"%s\",\"anchor\":\"%s\",\"clock\":\"%s\",\"window\":",
               kt_kind_names[r->kind], shape_names[r->shape], anchor_names[r->anchor],
               r->clock == CLK_BENEFIT ? "benefit_time" : "calendar");
    kt_out_json_str(o, terms);
    kt_out_fmt(o, ",\"required\":%d,\"groups\":[", r->required);
    bool first = true;
    for (int g = 0; g < G_COUNT; g++)
        if (r->groups & GB(g)) {
            kt_out_fmt(o, "%s\"%s\"", first ? "" : ",", kt_group_names[g]);
            first = false;
        }
    kt_out_str(o, "],\"holders\":[");
    first = true;
    for (int h = 0; h < KT_HOLDER_COUNT; h++)
        if (r->holders & (1u << h)) {
            kt_out_fmt(o, "%s\"%s\"", first ? "" : ",", kt_holder_name(h));
            first = false;
        }
    kt_out_str(o, "]");
    if (r->quota >= 0) kt_out_fmt(o, ",\"quota\":{\"share\":0.75,\"holder\":\"%s\"}", kt_holder_name(r->quota));
    if (r->flags & F_PROVISIONAL) kt_out_str(o, ",\"provisional\":true");
    kt_out_str(o, ",\"source\":{");
    if (r->law) {
        kt_out_str(o, "\"law\":");
        kt_out_json_str(o, r->law);
        if (r->seed) kt_out_str(o, ",");
    }
    if (r->seed) {
        kt_out_str(o, "\"seed\":");
        kt_out_json_str(o, r->seed);
    }
    kt_out_str(o, "},\"why\":");
    kt_out_json_str(o, r->why);
    kt_out_str(o, "}");
}

static void range_of(const kt_engine *e, kt_date on, int *lo, int *hi) {
    *lo = 0;
    *hi = KT_N_GENERATIONS - 1;
    if (on == KT_NO_DATE) return;
    int g = kt_engine_generation_on(e, on, NULL);
    *lo = g;
    *hi = g;
}

int kt_rules_write_json(const kt_engine *e, kt_date on, kt_write_fn w, void *ctx) {
    kt_out o;
    kt_out_init(&o, w, ctx);
    int lo, hi;
    range_of(e, on, &lo, &hi);
    kt_out_str(&o, "{\"generations\":[");
    for (int g = lo; g <= hi && g >= 0; g++) {
        const kt_generation *gen = &kt_generations[g];
        if (g > lo) kt_out_str(&o, ",");
        kt_out_fmt(&o, "{\"name\":\"%s\",\"first_day\":", gen->name);
        kt_out_json_date(&o, e->first[g]);
        if (gen->provisional) kt_out_str(&o, ",\"provisional\":true");
        kt_out_str(&o, ",\"law\":");
        kt_out_json_str(&o, gen->law);
        kt_out_str(&o, ",\"what\":");
        kt_out_json_str(&o, gen->what);
        kt_out_str(&o, ",\"rules\":[");
        for (size_t i = 0; i < gen->n_rules; i++) {
            if (i) kt_out_str(&o, ",");
            json_rule(&o, gen->rules[i]);
        }
        kt_out_str(&o, "],\"exemptions\":[");
        for (size_t i = 0; i < gen->n_exemptions; i++) {
            const kt_exemption *x = gen->exemptions[i];
            kt_out_fmt(&o, "%s{\"id\":\"%s\",\"event\":\"%s\"", i ? "," : "", x->id, kt_event_names[x->event]);
            if (x->reason) kt_out_fmt(&o, ",\"reason\":\"%s\"", kt_reason_names[x->reason]);
            kt_out_str(&o, "}");
        }
        kt_out_str(&o, "]}");
    }
    kt_out_str(&o, "],\"newer_law_from\":");
    kt_out_json_date(&o, e->first[KT_N_GENERATIONS]);
    kt_out_str(&o, "}");
    return kt_out_finish(&o);
}

int kt_rules_write_text(const kt_engine *e, kt_date on, kt_write_fn w, void *ctx) {
    kt_out o;
    kt_out_init(&o, w, ctx);
    int lo, hi;
    range_of(e, on, &lo, &hi);
    if (lo < 0) kt_out_str(&o, "Ingen generation gælder på den dag (før 2014-01-01).\n");
    for (int g = lo; g <= hi && g >= 0; g++) {
        const kt_generation *gen = &kt_generations[g];
        char day[11];
        kt_date_format(e->first[g], day);
        kt_out_fmt(&o, "%s fra %s%s: %s\n  %s\n", gen->name, day,
                   gen->provisional ? " (foreløbig)" : "", gen->what, gen->law);
        for (size_t i = 0; i < gen->n_rules; i++) {
            const kt_rule *r = gen->rules[i];
            char terms[256];
            window_terms(r, terms, sizeof terms);
            kt_out_fmt(&o, "  %-28s %-12s %s  [%s%s%s]%s%s%s\n", r->id, kt_kind_names[r->kind], terms,
                       r->law ? r->law : "", r->law && r->seed ? ", " : "", r->seed ? r->seed : "",
                       r->quota >= 0 ? " 75 %-regel (" : "", r->quota >= 0 ? kt_holder_name(r->quota) : "",
                       r->quota >= 0 ? (r->flags & F_PROVISIONAL ? "), foreløbig" : ")")
                                     : (r->flags & F_PROVISIONAL ? " foreløbig" : ""));
        }
        for (size_t i = 0; i < gen->n_exemptions; i++)
            kt_out_fmt(&o, "  %-28s fritagelse ved %s\n", gen->exemptions[i]->id,
                       kt_event_names[gen->exemptions[i]->event]);
        kt_out_str(&o, "\n");
    }
    return kt_out_finish(&o);
}
