/*
 * protocol/params.h: every module's parameters, their defaults, their validation, and a table
 * that names each one (market-rules.md section 2; chain-rules.md sections 2.1, 3.1, 4, 5.1,
 * 6.3 and 7).
 *
 * ak_params_default() gives the values a fresh chain starts with: the code defaults of the
 * market modules (deployment, market, take) and, for the chain modules (staking, slashing,
 * distribution, mint, gov, consensus evidence), the Akash mainnet values of chain-rules.md
 * section 7. Where that table rates a value's confidence low, the default is its latest
 * reported value and the table below marks it uncertain (akashsim params prints the marks;
 * docs/deviations.md lists them).
 *
 * ak_params_validate() applies each module's Params.Validate() as the chain does: it is what
 * genesis and a governance parameter change must pass.
 *
 * ak_param_defs[] names every parameter once: module, name, kind and place in ak_params. The
 * JSON reader and writer, `akashsim params` and governance's parameter changes all go through
 * it, so a parameter added here is readable, printable and changeable everywhere.
 */
#ifndef AK_PARAMS_H
#define AK_PARAMS_H

#include <stddef.h>

#include "types.h"

#define AK_PARAMS_MAX_DENOMS 16

/* x/deployment: minimum deposit per denom for MsgCreateDeployment. */
typedef struct ak_deployment_params {
    ak_coin min_deposits[AK_PARAMS_MAX_DENOMS];
    uint32_t n_min_deposits;
} ak_deployment_params;

/* x/market. bid_min_deposits exists in the v1 params but only the burn-mint era reads it. */
typedef struct ak_market_params {
    ak_coin bid_min_deposit;
    uint32_t order_max_bids;
    ak_coin bid_min_deposits[AK_PARAMS_MAX_DENOMS];
    uint32_t n_bid_min_deposits;
} ak_market_params;

/* x/take: percent taken from each provider withdrawal, per denom, else the default. */
typedef struct ak_take_rate {
    ak_denom denom;
    uint32_t rate;
} ak_take_rate;

typedef struct ak_take_params {
    uint32_t default_take_rate;
    ak_take_rate denom_take_rates[AK_PARAMS_MAX_DENOMS];
    uint32_t n_denom_take_rates;
} ak_take_params;

/* x/staking (chain-rules.md 2.1). Durations are seconds. */
typedef struct ak_staking_params {
    int64_t unbonding_time;
    uint32_t max_validators;
    uint32_t max_entries;
    uint32_t historical_entries;
    ak_denom bond_denom;
    ak_dec min_commission_rate;
} ak_staking_params;

/* x/slashing (3.1). */
typedef struct ak_slashing_params {
    int64_t signed_blocks_window;
    ak_dec min_signed_per_window;
    int64_t downtime_jail_duration;
    ak_dec slash_fraction_double_sign;
    ak_dec slash_fraction_downtime;
} ak_slashing_params;

/* x/distribution (4.1). The proposer rewards are kept for the record; SDK 0.53 ignores them. */
typedef struct ak_distribution_params {
    ak_dec community_tax;
    ak_dec base_proposer_reward;
    ak_dec bonus_proposer_reward;
    bool withdraw_addr_enabled;
} ak_distribution_params;

/* x/mint (5.1). */
typedef struct ak_mint_params {
    ak_denom mint_denom;
    ak_dec inflation_rate_change;
    ak_dec inflation_max;
    ak_dec inflation_min;
    ak_dec goal_bonded;
    uint64_t blocks_per_year;
} ak_mint_params;

/* x/gov v1 (6.3). */
typedef struct ak_gov_params {
    ak_coin min_deposit[AK_PARAMS_MAX_DENOMS];
    uint32_t n_min_deposit;
    int64_t max_deposit_period;
    int64_t voting_period;
    ak_dec quorum;
    ak_dec threshold;
    ak_dec veto_threshold;
    ak_dec min_initial_deposit_ratio;
    ak_dec proposal_cancel_ratio;
    int64_t expedited_voting_period;
    ak_dec expedited_threshold;
    ak_coin expedited_min_deposit[AK_PARAMS_MAX_DENOMS];
    uint32_t n_expedited_min_deposit;
    bool burn_vote_quorum;
    bool burn_proposal_deposit_prevote;
    bool burn_vote_veto;
    ak_dec min_deposit_ratio;
} ak_gov_params;

/* CometBFT consensus params the app reads: evidence age (chain-rules.md 1.8). */
typedef struct ak_consensus_params {
    int64_t evidence_max_age_num_blocks;
    int64_t evidence_max_age_duration;
} ak_consensus_params;

typedef struct ak_params {
    ak_deployment_params deployment;
    ak_market_params market;
    ak_take_params take;
    ak_staking_params staking;
    ak_slashing_params slashing;
    ak_distribution_params distribution;
    ak_mint_params mint;
    ak_gov_params gov;
    ak_consensus_params consensus;
} ak_params;

/* Modules in ak_params, in the order above. */
typedef enum ak_param_module {
    AK_PM_DEPLOYMENT,
    AK_PM_MARKET,
    AK_PM_TAKE,
    AK_PM_STAKING,
    AK_PM_SLASHING,
    AK_PM_DISTRIBUTION,
    AK_PM_MINT,
    AK_PM_GOV,
    AK_PM_CONSENSUS,
    AK_PM_COUNT
} ak_param_module;

const char *ak_param_module_name(ak_param_module m); /* "deployment", ... */
bool ak_param_module_from_name(const char *name, ak_param_module *m);

/* What a parameter holds; decides its JSON form (replay.md "Parameter values"). */
typedef enum ak_param_kind {
    AK_PK_U32,        /* uint32_t: a JSON integer */
    AK_PK_I64,        /* int64_t: a JSON integer */
    AK_PK_U64,        /* uint64_t: a JSON integer */
    AK_PK_DEC,        /* ak_dec: a Dec string ("0.050000000000000000") or a number */
    AK_PK_DURATION,   /* int64_t seconds: "<seconds>s" */
    AK_PK_COIN,       /* ak_coin: "500000uakt" */
    AK_PK_COINS,      /* ak_coin[AK_PARAMS_MAX_DENOMS] + uint32_t count: ["500000uakt"] */
    AK_PK_DENOM,      /* ak_denom: "uakt" */
    AK_PK_BOOL,       /* bool: true / false */
    AK_PK_TAKE_RATES  /* ak_take_rate[] + uint32_t count: { "uakt": 2 } */
} ak_param_kind;

typedef struct ak_param_def {
    ak_param_module module;
    const char *name;
    ak_param_kind kind;
    size_t offset;       /* of the value in ak_params */
    size_t count_offset; /* AK_PK_COINS and AK_PK_TAKE_RATES: of the uint32_t count */
    const char *uncertain; /* NULL, or why the default value is uncertain */
} ak_param_def;

/* Every parameter, module by module, in output order. */
extern const ak_param_def ak_param_defs[];
extern const size_t ak_param_ndefs;

/* The definition of module.name, or NULL. */
const ak_param_def *ak_param_find(ak_param_module m, const char *name);

/* A value of any kind, for a governance parameter change. */
typedef struct ak_param_value {
    ak_param_kind kind;
    int64_t i;   /* U32, I64, U64 (as a non-negative int64), DURATION */
    ak_dec dec;  /* DEC */
    bool b;      /* BOOL */
    ak_denom denom; /* DENOM */
    ak_coin coins[AK_PARAMS_MAX_DENOMS]; /* COIN (coins[0]), COINS */
    ak_take_rate rates[AK_PARAMS_MAX_DENOMS];
    uint32_t n; /* COINS, TAKE_RATES */
} ak_param_value;

/* Set one parameter of p. AK_EINVAL if the value's kind is not the parameter's or a U32 is out
 * of range; nothing is validated beyond that (see ak_params_validate). */
int ak_params_set(ak_params *p, const ak_param_def *d, const ak_param_value *v);
/* Address of a parameter's value inside p. */
void *ak_param_ptr(ak_params *p, const ak_param_def *d);
const void *ak_param_cptr(const ak_params *p, const ak_param_def *d);

/* Defaults (see the file comment). Interns the denoms it needs. 0 or AK_ENOMEM. */
int ak_params_default(ak_params *p, ak_strtab *strs);

/* Validate every module's params as the chain does. On failure returns AK_EINVALID_PARAM and
 * writes "<module>.<param>: <reason>" into msg (cap bytes). */
int ak_params_validate(const ak_params *p, const ak_strtab *strs, char *msg, size_t cap);
/* The same for one module (MsgUpdateParams.ValidateBasic of that module). */
int ak_params_validate_module(const ak_params *p, ak_param_module m, const ak_strtab *strs,
                              char *msg, size_t cap);

/* Take rate in percent for a denom: the first matching denom entry, else the default. */
uint32_t ak_params_take_rate(const ak_take_params *t, ak_denom denom);

#endif
