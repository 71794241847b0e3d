/* parse.h: the state shared by the scanner and the parser for one source
 * file, and the entry point that turns a source into AST nodes appended to
 * a program. Takes: a source in memory. Gives: AST + diagnostics + imports. */
#ifndef BERTH_PARSE_H
#define BERTH_PARSE_H
#include <stdbool.h>
#include "ast.h"
#include "diag.h"

enum {
    PARSE_MAX_DEPTH = 64,        /* nesting of braces and parentheses */
    PARSE_MAX_ERRORS = 20,       /* syntax errors reported per file */
    PARSE_COMMENT_TOKEN = 10000, /* returned for comments when keep_comments is set */
};

typedef struct parse_ctx {
    arena *mem;
    diag_sink *diags;
    const source *src;
    program *prog;
    import_decl *imports, **imports_tail;
    /* scanner position */
    size_t offset;               /* byte offset of the next character */
    bool keep_comments;          /* fmt: comments come back as tokens */
    loc prev_tok;                /* the token before the current one */
    loc cur_tok;
    const char *cur_text;        /* the current token in the source (not NUL-terminated) */
    size_t cur_len;
    int kinds[3];                /* the last three tokens' kinds, newest first (hints):
                                  * a keyword's token, 0 for a name */
    char last_number[24];        /* the text of the last number, for hints */
    /* open brackets, for "to match this '{'" notes and the depth limit */
    loc open[PARSE_MAX_DEPTH];
    char open_ch[PARSE_MAX_DEPTH];
    int depth;
    loc comment_open;
    size_t comment_start;
    waiver_decl **site_waivers;  /* waivers of the site being parsed */
    size_t nsite_waivers, site_waivers_cap;
    int errors;
    bool stopped;                /* too many errors: the scanner returns end of file */
} parse_ctx;

/* Parse one source into ctx->prog. Returns false when it had errors. */
bool parse_source(arena *mem, diag_sink *diags, const source *src, program *prog,
                  import_decl **imports);
/* Scan one source into tokens, comments included (for fmt). Gives the
 * token codes, their raw texts and spans; false when the scan itself failed. */
typedef struct {
    int kind;
    const char *text;
    loc where;
} raw_token;
bool parse_tokens(arena *mem, diag_sink *diags, const source *src, raw_token **out,
                  size_t *n);
/* Whether s is a keyword of the language (lexer.l), so not a usable name. */
bool parse_is_keyword(const char *s);
/* Report a syntax error, counting it toward the per-file cap. */
void parse_error(parse_ctx *pc, loc where, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
