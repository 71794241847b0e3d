/* xml.c: the strict XML reader of xml.h. One pass over a source already in
 * memory: the bytes are checked first (UTF-8, XML characters), then a
 * recursive descent builds the element tree. The first error stops the
 * parse: XML has no error recovery worth the guesswork. */
#include "xml.h"
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include "strbuf.h"

typedef struct {
    arena *mem;
    diag_sink *diags;
    const source *src;
    const char *s;
    size_t n, i;
    bool failed;
    strbuf text[XML_MAX_DEPTH];  /* character data of each open element */
} xml_parser;

/* ---- position and errors ---- */

static loc here(const xml_parser *p)
{
    return loc_span(p->src, p->i, p->i);
}

/* From `from` to the last byte consumed. */
static loc upto(const xml_parser *p, loc from)
{
    return loc_span(p->src, from.start, p->i > 0 ? p->i - 1 : 0);
}

static void advance(xml_parser *p, size_t k)
{
    p->i = k < p->n - p->i ? p->i + k : p->n;
}

static int peek(const xml_parser *p) { return p->i < p->n ? (unsigned char)p->s[p->i] : -1; }

static bool looking_at(const xml_parser *p, const char *lit)
{
    size_t k = strlen(lit);
    return p->n - p->i >= k && memcmp(p->s + p->i, lit, k) == 0;
}

/* Report the first error only; later ones follow from it. */
static diag *fail(xml_parser *p, loc where, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static diag *fail(xml_parser *p, loc where, const char *fmt, ...)
{
    if (p->failed) return NULL;
    p->failed = true;
    va_list ap;
    va_start(ap, fmt);
    diag *d = diag_vreport(p->diags, SEV_ERROR, DIAG_NO_CHECK, where, fmt, ap);
    va_end(ap);
    return d;
}

/* ---- characters ---- */

/* Length of the UTF-8 sequence at s (n bytes left) and its code point;
 * 0 when the sequence is invalid. */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    size_t len = s[0] < 0x80 ? 1 : s[0] >= 0xc2 && s[0] <= 0xdf ? 2
               : s[0] >= 0xe0 && s[0] <= 0xef ? 3 : s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : 0;
    if (len == 0 || len > n) return 0;
    uint32_t v = len == 1 ? s[0] : len == 2 ? s[0] & 0x1fu : len == 3 ? s[0] & 0x0fu : s[0] & 0x07u;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80) return 0;
        v = v << 6 | (s[i] & 0x3fu);
    }
    static const uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
    if (v < min[len] || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) return 0;
    *cp = v;
    return len;
}

/* XML 1.0's Char production. */
static bool xml_char(uint32_t c)
{
    return c == 0x9 || c == 0xa || c == 0xd || (c >= 0x20 && c <= 0xd7ff) ||
           (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);
}

/* Every byte of the file is valid UTF-8 and an XML character, so the rest
 * of the reader handles ASCII structure only, and no NUL reaches a string. */
static bool check_chars(xml_parser *p)
{
    while (p->i < p->n) {
        uint32_t c = 0;
        size_t k = utf8_decode((const unsigned char *)p->s + p->i, p->n - p->i, &c);
        if (k == 0) {
            fail(p, here(p), "invalid UTF-8 (byte 0x%02x): the file must be UTF-8",
                 (unsigned char)p->s[p->i]);
            return false;
        }
        if (!xml_char(c)) {
            fail(p, here(p), "character U+%04X is not allowed in XML", (unsigned)c);
            return false;
        }
        advance(p, k);
    }
    p->i = 0;
    return true;
}

static void put_utf8(strbuf *b, uint32_t c)
{
    char u[4];
    size_t n = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    static const unsigned char lead[] = {0, 0, 0xc0, 0xe0, 0xf0};
    for (size_t k = n - 1; k > 0; k--, c >>= 6) u[k] = (char)(0x80 | (c & 0x3f));
    u[0] = (char)(n == 1 ? c : (lead[n] | c));
    sb_putn(b, u, n);
}

static bool is_space(int c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

static bool skip_space(xml_parser *p)
{
    size_t start = p->i;
    while (is_space(peek(p))) advance(p, 1);
    return p->i > start;
}

static bool name_start(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
}

static bool name_char(int c)
{
    return name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

/* An element or attribute name (ASCII names only: all this subset needs). */
static const char *name(xml_parser *p, loc *at, const char *what)
{
    *at = here(p);
    if (!name_start(peek(p))) {
        fail(p, *at, "expected %s", what);
        return NULL;
    }
    size_t start = p->i;
    while (name_char(peek(p))) advance(p, 1);
    *at = upto(p, *at);
    return arena_strndup(p->mem, p->s + start, p->i - start);
}

/* ---- entities ---- */

static bool char_ref(xml_parser *p, loc at, const char *body, size_t n, strbuf *out)
{
    bool hex = body[1] == 'x';
    size_t k = hex ? 2 : 1;
    uint32_t v = 0;
    if (k == n) {
        fail(p, at, "empty character reference");
        return false;
    }
    for (; k < n; k++) {
        char c = body[k];
        int d = c >= '0' && c <= '9' ? c - '0'
              : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
              : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0 || v > 0x10ffff) {
            fail(p, at, "invalid character reference '&%.*s;'", (int)(n > 20 ? 20 : n), body);
            return false;
        }
        v = v * (hex ? 16 : 10) + (uint32_t)d;
    }
    if (!xml_char(v) || (v >= 0xd800 && v <= 0xdfff)) {
        fail(p, at, "character reference '&%.*s;' is not an XML character", (int)n, body);
        return false;
    }
    put_utf8(out, v);
    return true;
}

/* At '&': decode one reference into out. */
static bool entity(xml_parser *p, strbuf *out)
{
    static const struct { const char *name; char c; } named[] = {
        {"lt", '<'}, {"gt", '>'}, {"amp", '&'}, {"apos", '\''}, {"quot", '"'},
    };
    loc at = here(p);
    size_t start = p->i + 1, end = start;
    while (end < p->n && end - start < 12 && p->s[end] != ';' && !is_space(p->s[end]) &&
           p->s[end] != '<' && p->s[end] != '&')
        end++;
    if (end >= p->n || p->s[end] != ';') {
        fail(p, at, "'&' must start a reference such as &amp; (write &amp; for a literal '&')");
        return false;
    }
    const char *body = p->s + start;
    size_t n = end - start;
    advance(p, n + 2);
    at = upto(p, at);
    if (n > 0 && body[0] == '#') return char_ref(p, at, body, n, out);
    for (size_t k = 0; k < sizeof named / sizeof named[0]; k++) {
        if (strlen(named[k].name) == n && memcmp(named[k].name, body, n) == 0) {
            sb_putc(out, named[k].c);
            return true;
        }
    }
    fail(p, at, "unknown entity '&%.*s;': only &lt; &gt; &amp; &apos; &quot; and &#N; are known",
         (int)n, body);
    return false;
}

/* ---- attributes ---- */

/* At the opening quote. White space in a value reads as one space each,
 * as XML's attribute-value normalisation says. */
static const char *attr_value(xml_parser *p, loc *at)
{
    int quote = peek(p);
    if (quote != '"' && quote != '\'') {
        fail(p, here(p), "expected a quoted attribute value");
        return NULL;
    }
    advance(p, 1);
    *at = here(p);
    strbuf b;
    sb_init(&b);
    while (!p->failed && peek(p) != quote) {
        int c = peek(p);
        if (c < 0) fail(p, *at, "attribute value has no closing %c", quote);
        else if (c == '<') fail(p, here(p), "'<' in an attribute value: write &lt;");
        else if (c == '&') entity(p, &b);
        else {
            if (!(c == '\r' && p->i + 1 < p->n && p->s[p->i + 1] == '\n'))
                sb_putc(&b, is_space(c) ? ' ' : (char)c);
            advance(p, 1);
        }
    }
    *at = upto(p, *at);
    advance(p, 1);
    const char *v = p->failed ? NULL : arena_strndup(p->mem, b.data ? b.data : "", b.len);
    sb_free(&b);
    return v;
}

/* One name="value"; NULL after an error. */
static xml_attr *attribute(xml_parser *p, xml_node *el, xml_attr ***tail)
{
    xml_attr *a = arena_alloc(p->mem, sizeof *a);
    if (!(a->name = name(p, &a->name_at, "an attribute name, '>' or '/>'"))) return NULL;
    if (xml_attr_find(el, a->name)) {
        fail(p, a->name_at, "attribute '%s' given twice in <%s>", a->name, el->name);
        return NULL;
    }
    skip_space(p);
    if (peek(p) != '=') {
        fail(p, here(p), "expected '=' after attribute '%s'", a->name);
        return NULL;
    }
    advance(p, 1);
    skip_space(p);
    if (!(a->value = attr_value(p, &a->value_at))) return NULL;
    **tail = a;
    *tail = &a->next;
    return a;
}

/* The attributes up to '>' or '/>'; *empty for '/>'. */
static bool attributes(xml_parser *p, xml_node *el, bool *empty)
{
    xml_attr **tail = &el->attrs;
    for (int n = 0;; n++) {
        bool spaced = skip_space(p);
        if (looking_at(p, "/>")) {
            advance(p, 2);
            *empty = true;
            return true;
        }
        if (peek(p) == '>') {
            advance(p, 1);
            *empty = false;
            return true;
        }
        if (peek(p) < 0) {
            fail(p, el->at, "unexpected end of file in the start tag <%s>", el->name);
            return false;
        }
        if (!spaced) {
            fail(p, here(p), "expected white space, '>' or '/>' in <%s>", el->name);
            return false;
        }
        /* Each new attribute is compared with the earlier ones. */
        if (n == XML_MAX_ATTRS) {
            fail(p, here(p), "too many attributes in <%s> (limit is %d)", el->name, XML_MAX_ATTRS);
            return false;
        }
        if (!attribute(p, el, &tail)) return false;
    }
}

/* ---- comments, CDATA, markup that is refused ---- */

static bool comment(xml_parser *p)
{
    loc at = here(p);
    advance(p, 4);
    for (;;) {
        if (p->i >= p->n) {
            fail(p, at, "unterminated comment: '<!--' has no matching '-->'");
            return false;
        }
        if (looking_at(p, "--")) {
            if (!looking_at(p, "-->")) {
                fail(p, here(p), "'--' inside a comment is not allowed in XML");
                return false;
            }
            advance(p, 3);
            return true;
        }
        advance(p, 1);
    }
}

/* Markup this reader refuses: DOCTYPE and processing instructions. */
static bool refused(xml_parser *p)
{
    loc at = here(p);
    if (looking_at(p, "<!DOCTYPE")) {
        advance(p, 9);
        fail(p, upto(p, at), "DOCTYPE is not supported: it can declare entities and "
             "external references");
        return true;
    }
    if (looking_at(p, "<?")) {
        advance(p, 2);
        fail(p, upto(p, at), "processing instructions are not supported (only the <?xml ...?> "
             "declaration, at the very start)");
        return true;
    }
    return false;
}

/* White space, comments; refused markup is an error. */
static bool misc(xml_parser *p)
{
    for (;;) {
        skip_space(p);
        if (looking_at(p, "<!--")) {
            if (!comment(p)) return false;
        } else if (refused(p)) {
            return false;
        } else {
            return true;
        }
    }
}

/* ---- elements ---- */

static xml_node *element(xml_parser *p, int depth);

/* Note the first non-blank character data of el. */
static void mark_text(xml_node *el, const char *s, size_t n, loc at)
{
    for (size_t k = 0; k < n && !el->has_text; k++) {
        if (is_space((unsigned char)s[k])) continue;
        el->has_text = true;
        el->text_at = at;
    }
}

static void add_text(xml_node *el, strbuf *t, const char *s, size_t n, loc at)
{
    mark_text(el, s, n, at);
    sb_putn(t, s, n);
}

static bool cdata(xml_parser *p, xml_node *el, strbuf *t)
{
    loc at = here(p);
    advance(p, 9);
    const char *start = p->s + p->i;
    const char *end = NULL;
    for (size_t k = p->i; k + 2 < p->n && !end; k++)
        if (memcmp(p->s + k, "]]>", 3) == 0) end = p->s + k;
    if (!end) {
        fail(p, at, "unterminated CDATA section: '<![CDATA[' has no matching ']]>'");
        return false;
    }
    add_text(el, t, start, (size_t)(end - start), here(p));
    advance(p, (size_t)(end - start) + 3);
    return true;
}

/* At "</": the end tag of el. */
static bool end_tag(xml_parser *p, const xml_node *el)
{
    advance(p, 2);
    loc at;
    const char *n = name(p, &at, "an element name after '</'");
    if (!n) return false;
    if (strcmp(n, el->name) != 0) {
        diag *d = fail(p, at, "</%s> does not close <%s>", n, el->name);
        if (d) diag_add_note(p->diags, d, el->at, "<%s> opened here", el->name);
        return false;
    }
    skip_space(p);
    if (peek(p) != '>') {
        fail(p, here(p), "expected '>' to end </%s>", n);
        return false;
    }
    advance(p, 1);
    return true;
}

/* One step of content at '<': comment, CDATA, child element, or refused markup. */
static bool markup(xml_parser *p, xml_node *el, strbuf *t, xml_node ***kids, int depth)
{
    if (looking_at(p, "<!--")) return comment(p);
    if (looking_at(p, "<![CDATA[")) return cdata(p, el, t);
    if (refused(p)) return false;
    if (looking_at(p, "<!")) {
        fail(p, here(p), "unexpected '<!' (only comments and CDATA may start so)");
        return false;
    }
    xml_node *kid = element(p, depth + 1);
    if (!kid) return false;
    **kids = kid;
    *kids = &kid->next;
    return true;
}

/* Character data up to the next '<' or '&'; CR LF and CR read as LF. */
static bool chars(xml_parser *p, xml_node *el, strbuf *t)
{
    loc at = here(p);
    if (looking_at(p, "]]>")) {
        fail(p, at, "']]>' outside a CDATA section: write ]]&gt;");
        return false;
    }
    int c = peek(p);
    if (c == '\r') {
        advance(p, 1);
        if (peek(p) != '\n') add_text(el, t, "\n", 1, at);
        return true;
    }
    add_text(el, t, p->s + p->i, 1, at);
    advance(p, 1);
    return true;
}

static bool content(xml_parser *p, xml_node *el, int depth)
{
    strbuf *t = &p->text[depth];
    t->len = 0;
    xml_node **kids = &el->children;
    while (!p->failed) {
        int c = peek(p);
        if (c < 0) {
            diag *d = fail(p, here(p), "unexpected end of file: <%s> is not closed", el->name);
            if (d) diag_add_note(p->diags, d, el->at, "<%s> opened here", el->name);
        } else if (looking_at(p, "</")) {
            if (!end_tag(p, el)) break;
            el->text = arena_strndup(p->mem, t->data ? t->data : "", t->len);
            return true;
        } else if (c == '<') {
            markup(p, el, t, &kids, depth);
        } else if (c == '&') {
            loc at = here(p);
            size_t before = t->len;
            if (entity(p, t) && t->data) mark_text(el, t->data + before, t->len - before, at);
        } else {
            chars(p, el, t);
        }
    }
    return false;
}

/* At '<' followed by a name. */
static xml_node *element(xml_parser *p, int depth)
{
    loc lt = here(p);
    if (depth >= XML_MAX_DEPTH) {
        fail(p, lt, "elements nested too deep (limit is %d)", XML_MAX_DEPTH);
        return NULL;
    }
    advance(p, 1);
    xml_node *el = arena_alloc(p->mem, sizeof *el);
    if (!(el->name = name(p, &el->at, "an element name after '<'"))) return NULL;
    bool empty;
    if (!attributes(p, el, &empty)) return NULL;
    if (empty) {
        el->text = "";
        return el;
    }
    return content(p, el, depth) ? el : NULL;
}

/* ---- the document ---- */

static const xml_attr *decl_attr(const xml_node *decl, const char *n)
{
    return xml_attr_find(decl, n);
}

static bool ascii_iequal(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a >= 'A' && *a <= 'Z' ? (char)(*a + 32) : *a;
        char y = *b >= 'A' && *b <= 'Z' ? (char)(*b + 32) : *b;
        if (x != y) return false;
    }
    return *a == *b;
}

/* <?xml version="1.x" encoding="UTF-8" standalone="yes|no"?> */
static bool xml_decl(xml_parser *p)
{
    xml_node decl = {0};
    decl.name = "?xml";
    decl.at = here(p);
    advance(p, 5);
    xml_attr **tail = &decl.attrs;
    while (skip_space(p) && name_start(peek(p))) {
        const xml_attr *a = attribute(p, &decl, &tail);
        if (!a) return false;
        if (strcmp(a->name, "version") != 0 && strcmp(a->name, "encoding") != 0 &&
            strcmp(a->name, "standalone") != 0) {
            fail(p, a->name_at, "unknown '%s' in the XML declaration", a->name);
            return false;
        }
    }
    if (!looking_at(p, "?>")) {
        fail(p, here(p), "expected '?>' to end the XML declaration");
        return false;
    }
    advance(p, 2);
    const xml_attr *v = decl_attr(&decl, "version"), *e = decl_attr(&decl, "encoding");
    if (!v || strncmp(v->value, "1.", 2) != 0) {
        fail(p, v ? v->value_at : decl.at, "the XML declaration needs version=\"1.0\"");
        return false;
    }
    if (e && !ascii_iequal(e->value, "utf-8") && !ascii_iequal(e->value, "us-ascii")) {
        fail(p, e->value_at, "encoding '%s' is not supported: only UTF-8", e->value);
        return false;
    }
    return true;
}

static bool document(xml_parser *p, xml_node **root)
{
    if (looking_at(p, "\xef\xbb\xbf")) advance(p, 3);   /* byte order mark */
    if (looking_at(p, "<?xml") && p->i + 5 < p->n && is_space(p->s[p->i + 5]) && !xml_decl(p))
        return false;
    if (!misc(p)) return false;
    if (peek(p) != '<' || !name_start(p->i + 1 < p->n ? (unsigned char)p->s[p->i + 1] : 0)) {
        fail(p, here(p), peek(p) < 0 ? "no root element: the file holds no XML element"
                                     : "expected the root element");
        return false;
    }
    if (!(*root = element(p, 0))) return false;
    if (!misc(p)) return false;
    if (peek(p) >= 0) {
        fail(p, here(p), "content after the root element <%s>", (*root)->name);
        return false;
    }
    return true;
}

xml_node *xml_parse(arena *mem, diag_sink *diags, const source *src)
{
    xml_parser p = {0};
    p.mem = mem;
    p.diags = diags;
    p.src = src;
    p.s = src->text;
    p.n = src->len;
    xml_node *root = NULL;
    bool ok = check_chars(&p) && document(&p, &root);
    for (int k = 0; k < XML_MAX_DEPTH; k++) {
        if (p.text[k].failed && ok) {
            fputs("berth: out of memory\n", stderr);
            ok = false;
        }
        sb_free(&p.text[k]);
    }
    return ok ? root : NULL;
}

const xml_attr *xml_attr_find(const xml_node *n, const char *name)
{
    for (const xml_attr *a = n->attrs; a; a = a->next)
        if (strcmp(a->name, name) == 0) return a;
    return NULL;
}
