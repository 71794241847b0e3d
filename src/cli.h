/* cli.h: options shared by the commands, and the commands other than check
 * (fmt.c: fmt; flows.c: the flow table as text; import.c: import;
 * explain.c: explain). */
#ifndef BERTH_CLI_H
#define BERTH_CLI_H
#include <stdbool.h>
#include <stdio.h>
#include "diag.h"
#include "check.h"
#include "model.h"

/* Where SARIF rule links point unless --help-base says otherwise: the
 * checks page installed by make install. */
#ifndef BERTH_HELP_BASE
#define BERTH_HELP_BASE "file:///usr/local/share/doc/berth/checks.md"
#endif
#include "strbuf.h"

typedef enum { CLI_COLOR_AUTO, CLI_COLOR_ALWAYS, CLI_COLOR_NEVER } cli_color;
typedef enum { FMT_TEXT, FMT_GCC, FMT_JSON, FMT_SARIF, FMT_GITHUB, FMT_GITLAB } cli_format;

typedef struct {
    char **files;
    int nfiles;
    const char *root;
    cli_color color;
    bool fmt_check;
    cli_format format;
    const char *output;          /* --output FILE for the machine format */
    const char *color_name, *format_name;  /* as given; parsed into color, format */
    const char *help_base;       /* --help-base URL: SARIF rule links */
    bool summary;                /* --summary: one line per (check, host) */
    const char *max_findings_text;   /* --max-findings N as given */
    size_t max_findings;         /* per check; 0: no cap (diag.h) */
    check_options checks;
    bool list_checks;
    /* gen */
    const char *gen_kind;        /* "c", "docs" or "fw" */
    const char *name, *prefix, *site, *depfile;
    /* gen fw, flows --host */
    const char *template, *host, *os;
    const char *sockets;         /* audit --sockets FILE|- */
    const char *proc_net;        /* audit --proc-net DIR */
    /* explain PROTO PORT[-PORT] [--from ADDR|ROLE] */
    const char *from;
    int explain_proto;           /* PROTO_TCP, PROTO_UDP or PROTO_IP */
    int explain_ipproto;         /* PROTO_IP: the protocol number */
    int explain_lo, explain_hi;  /* ports; PROTO_IP: ICMP types, 0-255 for any */
    const char **def_keys, **def_values;   /* -D KEY=VALUE, sorted by key, last one kept */
    size_t ndefs;
    bool unknown_peer_any;       /* -D unknown_peer=any */
} cli_options;

/* cliopt.c: `--opt VALUE` or `--opt=VALUE` at argv[*i]: the value (advancing
 * *i past a separate one), or NULL when argv[*i] is not opt; *missing is set
 * when opt is last without a value. */
const char *cli_option_value(int argc, char **argv, int *i, const char *opt, bool *missing);
/* Letters, digits and '_', not starting with a digit: C names, -D keys. */
bool cli_is_identifier(const char *s, size_t n);
/* "berth: MESSAGE" (arg shown visibly) and where help is; returns 2.
 * command: the command whose help to point at, or NULL for all. */
int cli_usage_error(const char *command, const char *fmt, const char *arg);

int cli_fmt(const cli_options *o, arena *mem, diag_sink *diags);
/* Format one source into out in canonical layout; false when it has syntax
 * errors (reported to diags). */
bool fmt_format(arena *mem, diag_sink *diags, const source *src, strbuf *out);
/* import.c: `berth import firewalld|services`, with its own options
 * (argv[1] is "import"). */
int cli_import(int argc, char **argv);
/* diff.c: `berth diff OLD NEW` or `berth diff --git REV [PATH...]`, with
 * its own options (argv[1] is "diff"). Prints what changes on the network
 * between two policies; 0 nothing, 1 something, 2 usage, I/O, git, or
 * errors in either policy. */
int cli_diff(int argc, char **argv);
int cli_flows(const model *m, diag_sink *diags, FILE *out);
/* flows --site S --host H: the host view as text, or JSON with --format=json. */
int cli_host_flows(const cli_options *o, const model *m, diag_sink *diags, FILE *out);
/* explain.c: `berth explain`: the flows that admit o->explain_* (on the
 * host views of --site, or in the flow table) and the findings about
 * them, as text or JSON; 0 when something admits it, 1 when nothing does. */
int cli_explain(const cli_options *o, const model *m, diag_sink *diags, FILE *out);
/* report.c: machine formats of the findings. */
void report_gcc(const diag_sink *s, FILE *out);
void report_json(const diag_sink *s, FILE *out);
/* The one JSON string escaper: "text" with quotes, backslashes and controls escaped. */
void report_json_string(FILE *out, const char *s);
void report_sarif(const diag_sink *s, FILE *out);
/* help_base: where rule links point, an absolute URL (NULL: BERTH_HELP_BASE). */
void report_sarif_with(const diag_sink *s, const char *help_base, FILE *out);
void report_gitlab(const diag_sink *s, FILE *out);
/* --summary: one line per (check, host) with counts and the worst example. */
void report_summary(const diag_sink *s, FILE *out);
void report_github(const diag_sink *s, FILE *out);
void report_list_checks(FILE *out);

#endif
