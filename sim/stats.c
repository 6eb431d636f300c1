/*
 * sim/stats.c: summaries of a sweep's outputs (see stats.h): means with Student-t intervals,
 * Morris's elementary-effects measures, Sobol' indices from Saltelli's design, and Spearman's
 * rank correlation.
 */
#include "stats.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <math.h>
#include <stdlib.h>

#include "errors.h"

/* Running sums of one sample for its mean and sample standard deviation, in two passes: the
 * first finds the mean, the second sums deviations from it. The corrected two-pass formula
 * (Chan, Golub and LeVeque 1983) subtracts the squared sum of deviations, which is zero in
 * exact arithmetic and takes out the first pass's rounding; a one-pass sum of squares would
 * cancel catastrophically for outputs like balances far from 0 with a small spread. */
typedef struct moments {
    uint64_t n;
    double sum;       /* pass 1 */
    double dev, dev2; /* pass 2: sums of (v - mean) and (v - mean)^2 */
} moments;

static double moments_mean(const moments *m)
{
    return m->n ? m->sum / (double)m->n : NAN;
}

/* The sample variance (n - 1), NaN when n < 2. Rounding can leave a tiny negative for equal
 * values, which is 0. */
static double moments_var(const moments *m)
{
    if (m->n < 2)
        return NAN;
    double var = (m->dev2 - m->dev * m->dev / (double)m->n) / (double)(m->n - 1);
    return var > 0 ? var : 0;
}

static double moments_sd(const moments *m)
{
    return sqrt(moments_var(m));
}

int ak_stats_mean_ci(const double *y, size_t n, double level, ak_stats_ci *out)
{
    if (!out || (!y && n > 0) || !(level > 0 && level < 1))
        return AK_EINVAL;
    moments m = {0};
    for (size_t i = 0; i < n; i++) {
        if (!isnan(y[i])) {
            m.n++;
            m.sum += y[i];
        }
    }
    if (m.n > UINT32_MAX)
        return AK_EOVERFLOW;
    double mean = moments_mean(&m);
    for (size_t i = 0; i < n; i++) {
        if (!isnan(y[i])) {
            double d = y[i] - mean;
            m.dev += d;
            m.dev2 += d * d;
        }
    }
    ak_stats_ci ci = {.n = (uint32_t)m.n, .mean = mean, .sd = moments_sd(&m)};
    ci.lo = ci.hi = NAN;
    if (m.n >= 2) {
        if (ci.sd == 0) {
            /* Exactly the mean, without trusting t * 0: an infinite t would make it NaN. */
            ci.lo = ci.hi = mean;
        } else {
            /* t_{(1+level)/2} as the upper tail's quantile: 1 - level is exact for levels near
             * 1, where (1 + level) / 2 rounds to 1 (for level = 1 - 2^-53) and Pinv(1) = inf. */
            double t = gsl_cdf_tdist_Qinv((1 - level) / 2, (double)(m.n - 1));
            double half = t * ci.sd / sqrt((double)m.n);
            ci.lo = mean - half;
            ci.hi = mean + half;
        }
    }
    *out = ci;
    return 0;
}

/* Whether the move into point i is skipped: either of its outputs is a failed run. */
static int failed(const double *y, size_t i)
{
    return isnan(y[i]) || isnan(y[i - 1]);
}

int ak_stats_morris(const double *y, uint32_t trajectories, uint32_t k, const uint32_t *factor,
                    const double *step, ak_stats_effects *out)
{
    if (!y || !factor || !step || !out || trajectories == 0 || k == 0 || k == UINT32_MAX)
        return AK_EINVAL;
    /* y has trajectories * (k + 1) values, so the count is addressable. Move i runs over every
     * point but each trajectory's first. */
    const size_t per = (size_t)k + 1, points = (size_t)trajectories * per;
    /* The whole design is checked before out is touched, so a bad one leaves out as it was. */
    for (size_t i = 0; i < points; i++) {
        if (i % per != 0 && (factor[i] >= k || step[i] == 0 || !isfinite(step[i])))
            return AK_EINVAL;
    }
    for (uint32_t j = 0; j < k; j++)
        out[j] = (ak_stats_effects){.n = 0, .mu = 0, .mu_star = 0, .sigma = 0};
    /* Pass 1: counts and sums for mu and mu_star. */
    for (size_t i = 0; i < points; i++) {
        if (i % per == 0 || failed(y, i))
            continue;
        double e = (y[i] - y[i - 1]) / step[i];
        ak_stats_effects *o = &out[factor[i]];
        o->n++;
        o->mu += e;
        o->mu_star += fabs(e);
    }
    for (uint32_t j = 0; j < k; j++) {
        ak_stats_effects *o = &out[j];
        o->mu = o->n ? o->mu / o->n : NAN;
        o->mu_star = o->n ? o->mu_star / o->n : NAN;
    }
    /* Pass 2: squared deviations from mu, summed in sigma. Two passes rather than a running
     * sum of squares: effects of an output far from 0 would cancel in the latter, and a
     * factor with equal effects (a linear output) must get a sigma of 0, not rounding noise
     * of the squares. */
    for (size_t i = 0; i < points; i++) {
        if (i % per == 0 || failed(y, i))
            continue;
        ak_stats_effects *o = &out[factor[i]];
        double d = (y[i] - y[i - 1]) / step[i] - o->mu;
        o->sigma += d * d;
    }
    for (uint32_t j = 0; j < k; j++) {
        ak_stats_effects *o = &out[j];
        o->sigma = o->n >= 2 ? sqrt(o->sigma / (o->n - 1)) : NAN;
    }
    return 0;
}

/* Whether base sample j of a Saltelli design (per = k + 2 outputs from yj) has no failed run. */
static int sample_ok(const double *yj, size_t per)
{
    for (size_t p = 0; p < per; p++) {
        if (isnan(yj[p]))
            return 0;
    }
    return 1;
}

int ak_stats_sobol(const double *y, uint32_t n, uint32_t k, double *s1, double *st,
                   uint32_t *used)
{
    if (!y || !s1 || !st || !used || n == 0 || k == 0)
        return AK_EINVAL;
    /* y has n (k + 2) values, so the count is addressable; these guard a 32-bit size_t. */
    const size_t per = (size_t)k + 2;
    if (per < k || (uint64_t)n * per > SIZE_MAX / sizeof(double))
        return AK_EINVAL;
    /* Pass 1: the samples used, the mean f0 of their f(A) and f(B), and whether those vary.
     * Equal values must give V = 0 exactly, but f0 = sum / 2m need not round back to their
     * value, and over some 10^5 samples it misses by enough that the two-pass variance keeps
     * a tiny positive residue, which would turn 0 / 0 into 0. */
    moments m = {0};
    uint32_t count = 0;
    double first = NAN;
    int varies = 0;
    for (uint32_t j = 0; j < n; j++) {
        const double *yj = y + (size_t)j * per;
        if (!sample_ok(yj, per))
            continue;
        if (count++ == 0)
            first = yj[0];
        varies |= yj[0] != first || yj[1] != first;
        m.n += 2;
        m.sum += yj[0] + yj[1];
    }
    *used = count;
    for (uint32_t i = 0; i < k; i++)
        s1[i] = st[i] = 0;
    const double f0 = moments_mean(&m);
    /* Pass 2: V from deviations from f0 (corrected two-pass, as for ak_stats_mean_ci, so an
     * output far from 0 keeps its variance), and the indices' sums. Centring f(B_j) on f0
     * takes the offset out of S_i's products in the same way (stats.h says why). */
    const int defined = count >= 2 && varies;
    for (uint32_t j = 0; defined && j < n; j++) {
        const double *yj = y + (size_t)j * per;
        if (!sample_ok(yj, per))
            continue;
        const double fa = yj[0], fb = yj[1] - f0;
        const double da = fa - f0;
        m.dev += da + fb;
        m.dev2 += da * da + fb * fb;
        for (uint32_t i = 0; i < k; i++) {
            const double d = yj[2 + (size_t)i] - fa;
            s1[i] += fb * d;
            st[i] += d * d;
        }
    }
    const double v = defined ? moments_var(&m) : NAN;
    for (uint32_t i = 0; i < k; i++) {
        if (!(v > 0)) {
            s1[i] = st[i] = NAN;
        } else {
            s1[i] = s1[i] / count / v;
            st[i] = st[i] / (2.0 * count) / v;
        }
    }
    return 0;
}

/* Average ranks, from 1, of v[0..m) into rank (ties share the mean of the ranks they span);
 * idx is work space of m entries. Returns whether v takes at least two distinct values. */
static int ranks(const double *v, size_t m, size_t *idx, double *rank)
{
    gsl_sort_index(idx, v, 1, m);
    size_t a = 0;
    while (a < m) {
        size_t b = a + 1;
        while (b < m && v[idx[b]] == v[idx[a]])
            b++;
        /* ranks a+1 .. b, mean (a + 1 + b) / 2: exact in doubles (a half-integer) */
        double r = ((double)a + 1 + (double)b) / 2;
        for (size_t c = a; c < b; c++)
            rank[idx[c]] = r;
        if (a == 0 && b == m)
            return 0;
        a = b;
    }
    return 1;
}

int ak_stats_spearman(const double *x, size_t stride_x, const double *y, size_t n, double *rho)
{
    if (!rho || stride_x == 0 || (n > 0 && (!x || !y)))
        return AK_EINVAL;
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        m += !isnan(x[i * stride_x]) && !isnan(y[i]);
    if (m < 3) {
        *rho = NAN;
        return 0;
    }
    /* One block: the pairs' values, their ranks, and the sort's index. m <= n, and the caller's
     * y has n doubles, but 4 doubles and a size_t per pair can still overflow on 32-bit. */
    const size_t per = 4 * sizeof(double) + sizeof(size_t);
    if (m > SIZE_MAX / per)
        return AK_ENOMEM;
    double *xs = malloc(m * per);
    if (!xs)
        return AK_ENOMEM;
    double *ys = xs + m, *rx = ys + m, *ry = rx + m;
    size_t *idx = (size_t *)(ry + m);
    for (size_t i = 0, p = 0; i < n; i++) {
        if (!isnan(x[i * stride_x]) && !isnan(y[i])) {
            xs[p] = x[i * stride_x];
            ys[p] = y[i];
            p++;
        }
    }
    double r = NAN;
    if (ranks(xs, m, idx, rx) && ranks(ys, m, idx, ry)) {
        /* Pearson on ranks. Both rank sets have mean (m + 1) / 2 exactly (ties average), so
         * one pass over deviations from it suffices. */
        double c = ((double)m + 1) / 2, sxy = 0, sxx = 0, syy = 0;
        for (size_t p = 0; p < m; p++) {
            double dx = rx[p] - c, dy = ry[p] - c;
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }
        /* sqrt of the product, not a product of square roots: for equal ranks
         * sqrt(sxx * sxx) == sxx exactly, so a perfectly monotone relation gives exactly 1. */
        r = sxy / sqrt(sxx * syy);
        r = r > 1 ? 1 : r < -1 ? -1 : r;
    }
    free(xs);
    *rho = r;
    return 0;
}
