/* check.c: runs the validator's checks in a fixed order over the model,
 * then waivers and severities (see check.h). */
#include "check.h"
#include "hostview.h"

void check_options_default(check_options *o)
{
    for (int i = 0; i < CK_COUNT; i++) o->enabled[i] = true;
    o->werror = false;
    o->no_waivers = false;
}

void check_program(model *m, const check_options *o)
{
    /* Once, kept for the port maps of gen docs even where a check is off. */
    struct bind_facts *b = arena_alloc(m->mem, sizeof *b);
    b->t = check_bindings(m);
    b->ov[0] = check_bind_overlaps(m, &b->t, false, o->enabled[CK_BIND_CONFLICT]);
    b->ov[1] = check_bind_overlaps(m, &b->t, true, o->enabled[CK_CROSS_PROTOCOL]);
    m->binds = b;
    if (o->enabled[CK_EPHEMERAL_RANGE]) check_ephemeral(m, &b->t);
    check_multicast(m, o);
    check_registry(m, o);
    check_addresses(m, o);
    if (o->enabled[CK_INCONSISTENT_REDECLARATION]) {
        check_redeclaration(m);
        check_alias_drift(m);
    }
    if (o->enabled[CK_REDUNDANT_FLOW]) check_redundant(m);
    if (o->enabled[CK_INSTANCE_DEFAULTS]) check_instance_defaults(m);
    if (o->enabled[CK_UNKNOWN_PEER]) hostview_check_peers(m);
    check_site(m, o);
    check_apply_waivers(m, o);
}
