/*
 * protocol/app.c: the application: genesis, blocks, message delivery, and the deployment and
 * market handlers with the hooks that tie them to escrow (market-rules.md sections 1 to 5;
 * node v1.2.2 x/deployment/handler/server.go, x/market/handler/server.go,
 * x/market/hooks/hooks.go, x/market/keeper/keeper.go, x/escrow/handler/server.go,
 * x/provider/handler/server.go, x/audit/handler/msg_server.go; cosmos-sdk x/bank MsgSend and
 * x/authz MsgGrant).
 *
 * Each handler below lists its checks in the order the node runs them, each with the error it
 * returns; the rules page section is named at the top of each. Delivery runs ValidateBasic,
 * then the signer check (the ante handler), then the handler, inside a journaled transaction
 * that is rolled back on any failure (store.h), as the SDK runs a message on a cached branch.
 *
 * The v2.1 fix is in: closing or pausing a group closes its open order too (OnGroupClosed).
 * Departures from node v1.2.2 are listed in docs/deviations.md.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app_int.h"
#include "errors.h"

#define TOUCH(p) AK_TOUCH(&app->store, (p))

/* ---- names ---- */

const char *ak_deployment_state_name(uint32_t s)
{
    return s == AK_DEPLOYMENT_ACTIVE ? "active" : s == AK_DEPLOYMENT_CLOSED ? "closed" : "invalid";
}

const char *ak_group_state_name(uint32_t s)
{
    switch (s) {
    case AK_GROUP_OPEN: return "open";
    case AK_GROUP_PAUSED: return "paused";
    case AK_GROUP_INSUFFICIENT_FUNDS: return "insufficient_funds";
    case AK_GROUP_CLOSED: return "closed";
    }
    return "invalid";
}

const char *ak_order_state_name(uint32_t s)
{
    switch (s) {
    case AK_ORDER_OPEN: return "open";
    case AK_ORDER_ACTIVE: return "active";
    case AK_ORDER_CLOSED: return "closed";
    }
    return "invalid";
}

const char *ak_bid_state_name(uint32_t s)
{
    switch (s) {
    case AK_BID_OPEN: return "open";
    case AK_BID_ACTIVE: return "active";
    case AK_BID_LOST: return "lost";
    case AK_BID_CLOSED: return "closed";
    }
    return "invalid";
}

const char *ak_lease_state_name(uint32_t s)
{
    switch (s) {
    case AK_LEASE_ACTIVE: return "active";
    case AK_LEASE_INSUFFICIENT_FUNDS: return "insufficient_funds";
    case AK_LEASE_CLOSED: return "closed";
    }
    return "none";
}

static const char *const event_names[AK_EV_COUNT] = {
    [AK_EV_DEPLOYMENT_CREATED] = "EventDeploymentCreated",
    [AK_EV_DEPLOYMENT_UPDATED] = "EventDeploymentUpdated",
    [AK_EV_DEPLOYMENT_CLOSED] = "EventDeploymentClosed",
    [AK_EV_GROUP_CLOSED] = "EventGroupClosed",
    [AK_EV_GROUP_PAUSED] = "EventGroupPaused",
    [AK_EV_GROUP_STARTED] = "EventGroupStarted",
    [AK_EV_ORDER_CREATED] = "EventOrderCreated",
    [AK_EV_ORDER_CLOSED] = "EventOrderClosed",
    [AK_EV_BID_CREATED] = "EventBidCreated",
    [AK_EV_BID_CLOSED] = "EventBidClosed",
    [AK_EV_BID_LOST] = "BidLost",
    [AK_EV_LEASE_CREATED] = "EventLeaseCreated",
    [AK_EV_LEASE_CLOSED] = "EventLeaseClosed",
    [AK_EV_PROVIDER_CREATED] = "EventProviderCreated",
    [AK_EV_PROVIDER_UPDATED] = "EventProviderUpdated",
    [AK_EV_ESCROW_DEPOSIT] = "EscrowDeposit",
    [AK_EV_ESCROW_WITHDRAW] = "EscrowWithdraw",
    [AK_EV_ESCROW_REFUND] = "EscrowRefund",
    [AK_EV_ESCROW_OVERDRAWN] = "EscrowOverdrawn",
};

const char *ak_event_name(ak_event_type t)
{
    return (unsigned)t < AK_EV_COUNT ? event_names[t] : "Event?";
}

/* ---- lifecycle ---- */

int ak_app_create(ak_rules rules, ak_app **out)
{
    if (rules != AK_RULES_V1)
        return AK_EINVAL;
    ak_app *app = calloc(1, sizeof *app);
    if (!app)
        return AK_ENOMEM;
    app->rules = rules;
    ak_store_init(&app->store);
    ak_arena_init(&app->arena);
    if (ak_strtab_init(&app->strs))
        goto fail;
    app->block_time_s = 6;
    if (ak_params_default(&app->params, &app->strs))
        goto fail;
    if (ak_bank_init(&app->bank, &app->store, &app->strs))
        goto fail;
    ak_providers_init(&app->providers, &app->store, &app->strs, &app->arena);
    ak_audit_init(&app->audit, &app->store, &app->strs, &app->arena);
    ak_grants_init(&app->grants, &app->store, &app->strs);
    ak_pool_init(&app->deployments.deployments, &app->store, sizeof(ak_deployment));
    ak_pool_init(&app->deployments.groups, &app->store, sizeof(ak_group));
    ak_map_init(&app->deployments.index, &app->store);
    ak_pool_init(&app->market.orders, &app->store, sizeof(ak_order));
    ak_pool_init(&app->market.bids, &app->store, sizeof(ak_bid));
    ak_map_init(&app->market.order_index, &app->store);
    ak_pool_init(&app->escrow.accounts, &app->store, sizeof(ak_escrow_account));
    ak_pool_init(&app->escrow.payments, &app->store, sizeof(ak_escrow_payment));
    ak_pool_init(&app->escrow.deposits, &app->store, sizeof(ak_escrow_deposit));
    app->escrow.free_deposits = AK_POOL_NONE;
    ak_pool_init(&app->community_pool, &app->store, sizeof(ak_pool_entry));
    ak_map_init(&app->community_pool_index, &app->store);
    if (ak_strtab_intern(&app->strs, "uakt", 4, &app->uakt))
        goto fail;
    ak_staking_init(&app->staking, &app->store);
    ak_distribution_init(&app->distribution, &app->store);
    ak_slashing_init(&app->slashing, &app->store);
    ak_gov_init(&app->gov, &app->store);
    app->minter.inflation = ak_dec_from_raw((__int128)130000000000000000); /* 0.13 */
    app->minter.annual_provisions = ak_dec_zero();
    *out = app;
    return 0;
fail:
    ak_app_destroy(app);
    return AK_ENOMEM;
}

void ak_app_destroy(ak_app *app)
{
    if (!app)
        return;
    ak_bank_fini(&app->bank);
    ak_providers_fini(&app->providers);
    ak_audit_fini(&app->audit);
    ak_grants_fini(&app->grants);
    ak_pool_fini(&app->deployments.deployments);
    ak_pool_fini(&app->deployments.groups);
    ak_map_fini(&app->deployments.index);
    ak_pool_fini(&app->market.orders);
    ak_pool_fini(&app->market.bids);
    ak_map_fini(&app->market.order_index);
    ak_pool_fini(&app->escrow.accounts);
    ak_pool_fini(&app->escrow.payments);
    ak_pool_fini(&app->escrow.deposits);
    ak_pool_fini(&app->community_pool);
    ak_map_fini(&app->community_pool_index);
    ak_staking_fini(&app->staking);
    ak_distribution_fini(&app->distribution);
    ak_slashing_fini(&app->slashing);
    ak_gov_fini(&app->gov);
    ak_consensus_fini(&app->consensus);
    free(app->votes);
    free(app->updates);
    free(app->events);
    free(app->depositors);
    ak_strtab_fini(&app->strs);
    ak_arena_fini(&app->arena);
    ak_store_fini(&app->store);
    free(app);
}

ak_strtab *ak_app_strs(ak_app *app) { return &app->strs; }
const ak_strtab *ak_app_strs_c(const ak_app *app) { return &app->strs; }

int ak_app_intern(ak_app *app, const char *s, ak_str *out)
{
    return ak_strtab_intern(&app->strs, s, strlen(s), out);
}

const char *ak_app_str(const ak_app *app, ak_str id) { return ak_strtab_get(&app->strs, id); }

void ak_tx_fail(ak_tx_result *res, const char *fmt, ...)
{
    if (!res)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(res->detail, sizeof res->detail, fmt, ap);
    va_end(ap);
}

ak_height ak_app_height(const ak_app *app) { return app->height; }
/* Header time of height h by the clock: genesis time + (h - 1) x block time. */
static ak_unix clock_time(const ak_app *app, ak_height h)
{
    return app->genesis_time + (h > 0 ? h - 1 : 0) * app->block_time_s;
}

ak_unix ak_app_time(const ak_app *app)
{
    return app->height > 0 ? app->time : app->genesis_time;
}
ak_rules ak_app_rules(const ak_app *app) { return app->rules; }

const ak_params *ak_app_params(const ak_app *app) { return &app->params; }
const ak_bank *ak_app_bank(const ak_app *app) { return &app->bank; }
const ak_providers *ak_app_providers(const ak_app *app) { return &app->providers; }
const ak_audit *ak_app_audit(const ak_app *app) { return &app->audit; }
const ak_grants *ak_app_grants(const ak_app *app) { return &app->grants; }
const ak_deployments *ak_app_deployments(const ak_app *app) { return &app->deployments; }
const ak_market *ak_app_market(const ak_app *app) { return &app->market; }
const ak_escrow *ak_app_escrow(const ak_app *app) { return &app->escrow; }
const ak_staking *ak_app_staking(const ak_app *app) { return &app->staking; }
const ak_distribution *ak_app_distribution(const ak_app *app) { return &app->distribution; }
const ak_slashing *ak_app_slashing(const ak_app *app) { return &app->slashing; }
const ak_minter *ak_app_minter(const ak_app *app) { return &app->minter; }
const ak_gov *ak_app_gov(const ak_app *app) { return &app->gov; }
const ak_consensus *ak_app_consensus(const ak_app *app) { return &app->consensus; }
bool ak_app_chain_active(const ak_app *app) { return app->chain_started; }

ak_addr ak_app_proposer(const ak_app *app)
{
    return app->chain_started ? app->proposer : AK_ADDR_NONE;
}

const ak_vote_info *ak_app_last_commit(const ak_app *app, uint32_t *n)
{
    *n = app->nvotes;
    return app->votes;
}

int ak_app_pending_rewards(ak_app *app, ak_addr delegator, ak_addr validator, ak_dec *out)
{
    uint32_t v = ak_staking_find_val(app, validator);
    if (v == AK_POOL_NONE)
        return AK_ENO_VALIDATOR_EXISTS;
    uint32_t d = ak_staking_find_del(app, delegator, v);
    if (d == AK_POOL_NONE || !ak_dec_is_positive(ak_del(app, d)->shares))
        return AK_ENO_DELEGATION_EXISTS;
    return ak_dist_pending_rewards(app, d, out);
}

ak_dec ak_app_community_pool(const ak_app *app, ak_denom denom)
{
    uint32_t h = ak_map_get(&app->community_pool_index, ak_key2(denom, 0));
    if (h == AK_POOL_NONE)
        return ak_dec_zero();
    return ((const ak_pool_entry *)ak_pool_at(&app->community_pool, h))->amount;
}

int ak_app_community_pool_add(ak_app *app, ak_denom denom, ak_dec amount)
{
    uint32_t h = ak_map_get(&app->community_pool_index, ak_key2(denom, 0));
    ak_pool_entry *e;
    if (h == AK_POOL_NONE) {
        void *obj;
        if (ak_pool_add(&app->community_pool, &h, &obj) ||
            ak_map_put(&app->community_pool_index, ak_key2(denom, 0), h))
            return AK_ENOMEM;
        e = obj;
        e->denom = denom;
        e->amount = ak_dec_zero();
    } else {
        e = ak_pool_at(&app->community_pool, h);
    }
    TOUCH(&e->amount);
    return ak_dec_add(e->amount, amount, &e->amount) ? AK_EOVERFLOW : 0;
}

uint32_t ak_app_community_pool_denoms(const ak_app *app, ak_denom *out, uint32_t cap)
{
    uint32_t n = app->community_pool.len;
    for (uint32_t i = 0; i < n && i < cap; i++)
        out[i] = ((const ak_pool_entry *)ak_pool_at(&app->community_pool, i))->denom;
    return n;
}

/* ---- events ---- */

void ak_app_emit(ak_app *app, const ak_event *ev)
{
    if (app->nevents == app->cap_events) {
        size_t nc = app->cap_events ? app->cap_events * 2 : 64;
        ak_event *ne = realloc(app->events, nc * sizeof *ne);
        if (!ne)
            return;
        app->events = ne;
        app->cap_events = nc;
    }
    app->events[app->nevents++] = *ev;
}

const ak_event *ak_app_events(const ak_app *app, size_t *n)
{
    *n = app->nevents;
    return app->events;
}

static void emit_id(ak_app *app, ak_event_type t, uint32_t object, ak_bid_id id, uint32_t state,
                    uint32_t reason)
{
    ak_event ev = {.type = t, .height = app->height, .object = object, .id = id,
                   .state = state, .reason = reason};
    ak_app_emit(app, &ev);
}

static ak_bid_id group_bid_id(ak_group_id g)
{
    return (ak_bid_id){g.owner, g.dseq, g.gseq, 0, AK_ADDR_NONE};
}

static ak_bid_id order_bid_id(ak_order_id o)
{
    return (ak_bid_id){o.owner, o.dseq, o.gseq, o.oseq, AK_ADDR_NONE};
}

/* ---- genesis ---- */

int ak_app_set_params(ak_app *app, const ak_params *p, char *why, size_t cap)
{
    int rc = ak_params_validate(p, &app->strs, why, cap);
    if (rc)
        return rc;
    app->params = *p;
    return 0;
}

int ak_app_genesis_balance(ak_app *app, ak_addr addr, ak_coin coin)
{
    return ak_bank_mint(&app->bank, addr, coin);
}

void ak_app_set_clock(ak_app *app, ak_unix genesis_time, int64_t block_time_s)
{
    app->genesis_time = genesis_time;
    app->block_time_s = block_time_s;
}

int ak_app_genesis_provider(ak_app *app, ak_addr owner, ak_str host_uri, ak_attrs attrs,
                            ak_str email, ak_str website, ak_tx_result *res)
{
    const char *why;
    res->detail[0] = '\0';
    int rc = ak_provider_validate(&app->strs, ak_app_str(app, host_uri), attrs,
                                  ak_app_str(app, website), &why);
    if (!rc)
        rc = ak_provider_create(&app->providers, owner, host_uri, attrs, email, website);
    if (rc && why)
        ak_tx_fail(res, "%s: %s", why, ak_err_message(rc));
    res->code = rc;
    return rc;
}

/* ---- the chain's genesis ---- */

int ak_app_genesis_validator(ak_app *app, ak_addr name, ak_amount tokens, ak_dec rate,
                             ak_dec max_rate, ak_dec max_change_rate,
                             ak_amount min_self_delegation, ak_tx_result *res)
{
    res->detail[0] = '\0';
    if (app->chain_started || app->height != 0)
        return res->code = AK_EINVAL;
    if (name == AK_ADDR_NONE)
        return res->code = AK_EINVALID_ADDRESS;
    if (ak_dec_cmp(rate, app->params.staking.min_commission_rate) < 0)
        return res->code = AK_ECOMMISSION_LT_MIN_RATE;
    return res->code = ak_staking_genesis_validator(app, name, tokens, rate, max_rate,
                                                    max_change_rate, min_self_delegation);
}

int ak_app_genesis_delegation(ak_app *app, ak_addr delegator, ak_addr validator,
                              ak_amount amount, ak_tx_result *res)
{
    res->detail[0] = '\0';
    if (app->chain_started || app->height != 0)
        return res->code = AK_EINVAL;
    if (delegator == AK_ADDR_NONE)
        return res->code = AK_EINVALID_ADDRESS;
    return res->code = ak_staking_genesis_delegation(app, delegator, validator, amount);
}

void ak_app_set_inflation(ak_app *app, ak_dec inflation)
{
    app->minter.inflation = inflation;
}

int ak_app_genesis_finish(ak_app *app)
{
    if (app->chain_started || app->staking.vals.len == 0)
        return 0; /* done, or no chain layer */
    app->time = app->genesis_time;
    uint32_t n;
    int rc = ak_staking_end_block(app, &n); /* InitGenesis bonds the top of the power index */
    if (rc)
        return rc;
    if (n == 0)
        return AK_EINVAL; /* no validator has power: CometBFT cannot start */
    if ((rc = ak_consensus_genesis(&app->consensus, &app->strs, app->updates, n)))
        return rc;
    app->chain_started = true;
    return 0;
}

/* ---- blocks ---- */

/* The LastCommit of height h: every validator of the set that signed h - 1, with its power
 * then, absent if listed. */
static int build_last_commit(ak_app *app, const ak_block_info *info)
{
    const ak_valset *last = &app->consensus.last;
    bool absent = info && info->nabsent > 0;
    if (app->height > 1 && last->n > 0 && last->n == app->nvotes && last->gen == app->votes_gen &&
        !absent && !app->votes_absent)
        return 0; /* the same validators and powers, all signing again: the same votes */
    app->votes_epoch++;
    app->votes_gen = 0;
    app->votes_absent = false;
    app->nvotes = 0;
    if (app->height <= 1 || last->n == 0)
        return 0;
    if (last->n > app->cap_votes) {
        ak_vote_info *nv = realloc(app->votes, sizeof *nv * last->n);
        if (!nv)
            return AK_ENOMEM;
        app->votes = nv;
        app->cap_votes = last->n;
    }
    for (uint32_t i = 0; i < last->n; i++) {
        ak_vote_info *v = &app->votes[i];
        v->addr = last->vals[i].addr;
        v->power = last->vals[i].power;
        v->flag = AK_FLAG_COMMIT;
        for (uint32_t j = 0; absent && j < info->nabsent; j++)
            if (info->absent[j] == v->addr) {
                v->flag = AK_FLAG_ABSENT;
                app->votes_absent = true;
            }
    }
    app->nvotes = last->n;
    app->votes_gen = last->gen;
    return 0;
}

int ak_app_begin_block(ak_app *app, ak_height h)
{
    return ak_app_begin_block_with(app, h, NULL);
}

int ak_app_begin_block_with(ak_app *app, ak_height h, const ak_block_info *info)
{
    if (app->broken)
        return AK_EBROKEN;
    if (h != app->height + 1)
        return AK_EINVAL;
    int rc;
    if (h == 1 && (rc = ak_app_genesis_finish(app)))
        return rc;
    app->height = h;
    app->nevents = 0;
    app->time = info && info->time ? info->time : clock_time(app, h);
    if (!app->chain_started)
        return 0; /* the marketplace's BeginBlock work: none (escrow settles lazily, 3.3) */
    app->proposer = ak_valset_proposer(&app->consensus.cur);
    if ((rc = build_last_commit(app, info)))
        return rc;
    /* akash-v1 BeginBlock order (chain-rules.md 0.3): mint, distribution, slashing, evidence */
    if ((rc = ak_mint_begin_block(app)) || (rc = ak_dist_begin_block(app)) ||
        (rc = ak_slashing_begin_block(app)) ||
        (rc = ak_evidence_begin_block(app, info ? info->evidence : NULL, info ? info->nevidence : 0)))
        return rc;
    return 0;
}

int ak_app_evidence_previous(const ak_app *app, ak_addr addr, ak_evidence *out)
{
    const ak_valset *last = &app->consensus.last;
    int32_t i = app->chain_started ? ak_valset_index(last, addr) : -1;
    if (i < 0 || app->height < 1)
        return AK_EINVAL;
    *out = (ak_evidence){addr, app->height, app->time, last->vals[i].power, last->total};
    return 0;
}

int ak_app_end_block(ak_app *app)
{
    if (app->broken)
        return AK_EBROKEN;
    if (!app->chain_started)
        return 0; /* the marketplace's EndBlock work: none */
    /* EndBlock order: gov, then staking (chain-rules.md 0.3) */
    ak_staking_params before = app->params.staking;
    int rc = ak_gov_end_block(app);
    if (rc)
        return rc;
    if (memcmp(&before, &app->params.staking, sizeof before) != 0)
        app->staking.set_dirty = true; /* max_validators may have changed */
    uint32_t n;
    if ((rc = ak_staking_end_block(app, &n)))
        return rc;
    if ((rc = ak_consensus_commit(&app->consensus, app->updates, n))) {
        app->broken = rc; /* CometBFT halts on an update it cannot apply */
        return AK_EBROKEN;
    }
    return 0;
}

/* ---- lookups ---- */

static ak_deployment *dep_at(const ak_app *app, uint32_t h)
{
    return ak_pool_at(&app->deployments.deployments, h);
}
static ak_group *group_at(const ak_app *app, uint32_t h)
{
    return ak_pool_at(&app->deployments.groups, h);
}
static ak_order *order_at(const ak_app *app, uint32_t h)
{
    return ak_pool_at(&app->market.orders, h);
}
static ak_bid *bid_at(const ak_app *app, uint32_t h)
{
    return ak_pool_at(&app->market.bids, h);
}

static uint32_t find_dep(const ak_app *app, ak_addr owner, uint64_t dseq)
{
    return ak_map_get(&app->deployments.index, ak_key2(owner, dseq));
}

static uint32_t find_group(const ak_app *app, ak_group_id id)
{
    uint32_t d = find_dep(app, id.owner, id.dseq);
    if (d == AK_POOL_NONE || id.gseq == 0 || id.gseq > dep_at(app, d)->ngroups)
        return AK_POOL_NONE;
    return dep_at(app, d)->first_group + id.gseq - 1;
}

static uint32_t find_order(const ak_app *app, ak_order_id id)
{
    uint32_t g = find_group(app, (ak_group_id){id.owner, id.dseq, id.gseq});
    if (g == AK_POOL_NONE)
        return AK_POOL_NONE;
    return ak_map_get(&app->market.order_index, ak_key2(g, id.oseq));
}

/* The bid of `provider` on order o, from the order's list (at most OrderMaxBids + 1 long, and
 * its bids were created within one bid window, so they are close in memory), or AK_POOL_NONE.
 * A list walk rather than an index: an index entry per bid cost more memory than the walk
 * costs time, and the engine's messages name their bids by hint (ak_msg.hint). */
static uint32_t order_bid(const ak_app *app, uint32_t o, ak_addr provider)
{
    for (uint32_t bh = order_at(app, o)->bids; bh != AK_POOL_NONE; bh = bid_at(app, bh)->next)
        if (bid_at(app, bh)->id.provider == provider)
            return bh;
    return AK_POOL_NONE;
}

static uint32_t find_bid(const ak_app *app, ak_bid_id id)
{
    uint32_t o = find_order(app, (ak_order_id){id.owner, id.dseq, id.gseq, id.oseq});
    if (o == AK_POOL_NONE)
        return AK_POOL_NONE;
    return order_bid(app, o, id.provider);
}

/* The sender's hint (ak_msg.hint), if it is the handle of the bid or order with exactly this
 * id, else AK_POOL_NONE. Ids are unique, so a hint taken gives what the lookup would. */
static uint32_t hinted_bid(const ak_app *app, ak_bid_id id, uint32_t hint)
{
    if (hint == 0 || hint - 1 >= app->market.bids.len)
        return AK_POOL_NONE;
    const ak_bid_id *b = &bid_at(app, hint - 1)->id;
    return b->owner == id.owner && b->dseq == id.dseq && b->gseq == id.gseq &&
                   b->oseq == id.oseq && b->provider == id.provider
               ? hint - 1
               : AK_POOL_NONE;
}

static uint32_t hinted_order(const ak_app *app, ak_order_id id, uint32_t hint)
{
    if (hint == 0 || hint - 1 >= app->market.orders.len)
        return AK_POOL_NONE;
    const ak_order_id *o = &order_at(app, hint - 1)->id;
    return o->owner == id.owner && o->dseq == id.dseq && o->gseq == id.gseq && o->oseq == id.oseq
               ? hint - 1
               : AK_POOL_NONE;
}

/* find_bid, trying the sender's hint first */
static uint32_t find_bid_hinted(const ak_app *app, ak_bid_id id, uint32_t hint)
{
    uint32_t h = hinted_bid(app, id, hint);
    return h != AK_POOL_NONE ? h : find_bid(app, id);
}

const ak_deployment *ak_app_find_deployment(const ak_app *app, ak_deployment_id id)
{
    uint32_t h = find_dep(app, id.owner, id.dseq);
    return h == AK_POOL_NONE ? NULL : dep_at(app, h);
}
const ak_group *ak_app_find_group(const ak_app *app, ak_group_id id)
{
    uint32_t h = find_group(app, id);
    return h == AK_POOL_NONE ? NULL : group_at(app, h);
}
const ak_order *ak_app_find_order(const ak_app *app, ak_order_id id)
{
    uint32_t h = find_order(app, id);
    return h == AK_POOL_NONE ? NULL : order_at(app, h);
}
const ak_bid *ak_app_find_bid(const ak_app *app, ak_bid_id id)
{
    uint32_t h = find_bid(app, id);
    return h == AK_POOL_NONE ? NULL : bid_at(app, h);
}

/* ---- ValidateBasic pieces (chain-sdk go/v0.1.9 *.Validate) ---- */

static int validate_did(ak_tx_result *res, ak_deployment_id id)
{
    if (id.owner == AK_ADDR_NONE) {
        ak_tx_fail(res, "DeploymentID: Invalid Owner Address: invalid address");
        return AK_EINVALID_ADDRESS;
    }
    if (id.dseq == 0) {
        ak_tx_fail(res, "DeploymentID: Invalid Deployment Sequence: invalid sequence");
        return AK_EINVALID_SEQUENCE;
    }
    return 0;
}

static int validate_gid(ak_tx_result *res, ak_group_id id)
{
    int rc = validate_did(res, (ak_deployment_id){id.owner, id.dseq});
    if (rc) {
        char inner[sizeof res->detail];
        memcpy(inner, res->detail, sizeof inner);
        ak_tx_fail(res, "GroupID: Invalid DeploymentID: %s", inner);
        return rc;
    }
    if (id.gseq == 0) {
        ak_tx_fail(res, "GroupID: Invalid Group Sequence: invalid sequence");
        return AK_EINVALID_SEQUENCE;
    }
    return 0;
}

static int validate_oid(ak_tx_result *res, ak_order_id id)
{
    int rc = validate_gid(res, (ak_group_id){id.owner, id.dseq, id.gseq});
    if (rc) {
        char inner[sizeof res->detail];
        memcpy(inner, res->detail, sizeof inner);
        ak_tx_fail(res, "OrderID: Invalid GroupID: %s", inner);
        return rc;
    }
    if (id.oseq == 0) {
        ak_tx_fail(res, "OrderID: Invalid Order Sequence: invalid sequence");
        return AK_EINVALID_SEQUENCE;
    }
    return 0;
}

/* BidID.Validate. A self-bid is ErrSameAccount as the rules page names it (the node's
 * BidID.Validate reports it as ErrConflict first: docs/deviations.md). */
static int validate_bid_id(ak_tx_result *res, ak_bid_id id)
{
    int rc = validate_oid(res, (ak_order_id){id.owner, id.dseq, id.gseq, id.oseq});
    if (rc) {
        char inner[sizeof res->detail];
        memcpy(inner, res->detail, sizeof inner);
        ak_tx_fail(res, "BidID: Invalid OrderID: %s", inner);
        return rc;
    }
    if (id.provider == AK_ADDR_NONE) {
        ak_tx_fail(res, "BidID: Invalid Provider Address: invalid address");
        return AK_EINVALID_ADDRESS;
    }
    if (id.provider == id.owner) {
        ak_tx_fail(res, "BidID: self-bid: owner and provider are the same account");
        return AK_ESAME_ACCOUNT;
    }
    return 0;
}

/* Deposit.Validate: a valid non-negative coin, then sources: non-empty, known, no repeats. */
static int validate_deposit(ak_tx_result *res, const ak_deposit *d)
{
    if (d->amount.denom == 0 || d->amount.amount < 0) {
        ak_tx_fail(res, "invalid deposit coin: invalid coins");
        return AK_EINVALID_COINS;
    }
    if (d->nsources == 0) {
        ak_tx_fail(res, "empty deposit sources: invalid deposit source");
        return AK_EINVALID_DEPOSIT_SOURCE;
    }
    for (uint32_t i = 0; i < d->nsources; i++) {
        if (d->sources[i] != AK_SOURCE_BALANCE && d->sources[i] != AK_SOURCE_GRANT) {
            ak_tx_fail(res, "empty deposit source type %u: invalid deposit source", d->sources[i]);
            return AK_EINVALID_DEPOSIT_SOURCE;
        }
        for (uint32_t j = 0; j < i; j++) {
            if (d->sources[j] == d->sources[i]) {
                ak_tx_fail(res, "duplicate deposit source type %u: invalid deposit source",
                           d->sources[i]);
                return AK_EINVALID_DEPOSIT_SOURCE;
            }
        }
    }
    return 0;
}

static void format_coin(const ak_app *app, char *buf, size_t cap, ak_coin c)
{
    snprintf(buf, cap, "%lld%s", (long long)c.amount, ak_app_str(app, c.denom));
}

static void format_deccoin(const ak_app *app, char *buf, size_t cap, ak_deccoin c)
{
    char d[AK_DEC_STRLEN];
    ak_dec_format(c.amount, d, sizeof d);
    snprintf(buf, cap, "%s%s", d, ak_app_str(app, c.denom));
}

/* ---- market keeper pieces ---- */

/* CreateOrder: a new open order for the group, oseq = 1 + orders so far (every earlier order is
 * closed). ErrOrderActive if the group still has an open or active order. */
static int create_order(ak_app *app, uint32_t gh, ak_tx_result *res)
{
    ak_group *g = group_at(app, gh);
    if (g->last_order != AK_POOL_NONE && order_at(app, g->last_order)->state != AK_ORDER_CLOSED) {
        ak_tx_fail(res, "create order: active order exists: order active");
        return AK_EORDER_ACTIVE;
    }
    uint32_t oh;
    void *obj;
    if (ak_pool_add(&app->market.orders, &oh, &obj))
        return AK_ENOMEM;
    ak_order *o = obj;
    TOUCH(g);
    g->norders++;
    g->last_order = oh;
    o->id = (ak_order_id){g->id.owner, g->id.dseq, g->id.gseq, g->norders};
    o->group = gh;
    o->state = AK_ORDER_OPEN;
    o->created_at = app->height;
    o->bids = AK_POOL_NONE;
    if (ak_map_put(&app->market.order_index, ak_key2(gh, o->id.oseq), oh))
        return AK_ENOMEM;
    emit_id(app, AK_EV_ORDER_CREATED, oh, order_bid_id(o->id), AK_ORDER_OPEN, 0);
    return 0;
}

static void close_order(ak_app *app, uint32_t oh)
{
    ak_order *o = order_at(app, oh);
    TOUCH(&o->state);
    o->state = AK_ORDER_CLOSED;
    emit_id(app, AK_EV_ORDER_CLOSED, oh, order_bid_id(o->id), AK_ORDER_CLOSED, 0);
}

/* OnBidClosed: the bid is closed and its escrow account closed, refunding the deposit. */
static int close_bid(ak_app *app, uint32_t bh)
{
    ak_bid *b = bid_at(app, bh);
    TOUCH(&b->state);
    b->state = AK_BID_CLOSED;
    int rc = ak_escrow_account_close(app, b->account);
    if (rc && rc != AK_EACCOUNT_CLOSED)
        return rc; /* only an engine failure stops this; escrow errors are ignored upstream */
    emit_id(app, AK_EV_BID_CLOSED, bh, b->id, AK_BID_CLOSED, 0);
    return 0;
}

/* OnLeaseClosed: a lease that is still active ends in `state` with `reason` at this height. */
static void close_lease(ak_app *app, uint32_t bh, uint32_t state, uint32_t reason)
{
    ak_bid *b = bid_at(app, bh);
    if (b->lease_state != AK_LEASE_ACTIVE)
        return;
    TOUCH(b);
    b->lease_state = state;
    b->lease_reason = reason;
    b->lease_closed_on = app->height;
    emit_id(app, AK_EV_LEASE_CLOSED, bh, b->id, state, reason);
}

/* processClose of OnGroupClosed: close the bid, then its lease and payment if it has one.
 * PaymentClose errors are only logged upstream; engine failures still stop us. */
static int process_close(ak_app *app, uint32_t bh, uint32_t lease_state, uint32_t reason)
{
    int rc = close_bid(app, bh);
    if (rc)
        return rc;
    ak_bid *b = bid_at(app, bh);
    if (b->lease_state == AK_LEASE_NONE)
        return 0;
    close_lease(app, bh, lease_state, reason);
    rc = ak_escrow_payment_close(app, b->payment);
    return rc == AK_ENOMEM || rc == AK_EOVERFLOW ? rc : 0;
}

/* market.OnGroupClosed (section 1.4) with the v2.1 fix: the group's open or active order is
 * closed; its open bids are closed; if it was active, its active bid is closed with its lease
 * (insufficient_funds/20000 when the group ran out of funds, else closed/owner). */
static int on_group_closed(ak_app *app, uint32_t gh, uint32_t gstate)
{
    uint32_t lease_state = AK_LEASE_CLOSED, reason = AK_REASON_OWNER;
    if (gstate == AK_GROUP_INSUFFICIENT_FUNDS) {
        lease_state = AK_LEASE_INSUFFICIENT_FUNDS;
        reason = AK_REASON_INSUFFICIENT_FUNDS;
    }
    ak_group *g = group_at(app, gh);
    uint32_t oh = g->last_order; /* only the newest order can be open or active */
    if (oh == AK_POOL_NONE || order_at(app, oh)->state == AK_ORDER_CLOSED)
        return 0;
    bool was_active = order_at(app, oh)->state == AK_ORDER_ACTIVE;
    close_order(app, oh);
    int rc;
    for (uint32_t bh = order_at(app, oh)->bids; bh != AK_POOL_NONE; bh = bid_at(app, bh)->next)
        if (bid_at(app, bh)->state == AK_BID_OPEN && (rc = process_close(app, bh, lease_state, reason)))
            return rc;
    if (was_active)
        for (uint32_t bh = order_at(app, oh)->bids; bh != AK_POOL_NONE; bh = bid_at(app, bh)->next)
            if (bid_at(app, bh)->state == AK_BID_ACTIVE &&
                (rc = process_close(app, bh, lease_state, reason)))
                return rc;
    return 0;
}

static void set_group_state(ak_app *app, uint32_t gh, uint32_t state, ak_event_type ev)
{
    ak_group *g = group_at(app, gh);
    TOUCH(&g->state);
    g->state = state;
    emit_id(app, ev, gh, group_bid_id(g->id), state, 0);
}

/* The account-closed hook (section 1.4): fires for every account saved closed or overdrawn.
 * Bid accounts are ignored (upstream returns ErrInvalidEscrowID for them, which its callers
 * ignore). For a deployment that is still active: it closes, and every group not yet closed
 * goes to insufficient_funds (overdrawn account) or closed, with OnGroupClosed. */
int ak_app_on_account_closed(ak_app *app, uint32_t ah)
{
    const ak_escrow_account *a = ak_escrow_acct(app, ah);
    if (a->id.scope != AK_SCOPE_DEPLOYMENT)
        return 0;
    uint32_t dh = find_dep(app, a->id.xid.owner, a->id.xid.dseq);
    if (dh == AK_POOL_NONE || dep_at(app, dh)->state != AK_DEPLOYMENT_ACTIVE)
        return 0;
    ak_deployment *d = dep_at(app, dh);
    TOUCH(&d->state);
    d->state = AK_DEPLOYMENT_CLOSED;
    emit_id(app, AK_EV_DEPLOYMENT_CLOSED, dh,
            (ak_bid_id){d->id.owner, d->id.dseq, 0, 0, AK_ADDR_NONE}, AK_DEPLOYMENT_CLOSED, 0);
    uint32_t gstate = a->state == AK_ESCROW_OVERDRAWN ? AK_GROUP_INSUFFICIENT_FUNDS : AK_GROUP_CLOSED;
    for (uint32_t i = 0; i < d->ngroups; i++) {
        uint32_t gh = d->first_group + i;
        if (group_at(app, gh)->state == AK_GROUP_CLOSED)
            continue;
        set_group_state(app, gh, gstate, AK_EV_GROUP_CLOSED);
        int rc = on_group_closed(app, gh, gstate);
        if (rc)
            return rc;
    }
    return 0;
}

/* Insert bid bh into its order's list in provider address order. */
static void order_link_bid(ak_app *app, ak_order *o, uint32_t bh)
{
    ak_bid *b = bid_at(app, bh);
    const char *name = ak_app_str(app, b->id.provider);
    uint32_t *link = &o->bids;
    while (*link != AK_POOL_NONE &&
           strcmp(ak_app_str(app, bid_at(app, *link)->id.provider), name) < 0)
        link = &bid_at(app, *link)->next;
    b->next = *link;
    TOUCH(link);
    *link = bh;
}

/* ---- handlers: bank, providers, audit, grants ---- */

static int h_send(ak_app *app, const ak_msg *m, ak_tx_result *res)
{
    ak_coin c = m->send.amount;
    if (m->send.from == AK_ADDR_NONE || m->send.to == AK_ADDR_NONE) {
        ak_tx_fail(res, "invalid %s address: invalid address", m->send.from ? "to" : "from");
        return AK_EINVALID_ADDRESS;
    }
    char amt[96];
    format_coin(app, amt, sizeof amt, c);
    if (c.denom == 0 || c.amount <= 0) {
        ak_tx_fail(res, "%s: invalid coins", c.denom ? amt : "");
        return AK_EINVALID_COINS;
    }
    if (!ak_bank_send_enabled(&app->bank, c.denom)) {
        ak_tx_fail(res, "%s transfers are currently disabled: send transactions are disabled",
                   ak_app_str(app, c.denom));
        return AK_ESEND_DISABLED;
    }
    if (ak_bank_is_module(&app->bank, m->send.to, NULL)) {
        ak_tx_fail(res, "%s is not allowed to receive funds: unauthorized",
                   ak_app_str(app, m->send.to));
        return AK_EUNAUTHORIZED;
    }
    ak_amount have = ak_bank_balance_of(&app->bank, m->send.from, c.denom);
    int rc = ak_bank_send(&app->bank, m->send.from, m->send.to, c);
    if (rc == AK_EINSUFFICIENT_FUNDS)
        ak_tx_fail(res, "spendable balance %lld%s is smaller than %s: insufficient funds",
                   (long long)have, ak_app_str(app, c.denom), amt);
    return rc;
}

static int vb_provider(ak_app *app, const ak_msg *m, ak_tx_result *res)
{
    const char *why;
    if (m->provider.owner == AK_ADDR_NONE) {
        ak_tx_fail(res, "Invalid Provider Address: invalid address");
        return AK_EINVALID_ADDRESS;
    }
    int rc = ak_provider_validate(&app->strs, ak_app_str(app, m->provider.host_uri),
                                  m->provider.attrs, ak_app_str(app, m->provider.website), &why);
    if (rc && why)
        ak_tx_fail(res, "%s: %s", why, ak_err_message(rc));
    return rc;
}

static int h_provider(ak_app *app, const ak_msg *m, ak_tx_result *res)
{
    bool create = m->type == AK_MSG_CREATE_PROVIDER;
    int rc = create ? ak_provider_create(&app->providers, m->provider.owner, m->provider.host_uri,
                                         m->provider.attrs, m->provider.email, m->provider.website)
                    : ak_provider_update(&app->providers, m->provider.owner, m->provider.host_uri,
                                         m->provider.attrs, m->provider.email, m->provider.website);
    if (rc == AK_EPROVIDER_EXISTS || rc == AK_EPROVIDER_NOT_FOUND)
        ak_tx_fail(res, "id: %s: %s", ak_app_str(app, m->provider.owner), ak_err_message(rc));
    if (!rc)
        emit_id(app, create ? AK_EV_PROVIDER_CREATED : AK_EV_PROVIDER_UPDATED, 0,
                (ak_bid_id){0, 0, 0, 0, m->provider.owner}, 0, 0);
    return rc;
}

/* MsgSignProviderAttributes and MsgDeleteProviderAttributes check only their addresses. */
static int vb_audit(ak_app *app, const ak_msg *m, ak_tx_result *res)
{
    (void)app;
    ak_addr owner = m->type == AK_MSG_SIGN_PROVIDER_ATTRIBUTES ? m->sign_attrs.owner : m->delete_attrs.owner;
    ak_addr auditor = m->type == AK_MSG_SIGN_PROVIDER_ATTRIBUTES ? m->sign_attrs.auditor
                                                                 : m->delete_attrs.auditor;
    if (owner == AK_ADDR_NONE || auditor == AK_ADDR_NONE) {
        ak_tx_fail(res, "Invalid %s Address: invalid address", owner ? "Auditor" : "Owner");
        return AK_EINVALID_ADDRESS;
    }
    return 0;
}

static int h_sign_attrs(ak_app *app, const ak_msg *m, ak_tx_result *res)
{
    (void)res;
    return ak_audit_sign(&app->audit, m->sign_attrs.owner, m->sign_attrs.auditor, m->sign_attrs.attrs);
}

static int h_delete_attrs(ak_app *app, const ak_msg *m, ak_tx_result *res)
{
    ak_str missing = 0;
    int rc = ak_audit_delete(&app->audit, m->delete_attrs.owner, m->delete_attrs.auditor,
                             m->delete_attrs.keys, m->delete_attrs.nkeys, &missing);
    if (rc == AK_EATTRIBUTE_NOT_FOUND)
        ak_tx_fail(res,
                   "trying to delete non-existing attribute \"%s\" for auditor/provider \"%s/%s\": "
                   "attribute not found",
                   ak_app_str(app, missing), ak_app_str(app, m->delete_attrs.auditor),
                   ak_app_str(app, m->delete_attrs.owner));
    return rc;
}

static int h_grant(ak_app *app, const ak_msg *m, ak_tx_result *res)
{
    const char *why;
    if (m->grant.granter == AK_ADDR_NONE || m->grant.grantee == AK_ADDR_NONE) {
        ak_tx_fail(res, "invalid %s address: invalid address",
                   m->grant.granter ? "grantee" : "granter");
        return AK_EINVALID_ADDRESS;
    }
    int rc = ak_grants_grant(&app->grants, m->grant.granter, m->grant.grantee, m->grant.spend_limit,
                             m->grant.scopes, m->grant.nscopes, &why);
    if (rc && why)
        ak_tx_fail(res, "%s: %s", why, ak_err_message(rc));
    return rc;
}

/* ---- handlers: deployments and groups (section 1.3) ---- */

static int vb_create_deployment(ak_app *app, const ak_msg *m, ak_tx_result *res)
{
    const typeof(m->create_deployment) *c = &m->create_deployment;
    int rc;
    if ((rc = validate_did(res, c->id)) || (rc = validate_deposit(res, &c->deposit)))
        return rc;
    if (c->ngroups == 0)
        return AK_EINVALID_GROUPS;
    if (c->hash_len == 0)
        return AK_EEMPTY_HASH;
    if (c->hash_len != 32)
        return AK_EINVALID_HASH;
    for (uint32_t i = 0; i < c->ngroups; i++) {
        if ((rc = ak_spec_validate(&app->strs, &c->groups[i], res->detail, sizeof res->detail)))
            return rc;
        ak_deccoin price;
        ak_spec_price(&c->groups[i], &price); /* validated above: cannot fail */
        if (c->deposit.amount.amount != 0 && price.denom != c->deposit.amount.denom) {
            ak_tx_fail(res, "Deposit invalid: Mismatched denominations (%s != %s)",
                       ak_app_str(app, c->deposit.amount.denom), ak_app_str(app, price.denom));
            return AK_EINVALID_DEPOSIT;
        }
    }
    return 0;
}

static int h_create_deployment(ak_app *app, const ak_msg *m, ak_tx_result *res)
{
    const typeof(m->create_deployment) *c = &m->create_deployment;
    if (find_dep(app, c->id.owner, c->id.dseq) != AK_POOL_NONE)
        return AK_EDEPLOYMENT_EXISTS;
    /* params.ValidateDeposit */
    const ak_deployment_params *dp = &app->params.deployment;
    uint32_t k = 0;
    while (k < dp->n_min_deposits && dp->min_deposits[k].denom != c->deposit.amount.denom)
        k++;
    if (k == dp->n_min_deposits) {
        ak_tx_fail(res, "Invalid deposit denomination %s: Deposit invalid",
                   ak_app_str(app, c->deposit.amount.denom));
        return AK_EINVALID_DEPOSIT;
    }
    if (c->deposit.amount.amount < dp->min_deposits[k].amount) {
        ak_tx_fail(res, "Deposit too low - %lld < %lld: Deposit invalid",
                   (long long)c->deposit.amount.amount, (long long)dp->min_deposits[k].amount);
        return AK_EINVALID_DEPOSIT;
    }
    /* ValidateDeploymentGroups: one denom, valid groups, unique names */
    int rc;
    ak_deccoin first;
    ak_spec_price(&c->groups[0], &first);
    for (uint32_t i = 0; i < c->ngroups; i++) {
        ak_deccoin p;
        ak_spec_price(&c->groups[i], &p);
        if (i > 0 && p.denom != first.denom) {
            ak_tx_fail(res, "inconsistent denomination: %s != %s: Invalid groups",
                       ak_app_str(app, p.denom), ak_app_str(app, first.denom));
            return AK_EINVALID_GROUPS;
        }
        for (uint32_t j = 0; j < i; j++) {
            if (c->groups[j].name == c->groups[i].name) {
                ak_tx_fail(res, "duplicate deployment group name \"%s\": Invalid groups",
                           ak_app_str(app, c->groups[i].name));
                return AK_EINVALID_GROUPS;
            }
        }
    }
    uint32_t n;
    if ((rc = ak_escrow_authorize(app, c->id.owner, AK_SCOPE_DEPLOYMENT, &c->deposit, &n, res)))
        return rc;
    /* the deployment, its groups (gseq = index + 1), one open order per group */
    uint32_t dh;
    void *obj;
    if (ak_pool_add(&app->deployments.deployments, &dh, &obj) ||
        ak_map_put(&app->deployments.index, ak_key2(c->id.owner, c->id.dseq), dh))
        return AK_ENOMEM;
    ak_deployment *d = obj;
    d->id = c->id;
    d->state = AK_DEPLOYMENT_ACTIVE;
    d->hash_len = 32;
    memcpy(d->hash, c->hash, 32);
    d->created_at = app->height;
    d->ngroups = c->ngroups;
    for (uint32_t i = 0; i < c->ngroups; i++) {
        uint32_t gh;
        if (ak_pool_add(&app->deployments.groups, &gh, &obj))
            return AK_ENOMEM;
        if (i == 0)
            d->first_group = gh;
        ak_group *g = obj;
        g->id = (ak_group_id){c->id.owner, c->id.dseq, i + 1};
        g->deployment = dh;
        g->state = AK_GROUP_OPEN;
        g->created_at = app->height;
        g->last_order = AK_POOL_NONE;
        if (ak_spec_copy(&app->arena, &c->groups[i], &g->spec))
            return AK_ENOMEM;
        ak_spec_price(&g->spec, &g->price);
    }
    emit_id(app, AK_EV_DEPLOYMENT_CREATED, dh, (ak_bid_id){c->id.owner, c->id.dseq, 0, 0, 0},
            AK_DEPLOYMENT_ACTIVE, 0);
    for (uint32_t i = 0; i < c->ngroups; i++)
        if ((rc = create_order(app, d->first_group + i, res)))
            return rc;
    ak_escrow_id eid = {AK_SCOPE_DEPLOYMENT, {c->id.owner, c->id.dseq, 0, 0, AK_ADDR_NONE}};
    /* the depositors were found in app->depositors; the account takes them in order */
    uint32_t ah;
    if ((rc = ak_escrow_account_create(app, &eid, c->id.owner, c->deposit.amount.denom,
                                       app->depositors, n, &ah)))
        return rc;
    d = dep_at(app, dh);
    d->account = ah;
    return 0;
}

static int vb_update_deployment(ak_app *app, const ak_msg *m, ak_tx_result *res)
{
    (void)app;
    int rc = validate_did(res, m->update_deployment.id);
    if (rc)
        return rc;
    if (m->update_deployment.hash_len == 0)
        return AK_EEMPTY_HASH;
    if (m->update_deployment.hash_len != 32)
        return AK_EINVALID_HASH;
    return 0;
}

static int h_update_deployment(ak_app *app, const ak_msg *m, ak_tx_result *res)
{
    uint32_t dh = find_dep(app, m->update_deployment.id.owner, m->update_deployment.id.dseq);
    if (dh == AK_POOL_NONE)
        return AK_EDEPLOYMENT_NOT_FOUND;
    ak_deployment *d = dep_at(app, dh);
    if (d->state != AK_DEPLOYMENT_ACTIVE)
        return AK_EDEPLOYMENT_CLOSED;
    if (memcmp(d->hash, m->update_deployment.hash, 32) == 0) {
        ak_tx_fail(res, "deployment hash is unchanged: Invalid: deployment hash");
        return AK_EINVALID_HASH;
    }
    TOUCH(d);
    memcpy(d->hash, m->update_deployment.hash, 32);
    emit_id(app, AK_EV_DEPLOYMENT_UPDATED, dh, (ak_bid_id){d->id.owner, d->id.dseq, 0, 0, 0},
            d->state, 0);
    return 0;
}

static int vb_close_deployment(ak_app *app, const ak_msg *m, ak_tx_result *res)
{
    (void)app;
    return validate_did(res, m->close_deployment.id);
}

static int h_close_deployment(ak_app *app, const ak_msg *m, ak_tx_result *res)
{
    (void)res;
    uint32_t dh = find_dep(app, m->close_deployment.id.owner, m->close_deployment.id.dseq);
    if (dh == AK_POOL_NONE)
        return AK_EDEPLOYMENT_NOT_FOUND;
    if (dep_at(app, dh)->state != AK_DEPLOYMENT_ACTIVE)
        return AK_EDEPLOYMENT_CLOSED;
    /* everything else follows from the account-closed hook */
    return ak_escrow_account_close(app, dep_at(app, dh)->account);
}

static int vb_group(ak_app *app, const ak_msg *m, ak_tx_result *res)
{
    (void)app;
    return validate_gid(res, m->group.id);
}

static int h_close_group(ak_app *app, const ak_msg *m, ak_tx_result *res)
{
    (void)res;
    uint32_t gh = find_group(app, m->group.id);
    if (gh == AK_POOL_NONE)
        return AK_EGROUP_NOT_FOUND;
    if (group_at(app, gh)->state == AK_GROUP_CLOSED)
        return AK_EGROUP_CLOSED;
    set_group_state(app, gh, AK_GROUP_CLOSED, AK_EV_GROUP_CLOSED);
    int rc = on_group_closed(app, gh, AK_GROUP_CLOSED);
    return rc == AK_ENOMEM || rc == AK_EOVERFLOW ? rc : 0; /* errors ignored upstream */
}

static int h_pause_group(ak_app *app, const ak_msg *m, ak_tx_result *res)
{
    (void)res;
    uint32_t gh = find_group(app, m->group.id);
    if (gh == AK_POOL_NONE)
        return AK_EGROUP_NOT_FOUND;
    uint32_t st = group_at(app, gh)->state;
    if (st == AK_GROUP_CLOSED)
        return AK_EGROUP_CLOSED;
    if (st == AK_GROUP_PAUSED)
        return AK_EGROUP_PAUSED;
    set_group_state(app, gh, AK_GROUP_PAUSED, AK_EV_GROUP_PAUSED);
    int rc = on_group_closed(app, gh, AK_GROUP_PAUSED);
    return rc == AK_ENOMEM || rc == AK_EOVERFLOW ? rc : 0;
}

static int h_start_group(ak_app *app, const ak_msg *m, ak_tx_result *res)
{
    uint32_t gh = find_group(app, m->group.id);
    if (gh == AK_POOL_NONE)
        return AK_EGROUP_NOT_FOUND;
    uint32_t st = group_at(app, gh)->state;
    if (st == AK_GROUP_CLOSED)
        return AK_EGROUP_CLOSED;
    if (st == AK_GROUP_OPEN)
        return AK_EGROUP_OPEN;
    /* paused or insufficient_funds; the deployment's state is not checked */
    set_group_state(app, gh, AK_GROUP_OPEN, AK_EV_GROUP_STARTED);
    return create_order(app, gh, res);
}

/* ---- handlers: escrow deposits (section 3.6) ---- */

static int vb_account_deposit(ak_app *app, const ak_msg *m, ak_tx_result *res)
{
    (void)app;
    const typeof(m->account_deposit) *c = &m->account_deposit;
    if (c->signer == AK_ADDR_NONE)
        return AK_EINVALID_ADDRESS;
    if ((c->id.scope != AK_SCOPE_DEPLOYMENT && c->id.scope != AK_SCOPE_BID) ||
        c->id.xid.owner == AK_ADDR_NONE ||
        (c->id.scope == AK_SCOPE_BID && c->id.xid.provider == AK_ADDR_NONE)) {
        ak_tx_fail(res, "invalid escrow account id: invalid ID");
        return AK_EINVALID_ID;
    }
    if (c->deposit.amount.amount == 0) {
        ak_tx_fail(res, "invalid deposit");
        return AK_EINVALID_DEPOSIT;
    }
    return validate_deposit(res, &c->deposit);
}

static int h_account_deposit(ak_app *app, const ak_msg *m, ak_tx_result *res)
{
    const typeof(m->account_deposit) *c = &m->account_deposit;
    uint32_t n;
    /* AuthorizeDeposits runs before the account is looked up */
    int rc = ak_escrow_authorize(app, c->signer, c->id.scope, &c->deposit, &n, res);
    if (rc)
        return rc;
    uint32_t ah = AK_POOL_NONE;
    if (c->id.scope == AK_SCOPE_DEPLOYMENT) {
        uint32_t dh = find_dep(app, c->id.xid.owner, c->id.xid.dseq);
        if (dh != AK_POOL_NONE)
            ah = dep_at(app, dh)->account;
    } else {
        uint32_t bh = find_bid(app, c->id.xid);
        if (bh != AK_POOL_NONE)
            ah = bid_at(app, bh)->account;
    }
    if (ah == AK_POOL_NONE)
        return AK_EACCOUNT_NOT_FOUND;
    return ak_escrow_account_deposit(app, ah, c->deposit.amount.denom, app->depositors, n);
}

/* ---- handlers: bids and leases (section 1.3) ---- */

static int vb_create_bid(ak_app *app, const ak_msg *m, ak_tx_result *res)
{
    (void)app;
    const typeof(m->create_bid) *c = &m->create_bid;
    int rc;
    if ((rc = validate_bid_id(res, c->id)) || (rc = validate_deposit(res, &c->deposit)))
        return rc;
    if (ak_dec_is_zero(c->price.amount))
        return AK_EBID_ZERO_PRICE;
    return 0;
}

static int h_create_bid(ak_app *app, const ak_msg *m, ak_tx_result *res)
{
    const typeof(m->create_bid) *c = &m->create_bid;
    const ak_market_params *mp = &app->params.market;
    char want[96], got[96];
    /* 1-2: the deposit meets bid_min_deposit */
    if (c->deposit.amount.denom != mp->bid_min_deposit.denom ||
        c->deposit.amount.amount < mp->bid_min_deposit.amount) {
        format_coin(app, want, sizeof want, mp->bid_min_deposit);
        format_coin(app, got, sizeof got, c->deposit.amount);
        ak_tx_fail(res, "deposit invalid: mininum:%s received:%s", want, got);
        return AK_EINVALID_DEPOSIT;
    }
    /* 3: open, active and closed bids count; OrderMaxBids + 1 can exist (strict >) */
    ak_order_id oid = {c->id.owner, c->id.dseq, c->id.gseq, c->id.oseq};
    uint32_t oh = hinted_order(app, oid, m->hint);
    if (oh == AK_POOL_NONE)
        oh = find_order(app, oid);
    if (oh != AK_POOL_NONE && order_at(app, oh)->nbids_counted > mp->order_max_bids) {
        ak_tx_fail(res, "invalid bid: too many existing bids (%u)", mp->order_max_bids);
        return AK_EINVALID_BID;
    }
    /* 4-5: the order exists and takes bids */
    if (oh == AK_POOL_NONE)
        return AK_EORDER_NOT_FOUND;
    ak_order *o = order_at(app, oh);
    if (o->state == AK_ORDER_ACTIVE)
        return AK_EORDER_ACTIVE;
    if (o->state != AK_ORDER_OPEN)
        return AK_EORDER_CLOSED;
    /* 6-7: a valid price, not above the order's */
    if (c->price.denom == 0 || ak_dec_is_negative(c->price.amount))
        return AK_EBID_INVALID_PRICE;
    const ak_group *g = group_at(app, o->group);
    if (c->price.denom != g->price.denom) {
        /* DecCoin.IsLT panics on different denoms; the transaction fails */
        ak_tx_fail(res, "invalid coin denominations; %s, %s: panic",
                   ak_app_str(app, g->price.denom), ak_app_str(app, c->price.denom));
        return AK_EPANIC;
    }
    if (ak_dec_cmp(g->price.amount, c->price.amount) < 0) {
        format_deccoin(app, want, sizeof want, g->price);
        format_deccoin(app, got, sizeof got, c->price);
        ak_tx_fail(res, "bid %s above order maximum %s: bid price above max order price", got,
                   want);
        return AK_EBID_OVER_ORDER;
    }
    /* 8: the offer names the spec's units with their counts */
    if (!ak_spec_match_offer(&g->spec, c->offer, c->noffer)) {
        ak_tx_fail(res, "resources offer does not match the group spec: capabilities mismatch");
        return AK_ECAPABILITIES_MISMATCH;
    }
    /* 9-11: a registered provider meeting placement and capabilities */
    const ak_provider *p = ak_provider_get(&app->providers, c->id.provider);
    if (!p)
        return AK_EUNKNOWN_PROVIDER;
    if (!ak_spec_match_requirements(&app->strs, &g->spec, p, &app->audit))
        return AK_EATTRIBUTE_MISMATCH;
    if (!ak_spec_match_capabilities(&app->strs, &g->spec, p))
        return AK_ECAPABILITIES_MISMATCH;
    /* 12: AuthorizeDeposits */
    uint32_t n;
    int rc = ak_escrow_authorize(app, c->id.provider, AK_SCOPE_BID, &c->deposit, &n, res);
    if (rc)
        return rc;
    /* 13: one bid per provider and order, ever (any state) */
    if (order_bid(app, oh, c->id.provider) != AK_POOL_NONE)
        return AK_EBID_EXISTS;
    uint32_t bh;
    void *obj;
    if (ak_pool_add(&app->market.bids, &bh, &obj))
        return AK_ENOMEM;
    ak_bid *b = obj;
    b->id = c->id;
    b->order = oh;
    b->state = AK_BID_OPEN;
    b->price = c->price;
    b->created_at = app->height;
    b->payment = AK_POOL_NONE;
    if (c->noffer) {
        ak_resource_offer *off = ak_arena_alloc(&app->arena, sizeof *off * c->noffer);
        if (!off)
            return AK_ENOMEM;
        memcpy(off, c->offer, sizeof *off * c->noffer);
        b->offer = off;
        b->noffer = c->noffer;
    }
    o = order_at(app, oh);
    TOUCH(o);
    o->nbids_counted++;
    order_link_bid(app, o, bh);
    emit_id(app, AK_EV_BID_CREATED, bh, b->id, AK_BID_OPEN, 0);
    /* 14: the bid's escrow account, owned by the provider */
    ak_escrow_id eid = {AK_SCOPE_BID, c->id};
    uint32_t ah;
    if ((rc = ak_escrow_account_create(app, &eid, c->id.provider, c->deposit.amount.denom,
                                       app->depositors, n, &ah)))
        return rc;
    bid_at(app, bh)->account = ah;
    return 0;
}

static int vb_close_bid(ak_app *app, const ak_msg *m, ak_tx_result *res)
{
    (void)app;
    int rc = validate_bid_id(res, m->close_bid.id);
    if (rc)
        return rc;
    uint32_t r = m->close_bid.reason;
    if (r < 10000 || r > 19999) {
        ak_tx_fail(res, "value \"%u\" range 10000..19999: invalid lease closed reason", r);
        return AK_EINVALID_LEASE_CLOSED_REASON;
    }
    return 0;
}

static int h_close_bid(ak_app *app, const ak_msg *m, ak_tx_result *res)
{
    (void)res;
    uint32_t bh = find_bid_hinted(app, m->close_bid.id, m->hint);
    if (bh == AK_POOL_NONE)
        return AK_EUNKNOWN_BID;
    /* (the order of an existing bid always exists: ErrUnknownOrderForBid cannot arise) */
    ak_bid *b = bid_at(app, bh);
    if (b->state == AK_BID_OPEN)
        return close_bid(app, bh); /* refund; order, group and lease untouched */
    if (b->lease_state == AK_LEASE_NONE)
        return AK_EUNKNOWN_LEASE_FOR_BID;
    if (b->lease_state != AK_LEASE_ACTIVE)
        return AK_ELEASE_NOT_ACTIVE;
    if (b->state != AK_BID_ACTIVE)
        return AK_EBID_NOT_ACTIVE;
    /* a provider closing an active bid pauses the group; no new order */
    uint32_t oh = b->order, gh = order_at(app, oh)->group;
    set_group_state(app, gh, AK_GROUP_PAUSED, AK_EV_GROUP_PAUSED);
    close_lease(app, bh, AK_LEASE_CLOSED, m->close_bid.reason);
    int rc = close_bid(app, bh);
    if (rc)
        return rc;
    close_order(app, oh);
    rc = ak_escrow_payment_close(app, bid_at(app, bh)->payment);
    return rc == AK_ENOMEM || rc == AK_EOVERFLOW ? rc : 0; /* errors ignored upstream */
}

static int vb_lease(ak_app *app, const ak_msg *m, ak_tx_result *res)
{
    (void)app;
    int rc = validate_bid_id(res, m->lease.id);
    if (rc && m->type != AK_MSG_CREATE_LEASE) {
        char inner[sizeof res->detail];
        memcpy(inner, res->detail, sizeof inner);
        ak_tx_fail(res, "LeaseID: Invalid BidID: %s", inner);
    }
    return rc;
}

static int h_create_lease(ak_app *app, const ak_msg *m, ak_tx_result *res)
{
    (void)res;
    uint32_t bh = find_bid_hinted(app, m->lease.id, m->hint);
    if (bh == AK_POOL_NONE)
        return AK_EBID_NOT_FOUND;
    if (bid_at(app, bh)->state != AK_BID_OPEN)
        return AK_EBID_NOT_OPEN;
    /* The node's next two checks cannot fail under akash-v1's rules: an open bid's order is
     * open, because a lease makes every other open bid lost and a group that closes or pauses
     * closes its open order and bids (v2.1 fix). On node v1.2.2 they catch the open bids
     * stranded by its lost-bid defect. Kept to show the rule's order. */
    uint32_t oh = bid_at(app, bh)->order;
    if (order_at(app, oh)->state != AK_ORDER_OPEN)
        return AK_EORDER_NOT_OPEN;
    uint32_t gh = order_at(app, oh)->group;
    if (group_at(app, gh)->state != AK_GROUP_OPEN)
        return AK_EGROUP_NOT_OPEN;
    uint32_t dh = group_at(app, gh)->deployment;
    ak_bid *b = bid_at(app, bh);
    uint32_t ph;
    int rc = ak_escrow_payment_create(app, dep_at(app, dh)->account, &b->id, b->id.provider,
                                      b->price, &ph);
    if (rc)
        return rc;
    b = bid_at(app, bh);
    TOUCH(b);
    b->lease_state = AK_LEASE_ACTIVE;
    b->lease_created_at = app->height;
    b->payment = ph;
    b->state = AK_BID_ACTIVE;
    emit_id(app, AK_EV_LEASE_CREATED, bh, b->id, AK_LEASE_ACTIVE, 0);
    ak_order *o = order_at(app, oh);
    TOUCH(&o->state);
    o->state = AK_ORDER_ACTIVE;
    /* every other open bid loses and gets its deposit back (node v1.2.2 stops after the
     * first: docs/deviations.md) */
    for (uint32_t lh = o->bids; lh != AK_POOL_NONE; lh = bid_at(app, lh)->next) {
        ak_bid *l = bid_at(app, lh);
        if (l->state != AK_BID_OPEN)
            continue;
        TOUCH(&l->state);
        l->state = AK_BID_LOST;
        TOUCH(&o->nbids_counted);
        o->nbids_counted--;
        emit_id(app, AK_EV_BID_LOST, lh, l->id, AK_BID_LOST, 0);
        rc = ak_escrow_account_close(app, l->account);
        if (rc == AK_ENOMEM || rc == AK_EOVERFLOW)
            return rc;
    }
    return 0;
}

static int h_withdraw_lease(ak_app *app, const ak_msg *m, ak_tx_result *res)
{
    (void)res;
    uint32_t bh = find_bid_hinted(app, m->lease.id, m->hint);
    if (bh == AK_POOL_NONE || bid_at(app, bh)->lease_state == AK_LEASE_NONE)
        return AK_EUNKNOWN_LEASE;
    /* the lease's state is not checked; the payment's is */
    return ak_escrow_payment_withdraw(app, bid_at(app, bh)->payment);
}

static int h_close_lease(ak_app *app, const ak_msg *m, ak_tx_result *res)
{
    /* a bid's order always exists, so a hinted bid gives the order at once */
    uint32_t bh = hinted_bid(app, m->lease.id, m->hint);
    uint32_t oh = bh != AK_POOL_NONE ? bid_at(app, bh)->order
                                     : find_order(app, (ak_order_id){m->lease.id.owner,
                                                                     m->lease.id.dseq,
                                                                     m->lease.id.gseq,
                                                                     m->lease.id.oseq});
    if (oh == AK_POOL_NONE)
        return AK_EORDER_NOT_FOUND;
    if (order_at(app, oh)->state != AK_ORDER_ACTIVE)
        return AK_EORDER_CLOSED;
    if (bh == AK_POOL_NONE)
        bh = order_bid(app, oh, m->lease.id.provider);
    if (bh == AK_POOL_NONE)
        return AK_EBID_NOT_FOUND;
    if (bid_at(app, bh)->state != AK_BID_ACTIVE)
        return AK_EBID_NOT_ACTIVE;
    /* an active bid always has an active lease (ak_app_check), so the node's two further
     * checks (ErrLeaseNotFound, and ErrOrderClosed for a lease that is not active) cannot
     * fail here */
    close_lease(app, bh, AK_LEASE_CLOSED, AK_REASON_OWNER);
    int rc = close_bid(app, bh);
    if (rc)
        return rc;
    close_order(app, oh);
    if ((rc = ak_escrow_payment_close(app, bid_at(app, bh)->payment)))
        return rc; /* unlike the other close paths, this error fails the transaction */
    /* a group that is still open orders again at once */
    uint32_t gh = order_at(app, oh)->group;
    if (group_at(app, gh)->state == AK_GROUP_OPEN)
        return create_order(app, gh, res);
    return 0;
}

/* ---- chain messages ---- */

static int h_chain(ak_app *app, const ak_msg *m, ak_tx_result *res)
{
    if (!app->chain_started) {
        snprintf(res->detail, sizeof res->detail,
                 "the chain layer is off: genesis has no validators: invalid request");
        return AK_EINVALID_REQUEST;
    }
    /* every address a chain message names must decode (ErrInvalidAddress upstream) */
    ak_addr a[3] = {ak_msg_required_signer(m), 1, 1};
    switch (m->type) {
    case AK_MSG_DELEGATE:
    case AK_MSG_UNDELEGATE: a[1] = m->delegate.validator; break;
    case AK_MSG_BEGIN_REDELEGATE: a[1] = m->redelegate.src; a[2] = m->redelegate.dst; break;
    case AK_MSG_WITHDRAW_DELEGATOR_REWARD: a[1] = m->withdraw_reward.validator; break;
    default: break;
    }
    bool gov = m->type >= AK_MSG_SUBMIT_PROPOSAL; /* gov words its own address errors */
    for (int i = 0; i < 3 && !gov; i++)
        if (a[i] == AK_ADDR_NONE) {
            snprintf(res->detail, sizeof res->detail, "invalid address: empty address");
            return AK_EINVALID_ADDRESS;
        }
    switch (m->type) {
    case AK_MSG_CREATE_VALIDATOR:
    case AK_MSG_EDIT_VALIDATOR:
    case AK_MSG_DELEGATE:
    case AK_MSG_UNDELEGATE:
    case AK_MSG_BEGIN_REDELEGATE:
        return ak_staking_deliver(app, m, res);
    case AK_MSG_UNJAIL:
        return ak_slashing_deliver(app, m, res);
    case AK_MSG_WITHDRAW_DELEGATOR_REWARD:
    case AK_MSG_WITHDRAW_VALIDATOR_COMMISSION:
        return ak_dist_deliver(app, m, res);
    default:
        return ak_gov_deliver(app, m, res);
    }
}

/* ---- delivery ---- */

typedef int (*handler_fn)(ak_app *, const ak_msg *, ak_tx_result *);

static const struct {
    handler_fn validate_basic; /* NULL: the message has none */
    handler_fn handle;
} handlers[AK_MSG_COUNT] = {
    [AK_MSG_SEND] = {NULL, h_send},
    [AK_MSG_CREATE_PROVIDER] = {vb_provider, h_provider},
    [AK_MSG_UPDATE_PROVIDER] = {vb_provider, h_provider},
    [AK_MSG_SIGN_PROVIDER_ATTRIBUTES] = {vb_audit, h_sign_attrs},
    [AK_MSG_DELETE_PROVIDER_ATTRIBUTES] = {vb_audit, h_delete_attrs},
    [AK_MSG_GRANT_DEPOSIT_AUTHORIZATION] = {NULL, h_grant},
    [AK_MSG_CREATE_DEPLOYMENT] = {vb_create_deployment, h_create_deployment},
    [AK_MSG_UPDATE_DEPLOYMENT] = {vb_update_deployment, h_update_deployment},
    [AK_MSG_CLOSE_DEPLOYMENT] = {vb_close_deployment, h_close_deployment},
    [AK_MSG_CLOSE_GROUP] = {vb_group, h_close_group},
    [AK_MSG_PAUSE_GROUP] = {vb_group, h_pause_group},
    [AK_MSG_START_GROUP] = {vb_group, h_start_group},
    [AK_MSG_ACCOUNT_DEPOSIT] = {vb_account_deposit, h_account_deposit},
    [AK_MSG_CREATE_BID] = {vb_create_bid, h_create_bid},
    [AK_MSG_CLOSE_BID] = {vb_close_bid, h_close_bid},
    [AK_MSG_CREATE_LEASE] = {vb_lease, h_create_lease},
    [AK_MSG_WITHDRAW_LEASE] = {vb_lease, h_withdraw_lease},
    [AK_MSG_CLOSE_LEASE] = {vb_lease, h_close_lease},
    /* the chain's messages have no ValidateBasic in SDK 0.53: every check is in the handler */
    [AK_MSG_CREATE_VALIDATOR] = {NULL, h_chain},
    [AK_MSG_EDIT_VALIDATOR] = {NULL, h_chain},
    [AK_MSG_DELEGATE] = {NULL, h_chain},
    [AK_MSG_UNDELEGATE] = {NULL, h_chain},
    [AK_MSG_BEGIN_REDELEGATE] = {NULL, h_chain},
    [AK_MSG_UNJAIL] = {NULL, h_chain},
    [AK_MSG_WITHDRAW_DELEGATOR_REWARD] = {NULL, h_chain},
    [AK_MSG_WITHDRAW_VALIDATOR_COMMISSION] = {NULL, h_chain},
    [AK_MSG_SUBMIT_PROPOSAL] = {NULL, h_chain},
    [AK_MSG_DEPOSIT] = {NULL, h_chain},
    [AK_MSG_VOTE] = {NULL, h_chain},
    [AK_MSG_VOTE_WEIGHTED] = {NULL, h_chain},
};

int ak_app_deliver(ak_app *app, const ak_msg *m, ak_tx_result *res)
{
    res->code = 0;
    res->detail[0] = '\0';
    if (app->broken)
        return res->code = AK_EBROKEN;
    if ((unsigned)m->type >= AK_MSG_COUNT)
        return res->code = AK_EINVAL;
    int rc = 0;
    /* ValidateBasic runs before the ante handler checks signatures */
    handler_fn vb = handlers[m->type].validate_basic;
    if (vb)
        rc = vb(app, m, res);
    if (!rc) {
        ak_addr need = ak_msg_required_signer(m);
        if (m->signer != AK_ADDR_NONE && m->signer != need) {
            ak_tx_fail(res, "%s is not the signer %s requires (%s): unauthorized",
                       ak_app_str(app, m->signer), ak_msg_name(m->type), ak_app_str(app, need));
            rc = AK_EUNAUTHORIZED;
        }
    }
    if (rc) {
        return res->code = rc; /* nothing ran, nothing to undo */
    }
    /* A chain message may read or change validator rewards, or a commission rate the lazy
     * accrual assumes fixed: apply what accrued first, outside the transaction (it changes
     * the representation, not the state). Market messages never touch them. */
    if (m->type >= AK_MSG_CREATE_VALIDATOR && app->chain_started) {
        app->distribution.cache.steady = false;
        app->slashing.steady = false;
        if ((rc = ak_dist_sync(app)) || (rc = ak_slashing_sync(app)))
            return res->code = rc;
    }
    size_t nevents = app->nevents;
    ak_store_begin(&app->store);
    rc = handlers[m->type].handle(app, m, res);
    if (app->store.fault) {
        /* the journal missed a write: the state can no longer be trusted */
        app->broken = AK_ENOMEM;
        ak_store_commit(&app->store);
        return res->code = AK_EBROKEN;
    }
    if (rc) {
        ak_store_rollback(&app->store);
        app->nevents = nevents;
    } else {
        ak_store_commit(&app->store);
    }
    return res->code = rc;
}

/* ---- invariants ---- */

#define BAD(...)                                                                                   \
    do {                                                                                           \
        snprintf(err, cap, __VA_ARGS__);                                                           \
        return AK_EINVARIANT;                                                                      \
    } while (0)

static int check_market(const ak_app *app, char *err, size_t cap)
{
    const ak_deployments *ds = &app->deployments;
    for (uint32_t dh = 0; dh < ds->deployments.len; dh++) {
        const ak_deployment *d = dep_at(app, dh);
        const ak_escrow_account *a = ak_escrow_acct(app, d->account);
        bool open = a->state == AK_ESCROW_OPEN;
        if ((d->state == AK_DEPLOYMENT_ACTIVE) != open)
            BAD("deployment %s/%llu is %s but its escrow account is %s",
                ak_app_str(app, d->id.owner), (unsigned long long)d->id.dseq,
                ak_deployment_state_name(d->state), ak_escrow_state_name(a->state));
    }
    for (uint32_t gh = 0; gh < ds->groups.len; gh++) {
        const ak_group *g = group_at(app, gh);
        uint32_t live = 0;
        for (uint32_t oseq = 1; oseq <= g->norders; oseq++) {
            uint32_t oh = ak_map_get(&app->market.order_index, ak_key2(gh, oseq));
            if (oh == AK_POOL_NONE)
                BAD("group %u lacks order %u", gh, oseq);
            if (order_at(app, oh)->state != AK_ORDER_CLOSED) {
                live++;
                if (oh != g->last_order)
                    BAD("group %u has an open order that is not its newest", gh);
            }
        }
        if (live > 1)
            BAD("group %u has %u orders that are not closed", gh, live);
    }
    const ak_market *mk = &app->market;
    for (uint32_t oh = 0; oh < mk->orders.len; oh++) {
        const ak_order *o = order_at(app, oh);
        uint32_t counted = 0, active = 0;
        for (uint32_t bh = o->bids; bh != AK_POOL_NONE; bh = bid_at(app, bh)->next) {
            const ak_bid *b = bid_at(app, bh);
            if (b->order != oh)
                BAD("order %u lists a bid of another order", oh);
            counted += b->state != AK_BID_LOST;
            active += b->state == AK_BID_ACTIVE;
        }
        if (counted != o->nbids_counted)
            BAD("order %u counts %u bids, has %u that are not lost", oh, o->nbids_counted, counted);
        if ((o->state == AK_ORDER_ACTIVE) != (active == 1) || active > 1)
            BAD("order %u is %s with %u active bids", oh, ak_order_state_name(o->state), active);
    }
    for (uint32_t bh = 0; bh < mk->bids.len; bh++) {
        const ak_bid *b = bid_at(app, bh);
        const ak_escrow_account *a = ak_escrow_acct(app, b->account);
        bool live = b->state == AK_BID_OPEN || b->state == AK_BID_ACTIVE;
        if (live != (a->state == AK_ESCROW_OPEN))
            BAD("bid %u is %s but its deposit account is %s", bh, ak_bid_state_name(b->state),
                ak_escrow_state_name(a->state));
        if ((b->state == AK_BID_ACTIVE) != (b->lease_state == AK_LEASE_ACTIVE))
            BAD("bid %u is %s but its lease is %s", bh, ak_bid_state_name(b->state),
                ak_lease_state_name(b->lease_state));
        if (b->lease_state == AK_LEASE_ACTIVE &&
            ak_escrow_pay(app, b->payment)->state != AK_ESCROW_OPEN)
            BAD("active lease %u has a payment that is %s", bh,
                ak_escrow_state_name(ak_escrow_pay(app, b->payment)->state));
    }
    for (uint32_t ph = 0; ph < app->escrow.payments.len; ph++) {
        const ak_escrow_payment *p = ak_escrow_pay(app, ph);
        uint32_t bh = find_bid(app, p->id);
        if (bh == AK_POOL_NONE || bid_at(app, bh)->payment != ph)
            BAD("payment %u has no lease", ph);
        if (p->state == AK_ESCROW_OPEN && bid_at(app, bh)->lease_state != AK_LEASE_ACTIVE)
            BAD("open payment %u belongs to a lease that is %s", ph,
                ak_lease_state_name(bid_at(app, bh)->lease_state));
    }
    return 0;
}

int ak_app_check(const ak_app *app, char *err, size_t cap)
{
    if (app->broken)
        BAD("the app is broken after an allocation failure");
    int rc = ak_bank_check(&app->bank, err, cap);
    if (rc)
        return rc;
    if ((rc = ak_escrow_check(app, err, cap)) || (rc = ak_grants_check(&app->grants, err, cap)) ||
        (rc = ak_audit_check(&app->audit, err, cap)))
        return rc;
    if (app->chain_started) {
        /* the chain modules; distribution's check covers its module account */
        if ((rc = ak_staking_check(app, err, cap)) || (rc = ak_dist_check(app, err, cap)) ||
            (rc = ak_slashing_check(app, err, cap)) || (rc = ak_gov_check(app, err, cap)))
            return rc;
        return check_market(app, err, cap);
    }
    /* without the chain layer the distribution module holds exactly the community pool */
    ak_addr dist = ak_bank_module_addr(&app->bank, AK_MODULE_DISTRIBUTION);
    for (uint32_t i = 0; i < app->bank.supplies.len; i++) {
        const ak_bank_supply *s = ak_pool_at(&app->bank.supplies, i);
        __int128 pool = ak_app_community_pool(app, s->denom).v;
        if (pool != (__int128)ak_bank_balance_of(&app->bank, dist, s->denom) * 1000000000000000000)
            BAD("distribution: the module holds %lld%s, the community pool says otherwise",
                (long long)ak_bank_balance_of(&app->bank, dist, s->denom),
                ak_app_str(app, s->denom));
    }
    return check_market(app, err, cap);
}

/* ---- digest ---- */

static uint64_t fold(uint64_t h, const void *p, size_t n)
{
    return ak_hash_bytes(p, n) ^ (h * 0x100000001b3ull + 0x9e3779b97f4a7c15ull);
}

static uint64_t digest_pool(uint64_t h, const ak_pool *pool)
{
    h = fold(h, &pool->len, sizeof pool->len);
    for (uint32_t i = 0; i < pool->len; i++)
        h = fold(h, ak_pool_at(pool, i), pool->elem_size);
    return h;
}

/* Maps are compared as sets: their slot layout may differ after a rollback. */
static uint64_t digest_map(uint64_t h, const ak_map *m)
{
    uint64_t x = 0;
    for (uint32_t i = 0; i < m->cap; i++)
        if (m->slots[i].used) {
            uint64_t e[3] = {m->slots[i].key.a, m->slots[i].key.b, m->slots[i].val};
            x += ak_hash_bytes(e, sizeof e);
        }
    return fold(h, &x, sizeof x) ^ m->len;
}

int ak_app_sync(ak_app *app)
{
    if (!app->chain_started)
        return 0;
    int rc = ak_dist_sync(app);
    return rc ? rc : ak_slashing_sync(app);
}

uint64_t ak_app_digest(const ak_app *app)
{
    /* lazily accrued rewards are applied first (a change of representation only), so that a
     * digest covers them whatever the accrual's state */
    ak_app_sync((ak_app *)app);
    uint64_t h = 0;
    h = fold(h, &app->height, sizeof app->height);
    h = fold(h, &app->params, sizeof app->params);
    const ak_pool *pools[] = {
        &app->bank.balances, &app->bank.supplies, &app->providers.pool, &app->audit.pool,
        &app->grants.pool, &app->grants.heads, &app->deployments.deployments,
        &app->deployments.groups, &app->market.orders, &app->market.bids, &app->escrow.accounts,
        &app->escrow.payments, &app->escrow.deposits, &app->community_pool,
        &app->staking.vals, &app->staking.dels, &app->staking.del_heads, &app->staking.ubds,
        &app->staking.ubd_entries, &app->staking.reds, &app->staking.red_entries,
        &app->staking.red_heads, &app->staking.ubd_queue, &app->staking.red_queue,
        &app->distribution.vals, &app->distribution.hist, &app->distribution.events,
        &app->distribution.starting, &app->gov.proposals, &app->gov.deposits, &app->gov.votes,
        &app->slashing.infos,
    };
    for (size_t i = 0; i < sizeof pools / sizeof *pools; i++)
        h = digest_pool(h, pools[i]);
    const ak_map *maps[] = {
        &app->bank.balance_index, &app->bank.supply_index, &app->providers.index,
        &app->audit.index, &app->audit.owner_heads, &app->grants.index, &app->grants.grantee_heads,
        &app->deployments.index, &app->market.order_index,
        &app->community_pool_index, &app->staking.val_index, &app->staking.del_index,
        &app->staking.del_heads_index, &app->staking.ubd_index, &app->staking.red_index,
        &app->staking.red_heads_index, &app->gov.vote_index, &app->slashing.info_index,
    };
    for (size_t i = 0; i < sizeof maps / sizeof *maps; i++)
        h = digest_map(h, maps[i]);
    h = fold(h, &app->staking.queue_seq, sizeof app->staking.queue_seq);
    h = fold(h, &app->staking.set_dirty, sizeof app->staking.set_dirty);
    h = fold(h, &app->minter, sizeof app->minter);
    return fold(h, &app->escrow.free_deposits, sizeof app->escrow.free_deposits);
}
