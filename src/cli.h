/* cli.h: options shared by the commands, and the commands other than check
 * (fmt.c: fmt; flows.c: the flow table as text). */
#ifndef BERTH_CLI_H
#define BERTH_CLI_H
#include <stdbool.h>
#include <stdio.h>
#include "diag.h"
#include "model.h"

typedef enum { CLI_COLOR_AUTO, CLI_COLOR_ALWAYS, CLI_COLOR_NEVER } cli_color;

typedef struct {
    char **files;
    int nfiles;
    const char *root;
    cli_color color;
    bool fmt_check;
} cli_options;

int cli_fmt(const cli_options *o, arena *mem, diag_sink *diags);
int cli_flows(const model *m, diag_sink *diags, FILE *out);

#endif
