/*
 * protocol/staking.c: the staking keeper: validators and delegations with shares, unbonding
 * and redelegation with their queues, the EndBlock validator-set update, jailing and slashing
 * (x/staking of Cosmos SDK v0.53; chain-rules.md section 2).
 *
 * Read next to chain-rules.md section 2. The vocabulary is the SDK's:
 *   Delegate          tokens in, shares out at the validator's exchange rate (2.4)
 *   Unbond            shares in, tokens out; the last shares take any remainder (2.4)
 *   power index       validators that are not jailed, by consensus power, then address (2.3)
 *   set update        ApplyAndReturnValidatorSetUpdates at every EndBlock (2.3)
 *   Slash             burn a fraction of the stake at an infraction height, unbonding and
 *                     redelegation entries first (2.6)
 *
 * Pools: a bonded validator's tokens sit in the bonded pool module account, others' in the
 * not-bonded pool, and unbonding entries' balances in the not-bonded pool until paid.
 * The set update costs nothing when nothing that decides the set changed (set_dirty).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app_int.h"
#include "errors.h"

#define TOUCH(p) AK_TOUCH(&app->store, (p))
#define POWER_REDUCTION 1000000

const char *ak_bond_status_name(uint32_t s)
{
    switch (s) {
    case AK_BOND_BONDED: return "bonded";
    case AK_BOND_UNBONDING: return "unbonding";
    case AK_BOND_UNBONDED: return "unbonded";
    }
    return "invalid";
}

static ak_addr bonded_pool(const ak_app *app)
{
    return ak_bank_module_addr(&app->bank, AK_MODULE_BONDED_POOL);
}

static ak_addr not_bonded_pool(const ak_app *app)
{
    return ak_bank_module_addr(&app->bank, AK_MODULE_NOT_BONDED_POOL);
}

static ak_denom bond_denom(const ak_app *app)
{
    return app->params.staking.bond_denom;
}

static void mark_dirty(ak_app *app)
{
    TOUCH(&app->staking.set_dirty);
    app->staking.set_dirty = true;
}

/* ---- lookups and exchange rate (2.4) ---- */

uint32_t ak_staking_find_val(const ak_app *app, ak_addr addr)
{
    uint32_t h = ak_map_get(&app->staking.val_index, ak_key2(addr, 0));
    return h != AK_POOL_NONE && !ak_val(app, h)->removed ? h : AK_POOL_NONE;
}

uint32_t ak_staking_find_del(const ak_app *app, ak_addr delegator, uint32_t val)
{
    return ak_map_get(&app->staking.del_index, ak_key2(delegator, val));
}

int64_t ak_staking_power(const ak_validator *v)
{
    return v->tokens / POWER_REDUCTION;
}

/* ConsensusPower: the power of a bonded validator, 0 otherwise. */
static int64_t consensus_power(const ak_validator *v)
{
    return v->status == AK_BOND_BONDED ? ak_staking_power(v) : 0;
}

/* TokensFromShares: shares x tokens / delegator shares (MulInt then Quo, rounded). */
int ak_staking_tokens_from_shares(const ak_validator *v, ak_dec shares, ak_dec *out)
{
    return ak_dec_mul_int_quo(shares, v->tokens, v->shares, out);
}

int ak_staking_tokens_from_shares_trunc(const ak_validator *v, ak_dec shares, ak_dec *out)
{
    return ak_dec_mul_int_quo_trunc(shares, v->tokens, v->shares, out);
}

/* SharesFromTokens: delegator shares x amount / tokens (MulInt, then QuoInt truncating). */
static int shares_from_tokens(const ak_validator *v, ak_amount amount, ak_dec *out)
{
    if (v->tokens == 0)
        return AK_EINSUFFICIENT_SHARES;
    return ak_dec_mul_int_quo_int(v->shares, amount, v->tokens, out);
}

/* SharesFromTokensTruncated: delegator shares x amount, QuoTruncate by tokens. */
static int shares_from_tokens_trunc(const ak_validator *v, ak_amount amount, ak_dec *out)
{
    if (v->tokens == 0)
        return AK_EINSUFFICIENT_SHARES;
    return ak_dec_mul_int_quo_trunc(v->shares, amount, ak_dec_from_int(v->tokens), out);
}

/* ---- pools ---- */

static int move_pool(ak_app *app, bool to_bonded, ak_amount amount)
{
    if (amount <= 0)
        return 0;
    ak_addr from = to_bonded ? not_bonded_pool(app) : bonded_pool(app);
    ak_addr to = to_bonded ? bonded_pool(app) : not_bonded_pool(app);
    return ak_bank_send(&app->bank, from, to, (ak_coin){bond_denom(app), amount});
}

static int burn(ak_app *app, bool bonded, ak_amount amount)
{
    if (amount <= 0)
        return 0;
    return ak_bank_burn(&app->bank, bonded ? bonded_pool(app) : not_bonded_pool(app),
                        (ak_coin){bond_denom(app), amount});
}

/* ---- delegations ---- */

/* A delegator's list head (of its delegations or redelegations), created empty on first use.
 * The head lives in a pool slot, not in a map value, so that writes to it can be journaled. */
static int list_head(ak_pool *heads, ak_map *index, ak_addr delegator, uint32_t **head)
{
    uint32_t slot = ak_map_get(index, ak_key2(delegator, 0));
    if (slot != AK_POOL_NONE) {
        *head = ak_pool_at(heads, slot);
        return 0;
    }
    void *obj;
    if (ak_pool_add(heads, &slot, &obj) || ak_map_put(index, ak_key2(delegator, 0), slot))
        return AK_ENOMEM;
    *head = obj;
    **head = AK_POOL_NONE;
    return 0;
}

/* The delegation record of (delegator, val), created (with zero shares) when missing and
 * linked into the validator's and the delegator's lists. */
static int del_get_or_add(ak_app *app, ak_addr delegator, uint32_t val, uint32_t *out)
{
    ak_staking *st = &app->staking;
    uint32_t h = ak_map_get(&st->del_index, ak_key2(delegator, val));
    if (h != AK_POOL_NONE) {
        *out = h;
        return 0;
    }
    void *obj;
    if (ak_pool_add(&st->dels, &h, &obj) || ak_map_put(&st->del_index, ak_key2(delegator, val), h))
        return AK_ENOMEM;
    ak_delegation *d = obj;
    d->delegator = delegator;
    d->val = val;
    d->shares = ak_dec_zero();
    ak_validator *v = ak_val(app, val);
    TOUCH(&v->dels);
    d->next_val = v->dels;
    v->dels = h;
    uint32_t *head;
    if (list_head(&st->del_heads, &st->del_heads_index, delegator, &head))
        return AK_ENOMEM;
    TOUCH(head);
    d->next_del = *head;
    *head = h;
    *out = h;
    return 0;
}

/* AddTokensFromDel: the first delegation sets the rate to one. */
static int add_tokens(ak_app *app, uint32_t val, ak_amount amount, ak_dec *issued)
{
    ak_validator *v = ak_val(app, val);
    ak_dec sh;
    if (ak_dec_is_zero(v->shares)) {
        sh = ak_dec_from_int(amount);
    } else {
        int rc = shares_from_tokens(v, amount, &sh);
        if (rc)
            return rc;
    }
    TOUCH(v);
    if (__builtin_add_overflow(v->tokens, amount, &v->tokens) || ak_dec_add(v->shares, sh, &v->shares))
        return AK_EOVERFLOW;
    mark_dirty(app);
    *issued = sh;
    return 0;
}

/* RemoveDelShares: the last shares take every token left (the trimmings). */
static int remove_shares(ak_app *app, uint32_t val, ak_dec shares, ak_amount *issued)
{
    ak_validator *v = ak_val(app, val);
    ak_dec remaining;
    if (ak_dec_sub(v->shares, shares, &remaining))
        return AK_EOVERFLOW;
    ak_amount out;
    if (ak_dec_is_zero(remaining)) {
        out = v->tokens;
    } else {
        ak_dec t;
        if (ak_staking_tokens_from_shares(v, shares, &t) || ak_dec_truncate_int(t, &out))
            return AK_EOVERFLOW;
        if (out > v->tokens)
            return AK_EINVARIANT;
    }
    TOUCH(v);
    v->tokens -= out;
    v->shares = remaining;
    mark_dirty(app);
    *issued = out;
    return 0;
}

/* RemoveValidator: a validator unbonded with no shares left is deleted. Its record stays, marked
 * removed, so that handles held elsewhere stay valid; find_val no longer returns it, and a new
 * MsgCreateValidator with the same address starts it afresh on the same record. */
static int remove_validator(ak_app *app, uint32_t val)
{
    ak_validator *v = ak_val(app, val);
    if (v->status != AK_BOND_UNBONDED || v->tokens != 0)
        return AK_EINVARIANT;
    int rc = ak_dist_after_validator_removed(app, val);
    if (rc)
        return rc;
    v = ak_val(app, val);
    TOUCH(&v->removed);
    v->removed = true;
    return 0;
}

/* Delegate (chain-rules.md 2.4): tokens from the delegator's account (subtract) or moved
 * between pools (a redelegation, whose tokens come from src_status). */
static int delegate(ak_app *app, ak_addr delegator, ak_amount amount, uint32_t src_status,
                    uint32_t val, bool subtract, ak_dec *new_shares)
{
    ak_validator *v = ak_val(app, val);
    if (v->tokens == 0 && ak_dec_is_positive(v->shares))
        return AK_EDELEGATOR_SHARE_EX_RATE_INVALID;
    uint32_t dh = ak_staking_find_del(app, delegator, val);
    int rc;
    if (dh != AK_POOL_NONE && ak_dec_is_positive(ak_del(app, dh)->shares))
        rc = ak_dist_before_delegation_shares_modified(app, dh);
    else
        rc = ak_dist_before_delegation_created(app, val);
    if (rc)
        return rc;
    if ((rc = del_get_or_add(app, delegator, val, &dh)))
        return rc;
    v = ak_val(app, val);
    bool bonded = v->status == AK_BOND_BONDED;
    if (subtract) {
        rc = ak_bank_send(&app->bank, delegator, bonded ? bonded_pool(app) : not_bonded_pool(app),
                          (ak_coin){bond_denom(app), amount});
    } else {
        bool from_bonded = src_status == AK_BOND_BONDED;
        rc = from_bonded == bonded ? 0 : move_pool(app, bonded, amount);
    }
    if (rc)
        return rc;
    ak_dec sh;
    if ((rc = add_tokens(app, val, amount, &sh)))
        return rc;
    ak_delegation *d = ak_del(app, dh);
    TOUCH(&d->shares);
    if (ak_dec_add(d->shares, sh, &d->shares))
        return AK_EOVERFLOW;
    if ((rc = ak_dist_after_delegation_modified(app, dh)))
        return rc;
    if (new_shares)
        *new_shares = sh;
    return 0;
}

/* jailValidator / unjailValidator: leave or re-enter the power index. */
int ak_staking_jail(ak_app *app, uint32_t val)
{
    ak_validator *v = ak_val(app, val);
    if (v->jailed)
        return AK_EVALIDATOR_JAILED;
    TOUCH(&v->jailed);
    v->jailed = true;
    mark_dirty(app);
    return 0;
}

int ak_staking_unjail(ak_app *app, uint32_t val)
{
    ak_validator *v = ak_val(app, val);
    if (!v->jailed)
        return AK_EVALIDATOR_NOT_JAILED;
    TOUCH(&v->jailed);
    v->jailed = false;
    mark_dirty(app);
    return 0;
}

/* Unbond (chain-rules.md 2.4, 2.2): take shares out of a delegation; jail an operator whose
 * self-delegation falls below its minimum; returns the tokens. *removed tells the caller the
 * validator is gone (unbonded with no shares left). */
static int unbond(ak_app *app, ak_addr delegator, uint32_t val, ak_dec shares, ak_amount *amount,
                  bool *removed)
{
    uint32_t dh = ak_staking_find_del(app, delegator, val);
    if (dh == AK_POOL_NONE || !ak_dec_is_positive(ak_del(app, dh)->shares))
        return AK_ENO_DELEGATION;
    int rc = ak_dist_before_delegation_shares_modified(app, dh);
    if (rc)
        return rc;
    ak_delegation *d = ak_del(app, dh);
    if (ak_dec_cmp(d->shares, shares) < 0)
        return AK_ENOT_ENOUGH_DELEGATION_SHARES;
    TOUCH(&d->shares);
    if (ak_dec_sub(d->shares, shares, &d->shares))
        return AK_EOVERFLOW;
    ak_validator *v = ak_val(app, val);
    if (delegator == v->addr && !v->jailed) {
        ak_dec left;
        ak_amount left_int;
        if (ak_staking_tokens_from_shares(v, d->shares, &left) || ak_dec_truncate_int(left, &left_int))
            return AK_EOVERFLOW;
        if (left_int < v->min_self_delegation && (rc = ak_staking_jail(app, val)))
            return rc;
    }
    if (ak_dec_is_positive(d->shares) && (rc = ak_dist_after_delegation_modified(app, dh)))
        return rc;
    /* a delegation left with no shares is removed: its record stays, with zero shares */
    if ((rc = remove_shares(app, val, shares, amount)))
        return rc;
    v = ak_val(app, val);
    *removed = false;
    if (ak_dec_is_zero(v->shares) && v->status == AK_BOND_UNBONDED) {
        if ((rc = remove_validator(app, val)))
            return rc;
        *removed = true;
    }
    return 0;
}

/* ---- queues: binary min-heaps on (time, insertion order) ---- */

static bool mature_before(const ak_mature *a, const ak_mature *b)
{
    return a->time != b->time ? a->time < b->time : a->seq < b->seq;
}

static int heap_push(ak_app *app, ak_pool *heap, ak_unix time, uint32_t handle)
{
    uint32_t i;
    void *obj;
    if (ak_pool_add(heap, &i, &obj))
        return AK_ENOMEM;
    ak_mature item = {time, app->staking.queue_seq, handle};
    TOUCH(&app->staking.queue_seq);
    app->staking.queue_seq++;
    while (i > 0) {
        uint32_t parent = (i - 1) / 2;
        ak_mature *p = ak_pool_at(heap, parent);
        if (!mature_before(&item, p))
            break;
        ak_mature *c = ak_pool_at(heap, i);
        TOUCH(c);
        *c = *p;
        i = parent;
    }
    ak_mature *c = ak_pool_at(heap, i);
    TOUCH(c);
    *c = item;
    return 0;
}

/* Pop the earliest item (EndBlock only: not journaled). */
static ak_mature heap_pop(ak_pool *heap)
{
    ak_mature top = *(ak_mature *)ak_pool_at(heap, 0);
    ak_mature last = *(ak_mature *)ak_pool_at(heap, heap->len - 1);
    heap->len--;
    uint32_t i = 0, n = heap->len;
    while (n > 0) {
        uint32_t l = 2 * i + 1, r = l + 1, m = i;
        const ak_mature *best = &last;
        if (l < n && mature_before(ak_pool_at(heap, l), best)) {
            m = l;
            best = ak_pool_at(heap, l);
        }
        if (r < n && mature_before(ak_pool_at(heap, r), best))
            m = r;
        if (m == i)
            break;
        *(ak_mature *)ak_pool_at(heap, i) = *(ak_mature *)ak_pool_at(heap, m);
        i = m;
    }
    if (n > 0)
        *(ak_mature *)ak_pool_at(heap, i) = last;
    return top;
}

/* ---- unbonding delegations and redelegations ---- */

static ak_ubd *ubd_at(const ak_app *app, uint32_t h)
{
    return ak_pool_at(&app->staking.ubds, h);
}
static ak_ubd_entry *ubd_entry_at(const ak_app *app, uint32_t h)
{
    return ak_pool_at(&app->staking.ubd_entries, h);
}
static ak_red *red_at(const ak_app *app, uint32_t h)
{
    return ak_pool_at(&app->staking.reds, h);
}
static ak_red_entry *red_entry_at(const ak_app *app, uint32_t h)
{
    return ak_pool_at(&app->staking.red_entries, h);
}

static uint32_t find_ubd(const ak_app *app, ak_addr delegator, uint32_t val)
{
    return ak_map_get(&app->staking.ubd_index, ak_key2(delegator, val));
}

/* SetUnbondingDelegationEntry: an entry of the same creation height and completion time takes
 * the balance; otherwise a new entry is appended. */
static int ubd_add_entry(ak_app *app, ak_addr delegator, uint32_t val, ak_unix completion,
                         ak_amount balance)
{
    ak_staking *st = &app->staking;
    uint32_t h = find_ubd(app, delegator, val);
    void *obj;
    if (h == AK_POOL_NONE) {
        if (ak_pool_add(&st->ubds, &h, &obj) || ak_map_put(&st->ubd_index, ak_key2(delegator, val), h))
            return AK_ENOMEM;
        ak_ubd *u = obj;
        u->delegator = delegator;
        u->val = val;
        u->entries = AK_POOL_NONE;
        ak_validator *v = ak_val(app, val);
        TOUCH(&v->ubds);
        u->next_val = v->ubds;
        v->ubds = h;
    }
    ak_ubd *u = ubd_at(app, h);
    uint32_t *link = &u->entries;
    while (*link != AK_POOL_NONE) {
        ak_ubd_entry *e = ubd_entry_at(app, *link);
        if (e->creation_height == app->height && e->completion_time == completion) {
            TOUCH(e);
            e->balance += balance;
            e->initial_balance += balance;
            return 0;
        }
        link = &e->next;
    }
    uint32_t eh;
    if (ak_pool_add(&st->ubd_entries, &eh, &obj))
        return AK_ENOMEM;
    ak_ubd_entry *e = obj;
    *e = (ak_ubd_entry){app->height, completion, balance, balance, AK_POOL_NONE};
    TOUCH(link);
    *link = eh;
    TOUCH(&u->n);
    u->n++;
    return heap_push(app, &st->ubd_queue, completion, h);
}

/* A delegator has a redelegation into val that has not completed (HasReceivingRedelegation). */
static bool has_receiving_redelegation(const ak_app *app, ak_addr delegator, uint32_t val)
{
    uint32_t slot = ak_map_get(&app->staking.red_heads_index, ak_key2(delegator, 0));
    if (slot == AK_POOL_NONE)
        return false;
    for (uint32_t h = *(const uint32_t *)ak_pool_at(&app->staking.red_heads, slot); h != AK_POOL_NONE;
         h = red_at(app, h)->next_del)
        if (red_at(app, h)->dst == val && red_at(app, h)->n > 0)
            return true;
    return false;
}

static int red_add_entry(ak_app *app, ak_addr delegator, uint32_t src, uint32_t dst,
                         ak_height height, ak_unix completion, ak_amount balance, ak_dec shares_dst)
{
    ak_staking *st = &app->staking;
    ak_key k = ak_key2(delegator, (uint64_t)src << 32 | dst);
    uint32_t h = ak_map_get(&st->red_index, k);
    void *obj;
    if (h == AK_POOL_NONE) {
        if (ak_pool_add(&st->reds, &h, &obj) || ak_map_put(&st->red_index, k, h))
            return AK_ENOMEM;
        ak_red *r = obj;
        r->delegator = delegator;
        r->src = src;
        r->dst = dst;
        r->entries = AK_POOL_NONE;
        ak_validator *v = ak_val(app, src);
        TOUCH(&v->reds);
        r->next_src = v->reds;
        v->reds = h;
        uint32_t *head;
        if (list_head(&st->red_heads, &st->red_heads_index, delegator, &head))
            return AK_ENOMEM;
        r = red_at(app, h);
        TOUCH(head);
        r->next_del = *head;
        *head = h;
    }
    ak_red *r = red_at(app, h);
    uint32_t eh;
    if (ak_pool_add(&st->red_entries, &eh, &obj))
        return AK_ENOMEM;
    ak_red_entry *e = obj;
    *e = (ak_red_entry){height, completion, balance, shares_dst, AK_POOL_NONE};
    uint32_t *link = &r->entries;
    while (*link != AK_POOL_NONE)
        link = &red_entry_at(app, *link)->next;
    TOUCH(link);
    *link = eh;
    TOUCH(&r->n);
    r->n++;
    return heap_push(app, &st->red_queue, completion, h);
}

/* CompleteUnbonding: pay every mature entry from the not-bonded pool (EndBlock). */
static int complete_unbonding(ak_app *app, uint32_t h)
{
    ak_ubd *u = ubd_at(app, h);
    uint32_t *link = &u->entries;
    while (*link != AK_POOL_NONE) {
        ak_ubd_entry *e = ubd_entry_at(app, *link);
        if (e->completion_time > app->time) {
            link = &e->next;
            continue;
        }
        if (e->balance > 0) {
            int rc = ak_bank_send(&app->bank, not_bonded_pool(app), u->delegator,
                                  (ak_coin){bond_denom(app), e->balance});
            if (rc)
                return rc;
        }
        *link = e->next;
        u->n--;
    }
    return 0;
}

/* CompleteRedelegation: drop mature entries; no tokens move. */
static void complete_redelegation(ak_app *app, uint32_t h)
{
    ak_red *r = red_at(app, h);
    uint32_t *link = &r->entries;
    while (*link != AK_POOL_NONE) {
        ak_red_entry *e = red_entry_at(app, *link);
        if (e->completion_time > app->time) {
            link = &e->next;
            continue;
        }
        *link = e->next;
        r->n--;
    }
}

/* ---- the power order (2.3) ---- */

typedef struct candidate {
    int64_t power;
    const char *name;
    uint32_t h;
} candidate;

static int cmp_candidate(const void *a, const void *b)
{
    const candidate *x = a, *y = b;
    if (x->power != y->power)
        return x->power > y->power ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* Validators of the power index (not jailed, not removed, potential power > 0), by power then
 * address. The caller frees *out. Returns the count or -1 when out of memory. */
static int64_t power_order(const ak_app *app, candidate **out)
{
    uint32_t n = app->staking.vals.len, k = 0;
    candidate *c = malloc(sizeof *c * (n ? n : 1));
    if (!c)
        return -1;
    for (uint32_t h = 0; h < n; h++) {
        const ak_validator *v = ak_val(app, h);
        if (v->removed || v->jailed || ak_staking_power(v) == 0)
            continue;
        c[k++] = (candidate){ak_staking_power(v), ak_app_str(app, v->addr), h};
    }
    qsort(c, k, sizeof *c, cmp_candidate);
    *out = c;
    return k;
}

uint32_t ak_staking_bonded_by_power(ak_app *app, uint32_t *out, uint32_t cap)
{
    candidate *c;
    int64_t n = power_order(app, &c);
    if (n < 0)
        return 0;
    uint32_t k = 0;
    for (int64_t i = 0; i < n && k < cap && k < app->params.staking.max_validators; i++)
        if (ak_val(app, c[i].h)->status == AK_BOND_BONDED)
            out[k++] = c[i].h;
    free(c);
    return k;
}

ak_amount ak_staking_bonded_tokens(const ak_app *app)
{
    return ak_bank_balance_of(&app->bank, bonded_pool(app), bond_denom(app));
}

/* ---- EndBlock (2.3) ---- */

static int push_update(ak_app *app, uint32_t *n, ak_addr addr, int64_t power)
{
    if (*n == app->cap_updates) {
        uint32_t nc = app->cap_updates ? app->cap_updates * 2 : 64;
        ak_valupdate *nu = realloc(app->updates, sizeof *nu * nc);
        if (!nu)
            return AK_ENOMEM;
        app->updates = nu;
        app->cap_updates = nc;
    }
    app->updates[(*n)++] = (ak_valupdate){addr, power};
    return 0;
}

/* Sort validator handles by address (insertion sort: the lists are short). */
static void sort_by_addr(const ak_app *app, uint32_t *h, uint32_t n)
{
    for (uint32_t i = 1; i < n; i++) {
        uint32_t x = h[i];
        const char *name = ak_app_str(app, ak_val(app, x)->addr);
        uint32_t j = i;
        while (j > 0 && strcmp(ak_app_str(app, ak_val(app, h[j - 1])->addr), name) > 0) {
            h[j] = h[j - 1];
            j--;
        }
        h[j] = x;
    }
}

/* ApplyAndReturnValidatorSetUpdates. */
static int apply_set_updates(ak_app *app, uint32_t *nupdates)
{
    ak_staking *st = &app->staking;
    candidate *c;
    int64_t n = power_order(app, &c);
    if (n < 0)
        return AK_ENOMEM;
    uint32_t *set = malloc(sizeof *set * (size_t)(n ? n : 1));
    if (!set) {
        free(c);
        return AK_ENOMEM;
    }
    ak_amount to_bonded = 0, to_not_bonded = 0;
    uint32_t k = 0;
    int rc = 0;
    for (int64_t i = 0; i < n && k < app->params.staking.max_validators; i++) {
        ak_validator *v = ak_val(app, c[i].h);
        if (v->status != AK_BOND_BONDED) {
            to_bonded += v->tokens;
            v->status = AK_BOND_BONDED; /* bondValidator: leaves the unbonding queue too */
            if ((rc = ak_slashing_after_validator_bonded(app, c[i].h)))
                goto out;
        }
        int64_t power = consensus_power(v);
        if (v->last_power != power) {
            if ((rc = push_update(app, nupdates, v->addr, power)))
                goto out;
            v->last_power = power;
        }
        set[k++] = c[i].h;
    }
    /* members of the last set not reached: they begin unbonding, by address */
    uint32_t *gone = malloc(sizeof *gone * (st->n_last_set ? st->n_last_set : 1));
    uint32_t ngone = 0;
    if (!gone) {
        rc = AK_ENOMEM;
        goto out;
    }
    for (uint32_t i = 0; i < st->n_last_set; i++) {
        uint32_t h = st->last_set[i];
        bool kept = false;
        for (uint32_t j = 0; j < k && !kept; j++)
            kept = set[j] == h;
        if (!kept)
            gone[ngone++] = h;
    }
    sort_by_addr(app, gone, ngone);
    for (uint32_t i = 0; i < ngone; i++) {
        ak_validator *v = ak_val(app, gone[i]);
        to_not_bonded += v->tokens;
        v->status = AK_BOND_UNBONDING;
        v->unbonding_time = app->time + app->params.staking.unbonding_time;
        v->unbonding_height = app->height;
        if (v->unbonding_time < st->next_validator_unbond || st->next_validator_unbond == 0)
            st->next_validator_unbond = v->unbonding_time;
        v->last_power = 0;
        if ((rc = push_update(app, nupdates, v->addr, 0)))
            break;
    }
    free(gone);
    if (rc)
        goto out;
    if (to_bonded > to_not_bonded)
        rc = move_pool(app, true, to_bonded - to_not_bonded);
    else if (to_not_bonded > to_bonded)
        rc = move_pool(app, false, to_not_bonded - to_bonded);
    if (rc)
        goto out;
    if (k > st->cap_last_set) {
        uint32_t *nl = realloc(st->last_set, sizeof *nl * k);
        if (!nl) {
            rc = AK_ENOMEM;
            goto out;
        }
        st->last_set = nl;
        st->cap_last_set = k;
    }
    if (k)
        memcpy(st->last_set, set, sizeof *set * k);
    st->n_last_set = k;
out:
    free(set);
    free(c);
    return rc;
}

/* UnbondAllMatureValidators: unbonding validators whose time and height have come. */
static int unbond_mature_validators(ak_app *app)
{
    ak_staking *st = &app->staking;
    if (st->next_validator_unbond == 0 || st->next_validator_unbond > app->time)
        return 0;
    ak_unix next = 0;
    for (uint32_t h = 0; h < st->vals.len; h++) {
        ak_validator *v = ak_val(app, h);
        if (v->removed || v->status != AK_BOND_UNBONDING)
            continue;
        if (v->unbonding_height <= app->height && v->unbonding_time <= app->time) {
            v->status = AK_BOND_UNBONDED;
            if (ak_dec_is_zero(v->shares)) {
                int rc = remove_validator(app, h);
                if (rc)
                    return rc;
            }
        } else if (next == 0 || v->unbonding_time < next) {
            next = v->unbonding_time;
        }
    }
    st->next_validator_unbond = next;
    return 0;
}

int ak_staking_end_block(ak_app *app, uint32_t *nupdates)
{
    ak_staking *st = &app->staking;
    *nupdates = 0;
    int rc;
    if (st->set_dirty) {
        if ((rc = apply_set_updates(app, nupdates)))
            return rc;
        st->set_dirty = false;
    }
    if ((rc = unbond_mature_validators(app)))
        return rc;
    while (st->ubd_queue.len > 0 &&
           ((ak_mature *)ak_pool_at(&st->ubd_queue, 0))->time <= app->time) {
        ak_mature m = heap_pop(&st->ubd_queue);
        if ((rc = complete_unbonding(app, m.handle)))
            return rc;
    }
    while (st->red_queue.len > 0 &&
           ((ak_mature *)ak_pool_at(&st->red_queue, 0))->time <= app->time) {
        ak_mature m = heap_pop(&st->red_queue);
        complete_redelegation(app, m.handle);
    }
    return 0;
}

/* ---- Slash (2.6) ---- */

/* SlashUnbondingDelegation: entries created at or after the infraction that have not matured
 * lose fraction x initial balance, at most their balance; the total owed is returned. */
static int slash_ubd(ak_app *app, uint32_t uh, ak_height infraction, ak_dec fraction,
                     ak_amount *total, ak_amount *burned)
{
    ak_ubd *u = ubd_at(app, uh);
    for (uint32_t eh = u->entries; eh != AK_POOL_NONE; eh = ubd_entry_at(app, eh)->next) {
        ak_ubd_entry *e = ubd_entry_at(app, eh);
        if (e->creation_height < infraction || e->completion_time <= app->time)
            continue;
        ak_dec d;
        ak_amount amt;
        if (ak_dec_mul_int(fraction, e->initial_balance, &d) || ak_dec_truncate_int(d, &amt))
            return AK_EOVERFLOW;
        *total += amt;
        ak_amount take = amt < e->balance ? amt : e->balance;
        if (take == 0)
            continue;
        TOUCH(&e->balance);
        e->balance -= take;
        *burned += take;
    }
    return 0;
}

/* SlashRedelegation: each eligible entry owes fraction x initial balance, taken first from the
 * delegator's unbonding entries at the destination, then by unbonding fraction x shares_dst of
 * the destination delegation; what was taken is burned from the pool it sits in. */
static int slash_red(ak_app *app, uint32_t rh, ak_height infraction, ak_dec fraction,
                     ak_amount *total, ak_amount *burn_bonded, ak_amount *burn_not_bonded)
{
    ak_red *r = red_at(app, rh);
    ak_addr delegator = r->delegator;
    uint32_t dst = r->dst;
    for (uint32_t eh = r->entries; eh != AK_POOL_NONE; eh = red_entry_at(app, eh)->next) {
        ak_red_entry *e = red_entry_at(app, eh);
        if (e->creation_height < infraction || e->completion_time <= app->time)
            continue;
        ak_dec d;
        ak_amount amt;
        if (ak_dec_mul_int(fraction, e->initial_balance, &d) || ak_dec_truncate_int(d, &amt))
            return AK_EOVERFLOW;
        *total += amt;
        uint32_t uh = find_ubd(app, delegator, dst);
        if (uh != AK_POOL_NONE) {
            for (uint32_t ueh = ubd_at(app, uh)->entries; ueh != AK_POOL_NONE;
                 ueh = ubd_entry_at(app, ueh)->next) {
                ak_ubd_entry *ue = ubd_entry_at(app, ueh);
                ak_amount take = amt < ue->balance ? amt : ue->balance;
                if (take == 0 || ue->creation_height < infraction || ue->completion_time <= app->time)
                    continue;
                amt -= take;
                *burn_not_bonded += take;
                TOUCH(&ue->balance);
                ue->balance -= take;
            }
        }
        ak_dec shares;
        if (ak_dec_mul(fraction, e->shares_dst, &shares))
            return AK_EOVERFLOW;
        if (ak_dec_is_zero(shares) || amt == 0)
            continue;
        uint32_t dh = ak_staking_find_del(app, delegator, dst);
        if (dh == AK_POOL_NONE || !ak_dec_is_positive(ak_del(app, dh)->shares))
            continue;
        if (ak_dec_cmp(shares, ak_del(app, dh)->shares) > 0)
            shares = ak_del(app, dh)->shares;
        ak_amount tokens;
        bool removed;
        int rc = unbond(app, delegator, dst, shares, &tokens, &removed);
        if (rc)
            return rc;
        if (ak_val(app, dst)->status == AK_BOND_BONDED)
            *burn_bonded += tokens;
        else
            *burn_not_bonded += tokens;
    }
    return 0;
}

int ak_staking_slash(ak_app *app, uint32_t val, ak_height infraction_height, int64_t power,
                     ak_dec fraction)
{
    if (ak_dec_is_negative(fraction))
        return AK_EINVAL;
    if (val == AK_POOL_NONE)
        return 0; /* over-slashed and removed: nothing to do */
    ak_validator *v = ak_val(app, val);
    if (v->removed)
        return 0;
    if (v->status == AK_BOND_UNBONDED)
        return AK_EINVAL; /* "should not be slashing unbonded validator" */
    if (infraction_height > app->height)
        return AK_EINVAL;
    ak_dec d;
    ak_amount slash_amount;
    if (ak_dec_mul(ak_dec_from_int(power * POWER_REDUCTION), fraction, &d) ||
        ak_dec_truncate_int(d, &slash_amount))
        return AK_EOVERFLOW;
    ak_amount remaining = slash_amount;
    int rc;
    if (infraction_height < app->height) {
        ak_amount burned = 0;
        for (uint32_t uh = v->ubds; uh != AK_POOL_NONE; uh = ubd_at(app, uh)->next_val) {
            ak_amount total = 0;
            if ((rc = slash_ubd(app, uh, infraction_height, fraction, &total, &burned)))
                return rc;
            remaining -= total;
        }
        if ((rc = burn(app, false, burned)))
            return rc;
        ak_amount bb = 0, nbb = 0;
        for (uint32_t rh = ak_val(app, val)->reds; rh != AK_POOL_NONE; rh = red_at(app, rh)->next_src) {
            ak_amount total = 0;
            if ((rc = slash_red(app, rh, infraction_height, fraction, &total, &bb, &nbb)))
                return rc;
            remaining -= total;
        }
        if ((rc = burn(app, true, bb)) || (rc = burn(app, false, nbb)))
            return rc;
    }
    v = ak_val(app, val);
    ak_amount to_burn = remaining < v->tokens ? remaining : v->tokens;
    if (to_burn <= 0)
        return 0;
    if (v->tokens > 0) {
        /* the effective fraction, for distribution's slash event */
        ak_dec eff;
        if (ak_dec_quo_round_up(ak_dec_from_int(to_burn), ak_dec_from_int(v->tokens), &eff))
            return AK_EOVERFLOW;
        if (ak_dec_cmp(eff, ak_dec_from_int(1)) > 0)
            eff = ak_dec_from_int(1);
        if ((rc = ak_dist_before_validator_slashed(app, val, eff)))
            return rc;
    }
    v = ak_val(app, val);
    TOUCH(&v->tokens);
    v->tokens -= to_burn;
    mark_dirty(app);
    return burn(app, v->status == AK_BOND_BONDED, to_burn);
}

/* ---- messages (2.4, 2.5, 2.7) ---- */

/* CommissionRates.Validate */
static int validate_commission(ak_dec rate, ak_dec max_rate, ak_dec max_change)
{
    if (ak_dec_is_negative(max_rate))
        return AK_ECOMMISSION_NEGATIVE;
    if (ak_dec_cmp(max_rate, ak_dec_from_int(1)) > 0)
        return AK_ECOMMISSION_HUGE;
    if (ak_dec_is_negative(rate))
        return AK_ECOMMISSION_NEGATIVE;
    if (ak_dec_cmp(rate, max_rate) > 0)
        return AK_ECOMMISSION_GT_MAX_RATE;
    if (ak_dec_is_negative(max_change))
        return AK_ECOMMISSION_CHANGE_RATE_NEGATIVE;
    if (ak_dec_cmp(max_change, max_rate) > 0)
        return AK_ECOMMISSION_CHANGE_RATE_GT_MAX_RATE;
    return 0;
}

static int check_bond_denom(ak_app *app, ak_coin c, ak_tx_result *res)
{
    if (c.denom != bond_denom(app)) {
        ak_tx_fail(res, "invalid coin denomination: got %s, expected %s: invalid request",
                   ak_app_str(app, c.denom), ak_app_str(app, bond_denom(app)));
        return AK_EINVALID_REQUEST;
    }
    return 0;
}

/* A new validator record, or the removed one of the same address started afresh. */
static int new_validator(ak_app *app, ak_addr addr, uint32_t *out)
{
    uint32_t h = ak_map_get(&app->staking.val_index, ak_key2(addr, 0));
    ak_validator *v;
    if (h == AK_POOL_NONE) {
        void *obj;
        if (ak_pool_add(&app->staking.vals, &h, &obj) ||
            ak_map_put(&app->staking.val_index, ak_key2(addr, 0), h))
            return AK_ENOMEM;
        v = obj;
        v->dels = v->ubds = v->reds = AK_POOL_NONE;
    } else {
        v = ak_val(app, h);
        TOUCH(v);
        uint32_t dels = v->dels, ubds = v->ubds, reds = v->reds;
        memset(v, 0, sizeof *v);
        v->dels = dels;
        v->ubds = ubds;
        v->reds = reds;
    }
    v->addr = addr;
    v->status = AK_BOND_UNBONDED;
    v->shares = ak_dec_zero();
    *out = h;
    return 0;
}

static int h_create_validator(ak_app *app, const ak_msg *m, ak_tx_result *res)
{
    const typeof(m->create_validator) *c = &m->create_validator;
    if (c->validator == AK_ADDR_NONE) {
        ak_tx_fail(res, "invalid validator address: invalid address");
        return AK_EINVALID_ADDRESS;
    }
    if (c->amount.amount <= 0) {
        ak_tx_fail(res, "invalid delegation amount: invalid request");
        return AK_EINVALID_REQUEST;
    }
    int rc = validate_commission(c->rate, c->max_rate, c->max_change_rate);
    if (rc)
        return rc;
    if (c->min_self_delegation <= 0) {
        ak_tx_fail(res, "minimum self delegation must be a positive integer: invalid request");
        return AK_EINVALID_REQUEST;
    }
    if (c->amount.amount < c->min_self_delegation)
        return AK_ESELF_DELEGATION_BELOW_MINIMUM;
    char b[AK_DEC_STRLEN];
    if (ak_dec_cmp(c->rate, app->params.staking.min_commission_rate) < 0) {
        ak_dec_format(app->params.staking.min_commission_rate, b, sizeof b);
        ak_tx_fail(res,
                   "cannot set validator commission to less than minimum rate of %s: commission "
                   "cannot be less than min rate",
                   b);
        return AK_ECOMMISSION_LT_MIN_RATE;
    }
    if (ak_staking_find_val(app, c->validator) != AK_POOL_NONE)
        return AK_EVALIDATOR_OWNER_EXISTS;
    if ((rc = check_bond_denom(app, c->amount, res)))
        return rc;
    uint32_t h;
    if ((rc = new_validator(app, c->validator, &h)))
        return rc;
    ak_validator *v = ak_val(app, h);
    v->commission_rate = c->rate;
    v->commission_max_rate = c->max_rate;
    v->commission_max_change_rate = c->max_change_rate;
    v->commission_update_time = app->time;
    v->min_self_delegation = c->min_self_delegation;
    mark_dirty(app);
    if ((rc = ak_dist_after_validator_created(app, h)))
        return rc;
    return delegate(app, c->validator, c->amount.amount, AK_BOND_UNBONDED, h, true, NULL);
}

static int h_edit_validator(ak_app *app, const ak_msg *m, ak_tx_result *res)
{
    const typeof(m->edit_validator) *c = &m->edit_validator;
    char b[AK_DEC_STRLEN];
    if (c->has_min_self_delegation && c->min_self_delegation <= 0) {
        ak_tx_fail(res, "minimum self delegation must be a positive integer: invalid request");
        return AK_EINVALID_REQUEST;
    }
    if (c->has_rate) {
        if (ak_dec_cmp(c->rate, ak_dec_from_int(1)) > 0 || ak_dec_is_negative(c->rate)) {
            ak_tx_fail(res, "commission rate must be between 0 and 1 (inclusive): invalid request");
            return AK_EINVALID_REQUEST;
        }
        /* unlike MsgCreateValidator's ErrCommissionLTMinRate, the edit's check is a plain
         * invalid request (msg_server.go EditValidator) */
        if (ak_dec_cmp(c->rate, app->params.staking.min_commission_rate) < 0) {
            ak_dec_format(app->params.staking.min_commission_rate, b, sizeof b);
            ak_tx_fail(res,
                       "commission rate cannot be less than the min commission rate %s: "
                       "invalid request",
                       b);
            return AK_EINVALID_REQUEST;
        }
    }
    uint32_t h = ak_staking_find_val(app, c->validator);
    if (h == AK_POOL_NONE)
        return AK_ENO_VALIDATOR_FOUND;
    ak_validator *v = ak_val(app, h);
    if (c->has_rate) {
        /* Commission.ValidateNewRate: once in 24 h, within [0, max rate], by at most the max
         * change rate upwards */
        ak_dec diff;
        if (app->time - v->commission_update_time < 86400)
            return AK_ECOMMISSION_UPDATE_TIME;
        if (ak_dec_is_negative(c->rate))
            return AK_ECOMMISSION_NEGATIVE;
        if (ak_dec_cmp(c->rate, v->commission_max_rate) > 0)
            return AK_ECOMMISSION_GT_MAX_RATE;
        if (ak_dec_sub(c->rate, v->commission_rate, &diff))
            return AK_EOVERFLOW;
        if (ak_dec_cmp(diff, v->commission_max_change_rate) > 0)
            return AK_ECOMMISSION_GT_MAX_CHANGE_RATE;
    }
    if (c->has_min_self_delegation) {
        if (c->min_self_delegation <= v->min_self_delegation)
            return AK_EMIN_SELF_DELEGATION_DECREASED;
        if (c->min_self_delegation > v->tokens)
            return AK_ESELF_DELEGATION_BELOW_MINIMUM;
    }
    TOUCH(v);
    if (c->has_rate) {
        v->commission_rate = c->rate;
        v->commission_update_time = app->time;
    }
    if (c->has_min_self_delegation)
        v->min_self_delegation = c->min_self_delegation;
    return 0;
}

static int h_delegate(ak_app *app, const ak_msg *m, ak_tx_result *res)
{
    const typeof(m->delegate) *c = &m->delegate;
    if (c->delegator == AK_ADDR_NONE || c->validator == AK_ADDR_NONE)
        return AK_EINVALID_ADDRESS;
    if (c->amount.amount <= 0) {
        ak_tx_fail(res, "invalid delegation amount: invalid request");
        return AK_EINVALID_REQUEST;
    }
    uint32_t h = ak_staking_find_val(app, c->validator);
    if (h == AK_POOL_NONE)
        return AK_ENO_VALIDATOR_FOUND;
    int rc = check_bond_denom(app, c->amount, res);
    if (rc)
        return rc;
    rc = delegate(app, c->delegator, c->amount.amount, AK_BOND_UNBONDED, h, true, NULL);
    if (rc == AK_EINSUFFICIENT_FUNDS)
        ak_tx_fail(res, "spendable balance %lld%s is smaller than %lld%s: insufficient funds",
                   (long long)ak_bank_balance_of(&app->bank, c->delegator, c->amount.denom),
                   ak_app_str(app, c->amount.denom), (long long)c->amount.amount,
                   ak_app_str(app, c->amount.denom));
    return rc;
}

/* ValidateUnbondAmount: tokens to shares, capped at the delegation's shares. */
static int unbond_shares(ak_app *app, ak_addr delegator, uint32_t val, ak_amount amount,
                         ak_dec *shares)
{
    uint32_t dh = ak_staking_find_del(app, delegator, val);
    if (dh == AK_POOL_NONE || !ak_dec_is_positive(ak_del(app, dh)->shares))
        return AK_ENO_DELEGATION;
    const ak_validator *v = ak_val(app, val);
    ak_dec sh, trunc;
    int rc;
    if ((rc = shares_from_tokens(v, amount, &sh)) || (rc = shares_from_tokens_trunc(v, amount, &trunc)))
        return rc;
    ak_dec have = ak_del(app, dh)->shares;
    if (ak_dec_cmp(trunc, have) > 0)
        return AK_EBAD_SHARES_AMOUNT;
    *shares = ak_dec_cmp(sh, have) > 0 ? have : sh;
    return 0;
}

static int h_undelegate(ak_app *app, const ak_msg *m, ak_tx_result *res)
{
    const typeof(m->delegate) *c = &m->delegate;
    if (c->delegator == AK_ADDR_NONE || c->validator == AK_ADDR_NONE)
        return AK_EINVALID_ADDRESS;
    if (c->amount.amount <= 0) {
        ak_tx_fail(res, "invalid shares amount: invalid request");
        return AK_EINVALID_REQUEST;
    }
    uint32_t h = ak_staking_find_val(app, c->validator);
    if (h == AK_POOL_NONE)
        return AK_ENO_VALIDATOR_FOUND;
    ak_dec shares;
    int rc = unbond_shares(app, c->delegator, h, c->amount.amount, &shares);
    if (rc)
        return rc;
    if ((rc = check_bond_denom(app, c->amount, res)))
        return rc;
    /* Undelegate */
    uint32_t uh = find_ubd(app, c->delegator, h);
    if (uh != AK_POOL_NONE && ubd_at(app, uh)->n >= app->params.staking.max_entries)
        return AK_EMAX_UNBONDING_DELEGATION_ENTRIES;
    bool was_bonded = ak_val(app, h)->status == AK_BOND_BONDED;
    ak_amount amount;
    bool removed;
    if ((rc = unbond(app, c->delegator, h, shares, &amount, &removed)))
        return rc;
    if (was_bonded && (rc = move_pool(app, false, amount)))
        return rc;
    return ubd_add_entry(app, c->delegator, h, app->time + app->params.staking.unbonding_time, amount);
}

static int h_redelegate(ak_app *app, const ak_msg *m, ak_tx_result *res)
{
    const typeof(m->redelegate) *c = &m->redelegate;
    if (c->delegator == AK_ADDR_NONE || c->src == AK_ADDR_NONE || c->dst == AK_ADDR_NONE)
        return AK_EINVALID_ADDRESS;
    if (c->amount.amount <= 0) {
        ak_tx_fail(res, "invalid shares amount: invalid request");
        return AK_EINVALID_REQUEST;
    }
    uint32_t src = ak_staking_find_val(app, c->src);
    if (src == AK_POOL_NONE)
        return AK_ENO_VALIDATOR_FOUND;
    ak_dec shares;
    int rc = unbond_shares(app, c->delegator, src, c->amount.amount, &shares);
    if (rc)
        return rc;
    if ((rc = check_bond_denom(app, c->amount, res)))
        return rc;
    /* BeginRedelegation */
    if (c->src == c->dst)
        return AK_ESELF_REDELEGATION;
    uint32_t dst = ak_staking_find_val(app, c->dst);
    if (dst == AK_POOL_NONE)
        return AK_EBAD_REDELEGATION_DST;
    if (has_receiving_redelegation(app, c->delegator, src))
        return AK_ETRANSITIVE_REDELEGATION;
    uint32_t rh = ak_map_get(&app->staking.red_index,
                             ak_key2(c->delegator, (uint64_t)src << 32 | dst));
    if (rh != AK_POOL_NONE && red_at(app, rh)->n >= app->params.staking.max_entries)
        return AK_EMAX_REDELEGATION_ENTRIES;
    uint32_t src_status = ak_val(app, src)->status;
    ak_unix src_unbonding_time = ak_val(app, src)->unbonding_time;
    ak_height src_unbonding_height = ak_val(app, src)->unbonding_height;
    ak_amount amount;
    bool removed;
    if ((rc = unbond(app, c->delegator, src, shares, &amount, &removed)))
        return rc;
    if (amount == 0)
        return AK_ETINY_REDELEGATION_AMOUNT;
    ak_dec created;
    if ((rc = delegate(app, c->delegator, amount, src_status, dst, false, &created)))
        return rc;
    /* getBeginInfo: a bonded source completes after the unbonding time; an unbonding one when
     * it finishes unbonding; an unbonded one at once, with no record. An unbonded source whose
     * last shares these were was deleted by Unbond: GetValidator fails and so does the whole
     * redelegation (SDK v0.53 delegation.go getBeginInfo returns ErrNoValidatorFound); the last
     * delegator of an unbonded validator can undelegate everything but not redelegate it. */
    if (removed) {
        ak_tx_fail(res, "%s", ak_err_message(AK_ENO_VALIDATOR_FOUND));
        return AK_ENO_VALIDATOR_FOUND;
    }
    if (src_status == AK_BOND_BONDED)
        return red_add_entry(app, c->delegator, src, dst, app->height,
                             app->time + app->params.staking.unbonding_time, amount, created);
    if (src_status == AK_BOND_UNBONDED)
        return 0;
    return red_add_entry(app, c->delegator, src, dst, src_unbonding_height, src_unbonding_time,
                         amount, created);
}

int ak_staking_deliver(ak_app *app, const ak_msg *m, ak_tx_result *res)
{
    switch (m->type) {
    case AK_MSG_CREATE_VALIDATOR: return h_create_validator(app, m, res);
    case AK_MSG_EDIT_VALIDATOR: return h_edit_validator(app, m, res);
    case AK_MSG_DELEGATE: return h_delegate(app, m, res);
    case AK_MSG_UNDELEGATE: return h_undelegate(app, m, res);
    case AK_MSG_BEGIN_REDELEGATE: return h_redelegate(app, m, res);
    default: return AK_EINVAL;
    }
}

/* ---- genesis ---- */

int ak_staking_genesis_validator(ak_app *app, ak_addr addr, ak_amount tokens, ak_dec rate,
                                 ak_dec max_rate, ak_dec max_change, ak_amount min_self_delegation)
{
    if (ak_staking_find_val(app, addr) != AK_POOL_NONE)
        return AK_EVALIDATOR_OWNER_EXISTS;
    int rc = validate_commission(rate, max_rate, max_change);
    if (rc)
        return rc;
    if (tokens <= 0 || min_self_delegation <= 0 || tokens < min_self_delegation)
        return AK_ESELF_DELEGATION_BELOW_MINIMUM;
    uint32_t h;
    if ((rc = new_validator(app, addr, &h)))
        return rc;
    ak_validator *v = ak_val(app, h);
    v->commission_rate = rate;
    v->commission_max_rate = max_rate;
    v->commission_max_change_rate = max_change;
    v->commission_update_time = app->genesis_time;
    v->min_self_delegation = min_self_delegation;
    app->staking.set_dirty = true;
    if ((rc = ak_dist_after_validator_created(app, h)))
        return rc;
    /* the self-bond exists from genesis: minted to the operator, then delegated */
    if ((rc = ak_bank_mint(&app->bank, addr, (ak_coin){bond_denom(app), tokens})))
        return rc;
    return delegate(app, addr, tokens, AK_BOND_UNBONDED, h, true, NULL);
}

int ak_staking_genesis_delegation(ak_app *app, ak_addr delegator, ak_addr validator,
                                  ak_amount amount)
{
    uint32_t h = ak_staking_find_val(app, validator);
    if (h == AK_POOL_NONE)
        return AK_ENO_VALIDATOR_FOUND;
    if (amount <= 0)
        return AK_EINVALID_REQUEST;
    int rc = ak_bank_mint(&app->bank, delegator, (ak_coin){bond_denom(app), amount});
    if (rc)
        return rc;
    return delegate(app, delegator, amount, AK_BOND_UNBONDED, h, true, NULL);
}

/* ---- lifecycle and invariants ---- */

void ak_staking_init(ak_staking *st, ak_store *store)
{
    memset(st, 0, sizeof *st);
    ak_pool_init(&st->vals, store, sizeof(ak_validator));
    ak_map_init(&st->val_index, store);
    ak_pool_init(&st->dels, store, sizeof(ak_delegation));
    ak_map_init(&st->del_index, store);
    ak_pool_init(&st->del_heads, store, sizeof(uint32_t));
    ak_map_init(&st->del_heads_index, store);
    ak_pool_init(&st->ubds, store, sizeof(ak_ubd));
    ak_map_init(&st->ubd_index, store);
    ak_pool_init(&st->ubd_entries, store, sizeof(ak_ubd_entry));
    ak_pool_init(&st->reds, store, sizeof(ak_red));
    ak_map_init(&st->red_index, store);
    ak_pool_init(&st->red_entries, store, sizeof(ak_red_entry));
    ak_pool_init(&st->red_heads, store, sizeof(uint32_t));
    ak_map_init(&st->red_heads_index, store);
    ak_pool_init(&st->ubd_queue, store, sizeof(ak_mature));
    ak_pool_init(&st->red_queue, store, sizeof(ak_mature));
}

void ak_staking_fini(ak_staking *st)
{
    ak_pool *pools[] = {&st->vals, &st->dels, &st->del_heads, &st->ubds, &st->ubd_entries,
                        &st->reds, &st->red_entries, &st->red_heads, &st->ubd_queue, &st->red_queue};
    for (size_t i = 0; i < sizeof pools / sizeof *pools; i++)
        ak_pool_fini(pools[i]);
    ak_map *maps[] = {&st->val_index, &st->del_index, &st->del_heads_index, &st->ubd_index,
                      &st->red_index, &st->red_heads_index};
    for (size_t i = 0; i < sizeof maps / sizeof *maps; i++)
        ak_map_fini(maps[i]);
    free(st->last_set);
}

#define BAD(...)                                                                                   \
    do {                                                                                           \
        snprintf(err, cap, __VA_ARGS__);                                                           \
        return AK_EINVARIANT;                                                                      \
    } while (0)

int ak_staking_check(const ak_app *app, char *err, size_t cap)
{
    const ak_staking *st = &app->staking;
    __int128 bonded = 0, not_bonded = 0;
    for (uint32_t h = 0; h < st->vals.len; h++) {
        const ak_validator *v = ak_val(app, h);
        if (v->tokens < 0 || ak_dec_is_negative(v->shares))
            BAD("staking: validator %s has negative tokens or shares", ak_app_str(app, v->addr));
        if (v->removed && (v->tokens != 0 || !ak_dec_is_zero(v->shares)))
            BAD("staking: removed validator %s still holds tokens or shares",
                ak_app_str(app, v->addr));
        if (v->status == AK_BOND_BONDED)
            bonded += v->tokens;
        else
            not_bonded += v->tokens;
        __int128 sum = 0;
        for (uint32_t dh = v->dels; dh != AK_POOL_NONE; dh = ak_del(app, dh)->next_val) {
            const ak_delegation *d = ak_del(app, dh);
            if (d->val != h || ak_dec_is_negative(d->shares))
                BAD("staking: a delegation to %s is corrupt", ak_app_str(app, v->addr));
            sum += d->shares.v;
        }
        if (sum != v->shares.v)
            BAD("staking: delegations to %s add up to other shares than the validator's",
                ak_app_str(app, v->addr));
    }
    for (uint32_t eh = 0; eh < st->ubds.len; eh++)
        for (uint32_t e = ubd_at(app, eh)->entries; e != AK_POOL_NONE; e = ubd_entry_at(app, e)->next) {
            if (ubd_entry_at(app, e)->balance < 0)
                BAD("staking: an unbonding entry is negative");
            not_bonded += ubd_entry_at(app, e)->balance;
        }
    ak_amount bp = ak_bank_balance_of(&app->bank, bonded_pool(app), bond_denom(app));
    ak_amount nbp = ak_bank_balance_of(&app->bank, not_bonded_pool(app), bond_denom(app));
    if (bp != bonded)
        BAD("staking: the bonded pool holds %lld but bonded validators have %lld", (long long)bp,
            (long long)bonded);
    if (nbp != not_bonded)
        BAD("staking: the not-bonded pool holds %lld but unbonded tokens and unbonding entries "
            "add up to %lld",
            (long long)nbp, (long long)not_bonded);
    return 0;
}
