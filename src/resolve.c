/* resolve.c: name resolution. Takes the program's ASTs; gives every ref its
 * target (role, zone, param, instance, host, service), one instance record
 * per deployed system, one host record per host, or a diagnostic with a
 * "did you mean" and a note at the first declaration. */
#include <stdlib.h>
#include <string.h>
#include "model.h"
#include "xalloc.h"

static const char *kind_name(decl_kind k)
{
    static const char *const n[] = {"zone", "role", "parameter", "pool", "service",
                                    "network", "set", "instance", "host"};
    return n[k];
}

void model_init(model *m, arena *mem, diag_sink *diags, program *prog)
{
    memset(m, 0, sizeof *m);
    m->mem = mem;
    m->diags = diags;
    m->prog = prog;
    names_init(&m->systems);
    names_init(&m->sites);
}

static void duplicate(model *m, const char *what, const char *name, loc here, loc first)
{
    diag *d = diag_report(m->diags, SEV_ERROR, CK_DUPLICATE_NAME, here,
                          "duplicate %s '%s'", what, name);
    diag_add_note(m->diags, d, first, "'%s' was first declared here", name);
}

/* A system has one namespace: a flow's endpoint names a role or zone
 * unqualified, and `sys.name` must mean one thing in waivers and aliases. */
static void one_namespace(model *m, const system_decl *s, const decl *d, const decl *prev)
{
    diag *g = diag_report(m->diags, SEV_ERROR, CK_DUPLICATE_NAME, d->name_loc,
                          "duplicate name '%s': it is already a %s of system '%s' (zones, roles, "
                          "parameters, pools and services share one namespace); rename the %s",
                          d->name, kind_name(prev->kind), s->name, kind_name(d->kind));
    diag_add_note(m->diags, g, prev->name_loc, "'%s' was first declared here", d->name);
}

static void set_twice(model *m, const char *name, loc here, loc first)
{
    diag *d = diag_report(m->diags, SEV_ERROR, CK_DUPLICATE_NAME, here,
                          "parameter '%s' is set twice for this instance", name);
    diag_add_note(m->diags, d, first, "'%s' was first set here", name);
}

/* Declared names hold letters, digits and '_' only: they become C
 * identifiers and firewall set names. */
static void check_plain_name(model *m, const char *name, loc where)
{
    if (strchr(name, '-'))
        diag_report(m->diags, SEV_ERROR, CK_SYNTAX, where,
                    "'%s' is not a valid name: use '_' instead of '-'", name);
}

static bool is_param(const void *v)
{
    const decl *d = v;
    return d && (d->kind == D_PARAM || d->kind == D_POOL);
}

static bool is_service(const void *v)
{
    const decl *d = v;
    return d && d->kind == D_SERVICE;
}

static bool is_zone(const void *v)
{
    const decl *d = v;
    return d && d->kind == D_ZONE;
}

/* Where a flow can start or end: a role or a zone. */
static bool is_place(const void *v)
{
    const decl *d = v;
    return d && (d->kind == D_ROLE || d->kind == D_ZONE);
}

static bool is_host(const void *v)
{
    const decl *d = v;
    return d && d->kind == D_HOST;
}

/* Suggestions come only from names of the kind that was wanted. */
static bool (*kind_filter(const char *what))(const void *)
{
    if (strcmp(what, "parameter") == 0) return is_param;
    if (strcmp(what, "service") == 0) return is_service;
    if (strcmp(what, "host") == 0) return is_host;
    return NULL;
}

static void unknown(model *m, loc where, const char *what, const char *name, const names *in,
                    const char *prefix)
{
    const char *s = in ? names_suggest_if(in, name, kind_filter(what)) : NULL;
    if (s)
        diag_report(m->diags, SEV_ERROR, CK_UNKNOWN_NAME, where,
                    "unknown %s '%s%s'; did you mean '%s%s'?", what, prefix, name, prefix, s);
    else
        diag_report(m->diags, SEV_ERROR, CK_UNKNOWN_NAME, where, "unknown %s '%s%s'", what,
                    prefix, name);
}

/* ---- systems ---- */

static void declare_system(model *m, system_decl *s)
{
    check_plain_name(m, s->name, s->name_loc);
    system_decl *old = names_put(m->mem, &m->systems, s->name, s);
    if (old) duplicate(m, "system", s->name, s->name_loc, old->name_loc);
    s->scope = arena_alloc(m->mem, sizeof *s->scope);
    names_init(s->scope);
    for (decl *d = s->decls; d; d = d->next) {
        check_plain_name(m, d->name, d->name_loc);
        decl *prev = names_put(m->mem, s->scope, d->name, d);
        if (prev && prev->kind != d->kind)
            one_namespace(m, s, d, prev);
        else if (prev)
            duplicate(m, kind_name(d->kind), d->name, d->name_loc, prev->name_loc);
        if (d->kind == D_PARAM || d->kind == D_POOL) d->index = s->nparams++;
        if (d->kind == D_SERVICE) d->index = m->nservices++;
        if (d->kind == D_ROLE) d->index = m->nroles++;
    }
}

static system_decl *find_system(model *m, const char *name)
{
    return names_get(&m->systems, name);
}

static void resolve_expr(model *m, system_decl *s, expr *e)
{
    if (!e) return;
    if (e->kind != EX_PARAM) {
        if (!expr_is_binary(e)) return;
        resolve_expr(m, s, e->l);
        resolve_expr(m, s, e->r);
        return;
    }
    decl *d = names_get(s->scope, e->param.name);
    if (d && (d->kind == D_PARAM || d->kind == D_POOL)) {
        e->target = d;
        return;
    }
    if (d)
        diag_report(m->diags, SEV_ERROR, CK_TYPE, e->where,
                    "'$%s' names a %s of system '%s', not a parameter", e->param.name,
                    kind_name(d->kind), s->name);
    else
        unknown(m, e->where, "parameter", e->param.name, s->scope, "$");
}

/* A parameter is a port value when it is the base of a bound (`$p` or
 * `$p + $n - 1`), not a count added to one. */
static void mark_port_use(expr *e)
{
    while (e && e->kind != EX_PARAM && e->kind != EX_NUM && e->kind != EX_ADDR) e = e->l;
    if (e && e->kind == EX_PARAM && e->target) e->target->port_use = true;
}

static void resolve_ports(model *m, system_decl *s, port_item *p, bool network)
{
    for (; p; p = p->next) {
        resolve_expr(m, s, p->lo);
        resolve_expr(m, s, p->hi);
        if (!network) continue;
        mark_port_use(p->lo);
        mark_port_use(p->hi);
    }
}

/* A role or zone named in a flow: `name` in this system or `sys.name`. */
static decl *resolve_role_or_zone(model *m, system_decl *s, const ref *r, bool zone_only)
{
    system_decl *in = s;
    if (r->qual) {
        in = find_system(m, r->qual);
        if (!in) {
            unknown(m, r->where, "system", r->qual, &m->systems, "");
            return NULL;
        }
    }
    decl *d = names_get(in->scope, r->name);
    const char *want = zone_only ? "zone" : "role or zone";
    if (!d) {
        const char *sug = names_suggest_if(in->scope, r->name, zone_only ? is_zone : is_place);
        if (sug)
            diag_report(m->diags, SEV_ERROR, CK_UNKNOWN_NAME, r->where,
                        "unknown %s '%s' in system '%s'; did you mean '%s'?", want, r->name,
                        in->name, sug);
        else
            diag_report(m->diags, SEV_ERROR, CK_UNKNOWN_NAME, r->where,
                        "unknown %s '%s' in system '%s'", want, r->name, in->name);
        return NULL;
    }
    if (d->kind == D_ZONE || (!zone_only && d->kind == D_ROLE)) return d;
    diag *dg = diag_report(m->diags, SEV_ERROR, CK_TYPE, r->where,
                           "'%s' is a %s, not a %s", r->name, kind_name(d->kind), want);
    diag_add_note(m->diags, dg, d->name_loc, "'%s' is declared here", r->name);
    return NULL;
}

static void resolve_flow(model *m, system_decl *s, flow_decl *f)
{
    resolve_ports(m, s, f->ports, !f->local);
    resolve_ports(m, s, f->sports, !f->local);
    endpoint *sides[2] = {f->src, f->dst};
    for (int i = 0; i < 2; i++)
        for (endpoint *e = sides[i]; e; e = e->next) {
            if (e->kind == EP_NAME) e->target = resolve_role_or_zone(m, s, &e->name, false);
            resolve_expr(m, s, e->lo);
            resolve_expr(m, s, e->hi);
        }
    for (scope *sc = f->scopes; sc; sc = sc->next)
        sc->target = resolve_role_or_zone(m, s, &sc->zone, true);
}

/* `service x is sys.svc`: the same software as a service of another
 * system. One level only, so a chain (and with it a cycle) is an error
 * that names the service to point at instead. */
static void resolve_alias(model *m, system_decl *s, decl *svc)
{
    const ref *r = &svc->alias;
    system_decl *in = r->qual ? find_system(m, r->qual) : s;
    if (!in) {
        unknown(m, r->where, "system", r->qual, &m->systems, "");
        return;
    }
    decl *t = names_get(in->scope, r->name);
    if (!t || t->kind != D_SERVICE) {
        if (t) {
            diag *d = diag_report(m->diags, SEV_ERROR, CK_TYPE, r->where,
                                  "'%s' is a %s, not a service", r->name, kind_name(t->kind));
            diag_add_note(m->diags, d, t->name_loc, "'%s' is declared here", r->name);
        } else {
            unknown(m, r->where, "service", r->name, in->scope, "");
        }
        return;
    }
    if (in == s) {
        diag *d = diag_report(m->diags, SEV_ERROR, CK_TYPE, r->where,
                              "service '%s' is in system '%s' itself: 'is' names another "
                              "system's service; put the flows in one service instead",
                              r->name, s->name);
        diag_add_note(m->diags, d, t->name_loc, "'%s' is declared here", r->name);
        return;
    }
    if (t->alias.name) {
        const char *root = t->alias.qual ? t->alias.qual : in->name;
        diag *d = diag_report(m->diags, SEV_ERROR, CK_TYPE, r->where,
                              "'%s.%s' is itself an alias of '%s.%s': write 'is %s.%s' "
                              "(an alias names the service it repeats, not another alias)",
                              in->name, t->name, root, t->alias.name, root, t->alias.name);
        diag_add_note(m->diags, d, t->alias.where, "'%s.%s' is an alias here", in->name,
                      t->name);
        return;
    }
    svc->alias_of = t;
    t->aliased = true;
}

static void resolve_system(model *m, system_decl *s)
{
    for (decl *d = s->decls; d; d = d->next)
        if (d->kind == D_SERVICE && d->alias.name) resolve_alias(m, s, d);

    for (decl *d = s->decls; d; d = d->next) {
        resolve_expr(m, s, d->value);
        resolve_expr(m, s, d->count);
        for (flow_decl *f = d->flows; f; f = f->next) resolve_flow(m, s, f);
    }
}

/* ---- instances ---- */

static instance *new_instance(model *m, const char *name, system_decl *sys, site_decl *site,
                              decl *d, loc where)
{
    instance *in = arena_alloc(m->mem, sizeof *in);
    in->name = name;
    in->sys = sys;
    in->site = site;
    in->decl = d;
    in->where = where;
    size_t n = (size_t)sys->nparams + 1;
    in->sets = arena_alloc(m->mem, n * sizeof *in->sets);
    in->values = arena_alloc(m->mem, n * sizeof *in->values);
    in->state = arena_alloc(m->mem, n);
    in->index = (int)m->ninstances;
    m->instances = arena_grow(m->mem, m->instances, sizeof *m->instances,
                              &m->instances_cap, m->ninstances + 1);
    m->instances[m->ninstances++] = in;
    return in;
}

/* In a site, `sys.x` names the default instance of sys; `inst.x` a named one. */
static instance *site_instance(model *m, site_decl *site, const char *name, loc where)
{
    decl *d = names_get(site->scope, name);
    if (d && d->kind == D_INSTANCE) return d->inst;
    system_decl *sys = find_system(m, name);
    if (!sys) {
        if (d)
            diag_report(m->diags, SEV_ERROR, CK_TYPE, where,
                        "'%s' is a %s, not a system or instance", name, kind_name(d->kind));
        else
            unknown(m, where, "system or instance", name, &m->systems, "");
        return NULL;
    }
    /* Default instances are made on first use, kept under a key that no
     * declared name can take. */
    size_t n = strlen(name) + 2;
    char *key = arena_alloc(m->mem, n);
    snprintf(key, n, "%s#", name);
    instance *in = names_get(site->scope, key);
    if (!in) {
        in = new_instance(m, sys->name, sys, site, NULL, site->name_loc);
        names_put(m->mem, site->scope, key, in);
    }
    return in;
}

static void apply_set(model *m, instance *in, decl *set)
{
    const ref *param = &set->target;
    decl *p = names_get(in->sys->scope, param->name);
    if (!p || (p->kind != D_PARAM && p->kind != D_POOL)) {
        if (p)
            diag_report(m->diags, SEV_ERROR, CK_TYPE, param->where,
                        "'%s' is a %s of system '%s', not a parameter", param->name,
                        kind_name(p->kind), in->sys->name);
        else
            unknown(m, param->where, "parameter", param->name, in->sys->scope, "");
        return;
    }
    if (p->kind == D_POOL) {
        diag_report(m->diags, SEV_ERROR, CK_TYPE, param->where,
                    "'%s' is a pool; set the parameters it counts from instead", param->name);
        return;
    }
    decl *old = in->sets[p->index];
    if (old) {
        set_twice(m, param->name, set->where, old->where);
        return;
    }
    in->sets[p->index] = set;
    resolve_expr(m, in->sys, set->value);
}

static void declare_site_names(model *m, site_decl *site)
{
    check_plain_name(m, site->name, site->name_loc);
    site_decl *old = names_put(m->mem, &m->sites, site->name, site);
    if (old) duplicate(m, "site", site->name, site->name_loc, old->name_loc);
    site->scope = arena_alloc(m->mem, sizeof *site->scope);
    names_init(site->scope);
    for (decl *d = site->decls; d; d = d->next) {
        if (d->kind != D_INSTANCE && d->kind != D_HOST) continue;
        check_plain_name(m, d->name, d->name_loc);
        decl *prev = names_put(m->mem, site->scope, d->name, d);
        if (prev) {
            duplicate(m, kind_name(d->kind), d->name, d->name_loc, prev->name_loc);
            continue;
        }
        if (d->kind != D_INSTANCE) continue;
        if (d->target.qual) {
            diag_report(m->diags, SEV_ERROR, CK_SYNTAX, d->target.where,
                        "'%s.%s' is not a system name: write 'instance %s of SYSTEM'",
                        d->target.qual, d->target.name, d->name);
            continue;
        }
        system_decl *sys = find_system(m, d->target.name);
        if (!sys) {
            unknown(m, d->target.where, "system", d->target.name, &m->systems, "");
            continue;
        }
        if (find_system(m, d->name)) {
            diag_report(m->diags, SEV_ERROR, CK_DUPLICATE_NAME, d->name_loc,
                        "instance '%s' has the name of a system; choose another name", d->name);
            continue;
        }
        d->inst = new_instance(m, d->name, sys, site, d, d->name_loc);
    }
}

/* The instance `sys.x` or `inst.x` names in a site statement; an
 * unqualified name is reported with the statement to write. */
static instance *ref_instance(model *m, site_decl *site, const ref *r, const char *stmt,
                              const char *tail)
{
    if (!r->qual) {
        diag_report(m->diags, SEV_ERROR, CK_UNKNOWN_NAME, r->where,
                    "'%s' needs its system or instance: write '%s SYSTEM.%s%s'", r->name, stmt,
                    r->name, tail);
        return NULL;
    }
    return site_instance(m, site, r->qual, r->where);
}

/* `set sys.param = v;` at site level, or `set param = v;` inside an instance. */
static void resolve_site_set(model *m, site_decl *site, decl *set)
{
    instance *in = ref_instance(m, site, &set->target, "set", " = ...");
    if (in) apply_set(m, in, set);
}

static void resolve_network(model *m, site_decl *site, decl *d)
{
    instance *in = ref_instance(m, site, &d->target, "network", " ...");
    if (!in) return;
    ref zone = {d->target.where, NULL, d->target.name};
    decl *z = resolve_role_or_zone(m, in->sys, &zone, true);
    if (!z) return;
    m->networks = arena_grow(m->mem, m->networks, sizeof *m->networks, &m->networks_cap,
                             m->nnetworks + 1);
    m->networks[m->nnetworks++] = (network){in, z, d->value->a, d->value->prefix,
                                            d->where};
}

bool os_ephemeral(os_kind os, int *lo, int *hi)
{
    if (os == OS_WINDOWS) *lo = 49152, *hi = 65535;
    else if (os == OS_LINUX) *lo = 32768, *hi = 60999;  /* net.ipv4.ip_local_port_range */
    return os != OS_NONE;
}

/* `ephemeral 49152-65535;` takes literal numbers only: it describes the
 * machine, not a system, so no system's parameters are in scope. */
static void host_ephemeral(model *m, host *h, const port_item *p)
{
    const expr *lo = p->lo, *hi = p->hi ? p->hi : p->lo;
    if (lo->kind != EX_NUM || hi->kind != EX_NUM) {
        diag_report(m->diags, SEV_ERROR, CK_TYPE, p->where,
                    "an ephemeral range is written with numbers, as in 49152-65535");
        return;
    }
    if (lo->num < 1 || lo->num > 65535 || hi->num < 1 || hi->num > 65535) {
        diag_report(m->diags, SEV_ERROR, CK_PORT_RANGE, p->where,
                    "ephemeral range %lld-%lld is outside 1-65535", (long long)lo->num,
                    (long long)hi->num);
        return;
    }
    if (lo->num > hi->num) {
        diag_report(m->diags, SEV_ERROR, CK_REVERSED_RANGE, p->where,
                    "reversed range %lld-%lld; did you mean %lld-%lld?", (long long)lo->num,
                    (long long)hi->num, (long long)hi->num, (long long)lo->num);
        return;
    }
    h->eph_lo = (int)lo->num;
    h->eph_hi = (int)hi->num;
}

/* The role a `runs` entry names, or NULL after saying why not. */
static decl *runs_role(model *m, site_decl *site, const ref *r, instance **in)
{
    if (!(*in = ref_instance(m, site, r, "runs", ""))) return NULL;
    const system_decl *sys = (*in)->sys;
    decl *role = names_get(sys->scope, r->name);
    if (role && role->kind == D_ROLE) return role;
    const char *sug = names_suggest(sys->scope, r->name);
    decl *sd = sug ? names_get(sys->scope, sug) : NULL;
    if (sd && sd->kind == D_ROLE)
        diag_report(m->diags, SEV_ERROR, CK_UNKNOWN_NAME, r->where,
                    "unknown role '%s' in system '%s'; did you mean '%s'?", r->name, sys->name,
                    sug);
    else
        diag_report(m->diags, SEV_ERROR, CK_UNKNOWN_NAME, r->where,
                    "unknown role '%s' in system '%s'", r->name, sys->name);
    return NULL;
}

typedef struct {
    int inst, role, pos;         /* indices; pos in the host's runs */
} run_key;

static int run_key_cmp(const void *pa, const void *pb)
{
    const run_key *a = pa, *b = pb;
    if (a->inst != b->inst) return a->inst < b->inst ? -1 : 1;
    if (a->role != b->role) return a->role < b->role ? -1 : 1;
    return (a->pos > b->pos) - (a->pos < b->pos);
}

/* A role named twice on one host is an error at the repeat, with a note at
 * the first. Sorting finds the repeats in O(n log n) (a host may run
 * 40,000 roles); the host keeps its runs in source order without them. */
static void drop_repeated_runs(model *m, host *h)
{
    if (h->nruns < 2) return;
    size_t n = (size_t)h->nruns;
    run_key *k = xmalloc_array(n, sizeof *k);
    for (size_t i = 0; i < n; i++)
        k[i] = (run_key){h->runs[i].inst->index, h->runs[i].role->index, (int)i};
    qsort(k, n, sizeof *k, run_key_cmp);
    bool *repeat = xcalloc(n, sizeof *repeat);
    for (size_t i = 1, first = 0; i < n; i++) {
        if (k[i].inst != k[first].inst || k[i].role != k[first].role) {
            first = i;
            continue;
        }
        const role_run *r = &h->runs[k[i].pos];
        duplicate(m, "role on this host", r->role->name, r->where, h->runs[k[first].pos].where);
        repeat[k[i].pos] = true;
    }
    int w = 0;
    for (size_t i = 0; i < n; i++)
        if (!repeat[i]) h->runs[w++] = h->runs[i];
    h->nruns = w;
    free(repeat);
    free(k);
}

static void resolve_host(model *m, site_decl *site, decl *d)
{
    host *h = arena_alloc(m->mem, sizeof *h);
    h->decl = d;
    h->site = site;
    h->addrs[h->naddrs++] = d->value->a;
    if (d->value2 && d->value2->a.fam != d->value->a.fam) h->addrs[h->naddrs++] = d->value2->a;
    h->os = d->os;
    d->host = h;
    if (d->ephemeral) host_ephemeral(m, h, d->ephemeral);
    h->runs = arena_alloc(m->mem, ((size_t)d->nruns + 1) * sizeof *h->runs);
    for (int i = 0; i < d->nruns; i++) {
        instance *in;
        decl *role = runs_role(m, site, &d->runs[i], &in);
        if (!role) continue;
        /* A repeat has its first's role, so it sets the same os. */
        if (h->os == OS_NONE) h->os = role->os;
        h->runs[h->nruns++] = (role_run){in, role, d->runs[i].where};
    }
    drop_repeated_runs(m, h);
    if (!h->eph_lo) os_ephemeral(h->os, &h->eph_lo, &h->eph_hi);
    h->index = (int)m->nhosts;
    m->hosts = arena_grow(m->mem, m->hosts, sizeof *m->hosts, &m->hosts_cap, m->nhosts + 1);
    m->hosts[m->nhosts++] = h;
}

static void resolve_site(model *m, site_decl *site)
{
    for (decl *d = site->decls; d; d = d->next) {
        switch (d->kind) {
        case D_SET: resolve_site_set(m, site, d); break;
        case D_NETWORK: resolve_network(m, site, d); break;
        case D_HOST: resolve_host(m, site, d); break;
        case D_INSTANCE:
            for (decl *s = d->sets; s && d->inst; s = s->next) {
                if (s->target.qual)
                    diag_report(m->diags, SEV_ERROR, CK_SYNTAX, s->target.where,
                                "inside 'instance %s' write 'set %s = ...' without a prefix",
                                d->name, s->target.name);
                else
                    apply_set(m, d->inst, s);
            }
            break;
        default: break;
        }
    }
}

/* A site must give every parameter that has no default, for every
 * instance it deploys. */
static void check_required_params(model *m)
{
    for (size_t i = 0; i < m->ninstances; i++) {
        instance *in = m->instances[i];
        if (!in->site) continue;
        for (decl *p = in->sys->decls; p; p = p->next) {
            if (p->kind != D_PARAM || p->value || in->sets[p->index]) continue;
            diag *d = diag_report(m->diags, SEV_ERROR, CK_MISSING_PARAMETER, in->where,
                                  "site '%s' deploys %s '%s' but does not set '%s', "
                                  "which has no default", in->site->name,
                                  in->decl ? "instance" : "system", in->name, p->name);
            diag_add_note(m->diags, d, p->name_loc, "'%s' is declared here; add 'set %s%s%s = ...;'",
                          p->name, in->decl ? "" : in->name, in->decl ? "" : ".", p->name);
        }
    }
}

/* ---- waivers ---- */

static void resolve_waiver(model *m, waiver_decl *w)
{
    if (check_lookup(w->check) < 0) {
        names ids;
        names_init(&ids);
        for (int i = 0; i < CK_COUNT; i++)
            if (check_table[i].id) names_put(m->mem, &ids, check_table[i].id, NULL);
        unknown(m, w->check_loc, "check", w->check, &ids, "");
        w->invalid = true;
    }
    for (int i = 0; i < w->nservices; i++) {
        const ref *r = &w->services[i];
        system_decl *s = r->qual ? find_system(m, r->qual) : NULL;
        /* In a site, `inst.service` names one instance's service. */
        decl *in = r->qual && !s && w->site ? names_get(w->site->scope, r->qual) : NULL;
        if (in && in->kind == D_INSTANCE && in->inst) s = in->inst->sys;
        if (!r->qual) {
            diag_report(m->diags, SEV_ERROR, CK_UNKNOWN_NAME, r->where,
                        "'%s' needs its system: write 'SYSTEM.%s'", r->name, r->name);
            w->invalid = true;
            continue;
        }
        if (!s) {
            unknown(m, r->where, "system", r->qual, &m->systems, "");
            w->invalid = true;
            continue;
        }
        decl *d = names_get(s->scope, r->name);
        if (!d || d->kind != D_SERVICE) {
            unknown(m, r->where, "service", r->name, s->scope, "");
            w->invalid = true;
        }
    }
    if (w->host.name) {
        decl *h = w->site ? names_get(w->site->scope, w->host.name) : NULL;
        if (!w->site)
            diag_report(m->diags, SEV_ERROR, CK_UNKNOWN_NAME, w->host.where,
                        "'on %s' needs a site: put this allow inside the site (here it waives "
                        "nothing)", w->host.name);
        else if (!h || h->kind != D_HOST)
            unknown(m, w->host.where, "host", w->host.name, w->site->scope, "");
        w->invalid |= !w->site || !h || h->kind != D_HOST;
    }
}

void resolve_program(model *m)
{
    for (system_decl *s = m->prog->systems; s; s = s->next) declare_system(m, s);
    for (system_decl *s = m->prog->systems; s; s = s->next) resolve_system(m, s);
    /* Every system has its default instance for the system-level table. */
    for (system_decl *s = m->prog->systems; s; s = s->next)
        if (names_get(&m->systems, s->name) == s)
            new_instance(m, s->name, s, NULL, NULL, s->name_loc);
    for (site_decl *site = m->prog->sites; site; site = site->next)
        declare_site_names(m, site);
    for (site_decl *site = m->prog->sites; site; site = site->next) resolve_site(m, site);
    check_required_params(m);
    for (waiver_decl *w = m->prog->waivers; w; w = w->next) resolve_waiver(m, w);
}
