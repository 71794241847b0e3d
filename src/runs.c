/* runs.c: the index of which hosts run (instance, role); see runs.h. */
#include <stdlib.h>
#include <string.h>
#include "runs.h"

/* Roles compare by name so the order does not depend on addresses. */
static int entry_cmp(int inst, const decl *role, const run_entry *e)
{
    if (e->inst != inst) return inst < e->inst ? -1 : 1;
    return e->role == role ? 0 : strcmp(role->name, e->role->name);
}

static int run_cmp(const void *pa, const void *pb)
{
    const run_entry *a = pa, *b = pb;
    int c = entry_cmp(a->inst, a->role, b);
    if (c) return c;
    return (a->h->index > b->h->index) - (a->h->index < b->h->index);
}

run_index runs_index(const model *m)
{
    size_t n = 0;
    for (size_t i = 0; i < m->nhosts; i++) n += (size_t)m->hosts[i]->nruns;
    run_index ix = {arena_alloc(m->mem, (n + 1) * sizeof *ix.v), 0};
    for (size_t i = 0; i < m->nhosts; i++)
        for (int k = 0; k < m->hosts[i]->nruns; k++)
            ix.v[ix.n++] = (run_entry){m->hosts[i]->runs[k].inst->index,
                                       m->hosts[i]->runs[k].role, m->hosts[i]};
    if (ix.n > 1) qsort(ix.v, ix.n, sizeof *ix.v, run_cmp);
    return ix;
}

size_t runs_hosts(const run_index *ix, int inst, const decl *role, size_t *first)
{
    size_t lo = 0, hi = ix->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (entry_cmp(inst, role, &ix->v[mid]) > 0) lo = mid + 1;
        else hi = mid;
    }
    size_t end = lo;
    while (end < ix->n && ix->v[end].inst == inst && ix->v[end].role == role) end++;
    *first = lo;
    return end - lo;
}

/* Site, then system (as numbers: any order groups them), then index. */
static int site_sys_cmp(const site_decl *site, const system_decl *sys, const instance *b)
{
    uintptr_t x = (uintptr_t)site, y = (uintptr_t)b->site;
    if (x != y) return x < y ? -1 : 1;
    x = (uintptr_t)sys, y = (uintptr_t)b->sys;
    return (x > y) - (x < y);
}

static int by_sys_cmp(const void *pa, const void *pb)
{
    const instance *a = *(const instance *const *)pa, *b = *(const instance *const *)pb;
    int c = site_sys_cmp(a->site, a->sys, b);
    return c ? c : (a->index > b->index) - (a->index < b->index);
}

site_index runs_site_index(const model *m)
{
    site_index x = {arena_alloc(m->mem, (m->ninstances + 1) * sizeof *x.v), m->ninstances};
    for (size_t i = 0; i < m->ninstances; i++) x.v[i] = m->instances[i];
    if (x.n > 1) qsort(x.v, x.n, sizeof *x.v, by_sys_cmp);
    return x;
}

size_t runs_site_instances(const site_index *x, const site_decl *site, const system_decl *sys,
                           size_t *first)
{
    size_t lo = 0, hi = x->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (site_sys_cmp(site, sys, x->v[mid]) > 0) lo = mid + 1;
        else hi = mid;
    }
    size_t end = lo;
    while (end < x->n && !site_sys_cmp(site, sys, x->v[end])) end++;
    *first = lo;
    return end - lo;
}

const instance *runs_instance_of(const host *h, const system_decl *sys)
{
    for (int i = 0; i < h->nruns; i++)
        if (h->runs[i].inst->sys == sys) return h->runs[i].inst;
    return NULL;
}
