/* eval.c: evaluates expressions in one instance of a system. Takes resolved
 * expressions and the instance's `set`s; gives typed values (number,
 * address, or a range of either from a pool), with overflow, cycle, type
 * and pool-size errors reported where the offending value was written.
 * Used by elaboration and the checks only: eval_freeze hands what it found
 * to the frozen view, which the emitters read instead. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "model.h"

enum { ST_NEW, ST_BUSY, ST_OK, ST_FAILED };
enum { INT_LIMIT = 2147483647 };

__attribute__((format(printf, 4, 5)))
static bool fail(model *m, check_id ck, loc where, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_vreport(m->diags, SEV_ERROR, ck, where, fmt, ap);
    va_end(ap);
    return false;
}

const char *host_addr_text(char buf[2 * ADDR_TEXT], const host *h)
{
    char a[ADDR_TEXT], b[ADDR_TEXT];
    addr_str(a, h->addrs[0]);
    if (h->naddrs > 1) snprintf(buf, 2 * ADDR_TEXT, "%s, %s", a, addr_str(b, h->addrs[1]));
    else snprintf(buf, 2 * ADDR_TEXT, "%s", a);
    return buf;
}

const char *port_text(char buf[PORT_TEXT], unsigned lo, unsigned hi, int stride, bool up,
                      bool dyn, bool eph)
{
    int n;
    if (lo == 0) n = snprintf(buf, PORT_TEXT, "any");
    else if (eph) n = snprintf(buf, PORT_TEXT, "ephemeral %u-%u", lo, hi);
    else if (up) n = snprintf(buf, PORT_TEXT, "%u up", lo);
    else if (lo == hi) n = snprintf(buf, PORT_TEXT, "%u", lo);
    else n = snprintf(buf, PORT_TEXT, "%u-%u", lo, hi);
    if (lo && stride != STRIDE_ALL)
        n += snprintf(buf + n, (size_t)(PORT_TEXT - n), " %s", stride == STRIDE_EVEN ? "even" : "odd");
    if (lo && dyn && !up && !eph) snprintf(buf + n, (size_t)(PORT_TEXT - n), " dynamic");
    return buf;
}

const char *row_port_text(char buf[PORT_TEXT], const flow_row *r, bool source)
{
    if (source)
        return port_text(buf, r->slo, r->shi, r->sstride, r->flags & ROW_SUP,
                         r->flags & ROW_SDYNAMIC, r->flags & ROW_SEPHEMERAL);
    return port_text(buf, r->lo, r->hi, r->stride, r->flags & ROW_UP, r->flags & ROW_DYNAMIC,
                     r->flags & ROW_EPHEMERAL);
}

bool host_has_addr(const host *h, addr a)
{
    for (int i = 0; i < h->naddrs; i++)
        if (addr_eq(h->addrs[i], a)) return true;
    return false;
}

static bool is_pool(const value *v)
{
    return v->kind == V_ADDR ? !addr_eq(v->alo, v->ahi) : v->lo != v->hi;
}

static bool arith(model *m, const expr *e, const value *a, const value *b, value *out)
{
    if (is_pool(a) || is_pool(b))
        return fail(m, CK_TYPE, e->where, "a pool is a range of values; it cannot take part "
                    "in arithmetic");
    if (b->kind == V_ADDR || (a->kind == V_ADDR && e->kind == EX_MUL))
        return fail(m, CK_TYPE, e->where, "addresses can only be counted up or down by a "
                    "number, as in $start + 1");
    if (a->kind == V_ADDR) {
        addr r;
        if (!addr_add(a->alo, e->kind == EX_ADD ? b->lo : -b->lo, &r))
            return fail(m, CK_OVERFLOW, e->where, "address arithmetic leaves the %s space",
                        addr_is_v6(a->alo) ? "IPv6" : "IPv4");
        *out = (value){V_ADDR, 0, 0, r, r, a->prefix, e->where};
        return true;
    }
    int64_t r = e->kind == EX_ADD ? a->lo + b->lo : e->kind == EX_SUB ? a->lo - b->lo
                                                                      : a->lo * b->lo;
    /* Operands are at most 2^32 in magnitude, so r cannot overflow int64. */
    if (r > INT_LIMIT || r < -INT_LIMIT)
        return fail(m, CK_OVERFLOW, e->where, "%s",
                    "arithmetic overflow: the result is beyond +-2147483647");
    *out = (value){a->kind, r, r, {0, 0, 0}, {0, 0, 0}, a->prefix, e->where};
    return true;
}

bool eval_expr(model *m, instance *in, const expr *e, value *out)
{
    value a, b;
    switch (e->kind) {
    case EX_NUM:
        *out = (value){V_INT, e->num, e->num, {0, 0, 0}, {0, 0, 0}, 0, e->where};
        return true;
    case EX_ADDR:
        *out = (value){V_ADDR, 0, 0, e->a, e->a, e->prefix, e->where};
        return true;
    case EX_PARAM:
        return e->target && eval_param(m, in, e->target, e->where, out);
    default:
        if (!eval_expr(m, in, e->l, &a) | !eval_expr(m, in, e->r, &b)) return false;
        return arith(m, e, &a, &b, out);
    }
}

/* The type a parameter declares, or the one its default implies. */
static value_type param_type(const decl *p)
{
    if (p->type != TY_NONE) return p->type;
    if (!p->value) return TY_NONE;
    return p->value->kind == EX_ADDR ? TY_ADDR : TY_INT;
}

static bool type_error(model *m, decl *p, const value *v, const char *want)
{
    diag *d = diag_report(m->diags, SEV_ERROR, CK_TYPE, v->origin,
                          "'%s' takes %s, not %s", p->name, want,
                          v->kind == V_ADDR ? "an address" : "a number");
    diag_add_note(m->diags, d, p->name_loc, "'%s' is declared here", p->name);
    return false;
}

static bool check_type(model *m, decl *p, value *v)
{
    value_type t = param_type(p);
    if ((t == TY_ADDR || t == TY_GROUP) && v->kind != V_ADDR)
        return type_error(m, p, v, t == TY_GROUP ? "a multicast group" : "an address");
    if ((t == TY_PORT || t == TY_INT) && v->kind != V_INT)
        return type_error(m, p, v, t == TY_PORT ? "a port" : "a number");
    if (t == TY_PORT && (v->lo < 1 || v->hi > 65535)) {
        int64_t bad = v->lo < 1 ? v->lo : v->hi;
        diag *d = diag_report(m->diags, SEV_ERROR, CK_PORT_RANGE, v->origin,
                              "port %lld is out of range 1-65535%s ('%s' is a port parameter)",
                              (long long)bad, bad == 65536 ? "; did you mean 65535?" : "",
                              p->name);
        diag_add_note(m->diags, d, p->name_loc, "'%s' is declared here", p->name);
        return false;
    }
    if (t == TY_GROUP && (!addr_is_multicast(v->alo) || !addr_is_multicast(v->ahi)))
        return fail(m, CK_NOT_MULTICAST, v->origin,
                    "'%s' must be a multicast group (%s)", p->name,
                    addr_is_v6(v->alo) ? "ff00::/8" : "224.0.0.0/4");
    return true;
}

static bool eval_pool(model *m, instance *in, decl *p, value *out)
{
    value start, count;
    if (!eval_expr(m, in, p->value, &start) | !eval_expr(m, in, p->count, &count)) return false;
    if (is_pool(&start))
        return fail(m, CK_TYPE, p->value->where, "a pool must start from one value");
    if (count.kind != V_INT)
        return fail(m, CK_TYPE, p->count->where, "a pool's count must be a number");
    if (count.lo < 1 || count.lo > MODEL_MAX_POOL) {
        diag_report(m->diags, SEV_ERROR, count.lo < 1 ? CK_TYPE : CK_LIMIT, count.origin,
                    "pool '%s' counts %lld values; it must count 1 to %d", p->name,
                    (long long)count.lo, MODEL_MAX_POOL);
        return false;
    }
    if (start.kind == V_ADDR) {
        addr hi;
        if (!addr_add(start.alo, count.lo - 1, &hi))
            return fail(m, CK_OVERFLOW, p->where, "pool '%s' runs past %s", p->name,
                        addr_is_v6(start.alo) ? "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"
                                              : "255.255.255.255");
        *out = (value){V_ADDR, 0, 0, start.alo, hi, start.prefix, p->where};
        if (addr_is_multicast(start.alo) && !addr_is_multicast(hi))
            return fail(m, CK_NOT_MULTICAST, p->where,
                        "pool '%s' runs out of the multicast space %s", p->name,
                        addr_is_v6(hi) ? "ff00::/8" : "224.0.0.0/4");
        return true;
    }
    int64_t hi = start.lo + count.lo - 1;
    *out = (value){start.kind, start.lo, hi, {0, 0, 0}, {0, 0, 0}, start.prefix, p->where};
    return true;
}

param_value *eval_freeze(model *m, const instance *in)
{
    size_t n = (size_t)in->sys->nparams + 1;
    param_value *v = arena_alloc(m->mem, n * sizeof *v);
    for (size_t i = 0; i < n; i++)
        if (in->state[i] == ST_OK) v[i] = (param_value){in->values[i], true, false};
    return v;
}

bool eval_param(model *m, instance *in, decl *p, loc use, value *out)
{
    unsigned char *st = &in->state[p->index];
    if (*st == ST_OK) {
        *out = in->values[p->index];
        return true;
    }
    if (*st == ST_FAILED) return false;
    if (*st == ST_BUSY) {
        diag *d = diag_report(m->diags, SEV_ERROR, CK_TYPE, use,
                              "parameter '%s' is defined in terms of itself", p->name);
        diag_add_note(m->diags, d, p->name_loc, "'%s' is declared here", p->name);
        return false;
    }
    if (m->eval_depth >= MODEL_MAX_EVAL_DEPTH)
        return fail(m, CK_LIMIT, use, "parameters defined through too many other parameters "
                    "(limit is %d deep) at '%s'", MODEL_MAX_EVAL_DEPTH, p->name);
    *st = ST_BUSY;
    m->eval_depth++;
    bool ok;
    if (p->kind == D_POOL) {
        ok = eval_pool(m, in, p, out);
    } else {
        decl *set = in->sets[p->index];
        const expr *e = set ? set->value : p->value;
        ok = e && eval_expr(m, in, e, out) && check_type(m, p, out);
    }
    m->eval_depth--;
    *st = ok ? ST_OK : ST_FAILED;
    if (ok) in->values[p->index] = *out;
    return ok;
}
