/*
 * tests/test_stats.c: statistics of sweeps (sim/stats.h): means with Student-t intervals
 * (a hand-computed example, NaN skipping, n = 0, 1, zero spread, accuracy far from 0,
 * refusals), Morris measures (a hand-computed design, linear and interacting outputs on
 * ak_design_morris designs, failed runs, refusals), Spearman's rank correlation (monotone
 * relations, hand-computed examples with ties, NaN pairs, strides, degenerate inputs, and the
 * no-ties formula as an independent check), and Sobol' indices on Saltelli designs (Ishigami's
 * function against its analytic indices, a linear output, offset and scale, failed runs
 * dropping exactly their sample, constant outputs, a hand example, refusals).
 *
 * Hand computations, kept here so the numbers can be checked:
 *   y = 1..5: mean 3, sd = sqrt(10/4) = 1.5811388300841898; t_{0.975, 4} = 2.7764451051977987
 *     (published t tables: 2.776); half-width t sd / sqrt(5) = 1.9632431614775607.
 *   x = (1, 2, 2, 3), y = (1, 3, 2, 4): ranks (1, 2.5, 2.5, 4) and (1, 3, 2, 4), mean 2.5;
 *     deviations (-1.5, 0, 0, 1.5) and (-1.5, 0.5, -0.5, 1.5): sxy = 4.5, sxx = 4.5, syy = 5,
 *     rho = 4.5 / sqrt(22.5) = sqrt(0.9) = 0.9486832980505138 (the no-ties formula would
 *     give 1 - 6 * 0.5 / 60 = 0.95).
 *   x = (1, 1, 2, 3, 3), y = (5, 4, 4, 2, 1): ranks (1.5, 1.5, 3, 4.5, 4.5) and
 *     (5, 3.5, 3.5, 2, 1), mean 3; sxy = -3 - 0.75 + 0 - 1.5 - 3 = -8.25, sxx = 9, syy = 9.5,
 *     rho = -8.25 / sqrt(85.5) = -0.8922178162191939.
 */
#include <check.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check_run.h"
#include "design.h"
#include "errors.h"
#include "rng.h"
#include "stats.h"

#define FAMILY 98 /* any value: the tests' own stream family */

static gsl_rng *stream(uint64_t seed)
{
    gsl_rng *r = NULL;
    ck_assert_int_eq(ak_rng_stream(seed, 0, FAMILY, &r), 0);
    return r;
}

/* ---- means and confidence intervals ---- */

START_TEST(mean_ci_known)
{
    static const double y[] = {1, 2, 3, 4, 5};
    ak_stats_ci ci;
    ck_assert_int_eq(ak_stats_mean_ci(y, 5, 0.95, &ci), 0);
    ck_assert_uint_eq(ci.n, 5);
    ck_assert(ci.mean == 3);
    ck_assert_double_eq_tol(ci.sd, 1.5811388300841898, 1e-15);
    ck_assert_double_eq_tol(ci.lo, 3 - 1.9632431614775607, 1e-12);
    ck_assert_double_eq_tol(ci.hi, 3 + 1.9632431614775607, 1e-12);

    /* A wider level, a wider interval, still centred. */
    ak_stats_ci wide;
    ck_assert_int_eq(ak_stats_mean_ci(y, 5, 0.99, &wide), 0);
    ck_assert(wide.lo < ci.lo && wide.hi > ci.hi);
    ck_assert_double_eq_tol(wide.hi - 3, 3 - wide.lo, 1e-12);
    /* t_{0.995, 4} = 4.604094871415897 (tables: 4.604). */
    ck_assert_double_eq_tol(wide.hi - 3, 4.604094871415897 * ci.sd / sqrt(5), 1e-9);
}
END_TEST

START_TEST(mean_ci_skips_nan)
{
    static const double y[] = {NAN, 1, 2, NAN, 3, 4, 5, NAN};
    static const double clean[] = {1, 2, 3, 4, 5};
    ak_stats_ci a, b;
    ck_assert_int_eq(ak_stats_mean_ci(y, 8, 0.95, &a), 0);
    ck_assert_int_eq(ak_stats_mean_ci(clean, 5, 0.95, &b), 0);
    ck_assert_uint_eq(a.n, 5);
    ck_assert(a.mean == b.mean && a.sd == b.sd && a.lo == b.lo && a.hi == b.hi);
}
END_TEST

START_TEST(mean_ci_small)
{
    ak_stats_ci ci;
    static const double one[] = {NAN, 7.5, NAN};
    ck_assert_int_eq(ak_stats_mean_ci(one, 3, 0.95, &ci), 0);
    ck_assert_uint_eq(ci.n, 1);
    ck_assert(ci.mean == 7.5);
    ck_assert(isnan(ci.sd) && isnan(ci.lo) && isnan(ci.hi));

    static const double none[] = {NAN, NAN};
    ck_assert_int_eq(ak_stats_mean_ci(none, 2, 0.95, &ci), 0);
    ck_assert_uint_eq(ci.n, 0);
    ck_assert(isnan(ci.mean) && isnan(ci.sd) && isnan(ci.lo) && isnan(ci.hi));

    memset(&ci, 0, sizeof ci);
    ck_assert_int_eq(ak_stats_mean_ci(none, 0, 0.95, &ci), 0);
    ck_assert_uint_eq(ci.n, 0);
    ck_assert(isnan(ci.mean) && isnan(ci.sd) && isnan(ci.lo) && isnan(ci.hi));
    ck_assert_int_eq(ak_stats_mean_ci(NULL, 0, 0.95, &ci), 0);
    ck_assert(isnan(ci.mean));

    /* No spread: the interval is the mean, even at a level whose t is huge. */
    static const double same[] = {2.25, 2.25, NAN, 2.25};
    ck_assert_int_eq(ak_stats_mean_ci(same, 4, 0.95, &ci), 0);
    ck_assert_uint_eq(ci.n, 3);
    ck_assert(ci.mean == 2.25 && ci.sd == 0 && ci.lo == 2.25 && ci.hi == 2.25);
    const double top = nextafter(1, 0); /* 1 - 2^-53: (1 + top) / 2 rounds to 1 */
    ck_assert_int_eq(ak_stats_mean_ci(same, 4, top, &ci), 0);
    ck_assert(ci.lo == 2.25 && ci.hi == 2.25);

    /* ... and with a spread, that level still gives a finite (huge) interval. */
    static const double two[] = {1, 2};
    ck_assert_int_eq(ak_stats_mean_ci(two, 2, top, &ci), 0);
    ck_assert(isfinite(ci.lo) && isfinite(ci.hi) && ci.hi - ci.lo > 1e14);
}
END_TEST

START_TEST(mean_ci_far_from_zero)
{
    /* 1e9 + (1..5): a one-pass sum of squares loses every digit of the sd here. */
    double y[5];
    for (int i = 0; i < 5; i++)
        y[i] = 1e9 + (i + 1);
    ak_stats_ci ci;
    ck_assert_int_eq(ak_stats_mean_ci(y, 5, 0.95, &ci), 0);
    ck_assert(ci.mean == 1e9 + 3);
    ck_assert_double_eq_tol(ci.sd, 1.5811388300841898, 1e-12);
}
END_TEST

START_TEST(mean_ci_refusals)
{
    static const double y[] = {1, 2, 3};
    static const double bad[] = {0, 1, -0.5, 1.5, NAN, INFINITY};
    ak_stats_ci ci = {.n = 77};
    for (size_t c = 0; c < sizeof bad / sizeof bad[0]; c++)
        ck_assert_int_eq(ak_stats_mean_ci(y, 3, bad[c], &ci), AK_EINVAL);
    ck_assert_int_eq(ak_stats_mean_ci(y, 3, 0.95, NULL), AK_EINVAL);
    ck_assert_int_eq(ak_stats_mean_ci(NULL, 3, 0.95, &ci), AK_EINVAL);
    ck_assert_uint_eq(ci.n, 77); /* untouched */
}
END_TEST

/* ---- Morris measures ---- */

START_TEST(morris_hand_design)
{
    /* Two trajectories of two factors, steps of 0.5 (any one-at-a-time path is accepted):
     *   factor 0: (2 - 1)/0.5 = 2 and (0 - 1)/0.5 = -2: mu 0, mu* 2, sigma sqrt(8);
     *   factor 1: (4 - 2)/-0.5 = -4 and (1 - 0)/0.5 = 2: mu -1, mu* 3, sigma sqrt(18). */
    static const uint32_t factor[] = {UINT32_MAX, 0, 1, UINT32_MAX, 1, 0};
    static const double step[] = {0, 0.5, -0.5, 0, 0.5, 0.5};
    static const double y[] = {1, 2, 4, 0, 1, 0};
    ak_stats_effects e[2];
    ck_assert_int_eq(ak_stats_morris(y, 2, 2, factor, step, e), 0);
    ck_assert_uint_eq(e[0].n, 2);
    ck_assert(e[0].mu == 0 && e[0].mu_star == 2);
    ck_assert_double_eq_tol(e[0].sigma, 2.8284271247461903, 1e-15);
    ck_assert_uint_eq(e[1].n, 2);
    ck_assert(e[1].mu == -1 && e[1].mu_star == 3);
    ck_assert_double_eq_tol(e[1].sigma, 4.242640687119285, 1e-15);

    /* One trajectory: one effect each, no sigma. The struct tag names the same type. */
    struct ak_stats_morris f[2];
    ck_assert_int_eq(ak_stats_morris(y, 1, 2, factor, step, f), 0);
    ck_assert(f[0].n == 1 && f[0].mu == 2 && f[0].mu_star == 2 && isnan(f[0].sigma));
    ck_assert(f[1].n == 1 && f[1].mu == -4 && f[1].mu_star == 4 && isnan(f[1].sigma));
}
END_TEST

enum { T = 20, K = 3, P = 4, ROWS = T * (K + 1) };

/* A Morris design of T trajectories, K factors, P levels from seed. */
static void morris_design(uint64_t seed, double *x, uint32_t *factor, double *step)
{
    gsl_rng *r = stream(seed);
    ck_assert_int_eq(ak_design_morris(r, T, K, P, x, factor, step), 0);
    gsl_rng_free(r);
}

START_TEST(morris_linear)
{
    double x[ROWS * K], step[ROWS], y[ROWS];
    uint32_t factor[ROWS];
    morris_design(1, x, factor, step);
    for (size_t i = 0; i < ROWS; i++)
        y[i] = 3 * x[i * K] - 2 * x[i * K + 1] + 0 * x[i * K + 2];
    ak_stats_effects e[K];
    ck_assert_int_eq(ak_stats_morris(y, T, K, factor, step, e), 0);
    static const double mu[K] = {3, -2, 0}, mu_star[K] = {3, 2, 0};
    for (size_t j = 0; j < K; j++) {
        ck_assert_uint_eq(e[j].n, T);
        ck_assert_double_eq_tol(e[j].mu, mu[j], 1e-12);
        ck_assert_double_eq_tol(e[j].mu_star, mu_star[j], 1e-12);
        ck_assert_double_le(e[j].sigma, 1e-12);
    }
}
END_TEST

START_TEST(morris_interaction)
{
    /* y = x0 x1: the effect of x0 is x1 (and vice versa), which varies between trajectories;
     * x2 does nothing. */
    double x[ROWS * K], step[ROWS], y[ROWS];
    uint32_t factor[ROWS];
    morris_design(2, x, factor, step);
    for (size_t i = 0; i < ROWS; i++)
        y[i] = x[i * K] * x[i * K + 1];
    ak_stats_effects e[K];
    ck_assert_int_eq(ak_stats_morris(y, T, K, factor, step, e), 0);
    ck_assert_double_gt(e[0].sigma, 0.1);
    ck_assert_double_gt(e[1].sigma, 0.1);
    ck_assert(e[2].mu == 0 && e[2].mu_star == 0 && e[2].sigma == 0);
    /* Effects of x0 are values of x1, in [0, 1]; mu* = mu as none is negative. */
    ck_assert(e[0].mu >= 0 && e[0].mu <= 1 && e[0].mu_star == e[0].mu);
}
END_TEST

START_TEST(morris_failed_runs)
{
    double x[ROWS * K], step[ROWS], y[ROWS];
    uint32_t factor[ROWS];
    morris_design(3, x, factor, step);
    for (size_t i = 0; i < ROWS; i++)
        y[i] = 3 * x[i * K] - 2 * x[i * K + 1];
    /* Trajectory 0, point 1 (inside): drops the moves into points 1 and 2. Trajectory 1, its
     * first point: drops the move into its point 1. Trajectory 2, its last point: drops the
     * move into it. Trajectory 3, points 1 and 2 (adjacent): drops the moves into 1, 2, 3. */
    const size_t per = K + 1;
    size_t nan_at[] = {1, per, 2 * per + K, 3 * per + 1, 3 * per + 2};
    uint32_t lost[K] = {0};
    lost[factor[1]]++;
    lost[factor[2]]++;
    lost[factor[per + 1]]++;
    lost[factor[2 * per + K]]++;
    lost[factor[3 * per + 1]]++;
    lost[factor[3 * per + 2]]++;
    lost[factor[3 * per + 3]]++;
    for (size_t c = 0; c < sizeof nan_at / sizeof nan_at[0]; c++)
        y[nan_at[c]] = NAN;
    ak_stats_effects e[K];
    ck_assert_int_eq(ak_stats_morris(y, T, K, factor, step, e), 0);
    uint32_t total = 0;
    static const double mu[K] = {3, -2, 0};
    for (size_t j = 0; j < K; j++) {
        ck_assert_uint_eq(e[j].n, T - lost[j]);
        total += e[j].n;
        ck_assert_double_eq_tol(e[j].mu, mu[j], 1e-12);
        ck_assert_double_le(e[j].sigma, 1e-12);
    }
    ck_assert_uint_eq(total, T * K - 7);

    /* Every run failed: nothing to summarise. */
    for (size_t i = 0; i < ROWS; i++)
        y[i] = NAN;
    ck_assert_int_eq(ak_stats_morris(y, T, K, factor, step, e), 0);
    for (size_t j = 0; j < K; j++)
        ck_assert(e[j].n == 0 && isnan(e[j].mu) && isnan(e[j].mu_star) && isnan(e[j].sigma));
}
END_TEST

START_TEST(morris_refusals)
{
    uint32_t factor[] = {UINT32_MAX, 0, 1};
    double step[] = {0, 0.5, 0.5}, y[] = {0, 1, 2};
    ak_stats_effects e[2] = {{.n = 77}, {.n = 77}};
    ck_assert_int_eq(ak_stats_morris(NULL, 1, 2, factor, step, e), AK_EINVAL);
    ck_assert_int_eq(ak_stats_morris(y, 1, 2, NULL, step, e), AK_EINVAL);
    ck_assert_int_eq(ak_stats_morris(y, 1, 2, factor, NULL, e), AK_EINVAL);
    ck_assert_int_eq(ak_stats_morris(y, 1, 2, factor, step, NULL), AK_EINVAL);
    ck_assert_int_eq(ak_stats_morris(y, 0, 2, factor, step, e), AK_EINVAL);
    ck_assert_int_eq(ak_stats_morris(y, 1, 0, factor, step, e), AK_EINVAL);
    ck_assert_int_eq(ak_stats_morris(y, 1, UINT32_MAX, factor, step, e), AK_EINVAL);
    factor[2] = 2; /* not below k */
    ck_assert_int_eq(ak_stats_morris(y, 1, 2, factor, step, e), AK_EINVAL);
    factor[2] = 1;
    step[1] = 0;
    ck_assert_int_eq(ak_stats_morris(y, 1, 2, factor, step, e), AK_EINVAL);
    step[1] = INFINITY;
    ck_assert_int_eq(ak_stats_morris(y, 1, 2, factor, step, e), AK_EINVAL);
    step[1] = NAN;
    ck_assert_int_eq(ak_stats_morris(y, 1, 2, factor, step, e), AK_EINVAL);
    ck_assert(e[0].n == 77 && e[1].n == 77); /* untouched */
    step[1] = 0.5;
    ck_assert_int_eq(ak_stats_morris(y, 1, 2, factor, step, e), 0);
    ck_assert(e[0].n == 1 && e[0].mu == 2 && e[1].n == 1 && e[1].mu == 2);
}
END_TEST

/* ---- Sobol' indices ---- */

enum { SN = 1 << 13, SK = 3 }; /* base samples and factors (Ishigami's 3) */

/* Outputs of f at a Saltelli design of n samples and k factors, into a fresh array. */
static double *saltelli_outputs(uint32_t n, uint32_t k, double (*f)(const double *u))
{
    const size_t points = (size_t)n * (k + 2);
    double *x = malloc(points * k * sizeof *x), *y = malloc(points * sizeof *y);
    ck_assert_ptr_nonnull(x);
    ck_assert_ptr_nonnull(y);
    ck_assert_int_eq(ak_design_saltelli(n, k, x), 0);
    for (size_t p = 0; p < points; p++)
        y[p] = f(x + p * k);
    free(x);
    return y;
}

/* Ishigami and Homma's function (a = 7, b = 0.1) on [-pi, pi]^3 from the unit cube. */
static double ishigami(const double *u)
{
    double x1 = -M_PI + 2 * M_PI * u[0], x2 = -M_PI + 2 * M_PI * u[1];
    double x3 = -M_PI + 2 * M_PI * u[2], s2 = sin(x2);
    return sin(x1) + 7 * s2 * s2 + 0.1 * pow(x3, 4) * sin(x1);
}

START_TEST(sobol_ishigami)
{
    /* Analytic indices (Sobol' and Levitan 1999; Saltelli et al. 2010 use the same function),
     * with D = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2 = 13.844587940719254:
     *   D1 = (1 + b pi^4/5)^2 / 2 = 4.345888023894163, D2 = a^2/8 = 6.125, D3 = 0,
     *   D13 = b^2 pi^8 (1/18 - 1/50) = 3.373699916825092, the only interaction;
     *   S = (D1, D2, 0) / D = (0.3139052, 0.4424111, 0),
     *   ST = (D1 + D13, D2, D13) / D = (0.5575889, 0.4424111, 0.2436837). */
    static const double s_want[SK] = {0.31390519114781146, 0.4424111447900409, 0};
    static const double st_want[SK] = {0.5575888552099592, 0.4424111447900409,
                                      0.2436836640621477};
    double *y = saltelli_outputs(SN, SK, ishigami);
    double s1[SK], st[SK];
    uint32_t used = 0;
    ck_assert_int_eq(ak_stats_sobol(y, SN, SK, s1, st, &used), 0);
    ck_assert_uint_eq(used, SN);
    for (size_t i = 0; i < SK; i++) {
        ck_assert_double_eq_tol(s1[i], s_want[i], 0.005);
        ck_assert_double_eq_tol(st[i], st_want[i], 0.005);
    }
    free(y);
}
END_TEST

static double linear(const double *u)
{
    return 2 * u[0] + u[1]; /* u[2] does nothing */
}

START_TEST(sobol_linear)
{
    /* Var = (4 + 1) / 12: S = ST = (0.8, 0.2), and 0 for the third factor, exactly, since
     * f(AB_2,j) = f(A_j) to the bit. */
    double *y = saltelli_outputs(SN, SK, linear);
    double s1[SK], st[SK];
    uint32_t used = 0;
    ck_assert_int_eq(ak_stats_sobol(y, SN, SK, s1, st, &used), 0);
    ck_assert_uint_eq(used, SN);
    static const double want[SK] = {0.8, 0.2, 0};
    for (size_t i = 0; i < SK; i++) {
        ck_assert_double_eq_tol(s1[i], want[i], 3e-3);
        ck_assert_double_eq_tol(st[i], want[i], 3e-3);
    }
    ck_assert(s1[2] == 0 && st[2] == 0);

    /* An offset and a scale change nothing but rounding; the offset would swamp Saltelli's
     * uncentred product (stats.h). */
    double s1b[SK], stb[SK];
    for (size_t p = 0; p < (size_t)SN * (SK + 2); p++)
        y[p] = -3 * y[p] + 1e9;
    ck_assert_int_eq(ak_stats_sobol(y, SN, SK, s1b, stb, &used), 0);
    for (size_t i = 0; i < SK; i++) {
        ck_assert_double_eq_tol(s1b[i], s1[i], 1e-6);
        ck_assert_double_eq_tol(stb[i], st[i], 1e-6);
    }
    free(y);
}
END_TEST

START_TEST(sobol_failed_runs)
{
    double *y = saltelli_outputs(SN, SK, ishigami);
    const size_t per = SK + 2, total = (size_t)SN * per;
    double s1[SK], st[SK], full_s1[SK], full_st[SK];
    uint32_t used = 0;
    ck_assert_int_eq(ak_stats_sobol(y, SN, SK, full_s1, full_st, &used), 0);

    /* One NaN, in AB_1 of sample 77: that sample goes, and only it. The estimates are then
     * those of the same outputs with sample 77 cut out, to rounding (the sums run over the
     * same values in the same order). */
    double *cut = malloc(total * sizeof *cut);
    ck_assert_ptr_nonnull(cut);
    memcpy(cut, y, 77 * per * sizeof *y);
    memcpy(cut + 77 * per, y + 78 * per, (total - 78 * per) * sizeof *y);
    double cut_s1[SK], cut_st[SK];
    ck_assert_int_eq(ak_stats_sobol(cut, SN - 1, SK, cut_s1, cut_st, &used), 0);
    ck_assert_uint_eq(used, SN - 1);
    y[77 * per + 3] = NAN;
    used = 0;
    ck_assert_int_eq(ak_stats_sobol(y, SN, SK, s1, st, &used), 0);
    ck_assert_uint_eq(used, SN - 1);
    for (size_t i = 0; i < SK; i++) {
        ck_assert_double_eq_tol(s1[i], cut_s1[i], 1e-12);
        ck_assert_double_eq_tol(st[i], cut_st[i], 1e-12);
        ck_assert_double_eq_tol(s1[i], full_s1[i], 1e-3);
        ck_assert_double_eq_tol(st[i], full_st[i], 1e-3);
    }

    /* A second NaN in the same sample (its B) costs nothing more; NaNs in an A, in the last
     * sample's last AB, and in the first sample's B each cost one sample. */
    y[77 * per + 1] = NAN;
    y[500 * per] = NAN;
    y[total - 1] = NAN;
    y[1] = NAN;
    ck_assert_int_eq(ak_stats_sobol(y, SN, SK, s1, st, &used), 0);
    ck_assert_uint_eq(used, SN - 4);
    for (size_t i = 0; i < SK; i++) {
        ck_assert_double_eq_tol(s1[i], full_s1[i], 2e-3);
        ck_assert_double_eq_tol(st[i], full_st[i], 2e-3);
    }

    /* All but one sample failed: too few for a variance. */
    for (size_t j = 1; j < SN; j++)
        y[j * per + 2] = NAN;
    y[0] = 0.5; /* sample 0 clean again */
    y[1] = 1.5;
    ck_assert_int_eq(ak_stats_sobol(y, SN, SK, s1, st, &used), 0);
    ck_assert_uint_eq(used, 1);
    for (size_t i = 0; i < SK; i++)
        ck_assert(isnan(s1[i]) && isnan(st[i]));
    /* ... and with none left. */
    y[0] = NAN;
    ck_assert_int_eq(ak_stats_sobol(y, SN, SK, s1, st, &used), 0);
    ck_assert_uint_eq(used, 0);
    for (size_t i = 0; i < SK; i++)
        ck_assert(isnan(s1[i]) && isnan(st[i]));
    free(cut);
    free(y);
}
END_TEST

START_TEST(sobol_degenerate)
{
    /* A constant output: V = 0, no indices, whether or not 2m copies of the value average
     * back to it exactly (0.1 does not). */
    static const double values[] = {0, 2.25, 0.1, -1e12 / 3};
    enum { M = 1000 };
    double y[M * (SK + 2)], s1[SK], st[SK];
    uint32_t used = 0;
    for (size_t c = 0; c < sizeof values / sizeof values[0]; c++) {
        for (size_t p = 0; p < M * (SK + 2); p++)
            y[p] = values[c];
        ck_assert_int_eq(ak_stats_sobol(y, M, SK, s1, st, &used), 0);
        ck_assert_uint_eq(used, M);
        for (size_t i = 0; i < SK; i++)
            ck_assert_msg(isnan(s1[i]) && isnan(st[i]), "value %g: factor %zu", values[c], i);
    }
    /* Over many samples the mean of equal values can miss them by many ulps (33000 here), and
     * the two-pass variance then leaves a residue (2e-27 here); it is still V = 0. */
    enum { MANY = 200000 };
    double *flat = malloc(3 * (size_t)MANY * sizeof *flat);
    ck_assert_ptr_nonnull(flat);
    for (size_t p = 0; p < 3 * (size_t)MANY; p++)
        flat[p] = 768758.39499622723;
    ck_assert_int_eq(ak_stats_sobol(flat, MANY, 1, s1, st, &used), 0);
    ck_assert(used == MANY && isnan(s1[0]) && isnan(st[0]));
    free(flat);
    /* Equal f(A) and f(B) but varying f(AB_i): V = 0 still, not a division of those by 0. */
    for (size_t j = 0; j < M; j++) {
        for (size_t p = 0; p < SK + 2; p++)
            y[j * (SK + 2) + p] = p < 2 ? 1.0 : (double)(j % 3);
    }
    ck_assert_int_eq(ak_stats_sobol(y, M, SK, s1, st, &used), 0);
    for (size_t i = 0; i < SK; i++)
        ck_assert(isnan(s1[i]) && isnan(st[i]));
    /* f(A) and f(B) that differ, by so little that V underflows to 0. */
    for (size_t j = 0; j < M; j++)
        y[j * (SK + 2)] = y[j * (SK + 2) + 1] = j % 2 ? 1e-200 : 0.0;
    ck_assert_int_eq(ak_stats_sobol(y, M, SK, s1, st, &used), 0);
    for (size_t i = 0; i < SK; i++)
        ck_assert(isnan(s1[i]) && isnan(st[i]));

    /* One sample: no variance. Two samples: a hand example (far too few for indices in
     * [0, 1], enough to check the formulas). k = 1, samples (A, B, AB_0) (1, 3, 3) and
     * (2, 0, 1): f0 = 1.5, V = (0.25 + 2.25 + 0.25 + 2.25) / 3 = 5/3;
     * S = ((3 - 1.5)(3 - 1) + (0 - 1.5)(1 - 2)) / 2 / V = 2.25 / (5/3) = 1.35 (uncentred,
     * (3 * 2 + 0 * -1) / 2 / V would be 1.8), ST = ((1 - 3)^2 + (2 - 1)^2) / 4 / V = 0.75. */
    static const double two[] = {1, 3, 3, 2, 0, 1};
    double a[1], b[1];
    ck_assert_int_eq(ak_stats_sobol(two, 1, 1, a, b, &used), 0);
    ck_assert(used == 1 && isnan(a[0]) && isnan(b[0]));
    ck_assert_int_eq(ak_stats_sobol(two, 2, 1, a, b, &used), 0);
    ck_assert_uint_eq(used, 2);
    ck_assert_double_eq_tol(a[0], 1.35, 1e-14);
    ck_assert_double_eq_tol(b[0], 0.75, 1e-14);

    /* Refusals leave every output as it was. */
    a[0] = b[0] = 7;
    used = 77;
    ck_assert_int_eq(ak_stats_sobol(NULL, 2, 1, a, b, &used), AK_EINVAL);
    ck_assert_int_eq(ak_stats_sobol(two, 2, 1, NULL, b, &used), AK_EINVAL);
    ck_assert_int_eq(ak_stats_sobol(two, 2, 1, a, NULL, &used), AK_EINVAL);
    ck_assert_int_eq(ak_stats_sobol(two, 2, 1, a, b, NULL), AK_EINVAL);
    ck_assert_int_eq(ak_stats_sobol(two, 0, 1, a, b, &used), AK_EINVAL);
    ck_assert_int_eq(ak_stats_sobol(two, 2, 0, a, b, &used), AK_EINVAL);
    ck_assert(a[0] == 7 && b[0] == 7 && used == 77);
}
END_TEST

/* ---- Spearman ---- */

START_TEST(spearman_monotone)
{
    enum { N = 40 };
    double x[N], y[N], z[N];
    for (int i = 0; i < N; i++) {
        x[i] = (i * 17 % N) / 10.0; /* a permutation of 0..3.9: unsorted input */
        y[i] = exp(3 * x[i]) + pow(x[i], 3);
        z[i] = -y[i];
    }
    double rho;
    ck_assert_int_eq(ak_stats_spearman(x, 1, y, N, &rho), 0);
    ck_assert(rho == 1);
    ck_assert_int_eq(ak_stats_spearman(x, 1, z, N, &rho), 0);
    ck_assert(rho == -1);
}
END_TEST

START_TEST(spearman_ties)
{
    double rho;
    static const double x1[] = {1, 2, 2, 3}, y1[] = {1, 3, 2, 4};
    ck_assert_int_eq(ak_stats_spearman(x1, 1, y1, 4, &rho), 0);
    ck_assert_double_eq_tol(rho, 0.9486832980505138, 1e-15);
    /* Symmetric in its two variables. */
    ck_assert_int_eq(ak_stats_spearman(y1, 1, x1, 4, &rho), 0);
    ck_assert_double_eq_tol(rho, 0.9486832980505138, 1e-15);

    static const double x2[] = {3, 1, 2, 3, 1}, y2[] = {2, 5, 4, 1, 4};
    ck_assert_int_eq(ak_stats_spearman(x2, 1, y2, 5, &rho), 0);
    ck_assert_double_eq_tol(rho, -0.8922178162191939, 1e-15);
}
END_TEST

START_TEST(spearman_nan_and_stride)
{
    /* The second hand example as column 1 of a row-major design with 3 factors, with a NaN
     * factor value in one extra row and a NaN output in another. */
    static const double x2[] = {3, 1, 2, 3, 1}, y2[] = {2, 5, 4, 1, 4};
    double design[7 * 3], y[7];
    size_t row = 0;
    for (size_t i = 0; i < 7; i++) {
        design[i * 3] = design[i * 3 + 2] = 100 + i; /* the other factors: unrelated */
        if (i == 2) {
            design[i * 3 + 1] = NAN;
            y[i] = 1;
        } else if (i == 5) {
            design[i * 3 + 1] = 2;
            y[i] = NAN;
        } else {
            design[i * 3 + 1] = x2[row];
            y[i] = y2[row];
            row++;
        }
    }
    double rho;
    ck_assert_int_eq(ak_stats_spearman(design + 1, 3, y, 7, &rho), 0);
    ck_assert_double_eq_tol(rho, -0.8922178162191939, 1e-15);
}
END_TEST

START_TEST(spearman_degenerate)
{
    double rho = 0;
    static const double c[] = {7, 7, 7, 7}, v[] = {1, 2, 3, 4};
    ck_assert_int_eq(ak_stats_spearman(c, 1, v, 4, &rho), 0);
    ck_assert(isnan(rho));
    rho = 0;
    ck_assert_int_eq(ak_stats_spearman(v, 1, c, 4, &rho), 0);
    ck_assert(isnan(rho));

    /* Fewer than 3 pairs, outright or once NaN pairs are skipped. */
    rho = 0;
    ck_assert_int_eq(ak_stats_spearman(v, 1, v, 2, &rho), 0);
    ck_assert(isnan(rho));
    static const double holes[] = {1, NAN, 3, NAN};
    rho = 0;
    ck_assert_int_eq(ak_stats_spearman(holes, 1, v, 4, &rho), 0);
    ck_assert(isnan(rho));
    rho = 0;
    ck_assert_int_eq(ak_stats_spearman(NULL, 1, NULL, 0, &rho), 0);
    ck_assert(isnan(rho));
    /* Three pairs suffice. */
    ck_assert_int_eq(ak_stats_spearman(v, 1, v, 3, &rho), 0);
    ck_assert(rho == 1);

    rho = 5;
    ck_assert_int_eq(ak_stats_spearman(v, 0, v, 4, &rho), AK_EINVAL);
    ck_assert_int_eq(ak_stats_spearman(NULL, 1, v, 4, &rho), AK_EINVAL);
    ck_assert_int_eq(ak_stats_spearman(v, 1, NULL, 4, &rho), AK_EINVAL);
    ck_assert_int_eq(ak_stats_spearman(v, 1, v, 4, NULL), AK_EINVAL);
    ck_assert(rho == 5);
}
END_TEST

START_TEST(spearman_no_ties_formula)
{
    /* Without ties Spearman's rho is 1 - 6 sum d^2 / (n (n^2 - 1)), d the rank differences:
     * an independent computation on random data with a weak relation. */
    enum { N = 60 };
    gsl_rng *r = stream(7);
    double x[N], y[N];
    for (int i = 0; i < N; i++) {
        x[i] = gsl_rng_uniform(r);
        y[i] = x[i] + gsl_rng_uniform(r);
    }
    double d2 = 0;
    for (int i = 0; i < N; i++) {
        int rx = 1, ry = 1;
        for (int j = 0; j < N; j++) {
            rx += x[j] < x[i];
            ry += y[j] < y[i];
        }
        d2 += (double)(rx - ry) * (rx - ry);
    }
    double want = 1 - 6 * d2 / (N * ((double)N * N - 1));
    double rho;
    ck_assert_int_eq(ak_stats_spearman(x, 1, y, N, &rho), 0);
    ck_assert_double_eq_tol(rho, want, 1e-12);
    ck_assert_double_gt(rho, 0.3); /* the relation shows */
    gsl_rng_free(r);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("stats");
    TCase *tc = tcase_create("stats");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, mean_ci_known);
    tcase_add_test(tc, mean_ci_skips_nan);
    tcase_add_test(tc, mean_ci_small);
    tcase_add_test(tc, mean_ci_far_from_zero);
    tcase_add_test(tc, mean_ci_refusals);
    tcase_add_test(tc, morris_hand_design);
    tcase_add_test(tc, morris_linear);
    tcase_add_test(tc, morris_interaction);
    tcase_add_test(tc, morris_failed_runs);
    tcase_add_test(tc, morris_refusals);
    tcase_add_test(tc, sobol_ishigami);
    tcase_add_test(tc, sobol_linear);
    tcase_add_test(tc, sobol_failed_runs);
    tcase_add_test(tc, sobol_degenerate);
    tcase_add_test(tc, spearman_monotone);
    tcase_add_test(tc, spearman_ties);
    tcase_add_test(tc, spearman_nan_and_stride);
    tcase_add_test(tc, spearman_degenerate);
    tcase_add_test(tc, spearman_no_ties_formula);
    suite_add_tcase(s, tc);
    return check_run(s);
}
