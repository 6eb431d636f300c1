/*
 * sim/design.c: designs on the unit cube for sweeps (see design.h): random points, Latin
 * hypercubes, Sobol' points from GSL with the origin restored, Saltelli's design for Sobol'
 * indices, and Morris trajectories.
 */
#include "design.h"

#include <gsl/gsl_qrng.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "errors.h"

/* Whether rows * cols doubles can be addressed. The caller allocated x, so on a 64-bit host
 * this never fails for the designs' 32-bit counts; it guards 32-bit hosts and Morris's
 * trajectories * (k + 1) * k, whose product can exceed 2^64. */
static int fits(uint64_t rows, uint64_t cols)
{
    return cols == 0 || rows <= (uint64_t)SIZE_MAX / sizeof(double) / cols;
}

/* Whether gsl_rng_uniform_int(r, m) is defined for every m <= most: GSL refuses m above the
 * generator's range (and would then return 0 with its error handler off, biasing designs
 * silently). */
static int draws_up_to(const gsl_rng *r, unsigned long most)
{
    return gsl_rng_max(r) - gsl_rng_min(r) >= most;
}

int ak_design_random(gsl_rng *r, uint32_t n, uint32_t k, double *x)
{
    if (!r || !x || n == 0 || k == 0 || !fits(n, k))
        return AK_EINVAL;
    size_t total = (size_t)n * k;
    for (size_t i = 0; i < total; i++)
        x[i] = gsl_rng_uniform(r);
    return 0;
}

/* (s + u) / n in stratum s of n, as floor(v * n) == s sees it. In exact arithmetic it always
 * is; in doubles u close to 1 can round the sum up to s + 1 (once s + u needs more than 53
 * bits), and the division and the caller's product can each round by half an ulp. The doubles
 * v with s <= v * n < s + 1 form one run (rounding is monotone) about 1/n wide, far more than
 * an ulp, so stepping toward it ends within a few steps. For s = n - 1 it also keeps v < 1. */
static double in_stratum(uint32_t s, double u, uint32_t n)
{
    double v = ((double)s + u) / n;
    while (v * n >= (double)s + 1)
        v = nextafter(v, 0.0);
    while (v * n < (double)s)
        v = nextafter(v, 1.0);
    return v;
}

int ak_design_lhs(gsl_rng *r, uint32_t n, uint32_t k, double *x)
{
    if (!r || !x || n == 0 || k == 0 || !fits(n, k) || !draws_up_to(r, n))
        return AK_EINVAL;
    for (uint32_t j = 0; j < k; j++) {
        /* Point i first takes stratum i; shuffling the column then matches strata to points by
         * a uniform permutation, independent across factors, without a work array. */
        for (uint32_t i = 0; i < n; i++)
            x[(size_t)i * k + j] = in_stratum(i, gsl_rng_uniform(r), n);
        for (uint32_t i = n - 1; i > 0; i--) {
            uint32_t o = (uint32_t)gsl_rng_uniform_int(r, (unsigned long)i + 1);
            double t = x[(size_t)i * k + j];
            x[(size_t)i * k + j] = x[(size_t)o * k + j];
            x[(size_t)o * k + j] = t;
        }
    }
    return 0;
}

int ak_design_sobol(uint32_t n, uint32_t k, double *x)
{
    if (!x || n == 0 || k == 0 || k > AK_DESIGN_SOBOL_MAX_K || n > AK_DESIGN_SOBOL_MAX_N)
        return AK_EINVAL;
    /* Allocate before writing anything, so a failure leaves x untouched. */
    gsl_qrng *q = gsl_qrng_alloc(gsl_qrng_sobol, k);
    if (!q)
        return AK_ENOMEM;
    for (uint32_t j = 0; j < k; j++)
        x[j] = 0; /* the origin GSL skips (design.h says why it is kept) */
    int status = 0;
    for (uint32_t i = 1; i < n; i++) {
        /* GSL fails only past 2^30 - 1 points, which the bound on n excludes. */
        if (gsl_qrng_get(q, x + (size_t)i * k) != 0) {
            status = AK_EINVARIANT;
            break;
        }
    }
    gsl_qrng_free(q);
    return status;
}

int ak_design_saltelli(uint32_t n, uint32_t k, double *x)
{
    if (!x || n == 0 || k == 0 || k > AK_DESIGN_SALTELLI_MAX_K || n > AK_DESIGN_SALTELLI_MAX_N)
        return AK_EINVAL;
    const size_t per = (size_t)k + 2; /* points per base sample */
    if (!fits((uint64_t)n * per, k))
        return AK_EINVAL;
    gsl_qrng *q = gsl_qrng_alloc(gsl_qrng_sobol, 2 * k);
    if (!q)
        return AK_ENOMEM;
    /* GSL's first point is point 1 (it skips the origin), which is what A_0 and B_0 take. */
    double ab[2 * AK_DESIGN_SALTELLI_MAX_K];
    int status = 0;
    for (uint32_t j = 0; j < n; j++) {
        /* GSL fails only past 2^30 - 1 points, which the bound on n excludes. */
        if (gsl_qrng_get(q, ab) != 0) {
            status = AK_EINVARIANT;
            break;
        }
        const double *a = ab, *b = ab + k;
        double *row = x + (size_t)j * per * k;
        for (uint32_t c = 0; c < k; c++) {
            row[c] = a[c];
            row[k + c] = b[c];
        }
        for (uint32_t i = 0; i < k; i++) {
            double *p = row + (2 + (size_t)i) * k;
            for (uint32_t c = 0; c < k; c++)
                p[c] = c == i ? b[c] : a[c];
        }
    }
    gsl_qrng_free(q);
    return status;
}

int ak_design_morris(gsl_rng *r, uint32_t trajectories, uint32_t k, uint32_t levels, double *x,
                     uint32_t *factor, double *step)
{
    if (!r || !x || !factor || !step || trajectories == 0 || k == 0 || k == UINT32_MAX)
        return AK_EINVAL;
    if (levels < 2 || levels % 2 != 0)
        return AK_EINVAL;
    uint64_t rows = (uint64_t)trajectories * ((uint64_t)k + 1); /* < 2^64: both < 2^32 */
    if (!fits(rows, k) || !fits(rows, 1) || !draws_up_to(r, levels > k ? levels : k))
        return AK_EINVAL;
    const uint32_t half = levels / 2; /* delta in grid steps */
    const double grid = levels - 1;
    const double delta = levels / (2.0 * (levels - 1));
    for (uint32_t t = 0; t < trajectories; t++) {
        size_t i0 = (size_t)t * (k + 1);
        double *first = x + i0 * k;
        double *last = x + (i0 + k) * k;
        /* Every factor moves once, so the last point is the start with all factors moved: fill
         * both ends, then each point between copies its predecessor and takes one factor's
         * final value from the last point. Coordinates come from integer levels, so every one
         * is exactly on the grid. */
        for (uint32_t j = 0; j < k; j++) {
            uint32_t g = (uint32_t)gsl_rng_uniform_int(r, levels);
            uint32_t to = g < half ? g + half : g - half;
            first[j] = g / grid;
            last[j] = to / grid;
        }
        /* The move order, shuffled in place in factor[i0 + 1 .. i0 + k]. */
        uint32_t *order = factor + i0 + 1;
        for (uint32_t m = 0; m < k; m++)
            order[m] = m;
        for (uint32_t m = k - 1; m > 0; m--) {
            uint32_t o = (uint32_t)gsl_rng_uniform_int(r, (unsigned long)m + 1);
            uint32_t tmp = order[m];
            order[m] = order[o];
            order[o] = tmp;
        }
        factor[i0] = UINT32_MAX;
        step[i0] = 0;
        for (uint32_t m = 1; m <= k; m++) {
            uint32_t f = factor[i0 + m];
            double *prev = x + (i0 + m - 1) * k;
            double *cur = x + (i0 + m) * k;
            if (m < k) { /* point k is already written: the last point */
                for (uint32_t j = 0; j < k; j++)
                    cur[j] = prev[j];
                cur[f] = last[f];
            }
            step[i0 + m] = first[f] < last[f] ? delta : -delta;
        }
    }
    return 0;
}
