/*
 * tests/test_sweep.c: the sweep-file loader (sim/sweep.h): what a valid file reads into; grid
 * layout (nested-loop order, values as JSON texts, ranges written without rounding noise, as
 * integers or as decimal strings); run layout (index -> point, variant, replication) and seeds
 * with and without common random numbers; the sampled designs (random, lhs, sobol, morris:
 * values inside their boxes, integer and log parameters, reproducible from the seed, Morris's
 * one-at-a-time moves); the reproducing command and its shell quoting, checked by a real
 * shell; the scenario of a run; every error the loader produces, provoked once and its whole
 * one-line message compared (file, JSON path, reason), and the file-level errors of
 * ak_sweep_load.
 *
 * Sweep texts are written with single quotes for JSON's double quotes (dq() swaps them); a
 * real apostrophe inside a JSON string is written \u0027.
 */
#include <check.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_run.h"
#include "errors.h"
#include "rng.h"
#include "scenario.h"
#include "sweep.h"

#define NAME "s.json"
#define HEAD "'name': 's', 'base': 'b.json'"
#define OUT "'outcomes': [{'metric': 'leases_created'}]"
/* A sweep with HEAD, then keys (each followed by ", "), then OUT. */
#define SW(keys) "{" HEAD ", " keys OUT "}"
/* One grid parameter, one sampled parameter. */
#define GRID1 "'parameters': [{'path': 'a', 'values': [1, 2]}], "
#define SAMP1 "'parameters': [{'path': 'a', 'min': 1, 'max': 2}], "

/* An assertion for hot loops: Check's own report each passing assertion through a pipe. */
#define CHECK(cond, ...)                                                                       \
    do {                                                                                       \
        if (!(cond))                                                                           \
            ck_abort_msg(__VA_ARGS__);                                                         \
    } while (0)

/* s with every ' made " (malloc'd). */
static char *dq(const char *s)
{
    char *t = strdup(s);
    ck_assert_ptr_nonnull(t);
    for (char *c = t; *c; c++)
        if (*c == '\'')
            *c = '"';
    return t;
}

static int parse_named(const char *name, const char *sq, ak_sweep **out, char *why, size_t cap)
{
    char *text = dq(sq);
    why[0] = '\0';
    *out = (ak_sweep *)&why; /* must be reset to NULL on failure */
    int rc = ak_sweep_parse(name, text, strlen(text), out, why, cap);
    free(text);
    return rc;
}

/* The single-quoted sweep text sq, parsed as s.json; it must be valid. */
static ak_sweep *must_parse(const char *sq)
{
    ak_sweep *sw;
    char why[1200];
    int rc = parse_named(NAME, sq, &sw, why, sizeof why);
    ck_assert_msg(rc == 0, "refused: %s", why);
    ck_assert_ptr_nonnull(sw);
    return sw;
}

/* Parsing sq as s.json must fail with AK_EINVAL, *out NULL and exactly want. */
static void check_err(int line, const char *sq, const char *want)
{
    ak_sweep *sw;
    char why[1200];
    int rc = parse_named(NAME, sq, &sw, why, sizeof why);
    ck_assert_msg(rc == AK_EINVAL, "line %d: rc %d, expected AK_EINVAL (why: %s)", line, rc, why);
    ck_assert_msg(sw == NULL, "line %d: *out not NULL on failure", line);
    ck_assert_msg(strcmp(why, want) == 0, "line %d:\n  got:      %s\n  expected: %s", line, why,
                  want);
}

#define ERR(sq, want) check_err(__LINE__, sq, NAME ": " want)

/* A growing text for generated sweeps (many keys, many elements). */
typedef struct buf {
    char *s;
    size_t len, cap;
} buf;

static void bput(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void bput(buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    ck_assert_int_ge(n, 0);
    if (b->len + (size_t)n + 1 > b->cap) {
        b->cap = (b->len + (size_t)n + 1) * 2;
        b->s = realloc(b->s, b->cap);
        ck_assert_ptr_nonnull(b->s);
    }
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

/* The value of parameter j at point p, compared with want; freed. */
static void check_value(const ak_sweep *sw, uint32_t p, uint32_t j, const char *want)
{
    char *v = ak_sweep_value(sw, p, j);
    ck_assert_ptr_nonnull(v);
    ck_assert_msg(strcmp(v, want) == 0, "point %u param %u: got %s, expected %s", p, j, v, want);
    free(v);
}

static void check_point(const ak_sweep *sw, uint32_t p, const char *want)
{
    char *v = ak_sweep_point_json(sw, p);
    ck_assert_ptr_nonnull(v);
    ck_assert_msg(strcmp(v, want) == 0, "point %u: got %s, expected %s", p, v, want);
    free(v);
}

/* The values of the single parameter of a grid sweep, one per point, in order. */
static void check_values(const char *sq, const char *const *want, uint32_t n)
{
    ak_sweep *sw = must_parse(sq);
    ck_assert_uint_eq(sw->nparams, 1);
    ck_assert_uint_eq(sw->npoints, n);
    ck_assert_uint_eq(sw->params[0].nvalues, n);
    for (uint32_t i = 0; i < n; i++)
        check_value(sw, i, 0, want[i]);
    ak_sweep_free(sw);
}

#define VALUES(sq, ...)                                                                        \
    check_values(sq, (const char *const[]){__VA_ARGS__},                                      \
                 (uint32_t)(sizeof((const char *const[]){__VA_ARGS__}) / sizeof(char *)))

/* The sets of (point, variant), compared with want[0..n). */
static void check_sets(const ak_sweep *sw, uint32_t point, uint32_t variant,
                       const char *const *want, uint32_t n)
{
    char **sets;
    uint32_t got;
    ck_assert_int_eq(ak_sweep_sets(sw, point, variant, &sets, &got), 0);
    ck_assert_uint_eq(got, n);
    for (uint32_t i = 0; i < n; i++)
        ck_assert_msg(strcmp(sets[i], want[i]) == 0, "set %u: got %s, expected %s", i, sets[i],
                      want[i]);
    ak_sweep_sets_free(sets, got);
}

#define SETS(sw, point, variant, ...)                                                          \
    check_sets(sw, point, variant, (const char *const[]){__VA_ARGS__},                        \
               (uint32_t)(sizeof((const char *const[]){__VA_ARGS__}) / sizeof(char *)))

/* ---- scratch files ---- */

static void mkscratch(char *dir, size_t cap)
{
    snprintf(dir, cap, "/tmp/akashsim-sweep-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void put_file(const char *dir, const char *name, const char *text, char *path,
                     size_t cap)
{
    snprintf(path, cap, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(text, 1, strlen(text), f), strlen(text));
    ck_assert_int_eq(fclose(f), 0);
}

/* ---- a valid file ---- */

START_TEST(reads_a_sweep)
{
    ak_sweep *sw = must_parse(
        "{'name': 'take', 'description': 'the take rate', 'base': '../baseline.json',\n"
        " 'set': {'duration_days': 30, 'agents.tenants.count': 5},\n"
        " 'parameters': [{'path': 'a.x', 'values': [1, 2, 3]},\n"
        "                {'path': 'b', 'name': 'bee', 'values': ['a', 'b']}],\n"
        " 'variants': [{'name': 'ref', 'set': {}},\n"
        "              {'name': 'usdc', 'description': 'all in USDC',"
        " 'set': {'c': [1, {'d': null}]}}],\n"
        " 'replications': 3, 'seed': '42', 'common_random_numbers': false,\n"
        " 'outcomes': [{'metric': 'leases_created'},\n"
        "              {'name': 'util', 'metric': 'cpu_util', 'aggregate': 'mean',"
        " 'from_day': 10.5}]}");
    ck_assert_str_eq(sw->file, NAME);
    ck_assert_str_eq(sw->name, "take");
    ck_assert_str_eq(sw->description, "the take rate");
    ck_assert_str_eq(sw->base, "../baseline.json");
    ck_assert_str_eq(sw->base_path, "../baseline.json"); /* s.json has no directory part */
    ck_assert_ptr_null(sw->base_text);
    ck_assert_ptr_null(sw->base_json);
    ck_assert_uint_eq(sw->nsets, 2);
    ck_assert_str_eq(sw->sets[0], "duration_days=30");
    ck_assert_str_eq(sw->sets[1], "agents.tenants.count=5");
    ck_assert_int_eq(sw->design, AK_SW_GRID);
    ck_assert_ptr_null(sw->unit);
    ck_assert_uint_eq(sw->nparams, 2);
    ck_assert_str_eq(sw->params[0].path, "a.x");
    ck_assert_str_eq(sw->params[0].name, "a.x"); /* the path when no name is given */
    ck_assert_str_eq(sw->params[1].name, "bee");
    ck_assert_uint_eq(sw->npoints, 6);
    ck_assert(sw->has_variants);
    ck_assert_uint_eq(sw->nvariants, 2);
    ck_assert_str_eq(sw->variants[0].name, "ref");
    ck_assert_ptr_null(sw->variants[0].description);
    ck_assert_uint_eq(sw->variants[0].nsets, 0);
    ck_assert_str_eq(sw->variants[1].description, "all in USDC");
    ck_assert_uint_eq(sw->variants[1].nsets, 1);
    ck_assert_str_eq(sw->variants[1].sets[0], "c=[1,{\"d\":null}]");
    ck_assert_uint_eq(sw->replications, 3);
    ck_assert_uint_eq(sw->seed, 42);
    ck_assert(!sw->crn);
    ck_assert_uint_eq(sw->nruns, 6 * 2 * 3);
    ck_assert_uint_eq(sw->noutcomes, 2);
    ck_assert_str_eq(sw->outcomes[0].name, "leases_created_sum");
    ck_assert_str_eq(sw->outcomes[0].metric, "leases_created");
    ck_assert_int_eq(sw->outcomes[0].agg, AK_REC_SUM);
    ck_assert(sw->outcomes[0].from_day == 0);
    ck_assert_str_eq(sw->outcomes[1].name, "util");
    ck_assert_str_eq(sw->outcomes[1].metric, "cpu_util");
    ck_assert_int_eq(sw->outcomes[1].agg, AK_REC_MEAN);
    ck_assert(sw->outcomes[1].from_day == 10.5);
    /* the identity in a results database: the file as unformatted JSON */
    ck_assert_ptr_eq(strstr(sw->json, "{\"name\":\"take\",\"description\":\"the take rate\","),
                     sw->json);
    ck_assert_ptr_nonnull(strstr(sw->json, "\"seed\":\"42\",\"common_random_numbers\":false,"));
    ck_assert_ptr_null(strchr(sw->json, '\n'));
    ak_sweep_free(sw);

    /* The defaults: one implicit variant, one replication, seed 1, common random numbers;
     * no parameters is one point. */
    sw = must_parse(SW(""));
    ck_assert_ptr_null(sw->description);
    ck_assert_uint_eq(sw->nsets, 0);
    ck_assert_uint_eq(sw->nparams, 0);
    ck_assert_int_eq(sw->design, AK_SW_GRID);
    ck_assert_uint_eq(sw->npoints, 1);
    ck_assert(!sw->has_variants);
    ck_assert_uint_eq(sw->nvariants, 1);
    ck_assert_ptr_null(sw->variants[0].name);
    ck_assert_uint_eq(sw->variants[0].nsets, 0);
    ck_assert_uint_eq(sw->replications, 1);
    ck_assert_uint_eq(sw->seed, 1);
    ck_assert(sw->crn);
    ck_assert_uint_eq(sw->nruns, 1);
    check_point(sw, 0, "{}");
    char **sets;
    uint32_t n = 99;
    ck_assert_int_eq(ak_sweep_sets(sw, 0, 0, &sets, &n), 0);
    ck_assert_uint_eq(n, 0);
    ak_sweep_sets_free(sets, n);
    ak_sweep_free(sw);

    /* base is resolved against the sweep file's directory */
    char why[256];
    ck_assert_int_eq(parse_named("scenarios/sweeps/x.json", SW(""), &sw, why, sizeof why), 0);
    ck_assert_str_eq(sw->base_path, "scenarios/sweeps/b.json");
    ak_sweep_free(sw);
    ck_assert_int_eq(parse_named("scenarios/sweeps/x.json",
                                 "{'name': 's', 'base': '/abs/b.json', " OUT "}", &sw, why,
                                 sizeof why), 0);
    ck_assert_str_eq(sw->base_path, "/abs/b.json");
    ak_sweep_free(sw);

    /* the largest seed */
    sw = must_parse(SW("'seed': '9223372036854775807', "));
    ck_assert_uint_eq(sw->seed, INT64_MAX);
    ak_sweep_free(sw);
    sw = must_parse(SW("'seed': 0, "));
    ck_assert_uint_eq(sw->seed, 0);
    ak_sweep_free(sw);

    ak_sweep_free(NULL);
}
END_TEST

/* ---- grid layout ---- */

START_TEST(grid_points_in_nested_loop_order)
{
    ak_sweep *sw = must_parse(SW("'set': {'duration_days': 30, 'x.y': 'it\\u0027s x'}, "
                                 "'parameters': [{'path': 'p', 'values': [1, 2, 3]},"
                                 " {'path': 'q', 'values': ['a', 'b']}], "
                                 "'variants': [{'name': 'ref', 'set': {}},"
                                 " {'name': 'v', 'set': {'r': true}}], "));
    ck_assert_uint_eq(sw->npoints, 6);
    ck_assert_uint_eq(sw->params[0].nvalues, 3);
    ck_assert_str_eq(sw->params[0].values[2], "3");
    ck_assert_str_eq(sw->params[1].values[1], "\"b\"");
    /* the last parameter fastest */
    static const char *const want[] = {
        "{\"p\":1,\"q\":\"a\"}", "{\"p\":1,\"q\":\"b\"}", "{\"p\":2,\"q\":\"a\"}",
        "{\"p\":2,\"q\":\"b\"}", "{\"p\":3,\"q\":\"a\"}", "{\"p\":3,\"q\":\"b\"}"};
    for (uint32_t p = 0; p < 6; p++)
        check_point(sw, p, want[p]);
    check_value(sw, 0, 0, "1");
    check_value(sw, 3, 0, "2");
    check_value(sw, 3, 1, "\"b\"");
    check_value(sw, 4, 1, "\"a\"");
    /* fixed sets first, then the variant's, then the point's */
    SETS(sw, 3, 1, "duration_days=30", "x.y=\"it's x\"", "r=true", "p=2", "q=\"b\"");
    SETS(sw, 4, 0, "duration_days=30", "x.y=\"it's x\"", "p=3", "q=\"a\"");
    ak_sweep_free(sw);

    /* three parameters: mixed radix 2 x 3 x 2 */
    sw = must_parse(SW("'parameters': [{'path': 'a', 'values': [0, 1]},"
                       " {'path': 'b', 'values': [0, 1, 2]}, {'path': 'c', 'values': [0, 1]}], "));
    ck_assert_uint_eq(sw->npoints, 12);
    for (uint32_t p = 0; p < 12; p++) {
        char w[64];
        snprintf(w, sizeof w, "{\"a\":%u,\"b\":%u,\"c\":%u}", p / 6, p / 2 % 3, p % 2);
        check_point(sw, p, w);
    }
    ak_sweep_free(sw);

    /* listed values are written as they are, whatever their JSON type */
    VALUES(SW("'parameters': [{'path': 'a', 'values': [1.5, -0.25, 1e3, true, null, 's',"
              " {'k': [1, 2]}, [], 12345678901234567890]}], "),
           "1.5", "-0.25", "1000", "true", "null", "\"s\"", "{\"k\":[1,2]}", "[]",
           "1.2345678901234567e+19");
}
END_TEST

START_TEST(grid_ranges)
{
    /* the end is included despite rounding, and no value shows it */
    VALUES(SW("'parameters': [{'path': 'a', 'range': {'from': 0.1, 'to': 0.3, 'step': 0.1}}], "),
           "0.1", "0.2", "0.3");
    VALUES(SW("'parameters': [{'path': 'a', 'range': {'from': 0, 'to': 1, 'step': 0.3}}], "),
           "0", "0.3", "0.6", "0.9");
    VALUES(SW("'parameters': [{'path': 'a', 'range': {'from': 5, 'to': 5, 'step': 1}}], "),
           "5");
    VALUES(SW("'parameters': [{'path': 'a', 'range': {'from': 0.7, 'to': 1.1, 'step': 0.1}}], "),
           "0.7", "0.8", "0.9", "1", "1.1");
    VALUES(SW("'parameters': [{'path': 'a', 'range': {'from': 1e6, 'to': 3e6, 'step': 1e6}}], "),
           "1000000", "2000000", "3000000");
    /* crossing zero: the zero is 0, not the rounding left of -0.3 + 3 x 0.1 */
    VALUES(SW("'parameters': [{'path': 'a', 'range': {'from': -0.3, 'to': 0.3, 'step': 0.1}}], "),
           "-0.3", "-0.2", "-0.1", "0", "0.1", "0.2", "0.3");
    /* integers: rounded half away from zero, never -0 */
    VALUES(SW("'parameters': [{'path': 'a', 'range': {'from': 0, 'to': 10, 'step': 2.5},"
              " 'type': 'integer'}], "),
           "0", "3", "5", "8", "10");
    VALUES(SW("'parameters': [{'path': 'a', 'range': {'from': -0.4, 'to': 0.4, 'step': 0.4},"
              " 'type': 'integer'}], "),
           "0", "0", "0");
    VALUES(SW("'parameters': [{'path': 'a', 'range': {'from': 1e15, 'to': 1e15, 'step': 1},"
              " 'type': 'integer'}], "),
           "1000000000000000");
    /* decimals: strings without exponent, trailing zeros and a bare point trimmed */
    VALUES(SW("'parameters': [{'path': 'a', 'range': {'from': 0, 'to': 1, 'step': 0.25},"
              " 'type': 'decimal'}], "),
           "\"0\"", "\"0.25\"", "\"0.5\"", "\"0.75\"", "\"1\"");
    VALUES(SW("'parameters': [{'path': 'a', 'range': {'from': 0.0001, 'to': 0.0003,"
              " 'step': 0.0001}, 'type': 'decimal'}], "),
           "\"0.0001\"", "\"0.0002\"", "\"0.0003\"");
    VALUES(SW("'parameters': [{'path': 'a', 'range': {'from': 1e-7, 'to': 1e-7, 'step': 1},"
              " 'type': 'decimal'}], "),
           "\"0.0000001\"");
    VALUES(SW("'parameters': [{'path': 'a', 'range': {'from': 1e20, 'to': 1e20, 'step': 1},"
              " 'type': 'decimal'}], "),
           "\"100000000000000000000\"");
    VALUES(SW("'parameters': [{'path': 'a', 'range': {'from': -0.3, 'to': 0.3, 'step': 0.3},"
              " 'type': 'decimal'}], "),
           "\"-0.3\"", "\"0\"", "\"0.3\"");
    /* below the 18 places of a decimal: 0, not -0 */
    VALUES(SW("'parameters': [{'path': 'a', 'range': {'from': -1e-20, 'to': -1e-20,"
              " 'step': 1}, 'type': 'decimal'}], "),
           "\"0\"");
    VALUES(SW("'parameters': [{'path': 'a', 'range': {'from': 0.01, 'to': 0.05, 'step': 0.02},"
              " 'type': 'number'}], "),
           "0.01", "0.03", "0.05");

    /* a range of exactly AK_SW_MAX_POINTS values */
    ak_sweep *sw = must_parse(
        SW("'parameters': [{'path': 'a', 'range': {'from': 0, 'to': 99999, 'step': 1}}], "));
    ck_assert_uint_eq(sw->npoints, AK_SW_MAX_POINTS);
    check_value(sw, 99999, 0, "99999");
    ak_sweep_free(sw);
}
END_TEST

/* ---- run layout ---- */

START_TEST(runs_are_point_major)
{
    ak_sweep *sw = must_parse(SW("'parameters': [{'path': 'a', 'values': [1, 2, 3]}], "
                                 "'variants': [{'name': 'x', 'set': {}},"
                                 " {'name': 'y', 'set': {}}], "
                                 "'replications': 4, 'seed': 42, "));
    ck_assert_uint_eq(sw->nruns, 24);
    for (uint64_t i = 0; i < sw->nruns; i++) {
        ak_sw_run r;
        memset(&r, 0xff, sizeof r);
        ak_sweep_run_at(sw, i, &r);
        CHECK(r.index == i, "run %llu: index %llu", (unsigned long long)i,
              (unsigned long long)r.index);
        CHECK(r.point == i / 8 && r.variant == i / 4 % 2 && r.replication == i % 4,
              "run %llu: point %u variant %u replication %u", (unsigned long long)i, r.point,
              r.variant, r.replication);
        /* common random numbers: the sweep's seed everywhere */
        CHECK(r.seed == 42, "run %llu: seed %llu", (unsigned long long)i,
              (unsigned long long)r.seed);
    }
    ak_sw_run r;
    ak_sweep_run_at(sw, 13, &r);
    ck_assert(r.point == 1 && r.variant == 1 && r.replication == 1);
    ak_sweep_run_at(sw, 23, &r);
    ck_assert(r.point == 2 && r.variant == 1 && r.replication == 3);
    ak_sweep_free(sw);

    /* the default seed is 1 */
    sw = must_parse(SW(GRID1));
    ak_sweep_run_at(sw, 1, &r);
    ck_assert_uint_eq(r.point, 1);
    ck_assert_uint_eq(r.seed, 1);
    ak_sweep_free(sw);
}
END_TEST

START_TEST(seeds_without_common_random_numbers)
{
    static const char *const seeds[] = {"1", "42", "'9223372036854775807'"};
    for (size_t k = 0; k < 3; k++) {
        char text[512];
        snprintf(text, sizeof text,
                 SW("'parameters': [{'path': 'a', 'range': {'from': 1, 'to': 50, 'step': 1}}], "
                    "'variants': [{'name': 'x', 'set': {}}, {'name': 'y', 'set': {}}], "
                    "'replications': 3, 'seed': %s, 'common_random_numbers': false, "),
                 seeds[k]);
        ak_sweep *sw = must_parse(text);
        ck_assert_uint_eq(sw->nruns, 50 * 2 * 3);
        uint64_t first[50];
        for (uint64_t i = 0; i < sw->nruns; i++) {
            ak_sw_run r;
            ak_sweep_run_at(sw, i, &r);
            CHECK(r.seed <= (uint64_t)INT64_MAX, "run %llu: seed %llu above INT64_MAX",
                  (unsigned long long)i, (unsigned long long)r.seed);
            /* the formula is part of reproducibility (sim/rng.h) */
            CHECK(r.seed == (ak_rng_seed(sw->seed, r.point + 1, AK_RNG_SWEEP) & INT64_MAX),
                  "run %llu: seed %llu", (unsigned long long)i, (unsigned long long)r.seed);
            if (r.variant == 0 && r.replication == 0)
                first[r.point] = r.seed;
            else /* every run of a point shares its seed */
                CHECK(r.seed == first[r.point], "run %llu: seed differs within point %u",
                      (unsigned long long)i, r.point);
        }
        for (uint32_t p = 0; p < 50; p++)
            for (uint32_t q = 0; q < p; q++)
                CHECK(first[p] != first[q], "points %u and %u share a seed", q, p);
        ak_sweep_free(sw);
    }
}
END_TEST

/* ---- sampled designs ---- */

#define SAMPLED3                                                                               \
    "'parameters': [{'path': 'lin', 'min': -2, 'max': 5},"                                     \
    " {'path': 'log', 'min': 1, 'max': 10000, 'scale': 'log'},"                                \
    " {'path': 'int', 'min': 0, 'max': 10, 'type': 'integer'},"                                \
    " {'path': 'dec', 'min': 0.01, 'max': 0.2, 'type': 'decimal', 'scale': 'linear'}], "

/* Every value of every point of sw lies in its parameter's box, and integers are integers. */
static void check_in_boxes(const ak_sweep *sw)
{
    for (uint32_t p = 0; p < sw->npoints; p++)
        for (uint32_t j = 0; j < sw->nparams; j++) {
            const ak_sw_param *pa = &sw->params[j];
            char *v = ak_sweep_value(sw, p, j);
            CHECK(v != NULL, "out of memory");
            const char *num = v;
            if (pa->type == AK_SW_DECIMAL) {
                size_t n = strlen(v);
                CHECK(n >= 3 && v[0] == '"' && v[n - 1] == '"' && !strpbrk(v, "eE"),
                      "point %u %s: %s is not a decimal string", p, pa->path, v);
                num = v + 1;
            }
            if (pa->type == AK_SW_INTEGER)
                CHECK(strspn(v, "-0123456789") == strlen(v), "point %u %s: %s not an integer",
                      p, pa->path, v);
            double x = strtod(num, NULL);
            CHECK(x >= pa->min && x <= pa->max, "point %u %s: %s outside [%g, %g]", p, pa->path,
                  v, pa->min, pa->max);
            free(v);
        }
}

static ak_sweep *sampled(const char *design, uint32_t seed)
{
    char text[1024];
    snprintf(text, sizeof text, SW(SAMPLED3 "'design': %s, 'seed': %u, "), design, seed);
    return must_parse(text);
}

/* Whether the two sweeps have the same points (same point JSON). */
static bool same_points(const ak_sweep *a, const ak_sweep *b)
{
    ck_assert_uint_eq(a->npoints, b->npoints);
    bool same = true;
    for (uint32_t p = 0; p < a->npoints && same; p++) {
        char *x = ak_sweep_point_json(a, p), *y = ak_sweep_point_json(b, p);
        CHECK(x && y, "out of memory");
        same = strcmp(x, y) == 0;
        free(x);
        free(y);
    }
    return same;
}

START_TEST(sampled_designs_stay_in_their_boxes)
{
    static const char *const designs[] = {
        "{'type': 'random', 'points': 200}", "{'type': 'lhs', 'points': 200}",
        "{'type': 'sobol', 'points': 256}", "{'type': 'morris', 'trajectories': 40}",
        "{'type': 'morris', 'trajectories': 10, 'levels': 10}",
        "{'type': 'saltelli', 'points': 64}"};
    static const ak_sw_design kind[] = {AK_SW_RANDOM, AK_SW_LHS, AK_SW_SOBOL, AK_SW_MORRIS,
                                        AK_SW_MORRIS, AK_SW_SALTELLI};
    static const uint32_t npoints[] = {200, 200, 256, 40 * 5, 10 * 5, 64 * 6};
    for (size_t d = 0; d < 6; d++) {
        ak_sweep *sw = sampled(designs[d], 7), *again = sampled(designs[d], 7),
                 *other = sampled(designs[d], 8);
        ck_assert_int_eq(sw->design, kind[d]);
        ck_assert_uint_eq(sw->npoints, npoints[d]);
        ck_assert_uint_eq(sw->nruns, npoints[d]);
        ck_assert_ptr_nonnull(sw->unit);
        ck_assert(sw->params[1].log && !sw->params[0].log && !sw->params[3].log);
        ck_assert(sw->params[0].min == -2 && sw->params[0].max == 5);
        ck_assert_int_eq(sw->params[2].type, AK_SW_INTEGER);
        check_in_boxes(sw);
        /* reproducible from the file; the seed moves all but Sobol's sequence */
        ck_assert_msg(same_points(sw, again), "%s: not reproducible", designs[d]);
        bool fixed = kind[d] == AK_SW_SOBOL || kind[d] == AK_SW_SALTELLI;
        ck_assert_msg(same_points(sw, other) == fixed, "%s: seed 8 %s seed 7's design",
                      designs[d], fixed ? "changes" : "repeats");
        ak_sweep_free(sw);
        ak_sweep_free(again);
        ak_sweep_free(other);
    }
}
END_TEST

/* Sampled integers: each integer of the box an equal share (an LHS of 400 points over 0..3
 * puts exactly 100 on each), none outside it; a box with no integer is refused. */
START_TEST(sampled_integers_share_equally)
{
    ak_sweep *sw = must_parse("{'name': 's', 'base': 'b.json', 'design': {'type': 'lhs', "
                              "'points': 400}, 'parameters': [{'path': 'n', 'min': -0.5, "
                              "'max': 3.7, 'type': 'integer'}], 'outcomes': [{'metric': "
                              "'take_usd'}]}");
    int count[4] = {0};
    for (uint32_t p = 0; p < sw->npoints; p++) {
        char *v = ak_sweep_value(sw, p, 0);
        int n = atoi(v);
        ck_assert_msg(n >= 0 && n <= 3, "point %u: %s outside 0..3", p, v);
        count[n]++;
        free(v);
    }
    for (int i = 0; i < 4; i++)
        ck_assert_msg(count[i] == 100, "%d drawn %d times of 400", i, count[i]);
    ak_sweep_free(sw);
    ERR("{'name': 's', 'base': 'b.json', 'design': {'type': 'random', 'points': 4}, "
        "'parameters': [{'path': 'n', 'min': 0.2, 'max': 0.7, 'type': 'integer'}], "
        "'outcomes': [{'metric': 'take_usd'}]}",
        "$.parameters[0]: no integer lies between \"min\" (0.2) and \"max\" (0.7)");
}
END_TEST

START_TEST(sobol_known_points)
{
    /* GSL's sequence with the origin put back (sim/design.h) */
    ak_sweep *sw = must_parse(SW("'parameters': [{'path': 'a', 'min': 0, 'max': 1},"
                                 " {'path': 'b', 'min': 10, 'max': 20}], "
                                 "'design': {'type': 'sobol', 'points': 4}, "));
    ck_assert_uint_eq(sw->npoints, 4);
    check_point(sw, 0, "{\"a\":0,\"b\":10}");
    check_point(sw, 1, "{\"a\":0.5,\"b\":15}");
    check_point(sw, 2, "{\"a\":0.75,\"b\":12.5}");
    check_point(sw, 3, "{\"a\":0.25,\"b\":17.5}");
    SETS(sw, 2, 0, "a=0.75", "b=12.5");
    ak_sweep_free(sw);
}
END_TEST

START_TEST(log_scale_spreads_decades)
{
    /* 10 points over [1, 1e4] on a log scale: one in each tenth of [0, 4] in log10 */
    for (uint32_t seed = 1; seed <= 5; seed++) {
        char text[512];
        snprintf(text, sizeof text,
                 SW("'parameters': [{'path': 'a', 'min': 1, 'max': 1e4, 'scale': 'log'}], "
                    "'design': {'type': 'lhs', 'points': 10}, 'seed': %u, "),
                 seed);
        ak_sweep *sw = must_parse(text);
        int hits[10] = {0};
        for (uint32_t p = 0; p < 10; p++) {
            char *v = ak_sweep_value(sw, p, 0);
            double x = strtod(v, NULL);
            free(v);
            ck_assert(x >= 1 && x <= 1e4);
            int s = (int)floor(log10(x) / 0.4);
            ck_assert_int_ge(s, 0);
            ck_assert_int_lt(s, 10);
            hits[s]++;
        }
        for (int s = 0; s < 10; s++)
            ck_assert_msg(hits[s] == 1, "seed %u: stratum %d holds %d points", seed, s, hits[s]);
        ak_sweep_free(sw);
    }

    /* the ends of a log scale: Sobol's point 0 is the box's corner */
    ak_sweep *sw = must_parse(SW("'parameters': [{'path': 'a', 'min': 0.001, 'max': 1000,"
                                 " 'scale': 'log'}], 'design': {'type': 'sobol', 'points': 2}, "));
    check_value(sw, 0, 0, "0.001");
    check_value(sw, 1, 0, "1"); /* the middle of [-3, 3] in log10 */
    ak_sweep_free(sw);
}
END_TEST

START_TEST(morris_moves_one_parameter_at_a_time)
{
    /* levels 4: the grid {0, 1/3, 2/3, 1} maps [0, 3] to 0, 1, 2, 3 and a move is +/-2 */
    ak_sweep *sw = must_parse(SW("'parameters': [{'path': 'a', 'min': 0, 'max': 3},"
                                 " {'path': 'b', 'min': 0, 'max': 3},"
                                 " {'path': 'c', 'min': 0, 'max': 3}], "
                                 "'design': {'type': 'morris', 'trajectories': 6}, "));
    ck_assert_int_eq(sw->design, AK_SW_MORRIS);
    ck_assert_uint_eq(sw->trajectories, 6);
    ck_assert_uint_eq(sw->levels, 4);
    ck_assert_uint_eq(sw->npoints, 6 * 4);
    ck_assert_ptr_nonnull(sw->mfactor);
    ck_assert_ptr_nonnull(sw->mstep);
    for (uint32_t p = 0; p < sw->npoints; p++) {
        double x[3];
        for (uint32_t j = 0; j < 3; j++) {
            char *v = ak_sweep_value(sw, p, j);
            ck_assert_msg(strcmp(v, "0") == 0 || strcmp(v, "1") == 0 || strcmp(v, "2") == 0 ||
                              strcmp(v, "3") == 0,
                          "point %u param %u: %s is not a level", p, j, v);
            x[j] = strtod(v, NULL);
            free(v);
        }
        if (p % 4 == 0) {
            ck_assert_uint_eq(sw->mfactor[p], UINT32_MAX);
        } else {
            double prev[3];
            uint32_t moved = 0, which = UINT32_MAX;
            for (uint32_t j = 0; j < 3; j++) {
                char *v = ak_sweep_value(sw, p - 1, j);
                prev[j] = strtod(v, NULL);
                free(v);
                if (prev[j] != x[j]) {
                    moved++;
                    which = j;
                }
            }
            ck_assert_msg(moved == 1, "point %u moves %u parameters", p, moved);
            ck_assert_uint_eq(which, sw->mfactor[p]);
            ck_assert(fabs(x[which] - prev[which]) == 2);
            ck_assert(fabs(sw->mstep[p] * 3 - (x[which] - prev[which])) < 1e-12);
        }
    }
    /* within a trajectory each parameter moves exactly once */
    for (uint32_t t = 0; t < 6; t++) {
        bool seen[3] = {false, false, false};
        for (uint32_t p = t * 4 + 1; p < t * 4 + 4; p++) {
            ck_assert(!seen[sw->mfactor[p]]);
            seen[sw->mfactor[p]] = true;
        }
    }
    ak_sweep_free(sw);
}
END_TEST

/* ---- the reproducing command ---- */

/* Run `printf '%s\n' ARGS` through /bin/sh, ARGS being cmd after its first word, and compare
 * the words the shell sees with want[0..n). */
static void check_shell_words(const char *cmd, const char *const *want, size_t n)
{
    const char *args = strchr(cmd, ' ');
    ck_assert_ptr_nonnull(args);
    buf b = {0};
    bput(&b, "printf '%%s\\n'%s", args);
    FILE *f = popen(b.s, "r");
    ck_assert_ptr_nonnull(f);
    char line[512];
    size_t i = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        ck_assert_msg(i < n, "extra word %s", line);
        ck_assert_msg(strcmp(line, want[i]) == 0, "word %zu: got %s, expected %s", i, line,
                      want[i]);
        i++;
    }
    ck_assert_int_eq(pclose(f), 0);
    ck_assert_uint_eq(i, n);
    free(b.s);
}

START_TEST(command_quotes_for_the_shell)
{
    ak_sweep *sw;
    char why[512];
    ck_assert_int_eq(
        parse_named("my sweeps/s.json",
                    SW("'set': {'name': 'it\\u0027s x', 'agents.tenants.count': 10}, "
                       "'parameters': [{'path': 'p', 'values': ['a b', '$HOME', 7]},"
                       " {'path': 'genesis.params.take', 'values': [-1.5]}], "
                       "'variants': [{'name': 'ref', 'set': {}},"
                       " {'name': 'v', 'set': {'e': ''}}], "
                       "'replications': 2, 'seed': 7, "),
                    &sw, why, sizeof why),
        0);
    ak_sw_run r;
    ak_sweep_run_at(sw, 3, &r); /* point 0, variant 1, replication 1 */
    ck_assert(r.point == 0 && r.variant == 1 && r.replication == 1);
    char *cmd = ak_sweep_command(sw, &r);
    ck_assert_ptr_nonnull(cmd);
    ck_assert_str_eq(cmd, "akashsim run 'my sweeps/b.json' -o run.db --seed 7 --replication 1"
                          " --set 'name=\"it'\\''s x\"' --set agents.tenants.count=10"
                          " --set 'e=\"\"' --set 'p=\"a b\"' --set genesis.params.take=-1.5");
    static const char *const words[] = {
        "run", "my sweeps/b.json", "-o", "run.db", "--seed", "7", "--replication", "1",
        "--set", "name=\"it's x\"", "--set", "agents.tenants.count=10", "--set", "e=\"\"",
        "--set", "p=\"a b\"", "--set", "genesis.params.take=-1.5"};
    check_shell_words(cmd, words, sizeof words / sizeof *words);
    free(cmd);

    ak_sweep_run_at(sw, 2 * 2 * 1 + 0, &r); /* point 1, variant 0, replication 0 */
    cmd = ak_sweep_command(sw, &r);
    ck_assert_str_eq(cmd, "akashsim run 'my sweeps/b.json' -o run.db --seed 7 --replication 0"
                          " --set 'name=\"it'\\''s x\"' --set agents.tenants.count=10"
                          " --set 'p=\"$HOME\"' --set genesis.params.take=-1.5");
    static const char *const words1[] = {
        "run", "my sweeps/b.json", "-o", "run.db", "--seed", "7", "--replication", "0",
        "--set", "name=\"it's x\"", "--set", "agents.tenants.count=10", "--set",
        "p=\"$HOME\"", "--set", "genesis.params.take=-1.5"};
    check_shell_words(cmd, words1, sizeof words1 / sizeof *words1);
    free(cmd);
    ak_sweep_free(sw);

    /* a plain base path is not quoted; the seed without common random numbers */
    sw = must_parse(SW(GRID1 "'common_random_numbers': false, 'seed': 3, "));
    ak_sweep_run_at(sw, 1, &r);
    cmd = ak_sweep_command(sw, &r);
    char want[256];
    snprintf(want, sizeof want,
             "akashsim run b.json -o run.db --seed %llu --replication 0 --set a=2",
             (unsigned long long)r.seed);
    ck_assert_str_eq(cmd, want);
    ck_assert_uint_ne(r.seed, 3);
    free(cmd);
    ak_sweep_free(sw);
}
END_TEST

/* ---- loading files, and the scenario of a run ---- */

/* Load the sweep file at path; it must fail with AK_EINVAL and exactly want. */
static void check_load_err(int line, const char *path, const char *want)
{
    ak_sweep *sw = (ak_sweep *)&sw;
    char why[1200] = "";
    int rc = ak_sweep_load(path, &sw, why, sizeof why);
    ck_assert_msg(rc == AK_EINVAL, "line %d: rc %d, expected AK_EINVAL (why: %s)", line, rc, why);
    ck_assert_msg(sw == NULL, "line %d: *out not NULL on failure", line);
    ck_assert_msg(strcmp(why, want) == 0, "line %d:\n  got:      %s\n  expected: %s", line, why,
                  want);
}

START_TEST(load_errors)
{
    char dir[64], path[256], base[256], want[1024];
    mkscratch(dir, sizeof dir);

    snprintf(path, sizeof path, "%s/none.json", dir);
    snprintf(want, sizeof want, "%s: cannot open: No such file or directory", path);
    check_load_err(__LINE__, path, want);

    /* the sweep itself, named as the caller named it */
    put_file(dir, "s.json", "", path, sizeof path);
    snprintf(want, sizeof want, "%s: the file is empty (expected a JSON sweep)", path);
    check_load_err(__LINE__, path, want);
    char *text = dq("{'name': 's', 'base': 'b.json', 'outcomes': [{'metric': 'cpu'}]}");
    put_file(dir, "s.json", text, path, sizeof path);
    free(text);
    snprintf(want, sizeof want,
             "%s: $.outcomes[0].metric: \"cpu\" is not a column of metrics (docs/results.md "
             "lists them)", path);
    check_load_err(__LINE__, path, want);

    /* the base: missing, empty, not JSON, not an object */
    text = dq(SW(""));
    put_file(dir, "s.json", text, path, sizeof path);
    free(text);
    snprintf(want, sizeof want, "%s: $.base: %s/b.json: cannot open: No such file or directory",
             path, dir);
    check_load_err(__LINE__, path, want);
    put_file(dir, "b.json", "", base, sizeof base);
    snprintf(want, sizeof want, "%s: the file is empty (expected a JSON scenario)", base);
    check_load_err(__LINE__, path, want);
    put_file(dir, "b.json", "{\"name\":\n", base, sizeof base);
    snprintf(want, sizeof want, "%s: not valid JSON: unexpected end of file (line 2, column 1)",
             base);
    check_load_err(__LINE__, path, want);
    put_file(dir, "b.json", "{\"name\" 1}", base, sizeof base);
    snprintf(want, sizeof want, "%s: not valid JSON (line 1, column 9)", base);
    check_load_err(__LINE__, path, want);
    put_file(dir, "b.json", "[{\"name\": \"x\"}]", base, sizeof base);
    snprintf(want, sizeof want, "%s: $: expected an object, found a list", base);
    check_load_err(__LINE__, path, want);

    /* an object loads (the scenario itself is checked run by run) */
    put_file(dir, "b.json", "{\"name\": \"x\",\n \"bogus\": 1}\n", base, sizeof base);
    ak_sweep *sw;
    char why[512];
    ck_assert_int_eq(ak_sweep_load(path, &sw, why, sizeof why), 0);
    ck_assert_str_eq(sw->file, path);
    ck_assert_str_eq(sw->base_path, base);
    ck_assert_str_eq(sw->base_text, "{\"name\": \"x\",\n \"bogus\": 1}\n");
    ck_assert_uint_eq(sw->base_len, strlen(sw->base_text));
    ck_assert_str_eq(sw->base_json, "{\"name\":\"x\",\"bogus\":1}");
    ak_sw_run r;
    ak_sweep_run_at(sw, 0, &r);
    ak_scenario *sc = (ak_scenario *)&sc;
    ck_assert_int_eq(ak_sweep_scenario(sw, &r, &sc, why, sizeof why), AK_EINVAL);
    ck_assert_ptr_null(sc);
    snprintf(want, sizeof want, "point 0: %s: $.bogus: unknown key (allowed: ", base);
    ck_assert_msg(strncmp(why, want, strlen(want)) == 0, "got %s", why);
    ak_sweep_free(sw);

    unlink(base);
    unlink(path);
    rmdir(dir);
}
END_TEST

START_TEST(scenario_of_a_run)
{
    char dir[64], path[256], cwd[1024], want[2048], why[2048];
    mkscratch(dir, sizeof dir);
    ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
    /* the suite runs from the repository root */
    char base[1100];
    snprintf(base, sizeof base, "%s/scenarios/baseline.json", cwd);
    ck_assert_int_eq(access(base, R_OK), 0);

    buf b = {0};
    bput(&b, "{\"name\": \"s\", \"base\": \"%s\",\n"
             " \"parameters\": [{\"path\": \"agents.tenants.arrivals_per_day\","
             " \"values\": [120, -5]}],\n"
             " \"variants\": [{\"name\": \"ref\", \"set\": {}},"
             " {\"name\": \"x\", \"set\": {\"duration_days\": 2}}],\n"
             " \"replications\": 2, \"seed\": 99, \"common_random_numbers\": false,\n"
             " \"outcomes\": [{\"metric\": \"leases_created\"}]}\n", base);
    put_file(dir, "s.json", b.s, path, sizeof path);
    free(b.s);
    ak_sweep *sw;
    ck_assert_msg(ak_sweep_load(path, &sw, why, sizeof why) == 0, "%s", why);
    ck_assert_str_eq(sw->base_path, base);
    ck_assert_ptr_nonnull(sw->base_json);
    ck_assert_uint_eq(sw->nruns, 8);

    /* a valid point: the swept value, the variant's set and the run's seed */
    ak_sw_run r;
    ak_sweep_run_at(sw, 3, &r); /* point 0, variant 1, replication 1 */
    ck_assert(r.point == 0 && r.variant == 1 && r.replication == 1);
    ak_scenario *sc;
    ck_assert_msg(ak_sweep_scenario(sw, &r, &sc, why, sizeof why) == 0, "%s", why);
    ck_assert(sc->arrivals_per_day == 120);
    ck_assert(sc->duration_days == 2);
    ck_assert_uint_eq(sc->seed, r.seed);
    ck_assert_uint_ne(sc->seed, 99);
    ck_assert_str_eq(sc->name, "baseline");
    ak_scenario_free(sc);
    ak_sweep_run_at(sw, 0, &r);
    ck_assert_msg(ak_sweep_scenario(sw, &r, &sc, why, sizeof why) == 0, "%s", why);
    ck_assert(sc->duration_days == 365); /* the reference variant leaves it */
    ak_scenario_free(sc);

    /* a value the scenario refuses, named by point and variant */
    static const char reason[] = "$.agents.tenants.arrivals_per_day: -5 is out of range: "
                                 "expected more than 0 and at most 1e+07";
    ak_sweep_run_at(sw, 6, &r);
    ck_assert(r.point == 1 && r.variant == 1);
    sc = (ak_scenario *)&sc;
    ck_assert_int_eq(ak_sweep_scenario(sw, &r, &sc, why, sizeof why), AK_EINVAL);
    ck_assert_ptr_null(sc);
    snprintf(want, sizeof want, "point 1 (variant \"x\"): %s: %s", base, reason);
    ck_assert_str_eq(why, want);
    ak_sweep_run_at(sw, 4, &r);
    ck_assert_int_eq(ak_sweep_scenario(sw, &r, &sc, why, sizeof why), AK_EINVAL);
    snprintf(want, sizeof want, "point 1 (variant \"ref\"): %s: %s", base, reason);
    ck_assert_str_eq(why, want);
    ak_sweep_free(sw);

    /* without variants, and with common random numbers: the sweep's seed */
    b = (buf){0};
    bput(&b, "{\"name\": \"s\", \"base\": \"%s\", \"seed\": 5,\n"
             " \"parameters\": [{\"path\": \"agents.tenants.arrivals_per_day\","
             " \"values\": [-5, 80]}],\n"
             " \"outcomes\": [{\"metric\": \"leases_created\"}]}\n", base);
    put_file(dir, "s.json", b.s, path, sizeof path);
    free(b.s);
    ck_assert_msg(ak_sweep_load(path, &sw, why, sizeof why) == 0, "%s", why);
    ak_sweep_run_at(sw, 0, &r);
    ck_assert_int_eq(ak_sweep_scenario(sw, &r, &sc, why, sizeof why), AK_EINVAL);
    snprintf(want, sizeof want, "point 0: %s: %s", base, reason);
    ck_assert_str_eq(why, want);
    ak_sweep_run_at(sw, 1, &r);
    ck_assert_msg(ak_sweep_scenario(sw, &r, &sc, why, sizeof why) == 0, "%s", why);
    ck_assert(sc->arrivals_per_day == 80);
    ck_assert_uint_eq(sc->seed, 5);
    ak_scenario_free(sc);
    ak_sweep_free(sw);

    /* a parsed sweep has no base to load */
    sw = must_parse(SW(""));
    ak_sweep_run_at(sw, 0, &r);
    sc = (ak_scenario *)&sc;
    ck_assert_int_eq(ak_sweep_scenario(sw, &r, &sc, why, sizeof why), AK_EINVAL);
    ck_assert_ptr_null(sc);
    ck_assert_str_eq(why, "s.json: the base scenario was not read");
    ak_sweep_free(sw);

    unlink(path);
    rmdir(dir);
}
END_TEST

/* ---- errors ---- */

START_TEST(file_and_top_level_errors)
{
    ak_sweep *sw = (ak_sweep *)&sw;
    char why[256];
    ck_assert_int_eq(ak_sweep_parse(NAME, "", 0, &sw, why, sizeof why), AK_EINVAL);
    ck_assert_ptr_null(sw);
    ck_assert_str_eq(why, NAME ": the file is empty (expected a JSON sweep)");
    ERR("{'name': 's',", "not valid JSON: unexpected end of file (line 1, column 14)");
    ERR("{'name' 's'}", "not valid JSON (line 1, column 9)");
    ERR("[1]", "$: expected an object, found a list");
    ERR("\"s\"", "$: expected an object, found a string");

    /* keys */
    ERR(SW("'outcome': [], "), "$.outcome: unknown key (did you mean \"outcomes\"?)");
    ERR(SW("'bogus': 1, "),
        "$.bogus: unknown key (allowed: name, description, base, set, parameters, design, "
        "variants, replications, seed, common_random_numbers, outcomes)");
    ERR(SW("'name': 't', "), "$.name: duplicate key");
    ERR("{'base': 'b.json', " OUT "}", "$.name: required key is missing");
    ERR("{'name': 's', " OUT "}", "$.base: required key is missing");
    ERR("{" HEAD "}", "$.outcomes: required key is missing");

    /* types */
    ERR("{'name': 3, 'base': 'b.json', " OUT "}", "$.name: expected a string, found a number");
    ERR("{'name': 's', 'base': ['b.json'], " OUT "}", "$.base: expected a string, found a list");
    ERR(SW("'description': null, "), "$.description: expected a string, found null");
    ERR(SW("'set': [1], "), "$.set: expected an object, found a list");
    ERR(SW("'parameters': {}, "), "$.parameters: expected a list, found an object");
    ERR(SW("'parameters': [3], "), "$.parameters[0]: expected an object, found a number");
    ERR(SW("'design': 'lhs', "), "$.design: expected an object, found a string");
    ERR(SW("'variants': {}, "), "$.variants: expected a list, found an object");
    ERR(SW("'variants': [1, 2], "), "$.variants[0]: expected an object, found a number");
    ERR(SW("'replications': 1.5, "), "$.replications: expected an integer, found 1.5");
    ERR(SW("'replications': 'two', "),
        "$.replications: expected an integer in [1, 1000000], found \"two\"");
    ERR(SW("'seed': true, "),
        "$.seed: expected an integer in [0, 9223372036854775807], found a boolean");
    ERR(SW("'common_random_numbers': 0, "),
        "$.common_random_numbers: expected true or false, found a number");
    ERR("{" HEAD ", 'outcomes': {}}", "$.outcomes: expected a list, found an object");
    ERR("{" HEAD ", 'outcomes': ['x']}", "$.outcomes[0]: expected an object, found a string");

    /* empty strings */
    ERR("{'name': '', 'base': 'b.json', " OUT "}", "$.name: empty name");
    ERR("{'name': 's', 'base': '', " OUT "}",
        "$.base: expected a scenario file name, found an empty string");

    /* a base path too long to resolve */
    buf b = {0};
    bput(&b, "{'name': 's', 'base': '");
    for (int i = 0; i < 4100; i++)
        bput(&b, "x");
    bput(&b, "', " OUT "}");
    ERR(b.s, "$.base: the path is too long");
    free(b.s);

    /* seeds: 0 to 2^63 - 1, larger than 2^53 only as a string */
    ERR(SW("'seed': -1, "), "$.seed: integer out of range: expected one in [0, "
                            "9223372036854775807]");
    ERR(SW("'seed': '9223372036854775808', "),
        "$.seed: integer out of range: expected one in [0, 9223372036854775807]");
    ERR(SW("'seed': 9223372036854775808, "),
        "$.seed: integer too large to be exact as a JSON number; write it as a string of "
        "digits");

    /* replications and the number of runs */
    ERR(SW("'replications': 0, "),
        "$.replications: integer out of range: expected one in [1, 1000000]");
    ERR(SW("'replications': 1000001, "),
        "$.replications: integer out of range: expected one in [1, 1000000]");
    ERR(SW(GRID1 "'replications': 500001, "),
        "$.replications: 1000002 runs (points x variants x replications); at most 1000000");
    ERR(SW(GRID1 "'variants': [{'name': 'x', 'set': {}}, {'name': 'y', 'set': {}}], "
           "'replications': 250001, "),
        "$.replications: 1000004 runs (points x variants x replications); at most 1000000");
    sw = must_parse(SW(GRID1 "'variants': [{'name': 'x', 'set': {}}, {'name': 'y', 'set': {}}],"
                       " 'replications': 250000, "));
    ck_assert_uint_eq(sw->nruns, AK_SW_MAX_RUNS);
    ak_sweep_free(sw);
    /* without "replications" the whole file is at fault */
    b = (buf){0};
    bput(&b, "{" HEAD ", 'parameters': [{'path': 'a', 'range': {'from': 1, 'to': 100000,"
             " 'step': 1}}], 'variants': [");
    for (int i = 0; i < 11; i++)
        bput(&b, "%s{'name': 'v%d', 'set': {}}", i ? ", " : "", i);
    bput(&b, "], " OUT "}");
    ERR(b.s, "$: 1100000 runs (points x variants x replications); at most 1000000");
    free(b.s);
}
END_TEST

START_TEST(set_errors)
{
    ERR(SW("'set': {'': 1}, "), "$.set[\"\"]: empty path");
    ERR(SW("'set': {'a': 1, 'b': 2, 'a': 3}, "), "$.set: the path a is set twice");
    buf b = {0};
    bput(&b, "{" HEAD ", 'set': {");
    for (int i = 0; i <= AK_SC_MAX_SETS; i++)
        bput(&b, "%s'k%d': %d", i ? ", " : "", i, i);
    bput(&b, "}, " OUT "}");
    ERR(b.s, "$.set: at most 64 values");
    free(b.s);

    /* 64 sets in all: fixed plus a variant's plus one per parameter */
    b = (buf){0};
    bput(&b, "{" HEAD ", 'set': {");
    for (int i = 0; i < AK_SC_MAX_SETS - 1; i++)
        bput(&b, "%s'k%d': %d", i ? ", " : "", i, i);
    bput(&b, "}, " GRID1);
    size_t mark = b.len;
    bput(&b, OUT "}");
    ak_sweep *sw = must_parse(b.s);
    ck_assert_uint_eq(sw->nsets, 63);
    ak_sweep_free(sw);
    b.len = mark;
    bput(&b, "'variants': [{'name': 'x', 'set': {}}, {'name': 'y', 'set': {'v': 1}}], " OUT
             "}");
    ERR(b.s, "$.variants[1]: a run would set 65 values; at most 64");
    free(b.s);
    b = (buf){0};
    bput(&b, "{" HEAD ", 'set': {");
    for (int i = 0; i < AK_SC_MAX_SETS - 1; i++)
        bput(&b, "%s'k%d': %d", i ? ", " : "", i, i);
    bput(&b, "}, 'parameters': [{'path': 'a', 'values': [1]}, {'path': 'b', 'values': [1]}], "
             OUT "}");
    ERR(b.s, "$: a run would set 65 values; at most 64");
    free(b.s);
}
END_TEST

START_TEST(parameter_errors)
{
    /* keys, types and empty strings */
    ERR(SW("'parameters': [{'path': 'a', 'values': [1], 'vales': 1}], "),
        "$.parameters[0].vales: unknown key (did you mean \"values\"?)");
    ERR(SW("'parameters': [{'path': 'a', 'values': [1], 'zzz': 1}], "),
        "$.parameters[0].zzz: unknown key (allowed: path, name, values, range, min, max, "
        "scale, type)");
    ERR(SW("'parameters': [{'values': [1]}], "), "$.parameters[0].path: required key is missing");
    ERR(SW("'parameters': [{'path': 3, 'values': [1]}], "),
        "$.parameters[0].path: expected a string, found a number");
    ERR(SW("'parameters': [{'path': '', 'values': [1]}], "), "$.parameters[0].path: empty path");
    ERR(SW("'parameters': [{'path': 'a', 'name': '', 'values': [1]}], "),
        "$.parameters[0].name: empty name");
    ERR(SW("'parameters': [{'path': 'a', 'name': 1, 'values': [1]}], "),
        "$.parameters[0].name: expected a string, found a number");
    ERR(SW("'parameters': [{'path': 'a', 'range': {'from': 1, 'to': 2, 'step': 1},"
           " 'type': 'int'}], "),
        "$.parameters[0].type: unknown type \"int\" (known: number, integer, decimal)");
    ERR(SW("'parameters': [{'path': 'a', 'range': {'from': 1, 'to': 2, 'step': 1},"
           " 'type': 'integr'}], "),
        "$.parameters[0].type: unknown type \"integr\" (did you mean \"integer\"?)");

    /* grid parameters */
    ERR(SW("'parameters': [{'path': 'a', 'min': 1, 'max': 2}], "),
        "$.parameters[0].min: \"min\" belongs to sampled designs; a grid takes \"values\" or "
        "\"range\"");
    ERR(SW("'parameters': [{'path': 'a', 'values': [1], 'max': 2}], "),
        "$.parameters[0].max: \"max\" belongs to sampled designs; a grid takes \"values\" or "
        "\"range\"");
    ERR(SW("'parameters': [{'path': 'a', 'values': [1], 'scale': 'log'}], "),
        "$.parameters[0].scale: \"scale\" belongs to sampled designs; a grid takes \"values\" "
        "or \"range\"");
    ERR(SW("'parameters': [{'path': 'a'}], "),
        "$.parameters[0]: a grid parameter needs \"values\" (a list) or \"range\" ({\"from\", "
        "\"to\", \"step\"}), one of them");
    ERR(SW("'parameters': [{'path': 'a', 'values': [1], 'range': {'from': 1, 'to': 2,"
           " 'step': 1}}], "),
        "$.parameters[0]: a grid parameter needs \"values\" (a list) or \"range\" ({\"from\", "
        "\"to\", \"step\"}), one of them");
    ERR(SW("'parameters': [{'path': 'a', 'values': [1, 2], 'type': 'integer'}], "),
        "$.parameters[0].type: \"type\" applies to \"range\" and sampled values; listed values "
        "are written as they are");
    ERR(SW("'parameters': [{'path': 'seed', 'values': [1, 2]}], "),
        "$.parameters[0].path: the sweep sets every run's seed from its own \"seed\" (and the "
        "replication); set that instead, or add replications");
    ERR(SW("'set': {'seed': 3}, "),
        "$.set.seed: the sweep sets every run's seed from its own \"seed\" (and the "
        "replication); set that instead, or add replications");
    ERR(SW("'parameters': [{'path': 'a', 'values': []}], "),
        "$.parameters[0].values: expected 1 to 100000 values");
    ERR(SW("'parameters': [{'path': 'a', 'values': 3}], "),
        "$.parameters[0].values: expected a list, found a number");

    /* ranges */
    ERR(SW("'parameters': [{'path': 'a', 'range': [0, 1, 1]}], "),
        "$.parameters[0].range: expected an object, found a list");
    ERR(SW("'parameters': [{'path': 'a', 'range': {'from': 0, 'to': 1, 'stp': 1}}], "),
        "$.parameters[0].range.stp: unknown key (did you mean \"step\"?)");
    ERR(SW("'parameters': [{'path': 'a', 'range': {'to': 1, 'step': 1}}], "),
        "$.parameters[0].range.from: required key is missing");
    ERR(SW("'parameters': [{'path': 'a', 'range': {'from': 0, 'step': 1}}], "),
        "$.parameters[0].range.to: required key is missing");
    ERR(SW("'parameters': [{'path': 'a', 'range': {'from': 0, 'to': 1}}], "),
        "$.parameters[0].range.step: required key is missing");
    ERR(SW("'parameters': [{'path': 'a', 'range': {'from': '0', 'to': 1, 'step': 1}}], "),
        "$.parameters[0].range.from: expected a number, found a string");
    ERR(SW("'parameters': [{'path': 'a', 'range': {'from': 0, 'to': 1, 'step': 0}}], "),
        "$.parameters[0].range.step: \"step\" (0) must be above 0");
    ERR(SW("'parameters': [{'path': 'a', 'range': {'from': 0, 'to': 1, 'step': -0.5}}], "),
        "$.parameters[0].range.step: \"step\" (-0.5) must be above 0");
    ERR(SW("'parameters': [{'path': 'a', 'range': {'from': 2, 'to': 1, 'step': 1}}], "),
        "$.parameters[0].range: \"to\" (1) is below \"from\" (2)");
    ERR(SW("'parameters': [{'path': 'a', 'range': {'from': 0, 'to': 100000, 'step': 1}}], "),
        "$.parameters[0].range: 100001 values; at most 100000");
    ERR(SW("'parameters': [{'path': 'a', 'range': {'from': 0, 'to': 1, 'step': 1e-300}}], "),
        "$.parameters[0].range: 10^15 values or more; at most 100000");
    ERR(SW("'parameters': [{'path': 'a', 'range': {'from': -1e308, 'to': 1e308,"
           " 'step': 1}}], "),
        "$.parameters[0].range: 10^15 values or more; at most 100000");
    ERR(SW("'parameters': [{'path': 'a', 'range': {'from': 0, 'to': 999, 'step': 1}},"
           " {'path': 'b', 'range': {'from': 0, 'to': 100, 'step': 1}}], "),
        "$.parameters[1]: the grid has more than 100000 points");

    /* sampled parameters */
    ERR(SW("'parameters': [{'path': 'a', 'values': [1]}], "
           "'design': {'type': 'random', 'points': 3}, "),
        "$.parameters[0].values: a random design samples each parameter between \"min\" and "
        "\"max\"; \"values\" and \"range\" are for a grid");
    ERR(SW("'parameters': [{'path': 'a', 'range': {'from': 1, 'to': 2, 'step': 1}}], "
           "'design': {'type': 'lhs', 'points': 3}, "),
        "$.parameters[0].range: an lhs design samples each parameter between \"min\" and "
        "\"max\"; \"values\" and \"range\" are for a grid");
    ERR(SW("'parameters': [{'path': 'a', 'max': 2}], 'design': {'type': 'sobol',"
           " 'points': 4}, "),
        "$.parameters[0].min: required key is missing");
    ERR(SW("'parameters': [{'path': 'a', 'min': 1}], 'design': {'type': 'sobol',"
           " 'points': 4}, "),
        "$.parameters[0].max: required key is missing");
    ERR(SW("'parameters': [{'path': 'a', 'min': '1', 'max': 2}], 'design': {'type': 'sobol',"
           " 'points': 4}, "),
        "$.parameters[0].min: expected a number, found a string");
    ERR(SW("'parameters': [{'path': 'a', 'min': 2, 'max': 2}], 'design': {'type': 'lhs',"
           " 'points': 3}, "),
        "$.parameters[0].max: \"max\" (2) must be above \"min\" (2)");
    ERR(SW("'parameters': [{'path': 'a', 'min': 2, 'max': 1.5}], 'design': {'type': 'lhs',"
           " 'points': 3}, "),
        "$.parameters[0].max: \"max\" (1.5) must be above \"min\" (2)");
    ERR(SW("'parameters': [{'path': 'a', 'min': 0, 'max': 2, 'scale': 'log'}],"
           " 'design': {'type': 'random', 'points': 3}, "),
        "$.parameters[0].min: a log scale needs \"min\" above 0");
    ERR(SW("'parameters': [{'path': 'a', 'min': -1, 'max': 2, 'scale': 'log'}],"
           " 'design': {'type': 'random', 'points': 3}, "),
        "$.parameters[0].min: a log scale needs \"min\" above 0");
    ERR(SW("'parameters': [{'path': 'a', 'min': 1, 'max': 2, 'scale': 'lg'}],"
           " 'design': {'type': 'random', 'points': 3}, "),
        "$.parameters[0].scale: unknown scale \"lg\" (did you mean \"log\"?)");
    ERR(SW("'parameters': [{'path': 'a', 'min': 1, 'max': 2, 'scale': 'logarithmic'}],"
           " 'design': {'type': 'random', 'points': 3}, "),
        "$.parameters[0].scale: unknown scale \"logarithmic\" (known: linear, log)");
    ERR(SW("'parameters': [{'path': 'a', 'min': 1, 'max': 2, 'type': 'float'}],"
           " 'design': {'type': 'random', 'points': 3}, "),
        "$.parameters[0].type: unknown type \"float\" (known: number, integer, decimal)");

    /* duplicates and clashes */
    ERR(SW("'parameters': [{'path': 'a', 'values': [1]}, {'path': 'a', 'values': [2]}], "),
        "$.parameters[1]: the path a is swept twice");
    ERR(SW("'parameters': [{'path': 'a', 'name': 'x', 'values': [1]},"
           " {'path': 'b', 'name': 'x', 'values': [2]}], "),
        "$.parameters[1]: two parameters are named \"x\"");
    ERR(SW("'parameters': [{'path': 'a', 'values': [1]},"
           " {'path': 'b', 'name': 'a', 'values': [2]}], "),
        "$.parameters[1]: two parameters are named \"a\"");
    ERR(SW("'set': {'b': 0, 'a': 3}, 'parameters': [{'path': 'a', 'values': [1]}], "),
        "$.parameters[0]: a is swept and also in \"set\"; keep one");
    /* a path that only starts like a set one is another path */
    ak_sweep *sw = must_parse(SW("'set': {'ab': 3, 'a.b': 4}, "
                                 "'parameters': [{'path': 'a', 'values': [1]}], "));
    SETS(sw, 0, 0, "ab=3", "a.b=4", "a=1");
    ak_sweep_free(sw);

    /* at most 40 parameters */
    buf b = {0};
    bput(&b, "{" HEAD ", 'parameters': [");
    for (int i = 0; i <= AK_SW_MAX_PARAMS; i++)
        bput(&b, "%s{'path': 'p%d', 'min': 0, 'max': 1}", i ? ", " : "", i);
    bput(&b, "], 'design': {'type': 'sobol', 'points': 4}, " OUT "}");
    ERR(b.s, "$.parameters: at most 40 parameters");
    free(b.s);
    b = (buf){0};
    bput(&b, "{" HEAD ", 'parameters': [");
    for (int i = 0; i < AK_SW_MAX_PARAMS; i++)
        bput(&b, "%s{'path': 'p%d', 'min': 0, 'max': 1}", i ? ", " : "", i);
    bput(&b, "], 'design': {'type': 'sobol', 'points': 4}, " OUT "}");
    sw = must_parse(b.s);
    ck_assert_uint_eq(sw->nparams, 40);
    check_in_boxes(sw);
    ak_sweep_free(sw);
    free(b.s);
}
END_TEST

START_TEST(design_errors)
{
    ERR(SW(SAMP1 "'design': {'type': 'lsh', 'points': 3}, "),
        "$.design.type: unknown design \"lsh\" (did you mean \"lhs\"?)");
    ERR(SW(SAMP1 "'design': {'type': 'factorial', 'points': 3}, "),
        "$.design.type: unknown design \"factorial\" (known: grid, random, lhs, sobol, morris, "
        "saltelli)");
    ERR(SW(SAMP1 "'design': {'points': 3}, "), "$.design.type: required key is missing");
    ERR(SW(SAMP1 "'design': {'type': 'sobol', 'pionts': 4}, "),
        "$.design.pionts: unknown key (did you mean \"points\"?)");
    ERR(SW(SAMP1 "'design': {'type': 'sobol', 'seed': 4}, "),
        "$.design.seed: unknown key (allowed: type, points, trajectories, levels)");

    /* a grid is not sampled */
    ERR(SW(GRID1 "'design': {'type': 'grid', 'points': 3}, "),
        "$.design.points: a grid has one point per combination of values; \"points\", "
        "\"trajectories\" and \"levels\" are for sampled designs");
    ERR(SW(GRID1 "'design': {'type': 'grid', 'trajectories': 3}, "),
        "$.design.trajectories: a grid has one point per combination of values; \"points\", "
        "\"trajectories\" and \"levels\" are for sampled designs");
    ERR(SW(GRID1 "'design': {'type': 'grid', 'levels': 4}, "),
        "$.design.levels: a grid has one point per combination of values; \"points\", "
        "\"trajectories\" and \"levels\" are for sampled designs");
    ak_sweep *sw = must_parse(SW(GRID1 "'design': {'type': 'grid'}, "));
    ck_assert_int_eq(sw->design, AK_SW_GRID);
    ck_assert_uint_eq(sw->npoints, 2);
    ak_sweep_free(sw);

    /* sampled designs need parameters */
    ERR(SW("'design': {'type': 'sobol', 'points': 4}, "),
        "$.design: a sobol design needs at least one parameter");
    ERR(SW("'parameters': [], 'design': {'type': 'lhs', 'points': 4}, "),
        "$.design: an lhs design needs at least one parameter");
    ERR(SW("'parameters': [], 'design': {'type': 'morris', 'trajectories': 4}, "),
        "$.design: a morris design needs at least one parameter");

    /* points */
    ERR(SW(SAMP1 "'design': {'type': 'random'}, "), "$.design.points: required key is missing");
    ERR(SW(SAMP1 "'design': {'type': 'random', 'points': 0}, "),
        "$.design.points: integer out of range: expected one in [1, 100000]");
    ERR(SW(SAMP1 "'design': {'type': 'sobol', 'points': 100001}, "),
        "$.design.points: integer out of range: expected one in [1, 100000]");
    ERR(SW(SAMP1 "'design': {'type': 'lhs', 'points': 10, 'trajectories': 3}, "),
        "$.design.trajectories: \"trajectories\" and \"levels\" are for a morris design");
    ERR(SW(SAMP1 "'design': {'type': 'sobol', 'points': 4, 'levels': 4}, "),
        "$.design.levels: \"trajectories\" and \"levels\" are for a morris design");

    /* Morris */
    ERR(SW(SAMP1 "'design': {'type': 'morris', 'points': 3}, "),
        "$.design.points: a morris design has trajectories x (parameters + 1) points: give "
        "\"trajectories\", not \"points\"");
    ERR(SW(SAMP1 "'design': {'type': 'morris'}, "),
        "$.design.trajectories: required key is missing");
    ERR(SW(SAMP1 "'design': {'type': 'morris', 'trajectories': 1}, "),
        "$.design.trajectories: integer out of range: expected one in [2, 100000]");
    ERR(SW(SAMP1 "'design': {'type': 'morris', 'trajectories': 3, 'levels': 5}, "),
        "$.design.levels: levels must be even (Morris's step is levels / (2 (levels - 1)))");
    ERR(SW(SAMP1 "'design': {'type': 'morris', 'trajectories': 3, 'levels': 0}, "),
        "$.design.levels: integer out of range: expected one in [2, 100]");
    ERR(SW(SAMP1 "'design': {'type': 'morris', 'trajectories': 3, 'levels': 102}, "),
        "$.design.levels: integer out of range: expected one in [2, 100]");
    /* saltelli: base samples, each at parameters + 2 points, two Sobol dimensions a parameter */
    ERR(SW(SAMP1 "'design': {'type': 'saltelli'}, "), "$.design.points: required key is missing");
    ERR(SW(SAMP1 "'design': {'type': 'saltelli', 'points': 1}, "),
        "$.design.points: integer out of range: expected one in [2, 100000]");
    ERR(SW(SAMP1 "'design': {'type': 'saltelli', 'points': 33334}, "),
        "$.design.points: 100002 points (points x (parameters + 2)); at most 100000");
    {
        buf b = {0};
        bput(&b, "{'name': 's', 'base': 'b.json', 'design': {'type': 'saltelli', 'points': 4}, "
                 "'parameters': [");
        for (int i = 0; i < 21; i++)
            bput(&b, "%s{'path': 'p%d', 'min': 0, 'max': 1}", i ? ", " : "", i);
        bput(&b, "], 'outcomes': [{'metric': 'take_usd'}]}");
        ERR(b.s, "$.parameters: a saltelli design takes at most 20 parameters (GSL's Sobol "
                 "sequence has 40 dimensions, two per parameter)");
        free(b.s);
    }
    ERR(SW(SAMP1 "'design': {'type': 'morris', 'trajectories': 50001}, "),
        "$.design.trajectories: 100002 points (trajectories x (parameters + 1)); at most "
        "100000");
    ERR(SW("'parameters': [{'path': 'a', 'min': 1, 'max': 2}, {'path': 'b', 'min': 1,"
           " 'max': 2}], 'design': {'type': 'morris', 'trajectories': 33334}, "),
        "$.design.trajectories: 100002 points (trajectories x (parameters + 1)); at most "
        "100000");
    sw = must_parse(SW(SAMP1 "'design': {'type': 'morris', 'trajectories': 50000,"
                       " 'levels': 2}, "));
    ck_assert_uint_eq(sw->npoints, AK_SW_MAX_POINTS);
    ck_assert_uint_eq(sw->levels, 2);
    ak_sweep_free(sw);
}
END_TEST

START_TEST(variant_errors)
{
    ak_sweep *sw = must_parse(SW(GRID1 "'variants': [{'name': 'x', 'set': {'b': 1}},"
                                 " {'name': 'y', 'set': {'b': 2}}], "));
    ck_assert_uint_eq(sw->nruns, 4);
    ak_sweep_free(sw);

    ERR(SW(GRID1 "'variants': [{'name': 'x', 'set': {'b': 1}}], "),
        "$.variants: expected 2 to 32 variants (the first is the reference the others are "
        "compared with)");
    ERR(SW(GRID1 "'variants': [], "),
        "$.variants: expected 2 to 32 variants (the first is the reference the others are "
        "compared with)");
    buf b = {0};
    bput(&b, "{" HEAD ", 'variants': [");
    for (int i = 0; i <= AK_SW_MAX_VARIANTS; i++)
        bput(&b, "%s{'name': 'v%d', 'set': {}}", i ? ", " : "", i);
    bput(&b, "], " OUT "}");
    ERR(b.s, "$.variants: expected 2 to 32 variants (the first is the reference the others are "
             "compared with)");
    free(b.s);

    ERR(SW(GRID1 "'variants': [{'name': 'x', 'set': {}}, {'name': 'x', 'set': {}}], "),
        "$.variants[1]: two variants are named \"x\"");
    ERR(SW(GRID1 "'variants': [{'name': 'x', 'set': {}}, {'name': '', 'set': {}}], "),
        "$.variants[1].name: empty name");
    ERR(SW(GRID1 "'variants': [{'name': 'x', 'set': {}}, {'set': {}}], "),
        "$.variants[1].name: required key is missing");
    ERR(SW(GRID1 "'variants': [{'name': 'x', 'set': {}}, {'name': 'y'}], "),
        "$.variants[1].set: required key is missing");
    ERR(SW(GRID1 "'variants': [{'name': 'x', 'set': {}}, {'name': 'y', 'sets': {}}], "),
        "$.variants[1].sets: unknown key (did you mean \"set\"?)");
    ERR(SW(GRID1 "'variants': [{'name': 'x', 'set': {}}, {'name': 'y', 'set': {},"
           " 'colour': 1}], "),
        "$.variants[1].colour: unknown key (allowed: name, description, set)");
    ERR(SW(GRID1 "'variants': [{'name': 'x', 'set': {}}, {'name': 'y', 'set': {'': 1}}], "),
        "$.variants[1].set[\"\"]: empty path");
    ERR(SW(GRID1 "'variants': [{'name': 'x', 'set': {}}, {'name': 'y', 'set': []}], "),
        "$.variants[1].set: expected an object, found a list");
    ERR(SW(GRID1 "'variants': [{'name': 'x', 'set': {}}, {'name': 'y', 'description': 3,"
           " 'set': {}}], "),
        "$.variants[1].description: expected a string, found a number");
    ERR(SW(GRID1 "'variants': [{'name': 'x', 'set': {'b': 1, 'b': 2}}, {'name': 'y',"
           " 'set': {}}], "),
        "$.variants[0].set: the path b is set twice");
    ERR(SW(GRID1 "'variants': [{'name': 'x', 'set': {}}, {'name': 'y', 'set': {'c': 0,"
           " 'a': 1}}], "),
        "$.variants[1].set: a is swept; a variant cannot set it");

    /* a variant may set a path the fixed sets set: its value comes later */
    sw = must_parse(SW("'set': {'b': 0}, " GRID1 "'variants': [{'name': 'x', 'set': {}},"
                       " {'name': 'y', 'set': {'b': 2}}], "));
    SETS(sw, 1, 1, "b=0", "b=2", "a=2");
    ak_sweep_free(sw);
}
END_TEST

START_TEST(outcome_errors)
{
    ERR("{" HEAD ", 'outcomes': []}", "$.outcomes: expected 1 to 64 outcomes");
    buf b = {0};
    bput(&b, "{" HEAD ", 'outcomes': [");
    for (int i = 0; i <= AK_SW_MAX_OUTCOMES; i++)
        bput(&b, "%s{'name': 'o%d', 'metric': 'leases_created'}", i ? ", " : "", i);
    bput(&b, "]}");
    ERR(b.s, "$.outcomes: expected 1 to 64 outcomes");
    free(b.s);

    ERR("{" HEAD ", 'outcomes': [{'name': 'x'}]}", "$.outcomes[0].metric: required key is missing");
    ERR("{" HEAD ", 'outcomes': [{'metric': 3}]}",
        "$.outcomes[0].metric: expected a string, found a number");
    ERR("{" HEAD ", 'outcomes': [{'metric': 'leases'}]}",
        "$.outcomes[0].metric: \"leases\" is not a column of metrics (docs/results.md lists "
        "them)");
    ERR("{" HEAD ", 'outcomes': [{'metric': 'leases_created', 'aggregate': 'avg'}]}",
        "$.outcomes[0].aggregate: unknown aggregate \"avg\" (known: sum, mean, last, min, max)");
    ERR("{" HEAD ", 'outcomes': [{'metric': 'leases_created', 'aggregate': 'men'}]}",
        "$.outcomes[0].aggregate: unknown aggregate \"men\" (did you mean \"mean\"?)");
    ERR("{" HEAD ", 'outcomes': [{'metric': 'leases_created', 'fromday': 1}]}",
        "$.outcomes[0].fromday: unknown key (did you mean \"from_day\"?)");
    ERR("{" HEAD ", 'outcomes': [{'metric': 'leases_created', 'from_day': -1}]}",
        "$.outcomes[0].from_day: from_day must be at least 0 and at most 36500");
    ERR("{" HEAD ", 'outcomes': [{'metric': 'leases_created', 'from_day': 36501}]}",
        "$.outcomes[0].from_day: from_day must be at least 0 and at most 36500");
    ERR("{" HEAD ", 'outcomes': [{'metric': 'leases_created', 'name': ''}]}",
        "$.outcomes[0].name: empty name");
    ERR("{" HEAD ", 'outcomes': [{'metric': 'leases_created', 'name': 2}]}",
        "$.outcomes[0].name: expected a string, found a number");

    /* duplicate names: two defaults, an explicit name and a default, two explicit */
    ERR("{" HEAD ", 'outcomes': [{'metric': 'leases_created'},"
        " {'metric': 'leases_created', 'aggregate': 'sum'}]}",
        "$.outcomes[1]: two outcomes are named \"leases_created_sum\"");
    ERR("{" HEAD ", 'outcomes': [{'metric': 'cpu_util', 'name': 'cpu_util_mean'},"
        " {'metric': 'cpu_util', 'aggregate': 'mean'}]}",
        "$.outcomes[1]: two outcomes are named \"cpu_util_mean\"");
    ERR("{" HEAD ", 'outcomes': [{'metric': 'cpu_util', 'aggregate': 'max'},"
        " {'metric': 'gpu_util', 'name': 'cpu_util_max'}]}",
        "$.outcomes[1]: two outcomes are named \"cpu_util_max\"");
    ERR("{" HEAD ", 'outcomes': [{'metric': 'cpu_util', 'name': 'u'},"
        " {'metric': 'gpu_util', 'name': 'u'}]}",
        "$.outcomes[1]: two outcomes are named \"u\"");

    /* every aggregate's default name */
    ak_sweep *sw = must_parse("{" HEAD ", 'outcomes': [{'metric': 'cpu_util',"
                              " 'aggregate': 'sum'}, {'metric': 'cpu_util', 'aggregate': 'mean'},"
                              " {'metric': 'cpu_util', 'aggregate': 'last'},"
                              " {'metric': 'cpu_util', 'aggregate': 'min'},"
                              " {'metric': 'cpu_util', 'aggregate': 'max', 'from_day': 36500}]}");
    ck_assert_uint_eq(sw->noutcomes, 5);
    static const char *const names[] = {"cpu_util_sum", "cpu_util_mean", "cpu_util_last",
                                        "cpu_util_min", "cpu_util_max"};
    for (uint32_t i = 0; i < 5; i++) {
        ck_assert_str_eq(sw->outcomes[i].name, names[i]);
        ck_assert_int_eq(sw->outcomes[i].agg, (int)i);
    }
    ck_assert(sw->outcomes[4].from_day == 36500);
    ak_sweep_free(sw);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("sweep");
    TCase *tc = tcase_create("sweep");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, reads_a_sweep);
    tcase_add_test(tc, grid_points_in_nested_loop_order);
    tcase_add_test(tc, grid_ranges);
    tcase_add_test(tc, runs_are_point_major);
    tcase_add_test(tc, seeds_without_common_random_numbers);
    tcase_add_test(tc, sampled_designs_stay_in_their_boxes);
    tcase_add_test(tc, sampled_integers_share_equally);
    tcase_add_test(tc, sobol_known_points);
    tcase_add_test(tc, log_scale_spreads_decades);
    tcase_add_test(tc, morris_moves_one_parameter_at_a_time);
    tcase_add_test(tc, command_quotes_for_the_shell);
    tcase_add_test(tc, load_errors);
    tcase_add_test(tc, scenario_of_a_run);
    tcase_add_test(tc, file_and_top_level_errors);
    tcase_add_test(tc, set_errors);
    tcase_add_test(tc, parameter_errors);
    tcase_add_test(tc, design_errors);
    tcase_add_test(tc, variant_errors);
    tcase_add_test(tc, outcome_errors);
    suite_add_tcase(s, tc);
    return check_run(s);
}
