/*
 * tests/test_market.c: orders, bids and leases (market-rules.md sections 1.3 to 1.5, worked
 * examples E7, E8 and E10 of section 8): the lease lifecycle, the cascades of section 1.4 with
 * the v2.1 order fix, and every error the bid and lease messages return.
 */
#include <stdlib.h>

#include "app_int.h"
#include "fixture.h"

/* alice's deployment 10 with one order open and a bid from prov1 at 50 (order max 100). */
static ak_bid_id deploy_and_bid(fx *f)
{
    fx_at(f, 10);
    ak_msg m = fx_deploy(f, f->alice, 10, 5000000, "100");
    fx_ok(f, &m);
    ak_bid_id id = fx_bid_id(f->alice, 10, 1, 1, f->prov1);
    m = fx_bid(f, id, "50");
    fx_ok(f, &m);
    return id;
}

static uint32_t order_state(fx *f, uint32_t oseq)
{
    const ak_order *o = ak_app_find_order(f->app, (ak_order_id){f->alice, 10, 1, oseq});
    ck_assert_ptr_nonnull(o);
    return o->state;
}

static uint32_t bid_state(fx *f, ak_bid_id id)
{
    const ak_bid *b = ak_app_find_bid(f->app, id);
    ck_assert_ptr_nonnull(b);
    return b->state;
}

START_TEST(lease_creation_makes_other_bids_lost_and_refunds_them)
{
    fx f;
    fx_init(&f);
    ak_addr prov3 = fx_s(&f, "prov3");
    ak_attr a;
    ck_assert_int_eq(ak_app_genesis_balance(f.app, prov3, (ak_coin){f.uakt, 1000000}), 0);
    ck_assert_int_eq(ak_app_genesis_provider(f.app, prov3, fx_s(&f, "https://p3.test"),
                                             fx_attrs1(&f, &a, "region", "x"), 0, 0, &f.res), 0);
    ak_bid_id win = deploy_and_bid(&f);
    ak_bid_id l2 = fx_bid_id(f.alice, 10, 1, 1, f.prov2), l3 = fx_bid_id(f.alice, 10, 1, 1, prov3);
    ak_msg m = fx_bid(&f, l2, "60");
    fx_ok(&f, &m);
    m = fx_bid(&f, l3, "70");
    fx_ok(&f, &m);
    ck_assert_int_eq(fx_balance(&f, prov3), 500000);
    fx_at(&f, 11);
    m = fx_lease_msg(AK_MSG_CREATE_LEASE, win);
    fx_ok(&f, &m);
    ck_assert_uint_eq(bid_state(&f, win), AK_BID_ACTIVE);
    ck_assert_uint_eq(order_state(&f, 1), AK_ORDER_ACTIVE);
    /* both losers, not just the first (node v1.2.2 stops after one: docs/deviations.md) */
    ck_assert_uint_eq(bid_state(&f, l2), AK_BID_LOST);
    ck_assert_uint_eq(bid_state(&f, l3), AK_BID_LOST);
    ck_assert_int_eq(fx_balance(&f, f.prov2), 10000000);
    ck_assert_int_eq(fx_balance(&f, prov3), 1000000);
    /* a bid on an active order */
    ak_bid_id late = fx_bid_id(f.alice, 10, 1, 1, f.bob);
    m = fx_bid(&f, late, "10");
    fx_fails(&f, &m, AK_EORDER_ACTIVE);
    /* leasing a lost bid, or the winner twice */
    m = fx_lease_msg(AK_MSG_CREATE_LEASE, l2);
    fx_fails(&f, &m, AK_EBID_NOT_OPEN);
    m = fx_lease_msg(AK_MSG_CREATE_LEASE, win);
    fx_fails(&f, &m, AK_EBID_NOT_OPEN);
    /* a lost bid can neither be closed nor re-placed */
    ak_msg cb = {.type = AK_MSG_CLOSE_BID};
    cb.close_bid.id = l2;
    cb.close_bid.reason = AK_REASON_UNSPECIFIED;
    fx_fails(&f, &cb, AK_EUNKNOWN_LEASE_FOR_BID);
    /* the tenant cannot close a lease through a lost bid */
    m = fx_lease_msg(AK_MSG_CLOSE_LEASE, l2);
    fx_fails(&f, &m, AK_EBID_NOT_ACTIVE);
    fx_fini(&f);
}
END_TEST

/* E10, first half: the tenant closes the lease; the group is open, so oseq 2 opens at once. */
START_TEST(e10_close_lease_reorders)
{
    fx f;
    fx_init(&f);
    ak_bid_id id = deploy_and_bid(&f);
    ak_msg m = fx_lease_msg(AK_MSG_CREATE_LEASE, id);
    fx_ok(&f, &m);
    fx_at(&f, 20);
    m = fx_lease_msg(AK_MSG_CLOSE_LEASE, id);
    fx_ok(&f, &m);
    const ak_bid *b = ak_app_find_bid(f.app, id);
    ck_assert_uint_eq(b->lease_state, AK_LEASE_CLOSED);
    ck_assert_uint_eq(b->lease_reason, AK_REASON_OWNER);
    ck_assert_uint_eq(b->state, AK_BID_CLOSED);
    ck_assert_uint_eq(order_state(&f, 1), AK_ORDER_CLOSED);
    ck_assert_uint_eq(order_state(&f, 2), AK_ORDER_OPEN);
    /* 10 blocks at 50, the bid deposit back */
    ck_assert_int_eq(fx_balance(&f, f.prov1), 10000000 + 490);
    ck_assert_int_eq(fx_payment(&f, id)->withdrawn, 500);
    /* closing it again: the order is closed */
    fx_fails(&f, &m, AK_EORDER_CLOSED);
    m = fx_lease_msg(AK_MSG_WITHDRAW_LEASE, id);
    fx_fails(&f, &m, AK_EPAYMENT_CLOSED);
    /* the same provider can never bid on oseq 1 again, but can on oseq 2 */
    m = fx_bid(&f, id, "50");
    fx_fails(&f, &m, AK_EORDER_CLOSED);
    ak_bid_id again = fx_bid_id(f.alice, 10, 1, 2, f.prov1);
    m = fx_bid(&f, again, "50");
    fx_ok(&f, &m);
    fx_fails(&f, &m, AK_EBID_EXISTS);
    fx_fini(&f);
}
END_TEST

/* E10, second half: the provider closes its active bid: the group pauses, no new order;
 * MsgStartGroup opens oseq 2. */
START_TEST(e10_provider_close_pauses_group)
{
    fx f;
    fx_init(&f);
    ak_bid_id id = deploy_and_bid(&f);
    ak_msg m = fx_lease_msg(AK_MSG_CREATE_LEASE, id);
    fx_ok(&f, &m);
    fx_at(&f, 30);
    ak_msg cb = {.type = AK_MSG_CLOSE_BID};
    cb.close_bid.id = id;
    cb.close_bid.reason = AK_REASON_UNSTABLE;
    fx_ok(&f, &cb);
    const ak_bid *b = ak_app_find_bid(f.app, id);
    ck_assert_uint_eq(b->lease_state, AK_LEASE_CLOSED);
    ck_assert_uint_eq(b->lease_reason, AK_REASON_UNSTABLE);
    ck_assert_int_eq(b->lease_closed_on, 30);
    ck_assert_uint_eq(order_state(&f, 1), AK_ORDER_CLOSED);
    ck_assert_ptr_null(ak_app_find_order(f.app, (ak_order_id){f.alice, 10, 1, 2}));
    ck_assert_uint_eq(ak_app_find_group(f.app, (ak_group_id){f.alice, 10, 1})->state,
                      AK_GROUP_PAUSED);
    ck_assert_int_eq(fx_payment(&f, id)->withdrawn, 1000);
    /* the lease is over: closing the bid again finds no active lease */
    fx_fails(&f, &cb, AK_ELEASE_NOT_ACTIVE);
    m = fx_group_msg(AK_MSG_START_GROUP, f.alice, 10, 1);
    fx_ok(&f, &m);
    ck_assert_uint_eq(order_state(&f, 2), AK_ORDER_OPEN);
    fx_fails(&f, &m, AK_EGROUP_OPEN);
    fx_fini(&f);
}
END_TEST

/* v2.1 fix: pausing a group whose order is still open closes the order and its open bids, so
 * the group can be started again (node v1.2.2 leaves them open and MsgStartGroup fails). */
START_TEST(pause_closes_open_order_and_bids)
{
    fx f;
    fx_init(&f);
    ak_bid_id id = deploy_and_bid(&f);
    ak_msg m = fx_group_msg(AK_MSG_PAUSE_GROUP, f.alice, 10, 1);
    fx_ok(&f, &m);
    ck_assert_uint_eq(order_state(&f, 1), AK_ORDER_CLOSED);
    ck_assert_uint_eq(bid_state(&f, id), AK_BID_CLOSED);
    ck_assert_int_eq(fx_balance(&f, f.prov1), 10000000);
    fx_fails(&f, &m, AK_EGROUP_PAUSED);
    /* a bid cannot be leased while the group is paused */
    m = fx_group_msg(AK_MSG_START_GROUP, f.alice, 10, 1);
    fx_ok(&f, &m);
    ck_assert_uint_eq(order_state(&f, 2), AK_ORDER_OPEN);
    ak_bid_id b2 = fx_bid_id(f.alice, 10, 1, 2, f.prov2);
    m = fx_bid(&f, b2, "80");
    fx_ok(&f, &m);
    m = fx_group_msg(AK_MSG_PAUSE_GROUP, f.alice, 10, 1);
    fx_ok(&f, &m);
    m = fx_lease_msg(AK_MSG_CREATE_LEASE, b2);
    fx_fails(&f, &m, AK_EBID_NOT_OPEN);
    /* close it for good */
    m = fx_group_msg(AK_MSG_CLOSE_GROUP, f.alice, 10, 1);
    fx_ok(&f, &m);
    fx_fails(&f, &m, AK_EGROUP_CLOSED);
    m = fx_group_msg(AK_MSG_PAUSE_GROUP, f.alice, 10, 1);
    fx_fails(&f, &m, AK_EGROUP_CLOSED);
    m = fx_group_msg(AK_MSG_START_GROUP, f.alice, 10, 1);
    fx_fails(&f, &m, AK_EGROUP_CLOSED);
    /* the deployment and its account stay open after every group closed */
    ck_assert_uint_eq(ak_app_find_deployment(f.app, (ak_deployment_id){f.alice, 10})->state,
                      AK_DEPLOYMENT_ACTIVE);
    ck_assert_uint_eq(fx_account(&f, f.alice, 10)->state, AK_ESCROW_OPEN);
    fx_fini(&f);
}
END_TEST

/* Only an open bid can be leased: after the deployment closes, its bids are closed. */
START_TEST(leases_need_an_open_bid)
{
    fx f;
    fx_init(&f);
    ak_bid_id id = deploy_and_bid(&f);
    ak_msg m = fx_lease_msg(AK_MSG_CREATE_LEASE, fx_bid_id(f.alice, 10, 1, 1, f.prov2));
    fx_fails(&f, &m, AK_EBID_NOT_FOUND);
    m = fx_close_deployment(f.alice, 10);
    fx_ok(&f, &m);
    ck_assert_uint_eq(bid_state(&f, id), AK_BID_CLOSED);
    m = fx_lease_msg(AK_MSG_CREATE_LEASE, id);
    fx_fails(&f, &m, AK_EBID_NOT_OPEN);
    fx_fini(&f);
}
END_TEST

/* A group that ran out of funds can be restarted (the deployment state is not checked), but
 * no lease can start on the overdrawn, then closed, account. */
START_TEST(restarted_group_of_overdrawn_deployment)
{
    fx f;
    fx_init(&f);
    fx_at(&f, 10);
    ak_msg m = fx_deploy(&f, f.alice, 10, 500000, "100");
    fx_ok(&f, &m);
    ak_bid_id id = fx_bid_id(f.alice, 10, 1, 1, f.prov1);
    fx_bid_and_lease(&f, id, "100");
    fx_at(&f, 10 + 5001); /* owes 500,100 of 500,000 */
    m = fx_lease_msg(AK_MSG_WITHDRAW_LEASE, id);
    fx_ok(&f, &m);
    ck_assert_uint_eq(ak_app_find_group(f.app, (ak_group_id){f.alice, 10, 1})->state,
                      AK_GROUP_INSUFFICIENT_FUNDS);
    /* the group restarts although the deployment is closed (not checked upstream) */
    m = fx_group_msg(AK_MSG_START_GROUP, f.alice, 10, 1);
    fx_ok(&f, &m);
    ak_bid_id b2 = fx_bid_id(f.alice, 10, 1, 2, f.prov2);
    m = fx_bid(&f, b2, "100");
    fx_ok(&f, &m);
    /* PaymentCreate settles an overdrawn account: ErrAccountOverdrawn */
    m = fx_lease_msg(AK_MSG_CREATE_LEASE, b2);
    fx_fails(&f, &m, AK_EACCOUNT_OVERDRAWN);
    /* pay the debt: the account closes; now the lease fails on the closed account */
    m = fx_account_deposit(&f, f.carol, f.alice, 10, 100);
    fx_ok(&f, &m);
    ck_assert_uint_eq(fx_account(&f, f.alice, 10)->state, AK_ESCROW_CLOSED);
    m = fx_lease_msg(AK_MSG_CREATE_LEASE, b2);
    fx_fails(&f, &m, AK_EACCOUNT_CLOSED);
    /* pausing closes oseq 2 and its bid; a bid on the closed order is refused */
    m = fx_group_msg(AK_MSG_PAUSE_GROUP, f.alice, 10, 1);
    fx_ok(&f, &m);
    ck_assert_uint_eq(bid_state(&f, b2), AK_BID_CLOSED);
    m = fx_bid(&f, fx_bid_id(f.alice, 10, 1, 2, f.carol), "100");
    fx_fails(&f, &m, AK_EORDER_CLOSED);
    fx_fini(&f);
}
END_TEST

/* E7: OrderMaxBids = 20: with 20 counted bids the 21st is accepted; with 21 the 22nd fails.
 * Lost bids do not count, closed ones do. */
START_TEST(e7_bid_count)
{
    fx f;
    fx_init(&f);
    fx_at(&f, 10);
    ak_msg m = fx_deploy(&f, f.alice, 10, 5000000, "100");
    fx_ok(&f, &m);
    ak_addr p[23];
    char name[16];
    for (int i = 0; i < 23; i++) {
        snprintf(name, sizeof name, "p%02d", i);
        p[i] = fx_s(&f, name);
        m = (ak_msg){.type = AK_MSG_SEND};
        m.send.from = f.alice;
        m.send.to = p[i];
        m.send.amount = (ak_coin){f.uakt, 500000};
        fx_ok(&f, &m);
        m = (ak_msg){.type = AK_MSG_CREATE_PROVIDER};
        m.provider.owner = p[i];
        m.provider.host_uri = fx_s(&f, "https://p.test");
        fx_ok(&f, &m);
    }
    for (int i = 0; i < 21; i++) {
        m = fx_bid(&f, fx_bid_id(f.alice, 10, 1, 1, p[i]), "100");
        fx_ok(&f, &m);
    }
    m = fx_bid(&f, fx_bid_id(f.alice, 10, 1, 1, p[21]), "100");
    fx_fails(&f, &m, AK_EINVALID_BID);
    /* a closed bid still counts */
    ak_msg cb = {.type = AK_MSG_CLOSE_BID};
    cb.close_bid.id = fx_bid_id(f.alice, 10, 1, 1, p[0]);
    cb.close_bid.reason = AK_REASON_UNSPECIFIED;
    fx_ok(&f, &cb);
    fx_fails(&f, &m, AK_EINVALID_BID);
    /* lost bids do not: lease one, the other 19 open ones lose; oseq 1 is active then, so
     * check the count on the order record */
    ak_msg l = fx_lease_msg(AK_MSG_CREATE_LEASE, fx_bid_id(f.alice, 10, 1, 1, p[1]));
    fx_ok(&f, &l);
    const ak_order *o = ak_app_find_order(f.app, (ak_order_id){f.alice, 10, 1, 1});
    ck_assert_uint_eq(o->nbids_counted, 2); /* the closed p00 and the active p01 */
    fx_fini(&f);
}
END_TEST

/* E8: minimum deposits. */
START_TEST(e8_minimum_deposits)
{
    fx f;
    fx_init(&f);
    fx_at(&f, 10);
    ak_msg m = fx_deploy(&f, f.alice, 10, 499999, "100");
    fx_fails(&f, &m, AK_EINVALID_DEPOSIT);
    ck_assert_str_eq(f.res.detail, "Deposit too low - 499999 < 500000: Deposit invalid");
    m = fx_deploy(&f, f.alice, 10, 500000, "100");
    fx_ok(&f, &m);
    ak_bid_id id = fx_bid_id(f.alice, 10, 1, 1, f.prov1);
    m = fx_bid(&f, id, "100");
    m.create_bid.deposit.amount.amount = 499999;
    fx_fails(&f, &m, AK_EINVALID_DEPOSIT);
    ck_assert_str_eq(f.res.detail, "deposit invalid: mininum:500000uakt received:499999uakt");
    m.create_bid.deposit.amount = (ak_coin){f.uusdc, 500000};
    fx_fails(&f, &m, AK_EINVALID_DEPOSIT);
    m.create_bid.deposit.amount = (ak_coin){f.uakt, 500000};
    fx_ok(&f, &m);
    /* a deployment deposit in a denom without a minimum */
    m = fx_deploy(&f, f.alice, 11, 500000, "100");
    m.create_deployment.deposit.amount.denom = f.uusdc;
    f.unit.price.denom = f.uusdc;
    fx_fails(&f, &m, AK_EINVALID_DEPOSIT);
    ck_assert_str_eq(f.res.detail, "Invalid deposit denomination uusdc: Deposit invalid");
    fx_fini(&f);
}
END_TEST

START_TEST(create_bid_errors_in_order)
{
    fx f;
    fx_init(&f);
    deploy_and_bid(&f);
    ak_bid_id id = fx_bid_id(f.alice, 10, 1, 1, f.prov2);
    ak_msg m = fx_bid(&f, id, "0");
    fx_fails(&f, &m, AK_EBID_ZERO_PRICE);
    m = fx_bid(&f, fx_bid_id(f.alice, 10, 1, 1, f.alice), "1");
    fx_fails(&f, &m, AK_ESAME_ACCOUNT);
    m = fx_bid(&f, fx_bid_id(f.alice, 10, 1, 0, f.prov2), "1");
    fx_fails(&f, &m, AK_EINVALID_SEQUENCE);
    m = fx_bid(&f, fx_bid_id(f.alice, 10, 1, 9, f.prov2), "1");
    fx_fails(&f, &m, AK_EORDER_NOT_FOUND);
    m = fx_bid(&f, id, "-1");
    fx_fails(&f, &m, AK_EBID_INVALID_PRICE);
    m = fx_bid(&f, id, "100.000000000000000001");
    fx_fails(&f, &m, AK_EBID_OVER_ORDER);
    m = fx_bid(&f, id, "100");
    m.create_bid.price.denom = f.uusdc;
    fx_fails(&f, &m, AK_EPANIC);
    m = fx_bid(&f, id, "100");
    ak_resource_offer off = {1, 2};
    m.create_bid.offer = &off;
    m.create_bid.noffer = 1;
    fx_fails(&f, &m, AK_ECAPABILITIES_MISMATCH);
    off.count = 1;
    m = fx_bid(&f, fx_bid_id(f.alice, 10, 1, 1, f.bob), "100");
    fx_fails(&f, &m, AK_EUNKNOWN_PROVIDER);
    /* a deposit the provider cannot pay: prov2 sends away all but 100 */
    ak_msg s = {.type = AK_MSG_SEND};
    s.send.from = f.prov2;
    s.send.to = f.bob;
    s.send.amount = (ak_coin){f.uakt, 10000000 - 100};
    fx_ok(&f, &s);
    m = fx_bid(&f, id, "100");
    m.create_bid.offer = &off;
    m.create_bid.noffer = 1;
    fx_fails(&f, &m, AK_EINVALID_DEPOSIT);
    ck_assert_str_eq(f.res.detail, "deposit invalid: insufficient balance");
    fx_fini(&f);
}
END_TEST

START_TEST(placement_and_capabilities_through_bids)
{
    fx f;
    fx_init(&f);
    fx_at(&f, 10);
    ak_msg m = fx_deploy(&f, f.alice, 10, 5000000, "100");
    f.group.req_attrs = fx_attrs1(&f, &f.req[0], "reg*", "us-west");
    fx_ok(&f, &m);
    m = fx_bid(&f, fx_bid_id(f.alice, 10, 1, 1, f.prov2), "100");
    fx_fails(&f, &m, AK_EATTRIBUTE_MISMATCH);
    m = fx_bid(&f, fx_bid_id(f.alice, 10, 1, 1, f.prov1), "100");
    fx_ok(&f, &m);
    /* a persistent beta2 volume needs a provider advertising it */
    m = fx_deploy(&f, f.alice, 11, 5000000, "100");
    ak_attr va[2] = {{fx_s(&f, "class"), fx_s(&f, "beta2")},
                     {fx_s(&f, "persistent"), fx_s(&f, "true")}};
    f.vol.attrs = (ak_attrs){va, 2};
    fx_ok(&f, &m);
    m = fx_bid(&f, fx_bid_id(f.alice, 11, 1, 1, f.prov2), "100");
    fx_fails(&f, &m, AK_ECAPABILITIES_MISMATCH);
    fx_fini(&f);
}
END_TEST

START_TEST(close_bid_errors)
{
    fx f;
    fx_init(&f);
    ak_bid_id id = deploy_and_bid(&f);
    ak_msg cb = {.type = AK_MSG_CLOSE_BID};
    cb.close_bid.id = id;
    cb.close_bid.reason = 0;
    fx_fails(&f, &cb, AK_EINVALID_LEASE_CLOSED_REASON);
    cb.close_bid.reason = 20000;
    fx_fails(&f, &cb, AK_EINVALID_LEASE_CLOSED_REASON);
    cb.close_bid.reason = 19999;
    cb.close_bid.id.provider = f.prov2;
    fx_fails(&f, &cb, AK_EUNKNOWN_BID);
    /* an open bid closes with a refund and nothing else */
    cb.close_bid.id = id;
    fx_ok(&f, &cb);
    ck_assert_uint_eq(bid_state(&f, id), AK_BID_CLOSED);
    ck_assert_uint_eq(order_state(&f, 1), AK_ORDER_OPEN);
    ck_assert_int_eq(fx_balance(&f, f.prov1), 10000000);
    fx_fails(&f, &cb, AK_EUNKNOWN_LEASE_FOR_BID);
    fx_fini(&f);
}
END_TEST

START_TEST(lease_message_errors)
{
    fx f;
    fx_init(&f);
    ak_bid_id id = deploy_and_bid(&f);
    ak_msg m = fx_lease_msg(AK_MSG_WITHDRAW_LEASE, id);
    fx_fails(&f, &m, AK_EUNKNOWN_LEASE);
    m = fx_lease_msg(AK_MSG_CLOSE_LEASE, id);
    fx_fails(&f, &m, AK_EORDER_CLOSED); /* the order is still open, not active */
    m = fx_lease_msg(AK_MSG_CLOSE_LEASE, fx_bid_id(f.alice, 10, 1, 5, f.prov1));
    fx_fails(&f, &m, AK_EORDER_NOT_FOUND);
    m = fx_lease_msg(AK_MSG_CREATE_LEASE, id);
    fx_ok(&f, &m);
    m = fx_lease_msg(AK_MSG_CLOSE_LEASE, fx_bid_id(f.alice, 10, 1, 1, f.prov2));
    fx_fails(&f, &m, AK_EBID_NOT_FOUND);
    m = fx_lease_msg(AK_MSG_WITHDRAW_LEASE, fx_bid_id(f.alice, 10, 1, 1, f.alice));
    fx_fails(&f, &m, AK_ESAME_ACCOUNT);
    ck_assert_str_eq(f.res.detail,
                     "LeaseID: Invalid BidID: BidID: self-bid: owner and provider are the same account");
    /* two withdrawals in one block: the second pays nothing more, and does not fail */
    fx_at(&f, 20);
    m = fx_lease_msg(AK_MSG_WITHDRAW_LEASE, id);
    fx_ok(&f, &m);
    fx_ok(&f, &m);
    ck_assert_int_eq(fx_payment(&f, id)->withdrawn, 500);
    fx_fini(&f);
}
END_TEST

/* Closing in the block of the last settlement still closes the payment (node v1.2.2 leaves
 * it open: docs/deviations.md). */
START_TEST(close_at_settlement_height_closes_payment)
{
    fx f;
    fx_init(&f);
    ak_bid_id id = deploy_and_bid(&f);
    ak_msg m = fx_lease_msg(AK_MSG_CREATE_LEASE, id);
    fx_ok(&f, &m);
    fx_at(&f, 20);
    m = fx_lease_msg(AK_MSG_WITHDRAW_LEASE, id);
    fx_ok(&f, &m);
    m = fx_close_deployment(f.alice, 10);
    fx_ok(&f, &m);
    ck_assert_uint_eq(fx_payment(&f, id)->state, AK_ESCROW_CLOSED);
    ck_assert_uint_eq(fx_account(&f, f.alice, 10)->state, AK_ESCROW_CLOSED);
    fx_fails(&f, &m, AK_EDEPLOYMENT_CLOSED);
    fx_fini(&f);
}
END_TEST

/* A second lease on a multi-group deployment settles the first payment, and the first
 * provider is credited (node v1.2.2 debits the deposits and credits no one). */
START_TEST(second_lease_credits_first_payment)
{
    fx f;
    fx_init(&f);
    fx_at(&f, 10);
    ak_msg m = fx_deploy2(&f, f.alice, 10, 5000000, "100");
    fx_ok(&f, &m);
    ak_bid_id l1 = fx_bid_id(f.alice, 10, 1, 1, f.prov1), l2 = fx_bid_id(f.alice, 10, 2, 1, f.prov2);
    m = fx_bid(&f, l1, "100");
    fx_ok(&f, &m);
    m = fx_bid(&f, l2, "100");
    fx_ok(&f, &m);
    m = fx_lease_msg(AK_MSG_CREATE_LEASE, l1);
    fx_ok(&f, &m);
    fx_at(&f, 20);
    m = fx_lease_msg(AK_MSG_CREATE_LEASE, l2);
    fx_ok(&f, &m);
    ck_assert_int_eq(fx_dec_int(fx_payment(&f, l1)->balance), 1000);
    ck_assert_int_eq(fx_dec_int(fx_account(&f, f.alice, 10)->transferred), 1000);
    fx_fini(&f);
}
END_TEST

/* MsgCreateLease's order and group checks. No message sequence under akash-v1 leaves an open
 * bid on an order that is not open, or an open order in a group that is not open (the node
 * reaches them through its lost-bid defect: docs/deviations.md 1.2), so the states are made by
 * hand here to show the checks run in the node's order. */
START_TEST(create_lease_checks_order_then_group)
{
    fx f;
    fx_init(&f);
    ak_bid_id id = deploy_and_bid(&f);
    ak_app *app = f.app;
    ak_order *o = (ak_order *)ak_app_find_order(app, (ak_order_id){f.alice, 10, 1, 1});
    ak_group *g = (ak_group *)ak_app_find_group(app, (ak_group_id){f.alice, 10, 1});
    ak_msg m = fx_lease_msg(AK_MSG_CREATE_LEASE, id);
    o->state = AK_ORDER_CLOSED;
    g->state = AK_GROUP_PAUSED;
    ck_assert_int_eq(ak_app_deliver(app, &m, &f.res), AK_EORDER_NOT_OPEN);
    o->state = AK_ORDER_OPEN;
    ck_assert_int_eq(ak_app_deliver(app, &m, &f.res), AK_EGROUP_NOT_OPEN);
    g->state = AK_GROUP_OPEN;
    fx_ok(&f, &m);
    fx_fini(&f);
}
END_TEST

/* ---- ak_msg.hint ---- */

/* The handle in the current block's last event of type t. */
static uint32_t last_object(fx *f, ak_event_type t)
{
    size_t n;
    const ak_event *ev = ak_app_events(f->app, &n);
    for (size_t i = n; i-- > 0;)
        if (ev[i].type == t)
            return ev[i].object;
    ck_abort_msg("no %s event in this block", ak_event_name(t));
    return 0;
}

/* The market's state field by field, so that two apps can be compared (ak_app_digest hashes
 * records byte for byte, arena addresses included, which differ between apps). */
static uint64_t mix(uint64_t h, int64_t v)
{
    h ^= (uint64_t)v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    return h * 0xbf58476d1ce4e5b9ull;
}

static uint64_t market_state(fx *f)
{
    const ak_app *app = f->app;
    uint64_t h = 1;
    const ak_pool *bal = &ak_app_bank(app)->balances;
    for (uint32_t i = 0; i < bal->len; i++) {
        const ak_bank_balance *b = ak_pool_at(bal, i);
        h = mix(mix(mix(h, b->addr), b->denom), b->amount);
    }
    const ak_market *mk = ak_app_market(app);
    for (uint32_t i = 0; i < mk->orders.len; i++) {
        const ak_order *o = ak_pool_at(&mk->orders, i);
        h = mix(mix(mix(mix(h, o->id.oseq), o->state), o->nbids_counted), o->bids);
    }
    for (uint32_t i = 0; i < mk->bids.len; i++) {
        const ak_bid *b = ak_pool_at(&mk->bids, i);
        h = mix(mix(mix(mix(h, b->id.provider), (int64_t)b->id.dseq), b->state), b->order);
        h = mix(mix(mix(h, (int64_t)b->price.amount.v), b->lease_state), b->lease_reason);
        h = mix(mix(mix(h, b->lease_created_at), b->lease_closed_on), b->payment);
        h = mix(h, b->account);
    }
    const ak_escrow *e = ak_app_escrow(app);
    for (uint32_t i = 0; i < e->accounts.len; i++) {
        const ak_escrow_account *a = ak_pool_at(&e->accounts, i);
        h = mix(mix(mix(mix(h, a->state), (int64_t)a->funds.v), (int64_t)a->transferred.v),
                a->settled_at);
    }
    for (uint32_t i = 0; i < e->payments.len; i++) {
        const ak_escrow_payment *p = ak_pool_at(&e->payments, i);
        h = mix(mix(mix(mix(h, p->state), (int64_t)p->balance.v), p->withdrawn), p->account);
    }
    return mix(h, (int64_t)ak_app_community_pool(app, f->uakt).v);
}

enum { HINT_NONE, HINT_RIGHT, HINT_OTHER, HINT_RANGE, HINT_MODES };

/* One script of bid and lease messages, each sent with a hint of the given mode: none, the
 * right handle, another object's handle (a bid or order that exists, chosen to be the one a
 * careless shortcut would wrongly act on), or one past every handle. Writes each message's
 * status to codes and returns the state's digest. */
static uint64_t hinted_script(int mode, int *codes)
{
    fx f;
    fx_init(&f);
    fx_at(&f, 10);
    ak_msg m = fx_deploy(&f, f.alice, 10, 5000000, "100");
    fx_ok(&f, &m);
    uint32_t o10 = last_object(&f, AK_EV_ORDER_CREATED);
    m = fx_deploy(&f, f.alice, 11, 5000000, "100");
    fx_ok(&f, &m);
    uint32_t o11 = last_object(&f, AK_EV_ORDER_CREATED);
    uint32_t b10p1 = 0, b10p2 = 0, b11p1 = 0, k = 0;
#define HINT(right, other, range)                                                                  \
    (mode == HINT_RIGHT   ? (right) + 1                                                            \
     : mode == HINT_OTHER ? (other) + 1                                                            \
     : mode == HINT_RANGE ? (range)                                                                \
                          : 0)
#define SEND(msg) (codes[k++] = fx_send(&f, &(msg)))
    ak_bid_id w10 = fx_bid_id(f.alice, 10, 1, 1, f.prov1);
    ak_bid_id l10 = fx_bid_id(f.alice, 10, 1, 1, f.prov2);
    ak_bid_id w11 = fx_bid_id(f.alice, 11, 1, 1, f.prov1);
    ak_bid_id none11 = fx_bid_id(f.alice, 11, 1, 1, f.prov2);
    m = fx_bid(&f, w10, "50");
    m.hint = HINT(o10, o11, UINT32_MAX);
    if (!SEND(m))
        b10p1 = last_object(&f, AK_EV_BID_CREATED);
    m = fx_bid(&f, l10, "60");
    m.hint = HINT(o10, o11, o11 + 2);
    if (!SEND(m))
        b10p2 = last_object(&f, AK_EV_BID_CREATED);
    m = fx_bid(&f, w11, "70");
    m.hint = HINT(o11, o10, 0);
    if (!SEND(m))
        b11p1 = last_object(&f, AK_EV_BID_CREATED);
    fx_at(&f, 12);
    /* lease prov1's bid; the other hint names prov2's open bid on the same order */
    m = fx_lease_msg(AK_MSG_CREATE_LEASE, w10);
    m.hint = HINT(b10p1, b10p2, b11p1 + 2);
    SEND(m);
    fx_at(&f, 20);
    m = fx_lease_msg(AK_MSG_WITHDRAW_LEASE, w10);
    m.hint = HINT(b10p1, b11p1, UINT32_MAX);
    SEND(m);
    /* no lease on prov2's (lost) bid: a hint at the live lease must not withdraw from it */
    m = fx_lease_msg(AK_MSG_WITHDRAW_LEASE, l10);
    m.hint = HINT(b10p2, b10p1, b10p1 + 100);
    SEND(m);
    /* close prov1's open bid on 11; the other hint names the active bid on 10 */
    ak_msg cb = {.type = AK_MSG_CLOSE_BID};
    cb.close_bid.id = w11;
    cb.close_bid.reason = AK_REASON_UNSPECIFIED;
    cb.hint = HINT(b11p1, b10p1, UINT32_MAX - 1);
    SEND(cb);
    /* a bid that does not exist, hinted at one that does */
    cb.close_bid.id = none11;
    cb.hint = HINT(b10p1, b10p1, 7);
    SEND(cb);
    /* close the lease through prov2's lost bid: refused; then through the right one */
    m = fx_lease_msg(AK_MSG_CLOSE_LEASE, l10);
    m.hint = HINT(b10p2, b10p1, 0);
    SEND(m);
    m = fx_lease_msg(AK_MSG_CLOSE_LEASE, w10);
    m.hint = HINT(b10p1, b10p2, UINT32_MAX);
    SEND(m);
#undef HINT
#undef SEND
    ck_assert_int_eq(k, 10);
    uint64_t digest = market_state(&f);
    fx_fini(&f);
    return digest;
}

/* ak_msg.hint is a shortcut, never a rule: the same script without hints, with the right
 * handles, with other objects' handles and with handles out of range gives the same statuses
 * and the same state. */
START_TEST(hints_change_nothing)
{
    int codes[HINT_MODES][10];
    uint64_t digest[HINT_MODES];
    for (int mode = 0; mode < HINT_MODES; mode++)
        digest[mode] = hinted_script(mode, codes[mode]);
    static const int want[10] = {0, 0, 0, 0, 0, AK_EUNKNOWN_LEASE, 0, AK_EUNKNOWN_BID,
                                 AK_EBID_NOT_ACTIVE, 0};
    for (int mode = 0; mode < HINT_MODES; mode++) {
        for (int i = 0; i < 10; i++)
            ck_assert_msg(codes[mode][i] == want[i], "mode %d, message %d: %s, expected %s", mode,
                          i, ak_err_name(codes[mode][i]), ak_err_name(want[i]));
        ck_assert(digest[mode] == digest[HINT_NONE]);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("market");
    TCase *tc = tcase_create("market");
    tcase_add_test(tc, lease_creation_makes_other_bids_lost_and_refunds_them);
    tcase_add_test(tc, e10_close_lease_reorders);
    tcase_add_test(tc, e10_provider_close_pauses_group);
    tcase_add_test(tc, pause_closes_open_order_and_bids);
    tcase_add_test(tc, leases_need_an_open_bid);
    tcase_add_test(tc, restarted_group_of_overdrawn_deployment);
    tcase_add_test(tc, e7_bid_count);
    tcase_add_test(tc, e8_minimum_deposits);
    tcase_add_test(tc, create_bid_errors_in_order);
    tcase_add_test(tc, placement_and_capabilities_through_bids);
    tcase_add_test(tc, close_bid_errors);
    tcase_add_test(tc, lease_message_errors);
    tcase_add_test(tc, close_at_settlement_height_closes_payment);
    tcase_add_test(tc, second_lease_credits_first_payment);
    tcase_add_test(tc, create_lease_checks_order_then_group);
    tcase_add_test(tc, hints_change_nothing);
    suite_add_tcase(s, tc);
    return fx_run(s);
}
