/*
 * protocol/params.c: marketplace parameter defaults and validation (see params.h;
 * market-rules.md section 2).
 */
#include "params.h"

#include <stdio.h>
#include <string.h>

#include "errors.h"

static int intern(ak_strtab *strs, const char *s, ak_str *id)
{
    return ak_strtab_intern(strs, s, strlen(s), id);
}

int ak_params_default(ak_params *p, ak_strtab *strs)
{
    memset(p, 0, sizeof *p);
    ak_denom uakt, uact;
    if (intern(strs, "uakt", &uakt) || intern(strs, "uact", &uact))
        return AK_ENOMEM;
    p->deployment.min_deposits[0] = (ak_coin){uakt, 500000};
    p->deployment.n_min_deposits = 1;
    p->market.bid_min_deposit = (ak_coin){uakt, 500000};
    p->market.order_max_bids = 20;
    /* NewCoins sorts by denom: uact before uakt */
    p->market.bid_min_deposits[0] = (ak_coin){uact, 500000};
    p->market.bid_min_deposits[1] = (ak_coin){uakt, 500000};
    p->market.n_bid_min_deposits = 2;
    p->take.default_take_rate = 20;
    p->take.denom_take_rates[0] = (ak_take_rate){uakt, 2};
    p->take.n_denom_take_rates = 1;
    return 0;
}

#define FAIL(...)                                                                                  \
    do {                                                                                           \
        snprintf(msg, cap, __VA_ARGS__);                                                           \
        return AK_EINVALID_PARAM;                                                                  \
    } while (0)

int ak_params_validate(const ak_params *p, const ak_strtab *strs, char *msg, size_t cap)
{
    ak_denom uakt;
    bool have_uakt_name = ak_strtab_find(strs, "uakt", 4, &uakt);

    if (p->deployment.n_min_deposits > AK_PARAMS_MAX_DENOMS ||
        p->market.n_bid_min_deposits > AK_PARAMS_MAX_DENOMS ||
        p->take.n_denom_take_rates > AK_PARAMS_MAX_DENOMS)
        FAIL("params: more than %d denoms in one list", AK_PARAMS_MAX_DENOMS);

    /* deployment: validateMinDeposits */
    const ak_deployment_params *d = &p->deployment;
    bool seen_uakt = false;
    for (uint32_t i = 0; i < d->n_min_deposits; i++) {
        const ak_coin *c = &d->min_deposits[i];
        const char *dn = ak_strtab_get(strs, c->denom);
        for (uint32_t j = 0; j < i; j++)
            if (d->min_deposits[j].denom == c->denom)
                FAIL("deployment.min_deposits: duplicate Min Deposit for denom %s", dn);
        if (c->amount < 0)
            FAIL("deployment.min_deposits: Min Deposit (%s) is negative", dn);
        if (c->amount >= 2147483647)
            FAIL("deployment.min_deposits: Min Deposit (%s) - too large: %lld", dn,
                 (long long)c->amount);
        if (have_uakt_name && c->denom == uakt)
            seen_uakt = true;
    }
    if (!seen_uakt)
        FAIL("deployment.min_deposits: Min Deposits - uakt not given");

    /* market: bid_min_deposit is only type-checked upstream; order_max_bids 1..500 */
    const ak_market_params *m = &p->market;
    if (m->bid_min_deposit.amount < 0)
        FAIL("market.bid_min_deposit: negative amount");
    if (m->order_max_bids == 0)
        FAIL("market.order_max_bids: order max bids too low");
    if (m->order_max_bids > 500)
        FAIL("market.order_max_bids: order max bids too high");

    /* take: default, then denoms in order, then the uakt entry */
    const ak_take_params *t = &p->take;
    if (t->default_take_rate > 100)
        FAIL("take.default_take_rate: invalid Take Rate (%u)", t->default_take_rate);
    seen_uakt = false;
    for (uint32_t i = 0; i < t->n_denom_take_rates; i++) {
        const ak_take_rate *r = &t->denom_take_rates[i];
        const char *dn = ak_strtab_get(strs, r->denom);
        for (uint32_t j = 0; j < i; j++)
            if (t->denom_take_rates[j].denom == r->denom)
                FAIL("take.denom_take_rates: duplicate Denom Take Rate (%s)", dn);
        if (r->rate > 100)
            FAIL("take.denom_take_rates: invalid Denom Take Rate (%s=%u)", dn, r->rate);
        if (have_uakt_name && r->denom == uakt)
            seen_uakt = true;
    }
    if (!seen_uakt)
        FAIL("take.denom_take_rates: invalid Denom Take Rate - uakt must be present");
    return 0;
}

uint32_t ak_params_take_rate(const ak_take_params *t, ak_denom denom)
{
    for (uint32_t i = 0; i < t->n_denom_take_rates; i++)
        if (t->denom_take_rates[i].denom == denom)
            return t->denom_take_rates[i].rate;
    return t->default_take_rate;
}
