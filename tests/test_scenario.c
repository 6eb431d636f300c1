/*
 * tests/test_scenario.c: the scenario loader (sim/scenario.h): a small valid scenario loads
 * with the defaults docs/scenarios.md promises; every error the loader produces is provoked
 * once and its whole one-line message compared (file, JSON path, reason); the file-level
 * errors of jread; --set overrides (numbers, created keys, array elements, the string fallback
 * and every malformed override); the seed override; ak_scenario_json; NULL-safety.
 *
 * Broken variants are derived from one small scenario (BASE) by --set overrides, by deleting a
 * key from its tree (without()) or by one textual edit (edited()).
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "fixture.h"
#include "scenario.h"

#define FILE_NAME "t.json"

/* 2 validators, a CPU fleet of 3 providers and a GPU fleet of 1, 10 tenants, 2 workloads,
 * one day; everything optional left out. */
static const char BASE[] =
    "{\"name\": \"small\", \"duration_days\": 1, \"akt_usd\": 0.5,\n"
    " \"genesis\": {\"validators\": {\"count\": 2, \"stake_akt\": 1000000},\n"
    "  \"providers\": [\n"
    "   {\"name\": \"cpu\", \"count\": 3, \"cpu_cores\": 64, \"memory_gib\": 256,"
    " \"storage_gib\": 2000},\n"
    "   {\"name\": \"gpu\", \"count\": 1, \"cpu_cores\": 128, \"memory_gib\": 1024,"
    " \"storage_gib\": 8000, \"gpus\": 8, \"gpu_model\": \"h100\"}]},\n"
    " \"agents\": {\"tenants\": {\"count\": 10, \"balance_akt\": 1000, \"arrivals_per_day\": 20,\n"
    "  \"workloads\": [\n"
    "   {\"kind\": \"web\", \"cpu_millis\": 1000, \"memory_mib\": 1024, \"storage_mib\": 1024,\n"
    "    \"lifetime_days\": {\"dist\": \"exponential\", \"mean\": 2},"
    " \"budget_usd\": {\"cpu\": 4}},\n"
    "   {\"kind\": \"train\", \"gpus\": 1, \"gpu_model\": \"h100\", \"cpu_millis\": 8000,"
    " \"memory_mib\": 65536,\n"
    "    \"storage_mib\": 102400, \"lifetime_days\": 1, \"budget_usd\": {\"gpu\": 1500}}]}}}\n";

#define SETS(...) ((const char *const[]){__VA_ARGS__})
#define NSETS(...) ((uint32_t)(sizeof SETS(__VA_ARGS__) / sizeof(const char *)))

static int load_text(const char *text, size_t len, const char *const *sets, uint32_t nsets,
                     int64_t seed, ak_scenario **out, char *why, size_t cap)
{
    why[0] = '\0';
    *out = (ak_scenario *)&why; /* must be reset to NULL on failure */
    return ak_scenario_load_text(FILE_NAME, text, len, sets, nsets, seed, out, why, cap);
}

/* Load text with sets; it must be valid. */
static ak_scenario *must_load_text(const char *text, const char *const *sets, uint32_t nsets,
                                   int64_t seed)
{
    ak_scenario *s;
    char why[1200];
    int rc = load_text(text, strlen(text), sets, nsets, seed, &s, why, sizeof why);
    ck_assert_msg(rc == 0, "refused: %s", why);
    ck_assert_ptr_nonnull(s);
    return s;
}

static ak_scenario *must_load(const char *const *sets, uint32_t nsets)
{
    return must_load_text(BASE, sets, nsets, -1);
}

/* BASE with the --set overrides; it must be valid. */
#define MUST_LOAD(...) must_load(SETS(__VA_ARGS__), NSETS(__VA_ARGS__))

/* Loading text (len bytes) with sets must fail with AK_EINVAL, *out NULL and exactly want. */
static void check_err_len(int line, const char *text, size_t len, const char *const *sets,
                          uint32_t nsets, const char *want)
{
    ak_scenario *s;
    char why[1200];
    int rc = load_text(text, len, sets, nsets, -1, &s, why, sizeof why);
    ck_assert_msg(rc == AK_EINVAL, "line %d: rc %d, expected AK_EINVAL (why: %s)", line, rc, why);
    ck_assert_msg(s == NULL, "line %d: *out not NULL on failure", line);
    ck_assert_msg(strcmp(why, want) == 0, "line %d:\n  got:      %s\n  expected: %s", line, why,
                  want);
}

static void check_err(int line, const char *text, const char *const *sets, uint32_t nsets,
                      const char *want)
{
    check_err_len(line, text, strlen(text), sets, nsets, want);
}

/* BASE with the --set overrides must fail with exactly "t.json: " WANT. */
#define ERR_SET(want, ...) \
    check_err(__LINE__, BASE, SETS(__VA_ARGS__), NSETS(__VA_ARGS__), FILE_NAME ": " want)
/* text (no overrides) must fail with exactly "t.json: " WANT. */
#define ERR_TEXT(text, want) check_err(__LINE__, text, NULL, 0, FILE_NAME ": " want)

/* ---- deriving variants of BASE ---- */

/* Walk a path of keys and [i] steps ("genesis.providers[0].cpu_cores") to the parent of its
 * last step; *last receives the last key (NULL when the last step is an index, in *index). */
static cJSON *walk_parent(cJSON *root, const char *path, char *last, size_t cap, int *index)
{
    cJSON *node = root;
    const char *p = path;
    for (;;) {
        size_t n = strcspn(p, ".[");
        char key[128];
        ck_assert_uint_lt(n, sizeof key);
        memcpy(key, p, n);
        key[n] = '\0';
        p += n;
        if (*p == '\0') {
            snprintf(last, cap, "%s", key);
            *index = -1;
            return node;
        }
        if (n)
            node = cJSON_GetObjectItemCaseSensitive(node, key);
        ck_assert_msg(node != NULL, "%s: no %s", path, key);
        while (*p == '[') {
            char *end;
            long i = strtol(p + 1, &end, 10);
            p = end + 1;
            if (*p == '\0') {
                last[0] = '\0';
                *index = (int)i;
                return node;
            }
            node = cJSON_GetArrayItem(node, (int)i);
            ck_assert_msg(node != NULL, "%s: no [%ld]", path, i);
        }
        if (*p == '.')
            p++;
    }
}

/* BASE without the key or element at path, as a malloc'd text. */
static char *without(const char *path)
{
    cJSON *root = cJSON_Parse(BASE);
    ck_assert_ptr_nonnull(root);
    char last[128];
    int index;
    cJSON *parent = walk_parent(root, path, last, sizeof last, &index);
    if (index >= 0) {
        ck_assert_ptr_nonnull(cJSON_GetArrayItem(parent, index));
        cJSON_DeleteItemFromArray(parent, index);
    } else {
        ck_assert_msg(cJSON_GetObjectItemCaseSensitive(parent, last) != NULL, "no %s", path);
        cJSON_DeleteItemFromObjectCaseSensitive(parent, last);
    }
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    ck_assert_ptr_nonnull(text);
    return text;
}

/* BASE with its only occurrence of from replaced by to, as a malloc'd text. */
static char *edited(const char *from, const char *to)
{
    const char *at = strstr(BASE, from);
    ck_assert_msg(at != NULL, "BASE has no %s", from);
    ck_assert_msg(strstr(at + 1, from) == NULL, "BASE has %s twice", from);
    size_t lf = strlen(from), lt = strlen(to), lb = strlen(BASE);
    char *out = malloc(lb - lf + lt + 1);
    ck_assert_ptr_nonnull(out);
    size_t pre = (size_t)(at - BASE);
    memcpy(out, BASE, pre);
    memcpy(out + pre, to, lt);
    memcpy(out + pre + lt, at + lf, lb - pre - lf + 1);
    return out;
}

#define ERR_WITHOUT(path, want)                      \
    do {                                             \
        char *t_ = without(path);                    \
        ERR_TEXT(t_, want);                          \
        free(t_);                                    \
    } while (0)

#define ERR_EDITED(from, to, want)                   \
    do {                                             \
        char *t_ = edited(from, to);                 \
        ERR_TEXT(t_, want);                          \
        free(t_);                                    \
    } while (0)

static void assert_dec(ak_dec d, const char *want)
{
    ak_dec w;
    ck_assert_int_eq(ak_dec_parse(want, strlen(want), &w), 0);
    ck_assert_msg(ak_dec_cmp(d, w) == 0, "decimal is not %s", want);
}

static void assert_constant(const ak_dist *d, double v)
{
    ck_assert_str_eq(d->type->name, "constant");
    ck_assert_double_eq(ak_dist_mean(d), v);
}

/* ---- the valid scenario and its defaults ---- */

START_TEST(small_scenario_loads_with_defaults)
{
    ak_scenario *s = must_load(NULL, 0);
    ck_assert_str_eq(s->file, FILE_NAME);
    ck_assert_str_eq(s->name, "small");
    ck_assert_str_eq(s->description, "");
    ck_assert_int_eq(s->rules, AK_RULES_V1);
    ck_assert_double_eq(s->duration_days, 1);
    ck_assert_int_eq(s->duration_us, 86400000000LL);
    ck_assert_uint_eq(s->seed, 1);
    ck_assert_int_eq(s->sample_us, 24LL * 3600 * 1000000);
    ck_assert_double_eq(s->akt_usd, 0.5);

    /* consensus: CometBFT's defaults with Akash's timeout_commit, in microseconds */
    ck_assert_int_eq(s->timeouts.propose, 3000000);
    ck_assert_int_eq(s->timeouts.propose_delta, 500000);
    ck_assert_int_eq(s->timeouts.prevote, 1000000);
    ck_assert_int_eq(s->timeouts.prevote_delta, 500000);
    ck_assert_int_eq(s->timeouts.precommit, 1000000);
    ck_assert_int_eq(s->timeouts.precommit_delta, 500000);
    ck_assert_int_eq(s->timeouts.commit, 5000000);
    ck_assert_int_eq(s->timeouts.gossip, 1000000);
    ck_assert_int_eq(s->max_rounds, 100);

    /* genesis */
    ck_assert_int_eq(s->genesis_time, 1767225600); /* 2026-01-01T00:00:00Z */
    ck_assert_ptr_null(s->params);
    ck_assert(!s->has_inflation);
    ck_assert_int_eq(s->holders_uakt, 0);
    ck_assert_uint_eq(s->nvalidators, 2);
    assert_constant(&s->validator_stake_akt, 1000000);
    assert_dec(s->commission, "0.05");
    assert_dec(s->max_commission, "0.2");
    assert_dec(s->max_change, "0.01");
    ck_assert_uint_eq(s->nfleets, 2);
    ck_assert_uint_eq(s->nproviders, 4);
    const ak_sc_fleet *cpu = &s->fleets[0], *gpu = &s->fleets[1];
    ck_assert_str_eq(cpu->name, "cpu");
    ck_assert_uint_eq(cpu->count, 3);
    assert_constant(&cpu->cpu_cores, 64);
    assert_constant(&cpu->memory_gib, 256);
    assert_constant(&cpu->storage_gib, 2000);
    assert_constant(&cpu->gpus, 0);
    ck_assert_str_eq(cpu->gpu_model, "");
    ck_assert_uint_eq(cpu->nregions, 1);
    ck_assert_str_eq(cpu->regions[0], "global");
    ck_assert_int_eq(cpu->balance_uakt, 1000000000); /* 1000 AKT */
    ck_assert_double_eq(cpu->prices.cpu, 1.60);
    ck_assert_double_eq(cpu->prices.memory, 0.80);
    ck_assert_double_eq(cpu->prices.storage, 0.02);
    ck_assert_double_eq(cpu->prices.gpu, 100);
    ck_assert_double_eq(cpu->prices.endpoint, 0.05);
    ck_assert_str_eq(gpu->name, "gpu");
    ck_assert_str_eq(gpu->gpu_model, "h100");
    assert_constant(&gpu->gpus, 8);
    ck_assert_str_eq(gpu->regions[0], "global");

    /* agents */
    ck_assert_uint_eq(s->ntenants, 10);
    assert_constant(&s->tenant_balance_akt, 1000);
    ck_assert_double_eq(s->arrivals_per_day, 20);
    ck_assert_int_eq(s->bid_window_us, 60000000);
    ck_assert_double_eq(s->deposit_days, 30);
    ck_assert(s->top_up);
    ck_assert_double_eq(s->top_up_below_days, 3);
    ck_assert_double_eq(s->top_up_days, 30);
    ck_assert_uint_eq(s->nworkloads, 2);
    const ak_sc_workload *web = &s->workloads[0], *train = &s->workloads[1];
    ck_assert_str_eq(web->kind, "web");
    ck_assert_double_eq(web->weight, 1);
    assert_constant(&web->units, 1);
    assert_constant(&web->cpu_millis, 1000);
    assert_constant(&web->gpus, 0);
    ck_assert_str_eq(web->gpu_model, "");
    ck_assert_str_eq(web->lifetime_days.type->name, "exponential");
    ck_assert_double_eq(ak_dist_mean(&web->lifetime_days), 2);
    ck_assert_double_eq(web->budget.cpu, 4);
    ck_assert_double_eq(web->budget.memory, 0.80); /* unset keys: the price script's */
    assert_constant(&web->budget_factor, 1);
    ck_assert_str_eq(train->kind, "train");
    ck_assert_str_eq(train->gpu_model, "h100");
    assert_constant(&train->gpus, 1);
    ck_assert_double_eq(train->budget.gpu, 1500);

    ck_assert_int_eq(s->bid_timeout_us, 300000000);
    ck_assert_int_eq(s->withdrawal_period_us, 24LL * 3600 * 1000000);
    ck_assert_int_eq(s->monitor_interval_us, 600000000);
    ck_assert_int_eq(s->reaction_us, 1000000);
    ck_assert_uint_eq(s->max_bids_per_order, 20); /* order_max_bids */
    ck_assert(s->validators_online);
    ak_scenario_free(s);
}
END_TEST

START_TEST(optional_keys_are_read)
{
    ak_scenario *s = MUST_LOAD(
        "description=a small network", "seed=7", "sample_interval_hours=6",
        "consensus={\"timeout_commit_ms\": 2000, \"gossip_ms\": 0, \"max_rounds\": 5}",
        "genesis.time=\"2027-06-01T12:00:00Z\"", "genesis.inflation=\"0.07\"",
        "genesis.holders_akt=1.5", "genesis.validators.commission=0.1",
        "genesis.providers[0].regions=[\"us-west\", \"eu-central\"]",
        "genesis.providers[0].balance_akt=5",
        "genesis.providers[0].prices_usd={\"cpu\": 2, \"endpoint\": 0}",
        "genesis.params={\"market\": {\"order_max_bids\": 8}}", "agents.tenants.bid_window_s=30",
        "agents.tenants.deposit_days=10", "agents.tenants.top_up={\"below_days\": 1}",
        "agents.tenants.workloads[1].weight=3",
        "agents.providers={\"bid_timeout_s\": 100, \"withdrawal_period_hours\": 1, "
        "\"funds_monitor_minutes\": 1, \"reaction_s\": 0}",
        "agents.validators={\"online\": false}");
    ck_assert_str_eq(s->description, "a small network");
    ck_assert_uint_eq(s->seed, 7);
    ck_assert_int_eq(s->sample_us, 6LL * 3600 * 1000000);
    ck_assert_int_eq(s->timeouts.commit, 2000000);
    ck_assert_int_eq(s->timeouts.gossip, 0);
    ck_assert_int_eq(s->timeouts.propose, 3000000);
    ck_assert_int_eq(s->max_rounds, 5);
    ck_assert_int_eq(s->genesis_time, 1811851200); /* 2027-06-01T12:00:00Z */
    ck_assert(s->has_inflation);
    assert_dec(s->inflation, "0.07");
    ck_assert_int_eq(s->holders_uakt, 1500000);
    assert_dec(s->commission, "0.1");
    ck_assert_uint_eq(s->fleets[0].nregions, 2);
    ck_assert_str_eq(s->fleets[0].regions[1], "eu-central");
    ck_assert_int_eq(s->fleets[0].balance_uakt, 5000000);
    ck_assert_double_eq(s->fleets[0].prices.cpu, 2);
    ck_assert_double_eq(s->fleets[0].prices.endpoint, 0);
    ck_assert_double_eq(s->fleets[0].prices.memory, 0.80);
    ck_assert_ptr_nonnull(s->params);
    ck_assert_uint_eq(s->max_bids_per_order, 8); /* the overridden order_max_bids */
    ck_assert_int_eq(s->bid_window_us, 30000000);
    ck_assert_double_eq(s->deposit_days, 10);
    ck_assert(s->top_up);
    ck_assert_double_eq(s->top_up_below_days, 1);
    ck_assert_double_eq(s->top_up_days, 10); /* deposit_days */
    ck_assert_double_eq(s->workloads[1].weight, 3);
    ck_assert_int_eq(s->bid_timeout_us, 100000000);
    ck_assert_int_eq(s->withdrawal_period_us, 3600000000LL);
    ck_assert_int_eq(s->monitor_interval_us, 60000000);
    ck_assert_int_eq(s->reaction_us, 0);
    ck_assert(!s->validators_online);
    ak_scenario_free(s);

    s = MUST_LOAD("agents.tenants.top_up=false", "agents.providers.max_bids_per_order=20");
    ck_assert(!s->top_up);
    ck_assert_uint_eq(s->max_bids_per_order, 20);
    ak_scenario_free(s);
    s = MUST_LOAD("agents.tenants.top_up=true", "agents.tenants.deposit_days=5");
    ck_assert(s->top_up);
    ck_assert_double_eq(s->top_up_below_days, 3);
    ck_assert_double_eq(s->top_up_days, 5);
    ak_scenario_free(s);
    s = MUST_LOAD("agents.tenants.top_up={\"days\": 2}");
    ck_assert_double_eq(s->top_up_days, 2);
    ak_scenario_free(s);

    /* edges of ranges that are allowed */
    s = MUST_LOAD("duration_days=36500", "genesis.validators.count=1000",
                  "sample_interval_hours=0.0002778", "name=abcdefghijklmnopqrstuvwxyz012345",
                  "genesis.providers[0].count=0", "genesis.validators.commission=0.2",
                  "genesis.inflation=1", "genesis.validators.max_commission=1",
                  "seed=\"18446744073709551615\"");
    ck_assert_double_eq(s->duration_days, 36500);
    ck_assert_uint_eq(s->nvalidators, 1000);
    ck_assert_uint_eq(s->nproviders, 1);
    ck_assert_uint_eq(s->seed, UINT64_MAX);
    ak_scenario_free(s);
}
END_TEST

START_TEST(baseline_file_loads)
{
    ak_scenario *s;
    char why[1200];
    int rc = ak_scenario_load("scenarios/baseline.json", NULL, 0, -1, &s, why, sizeof why);
    ck_assert_msg(rc == 0, "%s", why);
    ck_assert_str_eq(s->name, "baseline");
    ck_assert_str_eq(s->file, "scenarios/baseline.json");
    ck_assert_double_eq(s->duration_days, 365);
    ck_assert_uint_eq(s->nvalidators, 100);
    ck_assert_uint_eq(s->nfleets, 5);
    ck_assert_uint_eq(s->nproviders, 60);
    ck_assert_uint_eq(s->ntenants, 5000);
    ck_assert_uint_eq(s->nworkloads, 5);
    ck_assert_double_eq(s->deposit_days, 7);
    ck_assert_double_eq(s->top_up_below_days, 2);
    ak_scenario_free(s);

    rc = ak_scenario_load("tests/no-such-scenario.json", NULL, 0, -1, &s, why, sizeof why);
    ck_assert_int_eq(rc, AK_EINVAL);
    ck_assert_ptr_null(s);
    ck_assert_str_eq(why, "tests/no-such-scenario.json: cannot open: No such file or directory");
}
END_TEST

/* ---- errors, each with its whole message ---- */

START_TEST(unknown_and_duplicate_keys)
{
    ERR_SET("$.agents.tenants.arrivals_per_dya: unknown key (did you mean \"arrivals_per_day\"?)",
            "agents.tenants.arrivals_per_dya=3");
    ERR_SET("$.agents.tenants.zzz: unknown key (allowed: count, balance_akt, arrivals_per_day, "
            "bid_window_s, deposit_days, top_up, workloads, choice, on_provider_failure, demand, "
            "price_response, usdc_share)",
            "agents.tenants.zzz=3");
    ERR_SET("$.extra: unknown key (allowed: name, description, rules, duration_days, seed, "
            "sample_interval_hours, akt_usd, consensus, genesis, agents)",
            "extra.deep.key=1");
    ERR_SET("$.duration_dyas: unknown key (did you mean \"duration_days\"?)", "duration_dyas=1");
    ERR_SET("$.consensus.timeout_comit_ms: unknown key (did you mean \"timeout_commit_ms\"?)",
            "consensus.timeout_comit_ms=1");
    ERR_SET("$.genesis.validators.comission: unknown key (did you mean \"commission\"?)",
            "genesis.validators.comission=0.1");
    ERR_SET("$.genesis.providers[0].region: unknown key (did you mean \"regions\"?)",
            "genesis.providers[0].region=[\"eu\"]");
    ERR_SET("$.genesis.providers[0].prices_usd.cpus: unknown key (did you mean \"cpu\"?)",
            "genesis.providers[0].prices_usd={\"cpus\": 1}");
    ERR_SET("$.agents.tenants.workloads[1].lifetime_day: unknown key (did you mean "
            "\"lifetime_days\"?)",
            "agents.tenants.workloads[1].lifetime_day=1");
    ERR_SET("$.agents.tenants.workloads[1].lifetime: unknown key (allowed: kind, weight, units, "
            "cpu_millis, memory_mib, storage_mib, gpus, gpu_model, lifetime_days, budget_usd, "
            "budget_factor, requires, signed_by)",
            "agents.tenants.workloads[1].lifetime=1");
    ERR_SET("$.agents.providers.reaction_sec: unknown key (did you mean \"reaction_s\"?)",
            "agents.providers.reaction_sec=2");
    ERR_SET("$.agents.validators.up: unknown key (allowed: online, time_to_failure_days, "
            "time_to_repair_hours, outages, double_sign_per_year, unjail, commission)",
            "agents.validators.up=true");
    ERR_SET("$.agents.validators.offline: unknown key (did you mean \"online\"?)",
            "agents.validators.offline=true");
    ERR_SET("$.agents.tenants.top_up.below: unknown key (allowed: below_days, days)",
            "agents.tenants.top_up={\"below\": 1}");
    ERR_EDITED("\"name\": \"small\",", "\"name\": \"small\", \"name\": \"small\",",
               "$.name: duplicate key");
    ERR_EDITED("\"count\": 10,", "\"count\": 10, \"count\": 10,",
               "$.agents.tenants.count: duplicate key");
}
END_TEST

START_TEST(wrong_types)
{
    ERR_SET("$.duration_days: expected a number", "duration_days=\"x\"");
    ERR_SET("$.akt_usd: expected a price in USD or a process like {\"process\": \"gbm\", "
            "\"start\": 1.14, \"volatility\": 0.8}, found a list",
            "akt_usd=[1]");
    ERR_SET("$.genesis: expected an object, found a number", "genesis=5");
    ERR_SET("$.agents: expected an object, found a string", "agents=none");
    ERR_SET("$.consensus: expected an object, found a list", "consensus=[]");
    ERR_SET("$.agents.providers: expected an object, found null", "agents.providers=null");
    ERR_SET("$.agents.tenants.top_up: expected an object, found a number",
            "agents.tenants.top_up=5");
    ERR_SET("$.name: expected a string, found a number", "name=5");
    ERR_SET("$.description: expected a string, found an object", "description={}");
    ERR_SET("$.rules: expected a string, found a number", "rules=1");
    ERR_SET("$.genesis.providers: expected a list, found an object", "genesis.providers={}");
    ERR_SET("$.agents.tenants.workloads: expected a list, found a number",
            "agents.tenants.workloads=1");
    ERR_SET("$.genesis.providers[0].regions: expected a list, found a string",
            "genesis.providers[0].regions=eu");
    ERR_SET("$.genesis.providers[0].regions[0]: expected a string, found a number",
            "genesis.providers[0].regions=[1]");
    ERR_SET("$.genesis.providers[1].gpu_model: expected a string, found a boolean",
            "genesis.providers[1].gpu_model=true");
    ERR_SET("$.genesis.validators.count: expected an integer in [1, 1000], found \"x\"",
            "genesis.validators.count=\"x\"");
    ERR_SET("$.genesis.validators.count: expected an integer, found 1.5",
            "genesis.validators.count=1.5");
    ERR_SET("$.seed: expected an integer in [0, 18446744073709551615], found a boolean",
            "seed=false");
    ERR_SET("$.agents.validators.online: expected true or false, found a number",
            "agents.validators.online=1");
    ERR_SET("$.genesis.validators.stake_akt: expected a number or a distribution like "
            "{\"dist\": \"lognormal\", \"mu\": 0, \"sigma\": 1}, found a string",
            "genesis.validators.stake_akt=\"x\"");
}
END_TEST

START_TEST(out_of_range)
{
    ERR_SET("$.duration_days: 0 is out of range: expected more than 0 and at most 36500", "duration_days=0");
    ERR_SET("$.duration_days: 36501 is out of range: expected more than 0 and at most 36500", "duration_days=36501");
    ERR_SET("$.duration_days: -1 is out of range: expected more than 0 and at most 36500", "duration_days=-1");
    ERR_SET("$.akt_usd: expected a finite number, found inf", "akt_usd=1e400");
    ERR_SET("$.akt_usd: a price must be at least 0.000001 and at most 1000000 (USD per AKT)",
            "akt_usd=0");
    ERR_SET("$.genesis.validators.count: integer out of range: expected one in [1, 1000]",
            "genesis.validators.count=0");
    ERR_SET("$.genesis.validators.count: integer out of range: expected one in [1, 1000]",
            "genesis.validators.count=1001");
    ERR_SET("$.genesis.holders_akt: -1 is out of range [0, 1e+12]", "genesis.holders_akt=-1");
    ERR_SET("$.seed: integer out of range: expected one in [0, 18446744073709551615]",
            "seed=-1");
    ERR_SET("$.agents.tenants.count: integer out of range: expected one in [1, 10000000]",
            "agents.tenants.count=0");
    ERR_SET("$.genesis.providers[0].count: integer out of range: expected one in [0, 1000000]",
            "genesis.providers[0].count=1000001");
    ERR_SET("$.genesis.providers: 2000000 providers in all, entrants included; at most 1000000",
            "genesis.providers[0].count=1000000", "genesis.providers[1].count=1000000");
    ERR_SET("$.genesis.providers[0].balance_akt: 0 is out of range: expected more than 0 and at most 1e+09",
            "genesis.providers[0].balance_akt=0");
    ERR_SET("$.genesis.providers[0].prices_usd.gpu: -1 is out of range [0, 1e+09]",
            "genesis.providers[0].prices_usd={\"gpu\": -1}");
    ERR_SET("$.agents.tenants.arrivals_per_day: 0 is out of range: expected more than 0 and at most 1e+07",
            "agents.tenants.arrivals_per_day=0");
    ERR_SET("$.agents.tenants.bid_window_s: 86401 is out of range: expected more than 0 and at most 86400",
            "agents.tenants.bid_window_s=86401");
    ERR_SET("$.agents.tenants.deposit_days: 0 is out of range: expected more than 0 and at most 36500",
            "agents.tenants.deposit_days=0");
    ERR_SET("$.agents.tenants.top_up.below_days: 0 is out of range: expected more than 0 and at most 36500",
            "agents.tenants.top_up={\"below_days\": 0}");
    ERR_SET("$.agents.tenants.workloads[0].weight: 0 is out of range: expected more than 0 and at most 1e+09",
            "agents.tenants.workloads[0].weight=0");
    ERR_SET("$.agents.providers.reaction_s: -1 is out of range [0, 3600]",
            "agents.providers.reaction_s=-1");
    ERR_SET("$.agents.providers.bid_timeout_s: 0 is out of range: expected more than 0 and at most 86400",
            "agents.providers.bid_timeout_s=0");
    ERR_SET("$.agents.providers.max_bids_per_order: integer out of range: expected one in "
            "[1, 500]",
            "agents.providers.max_bids_per_order=0");
    ERR_SET("$.consensus.max_rounds: integer out of range: expected one in [1, 10000]",
            "consensus.max_rounds=0");
    ERR_SET("$.consensus.timeout_propose_ms: integer out of range: expected one in [0, 3600000]",
            "consensus.timeout_propose_ms=-1");
    ERR_SET("$.genesis.inflation: expected a decimal that is not negative",
            "genesis.inflation=-0.1");
    ERR_SET("$.genesis.time: expected an RFC 3339 UTC time like \"2026-01-01T00:00:00Z\" "
            "between 1970 and 9999, found \"2026-02-30T00:00:00Z\"",
            "genesis.time=\"2026-02-30T00:00:00Z\"");
}
END_TEST

START_TEST(missing_required_keys)
{
    ERR_WITHOUT("name", "$.name: required key is missing");
    ERR_WITHOUT("duration_days", "$.duration_days: required key is missing");
    ERR_WITHOUT("akt_usd", "$.akt_usd: required key is missing");
    ERR_WITHOUT("genesis", "$.genesis: required key is missing");
    ERR_WITHOUT("agents", "$.agents: required key is missing");
    ERR_WITHOUT("genesis.validators", "$.genesis.validators: required key is missing");
    ERR_WITHOUT("genesis.validators.count", "$.genesis.validators.count: required key is missing");
    ERR_WITHOUT("genesis.validators.stake_akt",
                "$.genesis.validators.stake_akt: required key is missing");
    ERR_WITHOUT("genesis.providers", "$.genesis.providers: required key is missing");
    ERR_WITHOUT("genesis.providers[0].name",
                "$.genesis.providers[0].name: required key is missing");
    ERR_WITHOUT("genesis.providers[0].count",
                "$.genesis.providers[0].count: required key is missing");
    ERR_WITHOUT("genesis.providers[0].cpu_cores",
                "$.genesis.providers[0].cpu_cores: required key is missing");
    ERR_WITHOUT("genesis.providers[1].memory_gib",
                "$.genesis.providers[1].memory_gib: required key is missing");
    ERR_WITHOUT("genesis.providers[1].storage_gib",
                "$.genesis.providers[1].storage_gib: required key is missing");
    ERR_WITHOUT("agents.tenants", "$.agents.tenants: required key is missing");
    ERR_WITHOUT("agents.tenants.count", "$.agents.tenants.count: required key is missing");
    ERR_WITHOUT("agents.tenants.balance_akt",
                "$.agents.tenants.balance_akt: required key is missing");
    ERR_WITHOUT("agents.tenants.arrivals_per_day",
                "$.agents.tenants.arrivals_per_day: required key is missing");
    ERR_WITHOUT("agents.tenants.workloads", "$.agents.tenants.workloads: required key is missing");
    ERR_WITHOUT("agents.tenants.workloads[0].kind",
                "$.agents.tenants.workloads[0].kind: required key is missing");
    ERR_WITHOUT("agents.tenants.workloads[0].cpu_millis",
                "$.agents.tenants.workloads[0].cpu_millis: required key is missing");
    ERR_WITHOUT("agents.tenants.workloads[0].memory_mib",
                "$.agents.tenants.workloads[0].memory_mib: required key is missing");
    ERR_WITHOUT("agents.tenants.workloads[0].storage_mib",
                "$.agents.tenants.workloads[0].storage_mib: required key is missing");
    ERR_WITHOUT("agents.tenants.workloads[1].lifetime_days",
                "$.agents.tenants.workloads[1].lifetime_days: required key is missing");
    ERR_WITHOUT("agents.tenants.workloads[1].budget_usd",
                "$.agents.tenants.workloads[1].budget_usd: required key is missing");
}
END_TEST

START_TEST(names_and_gpu_models)
{
    ERR_SET("$.name: expected a name of 1 to 32 characters: a-z first, then a-z, 0-9 or '-'",
            "name=Small");
    ERR_SET("$.name: expected a name of 1 to 32 characters: a-z first, then a-z, 0-9 or '-'",
            "name=abcdefghijklmnopqrstuvwxyz0123456"); /* 33 characters */
    ERR_SET("$.name: expected a name of 1 to 32 characters: a-z first, then a-z, 0-9 or '-'",
            "name=\"\"");
    ERR_SET("$.agents.tenants.workloads[0].kind: expected a name of 1 to 32 characters: a-z "
            "first, then a-z, 0-9 or '-'",
            "agents.tenants.workloads[0].kind=-web");
    ERR_SET("$.genesis.providers[0].name: expected a name of 1 to 32 characters: a-z first, "
            "then a-z, 0-9 or '-'",
            "genesis.providers[0].name=cpu_1");
    ERR_SET("$.genesis.providers[0].regions[1]: expected a name of 1 to 32 characters: a-z "
            "first, then a-z, 0-9 or '-'",
            "genesis.providers[0].regions=[\"eu\", \"US\"]");
    ERR_SET("$.genesis.providers[1].gpu_model: expected a GPU model of 1 to 31 characters a-z, "
            "0-9 (\"h100\")",
            "genesis.providers[1].gpu_model=H100");
    ERR_SET("$.agents.tenants.workloads[1].gpu_model: expected a GPU model of 1 to 31 "
            "characters a-z, 0-9 (\"h100\")",
            "agents.tenants.workloads[1].gpu_model=\"\"");
    ERR_SET("$.genesis.providers[0]: a fleet with GPUs needs both \"gpus\" and \"gpu_model\"",
            "genesis.providers[0].gpus=4");
    ERR_SET("$.genesis.providers[0]: a fleet with GPUs needs both \"gpus\" and \"gpu_model\"",
            "genesis.providers[0].gpu_model=h100");
    ERR_SET("$.agents.tenants.workloads[0]: a GPU workload needs both \"gpus\" and "
            "\"gpu_model\"",
            "agents.tenants.workloads[0].gpus=1");
    ERR_SET("$.agents.tenants.workloads[0]: a GPU workload needs both \"gpus\" and "
            "\"gpu_model\"",
            "agents.tenants.workloads[0].gpu_model=h100");
    ERR_SET("$.genesis.providers[1].name: fleet name \"cpu\" is used twice",
            "genesis.providers[1].name=cpu");
    ERR_SET("$.agents.tenants.workloads[1].kind: workload kind \"web\" is used twice",
            "agents.tenants.workloads[1].kind=web");
    ERR_SET("$.rules: unknown rules \"akash-v2\" (this akashsim runs \"akash-v1\")",
            "rules=akash-v2");
}
END_TEST

/* A description of 10001 characters is refused, 10000 accepted. */
START_TEST(long_description)
{
    char *set = malloc(20 + 10001 + 1);
    ck_assert_ptr_nonnull(set);
    strcpy(set, "description=");
    memset(set + 12, 'a', 10001);
    set[12 + 10001] = '\0';
    const char *sets[] = {set};
    check_err(__LINE__, BASE, sets, 1, "t.json: $.description: longer than 10000 characters");
    set[12 + 10000] = '\0';
    ak_scenario *s = must_load(sets, 1);
    ck_assert_uint_eq(strlen(s->description), 10000);
    ak_scenario_free(s);
    free(set);
}
END_TEST

START_TEST(arrays_and_cross_checks)
{
    ERR_SET("$.genesis.providers: expected 1 to 64 fleets", "genesis.providers=[]");
    ERR_SET("$.agents.tenants.workloads: expected 1 to 32 workloads",
            "agents.tenants.workloads=[]");
    ERR_SET("$.genesis.providers[0].regions: expected 1 to 16 regions",
            "genesis.providers[0].regions=[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\","
            "\"i\",\"j\",\"k\",\"l\",\"m\",\"n\",\"o\",\"p\",\"q\"]");
    ERR_SET("$.genesis.providers[0].regions: expected 1 to 16 regions",
            "genesis.providers[0].regions=[]");
    ERR_SET("$.sample_interval_hours: the sampling interval is longer than the run "
            "(duration_days)",
            "sample_interval_hours=48");
    ERR_SET("$.sample_interval_hours: must be at least one second",
            "sample_interval_hours=0.0002");
    ERR_SET("$.agents.tenants.workloads[1].gpu_model: no provider fleet has GPU model \"a100\"",
            "agents.tenants.workloads[1].gpu_model=a100");
    /* a fleet of 0 providers has no GPUs to offer */
    ERR_SET("$.agents.tenants.workloads[1].gpu_model: no provider fleet has GPU model \"h100\"",
            "genesis.providers[1].count=0");
    ERR_SET("$.agents.providers.max_bids_per_order: more than the market's order_max_bids (20)",
            "agents.providers.max_bids_per_order=21");
    ERR_SET("$.agents.providers.max_bids_per_order: more than the market's order_max_bids (5)",
            "agents.providers.max_bids_per_order=10",
            "genesis.params={\"market\": {\"order_max_bids\": 5}}");
    ERR_SET("$.agents.providers.withdrawal_period_hours: the withdrawal period must be at least "
            "the funds monitor interval",
            "agents.providers.withdrawal_period_hours=0.1");
    /* the longest monitor interval (24 h) against a withdrawal period of 24 h is allowed */
    ak_scenario *s = MUST_LOAD("agents.providers.funds_monitor_minutes=1440");
    ck_assert_int_eq(s->monitor_interval_us, s->withdrawal_period_us);
    ak_scenario_free(s);
    ERR_SET("$.agents.providers.funds_monitor_minutes: must be at least 1 minute (1m..24h)",
            "agents.providers.funds_monitor_minutes=0.5");
    ERR_SET("$.agents.providers.funds_monitor_minutes: 1441 is out of range: expected more than 0 and at most 1440",
            "agents.providers.funds_monitor_minutes=1441");
    ERR_SET("$.genesis.validators.commission: the commission is above max_commission",
            "genesis.validators.commission=0.3");
    ERR_SET("$.genesis.validators: the commission is above max_commission",
            "genesis.validators.max_commission=0.01");
    ERR_SET("$.genesis.validators.max_commission: max_commission is above 1",
            "genesis.validators.max_commission=1.5");
    ERR_SET("$.genesis.inflation: inflation above 1 (100 %)", "genesis.inflation=1.5");
    ERR_SET("$.consensus: timeout_commit_ms + gossip_ms must be positive (a block takes no time)",
            "consensus.timeout_commit_ms=0", "consensus.gossip_ms=0");
}
END_TEST

/* Provider reliability, outages, the tenants' choice policy and failure reaction. */
START_TEST(behaviour_keys)
{
    ak_scenario *s = MUST_LOAD("genesis.providers[0].reliability={\"time_to_failure_days\":"
                               "{\"dist\":\"weibull\",\"scale\":30,\"shape\":1.5},"
                               "\"time_to_repair_hours\":4}",
                               "genesis.providers[0].regions=[\"us-west\"]",
                               "agents.providers.outages=[{\"at_day\":0.5,\"hours\":2,"
                               "\"region\":\"us-west\",\"fleet\":\"cpu\",\"share\":0.3}]",
                               "agents.tenants.choice={\"policy\":\"reputation\","
                               "\"penalty\":2,\"memory\":\"shared\"}",
                               "agents.tenants.on_provider_failure={\"detect_hours\":"
                               "{\"dist\":\"exponential\",\"mean\":2},\"action\":\"leave\"}");
    ck_assert(s->fleets[0].fails);
    ck_assert(!s->fleets[1].fails);
    ck_assert_str_eq(s->fleets[0].ttf_days.type->name, "weibull");
    ck_assert_double_eq(ak_dist_mean(&s->fleets[0].ttr_hours), 4);
    ck_assert_uint_eq(s->noutages, 1);
    ck_assert_double_eq(s->outages[0].share, 0.3);
    ck_assert_str_eq(s->outages[0].region, "us-west");
    ck_assert_str_eq(s->outages[0].fleet, "cpu");
    ck_assert_str_eq(s->choice->name, "reputation");
    ck_assert_double_eq(s->choice_penalty, 2);
    ck_assert(s->choice_shared);
    ck_assert_double_eq(ak_dist_mean(&s->detect_hours), 2);
    ck_assert_int_eq(s->on_failure, AK_SC_FAIL_LEAVE);
    ck_assert(s->any_failures);
    ak_scenario_free(s);
    s = MUST_LOAD("agents.tenants.choice=random");
    ck_assert_str_eq(s->choice->name, "random");
    ck_assert(!s->any_failures);
    ck_assert_int_eq(s->on_failure, AK_SC_FAIL_REDEPLOY);
    ak_scenario_free(s);

    ERR_SET("$.agents.tenants.choice: unknown choice policy \"cheapst\" (did you mean "
            "\"cheapest\"?)",
            "agents.tenants.choice=cheapst");
    ERR_SET("$.agents.tenants.choice: unknown choice policy \"auction\" (expected one of "
            "\"cheapest\", \"reputation\", \"random\")",
            "agents.tenants.choice=auction");
    ERR_SET("$.agents.tenants.choice: expected a policy name or an object, found a number",
            "agents.tenants.choice=3");
    ERR_SET("$.agents.tenants.choice.policy: required key is missing",
            "agents.tenants.choice={\"penalty\":1}");
    ERR_SET("$.agents.tenants.choice.penalty: only the reputation policy takes this key",
            "agents.tenants.choice={\"policy\":\"random\",\"penalty\":1}");
    ERR_SET("$.agents.tenants.choice.memory: unknown memory \"all\" (expected one of \"own\", "
            "\"shared\")",
            "agents.tenants.choice={\"policy\":\"reputation\",\"memory\":\"all\"}");
    ERR_SET("$.agents.tenants.choice.penalty: -1 is out of range [0, 1e+06]",
            "agents.tenants.choice={\"policy\":\"reputation\",\"penalty\":-1}");
    ERR_SET("$.agents.tenants.on_provider_failure.action: unknown action \"leav\" (did you "
            "mean \"leave\"?)",
            "agents.tenants.on_provider_failure={\"action\":\"leav\"}");
    s = MUST_LOAD("agents.tenants.price_response={\"reference_usd_cpu_month\":2.5,"
                  "\"budget_elasticity\":0.4}");
    ck_assert(s->price_response);
    ck_assert_double_eq(s->ref_cpu_month_usd, 2.5);
    ck_assert_double_eq(s->arrival_elasticity, 0.5);
    ck_assert_double_eq(s->budget_elasticity, 0.4);
    ak_scenario_free(s);
    ERR_SET("$.agents.tenants.usdc_share: deployments in uusdc need the denom in the deployment "
            "params' min_deposits (genesis.params.deployment.min_deposits, e.g. [\"500000uakt\", "
            "\"5000000uusdc\"])",
            "agents.tenants.usdc_share=0.3", "genesis.holders_usdc=100");
    ERR_SET("$.agents.tenants.usdc_share: tenants buy their USDC from the holders: set "
            "genesis.holders_usdc",
            "agents.tenants.usdc_share=0.3",
            "genesis.params={\"deployment\":{\"min_deposits\":[\"500000uakt\","
            "\"5000000uusdc\"]}}");
    ERR_SET("$.agents.tenants.usdc_share: 1.5 is out of range [0, 1]",
            "agents.tenants.usdc_share=1.5");
    ERR_SET("$.agents.tenants.price_response.reference_usd_cpu_month: required key is missing",
            "agents.tenants.price_response={}");
    ERR_SET("$.agents.tenants.price_response.budget_elasticity: 2 is out of range [0, 1]",
            "agents.tenants.price_response={\"reference_usd_cpu_month\":1,"
            "\"budget_elasticity\":2}");
    ERR_SET("$.agents.tenants.on_provider_failure: expected an object, found a boolean",
            "agents.tenants.on_provider_failure=true");
    ERR_SET("$.agents.tenants.on_provider_failure.detect_hours: its mean -1 is outside [0, 876000]",
            "agents.tenants.on_provider_failure={\"detect_hours\":-1}");
    ERR_SET("$.genesis.providers[0].reliability.time_to_repair_hours: required key is missing",
            "genesis.providers[0].reliability={\"time_to_failure_days\":3}");
    ERR_SET("$.genesis.providers[0].reliability.time_to_failure_days: its mean 0 is outside "
            "[0.001, 36500]",
            "genesis.providers[0].reliability={\"time_to_failure_days\":0,"
            "\"time_to_repair_hours\":1}");
    ERR_SET("$.genesis.providers[0].reliability.mtbf: unknown key (allowed: time_to_failure_days, "
            "time_to_repair_hours)",
            "genesis.providers[0].reliability={\"mtbf\":3}");
    ERR_SET("$.agents.providers.outages[0].hours: required key is missing",
            "agents.providers.outages=[{\"at_day\":0.5}]");
    ERR_SET("$.agents.providers.outages[0].share: 2 is out of range [0, 1]",
            "agents.providers.outages=[{\"at_day\":0.5,\"hours\":1,\"share\":2}]");
    ERR_SET("$.agents.providers.outages[0].region: no provider fleet has region \"mars\"",
            "agents.providers.outages=[{\"at_day\":0.5,\"hours\":1,\"region\":\"mars\"}]");
    ERR_SET("$.agents.providers.outages[0].fleet: no provider fleet is named \"tpu\"",
            "agents.providers.outages=[{\"at_day\":0.5,\"hours\":1,\"fleet\":\"tpu\"}]");
    ERR_SET("$.agents.providers.outages[0].at_day: the outage starts after the run's end",
            "agents.providers.outages=[{\"at_day\":1,\"hours\":1}]");
    ERR_SET("$.agents.providers.outages: expected a list, found an object",
            "agents.providers.outages={}");

    s = MUST_LOAD("agents.validators={\"time_to_failure_days\":30,\"time_to_repair_hours\":"
                  "{\"dist\":\"lognormal\",\"mu\":0,\"sigma\":1},\"outages\":[{\"at_day\":"
                  "0.25,\"hours\":2,\"power_share\":0.34}],\"double_sign_per_year\":0.01,"
                  "\"unjail\":false}");
    ck_assert(s->val_fails);
    ck_assert(s->validators_online);
    ck_assert_double_eq(ak_dist_mean(&s->val_ttf_days), 30);
    ck_assert_str_eq(s->val_ttr_hours.type->name, "lognormal");
    ck_assert_uint_eq(s->nval_outages, 1);
    ck_assert_double_eq(s->val_outages[0].power_share, 0.34);
    ck_assert_double_eq(s->double_sign_per_year, 0.01);
    ck_assert(!s->val_unjail);
    ak_scenario_free(s);
    s = MUST_LOAD("agents.validators={}");
    ck_assert(!s->val_fails);
    ck_assert(s->val_unjail);
    ck_assert_double_eq(s->double_sign_per_year, 0);
    ak_scenario_free(s);
    s = MUST_LOAD("agents.validators={\"commission\":{\"policy\":\"competitive\","
                  "\"review_days\":2,\"undercut\":0.02}}",
                  "agents.delegators={\"count\":10,\"stake_akt\":{\"dist\":\"pareto\","
                  "\"scale\":100,\"shape\":1.5},\"alpha\":2,\"target_apr\":0.08,"
                  "\"apr_band\":0.01,\"review_days\":3,\"unbond_share\":0.5,"
                  "\"restake\":false,\"switch_gap\":false}",
                  "agents.governance={\"delegators\":\"abstain\"}");
    ck_assert_int_eq(s->commission_policy, AK_SC_COMM_COMPETITIVE);
    ck_assert_double_eq(s->commission_review_days, 2);
    ck_assert_double_eq(s->commission_undercut, 0.02);
    ck_assert_uint_eq(s->ndelegators, 10);
    ck_assert_double_eq(s->delegator_alpha, 2);
    ck_assert_double_eq(s->target_apr, 0.08);
    ck_assert_double_eq(s->apr_band, 0.01);
    ck_assert_double_eq(s->delegator_review_days, 3);
    ck_assert_double_eq(s->unbond_share, 0.5);
    ck_assert(!s->restake);
    ck_assert(!s->switch_validator);
    ck_assert(s->delegators_vote);
    ck_assert_str_eq(s->delegator_voter.policy->name, "abstain");
    ak_scenario_free(s);
    ERR_SET("$.agents.validators.commission: unknown commission policy \"greed\" (did you "
            "mean \"greedy\"?)",
            "agents.validators={\"commission\":\"greed\"}");
    ERR_SET("$.agents.validators.commission.undercut: only the competitive policy takes this key",
            "agents.validators={\"commission\":{\"policy\":\"greedy\",\"undercut\":0.1}}");
    ERR_SET("$.agents.delegators.stake_akt: required key is missing",
            "agents.delegators={\"count\":10}");
    ERR_SET("$.agents.delegators.unbond_share: 2 is out of range [0, 1]",
            "agents.delegators={\"count\":10,\"stake_akt\":1,\"unbond_share\":2}");
    ERR_SET("$.agents.validators: time_to_failure_days and time_to_repair_hours go together",
            "agents.validators={\"time_to_failure_days\":30}");
    ERR_SET("$.agents.validators.outages[0].power_share: required key is missing",
            "agents.validators={\"outages\":[{\"at_day\":0.2,\"hours\":1}]}");
    ERR_SET("$.agents.validators.outages[0].power_share: 1.5 is out of range [0, 1]",
            "agents.validators={\"outages\":[{\"at_day\":0.2,\"hours\":1,"
            "\"power_share\":1.5}]}");
    ERR_SET("$.agents.validators.outages[0].at_day: the outage starts after the run's end",
            "agents.validators={\"outages\":[{\"at_day\":2,\"hours\":1,"
            "\"power_share\":0.5}]}");
    ERR_SET("$.agents.validators.double_sign_per_year: -1 is out of range [0, 1e+06]",
            "agents.validators={\"double_sign_per_year\":-1}");
    ERR_SET("$.agents.validators: expected an object, found a boolean", "agents.validators=true");
}
END_TEST

/* A fleet's pricing strategy and cost basis. */
START_TEST(pricing_keys)
{
    ak_scenario *s = MUST_LOAD("genesis.providers[0].cost_usd={\"cpu\":0.9,\"gpu\":40}",
                               "genesis.providers[0].pricing={\"strategy\":\"adaptive\","
                               "\"base\":\"cost_plus\",\"margin\":0.4,\"target\":0.6,"
                               "\"sensitivity\":1.5,\"min_factor\":0.7,\"max_factor\":3}",
                               "genesis.providers[1].pricing={\"strategy\":\"scale\","
                               "\"cpu\":\"0.005\",\"ip\":0}");
    const ak_sc_pricing *p = &s->fleets[0].pricing;
    ck_assert_str_eq(p->strategy->name, "adaptive");
    ck_assert_str_eq(p->base->name, "cost_plus");
    ck_assert_double_eq(p->margin, 0.4);
    ck_assert_double_eq(p->target, 0.6);
    ck_assert_double_eq(p->sensitivity, 1.5);
    ck_assert_double_eq(p->min_factor, 0.7);
    ck_assert_double_eq(p->max_factor, 3);
    ck_assert(s->fleets[0].has_cost);
    ck_assert_double_eq(s->fleets[0].cost.cpu, 0.9);
    ck_assert_double_eq(s->fleets[0].cost.memory, 0); /* cost keys default to 0 */
    p = &s->fleets[1].pricing;
    ck_assert_str_eq(p->strategy->name, "scale");
    ck_assert_int_eq(ak_dec_cmp(p->scale[0], ak_dec_from_raw((__int128)5000000000000000)), 0);
    ck_assert(!ak_dec_is_positive(p->scale[4]));
    ck_assert(ak_dec_is_positive(p->scale[1])); /* helm's memory scale */
    ak_scenario_free(s);
    s = MUST_LOAD("genesis.providers[0].pricing=learning");
    ck_assert_str_eq(s->fleets[0].pricing.strategy->name, "learning");
    ck_assert_str_eq(s->fleets[0].pricing.base->name, "script");
    ck_assert_str_eq(s->fleets[1].pricing.strategy->name, "script");
    ak_scenario_free(s);

    ERR_SET("$.genesis.providers[0].pricing: unknown pricing strategy \"scal\" (did you mean "
            "\"scale\"?)",
            "genesis.providers[0].pricing=scal");
    ERR_SET("$.genesis.providers[0].pricing.margin: the scale strategy does not take this key "
            "(cost_plus adaptive learning does)",
            "genesis.providers[0].pricing={\"strategy\":\"scale\",\"margin\":0.1}");
    ERR_SET("$.genesis.providers[0].pricing: cost_plus pricing needs the fleet's cost_usd",
            "genesis.providers[0].pricing=cost_plus");
    ERR_SET("$.genesis.providers[0].pricing: cost_plus pricing needs the fleet's cost_usd",
            "genesis.providers[0].pricing={\"strategy\":\"learning\",\"base\":"
            "\"cost_plus\"}");
    ERR_SET("$.genesis.providers[0].pricing.base: the base must be \"script\" or "
            "\"cost_plus\"",
            "genesis.providers[0].pricing={\"strategy\":\"learning\",\"base\":\"scale\"}");
    ERR_SET("$.genesis.providers[0].pricing.min_factor: min_factor is above max_factor",
            "genesis.providers[0].pricing={\"strategy\":\"learning\",\"min_factor\":3}");
    ERR_SET("$.genesis.providers[0].pricing: every scale is zero: the daemon would price "
            "everything at nothing",
            "genesis.providers[0].pricing={\"strategy\":\"scale\",\"cpu\":0,\"memory\":0,"
            "\"storage\":0,\"endpoint\":0,\"ip\":0}");
    ERR_SET("$.genesis.providers[0].pricing: expected a pricing strategy name or an object, "
            "found a number",
            "genesis.providers[0].pricing=1");
    ERR_SET("$.genesis.providers[0].cost_usd.cpus: unknown key (did you mean \"cpu\"?)",
            "genesis.providers[0].cost_usd={\"cpus\":1}");

    s = MUST_LOAD("genesis.providers[0].cost_usd={\"cpu\":1}",
                  "genesis.providers[0].entry_exit={\"review_days\":7,\"exit_after\":2,"
                  "\"enter_above\":1.5,\"entry_rate\":0.2,\"lag_days\":3,"
                  "\"max_entrants\":5}",
                  "genesis.providers[1].cost_usd={\"gpu\":500}",
                  "genesis.providers[1].entry_exit={}");
    const ak_sc_fleet *f = &s->fleets[0];
    ck_assert(f->entry_exit);
    ck_assert_double_eq(f->review_days, 7);
    ck_assert_uint_eq(f->exit_after, 2);
    ck_assert_double_eq(f->enter_above, 1.5);
    ck_assert_double_eq(f->entry_rate, 0.2);
    ck_assert_double_eq(f->lag_days, 3);
    ck_assert_uint_eq(f->max_entrants, 5);
    f = &s->fleets[1]; /* defaults: monthly reviews, three losses, 1.2, 10 %, two weeks */
    ck_assert_double_eq(f->review_days, 30);
    ck_assert_uint_eq(f->exit_after, 3);
    ck_assert_double_eq(f->enter_above, 1.2);
    ck_assert_double_eq(f->entry_rate, 0.1);
    ck_assert_double_eq(f->lag_days, 14);
    ck_assert_uint_eq(f->max_entrants, f->count);
    ck_assert_uint_eq(s->nentrants, 5 + f->count);
    ak_scenario_free(s);
    ERR_SET("$.genesis.providers[0].entry_exit: entry and exit weigh income against the "
            "fleet's cost_usd: give it",
            "genesis.providers[0].entry_exit={}");
    ERR_SET("$.genesis.providers[0].entry_exit.exit_after: integer out of range: expected one in "
            "[1, 1000]",
            "genesis.providers[0].cost_usd={\"cpu\":1}",
            "genesis.providers[0].entry_exit={\"exit_after\":0}");
    ERR_SET("$.genesis.providers: 1000001 providers in all, entrants included; at most 1000000",
            "genesis.providers[0].count=1000000", "genesis.providers[1].count=0",
            "genesis.providers[0].cost_usd={\"cpu\":1}",
            "genesis.providers[0].entry_exit={\"max_entrants\":1}",
            "agents.tenants.workloads=[{\"kind\":\"w\",\"cpu_millis\":100,\"memory_mib\":"
            "100,\"storage_mib\":100,\"lifetime_days\":1,\"budget_usd\":{}}]");
}
END_TEST

/* Provider attributes, auditors and workload requirements. */
START_TEST(attribute_keys)
{
    ak_scenario *s = MUST_LOAD("genesis.auditors=[\"aud-1\",\"aud-2\"]",
                               "genesis.providers[0].attributes={\"tier\":\"premium\","
                               "\"host\":\"akash\"}",
                               "genesis.providers[0].audited_by=[\"aud-2\"]",
                               "agents.tenants.workloads[0].requires={\"tier\":\"premium\"}",
                               "agents.tenants.workloads[0].signed_by=[\"aud-2\"]");
    ck_assert_uint_eq(s->nauditors, 2);
    ck_assert_uint_eq(s->fleets[0].nattrs, 2);
    ck_assert_str_eq(s->fleets[0].attrs[1].key, "host");
    ck_assert_uint_eq(s->fleets[0].audited_by[0], 1);
    ck_assert_uint_eq(s->workloads[0].nsigned_by, 1);
    ck_assert(ak_sc_fleet_serves(s, 0, 0));
    ck_assert(!ak_sc_fleet_serves(s, 1, 0));
    ck_assert(ak_sc_fleet_serves(s, 1, 1));
    ak_scenario_free(s);
    ERR_SET("$.genesis.providers[0].audited_by[0]: \"aud-3\" is not one of genesis.auditors",
            "genesis.auditors=[\"aud-1\"]", "genesis.providers[0].audited_by=[\"aud-3\"]");
    ERR_SET("$.genesis.auditors[1]: auditor \"aud-1\" is named twice",
            "genesis.auditors=[\"aud-1\",\"aud-1\"]");
    ERR_SET("$.genesis.providers[0].attributes.region: set by the fleet's regions and gpu_model, "
            "not here",
            "genesis.providers[0].attributes={\"region\":\"x\"}");
    ERR_SET("$.genesis.providers[0].attributes.tier: expected an attribute value of 1 to 64 "
            "characters a-z, A-Z, 0-9, '.', '_', '-' or '/'",
            "genesis.providers[0].attributes={\"tier\":\"a b\"}");
    ERR_SET("$.agents.tenants.workloads[0]: no provider fleet has the attributes this workload "
            "requires, signed by its signed_by auditors",
            "genesis.auditors=[\"aud-1\"]",
            "genesis.providers[0].attributes={\"tier\":\"premium\"}",
            "agents.tenants.workloads[0].requires={\"tier\":\"premium\"}",
            "agents.tenants.workloads[0].signed_by=[\"aud-1\"]");
}
END_TEST

/* Scheduled proposals and voter policies. */
START_TEST(governance_keys)
{
#define TAKE10 "{\"module\":\"take\",\"param\":\"default_take_rate\",\"value\":10}"
    ak_scenario *s = MUST_LOAD("genesis.holders_akt=5000",
                               "agents.governance={\"validators\":{\"policy\":\"turnout\","
                               "\"turnout\":0.6,\"yes\":3,\"no\":1},\"vote_delay_days\":"
                               "{\"dist\":\"uniform\",\"min\":0,\"max\":0.1},"
                               "\"proposals\":[{\"at_day\":0.5,\"title\":\"t\",\"changes\":["
                               TAKE10 "]},{\"at_day\":0.6,\"title\":\"x\",\"summary\":\"why\","
                               "\"deposit_akt\":2000,\"expedited\":true,\"changes\":[" TAKE10
                               "]}]}");
    ck_assert_uint_eq(s->nproposals, 2);
    ck_assert_int_eq(s->proposals[0].deposit_uakt, 1000000000); /* gov min_deposit */
    ck_assert_str_eq(s->proposals[0].summary, "t");
    ck_assert_int_eq(s->proposals[1].deposit_uakt, 2000000000);
    ck_assert(s->proposals[1].expedited);
    ck_assert_str_eq(s->proposals[1].summary, "why");
    ck_assert_str_eq(s->validator_voter.policy->name, "turnout");
    ck_assert_double_eq(s->validator_voter.turnout, 0.6);
    ck_assert_double_eq(s->validator_voter.weights[0], 3);
    ck_assert_double_eq(s->validator_voter.weights[2], 0);
    ck_assert(s->has_vote_delay);
    ak_scenario_free(s);
    s = MUST_LOAD("agents.governance={\"validators\":\"self_interest\"}");
    ck_assert_str_eq(s->validator_voter.policy->name, "self_interest");
    ck_assert(!s->has_vote_delay);
    ak_scenario_free(s);

    ERR_SET("$.agents.governance.validators: unknown voter policy \"yess\" (did you mean "
            "\"yes\"?)",
            "agents.governance={\"validators\":\"yess\"}");
    ERR_SET("$.agents.governance.validators.yes: only the turnout policy takes this key",
            "agents.governance={\"validators\":{\"policy\":\"no\",\"yes\":1}}");
    ERR_SET("$.agents.governance.validators: the option weights (yes, no, abstain, veto) are all "
            "zero",
            "agents.governance={\"validators\":{\"policy\":\"turnout\",\"yes\":0}}");
    ERR_SET("$.agents.governance.proposals[0].changes[0].param: unknown param \"take\" of "
            "module take (see `akashsim params`)",
            "genesis.holders_akt=5000",
            "agents.governance={\"proposals\":[{\"at_day\":0.5,\"title\":\"t\","
            "\"changes\":[{\"module\":\"take\",\"param\":\"take\",\"value\":1}]}]}");
    ERR_SET("$.agents.governance.proposals[0].changes: expected 1 to 16 changes",
            "genesis.holders_akt=5000",
            "agents.governance={\"proposals\":[{\"at_day\":0.5,\"title\":\"t\","
            "\"changes\":[]}]}");
    ERR_SET("$.agents.governance.proposals[0].title: the title is empty (the chain rejects it)",
            "genesis.holders_akt=5000",
            "agents.governance={\"proposals\":[{\"at_day\":0.5,\"title\":\"\","
            "\"changes\":[" TAKE10 "]}]}");
    ERR_SET("$.agents.governance.proposals[0].at_day: the proposal comes after the run's end",
            "genesis.holders_akt=5000",
            "agents.governance={\"proposals\":[{\"at_day\":1,\"title\":\"t\","
            "\"changes\":[" TAKE10 "]}]}");
    ERR_SET("$.agents.governance.proposals[0].deposit_akt: below the gov module's min_deposit "
            "(1000 AKT): the proposal would not reach its voting period",
            "genesis.holders_akt=5000",
            "agents.governance={\"proposals\":[{\"at_day\":0.5,\"title\":\"t\","
            "\"deposit_akt\":10,\"changes\":[" TAKE10 "]}]}");
    ERR_SET("$.agents.governance.proposals[0]: the proposer (the holders account) has 1.5 AKT, "
            "less than the deposit of 1000 AKT: raise genesis.holders_akt",
            "genesis.holders_akt=1.5",
            "agents.governance={\"proposals\":[{\"at_day\":0.5,\"title\":\"t\","
            "\"changes\":[" TAKE10 "]}]}");
#undef TAKE10
}
END_TEST

/* The default sampling interval (24 h) is longer than a half-day run: with no interval key of
 * its own, the error points at duration_days. */
START_TEST(default_sample_interval_longer_than_run)
{
    ak_scenario *s;
    char why[1200];
    const char *sets[] = {"duration_days=0.5"};
    ck_assert_int_eq(load_text(BASE, strlen(BASE), sets, 1, -1, &s, why, sizeof why), AK_EINVAL);
    ck_assert_ptr_null(s);
    ck_assert_str_eq(why, "t.json: $.duration_days: the run is shorter than the sampling interval "
                          "(sample_interval_hours, 24 by default)");
}
END_TEST

START_TEST(distributions_and_params)
{
    ERR_SET("$.agents.tenants.workloads[0].lifetime_days.sigma: sigma must be positive",
            "agents.tenants.workloads[0].lifetime_days={\"dist\": \"lognormal\", \"mu\": 1, "
            "\"sigma\": 0}");
    ERR_SET("$.agents.tenants.workloads[0].cpu_millis: its mean 3.08022 is outside [10, 384000]",
            "agents.tenants.workloads[0].cpu_millis={\"dist\": \"lognormal\", \"mu\": 1, "
            "\"sigma\": 0.5}");
    ERR_SET("$.agents.tenants.workloads[0].units: its mean 0 is outside [1, 10000]",
            "agents.tenants.workloads[0].units=0");
    ERR_SET("$.genesis.validators.stake_akt: its mean 0.5 is outside [1, 1e+09]",
            "genesis.validators.stake_akt=0.5");
    ERR_SET("$.agents.tenants.balance_akt: its mean -5 is outside [0, 1e+09]",
            "agents.tenants.balance_akt=-5");
    ERR_SET("$.genesis.providers[1].gpus: its mean 100001 is outside [0, 100000]",
            "genesis.providers[1].gpus=100001");
    ERR_SET("$.agents.tenants.workloads[1].gpus: its mean 25 is outside [0, 24]",
            "agents.tenants.workloads[1].gpus=25");
    ERR_SET("$.agents.tenants.workloads[1].lifetime_days.dist: unknown distribution "
            "\"lognorm\" (did you mean \"lognormal\"?)",
            "agents.tenants.workloads[1].lifetime_days={\"dist\": \"lognorm\"}");
    ERR_SET("$.genesis.params.market.order_max_bids: order max bids too low",
            "genesis.params={\"market\": {\"order_max_bids\": 0}}");
    ERR_SET("$.genesis.params.bank: unknown module (allowed: deployment, market, take, staking, "
            "slashing, distribution, mint, gov, consensus)",
            "genesis.params={\"bank\": {}}");
    ERR_SET("$.genesis.params.staking.max_validators: max validators must be positive: 0",
            "genesis.params={\"staking\": {\"max_validators\": 0}}");
    ERR_SET("$.genesis.params: expected an object, found a list", "genesis.params=[]");
}
END_TEST

/* ---- the file itself ---- */

START_TEST(file_errors)
{
    check_err_len(__LINE__, "", 0, NULL, 0, "t.json: the file is empty (expected a JSON scenario)");
    ERR_TEXT("{\"name\": \"x\",\n  \"duration_days\": }\n", "not valid JSON (line 2, column 20)");
    ERR_TEXT("{\"name\": \"x\", \"duration_days\": [1, 2",
             "not valid JSON: unexpected end of file (line 1, column 37)");
    ERR_TEXT("{} {}", "not valid JSON (line 1, column 4)");
    ERR_TEXT("[1, 2]", "$: expected an object, found a list");
    ERR_TEXT("\"small\"", "$: expected an object, found a string");
    check_err(__LINE__, "[1, 2]", SETS("name=x"), 1, "t.json: $: expected an object");
    ERR_TEXT("{\"name\": \"\xff\"}", "not a JSON text file: non-UTF-8 byte at line 1, column 11");
    ERR_TEXT("{\n\"name\": \"\xc0\xaf\"}", /* an overlong encoding */
             "not a JSON text file: non-UTF-8 byte at line 2, column 10");
    ERR_TEXT("{\"name\": \"\xed\xa0\x80\"}",
             "not a JSON text file: non-UTF-8 byte at line 1, column 11"); /* a surrogate */
    check_err_len(__LINE__, "{\"name\": \"a\0b\"}", 15, NULL, 0,
                  "t.json: not a JSON text file: NUL byte at line 1, column 12");
    ERR_TEXT("{}", "$.name: required key is missing");

    /* more than 64 overrides */
    const char *sets[AK_SC_MAX_SETS + 1];
    for (int i = 0; i <= AK_SC_MAX_SETS; i++)
        sets[i] = "seed=2";
    check_err(__LINE__, BASE, sets, AK_SC_MAX_SETS + 1, "at most 64 --set options");
    ak_scenario *s = must_load_text(BASE, sets, AK_SC_MAX_SETS, -1);
    ck_assert_uint_eq(s->seed, 2);
    ak_scenario_free(s);
}
END_TEST

/* ---- --set ---- */

START_TEST(set_overrides)
{
    /* a number */
    ak_scenario *s = MUST_LOAD("duration_days=2", "agents.tenants.count=\"25\"");
    ck_assert_double_eq(s->duration_days, 2);
    ck_assert_int_eq(s->duration_us, 2 * 86400000000LL);
    ck_assert_uint_eq(s->ntenants, 25);
    ak_scenario_free(s);

    /* a missing key is created: accepted when the loader knows it ... */
    s = MUST_LOAD("agents.providers.reaction_s=2", "consensus.gossip_ms=500");
    ck_assert_int_eq(s->reaction_us, 2000000);
    ck_assert_int_eq(s->timeouts.gossip, 500000);
    ak_scenario_free(s);
    /* ... and refused with a suggestion when it does not */
    ERR_SET("$.agents.providers.reaction_sec: unknown key (did you mean \"reaction_s\"?)",
            "agents.providers.reaction_sec=2");

    /* an array element by index, a whole element, an element of a nested array */
    s = MUST_LOAD("agents.tenants.workloads[1].weight=3",
                  "genesis.providers[0]={\"name\": \"big\", \"count\": 7, \"cpu_cores\": 1, "
                  "\"memory_gib\": 1, \"storage_gib\": 1, \"regions\": [\"a\", \"b\"]}",
                  "genesis.providers[0].regions[1]=c");
    ck_assert_double_eq(s->workloads[0].weight, 1);
    ck_assert_double_eq(s->workloads[1].weight, 3);
    ck_assert_str_eq(s->fleets[0].name, "big");
    ck_assert_uint_eq(s->nproviders, 8);
    ck_assert_str_eq(s->fleets[0].regions[0], "a");
    ck_assert_str_eq(s->fleets[0].regions[1], "c");
    ak_scenario_free(s);

    /* the value is a string when it is not JSON; a later --set wins */
    s = MUST_LOAD("name=tiny", "description=hello, world", "description=two words",
                  "genesis.time=\"2026-03-01T00:00:00Z\"",
                  "genesis.providers[1].gpu_model=a100",
                  "agents.tenants.workloads[1].gpu_model=a100", "rules=akash-v1",
                  "genesis.validators.commission=0.1");
    ck_assert_str_eq(s->name, "tiny");
    ck_assert_str_eq(s->description, "two words");
    ck_assert_int_eq(s->genesis_time, 1767225600 + 59 * 86400);
    ck_assert_str_eq(s->fleets[1].gpu_model, "a100");
    ck_assert_str_eq(s->workloads[1].gpu_model, "a100");
    ak_scenario_free(s);
    /* an empty value is the empty string */
    s = MUST_LOAD("description=");
    ck_assert_str_eq(s->description, "");
    ak_scenario_free(s);
    /* a JSON string value keeps its quotes off */
    s = MUST_LOAD("name=\"quoted\"");
    ck_assert_str_eq(s->name, "quoted");
    ak_scenario_free(s);
}
END_TEST

START_TEST(set_errors)
{
    /* these messages name the override, not the file */
    check_err(__LINE__, BASE, SETS("foo"), 1, "--set foo: expected path=value");
    check_err(__LINE__, BASE, SETS("=1"), 1, "--set =1: expected path=value");
    check_err(__LINE__, BASE, SETS(""), 1, "--set : expected path=value");
    check_err(__LINE__, BASE, SETS("a..b=1"), 1, "--set a..b: empty key in the path");
    check_err(__LINE__, BASE, SETS(".name=x"), 1, "--set .name: empty key in the path");
    check_err(__LINE__, BASE, SETS("agents.=1"), 1, "--set agents.: empty key in the path");
    check_err(__LINE__, BASE, SETS("[0]=1"), 1, "--set [0]: empty key in the path");
    check_err(__LINE__, BASE, SETS("agents.tenants.workloads[2].weight=1"), 1,
              "--set agents.tenants.workloads[2].weight: index 2 is out of range");
    check_err(__LINE__, BASE, SETS("genesis.providers[99]=1"), 1,
              "--set genesis.providers[99]: index 99 is out of range");
    /* an index into a value that is not an array */
    check_err(__LINE__, BASE, SETS("name[0]=1"), 1, "--set name[0]: \"name\" is not a list");
    check_err(__LINE__, BASE, SETS("genesis[0].x=1"), 1,
              "--set genesis[0].x: \"genesis\" is not a list");
    check_err(__LINE__, BASE, SETS("nope[0]=1"), 1, "--set nope[0]: \"nope\" does not exist");
    /* a key into a value that is not an object */
    check_err(__LINE__, BASE, SETS("name.x=1"), 1, "--set name.x: \"x\" is not inside an object");
    check_err(__LINE__, BASE, SETS("genesis.providers.x=1"), 1,
              "--set genesis.providers.x: \"x\" is not inside an object");
    check_err(__LINE__, BASE, SETS("genesis.validators=[1]", "genesis.validators[0].x=1"), 2,
              "--set genesis.validators[0].x: \"x\" is not inside an object");
    /* bad indices */
    check_err(__LINE__, BASE, SETS("agents.tenants.workloads[x].weight=1"), 1,
              "--set agents.tenants.workloads[x].weight: bad index (expected [0], [1], ...)");
    check_err(__LINE__, BASE, SETS("agents.tenants.workloads[-1].weight=1"), 1,
              "--set agents.tenants.workloads[-1].weight: bad index (expected [0], [1], ...)");
    check_err(__LINE__, BASE, SETS("agents.tenants.workloads[]=1"), 1,
              "--set agents.tenants.workloads[]: bad index (expected [0], [1], ...)");
    check_err(__LINE__, BASE, SETS("agents.tenants.workloads[0.weight=1"), 1,
              "--set agents.tenants.workloads[0.weight: bad index (expected [0], [1], ...)");
    check_err(__LINE__, BASE, SETS("agents.tenants.workloads[0]x=1"), 1,
              "--set agents.tenants.workloads[0]x: expected '.' or '[' after ']'");
    /* the first bad override is reported; a path of 512 bytes is refused */
    check_err(__LINE__, BASE, SETS("seed=3", "bad", "worse"), 3, "--set bad: expected path=value");
    char longset[600];
    memset(longset, 'a', 512);
    strcpy(longset + 512, "=1");
    check_err(__LINE__, BASE, SETS(longset), 1, "--set: the path is longer than 511 bytes");
}
END_TEST

START_TEST(seed_override_and_json)
{
    ak_scenario *s = must_load_text(BASE, SETS("seed=5"), 1, 42);
    ck_assert_uint_eq(s->seed, 42);
    char *json = ak_scenario_json(s);
    ck_assert_ptr_nonnull(json);
    cJSON *j = cJSON_Parse(json);
    ck_assert_ptr_nonnull(j);
    ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(j, "seed")->valuestring, "42");
    cJSON_Delete(j);
    free(json);
    ak_scenario_free(s);

    /* no seed in the file: the override adds one; without an override the default 1 */
    s = must_load_text(BASE, NULL, 0, 0);
    ck_assert_uint_eq(s->seed, 0);
    json = ak_scenario_json(s);
    ck_assert_ptr_nonnull(strstr(json, "\"seed\":\"0\""));
    free(json);
    ak_scenario_free(s);
    s = must_load_text(BASE, NULL, 0, -1);
    json = ak_scenario_json(s);
    ck_assert_ptr_null(strstr(json, "\"seed\""));
    free(json);
    ak_scenario_free(s);

    /* the JSON is the tree as run: --set overrides included, and it loads to the same */
    s = must_load_text(BASE,
                       SETS("duration_days=3", "agents.tenants.workloads[1].weight=2.5",
                            "agents.providers.reaction_s=4", "description=over ridden"),
                       4, 9);
    json = ak_scenario_json(s);
    ck_assert_ptr_nonnull(json);
    j = cJSON_Parse(json);
    ck_assert_ptr_nonnull(j);
    ck_assert_double_eq(cJSON_GetObjectItemCaseSensitive(j, "duration_days")->valuedouble, 3);
    ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(j, "seed")->valuestring, "9");
    ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(j, "description")->valuestring,
                     "over ridden");
    const cJSON *w = cJSON_GetArrayItem(
        cJSON_GetObjectItemCaseSensitive(
            cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "agents"),
                                             "tenants"),
            "workloads"),
        1);
    ck_assert_double_eq(cJSON_GetObjectItemCaseSensitive(w, "weight")->valuedouble, 2.5);
    cJSON_Delete(j);
    ak_scenario *again = must_load_text(json, NULL, 0, -1);
    ck_assert_uint_eq(again->seed, 9);
    ck_assert_double_eq(again->duration_days, 3);
    ck_assert_int_eq(again->reaction_us, 4000000);
    ck_assert_double_eq(again->workloads[1].weight, 2.5);
    ak_scenario_free(again);
    free(json);
    ak_scenario_free(s);
}
END_TEST

START_TEST(free_null)
{
    ak_scenario_free(NULL);
}
END_TEST

/* ---- --set values and large seeds ---- */

/* docs/scenarios.md: "VALUE is read as JSON, or taken as a string when it is not JSON". A
 * value that merely starts like JSON ("3 GPUs", "trueblue", any RFC 3339 time) is not JSON,
 * yet apply_set (sim/scenario.c:44) uses cJSON_Parse, which accepts trailing text, and keeps
 * the prefix (3, true, 2027). */
START_TEST(set_value_with_a_json_prefix_is_a_string)
{
    ak_scenario *s = MUST_LOAD("description=3 GPUs each", "name=trueblue",
                               "genesis.time=2027-06-01T12:00:00Z");
    ck_assert_str_eq(s->description, "3 GPUs each");
    ck_assert_str_eq(s->name, "trueblue");
    ck_assert_int_eq(s->genesis_time, 1811851200);
    ak_scenario_free(s);
}
END_TEST

/* `akashsim run --seed N` promises 0 to 2^63-1, but the override is stored in the tree as a
 * double (sim/scenario.c:556) and then read back with jr_uint, which refuses numbers above
 * 2^53 ("integer too large to be exact"); between 2^53 and the refusal it is rounded in the
 * scenario JSON recorded in runs.scenario_json. */
START_TEST(large_seed_override)
{
    const int64_t seeds[] = {INT64_MAX, ((int64_t)1 << 53) + 1};
    for (int i = 0; i < 2; i++) {
        ak_scenario *s = must_load_text(BASE, NULL, 0, seeds[i]);
        ck_assert_uint_eq(s->seed, (uint64_t)seeds[i]);
        char *json = ak_scenario_json(s);
        ak_scenario *again = must_load_text(json, NULL, 0, -1);
        ck_assert_uint_eq(again->seed, (uint64_t)seeds[i]);
        ak_scenario_free(again);
        free(json);
        ak_scenario_free(s);
    }
}
END_TEST

int main(void)
{
    Suite *su = suite_create("scenario");
    TCase *tc = tcase_create("scenario");
    tcase_add_test(tc, small_scenario_loads_with_defaults);
    tcase_add_test(tc, optional_keys_are_read);
    tcase_add_test(tc, baseline_file_loads);
    tcase_add_test(tc, unknown_and_duplicate_keys);
    tcase_add_test(tc, wrong_types);
    tcase_add_test(tc, out_of_range);
    tcase_add_test(tc, missing_required_keys);
    tcase_add_test(tc, names_and_gpu_models);
    tcase_add_test(tc, long_description);
    tcase_add_test(tc, arrays_and_cross_checks);
    tcase_add_test(tc, behaviour_keys);
    tcase_add_test(tc, governance_keys);
    tcase_add_test(tc, pricing_keys);
    tcase_add_test(tc, attribute_keys);
    tcase_add_test(tc, default_sample_interval_longer_than_run);
    tcase_add_test(tc, distributions_and_params);
    tcase_add_test(tc, file_errors);
    tcase_add_test(tc, set_overrides);
    tcase_add_test(tc, set_errors);
    tcase_add_test(tc, seed_override_and_json);
    tcase_add_test(tc, free_null);
    tcase_add_test(tc, set_value_with_a_json_prefix_is_a_string);
    tcase_add_test(tc, large_seed_override);
    suite_add_tcase(su, tc);
    return fx_run(su);
}
