/*
 * tests/test_mint.c: the minter's BeginBlock (chain-rules.md section 5.1, worked example 8.6),
 * through the app: genesis validators fix the bonded tokens, genesis balances the supply, and
 * block 1 runs the first mint step (distribution allocates nothing at height 1).
 *
 * Expected numbers come from the rules page (8.6) and a Python model of the SDK's
 * NextInflationRate / NextAnnualProvisions / BlockProvision with LegacyDec's rounding, not from
 * this code's output.
 */
#include <stdlib.h>

#include "check_run.h"
#include "app_int.h"
#include "chainfx.h"

#define S_TOTAL ((ak_amount)100000000000000) /* 10^14 uakt = 100 M AKT */
#define FIXTURE_BALANCES ((ak_amount)170000000) /* alice, carol, prov1, prov2 */

typedef struct mint_case {
    const char *inflation, *rate, *max, *min, *goal;
    uint64_t blocks_per_year;
} mint_case;

/* An app whose supply is `supply` uakt of which `bonded` is bonded by one genesis validator,
 * with the mint params and starting inflation of mc. */
static void mint_world(fx *f, const mint_case *mc, ak_amount supply, ak_amount bonded)
{
    fx tmp;
    fx_init(&tmp);
    ak_params p = *ak_app_params(tmp.app);
    fx_fini(&tmp);
    p.mint.inflation_rate_change = fx_dec(mc->rate);
    p.mint.inflation_max = fx_dec(mc->max);
    p.mint.inflation_min = fx_dec(mc->min);
    p.mint.goal_bonded = fx_dec(mc->goal);
    p.mint.blocks_per_year = mc->blocks_per_year;
    cfx_init_params(f, &p);
    ak_app_set_inflation(f->app, fx_dec(mc->inflation));
    cfx_validator(f, "v", bonded, "0.05");
    ak_amount rest = supply - bonded - FIXTURE_BALANCES;
    if (rest > 0)
        ck_assert_int_eq(ak_app_genesis_balance(f->app, fx_s(f, "reserve"), (ak_coin){f->uakt, rest}), 0);
    ck_assert_int_eq(ak_bank_supply_of(ak_app_bank(f->app), f->uakt), supply);
}

static ak_amount supply_of(fx *f)
{
    return ak_bank_supply_of(ak_app_bank(f->app), f->uakt);
}

static void assert_dec(ak_dec got, const char *want)
{
    char buf[AK_DEC_STRLEN];
    ak_dec_format(got, buf, sizeof buf);
    ck_assert_msg(ak_dec_cmp(got, fx_dec(want)) == 0, "got %s, want %s", buf, want);
}

static const mint_case akash_genesis = {"0.52", "0.13", "0.58", "0.46", "0.67", 5256000};

/* 8.6: Akash genesis params, S = 10^14, bonded 5 x 10^13: b = 0.5, inflation
 * 0.520000006275699130, annual provisions 52 000 000 627 569.913, block provision 9 893 455 uakt
 * minted into the fee collector. */
START_TEST(e86_one_step)
{
    fx f;
    mint_world(&f, &akash_genesis, S_TOTAL, 50000000000000);
    cfx_at(&f, 1);
    const ak_minter *m = ak_app_minter(f.app);
    assert_dec(m->inflation, "0.520000006275699130");
    assert_dec(m->annual_provisions, "52000000627569.913");
    ck_assert_int_eq(supply_of(&f), S_TOTAL + 9893455);
    ck_assert_int_eq(fx_module(&f, AK_MODULE_FEE_COLLECTOR), 9893455);
    fx_fini(&f);
}
END_TEST

/* The next steps use the new supply (S + 9 893 455, then + 9 893 456) and the same bonded
 * pool: b = 0.499999950532729894, inflation 0.520000012551400086, provision 9 893 456; then
 * b = 0.499999901065464576, inflation 0.520000018827102868, provision 9 893 457. */
START_TEST(e86_three_steps)
{
    fx f;
    mint_world(&f, &akash_genesis, S_TOTAL, 50000000000000);
    cfx_at(&f, 2);
    ck_assert_int_eq(cfx_pool(&f, AK_MODULE_BONDED_POOL), 50000000000000);
    assert_dec(ak_app_minter(f.app)->inflation, "0.520000012551400086");
    assert_dec(ak_app_minter(f.app)->annual_provisions, "52000006399736.732776711937837130");
    ck_assert_int_eq(supply_of(&f), S_TOTAL + 9893455 + 9893456);
    cfx_at(&f, 3);
    assert_dec(ak_app_minter(f.app)->inflation, "0.520000018827102868");
    assert_dec(ak_app_minter(f.app)->annual_provisions, "52000012171904.379330208836960748");
    ck_assert_int_eq(supply_of(&f), S_TOTAL + 9893455 + 9893456 + 9893457);
    fx_fini(&f);
}
END_TEST

/* 8.6, SDK defaults (inflation 0.13, max 0.20, min 0.07, 6 311 520 blocks/yr), bonded 0.8 S:
 * inflation 0.129999996003517283, provision 2 059 725 uakt. */
START_TEST(e86_sdk_defaults)
{
    static const mint_case sdk = {"0.13", "0.13", "0.20", "0.07", "0.67", 6311520};
    fx f;
    mint_world(&f, &sdk, S_TOTAL, 80000000000000);
    cfx_at(&f, 1);
    assert_dec(ak_app_minter(f.app)->inflation, "0.129999996003517283");
    assert_dec(ak_app_minter(f.app)->annual_provisions, "12999999600351.7283");
    ck_assert_int_eq(supply_of(&f), S_TOTAL + 2059725);
    ck_assert_int_eq(fx_module(&f, AK_MODULE_FEE_COLLECTOR), 2059725);
    fx_fini(&f);
}
END_TEST

/* Clamps: at the maximum with b < goal the rate stays at 0.58 (provision TruncateInt(0.58 x
 * 10^14 / 5 256 000) = 11 035 007); at the minimum with b = 0.9 > goal it stays at 0.46
 * (8 751 902). */
START_TEST(clamp_at_bounds)
{
    mint_case at_max = akash_genesis;
    at_max.inflation = "0.58";
    fx f;
    mint_world(&f, &at_max, S_TOTAL, 50000000000000);
    cfx_at(&f, 1);
    assert_dec(ak_app_minter(f.app)->inflation, "0.58");
    ck_assert_int_eq(supply_of(&f), S_TOTAL + 11035007);
    fx_fini(&f);

    mint_case at_min = akash_genesis;
    at_min.inflation = "0.46";
    mint_world(&f, &at_min, S_TOTAL, 90000000000000);
    cfx_at(&f, 1);
    assert_dec(ak_app_minter(f.app)->inflation, "0.46");
    assert_dec(ak_app_minter(f.app)->annual_provisions, "46000000000000");
    ck_assert_int_eq(supply_of(&f), S_TOTAL + 8751902);
    fx_fini(&f);
}
END_TEST

/* At a bound the minter skips NextInflationRate's steps when the bonded ratio pushes against
 * the bound; everywhere else it takes them. Against the formula applied here with the dec.h
 * operations the SDK names: inflation at the maximum, the minimum and in between, with bonded
 * ratios below, at and above the goal (0.67 of 10^14 is exactly 6.7 x 10^13). */
START_TEST(bounds_shortcut_matches_formula)
{
    static const char *starts[3] = {"0.58", "0.46", "0.5"};
    static const ak_amount bonded[4] = {50000000000000, 67000000000000, 67000000000001,
                                        90000000000000};
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 4; j++) {
            mint_case mc = akash_genesis;
            mc.inflation = starts[i];
            fx f;
            mint_world(&f, &mc, S_TOTAL, bonded[j]);
            ak_dec ratio, step, infl;
            ck_assert_int_eq(ak_dec_quo_int(ak_dec_from_int(bonded[j]), S_TOTAL, &ratio), 0);
            ck_assert_int_eq(ak_dec_quo(ratio, fx_dec(mc.goal), &step), 0);
            ck_assert_int_eq(ak_dec_sub(ak_dec_from_int(1), step, &step), 0);
            ck_assert_int_eq(ak_dec_mul(step, fx_dec(mc.rate), &step), 0);
            ak_dec bpy = ak_dec_from_int((int64_t)mc.blocks_per_year);
            ck_assert_int_eq(ak_dec_quo(step, bpy, &step), 0);
            ck_assert_int_eq(ak_dec_add(fx_dec(mc.inflation), step, &infl), 0);
            if (ak_dec_cmp(infl, fx_dec(mc.max)) > 0)
                infl = fx_dec(mc.max);
            if (ak_dec_cmp(infl, fx_dec(mc.min)) < 0)
                infl = fx_dec(mc.min);
            cfx_at(&f, 1);
            ck_assert_msg(ak_dec_cmp(ak_app_minter(f.app)->inflation, infl) == 0,
                          "start %s, bonded %lld", starts[i], (long long)bonded[j]);
            fx_fini(&f);
        }
}
END_TEST

/* A provision that truncates to 0 mints nothing, but the minter still moves: S = 171 000 000
 * (1 AKT bonded), 10^9 blocks/yr: b = 0.005847953216374269, inflation 0.130000000128865323,
 * annual provisions 22 230 000.022035970233, provision 0. */
START_TEST(zero_provision_mints_nothing)
{
    static const mint_case tiny = {"0.13", "0.13", "0.20", "0.07", "0.67", 1000000000};
    fx f;
    mint_world(&f, &tiny, FIXTURE_BALANCES + 1000000, 1000000);
    cfx_at(&f, 1);
    assert_dec(ak_app_minter(f.app)->inflation, "0.130000000128865323");
    assert_dec(ak_app_minter(f.app)->annual_provisions, "22230000.022035970233");
    ck_assert_int_eq(supply_of(&f), FIXTURE_BALANCES + 1000000);
    ck_assert_int_eq(fx_module(&f, AK_MODULE_FEE_COLLECTOR), 0);
    char err[256];
    ck_assert_msg(ak_app_check(f.app, err, sizeof err) == 0, "%s", err);
    fx_fini(&f);
}
END_TEST

/* Each rounding of the inflation step is the SDK's, seen through one block per year (so that
 * Delta_block = Delta_year and no 10^-18 is lost in the division): S = 7 x 10^9, bonded 5 x 10^9,
 * goal 0.67, rate change 0.77, inflation 0.13 (min 0, max 1).
 *   b = QuoInt: 0.714285714285714285 (a rounded Quo gives ...286)
 *   b / goal (Quo) = 1.066098081023454157; 1 - that = -0.066098081023454157
 *   x 0.77 (Mul, half to even) = -0.050895522388059701 -> inflation 0.079104477611940299
 * A truncated ratio, QuoTruncate or MulTruncate would give ...298 or ...300. Provision
 * TruncateInt(0.079104477611940299 x 7 x 10^9) = 553 731 343. */
START_TEST(rounding_of_each_step)
{
    static const mint_case one = {"0.13", "0.77", "1", "0", "0.67", 1};
    fx f;
    mint_world(&f, &one, 7000000000, 5000000000);
    cfx_at(&f, 1);
    assert_dec(ak_app_minter(f.app)->inflation, "0.079104477611940299");
    assert_dec(ak_app_minter(f.app)->annual_provisions, "553731343.283582093");
    ck_assert_int_eq(supply_of(&f), 7000000000 + 553731343);
    fx_fini(&f);
}
END_TEST

/* BlockProvision divides with QuoInt (truncating the scaled integer), not Quo: inflation held
 * at its maximum 0.816608996588235294, S = 7 000 000 017, 10 blocks/yr: annual provisions
 * 5 716 262 989.999999999999999998, / 10 = 571 626 298.999999999999999999 (QuoInt) -> 571 626 298
 * minted; a rounded Quo would make it 571 626 299.000000000000000000 -> 571 626 299. */
START_TEST(block_provision_truncates)
{
    static const mint_case at_max = {"0.816608996588235294", "0.13", "0.816608996588235294", "0",
                                     "0.67", 10};
    fx f;
    mint_world(&f, &at_max, 7000000017, 1000000000);
    cfx_at(&f, 1);
    assert_dec(ak_app_minter(f.app)->inflation, "0.816608996588235294");
    assert_dec(ak_app_minter(f.app)->annual_provisions, "5716262989.999999999999999998");
    ck_assert_int_eq(supply_of(&f), 7000000017 + 571626298);
    fx_fini(&f);
}
END_TEST

/* Without the chain layer (no genesis validator) nothing is minted. */
START_TEST(no_chain_no_mint)
{
    fx f;
    cfx_init(&f);
    cfx_at(&f, 5);
    ck_assert_int_eq(supply_of(&f), FIXTURE_BALANCES);
    fx_fini(&f);
}
END_TEST

static Suite *mint_suite(void)
{
    Suite *s = suite_create("mint");
    TCase *tc = tcase_create("mint");
    tcase_add_test(tc, e86_one_step);
    tcase_add_test(tc, e86_three_steps);
    tcase_add_test(tc, e86_sdk_defaults);
    tcase_add_test(tc, clamp_at_bounds);
    tcase_add_test(tc, bounds_shortcut_matches_formula);
    tcase_add_test(tc, zero_provision_mints_nothing);
    tcase_add_test(tc, rounding_of_each_step);
    tcase_add_test(tc, block_provision_truncates);
    tcase_add_test(tc, no_chain_no_mint);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return check_run(mint_suite());
}
