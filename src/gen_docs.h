/* gen_docs.h: what the two halves of `gen docs` share: gen_docs.c writes
 * the Markdown pages, gen_dot.c the Graphviz graph and its SVG. */
#ifndef BERTH_GEN_DOCS_H
#define BERTH_GEN_DOCS_H
#include "check.h"
#include "gen.h"
#include "proto.h"

typedef struct portmap_data portmap_data;

typedef struct {
    gen_ctx *g;
    model *m;
    strbuf t;                    /* scratch: one cell's or label's raw text */
    portmap_data *pm;            /* gen_portmap.c: the bindings, made on first use */
} docs;

void docs_comment_text(strbuf *b, const char *s);
/* XML text or attribute value: the one XML escaper (SVG port maps). */
void docs_xml(strbuf *b, const char *s);
const char *docs_text(const strbuf *t);
void docs_reset(strbuf *t);
void docs_put_addr(strbuf *b, addr a);
/* "10.0.0.5" or, for a dual-stack host, "10.0.0.5, fd00::5". */
void docs_put_host_addrs(strbuf *b, const host *h);
void docs_put_named(strbuf *b, const decl *x, const system_decl *home);
const char *docs_proto_text(const flow_decl *f, bool lower, char buf[PROTO_TEXT]);
strbuf *docs_page(docs *d, const char *prefix, const char *name, const char *suffix);
int docs_flows_graph(docs *d);
/* gen_portmap.c: the SVG port map of one host into out. */
void docs_port_map(docs *d, const host *h, strbuf *out);

#endif
