/*
 * models/akt_price.c: the AKT/USD price processes (see akt_price.h): the table, the reader and
 * the steps.
 */
#include "akt_price.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "errors.h"

#define US_PER_DAY 86400e6
#define DAYS_PER_YEAR 365.0
#define MAX_DRIFT 100.0      /* |mu| per year */
#define MAX_VOLATILITY 100.0 /* sigma per year */
#define MAX_JUMP_MEAN 10.0   /* |m| of the log jump */
#define MAX_JUMP_SD 10.0
#define MAX_JUMPS_PER_STEP 100.0 /* lambda dt: the Poisson CDF's inversion stays exact */
#define MAX_MEAN_DAYS 36500.0
#define MIN_STEP_HOURS (1.0 / 60)
#define MAX_STEP_HOURS 8760.0

/* ---- numbers ---- */


static double opt(jr *r, const cJSON *obj, const char *key, double def, double lo, bool lo_open,
                  double hi)
{
    const cJSON *n = jr_opt(obj, key);
    return n ? jr_ranged(r, n, key, lo, lo_open, hi) : def;
}

/* A price in USD; the message names what it is. */
static double price(jr *r, const cJSON *node, const char *what)
{
    double v = jr_number(r, node);
    if (!(v >= AK_PRICE_MIN && v <= AK_PRICE_MAX))
        jr_fail(r, node, "%s must be at least 0.000001 and at most 1000000 (USD per AKT)", what);
    return v;
}

static double clamp(double s)
{
    if (!(s >= AK_PRICE_MIN)) /* NaN cannot arise, but would land here */
        return AK_PRICE_MIN;
    return s > AK_PRICE_MAX ? AK_PRICE_MAX : s;
}

/* The standard normal quantile of a uniform in [0, 1): 0 is replaced by half the finest step
 * of xoshiro256**'s doubles, so Z is always finite (|Z| < 8.3). */
static double gauss(double u)
{
    return gsl_cdf_ugaussian_Pinv(u > 0 ? u : 0x1p-54);
}

/* exp of a gbm step's log return, with the regime's or the spec's mu and sigma. */
static double gbm_log_return(double mu, double sigma, double dt, double z)
{
    return (mu - sigma * sigma / 2) * dt + sigma * sqrt(dt) * z;
}

/* ---- the processes ---- */

static const char *const constant_keys[] = {"start", NULL};

static void constant_read(jr *r, const cJSON *obj, const char *file, ak_price_spec *s)
{
    (void)file;
    s->start = price(r, jr_req(r, obj, "start"), "start");
}

static double constant_step(const ak_price_spec *s, ak_price_state *st, const double *u)
{
    (void)s;
    (void)u;
    return st->price;
}

static const ak_price_type constant_type = {
    .name = "constant",
    .doc = "start, always",
    .keys = constant_keys,
    .stepped = false,
    .draws = 0,
    .read = constant_read,
    .step = constant_step,
};

static const char *const gbm_keys[] = {"start", "drift", "volatility", "step_hours", NULL};

static void diffusion_read(jr *r, const cJSON *obj, ak_price_spec *s)
{
    s->start = price(r, jr_req(r, obj, "start"), "start");
    s->drift = opt(r, obj, "drift", 0, -MAX_DRIFT, false, MAX_DRIFT);
    s->volatility = jr_req_ranged(r, obj, "volatility", 0, false, MAX_VOLATILITY);
}

static void gbm_read(jr *r, const cJSON *obj, const char *file, ak_price_spec *s)
{
    (void)file;
    diffusion_read(r, obj, s);
}

static double gbm_step(const ak_price_spec *s, ak_price_state *st, const double *u)
{
    return st->price * exp(gbm_log_return(s->drift, s->volatility, s->dt, gauss(u[0])));
}

static const ak_price_type gbm_type = {
    .name = "gbm",
    .doc = "geometric Brownian motion: S exp((drift - volatility^2/2) dt + volatility sqrt(dt) Z)",
    .keys = gbm_keys,
    .stepped = true,
    .draws = AK_PRICE_DRAWS,
    .read = gbm_read,
    .step = gbm_step,
};

static const char *const jump_keys[] = {"start",    "drift",     "volatility", "jumps_per_year",
                                        "jump_mean", "jump_sd", "step_hours", NULL};

static void jump_read(jr *r, const cJSON *obj, const char *file, ak_price_spec *s)
{
    (void)file;
    diffusion_read(r, obj, s);
    const cJSON *lam = jr_req(r, obj, "jumps_per_year");
    s->jumps_per_year = jr_number(r, lam);
    if (!(s->jumps_per_year >= 0))
        jr_fail(r, lam, "jumps_per_year must not be negative");
    double per_step = s->jumps_per_year * s->dt;
    if (per_step > MAX_JUMPS_PER_STEP)
        jr_fail(r, lam, "jumps_per_year x step_hours / 8760 must be at most 100 (jumps per step "
                        "on average)");
    s->p_no_jump = exp(-per_step);
    s->jump_mean = jr_req_ranged(r, obj, "jump_mean", -MAX_JUMP_MEAN, false, MAX_JUMP_MEAN);
    s->jump_sd = jr_req_ranged(r, obj, "jump_sd", 0, false, MAX_JUMP_SD);
}

/* The smallest k with P(N <= k) > u, N ~ Poisson(lambda), p0 = exp(-lambda) > 0. The CDF
 * summed in double reaches 1 - 1e-15 well before k = lambda + 40 sqrt(lambda) + 40 for
 * lambda <= 100; past that the loop stops. */
static double poisson_inv(double u, double lambda, double p0)
{
    double p = p0, cdf = p0;
    double kmax = lambda + 40 * sqrt(lambda) + 40;
    double k = 0;
    while (u >= cdf && k < kmax) {
        k++;
        p *= lambda / k;
        cdf += p;
    }
    return k;
}

static double jump_step(const ak_price_spec *s, ak_price_state *st, const double *u)
{
    double x = gbm_log_return(s->drift, s->volatility, s->dt, gauss(u[0]));
    double n = poisson_inv(u[1], s->jumps_per_year * s->dt, s->p_no_jump);
    if (n > 0)
        x += n * s->jump_mean + sqrt(n) * s->jump_sd * gauss(u[2]);
    return st->price * exp(x);
}

static const ak_price_type jump_type = {
    .name = "jump",
    .doc = "Merton jump diffusion: gbm with Poisson(jumps_per_year dt) log-normal jumps "
           "N(jump_mean, jump_sd^2)",
    .keys = jump_keys,
    .stepped = true,
    .draws = AK_PRICE_DRAWS,
    .read = jump_read,
    .step = jump_step,
};

static const char *const regime_keys[] = {"start", "regimes", "step_hours", NULL};

static void regime_read(jr *r, const cJSON *obj, const char *file, ak_price_spec *s)
{
    static const char *const keys[] = {"name", "drift", "volatility", "mean_days", NULL};
    (void)file;
    s->start = price(r, jr_req(r, obj, "start"), "start");
    const cJSON *list = jr_array(r, jr_req(r, obj, "regimes"));
    int n = jr_len(list);
    if (n < 1 || n > AK_PRICE_MAX_REGIMES)
        jr_fail(r, list, "expected 1 to %d regimes, found %d", AK_PRICE_MAX_REGIMES, n);
    s->nregimes = 0;
    for (const cJSON *g = list->child; g; g = g->next) {
        ak_price_regime *rg = &s->regimes[s->nregimes];
        jr_keys(r, g, keys);
        const cJSON *nm = jr_req(r, g, "name");
        size_t len;
        const char *name = jr_string(r, nm, &len);
        if (len == 0 || len > AK_PRICE_MAX_NAME)
            jr_fail(r, nm, "a regime's name must have 1 to %d characters", AK_PRICE_MAX_NAME);
        for (uint32_t k = 0; k < s->nregimes; k++)
            if (strcmp(s->regimes[k].name, name) == 0)
                jr_fail(r, nm, "regime \"%s\" is named twice", name);
        memcpy(rg->name, name, len + 1);
        rg->drift = opt(r, g, "drift", 0, -MAX_DRIFT, false, MAX_DRIFT);
        rg->volatility = jr_req_ranged(r, g, "volatility", 0, false, MAX_VOLATILITY);
        rg->mean_days = jr_req_ranged(r, g, "mean_days", 0, true, MAX_MEAN_DAYS);
        rg->p_leave = -expm1(-(s->dt * DAYS_PER_YEAR) / rg->mean_days);
        s->nregimes++;
    }
}

static double regime_step(const ak_price_spec *s, ak_price_state *st, const double *u)
{
    const ak_price_regime *rg = &s->regimes[st->regime];
    double p = st->price * exp(gbm_log_return(rg->drift, rg->volatility, s->dt, gauss(u[0])));
    if (u[1] < rg->p_leave)
        st->regime = (st->regime + 1) % s->nregimes;
    return p;
}

static const ak_price_type regime_type = {
    .name = "regime",
    .doc = "Markov switching between gbm regimes, each held for an exponential time of mean "
           "mean_days, in list order",
    .keys = regime_keys,
    .stepped = true,
    .draws = AK_PRICE_DRAWS,
    .read = regime_read,
    .step = regime_step,
};

static const char *const csv_keys[] = {"file", "interpolate", "step_hours", NULL};

static void csv_read(jr *r, const cJSON *obj, const char *file, ak_price_spec *s)
{
    ak_series_read(r, jr_req(r, obj, "file"), jr_opt(obj, "interpolate"), file, AK_PRICE_MIN,
                   AK_PRICE_MAX, &s->series);
    s->start = s->series.value[0];
}

/* The day of st's next step. */
static double next_day(const ak_price_spec *s, const ak_price_state *st)
{
    return (double)((int64_t)(st->steps + 1) * s->step_us) / US_PER_DAY;
}

static double csv_step(const ak_price_spec *s, ak_price_state *st, const double *u)
{
    (void)u;
    return ak_series_at(&s->series, next_day(s, st));
}

static const ak_price_type csv_type = {
    .name = "csv",
    .doc = "the series of a CSV file of day,value rows, sampled every step",
    .keys = csv_keys,
    .stepped = true,
    .draws = 0,
    .read = csv_read,
    .step = csv_step,
};

static const ak_price_type *const types[] = {
    &constant_type, &gbm_type, &jump_type, &regime_type, &csv_type, NULL,
};

#define NTYPES (sizeof types / sizeof types[0] - 1)

const ak_price_type *const *ak_price_types(void)
{
    return types;
}

const ak_price_type *ak_price_find(const char *name)
{
    for (size_t i = 0; name && types[i]; i++)
        if (strcmp(types[i]->name, name) == 0)
            return types[i];
    return NULL;
}

/* ---- reading ---- */

static const ak_price_type *read_type(jr *r, const cJSON *obj)
{
    const char *names[NTYPES + 1];
    for (size_t i = 0; i <= NTYPES; i++)
        names[i] = types[i] ? types[i]->name : NULL;
    return types[jr_one_of(r, jr_req(r, obj, "process"), "process", names)];
}

/* The grid of a process that steps: step_hours (default 1), in microseconds and years. */
static void read_step(jr *r, const cJSON *obj, ak_price_spec *s)
{
    const cJSON *n = jr_opt(obj, "step_hours");
    s->step_hours = 1;
    if (n) {
        s->step_hours = jr_number(r, n);
        if (!(s->step_hours >= MIN_STEP_HOURS && s->step_hours <= MAX_STEP_HOURS))
            jr_fail(r, n, "step_hours must be at least 1/60 (a minute) and at most 8760 (a "
                          "year)");
    }
    s->step_us = (int64_t)llround(s->step_hours * 3.6e9);
    s->dt = (double)s->step_us / (DAYS_PER_YEAR * US_PER_DAY);
}

static void read_object(jr *r, const cJSON *obj, const char *scenario_file, ak_price_spec *s)
{
    const ak_price_type *t = read_type(r, obj);
    const char *allowed[12];
    size_t n = 0;
    allowed[n++] = "process";
    for (size_t i = 0; t->keys[i] && n < 11; i++)
        allowed[n++] = t->keys[i];
    allowed[n] = NULL;
    jr_keys(r, obj, allowed);
    s->type = t;
    if (t->stepped)
        read_step(r, obj, s);
    t->read(r, obj, scenario_file, s); /* last: a CSV series is never lost to a later failure */
}

void ak_price_read(jr *r, const cJSON *node, const char *scenario_file, ak_price_spec *out)
{
    ak_price_spec s;
    memset(&s, 0, sizeof s);
    if (cJSON_IsNumber(node)) {
        s.type = &constant_type;
        s.start = price(r, node, "a price");
    } else if (cJSON_IsObject(node)) {
        read_object(r, node, scenario_file, &s);
    } else {
        jr_fail(r, node,
                "expected a price in USD or a process like {\"process\": \"gbm\", \"start\": "
                "1.14, \"volatility\": 0.8}, found %s",
                jr_kind(node));
    }
    *out = s;
}

int ak_price_constant(double usd, ak_price_spec *out)
{
    if (!(usd >= AK_PRICE_MIN && usd <= AK_PRICE_MAX))
        return AK_EINVAL;
    memset(out, 0, sizeof *out);
    out->type = &constant_type;
    out->start = usd;
    return 0;
}

void ak_price_free(ak_price_spec *spec)
{
    if (spec && spec->type == &csv_type)
        ak_series_free(&spec->series);
}

/* ---- paths ---- */

int ak_price_init(const ak_price_spec *spec, ak_price_state *st)
{
    if (!spec || !spec->type)
        return AK_EINVAL;
    st->price = clamp(spec->start);
    st->steps = 0;
    st->regime = 0;
    return 0;
}

double ak_price_now(const ak_price_state *st)
{
    return st->price;
}

void ak_price_step(const ak_price_spec *spec, ak_price_state *st, gsl_rng *r)
{
    if (spec->step_us == 0)
        return;
    double u[AK_PRICE_DRAWS];
    for (unsigned i = 0; i < spec->type->draws; i++)
        u[i] = gsl_rng_uniform(r);
    st->price = clamp(spec->type->step(spec, st, u));
    st->steps++;
}

int64_t ak_price_step_us(const ak_price_spec *spec)
{
    return spec->step_us;
}
