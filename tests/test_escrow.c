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

/* An app whose params are the defaults but with min deposit `min` (uakt). */
static void init_low_min(fx *f, ak_amount min)
{
    fx_init(f);
    ak_params p = *ak_app_params(f->app);
    p.deployment.min_deposits[0].amount = min;
    char why[200];
    ck_assert_msg(ak_app_set_params(f->app, &p, why, sizeof why) == 0, "%s", why);
}

/* E3 (Test_Overdraft): deposit 1000 at rate 10, withdraw after 105 blocks: owed 1050, paid
 * 1000 (provider 980, pool 20), debt 50; then a deposit of 1000 repays it (pool +1, provider
 * +49) and refunds 950; account and payment end closed. */
START_TEST(e3_overdraw_and_repay)
{
    fx f;
    init_low_min(&f, 1000);
    fx_at(&f, 10);
    ak_msg m = fx_deploy(&f, f.alice, 10, 1000, "10");
    fx_ok(&f, &m);
    ak_bid_id id = fx_bid_id(f.alice, 10, 1, 1, f.prov1);
    fx_bid_and_lease(&f, id, "10");
    ak_amount prov0 = fx_balance(&f, f.prov1);
    fx_at(&f, 115);
    m = fx_lease_msg(AK_MSG_WITHDRAW_LEASE, id);
    fx_ok(&f, &m); /* the withdraw succeeds and runs the overdraw cascade */
    /* the bid deposit (500000) comes back with the cascade */
    ck_assert_int_eq(fx_balance(&f, f.prov1) - prov0, 980 + 500000);
    ck_assert_int_eq(fx_pool(&f), 20);
    const ak_escrow_account *a = fx_account(&f, f.alice, 10);
    ck_assert_uint_eq(a->state, AK_ESCROW_OVERDRAWN);
    ck_assert_int_eq(fx_dec_int(a->funds), -50);
    ck_assert_int_eq(a->settled_at, 115);
    const ak_escrow_payment *p = fx_payment(&f, id);
    ck_assert_uint_eq(p->state, AK_ESCROW_OVERDRAWN);
    ck_assert_int_eq(fx_dec_int(p->unsettled), 50);
    const ak_bid *b = ak_app_find_bid(f.app, id);
    ck_assert_uint_eq(b->lease_state, AK_LEASE_INSUFFICIENT_FUNDS);
    ck_assert_uint_eq(b->lease_reason, AK_REASON_INSUFFICIENT_FUNDS);
    ck_assert_int_eq(b->lease_closed_on, 115);
    const ak_group *g = ak_app_find_group(f.app, (ak_group_id){f.alice, 10, 1});
    ck_assert_uint_eq(g->state, AK_GROUP_INSUFFICIENT_FUNDS);
    ck_assert_uint_eq(ak_app_find_deployment(f.app, (ak_deployment_id){f.alice, 10})->state,
                      AK_DEPLOYMENT_CLOSED);
    /* a withdraw on the overdrawn payment is refused as "payment closed" */
    fx_fails(&f, &m, AK_EPAYMENT_CLOSED);

    fx_at(&f, 120);
    ak_amount alice0 = fx_balance(&f, f.alice);
    m = fx_account_deposit(&f, f.alice, f.alice, 10, 1000);
    fx_ok(&f, &m);
    ck_assert_int_eq(fx_pool(&f), 21);
    ck_assert_int_eq(fx_balance(&f, f.prov1) - prov0, 980 + 500000 + 49);
    ck_assert_int_eq(fx_balance(&f, f.alice) - alice0, -1000 + 950);
    a = fx_account(&f, f.alice, 10);
    ck_assert_uint_eq(a->state, AK_ESCROW_CLOSED);
    ck_assert_uint_eq(fx_payment(&f, id)->state, AK_ESCROW_CLOSED);
    ck_assert_int_eq(fx_module(&f, AK_MODULE_ESCROW), 0);
    /* a closed account takes no more deposits */
    fx_fails(&f, &m, AK_EACCOUNT_CLOSED);
    fx_fini(&f);
}
END_TEST

/* E4: deposit 100, two payments of 10/block, 6 blocks: the first payment in store order gets
 * 60, the second 40 plus a debt of 20; funds -20; both overdrawn and withdrawn. */
START_TEST(e4_sequential_shortfall)
{
    fx f;
    init_low_min(&f, 100);
    fx_at(&f, 10);
    ak_msg m = fx_deploy2(&f, f.alice, 10, 100, "10");
    fx_ok(&f, &m);
    ak_bid_id l1 = fx_bid_id(f.alice, 10, 1, 1, f.prov2), l2 = fx_bid_id(f.alice, 10, 2, 1, f.prov1);
    fx_bid_and_lease(&f, l1, "10");
    fx_bid_and_lease(&f, l2, "10");
    fx_at(&f, 16);
    m = fx_lease_msg(AK_MSG_WITHDRAW_LEASE, l2);
    fx_ok(&f, &m);
    const ak_escrow_payment *p1 = fx_payment(&f, l1), *p2 = fx_payment(&f, l2);
    /* "1/1/prov2" sorts before "2/1/prov1": payment 1 is paid in full */
    ck_assert_int_eq(p1->withdrawn, 60);
    ck_assert_int_eq(p2->withdrawn, 40);
    ck_assert_int_eq(fx_dec_int(p1->unsettled), 0);
    ck_assert_int_eq(fx_dec_int(p2->unsettled), 20);
    ck_assert_uint_eq(p1->state, AK_ESCROW_OVERDRAWN);
    ck_assert_uint_eq(p2->state, AK_ESCROW_OVERDRAWN);
    ck_assert_int_eq(fx_dec_int(fx_account(&f, f.alice, 10)->funds), -20);
    /* take 2 %: floor(60 x 0.02) + floor(40 x 0.02) */
    ck_assert_int_eq(fx_pool(&f), 1 + 0);
    fx_fini(&f);
}
END_TEST

/* Store order is bytewise on the decimal xid: gseq 10 is paid before gseq 2. */
START_TEST(store_order_is_decimal_string_order)
{
    fx f;
    init_low_min(&f, 100);
    fx_at(&f, 10);
    ak_group_spec g[10];
    ak_resource_unit u[10];
    ak_msg m = fx_deploy(&f, f.alice, 10, 100, "10");
    char name[16];
    for (int i = 0; i < 10; i++) {
        u[i] = f.unit;
        g[i] = f.group;
        g[i].units = &u[i];
        snprintf(name, sizeof name, "g%d", i + 1);
        g[i].name = fx_s(&f, name);
    }
    m.create_deployment.groups = g;
    m.create_deployment.ngroups = 10;
    fx_ok(&f, &m);
    ak_bid_id l2 = fx_bid_id(f.alice, 10, 2, 1, f.prov1), l10 = fx_bid_id(f.alice, 10, 10, 1, f.prov1);
    m = fx_bid(&f, l2, "10");
    fx_ok(&f, &m);
    m = fx_bid(&f, l10, "10");
    fx_ok(&f, &m);
    m = fx_lease_msg(AK_MSG_CREATE_LEASE, l2);
    fx_ok(&f, &m);
    m = fx_lease_msg(AK_MSG_CREATE_LEASE, l10);
    fx_ok(&f, &m);
    fx_at(&f, 16); /* 120 owed, 100 held */
    m = fx_lease_msg(AK_MSG_WITHDRAW_LEASE, l2);
    fx_ok(&f, &m);
    ck_assert_int_eq(fx_payment(&f, l10)->withdrawn, 60);
    ck_assert_int_eq(fx_payment(&f, l2)->withdrawn, 40);
    fx_fini(&f);
}
END_TEST

/* E5: the fraction of rate x blocks is lost at each settlement. */
START_TEST(e5_fraction_loss)
{
    fx f;
    fx_init(&f);
    fx_at(&f, 10);
    ak_bid_id every = fx_open_lease(&f, f.alice, 10, 5000000, "0.5", f.prov1);
    ak_bid_id once = fx_open_lease(&f, f.alice, 11, 5000000, "0.5", f.prov1);
    ak_msg m;
    for (ak_height h = 11; h <= 1011; h++) {
        fx_at(&f, h);
        m = fx_lease_msg(AK_MSG_WITHDRAW_LEASE, every);
        fx_ok(&f, &m);
    }
    ck_assert_int_eq(fx_payment(&f, every)->withdrawn, 0);
    ck_assert_int_eq(fx_dec_int(fx_account(&f, f.alice, 10)->transferred), 0);
    m = fx_lease_msg(AK_MSG_WITHDRAW_LEASE, once);
    fx_ok(&f, &m);
    ck_assert_int_eq(fx_payment(&f, once)->withdrawn, 500); /* floor(0.5 x 1001) */
    fx_fini(&f);
}
END_TEST

/* E5, second half: 1.5 per block settled every 2 blocks loses nothing, every 3 loses 0.5. */
START_TEST(e5_fraction_loss_by_cadence)
{
    fx f;
    fx_init(&f);
    fx_at(&f, 10);
    ak_bid_id two = fx_open_lease(&f, f.alice, 10, 5000000, "1.5", f.prov1);
    ak_bid_id three = fx_open_lease(&f, f.alice, 11, 5000000, "1.5", f.prov1);
    ak_msg m;
    for (ak_height h = 11; h <= 22; h++) {
        fx_at(&f, h);
        if ((h - 10) % 2 == 0) {
            m = fx_lease_msg(AK_MSG_WITHDRAW_LEASE, two);
            fx_ok(&f, &m);
        }
        if ((h - 10) % 3 == 0) {
            m = fx_lease_msg(AK_MSG_WITHDRAW_LEASE, three);
            fx_ok(&f, &m);
        }
    }
    ck_assert_int_eq(fx_payment(&f, two)->withdrawn, 18);  /* 6 x 3 = 1.5 x 12 */
    ck_assert_int_eq(fx_payment(&f, three)->withdrawn, 16); /* 4 x floor(4.5) */
    fx_fini(&f);
}
END_TEST

/* E6: the take fee is floored per withdrawal. */
START_TEST(e6_take_rounding)
{
    fx f;
    fx_init(&f);
    fx_at(&f, 10);
    ak_bid_id small = fx_open_lease(&f, f.alice, 10, 5000000, "49", f.prov1);
    ak_bid_id big = fx_open_lease(&f, f.alice, 11, 5000000, "49", f.prov2);
    ak_bid_id fifty = fx_open_lease(&f, f.alice, 12, 5000000, "50", f.prov1);
    fx_at(&f, 11);
    ak_msg m = fx_lease_msg(AK_MSG_WITHDRAW_LEASE, fifty);
    fx_ok(&f, &m);
    ck_assert_int_eq(fx_pool(&f), 1); /* raw 50 -> fee 1 */
    for (ak_height h = 11; h <= 110; h++) {
        fx_at(&f, h);
        m = fx_lease_msg(AK_MSG_WITHDRAW_LEASE, small);
        fx_ok(&f, &m);
    }
    ck_assert_int_eq(fx_payment(&f, small)->withdrawn, 4900);
    ck_assert_int_eq(fx_pool(&f), 1); /* 100 withdrawals of 49: no fee */
    m = fx_lease_msg(AK_MSG_WITHDRAW_LEASE, big);
    fx_ok(&f, &m);
    ck_assert_int_eq(fx_payment(&f, big)->withdrawn, 4900);
    ck_assert_int_eq(fx_pool(&f), 1 + 98);
    fx_fini(&f);
}
END_TEST

/* E16: 5,000,000 at 100 per block lasts exactly 50,000 blocks. */
START_TEST(e16_deposit_runs_out_on_time)
{
    fx f;
    fx_init(&f);
    fx_at(&f, 10);
    ak_bid_id id = fx_open_lease(&f, f.alice, 10, 5000000, "100", f.prov1);
    fx_at(&f, 50010);
    ak_msg m = fx_lease_msg(AK_MSG_WITHDRAW_LEASE, id);
    fx_ok(&f, &m);
    ck_assert_uint_eq(fx_account(&f, f.alice, 10)->state, AK_ESCROW_OPEN);
    ck_assert(ak_dec_is_zero(fx_account(&f, f.alice, 10)->funds));
    fx_at(&f, 50011);
    fx_ok(&f, &m);
    ck_assert_uint_eq(fx_account(&f, f.alice, 10)->state, AK_ESCROW_OVERDRAWN);
    ck_assert_int_eq(fx_dec_int(fx_account(&f, f.alice, 10)->funds), -100);
    fx_fini(&f);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("escrow");
    TCase *tc = tcase_create("examples");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, e1_accrual_and_withdraw);
    tcase_add_test(tc, e2_close_after_e1);
    tcase_add_test(tc, e3_overdraw_and_repay);
    tcase_add_test(tc, e4_sequential_shortfall);
    tcase_add_test(tc, store_order_is_decimal_string_order);
    tcase_add_test(tc, e5_fraction_loss);
    tcase_add_test(tc, e5_fraction_loss_by_cadence);
    tcase_add_test(tc, e6_take_rounding);
    tcase_add_test(tc, e16_deposit_runs_out_on_time);
    suite_add_tcase(s, tc);
    return fx_run(s);
}
