/* main.c: the berth command line. Parses options, runs the pipeline
 * (load, resolve, elaborate, check) and hands the model to a command:
 * check, fmt, flows, gen, audit, explain; import (import.c) and diff (diff.c)
 * parse their own options.
 * Exit: 0 clean, 1 errors in the policy, 2 usage or I/O. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "audit.h"
#include "cli.h"
#include "gen.h"
#include "load.h"
#include "model.h"
#include "output.h"
#include "proto.h"
#include "registry.h"
#include "strbuf.h"
#include "xalloc.h"

#define BERTH_VERSION "0.1.0"

/* The help text: each command's synopsis and the option groups it reads, so
 * `berth --help` shows all of it and `berth help CMD` (or `berth CMD --help`)
 * only that command's part. */
enum { OPT_COMMON = 1, OPT_REPORT = 2, OPT_GEN = 4, OPT_FW = 8, OPT_IMPORT = 16, OPT_DIFF = 32,
       OPT_EXPLAIN = 64 };

typedef struct {
    const char *name, *synopsis;
    unsigned groups;
} command_help;

static const command_help commands[] = {
    {"check",
     "berth check [options] FILE...     validate policies\n",
     OPT_COMMON | OPT_REPORT},
    {"fmt",
     "berth fmt [--check] FILE...        rewrite policies in canonical layout\n", 0},
    {"flows",
     "berth flows [options] FILE...      print the elaborated flow table\n"
     "berth flows --site S --host H [--format=json] FILE...\n"
     "                                   what one host accepts and sends, and why\n",
     OPT_COMMON},
    {"gen",
     "berth gen c|docs [options] -o DIR FILE...\n"
     "                                   generate C tables or documentation\n"
     "berth gen fw --template NAME|FILE.lua --site S [--host H] [-D KEY=VALUE]...\n"
     "             -o OUT FILE...        firewall rules (OUT: a file with --host,\n"
     "                                   else a directory with one file per host)\n",
     OPT_COMMON | OPT_GEN | OPT_FW},
    {"audit",
     "berth audit --site S --host H [--sockets FILE|- | --proc-net DIR] [options]\n"
     "             FILE...               compare the sockets host H listens on\n"
     "                                   (this machine's /proc/net, DIR such as a\n"
     "                                   container's /proc/PID/net, or saved\n"
     "                                   `ss -lntupH` or `netstat -ano` output)\n"
     "                                   with what the policy declares for it\n",
     OPT_COMMON | OPT_REPORT},
    {"explain",
     "berth explain PROTO PORT [--site S [--host H] [--from ADDR|ROLE]]\n"
     "             [--format=json] FILE...\n"
     "                                   the flows that admit PROTO (tcp or udp)\n"
     "                                   PORT (or a range N-M), with their lines,\n"
     "                                   parameter values and findings; exit 1\n"
     "                                   when nothing admits it\n",
     OPT_COMMON | OPT_EXPLAIN},
    {"import",
     "berth import firewalld [-o FILE] [--name SYSTEM] FILE.xml...\n"
     "                                   a system from firewalld service files\n"
     "berth import services [-o FILE] [--name SYSTEM] [FILE]\n"
     "                                   a system from services(5) (default\n"
     "                                   /etc/services; - for standard input)\n",
     OPT_IMPORT},
    {"diff",
     "berth diff [--format=text|json] OLD NEW\n"
     "berth diff [--format=text|json] --git REV [PATH...]\n"
     "                                   what changes on the network from OLD to\n"
     "                                   NEW (two files or two directories of\n"
     "                                   *.ports), or from REV to the work tree\n",
     OPT_COMMON | OPT_DIFF},
    {"help",
     "berth help [COMMAND]               this text, or one command's\n", 0},
};

static const struct {
    unsigned group;
    const char *text;
} option_groups[] = {
    {OPT_COMMON,
     "options:\n"
     "  --root DIR           policy root: imports must stay under it\n"
     "                       (default: the first file's directory)\n"
     "  --color=auto|always|never\n"
     "                       colour in text output (auto: on a terminal, unless NO_COLOR)\n"
     "  -                    read a policy from standard input\n"
     "  --                   the arguments after it are files\n"
     "  --max-memory SIZE    cap berth's memory (512M, 2G; 0: none); past it berth\n"
     "                       stops with exit 2 (default: 4G; every command)\n"
     "limits: a flow expands to at most 65,536 rows (protocols x port items x\n"
     "  source port items x sources x endpoints x directions), a policy to\n"
     "  4,000,000 rows; past either, an error before anything expands [limit]\n"},
    {OPT_REPORT,
     "check and audit options:\n"
     "  --format=text|gcc|json|sarif|github|gitlab\n"
     "                       text and gcc go to stderr; json, sarif, github and\n"
     "                       gitlab to stdout (or --output), the text still on stderr\n"
     "  --output FILE        write the machine format to FILE (atomically)\n"
     "  --summary            one line per check and host, with counts and the\n"
     "                       worst example, instead of every finding\n"
     "  --max-findings N     print at most N findings of each check, then one line\n"
     "                       with how many more (default: 1000; 0: all); counts\n"
     "                       and exit status still take every finding\n"
     "  --help-base URL      where SARIF rule links point (default:\n"
     "                       " BERTH_HELP_BASE ")\n"
     "  -Werror              treat warnings as errors\n"
     "  -W<check>, -Wno-<check>\n"
     "                       enable or disable a check (see --list-checks)\n"
     "  --no-waivers         report waived findings at full severity\n"
     "  --list-checks        list the check ids with one line each\n"},
    {OPT_GEN,
     "gen options:\n"
     "  -o DIR               output directory (created if missing)\n"
     "  --name NAME          gen c: base name of the outputs (default: berth_policy)\n"
     "  --prefix PREFIX      gen c: prefix of C identifiers (default: berth)\n"
     "  --site SITE          describe that deployment (default: the systems' defaults)\n"
     "  --depfile FILE       write a make-style dependency file\n"
     "gen docs renders flows.svg with dot for a graph of at most 400 nodes, 500\n"
     "edges and 200,000 bytes, in 5 s of dot's CPU time; past that flows.svg is a\n"
     "note saying so, and flows.dot still holds the graph.\n"},
    {OPT_FW,
     "gen fw options:\n"
     "  --template NAME      a bundled template (nftables, iptables, windows, firewalld,\n"
     "                       ufw) or a FILE.lua of your own (docs/templates.md)\n"
     "  --host HOST          one host of the site\n"
     "  --os windows|linux   only the site's hosts of that OS (linux: also hosts\n"
     "                       whose OS is not given)\n"
     "  -D KEY=VALUE         a template option: log=1, fragment=1 (nftables),\n"
     "                       output=drop, table=NAME; unknown_peer=any opens peers\n"
     "                       that resolve to no address to any address\n"},
    {OPT_DIFF,
     "diff options:\n"
     "  --format=text|json   a table (the default) or a JSON array, on stdout\n"
     "  --git REV            the old side is each PATH (default .) as revision REV\n"
     "                       had it; the new side is the work tree\n"},
    {OPT_EXPLAIN,
     "explain options:\n"
     "  --site S, --host H   on the hosts of site S (or host H alone): their\n"
     "                       firewall rules, as gen fw writes them\n"
     "  --from ADDR|ROLE     only what a source with that address, or a peer\n"
     "                       of that role ([SYSTEM.]ROLE), is admitted by\n"},
    {OPT_IMPORT,
     "import options:\n"
     "  -o, --output FILE    write the policy to FILE (atomically; default stdout)\n"
     "  --name SYSTEM        the system's name (default: firewalld or services)\n"},
};

static const char exit_text[] =
    "Every option that takes a value takes it as --opt VALUE or --opt=VALUE.\n"
    "exit status: 0 clean, 1 errors in a policy (audit: something undeclared\n"
    "listens; import: an error in an input; diff: something changes on the\n"
    "network; explain: nothing admits the port), 2 usage or I/O error (diff:\n"
    "also errors in either policy)\n";

/* The synopses of the commands in mask (all: ~0u), then their option groups. */
static void print_help(FILE *out, const command_help *only)
{
    unsigned groups = 0;
    const char *lead = "usage: ";
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++) {
        const command_help *c = &commands[i];
        if (only && c != only) continue;
        groups |= c->groups;
        for (const char *p = c->synopsis; *p;) {
            const char *nl = strchr(p, '\n');
            fprintf(out, "%s%.*s\n", lead, (int)(nl - p), p);
            lead = "       ";
            p = nl + 1;
        }
    }
    if (!only) fprintf(out, "%sberth --help | --version\n", lead);
    for (size_t i = 0; i < sizeof option_groups / sizeof *option_groups; i++)
        if (groups & option_groups[i].group) fprintf(out, "\n%s", option_groups[i].text);
    fprintf(out, "\n%s", exit_text);
}

/* COMMAND ... --help (or -h), before a `--` that ends the options. */
static bool asks_help(int argc, char **argv)
{
    for (int i = 2; i < argc && strcmp(argv[i], "--") != 0; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) return true;
    return false;
}

static const command_help *find_command(const char *name)
{
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (strcmp(commands[i].name, name) == 0) return &commands[i];
    return NULL;
}

static int usage_error(const char *fmt, const char *arg)
{
    return cli_usage_error(NULL, fmt, arg);
}

/* The slot of an option that takes a value (--name N or --name=N). */
/* An option that takes a value (--name N or --name=N): its value is stored
 * in its slot; false when argv[*i] is none of them. */
static bool value_option(cli_options *o, int argc, char **argv, int *i, bool *missing)
{
    static const char *const names[] = {"--name", "--prefix", "--site", "--depfile", "--template",
                                        "--host", "--os", "--sockets", "--proc-net", "--root",
                                        "--color", "--format", "--output", "--help-base", "--from",
                                        "--max-findings"};
    const char **slots[] = {&o->name, &o->prefix, &o->site, &o->depfile, &o->template, &o->host,
                            &o->os, &o->sockets, &o->proc_net, &o->root, &o->color_name,
                            &o->format_name, &o->output, &o->help_base, &o->from,
                            &o->max_findings_text};
    for (size_t k = 0; k < sizeof names / sizeof names[0] && !*missing; k++) {
        const char *v = cli_option_value(argc, argv, i, names[k], missing);
        if (v) {
            *slots[k] = v;
            return true;
        }
    }
    return *missing;
}

/* -D KEY=VALUE: kept sorted by key, a repeated key replaces the value. */
static int add_define(cli_options *o, const char *def)
{
    const char *eq = strchr(def, '=');
    if (!eq || !cli_is_identifier(def, (size_t)(eq - def)))
        return usage_error("-D '%s': expected KEY=VALUE with KEY a name (letters, digits, _)", def);
    if (strncmp(def, "unknown_peer=", 13) == 0) {
        if (strcmp(eq + 1, "any") != 0)
            return usage_error("-D unknown_peer takes only 'any', not '%s'", eq + 1);
        o->unknown_peer_any = true;
    }
    char *key = xstrndup(def, (size_t)(eq - def));
    size_t k = 0;
    while (k < o->ndefs && strcmp(o->def_keys[k], key) < 0) k++;
    if (k < o->ndefs && strcmp(o->def_keys[k], key) == 0) {
        free(key);
        o->def_values[k] = eq + 1;
        return 0;
    }
    memmove(o->def_keys + k + 1, o->def_keys + k, (o->ndefs - k) * sizeof *o->def_keys);
    memmove(o->def_values + k + 1, o->def_values + k, (o->ndefs - k) * sizeof *o->def_values);
    o->def_keys[k] = key;
    o->def_values[k] = eq + 1;
    o->ndefs++;
    return 0;
}

static void free_options(cli_options *o)
{
    for (size_t i = 0; i < o->ndefs; i++) free((char *)o->def_keys[i]);
    free(o->def_keys);
    free(o->def_values);
    free(o->files);
}

/* A count in decimal digits, at most 9 of them; false for anything else. */
static bool parse_count(const char *s, size_t *out)
{
    size_t v = 0, n = 0;
    for (; *s >= '0' && *s <= '9' && n < 10; s++, n++) v = v * 10 + (size_t)(*s - '0');
    *out = v;
    return n > 0 && n < 10 && *s == '\0';
}

/* --color and --format name one of a few values; 0, or 2 (printed). */
static int parse_named_values(cli_options *o)
{
    static const char *const colors[] = {"auto", "always", "never"};
    static const char *const formats[] = {"text", "gcc", "json", "sarif", "github", "gitlab"};
    int k;
    if (o->color_name) {
        for (k = 2; k >= 0 && strcmp(o->color_name, colors[k]) != 0; k--) {}
        if (k < 0) return usage_error("unknown colour mode '%s' (auto, always or never)",
                                      o->color_name);
        o->color = (cli_color)k;
    }
    if (o->format_name) {
        for (k = 5; k >= 0 && strcmp(o->format_name, formats[k]) != 0; k--) {}
        if (k < 0) return usage_error("unknown format '%s' (text, gcc, json, sarif, github or "
                                      "gitlab)", o->format_name);
        o->format = (cli_format)k;
    }
    if (o->max_findings_text && !parse_count(o->max_findings_text, &o->max_findings))
        return usage_error("--max-findings '%s': expected a number of findings per check (0: "
                           "no cap)", o->max_findings_text);
    if (o->help_base && !strstr(o->help_base, "://"))
        return usage_error("--help-base '%s' must be an absolute URL (scheme://...)",
                           o->help_base);
    return 0;
}

/* Options shared by every command; returns 0, or 2 on a usage error. */
static int parse_options(int argc, char **argv, int first, cli_options *o)
{
    bool missing = false;
    memset(o, 0, sizeof *o);
    o->color = CLI_COLOR_AUTO;
    o->max_findings = DIAG_MAX_FINDINGS_DEFAULT;
    check_options_default(&o->checks);
    o->files = xcalloc((size_t)argc + 1, sizeof *o->files);
    o->def_keys = xcalloc((size_t)argc + 1, sizeof *o->def_keys);
    o->def_values = xcalloc((size_t)argc + 1, sizeof *o->def_values);
    for (int i = first; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-") == 0 || a[0] != '-') {
            o->files[o->nfiles++] = argv[i];
        } else if (strcmp(a, "--") == 0) {
            while (++i < argc) o->files[o->nfiles++] = argv[i];
        } else if (strcmp(a, "--check") == 0) {
            o->fmt_check = true;
        } else if (strcmp(a, "--summary") == 0) {
            o->summary = true;
        } else if (strcmp(a, "-o") == 0) {
            if (++i == argc) return usage_error("%s needs a file name", a);
            o->output = argv[i];
        } else if (value_option(o, argc, argv, &i, &missing)) {
            if (missing) return usage_error("%s needs a value", a);
        } else if (strncmp(a, "-D", 2) == 0) {
            const char *def = a[2] ? a + 2 : ++i < argc ? argv[i] : NULL;
            if (!def) return usage_error("-D needs KEY=VALUE%s", "");
            int rc = add_define(o, def);
            if (rc) return rc;
        } else if (strcmp(a, "-Werror") == 0) {
            o->checks.werror = true;
        } else if (strcmp(a, "--no-waivers") == 0) {
            o->checks.no_waivers = true;
        } else if (strcmp(a, "--list-checks") == 0) {
            o->list_checks = true;
        } else if (strncmp(a, "-W", 2) == 0) {
            bool off = strncmp(a + 2, "no-", 3) == 0;
            const char *id = a + 2 + (off ? 3 : 0);
            int ck = check_lookup(id);
            if (ck < 0) return usage_error("unknown check '%s' (see --list-checks)", id);
            if (off && check_table[ck].sev == SEV_ERROR && !check_table[ck].waivable)
                return usage_error("check '%s' finds errors in the policy text; it cannot be "
                                   "disabled", id);
            o->checks.enabled[ck] = !off;
        } else {
            return usage_error("unknown option '%s'", a);
        }
    }
    if (o->nfiles == 0 && !o->list_checks)
        return strcmp(argv[1], "explain") == 0
                   ? usage_error("explain needs PROTO PORT FILE...%s", "")
                   : usage_error("%s: no policy files given", argv[1]);
    return parse_named_values(o);
}

/* The commands that read each option: any other command given it is a
 * usage error, not an option silently ignored. */
enum {
    C_CHECK = 1, C_FMT = 2, C_FLOWS = 4, C_GEN_C = 8, C_GEN_DOCS = 16, C_GEN_FW = 32,
    C_AUDIT = 64, C_EXPLAIN = 128,
    C_GEN = C_GEN_C | C_GEN_DOCS | C_GEN_FW,
    C_CHECKING = C_CHECK | C_FLOWS | C_GEN | C_AUDIT | C_EXPLAIN,   /* run the checks */
};

static const struct {
    const char *name;
    bool takes_value;            /* given as a separate argument unless --opt=VALUE */
    unsigned readers;
} option_readers[] = {
    {"--name", true, C_GEN_C},
    {"--prefix", true, C_GEN_C},
    {"--site", true, C_FLOWS | C_GEN | C_AUDIT | C_EXPLAIN},
    {"--depfile", true, C_GEN},
    {"--template", true, C_GEN_FW},
    {"--host", true, C_FLOWS | C_GEN_FW | C_AUDIT | C_EXPLAIN},
    {"--os", true, C_GEN_FW},
    {"--sockets", true, C_AUDIT},
    {"--proc-net", true, C_AUDIT},
    {"--root", true, C_CHECKING},
    {"--color", true, C_CHECKING | C_FMT},
    {"--format", true, C_CHECK | C_FLOWS | C_AUDIT | C_EXPLAIN},
    {"--output", true, C_CHECK | C_GEN | C_AUDIT},
    {"-o", true, C_CHECK | C_GEN | C_AUDIT},
    {"--help-base", true, C_CHECK | C_AUDIT},
    {"--max-findings", true, C_CHECK | C_AUDIT},
    {"--from", true, C_EXPLAIN},
    {"-D", true, C_GEN_FW},
    {"--check", false, C_FMT},
    {"--summary", false, C_CHECK | C_AUDIT},
    {"--no-waivers", false, C_CHECKING},
    {"--list-checks", false, C_CHECK | C_AUDIT},
    {"-W", false, C_CHECKING},
};

static unsigned command_bit(const char *cmd, const char *kind)
{
    static const char *const names[] = {"check", "fmt", "flows", "gen", "gen", "gen",
                                        "audit", "explain"};
    static const char *const kinds[] = {NULL, NULL, NULL, "c", "docs", "fw", NULL, NULL};
    for (unsigned k = 0; k < sizeof names / sizeof *names; k++)
        if (strcmp(cmd, names[k]) == 0 && (!kinds[k] || (kind && strcmp(kind, kinds[k]) == 0)))
            return 1u << k;
    return 0;
}

/* The row of an argument that is an option ("--name", "--name=x", "-Dk=v",
 * "-Wno-x"), or -1. */
static int option_row(const char *a)
{
    size_t n = strcspn(a, "=");
    for (size_t k = 0; k < sizeof option_readers / sizeof *option_readers; k++) {
        const char *name = option_readers[k].name;
        size_t len = strlen(name);
        bool prefix_form = name[1] != '-' && len == 2;       /* -D..., -W... */
        if (prefix_form ? strncmp(a, name, 2) == 0 : n == len && strncmp(a, name, n) == 0)
            return (int)k;
    }
    return -1;
}

/* 0, or 2 (printed) for the first option the command does not read. */
static int check_option_readers(int argc, char **argv, int first, const char *kind)
{
    unsigned cmd = command_bit(argv[1], kind);
    for (int i = first; i < argc && strcmp(argv[i], "--") != 0; i++) {
        int row = argv[i][0] == '-' && argv[i][1] ? option_row(argv[i]) : -1;
        if (row < 0) continue;
        if (!(option_readers[row].readers & cmd)) {
            char what[64];
            snprintf(what, sizeof what, "%s%s%s", argv[1], kind ? " " : "", kind ? kind : "");
            fprintf(stderr, "berth: '%.*s' is not an option of 'berth %s'\n",
                    (int)strcspn(argv[i], "="), argv[i], what);
            fputs("Try 'berth help ", stderr);
            fputs(argv[1], stderr);
            fputs("' for the options it reads.\n", stderr);
            return 2;
        }
        const char *name = option_readers[row].name;
        bool attached = strchr(argv[i], '=') || (name[1] != '-' && argv[i][2]);
        if (option_readers[row].takes_value && !attached) i++;
    }
    return 0;
}

/* "16000" or "8700-8708" into lo, hi; false unless 1 <= lo <= hi <= 65535. */
static bool parse_port_range(const char *s, int *lo, int *hi)
{
    long v[2] = {0, 0};
    int n = 0;
    for (const char *p = s;; p++) {
        if (*p >= '0' && *p <= '9') {
            v[n] = v[n] * 10 + (*p - '0');
            if (v[n] > 65535) return false;
        } else if (*p == '-' && n == 0 && p > s) {
            n = 1;
        } else if (*p == '\0' && p > s && p[-1] != '-') {
            break;
        } else {
            return false;
        }
    }
    *lo = (int)v[0];
    *hi = n ? (int)v[1] : (int)v[0];
    return *lo >= 1 && *lo <= *hi;
}

/* explain: the first two positional arguments are PROTO and PORT, the rest
 * policy files; --host and --from need --site. 0, or 2 with the message. */
/* A protocol without ports by name or number: `explain esp FILE`, `explain
 * icmp FILE` (every type) or `explain icmp 8 FILE`. How many positional
 * arguments it took, or 0 when PROTO is no such protocol. */
static bool parse_byte(const char *s, int *out)
{
    int v = 0, n = 0;
    for (; *s >= '0' && *s <= '9' && n < 4; s++, n++) v = v * 10 + (*s - '0');
    *out = v;
    return n > 0 && n < 4 && *s == '\0' && v <= 255;
}

static int explain_ip_proto(cli_options *o)
{
    const char *proto = o->files[0];
    const ip_protocol *p = proto_by_name(proto);
    int lo;
    if (!p && parse_byte(proto, &lo) && lo != IPPROTO_NUM_TCP && lo != IPPROTO_NUM_UDP)
        o->explain_ipproto = lo;
    else if (p) o->explain_ipproto = p->number;
    else return 0;
    o->explain_proto = PROTO_IP;
    o->explain_lo = 0;
    o->explain_hi = ICMP_MAX_TYPE;
    if (!proto_has_types(o->explain_ipproto) || o->nfiles < 3 || !parse_byte(o->files[1], &lo))
        return 1;
    o->explain_lo = o->explain_hi = lo;
    return 2;
}

static int explain_usage(cli_options *o)
{
    if (o->nfiles < 2) return usage_error("explain needs PROTO PORT FILE...%s", "");
    const char *proto = o->files[0], *port = o->files[1];
    o->explain_proto = strcmp(proto, "tcp") == 0 ? PROTO_TCP : strcmp(proto, "udp") == 0 ? PROTO_UDP : 0;
    int took = o->explain_proto ? 2 : explain_ip_proto(o);
    if (!took)
        return usage_error("unknown protocol '%s': explain takes tcp or udp with a port, or an "
                           "IP protocol (icmp [TYPE], esp, vrrp, 112, ...)", proto);
    if (took == 2 && o->explain_proto != PROTO_IP &&
        !parse_port_range(port, &o->explain_lo, &o->explain_hi))
        return usage_error("'%s' is not a port: give 1-65535, or a range such as 8700-8708", port);
    o->nfiles -= took;
    memmove(o->files, o->files + took, (size_t)o->nfiles * sizeof *o->files);
    if (o->nfiles == 0) return usage_error("explain: no policy files given%s", "");
    if (o->host && !o->site) return usage_error("--host needs --site SITE: hosts belong to a site%s", "");
    if (o->from && !o->site)
        return usage_error("--from needs --site SITE: addresses and roles belong to a site's hosts%s", "");
    if (o->format != FMT_TEXT && o->format != FMT_JSON)
        return usage_error("explain writes text, or JSON with --format=json%s", "");
    if (o->output) return usage_error("explain writes to standard output; --output is not for it%s", "");
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
    check_program(m, &o->checks);
}

/* Machine output goes to its own stream: --output FILE (written atomically)
 * or stdout; text stays on stderr. */
static void emit_machine(const cli_options *o, const diag_sink *diags, FILE *out)
{
    switch (o->format) {
    case FMT_JSON: report_json(diags, out); break;
    case FMT_SARIF: report_sarif_with(diags, o->help_base, out); break;
    case FMT_GITLAB: report_gitlab(diags, out); break;
    default: report_github(diags, out); break;
    }
}

static int write_machine(const cli_options *o, const diag_sink *diags, const loader *ld)
{
    if (!o->output) {
        emit_machine(o, diags, stdout);
        return fflush(stdout) == 0 ? 0 : 2;
    }
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    if (!mem) return 2;
    emit_machine(o, diags, mem);
    size_t ninputs;
    const char **inputs = load_input_names(ld, &ninputs);
    output_set out;
    output_init(&out, inputs, ninputs);
    int rc = fclose(mem) == 0 && output_stage(&out, o->output, buf, len) && output_commit(&out)
                 ? 0 : 2;
    if (rc) output_abort(&out);
    free(buf);
    return rc;
}

static int finish(const cli_options *o, diag_sink *diags, const loader *ld, FILE *out)
{
    diag_finish(diags);
    if (o->summary) report_summary(diags, out);
    else if (o->format == FMT_GCC) report_gcc(diags, out);
    else diag_print_text(diags, out);
    size_t e = diag_count(diags, SEV_ERROR), w = diag_count(diags, SEV_WARNING);
    size_t waived = diag_waived(diags);
    if (o->format != FMT_GCC && (e || w || waived)) {
        fprintf(out, "%zu error%s, %zu warning%s", e, e == 1 ? "" : "s", w, w == 1 ? "" : "s");
        if (waived) fprintf(out, ", %zu waived", waived);
        fputc('\n', out);
    }
    int rc = o->format >= FMT_JSON ? write_machine(o, diags, ld) : 0;
    return rc ? rc : e ? 1 : 0;
}

static const host *find_host(const model *m, const char *site, const char *name)
{
    for (size_t i = 0; i < m->nhosts; i++)
        if (strcmp(m->hosts[i]->site->name, site) == 0 && strcmp(m->hosts[i]->decl->name, name) == 0)
            return m->hosts[i];
    return NULL;
}

/* --site and --host name a site and one of its hosts; 0 or 2. */
static int check_site_host(const cli_options *o, const model *m)
{
    if (o->site && !names_get(&m->sites, o->site)) {
        fprintf(stderr, "berth: no site '%s' in the policy\n", o->site);
        return 2;
    }
    if (o->host && !find_host(m, o->site, o->host)) {
        fprintf(stderr, "berth: no host '%s' in site '%s'\n", o->host, o->site);
        return 2;
    }
    return 0;
}

static fw_options fw_opts(const cli_options *o)
{
    os_kind os = !o->os ? OS_NONE : strcmp(o->os, "windows") == 0 ? OS_WINDOWS : OS_LINUX;
    return (fw_options){o->template, o->host, o->output, os, o->unknown_peer_any,
                        o->def_keys, o->def_values, o->ndefs};
}

/* gen: check first; generate only from a policy without errors. */
static int generate(const cli_options *o, model *m, const loader *ld, diag_sink *diags)
{
    gen_ctx g = {0};
    g.m = m;
    g.ld = ld;
    g.outdir = o->output;
    g.name = o->name ? o->name : "berth_policy";
    g.prefix = o->prefix ? o->prefix : "berth";
    g.site = o->site;
    g.inputs = o->files;
    g.ninputs = o->nfiles;
    bool fw = strcmp(o->gen_kind, "fw") == 0;
    /* docs and fw own their directories: pages of removed systems and hosts
     * go. gen c does not: two policies' tables may share one directory. */
    g.prune = strcmp(o->gen_kind, "c") != 0;
    fw_options fo = fw_opts(o);
    int rc = check_site_host(o, m);
    /* Host views report unknown peers: before the diagnostics print. */
    if (rc == 0 && fw && !diag_count(diags, SEV_ERROR)) (void)gen_fw_views(&g, &fo);
    diag_finish(diags);
    diags->hide_waived = true;
    diag_print_text(diags, stderr);
    if (rc) return rc;
    if (diag_count(diags, SEV_ERROR)) {
        fprintf(stderr, "berth: %zu error%s; nothing generated\n", diag_count(diags, SEV_ERROR),
                diag_count(diags, SEV_ERROR) == 1 ? "" : "s");
        return 1;
    }
    rc = fw ? gen_fw(&g, &fo) : strcmp(o->gen_kind, "c") == 0 ? gen_c(&g) : gen_docs(&g);
    if (rc == 0) rc = gen_write(&g, o->depfile);
    gen_free(&g);
    return rc;
}

/* The --sockets text as a source numbered after the policy's, so findings
 * sort after the policy's notes; NULL (printed) when it cannot be read. */
static const source *read_sockets_file(const char *name, arena *mem, int index)
{
    bool is_stdin = strcmp(name, "-") == 0;
    FILE *f = is_stdin ? stdin : fopen(name, "rb");
    size_t len = 0;
    char *text = f ? load_read_stream(mem, f, &len) : NULL;
    if (!text) fprintf(stderr, "berth: cannot read '%s': %s\n", name, strerror(errno));
    if (f && !is_stdin) fclose(f);
    return text ? source_new(mem, is_stdin ? "<stdin>" : name, "", ".", text, len, index) : NULL;
}

/* audit: a policy with errors is not a reference; its findings print and
 * nothing is audited. Otherwise only the audit's own findings print. */
static int audit(const cli_options *o, model *m, const loader *ld, diag_sink *diags, arena *mem)
{
    int rc = check_site_host(o, m);
    if (rc) return rc;
    if (diag_count(diags, SEV_ERROR)) {
        diag_finish(diags);
        diags->hide_waived = true;
        diag_print_text(diags, stderr);
        fprintf(stderr, "berth: %zu error%s in the policy; nothing audited\n",
                diag_count(diags, SEV_ERROR), diag_count(diags, SEV_ERROR) == 1 ? "" : "s");
        return 1;
    }
    diag_sink found;
    diag_init(&found, mem);
    found.color = diags->color;
    found.max_findings = diags->max_findings;
    socket_table t = {0};
    int index = (int)ld->nsources;
    bool ok;
    if (o->sockets) {
        const source *src = read_sockets_file(o->sockets, mem, index);
        if (!src) return 2;
        ok = sockets_parse_saved(mem, &found, src, &t);
    } else {
        ok = sockets_read_proc(mem, o->proc_net ? o->proc_net : "/proc/net", index, &t);
    }
    if (!ok) {
        diag_finish(&found);
        diag_print_text(&found, stderr);
        return 2;
    }
    const site_decl *site = names_get(&m->sites, o->site);
    if (!audit_host(m, site, find_host(m, o->site, o->host), &t, &found)) {
        diag_finish(diags);
        diag_print_text(diags, stderr);
        return 1;
    }
    check_waive_other(m, &found, &o->checks);
    return finish(o, &found, ld, stderr);
}

/* Usage rules of gen: 0, or 2 with the message printed. */
static int check_gen_usage(const cli_options *o)
{
    const char *kind = o->gen_kind;
    if (!o->output)
        return usage_error(strcmp(kind, "fw") == 0 ? "gen fw needs an output: -o FILE with "
                           "--host, else -o DIR%s" : "gen needs an output directory: -o DIR%s", "");
    if (o->name && !cli_is_identifier(o->name, strlen(o->name)))
        return usage_error("--name '%s' must be a C identifier (it names the files and the "
                           "header guard)", o->name);
    if (o->prefix && !cli_is_identifier(o->prefix, strlen(o->prefix)))
        return usage_error("--prefix '%s' must be a C identifier", o->prefix);
    if (strcmp(kind, "fw") != 0) {
        if (o->template || o->host || o->os || o->ndefs)
            return usage_error("--template, --host, --os and -D belong to gen fw%s", "");
        return 0;
    }
    if (!o->template) return usage_error("gen fw needs --template NAME|FILE.lua%s", "");
    if (!o->site) return usage_error("gen fw needs --site SITE: a firewall belongs to a host%s", "");
    if (o->os && strcmp(o->os, "windows") != 0 && strcmp(o->os, "linux") != 0)
        return usage_error("--os takes 'windows' or 'linux', not '%s'", o->os);
    if (o->os && o->host) return usage_error("--os selects hosts; --host names one already%s", "");
    size_t n = strlen(o->output);
    if (o->host && n && o->output[n - 1] == '/')
        return usage_error("with --host, -o names the output file, not a directory ('%s')",
                           o->output);
    return 0;
}

static int stdin_files(const cli_options *o)
{
    int n = 0;
    for (int i = 0; i < o->nfiles; i++) n += strcmp(o->files[i], "-") == 0;
    return n;
}

static bool has_stdin_file(const cli_options *o) { return stdin_files(o) > 0; }

static int command(int argc, char **argv)
{
    cli_options o;
    bool is_gen = strcmp(argv[1], "gen") == 0;
    if (is_gen && (argc < 3 || (strcmp(argv[2], "c") != 0 && strcmp(argv[2], "docs") != 0 &&
                                strcmp(argv[2], "fw") != 0)))
        return usage_error("gen needs a kind: 'gen c', 'gen docs' or 'gen fw'%s", "");
    int rc = parse_options(argc, argv, is_gen ? 3 : 2, &o);
    if (rc) {
        free_options(&o);
        return rc;
    }
    bool is_audit = strcmp(argv[1], "audit") == 0, is_explain = strcmp(argv[1], "explain") == 0;
    bool wants_host_view = is_gen ? strcmp(argv[2], "fw") == 0
                                  : o.host != NULL && !is_audit && !is_explain;
    if (is_audit && (!o.site || !o.host))
        rc = usage_error("audit needs --site SITE and --host HOST: the host whose sockets "
                         "these are%s", "");
    else if ((o.sockets || o.proc_net) && !is_audit)
        rc = usage_error("--sockets and --proc-net belong to audit%s", "");
    else if (o.sockets && o.proc_net)
        rc = usage_error("--sockets and --proc-net are two sources of sockets: give one%s", "");
    else if (stdin_files(&o) > 1)
        rc = usage_error("standard input given twice: '-' is read once%s", "");
    else if (is_audit && o.sockets && strcmp(o.sockets, "-") == 0 && has_stdin_file(&o))
        rc = usage_error("standard input cannot be both the --sockets text and a policy%s", "");
    else if (is_explain)
        rc = explain_usage(&o);
    else if (o.from)
        rc = usage_error("--from belongs to explain%s", "");
    else if (!is_gen && o.output && o.format < FMT_JSON)
        rc = usage_error("--output writes a machine format: add --format=json, sarif, "
                         "github or gitlab%s", "");
    else if (!is_gen && !is_audit && o.host && (strcmp(argv[1], "flows") != 0 || !o.site))
        rc = usage_error("--host goes with 'flows --site SITE' or 'gen fw'%s", "");
    if (is_gen) {
        o.gen_kind = argv[2];
        rc = check_gen_usage(&o);
    }
    if (!rc) rc = check_option_readers(argc, argv, is_gen ? 3 : 2, is_gen ? argv[2] : NULL);
    if (rc) {
        free_options(&o);
        return rc;
    }
    /* gen fw and flows --host report unknown peers themselves, as errors. */
    if (wants_host_view) o.checks.enabled[CK_UNKNOWN_PEER] = false;
    arena mem;
    arena_init(&mem);
    diag_sink diags;
    diag_init(&diags, &mem);
    diags.color = use_color(o.color);
    diags.max_findings = o.max_findings;
    loader ld;
    model m;
    bool io_ok;
    if (o.list_checks) {
        report_list_checks(stdout);
    } else if (strcmp(argv[1], "fmt") == 0) {
        rc = cli_fmt(&o, &mem, &diags);
    } else {
        run_pipeline(&o, &mem, &diags, &ld, &m, &io_ok);
        if (!io_ok) rc = 2;
        else if (is_gen) rc = generate(&o, &m, &ld, &diags);
        else if (is_audit) rc = audit(&o, &m, &ld, &diags, &mem);
        else if (is_explain) rc = check_site_host(&o, &m) ? 2 : cli_explain(&o, &m, &diags, stdout);
        else if (strcmp(argv[1], "flows") != 0) rc = finish(&o, &diags, &ld, stderr);
        else if (!o.host) rc = cli_flows(&m, &diags, stdout);
        else if (!(rc = check_site_host(&o, &m))) rc = cli_host_flows(&o, &m, &diags, stdout);
    }
    arena_free(&mem);
    free_options(&o);
    return rc;
}

static int dispatch(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "--list-checks") == 0) {
        report_list_checks(stdout);
        return 0;
    }
    if (argc < 2) {
        print_help(stderr, NULL);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        print_help(stdout, NULL);
        return 0;
    }
    if (strcmp(argv[1], "help") == 0) {
        const command_help *c = argc > 2 ? find_command(argv[2]) : NULL;
        if (argc > 3 || (argc == 3 && !c))
            return usage_error("help takes one command name, not '%s'", argv[argc - 1]);
        print_help(stdout, c);
        return 0;
    }
    const command_help *cmd = find_command(argv[1]);
    if (cmd && asks_help(argc, argv)) {
        print_help(stdout, cmd);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        puts("berth " BERTH_VERSION);
        /* the compiled-in IANA port registry: which copy, how many entries */
        printf("port registry: %s (%zu entries)\n", registry_ports_source, registry_nports);
        return 0;
    }
    if (strcmp(argv[1], "check") == 0 || strcmp(argv[1], "fmt") == 0 ||
        strcmp(argv[1], "flows") == 0 || strcmp(argv[1], "gen") == 0 ||
        strcmp(argv[1], "audit") == 0 || strcmp(argv[1], "explain") == 0)
        return command(argc, argv);
    if (strcmp(argv[1], "import") == 0) return cli_import(argc, argv);
    if (strcmp(argv[1], "diff") == 0) return cli_diff(argc, argv);
    return usage_error("unknown command '%s'", argv[1]);
}

/* Output that did not reach standard output (a full disk, a closed pipe)
 * is a failed run, whatever the command found. */
static int stdout_written(int rc)
{
    if (fflush(stdout) == 0 && !ferror(stdout)) return rc;
    fprintf(stderr, "berth: cannot write to standard output: %s\n", strerror(errno));
    return 2;
}

/* --max-memory SIZE (or =SIZE), for every command: taken out of argv
 * before the command reads it. The cap applies from here on, a default one
 * when none is given; 2 on a bad value. */
static int take_memory_cap(int *argc, char **argv)
{
    size_t bytes = (size_t)XALLOC_DEFAULT_LIMIT_MIB << 20;
    int w = 1;
    for (int i = 1; i < *argc; i++) {
        bool missing = false;
        const char *v = strcmp(argv[i], "--") == 0
                            ? NULL : cli_option_value(*argc, argv, &i, "--max-memory", &missing);
        if (missing) return usage_error("%s needs a size such as 512M or 2G", "--max-memory");
        if (v && !xalloc_parse_size(v, &bytes))
            return usage_error("--max-memory '%s': expected a size such as 512M, 2G or 0 "
                               "(no cap)", v);
        if (v) continue;
        if (strcmp(argv[i], "--") == 0)
            while (i < *argc) argv[w++] = argv[i++];
        else
            argv[w++] = argv[i];
    }
    argv[w] = NULL;
    *argc = w;
    xalloc_set_limit(bytes);
    return 0;
}

int main(int argc, char **argv)
{
    /* Diagnostics can run to megabytes: buffer stderr instead of one
     * write per character. */
    static char errbuf[1 << 16];
    setvbuf(stderr, errbuf, _IOFBF, sizeof errbuf);
    int rc = take_memory_cap(&argc, argv);
    return stdout_written(rc ? rc : dispatch(argc, argv));
}
