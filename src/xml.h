/* xml.h: a small, strict XML reader for the documents berth imports
 * (firewalld service files). Takes one source in memory; gives a tree of
 * elements with their attributes and character data, or reports the first
 * error (FILE:LINE:COL) to the sink. Accepts the prolog, comments, CDATA,
 * the five entities and character references; refuses DOCTYPE (so no
 * entity expansion and no external references), processing instructions,
 * encodings other than UTF-8 and any byte that is not an XML character. */
#ifndef BERTH_XML_H
#define BERTH_XML_H
#include <stdbool.h>
#include "diag.h"

enum {
    XML_MAX_DEPTH = 64,          /* nesting of elements */
    XML_MAX_ATTRS = 64,          /* attributes of one element */
};

typedef struct xml_attr {
    const char *name, *value;    /* value with entities decoded */
    loc name_at, value_at;       /* value_at: the text between the quotes */
    struct xml_attr *next;
} xml_attr;

typedef struct xml_node {
    const char *name;
    loc at;                      /* the name in the start tag */
    xml_attr *attrs;             /* in document order */
    struct xml_node *children, *next;   /* child elements, in document order */
    const char *text;            /* the character data directly inside, joined */
    bool has_text;               /* some of it is not white space */
    loc text_at;                 /* its first non-blank character */
} xml_node;

/* The root element, or NULL after reporting the first error. */
xml_node *xml_parse(arena *mem, diag_sink *diags, const source *src);
/* The attribute called name, or NULL. */
const xml_attr *xml_attr_find(const xml_node *n, const char *name);

#endif
