/* report.c: findings in machine formats: gcc (one line each), JSON, SARIF
 * 2.1.0 and GitHub workflow annotations, plus --list-checks. Takes the
 * finished sink; writes to the given stream. One escaper per format. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "xalloc.h"
#include "strbuf.h"

/* ---- JSON ---- */

/* Valid UTF-8 passes through; each byte that is not part of a valid
 * sequence (a file name in Latin-1, a cut sequence) becomes U+FFFD, so the
 * document is always valid JSON. */
void report_json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        int n = diag_utf8_len(p);
        if (*p == '"' || *p == '\\') fprintf(out, "\\%c", *p);
        else if (*p == '\n') fputs("\\n", out);
        else if (*p == '\t') fputs("\\t", out);
        else if (*p < 0x20 || *p == 0x7f) fprintf(out, "\\u%04x", *p);
        else if (n == 0) fputs("\\ufffd", out);
        else fwrite(p, 1, (size_t)n, out);
        p += n ? n : 1;
    }
    fputc('"', out);
}

static void json_span(FILE *out, loc w)
{
    fputs("\"file\": ", out);
    report_json_string(out, w.src ? w.src->name : "");
    fprintf(out, ", \"line\": %d, \"column\": %d, \"end_line\": %d, \"end_column\": %d",
            loc_line(w), loc_col(w), loc_end_line(w), loc_end_col(w));
}

/* `"aliases": [{"service": "igloo.dante", "same_as": "dante.audio_control"}]`
 * for a finding about a service that is another system's service; nothing
 * for the others, so their records stay as they were. */
static void json_aliases(FILE *out, const diag *d, const char *sep)
{
    int k = 0;
    for (int i = 0; i < 2; i++) {
        const decl *svc = d->svc[i];
        if (!svc || !svc->alias_of || (i == 1 && svc == d->svc[0])) continue;
        fprintf(out, "%s{\"service\": \"%s.%s\", \"same_as\": \"%s.%s\"}",
                k++ ? ", " : sep, d->svc_inst[i] ? d->svc_inst[i] : svc->system->name, svc->name,
                svc->alias_of->system->name, svc->alias_of->name);
    }
    if (k) fputc(']', out);
}

/* Past --max-findings: `"not_shown": [{"id": "bind-conflict", "count": N,
 * "message": "N more ..."}]`, only when a check has some, so the records
 * of a run under the cap stay as they were. The summary counts them all. */
static void json_not_shown(const diag_sink *s, FILE *out)
{
    char buf[96];
    int k = 0;
    for (int c = 0; c < CK_COUNT; c++) {
        if (!s->not_shown[c]) continue;
        fputs(k++ ? ",\n    {\"id\": " : "\n  \"not_shown\": [\n    {\"id\": ", out);
        report_json_string(out, check_table[c].id);
        fprintf(out, ", \"count\": %zu, \"max_findings\": %zu, \"message\": ", s->not_shown[c],
                s->max_findings);
        report_json_string(out, diag_not_shown_text(buf, s, (check_id)c));
        fputc('}', out);
    }
    if (k) fputs("\n  ],", out);
}

void report_json(const diag_sink *s, FILE *out)
{
    fputs("{\n  \"version\": 1,\n  \"findings\": [", out);
    for (size_t i = 0, k = 0; i < s->count; i++) {
        const diag *d = s->items[i];
        if (d->capped) continue;
        fprintf(out, "%s\n    {\"id\": ", k++ ? "," : "");
        report_json_string(out, check_table[d->check].id);
        fprintf(out, ", \"severity\": \"%s\", \"default_severity\": \"%s\", \"message\": ",
                severity_name(diag_shown(d)), severity_name(check_table[d->check].sev));
        report_json_string(out, d->message);
        fputs(", ", out);
        json_span(out, d->where);
        fputs(", \"waiver\": ", out);
        if (d->waiver) report_json_string(out, d->waiver);
        else fputs("null", out);
        fputs(", \"related\": [", out);
        int k = 0;
        for (const diag_note *n = d->notes; n; n = n->next, k++) {
            fputs(k ? ", {" : "{", out);
            json_span(out, n->where);
            fputs(", \"message\": ", out);
            report_json_string(out, n->message);
            fputc('}', out);
        }
        fputc(']', out);
        json_aliases(out, d, ", \"aliases\": [");
        fputc('}', out);
    }
    fputs("\n  ],", out);
    json_not_shown(s, out);
    fprintf(out, "\n  \"summary\": {\"errors\": %zu, \"warnings\": %zu, \"notes\": %zu, "
                 "\"infos\": %zu, \"waived\": %zu}\n}\n",
            diag_count(s, SEV_ERROR), diag_count(s, SEV_WARNING), diag_count(s, SEV_NOTE),
            diag_count(s, SEV_INFO), diag_waived(s));
}

/* ---- SARIF 2.1.0 ---- */

/* A relative URI reference: keep unreserved characters and '/', encode the rest. */
static void uri_str(FILE *out, const char *path)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~/", *p))
            fputc(*p, out);
        else
            fprintf(out, "%%%02X", *p);
    }
    fputc('"', out);
}

static void sarif_location(FILE *out, loc w)
{
    fputs("{\"physicalLocation\": {\"artifactLocation\": {\"uri\": ", out);
    uri_str(out, strcmp(w.src->name, "<stdin>") == 0 ? "stdin" : w.src->name);
    /* SARIF columns are 1-based and the end column is one past the span. */
    fprintf(out, "}, \"region\": {\"startLine\": %d, \"startColumn\": %d, \"endLine\": %d, "
                 "\"endColumn\": %d}}}",
            loc_line(w), loc_col(w), loc_end_line(w), loc_end_col(w) + 1);
}

static const char *sarif_level(severity s)
{
    return s == SEV_ERROR ? "error" : s == SEV_WARNING ? "warning" : s == SEV_NOTE ? "note"
                                                                                   : "none";
}

static void sarif_rules(FILE *out, const char *help_base)
{
    for (int i = 0; i < CK_COUNT; i++) {
        const check_info *c = &check_table[i];
        fprintf(out, "%s\n            {\"id\": ", i ? "," : "");
        report_json_string(out, c->id);
        fputs(", \"shortDescription\": {\"text\": ", out);
        report_json_string(out, c->summary);
        fputs("}, \"helpUri\": ", out);
        char uri[1200];
        snprintf(uri, sizeof uri, "%.1000s#%s", help_base, c->id);
        report_json_string(out, uri);
        fputs(", \"help\": {\"text\": ", out);
        report_json_string(out, c->summary);
        fprintf(out, "}, \"defaultConfiguration\": {\"level\": \"%s\"}}", sarif_level(c->sev));
    }
}

static void sarif_result(FILE *out, const diag *d)
{
    fputs("{\"ruleId\": ", out);
    report_json_string(out, check_table[d->check].id);
    fprintf(out, ", \"ruleIndex\": %d, \"level\": \"%s\", \"message\": {\"text\": ",
            (int)d->check, sarif_level(d->sev));
    report_json_string(out, d->message);
    fputs("}", out);
    if (d->where.src) {
        fputs(", \"locations\": [", out);
        sarif_location(out, d->where);
        fputs("]", out);
    }
    int k = 0;
    for (const diag_note *n = d->notes; n; n = n->next) {
        if (!n->where.src) continue;
        fprintf(out, "%s{\"id\": %d, ", k ? ", " : ", \"relatedLocations\": [", k);
        fputs("\"physicalLocation\": ", out);
        /* the physicalLocation object of sarif_location, with a message */
        fputs("{\"artifactLocation\": {\"uri\": ", out);
        uri_str(out, strcmp(n->where.src->name, "<stdin>") == 0 ? "stdin" : n->where.src->name);
        fprintf(out, "}, \"region\": {\"startLine\": %d, \"startColumn\": %d, \"endLine\": %d, "
                     "\"endColumn\": %d}}, \"message\": {\"text\": ",
                loc_line(n->where), loc_col(n->where), loc_end_line(n->where),
                loc_end_col(n->where) + 1);
        report_json_string(out, n->message);
        fputs("}}", out);
        k++;
    }
    if (k) fputs("]", out);
    if (d->waiver) {
        fputs(", \"suppressions\": [{\"kind\": \"inSource\", \"justification\": ", out);
        report_json_string(out, d->waiver);
        fputs("}]", out);
    }
    bool alias = (d->svc[0] && d->svc[0]->alias_of) || (d->svc[1] && d->svc[1]->alias_of);
    if (alias) {
        json_aliases(out, d, ", \"properties\": {\"aliases\": [");
        fputc('}', out);
    }
    fputs("}", out);
}

/* Past --max-findings, SARIF's way of saying what a run did not report: an
 * invocation whose toolExecutionNotifications hold one note per check,
 * tied to its rule by associatedRule, the count in its property bag. Only
 * when a check has some, so the log of a run under the cap stays as it was. */
static void sarif_not_shown(const diag_sink *s, FILE *out)
{
    char buf[96];
    int k = 0;
    for (int c = 0; c < CK_COUNT; c++) {
        if (!s->not_shown[c]) continue;
        fputs(k++ ? ",\n            " : "\n      \"invocations\": [\n        {\"executionSuccessful\": "
                                        "true, \"toolExecutionNotifications\": [\n            ", out);
        fputs("{\"level\": \"note\", \"message\": {\"text\": ", out);
        report_json_string(out, diag_not_shown_text(buf, s, (check_id)c));
        fputs("}, \"associatedRule\": {\"id\": ", out);
        report_json_string(out, check_table[c].id);
        fprintf(out, ", \"index\": %d}, \"properties\": {\"notShown\": %zu, \"maxFindings\": %zu}}",
                c, s->not_shown[c], s->max_findings);
    }
    if (k) fputs("\n          ]}\n      ],", out);
}

void report_sarif(const diag_sink *s, FILE *out) { report_sarif_with(s, NULL, out); }

void report_sarif_with(const diag_sink *s, const char *help_base, FILE *out)
{
    fputs("{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n"
          "  \"version\": \"2.1.0\",\n  \"runs\": [\n    {\n"
          "      \"tool\": {\n        \"driver\": {\n          \"name\": \"berth\",\n"
          "          \"rules\": [", out);
    sarif_rules(out, help_base ? help_base : BERTH_HELP_BASE);
    fputs("\n          ]\n        }\n      },", out);
    sarif_not_shown(s, out);
    fputs("\n      \"results\": [", out);
    for (size_t i = 0, k = 0; i < s->count; i++) {
        if (s->items[i]->capped) continue;
        fputs(k++ ? ",\n        " : "\n        ", out);
        sarif_result(out, s->items[i]);
    }
    fputs("\n      ]\n    }\n  ]\n}\n", out);
}

/* ---- GitHub workflow annotations ---- */

static void gh_escape(FILE *out, const char *s, bool property)
{
    for (; *s; s++) {
        if (*s == '%') fputs("%25", out);
        else if (*s == '\r') fputs("%0D", out);
        else if (*s == '\n') fputs("%0A", out);
        else if (property && *s == ':') fputs("%3A", out);
        else if (property && *s == ',') fputs("%2C", out);
        else fputc(*s, out);
    }
}

void report_github(const diag_sink *s, FILE *out)
{
    for (size_t i = 0; i < s->count; i++) {
        const diag *d = s->items[i];
        if (d->capped) continue;
        severity sev = diag_shown(d);
        fprintf(out, "::%s ", sev == SEV_ERROR ? "error" : sev == SEV_WARNING ? "warning" : "notice");
        if (d->where.src) {
            fputs("file=", out);
            gh_escape(out, d->where.src->name, true);
            fprintf(out, ",line=%d,col=%d,endLine=%d,endColumn=%d,", loc_line(d->where),
                    loc_col(d->where), loc_end_line(d->where), loc_end_col(d->where));
        }
        fputs("title=", out);
        gh_escape(out, check_table[d->check].id, true);
        fputs("::", out);
        gh_escape(out, d->message, false);
        if (d->waiver) {
            fputs(" (waived: ", out);
            gh_escape(out, d->waiver, false);
            fputc(')', out);
        }
        fputc('\n', out);
    }
    char buf[96];
    for (int c = 0; c < CK_COUNT; c++) {
        if (!s->not_shown[c]) continue;
        fputs("::notice title=", out);
        gh_escape(out, check_table[c].id, true);
        fputs("::", out);
        gh_escape(out, diag_not_shown_text(buf, s, (check_id)c), false);
        fputc('\n', out);
    }
}

/* ---- gcc: one line per finding ---- */

static void gcc_line(FILE *out, loc w, severity sev, const char *msg, const char *id)
{
    if (w.src) {
        diag_put_text(out, w.src->name);
        fprintf(out, ":%d:%d: ", loc_line(w), loc_col(w));
    } else {
        fputs("berth: ", out);
    }
    /* gcc knows error, warning and note: info is shown as a note. */
    fprintf(out, "%s: ", severity_name(sev == SEV_INFO ? SEV_NOTE : sev));
    diag_put_text(out, msg);
    if (id) fprintf(out, " [%s]", id);
    fputc('\n', out);
}

/* A finding, then its notes as gcc prints them (FILE:LINE:COL: note: ...):
 * a note without a place of its own ("reserve them with ...") takes the
 * finding's, as gcc's notes always have one. A waived one shows its reason
 * instead, as the text output does. */
void report_gcc(const diag_sink *s, FILE *out)
{
    for (size_t i = 0; i < s->count; i++) {
        const diag *d = s->items[i];
        if (d->capped) continue;
        gcc_line(out, d->where, diag_shown(d), d->message, check_table[d->check].id);
        if (d->waiver) {
            char msg[1200];
            snprintf(msg, sizeof msg, "waived: %.1000s", d->waiver);
            gcc_line(out, d->waiver_loc, SEV_NOTE, msg, NULL);
            continue;
        }
        for (const diag_note *n = d->notes; n; n = n->next)
            gcc_line(out, n->where.src ? n->where : d->where, SEV_NOTE, n->message, NULL);
    }
    char buf[96];
    for (int c = 0; c <= CK_COUNT; c++)
        if (s->not_shown[c])
            gcc_line(out, (loc){0}, SEV_NOTE, diag_not_shown_text(buf, s, (check_id)c), NULL);
}

/* ---- GitLab Code Quality ---- */

static const char *gitlab_severity(const diag *d)
{
    severity sev = diag_shown(d);
    return d->waiver || sev <= SEV_NOTE ? "info" : sev == SEV_WARNING ? "minor" : "major";
}

/* The Code Quality artifact: a JSON array of issues with description,
 * check_name, fingerprint, severity and location.path/lines.begin, the
 * fields GitLab documents. A finding without a file has no place to show
 * in a merge request and is left out. */
void report_gitlab(const diag_sink *s, FILE *out)
{
    fputc('[', out);
    size_t k = 0;
    for (size_t i = 0; i < s->count; i++) {
        const diag *d = s->items[i];
        if (!d->where.src || d->capped) continue;
        char where[64];
        snprintf(where, sizeof where, "%d:%d:%d:%d:%zu", loc_line(d->where), loc_col(d->where),
                 loc_end_line(d->where), loc_end_col(d->where), i);
        uint64_t h = text_hash(text_hash(text_hash(text_hash(TEXT_HASH_SEED, check_table[d->check].id),
                                       d->where.src->name), where), d->message);
        fputs(k++ ? ",\n  {\"description\": " : "\n  {\"description\": ", out);
        if (d->waiver) {
            size_t n = strlen(d->message) + strlen(d->waiver) + 16;
            char *msg = xmalloc(n);
            snprintf(msg, n, "%s (waived: %s)", d->message, d->waiver);
            report_json_string(out, msg);
            free(msg);
        } else {
            report_json_string(out, d->message);
        }
        fputs(", \"check_name\": ", out);
        report_json_string(out, check_table[d->check].id);
        fprintf(out, ", \"fingerprint\": \"%016llx\", \"severity\": \"%s\", \"location\": {\"path\": ",
                (unsigned long long)h, gitlab_severity(d));
        report_json_string(out, d->where.src->name);
        fprintf(out, ", \"lines\": {\"begin\": %d}}}", loc_line(d->where));
    }
    fputs(k ? "\n]\n" : "]\n", out);
}

/* ---- --summary ---- */

static const char *host_of(const diag *d) { return d->host ? d->host->name : ""; }

static int by_check_host(const void *pa, const void *pb)
{
    const diag *a = *(const diag *const *)pa, *b = *(const diag *const *)pb;
    if (a->check != b->check) return a->check < b->check ? -1 : 1;
    int k = strcmp(host_of(a), host_of(b));
    if (k) return k;
    return (a->seq > b->seq) - (a->seq < b->seq);
}

/* One line per (check, host): counts per shown severity and the first of
 * the most severe findings. The sink stays in its order. */
void report_summary(const diag_sink *s, FILE *out)
{
    const diag **v = xmalloc_array(s->count + 1, sizeof *v);
    for (size_t i = 0; i < s->count; i++) v[i] = s->items[i];
    if (s->count > 1) qsort(v, s->count, sizeof *v, by_check_host);
    for (size_t i = 0, j; i < s->count; i = j) {
        size_t count[SEV_ERROR + 1] = {0}, waived = 0;
        const diag *worst = v[i];
        for (j = i; j < s->count && v[j]->check == v[i]->check &&
                    strcmp(host_of(v[j]), host_of(v[i])) == 0; j++) {
            count[diag_shown(v[j])]++;
            waived += v[j]->waiver != NULL;
            if (diag_shown(v[j]) > diag_shown(worst)) worst = v[j];
        }
        fprintf(out, "%s", check_table[v[i]->check].id);
        if (v[i]->host) fprintf(out, " on host %s", v[i]->host->name);
        fputs(":", out);
        const char *sep = " ";
        for (int sev = SEV_ERROR; sev >= SEV_INFO; sev--)
            if (count[sev]) {
                fprintf(out, "%s%zu %s%s", sep, count[sev], severity_name((severity)sev),
                        count[sev] == 1 ? "" : "s");
                sep = ", ";
            }
        if (waived) fprintf(out, " (%zu waived)", waived);
        fputs("; e.g. ", out);
        if (worst->where.src) {
            diag_put_text(out, worst->where.src->name);
            fprintf(out, ":%d:%d: ", loc_line(worst->where), loc_col(worst->where));
        }
        diag_put_text(out, worst->message);
        fputc('\n', out);
    }
    free(v);
}

void report_list_checks(FILE *out)
{
    for (int i = 0; i < CK_COUNT; i++)
        fprintf(out, "%-28s %-8s %s\n", check_table[i].id, severity_name(check_table[i].sev),
                check_table[i].summary);
}
