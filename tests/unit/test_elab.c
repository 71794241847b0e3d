/* test_elab.c: elaboration through unit_run(): the row expansion of
 * protocols, ports, sources, endpoints and `<->`, the sort order, parameter
 * substitution per instance, pools, source ports, the port, overflow,
 * cycle, type and multicast errors, and the frozen view the emitters read. */
#include "unit.h"

static void expect_message(const diag *d, const char *part)
{
    if (!strstr(d->message, part)) fail_msg("message '%s' lacks '%s'", d->message, part);
}

/* Name of a row's endpoint role or zone, "" for other kinds. */
static const char *end_name(const flow_end *e)
{
    return e->kind == EP_NAME && e->target ? e->target->name : "";
}

/* How many rows match proto/lo/hi/src/dst (src/dst by role name). */
static int rows_matching(const pipeline *p, int proto, int lo, int hi, const char *src,
                         const char *dst)
{
    int n = 0;
    for (size_t i = 0; i < p->m.nrows; i++) {
        const flow_row *r = &p->m.rows[i];
        n += r->proto == proto && r->lo == lo && r->hi == hi &&
             strcmp(end_name(&r->src), src) == 0 && strcmp(end_name(&r->dst), dst) == 0;
    }
    return n;
}

/* Rows of one instance, by name and site (NULL: system level). */
static size_t rows_of(const pipeline *p, const char *inst, bool in_site, const flow_row **first)
{
    size_t n = 0;
    *first = NULL;
    for (size_t i = 0; i < p->m.nrows; i++) {
        const flow_row *r = &p->m.rows[i];
        if (strcmp(r->inst->name, inst) == 0 && (r->inst->site != NULL) == in_site) {
            if (!n) *first = r;
            n++;
        }
    }
    return n;
}

static void assert_sorted(const pipeline *p)
{
    for (size_t i = 1; i < p->m.nrows; i++) {
        const flow_row *a = &p->m.rows[i - 1], *b = &p->m.rows[i];
        assert_true(a->inst->index <= b->inst->index);
        if (a->inst != b->inst) continue;
        assert_true(a->proto <= b->proto);
        if (a->proto != b->proto) continue;
        assert_true(a->lo <= b->lo);
        if (a->lo != b->lo) continue;
        assert_true(a->hi <= b->hi);
        if (a->hi != b->hi) continue;
        assert_true(a->slo <= b->slo);
    }
}

static void cross_product_of_protos_ports_and_ends(void **state)
{
    (void)state;
    pipeline p;
    unit_run(&p, "system s { role a; role b; role c;\n"
                 " service x { tcp+udp 53, 80 a, b -> c; } }");
    assert_int_equal(p.diags.count, 0);
    assert_int_equal(p.m.nrows, 2 * 2 * 2);
    const int protos[] = {PROTO_TCP, PROTO_UDP}, ports[] = {53, 80};
    const char *srcs[] = {"a", "b"};
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++)
            for (int k = 0; k < 2; k++)
                assert_int_equal(rows_matching(&p, protos[i], ports[j], ports[j], srcs[k], "c"), 1);
    for (size_t i = 0; i < p.m.nrows; i++) {
        assert_false(p.m.rows[i].reverse);
        assert_int_equal(p.m.rows[i].slo, 0);
        assert_int_equal(p.m.rows[i].shi, 0);
        assert_ptr_equal(p.m.rows[i].decl, p.prog.systems->decls->next->next->next->flows);
    }
    unit_free(&p);
}

static void bidirectional_doubles_rows(void **state)
{
    (void)state;
    pipeline p;
    unit_run(&p, "system s { role media; role tablet;\n"
                 " service osc { udp 9000-9020, 10000 media <-> tablet; } }");
    assert_int_equal(p.diags.count, 0);
    assert_int_equal(p.m.nrows, 4);
    assert_int_equal(rows_matching(&p, PROTO_UDP, 9000, 9020, "media", "tablet"), 1);
    assert_int_equal(rows_matching(&p, PROTO_UDP, 9000, 9020, "tablet", "media"), 1);
    assert_int_equal(rows_matching(&p, PROTO_UDP, 10000, 10000, "media", "tablet"), 1);
    assert_int_equal(rows_matching(&p, PROTO_UDP, 10000, 10000, "tablet", "media"), 1);
    for (size_t i = 0; i < p.m.nrows; i++) {
        const flow_row *r = &p.m.rows[i];
        assert_int_equal(r->reverse, strcmp(end_name(&r->src), "tablet") == 0);
    }
    unit_free(&p);
}

static void bidirectional_cross_product(void **state)
{
    (void)state;
    pipeline p;
    unit_run(&p, "system s { role a; role b; role c;\n"
                 " service x { tcp+udp 1, 2, 3 a, b <-> c, a; } }");
    assert_int_equal(p.diags.count, 0);
    assert_int_equal(p.m.nrows, 2 * 3 * 2 * 2 * 2);
    unit_free(&p);
}

static void rows_are_sorted(void **state)
{
    (void)state;
    pipeline p;
    unit_run(&p, "system s { role a; role b; param q = 7;\n"
                 " service x {\n"
                 "  udp 900, 80, 80-90, 5 a -> b;\n"
                 "  tcp 70, 10-20, 10, $q a <-> b;\n"
                 "  tcp+udp 443, 1-65535 b -> a;\n"
                 "  udp from 9 a -> b;\n"
                 " }\n"
                 " service y { tcp 10 b -> a; udp 5 from 3 a -> b; udp 5 from 2 a -> b; } }\n"
                 "site k { instance t of s { set q = 60000; } set s.q = 1; }\n");
    assert_int_equal(p.diags.count, 0);
    /* per instance: 4 + 4*2 + 2*2 + 1 + 3 = 20 rows; three instances */
    assert_int_equal(p.m.nrows, 60);
    assert_sorted(&p);
    const flow_row *r = &p.m.rows[0];
    assert_int_equal(r->inst->index, 0);
    assert_int_equal(r->proto, PROTO_TCP);
    assert_int_equal(r->lo, 1);
    assert_int_equal(r->hi, 65535);
    assert_int_equal(r[1].lo, 7);       /* $q at system level */
    /* within equal ports, declaration order: service x before y */
    for (size_t i = 1; i < p.m.nrows; i++) {
        const flow_row *a = &p.m.rows[i - 1], *b = &p.m.rows[i];
        if (a->inst == b->inst && a->proto == b->proto && a->lo == b->lo && a->hi == b->hi &&
            a->slo == b->slo && a->shi == b->shi && a->decl != b->decl)
            assert_true(loc_line(a->decl->where) < loc_line(b->decl->where) ||
                        (loc_line(a->decl->where) == loc_line(b->decl->where) &&
                         loc_col(a->decl->where) < loc_col(b->decl->where)));
    }
    unit_free(&p);
}

static void sort_is_total_for_bidir_halves(void **state)
{
    (void)state;
    pipeline p;
    unit_run(&p, "system s { role a; service x { udp 5 a <-> a; } }");
    assert_int_equal(p.m.nrows, 2);
    assert_false(p.m.rows[0].reverse);
    assert_true(p.m.rows[1].reverse);
    unit_free(&p);
}

static void parameters_substituted_per_instance(void **state)
{
    (void)state;
    pipeline p;
    unit_run(&p, "system omni { role gw; param cmd = 5100;\n"
                 " service c { tcp $cmd gw -> gw; } }\n"
                 "site room {\n"
                 "  set omni.cmd = 5101;\n"
                 "  instance b of omni { set cmd = 5102; }\n"
                 "  instance d of omni;\n"
                 "}\n");
    assert_int_equal(p.diags.count, 0);
    assert_int_equal(p.m.nrows, 4);
    const flow_row *r;
    assert_int_equal(rows_of(&p, "omni", false, &r), 1);
    assert_int_equal(r->lo, 5100);
    assert_int_equal(rows_of(&p, "omni", true, &r), 1);
    assert_int_equal(r->lo, 5101);
    assert_int_equal(r->hi, 5101);
    assert_int_equal(rows_of(&p, "b", true, &r), 1);
    assert_int_equal(r->lo, 5102);
    assert_int_equal(rows_of(&p, "d", true, &r), 1);
    assert_int_equal(r->lo, 5100);
    unit_free(&p);
}

static void arithmetic_ranges(void **state)
{
    (void)state;
    pipeline p;
    unit_run(&p, "system cam { role enc; role arch; param start = 5000; param cameras = 4;\n"
                 " service v { udp $start .. $start + $cameras - 1, ($start + 100) * 2 enc -> arch; } }\n"
                 "site s { set cam.cameras = 16; }\n");
    assert_int_equal(p.diags.count, 0);
    const flow_row *r;
    assert_int_equal(rows_of(&p, "cam", false, &r), 2);
    assert_int_equal(r->lo, 5000);
    assert_int_equal(r->hi, 5003);
    assert_int_equal(r[1].lo, 10200);
    assert_int_equal(rows_of(&p, "cam", true, &r), 2);
    assert_int_equal(r->lo, 5000);
    assert_int_equal(r->hi, 5015);
    unit_free(&p);
}

static void parameters_through_parameters(void **state)
{
    (void)state;
    pipeline p;
    unit_run(&p, "system s { role a; param last = $first + $n - 1; param first = 7000; param n = 10;\n"
                 " service x { tcp $first .. $last a -> a; } }\n"
                 "site k { set s.first = 8000; }\n");
    assert_int_equal(p.diags.count, 0);
    const flow_row *r;
    assert_int_equal(rows_of(&p, "s", false, &r), 1);
    assert_int_equal(r->lo, 7000);
    assert_int_equal(r->hi, 7009);
    assert_int_equal(rows_of(&p, "s", true, &r), 1);
    assert_int_equal(r->lo, 8000);
    assert_int_equal(r->hi, 8009);
    unit_free(&p);
}

static void pool_of_multicast_groups(void **state)
{
    (void)state;
    pipeline p;
    unit_run(&p, "system v { role enc; param multicast_start = 239.1.0.1; param encoders = 4;\n"
                 " pool video_groups = $multicast_start count $encoders;\n"
                 " service s { udp 5004 enc -> group $video_groups; } }\n"
                 "site k { set v.encoders = 300; }\n");
    assert_int_equal(p.diags.count, 0);
    const flow_row *r;
    assert_int_equal(rows_of(&p, "v", false, &r), 1);
    assert_int_equal(r->dst.kind, EP_GROUP);
    assert_int_equal(addr_v4_value(r->dst.lo), 0xef010001u);
    assert_int_equal(addr_v4_value(r->dst.hi), 0xef010004u);
    assert_int_equal(rows_of(&p, "v", true, &r), 1);
    assert_int_equal(addr_v4_value(r->dst.lo), 0xef010001u);
    assert_int_equal(addr_v4_value(r->dst.hi), 0xef010001u + 299);     /* 239.1.1.44 */
    unit_free(&p);
}

static void pool_of_ports(void **state)
{
    (void)state;
    pipeline p;
    unit_run(&p, "system s { role a; param base = 8000; pool ports = $base count 10;\n"
                 " service x { udp $ports a -> a; } }");
    assert_int_equal(p.diags.count, 0);
    assert_int_equal(p.m.nrows, 1);
    assert_int_equal(p.m.rows[0].lo, 8000);
    assert_int_equal(p.m.rows[0].hi, 8009);
    unit_free(&p);
}

static void pool_errors(void **state)
{
    (void)state;
    pipeline p;
    unit_run(&p, "system s { role a;\n"
                 " pool z = 100 count 0;\n"
                 " pool big = 1 count 70000;\n"
                 " pool top = 255.255.255.254 count 4;\n"
                 " pool mc = 239.255.255.254 count 4;\n"
                 " pool ok = 1000 count 2;\n"
                 " service x { tcp $ok + 1 a -> a; } }");
    diag_at(&p, CK_TYPE, 2, 21);
    expect_message(diag_at(&p, CK_LIMIT, 3, 21), "it must count 1 to 65536");
    expect_message(diag_at(&p, CK_OVERFLOW, 4, 2), "runs past 255.255.255.255");
    expect_message(diag_at(&p, CK_NOT_MULTICAST, 5, 2), "runs out of the multicast space");
    expect_message(diag_at(&p, CK_TYPE, 7, 18), "a pool is a range of values");
    assert_int_equal(p.m.nrows, 0);
    unit_free(&p);
}

static void source_ports(void **state)
{
    (void)state;
    pipeline p;
    unit_run(&p, "system g { role gw; role cl;\n"
                 " service v { udp 5000, 6000 from 8000-9000 gw -> cl;\n"
                 "             udp from 8000-9000, 100 gw -> cl; } }");
    assert_int_equal(p.diags.count, 0);
    assert_int_equal(p.m.nrows, 4);
    /* sorted: the source-only rows (lo 0) come first */
    const flow_row *r = p.m.rows;
    assert_int_equal(r[0].lo, 0);
    assert_int_equal(r[0].hi, 0);
    assert_int_equal(r[0].slo, 100);
    assert_int_equal(r[0].shi, 100);
    assert_int_equal(r[1].lo, 0);
    assert_int_equal(r[1].slo, 8000);
    assert_int_equal(r[1].shi, 9000);
    assert_null(r[1].port_ast);
    assert_non_null(r[1].sport_ast);
    assert_int_equal(r[2].lo, 5000);
    assert_int_equal(r[2].hi, 5000);
    assert_int_equal(r[2].slo, 8000);
    assert_int_equal(r[2].shi, 9000);
    assert_int_equal(r[3].lo, 6000);
    assert_int_equal(r[3].slo, 8000);
    assert_sorted(&p);
    unit_free(&p);
}

static void endpoint_values(void **state)
{
    (void)state;
    pipeline p;
    unit_run(&p, "system s { role a; zone z; service x { udp 1 a, z, any ->"
                 " 10.0.0.0/24, 10.0.0.5 - 10.0.0.9, 239.1.1.1, group 224.0.1.129 - 224.0.1.132,"
                 " 10.0.0.7; } }");
    assert_int_equal(p.diags.count, 0);
    assert_int_equal(p.m.nrows, 3 * 5);
    int seen = 0;
    for (size_t i = 0; i < p.m.nrows; i++) {
        const flow_row *r = &p.m.rows[i];
        if (r->src.kind != EP_NAME || r->src.target->kind != D_ROLE) continue;
        const flow_end *d = &r->dst;
        seen++;
        switch (loc_col(d->ast->where)) {
        case 59:
            assert_int_equal(d->kind, EP_ADDR);
            assert_int_equal(addr_v4_value(d->lo), 0x0a000000u);
            assert_int_equal(addr_v4_value(d->hi), 0x0a0000ffu);
            assert_int_equal(d->prefix, 24);
            break;
        case 72:
            assert_int_equal(d->kind, EP_ADDR);
            assert_int_equal(addr_v4_value(d->lo), 0x0a000005u);
            assert_int_equal(addr_v4_value(d->hi), 0x0a000009u);
            break;
        case 93:   /* a multicast address is a group without 'group' */
            assert_int_equal(d->kind, EP_GROUP);
            assert_int_equal(addr_v4_value(d->lo), 0xef010101u);
            assert_int_equal(addr_v4_value(d->hi), 0xef010101u);
            break;
        case 104:
            assert_int_equal(d->kind, EP_GROUP);
            assert_int_equal(addr_v4_value(d->lo), 0xe0000181u);
            assert_int_equal(addr_v4_value(d->hi), 0xe0000184u);
            break;
        case 137:
            assert_int_equal(d->kind, EP_ADDR);
            assert_int_equal(addr_v4_value(d->lo), 0x0a000007u);
            assert_int_equal(addr_v4_value(d->hi), 0x0a000007u);
            assert_int_equal(d->prefix, 32);
            break;
        default:
            fail_msg("unexpected endpoint column %d", loc_col(d->ast->where));
        }
    }
    assert_int_equal(seen, 5);
    unit_free(&p);
}

static void port_zero(void **state)
{
    (void)state;
    pipeline p;
    unit_run(&p, "system s { role a; service x { tcp 80, 0 a -> a; } }");
    const diag *d = diag_at(&p, CK_PORT_RANGE, 1, 40);
    expect_message(d, "port 0 is not a port");
    for (size_t i = 0; i < p.m.nrows; i++) assert_int_not_equal(p.m.rows[i].lo, 0);
    unit_free(&p);
}

static void port_65536(void **state)
{
    (void)state;
    pipeline p;
    unit_run(&p, "system s { role a; service x { tcp 65536 a -> a; udp 70000 a -> a; } }");
    expect_message(diag_at(&p, CK_PORT_RANGE, 1, 36), "did you mean 65535?");
    const diag *d = diag_at(&p, CK_PORT_RANGE, 1, 54);
    assert_string_equal(d->message, "port 70000 is out of range 1-65535");
    assert_int_equal(count_check(&p, CK_PORT_RANGE), 2);
    unit_free(&p);
}

static void port_error_through_a_parameter_has_a_note(void **state)
{
    (void)state;
    pipeline p;
    unit_run(&p, "system s { role a; param p = 0;\n service x { tcp $p a -> a; } }");
    const diag *d = diag_at(&p, CK_PORT_RANGE, 1, 30);
    expect_message(d, "port 0");
    assert_non_null(d->notes);
    assert_string_equal(d->notes->message, "used as a port here");
    assert_int_equal(loc_line(d->notes->where), 2);
    assert_int_equal(loc_col(d->notes->where), 18);
    unit_free(&p);
}

static void reversed_range(void **state)
{
    (void)state;
    pipeline p;
    unit_run(&p, "system s { role a; service x { tcp 9020-9000 a -> a; udp 5 .. 3 a -> a; } }");
    const diag *d = diag_at(&p, CK_REVERSED_RANGE, 1, 36);
    assert_string_equal(d->message, "reversed range 9020-9000; did you mean 9000-9020?");
    diag_at(&p, CK_REVERSED_RANGE, 1, 58);
    assert_int_equal(p.m.nrows, 0);
    unit_free(&p);
}

static void spaced_range_hint(void **state)
{
    (void)state;
    pipeline p;
    unit_run(&p, "system s { role a; service x { tcp 49152 - 65535 a -> a; } }");
    const diag *d = diag_at(&p, CK_PORT_RANGE, 1, 36);
    assert_string_equal(d->message, "'49152 - 65535' is a subtraction (-16383), not a port range; "
                                    "write 49152-65535 without spaces");
    assert_int_equal(p.diags.count, 1);
    unit_free(&p);
}

static void spaced_subtraction_that_is_a_port_is_fine(void **state)
{
    (void)state;
    pipeline p;
    unit_run(&p, "system s { role a; service x { tcp 9000 - 20 a -> a; } }");
    assert_int_equal(p.diags.count, 0);
    assert_int_equal(p.m.rows[0].lo, 8980);
    unit_free(&p);
}

static void arithmetic_overflow(void **state)
{
    (void)state;
    pipeline p;
    unit_run(&p, "system s { role a; param big = 2147483647; param m = 65536;\n"
                 " service x { tcp $big + 1 a -> a; udp $m * $m a -> a; } }");
    expect_message(diag_at(&p, CK_OVERFLOW, 2, 18), "beyond +-2147483647");
    diag_at(&p, CK_OVERFLOW, 2, 39);
    assert_int_equal(count_check(&p, CK_OVERFLOW), 2);
    unit_free(&p);
}

static void negative_intermediate_is_fine(void **state)
{
    (void)state;
    pipeline p;
    unit_run(&p, "system s { role a; service x { tcp (1 - 100) + 180 a -> a; } }");
    assert_int_equal(p.diags.count, 0);
    assert_int_equal(p.m.rows[0].lo, 81);
    unit_free(&p);
}

static void parameter_cycle(void **state)
{
    (void)state;
    pipeline p;
    unit_run(&p, "system s { role a;\n param x = $y;\n param y = $x + 1;\n"
                 " service v { tcp $x a -> a; } }");
    int i = unit_find(&p, CK_TYPE);
    assert_true(i >= 0);
    expect_message(p.diags.items[i], "is defined in terms of itself");
    assert_non_null(p.diags.items[i]->notes);
    assert_int_equal(p.m.nrows, 0);
    /* one cycle, reported once per instance at most */
    assert_int_equal(count_check(&p, CK_TYPE), 1);
    unit_free(&p);
}

static void self_reference(void **state)
{
    (void)state;
    pipeline p;
    unit_run(&p, "system s { param x = $x; }");
    const diag *d = diag_at(&p, CK_TYPE, 1, 22);
    expect_message(d, "'x' is defined in terms of itself");
    unit_free(&p);
}

static void long_parameter_chain_is_a_limit(void **state)
{
    (void)state;
    static char text[8192];
    strcpy(text, "system s {");
    char buf[64];
    for (int i = 80; i > 0; i--) {
        snprintf(buf, sizeof buf, " param p%d = $p%d + 1;", i, i - 1);
        strcat(text, buf);
    }
    strcat(text, " param p0 = 1; }");
    pipeline p;
    unit_run(&p, text);
    assert_true(count_check(&p, CK_LIMIT) >= 1);
    assert_int_equal(p.m.eval_depth, 0);
    unit_free(&p);
}

/* 16 roles each way, tcp+udp, `<->` and nports port items: 64 give the
 * limit of rows per flow exactly, 65 pass it (an error before expanding). */
static void flow_text(char *text, size_t size, int nports)
{
    size_t n = (size_t)snprintf(text, size, "system s {");
    for (int i = 0; i < 16; i++) n += (size_t)snprintf(text + n, size - n, " role r%d;", i);
    n += (size_t)snprintf(text + n, size - n, " service v { tcp+udp 1");
    for (int i = 2; i <= nports; i++) n += (size_t)snprintf(text + n, size - n, ", %d", i);
    for (int side = 0; side < 2; side++)
        for (int i = 0; i < 16; i++)
            n += (size_t)snprintf(text + n, size - n, "%s r%d", i ? "," : side ? " <->" : "", i);
    snprintf(text + n, size - n, "; } }");
}

static void flow_rows_limit(void **state)
{
    (void)state;
    static char text[8192];
    pipeline p;
    flow_text(text, sizeof text, 64);
    unit_run(&p, text);
    assert_int_equal(count_check(&p, CK_LIMIT), 0);
    assert_int_equal(p.m.nrows, MODEL_MAX_FLOW_ROWS);
    unit_free(&p);
    flow_text(text, sizeof text, 65);
    unit_run(&p, text);
    assert_int_equal(count_check(&p, CK_LIMIT), 1);
    expect_message(diag_at(&p, CK_LIMIT, 1, 174), "this flow expands to 66560 rows, more than "
                   "the limit of 65536 per flow (2 protocols x 65 port items x 1 source port "
                   "items x 16 sources x 16 endpoints x 2 directions)");
    assert_int_equal(p.m.nrows, 0);
    unit_free(&p);
}

static void address_as_port(void **state)
{
    (void)state;
    pipeline p;
    unit_run(&p, "system s { role a; param ip = 10.0.0.1; service x { tcp $ip a -> a; } }");
    const diag *d = diag_at(&p, CK_TYPE, 1, 57);
    expect_message(d, "address");
    expect_message(d, "not a port");
    assert_int_equal(p.m.nrows, 0);
    unit_free(&p);
}

static void number_as_group(void **state)
{
    (void)state;
    pipeline p;
    unit_run(&p, "system s { role a; param g = 5; service x { udp 1 a -> group $g; } }");
    const diag *d = diag_at(&p, CK_TYPE, 1, 62);
    expect_message(d, "number");
    assert_int_equal(p.m.nrows, 0);
    unit_free(&p);
}

static void typed_parameters(void **state)
{
    (void)state;
    pipeline p;
    unit_run(&p, "system s {\n"
                 " param a: port = 70000;\n"
                 " param b: port = 10.0.0.1;\n"
                 " param c: addr = 5;\n"
                 " param d: group = 10.0.0.1;\n"
                 " param e: int = 70000;\n"
                 " param f: group = 239.0.0.1;\n"
                 "}");
    expect_message(diag_at(&p, CK_PORT_RANGE, 2, 18), "1-65535");
    const diag *d = diag_at(&p, CK_TYPE, 3, 18);
    expect_message(d, "'b'");
    expect_message(d, "port");
    assert_non_null(d->notes);                 /* points at the declaration */
    assert_int_equal(loc_line(d->notes->where), 3);
    assert_int_equal(loc_col(d->notes->where), 8);
    d = diag_at(&p, CK_TYPE, 4, 18);
    expect_message(d, "'c'");
    expect_message(d, "address");
    d = diag_at(&p, CK_NOT_MULTICAST, 5, 19);
    expect_message(d, "'d'");
    expect_message(d, "multicast");
    assert_int_equal(p.diags.count, 4);
    unit_free(&p);
}

static void site_value_checked_against_type(void **state)
{
    (void)state;
    pipeline p;
    unit_run(&p, "system s { role a; param p: port = 80; service x { tcp $p a -> a; } }\n"
                 "site k { set s.p = 0; }");
    expect_message(diag_at(&p, CK_PORT_RANGE, 2, 20), "1-65535");
    const flow_row *r;
    assert_int_equal(rows_of(&p, "s", false, &r), 1);
    assert_int_equal(r->lo, 80);
    assert_int_equal(rows_of(&p, "s", true, &r), 0);
    unit_free(&p);
}

static void group_needs_multicast(void **state)
{
    (void)state;
    pipeline p;
    unit_run(&p, "system s { role a; service x { udp 5353 a -> group 10.0.0.1; } }");
    const diag *d = diag_at(&p, CK_NOT_MULTICAST, 1, 52);
    expect_message(d, "10.0.0.1 is not a multicast group");
    assert_int_equal(p.m.nrows, 0);
    unit_free(&p);
}

static void group_range_leaving_multicast(void **state)
{
    (void)state;
    pipeline p;
    unit_run(&p, "system s { role a; service x { udp 1 a -> group 239.255.255.255 - 240.0.0.1; } }");
    const diag *d = diag_at(&p, CK_NOT_MULTICAST, 1, 67);
    expect_message(d, "240.0.0.1 is not a multicast group");
    unit_free(&p);
}

static void reversed_address_range(void **state)
{
    (void)state;
    pipeline p;
    unit_run(&p, "system s { role a; service x { udp 1 a -> 10.0.0.9 - 10.0.0.1; } }");
    diag_at(&p, CK_REVERSED_RANGE, 1, 43);
    assert_int_equal(p.m.nrows, 0);
    unit_free(&p);
}

static void unresolved_endpoint_drops_only_its_flow(void **state)
{
    (void)state;
    pipeline p;
    unit_run(&p, "system s { role a; service x { udp 1 a -> nope; udp 2 a -> a; } }");
    assert_int_equal(count_check(&p, CK_UNKNOWN_NAME), 1);
    assert_int_equal(p.m.nrows, 1);
    assert_int_equal(p.m.rows[0].lo, 2);
    unit_free(&p);
}

static void rows_carry_their_instance_and_flow(void **state)
{
    (void)state;
    pipeline p;
    unit_run(&p, "system s { role a; service x { tcp 1 a -> a local; } }\n"
                 "site k { instance t of s; }");
    assert_int_equal(p.m.nrows, 2);
    assert_string_equal(p.m.rows[0].inst->name, "s");
    assert_string_equal(p.m.rows[1].inst->name, "t");
    assert_true(p.m.rows[1].decl->local);
    assert_ptr_equal(p.m.rows[0].decl, p.m.rows[1].decl);
    assert_ptr_equal(p.m.rows[0].port_ast, p.m.rows[0].decl->ports);
    unit_free(&p);
}

/* The instance of that name (site instances: in_site). */
static const instance *instance_named(const pipeline *p, const char *name, bool in_site)
{
    for (size_t i = 0; i < p->m.ninstances; i++)
        if (!strcmp(p->m.instances[i]->name, name) && (p->m.instances[i]->site != NULL) == in_site)
            return p->m.instances[i];
    fail_msg("no instance '%s'", name);
    return NULL;
}

static const param_value *param_named(const instance *in, const char *name)
{
    for (const decl *d = in->sys->decls; d; d = d->next)
        if ((d->kind == D_PARAM || d->kind == D_POOL) && !strcmp(d->name, name))
            return &in->params[d->index];
    fail_msg("no parameter '%s'", name);
    return NULL;
}

/* What elaboration freezes for the emitters: per flow its rows (each row
 * in exactly one flow, ascending), its port and endpoint values in list
 * order; per instance its parameter values and whether each is the
 * system's default. */
static void frozen_view(void **state)
{
    (void)state;
    pipeline p;
    unit_run(&p, "system s { role a; param port = 5000; param g = 239.1.1.1;\n"
                 " service v { udp $port a -> group $g, 10.0.0.0/24; tcp 80, 81 up a -> a; } }\n"
                 "site k { instance t of s { set port = 5001; } instance u of s; }\n");
    assert_int_equal(p.diags.count, 0);
    const instance *t = instance_named(&p, "t", true), *u = instance_named(&p, "u", true);
    size_t rows = 0;
    for (size_t i = 0; i < p.m.ninstances; i++) {
        const instance *in = p.m.instances[i];
        assert_int_equal(in->nflows, 2);
        for (size_t k = 0; k < in->nflows; k++) {
            const flow_view *fv = &in->flows[k];
            for (size_t j = 0; j < fv->nrows; j++) {
                uint32_t r = p.m.flow_rows[fv->first + j];
                assert_ptr_equal(p.m.rows[r].decl, fv->decl);
                assert_ptr_equal(p.m.rows[r].inst, in);
                if (j) assert_true(p.m.flow_rows[fv->first + j - 1] < r);
            }
            rows += fv->nrows;
        }
    }
    assert_int_equal(rows, p.m.nrows);
    const flow_view *mc = &t->flows[0], *up = &t->flows[1];
    assert_int_equal(mc->nrows, 2);
    assert_true(mc->ports[0].ok);
    assert_int_equal(mc->ports[0].lo, 5001);
    assert_int_equal(mc->ports[0].hi, 5001);
    assert_int_equal(u->flows[0].ports[0].lo, 5000);
    assert_true(mc->dst[0].ok && mc->dst[1].ok);
    assert_int_equal(mc->dst[0].v.kind, EP_GROUP);
    assert_true(addr_eq(mc->dst[0].v.lo, addr_v4(0xef010101)));
    assert_int_equal(mc->dst[1].v.kind, EP_ADDR);
    assert_int_equal(mc->dst[1].v.prefix, 24);
    assert_int_equal(up->ports[1].lo, 81);                /* `81 up` as written: one port */
    assert_int_equal(up->ports[1].hi, 81);
    assert_int_equal(up->nrows, 2);
    assert_int_equal(param_named(t, "port")->v.lo, 5001);
    assert_false(param_named(t, "port")->is_default);
    assert_true(param_named(u, "port")->is_default);
    assert_true(param_named(t, "g")->is_default);
    assert_ptr_equal(t->defaults, instance_named(&p, "s", false));
    unit_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cross_product_of_protos_ports_and_ends),
        cmocka_unit_test(bidirectional_doubles_rows),
        cmocka_unit_test(bidirectional_cross_product),
        cmocka_unit_test(rows_are_sorted),
        cmocka_unit_test(sort_is_total_for_bidir_halves),
        cmocka_unit_test(parameters_substituted_per_instance),
        cmocka_unit_test(arithmetic_ranges),
        cmocka_unit_test(parameters_through_parameters),
        cmocka_unit_test(pool_of_multicast_groups),
        cmocka_unit_test(pool_of_ports),
        cmocka_unit_test(pool_errors),
        cmocka_unit_test(source_ports),
        cmocka_unit_test(endpoint_values),
        cmocka_unit_test(port_zero),
        cmocka_unit_test(port_65536),
        cmocka_unit_test(port_error_through_a_parameter_has_a_note),
        cmocka_unit_test(reversed_range),
        cmocka_unit_test(spaced_range_hint),
        cmocka_unit_test(spaced_subtraction_that_is_a_port_is_fine),
        cmocka_unit_test(arithmetic_overflow),
        cmocka_unit_test(negative_intermediate_is_fine),
        cmocka_unit_test(parameter_cycle),
        cmocka_unit_test(self_reference),
        cmocka_unit_test(long_parameter_chain_is_a_limit),
        cmocka_unit_test(flow_rows_limit),
        cmocka_unit_test(address_as_port),
        cmocka_unit_test(number_as_group),
        cmocka_unit_test(typed_parameters),
        cmocka_unit_test(site_value_checked_against_type),
        cmocka_unit_test(group_needs_multicast),
        cmocka_unit_test(group_range_leaving_multicast),
        cmocka_unit_test(reversed_address_range),
        cmocka_unit_test(unresolved_endpoint_drops_only_its_flow),
        cmocka_unit_test(rows_carry_their_instance_and_flow),
        cmocka_unit_test(frozen_view),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
