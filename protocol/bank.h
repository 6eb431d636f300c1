/*
 * protocol/bank.h: balances, supply and transfers (Cosmos SDK x/bank as the market modules use
 * it; market-rules.md section 3.1: "coins move only between user accounts and module accounts
 * via x/bank").
 *
 * Balances are integer amounts per (address, denom); supply is the sum of every balance of a
 * denom, kept as a running total that mint and burn move. Module accounts (escrow,
 * distribution, ...) are ordinary addresses with reserved names (ak_bank_module_addr).
 * Every write is journaled through the store, so a failed transaction leaves the bank as it was.
 */
#ifndef AK_BANK_H
#define AK_BANK_H

#include "store.h"
#include "types.h"

/* Module accounts the protocol uses. Their names appear under "modules" in replay output. */
typedef enum ak_module {
    AK_MODULE_ESCROW = 0,
    AK_MODULE_DISTRIBUTION,
    AK_MODULE_FEE_COLLECTOR,
    AK_MODULE_BONDED_POOL,
    AK_MODULE_NOT_BONDED_POOL,
    AK_MODULE_GOV,
    AK_MODULE_COUNT
} ak_module;

/* One balance: a (address, denom) pair that has ever held coins. */
typedef struct ak_bank_balance {
    ak_addr addr;
    ak_denom denom;
    ak_amount amount;
} ak_bank_balance;

typedef struct ak_bank_supply {
    ak_denom denom;
    ak_amount amount;
    bool send_disabled; /* MsgSend refuses the denom (uact in the burn-mint era) */
} ak_bank_supply;

typedef struct ak_bank {
    ak_store *store;
    ak_strtab *strs;
    ak_pool balances; /* ak_bank_balance */
    ak_map balance_index; /* (addr, denom) -> balance handle */
    ak_pool supplies; /* ak_bank_supply */
    ak_map supply_index; /* denom -> supply handle */
    ak_addr module_addr[AK_MODULE_COUNT];
} ak_bank;

/* Set up an empty bank on the store and string table. 0 or AK_ENOMEM. */
int ak_bank_init(ak_bank *bank, ak_store *store, ak_strtab *strs);
void ak_bank_fini(ak_bank *bank);

/* Name of a module account as replay prints it ("escrow"). */
const char *ak_bank_module_name(ak_module m);
static inline ak_addr ak_bank_module_addr(const ak_bank *bank, ak_module m)
{
    return bank->module_addr[m];
}
/* True when addr is a module account; *m (if not NULL) receives which. */
bool ak_bank_is_module(const ak_bank *bank, ak_addr addr, ak_module *m);

/* Balance of addr in denom (0 when it never held any). */
ak_amount ak_bank_balance_of(const ak_bank *bank, ak_addr addr, ak_denom denom);
/* Total supply of denom. */
ak_amount ak_bank_supply_of(const ak_bank *bank, ak_denom denom);

/* Move amount from one address to another. amount >= 0; 0 is a no-op.
 * Errors: AK_EINSUFFICIENT_FUNDS (from holds less; nothing moves), AK_ENOMEM. */
int ak_bank_send(ak_bank *bank, ak_addr from, ak_addr to, ak_coin coin);
/* Create amount of a denom in addr. AK_EOVERFLOW if the supply would leave int64. */
int ak_bank_mint(ak_bank *bank, ak_addr to, ak_coin coin);
/* Destroy amount held by addr. AK_EINSUFFICIENT_FUNDS if it holds less. */
int ak_bank_burn(ak_bank *bank, ak_addr from, ak_coin coin);
/* Mark a denom as not sendable by MsgSend (module transfers still work). */
int ak_bank_set_send_enabled(ak_bank *bank, ak_denom denom, bool enabled);
bool ak_bank_send_enabled(const ak_bank *bank, ak_denom denom);

/* Invariant: per denom, the balances sum to the supply and no balance is negative.
 * Returns 0, or AK_EINVARIANT with a description in err (cap bytes). */
int ak_bank_check(const ak_bank *bank, char *err, size_t cap);

#endif
