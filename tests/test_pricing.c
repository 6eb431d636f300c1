/*
 * tests/test_pricing.c: provider pricing strategies (models/pricing.h; market-rules.md section
 * 5.3, worked examples E11 and E12 of section 8).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "check_run.h"
#include "errors.h"
#include "pricing.h"

typedef struct spec_fx {
    ak_strtab strs;
    ak_storage_volume vol;
    ak_endpoint ep[2];
    ak_attr cls;
    ak_resource_unit unit;
    ak_group_spec g;
} spec_fx;

static ak_str S(spec_fx *f, const char *s)
{
    ak_str id;
    ck_assert_int_eq(ak_strtab_intern(&f->strs, s, strlen(s), &id), 0);
    return id;
}

/* The unit of E11 and E12: 1000 millicpu, 1 GiB memory, 1 GiB ephemeral storage, one
 * endpoint, count 1. */
static void unit_fx(spec_fx *f)
{
    memset(f, 0, sizeof *f);
    ck_assert_int_eq(ak_strtab_init(&f->strs), 0);
    f->vol = (ak_storage_volume){S(f, "default"), 1ull << 30, {NULL, 0}};
    f->ep[0] = (ak_endpoint){AK_ENDPOINT_SHARED_HTTP, 0};
    f->unit = (ak_resource_unit){.id = 1, .cpu_millis = 1000, .memory_bytes = 1ull << 30,
                                 .storage = &f->vol, .nstorage = 1, .endpoints = f->ep,
                                 .nendpoints = 1, .count = 1};
    f->g = (ak_group_spec){.name = S(f, "web"), .units = &f->unit, .nunits = 1};
}

static void dec_eq(ak_dec d, const char *want)
{
    char got[AK_DEC_STRLEN];
    ck_assert_int_gt(ak_dec_format(d, got, sizeof got), 0);
    ck_assert_str_eq(got, want);
}

static ak_dec D(const char *s)
{
    ak_dec d;
    ck_assert_int_eq(ak_dec_parse(s, strlen(s), &d), 0);
    return d;
}

/* E11: 4.0 + 1.6384 + 0.16384 + 1 = 6.80224 uakt per block. */
START_TEST(e11_scale_price)
{
    spec_fx f;
    unit_fx(&f);
    ak_scale_prices s;
    ak_pricing_scale_defaults(&s);
    ak_dec p;
    ck_assert_int_eq(ak_pricing_scale(&s, &f.g, &p), 0);
    dec_eq(p, "6.802240000000000000");
    /* count scales resources but not the endpoint term */
    f.unit.count = 2;
    ck_assert_int_eq(ak_pricing_scale(&s, &f.g, &p), 0);
    dec_eq(p, "12.604480000000000000");
    /* a leased IP is priced at the ip scale */
    f.ep[1] = (ak_endpoint){AK_ENDPOINT_LEASED_IP, 1};
    f.unit.nendpoints = 2;
    f.unit.count = 1;
    ck_assert_int_eq(ak_pricing_scale(&s, &f.g, &p), 0);
    dec_eq(p, "66.802240000000000000");
    /* all scales zero: the daemon refuses to bid */
    ak_scale_prices zero = {0};
    ck_assert_int_eq(ak_pricing_scale(&zero, &f.g, &p), AK_EINVAL);
    ak_strtab_fini(&f.strs);
}
END_TEST

/* E12: $1.60 + $0.80 + $0.02 + $0.05 = $2.47 per month; 5.745402 uact, or 5.039826 uakt at
 * $1.14 per AKT. */
START_TEST(e12_script_price)
{
    spec_fx f;
    unit_fx(&f);
    ak_script_prices s;
    ak_pricing_script_defaults(&s);
    ak_dec usd, rate;
    ck_assert_int_eq(ak_pricing_script_usd(&f.strs, &s, &f.g, &usd), 0);
    dec_eq(usd, "2.470000000000000000");
    ck_assert_int_eq(ak_pricing_script_rate(&s, usd, ak_dec_zero(), &rate), 0);
    dec_eq(rate, "5.745402000000000000");
    ck_assert_int_eq(ak_pricing_script_rate(&s, usd, D("1.14"), &rate), 0);
    dec_eq(rate, "5.039826000000000000");
    /* a persistent SSD volume of 10 GiB and two units */
    f.cls = (ak_attr){S(&f, "class"), S(&f, "beta2")};
    f.vol.attrs = (ak_attrs){&f.cls, 1};
    f.vol.bytes = 10ull << 30;
    f.unit.count = 2;
    ck_assert_int_eq(ak_pricing_script_usd(&f.strs, &s, &f.g, &usd), 0);
    dec_eq(usd, "5.500000000000000000"); /* 2 x (1.60 + 0.80 + 0.30 + 0.05) */
    ak_strtab_fini(&f.strs);
}
END_TEST

/* Rounding to 6 decimals is half up. */
START_TEST(script_rate_rounds_half_up)
{
    ak_script_prices s;
    ak_pricing_script_defaults(&s);
    s.blocks_per_month = 1;
    ak_dec rate;
    ck_assert_int_eq(ak_pricing_script_rate(&s, D("0.0000000000005"), ak_dec_zero(), &rate), 0);
    dec_eq(rate, "0.000001000000000000"); /* 0.0000005 -> 0.000001 */
    ck_assert_int_eq(ak_pricing_script_rate(&s, D("0.0000000000004999"), ak_dec_zero(), &rate), 0);
    dec_eq(rate, "0.000000000000000000");
}
END_TEST

int main(void)
{
    Suite *su = suite_create("pricing");
    TCase *tc = tcase_create("pricing");
    tcase_add_test(tc, e11_scale_price);
    tcase_add_test(tc, e12_script_price);
    tcase_add_test(tc, script_rate_rounds_half_up);
    suite_add_tcase(su, tc);
    return check_run(su);
}
