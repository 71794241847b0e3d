/* test_gen_docs.c: `berth gen docs` on small policies: the files it makes,
 * a table row cell by cell, the site page, findings, escaping of a hostile
 * description in Markdown, HTML comments, DOT and SVG, byte-identical output
 * across runs, every host of a site in its subnet's box of the graph, and
 * the port maps: a lane per service, the ephemeral range, the findings. */
#include <stdlib.h>
#include "unit.h"
#include "check.h"
#include "gen.h"
#include "gen_docs.h"
#include "xml.h"

static const char *const room =
    "system av \"AV room\" {\n"
    "    zone lan \"Room LAN\";\n"
    "    zone wan \"Outside\";\n"
    "    role server \"Media server\" { os windows; }\n"
    "    role panel \"Touch panel\";\n"
    "    param ctl = 4352 \"control port\";\n"
    "    service control \"Projector control.\" {\n"
    "        tcp+udp $ctl, 9000-9020 server -> panel in lan, wan optional;\n"
    "    }\n"
    "    service osc \"OSC.\" { udp 10000 server <-> panel in lan; }\n"
    "    service mdns \"Discovery.\" { udp 5353 server -> group 224.0.0.251 in lan; }\n"
    "    service feed \"Feed.\" { udp from 8000-8010 server -> panel in lan; }\n"
    "}\n"
    "site room \"Room\" {\n"
    "    network av.lan 10.0.0.0/24;\n"
    "    set av.ctl = 4353;\n"
    "    host srv1 10.0.0.10 { runs av.server; }\n"
    "    host pan1 10.0.0.20 { runs av.panel; }\n"
    "    host spare 10.0.0.30 { os linux; }\n"
    "}\n";

/* A policy string literal holding a pipe, a quote, a C comment end, an HTML
 * tag, a shell expansion, a newline, a trigraph (spelled so that C leaves
 * it alone) and a backslash. */
#define HOSTILE "\"a | b \\\" */ <script> $(x) \\n ?\?= \\\\\""

static const char *const hostile =
    "system h " HOSTILE " {\n"
    "    zone z " HOSTILE ";\n"
    "    role a " HOSTILE ";\n"
    "    role b " HOSTILE ";\n"
    "    service s " HOSTILE " { tcp 80 a -> b in z; }\n"
    "    service t " HOSTILE " { tcp 80 a -> b in z; }\n"
    "    service u " HOSTILE " { udp 5000 a -> group 239.1.1.1 in z; }\n"
    "}\n"
    "site x " HOSTILE " {\n"
    "    network h.z 10.1.0.0/16;\n"
    "    host h1 10.1.0.1 { runs h.a; }\n"
    "    host h2 10.1.0.2 { runs h.b; }\n"
    "}\n"
    "allow redundant-flow because " HOSTILE ";\n";

typedef struct {
    pipeline p;
    gen_ctx g;
} docs_run;

static char default_input[] = "t.ports";
static char *inputs[] = {default_input};

/* Front end, checks, sorting, then gen_docs; unless errors_ok, the policy
 * must have no errors (berth refuses those; the port maps draw them). */
static docs_run *gen_run(const char *text, const char *site, char **in, bool errors_ok)
{
    docs_run *r = calloc(1, sizeof *r);
    assert_non_null(r);
    check_options o;
    check_options_default(&o);
    unit_run(&r->p, text);
    check_program(&r->p.m, &o);
    diag_finish(&r->p.diags);
    for (size_t i = 0; i < r->p.diags.count && !errors_ok; i++)
        if (diag_shown(r->p.diags.items[i]) == SEV_ERROR)
            fail_msg("error at %d:%d: %s", loc_line(r->p.diags.items[i]->where),
                     loc_col(r->p.diags.items[i]->where), r->p.diags.items[i]->message);
    r->g.m = &r->p.m;
    r->g.outdir = "unused";
    r->g.name = "t";
    r->g.site = site;
    r->g.inputs = in ? in : inputs;
    r->g.ninputs = 1;
    assert_int_equal(gen_docs(&r->g), 0);
    return r;
}

static docs_run *gen(const char *text, const char *site, char **in)
{
    return gen_run(text, site, in, false);
}

static void done(docs_run *r)
{
    gen_free(&r->g);
    unit_free(&r->p);
    free(r);
}

/* A file's text, or NULL when gen_docs did not make it. */
static const char *file(const docs_run *r, const char *name)
{
    for (size_t i = 0; i < r->g.nfiles; i++)
        if (strcmp(r->g.files[i]->name, name) == 0)
            return r->g.files[i]->text.data ? r->g.files[i]->text.data : "";
    return NULL;
}

static const char *need(const docs_run *r, const char *name)
{
    const char *s = file(r, name);
    if (!s) fail_msg("no output file '%s'", name);
    return s;
}

static void contains(const char *text, const char *want)
{
    if (!strstr(text, want)) fail_msg("missing:\n%s\nin:\n%s", want, text);
}

/* '|' (or '"') characters not escaped by an odd run of backslashes. */
static int unescaped(const char *s, size_t len, char c)
{
    int n = 0;
    for (size_t i = 0; i < len; i++) {
        size_t k = 0;
        while (k < i && s[i - 1 - k] == '\\') k++;
        n += s[i] == c && k % 2 == 0;
    }
    return n;
}

/* Every table row has as many cell separators as its header. Returns the
 * number of table lines. */
static int tables_intact(const char *md)
{
    int head = -1, lines = 0;
    for (const char *l = md; *l;) {
        const char *e = strchr(l, '\n');
        size_t len = e ? (size_t)(e - l) : strlen(l);
        if (len && l[0] == '|') {
            int n = unescaped(l, len, '|');
            if (head < 0) head = n;
            if (n != head) fail_msg("row has %d separators, header %d: %.*s", n, head, (int)len, l);
            lines++;
        } else {
            head = -1;
        }
        l += len + (e != NULL);
    }
    return lines;
}

static void quotes_balanced(const char *dot)
{
    for (const char *l = dot; *l;) {
        const char *e = strchr(l, '\n');
        size_t len = e ? (size_t)(e - l) : strlen(l);
        if (unescaped(l, len, '"') % 2) fail_msg("unbalanced quotes: %.*s", (int)len, l);
        l += len + (e != NULL);
    }
}

/* The root element of a port map, parsed by the strict XML reader. */
static const xml_node *svg_root(docs_run *r, const char *name)
{
    const char *svg = need(r, name);
    size_t len = strlen(svg);
    source *src = source_new(&r->p.mem, name, "", ".", arena_strndup(&r->p.mem, svg, len), len, 9);
    const xml_node *root = xml_parse(&r->p.mem, &r->p.diags, src);
    if (!root) fail_msg("%s is not well-formed XML:\n%s", name, svg);
    assert_string_equal(root->name, "svg");
    return root;
}

/* Elements whose class attribute holds word, anywhere under n. */
static int with_class(const xml_node *n, const char *word)
{
    const xml_attr *a = xml_attr_find(n, "class");
    size_t len = strlen(word);
    int k = 0;
    for (const char *c = a ? a->value : ""; (c = strstr(c, word)); c += len)
        if ((c == a->value || c[-1] == ' ') && (c[len] == ' ' || !c[len])) k++;
    for (const xml_node *x = n->children; x; x = x->next) k += with_class(x, word);
    return k;
}

/* ---- tests ---- */

static void makes_every_page(void **state)
{
    (void)state;
    docs_run *r = gen(room, NULL, NULL);
    need(r, "av.md");
    need(r, "site-room.md");
    need(r, "findings.md");
    need(r, "flows.dot");
    for (size_t i = 0; i < r->g.nfiles; i++) {
        const char *n = r->g.files[i]->name;
        bool map = strncmp(n, "site-room/", 10) == 0 && strstr(n, "-ports.svg");
        assert_true(strcmp(n, "flows.svg") == 0 || strstr(n, ".md") || strstr(n, ".dot") || map);
        assert_true(map || !strchr(n, '/'));
    }
    need(r, "site-room/srv1-ports.svg");
    need(r, "site-room/pan1-ports.svg");
    need(r, "site-room/spare-ports.svg");
    const char *svg = file(r, "flows.svg");      /* only where dot is installed */
    if (svg) assert_true(strncmp(svg, "<?xml", 5) == 0 && strstr(svg, "</svg>"));
    done(r);
}

static void system_page_has_vendor_rows(void **state)
{
    (void)state;
    docs_run *r = gen(room, NULL, NULL);
    const char *md = need(r, "av.md");
    const char *banner = "<!-- Code generated by berth from t.ports. DO NOT EDIT. -->\n\n# ";
    assert_true(strncmp(md, banner, strlen(banner)) == 0);
    contains(md, "\n# AV room\n");
    contains(md, "- `server`: Media server (Windows)\n");
    contains(md, "- `lan`: Room LAN\n");
    contains(md, "| Port | Protocol | Direction | Scope | Description | Source | Endpoint |\n");
    contains(md, "\n| 4352, 9000-9020 | TCP & UDP | To endpoint | Room LAN, Outside (Optional) | "
                 "Projector control. | Media server | Touch panel |\n");
    contains(md, "\n| 10000 | UDP | Both ways | Room LAN | OSC. | Media server | Touch panel |\n");
    contains(md, "\n| 8000-8010 | UDP | From source | Room LAN | Feed. | Media server | Touch panel |\n");
    contains(md, "| Ports | Multicast Address | Description | Source |\n");
    contains(md, "\n| 5353 | 224.0.0.251 | Discovery. | Media server |\n");
    contains(md, "| `ctl` | 4352 | control port |\n");
    assert_null(strstr(md, "| 5353 | UDP"));    /* a group flow is only in the multicast table */
    /* The system page shows defaults, not the site's 4353. */
    assert_null(strstr(md, "4353"));
    assert_int_equal(tables_intact(md), 3 + 5 + 3);   /* parameters, ports, multicast */
    done(r);
}

static void site_page_lists_hosts_and_ports(void **state)
{
    (void)state;
    docs_run *r = gen(room, NULL, NULL);
    const char *md = need(r, "site-room.md");
    tables_intact(md);
    contains(md, "\n| `srv1` | 10.0.0.10 | Windows | 49152-65535 | av.server |\n");
    contains(md, "\n| `spare` | 10.0.0.30 | Linux | 32768-60999 |  |\n");
    contains(md, "\n| `av.lan` | Room LAN | 10.0.0.0/24 |\n");
    contains(md, "\n| `av` | `ctl` | 4353 | 4352 |\n");
    contains(md, "### `pan1` (10.0.0.20)\n");
    contains(md, "\n| TCP & UDP | 4353, 9000-9020 | `av.control` | Projector control. | Media server |\n");
    contains(md, "\n| UDP | 10000 | `av.osc` | OSC. | Media server |\n");
    /* srv1 listens on the OSC ports too: `<->`. */
    contains(md, "\n| UDP | 10000 | `av.osc` | OSC. | Touch panel |\n");
    contains(md, "### `srv1` (10.0.0.10)\n\n![The ports srv1 binds](site-room/srv1-ports.svg)\n\n|");
    contains(md, "### `spare` (10.0.0.30)\n\n![The ports spare binds](site-room/spare-ports.svg)\n\n"
                 "Listens on no port of the policy.\n");
    done(r);
}

static void findings_are_listed(void **state)
{
    (void)state;
    docs_run *r = gen("system s { role a; service x { tcp 80 a -> a; } }\n", NULL, NULL);
    contains(need(r, "findings.md"), "\nNo findings.\n");
    done(r);
    /* The room's spare host runs no role. */
    r = gen(room, NULL, NULL);
    contains(need(r, "findings.md"), "0 errors, 1 warnings, 0 notes (0 waived).\n");
    contains(need(r, "findings.md"), "| warning | `idle-host` | t.ports:19:10 | host 'spare' runs no role");
    done(r);
    r = gen("system s { role a; service x { tcp 80 a -> a; } service y { tcp 80 a -> a; } }\n"
            "allow redundant-flow s.y because \"the vendor repeats it\";\n"
            "system q { role a; service x { tcp 81 a -> a; } service y { tcp 81 a -> a; } }\n",
            NULL, NULL);
    const char *md = need(r, "findings.md");
    tables_intact(md);
    contains(md, "0 errors, 1 warnings, 1 notes (1 waived).\n");
    contains(md, "| note | `redundant-flow` | t.ports:1:");
    contains(md, "| the vendor repeats it |\n");
    contains(md, "| warning | `redundant-flow` | t.ports:3:");
    done(r);
}

static void hostile_text_is_escaped(void **state)
{
    (void)state;
    static char bad_name[] = "x--><script>\n.ports";
    char *in[] = {bad_name};
    docs_run *r = gen(hostile, NULL, in);
    const char *pages[] = {"h.md", "site-x.md", "findings.md"};
    for (size_t i = 0; i < sizeof pages / sizeof *pages; i++) {
        const char *md = need(r, pages[i]);
        tables_intact(md);
        assert_null(strstr(strchr(md, '\n'), "<script>"));   /* line 1: inert in the comment */
        const char *end = strstr(md, "-->");       /* the banner closes once, on line 1 */
        assert_non_null(end);
        assert_true(end < strchr(md, '\n'));
        assert_null(strstr(end + 3, "-->"));
    }
    const char *md = need(r, "h.md");
    contains(md, "a \\| b \" */ &lt;script&gt; $(x) <br> ?\?= \\\\");
    /* One row per flow: nothing split a row. */
    assert_int_equal(tables_intact(md), 2 + 2 + 2 + 1);
    contains(need(r, "findings.md"), "&lt;script&gt;");
    const char *dot = need(r, "flows.dot");
    quotes_balanced(dot);
    contains(dot, "\"a | b \\\" */ <script> $(x) \\n ?\?= \\\\\"");
    assert_null(strchr(strchr(dot, '\n') + 1, '\r'));
    const char *svg = file(r, "flows.svg");
    if (svg) assert_null(strstr(strstr(svg, "DO NOT EDIT. -->"), "<script>"));
    done(r);
    r = gen(hostile, "x", in);
    quotes_balanced(need(r, "flows.dot"));
    tables_intact(need(r, "site-x.md"));
    svg_root(r, "site-x/h2-ports.svg");          /* well-formed, the banner one comment */
    svg = need(r, "site-x/h2-ports.svg");
    assert_null(strstr(strstr(svg, "DO NOT EDIT. -->"), "<script>"));
    contains(svg, ": a | b &quot; */ &lt;script&gt; $(x) &#10; ?\?= \\</title>");
    done(r);
}

static void output_is_deterministic(void **state)
{
    (void)state;
    const char *sites[] = {NULL, "room"};
    for (int s = 0; s < 2; s++) {
        docs_run *a = gen(room, sites[s], NULL), *b = gen(room, sites[s], NULL);
        assert_int_equal(a->g.nfiles, b->g.nfiles);
        for (size_t i = 0; i < a->g.nfiles; i++) {
            assert_string_equal(a->g.files[i]->name, b->g.files[i]->name);
            assert_int_equal(a->g.files[i]->text.len, b->g.files[i]->text.len);
            assert_memory_equal(a->g.files[i]->text.data, b->g.files[i]->text.data,
                                a->g.files[i]->text.len);
        }
        done(a);
        done(b);
    }
}

static void site_graph_shows_every_host(void **state)
{
    (void)state;
    docs_run *r = gen(room, "room", NULL);
    need(r, "av.md");                            /* system pages come with --site too */
    need(r, "site-room.md");
    const char *dot = need(r, "flows.dot");
    quotes_balanced(dot);
    /* One box per subnet, every host in it, spare too (no flows). */
    contains(dot, "  subgraph cluster_0 {\n    style=\"rounded,filled\"; color=\"#9fb3c8\"; "
                  "fillcolor=\"#f2f6fa\"; labeljust=l;\n    label=\"10.0.0.0/24\\lRoom LAN\\l\";\n"
                  "    n0 [label=\"srv1\\n10.0.0.10\", shape=box, ");
    contains(dot, "\n    n1 [label=\"pan1\\n10.0.0.20\", shape=box, ");
    contains(dot, "\n    n2 [label=\"spare\\n10.0.0.30\", shape=box, ");
    assert_null(strstr(dot, "cluster_1"));
    /* One edge per pair, service names sorted, no ports. */
    contains(dot, "  n0 -> n1 [label=\"av.control\\nav.feed\\nav.osc\"];\n");
    contains(dot, "  n1 -> n0 [label=\"av.osc\"];\n");
    contains(dot, "[label=\"224.0.0.251\", shape=ellipse");
    assert_null(strstr(dot, "4353"));
    const char *svg = file(r, "flows.svg");
    if (svg) {
        contains(svg, "srv1");
        contains(svg, "pan1");
        contains(svg, "spare");
    }
    done(r);
}

static void system_graph_has_roles_in_systems(void **state)
{
    (void)state;
    docs_run *r = gen(room, NULL, NULL);
    const char *dot = need(r, "flows.dot");
    quotes_balanced(dot);
    contains(dot, "// Code generated by berth from t.ports. DO NOT EDIT.\ndigraph flows {\n");
    contains(dot, "    label=\"AV room\\lav\\l\";\n"
                  "    n0 [label=\"Media server\", shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\"];\n"
                  "    n1 [label=\"Touch panel\", shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\"];\n  }\n");
    contains(dot, "n0 -> n1 [label=\"av.control\\nav.feed\\nav.osc\"];");
    assert_null(strstr(dot, "srv1"));
    done(r);
}

/* Two hosts on a /24 inside a /16, one outside both, a `<->` flow: each
 * host in the most specific box of its address, both directions one edge
 * with two heads, and "+N more" past four names. */
static void graph_boxes_and_edges(void **state)
{
    (void)state;
    docs_run *r = gen("system s { zone a; zone b; role x; role y;\n"
                      "  service p { tcp 1 x <-> y in a; } service q { tcp 2 x -> y in a; }\n"
                      "  service t { tcp 3 x -> y in a; } service u { tcp 4 x -> y in a; }\n"
                      "  service v { tcp 5 x -> y in a; } service w { tcp 6 x -> y in b; } }\n"
                      "site k { network s.a 10.1.2.0/24; network s.b 10.1.0.0/16;\n"
                      "  host h1 10.1.2.3 { runs s.x; } host h2 10.1.9.9 { runs s.y; }\n"
                      "  host h3 192.0.2.1 { runs s.x; } }\n",
                      "k", NULL);
    const char *dot = need(r, "flows.dot");
    contains(dot, "label=\"10.1.0.0/16\\ls.b\\l\";\n    n1 [label=\"h2\\n10.1.9.9\"");
    contains(dot, "label=\"10.1.2.0/24\\ls.a\\l\";\n    n0 [label=\"h1\\n10.1.2.3\"");
    contains(dot, "  }\n  n2 [label=\"h3\\n192.0.2.1\"");
    contains(dot, "  n0 -> n1 [label=\"s.p\\ns.q\\ns.t\\n+3 more\"];\n");
    contains(dot, "  n2 -> n1 [label=\"s.p\\ns.q\\ns.t\\n+3 more\"];\n");
    contains(dot, "  n1 -> n0 [label=\"s.p\"];\n");
    done(r);
    r = gen("system s { role x; role y; service p { tcp 1 x <-> y; } }\n"
            "site k { host h1 10.0.0.1 { runs s.x; } host h2 10.0.0.2 { runs s.y; } }\n", "k", NULL);
    contains(need(r, "flows.dot"), "  n0 -> n1 [label=\"s.p\", dir=both];\n");
    assert_null(strstr(need(r, "flows.dot"), "n1 -> n0"));
    done(r);
}

static void port_maps_draw_each_host(void **state)
{
    (void)state;
    docs_run *r = gen(room, "room", NULL);
    const char *srv = need(r, "site-room/srv1-ports.svg");
    assert_true(strncmp(srv, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                             "<!-- Code generated by berth from t.ports. DO NOT EDIT. -->\n<svg ", 100) == 0);
    const xml_node *root = svg_root(r, "site-room/srv1-ports.svg");
    /* The server: the feed's fixed source ports and OSC (`<->`). */
    assert_int_equal(with_class(root, "lane"), 2);
    assert_int_equal(with_class(root, "source"), 1);
    contains(srv, ">udp av.feed</text>");
    contains(srv, ">udp av.osc</text>");
    contains(srv, "<title>av.feed sends from udp 8000-8010: Feed.</title>");
    assert_int_equal(with_class(root, "ephemeral"), 1);      /* Windows: 49152-65535 */
    contains(srv, "<title>ephemeral range 49152-65535");
    /* The panel: control over tcp and udp apart, and OSC. */
    const char *pan = need(r, "site-room/pan1-ports.svg");
    root = svg_root(r, "site-room/pan1-ports.svg");
    assert_int_equal(with_class(root, "lane"), 3);
    assert_int_equal(with_class(root, "tcp"), 1);
    contains(pan, ">tcp av.control</text>");
    contains(pan, ">udp av.control</text>");
    contains(pan, "<title>av.control listens on tcp 4353: Projector control.</title>");
    assert_true(strstr(pan, ">tcp av.control<") < strstr(pan, ">udp av.control<"));
    assert_int_equal(with_class(root, "ephemeral"), 0);      /* no os: not known */
    contains(need(r, "site-room/spare-ports.svg"), ">binds no port of the policy</text>");
    done(r);
}

/* A port map shows each overlap the checks report in the finding's colour
 * with its check id; a waived one says so. */
static void port_map_shows_findings(void **state)
{
    (void)state;
    const char *text = "system s { role a; role b; role c; role d; service x { udp 5000-5010 a -> b; }\n"
                       "  service y { udp 5005 a -> c; } service z { tcp 5005 a -> d; } }\n"
                       "site k { host h1 10.0.0.1 { runs s.a; } host h2 10.0.0.2 { runs s.b, s.c, s.d; }\n"
                       "  allow cross-protocol on h2 because \"two sockets\"; }\n";
    docs_run *r = gen_run(text, "k", NULL, true);
    assert_int_equal(count_check(&r->p, CK_BIND_CONFLICT), 1);
    const char *svg = need(r, "site-k/h2-ports.svg");
    const xml_node *root = svg_root(r, "site-k/h2-ports.svg");
    assert_int_equal(with_class(root, "bind-conflict"), 1);
    assert_int_equal(with_class(root, "cross-protocol"), 2);   /* z against x, z against y */
    assert_int_equal(with_class(root, "waived"), 2);
    contains(svg, "fill=\"#b01e1e\">bind-conflict</text>");
    contains(svg, ">s.x and s.y: udp 5005</text>");
    contains(svg, ">cross-protocol (waived)</text>");
    assert_int_equal(with_class(svg_root(r, "site-k/h1-ports.svg"), "overlap"), 0);
    done(r);
}
static void site_option_selects_one_site(void **state)
{
    (void)state;
    const char *two = "system s { role a; service x { tcp 80 a -> a; } }\n"
                      "site one { host h1 10.0.0.1 { runs s.a; } }\n"
                      "site two { host h2 10.0.0.2 { runs s.a; } }\n";
    docs_run *r = gen(two, NULL, NULL);
    need(r, "site-one.md");
    need(r, "site-two.md");
    done(r);
    r = gen(two, "two", NULL);
    assert_null(file(r, "site-one.md"));
    need(r, "site-two.md");
    const char *dot = need(r, "flows.dot");
    contains(dot, "h2\\n10.0.0.2");
    assert_null(strstr(dot, "h1\\n"));
    done(r);
}

/* The bundled site checked without its waivers (as `berth check
 * --no-waivers` does; `gen` itself refuses a policy with errors): the
 * Archiver's host shows where Dante meets the Archiver, in red, with the
 * check id, and nothing on it says waived. */
static void port_map_of_the_archiver_without_waivers(void **state)
{
    (void)state;
    docs_run *r = calloc(1, sizeof *r);
    static char file_name[] = "tests/checks/example-site-nowaivers.ports";
    char *files[] = {file_name};
    loader ld;
    arena_init(&r->p.mem);
    diag_init(&r->p.diags, &r->p.mem);
    load_init(&ld, &r->p.mem, &r->p.diags);
    assert_true(load_files(&ld, files, 1, "."));
    model_init(&r->p.m, &r->p.mem, &r->p.diags, &ld.prog);
    resolve_program(&r->p.m);
    elab_program(&r->p.m);
    check_options o;
    check_options_default(&o);
    o.no_waivers = true;
    check_program(&r->p.m, &o);
    diag_finish(&r->p.diags);
    r->g = (gen_ctx){.m = &r->p.m, .ld = &ld, .outdir = "unused", .site = "example",
                     .inputs = files, .ninputs = 1};
    assert_int_equal(gen_docs(&r->g), 0);
    const xml_node *root = svg_root(r, "site-example/omni1-ports.svg");
    const char *svg = need(r, "site-example/omni1-ports.svg");
    assert_int_equal(with_class(root, "bind-conflict"), 3);  /* 16000, 47806, 47807 */
    assert_int_equal(with_class(root, "waived"), 0);
    contains(svg, "fill=\"#b01e1e\">bind-conflict</text>");
    contains(svg, ">dante.audio_control and omnicast.archiver_unicast: udp 16000</text>");
    contains(svg, ">udp dante.audio_control</text>");
    contains(svg, ">udp omnicast.archiver_unicast</text>");
    contains(svg, "class=\"ephemeral\"");
    done(r);
}

/* docs_xml: markup characters and line breaks as references, controls XML
 * cannot hold as spaces, invalid UTF-8 as U+FFFD, valid UTF-8 kept. */
static void xml_escaper(void **state)
{
    (void)state;
    strbuf b;
    sb_init(&b);
    docs_xml(&b, "a&<>\"'\t\n\r\x01\x1f \xc3\xa9 \xe6\x97\xa5 \xff \xc3 \xed\xa0\x80 \xef\xbf\xbe!");
    assert_string_equal(b.data, "a&amp;&lt;&gt;&quot;&apos;&#9;&#10;&#13;   \xc3\xa9 \xe6\x97\xa5 "
                                "\xef\xbf\xbd \xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd  !");
    sb_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(makes_every_page),
        cmocka_unit_test(system_page_has_vendor_rows),
        cmocka_unit_test(site_page_lists_hosts_and_ports),
        cmocka_unit_test(findings_are_listed),
        cmocka_unit_test(hostile_text_is_escaped),
        cmocka_unit_test(output_is_deterministic),
        cmocka_unit_test(site_graph_shows_every_host),
        cmocka_unit_test(system_graph_has_roles_in_systems),
        cmocka_unit_test(graph_boxes_and_edges),
        cmocka_unit_test(port_maps_draw_each_host),
        cmocka_unit_test(port_map_shows_findings),
        cmocka_unit_test(port_map_of_the_archiver_without_waivers),
        cmocka_unit_test(xml_escaper),
        cmocka_unit_test(site_option_selects_one_site),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
