/* diag.h: the one sink for every message berth prints about a policy.
 * Diagnostics are queued as records (primary span, related notes), sorted
 * by position and printed once, as text with a caret or in machine formats. */
#ifndef BERTH_DIAG_H
#define BERTH_DIAG_H
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include "arena.h"
#include "checks.h"
#include "source.h"

typedef struct diag_note {
    loc where;                   /* where.src may be NULL: a note without a place */
    const char *message;
    struct diag_note *next;
} diag_note;

/* A port range a finding is about; protos holds PROTO_TCP and PROTO_UDP
 * bits (ast.h). `berth explain` matches findings to a port with these. */
typedef struct {
    unsigned protos;
    int lo, hi;
} diag_ports;

typedef struct diag {
    severity sev;
    check_id check;
    loc where;
    const char *message;
    const char *waiver;          /* reason of the waiver that turned it into a note */
    loc waiver_loc;
    /* What a waiver can match: the services involved, the host, the site. */
    const struct decl *svc[2];
    const char *svc_inst[2];     /* instance names of those services */
    const struct decl *host;
    const struct site_decl *site;
    diag_note *notes, **notes_tail;
    /* The ports it is about; none: all the ports of the flows it names. */
    diag_ports *ports;
    size_t nports, ports_cap;
    unsigned seq;
    bool capped;                 /* past --max-findings: counted, not printed */
} diag;

typedef struct {
    arena *mem;
    diag **items;
    size_t count, cap;
    bool color;
    bool hide_waived;            /* text output leaves accepted findings out */
    /* --max-findings: diag_finish marks the unwaived findings of a check
     * past the first max_findings as capped (0: no cap); not_shown counts
     * them per check. Counts and exit status still take every finding. */
    size_t max_findings;
    size_t not_shown[CK_COUNT + 1];
} diag_sink;

/* The default of --max-findings: per check, enough to read, few enough
 * that a policy with millions of findings still prints in a moment. */
enum { DIAG_MAX_FINDINGS_DEFAULT = 1000 };

/* The check of a message that a command reports about its own input (berth
 * import reading XML) rather than a finding of a check: printed as text
 * without a [check-id]; never passed to the machine formats. */
#define DIAG_NO_CHECK ((check_id)CK_COUNT)

void diag_init(diag_sink *s, arena *mem);
diag *diag_report(diag_sink *s, severity sev, check_id check, loc where,
                  const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
diag *diag_vreport(diag_sink *s, severity sev, check_id check, loc where, const char *fmt,
                   va_list ap);
void diag_add_note(diag_sink *s, diag *d, loc where, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void diag_add_ports(diag_sink *s, diag *d, unsigned protos, long lo, long hi);
/* The severity shown: a waived finding is a note. */
severity diag_shown(const diag *d);
size_t diag_count(const diag_sink *s, severity sev);
size_t diag_waived(const diag_sink *s);
/* Sort by file, line, column; drop exact repeats (same place, same text);
 * then mark what --max-findings leaves unprinted. */
void diag_finish(diag_sink *s);
/* "N more CHECK findings not shown (--max-findings)" ("finding" when N is
 * 1) into buf, which it returns: every format says it so. */
const char *diag_not_shown_text(char buf[96], const diag_sink *s, check_id check);
void diag_print_text(const diag_sink *s, FILE *out);
/* Write text (a message, note, reason or path) for a terminal or a
 * line-based reader: valid UTF-8 passes through; '\n' '\r' '\t' show as
 * those two characters, other C0 bytes and DEL as \xHH, C1 code points and
 * U+2028/U+2029 as \uHHHH, and each byte that is not part of valid UTF-8
 * as \xHH. No text can start an output line of its own. A backslash stays
 * as it is: the form is for reading, not for decoding. */
void diag_put_text(FILE *out, const char *s);
/* The same visible form, as a string in the arena. */
char *diag_visible(arena *a, const char *s);
/* The length of the valid UTF-8 sequence at s (1-4), or 0 when the byte
 * there does not start one (overlong, surrogate, above U+10FFFF, cut). */
int diag_utf8_len(const unsigned char *s);

#endif
