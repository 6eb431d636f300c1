/*
 * protocol/consensus.c: CometBFT v0.38 validator sets, proposer selection, the three sets over
 * time and the block production model (see consensus.h; chain-rules.md section 1, numbers in
 * section 8.1 to 8.3). Transcribed from cometbft types/validator_set.go, state/execution.go
 * (updateState) and consensus/state.go (enterNewRound) at tag v0.38.21.
 */
#include "consensus.h"

#include <stdlib.h>
#include <string.h>

#include "errors.h"

/* Sets up to this size find their round proposers in a stack buffer (6 KiB); Akash runs 100
 * active validators. Larger sets allocate scratch for rounds beyond 0. */
#define ROUND_SCRATCH_VALS 256u

/* The defaults of ak_timeouts_default, in one table (DESIGN.md convention 10). */
static const ak_timeouts default_timeouts = {
    .propose = 3000000,         /* CometBFT timeout_propose 3 s */
    .propose_delta = 500000,    /* timeout_propose_delta 500 ms */
    .prevote = 1000000,         /* timeout_prevote 1 s */
    .prevote_delta = 500000,    /* timeout_prevote_delta 500 ms */
    .precommit = 1000000,       /* timeout_precommit 1 s */
    .precommit_delta = 500000,  /* timeout_precommit_delta 500 ms */
    .commit = 5000000,          /* Akash's config.toml timeout_commit 5 s */
    .gossip = 1000000,          /* model parameter: happy-path latency, 5 s + 1 s = 6 s blocks */
};

/* ---- arithmetic as Go does it ---- */

/* safeAddClip / safeSubClip (types/validator.go helpers): clip to the int64 range. */
static int64_t sat_add(int64_t a, int64_t b)
{
    int64_t r;
    if (__builtin_add_overflow(a, b, &r))
        return b > 0 ? INT64_MAX : INT64_MIN;
    return r;
}

static int64_t sat_sub(int64_t a, int64_t b)
{
    int64_t r;
    if (__builtin_sub_overflow(a, b, &r))
        return b < 0 ? INT64_MAX : INT64_MIN;
    return r;
}

/* bytes.Compare of two names: memcmp on the common prefix, then the shorter first. Interning
 * makes equal names equal ids, so the id test is a shortcut, not a different rule. */
static int addr_cmp(const ak_strtab *s, ak_addr a, ak_addr b)
{
    if (a == b)
        return 0;
    uint32_t la = ak_strtab_len(s, a), lb = ak_strtab_len(s, b);
    int c = memcmp(ak_strtab_get(s, a), ak_strtab_get(s, b), la < lb ? la : lb);
    if (c != 0)
        return c;
    return la < lb ? -1 : la > lb;
}

static bool addr_valid(const ak_strtab *s, ak_addr a)
{
    return a != AK_ADDR_NONE && a < s->len;
}

/* ---- priority arithmetic on a bare array (sets and round scratch share it) ---- */

/* RescalePriorities. Go computes max - min and diff + diffMax - 1 in int64; 128 bits give the
 * same numbers whenever Go's do not wrap (MaxTotalVotingPower rules that out) and never UB. */
static void rescale_vals(ak_cval *v, uint32_t n, int64_t diff_max)
{
    if (diff_max <= 0 || n == 0)
        return;
    int64_t mx = INT64_MIN, mn = INT64_MAX;
    for (uint32_t i = 0; i < n; i++) {
        if (v[i].priority < mn)
            mn = v[i].priority;
        if (v[i].priority > mx)
            mx = v[i].priority;
    }
    __int128 diff = (__int128)mx - mn;
    if (diff <= diff_max)
        return;
    __int128 ratio = (diff + diff_max - 1) / diff_max; /* ceiling; ratio >= 2 here */
    for (uint32_t i = 0; i < n; i++)
        v[i].priority = (int64_t)(v[i].priority / ratio); /* C and Go both truncate */
}

/* shiftByAvgProposerPriority: big.Int Div is Euclidean, i.e. the floor for a positive n. */
static void center_vals(ak_cval *v, uint32_t n)
{
    if (n == 0)
        return;
    __int128 sum = 0;
    for (uint32_t i = 0; i < n; i++)
        sum += v[i].priority;
    __int128 q = sum / n;
    if (sum % n != 0 && sum < 0)
        q -= 1;
    int64_t avg = (int64_t)q; /* an average of int64s is an int64 */
    for (uint32_t i = 0; i < n; i++)
        v[i].priority = sat_sub(v[i].priority, avg);
}

/* One incrementProposerPriority: add powers, pick the largest priority (getValWithMostPriority
 * scans in index order; ties go to the smaller address, compared through the cached ranks),
 * take the total off the one picked. Returns its index. */
static uint32_t step_vals(ak_cval *v, uint32_t n, int64_t total, const uint32_t *rank,
                          ak_prio_stats *st, __int128 sum)
{
    /* Two passes without data-dependent branches: add the powers (clipping as Go does; on the
     * way the smallest and the largest value), then find the largest value's holder with the
     * smallest address rank. */
    int64_t mn = INT64_MAX, top = INT64_MIN;
    bool clipped = false;
    for (uint32_t i = 0; i < n; i++) {
        int64_t p, w = v[i].power;
        bool o = __builtin_add_overflow(v[i].priority, w, &p);
        p = o ? (w > 0 ? INT64_MAX : INT64_MIN) : p;
        clipped |= o;
        v[i].priority = p;
        mn = p < mn ? p : mn;
        top = p > top ? p : top;
    }
    uint32_t best = n;
    for (uint32_t i = 0; i < n; i++)
        if (v[i].priority == top && (best == n || rank[i] < rank[best]))
            best = i;
    int64_t old = v[best].priority, now;
    if (__builtin_sub_overflow(old, total, &now)) {
        now = sat_sub(old, total);
        clipped = true;
    }
    v[best].priority = now;
    if (st) {
        /* Adding every power and taking the total off one leaves the sum as it was, unless a
         * value was clipped (then count again). best held the largest value, so with n > 1
         * the others hold the smallest; the old largest bounds the new one from above, which
         * is all the next rescale test needs (rescale_vals measures the exact spread). */
        if (clipped) {
            sum = 0;
            for (uint32_t i = 0; i < n; i++)
                sum += v[i].priority;
        }
        st->sum = sum;
        st->min = n > 1 && mn < now ? mn : now;
        st->max = n > 1 && top > now ? top : now;
        st->known = true;
    }
    return best;
}

/* IncrementProposerPriority(times) on a non-empty array: one rescale, one centering, then
 * `times` steps. Returns the index picked by the last step.
 *
 * The same arithmetic as rescale_vals then center_vals, with their scans fused: one pass finds
 * the minimum, the maximum and the sum; the rescale pass runs only when the spread is too
 * wide (then the sum is taken again), and the centering pass only when the average is not 0.
 * In steady state a step leaves the sum as it was (it adds the total power and takes it off
 * one validator), so after the first centering the average stays 0 and a block costs this
 * scan and one step. */
static uint32_t increment_vals(ak_cval *v, uint32_t n, int64_t total, const uint32_t *rank,
                               int64_t times, ak_prio_stats *st)
{
    int64_t diff_max = sat_add(total, total); /* AK_PRIORITY_WINDOW_FACTOR * total */
    int64_t mx = INT64_MIN, mn = INT64_MAX;
    __int128 sum = 0;
    bool known = st && st->known;
    if (known) {
        mn = st->min; /* what the last step left; mx is an upper bound there */
        mx = st->max;
        sum = st->sum;
    }
    if (!known) {
        mx = INT64_MIN, mn = INT64_MAX, sum = 0;
        for (uint32_t i = 0; i < n; i++) {
            int64_t p = v[i].priority;
            if (p < mn)
                mn = p;
            if (p > mx)
                mx = p;
            sum += p;
        }
    }
    if (diff_max > 0 && (__int128)mx - mn > diff_max) {
        rescale_vals(v, n, diff_max); /* finds the exact spread itself: a loose bound is safe */
        sum = 0;
        for (uint32_t i = 0; i < n; i++)
            sum += v[i].priority;
    }
    /* shiftByAvgProposerPriority: big.Int Div is Euclidean, i.e. the floor for a positive n
     * (0 <= sum < n, the steady case, needs no division) */
    int64_t avg = 0;
    if (sum < 0 || sum >= n) {
        __int128 q = sum / n;
        if (sum % n != 0 && sum < 0)
            q -= 1;
        avg = (int64_t)q;
    }
    if (avg != 0) {
        sum = 0;
        for (uint32_t i = 0; i < n; i++) {
            v[i].priority = sat_sub(v[i].priority, avg);
            sum += v[i].priority;
        }
    }
    uint32_t best = 0;
    for (int64_t t = 0; t < times; t++)
        best = step_vals(v, n, total, rank, t + 1 == times ? st : NULL, sum);
    return best;
}

/* ---- storage: vals, rank and byaddr in one allocation ---- */

static int alloc_storage(uint32_t cap, ak_cval **vals, uint32_t **rank, uint32_t **byaddr)
{
    size_t sz = (size_t)cap * (sizeof(ak_cval) + 2 * sizeof(uint32_t));
    ak_cval *v = malloc(sz);
    if (!v)
        return AK_ENOMEM;
    *vals = v;
    *rank = (uint32_t *)(void *)(v + cap);
    *byaddr = *rank + cap;
    return 0;
}

void ak_valset_init(ak_valset *vs, const ak_strtab *strs)
{
    memset(vs, 0, sizeof *vs);
    vs->proposer = -1;
    vs->strs = strs;
}

void ak_valset_fini(ak_valset *vs)
{
    if (!vs)
        return;
    free(vs->vals);
    ak_valset_init(vs, vs->strs);
}

int ak_valset_reserve(ak_valset *vs, uint32_t cap)
{
    if (cap <= vs->cap)
        return 0;
    ak_cval *v;
    uint32_t *rank, *byaddr;
    if (alloc_storage(cap, &v, &rank, &byaddr))
        return AK_ENOMEM;
    if (vs->n > 0) {
        memcpy(v, vs->vals, vs->n * sizeof *v);
        memcpy(rank, vs->rank, vs->n * sizeof *rank);
        memcpy(byaddr, vs->byaddr, vs->n * sizeof *byaddr);
    }
    free(vs->vals);
    vs->vals = v;
    vs->rank = rank;
    vs->byaddr = byaddr;
    vs->cap = cap;
    return 0;
}

int ak_valset_copy(ak_valset *dst, const ak_valset *src)
{
    if (dst == src)
        return 0;
    if (dst->cap < src->n) {
        ak_cval *v;
        uint32_t *rank, *byaddr;
        if (alloc_storage(src->n, &v, &rank, &byaddr))
            return AK_ENOMEM;
        free(dst->vals);
        dst->vals = v;
        dst->rank = rank;
        dst->byaddr = byaddr;
        dst->cap = src->n;
    }
    if (src->n > 0) {
        memcpy(dst->vals, src->vals, src->n * sizeof *src->vals);
        memcpy(dst->rank, src->rank, src->n * sizeof *src->rank);
        memcpy(dst->byaddr, src->byaddr, src->n * sizeof *src->byaddr);
    }
    dst->n = src->n;
    dst->total = src->total;
    dst->gen = src->gen;
    dst->stats = src->stats;
    dst->proposer = src->proposer;
    dst->strs = src->strs;
    return 0;
}

/* ---- sorting: a stable bottom-up merge sort of index arrays with a context comparator ---- */

typedef int (*idx_cmp_fn)(const void *ctx, uint32_t a, uint32_t b);

static void sort_idx(uint32_t *a, uint32_t *tmp, uint32_t n, idx_cmp_fn cmp, const void *ctx)
{
    uint32_t *src = a, *dst = tmp;
    for (uint64_t w = 1; w < n; w *= 2) {
        for (uint64_t lo = 0; lo < n; lo += 2 * w) {
            uint64_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
            uint64_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                dst[k++] = cmp(ctx, src[j], src[i]) < 0 ? src[j++] : src[i++];
            while (i < mid)
                dst[k++] = src[i++];
            while (j < hi)
                dst[k++] = src[j++];
        }
        uint32_t *t = src;
        src = dst;
        dst = t;
    }
    if (src != a)
        memcpy(a, src, n * sizeof *a);
}

struct changes_ctx {
    const ak_strtab *strs;
    const ak_valupdate *u;
};

/* ValidatorsByAddress. */
static int cmp_change_addr(const void *ctx, uint32_t a, uint32_t b)
{
    const struct changes_ctx *c = ctx;
    return addr_cmp(c->strs, c->u[a].addr, c->u[b].addr);
}

/* ValidatorsByVotingPower over an array in address order: power descending, then position
 * (= address) ascending. */
static int cmp_power_desc(const void *ctx, uint32_t a, uint32_t b)
{
    const ak_cval *m = ctx;
    if (m[a].power != m[b].power)
        return m[a].power > m[b].power ? -1 : 1;
    return a < b ? -1 : a > b;
}

/* ---- UpdateWithChangeSet ---- */

int ak_valset_update(ak_valset *vs, const ak_valupdate *u, uint32_t n)
{
    if (n == 0)
        return 0; /* updateWithChangeSet returns before touching anything */
    if (!vs || !u || !vs->strs)
        return AK_EINVAL;
    vs->gen++; /* even if it fails below: a set whose update failed is discarded anyway */
    vs->stats.known = false;
    const ak_strtab *strs = vs->strs;
    for (uint32_t k = 0; k < n; k++)
        if (!addr_valid(strs, u[k].addr))
            return AK_EINVAL;

    /* Scratch: the merged list (address order), the power-order permutation, the changes in
     * address order, the existing index each change names, and the sort's buffer. */
    size_t mmax = (size_t)vs->n + n;
    size_t sz = mmax * (sizeof(ak_cval) + 2 * sizeof(uint32_t)) + (size_t)n * 2 * sizeof(uint32_t);
    ak_cval *merged = malloc(sz);
    if (!merged)
        return AK_ENOMEM;
    uint32_t *perm = (uint32_t *)(void *)(merged + mmax);
    uint32_t *tmp = perm + mmax;
    uint32_t *ord = tmp + mmax;
    int32_t *where = (int32_t *)(ord + n);
    int rc = AK_EINVAL;

    /* processChanges: sort by address; duplicates, negative or oversized powers are errors. */
    for (uint32_t k = 0; k < n; k++)
        ord[k] = k;
    struct changes_ctx cc = {strs, u};
    sort_idx(ord, tmp, n, cmp_change_addr, &cc);
    for (uint32_t k = 0; k < n; k++) {
        const ak_valupdate *c = &u[ord[k]];
        if (k > 0 && c->addr == u[ord[k - 1]].addr)
            goto out;
        if (c->power < 0 || c->power > AK_MAX_TOTAL_VOTING_POWER)
            goto out;
    }

    /* Which existing validator each change names: one merge walk of two address orders. */
    uint32_t i = 0, nnew = 0, ndel = 0;
    for (uint32_t k = 0; k < n; k++) {
        ak_addr a = u[ord[k]].addr;
        while (i < vs->n && addr_cmp(strs, vs->vals[vs->byaddr[i]].addr, a) < 0)
            i++;
        where[k] = i < vs->n && vs->vals[vs->byaddr[i]].addr == a ? (int32_t)vs->byaddr[i] : -1;
        if (u[ord[k]].power == 0)
            ndel++;
        else if (where[k] < 0)
            nnew++;
    }
    /* The result would be empty; then verifyRemovals: an unknown removal. */
    if (nnew == 0 && vs->n == ndel)
        goto out;
    __int128 removed = 0;
    for (uint32_t k = 0; k < n; k++) {
        if (u[ord[k]].power != 0)
            continue;
        if (where[k] < 0)
            goto out;
        removed += vs->vals[where[k]].power;
    }
    /* verifyUpdates adds the deltas in ascending order to the total after removals and fails
     * once the running sum passes the maximum. The running sum of an ascending sequence falls
     * then rises, and it starts at most at the maximum, so it passes the maximum iff its end
     * does: the final total after removals. */
    __int128 after = (__int128)vs->total - removed;
    for (uint32_t k = 0; k < n; k++) {
        int64_t p = u[ord[k]].power;
        if (p != 0)
            after += p - (where[k] >= 0 ? vs->vals[where[k]].power : 0);
    }
    if (after > AK_MAX_TOTAL_VOTING_POWER)
        goto out;
    uint64_t m = vs->n - ndel + nnew;
    if (m > INT32_MAX) {
        rc = AK_EOVERFLOW;
        goto out;
    }
    /* tvp with every update applied and the removals not yet: < 2 * MaxTotalVotingPower, so
     * -(tvp + tvp / 8) fits in int64 (computeNewPriorities). */
    int64_t tvp = (int64_t)(after + removed);
    int64_t new_prio = -(tvp + (tvp >> 3));

    /* applyUpdates then applyRemovals, as one merge of two address orders. */
    uint32_t mi = 0, k = 0;
    i = 0;
    while (i < vs->n || k < n) {
        if (k == n || (i < vs->n && addr_cmp(strs, vs->vals[vs->byaddr[i]].addr, u[ord[k]].addr) < 0)) {
            merged[mi++] = vs->vals[vs->byaddr[i++]];
            continue;
        }
        const ak_valupdate *c = &u[ord[k]];
        if (where[k] >= 0) {
            i++;
            if (c->power > 0)
                merged[mi++] = (ak_cval){c->addr, c->power, vs->vals[where[k]].priority};
        } else {
            merged[mi++] = (ak_cval){c->addr, c->power, new_prio};
        }
        k++;
    }
    int64_t total = (int64_t)after;

    /* Scale and center, then sort into index order. */
    rescale_vals(merged, mi, sat_add(total, total));
    center_vals(merged, mi);
    for (uint32_t j = 0; j < mi; j++)
        perm[j] = j;
    sort_idx(perm, tmp, mi, cmp_power_desc, merged);

    /* Only allocation can fail from here; do it before the set changes. The proposer keeps
     * its validator (Go keeps the Proposer pointer; increments replace it anyway). */
    ak_addr prop = vs->proposer >= 0 ? vs->vals[vs->proposer].addr : AK_ADDR_NONE;
    if (vs->cap < mi) {
        ak_cval *v;
        uint32_t *rank, *byaddr;
        if (alloc_storage(mi, &v, &rank, &byaddr)) {
            rc = AK_ENOMEM;
            goto out;
        }
        free(vs->vals);
        vs->vals = v;
        vs->rank = rank;
        vs->byaddr = byaddr;
        vs->cap = mi;
    }
    int32_t np = -1;
    for (uint32_t j = 0; j < mi; j++) {
        vs->vals[j] = merged[perm[j]];
        vs->rank[j] = perm[j]; /* merged is in address order: its index is the address rank */
        vs->byaddr[perm[j]] = j;
        if (vs->vals[j].addr == prop)
            np = (int32_t)j;
    }
    vs->proposer = np;
    vs->n = mi;
    vs->total = total;
    rc = 0;
out:
    free(merged);
    return rc;
}

int ak_valset_new(ak_valset *vs, const ak_strtab *strs, const ak_valupdate *u, uint32_t n)
{
    if (!vs)
        return AK_EINVAL;
    ak_valset_init(vs, strs);
    if (!strs || !u || n == 0)
        return AK_EINVAL;
    for (uint32_t k = 0; k < n; k++)
        if (u[k].power == 0)
            return AK_EINVAL;
    int rc = ak_valset_update(vs, u, n);
    if (rc == 0)
        rc = ak_valset_increment(vs, 1);
    if (rc)
        ak_valset_fini(vs);
    return rc;
}

int ak_valset_increment(ak_valset *vs, int64_t times)
{
    if (!vs || vs->n == 0 || times < 1)
        return AK_EINVAL;
    vs->proposer = (int32_t)increment_vals(vs->vals, vs->n, vs->total, vs->rank, times, &vs->stats);
    return 0;
}

void ak_valset_priorities_changed(ak_valset *vs)
{
    if (vs)
        vs->stats.known = false;
}

int ak_valset_rescale(ak_valset *vs, int64_t diff_max)
{
    if (!vs || vs->n == 0)
        return AK_EINVAL;
    rescale_vals(vs->vals, vs->n, diff_max);
    vs->stats.known = false;
    return 0;
}

int ak_valset_center(ak_valset *vs)
{
    if (!vs || vs->n == 0)
        return AK_EINVAL;
    center_vals(vs->vals, vs->n);
    vs->stats.known = false;
    return 0;
}

ak_addr ak_valset_proposer(const ak_valset *vs)
{
    if (!vs || vs->proposer < 0 || (uint32_t)vs->proposer >= vs->n)
        return AK_ADDR_NONE;
    return vs->vals[vs->proposer].addr;
}

int32_t ak_valset_index(const ak_valset *vs, ak_addr a)
{
    if (!vs || vs->n == 0 || !vs->strs || !addr_valid(vs->strs, a))
        return -1;
    uint32_t lo = 0, hi = vs->n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        uint32_t idx = vs->byaddr[mid];
        int c = addr_cmp(vs->strs, vs->vals[idx].addr, a);
        if (c == 0)
            return (int32_t)idx;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

int ak_valset_check(const ak_valset *vs)
{
    if (!vs || vs->n > vs->cap || vs->proposer < -1 || (vs->proposer >= 0 && (uint32_t)vs->proposer >= vs->n))
        return AK_EINVARIANT;
    if (vs->n == 0)
        return vs->total == 0 ? 0 : AK_EINVARIANT;
    if (!vs->strs || !vs->vals)
        return AK_EINVARIANT;
    __int128 sum = 0;
    for (uint32_t i = 0; i < vs->n; i++) {
        const ak_cval *v = &vs->vals[i];
        if (!addr_valid(vs->strs, v->addr) || v->power < 1 || v->power > AK_MAX_TOTAL_VOTING_POWER)
            return AK_EINVARIANT;
        sum += v->power;
        if (i > 0) {
            const ak_cval *p = &vs->vals[i - 1];
            if (p->power < v->power ||
                (p->power == v->power && addr_cmp(vs->strs, p->addr, v->addr) >= 0))
                return AK_EINVARIANT;
        }
        if (vs->rank[i] >= vs->n || vs->byaddr[vs->rank[i]] != i)
            return AK_EINVARIANT;
    }
    if (sum != vs->total || vs->total > AK_MAX_TOTAL_VOTING_POWER)
        return AK_EINVARIANT;
    for (uint32_t k = 1; k < vs->n; k++)
        if (addr_cmp(vs->strs, vs->vals[vs->byaddr[k - 1]].addr, vs->vals[vs->byaddr[k]].addr) >= 0)
            return AK_EINVARIANT;
    return 0;
}

int64_t ak_quorum(int64_t total)
{
    return (int64_t)((__int128)total * 2 / 3 + 1);
}

/* ---- the three sets ---- */

int ak_consensus_genesis(ak_consensus *c, const ak_strtab *strs, const ak_valupdate *v, uint32_t n)
{
    if (!c)
        return AK_EINVAL;
    memset(c, 0, sizeof *c);
    ak_valset_init(&c->last, strs);
    ak_valset_init(&c->next, strs);
    ak_valset_init(&c->spare, strs);
    int rc = ak_valset_new(&c->cur, strs, v, n);
    if (rc)
        goto fail;
    if ((rc = ak_valset_reserve(&c->last, n)) || (rc = ak_valset_reserve(&c->spare, n)) ||
        (rc = ak_valset_reserve(&c->next, n)) || (rc = ak_valset_copy(&c->next, &c->cur)) ||
        (rc = ak_valset_increment(&c->next, 1)))
        goto fail;
    c->height = 1;
    return 0;
fail:
    ak_consensus_fini(c);
    return rc;
}

void ak_consensus_fini(ak_consensus *c)
{
    if (!c)
        return;
    ak_valset_fini(&c->last);
    ak_valset_fini(&c->cur);
    ak_valset_fini(&c->next);
    ak_valset_fini(&c->spare);
    c->height = 0;
}

int ak_consensus_commit(ak_consensus *c, const ak_valupdate *u, uint32_t n)
{
    if (!c || (n > 0 && !u) || c->cur.n == 0 || c->next.n == 0)
        return AK_EINVAL;
    if (c->height == INT64_MAX)
        return AK_EOVERFLOW;
    /* updateState: nValSet = NextValidators.Copy(); UpdateWithChangeSet if the app returned
     * updates; IncrementProposerPriority(1). Built in the spare storage so a failure leaves the
     * three sets as they were. */
    ak_valset *s = &c->spare;
    int rc = ak_valset_copy(s, &c->next);
    if (rc == 0 && n > 0)
        rc = ak_valset_update(s, u, n);
    if (rc == 0)
        rc = ak_valset_increment(s, 1);
    if (rc)
        return rc;
    ak_valset recycled = c->last;
    c->last = c->cur;
    c->cur = c->next;
    c->next = *s;
    *s = recycled;
    c->height++;
    return 0;
}

/* Scratch for round copies: the stack for sets up to ROUND_SCRATCH_VALS. */
static ak_cval *round_scratch(const ak_valset *cur, ak_cval *stack)
{
    ak_cval *v = cur->n <= ROUND_SCRATCH_VALS ? stack : malloc(cur->n * sizeof *v);
    if (v)
        memcpy(v, cur->vals, cur->n * sizeof *v);
    return v;
}

ak_addr ak_consensus_round_proposer(const ak_consensus *c, int32_t round)
{
    if (!c || round < 0 || c->cur.n == 0 || c->cur.proposer < 0 ||
        (uint32_t)c->cur.proposer >= c->cur.n)
        return AK_ADDR_NONE;
    const ak_valset *cur = &c->cur;
    if (round == 0)
        return cur->vals[cur->proposer].addr;
    ak_cval stack[ROUND_SCRATCH_VALS];
    ak_cval *v = round_scratch(cur, stack);
    if (!v)
        return AK_ADDR_NONE;
    uint32_t best = 0;
    for (int32_t r = 1; r <= round; r++)
        best = increment_vals(v, cur->n, cur->total, cur->rank, 1, NULL);
    ak_addr a = v[best].addr;
    if (v != stack)
        free(v);
    return a;
}

int ak_consensus_check(const ak_consensus *c)
{
    if (!c || c->height < 1)
        return AK_EINVARIANT;
    if (ak_valset_check(&c->last) || ak_valset_check(&c->cur) || ak_valset_check(&c->next))
        return AK_EINVARIANT;
    if (c->cur.n == 0 || c->cur.proposer < 0 || c->next.n == 0 || c->next.proposer < 0)
        return AK_EINVARIANT;
    if ((c->height == 1) != (c->last.n == 0))
        return AK_EINVARIANT;
    return 0;
}

/* ---- timeouts and production ---- */

void ak_timeouts_default(ak_timeouts *t)
{
    *t = default_timeouts;
}

/* base + r * delta, or AK_EOVERFLOW. */
static int round_timeout(int64_t base, int64_t delta, int32_t r, int64_t *out)
{
    int64_t d;
    if (__builtin_mul_overflow(delta, (int64_t)r, &d) || __builtin_add_overflow(base, d, out))
        return AK_EOVERFLOW;
    return 0;
}

int ak_consensus_produce(const ak_consensus *c, const ak_timeouts *t, const bool *online,
                         int32_t max_rounds, ak_block_outcome *out, uint8_t *flags)
{
    if (!c || !t || !online || !out || max_rounds < 1)
        return AK_EINVAL;
    const ak_valset *cur = &c->cur;
    if (cur->n == 0 || cur->proposer < 0 || (uint32_t)cur->proposer >= cur->n)
        return AK_EINVAL;
    if (t->propose < 0 || t->propose_delta < 0 || t->prevote < 0 || t->prevote_delta < 0 ||
        t->precommit < 0 || t->precommit_delta < 0 || t->commit < 0 || t->gossip < 0)
        return AK_EINVAL;

    int64_t live = 0; /* <= total <= MaxTotalVotingPower: no overflow */
    for (uint32_t i = 0; i < cur->n; i++)
        if (online[i])
            live += cur->vals[i].power;
    if (live < ak_quorum(cur->total)) {
        *out = (ak_block_outcome){false, 0, AK_ADDR_NONE, 0};
        return 0;
    }

    ak_cval stack[ROUND_SCRATCH_VALS];
    ak_cval *v = NULL;
    uint32_t prop = (uint32_t)cur->proposer;
    int64_t elapsed = 0;
    int32_t r;
    int rc = 0;
    for (r = 0; r < max_rounds; r++) {
        if (r > 0) {
            /* enterNewRound(H, r) from r - 1: the round copy is incremented once. */
            if (!v && !(v = round_scratch(cur, stack))) {
                rc = AK_ENOMEM;
                goto done;
            }
            prop = increment_vals(v, cur->n, cur->total, cur->rank, 1, NULL);
        }
        if (online[prop])
            break;
        /* Proposer offline: timeout_propose(r), nil polka, nil precommits, timeout_precommit(r). */
        int64_t tp, tc;
        if ((rc = round_timeout(t->propose, t->propose_delta, r, &tp)) ||
            (rc = round_timeout(t->precommit, t->precommit_delta, r, &tc)))
            goto done;
        if (__builtin_add_overflow(elapsed, tp, &elapsed) ||
            __builtin_add_overflow(elapsed, tc, &elapsed)) {
            rc = AK_EOVERFLOW;
            goto done;
        }
    }
    if (r == max_rounds) {
        *out = (ak_block_outcome){false, max_rounds, AK_ADDR_NONE, elapsed};
        goto done;
    }
    int64_t dur;
    if (__builtin_add_overflow(elapsed, t->gossip, &dur) ||
        __builtin_add_overflow(dur, t->commit, &dur)) {
        rc = AK_EOVERFLOW;
        goto done;
    }
    if (flags)
        for (uint32_t i = 0; i < cur->n; i++)
            flags[i] = online[i] ? AK_FLAG_COMMIT : AK_FLAG_ABSENT;
    *out = (ak_block_outcome){true, r, cur->vals[prop].addr, dur};
done:
    if (v && v != stack)
        free(v);
    return rc;
}
