/* test_checks.c: the validator's checks, one small policy that triggers
 * each and a near-identical one that does not; then waivers (matching by
 * host, services and site, non-waivable checks, unused waivers) and the
 * options (-Werror, disabled checks, --no-waivers). Every policy must pass
 * the front end without diagnostics, so a typo cannot make a "no finding"
 * test pass for the wrong reason. */
#include <stdlib.h>
#include "unit.h"
#include "check.h"
#include "strbuf.h"
#include "xalloc.h"

/* ---- helpers ---- */

static void dump(const pipeline *p)
{
    for (size_t i = 0; i < p->diags.count; i++) {
        const diag *d = p->diags.items[i];
        print_message("  have %d:%d %s [%s]%s%s: %s\n", loc_line(d->where), loc_col(d->where),
                      diag_shown(d) == SEV_ERROR ? "error" : diag_shown(d) == SEV_WARNING
                                                                 ? "warning" : "note",
                      check_table[d->check].id, d->waiver ? " waived: " : "",
                      d->waiver ? d->waiver : "", d->message);
    }
}

/* unit_run, which must report nothing, then the checks with options o
 * (NULL: the defaults), then sorting. */
static void run_with(pipeline *p, const char *text, const check_options *o)
{
    check_options def;
    check_options_default(&def);
    unit_run(p, text);
    if (p->diags.count) {
        dump(p);
        fail_msg("the front end reported %zu diagnostics for a test policy", p->diags.count);
    }
    check_program(&p->m, o ? o : &def);
    diag_finish(&p->diags);
}

static void run(pipeline *p, const char *text) { run_with(p, text, NULL); }

static size_t count(const pipeline *p, check_id ck)
{
    size_t n = 0;
    for (size_t i = 0; i < p->diags.count; i++) n += p->diags.items[i]->check == ck;
    return n;
}

/* The k-th diagnostic of that check (in sorted order), failing if missing. */
static const diag *nth(const pipeline *p, check_id ck, size_t k)
{
    for (size_t i = 0; i < p->diags.count; i++)
        if (p->diags.items[i]->check == ck && k-- == 0) return p->diags.items[i];
    dump(p);
    fail_msg("missing %s finding", check_table[ck].id);
    return NULL;
}

/* The only diagnostic of that check. */
static const diag *only(const pipeline *p, check_id ck)
{
    if (count(p, ck) != 1) {
        dump(p);
        fail_msg("want exactly one %s finding, have %zu", check_table[ck].id, count(p, ck));
    }
    return nth(p, ck, 0);
}

static void none(const pipeline *p, check_id ck)
{
    if (count(p, ck)) {
        dump(p);
        fail_msg("want no %s finding, have %zu", check_table[ck].id, count(p, ck));
    }
}

/* The finding whose message contains part, of that check. */
static const diag *with_text(const pipeline *p, check_id ck, const char *part)
{
    for (size_t i = 0; i < p->diags.count; i++)
        if (p->diags.items[i]->check == ck && strstr(p->diags.items[i]->message, part))
            return p->diags.items[i];
    dump(p);
    fail_msg("no %s finding mentions '%s'", check_table[ck].id, part);
    return NULL;
}

static void says(const diag *d, const char *part)
{
    if (!strstr(d->message, part)) fail_msg("message '%s' lacks '%s'", d->message, part);
}

static void note_says(const diag *d, const char *part)
{
    for (const diag_note *n = d->notes; n; n = n->next)
        if (strstr(n->message, part)) return;
    fail_msg("no note of '%s' mentions '%s'", d->message, part);
}

static size_t shown(const pipeline *p, severity s) { return diag_count(&p->diags, s); }

/* ---- bind-conflict ---- */

#define TWO_SYSTEMS_16000                                        \
    "system a { role r; service s { udp 16000 r -> r; } }\n"     \
    "system b { role r; service s { udp 15000-16000 r -> r; } }\n"

static void bind_conflict_between_systems_on_one_host(void **state)
{
    (void)state;
    pipeline p;
    run(&p, TWO_SYSTEMS_16000 "site x { host h1 10.0.0.1 { runs a.r, b.r; } }");
    const diag *d = only(&p, CK_BIND_CONFLICT);
    assert_int_equal(d->sev, SEV_ERROR);
    assert_int_equal(diag_shown(d), SEV_ERROR);
    says(d, "host 'h1'");
    says(d, "a.s");
    says(d, "b.s");
    says(d, "udp 16000");
    assert_null(strstr(d->message, "15000"));            /* only the shared range */
    note_says(d, "a.s listens on udp 16000");
    note_says(d, "b.s listens on udp 15000-16000");
    /* At the later service's port item. */
    assert_int_equal(loc_line(d->where), 2);
    assert_int_equal(loc_col(d->where), 36);
    assert_string_equal(d->host->name, "h1");
    /* The ports it is about, for berth explain: the shared range only. */
    assert_int_equal(d->nports, 1);
    assert_int_equal(d->ports[0].protos, PROTO_UDP);
    assert_int_equal(d->ports[0].lo, 16000);
    assert_int_equal(d->ports[0].hi, 16000);
    unit_free(&p);
}

static void bind_conflict_none_on_separate_hosts(void **state)
{
    (void)state;
    pipeline p;
    run(&p, TWO_SYSTEMS_16000
        "site x { host h1 10.0.0.1 { runs a.r; } host h2 10.0.0.2 { runs b.r; } }");
    none(&p, CK_BIND_CONFLICT);
    assert_int_equal(p.diags.count, 0);
    unit_free(&p);
}

static void bind_conflict_none_across_protocols(void **state)
{
    (void)state;
    pipeline p;
    run(&p, "system a { role r; service s { tcp 16000 r -> r; } }\n"
            "system b { role r; service s { udp 16000 r -> r; } }\n"
            "site x { host h1 10.0.0.1 { runs a.r, b.r; } }");
    none(&p, CK_BIND_CONFLICT);
    assert_int_equal(count(&p, CK_CROSS_PROTOCOL), 1);   /* that is the other check */
    unit_free(&p);
}

static void bind_conflict_none_for_one_role_naming_a_port_twice(void **state)
{
    (void)state;
    pipeline p;
    /* Two services of one instance, one role: one socket. */
    run(&p, "system a { role g; role c; role d;\n"
            "  service s1 { udp 5000 c -> g; } service s2 { udp 5000 d -> g; } }\n"
            "site x { host h1 10.0.0.1 { runs a.g; } }");
    none(&p, CK_BIND_CONFLICT);
    assert_int_equal(p.diags.count, 0);
    unit_free(&p);
}

static void bind_conflict_two_roles_of_one_instance(void **state)
{
    (void)state;
    pipeline p;
    /* The Omnicast federation (Gateway) and Virtual Matrix both at TCP 6000. */
    run(&p, "system a { role g; role vm; role rg;\n"
            "  service fed { tcp 6000 rg -> g; }\n"
            "  service mx { tcp 6000 g -> vm; } }\n"
            "site x { host h1 10.0.0.1 { runs a.g, a.vm; } }");
    const diag *d = only(&p, CK_BIND_CONFLICT);
    assert_int_equal(d->sev, SEV_ERROR);
    says(d, "a.fed");
    says(d, "a.mx");
    says(d, "tcp 6000");
    unit_free(&p);

    run(&p, "system a { role g; role vm; role rg;\n"
            "  service fed { tcp 6000 rg -> g; }\n"
            "  service mx { tcp 6001 g -> vm; } }\n"
            "site x { host h1 10.0.0.1 { runs a.g, a.vm; } }");
    none(&p, CK_BIND_CONFLICT);
    unit_free(&p);
}

static void bind_conflict_two_roles_of_one_service(void **state)
{
    (void)state;
    pipeline p;
    /* Issue 8 item 13: one service of one instance, two roles on one host,
     * one port: one listener, not a conflict. */
    run(&p, "system a { role web; role syslog; role jump;\n"
            "  service ssh { tcp 22 jump -> web, syslog; } }\n"
            "site x { host h1 10.0.0.1 { runs a.web, a.syslog; } }");
    none(&p, CK_BIND_CONFLICT);
    assert_int_equal(p.diags.count, 0);
    unit_free(&p);

    /* Two instances of it on one host are two programs: a conflict. */
    run(&p, "system a { role web; role syslog; role jump;\n"
            "  service ssh { tcp 22 jump -> web, syslog; } }\n"
            "site x { instance b of a; host h1 10.0.0.1 { runs a.web, b.syslog; } }");
    says(only(&p, CK_BIND_CONFLICT), "tcp 22");
    unit_free(&p);
}

static void may_collide_when_one_side_is_dynamic(void **state)
{
    (void)state;
    pipeline p;
    run(&p, "system a { role r; service rtp { udp 16384-32767 dynamic r -> r; } }\n"
            "system b { role r; service s { udp 20000 r -> r; } }\n"
            "site x { host h1 10.0.0.1 { runs a.r, b.r; } }");
    none(&p, CK_BIND_CONFLICT);
    const diag *d = only(&p, CK_MAY_COLLIDE);
    assert_int_equal(d->sev, SEV_WARNING);
    says(d, "udp 20000");
    unit_free(&p);

    /* `N up` is dynamic; so is every port of a flow marked dynamic. */
    run(&p, "system a { role r; service v { udp 5960 up r -> r; } }\n"
            "system b { role r; service s { udp 6000 r -> r; tcp 7000 r -> r dynamic; } }\n"
            "system c { role r; service t { tcp 7000 r -> r; } }\n"
            "site x { host h1 10.0.0.1 { runs a.r, b.r, c.r; } }");
    none(&p, CK_BIND_CONFLICT);
    assert_int_equal(count(&p, CK_MAY_COLLIDE), 2);
    unit_free(&p);
}

static void shared_ports_co_bind(void **state)
{
    (void)state;
    pipeline p;
    /* mDNS is shared by the registry; 7777 only when both say `shared`. */
    run(&p, "system a { role r; service m { udp 5353 r -> r; udp 7777 r -> r shared; } }\n"
            "system b { role r; service m { udp 5353 r -> r; udp 7777 r -> r shared; } }\n"
            "site x { host h1 10.0.0.1 { runs a.r, b.r; } }");
    none(&p, CK_BIND_CONFLICT);
    unit_free(&p);

    run(&p, "system a { role r; service m { udp 7777 r -> r shared; } }\n"
            "system b { role r; service m { udp 7777 r -> r; } }\n"
            "site x { host h1 10.0.0.1 { runs a.r, b.r; } }");
    says(only(&p, CK_BIND_CONFLICT), "udp 7777");
    unit_free(&p);
}

static void stride_ranges_meet_only_on_their_parity(void **state)
{
    (void)state;
    pipeline p;
    run(&p, "system a { role r; service rtp { udp 5004-5100 even r -> r; } }\n"
            "system b { role r; service rtcp { udp 5005-5101 odd r -> r; } }\n"
            "system c { role r; service s { udp 5001, 5003, 5101 r -> r; } }\n"
            "site x { host h1 10.0.0.1 { runs a.r, b.r, c.r; } }");
    /* even vs odd: nothing; 5001 and 5003 are below both; c's 5101 meets b. */
    const diag *d = only(&p, CK_BIND_CONFLICT);
    says(d, "b.rtcp and c.s");
    says(d, "udp 5101");
    unit_free(&p);

    run(&p, "system a { role r; service rtp { udp 5004-5100 even r -> r; } }\n"
            "system c { role r; service s { udp 5005-5007 r -> r; } }\n"
            "site x { host h1 10.0.0.1 { runs a.r, c.r; } }");
    says(only(&p, CK_BIND_CONFLICT), "udp 5006");
    unit_free(&p);
}

static void ephemeral_ports_never_bind(void **state)
{
    (void)state;
    pipeline p;
    run(&p, "system a { role r { os windows; } service s { udp ephemeral r -> r; "
            "tcp 443 from ephemeral r -> any; } }\n"
            "system b { role r; service s { udp 50000 r -> r; } }\n"
            "site x { host h1 10.0.0.1 { os linux; runs a.r, b.r; } }");
    none(&p, CK_BIND_CONFLICT);
    none(&p, CK_MAY_COLLIDE);
    unit_free(&p);
}

static void bind_conflict_through_another_systems_role(void **state)
{
    (void)state;
    pipeline p;
    /* b's flow names a's role: where b is deployed, hosts running a.srv
     * bind b's port too. */
    run(&p, "system a { role srv; role c; service web { tcp 8080 c -> srv; } }\n"
            "system b { role d; service api { tcp 8080 d -> a.srv; } }\n"
            "site x { host h1 10.0.0.1 { runs a.srv; } host h2 10.0.0.2 { runs b.d; } }");
    const diag *d = only(&p, CK_BIND_CONFLICT);
    says(d, "a.web");
    says(d, "b.api");
    unit_free(&p);

    run(&p, "system a { role srv; role c; service web { tcp 8080 c -> srv; } }\n"
            "system b { role d; service api { tcp 8081 d -> a.srv; } }\n"
            "site x { host h1 10.0.0.1 { runs a.srv; } host h2 10.0.0.2 { runs b.d; } }");
    none(&p, CK_BIND_CONFLICT);
    unit_free(&p);
}

static void bind_conflict_two_instances_of_one_system(void **state)
{
    (void)state;
    pipeline p;
    run(&p, "system a { role g; service s { tcp 5001 g -> g; } }\n"
            "site x { instance a2 of a; host h1 10.0.0.1 { runs a.g, a2.g; } }");
    const diag *d = only(&p, CK_BIND_CONFLICT);
    says(d, "a2.s");
    says(d, "a.s");
    says(d, "tcp 5001");
    unit_free(&p);

    run(&p, "system a { role g; param port = 5001; service s { tcp $port g -> g; } }\n"
            "site x { instance a2 of a { set port = 5101; }\n"
            "  host h1 10.0.0.1 { runs a.g, a2.g; } }");
    none(&p, CK_BIND_CONFLICT);
    unit_free(&p);
}

/* Hosts with one runs list share their bindings (check_bindings keeps
 * them for the first host of the list only), yet every host gets its own
 * findings: its own bind conflict, and ephemeral-range by its own OS. The
 * same roles in another order are another list (an alias joins the first
 * instance of its target's system in it). */
static void bind_findings_on_every_host_of_one_runs_list(void **state)
{
    (void)state;
    pipeline p;
    run(&p, "system a { role g; role c; service s { tcp 50000 c -> g; } }\n"
            "site x { instance a2 of a;\n"
            "  host h1 10.0.0.1 { os linux; runs a.g, a2.g; }\n"
            "  host h2 10.0.0.2 { os windows; runs a.g, a2.g; }\n"
            "  host h3 10.0.0.3 { runs a.g, a2.g; }\n"
            "  host h4 10.0.0.4 { runs a2.g, a.g; } }");
    assert_int_equal(count(&p, CK_BIND_CONFLICT), 4);
    says(nth(&p, CK_BIND_CONFLICT, 0), "host 'h1': a2.s and a.s both bind tcp 50000");
    says(nth(&p, CK_BIND_CONFLICT, 2), "host 'h3': a2.s and a.s both bind tcp 50000");
    says(nth(&p, CK_BIND_CONFLICT, 3), "host 'h4': a2.s and a.s both bind tcp 50000");
    assert_true(nth(&p, CK_BIND_CONFLICT, 1)->host == p.m.hosts[1]->decl);
    assert_int_equal(count(&p, CK_EPHEMERAL_RANGE), 4);
    says(with_text(&p, CK_EPHEMERAL_RANGE, "a2.s listens on tcp 50000 on host 'h1'"),
         "Linux ephemeral range 32768-60999");
    says(with_text(&p, CK_EPHEMERAL_RANGE, "a.s listens on tcp 50000 on host 'h2'"),
         "Windows ephemeral range 49152-65535");
    binding_table t = check_bindings(&p.m);
    assert_int_equal(t.n, 4);                /* h1's two and h4's two, not eight */
    assert_true(check_bindings_host(&t, p.m.hosts[1]) == p.m.hosts[0]);
    assert_true(check_bindings_host(&t, p.m.hosts[2]) == p.m.hosts[0]);
    assert_true(check_bindings_host(&t, p.m.hosts[3]) == p.m.hosts[3]);
    unit_free(&p);
}

#define GATEWAY_OSC_DANTE                                                               \
    "system om { role gw; role cl; service video { udp from 8000-9000 gw -> cl; } }\n"  \
    "system ig { role ms; role tab; service osc { udp 9000-9020 ms <-> tab; } }\n"      \
    "system da { role dev;\n"                                                           \
    "  service ctl { udp 4321, 8700-8708, 8751, 8800, 16000-65535 dev -> dev; } }\n"

static void bind_conflict_fixed_source_range_vs_listener(void **state)
{
    (void)state;
    pipeline p;
    run(&p, GATEWAY_OSC_DANTE "site x { host h1 10.0.0.1 { runs om.gw, ig.ms, da.dev; } }");
    assert_int_equal(count(&p, CK_BIND_CONFLICT), 2);
    const diag *osc = with_text(&p, CK_BIND_CONFLICT, "ig.osc");
    assert_int_equal(osc->sev, SEV_ERROR);
    says(osc, "om.video");
    says(osc, "udp 9000");
    assert_null(strstr(osc->message, "9020"));
    note_says(osc, "om.video sends from udp 8000-9000");
    note_says(osc, "ig.osc listens on udp 9000-9020");
    /* Every shared range with Dante in one finding; 4321 and 16000- are outside. */
    const diag *dante = with_text(&p, CK_BIND_CONFLICT, "da.ctl");
    says(dante, "udp 8700-8708, 8751, 8800");
    assert_null(strstr(dante->message, "4321"));
    assert_null(strstr(dante->message, "16000"));
    unit_free(&p);
}

static void bind_conflict_source_range_binds_only_the_sender(void **state)
{
    (void)state;
    pipeline p;
    /* The client receives from 8000-9000; it binds nothing there. */
    run(&p, GATEWAY_OSC_DANTE "site x { host h1 10.0.0.1 { runs om.cl, ig.ms, da.dev; } }");
    none(&p, CK_BIND_CONFLICT);
    unit_free(&p);
    /* And the sender next to a listener just outside its range. */
    run(&p, "system om { role gw; role cl; service video { udp from 8000-9000 gw -> cl; } }\n"
            "system ig { role ms; role tab; service osc { udp 9001-9020 ms <-> tab; } }\n"
            "site x { host h1 10.0.0.1 { runs om.gw, ig.ms; } }");
    none(&p, CK_BIND_CONFLICT);
    unit_free(&p);
}

/* ---- cross-protocol ---- */

static void cross_protocol_tcp_and_udp_on_one_host(void **state)
{
    (void)state;
    pipeline p;
    run(&p, "system a { role r; service s { tcp 5000-5010 r -> r; } }\n"
            "system b { role r; service s { udp 5005-5020 r -> r; } }\n"
            "site x { host h1 10.0.0.1 { runs a.r, b.r; } }");
    const diag *d = only(&p, CK_CROSS_PROTOCOL);
    assert_int_equal(d->sev, SEV_WARNING);
    says(d, "host 'h1'");
    says(d, "a.s uses tcp");
    says(d, "b.s uses udp");
    says(d, "5005-5010");
    none(&p, CK_BIND_CONFLICT);
    unit_free(&p);

    run(&p, "system a { role r; service s { tcp 5000-5010 r -> r; } }\n"
            "system b { role r; service s { udp 5011-5020 r -> r; } }\n"
            "site x { host h1 10.0.0.1 { runs a.r, b.r; } }");
    none(&p, CK_CROSS_PROTOCOL);
    assert_int_equal(p.diags.count, 0);
    unit_free(&p);
}

static void cross_protocol_none_within_one_role(void **state)
{
    (void)state;
    pipeline p;
    /* tcp+udp 3620 of one product: the product chose both. */
    run(&p, "system a { role r; role c; service s { tcp+udp 3620 c -> r; } }\n"
            "site x { host h1 10.0.0.1 { runs a.r; } }");
    none(&p, CK_CROSS_PROTOCOL);
    unit_free(&p);
}

/* ---- ephemeral-range ---- */

static void ephemeral_range_windows(void **state)
{
    (void)state;
    pipeline p;
    run(&p, "system a { role r { os windows; } role c; service s { udp 49000-50000 c -> r; } }\n"
            "site x { host h1 10.0.0.1 { runs a.r; } }");
    const diag *d = only(&p, CK_EPHEMERAL_RANGE);
    assert_int_equal(d->sev, SEV_WARNING);
    says(d, "a.s listens on udp 49152-50000");          /* only the part inside */
    says(d, "host 'h1'");
    says(d, "Windows ephemeral range 49152-65535");
    assert_int_equal(d->nports, 1);
    assert_int_equal(d->ports[0].lo, 49152);
    assert_int_equal(d->ports[0].hi, 50000);
    unit_free(&p);

    run(&p, "system a { role r { os windows; } role c; service s { udp 49000-49151 c -> r; } }\n"
            "site x { host h1 10.0.0.1 { runs a.r; } }");
    none(&p, CK_EPHEMERAL_RANGE);
    assert_int_equal(p.diags.count, 0);
    unit_free(&p);
}

static void ephemeral_range_linux_and_overrides(void **state)
{
    (void)state;
    pipeline p;
    /* The host's os overrides the role's. */
    run(&p, "system a { role r { os windows; } role c; service s { tcp 40000 c -> r; } }\n"
            "site x { host h1 10.0.0.1 { os linux; runs a.r; } }");
    const diag *d = only(&p, CK_EPHEMERAL_RANGE);
    says(d, "Linux ephemeral range 32768-60999");
    note_says(d, "ip_local_reserved_ports");
    unit_free(&p);

    /* An explicit ephemeral range moves it out of the way. */
    run(&p, "system a { role r { os windows; } role c; service s { tcp 50000 c -> r; } }\n"
            "site x { host h1 10.0.0.1 { runs a.r; ephemeral 60000-65535; } }");
    none(&p, CK_EPHEMERAL_RANGE);
    unit_free(&p);

    /* No os, no known range: nothing to say. */
    run(&p, "system a { role r; role c; service s { tcp 50000 c -> r; } }\n"
            "site x { host h1 10.0.0.1 { runs a.r; } }");
    none(&p, CK_EPHEMERAL_RANGE);
    unit_free(&p);
}

static void ephemeral_range_ignores_fixed_source_ports(void **state)
{
    (void)state;
    pipeline p;
    run(&p, "system a { role r { os windows; } role c; service s { udp from 50000 r -> c; } }\n"
            "site x { host h1 10.0.0.1 { runs a.r; } }");
    none(&p, CK_EPHEMERAL_RANGE);
    unit_free(&p);
}

/* ---- multicast-collision ---- */

static void multicast_collision_same_group_and_port(void **state)
{
    (void)state;
    pipeline p;
    run(&p, "system a { role r; service s { udp 5004 r -> group 239.1.1.1; } }\n"
            "system b { role r; service t { udp 5000-5010 r -> group 239.1.1.0 - 239.1.1.9; } }");
    const diag *d = only(&p, CK_MULTICAST_COLLISION);
    assert_int_equal(d->sev, SEV_WARNING);
    says(d, "a.s");
    says(d, "b.t");
    says(d, "group 239.1.1.1 ");
    says(d, "udp port 5004");
    assert_int_equal(loc_line(d->where), 2);
    note_says(d, "a.s uses it here");
    unit_free(&p);

    run(&p, "system a { role r; service s { udp 5004 r -> group 239.1.1.1; } }\n"
            "system b { role r; service t { udp 5005-5010 r -> group 239.1.1.0 - 239.1.1.9; } }");
    none(&p, CK_MULTICAST_COLLISION);
    assert_int_equal(p.diags.count, 0);
    unit_free(&p);
}

static void multicast_collision_none_on_other_groups_or_one_system(void **state)
{
    (void)state;
    pipeline p;
    run(&p, "system a { role r; service s { udp 5004 r -> group 239.1.1.1; } }\n"
            "system b { role r; service t { udp 5004 r -> group 239.1.1.2 - 239.1.1.9; } }");
    none(&p, CK_MULTICAST_COLLISION);
    unit_free(&p);
    /* One system using its group in two services is not a collision. */
    run(&p, "system a { role r; role q; service s { udp 5004 r -> group 239.1.1.1; }\n"
            "  service t { udp 5004 q -> group 239.1.1.1; } }");
    none(&p, CK_MULTICAST_COLLISION);
    unit_free(&p);
}

static void multicast_collision_two_instances_in_a_site(void **state)
{
    (void)state;
    pipeline p;
    run(&p, "system a { role r; param g: group; service s { udp 5004 r -> group $g; } }\n"
            "site x { set a.g = 239.1.1.1; instance a2 of a { set g = 239.1.1.1; } }");
    const diag *d = only(&p, CK_MULTICAST_COLLISION);
    says(d, "a2.s");
    says(d, "a.s");
    says(d, "239.1.1.1");
    unit_free(&p);

    run(&p, "system a { role r; param g: group; service s { udp 5004 r -> group $g; } }\n"
            "site x { set a.g = 239.1.1.1; instance a2 of a { set g = 239.1.1.2; } }");
    none(&p, CK_MULTICAST_COLLISION);
    unit_free(&p);
}

/* The sweep pairs rows in one dimension (groups or ports, whichever
 * overlaps less) and checks the other per pair: held against every pair of
 * rows of random policies, some with many ports and few groups, some the
 * other way. One flow per line, each in its own service of one of four
 * systems, so a finding is known by the lines of its two flows. */
static uint64_t mc_pair(int later, int earlier) { return (uint64_t)later << 32 | (uint64_t)earlier; }

static int u64_cmp(const void *pa, const void *pb)
{
    uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;
    return (a > b) - (a < b);
}

static size_t mc_brute_force(const model *m, uint64_t *want)
{
    size_t n = 0;
    for (size_t i = 0; i < m->nrows; i++)
        for (size_t j = i + 1; j < m->nrows; j++) {
            const flow_row *a = &m->rows[i], *b = &m->rows[j];
            if (a->dst.kind != EP_GROUP || b->dst.kind != EP_GROUP || a->inst->sys == b->inst->sys)
                continue;
            addr glo = addr_cmp(a->dst.lo, b->dst.lo) > 0 ? a->dst.lo : b->dst.lo;
            addr ghi = addr_cmp(a->dst.hi, b->dst.hi) < 0 ? a->dst.hi : b->dst.hi;
            int plo = a->lo > b->lo ? a->lo : b->lo, phi = a->hi < b->hi ? a->hi : b->hi;
            if (addr_cmp(glo, ghi) > 0 || plo > phi) continue;
            int la = loc_line(a->decl->where), lb = loc_line(b->decl->where);
            want[n++] = la > lb ? mc_pair(la, lb) : mc_pair(lb, la);
        }
    return n;
}

static void multicast_collision_sweep_matches_brute_force(void **state)
{
    (void)state;
    check_options o = {0};
    o.enabled[CK_MULTICAST_COLLISION] = true;
    srand(9);
    for (int round = 0; round < 300; round++) {
        int nflows = 2 + rand() % 40, ngroups = 1 + rand() % (round % 2 ? 3 : 30);
        int nports = 1 + rand() % (round % 2 ? 30 : 3);
        strbuf text;
        sb_init(&text);
        for (int sys = 0; sys < 4; sys++) {
            sb_printf(&text, "system s%d { role r;\n", sys);
            for (int f = 0; f < nflows; f++) {
                if (rand() % 4 != sys) continue;
                int g = rand() % ngroups, port = 5000 + rand() % nports;
                int glen = rand() % 4 ? 0 : rand() % 5, plen = rand() % 4 ? 0 : rand() % 5;
                sb_printf(&text, "service v%d { udp %d-%d r -> group 239.1.%d.%d-239.1.%d.%d; }\n",
                              f, port, port + plen, g / 200, g % 200 + 1, (g + glen) / 200,
                              (g + glen) % 200 + 1);
            }
            sb_printf(&text, "}\n");
        }
        pipeline p;
        run_with(&p, text.data, &o);
        uint64_t *want = xmalloc_array(p.m.nrows * p.m.nrows + 1, sizeof *want);
        size_t nwant = mc_brute_force(&p.m, want), nhave = count(&p, CK_MULTICAST_COLLISION);
        uint64_t *have = xmalloc_array(nhave + 1, sizeof *have);
        for (size_t k = 0; k < nhave; k++) {
            const diag *d = nth(&p, CK_MULTICAST_COLLISION, k);
            have[k] = mc_pair(loc_line(d->where), loc_line(d->notes->where));
        }
        qsort(want, nwant, sizeof *want, u64_cmp);
        qsort(have, nhave, sizeof *have, u64_cmp);
        if (nwant != nhave || (nwant && memcmp(want, have, nwant * sizeof *want))) {
            print_message("%s", text.data);
            dump(&p);
            fail_msg("round %d: the check gave %zu collisions, brute force %zu", round, nhave, nwant);
        }
        free(want);
        free(have);
        sb_free(&text);
        unit_free(&p);
    }
}

/* ---- multicast-scope ---- */

static void multicast_scope_link_local_across_zones(void **state)
{
    (void)state;
    pipeline p;
    run(&p, "system a { zone z1; zone z2; role r;\n"
            "  service s { udp 5353 r -> group 224.0.0.251 in z1, z2; } }");
    const diag *d = only(&p, CK_MULTICAST_SCOPE);
    assert_int_equal(d->sev, SEV_WARNING);
    says(d, "224.0.0.251");
    says(d, "link-local");
    assert_int_equal(loc_line(d->where), 2);
    assert_int_equal(loc_col(d->where), 29);                  /* the group endpoint */
    unit_free(&p);

    run(&p, "system a { zone z1; zone z2; role r;\n"
            "  service s { udp 5353 r -> group 224.0.0.251 in z1; } }");
    none(&p, CK_MULTICAST_SCOPE);
    assert_int_equal(p.diags.count, 0);
    unit_free(&p);
}

static void multicast_scope_tcp_to_a_group(void **state)
{
    (void)state;
    pipeline p;
    run(&p, "system a { role r; service s { tcp 5000 r -> group 239.1.1.1; } }");
    const diag *d = only(&p, CK_MULTICAST_SCOPE);
    says(d, "TCP");
    says(d, "239.1.1.1");
    unit_free(&p);

    run(&p, "system a { role r; service s { udp 5000 r -> group 239.1.1.1; } }");
    none(&p, CK_MULTICAST_SCOPE);
    unit_free(&p);
}

static void multicast_scope_reserved_group(void **state)
{
    (void)state;
    pipeline p;
    run(&p, "system a { role r; service s { udp 5000 r -> group 225.1.1.1; } }");
    const diag *d = only(&p, CK_MULTICAST_SCOPE);
    says(d, "225.1.1.1");
    says(d, "reserved");
    unit_free(&p);

    /* A range that only reaches into the reserved space from below. */
    run(&p, "system a { role r; service s { udp 5000 r -> group 224.255.255.250 - 225.0.0.1; } }");
    says(only(&p, CK_MULTICAST_SCOPE), "reserved");
    unit_free(&p);

    run(&p, "system a { role r; service s { udp 5000 r -> group 239.1.1.1; } }");
    none(&p, CK_MULTICAST_SCOPE);
    unit_free(&p);
    run(&p, "system a { role r; service s { udp 5000 r -> group 232.0.0.1; } }");
    none(&p, CK_MULTICAST_SCOPE);
    unit_free(&p);
}

static void multicast_scope_group_as_source(void **state)
{
    (void)state;
    pipeline p;
    run(&p, "system a { role r; service s { udp 5000 group 239.1.1.1 -> r; } }");
    const diag *d = only(&p, CK_MULTICAST_SCOPE);
    says(d, "used as a source");
    unit_free(&p);

    run(&p, "system a { role r; role q; service s { udp 5000 q -> r; } }");
    none(&p, CK_MULTICAST_SCOPE);
    unit_free(&p);
}

/* ---- inconsistent-redeclaration ---- */

static void redeclaration_in_two_services_of_one_system(void **state)
{
    (void)state;
    pipeline p;
    run(&p, "system d { role r;\n"
            "  service ctl { udp 8700-8706 r -> r; }\n"
            "  service mon { udp 8700-8708 r -> group 224.0.0.230; } }");
    const diag *d = only(&p, CK_INCONSISTENT_REDECLARATION);
    assert_int_equal(d->sev, SEV_WARNING);
    says(d, "d.mon gives udp 8700-8708");
    says(d, "d.ctl gives udp 8700-8706");
    assert_int_equal(loc_line(d->where), 3);                  /* at the later one */
    note_says(d, "8700-8706 is described here");
    unit_free(&p);
}

static void redeclaration_none_across_systems(void **state)
{
    (void)state;
    pipeline p;
    run(&p, "system d { role r; service ctl { udp 8700-8706 r -> r; } }\n"
            "system e { role r; service mon { udp 8700-8708 r -> group 224.0.0.230; } }");
    none(&p, CK_INCONSISTENT_REDECLARATION);
    assert_int_equal(p.diags.count, 0);
    unit_free(&p);
    /* Nor when both say the same. */
    run(&p, "system d { role r;\n"
            "  service ctl { udp 8700-8708 r -> r; }\n"
            "  service mon { udp 8700-8708 r -> group 224.0.0.230; } }");
    none(&p, CK_INCONSISTENT_REDECLARATION);
    unit_free(&p);
}

/* A range sharing only its end with another service's range is a redeclaration. */
static void redeclaration_sharing_an_end(void **state)
{
    (void)state;
    pipeline p;
    run(&p, "system d { role r;\n"
            "  service ctl { udp 8700-8708 r -> r; }\n"
            "  service mon { udp 8702-8708 r -> group 224.0.0.230; } }");
    only(&p, CK_INCONSISTENT_REDECLARATION);
    unit_free(&p);
}

/* ---- redundant-flow ---- */

static void redundant_duplicate_flow(void **state)
{
    (void)state;
    pipeline p;
    run(&p, "system d { role r;\n"
            "  service a { udp 4321 r -> r; }\n"
            "  service b { udp 4321 r -> r; } }");
    const diag *d = only(&p, CK_REDUNDANT_FLOW);
    assert_int_equal(d->sev, SEV_WARNING);
    says(d, "d.b udp 4321 is redundant");
    says(d, "another flow already allows it");
    assert_int_equal(loc_line(d->where), 3);
    note_says(d, "d.a allows 4321");
    unit_free(&p);

    /* Other sides: not redundant. */
    run(&p, "system d { role r; role q;\n"
            "  service a { udp 4321 r -> r; }\n"
            "  service b { udp 4321 q -> r; } }");
    none(&p, CK_REDUNDANT_FLOW);
    assert_int_equal(p.diags.count, 0);
    unit_free(&p);
}

static void redundant_covered_by_a_union(void **state)
{
    (void)state;
    pipeline p;
    run(&p, "system d { role r;\n"
            "  service a { udp 100-199, 200-299 r -> r; }\n"
            "  service b { udp 190-210 r -> r; } }");
    const diag *d = only(&p, CK_REDUNDANT_FLOW);
    says(d, "d.b udp 190-210 is redundant");
    says(d, "other flows already allow it together");
    unit_free(&p);

    /* A gap at 200: not covered. */
    run(&p, "system d { role r;\n"
            "  service a { udp 100-199, 201-299 r -> r; }\n"
            "  service b { udp 190-210 r -> r; } }");
    none(&p, CK_REDUNDANT_FLOW);
    unit_free(&p);
}

static void redundant_none_for_partial_overlap(void **state)
{
    (void)state;
    pipeline p;
    run(&p, "system d { role r;\n"
            "  service a { udp 100-199 r -> r; }\n"
            "  service b { udp 150-250 r -> r; } }");
    none(&p, CK_REDUNDANT_FLOW);
    assert_int_equal(p.diags.count, 0);
    unit_free(&p);
}

static void redundant_none_for_a_two_way_flow(void **state)
{
    (void)state;
    pipeline p;
    /* `<->` between one role and itself gives two identical rows: one flow. */
    run(&p, "system d { role r; service osc { udp 9000-9020 r <-> r; } }");
    none(&p, CK_REDUNDANT_FLOW);
    unit_free(&p);
}

/* A flow covered by the union of smaller flows is redundant. */
static void redundant_larger_flow_covered_by_smaller_ones(void **state)
{
    (void)state;
    pipeline p;
    run(&p, "system d { role r;\n"
            "  service a { udp 100-199, 200-299 r -> r; }\n"
            "  service b { udp 150-250 r -> r; } }");
    says(only(&p, CK_REDUNDANT_FLOW), "150-250");
    unit_free(&p);
}

/* A chain of overlapping flows: only flows that can all go together are
 * reported. 1003-1006 and 1005-1008 are each covered by the others, but
 * removing both loses 1005-1006: the greedy walk reports 1003-1006 only. */
static void redundant_chain_reports_a_removable_set(void **state)
{
    (void)state;
    pipeline p;
    run(&p, "system d { role r;\n"
            "  service a { udp 1001-1004 r -> r; }\n"
            "  service b { udp 1003-1006 r -> r; }\n"
            "  service c { udp 1005-1008 r -> r; }\n"
            "  service e { udp 1007-1010 r -> r; } }");
    const diag *d = only(&p, CK_REDUNDANT_FLOW);
    says(d, "d.b udp 1003-1006 is redundant");
    says(d, "other flows already allow it together");
    unit_free(&p);

    /* Two disjoint flows both covered by flows that stay: both reported. */
    run(&p, "system d { role r;\n"
            "  service a { udp 100-199, 200-299, 300-399 r -> r; }\n"
            "  service b { udp 150-250 r -> r; }\n"
            "  service c { udp 260-350 r -> r; } }");
    assert_int_equal(count_check(&p, CK_REDUNDANT_FLOW), 2);
    unit_free(&p);

    /* A long chain: every other link goes, never two neighbours. */
    char text[4096];
    int w = snprintf(text, sizeof text, "system d { role r;\n");
    for (int i = 0; i < 20; i++)
        w += snprintf(text + w, sizeof text - (size_t)w, "  service s%02d { udp %d-%d r -> r; }\n",
                      i, 1001 + 2 * i, 1004 + 2 * i);
    snprintf(text + w, sizeof text - (size_t)w, "}");
    run(&p, text);
    assert_int_equal(count_check(&p, CK_REDUNDANT_FLOW), 9);
    unit_free(&p);
}

/* ---- instance-defaults ---- */

#define TWO_INSTANCES_SYSTEM                                                            \
    "system s { zone z; role r; param p = 7000 \"the port\"; param q = 7100;\n"         \
    "  service x { tcp $p, $q r -> r in z; } }\n"

static void instance_defaults_on_one_network(void **state)
{
    (void)state;
    pipeline p;
    run(&p, TWO_INSTANCES_SYSTEM
        "site y { network s.z 10.0.0.0/24; instance s2 of s { set q = 7101; }\n"
        "  host h1 10.0.0.1 { runs s.r; } host h2 10.0.0.2 { runs s2.r; } }");
    const diag *d = only(&p, CK_INSTANCE_DEFAULTS);
    assert_int_equal(d->sev, SEV_ERROR);
    says(d, "'s2'");
    says(d, "'s'");
    says(d, "network 10.0.0.0/24");
    says(d, "p = 7000");
    assert_null(strstr(d->message, "q ="));              /* q was set */
    note_says(d, "'p' is declared here");
    assert_int_equal(loc_line(d->where), 3);                  /* the named instance */
    none(&p, CK_BIND_CONFLICT);                          /* different hosts */
    unit_free(&p);

    run(&p, TWO_INSTANCES_SYSTEM
        "site y { network s.z 10.0.0.0/24; network s2.z 10.0.0.0/24;\n"
        "  instance s2 of s { set q = 7101; set p = 7001; }\n"
        "  host h1 10.0.0.1 { runs s.r; } host h2 10.0.0.2 { runs s2.r; } }");
    none(&p, CK_INSTANCE_DEFAULTS);
    assert_int_equal(p.diags.count, 0);
    unit_free(&p);
}

static void instance_defaults_on_one_host_or_apart(void **state)
{
    (void)state;
    pipeline p;
    run(&p, TWO_INSTANCES_SYSTEM
        "site y { instance s2 of s { set q = 7101; } host h1 10.0.0.1 { runs s.r, s2.r; } }");
    says(only(&p, CK_INSTANCE_DEFAULTS), "host 'h1'");
    unit_free(&p);

    /* A default computed from a parameter the instance sets is not kept. */
    run(&p, "system s { zone z; role r; param base = 7000; param p = $base + 10;\n"
            "  service x { tcp $p r -> r in z; } }\n"
            "site y { instance s2 of s { set base = 8000; } host h1 10.0.0.1 { runs s.r, s2.r; } }");
    none(&p, CK_INSTANCE_DEFAULTS);
    unit_free(&p);

    /* Different subnets and no shared host: they never meet. */
    run(&p, TWO_INSTANCES_SYSTEM
        "site y { network s.z 10.0.0.0/24; instance s2 of s { set q = 7101; }\n"
        "  host h1 10.0.0.1 { runs s.r; } host h2 10.0.1.2 { runs s2.r; } }");
    none(&p, CK_INSTANCE_DEFAULTS);
    unit_free(&p);
}

/* ---- site sanity: duplicate-address, idle-host, host-outside-networks,
 * overlapping-networks, unbound-zone ---- */

#define AV_SYSTEM "system av { zone lan; role panel; role player;\n" \
                  "  service control { tcp 9000 panel -> player in lan; } }\n"

static void duplicate_address_in_one_site(void **state)
{
    (void)state;
    pipeline p;
    run(&p, AV_SYSTEM "site room { host p1 10.0.0.1 { runs av.panel; }\n"
            "  host p2 10.0.0.1 { runs av.player; }\n"
            "  host p3 10.0.0.1 { runs av.player; } }");
    assert_int_equal(count(&p, CK_DUPLICATE_ADDRESS), 2);
    const diag *d = nth(&p, CK_DUPLICATE_ADDRESS, 0);
    assert_int_equal(d->sev, SEV_ERROR);
    says(d, "hosts 'p1' and 'p2' of site 'room' have the same address 10.0.0.1");
    note_says(d, "'p1' has it here");
    assert_int_equal(loc_line(d->where), 4);                  /* at the repeated address */
    assert_int_equal(loc_col(d->where), 11);
    assert_string_equal(d->host->name, "p2");
    assert_string_equal(d->site->name, "room");
    says(nth(&p, CK_DUPLICATE_ADDRESS, 1), "'p1' and 'p3'");
    unit_free(&p);

    /* Waived for one host inside the site. */
    run(&p, AV_SYSTEM "site room { host p1 10.0.0.1 { runs av.panel; }\n"
            "  host p2 10.0.0.1 { runs av.player; }\n"
            "  allow duplicate-address on p2 because \"a failover pair\"; }");
    assert_string_equal(only(&p, CK_DUPLICATE_ADDRESS)->waiver, "a failover pair");
    none(&p, CK_UNUSED_WAIVER);
    unit_free(&p);
}

static void duplicate_address_none_across_sites(void **state)
{
    (void)state;
    pipeline p;
    run(&p, AV_SYSTEM "site room { host p1 10.0.0.1 { runs av.panel; } host q1 10.0.0.2 { runs av.player; } }\n"
            "site room2 { host p2 10.0.0.1 { runs av.panel; } host q2 10.0.0.2 { runs av.player; } }");
    none(&p, CK_DUPLICATE_ADDRESS);
    assert_int_equal(p.diags.count, 0);
    unit_free(&p);
}

static void idle_host_runs_no_role(void **state)
{
    (void)state;
    pipeline p;
    run(&p, AV_SYSTEM "site room { host p1 10.0.0.1 { runs av.panel; }\n"
            "  host spare 10.0.0.9 { os linux; } }");
    const diag *d = only(&p, CK_IDLE_HOST);
    assert_int_equal(d->sev, SEV_WARNING);
    says(d, "host 'spare' runs no role");
    assert_int_equal(loc_line(d->where), 4);                  /* at the host's name */
    assert_int_equal(loc_col(d->where), 8);
    assert_string_equal(d->host->name, "spare");
    unit_free(&p);

    run(&p, AV_SYSTEM "site room { host p1 10.0.0.1 { runs av.panel; }\n"
            "  host spare 10.0.0.9 { os linux; runs av.player; } }");
    none(&p, CK_IDLE_HOST);
    assert_int_equal(p.diags.count, 0);
    unit_free(&p);
}

static void host_outside_networks_names_the_nearest(void **state)
{
    (void)state;
    pipeline p;
    run(&p, AV_SYSTEM "site room { network av.lan 10.0.10.0/24;\n"
            "  host p1 10.0.10.1 { runs av.panel; }\n"
            "  host p2 10.0.11.2 { runs av.player; }\n"
            "  host p3 10.0.1.3 { runs av.player; } }\n"
            "site hall { network av.lan 10.0.20.0/24; network av.lan 10.0.40.0/24;\n"
            "  host q1 10.0.39.1 { runs av.panel; } }");
    assert_int_equal(count(&p, CK_HOST_OUTSIDE_NETWORKS), 3);
    const diag *d = with_text(&p, CK_HOST_OUTSIDE_NETWORKS, "host 'p2' (10.0.11.2)");
    assert_int_equal(d->sev, SEV_WARNING);
    says(d, "outside every network bound in site 'room'");
    note_says(d, "the nearest is 10.0.10.0/24, bound to av.lan");
    assert_int_equal(loc_line(d->where), 5);
    assert_string_equal(d->host->name, "p2");
    note_says(with_text(&p, CK_HOST_OUTSIDE_NETWORKS, "'p3'"), "10.0.10.0/24");
    /* The nearest may come after the host's address. */
    note_says(with_text(&p, CK_HOST_OUTSIDE_NETWORKS, "'q1'"), "the nearest is 10.0.40.0/24");
    unit_free(&p);
}

static void host_outside_networks_none_inside_or_without_networks(void **state)
{
    (void)state;
    pipeline p;
    /* Inside the larger of two nested networks; 0.0.0.0/0 holds every
     * address; a site with no network is not checked. */
    run(&p, AV_SYSTEM "site room { network av.lan 10.0.0.0/16; network av.lan 10.0.10.0/24;\n"
            "  host p1 10.0.200.1 { runs av.panel; } host p2 10.0.10.2 { runs av.player; } }\n"
            "site hall { network av.lan 0.0.0.0/0; host q1 192.0.2.1 { runs av.panel; } }\n"
            "site lab { host r1 192.0.2.1 { runs av.panel; } }");
    none(&p, CK_HOST_OUTSIDE_NETWORKS);
    unit_free(&p);
}

#define TWO_ZONES "system a { zone lan; zone wan; role r; service s { tcp 80 r -> r in lan; } }\n"

static void overlapping_networks_nested_subnets(void **state)
{
    (void)state;
    pipeline p;
    run(&p, TWO_ZONES "site x { network a.lan 10.0.10.0/24;\n"
            "  network a.wan 10.0.10.128/25;\n"
            "  host h1 10.0.10.1 { runs a.r; } }");
    const diag *d = only(&p, CK_OVERLAPPING_NETWORKS);
    assert_int_equal(d->sev, SEV_WARNING);
    says(d, "network a.wan 10.0.10.128/25 lies inside network a.lan 10.0.10.0/24 of site 'x'");
    says(d, "its hosts are in both zones");
    note_says(d, "10.0.10.0/24 is bound here");
    assert_int_equal(loc_line(d->where), 3);                  /* at the smaller network */
    assert_string_equal(d->site->name, "x");
    unit_free(&p);

    /* One zone bound to nested subnets; a /16 holding two /24s is two pairs. */
    run(&p, TWO_ZONES "site x { network a.lan 10.0.0.0/16; network a.lan 10.0.10.0/24;\n"
            "  network a.wan 10.0.20.0/24; host h1 10.0.10.1 { runs a.r; } }");
    assert_int_equal(count(&p, CK_OVERLAPPING_NETWORKS), 2);
    says(with_text(&p, CK_OVERLAPPING_NETWORKS, "a.lan 10.0.10.0/24"), "the zone is bound twice");
    says(with_text(&p, CK_OVERLAPPING_NETWORKS, "a.wan 10.0.20.0/24"), "its hosts are in both zones");
    unit_free(&p);
}

static void overlapping_networks_none_for_one_subnet_or_any(void **state)
{
    (void)state;
    pipeline p;
    /* One subnet for two zones and two instances, the outside as 0.0.0.0/0,
     * and the same subnets again in another site. */
    run(&p, TWO_ZONES "site x { instance a2 of a; network a.lan 10.0.10.0/24; network a.wan 0.0.0.0/0;\n"
            "  network a2.lan 10.0.10.0/24; network a2.wan 10.0.10.0/24;\n"
            "  host h1 10.0.10.1 { runs a.r; } host h2 10.0.10.2 { runs a2.r; } }\n"
            "site y { network a.lan 10.0.10.0/25; host h1 10.0.10.1 { runs a.r; } }");
    none(&p, CK_OVERLAPPING_NETWORKS);
    assert_int_equal(p.diags.count, 0);
    unit_free(&p);
}

#define ZONE_USES                                                                       \
    "system a { zone lan; zone wan; zone opt; role r; role s;\n"                        \
    "  service x { tcp 80 r -> s in wan; }\n"                                           \
    "  service y { tcp 81 r -> s in lan, opt optional; }\n"                             \
    "  service z { tcp 82 r -> s in opt local; } }\n"

static void unbound_zone_in_a_site_with_networks(void **state)
{
    (void)state;
    pipeline p;
    run(&p, ZONE_USES "site x { network a.lan 10.0.0.0/24;\n"
            "  host h1 10.0.0.1 { runs a.r, a.s; } }");
    const diag *d = only(&p, CK_UNBOUND_ZONE);
    assert_int_equal(d->sev, SEV_NOTE);
    says(d, "site 'x' binds networks, but none to zone a.wan, which a.x uses");
    note_says(d, "a.x names the zone here");
    note_says(d, "'network a.wan CIDR;'");
    assert_int_equal(loc_line(d->where), 5);                  /* at the site's name */
    assert_int_equal(loc_col(d->where), 6);
    assert_string_equal(d->site->name, "x");
    assert_string_equal(d->svc[0]->name, "x");           /* `allow unbound-zone a.x` */
    unit_free(&p);

    /* A zone as a side: once per zone, with unknown-peer for the flow. */
    run(&p, "system a { zone lan; zone mgmt; role r;\n"
            "  service x { tcp 22 mgmt -> r; } service y { tcp 23 mgmt -> r in lan; } }\n"
            "site x { network a.lan 10.0.0.0/24; host h1 10.0.0.1 { runs a.r; } }");
    says(only(&p, CK_UNBOUND_ZONE), "zone a.mgmt, which a.x uses");
    assert_int_equal(count(&p, CK_UNKNOWN_PEER), 2);
    unit_free(&p);

    /* The zone as the last of several endpoints of one flow. */
    run(&p, "system a { zone lan; zone mgmt; role r; role s;\n"
            "  service x { tcp+udp 22, 23 r -> s, r, mgmt in lan; } }\n"
            "site x { network a.lan 10.0.0.0/24; host h1 10.0.0.1 { runs a.r, a.s; } }");
    says(only(&p, CK_UNBOUND_ZONE), "zone a.mgmt, which a.x uses");
    unit_free(&p);
}

static void unbound_zone_per_instance(void **state)
{
    (void)state;
    pipeline p;
    /* The default instance's binding does not bind the named instance's zone. */
    run(&p, "system a { zone lan; role r; service s { tcp 80 r -> r in lan; } }\n"
            "site x { instance a2 of a; network a.lan 10.0.0.0/24;\n"
            "  host h1 10.0.0.1 { runs a.r; } host h2 10.0.0.2 { runs a2.r; } }");
    says(only(&p, CK_UNBOUND_ZONE), "zone a2.lan, which a2.s uses");
    unit_free(&p);

    /* Another system's zone is bound by any instance of that system. */
    run(&p, "system a { zone lan; role r; }\n"
            "system b { role c; service s { tcp 80 c -> a.r in a.lan; } }\n"
            "site x { network a.lan 10.0.0.0/24;\n"
            "  host h1 10.0.0.1 { runs a.r; } host h2 10.0.0.2 { runs b.c; } }");
    none(&p, CK_UNBOUND_ZONE);
    assert_int_equal(p.diags.count, 0);
    unit_free(&p);
}

static void unbound_zone_none_when_bound_optional_local_or_no_networks(void **state)
{
    (void)state;
    pipeline p;
    /* opt is only an optional scope and the scope of a local flow. */
    run(&p, ZONE_USES "site x { network a.lan 10.0.0.0/24; network a.wan 0.0.0.0/0;\n"
            "  host h1 10.0.0.1 { runs a.r, a.s; } }\n"
            "site y { host h1 10.0.0.1 { runs a.r, a.s; } }");
    none(&p, CK_UNBOUND_ZONE);
    assert_int_equal(p.diags.count, 0);
    unit_free(&p);
}

/* ---- unused-waiver ---- */

static void unused_waiver_is_a_warning(void **state)
{
    (void)state;
    pipeline p;
    run(&p, "system a { role r; service s { udp 16000 r -> r; } }\n"
            "system b { role r; service s { udp 16001 r -> r; } }\n"
            "site x { host h1 10.0.0.1 { runs a.r, b.r; } }\n"
            "allow bind-conflict a.s, b.s because \"they never run together\";");
    const diag *d = only(&p, CK_UNUSED_WAIVER);
    assert_int_equal(d->sev, SEV_WARNING);
    says(d, "bind-conflict");
    assert_int_equal(loc_line(d->where), 4);
    assert_int_equal(loc_col(d->where), 1);
    unit_free(&p);

    run(&p, "system a { role r; service s { udp 16000 r -> r; } }\n"
            "system b { role r; service s { udp 16000 r -> r; } }\n"
            "site x { host h1 10.0.0.1 { runs a.r, b.r; } }\n"
            "allow bind-conflict a.s, b.s because \"they never run together\";");
    none(&p, CK_UNUSED_WAIVER);
    assert_int_equal(count(&p, CK_BIND_CONFLICT), 1);
    unit_free(&p);
}

static void unused_waiver_when_the_check_differs(void **state)
{
    (void)state;
    pipeline p;
    /* The finding is a bind conflict; the waiver is for cross-protocol. */
    run(&p, TWO_SYSTEMS_16000 "site x { host h1 10.0.0.1 { runs a.r, b.r; } }\n"
            "allow cross-protocol a.s because \"wrong check\";");
    assert_int_equal(count(&p, CK_UNUSED_WAIVER), 1);
    assert_null(nth(&p, CK_BIND_CONFLICT, 0)->waiver);
    unit_free(&p);
}

/* ---- waivers ---- */

static void waiver_turns_a_finding_into_a_note(void **state)
{
    (void)state;
    pipeline p;
    run(&p, TWO_SYSTEMS_16000 "site x { host h1 10.0.0.1 { runs a.r, b.r; } }\n"
            "allow bind-conflict a.s, b.s because \"separate NICs\";");
    const diag *d = only(&p, CK_BIND_CONFLICT);
    assert_non_null(d->waiver);
    assert_string_equal(d->waiver, "separate NICs");
    assert_int_equal(loc_line(d->waiver_loc), 4);
    assert_int_equal(d->sev, SEV_ERROR);                 /* the finding keeps its severity */
    assert_int_equal(diag_shown(d), SEV_NOTE);           /* but shows as a note */
    assert_int_equal(shown(&p, SEV_ERROR), 0);
    assert_int_equal(shown(&p, SEV_WARNING), 0);
    assert_int_equal(diag_waived(&p.diags), 1);
    unit_free(&p);
}

static void waiver_in_a_site_with_one_service(void **state)
{
    (void)state;
    pipeline p;
    /* One service named: any finding that involves it. */
    run(&p, TWO_SYSTEMS_16000 "site x { host h1 10.0.0.1 { runs a.r, b.r; }\n"
            "  allow bind-conflict b.s because \"b binds its own NIC\"; }");
    assert_string_equal(only(&p, CK_BIND_CONFLICT)->waiver, "b binds its own NIC");
    unit_free(&p);
}

#define TWO_HOSTS_CONFLICT                                                              \
    "system a { role r; service s { udp 16000 r -> r; } }\n"                            \
    "system b { role r; service s { udp 16000 r -> r; } }\n"                            \
    "site x { host h1 10.0.0.1 { runs a.r, b.r; } host h2 10.0.0.2 { runs a.r, b.r; }\n"

static void waiver_on_host_matches_only_that_host(void **state)
{
    (void)state;
    pipeline p;
    run(&p, TWO_HOSTS_CONFLICT "  allow bind-conflict on h1 because \"h1 has two NICs\"; }");
    assert_int_equal(count(&p, CK_BIND_CONFLICT), 2);
    const diag *h1 = with_text(&p, CK_BIND_CONFLICT, "host 'h1'");
    const diag *h2 = with_text(&p, CK_BIND_CONFLICT, "host 'h2'");
    assert_non_null(h1->waiver);
    assert_string_equal(h1->waiver, "h1 has two NICs");
    assert_int_equal(diag_shown(h1), SEV_NOTE);
    assert_null(h2->waiver);
    assert_int_equal(diag_shown(h2), SEV_ERROR);
    none(&p, CK_UNUSED_WAIVER);
    unit_free(&p);

    /* On a host with no such finding: unused. */
    run(&p, "system a { role r; service s { udp 16000 r -> r; } }\n"
            "system b { role r; service s { udp 16000 r -> r; } }\n"
            "site x { host h1 10.0.0.1 { runs a.r, b.r; } host h3 10.0.0.3 { runs a.r; }\n"
            "  allow bind-conflict on h3 because \"wrong host\"; }");
    assert_null(nth(&p, CK_BIND_CONFLICT, 0)->waiver);
    assert_int_equal(count(&p, CK_UNUSED_WAIVER), 1);
    unit_free(&p);
}

static void waiver_services_match_only_those_services(void **state)
{
    (void)state;
    pipeline p;
    run(&p, "system a { role r; service s { udp 16000 r -> r; } }\n"
            "system b { role r; service s { udp 16000 r -> r; } }\n"
            "system c { role r; service s { udp 16000 r -> r; } }\n"
            "site x { host h1 10.0.0.1 { runs a.r, b.r, c.r; } }\n"
            "allow bind-conflict a.s, b.s because \"a and b never run together\";");
    assert_int_equal(count(&p, CK_BIND_CONFLICT), 3);
    for (size_t k = 0; k < 3; k++) {
        const diag *d = nth(&p, CK_BIND_CONFLICT, k);
        bool ab = strstr(d->message, "a.s") && strstr(d->message, "b.s");
        if (ab) assert_string_equal(d->waiver, "a and b never run together");
        else assert_null(d->waiver);
    }
    assert_int_equal(shown(&p, SEV_ERROR), 2);
    assert_int_equal(diag_waived(&p.diags), 1);
    unit_free(&p);
}

static void waiver_in_a_site_matches_only_that_site(void **state)
{
    (void)state;
    pipeline p;
    run(&p, "system a { role r; service s { udp 16000 r -> r; } }\n"
            "system b { role r; service s { udp 16000 r -> r; } }\n"
            "site x { host hx 10.0.0.1 { runs a.r, b.r; } }\n"
            "site y { host hy 10.0.0.1 { runs a.r, b.r; }\n"
            "  allow bind-conflict because \"only in y\"; }");
    assert_int_equal(count(&p, CK_BIND_CONFLICT), 2);
    assert_null(with_text(&p, CK_BIND_CONFLICT, "host 'hx'")->waiver);
    assert_string_equal(with_text(&p, CK_BIND_CONFLICT, "host 'hy'")->waiver, "only in y");
    unit_free(&p);
}

/* A waived finding in one site does not hide the same finding, unwaived, in another. */
static void waiver_in_one_site_does_not_hide_another_site(void **state)
{
    (void)state;
    pipeline p;
    run(&p, "system a { role r; service s { udp 16000 r -> r; } }\n"
            "system b { role r; service s { udp 16000 r -> r; } }\n"
            "site y { host h1 10.0.0.1 { runs a.r, b.r; }\n"
            "  allow bind-conflict because \"only in y\"; }\n"
            "site x { host h1 10.0.0.1 { runs a.r, b.r; } }");
    assert_int_equal(shown(&p, SEV_ERROR), 1);
    unit_free(&p);
}

/* In a site, `allow ID INSTANCE.service` names one instance's service. */
static void waiver_names_one_instance(void **state)
{
    (void)state;
    pipeline p;
    run(&p, "system a { role g; service s { tcp 5001 g -> g; } }\n"
            "system b { role g; service s { tcp 5001 g -> g; } }\n"
            "site x { instance a2 of a;\n"
            "  host h1 10.0.0.1 { runs b.g, a2.g; } host h2 10.0.0.2 { runs b.g, a.g; }\n"
            "  allow bind-conflict a2.s because \"a2 only\"; }");
    assert_non_null(with_text(&p, CK_BIND_CONFLICT, "host 'h1'")->waiver);
    assert_null(with_text(&p, CK_BIND_CONFLICT, "host 'h2'")->waiver);
    unit_free(&p);
}

static void waiver_of_another_check_does_not_match(void **state)
{
    (void)state;
    pipeline p;
    run(&p, "system a { role r; service s { tcp 5000 r -> r; } }\n"
            "system b { role r; service s { udp 5000 r -> r; } }\n"
            "site x { host h1 10.0.0.1 { runs a.r, b.r; } }\n"
            "allow cross-protocol because \"separate sockets\";\n"
            "allow ephemeral-range because \"not this\";");
    assert_string_equal(only(&p, CK_CROSS_PROTOCOL)->waiver, "separate sockets");
    says(only(&p, CK_UNUSED_WAIVER), "ephemeral-range");
    unit_free(&p);
}

static void waiver_for_a_front_end_check_is_an_error(void **state)
{
    (void)state;
    pipeline p;
    run(&p, "system a { role r; service s { udp 16000 r -> r; } }\n"
            "allow syntax because \"x\";\n"
            "allow port-range because \"y\";");
    assert_int_equal(count(&p, CK_TYPE), 2);
    const diag *d = nth(&p, CK_TYPE, 0);
    assert_int_equal(d->sev, SEV_ERROR);
    says(d, "'syntax'");
    says(d, "cannot be waived");
    assert_int_equal(loc_line(d->where), 2);
    assert_int_equal(loc_col(d->where), 7);                   /* the check id */
    says(nth(&p, CK_TYPE, 1), "'port-range'");
    none(&p, CK_UNUSED_WAIVER);                          /* reported once, as the error */
    unit_free(&p);

    /* unused-waiver itself is not waivable either. */
    run(&p, "system a { role r; service s { udp 16000 r -> r; } }\n"
            "allow unused-waiver because \"x\";");
    says(only(&p, CK_TYPE), "'unused-waiver'");
    unit_free(&p);
}

/* ---- options ---- */

#define CROSS_PROTOCOL_POLICY                                                           \
    "system a { role r; service s { tcp 5000 r -> r; } }\n"                             \
    "system b { role r; service s { udp 5000 r -> r; } }\n"                             \
    "site x { host h1 10.0.0.1 { runs a.r, b.r; } }\n"

static void werror_raises_warnings(void **state)
{
    (void)state;
    pipeline p;
    check_options o;
    check_options_default(&o);
    o.werror = true;
    run_with(&p, CROSS_PROTOCOL_POLICY "allow ephemeral-range because \"unused\";", &o);
    assert_int_equal(only(&p, CK_CROSS_PROTOCOL)->sev, SEV_ERROR);
    assert_int_equal(only(&p, CK_UNUSED_WAIVER)->sev, SEV_ERROR);
    assert_int_equal(shown(&p, SEV_WARNING), 0);
    assert_int_equal(shown(&p, SEV_ERROR), 2);
    unit_free(&p);

    /* A waived warning stays a note. */
    run_with(&p, CROSS_PROTOCOL_POLICY "allow cross-protocol because \"separate sockets\";", &o);
    const diag *d = only(&p, CK_CROSS_PROTOCOL);
    assert_non_null(d->waiver);
    assert_int_equal(diag_shown(d), SEV_NOTE);
    assert_int_equal(shown(&p, SEV_ERROR), 0);
    unit_free(&p);

    /* Without -Werror: a warning. */
    run(&p, CROSS_PROTOCOL_POLICY);
    assert_int_equal(only(&p, CK_CROSS_PROTOCOL)->sev, SEV_WARNING);
    unit_free(&p);
}

static void disabled_checks_are_dropped(void **state)
{
    (void)state;
    pipeline p;
    check_options o;
    check_options_default(&o);
    o.enabled[CK_CROSS_PROTOCOL] = false;
    run_with(&p, CROSS_PROTOCOL_POLICY, &o);
    none(&p, CK_CROSS_PROTOCOL);
    assert_int_equal(p.diags.count, 0);
    unit_free(&p);

    /* An error-severity check that can be waived can be disabled too. */
    check_options_default(&o);
    o.enabled[CK_BIND_CONFLICT] = false;
    run_with(&p, TWO_SYSTEMS_16000 "site x { host h1 10.0.0.1 { runs a.r, b.r; } }", &o);
    none(&p, CK_BIND_CONFLICT);
    unit_free(&p);

    /* So can unused-waiver. */
    check_options_default(&o);
    o.enabled[CK_UNUSED_WAIVER] = false;
    run_with(&p, CROSS_PROTOCOL_POLICY "allow ephemeral-range because \"unused\";", &o);
    none(&p, CK_UNUSED_WAIVER);
    assert_int_equal(count(&p, CK_CROSS_PROTOCOL), 1);
    unit_free(&p);

    /* Disabling one check leaves the others. */
    check_options_default(&o);
    o.enabled[CK_EPHEMERAL_RANGE] = false;
    run_with(&p, CROSS_PROTOCOL_POLICY, &o);
    assert_int_equal(count(&p, CK_CROSS_PROTOCOL), 1);
    unit_free(&p);
}

static void disabling_a_front_end_check_keeps_its_errors(void **state)
{
    (void)state;
    pipeline p;
    check_options o;
    check_options_default(&o);
    o.enabled[CK_PORT_RANGE] = false;
    /* Not through run(): the front end reports the error. */
    unit_run(&p, "system a { role r; service s { udp 0 r -> r; } }");
    assert_int_equal(count(&p, CK_PORT_RANGE), 1);
    check_program(&p.m, &o);
    diag_finish(&p.diags);
    assert_int_equal(count(&p, CK_PORT_RANGE), 1);
    assert_int_equal(shown(&p, SEV_ERROR), 1);
    unit_free(&p);
}

/* A check disabled with -Wno-ID does not make its `allow ID` waivers unused. */
static void disabled_check_does_not_make_its_waivers_unused(void **state)
{
    (void)state;
    pipeline p;
    check_options o;
    check_options_default(&o);
    o.enabled[CK_CROSS_PROTOCOL] = false;
    run_with(&p, CROSS_PROTOCOL_POLICY "allow cross-protocol because \"separate sockets\";", &o);
    none(&p, CK_UNUSED_WAIVER);
    unit_free(&p);
}

static void no_waivers_keeps_full_severity(void **state)
{
    (void)state;
    pipeline p;
    check_options o;
    check_options_default(&o);
    o.no_waivers = true;
    run_with(&p, TWO_SYSTEMS_16000 "site x { host h1 10.0.0.1 { runs a.r, b.r; } }\n"
                 "allow bind-conflict a.s, b.s because \"separate NICs\";\n"
                 "allow cross-protocol because \"matches nothing\";", &o);
    const diag *d = only(&p, CK_BIND_CONFLICT);
    assert_null(d->waiver);
    assert_int_equal(diag_shown(d), SEV_ERROR);
    none(&p, CK_UNUSED_WAIVER);
    assert_int_equal(diag_waived(&p.diags), 0);
    unit_free(&p);

    /* And a waiver for a front-end check is not judged either. */
    run_with(&p, "system a { role r; service s { udp 16000 r -> r; } }\n"
                 "allow syntax because \"x\";", &o);
    none(&p, CK_TYPE);
    unit_free(&p);
}

/* ---- the registry ---- */

static void every_check_has_an_id_and_summary(void **state)
{
    (void)state;
    for (int i = 0; i < CK_COUNT; i++) {
        assert_non_null(check_table[i].id);
        assert_non_null(check_table[i].summary);
        assert_int_equal(check_lookup(check_table[i].id), i);
        /* Only the validator's and the audit's checks can be waived, not
         * an error in the audit's input. */
        assert_int_equal(check_table[i].waivable, i >= CK_BIND_CONFLICT && i != CK_SOCKET_INPUT);
        /* Audit-only checks are the ones after the validator's. */
        assert_int_equal(check_table[i].audit_only, i >= CK_SOCKET_INPUT);
    }
    assert_int_equal(check_lookup("no-such-check"), -1);
    assert_int_equal(check_table[CK_BIND_CONFLICT].sev, SEV_ERROR);
    assert_int_equal(check_table[CK_INSTANCE_DEFAULTS].sev, SEV_ERROR);
    assert_int_equal(check_table[CK_CROSS_PROTOCOL].sev, SEV_WARNING);
    assert_int_equal(check_table[CK_UNUSED_WAIVER].sev, SEV_WARNING);
    assert_int_equal(check_table[CK_LOOPBACK_LISTENER].sev, SEV_INFO);
    assert_int_equal(check_table[CK_DUPLICATE_ADDRESS].sev, SEV_ERROR);
    assert_int_equal(check_table[CK_IDLE_HOST].sev, SEV_WARNING);
    assert_int_equal(check_table[CK_HOST_OUTSIDE_NETWORKS].sev, SEV_WARNING);
    assert_int_equal(check_table[CK_OVERLAPPING_NETWORKS].sev, SEV_WARNING);
    assert_int_equal(check_table[CK_UNBOUND_ZONE].sev, SEV_NOTE);
    assert_string_equal(severity_name(SEV_INFO), "info");
    assert_string_equal(severity_name(SEV_NOTE), "note");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bind_conflict_between_systems_on_one_host),
        cmocka_unit_test(bind_conflict_none_on_separate_hosts),
        cmocka_unit_test(bind_conflict_none_across_protocols),
        cmocka_unit_test(bind_conflict_none_for_one_role_naming_a_port_twice),
        cmocka_unit_test(bind_conflict_two_roles_of_one_instance),
        cmocka_unit_test(bind_conflict_two_roles_of_one_service),
        cmocka_unit_test(may_collide_when_one_side_is_dynamic),
        cmocka_unit_test(shared_ports_co_bind),
        cmocka_unit_test(stride_ranges_meet_only_on_their_parity),
        cmocka_unit_test(ephemeral_ports_never_bind),
        cmocka_unit_test(bind_conflict_through_another_systems_role),
        cmocka_unit_test(bind_findings_on_every_host_of_one_runs_list),
        cmocka_unit_test(bind_conflict_two_instances_of_one_system),
        cmocka_unit_test(bind_conflict_fixed_source_range_vs_listener),
        cmocka_unit_test(bind_conflict_source_range_binds_only_the_sender),
        cmocka_unit_test(cross_protocol_tcp_and_udp_on_one_host),
        cmocka_unit_test(cross_protocol_none_within_one_role),
        cmocka_unit_test(ephemeral_range_windows),
        cmocka_unit_test(ephemeral_range_linux_and_overrides),
        cmocka_unit_test(ephemeral_range_ignores_fixed_source_ports),
        cmocka_unit_test(multicast_collision_same_group_and_port),
        cmocka_unit_test(multicast_collision_none_on_other_groups_or_one_system),
        cmocka_unit_test(multicast_collision_two_instances_in_a_site),
        cmocka_unit_test(multicast_collision_sweep_matches_brute_force),
        cmocka_unit_test(multicast_scope_link_local_across_zones),
        cmocka_unit_test(multicast_scope_tcp_to_a_group),
        cmocka_unit_test(multicast_scope_reserved_group),
        cmocka_unit_test(multicast_scope_group_as_source),
        cmocka_unit_test(redeclaration_in_two_services_of_one_system),
        cmocka_unit_test(redeclaration_none_across_systems),
        cmocka_unit_test(redeclaration_sharing_an_end),
        cmocka_unit_test(redundant_duplicate_flow),
        cmocka_unit_test(redundant_covered_by_a_union),
        cmocka_unit_test(redundant_larger_flow_covered_by_smaller_ones),
        cmocka_unit_test(redundant_none_for_partial_overlap),
        cmocka_unit_test(redundant_none_for_a_two_way_flow),
        cmocka_unit_test(redundant_chain_reports_a_removable_set),
        cmocka_unit_test(instance_defaults_on_one_network),
        cmocka_unit_test(instance_defaults_on_one_host_or_apart),
        cmocka_unit_test(duplicate_address_in_one_site),
        cmocka_unit_test(duplicate_address_none_across_sites),
        cmocka_unit_test(idle_host_runs_no_role),
        cmocka_unit_test(host_outside_networks_names_the_nearest),
        cmocka_unit_test(host_outside_networks_none_inside_or_without_networks),
        cmocka_unit_test(overlapping_networks_nested_subnets),
        cmocka_unit_test(overlapping_networks_none_for_one_subnet_or_any),
        cmocka_unit_test(unbound_zone_in_a_site_with_networks),
        cmocka_unit_test(unbound_zone_per_instance),
        cmocka_unit_test(unbound_zone_none_when_bound_optional_local_or_no_networks),
        cmocka_unit_test(unused_waiver_is_a_warning),
        cmocka_unit_test(unused_waiver_when_the_check_differs),
        cmocka_unit_test(waiver_turns_a_finding_into_a_note),
        cmocka_unit_test(waiver_in_a_site_with_one_service),
        cmocka_unit_test(waiver_on_host_matches_only_that_host),
        cmocka_unit_test(waiver_services_match_only_those_services),
        cmocka_unit_test(waiver_in_a_site_matches_only_that_site),
        cmocka_unit_test(waiver_in_one_site_does_not_hide_another_site),
        cmocka_unit_test(waiver_names_one_instance),
        cmocka_unit_test(waiver_of_another_check_does_not_match),
        cmocka_unit_test(waiver_for_a_front_end_check_is_an_error),
        cmocka_unit_test(werror_raises_warnings),
        cmocka_unit_test(disabled_checks_are_dropped),
        cmocka_unit_test(disabling_a_front_end_check_keeps_its_errors),
        cmocka_unit_test(disabled_check_does_not_make_its_waivers_unused),
        cmocka_unit_test(no_waivers_keeps_full_severity),
        cmocka_unit_test(every_check_has_an_id_and_summary),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
