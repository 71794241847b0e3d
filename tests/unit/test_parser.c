/* test_parser.c: the AST the grammar builds for every declaration form,
 * and syntax-error recovery: one error per bad statement, the per-file
 * cap, stray and unclosed braces. */
#include "unit.h"

static const decl *nth_decl(const decl *d, int n)
{
    while (d && n--) d = d->next;
    assert_non_null(d);
    return d;
}

/* The first flow of the first service of the first system. */
static const flow_decl *first_flow(const pipeline *p)
{
    assert_non_null(p->prog.systems);
    for (const decl *d = p->prog.systems->decls; d; d = d->next)
        if (d->kind == D_SERVICE) {
            assert_non_null(d->flows);
            return d->flows;
        }
    fail_msg("no service");
    return NULL;
}

static void system_with_every_declaration(void **state)
{
    (void)state;
    pipeline p;
    unit_parse(&p,
               "system igloo \"Igloo immersive space\" {\n"
               "    zone igloo_net \"Igloo Network\";\n"
               "    role media_server \"IMP\" { os windows; }\n"
               "    role tablet;\n"
               "    param osc_port = 9000 \"first OSC port\";\n"
               "    pool groups = 239.1.0.1 count 4;\n"
               "    service osc \"OSC\" { udp 9000 media_server -> tablet; }\n"
               "}\n");
    assert_int_equal(p.diags.count, 0);
    const system_decl *s = p.prog.systems;
    assert_non_null(s);
    assert_null(s->next);
    assert_string_equal(s->name, "igloo");
    assert_string_equal(s->desc, "Igloo immersive space");
    assert_int_equal(loc_line(s->name_loc), 1);
    assert_int_equal(loc_col(s->name_loc), 8);
    assert_int_equal(loc_end_col(s->name_loc), 12);
    assert_int_equal(loc_line(s->where), 1);
    assert_int_equal(loc_end_line(s->where), 8);
    static const decl_kind kinds[] = {D_ZONE, D_ROLE, D_ROLE, D_PARAM, D_POOL, D_SERVICE};
    static const char *const names[] = {"igloo_net", "media_server", "tablet", "osc_port",
                                        "groups", "osc"};
    const decl *d = s->decls;
    for (int i = 0; i < 6; i++, d = d->next) {
        assert_non_null(d);
        assert_int_equal(d->kind, kinds[i]);
        assert_string_equal(d->name, names[i]);
        assert_ptr_equal(d->system, s);
        assert_int_equal(loc_line(d->name_loc), i + 2);
    }
    assert_null(d);
    assert_string_equal(nth_decl(s->decls, 0)->desc, "Igloo Network");
    assert_int_equal(nth_decl(s->decls, 1)->os, OS_WINDOWS);
    assert_int_equal(nth_decl(s->decls, 2)->os, OS_NONE);
    assert_null(nth_decl(s->decls, 2)->desc);
    assert_string_equal(nth_decl(s->decls, 3)->desc, "first OSC port");
    unit_free(&p);
}

static void role_os_linux_and_unknown(void **state)
{
    (void)state;
    pipeline p;
    unit_parse(&p, "system s { role a { os linux; } role b { os beos; } }");
    assert_int_equal(nth_decl(p.prog.systems->decls, 0)->os, OS_LINUX);
    assert_int_equal(nth_decl(p.prog.systems->decls, 1)->os, OS_NONE);
    int i = unit_find(&p, CK_UNKNOWN_NAME);
    assert_true(i >= 0);
    assert_int_equal(loc_col(p.diags.items[i]->where), 45);
    assert_non_null(strstr(p.diags.items[i]->message, "unknown os 'beos'"));
    unit_free(&p);
}

static void param_forms(void **state)
{
    (void)state;
    pipeline p;
    unit_parse(&p, "system s {\n"
                   " param a;\n"
                   " param b: port = 80 \"web\";\n"
                   " param c = 10.0.0.1;\n"
                   " param g: group = 239.1.1.1;\n"
                   " param h: group;\n"
                   " param n: int = 2 * (3 + 4);\n"
                   " param x: addr;\n"
                   "}");
    assert_int_equal(p.diags.count, 0);
    const decl *d = p.prog.systems->decls;
    assert_int_equal(d->kind, D_PARAM);
    assert_int_equal(d->type, TY_NONE);
    assert_null(d->value);
    d = d->next;
    assert_int_equal(d->type, TY_PORT);
    assert_int_equal(loc_col(d->type_loc), 11);
    assert_int_equal(d->value->kind, EX_NUM);
    assert_int_equal(d->value->num, 80);
    assert_string_equal(d->desc, "web");
    d = d->next;
    assert_int_equal(d->type, TY_NONE);
    assert_int_equal(d->value->kind, EX_ADDR);
    assert_int_equal(addr_v4_value(d->value->a), 0x0a000001);
    d = d->next;
    assert_int_equal(d->type, TY_GROUP);
    assert_int_equal(addr_v4_value(d->value->a), 0xef010101);
    d = d->next;
    assert_int_equal(d->type, TY_GROUP);
    assert_null(d->value);
    d = d->next;
    assert_int_equal(d->type, TY_INT);
    assert_int_equal(d->value->kind, EX_MUL);
    assert_int_equal(d->value->l->num, 2);
    assert_int_equal(d->value->r->kind, EX_ADD);
    d = d->next;
    assert_int_equal(d->type, TY_ADDR);
    unit_free(&p);
}

static void unknown_param_type(void **state)
{
    (void)state;
    pipeline p;
    unit_parse(&p, "system s { param a: string = 1; }");
    assert_int_equal(p.diags.count, 1);
    assert_int_equal(p.diags.items[0]->check, CK_UNKNOWN_NAME);
    assert_int_equal(loc_col(p.diags.items[0]->where), 21);
    assert_non_null(strstr(p.diags.items[0]->message, "unknown parameter type 'string'"));
    unit_free(&p);
}

static void pool_start_and_count(void **state)
{
    (void)state;
    pipeline p;
    unit_parse(&p, "system s { param m = 239.0.0.1; param e = 4;"
                   " pool v = $m count $e * 2 \"video\"; }");
    assert_int_equal(p.diags.count, 0);
    const decl *d = nth_decl(p.prog.systems->decls, 2);
    assert_int_equal(d->kind, D_POOL);
    assert_string_equal(d->name, "v");
    assert_int_equal(d->value->kind, EX_PARAM);
    assert_string_equal(d->value->param.name, "m");
    assert_int_equal(d->count->kind, EX_MUL);
    assert_int_equal(d->count->l->kind, EX_PARAM);
    assert_int_equal(d->count->r->num, 2);
    assert_string_equal(d->desc, "video");
    unit_free(&p);
}

static void protocols(void **state)
{
    (void)state;
    pipeline p;
    unit_parse(&p, "system s { role a; service x {\n"
                   " tcp 1 a -> a;\n udp 2 a -> a;\n tcp+udp 3 a -> a;\n udp + tcp 4 a -> a;\n"
                   "} }");
    assert_int_equal(p.diags.count, 0);
    const flow_decl *f = first_flow(&p);
    unsigned want[] = {PROTO_TCP, PROTO_UDP, PROTO_TCP | PROTO_UDP, PROTO_TCP | PROTO_UDP};
    for (int i = 0; i < 4; i++, f = f->next) {
        assert_non_null(f);
        assert_int_equal(f->protos, want[i]);
        assert_int_equal(f->ports->lo->num, i + 1);
        assert_int_equal(loc_line(f->where), i + 2);
        assert_int_equal(loc_col(f->where), 2);
    }
    assert_null(f);
    unit_free(&p);
}

static void port_list_items(void **state)
{
    (void)state;
    pipeline p;
    unit_parse(&p, "system s { role a; param start = 5000; param n = 8;\n"
                   "service x { udp 80, 9000-9020, $start .. $start + $n - 1, 7 .. 9 a -> a; } }");
    assert_int_equal(p.diags.count, 0);
    const port_item *pi = first_flow(&p)->ports;
    assert_int_equal(pi->lo->kind, EX_NUM);
    assert_int_equal(pi->lo->num, 80);
    assert_null(pi->hi);
    pi = pi->next;
    assert_int_equal(pi->lo->num, 9000);
    assert_int_equal(pi->hi->num, 9020);
    pi = pi->next;
    assert_int_equal(pi->lo->kind, EX_PARAM);
    assert_string_equal(pi->lo->param.name, "start");
    /* `$start + $n - 1` is left-associative: ($start + $n) - 1 */
    const expr *hi = pi->hi;
    assert_int_equal(hi->kind, EX_SUB);
    assert_int_equal(hi->l->kind, EX_ADD);
    assert_string_equal(hi->l->l->param.name, "start");
    assert_string_equal(hi->l->r->param.name, "n");
    assert_int_equal(hi->r->num, 1);
    assert_false(hi->spaced_minus);
    assert_int_equal(loc_line(pi->where), 2);
    assert_int_equal(loc_col(pi->where), 32);
    assert_int_equal(loc_end_col(pi->where), 56);
    pi = pi->next;
    assert_int_equal(pi->lo->num, 7);
    assert_int_equal(pi->hi->num, 9);
    assert_null(pi->next);
    unit_free(&p);
}

static void expression_precedence(void **state)
{
    (void)state;
    pipeline p;
    unit_parse(&p, "system s { role a; service x { tcp 1 + 2 * 3, (1 + 2) * 3, 10 - 4 - 3 a -> a; } }");
    assert_int_equal(p.diags.count, 0);
    const port_item *pi = first_flow(&p)->ports;
    assert_int_equal(pi->lo->kind, EX_ADD);
    assert_int_equal(pi->lo->r->kind, EX_MUL);
    pi = pi->next;
    assert_int_equal(pi->lo->kind, EX_MUL);
    assert_int_equal(pi->lo->l->kind, EX_ADD);
    pi = pi->next;
    assert_int_equal(pi->lo->kind, EX_SUB);
    assert_int_equal(pi->lo->l->kind, EX_SUB);
    assert_int_equal(pi->lo->r->num, 3);
    assert_false(pi->lo->spaced_minus);      /* (10 - 4) is not a literal */
    assert_true(pi->lo->l->spaced_minus);    /* 10 - 4 is two literals */
    unit_free(&p);
}

static void source_ports_with_from(void **state)
{
    (void)state;
    pipeline p;
    unit_parse(&p, "system s { role a; role b; service x {\n"
                   " udp 5000 from 8000-9000 a -> b;\n"
                   " udp from 8000-9000, 12 a -> b;\n"
                   "} }");
    assert_int_equal(p.diags.count, 0);
    const flow_decl *f = first_flow(&p);
    assert_int_equal(f->ports->lo->num, 5000);
    assert_non_null(f->sports);
    assert_int_equal(f->sports->lo->num, 8000);
    assert_int_equal(f->sports->hi->num, 9000);
    f = f->next;
    assert_null(f->ports);
    assert_int_equal(f->sports->lo->num, 8000);
    assert_int_equal(f->sports->next->lo->num, 12);
    assert_false(f->bidir);
    unit_free(&p);
}

static void endpoint_kinds(void **state)
{
    (void)state;
    pipeline p;
    unit_parse(&p, "system s { role a; param g = 239.0.0.1; service x {\n"
                   " tcp 1 a, other.b, any, 10.0.0.0/8, 10.0.0.1 - 10.0.0.9 ->"
                   " group 224.0.0.251, group $g, group 224.0.1.129 - 224.0.1.132, 239.1.1.1;\n"
                   "} }");
    assert_int_equal(p.diags.count, 0);
    const flow_decl *f = first_flow(&p);
    const endpoint *e = f->src;
    assert_int_equal(e->kind, EP_NAME);
    assert_null(e->name.qual);
    assert_string_equal(e->name.name, "a");
    assert_int_equal(loc_col(e->where), 8);
    e = e->next;
    assert_int_equal(e->kind, EP_NAME);
    assert_string_equal(e->name.qual, "other");
    assert_string_equal(e->name.name, "b");
    assert_int_equal(loc_col(e->name.where), 11);
    assert_int_equal(loc_end_col(e->name.where), 17);
    e = e->next;
    assert_int_equal(e->kind, EP_ANY);
    e = e->next;
    assert_int_equal(e->kind, EP_ADDR);
    assert_int_equal(addr_v4_value(e->lo->a), 0x0a000000);
    assert_int_equal(e->lo->prefix, 8);
    assert_null(e->hi);
    e = e->next;
    assert_int_equal(e->kind, EP_ADDR);
    assert_int_equal(addr_v4_value(e->lo->a), 0x0a000001);
    assert_int_equal(addr_v4_value(e->hi->a), 0x0a000009);
    assert_null(e->next);
    e = f->dst;
    assert_int_equal(e->kind, EP_GROUP);
    assert_int_equal(addr_v4_value(e->lo->a), 0xe00000fb);
    assert_null(e->hi);
    e = e->next;
    assert_int_equal(e->kind, EP_GROUP);
    assert_int_equal(e->lo->kind, EX_PARAM);
    assert_string_equal(e->lo->param.name, "g");
    e = e->next;
    assert_int_equal(e->kind, EP_GROUP);
    assert_int_equal(addr_v4_value(e->lo->a), 0xe0000181);
    assert_int_equal(addr_v4_value(e->hi->a), 0xe0000184);
    e = e->next;
    /* a plain address stays EP_ADDR in the AST; elaboration makes it a group */
    assert_int_equal(e->kind, EP_ADDR);
    assert_null(e->next);
    unit_free(&p);
}

static void bidir_scopes_local(void **state)
{
    (void)state;
    pipeline p;
    unit_parse(&p, "system s { role a; zone z; zone o; service x {\n"
                   " udp 9000 a <-> a in z, o optional, t.w;\n"
                   " tcp 1 a -> a local;\n"
                   " tcp 2 a -> a in z local;\n"
                   "} }");
    assert_int_equal(p.diags.count, 0);
    const flow_decl *f = first_flow(&p);
    assert_true(f->bidir);
    assert_false(f->local);
    const scope *sc = f->scopes;
    assert_string_equal(sc->zone.name, "z");
    assert_false(sc->optional);
    sc = sc->next;
    assert_string_equal(sc->zone.name, "o");
    assert_true(sc->optional);
    sc = sc->next;
    assert_string_equal(sc->zone.qual, "t");
    assert_string_equal(sc->zone.name, "w");
    assert_false(sc->optional);
    assert_null(sc->next);
    f = f->next;
    assert_false(f->bidir);
    assert_true(f->local);
    assert_null(f->scopes);
    f = f->next;
    assert_true(f->local);
    assert_non_null(f->scopes);
    assert_null(f->next);
    assert_ptr_equal(f->service, nth_decl(p.prog.systems->decls, 3));
    unit_free(&p);
}

static void site_declarations(void **state)
{
    (void)state;
    pipeline p;
    unit_parse(&p,
               "site av_room \"AV room\" {\n"
               "    network igloo.igloo_net 10.0.10.0/24;\n"
               "    set omnicast.encoders = 16;\n"
               "    instance omnicast_b of omnicast { set gateway_command_port = 5101; }\n"
               "    instance plain of dante;\n"
               "    host media1 10.0.10.11 { os windows; runs igloo.media_server, dante.device; }\n"
               "    host omni2 10.0.10.22 { runs omnicast_b.gateway; ephemeral 49152-65535; }\n"
               "}\n");
    assert_int_equal(p.diags.count, 0);
    const site_decl *s = p.prog.sites;
    assert_non_null(s);
    assert_string_equal(s->name, "av_room");
    assert_string_equal(s->desc, "AV room");
    const decl *d = s->decls;
    assert_int_equal(d->kind, D_NETWORK);
    assert_string_equal(d->target.qual, "igloo");
    assert_string_equal(d->target.name, "igloo_net");
    assert_int_equal(addr_v4_value(d->value->a), 0x0a000a00);
    assert_int_equal(d->value->prefix, 24);
    d = d->next;
    assert_int_equal(d->kind, D_SET);
    assert_string_equal(d->target.qual, "omnicast");
    assert_string_equal(d->target.name, "encoders");
    assert_int_equal(d->value->num, 16);
    d = d->next;
    assert_int_equal(d->kind, D_INSTANCE);
    assert_string_equal(d->name, "omnicast_b");
    assert_string_equal(d->target.name, "omnicast");
    assert_non_null(d->sets);
    assert_int_equal(d->sets->kind, D_SET);
    assert_null(d->sets->target.qual);
    assert_string_equal(d->sets->target.name, "gateway_command_port");
    assert_int_equal(d->sets->value->num, 5101);
    assert_null(d->sets->next);
    d = d->next;
    assert_int_equal(d->kind, D_INSTANCE);
    assert_string_equal(d->name, "plain");
    assert_null(d->sets);
    d = d->next;
    assert_int_equal(d->kind, D_HOST);
    assert_string_equal(d->name, "media1");
    assert_int_equal(addr_v4_value(d->value->a), 0x0a000a0b);
    assert_int_equal(d->os, OS_WINDOWS);
    assert_int_equal(d->nruns, 2);
    assert_string_equal(d->runs[0].qual, "igloo");
    assert_string_equal(d->runs[0].name, "media_server");
    assert_string_equal(d->runs[1].qual, "dante");
    assert_string_equal(d->runs[1].name, "device");
    assert_null(d->ephemeral);
    d = d->next;
    assert_int_equal(d->kind, D_HOST);
    assert_int_equal(d->os, OS_NONE);
    assert_int_equal(d->nruns, 1);
    assert_non_null(d->ephemeral);
    assert_int_equal(d->ephemeral->lo->num, 49152);
    assert_int_equal(d->ephemeral->hi->num, 65535);
    assert_int_equal(loc_line(d->where), 7);
    assert_null(d->next);
    unit_free(&p);
}

static void host_runs_accumulate(void **state)
{
    (void)state;
    pipeline p;
    unit_parse(&p, "site s { host h 10.0.0.1 { runs a.x; os linux; runs b.y, c.z; } }");
    assert_int_equal(p.diags.count, 0);
    const decl *h = p.prog.sites->decls;
    assert_int_equal(h->nruns, 3);
    assert_string_equal(h->runs[0].name, "x");
    assert_string_equal(h->runs[2].qual, "c");
    assert_int_equal(h->os, OS_LINUX);
    unit_free(&p);
}

static void waivers_top_level_and_in_site(void **state)
{
    (void)state;
    pipeline p;
    unit_parse(&p,
               "allow bind-conflict dante.audio, omnicast.archiver_unicast because \"Dante\";\n"
               "site lab { host media1 10.0.0.1 { }\n"
               "  allow ephemeral-range igloo.ndi on media1 because \"NDI \\\"docs\\\"\"; }\n"
               "site other { }\n"
               "allow unused-waiver because \"x\";\n");
    assert_int_equal(p.diags.count, 0);
    const waiver_decl *w = p.prog.waivers;
    assert_non_null(w);
    assert_string_equal(w->check, "bind-conflict");
    assert_int_equal(loc_col(w->check_loc), 7);
    assert_int_equal(loc_end_col(w->check_loc), 19);
    assert_int_equal(w->nservices, 2);
    assert_string_equal(w->services[0].qual, "dante");
    assert_string_equal(w->services[0].name, "audio");
    assert_string_equal(w->services[1].name, "archiver_unicast");
    assert_null(w->host.name);
    assert_string_equal(w->reason, "Dante");
    assert_null(w->site);
    w = w->next;
    assert_non_null(w);
    assert_string_equal(w->check, "ephemeral-range");
    assert_int_equal(w->nservices, 1);
    assert_string_equal(w->host.name, "media1");
    assert_string_equal(w->reason, "NDI \"docs\"");
    assert_ptr_equal(w->site, p.prog.sites);
    w = w->next;
    assert_non_null(w);
    assert_string_equal(w->check, "unused-waiver");
    assert_int_equal(w->nservices, 0);
    assert_null(w->site);
    assert_null(w->next);
    /* the site waiver is not carried into the next site */
    assert_non_null(p.prog.sites->next);
    unit_free(&p);
}

static void waiver_needs_a_reason(void **state)
{
    (void)state;
    pipeline p;
    unit_parse(&p, "allow bind-conflict dante.audio;");
    assert_true(count_check(&p, CK_SYNTAX) >= 1);
    assert_null(p.prog.waivers);
    assert_int_equal(loc_col(p.diags.items[0]->where), 32);
    assert_non_null(strstr(p.diags.items[0]->message, "'because'"));
    unit_free(&p);
}

static void imports_parse_without_a_loader(void **state)
{
    (void)state;
    pipeline p;
    unit_run(&p, "import \"dante.ports\";\nimport \"sub/x.ports\";\n"
                 "system s { role a; service x { tcp 80 a -> a; } }");
    assert_int_equal(p.diags.count, 0);
    assert_int_equal(p.m.nrows, 1);
    unit_free(&p);

    /* parse_source hands the imports back in order with their spans */
    arena mem;
    arena_init(&mem);
    diag_sink diags;
    diag_init(&diags, &mem);
    program prog;
    program_init(&prog);
    const char *text = "import \"a.ports\";\n  import \"b/c.ports\";\n";
    source *src = source_new(&mem, "t.ports", "", ".", text, strlen(text), 0);
    import_decl *imports = NULL;
    assert_true(parse_source(&mem, &diags, src, &prog, &imports));
    assert_non_null(imports);
    assert_string_equal(imports->path, "a.ports");
    assert_int_equal(loc_col(imports->path_loc), 8);
    assert_non_null(imports->next);
    assert_string_equal(imports->next->path, "b/c.ports");
    assert_int_equal(loc_line(imports->next->where), 2);
    assert_int_equal(loc_col(imports->next->where), 3);
    assert_null(imports->next->next);
    arena_free(&mem);
}

/* An empty file, or one holding only comments, is a syntax error. */
static void empty_input_is_an_error(void **state)
{
    (void)state;
    static const char *const texts[] = {"", "  # only a comment\n", "/* a comment */\n"};
    for (size_t t = 0; t < sizeof texts / sizeof *texts; t++) {
        pipeline p;
        unit_run(&p, texts[t]);
        assert_int_equal(count_check(&p, CK_SYNTAX), 1);
        int i = unit_find(&p, CK_SYNTAX);
        assert_int_equal(p.diags.items[i]->sev, SEV_ERROR);
        assert_non_null(strstr(p.diags.items[i]->message, "unexpected end of file"));
        unit_free(&p);
    }
}

static void declarations_keep_source_order(void **state)
{
    (void)state;
    pipeline p;
    unit_parse(&p, "system b { } site y { } system a { } site x { }");
    assert_int_equal(p.diags.count, 0);
    assert_string_equal(p.prog.systems->name, "b");
    assert_string_equal(p.prog.systems->next->name, "a");
    assert_string_equal(p.prog.sites->name, "y");
    assert_string_equal(p.prog.sites->next->name, "x");
    unit_free(&p);
}

/* ---- errors ---- */

static void three_errors_in_three_statements(void **state)
{
    (void)state;
    pipeline p;
    unit_parse(&p, "system s {\n"
                   "    zone z \"a\" \"b\";\n"
                   "    role r { os ; }\n"
                   "    service x { tcp 80 r -> ; }\n"
                   "    role ok;\n"
                   "}\n");
    diag_finish(&p.diags);
    assert_int_equal(count_check(&p, CK_SYNTAX), 3);
    assert_int_equal(p.diags.count, 3);
    assert_int_equal(loc_line(p.diags.items[0]->where), 2);
    assert_int_equal(loc_col(p.diags.items[0]->where), 16);
    assert_int_equal(loc_line(p.diags.items[1]->where), 3);
    assert_int_equal(loc_col(p.diags.items[1]->where), 17);
    assert_int_equal(loc_line(p.diags.items[2]->where), 4);
    assert_int_equal(loc_col(p.diags.items[2]->where), 29);
    /* recovery kept the system and its good declarations */
    assert_non_null(p.prog.systems);
    const decl *d = p.prog.systems->decls;
    bool found_ok = false;
    for (; d; d = d->next) found_ok |= strcmp(d->name, "ok") == 0;
    assert_true(found_ok);
    unit_free(&p);
}

static void errors_in_separate_top_level_items(void **state)
{
    (void)state;
    pipeline p;
    unit_parse(&p, "system a { zone 1; }\nsite b { host h 10.0.0.1 { runs; } }\nallow x;\n");
    diag_finish(&p.diags);
    assert_int_equal(count_check(&p, CK_SYNTAX), 3);
    assert_int_equal(loc_line(p.diags.items[0]->where), 1);
    assert_int_equal(loc_line(p.diags.items[1]->where), 2);
    assert_int_equal(loc_line(p.diags.items[2]->where), 3);
    unit_free(&p);
}

static void error_message_lists_expected_tokens(void **state)
{
    (void)state;
    pipeline p;
    unit_parse(&p, "system s { zone 12; }");
    assert_int_equal(p.diags.count, 1);
    const diag *d = p.diags.items[0];
    assert_int_equal(d->check, CK_SYNTAX);
    assert_int_equal(loc_col(d->where), 17);
    assert_string_equal(d->message, "unexpected number '12', expected name");
    unit_free(&p);
}

static void missing_semicolon_points_after_previous_token(void **state)
{
    (void)state;
    pipeline p;
    unit_parse(&p, "system s {\n    zone z \"net\"\n    role r;\n}\n");
    assert_int_equal(p.diags.count, 1);
    const diag *d = p.diags.items[0];
    assert_int_equal(loc_line(d->where), 2);
    assert_int_equal(loc_col(d->where), 17);
    assert_non_null(strstr(d->message, "expected ';' at end of statement"));
    unit_free(&p);
}

static void error_cap_per_file(void **state)
{
    (void)state;
    char text[4096] = "system s {\n";
    for (int i = 0; i < 30; i++) strcat(text, "  zone a b;\n");
    strcat(text, "}\n");
    pipeline p;
    unit_parse(&p, text);
    assert_int_equal(count_check(&p, CK_SYNTAX), PARSE_MAX_ERRORS);
    assert_int_equal(count_check(&p, CK_LIMIT), 1);
    int i = unit_find(&p, CK_LIMIT);
    /* the cap is reported at the first error past it: line 2 + 20 */
    assert_int_equal(loc_line(p.diags.items[i]->where), 2 + PARSE_MAX_ERRORS);
    assert_non_null(strstr(p.diags.items[i]->message, "too many errors"));
    assert_int_equal(p.diags.count, PARSE_MAX_ERRORS + 1);
    unit_free(&p);
}

static void error_cap_counts_lexical_errors(void **state)
{
    (void)state;
    char text[4096] = "";
    for (int i = 0; i < 25; i++) strcat(text, "zone @;\n");
    pipeline p;
    unit_parse(&p, text);
    assert_int_equal(count_check(&p, CK_SYNTAX), PARSE_MAX_ERRORS);
    assert_int_equal(count_check(&p, CK_LIMIT), 1);
    unit_free(&p);
}

static void stray_closing_braces(void **state)
{
    (void)state;
    pipeline p;
    unit_parse(&p, "}}}\n");
    assert_true(p.diags.count >= 1);
    diag_finish(&p.diags);
    assert_int_equal(p.diags.items[0]->check, CK_SYNTAX);
    assert_int_equal(p.diags.items[0]->sev, SEV_ERROR);
    assert_int_equal(loc_line(p.diags.items[0]->where), 1);
    assert_int_equal(loc_col(p.diags.items[0]->where), 1);
    unit_free(&p);
}

static void unclosed_brace_at_eof_has_a_note(void **state)
{
    (void)state;
    pipeline p;
    unit_parse(&p, "system s {\n  service x {\n    tcp 80 a -> a;\n  }\n  zone z;\n");
    assert_int_equal(p.diags.count, 1);
    const diag *d = p.diags.items[0];
    assert_int_equal(d->check, CK_SYNTAX);
    assert_non_null(strstr(d->message, "end of file"));
    assert_int_equal(loc_line(d->where), 6);
    assert_non_null(d->notes);
    assert_non_null(strstr(d->notes->message, "to match this '{'"));
    assert_int_equal(loc_line(d->notes->where), 1);
    assert_int_equal(loc_col(d->notes->where), 10);
    unit_free(&p);
}

static void too_deep_nesting_is_a_limit(void **state)
{
    (void)state;
    char text[512] = "system s { role a; service x { tcp ";
    for (int i = 0; i < 80; i++) strcat(text, "(");
    strcat(text, "1");
    for (int i = 0; i < 80; i++) strcat(text, ")");
    strcat(text, " a -> a; } }");
    pipeline p;
    unit_parse(&p, text);
    int i = unit_find(&p, CK_LIMIT);
    assert_true(i >= 0);
    assert_non_null(strstr(p.diags.items[i]->message, "nesting too deep"));
    /* two braces then 62 parentheses fill the 64 levels: the 63rd is too deep */
    assert_int_equal(loc_col(p.diags.items[i]->where), 36 + 62);
    assert_int_equal(count_check(&p, CK_LIMIT), 1);
    unit_free(&p);
}

static void too_long_expression_is_a_limit(void **state)
{
    (void)state;
    static char text[8192];
    strcpy(text, "system s { role a; service x { tcp 1");
    for (int i = 0; i < 400; i++) strcat(text, " + 1");
    strcat(text, " a -> a; } }");
    pipeline p;
    unit_run(&p, text);
    assert_int_equal(count_check(&p, CK_LIMIT), 1);
    int i = unit_find(&p, CK_LIMIT);
    assert_non_null(strstr(p.diags.items[i]->message, "expression too long"));
    unit_free(&p);
}

static void recovery_keeps_later_systems(void **state)
{
    (void)state;
    pipeline p;
    unit_parse(&p, "system s { role a; service x { tcp (1 a -> a; tcp 2 a -> a; } }\n"
                   "system t { role b; }\n");
    assert_int_equal(count_check(&p, CK_SYNTAX), 1);
    assert_int_equal(count_check(&p, CK_LIMIT), 0);
    assert_non_null(p.prog.systems);
    assert_non_null(p.prog.systems->next);
    assert_string_equal(p.prog.systems->next->name, "t");
    unit_free(&p);
}

/* After recovery drops an unclosed '(', the end-of-file note names the unclosed '{'. */
static void stale_paren_does_not_take_the_eof_note(void **state)
{
    (void)state;
    pipeline p;
    unit_parse(&p, "system s {\n  service x { tcp (1 a -> a; }\n");
    diag_finish(&p.diags);
    const diag *d = p.diags.items[p.diags.count - 1];
    assert_non_null(strstr(d->message, "end of file"));
    assert_non_null(d->notes);
    assert_string_equal(d->notes->message, "to match this '{'");
    assert_int_equal(loc_line(d->notes->where), 1);
    assert_int_equal(loc_col(d->notes->where), 10);
    unit_free(&p);
}

/* Parentheses dropped by recovery do not add up to the nesting limit. */
static void leaked_parens_do_not_reach_the_nesting_limit(void **state)
{
    (void)state;
    char text[1024] = "system s { role a; service x {\n";
    for (int i = 0; i < 7; i++) strcat(text, "  tcp ((((((((((1 a -> a;\n");
    strcat(text, "} }\nsystem t { role b; service y { tcp (1) b -> b; } }\n");
    pipeline p;
    unit_parse(&p, text);
    assert_int_equal(count_check(&p, CK_LIMIT), 0);
    assert_int_equal(count_check(&p, CK_SYNTAX), 7);
    assert_non_null(p.prog.systems->next);
    unit_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(system_with_every_declaration),
        cmocka_unit_test(role_os_linux_and_unknown),
        cmocka_unit_test(param_forms),
        cmocka_unit_test(unknown_param_type),
        cmocka_unit_test(pool_start_and_count),
        cmocka_unit_test(protocols),
        cmocka_unit_test(port_list_items),
        cmocka_unit_test(expression_precedence),
        cmocka_unit_test(source_ports_with_from),
        cmocka_unit_test(endpoint_kinds),
        cmocka_unit_test(bidir_scopes_local),
        cmocka_unit_test(site_declarations),
        cmocka_unit_test(host_runs_accumulate),
        cmocka_unit_test(waivers_top_level_and_in_site),
        cmocka_unit_test(waiver_needs_a_reason),
        cmocka_unit_test(imports_parse_without_a_loader),
        cmocka_unit_test(empty_input_is_an_error),
        cmocka_unit_test(declarations_keep_source_order),
        cmocka_unit_test(three_errors_in_three_statements),
        cmocka_unit_test(errors_in_separate_top_level_items),
        cmocka_unit_test(error_message_lists_expected_tokens),
        cmocka_unit_test(missing_semicolon_points_after_previous_token),
        cmocka_unit_test(error_cap_per_file),
        cmocka_unit_test(error_cap_counts_lexical_errors),
        cmocka_unit_test(stray_closing_braces),
        cmocka_unit_test(unclosed_brace_at_eof_has_a_note),
        cmocka_unit_test(too_deep_nesting_is_a_limit),
        cmocka_unit_test(too_long_expression_is_a_limit),
        cmocka_unit_test(recovery_keeps_later_systems),
        cmocka_unit_test(stale_paren_does_not_take_the_eof_note),
        cmocka_unit_test(leaked_parens_do_not_reach_the_nesting_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
