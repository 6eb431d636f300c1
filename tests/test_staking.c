/*
 * tests/test_staking.c: validators, delegations, unbonding and redelegation, the EndBlock set
 * update and Slash's exchange-rate effects (chain-rules.md section 2, worked example 8.9).
 */
#include <stdlib.h>
#include <string.h>

#include "app_int.h"
#include "chainfx.h"

static ak_params quick_params(void)
{
    fx tmp;
    fx_init(&tmp);
    ak_params p = *ak_app_params(tmp.app);
    fx_fini(&tmp);
    p.staking.unbonding_time = 60;
    return p;
}

/* Genesis validators are bonded from height 1: their tokens in the bonded pool, consensus
 * holding their powers. */
START_TEST(genesis_bonds_validators)
{
    fx f;
    cfx_init(&f);
    ak_addr a = cfx_validator(&f, "a", 1000000, "0.05");
    ak_addr b = cfx_validator(&f, "b", 2000000, "0.05");
    cfx_validator(&f, "c", 3000000, "0.05");
    /* the supply counts the self-bonds (block 1 will mint on top) */
    ck_assert_int_eq(ak_bank_supply_of(ak_app_bank(f.app), f.uakt), 170000000 + 6000000);
    cfx_at(&f, 1);
    ck_assert(ak_app_chain_active(f.app));
    ck_assert_uint_eq(cfx_val(&f, a)->status, AK_BOND_BONDED);
    ck_assert_int_eq(cfx_pool(&f, AK_MODULE_BONDED_POOL), 6000000);
    ck_assert_int_eq(cfx_pool(&f, AK_MODULE_NOT_BONDED_POOL), 0);
    const ak_consensus *c = ak_app_consensus(f.app);
    ck_assert_int_eq(c->cur.total, 6);
    ck_assert_int_eq(ak_valset_index(&c->cur, b) >= 0, 1);
    fx_fini(&f);
}
END_TEST

/* 8.9: 950 tokens / 1000 shares after a 5 % slash; delegating 95 issues 100 shares; unbonding
 * those 100 shares of 1045 / 1100 returns TruncateInt(100 x 1045 / 1100) = 95. In uakt, x10^6. */
START_TEST(e89_shares_after_a_slash)
{
    ak_params p = quick_params();
    fx f;
    cfx_init_params(&f, &p);
    ak_addr v = cfx_validator(&f, "v", 1000000000, "0.05");
    cfx_at(&f, 1);
    ck_assert_int_eq(ak_staking_slash(f.app, ak_staking_find_val(f.app, v), 1, 1000, fx_dec("0.05")), 0);
    ck_assert_int_eq(cfx_val(&f, v)->tokens, 950000000);
    ck_assert(ak_dec_cmp(cfx_val(&f, v)->shares, ak_dec_from_int(1000000000)) == 0);
    ak_msg m = cfx_delegate_msg(&f, AK_MSG_DELEGATE, f.alice, v, 95000000);
    fx_ok(&f, &m);
    ck_assert(ak_dec_cmp(cfx_shares(&f, f.alice, v), ak_dec_from_int(100000000)) == 0);
    ck_assert_int_eq(cfx_val(&f, v)->tokens, 1045000000);
    ck_assert(ak_dec_cmp(cfx_val(&f, v)->shares, ak_dec_from_int(1100000000)) == 0);
    ak_amount nb0 = cfx_pool(&f, AK_MODULE_NOT_BONDED_POOL);
    m = cfx_delegate_msg(&f, AK_MSG_UNDELEGATE, f.alice, v, 95000000);
    fx_ok(&f, &m);
    ck_assert(ak_dec_is_zero(cfx_shares(&f, f.alice, v)));
    ck_assert_int_eq(cfx_pool(&f, AK_MODULE_NOT_BONDED_POOL) - nb0, 95000000);
    ck_assert_int_eq(cfx_val(&f, v)->tokens, 950000000);
    fx_fini(&f);
}
END_TEST

/* An unbonding entry is paid at the first EndBlock whose time reaches its completion. */
START_TEST(unbonding_pays_out_on_time)
{
    ak_params p = quick_params();
    fx f;
    cfx_init_params(&f, &p);
    ak_addr v = cfx_validator(&f, "v", 10000000, "0.05");
    cfx_delegation(&f, f.alice, v, 5000000);
    cfx_at(&f, 2); /* time = genesis + 6 s: completion at genesis + 66 s, height 12 */
    ak_amount before = fx_balance(&f, f.alice);
    ak_msg m = cfx_delegate_msg(&f, AK_MSG_UNDELEGATE, f.alice, v, 2000000);
    fx_ok(&f, &m);
    cfx_at(&f, 11);
    ck_assert_int_eq(ak_app_end_block(f.app), 0);
    f.in_block = false;
    ck_assert_int_eq(fx_balance(&f, f.alice), before);
    cfx_at(&f, 12);
    ck_assert_int_eq(ak_app_end_block(f.app), 0);
    f.in_block = false;
    ck_assert_int_eq(fx_balance(&f, f.alice), before + 2000000);
    ck_assert_int_eq(cfx_pool(&f, AK_MODULE_NOT_BONDED_POOL), 0);
    fx_fini(&f);
}
END_TEST

/* max_validators bounds the set; equal powers rank by address; a jailed validator leaves at
 * the next EndBlock and consensus drops it two heights later. */
START_TEST(set_update_ranks_caps_and_jails)
{
    ak_params p = quick_params();
    p.staking.max_validators = 2;
    fx f;
    cfx_init_params(&f, &p);
    ak_addr x = cfx_validator(&f, "x", 2000000, "0.05");
    ak_addr y = cfx_validator(&f, "y", 2000000, "0.05");
    ak_addr w = cfx_validator(&f, "w", 1500000, "0.05");
    cfx_at(&f, 1);
    ck_assert_uint_eq(cfx_val(&f, x)->status, AK_BOND_BONDED);
    ck_assert_uint_eq(cfx_val(&f, y)->status, AK_BOND_BONDED);
    ck_assert_uint_eq(cfx_val(&f, w)->status, AK_BOND_UNBONDED);
    ck_assert_int_eq(cfx_pool(&f, AK_MODULE_NOT_BONDED_POOL), 1500000);
    /* jail y at height 3: w (power 1) takes its place at EndBlock(3) */
    cfx_at(&f, 3);
    ck_assert_int_eq(ak_staking_jail(f.app, ak_staking_find_val(f.app, y)), 0);
    ck_assert_int_eq(ak_staking_jail(f.app, ak_staking_find_val(f.app, y)), AK_EVALIDATOR_JAILED);
    cfx_at(&f, 4);
    ck_assert_uint_eq(cfx_val(&f, y)->status, AK_BOND_UNBONDING);
    ck_assert_uint_eq(cfx_val(&f, w)->status, AK_BOND_BONDED);
    ck_assert_int_eq(cfx_pool(&f, AK_MODULE_BONDED_POOL), 3500000);
    /* consensus: updates of EndBlock(3) sign at height 5 */
    const ak_consensus *c = ak_app_consensus(f.app);
    ck_assert_int_ge(ak_valset_index(&c->cur, y), 0);
    cfx_at(&f, 5);
    ck_assert_int_lt(ak_valset_index(&c->cur, y), 0);
    ck_assert_int_ge(ak_valset_index(&c->cur, w), 0);
    /* after the unbonding time y is unbonded, still holding its tokens and shares */
    cfx_at(&f, 20);
    ck_assert_uint_eq(cfx_val(&f, y)->status, AK_BOND_UNBONDED);
    ck_assert_int_eq(cfx_val(&f, y)->tokens, 2000000);
    fx_fini(&f);
}
END_TEST

START_TEST(create_validator_checks)
{
    fx f;
    cfx_init(&f);
    cfx_validator(&f, "v", 10000000, "0.05");
    cfx_at(&f, 1);
    ak_msg m = cfx_create_validator_msg(&f, f.carol, 0, "0.05");
    fx_fails(&f, &m, AK_EINVALID_REQUEST);
    m = cfx_create_validator_msg(&f, f.carol, 1000000, "0.05");
    m.create_validator.max_rate = fx_dec("1.1");
    fx_fails(&f, &m, AK_ECOMMISSION_HUGE);
    m.create_validator.max_rate = fx_dec("0.2");
    m.create_validator.rate = fx_dec("0.3");
    fx_fails(&f, &m, AK_ECOMMISSION_GT_MAX_RATE);
    m.create_validator.rate = fx_dec("-0.1");
    fx_fails(&f, &m, AK_ECOMMISSION_NEGATIVE);
    m.create_validator.rate = fx_dec("0.1");
    m.create_validator.max_change_rate = fx_dec("-0.01");
    fx_fails(&f, &m, AK_ECOMMISSION_CHANGE_RATE_NEGATIVE);
    m.create_validator.max_change_rate = fx_dec("0.3");
    fx_fails(&f, &m, AK_ECOMMISSION_CHANGE_RATE_GT_MAX_RATE);
    m.create_validator.max_change_rate = fx_dec("0.01");
    m.create_validator.min_self_delegation = 2000000;
    fx_fails(&f, &m, AK_ESELF_DELEGATION_BELOW_MINIMUM);
    m.create_validator.min_self_delegation = 0;
    fx_fails(&f, &m, AK_EINVALID_REQUEST);
    m.create_validator.min_self_delegation = 1;
    m.create_validator.rate = fx_dec("0.04"); /* below Akash's 5 % minimum */
    fx_fails(&f, &m, AK_ECOMMISSION_LT_MIN_RATE);
    m.create_validator.rate = fx_dec("0.1");
    m.create_validator.amount.denom = f.uusdc;
    fx_fails(&f, &m, AK_EINVALID_REQUEST);
    ck_assert_str_eq(f.res.detail, "invalid coin denomination: got uusdc, expected uakt: invalid request");
    m.create_validator.amount.denom = f.uakt;
    fx_ok(&f, &m);
    fx_fails(&f, &m, AK_EVALIDATOR_OWNER_EXISTS);
    /* it joins the set at EndBlock */
    ak_addr carol = f.carol;
    ck_assert_uint_eq(cfx_val(&f, carol)->status, AK_BOND_UNBONDED);
    cfx_at(&f, 2);
    ck_assert_uint_eq(cfx_val(&f, carol)->status, AK_BOND_BONDED);
    fx_fini(&f);
}
END_TEST

START_TEST(delegation_errors)
{
    ak_params p = quick_params();
    p.staking.max_entries = 2;
    fx f;
    cfx_init_params(&f, &p);
    ak_addr v = cfx_validator(&f, "v", 10000000, "0.05");
    ak_addr u = cfx_validator(&f, "u", 10000000, "0.05");
    cfx_at(&f, 1);
    ak_msg m = cfx_delegate_msg(&f, AK_MSG_DELEGATE, f.alice, f.bob, 1000);
    fx_fails(&f, &m, AK_ENO_VALIDATOR_FOUND);
    m = cfx_delegate_msg(&f, AK_MSG_DELEGATE, f.alice, v, 0);
    fx_fails(&f, &m, AK_EINVALID_REQUEST);
    m = cfx_delegate_msg(&f, AK_MSG_DELEGATE, f.bob, v, 1000);
    fx_fails(&f, &m, AK_EINSUFFICIENT_FUNDS);
    m = cfx_delegate_msg(&f, AK_MSG_UNDELEGATE, f.alice, v, 1000);
    fx_fails(&f, &m, AK_ENO_DELEGATION);
    m = cfx_delegate_msg(&f, AK_MSG_DELEGATE, f.alice, v, 3000000);
    fx_ok(&f, &m);
    m = cfx_delegate_msg(&f, AK_MSG_UNDELEGATE, f.alice, v, 3000001);
    fx_fails(&f, &m, AK_EBAD_SHARES_AMOUNT);
    /* two undelegations in one block share one entry; with max_entries 2 a second block's
     * adds the second entry and a third block's is refused */
    m = cfx_delegate_msg(&f, AK_MSG_UNDELEGATE, f.alice, v, 1000000);
    fx_ok(&f, &m);
    m.delegate.amount.amount = 500000;
    fx_ok(&f, &m);
    cfx_at(&f, 2);
    fx_ok(&f, &m);
    cfx_at(&f, 3);
    fx_fails(&f, &m, AK_EMAX_UNBONDING_DELEGATION_ENTRIES);
    /* redelegations */
    m = cfx_redelegate_msg(&f, f.alice, v, v, 100);
    fx_fails(&f, &m, AK_ESELF_REDELEGATION);
    m = cfx_redelegate_msg(&f, f.alice, v, f.bob, 100);
    fx_fails(&f, &m, AK_EBAD_REDELEGATION_DST);
    m = cfx_redelegate_msg(&f, f.alice, v, u, 300000);
    fx_ok(&f, &m);
    fx_ok(&f, &m); /* redelegation entries are never merged */
    fx_fails(&f, &m, AK_EMAX_REDELEGATION_ENTRIES);
    /* a redelegation out of u while the one into u is immature is transitive */
    m = cfx_redelegate_msg(&f, f.alice, u, v, 100);
    fx_fails(&f, &m, AK_ETRANSITIVE_REDELEGATION);
    fx_fini(&f);
}
END_TEST

/* The exchange-rate errors. A validator slashed to zero tokens with shares left (a slash
 * fraction of 1, which gov may set) can be neither delegated to (InvalidExRate:
 * ErrDelegatorShareExRateInvalid) nor undelegated from (SharesFromTokens by zero tokens:
 * ErrInsufficientShares). And a redelegation whose shares are worth less than one token after
 * rounding is refused: u holds 10 945 000 tokens for 11 000 000 shares (a 0.005 slash), so
 * 1 uakt is 1.005025125628140703 shares (QuoInt truncates), worth
 * Quo(1.005025125628140703 x 10 945 000, 11 000 000) = 0.999999999999999999 tokens, which
 * truncates to 0: ErrTinyRedelegationAmount, with nothing changed. */
START_TEST(exchange_rate_errors)
{
    ak_params p = quick_params();
    fx f;
    cfx_init_params(&f, &p);
    ak_addr v = cfx_validator(&f, "v", 10000000, "0.05");
    ak_addr u = cfx_validator(&f, "u", 10000000, "0.05");
    ak_addr w = cfx_validator(&f, "w", 10000000, "0.05");
    cfx_delegation(&f, f.alice, v, 1000000);
    cfx_delegation(&f, f.alice, u, 1000000);
    cfx_at(&f, 1);
    ck_assert_int_eq(ak_staking_slash(f.app, ak_staking_find_val(f.app, v), 1, 11, ak_dec_from_int(1)), 0);
    ck_assert_int_eq(cfx_val(&f, v)->tokens, 0);
    ck_assert(ak_dec_is_positive(cfx_val(&f, v)->shares));
    ak_msg m = cfx_delegate_msg(&f, AK_MSG_DELEGATE, f.alice, v, 1000);
    fx_fails(&f, &m, AK_EDELEGATOR_SHARE_EX_RATE_INVALID);
    m = cfx_delegate_msg(&f, AK_MSG_UNDELEGATE, f.alice, v, 1000);
    fx_fails(&f, &m, AK_EINSUFFICIENT_SHARES);

    ck_assert_int_eq(ak_staking_slash(f.app, ak_staking_find_val(f.app, u), 1, 11, fx_dec("0.005")), 0);
    ck_assert_int_eq(cfx_val(&f, u)->tokens, 10945000);
    m = cfx_redelegate_msg(&f, f.alice, u, w, 1);
    fx_fails(&f, &m, AK_ETINY_REDELEGATION_AMOUNT);
    /* 2 uakt: 2.010050251256281407 shares, worth 1.9999999999999999995... tokens: Quo rounds
     * to 2 */
    m = cfx_redelegate_msg(&f, f.alice, u, w, 2);
    fx_ok(&f, &m);
    ck_assert_int_eq(cfx_val(&f, w)->tokens, 10000002);
    fx_fini(&f);
}
END_TEST

/* getBeginInfo after Unbond: redelegating the last shares of an unbonded validator deletes it
 * inside Unbond, so the lookup of the source fails and the whole redelegation with it
 * (ErrNoValidatorFound, nothing changed); undelegating the same shares succeeds. n (10 AKT) never
 * ranks with max_validators 1, so it stays unbonded; it is its own only delegator. */
START_TEST(redelegating_all_of_an_unbonded_validator_fails)
{
    ak_params p = quick_params();
    p.staking.max_validators = 1;
    fx f;
    cfx_init_params(&f, &p);
    ak_addr a = cfx_validator(&f, "a", 1000000000, "0.05");
    ak_addr n = cfx_validator(&f, "n", 10000000, "0.05");
    cfx_at(&f, 1);
    ck_assert_uint_eq(cfx_val(&f, n)->status, AK_BOND_UNBONDED);
    ak_msg m = cfx_redelegate_msg(&f, n, n, a, 10000000);
    fx_fails(&f, &m, AK_ENO_VALIDATOR_FOUND);
    ck_assert_int_eq(cfx_val(&f, n)->tokens, 10000000);
    m = cfx_redelegate_msg(&f, n, n, a, 4000000); /* not the last shares: done at once */
    fx_ok(&f, &m);
    ck_assert_int_eq(cfx_val(&f, a)->tokens, 1004000000);
    m = cfx_delegate_msg(&f, AK_MSG_UNDELEGATE, n, n, 6000000);
    fx_ok(&f, &m);
    ck_assert_uint_eq(ak_staking_find_val(f.app, n), AK_POOL_NONE);
    fx_fini(&f);
}
END_TEST

START_TEST(edit_validator_rules)
{
    fx f;
    cfx_init(&f);
    ak_addr v = cfx_validator(&f, "v", 10000000, "0.05");
    cfx_at(&f, 1);
    ak_msg m = {.type = AK_MSG_EDIT_VALIDATOR};
    m.edit_validator.validator = v;
    m.edit_validator.has_rate = true;
    m.edit_validator.rate = fx_dec("0.06");
    /* the genesis commission was set at genesis time: within 24 h no change */
    fx_fails(&f, &m, AK_ECOMMISSION_UPDATE_TIME);
    cfx_at(&f, 1 + 86400 / 6);
    m.edit_validator.rate = fx_dec("0.07");
    fx_fails(&f, &m, AK_ECOMMISSION_GT_MAX_CHANGE_RATE);
    m.edit_validator.rate = fx_dec("0.3");
    fx_fails(&f, &m, AK_ECOMMISSION_GT_MAX_RATE);
    m.edit_validator.rate = fx_dec("0.04"); /* the edit's own text, not ErrCommissionLTMinRate */
    fx_fails(&f, &m, AK_EINVALID_REQUEST);
    ck_assert_str_eq(f.res.detail, "commission rate cannot be less than the min commission rate "
                                   "0.050000000000000000: invalid request");
    m.edit_validator.rate = fx_dec("1.5");
    fx_fails(&f, &m, AK_EINVALID_REQUEST);
    m.edit_validator.rate = fx_dec("0.06");
    fx_ok(&f, &m);
    ck_assert(ak_dec_cmp(cfx_val(&f, v)->commission_rate, fx_dec("0.06")) == 0);
    fx_fails(&f, &m, AK_ECOMMISSION_UPDATE_TIME);
    m.edit_validator.has_rate = false;
    m.edit_validator.has_min_self_delegation = true;
    m.edit_validator.min_self_delegation = 1;
    fx_fails(&f, &m, AK_EMIN_SELF_DELEGATION_DECREASED);
    m.edit_validator.min_self_delegation = 20000000;
    fx_fails(&f, &m, AK_ESELF_DELEGATION_BELOW_MINIMUM);
    m.edit_validator.min_self_delegation = 5000000;
    fx_ok(&f, &m);
    m.edit_validator.validator = f.bob;
    fx_fails(&f, &m, AK_ENO_VALIDATOR_FOUND);
    fx_fini(&f);
}
END_TEST

/* An operator whose self-delegation falls below its minimum is jailed by its own undelegation. */
START_TEST(self_undelegation_below_minimum_jails)
{
    ak_params p = quick_params();
    fx f;
    cfx_init_params(&f, &p);
    ak_addr v = cfx_validator(&f, "v", 10000000, "0.05");
    ak_addr u = cfx_validator(&f, "u", 10000000, "0.05");
    (void)u;
    cfx_at(&f, 1);
    ak_msg e = {.type = AK_MSG_EDIT_VALIDATOR};
    e.edit_validator.validator = v;
    e.edit_validator.has_min_self_delegation = true;
    e.edit_validator.min_self_delegation = 9000000;
    fx_ok(&f, &e);
    ak_msg m = cfx_delegate_msg(&f, AK_MSG_UNDELEGATE, v, v, 2000000);
    fx_ok(&f, &m);
    ck_assert(cfx_val(&f, v)->jailed);
    fx_fini(&f);
}
END_TEST

/* Slash with an earlier infraction height takes from unbonding entries created since. */
START_TEST(slash_reaches_unbonding_entries)
{
    ak_params p = quick_params();
    p.staking.unbonding_time = 3600;
    fx f;
    cfx_init_params(&f, &p);
    ak_addr v = cfx_validator(&f, "v", 1000000000, "0.05");
    cfx_validator(&f, "u", 1000000000, "0.05");
    cfx_delegation(&f, f.alice, v, 0 + 200000000);
    cfx_at(&f, 5);
    ak_msg m = cfx_delegate_msg(&f, AK_MSG_UNDELEGATE, f.alice, v, 200000000);
    fx_ok(&f, &m);
    cfx_at(&f, 10);
    /* infraction at height 4 with power 1200 (1,200 AKT), 5 %: 60,000,000 in all; the entry
     * created at 5 owes 5 % of 200,000,000 = 10,000,000; the validator burns the rest */
    ak_amount supply0 = ak_bank_supply_of(ak_app_bank(f.app), f.uakt);
    uint32_t vh = ak_staking_find_val(f.app, v);
    ck_assert_int_eq(ak_staking_slash(f.app, vh, 4, 1200, fx_dec("0.05")), 0);
    ck_assert_int_eq(supply0 - ak_bank_supply_of(ak_app_bank(f.app), f.uakt), 60000000);
    ck_assert_int_eq(cfx_val(&f, v)->tokens, 1000000000 - 50000000);
    fx_fini(&f);
}
END_TEST

/* SlashRedelegation (2.6): an entry created at or after the infraction owes fraction x its
 * initial balance. It is taken first from the delegator's unbonding entries at the destination,
 * and then, independently of what those covered, fraction x shares_dst of the destination
 * delegation is unbonded and burned from the destination's pool. An entry created before the
 * infraction is not touched. The source pays what the entries did not owe. */
START_TEST(slash_reaches_redelegation_entries)
{
    ak_params p = quick_params();
    p.staking.unbonding_time = 3600;
    fx f;
    cfx_init_params(&f, &p);
    ak_addr v = cfx_validator(&f, "v", 1000000000, "0.05");
    ak_addr w = cfx_validator(&f, "w", 1000000000, "0.05");
    cfx_delegation(&f, f.alice, v, 200000000);
    cfx_delegation(&f, f.carol, v, 20000000);
    cfx_at(&f, 3);
    ak_msg m = cfx_redelegate_msg(&f, f.carol, v, w, 20000000); /* before the infraction */
    fx_ok(&f, &m);
    cfx_at(&f, 5);
    m = cfx_redelegate_msg(&f, f.alice, v, w, 100000000);
    fx_ok(&f, &m);
    cfx_at(&f, 6);
    m = cfx_delegate_msg(&f, AK_MSG_UNDELEGATE, f.alice, w, 3000000);
    fx_ok(&f, &m);
    cfx_at(&f, 10);
    ck_assert_int_eq(cfx_val(&f, v)->tokens, 1100000000);
    ck_assert_int_eq(cfx_val(&f, w)->tokens, 1117000000);
    ak_amount supply0 = ak_bank_supply_of(ak_app_bank(f.app), f.uakt);
    ak_amount bonded0 = cfx_pool(&f, AK_MODULE_BONDED_POOL);
    ak_amount not_bonded0 = cfx_pool(&f, AK_MODULE_NOT_BONDED_POOL);
    /* infraction at 4, power 1200, 5 %: 60,000,000 owed. Alice's entry (created at 5) owes
     * 5 % of 100,000,000 = 5,000,000: her 3,000,000 unbonding at w is taken whole, then 5 % of
     * her 100,000,000 destination shares (5,000,000 tokens at w's rate 1) are unbonded and
     * burned, 8,000,000 in all although the entry counted 5,000,000 towards the total. Carol's
     * entry (created at 3) is not slashed. v burns 60,000,000 - 5,000,000 = 55,000,000. */
    ck_assert_int_eq(ak_staking_slash(f.app, ak_staking_find_val(f.app, v), 4, 1200, fx_dec("0.05")), 0);
    ck_assert_int_eq(supply0 - ak_bank_supply_of(ak_app_bank(f.app), f.uakt), 63000000);
    ck_assert_int_eq(cfx_val(&f, v)->tokens, 1045000000);
    ck_assert_int_eq(cfx_val(&f, w)->tokens, 1112000000);
    ck_assert_int_eq(bonded0 - cfx_pool(&f, AK_MODULE_BONDED_POOL), 60000000);
    ck_assert_int_eq(not_bonded0 - cfx_pool(&f, AK_MODULE_NOT_BONDED_POOL), 3000000);
    ck_assert(ak_dec_cmp(cfx_shares(&f, f.alice, w), ak_dec_from_int(92000000)) == 0);
    ck_assert(ak_dec_cmp(cfx_shares(&f, f.carol, w), ak_dec_from_int(20000000)) == 0);
    char err[256];
    ck_assert_msg(ak_app_check(f.app, err, sizeof err) == 0, "%s", err);
    /* the matured entry is left alone: a second slash after completion takes only from v */
    cfx_at(&f, 10 + 3600 / 6 + 1);
    ak_amount s1 = ak_bank_supply_of(ak_app_bank(f.app), f.uakt);
    ak_amount w1 = cfx_val(&f, w)->tokens;
    ck_assert_int_eq(ak_staking_slash(f.app, ak_staking_find_val(f.app, v), 4, 1045, fx_dec("0.01")), 0);
    ck_assert_int_eq(s1 - ak_bank_supply_of(ak_app_bank(f.app), f.uakt), 10450000);
    ck_assert_int_eq(cfx_val(&f, w)->tokens, w1);
    fx_fini(&f);
}
END_TEST

/* ak_staking_check notices pools that disagree with validators and entries, and delegations
 * that do not add up to their validator's shares. */
START_TEST(check_catches_corruption)
{
    ak_params p = quick_params();
    p.staking.unbonding_time = 3600;
    fx f;
    cfx_init_params(&f, &p);
    ak_addr v = cfx_validator(&f, "v", 1000000000, "0.05");
    cfx_delegation(&f, f.alice, v, 200000000);
    cfx_at(&f, 2);
    ak_msg m = cfx_delegate_msg(&f, AK_MSG_UNDELEGATE, f.alice, v, 50000000);
    fx_ok(&f, &m);
    char err[256];
    ck_assert_int_eq(ak_staking_check(f.app, err, sizeof err), 0);
    ak_staking *st = &f.app->staking;
    ak_validator *val = ak_pool_at(&st->vals, ak_staking_find_val(f.app, v));
    val->tokens += 1;
    ck_assert_int_eq(ak_staking_check(f.app, err, sizeof err), AK_EINVARIANT);
    ck_assert_ptr_nonnull(strstr(err, "bonded pool holds 1150000000 but bonded validators have 1150000001"));
    ck_assert_int_eq(ak_app_check(f.app, err, sizeof err), AK_EINVARIANT);
    val->tokens -= 1;
    ak_ubd_entry *e = ak_pool_at(&st->ubd_entries, 0);
    e->balance -= 1;
    ck_assert_int_eq(ak_staking_check(f.app, err, sizeof err), AK_EINVARIANT);
    ck_assert_ptr_nonnull(strstr(err, "not-bonded pool holds 50000000"));
    e->balance += 1;
    ak_delegation *d = ak_pool_at(&st->dels, ak_staking_find_del(f.app, f.alice, ak_staking_find_val(f.app, v)));
    d->shares.v += 1;
    ck_assert_int_eq(ak_staking_check(f.app, err, sizeof err), AK_EINVARIANT);
    ck_assert_ptr_nonnull(strstr(err, "add up to other shares"));
    d->shares.v -= 1;
    ck_assert_int_eq(ak_app_check(f.app, err, sizeof err), 0);
    fx_fini(&f);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("staking");
    TCase *tc = tcase_create("staking");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, genesis_bonds_validators);
    tcase_add_test(tc, e89_shares_after_a_slash);
    tcase_add_test(tc, unbonding_pays_out_on_time);
    tcase_add_test(tc, set_update_ranks_caps_and_jails);
    tcase_add_test(tc, create_validator_checks);
    tcase_add_test(tc, delegation_errors);
    tcase_add_test(tc, exchange_rate_errors);
    tcase_add_test(tc, redelegating_all_of_an_unbonded_validator_fails);
    tcase_add_test(tc, edit_validator_rules);
    tcase_add_test(tc, self_undelegation_below_minimum_jails);
    tcase_add_test(tc, slash_reaches_unbonding_entries);
    tcase_add_test(tc, slash_reaches_redelegation_entries);
    tcase_add_test(tc, check_catches_corruption);
    suite_add_tcase(s, tc);
    return fx_run(s);
}
