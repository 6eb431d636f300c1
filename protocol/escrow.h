/*
 * protocol/escrow.h: escrow accounts, their deposits and payments (x/escrow v1; market-rules.md
 * section 3, AEP-75 multi-depositor escrow).
 *
 * The escrow module's coins sit in the `escrow` module account; the records here are the
 * bookkeeping that says whose they are. An account has one denom (v1). Payments accrue per
 * block and settle lazily, only when a transaction touches the account (section 3.3).
 * The keeper functions are in escrow.c and take the app, because settling pays out through the
 * bank and the take module and closing fires the market's hooks.
 */
#ifndef AK_ESCROW_H
#define AK_ESCROW_H

#include "dec.h"
#include "msg.h"
#include "store.h"
#include "types.h"

typedef enum { AK_ESCROW_OPEN = 1, AK_ESCROW_CLOSED = 2, AK_ESCROW_OVERDRAWN = 3 } ak_escrow_state;

typedef struct ak_escrow_deposit {
    ak_addr owner;  /* the depositor: the signer (balance) or the granter (grant) */
    ak_height height;
    uint32_t source; /* AK_SOURCE_BALANCE or AK_SOURCE_GRANT */
    ak_dec balance;  /* what is left of it */
    uint32_t next;   /* FIFO: next younger deposit */
} ak_escrow_deposit;

/* Fields ordered for size (112 bytes, not 128 with padding): every bid has an account, and a
 * year of a large network keeps millions of them. */
typedef struct ak_escrow_account {
    ak_dec funds;       /* unspent total; negative while overdrawn */
    ak_dec transferred; /* total ever taken from deposits into payments */
    ak_escrow_id id;
    ak_height settled_at;
    ak_addr owner; /* tenant for a deployment account, provider for a bid account */
    uint32_t state;
    ak_denom denom;     /* the denom of the deposit that created it */
    uint32_t dep_head, dep_tail; /* deposits, oldest first */
    uint32_t payments; /* non-closed payments in store order: overdrawn, then open, each by xid */
    bool funded;        /* it has a funds entry: false when created without any depositor, so
                           that no deposit or payment in any denom fits it (as upstream) */
} ak_escrow_account;

typedef struct ak_escrow_payment {
    uint32_t account;
    ak_bid_id id; /* the lease id; the xid is gseq/oseq/provider */
    ak_addr owner; /* the provider */
    uint32_t state;
    ak_dec rate;      /* per block */
    ak_dec balance;   /* accrued, not yet withdrawn */
    ak_dec unsettled; /* debt while overdrawn */
    ak_amount withdrawn; /* total paid out, take included */
    uint32_t next;    /* next non-closed payment of the account in store order */
} ak_escrow_payment;

typedef struct ak_escrow {
    ak_pool accounts; /* ak_escrow_account */
    ak_pool payments; /* ak_escrow_payment */
    ak_pool deposits; /* ak_escrow_deposit */
    uint32_t free_deposits; /* recycled deposit records */
} ak_escrow;

const char *ak_escrow_state_name(uint32_t s); /* "open", "closed", "overdrawn" */

#endif
