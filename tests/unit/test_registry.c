/* test_registry.c: the compiled-in registries (registry.h). The port table
 * built from libwireshark-data with every erratum of the research note
 * (merged protocols, their order, ranges, one name on several ports, one
 * port named per protocol, odd names), the lookups by name and by port,
 * the protocol words, the multicast protocols and the block tables. */
#include "unit.h"
#include <strings.h>
#include "registry.h"

static const registry_port *one(const char *name)
{
    const registry_port *e;
    size_t n = registry_by_name(name, &e);
    assert_int_equal(n, 1);
    return e;
}

static void table_is_sorted_and_complete(void **state)
{
    (void)state;
    /* 6,221 entries in 4.0.17; any copy has thousands */
    assert_true(registry_nports > 5000);
    assert_true(registry_nport_index >= registry_nports);
    for (size_t i = 1; i < registry_nports; i++) {
        int c = strcasecmp(registry_ports[i - 1].name, registry_ports[i].name);
        assert_true(c < 0 || (c == 0 && registry_ports[i - 1].lo < registry_ports[i].lo));
    }
    for (size_t i = 1; i < registry_nport_index; i++)
        assert_true(registry_port_index[i - 1].port < registry_port_index[i].port ||
                    (registry_port_index[i - 1].port == registry_port_index[i].port &&
                     registry_port_index[i - 1].entry < registry_port_index[i].entry));
    assert_non_null(strstr(registry_ports_source, "libwireshark-data "));
}

/* Errata 1 and 2: several protocols on one line, in any order. */
static void merged_protocols(void **state)
{
    (void)state;
    const registry_port *e = one("discard");
    assert_int_equal(e->lo, 9);
    assert_int_equal(e->protos, REG_TCP | REG_UDP | REG_SCTP | REG_DCCP);
    e = one("ipfixs");                    /* 4740/tcp/sctp/udp */
    assert_int_equal(e->protos, REG_TCP | REG_UDP | REG_SCTP);
    e = one("ptp-event");
    assert_int_equal(e->lo, 319);
    assert_int_equal(e->protos, REG_TCP | REG_UDP);
}

/* Erratum 4: ranges, found by every port inside. */
static void ranges(void **state)
{
    (void)state;
    const registry_port *e = one("x11");
    assert_int_equal(e->lo, 6000);
    assert_int_equal(e->hi, 6063);
    assert_ptr_equal(registry_by_port(REG_TCP, 6001), e);
    assert_ptr_equal(registry_by_port(REG_UDP, 6063), e);
    e = one("ircu");
    assert_ptr_equal(registry_by_port(REG_TCP, 6667), e);
    assert_null(registry_by_port(REG_UDP, 6667));
}

/* Erratum 5: one name, several ports (one run of the table). */
static void one_name_several_ports(void **state)
{
    (void)state;
    const registry_port *e;
    assert_int_equal(registry_by_name("http-alt", &e), 3);
    assert_int_equal(e[0].lo, 591);
    assert_int_equal(e[1].lo, 8008);
    assert_int_equal(e[2].lo, 8080);
    assert_int_equal(registry_by_name("compressnet", &e), 2);
    assert_int_equal(registry_by_name("no-such-service", &e), 0);
    assert_null(e);
    /* a prefix of a name is not the name */
    assert_int_equal(registry_by_name("http-al", &e), 0);
}

/* Erratum 6: one port, a name per protocol. */
static void one_port_names_per_protocol(void **state)
{
    (void)state;
    assert_string_equal(registry_by_port(REG_TCP, 113)->name, "ident");
    assert_string_equal(registry_by_port(REG_UDP, 113)->name, "auth");
    assert_string_equal(registry_by_port(REG_TCP, 520)->name, "efs");
    assert_string_equal(registry_by_port(REG_UDP, 520)->name, "router");
    assert_null(registry_by_port(REG_TCP, 65000));
}

/* Erratum 8: odd names, case-insensitive lookup. */
static void odd_names(void **state)
{
    (void)state;
    assert_int_equal(one("Escale-(Newton")->lo, 3679);
    assert_int_equal(one("escale-(newton")->lo, 3679);
    assert_string_equal(one("3com-nsd")->name, "3Com-nsd");
    assert_int_equal(one("9pfs")->lo, 564);
    assert_int_equal(one("edi_service")->lo, 34567);
    assert_int_equal(one("SYSLOG")->lo, 514);
}

static bool word(const char *w, bool in_name, registry_protocol *p)
{
    return registry_protocol_word(w, strlen(w), in_name, p);
}

static bool has_span(const registry_protocol *p, unsigned proto, unsigned port)
{
    for (int i = 0; i < p->nspans; i++)
        if ((p->spans[i].protos & proto) && port >= p->spans[i].lo && port <= p->spans[i].hi)
            return true;
    return false;
}

/* Aliases carry every registered port of their names, plus common use. */
static void protocol_words(void **state)
{
    (void)state;
    registry_protocol p;
    assert_true(word("Syslog", false, &p));
    assert_true(has_span(&p, REG_UDP, 514));
    assert_true(has_span(&p, REG_TCP, 601));
    assert_true(has_span(&p, REG_TCP, 6514));
    assert_true(has_span(&p, REG_TCP, 514));        /* common use, RFC 6587 */
    assert_false(has_span(&p, REG_UDP, 541));
    assert_true(word("http", true, &p));
    assert_true(has_span(&p, REG_TCP, 8008));        /* http-alt's second port */
    assert_true(word("PTP", false, &p));
    assert_true(has_span(&p, REG_UDP, 320));
    /* English words only capitalised, in descriptions */
    assert_false(word("radius", false, &p));
    assert_false(word("radius", true, &p));
    assert_true(word("RADIUS", false, &p));
    assert_true(word("Radius", false, &p));
    /* registry names only when they cannot be English */
    assert_true(word("ptp-event", false, &p));
    assert_true(word("pop3", false, &p));
    assert_false(word("time", false, &p));           /* time 37: a word */
    assert_false(word("echo", false, &p));
    assert_false(word("DNS-SD", false, &p));
    assert_true(registry_qualifier_word("Logging", 7));
    assert_false(registry_qualifier_word("traps", 5));
}

/* The alias table is sorted (binary search) and each alias has ports. */
static void every_alias_has_ports(void **state)
{
    (void)state;
    static const char *const words[] = {"AMQP", "DNS", "HTTPS", "mDNS", "NTP", "RTSP", "SIP",
                                        "SNMP", "SSDP", "SSH", "Syslog", "WS-Discovery", "XMPP"};
    registry_protocol p;
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        assert_true(word(words[i], false, &p));
        assert_true(p.nspans > 0);
    }
}

static void variants(void **state)
{
    (void)state;
    assert_true(registry_port_named_like(REG_TCP, 563, 563, "NNTP"));   /* nntps */
    assert_true(registry_port_named_like(REG_TCP, 60, 70, "tacacs"));   /* tacacs-ds 65 */
    assert_false(registry_port_named_like(REG_UDP, 541, 541, "Syslog"));
}

static const registry_mcast *mcast(const char *name)
{
    for (size_t i = 0; i < registry_nmcast; i++)
        if (strcmp(registry_mcast_table[i].name, name) == 0) return &registry_mcast_table[i];
    fail_msg("no multicast protocol %s", name);
    return NULL;
}

#define A(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

static void multicast_protocols(void **state)
{
    (void)state;
    assert_true(registry_mcast_has_group(mcast("mDNS"), A(224, 0, 0, 251)));
    assert_true(registry_mcast_has_group(mcast("PTP"), A(224, 0, 1, 131)));
    assert_true(registry_mcast_has_group(mcast("PTP"), A(224, 0, 0, 107)));
    assert_false(registry_mcast_has_group(mcast("PTP"), A(224, 0, 1, 133)));
    assert_true(registry_mcast_has_group(mcast("SAP"), A(239, 255, 255, 255)));
    assert_true(registry_mcast_has_group(mcast("SSDP"), A(239, 255, 255, 250)));
    assert_int_equal(mcast("VRRP")->ipproto, 112);
    for (size_t i = 1; i < registry_nmcast; i++)
        assert_true(strcasecmp(registry_mcast_table[i - 1].name, registry_mcast_table[i].name) < 0);
}

static void group_typos(void **state)
{
    (void)state;
    char near[REGISTRY_ADDR_TEXT];
    assert_string_equal(registry_group_typo(A(249, 255, 255, 250), near)->name, "SSDP");
    assert_string_equal(near, "239.255.255.250");
    assert_string_equal(registry_group_typo(A(224, 0, 0, 215), near)->name, "mDNS"); /* swap */
    assert_null(registry_group_typo(A(245, 1, 2, 3), near));
    /* a group is never its own typo: mDNS's nearest other is LLMNR's */
    assert_string_equal(registry_group_typo(A(224, 0, 0, 251), near)->name, "LLMNR");
}

/* The multicast blocks partition 224.0.0.0/4 in order, without gaps. */
static void multicast_blocks_partition(void **state)
{
    (void)state;
    uint32_t next = A(224, 0, 0, 0), lo, hi;
    for (size_t i = 0; i < registry_nmcast_blocks; i++) {
        assert_true(registry_block_v4(&registry_mcast_blocks[i], &lo, &hi));
        assert_int_equal(lo, next);
        assert_true(hi >= lo);
        assert_int_equal(registry_mcast_block4(lo), i);
        assert_int_equal(registry_mcast_block4(hi), i);
        next = hi + 1;
    }
    assert_int_equal(next, A(240, 0, 0, 0));
    const registry_block *b = &registry_mcast_blocks[registry_mcast_block4(A(224, 1, 0, 38))];
    assert_true(b->kind & BLK_RESERVED);
    b = &registry_mcast_blocks[registry_mcast_block4(A(234, 1, 1, 1))];
    assert_false(b->kind & BLK_RESERVED);                     /* RFC 6034 */
    b = &registry_mcast_blocks[registry_mcast_block4(A(239, 255, 1, 1))];
    assert_string_equal(b->name, "Local Scope");
    assert_string_equal(b->part_of, "Administratively Scoped Block");
}

static void special_blocks(void **state)
{
    (void)state;
    assert_int_equal(registry_special_block4(A(127, 0, 0, 1), A(127, 0, 0, 1))->kind, BLK_LOOPBACK);
    assert_int_equal(registry_special_block4(A(0, 0, 0, 0), A(0, 0, 0, 0))->kind, BLK_THIS_NETWORK);
    assert_int_equal(registry_special_block4(A(249, 1, 1, 1), A(249, 1, 1, 1))->kind, BLK_CLASS_E);
    assert_int_equal(registry_special_block4(0xffffffffu, 0xffffffffu)->kind, BLK_BROADCAST);
    assert_null(registry_special_block4(A(10, 0, 0, 1), A(10, 0, 0, 1)));
    assert_null(registry_special_block4(0, 0xffffffffu));   /* 0.0.0.0/0 is in no block */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(table_is_sorted_and_complete),
        cmocka_unit_test(merged_protocols),
        cmocka_unit_test(ranges),
        cmocka_unit_test(one_name_several_ports),
        cmocka_unit_test(one_port_names_per_protocol),
        cmocka_unit_test(odd_names),
        cmocka_unit_test(protocol_words),
        cmocka_unit_test(every_alias_has_ports),
        cmocka_unit_test(variants),
        cmocka_unit_test(multicast_protocols),
        cmocka_unit_test(group_typos),
        cmocka_unit_test(multicast_blocks_partition),
        cmocka_unit_test(special_blocks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
