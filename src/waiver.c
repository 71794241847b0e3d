/* waiver.c: applies `allow` waivers and the -W flags to the findings.
 * Takes the finished checks; gives each matching finding its waiver's
 * reason (it prints as a note), warns about waivers that match nothing,
 * drops disabled checks and raises warnings under -Werror. */
#include <string.h>
#include "check.h"

/* `sys.service` names a service of the system (every instance of it);
 * `inst.service` one instance's. */
static bool ref_names_decl(const ref *r, const decl *svc, const char *inst)
{
    if (!svc || strcmp(r->name, svc->name) != 0) return false;
    return strcmp(r->qual, svc->system->name) == 0 || (inst && strcmp(r->qual, inst) == 0);
}

/* A waiver naming a service also covers its aliases: they are the same
 * software (`service dante is dante.audio_control`). */
static bool ref_names(const ref *r, const decl *svc, const char *inst)
{
    if (ref_names_decl(r, svc, inst)) return true;
    return svc && svc->alias_of && ref_names_decl(r, svc->alias_of, NULL);
}

static bool waiver_matches(const waiver_decl *w, const diag *d)
{
    if (strcmp(w->check, check_table[d->check].id) != 0) return false;
    if (w->site && w->site != d->site) return false;
    if (w->host.name && (!d->host || strcmp(w->host.name, d->host->name) != 0)) return false;
    for (int i = 0; i < w->nservices; i++) {
        const ref *r = &w->services[i];
        if (!r->qual) return false;
        if (!ref_names(r, d->svc[0], d->svc_inst[0]) && !ref_names(r, d->svc[1], d->svc_inst[1]))
            return false;
    }
    return true;
}

/* The waivers of one check that name this service first, in source order
 * (or, under "", the waivers that name no service). */
typedef struct {
    waiver_decl **v;
    size_t n, cap;
} waiver_list;

typedef struct {
    names by_service[CK_COUNT];  /* first service's name -> waiver_list */
} waiver_index;

static void index_waiver(model *m, waiver_index *ix, waiver_decl *w)
{
    int ck = check_lookup(w->check);
    /* An unknown id, or an allow with an error in it (an unknown name, `on
     * HOST` at top level): reported elsewhere, and it waives nothing. */
    if (ck < 0 || w->invalid) return;
    const char *key = w->nservices ? w->services[0].name : "";
    waiver_list *l = names_get(&ix->by_service[ck], key);
    if (!l) {
        l = arena_alloc(m->mem, sizeof *l);
        names_put(m->mem, &ix->by_service[ck], key, l);
    }
    l->v = arena_grow(m->mem, l->v, sizeof *l->v, &l->cap, l->n + 1);
    l->v[l->n++] = w;
}

/* The first waiver of l, in source order, that matches d. */
static waiver_decl *first_match(const waiver_list *l, const diag *d)
{
    for (size_t i = 0; l && i < l->n; i++)
        if (waiver_matches(l->v[i], d)) return l->v[i];
    return NULL;
}

static waiver_decl *earlier(waiver_decl *a, waiver_decl *b)
{
    if (!a || !b) return a ? a : b;
    return a->order <= b->order ? a : b;
}

/* Each finding looks only at the waivers of its check that name one of its
 * two services first, or none: not at every waiver. */
static void apply_waivers(model *m, diag_sink *s)
{
    waiver_index *ix = arena_alloc(m->mem, sizeof *ix);
    for (int k = 0; k < CK_COUNT; k++) names_init(&ix->by_service[k]);
    unsigned order = 0;
    for (waiver_decl *w = m->prog->waivers; w; w = w->next) {
        w->order = order++;
        index_waiver(m, ix, w);
    }
    for (size_t i = 0; i < s->count; i++) {
        diag *d = s->items[i];
        if (!check_table[d->check].waivable || d->waiver) continue;
        const names *t = &ix->by_service[d->check];
        waiver_decl *w = first_match(names_get(t, ""), d);
        for (int k = 0; k < 2; k++) {
            if (d->svc[k] && (k == 0 || !d->svc[0] || strcmp(d->svc[0]->name, d->svc[1]->name) != 0))
                w = earlier(w, first_match(names_get(t, d->svc[k]->name), d));
            /* an allow naming an alias's target covers the alias too */
            if (d->svc[k] && d->svc[k]->alias_of)
                w = earlier(w, first_match(names_get(t, d->svc[k]->alias_of->name), d));
        }
        if (w) {
            d->waiver = w->reason;
            d->waiver_loc = w->where;
            w->used++;
        }
    }
}

static void report_unused(model *m, const check_options *o)
{
    for (waiver_decl *w = m->prog->waivers; w; w = w->next) {
        int ck = check_lookup(w->check);
        /* A disabled check finds nothing, so its waivers have nothing to
         * match; audit findings come from berth audit, not from here. */
        if (w->used || w->invalid || ck < 0 || !o->enabled[ck] || check_table[ck].audit_only)
            continue;
        if (!check_table[ck].waivable)
            diag_report(m->diags, SEV_ERROR, CK_TYPE, w->check_loc,
                        "'%s' findings are errors in the policy text and cannot be waived",
                        w->check);
        else
            diag_report(m->diags, SEV_WARNING, CK_UNUSED_WAIVER, w->where,
                        "this allow matches no %s finding; remove it or correct its names",
                        w->check);
    }
}

/* Drop disabled checks' findings; -Werror raises warnings. */
static void apply_flags(diag_sink *s, const check_options *o)
{
    size_t w = 0;
    for (size_t i = 0; i < s->count; i++) {
        diag *d = s->items[i];
        if (!o->enabled[d->check] && check_table[d->check].sev != SEV_ERROR) continue;
        if (!o->enabled[d->check] && check_table[d->check].waivable) continue;
        if (o->werror && d->sev == SEV_WARNING) d->sev = SEV_ERROR;
        s->items[w++] = d;
    }
    s->count = w;
}

void check_apply_waivers(model *m, const check_options *o)
{
    if (!o->no_waivers) {
        apply_waivers(m, m->diags);
        report_unused(m, o);
    }
    apply_flags(m->diags, o);
}

void check_waive_other(model *m, diag_sink *s, const check_options *o)
{
    if (!o->no_waivers) apply_waivers(m, s);
    apply_flags(s, o);
}
