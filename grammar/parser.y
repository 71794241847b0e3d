/* parser.y: the berth grammar. Takes tokens from lexer.l, gives AST nodes
 * (ast.h) appended to the program. Pure, with locations and LAC; a custom
 * reporter lists every expected token; recovery at ';' and '}' so one run
 * reports every syntax error of a file (up to PARSE_MAX_ERRORS).
 * Semantic values live in the arena, so no %destructor is needed. */
%require "3.8"
%define api.pure full
%define api.prefix {berth_yy}
%define api.location.type {loc}
%define parse.error custom
%define parse.lac full
%locations
%expect 0
%param {yyscan_t scanner}
%parse-param {parse_ctx *pc}

%code requires {
#include <stdint.h>
#include "ast.h"
#ifndef YY_TYPEDEF_YY_SCANNER_T
#define YY_TYPEDEF_YY_SCANNER_T
typedef void *yyscan_t;
#endif
struct parse_ctx;
typedef struct parse_ctx parse_ctx;
typedef struct ref_list ref_list;
#define YYLLOC_DEFAULT(Cur, Rhs, N) do {                                  \
        if (N) {                                                          \
            (Cur) = YYRHSLOC(Rhs, 1);                                     \
            (Cur).end = YYRHSLOC(Rhs, N).end;                             \
        } else {                                                          \
            (Cur) = YYRHSLOC(Rhs, 0);                                     \
            (Cur).start = (Cur).end;                                      \
        }                                                                 \
    } while (0)
}

%code provides {
#define YYSTYPE BERTH_YYSTYPE
#define YYLTYPE BERTH_YYLTYPE
int berth_yylex(BERTH_YYSTYPE *yylval, loc *yylloc, yyscan_t scanner);
}

%code {
#include <string.h>
#include "parse.h"
#include "build.h"
static void berth_yyerror(loc *where, yyscan_t scanner, parse_ctx *pc, const char *msg);
}

%union {
    int64_t num;
    const char *str;
    struct { int64_t lo, hi; int lo_len; } range;
    struct { addr a; int prefix; } ip;
    unsigned protos;
    bool flag;
    ref r;
    expr *ex;
    port_item *port;
    endpoint *ep;
    scope *sc;
    flow_decl *flow;
    decl *dcl;
    ref_list *refs;
    waiver_decl *waiver;
    icmp_type_item *types;
    system_decl *sys;
    site_decl *site;
}

%token <num> NUMBER "number"
%token <range> RANGE "port range"
%token <ip> ADDR "address"
%token <str> STRING "string" IDENT "name" PARAM "parameter"
%token ARROW "->" BIARROW "<->" DOTDOT ".."
%token KW_ALLOW "allow" KW_ANY "any" KW_BECAUSE "because" KW_COUNT "count"
       KW_DYNAMIC "dynamic" KW_EPHEMERAL "ephemeral" KW_EVEN "even" KW_FROM "from" KW_GROUP "group" KW_HOST "host"
       KW_IMPORT "import" KW_IN "in" KW_INSTANCE "instance" KW_LOCAL "local"
       KW_NETWORK "network" KW_ODD "odd" KW_OF "of" KW_ON "on" KW_OPTIONAL "optional" KW_OS "os"
       KW_PARAM "param" KW_POOL "pool" KW_ROLE "role" KW_RUNS "runs"
       KW_SERVICE "service" KW_SET "set" KW_SHARED "shared" KW_SITE "site"
       KW_SYSTEM "system" KW_TCP "tcp" KW_UDP "udp" KW_UP "up" KW_ZONE "zone"
       KW_IS "is" KW_TYPE "type" KW_PROTO "proto"

%type <str> opt_desc
%type <protos> protos
%type <protos> flow_attrs port_suffixes
%type <r> ref
%type <ex> expr value group_addr
%type <port> port port_range ports opt_from ip_ports
%type <flow> ipproto
%type <types> icmp_types
%type <ep> endpoint endpoints
%type <sc> scope scopes opt_scopes
%type <flow> flow flows
%type <dcl> sys_item sys_items role_items service site_item site_items
%type <dcl> inst_items host_items host_item set_stmt
%type <refs> refs opt_refs
%type <r> opt_on opt_alias
%type <waiver> waiver
%type <sys> system
%type <site> site

%left '+' '-'
%left '*'

%%

policy
    : items
    ;

items
    : item
    | items item
    ;

item
    : import
    | system                { build_add_system(pc, $1); }
    | site                  { build_add_site(pc, $1); }
    | waiver                { build_add_waiver(pc, $1); }
    | error ';'             { yyerrok; }
    | error '}'             /* no yyerrok: `}}}` is one mistake */
    ;

import
    : "import" STRING ';'   { build_import(pc, @$, $2, @2); }
    ;

opt_desc
    : %empty                { $$ = NULL; }
    | STRING
    ;

/* ---- systems ---- */

system
    : "system" IDENT opt_desc '{' sys_items '}'         { $$ = build_system(pc, @$, $2, @2, $3, $5); }
    | "system" IDENT opt_desc '{' sys_items error '}'   { $$ = build_system(pc, @$, $2, @2, $3, $5); yyerrok; }
    ;

sys_items
    : %empty                { $$ = NULL; }
    | sys_items sys_item    { $$ = build_append_decl($1, $2); }
    | sys_items error ';'   { $$ = $1; yyerrok; }
    ;

sys_item
    : "zone" IDENT opt_desc ';'
            { $$ = build_decl(pc, D_ZONE, @$, $2, @2, $3); }
    | "role" IDENT opt_desc ';'
            { $$ = build_decl(pc, D_ROLE, @$, $2, @2, $3); }
    | "role" IDENT opt_desc '{' role_items '}'
            { $$ = build_role(pc, @$, $2, @2, $3, $5); }
    | "param" IDENT opt_desc ';'
            { $$ = build_param(pc, @$, $2, @2, NULL, @2, NULL, $3); }
    | "param" IDENT ':' IDENT opt_desc ';'
            { $$ = build_param(pc, @$, $2, @2, $4, @4, NULL, $5); }
    | "param" IDENT ':' "group" opt_desc ';'
            { $$ = build_param(pc, @$, $2, @2, "group", @4, NULL, $5); }
    | "param" IDENT '=' value opt_desc ';'
            { $$ = build_param(pc, @$, $2, @2, NULL, @2, $4, $5); }
    | "param" IDENT ':' IDENT '=' value opt_desc ';'
            { $$ = build_param(pc, @$, $2, @2, $4, @4, $6, $7); }
    | "param" IDENT ':' "group" '=' value opt_desc ';'
            { $$ = build_param(pc, @$, $2, @2, "group", @4, $6, $7); }
    | "pool" IDENT '=' value "count" expr opt_desc ';'
            { $$ = build_pool(pc, @$, $2, @2, $4, $6, $7); }
    | service
    ;

role_items
    : %empty                { $$ = NULL; }
    | role_items "os" IDENT ';'
            { $$ = build_role_os(pc, $1, $3, @3); }
    | role_items error ';'  { $$ = $1; yyerrok; }
    ;

service
    : "service" IDENT opt_desc opt_alias '{' flows '}'
            { $$ = build_service(pc, @$, $2, @2, $3, $4, $6); }
    | "service" IDENT opt_desc opt_alias '{' flows error '}'
            { $$ = build_service(pc, @$, $2, @2, $3, $4, $6); yyerrok; }
    ;

/* `is dante.audio_control`: the same software as another system's service. */
opt_alias
    : %empty                { $$ = (ref){ @$, NULL, NULL }; }
    | "is" ref              { $$ = $2; }
    ;

flows
    : %empty                { $$ = NULL; }
    | flows flow            { $$ = build_append_flow($1, $2); }
    | flows error ';'       { $$ = $1; yyerrok; }
    ;

flow
    : protos ports opt_from endpoints ARROW endpoints opt_scopes flow_attrs ';'
            { $$ = build_flow(pc, @$, $1, $2, $3, $4, false, $6, $7, $8); }
    | protos ports opt_from endpoints BIARROW endpoints opt_scopes flow_attrs ';'
            { $$ = build_flow(pc, @$, $1, $2, $3, $4, true, $6, $7, $8); }
    | protos "from" ports endpoints ARROW endpoints opt_scopes flow_attrs ';'
            { $$ = build_flow(pc, @$, $1, NULL, $3, $4, false, $6, $7, $8); }
    | protos "from" ports endpoints BIARROW endpoints opt_scopes flow_attrs ';'
            { $$ = build_flow(pc, @$, $1, NULL, $3, $4, true, $6, $7, $8); }
    | ipproto ip_ports endpoints ARROW endpoints opt_scopes flow_attrs ';'
            { $$ = build_ip_flow(pc, @$, $1, $2, $3, false, $5, $6, $7, @7); }
    | ipproto ip_ports endpoints BIARROW endpoints opt_scopes flow_attrs ';'
            { $$ = build_ip_flow(pc, @$, $1, $2, $3, true, $5, $6, $7, @7); }
    ;

/* An IP protocol without ports, looked up by name in proto.c's table (so
 * its names are not reserved words), or by number. */
ipproto
    : IDENT                 { $$ = build_ipproto_name(pc, @1, $1, NULL); }
    | IDENT "type" icmp_types
                            { $$ = build_ipproto_name(pc, @1, $1, $3); }
    | "proto" NUMBER        { $$ = build_ipproto_number(pc, @$, $2, @2); }
    ;

icmp_types
    : NUMBER                { $$ = build_icmp_type(pc, @1, $1, NULL); }
    | IDENT                 { $$ = build_icmp_type_name(pc, @1, $1); }
    | icmp_types ',' NUMBER { $$ = build_icmp_type(pc, @3, $3, $1); }
    | icmp_types ',' IDENT  { $$ = build_append_icmp_type($1, build_icmp_type_name(pc, @3, $3)); }
    ;

/* Ports on a protocol that has none: parsed so the error can say so. */
ip_ports
    : %empty                { $$ = NULL; }
    | ports opt_from        { $$ = $1; }
    | "from" ports          { $$ = $2; }
    ;

protos
    : "tcp"                 { $$ = PROTO_TCP; }
    | "udp"                 { $$ = PROTO_UDP; }
    | "tcp" '+' "udp"       { $$ = PROTO_TCP | PROTO_UDP; }
    | "udp" '+' "tcp"       { $$ = PROTO_TCP | PROTO_UDP; }
    ;

opt_from
    : %empty                { $$ = NULL; }
    | "from" ports          { $$ = $2; }
    ;

ports
    : port
    | ports ',' port        { $$ = build_append_port($1, $3); }
    ;

/* A port item: a number or range with its suffixes (`5960 up`,
 * `5004-5100 even`, `16384-32767 dynamic`), or the host's `ephemeral` range. */
port
    : port_range port_suffixes  { $$ = build_port_suffixes(pc, @$, $1, $2, @2); }
    | "ephemeral"           { $$ = build_port_ephemeral(pc, @$); }
    ;

port_range
    : expr                  { $$ = build_port(pc, @$, $1, NULL); }
    | expr ".." expr        { $$ = build_port(pc, @$, $1, $3); }
    | RANGE                 { $$ = build_range_token(pc, @1, $1.lo, $1.hi, $1.lo_len); }
    ;

port_suffixes
    : %empty                { $$ = 0; }
    | port_suffixes "up"    { $$ = build_suffix(pc, $1, PORT_SFX_UP, "up", @2); }
    | port_suffixes "dynamic"   { $$ = build_suffix(pc, $1, PORT_SFX_DYNAMIC, "dynamic", @2); }
    | port_suffixes "even"  { $$ = build_suffix(pc, $1, PORT_SFX_EVEN, "even", @2); }
    | port_suffixes "odd"   { $$ = build_suffix(pc, $1, PORT_SFX_ODD, "odd", @2); }
    ;

expr
    : NUMBER                { $$ = build_num(pc, @$, $1); }
    | PARAM                 { $$ = build_param_ref(pc, @$, $1); }
    | '(' expr ')'          { $$ = $2; }
    | expr '+' expr         { $$ = build_binary(pc, @$, EX_ADD, $1, $3); }
    | expr '-' expr         { $$ = build_binary(pc, @$, EX_SUB, $1, $3); }
    | expr '*' expr         { $$ = build_binary(pc, @$, EX_MUL, $1, $3); }
    ;

value
    : expr
    | ADDR                  { $$ = build_addr(pc, @$, $1.a, $1.prefix); }
    ;

endpoints
    : endpoint
    | endpoints ',' endpoint    { $$ = build_append_endpoint($1, $3); }
    ;

endpoint
    : ref                   { $$ = build_endpoint_name(pc, @$, $1); }
    | "any"                 { $$ = build_endpoint(pc, @$, EP_ANY, NULL, NULL); }
    | ADDR                  { $$ = build_endpoint(pc, @$, EP_ADDR,
                                  build_addr(pc, @1, $1.a, $1.prefix), NULL); }
    | ADDR '-' ADDR         { $$ = build_endpoint(pc, @$, EP_ADDR,
                                  build_addr(pc, @1, $1.a, $1.prefix),
                                  build_addr(pc, @3, $3.a, $3.prefix)); }
    | "group" group_addr    { $$ = build_endpoint(pc, @$, EP_GROUP, $2, NULL); }
    | "group" ADDR '-' ADDR { $$ = build_endpoint(pc, @$, EP_GROUP,
                                  build_addr(pc, @2, $2.a, $2.prefix),
                                  build_addr(pc, @4, $4.a, $4.prefix)); }
    ;

group_addr
    : ADDR                  { $$ = build_addr(pc, @$, $1.a, $1.prefix); }
    | PARAM                 { $$ = build_param_ref(pc, @$, $1); }
    ;

ref
    : IDENT                 { $$ = (ref){ @$, NULL, $1 }; }
    | IDENT '.' IDENT       { $$ = (ref){ @$, $1, $3 }; }
    ;

opt_scopes
    : %empty                { $$ = NULL; }
    | "in" scopes           { $$ = $2; }
    ;

scopes
    : scope
    | scopes ',' scope      { $$ = build_append_scope($1, $3); }
    ;

scope
    : ref                   { $$ = build_scope(pc, $1, false); }
    | ref "optional"        { $$ = build_scope(pc, $1, true); }
    ;

/* After the scopes: `local`, `dynamic`, `shared`, in any order. Its
 * place starts at the first word (an IP protocol's error points there). */
flow_attrs
    : %empty                { $$ = 0; }
    | flow_attrs "local"    { $$ = build_flow_attr(pc, $1, FLOW_LOCAL, "local", @2);
                              if (!$1) @$ = @2; }
    | flow_attrs "dynamic"  { $$ = build_flow_attr(pc, $1, FLOW_DYNAMIC, "dynamic", @2);
                              if (!$1) @$ = @2; }
    | flow_attrs "shared"   { $$ = build_flow_attr(pc, $1, FLOW_SHARED, "shared", @2);
                              if (!$1) @$ = @2; }
    ;

/* ---- sites ---- */

site
    : "site" IDENT opt_desc '{' site_items '}'          { $$ = build_site(pc, @$, $2, @2, $3, $5); }
    | "site" IDENT opt_desc '{' site_items error '}'    { $$ = build_site(pc, @$, $2, @2, $3, $5); yyerrok; }
    ;

site_items
    : %empty                { $$ = NULL; }
    | site_items site_item  { $$ = build_append_decl($1, $2); }
    | site_items waiver     { $$ = $1; build_site_waiver(pc, $2); }
    | site_items error ';'  { $$ = $1; yyerrok; }
    ;

site_item
    : "network" ref ADDR ';'
            { $$ = build_network(pc, @$, $2, build_addr(pc, @3, $3.a, $3.prefix)); }
    | set_stmt
    | "instance" IDENT "of" ref ';'
            { $$ = build_instance(pc, @$, $2, @2, $4, NULL); }
    | "instance" IDENT "of" ref '{' inst_items '}'
            { $$ = build_instance(pc, @$, $2, @2, $4, $6); }
    | "host" IDENT ADDR '{' host_items '}'
            { $$ = build_host(pc, @$, $2, @2, build_addr(pc, @3, $3.a, $3.prefix), NULL, $5); }
    | "host" IDENT ADDR ',' ADDR '{' host_items '}'
            { $$ = build_host(pc, @$, $2, @2, build_addr(pc, @3, $3.a, $3.prefix),
                              build_addr(pc, @5, $5.a, $5.prefix), $7); }
    ;

set_stmt
    : "set" ref '=' value ';'   { $$ = build_set(pc, @$, $2, $4); }
    ;

inst_items
    : %empty                { $$ = NULL; }
    | inst_items set_stmt   { $$ = build_append_decl($1, $2); }
    | inst_items error ';'  { $$ = $1; yyerrok; }
    ;

host_items
    : %empty                { $$ = build_host_props(pc); }
    | host_items host_item  { $$ = $1; }
    | host_items error ';'  { $$ = $1; yyerrok; }
    ;

host_item
    : "os" IDENT ';'        { $$ = build_host_os(pc, $<dcl>0, $2, @2); }
    | "runs" refs ';'       { $$ = build_host_runs(pc, $<dcl>0, $2); }
    | "ephemeral" port_range ';'    { $$ = build_host_ephemeral(pc, $<dcl>0, $2); }
    ;

refs
    : ref                   { $$ = build_ref_list(pc, NULL, $1); }
    | refs ',' ref          { $$ = build_ref_list(pc, $1, $3); }
    ;

/* ---- waivers ---- */

waiver
    : "allow" IDENT opt_refs opt_on "because" STRING ';'
            { $$ = build_waiver(pc, @$, $2, @2, $3, $4, $6); }
    ;

opt_refs
    : %empty                { $$ = NULL; }
    | refs
    ;

opt_on
    : %empty                { $$ = (ref){ @$, NULL, NULL }; }
    | "on" ref              { $$ = $2; }
    ;

%%

/* Token names as a user reads them: keywords and punctuation quoted,
 * token classes ("number", "name") bare. */
static const char *shown_name(yysymbol_kind_t kind, char *buf, size_t n)
{
    const char *name = yysymbol_name(kind);
    if (kind == YYSYMBOL_YYEOF) return "end of file";
    bool is_class = kind == YYSYMBOL_NUMBER || kind == YYSYMBOL_RANGE ||
                    kind == YYSYMBOL_ADDR || kind == YYSYMBOL_STRING ||
                    kind == YYSYMBOL_IDENT || kind == YYSYMBOL_PARAM;
    if (is_class || name[0] == '\'') return name;  /* classes bare; ';' already quoted */
    snprintf(buf, n, "'%s'", name);
    return buf;
}

/* The keywords are the KW_ tokens, declared in a row from KW_ALLOW to
 * KW_PROTO; the scanner has one rule for each. */
bool parse_is_keyword(const char *s)
{
    size_t n = strlen(s);
    for (int k = YYSYMBOL_KW_ALLOW; k <= YYSYMBOL_KW_PROTO; k++) {
        const char *name = yysymbol_name((yysymbol_kind_t)k);
        if (name[0] == '"') name++;          /* bison may keep the alias's quotes */
        if (strncmp(name, s, n) == 0 && (name[n] == '\0' || (name[n] == '"' && name[n + 1] == '\0')))
            return true;
    }
    return false;
}

static bool expects(const yysymbol_kind_t *v, int n, yysymbol_kind_t k)
{
    for (int i = 0; i < n; i++)
        if (v[i] == k) return true;
    return false;
}

/* Likely mistakes with their own message (jq's error productions, done in
 * the reporter so the grammar stays conflict-free): a keyword where a name
 * goes, and `5960+` for "5960 and up". True when one was reported. */
static bool report_hint(parse_ctx *pc, const yysymbol_kind_t *expected, int n,
                        yysymbol_kind_t got, loc where)
{
    char word[32];
    snprintf(word, sizeof word, "%.*s", (int)(pc->cur_len < 31 ? pc->cur_len : 31), pc->cur_text);
    /* A port suffix after `ephemeral` is a misplaced suffix, not a name:
     * the plain message says what may follow. */
    bool suffix = got == YYSYMBOL_KW_UP || got == YYSYMBOL_KW_DYNAMIC ||
                  got == YYSYMBOL_KW_EVEN || got == YYSYMBOL_KW_ODD;
    bool misplaced_suffix = suffix && pc->kinds[1] == KW_EPHEMERAL;
    if (expects(expected, n, YYSYMBOL_IDENT) && got != YYSYMBOL_IDENT && !misplaced_suffix &&
        parse_is_keyword(word)) {
        parse_error(pc, where, "'%s' is a reserved word; rename it, e.g. '%s_'", word, word);
        return true;
    }
    bool value_next = expects(expected, n, YYSYMBOL_NUMBER) && expects(expected, n, YYSYMBOL_PARAM);
    if (value_next && pc->kinds[1] == '+' && pc->kinds[2] == NUMBER && got != YYSYMBOL_NUMBER &&
        got != YYSYMBOL_PARAM && got != YYSYMBOL_YYEOF) {
        parse_error(pc, pc->prev_tok, "'%s+' is not a port: for %s and every port above it write "
                    "'%s up' (allocated upward at run time), or a fixed range '%s-65535'",
                    pc->last_number, pc->last_number, pc->last_number, pc->last_number);
        return true;
    }
    return false;
}

static int yyreport_syntax_error(const yypcontext_t *ctx, yyscan_t scanner, parse_ctx *pc)
{
    (void)scanner;
    enum { MAX_EXPECTED = 64 };
    yysymbol_kind_t expected[MAX_EXPECTED];
    int n = yypcontext_expected_tokens(ctx, expected, MAX_EXPECTED);
    yysymbol_kind_t got = yypcontext_token(ctx);
    loc where = *yypcontext_location(ctx);
    if (report_hint(pc, expected, n, got, where)) return 0;
    char msg[2048], buf[64];
    size_t len = 0;
    const char *got_name = shown_name(got, buf, sizeof buf);
    if (got == YYSYMBOL_IDENT || got == YYSYMBOL_NUMBER || got == YYSYMBOL_PARAM)
        len += (size_t)snprintf(msg, sizeof msg, "unexpected %s '%.*s'", got_name,
                                (int)(pc->cur_len > 40 ? 40 : pc->cur_len), pc->cur_text);
    else
        len += (size_t)snprintf(msg, sizeof msg, "unexpected %s", got_name);
    bool wants_semicolon = false;
    for (int i = 0; i < n && len < sizeof msg - 80; i++) {
        wants_semicolon |= strcmp(yysymbol_name(expected[i]), "';'") == 0;
        len += (size_t)snprintf(msg + len, sizeof msg - len, "%s%s",
                                i == 0 ? ", expected " : i == n - 1 ? " or " : ", ",
                                shown_name(expected[i], buf, sizeof buf));
    }
    /* A statement that runs into the next line most likely lacks its ';':
     * point just past the previous token, as clang does. */
    if (wants_semicolon && got != YYSYMBOL_YYEOF && pc->prev_tok.src &&
        loc_end_line(pc->prev_tok) < loc_line(where)) {
        loc after = pc->prev_tok;
        after.start = after.end + 1;
        after.end = after.start;
        parse_error(pc, after, "expected ';' at end of statement (%s)", msg);
        return 0;
    }
    parse_error(pc, where, "%s", msg);
    if (got == YYSYMBOL_YYEOF && pc->depth > 0 && pc->errors <= PARSE_MAX_ERRORS) {
        diag *d = pc->diags->items[pc->diags->count - 1];
        diag_add_note(pc->diags, d, pc->open[pc->depth - 1], "to match this '%c'",
                      pc->open_ch[pc->depth - 1]);
    }
    return 0;
}

/* Only bison's own failures ("memory exhausted") arrive here; syntax errors
 * go through yyreport_syntax_error. */
static void berth_yyerror(loc *where, yyscan_t scanner, parse_ctx *pc, const char *msg)
{
    (void)scanner;
    parse_error(pc, *where, "%s", msg);
}
