/*
 * sim/world.h: what the engine and the agent models share inside one run (DESIGN.md "One run,
 * as the data flows"). The engine (sim/engine.c) owns time, the event queue, the mempool, the
 * random streams and the recorder; the models (models/tenant.c, models/provider.c) decide what
 * agents do. Models read protocol state through the app's query functions and act only by
 * submitting messages (world_submit) and scheduling their own events (world_schedule); they
 * never write protocol state.
 *
 * Everything here hangs off one ak_world; nothing is global, so runs can go on many threads.
 */
#ifndef AK_SIM_WORLD_H
#define AK_SIM_WORLD_H

#include <gsl/gsl_rng.h>
#include <math.h>

#include "app.h"
#include "errors.h"
#include "evq.h"
#include "pricing.h"
#include "recorder.h"
#include "scenario.h"
#include "spec.h"

/* Event kinds and their priorities: at one instant, agent actions run before the block, so
 * that what an agent submits at time t is in the block committed at t. */
enum {
    W_EV_BLOCK = 1,     /* produce the next block */
    W_EV_SAMPLE,        /* write a metrics row */
    W_EV_END,           /* the run's duration is over */
    W_EV_ARRIVAL,       /* the next tenant arrives (Poisson) */
    W_EV_CHOOSE,        /* a tenant's bid window closes: lease the cheapest bid or give up */
    W_EV_TOPUP,         /* a tenant checks its escrow and tops it up */
    W_EV_CLOSE,         /* a deployment's lifetime is over: the tenant closes it */
    W_EV_BID,           /* a provider has heard of an order and decides whether to bid */
    W_EV_BID_TIMEOUT,   /* a provider's bid timed out without a lease */
    W_EV_WITHDRAW,      /* a provider's periodic withdrawal from a lease */
    W_EV_DRY,           /* a provider's funds monitor finds a lease's escrow dry */
    W_EV_FAIL,          /* a provider fails (its fleet's time to failure has passed) */
    W_EV_REPAIR,        /* a provider is repaired (data: 0 after a failure, 1 after an outage) */
    W_EV_OUTAGE,        /* a scheduled correlated outage begins (data: its index) */
    W_EV_NOTICE,        /* a tenant notices its lease's provider is down */
    W_EV_VFAIL,         /* a validator goes offline (its time to failure has passed) */
    W_EV_VREPAIR,       /* a validator is back (data: 0 after a failure, 1 after an outage) */
    W_EV_VOUTAGE,       /* a scheduled correlated validator outage begins (data: its index) */
    W_EV_DOUBLE_SIGN,   /* a validator signs twice: evidence goes into the next block */
    W_EV_UNJAIL,        /* a jailed validator's operator tries MsgUnjail */
    W_EV_PROPOSE,       /* a scheduled proposal is submitted (data: its index) */
    W_EV_VOTE,          /* a validator votes (data: the proposal's handle) */
    W_EV_PROPOSAL_END,  /* a proposal's voting period is over: record it (data: handle) */
    W_EV_REVIEW,        /* a fleet weighs income against cost (data: the fleet) */
    W_EV_JOIN,          /* a provider enters the market */
    W_EV_PRICE,         /* the AKT price takes its next step */
    W_EV_DELEGATORS,    /* delegators weigh their yield */
    W_EV_COMMISSION,    /* validators review their commission */
    W_EV_KINDS
};
enum { W_PRIO_PRICE = 5, W_PRIO_AGENT = 10, W_PRIO_BLOCK = 20, W_PRIO_SAMPLE = 30,
       W_PRIO_END = 40 };

/* What a message in the mempool was for, so that its failure reaches the model that sent it. */
typedef enum {
    W_TX_PLAIN = 0,          /* nobody needs to hear of a failure */
    W_TX_CREATE_DEPLOYMENT,  /* dep */
    W_TX_CREATE_BID,         /* bid */
    W_TX_CREATE_LEASE,       /* dep */
    W_TX_PROPOSAL,           /* index of the scenario's proposal */
} w_tx_origin;

/* A provider agent. Capacities in millicpu, bytes, bytes and GPUs; `free` is what is neither
 * leased nor reserved for an open bid. */
typedef struct w_provider {
    ak_addr addr;
    uint32_t fleet;
    uint32_t region;         /* index into the fleet's regions */
    int64_t cap[4], free[4]; /* W_CPU, W_MEM, W_STORAGE, W_GPU */
    int64_t bids, leases_won;
    int64_t income_uakt;
    int64_t income_uusdc;
    double factor;           /* learning pricing: the factor on its base price */
    uint32_t state;          /* W_PROV_*: active, or not (yet, or any more) in the market */
    uint32_t losses;         /* entry_exit: losing reviews in a row */
    int64_t income_mark;     /* entry_exit: income_uakt at the last review */
    ak_usec entered_us, exited_us; /* -1: at genesis / never (set when a slot enters) */
    uint32_t down;           /* failures and outages in progress: down while > 0 */
    uint32_t leases;         /* head of the list of its leased deployments (w_dep.pnext) */
    int64_t failures;        /* times it went down */
    int64_t noticed;         /* failures of it tenants noticed (the shared reputation) */
    ak_usec down_since;
    int64_t downtime_us;     /* over the run, up to the last repair */
} w_provider;
enum { W_CPU = 0, W_MEM, W_STORAGE, W_GPU };
enum { W_PROV_ACTIVE = 0, W_PROV_DORMANT, W_PROV_JOINING, W_PROV_GONE };

typedef struct w_tenant {
    ak_addr addr;
    uint64_t next_dseq;
    int64_t deployments, leases, orders_unmet;
    int64_t deposited_uakt, refunded_uakt;
    int64_t deposited_uusdc, refunded_uusdc;
    int64_t failures_noticed, redeployments;
    int64_t priced_out;      /* arrivals that did not deploy at the going price */
    ak_height pending_height; /* the block its pending spends are for */
    ak_amount pending[2];    /* uakt, uusdc its messages of that block will spend */
} w_tenant;

enum { W_BID_RESERVED = 1, W_BID_LEASED, W_BID_RELEASED };

/* A provider's bid on a deployment's order: the capacity it holds reserved. */
typedef struct w_bid {
    uint32_t provider, dep;
    uint32_t state;
    uint32_t next;           /* next bid of the same deployment, or UINT32_MAX */
    bool chain_open;         /* the chain has it open (counted in open_bids) */
    uint32_t hint;           /* 1 + its chain handle once the chain created it (ak_msg.hint) */
    ak_evq_handle timeout;
    uint32_t next_free;
} w_bid;

enum { W_DEP_FREE = 0, W_DEP_SUBMITTED, W_DEP_BIDDING, W_DEP_LEASED, W_DEP_CLOSING };

/* One deployment of one group with one resource unit type (count = units), as tenants here
 * post them. Lives from the tenant's decision to the deployment's close. */
typedef struct w_dep {
    uint32_t state;
    uint32_t tenant, workload;
    uint64_t dseq;
    uint32_t units;
    int64_t need[4];         /* per unit: millicpu, bytes, bytes, GPUs */
    double budget_factor;    /* the order budget's factor (kept for a redeployment) */
    ak_denom denom;          /* what it pays in: uakt or uusdc (USD-pegged) */
    uint32_t pnext, pprev;   /* the provider's list of leased deployments */
    ak_dec order_price;      /* per unit per block, uakt */
    int64_t created_us, order_us, lifetime_us;
    int64_t bids_received;
    uint32_t bids;           /* head of its w_bid list */
    uint32_t order_hint;     /* 1 + the chain handle of its open order (ak_msg.hint), or 0 */
    uint32_t lease_hint;     /* 1 + the chain handle of its lease's bid, or 0 */
    uint32_t provider;       /* the lease's provider, UINT32_MAX before */
    ak_dec lease_price;      /* the lease's price per block (all units) */
    double lease_usd;        /* the AKT price when the lease was created */
    int64_t lease_us, lease_height;
    int64_t paid;            /* withdrawn to the provider, take included */
    ak_evq_handle ev_choose, ev_close, ev_topup, ev_withdraw, ev_dry;
    bool order_open;         /* counted in open_orders */
    bool closed;             /* the chain closed the deployment: free after this block */
    uint32_t next_free;
} w_dep;

/* What the engine keeps per genesis validator, for the validators table. */
typedef struct w_val {
    ak_addr addr;
    int64_t tokens_start, proposed, missed, times_jailed;
    bool was_jailed;
    uint32_t down;           /* failures and outages in progress: offline while > 0 */
    ak_usec down_since;
    int64_t failures, downtime_us, double_signs;
    int64_t last_tokens;     /* greedy commission: its tokens at the last review */
} w_val;

/* A delegator (agents.delegators): one delegation at a time. */
typedef struct w_delegator {
    ak_addr addr;
    ak_addr val;             /* the validator it delegates to */
    int64_t unbonded, restaked, switches; /* uakt undelegated / delegated again; moves */
} w_delegator;

/* Counters of the current sampling period and of the whole run. */
typedef struct w_flows {
    __int128 spend_raw;      /* lease cost accrued, Dec raw units (x 10^18 uakt) */
    __int128 spend_usdc_raw; /* the same for uusdc leases */
    int64_t income, take;
    int64_t income_usdc, take_usdc; /* uusdc */
    int64_t orders_unmet, deployments, leases_created, leases_closed;
    int64_t provider_failures, failures_noticed; /* went down; noticed by a tenant */
    int64_t halts, halted_us; /* chain halts begun; time halted (counted when it resumes) */
    int64_t entered, exited;  /* providers that entered / left the market */
    double spend_usd, income_usd, take_usd; /* at the price of each block / withdrawal, while
                                               the AKT price moves */
    int64_t priced_out;       /* arrivals that did not deploy at the going price */
    int64_t blocks;
} w_flows;

typedef struct ak_world {
    const ak_scenario *sc;
    uint32_t replication;
    ak_app *app;
    ak_strtab *strs;
    ak_evq q;
    ak_usec now;
    ak_height height;        /* last committed */
    int64_t block_us;        /* nominal block interval: commit timeout + gossip */
    uint64_t events;
    gsl_rng *rng_tenants, *rng_providers;
    gsl_rng *rng_reliability; /* failures, repairs, outages */
    gsl_rng *rng_detection;   /* tenants' delays in noticing failures */
    ak_map seen;             /* (tenant, provider) -> failures the tenant noticed */
    ak_denom uakt;
    ak_addr holders;
    ak_str name_group, name_default; /* "akash" (group name), "default" (storage volume) */
    ak_amount min_deposit;   /* the deployment module's minimum uakt deposit */
    ak_denom uusdc;          /* the USDC denom as scenarios name it */
    ak_amount min_deposit_usdc; /* ... and its minimum deposit (0: not allowed) */
    ak_coin bid_deposit;     /* the market's bid_min_deposit */
    ak_dec akt_usd;          /* the AKT price as the price script sees it (6 decimals) */
    double usd_now;          /* the AKT price, USD */
    ak_price_state price;    /* the price path */
    bool price_moves;        /* the process is not constant */
    bool track_leases;       /* keep each provider's list of leases (failures, exits) */
    __int128 spend_mark;     /* period.spend_raw already converted to USD (price_moves) */
    gsl_rng *rng_price;
    __int128 cpu_rate_raw;   /* active CPU-only leases: sum of uakt prices per block, Dec raw */
    __int128 cpu_rate_usdc_raw; /* ... and of uusdc prices */
    int64_t cpu_millis;      /* ... and of their millicpu */
    ak_attr workload_gpu_attr[AK_SC_MAX_WORKLOADS]; /* vendor/nvidia/model/<m> = true */
    ak_addr auditors[AK_SC_MAX_AUDITORS];
    ak_attr workload_req[AK_SC_MAX_WORKLOADS][AK_SC_MAX_ATTRS]; /* placement requirements */
    ak_str workload_region[AK_SC_MAX_WORKLOADS]; /* a required region, or 0 */
    ak_addr workload_all_of[AK_SC_MAX_WORKLOADS][AK_SC_MAX_AUDITORS];
    bool serves[AK_SC_MAX_WORKLOADS][AK_SC_MAX_FLEETS]; /* ak_sc_fleet_serves */
    ak_str region_names[AK_SC_MAX_FLEETS][AK_SC_MAX_REGIONS];

    w_provider *providers;
    uint32_t nproviders;
    uint32_t **buckets;      /* [0]: every provider; [1 + g]: every provider with the GPU model
                                of fleet g, the first fleet with it (other buckets empty) */
    uint32_t *nbucket;
    uint32_t nbuckets;
    w_tenant *tenants;
    uint32_t ntenants;
    ak_map tenant_index;     /* addr -> tenant */
    ak_map provider_index;   /* addr -> provider */
    ak_map validator_index;  /* addr -> val_stats */
    w_val *val_stats;
    uint32_t nvals;
    w_delegator *delegators;
    uint32_t ndelegators;
    bool *online;            /* per validator of the current set, for block production */
    uint8_t *flags;
    gsl_rng *rng_operators;  /* validator failures, repairs, outages, double signs */
    uint32_t vals_down;      /* validators offline */
    bool online_stale;       /* `online` must be rebuilt (someone went down or came back) */
    uint64_t online_gen;     /* the valset generation `online` was built for */
    bool halted;             /* the last block attempt found less than +2/3 online */
    bool retry_pending;      /* a block attempt is scheduled while halted */
    ak_usec halt_since;      /* when the halt in progress began */
    ak_usec halt_mark;       /* ... or the last sample since, for the period's share */
    ak_addr *evidence;       /* validators whose double sign goes into the next block */
    uint32_t nevidence, cap_evidence;
    gsl_rng *rng_governance; /* vote decisions and delays */
    uint32_t gov_queue[AK_SC_MAX_PROPOSALS]; /* submitted, not yet seen on chain, in order */
    uint32_t ngov_queue;
    uint32_t gov_known;      /* proposals on chain the model has seen */
    struct w_prop {          /* per chain proposal handle the model submitted */
        uint32_t handle;
        uint32_t index;      /* the scenario's proposal */
        ak_usec submit_us;
        bool recorded;
    } props[AK_SC_MAX_PROPOSALS];
    uint32_t nprops;

    w_dep *deps;
    uint32_t ndeps, cap_deps, free_dep;
    ak_map dep_index;        /* (owner, dseq) -> dep */
    w_bid *bids;
    uint32_t nbids, cap_bids, free_bid;
    uint32_t *chain_bids;    /* chain bid handle -> the bid record that sent it, or NONE */
    uint32_t nchain_bids, cap_chain_bids;
    uint64_t workload_cum_n;
    double workload_cum[AK_SC_MAX_WORKLOADS];
    ak_script_prices fleet_prices[AK_SC_MAX_FLEETS];     /* prices_usd (script) */
    ak_script_prices fleet_cost_plus[AK_SC_MAX_FLEETS];  /* cost_usd x (1 + margin) */
    ak_scale_prices fleet_scale[AK_SC_MAX_FLEETS];
    ak_script_prices workload_budget[AK_SC_MAX_WORKLOADS];
    uint32_t workload_bucket[AK_SC_MAX_WORKLOADS];

    /* the mempool: messages for the next block, in arrival order; their arrays live in
     * `scratch`, which is emptied after every block */
    struct w_tx {
        ak_msg msg;
        uint32_t origin, ref;
    } *mempool;
    uint32_t nmempool, cap_mempool;
    ak_arena scratch;

    /* running totals the metrics read */
    int64_t active_leases, open_orders, open_bids, active_deps;
    int64_t providers_down;
    int64_t active_providers; /* in the market (not dormant, joining or gone) */
    int64_t leased[4], capacity[4];
    ak_dec active_rate;      /* sum of active uakt lease prices per block */
    ak_dec active_rate_usdc; /* sum of active uusdc lease prices per block */
    w_flows period, total;
    ak_usec last_sample_us;  /* time of the last metrics row (0: none yet) */
    int64_t leases_total, tx_failed;
    int64_t failures[AK_MSG_COUNT][AK_ERR_COUNT]; /* failed messages by type and -status */

    ak_rec *rec;
    bool check;
    bool ended;
    int failed;              /* the status the run failed with, 0 while it has not */
    char err[512];
} ak_world;

/* ---- small conversions shared by the engine and the models ---- */

/* The AKT price a deployment's prices are converted at: the current one for uakt, zero
 * (USD-pegged, ak_pricing_script_rate) for uusdc. */
static inline ak_dec world_price_unit(const ak_world *w, ak_denom denom)
{
    return denom == w->uakt ? w->akt_usd : ak_dec_zero();
}

/* A Dec from a model quantity (a USD target, a factor, the AKT price), rounded to 6 decimals. */
static inline ak_dec world_dec6(double x)
{
    return ak_dec_from_raw((__int128)llround(x * 1e6) * (__int128)1000000000000);
}

/* x rounded to the nearest integer and clamped to [lo, hi] (NaN gives lo). */
static inline int64_t world_round(double x, int64_t lo, int64_t hi)
{
    if (!(x >= (double)lo))
        return lo;
    if (x >= (double)hi)
        return hi;
    return (int64_t)llround(x);
}

/* ---- the engine's services to models ---- */

/* Queue a message for the next block. Arrays it points to must come from world_alloc. 0 or
 * AK_ENOMEM. */
int world_submit(ak_world *w, const ak_msg *m, w_tx_origin origin, uint32_t ref);
/* n zeroed bytes that live until the next block has delivered its messages; NULL when out of
 * memory. */
void *world_alloc(ak_world *w, size_t n);
/* Schedule an agent event at time t (not before now). *h may be NULL. 0 or AK_ENOMEM. */
int world_schedule(ak_world *w, ak_usec t, uint32_t kind, uint32_t agent, uint64_t data,
                   ak_evq_handle *h);
/* Cancel an agent event if still pending; clears *h. */
void world_cancel(ak_world *w, ak_evq_handle *h);
/* A new deployment record (zeroed but for its lists); UINT32_MAX when out of memory. */
uint32_t world_dep_new(ak_world *w);
void world_dep_free(ak_world *w, uint32_t d);
uint32_t world_bid_new(ak_world *w);
void world_bid_free(ak_world *w, uint32_t b);
/* The deployment record of (owner, dseq), or UINT32_MAX. */
uint32_t world_dep_find(const ak_world *w, ak_addr owner, uint64_t dseq);
/* Fail the run: the message goes to w->err; returns AK_EINVAL. */
int world_fail(ak_world *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The escrow account of a deployment record, NULL if it has none. */
const ak_escrow_account *world_dep_account(const ak_world *w, const w_dep *d);
/* The attributes of provider p as it registers them (GPU capability, region, the fleet's
 * attributes, sorted by key) into out (room for 2 + AK_SC_MAX_ATTRS); their number. */
uint32_t world_provider_attrs(ak_world *w, uint32_t p, ak_attr *out);
/* Send MsgSignProviderAttributes from each of provider p's fleet's auditors. */
int world_audit_provider(ak_world *w, uint32_t p);

/* The sum of the rates of the account's open payments (per block). */
ak_dec world_account_rate(const ak_world *w, const ak_escrow_account *a);
/* Blocks until the account's funds no longer cover its payments, counted from the last
 * committed height: floor(funds / rate) - (height - settled_at); INT64_MAX with no rate. */
int64_t world_blocks_remaining(const ak_world *w, const ak_escrow_account *a);

/* ---- models (models/tenant.c, models/provider.c) ---- */

/* The group spec of deployment d with `count` units; the arrays are the caller's. */
void world_dep_spec(const ak_world *w, const w_dep *d, uint32_t count, ak_group_spec *g,
                    ak_resource_unit *u, ak_storage_volume *vol, ak_attr *gpu_attr);

/* Schedule the first arrival (at genesis without a demand curve). */
int tenant_first_arrival(ak_world *w);
int tenant_arrival(ak_world *w);
int tenant_choose(ak_world *w, uint32_t d);
int tenant_topup(ak_world *w, uint32_t d);
int tenant_close(ak_world *w, uint32_t d);
/* The order of deployment d is open: pick providers to hear of it (bounded, see provider.c). */
int provider_hear_order(ak_world *w, uint32_t d);
int provider_bid(ak_world *w, uint32_t p, uint32_t d);
int provider_bid_timeout(ak_world *w, uint32_t b);
/* Another provider won: close bid b. */
int provider_bid_lost(ak_world *w, uint32_t b);
/* Bid b won its order's lease. */
void provider_bid_won(ak_world *w, uint32_t b);
int provider_withdraw(ak_world *w, uint32_t d);
int provider_dry(ak_world *w, uint32_t d);
/* The lease of d started / ended: schedule or cancel the provider's watch over it. */
int provider_lease_started(ak_world *w, uint32_t d);
void provider_lease_ended(ak_world *w, uint32_t d);
/* Give the bid's reserved capacity back. */
void provider_release(ak_world *w, uint32_t b);

/* ---- reliability (models/reliability.c) ---- */

/* Schedule every provider's first failure and the scenario's outages. */
int reliability_start(ak_world *w);
int provider_fail(ak_world *w, uint32_t p);
int provider_repair(ak_world *w, uint32_t p, bool outage);
int provider_outage(ak_world *w, uint32_t i);
/* Tenant of deployment d notices that provider p is down. */
int tenant_notice(ak_world *w, uint32_t d, uint32_t p);

/* ---- validator operators (models/validator.c) ---- */

/* Schedule the validators' first failures and double signs, and the scenario's outages. */
int validators_start(ak_world *w);
int validator_fail(ak_world *w, uint32_t v);
int validator_repair(ak_world *w, uint32_t v, bool outage);
int validator_outage(ak_world *w, uint32_t i);
int validator_double_sign(ak_world *w, uint32_t v);
int validator_unjail(ak_world *w, uint32_t v);
/* A validator came back while the chain is halted: try a block now. */
int world_wake_chain(ak_world *w);

/* ---- entry and exit (models/market_entry.c) ---- */

int entry_start(ak_world *w);
int fleet_review(ak_world *w, uint32_t f);
int provider_join(ak_world *w, uint32_t p);
/* The lease of deployment d was closed by its provider: the tenant moves or leaves. */
int tenant_provider_left(ak_world *w, uint32_t d);

/* ---- delegators and commissions (models/delegator.c) ---- */

int delegators_start(ak_world *w);
int delegators_review(ak_world *w);
int commission_review(ak_world *w);
/* The staking APR now: inflation x (1 - community tax) / bonded ratio; NaN with nothing
 * bonded. */
double world_staking_apr(const ak_world *w);

/* ---- governance (models/governance.c) ---- */

int governance_start(ak_world *w);
int governance_propose(ak_world *w, uint32_t i);
/* After a block: find the proposals it created, schedule their votes and ends. */
int governance_after_block(ak_world *w);
/* A submission failed: forget it. */
void governance_failed(ak_world *w, uint32_t i);
int governance_vote(ak_world *w, uint32_t v, uint32_t handle);
int governance_end(ak_world *w, uint32_t handle);
/* Write the proposals not yet recorded (still in deposit or voting). */
int governance_flush(ak_world *w);

#endif
