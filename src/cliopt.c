/* cliopt.c: what every command's option parser shares: an option's value
 * as `--opt VALUE` or `--opt=VALUE`, identifiers, and the one printer of
 * usage errors (main.c, diff.c and import.c parse their own options). */
#include <string.h>
#include "cli.h"

const char *cli_option_value(int argc, char **argv, int *i, const char *opt, bool *missing)
{
    const char *a = argv[*i];
    size_t n = strlen(opt);
    if (strncmp(a, opt, n) != 0) return NULL;
    if (a[n] == '=') return a + n + 1;
    if (a[n] != '\0') return NULL;
    if (*i + 1 == argc) {
        *missing = true;
        return NULL;
    }
    return argv[++*i];
}

bool cli_is_identifier(const char *s, size_t n)
{
    if (n == 0 || (s[0] >= '0' && s[0] <= '9')) return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
              (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
            return false;
    return true;
}

int cli_usage_error(const char *command, const char *fmt, const char *arg)
{
    /* The argument is the user's: shown with its control characters visible. */
    arena a;
    arena_init(&a);
    fputs("berth: ", stderr);
    fprintf(stderr, fmt, diag_visible(&a, arg));
    arena_free(&a);
    if (command) fprintf(stderr, "\nTry 'berth help %s'.\n", command);
    else fputs("\nTry 'berth --help' or 'berth help COMMAND'.\n", stderr);
    return 2;
}
