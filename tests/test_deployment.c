/*
 * tests/test_deployment.c: deployments, groups and escrow deposits into them
 * (market-rules.md sections 1.3, 1.6, 3.2 and 3.6): creation checks in the chain's order,
 * update, close, group messages, and MsgAccountDeposit, with every error they return.
 */
#include <stdlib.h>

#include "fixture.h"

START_TEST(create_deployment_validate_basic)
{
    fx f;
    fx_init(&f);
    fx_at(&f, 5);
    ak_msg m = fx_deploy(&f, f.alice, 0, 500000, "1");
    fx_fails(&f, &m, AK_EINVALID_SEQUENCE);
    m = fx_deploy(&f, AK_ADDR_NONE, 5, 500000, "1");
    fx_fails(&f, &m, AK_EINVALID_ADDRESS);
    m = fx_deploy(&f, f.alice, 5, 500000, "1");
    m.create_deployment.deposit.nsources = 0;
    fx_fails(&f, &m, AK_EINVALID_DEPOSIT_SOURCE);
    m.create_deployment.deposit.nsources = 2;
    m.create_deployment.deposit.sources[1] = AK_SOURCE_BALANCE;
    fx_fails(&f, &m, AK_EINVALID_DEPOSIT_SOURCE);
    ck_assert_str_eq(f.res.detail, "duplicate deposit source type 1: invalid deposit source");
    m.create_deployment.deposit.sources[1] = 3;
    fx_fails(&f, &m, AK_EINVALID_DEPOSIT_SOURCE);
    m = fx_deploy(&f, f.alice, 5, -1, "1");
    fx_fails(&f, &m, AK_EINVALID_COINS);
    m = fx_deploy(&f, f.alice, 5, 500000, "1");
    m.create_deployment.ngroups = 0;
    fx_fails(&f, &m, AK_EINVALID_GROUPS);
    m = fx_deploy(&f, f.alice, 5, 500000, "1");
    m.create_deployment.hash_len = 0;
    fx_fails(&f, &m, AK_EEMPTY_HASH);
    m.create_deployment.hash_len = 31;
    fx_fails(&f, &m, AK_EINVALID_HASH);
    m = fx_deploy(&f, f.alice, 5, 500000, "1");
    f.unit.cpu_millis = 5;
    fx_fails(&f, &m, AK_EGROUP_SPEC_INVALID);
    ck_assert_str_eq(f.res.detail, "error: invalid unit CPU (384000 > 5 > 384000 fails)");
    m = fx_deploy(&f, f.alice, 5, 500000, "1");
    f.unit.price.denom = f.uusdc;
    fx_fails(&f, &m, AK_EINVALID_DEPOSIT);
    ck_assert_str_eq(f.res.detail, "Deposit invalid: Mismatched denominations (uakt != uusdc)");
    fx_fini(&f);
}
END_TEST

START_TEST(create_deployment_handler_checks)
{
    fx f;
    fx_init(&f);
    fx_at(&f, 5);
    ak_msg m = fx_deploy(&f, f.alice, 5, 500000, "1");
    ak_group_spec g[2] = {f.group, f.group};
    m.create_deployment.groups = g;
    m.create_deployment.ngroups = 2;
    fx_fails(&f, &m, AK_EINVALID_GROUPS);
    ck_assert_str_eq(f.res.detail, "duplicate deployment group name \"web\": Invalid groups");
    m = fx_deploy(&f, f.bob, 5, 500000, "1");
    fx_fails(&f, &m, AK_EINVALID_DEPOSIT); /* bob holds nothing */
    ck_assert_str_eq(f.res.detail, "deposit invalid: insufficient balance");
    m = fx_deploy(&f, f.alice, 5, 500000, "1");
    fx_ok(&f, &m);
    fx_fails(&f, &m, AK_EDEPLOYMENT_EXISTS);
    const ak_deployment *d = ak_app_find_deployment(f.app, (ak_deployment_id){f.alice, 5});
    ck_assert_uint_eq(d->state, AK_DEPLOYMENT_ACTIVE);
    ck_assert_int_eq(d->created_at, 5);
    ck_assert_int_eq(fx_balance(&f, f.alice), 100000000 - 500000);
    ck_assert_int_eq(fx_module(&f, AK_MODULE_ESCROW), 500000);
    const ak_order *o = ak_app_find_order(f.app, (ak_order_id){f.alice, 5, 1, 1});
    ck_assert_ptr_nonnull(o);
    ck_assert_uint_eq(o->state, AK_ORDER_OPEN);
    /* events: deployment created, then one order per group */
    size_t n;
    const ak_event *ev = ak_app_events(f.app, &n);
    ck_assert_uint_ge(n, 2);
    ck_assert_int_eq(ev[0].type, AK_EV_DEPLOYMENT_CREATED);
    ck_assert_int_eq(ev[1].type, AK_EV_ORDER_CREATED);
    fx_fini(&f);
}
END_TEST

/* With a zero minimum, a zero deposit skips the per-group denom check of ValidateBasic, and the
 * handler's ValidateDeploymentGroups catches groups of different denoms. Such an account has
 * no funds entry, so deposits into it fail with ErrInvalidDenomination. */
START_TEST(zero_deposit_paths)
{
    fx f;
    fx_init(&f);
    ak_params p = *ak_app_params(f.app);
    p.deployment.min_deposits[0].amount = 0;
    char why[128];
    ck_assert_int_eq(ak_app_set_params(f.app, &p, why, sizeof why), 0);
    fx_at(&f, 5);
    ak_msg m = fx_deploy(&f, f.alice, 5, 0, "1");
    ak_group_spec g[2] = {f.group, f.group};
    ak_resource_unit u2 = f.unit;
    u2.price.denom = f.uusdc;
    g[1].units = &u2;
    g[1].name = fx_s(&f, "db");
    m.create_deployment.groups = g;
    m.create_deployment.ngroups = 2;
    fx_fails(&f, &m, AK_EINVALID_GROUPS);
    ck_assert_str_eq(f.res.detail, "inconsistent denomination: uusdc != uakt: Invalid groups");
    m.create_deployment.ngroups = 1;
    fx_ok(&f, &m);
    m = fx_account_deposit(&f, f.alice, f.alice, 5, 1000);
    fx_fails(&f, &m, AK_EINVALID_DENOMINATION);
    /* and a lease cannot be paid from it */
    ak_bid_id id = fx_bid_id(f.alice, 5, 1, 1, f.prov1);
    m = fx_bid(&f, id, "1");
    fx_ok(&f, &m);
    m = fx_lease_msg(AK_MSG_CREATE_LEASE, id);
    fx_fails(&f, &m, AK_EINVALID_DENOMINATION);
    fx_fini(&f);
}
END_TEST

START_TEST(update_deployment)
{
    fx f;
    fx_init(&f);
    fx_at(&f, 5);
    ak_msg c = fx_deploy(&f, f.alice, 5, 500000, "1");
    fx_ok(&f, &c);
    ak_msg m = {.type = AK_MSG_UPDATE_DEPLOYMENT};
    m.update_deployment.id = (ak_deployment_id){f.alice, 5};
    m.update_deployment.hash_len = 32;
    memset(m.update_deployment.hash, 0xab, 32);
    fx_fails(&f, &m, AK_EINVALID_HASH); /* unchanged */
    m.update_deployment.hash[0] = 1;
    fx_ok(&f, &m);
    ck_assert_uint_eq(ak_app_find_deployment(f.app, (ak_deployment_id){f.alice, 5})->hash[0], 1);
    m.update_deployment.hash_len = 0;
    fx_fails(&f, &m, AK_EEMPTY_HASH);
    m.update_deployment.hash_len = 33;
    fx_fails(&f, &m, AK_EINVALID_HASH);
    m.update_deployment.hash_len = 32;
    m.update_deployment.id.dseq = 6;
    fx_fails(&f, &m, AK_EDEPLOYMENT_NOT_FOUND);
    m.update_deployment.id.dseq = 5;
    ak_msg close = fx_close_deployment(f.alice, 5);
    fx_ok(&f, &close);
    m.update_deployment.hash[0] = 2;
    fx_fails(&f, &m, AK_EDEPLOYMENT_CLOSED);
    fx_fails(&f, &close, AK_EDEPLOYMENT_CLOSED);
    close.close_deployment.id.dseq = 7;
    fx_fails(&f, &close, AK_EDEPLOYMENT_NOT_FOUND);
    close.close_deployment.id.dseq = 0;
    fx_fails(&f, &close, AK_EINVALID_SEQUENCE);
    fx_fini(&f);
}
END_TEST

START_TEST(group_messages_find_their_group)
{
    fx f;
    fx_init(&f);
    fx_at(&f, 5);
    ak_msg c = fx_deploy(&f, f.alice, 5, 500000, "1");
    fx_ok(&f, &c);
    ak_msg_type types[3] = {AK_MSG_CLOSE_GROUP, AK_MSG_PAUSE_GROUP, AK_MSG_START_GROUP};
    for (int i = 0; i < 3; i++) {
        ak_msg m = fx_group_msg(types[i], f.alice, 5, 2);
        fx_fails(&f, &m, AK_EGROUP_NOT_FOUND);
        m = fx_group_msg(types[i], f.alice, 6, 1);
        fx_fails(&f, &m, AK_EGROUP_NOT_FOUND);
        m = fx_group_msg(types[i], f.alice, 5, 0);
        fx_fails(&f, &m, AK_EINVALID_SEQUENCE);
        ck_assert_str_eq(f.res.detail, "GroupID: Invalid Group Sequence: invalid sequence");
    }
    fx_fini(&f);
}
END_TEST

/* Third-party top-ups, deposits into bid accounts, and MsgAccountDeposit's errors. */
START_TEST(account_deposit)
{
    fx f;
    fx_init(&f);
    fx_at(&f, 5);
    ak_msg c = fx_deploy(&f, f.alice, 5, 500000, "1");
    fx_ok(&f, &c);
    ak_msg m = fx_account_deposit(&f, f.carol, f.alice, 5, 250000);
    fx_ok(&f, &m);
    const ak_escrow_account *a = fx_account(&f, f.alice, 5);
    ck_assert_int_eq(fx_dec_int(a->funds), 750000);
    ck_assert_int_eq(a->settled_at, 5); /* a deposit into an open account does not settle */
    const ak_escrow_deposit *d2 =
        ak_pool_at(&ak_app_escrow(f.app)->deposits,
                   ((const ak_escrow_deposit *)ak_pool_at(&ak_app_escrow(f.app)->deposits, a->dep_head))->next);
    ck_assert_uint_eq(d2->owner, f.carol);
    /* into a bid's account */
    ak_bid_id id = fx_bid_id(f.alice, 5, 1, 1, f.prov1);
    ak_msg b = fx_bid(&f, id, "1");
    fx_ok(&f, &b);
    m = fx_account_deposit(&f, f.carol, f.alice, 5, 1000);
    m.account_deposit.id = (ak_escrow_id){AK_SCOPE_BID, id};
    fx_ok(&f, &m);
    /* closing the bid refunds each depositor its own share */
    ak_msg cb = {.type = AK_MSG_CLOSE_BID};
    cb.close_bid.id = id;
    cb.close_bid.reason = AK_REASON_UNSPECIFIED;
    ak_amount carol0 = fx_balance(&f, f.carol);
    fx_ok(&f, &cb);
    ck_assert_int_eq(fx_balance(&f, f.carol) - carol0, 1000);
    ck_assert_int_eq(fx_balance(&f, f.prov1), 10000000);
    /* errors */
    m = fx_account_deposit(&f, f.carol, f.alice, 5, 0);
    fx_fails(&f, &m, AK_EINVALID_DEPOSIT);
    m = fx_account_deposit(&f, f.carol, f.alice, 5, 10);
    m.account_deposit.id.scope = 0;
    fx_fails(&f, &m, AK_EINVALID_ID);
    m = fx_account_deposit(&f, f.carol, f.alice, 6, 10);
    fx_fails(&f, &m, AK_EACCOUNT_NOT_FOUND);
    m = fx_account_deposit(&f, f.bob, f.alice, 6, 10);
    fx_fails(&f, &m, AK_EINVALID_DEPOSIT); /* funds are checked before the account */
    m = fx_account_deposit(&f, f.carol, f.alice, 5, 10);
    m.account_deposit.deposit.amount.denom = f.uusdc;
    ck_assert_int_eq(ak_app_genesis_balance(f.app, f.carol, (ak_coin){f.uusdc, 10}), 0);
    fx_fails(&f, &m, AK_EINVALID_DENOMINATION);
    m = fx_account_deposit(&f, f.carol, f.alice, 5, 10);
    m.account_deposit.id = (ak_escrow_id){AK_SCOPE_BID, id};
    fx_fails(&f, &m, AK_EACCOUNT_CLOSED);
    fx_fini(&f);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("deployment");
    TCase *tc = tcase_create("deployment");
    tcase_add_test(tc, create_deployment_validate_basic);
    tcase_add_test(tc, create_deployment_handler_checks);
    tcase_add_test(tc, zero_deposit_paths);
    tcase_add_test(tc, update_deployment);
    tcase_add_test(tc, group_messages_find_their_group);
    tcase_add_test(tc, account_deposit);
    suite_add_tcase(s, tc);
    return fx_run(s);
}
