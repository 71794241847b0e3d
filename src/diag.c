/* diag.c: queue, sort and print diagnostics as clang does:
 * FILE:LINE:COL: severity: message [check-id], the source line, a caret. */
#include "diag.h"
#include "strbuf.h"
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void diag_init(diag_sink *s, arena *mem)
{
    memset(s, 0, sizeof *s);
    s->mem = mem;
    s->max_findings = DIAG_MAX_FINDINGS_DEFAULT;
}

static char *vformat(arena *a, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    char *p = arena_alloc(a, (size_t)(n < 0 ? 0 : n) + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

diag *diag_report(diag_sink *s, severity sev, check_id check, loc where,
                  const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag *d = diag_vreport(s, sev, check, where, fmt, ap);
    va_end(ap);
    return d;
}

diag *diag_vreport(diag_sink *s, severity sev, check_id check, loc where, const char *fmt,
                   va_list ap)
{
    diag *d = arena_alloc(s->mem, sizeof *d);
    d->message = vformat(s->mem, fmt, ap);
    d->sev = sev;
    d->check = check;
    d->where = where;
    d->notes_tail = &d->notes;
    d->seq = (unsigned)s->count;
    s->items = arena_grow(s->mem, s->items, sizeof *s->items, &s->cap, s->count + 1);
    s->items[s->count++] = d;
    return d;
}

void diag_add_note(diag_sink *s, diag *d, loc where, const char *fmt, ...)
{
    diag_note *n = arena_alloc(s->mem, sizeof *n);
    va_list ap;
    va_start(ap, fmt);
    n->message = vformat(s->mem, fmt, ap);
    va_end(ap);
    n->where = where;
    *d->notes_tail = n;
    d->notes_tail = &n->next;
}

void diag_add_ports(diag_sink *s, diag *d, unsigned protos, long lo, long hi)
{
    d->ports = arena_grow(s->mem, d->ports, sizeof *d->ports, &d->ports_cap, d->nports + 1);
    d->ports[d->nports++] = (diag_ports){protos, (int)lo, (int)hi};
}

severity diag_shown(const diag *d) { return d->waiver ? SEV_NOTE : d->sev; }

size_t diag_count(const diag_sink *s, severity sev)
{
    size_t n = 0;
    for (size_t i = 0; i < s->count; i++) n += diag_shown(s->items[i]) == sev;
    return n;
}

size_t diag_waived(const diag_sink *s)
{
    size_t n = 0;
    for (size_t i = 0; i < s->count; i++) n += s->items[i]->waiver != NULL;
    return n;
}

/* Position, then content, so repeats (one per instance) sit together
 * whatever order the checks emitted them in. */
static int diag_cmp(const void *pa, const void *pb)
{
    const diag *a = *(diag *const *)pa, *b = *(diag *const *)pb;
    int c = loc_cmp(a->where, b->where);
    if (c) return c;
    if (a->check != b->check) return a->check < b->check ? -1 : 1;
    if ((c = strcmp(a->message, b->message))) return c;
    if (!a->waiver != !b->waiver) return a->waiver ? 1 : -1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* In printed order, each check's first max_findings unwaived findings stay;
 * a waived one is accepted, so it never uses up the cap. */
static void apply_cap(diag_sink *s)
{
    size_t shown[CK_COUNT + 1] = {0};
    memset(s->not_shown, 0, sizeof s->not_shown);
    for (size_t i = 0; i < s->count; i++) {
        diag *d = s->items[i];
        d->capped = false;
        if (d->waiver || !s->max_findings) continue;
        if (shown[d->check] < s->max_findings) shown[d->check]++;
        else {
            d->capped = true;
            s->not_shown[d->check]++;
        }
    }
}

void diag_finish(diag_sink *s)
{
    if (s->count) qsort(s->items, s->count, sizeof *s->items, diag_cmp);
    size_t w = 0;
    for (size_t i = 0; i < s->count; i++) {
        /* A waived copy never stands in for an unwaived one. */
        if (w && loc_cmp(s->items[w - 1]->where, s->items[i]->where) == 0 &&
            s->items[w - 1]->check == s->items[i]->check &&
            !s->items[w - 1]->waiver == !s->items[i]->waiver &&
            strcmp(s->items[w - 1]->message, s->items[i]->message) == 0)
            continue;
        s->items[w++] = s->items[i];
    }
    s->count = w;
    apply_cap(s);
}

const char *diag_not_shown_text(char buf[96], const diag_sink *s, check_id check)
{
    snprintf(buf, 96, "%zu more %s finding%s not shown (--max-findings)", s->not_shown[check],
             check < CK_COUNT ? check_table[check].id : "other", s->not_shown[check] == 1 ? "" : "s");
    return buf;
}

/* ---- text output ---- */

static const char *sev_color(severity s)
{
    return s == SEV_ERROR ? "\033[1;31m" : s == SEV_WARNING ? "\033[1;35m" : "\033[1;36m";
}

enum { SHOW_MAX = 160 };   /* columns of a long line shown around the caret */

/* Print one byte of a source line so that control bytes (NUL, ESC) can
 * neither corrupt the terminal nor shift the caret. */
static void put_visible(FILE *out, unsigned char c)
{
    fputc(c == '\t' || c >= 0x20 ? (c == 0x7f ? '?' : c) : '?', out);
}

int diag_utf8_len(const unsigned char *s)
{
    if (s[0] < 0x80) return 1;
    int n = s[0] >= 0xc2 && s[0] <= 0xdf ? 2 : s[0] >= 0xe0 && s[0] <= 0xef ? 3
          : s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : 0;
    for (int i = 1; i < n; i++)
        if ((s[i] & 0xc0) != 0x80) return 0;
    if (n == 3 && ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0))) return 0;
    if (n == 4 && ((s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90))) return 0;
    return n;
}

/* The visible form of the character at p into out (at most 12 bytes and a
 * NUL); returns how many bytes of p it stands for. */
static size_t visible_char(char *out, const unsigned char *p)
{
    int n = diag_utf8_len(p);
    if (n == 1 && *p >= 0x20 && *p != 0x7f) snprintf(out, 13, "%c", *p);
    else if (*p == '\n' || *p == '\r' || *p == '\t')
        snprintf(out, 13, "\\%c", *p == '\n' ? 'n' : *p == '\r' ? 'r' : 't');
    else if (n <= 1) snprintf(out, 13, "\\x%02x", *p);
    else if (n == 2 && p[0] == 0xc2 && p[1] < 0xa0) snprintf(out, 13, "\\u%04x", p[1]);
    else if (n == 3 && p[0] == 0xe2 && p[1] == 0x80 && (p[2] == 0xa8 || p[2] == 0xa9))
        snprintf(out, 13, "\\u%04x", 0x2000 | (p[2] & 0x3f));
    else {
        memcpy(out, p, (size_t)n);
        out[n] = '\0';
    }
    return n ? (size_t)n : 1;
}

void diag_put_text(FILE *out, const char *s)
{
    char one[13];
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        p += visible_char(one, p);
        fputs(one, out);
    }
}

char *diag_visible(arena *a, const char *s)
{
    size_t n = 1;
    char one[13];
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        p += visible_char(one, p);
        n += strlen(one);
    }
    char *v = arena_alloc(a, n), *w = v;
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        p += visible_char(one, p);
        w += strlen(strcpy(w, one));
    }
    *w = '\0';
    return v;
}

static void print_snippet(FILE *out, loc w, bool color)
{
    size_t len;
    int wline = loc_line(w), wcol = loc_col(w);
    int wend_line = loc_end_line(w), wend_col = loc_end_col(w);
    const char *line = source_line(w.src, wline, &len);
    size_t col = wcol > 0 ? (size_t)wcol - 1 : 0;
    if (col > len) col = len;
    size_t end = wend_line == wline && wend_col >= wcol ? (size_t)wend_col : col + 1;
    if (end > len) end = len > col ? len : col + 1;
    size_t from = col > SHOW_MAX / 2 ? col - SHOW_MAX / 2 : 0;
    size_t to = from + SHOW_MAX < len ? from + SHOW_MAX : len;
    if (end > to) end = to > col ? to : col + 1;
    fputs(from ? "..." : "", out);
    for (size_t i = from; i < to; i++) put_visible(out, (unsigned char)line[i]);
    fputs(to < len ? "...\n" : "\n", out);
    fputs(from ? "   " : "", out);
    for (size_t i = from; i < col; i++) fputc(line[i] == '\t' ? '\t' : ' ', out);
    if (color) fputs("\033[1;32m", out);
    fputc('^', out);
    for (size_t i = col + 1; i < end; i++) fputc('~', out);
    if (color) fputs("\033[0m", out);
    fputc('\n', out);
}

static void print_head(FILE *out, loc w, severity sev, const char *msg,
                       const char *check, bool color)
{
    if (color) fputs("\033[1m", out);
    if (w.src) {
        diag_put_text(out, w.src->name);
        fprintf(out, ":%d:%d: ", loc_line(w), loc_col(w));
    } else {
        fputs("berth: ", out);
    }
    if (color) fprintf(out, "%s%s:\033[0m\033[1m", sev_color(sev), severity_name(sev));
    else fprintf(out, "%s:", severity_name(sev));
    fputc(' ', out);
    diag_put_text(out, msg);
    if (check) fprintf(out, " [%s]", check);
    if (color) fputs("\033[0m", out);
    fputc('\n', out);
}

static void print_include_chain(FILE *out, const source *src)
{
    for (; src && src->parent; src = src->parent) {
        fputs("In file included from ", out);
        diag_put_text(out, src->parent->name);
        fprintf(out, ":%d:\n", loc_line(src->import_loc));
    }
}

/* The notes printed so far, by (place, text): a note that says again what
 * an earlier one said (the same advice under every finding of a check) is
 * printed once. Open addressing over the arena; a table per print. */
typedef struct {
    const diag_note **slot;
    size_t cap, n;
} note_set;

static uint64_t note_hash(const diag_note *n)
{
    uint64_t h = text_hash(TEXT_HASH_SEED, n->message);
    h ^= (uint64_t)(uintptr_t)n->where.src * 31 + (uint64_t)n->where.start * 7;
    return h * 0x9e3779b97f4a7c15ULL;
}

static bool same_note(const diag_note *a, const diag_note *b)
{
    return a->where.src == b->where.src && a->where.start == b->where.start && strcmp(a->message, b->message) == 0;
}

/* True when n is new (and remembers it). */
static bool note_first(arena *mem, note_set *t, const diag_note *n)
{
    if (2 * (t->n + 1) > t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 64;
        const diag_note **slot = arena_alloc(mem, cap * sizeof *slot);
        memset(slot, 0, cap * sizeof *slot);
        for (size_t i = 0; i < t->cap; i++)
            if (t->slot[i]) {
                size_t k = note_hash(t->slot[i]) & (cap - 1);
                while (slot[k]) k = (k + 1) & (cap - 1);
                slot[k] = t->slot[i];
            }
        t->slot = slot;
        t->cap = cap;
    }
    size_t k = note_hash(n) & (t->cap - 1);
    for (; t->slot[k]; k = (k + 1) & (t->cap - 1))
        if (same_note(t->slot[k], n)) return false;
    t->slot[k] = n;
    t->n++;
    return true;
}

void diag_print_text(const diag_sink *s, FILE *out)
{
    note_set seen = {0};
    for (size_t i = 0; i < s->count; i++) {
        const diag *d = s->items[i];
        if ((d->waiver && s->hide_waived) || d->capped) continue;
        print_include_chain(out, d->where.src);
        const char *id = d->check < CK_COUNT ? check_table[d->check].id : NULL;
        print_head(out, d->where, diag_shown(d), d->message, id, s->color);
        if (d->where.src) print_snippet(out, d->where, s->color);
        if (d->waiver) {
            /* Accepted: the reason, not the whole story again. */
            char msg[1200];
            snprintf(msg, sizeof msg, "waived: %.1000s", d->waiver);
            print_head(out, d->waiver_loc, SEV_NOTE, msg, NULL, s->color);
            continue;
        }
        for (const diag_note *n = d->notes; n; n = n->next) {
            if (!note_first(s->mem, &seen, n)) continue;
            print_head(out, n->where, SEV_NOTE, n->message, NULL, s->color);
            if (n->where.src) print_snippet(out, n->where, s->color);
        }
    }
    char buf[96];
    for (int k = 0; k <= CK_COUNT; k++)
        if (s->not_shown[k])
            print_head(out, (loc){0}, SEV_NOTE, diag_not_shown_text(buf, s, (check_id)k), NULL,
                       s->color);
}
