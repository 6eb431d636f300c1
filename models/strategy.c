/*
 * models/strategy.c: the providers' pricing strategies (see strategy.h for the formulas).
 */
#include "strategy.h"

#include <string.h>

#include "errors.h"
#include "world.h"

/* USD targets per month at the current AKT price, per block (the price script's conversion). */
static int usd_rate(const ak_world *w, const ak_script_prices *sp, const ak_group_spec *g,
                    ak_dec unit, ak_dec *rate)
{
    ak_dec usd;
    int rc = ak_pricing_script_usd(w->strs, sp, g, &usd);
    if (rc == 0)
        rc = ak_pricing_script_rate(sp, usd, unit, rate);
    return rc ? rc : ak_dec_is_positive(*rate) ? 0 : AK_EINVAL;
}

static int price_script(const ak_world *w, uint32_t p, const ak_group_spec *g, ak_dec unit,
                        ak_dec *rate)
{
    return usd_rate(w, &w->fleet_prices[w->providers[p].fleet], g, unit, rate);
}

static int price_cost_plus(const ak_world *w, uint32_t p, const ak_group_spec *g, ak_dec unit,
                           ak_dec *rate)
{
    return usd_rate(w, &w->fleet_cost_plus[w->providers[p].fleet], g, unit, rate);
}

static int price_scale(const ak_world *w, uint32_t p, const ak_group_spec *g, ak_dec unit,
                       ak_dec *rate)
{
    (void)unit;
    return ak_pricing_scale(&w->fleet_scale[w->providers[p].fleet], g, rate);
}

static const ak_sc_pricing *pricing_of(const ak_world *w, uint32_t p)
{
    return &w->sc->fleets[w->providers[p].fleet].pricing;
}

/* The base price times a factor, rounded to 6 decimals like the script's output. */
static int times(const ak_world *w, uint32_t p, const ak_group_spec *g, ak_dec unit,
                 double factor, ak_dec *rate)
{
    ak_dec base;
    int rc = pricing_of(w, p)->base->price(w, p, g, unit, &base);
    if (rc)
        return rc;
    if ((rc = ak_dec_mul(base, world_dec6(factor), rate)))
        return rc;
    const __int128 micro = 1000000000000; /* 10^-6 */
    *rate = ak_dec_from_raw((rate->v + micro / 2) / micro * micro);
    return ak_dec_is_positive(*rate) ? 0 : AK_EINVAL;
}

static double clamp(double x, double lo, double hi)
{
    return x < lo ? lo : x > hi ? hi : x;
}

static int price_adaptive(const ak_world *w, uint32_t p, const ak_group_spec *g, ak_dec unit,
                          ak_dec *rate)
{
    const w_provider *pv = &w->providers[p];
    const ak_sc_pricing *sp = pricing_of(w, p);
    double u = 0;
    for (int k = 0; k < 4; k++)
        if (pv->cap[k] > 0) {
            double x = (double)(pv->cap[k] - pv->free[k]) / (double)pv->cap[k];
            if (x > u)
                u = x;
        }
    double f = clamp(1 + sp->sensitivity * (u - sp->target), sp->min_factor, sp->max_factor);
    return times(w, p, g, unit, f, rate);
}

static int price_learning(const ak_world *w, uint32_t p, const ak_group_spec *g, ak_dec unit,
                          ak_dec *rate)
{
    return times(w, p, g, unit, w->providers[p].factor, rate);
}

static void learn_won(ak_world *w, uint32_t p)
{
    const ak_sc_pricing *sp = pricing_of(w, p);
    w_provider *pv = &w->providers[p];
    pv->factor = clamp(pv->factor * (1 + sp->up), sp->min_factor, sp->max_factor);
}

static void learn_lost(ak_world *w, uint32_t p)
{
    const ak_sc_pricing *sp = pricing_of(w, p);
    w_provider *pv = &w->providers[p];
    pv->factor = clamp(pv->factor * (1 - sp->down), sp->min_factor, sp->max_factor);
}

static const ak_pricing_strategy SCRIPT = {
    "script", "the fleet's prices_usd per resource and month at the current AKT price", false,
    price_script, NULL, NULL};
static const ak_pricing_strategy SCALE = {
    "scale", "fixed uakt per block per millicpu, MiB of memory and storage, endpoint and IP",
    false, price_scale, NULL, NULL};
static const ak_pricing_strategy COST_PLUS = {
    "cost_plus", "the fleet's cost_usd x (1 + margin) at the current AKT price", false,
    price_cost_plus, NULL, NULL};
static const ak_pricing_strategy ADAPTIVE = {
    "adaptive", "a base price x clamp(1 + sensitivity x (utilization - target))", true,
    price_adaptive, NULL, NULL};
static const ak_pricing_strategy LEARNING = {
    "learning", "a base price x a factor raised after each win and cut after each loss", true,
    price_learning, learn_won, learn_lost};

static const ak_pricing_strategy *const STRATEGIES[] = {&SCRIPT,   &SCALE,    &COST_PLUS,
                                                        &ADAPTIVE, &LEARNING, NULL};

const ak_pricing_strategy *const *ak_pricing_strategies(void)
{
    return STRATEGIES;
}

const ak_pricing_strategy *ak_pricing_strategy_find(const char *name)
{
    for (int i = 0; name && STRATEGIES[i]; i++)
        if (strcmp(STRATEGIES[i]->name, name) == 0)
            return STRATEGIES[i];
    return NULL;
}
