/*
 * protocol/slashing.h: validator signing info, the missed-block bitmap, downtime and
 * double-sign punishment (x/slashing and x/evidence of Cosmos SDK v0.53; chain-rules.md
 * sections 1.8 and 3).
 *
 * State only; the keeper is slashing.c (its entry points are declared in app_int.h). Signing
 * info is kept per consensus address (a validator's name), and outlives the validator as
 * upstream: records are never deleted, so a handle stays valid for the life of the app.
 */
#ifndef AK_SLASHING_H
#define AK_SLASHING_H

#include <stddef.h>

#include "store.h"
#include "types.h"

/* DoubleSignJailEndTime: 9999-12-31T23:59:59Z, the largest time Amino encodes
 * (x/evidence/types/params.go). A double signer is jailed until then, i.e. for ever. */
#define AK_DOUBLE_SIGN_JAIL_END ((ak_unix)253402300799)

/* ValidatorSigningInfo plus the missed-block bitmap (chain-rules.md 3.2).
 *
 * The bitmap: bit i (i = IndexOffset mod signed_blocks_window at the time of the vote) is 1
 * when that vote was missed. Words beyond bitmap_words read as 0. The bitmap is allocated on
 * the first miss and grows, never shrinks, to the largest window seen, as the SDK's chunked
 * bitmap keeps bits beyond a window that governance shortened; MissedBlocksCounter therefore
 * always equals the number of set bits. It lives in the app's arena.
 *
 * cursor caches IndexOffset mod cursor_window so that the per-block path needs no division.
 * cursor_window = 0 means "not computed": anything that sets index_offset other than the
 * keeper must set cursor_window to 0. Neither field exists upstream; both are derived. */
typedef struct ak_signing_info {
    ak_height start_height;
    int64_t index_offset;
    ak_unix jailed_until;   /* 0 (time.Unix(0, 0)) until first jailed */
    int64_t missed;         /* MissedBlocksCounter */
    uint64_t *bitmap;       /* missed-block bits, bitmap_words words, indexed by offset mod window */
    int64_t cursor;         /* index_offset mod cursor_window (derived, see above) */
    int64_t cursor_window;
    ak_addr addr;
    uint32_t bitmap_words;
    bool tombstoned;
    bool pad_[7];           /* always 0: no padding bytes, the app digest hashes records */
} ak_signing_info;

/* The keeper's memory of the previous LastCommit, entry by entry (not state). */
typedef struct ak_slashing_slot {
    ak_addr addr;  /* the vote's address this entry was resolved for; AK_ADDR_NONE: unresolved */
    uint32_t val;  /* its validator, or AK_POOL_NONE */
    struct ak_validator *v;  /* its address (pool objects never move), NULL with val NONE */
    ak_signing_info *si;     /* its signing info, or NULL */
    bool advances;           /* steady state: its IndexOffset advances every block */
} ak_slashing_slot;

typedef struct ak_slashing {
    ak_pool infos;      /* ak_signing_info */
    ak_map info_index;  /* consensus address -> signing info */
    /* caches, not state: never journaled, never part of a digest's meaning */
    ak_slashing_slot *slots; /* one per LastCommit index of the last block */
    uint32_t cap_slots;
    int64_t cached_window;   /* signed_blocks_window max_missed was computed for; 0: none */
    ak_dec cached_min_signed;
    int64_t max_missed;      /* W - RoundInt64(min_signed_per_window * W) */
    /* Lazy liveness bookkeeping: while the LastCommit is unchanged, a block only advances
     * IndexOffset by one for each validator not jailed that signs and has no missed block in
     * its window (the others, `active` below, are processed every block). Such a block only counts itself in `pending` (state, journaled like
     * it, until synced); ak_slashing_sync advances the signing infos of the `nsteady` slots
     * marked `advances`. Everything that reads or writes a signing info syncs first. */
    int64_t pending;
    uint32_t nsteady;
    bool steady;
    /* A steady block may still have validators to process: those with misses in their window
     * (or absent now) advance one by one, every block, while the rest count in `pending`.
     * active[0..nactive) are their slot indexes (cache, not state). */
    uint32_t *active;
    uint32_t nactive;
    uint64_t epoch; /* app votes_epoch of the votes last found steady (0: none) */
} ak_slashing;

/* Set up an empty keeper on the store (caller memory). Allocates nothing. */
void ak_slashing_init(ak_slashing *s, ak_store *store);
/* Free the pools, the index and the cache. The bitmaps belong to the app's arena.
 * ak_slashing_fini(NULL) is a no-op. */
void ak_slashing_fini(ak_slashing *s);

typedef struct ak_app ak_app;
/* Invariants of the keeper (DESIGN.md convention 9): every bonded validator has a signing
 * info; every signing info is indexed under its address; MissedBlocksCounter equals the set
 * bits of its bitmap and is >= 0; a computed cursor equals index_offset mod cursor_window; a
 * tombstoned validator is jailed until AK_DOUBLE_SIGN_JAIL_END. Costs O(validators + infos x
 * window / 64). 0, or AK_EINVARIANT with the first violation in err (cap bytes). */
int ak_slashing_check(const ak_app *app, char *err, size_t cap);

/* Double-sign evidence as CometBFT hands it to the app (chain-rules.md 1.8). */
typedef struct ak_evidence {
    ak_addr validator;
    ak_height height;   /* the infraction height */
    ak_unix time;       /* its block time */
    int64_t power;      /* the validator's power at that height */
    int64_t total_power;
} ak_evidence;

/* The bit of `index` in a signing info's missed-block bitmap (GetMissedBlockBitmapValue). */
static inline bool ak_signing_info_missed_at(const ak_signing_info *si, int64_t index)
{
    uint64_t w = (uint64_t)index >> 6;
    return index >= 0 && w < si->bitmap_words && (si->bitmap[w] >> (index & 63)) & 1u;
}

#endif
