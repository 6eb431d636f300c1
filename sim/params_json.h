/*
 * sim/params_json.h: module parameters as JSON (replay.md "Script" `params`, the `params` key
 * of replay output, `changes` of MsgSubmitProposal, and `akashsim params`). Driven by the
 * parameter table of protocol/params.h, so every parameter has one name and one JSON form:
 *
 *   integers   20                              order_max_bids, max_validators, blocks_per_year
 *   Dec        "0.050000000000000000" or 0.05  rates and fractions (numbers read exactly as
 *                                              written, at most 18 decimals)
 *   duration   "1814400s"                      unbonding_time, voting_period, ...
 *   coin       "500000uakt"                    bid_min_deposit
 *   coins      ["500000uakt"]                  min_deposits, gov min_deposit
 *   denom      "uakt"                          bond_denom, mint_denom
 *   bool       true                            burn_vote_veto, ...
 *   take rates { "uakt": 2 }                   denom_take_rates
 *
 *   { "deployment": { "min_deposits": ["500000uakt"] },
 *     "market": { "bid_min_deposit": "500000uakt", "order_max_bids": 20, ... },
 *     "take": { "default_take_rate": 20, "denom_take_rates": { "uakt": 2 } },
 *     "staking": { "unbonding_time": "1814400s", ... }, "slashing": { ... },
 *     "distribution": { ... }, "mint": { ... }, "gov": { ... }, "consensus": { ... } }
 *
 * Input is a partial override: each param given replaces the current value as a whole (a list
 * or the denom_take_rates object is replaced, not merged, as MsgUpdateParams would); params
 * left out keep theirs. A top-level "uncertain" object (what `akashsim params` prints beside
 * the values) is accepted and ignored, so that output can be edited and read back.
 */
#ifndef AK_PARAMS_JSON_H
#define AK_PARAMS_JSON_H

#include "jread.h"
#include "jwrite.h"
#include "msg.h"
#include "params.h"
#include "store.h"

/* Apply the overrides in obj (the "params" object) to *p; denoms are interned in strs. Fails
 * through r (unknown module or param, wrong type, bad coin, too many entries). Does not run the
 * chain's validation: see ak_params_json_validate. */
void ak_params_json_read(jr *r, const cJSON *obj, ak_strtab *strs, ak_params *p);

/* One parameter's value from node, in def's JSON form. */
void ak_params_json_value(jr *r, const cJSON *node, const ak_param_def *def, ak_strtab *strs,
                          ak_param_value *out);

/* One proposal change {"module": m, "param": p, "value": v} (replay.md MsgSubmitProposal
 * `changes`; scenarios' proposals), the value in the param's JSON form, denoms interned in strs.
 * Fails through r at the unknown module or param, or the bad value. */
void ak_params_json_change(jr *r, const cJSON *node, ak_strtab *strs, ak_param_change *out);

/* Validate *p as the chain does (ak_params_validate). On failure, fail through r at the node of
 * the offending param inside obj (or at obj, or the file, when it is not there), with the
 * chain's reason. obj may be NULL. */
void ak_params_json_validate(jr *r, const cJSON *obj, const ak_strtab *strs, const ak_params *p);

/* Write *p as one JSON object value (the caller has written the key, if any). With
 * with_uncertain, add the "uncertain" object: "module.param" -> why its default is uncertain. */
void ak_params_json_write(jw *w, const ak_params *p, const ak_strtab *strs, bool with_uncertain);

/* Write one parameter's value. */
void ak_params_json_write_value(jw *w, const ak_params *p, const ak_param_def *def,
                                const ak_strtab *strs);

#endif
