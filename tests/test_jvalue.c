/*
 * tests/test_jvalue.c: value formats of replay scripts (sim/jvalue.h; replay.md "Value
 * formats") and the params reader (sim/params_json.h): what is accepted, what it becomes, and
 * the error (with its JSON path) for what is not.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_run.h"
#include "errors.h"
#include "grants.h"
#include "jvalue.h"
#include "params_json.h"

/* A parsed JSON value and the reader state around it. */
typedef struct fx {
    cJSON *root;
    jr r;
    ak_strtab strs;
    ak_arena arena;
} fx;

static void fx_init(fx *f, const char *json)
{
    f->root = cJSON_Parse(json);
    ck_assert_ptr_nonnull(f->root);
    jr_init(&f->r, "test", "t.json", f->root);
    ck_assert_int_eq(ak_strtab_init(&f->strs), 0);
    ak_arena_init(&f->arena);
}

static void fx_fini(fx *f)
{
    cJSON_Delete(f->root);
    ak_strtab_fini(&f->strs);
    ak_arena_fini(&f->arena);
}

/* Read root[0] as a coin; true on success. The error text is left in f->r.err. */
static bool try_coin(fx *f, ak_coin *out)
{
    if (setjmp(f->r.on_error))
        return false;
    *out = jv_coin(&f->r, f->root->child, &f->strs);
    return true;
}

static bool try_deccoin(fx *f, ak_deccoin *out)
{
    if (setjmp(f->r.on_error))
        return false;
    *out = jv_deccoin(&f->r, f->root->child, &f->strs);
    return true;
}

static bool try_bid_id(fx *f, ak_bid_id *out)
{
    if (setjmp(f->r.on_error))
        return false;
    *out = jv_bid_id(&f->r, f->root->child, &f->strs);
    return true;
}

static bool try_escrow_id(fx *f, ak_escrow_id *out)
{
    if (setjmp(f->r.on_error))
        return false;
    *out = jv_escrow_id(&f->r, f->root->child, &f->strs);
    return true;
}

static bool try_time(fx *f, ak_unix *out)
{
    if (setjmp(f->r.on_error))
        return false;
    *out = jv_time(&f->r, f->root->child);
    return true;
}

static const char *S(fx *f, ak_str id)
{
    return ak_strtab_get(&f->strs, id);
}

START_TEST(coins)
{
    static const struct {
        const char *json;
        bool ok;
        long long amount;
        const char *denom;
        const char *err;
    } cases[] = {
        {"[\"5000000uakt\"]", true, 5000000, "uakt", NULL},
        {"[\"0uakt\"]", true, 0, "uakt", NULL},
        {"[\"1000USDC\"]", true, 1000, "uusdc", NULL},
        {"[\"9223372036854775807uakt\"]", true, INT64_MAX, "uakt", NULL},
        {"[\"7ibc/170c677610ac31df\"]", true, 7, "ibc/170c677610ac31df", NULL},
        {"[\"9223372036854775808uakt\"]", false, 0, NULL, "$[0]: amount out of range"},
        {"[\"1234567890123456789012345678901234567890uakt\"]", false, 0, NULL, "amount out of range"},
        {"[\"-5uakt\"]", false, 0, NULL, "$[0]: expected a coin like \"100uakt\""},
        {"[\"100\"]", false, 0, NULL, "expected a coin"},
        {"[\"uakt\"]", false, 0, NULL, "expected a coin"},
        {"[\"5 uakt\"]", false, 0, NULL, "invalid denom"},
        {"[\"5UAKT\"]", false, 0, NULL, "invalid denom"},
        {"[\"5ua\"]", false, 0, NULL, "invalid denom"},
        {"[\"1.5uakt\"]", false, 0, NULL, "whole amount"},
        {"[100]", false, 0, NULL, "(a string)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fx f;
        fx_init(&f, cases[i].json);
        ak_coin c = {0, 0};
        bool ok = try_coin(&f, &c);
        ck_assert_msg(ok == cases[i].ok, "%s: %s", cases[i].json, f.r.err);
        if (ok) {
            ck_assert_int_eq(c.amount, cases[i].amount);
            ck_assert_str_eq(S(&f, c.denom), cases[i].denom);
        } else {
            ck_assert_msg(strstr(f.r.err, cases[i].err), "%s: %s", cases[i].json, f.r.err);
            ck_assert_msg(strncmp(f.r.err, "test: t.json: $[0]: ", 20) == 0, "%s", f.r.err);
        }
        fx_fini(&f);
    }
}
END_TEST

START_TEST(decimal_coins)
{
    static const struct {
        const char *json;
        bool ok;
        const char *formatted;
        const char *err;
    } cases[] = {
        {"[\"100uakt\"]", true, "100.000000000000000000uakt", NULL},
        {"[\"0.5uakt\"]", true, "0.500000000000000000uakt", NULL},
        {"[\"1.123456789012345678uakt\"]", true, "1.123456789012345678uakt", NULL},
        {"[\"2.5USDC\"]", true, "2.500000000000000000uusdc", NULL},
        {"[\"1.1234567890123456789uakt\"]", false, NULL, "more than 18 fractional digits"},
        {"[\"1.uakt\"]", false, NULL, "expected a decimal coin"},
        {"[\".5uakt\"]", false, NULL, "expected a decimal coin"},
        {"[\"1.2.3uakt\"]", false, NULL, "expected a decimal coin"},
        {"[\"-1uakt\"]", false, NULL, "expected a decimal coin"},
        {"[\"9223372036854775808uakt\"]", false, NULL, "amount out of range"},
        {"[\"100\"]", false, NULL, "expected a decimal coin"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fx f;
        fx_init(&f, cases[i].json);
        ak_deccoin c;
        bool ok = try_deccoin(&f, &c);
        ck_assert_msg(ok == cases[i].ok, "%s: %s", cases[i].json, f.r.err);
        if (ok) {
            char buf[128];
            jv_format_deccoin(&f.strs, c, buf, sizeof buf);
            ck_assert_str_eq(buf, cases[i].formatted);
        } else {
            ck_assert_msg(strstr(f.r.err, cases[i].err), "%s: %s", cases[i].json, f.r.err);
        }
        fx_fini(&f);
    }
}
END_TEST

START_TEST(ids)
{
    fx f;
    fx_init(&f, "[\"alice/18446744073709551615/4294967295/0/prov-1_x\"]");
    ak_bid_id id;
    ck_assert_msg(try_bid_id(&f, &id), "%s", f.r.err);
    ck_assert_str_eq(S(&f, id.owner), "alice");
    ck_assert_uint_eq(id.dseq, UINT64_MAX);
    ck_assert_uint_eq(id.gseq, UINT32_MAX);
    ck_assert_uint_eq(id.oseq, 0);
    ck_assert_str_eq(S(&f, id.provider), "prov-1_x");
    char buf[JV_ID_STRLEN];
    jv_format_bid_id(&f.strs, id, buf, sizeof buf);
    ck_assert_str_eq(buf, "alice/18446744073709551615/4294967295/0/prov-1_x");
    fx_fini(&f);

    static const char *const bad[] = {
        "[\"alice/990/1/1\"]",          "[\"alice/990/1/1/prov1/x\"]",
        "[\"Alice/990/1/1/prov1\"]",     "[\"alice/0990/1/1/prov1\"]",
        "[\"alice/-1/1/1/prov1\"]",      "[\"alice/990/4294967296/1/prov1\"]",
        "[\"alice/18446744073709551616/1/1/prov1\"]", "[\"alice//1/1/prov1\"]",
        "[\"alice/990/1/1/\"]",          "[990]",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        fx_init(&f, bad[i]);
        ck_assert_msg(!try_bid_id(&f, &id), "%s accepted", bad[i]);
        ck_assert_msg(strstr(f.r.err, "$[0]: expected a bid id"), "%s", f.r.err);
        fx_fini(&f);
    }
}
END_TEST

START_TEST(escrow_ids)
{
    fx f;
    ak_escrow_id id;
    fx_init(&f, "[\"deployment/alice/990\"]");
    ck_assert(try_escrow_id(&f, &id));
    ck_assert_uint_eq(id.scope, AK_SCOPE_DEPLOYMENT);
    ck_assert_str_eq(S(&f, id.xid.owner), "alice");
    ck_assert_uint_eq(id.xid.dseq, 990);
    char buf[JV_ID_STRLEN + 16];
    jv_format_escrow_id(&f.strs, id, buf, sizeof buf);
    ck_assert_str_eq(buf, "deployment/alice/990");
    fx_fini(&f);

    fx_init(&f, "[\"bid/alice/990/1/2/prov1\"]");
    ck_assert(try_escrow_id(&f, &id));
    ck_assert_uint_eq(id.scope, AK_SCOPE_BID);
    jv_format_escrow_id(&f.strs, id, buf, sizeof buf);
    ck_assert_str_eq(buf, "bid/alice/990/1/2/prov1");
    fx_fini(&f);

    static const char *const bad[] = {"[\"deployment/alice/990/1\"]", "[\"bid/alice/990\"]",
                                      "[\"lease/alice/990\"]", "[\"alice/990\"]"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        fx_init(&f, bad[i]);
        ck_assert_msg(!try_escrow_id(&f, &id), "%s accepted", bad[i]);
        fx_fini(&f);
    }
}
END_TEST

START_TEST(times_round_trip)
{
    static const struct {
        const char *s;
        long long t;
    } cases[] = {
        {"1970-01-01T00:00:00Z", 0},
        {"2026-01-01T00:00:00Z", 1767225600},
        {"2024-02-29T23:59:59Z", 1709251199},
        {"2000-03-01T00:00:00Z", 951868800},
        {"9999-12-31T23:59:59Z", 253402300799},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char json[64];
        snprintf(json, sizeof json, "[\"%s\"]", cases[i].s);
        fx f;
        fx_init(&f, json);
        ak_unix t;
        ck_assert_msg(try_time(&f, &t), "%s", f.r.err);
        ck_assert_int_eq(t, cases[i].t);
        char buf[JV_TIME_STRLEN];
        ck_assert(jv_format_time(t, buf, sizeof buf));
        ck_assert_str_eq(buf, cases[i].s);
        fx_fini(&f);
    }
    /* every day of four years formats and parses back to itself */
    for (ak_unix t = 1704067200; t < 1704067200 + 4 * 366 * 86400LL; t += 86400 + 3661) {
        char buf[JV_TIME_STRLEN], json[64];
        ck_assert(jv_format_time(t, buf, sizeof buf));
        snprintf(json, sizeof json, "[\"%s\"]", buf);
        fx f;
        fx_init(&f, json);
        ak_unix back;
        ck_assert_msg(try_time(&f, &back), "%s", f.r.err);
        ck_assert_int_eq(back, t);
        fx_fini(&f);
    }
    static const char *const bad[] = {
        "[\"2026-02-29T00:00:00Z\"]", "[\"2026-13-01T00:00:00Z\"]", "[\"2026-01-01T24:00:00Z\"]",
        "[\"2026-01-01T00:00:60Z\"]", "[\"2026-01-01T00:00:00\"]",  "[\"2026-01-01 00:00:00Z\"]",
        "[\"2026-01-01T00:00:00+01:00\"]", "[\"2026-01-01T00:00:00.5Z\"]",
        "[\"1969-12-31T23:59:59Z\"]", "[\"1900-02-29T00:00:00Z\"]", "[0]",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        fx f;
        fx_init(&f, bad[i]);
        ak_unix t;
        ck_assert_msg(!try_time(&f, &t), "%s accepted", bad[i]);
        ck_assert_msg(strstr(f.r.err, "RFC 3339"), "%s", f.r.err);
        fx_fini(&f);
    }
    char buf[JV_TIME_STRLEN];
    ck_assert(!jv_format_time(-1, buf, sizeof buf));
    ck_assert(!jv_format_time(JV_TIME_MAX + 1, buf, sizeof buf));
}
END_TEST

static bool try_attrs(fx *f, ak_attrs *out)
{
    if (setjmp(f->r.on_error))
        return false;
    *out = jv_attrs(&f->r, f->root->child, &f->strs, &f->arena);
    return true;
}

START_TEST(attributes_keep_order_and_refuse_duplicates)
{
    fx f;
    ak_attrs a;
    fx_init(&f, "[{\"region\": \"us-west\", \"capabilities/gpu\": \"nvidia\", \"a\": \"\"}]");
    ck_assert_msg(try_attrs(&f, &a), "%s", f.r.err);
    ck_assert_uint_eq(a.n, 3);
    ck_assert_str_eq(S(&f, a.v[0].key), "region");
    ck_assert_str_eq(S(&f, a.v[1].value), "nvidia");
    ck_assert_str_eq(S(&f, a.v[2].value), "");
    fx_fini(&f);

    fx_init(&f, "[{\"b\": \"1\", \"a\": \"2\", \"b\": \"3\"}]");
    ck_assert(!try_attrs(&f, &a));
    ck_assert_msg(strstr(f.r.err, "$[0].b: duplicate key"), "%s", f.r.err);
    fx_fini(&f);

    fx_init(&f, "[{\"k\": 1}]");
    ck_assert(!try_attrs(&f, &a));
    ck_assert_msg(strstr(f.r.err, "$[0].k: expected an attribute value"), "%s", f.r.err);
    fx_fini(&f);
}
END_TEST

/* Read a params override and validate it; true on success. */
static bool try_params(fx *f, ak_params *p)
{
    if (setjmp(f->r.on_error))
        return false;
    ck_assert_int_eq(ak_params_default(p, &f->strs), 0);
    ak_params_json_read(&f->r, f->root, &f->strs, p);
    ak_params_json_validate(&f->r, f->root, &f->strs, p);
    return true;
}

START_TEST(params_overrides)
{
    fx f;
    ak_params p;
    fx_init(&f, "{\"market\": {\"order_max_bids\": 5}, \"take\": {\"denom_take_rates\": "
                "{\"uakt\": 4, \"USDC\": 20}}, \"staking\": {}, \"slashing\": "
                "{\"slash_fraction_downtime\": 0.01}, \"uncertain\": {\"x\": \"y\"}}");
    ck_assert_msg(try_params(&f, &p), "%s", f.r.err);
    ck_assert_uint_eq(p.market.order_max_bids, 5);
    ck_assert_uint_eq(p.market.bid_min_deposit.amount, 500000); /* untouched */
    ck_assert_uint_eq(p.take.default_take_rate, 20);
    ck_assert_uint_eq(p.take.n_denom_take_rates, 2);
    ck_assert_str_eq(S(&f, p.take.denom_take_rates[1].denom), "uusdc");
    ck_assert_uint_eq(p.take.denom_take_rates[0].rate, 4);
    /* a JSON number is read as the decimal written, not as its binary double */
    ck_assert(ak_dec_cmp(p.slashing.slash_fraction_downtime, ak_dec_from_raw(10000000000000000)) == 0);
    /* written back in the shape it was read */
    jw w;
    jw_init(&w);
    ak_params_json_write(&w, &p, &f.strs, false);
    ck_assert(!jw_failed(&w));
    ck_assert_ptr_nonnull(strstr(w.buf, "\"denom_take_rates\": {\"uakt\": 4, \"uusdc\": 20}"));
    ck_assert_ptr_nonnull(strstr(w.buf, "\"order_max_bids\": 5"));
    ck_assert_ptr_nonnull(strstr(w.buf, "\"unbonding_time\": \"1814400s\""));
    ck_assert_ptr_nonnull(strstr(w.buf, "\"community_tax\": \"0.250000000000000000\""));
    ck_assert_ptr_null(strstr(w.buf, "uncertain"));
    jw_fini(&w);
    fx_fini(&f);

    static const struct {
        const char *json, *err;
    } bad[] = {
        {"{\"market\": {\"order_max_bids\": 501}}", "$.market.order_max_bids: order max bids too high"},
        {"{\"take\": {\"denom_take_rates\": {\"uusdc\": 20}}}", "$.take.denom_take_rates: "},
        {"{\"take\": {\"default_take_rate\": 101}}", "$.take.default_take_rate: "},
        {"{\"deployment\": {\"min_deposits\": [\"500000uusdc\"]}}", "$.deployment.min_deposits: "},
        {"{\"deployment\": {\"min_deposits\": [\"1uakt\", \"2uakt\"]}}", "$.deployment.min_deposits[1]: denom uakt appears twice"},
        {"{\"market\": {\"max_bids\": 5}}", "$.market.max_bids: unknown param"},
        {"{\"staking\": {\"max_validators\": 0}}", "$.staking.max_validators: max validators must be positive"},
        {"{\"staking\": {\"unbonding_time\": \"14d\"}}", "$.staking.unbonding_time: expected a duration"},
        {"{\"mint\": {\"inflation_min\": 0.3, \"inflation_max\": 0.2}}", "$.mint.inflation_max: max inflation"},
        {"{\"slashing\": {\"min_signed_per_window\": 1e-19}}", "more than 18 decimals"},
        {"{\"gov\": []}", "$.gov: expected an object"},
        {"{\"foo\": {}}", "$.foo: unknown module"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        fx_init(&f, bad[i].json);
        ck_assert_msg(!try_params(&f, &p), "%s accepted", bad[i].json);
        ck_assert_msg(strstr(f.r.err, bad[i].err), "%s: %s", bad[i].json, f.r.err);
        fx_fini(&f);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("jvalue");
    TCase *tc = tcase_create("jvalue");
    tcase_add_test(tc, coins);
    tcase_add_test(tc, decimal_coins);
    tcase_add_test(tc, ids);
    tcase_add_test(tc, escrow_ids);
    tcase_add_test(tc, times_round_trip);
    tcase_add_test(tc, attributes_keep_order_and_refuse_duplicates);
    tcase_add_test(tc, params_overrides);
    suite_add_tcase(s, tc);
    return check_run(s);
}
