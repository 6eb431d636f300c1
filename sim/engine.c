/*
 * sim/engine.c: the run loop, blocks, the mempool, chain event routing and metrics (see
 * engine.h and world.h; DESIGN.md "One run", "Time and blocks", "Determinism").
 *
 * Nothing here loops over every lease or agent per block: a block costs the chain's own work,
 * its messages and its events. Per-lease work (withdrawals, the funds monitor, top-ups,
 * closes) is scheduled as one event each when it is due. Only a metrics sample looks at every
 * live deployment (for the median lease prices), once per sampling interval.
 */
#include "engine.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "jread.h"
#include "jvalue.h"
#include "params_json.h"
#include "rng.h"
#include "world.h"

#define NONE UINT32_MAX
#define POWER_REDUCTION 1000000

/* ---- services to models ---- */

int world_fail(ak_world *w, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->err, sizeof w->err, fmt, ap);
    va_end(ap);
    return AK_EINVAL;
}

int world_submit(ak_world *w, const ak_msg *m, w_tx_origin origin, uint32_t ref)
{
    if (w->nmempool == w->cap_mempool) {
        uint32_t cap = w->cap_mempool ? w->cap_mempool * 2 : 256;
        struct w_tx *n = realloc(w->mempool, cap * sizeof *n);
        if (!n)
            return AK_ENOMEM;
        w->mempool = n;
        w->cap_mempool = cap;
    }
    w->mempool[w->nmempool++] = (struct w_tx){*m, origin, ref};
    return 0;
}

void *world_alloc(ak_world *w, size_t n)
{
    return ak_arena_alloc(&w->scratch, n);
}

int world_schedule(ak_world *w, ak_usec t, uint32_t kind, uint32_t agent, uint64_t data,
                   ak_evq_handle *h)
{
    if (t < w->now)
        t = w->now;
    return ak_evq_push(&w->q, t, W_PRIO_AGENT, kind, agent, 0, data, h);
}

void world_cancel(ak_world *w, ak_evq_handle *h)
{
    if (*h)
        ak_evq_cancel(&w->q, *h);
    *h = 0;
}

uint32_t world_dep_new(ak_world *w)
{
    uint32_t d;
    if (w->free_dep != NONE) {
        d = w->free_dep;
        w->free_dep = w->deps[d].next_free;
    } else {
        if (w->ndeps == w->cap_deps) {
            uint32_t cap = w->cap_deps ? w->cap_deps * 2 : 1024;
            w_dep *n = realloc(w->deps, (size_t)cap * sizeof *n);
            if (!n)
                return NONE;
            w->deps = n;
            w->cap_deps = cap;
        }
        d = w->ndeps++;
    }
    memset(&w->deps[d], 0, sizeof w->deps[d]);
    w->deps[d].bids = NONE;
    w->deps[d].provider = NONE;
    w->deps[d].next_free = NONE;
    return d;
}

void world_dep_free(ak_world *w, uint32_t d)
{
    w_dep *dep = &w->deps[d];
    for (uint32_t b = dep->bids; b != NONE;) {
        uint32_t next = w->bids[b].next;
        provider_release(w, b);
        world_bid_free(w, b);
        b = next;
    }
    world_cancel(w, &dep->ev_choose);
    world_cancel(w, &dep->ev_close);
    world_cancel(w, &dep->ev_topup);
    world_cancel(w, &dep->ev_withdraw);
    world_cancel(w, &dep->ev_dry);
    if (dep->state != W_DEP_FREE)
        ak_map_del(&w->dep_index, ak_key2(w->tenants[dep->tenant].addr, dep->dseq));
    dep->state = W_DEP_FREE;
    dep->next_free = w->free_dep;
    w->free_dep = d;
}

uint32_t world_bid_new(ak_world *w)
{
    uint32_t b;
    if (w->free_bid != NONE) {
        b = w->free_bid;
        w->free_bid = w->bids[b].next_free;
    } else {
        if (w->nbids == w->cap_bids) {
            uint32_t cap = w->cap_bids ? w->cap_bids * 2 : 1024;
            w_bid *n = realloc(w->bids, (size_t)cap * sizeof *n);
            if (!n)
                return NONE;
            w->bids = n;
            w->cap_bids = cap;
        }
        b = w->nbids++;
    }
    memset(&w->bids[b], 0, sizeof w->bids[b]);
    w->bids[b].next = NONE;
    w->bids[b].next_free = NONE;
    return b;
}

void world_bid_free(ak_world *w, uint32_t b)
{
    w->bids[b].next_free = w->free_bid;
    w->free_bid = b;
}

uint32_t world_dep_find(const ak_world *w, ak_addr owner, uint64_t dseq)
{
    return ak_map_get(&w->dep_index, ak_key2(owner, dseq));
}

const ak_escrow_account *world_dep_account(const ak_world *w, const w_dep *d)
{
    const ak_deployment *dp =
        ak_app_find_deployment(w->app, (ak_deployment_id){w->tenants[d->tenant].addr, d->dseq});
    if (!dp || dp->account == AK_POOL_NONE)
        return NULL;
    return ak_pool_at(&ak_app_escrow(w->app)->accounts, dp->account);
}

ak_dec world_account_rate(const ak_world *w, const ak_escrow_account *a)
{
    const ak_escrow *e = ak_app_escrow(w->app);
    ak_dec rate = ak_dec_zero();
    for (uint32_t h = a->payments; h != AK_POOL_NONE;) {
        const ak_escrow_payment *p = ak_pool_at(&e->payments, h);
        if (p->state == AK_ESCROW_OPEN && ak_dec_add(rate, p->rate, &rate))
            return ak_dec_from_int(INT64_MAX / 4);
        h = p->next;
    }
    return rate;
}

int64_t world_blocks_remaining(const ak_world *w, const ak_escrow_account *a)
{
    ak_dec rate = world_account_rate(w, a);
    if (!ak_dec_is_positive(rate))
        return INT64_MAX;
    if (!ak_dec_is_positive(a->funds))
        return -(w->height - a->settled_at);
    ak_dec q;
    int64_t covered;
    if (ak_dec_quo_truncate(a->funds, rate, &q) || ak_dec_truncate_int(q, &covered))
        return INT64_MAX;
    return covered - (w->height - a->settled_at);
}

/* ---- genesis ---- */

static int intern(ak_world *w, const char *s, ak_str *out)
{
    return ak_app_intern(w->app, s, out);
}

static ak_script_prices prices_of(const ak_sc_usd *u)
{
    ak_script_prices p;
    ak_pricing_script_defaults(&p);
    /* USD targets to 6 decimals, as a Dec */
    p.cpu = world_dec6(u->cpu);
    p.memory = world_dec6(u->memory);
    p.ephemeral = world_dec6(u->storage);
    p.hdd = p.ssd = p.nvme = p.ephemeral;
    p.gpu = world_dec6(u->gpu);
    p.endpoint = world_dec6(u->endpoint);
    return p;
}

static int64_t draw_pos(const ak_dist *d, gsl_rng *r, double scale, int64_t lo)
{
    return world_round(ak_dist_sample(d, r) * scale, lo, (int64_t)9e18);
}

static int set_params(ak_world *w, char *why, size_t cap)
{
    const ak_scenario *sc = w->sc;
    ak_params p = *ak_app_params(w->app);
    if (sc->params) {
        jr r;
        jr_init(&r, "scenario", sc->file, sc->root);
        if (setjmp(r.on_error)) {
            snprintf(why, cap, "%s", r.err + strlen("scenario: "));
            return AK_EINVAL;
        }
        ak_params_json_read(&r, sc->params, ak_app_strs(w->app), &p);
    }
    return ak_app_set_params(w->app, &p, why, cap);
}

uint32_t world_provider_attrs(ak_world *w, uint32_t p, ak_attr *out)
{
    const w_provider *pv = &w->providers[p];
    const ak_sc_fleet *fl = &w->sc->fleets[pv->fleet];
    char name[96];
    ak_str key, value, yes;
    uint32_t n = 0;
    if (intern(w, "true", &yes))
        return 0;
    if (fl->gpu_model[0]) {
        snprintf(name, sizeof name, "capabilities/gpu/vendor/nvidia/model/%s", fl->gpu_model);
        if (intern(w, name, &key))
            return 0;
        out[n++] = (ak_attr){key, yes};
    }
    if (intern(w, "region", &key))
        return 0;
    out[n++] = (ak_attr){key, w->region_names[pv->fleet][pv->region]};
    for (uint32_t i = 0; i < fl->nattrs; i++) {
        if (intern(w, fl->attrs[i].key, &key) || intern(w, fl->attrs[i].value, &value))
            return 0;
        out[n++] = (ak_attr){key, value};
    }
    /* sorted by key, as providers list them */
    for (uint32_t i = 1; i < n; i++)
        for (uint32_t j = i; j > 0 && strcmp(ak_strtab_get(w->strs, out[j - 1].key),
                                             ak_strtab_get(w->strs, out[j].key)) > 0;
             j--) {
            ak_attr t = out[j];
            out[j] = out[j - 1];
            out[j - 1] = t;
        }
    return n;
}

int world_audit_provider(ak_world *w, uint32_t p)
{
    const ak_sc_fleet *fl = &w->sc->fleets[w->providers[p].fleet];
    for (uint32_t i = 0; i < fl->naudited_by; i++) {
        ak_attr *attrs = world_alloc(w, (2 + AK_SC_MAX_ATTRS) * sizeof *attrs);
        if (!attrs)
            return AK_ENOMEM;
        uint32_t n = world_provider_attrs(w, p, attrs);
        if (n == 0)
            return AK_ENOMEM;
        ak_msg m = {.type = AK_MSG_SIGN_PROVIDER_ATTRIBUTES};
        m.sign_attrs.auditor = w->auditors[fl->audited_by[i]];
        m.sign_attrs.owner = w->providers[p].addr;
        m.sign_attrs.attrs = (ak_attrs){attrs, n};
        int rc = world_submit(w, &m, W_TX_PLAIN, 0);
        if (rc)
            return rc;
    }
    return 0;
}

/* Delegators and their genesis delegations: stakes and validators from their own stream (two
 * draws each), the validator by a power law over the genesis order (models/delegator.c). */
static int genesis_delegators(ak_world *w, char *why, size_t cap)
{
    const ak_scenario *sc = w->sc;
    if (sc->ndelegators == 0 || sc->nvalidators == 0)
        return 0;
    w->delegators = calloc(sc->ndelegators, sizeof *w->delegators);
    double *cum = malloc(sc->nvalidators * sizeof *cum);
    gsl_rng *r = NULL;
    int rc = !w->delegators || !cum ? AK_ENOMEM : 0;
    if (!rc)
        rc = ak_rng_stream(sc->seed, w->replication, AK_RNG_DELEGATORS, &r);
    double total = 0;
    for (uint32_t i = 0; !rc && i < sc->nvalidators; i++)
        cum[i] = total += pow((double)(i + 1), -sc->delegator_alpha);
    char name[32];
    ak_tx_result res;
    for (uint32_t i = 0; !rc && i < sc->ndelegators; i++) {
        w_delegator *dl = &w->delegators[i];
        snprintf(name, sizeof name, "del-%06u", i + 1);
        int64_t stake = draw_pos(&sc->delegator_stake_akt, r, 1e6, 0);
        double u = gsl_rng_uniform(r) * total;
        uint32_t v = 0;
        while (v + 1 < sc->nvalidators && u >= cum[v])
            v++;
        snprintf(why, cap, "val-%03u", v + 1);
        if ((rc = intern(w, name, &dl->addr)) || (rc = intern(w, why, &dl->val)))
            break;
        why[0] = '\0';
        if (stake > 0 &&
            (rc = ak_app_genesis_delegation(w->app, dl->addr, dl->val, stake, &res))) {
            snprintf(why, cap, "%s: genesis delegation of %s: %s", sc->file, name,
                     rc == res.code ? res.detail : ak_err_name(rc));
            break;
        }
    }
    w->ndelegators = sc->ndelegators;
    free(cum);
    if (r)
        gsl_rng_free(r);
    return rc;
}

/* The dormant slots of the providers that may enter later (fleets with entry_exit): drawn
 * from their own stream, so that allowing entry shifts no other draw; in the buckets, but not
 * on chain and not in the capacity until they enter (models/market_entry.c). */
static int entrant_slots(ak_world *w, const uint32_t *fleet_bucket)
{
    const ak_scenario *sc = w->sc;
    if (sc->nentrants == 0)
        return 0;
    gsl_rng *r = NULL;
    int rc = ak_rng_stream(sc->seed, w->replication, AK_RNG_ENTRANTS, &r);
    char name[96];
    uint32_t pi = w->nproviders;
    for (uint32_t f = 0; !rc && f < sc->nfleets; f++) {
        const ak_sc_fleet *fl = &sc->fleets[f];
        for (uint32_t i = 0; !rc && i < fl->max_entrants; i++, pi++) {
            w_provider *pv = &w->providers[pi];
            snprintf(name, sizeof name, "%s-%u", fl->name, fl->count + i + 1);
            if ((rc = intern(w, name, &pv->addr)))
                break;
            pv->fleet = f;
            pv->region = (fl->count + i) % fl->nregions;
            pv->leases = NONE;
            pv->factor = 1;
            pv->entered_us = pv->exited_us = -1;
            pv->state = W_PROV_DORMANT;
            pv->cap[W_CPU] = draw_pos(&fl->cpu_cores, r, 1000, 0);
            pv->cap[W_MEM] = draw_pos(&fl->memory_gib, r, (double)(1 << 30), 0);
            pv->cap[W_STORAGE] = draw_pos(&fl->storage_gib, r, (double)(1 << 30), 0);
            pv->cap[W_GPU] = fl->gpu_model[0] ? draw_pos(&fl->gpus, r, 1, 0) : 0;
            if (!fl->gpu_model[0])
                (void)ak_dist_sample(&fl->gpus, r);
            for (int k = 0; k < 4; k++)
                pv->free[k] = pv->cap[k];
            if ((rc = ak_map_put(&w->provider_index, ak_key2(pv->addr, 0), pi)))
                break;
            w->buckets[0][w->nbucket[0]++] = pi;
            if (fleet_bucket[f])
                w->buckets[fleet_bucket[f]][w->nbucket[fleet_bucket[f]]++] = pi;
        }
    }
    gsl_rng_free(r);
    w->nproviders = pi;
    return rc;
}

static int genesis(ak_world *w, char *why, size_t cap)
{
    const ak_scenario *sc = w->sc;
    ak_tx_result res;
    int rc;
    char name[96];
    if ((rc = set_params(w, why, cap)))
        return rc;
    const ak_params *p = ak_app_params(w->app);
    ak_app_set_clock(w->app, sc->genesis_time, w->block_us / 1000000 ? w->block_us / 1000000 : 1);
    if (sc->has_inflation)
        ak_app_set_inflation(w->app, sc->inflation);
    if ((rc = intern(w, "uakt", &w->uakt)) || (rc = intern(w, "holders", &w->holders)) ||
        (rc = intern(w, "akash", &w->name_group)) || (rc = intern(w, "default", &w->name_default)))
        return rc;
    if ((rc = intern(w, "uusdc", &w->uusdc)))
        return rc;
    for (uint32_t i = 0; i < sc->nauditors; i++)
        if ((rc = intern(w, sc->auditors[i], &w->auditors[i])))
            return rc;
    w->min_deposit = w->min_deposit_usdc = 0;
    for (uint32_t i = 0; i < p->deployment.n_min_deposits; i++) {
        if (p->deployment.min_deposits[i].denom == w->uakt)
            w->min_deposit = p->deployment.min_deposits[i].amount;
        if (p->deployment.min_deposits[i].denom == w->uusdc)
            w->min_deposit_usdc = p->deployment.min_deposits[i].amount;
    }
    w->bid_deposit = p->market.bid_min_deposit;
    if (sc->holders_uakt > 0 &&
        (rc = ak_app_genesis_balance(w->app, w->holders, (ak_coin){w->uakt, sc->holders_uakt})))
        return rc;
    if (sc->holders_uusdc > 0 &&
        (rc = ak_app_genesis_balance(w->app, w->holders,
                                     (ak_coin){w->uusdc, sc->holders_uusdc})))
        return rc;

    /* validators: stakes from their own stream, so fleets and tenants do not shift them */
    gsl_rng *rv = NULL;
    if ((rc = ak_rng_stream(sc->seed, w->replication, AK_RNG_VALIDATORS, &rv)))
        return rc;
    for (uint32_t i = 0; i < sc->nvalidators; i++) {
        snprintf(name, sizeof name, "val-%03u", i + 1);
        ak_addr a;
        int64_t stake = draw_pos(&sc->validator_stake_akt, rv, 1e6, POWER_REDUCTION);
        if ((rc = intern(w, name, &a)) ||
            (rc = ak_app_genesis_validator(w->app, a, stake, sc->commission, sc->max_commission,
                                           sc->max_change, 1, &res))) {
            gsl_rng_free(rv);
            snprintf(why, cap, "%s: genesis validator %s: %s", sc->file, name,
                     rc == res.code ? res.detail : ak_err_name(rc));
            return rc;
        }
    }
    gsl_rng_free(rv);
    if ((rc = genesis_delegators(w, why, cap)))
        return rc;

    /* providers */
    uint32_t slots = sc->nproviders + sc->nentrants; /* entrants' slots follow, dormant */
    w->providers = calloc(slots ? slots : 1, sizeof *w->providers);
    /* bucket 0 holds every provider (CPU orders); bucket 1 + g holds every provider with the
     * GPU model of fleet g, g being the first fleet with that model (other buckets are empty) */
    w->nbuckets = 1 + sc->nfleets;
    w->buckets = calloc(w->nbuckets, sizeof *w->buckets);
    w->nbucket = calloc(w->nbuckets, sizeof *w->nbucket);
    if (!w->providers || !w->buckets || !w->nbucket)
        return AK_ENOMEM;
    uint32_t fleet_bucket[AK_SC_MAX_FLEETS], size[1 + AK_SC_MAX_FLEETS] = {slots};
    for (uint32_t f = 0; f < sc->nfleets; f++) {
        fleet_bucket[f] = 0;
        for (uint32_t g = 0; g <= f && sc->fleets[f].gpu_model[0] && !fleet_bucket[f]; g++)
            if (strcmp(sc->fleets[g].gpu_model, sc->fleets[f].gpu_model) == 0)
                fleet_bucket[f] = 1 + g;
        if (fleet_bucket[f])
            size[fleet_bucket[f]] += sc->fleets[f].count + sc->fleets[f].max_entrants;
    }
    for (uint32_t b = 0; b < w->nbuckets; b++)
        if (size[b] && !(w->buckets[b] = calloc(size[b], sizeof(uint32_t))))
            return AK_ENOMEM;
    gsl_rng *rp = w->rng_providers;
    uint32_t pi = 0;
    for (uint32_t f = 0; f < sc->nfleets; f++) {
        const ak_sc_fleet *fl = &sc->fleets[f];
        w->fleet_prices[f] = prices_of(&fl->prices);
        ak_sc_usd cp = fl->cost;
        double markup = 1 + fl->pricing.margin;
        cp.cpu *= markup, cp.memory *= markup, cp.storage *= markup, cp.gpu *= markup;
        cp.endpoint *= markup;
        w->fleet_cost_plus[f] = prices_of(&cp);
        const ak_dec *sv = fl->pricing.scale;
        w->fleet_scale[f] = (ak_scale_prices){sv[0], sv[1], sv[2], sv[3], sv[4]};
        ak_attr attrs[2 + AK_SC_MAX_ATTRS];
        for (uint32_t k = 0; k < fl->nregions; k++)
            if ((rc = intern(w, fl->regions[k], &w->region_names[f][k])))
                return rc;
        for (uint32_t i = 0; i < fl->count; i++, pi++) {
            w_provider *pv = &w->providers[pi];
            snprintf(name, sizeof name, "%s-%u", fl->name, i + 1);
            if ((rc = intern(w, name, &pv->addr)))
                return rc;
            pv->fleet = f;
            pv->region = i % fl->nregions;
            pv->leases = NONE;
            pv->factor = 1;
            pv->entered_us = pv->exited_us = -1;
            /* always four draws per provider */
            pv->cap[W_CPU] = draw_pos(&fl->cpu_cores, rp, 1000, 0);
            pv->cap[W_MEM] = draw_pos(&fl->memory_gib, rp, (double)(1 << 30), 0);
            pv->cap[W_STORAGE] = draw_pos(&fl->storage_gib, rp, (double)(1 << 30), 0);
            pv->cap[W_GPU] = fl->gpu_model[0] ? draw_pos(&fl->gpus, rp, 1, 0) : 0;
            if (!fl->gpu_model[0])
                (void)ak_dist_sample(&fl->gpus, rp);
            for (int k = 0; k < 4; k++) {
                pv->free[k] = pv->cap[k];
                w->capacity[k] += pv->cap[k];
            }
            uint32_t na = world_provider_attrs(w, pi, attrs);
            if (na == 0)
                return AK_ENOMEM;
            ak_str host;
            char uri[160];
            snprintf(uri, sizeof uri, "https://%s.example.com:8443", name);
            if ((rc = intern(w, uri, &host)))
                return rc;
            rc = ak_app_genesis_provider(w->app, pv->addr, host, (ak_attrs){attrs, na}, 0, 0, &res);
            if (rc) {
                snprintf(why, cap, "%s: genesis provider %s: %s", sc->file, name, res.detail);
                return rc;
            }
            if ((rc = ak_app_genesis_balance(w->app, pv->addr,
                                             (ak_coin){w->uakt, fl->balance_uakt})))
                return rc;
            if ((rc = ak_map_put(&w->provider_index, ak_key2(pv->addr, 0), pi)))
                return rc;
            w->buckets[0][w->nbucket[0]++] = pi;
            if (fleet_bucket[f])
                w->buckets[fleet_bucket[f]][w->nbucket[fleet_bucket[f]]++] = pi;
        }
    }
    w->nproviders = pi;
    w->active_providers = pi;
    if ((rc = entrant_slots(w, fleet_bucket)))
        return rc;

    /* workloads: cumulative weights, budgets, the bucket their orders go to */
    double cum = 0;
    for (uint32_t k = 0; k < sc->nworkloads; k++) {
        const ak_sc_workload *wl = &sc->workloads[k];
        cum += wl->weight;
        w->workload_cum[k] = cum;
        w->workload_budget[k] = prices_of(&wl->budget);
        for (uint32_t i = 0; i < wl->nrequires; i++) {
            ak_attr *a = &w->workload_req[k][i];
            if ((rc = intern(w, wl->requires[i].key, &a->key)) ||
                (rc = intern(w, wl->requires[i].value, &a->value)))
                return rc;
            if (strcmp(wl->requires[i].key, "region") == 0)
                w->workload_region[k] = a->value;
        }
        for (uint32_t i = 0; i < wl->nsigned_by; i++)
            w->workload_all_of[k][i] = w->auditors[wl->signed_by[i]];
        for (uint32_t f = 0; f < sc->nfleets; f++)
            w->serves[k][f] = ak_sc_fleet_serves(sc, f, k);
        w->workload_bucket[k] = 0;
        if (wl->gpu_model[0]) {
            for (uint32_t f = 0; f < sc->nfleets; f++)
                if (strcmp(sc->fleets[f].gpu_model, wl->gpu_model) == 0) {
                    w->workload_bucket[k] = 1 + f;
                    break;
                }
            ak_str key, yes;
            snprintf(name, sizeof name, "vendor/nvidia/model/%s", wl->gpu_model);
            if ((rc = intern(w, name, &key)) || (rc = intern(w, "true", &yes)))
                return rc;
            w->workload_gpu_attr[k] = (ak_attr){key, yes};
        }
    }

    /* tenants */
    w->tenants = calloc(sc->ntenants, sizeof *w->tenants);
    if (!w->tenants)
        return AK_ENOMEM;
    w->ntenants = sc->ntenants;
    gsl_rng *rt = w->rng_tenants;
    for (uint32_t i = 0; i < sc->ntenants; i++) {
        w_tenant *t = &w->tenants[i];
        snprintf(name, sizeof name, "tenant-%06u", i + 1);
        if ((rc = intern(w, name, &t->addr)))
            return rc;
        t->next_dseq = 1;
        int64_t bal = draw_pos(&sc->tenant_balance_akt, rt, 1e6, 0);
        if (bal > 0 && (rc = ak_app_genesis_balance(w->app, t->addr, (ak_coin){w->uakt, bal})))
            return rc;
        if ((rc = ak_map_put(&w->tenant_index, ak_key2(t->addr, 0), i)))
            return rc;
    }
    return ak_app_genesis_finish(w->app);
}

/* ---- create / destroy ---- */

int ak_sim_create(const ak_scenario *sc, const ak_sim_opts *opts, ak_sim **out, char *why,
                  size_t cap)
{
    *out = NULL;
    ak_world *w = calloc(1, sizeof *w);
    if (!w) {
        snprintf(why, cap, "out of memory");
        return AK_ENOMEM;
    }
    w->sc = sc;
    w->replication = opts ? opts->replication : 0;
    w->check = opts && opts->check;
    w->rec = opts ? opts->rec : NULL;
    w->free_dep = w->free_bid = NONE;
    w->block_us = sc->timeouts.commit + sc->timeouts.gossip;
    w->usd_now = sc->akt_usd;
    w->akt_usd = world_dec6(sc->akt_usd);
    w->price_moves = ak_price_step_us(&sc->akt_price) > 0;
    w->track_leases = sc->any_failures;
    for (uint32_t f = 0; f < sc->nfleets; f++)
        w->track_leases = w->track_leases || sc->fleets[f].entry_exit;
    ak_map_init(&w->dep_index, NULL);
    ak_map_init(&w->tenant_index, NULL);
    ak_map_init(&w->provider_index, NULL);
    ak_map_init(&w->validator_index, NULL);
    ak_map_init(&w->seen, NULL);
    ak_arena_init(&w->scratch);
    why[0] = '\0';
    int rc = ak_evq_init(&w->q, 1024);
    if (!rc)
        rc = ak_app_create(sc->rules, &w->app);
    if (!rc) {
        w->strs = ak_app_strs(w->app);
        rc = ak_rng_stream(sc->seed, w->replication, AK_RNG_TENANTS, &w->rng_tenants);
    }
    if (!rc)
        rc = ak_rng_stream(sc->seed, w->replication, AK_RNG_PROVIDERS, &w->rng_providers);
    if (!rc)
        rc = ak_rng_stream(sc->seed, w->replication, AK_RNG_RELIABILITY, &w->rng_reliability);
    if (!rc)
        rc = ak_rng_stream(sc->seed, w->replication, AK_RNG_DETECTION, &w->rng_detection);
    if (!rc)
        rc = ak_rng_stream(sc->seed, w->replication, AK_RNG_OPERATORS, &w->rng_operators);
    if (!rc)
        rc = ak_rng_stream(sc->seed, w->replication, AK_RNG_GOVERNANCE, &w->rng_governance);
    if (!rc)
        rc = ak_rng_stream(sc->seed, w->replication, AK_RNG_PRICE, &w->rng_price);
    if (!rc)
        rc = ak_price_init(&sc->akt_price, &w->price);
    if (!rc)
        rc = genesis(w, why, cap);
    if (!rc) {
        /* validators by address, to count proposals */
        const ak_consensus *c = ak_app_consensus(w->app);
        w->nvals = c->cur.n;
        w->val_stats = calloc(w->nvals ? w->nvals : 1, sizeof *w->val_stats);
        if (!w->val_stats)
            rc = AK_ENOMEM;
        for (uint32_t i = 0; !rc && i < w->nvals; i++) {
            w->val_stats[i].addr = c->cur.vals[i].addr;
            const ak_validator *v = ak_pool_at(&ak_app_staking(w->app)->vals,
                                               ak_map_get(&ak_app_staking(w->app)->val_index,
                                                          ak_key2(c->cur.vals[i].addr, 0)));
            w->val_stats[i].tokens_start = v->tokens;
            rc = ak_map_put(&w->validator_index, ak_key2(c->cur.vals[i].addr, 0), i);
        }
        w->online = calloc(w->nvals ? w->nvals : 1, sizeof *w->online);
        w->flags = calloc(w->nvals ? w->nvals : 1, sizeof *w->flags);
        if (!w->online || !w->flags)
            rc = AK_ENOMEM;
    }
    if (!rc)
        rc = ak_evq_push(&w->q, 0, W_PRIO_BLOCK, W_EV_BLOCK, 0, 0, 0, NULL);
    for (uint32_t p = 0; !rc && w->sc->nauditors && p < w->nproviders; p++)
        if (w->providers[p].state == W_PROV_ACTIVE)
            rc = world_audit_provider(w, p); /* signed in block 1 */
    if (!rc)
        rc = tenant_first_arrival(w);
    if (!rc && w->price_moves && ak_price_step_us(&sc->akt_price) < sc->duration_us)
        rc = ak_evq_push(&w->q, ak_price_step_us(&sc->akt_price), W_PRIO_PRICE, W_EV_PRICE, 0,
                         0, 0, NULL);
    if (!rc && w->rec)
        rc = ak_evq_push(&w->q, sc->sample_us, W_PRIO_SAMPLE, W_EV_SAMPLE, 0, 0, 0, NULL);
    if (!rc)
        rc = ak_evq_push(&w->q, sc->duration_us, W_PRIO_END, W_EV_END, 0, 0, 0, NULL);
    if (!rc && sc->any_failures)
        rc = reliability_start(w);
    if (!rc)
        rc = validators_start(w);
    if (!rc)
        rc = governance_start(w);
    if (!rc)
        rc = entry_start(w);
    if (!rc)
        rc = delegators_start(w);
    if (rc) {
        if (!why[0])
            snprintf(why, cap, "%s: cannot set up the run: %s", sc->file, ak_err_name(rc));
        ak_sim_destroy(w);
        return rc;
    }
    *out = w;
    return 0;
}

void ak_sim_destroy(ak_sim *w)
{
    if (!w)
        return;
    ak_evq_fini(&w->q);
    ak_app_destroy(w->app);
    if (w->rng_tenants)
        gsl_rng_free(w->rng_tenants);
    if (w->rng_providers)
        gsl_rng_free(w->rng_providers);
    if (w->rng_reliability)
        gsl_rng_free(w->rng_reliability);
    if (w->rng_detection)
        gsl_rng_free(w->rng_detection);
    if (w->rng_operators)
        gsl_rng_free(w->rng_operators);
    if (w->rng_governance)
        gsl_rng_free(w->rng_governance);
    if (w->rng_price)
        gsl_rng_free(w->rng_price);
    free(w->evidence);
    free(w->providers);
    for (uint32_t b = 0; w->buckets && b < w->nbuckets; b++)
        free(w->buckets[b]);
    free(w->buckets);
    free(w->nbucket);
    free(w->tenants);
    free(w->deps);
    free(w->bids);
    free(w->mempool);
    free(w->val_stats);
    free(w->delegators);
    free(w->chain_bids);
    free(w->online);
    free(w->flags);
    ak_map_fini(&w->dep_index);
    ak_map_fini(&w->tenant_index);
    ak_map_fini(&w->provider_index);
    ak_map_fini(&w->validator_index);
    ak_map_fini(&w->seen);
    ak_arena_fini(&w->scratch);
    free(w);
}

/* ---- recording ---- */

static double usd_of(const ak_world *w, double uakt)
{
    return uakt / 1e6 * w->usd_now;
}

static double dec_double(ak_dec d)
{
    return (double)d.v / 1e18;
}

static const char *close_reason_name(uint32_t r)
{
    switch (r) {
    case AK_REASON_OWNER: return "owner";
    case AK_REASON_UNSTABLE: return "unstable";
    case AK_REASON_DECOMMISSION: return "decommission";
    case AK_REASON_UNSPECIFIED: return "unspecified";
    case AK_REASON_MANIFEST_TIMEOUT: return "manifest_timeout";
    case AK_REASON_INSUFFICIENT_FUNDS: return "insufficient_funds";
    default: return "other";
    }
}

static int rec_fail(ak_world *w, int rc)
{
    snprintf(w->err, sizeof w->err, "%s", ak_rec_errmsg(w->rec));
    return rc;
}

static void lease_id(const ak_world *w, const w_dep *d, char *buf, size_t cap)
{
    jv_format_bid_id(w->strs, (ak_bid_id){w->tenants[d->tenant].addr, d->dseq, 1, 1,
                                          w->providers[d->provider].addr}, buf, cap);
}

static int record_lease(ak_world *w, const w_dep *d, int64_t closed_us, int64_t closed_h,
                        uint32_t reason)
{
    if (!w->rec)
        return 0;
    char id[JV_ID_STRLEN];
    lease_id(w, d, id, sizeof id);
    const ak_sc_workload *wl = &w->sc->workloads[d->workload];
    double per_block = dec_double(d->lease_price);
    double blocks_month = 365.25 / 12 * 86400e6 / (double)w->block_us;
    ak_rec_lease l = {
        .lease_id = id,
        .tenant = ak_strtab_get(w->strs, w->tenants[d->tenant].addr),
        .provider = ak_strtab_get(w->strs, w->providers[d->provider].addr),
        .kind = wl->kind,
        .created_us = d->lease_us,
        .created_height = d->lease_height,
        .closed_us = closed_us,
        .closed_height = closed_h,
        .close_reason = closed_us >= 0 ? close_reason_name(reason) : NULL,
        .denom = ak_strtab_get(w->strs, d->denom),
        .price_per_block = per_block,
        .price_usd_month = per_block * blocks_month / 1e6 * d->lease_usd,
        .cpu_millis = d->need[W_CPU] * d->units,
        .memory_bytes = d->need[W_MEM] * d->units,
        .storage_bytes = d->need[W_STORAGE] * d->units,
        .gpus = d->need[W_GPU] * d->units,
        .paid = d->paid,
    };
    int rc = ak_rec_write_lease(w->rec, &l);
    return rc ? rec_fail(w, rc) : 0;
}

static int record_order(ak_world *w, const w_dep *d, int64_t closed_us, const char *outcome)
{
    if (!w->rec)
        return 0;
    char id[JV_ID_STRLEN];
    jv_format_order_id(w->strs, (ak_order_id){w->tenants[d->tenant].addr, d->dseq, 1, 1}, id,
                       sizeof id);
    ak_rec_order o = {
        .order_id = id,
        .tenant = ak_strtab_get(w->strs, w->tenants[d->tenant].addr),
        .kind = w->sc->workloads[d->workload].kind,
        .created_us = d->order_us,
        .closed_us = closed_us,
        .bids = d->bids_received,
        .outcome = outcome,
        .budget_per_block = dec_double(d->order_price) * d->units,
    };
    int rc = ak_rec_write_order(w->rec, &o);
    return rc ? rec_fail(w, rc) : 0;
}

/* ---- chain events ---- */

/* The bid record of deployment d by `provider`, whose chain handle is `handle`: through the
 * handle's remembered record when it is that one (the common case, O(1)), else by walking
 * the deployment's bids. NONE when there is none. */
static uint32_t find_bid(const ak_world *w, const w_dep *d, ak_addr provider, uint32_t handle)
{
    if (handle < w->nchain_bids) {
        uint32_t b = w->chain_bids[handle];
        if (b != NONE && &w->deps[w->bids[b].dep] == d &&
            w->providers[w->bids[b].provider].addr == provider)
            return b;
    }
    uint32_t p = ak_map_get(&w->provider_index, ak_key2(provider, 0));
    if (p == NONE)
        return NONE;
    for (uint32_t b = d->bids; b != NONE; b = w->bids[b].next)
        if (w->bids[b].provider == p)
            return b;
    return NONE;
}

/* A MsgCreateBid of record b succeeded: remember which record its chain handle (the
 * EventBidCreated among the events from `from` on) belongs to. */
static int remember_bid(ak_world *w, size_t from, uint32_t b)
{
    size_t n;
    const ak_event *ev = ak_app_events(w->app, &n);
    for (size_t i = from; i < n; i++) {
        if (ev[i].type != AK_EV_BID_CREATED)
            continue;
        uint32_t hd = ev[i].object;
        if (hd >= w->cap_chain_bids) {
            uint32_t cap = w->cap_chain_bids ? w->cap_chain_bids : 4096;
            while (cap <= hd)
                cap *= 2;
            uint32_t *nb = realloc(w->chain_bids, cap * sizeof *nb);
            if (!nb)
                return AK_ENOMEM;
            w->chain_bids = nb;
            w->cap_chain_bids = cap;
        }
        while (w->nchain_bids <= hd)
            w->chain_bids[w->nchain_bids++] = NONE;
        w->chain_bids[hd] = b;
        return 0;
    }
    return 0;
}

static void bid_not_open(ak_world *w, uint32_t b)
{
    if (w->bids[b].chain_open) {
        w->bids[b].chain_open = false;
        w->open_bids--;
    }
}

static int on_lease_created(ak_world *w, uint32_t d, const ak_event *ev)
{
    w_dep *dep = &w->deps[d];
    uint32_t b = find_bid(w, dep, ev->id.provider, ev->object);
    const ak_market *mk = ak_app_market(w->app);
    const ak_bid *cb = ev->object < mk->bids.len ? ak_pool_at(&mk->bids, ev->object) : NULL;
    if (b == NONE || !cb)
        return world_fail(w, "lease %s/%llu: no bid record of its provider",
                          ak_strtab_get(w->strs, ev->id.owner), (unsigned long long)ev->id.dseq);
    w_bid *bid = &w->bids[b];
    world_cancel(w, &bid->timeout);
    bid->state = W_BID_LEASED;
    provider_bid_won(w, b);
    dep->state = W_DEP_LEASED;
    dep->lease_hint = ev->object + 1;
    dep->order_hint = 0;
    dep->provider = bid->provider;
    dep->lease_price = cb->price.amount;
    dep->lease_usd = dep->denom == w->uakt ? w->usd_now : 1.0; /* USD per whole unit */
    dep->lease_us = w->now;
    dep->lease_height = w->height;
    w_provider *pv = &w->providers[bid->provider];
    pv->leases_won++;
    dep->pprev = dep->pnext = NONE;
    if (w->track_leases) { /* failures and exits walk a provider's leases */
        dep->pnext = pv->leases;
        if (pv->leases != NONE)
            w->deps[pv->leases].pprev = d;
        pv->leases = d;
    }
    w->tenants[dep->tenant].leases++;
    w->active_leases++;
    if (dep->order_open) {
        dep->order_open = false;
        w->open_orders--;
    }
    w->leases_total++;
    w->period.leases_created++;
    w->total.leases_created++;
    bool usdc = dep->denom != w->uakt;
    ak_dec *rate = usdc ? &w->active_rate_usdc : &w->active_rate;
    if (ak_dec_add(*rate, dep->lease_price, rate))
        return world_fail(w, "the sum of lease prices overflows");
    if (dep->need[W_GPU] == 0) {
        *(usdc ? &w->cpu_rate_usdc_raw : &w->cpu_rate_raw) += dep->lease_price.v;
        w->cpu_millis += dep->need[W_CPU] * (int64_t)dep->units;
    }
    for (int k = 0; k < 4; k++)
        w->leased[k] += dep->need[k] * (int64_t)dep->units;
    world_cancel(w, &dep->ev_choose);
    int rc = record_order(w, dep, w->now, "leased");
    if (!rc)
        rc = world_schedule(w, w->now + dep->lifetime_us, W_EV_CLOSE, dep->tenant, d,
                            &dep->ev_close);
    if (!rc && w->sc->top_up)
        rc = tenant_topup(w, d);
    if (!rc)
        rc = provider_lease_started(w, d);
    return rc;
}

static int on_lease_closed(ak_world *w, uint32_t d, const ak_event *ev)
{
    w_dep *dep = &w->deps[d];
    if (dep->state != W_DEP_LEASED && dep->state != W_DEP_CLOSING)
        return 0;
    if (dep->provider == NONE)
        return 0;
    w->active_leases--;
    w->period.leases_closed++;
    w->total.leases_closed++;
    bool usdc = dep->denom != w->uakt;
    ak_dec *rate = usdc ? &w->active_rate_usdc : &w->active_rate, r;
    if (ak_dec_sub(*rate, dep->lease_price, &r))
        return world_fail(w, "the sum of lease prices underflows");
    *rate = r;
    if (dep->need[W_GPU] == 0) {
        *(usdc ? &w->cpu_rate_usdc_raw : &w->cpu_rate_raw) -= dep->lease_price.v;
        w->cpu_millis -= dep->need[W_CPU] * (int64_t)dep->units;
    }
    for (int k = 0; k < 4; k++)
        w->leased[k] -= dep->need[k] * (int64_t)dep->units;
    if (w->track_leases) {
        w_provider *pv = &w->providers[dep->provider];
        if (dep->pprev != NONE)
            w->deps[dep->pprev].pnext = dep->pnext;
        else
            pv->leases = dep->pnext;
        if (dep->pnext != NONE)
            w->deps[dep->pnext].pprev = dep->pprev;
        dep->pnext = dep->pprev = NONE;
    }
    provider_lease_ended(w, d);
    uint32_t b = find_bid(w, dep, ev->id.provider, ev->object);
    if (b != NONE)
        provider_release(w, b); /* the lease's capacity goes back */
    int rc = record_lease(w, dep, w->now, w->height, ev->reason);
    bool by_provider = dep->state == W_DEP_LEASED && ev->reason == AK_REASON_DECOMMISSION;
    dep->state = W_DEP_CLOSING;
    if (!rc && by_provider) /* the provider left the market: the tenant moves or leaves */
        rc = tenant_provider_left(w, d);
    return rc;
}

static int route(ak_world *w, const ak_event *ev)
{
    uint32_t d = world_dep_find(w, ev->id.owner, ev->id.dseq);
    if (d == NONE)
        return 0; /* not one of ours (or already gone) */
    w_dep *dep = &w->deps[d];
    switch (ev->type) {
    case AK_EV_DEPLOYMENT_CREATED:
        w->active_deps++;
        w->period.deployments++;
        w->total.deployments++;
        return 0;
    case AK_EV_ORDER_CREATED:
        dep->state = W_DEP_BIDDING;
        dep->order_hint = ev->object + 1;
        dep->order_us = w->now;
        dep->order_open = true;
        w->open_orders++;
        {
            int rc = world_schedule(w, w->now + w->sc->bid_window_us, W_EV_CHOOSE, dep->tenant, d,
                                    &dep->ev_choose);
            return rc ? rc : provider_hear_order(w, d);
        }
    case AK_EV_BID_CREATED: {
        dep->bids_received++;
        uint32_t b = find_bid(w, dep, ev->id.provider, ev->object);
        if (b != NONE) {
            w->bids[b].chain_open = true;
            w->bids[b].hint = ev->object + 1;
            w->open_bids++;
        }
        return 0;
    }
    case AK_EV_BID_LOST: {
        uint32_t b = find_bid(w, dep, ev->id.provider, ev->object);
        if (b == NONE)
            return 0;
        bid_not_open(w, b);
        return provider_bid_lost(w, b);
    }
    case AK_EV_BID_CLOSED: {
        uint32_t b = find_bid(w, dep, ev->id.provider, ev->object);
        if (b == NONE)
            return 0;
        bid_not_open(w, b);
        if (w->bids[b].state == W_BID_RESERVED)
            provider_release(w, b);
        return 0;
    }
    case AK_EV_LEASE_CREATED: {
        uint32_t b = find_bid(w, dep, ev->id.provider, ev->object);
        if (b != NONE)
            bid_not_open(w, b);
        return on_lease_created(w, d, ev);
    }
    case AK_EV_LEASE_CLOSED:
        return on_lease_closed(w, d, ev);
    case AK_EV_ORDER_CLOSED:
        if (dep->order_open) {
            dep->order_open = false;
            w->open_orders--;
            return record_order(w, dep, w->now, "unfilled");
        }
        return 0;
    case AK_EV_DEPLOYMENT_CLOSED:
        w->active_deps--;
        dep->state = W_DEP_CLOSING;
        dep->closed = true;
        return 0;
    case AK_EV_ESCROW_WITHDRAW:
        if (ev->denom == w->uusdc) {
            dep->paid += ev->amount + ev->fee;
            if (dep->provider != NONE)
                w->providers[dep->provider].income_uusdc += ev->amount;
            w->period.income_usdc += ev->amount;
            w->period.take_usdc += ev->fee;
            w->total.income_usdc += ev->amount;
            w->total.take_usdc += ev->fee;
            return 0;
        }
        if (ev->denom != w->uakt)
            return 0;
        dep->paid += ev->amount + ev->fee;
        if (dep->provider != NONE)
            w->providers[dep->provider].income_uakt += ev->amount;
        w->period.income += ev->amount;
        w->period.take += ev->fee;
        w->total.income += ev->amount;
        w->total.take += ev->fee;
        if (w->price_moves) {
            w->period.income_usd += (double)ev->amount / 1e6 * w->usd_now;
            w->period.take_usd += (double)ev->fee / 1e6 * w->usd_now;
        }
        return 0;
    case AK_EV_ESCROW_DEPOSIT:
        if (ev->state == AK_SCOPE_DEPLOYMENT && ev->denom == w->uakt)
            w->tenants[dep->tenant].deposited_uakt += ev->amount;
        if (ev->state == AK_SCOPE_DEPLOYMENT && ev->denom == w->uusdc)
            w->tenants[dep->tenant].deposited_uusdc += ev->amount;
        return 0;
    case AK_EV_ESCROW_REFUND:
        if (ev->state == AK_SCOPE_DEPLOYMENT && ev->denom == w->uakt)
            w->tenants[dep->tenant].refunded_uakt += ev->amount;
        if (ev->state == AK_SCOPE_DEPLOYMENT && ev->denom == w->uusdc)
            w->tenants[dep->tenant].refunded_uusdc += ev->amount;
        return 0;
    default:
        return 0;
    }
}

/* ---- blocks ---- */

/* A message that failed: tell the model that sent it. */
static int on_failure(ak_world *w, const struct w_tx *tx)
{
    w->tx_failed++;
    switch (tx->origin) {
    case W_TX_CREATE_DEPLOYMENT: /* the deployment never existed */
        world_dep_free(w, tx->ref);
        return 0;
    case W_TX_CREATE_BID: {
        w_bid *b = &w->bids[tx->ref];
        if (b->state == W_BID_RESERVED)
            provider_release(w, tx->ref);
        return 0;
    }
    case W_TX_PROPOSAL:
        governance_failed(w, tx->ref);
        return 0;
    case W_TX_CREATE_LEASE: { /* the bid went away in between: choose again */
        w_dep *d = &w->deps[tx->ref];
        if (d->state == W_DEP_BIDDING && !d->ev_choose)
            return world_schedule(w, w->now + w->sc->reaction_us, W_EV_CHOOSE, d->tenant, tx->ref,
                                  &d->ev_choose);
        return 0;
    }
    default:
        return 0;
    }
}

static int check_app(ak_world *w)
{
    char err[400];
    if (ak_app_check(w->app, err, sizeof err))
        return world_fail(w, "invariant broken after block %lld: %s", (long long)w->height, err);
    return 0;
}

int world_wake_chain(ak_world *w)
{
    if (!w->halted || w->retry_pending)
        return 0;
    w->retry_pending = true;
    return ak_evq_push(&w->q, w->now, W_PRIO_BLOCK, W_EV_BLOCK, 0, 0, 0, NULL);
}

/* Who of the current set is online, rebuilt only when someone went down or came back or the
 * set changed. */
static void refresh_online(ak_world *w, const ak_valset *cur)
{
    if (!w->online_stale && cur->gen == w->online_gen)
        return;
    for (uint32_t i = 0; i < cur->n && i < w->nvals; i++) {
        uint32_t vi = ak_map_get(&w->validator_index, ak_key2(cur->vals[i].addr, 0));
        w->online[i] = w->sc->validators_online && (vi == NONE || w->val_stats[vi].down == 0);
    }
    w->online_stale = false;
    w->online_gen = cur->gen;
}

static int block(ak_world *w)
{
    const ak_scenario *sc = w->sc;
    const ak_consensus *c = ak_app_consensus(w->app);
    int64_t duration = w->block_us;
    ak_addr proposer = AK_ADDR_NONE;
    uint32_t nabsent = 0;
    ak_addr absent[AK_SC_MAX_VALIDATORS];
    w->retry_pending = false;
    if ((!sc->validators_online || w->vals_down > 0) && c->cur.n > 0) {
        /* someone is offline: the block production model says whether and when the height
         * commits, who proposes, and whose precommits are absent */
        refresh_online(w, &c->cur);
        ak_block_outcome o;
        int rc = ak_consensus_produce(c, &sc->timeouts, w->online, sc->max_rounds, &o, w->flags);
        if (rc)
            return world_fail(w, "block production failed: %s", ak_err_name(rc));
        if (!o.committed) {
            /* halted: nothing happens until enough validators are back (world_wake_chain) */
            if (!w->halted) {
                w->halted = true;
                w->halt_since = w->halt_mark = w->now;
                w->period.halts++;
                w->total.halts++;
            }
            return 0;
        }
        duration = o.duration_us;
        proposer = o.proposer;
        for (uint32_t i = 0; i < c->cur.n; i++)
            if (w->flags[i] == AK_FLAG_ABSENT && nabsent < AK_SC_MAX_VALIDATORS)
                absent[nabsent++] = c->cur.vals[i].addr;
    }
    if (w->halted) {
        w->halted = false;
        w->period.halted_us += w->now - w->halt_mark;
        w->total.halted_us += w->now - w->halt_since;
    }
    /* double-sign evidence for the last committed height */
    ak_evidence evid[64];
    uint32_t nevid = 0;
    for (uint32_t i = 0; i < w->nevidence && nevid < 64; i++)
        if (ak_app_evidence_previous(w->app, w->evidence[i], &evid[nevid]) == 0)
            nevid++;
    w->nevidence = 0;
    ak_height h = w->height + 1;
    ak_block_info info = {sc->genesis_time + w->now / 1000000, absent, nabsent,
                          nevid ? evid : NULL, nevid};
    int rc = ak_app_begin_block_with(w->app, h, &info);
    if (rc)
        return world_fail(w, "begin block %lld: %s", (long long)h, ak_err_name(rc));
    if (proposer == AK_ADDR_NONE)
        proposer = ak_app_proposer(w->app);
    uint32_t vi = ak_map_get(&w->validator_index, ak_key2(proposer, 0));
    if (vi != NONE)
        w->val_stats[vi].proposed++;
    for (uint32_t i = 0; i < nabsent; i++) {
        vi = ak_map_get(&w->validator_index, ak_key2(absent[i], 0));
        if (vi != NONE)
            w->val_stats[vi].missed++;
    }
    /* the mempool, in arrival order; models may submit more while hearing of failures, and
     * those wait for the next block */
    uint32_t n = w->nmempool;
    ak_tx_result res;
    for (uint32_t i = 0; i < n; i++) {
        size_t before;
        ak_app_events(w->app, &before);
        rc = ak_app_deliver(w->app, &w->mempool[i].msg, &res);
        if (rc == AK_EBROKEN || rc == AK_ENOMEM)
            return world_fail(w, "block %lld: the app failed: %s", (long long)h, ak_err_name(rc));
        if (rc == 0 && w->mempool[i].origin == W_TX_CREATE_BID &&
            (rc = remember_bid(w, before, w->mempool[i].ref)))
            return rc;
        if (rc < 0 && -rc < AK_ERR_COUNT)
            w->failures[w->mempool[i].msg.type][-rc]++;
        if (rc && (rc = on_failure(w, &w->mempool[i])))
            return rc;
    }
    if (n > 0) { /* an empty mempool may not even be allocated */
        memmove(w->mempool, w->mempool + n, (w->nmempool - n) * sizeof *w->mempool);
        w->nmempool -= n;
    }
    if ((rc = ak_app_end_block(w->app)))
        return world_fail(w, "end block %lld: %s", (long long)h, ak_err_name(rc));
    w->height = h;
    w->period.blocks++;
    w->total.blocks++;
    w->period.spend_raw += w->active_rate.v;
    w->period.spend_usdc_raw += w->active_rate_usdc.v;
    if (w->nmempool == 0)
        ak_arena_fini(&w->scratch); /* frees the chunks; the arena is empty again */
    size_t nev;
    const ak_event *ev = ak_app_events(w->app, &nev);
    for (size_t i = 0; i < nev; i++)
        if ((rc = route(w, &ev[i])))
            return rc;
    for (size_t i = 0; i < nev; i++)
        if (ev[i].type == AK_EV_DEPLOYMENT_CLOSED) {
            uint32_t d = world_dep_find(w, ev[i].id.owner, ev[i].id.dseq);
            if (d != NONE && w->deps[d].closed) {
                if (w->deps[d].order_open) {
                    w->deps[d].order_open = false;
                    w->open_orders--;
                }
                world_dep_free(w, d);
            }
        }
    if (w->ngov_queue && (rc = governance_after_block(w)))
        return rc;
    if (w->check && (rc = check_app(w)))
        return rc;
    return ak_evq_push(&w->q, w->now + duration, W_PRIO_BLOCK, W_EV_BLOCK, 0, 0, 0, NULL);
}

/* ---- metrics ---- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Mean and median of the active leases' prices in USD per CPU-month (leases without GPUs)
 * and per GPU-hour (leases with GPUs: the whole price over the GPUs). */
static void lease_prices(ak_world *w, double *cpu_mean, double *cpu_med, double *gpu_mean,
                         double *gpu_med)
{
    double blocks_month = 365.25 / 12 * 86400e6 / (double)w->block_us;
    double blocks_hour = 3600e6 / (double)w->block_us;
    size_t n = (size_t)(w->active_leases > 0 ? w->active_leases : 0);
    double *cpu = n ? malloc(n * sizeof *cpu) : NULL, *gpu = n ? malloc(n * sizeof *gpu) : NULL;
    size_t nc = 0, ng = 0;
    double sc = 0, sg = 0;
    for (uint32_t d = 0; cpu && gpu && d < w->ndeps; d++) {
        const w_dep *dep = &w->deps[d];
        if (dep->state != W_DEP_LEASED)
            continue;
        double usd_block = dep->denom == w->uakt ? usd_of(w, dec_double(dep->lease_price))
                                                 : dec_double(dep->lease_price) / 1e6;
        if (dep->need[W_GPU] > 0 && ng < n) {
            double v = usd_block * blocks_hour / (double)(dep->need[W_GPU] * dep->units);
            gpu[ng++] = v;
            sg += v;
        } else if (dep->need[W_GPU] == 0 && nc < n) {
            double v = usd_block * blocks_month * 1000.0 / (double)(dep->need[W_CPU] * dep->units);
            cpu[nc++] = v;
            sc += v;
        }
    }
    *cpu_mean = nc ? sc / (double)nc : NAN;
    *gpu_mean = ng ? sg / (double)ng : NAN;
    if (nc)
        qsort(cpu, nc, sizeof *cpu, cmp_double);
    if (ng)
        qsort(gpu, ng, sizeof *gpu, cmp_double);
    *cpu_med = nc ? (nc % 2 ? cpu[nc / 2] : (cpu[nc / 2 - 1] + cpu[nc / 2]) / 2) : NAN;
    *gpu_med = ng ? (ng % 2 ? gpu[ng / 2] : (gpu[ng / 2 - 1] + gpu[ng / 2]) / 2) : NAN;
    free(cpu);
    free(gpu);
}

static double ratio(int64_t a, int64_t b)
{
    return b > 0 ? (double)a / (double)b : NAN;
}

/* The chain-level figures: supply, community pool, bonded ratio, inflation, staking APR (the
 * annual provisions less the community tax, over the bonded tokens), and validator counts. */
static void chain_figures(ak_world *w, ak_rec_metrics *m)
{
    const ak_app *app = w->app;
    const ak_bank *bank = ak_app_bank(app);
    m->total_supply_uakt = ak_bank_supply_of(bank, w->uakt);
    ak_dec pool = ak_app_community_pool(app, w->uakt);
    int64_t pool_i = 0;
    ak_dec_truncate_int(pool, &pool_i);
    m->community_pool_uakt = pool_i;
    ak_amount bonded =
        ak_bank_balance_of(bank, ak_bank_module_addr(bank, AK_MODULE_BONDED_POOL), w->uakt);
    m->bonded_ratio = ratio(bonded, m->total_supply_uakt);
    const ak_minter *mi = ak_app_minter(app);
    m->inflation = dec_double(mi->inflation);
    double tax = dec_double(ak_app_params(app)->distribution.community_tax);
    m->staking_apr = bonded > 0 ? dec_double(mi->annual_provisions) * (1 - tax) / (double)bonded
                                : NAN;
    const ak_staking *st = ak_app_staking(app);
    m->bonded_validators = m->jailed_validators = 0;
    for (uint32_t h = 0; h < st->vals.len; h++) {
        const ak_validator *v = ak_pool_at(&st->vals, h);
        if (v->removed)
            continue;
        if (v->status == AK_BOND_BONDED)
            m->bonded_validators++;
        if (v->jailed)
            m->jailed_validators++;
        uint32_t vi = ak_map_get(&w->validator_index, ak_key2(v->addr, 0));
        if (vi != NONE) {
            if (v->jailed && !w->val_stats[vi].was_jailed)
                w->val_stats[vi].times_jailed++;
            w->val_stats[vi].was_jailed = v->jailed;
        }
    }
}

static void fill_metrics(ak_world *w, ak_rec_metrics *m)
{
    memset(m, 0, sizeof *m);
    m->t_us = w->now;
    m->height = w->height;
    m->blocks = w->period.blocks;
    m->active_leases = w->active_leases;
    m->open_orders = w->open_orders;
    m->open_bids = w->open_bids;
    m->active_deployments = w->active_deps;
    m->cpu_util = ratio(w->leased[W_CPU], w->capacity[W_CPU]);
    m->mem_util = ratio(w->leased[W_MEM], w->capacity[W_MEM]);
    m->gpu_util = ratio(w->leased[W_GPU], w->capacity[W_GPU]);
    lease_prices(w, &m->price_cpu_month_mean_usd, &m->price_cpu_month_median_usd,
                 &m->price_gpu_hour_mean_usd, &m->price_gpu_hour_median_usd);
    __int128 spend = w->period.spend_raw / (__int128)1000000000000000000;
    m->tenant_spend_uakt = (int64_t)spend;
    m->provider_income_uakt = w->period.income;
    m->take_uakt = w->period.take;
    if (w->price_moves) { /* each at the price of its block or withdrawal */
        m->tenant_spend_usd = w->period.spend_usd;
        m->provider_income_usd = w->period.income_usd;
        m->take_usd = w->period.take_usd;
    } else {
        m->tenant_spend_usd = usd_of(w, (double)m->tenant_spend_uakt);
        m->provider_income_usd = usd_of(w, (double)m->provider_income_uakt);
        m->take_usd = usd_of(w, (double)m->take_uakt);
    }
    m->tenant_spend_uusdc =
        (int64_t)(w->period.spend_usdc_raw / (__int128)1000000000000000000);
    m->provider_income_uusdc = w->period.income_usdc;
    m->take_uusdc = w->period.take_usdc;
    if (w->sc->usdc_share > 0) { /* a uusdc is a millionth of a dollar */
        m->tenant_spend_usd += (double)m->tenant_spend_uusdc / 1e6;
        m->provider_income_usd += (double)m->provider_income_uusdc / 1e6;
        m->take_usd += (double)m->take_uusdc / 1e6;
    }
    m->akt_usd = w->usd_now;
    m->arrivals_priced_out = w->period.priced_out;
    chain_figures(w, m);
    m->orders_unmet = w->period.orders_unmet;
    m->deployments_created = w->period.deployments;
    m->leases_created = w->period.leases_created;
    m->leases_closed = w->period.leases_closed;
    m->providers_down = w->providers_down;
    m->provider_failures = w->period.provider_failures;
    m->failures_noticed = w->period.failures_noticed;
    m->validators_offline = w->vals_down;
    m->active_providers = w->active_providers;
    m->providers_entered = w->period.entered;
    m->providers_exited = w->period.exited;
    m->chain_halts = w->period.halts;
    m->halted_s = (double)w->period.halted_us / 1e6;
}

static void spend_at_price(ak_world *w);

static int sample(ak_world *w)
{
    w->last_sample_us = w->now;
    if (w->price_moves) {
        spend_at_price(w);
        w->spend_mark = 0; /* the period starts again */
    }
    if (w->halted) { /* a halt in progress counts in each period it covers */
        w->period.halted_us += w->now - w->halt_mark;
        w->halt_mark = w->now;
    }
    ak_rec_metrics m;
    fill_metrics(w, &m);
    w->total.spend_raw += w->period.spend_raw;
    w->total.spend_usdc_raw += w->period.spend_usdc_raw;
    w->total.spend_usd += w->period.spend_usd;
    w->total.income_usd += w->period.income_usd;
    w->total.take_usd += w->period.take_usd;
    memset(&w->period, 0, sizeof w->period);
    int rc = ak_rec_write_metrics(w->rec, &m);
    if (rc)
        return rec_fail(w, rc);
    ak_usec next = w->now + w->sc->sample_us;
    if (next <= w->sc->duration_us)
        return ak_evq_push(&w->q, next, W_PRIO_SAMPLE, W_EV_SAMPLE, 0, 0, 0, NULL);
    return 0;
}

/* ---- the AKT price ---- */

/* The price path's next step (models/akt_price.h): what providers' price scripts, tenants'
 * budgets and the USD figures see from now on. */
/* Convert the spend accrued since the last price change at the price it accrued at. */
static void spend_at_price(ak_world *w)
{
    w->period.spend_usd += (double)(w->period.spend_raw - w->spend_mark) * 1e-24 * w->usd_now;
    w->spend_mark = w->period.spend_raw;
}

static int price_step(ak_world *w)
{
    const ak_price_spec *spec = &w->sc->akt_price;
    spend_at_price(w);
    ak_price_step(spec, &w->price, w->rng_price);
    w->usd_now = ak_price_now(&w->price);
    w->akt_usd = world_dec6(w->usd_now);
    if (!ak_dec_is_positive(w->akt_usd))
        w->akt_usd = ak_dec_from_raw((__int128)1000000000000); /* 10^-6, the floor */
    ak_usec next = w->now + ak_price_step_us(spec);
    if (next < w->sc->duration_us)
        return ak_evq_push(&w->q, next, W_PRIO_PRICE, W_EV_PRICE, 0, 0, 0, NULL);
    return 0;
}

/* ---- stepping ---- */

static int dispatch(ak_world *w, const ak_sim_event *e)
{
    uint32_t d = (uint32_t)e->data;
    switch (e->kind) {
    case W_EV_BLOCK: return block(w);
    case W_EV_SAMPLE: return sample(w);
    case W_EV_ARRIVAL: return tenant_arrival(w);
    case W_EV_CHOOSE: return tenant_choose(w, d);
    case W_EV_TOPUP: return tenant_topup(w, d);
    case W_EV_CLOSE: return tenant_close(w, d);
    case W_EV_BID: return provider_bid(w, e->agent, d);
    case W_EV_BID_TIMEOUT: return provider_bid_timeout(w, d);
    case W_EV_WITHDRAW: return provider_withdraw(w, d);
    case W_EV_DRY: return provider_dry(w, d);
    case W_EV_FAIL: return provider_fail(w, e->agent);
    case W_EV_REPAIR: return provider_repair(w, e->agent, d != 0);
    case W_EV_OUTAGE: return provider_outage(w, d);
    case W_EV_NOTICE: return tenant_notice(w, d, e->agent);
    case W_EV_VFAIL: return validator_fail(w, e->agent);
    case W_EV_VREPAIR: return validator_repair(w, e->agent, d != 0);
    case W_EV_VOUTAGE: return validator_outage(w, d);
    case W_EV_DOUBLE_SIGN: return validator_double_sign(w, e->agent);
    case W_EV_UNJAIL: return validator_unjail(w, e->agent);
    case W_EV_PROPOSE: return governance_propose(w, d);
    case W_EV_VOTE: return governance_vote(w, e->agent, d);
    case W_EV_PROPOSAL_END: return governance_end(w, d);
    case W_EV_REVIEW: return fleet_review(w, d);
    case W_EV_JOIN: return provider_join(w, e->agent);
    case W_EV_PRICE: return price_step(w);
    case W_EV_DELEGATORS: return delegators_review(w);
    case W_EV_COMMISSION: return commission_review(w);
    default: return world_fail(w, "unknown event kind %u", e->kind);
    }
}

int ak_sim_step(ak_sim *w)
{
    if (w->failed)
        return w->failed;
    if (w->ended)
        return 0;
    ak_sim_event e;
    if (!ak_evq_pop(&w->q, &e)) {
        w->ended = true;
        return 0;
    }
    w->now = e.time;
    w->events++;
    if (e.kind == W_EV_END) {
        w->ended = true;
        /* a duration off the sampling grid: one last row for the flows since the last one */
        if (w->rec && w->last_sample_us < w->now) {
            int rc = sample(w);
            if (rc) {
                w->failed = rc < 0 ? rc : AK_EINVAL;
                return w->failed;
            }
        }
        return 0;
    }
    int rc = dispatch(w, &e);
    if (rc) {
        if (!w->err[0])
            snprintf(w->err, sizeof w->err, "%s at %.3f days (height %lld)", ak_err_message(rc),
                     (double)w->now / 86400e6, (long long)w->height);
        w->failed = rc < 0 ? rc : AK_EINVAL;
        return w->failed;
    }
    return 1;
}

int ak_sim_run_until(ak_sim *w, ak_usec t, ak_height h)
{
    for (;;) {
        if (w->height >= h)
            return 1;
        const ak_sim_event *e = ak_evq_peek(&w->q);
        if (!e || e->time > t)
            return w->ended ? 0 : 1;
        int rc = ak_sim_step(w);
        if (rc <= 0)
            return rc;
    }
}

int ak_sim_finish(ak_sim *w)
{
    if (!w->rec)
        return 0;
    int rc = 0;
    for (uint32_t d = 0; !rc && d < w->ndeps; d++) {
        const w_dep *dep = &w->deps[d];
        if (dep->state == W_DEP_LEASED)
            rc = record_lease(w, dep, -1, -1, 0);
        else if (dep->order_open)
            rc = record_order(w, dep, -1, "open");
    }
    if (!rc && (rc = governance_flush(w)))
        return rc;
    char region[64];
    for (uint32_t i = 0; !rc && i < w->nproviders; i++) {
        const w_provider *p = &w->providers[i];
        if (p->state == W_PROV_DORMANT || p->state == W_PROV_JOINING)
            continue; /* never in the market */
        const ak_sc_fleet *fl = &w->sc->fleets[p->fleet];
        snprintf(region, sizeof region, "%s", fl->regions[p->region]);
        ak_rec_provider r = {
            .provider = ak_strtab_get(w->strs, p->addr),
            .region = region,
            .gpu_model = fl->gpu_model[0] ? fl->gpu_model : NULL,
            .cpu_millis = p->cap[W_CPU],
            .memory_bytes = p->cap[W_MEM],
            .storage_bytes = p->cap[W_STORAGE],
            .gpus = p->cap[W_GPU],
            .bids = p->bids,
            .leases_won = p->leases_won,
            .income_uakt = p->income_uakt,
            .income_uusdc = p->income_uusdc,
            .failures = p->failures,
            .entered_us = p->entered_us,
            .exited_us = p->exited_us,
            .downtime_hours =
                (double)(p->downtime_us + (p->down ? w->now - p->down_since : 0)) / 3600e6,
        };
        if ((rc = ak_rec_write_provider(w->rec, &r)))
            return rec_fail(w, rc);
    }
    for (uint32_t i = 0; !rc && i < w->ntenants; i++) {
        const w_tenant *t = &w->tenants[i];
        if (t->deployments == 0)
            continue;
        ak_rec_tenant r = {
            .tenant = ak_strtab_get(w->strs, t->addr),
            .deployments = t->deployments,
            .leases = t->leases,
            .orders_unmet = t->orders_unmet,
            .deposited_uakt = t->deposited_uakt,
            .refunded_uakt = t->refunded_uakt,
            .deposited_uusdc = t->deposited_uusdc,
            .refunded_uusdc = t->refunded_uusdc,
            .failures_noticed = t->failures_noticed,
            .redeployments = t->redeployments,
        };
        if ((rc = ak_rec_write_tenant(w->rec, &r)))
            return rec_fail(w, rc);
    }
    const ak_staking *st = ak_app_staking(w->app);
    for (uint32_t i = 0; !rc && i < w->nvals; i++) {
        const w_val *vs = &w->val_stats[i];
        uint32_t h = ak_map_get(&st->val_index, ak_key2(vs->addr, 0));
        const ak_validator *v = h == AK_POOL_NONE ? NULL : ak_pool_at(&st->vals, h);
        ak_rec_validator r = {
            .validator = ak_strtab_get(w->strs, vs->addr),
            .tokens_start = vs->tokens_start,
            .tokens_end = v ? v->tokens : 0,
            .status_end = v ? ak_bond_status_name(v->status) : "removed",
            .jailed_end = v && v->jailed,
            .times_jailed = vs->times_jailed,
            .blocks_proposed = vs->proposed,
            .blocks_missed = vs->missed,
            .commission_rate = v ? dec_double(v->commission_rate) : NAN,
            .failures = vs->failures,
            .downtime_hours =
                (double)(vs->downtime_us + (vs->down ? w->now - vs->down_since : 0)) / 3600e6,
            .double_signs = vs->double_signs,
        };
        if ((rc = ak_rec_write_validator(w->rec, &r)))
            return rec_fail(w, rc);
    }
    return rc ? rec_fail(w, rc) : 0;
}

ak_usec ak_sim_time(const ak_sim *w)
{
    return w->now;
}

ak_height ak_sim_height(const ak_sim *w)
{
    return w->height;
}

const ak_app *ak_sim_app(const ak_sim *w)
{
    return w->app;
}

uint64_t ak_sim_events(const ak_sim *w)
{
    return w->events;
}

ak_usec ak_sim_next_time(const ak_sim *w)
{
    const ak_sim_event *e = ak_evq_peek(&w->q);
    return e ? e->time : INT64_MAX;
}

const char *ak_sim_errmsg(const ak_sim *w)
{
    return w->err;
}

void ak_sim_summarize(ak_sim *w, ak_sim_summary *s)
{
    ak_rec_metrics m;
    fill_metrics(w, &m);
    memset(s, 0, sizeof *s);
    s->days = (double)w->now / 86400e6;
    s->height = w->height;
    s->events = (int64_t)w->events;
    s->blocks = w->total.blocks;
    s->deployments = w->total.deployments;
    s->leases = w->total.leases_created;
    s->active_leases = w->active_leases;
    s->orders_unmet = w->total.orders_unmet;
    s->tx_failed = w->tx_failed;
    s->cpu_util = m.cpu_util;
    s->gpu_util = m.gpu_util;
    s->cpu_month_usd = m.price_cpu_month_median_usd;
    s->gpu_hour_usd = m.price_gpu_hour_median_usd;
    __int128 spend = (w->total.spend_raw + w->period.spend_raw) / (__int128)1000000000000000000;
    if (w->price_moves) {
        spend_at_price(w);
        s->spend_usd = w->total.spend_usd + w->period.spend_usd;
        s->income_usd = w->total.income_usd + w->period.income_usd;
        s->take_usd = w->total.take_usd + w->period.take_usd;
    } else {
        s->spend_usd = usd_of(w, (double)spend);
        s->income_usd = usd_of(w, (double)w->total.income);
        s->take_usd = usd_of(w, (double)w->total.take);
    }
    __int128 spend_usdc = (w->total.spend_usdc_raw + w->period.spend_usdc_raw) /
                          (__int128)1000000000000000000;
    s->spend_usd += (double)spend_usdc / 1e6;
    s->income_usd += (double)w->total.income_usdc / 1e6;
    s->take_usd += (double)w->total.take_usdc / 1e6;
    s->akt_usd_start = w->sc->akt_usd;
    s->akt_usd_end = w->usd_now;
    s->supply_akt = (double)m.total_supply_uakt / 1e6;
    s->community_pool_akt = (double)m.community_pool_uakt / 1e6;
    s->bonded_ratio = m.bonded_ratio;
    s->inflation = m.inflation;
    /* the most frequent failures, most first (ties: message type, then error order) */
    for (uint32_t t = 0; t < AK_MSG_COUNT; t++)
        for (int e = 1; e < AK_ERR_COUNT; e++) {
            int64_t c = w->failures[t][e];
            if (c == 0)
                continue;
            uint32_t k = s->nfailures < AK_SIM_TOP_FAILURES ? s->nfailures++ : AK_SIM_TOP_FAILURES;
            if (k == AK_SIM_TOP_FAILURES) {
                if (c <= s->failures[k - 1].count)
                    continue;
                k--;
            }
            while (k > 0 && s->failures[k - 1].count < c) {
                s->failures[k] = s->failures[k - 1];
                k--;
            }
            s->failures[k] = (ak_sim_failure){(ak_msg_type)t, -e, c};
        }
}
