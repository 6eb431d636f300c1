/*
 * tests/test_dec.c: Check suite for protocol/dec.{h,c}, the SDK's LegacyDec
 * (chain-rules.md section 0.2; worked values from sections 8.4 to 8.10).
 *
 * Every expected literal below was computed in Python with plain integers by a model that
 * transcribes math/legacy_dec.go's control flow (Go's truncating big.Int Quo/QuoRem,
 * chopPrecisionAndRound/RoundUp/Truncate, QuoRoundupMut's sign test on the overwritten
 * quotient, LegacyNewDecFromStr, String()), independently of dec.c. test_random_vs_mpz then
 * compares every operation against a second reference written here on GMP's mpz layer.
 *
 * Conventions of the tables: a and b are decimal strings parsed with ak_dec_parse (b is an
 * int64 for mul_int / quo_int; a is an int128 for from_int128); want is the SDK String() of a
 * Dec result, the decimal of an integer result, or "E:OVF" / "E:DIV" for AK_EOVERFLOW /
 * AK_EDIVZERO. On an error the out-parameter must be left untouched.
 */
#include <check.h>
#include <gmp.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_run.h"
#include "dec.h"
#include "errors.h"

enum op {
    DADD, DSUB, DNEG, DMUL, DMULT, DMULU, DMULI, DQUO, DQUOT, DQUOU, DQUOI,
    DTRUNC, DROUND, DTRUNC128, DTRUNCDEC, DFROMI128,
};
static const char *const op_names[] = {
    "add", "sub", "neg", "mul", "mul_truncate", "mul_round_up", "mul_int", "quo",
    "quo_truncate", "quo_round_up", "quo_int", "truncate_int", "round_int",
    "truncate_int128", "truncate_dec", "from_int128",
};

struct row {
    enum op op;
    const char *a, *b, *want;
};

#define SENTINEL ((__int128)0x5a5a5a5a5a5a5a5aLL)

static ak_dec D(const char *s)
{
    ak_dec d;
    int rc = ak_dec_parse(s, strlen(s), &d);
    ck_assert_msg(rc == 0, "parse(\"%s\") = %d", s, rc);
    return d;
}

/* Decimal text of an int128 (for integer results and raw values). */
static void i128_str(__int128 v, char *buf)
{
    char tmp[48];
    int n = 0;
    unsigned __int128 m = v < 0 ? (unsigned __int128)0 - (unsigned __int128)v : (unsigned __int128)v;
    do {
        tmp[n++] = (char)('0' + (int)(m % 10));
        m /= 10;
    } while (m != 0);
    char *p = buf;
    if (v < 0)
        *p++ = '-';
    while (n > 0)
        *p++ = tmp[--n];
    *p = '\0';
}

static __int128 i128_parse(const char *s)
{
    bool neg = *s == '-';
    if (neg)
        s++;
    unsigned __int128 m = 0;
    for (; *s; s++)
        m = m * 10 + (unsigned)(*s - '0');
    return neg ? (__int128)(~m + 1) : (__int128)m;
}

static void dec_str(ak_dec d, char *buf)
{
    int n = ak_dec_format(d, buf, AK_DEC_STRLEN);
    ck_assert_int_gt(n, 0);
    ck_assert_uint_eq(strlen(buf), (size_t)n);
}

static const char *err_str(int rc)
{
    switch (rc) {
    case AK_EOVERFLOW: return "E:OVF";
    case AK_EDIVZERO: return "E:DIV";
    case AK_ESYNTAX: return "E:SYN";
    case AK_EINVAL: return "E:INVAL";
    default: return "E:?";
    }
}

static void run_row(const struct row *r, size_t idx)
{
    char got[AK_DEC_STRLEN + 8];
    ak_dec a = {0}, b = {0}, o = {SENTINEL};
    int64_t bi = 0, i64 = (int64_t)SENTINEL;
    __int128 i128 = SENTINEL;
    int rc = 0;
    enum { RES_DEC, RES_I64, RES_I128 } kind = RES_DEC;

    if (r->op == DFROMI128)
        a.v = i128_parse(r->a);
    else
        a = D(r->a);
    if (r->op == DMULI || r->op == DQUOI)
        bi = strtoll(r->b, NULL, 10);
    else if (r->b != NULL)
        b = D(r->b);

    switch (r->op) {
    case DADD: rc = ak_dec_add(a, b, &o); break;
    case DSUB: rc = ak_dec_sub(a, b, &o); break;
    case DNEG: rc = ak_dec_neg(a, &o); break;
    case DMUL: rc = ak_dec_mul(a, b, &o); break;
    case DMULT: rc = ak_dec_mul_truncate(a, b, &o); break;
    case DMULU: rc = ak_dec_mul_round_up(a, b, &o); break;
    case DMULI: rc = ak_dec_mul_int(a, bi, &o); break;
    case DQUO: rc = ak_dec_quo(a, b, &o); break;
    case DQUOT: rc = ak_dec_quo_truncate(a, b, &o); break;
    case DQUOU: rc = ak_dec_quo_round_up(a, b, &o); break;
    case DQUOI: rc = ak_dec_quo_int(a, bi, &o); break;
    case DTRUNC: rc = ak_dec_truncate_int(a, &i64); kind = RES_I64; break;
    case DROUND: rc = ak_dec_round_int(a, &i64); kind = RES_I64; break;
    case DTRUNC128: rc = ak_dec_truncate_int128(a, &i128); kind = RES_I128; break;
    case DTRUNCDEC: o = ak_dec_truncate_dec(a); break;
    case DFROMI128: rc = ak_dec_from_int128(a.v, &o); break;
    }

    if (rc < 0) {
        snprintf(got, sizeof got, "%s", err_str(rc));
        ck_assert_msg(o.v == SENTINEL && i64 == (int64_t)SENTINEL && i128 == SENTINEL,
                      "row %zu: %s wrote its out-parameter on error", idx, op_names[r->op]);
    } else {
        ck_assert_int_eq(rc, 0);
        if (kind == RES_DEC)
            dec_str(o, got);
        else if (kind == RES_I64)
            snprintf(got, sizeof got, "%" PRId64, i64);
        else
            i128_str(i128, got);
    }
    ck_assert_msg(strcmp(got, r->want) == 0, "row %zu: %s(%s, %s): want %s, got %s", idx,
                  op_names[r->op], r->a, r->b ? r->b : "-", r->want, got);
}

#define RUN_ROWS(rows)                                                                      \
    do {                                                                                    \
        for (size_t i_ = 0; i_ < sizeof(rows) / sizeof((rows)[0]); i_++)                    \
            run_row(&(rows)[i_], i_);                                                       \
    } while (0)

/* ---- Mul: half to even, both ways, symmetric ---- */

START_TEST(test_mul_half_even)
{
    static const struct row rows[] = {
        /* product exactly 0.5 ulp past an even quotient: stays; past an odd one: goes up */
        {DMUL, "0.000000000000000005", "0.1", "0.000000000000000000"},
        {DMUL, "0.000000000000000015", "0.1", "0.000000000000000002"},
        {DMUL, "0.000000000000000025", "0.1", "0.000000000000000002"},
        /* 36-digit products ending ...05 followed by zeros, preceding digit even / odd */
        {DMUL, "1.000000000000000005", "0.1", "0.100000000000000000"},
        {DMUL, "1.000000000000000015", "0.1", "0.100000000000000002"},
        {DMUL, "1.000000000000000025", "0.1", "0.100000000000000002"},
        {DMUL, "1.000000000000000035", "0.1", "0.100000000000000004"},
        {DMUL, "123456789.123456789123456785", "0.1", "12345678.912345678912345678"},
        {DMUL, "123456789.123456789123456795", "0.1", "12345678.912345678912345680"},
        /* just below / above a half */
        {DMUL, "0.000000000000000049", "0.01", "0.000000000000000000"},
        {DMUL, "0.000000000000000051", "0.01", "0.000000000000000001"},
        {DMUL, "0.000000000000000005", "0.099999999999999999", "0.000000000000000000"},
        {DMUL, "0.000000000000000005", "0.100000000000000001", "0.000000000000000001"},
        /* SDK TestArithmetic rows */
        {DMUL, "3", "7", "21.000000000000000000"},
        {DMUL, "1.5", "1.5", "2.250000000000000000"},
        {DMUL, "0.3333", "0.0333", "0.011098890000000000"},
    };
    RUN_ROWS(rows);
}
END_TEST

START_TEST(test_mul_negative)
{
    static const struct row rows[] = {
        {DMUL, "-0.000000000000000015", "0.1", "-0.000000000000000002"},
        {DMUL, "0.000000000000000015", "-0.1", "-0.000000000000000002"},
        {DMUL, "-0.000000000000000015", "-0.1", "0.000000000000000002"},
        {DMUL, "-0.000000000000000025", "0.1", "-0.000000000000000002"},
        {DMUL, "-1.000000000000000005", "0.1", "-0.100000000000000000"},
        {DMUL, "-1.000000000000000015", "0.1", "-0.100000000000000002"},
        {DMUL, "-123456789.123456789123456785", "0.1", "-12345678.912345678912345678"},
        {DMUL, "-123456789.123456789123456795", "0.1", "-12345678.912345678912345680"},
        {DMUL, "123456789.123456789123456795", "-0.1", "-12345678.912345678912345680"},
        {DMUL, "-0.000000000000000051", "0.01", "-0.000000000000000001"},
        {DMUL, "-0.000000000000000049", "0.01", "0.000000000000000000"},
        {DMUL, "-1", "-1", "1.000000000000000000"},
        {DMUL, "-1", "1", "-1.000000000000000000"},
        {DMUL, "0", "-5", "0.000000000000000000"},
    };
    RUN_ROWS(rows);
}
END_TEST

/* MulTruncate toward zero; MulRoundUp is the ceiling (a negative product truncates). */
START_TEST(test_mul_truncate_round_up)
{
    static const struct row rows[] = {
        {DMULT, "1.000000000000000015", "0.1", "0.100000000000000001"},
        {DMULT, "-1.000000000000000015", "0.1", "-0.100000000000000001"},
        {DMULT, "1.000000000000000019", "-0.1", "-0.100000000000000001"},
        {DMULT, "0.000000000000000009", "0.000000000000000009", "0.000000000000000000"},
        {DMULT, "-0.000000000000000009", "0.000000000000000009", "0.000000000000000000"},
        {DMULT, "-123456789.123456789123456799", "0.1", "-12345678.912345678912345679"},
        {DMULT, "400", "0.95", "380.000000000000000000"},
        {DMULT, "0.3333", "0.0333", "0.011098890000000000"},
        {DMULU, "0.000000000000000009", "0.000000000000000009", "0.000000000000000001"},
        {DMULU, "-0.000000000000000009", "0.000000000000000009", "0.000000000000000000"},
        {DMULU, "1.000000000000000011", "0.1", "0.100000000000000002"},
        {DMULU, "-1.000000000000000019", "0.1", "-0.100000000000000001"},
        {DMULU, "1.000000000000000010", "0.1", "0.100000000000000001"},
        {DMULU, "-1.000000000000000010", "-0.1", "0.100000000000000001"},
        {DMULU, "3", "7", "21.000000000000000000"},
    };
    RUN_ROWS(rows);
}
END_TEST

/* ---- Quo family ---- */

START_TEST(test_quo)
{
    static const struct row rows[] = {
        {DQUO, "1", "3", "0.333333333333333333"},
        {DQUO, "2", "3", "0.666666666666666667"},
        {DQUO, "-2", "3", "-0.666666666666666667"},
        {DQUO, "2", "-3", "-0.666666666666666667"},
        {DQUO, "-2", "-3", "0.666666666666666667"},
        {DQUO, "3", "7", "0.428571428571428571"},
        {DQUO, "0.3333", "0.0333", "10.009009009009009009"},
        {DQUO, "2", "4", "0.500000000000000000"},
        /* exact half-ulp quotients: 0.5 -> 0, 1.5 -> 2, 2.5 -> 2, 3.5 -> 4 (ulps) */
        {DQUO, "0.000000000000000001", "2", "0.000000000000000000"},
        {DQUO, "0.000000000000000003", "2", "0.000000000000000002"},
        {DQUO, "0.000000000000000005", "2", "0.000000000000000002"},
        {DQUO, "0.000000000000000007", "2", "0.000000000000000004"},
        {DQUO, "-0.000000000000000003", "2", "-0.000000000000000002"},
        {DQUO, "0.000000000000000005", "-2", "-0.000000000000000002"},
        {DQUO, "-0.000000000000000007", "-2", "0.000000000000000004"},
        /* The exact quotients are 40.5000...07 and 46.5000...01 ulps: the SDK truncates at
         * 10^-36 first, sees an exact tie and rounds to even (a one-step rounding would say
         * 41 and 47). */
        {DQUO, "35.447233607269743035", "875240335981968963.824986131144330724", "0.000000000000000040"},
        {DQUO, "31.829146920673663450", "684497783240293837.622581351133845597", "0.000000000000000046"},
        /* chain-rules.md 8.6 and 8.10 */
        {DQUO, "0.5", "0.67", "0.746268656716417910"},
        {DQUO, "200", "700", "0.285714285714285714"},
        {DQUO, "400", "700", "0.571428571428571429"},
    };
    RUN_ROWS(rows);
}
END_TEST

START_TEST(test_quo_truncate)
{
    static const struct row rows[] = {
        {DQUOT, "1", "3", "0.333333333333333333"},
        {DQUOT, "2", "3", "0.666666666666666666"},
        {DQUOT, "-2", "3", "-0.666666666666666666"},
        {DQUOT, "2", "-3", "-0.666666666666666666"},
        {DQUOT, "-2", "-3", "0.666666666666666666"},
        {DQUOT, "3", "7", "0.428571428571428571"},
        {DQUOT, "0.3333", "0.0333", "10.009009009009009009"},
        {DQUOT, "0.000000000000000007", "2", "0.000000000000000003"},
        {DQUOT, "35.447233607269743035", "875240335981968963.824986131144330724", "0.000000000000000040"},
        {DQUOT, "390000000000000", "7", "55714285714285.714285714285714285"},
        {DQUOT, "1", "0.000000000000000003", "333333333333333333.333333333333333333"},
    };
    RUN_ROWS(rows);
}
END_TEST

/* QuoRoundUp: ceiling for positive quotients; for negative ones the SDK's sign test adds one
 * ulp toward zero to the truncation (unless that is already 0). */
START_TEST(test_quo_round_up)
{
    static const struct row rows[] = {
        {DQUOU, "1", "3", "0.333333333333333334"},
        {DQUOU, "2", "3", "0.666666666666666667"},
        {DQUOU, "6", "3", "2.000000000000000000"},
        {DQUOU, "3", "7", "0.428571428571428572"},
        {DQUOU, "0.3333", "0.0333", "10.009009009009009010"},
        /* chain-rules.md 8.4: the slash event fraction */
        {DQUOU, "100000000", "1000000500000", "0.000099999950000025"},
        {DQUOU, "0.000000000000000001", "3", "0.000000000000000001"},
        {DQUOU, "-1", "-3", "0.333333333333333334"},
        {DQUOU, "-6", "-3", "2.000000000000000000"},
        {DQUOU, "-1", "3", "-0.333333333333333332"},
        {DQUOU, "1", "-3", "-0.333333333333333332"},
        {DQUOU, "-2", "3", "-0.666666666666666665"},
        {DQUOU, "-6", "3", "-2.000000000000000000"},
        {DQUOU, "6", "-3", "-2.000000000000000000"},
        {DQUOU, "-0.000000000000000001", "3", "0.000000000000000000"},
        {DQUOU, "0.000000000000000001", "-3", "0.000000000000000000"},
        {DQUOU, "-0.000000000000000002", "3", "0.000000000000000000"},
        {DQUOU, "-0.000000000000000004", "3", "0.000000000000000000"},
        {DQUOU, "-35.447233607269743035", "875240335981968963.824986131144330724", "-0.000000000000000039"},
        {DQUOU, "35.447233607269743035", "875240335981968963.824986131144330724", "0.000000000000000041"},
    };
    RUN_ROWS(rows);
}
END_TEST

START_TEST(test_quo_int)
{
    static const struct row rows[] = {
        {DQUOI, "1", "3", "0.333333333333333333"},
        {DQUOI, "-1", "3", "-0.333333333333333333"},
        {DQUOI, "1", "-3", "-0.333333333333333333"},
        {DQUOI, "-1", "-3", "0.333333333333333333"},
        {DQUOI, "10", "-4", "-2.500000000000000000"},
        /* no rounding: 2.5 ulps truncate to 2 */
        {DQUOI, "0.000000000000000005", "2", "0.000000000000000002"},
        {DQUOI, "-0.000000000000000005", "2", "-0.000000000000000002"},
        /* chain-rules.md 8.6: annual provisions / blocks per year */
        {DQUOI, "52000000627569.913", "5256000", "9893455.218335219368340943"},
        {DQUOI, "100000000000000", "1", "100000000000000.000000000000000000"},
        {DQUOI, "-170141183460469231731.687303715884105728", "1", "-170141183460469231731.687303715884105728"},
        {DQUOI, "170141183460469231731.687303715884105727", "-1", "-170141183460469231731.687303715884105727"},
        {DQUOI, "7", "9223372036854775807", "0.000000000000000000"},
    };
    RUN_ROWS(rows);
}
END_TEST

/* ---- integer conversions ---- */

START_TEST(test_truncate_round)
{
    static const struct row rows[] = {
        /* SDK TestBankerRoundChop, both signs, plus near-half values */
        {DROUND, "0", NULL, "0"},
        {DROUND, "0.25", NULL, "0"},
        {DROUND, "0.75", NULL, "1"},
        {DROUND, "0.5", NULL, "0"},
        {DROUND, "1", NULL, "1"},
        {DROUND, "1.5", NULL, "2"},
        {DROUND, "2.5", NULL, "2"},
        {DROUND, "7.5", NULL, "8"},
        {DROUND, "0.545", NULL, "1"},
        {DROUND, "1.545", NULL, "2"},
        {DROUND, "3.499999999999999999", NULL, "3"},
        {DROUND, "3.500000000000000001", NULL, "4"},
        {DROUND, "2.500000000000000001", NULL, "3"},
        {DROUND, "-0.25", NULL, "0"},
        {DROUND, "-0.75", NULL, "-1"},
        {DROUND, "-0.5", NULL, "0"},
        {DROUND, "-1.5", NULL, "-2"},
        {DROUND, "-2.5", NULL, "-2"},
        {DROUND, "-7.5", NULL, "-8"},
        {DROUND, "-0.545", NULL, "-1"},
        {DROUND, "-1.545", NULL, "-2"},
        {DROUND, "-3.500000000000000001", NULL, "-4"},
        /* SDK TestTruncate, both signs */
        {DTRUNC, "0", NULL, "0"},
        {DTRUNC, "0.25", NULL, "0"},
        {DTRUNC, "0.75", NULL, "0"},
        {DTRUNC, "1", NULL, "1"},
        {DTRUNC, "1.5", NULL, "1"},
        {DTRUNC, "7.5", NULL, "7"},
        {DTRUNC, "7.6", NULL, "7"},
        {DTRUNC, "7.4", NULL, "7"},
        {DTRUNC, "100.1", NULL, "100"},
        {DTRUNC, "1000.1", NULL, "1000"},
        {DTRUNC, "-0.75", NULL, "0"},
        {DTRUNC, "-1.5", NULL, "-1"},
        {DTRUNC, "-7.6", NULL, "-7"},
        {DTRUNC, "-1000.1", NULL, "-1000"},
        {DTRUNC, "0.999999999999999999", NULL, "0"},
        {DTRUNC, "-0.999999999999999999", NULL, "0"},
        {DTRUNC, "390000000000000.999999999999999999", NULL, "390000000000000"},
        {DTRUNC128, "7.6", NULL, "7"},
        {DTRUNC128, "-7.6", NULL, "-7"},
        {DTRUNC128, "170141183460469231731.687303715884105727", NULL, "170141183460469231731"},
        {DTRUNC128, "-170141183460469231731.687303715884105728", NULL, "-170141183460469231731"},
        {DTRUNC128, "-0.5", NULL, "0"},
        {DTRUNCDEC, "7.6", NULL, "7.000000000000000000"},
        {DTRUNCDEC, "-7.6", NULL, "-7.000000000000000000"},
        {DTRUNCDEC, "0.999999999999999999", NULL, "0.000000000000000000"},
        {DTRUNCDEC, "-0.999999999999999999", NULL, "0.000000000000000000"},
        {DTRUNCDEC, "170141183460469231731.687303715884105727", NULL, "170141183460469231731.000000000000000000"},
        {DTRUNCDEC, "-170141183460469231731.687303715884105728", NULL, "-170141183460469231731.000000000000000000"},
        {DTRUNCDEC, "12", NULL, "12.000000000000000000"},
    };
    RUN_ROWS(rows);
}
END_TEST

START_TEST(test_int64_edges)
{
    static const struct row rows[] = {
        {DTRUNC, "9223372036854775807.999999999999999999", NULL, "9223372036854775807"},
        {DTRUNC, "9223372036854775808", NULL, "E:OVF"},
        {DTRUNC, "-9223372036854775808.999999999999999999", NULL, "-9223372036854775808"},
        {DTRUNC, "-9223372036854775809", NULL, "E:OVF"},
        {DTRUNC, "18446744073709551616", NULL, "E:OVF"},
        {DTRUNC, "170141183460469231731.687303715884105727", NULL, "E:OVF"},
        {DTRUNC, "-170141183460469231731.687303715884105728", NULL, "E:OVF"},
        {DROUND, "9223372036854775807.4", NULL, "9223372036854775807"},
        {DROUND, "9223372036854775807.5", NULL, "E:OVF"},
        {DROUND, "9223372036854775806.5", NULL, "9223372036854775806"},
        {DROUND, "-9223372036854775808.5", NULL, "-9223372036854775808"},
        {DROUND, "-9223372036854775807.5", NULL, "-9223372036854775808"},
        {DROUND, "-9223372036854775808.500000000000000001", NULL, "E:OVF"},
        {DROUND, "170141183460469231731.687303715884105727", NULL, "E:OVF"},
    };
    RUN_ROWS(rows);
}
END_TEST

/* ---- range and division errors ---- */

START_TEST(test_overflow)
{
    static const struct row rows[] = {
        {DADD, "170141183460469231731.687303715884105727", "0.000000000000000001", "E:OVF"},
        {DADD, "170141183460469231731.687303715884105727", "0", "170141183460469231731.687303715884105727"},
        {DADD, "-170141183460469231731.687303715884105728", "-0.000000000000000001", "E:OVF"},
        {DADD, "170141183460469231731.687303715884105727", "-170141183460469231731.687303715884105728", "-0.000000000000000001"},
        {DSUB, "-170141183460469231731.687303715884105728", "0.000000000000000001", "E:OVF"},
        {DSUB, "0", "-170141183460469231731.687303715884105728", "E:OVF"},
        {DSUB, "-1", "170141183460469231731.687303715884105727", "E:OVF"},
        {DSUB, "0", "170141183460469231731.687303715884105727", "-170141183460469231731.687303715884105727"},
        {DNEG, "-170141183460469231731.687303715884105728", NULL, "E:OVF"},
        {DNEG, "170141183460469231731.687303715884105727", NULL, "-170141183460469231731.687303715884105727"},
        {DMUL, "10000000000", "100000000000", "E:OVF"},
        {DMUL, "10000000000", "17014118346.046923173168730371", "170141183460469231731.687303710000000000"},
        {DMUL, "170141183460469231731.687303715884105727", "1", "170141183460469231731.687303715884105727"},
        {DMUL, "-170141183460469231731.687303715884105728", "1", "-170141183460469231731.687303715884105728"},
        {DMUL, "-170141183460469231731.687303715884105728", "-1", "E:OVF"},
        {DMUL, "170141183460469231731.687303715884105727", "-1", "-170141183460469231731.687303715884105727"},
        {DMUL, "170141183460469231731.687303715884105727", "170141183460469231731.687303715884105727", "E:OVF"},
        {DMUL, "170141183460469231731.687303715884105727", "1.000000000000000001", "E:OVF"},
        {DMUL, "170141183460469231731.687303715884105727", "0.999999999999999999", "170141183460469231561.546120255414873995"},
        {DMULT, "170141183460469231731.687303715884105727", "-170141183460469231731.687303715884105728", "E:OVF"},
        {DMULU, "170141183460469231731.687303715884105727", "1.000000000000000001", "E:OVF"},
        {DQUO, "100000000000000000000", "0.1", "E:OVF"},
        {DQUO, "-170141183460469231731.687303715884105728", "-1", "E:OVF"},
        {DQUO, "170141183460469231731.687303715884105727", "0.000000000000000001", "E:OVF"},
        {DQUO, "170141183460469231731.687303715884105727", "1", "170141183460469231731.687303715884105727"},
        {DQUO, "-170141183460469231731.687303715884105728", "1", "-170141183460469231731.687303715884105728"},
        {DQUOT, "170141183460469231731.687303715884105727", "0.5", "E:OVF"},
        {DQUOT, "-170141183460469231731.687303715884105728", "-1", "E:OVF"},
        {DQUOU, "170141183460469231731.687303715884105727", "0.999999999999999999", "E:OVF"},
        {DQUOU, "170141183460469231731.687303715884105727", "1", "170141183460469231731.687303715884105727"},
        {DMULI, "170141183460469231731.687303715884105727", "2", "E:OVF"},
        {DMULI, "-170141183460469231731.687303715884105728", "-1", "E:OVF"},
        {DMULI, "0.000000000000000001", "9223372036854775807", "9.223372036854775807"},
        {DMULI, "18446744073709551616", "9223372036854775807", "E:OVF"},
        {DFROMI128, "170141183460469231731", NULL, "170141183460469231731.000000000000000000"},
        {DFROMI128, "170141183460469231732", NULL, "E:OVF"},
        {DFROMI128, "-170141183460469231731", NULL, "-170141183460469231731.000000000000000000"},
        {DFROMI128, "-170141183460469231732", NULL, "E:OVF"},
        {DQUOI, "-170141183460469231731.687303715884105728", "-1", "E:OVF"},
    };
    RUN_ROWS(rows);
}
END_TEST

START_TEST(test_divzero)
{
    static const struct row rows[] = {
        {DQUO, "1", "0", "E:DIV"},
        {DQUO, "0", "0", "E:DIV"},
        {DQUOT, "1", "0", "E:DIV"},
        {DQUOU, "-1", "0", "E:DIV"},
        {DQUOI, "1", "0", "E:DIV"},
    };
    RUN_ROWS(rows);
}
END_TEST

/* ---- amounts near the AKT supply (3.9e14 uakt) times rates ---- */

START_TEST(test_akt_supply)
{
    static const struct row rows[] = {
        {DMUL, "390000000000000", "0.02", "7800000000000.000000000000000000"},
        {DMULT, "390000000000000", "0.02", "7800000000000.000000000000000000"},
        {DMULI, "0.02", "390000000000000", "7800000000000.000000000000000000"},
        {DMUL, "390000000000000", "1.000000000000000001", "390000000000000.000390000000000000"},
        {DMUL, "389999999999999.999999999999999999", "1.000000000000000001", "390000000000000.000389999999999999"},
        {DMULT, "389999999999999.999999999999999999", "1.000000000000000001", "390000000000000.000389999999999998"},
        {DMULU, "389999999999999.999999999999999999", "1.000000000000000001", "390000000000000.000389999999999999"},
        {DMUL, "388539008.123456789012345678", "0.020000000000000001", "7770780.162469136168785922"},
        {DMUL, "-388539008.123456789012345678", "0.020000000000000001", "-7770780.162469136168785922"},
        /* ties at supply scale: 390000000000000.5 ulps (even, down), 389999999999999.5 (odd, up) */
        {DMUL, "390000000000000.5", "0.000000000000000001", "0.000390000000000000"},
        {DMUL, "389999999999999.5", "0.000000000000000001", "0.000390000000000000"},
        {DMUL, "390000000000000.1", "0.000000000000000005", "0.001950000000000000"},
        {DMUL, "390000000000000.3", "0.000000000000000005", "0.001950000000000002"},
        {DQUO, "390000000000000", "390000000000001", "0.999999999999997436"},
        {DQUOT, "390000000000000", "390000000000001", "0.999999999999997435"},
        {DQUOU, "390000000000000", "390000000000001", "0.999999999999997436"},
        {DMULI, "0.000000000000000001", "390000000000000", "0.000390000000000000"},
        {DMULI, "1.000000000000000001", "390000000000000", "390000000000000.000390000000000000"},
        {DADD, "390000000000000.000000000000000001", "390000000000000.999999999999999999", "780000000000001.000000000000000000"},
    };
    RUN_ROWS(rows);
}
END_TEST

/* ---- parse and format ---- */

static int P(const char *s, ak_dec *out)
{
    return ak_dec_parse(s, strlen(s), out);
}

START_TEST(test_parse_accepts)
{
    static const struct {
        const char *in, *want;
    } rows[] = {
        {"0", "0.000000000000000000"},
        {"-0", "0.000000000000000000"},
        {"00", "0.000000000000000000"},
        {"-0.000000000000000000", "0.000000000000000000"},
        {"007.50", "7.500000000000000000"},
        {"1", "1.000000000000000000"},
        {"-1", "-1.000000000000000000"},
        {"1.1", "1.100000000000000000"},
        {"0.75", "0.750000000000000000"},
        {"0.8", "0.800000000000000000"},
        {"0.11111", "0.111110000000000000"},
        {"0.000000000000000001", "0.000000000000000001"},
        {"-0.000000000000000001", "-0.000000000000000001"},
        {"123456789012345678901.123456789012345678", "123456789012345678901.123456789012345678"},
        {"-123456789012345678901.123456789012345678", "-123456789012345678901.123456789012345678"},
        {"0000000000000000000000000000000000000000001.5", "1.500000000000000000"},
        {"390000000000000", "390000000000000.000000000000000000"},
        {"0.02", "0.020000000000000000"},
        {"1.000000000000000001", "1.000000000000000001"},
        {"99999999999999999999.999999999999999999", "99999999999999999999.999999999999999999"},
        {"170141183460469231731.687303715884105727", "170141183460469231731.687303715884105727"},
        {"-170141183460469231731.687303715884105728", "-170141183460469231731.687303715884105728"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        ak_dec d;
        char got[AK_DEC_STRLEN];
        int rc = P(rows[i].in, &d);
        ck_assert_msg(rc == 0, "parse(\"%s\") = %d", rows[i].in, rc);
        dec_str(d, got);
        ck_assert_msg(strcmp(got, rows[i].want) == 0, "parse(\"%s\"): want %s, got %s", rows[i].in,
                      rows[i].want, got);
    }
    ak_dec d;
    ck_assert_int_eq(P("170141183460469231731.687303715884105727", &d), 0);
    ck_assert(d.v == (__int128)(((unsigned __int128)1 << 127) - 1));
    ck_assert_int_eq(P("-170141183460469231731.687303715884105728", &d), 0);
    ck_assert(d.v == -(__int128)(((unsigned __int128)1 << 127) - 1) - 1);
    ck_assert_int_eq(P("-0.000000000000000001", &d), 0);
    ck_assert(d.v == -1);
}
END_TEST

START_TEST(test_parse_rejects)
{
    static const struct {
        const char *in;
        int want;
    } rows[] = {
        /* forms the SDK rejects too */
        {"", AK_ESYNTAX}, {"-", AK_ESYNTAX}, {".", AK_ESYNTAX}, {"-.", AK_ESYNTAX},
        {"1.", AK_ESYNTAX}, {"-1.", AK_ESYNTAX}, {".5", AK_ESYNTAX}, {"-.5", AK_ESYNTAX},
        {".0", AK_ESYNTAX}, {"1.2.3", AK_ESYNTAX}, {"1..2", AK_ESYNTAX}, {"0.foobar.", AK_ESYNTAX},
        {" 1", AK_ESYNTAX}, {"1 ", AK_ESYNTAX}, {"1\t", AK_ESYNTAX}, {"-1-", AK_ESYNTAX},
        {"1e5", AK_ESYNTAX}, {"1E5", AK_ESYNTAX}, {"0x10", AK_ESYNTAX}, {"1_000", AK_ESYNTAX},
        {"1,5", AK_ESYNTAX}, {"0.-75", AK_ESYNTAX}, {"0.foobar", AK_ESYNTAX}, {"foobar", AK_ESYNTAX},
        {"1.-5", AK_ESYNTAX}, {"1.+5", AK_ESYNTAX}, {"inf", AK_ESYNTAX}, {"NaN", AK_ESYNTAX},
        {"1.5uakt", AK_ESYNTAX},
        /* more than 18 fractional digits */
        {"1.0000000000000000001", AK_ESYNTAX}, {"-0.1234567890123456789", AK_ESYNTAX},
        {"314460551102969.3144278234343371835", AK_ESYNTAX},
        /* syntax is checked before range */
        {"99999999999999999999999999999999999999999x", AK_ESYNTAX},
        /* deliberate difference: the SDK (via big.Int.SetString) accepts these */
        {"+1", AK_ESYNTAX}, {"+", AK_ESYNTAX}, {"+.5", AK_ESYNTAX}, {"--1", AK_ESYNTAX},
        {"-+1", AK_ESYNTAX},
        /* out of int128 range */
        {"170141183460469231731.687303715884105728", AK_EOVERFLOW},
        {"-170141183460469231731.687303715884105729", AK_EOVERFLOW},
        {"170141183460469231732", AK_EOVERFLOW},
        {"1000000000000000000000", AK_EOVERFLOW},
        {"115792089237316195423570985008687907853269984665640564039457584007913129639936", AK_EOVERFLOW},
        {"-99999999999999999999999999999999999999999999999999999999999999999999999999999999", AK_EOVERFLOW},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        ak_dec d = {SENTINEL};
        int rc = P(rows[i].in, &d);
        ck_assert_msg(rc == rows[i].want, "parse(\"%s\") = %d, want %d", rows[i].in, rc, rows[i].want);
        ck_assert_msg(d.v == SENTINEL, "parse(\"%s\") wrote its out-parameter", rows[i].in);
    }
}
END_TEST

START_TEST(test_parse_prefix_and_args)
{
    const char *s = "100.5uakt";
    ak_dec d = {SENTINEL};
    ck_assert_int_eq(ak_dec_parse(s, 5, &d), 0);
    ck_assert(d.v == (__int128)1005 * 100000000000000000LL);
    ck_assert_int_eq(ak_dec_parse(s, 3, &d), 0);
    ck_assert(ak_dec_cmp(d, ak_dec_from_int(100)) == 0);
    ck_assert_int_eq(ak_dec_parse(s, 4, &d), AK_ESYNTAX); /* "100." */
    ck_assert_int_eq(ak_dec_parse(s, 6, &d), AK_ESYNTAX); /* "100.5u" */
    ck_assert_int_eq(ak_dec_parse(s, 0, &d), AK_ESYNTAX);
    ck_assert_int_eq(ak_dec_parse(NULL, 0, &d), AK_ESYNTAX);
    ck_assert_int_eq(ak_dec_parse(NULL, 3, &d), AK_EINVAL);
    /* an embedded NUL is just a bad byte */
    ck_assert_int_eq(ak_dec_parse("1\0002", 3, &d), AK_ESYNTAX);
    ck_assert(ak_dec_cmp(d, ak_dec_from_int(100)) == 0);
}
END_TEST

START_TEST(test_format)
{
    static const struct {
        __int128 raw;
        const char *want;
    } rows[] = {
        /* SDK TestDecString and TestDecEncoding values */
        {0, "0.000000000000000000"},
        {1000000000000000000LL, "1.000000000000000000"},
        {(__int128)10 * 1000000000000000000LL, "10.000000000000000000"},
        {(__int128)12340 * 1000000000000000000LL, "12340.000000000000000000"},
        {1234000000000000000LL, "1.234000000000000000"},
        {123400000000000000LL, "0.123400000000000000"},
        {123400000000000LL, "0.000123400000000000"},
        {(__int128)1009009009009009009LL * 10, "10.090090090090090090"},
        {-40000000000000000LL, "-0.040000000000000000"},
        {1414213562373095049LL, "1.414213562373095049"},
        {-1414213562373095049LL, "-1.414213562373095049"},
        {-500000000000000000LL, "-0.500000000000000000"},
        {1, "0.000000000000000001"},
        {-1, "-0.000000000000000001"},
        {(__int128)-5 * 1000000000000000000LL, "-5.000000000000000000"},
        {(__int128)INT64_MIN * 1000000000000000000LL, "-9223372036854775808.000000000000000000"},
        {(__int128)(((unsigned __int128)1 << 127) - 1), "170141183460469231731.687303715884105727"},
        {-(__int128)(((unsigned __int128)1 << 127) - 1) - 1, "-170141183460469231731.687303715884105728"},
        {(__int128)1000000000000000000LL * 1000000000000000000LL, "1000000000000000000.000000000000000000"},
        {(__int128)10000000000000000000ULL * 1000000000000000000LL, "10000000000000000000.000000000000000000"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char got[AK_DEC_STRLEN];
        int n = ak_dec_format(ak_dec_from_raw(rows[i].raw), got, sizeof got);
        ck_assert_int_eq(n, (int)strlen(rows[i].want));
        ck_assert_str_eq(got, rows[i].want);
    }
}
END_TEST

START_TEST(test_format_cap)
{
    char buf[AK_DEC_STRLEN];
    memset(buf, 'x', sizeof buf);
    ak_dec one = ak_dec_from_int(1); /* "1.000000000000000000": 20 characters */
    ck_assert_int_eq(ak_dec_format(one, buf, 20), AK_EINVAL);
    ck_assert_int_eq(buf[0], 'x'); /* untouched */
    ck_assert_int_eq(ak_dec_format(one, buf, 0), AK_EINVAL);
    ck_assert_int_eq(ak_dec_format(one, NULL, 64), AK_EINVAL);
    ck_assert_int_eq(ak_dec_format(one, buf, 21), 20);
    ck_assert_str_eq(buf, "1.000000000000000000");
    ak_dec min = ak_dec_from_raw(-(__int128)(((unsigned __int128)1 << 127) - 1) - 1);
    ck_assert_int_eq(ak_dec_format(min, buf, 41), AK_EINVAL);
    ck_assert_int_eq(ak_dec_format(min, buf, 42), 41); /* the longest output */
    ck_assert_int_le(42, AK_DEC_STRLEN);
}
END_TEST

/* splitmix64: a fixed-seed stream for the property tests. */
static uint64_t next_u64(uint64_t *s)
{
    uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* A random int128 with a random bit length, sign, and some special values. */
static __int128 rand_i128(uint64_t *s)
{
    static const __int128 special[] = {0, 1, -1, 500000000000000000LL, 1000000000000000000LL,
                                       1500000000000000000LL, 2500000000000000000LL};
    uint64_t k = next_u64(s);
    unsigned __int128 m;
    switch (k % 8) {
    case 0:
        return special[(k >> 8) % (sizeof special / sizeof special[0])];
    case 1: { /* whole units plus a half: ties for rounding */
        uint64_t units = next_u64(s);
        units >>= next_u64(s) % 64;
        m = (unsigned __int128)units * 1000000000000000000ULL + 500000000000000000ULL;
        break;
    }
    default: {
        m = ((unsigned __int128)next_u64(s) << 64) | next_u64(s);
        unsigned bits = (unsigned)(next_u64(s) % 128);
        m = bits == 0 ? 0 : m >> (128 - bits);
        break;
    }
    }
    m &= ~((unsigned __int128)1 << 127);
    return (k >> 63) ? -(__int128)m : (__int128)m;
}

START_TEST(test_round_trip)
{
    uint64_t seed = 42;
    for (int i = 0; i < 20000; i++) {
        ak_dec a = ak_dec_from_raw(rand_i128(&seed)), b;
        char s1[AK_DEC_STRLEN], s2[AK_DEC_STRLEN];
        int n = ak_dec_format(a, s1, sizeof s1);
        ck_assert_int_gt(n, 0);
        ck_assert_int_eq(ak_dec_parse(s1, (size_t)n, &b), 0);
        ck_assert_msg(b.v == a.v, "round trip of %s", s1);
        ck_assert_int_eq(ak_dec_format(b, s2, sizeof s2), n);
        ck_assert_str_eq(s1, s2);
    }
    ak_dec m = ak_dec_from_raw(-(__int128)(((unsigned __int128)1 << 127) - 1) - 1), b;
    char s[AK_DEC_STRLEN];
    int n = ak_dec_format(m, s, sizeof s);
    ck_assert_int_eq(ak_dec_parse(s, (size_t)n, &b), 0);
    ck_assert(b.v == m.v);
}
END_TEST

START_TEST(test_constructors_compare)
{
    ck_assert(ak_dec_zero().v == 0);
    ck_assert(ak_dec_from_int(0).v == 0);
    ck_assert(ak_dec_from_int(-3).v == (__int128)-3000000000000000000LL);
    ck_assert(ak_dec_from_int(INT64_MAX).v == (__int128)INT64_MAX * 1000000000000000000LL);
    ck_assert(ak_dec_from_int(INT64_MIN).v == (__int128)INT64_MIN * 1000000000000000000LL);
    ck_assert(ak_dec_from_raw(7).v == 7);
    ak_dec d = {SENTINEL};
    ck_assert_int_eq(ak_dec_from_int128(-42, &d), 0);
    ck_assert(ak_dec_cmp(d, ak_dec_from_int(-42)) == 0);

    ak_dec a = D("-0.000000000000000001"), z = ak_dec_zero(), o = D("1");
    ck_assert_int_eq(ak_dec_cmp(a, z), -1);
    ck_assert_int_eq(ak_dec_cmp(z, a), 1);
    ck_assert_int_eq(ak_dec_cmp(o, D("1.000")), 0);
    ck_assert(ak_dec_is_negative(a) && !ak_dec_is_positive(a) && !ak_dec_is_zero(a));
    ck_assert(ak_dec_is_zero(z) && !ak_dec_is_negative(z) && !ak_dec_is_positive(z));
    ck_assert(ak_dec_is_positive(o) && !ak_dec_is_negative(o));
    ck_assert(ak_dec_min(a, o).v == a.v && ak_dec_min(o, a).v == a.v);
    ck_assert(ak_dec_max(a, o).v == o.v && ak_dec_max(o, a).v == o.v);
    ck_assert(ak_dec_min(o, o).v == o.v);

    ak_dec r;
    ck_assert_int_eq(ak_dec_add(D("1.5"), D("-2.25"), &r), 0);
    ck_assert(ak_dec_cmp(r, D("-0.75")) == 0);
    ck_assert_int_eq(ak_dec_sub(D("1.5"), D("-2.25"), &r), 0);
    ck_assert(ak_dec_cmp(r, D("3.75")) == 0);
    ck_assert_int_eq(ak_dec_neg(D("-0.5"), &r), 0);
    ck_assert(ak_dec_cmp(r, D("0.5")) == 0);
    ck_assert_int_eq(ak_dec_mul_int(D("-0.1"), 10, &r), 0);
    ck_assert(ak_dec_cmp(r, D("-1")) == 0);
    ck_assert_int_eq(ak_dec_mul_int(D("0.00001"), 20, &r), 0); /* SDK TestDecMulInt */
    ck_assert(ak_dec_cmp(r, D("0.0002")) == 0);
    ck_assert_int_eq(ak_dec_mul_int(D("1000000"), 100, &r), 0);
    ck_assert(ak_dec_cmp(r, D("100000000")) == 0);
}
END_TEST

/* ---- chain-rules.md worked values that are pure Dec arithmetic ---- */

static void expect_dec(ak_dec d, const char *want)
{
    char got[AK_DEC_STRLEN];
    dec_str(d, got);
    ck_assert_str_eq(got, want);
}

/* Section 8.6, one mint step (x/mint/types/minter.go): bondedRatio = Dec(bonded).QuoInt(S);
 * rate/yr = (1 - bondedRatio.Quo(goal)).Mul(rateChange); per block = .Quo(Dec(blocks));
 * inflation = old + per block (inside [min, max]); annual = inflation.MulInt(S);
 * block provision = annual.QuoInt(blocks).TruncateInt(). */
static void mint_step(int64_t supply, int64_t bonded, const char *infl0, int64_t blocks,
                      const char *const want[7], int64_t want_prov)
{
    ak_dec ratio, bg, one_m, dy, db, infl, annual, bp;
    int64_t prov;
    ck_assert_int_eq(ak_dec_quo_int(ak_dec_from_int(bonded), supply, &ratio), 0);
    expect_dec(ratio, want[0]);
    ck_assert_int_eq(ak_dec_quo(ratio, D("0.67"), &bg), 0);
    expect_dec(bg, want[1]);
    ck_assert_int_eq(ak_dec_sub(ak_dec_from_int(1), bg, &one_m), 0);
    expect_dec(one_m, want[2]);
    ck_assert_int_eq(ak_dec_mul(one_m, D("0.13"), &dy), 0);
    expect_dec(dy, want[3]);
    ck_assert_int_eq(ak_dec_quo(dy, ak_dec_from_int(blocks), &db), 0);
    expect_dec(db, want[4]);
    ck_assert_int_eq(ak_dec_add(D(infl0), db, &infl), 0);
    expect_dec(infl, want[5]);
    ck_assert_int_eq(ak_dec_mul_int(infl, supply, &annual), 0);
    expect_dec(annual, want[6]);
    ck_assert_int_eq(ak_dec_quo_int(annual, blocks, &bp), 0);
    ck_assert_int_eq(ak_dec_truncate_int(bp, &prov), 0);
    ck_assert_int_eq(prov, want_prov);
}

START_TEST(test_spec_8_6_mint)
{
    static const char *const akash[7] = {
        "0.500000000000000000", "0.746268656716417910", "0.253731343283582090",
        "0.032985074626865672", "0.000000006275699130", "0.520000006275699130",
        "52000000627569.913000000000000000",
    };
    mint_step(100000000000000LL, 50000000000000LL, "0.52", 5256000, akash, 9893455);
    static const char *const sdk_defaults[7] = {
        "0.800000000000000000", "1.194029850746268657", "-0.194029850746268657",
        "-0.025223880597014925", "-0.000000003996482717", "0.129999996003517283",
        "12999999600351.728300000000000000",
    };
    mint_step(100000000000000LL, 80000000000000LL, "0.13", 6311520, sdk_defaults, 2059725);
}
END_TEST

/* Section 8.7, one distribution step (x/distribution/keeper/allocation.go): feeMultiplier =
 * fees.MulDecTruncate(1 - tax); fraction = Dec(power).QuoTruncate(Dec(total)); reward =
 * feeMultiplier.MulDecTruncate(fraction); commission = reward.MulDecTruncate(rate);
 * community pool += fees - sum(rewards). */
START_TEST(test_spec_8_7_distribution)
{
    static const struct {
        int64_t power;
        const char *commission_rate, *fraction, *reward, *commission, *shared;
    } vals[3] = {
        {50, "0.05", "0.500000000000000000", "4847792.950000000000000000", "242389.647500000000000000",
         "4605403.302500000000000000"},
        {30, "0.10", "0.300000000000000000", "2908675.770000000000000000", "290867.577000000000000000",
         "2617808.193000000000000000"},
        {20, "0.05", "0.200000000000000000", "1939117.180000000000000000", "96955.859000000000000000",
         "1842161.321000000000000000"},
    };
    ak_dec fees = ak_dec_from_int(9893455), keep, fm, left = fees;
    ck_assert_int_eq(ak_dec_sub(ak_dec_from_int(1), D("0.02"), &keep), 0);
    ck_assert_int_eq(ak_dec_mul_truncate(fees, keep, &fm), 0);
    expect_dec(fm, "9695585.900000000000000000");
    for (int i = 0; i < 3; i++) {
        ak_dec frac, rw, com, shared;
        ck_assert_int_eq(ak_dec_quo_truncate(ak_dec_from_int(vals[i].power), ak_dec_from_int(100), &frac), 0);
        expect_dec(frac, vals[i].fraction);
        ck_assert_int_eq(ak_dec_mul_truncate(fm, frac, &rw), 0);
        expect_dec(rw, vals[i].reward);
        ck_assert_int_eq(ak_dec_mul_truncate(rw, D(vals[i].commission_rate), &com), 0);
        expect_dec(com, vals[i].commission);
        ck_assert_int_eq(ak_dec_sub(rw, com, &shared), 0);
        expect_dec(shared, vals[i].shared);
        ck_assert_int_eq(ak_dec_sub(left, rw, &left), 0);
    }
    expect_dec(left, "197869.100000000000000000");

    /* The rounding check: F = 100, tax 0.02, three validators of power 1. */
    fees = ak_dec_from_int(100);
    left = fees;
    ck_assert_int_eq(ak_dec_mul_truncate(fees, keep, &fm), 0);
    expect_dec(fm, "98.000000000000000000");
    for (int i = 0; i < 3; i++) {
        ak_dec frac, rw;
        ck_assert_int_eq(ak_dec_quo_truncate(ak_dec_from_int(1), ak_dec_from_int(3), &frac), 0);
        expect_dec(frac, "0.333333333333333333");
        ck_assert_int_eq(ak_dec_mul_truncate(fm, frac, &rw), 0);
        expect_dec(rw, "32.666666666666666634");
        ck_assert_int_eq(ak_dec_sub(left, rw, &left), 0);
    }
    expect_dec(left, "2.000000000000000098");
}
END_TEST

/* Sections 8.4, 8.5, 8.8, 8.9, 8.10. */
START_TEST(test_spec_slash_shares_tally)
{
    ak_dec d, r;
    int64_t i;
    /* 8.4 minSigned = TruncateInt(window * min_signed_per_window) */
    ck_assert_int_eq(ak_dec_mul(D("0.05"), ak_dec_from_int(10000), &d), 0);
    ck_assert_int_eq(ak_dec_truncate_int(d, &i), 0);
    ck_assert_int_eq(i, 500);
    ck_assert_int_eq(ak_dec_mul(D("0.05"), ak_dec_from_int(30000), &d), 0);
    ck_assert_int_eq(ak_dec_truncate_int(d, &i), 0);
    ck_assert_int_eq(i, 1500);
    ck_assert_int_eq(ak_dec_mul(D("0.5"), ak_dec_from_int(100), &d), 0);
    ck_assert_int_eq(ak_dec_truncate_int(d, &i), 0);
    ck_assert_int_eq(i, 50);
    /* 8.4 slash amount = TruncateInt(Dec(10^12).Mul(0.0001)); fraction via QuoRoundUp */
    ck_assert_int_eq(ak_dec_mul(ak_dec_from_int(1000000000000LL), D("0.0001"), &d), 0);
    ck_assert_int_eq(ak_dec_truncate_int(d, &i), 0);
    ck_assert_int_eq(i, 100000000);
    ck_assert_int_eq(ak_dec_quo_round_up(ak_dec_from_int(i), ak_dec_from_int(1000000500000LL), &r), 0);
    expect_dec(r, "0.000099999950000025");
    /* 8.5 */
    ck_assert_int_eq(ak_dec_mul(D("0.05"), ak_dec_from_int(1000000000), &d), 0);
    expect_dec(d, "50000000.000000000000000000");
    ck_assert_int_eq(ak_dec_mul(D("0.05"), ak_dec_from_int(200000000), &d), 0);
    expect_dec(d, "10000000.000000000000000000");
    /* 8.8 F1: ratio 100/1000 times 400 stake; slashed stake MulTruncate */
    ck_assert_int_eq(ak_dec_quo(ak_dec_from_int(100), ak_dec_from_int(1000), &d), 0);
    expect_dec(d, "0.100000000000000000");
    ck_assert_int_eq(ak_dec_mul(d, ak_dec_from_int(400), &r), 0);
    expect_dec(r, "40.000000000000000000");
    ck_assert_int_eq(ak_dec_mul_truncate(ak_dec_from_int(400), D("0.95"), &r), 0);
    expect_dec(r, "380.000000000000000000");
    /* 8.9 shares = shares.MulInt(amount).QuoInt(tokens); tokens = shares.MulInt(tokens).Quo(shares) */
    ck_assert_int_eq(ak_dec_mul_int(ak_dec_from_int(1000), 95, &d), 0);
    ck_assert_int_eq(ak_dec_quo_int(d, 950, &r), 0);
    expect_dec(r, "100.000000000000000000");
    ck_assert_int_eq(ak_dec_mul_int(ak_dec_from_int(100), 1045, &d), 0);
    ck_assert_int_eq(ak_dec_quo(d, ak_dec_from_int(1100), &r), 0);
    expect_dec(r, "95.000000000000000000");
    ck_assert_int_eq(ak_dec_truncate_int(r, &i), 0);
    ck_assert_int_eq(i, 95);
    /* 8.10 tally ratios */
    ck_assert_int_eq(ak_dec_quo(ak_dec_from_int(700), ak_dec_from_int(1000), &r), 0);
    expect_dec(r, "0.700000000000000000");
    ck_assert_int_eq(ak_dec_quo(ak_dec_from_int(200), ak_dec_from_int(700), &r), 0);
    expect_dec(r, "0.285714285714285714");
    ck_assert_int_eq(ak_dec_quo(ak_dec_from_int(400), ak_dec_from_int(700), &r), 0);
    expect_dec(r, "0.571428571428571429");
}
END_TEST

/* ---- property test: every operation against a big-integer model on GMP's mpz ---- */

static void mpz_from_i128(mpz_t z, __int128 v)
{
    unsigned __int128 m = v < 0 ? (unsigned __int128)0 - (unsigned __int128)v : (unsigned __int128)v;
    uint64_t limbs[2] = {(uint64_t)m, (uint64_t)(m >> 64)};
    mpz_import(z, 2, -1, sizeof(uint64_t), 0, 0, limbs);
    if (v < 0)
        mpz_neg(z, z);
}

/* Expected text for an mpz result: "E:OVF" if it leaves [lo, hi], else its digits. */
static void model_str(const mpz_t z, bool int64_result, char *buf, size_t cap)
{
    mpz_t lim;
    mpz_init(lim);
    unsigned bits = int64_result ? 63 : 127;
    mpz_ui_pow_ui(lim, 2, bits); /* 2^bits */
    bool over = mpz_cmp(z, lim) >= 0;
    mpz_neg(lim, lim);
    over = over || mpz_cmp(z, lim) < 0;
    mpz_clear(lim);
    if (over)
        snprintf(buf, cap, "E:OVF");
    else
        gmp_snprintf(buf, cap, "%Zd", z);
}

enum model_mode { M_EVEN, M_UP, M_TRUNC };

/* chopPrecisionAndRound / chopPrecisionAndRoundUp / chopPrecisionAndTruncate, as in Go. */
static void model_chop(mpz_t d, enum model_mode mode, const mpz_t p18)
{
    if (mpz_sgn(d) < 0) {
        mpz_neg(d, d);
        model_chop(d, mode == M_UP ? M_TRUNC : mode, p18);
        mpz_neg(d, d);
        return;
    }
    mpz_t q, r;
    mpz_inits(q, r, NULL);
    mpz_tdiv_qr(q, r, d, p18);
    if (mpz_sgn(r) != 0 && mode != M_TRUNC) {
        if (mode == M_UP) {
            mpz_add_ui(q, q, 1);
        } else {
            mpz_mul_2exp(r, r, 1); /* compare 2r with 10^18 */
            int c = mpz_cmp(r, p18);
            if (c > 0 || (c == 0 && mpz_odd_p(q)))
                mpz_add_ui(q, q, 1);
        }
    }
    mpz_set(d, q);
    mpz_clears(q, r, NULL);
}

START_TEST(test_random_vs_mpz)
{
    uint64_t seed = 20240601;
    mpz_t p18, a, b, z, t, r;
    mpz_inits(p18, a, b, z, t, r, NULL);
    mpz_ui_pow_ui(p18, 10, 18);
    char want[128], got[128];
    for (int iter = 0; iter < 60000; iter++) {
        ak_dec da = ak_dec_from_raw(rand_i128(&seed)), db = ak_dec_from_raw(rand_i128(&seed)), o;
        if (next_u64(&seed) % 4 == 0) { /* divisors and factors that are whole or tiny */
            int64_t k = (int64_t)(next_u64(&seed) % 2000) - 1000;
            db.v = (__int128)k * (next_u64(&seed) % 2 ? 1000000000000000000LL : 1);
        }
        int64_t small = (int64_t)(next_u64(&seed) >> 1);
        small >>= next_u64(&seed) % 64;
        if (next_u64(&seed) % 2)
            small = -small;
        if (next_u64(&seed) % 64 == 0)
            small = next_u64(&seed) % 2 ? INT64_MIN : INT64_MAX;
        mpz_from_i128(a, da.v);
        mpz_from_i128(b, db.v);
        enum op op = (enum op)(next_u64(&seed) % (DFROMI128 + 1));
        int rc = 0;
        int64_t i64 = 0;
        __int128 i128 = 0;
        bool is_int64 = false, is_i128 = false;
        switch (op) {
        case DADD: mpz_add(z, a, b); rc = ak_dec_add(da, db, &o); break;
        case DSUB: mpz_sub(z, a, b); rc = ak_dec_sub(da, db, &o); break;
        case DNEG: mpz_neg(z, a); rc = ak_dec_neg(da, &o); break;
        case DMUL: mpz_mul(z, a, b); model_chop(z, M_EVEN, p18); rc = ak_dec_mul(da, db, &o); break;
        case DMULT: mpz_mul(z, a, b); model_chop(z, M_TRUNC, p18); rc = ak_dec_mul_truncate(da, db, &o); break;
        case DMULU: mpz_mul(z, a, b); model_chop(z, M_UP, p18); rc = ak_dec_mul_round_up(da, db, &o); break;
        case DMULI: mpz_set_si(t, small); mpz_mul(z, a, t); rc = ak_dec_mul_int(da, small, &o); break;
        case DQUO:
        case DQUOT:
        case DQUOU:
            if (db.v == 0) {
                db.v = 3;
                mpz_set_ui(b, 3);
            }
            if (op == DQUO) {
                mpz_mul(t, a, p18);
                mpz_mul(t, t, p18);
                mpz_tdiv_q(z, t, b);
                model_chop(z, M_EVEN, p18);
                rc = ak_dec_quo(da, db, &o);
            } else if (op == DQUOT) {
                mpz_mul(t, a, p18);
                mpz_tdiv_q(z, t, b);
                rc = ak_dec_quo_truncate(da, db, &o);
            } else {
                /* QuoRoundupMut: the sign test reads the quotient, not the dividend */
                mpz_mul(t, a, p18);
                mpz_tdiv_qr(z, r, t, b);
                bool qneg = mpz_sgn(z) < 0, bneg = mpz_sgn(b) < 0;
                if ((mpz_sgn(r) > 0 && qneg == bneg) || (mpz_sgn(r) < 0 && qneg != bneg))
                    mpz_add_ui(z, z, 1);
                rc = ak_dec_quo_round_up(da, db, &o);
            }
            break;
        case DQUOI:
            if (small == 0)
                small = 7;
            mpz_set_si(t, small);
            mpz_tdiv_q(z, a, t);
            rc = ak_dec_quo_int(da, small, &o);
            break;
        case DTRUNC: mpz_set(z, a); model_chop(z, M_TRUNC, p18); rc = ak_dec_truncate_int(da, &i64); is_int64 = true; break;
        case DROUND: mpz_set(z, a); model_chop(z, M_EVEN, p18); rc = ak_dec_round_int(da, &i64); is_int64 = true; break;
        case DTRUNC128: mpz_set(z, a); model_chop(z, M_TRUNC, p18); rc = ak_dec_truncate_int128(da, &i128); is_i128 = true; break;
        case DTRUNCDEC: mpz_set(z, a); model_chop(z, M_TRUNC, p18); mpz_mul(z, z, p18); o = ak_dec_truncate_dec(da); break;
        case DFROMI128:
            da.v /= (__int128)1 << (next_u64(&seed) % 127);
            mpz_from_i128(a, da.v);
            mpz_mul(z, a, p18);
            rc = ak_dec_from_int128(da.v, &o);
            break;
        }
        model_str(z, is_int64, want, sizeof want);
        if (rc == AK_EOVERFLOW)
            snprintf(got, sizeof got, "E:OVF");
        else if (rc != 0)
            snprintf(got, sizeof got, "E:%d", rc);
        else if (is_int64)
            snprintf(got, sizeof got, "%" PRId64, i64);
        else
            i128_str(is_i128 ? i128 : o.v, got);
        if (strcmp(want, got) != 0) {
            char sa[64], sb[64];
            i128_str(da.v, sa);
            i128_str(db.v, sb);
            ck_abort_msg("iter %d: %s(raw %s, raw %s, int %" PRId64 "): want %s, got %s", iter,
                         op_names[op], sa, sb, small, want, got);
        }
    }
    mpz_clears(p18, a, b, z, t, r, NULL);
}
END_TEST

static Suite *dec_suite(void)
{
    Suite *s = suite_create("dec");
    TCase *tc = tcase_create("rounding");
    tcase_add_test(tc, test_mul_half_even);
    tcase_add_test(tc, test_mul_negative);
    tcase_add_test(tc, test_mul_truncate_round_up);
    tcase_add_test(tc, test_quo);
    tcase_add_test(tc, test_quo_truncate);
    tcase_add_test(tc, test_quo_round_up);
    tcase_add_test(tc, test_quo_int);
    tcase_add_test(tc, test_truncate_round);
    tcase_add_test(tc, test_int64_edges);
    suite_add_tcase(s, tc);

    tc = tcase_create("errors");
    tcase_add_test(tc, test_overflow);
    tcase_add_test(tc, test_divzero);
    suite_add_tcase(s, tc);

    tc = tcase_create("values");
    tcase_add_test(tc, test_akt_supply);
    tcase_add_test(tc, test_constructors_compare);
    tcase_add_test(tc, test_spec_8_6_mint);
    tcase_add_test(tc, test_spec_8_7_distribution);
    tcase_add_test(tc, test_spec_slash_shares_tally);
    suite_add_tcase(s, tc);

    tc = tcase_create("text");
    tcase_add_test(tc, test_parse_accepts);
    tcase_add_test(tc, test_parse_rejects);
    tcase_add_test(tc, test_parse_prefix_and_args);
    tcase_add_test(tc, test_format);
    tcase_add_test(tc, test_format_cap);
    tcase_add_test(tc, test_round_trip);
    suite_add_tcase(s, tc);

    tc = tcase_create("property");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_random_vs_mpz);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return check_run(dec_suite());
}
