/* gen_docs.h: what gen_docs.c (the Markdown pages) shares with
 * gen_portmap.c (each host's SVG port map). The flow diagram has its own
 * header (gen_dot.h) and reads only the frozen model. */
#ifndef BERTH_GEN_DOCS_H
#define BERTH_GEN_DOCS_H
#include "check.h"
#include "gen.h"
#include "proto.h"
#include "runs.h"

typedef struct portmap_data portmap_data;
typedef struct listen_index listen_index;

typedef struct {
    gen_ctx *g;
    const model *m;
    strbuf t;                    /* scratch: one cell's or label's raw text */
    portmap_data *pm;            /* gen_portmap.c: bindings by host, made on first use */
    site_index by_sys;           /* gen_docs.c: instances by (site, system) */
    listen_index *listens;       /* gen_docs.c: per host, the flows it listens on */
} docs;

/* XML text or attribute value: the one XML escaper (SVG port maps). */
void docs_xml(strbuf *b, const char *s);
/* gen_portmap.c: the SVG port map of one host into out. */
void docs_port_map(docs *d, const host *h, strbuf *out);

#endif
