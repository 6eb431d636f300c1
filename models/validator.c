/*
 * models/validator.c: validator operators (docs/scenarios.md "agents.validators";
 * chain-rules.md sections 1.6 to 1.8 and 4).
 *
 *   failures  With time_to_failure_days and time_to_repair_hours, each genesis validator goes
 *             offline that long after the start or its last repair and comes back that long
 *             later (the "operators" stream).
 *   outages   A scheduled outage takes validators, in a random order (a Fisher-Yates shuffle
 *             of all of them: the same number of draws whatever the outcome), until their
 *             voting power in the current set reaches power_share of its total, offline for
 *             `hours`. A data centre or a cloud region going dark.
 *   offline   An offline validator signs nothing: its precommits are absent from the next
 *             LastCommit (slashing counts them and jails it for downtime, chain-rules.md 4),
 *             and it proposes nothing (the block production model, consensus.h, runs rounds
 *             until an online proposer). With less than +2/3 of the power online the chain
 *             halts: no block, so no escrow accrual, no inflation, nothing paid per block,
 *             until enough validators are back (world_wake_chain).
 *   double    double_sign_per_year is a Poisson rate per validator; an online validator that
 *             double signs has its evidence in the next block (slashed, tombstoned, jailed
 *             forever).
 *   unjail    Once a jailed validator is back and its jail time has passed, its operator
 *             sends MsgUnjail (unless `unjail` is false). A tombstoned one cannot.
 */
#include <math.h>
#include <stdlib.h>

#include "errors.h"
#include "slashing.h"
#include "staking.h"
#include "world.h"

static ak_usec after(const ak_dist *d, gsl_rng *r, double us_per_unit)
{
    return world_round(ak_dist_sample(d, r) * us_per_unit, 1, INT64_MAX / 4);
}

static int schedule(ak_world *w, ak_usec t, uint32_t kind, uint32_t v, uint64_t data)
{
    if (t >= w->sc->duration_us)
        return 0;
    return world_schedule(w, t, kind, v, data, NULL);
}

static int schedule_failure(ak_world *w, uint32_t v)
{
    return schedule(w, w->now + after(&w->sc->val_ttf_days, w->rng_operators, 86400e6),
                    W_EV_VFAIL, v, 0);
}

static int schedule_double_sign(ak_world *w, uint32_t v)
{
    double mean_us = 365 * 86400e6 / w->sc->double_sign_per_year;
    double u = gsl_rng_uniform(w->rng_operators);
    return schedule(w, w->now + world_round(-mean_us * log1p(-u), 1, INT64_MAX / 4),
                    W_EV_DOUBLE_SIGN, v, 0);
}

int validators_start(ak_world *w)
{
    const ak_scenario *sc = w->sc;
    int rc = 0;
    for (uint32_t v = 0; !rc && sc->val_fails && v < w->nvals; v++)
        rc = schedule_failure(w, v);
    for (uint32_t v = 0; !rc && sc->double_sign_per_year > 0 && v < w->nvals; v++)
        rc = schedule_double_sign(w, v);
    for (uint32_t i = 0; !rc && i < sc->nval_outages; i++)
        rc = schedule(w, (ak_usec)llround(sc->val_outages[i].at_day * 86400e6), W_EV_VOUTAGE, 0,
                      i);
    return rc;
}

static void go_down(ak_world *w, uint32_t v)
{
    w_val *vs = &w->val_stats[v];
    if (vs->down++ > 0)
        return;
    vs->failures++;
    vs->down_since = w->now;
    w->vals_down++;
    w->online_stale = true;
}

/* Count a jailing the metrics samples would miss: jailed while offline and unjailed before the
 * next sample (chain_figures in engine.c counts the rest the same way). */
static void note_jailed(ak_world *w, uint32_t v)
{
    w_val *vs = &w->val_stats[v];
    const ak_staking *st = ak_app_staking(w->app);
    uint32_t h = ak_map_get(&st->val_index, ak_key2(vs->addr, 0));
    bool jailed = h != AK_POOL_NONE && ((const ak_validator *)ak_pool_at(&st->vals, h))->jailed;
    if (jailed && !vs->was_jailed)
        vs->times_jailed++;
    vs->was_jailed = jailed;
}

static int go_up(ak_world *w, uint32_t v)
{
    w_val *vs = &w->val_stats[v];
    if (vs->down == 0 || --vs->down > 0)
        return 0;
    note_jailed(w, v);
    vs->downtime_us += w->now - vs->down_since;
    w->vals_down--;
    w->online_stale = true;
    int rc = world_wake_chain(w);
    return rc ? rc : validator_unjail(w, v);
}

int validator_fail(ak_world *w, uint32_t v)
{
    ak_usec repair = w->now + after(&w->sc->val_ttr_hours, w->rng_operators, 3600e6);
    go_down(w, v);
    return schedule(w, repair, W_EV_VREPAIR, v, 0);
}

int validator_repair(ak_world *w, uint32_t v, bool outage)
{
    int rc = go_up(w, v);
    if (!rc && !outage && w->sc->val_fails)
        rc = schedule_failure(w, v);
    return rc;
}

int validator_outage(ak_world *w, uint32_t i)
{
    const ak_sc_val_outage *o = &w->sc->val_outages[i];
    const ak_valset *cur = &ak_app_consensus(w->app)->cur;
    uint32_t n = w->nvals;
    uint32_t *order = malloc((n ? n : 1) * sizeof *order);
    if (!order)
        return AK_ENOMEM;
    for (uint32_t k = 0; k < n; k++)
        order[k] = k;
    for (uint32_t k = n; k > 1; k--) { /* Fisher-Yates: n - 1 draws */
        uint32_t j = (uint32_t)(gsl_rng_uniform(w->rng_operators) * k);
        if (j >= k)
            j = k - 1;
        uint32_t t = order[k - 1];
        order[k - 1] = order[j];
        order[j] = t;
    }
    ak_usec end = w->now + (ak_usec)llround(o->hours * 3600e6);
    double want = o->power_share * (double)cur->total;
    double taken = 0;
    int rc = 0;
    for (uint32_t k = 0; k < n && !rc && taken < want; k++) {
        int32_t idx = ak_valset_index(cur, w->val_stats[order[k]].addr);
        if (idx < 0)
            continue; /* not in the set: no power to take */
        taken += (double)cur->vals[idx].power;
        go_down(w, order[k]);
        rc = schedule(w, end, W_EV_VREPAIR, order[k], 1);
    }
    free(order);
    return rc;
}

int validator_double_sign(ak_world *w, uint32_t v)
{
    if (w->val_stats[v].down == 0 && w->height > 0) {
        if (w->nevidence == w->cap_evidence) {
            uint32_t cap = w->cap_evidence ? 2 * w->cap_evidence : 8;
            ak_addr *e = realloc(w->evidence, cap * sizeof *e);
            if (!e)
                return AK_ENOMEM;
            w->evidence = e;
            w->cap_evidence = cap;
        }
        w->evidence[w->nevidence++] = w->val_stats[v].addr;
        w->val_stats[v].double_signs++;
    }
    return schedule_double_sign(w, v);
}

int validator_unjail(ak_world *w, uint32_t v)
{
    const w_val *vs = &w->val_stats[v];
    if (!w->sc->val_unjail || vs->down > 0)
        return 0;
    const ak_staking *st = ak_app_staking(w->app);
    uint32_t h = ak_map_get(&st->val_index, ak_key2(vs->addr, 0));
    if (h == AK_POOL_NONE || !((const ak_validator *)ak_pool_at(&st->vals, h))->jailed)
        return 0;
    const ak_slashing *sl = ak_app_slashing(w->app);
    uint32_t si = ak_map_get(&sl->info_index, ak_key2(vs->addr, 0));
    if (si == AK_POOL_NONE)
        return 0;
    const ak_signing_info *info = ak_pool_at(&sl->infos, si);
    if (info->tombstoned)
        return 0;
    ak_usec allowed = (info->jailed_until - w->sc->genesis_time) * 1000000;
    if (allowed > w->now) /* look again when the jail time is over */
        return schedule(w, allowed, W_EV_UNJAIL, v, 0);
    ak_msg m = {.type = AK_MSG_UNJAIL};
    m.validator.validator = vs->addr;
    return world_submit(w, &m, W_TX_PLAIN, 0);
}
