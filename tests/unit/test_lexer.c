/* test_lexer.c: the scanner through parse_tokens(): token kinds, exact
 * spans, comments as tokens, ranges, addresses, string escapes, and the
 * syntax errors bad bytes give, each at its exact column. */
#include "unit.h"
#include "parser.h"

typedef struct {
    arena mem;
    diag_sink diags;
    raw_token *t;
    size_t n;
    bool ok;
} lexed;

/* Scan len bytes of text (it may hold NUL bytes). */
static void lex_n(lexed *l, const char *text, size_t len)
{
    arena_init(&l->mem);
    diag_init(&l->diags, &l->mem);
    source *src = source_new(&l->mem, "t.ports", "", ".", arena_strndup(&l->mem, text, len),
                             len, 0);
    l->ok = parse_tokens(&l->mem, &l->diags, src, &l->t, &l->n);
}

static void lex(lexed *l, const char *text) { lex_n(l, text, strlen(text)); }

static void expect_tok(const lexed *l, size_t i, int kind, const char *text, int line,
                       int col, int end_line, int end_col)
{
    assert_true(i < l->n);
    assert_int_equal(l->t[i].kind, kind);
    assert_string_equal(l->t[i].text, text);
    assert_int_equal(loc_line(l->t[i].where), line);
    assert_int_equal(loc_col(l->t[i].where), col);
    assert_int_equal(loc_end_line(l->t[i].where), end_line);
    assert_int_equal(loc_end_col(l->t[i].where), end_col);
}

/* The one syntax error a bad input gives: check, line, column, message part. */
static void expect_error(const lexed *l, int line, int col, const char *part)
{
    assert_false(l->ok);
    assert_int_equal(l->diags.count, 1);
    const diag *d = l->diags.items[0];
    assert_int_equal(d->sev, SEV_ERROR);
    assert_int_equal(d->check, CK_SYNTAX);
    assert_int_equal(loc_line(d->where), line);
    assert_int_equal(loc_col(d->where), col);
    if (!strstr(d->message, part)) fail_msg("message '%s' lacks '%s'", d->message, part);
}

static void keywords_and_names(void **state)
{
    (void)state;
    lexed l;
    lex(&l, "system tcp udp zone role pool igloo_net _x9 tcpx");
    assert_true(l.ok);
    assert_int_equal(l.n, 9);
    int kinds[] = {KW_SYSTEM, KW_TCP, KW_UDP, KW_ZONE, KW_ROLE, KW_POOL, IDENT, IDENT, IDENT};
    for (size_t i = 0; i < 9; i++) assert_int_equal(l.t[i].kind, kinds[i]);
    expect_tok(&l, 6, IDENT, "igloo_net", 1, 31, 1, 39);
    expect_tok(&l, 8, IDENT, "tcpx", 1, 45, 1, 48);
    assert_int_equal(l.diags.count, 0);
    arena_free(&l.mem);
}

static void every_keyword_is_a_keyword(void **state)
{
    (void)state;
    /* Every KW_ token of parser.y, each with its flex rule. */
    static const struct { const char *w; int k; } kw[] = {
        {"allow", KW_ALLOW}, {"any", KW_ANY}, {"because", KW_BECAUSE}, {"count", KW_COUNT},
        {"dynamic", KW_DYNAMIC}, {"ephemeral", KW_EPHEMERAL}, {"even", KW_EVEN},
        {"from", KW_FROM}, {"group", KW_GROUP},
        {"host", KW_HOST}, {"import", KW_IMPORT}, {"in", KW_IN}, {"instance", KW_INSTANCE},
        {"is", KW_IS}, {"local", KW_LOCAL}, {"network", KW_NETWORK}, {"odd", KW_ODD},
        {"of", KW_OF}, {"on", KW_ON},
        {"optional", KW_OPTIONAL}, {"os", KW_OS}, {"param", KW_PARAM}, {"pool", KW_POOL},
        {"proto", KW_PROTO},
        {"role", KW_ROLE}, {"runs", KW_RUNS}, {"service", KW_SERVICE}, {"set", KW_SET},
        {"shared", KW_SHARED},
        {"site", KW_SITE}, {"system", KW_SYSTEM}, {"tcp", KW_TCP}, {"type", KW_TYPE},
        {"udp", KW_UDP}, {"up", KW_UP}, {"zone", KW_ZONE},
    };
    /* The KW_ tokens are declared in a row: the list above has them all. */
    assert_int_equal(sizeof kw / sizeof kw[0], KW_PROTO - KW_ALLOW + 1);
    for (size_t i = 0; i < sizeof kw / sizeof kw[0]; i++) {
        lexed l;
        lex(&l, kw[i].w);
        assert_true(l.ok);
        assert_int_equal(l.n, 1);
        assert_int_equal(l.t[0].kind, kw[i].k);
        assert_int_equal(loc_end_col(l.t[0].where), (int)strlen(kw[i].w));
        assert_true(parse_is_keyword(kw[i].w));
        arena_free(&l.mem);
    }
    /* Names beside keywords are not reserved. */
    static const char *const names[] = {"tcpx", "tc", "tcp-udp", "TCP", "zones", "i", "", "allow_"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        assert_false(parse_is_keyword(names[i]));
}

static void keywords_are_case_sensitive(void **state)
{
    (void)state;
    lexed l;
    lex(&l, "TCP Udp System");
    assert_true(l.ok);
    assert_int_equal(l.n, 3);
    for (size_t i = 0; i < 3; i++) assert_int_equal(l.t[i].kind, IDENT);
    arena_free(&l.mem);
}

static void kebab_words_are_one_name(void **state)
{
    (void)state;
    lexed l;
    lex(&l, "allow bind-conflict tcp-udp x");
    assert_true(l.ok);
    assert_int_equal(l.n, 4);
    expect_tok(&l, 0, KW_ALLOW, "allow", 1, 1, 1, 5);
    expect_tok(&l, 1, IDENT, "bind-conflict", 1, 7, 1, 19);
    /* a keyword with a dash suffix is a plain word, not 'tcp' '-' 'udp' */
    expect_tok(&l, 2, IDENT, "tcp-udp", 1, 21, 1, 27);
    arena_free(&l.mem);
}

static void arrow_after_a_name_is_not_part_of_it(void **state)
{
    (void)state;
    lexed l;
    lex(&l, "a->b<->c");
    assert_true(l.ok);
    assert_int_equal(l.n, 5);
    expect_tok(&l, 0, IDENT, "a", 1, 1, 1, 1);
    expect_tok(&l, 1, ARROW, "->", 1, 2, 1, 3);
    expect_tok(&l, 2, IDENT, "b", 1, 4, 1, 4);
    expect_tok(&l, 3, BIARROW, "<->", 1, 5, 1, 7);
    expect_tok(&l, 4, IDENT, "c", 1, 8, 1, 8);
    arena_free(&l.mem);
}

static void punctuation_tokens(void **state)
{
    (void)state;
    lexed l;
    lex(&l, "{ } ( ) ; , = : + - * . ..");
    assert_true(l.ok);
    const char *want = "{}();,=:+-*.";
    assert_int_equal(l.n, strlen(want) + 1);
    for (size_t i = 0; want[i]; i++) {
        assert_int_equal(l.t[i].kind, want[i]);
        assert_int_equal(loc_col(l.t[i].where), (int)(2 * i + 1));
    }
    expect_tok(&l, 12, DOTDOT, "..", 1, 25, 1, 26);
    arena_free(&l.mem);
}

static void numbers_and_dotdot(void **state)
{
    (void)state;
    lexed l;
    lex(&l, "1..5 9000 .. 9020");
    assert_true(l.ok);
    assert_int_equal(l.n, 6);
    expect_tok(&l, 0, NUMBER, "1", 1, 1, 1, 1);
    expect_tok(&l, 1, DOTDOT, "..", 1, 2, 1, 3);
    expect_tok(&l, 2, NUMBER, "5", 1, 4, 1, 4);
    expect_tok(&l, 3, NUMBER, "9000", 1, 6, 1, 9);
    expect_tok(&l, 4, DOTDOT, "..", 1, 11, 1, 12);
    expect_tok(&l, 5, NUMBER, "9020", 1, 14, 1, 17);
    arena_free(&l.mem);
}

static void port_range_is_one_token(void **state)
{
    (void)state;
    lexed l;
    lex(&l, "udp 16000-65536, 9000 - 9020");
    assert_true(l.ok);
    assert_int_equal(l.n, 6);
    expect_tok(&l, 0, KW_UDP, "udp", 1, 1, 1, 3);
    expect_tok(&l, 1, RANGE, "16000-65536", 1, 5, 1, 15);
    expect_tok(&l, 2, ',', ",", 1, 16, 1, 16);
    /* with spaces it is a subtraction: three tokens */
    expect_tok(&l, 3, NUMBER, "9000", 1, 18, 1, 21);
    expect_tok(&l, 4, '-', "-", 1, 23, 1, 23);
    expect_tok(&l, 5, NUMBER, "9020", 1, 25, 1, 28);
    arena_free(&l.mem);
}

static void range_value_split_at_the_dash(void **state)
{
    (void)state;
    /* The parser gives each half of a RANGE token its own span. */
    pipeline p;
    unit_parse(&p, "system s { role a; service x { udp 16000-65536 a -> a; } }");
    assert_int_equal(p.diags.count, 0);
    const port_item *pi = p.prog.systems->decls->next->flows->ports;
    assert_non_null(pi->hi);
    assert_int_equal(pi->lo->num, 16000);
    assert_int_equal(pi->hi->num, 65536);
    assert_int_equal(loc_col(pi->lo->where), 36);
    assert_int_equal(loc_end_col(pi->lo->where), 40);
    assert_int_equal(loc_col(pi->hi->where), 42);
    assert_int_equal(loc_end_col(pi->hi->where), 46);
    assert_int_equal(loc_col(pi->where), 36);
    assert_int_equal(loc_end_col(pi->where), 46);
    unit_free(&p);
}

static void addresses_with_and_without_prefix(void **state)
{
    (void)state;
    lexed l;
    lex(&l, "10.0.0.1 10.0.0.0/24 224.0.1.129 0.0.0.0/0");
    assert_true(l.ok);
    assert_int_equal(l.n, 4);
    expect_tok(&l, 0, ADDR, "10.0.0.1", 1, 1, 1, 8);
    expect_tok(&l, 1, ADDR, "10.0.0.0/24", 1, 10, 1, 20);
    expect_tok(&l, 2, ADDR, "224.0.1.129", 1, 22, 1, 32);
    expect_tok(&l, 3, ADDR, "0.0.0.0/0", 1, 34, 1, 42);
    arena_free(&l.mem);
}

static void address_values_reach_the_ast(void **state)
{
    (void)state;
    pipeline p;
    unit_parse(&p, "site s { network a.z 10.1.2.0/23; host h 192.168.0.7 { } }");
    assert_int_equal(p.diags.count, 0);
    const decl *net = p.prog.sites->decls, *h = net->next;
    assert_int_equal(net->value->kind, EX_ADDR);
    assert_int_equal(addr_v4_value(net->value->a), (10LL << 24) | (1 << 16) | (2 << 8));
    assert_int_equal(net->value->prefix, 23);
    assert_int_equal(addr_v4_value(h->value->a), (192LL << 24) | (168 << 16) | 7);
    assert_int_equal(h->value->prefix, 32);
    unit_free(&p);
}

static void param_token(void **state)
{
    (void)state;
    lexed l;
    lex(&l, "$start+$n_1");
    assert_true(l.ok);
    assert_int_equal(l.n, 3);
    expect_tok(&l, 0, PARAM, "$start", 1, 1, 1, 6);
    expect_tok(&l, 1, '+', "+", 1, 7, 1, 7);
    expect_tok(&l, 2, PARAM, "$n_1", 1, 8, 1, 11);
    arena_free(&l.mem);
}

static void string_token_span(void **state)
{
    (void)state;
    lexed l;
    lex(&l, "zone z \"Igloo \\\"net\\\"\";");
    assert_true(l.ok);
    assert_int_equal(l.n, 4);
    expect_tok(&l, 2, STRING, "\"Igloo \\\"net\\\"\"", 1, 8, 1, 22);
    expect_tok(&l, 3, ';', ";", 1, 23, 1, 23);
    arena_free(&l.mem);
}

static void line_comment_is_a_token(void **state)
{
    (void)state;
    lexed l;
    lex(&l, "zone a; # the net\n  role b;");
    assert_true(l.ok);
    assert_int_equal(l.n, 7);
    expect_tok(&l, 3, PARSE_COMMENT_TOKEN, "# the net", 1, 9, 1, 17);
    expect_tok(&l, 4, KW_ROLE, "role", 2, 3, 2, 6);
    expect_tok(&l, 6, ';', ";", 2, 9, 2, 9);
    arena_free(&l.mem);
}

static void block_comment_over_lines_is_one_token(void **state)
{
    (void)state;
    lexed l;
    lex(&l, "a /* one\n two * three */ b");
    assert_true(l.ok);
    assert_int_equal(l.n, 3);
    expect_tok(&l, 0, IDENT, "a", 1, 1, 1, 1);
    expect_tok(&l, 1, PARSE_COMMENT_TOKEN, "/* one\n two * three */", 1, 3, 2, 15);
    expect_tok(&l, 2, IDENT, "b", 2, 17, 2, 17);
    arena_free(&l.mem);
}

static void comments_are_skipped_by_the_parser(void **state)
{
    (void)state;
    pipeline p;
    unit_parse(&p, "# head\nsystem /* x */ s { # y\n role /* {{ */ a; }");
    assert_int_equal(p.diags.count, 0);
    assert_non_null(p.prog.systems);
    assert_string_equal(p.prog.systems->decls->name, "a");
    assert_int_equal(loc_line(p.prog.systems->decls->name_loc), 3);
    assert_int_equal(loc_col(p.prog.systems->decls->name_loc), 16);
    unit_free(&p);
}

static void tabs_and_crlf_count_as_one_column(void **state)
{
    (void)state;
    lexed l;
    lex(&l, "\tzone\r\n\t\tz;");
    assert_true(l.ok);
    assert_int_equal(l.n, 3);
    expect_tok(&l, 0, KW_ZONE, "zone", 1, 2, 1, 5);
    expect_tok(&l, 1, IDENT, "z", 2, 3, 2, 3);
    expect_tok(&l, 2, ';', ";", 2, 4, 2, 4);
    arena_free(&l.mem);
}

static void utf8_columns_are_bytes(void **state)
{
    (void)state;
    lexed l;
    lex(&l, "\"\xc3\xa9t\xc3\xa9\" x");   /* "été": 5 bytes between quotes */
    assert_true(l.ok);
    assert_int_equal(l.n, 2);
    assert_int_equal(l.t[0].kind, STRING);
    assert_int_equal(loc_end_col(l.t[0].where), 7);
    expect_tok(&l, 1, IDENT, "x", 1, 9, 1, 9);
    arena_free(&l.mem);
}

static void string_escapes_are_decoded(void **state)
{
    (void)state;
    pipeline p;
    unit_parse(&p, "system s \"a\\\"b\\\\c\\nd\\te\" { }");
    assert_int_equal(p.diags.count, 0);
    assert_non_null(p.prog.systems);
    assert_string_equal(p.prog.systems->desc, "a\"b\\c\nd\te");
    unit_free(&p);
}

static void string_utf8_is_kept(void **state)
{
    (void)state;
    pipeline p;
    unit_parse(&p, "system s \"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x8e\xb5\" { }");
    assert_int_equal(p.diags.count, 0);
    assert_string_equal(p.prog.systems->desc, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x8e\xb5");
    unit_free(&p);
}

static void empty_string(void **state)
{
    (void)state;
    pipeline p;
    unit_parse(&p, "system s \"\" { }");
    assert_int_equal(p.diags.count, 0);
    assert_string_equal(p.prog.systems->desc, "");
    unit_free(&p);
}

static void unterminated_string(void **state)
{
    (void)state;
    lexed l;
    lex(&l, "zone z \"Igloo;\nrole r;");
    expect_error(&l, 1, 8, "unterminated string");
    arena_free(&l.mem);
}

static void unterminated_string_ending_in_backslash(void **state)
{
    (void)state;
    lexed l;
    lex(&l, "  \"abc\\");
    expect_error(&l, 1, 3, "unterminated string");
    arena_free(&l.mem);
}

static void unknown_escape_points_at_the_backslash(void **state)
{
    (void)state;
    lexed l;
    lex(&l, "zone z \"ab\\qc\";");
    expect_error(&l, 1, 11, "unknown escape '\\q'");
    assert_int_equal(loc_end_col(l.diags.items[0]->where), 12);
    arena_free(&l.mem);
}

static void raw_tab_in_string_is_an_error(void **state)
{
    (void)state;
    lexed l;
    lex(&l, "zone z \"a\tb\";");
    expect_error(&l, 1, 10, "control character");
    arena_free(&l.mem);
}

static void invalid_utf8_in_string(void **state)
{
    (void)state;
    lexed l;
    lex(&l, "x \"ab\xc3(\"");           /* lead byte without its continuation */
    expect_error(&l, 1, 6, "invalid UTF-8");
    arena_free(&l.mem);
    lex(&l, "\"\xed\xa0\x80\"");         /* UTF-16 surrogate, not valid UTF-8 */
    expect_error(&l, 1, 2, "invalid UTF-8");
    arena_free(&l.mem);
    lex(&l, "\"\xc0\xaf\"");             /* overlong encoding */
    expect_error(&l, 1, 2, "invalid UTF-8");
    arena_free(&l.mem);
}

static void nul_byte_is_an_invalid_character(void **state)
{
    (void)state;
    lexed l;
    lex_n(&l, "zone a\0;", 8);
    expect_error(&l, 1, 7, "byte 0x00");
    assert_int_equal(l.n, 2);
    arena_free(&l.mem);
}

static void stray_characters(void **state)
{
    (void)state;
    lexed l;
    lex(&l, "role a; @");
    expect_error(&l, 1, 9, "invalid character '@'");
    arena_free(&l.mem);
    lex(&l, "\n  a < b");
    expect_error(&l, 2, 5, "invalid character '<'");
    arena_free(&l.mem);
    lex(&l, "x \x1b");
    expect_error(&l, 1, 3, "byte 0x1b");
    arena_free(&l.mem);
}

static void bad_addresses(void **state)
{
    (void)state;
    lexed l;
    lex(&l, "host h 10.0.0.256;");
    expect_error(&l, 1, 8, "invalid IPv4 address '10.0.0.256'");
    arena_free(&l.mem);
    lex(&l, "host h 10.0.1;");
    expect_error(&l, 1, 8, "invalid IPv4 address");
    arena_free(&l.mem);
    lex(&l, "host h 1.2.3.4.5;");
    expect_error(&l, 1, 8, "invalid IPv4 address");
    arena_free(&l.mem);
    lex(&l, "  10.0.0.0/33");
    expect_error(&l, 1, 3, "invalid prefix length in '10.0.0.0/33'");
    arena_free(&l.mem);
}

static void address_with_host_bits_set(void **state)
{
    (void)state;
    lexed l;
    lex(&l, "network a.z 10.0.10.5/24;");
    expect_error(&l, 1, 13, "'10.0.10.5/24' has host bits set");
    arena_free(&l.mem);
    lex(&l, "x 192.168.1.1/0");
    expect_error(&l, 1, 3, "'192.168.1.1/0' has host bits set");
    arena_free(&l.mem);
}

static void host_bits_message_suggests_the_network(void **state)
{
    (void)state;
    lexed l;
    lex(&l, "network a.z 10.0.10.5/24;");
    expect_error(&l, 1, 13, "'10.0.10.5/24' has host bits set; did you mean '10.0.10.0/24'?");
    arena_free(&l.mem);
    lex(&l, "x 192.168.1.1/0");
    expect_error(&l, 1, 3, "did you mean '0.0.0.0/0'?");
    arena_free(&l.mem);
    lex(&l, "x 239.255.255.255/4");
    expect_error(&l, 1, 3, "did you mean '224.0.0.0/4'?");
    arena_free(&l.mem);
}

static void prefix_32_and_0_are_fine(void **state)
{
    (void)state;
    lexed l;
    lex(&l, "10.0.0.7/32 0.0.0.0/0 255.255.255.255");
    assert_true(l.ok);
    assert_int_equal(l.n, 3);
    for (size_t i = 0; i < 3; i++) assert_int_equal(l.t[i].kind, ADDR);
    arena_free(&l.mem);
}

static void number_limits(void **state)
{
    (void)state;
    lexed l;
    lex(&l, "2147483647");
    assert_true(l.ok);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.t[0].kind, NUMBER);
    arena_free(&l.mem);
    lex(&l, "tcp 2147483648");
    expect_error(&l, 1, 5, "too large");
    arena_free(&l.mem);
    lex(&l, "tcp 1-99999999999");
    expect_error(&l, 1, 5, "too large");
    arena_free(&l.mem);
}

static void number_glued_to_letters(void **state)
{
    (void)state;
    lexed l;
    lex(&l, "tcp 80x a");
    expect_error(&l, 1, 5, "invalid number '80x'");
    arena_free(&l.mem);
}

static void lone_dollar(void **state)
{
    (void)state;
    lexed l;
    lex(&l, "tcp $ 1");
    expect_error(&l, 1, 5, "'$' must be followed by a parameter name");
    arena_free(&l.mem);
}

static void unterminated_block_comment_points_at_opening(void **state)
{
    (void)state;
    lexed l;
    lex(&l, "zone a;\n  /* never\n closed");
    expect_error(&l, 2, 3, "unterminated comment");
    arena_free(&l.mem);
}

static void wrong_arrows(void **state)
{
    (void)state;
    static const struct { const char *text, *shown; } bad[] = {
        {"a => b", "'=>'"}, {"a --> b", "'-->'"}, {"a <- b", "'<-'"}, {"a <=> b", "'<=>'"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        lexed l;
        lex(&l, bad[i].text);
        expect_error(&l, 1, 3, bad[i].shown);
        assert_non_null(strstr(l.diags.items[0]->message, "is not an arrow"));
        assert_int_equal(l.n, 1);
        arena_free(&l.mem);
    }
}

static void lexical_errors_reach_parse_diagnostics(void **state)
{
    (void)state;
    /* Through the parser the same error appears once, not twice. */
    pipeline p;
    unit_parse(&p, "system s { zone z \"open;\n role r; }");
    assert_int_equal(p.diags.count, 1);
    assert_int_equal(p.diags.items[0]->check, CK_SYNTAX);
    assert_int_equal(loc_line(p.diags.items[0]->where), 1);
    assert_int_equal(loc_col(p.diags.items[0]->where), 19);
    unit_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(keywords_and_names),
        cmocka_unit_test(every_keyword_is_a_keyword),
        cmocka_unit_test(keywords_are_case_sensitive),
        cmocka_unit_test(kebab_words_are_one_name),
        cmocka_unit_test(arrow_after_a_name_is_not_part_of_it),
        cmocka_unit_test(punctuation_tokens),
        cmocka_unit_test(numbers_and_dotdot),
        cmocka_unit_test(port_range_is_one_token),
        cmocka_unit_test(range_value_split_at_the_dash),
        cmocka_unit_test(addresses_with_and_without_prefix),
        cmocka_unit_test(address_values_reach_the_ast),
        cmocka_unit_test(param_token),
        cmocka_unit_test(string_token_span),
        cmocka_unit_test(line_comment_is_a_token),
        cmocka_unit_test(block_comment_over_lines_is_one_token),
        cmocka_unit_test(comments_are_skipped_by_the_parser),
        cmocka_unit_test(tabs_and_crlf_count_as_one_column),
        cmocka_unit_test(utf8_columns_are_bytes),
        cmocka_unit_test(string_escapes_are_decoded),
        cmocka_unit_test(string_utf8_is_kept),
        cmocka_unit_test(empty_string),
        cmocka_unit_test(unterminated_string),
        cmocka_unit_test(unterminated_string_ending_in_backslash),
        cmocka_unit_test(unknown_escape_points_at_the_backslash),
        cmocka_unit_test(raw_tab_in_string_is_an_error),
        cmocka_unit_test(invalid_utf8_in_string),
        cmocka_unit_test(nul_byte_is_an_invalid_character),
        cmocka_unit_test(stray_characters),
        cmocka_unit_test(bad_addresses),
        cmocka_unit_test(address_with_host_bits_set),
        cmocka_unit_test(host_bits_message_suggests_the_network),
        cmocka_unit_test(prefix_32_and_0_are_fine),
        cmocka_unit_test(number_limits),
        cmocka_unit_test(number_glued_to_letters),
        cmocka_unit_test(lone_dollar),
        cmocka_unit_test(unterminated_block_comment_points_at_opening),
        cmocka_unit_test(wrong_arrows),
        cmocka_unit_test(lexical_errors_reach_parse_diagnostics),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
