/*
 * tests/chainfx.h: a chain world for the chain-layer suites, on top of fixture.h: genesis
 * validators bonded from height 1, blocks stepped with a LastCommit, and builders for the
 * chain messages. Header-only (static inline).
 *
 * Defaults: the fixture's accounts (alice 100 AKT, carol 50 AKT, ...); clock 2026-01-01T00:00:00Z
 * with 6 s blocks; validators are added with cfx_validator before the first block.
 */
#ifndef AK_TEST_CHAINFX_H
#define AK_TEST_CHAINFX_H

#include "fixture.h"

#define CFX_GENESIS_TIME ((ak_unix)1767225600)

/* An app with the fixture's accounts and the clock set; no validator yet. */
static inline void cfx_init_params(fx *f, const ak_params *p)
{
    fx_init_params(f, p);
    ak_app_set_clock(f->app, CFX_GENESIS_TIME, 6);
}

static inline void cfx_init(fx *f)
{
    cfx_init_params(f, NULL);
}

/* A genesis validator with self-bond `tokens` and commission `rate` (max 0.2, change 0.01). */
static inline ak_addr cfx_validator(fx *f, const char *name, ak_amount tokens, const char *rate)
{
    ak_addr a = fx_s(f, name);
    int rc = ak_app_genesis_validator(f->app, a, tokens, fx_dec(rate), fx_dec("0.2"),
                                      fx_dec("0.01"), 1, &f->res);
    ck_assert_msg(rc == 0, "genesis validator %s: %s", name, ak_err_name(rc));
    return a;
}

static inline void cfx_delegation(fx *f, ak_addr delegator, ak_addr validator, ak_amount amount)
{
    int rc = ak_app_genesis_delegation(f->app, delegator, validator, amount, &f->res);
    ck_assert_msg(rc == 0, "genesis delegation: %s", ak_err_name(rc));
}

/* Run blocks until height h has begun, with `absent` (n names) absent from every LastCommit
 * on the way (NULL: everyone signs). */
static inline void cfx_at_absent(fx *f, ak_height h, const ak_addr *absent, uint32_t n)
{
    ak_block_info info = {0, absent, n, NULL, 0};
    if (f->in_block && ak_app_height(f->app) == h)
        return;
    if (f->in_block)
        ck_assert_int_eq(ak_app_end_block(f->app), 0);
    while (ak_app_height(f->app) + 1 < h) {
        ck_assert_int_eq(ak_app_begin_block_with(f->app, ak_app_height(f->app) + 1, &info), 0);
        ck_assert_int_eq(ak_app_end_block(f->app), 0);
    }
    ck_assert_int_eq(ak_app_begin_block_with(f->app, h, &info), 0);
    f->in_block = true;
}

static inline void cfx_at(fx *f, ak_height h)
{
    cfx_at_absent(f, h, NULL, 0);
}

static inline const ak_validator *cfx_val(fx *f, ak_addr a)
{
    const ak_staking *st = ak_app_staking(f->app);
    uint32_t h = ak_map_get(&st->val_index, ak_key2(a, 0));
    ck_assert_uint_ne(h, AK_POOL_NONE);
    return ak_pool_at(&st->vals, h);
}

static inline ak_msg cfx_delegate_msg(fx *f, ak_msg_type t, ak_addr delegator, ak_addr validator,
                                      ak_amount amount)
{
    ak_msg m = {.type = t};
    m.delegate.delegator = delegator;
    m.delegate.validator = validator;
    m.delegate.amount = (ak_coin){f->uakt, amount};
    return m;
}

static inline ak_msg cfx_redelegate_msg(fx *f, ak_addr delegator, ak_addr src, ak_addr dst,
                                        ak_amount amount)
{
    ak_msg m = {.type = AK_MSG_BEGIN_REDELEGATE};
    m.redelegate.delegator = delegator;
    m.redelegate.src = src;
    m.redelegate.dst = dst;
    m.redelegate.amount = (ak_coin){f->uakt, amount};
    return m;
}

static inline ak_msg cfx_create_validator_msg(fx *f, ak_addr name, ak_amount amount, const char *rate)
{
    ak_msg m = {.type = AK_MSG_CREATE_VALIDATOR};
    m.create_validator.validator = name;
    m.create_validator.amount = (ak_coin){f->uakt, amount};
    m.create_validator.rate = fx_dec(rate);
    m.create_validator.max_rate = fx_dec("0.2");
    m.create_validator.max_change_rate = fx_dec("0.01");
    m.create_validator.min_self_delegation = 1;
    return m;
}

/* Shares of delegator in validator (0 without a delegation). */
static inline ak_dec cfx_shares(fx *f, ak_addr delegator, ak_addr validator)
{
    const ak_staking *st = ak_app_staking(f->app);
    uint32_t v = ak_map_get(&st->val_index, ak_key2(validator, 0));
    uint32_t d = ak_map_get(&st->del_index, ak_key2(delegator, v));
    return d == AK_POOL_NONE ? ak_dec_zero() : ((const ak_delegation *)ak_pool_at(&st->dels, d))->shares;
}

static inline ak_amount cfx_pool(fx *f, ak_module m)
{
    return fx_module(f, m);
}

#endif
