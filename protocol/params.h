/*
 * protocol/params.h: module parameters of the marketplace, their code defaults and their
 * validation (market-rules.md section 2; chain-sdk go/v0.1.9 deployment/v1beta4, market/v1beta5
 * and take/v1 params.go, the version node v1.2.2 pins).
 *
 * ak_params_default() gives the defaults a fresh chain starts with; ak_params_validate() applies
 * each module's Params.Validate() exactly: it is what genesis and a governance parameter change
 * must pass. Lists have fixed capacities (AK_PARAMS_MAX_DENOMS); a longer list is refused with a
 * message, never truncated.
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

typedef struct ak_params {
    ak_deployment_params deployment;
    ak_market_params market;
    ak_take_params take;
} ak_params;

/* Code defaults: min_deposits [500000uakt]; bid_min_deposit 500000uakt; order_max_bids 20;
 * bid_min_deposits [500000uact, 500000uakt]; take default 20, [uakt: 2].
 * Interns the denoms it needs. 0 or AK_ENOMEM. */
int ak_params_default(ak_params *p, ak_strtab *strs);

/* Validate every module's params as the chain does. On failure returns AK_EINVALID_PARAM and
 * writes "<module>.<param>: <reason>" into msg (cap bytes). */
int ak_params_validate(const ak_params *p, const ak_strtab *strs, char *msg, size_t cap);

/* Take rate in percent for a denom: the first matching denom entry, else the default. */
uint32_t ak_params_take_rate(const ak_take_params *t, ak_denom denom);

#endif
