/* test_addr.c: the address parser and formatter (addr.c) against the
 * table of research section 7: RFC 4291 text accepted and rejected, RFC
 * 5952 canonical output (glibc inet_ntop agrees on each), prefixes, host
 * bits, arithmetic at the edges, ranks; and the lexer's IPv6 token next to
 * the tokens it must not break. */
#include "unit.h"
#include "parser.h"

static addr parse_ok(const char *text, int *prefix)
{
    addr a;
    char why[ADDR_WHY];
    int p;
    if (!addr_parse(text, strlen(text), &a, &p, why)) fail_msg("'%s' rejected: %s", text, why);
    if (prefix) *prefix = p;
    return a;
}

static void expect_canonical(const char *in, const char *out)
{
    char buf[ADDR_TEXT];
    int p;
    addr a = parse_ok(in, &p);
    addr_text(buf, a, a, p);
    if (strcmp(buf, out) != 0) fail_msg("'%s' printed as '%s', want '%s'", in, buf, out);
    /* The canonical text reads back as the same address. */
    addr b = parse_ok(buf, NULL);
    assert_true(addr_eq(a, b));
}

static void expect_reject(const char *in, const char *part)
{
    addr a;
    int p;
    char why[ADDR_WHY];
    if (addr_parse(in, strlen(in), &a, &p, why)) fail_msg("'%s' accepted", in);
    if (!strstr(why, part)) fail_msg("'%s': message '%s' lacks '%s'", in, why, part);
}

static void canonical_text(void **state)
{
    (void)state;
    expect_canonical("2001:0DB8:0000:0000:0000:0000:0002:0001", "2001:db8::2:1");
    expect_canonical("2001:0:0:1:0:0:0:1", "2001:0:0:1::1");        /* longest run */
    expect_canonical("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1");  /* first of a tie */
    expect_canonical("1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0");         /* no :: for one field */
    expect_canonical("::ffff:1.2.3.4", "::ffff:1.2.3.4");
    expect_canonical("::ffff:0102:0304", "::ffff:1.2.3.4");
    expect_canonical("::1.2.3.4", "::102:304");
    expect_canonical("64:ff9b::192.0.2.33", "64:ff9b::c000:221");
    expect_canonical("::", "::");
    expect_canonical("::1", "::1");
    expect_canonical("1::", "1::");
    expect_canonical("FF02:0:0:0:0:0:0:FB", "ff02::fb");
    expect_canonical("FF0E:0:0:0:0:0:0:181", "ff0e::181");
    expect_canonical("2001:db8:0:cd30::/60", "2001:db8:0:cd30::/60");
    expect_canonical("ff00::/8", "ff00::/8");
    expect_canonical("::/0", "::/0");
    expect_canonical("0:0:0:0:0:0:0:0/128", "::");
    expect_canonical("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
                     "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
    expect_canonical("10.0.0.1", "10.0.0.1");
    expect_canonical("10.0.0.0/8", "10.0.0.0/8");
    expect_canonical("224.0.0.251", "224.0.0.251");
}

static void rejected_text(void **state)
{
    (void)state;
    expect_reject("2001:db8::00001", "more than 4 hex digits");
    expect_reject("2001:db8::1::1", "'::' may appear only once");
    expect_reject("1:2:3:4:5:6:7:8::", "stands for no group");
    expect_reject(":1", "starts with a single ':'");
    expect_reject("1:", "ends with a single ':'");
    expect_reject("1:2:3:4:5:6:7", "7 groups");
    expect_reject("1:2:3:4:5:6:7:8:9", "more than 8 groups");
    expect_reject("::ffff:1.2.3.04", "not a dotted quad");
    expect_reject("::ffff:01.2.3.4", "not a dotted quad");
    expect_reject("::ffff:1.2.3", "not a dotted quad");
    expect_reject("::1.2.3.4:5", "only stand for the last 32 bits");
    expect_reject("1:2:3:4:5:6:7:1.2.3.4", "groups before the dotted quad");
    expect_reject("fe80::1%eth0", "zone id");
    expect_reject("2001:db8::1%", "zone id");
    expect_reject("2001:0DB8:0:CD3/60", "4 groups");
    expect_reject("2001:0DB8::CD30/60", "host bits set; did you mean '2001:db8::/60'");
    expect_reject("2001:db8::/129", "expected 0-128");
    expect_reject("10.0.0.1/33", "expected 0-32");
    expect_reject("10.0.0.1/8", "did you mean '10.0.0.0/8'");
    expect_reject("256.1.1.1", "invalid IPv4 address");
    expect_reject("1.2.3", "invalid IPv4 address");
    expect_reject("1.2.3.4.5", "invalid IPv4 address");
    expect_reject("g::1", "not a hex digit");
}

static void families_and_ranges(void **state)
{
    (void)state;
    addr v4 = parse_ok("255.255.255.255", NULL), v6 = parse_ok("::", NULL);
    assert_true(addr_cmp(v4, v6) < 0);                 /* every IPv4 before every IPv6 */
    assert_false(addr_eq(parse_ok("::ffff:10.0.0.1", NULL), parse_ok("10.0.0.1", NULL)));
    addr r;
    assert_false(addr_add(v4, 1, &r));
    assert_false(addr_add(parse_ok("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", NULL), 1, &r));
    assert_false(addr_add(v6, -1, &r));
    assert_true(addr_add(parse_ok("::ffff:ffff:ffff:ffff", NULL), 1, &r));
    char buf[ADDR_TEXT];
    assert_string_equal(addr_str(buf, r), "0:0:0:1::");             /* carry into the high word */
    assert_true(addr_add(r, -1, &r));
    assert_string_equal(addr_str(buf, r), "::ffff:ffff:ffff:ffff");
    int p;
    addr net = parse_ok("2001:db8::/32", &p);
    assert_string_equal(addr_str(buf, addr_last(net, p)), "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff");
    assert_true(addr_in(net, p, parse_ok("2001:db8:1::5", NULL)));
    assert_false(addr_in(net, p, parse_ok("2001:db9::", NULL)));
    assert_int_equal(addr_range_prefix(parse_ok("ff15::1:100", NULL), parse_ok("ff15::1:103", NULL)), 126);
    assert_int_equal(addr_mcast_scope(parse_ok("ff15::101", NULL)), 5);
    assert_int_equal(addr_mcast_scope(parse_ok("ff3e::8000:1", NULL)), 14);
    assert_int_equal(addr_mcast_scope(parse_ok("fe80::1", NULL)), -1);
    assert_true(addr_is_multicast(parse_ok("ff02::fb", NULL)));
    assert_true(addr_is_multicast(parse_ok("239.255.255.250", NULL)));
    assert_false(addr_is_multicast(parse_ok("fe80::1", NULL)));
    addr_text(buf, parse_ok("2001:db8::200", NULL), parse_ok("2001:db8::20f", NULL), 128);
    assert_string_equal(buf, "2001:db8::200-2001:db8::20f");
}

static void ranks_keep_order(void **state)
{
    (void)state;
    addr v[] = {parse_ok("ff02::fb", NULL), parse_ok("224.0.0.251", NULL),
                parse_ok("ff02::fb", NULL), parse_ok("ff02::1", NULL)};
    size_t n = addr_ranks_build(v, 4);
    assert_int_equal(n, 3);
    assert_int_equal(addr_rank(v, n, parse_ok("224.0.0.251", NULL)), 0);
    assert_int_equal(addr_rank(v, n, parse_ok("ff02::1", NULL)), 1);
    assert_int_equal(addr_rank(v, n, parse_ok("ff02::fb", NULL)), 2);
}

typedef struct {
    arena mem;
    diag_sink diags;
    raw_token *t;
    size_t n;
    bool ok;
} lexed;

static void lex(lexed *l, const char *text)
{
    arena_init(&l->mem);
    diag_init(&l->diags, &l->mem);
    size_t len = strlen(text);
    source *src = source_new(&l->mem, "t.ports", "", ".", arena_strndup(&l->mem, text, len), len, 0);
    l->ok = parse_tokens(&l->mem, &l->diags, src, &l->t, &l->n);
}

/* `name:type`, `qual.name`, ranges and `a - b` keep their tokens; IPv6
 * needs two colons, so a one-colon `x:port` is never an address. */
static void lexer_tokens(void **state)
{
    (void)state;
    lexed l;
    lex(&l, "param p:port; a.b fd00::5 ::1 ff02::fb-ff02::fc 10.0.0.1 - 2001:db8::/32 deaf:beef");
    assert_true(l.ok);
    int kinds[] = {KW_PARAM, IDENT, ':', IDENT, ';', IDENT, '.', IDENT, ADDR, ADDR, ADDR, '-', ADDR,
                   ADDR, '-', ADDR, IDENT, ':', IDENT};
    assert_int_equal(l.n, sizeof kinds / sizeof *kinds);
    for (size_t i = 0; i < l.n; i++) assert_int_equal(l.t[i].kind, kinds[i]);
    assert_string_equal(l.t[8].text, "fd00::5");
    assert_string_equal(l.t[15].text, "2001:db8::/32");
    arena_free(&l.mem);
    lex(&l, "udp 1 a -> fe80::1%eth0;");
    assert_false(l.ok);
    assert_int_equal(l.diags.count, 1);
    assert_non_null(strstr(l.diags.items[0]->message, "zone id in 'fe80::1%eth0'"));
    assert_int_equal(loc_col(l.diags.items[0]->where), 12);
    arena_free(&l.mem);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(canonical_text),
        cmocka_unit_test(rejected_text),
        cmocka_unit_test(families_and_ranges),
        cmocka_unit_test(ranks_keep_order),
        cmocka_unit_test(lexer_tokens),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
