/* import.h: what `berth import` builds before it writes berth text. The
 * readers (import_fw.c: firewalld service files; import_services.c:
 * services(5)) fill an imp_system; import.c turns it into a policy, passes
 * it through berth's own formatter and writes it. */
#ifndef BERTH_IMPORT_H
#define BERTH_IMPORT_H
#include <stdbool.h>
#include <stdint.h>
#include "diag.h"
#include "names.h"

/* The one role of an imported system: the machine offering its services. */
#define IMP_ROLE "server"

/* One line of a service's body: a comment, or a flow
 * `PROTO [from] LO[-HI] any -> DEST;` with an optional trailing comment. */
typedef struct imp_item {
    const char *comment;         /* non-NULL: a comment line, text without '#' */
    unsigned protos;             /* PROTO_TCP | PROTO_UDP, or PROTO_IP with lo its number */
    bool source_ports;           /* the ports are source ports: `from PORTS` */
    uint16_t lo, hi;
    const char *dest;            /* endpoint text; NULL: the role */
    const char *note;            /* trailing comment of a flow, or NULL */
    struct imp_item *next;
} imp_item;

typedef struct imp_service {
    const char *name;            /* as the input spells it */
    const char *desc;            /* the description string */
    const char **above;          /* comment lines written above the service */
    size_t nabove, above_cap;
    imp_item *items, **tail;
    size_t nflows;
    names flows;                 /* "from lo-hi dest" -> its flow, to merge repeats */
    struct imp_service *next;
} imp_service;

typedef struct {
    arena *mem;
    diag_sink *diags;
    const char *name;            /* the system's name */
    const char *desc;
    const char *role_desc;
    const char **header;         /* comment lines at the top of the file */
    size_t nheader, header_cap;
    imp_service *services, **tail;
    size_t nservices;
} imp_system;

void imp_init(imp_system *s, arena *mem, diag_sink *diags, const char *name);
/* printf into the arena. */
const char *imp_fmt(arena *mem, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Text fit for a comment or a string: runs of white space (and control
 * characters) become one space, ends trimmed, invalid UTF-8 becomes '?'. */
const char *imp_clean(arena *mem, const char *s, size_t n);
/* Append text as comment lines wrapped near 76 columns. */
void imp_header(imp_system *s, const char *text);
imp_service *imp_service_new(imp_system *s, const char *name, const char *desc);
void imp_above(imp_system *s, imp_service *svc, const char *text);
/* A comment line in the service's body (wrapped). */
void imp_comment(imp_system *s, imp_service *svc, const char *text);
/* Add a flow, merging with one of the same ports, direction and
 * destination (tcp and udp become tcp+udp). Returns false when every
 * protocol of it was there already: a duplicate, written once. */
bool imp_flow(imp_system *s, imp_service *svc, unsigned protos, bool source_ports, uint16_t lo,
              uint16_t hi, const char *dest, const char *note);
/* Write the system as a formatted policy to output (NULL: stdout).
 * Returns the exit status: 0, or 2 when it cannot be written. */
int imp_write(imp_system *s, const char *output);

/* The readers. Each takes its inputs, reports to s->diags and returns
 * 0 (imported; warnings allowed), 1 (an input is malformed) or 2 (I/O). */
int import_firewalld(imp_system *s, char **files, int nfiles);
int import_services(imp_system *s, const char *file);

/* A file in memory as a source (for diagnostics), or NULL with errno set.
 * "-" is standard input. */
source *imp_read_source(arena *mem, const char *path, const char *shown, int index);

#endif
