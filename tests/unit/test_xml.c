/* test_xml.c: the strict XML reader of berth import (src/xml.c): the tree
 * it builds (attributes, text, entities, CDATA, line ends), and the first
 * error it reports with its line and column for each kind of bad input. */
#include "unit.h"
#include "xml.h"

typedef struct {
    arena mem;
    diag_sink diags;
    const xml_node *root;
} doc;

static void parse(doc *d, const char *text)
{
    arena_init(&d->mem);
    diag_init(&d->diags, &d->mem);
    size_t n = strlen(text);
    source *src = source_new(&d->mem, "t.xml", "", ".", arena_strndup(&d->mem, text, n), n, 0);
    d->root = xml_parse(&d->mem, &d->diags, src);
}

/* The input must fail with one error at line:col whose message holds part. */
static void expect_error(const char *text, int line, int col, const char *part)
{
    doc d;
    parse(&d, text);
    assert_null(d.root);
    assert_int_equal(d.diags.count, 1);
    const diag *e = d.diags.items[0];
    if (!strstr(e->message, part)) fail_msg("message '%s' lacks '%s'", e->message, part);
    assert_int_equal(e->sev, SEV_ERROR);
    assert_int_equal(loc_line(e->where), line);
    assert_int_equal(loc_col(e->where), col);
    arena_free(&d.mem);
}

static void tree(void **state)
{
    (void)state;
    doc d;
    parse(&d, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<!-- c -->\n<service version='1'>\n"
              "  <short>A &amp; B</short>\n  <port protocol=\"tcp\" port=\"22\"/>\n</service>\n");
    assert_non_null(d.root);
    assert_string_equal(d.root->name, "service");
    assert_string_equal(xml_attr_find(d.root, "version")->value, "1");
    const xml_node *s = d.root->children, *p = s->next;
    assert_string_equal(s->name, "short");
    assert_string_equal(s->text, "A & B");
    assert_true(s->has_text);
    assert_int_equal(loc_line(s->text_at), 4);
    assert_int_equal(loc_col(s->text_at), 10);
    assert_string_equal(p->name, "port");
    assert_null(p->next);
    const xml_attr *a = xml_attr_find(p, "port");
    assert_string_equal(a->value, "22");
    assert_int_equal(loc_line(a->value_at), 5);
    assert_int_equal(loc_col(a->value_at), 30);
    assert_false(d.root->has_text);
    assert_int_equal(d.diags.count, 0);
    arena_free(&d.mem);
}

static void text_forms(void **state)
{
    (void)state;
    doc d;
    parse(&d, "\xef\xbb\xbf<a b=\"x\ty&#10;z\">1&#65;&#x42;<![CDATA[<&>]]>\r\n\r2&apos;&quot;&lt;&gt;</a>");
    assert_non_null(d.root);
    assert_string_equal(d.root->text, "1AB<&>\n\n2'\"<>");
    assert_string_equal(xml_attr_find(d.root, "b")->value, "x y\nz");
    arena_free(&d.mem);
    parse(&d, "<a>caf\xc3\xa9 &#x1F600;</a>");
    assert_string_equal(d.root->text, "caf\xc3\xa9 \xf0\x9f\x98\x80");
    arena_free(&d.mem);
}

static void errors(void **state)
{
    (void)state;
    expect_error("<a>\n  <b>\n</a>\n", 3, 3, "</a> does not close <b>");
    expect_error("<a>\n", 2, 1, "<a> is not closed");
    expect_error("<!DOCTYPE a>\n<a/>", 1, 1, "DOCTYPE");
    expect_error("<?php x?>\n<a/>", 1, 1, "processing instructions");
    expect_error("<a>&nbsp;</a>", 1, 4, "unknown entity '&nbsp;'");
    expect_error("<a>&#0;</a>", 1, 4, "not an XML character");
    expect_error("<a>&#xD800;</a>", 1, 4, "not an XML character");
    expect_error("<a>x & y</a>", 1, 6, "'&' must start a reference");
    expect_error("<a b='1' b='2'/>", 1, 10, "given twice");
    expect_error("<a b='1'c='2'/>", 1, 9, "expected white space");
    expect_error("<a b=1/>", 1, 6, "quoted attribute value");
    expect_error("<a b='<'/>", 1, 7, "'<' in an attribute value");
    expect_error("<a>\n<!-- x -- y -->\n</a>", 2, 8, "'--' inside a comment");
    expect_error("<a>]]></a>", 1, 4, "']]>' outside a CDATA section");
    expect_error("<a/>\n<b/>", 2, 1, "content after the root element");
    expect_error("  \n", 2, 1, "no root element");
    expect_error("<a>\x01</a>", 1, 4, "U+0001");
    expect_error("<a>\xc3\x28</a>", 1, 4, "invalid UTF-8");
    expect_error("<a>\xed\xa0\x80</a>", 1, 4, "invalid UTF-8");
    expect_error("<?xml version=\"1.0\" encoding=\"latin1\"?><a/>", 1, 31, "encoding 'latin1'");
    expect_error("<?xml encoding=\"utf-8\"?><a/>", 1, 1, "version=");
    expect_error("<a><![CDATA[x</a>", 1, 4, "unterminated CDATA");
    expect_error("<a><!-- x</a>", 1, 4, "unterminated comment");
    expect_error("<1a/>", 1, 1, "expected the root element");
    expect_error("<a><1/></a>", 1, 5, "expected an element name");
}

static void attribute_limit(void **state)
{
    (void)state;
    char text[2048];
    for (int n = XML_MAX_ATTRS; n <= XML_MAX_ATTRS + 1; n++) {
        size_t w = (size_t)sprintf(text, "<a");
        for (int k = 0; k < n; k++) w += (size_t)sprintf(text + w, " a%d='%d'", k, k);
        sprintf(text + w, "/>");
        doc d;
        parse(&d, text);
        if (n == XML_MAX_ATTRS) assert_non_null(d.root);
        else assert_non_null(strstr(d.diags.items[0]->message, "too many attributes"));
        arena_free(&d.mem);
    }
}

static void depth_limit(void **state)
{
    (void)state;
    char text[2048];
    for (int depth = XML_MAX_DEPTH; depth <= XML_MAX_DEPTH + 1; depth++) {
        size_t w = 0;
        for (int k = 0; k < depth; k++) w += (size_t)sprintf(text + w, "<a>");
        for (int k = 0; k < depth; k++) w += (size_t)sprintf(text + w, "</a>");
        doc d;
        parse(&d, text);
        if (depth == XML_MAX_DEPTH) {
            assert_non_null(d.root);
        } else {
            assert_null(d.root);
            assert_non_null(strstr(d.diags.items[0]->message, "limit is 64"));
        }
        arena_free(&d.mem);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tree),
        cmocka_unit_test(text_forms),
        cmocka_unit_test(errors),
        cmocka_unit_test(attribute_limit),
        cmocka_unit_test(depth_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
