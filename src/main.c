/* main.c: the berth command line. Parses options, runs the pipeline
 * (load, resolve, elaborate, check) and hands the model to a command:
 * check, fmt, flows. Exit: 0 clean, 1 errors in the policy, 2 usage or I/O. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "load.h"
#include "model.h"

#define BERTH_VERSION "0.1.0"

static const char usage[] =
    "usage: berth check [options] FILE...     validate policies\n"
    "       berth fmt [--check] FILE...        rewrite policies in canonical layout\n"
    "       berth flows [options] FILE...      print the elaborated flow table\n"
    "       berth --help | --version\n"
    "\n"
    "options:\n"
    "  --root DIR           policy root: imports must stay under it\n"
    "                       (default: the first file's directory)\n"
    "  --color=auto|always|never\n"
    "                       colour in text output (auto: on a terminal, unless NO_COLOR)\n"
    "  -                    read a policy from standard input\n"
    "\n"
    "exit status: 0 clean, 1 errors in a policy, 2 usage or I/O error\n";

static int usage_error(const char *fmt, const char *arg)
{
    fputs("berth: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\nTry 'berth --help'.\n", stderr);
    return 2;
}

/* Options shared by every command; returns 0, or 2 on a usage error. */
static int parse_options(int argc, char **argv, cli_options *o)
{
    memset(o, 0, sizeof *o);
    o->color = CLI_COLOR_AUTO;
    o->files = calloc((size_t)argc + 1, sizeof *o->files);
    if (!o->files) return 2;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-") == 0 || a[0] != '-') {
            o->files[o->nfiles++] = argv[i];
        } else if (strcmp(a, "--root") == 0) {
            if (++i == argc) return usage_error("%s needs a directory", a);
            o->root = argv[i];
        } else if (strncmp(a, "--root=", 7) == 0) {
            o->root = a + 7;
        } else if (strncmp(a, "--color=", 8) == 0) {
            const char *v = a + 8;
            o->color = strcmp(v, "always") == 0 ? CLI_COLOR_ALWAYS
                     : strcmp(v, "never") == 0 ? CLI_COLOR_NEVER
                     : strcmp(v, "auto") == 0 ? CLI_COLOR_AUTO : -1;
            if ((int)o->color < 0) return usage_error("unknown colour mode '%s'", v);
        } else if (strcmp(a, "--check") == 0) {
            o->fmt_check = true;
        } else {
            return usage_error("unknown option '%s'", a);
        }
    }
    if (o->nfiles == 0) return usage_error("%s: no policy files given", argv[1]);
    return 0;
}

static bool use_color(cli_color c)
{
    if (c != CLI_COLOR_AUTO) return c == CLI_COLOR_ALWAYS;
    const char *nc = getenv("NO_COLOR");
    return isatty(STDERR_FILENO) && !(nc && nc[0]);
}

/* The front half of every command: load, resolve, elaborate. */
static void run_pipeline(cli_options *o, arena *mem, diag_sink *diags, loader *ld, model *m,
                         bool *io_ok)
{
    load_init(ld, mem, diags);
    *io_ok = load_files(ld, o->files, o->nfiles, o->root);
    if (!*io_ok) return;
    model_init(m, mem, diags, &ld->prog);
    /* Even after syntax errors: the parts that parsed are still checked. */
    resolve_program(m);
    elab_program(m);
}

static int finish(diag_sink *diags, FILE *out)
{
    diag_finish(diags);
    diag_print_text(diags, out);
    size_t e = diag_count(diags, SEV_ERROR), w = diag_count(diags, SEV_WARNING);
    if (e || w)
        fprintf(out, "%zu error%s, %zu warning%s\n", e, e == 1 ? "" : "s", w,
                w == 1 ? "" : "s");
    return e ? 1 : 0;
}

static int command(int argc, char **argv)
{
    cli_options o;
    int rc = parse_options(argc, argv, &o);
    if (rc) return rc;
    arena mem;
    arena_init(&mem);
    diag_sink diags;
    diag_init(&diags, &mem);
    diags.color = use_color(o.color);
    loader ld;
    model m;
    bool io_ok;
    if (strcmp(argv[1], "fmt") == 0) {
        rc = cli_fmt(&o, &mem, &diags);
    } else {
        run_pipeline(&o, &mem, &diags, &ld, &m, &io_ok);
        if (!io_ok) rc = 2;
        else if (strcmp(argv[1], "flows") == 0) rc = cli_flows(&m, &diags, stdout);
        else rc = finish(&diags, stderr);
    }
    arena_free(&mem);
    free(o.files);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage, stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(usage, stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        puts("berth " BERTH_VERSION);
        return 0;
    }
    if (strcmp(argv[1], "check") == 0 || strcmp(argv[1], "fmt") == 0 ||
        strcmp(argv[1], "flows") == 0)
        return command(argc, argv);
    return usage_error("unknown command '%s'", argv[1]);
}
