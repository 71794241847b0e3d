/* parse.c: runs the scanner and parser over one in-memory source and
 * counts its syntax errors against the per-file cap. */
#include "parse.h"
#include <stdarg.h>
#include <stdio.h>
#include "parser.h"
#include "lexer.h"

void parse_error(parse_ctx *pc, loc where, const char *fmt, ...)
{
    if (pc->stopped) return;
    if (++pc->errors > PARSE_MAX_ERRORS) {
        diag_report(pc->diags, SEV_ERROR, CK_LIMIT, where,
                    "too many errors in this file; stopping (limit is %d)", PARSE_MAX_ERRORS);
        pc->stopped = true;
        return;
    }
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    diag_report(pc->diags, SEV_ERROR, CK_SYNTAX, where, "%s", msg);
}

bool parse_source(arena *mem, diag_sink *diags, const source *src, program *prog,
                  import_decl **imports)
{
    parse_ctx pc = {0};
    pc.mem = mem;
    pc.diags = diags;
    pc.src = src;
    pc.prog = prog;
    pc.imports_tail = &pc.imports;
    yyscan_t scanner;
    if (berth_yylex_init_extra(&pc, &scanner) != 0) {
        fputs("berth: out of memory\n", stderr);
        return false;
    }
    YY_BUFFER_STATE buf = berth_yy_scan_bytes(src->text, (int)src->len, scanner);
    int rc = berth_yyparse(scanner, &pc);
    berth_yy_delete_buffer(buf, scanner);
    berth_yylex_destroy(scanner);
    *imports = pc.imports;
    return rc == 0 && pc.errors == 0;
}

bool parse_tokens(arena *mem, diag_sink *diags, const source *src, raw_token **out,
                  size_t *n)
{
    parse_ctx pc = {0};
    pc.mem = mem;
    pc.diags = diags;
    pc.src = src;
    pc.keep_comments = true;
    yyscan_t scanner;
    if (berth_yylex_init_extra(&pc, &scanner) != 0) return false;
    YY_BUFFER_STATE buf = berth_yy_scan_bytes(src->text, (int)src->len, scanner);
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    BERTH_YYSTYPE val;
    loc where;
    int kind;
    while ((kind = berth_yylex(&val, &where, scanner)) != BERTH_YYEOF && kind != BERTH_YYerror) {
        *out = arena_grow(mem, *out, sizeof **out, &cap, *n + 1);
        (*out)[(*n)++] = (raw_token){kind, arena_strndup(mem, pc.cur_text, pc.cur_len), where};
    }
    berth_yy_delete_buffer(buf, scanner);
    berth_yylex_destroy(scanner);
    return kind == BERTH_YYEOF;
}
