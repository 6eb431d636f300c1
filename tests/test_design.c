/*
 * tests/test_design.c: designs on the unit cube (sim/design.h): random points (range, the draw
 * order, reproducibility), Latin hypercubes (one point per stratum in every factor, also when
 * every uniform is the largest double below 1), Sobol' points (the published first points in
 * two dimensions, the origin GSL skips, balance of every power-of-2 prefix, the limits),
 * Saltelli designs (A and B as the halves of Sobol' points 1..n, AB_i as A with B's column i,
 * prefixes, the limits) and Morris trajectories (grid, one move per factor by +/-delta,
 * reproducibility, refusals).
 *
 * The Sobol' points in two dimensions were derived by hand from the direction numbers of the
 * first two dimensions (v_i = 2^-i, and v_i = m_i 2^-i with m = 1, 3, 5, 15, ... from the
 * primitive polynomial x + 1), taken in Gray-code order from the origin; they are the same in
 * Bratley and Fox's (GSL's) and in Joe and Kuo's direction numbers.
 */
#include <check.h>
#include <float.h>
#include <gsl/gsl_qrng.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check_run.h"
#include "design.h"
#include "errors.h"
#include "rng.h"

/* An assertion for hot loops: Check's own report each passing assertion through a pipe. */
#define CHECK(cond, ...)                                                                       \
    do {                                                                                       \
        if (!(cond))                                                                           \
            ck_abort_msg(__VA_ARGS__);                                                         \
    } while (0)

#define FAMILY 99 /* any value: the tests' own stream family */

static gsl_rng *stream(uint64_t seed)
{
    gsl_rng *r = NULL;
    ck_assert_int_eq(ak_rng_stream(seed, 0, FAMILY, &r), 0);
    return r;
}

static double *doubles(size_t n)
{
    double *x = malloc(n * sizeof *x);
    ck_assert_ptr_nonnull(x);
    return x;
}

/* A generator whose every uniform is the largest double below 1 (and every integer 0): the
 * worst case for rounding a point onto the next stratum's edge. */
static void top_set(void *state, unsigned long seed)
{
    (void)state;
    (void)seed;
}

static unsigned long top_get(void *state)
{
    (void)state;
    return 0;
}

static double top_get_double(void *state)
{
    (void)state;
    return 1 - 0x1p-53;
}

static const gsl_rng_type top_type = {
    "top", 0xffffffffUL, 0, sizeof(int), top_set, top_get, top_get_double,
};

/* ---- random ---- */

START_TEST(random_points)
{
    enum { N = 1000, K = 3 };
    double *x = doubles(N * K), *y = doubles(N * K);
    gsl_rng *r = stream(1);
    ck_assert_int_eq(ak_design_random(r, N, K, x), 0);
    double sum = 0;
    for (size_t i = 0; i < N * K; i++) {
        CHECK(x[i] >= 0 && x[i] < 1, "x[%zu] = %g", i, x[i]);
        sum += x[i];
    }
    ck_assert_double_eq_tol(sum / (N * K), 0.5, 0.03); /* sd of the mean: 0.0053 */

    /* The contract's draw order: row-major successive uniforms of the stream. */
    gsl_rng *again = stream(1);
    for (size_t i = 0; i < N * K; i++)
        CHECK(x[i] == gsl_rng_uniform(again), "draw %zu", i);
    gsl_rng_free(again);

    /* Same seed, same points; another seed, other points. */
    again = stream(1);
    ck_assert_int_eq(ak_design_random(again, N, K, y), 0);
    ck_assert_mem_eq(x, y, sizeof(double) * N * K);
    gsl_rng *other = stream(2);
    ck_assert_int_eq(ak_design_random(other, N, K, y), 0);
    size_t same = 0;
    for (size_t i = 0; i < N * K; i++)
        same += x[i] == y[i];
    ck_assert_uint_eq(same, 0);

    /* Refusals leave x as it was. */
    y[0] = -1;
    ck_assert_int_eq(ak_design_random(r, 0, K, y), AK_EINVAL);
    ck_assert_int_eq(ak_design_random(r, N, 0, y), AK_EINVAL);
    ck_assert_int_eq(ak_design_random(NULL, N, K, y), AK_EINVAL);
    ck_assert_int_eq(ak_design_random(r, N, K, NULL), AK_EINVAL);
    ck_assert(y[0] == -1);
    gsl_rng_free(r);
    gsl_rng_free(again);
    gsl_rng_free(other);
    free(x);
    free(y);
}
END_TEST

/* ---- Latin hypercube ---- */

/* Whether every factor of x (n points, k factors) has exactly one point per stratum. */
static void assert_latin(const double *x, uint32_t n, uint32_t k)
{
    unsigned *count = calloc(n, sizeof *count);
    ck_assert_ptr_nonnull(count);
    for (uint32_t j = 0; j < k; j++) {
        memset(count, 0, n * sizeof *count);
        for (uint32_t i = 0; i < n; i++) {
            double v = x[(size_t)i * k + j];
            CHECK(v >= 0 && v < 1, "n %u point %u factor %u: %.17g", n, i, j, v);
            count[(uint32_t)floor(v * n)]++;
        }
        for (uint32_t s = 0; s < n; s++)
            CHECK(count[s] == 1, "n %u factor %u: stratum %u holds %u points", n, j, s,
                  count[s]);
    }
    free(count);
}

static const uint32_t lhs_n[] = {1, 7, 100};
static const uint32_t lhs_k[] = {1, 5};

START_TEST(lhs_one_point_per_stratum)
{
    uint32_t n = lhs_n[_i / 2], k = lhs_k[_i % 2];
    double *x = doubles((size_t)n * k);
    gsl_rng *r = stream(10 + (uint64_t)_i);
    ck_assert_int_eq(ak_design_lhs(r, n, k, x), 0);
    assert_latin(x, n, k);
    gsl_rng_free(r);
    free(x);
}
END_TEST

START_TEST(lhs_random_matching)
{
    enum { N = 100, K = 5 };
    double *x = doubles(N * K), *y = doubles(N * K);
    gsl_rng *r = stream(3), *again = stream(3), *other = stream(4);
    ck_assert_int_eq(ak_design_lhs(r, N, K, x), 0);
    ck_assert_int_eq(ak_design_lhs(again, N, K, y), 0);
    ck_assert_mem_eq(x, y, sizeof(double) * N * K);
    ck_assert_int_eq(ak_design_lhs(other, N, K, y), 0);
    assert_latin(y, N, K);
    size_t same = 0;
    for (size_t i = 0; i < N * K; i++)
        same += x[i] == y[i];
    ck_assert_uint_eq(same, 0);

    /* Strata are matched by independent permutations: no two factors share the matching, and
     * the matching is not the identity (each has probability 1/100! here). */
    for (uint32_t a = 0; a < K; a++) {
        uint32_t ident = 0;
        for (uint32_t i = 0; i < N; i++)
            ident += (uint32_t)floor(x[i * K + a] * N) == i;
        ck_assert_uint_lt(ident, N);
        for (uint32_t b = a + 1; b < K; b++) {
            uint32_t shared = 0;
            for (uint32_t i = 0; i < N; i++)
                shared += floor(x[i * K + a] * N) == floor(x[i * K + b] * N);
            ck_assert_uint_lt(shared, N);
        }
    }

    /* The position inside a stratum is uniform: its offset averages about 1/2. */
    double off = 0;
    for (size_t i = 0; i < N * K; i++)
        off += x[i] * N - floor(x[i] * N);
    ck_assert_double_eq_tol(off / (N * K), 0.5, 0.06); /* sd 0.013 */
    gsl_rng_free(r);
    gsl_rng_free(again);
    gsl_rng_free(other);
    free(x);
    free(y);
}
END_TEST

START_TEST(lhs_top_of_strata)
{
    /* (s + u) / n with u = 1 - 2^-53 rounds to (s + 1) / n for these n (for n = 3, s = 2:
     * 3 - 2^-53 rounds to 3, so the point would be 1); each must still sit in stratum s. */
    static const uint32_t ns[] = {1, 2, 3, 7, 100, 1000, 12345, 1u << 20};
    gsl_rng *top = gsl_rng_alloc(&top_type);
    ck_assert_ptr_nonnull(top);
    for (size_t c = 0; c < sizeof ns / sizeof ns[0]; c++) {
        double *x = doubles((size_t)ns[c] * 2);
        ck_assert_int_eq(ak_design_lhs(top, ns[c], 2, x), 0);
        assert_latin(x, ns[c], 2);
        free(x);
    }
    gsl_rng_free(top);
}
END_TEST

START_TEST(lhs_refusals)
{
    double x[4] = {-1, -1, -1, -1};
    gsl_rng *r = stream(5);
    ck_assert_int_eq(ak_design_lhs(r, 0, 2, x), AK_EINVAL);
    ck_assert_int_eq(ak_design_lhs(r, 2, 0, x), AK_EINVAL);
    ck_assert_int_eq(ak_design_lhs(NULL, 2, 2, x), AK_EINVAL);
    ck_assert_int_eq(ak_design_lhs(r, 2, 2, NULL), AK_EINVAL);
    /* A generator with 31 bits cannot shuffle 2^31 + 1 points (refused before x is used). */
    gsl_rng *narrow = gsl_rng_alloc(gsl_rng_rand);
    ck_assert_ptr_nonnull(narrow);
    ck_assert_int_eq(ak_design_lhs(narrow, 0x80000001u, 1, x), AK_EINVAL);
    for (size_t i = 0; i < 4; i++)
        ck_assert(x[i] == -1);
    /* ... and is fine for small n. */
    ck_assert_int_eq(ak_design_lhs(narrow, 2, 2, x), 0);
    assert_latin(x, 2, 2);
    gsl_rng_free(narrow);
    gsl_rng_free(r);
}
END_TEST

/* ---- Sobol' ---- */

START_TEST(sobol_published_points)
{
    static const double want[8][2] = {
        {0, 0},         {0.5, 0.5},     {0.75, 0.25},   {0.25, 0.75},
        {0.375, 0.375}, {0.875, 0.875}, {0.625, 0.125}, {0.125, 0.625},
    };
    double x[16];
    ck_assert_int_eq(ak_design_sobol(8, 2, x), 0);
    for (size_t i = 0; i < 8; i++) {
        ck_assert_msg(x[2 * i] == want[i][0] && x[2 * i + 1] == want[i][1],
                      "point %zu: (%g, %g)", i, x[2 * i], x[2 * i + 1]);
    }

    /* Points 1.. are GSL's own points from its first: GSL skips the origin. */
    enum { N = 100, K = 7 };
    double *y = doubles(N * K);
    ck_assert_int_eq(ak_design_sobol(N, K, y), 0);
    gsl_qrng *q = gsl_qrng_alloc(gsl_qrng_sobol, K);
    ck_assert_ptr_nonnull(q);
    double v[K];
    ck_assert_int_eq(gsl_qrng_get(q, v), 0);
    for (size_t j = 0; j < K; j++) {
        ck_assert(y[j] == 0);
        ck_assert(v[j] == 0.5); /* GSL's first point */
    }
    for (size_t i = 1; i < N; i++) {
        if (i > 1)
            ck_assert_int_eq(gsl_qrng_get(q, v), 0);
        ck_assert_mem_eq(y + i * K, v, sizeof v);
    }
    gsl_qrng_free(q);

    /* Deterministic. */
    double *z = doubles(N * K);
    ck_assert_int_eq(ak_design_sobol(N, K, z), 0);
    ck_assert_mem_eq(y, z, sizeof(double) * N * K);
    free(y);
    free(z);
}
END_TEST

START_TEST(sobol_balanced_prefixes)
{
    /* Every 2^m-point prefix: one point per interval of width 2^-m in every factor (each
     * Sobol' dimension is a (0, 1)-sequence), and for the first two factors one point per
     * elementary box of area 2^-m (a (0, m, 2)-net). */
    enum { M = 12, N = 1 << M, K = AK_DESIGN_SOBOL_MAX_K };
    double *x = doubles((size_t)N * K);
    ck_assert_int_eq(ak_design_sobol(N, K, x), 0);
    unsigned *count = malloc(N * sizeof *count);
    ck_assert_ptr_nonnull(count);
    for (unsigned m = 0; m <= M; m++) {
        uint32_t p = 1u << m;
        for (uint32_t j = 0; j < K; j++) {
            memset(count, 0, p * sizeof *count);
            for (uint32_t i = 0; i < p; i++) {
                double v = x[(size_t)i * K + j];
                CHECK(v >= 0 && v < 1, "point %u factor %u: %g", i, j, v);
                count[(uint32_t)(v * p)]++; /* exact: v is on a 2^-30 grid */
            }
            for (uint32_t s = 0; s < p; s++)
                CHECK(count[s] == 1, "m %u factor %u interval %u: %u points", m, j, s,
                      count[s]);
        }
        for (unsigned a = 0; a <= m; a++) {
            memset(count, 0, p * sizeof *count);
            for (uint32_t i = 0; i < p; i++) {
                uint32_t bx = (uint32_t)(x[(size_t)i * K] * (1u << a));
                uint32_t by = (uint32_t)(x[(size_t)i * K + 1] * (1u << (m - a)));
                count[(bx << (m - a)) | by]++;
            }
            for (uint32_t s = 0; s < p; s++)
                CHECK(count[s] == 1, "m %u boxes 2^-%u x 2^-%u: box %u holds %u", m, a, m - a,
                      s, count[s]);
        }
    }
    free(count);
    free(x);
}
END_TEST

START_TEST(sobol_limits)
{
    double x[4] = {-1, -1, -1, -1};
    ck_assert_int_eq(ak_design_sobol(2, AK_DESIGN_SOBOL_MAX_K + 1, x), AK_EINVAL);
    ck_assert_int_eq(ak_design_sobol(1, 1000, x), AK_EINVAL);
    ck_assert_int_eq(ak_design_sobol(0, 2, x), AK_EINVAL);
    ck_assert_int_eq(ak_design_sobol(2, 0, x), AK_EINVAL);
    ck_assert_int_eq(ak_design_sobol(2, 2, NULL), AK_EINVAL);
    ck_assert_int_eq(ak_design_sobol(AK_DESIGN_SOBOL_MAX_N + 1, 1, x), AK_EINVAL);
    for (size_t i = 0; i < 4; i++)
        ck_assert(x[i] == -1);
    ck_assert_uint_eq(AK_DESIGN_SOBOL_MAX_N, 1u << 30);
    /* One point is the origin; one factor is the van der Corput sequence. */
    ck_assert_int_eq(ak_design_sobol(1, 3, x), 0);
    ck_assert(x[0] == 0 && x[1] == 0 && x[2] == 0);
    ck_assert(x[3] == -1);
    ck_assert_int_eq(ak_design_sobol(4, 1, x), 0);
    ck_assert(x[0] == 0 && x[1] == 0.5 && x[2] == 0.75 && x[3] == 0.25);
}
END_TEST

/* ---- Saltelli ---- */

/* Point p of base sample j of a Saltelli design of k factors. */
static const double *saltelli_point(const double *x, uint32_t k, uint32_t j, uint32_t p)
{
    return x + ((size_t)j * (k + 2) + p) * k;
}

static const uint32_t saltelli_k[] = {1, 3, AK_DESIGN_SALTELLI_MAX_K};

START_TEST(saltelli_layout)
{
    enum { N = 64 };
    const uint32_t k = saltelli_k[_i];
    double *x = doubles((size_t)N * (k + 2) * k), *sob = doubles((size_t)(N + 1) * 2 * k);
    ck_assert_int_eq(ak_design_saltelli(N, k, x), 0);
    ck_assert_int_eq(ak_design_sobol(N + 1, 2 * k, sob), 0);
    for (uint32_t j = 0; j < N; j++) {
        /* A_j and B_j: the two halves of Sobol' point j + 1, exactly. */
        const double *s = sob + (size_t)(j + 1) * 2 * k;
        const double *a = saltelli_point(x, k, j, 0), *b = saltelli_point(x, k, j, 1);
        for (uint32_t c = 0; c < k; c++) {
            CHECK(a[c] == s[c], "k %u sample %u: A column %u", k, j, c);
            CHECK(b[c] == s[k + c], "k %u sample %u: B column %u", k, j, c);
            CHECK(a[c] > 0 && a[c] < 1 && b[c] > 0 && b[c] < 1, "k %u sample %u: range", k, j);
        }
        /* AB_i,j: A_j with column i from B_j. */
        for (uint32_t i = 0; i < k; i++) {
            const double *ab = saltelli_point(x, k, j, 2 + i);
            for (uint32_t c = 0; c < k; c++)
                CHECK(ab[c] == (c == i ? b[c] : a[c]), "k %u sample %u: AB_%u column %u", k,
                      j, i, c);
        }
    }
    /* The first samples are the design of fewer samples (design.h). */
    double *few = doubles((size_t)5 * (k + 2) * k);
    ck_assert_int_eq(ak_design_saltelli(5, k, few), 0);
    ck_assert_mem_eq(few, x, sizeof(double) * 5 * (k + 2) * k);
    free(few);
    free(sob);
    free(x);
}
END_TEST

START_TEST(saltelli_first_points)
{
    /* k = 1: the 2-dimensional Sobol' points 1 and 2 of sobol_published_points, (0.5, 0.5) and
     * (0.75, 0.25), as A, B and AB_0 = B. */
    double x[6];
    ck_assert_int_eq(ak_design_saltelli(2, 1, x), 0);
    static const double want[] = {0.5, 0.5, 0.5, 0.75, 0.25, 0.25};
    for (size_t i = 0; i < 6; i++)
        ck_assert_msg(x[i] == want[i], "x[%zu] = %g", i, x[i]);
}
END_TEST

START_TEST(saltelli_limits)
{
    double x[8] = {-1, -1, -1, -1, -1, -1, -1, -1};
    ck_assert_uint_eq(AK_DESIGN_SALTELLI_MAX_K, 20);
    ck_assert_int_eq(ak_design_saltelli(1, AK_DESIGN_SALTELLI_MAX_K + 1, x), AK_EINVAL);
    ck_assert_int_eq(ak_design_saltelli(1, UINT32_MAX, x), AK_EINVAL);
    ck_assert_int_eq(ak_design_saltelli(0, 1, x), AK_EINVAL);
    ck_assert_int_eq(ak_design_saltelli(1, 0, x), AK_EINVAL);
    ck_assert_int_eq(ak_design_saltelli(1, 1, NULL), AK_EINVAL);
    ck_assert_int_eq(ak_design_saltelli(AK_DESIGN_SALTELLI_MAX_N + 1, 1, x), AK_EINVAL);
    for (size_t i = 0; i < 8; i++)
        ck_assert(x[i] == -1);
    /* The largest k is accepted: one sample is 22 points of 20 coordinates. */
    double *big = doubles(22 * 20);
    ck_assert_int_eq(ak_design_saltelli(1, AK_DESIGN_SALTELLI_MAX_K, big), 0);
    for (size_t i = 0; i < 22 * 20; i++)
        ck_assert(big[i] == 0.5); /* point 1 is 0.5 in every dimension */
    free(big);
}
END_TEST

/* ---- Morris ---- */

static const uint32_t morris_levels[] = {2, 4, 6, 8};

START_TEST(morris_trajectories)
{
    enum { T = 50, K = 6 };
    uint32_t p = morris_levels[_i];
    const double delta = p / (2.0 * (p - 1));
    double *x = doubles(T * (K + 1) * K), step[T * (K + 1)];
    uint32_t factor[T * (K + 1)];
    gsl_rng *r = stream(20 + (uint64_t)_i);
    ck_assert_int_eq(ak_design_morris(r, T, K, p, x, factor, step), 0);
    unsigned up[K] = {0}, down[K] = {0};
    for (uint32_t t = 0; t < T; t++) {
        size_t i0 = (size_t)t * (K + 1);
        ck_assert_uint_eq(factor[i0], UINT32_MAX);
        ck_assert(step[i0] == 0);
        unsigned moved[K] = {0};
        for (size_t i = i0; i <= i0 + K; i++) {
            for (uint32_t j = 0; j < K; j++) {
                double v = x[i * K + j], g = round(v * (p - 1));
                /* On the grid: exactly level / (levels - 1), as the contract computes it. */
                CHECK(v >= 0 && v <= 1 && g >= 0 && g < p && v == g / (p - 1),
                      "levels %u point %zu factor %u: %.17g off the grid", p, i, j, v);
            }
            if (i == i0)
                continue;
            uint32_t f = factor[i];
            CHECK(f < K, "point %zu: factor %u", i, f);
            CHECK(step[i] == delta || step[i] == -delta, "point %zu: step %.17g", i, step[i]);
            moved[f]++;
            (step[i] > 0 ? up : down)[f]++;
            for (uint32_t j = 0; j < K; j++) {
                double d = x[i * K + j] - x[(i - 1) * K + j];
                if (j == f)
                    CHECK(fabs(d - step[i]) <= 4 * DBL_EPSILON, "point %zu: moved %.17g", i, d);
                else
                    CHECK(d == 0, "point %zu: factor %u moved too", i, j);
            }
            /* The direction is the only one open from the start level. */
            CHECK((step[i] > 0) == (x[i0 * K + f] < 0.5), "point %zu: direction", i);
        }
        for (uint32_t j = 0; j < K; j++)
            CHECK(moved[j] == 1, "trajectory %u: factor %u moved %u times", t, j, moved[j]);
    }
    /* Both directions occur for every factor (each has probability 1/2 per trajectory). */
    for (uint32_t j = 0; j < K; j++)
        ck_assert(up[j] > 0 && down[j] > 0);

    /* Orders differ between trajectories (equal with probability 1/720 for each pair). */
    ck_assert(memcmp(factor + 1, factor + K + 2, K * sizeof factor[0]) != 0
              || memcmp(factor + 1, factor + 2 * (K + 1) + 1, K * sizeof factor[0]) != 0);
    gsl_rng_free(r);
    free(x);
}
END_TEST

START_TEST(morris_reproducible)
{
    enum { T = 10, K = 4, P = 4, ROWS = T * (K + 1) };
    double x[ROWS * K], y[ROWS * K], sx[ROWS], sy[ROWS];
    uint32_t fx[ROWS], fy[ROWS];
    gsl_rng *r = stream(30), *again = stream(30), *other = stream(31);
    ck_assert_int_eq(ak_design_morris(r, T, K, P, x, fx, sx), 0);
    ck_assert_int_eq(ak_design_morris(again, T, K, P, y, fy, sy), 0);
    ck_assert_mem_eq(x, y, sizeof x);
    ck_assert_mem_eq(fx, fy, sizeof fx);
    ck_assert_mem_eq(sx, sy, sizeof sx);
    ck_assert_int_eq(ak_design_morris(other, T, K, P, y, fy, sy), 0);
    ck_assert(memcmp(x, y, sizeof x) != 0);

    /* The contract's draw order: k start levels, then k - 1 shuffle draws, per trajectory. */
    gsl_rng *check = stream(30);
    for (uint32_t t = 0; t < T; t++) {
        for (uint32_t j = 0; j < K; j++) {
            unsigned long g = gsl_rng_uniform_int(check, P);
            ck_assert(x[(size_t)t * (K + 1) * K + j] == g / (double)(P - 1));
        }
        for (uint32_t m = K - 1; m > 0; m--)
            (void)gsl_rng_uniform_int(check, m + 1);
    }
    ck_assert(gsl_rng_uniform(check) == gsl_rng_uniform(r));
    gsl_rng_free(check);

    /* k = 1: a trajectory is one move between the two halves of the grid. */
    double one[4];
    uint32_t f1[4];
    double s1[4];
    ck_assert_int_eq(ak_design_morris(r, 2, 1, 2, one, f1, s1), 0);
    for (size_t t = 0; t < 2; t++) {
        ck_assert_uint_eq(f1[2 * t], UINT32_MAX);
        ck_assert_uint_eq(f1[2 * t + 1], 0);
        ck_assert(one[2 * t] + one[2 * t + 1] == 1); /* {0, 1} or {1, 0} */
        ck_assert(s1[2 * t + 1] == one[2 * t + 1] - one[2 * t]);
    }
    gsl_rng_free(r);
    gsl_rng_free(again);
    gsl_rng_free(other);
}
END_TEST

START_TEST(morris_refusals)
{
    double x[12] = {-1}, step[4] = {-1};
    uint32_t factor[4] = {7};
    gsl_rng *r = stream(40);
    static const uint32_t bad_levels[] = {0, 1, 3, 5, 7};
    for (size_t c = 0; c < sizeof bad_levels / sizeof bad_levels[0]; c++)
        ck_assert_int_eq(ak_design_morris(r, 1, 3, bad_levels[c], x, factor, step), AK_EINVAL);
    ck_assert_int_eq(ak_design_morris(r, 0, 3, 4, x, factor, step), AK_EINVAL);
    ck_assert_int_eq(ak_design_morris(r, 1, 0, 4, x, factor, step), AK_EINVAL);
    ck_assert_int_eq(ak_design_morris(r, 1, UINT32_MAX, 4, x, factor, step), AK_EINVAL);
    ck_assert_int_eq(ak_design_morris(NULL, 1, 3, 4, x, factor, step), AK_EINVAL);
    ck_assert_int_eq(ak_design_morris(r, 1, 3, 4, NULL, factor, step), AK_EINVAL);
    ck_assert_int_eq(ak_design_morris(r, 1, 3, 4, x, NULL, step), AK_EINVAL);
    ck_assert_int_eq(ak_design_morris(r, 1, 3, 4, x, factor, NULL), AK_EINVAL);
    /* A 31-bit generator cannot draw among 2^31 + 2 levels. */
    gsl_rng *narrow = gsl_rng_alloc(gsl_rng_rand);
    ck_assert_ptr_nonnull(narrow);
    ck_assert_int_eq(ak_design_morris(narrow, 1, 3, 0x80000002u, x, factor, step), AK_EINVAL);
    gsl_rng_free(narrow);
    /* Nothing written. */
    ck_assert(x[0] == -1 && step[0] == -1 && factor[0] == 7);
    /* The first draw of r was not taken either. */
    gsl_rng *fresh = stream(40);
    ck_assert(gsl_rng_uniform(r) == gsl_rng_uniform(fresh));
    gsl_rng_free(fresh);
    gsl_rng_free(r);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("design");
    TCase *tc = tcase_create("design");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, random_points);
    tcase_add_loop_test(tc, lhs_one_point_per_stratum, 0, 6);
    tcase_add_test(tc, lhs_random_matching);
    tcase_add_test(tc, lhs_top_of_strata);
    tcase_add_test(tc, lhs_refusals);
    tcase_add_test(tc, sobol_published_points);
    tcase_add_test(tc, sobol_balanced_prefixes);
    tcase_add_test(tc, sobol_limits);
    tcase_add_loop_test(tc, saltelli_layout, 0, 3);
    tcase_add_test(tc, saltelli_first_points);
    tcase_add_test(tc, saltelli_limits);
    tcase_add_loop_test(tc, morris_trajectories, 0, 4);
    tcase_add_test(tc, morris_reproducible);
    tcase_add_test(tc, morris_refusals);
    suite_add_tcase(s, tc);
    return check_run(s);
}
