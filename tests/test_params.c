/*
 * tests/test_params.c: marketplace parameter defaults and validation (protocol/params.h;
 * market-rules.md section 2; the exact Params.Validate() rules of chain-sdk go/v0.1.9 as
 * /work/notes/provider-upstream.md section 4 reads them).
 *
 * One test per rule of ak_params_validate, each at its boundary (the first value refused and
 * the last accepted), then the take-rate lookup and the params an app starts from and accepts.
 */
#include <stdint.h>
#include <string.h>

#include "fixture.h"

typedef struct pfx {
    ak_strtab strs;
    ak_params p;
    ak_denom uakt, uact, uusdc;
    char msg[200];
} pfx;

static void pfx_init(pfx *t)
{
    ck_assert_int_eq(ak_strtab_init(&t->strs), 0);
    ck_assert_int_eq(ak_params_default(&t->p, &t->strs), 0);
    ck_assert(ak_strtab_find(&t->strs, "uakt", 4, &t->uakt));
    ck_assert(ak_strtab_find(&t->strs, "uact", 4, &t->uact));
    ck_assert_int_eq(ak_strtab_intern(&t->strs, "uusdc", 5, &t->uusdc), 0);
    t->msg[0] = '\0';
}

static void pfx_fini(pfx *t)
{
    ak_strtab_fini(&t->strs);
}

static int validate(pfx *t)
{
    t->msg[0] = '\0';
    return ak_params_validate(&t->p, &t->strs, t->msg, sizeof t->msg);
}

/* Valid, or AK_EINVALID_PARAM with exactly `msg`. */
static void refused(pfx *t, const char *msg)
{
    ck_assert_int_eq(validate(t), AK_EINVALID_PARAM);
    ck_assert_str_eq(t->msg, msg);
}

static void accepted(pfx *t)
{
    int rc = validate(t);
    ck_assert_msg(rc == 0, "refused: %s", t->msg);
}

START_TEST(defaults_are_the_code_defaults)
{
    pfx t;
    pfx_init(&t);
    const ak_params *p = &t.p;
    ck_assert_uint_eq(p->deployment.n_min_deposits, 1);
    ck_assert_uint_eq(p->deployment.min_deposits[0].denom, t.uakt);
    ck_assert_int_eq(p->deployment.min_deposits[0].amount, 500000);
    ck_assert_uint_eq(p->market.bid_min_deposit.denom, t.uakt);
    ck_assert_int_eq(p->market.bid_min_deposit.amount, 500000);
    ck_assert_uint_eq(p->market.order_max_bids, 20);
    /* NewCoins sorts by denom: uact before uakt */
    ck_assert_uint_eq(p->market.n_bid_min_deposits, 2);
    ck_assert_uint_eq(p->market.bid_min_deposits[0].denom, t.uact);
    ck_assert_int_eq(p->market.bid_min_deposits[0].amount, 500000);
    ck_assert_uint_eq(p->market.bid_min_deposits[1].denom, t.uakt);
    ck_assert_int_eq(p->market.bid_min_deposits[1].amount, 500000);
    ck_assert_uint_eq(p->take.default_take_rate, 20);
    ck_assert_uint_eq(p->take.n_denom_take_rates, 1);
    ck_assert_uint_eq(p->take.denom_take_rates[0].denom, t.uakt);
    ck_assert_uint_eq(p->take.denom_take_rates[0].rate, 2);
    accepted(&t);
    pfx_fini(&t);
}
END_TEST

/* validateMinDeposits: a denom listed twice. */
START_TEST(min_deposits_refuse_a_duplicate_denom)
{
    pfx t;
    pfx_init(&t);
    t.p.deployment.min_deposits[1] = (ak_coin){t.uusdc, 1};
    t.p.deployment.min_deposits[2] = (ak_coin){t.uakt, 7};
    t.p.deployment.n_min_deposits = 3;
    refused(&t, "deployment.min_deposits: duplicate Min Deposit for denom uakt");
    /* the duplicate is found at the entry that repeats, before that entry's amount check */
    t.p.deployment.min_deposits[2] = (ak_coin){t.uakt, 2147483647};
    refused(&t, "deployment.min_deposits: duplicate Min Deposit for denom uakt");
    t.p.deployment.n_min_deposits = 2;
    accepted(&t);
    /* a list longer than the struct holds is refused for its length, before any entry is read */
    t.p.deployment.n_min_deposits = AK_PARAMS_MAX_DENOMS + 1;
    ck_assert_int_eq(validate(&t), AK_EINVALID_PARAM);
    ck_assert_ptr_null(strstr(t.msg, "duplicate"));
    pfx_fini(&t);
}
END_TEST

/* Amount.Uint64() >= MaxInt32 is refused: 2147483646 is the largest minimum; zero is fine. */
START_TEST(min_deposits_are_below_max_int32)
{
    pfx t;
    pfx_init(&t);
    t.p.deployment.min_deposits[0].amount = 2147483647;
    refused(&t, "deployment.min_deposits: Min Deposit (uakt) - too large: 2147483647");
    t.p.deployment.min_deposits[0].amount = 2147483646;
    accepted(&t);
    t.p.deployment.min_deposits[0].amount = 0;
    accepted(&t);
    /* every entry is checked, not only uakt's */
    t.p.deployment.min_deposits[1] = (ak_coin){t.uusdc, INT64_MAX};
    t.p.deployment.n_min_deposits = 2;
    refused(&t, "deployment.min_deposits: Min Deposit (uusdc) - too large: 9223372036854775807");
    /* upstream panics on a negative amount (Uint64); akashsim refuses it */
    t.p.deployment.min_deposits[1].amount = -1;
    refused(&t, "deployment.min_deposits: Min Deposit (uusdc) is negative");
    pfx_fini(&t);
}
END_TEST

START_TEST(min_deposits_need_uakt)
{
    pfx t;
    pfx_init(&t);
    t.p.deployment.min_deposits[0] = (ak_coin){t.uusdc, 500000};
    refused(&t, "deployment.min_deposits: Min Deposits - uakt not given");
    t.p.deployment.n_min_deposits = 0;
    refused(&t, "deployment.min_deposits: Min Deposits - uakt not given");
    t.p.deployment.min_deposits[1] = (ak_coin){t.uakt, 500000};
    t.p.deployment.n_min_deposits = 2;
    accepted(&t);
    pfx_fini(&t);
}
END_TEST

/* validateOrderMaxBids: 1..500. */
START_TEST(order_max_bids_is_1_to_500)
{
    pfx t;
    pfx_init(&t);
    t.p.market.order_max_bids = 0;
    refused(&t, "market.order_max_bids: order max bids too low");
    t.p.market.order_max_bids = 501;
    refused(&t, "market.order_max_bids: order max bids too high");
    t.p.market.order_max_bids = UINT32_MAX;
    refused(&t, "market.order_max_bids: order max bids too high");
    t.p.market.order_max_bids = 1;
    accepted(&t);
    t.p.market.order_max_bids = 500;
    accepted(&t);
    pfx_fini(&t);
}
END_TEST

/* bid_min_deposit is only type-checked and bid_min_deposits is not checked at all. */
START_TEST(bid_min_deposits_are_not_value_checked)
{
    pfx t;
    pfx_init(&t);
    t.p.market.bid_min_deposit = (ak_coin){t.uusdc, 0};
    accepted(&t);
    t.p.market.bid_min_deposits[1] = t.p.market.bid_min_deposits[0]; /* a duplicate denom */
    t.p.market.bid_min_deposits[1].amount = -3;
    accepted(&t);
    pfx_fini(&t);
}
END_TEST

/* validateTakeRate: the default rate is a percentage, 0..100. */
START_TEST(default_take_rate_is_at_most_100)
{
    pfx t;
    pfx_init(&t);
    t.p.take.default_take_rate = 101;
    refused(&t, "take.default_take_rate: invalid Take Rate (101)");
    t.p.take.default_take_rate = 100;
    accepted(&t);
    t.p.take.default_take_rate = 0;
    accepted(&t);
    pfx_fini(&t);
}
END_TEST

/* validateDenomTakeRates, in order: duplicates, rate > 100, then the uakt entry. */
START_TEST(denom_take_rates_rules)
{
    pfx t;
    pfx_init(&t);
    t.p.take.denom_take_rates[1] = (ak_take_rate){t.uakt, 4};
    t.p.take.n_denom_take_rates = 2;
    refused(&t, "take.denom_take_rates: duplicate Denom Take Rate (uakt)");
    t.p.take.denom_take_rates[1] = (ak_take_rate){t.uusdc, 101};
    refused(&t, "take.denom_take_rates: invalid Denom Take Rate (uusdc=101)");
    t.p.take.denom_take_rates[1].rate = 100;
    accepted(&t);
    t.p.take.denom_take_rates[0].rate = 0;
    accepted(&t);
    t.p.take.denom_take_rates[0] = (ak_take_rate){t.uact, 5};
    refused(&t, "take.denom_take_rates: invalid Denom Take Rate - uakt must be present");
    t.p.take.n_denom_take_rates = 0;
    refused(&t, "take.denom_take_rates: invalid Denom Take Rate - uakt must be present");
    pfx_fini(&t);
}
END_TEST

/* Modules are validated deployment, market, take: the first failing module names itself. */
START_TEST(modules_are_validated_in_order)
{
    pfx t;
    pfx_init(&t);
    t.p.take.default_take_rate = 101;
    t.p.market.order_max_bids = 0;
    t.p.deployment.n_min_deposits = 0;
    refused(&t, "deployment.min_deposits: Min Deposits - uakt not given");
    t.p.deployment.n_min_deposits = 1;
    refused(&t, "market.order_max_bids: order max bids too low");
    t.p.market.order_max_bids = 20;
    refused(&t, "take.default_take_rate: invalid Take Rate (101)");
    pfx_fini(&t);
}
END_TEST

/* gov ValidateBasic: where the SDK prints a pointer for a non-positive max_deposit_period,
 * akashsim prints the duration (docs/deviations.md 6.8); the SDK's "quorom" stays. */
START_TEST(gov_periods_name_the_duration)
{
    pfx t;
    pfx_init(&t);
    t.p.gov.max_deposit_period = 0;
    refused(&t, "gov.max_deposit_period: maximum deposit period must be positive: 0s");
    t.p.gov.max_deposit_period = 1;
    accepted(&t);
    t.p.gov.voting_period = -5;
    refused(&t, "gov.voting_period: voting period must be positive: -5s");
    t.p.gov.voting_period = 1;
    t.p.gov.quorum = ak_dec_from_int(-1);
    refused(&t, "gov.quorum: quorom cannot be negative: -1.000000000000000000");
    pfx_fini(&t);
}
END_TEST

/* findRate: the first entry with the denom, else the default. */
START_TEST(take_rate_is_the_denom_entry_or_the_default)
{
    pfx t;
    pfx_init(&t);
    ck_assert_uint_eq(ak_params_take_rate(&t.p.take, t.uakt), 2);
    ck_assert_uint_eq(ak_params_take_rate(&t.p.take, t.uusdc), 20);
    t.p.take.denom_take_rates[1] = (ak_take_rate){t.uusdc, 7};
    t.p.take.denom_take_rates[2] = (ak_take_rate){t.uusdc, 9}; /* never valid; first wins */
    t.p.take.n_denom_take_rates = 3;
    ck_assert_uint_eq(ak_params_take_rate(&t.p.take, t.uusdc), 7);
    ck_assert_uint_eq(ak_params_take_rate(&t.p.take, t.uact), 20);
    pfx_fini(&t);
}
END_TEST

/* An app starts with the defaults; set_params validates as genesis does and keeps the old
 * params on refusal; accepted params govern the messages (a lower min deposit). */
START_TEST(app_params_are_validated_and_applied)
{
    fx f;
    fx_init(&f);
    const ak_params *cur = ak_app_params(f.app);
    ck_assert_int_eq(cur->deployment.min_deposits[0].amount, 500000);
    ck_assert_uint_eq(cur->market.order_max_bids, 20);
    ak_params p = *cur;
    p.market.order_max_bids = 501;
    char why[200];
    ck_assert_int_eq(ak_app_set_params(f.app, &p, why, sizeof why), AK_EINVALID_PARAM);
    ck_assert_str_eq(why, "market.order_max_bids: order max bids too high");
    ck_assert_uint_eq(ak_app_params(f.app)->market.order_max_bids, 20);
    p.market.order_max_bids = 500;
    p.deployment.min_deposits[0].amount = 1000;
    ck_assert_int_eq(ak_app_set_params(f.app, &p, why, sizeof why), 0);
    ck_assert_uint_eq(ak_app_params(f.app)->market.order_max_bids, 500);
    fx_at(&f, 1);
    ak_msg m = fx_deploy(&f, f.alice, 1, 999, "1");
    fx_fails(&f, &m, AK_EINVALID_DEPOSIT);
    ck_assert_str_eq(f.res.detail, "Deposit too low - 999 < 1000: Deposit invalid");
    m = fx_deploy(&f, f.alice, 1, 1000, "1");
    fx_ok(&f, &m);
    fx_fini(&f);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("params");
    TCase *tc = tcase_create("validate");
    tcase_add_test(tc, defaults_are_the_code_defaults);
    tcase_add_test(tc, min_deposits_refuse_a_duplicate_denom);
    tcase_add_test(tc, min_deposits_are_below_max_int32);
    tcase_add_test(tc, min_deposits_need_uakt);
    tcase_add_test(tc, order_max_bids_is_1_to_500);
    tcase_add_test(tc, bid_min_deposits_are_not_value_checked);
    tcase_add_test(tc, default_take_rate_is_at_most_100);
    tcase_add_test(tc, denom_take_rates_rules);
    tcase_add_test(tc, modules_are_validated_in_order);
    tcase_add_test(tc, gov_periods_name_the_duration);
    tcase_add_test(tc, take_rate_is_the_denom_entry_or_the_default);
    tcase_add_test(tc, app_params_are_validated_and_applied);
    suite_add_tcase(s, tc);
    return fx_run(s);
}
