/*
 * tests/test_distribution.c: the distribution keeper: per-block allocation with commission
 * (chain-rules.md 4.1, 4.3; worked example 8.7 and its rounding check), F1 periods, withdrawals
 * and slashes (4.4 to 4.6; worked example 8.8), commission withdrawal, the messages' errors,
 * removal of a validator, the allocation cache, journaling and the invariant check.
 *
 * Expected numbers come from an independent Python model of the SDK v0.53 Go code
 * (x/distribution/keeper allocation.go, validator.go, delegation.go, keeper.go, hooks.go) over
 * exact integers with LegacyDec's rounding, or from chain-rules.md section 8 directly; none was
 * copied from this program's output.
 *
 * Staking state is built here the way staking.c's Delegate / Unbond / Slash / RemoveValidator
 * call the distribution hooks (x/staking/keeper/delegation.go, slash.go), directly on the
 * staking pools: the tests exercise the keeper, not the staking messages. Blocks are driven by
 * setting the height and the LastCommit and calling ak_dist_begin_block, so that no other
 * module's BeginBlock work interferes with the numbers.
 * The last test runs the same keeper through the app: genesis validators, blocks, and the
 * staking and distribution messages delivered with ak_app_deliver, every invariant checked.
 */
#include <stdlib.h>

#include "app_int.h"
#include "chainfx.h"

/* ---- the world ---- */

typedef struct world {
    ak_app *app;
    ak_denom uakt;
    ak_addr fc, dist;
    ak_vote_info votes[64];
    uint32_t nvotes;
    ak_tx_result res;
} world;

static ak_addr W_s(world *w, const char *s)
{
    ak_str id;
    ck_assert_int_eq(ak_app_intern(w->app, s, &id), 0);
    return id;
}

static void w_init(world *w, const char *tax)
{
    memset(w, 0, sizeof *w);
    ck_assert_int_eq(ak_app_create(AK_RULES_V1, &w->app), 0);
    ak_app *app = w->app;
    w->uakt = W_s(w, "uakt");
    w->fc = ak_bank_module_addr(&app->bank, AK_MODULE_FEE_COLLECTOR);
    w->dist = ak_bank_module_addr(&app->bank, AK_MODULE_DISTRIBUTION);
    app->params.distribution.community_tax = fx_dec(tax);
    app->height = 1;
}

static void w_fini(world *w)
{
    ak_app_destroy(w->app);
}

/* A validator's distribution record, with the lazily accrued rewards applied. */
static const ak_val_dist *VD(world *w, uint32_t val)
{
    /* the module's own sync: this harness drives the keeper without starting the chain, and
     * ak_app_sync does nothing before the chain starts */
    ck_assert_int_eq(ak_dist_sync(w->app), 0);
    return ak_pool_at(&w->app->distribution.vals, val);
}

static ak_dec pool_of(world *w)
{
    return ak_app_community_pool(w->app, w->uakt);
}

static ak_amount bal(world *w, ak_addr a)
{
    return ak_bank_balance_of(&w->app->bank, a, w->uakt);
}

/* A Dec compared with its 18-decimal string. */
#define ck_dec(d, s)                                                                               \
    do {                                                                                           \
        char b_[AK_DEC_STRLEN];                                                                    \
        ak_dec_format((d), b_, sizeof b_);                                                         \
        ck_assert_str_eq(b_, (s));                                                                 \
    } while (0)

/* Every invariant: the keeper's own, the bank's, and the exact form of the module balance (it
 * holds the outstanding rewards and the community pool, to the last 10^-18). */
static void w_check(world *w)
{
    char err[256];
    ck_assert_msg(ak_dist_check(w->app, err, sizeof err) == 0, "%s", err);
    ck_assert_msg(ak_bank_check(&w->app->bank, err, sizeof err) == 0, "%s", err);
    __int128 owed = pool_of(w).v;
    const ak_distribution *d = &w->app->distribution;
    for (uint32_t v = 0; v < d->vals.len; v++)
        owed += ((const ak_val_dist *)ak_pool_at(&d->vals, v))->outstanding.v;
    ck_assert_msg(owed == (__int128)bal(w, w->dist) * 1000000000000000000,
                  "module holds %lld, owes %lld", (long long)bal(w, w->dist),
                  (long long)(owed / 1000000000000000000));
}

/* Hash of all the state the keeper and its callers touch. */
static uint64_t w_hash(world *w)
{
    ak_app *app = w->app;
    ck_assert_int_eq(ak_dist_sync(app), 0);
    const ak_pool *pools[] = {&app->distribution.vals, &app->distribution.hist,
                              &app->distribution.events, &app->distribution.starting,
                              &app->staking.vals, &app->staking.dels, &app->bank.balances,
                              &app->community_pool};
    uint64_t h = app->distribution.free_hist * 31ull + app->distribution.free_events;
    for (size_t i = 0; i < sizeof pools / sizeof *pools; i++) {
        h = h * 1099511628211ull + pools[i]->len;
        for (uint32_t k = 0; k < pools[i]->len; k++)
            h = h * 1099511628211ull ^ ak_hash_bytes(ak_pool_at(pools[i], k), pools[i]->elem_size);
    }
    return h;
}

static void tx_begin(world *w)
{
    ak_store_begin(&w->app->store);
}

static void tx_end(world *w, int rc)
{
    ck_assert_int_eq(w->app->store.fault, 0);
    if (rc)
        ak_store_rollback(&w->app->store);
    else
        ak_store_commit(&w->app->store);
}

/* ---- staking, the way staking.c calls the hooks ---- */

/* MsgCreateValidator without its self-delegation: the record, then AfterValidatorCreated. */
static uint32_t w_validator(world *w, const char *name, const char *rate)
{
    ak_app *app = w->app;
    ak_addr a = W_s(w, name);
    uint32_t h = ak_map_get(&app->staking.val_index, ak_key2(a, 0));
    ak_validator *v;
    tx_begin(w);
    if (h == AK_POOL_NONE) {
        void *obj;
        ck_assert_int_eq(ak_pool_add(&app->staking.vals, &h, &obj), 0);
        ck_assert_int_eq(ak_map_put(&app->staking.val_index, ak_key2(a, 0), h), 0);
        v = obj;
    } else { /* a removed validator's record is reused, as staking.c does */
        v = ak_val(app, h);
        ck_assert(v->removed);
        AK_TOUCH(&app->store, v);
        memset(v, 0, sizeof *v);
    }
    v->addr = a;
    v->status = AK_BOND_BONDED;
    v->commission_rate = fx_dec(rate);
    v->dels = v->ubds = v->reds = AK_POOL_NONE;
    int rc = ak_dist_after_validator_created(app, h);
    ck_assert_int_eq(rc, 0);
    tx_end(w, rc);
    w_check(w);
    return h;
}

/* Delegate `amount` tokens: BeforeDelegationSharesModified (an existing delegation) or
 * BeforeDelegationCreated, shares at the exchange rate, AfterDelegationModified. */
static uint32_t w_delegate(world *w, const char *who, uint32_t val, ak_amount amount)
{
    ak_app *app = w->app;
    ak_addr a = W_s(w, who);
    tx_begin(w);
    uint32_t dh = ak_staking_find_del(app, a, val);
    int rc;
    if (dh != AK_POOL_NONE && ak_dec_is_positive(ak_del(app, dh)->shares))
        rc = ak_dist_before_delegation_shares_modified(app, dh);
    else
        rc = ak_dist_before_delegation_created(app, val);
    ck_assert_int_eq(rc, 0);
    if (dh == AK_POOL_NONE) {
        void *obj;
        ck_assert_int_eq(ak_pool_add(&app->staking.dels, &dh, &obj), 0);
        ck_assert_int_eq(ak_map_put(&app->staking.del_index, ak_key2(a, val), dh), 0);
        ak_delegation *d = obj;
        d->delegator = a;
        d->val = val;
        d->next_val = d->next_del = AK_POOL_NONE;
    }
    ak_validator *v = ak_val(app, val);
    ak_dec sh;
    if (ak_dec_is_zero(v->shares))
        sh = ak_dec_from_int(amount);
    else
        ck_assert_int_eq(ak_dec_mul_int(v->shares, amount, &sh) || ak_dec_quo_int(sh, v->tokens, &sh), 0);
    AK_TOUCH(&app->store, v);
    v->tokens += amount;
    ck_assert_int_eq(ak_dec_add(v->shares, sh, &v->shares), 0);
    ak_delegation *d = ak_del(app, dh);
    AK_TOUCH(&app->store, d);
    ck_assert_int_eq(ak_dec_add(d->shares, sh, &d->shares), 0);
    rc = ak_dist_after_delegation_modified(app, dh);
    ck_assert_int_eq(rc, 0);
    tx_end(w, rc);
    w_check(w);
    return dh;
}

/* Undelegate every share of a delegation (Unbond: the hook, the shares, the tokens). */
static void w_undelegate_all(world *w, uint32_t dh)
{
    ak_app *app = w->app;
    tx_begin(w);
    int rc = ak_dist_before_delegation_shares_modified(app, dh);
    ck_assert_int_eq(rc, 0);
    ak_delegation *d = ak_del(app, dh);
    ak_validator *v = ak_val(app, d->val);
    ak_dec shares = d->shares, rem;
    AK_TOUCH(&app->store, d);
    d->shares = ak_dec_zero();
    ck_assert_int_eq(ak_dec_sub(v->shares, shares, &rem), 0);
    ak_amount out = v->tokens;
    if (!ak_dec_is_zero(rem)) {
        ak_dec t;
        ck_assert_int_eq(ak_staking_tokens_from_shares(v, shares, &t), 0);
        ck_assert_int_eq(ak_dec_truncate_int(t, &out), 0);
    }
    AK_TOUCH(&app->store, v);
    v->tokens -= out;
    v->shares = rem;
    tx_end(w, 0);
    w_check(w);
}

/* Slash: BeforeValidatorSlashed with the effective fraction, then the burn. */
static void w_slash(world *w, uint32_t val, const char *fraction, ak_amount burn)
{
    int rc = ak_dist_before_validator_slashed(w->app, val, fx_dec(fraction));
    ck_assert_int_eq(rc, 0);
    ak_val(w->app, val)->tokens -= burn;
    w_check(w);
}

/* RemoveValidator: AfterValidatorRemoved, then the record is marked removed. */
static void w_remove(world *w, uint32_t val)
{
    ak_validator *v = ak_val(w->app, val);
    ck_assert_int_eq(v->tokens, 0);
    ck_assert(ak_dec_is_zero(v->shares));
    tx_begin(w);
    int rc = ak_dist_after_validator_removed(w->app, val);
    ck_assert_int_eq(rc, 0);
    AK_TOUCH(&w->app->store, v);
    v->status = AK_BOND_UNBONDED;
    v->removed = true;
    tx_end(w, rc);
    w_check(w);
}

/* ---- blocks and messages ---- */

static void w_vote(world *w, const char *name, int64_t power)
{
    w->votes[w->nvotes++] = (ak_vote_info){W_s(w, name), power, AK_FLAG_COMMIT};
}

/* BeginBlock of height h with `fees` minted into the fee collector and the LastCommit in
 * w->votes; returns the status of the allocation. */
static int w_block_rc(world *w, ak_height h, ak_amount fees)
{
    ak_app *app = w->app;
    app->height = h;
    if (fees)
        ck_assert_int_eq(ak_bank_mint(&app->bank, w->fc, (ak_coin){w->uakt, fees}), 0);
    ak_vote_info *saved = app->votes;
    uint32_t nsaved = app->nvotes;
    app->votes = w->votes;
    app->nvotes = w->nvotes;
    ak_app_votes_changed(app);
    int rc = ak_dist_begin_block(app);
    app->votes = saved;
    app->nvotes = nsaved;
    ak_app_votes_changed(app);
    return rc;
}

static void w_block(world *w, ak_height h, ak_amount fees)
{
    ck_assert_int_eq(w_block_rc(w, h, fees), 0);
    w_check(w);
}

/* Deliver a distribution message in a transaction, as ak_app_deliver does. */
static int w_deliver(world *w, const ak_msg *m)
{
    memset(&w->res, 0, sizeof w->res);
    tx_begin(w);
    int rc = ak_dist_deliver(w->app, m, &w->res);
    tx_end(w, rc);
    w_check(w);
    return rc;
}

static ak_msg msg_reward(world *w, const char *del, const char *val)
{
    ak_msg m = {.type = AK_MSG_WITHDRAW_DELEGATOR_REWARD};
    m.withdraw_reward.delegator = del ? W_s(w, del) : AK_ADDR_NONE;
    m.withdraw_reward.validator = val ? W_s(w, val) : AK_ADDR_NONE;
    return m;
}

static ak_msg msg_commission(world *w, const char *val)
{
    ak_msg m = {.type = AK_MSG_WITHDRAW_VALIDATOR_COMMISSION};
    m.validator.validator = val ? W_s(w, val) : AK_ADDR_NONE;
    return m;
}

static void w_ok(world *w, const ak_msg *m)
{
    int rc = w_deliver(w, m);
    ck_assert_msg(rc == 0, "%s failed: %s (%s)", ak_msg_name(m->type), ak_err_name(rc), w->res.detail);
}

static void w_fails(world *w, const ak_msg *m, int code)
{
    uint64_t before = w_hash(w);
    int rc = w_deliver(w, m);
    ck_assert_msg(rc == code, "%s: expected %s, got %s (%s)", ak_msg_name(m->type),
                  ak_err_name(code), ak_err_name(rc), w->res.detail);
    ck_assert_msg(w_hash(w) == before, "%s failed with %s but changed the state",
                  ak_msg_name(m->type), ak_err_name(code));
}

static ak_dec pending(world *w, uint32_t dh)
{
    ak_dec r;
    ck_assert_int_eq(ak_dist_pending_rewards(w->app, dh, &r), 0);
    return r;
}

/* ---- 8.7: one allocation step ---- */

/* V1, V2, V3 at powers 50/30/20 with commissions 0.05/0.10/0.05, each self-bonded. */
static void three_validators(world *w, uint32_t val[3])
{
    static const char *names[3] = {"val1", "val2", "val3"};
    static const char *rates[3] = {"0.05", "0.10", "0.05"};
    static const int64_t power[3] = {50, 30, 20};
    for (int i = 0; i < 3; i++) {
        val[i] = w_validator(w, names[i], rates[i]);
        w_delegate(w, names[i], val[i], power[i] * 1000000);
        w_vote(w, names[i], power[i]);
    }
}

START_TEST(alloc_8_7)
{
    world w;
    w_init(&w, "0.02");
    uint32_t v[3];
    three_validators(&w, v);
    w_block(&w, 2, 9893455);
    ck_dec(VD(&w, v[0])->outstanding, "4847792.950000000000000000");
    ck_dec(VD(&w, v[0])->commission, "242389.647500000000000000");
    ck_dec(VD(&w, v[0])->cur_rewards, "4605403.302500000000000000");
    ck_dec(VD(&w, v[1])->outstanding, "2908675.770000000000000000");
    ck_dec(VD(&w, v[1])->commission, "290867.577000000000000000");
    ck_dec(VD(&w, v[1])->cur_rewards, "2617808.193000000000000000");
    ck_dec(VD(&w, v[2])->outstanding, "1939117.180000000000000000");
    ck_dec(VD(&w, v[2])->commission, "96955.859000000000000000");
    ck_dec(VD(&w, v[2])->cur_rewards, "1842161.321000000000000000");
    ck_dec(pool_of(&w), "197869.100000000000000000");
    ck_assert_int_eq(bal(&w, w.fc), 0);
    ck_assert_int_eq(bal(&w, w.dist), 9893455);
    /* the same block again: served from the cache, every amount doubles */
    w_block(&w, 3, 9893455);
    ck_assert_uint_eq(w.app->distribution.cache.hits, 1);
    ck_dec(VD(&w, v[0])->outstanding, "9695585.900000000000000000");
    ck_dec(VD(&w, v[1])->commission, "581735.154000000000000000");
    ck_dec(VD(&w, v[2])->cur_rewards, "3684322.642000000000000000");
    ck_dec(pool_of(&w), "395738.200000000000000000");
    w_fini(&w);
}
END_TEST

/* The rounding check of 8.7: F = 100, tax 0.02, three validators of power 1; with commissions
 * 0.05, 0.1 and 1/3 the commission is rounded half to even (MulDec), not truncated: 0.05 of
 * 32.666666666666666634 is 1.6333333333333333317, kept as ...332. */
START_TEST(alloc_rounding)
{
    world w;
    w_init(&w, "0.02");
    const char *names[3] = {"a", "b", "c"};
    const char *rates[3] = {"0.05", "0.1", "0.333333333333333333"};
    const char *commission[3] = {"1.633333333333333332", "3.266666666666666663",
                                 "10.888888888888888867"};
    const char *shared[3] = {"31.033333333333333302", "29.399999999999999971",
                             "21.777777777777777767"};
    uint32_t v[3];
    for (int i = 0; i < 3; i++) {
        v[i] = w_validator(&w, names[i], rates[i]);
        w_delegate(&w, names[i], v[i], 1000000);
        w_vote(&w, names[i], 1);
    }
    w_block(&w, 2, 100);
    for (int i = 0; i < 3; i++) {
        ck_dec(VD(&w, v[i])->outstanding, "32.666666666666666634");
        ck_dec(VD(&w, v[i])->commission, commission[i]);
        ck_dec(VD(&w, v[i])->cur_rewards, shared[i]);
    }
    ck_dec(pool_of(&w), "2.000000000000000098");
    ck_dec(w.app->distribution.cache.slots[0].fraction, "0.333333333333333333");
    w_fini(&w);
}
END_TEST

/* Height 1 allocates nothing; an empty LastCommit or one of total power 0 sends everything to
 * the community pool (totalPreviousPower == 0); a block without fees changes nothing. */
START_TEST(alloc_edge_cases)
{
    world w;
    w_init(&w, "0.02");
    uint32_t v = w_validator(&w, "val1", "0.05");
    w_delegate(&w, "val1", v, 5000000);
    w_vote(&w, "val1", 5);
    ck_assert_int_eq(w_block_rc(&w, 1, 700), 0);
    ck_assert_int_eq(bal(&w, w.fc), 700); /* stays for height 2 */
    w.nvotes = 0;
    w_block(&w, 2, 0);
    ck_assert_int_eq(bal(&w, w.fc), 0);
    ck_dec(pool_of(&w), "700.000000000000000000");
    w_vote(&w, "val1", 0);
    w_block(&w, 3, 300);
    ck_dec(pool_of(&w), "1000.000000000000000000");
    ck_assert(ak_dec_is_zero(VD(&w, v)->outstanding));
    w.nvotes = 0;
    w_vote(&w, "val1", 5);
    uint64_t before = w_hash(&w);
    w_block(&w, 4, 0);
    ck_assert(w_hash(&w) == before);
    /* a LastCommit naming no known validator is an error (the chain would halt) */
    w_vote(&w, "ghost", 5);
    ck_assert_int_eq(w_block_rc(&w, 5, 10), AK_ENO_VALIDATOR_FOUND);
    w_fini(&w);
}
END_TEST

/* The cache never changes a result: two apps see the same blocks (composition, powers, fees,
 * tax and commission rates changing now and then, F mostly moving by a few uakt as under mint);
 * one forgets its cache before every block; both must end where the SDK's formulas, applied here
 * with the dec.h functions block by block, say they do. */
START_TEST(alloc_cache_is_transparent)
{
    world a, b;
    world *ws[2] = {&a, &b};
    enum { NV = 12 };
    const char *names[NV] = {"v00", "v01", "v02", "v03", "v04", "v05",
                             "v06", "v07", "v08", "v09", "v10", "v11"};
    const char *rates[7] = {"0.05", "0.1", "0.333333333333333333", "1", "0",
                            "0.999999999999999999", "0.987654321987654321"};
    const char *taxes[3] = {"0.02", "0.123456789012345678", "0"};
    uint32_t h[NV];
    for (int k = 0; k < 2; k++) {
        w_init(ws[k], "0.02");
        for (int i = 0; i < NV; i++) {
            h[i] = w_validator(ws[k], names[i], rates[i % 7]);
            w_delegate(ws[k], names[i], h[i], (int64_t)(i + 1) * 1000000);
        }
    }
    /* the reference: outstanding, commission and current rewards per validator, the pool */
    ak_dec ref_out[NV], ref_com[NV], ref_cur[NV], ref_pool = ak_dec_zero();
    for (int i = 0; i < NV; i++)
        ref_out[i] = ref_com[i] = ref_cur[i] = ak_dec_zero();
    uint64_t x = 12345;
    int64_t power[NV];
    for (int i = 0; i < NV; i++)
        power[i] = i + 1;
    uint32_t n = NV;
    ak_amount fees = 9893455;
    const char *tax = "0.02";
    for (ak_height height = 2; height < 600; height++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        uint32_t r = (uint32_t)(x >> 33) % 40;
        if (r == 0)
            n = 8 + (uint32_t)(x >> 40) % 5; /* the commit shrinks or grows */
        else if (r == 1)
            power[(x >> 40) % NV] += (int64_t)(x >> 50) % 3; /* may stay: a rebuild anyway */
        else if (r == 2)
            power[(x >> 40) % NV] = 0;
        else if (r == 3)
            fees = 1 + (ak_amount)((x >> 20) % 1000000000000ull); /* a jump, up to 10^12 */
        else if (r == 4)
            tax = taxes[(x >> 40) % 3];
        else if (r == 5)
            for (int k = 0; k < 2; k++) {
                /* behind the app's back (a message would do this): apply what accrued and
                 * have the next block check its slots again */
                ck_assert_int_eq(ak_app_sync(ws[k]->app), 0);
                ws[k]->app->distribution.cache.steady = false;
                ak_val(ws[k]->app, h[(x >> 44) % NV])->commission_rate = fx_dec(rates[(x >> 50) % 7]);
            }
        else if (r < 25) /* mint's usual steps: 1 to 9 uakt (up to 8 are stepped, 9 is not) */
            fees += ((x >> 45) & 1 ? 1 : -1) * (ak_amount)(r < 15 ? 1 : 1 + (x >> 46) % 9);
        if (fees < 1)
            fees = 1;
        int64_t total = 0;
        for (int k = 0; k < 2; k++) {
            ws[k]->app->params.distribution.community_tax = fx_dec(tax);
            ws[k]->nvotes = 0;
            for (uint32_t i = 0; i < n; i++)
                w_vote(ws[k], names[i], power[i]);
        }
        for (uint32_t i = 0; i < n; i++)
            total += power[i];
        /* AllocateTokens with the dec.h operations the SDK names */
        ak_dec fm, left = ak_dec_from_int(fees), one_minus;
        ck_assert_int_eq(ak_dec_sub(ak_dec_from_int(1), fx_dec(tax), &one_minus), 0);
        ck_assert_int_eq(ak_dec_mul_truncate(ak_dec_from_int(fees), one_minus, &fm), 0);
        for (uint32_t i = 0; total > 0 && i < n; i++) {
            ak_dec fr, rw, cm, sh;
            ck_assert_int_eq(ak_dec_quo_truncate(ak_dec_from_int(power[i]), ak_dec_from_int(total), &fr), 0);
            ck_assert_int_eq(ak_dec_mul_truncate(fm, fr, &rw), 0);
            ck_assert_int_eq(ak_dec_mul(rw, ak_val(a.app, h[i])->commission_rate, &cm), 0);
            ck_assert_int_eq(ak_dec_sub(rw, cm, &sh), 0);
            ck_assert_int_eq(ak_dec_add(ref_out[i], rw, &ref_out[i]), 0);
            ck_assert_int_eq(ak_dec_add(ref_com[i], cm, &ref_com[i]), 0);
            ck_assert_int_eq(ak_dec_add(ref_cur[i], sh, &ref_cur[i]), 0);
            ck_assert_int_eq(ak_dec_sub(left, rw, &left), 0);
        }
        ck_assert_int_eq(ak_dec_add(ref_pool, left, &ref_pool), 0);
        b.app->distribution.cache.n = 0;
        b.app->distribution.cache.rewards_valid = false;
        w_block(&a, height, fees);
        w_block(&b, height, fees);
    }
    ck_assert(w_hash(&a) == w_hash(&b));
    for (int i = 0; i < NV; i++) {
        ck_assert(VD(&a, h[i])->outstanding.v == ref_out[i].v);
        ck_assert(VD(&a, h[i])->commission.v == ref_com[i].v);
        ck_assert(VD(&a, h[i])->cur_rewards.v == ref_cur[i].v);
    }
    ck_assert(pool_of(&a).v == ref_pool.v);
    ck_assert_uint_gt(a.app->distribution.cache.hits, 300);
    w_fini(&a);
    w_fini(&b);
}
END_TEST

/* Mint moves F by a few uakt most blocks. A steady app then moves each slot's amounts of the
 * blocks before into accumulators and steps its slots (ak_dist_begin_block); nothing is added
 * to the validator records until something looks. Against an app that recomputes everything
 * every block: 3,000 blocks, F walking by -9 to +9 uakt (and standing still now and then),
 * nobody looking except every 97 blocks; records and pool agree whenever compared. */
START_TEST(accrual_follows_small_moves_of_f)
{
    world a, b;
    world *ws[2] = {&a, &b};
    enum { NV = 7 };
    const char *names[NV] = {"w0", "w1", "w2", "w3", "w4", "w5", "w6"};
    const char *rates[NV] = {"0.05", "0.1", "0.333333333333333333", "1", "0",
                             "0.999999999999999999", "0.987654321987654321"};
    uint32_t h[NV];
    for (int k = 0; k < 2; k++) {
        w_init(ws[k], "0.02");
        for (int i = 0; i < NV; i++) {
            h[i] = w_validator(ws[k], names[i], rates[i]);
            w_delegate(ws[k], names[i], h[i], (int64_t)(i + 3) * 1000000);
        }
    }
    uint64_t x = 4242;
    ak_amount fees = 3300000;
    for (ak_height height = 2; height < 3000; height++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        uint32_t r = (uint32_t)(x >> 33) % 10;
        if (r < 7)
            fees += (ak_amount)((x >> 40) % 19) - 9;
        for (int k = 0; k < 2; k++) {
            ws[k]->nvotes = 0;
            for (int i = 0; i < NV; i++)
                w_vote(ws[k], names[i], i + 1);
        }
        b.app->distribution.cache.n = 0; /* b recomputes every block */
        b.app->distribution.cache.rewards_valid = false;
        ck_assert_int_eq(w_block_rc(&a, height, fees), 0);
        ck_assert_int_eq(w_block_rc(&b, height, fees), 0);
        if (height % 97 == 0) {
            for (int i = 0; i < NV; i++) {
                ck_assert(VD(&a, h[i])->outstanding.v == VD(&b, h[i])->outstanding.v);
                ck_assert(VD(&a, h[i])->commission.v == VD(&b, h[i])->commission.v);
                ck_assert(VD(&a, h[i])->cur_rewards.v == VD(&b, h[i])->cur_rewards.v);
            }
            ck_assert(pool_of(&a).v == pool_of(&b).v);
            w_check(&a);
        }
    }
    ck_assert(w_hash(&a) == w_hash(&b));
    w_check(&a);
    w_fini(&a);
    w_fini(&b);
}
END_TEST

/* ---- 8.8: F1 ---- */

/* A validator with 1 000 tokens from D1 (600) and D2 (400), commission 0, no tax; the only
 * entry of the LastCommit, so F = 100 is a period's 100 of shared rewards. */
static void f1_world(world *w, uint32_t *val, uint32_t *d1, uint32_t *d2)
{
    w_init(w, "0");
    *val = w_validator(w, "val", "0");
    *d1 = w_delegate(w, "d1", *val, 600);
    *d2 = w_delegate(w, "d2", *val, 400);
    w_vote(w, "val", 1);
}

START_TEST(f1_8_8)
{
    world w;
    uint32_t val, d1, d2;
    f1_world(&w, &val, &d1, &d2);
    /* created at height 1: period 3 is current (each delegation ended one) */
    ck_assert_uint_eq(VD(&w, val)->period, 3);
    w_block(&w, 2, 100);
    ck_dec(pending(&w, d2), "40.000000000000000000");
    ck_dec(pending(&w, d1), "60.000000000000000000");
    ak_msg m = msg_reward(&w, "d2", "val");
    w_ok(&w, &m);
    ck_assert_int_eq(bal(&w, W_s(&w, "d2")), 40);
    ck_assert(ak_dec_is_zero(pending(&w, d2))); /* re-initialised at this height */
    w_block(&w, 3, 100);
    ck_dec(pending(&w, d2), "40.000000000000000000");
    m = msg_reward(&w, "d1", "val");
    w_ok(&w, &m);
    ck_assert_int_eq(bal(&w, W_s(&w, "d1")), 120);
    ck_dec(pending(&w, d2), "40.000000000000000000");
    ck_dec(VD(&w, val)->outstanding, "40.000000000000000000");
    ck_assert(ak_dec_is_zero(pool_of(&w)));
    ck_assert_int_eq(bal(&w, w.dist), 40);
    /* records left: hist[3] = 0.1 (d2's start), hist[4] = 0.2 (d1's start and the previous
     * period) */
    const ak_distribution *d = &w.app->distribution;
    uint32_t live = 0;
    for (uint32_t h = 0; h < d->hist.len; h++) {
        const ak_hist_rewards *r = ak_pool_at(&d->hist, h);
        if (!r->refcount)
            continue;
        live++;
        if (r->period == 3) {
            ck_dec(r->ratio, "0.100000000000000000");
            ck_assert_uint_eq(r->refcount, 1);
        } else {
            ck_assert_uint_eq(r->period, 4);
            ck_dec(r->ratio, "0.200000000000000000");
            ck_assert_uint_eq(r->refcount, 2);
        }
    }
    ck_assert_uint_eq(live, 2);
    w_fini(&w);
}
END_TEST

/* 8.8 with a 5 % slash (50 tokens burned) between two periods of 100: the second segment runs
 * on 380 and 570 of stake, 100/950 per token. */
START_TEST(f1_8_8_slash)
{
    world w;
    uint32_t val, d1, d2;
    f1_world(&w, &val, &d1, &d2);
    w_block(&w, 2, 100);
    w.app->height = 3;
    w_slash(&w, val, "0.05", 50);
    ck_assert_int_eq(ak_val(w.app, val)->tokens, 950);
    w_block(&w, 4, 100);
    ck_dec(pending(&w, d1), "119.999999999999999940");
    ck_dec(pending(&w, d2), "79.999999999999999960");
    ak_msg m = msg_reward(&w, "d2", "val");
    w_ok(&w, &m);
    ck_assert_int_eq(bal(&w, W_s(&w, "d2")), 79);
    ck_dec(pool_of(&w), "0.999999999999999960"); /* the remainder */
    /* the new starting info: stake TokensFromSharesTruncated(400 shares) = 380 */
    const ak_starting_info *si = ak_pool_at(&w.app->distribution.starting, d2);
    ck_dec(si->stake, "380.000000000000000000");
    ck_assert_uint_eq(si->previous_period, 4);
    m = msg_reward(&w, "d1", "val");
    w_ok(&w, &m);
    ck_assert_int_eq(bal(&w, W_s(&w, "d1")), 119);
    ck_dec(pool_of(&w), "1.999999999999999900");
    ck_dec(VD(&w, val)->outstanding, "0.000000000000000100");
    ck_assert_int_eq(bal(&w, w.dist), 2);
    /* the slash event keeps its period's record alive */
    const ak_slash_event *e = ak_pool_at(&w.app->distribution.events, VD(&w, val)->slash_events);
    ck_assert_int_eq(e->height, 3);
    ck_assert_uint_eq(e->period, 3);
    ck_dec(e->fraction, "0.050000000000000000");
    const ak_hist_rewards *r = ak_pool_at(&w.app->distribution.hist, e->hist);
    ck_dec(r->ratio, "0.100000000000000000");
    ck_assert_uint_eq(r->refcount, 1);
    w_fini(&w);
}
END_TEST

/* A delegation withdrawn in the block it started earns nothing; a second delegation by the
 * same delegator first withdraws what the first earned. */
START_TEST(f1_same_height_and_redelegate)
{
    world w;
    uint32_t val, d1, d2;
    f1_world(&w, &val, &d1, &d2);
    ak_msg m = msg_reward(&w, "d1", "val");
    w_ok(&w, &m); /* height 1, same as the delegation: nothing */
    ck_assert_int_eq(bal(&w, W_s(&w, "d1")), 0);
    w_block(&w, 2, 100);
    w.app->height = 3;
    w_delegate(&w, "d1", val, 400); /* BeforeDelegationSharesModified pays 60 */
    ck_assert_int_eq(bal(&w, W_s(&w, "d1")), 60);
    const ak_starting_info *si = ak_pool_at(&w.app->distribution.starting, d1);
    ck_dec(si->stake, "1000.000000000000000000");
    w_block(&w, 4, 140); /* 140 over 1 400 tokens: 0.1 per token */
    ck_dec(pending(&w, d1), "100.000000000000000000");
    ck_dec(pending(&w, d2), "80.000000000000000000");
    w_fini(&w);
}
END_TEST

/* Two slashes with fractions that are not round (7/3000 and 7/2993, rounded up as staking
 * records them): the stake after the first one has decimals, so the second MulTruncate drops
 * some; the final segment's stake is 995.333333333333331830 (Mul would give ...831), below
 * the shares' value 995.333333333333333333. */
START_TEST(f1_inexact_slashes)
{
    world w;
    w_init(&w, "0");
    uint32_t val = w_validator(&w, "val", "0");
    uint32_t d1 = w_delegate(&w, "d1", val, 1000);
    uint32_t d2 = w_delegate(&w, "d2", val, 2000);
    w_vote(&w, "val", 1);
    w_block(&w, 2, 300);
    w.app->height = 3;
    w_slash(&w, val, "0.002333333333333334", 7);
    w_block(&w, 4, 300);
    w.app->height = 5;
    w_slash(&w, val, "0.002338790511192784", 7);
    w_block(&w, 6, 30000000); /* a large last period: one ulp of stake shows */
    ck_dec(pending(&w, d1), "10000199.999999999984895679");
    ck_dec(pending(&w, d2), "20000399.999999999969801407");
    ak_msg m = msg_reward(&w, "d1", "val");
    w_ok(&w, &m);
    ck_assert_int_eq(bal(&w, W_s(&w, "d1")), 10000199);
    ck_dec(((const ak_starting_info *)ak_pool_at(&w.app->distribution.starting, d1))->stake,
           "995.333333333333333333");
    ck_dec(pending(&w, d2), "20000399.999999999969801407");
    ck_dec(VD(&w, val)->outstanding, "20000400.000000000015104321");
    ck_dec(pool_of(&w), "0.999999999984895679");
    w_fini(&w);
}
END_TEST

/* Rewards are bounded by what the validator has outstanding (Intersect). The module loses 30
 * of the 100 (as if an earlier rounding had overpaid), so the last withdrawal gets only 10. */
START_TEST(withdraw_bounded_by_outstanding)
{
    world w;
    uint32_t val, d1, d2;
    f1_world(&w, &val, &d1, &d2);
    w_block(&w, 2, 100);
    ak_val_dist *vd = ak_pool_at(&w.app->distribution.vals, val);
    vd->outstanding = ak_dec_from_int(70);
    ck_assert_int_eq(ak_bank_burn(&w.app->bank, w.dist, (ak_coin){w.uakt, 30}), 0);
    w_check(&w);
    ak_msg m = msg_reward(&w, "d1", "val");
    w_ok(&w, &m);
    ck_assert_int_eq(bal(&w, W_s(&w, "d1")), 60);
    ck_dec(pending(&w, d2), "40.000000000000000000");
    m = msg_reward(&w, "d2", "val");
    w_ok(&w, &m);
    ck_assert_int_eq(bal(&w, W_s(&w, "d2")), 10);
    ck_assert(ak_dec_is_zero(VD(&w, val)->outstanding));
    ck_assert(ak_dec_is_zero(pool_of(&w)));
    w_fini(&w);
}
END_TEST

/* The stake sanity check: a computed stake up to 3 ulp above the shares' value is clamped to
 * it; more is the SDK's panic. The ratio here is 10 000 per token, so one ulp of stake shows. */
START_TEST(stake_clamp)
{
    world w;
    uint32_t val, d1, d2;
    f1_world(&w, &val, &d1, &d2);
    w_block(&w, 2, 10000000);
    ak_starting_info *si = ak_pool_at(&w.app->distribution.starting, d1);
    ck_dec(pending(&w, d1), "6000000.000000000000000000");
    si->stake = fx_dec("600.000000000000000003");
    ck_dec(pending(&w, d1), "6000000.000000000000000000");
    si->stake = fx_dec("600.000000000000000004");
    ak_dec r;
    ck_assert_int_eq(ak_dist_pending_rewards(w.app, d1, &r), AK_EPANIC);
    si->stake = fx_dec("599.999999999999999999");
    ck_dec(pending(&w, d1), "5999999.999999999999990000");
    w_fini(&w);
}
END_TEST

/* ---- commission ---- */

START_TEST(commission_withdraw)
{
    world w;
    w_init(&w, "0.02");
    uint32_t v[3];
    three_validators(&w, v);
    w_block(&w, 2, 9893455);
    ak_addr v1 = W_s(&w, "val1");
    ak_msg m = msg_commission(&w, "val1");
    w_ok(&w, &m);
    ck_assert_int_eq(bal(&w, v1), 242389);
    ck_dec(VD(&w, v[0])->commission, "0.647500000000000000");
    ck_dec(VD(&w, v[0])->outstanding, "4605403.950000000000000000");
    ck_assert_int_eq(bal(&w, w.dist), 9893455 - 242389);
    /* a commission below one uakt is not zero: the message succeeds and pays nothing */
    w_ok(&w, &m);
    ck_assert_int_eq(bal(&w, v1), 242389);
    ck_dec(VD(&w, v[0])->commission, "0.647500000000000000");
    w_fini(&w);
}
END_TEST

START_TEST(commission_errors)
{
    world w;
    w_init(&w, "0.02");
    uint32_t v = w_validator(&w, "free", "0");
    w_delegate(&w, "free", v, 1000000);
    w_vote(&w, "free", 1);
    w_block(&w, 2, 1000);
    ak_msg m = msg_commission(&w, "free");
    w_fails(&w, &m, AK_ENO_VALIDATOR_COMMISSION); /* rate 0: nothing accumulated */
    m = msg_commission(&w, "nobody");
    w_fails(&w, &m, AK_ENO_VALIDATOR_COMMISSION);
    m = msg_commission(&w, NULL);
    w_fails(&w, &m, AK_EINVALID_ADDRESS);
    w_fini(&w);
}
END_TEST

/* ---- MsgWithdrawDelegatorReward errors, in the handler's order ---- */

START_TEST(withdraw_reward_errors)
{
    world w;
    uint32_t val, d1, d2;
    f1_world(&w, &val, &d1, &d2);
    w_validator(&w, "other", "0");
    w_block(&w, 2, 100);
    ak_msg m = msg_reward(&w, NULL, NULL);
    w_fails(&w, &m, AK_EINVALID_ADDRESS);
    ck_assert_ptr_nonnull(strstr(w.res.detail, "validator"));
    m = msg_reward(&w, NULL, "val");
    w_fails(&w, &m, AK_EINVALID_ADDRESS);
    ck_assert_ptr_nonnull(strstr(w.res.detail, "delegator"));
    m = msg_reward(&w, "d1", "nobody");
    w_fails(&w, &m, AK_ENO_VALIDATOR_FOUND);
    m = msg_reward(&w, "d1", "other");
    w_fails(&w, &m, AK_ENO_DELEGATION);
    /* a delegation that has shares but no starting info (never reachable through staking) */
    ak_app *app = w.app;
    uint32_t dh;
    void *obj;
    ck_assert_int_eq(ak_pool_add(&app->staking.dels, &dh, &obj), 0);
    ak_delegation *d = obj;
    d->delegator = W_s(&w, "ghost");
    d->val = val;
    d->shares = ak_dec_from_int(1);
    ck_assert_int_eq(ak_map_put(&app->staking.del_index, ak_key2(d->delegator, val), dh), 0);
    uint64_t before = w_hash(&w);
    m = msg_reward(&w, "ghost", "val");
    memset(&w.res, 0, sizeof w.res);
    tx_begin(&w);
    int rc = ak_dist_deliver(app, &m, &w.res);
    tx_end(&w, rc);
    ck_assert_int_eq(rc, AK_EEMPTY_DELEGATION_DIST_INFO);
    ck_assert(w_hash(&w) == before);
    w_fini(&w);
}
END_TEST

/* A successful withdrawal rolled back (the transaction failed later) leaves nothing behind. */
START_TEST(withdraw_rollback)
{
    world w;
    uint32_t val, d1, d2;
    f1_world(&w, &val, &d1, &d2);
    w_block(&w, 2, 100);
    w.app->height = 3;
    w_slash(&w, val, "0.05", 50);
    w_block(&w, 4, 100);
    uint64_t before = w_hash(&w);
    uint32_t nhist = w.app->distribution.hist.len;
    tx_begin(&w);
    ak_msg m = msg_reward(&w, "d2", "val");
    ck_assert_int_eq(ak_dist_deliver(w.app, &m, &w.res), 0);
    ck_assert_int_eq(ak_dist_before_validator_slashed(w.app, val, fx_dec("0.01")), 0);
    ck_assert_int_eq(ak_dist_before_delegation_created(w.app, val), 0);
    tx_end(&w, AK_EINVALID_REQUEST);
    ck_assert(w_hash(&w) == before);
    ck_assert_uint_eq(w.app->distribution.hist.len, nhist);
    w_check(&w);
    ck_dec(pending(&w, d2), "79.999999999999999960");
    /* a transaction that takes records from the free list, rolled back, puts them back */
    uint32_t solo = w_validator(&w, "solo", "0");
    w_slash(&w, solo, "0.5", 0);
    w_remove(&w, solo);
    ck_assert_uint_ne(w.app->distribution.free_hist, AK_POOL_NONE);
    ck_assert_uint_ne(w.app->distribution.free_events, AK_POOL_NONE);
    before = w_hash(&w);
    tx_begin(&w);
    ck_assert_int_eq(ak_dist_after_validator_created(w.app, solo), 0);
    ck_assert_int_eq(ak_dist_before_validator_slashed(w.app, val, fx_dec("0.01")), 0);
    tx_end(&w, AK_EINVALID_REQUEST);
    ck_assert(w_hash(&w) == before);
    w_check(&w);
    w_fini(&w);
}
END_TEST

/* ---- a validator removed, its dust, and its records reused ---- */

START_TEST(validator_removed)
{
    world w;
    w_init(&w, "0");
    uint32_t val = w_validator(&w, "val", "0.1");
    uint32_t d1 = w_delegate(&w, "d1", val, 7);
    w_vote(&w, "val", 1);
    w_block(&w, 2, 1000); /* commission 100, 900 over 7 tokens */
    w.app->height = 3;
    w_undelegate_all(&w, d1);
    ck_assert_int_eq(bal(&w, W_s(&w, "d1")), 899);
    ck_dec(pool_of(&w), "0.999999999999999996");
    ck_dec(VD(&w, val)->outstanding, "100.000000000000000004");
    /* the validator still earns with no tokens: current rewards pile up */
    w_block(&w, 4, 500);
    ck_dec(VD(&w, val)->cur_rewards, "450.000000000000000000");
    ck_dec(VD(&w, val)->commission, "150.000000000000000000");
    /* a new delegation ends the period: with zero tokens its rewards go to the pool */
    w.app->height = 5;
    uint32_t d2 = w_delegate(&w, "d2", val, 10);
    ck_dec(pool_of(&w), "450.999999999999999996");
    ck_dec(VD(&w, val)->outstanding, "150.000000000000000004");
    ck_assert_uint_eq(VD(&w, val)->period, 4);
    w.app->height = 6;
    w_undelegate_all(&w, d2);
    ck_assert_int_eq(bal(&w, W_s(&w, "d2")), 0);
    uint32_t nhist = w.app->distribution.hist.len;
    w_remove(&w, val);
    ck_assert_int_eq(bal(&w, W_s(&w, "val")), 150);
    ck_dec(pool_of(&w), "451.000000000000000000");
    ck_assert_int_eq(bal(&w, w.dist), 451);
    ck_assert_uint_eq(VD(&w, val)->period, 0);
    ck_assert_uint_ne(w.app->distribution.free_hist, AK_POOL_NONE);
    ak_msg m = msg_commission(&w, "val");
    w_fails(&w, &m, AK_ENO_VALIDATOR_COMMISSION);
    m = msg_reward(&w, "d2", "val");
    w_fails(&w, &m, AK_ENO_VALIDATOR_FOUND);
    /* the name comes back on the same record; freed historical records are reused */
    ck_assert_uint_eq(w_validator(&w, "val", "0.05"), val);
    w_delegate(&w, "d3", val, 100);
    ck_assert_uint_eq(w.app->distribution.hist.len, nhist);
    ck_assert_uint_eq(VD(&w, val)->period, 2);
    w_fini(&w);
}
END_TEST

/* A removed validator with slash events releases their records too. */
START_TEST(validator_removed_after_slash)
{
    world w;
    w_init(&w, "0");
    uint32_t val = w_validator(&w, "val", "0.5");
    uint32_t d1 = w_delegate(&w, "d1", val, 1000);
    w_vote(&w, "val", 1);
    w_block(&w, 2, 333);
    w_slash(&w, val, "0.1", 100);
    w_slash(&w, val, "0.1", 90);
    w.app->height = 3;
    w_undelegate_all(&w, d1);
    w_remove(&w, val);
    const ak_distribution *d = &w.app->distribution;
    for (uint32_t h = 0; h < d->hist.len; h++)
        ck_assert_uint_eq(((const ak_hist_rewards *)ak_pool_at(&d->hist, h))->refcount, 0);
    ck_assert_uint_ne(d->free_events, AK_POOL_NONE);
    w_slash(&w, w_validator(&w, "val2", "0"), "0.5", 0); /* reuses a freed event */
    ck_assert_uint_eq(d->events.len, 2);
    w_fini(&w);
}
END_TEST

/* ---- panics and the invariant check ---- */

START_TEST(slash_fraction_out_of_range)
{
    world w;
    w_init(&w, "0");
    uint32_t val = w_validator(&w, "val", "0");
    ck_assert_int_eq(ak_dist_before_validator_slashed(w.app, val, fx_dec("1.000000000000000001")),
                     AK_EPANIC);
    ck_assert_int_eq(ak_dist_before_validator_slashed(w.app, val, fx_dec("-0.1")), AK_EPANIC);
    ck_assert_int_eq(ak_dist_before_validator_slashed(w.app, val, fx_dec("1")), 0);
    w_check(&w);
    w_fini(&w);
}
END_TEST

START_TEST(check_catches_corruption)
{
    world w;
    uint32_t val, d1, d2;
    char err[256];
    f1_world(&w, &val, &d1, &d2);
    w_block(&w, 2, 100);
    ak_hist_rewards *r = ak_pool_at(&w.app->distribution.hist, VD(&w, val)->prev_hist);
    r->refcount++;
    ck_assert_int_eq(ak_dist_check(w.app, err, sizeof err), AK_EINVARIANT);
    ck_assert_ptr_nonnull(strstr(err, "reference count"));
    r->refcount--;
    ak_val_dist *vd = ak_pool_at(&w.app->distribution.vals, val);
    vd->commission = ak_dec_from_int(1000);
    ck_assert_int_eq(ak_dist_check(w.app, err, sizeof err), AK_EINVARIANT);
    vd->commission = ak_dec_zero();
    vd->outstanding = ak_dec_from_int(101);
    ck_assert_int_eq(ak_dist_check(w.app, err, sizeof err), AK_EINVARIANT);
    ck_assert_ptr_nonnull(strstr(err, "module holds"));
    vd->outstanding = ak_dec_from_int(100);
    ak_starting_info *si = ak_pool_at(&w.app->distribution.starting, d1);
    si->present = 0;
    ck_assert_int_eq(ak_dist_check(w.app, err, sizeof err), AK_EINVARIANT);
    si->present = 1;
    ck_assert_int_eq(ak_dist_check(w.app, err, sizeof err), 0);
    w_fini(&w);
}
END_TEST

/* ---- through the app ---- */

static void app_ok(world *w, const ak_msg *m)
{
    int rc = ak_app_deliver(w->app, m, &w->res);
    ck_assert_msg(rc == 0, "%s failed: %s (%s)", ak_msg_name(m->type), ak_err_name(rc), w->res.detail);
    char err[256];
    ck_assert_msg(ak_app_check(w->app, err, sizeof err) == 0, "%s", err);
    w_check(w);
}

/* Begin height h with `fees` put in the fee collector first (mint is switched off, so these
 * are the block's F), every validator signing. */
static void app_block(world *w, ak_height h, ak_amount fees)
{
    ak_app *app = w->app;
    if (ak_app_height(app) > 0)
        ck_assert_int_eq(ak_app_end_block(app), 0);
    if (fees)
        ck_assert_int_eq(ak_bank_mint(&app->bank, w->fc, (ak_coin){w->uakt, fees}), 0);
    ck_assert_int_eq(ak_app_begin_block(app, h), 0);
    char err[256];
    ck_assert_msg(ak_app_check(app, err, sizeof err) == 0, "%s", err);
    w_check(w);
}

static ak_msg msg_delegate(world *w, ak_msg_type t, const char *del, const char *val,
                           ak_amount amount)
{
    ak_msg m = {.type = t};
    m.delegate.delegator = W_s(w, del);
    m.delegate.validator = W_s(w, val);
    m.delegate.amount = (ak_coin){w->uakt, amount};
    return m;
}

/* Genesis: operator "val" self-bonded 600 AKT at commission 0.05, d2 delegating 400 AKT; tax
 * 0.02; no inflation. Then F = 1 000 003, 777 777 and 500 000 in blocks 2 to 4, with a
 * withdrawal, a new delegation, a commission withdrawal, an undelegation and the operator's
 * own withdrawal. Numbers from the Python model of the SDK. */
START_TEST(app_end_to_end)
{
    world w;
    w_init(&w, "0.02");
    ak_app *app = w.app;
    app->height = 0; /* genesis */
    app->params.mint.inflation_min = ak_dec_zero();
    app->params.mint.inflation_max = ak_dec_zero();
    ak_app_set_inflation(app, ak_dec_zero());
    ck_assert_int_eq(ak_app_genesis_validator(app, W_s(&w, "val"), 600000000, fx_dec("0.05"),
                                              fx_dec("0.2"), fx_dec("0.01"), 1, &w.res),
                     0);
    ck_assert_int_eq(ak_app_genesis_delegation(app, W_s(&w, "d2"), W_s(&w, "val"), 400000000,
                                               &w.res),
                     0);
    ck_assert_int_eq(ak_app_genesis_balance(app, W_s(&w, "d3"), (ak_coin){w.uakt, 5000000}), 0);
    uint32_t val = ak_staking_find_val(app, W_s(&w, "val"));
    app_block(&w, 1, 0);
    app_block(&w, 2, 1000003);
    ak_msg m = msg_reward(&w, "d2", "val");
    app_ok(&w, &m);
    ck_assert_int_eq(bal(&w, W_s(&w, "d2")), 372401);
    ck_dec(pool_of(&w), "20000.177200000000000000");
    app_block(&w, 3, 777777);
    m = msg_delegate(&w, AK_MSG_DELEGATE, "d3", "val", 5000000);
    app_ok(&w, &m);
    m = msg_commission(&w, "val");
    app_ok(&w, &m);
    ck_assert_int_eq(bal(&w, W_s(&w, "val")), 87111);
    ck_dec(VD(&w, val)->commission, "0.220000000000000000");
    app_block(&w, 4, 500000);
    uint32_t d3 = ak_staking_find_del(app, W_s(&w, "d3"), val);
    ck_dec(pending(&w, d3), "2315.920398009950000000");
    m = msg_delegate(&w, AK_MSG_UNDELEGATE, "d2", "val", 400000000);
    app_ok(&w, &m);
    ck_assert_int_eq(bal(&w, W_s(&w, "d2")), 847318); /* rewards only: the tokens unbond */
    m = msg_reward(&w, "val", "val");
    app_ok(&w, &m);
    ck_assert_int_eq(bal(&w, W_s(&w, "val")), 1358089);
    ck_dec(pool_of(&w), "45556.859601990000000000");
    ck_dec(VD(&w, val)->outstanding, "26816.140398010000000000");
    ck_dec(VD(&w, val)->commission, "24500.220000000000000000");
    ck_assert_int_eq(bal(&w, w.dist), 72373);
    ck_dec(pending(&w, d3), "2315.920398009950000000");
    /* d2 has no delegation left */
    m = msg_reward(&w, "d2", "val");
    uint64_t before = ak_app_digest(app);
    ck_assert_int_eq(ak_app_deliver(app, &m, &w.res), AK_ENO_DELEGATION);
    ck_assert(ak_app_digest(app) == before);
    /* someone else cannot withdraw d3's rewards */
    m = msg_reward(&w, "d3", "val");
    m.signer = W_s(&w, "d2");
    ck_assert_int_eq(ak_app_deliver(app, &m, &w.res), AK_EUNAUTHORIZED);
    ck_assert(ak_app_digest(app) == before);
    w_fini(&w);
}
END_TEST

/* Lazy accrual is exact: two apps take the same 14,700 blocks and the same chain messages (a
 * delegation, an undelegation, reward and commission withdrawals now and then, and commission
 * edits once a day has passed, as MsgEditValidator requires). One takes the full allocation path
 * every block (every slot checked against its validator and paid at once, as before the lazy
 * accrual); the other accrues lazily and applies only when something looks. Every validator's
 * outstanding rewards, commission, current rewards and period, the community pool and the
 * delegator's balance agree at every comparison. */
START_TEST(lazy_accrual_matches_eager)
{
    fx f[2];
    ak_addr v[4];
    const char *names[4] = {"va", "vb", "vc", "vd"};
    for (int k = 0; k < 2; k++) {
        cfx_init(&f[k]);
        for (int i = 0; i < 4; i++)
            v[i] = cfx_validator(&f[k], names[i], (int64_t)(i + 1) * 3000000, "0.05");
        cfx_delegation(&f[k], f[k].alice, v[0], 5000000);
    }
    uint64_t x = 99;
    for (ak_height h = 1; h <= 14700; h++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        uint32_t r = (uint32_t)(x >> 33) % 50;
        if (h == 14450 || h == 14460)
            r = 4; /* a day after genesis: a commission edit, then a refused one */
        for (int k = 0; k < 2; k++) {
            /* the eager one takes the full path every block: every slot checked and paid */
            if (k == 0)
                f[0].app->distribution.cache.steady = false;
            cfx_at(&f[k], h);
            ak_msg m = {.type = AK_MSG_SEND};
            if (r == 0) {
                m = cfx_delegate_msg(&f[k], AK_MSG_DELEGATE, f[k].alice, v[(x >> 40) % 4], 1000000);
            } else if (r == 1) {
                m = cfx_delegate_msg(&f[k], AK_MSG_UNDELEGATE, f[k].alice, v[0], 100000);
            } else if (r == 2) {
                m.type = AK_MSG_WITHDRAW_DELEGATOR_REWARD;
                m.withdraw_reward.delegator = f[k].alice;
                m.withdraw_reward.validator = v[0];
            } else if (r == 3) {
                m.type = AK_MSG_WITHDRAW_VALIDATOR_COMMISSION;
                m.validator.validator = v[(x >> 40) % 4];
            } else if (r == 4 && h > 14400) {
                m.type = AK_MSG_EDIT_VALIDATOR;
                m.edit_validator.validator = v[1];
                m.edit_validator.has_rate = true;
                m.edit_validator.rate = fx_dec("0.06");
            }
            if (m.type != AK_MSG_SEND) {
                ak_tx_result res;
                ak_app_deliver(f[k].app, &m, &res); /* failures are fine: the same in both */
            }
        }
        ck_assert_int_eq(ak_app_sync(f[0].app), 0); /* the eager one */
        if (h % 37 == 0 || h == 14700) {
            ck_assert_int_eq(ak_app_sync(f[1].app), 0);
            for (int i = 0; i < 4; i++) {
                const ak_val_dist *a = ak_pool_at(&f[0].app->distribution.vals,
                                                  ak_staking_find_val(f[0].app, v[i]));
                const ak_val_dist *b = ak_pool_at(&f[1].app->distribution.vals,
                                                  ak_staking_find_val(f[1].app, v[i]));
                ck_assert(a->outstanding.v == b->outstanding.v);
                ck_assert(a->commission.v == b->commission.v);
                ck_assert(a->cur_rewards.v == b->cur_rewards.v);
                ck_assert(a->period == b->period);
            }
            ck_assert(ak_app_community_pool(f[0].app, f[0].uakt).v ==
                      ak_app_community_pool(f[1].app, f[1].uakt).v);
            ck_assert_int_eq(ak_bank_balance_of(ak_app_bank(f[0].app), f[0].alice, f[0].uakt),
                             ak_bank_balance_of(ak_app_bank(f[1].app), f[1].alice, f[1].uakt));
            char err[256];
            ck_assert_msg(ak_app_check(f[1].app, err, sizeof err) == 0, "%s", err);
        }
    }
    /* the lazy one did accrue lazily */
    ck_assert_uint_gt(f[1].app->distribution.cache.hits, 14000);
    ck_assert(cfx_val(&f[1], v[1])->commission_rate.v == fx_dec("0.06").v);
    fx_fini(&f[0]);
    fx_fini(&f[1]);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("distribution");
    TCase *tc = tcase_create("keeper");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, alloc_8_7);
    tcase_add_test(tc, alloc_rounding);
    tcase_add_test(tc, alloc_edge_cases);
    tcase_add_test(tc, alloc_cache_is_transparent);
    tcase_add_test(tc, accrual_follows_small_moves_of_f);
    tcase_add_test(tc, f1_8_8);
    tcase_add_test(tc, f1_8_8_slash);
    tcase_add_test(tc, f1_same_height_and_redelegate);
    tcase_add_test(tc, f1_inexact_slashes);
    tcase_add_test(tc, withdraw_bounded_by_outstanding);
    tcase_add_test(tc, stake_clamp);
    tcase_add_test(tc, commission_withdraw);
    tcase_add_test(tc, commission_errors);
    tcase_add_test(tc, withdraw_reward_errors);
    tcase_add_test(tc, withdraw_rollback);
    tcase_add_test(tc, validator_removed);
    tcase_add_test(tc, validator_removed_after_slash);
    tcase_add_test(tc, slash_fraction_out_of_range);
    tcase_add_test(tc, check_catches_corruption);
    tcase_add_test(tc, app_end_to_end);
    tcase_add_test(tc, lazy_accrual_matches_eager);
    suite_add_tcase(s, tc);
    return fx_run(s);
}
