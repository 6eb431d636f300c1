/*
 * models/reliability.c: providers that fail and come back (docs/scenarios.md, a fleet's
 * `reliability` and agents.providers.outages; market-rules.md 5.4).
 *
 *   failures  A provider of a fleet with `reliability` fails time_to_failure_days after the
 *             start or its last repair and is repaired time_to_repair_hours later, both drawn
 *             from the "reliability" stream.
 *   outages   A scheduled outage takes down, at at_day, each provider matching its region and
 *             fleet with probability share (one uniform per matching provider, whatever the
 *             outcome), for hours.
 *   down      Failures and outages overlap: a provider is down while any is in progress
 *             (only a provider in the market goes down: entry slots not yet entered and
 *             providers that left are skipped, their draws made all the same). A
 *             down provider hears no orders and sends nothing (no bids, no withdrawals: the
 *             daemon is off), but nothing on chain notices: its leases keep accruing and the
 *             tenants keep paying (5.4). Each of its tenants notices after detect_hours (the
 *             "detection" stream), if the provider is still down then, and acts as
 *             on_provider_failure says (tenant_notice in tenant.c).
 */
#include <math.h>
#include <string.h>

#include "errors.h"
#include "world.h"

static ak_usec after(const ak_dist *d, gsl_rng *r, double us_per_unit)
{
    return world_round(ak_dist_sample(d, r) * us_per_unit, 1, INT64_MAX / 4);
}

static int schedule_failure(ak_world *w, uint32_t p)
{
    const ak_sc_fleet *f = &w->sc->fleets[w->providers[p].fleet];
    ak_usec t = w->now + after(&f->ttf_days, w->rng_reliability, 86400e6);
    if (t >= w->sc->duration_us)
        return 0;
    return world_schedule(w, t, W_EV_FAIL, p, 0, NULL);
}

int reliability_start(ak_world *w)
{
    const ak_scenario *sc = w->sc;
    int rc = 0;
    for (uint32_t p = 0; !rc && p < w->nproviders; p++)
        if (sc->fleets[w->providers[p].fleet].fails)
            rc = schedule_failure(w, p);
    for (uint32_t i = 0; !rc && i < sc->noutages; i++)
        rc = world_schedule(w, (ak_usec)llround(sc->outages[i].at_day * 86400e6), W_EV_OUTAGE, 0,
                            i, NULL);
    return rc;
}

static int go_down(ak_world *w, uint32_t p)
{
    w_provider *pv = &w->providers[p];
    if (pv->state != W_PROV_ACTIVE)
        return 0; /* not in the market (yet, or any more): nothing to fail */
    if (pv->down++ > 0)
        return 0;
    pv->failures++;
    pv->down_since = w->now;
    w->providers_down++;
    w->period.provider_failures++;
    w->total.provider_failures++;
    for (uint32_t d = pv->leases; d != UINT32_MAX; d = w->deps[d].pnext) {
        ak_usec t = w->now + world_round(ak_dist_sample(&w->sc->detect_hours, w->rng_detection) *
                                             3600e6, 0, INT64_MAX / 4);
        if (t >= w->sc->duration_us)
            continue;
        int rc = world_schedule(w, t, W_EV_NOTICE, p, d, NULL);
        if (rc)
            return rc;
    }
    return 0;
}

static void go_up(ak_world *w, uint32_t p)
{
    w_provider *pv = &w->providers[p];
    if (pv->down == 0 || --pv->down > 0)
        return;
    pv->downtime_us += w->now - pv->down_since;
    w->providers_down--;
}

int provider_fail(ak_world *w, uint32_t p)
{
    const ak_sc_fleet *f = &w->sc->fleets[w->providers[p].fleet];
    ak_usec repair = w->now + after(&f->ttr_hours, w->rng_reliability, 3600e6);
    int rc = go_down(w, p);
    if (rc)
        return rc;
    if (repair >= w->sc->duration_us)
        return 0; /* down until the end */
    return world_schedule(w, repair, W_EV_REPAIR, p, 0, NULL);
}

int provider_repair(ak_world *w, uint32_t p, bool outage)
{
    go_up(w, p);
    return outage ? 0 : schedule_failure(w, p);
}

int provider_outage(ak_world *w, uint32_t i)
{
    const ak_sc_outage *o = &w->sc->outages[i];
    ak_usec end = w->now + (ak_usec)llround(o->hours * 3600e6);
    for (uint32_t p = 0; p < w->nproviders; p++) {
        const w_provider *pv = &w->providers[p];
        const ak_sc_fleet *f = &w->sc->fleets[pv->fleet];
        if (o->fleet && strcmp(o->fleet, f->name) != 0)
            continue;
        if (o->region && strcmp(o->region, f->regions[pv->region]) != 0)
            continue;
        if (gsl_rng_uniform(w->rng_reliability) >= o->share)
            continue;
        int rc = go_down(w, p);
        if (!rc && end < w->sc->duration_us)
            rc = world_schedule(w, end, W_EV_REPAIR, p, 1, NULL);
        if (rc)
            return rc;
    }
    return 0;
}
