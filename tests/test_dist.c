/*
 * tests/test_dist.c: the named distributions of scenarios (sim/dist.h): each reads and samples
 * with the right mean and spread, clamping, choice weights, one draw per sample, formatting,
 * every reader error with its exact message and JSON path, robustness against arbitrary JSON,
 * and jr_suggest.
 */
#include <check.h>
#include <gsl/gsl_sf_gamma.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_run.h"
#include "dist.h"
#include "errors.h"
#include "rng.h"

enum { N = 100000 };

/* A parsed scenario fragment {"tenants": {"lifetime": <json>}} and the reader around it. */
typedef struct fx {
    cJSON *root;
    const cJSON *node; /* root.tenants.lifetime */
    jr r;
} fx;

static void fx_init(fx *f, const char *json)
{
    char text[4096];
    snprintf(text, sizeof text, "{\"tenants\": {\"lifetime\": %s}}", json);
    f->root = cJSON_Parse(text);
    ck_assert_msg(f->root != NULL, "does not parse: %s", text);
    f->node = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(f->root,
                                                                                 "tenants"),
                                               "lifetime");
    ck_assert_ptr_nonnull(f->node);
    jr_init(&f->r, "test", "t.json", f->root);
}

static void fx_fini(fx *f)
{
    cJSON_Delete(f->root);
}

/* Read f's node into *out; true on success, the error text in f->r.err otherwise. */
static bool try_read(fx *f, ak_dist *out)
{
    if (setjmp(f->r.on_error))
        return false;
    ak_dist_read(&f->r, f->node, out);
    return true;
}

/* Read json, which must be valid. */
static ak_dist must_read(const char *json)
{
    fx f;
    fx_init(&f, json);
    ak_dist d;
    ck_assert_msg(try_read(&f, &d), "%s: %s", json, f.r.err);
    fx_fini(&f);
    return d;
}

static gsl_rng *stream(uint32_t replication)
{
    gsl_rng *r = NULL;
    ck_assert_int_eq(ak_rng_stream(20240601, replication, AK_RNG_TENANTS, &r), 0);
    return r;
}

START_TEST(table)
{
    const ak_dist_type *const *t = ak_dist_types();
    static const char *const names[] = {"constant", "uniform", "exponential", "normal",
                                        "lognormal", "weibull", "gamma", "pareto",
                                        "poisson", "choice"};
    size_t n = 0;
    for (; t[n]; n++) {
        ck_assert_str_eq(t[n]->name, names[n]);
        ck_assert_ptr_eq(ak_dist_find(names[n]), t[n]);
        ck_assert_ptr_nonnull(t[n]->params);
        ck_assert_ptr_nonnull(t[n]->params[0]);
        ck_assert(t[n]->doc && t[n]->doc[0]);
        ck_assert_ptr_nonnull(t[n]->sample);
        ck_assert_ptr_nonnull(t[n]->mean);
        ck_assert_uint_eq(t[n]->draws, n == 0 ? 0 : 1);
        size_t np = 0;
        while (t[n]->params[np])
            np++;
        ck_assert_uint_le(np, AK_DIST_MAX_PARAMS);
    }
    ck_assert_uint_eq(n, sizeof names / sizeof names[0]);
    ck_assert_ptr_null(ak_dist_find("Normal"));
    ck_assert_ptr_null(ak_dist_find(""));
    ck_assert_ptr_null(ak_dist_find(NULL));
}
END_TEST

/* Each distribution: its analytic mean and sd (computed independently), and the support. */
static const struct {
    const char *json;
    double mean, sd;
    bool check_sd; /* false for heavy tails, whose sample sd is unstable */
    double lo, hi;
    bool integer;
} cases[] = {
    {"5", 5, 0, true, 5, 5, true},
    {"{\"dist\": \"constant\", \"value\": -2.5}", -2.5, 0, true, -2.5, -2.5, false},
    {"{\"dist\": \"uniform\", \"min\": 2, \"max\": 6}", 4, 1.1547005383792517, true, 2, 6,
     false},
    {"{\"dist\": \"exponential\", \"mean\": 3}", 3, 3, true, 0, INFINITY, false},
    {"{\"dist\": \"normal\", \"mean\": -1, \"sd\": 2}", -1, 2, true, -INFINITY, INFINITY,
     false},
    {"{\"dist\": \"lognormal\", \"mu\": 0.5, \"sigma\": 1}", 2.718281828459045,
     3.5632121497683826, false, 0, INFINITY, false},
    {"{\"dist\": \"lognormal\", \"mu\": 0.5, \"sigma\": 0.25}", 1.7010573018484008,
     0.4319964175155507, true, 0, INFINITY, false},
    {"{\"dist\": \"weibull\", \"scale\": 3, \"shape\": 1}", 3, 3, true, 0, INFINITY, false},
    {"{\"dist\": \"weibull\", \"scale\": 2, \"shape\": 1.5}", 1.8054905859018673,
     1.2258715835093528, true, 0, INFINITY, false},
    {"{\"dist\": \"gamma\", \"shape\": 2, \"scale\": 3}", 6, 4.242640687119285, true, 0,
     INFINITY, false},
    {"{\"dist\": \"gamma\", \"shape\": 0.5, \"scale\": 2}", 1, 1.4142135623730951, true, 0,
     INFINITY, false},
    {"{\"dist\": \"pareto\", \"scale\": 1, \"shape\": 3}", 1.5, 0.8660254037844386, false, 1,
     INFINITY, false},
    {"{\"dist\": \"poisson\", \"mean\": 4}", 4, 2, true, 0, INFINITY, true},
    {"{\"dist\": \"poisson\", \"mean\": 1000}", 1000, 31.622776601683793, true, 0, INFINITY,
     true},
    {"{\"dist\": \"choice\", \"values\": [1, 2, 3], \"weights\": [1, 0, 3]}", 2.5,
     0.8660254037844386, true, 1, 3, true},
    {"{\"dist\": \"choice\", \"values\": [10, 20]}", 15, 5, true, 10, 20, true},
};
enum { NCASES = sizeof cases / sizeof cases[0] };

START_TEST(means_and_spreads)
{
    int i = _i;
    ak_dist d = must_read(cases[i].json);
    ck_assert_msg(fabs(ak_dist_mean(&d) - cases[i].mean) <= 1e-12 * fabs(cases[i].mean),
                  "%s: analytic mean %.17g", cases[i].json, ak_dist_mean(&d));
    gsl_rng *r = stream((uint32_t)i);
    double sum = 0, sq = 0;
    for (int k = 0; k < N; k++) {
        double x = ak_dist_sample(&d, r);
        ck_assert_msg(x >= cases[i].lo && x <= cases[i].hi, "%s: sample %g", cases[i].json, x);
        if (cases[i].integer)
            ck_assert_msg(x == floor(x), "%s: sample %g", cases[i].json, x);
        sum += x;
        sq += x * x;
    }
    double mean = sum / N, sd = sqrt(fmax(sq / N - mean * mean, 0));
    double tol = 5 * cases[i].sd / sqrt(N) + 1e-12; /* five standard errors */
    ck_assert_msg(fabs(mean - cases[i].mean) <= tol, "%s: sample mean %g, want %g +- %g",
                  cases[i].json, mean, cases[i].mean, tol);
    if (cases[i].check_sd)
        ck_assert_msg(fabs(sd - cases[i].sd) <= 0.02 * cases[i].sd + 1e-9,
                      "%s: sample sd %g, want %g", cases[i].json, sd, cases[i].sd);
    gsl_rng_free(r);
}
END_TEST

/* A sample consumes exactly type->draws uniforms: the stream then continues where a stream
 * that drew only those uniforms does. */
START_TEST(one_draw_per_sample)
{
    for (int i = 0; i < NCASES; i++) {
        ak_dist d = must_read(cases[i].json);
        gsl_rng *a = stream(99), *b = stream(99);
        for (int k = 0; k < 1000; k++) {
            ak_dist_sample(&d, a);
            for (unsigned j = 0; j < d.type->draws; j++)
                gsl_rng_uniform(b);
            if (k % 97 == 0)
                ck_assert_msg(gsl_rng_get(a) == gsl_rng_get(b), "%s", cases[i].json);
        }
        gsl_rng_free(a);
        gsl_rng_free(b);
    }
    /* Extreme parameters still cost one draw. */
    static const char *const extreme[] = {
        "{\"dist\": \"gamma\", \"shape\": 1e-3, \"scale\": 1}",
        "{\"dist\": \"gamma\", \"shape\": 1e6, \"scale\": 1}",
        "{\"dist\": \"poisson\", \"mean\": 1e9}",
        "{\"dist\": \"poisson\", \"mean\": 1e-9}",
    };
    for (size_t i = 0; i < sizeof extreme / sizeof extreme[0]; i++) {
        ak_dist d = must_read(extreme[i]);
        gsl_rng *a = stream(7), *b = stream(7);
        for (int k = 0; k < 200; k++) {
            ck_assert(isfinite(ak_dist_sample(&d, a)));
            gsl_rng_uniform(b);
        }
        ck_assert_uint_eq(gsl_rng_get(a), gsl_rng_get(b));
        gsl_rng_free(a);
        gsl_rng_free(b);
    }
}
END_TEST

START_TEST(same_stream_same_samples)
{
    ak_dist d = must_read("{\"dist\": \"gamma\", \"shape\": 2.5, \"scale\": 1}");
    gsl_rng *a = stream(3), *b = stream(3);
    for (int k = 0; k < 1000; k++)
        ck_assert(ak_dist_sample(&d, a) == ak_dist_sample(&d, b));
    gsl_rng_free(a);
    gsl_rng_free(b);

    /* Inversion: on the same stream, changing mu scales every sample by the same factor
     * (common random numbers across a sweep). */
    ak_dist l0 = must_read("{\"dist\": \"lognormal\", \"mu\": 0, \"sigma\": 0.7}");
    ak_dist l1 = must_read("{\"dist\": \"lognormal\", \"mu\": 1, \"sigma\": 0.7}");
    a = stream(4);
    b = stream(4);
    for (int k = 0; k < 1000; k++) {
        double x0 = ak_dist_sample(&l0, a), x1 = ak_dist_sample(&l1, b);
        ck_assert_double_eq_tol(x1 / x0, M_E, 1e-12);
    }
    gsl_rng_free(a);
    gsl_rng_free(b);
}
END_TEST

START_TEST(clamping)
{
    ak_dist d = must_read("{\"dist\": \"exponential\", \"mean\": 1, \"max\": 1}");
    ck_assert(d.lo == -INFINITY && d.hi == 1);
    ck_assert_double_eq(ak_dist_mean(&d), 1); /* before clamping */
    gsl_rng *r = stream(1);
    int at = 0;
    for (int k = 0; k < N; k++) {
        double x = ak_dist_sample(&d, r);
        ck_assert(x >= 0 && x <= 1);
        at += x == 1;
    }
    ck_assert_double_eq_tol((double)at / N, exp(-1), 0.005); /* P(X > 1) lands on 1 */

    d = must_read("{\"dist\": \"exponential\", \"mean\": 1, \"min\": 0.5, \"max\": 2}");
    at = 0;
    for (int k = 0; k < N; k++) {
        double x = ak_dist_sample(&d, r);
        ck_assert(x >= 0.5 && x <= 2);
        at += x == 0.5;
    }
    ck_assert_double_eq_tol((double)at / N, 1 - exp(-0.5), 0.005);

    d = must_read("{\"dist\": \"normal\", \"mean\": 0, \"sd\": 1, \"min\": 3, \"max\": 3}");
    for (int k = 0; k < 100; k++)
        ck_assert_double_eq(ak_dist_sample(&d, r), 3);

    d = must_read("{\"dist\": \"constant\", \"value\": 5, \"max\": 3}");
    ck_assert_double_eq(ak_dist_sample(&d, r), 3);
    ck_assert_double_eq(ak_dist_mean(&d), 5);

    /* For uniform, min and max are the parameters, not a clamp. */
    d = must_read("{\"dist\": \"uniform\", \"min\": -1, \"max\": 1}");
    ck_assert(d.lo == -INFINITY && d.hi == INFINITY);
    ck_assert(d.p[0] == -1 && d.p[1] == 1);
    gsl_rng_free(r);
}
END_TEST

START_TEST(choice_weights)
{
    ak_dist d = must_read(
        "{\"dist\": \"choice\", \"values\": [0, 1, 2, 3], \"weights\": [0, 0.5, 0, 1.5]}");
    ck_assert_uint_eq(d.n, 4);
    ck_assert_double_eq(d.cum[3], 1);
    gsl_rng *r = stream(2);
    int count[4] = {0};
    for (int k = 0; k < N; k++) {
        double x = ak_dist_sample(&d, r);
        ck_assert(x == 0 || x == 1 || x == 2 || x == 3);
        count[(int)x]++;
    }
    ck_assert_int_eq(count[0], 0);
    ck_assert_int_eq(count[2], 0);
    ck_assert_double_eq_tol((double)count[1] / N, 0.25, 0.007);
    ck_assert_double_eq_tol((double)count[3] / N, 0.75, 0.007);

    /* Equal weights by default; a single value; the last values with zero weight. */
    d = must_read("{\"dist\": \"choice\", \"values\": [7, 8, 9]}");
    int c3[3] = {0};
    for (int k = 0; k < N; k++)
        c3[(int)ak_dist_sample(&d, r) - 7]++;
    for (int k = 0; k < 3; k++)
        ck_assert_double_eq_tol((double)c3[k] / N, 1.0 / 3, 0.007);
    d = must_read("{\"dist\": \"choice\", \"values\": [42]}");
    ck_assert_double_eq(ak_dist_sample(&d, r), 42);
    d = must_read("{\"dist\": \"choice\", \"values\": [1, 2, 3], \"weights\": [1e-300, 0, 0]}");
    for (int k = 0; k < 1000; k++)
        ck_assert_double_eq(ak_dist_sample(&d, r), 1);
    ck_assert_double_eq(ak_dist_mean(&d), 1);
    /* 16 values is the limit. */
    d = must_read("{\"dist\": \"choice\", \"values\": [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16]}");
    ck_assert_uint_eq(d.n, 16);
    ck_assert_double_eq_tol(ak_dist_mean(&d), 8.5, 1e-12);
    gsl_rng_free(r);
}
END_TEST

START_TEST(means)
{
    ak_dist d = must_read("{\"dist\": \"pareto\", \"scale\": 2, \"shape\": 1}");
    ck_assert(isnan(ak_dist_mean(&d)));
    d = must_read("{\"dist\": \"pareto\", \"scale\": 2, \"shape\": 0.5}");
    ck_assert(isnan(ak_dist_mean(&d)));
    d = must_read("{\"dist\": \"pareto\", \"scale\": 2, \"shape\": 2}");
    ck_assert_double_eq_tol(ak_dist_mean(&d), 4, 1e-12);
    d = must_read("{\"dist\": \"weibull\", \"scale\": 2, \"shape\": 0.5}");
    ck_assert_double_eq_tol(ak_dist_mean(&d), 2 * gsl_sf_gamma(3), 1e-12);
    d = must_read("{\"dist\": \"uniform\", \"min\": -1.7e308, \"max\": 1.7e308}");
    ck_assert_double_eq(ak_dist_mean(&d), 0);
    gsl_rng *r = stream(5);
    for (int k = 0; k < 1000; k++)
        ck_assert(isfinite(ak_dist_sample(&d, r)));
    gsl_rng_free(r);
}
END_TEST

START_TEST(init_and_constant)
{
    ak_dist d = ak_dist_constant(2.5);
    ck_assert_str_eq(d.type->name, "constant");
    ck_assert_double_eq(ak_dist_sample(&d, NULL), 2.5); /* draws nothing */
    ck_assert_double_eq(ak_dist_mean(&d), 2.5);

    ak_dist e = d;
    ck_assert_int_eq(ak_dist_init(&e, ak_dist_find("lognormal"), (double[]){0.5, 1}), 0);
    ck_assert_str_eq(e.type->name, "lognormal");
    ck_assert(e.p[0] == 0.5 && e.p[1] == 1 && e.lo == -INFINITY && e.hi == INFINITY);
    ak_dist f = must_read("{\"dist\": \"lognormal\", \"mu\": 0.5, \"sigma\": 1}");
    ck_assert(memcmp(&e, &f, sizeof e) == 0); /* the same value as read */

    ak_dist g = d;
    ck_assert_int_eq(ak_dist_init(&g, ak_dist_find("lognormal"), (double[]){0.5, 0}),
                     AK_EINVAL);
    ck_assert_int_eq(ak_dist_init(&g, ak_dist_find("uniform"), (double[]){1, 1}), AK_EINVAL);
    ck_assert_int_eq(ak_dist_init(&g, ak_dist_find("normal"), (double[]){NAN, 1}), AK_EINVAL);
    ck_assert_int_eq(ak_dist_init(&g, ak_dist_find("gamma"), (double[]){1, INFINITY}),
                     AK_EINVAL);
    ck_assert_int_eq(ak_dist_init(&g, ak_dist_find("choice"), (double[]){1, 2}), AK_EINVAL);
    ck_assert_int_eq(ak_dist_init(&g, NULL, (double[]){1}), AK_EINVAL);
    ck_assert(memcmp(&g, &d, sizeof g) == 0); /* untouched on failure */
}
END_TEST

START_TEST(format)
{
    static const struct {
        const char *json, *text;
    } cases_[] = {
        {"3", "3"},
        {"0.1", "0.1"},
        {"-2.5e-7", "-2.5e-07"},
        {"{\"dist\": \"constant\", \"value\": 5, \"max\": 3}", "constant(value=5, max=3)"},
        {"{\"dist\": \"lognormal\", \"mu\": 0.5, \"sigma\": 1.0}", "lognormal(mu=0.5, sigma=1)"},
        {"{\"dist\": \"lognormal\", \"mu\": 0.5, \"sigma\": 1, \"min\": 0, \"max\": 100}",
         "lognormal(mu=0.5, sigma=1, min=0, max=100)"},
        {"{\"dist\": \"uniform\", \"min\": 0, \"max\": 0.3333333333333333}",
         "uniform(min=0, max=0.3333333333333333)"},
        {"{\"dist\": \"gamma\", \"shape\": 2, \"scale\": 1e20}", "gamma(shape=2, scale=1e+20)"},
        {"{\"dist\": \"pareto\", \"scale\": 1, \"shape\": 2.5}", "pareto(scale=1, shape=2.5)"},
        {"{\"dist\": \"choice\", \"values\": [1, 2.5], \"weights\": [1, 3]}",
         "choice(values=[1, 2.5], weights=[1, 3])"},
        {"{\"dist\": \"choice\", \"values\": [4], \"min\": 5}",
         "choice(values=[4], weights=[1], min=5)"},
    };
    char buf[200];
    for (size_t i = 0; i < sizeof cases_ / sizeof cases_[0]; i++) {
        ak_dist d = must_read(cases_[i].json);
        ak_dist_format(&d, buf, sizeof buf);
        ck_assert_str_eq(buf, cases_[i].text);
    }
    /* 0.1 + 0.2 needs 17 digits to read back. */
    ak_dist d = ak_dist_constant(0.1 + 0.2);
    ak_dist_format(&d, buf, sizeof buf);
    ck_assert_str_eq(buf, "0.30000000000000004");
    ck_assert(strtod(buf, NULL) == 0.1 + 0.2);

    /* Cut like snprintf. */
    d = must_read("{\"dist\": \"lognormal\", \"mu\": 0.5, \"sigma\": 1}");
    ak_dist_format(&d, buf, 10);
    ck_assert_str_eq(buf, "lognormal");
    ak_dist_format(&d, buf, 1);
    ck_assert_str_eq(buf, "");
    buf[0] = 'x';
    ak_dist_format(&d, buf, 0);
    ck_assert_int_eq(buf[0], 'x');
    /* Long choices fit in a modest buffer, cut. */
    d = must_read("{\"dist\": \"choice\", \"values\": [1.000000000000001,2,3,4,5,6,7,8,9,10,11,"
                  "12,13,14,15,16]}");
    ak_dist_format(&d, buf, 64);
    ck_assert_uint_eq(strlen(buf), 63);
    ck_assert(strncmp(buf, "choice(values=[1.000000000000001, 2, 3,", 39) == 0);
}
END_TEST

/* Every reader error, with its exact message. Paths are below $.tenants.lifetime. */
static const struct {
    const char *json, *err;
} bad[] = {
    /* not a distribution */
    {"\"5\"", "$.tenants.lifetime: expected a number or a distribution like {\"dist\": "
              "\"lognormal\", \"mu\": 0, \"sigma\": 1}, found a string"},
    {"[1]", "$.tenants.lifetime: expected a number or a distribution like {\"dist\": "
            "\"lognormal\", \"mu\": 0, \"sigma\": 1}, found a list"},
    {"true", "$.tenants.lifetime: expected a number or a distribution like {\"dist\": "
             "\"lognormal\", \"mu\": 0, \"sigma\": 1}, found a boolean"},
    {"null", "$.tenants.lifetime: expected a number or a distribution like {\"dist\": "
             "\"lognormal\", \"mu\": 0, \"sigma\": 1}, found null"},
    {"1e999", "$.tenants.lifetime: expected a finite number, found inf"},
    {"-1e999", "$.tenants.lifetime: expected a finite number, found -inf"},
    /* the name */
    {"{\"mu\": 1, \"sigma\": 1}", "$.tenants.lifetime.dist: required key is missing"},
    {"{}", "$.tenants.lifetime.dist: required key is missing"},
    {"{\"dist\": 3}", "$.tenants.lifetime.dist: expected a string, found a number"},
    {"{\"dist\": \"lognorml\", \"mu\": 0.5, \"sigma\": 1}",
     "$.tenants.lifetime.dist: unknown distribution \"lognorml\" (did you mean \"lognormal\"?)"},
    {"{\"dist\": \"gauss\"}",
     "$.tenants.lifetime.dist: unknown distribution \"gauss\" (known: constant, uniform, "
     "exponential, normal, lognormal, weibull, gamma, pareto, poisson, choice)"},
    {"{\"dist\": \"\"}",
     "$.tenants.lifetime.dist: unknown distribution \"\" (known: constant, uniform, "
     "exponential, normal, lognormal, weibull, gamma, pareto, poisson, choice)"},
    {"{\"dist\": \"Normal\", \"mean\": 0, \"sd\": 1}",
     "$.tenants.lifetime.dist: unknown distribution \"Normal\" (did you mean \"normal\"?)"},
    /* keys */
    {"{\"dist\": \"lognormal\", \"mu\": 0.5, \"sigma\": 1, \"sigmaa\": 2}",
     "$.tenants.lifetime.sigmaa: unknown key (did you mean \"sigma\"?)"},
    {"{\"dist\": \"lognormal\", \"mu\": 0.5, \"sigma\": 1, \"foo\": 2}",
     "$.tenants.lifetime.foo: unknown key (allowed: dist, mu, sigma, min, max)"},
    {"{\"dist\": \"normal\", \"mean\": 0, \"sd\": 1, \"mena\": 2}",
     "$.tenants.lifetime.mena: unknown key (did you mean \"mean\"?)"},
    {"{\"dist\": \"uniform\", \"min\": 0, \"max\": 1, \"mean\": 2}",
     "$.tenants.lifetime.mean: unknown key (allowed: dist, min, max)"},
    {"{\"dist\": \"choice\", \"values\": [1], \"sd\": 2}",
     "$.tenants.lifetime.sd: unknown key (allowed: dist, values, weights, min, max)"},
    {"{\"dist\": \"choice\", \"values\": [1], \"weight\": [1]}",
     "$.tenants.lifetime.weight: unknown key (did you mean \"weights\"?)"},
    {"{\"dist\": \"lognormal\", \"mu\": 0.5, \"sigma\": 1, \"mu\": 2}",
     "$.tenants.lifetime.mu: duplicate key"},
    {"{\"dist\": \"lognormal\", \"dist\": \"normal\", \"mu\": 0.5, \"sigma\": 1}",
     "$.tenants.lifetime.dist: duplicate key"},
    /* parameters: missing, wrong type, not finite */
    {"{\"dist\": \"lognormal\", \"mu\": 0.5}", "$.tenants.lifetime.sigma: required key is missing"},
    {"{\"dist\": \"constant\"}", "$.tenants.lifetime.value: required key is missing"},
    {"{\"dist\": \"lognormal\", \"mu\": 0.5, \"sigma\": \"1\"}",
     "$.tenants.lifetime.sigma: expected a number, found a string"},
    {"{\"dist\": \"normal\", \"mean\": {\"x\": 1}, \"sd\": 1}",
     "$.tenants.lifetime.mean: expected a number, found an object"},
    {"{\"dist\": \"normal\", \"mean\": null, \"sd\": 1}",
     "$.tenants.lifetime.mean: expected a number, found null"},
    {"{\"dist\": \"normal\", \"mean\": 0, \"sd\": [1]}",
     "$.tenants.lifetime.sd: expected a number, found a list"},
    {"{\"dist\": \"lognormal\", \"mu\": 0.5, \"sigma\": 1e999}",
     "$.tenants.lifetime.sigma: expected a finite number, found inf"},
    {"{\"dist\": \"lognormal\", \"mu\": -1e999, \"sigma\": 1}",
     "$.tenants.lifetime.mu: expected a finite number, found -inf"},
    /* parameters out of range */
    {"{\"dist\": \"lognormal\", \"mu\": 0.5, \"sigma\": 0}",
     "$.tenants.lifetime.sigma: sigma must be positive"},
    {"{\"dist\": \"lognormal\", \"mu\": 0.5, \"sigma\": -1}",
     "$.tenants.lifetime.sigma: sigma must be positive"},
    {"{\"dist\": \"normal\", \"mean\": 0, \"sd\": 0}",
     "$.tenants.lifetime.sd: sd must be positive"},
    {"{\"dist\": \"exponential\", \"mean\": 0}", "$.tenants.lifetime.mean: mean must be positive"},
    {"{\"dist\": \"exponential\", \"mean\": -3}", "$.tenants.lifetime.mean: mean must be positive"},
    {"{\"dist\": \"poisson\", \"mean\": 0}", "$.tenants.lifetime.mean: mean must be positive"},
    {"{\"dist\": \"poisson\", \"mean\": 2e9}", "$.tenants.lifetime.mean: mean must be at most 1e9"},
    {"{\"dist\": \"uniform\", \"min\": 3, \"max\": 3}",
     "$.tenants.lifetime.max: max must be greater than min"},
    {"{\"dist\": \"uniform\", \"min\": 3, \"max\": 1}",
     "$.tenants.lifetime.max: max must be greater than min"},
    {"{\"dist\": \"uniform\", \"min\": 3}", "$.tenants.lifetime.max: required key is missing"},
    {"{\"dist\": \"weibull\", \"scale\": 0, \"shape\": 1}",
     "$.tenants.lifetime.scale: scale must be positive"},
    {"{\"dist\": \"weibull\", \"scale\": 1, \"shape\": -1}",
     "$.tenants.lifetime.shape: shape must be positive"},
    {"{\"dist\": \"gamma\", \"shape\": 0, \"scale\": 1}",
     "$.tenants.lifetime.shape: shape must be positive"},
    {"{\"dist\": \"gamma\", \"shape\": 1, \"scale\": -2}",
     "$.tenants.lifetime.scale: scale must be positive"},
    {"{\"dist\": \"pareto\", \"scale\": -1, \"shape\": 2}",
     "$.tenants.lifetime.scale: scale must be positive"},
    {"{\"dist\": \"pareto\", \"scale\": 1, \"shape\": 0}",
     "$.tenants.lifetime.shape: shape must be positive"},
    /* clamps */
    {"{\"dist\": \"exponential\", \"mean\": 1, \"min\": 2, \"max\": 1}",
     "$.tenants.lifetime.max: max must not be less than min"},
    {"{\"dist\": \"exponential\", \"mean\": 1, \"min\": \"0\"}",
     "$.tenants.lifetime.min: expected a number, found a string"},
    {"{\"dist\": \"exponential\", \"mean\": 1, \"max\": 1e999}",
     "$.tenants.lifetime.max: expected a finite number, found inf"},
    /* choice */
    {"{\"dist\": \"choice\"}", "$.tenants.lifetime.values: required key is missing"},
    {"{\"dist\": \"choice\", \"values\": 3}",
     "$.tenants.lifetime.values: expected a list, found a number"},
    {"{\"dist\": \"choice\", \"values\": []}",
     "$.tenants.lifetime.values: expected 1 to 16 values, found 0"},
    {"{\"dist\": \"choice\", \"values\": [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17]}",
     "$.tenants.lifetime.values: expected 1 to 16 values, found 17"},
    {"{\"dist\": \"choice\", \"values\": [1, \"a\"]}",
     "$.tenants.lifetime.values[1]: expected a number, found a string"},
    {"{\"dist\": \"choice\", \"values\": [1e999]}",
     "$.tenants.lifetime.values[0]: expected a finite number, found inf"},
    {"{\"dist\": \"choice\", \"values\": [1, 2], \"weights\": \"x\"}",
     "$.tenants.lifetime.weights: expected a list, found a string"},
    {"{\"dist\": \"choice\", \"values\": [1, 2], \"weights\": [1, 2, 3]}",
     "$.tenants.lifetime.weights: expected 2 weights, one per value, found 3"},
    {"{\"dist\": \"choice\", \"values\": [1, 2], \"weights\": [1, -1]}",
     "$.tenants.lifetime.weights[1]: weight must not be negative"},
    {"{\"dist\": \"choice\", \"values\": [1, 2], \"weights\": [1, true]}",
     "$.tenants.lifetime.weights[1]: expected a number, found a boolean"},
    {"{\"dist\": \"choice\", \"values\": [1, 2], \"weights\": [0, 0]}",
     "$.tenants.lifetime.weights: weights must not all be zero"},
    {"{\"dist\": \"choice\", \"values\": [1, 2], \"weights\": [1e308, 1e308]}",
     "$.tenants.lifetime.weights: weights are too large (their sum overflows)"},
};

START_TEST(reader_errors)
{
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        fx f;
        fx_init(&f, bad[i].json);
        ak_dist d = ak_dist_constant(123), before = d;
        ck_assert_msg(!try_read(&f, &d), "%s accepted", bad[i].json);
        char want[1024];
        snprintf(want, sizeof want, "test: t.json: %s", bad[i].err);
        ck_assert_msg(strcmp(f.r.err, want) == 0, "%s:\n  got  %s\n  want %s", bad[i].json,
                      f.r.err, want);
        ck_assert(memcmp(&d, &before, sizeof d) == 0); /* untouched */
        fx_fini(&f);
    }
}
END_TEST

START_TEST(reader_null_node)
{
    fx f;
    fx_init(&f, "1");
    ak_dist d;
    if (setjmp(f.r.on_error) == 0) {
        ak_dist_read(&f.r, NULL, &d);
        ck_abort_msg("NULL node accepted");
    }
    ck_assert_str_eq(f.r.err, "test: t.json: $: expected a number or a distribution like "
                              "{\"dist\": \"lognormal\", \"mu\": 0, \"sigma\": 1}, found nothing");
    fx_fini(&f);
}
END_TEST

/* Random objects built from plausible and hostile pieces: every one is read or refused with a
 * message at or below the node, and what is read samples, formats and has a mean. */
START_TEST(reader_robustness)
{
    static const char *const names[] = {"constant", "uniform", "exponential", "normal",
                                        "lognormal", "weibull", "gamma", "pareto",
                                        "poisson", "choice", "x", ""};
    static const char *const keys[] = {"value", "min", "max", "mean", "sd", "mu", "sigma",
                                       "scale", "shape", "values", "weights", "dist", "zz"};
    static const char *const vals[] = {
        "0", "1", "-1", "0.5", "3", "1e-300", "1e300", "-1e300", "1e999", "1.7e308", "700",
        "\"1\"", "null", "true", "[]", "{}", "[1, 2, 3]", "[0, 1]", "[1e308, 1e308]",
        "[1, -1, 2]", "[\"a\"]", "[[1]]", "[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17]",
        "1e9", "2e9", "0.1", "2", "10", "[1, 2]", "[0.5, 0.5, 0]",
    };
    enum { NVALS = sizeof vals / sizeof vals[0] };
    gsl_rng *g = stream(1000);
    gsl_rng *r = stream(1001);
    int ok = 0;
    char json[2048];
    for (int it = 0; it < 20000; it++) {
        size_t len = 0;
        len += (size_t)snprintf(json + len, sizeof json - len, "{");
        bool first = true;
        if (gsl_rng_uniform(g) < 0.5) { /* mostly well formed: a type's own parameters */
            const ak_dist_type *t = ak_dist_types()[gsl_rng_uniform_int(g, 10)];
            len += (size_t)snprintf(json + len, sizeof json - len, "\"dist\": \"%s\"", t->name);
            first = false;
            for (const char *const *p = t->params; *p; p++)
                if (gsl_rng_uniform(g) < 0.95)
                    len += (size_t)snprintf(json + len, sizeof json - len, ", \"%s\": %s", *p,
                                            vals[gsl_rng_uniform_int(g, NVALS)]);
        } else if (gsl_rng_uniform(g) < 0.95) {
            len += (size_t)snprintf(json + len, sizeof json - len, "\"dist\": \"%s\"",
                                    names[gsl_rng_uniform_int(g, 12)]);
            first = false;
        }
        int nk = (int)gsl_rng_uniform_int(g, 3);
        for (int k = 0; k < nk; k++) {
            len += (size_t)snprintf(json + len, sizeof json - len, "%s\"%s\": %s",
                                    first ? "" : ", ", keys[gsl_rng_uniform_int(g, 13)],
                                    vals[gsl_rng_uniform_int(g, NVALS)]);
            first = false;
        }
        snprintf(json + len, sizeof json - len, "}");
        fx f;
        fx_init(&f, json);
        ak_dist d;
        if (try_read(&f, &d)) {
            ok++;
            for (int k = 0; k < 3; k++) {
                double x = ak_dist_sample(&d, r);
                ck_assert_msg(!isnan(x), "%s", json);
                ck_assert_msg(x >= d.lo && x <= d.hi, "%s", json);
            }
            (void)ak_dist_mean(&d);
            char buf[512];
            ak_dist_format(&d, buf, sizeof buf);
            ck_assert_msg(strncmp(buf, d.type->name, strlen(d.type->name)) == 0 ||
                              d.type == ak_dist_find("constant"),
                          "%s: %s", json, buf);
        } else {
            ck_assert_msg(strncmp(f.r.err, "test: t.json: $.tenants.lifetime", 32) == 0,
                          "%s: %s", json, f.r.err);
        }
        fx_fini(&f);
    }
    ck_assert_int_gt(ok, 500); /* a good share was valid */
    gsl_rng_free(g);
    gsl_rng_free(r);
}
END_TEST

START_TEST(suggest)
{
    static const char *const names[] = {"constant", "uniform", "exponential", "normal",
                                        "lognormal", "weibull", "gamma", "pareto",
                                        "poisson", "choice", NULL};
    static const char *const keys[] = {"dist", "mu", "sigma", "min", "max", NULL};
    ck_assert_str_eq(jr_suggest("lognorml", names), "lognormal");   /* deletion */
    ck_assert_str_eq(jr_suggest("lgonormal", names), "lognormal");  /* transposition */
    ck_assert_str_eq(jr_suggest("exponentail", names), "exponential");
    ck_assert_str_eq(jr_suggest("possion", names), "poisson");
    ck_assert_str_eq(jr_suggest("gama", names), "gamma");
    ck_assert_str_eq(jr_suggest("Normal", names), "normal"); /* case counts as an edit */
    ck_assert_str_eq(jr_suggest("normal", names), "normal"); /* exact */
    ck_assert_str_eq(jr_suggest("sigmaa", keys), "sigma");
    ck_assert_str_eq(jr_suggest("sgima", keys), "sigma");
    ck_assert_str_eq(jr_suggest("mx", keys), "mu"); /* ties ("max"): the first closest */
    ck_assert_str_eq(jr_suggest("mena", (const char *const[]){"mean", NULL}), "mean");
    ck_assert_ptr_null(jr_suggest("mean", keys)); /* "min" is 2 edits: too far for 4 bytes */
    ck_assert_str_eq(jr_suggest("weight", (const char *const[]){"values", "weights", NULL}),
                     "weights");
    ck_assert_str_eq(jr_suggest("m", keys), "mu");
    ck_assert_ptr_null(jr_suggest("NORMAL", names));
    ck_assert_ptr_null(jr_suggest("gauss", names));
    ck_assert_ptr_null(jr_suggest("x", keys)); /* distance 2 = length of "mu" */
    ck_assert_ptr_null(jr_suggest("", keys));
    ck_assert_ptr_null(jr_suggest("lognormallll", names)); /* distance 3 */
    ck_assert_ptr_null(jr_suggest(NULL, names));
    ck_assert_ptr_null(jr_suggest("mu", NULL));
    static const char *const none[] = {NULL};
    ck_assert_ptr_null(jr_suggest("mu", none));
    /* Words up to 64 bytes are compared; longer ones never match. */
    char w65[66], c65[66], w64[65], c64[65];
    memset(w65, 'a', 65);
    memset(c65, 'a', 65);
    c65[64] = 'b';
    w65[65] = c65[65] = '\0';
    memcpy(w64, w65, 64);
    memcpy(c64, c65 + 1, 64);
    w64[64] = c64[64] = '\0';
    ck_assert_ptr_null(jr_suggest(w65, (const char *const[]){c65, NULL}));
    ck_assert_ptr_null(jr_suggest(w64, (const char *const[]){c65, NULL}));
    ck_assert_str_eq(jr_suggest(w64, (const char *const[]){c64, NULL}), c64);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("dist");
    TCase *tc = tcase_create("dist");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, table);
    tcase_add_loop_test(tc, means_and_spreads, 0, NCASES);
    tcase_add_test(tc, one_draw_per_sample);
    tcase_add_test(tc, same_stream_same_samples);
    tcase_add_test(tc, clamping);
    tcase_add_test(tc, choice_weights);
    tcase_add_test(tc, means);
    tcase_add_test(tc, init_and_constant);
    tcase_add_test(tc, format);
    tcase_add_test(tc, reader_errors);
    tcase_add_test(tc, reader_null_node);
    tcase_add_test(tc, reader_robustness);
    tcase_add_test(tc, suggest);
    suite_add_tcase(s, tc);
    return check_run(s);
}
