/*
 * sim/dist.c: the table of named distributions, their JSON reader and samplers (see dist.h),
 * ("did you mean" suggestions come from jr_suggest in jread.c).
 */
#include "dist.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "rng.h"

#define POISSON_MAX_MEAN 1e9 /* gsl_ran_poisson returns an unsigned int */

/* The one uniform a sample consumes, in (0, 1): inversions are never asked for the 0 quantile
 * (-inf for normal), and 0 is replaced by half the finest step of xoshiro256**'s doubles. */
static double unit(gsl_rng *r)
{
    double u = gsl_rng_uniform(r);
    return u > 0 ? u : 0x1p-54;
}

/* A private stream seeded from one uniform of r, for samplers that draw a variable number of
 * variates: the caller's stream advances by exactly one. */
static void substream(gsl_rng *r, gsl_rng *sub, ak_rng_state *st)
{
    double u = gsl_rng_uniform(r); /* [0, 1) */
    ak_rng_local(sub, st, (uint64_t)ldexp(u, 64));
}

/* ---- the distributions ---- */

static const char *const constant_params[] = {"value", NULL};

static double constant_sample(const ak_dist *d, gsl_rng *r)
{
    (void)r;
    return d->p[0];
}

static double constant_mean(const ak_dist *d)
{
    return d->p[0];
}

static const ak_dist_type constant_type = {
    .name = "constant",
    .params = constant_params,
    .doc = "always value",
    .draws = 0,
    .sample = constant_sample,
    .mean = constant_mean,
};

static const char *const uniform_params[] = {"min", "max", NULL};

static const char *uniform_check(const ak_dist *d, int *bad)
{
    *bad = 1;
    if (!(d->p[1] > d->p[0]))
        return "max must be greater than min";
    return NULL;
}

static double uniform_sample(const ak_dist *d, gsl_rng *r)
{
    double u = unit(r);
    return d->p[0] * (1 - u) + d->p[1] * u; /* no overflow even for min = -max = -DBL_MAX */
}

static double uniform_mean(const ak_dist *d)
{
    return d->p[0] / 2 + d->p[1] / 2;
}

static const ak_dist_type uniform_type = {
    .name = "uniform",
    .params = uniform_params,
    .doc = "uniform on [min, max]",
    .draws = 1,
    .check = uniform_check,
    .sample = uniform_sample,
    .mean = uniform_mean,
};

static const char *const mean_params[] = {"mean", NULL};

static const char *positive_mean_check(const ak_dist *d, int *bad)
{
    *bad = 0;
    return d->p[0] > 0 ? NULL : "mean must be positive";
}

static double exponential_sample(const ak_dist *d, gsl_rng *r)
{
    return gsl_cdf_exponential_Pinv(unit(r), d->p[0]);
}

static double first_param(const ak_dist *d)
{
    return d->p[0];
}

static const ak_dist_type exponential_type = {
    .name = "exponential",
    .params = mean_params,
    .doc = "exponential with the given mean (rate 1/mean)",
    .draws = 1,
    .check = positive_mean_check,
    .sample = exponential_sample,
    .mean = first_param,
};

static const char *const normal_params[] = {"mean", "sd", NULL};

static const char *normal_check(const ak_dist *d, int *bad)
{
    *bad = 1;
    return d->p[1] > 0 ? NULL : "sd must be positive";
}

static double normal_sample(const ak_dist *d, gsl_rng *r)
{
    return d->p[0] + d->p[1] * gsl_cdf_ugaussian_Pinv(unit(r));
}

static const ak_dist_type normal_type = {
    .name = "normal",
    .params = normal_params,
    .doc = "normal (Gaussian) with mean and standard deviation sd",
    .draws = 1,
    .check = normal_check,
    .sample = normal_sample,
    .mean = first_param,
};

static const char *const lognormal_params[] = {"mu", "sigma", NULL};

static const char *lognormal_check(const ak_dist *d, int *bad)
{
    *bad = 1;
    return d->p[1] > 0 ? NULL : "sigma must be positive";
}

static double lognormal_sample(const ak_dist *d, gsl_rng *r)
{
    return exp(d->p[0] + d->p[1] * gsl_cdf_ugaussian_Pinv(unit(r)));
}

static double lognormal_mean(const ak_dist *d)
{
    return exp(d->p[0] + d->p[1] * d->p[1] / 2);
}

static const ak_dist_type lognormal_type = {
    .name = "lognormal",
    .params = lognormal_params,
    .doc = "exp(N(mu, sigma^2)): mu and sigma of the underlying normal; mean exp(mu + sigma^2/2)",
    .draws = 1,
    .check = lognormal_check,
    .sample = lognormal_sample,
    .mean = lognormal_mean,
};

static const char *const scale_shape_params[] = {"scale", "shape", NULL};
static const char *const shape_scale_params[] = {"shape", "scale", NULL};

/* Both parameters positive; the messages name them in params order. */
static const char *two_positive(const ak_dist *d, int *bad)
{
    static const char *const msg[2][2] = {
        {"scale must be positive", "shape must be positive"},
        {"shape must be positive", "scale must be positive"},
    };
    int order = d->type->params == shape_scale_params;
    for (int i = 0; i < 2; i++)
        if (!(d->p[i] > 0)) {
            *bad = i;
            return msg[order][i];
        }
    return NULL;
}

static double weibull_sample(const ak_dist *d, gsl_rng *r)
{
    return gsl_cdf_weibull_Pinv(unit(r), d->p[0], d->p[1]);
}

static double weibull_mean(const ak_dist *d)
{
    return d->p[0] * tgamma(1 + 1 / d->p[1]); /* libm: overflow gives inf, never an abort */
}

static const ak_dist_type weibull_type = {
    .name = "weibull",
    .params = scale_shape_params,
    .doc = "Weibull: P(X > x) = exp(-(x/scale)^shape); shape 1 is exponential with mean scale",
    .draws = 1,
    .check = two_positive,
    .sample = weibull_sample,
    .mean = weibull_mean,
};

static double gamma_sample(const ak_dist *d, gsl_rng *r)
{
    ak_rng_state st;
    gsl_rng sub;
    substream(r, &sub, &st);
    return gsl_ran_gamma(&sub, d->p[0], d->p[1]);
}

static double gamma_mean(const ak_dist *d)
{
    return d->p[0] * d->p[1];
}

static const ak_dist_type gamma_type = {
    .name = "gamma",
    .params = shape_scale_params,
    .doc = "gamma with shape k and scale theta; mean shape * scale",
    .draws = 1,
    .check = two_positive,
    .sample = gamma_sample,
    .mean = gamma_mean,
};

static double pareto_sample(const ak_dist *d, gsl_rng *r)
{
    return gsl_cdf_pareto_Pinv(unit(r), d->p[1], d->p[0]);
}

static double pareto_mean(const ak_dist *d)
{
    double scale = d->p[0], shape = d->p[1];
    return shape > 1 ? shape * scale / (shape - 1) : NAN;
}

static const ak_dist_type pareto_type = {
    .name = "pareto",
    .params = scale_shape_params,
    .doc = "Pareto type I: X >= scale, P(X > x) = (scale/x)^shape; infinite mean for shape <= 1",
    .draws = 1,
    .check = two_positive,
    .sample = pareto_sample,
    .mean = pareto_mean,
};

static const char *poisson_check(const ak_dist *d, int *bad)
{
    *bad = 0;
    if (!(d->p[0] > 0))
        return "mean must be positive";
    if (d->p[0] > POISSON_MAX_MEAN)
        return "mean must be at most 1e9";
    return NULL;
}

static double poisson_sample(const ak_dist *d, gsl_rng *r)
{
    ak_rng_state st;
    gsl_rng sub;
    substream(r, &sub, &st);
    return (double)gsl_ran_poisson(&sub, d->p[0]);
}

static const ak_dist_type poisson_type = {
    .name = "poisson",
    .params = mean_params,
    .doc = "Poisson count with the given mean (integer values)",
    .draws = 1,
    .check = poisson_check,
    .sample = poisson_sample,
    .mean = first_param,
};

static const char *const choice_params[] = {"values", "weights", NULL};

static double number(jr *r, const cJSON *node);

static void choice_read(jr *r, const cJSON *obj, ak_dist *d)
{
    const cJSON *vals = jr_array(r, jr_req(r, obj, "values"));
    int n = jr_len(vals);
    if (n < 1 || n > AK_DIST_MAX_VALUES)
        jr_fail(r, vals, "expected 1 to %d values, found %d", AK_DIST_MAX_VALUES, n);
    d->n = (uint32_t)n;
    int i = 0;
    for (const cJSON *v = vals->child; v; v = v->next)
        d->values[i++] = number(r, v);

    const cJSON *ws = jr_opt(obj, "weights");
    double total = 0;
    if (ws) {
        jr_array(r, ws);
        if (jr_len(ws) != n)
            jr_fail(r, ws, "expected %d weights, one per value, found %d", n, jr_len(ws));
        i = 0;
        for (const cJSON *w = ws->child; w; w = w->next) {
            double x = number(r, w);
            if (x < 0)
                jr_fail(r, w, "weight must not be negative");
            d->weights[i++] = x;
            total += x;
        }
        if (total == 0)
            jr_fail(r, ws, "weights must not all be zero");
        if (!isfinite(total))
            jr_fail(r, ws, "weights are too large (their sum overflows)");
    } else {
        for (i = 0; i < n; i++)
            d->weights[i] = 1;
        total = n;
    }

    int last = 0; /* the last value that can be drawn */
    double acc = 0;
    for (i = 0; i < n; i++) {
        acc += d->weights[i];
        d->cum[i] = acc / total;
        if (d->weights[i] > 0)
            last = i;
    }
    for (i = last; i < n; i++) /* no rounding gap below 1 for the uniform to fall into */
        d->cum[i] = 1;
}

static double choice_sample(const ak_dist *d, gsl_rng *r)
{
    double u = unit(r);
    /* Zero-weight values have cum equal to their predecessor's and are never chosen. */
    for (uint32_t i = 0; i + 1 < d->n; i++)
        if (u < d->cum[i])
            return d->values[i];
    return d->values[d->n - 1];
}

static double choice_mean(const ak_dist *d)
{
    double total = 0, acc = 0;
    for (uint32_t i = 0; i < d->n; i++) {
        total += d->weights[i];
        acc += d->weights[i] * d->values[i];
    }
    return acc / total;
}

static const ak_dist_type choice_type = {
    .name = "choice",
    .params = choice_params,
    .doc = "one of values (at most 16), with probability proportional to weights (equal when "
           "absent)",
    .draws = 1,
    .read = choice_read,
    .sample = choice_sample,
    .mean = choice_mean,
};

static const ak_dist_type *const types[] = {
    &constant_type, &uniform_type, &exponential_type, &normal_type, &lognormal_type,
    &weibull_type,  &gamma_type,   &pareto_type,      &poisson_type, &choice_type,
    NULL,
};

#define NTYPES (sizeof types / sizeof types[0] - 1)

const ak_dist_type *const *ak_dist_types(void)
{
    return types;
}

const ak_dist_type *ak_dist_find(const char *name)
{
    if (!name)
        return NULL;
    for (const ak_dist_type *const *t = types; *t; t++)
        if (strcmp((*t)->name, name) == 0)
            return *t;
    return NULL;
}

/* ---- reading ---- */

static double number(jr *r, const cJSON *node)
{
    if (!cJSON_IsNumber(node))
        jr_fail(r, node, "expected a number, found %s", jr_kind(node));
    if (!isfinite(node->valuedouble))
        jr_fail(r, node, "expected a finite number, found %g", node->valuedouble);
    return node->valuedouble;
}

static size_t nparams(const ak_dist_type *t)
{
    size_t n = 0;
    while (t->params[n])
        n++;
    return n;
}

static bool has_param(const ak_dist_type *t, const char *key)
{
    for (const char *const *p = t->params; *p; p++)
        if (strcmp(*p, key) == 0)
            return true;
    return false;
}

static const ak_dist_type *read_type(jr *r, const cJSON *obj)
{
    const char *names[NTYPES + 1];
    for (size_t i = 0; i <= NTYPES; i++)
        names[i] = types[i] ? types[i]->name : NULL;
    return types[jr_one_of(r, jr_req(r, obj, "dist"), "distribution", names)];
}

/* Unknown keys get a "did you mean" when one is close, the list of allowed keys otherwise; the
 * messages are made here so they do not depend on jr_keys' wording, which then only refuses
 * duplicates. */
static void read_keys(jr *r, const cJSON *obj, const ak_dist_type *t)
{
    const char *allowed[AK_DIST_MAX_PARAMS + 4];
    size_t n = 0;
    allowed[n++] = "dist";
    for (const char *const *p = t->params; *p && n < AK_DIST_MAX_PARAMS + 1; p++)
        allowed[n++] = *p;
    if (!has_param(t, "min"))
        allowed[n++] = "min";
    if (!has_param(t, "max"))
        allowed[n++] = "max";
    allowed[n] = NULL;
    for (const cJSON *c = obj->child; c; c = c->next) {
        bool ok = false;
        for (size_t i = 0; i < n && !ok; i++)
            ok = strcmp(allowed[i], c->string) == 0;
        if (ok)
            continue;
        const char *hint = jr_suggest(c->string, allowed);
        if (hint)
            jr_fail(r, c, "unknown key (did you mean \"%s\"?)", hint);
        char list[128] = "";
        size_t len = 0;
        for (size_t i = 0; i < n && len < sizeof list; i++) {
            int k = snprintf(list + len, sizeof list - len, "%s%s", i ? ", " : "", allowed[i]);
            len += k > 0 ? (size_t)k : 0;
        }
        jr_fail(r, c, "unknown key (allowed: %s)", list);
    }
    jr_keys(r, obj, allowed);
}

static void read_object(jr *r, const cJSON *obj, ak_dist *d)
{
    const ak_dist_type *t = read_type(r, obj);
    read_keys(r, obj, t);
    d->type = t;
    d->lo = -INFINITY;
    d->hi = INFINITY;
    if (t->read) {
        t->read(r, obj, d);
    } else {
        size_t np = nparams(t);
        for (size_t i = 0; i < np; i++)
            d->p[i] = number(r, jr_req(r, obj, t->params[i]));
    }
    int bad = 0;
    const char *why = t->check ? t->check(d, &bad) : NULL;
    if (why)
        jr_fail(r, jr_opt(obj, t->params[bad]), "%s", why);

    if (!has_param(t, "min")) {
        const cJSON *lo = jr_opt(obj, "min");
        if (lo)
            d->lo = number(r, lo);
    }
    if (!has_param(t, "max")) {
        const cJSON *hi = jr_opt(obj, "max");
        if (hi)
            d->hi = number(r, hi);
        if (hi && d->hi < d->lo)
            jr_fail(r, hi, "max must not be less than min");
    }
}

void ak_dist_read(jr *r, const cJSON *node, ak_dist *out)
{
    ak_dist d;
    memset(&d, 0, sizeof d);
    if (cJSON_IsNumber(node)) {
        d = ak_dist_constant(number(r, node));
    } else if (cJSON_IsObject(node)) {
        read_object(r, node, &d);
    } else {
        jr_fail(r, node,
                "expected a number or a distribution like {\"dist\": \"lognormal\", \"mu\": 0, "
                "\"sigma\": 1}, found %s",
                jr_kind(node));
    }
    *out = d;
}

int ak_dist_init(ak_dist *out, const ak_dist_type *type, const double *p)
{
    if (!type || type->read)
        return AK_EINVAL;
    ak_dist d;
    memset(&d, 0, sizeof d);
    d.type = type;
    d.lo = -INFINITY;
    d.hi = INFINITY;
    size_t np = nparams(type);
    for (size_t i = 0; i < np; i++) {
        if (!isfinite(p[i]))
            return AK_EINVAL;
        d.p[i] = p[i];
    }
    int bad;
    if (type->check && type->check(&d, &bad))
        return AK_EINVAL;
    *out = d;
    return 0;
}

ak_dist ak_dist_constant(double v)
{
    ak_dist d;
    memset(&d, 0, sizeof d);
    d.type = &constant_type;
    d.p[0] = v;
    d.lo = -INFINITY;
    d.hi = INFINITY;
    return d;
}

/* ---- using ---- */

double ak_dist_sample(const ak_dist *d, gsl_rng *r)
{
    double x = d->type->sample(d, r);
    if (x < d->lo)
        return d->lo;
    if (x > d->hi)
        return d->hi;
    return x;
}

double ak_dist_mean(const ak_dist *d)
{
    return d->type->mean(d);
}

typedef struct sink {
    char *buf;
    size_t cap, len;
} sink;

static void put(sink *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(sink *s, const char *fmt, ...)
{
    if (s->len + 1 >= s->cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(s->buf + s->len, s->cap - s->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        s->len = s->len + (size_t)n < s->cap ? s->len + (size_t)n : s->cap - 1;
}

/* The shortest %.15g .. %.17g that reads back as v. */
static void put_num(sink *s, double v)
{
    char b[40];
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(b, sizeof b, "%.*g", prec, v);
        if (strtod(b, NULL) == v)
            break;
    }
    put(s, "%s", b);
}

static void put_list(sink *s, const char *key, const double *v, uint32_t n)
{
    put(s, "%s=[", key);
    for (uint32_t i = 0; i < n; i++) {
        if (i)
            put(s, ", ");
        put_num(s, v[i]);
    }
    put(s, "]");
}

void ak_dist_format(const ak_dist *d, char *buf, size_t cap)
{
    if (cap == 0)
        return;
    sink s = {buf, cap, 0};
    buf[0] = '\0';
    const ak_dist_type *t = d->type;
    bool clamped = d->lo > -INFINITY || d->hi < INFINITY;
    if (t == &constant_type && !clamped) {
        put_num(&s, d->p[0]);
        return;
    }
    put(&s, "%s(", t->name);
    if (t == &choice_type) {
        put_list(&s, "values", d->values, d->n);
        put(&s, ", ");
        put_list(&s, "weights", d->weights, d->n);
    } else {
        for (size_t i = 0; t->params[i]; i++) {
            put(&s, "%s%s=", i ? ", " : "", t->params[i]);
            put_num(&s, d->p[i]);
        }
    }
    if (d->lo > -INFINITY) {
        put(&s, ", min=");
        put_num(&s, d->lo);
    }
    if (d->hi < INFINITY) {
        put(&s, ", max=");
        put_num(&s, d->hi);
    }
    put(&s, ")");
}
