/*
 * protocol/slashing.c: the slashing and evidence keepers: signing info, the missed-block
 * bitmap and downtime jailing at BeginBlock, double-sign evidence, MsgUnjail (x/slashing and
 * x/evidence of Cosmos SDK v0.53; chain-rules.md sections 1.7, 1.8 and 3; read from
 * akash-network/cosmos-sdk v0.53.4-akash.1: x/slashing/abci.go, keeper/infractions.go,
 * keeper/signing_info.go, keeper/hooks.go, keeper/unjail.go, keeper/params.go;
 * x/evidence/keeper/abci.go, keeper/infraction.go).
 *
 * The vocabulary is the SDK's:
 *   signing info    ValidatorSigningInfo: StartHeight, IndexOffset, JailedUntil, Tombstoned,
 *                   MissedBlocksCounter, per consensus address (a validator's name) (3.2)
 *   liveness        HandleValidatorSignature for every entry of the block's LastCommit (3.3)
 *   equivocation    handleEquivocationEvidence for every double-sign misbehavior (3.4)
 *   Unjail          MsgUnjail, checks in the SDK's order (3.5)
 *
 * BeginBlock work runs outside transactions, where the journal records nothing; it still
 * journals its writes whenever a transaction is open, so that calling it inside one is safe.
 *
 * Cost: the liveness pass runs every block for every validator of the previous set, so it is
 * built to do no map lookup when the LastCommit holds the same validators as the last one (the
 * keeper remembers, per LastCommit index, the validator and signing info it resolved and checks
 * them by address), no division (IndexOffset mod window is kept incrementally), and, for a
 * validator that signs over a clear bit, only the offset increment and the bit test.
 *
 * Departures from the SDK, all on paths the SDK treats as a broken chain: a LastCommit entry
 * or a piece of evidence whose validator no longer exists is skipped (the SDK returns
 * ErrNoValidatorFound from BeginBlock and the node halts); evidence is not stored (nothing reads
 * it); no events are emitted (the app has no slashing events yet).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app_int.h"
#include "errors.h"

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/* ValidatorUpdateDelay (types/staking.go): updates of EndBlock(H) sign from H + 2. */
#define VALIDATOR_UPDATE_DELAY 1

/* Journal n bytes at p only when a transaction is open: the per-block path must not pay a call
 * for a journal that records nothing. */
static inline void touch(ak_app *app, void *p, size_t n)
{
    if (unlikely(app->store.active))
        ak_store_touch(&app->store, p, n);
}
#define TOUCH(p) touch(app, (p), sizeof *(p))

static ak_signing_info *info_at(const ak_app *app, uint32_t h)
{
    return ak_pool_at(&app->slashing.infos, h);
}

static uint32_t find_info(const ak_app *app, ak_addr addr)
{
    return ak_map_get(&app->slashing.info_index, ak_key2(addr, 0));
}

/* ---- lifecycle ---- */

void ak_slashing_init(ak_slashing *s, ak_store *store)
{
    memset(s, 0, sizeof *s);
    ak_pool_init(&s->infos, store, sizeof(ak_signing_info));
    ak_map_init(&s->info_index, store);
}

void ak_slashing_fini(ak_slashing *s)
{
    if (!s)
        return;
    ak_pool_fini(&s->infos);
    ak_map_fini(&s->info_index);
    free(s->slots);
    free(s->active);
    s->slots = NULL;
    s->active = NULL;
    s->cap_slots = 0;
    s->nactive = 0;
}

const ak_signing_info *ak_slashing_info(const ak_app *app, ak_addr addr)
{
    /* apply the lazily counted blocks first: a change of representation only */
    if (ak_slashing_sync((ak_app *)app))
        return NULL;
    uint32_t h = find_info(app, addr);
    return h == AK_POOL_NONE ? NULL : info_at(app, h);
}

/* ---- the bitmap (keeper/signing_info.go) ---- */

/* SetMissedBlockBitmapValue(index, missed). A bitmap too small for the index is grown to the
 * current window (the largest index a vote can use) before a bit is set; a clear never needs
 * room, as a bit outside the bitmap is already 0. */
static int set_bit(ak_app *app, ak_signing_info *si, int64_t index, bool missed, int64_t window)
{
    uint64_t w = (uint64_t)index >> 6;
    uint64_t bit = (uint64_t)1 << (index & 63);
    if (w >= si->bitmap_words) {
        if (!missed)
            return 0;
        uint64_t words = ((uint64_t)window + 63) / 64;
        if (words <= w)
            words = w + 1;
        if (words > UINT32_MAX)
            return AK_EOVERFLOW;
        uint64_t *nb = ak_arena_alloc(&app->arena, words * sizeof *nb);
        if (!nb)
            return AK_ENOMEM;
        if (si->bitmap_words)
            memcpy(nb, si->bitmap, si->bitmap_words * sizeof *nb);
        TOUCH(&si->bitmap);
        TOUCH(&si->bitmap_words);
        si->bitmap = nb;
        si->bitmap_words = (uint32_t)words;
    }
    TOUCH(&si->bitmap[w]);
    if (missed)
        si->bitmap[w] |= bit;
    else
        si->bitmap[w] &= ~bit;
    return 0;
}

/* DeleteMissedBlockBitmap: every bit 0; the memory is kept for the next misses. */
static void clear_bitmap(ak_app *app, ak_signing_info *si)
{
    if (!si->bitmap_words)
        return;
    touch(app, si->bitmap, si->bitmap_words * sizeof *si->bitmap);
    memset(si->bitmap, 0, si->bitmap_words * sizeof *si->bitmap);
}

/* ---- hooks ---- */

/* ---- lazy liveness bookkeeping (see ak_slashing) ---- */

int ak_slashing_sync(ak_app *app)
{
    ak_slashing *sl = &app->slashing;
    if (sl->pending == 0)
        return 0;
    const int64_t k = sl->pending, window = sl->cached_window;
    for (uint32_t i = 0; i < sl->nsteady; i++) {
        ak_slashing_slot *s = &sl->slots[i];
        if (!s->advances)
            continue;
        ak_signing_info *si = s->si;
        TOUCH(si);
        if (__builtin_add_overflow(si->index_offset, k, &si->index_offset))
            return AK_EOVERFLOW;
        if (si->cursor_window == window)
            si->cursor = (int64_t)(((__int128)si->cursor + k) % window);
    }
    TOUCH(&sl->pending);
    sl->pending = 0;
    return 0;
}

/* Before anything reads or writes a signing info or jails: apply what accrued, and take the
 * full path at the next block. */
static int sync_for_change(ak_app *app)
{
    app->slashing.steady = false;
    return ak_slashing_sync(app);
}

/* AfterValidatorBonded (keeper/hooks.go): StartHeight = H on an existing signing info, all
 * else kept; otherwise a new one {H, 0, time.Unix(0, 0), false, 0}. */
int ak_slashing_after_validator_bonded(ak_app *app, uint32_t val)
{
    int sync_rc = sync_for_change(app);
    if (sync_rc)
        return sync_rc;
    ak_addr addr = ak_val(app, val)->addr;
    uint32_t h = find_info(app, addr);
    if (h != AK_POOL_NONE) {
        ak_signing_info *si = info_at(app, h);
        TOUCH(&si->start_height);
        si->start_height = app->height;
        return 0;
    }
    void *obj;
    if (ak_pool_add(&app->slashing.infos, &h, &obj))
        return AK_ENOMEM;
    if (ak_map_put(&app->slashing.info_index, ak_key2(addr, 0), h))
        return AK_ENOMEM;
    ak_signing_info *si = obj;
    si->addr = addr;
    si->start_height = app->height;
    return 0;
}

/* ---- liveness (abci.go BeginBlocker, keeper/infractions.go HandleValidatorSignature) ---- */

/* maxMissed = W - RoundInt64(min_signed_per_window x W) (keeper/params.go MinSignedPerWindow:
 * MulInt64 exact, RoundInt64 half to even), recomputed only when either parameter changed. */
static int refresh_window(ak_slashing *sl, const ak_slashing_params *p)
{
    if (sl->cached_window == p->signed_blocks_window &&
        ak_dec_cmp(sl->cached_min_signed, p->min_signed_per_window) == 0)
        return 0;
    if (p->signed_blocks_window <= 0)
        return AK_EINVAL; /* params validation forbids it */
    ak_dec prod;
    int64_t min_signed;
    if (ak_dec_mul_int(p->min_signed_per_window, p->signed_blocks_window, &prod) ||
        ak_dec_round_int(prod, &min_signed))
        return AK_EOVERFLOW;
    sl->cached_window = p->signed_blocks_window;
    sl->cached_min_signed = p->min_signed_per_window;
    sl->max_missed = p->signed_blocks_window - min_signed;
    return 0;
}

static int reserve_slots(ak_slashing *sl, uint32_t n)
{
    if (n <= sl->cap_slots)
        return 0;
    uint32_t nc = sl->cap_slots ? sl->cap_slots : 128;
    while (nc < n)
        nc = nc > UINT32_MAX / 2 ? n : nc * 2;
    ak_slashing_slot *ns = realloc(sl->slots, sizeof *ns * nc);
    if (!ns)
        return AK_ENOMEM;
    sl->slots = ns;
    uint32_t *na = realloc(sl->active, sizeof *na * nc);
    if (!na)
        return AK_ENOMEM;
    sl->active = na;
    for (uint32_t i = sl->cap_slots; i < nc; i++)
        ns[i] = (ak_slashing_slot){AK_ADDR_NONE, AK_POOL_NONE, NULL, NULL, false};
    sl->slots = ns;
    sl->cap_slots = nc;
    return 0;
}

/* The live validator of a LastCommit entry through its slot, re-resolving the slot with map
 * lookups only when the entry names another address than last block or the remembered
 * records no longer carry it. NULL if there is no live validator of that address. */
static inline ak_validator *slot_validator(ak_app *app, ak_slashing_slot *s, ak_addr addr)
{
    if (likely(s->addr == addr && s->v)) {
        ak_validator *v = s->v;
        if (likely(v->addr == addr && !v->removed))
            return v;
    }
    s->addr = addr;
    s->val = ak_staking_find_val(app, addr);
    s->v = s->val == AK_POOL_NONE ? NULL : ak_val(app, s->val);
    uint32_t ih = find_info(app, addr);
    s->si = ih == AK_POOL_NONE ? NULL : info_at(app, ih);
    return s->v;
}

/* Downtime confirmed (the body of `if height > minHeight && counter > maxMissed`): slash at
 * distributionHeight = H - ValidatorUpdateDelay - 1 with the vote's power, jail, JailedUntil =
 * header time + downtime_jail_duration, reset counter, offset and bitmap. StartHeight is left
 * for AfterValidatorBonded to set when the validator bonds again. */
static int punish_downtime(ak_app *app, ak_signing_info *si, uint32_t val, int64_t power,
                           int64_t window)
{
    const ak_slashing_params *p = &app->params.slashing;
    int rc = ak_staking_slash(app, val, app->height - VALIDATOR_UPDATE_DELAY - 1, power,
                              p->slash_fraction_downtime);
    if (rc)
        return rc;
    if ((rc = ak_staking_jail(app, val)))
        return rc;
    TOUCH(si);
    if (__builtin_add_overflow(app->time, p->downtime_jail_duration, &si->jailed_until))
        return AK_EOVERFLOW;
    si->missed = 0;
    si->index_offset = 0;
    si->cursor = 0;
    si->cursor_window = window;
    clear_bitmap(app, si);
    return 0;
}

/* One block of HandleValidatorSignature for the LastCommit entry of slot i (not jailed):
 * advance its window by one, record whether it missed, and punish it past the limit.
 * *punished tells whether it was. */
static int handle_signature(ak_app *app, uint32_t i, bool *punished)
{
    ak_slashing *sl = &app->slashing;
    const ak_vote_info *vi = &app->votes[i];
    ak_slashing_slot *s = &sl->slots[i];
    ak_signing_info *si = s->si;
    const int64_t window = sl->cached_window;
    TOUCH(si);
    if (unlikely(si->cursor_window != window)) {
        si->cursor = si->index_offset % window;
        si->cursor_window = window;
    }
    /* index = IndexOffset mod W; IndexOffset++ */
    int64_t index = si->cursor;
    si->index_offset++;
    si->cursor = index + 1 == window ? 0 : index + 1;
    bool missed = vi->flag == AK_FLAG_ABSENT;
    int rc;
    if (unlikely(missed != ak_signing_info_missed_at(si, index))) {
        if ((rc = set_bit(app, si, index, missed, window)))
            return rc;
        si->missed += missed ? 1 : -1;
    }
    *punished = false;
    if (unlikely(si->missed > sl->max_missed) && app->height > si->start_height + window) {
        /* the validator is not jailed (checked by the caller), so the SDK's
         * `validator != nil && !validator.IsJailed()` holds */
        if ((rc = punish_downtime(app, si, s->val, vi->power, window)))
            return rc;
        *punished = true;
    }
    return 0;
}

int ak_slashing_begin_block(ak_app *app)
{
    ak_slashing *sl = &app->slashing;
    uint32_t n = app->nvotes;
    if (n == 0)
        return 0;
    const ak_slashing_params *sp = &app->params.slashing;
    int rc;
    if (sl->steady && n == sl->nsteady && sl->cached_window == sp->signed_blocks_window &&
        ak_dec_cmp(sl->cached_min_signed, sp->min_signed_per_window) == 0) {
        /* steady: the same validators and votes as the last full pass; the validators that
         * sign with no miss in their window only advance their offsets, so the block counts
         * itself for them (see ak_slashing); the active ones are processed one by one */
        bool same = sl->epoch == app->votes_epoch;
        if (!same && sl->nactive == 0) { /* rebuilt votes: all signing, the same names */
            uint32_t i = 0;
            while (i < n && app->votes[i].addr == sl->slots[i].addr &&
                   app->votes[i].flag != AK_FLAG_ABSENT)
                i++;
            same = i == n;
        }
        if (same) {
            sl->epoch = app->votes_epoch;
            TOUCH(&sl->pending);
            sl->pending++;
            for (uint32_t k = 0; k < sl->nactive; k++) {
                bool punished;
                if ((rc = handle_signature(app, sl->active[k], &punished)))
                    return rc;
                if (punished)
                    sl->steady = false; /* a jailing: the set changes */
            }
            return 0;
        }
    }
    rc = ak_slashing_sync(app);
    sl->steady = false;
    if (rc || (rc = refresh_window(sl, sp)) || (rc = reserve_slots(sl, n)))
        return rc;
    bool steady = true;
    sl->nactive = 0;
    for (uint32_t i = 0; i < n; i++) {
        const ak_vote_info *vi = &app->votes[i];
        ak_slashing_slot *s = &sl->slots[i];
        s->advances = false;
        /* IsValidatorJailed: a jailed validator is not processed at all */
        ak_validator *v = slot_validator(app, s, vi->addr);
        if (unlikely(!v) || v->jailed) {
            steady = steady && v; /* a jailed one stays put while steady; no validator: check */
            continue;
        }
        ak_signing_info *si = s->si;
        if (unlikely(!si || si->addr != vi->addr)) {
            uint32_t ih = find_info(app, vi->addr);
            if (ih == AK_POOL_NONE)
                return AK_ENO_SIGNING_INFO_FOUND; /* as the SDK: BeginBlock fails */
            s->si = si = info_at(app, ih);
        }
        bool punished;
        if ((rc = handle_signature(app, i, &punished)))
            return rc;
        steady = steady && !punished;
        /* lazy from the next block on while it signs with a clean window; else processed */
        s->advances = vi->flag != AK_FLAG_ABSENT && si->missed == 0;
        if (!s->advances)
            sl->active[sl->nactive++] = i;
    }
    sl->steady = steady;
    sl->nsteady = n;
    sl->epoch = steady ? app->votes_epoch : 0;
    return 0;
}

/* ---- double sign (x/evidence keeper/abci.go, keeper/infraction.go) ---- */

static int handle_equivocation(ak_app *app, const ak_evidence *e)
{
    uint32_t val = ak_staking_find_val(app, e->validator);
    if (val == AK_POOL_NONE)
        return 0; /* the SDK returns ErrNoValidatorFound here (see the file comment) */
    ak_validator *v = ak_val(app, val);
    if (v->status == AK_BOND_UNBONDED)
        return 0;
    /* too old only if BOTH ages exceed their limits (strictly) */
    const ak_consensus_params *cp = &app->params.consensus;
    int64_t age_blocks = app->height - e->height;
    int64_t age_seconds = app->time - e->time;
    if (age_seconds > cp->evidence_max_age_duration && age_blocks > cp->evidence_max_age_num_blocks)
        return 0;
    uint32_t ih = find_info(app, e->validator);
    if (ih == AK_POOL_NONE)
        return AK_ENO_SIGNING_INFO_FOUND; /* the SDK panics: expected signing info */
    if (info_at(app, ih)->tombstoned)
        return 0;
    bool jailed = v->jailed;
    /* distributionHeight = infraction height - ValidatorUpdateDelay, with the evidence's power */
    int rc = ak_staking_slash(app, val, e->height - VALIDATOR_UPDATE_DELAY, e->power,
                              app->params.slashing.slash_fraction_double_sign);
    if (rc)
        return rc;
    if (!jailed && (rc = ak_staking_jail(app, val)))
        return rc;
    ak_signing_info *si = info_at(app, ih);
    TOUCH(si);
    si->jailed_until = AK_DOUBLE_SIGN_JAIL_END; /* JailUntil(DoubleSignJailEndTime) */
    si->tombstoned = true;                      /* Tombstone */
    return 0;
}

int ak_evidence_begin_block(ak_app *app, const ak_evidence *ev, uint32_t n)
{
    if (n > 0) {
        int sync_rc = sync_for_change(app);
        if (sync_rc)
            return sync_rc;
    }
    for (uint32_t i = 0; i < n; i++) {
        int rc = handle_equivocation(app, &ev[i]);
        if (rc)
            return rc;
    }
    return 0;
}

/* ---- MsgUnjail (keeper/msg_server.go Unjail -> keeper/unjail.go Unjail) ---- */

static int unjail(ak_app *app, ak_addr addr, ak_tx_result *res)
{
    /* msg_server.go: the address must decode */
    if (addr == AK_ADDR_NONE) {
        ak_tx_fail(res,
                   "validator input address: empty address string is not allowed: invalid address");
        return AK_EINVALID_ADDRESS;
    }
    /* sk.Validator -> GetValidator: a missing validator is staking's ErrNoValidatorFound (the
     * `validator == nil -> ErrNoValidatorForAddress` branch after it is dead code) */
    uint32_t val = ak_staking_find_val(app, addr);
    if (val == AK_POOL_NONE) {
        ak_tx_fail(res, "%s: %s", ak_app_str(app, addr), ak_err_message(AK_ENO_VALIDATOR_FOUND));
        return AK_ENO_VALIDATOR_FOUND;
    }
    /* sk.Delegation -> GetDelegation: a missing self-delegation is staking's ErrNoDelegation
     * (the `selfDel == nil -> ErrMissingSelfDelegation` branch is dead code too) */
    uint32_t dh = ak_staking_find_del(app, addr, val);
    if (dh == AK_POOL_NONE || !ak_dec_is_positive(ak_del(app, dh)->shares)) {
        ak_tx_fail(res, "%s: %s", ak_app_str(app, addr), ak_err_message(AK_ENO_DELEGATION));
        return AK_ENO_DELEGATION;
    }
    const ak_validator *v = ak_val(app, val);
    ak_dec tokens_dec;
    int64_t tokens;
    int rc = ak_staking_tokens_from_shares(v, ak_del(app, dh)->shares, &tokens_dec);
    if (rc || (rc = ak_dec_truncate_int(tokens_dec, &tokens)))
        return rc;
    if (tokens < v->min_self_delegation) {
        ak_tx_fail(res, "%lld less than %lld: %s", (long long)tokens,
                   (long long)v->min_self_delegation,
                   ak_err_message(AK_ESELF_DELEGATION_TOO_LOW_TO_UNJAIL));
        return AK_ESELF_DELEGATION_TOO_LOW_TO_UNJAIL;
    }
    if (!v->jailed) {
        ak_tx_fail(res, "%s", ak_err_message(AK_EVALIDATOR_NOT_JAILED));
        return AK_EVALIDATOR_NOT_JAILED;
    }
    /* a jailed validator without signing info was never bonded (jailed for a low
     * self-delegation) and may unjail at any time */
    const ak_signing_info *si = ak_slashing_info(app, addr);
    if (si && si->tombstoned) {
        ak_tx_fail(res, "%s is tombstoned: validator still jailed; cannot be unjailed",
                   ak_app_str(app, addr));
        return AK_EVALIDATOR_JAILED;
    }
    if (si && app->time < si->jailed_until) {
        ak_tx_fail(res,
                   "%s is jailed until %lld (now %lld): validator still jailed; cannot be unjailed",
                   ak_app_str(app, addr), (long long)si->jailed_until, (long long)app->time);
        return AK_EVALIDATOR_JAILED;
    }
    return ak_staking_unjail(app, val);
}

int ak_slashing_deliver(ak_app *app, const ak_msg *m, ak_tx_result *res)
{
    int sync_rc = sync_for_change(app);
    if (sync_rc)
        return sync_rc;
    if (m->type != AK_MSG_UNJAIL)
        return AK_EINVAL;
    return unjail(app, m->validator.validator, res);
}

/* ---- invariants ---- */

#define BAD(...)                                                                                   \
    do {                                                                                           \
        snprintf(err, cap, __VA_ARGS__);                                                           \
        return AK_EINVARIANT;                                                                      \
    } while (0)

int ak_slashing_check(const ak_app *app, char *err, size_t cap)
{
    if (ak_slashing_sync((ak_app *)app)) {
        snprintf(err, cap, "slashing: IndexOffset overflows");
        return AK_EINVARIANT;
    }
    const ak_slashing *sl = &app->slashing;
    /* AfterValidatorBonded gave every bonded validator a signing info */
    for (uint32_t h = 0; h < app->staking.vals.len; h++) {
        const ak_validator *v = ak_val(app, h);
        if (!v->removed && v->status == AK_BOND_BONDED && find_info(app, v->addr) == AK_POOL_NONE)
            BAD("bonded validator %s has no signing info", ak_app_str(app, v->addr));
    }
    for (uint32_t h = 0; h < sl->infos.len; h++) {
        const ak_signing_info *si = info_at(app, h);
        const char *name = ak_app_str(app, si->addr);
        if (find_info(app, si->addr) != h)
            BAD("signing info %u of %s is not indexed under its address", h, name);
        int64_t bits = 0;
        for (uint32_t w = 0; w < si->bitmap_words; w++)
            bits += __builtin_popcountll(si->bitmap[w]);
        if (si->missed < 0 || si->missed != bits)
            BAD("signing info of %s: missed blocks counter %lld but %lld bits set", name,
                (long long)si->missed, (long long)bits);
        if (si->index_offset < 0)
            BAD("signing info of %s: negative index offset %lld", name, (long long)si->index_offset);
        if (si->cursor_window != 0 && (si->cursor_window < 0 ||
                                       si->cursor != si->index_offset % si->cursor_window))
            BAD("signing info of %s: cursor %lld is not index offset %lld mod %lld", name,
                (long long)si->cursor, (long long)si->index_offset, (long long)si->cursor_window);
        if (si->tombstoned && si->jailed_until != AK_DOUBLE_SIGN_JAIL_END)
            BAD("signing info of %s: tombstoned but jailed only until %lld", name,
                (long long)si->jailed_until);
    }
    return 0;
}
