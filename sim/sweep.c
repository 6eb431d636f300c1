/*
 * sim/sweep.c: reading a sweep file and laying out its runs (see sweep.h; the keys are
 * documented in docs/sweeps.md, which must follow this file).
 */
#include "sweep.h"

#include <gsl/gsl_rng.h>
#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "design.h"
#include "errors.h"
#include "jread.h"
#include "rng.h"
#include "scenario.h"
#include "series.h"

#define TOOL "sweep"

const char *const ak_sw_design_names[AK_SW_DESIGNS + 1] = {"grid",   "random", "lhs",
                                                           "sobol",  "morris", "saltelli",
                                                           NULL};
static const char *const type_names[] = {"number", "integer", "decimal", NULL};
static const char *const scale_names[] = {"linear", "log", NULL};

/* ---- values ---- */

/* A number as the JSON text a parameter of type t takes: `digits` significant digits for a
 * number, an integer, or a decimal string without an exponent (module params take those). */
static char *format_value(ak_sw_type t, double v, int digits)
{
    char buf[64];
    switch (t) {
    case AK_SW_INTEGER:
        /* + 0.0: round(-0.4) is -0, which "%.0f" writes with its sign */
        snprintf(buf, sizeof buf, "%.0f", round(v) + 0.0);
        break;
    case AK_SW_DECIMAL: {
        int places = 0;
        if (v != 0)
            places = digits - 1 - (int)floor(log10(fabs(v)));
        places = places < 0 ? 0 : places > 18 ? 18 : places;
        int n = snprintf(buf, sizeof buf, "\"%.*f", places, v);
        if (places > 0) { /* trailing zeros, then a bare point */
            while (buf[n - 1] == '0')
                n--;
            if (buf[n - 1] == '.')
                n--;
        }
        if (n == 3 && memcmp(buf, "\"-0", 3) == 0) { /* a negative value that rounds to 0 */
            buf[1] = '0';
            n = 2;
        }
        snprintf(buf + n, sizeof buf - (size_t)n, "\"");
        break;
    }
    default:
        snprintf(buf, sizeof buf, "%.*g", digits, v);
        if (strcmp(buf, "-0") == 0)
            snprintf(buf, sizeof buf, "0");
        break;
    }
    return strdup(buf);
}

/* ---- reading ---- */

/* A run's scenario seed comes from the sweep (its seed, the point without common random
 * numbers); a "seed" set another way would be overridden without a word. */
#define SEED_OWN                                                                               \
    "the sweep sets every run's seed from its own \"seed\" (and the replication); "            \
    "set that instead, or add replications"

/* Every allocation is stored in sw before anything can fail, so ak_sweep_free after a longjmp
 * frees it all. */
static void *must_alloc(jr *r, size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p)
        jr_fail(r, NULL, "out of memory");
    return p;
}

static char *must_print(jr *r, const cJSON *v)
{
    char *s = cJSON_PrintUnformatted(v);
    if (!s)
        jr_fail(r, NULL, "out of memory");
    return s;
}

/* A "set" object: path -> JSON value, as "path=<json>" strings. */
static void read_sets(jr *r, const cJSON *obj, char ***sets, uint32_t *n)
{
    jr_object(r, obj);
    int count = cJSON_GetArraySize(obj);
    if (count > AK_SC_MAX_SETS)
        jr_fail(r, obj, "at most %d values", AK_SC_MAX_SETS);
    *sets = must_alloc(r, (size_t)count, sizeof **sets);
    *n = 0;
    const cJSON *v;
    cJSON_ArrayForEach(v, obj) {
        if (!v->string[0])
            jr_fail(r, v, "empty path");
        if (strcmp(v->string, "seed") == 0)
            jr_fail(r, v, "%s", SEED_OWN);
        char *json = must_print(r, v);
        size_t len = strlen(v->string) + 1 + strlen(json) + 1;
        char *s = malloc(len);
        if (!s) {
            free(json);
            jr_fail(r, NULL, "out of memory");
        }
        snprintf(s, len, "%s=%s", v->string, json);
        free(json);
        (*sets)[(*n)++] = s;
    }
    /* duplicate keys are refused by jr_keys elsewhere; here too */
    for (uint32_t i = 0; i < *n; i++)
        for (uint32_t j = 0; j < i; j++) {
            size_t li = strcspn((*sets)[i], "="), lj = strcspn((*sets)[j], "=");
            if (li == lj && memcmp((*sets)[i], (*sets)[j], li) == 0)
                jr_fail(r, obj, "the path %.*s is set twice", (int)li, (*sets)[i]);
        }
}

static bool set_has_path(char *const *sets, uint32_t n, const char *path)
{
    size_t lp = strlen(path);
    for (uint32_t i = 0; i < n; i++)
        if (strncmp(sets[i], path, lp) == 0 && sets[i][lp] == '=')
            return true;
    return false;
}

/* "an lhs design" (read "el-aitch-ess"), "a sobol design" */
static const char *article(ak_sw_design d)
{
    return d == AK_SW_LHS ? "an" : "a";
}

static void read_param(jr *r, const cJSON *node, ak_sweep *sw, ak_sw_param *p)
{
    static const char *const keys[] = {"path", "name", "values", "range", "min", "max", "scale",
                                       "type", NULL};
    jr_keys(r, node, keys);
    size_t len;
    p->path = jr_string(r, jr_req(r, node, "path"), &len);
    if (!len)
        jr_fail(r, jr_req(r, node, "path"), "empty path");
    if (strcmp(p->path, "seed") == 0)
        jr_fail(r, jr_req(r, node, "path"), "%s", SEED_OWN);
    p->name = p->path;
    if (jr_opt(node, "name")) {
        p->name = jr_string(r, jr_opt(node, "name"), &len);
        if (!len)
            jr_fail(r, jr_opt(node, "name"), "empty name");
    }
    const cJSON *tn = jr_opt(node, "type");
    p->type = tn ? (ak_sw_type)jr_one_of(r, tn, "type", type_names) : AK_SW_NUMBER;
    const cJSON *values = jr_opt(node, "values"), *range = jr_opt(node, "range");
    if (sw->design == AK_SW_GRID) {
        for (const char *const *k = (const char *const[]){"min", "max", "scale", NULL}; *k; k++)
            if (jr_opt(node, *k))
                jr_fail(r, jr_opt(node, *k),
                        "\"%s\" belongs to sampled designs; a grid takes \"values\" or \"range\"",
                        *k);
        if (!values == !range)
            jr_fail(r, node, "a grid parameter needs \"values\" (a list) or \"range\" "
                             "({\"from\", \"to\", \"step\"}), one of them");
        if (values) {
            jr_array(r, values);
            int n = jr_len(values);
            if (n < 1 || n > AK_SW_MAX_POINTS)
                jr_fail(r, values, "expected 1 to %d values", AK_SW_MAX_POINTS);
            if (tn)
                jr_fail(r, tn, "\"type\" applies to \"range\" and sampled values; listed values "
                               "are written as they are");
            p->values = must_alloc(r, (size_t)n, sizeof *p->values);
            const cJSON *v;
            cJSON_ArrayForEach(v, values)
                p->values[p->nvalues++] = must_print(r, v);
        } else {
            static const char *const rkeys[] = {"from", "to", "step", NULL};
            jr_keys(r, range, rkeys);
            double from = jr_number(r, jr_req(r, range, "from"));
            double to = jr_number(r, jr_req(r, range, "to"));
            const cJSON *sn = jr_req(r, range, "step");
            double step = jr_number(r, sn);
            if (!(step > 0))
                jr_fail(r, sn, "\"step\" (%g) must be above 0", step);
            if (to < from)
                jr_fail(r, range, "\"to\" (%g) is below \"from\" (%g)", to, from);
            /* a step that lands on "to" up to rounding includes it */
            double count = floor((to - from) / step * (1 + 1e-12) + 1e-9) + 1;
            if (count > AK_SW_MAX_POINTS && count < 1e15)
                jr_fail(r, range, "%.0f values; at most %d", count, AK_SW_MAX_POINTS);
            if (count > AK_SW_MAX_POINTS) /* not 300 digits, nor inf */
                jr_fail(r, range, "10^15 values or more; at most %d", AK_SW_MAX_POINTS);
            /* from + i x step carries rounding of the order of the range's largest
             * magnitude, which 12 digits of a value much nearer zero would show (-0.3 + 3 x
             * 0.1 = 5.6e-17): round to 12 significant digits of the range instead */
            double mag = fmax(fabs(from), fabs(to));
            double q = mag > 0 ? pow(10, floor(log10(mag)) - 11) : 0;
            p->values = must_alloc(r, (size_t)count, sizeof *p->values);
            for (uint32_t i = 0; i < (uint32_t)count; i++) {
                double v = from + i * step;
                if (q > 0)
                    v = round(v / q) * q;
                if (!(p->values[i] = format_value(p->type, v, 12)))
                    jr_fail(r, NULL, "out of memory");
                p->nvalues++;
            }
        }
        return;
    }
    if (values || range)
        jr_fail(r, values ? values : range,
                "%s %s design samples each parameter between \"min\" and \"max\"; "
                "\"values\" and \"range\" are for a grid", article(sw->design),
                ak_sw_design_names[sw->design]);
    p->min = jr_number(r, jr_req(r, node, "min"));
    p->max = jr_number(r, jr_req(r, node, "max"));
    if (!(p->max > p->min))
        jr_fail(r, jr_req(r, node, "max"), "\"max\" (%g) must be above \"min\" (%g)", p->max,
                p->min);
    const cJSON *sn = jr_opt(node, "scale");
    p->log = sn && jr_one_of(r, sn, "scale", scale_names) == 1;
    if (p->type == AK_SW_INTEGER && ceil(p->min) > floor(p->max))
        jr_fail(r, node, "no integer lies between \"min\" (%g) and \"max\" (%g)", p->min,
                p->max);
    if (p->log && p->min <= 0)
        jr_fail(r, jr_req(r, node, "min"), "a log scale needs \"min\" above 0");
}

static void read_outcome(jr *r, const cJSON *node, ak_sw_outcome *o, char *namebuf, size_t cap)
{
    static const char *const keys[] = {"name", "metric", "aggregate", "from_day", NULL};
    jr_keys(r, node, keys);
    const cJSON *mn = jr_req(r, node, "metric");
    o->metric = jr_string(r, mn, NULL);
    if (!ak_rec_is_metric(o->metric))
        jr_fail(r, mn, "\"%s\" is not a column of metrics (docs/results.md lists them)",
                o->metric);
    const cJSON *an = jr_opt(node, "aggregate");
    o->agg = an ? (ak_rec_agg)jr_one_of(r, an, "aggregate", ak_rec_agg_names) : AK_REC_SUM;
    const cJSON *fd = jr_opt(node, "from_day");
    o->from_day = fd ? jr_ranged(r, fd, "from_day", 0, false, AK_SC_MAX_DAYS) : 0;
    if (jr_opt(node, "name")) {
        size_t len;
        o->name = jr_string(r, jr_opt(node, "name"), &len);
        if (!len)
            jr_fail(r, jr_opt(node, "name"), "empty name");
    } else {
        snprintf(namebuf, cap, "%s_%s", o->metric, ak_rec_agg_names[o->agg]);
        o->name = namebuf;
    }
}

/* Sampled designs: the unit coordinates of every point. */
static void build_design(jr *r, ak_sweep *sw)
{
    if (sw->design == AK_SW_GRID)
        return;
    size_t n = (size_t)sw->npoints * sw->nparams;
    sw->unit = must_alloc(r, n, sizeof *sw->unit);
    if (sw->design == AK_SW_SOBOL || sw->design == AK_SW_SALTELLI) {
        int rc = sw->design == AK_SW_SOBOL
                     ? ak_design_sobol(sw->npoints, sw->nparams, sw->unit)
                     : ak_design_saltelli(sw->samples, sw->nparams, sw->unit);
        if (rc)
            jr_fail(r, NULL, rc == AK_ENOMEM ? "out of memory" : "cannot build the design");
        return;
    }
    gsl_rng *g;
    if (ak_rng_stream(sw->seed, 0, AK_RNG_SWEEP, &g))
        jr_fail(r, NULL, "out of memory");
    int rc;
    if (sw->design == AK_SW_RANDOM)
        rc = ak_design_random(g, sw->npoints, sw->nparams, sw->unit);
    else if (sw->design == AK_SW_LHS)
        rc = ak_design_lhs(g, sw->npoints, sw->nparams, sw->unit);
    else {
        sw->mfactor = calloc(sw->npoints, sizeof *sw->mfactor);
        sw->mstep = calloc(sw->npoints, sizeof *sw->mstep);
        rc = !sw->mfactor || !sw->mstep
                 ? AK_ENOMEM
                 : ak_design_morris(g, sw->trajectories, sw->nparams, sw->levels, sw->unit,
                                    sw->mfactor, sw->mstep);
    }
    gsl_rng_free(g);
    if (rc)
        jr_fail(r, NULL, rc == AK_ENOMEM ? "out of memory" : "cannot build the design");
}

static void read_design(jr *r, const cJSON *node, ak_sweep *sw, const cJSON *params)
{
    sw->design = AK_SW_GRID;
    if (!node)
        return;
    static const char *const keys[] = {"type", "points", "trajectories", "levels", NULL};
    jr_keys(r, node, keys);
    sw->design = (ak_sw_design)jr_one_of(r, jr_req(r, node, "type"), "design",
                                         ak_sw_design_names);
    const cJSON *pn = jr_opt(node, "points"), *tn = jr_opt(node, "trajectories"),
                *ln = jr_opt(node, "levels");
    const char *dn = ak_sw_design_names[sw->design];
    if (sw->design == AK_SW_GRID) {
        const cJSON *bad = pn ? pn : tn ? tn : ln;
        if (bad)
            jr_fail(r, bad, "a grid has one point per combination of values; \"points\", "
                            "\"trajectories\" and \"levels\" are for sampled designs");
        return;
    }
    if (jr_len(params) == 0)
        jr_fail(r, node, "%s %s design needs at least one parameter", article(sw->design), dn);
    if (sw->design == AK_SW_MORRIS) {
        if (pn)
            jr_fail(r, pn, "a morris design has trajectories x (parameters + 1) points: give "
                           "\"trajectories\", not \"points\"");
        sw->trajectories = (uint32_t)jr_int(r, jr_req(r, node, "trajectories"), 2,
                                            AK_SW_MAX_POINTS);
        sw->levels = ln ? (uint32_t)jr_int(r, ln, 2, AK_SW_MAX_LEVELS) : 4;
        if (sw->levels % 2)
            jr_fail(r, ln, "levels must be even (Morris's step is levels / (2 (levels - 1)))");
        uint64_t np = (uint64_t)sw->trajectories * ((uint64_t)jr_len(params) + 1);
        if (np > AK_SW_MAX_POINTS)
            jr_fail(r, tn, "%llu points (trajectories x (parameters + 1)); at most %d",
                    (unsigned long long)np, AK_SW_MAX_POINTS);
        sw->npoints = (uint32_t)np;
        return;
    }
    if (tn || ln)
        jr_fail(r, tn ? tn : ln, "\"trajectories\" and \"levels\" are for a morris design");
    if (sw->design == AK_SW_SALTELLI) {
        /* points are base samples, each run at k + 2 points (A, B and one AB per parameter) */
        if (jr_len(params) > AK_DESIGN_SALTELLI_MAX_K)
            jr_fail(r, params, "a saltelli design takes at most %d parameters (GSL's Sobol "
                               "sequence has 40 dimensions, two per parameter)",
                    AK_DESIGN_SALTELLI_MAX_K);
        pn = jr_req(r, node, "points");
        sw->samples = (uint32_t)jr_int(r, pn, 2, AK_SW_MAX_POINTS);
        uint64_t np = (uint64_t)sw->samples * ((uint64_t)jr_len(params) + 2);
        if (np > AK_SW_MAX_POINTS)
            jr_fail(r, pn, "%llu points (points x (parameters + 2)); at most %d",
                    (unsigned long long)np, AK_SW_MAX_POINTS);
        sw->npoints = (uint32_t)np;
        return;
    }
    sw->npoints = (uint32_t)jr_int(r, jr_req(r, node, "points"), 1, AK_SW_MAX_POINTS);
    if (sw->design == AK_SW_SOBOL && jr_len(params) > 40)
        jr_fail(r, params, "GSL's Sobol sequence has at most 40 dimensions (parameters)");
}

static void read_sweep(jr *r, const cJSON *root, ak_sweep *sw)
{
    static const char *const keys[] = {"name", "description", "base", "set", "parameters",
                                       "design", "variants", "replications", "seed",
                                       "common_random_numbers", "outcomes", NULL};
    jr_keys(r, root, keys);
    size_t len;
    sw->name = jr_string(r, jr_req(r, root, "name"), &len);
    if (!len)
        jr_fail(r, jr_req(r, root, "name"), "empty name");
    if (jr_opt(root, "description"))
        sw->description = jr_string(r, jr_opt(root, "description"), NULL);
    const cJSON *bn = jr_req(r, root, "base");
    sw->base = jr_string(r, bn, &len);
    if (!len)
        jr_fail(r, bn, "expected a scenario file name, found an empty string");
    char path[4096];
    if (ak_path_resolve(sw->file, sw->base, path, sizeof path))
        jr_fail(r, bn, "the path is too long");
    if (!(sw->base_path = strdup(path)))
        jr_fail(r, NULL, "out of memory");
    if (jr_opt(root, "set"))
        read_sets(r, jr_opt(root, "set"), &sw->sets, &sw->nsets);

    const cJSON *params = jr_opt(root, "parameters");
    if (params) {
        jr_array(r, params);
        if (jr_len(params) > AK_SW_MAX_PARAMS)
            jr_fail(r, params, "at most %d parameters", AK_SW_MAX_PARAMS);
    }
    read_design(r, jr_opt(root, "design"), sw, params);
    int np = params ? jr_len(params) : 0;
    sw->params = must_alloc(r, (size_t)np, sizeof *sw->params);
    uint64_t grid = 1;
    for (int i = 0; i < np; i++) {
        const cJSON *pn = cJSON_GetArrayItem(params, i);
        ak_sw_param *p = &sw->params[i];
        sw->nparams++; /* counted first: ak_sweep_free frees what a failed read allocated */
        read_param(r, pn, sw, p);
        for (int j = 0; j < i; j++) {
            if (strcmp(sw->params[j].path, p->path) == 0)
                jr_fail(r, pn, "the path %s is swept twice", p->path);
            if (strcmp(sw->params[j].name, p->name) == 0)
                jr_fail(r, pn, "two parameters are named \"%s\"", p->name);
        }
        if (set_has_path(sw->sets, sw->nsets, p->path))
            jr_fail(r, pn, "%s is swept and also in \"set\"; keep one", p->path);
        if (sw->design == AK_SW_GRID) {
            grid *= p->nvalues;
            if (grid > AK_SW_MAX_POINTS)
                jr_fail(r, pn, "the grid has more than %d points", AK_SW_MAX_POINTS);
        }
    }
    if (sw->design == AK_SW_GRID)
        sw->npoints = (uint32_t)grid;

    const cJSON *vars = jr_opt(root, "variants");
    if (vars) {
        jr_array(r, vars);
        int nv = jr_len(vars);
        if (nv < 2 || nv > AK_SW_MAX_VARIANTS)
            jr_fail(r, vars, "expected 2 to %d variants (the first is the reference the others "
                             "are compared with)", AK_SW_MAX_VARIANTS);
        sw->variants = must_alloc(r, (size_t)nv, sizeof *sw->variants);
        sw->has_variants = true;
        for (int i = 0; i < nv; i++) {
            const cJSON *vn = cJSON_GetArrayItem(vars, i);
            static const char *const vkeys[] = {"name", "description", "set", NULL};
            jr_keys(r, vn, vkeys);
            ak_sw_variant *v = &sw->variants[i];
            v->name = jr_string(r, jr_req(r, vn, "name"), &len);
            if (!len)
                jr_fail(r, jr_req(r, vn, "name"), "empty name");
            if (jr_opt(vn, "description"))
                v->description = jr_string(r, jr_opt(vn, "description"), NULL);
            sw->nvariants++;
            read_sets(r, jr_req(r, vn, "set"), &v->sets, &v->nsets);
            for (int j = 0; j < i; j++)
                if (strcmp(sw->variants[j].name, v->name) == 0)
                    jr_fail(r, vn, "two variants are named \"%s\"", v->name);
            for (uint32_t j = 0; j < sw->nparams; j++)
                if (set_has_path(v->sets, v->nsets, sw->params[j].path))
                    jr_fail(r, jr_req(r, vn, "set"), "%s is swept; a variant cannot set it",
                            sw->params[j].path);
            if (sw->nsets + v->nsets + sw->nparams > AK_SC_MAX_SETS)
                jr_fail(r, vn, "a run would set %u values; at most %d",
                        sw->nsets + v->nsets + sw->nparams, AK_SC_MAX_SETS);
        }
    } else {
        sw->variants = must_alloc(r, 1, sizeof *sw->variants);
        sw->nvariants = 1;
        if (sw->nsets + sw->nparams > AK_SC_MAX_SETS)
            jr_fail(r, root, "a run would set %u values; at most %d", sw->nsets + sw->nparams,
                    AK_SC_MAX_SETS);
    }

    const cJSON *rn = jr_opt(root, "replications");
    sw->replications = rn ? (uint32_t)jr_int(r, rn, 1, AK_SW_MAX_RUNS) : 1;
    const cJSON *sn = jr_opt(root, "seed");
    sw->seed = sn ? jr_uint(r, sn, INT64_MAX) : 1;
    const cJSON *cn = jr_opt(root, "common_random_numbers");
    sw->crn = cn ? jr_bool(r, cn) : true;
    sw->nruns = (uint64_t)sw->npoints * sw->nvariants * sw->replications;
    if (sw->nruns > AK_SW_MAX_RUNS)
        jr_fail(r, rn ? rn : root, "%llu runs (points x variants x replications); at most %d",
                (unsigned long long)sw->nruns, AK_SW_MAX_RUNS);

    const cJSON *outs = jr_req(r, root, "outcomes");
    jr_array(r, outs);
    int no = jr_len(outs);
    if (no < 1 || no > AK_SW_MAX_OUTCOMES)
        jr_fail(r, outs, "expected 1 to %d outcomes", AK_SW_MAX_OUTCOMES);
    sw->outcomes = must_alloc(r, (size_t)no, sizeof *sw->outcomes);
    /* default names live in one block owned by the sweep */
    char *names = sw->outcome_names = must_alloc(r, (size_t)no, 160);
    for (int i = 0; i < no; i++) {
        const cJSON *on = cJSON_GetArrayItem(outs, i);
        read_outcome(r, on, &sw->outcomes[i], names + 160 * (size_t)i, 160);
        sw->noutcomes++;
        for (int j = 0; j < i; j++)
            if (strcmp(sw->outcomes[j].name, sw->outcomes[i].name) == 0)
                jr_fail(r, on, "two outcomes are named \"%s\"", sw->outcomes[i].name);
    }
    build_design(r, sw);
}

static int parse(const char *name, const char *text, size_t len, ak_sweep **out, char *why,
                 size_t cap)
{
    *out = NULL;
    cJSON *root = jr_parse(name, text, len, AK_SW_MAX_FILE, "a JSON sweep", why, cap);
    if (!root)
        return AK_EINVAL;
    ak_sweep *sw = calloc(1, sizeof *sw);
    if (!sw || !(sw->file = strdup(name)) || !(sw->json = cJSON_PrintUnformatted(root))) {
        if (sw)
            free(sw->file);
        free(sw);
        cJSON_Delete(root);
        snprintf(why, cap, "%s: out of memory", name);
        return AK_ENOMEM;
    }
    sw->root = root;
    jr r;
    jr_init(&r, TOOL, name, root);
    if (setjmp(r.on_error)) {
        snprintf(why, cap, "%s", r.err + strlen(TOOL ": "));
        bool oom = strstr(r.err, "out of memory") != NULL;
        ak_sweep_free(sw);
        return oom ? AK_ENOMEM : AK_EINVAL;
    }
    jr_object(&r, root);
    read_sweep(&r, root, sw);
    *out = sw;
    return 0;
}

int ak_sweep_parse(const char *name, const char *text, size_t len, ak_sweep **out, char *why,
                   size_t cap)
{
    return parse(name, text, len, out, why, cap);
}

int ak_sweep_load(const char *path, ak_sweep **out, char *why, size_t cap)
{
    char *buf;
    size_t len;
    *out = NULL;
    int rc = jr_read_file(path, AK_SW_MAX_FILE, &buf, &len, why, cap);
    if (rc)
        return rc;
    ak_sweep *sw;
    rc = parse(path, buf, len, &sw, why, cap);
    free(buf);
    if (rc)
        return rc;
    rc = jr_read_file(sw->base_path, AK_SC_MAX_FILE, &sw->base_text, &sw->base_len, why, cap);
    if (rc) {
        char inner[1024];
        snprintf(inner, sizeof inner, "%s", why);
        snprintf(why, cap, "%s: $.base: %s", path, inner);
        ak_sweep_free(sw);
        return rc;
    }
    cJSON *base = jr_parse(sw->base_path, sw->base_text, sw->base_len, AK_SC_MAX_FILE,
                           "a JSON scenario", why, cap);
    if (!base || !cJSON_IsObject(base)) {
        if (base) /* as the scenario loader would say it, before every run fails with it */
            snprintf(why, cap, "%s: $: expected an object, found %s", sw->base_path,
                     jr_kind(base));
        cJSON_Delete(base);
        ak_sweep_free(sw);
        return AK_EINVAL;
    }
    sw->base_json = cJSON_PrintUnformatted(base);
    cJSON_Delete(base);
    if (!sw->base_json) {
        snprintf(why, cap, "%s: out of memory", path);
        ak_sweep_free(sw);
        return AK_ENOMEM;
    }
    *out = sw;
    return 0;
}

static void free_strings(char **v, uint32_t n)
{
    if (!v)
        return;
    for (uint32_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void ak_sweep_free(ak_sweep *sw)
{
    if (!sw)
        return;
    for (uint32_t i = 0; sw->params && i < sw->nparams; i++)
        free_strings(sw->params[i].values, sw->params[i].nvalues);
    free(sw->params);
    for (uint32_t i = 0; sw->variants && i < sw->nvariants; i++)
        free_strings(sw->variants[i].sets, sw->variants[i].nsets);
    free(sw->variants);
    free_strings(sw->sets, sw->nsets);
    free(sw->outcomes);
    free(sw->outcome_names);
    free(sw->unit);
    free(sw->mfactor);
    free(sw->mstep);
    free(sw->base_path);
    free(sw->base_text);
    free(sw->base_json);
    free(sw->json);
    free(sw->file);
    cJSON_Delete(sw->root);
    free(sw);
}

/* ---- runs ---- */

void ak_sweep_run_at(const ak_sweep *sw, uint64_t i, ak_sw_run *out)
{
    out->index = i;
    out->replication = (uint32_t)(i % sw->replications);
    uint64_t pv = i / sw->replications;
    out->variant = (uint32_t)(pv % sw->nvariants);
    out->point = (uint32_t)(pv / sw->nvariants);
    /* common random numbers: replication r draws the same streams at every point */
    out->seed = sw->crn ? sw->seed
                        : ak_rng_seed(sw->seed, out->point + 1, AK_RNG_SWEEP) & INT64_MAX;
}

char *ak_sweep_value(const ak_sweep *sw, uint32_t point, uint32_t j)
{
    const ak_sw_param *p = &sw->params[j];
    if (sw->design == AK_SW_GRID) {
        /* mixed radix, the last parameter fastest (nested loops in the file's order) */
        uint32_t rest = point;
        for (uint32_t k = sw->nparams; k-- > j + 1;)
            rest /= sw->params[k].nvalues;
        return strdup(p->values[rest % p->nvalues]);
    }
    double u = sw->unit[(size_t)point * sw->nparams + j];
    if (p->type == AK_SW_INTEGER) {
        /* the integers lo..hi inside the box, each an equal share of [0,1] (rounding a
         * continuous draw would give the two ends half a share each) */
        double lo = ceil(p->min), hi = floor(p->max), v;
        if (p->log)
            v = round(exp(log(p->min) + u * (log(p->max) - log(p->min))));
        else
            v = floor(lo + u * (hi - lo + 1));
        v = v < lo ? lo : v > hi ? hi : v;
        return format_value(p->type, v, 6);
    }
    double v = p->log ? exp(log(p->min) + u * (log(p->max) - log(p->min)))
                      : p->min + u * (p->max - p->min);
    if (v > p->max) /* rounding of exp/log at u = 1 */
        v = p->max;
    return format_value(p->type, v, 6);
}

char *ak_sweep_point_json(const ak_sweep *sw, uint32_t point)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    for (uint32_t j = 0; j < sw->nparams; j++) {
        char *v = ak_sweep_value(sw, point, j);
        cJSON *item = v ? cJSON_Parse(v) : NULL;
        free(v);
        if (!item || !cJSON_AddItemToObject(o, sw->params[j].path, item)) {
            cJSON_Delete(item);
            cJSON_Delete(o);
            return NULL;
        }
    }
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return s;
}

int ak_sweep_sets(const ak_sweep *sw, uint32_t point, uint32_t variant, char ***sets,
                  uint32_t *n)
{
    const ak_sw_variant *v = &sw->variants[variant];
    uint32_t total = sw->nsets + v->nsets + sw->nparams, k = 0;
    char **s = calloc(total ? total : 1, sizeof *s);
    if (!s)
        return AK_ENOMEM;
    for (uint32_t i = 0; i < sw->nsets; i++, k++)
        if (!(s[k] = strdup(sw->sets[i])))
            goto oom;
    for (uint32_t i = 0; i < v->nsets; i++, k++)
        if (!(s[k] = strdup(v->sets[i])))
            goto oom;
    for (uint32_t j = 0; j < sw->nparams; j++, k++) {
        char *val = ak_sweep_value(sw, point, j);
        size_t len = val ? strlen(sw->params[j].path) + strlen(val) + 2 : 0;
        if (val && (s[k] = malloc(len)))
            snprintf(s[k], len, "%s=%s", sw->params[j].path, val);
        free(val);
        if (!s[k])
            goto oom;
    }
    *sets = s;
    *n = total;
    return 0;
oom:
    ak_sweep_sets_free(s, total);
    return AK_ENOMEM;
}

void ak_sweep_sets_free(char **sets, uint32_t n)
{
    free_strings(sets, n);
}

/* Append s to a growing buffer, single-quoted for a POSIX shell when it needs quoting. */
static bool put(char **buf, size_t *len, size_t *cap, const char *s, bool quote)
{
    size_t need = strlen(s) * 4 + 4;
    if (*len + need + 1 > *cap) {
        size_t ncap = (*len + need + 1) * 2;
        char *nb = realloc(*buf, ncap);
        if (!nb)
            return false;
        *buf = nb;
        *cap = ncap;
    }
    char *o = *buf + *len;
    if (*len)
        *o++ = ' ';
    bool plain = !quote || (*s && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                            "0123456789-_./=:,+") == strlen(s));
    if (plain) {
        o = stpcpy(o, s);
    } else {
        *o++ = '\'';
        for (const char *c = s; *c; c++) {
            if (*c == '\'')
                o = stpcpy(o, "'\\''");
            else
                *o++ = *c;
        }
        *o++ = '\'';
        *o = '\0';
    }
    *len = (size_t)(o - *buf);
    return true;
}

char *ak_sweep_command(const ak_sweep *sw, const ak_sw_run *run)
{
    char **sets;
    uint32_t n;
    if (ak_sweep_sets(sw, run->point, run->variant, &sets, &n))
        return NULL;
    char *buf = NULL, num[32];
    size_t len = 0, cap = 0;
    bool ok = put(&buf, &len, &cap, "akashsim run", false) &&
              put(&buf, &len, &cap, sw->base_path, true) &&
              put(&buf, &len, &cap, "-o run.db --seed", false);
    snprintf(num, sizeof num, "%llu", (unsigned long long)run->seed);
    ok = ok && put(&buf, &len, &cap, num, false) && put(&buf, &len, &cap, "--replication", false);
    snprintf(num, sizeof num, "%u", run->replication);
    ok = ok && put(&buf, &len, &cap, num, false);
    for (uint32_t i = 0; ok && i < n; i++)
        ok = put(&buf, &len, &cap, "--set", false) && put(&buf, &len, &cap, sets[i], true);
    ak_sweep_sets_free(sets, n);
    if (!ok) {
        free(buf);
        return NULL;
    }
    return buf;
}

int ak_sweep_scenario(const ak_sweep *sw, const ak_sw_run *run, ak_scenario **out, char *why,
                      size_t cap)
{
    *out = NULL;
    if (!sw->base_text) {
        snprintf(why, cap, "%s: the base scenario was not read", sw->file);
        return AK_EINVAL;
    }
    char **sets;
    uint32_t n;
    if (ak_sweep_sets(sw, run->point, run->variant, &sets, &n)) {
        snprintf(why, cap, "%s: out of memory", sw->file);
        return AK_ENOMEM;
    }
    char inner[1024];
    int rc = ak_scenario_load_text(sw->base_path, sw->base_text, sw->base_len,
                                   (const char *const *)sets, n, (int64_t)run->seed, out, inner,
                                   sizeof inner);
    ak_sweep_sets_free(sets, n);
    if (rc) {
        if (sw->has_variants)
            snprintf(why, cap, "point %u (variant \"%s\"): %s", run->point,
                     sw->variants[run->variant].name, inner);
        else
            snprintf(why, cap, "point %u: %s", run->point, inner);
    }
    return rc;
}
