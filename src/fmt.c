/* fmt.c: `berth fmt`. Takes policy files; gives them in canonical layout:
 * 4-space indentation, one statement per line, one space between tokens
 * (none before , ; ) or around . and in tcp+udp), at most one blank line,
 * every comment kept. It rewrites whitespace only: the token sequence is
 * unchanged, so the meaning is too. A block written on one line stays on
 * one line. Files with syntax errors are left alone. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "xalloc.h"
#include "load.h"
#include "parse.h"
#include "parser.h"
#include "output.h"
#include "strbuf.h"

typedef struct {
    const raw_token *t;
    size_t n;
    bool *inline_block;          /* for '{' and '}': the block stays on one line */
    strbuf *out;
    int depth;
} fmt_state;

static bool is_comment(const raw_token *t) { return t->kind == PARSE_COMMENT_TOKEN; }
static bool is_proto(const raw_token *t) { return t->kind == KW_TCP || t->kind == KW_UDP; }

/* Match braces and decide which blocks stay on one line: those written on
 * one line with no comment inside. */
static void mark_blocks(fmt_state *f)
{
    size_t *stack = xcalloc(f->n + 1, sizeof *stack);
    size_t sp = 0;
    for (size_t i = 0; i < f->n; i++) {
        if (f->t[i].kind == '{') stack[sp++] = i;
        if (f->t[i].kind != '}' || sp == 0) continue;
        size_t open = stack[--sp];
        bool one_line = loc_line(f->t[open].where) == loc_line(f->t[i].where);
        for (size_t k = open + 1; k < i && one_line; k++) one_line = !is_comment(&f->t[k]);
        f->inline_block[open] = f->inline_block[i] = one_line;
    }
    free(stack);
}

static void newline(fmt_state *f, int extra_indent, bool blank)
{
    if (blank) sb_putc(f->out, '\n');
    sb_putc(f->out, '\n');
    for (int i = 0; i < (f->depth + extra_indent) * 4; i++) sb_putc(f->out, ' ');
}

/* Does a line break follow token i in canonical layout? */
static bool ends_line(const fmt_state *f, size_t i, const bool *in_inline)
{
    const raw_token *t = &f->t[i];
    if (is_comment(t) && t->text[0] == '#') return true;
    if (*in_inline) return false;
    return t->kind == ';' || t->kind == '}' || (t->kind == '{' && !f->inline_block[i]);
}

static bool space_between(const raw_token *p, const raw_token *t, const raw_token *pp)
{
    if (t->kind == ',' || t->kind == ';' || t->kind == ')' || t->kind == ':') return false;
    if (p->kind == '(' || p->kind == '.' || t->kind == '.') return false;
    if (t->kind == '+' && is_proto(p)) return false;
    if (p->kind == '+' && is_proto(t) && pp && is_proto(pp)) return false;
    return true;
}

/* A token's text with the '\r' of CRLF line ends (in comments) left out:
 * line ends are chosen once for the whole file (fmt_format). */
static void put_text(strbuf *out, const char *s)
{
    for (; *s; s++)
        if (*s != '\r' || (s[1] && s[1] != '\n')) sb_putc(out, *s);
}

static void emit(fmt_state *f)
{
    bool *inline_stack = xcalloc(f->n + 2, sizeof *inline_stack);
    int isp = 0;
    bool in_inline = false, mid_statement = false;
    for (size_t i = 0; i < f->n; i++) {
        const raw_token *t = &f->t[i], *p = i ? &f->t[i - 1] : NULL;
        if (t->kind == '}' && !in_inline) f->depth--;
        /* Lines from offsets: only tokens next to a comment or a break need them. */
        int t_line = loc_line(t->where), p_end = p ? loc_end_line(p->where) : 0;
        bool trailing_comment = p && is_comment(t) && t_line == p_end;
        if (trailing_comment) {
            sb_putc(f->out, ' ');
        } else if (p) {
            bool broke = ends_line(f, i - 1, &in_inline) ||
                         (is_comment(p) && t_line > p_end);
            bool own_line_comment = is_comment(t) && t_line > p_end;
            if (broke || own_line_comment) {
                bool blank = t_line - p_end >= 2 && p->kind != '{' &&
                             t->kind != '}' && !mid_statement;
                if (own_line_comment && !broke) blank = false;
                newline(f, mid_statement ? 1 : 0, blank);
            } else if (space_between(p, t, i > 1 ? &f->t[i - 2] : NULL)) {
                sb_putc(f->out, ' ');
            }
        }
        put_text(f->out, t->text);
        if (t->kind == '{') {
            inline_stack[isp++] = in_inline;
            in_inline = in_inline || f->inline_block[i];
            if (!in_inline) f->depth++;
        } else if (t->kind == '}' && isp > 0) {
            in_inline = inline_stack[--isp];
        }
        if (!is_comment(t))
            mid_statement = !(t->kind == ';' || t->kind == '{' || t->kind == '}');
    }
    sb_putc(f->out, '\n');
    free(inline_stack);
}

bool fmt_format(arena *mem, diag_sink *diags, const source *src, strbuf *out)
{
    program scratch;
    program_init(&scratch);
    import_decl *imports;
    size_t before = diag_count(diags, SEV_ERROR);
    parse_source(mem, diags, src, &scratch, &imports);
    raw_token *toks;
    size_t n;
    if (!parse_tokens(mem, diags, src, &toks, &n) || diag_count(diags, SEV_ERROR) > before)
        return false;
    /* Line ends: CRLF everywhere when the file's first line ends in CRLF,
     * LF everywhere otherwise. */
    const char *nl = memchr(src->text, '\n', src->len);
    bool crlf = nl && nl > src->text && nl[-1] == '\r';
    strbuf lf;
    sb_init(&lf);
    fmt_state f = {toks, n, arena_alloc(mem, n + 1), crlf ? &lf : out, 0};
    mark_blocks(&f);
    if (n) emit(&f);
    for (size_t i = 0; crlf && i < lf.len; i++) {
        if (lf.data[i] == '\n') sb_putc(out, '\r');
        sb_putc(out, lf.data[i]);
    }
    bool failed = lf.failed;
    sb_free(&lf);
    return !out->failed && !failed;
}

/* The text of NAME ("-": standard input), or NULL with errno set. */
static char *read_all(arena *mem, const char *name, size_t *len)
{
    bool is_stdin = strcmp(name, "-") == 0;
    FILE *f = is_stdin ? stdin : fopen(name, "rb");
    if (!f) return NULL;
    char *text = load_read_stream(mem, f, len);
    int err = errno;
    if (!is_stdin) fclose(f);
    errno = err;
    return text;
}

int cli_fmt(const cli_options *o, arena *mem, diag_sink *diags)
{
    int rc = 0;
    for (int i = 0; i < o->nfiles; i++) {
        const char *name = o->files[i];
        bool is_stdin = strcmp(name, "-") == 0;
        size_t len;
        char *text = read_all(mem, name, &len);
        if (!text) {
            fprintf(stderr, "berth: cannot read '%s': %s\n", is_stdin ? "<stdin>" : name,
                    strerror(errno));
            return 2;
        }
        source *src = source_new(mem, is_stdin ? "<stdin>" : name, "", ".", text, len, i);
        strbuf out;
        sb_init(&out);
        if (!fmt_format(mem, diags, src, &out)) {
            rc = rc ? rc : 1;
        } else if (is_stdin && !o->fmt_check) {
            fwrite(out.data, 1, out.len, stdout);
        } else if (out.len != len || memcmp(out.data, text, len) != 0) {
            if (o->fmt_check) {
                printf("%s\n", src->name);
                rc = rc ? rc : 1;
            } else if (write_file_atomic(name, out.data, out.len) == WRITE_FAILED) {
                rc = 2;
            }
        }
        sb_free(&out);
    }
    diag_finish(diags);
    diag_print_text(diags, stderr);
    return rc;
}
