/*
 * protocol/distribution.c: the distribution keeper: per-block allocation of the fee collector
 * to the LastCommit, commission, F1 fee distribution with its periods, historical rewards and
 * slash events, withdrawals and the staking hooks (x/distribution of Cosmos SDK v0.53;
 * chain-rules.md sections 4.1 and 4.3 to 4.6; worked numbers in sections 8.7 and 8.8).
 *
 * Read next to chain-rules.md section 4. The vocabulary is the SDK's (x/distribution/keeper):
 *   allocate        AllocateTokens / AllocateTokensToValidator (allocation.go), 4.1 and 4.3
 *   period          a validator's reward period; IncrementValidatorPeriod (validator.go) ends it
 *                   and folds its rewards per token into the cumulative ratio, 4.4
 *   hist            ValidatorHistoricalRewards {ratio, refcount}; deleted at refcount 0
 *   starting info   DelegatorStartingInfo {previous period, stake, height}, 4.4
 *   withdraw        withdrawDelegationRewards (delegation.go), WithdrawValidatorCommission
 *                   (keeper.go), 4.5
 *
 * All reward amounts are uakt LegacyDecs. DecCoins arithmetic of one denom reduces to the
 * Dec operation named beside each line (chain-rules.md 0.2); a DecCoins value with no uakt entry
 * is zero. Bank transfers move integers. Where the SDK panics (a broken invariant), the keeper
 * returns AK_EPANIC; where a record the SDK would have is missing, AK_EINVARIANT.
 *
 * Every write to state is preceded by a TOUCH so that a failed transaction can be rolled back
 * (store.h). Nothing here allocates per block once the cache has grown to the LastCommit.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app_int.h"
#include "errors.h"

#define TOUCH(p) AK_TOUCH(&app->store, (p))

static const __int128 DEC_ONE = (__int128)1000000000000000000;

/* ---- records ---- */

static ak_val_dist *vd_at(const ak_app *app, uint32_t h)
{
    return ak_pool_at(&app->distribution.vals, h);
}
static ak_hist_rewards *hist_at(const ak_app *app, uint32_t h)
{
    return ak_pool_at(&app->distribution.hist, h);
}
static ak_slash_event *ev_at(const ak_app *app, uint32_t h)
{
    return ak_pool_at(&app->distribution.events, h);
}
static ak_starting_info *si_at(const ak_app *app, uint32_t h)
{
    return ak_pool_at(&app->distribution.starting, h);
}

/* The denom rewards are paid in: what mint deposits in the fee collector (see distribution.h). */
static ak_denom reward_denom(const ak_app *app)
{
    return app->uakt;
}

static ak_addr dist_addr(const ak_app *app)
{
    return ak_bank_module_addr(&app->bank, AK_MODULE_DISTRIBUTION);
}

void ak_distribution_init(ak_distribution *d, ak_store *store)
{
    memset(d, 0, sizeof *d);
    ak_pool_init(&d->vals, store, sizeof(ak_val_dist));
    ak_pool_init(&d->hist, store, sizeof(ak_hist_rewards));
    ak_pool_init(&d->events, store, sizeof(ak_slash_event));
    ak_pool_init(&d->starting, store, sizeof(ak_starting_info));
    d->free_hist = AK_POOL_NONE;
    d->free_events = AK_POOL_NONE;
}

void ak_distribution_fini(ak_distribution *d)
{
    if (!d)
        return;
    ak_pool_fini(&d->vals);
    ak_pool_fini(&d->hist);
    ak_pool_fini(&d->events);
    ak_pool_fini(&d->starting);
    free(d->cache.slots);
    memset(&d->cache, 0, sizeof d->cache);
}

/* The records of a validator, or NULL when it has none (never created, or removed). */
static ak_val_dist *val_dist(const ak_app *app, uint32_t val)
{
    if (val >= app->distribution.vals.len)
        return NULL;
    ak_val_dist *vd = vd_at(app, val);
    return vd->period ? vd : NULL;
}

/* Grow a pool of per-handle records (zeroed) until it holds handle h. */
static int grow_to(ak_pool *pool, uint32_t h)
{
    while (pool->len <= h) {
        uint32_t nh;
        void *obj;
        if (ak_pool_add(pool, &nh, &obj))
            return AK_ENOMEM;
    }
    return 0;
}

/* FeePool.CommunityPool.Add of a uakt Dec. A zero amount adds nothing (DecCoins drop zero
 * coins), so no empty entry is created. */
static int pool_add(ak_app *app, ak_dec amount)
{
    if (ak_dec_is_zero(amount))
        return 0;
    return ak_app_community_pool_add(app, reward_denom(app), amount);
}

/* TruncateDecimal of one coin: integer part toward zero and the decimal remainder. */
static int truncate_decimal(ak_dec a, ak_amount *whole, ak_dec *rem)
{
    ak_amount w;
    if (ak_dec_truncate_int(a, &w) || ak_dec_sub(a, ak_dec_from_int(w), rem))
        return AK_EOVERFLOW;
    *whole = w;
    return 0;
}

/* ---- historical rewards: allocation and reference counts ---- */

/* SetValidatorHistoricalRewards(val, period, {ratio, 1}) on a fresh record, reusing a freed one
 * when there is one. */
static int hist_new(ak_app *app, uint32_t val, uint64_t period, ak_dec ratio, uint32_t *out)
{
    ak_distribution *d = &app->distribution;
    uint32_t h = d->free_hist;
    ak_hist_rewards *r;
    if (h != AK_POOL_NONE) {
        r = hist_at(app, h);
        TOUCH(&d->free_hist);
        d->free_hist = r->next_free;
        TOUCH(r);
    } else {
        void *obj;
        if (ak_pool_add(&d->hist, &h, &obj))
            return AK_ENOMEM;
        r = obj;
    }
    r->ratio = ratio;
    r->period = period;
    r->val = val;
    r->refcount = 1;
    r->next_free = AK_POOL_NONE;
    *out = h;
    return 0;
}

/* incrementReferenceCount: "reference count should never exceed 2" (a panic upstream). */
static int hist_incref(ak_app *app, uint32_t h)
{
    ak_hist_rewards *r = hist_at(app, h);
    if (r->refcount == 0 || r->refcount >= 2)
        return AK_EPANIC;
    TOUCH(&r->refcount);
    r->refcount++;
    return 0;
}

/* Put a record on the free list (DeleteValidatorHistoricalReward). */
static void hist_free(ak_app *app, uint32_t h)
{
    ak_distribution *d = &app->distribution;
    ak_hist_rewards *r = hist_at(app, h);
    TOUCH(r);
    r->refcount = 0;
    r->ratio = ak_dec_zero();
    r->period = 0;
    r->val = 0;
    TOUCH(&d->free_hist);
    r->next_free = d->free_hist;
    d->free_hist = h;
}

/* decrementReferenceCount: deleted at zero; "cannot set negative reference count" (a panic). */
static int hist_decref(ak_app *app, uint32_t h)
{
    ak_hist_rewards *r = hist_at(app, h);
    if (r->refcount == 0)
        return AK_EPANIC;
    if (r->refcount == 1) {
        hist_free(app, h);
        return 0;
    }
    TOUCH(&r->refcount);
    r->refcount--;
    return 0;
}

/* ---- periods (chain-rules.md 4.4) ---- */

/* IncrementValidatorPeriod: end the current period p, fold its rewards per token into hist[p]
 * (or, for a validator without tokens, hand them to the community pool), start p + 1. The ended
 * period goes to *ended. */
static int increment_period(ak_app *app, uint32_t val, uint64_t *ended)
{
    ak_val_dist *vd = val_dist(app, val);
    if (!vd)
        return AK_EINVARIANT;
    const ak_validator *v = ak_val(app, val);
    ak_dec current = ak_dec_zero();
    int rc;
    TOUCH(vd);
    if (v->tokens == 0) {
        /* can't calculate ratio for zero-token validators: rewards to the community pool */
        if ((rc = pool_add(app, vd->cur_rewards)))
            return rc;
        if (ak_dec_sub(vd->outstanding, vd->cur_rewards, &vd->outstanding))
            return AK_EOVERFLOW;
    } else if (ak_dec_quo_truncate(vd->cur_rewards, ak_dec_from_int(v->tokens), &current)) {
        return AK_EOVERFLOW; /* QuoDecTruncate: never withdraw more than owed */
    }
    uint32_t prev = vd->prev_hist;
    ak_dec ratio;
    if (ak_dec_add(hist_at(app, prev)->ratio, current, &ratio))
        return AK_EOVERFLOW;
    if ((rc = hist_decref(app, prev)))
        return rc;
    uint32_t h;
    if ((rc = hist_new(app, val, vd->period, ratio, &h)))
        return rc;
    *ended = vd->period;
    vd->prev_hist = h;
    vd->period++;
    vd->cur_rewards = ak_dec_zero();
    return 0;
}

/* calculateDelegationRewardsBetween: (ratio_end - ratio_start) x stake, MulDecTruncate. */
static int rewards_between(uint64_t start_period, ak_dec start_ratio, uint64_t end_period,
                           ak_dec end_ratio, ak_dec stake, ak_dec *out)
{
    if (start_period > end_period || ak_dec_is_negative(stake))
        return AK_EPANIC; /* "startingPeriod cannot be greater than endingPeriod",
                             "stake should not be negative" */
    ak_dec diff;
    if (ak_dec_sub(end_ratio, start_ratio, &diff))
        return AK_EOVERFLOW;
    if (ak_dec_is_negative(diff))
        return AK_EPANIC; /* "negative rewards should not be possible" */
    return ak_dec_mul_truncate(diff, stake, out) ? AK_EOVERFLOW : 0;
}

/* CalculateDelegationRewards up to end_period, whose cumulative ratio is end_ratio (the record
 * the caller just created, or the one a query would create). */
static int calc_rewards(const ak_app *app, uint32_t del, uint64_t end_period, ak_dec end_ratio,
                        ak_dec *out)
{
    const ak_starting_info *si = si_at(app, del);
    const ak_delegation *d = ak_del(app, del);
    const ak_validator *v = ak_val(app, d->val);
    const ak_val_dist *vd = val_dist(app, d->val);
    ak_dec rewards = ak_dec_zero(), r;
    int rc;
    if (!vd)
        return AK_EINVARIANT;
    if (si->height == app->height) {
        *out = rewards; /* started this height, no rewards yet */
        return 0;
    }
    uint64_t sp = si->previous_period;
    ak_dec sr = hist_at(app, si->hist)->ratio;
    ak_dec stake = si->stake;
    /* slash events at heights start .. now inclusive, in (height, period) order; each one whose
     * period lies after the current start closes a segment and reduces the stake */
    for (uint32_t eh = vd->slash_events; eh != AK_POOL_NONE; eh = ev_at(app, eh)->next) {
        const ak_slash_event *e = ev_at(app, eh);
        if (e->height < si->height)
            continue;
        if (e->height > app->height)
            break;
        if (e->period <= sp)
            continue;
        ak_dec er = hist_at(app, e->hist)->ratio, keep;
        if ((rc = rewards_between(sp, sr, e->period, er, stake, &r)))
            return rc;
        if (ak_dec_add(rewards, r, &rewards) ||
            ak_dec_sub(ak_dec_from_raw(DEC_ONE), e->fraction, &keep) ||
            ak_dec_mul_truncate(stake, keep, &stake))
            return AK_EOVERFLOW;
        sp = e->period;
        sr = er;
    }
    /* the stake sanity check: at most 3 ulp above the current value of the shares is clamped */
    ak_dec current, limit;
    if ((rc = ak_staking_tokens_from_shares(v, d->shares, &current)))
        return rc;
    if (ak_dec_cmp(stake, current) > 0) {
        if (ak_dec_add(current, ak_dec_from_raw(3), &limit))
            return AK_EOVERFLOW;
        if (ak_dec_cmp(stake, limit) > 0)
            return AK_EPANIC; /* "calculated final stake for delegator ... greater than current" */
        stake = current;
    }
    if ((rc = rewards_between(sp, sr, end_period, end_ratio, stake, &r)))
        return rc;
    if (ak_dec_add(rewards, r, &rewards))
        return AK_EOVERFLOW;
    *out = rewards;
    return 0;
}

/* initializeDelegation: starting info at the period just ended, with a reference on it, and
 * the stake TokensFromSharesTruncated(shares). */
static int initialize_delegation(ak_app *app, uint32_t del)
{
    ak_distribution *dist = &app->distribution;
    if (grow_to(&dist->starting, del))
        return AK_ENOMEM;
    const ak_delegation *d = ak_del(app, del);
    ak_val_dist *vd = val_dist(app, d->val);
    ak_starting_info *si = si_at(app, del);
    if (!vd || si->present)
        return AK_EINVARIANT; /* an existing record would leak its reference */
    int rc = hist_incref(app, vd->prev_hist);
    if (rc)
        return rc;
    ak_dec stake;
    if ((rc = ak_staking_tokens_from_shares_trunc(ak_val(app, d->val), d->shares, &stake)))
        return rc;
    TOUCH(si);
    si->stake = stake;
    si->previous_period = vd->period - 1;
    si->height = app->height;
    si->hist = vd->prev_hist;
    si->present = 1;
    return 0;
}

/* withdrawDelegationRewards (delegation.go): end the period, compute the rewards, bound them by
 * the outstanding rewards (Intersect), pay the integer part to the delegator, the remainder to
 * the community pool, and delete the starting info. The caller re-initialises it (the message)
 * or lets staking do so (AfterDelegationModified). The integer amount paid goes to *paid. */
static int withdraw_rewards(ak_app *app, uint32_t del, ak_amount *paid)
{
    if (del >= app->distribution.starting.len || !si_at(app, del)->present)
        return AK_EEMPTY_DELEGATION_DIST_INFO;
    const ak_delegation *d = ak_del(app, del);
    uint32_t val = d->val;
    uint64_t end;
    int rc = increment_period(app, val, &end);
    if (rc)
        return rc;
    ak_val_dist *vd = vd_at(app, val);
    ak_dec raw;
    if ((rc = calc_rewards(app, del, end, hist_at(app, vd->prev_hist)->ratio, &raw)))
        return rc;
    /* rewards.Intersect(outstanding): a per-denom minimum (outstanding is never negative) */
    ak_dec rewards = ak_dec_min(raw, vd->outstanding), rem;
    if (ak_dec_is_negative(rewards))
        rewards = ak_dec_zero();
    ak_amount whole;
    if ((rc = truncate_decimal(rewards, &whole, &rem)))
        return rc;
    if (whole > 0 &&
        (rc = ak_bank_send(&app->bank, dist_addr(app), d->delegator,
                           (ak_coin){reward_denom(app), whole})))
        return rc;
    TOUCH(&vd->outstanding);
    if (ak_dec_sub(vd->outstanding, rewards, &vd->outstanding))
        return AK_EOVERFLOW;
    if ((rc = pool_add(app, rem)))
        return rc;
    ak_starting_info *si = si_at(app, del);
    if ((rc = hist_decref(app, si->hist)))
        return rc;
    TOUCH(si);
    memset(si, 0, sizeof *si); /* DeleteDelegatorStartingInfo */
    *paid = whole;
    return 0;
}

/* ---- hooks called by staking (chain-rules.md 4.6; keeper/hooks.go) ---- */

/* ---- lazy accrual (see ak_dist_cache) ---- */

int ak_dist_sync(ak_app *app)
{
    ak_dist_cache *c = &app->distribution.cache;
    if (c->pending == 0 && !c->accrued)
        return 0;
    __int128 k = c->pending;
    for (uint32_t i = 0; i < c->n; i++) {
        ak_dist_slot *s = &c->slots[i];
        __int128 dc = 0, ds = 0, dr = 0;
        if (k != 0 && s->reward.v != 0 &&
            (__builtin_mul_overflow(s->commission.v, k, &dc) ||
             __builtin_mul_overflow(s->shared.v, k, &ds) ||
             __builtin_mul_overflow(s->reward.v, k, &dr)))
            return AK_EOVERFLOW;
        if (c->accrued && (s->acc_reward.v | s->acc_commission.v | s->acc_shared.v) != 0) {
            if (__builtin_add_overflow(dc, s->acc_commission.v, &dc) ||
                __builtin_add_overflow(ds, s->acc_shared.v, &ds) ||
                __builtin_add_overflow(dr, s->acc_reward.v, &dr))
                return AK_EOVERFLOW;
            TOUCH(&s->acc_reward);
            TOUCH(&s->acc_commission);
            TOUCH(&s->acc_shared);
            s->acc_reward = s->acc_commission = s->acc_shared = ak_dec_zero();
        }
        if ((dr | dc | ds) == 0)
            continue;
        ak_val_dist *vd = s->vd;
        TOUCH(vd);
        if (__builtin_add_overflow(vd->commission.v, dc, &vd->commission.v) ||
            __builtin_add_overflow(vd->cur_rewards.v, ds, &vd->cur_rewards.v) ||
            __builtin_add_overflow(vd->outstanding.v, dr, &vd->outstanding.v))
            return AK_EOVERFLOW;
    }
    TOUCH(&c->pending);
    c->pending = 0;
    TOUCH(&c->accrued);
    c->accrued = false;
    return 0;
}

/* Before a hook or a message touches validator rewards: apply what accrued, and check the
 * slots against their validators again at the next block. */
static int sync_for_change(ak_app *app)
{
    app->distribution.cache.steady = false;
    return ak_dist_sync(app);
}

#define SYNC_FIRST(app)                                                                            \
    do {                                                                                           \
        int sync_rc_ = sync_for_change(app);                                                       \
        if (sync_rc_)                                                                              \
            return sync_rc_;                                                                       \
    } while (0)

int ak_dist_after_validator_created(ak_app *app, uint32_t val)
{
    SYNC_FIRST(app);
    ak_distribution *d = &app->distribution;
    if (grow_to(&d->vals, val))
        return AK_ENOMEM;
    ak_val_dist *vd = vd_at(app, val);
    if (vd->period)
        return AK_EINVARIANT; /* records of a live validator would leak */
    uint32_t h;
    /* initializeValidator: hist[0] = 0 with one reference, current period 1 */
    int rc = hist_new(app, val, 0, ak_dec_zero(), &h);
    if (rc)
        return rc;
    vd = vd_at(app, val);
    TOUCH(vd);
    memset(vd, 0, sizeof *vd);
    vd->period = 1;
    vd->prev_hist = h;
    vd->slash_events = vd->slash_events_tail = AK_POOL_NONE;
    return 0;
}

int ak_dist_before_delegation_created(ak_app *app, uint32_t val)
{
    SYNC_FIRST(app);
    uint64_t ended;
    return increment_period(app, val, &ended);
}

int ak_dist_before_delegation_shares_modified(ak_app *app, uint32_t del)
{
    SYNC_FIRST(app);
    ak_amount paid;
    return withdraw_rewards(app, del, &paid);
}

int ak_dist_after_delegation_modified(ak_app *app, uint32_t del)
{
    SYNC_FIRST(app);
    return initialize_delegation(app, del);
}

/* updateValidatorSlashFraction: end the period, take a reference on it, record the event keyed
 * (height, period). Events are appended: heights and periods only grow, so the list stays in
 * key order. */
int ak_dist_before_validator_slashed(ak_app *app, uint32_t val, ak_dec fraction)
{
    SYNC_FIRST(app);
    if (ak_dec_is_negative(fraction) || ak_dec_cmp(fraction, ak_dec_from_raw(DEC_ONE)) > 0)
        return AK_EPANIC; /* "fraction must be >=0 and <=1" */
    uint64_t period;
    int rc = increment_period(app, val, &period);
    if (rc)
        return rc;
    ak_val_dist *vd = vd_at(app, val);
    if ((rc = hist_incref(app, vd->prev_hist)))
        return rc;
    ak_distribution *d = &app->distribution;
    uint32_t eh = d->free_events;
    ak_slash_event *e;
    if (eh != AK_POOL_NONE) {
        e = ev_at(app, eh);
        TOUCH(&d->free_events);
        d->free_events = e->next;
        TOUCH(e);
    } else {
        void *obj;
        if (ak_pool_add(&d->events, &eh, &obj))
            return AK_ENOMEM;
        e = obj;
    }
    e->fraction = fraction;
    e->height = app->height;
    e->period = period;
    e->hist = vd->prev_hist;
    e->next = AK_POOL_NONE;
    TOUCH(vd);
    if (vd->slash_events_tail == AK_POOL_NONE) {
        vd->slash_events = eh;
    } else {
        ak_slash_event *tail = ev_at(app, vd->slash_events_tail);
        TOUCH(&tail->next);
        tail->next = eh;
    }
    vd->slash_events_tail = eh;
    return 0;
}

/* AfterValidatorRemoved: force-withdraw the commission (integer part to the operator, remainder
 * to the community pool), the rest of the outstanding rewards (dust: the validator has no
 * delegations left) to the community pool, then delete every record of the validator. */
int ak_dist_after_validator_removed(ak_app *app, uint32_t val)
{
    SYNC_FIRST(app);
    ak_val_dist *vd = val_dist(app, val);
    if (!vd)
        return 0; /* nothing stored: the SDK reads empty records */
    ak_dec outstanding = vd->outstanding;
    int rc;
    if (!ak_dec_is_zero(vd->commission)) {
        ak_amount whole;
        ak_dec rem;
        if (ak_dec_sub(outstanding, vd->commission, &outstanding))
            return AK_EOVERFLOW;
        if ((rc = truncate_decimal(vd->commission, &whole, &rem)) || (rc = pool_add(app, rem)))
            return rc;
        if (whole > 0 &&
            (rc = ak_bank_send(&app->bank, dist_addr(app), ak_val(app, val)->addr,
                               (ak_coin){reward_denom(app), whole})))
            return rc;
    }
    if ((rc = pool_add(app, outstanding)))
        return rc;
    /* DeleteValidatorSlashEvents and DeleteValidatorHistoricalRewards: the records still held
     * are the previous period's and those of slash events (no delegation is left) */
    ak_distribution *d = &app->distribution;
    for (uint32_t eh = vd->slash_events; eh != AK_POOL_NONE;) {
        ak_slash_event *e = ev_at(app, eh);
        uint32_t next = e->next;
        if (hist_at(app, e->hist)->refcount)
            hist_free(app, e->hist);
        TOUCH(e);
        memset(e, 0, sizeof *e);
        TOUCH(&d->free_events);
        e->next = d->free_events;
        d->free_events = eh;
        eh = next;
    }
    if (hist_at(app, vd->prev_hist)->refcount)
        hist_free(app, vd->prev_hist);
    TOUCH(vd);
    memset(vd, 0, sizeof *vd); /* period 0: no records */
    return 0;
}

/* ---- BeginBlock allocation (chain-rules.md 4.1, 4.3) ---- */

/*
 * The arithmetic of one block, exactly as the SDK's, on scaled integers (raw = value x 10^18):
 *
 *   feeMultiplier = Dec(F) MulTruncate (1 - tax)    = F x v                  (v = 10^18 - tax raw;
 *                                                                             exact: F has no decimals)
 *   reward        = feeMultiplier MulTruncate fr    = floor(F x v x fr / 10^18)
 *                                                   = F x vq + floor(F x vr / 10^18)
 *                   where v x fr = vq x 10^18 + vr, computed once per LastCommit and tax;
 *   commission    = reward Mul rate, rounded half to even: with reward = a x 10^18 + b and
 *                   b x rate = c x 10^18 + d, the exact product / 10^18 is (a x rate + c) + d / 10^18,
 *                   so the quotient is a x rate + c and d decides the rounding.
 *
 * Every intermediate fits in 128 bits for F < 2^63 and tax, fraction, rate in [0, 1], and every
 * division by 10^18 has a dividend below 10^18 x 2^64, so one reciprocal step does it (no
 * 256-bit products, no hardware division): about ten multiplications per validator. Rates
 * outside [0, 1] (staking never stores one) take ak_dec_mul.
 */

typedef unsigned __int128 u128;

#define P18 UINT64_C(1000000000000000000)
#define HALF18 UINT64_C(500000000000000000)
#define P18_NORM UINT64_C(0xde0b6b3a76400000) /* 10^18 << 4: top bit set */
#define P18_SHIFT 4
#define P18_INV UINT64_C(0x2725dd1d243aba0e)  /* floor((2^128 - 1) / P18_NORM) - 2^64 */

/* (hi x 2^64 + lo) / 10^18 for hi < 10^18; remainder to *rem. Algorithm 4 of Moller and
 * Granlund on the normalized divisor. A copy of dec.c's div_step_p18 (static there): exporting
 * it from dec.h would remove this duplicate. */
static inline uint64_t div_p18(u128 x, uint64_t *rem)
{
    uint64_t hi = (uint64_t)(x >> 64), lo = (uint64_t)x;
    uint64_t n1 = (hi << P18_SHIFT) | (lo >> (64 - P18_SHIFT));
    uint64_t n0 = lo << P18_SHIFT;
    u128 p = (u128)n1 * P18_INV + (((u128)(n1 + 1) << 64) | n0); /* wraps mod 2^128: intended */
    uint64_t q = (uint64_t)(p >> 64);
    uint64_t r = n0 - q * P18_NORM;
    /* the first correction is taken about half the time: branch-free, as a mask */
    uint64_t mask = (uint64_t)0 - (uint64_t)(r > (uint64_t)p);
    q += mask;
    r += mask & P18_NORM;
    if (__builtin_expect(r >= P18_NORM, 0)) {
        q++;
        r -= P18_NORM;
    }
    *rem = r >> P18_SHIFT;
    return q;
}

static int cache_reserve(ak_dist_cache *c, uint32_t n)
{
    if (n <= c->cap)
        return 0;
    uint32_t nc = c->cap ? c->cap : 16;
    while (nc < n)
        nc *= 2;
    ak_dist_slot *s = realloc(c->slots, (size_t)nc * sizeof *s);
    if (!s)
        return AK_ENOMEM;
    c->slots = s;
    c->cap = nc;
    return 0;
}

/* Same LastCommit composition and powers as the cached one? */
static bool cache_same_commit(const ak_dist_cache *c, const ak_vote_info *votes, uint32_t n)
{
    if (c->n != n)
        return false;
    const ak_dist_slot *s = c->slots;
    for (uint32_t i = 0; i < n; i++)
        if (s[i].addr != votes[i].addr || s[i].power != votes[i].power)
            return false;
    return true;
}

/* Resolve each entry to its validator (ValidatorByConsAddr: a validator's consensus address is
 * its name) and compute fraction = power / total (QuoTruncate). An entry whose address is the
 * cached one at its index keeps its validator (a power change is the usual reason to be here).
 * QuoTruncate(Dec(p), Dec(t)) = floor(p x 10^36 / (t x 10^18)) = floor(p x 10^18 / t), one
 * 128-by-64-bit division (p <= t < 2^63). */
static int cache_rebuild(ak_app *app, int64_t total)
{
    ak_dist_cache *c = &app->distribution.cache;
    uint32_t n = app->nvotes, old = c->n;
    c->n = 0;
    c->epoch = 0;
    c->rewards_valid = c->v_valid = false;
    if (cache_reserve(c, n))
        return AK_ENOMEM;
    for (uint32_t i = 0; i < n; i++) {
        ak_dist_slot *s = &c->slots[i];
        ak_addr addr = app->votes[i].addr;
        int64_t power = app->votes[i].power;
        if (i >= old || s->addr != addr) {
            memset(s, 0, sizeof *s);
            s->addr = addr;
            s->val = ak_staking_find_val(app, addr);
            if (s->val == AK_POOL_NONE)
                return AK_ENO_VALIDATOR_FOUND; /* an error from BeginBlock halts the chain */
            s->vp = ak_val(app, s->val);
            if (!(s->vd = val_dist(app, s->val)))
                return AK_EINVARIANT;
        }
        if (power < 0 || power > total)
            return AK_EOVERFLOW;
        s->power = power;
        s->fraction.v = (__int128)((u128)(uint64_t)power * P18 / (uint64_t)total);
    }
    c->n = n;
    c->total = total;
    return 0;
}

/* commission = reward x rate (MulDec: rounded half to even), shared = reward - commission,
 * from the product kept as cq x 10^18 + cd. */
static inline void slot_round(ak_dist_slot *s)
{
    u128 q = s->cq + ((s->cd > HALF18) | ((s->cd == HALF18) & (uint64_t)s->cq)); /* to even */
    s->commission.v = (__int128)q;
    s->shared.v = s->reward.v - s->commission.v;
}

/* The commission split of a slot's reward at `rate`, from scratch. */
static int slot_commission(ak_dist_slot *s, ak_dec rate)
{
    s->rate = rate;
    s->generic = rate.v < 0 || rate.v > (__int128)P18;
    if (s->generic) {
        if (ak_dec_mul(s->reward, rate, &s->commission))
            return AK_EOVERFLOW;
        s->shared.v = s->reward.v - s->commission.v;
        return 0;
    }
    uint64_t rho = (uint64_t)rate.v, b, c;
    s->rho = rho;
    s->kq = div_p18((u128)s->vq * rho, &s->kd);
    uint64_t a = div_p18((u128)s->reward.v, &b); /* 0 <= reward <= F x 10^18 */
    c = div_p18((u128)b * rho, &s->cd);
    s->cq = (u128)a * rho + c;
    slot_round(s);
    return 0;
}

/* A slot's reward at fees f, from scratch. */
static int slot_full(ak_dist_slot *s, uint64_t f)
{
    s->reward.v = (__int128)((u128)f * s->vq + div_p18((u128)f * s->vr, &s->racc));
    return slot_commission(s, s->rate);
}

/* The slot at F + 1: reward grows by vq plus a carry out of racc, the product by vq x rate
 * (kq, kd) plus rate for the carry. Exact: the same integers as slot_full(f + 1). */
static inline void slot_up(ak_dist_slot *s)
{
    uint64_t racc = s->racc + s->vr, carry = racc >= P18; /* data-dependent: no branches */
    s->racc = racc - (P18 & ((uint64_t)0 - carry));
    s->reward.v += (__int128)(s->vq + carry);
    uint64_t cd = s->cd + s->kd + (s->rho & ((uint64_t)0 - carry)); /* < 3 x 10^18 */
    uint64_t k = (uint64_t)(cd >= P18) + (uint64_t)(cd >= 2 * P18);
    s->cq += s->kq + k;
    s->cd = cd - k * P18;
    slot_round(s);
}

/* The slot at F - 1 (F - 1 >= 1), the reverse of slot_up. */
static inline void slot_down(ak_dist_slot *s)
{
    uint64_t borrow = s->racc < s->vr;
    s->racc = s->racc + (P18 & ((uint64_t)0 - borrow)) - s->vr;
    s->reward.v -= (__int128)(s->vq + borrow);
    /* cd - kd - borrow x rate lies in (-2 x 10^18, 10^18): add back k x 10^18, k in 0..2 */
    int64_t cd = (int64_t)s->cd - (int64_t)s->kd - (int64_t)(s->rho & ((uint64_t)0 - borrow));
    uint64_t k = (uint64_t)(cd < 0) + (uint64_t)(cd < -(int64_t)P18);
    s->cq = s->cq - s->kq - k; /* may wrap for a moment in u128; the result is in range */
    s->cd = (uint64_t)(cd + (int64_t)(k * P18));
    slot_round(s);
}

/* reward = feeMultiplier x fraction for every entry (see the block comment above), with its
 * commission split, and their sum. F moving by at most MAX_STEPS uakt from the cached F (what
 * mint does most blocks) steps every slot; anything else recomputes it. */
#define MAX_STEPS 8

/* A slot computed for F - delta moved to F (|delta| <= MAX_STEPS): single steps, or from
 * scratch for a rate outside [0, 1]. */
static int slot_move(ak_dist_slot *s, uint64_t f, int64_t delta)
{
    if (s->generic)
        return slot_full(s, f);
    for (int64_t k = 0; k < delta; k++)
        slot_up(s);
    for (int64_t k = 0; k < -delta; k++)
        slot_down(s);
    return 0;
}

static int cache_rewards(ak_app *app, ak_amount fees, ak_dec tax)
{
    ak_dist_cache *c = &app->distribution.cache;
    /* F moving by a few uakt from the cached F: that many exact single steps per slot, cheaper
     * than a slot from scratch (during an inflation ramp F grows by ~3 uakt a block) */
    int64_t delta = fees - c->fees;
    bool step = c->rewards_valid && c->tax.v == tax.v && delta != 0 && delta >= -MAX_STEPS &&
                delta <= MAX_STEPS;
    c->rewards_valid = false;
    if (tax.v < 0 || tax.v > (__int128)P18 || fees <= 0)
        return AK_EINVARIANT; /* params validation keeps the tax in [0, 1] */
    if (!c->v_valid || c->vtax.v != tax.v) {
        uint64_t v = P18 - (uint64_t)tax.v;
        for (uint32_t i = 0; i < c->n; i++) {
            ak_dist_slot *s = &c->slots[i];
            s->vq = div_p18((u128)v * (uint64_t)s->fraction.v, &s->vr); /* both <= 10^18 */
        }
        c->vtax = tax;
        c->v_valid = true;
        step = false;
    }
    u128 sum = 0;
    uint64_t f = (uint64_t)fees;
    for (uint32_t i = 0; i < c->n; i++) {
        ak_dist_slot *s = &c->slots[i];
        if (!step) {
            s->rate = ak_val(app, s->val)->commission_rate;
            if (slot_full(s, f))
                return AK_EOVERFLOW;
        } else if (slot_move(s, f, delta)) {
            return AK_EOVERFLOW;
        }
        sum += (u128)s->reward.v;
    }
    c->fees = fees;
    c->tax = tax;
    c->sum_rewards.v = (__int128)sum; /* at most F x 10^18 */
    c->rewards_valid = true;
    return 0;
}

/* Steady, with F moved by 1 to MAX_STEPS uakt since the last block: the amounts of the pending
 * blocks (at the old F) go to each slot's accumulators, every slot steps to the new F, and this
 * block counts itself as pending at the new amounts. One pass over the slots, no validator
 * record touched (ak_dist_sync adds the accumulators when anything looks). */
static int accrue_and_step(ak_app *app, ak_amount fees)
{
    ak_dist_cache *c = &app->distribution.cache;
    int64_t delta = fees - c->fees, k = c->pending;
    u128 sum = 0;
    for (uint32_t i = 0; i < c->n; i++) {
        ak_dist_slot *s = &c->slots[i];
        if (k == 1) {
            ak_dec *r = &s->acc_reward, *cm = &s->acc_commission, *sh = &s->acc_shared;
            if (__builtin_add_overflow(r->v, s->reward.v, &r->v) ||
                __builtin_add_overflow(cm->v, s->commission.v, &cm->v) ||
                __builtin_add_overflow(sh->v, s->shared.v, &sh->v))
                return AK_EOVERFLOW;
        } else if (k > 1) {
            __int128 dr, dc, ds;
            if (__builtin_mul_overflow(s->reward.v, (__int128)k, &dr) ||
                __builtin_mul_overflow(s->commission.v, (__int128)k, &dc) ||
                __builtin_mul_overflow(s->shared.v, (__int128)k, &ds) ||
                __builtin_add_overflow(s->acc_reward.v, dr, &s->acc_reward.v) ||
                __builtin_add_overflow(s->acc_commission.v, dc, &s->acc_commission.v) ||
                __builtin_add_overflow(s->acc_shared.v, ds, &s->acc_shared.v))
                return AK_EOVERFLOW;
        }
        if (slot_move(s, (uint64_t)fees, delta))
            return AK_EOVERFLOW;
        sum += (u128)s->reward.v;
    }
    c->accrued = c->accrued || k > 0;
    c->pending = 1;
    c->fees = fees;
    c->sum_rewards.v = (__int128)sum;
    return 0;
}

/* BeginBlocker + AllocateTokens. At height 1 nothing happens (no LastCommit to pay). The
 * LastCommit's resolution to validators and the power fractions are cached while the commit's
 * entries and powers are unchanged; the rewards and commissions while F, the tax and each
 * validator's commission rate are too. Mint changes F by a uakt or so most blocks, so the
 * common block recomputes rewards from the cached fractions, with no map lookup. */
int ak_dist_begin_block(ak_app *app)
{
    if (app->height <= 1)
        return 0;
    ak_denom denom = reward_denom(app);
    ak_addr fc = ak_bank_module_addr(&app->bank, AK_MODULE_FEE_COLLECTOR);
    ak_amount fees = ak_bank_balance_of(&app->bank, fc, denom);
    int rc;
    /* transfer collected fees to the distribution module account */
    if (fees > 0 && (rc = ak_bank_send(&app->bank, fc, dist_addr(app), (ak_coin){denom, fees})))
        return rc;
    if (fees == 0)
        return 0; /* empty DecCoins: every step below adds nothing */
    ak_dist_cache *c = &app->distribution.cache;
    int64_t total = 0;
    bool same = c->epoch != 0 && c->epoch == app->votes_epoch; /* the votes the slots match */
    if (same) {
        total = c->total;
    } else {
        for (uint32_t i = 0; i < app->nvotes; i++)
            if (__builtin_add_overflow(total, app->votes[i].power, &total))
                return AK_EOVERFLOW;
        if (total <= 0)
            return pool_add(app, ak_dec_from_int(fees));
        same = cache_same_commit(c, app->votes, app->nvotes) && c->total == total;
    }

    ak_dec tax = app->params.distribution.community_tax;
    ak_dec remaining;
    if (same && c->steady && c->rewards_valid && c->fees == fees && c->tax.v == tax.v) {
        /* Steady state: every slot would add exactly what it added last block, so the block
         * only counts itself; ak_dist_sync adds pending x the amounts when anything looks. */
        c->hits++;
        TOUCH(&c->pending);
        c->pending++;
        if (ak_dec_sub(ak_dec_from_int(fees), c->sum_rewards, &remaining))
            return AK_EOVERFLOW;
        return pool_add(app, remaining);
    }
    if (same && c->steady && c->rewards_valid && c->tax.v == tax.v && c->v_valid &&
        c->vtax.v == tax.v && fees - c->fees >= -MAX_STEPS && fees - c->fees <= MAX_STEPS) {
        /* steady, and mint moved F by a few uakt (every block of an inflation ramp) */
        c->hits++;
        if ((rc = accrue_and_step(app, fees)))
            return rc;
        if (ak_dec_sub(ak_dec_from_int(fees), c->sum_rewards, &remaining))
            return AK_EOVERFLOW;
        return pool_add(app, remaining);
    }
    /* the slots' amounts may change below: apply what accrued at the old ones first */
    if ((rc = ak_dist_sync(app)))
        return rc;
    if (same) {
        c->hits++;
    } else {
        c->misses++;
        if ((rc = cache_rebuild(app, total)))
            return rc;
    }
    c->epoch = app->votes_epoch;
    if (!c->rewards_valid || c->fees != fees || c->tax.v != tax.v)
        if ((rc = cache_rewards(app, fees, tax)))
            return rc;

    bool journal = app->store.active; /* BeginBlock runs outside transactions */
    for (uint32_t i = 0; i < c->n; i++) {
        ak_dist_slot *s = &c->slots[i];
        const ak_validator *v = s->vp;
        if (__builtin_expect(v->addr != s->addr || v->removed || !s->vd->period, 0)) {
            /* cannot happen (a validator in the LastCommit is not removed), but re-resolve
             * rather than pay a stale record */
            s->val = ak_staking_find_val(app, s->addr);
            if (s->val == AK_POOL_NONE)
                return AK_ENO_VALIDATOR_FOUND;
            s->vp = v = ak_val(app, s->val);
            if (!(s->vd = val_dist(app, s->val)))
                return AK_EINVARIANT;
        }
        if (__builtin_expect(v->commission_rate.v != s->rate.v, 0) &&
            slot_commission(s, v->commission_rate))
            return AK_EOVERFLOW;
        if (s->reward.v == 0)
            continue;
        /* AllocateTokensToValidator */
        ak_val_dist *vd = s->vd;
        if (journal)
            TOUCH(vd);
        if (__builtin_add_overflow(vd->commission.v, s->commission.v, &vd->commission.v) ||
            __builtin_add_overflow(vd->cur_rewards.v, s->shared.v, &vd->cur_rewards.v) ||
            __builtin_add_overflow(vd->outstanding.v, s->reward.v, &vd->outstanding.v))
            return AK_EOVERFLOW;
    }
    c->steady = true; /* every slot was just checked against its validator */
    /* community pool += F - Σ reward: the tax and all truncation dust */
    if (ak_dec_sub(ak_dec_from_int(fees), c->sum_rewards, &remaining))
        return AK_EOVERFLOW;
    return pool_add(app, remaining);
}

/* ---- messages (keeper/msg_server.go, keeper/keeper.go) ---- */

/* MsgWithdrawDelegatorReward: the validator address, the delegator address, the validator
 * (staking's Validator: ErrNoValidatorFound), the delegation (staking's Delegation:
 * ErrNoDelegation), its starting info (ErrEmptyDelegationDistInfo); then withdraw and start a
 * new starting info (WithdrawDelegationRewards). */
static int h_withdraw_reward(ak_app *app, const ak_msg *m, ak_tx_result *res)
{
    ak_addr delegator = m->withdraw_reward.delegator, valaddr = m->withdraw_reward.validator;
    if (valaddr == AK_ADDR_NONE) {
        ak_tx_fail(res, "invalid validator address: empty address string is not allowed");
        return AK_EINVALID_ADDRESS;
    }
    if (delegator == AK_ADDR_NONE) {
        ak_tx_fail(res, "invalid delegator address: empty address string is not allowed");
        return AK_EINVALID_ADDRESS;
    }
    uint32_t val = ak_staking_find_val(app, valaddr);
    if (val == AK_POOL_NONE) {
        ak_tx_fail(res, "%s: validator does not exist", ak_app_str(app, valaddr));
        return AK_ENO_VALIDATOR_FOUND;
    }
    uint32_t del = ak_staking_find_del(app, delegator, val);
    if (del == AK_POOL_NONE || !ak_dec_is_positive(ak_del(app, del)->shares)) {
        ak_tx_fail(res, "%s on %s: no delegation for (address, validator) tuple",
                   ak_app_str(app, delegator), ak_app_str(app, valaddr));
        return AK_ENO_DELEGATION;
    }
    ak_amount paid;
    int rc = withdraw_rewards(app, del, &paid);
    if (rc == AK_EEMPTY_DELEGATION_DIST_INFO)
        ak_tx_fail(res, "no delegation distribution info");
    if (rc)
        return rc;
    return initialize_delegation(app, del);
}

/* MsgWithdrawValidatorCommission: the validator address, then the accumulated commission
 * (a validator without records has none: ErrNoValidatorCommission). The integer part is paid
 * to the operator's account and leaves the outstanding rewards; the remainder stays. */
static int h_withdraw_commission(ak_app *app, const ak_msg *m, ak_tx_result *res)
{
    ak_addr valaddr = m->validator.validator;
    if (valaddr == AK_ADDR_NONE) {
        ak_tx_fail(res, "invalid validator address: empty address string is not allowed");
        return AK_EINVALID_ADDRESS;
    }
    uint32_t val = ak_staking_find_val(app, valaddr);
    ak_val_dist *vd = val == AK_POOL_NONE ? NULL : val_dist(app, val);
    if (!vd || ak_dec_is_zero(vd->commission)) {
        ak_tx_fail(res, "no validator commission to withdraw");
        return AK_ENO_VALIDATOR_COMMISSION;
    }
    ak_amount whole;
    ak_dec rem;
    int rc = truncate_decimal(vd->commission, &whole, &rem);
    if (rc)
        return rc;
    TOUCH(vd);
    vd->commission = rem; /* leave remainder to withdraw later */
    if (ak_dec_sub(vd->outstanding, ak_dec_from_int(whole), &vd->outstanding))
        return AK_EOVERFLOW;
    if (whole > 0)
        return ak_bank_send(&app->bank, dist_addr(app), valaddr,
                            (ak_coin){reward_denom(app), whole});
    return 0;
}

int ak_dist_deliver(ak_app *app, const ak_msg *m, ak_tx_result *res)
{
    SYNC_FIRST(app);
    switch (m->type) {
    case AK_MSG_WITHDRAW_DELEGATOR_REWARD:
        return h_withdraw_reward(app, m, res);
    case AK_MSG_WITHDRAW_VALIDATOR_COMMISSION:
        return h_withdraw_commission(app, m, res);
    default:
        return AK_EINVAL;
    }
}

/* ---- queries ---- */

/* The DelegationRewards query: the period is ended on a discarded branch upstream; here the
 * ratio the increment would store is computed without writing anything. */
int ak_dist_pending_rewards(ak_app *app, uint32_t del, ak_dec *out)
{
    SYNC_FIRST(app);
    if (del >= app->staking.dels.len)
        return AK_EINVAL;
    const ak_delegation *d = ak_del(app, del);
    if (!ak_dec_is_positive(d->shares))
        return AK_ENO_DELEGATION;
    const ak_validator *v = ak_val(app, d->val);
    const ak_val_dist *vd = val_dist(app, d->val);
    if (v->removed || !vd)
        return AK_ENO_VALIDATOR_FOUND;
    if (del >= app->distribution.starting.len || !si_at(app, del)->present) {
        *out = ak_dec_zero(); /* a missing starting info reads as zeros: no rewards */
        return 0;
    }
    ak_dec current = ak_dec_zero(), ratio;
    if (v->tokens != 0 &&
        ak_dec_quo_truncate(vd->cur_rewards, ak_dec_from_int(v->tokens), &current))
        return AK_EOVERFLOW;
    if (ak_dec_add(hist_at(app, vd->prev_hist)->ratio, current, &ratio))
        return AK_EOVERFLOW;
    return calc_rewards(app, del, vd->period, ratio, out);
}

/* ---- invariants ---- */

#define BAD(...)                                                                                   \
    do {                                                                                           \
        snprintf(err, cap, "distribution: " __VA_ARGS__);                                          \
        rc = AK_EINVARIANT;                                                                        \
        goto out;                                                                                  \
    } while (0)

int ak_dist_check(const ak_app *app, char *err, size_t cap)
{
    /* apply lazily accrued rewards first: a change of representation, not of state (the app is
     * never a const object; checks take it const because they change nothing observable) */
    if (ak_dist_sync((ak_app *)app)) {
        snprintf(err, cap, "distribution: accrued rewards overflow");
        return AK_EINVARIANT;
    }
    const ak_distribution *d = &app->distribution;
    int rc = 0;
    uint32_t nh = d->hist.len;
    uint32_t *refs = calloc(nh ? nh : 1, sizeof *refs);
    if (!refs)
        return AK_ENOMEM;
    __int128 total_outstanding = 0;
    char b1[AK_DEC_STRLEN], b2[AK_DEC_STRLEN];

    for (uint32_t val = 0; val < d->vals.len; val++) {
        const ak_val_dist *vd = vd_at(app, val);
        if (!vd->period)
            continue;
        if (val >= app->staking.vals.len || ak_val(app, val)->removed)
            BAD("validator %u has records but no staking validator", val);
        const char *name = ak_app_str(app, ak_val(app, val)->addr);
        if (ak_dec_is_negative(vd->outstanding) || ak_dec_is_negative(vd->commission) ||
            ak_dec_is_negative(vd->cur_rewards))
            BAD("validator %s has negative rewards", name);
        if (ak_dec_cmp(vd->outstanding, vd->commission) < 0) {
            ak_dec_format(vd->outstanding, b1, sizeof b1);
            ak_dec_format(vd->commission, b2, sizeof b2);
            BAD("validator %s: outstanding %s below its commission %s", name, b1, b2);
        }
        total_outstanding += vd->outstanding.v;
        if (vd->prev_hist >= nh || hist_at(app, vd->prev_hist)->val != val ||
            hist_at(app, vd->prev_hist)->period != vd->period - 1)
            BAD("validator %s: its previous period record is not hist[%llu]", name,
                (unsigned long long)(vd->period - 1));
        refs[vd->prev_hist]++;
        ak_height last_h = 0;
        uint64_t last_p = 0;
        uint32_t tail = AK_POOL_NONE;
        for (uint32_t eh = vd->slash_events; eh != AK_POOL_NONE; eh = ev_at(app, eh)->next) {
            const ak_slash_event *e = ev_at(app, eh);
            if (e->hist >= nh || hist_at(app, e->hist)->val != val ||
                hist_at(app, e->hist)->period != e->period)
                BAD("validator %s: a slash event does not hold its period's record", name);
            if (e->height < last_h || e->period <= last_p)
                BAD("validator %s: slash events out of (height, period) order", name);
            last_h = e->height;
            last_p = e->period;
            refs[e->hist]++;
            tail = eh;
        }
        if (tail != vd->slash_events_tail)
            BAD("validator %s: slash event tail is wrong", name);
    }
    for (uint32_t del = 0; del < d->starting.len; del++) {
        const ak_starting_info *si = si_at(app, del);
        if (!si->present)
            continue;
        if (del >= app->staking.dels.len || !ak_dec_is_positive(ak_del(app, del)->shares))
            BAD("delegation %u has a starting info but no shares", del);
        uint32_t val = ak_del(app, del)->val;
        if (!val_dist(app, val))
            BAD("delegation %u has a starting info but its validator has no records", del);
        if (si->hist >= nh || hist_at(app, si->hist)->val != val ||
            hist_at(app, si->hist)->period != si->previous_period)
            BAD("delegation %u: starting info does not hold hist[%llu]", del,
                (unsigned long long)si->previous_period);
        if (si->previous_period >= vd_at(app, val)->period)
            BAD("delegation %u starts after its validator's current period", del);
        refs[si->hist]++;
    }
    for (uint32_t del = 0; del < app->staking.dels.len; del++) {
        const ak_delegation *dl = ak_del(app, del);
        if (ak_dec_is_positive(dl->shares) && val_dist(app, dl->val) &&
            (del >= d->starting.len || !si_at(app, del)->present))
            BAD("delegation %u (%s) has shares but no starting info", del,
                ak_app_str(app, dl->delegator));
    }
    uint32_t nfree = 0;
    for (uint32_t h = d->free_hist; h != AK_POOL_NONE; h = hist_at(app, h)->next_free) {
        if (h >= nh || hist_at(app, h)->refcount != 0 || ++nfree > nh)
            BAD("the free list of historical records is broken");
    }
    for (uint32_t h = 0; h < nh; h++) {
        const ak_hist_rewards *r = hist_at(app, h);
        if (r->refcount != refs[h])
            BAD("hist[%u] of validator %u period %llu has reference count %u, %u references "
                "exist", h, r->val, (unsigned long long)r->period, r->refcount, refs[h]);
        if (r->refcount == 0)
            nfree--;
        if (ak_dec_is_negative(r->ratio))
            BAD("hist[%u] has a negative ratio", h);
    }
    if (nfree != 0)
        BAD("free historical records are not all on the free list");
    /* the module account holds the outstanding rewards and the community pool */
    {
        ak_denom denom = reward_denom(app);
        ak_amount held = ak_bank_balance_of(&app->bank, dist_addr(app), denom);
        __int128 owed = total_outstanding + ak_app_community_pool(app, denom).v;
        if ((__int128)held * DEC_ONE < owed) {
            ak_dec_format(ak_dec_from_raw(owed), b1, sizeof b1);
            BAD("the module holds %lld%s, less than the outstanding rewards plus the community "
                "pool, %s",
                (long long)held, ak_app_str(app, denom), b1);
        }
    }
out:
    free(refs);
    return rc;
}
