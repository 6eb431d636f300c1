/*
 * protocol/consensus.h: the CometBFT v0.38 consensus pieces akashsim needs (chain-rules.md
 * section 1, worked numbers in section 8.1 to 8.3):
 *
 *   - the validator set with its proposer priorities: weighted round robin proposer selection
 *     (IncrementProposerPriority) and validator updates (UpdateWithChangeSet), transcribed from
 *     cometbft types/validator_set.go (section 1.2);
 *   - quorum sizes (section 1.1);
 *   - the chain's three sets over time, Validators / NextValidators / LastValidators, and when
 *     an update returned by EndBlock takes effect (section 1.3, state/execution.go updateState);
 *   - round timeouts (section 1.5) and a model of one height of block production given which
 *     validators are online (sections 1.4, 1.6, 1.7), documented at ak_consensus_produce.
 *
 * Validators are identified by ak_addr, an interned name (store.h ak_strtab); "address order" is
 * the bytewise order of the names, as bytes.Compare orders CometBFT's 20-byte addresses. A set
 * therefore carries the string table it compares names with. The names must stay interned as
 * long as the set is used; interning more names later is harmless.
 *
 * Arithmetic follows the Go code exactly: saturating int64 adds and subtracts where Go clips
 * (safeAddClip / safeSubClip), truncating division in the rescale, floor division (big.Int Div)
 * in the centering. Go computes max - min priority and diff + diffMax - 1 in int64; akashsim
 * computes them exactly in 128 bits. The two agree whenever Go's do not overflow, which
 * MaxTotalVotingPower = (2^63 - 1) / 8 is chosen to guarantee; where Go panics (empty set,
 * times < 1) akashsim returns AK_EINVAL.
 *
 * Statuses are 0 or a negative AK_E* from errors.h; results go to out-parameters only on
 * success (DESIGN.md convention 3). Nothing here does I/O, reads a clock, draws random numbers
 * or keeps global state; distinct objects may be used from distinct threads.
 *
 * Cost: ak_valset_increment(vs, t) is O(n * t) and allocation-free; ak_consensus_commit with no
 * updates is O(n) and allocation-free (the three sets and a spare rotate their storage);
 * ak_valset_update with m changes allocates scratch, sorts the changes by name (O(m log m) name
 * comparisons), merges them into the set (O(n + m)) and sorts the result by power (an integer
 * sort), as updates are rare. ak_valset_index is a binary search over the names, O(log n).
 */
#ifndef AK_CONSENSUS_H
#define AK_CONSENSUS_H

#include <stdbool.h>
#include <stdint.h>

#include "store.h"
#include "types.h"

/* MaxTotalVotingPower = MaxInt64 / 8 = 1 152 921 504 606 846 975 (types/validator_set.go). Also
 * the largest power a single update may carry. */
#define AK_MAX_TOTAL_VOTING_POWER (INT64_MAX / 8)
/* PriorityWindowSizeFactor: priorities are rescaled to a window of this times the total power. */
#define AK_PRIORITY_WINDOW_FACTOR 2

/* BlockIDFlag of a LastCommit entry (types/block.go): the values CometBFT uses. */
enum { AK_FLAG_ABSENT = 1, AK_FLAG_COMMIT = 2, AK_FLAG_NIL = 3 };

/* ---- the validator set (section 1.2) ---- */

/* One validator of a set: address, voting power (> 0) and proposer priority. */
typedef struct ak_cval {
    ak_addr addr;
    int64_t power;
    int64_t priority;
} ak_cval;

/* The smallest priority, a bound on the largest and their sum, as the last increment left
 * them: the next increment's rescale test and centering need these, and a step can compute them
 * on its way, which saves a pass over the set per block. `known` is cleared by anything else
 * that changes a priority. */
typedef struct ak_prio_stats {
    __int128 sum;
    int64_t min, max; /* min exact; max an upper bound (rescale_vals measures the exact spread) */
    bool known;
} ak_prio_stats;

/* A validator set. vals[0 .. n-1] is in CometBFT's index order (ValidatorsByVotingPower: power
 * descending, then address ascending), the index used in votes and commits. The order changes
 * only when an update changes the membership or a power; increments change priorities only.
 *
 * Read the public fields freely; change them only through the functions below (tests may set
 * priorities directly to reproduce a worked example, then call ak_valset_priorities_changed).
 * rank and byaddr are a cached address index kept in the same allocation as vals: rank[i] is
 * the position of vals[i] in address order (it breaks priority ties without comparing names),
 * byaddr[k] is the index in vals of the k-th validator in address order (ak_valset_index
 * searches it). */
typedef struct ak_valset {
    ak_cval *vals;
    uint32_t n, cap;
    int64_t total;       /* total voting power, <= AK_MAX_TOTAL_VOTING_POWER */
    uint64_t gen;        /* membership generation: ak_valset_update advances it, copies keep
                            it, so two sets of one chain with equal gen have the same
                            validators and powers in the same order (0: never updated) */
    int32_t proposer;    /* index of the proposer chosen by the last increment, -1 if none */
    ak_prio_stats stats; /* see ak_prio_stats */
    const ak_strtab *strs;
    uint32_t *rank;      /* cap entries, see above */
    uint32_t *byaddr;    /* cap entries, see above */
} ak_valset;

/* A validator update as the app returns it from EndBlock: power 0 removes the validator. */
typedef struct ak_valupdate {
    ak_addr addr;
    int64_t power;
} ak_valupdate;

/* An empty set comparing names in strs. Allocates nothing. */
void ak_valset_init(ak_valset *vs, const ak_strtab *strs);
/* Free the storage; the set is then empty (as after ak_valset_init with the same strs) and may
 * be reused. ak_valset_fini(NULL) is a no-op. */
void ak_valset_fini(ak_valset *vs);
/* Reserve room for cap validators so that copies and commits of sets that size do not
 * allocate. Keeps the contents. 0 or AK_ENOMEM (then nothing changes). */
int ak_valset_reserve(ak_valset *vs, uint32_t cap);
/* Make dst an exact copy of src (validators, priorities, proposer, string table). dst must be
 * initialised (ak_valset_init, possibly used or fini'd since); its storage is reused when it is
 * large enough, so copying into a set of the same size never allocates. dst == src is a no-op.
 * 0 or AK_ENOMEM (then dst is unchanged). */
int ak_valset_copy(ak_valset *dst, const ak_valset *src);

/* UpdateWithChangeSet (section 1.2, updateWithChangeSet with deletes allowed). The n changes
 * are taken in address order whatever their order in u. Errors, all AK_EINVAL, with the set
 * unchanged: two changes for one address; a negative power; a power above
 * AK_MAX_TOTAL_VOTING_POWER; the address AK_ADDR_NONE or an id the string table does not hold
 * (CometBFT rejects an empty address as a duplicate of "no previous address"); removing an
 * address not in the set; a result with no validators; a resulting total power above
 * AK_MAX_TOTAL_VOTING_POWER; vs without a string table. AK_EOVERFLOW if the result would hold
 * more than INT32_MAX validators. AK_ENOMEM if scratch or the new storage cannot be allocated.
 * On every error the set is unchanged.
 *
 * On success: tvp = total power with every update applied but the removals not yet applied; a
 * validator new to the set gets priority -(tvp + (tvp >> 3)); an existing validator keeps its
 * priority even if its power changes; removals are dropped; the total is recomputed; priorities
 * are rescaled to the window 2 * total and centered (ak_valset_rescale, ak_valset_center); the
 * set is sorted into index order. No increment happens here. The proposer index follows its
 * validator to its new position, or becomes -1 if it was removed. n == 0 changes nothing and
 * returns 0, as in CometBFT (no rescale, no centering). */
int ak_valset_update(ak_valset *vs, const ak_valupdate *u, uint32_t n);
/* NewValidatorSet: initialise vs (caller memory, uninitialised or fini'd: like ak_valset_init,
 * it does not free what vs held) as the set of the n validators u, every one new, comparing
 * names in strs, then ak_valset_increment(vs, 1). AK_EINVAL as ak_valset_update, and also for
 * n == 0, u or strs NULL, or any power 0 (NewValidatorSet forbids deletes); AK_ENOMEM. On
 * success the caller owns vs (ak_valset_fini); on failure vs is left empty and owns nothing. */
int ak_valset_new(ak_valset *vs, const ak_strtab *strs, const ak_valupdate *u, uint32_t n);
/* IncrementProposerPriority(times): rescale once to the window 2 * total (ak_valset_rescale),
 * center once (ak_valset_center), then `times` iterations of: every priority += its power
 * (saturating), the validator with the largest priority (ties: the smaller address) is picked
 * and its priority -= total (saturating). The one picked last becomes the proposer. O(n * times),
 * allocation-free. AK_EINVAL (set unchanged) if the set is empty or times < 1. */
int ak_valset_increment(ak_valset *vs, int64_t times);
/* Say that priorities were set by hand (tests reproducing a worked example do): the next
 * increment scans them instead of trusting what the last one left. */
void ak_valset_priorities_changed(ak_valset *vs);
/* RescalePriorities(diff_max): if max - min priority exceeds diff_max, divide every priority by
 * ratio = ceil((max - min) / diff_max), truncating toward zero (-7 / 2 = -3). diff_max <= 0
 * changes nothing. AK_EINVAL if the set is empty. */
int ak_valset_rescale(ak_valset *vs, int64_t diff_max);
/* shiftByAvgProposerPriority: avg = floor(sum of priorities / n) (big.Int Div: -7 / 3 = -3),
 * then every priority -= avg (saturating). AK_EINVAL if the set is empty. */
int ak_valset_center(ak_valset *vs);
/* Address of the proposer chosen by the last increment; AK_ADDR_NONE if there is none. */
ak_addr ak_valset_proposer(const ak_valset *vs);
/* Index in vals of the validator with address a, or -1 if it is not in the set. O(log n) name
 * comparisons. */
int32_t ak_valset_index(const ak_valset *vs, ak_addr a);
/* Invariants: n <= cap; powers in 1 .. AK_MAX_TOTAL_VOTING_POWER; total = the sum of the
 * powers and <= AK_MAX_TOTAL_VOTING_POWER; vals in index order with distinct valid addresses;
 * rank and byaddr consistent with the names; proposer -1 or < n. 0 or AK_EINVARIANT. O(n). */
int ak_valset_check(const ak_valset *vs);

/* ---- quorum (section 1.1) ---- */

/* Power needed for "+2/3" of total power T: floor(2T / 3) + 1 (vote_set.go quorum). The same
 * number is the least power that satisfies HasTwoThirdsAny and commit verification,
 * "> floor(2T / 3)". T = 3 -> 3, 4 -> 3, 10 -> 7, 100 -> 67. Defined for 0 <= T <=
 * AK_MAX_TOTAL_VOTING_POWER (computed in 128 bits, so any int64 is safe). */
int64_t ak_quorum(int64_t total);

/* ---- the three sets over time (section 1.3) ---- */

typedef struct ak_consensus {
    ak_valset last;   /* set of height - 1, whose precommits form this height's LastCommit;
                         empty at the initial height */
    ak_valset cur;    /* set that signs and proposes `height` */
    ak_valset next;   /* set for height + 1 */
    ak_height height; /* the height `cur` is for, from 1 */
    ak_valset spare;  /* storage ak_consensus_commit builds the new next set in; no meaning */
} ak_consensus;

/* Genesis (state.go MakeGenesisState): cur = NewValidatorSet(v), next = a copy of cur
 * incremented once, last empty, height 1. Errors as ak_valset_new; on failure c is left empty
 * (ak_consensus_fini is safe and needed only after success). Reserves room for n validators in
 * every set so that commits without updates never allocate. */
int ak_consensus_genesis(ak_consensus *c, const ak_strtab *strs, const ak_valupdate *v, uint32_t n);
/* Free the four sets. ak_consensus_fini(NULL) is a no-op. */
void ak_consensus_fini(ak_consensus *c);
/* Commit `height` with the validator updates u[0 .. n-1] the app returned from its EndBlock
 * (n may be 0; u may then be NULL): new = copy of next; if n > 0, ak_valset_update(new, u, n);
 * ak_valset_increment(new, 1); then last = cur, cur = next, next = new, height + 1. An update
 * returned at EndBlock(H) is therefore first in cur, signing and proposing, at H + 2. Errors as
 * ak_valset_update, AK_EOVERFLOW at height INT64_MAX; on error nothing observable changes. With
 * n == 0 and sets no larger than reserved it allocates nothing and costs O(n). */
int ak_consensus_commit(ak_consensus *c, const ak_valupdate *u, uint32_t n);
/* The proposer of round `round` of the current height, as the nodes see it when they step
 * through rounds 0, 1, ..., round by timeouts: cur's proposer for round 0; else a copy of cur
 * incremented by one once per round entered (enterNewRound entering r from r - 1 increments its
 * round copy by r - (r - 1) = 1). Nothing is persisted. A jump from round r0 straight to r on
 * votes of a higher round is one ak_valset_increment(copy, r - r0), which can differ from r - r0
 * single steps only when a rescale triggers in between; ak_consensus_produce never jumps.
 * AK_ADDR_NONE if round < 0, cur is empty or has no proposer, or (sets above 256 validators only)
 * scratch memory cannot be allocated. O(n * round). */
ak_addr ak_consensus_round_proposer(const ak_consensus *c, int32_t round);
/* Invariants of the three sets (ak_valset_check on each; cur and next non-empty with a
 * proposer; height >= 1). 0 or AK_EINVARIANT. */
int ak_consensus_check(const ak_consensus *c);

/* ---- timeouts and block production (sections 1.4 to 1.7) ---- */

/* Round timeouts in microseconds: timeout_X(r) = X + r * X_delta (config.go Propose(round),
 * Prevote(round), Precommit(round)). commit is the NewHeight wait after a commit. gossip is a
 * model parameter, not a CometBFT setting: the latency of the proposal and the two vote
 * rounds of a round that succeeds. */
typedef struct ak_timeouts {
    int64_t propose, propose_delta;
    int64_t prevote, prevote_delta;
    int64_t precommit, precommit_delta;
    int64_t commit;
    int64_t gossip;
} ak_timeouts;

/* CometBFT's defaults with Akash's timeout_commit: propose 3 s + 0.5 s per round, prevote 1 s +
 * 0.5 s, precommit 1 s + 0.5 s, commit 5 s (Akash writes 5 s into config.toml), gossip 1 s; so
 * a happy-path block takes 6 s. */
void ak_timeouts_default(ak_timeouts *t);

/* The outcome of one height. committed: a block was decided. round: the round it was decided
 * in, or the number of rounds tried if none was. proposer: that round's proposer, AK_ADDR_NONE
 * if none. duration_us: time from the previous commit to this one, or the time the failed
 * rounds took if none was decided (0 for a halt). */
typedef struct ak_block_outcome {
    bool committed;
    int32_t round;
    ak_addr proposer;
    int64_t duration_us;
} ak_block_outcome;

/* One height of block production: who is online decides whether and when cur decides a block.
 * online[i] says whether cur.vals[i] is online for the whole height; flags, if not NULL, has
 * room for cur.n entries.
 *
 * The model:
 *   1. Online power below ak_quorum(cur.total) (not more than 2/3): no round can gather +2/3 of
 *      anything, the chain halts (section 1.6). *out = {false, 0, AK_ADDR_NONE, 0}; flags are
 *      not written. The caller retries when liveness changes.
 *   2. Otherwise rounds r = 0, 1, ..., max_rounds - 1 run in lockstep. Round r's proposer is
 *      ak_consensus_round_proposer(c, r).
 *      - Proposer online: it proposes a valid block, every online validator prevotes and
 *        precommits it, the +2/3 precommits arrive and the block commits in round r.
 *      - Proposer offline: every online validator waits timeout_propose(r), prevotes nil (the
 *        nil prevotes are a polka for nil, so there is no prevote wait), precommits nil, waits
 *        timeout_precommit(r) on the +2/3 nil precommits and enters round r + 1.
 *      duration_us = timeout_commit (the NewHeight wait after the previous commit)
 *                    + sum over failed rounds k of (timeout_propose(k) + timeout_precommit(k))
 *                    + gossip.
 *      flags[i] (the LastCommit of the next block, section 1.7): AK_FLAG_COMMIT if online[i],
 *      else AK_FLAG_ABSENT.
 *   3. If no round up to max_rounds - 1 has an online proposer: *out = {false, max_rounds,
 *      AK_ADDR_NONE, time of the max_rounds failed rounds}; flags are not written.
 *
 * Simplifications (what the real protocol does that this does not):
 *   - liveness is binary and fixed for the height; no partitions, no Byzantine or slow
 *     validators, no late proposals: an online proposer's block always arrives in time and
 *     passes validation and ProcessProposal;
 *   - message latency is the single constant `gossip`, paid once by the successful round; a
 *     failed round costs exactly its two timeouts (the nil votes' gossip is taken to overlap
 *     the timeouts); timeout_prevote never fires (the prevote fields are kept for models that
 *     need them);
 *   - no locking, POL rounds or ValidBlock re-proposals (they matter only after a polka for a
 *     block that then failed to commit, which this model never produces), and no round skips on
 *     votes from higher rounds;
 *   - after a halt the height restarts at round 0 with no memory of the rounds the live nodes
 *     had already timed out in;
 *   - AK_FLAG_NIL is never produced, and every online validator's precommit reaches the next
 *     proposer before it builds its block (in reality a late precommit is recorded Absent);
 *   - header time (BFT median time of the precommits, section 1.5) is left to the engine, which
 *     owns the clock; timeout_commit is counted from the previous commit, skip_timeout_commit
 *     false.
 *
 * AK_EINVAL if an argument is NULL (flags excepted), max_rounds < 1, cur is empty or has no
 * proposer, or a timeout is negative; AK_EOVERFLOW if a duration leaves int64; AK_ENOMEM only
 * for sets above 256 validators whose round scratch cannot be allocated. The state is never
 * changed. O(n * rounds tried). */
int ak_consensus_produce(const ak_consensus *c, const ak_timeouts *t, const bool *online,
                         int32_t max_rounds, ak_block_outcome *out, uint8_t *flags);

#endif
