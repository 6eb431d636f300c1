/*
 * models/demand.c: the demand curve (see demand.h): the tables of trend and event kinds, the
 * reader, the curve and its window bounds, and thinning.
 */
#include "demand.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "errors.h"

#define DAYS_PER_YEAR 365.0
#define SLACK (1 + 1e-12) /* bounds against the rounding of the parts' products */

/* Longest windows of ak_demand_bound, in days: the trend and events change little in a day,
 * a weekly cosine little in 6 hours (at most 2 pi / 28 of its swing), a daily one in an hour. */
#define WINDOW_DAY 1.0
#define WINDOW_WEEKLY 0.25
#define WINDOW_DAILY (1.0 / 24)

/* ---- numbers ---- */




/* The allowed keys of an object of a kind: "kind" and the kind's own. */
static void kind_keys(jr *r, const cJSON *obj, const char *const *keys)
{
    const char *allowed[8];
    size_t n = 0;
    allowed[n++] = "kind";
    for (size_t i = 0; keys[i] && n < 7; i++)
        allowed[n++] = keys[i];
    allowed[n] = NULL;
    jr_keys(r, obj, allowed);
}

/* ---- trends ---- */

static const char *const no_keys[] = {NULL};
static const char *const growth_keys[] = {"per_year", NULL};

static double constant_at(const ak_demand_trend *t, double day)
{
    (void)t;
    (void)day;
    return 1;
}

static double constant_bound(const ak_demand_trend *t, double day0, double day1)
{
    (void)t;
    (void)day0;
    (void)day1;
    return 1;
}

static const ak_demand_trend_type constant_trend = {
    .name = "constant",
    .doc = "1",
    .keys = no_keys,
    .at = constant_at,
    .bound = constant_bound,
};

static void linear_read(jr *r, const cJSON *obj, ak_demand_trend *t)
{
    t->per_year = jr_req_ranged(r, obj, "per_year", -AK_DEMAND_MAX_GROWTH, false, AK_DEMAND_MAX_GROWTH);
}

static double linear_at(const ak_demand_trend *t, double day)
{
    double v = 1 + t->per_year * day / DAYS_PER_YEAR;
    return v > 0 ? v : 0;
}

/* Both trends are monotone: the supremum is at an end of the window. */
static double monotone_bound(const ak_demand_trend *t, double day0, double day1)
{
    double a = t->type->at(t, day0), b = t->type->at(t, day1);
    return a > b ? a : b;
}

static const ak_demand_trend_type linear_trend = {
    .name = "linear",
    .doc = "max(0, 1 + per_year * t / 365)",
    .keys = growth_keys,
    .read = linear_read,
    .at = linear_at,
    .bound = monotone_bound,
};

static void exponential_read(jr *r, const cJSON *obj, ak_demand_trend *t)
{
    t->per_year = jr_req_ranged(r, obj, "per_year", -1, true, AK_DEMAND_MAX_GROWTH);
}

static double exponential_at(const ak_demand_trend *t, double day)
{
    return pow(1 + t->per_year, day / DAYS_PER_YEAR);
}

static const ak_demand_trend_type exponential_trend = {
    .name = "exponential",
    .doc = "(1 + per_year)^(t / 365)",
    .keys = growth_keys,
    .read = exponential_read,
    .at = exponential_at,
    .bound = monotone_bound,
};

static const ak_demand_trend_type *const trend_types[] = {
    &constant_trend, &linear_trend, &exponential_trend, NULL,
};

const ak_demand_trend_type *const *ak_demand_trend_types(void)
{
    return trend_types;
}

const ak_demand_trend_type *ak_demand_trend_find(const char *name)
{
    for (size_t i = 0; name && trend_types[i]; i++)
        if (strcmp(trend_types[i]->name, name) == 0)
            return trend_types[i];
    return NULL;
}

/* ---- events ---- */

static double max2(double a, double b)
{
    return a > b ? a : b;
}

static double factor(jr *r, const cJSON *obj)
{
    return jr_req_ranged(r, obj, "factor", 0, false, AK_DEMAND_MAX);
}

static const char *const step_keys[] = {"at_day", "factor", NULL};

static void step_read(jr *r, const cJSON *obj, ak_demand_event *e)
{
    e->factor = factor(r, obj);
}

static double step_at(const ak_demand_event *e, double day)
{
    return day >= e->at_day ? e->factor : 1;
}

static double step_bound(const ak_demand_event *e, double day0, double day1)
{
    if (day1 <= e->at_day)
        return 1;
    return day0 >= e->at_day ? e->factor : max2(1, e->factor);
}

static double step_next(const ak_demand_event *e, double day)
{
    return day < e->at_day ? e->at_day : INFINITY;
}

static const ak_demand_event_type step_event = {
    .name = "step",
    .doc = "factor from at_day on",
    .keys = step_keys,
    .read = step_read,
    .at = step_at,
    .bound = step_bound,
    .next = step_next,
};

static const char *const spike_keys[] = {"at_day", "days", "factor", NULL};

static void spike_read(jr *r, const cJSON *obj, ak_demand_event *e)
{
    e->days = jr_req_ranged(r, obj, "days", 0, true, AK_DEMAND_MAX_DAY);
    e->factor = factor(r, obj);
}

static double spike_at(const ak_demand_event *e, double day)
{
    return day >= e->at_day && day < e->at_day + e->days ? e->factor : 1;
}

static double spike_bound(const ak_demand_event *e, double day0, double day1)
{
    double end = e->at_day + e->days;
    bool inside = day0 < end && day1 > e->at_day;
    bool outside = day0 < e->at_day || day1 > end;
    return max2(inside ? e->factor : 0, outside ? 1 : 0);
}

static double spike_next(const ak_demand_event *e, double day)
{
    if (day < e->at_day)
        return e->at_day;
    return day < e->at_day + e->days ? e->at_day + e->days : INFINITY;
}

static const ak_demand_event_type spike_event = {
    .name = "spike",
    .doc = "factor during [at_day, at_day + days)",
    .keys = spike_keys,
    .read = spike_read,
    .at = spike_at,
    .bound = spike_bound,
    .next = spike_next,
};

static const char *const crash_keys[] = {"at_day", "factor", "recovery_days", NULL};

static void crash_read(jr *r, const cJSON *obj, ak_demand_event *e)
{
    e->factor = factor(r, obj);
    const cJSON *rec = jr_opt(obj, "recovery_days");
    e->recovery_days = rec ? jr_ranged(r, rec, "recovery_days", 0, true, AK_DEMAND_MAX_DAY) : 0;
}

/* The recovery ramp at day, for at_day <= day <= at_day + R. */
static double ramp(const ak_demand_event *e, double day)
{
    double f = e->factor;
    return f + (1 - f) * ((day - e->at_day) / e->recovery_days);
}

static double crash_at(const ak_demand_event *e, double day)
{
    if (day < e->at_day)
        return 1;
    if (e->recovery_days == 0)
        return e->factor;
    if (day >= e->at_day + e->recovery_days)
        return 1;
    return ramp(e, day);
}

static double crash_bound(const ak_demand_event *e, double day0, double day1)
{
    double b = day0 < e->at_day ? 1 : 0;
    if (day1 <= e->at_day)
        return b;
    if (e->recovery_days == 0)
        return max2(b, e->factor);
    double end = e->at_day + e->recovery_days;
    double r0 = max2(day0, e->at_day), r1 = day1 < end ? day1 : end;
    if (r0 < r1) /* the ramp is a straight line: its ends */
        b = max2(b, max2(ramp(e, r0), ramp(e, r1)));
    if (day1 > end)
        b = max2(b, 1);
    return b;
}

static double crash_next(const ak_demand_event *e, double day)
{
    if (day < e->at_day)
        return e->at_day;
    if (e->recovery_days > 0 && day < e->at_day + e->recovery_days)
        return e->at_day + e->recovery_days;
    return INFINITY;
}

static const ak_demand_event_type crash_event = {
    .name = "crash",
    .doc = "factor from at_day, back to 1 linearly over recovery_days (permanent without)",
    .keys = crash_keys,
    .read = crash_read,
    .at = crash_at,
    .bound = crash_bound,
    .next = crash_next,
};

static const ak_demand_event_type *const event_types[] = {
    &step_event, &spike_event, &crash_event, NULL,
};

const ak_demand_event_type *const *ak_demand_event_types(void)
{
    return event_types;
}

const ak_demand_event_type *ak_demand_event_find(const char *name)
{
    for (size_t i = 0; name && event_types[i]; i++)
        if (strcmp(event_types[i]->name, name) == 0)
            return event_types[i];
    return NULL;
}

/* ---- seasonality ---- */

/* (t + offset) mod period, in [0, period). */
static double season_phase(const ak_demand_season *s, double day)
{
    double y = fmod(day + s->offset, s->period);
    return y < 0 ? y + s->period : y;
}

static double season_at(const ak_demand_season *s, double day)
{
    if (s->amplitude == 0)
        return 1;
    return 1 + s->amplitude * cos(2 * M_PI * (season_phase(s, day) / s->period));
}

/* Between two peaks the cosine falls then rises: over a window without a peak, its supremum is
 * at an end. Windows are shorter than the period. */
static double season_bound(const ak_demand_season *s, double day0, double day1)
{
    if (s->amplitude == 0)
        return 1;
    double y0 = season_phase(s, day0), y1 = y0 + (day1 - day0);
    if (y0 == 0 || y1 >= s->period)
        return 1 + s->amplitude;
    double c0 = cos(2 * M_PI * (y0 / s->period)), c1 = cos(2 * M_PI * (y1 / s->period));
    return 1 + s->amplitude * max2(c0, c1);
}

/* x mod m in [0, m) for integers. */
static int64_t imod(int64_t x, int64_t m)
{
    int64_t v = x % m;
    return v < 0 ? v + m : v;
}

static void read_daily(jr *r, const cJSON *obj, ak_unix genesis, ak_demand_season *s)
{
    static const char *const keys[] = {"amplitude", "peak_hour", NULL};
    jr_keys(r, obj, keys);
    double a = jr_req_ranged(r, obj, "amplitude", 0, false, 1);
    const cJSON *ph = jr_req(r, obj, "peak_hour");
    double peak = jr_number(r, ph);
    if (!(peak >= 0 && peak < 24))
        jr_fail(r, ph, "peak_hour must be at least 0 and less than 24");
    s->amplitude = a;
    s->period = 1;
    /* h(t) - peak in days: genesis's time of day, plus t, less the peak hour */
    double off = (double)imod(genesis, 86400) / 86400 - peak / 24;
    s->offset = off < 0 ? off + 1 : off;
}

static void read_weekly(jr *r, const cJSON *obj, ak_unix genesis, ak_demand_season *s)
{
    static const char *const keys[] = {"amplitude", "peak_day", NULL};
    static const char *const days[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun",
                                       "monday", "tuesday", "wednesday", "thursday", "friday",
                                       "saturday", "sunday", NULL};
    jr_keys(r, obj, keys);
    double a = jr_req_ranged(r, obj, "amplitude", 0, false, 1);
    const cJSON *pd = jr_req(r, obj, "peak_day");
    const char *name = jr_string(r, pd, NULL);
    int idx = -1;
    for (int i = 0; days[i] && idx < 0; i++)
        if (strcmp(days[i], name) == 0)
            idx = i % 7;
    if (idx < 0) {
        const char *hint = jr_suggest(name, days);
        if (hint)
            jr_fail(r, pd, "unknown day \"%.40s\" (did you mean \"%s\"?)", name, hint);
        jr_fail(r, pd, "unknown day \"%.40s\" (known: mon, tue, wed, thu, fri, sat, sun)", name);
    }
    s->amplitude = a;
    s->period = 7;
    /* w(t) - p in days: genesis's day of the week (Monday 00:00 = 0; the epoch was a
     * Thursday, 3), plus t, less the peak at noon of its day */
    double w0 = (double)imod(imod(genesis, 7 * 86400) + 3 * 86400, 7 * 86400) / 86400;
    double off = w0 - (idx + 0.5);
    s->offset = off < 0 ? off + 7 : off;
}

/* ---- reading ---- */

/* The index in names of obj's kind; fails with a suggestion or the list. */
static size_t read_kind(jr *r, const cJSON *obj, const char *what, const char *const *names)
{
    jr_object(r, obj);
    return jr_one_of(r, jr_req(r, obj, "kind"), what, names);
}

#define NTRENDS (sizeof trend_types / sizeof trend_types[0] - 1)
#define NEVENTS (sizeof event_types / sizeof event_types[0] - 1)

static void read_trend(jr *r, const cJSON *obj, ak_demand_trend *t)
{
    const char *names[NTRENDS + 1] = {NULL};
    for (size_t i = 0; i < NTRENDS; i++)
        names[i] = trend_types[i]->name;
    const ak_demand_trend_type *type = trend_types[read_kind(r, obj, "trend", names)];
    kind_keys(r, obj, type->keys);
    t->type = type;
    t->per_year = 0;
    if (type->read)
        type->read(r, obj, t);
}

static void read_event(jr *r, const cJSON *obj, ak_demand_event *e)
{
    const char *names[NEVENTS + 1] = {NULL};
    for (size_t i = 0; i < NEVENTS; i++)
        names[i] = event_types[i]->name;
    const ak_demand_event_type *type = event_types[read_kind(r, obj, "event kind", names)];
    kind_keys(r, obj, type->keys);
    memset(e, 0, sizeof *e);
    e->type = type;
    e->at_day = jr_req_ranged(r, obj, "at_day", 0, false, AK_DEMAND_MAX_DAY);
    type->read(r, obj, e);
}

void ak_demand_init_constant(ak_demand *d)
{
    memset(d, 0, sizeof *d);
    d->trend.type = &constant_trend;
    d->daily.period = 1;
    d->weekly.period = 7;
    d->constant = true;
    d->window = INFINITY;
}

void ak_demand_read(jr *r, const cJSON *node, ak_unix genesis, const char *scenario_file,
                    ak_demand *out)
{
    static const char *const keys[] = {"trend", "daily", "weekly", "events", "csv", NULL};
    static const char *const csv_keys[] = {"file", "interpolate", NULL};
    ak_demand d;
    ak_demand_init_constant(&d);
    if (!node) {
        *out = d;
        return;
    }
    jr_keys(r, node, keys);
    const cJSON *n;
    if ((n = jr_opt(node, "trend")))
        read_trend(r, n, &d.trend);
    if ((n = jr_opt(node, "daily")))
        read_daily(r, n, genesis, &d.daily);
    if ((n = jr_opt(node, "weekly")))
        read_weekly(r, n, genesis, &d.weekly);
    if ((n = jr_opt(node, "events"))) {
        jr_array(r, n);
        if (jr_len(n) > AK_DEMAND_MAX_EVENTS)
            jr_fail(r, n, "expected at most %d events, found %d", AK_DEMAND_MAX_EVENTS,
                    jr_len(n));
        for (const cJSON *e = n->child; e; e = e->next)
            read_event(r, e, &d.events[d.nevents++]);
    }
    const cJSON *csv = jr_opt(node, "csv");
    if (csv) { /* last: nothing after it can fail and lose the series */
        jr_keys(r, csv, csv_keys);
        ak_series_read(r, jr_req(r, csv, "file"), jr_opt(csv, "interpolate"), scenario_file, 0,
                       AK_DEMAND_MAX, &d.csv);
        d.has_csv = true;
    }
    d.constant = d.trend.type == &constant_trend && d.daily.amplitude == 0 &&
                 d.weekly.amplitude == 0 && d.nevents == 0 && !d.has_csv;
    d.window = d.constant                 ? INFINITY
               : d.daily.amplitude > 0  ? WINDOW_DAILY
               : d.weekly.amplitude > 0 ? WINDOW_WEEKLY
                                         : WINDOW_DAY;
    *out = d;
}

void ak_demand_free(ak_demand *d)
{
    if (!d)
        return;
    if (d->has_csv)
        ak_series_free(&d->csv);
    ak_demand_init_constant(d);
}

/* ---- the curve ---- */

/* The product of the parts (all >= 0), capped; a zero part makes it 0 even when the others
 * overflow, so no inf x 0. */
typedef struct product {
    double p;
    bool zero;
} product;

static void mul(product *p, double v)
{
    if (v == 0)
        p->zero = true;
    p->p *= v;
}

static double capped(const product *p)
{
    if (p->zero)
        return 0;
    return p->p < AK_DEMAND_MAX ? p->p : AK_DEMAND_MAX;
}

double ak_demand_at(const ak_demand *d, double day)
{
    if (!d || d->constant)
        return 1;
    product p = {1, false};
    mul(&p, d->trend.type->at(&d->trend, day));
    mul(&p, season_at(&d->daily, day));
    mul(&p, season_at(&d->weekly, day));
    for (uint32_t i = 0; i < d->nevents; i++)
        mul(&p, d->events[i].type->at(&d->events[i], day));
    if (d->has_csv)
        mul(&p, ak_series_at(&d->csv, day));
    return capped(&p);
}

double ak_demand_bound(const ak_demand *d, double day, double *until)
{
    if (!d || d->constant) {
        *until = INFINITY;
        return 1;
    }
    double u = day + d->window;
    for (uint32_t i = 0; i < d->nevents; i++) {
        double b = d->events[i].type->next(&d->events[i], day);
        if (b < u)
            u = b;
    }
    if (d->has_csv) {
        double b = ak_series_next_row(&d->csv, day);
        if (b < u)
            u = b;
    }
    product p = {1, false};
    mul(&p, d->trend.type->bound(&d->trend, day, u));
    mul(&p, season_bound(&d->daily, day, u));
    mul(&p, season_bound(&d->weekly, day, u));
    for (uint32_t i = 0; i < d->nevents; i++)
        mul(&p, d->events[i].type->bound(&d->events[i], day, u));
    if (d->has_csv)
        mul(&p, ak_series_max(&d->csv, day, u));
    *until = u;
    return capped(&p) * SLACK;
}

int ak_demand_next_arrival(const ak_demand *d, double base_per_day, double day, gsl_rng *r,
                           double end_day, double *next)
{
    if (!(base_per_day > 0 && isfinite(base_per_day)) || !(day < end_day))
        return 0;
    if (!d || d->constant) {
        /* gsl_ran_exponential(r, mu), GSL 2.7, spelled out */
        double mu = 1 / base_per_day;
        double u = gsl_rng_uniform(r);
        double t = day + -mu * log1p(-u);
        if (!(t < end_day))
            return 0;
        *next = t;
        return 1;
    }
    double t = day;
    while (t < end_day) {
        double until;
        double b = ak_demand_bound(d, t, &until);
        if (!(until > t))
            return 0; /* a day so large that a window adds nothing to it: no run gets here */
        if (b == 0) {
            t = until;
            continue;
        }
        double u1 = gsl_rng_uniform(r);
        double c = t + -log1p(-u1) / (base_per_day * b);
        if (c >= until) {
            t = until; /* memoryless: start afresh in the next window */
            continue;
        }
        if (!(c < end_day))
            return 0;
        double u2 = gsl_rng_uniform(r);
        if (u2 < ak_demand_at(d, c) / b) {
            *next = c;
            return 1;
        }
        t = c;
    }
    return 0;
}
