/*
 * models/delegator.c: delegators who chase yield and validators who set their commission
 * (docs/scenarios.md "agents.delegators", "agents.validators"; chain-rules.md section 2).
 *
 *   genesis     Each delegator's stake (stake_akt) is bonded at genesis to one validator,
 *               validator i (in genesis order, from 1) with probability proportional to
 *               i^-alpha: a power law, most stake with the first few.
 *   review      Every review_days each delegator weighs its net yield, the staking APR
 *               (inflation x (1 - community tax) / bonded ratio) x (1 - its validator's
 *               commission), against target_apr:
 *                 below target - band      MsgUndelegate of unbond_share of its stake;
 *                 otherwise                if its validator is jailed, or charges more than
 *                                          the bonded set's median commission + switch_gap,
 *                                          MsgBeginRedelegate of everything to the cheapest
 *                                          bonded validator; and with restake, at or above
 *                                          target, MsgWithdrawDelegatorReward and MsgDelegate
 *                                          of its liquid balance (rewards withdrawn before,
 *                                          tokens unbonded before): re-staking.
 *   commission  Every review_days each bonded validator may change its rate by at most its
 *               max_change_rate (MsgEditValidator; the chain allows one change a day):
 *                 fixed        never;
 *                 competitive  toward max(min_commission_rate, median of the set - undercut);
 *                 greedy       up while its tokens did not fall since the last review, down
 *                              (not below min_commission_rate) when they did.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "staking.h"
#include "world.h"

static double dbl(ak_dec d)
{
    return (double)d.v * 1e-18;
}

double world_staking_apr(const ak_world *w)
{
    const ak_bank *bank = ak_app_bank(w->app);
    ak_amount supply = ak_bank_supply_of(bank, w->uakt);
    ak_amount bonded =
        ak_bank_balance_of(bank, ak_bank_module_addr(bank, AK_MODULE_BONDED_POOL), w->uakt);
    if (bonded <= 0 || supply <= 0)
        return NAN;
    double tax = dbl(ak_app_params(w->app)->distribution.community_tax);
    return dbl(ak_app_minter(w->app)->inflation) * (1 - tax) * (double)supply / (double)bonded;
}

int delegators_start(ak_world *w)
{
    const ak_scenario *sc = w->sc;
    int rc = 0;
    ak_usec t = (ak_usec)llround(sc->delegator_review_days * 86400e6);
    if (w->ndelegators && t < sc->duration_us)
        rc = world_schedule(w, t, W_EV_DELEGATORS, 0, 0, NULL);
    t = (ak_usec)llround(sc->commission_review_days * 86400e6);
    if (!rc && sc->commission_policy != AK_SC_COMM_FIXED && t < sc->duration_us)
        rc = world_schedule(w, t, W_EV_COMMISSION, 0, 0, NULL);
    return rc;
}

static const ak_validator *validator_of(const ak_world *w, ak_addr a)
{
    const ak_staking *st = ak_app_staking(w->app);
    uint32_t h = ak_map_get(&st->val_index, ak_key2(a, 0));
    return h == AK_POOL_NONE ? NULL : ak_pool_at(&st->vals, h);
}

static bool eligible(const ak_validator *v)
{
    return v && !v->removed && !v->jailed && v->status == AK_BOND_BONDED;
}

static int cmp_dec(const void *a, const void *b)
{
    return ak_dec_cmp(*(const ak_dec *)a, *(const ak_dec *)b);
}

/* The median commission of the bonded set, and its cheapest member (AK_ADDR_NONE if none). */
static ak_dec median_commission(const ak_world *w, ak_addr *cheapest)
{
    ak_dec rates[AK_SC_MAX_VALIDATORS];
    uint32_t n = 0;
    *cheapest = AK_ADDR_NONE;
    ak_dec low = ak_dec_zero();
    for (uint32_t i = 0; i < w->nvals; i++) {
        const ak_validator *v = validator_of(w, w->val_stats[i].addr);
        if (!eligible(v))
            continue;
        rates[n++] = v->commission_rate;
        if (*cheapest == AK_ADDR_NONE || ak_dec_cmp(v->commission_rate, low) < 0) {
            low = v->commission_rate;
            *cheapest = v->addr;
        }
    }
    if (n == 0)
        return ak_dec_zero();
    qsort(rates, n, sizeof rates[0], cmp_dec);
    return rates[n / 2];
}

/* The tokens of a delegation (shares x tokens / shares), truncated; 0 if none. */
static ak_amount delegation_tokens(const ak_world *w, ak_addr delegator, ak_addr val)
{
    const ak_staking *st = ak_app_staking(w->app);
    uint32_t vh = ak_map_get(&st->val_index, ak_key2(val, 0));
    if (vh == AK_POOL_NONE)
        return 0;
    const ak_validator *v = ak_pool_at(&st->vals, vh);
    uint32_t dh = ak_map_get(&st->del_index, ak_key2(delegator, vh));
    if (dh == AK_POOL_NONE || !ak_dec_is_positive(v->shares))
        return 0;
    const ak_delegation *d = ak_pool_at(&st->dels, dh);
    double t = dbl(d->shares) / dbl(v->shares) * (double)v->tokens;
    return t >= 1 ? (ak_amount)t : 0;
}

int delegators_review(ak_world *w)
{
    const ak_scenario *sc = w->sc;
    double apr = world_staking_apr(w);
    ak_addr cheapest;
    double median = dbl(median_commission(w, &cheapest));
    const ak_bank *bank = ak_app_bank(w->app);
    int rc = 0;
    for (uint32_t i = 0; !rc && i < w->ndelegators; i++) {
        w_delegator *dl = &w->delegators[i];
        const ak_validator *v = validator_of(w, dl->val);
        ak_amount staked = delegation_tokens(w, dl->addr, dl->val);
        double net = v ? apr * (1 - dbl(v->commission_rate)) : NAN;
        ak_msg m;
        if (staked > 0 && isfinite(net) && net < sc->target_apr - sc->apr_band) {
            ak_amount out = (ak_amount)floor((double)staked * sc->unbond_share);
            if (out < 1)
                continue;
            m = (ak_msg){.type = AK_MSG_UNDELEGATE};
            m.delegate.delegator = dl->addr;
            m.delegate.validator = dl->val;
            m.delegate.amount = (ak_coin){w->uakt, out};
            dl->unbonded += out;
            rc = world_submit(w, &m, W_TX_PLAIN, 0);
            continue;
        }
        bool moved = false;
        if (sc->switch_validator && staked > 0 && cheapest != AK_ADDR_NONE &&
            cheapest != dl->val && (!eligible(v) || dbl(v->commission_rate) > median +
                                                                              sc->switch_gap)) {
            m = (ak_msg){.type = AK_MSG_BEGIN_REDELEGATE};
            m.redelegate.delegator = dl->addr;
            m.redelegate.src = dl->val;
            m.redelegate.dst = cheapest;
            m.redelegate.amount = (ak_coin){w->uakt, staked};
            dl->val = cheapest;
            dl->switches++;
            moved = true;
            rc = world_submit(w, &m, W_TX_PLAIN, 0);
        }
        if (rc || !sc->restake || !(net >= sc->target_apr))
            continue;
        if (!moved && staked > 0) {
            m = (ak_msg){.type = AK_MSG_WITHDRAW_DELEGATOR_REWARD};
            m.withdraw_reward.delegator = dl->addr;
            m.withdraw_reward.validator = dl->val;
            if ((rc = world_submit(w, &m, W_TX_PLAIN, 0)))
                break;
        }
        ak_amount liquid = ak_bank_balance_of(bank, dl->addr, w->uakt);
        if (liquid > 0) {
            m = (ak_msg){.type = AK_MSG_DELEGATE};
            m.delegate.delegator = dl->addr;
            m.delegate.validator = dl->val;
            m.delegate.amount = (ak_coin){w->uakt, liquid};
            dl->restaked += liquid;
            rc = world_submit(w, &m, W_TX_PLAIN, 0);
        }
    }
    ak_usec next = w->now + (ak_usec)llround(sc->delegator_review_days * 86400e6);
    if (!rc && next < sc->duration_us)
        rc = world_schedule(w, next, W_EV_DELEGATORS, 0, 0, NULL);
    return rc;
}

int commission_review(ak_world *w)
{
    const ak_scenario *sc = w->sc;
    ak_addr cheapest;
    double median = dbl(median_commission(w, &cheapest));
    double floor_rate = dbl(ak_app_params(w->app)->staking.min_commission_rate);
    int rc = 0;
    for (uint32_t i = 0; !rc && i < w->nvals; i++) {
        w_val *vs = &w->val_stats[i];
        const ak_validator *v = validator_of(w, vs->addr);
        if (!eligible(v) || vs->down)
            continue;
        double rate = dbl(v->commission_rate), step = dbl(v->commission_max_change_rate);
        double max = dbl(v->commission_max_rate), want = rate;
        if (sc->commission_policy == AK_SC_COMM_COMPETITIVE) {
            double target = median - sc->commission_undercut;
            target = target < floor_rate ? floor_rate : target;
            double d = target - rate;
            want = rate + (d > step ? step : d < -step ? -step : d);
        } else {
            want = v->tokens >= vs->last_tokens ? rate + step : rate - step;
            vs->last_tokens = v->tokens;
        }
        want = want < floor_rate ? floor_rate : want > max ? max : want;
        ak_dec nd = world_dec6(want);
        if (ak_dec_cmp(nd, v->commission_rate) == 0)
            continue;
        ak_msg m = {.type = AK_MSG_EDIT_VALIDATOR};
        m.edit_validator.validator = vs->addr;
        m.edit_validator.has_rate = true;
        m.edit_validator.rate = nd;
        rc = world_submit(w, &m, W_TX_PLAIN, 0);
    }
    ak_usec next = w->now + (ak_usec)llround(sc->commission_review_days * 86400e6);
    if (!rc && next < sc->duration_us)
        rc = world_schedule(w, next, W_EV_COMMISSION, 0, 0, NULL);
    return rc;
}
