/* test_names.c: the name table and "did you mean" (names.h), and the
 * order diagnostics come out in after diag_finish (diag.h). */
#include <stdio.h>
#include <stdlib.h>
#include "unit.h"
#include "names.h"

static void distance_basics(void **state)
{
    (void)state;
    assert_int_equal(names_distance("", ""), 0);
    assert_int_equal(names_distance("tablet", "tablet"), 0);
    assert_int_equal(names_distance("abc", ""), 3);
    assert_int_equal(names_distance("", "abcd"), 4);
    assert_int_equal(names_distance("tablet", "tablets"), 1);     /* insertion */
    assert_int_equal(names_distance("tablet", "tablt"), 1);       /* deletion */
    assert_int_equal(names_distance("tablet", "tablat"), 1);      /* substitution */
    assert_int_equal(names_distance("kitten", "sitting"), 3);
    assert_int_equal(names_distance("flaw", "lawn"), 2);
}

static void distance_counts_transposition_as_one(void **state)
{
    (void)state;
    assert_int_equal(names_distance("tablet", "tabelt"), 1);
    assert_int_equal(names_distance("ca", "ac"), 1);
    assert_int_equal(names_distance("media_server", "meida_server"), 1);
    assert_int_equal(names_distance("abcd", "badc"), 2);          /* two swaps */
    assert_int_equal(names_distance("osc_port", "osc_prot"), 1);
}

static void distance_is_symmetric(void **state)
{
    (void)state;
    static const char *const w[] = {"", "a", "igloo", "iglo", "ogloo", "gateway", "gatewya",
                                    "multicast_start", "mutlicast_strat"};
    size_t n = sizeof w / sizeof w[0];
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            assert_int_equal(names_distance(w[i], w[j]), names_distance(w[j], w[i]));
}

static void distance_of_long_names_is_maximal(void **state)
{
    (void)state;
    char a[80], b[80];
    memset(a, 'x', 65);
    a[65] = '\0';
    memset(b, 'x', 64);
    b[64] = '\0';
    assert_int_equal(names_distance(a, a), (size_t)-1);
    assert_int_equal(names_distance(a, "x"), (size_t)-1);
    assert_int_equal(names_distance(b, b), 0);                    /* 64 is still measured */
    b[63] = 'y';
    a[64] = '\0';
    assert_int_equal(names_distance(a, b), 1);
}

static void table_put_and_get(void **state)
{
    (void)state;
    arena mem;
    arena_init(&mem);
    names t;
    names_init(&t);
    int one = 1, two = 2;
    assert_null(names_get(&t, "a"));                              /* empty table */
    assert_null(names_put(&mem, &t, "a", &one));
    assert_ptr_equal(names_get(&t, "a"), &one);
    /* a second put keeps the first value and returns it */
    assert_ptr_equal(names_put(&mem, &t, "a", &two), &one);
    assert_ptr_equal(names_get(&t, "a"), &one);
    assert_int_equal(t.count, 1);
    assert_null(names_get(&t, "b"));
    arena_free(&mem);
}

static void table_grows(void **state)
{
    (void)state;
    arena mem;
    arena_init(&mem);
    names t;
    names_init(&t);
    static char keys[500][16];
    static int vals[500];
    for (int i = 0; i < 500; i++) {
        snprintf(keys[i], sizeof keys[i], "k%d", i);
        vals[i] = i;
        assert_null(names_put(&mem, &t, keys[i], &vals[i]));
    }
    assert_int_equal(t.count, 500);
    assert_true(t.cap >= 1000);
    for (int i = 0; i < 500; i++) {
        char k[16];
        snprintf(k, sizeof k, "k%d", i);             /* a different pointer, same text */
        int *v = names_get(&t, k);
        assert_non_null(v);
        assert_int_equal(*v, i);
        assert_string_equal(t.order[i], keys[i]);
    }
    assert_null(names_get(&t, "k500"));
    arena_free(&mem);
}

static names *table_of(arena *mem, const char *const *keys)
{
    names *t = arena_alloc(mem, sizeof *t);
    names_init(t);
    for (; *keys; keys++) names_put(mem, t, *keys, (void *)*keys);
    return t;
}

static void suggest_close_names(void **state)
{
    (void)state;
    arena mem;
    arena_init(&mem);
    static const char *const k[] = {"media_server", "tablet", "projector", "igloo_net", NULL};
    names *t = table_of(&mem, k);
    assert_string_equal(names_suggest(t, "tablett"), "tablet");
    assert_string_equal(names_suggest(t, "tabelt"), "tablet");
    assert_string_equal(names_suggest(t, "media_sever"), "media_server");
    assert_string_equal(names_suggest(t, "projectr"), "projector");
    assert_string_equal(names_suggest(t, "igloo_nett"), "igloo_net");
    arena_free(&mem);
}

static void suggest_nothing_when_too_far(void **state)
{
    (void)state;
    arena mem;
    arena_init(&mem);
    static const char *const k[] = {"media_server", "tablet", NULL};
    names *t = table_of(&mem, k);
    assert_null(names_suggest(t, "projector"));
    assert_null(names_suggest(t, "x"));
    assert_null(names_suggest(t, "dante"));
    names empty;
    names_init(&empty);
    assert_null(names_suggest(&empty, "tablet"));
    arena_free(&mem);
}

static void suggest_threshold_grows_with_length(void **state)
{
    (void)state;
    arena mem;
    arena_init(&mem);
    /* the limit is len/3 + 1 edits */
    static const char *const k[] = {"ab", "abcdef", NULL};
    names *t = table_of(&mem, k);
    assert_string_equal(names_suggest(t, "xb"), "ab");            /* 2 chars: 1 edit */
    assert_null(names_suggest(t, "xy"));                          /* 2 edits: too many */
    assert_string_equal(names_suggest(t, "abcxyz"), "abcdef");    /* 6 chars: 3 edits */
    assert_null(names_suggest(t, "abwxyz"));                      /* 4 edits */
    static const char *const k9[] = {"abcdefghi", NULL};
    t = table_of(&mem, k9);
    assert_string_equal(names_suggest(t, "abcdewxyz"), "abcdefghi"); /* 9 chars: 4 edits */
    assert_null(names_suggest(t, "abcdvwxyz"));                   /* 5 edits */
    arena_free(&mem);
}

static void suggest_prefers_closest_then_first_declared(void **state)
{
    (void)state;
    arena mem;
    arena_init(&mem);
    static const char *const k[] = {"port_b", "port_a", "port_abc", NULL};
    names *t = table_of(&mem, k);
    assert_string_equal(names_suggest(t, "port_ab"), "port_b");   /* ties: first inserted */
    assert_string_equal(names_suggest(t, "port_abd"), "port_abc");/* closest wins */
    assert_string_equal(names_suggest(t, "port_a"), "port_a");    /* exact */
    arena_free(&mem);
}

/* ---- diagnostic order ---- */

static loc at(const source *src, int line, int col)
{
    return loc_at(src, line, col, line, col);
}

static void diagnostics_sorted_by_position(void **state)
{
    (void)state;
    arena mem;
    arena_init(&mem);
    diag_sink s;
    diag_init(&s, &mem);
    const char *text = "a23456789\nb\nc\nd\n";   /* every position below is in it */
    source *src = source_new(&mem, "t.ports", "", ".", text, strlen(text), 0);
    diag_report(&s, SEV_ERROR, CK_SYNTAX, at(src, 3, 1), "third");
    diag_report(&s, SEV_WARNING, CK_UNUSED_WAIVER, at(src, 1, 9), "second");
    diag_report(&s, SEV_ERROR, CK_TYPE, at(src, 4, 2), "fifth");
    diag_report(&s, SEV_ERROR, CK_TYPE, at(src, 1, 2), "first");
    diag_report(&s, SEV_NOTE, CK_TYPE, at(src, 4, 1), "fourth");
    diag_finish(&s);
    assert_int_equal(s.count, 5);
    static const char *const want[] = {"first", "second", "third", "fourth", "fifth"};
    for (size_t i = 0; i < 5; i++) assert_string_equal(s.items[i]->message, want[i]);
    assert_int_equal(diag_count(&s, SEV_ERROR), 3);
    assert_int_equal(diag_count(&s, SEV_WARNING), 1);
    assert_int_equal(diag_count(&s, SEV_NOTE), 1);
    arena_free(&mem);
}

static void same_position_keeps_report_order(void **state)
{
    (void)state;
    arena mem;
    arena_init(&mem);
    diag_sink s;
    diag_init(&s, &mem);
    const char *text = "abc\n";
    source *src = source_new(&mem, "t.ports", "", ".", text, 4, 0);
    static const char *const msg[] = {"m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7"};
    for (int i = 0; i < 8; i++) diag_report(&s, SEV_ERROR, CK_TYPE, at(src, 1, 2), "%s", msg[i]);
    diag_finish(&s);
    assert_int_equal(s.count, 8);
    for (int i = 0; i < 8; i++) assert_string_equal(s.items[i]->message, msg[i]);
    arena_free(&mem);
}

static void exact_repeats_are_dropped(void **state)
{
    (void)state;
    arena mem;
    arena_init(&mem);
    diag_sink s;
    diag_init(&s, &mem);
    const char *text = "abc\nxyz\n";
    source *src = source_new(&mem, "t.ports", "", ".", text, strlen(text), 0);
    diag_report(&s, SEV_ERROR, CK_PORT_RANGE, at(src, 2, 1), "port 0");
    diag_report(&s, SEV_ERROR, CK_PORT_RANGE, at(src, 1, 1), "port 1");
    diag_report(&s, SEV_ERROR, CK_PORT_RANGE, at(src, 2, 1), "port 0");   /* repeat */
    diag_report(&s, SEV_ERROR, CK_TYPE, at(src, 2, 1), "port 0");         /* other check */
    diag_report(&s, SEV_ERROR, CK_PORT_RANGE, at(src, 2, 1), "port 00");  /* other text */
    diag_report(&s, SEV_ERROR, CK_PORT_RANGE, at(src, 2, 2), "port 0");   /* other place */
    diag_finish(&s);
    assert_int_equal(s.count, 5);
    /* At one place: by check, then by message. */
    assert_string_equal(s.items[0]->message, "port 1");
    assert_int_equal(s.items[1]->check, CK_TYPE);
    assert_string_equal(s.items[1]->message, "port 0");
    assert_int_equal(s.items[2]->check, CK_PORT_RANGE);
    assert_string_equal(s.items[2]->message, "port 0");
    assert_int_equal(s.items[3]->check, CK_PORT_RANGE);
    assert_string_equal(s.items[3]->message, "port 00");
    assert_int_equal(loc_col(s.items[4]->where), 2);
    /* finishing twice changes nothing */
    diag_finish(&s);
    assert_int_equal(s.count, 5);
    arena_free(&mem);
}

/* Repeats are dropped even when another diagnostic at the same place sorts between them. */
static void interleaved_repeats_are_dropped(void **state)
{
    (void)state;
    arena mem;
    arena_init(&mem);
    diag_sink s;
    diag_init(&s, &mem);
    const char *text = "abc\n";
    source *src = source_new(&mem, "t.ports", "", ".", text, 4, 0);
    diag_report(&s, SEV_ERROR, CK_TYPE, at(src, 1, 1), "A");
    diag_report(&s, SEV_ERROR, CK_TYPE, at(src, 1, 1), "B");
    diag_report(&s, SEV_ERROR, CK_TYPE, at(src, 1, 1), "A");
    diag_report(&s, SEV_ERROR, CK_TYPE, at(src, 1, 1), "B");
    diag_finish(&s);
    assert_int_equal(s.count, 2);
    assert_string_equal(s.items[0]->message, "A");
    assert_string_equal(s.items[1]->message, "B");
    arena_free(&mem);
}

static void files_sort_by_load_order(void **state)
{
    (void)state;
    arena mem;
    arena_init(&mem);
    diag_sink s;
    diag_init(&s, &mem);
    const char *text = "x\n";
    source *first = source_new(&mem, "z.ports", "", ".", text, 2, 0);
    source *second = source_new(&mem, "a.ports", "", ".", text, 2, 1);
    diag_report(&s, SEV_ERROR, CK_TYPE, at(second, 1, 1), "second file");
    diag_report(&s, SEV_ERROR, CK_TYPE, at(first, 9, 9), "first file");
    diag_report(&s, SEV_ERROR, CK_IMPORT, (loc){0}, "no place");
    diag_finish(&s);
    assert_int_equal(s.count, 3);
    assert_string_equal(s.items[0]->message, "no place");
    assert_string_equal(s.items[1]->message, "first file");
    assert_string_equal(s.items[2]->message, "second file");
    arena_free(&mem);
}

static void pipeline_output_is_sorted_and_deduplicated(void **state)
{
    (void)state;
    /* The same bad port in four instances is one diagnostic, and the
     * resolver's errors, reported before elaboration's, sort by place. */
    pipeline p;
    unit_run(&p, "system s { role a; service x { tcp 0 a -> nope; } }\n"
                 "site k { instance b of s; instance c of s; }\n"
                 "site k2 { host h 10.0.0.1 { runs s.zz; } }");
    assert_int_equal(p.m.ninstances, 4);
    assert_int_equal(p.diags.count, 3);
    assert_int_equal(p.diags.items[0]->check, CK_PORT_RANGE);
    assert_int_equal(loc_col(p.diags.items[0]->where), 36);
    assert_int_equal(p.diags.items[1]->check, CK_UNKNOWN_NAME);
    assert_int_equal(loc_col(p.diags.items[1]->where), 43);
    assert_int_equal(p.diags.items[2]->check, CK_UNKNOWN_NAME);
    assert_int_equal(loc_line(p.diags.items[2]->where), 3);
    unit_free(&p);

    unit_run(&p, "system s { role a; service x { tcp 0 a -> a; } }\n"
                 "site k { instance b of s; instance c of s; }");
    assert_int_equal(p.diags.count, 1);
    assert_int_equal(p.diags.items[0]->check, CK_PORT_RANGE);
    assert_int_equal(loc_col(p.diags.items[0]->where), 36);
    unit_free(&p);
}

static void notes_stay_with_their_diagnostic(void **state)
{
    (void)state;
    arena mem;
    arena_init(&mem);
    diag_sink s;
    diag_init(&s, &mem);
    const char *text = "a\nb\n";
    source *src = source_new(&mem, "t.ports", "", ".", text, 4, 0);
    diag *late = diag_report(&s, SEV_ERROR, CK_DUPLICATE_NAME, at(src, 2, 1), "late");
    diag_add_note(&s, late, at(src, 1, 1), "first here");
    diag_add_note(&s, late, (loc){0}, "no place");
    diag_report(&s, SEV_ERROR, CK_TYPE, at(src, 1, 1), "early");
    diag_finish(&s);
    assert_string_equal(s.items[0]->message, "early");
    assert_null(s.items[0]->notes);
    assert_ptr_equal(s.items[1], late);
    assert_string_equal(late->notes->message, "first here");
    assert_string_equal(late->notes->next->message, "no place");
    assert_null(late->notes->next->next);
    arena_free(&mem);
}

static void text_output_has_position_check_and_caret(void **state)
{
    (void)state;
    arena mem;
    arena_init(&mem);
    diag_sink s;
    diag_init(&s, &mem);
    const char *text = "system s {\n  tcp 65536 a -> a;\n}\n";
    source *src = source_new(&mem, "t.ports", "", ".", text, strlen(text), 0);
    diag *d = diag_report(&s, SEV_ERROR, CK_PORT_RANGE, loc_at(src, 2, 7, 2, 11), "bad port");
    diag_add_note(&s, d, loc_at(src, 1, 8, 1, 8), "in here");
    diag_finish(&s);
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_non_null(out);
    diag_print_text(&s, out);
    fclose(out);
    assert_string_equal(buf, "t.ports:2:7: error: bad port [port-range]\n"
                             "  tcp 65536 a -> a;\n"
                             "      ^~~~~\n"
                             "t.ports:1:8: note: in here\n"
                             "system s {\n"
                             "       ^\n");
    free(buf);
    arena_free(&mem);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(distance_basics),
        cmocka_unit_test(distance_counts_transposition_as_one),
        cmocka_unit_test(distance_is_symmetric),
        cmocka_unit_test(distance_of_long_names_is_maximal),
        cmocka_unit_test(table_put_and_get),
        cmocka_unit_test(table_grows),
        cmocka_unit_test(suggest_close_names),
        cmocka_unit_test(suggest_nothing_when_too_far),
        cmocka_unit_test(suggest_threshold_grows_with_length),
        cmocka_unit_test(suggest_prefers_closest_then_first_declared),
        cmocka_unit_test(diagnostics_sorted_by_position),
        cmocka_unit_test(same_position_keeps_report_order),
        cmocka_unit_test(exact_repeats_are_dropped),
        cmocka_unit_test(interleaved_repeats_are_dropped),
        cmocka_unit_test(files_sort_by_load_order),
        cmocka_unit_test(pipeline_output_is_sorted_and_deduplicated),
        cmocka_unit_test(notes_stay_with_their_diagnostic),
        cmocka_unit_test(text_output_has_position_check_and_caret),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
