/*
 * protocol/escrow.c: the escrow keeper: deposits, lazy settlement, withdrawals with take,
 * closing and refunds (market-rules.md sections 3 and 4; node v1.2.2
 * x/escrow/keeper/keeper.go).
 *
 * Read this next to market-rules.md section 3. The vocabulary is the chain's:
 *   settle      accountSettle: charge every payment for the blocks since settled_at (3.3)
 *   deduct      deductFromBalance: take an amount from the deposits, oldest first (3.3 step 5)
 *   withdraw    paymentWithdraw: pay a payment's accrued balance to its provider, minus take (3.4)
 *   save        saveAccount: an account saved closed or overdrawn refunds what is left of its
 *               deposits, then fires the market's account-closed hook (3.5)
 *
 * Where node v1.2.2 has a defect, the intended rule is implemented and docs/deviations.md says
 * what the node does instead: a close at the height of the last settlement still closes the
 * payment; PaymentCreate credits the accrual of the account's other payments; a withdraw at
 * the height of the last settlement pays the balance instead of panicking; settlement sees only
 * the account's own payments.
 *
 * Nothing here loops over accounts or payments that a transaction did not touch: settlement is
 * lazy, exactly as on chain. Every write is preceded by a TOUCH so that a failed transaction can
 * be rolled back (store.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app_int.h"
#include "errors.h"

#define TOUCH(p) AK_TOUCH(&app->store, (p))

const char *ak_escrow_state_name(uint32_t s)
{
    switch (s) {
    case AK_ESCROW_OPEN: return "open";
    case AK_ESCROW_CLOSED: return "closed";
    case AK_ESCROW_OVERDRAWN: return "overdrawn";
    }
    return "invalid";
}

static ak_escrow_deposit *dep_at(const ak_app *app, uint32_t h)
{
    return ak_pool_at(&app->escrow.deposits, h);
}

static void emit(ak_app *app, ak_event_type t, uint32_t object, const ak_escrow_id *id,
                 ak_addr who, ak_denom denom, ak_amount amount, ak_amount fee)
{
    ak_event ev = {.type = t, .height = app->height, .object = object, .id = id->xid,
                   .who = who, .denom = denom, .amount = amount, .fee = fee, .state = id->scope};
    ak_app_emit(app, &ev);
}

/* ---- AuthorizeDeposits (section 3.2) ---- */

static int push_depositor(ak_app *app, uint32_t *n, ak_addr owner, uint32_t source, ak_amount amt)
{
    if (*n == app->cap_depositors) {
        uint32_t nc = app->cap_depositors ? app->cap_depositors * 2 : 8;
        ak_depositor *nd = realloc(app->depositors, sizeof *nd * nc);
        if (!nd)
            return AK_ENOMEM;
        app->depositors = nd;
        app->cap_depositors = nc;
    }
    app->depositors[(*n)++] = (ak_depositor){owner, source, amt};
    return 0;
}

int ak_escrow_authorize(ak_app *app, ak_addr signer, uint32_t scope, const ak_deposit *deposit,
                        uint32_t *n, ak_tx_result *res)
{
    ak_amount remainder = deposit->amount.amount;
    ak_denom denom = deposit->amount.denom;
    bool wrong_scope = false;
    *n = 0;
    for (uint32_t s = 0; s < deposit->nsources && remainder > 0; s++) {
        if (deposit->sources[s] == AK_SOURCE_BALANCE) {
            ak_amount spendable = ak_bank_balance_of(&app->bank, signer, denom);
            if (spendable > 0) {
                ak_amount take = spendable < remainder ? spendable : remainder;
                if (push_depositor(app, n, signer, AK_SOURCE_BALANCE, take))
                    return AK_ENOMEM;
                remainder -= take;
            }
            continue;
        }
        /* grants received by the signer, in granter order; a grant that does not fit is skipped */
        for (ak_grant *g = ak_grants_first(&app->grants, signer); g && remainder > 0;
             g = ak_grants_next(&app->grants, g)) {
            if (g->spend_limit.amount == 0)
                continue;
            if (!(g->scopes & AK_SCOPE_BIT(scope))) {
                wrong_scope = true;
                continue;
            }
            if (g->spend_limit.denom != denom)
                continue;
            ak_amount take = g->spend_limit.amount < remainder ? g->spend_limit.amount : remainder;
            TOUCH(&g->spend_limit.amount);
            g->spend_limit.amount -= take; /* a used-up grant stays, with a zero limit */
            if (push_depositor(app, n, g->granter, AK_SOURCE_GRANT, take))
                return AK_ENOMEM;
            remainder -= take;
        }
    }
    if (remainder > 0) {
        if (wrong_scope) {
            snprintf(res->detail, sizeof res->detail,
                     "grants of another scope cannot pay this deposit: unauthorized deposit scope");
            return AK_EUNAUTHORIZED_DEPOSIT_SCOPE;
        }
        snprintf(res->detail, sizeof res->detail, "deposit invalid: insufficient balance");
        return AK_EINVALID_DEPOSIT;
    }
    return 0;
}

/* fetchDepositsToAccount: move each depositor's coins into escrow and append the deposits, so
 * the list stays oldest first. */
static int fetch_deposits(ak_app *app, uint32_t ah, ak_denom denom, const ak_depositor *deps,
                          uint32_t n)
{
    ak_escrow_account *a = ak_escrow_acct(app, ah);
    ak_addr escrow = ak_bank_module_addr(&app->bank, AK_MODULE_ESCROW);
    TOUCH(a);
    for (uint32_t i = 0; i < n; i++) {
        if (!a->funded || a->denom != denom)
            return AK_EINVALID_DENOMINATION;
        if (ak_dec_is_negative(a->funds))
            a->funds = ak_dec_zero(); /* the debt stays with the overdrawn payments */
        int rc = ak_bank_send(&app->bank, deps[i].owner, escrow, (ak_coin){denom, deps[i].amount});
        if (rc)
            return rc;
        if (ak_dec_add(a->funds, ak_dec_from_int(deps[i].amount), &a->funds))
            return AK_EOVERFLOW;
        uint32_t h = app->escrow.free_deposits;
        ak_escrow_deposit *d;
        if (h != AK_POOL_NONE) {
            d = dep_at(app, h);
            TOUCH(&app->escrow.free_deposits);
            app->escrow.free_deposits = d->next;
            TOUCH(d);
        } else {
            void *obj;
            if (ak_pool_add(&app->escrow.deposits, &h, &obj))
                return AK_ENOMEM;
            d = obj;
        }
        *d = (ak_escrow_deposit){deps[i].owner, app->height, deps[i].source,
                                 ak_dec_from_int(deps[i].amount), AK_POOL_NONE};
        if (a->dep_tail == AK_POOL_NONE) {
            a->dep_head = h;
        } else {
            ak_escrow_deposit *tail = dep_at(app, a->dep_tail);
            TOUCH(&tail->next);
            tail->next = h;
        }
        a->dep_tail = h;
        emit(app, AK_EV_ESCROW_DEPOSIT, ah, &a->id, deps[i].owner, denom, deps[i].amount, 0);
    }
    return 0;
}

int ak_escrow_account_create(ak_app *app, const ak_escrow_id *id, ak_addr owner, ak_denom denom,
                             const ak_depositor *deps, uint32_t n, uint32_t *handle)
{
    uint32_t h;
    void *obj;
    if (ak_pool_add(&app->escrow.accounts, &h, &obj))
        return AK_ENOMEM;
    ak_escrow_account *a = obj;
    a->id = *id;
    a->owner = owner;
    a->state = AK_ESCROW_OPEN;
    a->denom = denom;
    a->funded = n > 0; /* one funds entry per deposit denom; none without depositors */
    a->funds = ak_dec_zero();
    a->transferred = ak_dec_zero();
    a->settled_at = app->height;
    a->dep_head = a->dep_tail = AK_POOL_NONE;
    a->payments = AK_POOL_NONE;
    int rc = fetch_deposits(app, h, denom, deps, n);
    if (rc)
        return rc;
    *handle = h;
    return 0;
}

/* ---- store order of payments (section 3.3 step 3) ---- */

/* Payments of an account are iterated overdrawn first, then open, each in bytewise order of
 * the xid string "gseq/oseq/provider" (so gseq 10 comes before gseq 2). */
static int xid_cmp(const ak_app *app, const ak_escrow_payment *x, const ak_escrow_payment *y)
{
    char a[160], b[160];
    snprintf(a, sizeof a, "%u/%u/%s", x->id.gseq, x->id.oseq, ak_strtab_get(&app->strs, x->id.provider));
    snprintf(b, sizeof b, "%u/%u/%s", y->id.gseq, y->id.oseq, ak_strtab_get(&app->strs, y->id.provider));
    return strcmp(a, b);
}

static int state_rank(uint32_t s)
{
    return s == AK_ESCROW_OVERDRAWN ? 0 : 1;
}

static bool before(const ak_app *app, const ak_escrow_payment *x, const ak_escrow_payment *y)
{
    int rx = state_rank(x->state), ry = state_rank(y->state);
    return rx != ry ? rx < ry : xid_cmp(app, x, y) < 0;
}

/* Insert payment ph into the account's list at its store position. */
static void list_insert(ak_app *app, ak_escrow_account *a, uint32_t ph)
{
    ak_escrow_payment *p = ak_escrow_pay(app, ph);
    uint32_t *link = &a->payments;
    while (*link != AK_POOL_NONE && before(app, ak_escrow_pay(app, *link), p))
        link = &ak_escrow_pay(app, *link)->next;
    TOUCH(&p->next);
    p->next = *link;
    TOUCH(link);
    *link = ph;
}

static void list_remove(ak_app *app, ak_escrow_account *a, uint32_t ph)
{
    uint32_t *link = &a->payments;
    while (*link != AK_POOL_NONE && *link != ph)
        link = &ak_escrow_pay(app, *link)->next;
    if (*link == ph) {
        TOUCH(link);
        *link = ak_escrow_pay(app, ph)->next;
    }
}

/* Restore store order after states changed: a stable sort by state, xid order kept. */
static void list_reorder(ak_app *app, ak_escrow_account *a)
{
    uint32_t od_head = AK_POOL_NONE, open_head = AK_POOL_NONE;
    uint32_t *od_tail = &od_head, *open_tail = &open_head;
    /* every link may change: journal them all first */
    for (uint32_t h = a->payments; h != AK_POOL_NONE; h = ak_escrow_pay(app, h)->next)
        TOUCH(&ak_escrow_pay(app, h)->next);
    for (uint32_t h = a->payments; h != AK_POOL_NONE;) {
        ak_escrow_payment *p = ak_escrow_pay(app, h);
        uint32_t next = p->next;
        uint32_t **tail = p->state == AK_ESCROW_OVERDRAWN ? &od_tail : &open_tail;
        **tail = h;
        *tail = &p->next;
        h = next;
    }
    *open_tail = AK_POOL_NONE;
    *od_tail = open_head;
    TOUCH(&a->payments);
    a->payments = od_head;
}

/* ---- withdraw (section 3.4) and take (section 4) ---- */

/* take.SubtractFees: fee = TruncateInt(raw x (rate / 100)), to the community pool. */
static int withdraw(ak_app *app, uint32_t ph)
{
    ak_escrow_payment *p = ak_escrow_pay(app, ph);
    ak_escrow_account *a = ak_escrow_acct(app, p->account);
    ak_amount raw;
    if (ak_dec_truncate_int(p->balance, &raw))
        return AK_EOVERFLOW;
    if (raw == 0)
        return 0;
    ak_dec rate, fee_dec;
    ak_amount fee;
    if (ak_dec_quo_int(ak_dec_from_int(ak_params_take_rate(&app->params.take, a->denom)), 100,
                       &rate) ||
        ak_dec_mul(ak_dec_from_int(raw), rate, &fee_dec) || ak_dec_truncate_int(fee_dec, &fee))
        return AK_EOVERFLOW;
    ak_addr escrow = ak_bank_module_addr(&app->bank, AK_MODULE_ESCROW);
    int rc;
    if (fee > 0) {
        rc = ak_bank_send(&app->bank, escrow, ak_bank_module_addr(&app->bank, AK_MODULE_DISTRIBUTION),
                          (ak_coin){a->denom, fee});
        if (rc || (rc = ak_app_community_pool_add(app, a->denom, ak_dec_from_int(fee))))
            return rc;
    }
    if (raw - fee > 0 && (rc = ak_bank_send(&app->bank, escrow, p->owner, (ak_coin){a->denom, raw - fee})))
        return rc;
    TOUCH(p);
    p->withdrawn += raw;
    if (ak_dec_sub(p->balance, ak_dec_from_int(raw), &p->balance))
        return AK_EOVERFLOW;
    ak_event ev = {.type = AK_EV_ESCROW_WITHDRAW, .height = app->height, .object = ph,
                   .id = p->id, .who = p->owner, .denom = a->denom, .amount = raw - fee, .fee = fee};
    ak_app_emit(app, &ev);
    return 0;
}

/* ---- settle (section 3.3) ---- */

/* deductFromBalance: take t from the deposits, oldest first, into payment p. A shortfall
 * drives funds negative and becomes p's unsettled debt. Sets *short_ when it does. */
static int deduct(ak_app *app, ak_escrow_account *a, ak_escrow_payment *p, ak_dec t, bool *short_)
{
    ak_dec remaining = t;
    while (ak_dec_is_positive(remaining) && a->dep_head != AK_POOL_NONE) {
        uint32_t dh = a->dep_head;
        ak_escrow_deposit *d = dep_at(app, dh);
        ak_dec take = ak_dec_min(d->balance, remaining);
        TOUCH(&d->balance);
        if (ak_dec_sub(d->balance, take, &d->balance) || ak_dec_sub(remaining, take, &remaining) ||
            ak_dec_add(a->transferred, take, &a->transferred) ||
            ak_dec_sub(a->funds, take, &a->funds) || ak_dec_add(p->balance, take, &p->balance))
            return AK_EOVERFLOW;
        if (ak_dec_is_zero(d->balance)) {
            /* drop the emptied deposit and recycle its record */
            a->dep_head = d->next;
            if (a->dep_head == AK_POOL_NONE)
                a->dep_tail = AK_POOL_NONE;
            TOUCH(&d->next);
            d->next = app->escrow.free_deposits;
            TOUCH(&app->escrow.free_deposits);
            app->escrow.free_deposits = dh;
        }
    }
    if (ak_dec_is_positive(remaining)) {
        if (ak_dec_sub(a->funds, remaining, &a->funds) ||
            ak_dec_add(p->unsettled, remaining, &p->unsettled))
            return AK_EOVERFLOW;
        p->state = AK_ESCROW_OVERDRAWN;
        *short_ = true;
    } else {
        p->state = AK_ESCROW_OPEN;
    }
    return 0;
}

/* accountSettle at the current height. *od: the account is (or just became) overdrawn.
 * Payments charged: the overdrawn ones (their debt), and the open ones when blocks passed. */
static int settle(ak_app *app, uint32_t ah, bool *od)
{
    ak_escrow_account *a = ak_escrow_acct(app, ah);
    *od = false;
    if (a->state == AK_ESCROW_CLOSED)
        return AK_EACCOUNT_CLOSED;
    if (ak_dec_is_negative(a->funds)) {
        *od = true; /* already overdrawn: nothing to take from, nothing changes */
        return 0;
    }
    TOUCH(a);
    int64_t delta = 0;
    if (a->state == AK_ESCROW_OPEN) {
        delta = app->height - a->settled_at;
        a->settled_at = app->height;
    }
    bool short_ = false, changed = false;
    for (uint32_t h = a->payments; h != AK_POOL_NONE;) {
        ak_escrow_payment *p = ak_escrow_pay(app, h);
        uint32_t next = p->next;
        ak_dec t;
        if (p->state == AK_ESCROW_OVERDRAWN) {
            TOUCH(p);
            t = p->unsettled;
            p->unsettled = ak_dec_zero();
        } else if (delta != 0) {
            /* floor(rate x blocks): the fraction is lost, section 3.3 step 4 */
            ak_dec owed;
            if (ak_dec_mul_int(p->rate, delta, &owed))
                return AK_EOVERFLOW;
            t = ak_dec_truncate_dec(owed);
            TOUCH(p);
        } else {
            h = next;
            continue; /* open payments are not loaded when no block passed */
        }
        uint32_t before_state = p->state;
        int rc = deduct(app, a, p, t, &short_);
        if (rc)
            return rc;
        changed |= p->state != before_state;
        h = next;
    }
    if (short_) {
        /* the account ran dry: it and every payment it touched are overdrawn and paid out */
        a->state = AK_ESCROW_OVERDRAWN;
        ak_dec debt;
        if (ak_dec_neg(a->funds, &debt))
            return AK_EOVERFLOW;
        ak_amount debt_int = 0;
        ak_dec_truncate_int(debt, &debt_int);
        emit(app, AK_EV_ESCROW_OVERDRAWN, ah, &a->id, a->owner, a->denom, debt_int, 0);
        for (uint32_t h = a->payments; h != AK_POOL_NONE;) {
            ak_escrow_payment *p = ak_escrow_pay(app, h);
            if (p->state == AK_ESCROW_OPEN) {
                /* open payments were in the set (blocks passed), and become overdrawn too */
                TOUCH(p);
                p->state = AK_ESCROW_OVERDRAWN;
                changed = true;
            }
            int rc = withdraw(app, h);
            if (rc)
                return rc;
            h = ak_escrow_pay(app, h)->next;
        }
        *od = true;
    }
    if (changed)
        list_reorder(app, a);
    return 0;
}

/* ---- save: refunds and the account hook (section 3.5) ---- */

/* Called where the chain saves the account: closed or overdrawn accounts refund every deposit
 * to its depositor (FIFO-residual) and fire the account-closed hook. */
static int save_account(ak_app *app, uint32_t ah)
{
    ak_escrow_account *a = ak_escrow_acct(app, ah);
    if (a->state == AK_ESCROW_OPEN)
        return 0;
    ak_addr escrow = ak_bank_module_addr(&app->bank, AK_MODULE_ESCROW);
    TOUCH(a);
    for (uint32_t dh = a->dep_head; dh != AK_POOL_NONE;) {
        ak_escrow_deposit *d = dep_at(app, dh);
        uint32_t next = d->next;
        if (ak_dec_is_positive(d->balance)) {
            ak_amount w;
            if (ak_dec_truncate_int(d->balance, &w))
                return AK_EOVERFLOW;
            int rc = ak_bank_send(&app->bank, escrow, d->owner, (ak_coin){a->denom, w});
            if (rc)
                return rc;
            if (d->source == AK_SOURCE_GRANT) {
                /* the grant from the depositor to the account owner gets the refund back,
                 * if it still exists (upstream looks it up with the owner as grantee) */
                ak_grant *g = ak_grants_get(&app->grants, d->owner, a->owner);
                if (g && g->spend_limit.denom == a->denom) {
                    TOUCH(&g->spend_limit.amount);
                    if (__builtin_add_overflow(g->spend_limit.amount, w, &g->spend_limit.amount))
                        return AK_EOVERFLOW;
                }
            }
            if (ak_dec_sub(a->funds, ak_dec_from_int(w), &a->funds))
                return AK_EOVERFLOW;
            if (w > 0)
                emit(app, AK_EV_ESCROW_REFUND, ah, &a->id, d->owner, a->denom, w, 0);
        }
        TOUCH(d);
        d->balance = ak_dec_zero();
        d->next = app->escrow.free_deposits;
        TOUCH(&app->escrow.free_deposits);
        app->escrow.free_deposits = dh;
        dh = next;
    }
    a->dep_head = a->dep_tail = AK_POOL_NONE;
    return ak_app_on_account_closed(app, ah);
}

/* ---- the keeper's entry points ---- */

/* After a settlement: every open payment of the account closes, and every payment the account
 * still lists is paid out (overdrawn ones keep their state and debt). */
static int close_payments(ak_app *app, ak_escrow_account *a)
{
    for (uint32_t h = a->payments; h != AK_POOL_NONE;) {
        ak_escrow_payment *p = ak_escrow_pay(app, h);
        uint32_t next = p->next;
        if (p->state == AK_ESCROW_OPEN) {
            TOUCH(p);
            p->state = AK_ESCROW_CLOSED;
            list_remove(app, a, h);
        }
        int rc = withdraw(app, h);
        if (rc)
            return rc;
        h = next;
    }
    return 0;
}

int ak_escrow_account_deposit(ak_app *app, uint32_t ah, ak_denom denom, const ak_depositor *deps,
                              uint32_t n)
{
    ak_escrow_account *a = ak_escrow_acct(app, ah);
    if (a->state == AK_ESCROW_CLOSED)
        return AK_EACCOUNT_CLOSED;
    int rc = fetch_deposits(app, ah, denom, deps, n);
    if (rc)
        return rc;
    if (a->state != AK_ESCROW_OVERDRAWN)
        return 0; /* an open account is not settled by a deposit */
    /* pay the debts (no blocks accrue while overdrawn), close what is repaid */
    bool od;
    if ((rc = settle(app, ah, &od)))
        return rc;
    if ((rc = close_payments(app, a)))
        return rc;
    if (!od) {
        TOUCH(a);
        a->state = AK_ESCROW_CLOSED; /* debt fully repaid: the rest is refunded */
    }
    return save_account(app, ah);
}

int ak_escrow_account_close(ak_app *app, uint32_t ah)
{
    ak_escrow_account *a = ak_escrow_acct(app, ah);
    if (a->state == AK_ESCROW_CLOSED)
        return AK_EACCOUNT_CLOSED;
    bool od;
    int rc = settle(app, ah, &od);
    if (rc)
        return rc;
    if (a->state == AK_ESCROW_OPEN) {
        TOUCH(a);
        a->state = AK_ESCROW_CLOSED;
    }
    /* every open payment closes and is paid out, even when no block passed since the last
     * settlement (node v1.2.2 leaves those open: docs/deviations.md) */
    if ((rc = close_payments(app, a)))
        return rc;
    return save_account(app, ah);
}

int ak_escrow_payment_create(ak_app *app, uint32_t ah, const ak_bid_id *id, ak_addr owner,
                             ak_deccoin rate, uint32_t *handle)
{
    bool od;
    int rc = settle(app, ah, &od);
    if (rc)
        return rc;
    if (od)
        return AK_EACCOUNT_OVERDRAWN; /* the transaction fails, so the overdraw is not kept */
    ak_escrow_account *a = ak_escrow_acct(app, ah);
    if (!a->funded || rate.denom != a->denom)
        return AK_EINVALID_DENOMINATION;
    if (ak_dec_is_zero(rate.amount))
        return AK_EPAYMENT_RATE_ZERO;
    /* a payment id is a lease id, and a bid (hence a lease) exists once per order and
     * provider, so ErrPaymentExists cannot arise here */
    uint32_t h;
    void *obj;
    if (ak_pool_add(&app->escrow.payments, &h, &obj))
        return AK_ENOMEM;
    ak_escrow_payment *p = obj;
    p->account = ah;
    p->id = *id;
    p->owner = owner;
    p->state = AK_ESCROW_OPEN;
    p->rate = rate.amount;
    p->balance = p->unsettled = ak_dec_zero();
    p->withdrawn = 0;
    p->next = AK_POOL_NONE;
    list_insert(app, a, h);
    *handle = h;
    return 0;
}

int ak_escrow_payment_withdraw(ak_app *app, uint32_t ph)
{
    ak_escrow_payment *p = ak_escrow_pay(app, ph);
    if (p->state != AK_ESCROW_OPEN)
        return AK_EPAYMENT_CLOSED; /* closed or overdrawn */
    uint32_t ah = p->account;
    bool od;
    int rc = settle(app, ah, &od);
    if (rc)
        return rc;
    /* settled: only this payment is paid out; the others keep their balance in escrow. At the
     * height of the last settlement the node panics here instead (docs/deviations.md). */
    if (!od && (rc = withdraw(app, ph)))
        return rc;
    return save_account(app, ah);
}

int ak_escrow_payment_close(ak_app *app, uint32_t ph)
{
    ak_escrow_payment *p = ak_escrow_pay(app, ph);
    if (p->state == AK_ESCROW_CLOSED)
        return AK_EPAYMENT_CLOSED;
    uint32_t ah = p->account;
    bool od;
    int rc = settle(app, ah, &od);
    if (rc)
        return rc;
    if (p->state == AK_ESCROW_OPEN) {
        TOUCH(p);
        p->state = AK_ESCROW_CLOSED;
        list_remove(app, ak_escrow_acct(app, ah), ph);
        if ((rc = withdraw(app, ph)))
            return rc;
    }
    return save_account(app, ah);
}

/* ---- invariants ---- */

int ak_escrow_check(const ak_app *app, char *err, size_t cap)
{
    const ak_escrow *e = &app->escrow;
    /* per denom: what escrow owes (unspent deposits + accrued payment balances) equals what the
     * escrow module account holds */
    uint32_t nd = app->bank.supplies.len;
    for (uint32_t si = 0; si < nd; si++) {
        const ak_bank_supply *s = ak_pool_at(&app->bank.supplies, si);
        __int128 owed = 0;
        for (uint32_t ah = 0; ah < e->accounts.len; ah++) {
            const ak_escrow_account *a = ak_pool_at(&e->accounts, ah);
            if (a->denom != s->denom)
                continue;
            for (uint32_t dh = a->dep_head; dh != AK_POOL_NONE; dh = dep_at(app, dh)->next)
                owed += dep_at(app, dh)->balance.v;
        }
        for (uint32_t ph = 0; ph < e->payments.len; ph++) {
            const ak_escrow_payment *p = ak_pool_at(&e->payments, ph);
            if (ak_escrow_acct(app, p->account)->denom == s->denom)
                owed += p->balance.v;
        }
        ak_amount held = ak_bank_balance_of(&app->bank, ak_bank_module_addr(&app->bank, AK_MODULE_ESCROW),
                                            s->denom);
        if (owed != (__int128)held * 1000000000000000000) {
            snprintf(err, cap, "escrow: the escrow module holds %lld%s but deposits and payment "
                               "balances add up to %lld%s",
                     (long long)held, ak_strtab_get(&app->strs, s->denom),
                     (long long)(owed / 1000000000000000000), ak_strtab_get(&app->strs, s->denom));
            return AK_EINVARIANT;
        }
    }
    for (uint32_t ah = 0; ah < e->accounts.len; ah++) {
        const ak_escrow_account *a = ak_pool_at(&e->accounts, ah);
        const char *st = ak_escrow_state_name(a->state);
        __int128 deps = 0;
        for (uint32_t dh = a->dep_head; dh != AK_POOL_NONE; dh = dep_at(app, dh)->next) {
            const ak_escrow_deposit *d = dep_at(app, dh);
            if (!ak_dec_is_positive(d->balance)) {
                snprintf(err, cap, "escrow: account %u (%s) keeps an empty deposit", ah, st);
                return AK_EINVARIANT;
            }
            deps += d->balance.v;
        }
        __int128 unsettled = 0;
        bool seen_open = false;
        for (uint32_t ph = a->payments; ph != AK_POOL_NONE; ph = ak_escrow_pay(app, ph)->next) {
            const ak_escrow_payment *p = ak_escrow_pay(app, ph);
            if (p->account != ah || p->state == AK_ESCROW_CLOSED) {
                snprintf(err, cap, "escrow: account %u lists a payment that is not its own or is closed", ah);
                return AK_EINVARIANT;
            }
            if (p->state == AK_ESCROW_OVERDRAWN && seen_open) {
                snprintf(err, cap, "escrow: account %u lists an overdrawn payment after an open one", ah);
                return AK_EINVARIANT;
            }
            seen_open |= p->state == AK_ESCROW_OPEN;
            unsettled += p->unsettled.v;
        }
        switch (a->state) {
        case AK_ESCROW_OPEN:
            if (deps != a->funds.v) {
                snprintf(err, cap, "escrow: open account %u has funds that differ from its deposits", ah);
                return AK_EINVARIANT;
            }
            if (unsettled != 0 || (a->payments != AK_POOL_NONE &&
                                   ak_escrow_pay(app, a->payments)->state != AK_ESCROW_OPEN)) {
                snprintf(err, cap, "escrow: open account %u has overdrawn payments", ah);
                return AK_EINVARIANT;
            }
            break;
        case AK_ESCROW_OVERDRAWN:
            if (a->dep_head != AK_POOL_NONE || a->funds.v != -unsettled) {
                snprintf(err, cap, "escrow: overdrawn account %u: funds are not minus its payments' debt", ah);
                return AK_EINVARIANT;
            }
            break;
        case AK_ESCROW_CLOSED:
            if (a->dep_head != AK_POOL_NONE || a->payments != AK_POOL_NONE) {
                snprintf(err, cap, "escrow: closed account %u still has deposits or payments", ah);
                return AK_EINVARIANT;
            }
            break;
        default:
            snprintf(err, cap, "escrow: account %u has state %u", ah, a->state);
            return AK_EINVARIANT;
        }
    }
    return 0;
}
