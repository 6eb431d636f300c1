/*
 * tests/test_rng.c: the run's random streams (sim/rng.h): known answers of splitmix64 and
 * xoshiro256**, the GSL type contract, stream seeding from (seed, replication, family), and
 * that gsl_ran_* functions work on the type.
 *
 * The known answers were computed with an independent Python implementation of splitmix64 and
 * xoshiro256** written from the published descriptions (a scratch script, not part of the
 * repository), and pasted here. splitmix64 from 1234567 starting 6457827717110365317 and
 * xoshiro256** from {1, 2, 3, 4} starting 11520, 0 also match published reference values.
 */
#include <check.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check_run.h"
#include "errors.h"
#include "rng.h"

START_TEST(splitmix64_known_answers)
{
    static const uint64_t from_1234567[] = {
        6457827717110365317ULL, 3203168211198807973ULL, 9817491932198370423ULL,
        4593380528125082431ULL, 16408922859458223821ULL,
    };
    uint64_t x = 1234567;
    for (size_t i = 0; i < 5; i++)
        ck_assert_uint_eq(ak_rng_splitmix64(&x), from_1234567[i]);
    static const uint64_t from_0[] = {
        16294208416658607535ULL, 7960286522194355700ULL, 487617019471545679ULL,
    };
    x = 0;
    for (size_t i = 0; i < 3; i++)
        ck_assert_uint_eq(ak_rng_splitmix64(&x), from_0[i]);
}
END_TEST

START_TEST(xoshiro_known_answers)
{
    static const uint64_t want[] = {
        11520ULL, 0ULL, 1509978240ULL, 1215971899390074240ULL, 1216172134540287360ULL,
        607988272756665600ULL,
    };
    ak_rng_state st = {{1, 2, 3, 4}};
    for (size_t i = 0; i < 6; i++)
        ck_assert_uint_eq(ak_rng_xoshiro_next(&st), want[i]);
}
END_TEST

START_TEST(gsl_type_contract)
{
    const gsl_rng_type *t = ak_rng_type();
    ck_assert_ptr_nonnull(t);
    ck_assert_str_eq(t->name, "xoshiro256**");
    ck_assert_uint_eq(t->min, 0);
    ck_assert_uint_eq(t->max, 0xffffffffUL);
    ck_assert_uint_eq(t->size, sizeof(ak_rng_state));

    gsl_rng *r = gsl_rng_alloc(t);
    ck_assert_ptr_nonnull(r);
    ck_assert_str_eq(gsl_rng_name(r), "xoshiro256**");
    ck_assert_uint_eq(gsl_rng_max(r), 0xffffffffUL);

    /* Seeded from 1234567 the 64-bit outputs are 3504822795582309479, 1819558768956484042,
     * 1250851346055027673, 16940231675099994102; get returns their upper halves. */
    static const unsigned long upper[] = {816030147UL, 423649039UL, 291236524UL, 3944205044UL};
    gsl_rng_set(r, 1234567);
    for (size_t i = 0; i < 4; i++)
        ck_assert_uint_eq(gsl_rng_get(r), upper[i]);
    /* get_double is (x >> 11) * 2^-53 of the same outputs, exactly. */
    gsl_rng_set(r, 1234567);
    ck_assert(gsl_rng_uniform(r) == 0x1.851d0e1b1b000p-3);
    ck_assert(gsl_rng_uniform(r) == 0x1.9405f0f579928p-4);

    /* The full 64 bits of the seed count: seeds differing only above bit 32 give different
     * streams. */
    gsl_rng_set(r, 5);
    unsigned long a = gsl_rng_get(r);
    gsl_rng_set(r, 5 | 1UL << 40);
    ck_assert_uint_ne(gsl_rng_get(r), a);

    /* Clone and memcpy copy the state. */
    gsl_rng_set(r, 99);
    gsl_rng_get(r);
    gsl_rng *c = gsl_rng_clone(r);
    ck_assert_ptr_nonnull(c);
    for (int i = 0; i < 100; i++)
        ck_assert_uint_eq(gsl_rng_get(c), gsl_rng_get(r));
    gsl_rng_free(c);
    gsl_rng_free(r);
}
END_TEST

START_TEST(uniform_range_and_balance)
{
    gsl_rng *r = NULL;
    ck_assert_int_eq(ak_rng_stream(7, 0, AK_RNG_CHAIN, &r), 0);
    double sum = 0;
    int ones[32] = {0};
    const int n = 100000;
    for (int i = 0; i < n; i++) {
        double u = gsl_rng_uniform(r);
        ck_assert(u >= 0 && u < 1);
        sum += u;
        unsigned long g = gsl_rng_get(r);
        ck_assert_uint_le(g, 0xffffffffUL);
        for (int b = 0; b < 32; b++)
            ones[b] += (int)(g >> b & 1);
    }
    ck_assert_double_eq_tol(sum / n, 0.5, 0.005);
    for (int b = 0; b < 32; b++) /* each bit is a fair coin: sd of the count is 158 */
        ck_assert_msg(abs(ones[b] - n / 2) < 1000, "bit %d: %d ones", b, ones[b]);
    gsl_rng_free(r);
}
END_TEST

START_TEST(gsl_distributions_work)
{
    gsl_rng *r = NULL;
    ck_assert_int_eq(ak_rng_stream(2024, 3, AK_RNG_TENANTS, &r), 0);
    const int n = 100000;
    double exp_sum = 0, g_sum = 0, g_sq = 0, pois_sum = 0;
    unsigned long counts[6] = {0};
    for (int i = 0; i < n; i++) {
        exp_sum += gsl_ran_exponential(r, 3.0);
        double g = gsl_ran_gaussian(r, 2.0);
        g_sum += g;
        g_sq += g * g;
        pois_sum += gsl_ran_poisson(r, 4.0);
        counts[gsl_rng_uniform_int(r, 6)]++;
    }
    ck_assert_double_eq_tol(exp_sum / n, 3.0, 0.03); /* within 1% */
    ck_assert_double_eq_tol(g_sum / n, 0.0, 0.03);
    ck_assert_double_eq_tol(sqrt(g_sq / n), 2.0, 0.02);
    ck_assert_double_eq_tol(pois_sum / n, 4.0, 0.04);
    for (int k = 0; k < 6; k++)
        ck_assert_msg(fabs((double)counts[k] / n - 1.0 / 6) < 0.006, "face %d: %lu", k,
                      counts[k]);
    gsl_rng_free(r);
}
END_TEST

START_TEST(seed_known_answers_and_asymmetry)
{
    ck_assert_uint_eq(ak_rng_seed(42, 0, 1), 17532488217563185893ULL);
    ck_assert_uint_eq(ak_rng_seed(42, 1, 2), 1057114548423616370ULL);
    ck_assert_uint_eq(ak_rng_seed(42, 2, 1), 2754104505888048753ULL);
    ck_assert_uint_eq(ak_rng_seed(UINT64_MAX, UINT32_MAX, 5), 662940014959342717ULL);
    for (uint64_t s = 0; s < 100; s++) {
        ck_assert_uint_ne(ak_rng_seed(s, 1, 2), ak_rng_seed(s, 2, 1));
        ck_assert_uint_ne(ak_rng_seed(s, 0, 1), ak_rng_seed(s + 1, 0, 1));
        ck_assert_uint_ne(ak_rng_seed(s, 0, 1), ak_rng_seed(s, 1, 0));
    }

    /* The stream of (42, 0, tenants) is the generator set to that seed. */
    gsl_rng *r = NULL;
    ck_assert_int_eq(ak_rng_stream(42, 0, AK_RNG_TENANTS, &r), 0);
    ck_assert_uint_eq(gsl_rng_get(r), 3187507728UL);
    ck_assert_uint_eq(gsl_rng_get(r), 113435123UL);
    ck_assert_uint_eq(gsl_rng_get(r), 209496366UL);
    gsl_rng_free(r);
}
END_TEST

/* First n outputs of a stream. */
static void first_outputs(uint64_t seed, uint32_t rep, uint32_t fam, unsigned long *out, int n)
{
    gsl_rng *r = NULL;
    ck_assert_int_eq(ak_rng_stream(seed, rep, fam, &r), 0);
    for (int i = 0; i < n; i++)
        out[i] = gsl_rng_get(r);
    gsl_rng_free(r);
}

START_TEST(streams_reproduce_and_differ)
{
    enum { N = 1000 };
    static const struct {
        uint64_t seed;
        uint32_t rep, fam;
    } triples[] = {
        {1, 0, AK_RNG_TENANTS},    {1, 0, AK_RNG_PROVIDERS}, {1, 0, AK_RNG_VALIDATORS},
        {1, 0, AK_RNG_PRICE},      {1, 0, AK_RNG_CHAIN},     {1, 1, AK_RNG_TENANTS},
        {1, 2, AK_RNG_TENANTS},    {2, 0, AK_RNG_TENANTS},   {1, 1, 2}, /* vs (1, 2, 1) above */
        {1, 2, 3},                 {0, 0, 0},                {UINT64_MAX, UINT32_MAX, UINT32_MAX},
    };
    enum { T = sizeof triples / sizeof triples[0] };
    static unsigned long out[T][N];
    for (int t = 0; t < T; t++)
        first_outputs(triples[t].seed, triples[t].rep, triples[t].fam, out[t], N);

    /* The same triple reproduces exactly. */
    unsigned long again[N];
    for (int t = 0; t < T; t++) {
        first_outputs(triples[t].seed, triples[t].rep, triples[t].fam, again, N);
        ck_assert(memcmp(again, out[t], sizeof again) == 0);
    }
    /* Different triples differ: of 32-bit outputs at the same position, a coincidence has
     * probability 2^-32 each, so expect none; no stream is another shifted by a few steps. */
    for (int a = 0; a < T; a++)
        for (int b = a + 1; b < T; b++) {
            int same = 0;
            for (int i = 0; i < N; i++)
                same += out[a][i] == out[b][i];
            ck_assert_msg(same <= 1, "streams %d and %d agree at %d positions", a, b, same);
            for (int lag = 1; lag < 4; lag++)
                ck_assert_msg(memcmp(out[a] + lag, out[b], (N - lag) * sizeof(long)) != 0 &&
                                  memcmp(out[b] + lag, out[a], (N - lag) * sizeof(long)) != 0,
                              "streams %d and %d are shifted copies", a, b);
        }

    /* Crude independence: the sample correlation of neighbouring families' uniforms is ~0
     * (sd 1/sqrt(N) ~ 0.03). */
    for (int a = 0; a + 1 < 5; a++) {
        double sx = 0, sy = 0, sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < N; i++) {
            double x = (double)out[a][i], y = (double)out[a + 1][i];
            sx += x, sy += y, sxy += x * y, sxx += x * x, syy += y * y;
        }
        double cov = sxy / N - sx / N * sy / N;
        double rho = cov / sqrt((sxx / N - sx / N * sx / N) * (syy / N - sy / N * sy / N));
        ck_assert_msg(fabs(rho) < 0.12, "families %d, %d: rho %g", a + 1, a + 2, rho);
    }
}
END_TEST

START_TEST(adding_draws_to_one_family_does_not_shift_another)
{
    gsl_rng *t1 = NULL, *p1 = NULL, *t2 = NULL, *p2 = NULL;
    ck_assert_int_eq(ak_rng_stream(11, 4, AK_RNG_TENANTS, &t1), 0);
    ck_assert_int_eq(ak_rng_stream(11, 4, AK_RNG_PROVIDERS, &p1), 0);
    ck_assert_int_eq(ak_rng_stream(11, 4, AK_RNG_TENANTS, &t2), 0);
    ck_assert_int_eq(ak_rng_stream(11, 4, AK_RNG_PROVIDERS, &p2), 0);
    for (int i = 0; i < 1000; i++) {
        gsl_rng_uniform(t1);
        gsl_ran_gaussian(t2, 1.0); /* run 2's tenants draw more */
        gsl_ran_gaussian(t2, 1.0);
        ck_assert(gsl_rng_uniform(p1) == gsl_rng_uniform(p2));
    }
    gsl_rng_free(t1);
    gsl_rng_free(p1);
    gsl_rng_free(t2);
    gsl_rng_free(p2);
}
END_TEST

START_TEST(local_streams)
{
    ak_rng_state st;
    gsl_rng local;
    ak_rng_local(&local, &st, 1234567);
    ck_assert_str_eq(gsl_rng_name(&local), "xoshiro256**");
    ck_assert_uint_eq(gsl_rng_get(&local), 816030147UL);
    ck_assert_uint_eq(gsl_rng_get(&local), 423649039UL);
    double sum = 0; /* gsl_ran_* work on a local stream too */
    for (int i = 0; i < 10000; i++)
        sum += gsl_ran_exponential(&local, 2.0);
    ck_assert_double_eq_tol(sum / 10000, 2.0, 0.1);

    gsl_rng *r = NULL;
    ck_assert_int_eq(ak_rng_stream(3, 1, AK_RNG_PRICE, &r), 0);
    ak_rng_local(&local, &st, ak_rng_seed(3, 1, AK_RNG_PRICE));
    for (int i = 0; i < 100; i++)
        ck_assert_uint_eq(gsl_rng_get(&local), gsl_rng_get(r));
    gsl_rng_free(r);
}
END_TEST

START_TEST(family_names)
{
    ck_assert_int_eq(AK_RNG_TENANTS, 1); /* values enter seeds: pinned */
    ck_assert_int_eq(AK_RNG_CHAIN, 5);
    ck_assert_str_eq(ak_rng_family_name(AK_RNG_TENANTS), "tenants");
    ck_assert_str_eq(ak_rng_family_name(AK_RNG_PROVIDERS), "providers");
    ck_assert_str_eq(ak_rng_family_name(AK_RNG_VALIDATORS), "validators");
    ck_assert_str_eq(ak_rng_family_name(AK_RNG_PRICE), "price");
    ck_assert_str_eq(ak_rng_family_name(AK_RNG_CHAIN), "chain");
    ck_assert_str_eq(ak_rng_family_name(AK_RNG_RELIABILITY), "reliability");
    ck_assert_str_eq(ak_rng_family_name(AK_RNG_DETECTION), "detection");
    ck_assert_str_eq(ak_rng_family_name(AK_RNG_OPERATORS), "operators");
    ck_assert_str_eq(ak_rng_family_name(AK_RNG_GOVERNANCE), "governance");
    ck_assert_str_eq(ak_rng_family_name(AK_RNG_ENTRANTS), "entrants");
    ck_assert_str_eq(ak_rng_family_name(AK_RNG_DELEGATORS), "delegators");
    ck_assert_str_eq(ak_rng_family_name(AK_RNG_SWEEP), "sweep");
    ck_assert_ptr_null(ak_rng_family_name(0));
    ck_assert_ptr_null(ak_rng_family_name(AK_RNG_FAMILIES));
    ck_assert_ptr_null(ak_rng_family_name(UINT32_MAX));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rng");
    TCase *tc = tcase_create("rng");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, splitmix64_known_answers);
    tcase_add_test(tc, xoshiro_known_answers);
    tcase_add_test(tc, gsl_type_contract);
    tcase_add_test(tc, uniform_range_and_balance);
    tcase_add_test(tc, gsl_distributions_work);
    tcase_add_test(tc, seed_known_answers_and_asymmetry);
    tcase_add_test(tc, streams_reproduce_and_differ);
    tcase_add_test(tc, adding_draws_to_one_family_does_not_shift_another);
    tcase_add_test(tc, local_streams);
    tcase_add_test(tc, family_names);
    suite_add_tcase(s, tc);
    return check_run(s);
}
