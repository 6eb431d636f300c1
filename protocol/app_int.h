/*
 * protocol/app_int.h: the layout of the app, shared by the files of the protocol that act as the
 * chain's keepers (app.c: handlers and hooks; escrow.c: the escrow keeper). Not for use outside
 * protocol/: models and the engine go through app.h.
 */
#ifndef AK_APP_INT_H
#define AK_APP_INT_H

#include "app.h"
#include "consensus.h"
#include "distribution.h"
#include "gov.h"
#include "mint.h"
#include "slashing.h"
#include "spec.h"
#include "staking.h"
#include "store.h"

/* One entry of the distribution module's community pool (FeePool.CommunityPool). */
typedef struct ak_pool_entry {
    ak_denom denom;
    ak_dec amount;
} ak_pool_entry;

/* A depositor found by AuthorizeDeposits, not yet in escrow. */
typedef struct ak_depositor {
    ak_addr owner;
    uint32_t source;
    ak_amount amount;
} ak_depositor;

struct ak_app {
    ak_rules rules;
    ak_store store;
    ak_strtab strs;
    ak_arena arena;
    int broken; /* AK_ENOMEM once a rollback could not be completed */

    ak_height height;
    ak_unix genesis_time;
    int64_t block_time_s;

    ak_params params;
    ak_bank bank;
    ak_providers providers;
    ak_audit audit;
    ak_grants grants;
    ak_deployments deployments;
    ak_market market;
    ak_escrow escrow;
    ak_pool community_pool; /* ak_pool_entry */
    ak_map community_pool_index; /* denom -> entry */

    /* events of the current block; a failed transaction's events are dropped */
    ak_event *events;
    size_t nevents, cap_events;

    /* scratch for AuthorizeDeposits (not state) */
    ak_depositor *depositors;
    uint32_t cap_depositors;

    ak_denom uakt; /* interned "uakt" */

    /* the chain layer */
    ak_staking staking;
    ak_distribution distribution;
    ak_slashing slashing;
    ak_minter minter;
    ak_gov gov;
    ak_consensus consensus; /* CometBFT's validator sets (not app state: never journaled) */
    bool chain_started;     /* genesis validators are set (ak_app_genesis_finish ran) */
    ak_vote_info *votes;    /* this block's LastCommit */
    uint32_t nvotes, cap_votes;
    /* votes_epoch advances whenever votes are rebuilt; while it stays, votes are those of the
     * block before, so BeginBlock modules that checked them then need not compare again. Code
     * that edits or replaces votes (white-box tests) calls ak_app_votes_changed. */
    uint64_t votes_epoch;
    uint64_t votes_gen;     /* gen of the set they were built from (0: none) */
    bool votes_absent;      /* some entry is absent */
    ak_unix time;           /* this block's header time */
    ak_addr proposer;       /* this block's proposer */
    ak_valupdate *updates;  /* scratch: EndBlock's validator updates */
    uint32_t cap_updates;
};

/* Say that app->votes were edited or replaced outside build_last_commit: the next checks
 * compare them again and the next block rebuilds them. */
static inline void ak_app_votes_changed(ak_app *app)
{
    app->votes_epoch++;
    app->votes_gen = 0;
}

/* FeePool.CommunityPool.Add: amount added to the community pool's entry of denom, created
 * (even for a zero amount) when missing. AK_ENOMEM, AK_EOVERFLOW. */
int ak_app_community_pool_add(ak_app *app, ak_denom denom, ak_dec amount);

/* The failure text of a transaction result (res->detail), printf style; nothing when res is
 * NULL. Handlers set it next to the error code they return. */
void ak_tx_fail(ak_tx_result *res, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Append an event (drops it silently only when out of memory: events are not state). */
void ak_app_emit(ak_app *app, const ak_event *ev);

/* ---- the escrow keeper (escrow.c) ---- */

/* AuthorizeDeposits: find depositors for `deposit` signed by `signer` for an account of scope
 * `scope`, walking the sources in order (balance, grants by granter order). Spends the grants
 * it uses. On success app->depositors[0..*n) hold them. Errors: AK_EINVALID_DEPOSIT
 * ("insufficient balance"), AK_EUNAUTHORIZED_DEPOSIT_SCOPE (the shortfall could have been met
 * by grants of the wrong scope: see docs/deviations.md). */
int ak_escrow_authorize(ak_app *app, ak_addr signer, uint32_t scope, const ak_deposit *deposit,
                        uint32_t *n, ak_tx_result *res);
/* AccountCreate with the depositors from ak_escrow_authorize, all in `denom`. Without
 * depositors the account has no funds entry at all (denom 0), as upstream. */
int ak_escrow_account_create(ak_app *app, const ak_escrow_id *id, ak_addr owner, ak_denom denom,
                             const ak_depositor *deps, uint32_t n, uint32_t *handle);
/* AccountDeposit (section 3.6) of depositors in `denom`. */
int ak_escrow_account_deposit(ak_app *app, uint32_t account, ak_denom denom,
                              const ak_depositor *deps, uint32_t n);
/* AccountClose (section 3.5). */
int ak_escrow_account_close(ak_app *app, uint32_t account);
/* PaymentCreate: settle, then a new open payment at `rate`. */
int ak_escrow_payment_create(ak_app *app, uint32_t account, const ak_bid_id *id, ak_addr owner,
                             ak_deccoin rate, uint32_t *handle);
/* PaymentWithdraw (section 3.4). */
int ak_escrow_payment_withdraw(ak_app *app, uint32_t payment);
/* PaymentClose (section 3.5). */
int ak_escrow_payment_close(ak_app *app, uint32_t payment);
/* Invariants of the escrow module against the bank (see ak_app_check). */
int ak_escrow_check(const ak_app *app, char *err, size_t cap);

static inline ak_escrow_account *ak_escrow_acct(const ak_app *app, uint32_t h)
{
    return ak_pool_at(&app->escrow.accounts, h);
}
static inline ak_escrow_payment *ak_escrow_pay(const ak_app *app, uint32_t h)
{
    return ak_pool_at(&app->escrow.payments, h);
}

/* ---- the staking keeper (staking.c) ---- */

static inline ak_validator *ak_val(const ak_app *app, uint32_t h)
{
    return ak_pool_at(&app->staking.vals, h);
}
static inline ak_delegation *ak_del(const ak_app *app, uint32_t h)
{
    return ak_pool_at(&app->staking.dels, h);
}
/* The live validator of an operator address, or AK_POOL_NONE. */
uint32_t ak_staking_find_val(const ak_app *app, ak_addr addr);
/* The delegation of delegator to validator val (shares may be zero: none), or AK_POOL_NONE. */
uint32_t ak_staking_find_del(const ak_app *app, ak_addr delegator, uint32_t val);
/* Validator power: floor(tokens / 10^6) (chain-rules.md 2.3). */
int64_t ak_staking_power(const ak_validator *v);
/* TokensFromShares (rounded Quo) and its truncated variant. */
int ak_staking_tokens_from_shares(const ak_validator *v, ak_dec shares, ak_dec *out);
int ak_staking_tokens_from_shares_trunc(const ak_validator *v, ak_dec shares, ak_dec *out);
/* Slash (chain-rules.md 2.6); power at the infraction height. */
int ak_staking_slash(ak_app *app, uint32_t val, ak_height infraction_height, int64_t power,
                     ak_dec fraction);
/* Jail / unjail: drop from (return to) the power index; the set changes at EndBlock. */
int ak_staking_jail(ak_app *app, uint32_t val);
int ak_staking_unjail(ak_app *app, uint32_t val);
/* Validators that count in a gov tally: bonded, not jailed, the first max_validators of the
 * power order. Writes handles into out (cap entries); returns the count. */
uint32_t ak_staking_bonded_by_power(ak_app *app, uint32_t *out, uint32_t cap);
/* Tokens in the bonded pool (TotalBondedTokens). */
ak_amount ak_staking_bonded_tokens(const ak_app *app);
/* Staking EndBlock: set update, mature validators, unbondings and redelegations. Writes the
 * validator updates for consensus into app->updates. */
int ak_staking_end_block(ak_app *app, uint32_t *nupdates);
/* The staking messages. */
int ak_staking_deliver(ak_app *app, const ak_msg *m, ak_tx_result *res);
/* Genesis: a validator with its self-bond (minted), a delegation (minted and bonded to it). */
int ak_staking_genesis_validator(ak_app *app, ak_addr addr, ak_amount tokens, ak_dec rate,
                                 ak_dec max_rate, ak_dec max_change, ak_amount min_self_delegation);
int ak_staking_genesis_delegation(ak_app *app, ak_addr delegator, ak_addr validator,
                                  ak_amount amount);
void ak_staking_init(ak_staking *st, ak_store *store);
void ak_staking_fini(ak_staking *st);
int ak_staking_check(const ak_app *app, char *err, size_t cap);

/* ---- the distribution keeper (distribution.c); hooks called by staking ---- */

void ak_distribution_init(ak_distribution *d, ak_store *store);
void ak_distribution_fini(ak_distribution *d);

int ak_dist_after_validator_created(ak_app *app, uint32_t val);
int ak_dist_before_delegation_created(ak_app *app, uint32_t val);
int ak_dist_before_delegation_shares_modified(ak_app *app, uint32_t del);
int ak_dist_after_delegation_modified(ak_app *app, uint32_t del);
int ak_dist_before_validator_slashed(ak_app *app, uint32_t val, ak_dec fraction);
int ak_dist_after_validator_removed(ak_app *app, uint32_t val);
/* BeginBlock allocation of the fee collector to the LastCommit (section 4.1). */
int ak_dist_begin_block(ak_app *app);
/* Apply the rewards accrued lazily in steady state (ak_dist_cache.pending) to the validator
 * records. Journaled inside a transaction. 0 or AK_EOVERFLOW. */
int ak_dist_sync(ak_app *app);
int ak_dist_deliver(ak_app *app, const ak_msg *m, ak_tx_result *res);
int ak_dist_check(const ak_app *app, char *err, size_t cap);
/* Rewards a delegation has earned so far (without withdrawing), in uakt. */
int ak_dist_pending_rewards(ak_app *app, uint32_t del, ak_dec *out);

/* ---- the slashing and evidence keeper (slashing.c) ---- */

void ak_slashing_init(ak_slashing *s, ak_store *store);
void ak_slashing_fini(ak_slashing *s);

int ak_slashing_after_validator_bonded(ak_app *app, uint32_t val);
int ak_slashing_begin_block(ak_app *app);
/* Apply the blocks counted lazily in steady state (ak_slashing.pending) to the signing infos.
 * Journaled inside a transaction. 0 or AK_EOVERFLOW. */
int ak_slashing_sync(ak_app *app);
int ak_evidence_begin_block(ak_app *app, const ak_evidence *ev, uint32_t n);
int ak_slashing_deliver(ak_app *app, const ak_msg *m, ak_tx_result *res);
const ak_signing_info *ak_slashing_info(const ak_app *app, ak_addr addr);

/* ---- mint (mint.c) ---- */

int ak_mint_begin_block(ak_app *app);

/* ---- gov (gov.c) ---- */

void ak_gov_init(ak_gov *g, ak_store *store);
void ak_gov_fini(ak_gov *g);

int ak_gov_end_block(ak_app *app);
int ak_gov_deliver(ak_app *app, const ak_msg *m, ak_tx_result *res);
int ak_gov_check(const ak_app *app, char *err, size_t cap);

/* The account-closed hook (market-rules.md section 1.4), called by the escrow keeper whenever
 * it saves an account in state closed or overdrawn, after the refunds. */
int ak_app_on_account_closed(ak_app *app, uint32_t account);

#endif
