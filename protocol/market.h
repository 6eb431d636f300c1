/*
 * protocol/market.h: orders, bids and leases (x/market; market-rules.md sections 1.1 to 1.5).
 *
 * A lease is the winning bid's other half (LeaseID = BidID), so its fields live in the bid
 * record. State only: handlers are in protocol/app.c (see deployment.h for why).
 */
#ifndef AK_MARKET_H
#define AK_MARKET_H

#include "msg.h"
#include "store.h"
#include "types.h"

typedef enum { AK_ORDER_OPEN = 1, AK_ORDER_ACTIVE = 2, AK_ORDER_CLOSED = 3 } ak_order_state;
typedef enum { AK_BID_OPEN = 1, AK_BID_ACTIVE = 2, AK_BID_LOST = 3, AK_BID_CLOSED = 4 } ak_bid_state;
typedef enum {
    AK_LEASE_NONE = 0, /* the bid never won */
    AK_LEASE_ACTIVE = 1,
    AK_LEASE_INSUFFICIENT_FUNDS = 2,
    AK_LEASE_CLOSED = 3
} ak_lease_state;

typedef struct ak_order {
    ak_order_id id;
    uint32_t group;
    uint32_t state;
    ak_height created_at;
    uint32_t bids;       /* first bid, in provider address order; AK_POOL_NONE if none */
    uint32_t nbids_counted; /* open, active and closed bids (not lost): BidCountForOrder */
} ak_order;

/* Fields ordered for size (128 bytes, not 144 with padding): bids are the most numerous
 * records of a run. */
typedef struct ak_bid {
    ak_deccoin price;
    ak_bid_id id;
    ak_height created_at;
    const ak_resource_offer *offer;
    uint32_t order;
    uint32_t state;
    uint32_t account; /* the bid's escrow account (the provider's deposit) */
    uint32_t noffer;
    uint32_t next; /* next bid of the same order, provider order */
    /* the lease, when lease_state != AK_LEASE_NONE; its price is the bid price */
    uint32_t lease_state;
    uint32_t lease_reason; /* close reason, 0 while active */
    uint32_t payment; /* the lease's escrow payment */
    ak_height lease_created_at;
    ak_height lease_closed_on;
} ak_bid;

typedef struct ak_market {
    ak_pool orders;  /* ak_order */
    ak_pool bids;    /* ak_bid */
    ak_map order_index; /* (group handle, oseq) -> order */
} ak_market;

const char *ak_order_state_name(uint32_t s); /* "open", "active", "closed" */
const char *ak_bid_state_name(uint32_t s);   /* "open", "active", "lost", "closed" */
const char *ak_lease_state_name(uint32_t s); /* "active", "insufficient_funds", "closed" */

#endif
