/* import.c: `berth import firewalld|services`. Takes the command line;
 * runs a reader (import_fw.c, import_services.c) into an imp_system and
 * gives the system as berth text: names made into identifiers, the text
 * passed through berth's own formatter (fmt.c), then written to stdout or
 * atomically to -o FILE. Nothing is written when an input has errors. */
#include "import.h"
#include "xalloc.h"
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ast.h"
#include "cli.h"
#include "load.h"
#include "names.h"
#include "parse.h"
#include "output.h"
#include "proto.h"
#include "strbuf.h"

enum { WRAP = 74 };              /* text columns of a comment, after "# " */

/* ---- building the system ---- */

void imp_init(imp_system *s, arena *mem, diag_sink *diags, const char *name)
{
    memset(s, 0, sizeof *s);
    s->mem = mem;
    s->diags = diags;
    s->name = name;
    s->tail = &s->services;
}

const char *imp_fmt(arena *mem, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    char *p = arena_alloc(mem, (size_t)(n < 0 ? 0 : n) + 1);
    if (n > 0) vsnprintf(p, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    va_end(ap);
    return p;
}

/* Length of a valid UTF-8 sequence at s (n bytes left), 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    size_t len = s[0] >= 0xc2 && s[0] <= 0xdf ? 2 : s[0] >= 0xe0 && s[0] <= 0xef ? 3
               : s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : 0;
    if (len == 0 || len > n) return 0;
    for (size_t i = 1; i < len; i++)
        if ((s[i] & 0xc0) != 0x80) return 0;
    if (len == 3 && ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0))) return 0;
    if (len == 4 && ((s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90))) return 0;
    return len;
}

const char *imp_clean(arena *mem, const char *s, size_t n)
{
    char *out = arena_alloc(mem, n + 1);
    size_t w = 0;
    bool space = false;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        if (c <= 0x20 || c == 0x7f) {
            space = w > 0;
            i++;
            continue;
        }
        if (space) out[w++] = ' ';
        space = false;
        size_t k = c < 0x80 ? 1 : utf8_len((const unsigned char *)s + i, n - i);
        if (k == 0) {
            out[w++] = '?';
            i++;
            continue;
        }
        memcpy(out + w, s + i, k);
        w += k;
        i += k;
    }
    out[w] = '\0';
    return out;
}

static void push_line(arena *mem, const char ***v, size_t *n, size_t *cap, const char *line)
{
    *v = arena_grow(mem, *v, sizeof **v, cap, *n + 1);
    (*v)[(*n)++] = line;
}

/* Words of clean text into lines of at most WRAP columns (a longer word
 * stands alone on its line). */
static void wrap(arena *mem, const char *text, const char ***v, size_t *n, size_t *cap)
{
    const char *p = text;
    while (*p) {
        const char *end = p, *cut = NULL;
        while (*end && (size_t)(end - p) <= WRAP) {
            if (*end == ' ') cut = end;
            end++;
        }
        if (!*end && (size_t)(end - p) <= WRAP) cut = end;
        if (!cut) {                              /* one long word */
            cut = p;
            while (*cut && *cut != ' ') cut++;
        }
        push_line(mem, v, n, cap, arena_strndup(mem, p, (size_t)(cut - p)));
        p = *cut ? cut + 1 : cut;
    }
}

void imp_header(imp_system *s, const char *text)
{
    if (!*text) push_line(s->mem, &s->header, &s->nheader, &s->header_cap, "");
    wrap(s->mem, text, &s->header, &s->nheader, &s->header_cap);
}

imp_service *imp_service_new(imp_system *s, const char *name, const char *desc)
{
    imp_service *svc = arena_alloc(s->mem, sizeof *svc);
    svc->name = name;
    svc->desc = desc;
    svc->tail = &svc->items;
    names_init(&svc->flows);
    *s->tail = svc;
    s->tail = &svc->next;
    s->nservices++;
    return svc;
}

void imp_above(imp_system *s, imp_service *svc, const char *text)
{
    wrap(s->mem, text, &svc->above, &svc->nabove, &svc->above_cap);
}

static imp_item *add_item(imp_system *s, imp_service *svc)
{
    imp_item *it = arena_alloc(s->mem, sizeof *it);
    *svc->tail = it;
    svc->tail = &it->next;
    return it;
}

void imp_comment(imp_system *s, imp_service *svc, const char *text)
{
    const char **lines = NULL;
    size_t n = 0, cap = 0;
    wrap(s->mem, text, &lines, &n, &cap);
    for (size_t i = 0; i < n; i++) add_item(s, svc)->comment = lines[i];
}

static bool same_text(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

bool imp_flow(imp_system *s, imp_service *svc, unsigned protos, bool source_ports, uint16_t lo,
              uint16_t hi, const char *dest, const char *note)
{
    /* A table, not a scan of the items: a service may hold many flows. */
    const char *key = imp_fmt(s->mem, "%s%d %u-%u %s", protos == PROTO_IP ? "ip " : "",
                              source_ports, (unsigned)lo, (unsigned)hi, dest ? dest : "");
    imp_item *it = names_get(&svc->flows, key);
    if (it) {
        if ((it->protos & protos) == protos) return false;
        it->protos |= protos;
        if (note && !same_text(it->note, note))
            it->note = it->note ? imp_fmt(s->mem, "%s; %s", it->note, note) : note;
        return true;
    }
    it = add_item(s, svc);
    *it = (imp_item){NULL, protos, source_ports, lo, hi, dest, note, NULL};
    names_put(s->mem, &svc->flows, key, it);
    svc->nflows++;
    return true;
}

/* ---- names ---- */

static bool ident_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* A berth identifier for an outside name: other characters become '_' (a
 * run of them one '_'), a leading digit gets "svc_", a keyword "_svc". */
static char *mangle(arena *mem, const char *name)
{
    size_t n = strlen(name);
    char *out = arena_alloc(mem, n + 8);
    size_t w = 0;
    if (name[0] >= '0' && name[0] <= '9') w = (size_t)sprintf(out, "svc_");
    for (size_t i = 0; i < n; i++) {
        if (ident_char(name[i])) out[w++] = name[i];
        else if (i == 0 || ident_char(name[i - 1])) out[w++] = '_';
    }
    if (w == 0) w = (size_t)sprintf(out, "svc");
    out[w] = '\0';
    if (parse_is_keyword(out)) strcat(out, "_svc");
    return out;
}

/* The mangled name, made unique with _2, _3, ... in input order. */
static const char *unique_ident(arena *mem, names *used, const char *name)
{
    const char *base = mangle(mem, name), *cand = base;
    for (int k = 2; names_get(used, cand); k++) cand = imp_fmt(mem, "%s_%d", base, k);
    names_put(mem, used, cand, (void *)cand);
    return cand;
}

/* ---- the text ---- */

static void put_string(strbuf *b, const char *s)
{
    sb_putc(b, '"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') sb_putc(b, '\\');
        sb_putc(b, *s);
    }
    sb_putc(b, '"');
}

static void put_comment(strbuf *b, const char *indent, const char *text)
{
    sb_printf(b, "%s#%s%s\n", indent, *text ? " " : "", text);
}

static void put_flow(strbuf *b, const imp_item *it)
{
    if (it->protos == PROTO_IP) {  /* "esp any -> server;", "proto 253 any -> server;" */
        char pt[PROTO_TEXT];
        sb_printf(b, "        %s any -> %s;", proto_text(pt, it->lo), it->dest ? it->dest : IMP_ROLE);
        if (it->note) sb_printf(b, " # %s", it->note);
        sb_putc(b, '\n');
        return;
    }
    const char *proto = it->protos == (PROTO_TCP | PROTO_UDP) ? "tcp+udp"
                      : it->protos == PROTO_TCP ? "tcp" : "udp";
    sb_printf(b, "        %s %s%u", proto, it->source_ports ? "from " : "", (unsigned)it->lo);
    if (it->hi != it->lo) sb_printf(b, "-%u", (unsigned)it->hi);
    sb_printf(b, " any -> %s;", it->dest ? it->dest : IMP_ROLE);
    if (it->note) sb_printf(b, " # %s", it->note);
    sb_putc(b, '\n');
}

static void put_service(strbuf *b, const imp_service *svc, const char *ident)
{
    sb_putc(b, '\n');
    for (size_t i = 0; i < svc->nabove; i++) put_comment(b, "    ", svc->above[i]);
    sb_printf(b, "    service %s ", ident);
    put_string(b, svc->desc);
    sb_puts(b, " {\n");
    for (const imp_item *it = svc->items; it; it = it->next) {
        if (it->comment) put_comment(b, "        ", it->comment);
        else put_flow(b, it);
    }
    sb_puts(b, "    }\n");
}

static void put_system(imp_system *s, strbuf *b)
{
    names used;
    names_init(&used);
    names_put(s->mem, &used, IMP_ROLE, (void *)IMP_ROLE);
    for (size_t i = 0; i < s->nheader; i++) put_comment(b, "", s->header[i]);
    sb_printf(b, "system %s ", s->name);
    put_string(b, s->desc);
    sb_printf(b, " {\n    role %s ", IMP_ROLE);
    put_string(b, s->role_desc);
    sb_puts(b, ";\n");
    for (const imp_service *svc = s->services; svc; svc = svc->next)
        put_service(b, svc, unique_ident(s->mem, &used, svc->name));
    sb_puts(b, "}\n");
}

static int emit(const char *output, const strbuf *text)
{
    if (!output) {
        fwrite(text->data, 1, text->len, stdout);
        if (fflush(stdout) == 0 && !ferror(stdout)) return 0;
        fprintf(stderr, "berth: cannot write standard output: %s\n", strerror(errno));
        return 2;
    }
    return write_file_atomic(output, text->data, text->len) == WRITE_FAILED ? 2 : 0;
}

int imp_write(imp_system *s, const char *output)
{
    strbuf raw, out;
    sb_init(&raw);
    sb_init(&out);
    put_system(s, &raw);
    int rc = 2;
    if (raw.failed) {
        fputs("berth: out of memory\n", stderr);
    } else {
        source *src = source_new(s->mem, "<import>", "", ".", raw.data, raw.len, 0);
        /* Our own text must parse: a failure here is a bug in this file. */
        if (fmt_format(s->mem, s->diags, src, &out)) {
            rc = emit(output, &out);
        } else {
            diag_finish(s->diags);
            diag_print_text(s->diags, stderr);
            fputs("berth: internal error: the imported policy does not format\n", stderr);
        }
    }
    sb_free(&raw);
    sb_free(&out);
    return rc;
}

/* ---- input ---- */

source *imp_read_source(arena *mem, const char *path, const char *shown, int index)
{
    bool is_stdin = strcmp(path, "-") == 0;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    if (!f) return NULL;
    strbuf b;
    sb_init(&b);
    char buf[65536];
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, f)) > 0 && b.len <= LOAD_MAX_FILE) sb_putn(&b, buf, got);
    int err = ferror(f) ? EIO : b.failed ? ENOMEM : b.len > LOAD_MAX_FILE ? EFBIG : 0;
    if (!is_stdin) fclose(f);
    source *src = NULL;
    if (!err) {
        char *text = arena_strndup(mem, b.data ? b.data : "", b.len);
        src = source_new(mem, shown, is_stdin ? "" : path, ".", text, b.len, index);
    }
    sb_free(&b);
    errno = err;
    return src;
}

/* ---- the command ---- */

typedef struct {
    const char *kind, *output, *name;
    char **files;
    int nfiles;
} import_opts;

static int usage(const char *fmt, const char *arg) { return cli_usage_error("import", fmt, arg); }

static bool valid_ident(const char *s)
{
    return cli_is_identifier(s, strlen(s)) && !parse_is_keyword(s);
}

static int parse_args(int argc, char **argv, import_opts *o)
{
    if (argc < 3 || (strcmp(argv[2], "firewalld") != 0 && strcmp(argv[2], "services") != 0))
        return usage("import needs a kind: 'import firewalld' or 'import services'%s", "");
    o->kind = argv[2];
    for (int i = 3; i < argc; i++) {
        const char *a = argv[i], *v;
        bool missing = false;
        if (strcmp(a, "-") == 0 || a[0] != '-') {
            o->files[o->nfiles++] = argv[i];
        } else if ((v = cli_option_value(argc, argv, &i, "--output", &missing)) ||
                   (v = cli_option_value(argc, argv, &i, "-o", &missing))) {
            o->output = v;
        } else if ((v = cli_option_value(argc, argv, &i, "--name", &missing))) {
            o->name = v;
        } else {
            return usage(missing ? "%s needs a value" : "unknown option '%s'", a);
        }
    }
    bool fw = strcmp(o->kind, "firewalld") == 0;
    if (!o->name) o->name = fw ? "firewalld" : "services";
    if (!valid_ident(o->name))
        return usage("--name '%s' must be a berth name: letters, digits and '_', not a "
                     "keyword, not starting with a digit", o->name);
    if (fw && o->nfiles == 0) return usage("import firewalld: no service files given%s", "");
    if (!fw && o->nfiles > 1) return usage("import services takes one file, not %s", "several");
    if (o->output && !o->output[0]) return usage("-o needs a file name%s", "");
    return 0;
}

static bool want_color(void)
{
    const char *nc = getenv("NO_COLOR");
    return isatty(STDERR_FILENO) && !(nc && nc[0]);
}

static int run(const import_opts *o, arena *mem)
{
    diag_sink diags;
    diag_init(&diags, mem);
    diags.color = want_color();
    imp_system sys;
    imp_init(&sys, mem, &diags, o->name);
    int rc = strcmp(o->kind, "firewalld") == 0
                 ? import_firewalld(&sys, o->files, o->nfiles)
                 : import_services(&sys, o->nfiles ? o->files[0] : "/etc/services");
    diag_finish(&diags);
    diag_print_text(&diags, stderr);
    size_t e = diag_count(&diags, SEV_ERROR);
    if (rc == 0 && e) rc = 1;
    if (rc == 1)
        fprintf(stderr, "berth: %zu error%s; nothing written\n", e, e == 1 ? "" : "s");
    return rc ? rc : imp_write(&sys, o->output);
}

int cli_import(int argc, char **argv)
{
    import_opts o = {0};
    o.files = xcalloc((size_t)argc + 1, sizeof *o.files);
    int rc = parse_args(argc, argv, &o);
    if (rc == 0) {
        arena mem;
        arena_init(&mem);
        rc = run(&o, &mem);
        arena_free(&mem);
    }
    free(o.files);
    return rc;
}
