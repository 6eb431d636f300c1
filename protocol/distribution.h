/*
 * protocol/distribution.h: per-block reward allocation and F1 fee distribution (x/distribution
 * of Cosmos SDK v0.53; chain-rules.md section 4.1, 4.3 to 4.6).
 *
 * State only (plus a cache that is not state); the keeper is distribution.c, its functions are
 * declared in app_int.h. Records are kept per validator and per delegation, in pools indexed by
 * the same handles as the staking module's validators and delegations.
 * Rewards are in the bond denom (uakt): the fee collector receives only minted coins, since
 * akashsim charges no transaction fees.
 *
 * Historical rewards (ValidatorHistoricalRewards, keyed (validator, period) on chain) are
 * reached through handles, never looked up by key: a validator holds the handle of its record
 * for period - 1, a delegation's starting info the handle of its starting period's record, a
 * slash event the handle of its period's record. These are exactly the records the SDK reads, so
 * no (validator, period) index is needed. A record whose reference count reaches zero (the SDK
 * deletes it) goes on a free list and is reused; the free list head is state, journaled like
 * every other write, so a rolled-back transaction restores it.
 */
#ifndef AK_DISTRIBUTION_H
#define AK_DISTRIBUTION_H

#include "dec.h"
#include "store.h"
#include "types.h"

/* Distribution records of one validator (ValidatorCurrentRewards, ValidatorAccumulatedCommission,
 * ValidatorOutstandingRewards and the head of its slash events), same handle as the staking
 * validator. Fields are ordered so that the struct has no padding (the app digest hashes bytes). */
typedef struct ak_val_dist {
    ak_dec cur_rewards;  /* rewards of the current period, commission taken out */
    ak_dec commission;   /* accumulated commission */
    ak_dec outstanding;  /* all rewards not yet withdrawn */
    uint64_t period;     /* current period (starts at 1); 0: no records (never created, or removed) */
    uint32_t prev_hist;  /* ak_hist_rewards of period - 1 */
    uint32_t slash_events, slash_events_tail; /* ak_slash_event list, by (height, period) */
    uint32_t pad_;       /* always 0 */
    uint64_t pad2_;      /* always 0 */
} ak_val_dist;

/* ValidatorHistoricalRewards of (validator, period). refcount 0: free (on the free list). */
typedef struct ak_hist_rewards {
    ak_dec ratio; /* cumulative reward ratio: rewards per token */
    uint64_t period;
    uint32_t val;
    uint32_t refcount;
    uint32_t next_free; /* next free record while refcount is 0 */
    uint32_t pad_;
    uint64_t pad2_;
} ak_hist_rewards;

/* ValidatorSlashEvent, keyed (validator, height, period) on chain. */
typedef struct ak_slash_event {
    ak_dec fraction;
    ak_height height;
    uint64_t period;
    uint32_t hist; /* the record of `period`, on which this event holds a reference */
    uint32_t next; /* next event of the same validator (or the next free event) */
    uint64_t pad_;
} ak_slash_event;

/* DelegatorStartingInfo of a delegation (same handle as the staking delegation). */
typedef struct ak_starting_info {
    ak_dec stake;
    uint64_t previous_period;
    ak_height height;
    uint32_t hist;    /* the record of previous_period, on which this holds a reference */
    uint32_t present; /* 1 when the SDK would hold a record */
    uint64_t pad_;
} ak_starting_info;

/* One LastCommit entry as the allocation cache last saw it (not state). */
typedef struct ak_dist_slot {
    ak_dec fraction;   /* power / total, QuoTruncate */
    ak_dec rate;       /* the commission rate `commission` was computed with */
    ak_dec reward, commission, shared;
    /* the exact arithmetic of distribution.c (all scaled integers, see there) */
    unsigned __int128 cq; /* reward x rate = cq x 10^18 + cd, before rounding */
    uint64_t cd;
    uint64_t vq, vr;   /* (10^18 - tax) x fraction = vq x 10^18 + vr */
    uint64_t racc;     /* F x vr mod 10^18 */
    uint64_t kq, kd;   /* vq x rate = kq x 10^18 + kd */
    uint64_t rho;      /* rate as a scaled integer, when in [0, 1] */
    bool generic;      /* rate outside [0, 1]: computed with ak_dec_mul */
    const struct ak_validator *vp; /* the staking validator of handle val (pools never move) */
    struct ak_val_dist *vd;        /* its distribution records */
    ak_addr addr;
    uint32_t val;      /* staking validator handle */
    int64_t power;
    /* amounts of earlier blocks at earlier F, not yet added to vd: state until ak_dist_sync
     * (journaled like it), see ak_dist_cache.accrued */
    ak_dec acc_reward, acc_commission, acc_shared;
} ak_dist_slot;

/* The allocation of the last block, reused while its inputs are unchanged (DESIGN.md "cache
 * what a block recomputes"). Every input is compared before use, so the cache can never change
 * a result: it holds derived values only and is not state (not journaled, not in the digest). */
typedef struct ak_dist_cache {
    ak_dist_slot *slots;
    uint32_t n, cap;
    int64_t total;           /* Σ power of the cached LastCommit */
    bool rewards_valid;      /* every slot's reward and the sum below match fees and tax */
    bool v_valid;            /* every slot's vq, vr match vtax */
    ak_amount fees;          /* F the rewards were computed for */
    ak_dec tax;              /* community tax they were computed with */
    ak_dec vtax;             /* community tax vq, vr were computed with */
    ak_dec sum_rewards;      /* Σ reward */
    uint64_t hits, misses;   /* statistics: blocks served from the cache, rebuilds */
    /* Lazy accrual: while nothing but blocks happens (steady), a block that would add every
     * slot's amounts again only counts itself in `pending`; ak_dist_sync adds pending x the
     * amounts to the validator records. So `pending` is part of the state (journaled like it)
     * until synced; everything that reads or writes a validator's rewards syncs first. */
    int64_t pending;
    bool accrued;            /* some slot's acc_ amounts are not zero (F moved while steady:
                                the amounts at the old F went there, see ak_dist_begin_block) */
    bool steady;             /* the slots were checked against their validators since the last
                                message or hook that could change one */
    uint64_t epoch;          /* app votes_epoch of the votes the slots match (0: unknown) */
} ak_dist_cache;

typedef struct ak_distribution {
    ak_pool vals;       /* ak_val_dist, one per staking validator handle */
    ak_pool hist;       /* ak_hist_rewards */
    ak_pool events;     /* ak_slash_event */
    ak_pool starting;   /* ak_starting_info, one per staking delegation handle */
    uint32_t free_hist;   /* first free ak_hist_rewards (AK_POOL_NONE if none); state */
    uint32_t free_events; /* first free ak_slash_event; state */
    ak_dist_cache cache;  /* not state */
} ak_distribution;

/* Set up empty distribution state whose pools the store journals. Cannot fail. */
void ak_distribution_init(ak_distribution *d, ak_store *store);
/* Free everything (pools and cache). The struct may be re-initialised afterwards. */
void ak_distribution_fini(ak_distribution *d);

#endif
