/*
 * protocol/app.h: the Akash application as a deterministic state machine (DESIGN.md "The
 * house"; market-rules.md sections 1 to 5; replay.md).
 *
 * Exactly the interface a Cosmos app has: genesis, then per block ak_app_begin_block(), any
 * number of ak_app_deliver() (one message per transaction), ak_app_end_block(). Every state
 * change enters through those calls. A message that fails changes nothing: each delivery runs
 * inside a journaled transaction (store.h) that is rolled back on failure.
 *
 * The app does no I/O, draws no random numbers, reads no clock and keeps no global state; many
 * apps can run in one process on many threads. Rules: akash-v1 (node v1.2.2 plus the v2.1 fix
 * that closes open orders when their group closes); docs/deviations.md lists every departure.
 */
#ifndef AK_APP_H
#define AK_APP_H

#include <stddef.h>

#include "audit.h"
#include "bank.h"
#include "consensus.h"
#include "deployment.h"
#include "distribution.h"
#include "escrow.h"
#include "gov.h"
#include "grants.h"
#include "market.h"
#include "mint.h"
#include "msg.h"
#include "params.h"
#include "provider.h"
#include "slashing.h"
#include "staking.h"
#include "types.h"

typedef struct ak_app ak_app;

/* One entry of a block's LastCommit: a validator of the previous height's set, its power
 * then, and whether its precommit was included (AK_FLAG_COMMIT, AK_FLAG_NIL) or not
 * (AK_FLAG_ABSENT), chain-rules.md section 1.7. */
typedef struct ak_vote_info {
    ak_addr addr;
    int64_t power;
    uint8_t flag;
} ak_vote_info;

typedef enum ak_rules { AK_RULES_V1 = 1 } ak_rules;

/* The outcome of one delivered message. */
typedef struct ak_tx_result {
    int code;           /* 0, or the AK_E* status: ak_err_name(code) is the chain's name */
    char detail[192];   /* what failed, in the chain's words where it has them; "" when ok */
} ak_tx_result;

/* Chain events of the current block, in emission order. Models subscribe to these (a provider
 * hears of new orders as a provider daemon does); replay narrates them. */
typedef enum ak_event_type {
    AK_EV_DEPLOYMENT_CREATED,
    AK_EV_DEPLOYMENT_UPDATED,
    AK_EV_DEPLOYMENT_CLOSED,
    AK_EV_GROUP_CLOSED,
    AK_EV_GROUP_PAUSED,
    AK_EV_GROUP_STARTED,
    AK_EV_ORDER_CREATED,
    AK_EV_ORDER_CLOSED,
    AK_EV_BID_CREATED,
    AK_EV_BID_CLOSED,
    AK_EV_BID_LOST,
    AK_EV_LEASE_CREATED,
    AK_EV_LEASE_CLOSED,
    AK_EV_PROVIDER_CREATED,
    AK_EV_PROVIDER_UPDATED,
    /* escrow movements (bank transfer events on chain) */
    AK_EV_ESCROW_DEPOSIT,  /* amount into an account from `who` */
    AK_EV_ESCROW_WITHDRAW, /* a payment paid `amount` to its provider and `fee` to the pool */
    AK_EV_ESCROW_REFUND,   /* `amount` of an account returned to depositor `who` */
    AK_EV_ESCROW_OVERDRAWN, /* an account ran dry; `amount` is the new debt */
    AK_EV_COUNT
} ak_event_type;

typedef struct ak_event {
    ak_event_type type;
    ak_height height;
    uint32_t object; /* handle of the deployment, group, order, bid or escrow account/payment */
    ak_bid_id id;    /* the object's id, fields beyond its kind are zero */
    ak_addr who;
    ak_denom denom;
    ak_amount amount;
    ak_amount fee;
    uint32_t state;  /* the new state, where one changed; for escrow events the account's
                        scope (AK_SCOPE_DEPLOYMENT or AK_SCOPE_BID) */
    uint32_t reason; /* lease close reason */
} ak_event;

const char *ak_event_name(ak_event_type t); /* "EventLeaseCreated", ... */

/* Create an app with the code-default params at height 0 (before genesis). *out receives it.
 * 0 or AK_ENOMEM. */
int ak_app_create(ak_rules rules, ak_app **out);
/* Free everything. ak_app_destroy(NULL) is a no-op. */
void ak_app_destroy(ak_app *app);

/* Names, denoms and attribute strings are interned in the app's table (store.h). */
ak_strtab *ak_app_strs(ak_app *app);
const ak_strtab *ak_app_strs_c(const ak_app *app);
/* Intern a NUL-terminated string. 0 or AK_ENOMEM. */
int ak_app_intern(ak_app *app, const char *s, ak_str *out);
/* The string of an interned id. */
const char *ak_app_str(const ak_app *app, ak_str id);

/* ---- genesis (before the first block) ---- */

/* Replace the params. They are validated as the chain validates params at genesis:
 * AK_EINVALID_PARAM with "<module>.<param>: reason" in why. */
int ak_app_set_params(ak_app *app, const ak_params *p, char *why, size_t cap);
/* Credit a genesis balance (adds to the supply). */
int ak_app_genesis_balance(ak_app *app, ak_addr addr, ak_coin coin);
/* Register a provider at genesis, validated as MsgCreateProvider. */
int ak_app_genesis_provider(ak_app *app, ak_addr owner, ak_str host_uri, ak_attrs attrs,
                            ak_str email, ak_str website, ak_tx_result *res);
/* Genesis time and block interval: header time of height h is time + (h - 1) * block_time_s
 * unless a block gives its own time (ak_block_info). */
void ak_app_set_clock(ak_app *app, ak_unix genesis_time, int64_t block_time_s);

/* The chain layer (consensus, staking, slashing, distribution, mint, gov) runs when genesis
 * has at least one validator. Without one, blocks carry the marketplace alone: nothing is
 * minted or distributed, and chain messages fail with ErrInvalidRequest. */

/* A genesis validator bonded from height 1 (if it ranks within max_validators): its self-bond
 * `tokens` is created for it; commission rates as MsgCreateValidator checks them. */
int ak_app_genesis_validator(ak_app *app, ak_addr name, ak_amount tokens, ak_dec rate,
                             ak_dec max_rate, ak_dec max_change_rate,
                             ak_amount min_self_delegation, ak_tx_result *res);
/* A genesis delegation: `amount` is created and bonded to the validator. */
int ak_app_genesis_delegation(ak_app *app, ak_addr delegator, ak_addr validator,
                              ak_amount amount, ak_tx_result *res);
/* The minter's inflation before block 1 (default 0.13). */
void ak_app_set_inflation(ak_app *app, ak_dec inflation);
/* End genesis: bond the genesis validators (the staking set update) and start consensus with
 * them. Called by the first ak_app_begin_block if not before. */
int ak_app_genesis_finish(ak_app *app);
/* True when the chain layer runs (genesis had validators). */
bool ak_app_chain_active(const ak_app *app);

/* ---- blocks ---- */

/* What a block brings besides its transactions. */
typedef struct ak_block_info {
    ak_unix time;                 /* header time; 0: from the clock (ak_app_set_clock) */
    const ak_addr *absent;        /* validators whose precommit for h - 1 is absent */
    uint32_t nabsent;
    const ak_evidence *evidence;  /* double-sign evidence to process in this block */
    uint32_t nevidence;
} ak_block_info;

/* Begin block at height h (h = previous height + 1), every validator of the LastCommit signing.
 * Clears the block's events. */
int ak_app_begin_block(ak_app *app, ak_height h);
/* Begin block with its LastCommit absences and evidence (chain-rules.md 1.7, 1.8; replay.md
 * `absent`, `liveness`, `double_sign`). Order of BeginBlock (akash-v1, 0.3): mint,
 * distribution, slashing, evidence. */
int ak_app_begin_block_with(ak_app *app, ak_height h, const ak_block_info *info);
/* Evidence that validator `addr` signed twice at the last committed height (call it between
 * ak_app_end_block and the next begin block), as CometBFT puts it into the next block: that
 * height, its time, the validator's power and the total power then. AK_EINVAL when addr was not
 * in that height's set. */
int ak_app_evidence_previous(const ak_app *app, ak_addr addr, ak_evidence *out);
/* Deliver one message. Returns res->code. A failure leaves the state as it was; AK_ENOMEM
 * there means the app could not be restored and refuses further work (AK_EBROKEN). */
int ak_app_deliver(ak_app *app, const ak_msg *m, ak_tx_result *res);
/* End the block. */
int ak_app_end_block(ak_app *app);

ak_height ak_app_height(const ak_app *app);
/* The proposer of the current height (round 0); AK_ADDR_NONE without the chain layer. */
ak_addr ak_app_proposer(const ak_app *app);
/* CometBFT's validator sets, for the engine's block production model. */
const ak_consensus *ak_app_consensus(const ak_app *app);
/* The current block's LastCommit. */
const ak_vote_info *ak_app_last_commit(const ak_app *app, uint32_t *n);
ak_unix ak_app_time(const ak_app *app);
ak_rules ak_app_rules(const ak_app *app);

/* Distribution accrues block rewards lazily while nothing but blocks happens (a block adds
 * what the previous one added, so it only counts itself); every message, hook, query,
 * ak_app_check and ak_app_digest applies the accrued amounts first. Code that reads module
 * state directly (the records behind ak_app_distribution) must call this first. 0 or
 * AK_EOVERFLOW. */
int ak_app_sync(ak_app *app);

/* Events emitted since the current block began. */
const ak_event *ak_app_events(const ak_app *app, size_t *n);

/* ---- invariants (DESIGN.md convention 9) ---- */

/* Check every invariant of every module: tokens conserved (balances sum to supply), the escrow
 * module's balance equals the escrow bookkeeping, the distribution module holds the community
 * pool, escrow accounts and payments consistent with their deployments, orders, bids and leases,
 * no active lease without an open payment. Costs time proportional to the whole state: for
 * tests and --check runs. 0, or AK_EINVARIANT with the first violation in err. */
int ak_app_check(const ak_app *app, char *err, size_t cap);

/* ---- queries: read-only views of module state ---- */

const ak_params *ak_app_params(const ak_app *app);
const ak_bank *ak_app_bank(const ak_app *app);
const ak_providers *ak_app_providers(const ak_app *app);
const ak_audit *ak_app_audit(const ak_app *app);
const ak_grants *ak_app_grants(const ak_app *app);
const ak_deployments *ak_app_deployments(const ak_app *app);
const ak_market *ak_app_market(const ak_app *app);
const ak_escrow *ak_app_escrow(const ak_app *app);
const ak_staking *ak_app_staking(const ak_app *app);
const ak_distribution *ak_app_distribution(const ak_app *app);
const ak_slashing *ak_app_slashing(const ak_app *app);
const ak_minter *ak_app_minter(const ak_app *app);
const ak_gov *ak_app_gov(const ak_app *app);
/* A delegation's rewards so far (what MsgWithdrawDelegatorReward would pay, before truncation). */
int ak_app_pending_rewards(ak_app *app, ak_addr delegator, ak_addr validator, ak_dec *out);
/* The distribution module's community pool in one denom (0 if none). */
ak_dec ak_app_community_pool(const ak_app *app, ak_denom denom);
/* Denoms with a community pool entry, in first-seen order; returns the count. */
uint32_t ak_app_community_pool_denoms(const ak_app *app, ak_denom *out, uint32_t cap);

/* Lookups by id; NULL when absent. */
const ak_deployment *ak_app_find_deployment(const ak_app *app, ak_deployment_id id);
const ak_group *ak_app_find_group(const ak_app *app, ak_group_id id);
const ak_order *ak_app_find_order(const ak_app *app, ak_order_id id);
const ak_bid *ak_app_find_bid(const ak_app *app, ak_bid_id id);

/* A digest of the whole state (balances, params, every record of every module, byte for
 * byte), for tests that prove a failed message changed nothing. Records hold addresses of the
 * app's arena, so digests compare states of one app over time, not two apps. */
uint64_t ak_app_digest(const ak_app *app);

#endif
