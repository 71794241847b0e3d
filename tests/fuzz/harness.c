/* harness.c: the libFuzzer target (make fuzz). Takes one input as a policy
 * file and runs it through everything a pull request can reach: load,
 * resolve, elaborate and check in every report format, flows, gen c,
 * gen docs, gen fw for its first site, and fmt. Crashes, sanitizer reports,
 * timeouts and leaks are libFuzzer's to find; two properties are ours:
 * fmt keeps the token sequence, and fmt of fmt's output changes nothing. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "parse.h"
#include "strbuf.h"

int berth_main(int argc, char **argv);

static char dir[] = "/tmp/berth-fuzz-XXXXXX";
static char policy[64], report[64], out_c[64], out_docs[64], out_fw[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    if (!mkdtemp(dir)) abort();
    snprintf(policy, sizeof policy, "%s/in.ports", dir);
    snprintf(report, sizeof report, "%s/report", dir);
    snprintf(out_c, sizeof out_c, "%s/c", dir);
    snprintf(out_docs, sizeof out_docs, "%s/docs", dir);
    snprintf(out_fw, sizeof out_fw, "%s/fw", dir);
    /* gen docs renders with Graphviz when it finds dot: not here, where
     * each run would fork two processes. */
    setenv("PATH", "/nonexistent", 1);
    return 0;
}

/* One berth command line; NULL ends the arguments. */
#define RUN(...) run((const char *[]){"berth", __VA_ARGS__, NULL})
static void run(const char **args)
{
    int argc = 0;
    while (args[argc]) argc++;
    int rc = berth_main(argc, (char **)args);
    if (rc < 0 || rc > 2) {
        fprintf(stderr, "berth %s exited %d\n", args[1], rc);
        abort();
    }
}

/* The token codes and texts of one text; comments included. */
static raw_token *tokens_of(arena *mem, diag_sink *d, const char *text, size_t len, size_t *n)
{
    char *copy = arena_alloc(mem, len + 1);
    memcpy(copy, text, len);
    copy[len] = 0;
    source *s = source_new(mem, "fuzz.ports", "", ".", copy, len, 0);
    raw_token *t = NULL;
    return parse_tokens(mem, d, s, &t, n) ? t : NULL;
}

/* Equal but for line ends: fmt gives a file one line-end style, and a
 * block comment spans lines, so "\r\n" and "\n" inside it are the same. */
static bool same_text(const char *a, const char *b)
{
    for (;;) {
        if (a[0] == '\r' && a[1] == '\n') a++;
        if (b[0] == '\r' && b[1] == '\n') b++;
        if (*a != *b) return false;
        if (!*a) return true;
        a++;
        b++;
    }
}

static bool same_tokens(const raw_token *a, size_t na, const raw_token *b, size_t nb)
{
    if (na != nb) return false;
    for (size_t i = 0; i < na; i++)
        if (a[i].kind != b[i].kind || !same_text(a[i].text, b[i].text)) return false;
    return true;
}

/* Both token lists, in the harness's temporary directory (stderr is
 * closed while fuzzing): the first difference is what to look at. */
static void save_tokens(const raw_token *a, size_t na, const raw_token *b, size_t nb)
{
    char path[96];
    snprintf(path, sizeof path, "%s/fmt-tokens.txt", dir);
    fprintf(stderr, "fmt's token lists: %s\n", path);
    FILE *f = fopen(path, "w");
    for (size_t i = 0; f && i < (na > nb ? na : nb); i++)
        fprintf(f, "%zu: %d [%s] | %d [%s]\n", i, i < na ? a[i].kind : -1, i < na ? a[i].text : "",
                i < nb ? b[i].kind : -1, i < nb ? b[i].text : "");
    if (f) fclose(f);
}

/* fmt must rewrite whitespace only, and be a fixed point. */
static void check_fmt(const uint8_t *data, size_t size)
{
    arena mem;
    arena_init(&mem);
    diag_sink d;
    diag_init(&d, &mem);
    char *text = arena_alloc(&mem, size + 1);
    memcpy(text, data, size);
    text[size] = 0;
    source *src = source_new(&mem, "fuzz.ports", "", ".", text, size, 0);
    strbuf once, twice;
    sb_init(&once);
    sb_init(&twice);
    if (fmt_format(&mem, &d, src, &once) && !once.failed) {
        size_t n1, n2;
        raw_token *t1 = tokens_of(&mem, &d, text, size, &n1);
        raw_token *t2 = tokens_of(&mem, &d, once.data, once.len, &n2);
        if (!t1 || !t2 || !same_tokens(t1, n1, t2, n2)) {
            if (t1 && t2) save_tokens(t1, n1, t2, n2);
            fputs("fmt changed the tokens\n", stderr);
            abort();
        }
        source *again = source_new(&mem, "fuzz.ports", "", ".", once.data, once.len, 0);
        if (!fmt_format(&mem, &d, again, &twice) || twice.len != once.len ||
            memcmp(twice.data, once.data, once.len) != 0) {
            fputs("fmt is not a fixed point\n", stderr);
            abort();
        }
    }
    sb_free(&once);
    sb_free(&twice);
    arena_free(&mem);
}

/* The name after the first `word ` that starts a line (after blanks),
 * when it is a plain name: the site or host to hand to gen fw and flows. */
static bool first_name(const uint8_t *data, size_t size, const char *word, char name[64])
{
    size_t w = strlen(word);
    for (size_t i = 0; i + w < size; i++) {
        size_t k = i;
        while (k < size && (data[k] == ' ' || data[k] == '\t')) k++;
        if (k + w >= size || memcmp(data + k, word, w) != 0 || (i && data[i - 1] != '\n'))
            continue;
        size_t n = 0;
        for (k += w; k < size && n < 63; k++, n++) {
            int c = data[k];
            if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                  (n && c >= '0' && c <= '9')))
                break;
            name[n] = (char)c;
        }
        name[n] = 0;
        return n > 0;
    }
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FILE *f = fopen(policy, "wb");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0) abort();
    RUN("check", policy);
    RUN("check", "--format=gcc", policy);
    static const char *machine[] = {"--format=json", "--format=sarif", "--format=github",
                                    "--format=gitlab"};
    for (size_t i = 0; i < 4; i++) RUN("check", machine[i], "-o", report, policy);
    RUN("flows", policy);
    RUN("gen", "c", "-o", out_c, policy);
    RUN("gen", "docs", "-o", out_docs, policy);
    char site[64], host[64];
    if (first_name(data, size, "site ", site)) {
        RUN("gen", "fw", "--template", "nftables", "--site", site, "-o", out_fw, policy);
        if (first_name(data, size, "host ", host))
            RUN("flows", "--site", site, "--host", host, policy);
    }
    check_fmt(data, size);
    return 0;
}
