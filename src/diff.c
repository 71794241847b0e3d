/* diff.c: `berth diff`, what a policy change does on the network. Takes
 * OLD and NEW (two files or two directories of *.ports), or --git REV and
 * paths of the work tree (the old side read from the revision); loads and
 * elaborates each side as its own program; prints what diff_compare.c
 * finds, as a table or JSON. Exit: 0 nothing changes on the network, 1
 * something does, 2 usage, I/O or git failure, or errors in either policy
 * (syntax, names, values: what leaves the model incomplete). */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli.h"
#include "xalloc.h"
#include "diff.h"
#include "proto.h"

typedef struct {
    bool json;
    const char *git;             /* --git REV */
    const char *root;
    cli_color color;
    char **args;                 /* operands */
    int nargs;
} diff_opts;

/* One side: its files, how they are read, and the program they give. */
typedef struct {
    const char *label;           /* "old" or "new" */
    const char *from;            /* where it comes from, for messages */
    char **files;
    int nfiles;
    size_t cap;
    const char *root;
    const load_reader *reader;   /* NULL: the file system */
    diag_sink diags;
    loader ld;
    model m;
} side;

static int usage(const char *fmt, const char *arg) { return cli_usage_error("diff", fmt, arg); }

static int parse_args(int argc, char **argv, diff_opts *o)
{
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i], *v;
        bool missing = false;
        if (strcmp(a, "-") == 0 || a[0] != '-') {
            o->args[o->nargs++] = argv[i];
        } else if (strcmp(a, "--") == 0) {
            while (++i < argc) o->args[o->nargs++] = argv[i];
        } else if ((v = cli_option_value(argc, argv, &i, "--format", &missing))) {
            if (strcmp(v, "text") != 0 && strcmp(v, "json") != 0)
                return usage("diff: unknown format '%s' (text or json)", v);
            o->json = v[0] == 'j';
        } else if ((v = cli_option_value(argc, argv, &i, "--color", &missing))) {
            o->color = strcmp(v, "always") == 0 ? CLI_COLOR_ALWAYS
                     : strcmp(v, "never") == 0 ? CLI_COLOR_NEVER
                     : strcmp(v, "auto") == 0 ? CLI_COLOR_AUTO : -1;
            if ((int)o->color < 0) return usage("unknown colour mode '%s'", v);
        } else if ((v = cli_option_value(argc, argv, &i, "--git", &missing))) {
            o->git = v;
        } else if ((v = cli_option_value(argc, argv, &i, "--root", &missing))) {
            o->root = v;
        } else {
            return usage(missing ? "%s needs a value" : "diff: unknown option '%s'", a);
        }
    }
    if (o->git && (!o->git[0] || o->git[0] == '-'))
        return usage("--git needs a revision, not '%s'", o->git);
    if (o->git) {
        for (int i = 0; i < o->nargs; i++)
            if (strcmp(o->args[i], "-") == 0)
                return usage("diff --git compares files of the work tree, not %s", "standard input");
        return 0;
    }
    if (o->nargs != 2) return usage("diff needs OLD and NEW (or --git REV [PATH...])%s", "");
    if (strcmp(o->args[0], "-") == 0 && strcmp(o->args[1], "-") == 0)
        return usage("standard input can be only one side of a diff%s", "");
    return 0;
}

/* ---- the files of each side ---- */

static void add_file(side *s, arena *mem, char *name)
{
    s->files = arena_grow(mem, s->files, sizeof *s->files, &s->cap, (size_t)s->nfiles + 1);
    s->files[s->nfiles++] = name;
}

/* The *.ports files directly in dir, sorted; false (printed) on an error. */
static bool list_dir(side *s, arena *mem, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "berth: cannot read directory '%s': %s\n", dir, strerror(errno));
        return false;
    }
    int first = s->nfiles;
    struct dirent *e;
    struct stat st;
    while ((e = readdir(d)) != NULL) {
        if (!diff_is_policy_name(e->d_name)) continue;
        char *path = diff_join(mem, dir, e->d_name);
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) add_file(s, mem, path);
    }
    closedir(d);
    qsort(s->files + first, (size_t)(s->nfiles - first), sizeof *s->files, diff_path_cmp);
    return true;
}

/* 'd' a directory, 'f' a file (or "-"), 'n' nothing there; 0 printed. */
static char path_kind(const char *path)
{
    struct stat st;
    if (strcmp(path, "-") == 0) return 'f';
    if (stat(path, &st) != 0) {
        if (errno == ENOENT || errno == ENOTDIR) return 'n';
        fprintf(stderr, "berth: cannot open '%s': %s\n", path, strerror(errno));
        return 0;
    }
    return S_ISDIR(st.st_mode) ? 'd' : 'f';
}

/* OLD and NEW: two files, or two directories. */
static int plain_sides(const diff_opts *o, arena *mem, side *old, side *new_)
{
    char k[2];
    for (int i = 0; i < 2; i++) {
        k[i] = path_kind(o->args[i]);
        if (!k[i]) return 2;
        if (k[i] == 'n') {
            fprintf(stderr, "berth: cannot open '%s': %s\n", o->args[i], strerror(ENOENT));
            return 2;
        }
    }
    if (k[0] != k[1])
        return usage("diff compares two files or two directories, not a file and a "
                     "directory%s", "");
    side *sides[2] = {old, new_};
    for (int i = 0; i < 2; i++) {
        sides[i]->from = o->args[i];
        sides[i]->root = o->root ? o->root : k[i] == 'd' ? o->args[i] : NULL;
        if (k[i] == 'f') add_file(sides[i], mem, o->args[i]);
        else if (!list_dir(sides[i], mem, o->args[i])) return 2;
    }
    return 0;
}

/* --git REV [PATH...]: each path as the work tree has it, and as REV had it. */
static int git_sides(const diff_opts *o, arena *mem, diff_git *g, side *old, side *new_)
{
    int rc = diff_git_open(g, mem, o->git);
    if (rc) return rc;
    static char dot[] = ".";
    char *dflt[] = {dot};
    char **paths = o->nargs ? o->args : dflt;
    int npaths = o->nargs ? o->nargs : 1;
    old->reader = &g->reader;
    old->from = o->git;
    new_->from = "the work tree";
    for (int i = 0; i < npaths; i++) {
        if (!diff_git_inside(g, paths[i])) {
            fprintf(stderr, "berth: --git: '%s' is outside the work tree of the current "
                    "directory (%s)\n", paths[i], g->top);
            return 2;
        }
        char here = path_kind(paths[i]);
        if (!here) return 2;
        char there = diff_git_kind(g, mem, paths[i]);
        if (here == 'n' && !there) {
            fprintf(stderr, "berth: '%s' is neither in the work tree nor in %s\n", paths[i], o->git);
            return 2;
        }
        if (here == 'd' && !list_dir(new_, mem, paths[i])) return 2;
        if (here == 'f') add_file(new_, mem, paths[i]);
        char **listed;
        int nlisted = 0;
        if (there == 't' && !diff_git_list(g, mem, paths[i], &listed, &nlisted)) return 2;
        for (int k = 0; k < nlisted; k++) add_file(old, mem, listed[k]);
        if (there == 'b') add_file(old, mem, paths[i]);
        /* A directory first is the root of its side (a file's directory is the default). */
        if (i == 0 && here == 'd') new_->root = paths[0];
        if (i == 0 && there == 't') old->root = paths[0];
    }
    if (o->root) old->root = new_->root = o->root;
    return 0;
}

/* ---- loading ---- */

static int load_side(side *s, arena *mem, bool color)
{
    diag_init(&s->diags, mem);
    s->diags.color = color;
    load_init_reader(&s->ld, mem, &s->diags, s->reader);
    if (!load_files(&s->ld, s->files, s->nfiles, s->root)) {
        fprintf(stderr, "berth: cannot read the %s policy (%s)\n", s->label, s->from);
        return 2;
    }
    model_init(&s->m, mem, &s->diags, &s->ld.prog);
    resolve_program(&s->m);
    elab_program(&s->m);
    /* Errors so far leave a model with holes: nothing to compare. The
     * checks' findings (bind conflicts, ...) are berth check's business. */
    size_t e = diag_count(&s->diags, SEV_ERROR);
    if (!e) return 0;
    diag_finish(&s->diags);
    s->diags.hide_waived = true;
    diag_print_text(&s->diags, stderr);
    fprintf(stderr, "berth: %zu error%s in the %s policy (%s); nothing compared\n", e,
            e == 1 ? "" : "s", s->label, s->from);
    return 2;
}

/* ---- output ---- */

static const char *const kind_names[] = {
    "site-added", "site-removed", "host-added", "host-removed", "changes-address",
    "opens", "closes", "changes-owner", "changes-peers",
};
_Static_assert(sizeof kind_names / sizeof kind_names[0] == DIFF_PEERS + 1,
               "a JSON name for every kind of change");

/* "tcp 80-90", "esp", "icmp" (every type), "icmp type 3-8". */
static void put_proto(strbuf *b, const diff_change *d)
{
    char pt[PROTO_TEXT];
    sb_puts(b, proto_text(pt, d->ipproto));
    if (d->proto == PROTO_IP && (!proto_has_types(d->ipproto) || (d->lo == 0 && d->hi == 255)))
        return;
    sb_printf(b, "%s%u", d->proto == PROTO_IP ? " type " : " ", (unsigned)d->lo);
    if (d->hi != d->lo) sb_printf(b, "-%u", (unsigned)d->hi);
}

static void put_ports(strbuf *b, const diff_change *d)
{
    put_proto(b, d);
    if (d->group) sb_printf(b, " group %s", d->group);
}

/* The names of one sorted list that the other lacks (in == false), or
 * that both hold (in == true), comma-separated; how many there were. */
static size_t put_names(strbuf *b, const char **v, size_t n, const char **w, size_t m, bool in)
{
    size_t k = 0, put = 0;
    for (size_t i = 0; i < n; i++) {
        while (k < m && strcmp(w[k], v[i]) < 0) k++;
        if ((k < m && strcmp(w[k], v[i]) == 0) != in) continue;
        sb_printf(b, "%s%s", put++ ? ", " : "", v[i]);
    }
    return put;
}

/* The change column: "closes udp 60001-65535", "host added 10.0.10.61". */
static void put_change(strbuf *b, const diff_change *d)
{
    switch (d->kind) {
    case DIFF_SITE_ADDED: sb_puts(b, "site added"); break;
    case DIFF_SITE_REMOVED: sb_puts(b, "site removed"); break;
    case DIFF_HOST_ADDED: sb_printf(b, "host added %s", d->new_[0]); break;
    case DIFF_HOST_REMOVED: sb_printf(b, "host removed %s", d->old[0]); break;
    case DIFF_ADDRESS: sb_printf(b, "changes address %s -> %s", d->old[0], d->new_[0]); break;
    case DIFF_OPENS: sb_puts(b, "opens "); put_ports(b, d); break;
    case DIFF_CLOSES: sb_puts(b, "closes "); put_ports(b, d); break;
    case DIFF_OWNER: sb_puts(b, "changes owner "); put_ports(b, d); break;
    case DIFF_PEERS: sb_puts(b, "changes peers "); put_ports(b, d); break;
    }
}

/* The services column: those that lose the range, gain it, or both;
 * those that keep it are named after "shared with" (for changes peers,
 * the services alone). */
static void put_services(strbuf *b, const diff_change *d)
{
    if (d->kind < DIFF_OPENS) return;
    if (d->kind == DIFF_PEERS) {
        (void)put_names(b, d->old, d->nold, d->new_, d->nnew, true);
        return;
    }
    if (d->kind != DIFF_OPENS) put_names(b, d->old, d->nold, d->new_, d->nnew, false);
    if (d->kind == DIFF_OWNER) sb_puts(b, " -> ");
    if (d->kind != DIFF_CLOSES) put_names(b, d->new_, d->nnew, d->old, d->nold, false);
    strbuf kept;
    sb_init(&kept);
    if (put_names(&kept, d->old, d->nold, d->new_, d->nnew, true))
        sb_printf(b, " (shared with %.*s)", (int)kept.len, kept.data);
    sb_free(&kept);
}

enum { NCOLS = 5 };

static void row_cells(strbuf cells[NCOLS], const diff_change *d)
{
    sb_puts(&cells[0], d->site);
    sb_puts(&cells[1], d->host ? d->host : "-");
    sb_puts(&cells[2], d->kind < DIFF_OPENS ? "-" : d->out ? "out" : "in");
    put_change(&cells[3], d);
    put_services(&cells[4], d);
}

/* A table, columns two spaces apart, no trailing blanks; nothing when
 * nothing changes. */
static void print_table(const diff_list *l, FILE *out)
{
    static const char *const head[NCOLS] = {"site", "host", "dir", "change", "services"};
    size_t w[NCOLS];
    for (int k = 0; k < NCOLS; k++) w[k] = strlen(head[k]);
    strbuf *cells = xcalloc(l->n * NCOLS + 1, sizeof *cells);
    for (size_t i = 0; i < l->n; i++) {
        row_cells(&cells[i * NCOLS], &l->v[i]);
        for (int k = 0; k < NCOLS; k++)
            if (cells[i * NCOLS + k].len > w[k]) w[k] = cells[i * NCOLS + k].len;
    }
    for (size_t i = 0; l->n && i <= l->n; i++) {
        strbuf line;
        sb_init(&line);
        for (int k = 0; k < NCOLS; k++) {
            const char *t = i == 0 ? head[k] : cells[(i - 1) * NCOLS + k].data;
            sb_printf(&line, "%-*s%s", k + 1 < NCOLS ? (int)w[k] : 0, t ? t : "",
                      k + 1 < NCOLS ? "  " : "");
        }
        while (line.len && line.data[line.len - 1] == ' ') line.len--;
        fprintf(out, "%.*s\n", (int)line.len, line.data ? line.data : "");
        sb_free(&line);
    }
    for (size_t i = 0; i < l->n * NCOLS; i++) sb_free(&cells[i]);
    free(cells);
}

static void json_list(FILE *out, const char **v, size_t n)
{
    fputc('[', out);
    for (size_t i = 0; i < n; i++) {
        if (i) fputs(", ", out);
        report_json_string(out, v[i]);
    }
    fputc(']', out);
}

static void json_opt(FILE *out, const char *key, const char *v)
{
    fprintf(out, ", \"%s\": ", key);
    if (v) report_json_string(out, v);
    else fputs("null", out);
}

/* An array with one object a line; the same fields in every object. */
static void print_json(const diff_list *l, FILE *out)
{
    fputc('[', out);
    for (size_t i = 0; i < l->n; i++) {
        const diff_change *d = &l->v[i];
        bool port = d->kind >= DIFF_OPENS;
        fputs(i ? ",\n  {\"site\": " : "\n  {\"site\": ", out);
        report_json_string(out, d->site);
        json_opt(out, "host", d->host);
        json_opt(out, "direction", !port ? NULL : d->out ? "out" : "in");
        json_opt(out, "change", kind_names[d->kind]);
        strbuf pb;
        sb_init(&pb);
        if (port) put_proto(&pb, d);
        const char *proto = d->proto == PROTO_IP ? pb.data : d->proto == PROTO_TCP ? "tcp" : "udp";
        json_opt(out, "protocol", port ? proto : NULL);
        sb_free(&pb);
        json_opt(out, "group", d->group);
        if (port && d->proto != PROTO_IP) fprintf(out, ", \"lo\": %u, \"hi\": %u", (unsigned)d->lo, (unsigned)d->hi);
        else fputs(", \"lo\": null, \"hi\": null", out);
        fputs(", \"old\": ", out);
        json_list(out, d->old, d->nold);
        fputs(", \"new\": ", out);
        json_list(out, d->new_, d->nnew);
        fputc('}', out);
    }
    fputs(l->n ? "\n]\n" : "]\n", out);
}

/* ---- the command ---- */

static bool want_color(cli_color c)
{
    if (c != CLI_COLOR_AUTO) return c == CLI_COLOR_ALWAYS;
    const char *nc = getenv("NO_COLOR");
    return isatty(STDERR_FILENO) && !(nc && nc[0]);
}

static int run(const diff_opts *o, arena *mem)
{
    side old = {0}, new_ = {0};
    old.label = "old";
    new_.label = "new";
    diff_git g;
    int rc = o->git ? git_sides(o, mem, &g, &old, &new_) : plain_sides(o, mem, &old, &new_);
    bool color = want_color(o->color);
    if (rc || (rc = load_side(&old, mem, color)) || (rc = load_side(&new_, mem, color))) return rc;
    diff_list l;
    diff_models(mem, &old.m, &new_.m, &l);
    if (o->json) print_json(&l, stdout);
    else print_table(&l, stdout);
    if (fflush(stdout) != 0 || ferror(stdout)) return 2;
    return l.n ? 1 : 0;
}

int cli_diff(int argc, char **argv)
{
    diff_opts o = {0};
    o.args = xcalloc((size_t)argc + 1, sizeof *o.args);
    int rc = parse_args(argc, argv, &o);
    if (rc == 0) {
        arena mem;
        arena_init(&mem);
        rc = run(&o, &mem);
        arena_free(&mem);
    }
    free(o.args);
    return rc;
}
