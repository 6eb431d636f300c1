/*
 * sim/scenario.h: a simulation scenario, read from JSON, overridden from the command line and
 * validated key by key (docs/scenarios.md is the reference a user reads; DESIGN.md "One run").
 *
 * Loading reads the file (jread.h: UTF-8, size, JSON syntax), applies `--set path=value`
 * overrides to the tree, then reads every key into this struct: unknown keys fail with a "did
 * you mean" suggestion, values are checked for type and range, and settings that contradict
 * each other (a sampling interval longer than the run, a fleet whose GPU model no workload can
 * use is fine, but a workload asking for a GPU model no fleet has is an error) fail too. Every
 * error is one line naming the file and the JSON path. The module params overrides are read and
 * validated as the chain validates them (params_json.h) against a scratch string table; the run
 * applies them again to its own app.
 *
 * After loading the scenario is read-only. It owns its cJSON tree (descriptions and names point
 * into it) and is freed with ak_scenario_free.
 */
#ifndef AK_SIM_SCENARIO_H
#define AK_SIM_SCENARIO_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

#include "app.h"
#include "consensus.h"
#include "dist.h"
#include "akt_price.h"
#include "choice.h"
#include "demand.h"
#include "pricing.h"
#include "strategy.h"
#include "vote.h"

#define AK_SC_MAX_FLEETS 64
#define AK_SC_MAX_WORKLOADS 32
#define AK_SC_MAX_REGIONS 16
#define AK_SC_MAX_SETS 64           /* --set overrides per command */
#define AK_SC_MAX_FILE (16u << 20)  /* bytes of a scenario file */
#define AK_SC_MAX_PROVIDERS 1000000 /* providers in all fleets */
#define AK_SC_MAX_TENANTS 10000000
#define AK_SC_MAX_VALIDATORS 1000
#define AK_SC_MAX_DAYS 36500.0      /* 100 years */
#define AK_SC_MAX_OUTAGES 64        /* scheduled correlated outages */
#define AK_SC_MAX_PROPOSALS 32      /* scheduled governance proposals */
#define AK_SC_MAX_CHANGES 16        /* param changes per proposal */
#define AK_SC_MAX_DELEGATORS 1000000
#define AK_SC_MAX_AUDITORS 8
#define AK_SC_MAX_ATTRS 8           /* extra attributes of a fleet, requirements of a workload */

/* A provider attribute or a placement requirement: key = value. */
typedef struct ak_sc_attr {
    const char *key, *value;
} ak_sc_attr;

/* USD per month per resource unit: a provider's price targets or a tenant's budget. */
typedef struct ak_sc_usd {
    double cpu;      /* per CPU thread (1000 millicpu) */
    double memory;   /* per GiB */
    double storage;  /* per GiB of ephemeral storage */
    double gpu;      /* per GPU */
    double endpoint; /* per endpoint */
} ak_sc_usd;

/* A fleet of providers with capacities drawn per provider (genesis.providers[i]). */
typedef struct ak_sc_fleet {
    const char *name;       /* provider names are <name>-<n>, n from 1 */
    uint32_t count;
    ak_dist cpu_cores, memory_gib, storage_gib, gpus;
    const char *gpu_model;  /* "" when the fleet has no GPUs */
    const char *regions[AK_SC_MAX_REGIONS];
    uint32_t nregions;      /* each provider takes one region, in turn */
    int64_t balance_uakt;   /* genesis balance: bid deposits and nothing else (no fees) */
    ak_sc_usd prices;       /* the price script's targets */
    bool has_cost;
    ak_sc_usd cost;         /* cost basis, USD per resource per month (cost_usd) */
    ak_sc_pricing pricing;  /* how its providers price bids */
    bool entry_exit;        /* providers enter when the fleet profits and leave on losses */
    double review_days;     /* how often income is weighed against cost */
    uint32_t exit_after;    /* losing reviews in a row before a provider leaves */
    double enter_above;     /* fleet income / cost at or above which providers enter */
    double entry_rate;      /* entrants per review, as a share of the active providers */
    double lag_days;        /* from the decision to enter to the provider's first bid */
    uint32_t max_entrants;  /* providers that can ever enter (slots made at genesis) */
    ak_sc_attr attrs[AK_SC_MAX_ATTRS]; /* more provider attributes (attributes) */
    uint32_t nattrs;
    uint32_t audited_by[AK_SC_MAX_AUDITORS]; /* auditors (indexes) that sign its attributes */
    uint32_t naudited_by;
    bool fails;             /* reliability given: providers fail and get repaired */
    ak_dist ttf_days;       /* time to failure, from the start or the last repair */
    ak_dist ttr_hours;      /* time to repair */
} ak_sc_fleet;

/* A scheduled correlated outage (agents.providers.outages[i]): at at_day, every provider
 * matching region and fleet (each optional) goes down with probability share, for hours. */
typedef struct ak_sc_outage {
    double at_day, hours, share;
    const char *region;     /* NULL: any */
    const char *fleet;      /* NULL: any */
} ak_sc_outage;

/* A scheduled correlated validator outage (agents.validators.outages[i]): at at_day,
 * validators taken in a random order until their voting power reaches power_share of the set's
 * go offline for hours. */
typedef struct ak_sc_val_outage {
    double at_day, hours, power_share;
} ak_sc_val_outage;

/* A governance proposal the scenario schedules (agents.governance.proposals[i]): submitted by
 * the `holders` account at at_day with the whole deposit, so it enters voting at once. */
typedef struct ak_sc_proposal {
    double at_day;
    const char *title, *summary;
    const cJSON *changes;   /* the list of {"module", "param", "value"}, read again at run time */
    uint32_t nchanges;
    int64_t deposit_uakt;
    bool expedited;
} ak_sc_proposal;

/* How validators set their commission (agents.validators.commission). */
typedef enum { AK_SC_COMM_FIXED = 0, AK_SC_COMM_COMPETITIVE, AK_SC_COMM_GREEDY } ak_sc_commission;

/* What a tenant does once it notices its provider is down (agents.tenants.on_provider_failure). */
typedef enum { AK_SC_FAIL_STAY = 0, AK_SC_FAIL_LEAVE, AK_SC_FAIL_REDEPLOY } ak_sc_fail_action;

/* A kind of workload tenants deploy (agents.tenants.workloads[i]). */
typedef struct ak_sc_workload {
    const char *kind;
    double weight;
    ak_dist units, cpu_millis, memory_mib, storage_mib, gpus; /* per unit; units = count */
    const char *gpu_model;  /* "" for CPU workloads */
    ak_dist lifetime_days;
    ak_sc_usd budget;       /* the order's price cap, per month */
    ak_dist budget_factor;  /* multiplies the budget per order */
    ak_sc_attr requires[AK_SC_MAX_ATTRS]; /* placement requirements (attributes) */
    uint32_t nrequires;
    uint32_t signed_by[AK_SC_MAX_AUDITORS]; /* auditors who must all have signed them */
    uint32_t nsigned_by;
} ak_sc_workload;

typedef struct ak_scenario {
    cJSON *root;            /* the tree as run (after --set); owned */
    char *file;             /* as the user named it; owned */
    const char *name, *description;
    ak_rules rules;
    double duration_days;
    int64_t duration_us;
    uint64_t seed;
    int64_t sample_us;
    double akt_usd;         /* the AKT price at genesis */
    ak_price_spec akt_price; /* how it moves (akt_usd: a number or a process); owned */
    ak_timeouts timeouts;
    int32_t max_rounds;

    /* genesis */
    ak_unix genesis_time;
    const cJSON *params;    /* module params overrides, or NULL */
    bool has_inflation;
    ak_dec inflation;
    int64_t holders_uakt;   /* supply held by accounts the run does not model ("holders") */
    int64_t holders_uusdc;  /* USDC they hold, for tenants paying in USDC */
    const char *auditors[AK_SC_MAX_AUDITORS];
    uint32_t nauditors;
    uint32_t nvalidators;
    ak_dist validator_stake_akt;
    ak_dec commission, max_commission, max_change;
    ak_sc_fleet fleets[AK_SC_MAX_FLEETS];
    uint32_t nfleets;
    uint32_t nproviders;    /* sum of fleet counts */
    uint32_t nentrants;     /* sum of fleet max_entrants */

    /* agents */
    uint32_t ntenants;
    ak_dist tenant_balance_akt;
    double arrivals_per_day;
    ak_demand demand;       /* the multiplier of arrivals_per_day over time; owned */
    double usdc_share;      /* share of deployments paying in uusdc (the rest in uakt) */
    bool price_response;    /* arrivals and budgets respond to the going price */
    double ref_cpu_month_usd, arrival_elasticity, budget_elasticity;
    int64_t bid_window_us;
    double deposit_days;
    bool top_up;
    double top_up_below_days, top_up_days;
    ak_sc_workload workloads[AK_SC_MAX_WORKLOADS];
    uint32_t nworkloads;
    const ak_choice_policy *choice;
    double choice_penalty;  /* reputation: the score's weight per failure known */
    bool choice_shared;     /* reputation: every tenant knows every failure noticed */
    ak_dist detect_hours;   /* from a provider's failure to a tenant noticing it */
    ak_sc_fail_action on_failure;
    ak_sc_outage outages[AK_SC_MAX_OUTAGES];
    uint32_t noutages;
    bool any_failures;      /* some fleet fails or some outage is scheduled */
    int64_t bid_timeout_us, withdrawal_period_us, monitor_interval_us, reaction_us;
    uint32_t max_bids_per_order;
    bool validators_online;
    bool val_fails;         /* validators fail and get repaired */
    ak_dist val_ttf_days, val_ttr_hours;
    ak_sc_val_outage val_outages[AK_SC_MAX_OUTAGES];
    uint32_t nval_outages;
    double double_sign_per_year; /* per validator: a Poisson rate of double signing */
    bool val_unjail;        /* a jailed validator sends MsgUnjail once up and allowed */
    ak_sc_commission commission_policy;
    double commission_review_days, commission_undercut;
    /* delegators (agents.delegators) */
    uint32_t ndelegators;
    ak_dist delegator_stake_akt;
    double delegator_alpha;        /* P(validator of rank i) ~ i^-alpha */
    double target_apr, apr_band;   /* unbond below target - band, restake at or above target */
    double delegator_review_days, unbond_share;
    bool restake, switch_validator;
    double switch_gap;             /* redelegate when the validator's commission exceeds the
                                      set's median by this much */
    bool delegators_vote;
    ak_voter delegator_voter;
    ak_sc_proposal proposals[AK_SC_MAX_PROPOSALS];
    uint32_t nproposals;
    ak_voter validator_voter;
    bool has_vote_delay;    /* else uniform over the first 90 % of the voting period */
    ak_dist vote_delay_days;
} ak_scenario;

/* Load and validate the scenario at path with overrides sets[0..nsets) ("path=value"; NULL when
 * nsets is 0). seed_override >= 0 replaces the seed. 0 with *out set, or AK_EINVAL (the file
 * is missing, unreadable or invalid; an override is malformed) or AK_ENOMEM, with one line in
 * why (cap bytes): "scenarios/x.json: $.agents.tenants.arrivals_per_dya: unknown key (did you
 * mean \"arrivals_per_day\"?)". */
int ak_scenario_load(const char *path, const char *const *sets, uint32_t nsets,
                     int64_t seed_override, ak_scenario **out, char *why, size_t cap);
/* The same from a text in memory named `name`. */
int ak_scenario_load_text(const char *name, const char *text, size_t len, const char *const *sets,
                          uint32_t nsets, int64_t seed_override, ak_scenario **out, char *why,
                          size_t cap);
/* Free. ak_scenario_free(NULL) is a no-op. */
void ak_scenario_free(ak_scenario *s);

/* Whether fleet f can serve workload k: its providers have each required attribute (a
 * required region: one of the fleet's regions, which each provider then checks for itself)
 * and every auditor of the workload's signed_by signs the fleet's attributes. */
bool ak_sc_fleet_serves(const ak_scenario *s, uint32_t f, uint32_t k);

/* The scenario as run, as compact JSON (malloc'd; NULL when out of memory). */
char *ak_scenario_json(const ak_scenario *s);

#endif
