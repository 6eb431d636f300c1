/*
 * protocol/staking.h: validators, delegations, unbonding and redelegation (x/staking of Cosmos
 * SDK v0.53; chain-rules.md section 2).
 *
 * State only; the keeper (messages, EndBlock set update, queues, slashing) is staking.c.
 *
 * Addresses: a validator's operator address and consensus address are both its name. Its
 * tokens sit in the bonded pool while it is bonded and in the not-bonded pool otherwise;
 * unbonding delegations' balances sit in the not-bonded pool until they mature.
 *
 * Records are never moved: handles stay valid for the life of the app. A delegation whose
 * shares reach zero and a validator removed after unbonding stay in their pools, marked, so the
 * per-validator and per-delegator lists never need unlinking; the maps drop them.
 */
#ifndef AK_STAKING_H
#define AK_STAKING_H

#include "dec.h"
#include "store.h"
#include "types.h"

/* Bond status (the SDK's enum values). */
typedef enum { AK_BOND_UNBONDED = 1, AK_BOND_UNBONDING = 2, AK_BOND_BONDED = 3 } ak_bond_status;

typedef struct ak_validator {
    ak_addr addr;
    uint32_t status;
    bool jailed;
    bool removed; /* deleted after unbonding with no shares left; its name may be reused */
    ak_amount tokens;
    ak_dec shares; /* delegator shares */
    ak_dec commission_rate;
    ak_dec commission_max_rate;
    ak_dec commission_max_change_rate;
    ak_unix commission_update_time;
    ak_amount min_self_delegation;
    ak_height unbonding_height;
    ak_unix unbonding_time;
    int64_t last_power; /* its power in the last validator set the app returned; 0 if not in it */
    uint32_t dels;      /* first delegation to it (list through ak_delegation.next_val) */
    uint32_t ubds;      /* first unbonding delegation from it */
    uint32_t reds;      /* first redelegation from it */
} ak_validator;

typedef struct ak_delegation {
    ak_addr delegator;
    uint32_t val;
    ak_dec shares; /* zero: the delegation does not exist (any more) */
    uint32_t next_val; /* next delegation to the same validator */
    uint32_t next_del; /* next delegation of the same delegator */
} ak_delegation;

typedef struct ak_ubd_entry {
    ak_height creation_height;
    ak_unix completion_time;
    ak_amount initial_balance;
    ak_amount balance;
    uint32_t next;
} ak_ubd_entry;

/* Unbonding delegation: one per (delegator, validator), with up to max_entries entries. */
typedef struct ak_ubd {
    ak_addr delegator;
    uint32_t val;
    uint32_t entries; /* oldest first */
    uint32_t n;
    uint32_t next_val; /* next unbonding delegation from the same validator */
} ak_ubd;

typedef struct ak_red_entry {
    ak_height creation_height;
    ak_unix completion_time;
    ak_amount initial_balance;
    ak_dec shares_dst;
    uint32_t next;
} ak_red_entry;

/* Redelegation: one per (delegator, source, destination). */
typedef struct ak_red {
    ak_addr delegator;
    uint32_t src, dst;
    uint32_t entries;
    uint32_t n;
    uint32_t next_src; /* next redelegation from the same source */
    uint32_t next_del; /* next redelegation of the same delegator */
} ak_red;

/* A queue item: something that matures at a time (completion of an unbonding delegation or
 * a redelegation). */
typedef struct ak_mature {
    ak_unix time;
    uint64_t seq; /* insertion order, to break ties as the store's key order does */
    uint32_t handle;
} ak_mature;

typedef struct ak_staking {
    ak_pool vals;     /* ak_validator */
    ak_map val_index; /* operator address -> validator (live ones) */
    ak_pool dels;     /* ak_delegation */
    ak_map del_index; /* (delegator, validator) -> delegation */
    ak_pool del_heads; /* uint32_t: a delegator's first delegation */
    ak_map del_heads_index; /* delegator -> slot in del_heads */
    ak_pool ubds;     /* ak_ubd */
    ak_map ubd_index; /* (delegator, validator) -> unbonding delegation */
    ak_pool ubd_entries; /* ak_ubd_entry */
    ak_pool reds;     /* ak_red */
    ak_map red_index; /* (delegator, src << 32 | dst) -> redelegation */
    ak_pool red_entries; /* ak_red_entry */
    ak_pool red_heads; /* uint32_t: a delegator's first redelegation */
    ak_map red_heads_index;
    ak_pool ubd_queue; /* ak_mature: a binary min-heap on (time, seq) */
    ak_pool red_queue; /* ak_mature: the same for redelegations */
    uint64_t queue_seq;
    bool set_dirty;    /* something that decides the validator set changed since EndBlock */
    ak_unix next_validator_unbond; /* earliest unbonding_time of an unbonding validator */
    uint32_t *last_set; /* handles of the last validator set, by power then address */
    uint32_t n_last_set, cap_last_set;
} ak_staking;

const char *ak_bond_status_name(uint32_t s); /* "bonded", "unbonding", "unbonded" */

#endif
