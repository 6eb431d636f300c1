/*
 * protocol/mint.c: the minter's BeginBlock (x/mint of Cosmos SDK v0.53 with DefaultMintFn and
 * the default inflation function, as Akash wires it; chain-rules.md section 5.1; read from
 * akash-network/cosmos-sdk v0.53.4-akash.1 x/mint/keeper/mint.go, x/mint/types/minter.go and
 * x/staking/keeper/pool.go BondedRatio).
 *
 * Every step keeps the SDK's LegacyDec rounding (dec.h):
 *   S          bank supply of the bond denom (StakingTokenSupply)
 *   b          LegacyNewDecFromInt(bonded pool).QuoInt(S), truncating; 0 when S <= 0
 *   inflation  clamp(inflation + (1 - b.Quo(goal)).Mul(rate change).Quo(blocks per year),
 *              min, max)                       (Quo, Sub, Mul, Quo: rounded half to even)
 *   annual     inflation.MulInt(S)             (exact)
 *   provision  annual.QuoInt(blocks per year).TruncateInt(), minted in the mint denom into the
 *              fee collector; a zero provision mints nothing (MintCoins of no coins).
 * The minter (inflation, annual provisions) is saved before minting, as upstream.
 *
 * Runs once per block outside transactions, with no lookups beyond two balances.
 */
#include "app_int.h"
#include "errors.h"

int ak_mint_begin_block(ak_app *app)
{
    const ak_mint_params *p = &app->params.mint;
    if (p->blocks_per_year == 0 || p->blocks_per_year > INT64_MAX)
        return AK_EINVAL; /* validation forbids 0; Go's int64() would wrap a larger value */
    int64_t bpy = (int64_t)p->blocks_per_year;
    ak_amount supply = ak_bank_supply_of(&app->bank, app->params.staking.bond_denom);

    /* BondedRatio */
    ak_dec ratio = ak_dec_zero();
    if (supply > 0) {
        ak_dec bonded;
        if (ak_dec_from_int128(ak_staking_bonded_tokens(app), &bonded) ||
            ak_dec_quo_int(bonded, supply, &ratio))
            return AK_EOVERFLOW;
    }

    /* NextInflationRate. At a bound, with the bonded ratio on the side that pushes against it,
     * the rate stays at the bound and the steps are not needed: ratio <= goal gives
     * Quo(ratio, goal) <= 1 (rounding cannot pass 1), so the step is >= 0 (the rate change is
     * non-negative by validation) and max + step clamps to max; ratio >= goal the same way
     * keeps min. (A long run spends half its blocks at the maximum.) */
    ak_dec inflation, prev = app->minter.inflation;
    int rc;
    int side = ak_dec_cmp(ratio, p->goal_bonded);
    bool pinned = (side <= 0 && prev.v == p->inflation_max.v) ||
                  (side >= 0 && prev.v == p->inflation_min.v);
    if (pinned && !ak_dec_is_negative(p->inflation_rate_change) && p->goal_bonded.v > 0 &&
        ak_dec_cmp(p->inflation_min, p->inflation_max) <= 0) {
        inflation = prev;
    } else {
        ak_dec step, one = ak_dec_from_int(1);
        if ((rc = ak_dec_quo(ratio, p->goal_bonded, &step)) ||
            (rc = ak_dec_sub(one, step, &step)) ||
            (rc = ak_dec_mul(step, p->inflation_rate_change, &step)) ||
            (rc = ak_dec_quo(step, ak_dec_from_int(bpy), &step)))
            return rc;
        if ((rc = ak_dec_add(prev, step, &inflation)))
            return rc;
        if (ak_dec_cmp(inflation, p->inflation_max) > 0)
            inflation = p->inflation_max;
        if (ak_dec_cmp(inflation, p->inflation_min) < 0)
            inflation = p->inflation_min;
    }

    /* NextAnnualProvisions, BlockProvision */
    ak_dec annual, per_block;
    int64_t provision;
    if ((rc = ak_dec_mul_int(inflation, supply, &annual)) ||
        (rc = ak_dec_quo_int(annual, bpy, &per_block)) ||
        (rc = ak_dec_truncate_int(per_block, &provision)))
        return rc;

    AK_TOUCH(&app->store, &app->minter);
    app->minter.inflation = inflation;
    app->minter.annual_provisions = annual;
    if (provision <= 0)
        return 0; /* NewCoins drops a zero coin; a negative one would panic in NewCoin */
    return ak_bank_mint(&app->bank, ak_bank_module_addr(&app->bank, AK_MODULE_FEE_COLLECTOR),
                        (ak_coin){p->mint_denom, provision});
}
