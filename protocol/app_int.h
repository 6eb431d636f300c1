/*
 * protocol/app_int.h: the layout of the app, shared by the files of the protocol that act as the
 * chain's keepers (app.c: handlers and hooks; escrow.c: the escrow keeper). Not for use outside
 * protocol/: models and the engine go through app.h.
 */
#ifndef AK_APP_INT_H
#define AK_APP_INT_H

#include "app.h"
#include "spec.h"
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
};

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

/* The account-closed hook (market-rules.md section 1.4), called by the escrow keeper whenever
 * it saves an account in state closed or overdrawn, after the refunds. */
int ak_app_on_account_closed(ak_app *app, uint32_t account);

#endif
