/* test_resolve.c: name resolution through unit_run(): endpoint and scope
 * targets, names across systems, "did you mean", duplicates with their
 * notes, instances and hosts of sites, parameter settings. */
#include "unit.h"

static const system_decl *system_named(const pipeline *p, const char *name)
{
    for (const system_decl *s = p->prog.systems; s; s = s->next)
        if (strcmp(s->name, name) == 0) return s;
    fail_msg("no system %s", name);
    return NULL;
}

static const decl *decl_named(const system_decl *s, const char *name)
{
    for (const decl *d = s->decls; d; d = d->next)
        if (strcmp(d->name, name) == 0) return d;
    fail_msg("no decl %s", name);
    return NULL;
}

static const flow_decl *flow_of(const system_decl *s, const char *service)
{
    const decl *d = decl_named(s, service);
    assert_int_equal(d->kind, D_SERVICE);
    assert_non_null(d->flows);
    return d->flows;
}

static void endpoints_resolve_to_roles_and_zones(void **state)
{
    (void)state;
    pipeline p;
    unit_run(&p, "system s { role a; zone z; zone w;\n"
                 "  service x { tcp 80 a, z -> z in z, w optional; } }");
    assert_int_equal(p.diags.count, 0);
    const system_decl *s = p.prog.systems;
    const flow_decl *f = flow_of(s, "x");
    assert_non_null(f->src->target);
    assert_int_equal(f->src->target->kind, D_ROLE);
    assert_ptr_equal(f->src->target, decl_named(s, "a"));
    assert_int_equal(f->src->next->target->kind, D_ZONE);
    assert_ptr_equal(f->dst->target, decl_named(s, "z"));
    assert_ptr_equal(f->scopes->target, decl_named(s, "z"));
    assert_ptr_equal(f->scopes->next->target, decl_named(s, "w"));
    assert_ptr_equal(f->service, decl_named(s, "x"));
    unit_free(&p);
}

static void qualified_names_across_systems(void **state)
{
    (void)state;
    pipeline p;
    /* b refers to a before a is declared */
    unit_run(&p, "system b { role q; service x { tcp 1 q -> a.r in a.lan; } }\n"
                 "system a { role r; zone lan; }\n");
    assert_int_equal(p.diags.count, 0);
    const system_decl *a = system_named(&p, "a"), *b = system_named(&p, "b");
    const flow_decl *f = flow_of(b, "x");
    assert_ptr_equal(f->src->target, decl_named(b, "q"));
    assert_ptr_equal(f->dst->target, decl_named(a, "r"));
    assert_ptr_equal(f->dst->target->system, a);
    assert_ptr_equal(f->scopes->target, decl_named(a, "lan"));
    unit_free(&p);
}

static void same_name_in_two_systems_is_fine(void **state)
{
    (void)state;
    pipeline p;
    unit_run(&p, "system a { role server; service x { tcp 1 server -> b.server; } }\n"
                 "system b { role server; service x { tcp 2 server -> a.server; } }\n");
    assert_int_equal(p.diags.count, 0);
    const system_decl *a = system_named(&p, "a"), *b = system_named(&p, "b");
    assert_ptr_equal(flow_of(a, "x")->src->target, decl_named(a, "server"));
    assert_ptr_equal(flow_of(a, "x")->dst->target, decl_named(b, "server"));
    assert_ptr_equal(flow_of(b, "x")->dst->target, decl_named(a, "server"));
    unit_free(&p);
}

static void unknown_role_suggests_close_name(void **state)
{
    (void)state;
    pipeline p;
    unit_run(&p, "system s { role tablet; role media_server;\n"
                 "  service x { tcp 80 tablett -> media_sever; } }");
    const diag *d = diag_at(&p, CK_UNKNOWN_NAME, 2, 22);
    assert_string_equal(d->message,
                        "unknown role or zone 'tablett' in system 's'; did you mean 'tablet'?");
    d = diag_at(&p, CK_UNKNOWN_NAME, 2, 33);
    assert_non_null(strstr(d->message, "did you mean 'media_server'?"));
    assert_int_equal(count_check(&p, CK_UNKNOWN_NAME), 2);
    assert_null(flow_of(p.prog.systems, "x")->src->target);
    assert_int_equal(p.m.nrows, 0);
    unit_free(&p);
}

static void unknown_name_far_from_everything(void **state)
{
    (void)state;
    pipeline p;
    unit_run(&p, "system s { role tablet; service x { tcp 80 projector -> tablet; } }");
    assert_int_equal(p.diags.count, 1);
    assert_int_equal(p.diags.items[0]->check, CK_UNKNOWN_NAME);
    assert_string_equal(p.diags.items[0]->message,
                        "unknown role or zone 'projector' in system 's'");
    unit_free(&p);
}

static void unknown_system_qualifier(void **state)
{
    (void)state;
    pipeline p;
    unit_run(&p, "system igloo { role tablet; }\n"
                 "system s { role a; service x { tcp 80 a -> iglo.tablet; } }");
    const diag *d = diag_at(&p, CK_UNKNOWN_NAME, 2, 44);
    assert_string_equal(d->message, "unknown system 'iglo'; did you mean 'igloo'?");
    unit_free(&p);
}

static void unknown_role_in_other_system(void **state)
{
    (void)state;
    pipeline p;
    unit_run(&p, "system igloo { role tablet; }\n"
                 "system s { role a; service x { tcp 80 a -> igloo.tablte; } }");
    const diag *d = diag_at(&p, CK_UNKNOWN_NAME, 2, 44);
    assert_string_equal(d->message,
                        "unknown role or zone 'tablte' in system 'igloo'; did you mean 'tablet'?");
    unit_free(&p);
}

static void scope_suggests_only_zones(void **state)
{
    (void)state;
    pipeline p;
    unit_run(&p, "system s { role igloo_nex; zone igloo_net; zone outside;\n"
                 "  service x { tcp 80 igloo_nex -> igloo_nex in igloo_nett, outsid; } }");
    const diag *d = diag_at(&p, CK_UNKNOWN_NAME, 2, 48);
    assert_string_equal(d->message,
                        "unknown zone 'igloo_nett' in system 's'; did you mean 'igloo_net'?");
    d = diag_at(&p, CK_UNKNOWN_NAME, 2, 60);
    assert_non_null(strstr(d->message, "did you mean 'outside'?"));
    unit_free(&p);
}

static void scope_naming_a_role_is_a_type_error(void **state)
{
    (void)state;
    pipeline p;
    unit_run(&p, "system s { role a;\n service x { tcp 80 a -> a in a; } }");
    const diag *d = diag_at(&p, CK_TYPE, 2, 31);
    assert_string_equal(d->message, "'a' is a role, not a zone");
    assert_non_null(d->notes);
    assert_int_equal(loc_line(d->notes->where), 1);
    assert_int_equal(loc_col(d->notes->where), 17);
    unit_free(&p);
}

static void endpoint_naming_a_service_is_a_type_error(void **state)
{
    (void)state;
    pipeline p;
    unit_run(&p, "system s { role a; service x { tcp 80 a -> x; } }");
    const diag *d = diag_at(&p, CK_TYPE, 1, 44);
    assert_string_equal(d->message, "'x' is a service, not a role or zone");
    unit_free(&p);
}

static void unknown_parameter_suggests(void **state)
{
    (void)state;
    pipeline p;
    unit_run(&p, "system s { role a; param osc_port = 9000;\n"
                 " service x { udp $osc_prot a -> a; } }");
    const diag *d = diag_at(&p, CK_UNKNOWN_NAME, 2, 18);
    assert_string_equal(d->message, "unknown parameter '$osc_prot'; did you mean '$osc_port'?");
    unit_free(&p);
}

static void parameter_naming_a_role(void **state)
{
    (void)state;
    pipeline p;
    unit_run(&p, "system s { role a; service x { udp $a a -> a; } }");
    const diag *d = diag_at(&p, CK_TYPE, 1, 36);
    assert_string_equal(d->message, "'$a' names a role of system 's', not a parameter");
    unit_free(&p);
}

static void params_resolve_to_their_decl(void **state)
{
    (void)state;
    pipeline p;
    unit_run(&p, "system s { role a; param start = 10; pool ports = $start count 3;\n"
                 " service x { udp $ports, $start .. $start + 1 a -> a; } }");
    assert_int_equal(p.diags.count, 0);
    const system_decl *s = p.prog.systems;
    const port_item *pi = flow_of(s, "x")->ports;
    assert_ptr_equal(pi->lo->target, decl_named(s, "ports"));
    assert_ptr_equal(pi->next->lo->target, decl_named(s, "start"));
    assert_ptr_equal(pi->next->hi->l->target, decl_named(s, "start"));
    assert_ptr_equal(decl_named(s, "ports")->value->target, decl_named(s, "start"));
    assert_int_equal(decl_named(s, "start")->index, 0);
    assert_int_equal(decl_named(s, "ports")->index, 1);
    assert_int_equal(s->nparams, 2);
    unit_free(&p);
}

static void duplicate_in_system_has_a_note(void **state)
{
    (void)state;
    pipeline p;
    unit_run(&p, "system s {\n  role a;\n  zone a;\n}");
    assert_int_equal(p.diags.count, 1);
    const diag *d = diag_at(&p, CK_DUPLICATE_NAME, 3, 8);
    /* a name taken by another kind: one namespace per system, said so */
    assert_string_equal(d->message, "duplicate name 'a': it is already a role of system 's' "
                                    "(zones, roles, parameters, pools and services share one "
                                    "namespace); rename the zone");
    assert_non_null(d->notes);
    assert_string_equal(d->notes->message, "'a' was first declared here");
    assert_int_equal(loc_line(d->notes->where), 2);
    assert_int_equal(loc_col(d->notes->where), 8);
    assert_null(d->notes->next);
    unit_free(&p);
}

static void duplicate_systems_sites_and_hosts(void **state)
{
    (void)state;
    pipeline p;
    unit_run(&p, "system s { }\nsystem s { }\n"
                 "site x { host h 10.0.0.1 { } host h 10.0.0.2 { } }\nsite x { }\n");
    const diag *d = diag_at(&p, CK_DUPLICATE_NAME, 2, 8);
    assert_string_equal(d->message, "duplicate system 's'");
    assert_int_equal(loc_line(d->notes->where), 1);
    d = diag_at(&p, CK_DUPLICATE_NAME, 3, 35);
    assert_string_equal(d->message, "duplicate host 'h'");
    assert_int_equal(loc_col(d->notes->where), 15);
    d = diag_at(&p, CK_DUPLICATE_NAME, 4, 6);
    assert_string_equal(d->message, "duplicate site 'x'");
    assert_int_equal(count_check(&p, CK_DUPLICATE_NAME), 3);
    /* only the first system 's' gets a default instance */
    assert_int_equal(p.m.ninstances, 1);
    assert_ptr_equal(p.m.instances[0]->sys, p.prog.systems);
    unit_free(&p);
}

static void dashed_names_are_rejected(void **state)
{
    (void)state;
    pipeline p;
    unit_run(&p, "system my-sys { role a-b; }");
    const diag *d = diag_at(&p, CK_SYNTAX, 1, 8);
    assert_non_null(strstr(d->message, "'my-sys' is not a valid name"));
    diag_at(&p, CK_SYNTAX, 1, 22);
    unit_free(&p);
}

static const char *const SITE =
    "system igloo { role media_server { os windows; } role tablet; zone net; }\n"
    "system omnicast { param encoders = 4; param gateway_command_port = 5100;\n"
    "  role gateway; role archiver { os linux; } }\n"
    "site room {\n"
    "  network igloo.net 10.0.10.0/24;\n"
    "  set omnicast.encoders = 16;\n"
    "  instance omnicast_b of omnicast { set gateway_command_port = 5101; }\n"
    "  host media1 10.0.10.11 { runs igloo.media_server, omnicast.archiver; }\n"
    "  host omni2 10.0.10.22 { os linux; runs omnicast_b.gateway; }\n"
    "}\n";

static void sites_create_instances(void **state)
{
    (void)state;
    pipeline p;
    unit_run(&p, SITE);
    assert_int_equal(p.diags.count, 0);
    const system_decl *igloo = system_named(&p, "igloo"), *omni = system_named(&p, "omnicast");
    /* a default per system, the declared instance, then site defaults on first use */
    assert_int_equal(p.m.ninstances, 5);
    instance **in = p.m.instances;
    assert_string_equal(in[0]->name, "igloo");
    assert_null(in[0]->site);
    assert_ptr_equal(in[0]->sys, igloo);
    assert_string_equal(in[1]->name, "omnicast");
    assert_null(in[1]->site);
    assert_string_equal(in[2]->name, "omnicast_b");
    assert_ptr_equal(in[2]->site, p.prog.sites);
    assert_ptr_equal(in[2]->sys, omni);
    assert_non_null(in[2]->decl);
    assert_ptr_equal(in[2]->decl->inst, in[2]);
    assert_string_equal(in[3]->name, "igloo");
    assert_ptr_equal(in[3]->site, p.prog.sites);
    assert_null(in[3]->decl);
    assert_string_equal(in[4]->name, "omnicast");
    assert_ptr_equal(in[4]->site, p.prog.sites);
    for (size_t i = 0; i < p.m.ninstances; i++) assert_int_equal(in[i]->index, (int)i);
    /* the settings went to the right instances */
    int enc = decl_named(omni, "encoders")->index;
    int gw = decl_named(omni, "gateway_command_port")->index;
    assert_non_null(in[4]->sets[enc]);
    assert_null(in[4]->sets[gw]);
    assert_non_null(in[2]->sets[gw]);
    assert_null(in[2]->sets[enc]);
    assert_null(in[1]->sets[enc]);
    unit_free(&p);
}

static void site_networks(void **state)
{
    (void)state;
    pipeline p;
    unit_run(&p, SITE);
    assert_int_equal(p.m.nnetworks, 1);
    const network *n = &p.m.networks[0];
    assert_ptr_equal(n->inst, p.m.instances[3]);
    assert_ptr_equal(n->zone, decl_named(system_named(&p, "igloo"), "net"));
    assert_int_equal(addr_v4_value(n->addr), 0x0a000a00);
    assert_int_equal(n->prefix, 24);
    unit_free(&p);
}

static void hosts_run_roles_of_instances(void **state)
{
    (void)state;
    pipeline p;
    unit_run(&p, SITE);
    assert_int_equal(p.m.nhosts, 2);
    const host *h = p.m.hosts[0];
    assert_string_equal(h->decl->name, "media1");
    assert_ptr_equal(h->decl->host, h);
    assert_int_equal(h->naddrs, 1);
    assert_int_equal(addr_v4_value(h->addrs[0]), 0x0a000a0b);
    assert_int_equal(h->nruns, 2);
    assert_ptr_equal(h->runs[0].inst, p.m.instances[3]);
    assert_string_equal(h->runs[0].role->name, "media_server");
    assert_ptr_equal(h->runs[1].inst, p.m.instances[4]);
    assert_string_equal(h->runs[1].role->name, "archiver");
    /* no os of its own: the first role with an os gives it */
    assert_int_equal(h->os, OS_WINDOWS);
    h = p.m.hosts[1];
    assert_int_equal(h->nruns, 1);
    assert_ptr_equal(h->runs[0].inst, p.m.instances[2]);
    assert_string_equal(h->runs[0].role->name, "gateway");
    assert_int_equal(h->os, OS_LINUX);
    unit_free(&p);
}

static void host_os_overrides_role_os(void **state)
{
    (void)state;
    pipeline p;
    unit_run(&p, "system s { role w { os windows; } }\n"
                 "site x { host h 10.0.0.1 { os linux; runs s.w; } }");
    assert_int_equal(p.diags.count, 0);
    assert_int_equal(p.m.hosts[0]->os, OS_LINUX);
    unit_free(&p);
}

static void unknown_role_in_runs(void **state)
{
    (void)state;
    pipeline p;
    unit_run(&p, "system igloo { role media_server; }\n"
                 "site x { host h 10.0.0.1 { runs igloo.media_srever, media_server, nope.a; } }");
    const diag *d = diag_at(&p, CK_UNKNOWN_NAME, 2, 33);
    assert_string_equal(d->message,
                        "unknown role 'media_srever' in system 'igloo'; did you mean 'media_server'?");
    d = diag_at(&p, CK_UNKNOWN_NAME, 2, 53);
    assert_non_null(strstr(d->message, "needs its system or instance"));
    d = diag_at(&p, CK_UNKNOWN_NAME, 2, 67);
    assert_string_equal(d->message, "unknown system or instance 'nope'");
    assert_int_equal(p.m.hosts[0]->nruns, 0);
    unit_free(&p);
}

static void same_role_twice_on_a_host(void **state)
{
    (void)state;
    pipeline p;
    unit_run(&p, "system s { role a; }\n"
                 "site x { host h 10.0.0.1 { runs s.a; runs s.a; } }");
    const diag *d = diag_at(&p, CK_DUPLICATE_NAME, 2, 43);
    assert_non_null(strstr(d->message, "duplicate role on this host 'a'"));
    assert_int_equal(loc_col(d->notes->where), 33);
    assert_int_equal(p.m.hosts[0]->nruns, 1);
    unit_free(&p);
}

static void ephemeral_range_from_os(void **state)
{
    (void)state;
    pipeline p;
    unit_run(&p, "system s { role w { os windows; } role l { os linux; } role n; }\n"
                 "site x { host a 10.0.0.1 { runs s.w; } host b 10.0.0.2 { runs s.l; }\n"
                 "  host c 10.0.0.3 { runs s.w; ephemeral 1024-5000; } }");
    assert_int_equal(p.diags.count, 0);
    assert_int_equal(p.m.hosts[0]->eph_lo, 49152);
    assert_int_equal(p.m.hosts[0]->eph_hi, 65535);
    assert_int_equal(p.m.hosts[1]->eph_lo, 32768);
    assert_int_equal(p.m.hosts[1]->eph_hi, 60999);
    assert_int_equal(p.m.hosts[2]->eph_lo, 1024);
    assert_int_equal(p.m.hosts[2]->eph_hi, 5000);
    unit_free(&p);
}

static void missing_parameter(void **state)
{
    (void)state;
    pipeline p;
    unit_run(&p, "system s { param p \"needed\"; role a; service x { tcp $p a -> a; } }\n"
                 "site lab { host h 10.0.0.1 { runs s.a; } }");
    /* The error, and the note that the flow waiting for it is not checked
     * (issue 8 item 6: it no longer vanishes without a word). */
    assert_int_equal(p.diags.count, 2);
    assert_int_equal(count_check(&p, CK_UNCHECKED_FLOW), 1);
    const diag *d = diag_at(&p, CK_MISSING_PARAMETER, 2, 6);
    assert_string_equal(d->message,
                        "site 'lab' deploys system 's' but does not set 'p', which has no default");
    assert_non_null(d->notes);
    assert_int_equal(loc_line(d->notes->where), 1);
    assert_int_equal(loc_col(d->notes->where), 18);
    assert_non_null(strstr(d->notes->message, "add 'set s.p = ...;'"));
    /* no rows for the unset port, and no second error from elaboration */
    assert_int_equal(p.m.nrows, 0);
    unit_free(&p);
}

static void missing_parameter_of_named_instance(void **state)
{
    (void)state;
    pipeline p;
    unit_run(&p, "system s { param p; param q = 1; }\n"
                 "site lab { instance b of s; instance c of s { set p = 4; } }");
    assert_int_equal(count_check(&p, CK_MISSING_PARAMETER), 1);
    const diag *d = diag_at(&p, CK_MISSING_PARAMETER, 2, 21);
    assert_non_null(strstr(d->message, "deploys instance 'b'"));
    assert_non_null(strstr(d->notes->message, "add 'set p = ...;'"));
    unit_free(&p);
}

static void system_alone_needs_no_settings(void **state)
{
    (void)state;
    pipeline p;
    unit_run(&p, "system s { param p; role a; service x { tcp $p a -> a; } }\n"
                 "site lab { }");
    /* No error; one note says the flow waits for 'p' (issue 8 item 6). */
    assert_int_equal(p.diags.count, 1);
    const diag *d = diag_at(&p, CK_UNCHECKED_FLOW, 1, 41);
    assert_int_equal(d->sev, SEV_NOTE);
    assert_non_null(strstr(d->message, "parameter 'p' has no value"));
    assert_int_equal(p.m.nrows, 0);
    unit_free(&p);
}

static void set_twice_is_an_error(void **state)
{
    (void)state;
    pipeline p;
    unit_run(&p, "system s { param p = 1; }\n"
                 "site lab {\n  set s.p = 2;\n  set s.p = 3;\n"
                 "  instance b of s { set p = 4; set p = 5; }\n}");
    assert_int_equal(count_check(&p, CK_DUPLICATE_NAME), 2);
    const diag *d = diag_at(&p, CK_DUPLICATE_NAME, 4, 3);
    assert_non_null(strstr(d->message, "'p'"));
    assert_non_null(d->notes);
    assert_int_equal(loc_line(d->notes->where), 3);
    assert_int_equal(loc_col(d->notes->where), 3);
    d = diag_at(&p, CK_DUPLICATE_NAME, 5, 32);
    assert_int_equal(loc_col(d->notes->where), 21);
    unit_free(&p);
}

static void bad_settings(void **state)
{
    (void)state;
    pipeline p;
    unit_run(&p, "system s { param port = 1; pool v = 1 count 2; role a; }\n"
                 "site lab {\n"
                 "  set s.prot = 2;\n"       /* unknown, with suggestion */
                 "  set s.v = 2;\n"          /* a pool */
                 "  set s.a = 2;\n"          /* a role */
                 "  set port = 2;\n"         /* no system */
                 "  instance b of s { set s.port = 3; }\n"
                 "}");
    const diag *d = diag_at(&p, CK_UNKNOWN_NAME, 3, 7);
    assert_string_equal(d->message, "unknown parameter 'prot'; did you mean 'port'?");
    d = diag_at(&p, CK_TYPE, 4, 7);
    assert_non_null(strstr(d->message, "'v' is a pool"));
    d = diag_at(&p, CK_TYPE, 5, 7);
    assert_string_equal(d->message, "'a' is a role of system 's', not a parameter");
    d = diag_at(&p, CK_UNKNOWN_NAME, 6, 7);
    assert_non_null(strstr(d->message, "write 'set SYSTEM.port = ...'"));
    d = diag_at(&p, CK_SYNTAX, 7, 25);
    assert_non_null(strstr(d->message, "without a prefix"));
    unit_free(&p);
}

static void bad_instances(void **state)
{
    (void)state;
    pipeline p;
    unit_run(&p, "system igloo { }\nsystem dante { }\n"
                 "site x { instance dante of igloo; instance i of iglo; }");
    const diag *d = diag_at(&p, CK_DUPLICATE_NAME, 3, 19);
    assert_non_null(strstr(d->message, "has the name of a system"));
    d = diag_at(&p, CK_UNKNOWN_NAME, 3, 49);
    assert_string_equal(d->message, "unknown system 'iglo'; did you mean 'igloo'?");
    assert_int_equal(p.m.ninstances, 2);   /* the two system defaults only */
    unit_free(&p);
}

static void network_needs_a_zone(void **state)
{
    (void)state;
    pipeline p;
    unit_run(&p, "system s { zone lan; role r; }\n"
                 "site x { network s.lam 10.0.0.0/8; network s.r 10.0.0.0/8; network lan 10.0.0.0/8; }");
    const diag *d = diag_at(&p, CK_UNKNOWN_NAME, 2, 18);
    assert_non_null(strstr(d->message, "did you mean 'lan'?"));
    diag_at(&p, CK_TYPE, 2, 44);
    diag_at(&p, CK_UNKNOWN_NAME, 2, 68);
    assert_int_equal(p.m.nnetworks, 0);
    unit_free(&p);
}

static void waiver_names(void **state)
{
    (void)state;
    pipeline p;
    unit_run(&p, "system s { service audio { } }\n"
                 "allow bind-conflit s.audio because \"r\";\n"
                 "allow bind-conflict s.audoi, qqq.x, audio because \"r\";\n"
                 "allow bind-conflict on h because \"r\";\n"
                 "site lab { host h1 10.0.0.1 { } allow bind-conflict on h2 because \"r\"; }\n");
    const diag *d = diag_at(&p, CK_UNKNOWN_NAME, 2, 7);
    assert_string_equal(d->message, "unknown check 'bind-conflit'; did you mean 'bind-conflict'?");
    d = diag_at(&p, CK_UNKNOWN_NAME, 3, 21);
    assert_string_equal(d->message, "unknown service 'audoi'; did you mean 'audio'?");
    d = diag_at(&p, CK_UNKNOWN_NAME, 3, 30);
    assert_string_equal(d->message, "unknown system 'qqq'");
    d = diag_at(&p, CK_UNKNOWN_NAME, 3, 37);
    assert_non_null(strstr(d->message, "needs its system"));
    d = diag_at(&p, CK_UNKNOWN_NAME, 4, 24);
    assert_non_null(strstr(d->message, "needs a site"));
    d = diag_at(&p, CK_UNKNOWN_NAME, 5, 56);
    assert_string_equal(d->message, "unknown host 'h2'; did you mean 'h1'?");
    unit_free(&p);
}

static void valid_waiver_resolves_cleanly(void **state)
{
    (void)state;
    pipeline p;
    unit_run(&p, "system s { role a; service audio { udp 1 a -> a; } }\n"
                 "site lab { host h1 10.0.0.1 { runs s.a; }"
                 " allow ephemeral-range s.audio on h1 because \"r\"; }\n");
    for (size_t i = 0; i < p.diags.count; i++)
        assert_int_not_equal(p.diags.items[i]->check, CK_UNKNOWN_NAME);
    unit_free(&p);
}

static void parameter_suggestion_is_a_parameter_when_one_is_close(void **state)
{
    (void)state;
    pipeline p;
    unit_run(&p, "system s { role a; param osc_port = 9000; service x { udp $osc_prt a -> a; } }");
    const diag *d = diag_at(&p, CK_UNKNOWN_NAME, 1, 59);
    assert_non_null(strstr(d->message, "did you mean '$osc_port'?"));
    unit_free(&p);
}

/* A parameter, set or waiver service name is never suggested a role. */
static void parameter_suggestion_is_never_a_role(void **state)
{
    (void)state;
    pipeline p;
    unit_run(&p, "system s { role tablet; service x { tcp $tablett tablet -> tablet; } }\n"
                 "site k { set s.tablett = 2; }\n"
                 "allow bind-conflict s.tablett because \"r\";");
    const diag *d = diag_at(&p, CK_UNKNOWN_NAME, 1, 41);
    assert_null(strstr(d->message, "did you mean"));
    d = diag_at(&p, CK_UNKNOWN_NAME, 2, 14);
    assert_null(strstr(d->message, "did you mean"));
    d = diag_at(&p, CK_UNKNOWN_NAME, 3, 21);
    assert_non_null(strstr(d->message, "unknown service 'tablett'"));
    assert_null(strstr(d->message, "did you mean"));
    unit_free(&p);
}

/* `instance i of s.a;` says the qualified name is not a system name. */
static void instance_of_qualified_name(void **state)
{
    (void)state;
    pipeline p;
    unit_run(&p, "system s { role a; }\nsite k { instance i of s.a; }");
    const diag *d = diag_at(&p, CK_SYNTAX, 2, 24);
    assert_null(strstr(d->message, "did you mean"));
    assert_non_null(strstr(d->message, "'s.a' is not a system name"));
    assert_int_equal(p.diags.count, 1);
    unit_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(endpoints_resolve_to_roles_and_zones),
        cmocka_unit_test(qualified_names_across_systems),
        cmocka_unit_test(same_name_in_two_systems_is_fine),
        cmocka_unit_test(unknown_role_suggests_close_name),
        cmocka_unit_test(unknown_name_far_from_everything),
        cmocka_unit_test(unknown_system_qualifier),
        cmocka_unit_test(unknown_role_in_other_system),
        cmocka_unit_test(scope_suggests_only_zones),
        cmocka_unit_test(scope_naming_a_role_is_a_type_error),
        cmocka_unit_test(endpoint_naming_a_service_is_a_type_error),
        cmocka_unit_test(unknown_parameter_suggests),
        cmocka_unit_test(parameter_naming_a_role),
        cmocka_unit_test(params_resolve_to_their_decl),
        cmocka_unit_test(duplicate_in_system_has_a_note),
        cmocka_unit_test(duplicate_systems_sites_and_hosts),
        cmocka_unit_test(dashed_names_are_rejected),
        cmocka_unit_test(sites_create_instances),
        cmocka_unit_test(site_networks),
        cmocka_unit_test(hosts_run_roles_of_instances),
        cmocka_unit_test(host_os_overrides_role_os),
        cmocka_unit_test(unknown_role_in_runs),
        cmocka_unit_test(same_role_twice_on_a_host),
        cmocka_unit_test(ephemeral_range_from_os),
        cmocka_unit_test(missing_parameter),
        cmocka_unit_test(missing_parameter_of_named_instance),
        cmocka_unit_test(system_alone_needs_no_settings),
        cmocka_unit_test(set_twice_is_an_error),
        cmocka_unit_test(bad_settings),
        cmocka_unit_test(bad_instances),
        cmocka_unit_test(network_needs_a_zone),
        cmocka_unit_test(waiver_names),
        cmocka_unit_test(valid_waiver_resolves_cleanly),
        cmocka_unit_test(parameter_suggestion_is_a_parameter_when_one_is_close),
        cmocka_unit_test(parameter_suggestion_is_never_a_role),
        cmocka_unit_test(instance_of_qualified_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
