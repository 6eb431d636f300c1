/*
 * models/market_entry.c: providers entering and leaving the market (docs/scenarios.md, a
 * fleet's `entry_exit`).
 *
 *   review  Every review_days, each fleet with entry_exit weighs each active provider's income
 *           over the period (uakt withdrawn, after take, at the current AKT price) against its
 *           cost (cost_usd x its capacity, per month of 365.25 / 12 days, times the period).
 *   exit    A provider that lost money exit_after reviews in a row leaves: it stops bidding
 *           and closes each of its leases with MsgCloseBid (reason decommission: the chain
 *           closes the lease, market-rules.md 1.3); its tenants move or leave.
 *   entry   When the fleet as a whole earns at least enter_above times its cost,
 *           max(1, round(entry_rate x active providers)) dormant slots decide to enter; each
 *           joins lag_days later with MsgCreateProvider and a transfer of the fleet's
 *           balance_akt from the holders (for bid deposits), has its attributes signed by
 *           the fleet's auditors, and bids from then on.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "errors.h"
#include "world.h"

#define MONTH_DAYS (365.25 / 12)

int entry_start(ak_world *w)
{
    const ak_scenario *sc = w->sc;
    int rc = 0;
    for (uint32_t f = 0; !rc && f < sc->nfleets; f++)
        if (sc->fleets[f].entry_exit) {
            ak_usec t = (ak_usec)llround(sc->fleets[f].review_days * 86400e6);
            if (t < sc->duration_us)
                rc = world_schedule(w, t, W_EV_REVIEW, 0, f, NULL);
        }
    return rc;
}

/* USD per month of a provider's capacity at its fleet's cost basis. */
static double monthly_cost(const ak_world *w, const w_provider *pv)
{
    const ak_sc_usd *c = &w->sc->fleets[pv->fleet].cost;
    return c->cpu * (double)pv->cap[W_CPU] / 1000 + c->memory * (double)pv->cap[W_MEM] / 1073741824.0 +
           c->storage * (double)pv->cap[W_STORAGE] / 1073741824.0 + c->gpu * (double)pv->cap[W_GPU];
}

static void capacity_add(ak_world *w, const w_provider *pv, int sign)
{
    for (int k = 0; k < 4; k++)
        w->capacity[k] += sign * pv->cap[k];
    w->active_providers += sign;
}

/* Leave the market: close every lease by closing its bid, stop bidding. */
static int provider_exit(ak_world *w, uint32_t p)
{
    w_provider *pv = &w->providers[p];
    pv->state = W_PROV_GONE;
    pv->exited_us = w->now;
    capacity_add(w, pv, -1);
    w->period.exited++;
    w->total.exited++;
    for (uint32_t d = pv->leases; d != UINT32_MAX; d = w->deps[d].pnext) {
        const w_dep *dep = &w->deps[d];
        ak_msg m = {.type = AK_MSG_CLOSE_BID, .hint = dep->lease_hint};
        m.close_bid.id = (ak_bid_id){w->tenants[dep->tenant].addr, dep->dseq, 1, 1, pv->addr};
        m.close_bid.reason = AK_REASON_DECOMMISSION;
        int rc = world_submit(w, &m, W_TX_PLAIN, 0);
        if (rc)
            return rc;
    }
    return 0;
}

int fleet_review(ak_world *w, uint32_t f)
{
    const ak_sc_fleet *fl = &w->sc->fleets[f];
    double akt_usd = (double)w->akt_usd.v * 1e-18;
    double share = fl->review_days / MONTH_DAYS;
    double income_all = 0, cost_all = 0;
    uint32_t active = 0;
    int rc = 0;
    for (uint32_t p = 0; !rc && p < w->nproviders; p++) {
        w_provider *pv = &w->providers[p];
        if (pv->fleet != f || pv->state != W_PROV_ACTIVE)
            continue;
        double income = (double)(pv->income_uakt - pv->income_mark) / 1e6 * akt_usd;
        double cost = monthly_cost(w, pv) * share;
        pv->income_mark = pv->income_uakt;
        income_all += income;
        cost_all += cost;
        pv->losses = income < cost ? pv->losses + 1 : 0;
        if (pv->losses >= fl->exit_after)
            rc = provider_exit(w, p);
        else
            active++;
    }
    if (!rc && cost_all > 0 && income_all >= fl->enter_above * cost_all) {
        uint32_t want = (uint32_t)llround(fl->entry_rate * active);
        if (want < 1)
            want = 1;
        ak_usec at = w->now + (ak_usec)llround(fl->lag_days * 86400e6);
        for (uint32_t p = 0; !rc && want > 0 && p < w->nproviders; p++) {
            w_provider *pv = &w->providers[p];
            if (pv->fleet != f || pv->state != W_PROV_DORMANT)
                continue;
            pv->state = W_PROV_JOINING;
            want--;
            if (at < w->sc->duration_us)
                rc = world_schedule(w, at, W_EV_JOIN, p, 0, NULL);
        }
    }
    ak_usec next = w->now + (ak_usec)llround(fl->review_days * 86400e6);
    if (!rc && next < w->sc->duration_us)
        rc = world_schedule(w, next, W_EV_REVIEW, 0, f, NULL);
    return rc;
}

int provider_join(ak_world *w, uint32_t p)
{
    w_provider *pv = &w->providers[p];
    const ak_sc_fleet *fl = &w->sc->fleets[pv->fleet];
    char buf[160];
    const char *name = ak_strtab_get(w->strs, pv->addr);
    snprintf(buf, sizeof buf, "https://%s.example.com:8443", name);
    ak_str host;
    int rc = ak_app_intern(w->app, buf, &host);
    ak_attr *attrs = world_alloc(w, (2 + AK_SC_MAX_ATTRS) * sizeof *attrs);
    if (!rc && !attrs)
        rc = AK_ENOMEM;
    if (rc)
        return rc;
    uint32_t na = world_provider_attrs(w, p, attrs);
    if (na == 0)
        return AK_ENOMEM;
    ak_msg m = {.type = AK_MSG_SEND};
    m.send.from = w->holders;
    m.send.to = pv->addr;
    m.send.amount = (ak_coin){w->uakt, fl->balance_uakt};
    if ((rc = world_submit(w, &m, W_TX_PLAIN, 0)))
        return rc;
    m = (ak_msg){.type = AK_MSG_CREATE_PROVIDER};
    m.provider.owner = pv->addr;
    m.provider.host_uri = host;
    m.provider.attrs = (ak_attrs){attrs, na};
    if ((rc = world_submit(w, &m, W_TX_PLAIN, 0)) || (rc = world_audit_provider(w, p)))
        return rc;
    pv->state = W_PROV_ACTIVE;
    pv->entered_us = w->now;
    pv->income_mark = pv->income_uakt;
    pv->losses = 0;
    capacity_add(w, pv, +1);
    w->period.entered++;
    w->total.entered++;
    return 0;
}
