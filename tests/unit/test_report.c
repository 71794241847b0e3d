/* test_report.c: the machine formats of report.c. The JSON and SARIF
 * output is parsed here by a strict recursive-descent JSON parser (RFC 8259:
 * objects, arrays, strings with every escape and valid UTF-8, numbers,
 * true/false/null, nothing after the value) and its structure checked;
 * hostile text (quotes, backslashes, newlines, tabs, control bytes, '%',
 * ',' and ':') must survive each format's escaping. */
#include <stdio.h>
#include <stdlib.h>
#include "unit.h"
#include "check.h"
#include "cli.h"

/* ---- a strict JSON parser ---- */

typedef enum { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ } jkind;

typedef struct jv {
    jkind kind;
    bool b;
    double num;
    char *str;                   /* J_STR, NUL-terminated (may hold NULs: len) */
    size_t len;
    struct jv **items;           /* J_ARR, J_OBJ values */
    char **keys;                 /* J_OBJ */
    size_t count;
} jv;

typedef struct {
    const char *s;
    size_t n, pos;
    const char *err;
    int depth;
} jparser;

static void jfree(jv *v)
{
    if (!v) return;
    for (size_t i = 0; i < v->count; i++) {
        jfree(v->items[i]);
        if (v->keys) free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
    free(v->str);
    free(v);
}

static jv *jnew(jkind k)
{
    jv *v = calloc(1, sizeof *v);
    assert_non_null(v);
    v->kind = k;
    return v;
}

static void jws(jparser *p)
{
    while (p->pos < p->n && strchr(" \t\r\n", p->s[p->pos]) && p->s[p->pos]) p->pos++;
}

static bool jfail(jparser *p, const char *why)
{
    if (!p->err) p->err = why;
    return false;
}

static bool jlit(jparser *p, const char *word)
{
    size_t k = strlen(word);
    if (p->n - p->pos < k || memcmp(p->s + p->pos, word, k) != 0) return jfail(p, "bad literal");
    p->pos += k;
    return true;
}

typedef struct {
    char *v;
    size_t n, cap;
} jbuf;

static void jput(jbuf *b, char c)
{
    if (b->n + 1 >= b->cap) {
        b->cap = b->cap ? 2 * b->cap : 32;
        b->v = realloc(b->v, b->cap);
        assert_non_null(b->v);
    }
    b->v[b->n++] = c;
    b->v[b->n] = 0;
}

static void jput_utf8(jbuf *b, unsigned long cp)
{
    if (cp < 0x80) jput(b, (char)cp);
    else if (cp < 0x800) {
        jput(b, (char)(0xc0 | cp >> 6));
        jput(b, (char)(0x80 | (cp & 0x3f)));
    } else if (cp < 0x10000) {
        jput(b, (char)(0xe0 | cp >> 12));
        jput(b, (char)(0x80 | (cp >> 6 & 0x3f)));
        jput(b, (char)(0x80 | (cp & 0x3f)));
    } else {
        jput(b, (char)(0xf0 | cp >> 18));
        jput(b, (char)(0x80 | (cp >> 12 & 0x3f)));
        jput(b, (char)(0x80 | (cp >> 6 & 0x3f)));
        jput(b, (char)(0x80 | (cp & 0x3f)));
    }
}

static bool jhex4(jparser *p, unsigned long *out)
{
    if (p->n - p->pos < 4) return jfail(p, "short \\u escape");
    unsigned long v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p->s[p->pos++];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0) return jfail(p, "bad hex digit in \\u escape");
        v = v * 16 + (unsigned long)d;
    }
    *out = v;
    return true;
}

/* Length of a valid UTF-8 sequence at s (not overlong, no surrogates,
 * at most U+10FFFF), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    if (s[0] < 0x80) return 1;
    size_t k = s[0] >= 0xc2 && s[0] <= 0xdf ? 2 : s[0] >= 0xe0 && s[0] <= 0xef ? 3
             : s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : 0;
    if (!k || k > n) return 0;
    for (size_t i = 1; i < k; i++)
        if ((s[i] & 0xc0) != 0x80) return 0;
    if (s[0] == 0xe0 && s[1] < 0xa0) return 0;
    if (s[0] == 0xed && s[1] >= 0xa0) return 0;
    if (s[0] == 0xf0 && s[1] < 0x90) return 0;
    if (s[0] == 0xf4 && s[1] >= 0x90) return 0;
    return k;
}

static bool jstring(jparser *p, jbuf *b)
{
    if (p->pos >= p->n || p->s[p->pos] != '"') return jfail(p, "expected a string");
    p->pos++;
    for (;;) {
        if (p->pos >= p->n) return jfail(p, "unterminated string");
        unsigned char c = (unsigned char)p->s[p->pos];
        if (c == '"') {
            p->pos++;
            if (!b->v) jput(b, 0), b->n = 0;
            return true;
        }
        if (c < 0x20) return jfail(p, "raw control character in string");
        if (c == '\\') {
            p->pos++;
            if (p->pos >= p->n) return jfail(p, "unterminated escape");
            char e = p->s[p->pos++];
            unsigned long cp;
            switch (e) {
            case '"': jput(b, '"'); break;
            case '\\': jput(b, '\\'); break;
            case '/': jput(b, '/'); break;
            case 'b': jput(b, '\b'); break;
            case 'f': jput(b, '\f'); break;
            case 'n': jput(b, '\n'); break;
            case 'r': jput(b, '\r'); break;
            case 't': jput(b, '\t'); break;
            case 'u':
                if (!jhex4(p, &cp)) return false;
                if (cp >= 0xd800 && cp <= 0xdbff) {
                    unsigned long lo;
                    if (!jlit(p, "\\u") || !jhex4(p, &lo) || lo < 0xdc00 || lo > 0xdfff)
                        return jfail(p, "lone high surrogate");
                    cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                } else if (cp >= 0xdc00 && cp <= 0xdfff) {
                    return jfail(p, "lone low surrogate");
                }
                jput_utf8(b, cp);
                break;
            default: return jfail(p, "unknown escape");
            }
            continue;
        }
        size_t k = utf8_len((const unsigned char *)p->s + p->pos, p->n - p->pos);
        if (!k) return jfail(p, "invalid UTF-8 in string");
        for (size_t i = 0; i < k; i++) jput(b, p->s[p->pos++]);
    }
}

static bool jnumber(jparser *p, double *out)
{
    size_t start = p->pos;
    if (p->pos < p->n && p->s[p->pos] == '-') p->pos++;
    if (p->pos >= p->n) return jfail(p, "bad number");
    if (p->s[p->pos] == '0') p->pos++;
    else if (p->s[p->pos] >= '1' && p->s[p->pos] <= '9')
        while (p->pos < p->n && p->s[p->pos] >= '0' && p->s[p->pos] <= '9') p->pos++;
    else return jfail(p, "bad number");
    if (p->pos < p->n && p->s[p->pos] == '.') {
        p->pos++;
        size_t d = p->pos;
        while (p->pos < p->n && p->s[p->pos] >= '0' && p->s[p->pos] <= '9') p->pos++;
        if (p->pos == d) return jfail(p, "no digits after '.'");
    }
    if (p->pos < p->n && (p->s[p->pos] == 'e' || p->s[p->pos] == 'E')) {
        p->pos++;
        if (p->pos < p->n && (p->s[p->pos] == '+' || p->s[p->pos] == '-')) p->pos++;
        size_t d = p->pos;
        while (p->pos < p->n && p->s[p->pos] >= '0' && p->s[p->pos] <= '9') p->pos++;
        if (p->pos == d) return jfail(p, "no digits in exponent");
    }
    char tmp[64];
    size_t len = p->pos - start;
    if (len >= sizeof tmp) return jfail(p, "number too long");
    memcpy(tmp, p->s + start, len);
    tmp[len] = 0;
    *out = strtod(tmp, NULL);
    return true;
}

static jv *jvalue(jparser *p);

static jv *jcontainer(jparser *p, bool object)
{
    jv *v = jnew(object ? J_OBJ : J_ARR);
    size_t cap = 0;
    p->pos++;                                       /* '[' or '{' */
    if (++p->depth > 64) {
        jfail(p, "too deep");
        jfree(v);
        return NULL;
    }
    jws(p);
    if (p->pos < p->n && p->s[p->pos] == (object ? '}' : ']')) {
        p->pos++;
        p->depth--;
        return v;
    }
    for (;;) {
        jws(p);
        char *key = NULL;
        if (object) {
            jbuf kb = {0};
            if (!jstring(p, &kb)) {
                free(kb.v);
                jfree(v);
                return NULL;
            }
            key = kb.v;
            for (size_t i = 0; i < v->count; i++)
                if (strcmp(v->keys[i], key) == 0) {
                    jfail(p, "duplicate key");
                    free(key);
                    jfree(v);
                    return NULL;
                }
            jws(p);
            if (p->pos >= p->n || p->s[p->pos] != ':') {
                jfail(p, "expected ':'");
                free(key);
                jfree(v);
                return NULL;
            }
            p->pos++;
        }
        jv *item = jvalue(p);
        if (!item) {
            free(key);
            jfree(v);
            return NULL;
        }
        if (v->count == cap) {
            cap = cap ? 2 * cap : 8;
            v->items = realloc(v->items, cap * sizeof *v->items);
            assert_non_null(v->items);
            if (object) {
                v->keys = realloc(v->keys, cap * sizeof *v->keys);
                assert_non_null(v->keys);
            }
        }
        if (object) v->keys[v->count] = key;
        v->items[v->count++] = item;
        jws(p);
        if (p->pos < p->n && p->s[p->pos] == ',') {
            p->pos++;
            continue;
        }
        if (p->pos < p->n && p->s[p->pos] == (object ? '}' : ']')) {
            p->pos++;
            p->depth--;
            return v;
        }
        jfail(p, object ? "expected ',' or '}'" : "expected ',' or ']'");
        jfree(v);
        return NULL;
    }
}

static jv *jvalue(jparser *p)
{
    jws(p);
    if (p->pos >= p->n) {
        jfail(p, "expected a value");
        return NULL;
    }
    char c = p->s[p->pos];
    if (c == '{' || c == '[') return jcontainer(p, c == '{');
    if (c == '"') {
        jbuf b = {0};
        if (!jstring(p, &b)) {
            free(b.v);
            return NULL;
        }
        jv *v = jnew(J_STR);
        v->str = b.v;
        v->len = b.n;
        return v;
    }
    if (c == 't' || c == 'f') {
        if (!jlit(p, c == 't' ? "true" : "false")) return NULL;
        jv *v = jnew(J_BOOL);
        v->b = c == 't';
        return v;
    }
    if (c == 'n') return jlit(p, "null") ? jnew(J_NULL) : NULL;
    double d;
    if (!jnumber(p, &d)) return NULL;
    jv *v = jnew(J_NUM);
    v->num = d;
    return v;
}

/* The whole text must be exactly one value (surrounded by whitespace). */
static jv *jparse(const char *s, size_t n, const char **err, size_t *at)
{
    jparser p = {s, n, 0, NULL, 0};
    jv *v = jvalue(&p);
    if (v) {
        jws(&p);
        if (p.pos != n) {
            jfail(&p, "text after the value");
            jfree(v);
            v = NULL;
        }
    }
    *err = p.err;
    *at = p.pos;
    return v;
}

/* Parse or fail the test, showing where. */
static jv *must_parse(const char *s, size_t n)
{
    const char *err;
    size_t at;
    jv *v = jparse(s, n, &err, &at);
    if (!v) {
        size_t from = at > 60 ? at - 60 : 0;
        print_message("  near: %.*s<HERE>%.*s\n", (int)(at - from), s + from,
                      (int)(n - at > 60 ? 60 : n - at), s + at);
        fail_msg("invalid JSON at byte %zu: %s", at, err ? err : "?");
    }
    return v;
}

static void parser_self_test(void **state)
{
    (void)state;
    const char *good[] = {
        "{}", "[]", " [1, -2.5e3, 0, 0.5, true, false, null] ", "{\"a\": {\"b\": [\"c\"]}}",
        "\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\ud83d\\ude00\"", "\"caf\xc3\xa9\"",
    };
    const char *bad[] = {
        "", "{", "[1,]", "{\"a\" 1}", "{\"a\": 1,}", "[1] [2]", "'x'", "\"a\nb\"", "\"\\x\"",
        "01", "1.", "-", "1e", "tru", "{\"a\": 1, \"a\": 2}", "\"\\ud800\"", "\"\xc3\"",
        "\"\xc0\xaf\"", "[1 2]", "{1: 2}", "nul",
    };
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        jv *v = must_parse(good[i], strlen(good[i]));
        jfree(v);
    }
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        const char *err;
        size_t at;
        jv *v = jparse(bad[i], strlen(bad[i]), &err, &at);
        if (v) fail_msg("the test parser accepted invalid JSON: %s", bad[i]);
    }
    jv *v = must_parse(good[4], strlen(good[4]));
    assert_string_equal(v->str, "\" \\ / \b \f \n \r \t \xc3\xa9 \xf0\x9f\x98\x80");
    jfree(v);
}

/* ---- lookups ---- */

static const jv *jget(const jv *o, const char *key)
{
    if (!o || o->kind != J_OBJ) fail_msg("looking up '%s' in a non-object", key);
    for (size_t i = 0; i < o->count; i++)
        if (strcmp(o->keys[i], key) == 0) return o->items[i];
    fail_msg("no key '%s'", key);
    return NULL;
}

static bool jhas(const jv *o, const char *key)
{
    for (size_t i = 0; o && o->kind == J_OBJ && i < o->count; i++)
        if (strcmp(o->keys[i], key) == 0) return true;
    return false;
}

static const jv *jat(const jv *a, size_t i)
{
    if (!a || a->kind != J_ARR) fail_msg("indexing a non-array");
    if (i >= a->count) fail_msg("index %zu past %zu items", i, a->count);
    return a->items[i];
}

/* A path of keys and indexes: "runs.0.tool.driver". */
static const jv *jpath(const jv *v, const char *path)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *part = strtok(buf, "."); part; part = strtok(NULL, "."))
        v = part[0] >= '0' && part[0] <= '9' ? jat(v, (size_t)atoi(part)) : jget(v, part);
    return v;
}

static const char *jstr(const jv *v)
{
    if (!v || v->kind != J_STR) fail_msg("not a string");
    return v->str;
}

static long jint(const jv *v)
{
    if (!v || v->kind != J_NUM) fail_msg("not a number");
    if (v->num != (double)(long)v->num) fail_msg("not an integer: %g", v->num);
    return (long)v->num;
}

static size_t jlen(const jv *v)
{
    if (!v || v->kind != J_ARR) fail_msg("not an array");
    return v->count;
}

/* ---- running berth ---- */

typedef struct {
    char *buf;
    size_t len;
} text;

static text capture(void (*emit)(const diag_sink *, FILE *), const diag_sink *s)
{
    text t = {NULL, 0};
    FILE *f = open_memstream(&t.buf, &t.len);
    assert_non_null(f);
    emit(s, f);
    assert_int_equal(fclose(f), 0);
    return t;
}

static void run(pipeline *p, const char *policy)
{
    check_options o;
    check_options_default(&o);
    unit_run(p, policy);
    check_program(&p->m, &o);
    diag_finish(&p->diags);
}

/* A waived and an unwaived bind conflict (hosts h1 and h2) and an unwaived
 * ephemeral-range warning on a Linux host, whose note has no place. */
static const char *const MIXED =
    "system a { role r; service s { udp 16000 r -> r; } }\n"
    "system b { role r { os linux; } service s { udp 16000, 40000 r -> r; } }\n"
    "site x { host h1 10.0.0.1 { runs a.r, b.r; } host h2 10.0.0.2 { runs a.r, b.r; }\n"
    "  allow bind-conflict on h1 because \"h1 has two NICs\";\n"
    "  allow ephemeral-range on h1 because \"h1 reserves 40000\"; }\n";

static const diag *find_diag(const pipeline *p, check_id ck, const char *part)
{
    for (size_t i = 0; i < p->diags.count; i++)
        if (p->diags.items[i]->check == ck && strstr(p->diags.items[i]->message, part))
            return p->diags.items[i];
    fail_msg("no %s finding mentions '%s'", check_table[ck].id, part);
    return NULL;
}

/* ---- JSON ---- */

static const jv *json_finding(const jv *root, const char *id, const char *part)
{
    const jv *f = jget(root, "findings");
    for (size_t i = 0; i < jlen(f); i++) {
        const jv *x = jat(f, i);
        if (strcmp(jstr(jget(x, "id")), id) == 0 && strstr(jstr(jget(x, "message")), part))
            return x;
    }
    fail_msg("no JSON finding %s mentioning '%s'", id, part);
    return NULL;
}

static void json_has_waived_and_unwaived_findings(void **state)
{
    (void)state;
    pipeline p;
    run(&p, MIXED);
    /* The model: bind conflicts on h1 (waived) and h2, ephemeral ranges on
     * h1 (waived) and h2 (not). */
    assert_int_equal(p.diags.count, 4);
    text t = capture(report_json, &p.diags);
    jv *root = must_parse(t.buf, t.len);

    assert_int_equal(jint(jget(root, "version")), 1);
    const jv *findings = jget(root, "findings");
    assert_int_equal(jlen(findings), 4);

    const diag *d1 = find_diag(&p, CK_BIND_CONFLICT, "host 'h1'");
    const jv *waived = json_finding(root, "bind-conflict", "host 'h1'");
    assert_string_equal(jstr(jget(waived, "severity")), "note");
    assert_string_equal(jstr(jget(waived, "default_severity")), "error");
    assert_string_equal(jstr(jget(waived, "waiver")), "h1 has two NICs");
    assert_string_equal(jstr(jget(waived, "message")), d1->message);
    assert_string_equal(jstr(jget(waived, "file")), "t.ports");
    assert_int_equal(jint(jget(waived, "line")), loc_line(d1->where));
    assert_int_equal(jint(jget(waived, "column")), loc_col(d1->where));
    assert_int_equal(jint(jget(waived, "end_line")), loc_end_line(d1->where));
    assert_int_equal(jint(jget(waived, "end_column")), loc_end_col(d1->where));
    assert_int_equal(jint(jget(waived, "line")), 2);
    assert_int_equal(jint(jget(waived, "column")), 49);

    const jv *open = json_finding(root, "bind-conflict", "host 'h2'");
    assert_string_equal(jstr(jget(open, "severity")), "error");
    assert_int_equal(jget(open, "waiver")->kind, J_NULL);
    /* related: both services, with places and messages */
    const jv *rel = jget(open, "related");
    assert_int_equal(jlen(rel), 2);
    assert_true(strstr(jstr(jget(jat(rel, 0), "message")), "a.s listens on udp 16000") != NULL);
    assert_int_equal(jint(jget(jat(rel, 0), "line")), 1);
    assert_int_equal(jint(jget(jat(rel, 0), "column")), 36);
    assert_string_equal(jstr(jget(jat(rel, 0), "file")), "t.ports");
    assert_true(strstr(jstr(jget(jat(rel, 1), "message")), "b.s listens on udp 16000") != NULL);
    assert_int_equal(jint(jget(jat(rel, 1), "line")), 2);

    const jv *eph = json_finding(root, "ephemeral-range", "host 'h2'");
    assert_string_equal(jstr(jget(eph, "severity")), "warning");
    /* The Linux note has no place: an empty file name and line 0. */
    const jv *erel = jget(eph, "related");
    assert_int_equal(jlen(erel), 1);
    assert_string_equal(jstr(jget(jat(erel, 0), "file")), "");
    assert_int_equal(jint(jget(jat(erel, 0), "line")), 0);

    const jv *sum = jget(root, "summary");
    assert_int_equal(jint(jget(sum, "errors")), 1);
    assert_int_equal(jint(jget(sum, "warnings")), 1);
    assert_int_equal(jint(jget(sum, "notes")), 2);
    assert_int_equal(jint(jget(sum, "waived")), 2);

    jfree(root);
    free(t.buf);
    unit_free(&p);
}

static void json_of_a_clean_policy(void **state)
{
    (void)state;
    pipeline p;
    run(&p, "system a { role r; service s { udp 16000 r -> r; } }");
    assert_int_equal(p.diags.count, 0);
    text t = capture(report_json, &p.diags);
    jv *root = must_parse(t.buf, t.len);
    assert_int_equal(jlen(jget(root, "findings")), 0);
    assert_int_equal(jint(jpath(root, "summary.errors")), 0);
    jfree(root);
    free(t.buf);
    unit_free(&p);
}

/* A service description and a waiver reason with `\"`, `\\`, `\n` and `\t`
 * escapes, non-ASCII text, and a file name with a quote, a backslash, a
 * space, a comma, a colon and a percent sign. */
static const char *const HOSTILE =
    "system a { role r; service s \"say \\\"hi\\\" C:\\\\path\\n\\tnext\" {\n"
    "  udp 16000 r -> r; } }\n"
    "system b { role r; service s { udp 16000 r -> r; } }\n"
    "site x { host h1 10.0.0.1 { runs a.r, b.r; }\n"
    "  allow bind-conflict on h1 because \"quote \\\" back \\\\ nl \\n tab \\t caf\xc3\xa9, 100%: done\"; }\n";
static const char *const HOSTILE_REASON = "quote \" back \\ nl \n tab \t caf\xc3\xa9, 100%: done";
static const char *const HOSTILE_NAME = "we\"ird\\dir/a b,c:d%e.ports";

static void json_escapes_hostile_text(void **state)
{
    (void)state;
    pipeline p;
    run(&p, HOSTILE);
    assert_int_equal(p.diags.count, 1);
    assert_string_equal(p.diags.items[0]->waiver, HOSTILE_REASON);
    p.src->name = HOSTILE_NAME;
    text t = capture(report_json, &p.diags);
    jv *root = must_parse(t.buf, t.len);
    const jv *f = jat(jget(root, "findings"), 0);
    assert_string_equal(jstr(jget(f, "waiver")), HOSTILE_REASON);
    assert_string_equal(jstr(jget(f, "file")), HOSTILE_NAME);
    assert_string_equal(jstr(jget(jat(jget(f, "related"), 0), "file")), HOSTILE_NAME);
    /* No raw newline or tab inside any string: the output has one line per
     * finding plus the frame. */
    assert_null(strchr(t.buf, '\t'));
    jfree(root);
    free(t.buf);
    unit_free(&p);
}

/* Every byte 1-255 that can appear in a message round-trips. */
static void json_round_trips_every_byte(void **state)
{
    (void)state;
    arena mem;
    arena_init(&mem);
    diag_sink s;
    diag_init(&s, &mem);
    char msg[200];
    size_t n = 0;
    for (int c = 1; c < 0x80; c++) msg[n++] = (char)c;
    msg[n] = 0;
    diag *d = diag_report(&s, SEV_WARNING, CK_LIMIT, (loc){0}, "%s", msg);
    diag_add_note(&s, d, (loc){0}, "note \"%s\"", "x\\y");
    diag_report(&s, SEV_ERROR, CK_LIMIT, (loc){0}, "%s", "utf-8: \xe2\x82\xac \xf0\x9f\x8e\xb5");
    text t = capture(report_json, &s);
    jv *root = must_parse(t.buf, t.len);
    assert_string_equal(jstr(jpath(root, "findings.0.message")), msg);
    assert_string_equal(jstr(jpath(root, "findings.0.related.0.message")), "note \"x\\y\"");
    assert_string_equal(jstr(jpath(root, "findings.1.message")), "utf-8: \xe2\x82\xac \xf0\x9f\x8e\xb5");
    assert_string_equal(jstr(jpath(root, "findings.0.file")), "");
    jfree(root);
    free(t.buf);

    t = capture(report_sarif, &s);
    root = must_parse(t.buf, t.len);
    const jv *r0 = jpath(root, "runs.0.results.0");
    assert_string_equal(jstr(jpath(r0, "message.text")), msg);
    /* No place: no locations and no related locations. */
    assert_false(jhas(r0, "locations"));
    assert_false(jhas(r0, "relatedLocations"));
    jfree(root);
    free(t.buf);
    arena_free(&mem);
}

/* ---- SARIF ---- */

static void sarif_structure(void **state)
{
    (void)state;
    pipeline p;
    run(&p, MIXED);
    assert_int_equal(p.diags.count, 4);
    text t = capture(report_sarif, &p.diags);
    jv *root = must_parse(t.buf, t.len);

    assert_string_equal(jstr(jget(root, "version")), "2.1.0");
    assert_true(strstr(jstr(jget(root, "$schema")), "sarif") != NULL);
    assert_int_equal(jlen(jget(root, "runs")), 1);
    assert_string_equal(jstr(jpath(root, "runs.0.tool.driver.name")), "berth");

    /* Every check id, at its index, with a level and help. */
    const jv *rules = jpath(root, "runs.0.tool.driver.rules");
    assert_int_equal(jlen(rules), CK_COUNT);
    for (int i = 0; i < CK_COUNT; i++) {
        const jv *rule = jat(rules, (size_t)i);
        assert_string_equal(jstr(jget(rule, "id")), check_table[i].id);
        assert_string_equal(jstr(jpath(rule, "shortDescription.text")), check_table[i].summary);
        const char *lvl = jstr(jpath(rule, "defaultConfiguration.level"));
        severity sev = check_table[i].sev;
        assert_string_equal(lvl, sev == SEV_ERROR ? "error" : sev == SEV_WARNING ? "warning"
                                 : sev == SEV_NOTE ? "note" : "none");
        assert_true(strstr(jstr(jget(rule, "helpUri")), check_table[i].id) != NULL);
    }

    const jv *results = jpath(root, "runs.0.results");
    assert_int_equal(jlen(results), 4);
    size_t suppressed = 0;
    for (size_t i = 0; i < jlen(results); i++) {
        const jv *r = jat(results, i);
        const diag *d = p.diags.items[i];                   /* same order */
        const char *id = jstr(jget(r, "ruleId"));
        assert_string_equal(id, check_table[d->check].id);
        long idx = jint(jget(r, "ruleIndex"));
        assert_string_equal(jstr(jget(jat(rules, (size_t)idx), "id")), id);
        const char *level = jstr(jget(r, "level"));
        assert_true(strcmp(level, "error") == 0 || strcmp(level, "warning") == 0 ||
                    strcmp(level, "note") == 0);
        assert_string_equal(jstr(jpath(r, "message.text")), d->message);
        const jv *pl = jpath(r, "locations.0.physicalLocation");
        assert_string_equal(jstr(jpath(pl, "artifactLocation.uri")), "t.ports");
        assert_int_equal(jint(jpath(pl, "region.startLine")), loc_line(d->where));
        assert_int_equal(jint(jpath(pl, "region.startColumn")), loc_col(d->where));
        /* endColumn is one past the span */
        assert_int_equal(jint(jpath(pl, "region.endColumn")), loc_end_col(d->where) + 1);
        if (d->waiver) {
            suppressed++;
            const jv *sup = jat(jget(r, "suppressions"), 0);
            assert_string_equal(jstr(jget(sup, "kind")), "inSource");
            assert_string_equal(jstr(jget(sup, "justification")), d->waiver);
        } else {
            assert_false(jhas(r, "suppressions"));
        }
    }
    assert_int_equal(suppressed, 2);

    const jv *bc = NULL;
    for (size_t i = 0; i < jlen(results); i++)
        if (strcmp(jstr(jpath(jat(results, i), "ruleId")), "bind-conflict") == 0 &&
            !jhas(jat(results, i), "suppressions"))
            bc = jat(results, i);
    assert_non_null(bc);
    assert_string_equal(jstr(jget(bc, "level")), "error");
    const jv *rel = jget(bc, "relatedLocations");
    assert_int_equal(jlen(rel), 2);
    assert_int_equal(jint(jpath(rel, "0.physicalLocation.region.startLine")), 1);
    assert_true(strstr(jstr(jpath(rel, "0.message.text")), "a.s listens") != NULL);
    assert_int_equal(jint(jpath(rel, "0.id")), 0);
    assert_int_equal(jint(jpath(rel, "1.id")), 1);

    jfree(root);
    free(t.buf);
    unit_free(&p);
}

static void sarif_escapes_hostile_text(void **state)
{
    (void)state;
    pipeline p;
    run(&p, HOSTILE);
    p.src->name = HOSTILE_NAME;
    text t = capture(report_sarif, &p.diags);
    jv *root = must_parse(t.buf, t.len);
    const jv *r = jpath(root, "runs.0.results.0");
    assert_string_equal(jstr(jpath(r, "suppressions.0.justification")), HOSTILE_REASON);
    /* A URI reference: reserved characters percent-encoded, '/' kept. */
    const char *uri = jstr(jpath(r, "locations.0.physicalLocation.artifactLocation.uri"));
    assert_string_equal(uri, "we%22ird%5Cdir/a%20b%2Cc%3Ad%25e.ports");
    jfree(root);
    free(t.buf);
    unit_free(&p);
}

/* ---- GitHub annotations ---- */

static size_t count_lines(const char *s)
{
    size_t n = 0;
    for (; *s; s++) n += *s == '\n';
    return n;
}

static void github_annotations(void **state)
{
    (void)state;
    pipeline p;
    run(&p, MIXED);
    text t = capture(report_github, &p.diags);
    assert_int_equal(count_lines(t.buf), p.diags.count);
    assert_true(t.len > 0 && t.buf[t.len - 1] == '\n');
    size_t errors = 0, warnings = 0, notices = 0;
    char *save = NULL;
    for (char *line = strtok_r(t.buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (strncmp(line, "::error ", 8) == 0) errors++;
        else if (strncmp(line, "::warning ", 10) == 0) warnings++;
        else if (strncmp(line, "::notice ", 9) == 0) notices++;
        else fail_msg("not an annotation: %s", line);
        assert_true(strstr(line, " file=t.ports,line=") != NULL);
        assert_true(strstr(line, ",title=") != NULL);
        if (strncmp(line, "::notice ", 9) == 0)
            assert_true(strstr(line, "(waived: ") != NULL);
    }
    assert_int_equal(errors, 1);
    assert_int_equal(warnings, 1);
    assert_int_equal(notices, 2);
    free(t.buf);

    /* Exact line for the unwaived conflict. */
    t = capture(report_github, &p.diags);
    const diag *d = find_diag(&p, CK_BIND_CONFLICT, "host 'h2'");
    char want[512];
    snprintf(want, sizeof want,
             "::error file=t.ports,line=%d,col=%d,endLine=%d,endColumn=%d,title=bind-conflict::%s\n",
             loc_line(d->where), loc_col(d->where), loc_end_line(d->where), loc_end_col(d->where), d->message);
    assert_true(strstr(t.buf, want) != NULL);
    free(t.buf);
    unit_free(&p);
}

static void github_escapes_properties_and_message(void **state)
{
    (void)state;
    pipeline p;
    run(&p, HOSTILE);
    p.src->name = HOSTILE_NAME;
    text t = capture(report_github, &p.diags);
    /* One annotation on one line despite the newline in the reason. */
    assert_int_equal(count_lines(t.buf), 1);
    assert_int_equal(strncmp(t.buf, "::notice file=", 14), 0);
    /* In properties ',' ':' and '%' are escaped... */
    assert_true(strstr(t.buf, "file=we\"ird\\dir/a b%2Cc%3Ad%25e.ports,line=") != NULL);
    /* ...in the message only '%', CR and LF. */
    assert_true(strstr(t.buf, "(waived: quote \" back \\ nl %0A tab \t caf\xc3\xa9, 100%25: done)\n") != NULL);
    free(t.buf);
    unit_free(&p);

    /* A finding without a place has no file property. */
    arena mem;
    arena_init(&mem);
    diag_sink s;
    diag_init(&s, &mem);
    diag_report(&s, SEV_WARNING, CK_LIMIT, (loc){0}, "a\r\nb%c", ',');
    t = capture(report_github, &s);
    assert_string_equal(t.buf, "::warning title=limit::a%0D%0Ab,\n");
    free(t.buf);
    arena_free(&mem);
}

/* ---- gcc ---- */

/* One line per finding, then one per note (or the waiver's reason), as gcc
 * prints its notes. */
static void gcc_one_line_per_finding(void **state)
{
    (void)state;
    pipeline p;
    run(&p, MIXED);
    text t = capture(report_gcc, &p.diags);
    size_t lines = 0;
    for (size_t i = 0; i < p.diags.count; i++) {
        const diag *d = p.diags.items[i];
        lines++;
        if (d->waiver) lines++;
        for (const diag_note *n = d->notes; n && !d->waiver; n = n->next) lines++;
    }
    assert_int_equal(count_lines(t.buf), lines);
    const diag *d = find_diag(&p, CK_BIND_CONFLICT, "host 'h1'");
    char want[512];
    snprintf(want, sizeof want, "t.ports:%d:%d: note: %s [bind-conflict]\n", loc_line(d->where),
             loc_col(d->where), d->message);
    assert_true(strstr(t.buf, want) != NULL);
    snprintf(want, sizeof want, "t.ports:%d:%d: note: waived: %s\n", loc_line(d->waiver_loc),
             loc_col(d->waiver_loc), d->waiver);
    assert_true(strstr(t.buf, want) != NULL);
    free(t.buf);
    unit_free(&p);
}

/* ---- text that cannot forge a line ---- */

static char *put_text(const char *in)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    diag_put_text(f, in);
    assert_int_equal(fclose(f), 0);
    return buf;
}

static void expect_put_text(const char *in, const char *want)
{
    char *got = put_text(in);
    assert_string_equal(got, want);
    free(got);
}

/* Controls show as escapes; valid UTF-8 stays; bytes outside it show as
 * \xHH; C1 code points and the Unicode line separators as \uHHHH. */
static void text_escapes_controls_keeps_utf8(void **state)
{
    (void)state;
    expect_put_text("a\nb\rc\td", "a\\nb\\rc\\td");
    expect_put_text("\x1b[31mred\x7f\x01", "\\x1b[31mred\\x7f\\x01");
    expect_put_text("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x8e\xb5", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x8e\xb5");
    expect_put_text("\x85\x9b\xff", "\\x85\\x9b\\xff");                       /* raw C1, stray */
    expect_put_text("\xc2\x85\xc2\x9b\xc2\xa0", "\\u0085\\u009b\xc2\xa0");    /* NEL, CSI; NBSP */
    expect_put_text("\xe2\x80\xa8\xe2\x80\xa9", "\\u2028\\u2029");
    expect_put_text("\xc0\xaf\xed\xa0\x80\xf4\x90\x80\x80", /* overlong, surrogate, > U+10FFFF */
                    "\\xc0\\xaf\\xed\\xa0\\x80\\xf4\\x90\\x80\\x80");
    expect_put_text("cut \xe2\x82", "cut \\xe2\\x82");
    expect_put_text("back\\slash", "back\\slash");
}

/* A reason with a newline that would forge "file:1:1: error:" and a
 * workflow command, in a file whose directory has a newline in its name. */
static const char *const FORGE =
    "system a { role r; service s { udp 16000 r -> r; } }\n"
    "system b { role r; service s { udp 16000 r -> r; } }\n"
    "site x { host h1 10.0.0.1 { runs a.r, b.r; }\n"
    "  allow bind-conflict on h1 because \"ok\\nfile:1:1: error: forged\\n::error file=x::forged\"; }\n";
static const char *const FORGE_NAME = "d\nfile:1:1: error: name\r\n::error file=y::,z/p.ports";

/* No line may start with anything the input wrote after a newline. */
static void assert_no_forged_line(const char *out)
{
    for (const char *l = out; *l; l = strchr(l, '\n') + 1) {
        assert_false(strncmp(l, "file:1:1", 8) == 0);
        assert_false(strncmp(l, "::error", 7) == 0);
        if (!strchr(l, '\n')) break;
    }
    assert_null(strchr(out, '\r'));
}

static void gcc_and_text_cannot_be_forged(void **state)
{
    (void)state;
    pipeline p;
    run(&p, FORGE);
    assert_int_equal(p.diags.count, 1);
    p.src->name = FORGE_NAME;
    text t = capture(report_gcc, &p.diags);
    assert_int_equal(count_lines(t.buf), 2);                 /* the finding, its waiver */
    assert_no_forged_line(t.buf);
    assert_true(strstr(t.buf, "d\\nfile:1:1: error: name\\r\\n::error file=y::,z/p.ports:4:3: "
                              "note: waived: ok\\nfile:1:1: error: forged\\n::error "
                              "file=x::forged\n") != NULL);
    free(t.buf);
    t = capture(diag_print_text, &p.diags);
    assert_int_equal(count_lines(t.buf), 4);                 /* head, line, caret, waiver */
    assert_no_forged_line(t.buf);
    free(t.buf);
    t = capture(report_summary, &p.diags);
    assert_int_equal(count_lines(t.buf), 1);
    assert_no_forged_line(t.buf);
    free(t.buf);
    unit_free(&p);
}

/* One workflow command per finding whatever the file name and the reason. */
static void github_cannot_be_forged(void **state)
{
    (void)state;
    pipeline p;
    run(&p, FORGE);
    p.src->name = FORGE_NAME;
    text t = capture(report_github, &p.diags);
    assert_int_equal(count_lines(t.buf), 1);
    assert_int_equal(strncmp(t.buf, "::notice file=d%0Afile%3A1%3A1%3A error%3A name%0D%0A%3A%3A"
                                     "error file=y%3A%3A%2Cz/p.ports,line=2,", 78), 0);
    assert_true(strstr(t.buf, "(waived: ok%0Afile:1:1: error: forged%0A::error file=x::forged)\n"));
    assert_null(strchr(t.buf, '\r'));
    free(t.buf);
    unit_free(&p);
}

/* File names that are not UTF-8 still give valid JSON (U+FFFD per bad byte);
 * SARIF percent-encodes them. */
static void json_escapes_non_utf8_file_names(void **state)
{
    (void)state;
    pipeline p;
    run(&p, HOSTILE);
    p.src->name = "caf\xe9/\xc0\xaf\xed\xa0\x80x\xe2\x82.ports";
    const char *want = "caf\xef\xbf\xbd/\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdx"
                       "\xef\xbf\xbd\xef\xbf\xbd.ports";
    text t = capture(report_json, &p.diags);
    jv *root = must_parse(t.buf, t.len);
    assert_string_equal(jstr(jpath(root, "findings.0.file")), want);
    jfree(root);
    free(t.buf);
    t = capture(report_gitlab, &p.diags);
    root = must_parse(t.buf, t.len);
    assert_string_equal(jstr(jpath(root, "0.location.path")), want);
    jfree(root);
    free(t.buf);
    t = capture(report_sarif, &p.diags);
    root = must_parse(t.buf, t.len);
    assert_string_equal(jstr(jpath(root, "runs.0.results.0.locations.0.physicalLocation."
                                         "artifactLocation.uri")),
                        "caf%E9/%C0%AF%ED%A0%80x%E2%82.ports");
    jfree(root);
    free(t.buf);
    unit_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parser_self_test),
        cmocka_unit_test(json_has_waived_and_unwaived_findings),
        cmocka_unit_test(json_of_a_clean_policy),
        cmocka_unit_test(json_escapes_hostile_text),
        cmocka_unit_test(json_round_trips_every_byte),
        cmocka_unit_test(sarif_structure),
        cmocka_unit_test(sarif_escapes_hostile_text),
        cmocka_unit_test(github_annotations),
        cmocka_unit_test(github_escapes_properties_and_message),
        cmocka_unit_test(gcc_one_line_per_finding),
        cmocka_unit_test(text_escapes_controls_keeps_utf8),
        cmocka_unit_test(gcc_and_text_cannot_be_forged),
        cmocka_unit_test(github_cannot_be_forged),
        cmocka_unit_test(json_escapes_non_utf8_file_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
