/*
 * tests/fixture.h: a small world for the protocol suites: an app with funded accounts and two
 * registered providers, block stepping, and builders for the messages the suites send.
 * Header-only (static inline) so each suite links it without a build rule of its own.
 *
 * Defaults: alice holds 100 AKT and carol 50 AKT; prov1 and prov2 hold 10 AKT each and are
 * registered (prov1 with region=us-west, prov2 with region=eu-central); params are the code
 * defaults (take 2 % on uakt); the app is at height 0 until fx_at() begins a block.
 */
#ifndef AK_TEST_FIXTURE_H
#define AK_TEST_FIXTURE_H

#include <check.h>
#include <stdio.h>
#include <string.h>

#include "check_run.h"
#include "app.h"
#include "errors.h"

typedef struct fx {
    ak_app *app;
    ak_addr alice, bob, carol, prov1, prov2, auditor;
    ak_denom uakt, uusdc;
    ak_tx_result res;
    bool in_block;
    /* storage for the one-group one-unit spec that fx_deploy builds */
    ak_storage_volume vol;
    ak_endpoint ep;
    ak_resource_unit unit;
    ak_group_spec group;
    ak_attr req[4];
    ak_resource_unit units2[2]; /* fx_deploy2 */
    ak_group_spec groups2[2];
} fx;

static inline ak_str fx_s(fx *f, const char *s)
{
    ak_str id;
    ck_assert_int_eq(ak_app_intern(f->app, s, &id), 0);
    return id;
}

static inline ak_dec fx_dec(const char *s)
{
    ak_dec d;
    ck_assert_int_eq(ak_dec_parse(s, strlen(s), &d), 0);
    return d;
}

static inline ak_attrs fx_attrs1(fx *f, ak_attr *slot, const char *k, const char *v)
{
    slot->key = fx_s(f, k);
    slot->value = fx_s(f, v);
    return (ak_attrs){slot, 1};
}

/* An app with default params and the accounts above, at height 0. */
static inline void fx_init_params(fx *f, const ak_params *params)
{
    memset(f, 0, sizeof *f);
    ck_assert_int_eq(ak_app_create(AK_RULES_V1, &f->app), 0);
    f->alice = fx_s(f, "alice");
    f->bob = fx_s(f, "bob");
    f->carol = fx_s(f, "carol");
    f->prov1 = fx_s(f, "prov1");
    f->prov2 = fx_s(f, "prov2");
    f->auditor = fx_s(f, "auditor");
    f->uakt = fx_s(f, "uakt");
    f->uusdc = fx_s(f, "uusdc");
    if (params) {
        char why[200];
        ck_assert_msg(ak_app_set_params(f->app, params, why, sizeof why) == 0, "%s", why);
    }
    ck_assert_int_eq(ak_app_genesis_balance(f->app, f->alice, (ak_coin){f->uakt, 100000000}), 0);
    ck_assert_int_eq(ak_app_genesis_balance(f->app, f->carol, (ak_coin){f->uakt, 50000000}), 0);
    ck_assert_int_eq(ak_app_genesis_balance(f->app, f->prov1, (ak_coin){f->uakt, 10000000}), 0);
    ck_assert_int_eq(ak_app_genesis_balance(f->app, f->prov2, (ak_coin){f->uakt, 10000000}), 0);
    ak_attr a1, a2;
    ck_assert_int_eq(ak_app_genesis_provider(f->app, f->prov1, fx_s(f, "https://prov1.test:8443"),
                                             fx_attrs1(f, &a1, "region", "us-west"), 0, 0, &f->res),
                     0);
    ck_assert_int_eq(ak_app_genesis_provider(f->app, f->prov2, fx_s(f, "https://prov2.test:8443"),
                                             fx_attrs1(f, &a2, "region", "eu-central"), 0, 0,
                                             &f->res),
                     0);
}

static inline void fx_init(fx *f)
{
    fx_init_params(f, NULL);
}

static inline void fx_fini(fx *f)
{
    ak_app_destroy(f->app);
    f->app = NULL;
}

/* Run blocks until height h has begun (ending the current one, producing empty blocks). */
static inline void fx_at(fx *f, ak_height h)
{
    ck_assert_int_ge(h, ak_app_height(f->app) + (f->in_block ? 0 : 1));
    if (f->in_block && ak_app_height(f->app) == h)
        return;
    if (f->in_block)
        ck_assert_int_eq(ak_app_end_block(f->app), 0);
    while (ak_app_height(f->app) + 1 < h) {
        ck_assert_int_eq(ak_app_begin_block(f->app, ak_app_height(f->app) + 1), 0);
        ck_assert_int_eq(ak_app_end_block(f->app), 0);
    }
    ck_assert_int_eq(ak_app_begin_block(f->app, h), 0);
    f->in_block = true;
}

/* Deliver and check every invariant after it; returns the status. */
static inline int fx_send(fx *f, const ak_msg *m)
{
    int rc = ak_app_deliver(f->app, m, &f->res);
    char err[256];
    ck_assert_msg(ak_app_check(f->app, err, sizeof err) == 0, "invariant after %s: %s",
                  ak_msg_name(m->type), err);
    return rc;
}

/* Deliver a message that must fail with `code` and change nothing at all. */
static inline void fx_fails(fx *f, const ak_msg *m, int code)
{
    uint64_t before = ak_app_digest(f->app);
    int rc = fx_send(f, m);
    ck_assert_msg(rc == code, "%s: expected %s, got %s (%s)", ak_msg_name(m->type),
                  ak_err_name(code), ak_err_name(rc), f->res.detail);
    ck_assert_msg(ak_app_digest(f->app) == before, "%s failed with %s but changed the state",
                  ak_msg_name(m->type), ak_err_name(code));
}

static inline void fx_ok(fx *f, const ak_msg *m)
{
    int rc = fx_send(f, m);
    ck_assert_msg(rc == 0, "%s failed: %s (%s)", ak_msg_name(m->type), ak_err_name(rc),
                  f->res.detail);
}

static inline ak_amount fx_balance(fx *f, ak_addr a)
{
    return ak_bank_balance_of(ak_app_bank(f->app), a, f->uakt);
}

static inline ak_amount fx_module(fx *f, ak_module m)
{
    const ak_bank *b = ak_app_bank(f->app);
    return ak_bank_balance_of(b, ak_bank_module_addr(b, m), f->uakt);
}

/* The community pool in uakt, as an integer (take fees are integers). */
static inline ak_amount fx_pool(fx *f)
{
    ak_amount v;
    ck_assert_int_eq(ak_dec_truncate_int(ak_app_community_pool(f->app, f->uakt), &v), 0);
    return v;
}

/* ---- message builders ---- */

static inline ak_deposit fx_deposit(ak_denom denom, ak_amount amount)
{
    ak_deposit d = {.amount = {denom, amount}, .nsources = 1};
    d.sources[0] = AK_SOURCE_BALANCE;
    return d;
}

/* MsgCreateDeployment of owner/dseq with one group "web" of one unit (1000 millicpu, 1 GiB
 * memory, 1 GiB storage, one endpoint, count 1) priced `price` (a Dec string) in uakt. */
static inline ak_msg fx_deploy(fx *f, ak_addr owner, uint64_t dseq, ak_amount deposit,
                               const char *price)
{
    f->vol = (ak_storage_volume){fx_s(f, "default"), 1ull << 30, {NULL, 0}};
    f->ep = (ak_endpoint){AK_ENDPOINT_SHARED_HTTP, 0};
    f->unit = (ak_resource_unit){.id = 1, .cpu_millis = 1000, .memory_bytes = 1ull << 30,
                                 .storage = &f->vol, .nstorage = 1, .endpoints = &f->ep,
                                 .nendpoints = 1, .count = 1,
                                 .price = {f->uakt, fx_dec(price)}};
    f->group = (ak_group_spec){.name = fx_s(f, "web"), .units = &f->unit, .nunits = 1};
    ak_msg m = {.type = AK_MSG_CREATE_DEPLOYMENT};
    m.create_deployment.id = (ak_deployment_id){owner, dseq};
    m.create_deployment.groups = &f->group;
    m.create_deployment.ngroups = 1;
    m.create_deployment.hash_len = 32;
    memset(m.create_deployment.hash, 0xab, 32);
    m.create_deployment.deposit = fx_deposit(f->uakt, deposit);
    return m;
}

/* The same deployment with two groups, "web" and "db", each of that one unit. */
static inline ak_msg fx_deploy2(fx *f, ak_addr owner, uint64_t dseq, ak_amount deposit,
                                const char *price)
{
    ak_msg m = fx_deploy(f, owner, dseq, deposit, price);
    for (int i = 0; i < 2; i++) {
        f->units2[i] = f->unit;
        f->groups2[i] = f->group;
        f->groups2[i].units = &f->units2[i];
    }
    f->groups2[1].name = fx_s(f, "db");
    m.create_deployment.groups = f->groups2;
    m.create_deployment.ngroups = 2;
    return m;
}

static inline ak_bid_id fx_bid_id(ak_addr owner, uint64_t dseq, uint32_t gseq, uint32_t oseq,
                                  ak_addr provider)
{
    return (ak_bid_id){owner, dseq, gseq, oseq, provider};
}

static inline ak_msg fx_bid(fx *f, ak_bid_id id, const char *price)
{
    ak_msg m = {.type = AK_MSG_CREATE_BID};
    m.create_bid.id = id;
    m.create_bid.price = (ak_deccoin){f->uakt, fx_dec(price)};
    m.create_bid.deposit = fx_deposit(f->uakt, 500000);
    return m;
}

static inline ak_msg fx_lease_msg(ak_msg_type t, ak_bid_id id)
{
    ak_msg m = {.type = t};
    m.lease.id = id;
    return m;
}

/* Bid `price` on id (a 500,000 uakt deposit), then lease it; both must succeed. */
static inline void fx_bid_and_lease(fx *f, ak_bid_id id, const char *price)
{
    ak_msg m = fx_bid(f, id, price);
    fx_ok(f, &m);
    m = fx_lease_msg(AK_MSG_CREATE_LEASE, id);
    fx_ok(f, &m);
}

/* Deploy owner/dseq (one unit at `price`, deposit `deposit`) and lease it to `provider` at the
 * same price; returns the lease id. */
static inline ak_bid_id fx_open_lease(fx *f, ak_addr owner, uint64_t dseq, ak_amount deposit,
                                      const char *price, ak_addr provider)
{
    ak_msg m = fx_deploy(f, owner, dseq, deposit, price);
    fx_ok(f, &m);
    ak_bid_id id = fx_bid_id(owner, dseq, 1, 1, provider);
    fx_bid_and_lease(f, id, price);
    return id;
}

static inline ak_msg fx_close_deployment(ak_addr owner, uint64_t dseq)
{
    ak_msg m = {.type = AK_MSG_CLOSE_DEPLOYMENT};
    m.close_deployment.id = (ak_deployment_id){owner, dseq};
    return m;
}

static inline ak_msg fx_group_msg(ak_msg_type t, ak_addr owner, uint64_t dseq, uint32_t gseq)
{
    ak_msg m = {.type = t};
    m.group.id = (ak_group_id){owner, dseq, gseq};
    return m;
}

static inline ak_msg fx_account_deposit(fx *f, ak_addr signer, ak_addr owner, uint64_t dseq,
                                        ak_amount amount)
{
    ak_msg m = {.type = AK_MSG_ACCOUNT_DEPOSIT};
    m.account_deposit.signer = signer;
    m.account_deposit.id = (ak_escrow_id){AK_SCOPE_DEPLOYMENT, {owner, dseq, 0, 0, AK_ADDR_NONE}};
    m.account_deposit.deposit = fx_deposit(f->uakt, amount);
    return m;
}

/* The escrow account and payment of a deployment's lease. */
static inline const ak_escrow_account *fx_account(fx *f, ak_addr owner, uint64_t dseq)
{
    const ak_deployment *d = ak_app_find_deployment(f->app, (ak_deployment_id){owner, dseq});
    ck_assert_ptr_nonnull(d);
    return ak_pool_at(&ak_app_escrow(f->app)->accounts, d->account);
}

static inline const ak_escrow_payment *fx_payment(fx *f, ak_bid_id id)
{
    const ak_bid *b = ak_app_find_bid(f->app, id);
    ck_assert_ptr_nonnull(b);
    ck_assert_uint_ne(b->payment, AK_POOL_NONE);
    return ak_pool_at(&ak_app_escrow(f->app)->payments, b->payment);
}

static inline int64_t fx_dec_int(ak_dec d)
{
    int64_t v;
    ck_assert_int_eq(ak_dec_truncate_int(d, &v), 0);
    return v;
}

/* Run a suite in fork mode; returns the process exit status. */
static inline int fx_run(Suite *s)
{
    return check_run(s);
}

#endif
