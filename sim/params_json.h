/*
 * sim/params_json.h: module parameters as JSON (replay.md "Script" `params` and the `params`
 * key of replay output; `akashsim params`). The JSON shape follows the module params of
 * market-rules.md section 2:
 *
 *   { "deployment": { "min_deposits": ["500000uakt"] },
 *     "market": { "bid_min_deposit": "500000uakt", "order_max_bids": 20,
 *                 "bid_min_deposits": ["500000uact", "500000uakt"] },
 *     "take": { "default_take_rate": 20, "denom_take_rates": { "uakt": 2 } } }
 *
 * Input is a partial override: each param given replaces the current value as a whole (a list
 * or the denom_take_rates object is replaced, not merged, as MsgUpdateParams would); params
 * left out keep theirs. The chain-layer modules (staking, slashing, distribution, mint, gov)
 * are recognised but refused unless empty, since that layer does not exist yet.
 */
#ifndef AK_PARAMS_JSON_H
#define AK_PARAMS_JSON_H

#include "jread.h"
#include "jwrite.h"
#include "params.h"
#include "store.h"

/* Apply the overrides in obj (the "params" object) to *p; denoms are interned in strs. Fails
 * through r (unknown module or param, wrong type, bad coin, too many entries). Does not run the
 * chain's validation: see ak_params_json_validate. */
void ak_params_json_read(jr *r, const cJSON *obj, ak_strtab *strs, ak_params *p);

/* Validate *p as the chain does (ak_params_validate). On failure, fail through r at the node of
 * the offending param inside obj (or at obj, or the file, when it is not there), with the
 * chain's reason. obj may be NULL. */
void ak_params_json_validate(jr *r, const cJSON *obj, const ak_strtab *strs, const ak_params *p);

/* Write *p as one JSON object value (the caller has written the key, if any). */
void ak_params_json_write(jw *w, const ak_params *p, const ak_strtab *strs);

#endif
