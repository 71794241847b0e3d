/* test_smoke.c: the pipeline runs on a minimal policy and on an error. */
#include "unit.h"

static void minimal_policy_has_one_row(void **state)
{
    (void)state;
    pipeline p;
    unit_run(&p, "system s { role a; role b; service x { tcp 80 a -> b; } }");
    assert_int_equal(p.diags.count, 0);
    assert_int_equal(p.m.nrows, 1);
    assert_int_equal(p.m.rows[0].lo, 80);
    unit_free(&p);
}

static void port_65536_is_an_error(void **state)
{
    (void)state;
    pipeline p;
    unit_run(&p, "system s { role a; service x { udp 16000-65536 a -> a; } }");
    int i = unit_find(&p, CK_PORT_RANGE);
    assert_true(i >= 0);
    assert_int_equal(loc_col(p.diags.items[i]->where), 42);
    unit_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(minimal_policy_has_one_row),
        cmocka_unit_test(port_65536_is_an_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
