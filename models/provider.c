/*
 * models/provider.c: providers as the provider daemon behaves (market-rules.md sections 5.2
 * to 5.4; docs/scenarios.md "agents.providers").
 *
 *   hearing  A real provider hears every order and bids when it can serve it. Here the engine
 *            does not broadcast: providers are indexed by GPU model (bucket 0 holds everyone,
 *            for CPU orders), and an order is heard by at most max_bids_per_order providers
 *            that have the free capacity, found by probing the bucket from a random start, at
 *            most max(64, 4 x max_bids_per_order) probes. The cost of an order therefore does
 *            not grow with the number of providers. A provider whose attributes (or their
 *            auditors' signatures) do not meet the workload's requirements does not bid, as
 *            the daemon checks the group's requirements first. Capacity is checked on the provider's
 *            books (`free`: neither leased nor reserved), as the daemon's inventory does.
 *   bidding  reaction_s later the provider reserves the capacity, prices the group with its
 *            fleet's pricing strategy (strategy.h; the default price script at the fleet's USD
 *            targets unless the scenario says otherwise, 5.3) and, unless the price is above
 *            the order's, sends MsgCreateBid with the market's minimum bid deposit. The
 *            reservation is released when the bid is lost, closed or times out. A strategy
 *            that learns hears of each bid won, lost, timed out or priced above the order.
 *   timeout  bid_timeout_s after bidding without a lease, MsgCloseBid (reason 10002).
 *   lost     When another provider wins, the reservation is released. (The daemon also sends
 *            MsgCloseBid, which the chain refuses for a lost bid and which changes nothing; the
 *            model does not send it.)
 *   withdraw Every withdrawal_period_hours of a lease, MsgWithdrawLease.
 *   monitor  The funds monitor (5.4) computes how many blocks the escrow still covers and
 *            looks again then, on its funds_monitor_minutes grid: one event per lease instead of
 *            a poll every interval. When nothing is left it withdraws at once, which makes the
 *            chain close the lease for insufficient funds.
 *   down     A provider that is down (reliability.c) hears no orders, sends no bids, closes no
 *            bids (a timed-out bid stays open on chain; its reservation is released),
 *            withdraws nothing, and its funds monitor looks again every tick until it is up.
 */
#include <gsl/gsl_rng.h>
#include <string.h>

#include "errors.h"
#include "world.h"

static bool fits(const w_provider *p, const w_dep *d)
{
    for (int k = 0; k < 4; k++)
        if (p->free[k] < d->need[k] * (int64_t)d->units)
            return false;
    return true;
}

int provider_hear_order(ak_world *w, uint32_t d)
{
    const w_dep *dep = &w->deps[d];
    uint32_t b = w->workload_bucket[dep->workload];
    uint32_t n = w->nbucket[b];
    if (n == 0)
        return 0;
    uint32_t want = w->sc->max_bids_per_order;
    uint32_t probes = want * 4 < 64 ? 64 : want * 4;
    if (probes > n)
        probes = n;
    uint32_t start = (uint32_t)gsl_rng_uniform_int(w->rng_providers, n);
    uint32_t heard = 0;
    for (uint32_t i = 0; i < probes && heard < want; i++) {
        uint32_t j = start + i;
        uint32_t p = w->buckets[b][j >= n ? j - n : j];
        const w_provider *pv = &w->providers[p];
        if (pv->down || pv->state != W_PROV_ACTIVE || !w->serves[dep->workload][pv->fleet] ||
            (w->workload_region[dep->workload] &&
             w->region_names[pv->fleet][pv->region] != w->workload_region[dep->workload]) ||
            !fits(pv, dep))
            continue;
        int rc = world_schedule(w, w->now + w->sc->reaction_us, W_EV_BID, p, d, NULL);
        if (rc)
            return rc;
        heard++;
    }
    return 0;
}

int provider_bid(ak_world *w, uint32_t p, uint32_t d)
{
    w_dep *dep = &w->deps[d];
    w_provider *pv = &w->providers[p];
    if (dep->state != W_DEP_BIDDING || pv->down || pv->state != W_PROV_ACTIVE || !fits(pv, dep))
        return 0;
    ak_group_spec g;
    ak_resource_unit u;
    ak_storage_volume vol;
    ak_attr gpu;
    world_dep_spec(w, dep, dep->units, &g, &u, &vol, &gpu);
    ak_dec rate, max;
    const ak_pricing_strategy *st = w->sc->fleets[pv->fleet].pricing.strategy;
    int rc = st->price(w, p, &g, world_price_unit(w, dep->denom), &rate);
    if (rc == 0)
        rc = ak_dec_mul_int(dep->order_price, dep->units, &max);
    if (rc)
        return 0; /* the strategy cannot price it: the daemon does not bid */
    if (ak_dec_cmp(rate, max) > 0 || !ak_dec_is_positive(rate)) {
        if (st->lost)
            st->lost(w, p); /* priced out: as good as lost */
        return 0; /* "price too high" */
    }
    uint32_t b = world_bid_new(w);
    if (b == UINT32_MAX)
        return AK_ENOMEM;
    w_bid *bid = &w->bids[b];
    dep = &w->deps[d];
    bid->provider = p;
    bid->dep = d;
    bid->state = W_BID_RESERVED;
    bid->next = dep->bids;
    dep->bids = b;
    for (int k = 0; k < 4; k++)
        pv->free[k] -= dep->need[k] * (int64_t)dep->units;
    pv->bids++;
    ak_msg m = {.type = AK_MSG_CREATE_BID, .hint = dep->order_hint};
    m.create_bid.id = (ak_bid_id){w->tenants[dep->tenant].addr, dep->dseq, 1, 1, pv->addr};
    m.create_bid.price = (ak_deccoin){dep->denom, rate};
    m.create_bid.deposit.amount = w->bid_deposit;
    m.create_bid.deposit.sources[0] = AK_SOURCE_BALANCE;
    m.create_bid.deposit.nsources = 1;
    if ((rc = world_submit(w, &m, W_TX_CREATE_BID, b)))
        return rc;
    return world_schedule(w, w->now + w->sc->bid_timeout_us, W_EV_BID_TIMEOUT, p, b,
                          &w->bids[b].timeout);
}

void provider_release(ak_world *w, uint32_t b)
{
    w_bid *bid = &w->bids[b];
    if (bid->state == W_BID_RELEASED)
        return;
    const w_dep *dep = &w->deps[bid->dep];
    w_provider *pv = &w->providers[bid->provider];
    for (int k = 0; k < 4; k++)
        pv->free[k] += dep->need[k] * (int64_t)dep->units;
    bid->state = W_BID_RELEASED;
    world_cancel(w, &bid->timeout);
}

static int close_bid(ak_world *w, uint32_t b)
{
    w_bid *bid = &w->bids[b];
    const w_dep *dep = &w->deps[bid->dep];
    ak_msg m = {.type = AK_MSG_CLOSE_BID, .hint = bid->hint};
    m.close_bid.id = (ak_bid_id){w->tenants[dep->tenant].addr, dep->dseq, 1, 1,
                                 w->providers[bid->provider].addr};
    m.close_bid.reason = AK_REASON_UNSPECIFIED;
    provider_release(w, b);
    return world_submit(w, &m, W_TX_PLAIN, 0);
}

/* Tell the provider's pricing strategy that bid b lost (or timed out). */
static void learn_lost(ak_world *w, uint32_t b)
{
    uint32_t p = w->bids[b].provider;
    const ak_pricing_strategy *st = w->sc->fleets[w->providers[p].fleet].pricing.strategy;
    if (st->lost)
        st->lost(w, p);
}

void provider_bid_won(ak_world *w, uint32_t b)
{
    uint32_t p = w->bids[b].provider;
    const ak_pricing_strategy *st = w->sc->fleets[w->providers[p].fleet].pricing.strategy;
    if (st->won)
        st->won(w, p);
}

int provider_bid_timeout(ak_world *w, uint32_t b)
{
    w->bids[b].timeout = 0;
    if (w->bids[b].state != W_BID_RESERVED)
        return 0;
    learn_lost(w, b);
    if (w->providers[w->bids[b].provider].down) {
        provider_release(w, b); /* the daemon is off: the bid stays open on chain */
        return 0;
    }
    return close_bid(w, b);
}

int provider_bid_lost(ak_world *w, uint32_t b)
{
    /* The daemon sends MsgCloseBid for a lost bid, which the chain refuses
     * (ErrUnknownLeaseForBid, market-rules.md 1.3) without changing anything: the chain closed
     * the bid's escrow account itself when the lease was created. The model skips the refused
     * message and only releases the reservation. */
    learn_lost(w, b);
    provider_release(w, b);
    return 0;
}

static int withdraw(ak_world *w, const w_dep *dep)
{
    ak_msg m = {.type = AK_MSG_WITHDRAW_LEASE, .hint = dep->lease_hint};
    m.lease.id = (ak_bid_id){w->tenants[dep->tenant].addr, dep->dseq, 1, 1,
                             w->providers[dep->provider].addr};
    return world_submit(w, &m, W_TX_PLAIN, 0);
}

/* Schedule the funds monitor's next look at deployment d: when the escrow runs out, on the
 * monitor's grid counted from the lease's start. */
static int watch_funds(ak_world *w, uint32_t d)
{
    w_dep *dep = &w->deps[d];
    const ak_escrow_account *a = world_dep_account(w, dep);
    if (!a)
        return 0;
    int64_t remain = world_blocks_remaining(w, a);
    if (remain > (w->sc->duration_us - w->now) / w->block_us + 1)
        return 0; /* covered beyond the run's end */
    ak_usec at = w->now + (remain > 0 ? remain : 0) * w->block_us;
    int64_t iv = w->sc->monitor_interval_us;
    int64_t since = at - dep->lease_us;
    at = dep->lease_us + (since + iv - 1) / iv * iv;
    if (at <= w->now)
        at = w->now + iv;
    return world_schedule(w, at, W_EV_DRY, dep->provider, d, &dep->ev_dry);
}

int provider_lease_started(ak_world *w, uint32_t d)
{
    w_dep *dep = &w->deps[d];
    int rc = world_schedule(w, w->now + w->sc->withdrawal_period_us, W_EV_WITHDRAW, dep->provider,
                            d, &dep->ev_withdraw);
    return rc ? rc : watch_funds(w, d);
}

void provider_lease_ended(ak_world *w, uint32_t d)
{
    w_dep *dep = &w->deps[d];
    world_cancel(w, &dep->ev_withdraw);
    world_cancel(w, &dep->ev_dry);
}

int provider_withdraw(ak_world *w, uint32_t d)
{
    w_dep *dep = &w->deps[d];
    dep->ev_withdraw = 0;
    if (dep->state != W_DEP_LEASED)
        return 0;
    int rc = w->providers[dep->provider].down ? 0 : withdraw(w, dep);
    if (rc)
        return rc;
    return world_schedule(w, w->now + w->sc->withdrawal_period_us, W_EV_WITHDRAW, dep->provider,
                          d, &dep->ev_withdraw);
}

int provider_dry(ak_world *w, uint32_t d)
{
    w_dep *dep = &w->deps[d];
    dep->ev_dry = 0;
    if (dep->state != W_DEP_LEASED)
        return 0;
    if (w->providers[dep->provider].down) /* the monitor is off: look again next tick */
        return world_schedule(w, w->now + w->sc->monitor_interval_us, W_EV_DRY, dep->provider, d,
                              &dep->ev_dry);
    const ak_escrow_account *a = world_dep_account(w, dep);
    if (!a)
        return 0;
    if (world_blocks_remaining(w, a) <= 0)
        return withdraw(w, dep);
    return watch_funds(w, d);
}
