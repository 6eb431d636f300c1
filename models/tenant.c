/*
 * models/tenant.c: tenants (docs/scenarios.md "agents.tenants"). Simple but faithful to the
 * chain: every step is a message the chain checks (market-rules.md sections 1.3 and 3).
 *
 *   arrival  Arrivals are a Poisson process of rate arrivals_per_day (times the demand
 *            curve, models/demand.h) over the whole tenant population; with price_response,
 *            an arrival deploys only with probability min(1, (going / reference)^-e_a) and
 *            its budget follows the going price by (going / reference)^e_b; a share
 *            usdc_share of deployments pays in uusdc (USD-pegged: no AKT price in between).
 *            Each picks a tenant uniformly and a workload kind by weight, draws
 *            the resources, the lifetime and the budget factor, and posts MsgCreateDeployment:
 *            one group of `units` identical units, priced at the workload's USD budget
 *            converted to uakt per block at the AKT price (the price script's conversion,
 *            market-rules.md 5.3, applied to the tenant's budget), with a deposit covering
 *            deposit_days at that price (at least the chain's minimum deposit). A tenant short
 *            of AKT buys what it lacks first (MsgSend from the "holders" account, which stands
 *            for the market).
 *   choose   bid_window_s after the order opens, the tenant leases the cheapest open bid (ties:
 *            the first in the chain's bid order, by provider address). With no bid it closes
 *            the deployment: unmet demand.
 *   top-up   With top_up on, a tenant deposits top_up.days of the lease's cost whenever fewer
 *            than top_up.below_days of funds remain; with it off the escrow runs dry and the
 *            provider's withdrawal closes the lease (insufficient funds).
 *   close    lifetime_days after the lease starts, the tenant closes the deployment.
 *
 * Draws per arrival are fixed in number whatever the outcome, so one tenant's choices never
 * shift another's (DESIGN.md "Determinism").
 */
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "errors.h"
#include "world.h"

#define BLOCKS_PER_DAY_NOMINAL(w) (86400e6 / (double)(w)->block_us)

void world_dep_spec(const ak_world *w, const w_dep *d, uint32_t count, ak_group_spec *g,
                    ak_resource_unit *u, ak_storage_volume *vol, ak_attr *gpu_attr)
{
    memset(g, 0, sizeof *g);
    memset(u, 0, sizeof *u);
    memset(vol, 0, sizeof *vol);
    u->id = 1;
    u->cpu_millis = (uint64_t)d->need[W_CPU];
    u->memory_bytes = (uint64_t)d->need[W_MEM];
    vol->name = w->name_default;
    vol->bytes = (uint64_t)d->need[W_STORAGE];
    u->storage = vol;
    u->nstorage = 1;
    u->gpu_units = (uint64_t)d->need[W_GPU];
    if (u->gpu_units > 0) {
        *gpu_attr = w->workload_gpu_attr[d->workload];
        u->gpu_attrs = (ak_attrs){gpu_attr, 1};
    }
    u->count = count;
    u->price = (ak_deccoin){d->denom, d->order_price};
    g->name = w->name_group;
    g->req_attrs = (ak_attrs){w->workload_req[d->workload], w->sc->workloads[d->workload].nrequires};
    g->all_of = w->workload_all_of[d->workload];
    g->n_all_of = w->sc->workloads[d->workload].nsigned_by;
    g->units = u;
    g->nunits = 1;
}

/* Make sure tenant t holds at least `need` of denom for a message of the next block, buying
 * the difference from the holders. What its earlier messages of the same block will spend is
 * not there any more (two deployments of one tenant in one block). */
static int ensure_balance(ak_world *w, w_tenant *t, ak_denom denom, ak_amount need)
{
    ak_amount have = ak_bank_balance_of(ak_app_bank(w->app), t->addr, denom);
    bool usdc = denom != w->uakt;
    if (t->pending_height != w->height + 1) {
        t->pending_height = w->height + 1;
        t->pending[0] = t->pending[1] = 0;
    }
    have -= t->pending[usdc];
    t->pending[usdc] += need;
    if (have >= need)
        return 0;
    ak_msg m = {.type = AK_MSG_SEND};
    m.send.from = w->holders;
    m.send.to = t->addr;
    m.send.amount = (ak_coin){denom, need - have};
    return world_submit(w, &m, W_TX_PLAIN, 0);
}

static ak_deposit deposit_of(ak_denom denom, ak_amount amount)
{
    ak_deposit dep = {.amount = {denom, amount}, .nsources = 1};
    dep.sources[0] = AK_SOURCE_BALANCE;
    return dep;
}

/* uakt for `days` of a per-block price, rounded up. */
static ak_amount cost_of(const ak_world *w, ak_dec per_block, double days)
{
    double blocks = ceil(days * BLOCKS_PER_DAY_NOMINAL(w));
    ak_dec total;
    ak_amount a;
    if (ak_dec_mul_int(per_block, (int64_t)blocks, &total) || ak_dec_truncate_int(total, &a))
        return INT64_MAX / 4;
    return a + 1;
}

static int deploy(ak_world *w, uint32_t d);

/* The next arrival after now: a Poisson process of rate arrivals_per_day, or of
 * arrivals_per_day x m(t) with a demand curve (exact thinning, models/demand.h). Without a
 * curve the gap is drawn in microseconds exactly as before curves existed, so such runs keep
 * their streams and results. */
static int schedule_next_arrival(ak_world *w)
{
    const ak_scenario *sc = w->sc;
    gsl_rng *r = w->rng_tenants;
    ak_usec next;
    if (sc->demand.constant) {
        double gap_us = gsl_ran_exponential(r, 86400e6 / sc->arrivals_per_day);
        next = w->now + (ak_usec)ceil(gap_us);
    } else {
        double day;
        if (!ak_demand_next_arrival(&sc->demand, sc->arrivals_per_day, (double)w->now / 86400e6,
                                    r, sc->duration_days, &day))
            return 0;
        next = (ak_usec)ceil(day * 86400e6);
        if (next <= w->now)
            next = w->now + 1;
    }
    if (next >= sc->duration_us)
        return 0;
    return world_schedule(w, next, W_EV_ARRIVAL, 0, 0, NULL);
}

int tenant_first_arrival(ak_world *w)
{
    if (w->sc->demand.constant) /* the first arrival at genesis, as before curves existed */
        return world_schedule(w, 0, W_EV_ARRIVAL, 0, 0, NULL);
    return schedule_next_arrival(w);
}

/* The going price tenants see: the active CPU-only leases' total price over their total CPU,
 * in USD per CPU-month at the current AKT price; NaN when there are none. */
static double going_price(const ak_world *w)
{
    if (w->cpu_millis <= 0)
        return NAN;
    double blocks_month = 365.25 / 12 * 86400e6 / (double)w->block_us;
    double usd_block = (double)w->cpu_rate_raw * 1e-24 * w->usd_now +
                       (double)w->cpu_rate_usdc_raw * 1e-24; /* uusdc: a dollar a million */
    return usd_block / (double)w->cpu_millis * 1000 * blocks_month;
}

int tenant_arrival(ak_world *w)
{
    const ak_scenario *sc = w->sc;
    gsl_rng *r = w->rng_tenants;
    /* the next arrival first, so the stream's use does not depend on what follows */
    int rc0 = schedule_next_arrival(w);
    if (rc0)
        return rc0;
    uint32_t ti = (uint32_t)gsl_rng_uniform_int(r, sc->ntenants);
    double u = gsl_rng_uniform(r) * w->workload_cum[sc->nworkloads - 1];
    uint32_t k = 0;
    while (k + 1 < sc->nworkloads && u >= w->workload_cum[k])
        k++;
    const ak_sc_workload *wl = &sc->workloads[k];
    double units = ak_dist_sample(&wl->units, r);
    double cpu = ak_dist_sample(&wl->cpu_millis, r);
    double mem = ak_dist_sample(&wl->memory_mib, r);
    double sto = ak_dist_sample(&wl->storage_mib, r);
    double gpus = ak_dist_sample(&wl->gpus, r);
    double life = ak_dist_sample(&wl->lifetime_days, r);
    double factor = ak_dist_sample(&wl->budget_factor, r);
    ak_denom denom = w->uakt;
    if (sc->usdc_share > 0 && gsl_rng_uniform(r) < sc->usdc_share) /* drawn with usdc_share */
        denom = w->uusdc;
    if (sc->price_response) {
        /* the going price against the reference: fewer arrivals deploy when it is dear, and
         * budgets follow it part of the way */
        double keep = gsl_rng_uniform(r); /* always drawn with price_response */
        double ratio = going_price(w) / sc->ref_cpu_month_usd;
        if (!isfinite(ratio) || ratio <= 0)
            ratio = 1;
        double p = pow(ratio, -sc->arrival_elasticity);
        if (keep >= p) {
            w->tenants[ti].priced_out++;
            w->period.priced_out++;
            w->total.priced_out++;
            return 0;
        }
        double f = pow(ratio, sc->budget_elasticity);
        factor *= f < 0.1 ? 0.1 : f > 10 ? 10 : f;
    }

    uint32_t d = world_dep_new(w);
    if (d == UINT32_MAX)
        return AK_ENOMEM;
    w_dep *dep = &w->deps[d];
    dep->tenant = ti;
    dep->denom = denom;
    dep->workload = k;
    dep->units = (uint32_t)world_round(units, 1, 10000);
    dep->need[W_CPU] = world_round(cpu, (int64_t)AK_SPEC_CPU_MIN, (int64_t)AK_SPEC_CPU_MAX);
    dep->need[W_MEM] = world_round(mem, 1, (int64_t)(AK_SPEC_MEM_MAX >> 20)) << 20;
    dep->need[W_STORAGE] = world_round(sto, 5, (int64_t)(AK_SPEC_STORAGE_MAX >> 20)) << 20;
    dep->need[W_GPU] = wl->gpu_model[0] ? world_round(gpus, 0, (int64_t)AK_SPEC_GPU_MAX) : 0;
    dep->lifetime_us = world_round(life * 86400e6, 1000000, INT64_MAX / 4);
    dep->budget_factor = factor < 0 ? 0 : factor;
    return deploy(w, d);
}

/* Post deployment d, whose tenant, workload, units, needs, lifetime and budget factor are set:
 * price its order at the current AKT price, fund it, and send MsgCreateDeployment. */
static int deploy(ak_world *w, uint32_t d)
{
    const ak_scenario *sc = w->sc;
    w_dep *dep = &w->deps[d];
    w_tenant *t = &w->tenants[dep->tenant];
    uint32_t k = dep->workload;
    const ak_sc_workload *wl = &sc->workloads[k];
    dep->dseq = t->next_dseq++;
    dep->created_us = w->now;
    dep->provider = UINT32_MAX;

    /* the order price: the budget's USD per month for one unit, times the factor, at the AKT
     * price, per block */
    ak_group_spec g;
    ak_resource_unit unit;
    ak_storage_volume vol;
    ak_attr gpu_attr;
    dep->order_price = ak_dec_zero();
    world_dep_spec(w, dep, 1, &g, &unit, &vol, &gpu_attr);
    ak_dec usd, rate;
    int rc = ak_pricing_script_usd(w->strs, &w->workload_budget[k], &g, &usd);
    if (rc == 0)
        rc = ak_dec_mul(usd, world_dec6(dep->budget_factor), &usd);
    if (rc == 0)
        rc = ak_pricing_script_rate(&w->workload_budget[k], usd, world_price_unit(w, dep->denom),
                                    &rate);
    if (rc)
        return world_fail(w, "tenant %s: cannot price a %s order: %s",
                          ak_strtab_get(w->strs, t->addr), wl->kind, ak_err_name(rc));
    if (ak_dec_cmp(rate, ak_dec_from_int(AK_SPEC_PRICE_MAX)) > 0)
        rate = ak_dec_from_int(AK_SPEC_PRICE_MAX);
    dep->order_price = rate;

    ak_dec total;
    if (ak_dec_mul_int(rate, dep->units, &total))
        total = ak_dec_from_int(AK_SPEC_PRICE_MAX);
    ak_amount deposit = cost_of(w, total, sc->deposit_days);
    ak_amount min = dep->denom == w->uakt ? w->min_deposit : w->min_deposit_usdc;
    if (deposit < min)
        deposit = min;
    if ((rc = ensure_balance(w, t, dep->denom, deposit)))
        return rc;

    /* the message, its arrays in the mempool's scratch memory */
    ak_group_spec *mg = world_alloc(w, sizeof *mg);
    ak_resource_unit *mu = world_alloc(w, sizeof *mu);
    ak_storage_volume *mv = world_alloc(w, sizeof *mv);
    ak_attr *ma = world_alloc(w, sizeof *ma);
    if (!mg || !mu || !mv || !ma)
        return AK_ENOMEM;
    world_dep_spec(w, dep, dep->units, mg, mu, mv, ma);
    ak_msg m = {.type = AK_MSG_CREATE_DEPLOYMENT};
    m.create_deployment.id = (ak_deployment_id){t->addr, dep->dseq};
    m.create_deployment.groups = mg;
    m.create_deployment.ngroups = 1;
    m.create_deployment.hash_len = 32;
    memcpy(m.create_deployment.hash, &dep->dseq, sizeof dep->dseq);
    m.create_deployment.deposit = deposit_of(dep->denom, deposit);
    if ((rc = ak_map_put(&w->dep_index, ak_key2(t->addr, dep->dseq), d)))
        return rc;
    dep->state = W_DEP_SUBMITTED;
    t->deployments++;
    return world_submit(w, &m, W_TX_CREATE_DEPLOYMENT, d);
}

/* Failures of provider p that tenant t knows of: its own observations, or everyone's. */
static uint32_t known_failures(const ak_world *w, uint32_t t, uint32_t p)
{
    if (p == UINT32_MAX || !w->sc->any_failures)
        return 0;
    if (w->sc->choice_shared)
        return (uint32_t)w->providers[p].noticed;
    uint32_t n = ak_map_get(&w->seen, ak_key2(w->tenants[t].addr, w->providers[p].addr));
    return n == AK_POOL_NONE ? 0 : n;
}

int tenant_choose(ak_world *w, uint32_t d)
{
    w_dep *dep = &w->deps[d];
    dep->ev_choose = 0;
    if (dep->state != W_DEP_BIDDING)
        return 0;
    w_tenant *t = &w->tenants[dep->tenant];
    const ak_market *mk = ak_app_market(w->app);
    const ak_order *o = NULL;
    if (dep->order_hint && dep->order_hint - 1 < mk->orders.len) {
        o = ak_pool_at(&mk->orders, dep->order_hint - 1); /* the order the chain announced */
        if (o->id.owner != t->addr || o->id.dseq != dep->dseq || o->id.gseq != 1 || o->id.oseq != 1)
            o = NULL;
    }
    if (!o)
        o = ak_app_find_order(w->app, (ak_order_id){t->addr, dep->dseq, 1, 1});
    /* the open bids, in the chain's order, as the choice policy sees them */
    uint32_t n = 0;
    for (uint32_t h = o ? o->bids : AK_POOL_NONE; h != AK_POOL_NONE;) {
        const ak_bid *b = ak_pool_at(&mk->bids, h);
        n += b->state == AK_BID_OPEN;
        h = b->next;
    }
    ak_msg m;
    if (n > 0) {
        ak_choice_bid *c = world_alloc(w, n * sizeof *c);
        uint32_t *handle = world_alloc(w, n * sizeof *handle);
        if (!c || !handle)
            return AK_ENOMEM;
        uint32_t i = 0;
        /* who bid matters only to a policy that remembers failures */
        bool who = w->sc->any_failures && w->sc->choice->uses_failures;
        for (uint32_t h = o->bids; h != AK_POOL_NONE;) {
            const ak_bid *b = ak_pool_at(&mk->bids, h);
            if (b->state == AK_BID_OPEN) {
                uint32_t p = who ? ak_map_get(&w->provider_index, ak_key2(b->id.provider, 0))
                                 : UINT32_MAX;
                c[i] = (ak_choice_bid){b->price.amount, p, known_failures(w, dep->tenant, p)};
                handle[i++] = h;
            }
            h = b->next;
        }
        const ak_choice_policy *pol = w->sc->choice;
        uint32_t k = pol->choose(c, n, w->sc->choice_penalty, w->rng_tenants);
        const ak_bid *best = ak_pool_at(&mk->bids, handle[k]);
        m = (ak_msg){.type = AK_MSG_CREATE_LEASE, .hint = handle[k] + 1};
        m.lease.id = best->id;
        return world_submit(w, &m, W_TX_CREATE_LEASE, d);
    }
    /* nobody bid in time: unmet demand */
    t->orders_unmet++;
    w->period.orders_unmet++;
    w->total.orders_unmet++;
    dep->state = W_DEP_CLOSING;
    m = (ak_msg){.type = AK_MSG_CLOSE_DEPLOYMENT};
    m.close_deployment.id = (ak_deployment_id){t->addr, dep->dseq};
    return world_submit(w, &m, W_TX_PLAIN, 0);
}

int tenant_topup(ak_world *w, uint32_t d)
{
    w_dep *dep = &w->deps[d];
    dep->ev_topup = 0;
    if (dep->state != W_DEP_LEASED)
        return 0;
    const ak_scenario *sc = w->sc;
    const ak_escrow_account *a = world_dep_account(w, dep);
    if (!a || a->state != AK_ESCROW_OPEN)
        return 0;
    int64_t remain = world_blocks_remaining(w, a);
    double per_day = BLOCKS_PER_DAY_NOMINAL(w);
    int64_t below = (int64_t)ceil(sc->top_up_below_days * per_day);
    if (remain > below) {
        /* look again when the funds get low, unless that is after the run's end */
        int64_t left = (w->sc->duration_us - w->now) / w->block_us + 1;
        if (remain - below > left)
            return 0;
        return world_schedule(w, w->now + (remain - below) * w->block_us, W_EV_TOPUP, 0, d,
                              &dep->ev_topup);
    }
    w_tenant *t = &w->tenants[dep->tenant];
    ak_amount amount = cost_of(w, world_account_rate(w, a), sc->top_up_days);
    int rc = ensure_balance(w, t, dep->denom, amount);
    if (rc)
        return rc;
    ak_msg m = {.type = AK_MSG_ACCOUNT_DEPOSIT};
    m.account_deposit.signer = t->addr;
    m.account_deposit.id.scope = AK_SCOPE_DEPLOYMENT;
    m.account_deposit.id.xid.owner = t->addr;
    m.account_deposit.id.xid.dseq = dep->dseq;
    m.account_deposit.deposit = deposit_of(dep->denom, amount);
    if ((rc = world_submit(w, &m, W_TX_PLAIN, 0)))
        return rc;
    /* look again once the deposit is in */
    return world_schedule(w, w->now + 2 * w->block_us, W_EV_TOPUP, 0, d, &dep->ev_topup);
}

int tenant_close(ak_world *w, uint32_t d)
{
    w_dep *dep = &w->deps[d];
    dep->ev_close = 0;
    if (dep->state != W_DEP_LEASED && dep->state != W_DEP_BIDDING)
        return 0;
    dep->state = W_DEP_CLOSING;
    ak_msg m = {.type = AK_MSG_CLOSE_DEPLOYMENT};
    m.close_deployment.id = (ak_deployment_id){w->tenants[dep->tenant].addr, dep->dseq};
    return world_submit(w, &m, W_TX_PLAIN, 0);
}

/* Close deployment d (its lease with it) and, with `redeploy`, post the same workload again
 * for the rest of its lifetime. */
static int move_or_leave(ak_world *w, uint32_t d, bool redeploy)
{
    w_dep *dep = &w->deps[d];
    w_tenant *t = &w->tenants[dep->tenant];
    world_cancel(w, &dep->ev_close);
    dep->state = W_DEP_CLOSING;
    ak_msg m = {.type = AK_MSG_CLOSE_DEPLOYMENT};
    m.close_deployment.id = (ak_deployment_id){t->addr, dep->dseq};
    int rc = world_submit(w, &m, W_TX_PLAIN, 0);
    if (rc || !redeploy)
        return rc;
    ak_usec left = dep->lifetime_us - (w->now - dep->lease_us);
    uint32_t nd = world_dep_new(w);
    if (nd == UINT32_MAX)
        return AK_ENOMEM;
    dep = &w->deps[d];
    w_dep *n = &w->deps[nd];
    n->tenant = dep->tenant;
    n->workload = dep->workload;
    n->units = dep->units;
    for (int k = 0; k < 4; k++)
        n->need[k] = dep->need[k];
    n->lifetime_us = left > 1000000 ? left : 1000000;
    n->budget_factor = dep->budget_factor;
    n->denom = dep->denom;
    t->redeployments++;
    return deploy(w, nd);
}

int tenant_notice(ak_world *w, uint32_t d, uint32_t p)
{
    w_dep *dep = &w->deps[d];
    w_provider *pv = &w->providers[p];
    if (dep->state != W_DEP_LEASED || dep->provider != p || !pv->down)
        return 0; /* gone, or back up before the tenant looked */
    w_tenant *t = &w->tenants[dep->tenant];
    ak_key key = ak_key2(t->addr, pv->addr);
    uint32_t seen = ak_map_get(&w->seen, key);
    if (seen != AK_POOL_NONE)
        ak_map_del(&w->seen, key);
    int rc = ak_map_put(&w->seen, key, seen == AK_POOL_NONE ? 1 : seen + 1);
    if (rc)
        return rc;
    pv->noticed++;
    t->failures_noticed++;
    w->period.failures_noticed++;
    w->total.failures_noticed++;
    if (w->sc->on_failure == AK_SC_FAIL_STAY)
        return 0;
    return move_or_leave(w, d, w->sc->on_failure == AK_SC_FAIL_REDEPLOY);
}

int tenant_provider_left(ak_world *w, uint32_t d)
{
    return move_or_leave(w, d, w->sc->on_failure != AK_SC_FAIL_LEAVE);
}
