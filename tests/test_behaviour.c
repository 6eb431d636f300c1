/*
 * tests/test_behaviour.c: the agent behaviours a scenario selects (models/; docs/scenarios.md),
 * each shown by its defining effect in a small run with a fixed seed.
 *
 *   reliability  providers fail and are repaired on their fleet's distributions; a scheduled
 *                outage takes down exactly the providers it names; while a provider is down
 *                nothing on chain notices: its leases stay active and keep accruing, and the
 *                first withdrawal after the repair collects the whole time.
 *   choice       a flaky cheap provider's tenants leave it under the reputation policy and
 *                come back to it under cheapest-bid; random spreads leases over bidders.
 *   detection    a tenant acts on a failure only after its detection delay, and not at all
 *                when the provider is back by then.
 *
 * Runs are stepped event by event and inspected through the world (sim/world.h).
 */
#include <check.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_run.h"
#include "engine.h"
#include "errors.h"
#include "audit.h"
#include "escrow.h"
#include "gov.h"
#include "provider.h"
#include "recorder.h"
#include "scenario.h"
#include "slashing.h"
#include "staking.h"
#include "world.h"

#define NONE UINT32_MAX
#define DAY_US 86400000000LL
#define HOUR_US 3600000000LL

/* Two CPU fleets of one provider each: "flaky" (cheap) and "solid" (the script's prices); a few
 * tenants with long-lived web workloads. */
static const char BASE[] =
    "{\"name\": \"behaviour\", \"duration_days\": 12, \"seed\": 11, \"akt_usd\": 0.5,"
    " \"genesis\": {\"holders_akt\": 10000000,"
    "  \"validators\": {\"count\": 4, \"stake_akt\": 100000},"
    "  \"providers\": ["
    "   {\"name\": \"flaky\", \"count\": 1, \"cpu_cores\": 512, \"memory_gib\": 2048,"
    "    \"storage_gib\": 20000, \"regions\": [\"eu\"],"
    "    \"prices_usd\": {\"cpu\": 1.0, \"memory\": 0.5, \"storage\": 0.01},"
    "    \"reliability\": {\"time_to_failure_days\": {\"dist\": \"exponential\", \"mean\": 1},"
    "                      \"time_to_repair_hours\": 3}},"
    "   {\"name\": \"solid\", \"count\": 1, \"cpu_cores\": 512, \"memory_gib\": 2048,"
    "    \"storage_gib\": 20000, \"regions\": [\"us\"]}]},"
    " \"agents\": {\"tenants\": {\"count\": 4, \"balance_akt\": 100000,"
    "  \"arrivals_per_day\": 30, \"deposit_days\": 5,"
    "  \"on_provider_failure\": {\"detect_hours\": 0.25, \"action\": \"redeploy\"},"
    "  \"workloads\": [{\"kind\": \"web\", \"cpu_millis\": 1000, \"memory_mib\": 1024,"
    "   \"storage_mib\": 1024, \"lifetime_days\": {\"dist\": \"exponential\", \"mean\": 2},"
    "   \"budget_usd\": {\"cpu\": 4, \"memory\": 2, \"storage\": 0.1}}]}}}";

static ak_scenario *load(const char *const *sets, uint32_t nsets)
{
    ak_scenario *sc = NULL;
    char why[1200];
    int rc = ak_scenario_load_text("behaviour.json", BASE, strlen(BASE), sets, nsets, -1, &sc,
                                   why, sizeof why);
    ck_assert_msg(rc == 0, "scenario: %s", why);
    return sc;
}

#define SETS(...) ((const char *const[]){__VA_ARGS__})
#define NSETS(...) ((uint32_t)(sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *)))
#define LOAD(...) load(SETS(__VA_ARGS__), NSETS(__VA_ARGS__))

#define REQUIRE(cond, ...)                                                                         \
    do {                                                                                           \
        if (!(cond))                                                                               \
            ck_abort_msg(__VA_ARGS__);                                                             \
    } while (0)

static ak_sim *create(const ak_scenario *sc)
{
    ak_sim *s = NULL;
    char why[1200];
    ak_sim_opts o = {0};
    ck_assert_msg(ak_sim_create(sc, &o, &s, why, sizeof why) == 0, "%s", why);
    return s;
}

static int step(ak_sim *s)
{
    int rc = ak_sim_step(s);
    REQUIRE(rc >= 0, "the run failed: %s", ak_sim_errmsg(s));
    return rc;
}

static uint32_t provider_named(const ak_world *w, const char *prefix)
{
    for (uint32_t p = 0; p < w->nproviders; p++)
        if (strncmp(ak_strtab_get(w->strs, w->providers[p].addr), prefix, strlen(prefix)) == 0)
            return p;
    ck_abort_msg("no provider %s", prefix);
    return NONE;
}

/* ---- reliability ------------------------------------------------------------------------- */

/* Leases created with `flaky` by a tenant that had already noticed a failure of it, and the
 * failures noticed, over the whole run. */
typedef struct relapse {
    int64_t relapses, noticed, redeployments, flaky_leases, failures;
} relapse;

static relapse run_choice(const char *choice)
{
    char set[128];
    snprintf(set, sizeof set, "agents.tenants.choice=%s", choice);
    ak_scenario *sc = LOAD(set);
    ak_sim *s = create(sc);
    ak_world *w = s;
    uint32_t flaky = provider_named(w, "flaky-");
    relapse r = {0};
    int64_t leases = 0;
    while (step(s) == 1) {
        if (w->leases_total == leases)
            continue;
        leases = w->leases_total;
        for (uint32_t d = 0; d < w->ndeps; d++) {
            const w_dep *dep = &w->deps[d];
            if (dep->state != W_DEP_LEASED || dep->lease_us != w->now || dep->provider != flaky)
                continue;
            r.flaky_leases++;
            uint32_t seen = ak_map_get(&w->seen, ak_key2(w->tenants[dep->tenant].addr,
                                                         w->providers[flaky].addr));
            r.relapses += seen != AK_POOL_NONE && seen > 0;
        }
    }
    for (uint32_t t = 0; t < w->ntenants; t++) {
        r.noticed += w->tenants[t].failures_noticed;
        r.redeployments += w->tenants[t].redeployments;
    }
    r.failures = w->providers[flaky].failures;
    ck_assert_int_eq(w->total.provider_failures, r.failures);
    ak_sim_destroy(s);
    ak_scenario_free(sc);
    return r;
}

START_TEST(reputation_leaves_a_flaky_provider_cheapest_does_not)
{
    relapse cheap = run_choice("cheapest");
    relapse rep = run_choice("reputation");
    /* the flaky provider failed several times and its tenants noticed and redeployed */
    ck_assert_int_ge(cheap.failures, 5);
    ck_assert_int_gt(cheap.noticed, 0);
    ck_assert_int_eq(cheap.redeployments, cheap.noticed);
    ck_assert_int_gt(rep.noticed, 0);
    /* cheapest-bid goes back to the cheap provider whenever it is up; reputation never does
     * once the tenant has seen it fail */
    ck_assert_int_gt(cheap.relapses, 3);
    ck_assert_int_eq(rep.relapses, 0);
    ck_assert_int_lt(rep.flaky_leases, cheap.flaky_leases);
}
END_TEST

START_TEST(shared_reputation_spreads_to_every_tenant)
{
    ak_scenario *sc = LOAD("agents.tenants.choice={\"policy\":\"reputation\",\"memory\":"
                           "\"shared\",\"penalty\":1}");
    ak_sim *s = create(sc);
    ak_world *w = s;
    uint32_t flaky = provider_named(w, "flaky-");
    int64_t leases = 0, after = 0;
    while (step(s) == 1) {
        if (w->leases_total == leases)
            continue;
        leases = w->leases_total;
        for (uint32_t d = 0; d < w->ndeps; d++) {
            const w_dep *dep = &w->deps[d];
            if (dep->state == W_DEP_LEASED && dep->lease_us == w->now &&
                dep->provider == flaky && w->providers[flaky].noticed > 0)
                after++;
        }
    }
    ck_assert_int_gt(w->providers[flaky].noticed, 0);
    /* once anyone noticed a failure nobody leases from it again */
    ck_assert_int_eq(after, 0);
    ak_sim_destroy(s);
    ak_scenario_free(sc);
}
END_TEST

START_TEST(random_choice_spreads_leases)
{
    /* no failures: cheapest gives every lease to flaky, random about half */
    ak_scenario *sc = LOAD("agents.tenants.choice=random",
                           "genesis.providers[0].reliability={\"time_to_failure_days\":10000,"
                           "\"time_to_repair_hours\":1}");
    ak_sim *s = create(sc);
    ak_world *w = s;
    while (step(s) == 1)
        ;
    int64_t f = w->providers[provider_named(w, "flaky-")].leases_won;
    int64_t o = w->providers[provider_named(w, "solid-")].leases_won;
    ck_assert_int_gt(f + o, 200);
    ck_assert_msg(f > (f + o) * 4 / 10 && o > (f + o) * 4 / 10, "flaky %lld, solid %lld",
                  (long long)f, (long long)o);
    ak_sim_destroy(s);
    ak_scenario_free(sc);
}
END_TEST

START_TEST(failures_and_repairs_follow_the_fleet)
{
    /* exponential failures with mean 1 day, repairs of exactly 3 hours: over 12 days about 12
     * failures (12 / (1 + 1/8) ~ 10.7), each 3 hours down */
    ak_scenario *sc = LOAD("agents.tenants.on_provider_failure={\"action\":\"stay\"}");
    ak_sim *s = create(sc);
    ak_world *w = s;
    uint32_t flaky = provider_named(w, "flaky-"), solid = provider_named(w, "solid-");
    int64_t down_events = 0;
    bool was_down = false;
    while (step(s) == 1) {
        bool d = w->providers[flaky].down > 0;
        down_events += d && !was_down;
        was_down = d;
        REQUIRE(w->providers_down == (int64_t)(w->providers[flaky].down > 0), "providers_down");
        REQUIRE(w->providers[solid].down == 0, "the solid fleet never fails");
    }
    const w_provider *pv = &w->providers[flaky];
    ck_assert_int_eq(pv->failures, down_events);
    ck_assert_int_ge(pv->failures, 5);
    ck_assert_int_le(pv->failures, 20);
    /* every completed repair took exactly 3 hours */
    int64_t completed = pv->failures - (pv->down > 0);
    ck_assert_int_eq(pv->downtime_us, completed * 3 * HOUR_US);
    /* stay: nobody redeployed */
    for (uint32_t t = 0; t < w->ntenants; t++)
        ck_assert_int_eq(w->tenants[t].redeployments, 0);
    ak_sim_destroy(s);
    ak_scenario_free(sc);
}
END_TEST

START_TEST(outage_takes_down_its_region_only)
{
    ak_scenario *sc = LOAD("genesis.providers[0].reliability={\"time_to_failure_days\":10000,"
                           "\"time_to_repair_hours\":1}",
                           "agents.providers.outages=[{\"at_day\":1,\"hours\":6,\"region\":"
                           "\"us\"},{\"at_day\":2,\"hours\":6,\"region\":\"us\",\"share\":0}]");
    ak_sim *s = create(sc);
    ak_world *w = s;
    uint32_t flaky = provider_named(w, "flaky-"), solid = provider_named(w, "solid-");
    ck_assert_int_eq(ak_sim_run_until(s, DAY_US + HOUR_US, INT64_MAX), 1);
    ck_assert_uint_eq(w->providers[solid].down, 1);
    ck_assert_uint_eq(w->providers[flaky].down, 0);
    ck_assert_int_eq(ak_sim_run_until(s, DAY_US + 7 * HOUR_US, INT64_MAX), 1);
    ck_assert_uint_eq(w->providers[solid].down, 0);
    ck_assert_int_eq(w->providers[solid].downtime_us, 6 * HOUR_US);
    /* share 0: nobody */
    ck_assert_int_eq(ak_sim_run_until(s, 2 * DAY_US + HOUR_US, INT64_MAX), 1);
    ck_assert_uint_eq(w->providers[solid].down, 0);
    ck_assert_int_eq(w->providers[solid].failures, 1);
    ak_sim_destroy(s);
    ak_scenario_free(sc);
}
END_TEST

START_TEST(down_provider_leases_keep_paying)
{
    /* every provider is down from day 2 for 30 hours, longer than the withdrawal period (24 h);
     * tenants stay */
    ak_scenario *sc = LOAD("genesis.providers[0].reliability={\"time_to_failure_days\":10000,"
                           "\"time_to_repair_hours\":1}",
                           "agents.providers.outages=[{\"at_day\":2,\"hours\":30}]",
                           "agents.tenants.on_provider_failure={\"action\":\"stay\"}",
                           "agents.tenants.workloads[0].lifetime_days=100");
    ak_sim *s = create(sc);
    ak_world *w = s;
    ck_assert_int_eq(ak_sim_run_until(s, 2 * DAY_US - 1, INT64_MAX), 1);
    /* a lease that started before the outage */
    uint32_t d = NONE;
    for (uint32_t i = 0; i < w->ndeps && d == NONE; i++)
        if (w->deps[i].state == W_DEP_LEASED)
            d = i;
    ck_assert_uint_ne(d, NONE);
    int64_t active = w->active_leases;
    int64_t paid_before = w->deps[d].paid;
    ak_height h0 = w->deps[d].lease_height;
    /* through the outage: no lease closes, nothing is withdrawn */
    while (ak_sim_time(s) < 2 * DAY_US + 30 * HOUR_US) {
        ck_assert_int_eq(step(s), 1);
        REQUIRE(w->active_leases >= active, "a lease closed during the outage");
        REQUIRE(w->deps[d].paid == paid_before, "a withdrawal while down");
    }
    ck_assert_int_eq(w->deps[d].state, W_DEP_LEASED);
    /* the first withdrawal after the repair collects everything since the lease started */
    while (w->deps[d].paid == paid_before)
        ck_assert_int_eq(step(s), 1);
    ak_height blocks = ak_sim_height(s) - h0;
    ak_dec owed;
    int64_t owed_i;
    ck_assert_int_eq(ak_dec_mul_int(w->deps[d].lease_price, blocks, &owed), 0);
    ck_assert_int_eq(ak_dec_truncate_int(owed, &owed_i), 0);
    ck_assert_int_ge(w->deps[d].paid, owed_i - 1);
    ck_assert_int_le(w->deps[d].paid, owed_i + 1);
    ak_sim_destroy(s);
    ak_scenario_free(sc);
}
END_TEST

START_TEST(notice_waits_for_detection_and_skips_repaired)
{
    /* repairs take 3 hours: a 6-hour detection delay never sees a provider still down */
    ak_scenario *sc = LOAD("agents.tenants.on_provider_failure={\"detect_hours\":6}");
    ak_sim *s = create(sc);
    ak_world *w = s;
    while (step(s) == 1)
        ;
    uint32_t flaky = provider_named(w, "flaky-");
    ck_assert_int_ge(w->providers[flaky].failures, 5);
    ck_assert_int_eq(w->providers[flaky].noticed, 0);
    ck_assert_int_eq(w->total.failures_noticed, 0);
    ak_sim_destroy(s);
    ak_scenario_free(sc);

    /* a 1-hour delay: noticed, and never before an hour after the failure */
    sc = LOAD("agents.tenants.on_provider_failure={\"detect_hours\":1}");
    s = create(sc);
    w = s;
    flaky = provider_named(w, "flaky-");
    int64_t noticed = 0;
    while (step(s) == 1) {
        if (w->providers[flaky].noticed != noticed) {
            noticed = w->providers[flaky].noticed;
            REQUIRE(w->providers[flaky].down > 0, "noticed while up");
            REQUIRE(w->now - w->providers[flaky].down_since == HOUR_US,
                    "noticed %lld us after the failure",
                    (long long)(w->now - w->providers[flaky].down_since));
        }
    }
    ck_assert_int_gt(noticed, 0);
    ak_sim_destroy(s);
    ak_scenario_free(sc);
}
END_TEST

/* ---- validators -------------------------------------------------------------------------- */

static uint32_t staking_handle(const ak_world *w, ak_addr a)
{
    const ak_staking *st = ak_app_staking(w->app);
    return ak_map_get(&st->val_index, ak_key2(a, 0));
}

static const ak_validator *validator(const ak_world *w, uint32_t v)
{
    uint32_t h = staking_handle(w, w->val_stats[v].addr);
    ck_assert_uint_ne(h, AK_POOL_NONE);
    return ak_pool_at(&ak_app_staking(w->app)->vals, h);
}

START_TEST(validator_outage_halts_the_chain)
{
    /* four validators of equal power; an outage of a third of the power takes two of them (a
     * half) offline for two hours: less than +2/3 online, the chain halts */
    ak_scenario *sc = LOAD("agents.validators={\"outages\":[{\"at_day\":1,\"hours\":2,"
                           "\"power_share\":0.34}]}",
                           "genesis.providers[0].reliability={\"time_to_failure_days\":10000,"
                           "\"time_to_repair_hours\":1}",
                           "agents.tenants.workloads[0].lifetime_days=100");
    ak_sim *s = create(sc);
    ak_world *w = s;
    ck_assert_int_eq(ak_sim_run_until(s, DAY_US - 1, INT64_MAX), 1);
    ak_height h0 = ak_sim_height(s);
    uint32_t d = NONE;
    for (uint32_t i = 0; i < w->ndeps && d == NONE; i++)
        if (w->deps[i].state == W_DEP_LEASED)
            d = i;
    ck_assert_uint_ne(d, NONE);
    ck_assert_int_eq(ak_sim_run_until(s, DAY_US + 10 * 60000000LL, INT64_MAX), 1);
    ck_assert(w->halted);
    ck_assert_uint_eq(w->vals_down, 2);
    ak_height h1 = ak_sim_height(s);
    ck_assert_int_le(h1, h0 + 1);
    int64_t remain = world_blocks_remaining(w, world_dep_account(w, &w->deps[d]));
    /* through the halt: no height, so nothing accrues */
    ck_assert_int_eq(ak_sim_run_until(s, DAY_US + 2 * HOUR_US - 1, INT64_MAX), 1);
    ck_assert_int_eq(ak_sim_height(s), h1);
    ck_assert_int_eq(world_blocks_remaining(w, world_dep_account(w, &w->deps[d])), remain);
    ck_assert_int_eq(w->total.halted_us, 0); /* counted when it resumes */
    /* back: blocks again, one halt of about two hours */
    ck_assert_int_eq(ak_sim_run_until(s, DAY_US + 2 * HOUR_US + 60000000LL, INT64_MAX), 1);
    ck_assert(!w->halted);
    ck_assert_uint_eq(w->vals_down, 0);
    ck_assert_int_gt(ak_sim_height(s), h1 + 5);
    ck_assert_int_eq(w->total.halts, 1);
    ck_assert_int_gt(w->total.halted_us, 2 * HOUR_US - 6000000);
    ck_assert_int_le(w->total.halted_us, 2 * HOUR_US);
    ck_assert_int_lt(world_blocks_remaining(w, world_dep_account(w, &w->deps[d])), remain);
    ak_sim_destroy(s);
    ak_scenario_free(sc);
}
END_TEST

START_TEST(halt_time_adds_up_over_samples)
{
    /* hourly samples: the two-hour halt spans a sample; the rows' halted_s add up to it */
    ak_scenario *sc = LOAD("agents.validators={\"outages\":[{\"at_day\":1,\"hours\":2,"
                           "\"power_share\":0.34}]}",
                           "sample_interval_hours=1", "duration_days=2");
    char path[] = "/tmp/akashsim-behaviour-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    remove(path);
    char why[1200];
    ak_rec *rec = NULL;
    ck_assert_msg(ak_rec_open(path, &rec, why, sizeof why) == 0, "%s", why);
    ak_rec_run_info info = {.scenario_name = sc->name, .scenario_json = "{}", .seed = sc->seed,
                            .point = -1, .rules = "akash-v1", .version = "test"};
    int64_t id;
    ck_assert_int_eq(ak_rec_begin_run(rec, &info, &id), 0);
    ak_sim_opts o = {.rec = rec};
    ak_sim *s = NULL;
    ck_assert_msg(ak_sim_create(sc, &o, &s, why, sizeof why) == 0, "%s", why);
    while (step(s) == 1)
        ;
    ck_assert_int_eq(ak_sim_finish(s), 0);
    ck_assert_int_eq(ak_rec_end_run(rec, true, NULL, 0, 0, 0), 0);
    ck_assert_int_eq(ak_rec_close(rec), 0);
    sqlite3 *db;
    ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *st;
    ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT sum(halted_s), sum(chain_halts), "
                                            "count(*) FILTER (WHERE halted_s > 0), "
                                            "max(validators_offline) FROM metrics",
                                        -1, &st, NULL),
                     SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    ak_world *w = s;
    ck_assert_double_eq_tol(sqlite3_column_double(st, 0), (double)w->total.halted_us / 1e6, 1e-6);
    ck_assert_int_gt(w->total.halted_us, 2 * HOUR_US - 6000000);
    ck_assert_int_eq(sqlite3_column_int(st, 1), 1);
    ck_assert_int_eq(sqlite3_column_int(st, 2), 2);
    ck_assert_int_eq(sqlite3_column_int(st, 3), 2);
    sqlite3_finalize(st);
    sqlite3_close(db);
    remove(path);
    ak_sim_destroy(s);
    ak_scenario_free(sc);
}
END_TEST

/* One validator (a quarter of the power) offline for an hour with a short signing window: it
 * is jailed for downtime while the chain goes on, and unjails once back (or stays jailed). */
static void jail_and_unjail(bool unjail)
{
    char set[200];
    snprintf(set, sizeof set,
             "agents.validators={\"outages\":[{\"at_day\":0.5,\"hours\":1,"
             "\"power_share\":0.25}],\"unjail\":%s}",
             unjail ? "true" : "false");
    ak_scenario *sc = LOAD(set,
                           "genesis.params={\"slashing\":{\"signed_blocks_window\":\"100\","
                           "\"min_signed_per_window\":\"0.5\"}}",
                           "duration_days=1");
    ak_sim *s = create(sc);
    ak_world *w = s;
    ck_assert_int_eq(ak_sim_run_until(s, DAY_US / 2 + 30 * 60000000LL, INT64_MAX), 1);
    ck_assert(!w->halted);
    ck_assert_uint_eq(w->vals_down, 1);
    uint32_t off = NONE;
    for (uint32_t v = 0; v < w->nvals; v++)
        if (w->val_stats[v].down)
            off = v;
    ck_assert_uint_ne(off, NONE);
    ck_assert(validator(w, off)->jailed);
    ck_assert_int_gt(w->val_stats[off].missed, 50);
    /* back at 13:00; MsgUnjail goes into the next block */
    ck_assert_int_eq(ak_sim_run_until(s, DAY_US / 2 + HOUR_US + 60000000LL, INT64_MAX), 1);
    ck_assert_uint_eq(w->vals_down, 0);
    ck_assert_int_eq(w->val_stats[off].downtime_us, HOUR_US);
    ck_assert(validator(w, off)->jailed == !unjail);
    ak_sim_destroy(s);
    ak_scenario_free(sc);
}

START_TEST(offline_validator_is_jailed_and_unjails)
{
    jail_and_unjail(true);
    jail_and_unjail(false);
}
END_TEST

START_TEST(double_sign_tombstones)
{
    ak_scenario *sc = LOAD("genesis.validators.count=10", "duration_days=1",
                           "agents.validators={\"double_sign_per_year\":73}");
    ak_sim *s = create(sc);
    ak_world *w = s;
    int rc;
    while ((rc = ak_sim_step(s)) == 1)
        ;
    ck_assert_msg(rc == 0, "%s", ak_sim_errmsg(s));
    int64_t signs = 0;
    const ak_slashing *sl = ak_app_slashing(w->app);
    for (uint32_t v = 0; v < w->nvals; v++) {
        const ak_validator *val = validator(w, v);
        uint32_t si = ak_map_get(&sl->info_index, ak_key2(w->val_stats[v].addr, 0));
        const ak_signing_info *info = ak_pool_at(&sl->infos, si);
        signs += w->val_stats[v].double_signs;
        /* a double signer is slashed, jailed and tombstoned; nobody else is */
        ck_assert(info->tombstoned == (w->val_stats[v].double_signs > 0));
        ck_assert(val->jailed == info->tombstoned);
        if (info->tombstoned)
            ck_assert_int_lt(val->tokens, w->val_stats[v].tokens_start);
        else
            ck_assert_int_ge(val->tokens, w->val_stats[v].tokens_start);
    }
    ck_assert_int_ge(signs, 1);
    ak_sim_destroy(s);
    ak_scenario_free(sc);
}
END_TEST

START_TEST(validator_failures_and_repairs)
{
    /* each validator offline about a tenth of the time: blocks go on, some precommits are
     * absent, some rounds fail (longer blocks) */
    ak_scenario *sc = LOAD("agents.validators={\"time_to_failure_days\":{\"dist\":"
                           "\"exponential\",\"mean\":0.5},\"time_to_repair_hours\":1.2}",
                           "genesis.validators.count=10", "duration_days=4");
    ak_sim *s = create(sc);
    ak_world *w = s;
    int64_t offline_seen = 0;
    int rc;
    while ((rc = ak_sim_step(s)) == 1) {
        uint32_t down = 0;
        for (uint32_t v = 0; v < w->nvals; v++)
            down += w->val_stats[v].down > 0;
        REQUIRE(down == w->vals_down, "vals_down %u, counted %u", w->vals_down, down);
        offline_seen += down > 0;
    }
    ck_assert_msg(rc == 0, "%s", ak_sim_errmsg(s));
    int64_t failures = 0, missed = 0;
    for (uint32_t v = 0; v < w->nvals; v++) {
        failures += w->val_stats[v].failures;
        missed += w->val_stats[v].missed;
    }
    /* about 4 / (0.5 + 0.05) ~ 7 failures each */
    ck_assert_int_gt(failures, 40);
    ck_assert_int_lt(failures, 110);
    ck_assert_int_gt(missed, 0);
    ck_assert_int_gt(offline_seen, 0);
    /* fewer blocks than 4 days of 6-second blocks: failed rounds took longer */
    ck_assert_int_lt(ak_sim_height(s), 4 * 14400);
    ck_assert_int_gt(ak_sim_height(s), 4 * 14400 * 8 / 10);
    ak_sim_destroy(s);
    ak_scenario_free(sc);
}
END_TEST

/* ---- pricing strategies ------------------------------------------------------------------ */

/* The price provider p of the sim bids for `units` units of 2000 millicpu, 4 GiB, 10 GiB. */
static ak_dec bid_price(ak_world *w, uint32_t p, uint32_t units)
{
    w_dep d = {.workload = 0, .units = units};
    d.need[W_CPU] = 2000;
    d.need[W_MEM] = 4LL << 30;
    d.need[W_STORAGE] = 10LL << 30;
    ak_group_spec g;
    ak_resource_unit u;
    ak_storage_volume vol;
    ak_attr gpu;
    world_dep_spec(w, &d, units, &g, &u, &vol, &gpu);
    const ak_pricing_strategy *st = w->sc->fleets[w->providers[p].fleet].pricing.strategy;
    ak_dec rate;
    ck_assert_int_eq(st->price(w, p, &g, w->akt_usd, &rate), 0);
    return rate;
}

static ak_dec dec_of(const char *s)
{
    ak_dec d;
    ck_assert_int_eq(ak_dec_parse(s, strlen(s), &d), 0);
    return d;
}

START_TEST(scale_and_cost_plus_prices)
{
    ak_scenario *sc = LOAD("genesis.providers[0].pricing={\"strategy\":\"scale\",\"cpu\":"
                           "0.005}",
                           "genesis.providers[1].cost_usd={\"cpu\":1,\"memory\":0.5,"
                           "\"storage\":0.01}",
                           "genesis.providers[1].pricing={\"strategy\":\"cost_plus\","
                           "\"margin\":0.5}");
    ak_sim *s = create(sc);
    ak_world *w = s;
    /* scale: 2000 x 0.005 + 4096 MiB x 0.0016 + 10240 MiB x 0.00016 = 10 + 6.5536 + 1.6384 */
    ck_assert(ak_dec_cmp(bid_price(w, provider_named(w, "flaky-"), 1), dec_of("18.192")) == 0);
    ck_assert(ak_dec_cmp(bid_price(w, provider_named(w, "flaky-"), 2), dec_of("36.384")) == 0);
    /* cost_plus: (2 x 1 + 4 x 0.5 + 10 x 0.01) x 1.5 = 6.15 USD a month; x 10^6 / 429909
     * blocks a month / 0.5 USD per AKT = 28.6107...; rounded half up to 6 decimals */
    ak_dec want;
    ak_script_prices sp;
    ak_pricing_script_defaults(&sp);
    ck_assert_int_eq(ak_pricing_script_rate(&sp, dec_of("6.15"), dec_of("0.5"), &want), 0);
    ck_assert(ak_dec_cmp(bid_price(w, provider_named(w, "solid-"), 1), want) == 0);
    ck_assert(ak_dec_cmp(want, dec_of("28.610706")) == 0);
    ak_sim_destroy(s);
    ak_scenario_free(sc);
}
END_TEST

START_TEST(adaptive_price_follows_utilization)
{
    ak_scenario *sc = LOAD("genesis.providers[0].pricing={\"strategy\":\"adaptive\","
                           "\"target\":0.5,\"sensitivity\":2,\"min_factor\":0.6,"
                           "\"max_factor\":1.5}",
                           "genesis.providers[1].pricing=\"script\"");
    ak_sim *s = create(sc);
    ak_world *w = s;
    uint32_t p = provider_named(w, "flaky-");
    w_provider *pv = &w->providers[p];
    /* the base: flaky's fleet targets under the script */
    ak_group_spec g;
    ak_resource_unit u;
    ak_storage_volume vol;
    ak_attr gpu;
    w_dep d = {.units = 1};
    d.need[W_CPU] = 2000;
    d.need[W_MEM] = 4LL << 30;
    d.need[W_STORAGE] = 10LL << 30;
    world_dep_spec(w, &d, 1, &g, &u, &vol, &gpu);
    ak_dec usd, base;
    ck_assert_int_eq(ak_pricing_script_usd(w->strs, &w->fleet_prices[pv->fleet], &g, &usd), 0);
    ck_assert_int_eq(ak_pricing_script_rate(&w->fleet_prices[pv->fleet], usd, w->akt_usd, &base),
                     0);
    /* idle: 1 + 2 x (0 - 0.5) = 0 -> the floor 0.6; half busy: 1; 70 % busy (memory): 1.4;
     * full: 2 -> the cap 1.5 */
    static const struct {
        double used, factor;
    } cases[] = {{0, 0.6}, {0.5, 1.0}, {0.7, 1.4}, {1.0, 1.5}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pv->free[W_MEM] = pv->cap[W_MEM] - (int64_t)(cases[i].used * (double)pv->cap[W_MEM]);
        ak_dec want;
        ck_assert_int_eq(ak_dec_mul(base, world_dec6(cases[i].factor), &want), 0);
        const __int128 unit = 1000000000000;
        want = ak_dec_from_raw((want.v + unit / 2) / unit * unit);
        ak_dec got = bid_price(w, p, 1);
        ck_assert_msg(ak_dec_cmp(got, want) == 0, "utilization %g: %.6f, want %.6f",
                      cases[i].used, (double)got.v * 1e-18, (double)want.v * 1e-18);
    }
    pv->free[W_MEM] = pv->cap[W_MEM];
    ak_sim_destroy(s);
    ak_scenario_free(sc);
}
END_TEST

START_TEST(learning_provider_undercuts_until_it_wins)
{
    /* solid learns; flaky (never failing here) is cheaper. Solid loses, cuts its factor until
     * it undercuts flaky, wins, and then hovers around the price where it wins */
    ak_scenario *sc = LOAD("genesis.providers[0].reliability={\"time_to_failure_days\":10000,"
                           "\"time_to_repair_hours\":1}",
                           "genesis.providers[1].pricing={\"strategy\":\"learning\","
                           "\"up\":0.01,\"down\":0.05,\"min_factor\":0.3}",
                           "duration_days=6");
    ak_sim *s = create(sc);
    ak_world *w = s;
    uint32_t solid = provider_named(w, "solid-"), flaky = provider_named(w, "flaky-");
    double lowest = 1;
    while (step(s) == 1)
        if (w->providers[solid].factor < lowest)
            lowest = w->providers[solid].factor;
    /* flaky's targets are 1.0 / 0.5 / 0.01 against solid's 1.6 / 0.8 / 0.02: solid must go
     * below about 0.6 to win */
    ck_assert_double_lt(lowest, 0.65);
    ck_assert_double_ge(lowest, 0.3);
    ck_assert_int_gt(w->providers[solid].leases_won, 10);
    ck_assert_int_gt(w->providers[flaky].leases_won, 0);
    ck_assert_double_lt(w->providers[solid].factor, 0.75);
    /* flaky does not learn */
    ck_assert_double_eq(w->providers[flaky].factor, 1);
    ak_sim_destroy(s);
    ak_scenario_free(sc);
}
END_TEST

/* ---- entry and exit ---------------------------------------------------------------------- */

START_TEST(losing_provider_exits_and_its_tenants_move)
{
    /* one provider whose costs dwarf its income: it reviews every 2 days, leaves after two
     * losing reviews (day 4), closing its leases; its tenants redeploy and find nobody */
    ak_scenario *sc = LOAD("genesis.providers[0].count=0",
                           "genesis.providers[1].cost_usd={\"cpu\":50}",
                           "genesis.providers[1].entry_exit={\"review_days\":2,"
                           "\"exit_after\":2,\"max_entrants\":0}",
                           "duration_days=6");
    ak_sim *s = create(sc);
    ak_world *w = s;
    uint32_t solid = provider_named(w, "solid-");
    ck_assert_int_eq(ak_sim_run_until(s, 4 * DAY_US - 1, INT64_MAX), 1);
    ck_assert_uint_eq(w->providers[solid].state, W_PROV_ACTIVE);
    ck_assert_uint_eq(w->providers[solid].losses, 1);
    int64_t leased = w->active_leases;
    ck_assert_int_gt(leased, 3);
    ck_assert_int_eq(ak_sim_run_until(s, 4 * DAY_US + 60000000LL, INT64_MAX), 1);
    ck_assert_uint_eq(w->providers[solid].state, W_PROV_GONE);
    ck_assert_int_eq(w->providers[solid].exited_us, 4 * DAY_US);
    ck_assert_int_eq(w->active_leases, 0);
    ck_assert_int_eq(w->active_providers, 0);
    ck_assert_int_eq(w->capacity[W_CPU], 0);
    ck_assert_int_eq(w->total.exited, 1);
    int64_t moved = 0, unmet = w->total.orders_unmet;
    for (uint32_t t = 0; t < w->ntenants; t++)
        moved += w->tenants[t].redeployments;
    ck_assert_int_eq(moved, leased);
    while (step(s) == 1)
        REQUIRE(w->active_leases == 0, "a lease without a provider");
    ck_assert_int_gt(w->total.orders_unmet, unmet);
    ak_sim_destroy(s);
    ak_scenario_free(sc);
}
END_TEST

START_TEST(profitable_fleet_attracts_entrants)
{
    /* one cheap-to-run provider, too small for the demand, earns far more than its cost:
     * every review (2 days) lets max(1, round(active)) dormant slots enter a day later, up to
     * three, and they win the orders it has no room for */
    ak_scenario *sc = LOAD("genesis.providers[0].count=0", "genesis.providers[1].cpu_cores=16",
                           "genesis.providers[1].cost_usd={\"cpu\":0.01}",
                           "genesis.providers[1].entry_exit={\"review_days\":2,"
                           "\"lag_days\":1,\"entry_rate\":1,\"max_entrants\":3}",
                           "duration_days=8");
    ak_sim *s = create(sc);
    ak_world *w = s;
    ck_assert_uint_eq(w->nproviders, 4);
    ck_assert_int_eq(w->active_providers, 1);
    int64_t cap1 = w->capacity[W_CPU];
    ck_assert_int_eq(ak_sim_run_until(s, 3 * DAY_US + 60000000LL, INT64_MAX), 1);
    ck_assert_int_eq(w->active_providers, 2);
    ck_assert_int_eq(ak_sim_run_until(s, 5 * DAY_US + 60000000LL, INT64_MAX), 1);
    ck_assert_int_eq(w->active_providers, 4);
    ck_assert_int_eq(w->total.entered, 3);
    ck_assert_int_gt(w->capacity[W_CPU], cap1);
    while (step(s) == 1)
        ;
    const ak_providers *ps = ak_app_providers(w->app);
    int64_t entrant_wins = 0;
    for (uint32_t p = 1; p < 4; p++) {
        ck_assert_uint_eq(w->providers[p].state, W_PROV_ACTIVE);
        ck_assert_int_gt(w->providers[p].entered_us, 0);
        /* registered on chain by its MsgCreateProvider */
        ck_assert_uint_ne(ak_map_get(&ps->index, ak_key2(w->providers[p].addr, 0)),
                          AK_POOL_NONE);
        entrant_wins += w->providers[p].leases_won;
    }
    ck_assert_int_gt(entrant_wins, 0);
    ak_sim_destroy(s);
    ak_scenario_free(sc);

    /* dormant slots do not fail: an outage of the whole fleet at day 1 takes down the one
     * provider in the market, not the three slots still waiting */
    sc = LOAD("genesis.providers[0].count=0", "genesis.providers[1].cpu_cores=16",
              "genesis.providers[1].cost_usd={\"cpu\":0.01}",
              "genesis.providers[1].entry_exit={\"review_days\":2,\"lag_days\":1,"
              "\"entry_rate\":1,\"max_entrants\":3}",
              "agents.providers.outages=[{\"at_day\":1,\"hours\":2,\"fleet\":\"solid\"}]",
              "duration_days=2");
    s = create(sc);
    w = s;
    ck_assert_int_eq(ak_sim_run_until(s, DAY_US + HOUR_US, INT64_MAX), 1);
    ck_assert_int_eq(w->providers_down, 1);
    ck_assert_uint_eq(w->providers[0].down, 1);
    for (uint32_t p = 1; p < 4; p++)
        ck_assert_uint_eq(w->providers[p].down, 0);
    ak_sim_destroy(s);
    ak_scenario_free(sc);
}
END_TEST

/* ---- the AKT price and demand ------------------------------------------------------------ */

START_TEST(price_crash_raises_script_bids_in_uakt)
{
    /* AKT at $1 until day 2, then $0.30 (a CSV path): the script's bids and the tenants'
     * budgets are USD targets, so their uakt prices rise by 1 / 0.3 */
    char csv[] = "/tmp/akashsim-price-XXXXXX";
    int fd = mkstemp(csv);
    ck_assert_int_ge(fd, 0);
    const char rows[] = "day,akt_usd\n0,1.0\n2,0.3\n";
    ck_assert_int_eq(write(fd, rows, sizeof rows - 1), (ssize_t)(sizeof rows - 1));
    close(fd);
    char set[200];
    snprintf(set, sizeof set,
             "akt_usd={\"process\":\"csv\",\"file\":\"%s\",\"interpolate\":\"step\"}",
             csv);
    ak_scenario *sc = LOAD(set, "duration_days=4", "genesis.providers[0].count=0",
                           "agents.tenants.workloads[0].lifetime_days=0.2");
    ak_sim *s = create(sc);
    ak_world *w = s;
    /* one unit of 1000 millicpu, 1 GiB, 1 GiB at the script's default targets */
    w_dep d = {.units = 1};
    d.need[W_CPU] = 1000;
    d.need[W_MEM] = 1LL << 30;
    d.need[W_STORAGE] = 1LL << 30;
    ak_group_spec g;
    ak_resource_unit u;
    ak_storage_volume vol;
    ak_attr gpu;
    world_dep_spec(w, &d, 1, &g, &u, &vol, &gpu);
    ak_dec usd, before, after;
    const ak_script_prices *sp = &w->fleet_prices[1];
    ck_assert_int_eq(ak_pricing_script_usd(w->strs, sp, &g, &usd), 0);
    ck_assert_int_eq(ak_pricing_script_rate(sp, usd, dec_of("1"), &before), 0);
    ck_assert_int_eq(ak_pricing_script_rate(sp, usd, dec_of("0.3"), &after), 0);
    int64_t n_before = 0, n_after = 0;
    int64_t leases = 0;
    while (step(s) == 1) {
        if (w->leases_total == leases)
            continue;
        leases = w->leases_total;
        for (uint32_t i = 0; i < w->ndeps; i++) {
            const w_dep *dep = &w->deps[i];
            if (dep->state != W_DEP_LEASED || dep->lease_us != w->now)
                continue;
            bool crashed = w->now >= 2 * DAY_US;
            ak_dec want = crashed ? after : before;
            REQUIRE(ak_dec_cmp(dep->lease_price, want) == 0, "day %g: lease at %.6f uakt",
                    (double)w->now / DAY_US, (double)dep->lease_price.v * 1e-18);
            REQUIRE(dep->lease_usd == (crashed ? 0.3 : 1.0), "lease_usd %g", dep->lease_usd);
            n_before += !crashed;
            n_after += crashed;
        }
    }
    ck_assert_int_gt(n_before, 20);
    ck_assert_int_gt(n_after, 20);
    ck_assert_double_eq(w->usd_now, 0.3);
    remove(csv);
    ak_sim_destroy(s);
    ak_scenario_free(sc);
}
END_TEST

START_TEST(price_path_moves_usd_figures)
{
    /* a volatile GBM: the price moves every hour, and the run's USD flows are each converted
     * at the price of their time (not at the end price) */
    ak_scenario *sc = LOAD("akt_usd={\"process\":\"gbm\",\"start\":1,\"volatility\":2,"
                           "\"step_hours\":1}",
                           "duration_days=4");
    ak_sim *s = create(sc);
    ak_world *w = s;
    double lo = 1, hi = 1;
    while (step(s) == 1) {
        lo = w->usd_now < lo ? w->usd_now : lo;
        hi = w->usd_now > hi ? w->usd_now : hi;
    }
    ck_assert_double_lt(lo, hi);
    ak_sim_summary sum;
    ak_sim_summarize(s, &sum);
    ck_assert_double_eq(sum.akt_usd_start, 1);
    ck_assert_double_eq(sum.akt_usd_end, w->usd_now);
    ck_assert_double_gt(sum.income_usd, 0);
    /* income in USD lies between the uakt income at the lowest and at the highest price */
    double uakt = (double)w->total.income / 1e6;
    ck_assert_double_ge(sum.income_usd, uakt * lo * 0.999);
    ck_assert_double_le(sum.income_usd, uakt * hi * 1.001);
    ck_assert_double_ne(sum.income_usd, uakt * w->usd_now);
    /* so does the spend, block by block (converted at each price change) */
    double spent = (double)((w->total.spend_raw + w->period.spend_raw) /
                            (__int128)1000000000000000000) / 1e6;
    ck_assert_double_gt(spent, 0);
    ck_assert_double_ge(sum.spend_usd, spent * lo * 0.999);
    ck_assert_double_le(sum.spend_usd, spent * hi * 1.001);
    ck_assert_double_ne(sum.spend_usd, spent * w->usd_now);
    ak_sim_destroy(s);
    ak_scenario_free(sc);
}
END_TEST

static int64_t deployments_between(ak_scenario *sc, double from_day, double to_day)
{
    ak_sim *s = create(sc);
    ak_world *w = s;
    ck_assert_int_ge(ak_sim_run_until(s, (ak_usec)(from_day * DAY_US), INT64_MAX), 0);
    int64_t d0 = w->total.deployments;
    ck_assert_int_ge(ak_sim_run_until(s, (ak_usec)(to_day * DAY_US), INT64_MAX), 0);
    int64_t n = w->total.deployments - d0;
    ak_sim_destroy(s);
    return n;
}

START_TEST(demand_spike_multiplies_arrivals)
{
    /* 30 arrivals a day (no failures, so no redeployments); a spike of 5x on day 3 */
#define NO_FAILURES                                                                                \
    "genesis.providers[0].reliability={\"time_to_failure_days\":10000,\"time_to_repair_hours\":1}"
    ak_scenario *flat = LOAD("duration_days=5", NO_FAILURES);
    ak_scenario *spiky = LOAD("duration_days=5", NO_FAILURES,
                              "agents.tenants.demand={\"events\":[{\"kind\":\"spike\","
                              "\"at_day\":3,\"days\":1,\"factor\":5}]}");
#undef NO_FAILURES
    int64_t before_flat = deployments_between(flat, 1, 3);
    int64_t before_spiky = deployments_between(spiky, 1, 3);
    int64_t in_flat = deployments_between(flat, 3, 4);
    int64_t in_spiky = deployments_between(spiky, 3, 4);
    /* outside the spike both are about 60 over two days; inside, about 30 against 150 */
    ck_assert_int_gt(before_flat, 35);
    ck_assert_int_gt(before_spiky, 35);
    ck_assert_int_lt(before_spiky, 90);
    ck_assert_int_gt(in_spiky, 3 * in_flat);
    ck_assert_int_gt(in_spiky, 100);
    ak_scenario_free(flat);
    ak_scenario_free(spiky);
}
END_TEST

START_TEST(price_response_turns_arrivals_away)
{
    /* the going price (about $1 to $2.5 per CPU-month here) against a reference of $0.25:
     * with an arrival elasticity of 1 most arrivals stay away; against $1000 none does */
    ak_scenario *dear = LOAD("agents.tenants.price_response={\"reference_usd_cpu_month\":0.25,"
                             "\"arrival_elasticity\":1}",
                             "duration_days=4");
    ak_scenario *cheap = LOAD("agents.tenants.price_response={\"reference_usd_cpu_month\":"
                              "1000,\"arrival_elasticity\":1}",
                              "duration_days=4");
    ak_sim *s = create(dear);
    ak_world *w = s;
    while (step(s) == 1)
        ;
    int64_t out = w->total.priced_out;
    int64_t deployed = w->total.deployments;
    ck_assert_int_gt(out, deployed);
    ak_sim_destroy(s);
    s = create(cheap);
    w = s;
    while (step(s) == 1)
        ;
    ck_assert_int_eq(w->total.priced_out, 0);
    ck_assert_int_gt(w->total.deployments, deployed * 2);
    ak_sim_destroy(s);
    ak_scenario_free(dear);
    ak_scenario_free(cheap);
}
END_TEST

/* ---- delegators and commissions ---------------------------------------------------------- */

static ak_amount bonded_pool(const ak_world *w)
{
    const ak_bank *bank = ak_app_bank(w->app);
    return ak_bank_balance_of(bank, ak_bank_module_addr(bank, AK_MODULE_BONDED_POOL), w->uakt);
}

START_TEST(delegations_follow_a_power_law)
{
    ak_scenario *sc = LOAD("genesis.validators.count=10",
                           "agents.delegators={\"count\":2000,\"stake_akt\":100,"
                           "\"alpha\":1.5,\"target_apr\":0,\"restake\":false}",
                           "duration_days=1");
    ak_sim *s = create(sc);
    ak_world *w = s;
    /* 10 validators of 100,000 AKT, and 2000 delegations of 100 AKT bonded at genesis */
    ck_assert_int_eq(ak_sim_run_until(s, 60000000LL, INT64_MAX), 1);
    ck_assert_int_eq(bonded_pool(w), (10 * 100000LL + 2000 * 100LL) * 1000000);
    uint32_t count[10] = {0};
    for (uint32_t i = 0; i < w->ndelegators; i++) {
        const char *v = ak_strtab_get(w->strs, w->delegators[i].val);
        count[atoi(v + 4) - 1]++;
    }
    /* P(i) ~ i^-1.5: the first takes 1 / H = 1 / 2.1 of them, the second 2^-1.5 of that */
    double h = 0;
    for (int i = 1; i <= 10; i++)
        h += pow(i, -1.5);
    for (int i = 0; i < 10; i++) {
        double want = 2000 * pow(i + 1, -1.5) / h;
        ck_assert_msg(fabs(count[i] - want) < 4 * sqrt(want) + 1, "validator %d: %u, want %.0f",
                      i + 1, count[i], want);
    }
    ak_sim_destroy(s);
    ak_scenario_free(sc);
}
END_TEST

START_TEST(delegators_unbond_below_target_and_restake_above)
{
    /* the staking APR here is far below 1000 % and far above 0 %: a target of 10 unbonds a
     * quarter every review; a target of 0 restakes the rewards */
    ak_scenario *low = LOAD("agents.delegators={\"count\":50,\"stake_akt\":10000,"
                            "\"target_apr\":10,\"review_days\":1}",
                            "duration_days=3");
    ak_sim *s = create(low);
    ak_world *w = s;
    ak_amount before = bonded_pool(w);
    while (step(s) == 1)
        ;
    int64_t unbonded = 0;
    for (uint32_t i = 0; i < w->ndelegators; i++)
        unbonded += w->delegators[i].unbonded;
    /* two reviews (days 1 and 2): 1 - 0.75^2 of 500,000 AKT */
    ck_assert_int_gt(unbonded, 200000LL * 1000000);
    ck_assert_int_lt(unbonded, 220000LL * 1000000);
    ck_assert_int_lt(bonded_pool(w), before - 200000LL * 1000000);
    ak_sim_destroy(s);
    ak_scenario_free(low);

    ak_scenario *high = LOAD("agents.delegators={\"count\":50,\"stake_akt\":10000,"
                             "\"target_apr\":0,\"review_days\":1}",
                             "duration_days=4");
    s = create(high);
    w = s;
    while (step(s) == 1)
        ;
    int64_t restaked = 0;
    for (uint32_t i = 0; i < w->ndelegators; i++) {
        restaked += w->delegators[i].restaked;
        ck_assert_int_eq(w->delegators[i].unbonded, 0);
    }
    /* rewards withdrawn on day 1 are delegated again on days 2 and 3 */
    ck_assert_int_gt(restaked, 0);
    ak_sim_destroy(s);
    ak_scenario_free(high);
}
END_TEST

START_TEST(delegators_leave_a_jailed_validator)
{
    /* one validator of four goes offline for two hours and, with a short signing window and no
     * unjailing, stays jailed; at the next review its delegators redelegate */
    ak_scenario *sc = LOAD("agents.validators={\"outages\":[{\"at_day\":0.5,\"hours\":2,"
                           "\"power_share\":0.25}],\"unjail\":false}",
                           "genesis.params={\"slashing\":{\"signed_blocks_window\":\"100\","
                           "\"min_signed_per_window\":\"0.5\"}}",
                           "agents.delegators={\"count\":200,\"stake_akt\":100,"
                           "\"alpha\":0,\"target_apr\":0,\"review_days\":1,"
                           "\"restake\":false}",
                           "duration_days=2");
    ak_sim *s = create(sc);
    ak_world *w = s;
    ck_assert_int_eq(ak_sim_run_until(s, DAY_US - 1, INT64_MAX), 1);
    uint32_t jailed = NONE;
    for (uint32_t v = 0; v < w->nvals; v++)
        if (validator(w, v)->jailed)
            jailed = v;
    ck_assert_uint_ne(jailed, NONE);
    ak_addr j = w->val_stats[jailed].addr;
    uint32_t with_jailed = 0;
    for (uint32_t i = 0; i < w->ndelegators; i++)
        with_jailed += w->delegators[i].val == j;
    ck_assert_uint_gt(with_jailed, 20); /* alpha 0: a quarter each */
    while (step(s) == 1)
        ;
    int64_t switches = 0;
    for (uint32_t i = 0; i < w->ndelegators; i++) {
        ck_assert(w->delegators[i].val != j);
        switches += w->delegators[i].switches;
    }
    ck_assert_int_eq(switches, with_jailed);
    ak_sim_destroy(s);
    ak_scenario_free(sc);
}
END_TEST

static double rate_of(const ak_world *w, uint32_t v)
{
    return (double)validator(w, v)->commission_rate.v * 1e-18;
}

START_TEST(commission_policies)
{
    /* competitive: every day toward the median - 0.01, at most 0.01 a day, not below the
     * min_commission_rate of 0.05: from 0.10 to 0.05 in five days */
    ak_scenario *sc = LOAD("genesis.validators.commission=0.1",
                           "agents.validators={\"commission\":\"competitive\"}",
                           "duration_days=7");
    ak_sim *s = create(sc);
    ak_world *w = s;
    ck_assert_int_eq(ak_sim_run_until(s, 2 * DAY_US + 60000000LL, INT64_MAX), 1);
    for (uint32_t v = 0; v < w->nvals; v++)
        ck_assert_double_eq_tol(rate_of(w, v), 0.08, 1e-9);
    while (step(s) == 1)
        ;
    for (uint32_t v = 0; v < w->nvals; v++)
        ck_assert_double_eq_tol(rate_of(w, v), 0.05, 1e-9);
    ak_sim_destroy(s);
    ak_scenario_free(sc);
    /* greedy: up by max_change (0.01) a day while its tokens do not fall, to max_commission */
    sc = LOAD("genesis.validators.commission=0.1", "genesis.validators.max_commission=0.13",
              "agents.validators={\"commission\":\"greedy\"}", "duration_days=6");
    s = create(sc);
    w = s;
    ck_assert_int_eq(ak_sim_run_until(s, 2 * DAY_US + 60000000LL, INT64_MAX), 1);
    for (uint32_t v = 0; v < w->nvals; v++)
        ck_assert_double_eq_tol(rate_of(w, v), 0.12, 1e-9);
    while (step(s) == 1)
        ;
    for (uint32_t v = 0; v < w->nvals; v++)
        ck_assert_double_eq_tol(rate_of(w, v), 0.13, 1e-9);
    ak_sim_destroy(s);
    ak_scenario_free(sc);
}
END_TEST

START_TEST(usdc_leases_pay_in_dollars_with_their_take)
{
    /* half the deployments pay in uusdc: priced at the USD targets with no AKT price in
     * between, and their withdrawals pay the default take rate (20 %) against 2 % for uakt */
    ak_scenario *sc = LOAD("genesis.params={\"deployment\":{\"min_deposits\":[\"500000uakt\","
                           "\"5000000uusdc\"]}}",
                           "genesis.holders_usdc=1000000", "agents.tenants.usdc_share=0.5",
                           "genesis.providers[0].count=0", "duration_days=3",
                           "agents.providers.withdrawal_period_hours=1");
    ak_sim *s = create(sc);
    ak_world *w = s;
    w_dep d = {.units = 1, .denom = w->uusdc};
    d.need[W_CPU] = 1000;
    d.need[W_MEM] = 1LL << 30;
    d.need[W_STORAGE] = 1LL << 30;
    ak_group_spec g;
    ak_resource_unit u;
    ak_storage_volume vol;
    ak_attr gpu;
    world_dep_spec(w, &d, 1, &g, &u, &vol, &gpu);
    ak_dec usd, want_usdc;
    const ak_script_prices *sp = &w->fleet_prices[1];
    ck_assert_int_eq(ak_pricing_script_usd(w->strs, sp, &g, &usd), 0);
    ck_assert_int_eq(ak_pricing_script_rate(sp, usd, ak_dec_zero(), &want_usdc), 0);
    int64_t n_usdc = 0, n_uakt = 0, fees = 0;
    int64_t leases = 0;
    while (step(s) == 1) {
        size_t n;
        const ak_event *ev = ak_app_events(w->app, &n);
        for (size_t i = 0; i < n && ak_app_height(w->app) == ak_sim_height(s); i++) {
            if (ev[i].type != AK_EV_ESCROW_WITHDRAW || ev[i].amount + ev[i].fee < 1000)
                continue;
            double share = (double)ev[i].fee / (double)(ev[i].amount + ev[i].fee);
            double rate = ev[i].denom == w->uusdc ? 0.20 : 0.02;
            REQUIRE(fabs(share - rate) < 0.002, "fee share %g in %s", share,
                    ak_strtab_get(w->strs, ev[i].denom));
            fees++;
        }
        if (w->leases_total == leases)
            continue;
        leases = w->leases_total;
        for (uint32_t i = 0; i < w->ndeps; i++) {
            const w_dep *dep = &w->deps[i];
            if (dep->state != W_DEP_LEASED || dep->lease_us != w->now)
                continue;
            if (dep->denom == w->uusdc) {
                REQUIRE(ak_dec_cmp(dep->lease_price, want_usdc) == 0, "uusdc lease at %.6f",
                        (double)dep->lease_price.v * 1e-18);
                n_usdc++;
            } else {
                n_uakt++;
            }
        }
    }
    ck_assert_int_gt(n_usdc, 20);
    ck_assert_int_gt(n_uakt, 20);
    ck_assert_int_gt(fees, 40);
    ck_assert_int_gt(w->total.income_usdc, 0);
    ck_assert_int_gt(w->total.take_usdc, w->total.income_usdc / 5);
    ak_sim_destroy(s);
    ak_scenario_free(sc);
}
END_TEST

START_TEST(audited_requirements_pick_the_audited_fleet)
{
    /* only the solid fleet has tier=premium signed by the auditor; premium orders go to it
     * even though flaky is cheaper, and the chain accepts its bids (it sees the audit) */
    ak_scenario *sc = LOAD("genesis.auditors=[\"auditor-a\"]",
                           "genesis.providers[0].attributes={\"tier\":\"premium\"}",
                           "genesis.providers[1].attributes={\"tier\":\"premium\"}",
                           "genesis.providers[1].audited_by=[\"auditor-a\"]",
                           "genesis.providers[0].reliability={\"time_to_failure_days\":10000,"
                           "\"time_to_repair_hours\":1}",
                           "agents.tenants.workloads[0].requires={\"tier\":\"premium\"}",
                           "agents.tenants.workloads[0].signed_by=[\"auditor-a\"]",
                           "duration_days=3");
    ak_sim *s = create(sc);
    ak_world *w = s;
    while (step(s) == 1)
        ;
    uint32_t flaky = provider_named(w, "flaky-"), solid = provider_named(w, "solid-");
    ck_assert_int_eq(w->providers[flaky].leases_won, 0);
    ck_assert_int_eq(w->providers[flaky].bids, 0);
    ck_assert_int_gt(w->providers[solid].leases_won, 30);
    /* no bid the chain refused */
    for (uint32_t e = 0; e < AK_ERR_COUNT; e++)
        ck_assert_int_eq(w->failures[AK_MSG_CREATE_BID][e], 0);
    /* the audit is on chain, with the provider's attributes */
    const ak_audit *au = ak_app_audit(w->app);
    const ak_audit_record *r = ak_audit_get(au, w->providers[solid].addr, w->auditors[0]);
    ck_assert_ptr_nonnull(r);
    ck_assert_uint_eq(r->attrs.n, 2); /* region and tier */
    ck_assert_ptr_null(ak_audit_get(au, w->providers[flaky].addr, w->auditors[0]));
    ak_sim_destroy(s);
    ak_scenario_free(sc);
}
END_TEST

/* ---- governance -------------------------------------------------------------------------- */

/* The take rate of uakt payments (percent) in the current params. */
static uint32_t uakt_take(const ak_world *w)
{
    const ak_take_params *t = &ak_app_params(w->app)->take;
    for (uint32_t i = 0; i < t->n_denom_take_rates; i++)
        if (t->denom_take_rates[i].denom == w->uakt)
            return t->denom_take_rates[i].rate;
    return t->default_take_rate;
}

/* A take-rate proposal at 12:00 with a six-hour voting period, hourly withdrawals; returns the
 * height from which the take rate was 10 % (0: never), checking every withdrawal's fee
 * against the rate in force in its block. */
static ak_height take_vote(const char *voters, const char *extra, const char *extra2,
                            uint32_t *status)
{
    char set[160];
    snprintf(set, sizeof set, "agents.governance.validators=%s", voters);
    ak_scenario *sc = LOAD(set, extra, extra2, "duration_days=2",
                           "genesis.params={\"gov\":{\"voting_period\":\"21600s\","
                           "\"expedited_voting_period\":\"3600s\"}}",
                           "agents.providers.withdrawal_period_hours=1",
                           "agents.governance.proposals=[{\"at_day\":0.5,\"title\":\"Take 10%\","
                           "\"changes\":[{\"module\":\"take\",\"param\":\"denom_take_rates\","
                           "\"value\":{\"uakt\":10}}]}]");
    ak_sim *s = create(sc);
    ak_world *w = s;
    ck_assert_uint_eq(uakt_take(w), 2);
    ak_height changed = 0;
    int64_t checked = 0;
    while (step(s) == 1) {
        if (!changed && uakt_take(w) == 10)
            changed = ak_sim_height(s);
        size_t n;
        const ak_event *ev = ak_app_events(w->app, &n);
        for (size_t i = 0; i < n && ak_app_height(w->app) == ak_sim_height(s); i++) {
            if (ev[i].type != AK_EV_ESCROW_WITHDRAW || ev[i].amount + ev[i].fee < 1000)
                continue;
            /* the fee is the rate in force when the block ran, of the whole withdrawal */
            uint32_t rate = changed && ak_sim_height(s) > changed ? 10 : 2;
            double got = (double)ev[i].fee / (double)(ev[i].amount + ev[i].fee);
            REQUIRE(fabs(got - rate / 100.0) < 0.002, "height %lld: fee share %g, rate %u",
                    (long long)ak_sim_height(s), got, rate);
            checked++;
        }
    }
    ck_assert_int_gt(checked, 20);
    ck_assert_uint_eq(w->nprops, 1);
    *status = ((const ak_proposal *)ak_pool_at(&ak_app_gov(w->app)->proposals,
                                               w->props[0].handle))->status;
    ak_sim_destroy(s);
    ak_scenario_free(sc);
    return changed;
}

START_TEST(passed_proposal_changes_the_take_rate)
{
    uint32_t status;
    ak_height h = take_vote("yes", "seed=11", "seed=11", &status);
    ck_assert_uint_eq(status, AK_PROPOSAL_PASSED);
    /* voting from 12:00 for six hours: the change lands in the first block at 18:00 */
    ck_assert_int_gt(h, 14400 * 3 / 4 - 10);
    ck_assert_int_lt(h, 14400 * 3 / 4 + 10);
    h = take_vote("no", "seed=11", "seed=11", &status);
    ck_assert_uint_eq(status, AK_PROPOSAL_REJECTED);
    ck_assert_int_eq(h, 0);
    /* nobody votes: no quorum */
    h = take_vote("{\"policy\":\"turnout\",\"turnout\":0}", "seed=11", "seed=11", &status);
    ck_assert_uint_eq(status, AK_PROPOSAL_REJECTED);
    ck_assert_int_eq(h, 0);
    /* a take rate does not touch validators' staking income: self-interest abstains, and a
     * proposal everyone abstains on does not pass */
    h = take_vote("self_interest", "seed=11", "seed=11", &status);
    ck_assert_uint_eq(status, AK_PROPOSAL_REJECTED);
    ck_assert_int_eq(h, 0);
    /* delegators holding most of the stake vote no themselves: their votes replace their
     * validators' yes for their tokens, and the proposal fails */
#define DELEGATORS                                                                                 \
    "agents.delegators={\"count\":40,\"stake_akt\":50000,\"target_apr\":0,\"restake\":false}"
    h = take_vote("yes", DELEGATORS, "seed=11", &status);
    ck_assert_uint_eq(status, AK_PROPOSAL_PASSED); /* delegators without a policy inherit */
    ck_assert_int_gt(h, 0);
    h = take_vote("yes", DELEGATORS, "agents.governance.delegators=no", &status);
    ck_assert_uint_eq(status, AK_PROPOSAL_REJECTED);
    ck_assert_int_eq(h, 0);
#undef DELEGATORS
}
END_TEST

/* ---- determinism ------------------------------------------------------------------------- */

/* Every behaviour at once, twice with one seed: the same run, event for event. */
#define ALL_BEHAVIOURS                                                                             \
    "akt_usd={\"process\":\"jump\",\"start\":0.5,\"volatility\":1,\"jumps_per_year\":20,"      \
    "\"jump_mean\":-0.1,\"jump_sd\":0.1}",                                                        \
        "agents.tenants.demand={\"daily\":{\"amplitude\":0.5,\"peak_hour\":12},"                  \
        "\"events\":[{\"kind\":\"spike\",\"at_day\":2,\"days\":1,\"factor\":3}]}",              \
        "agents.tenants.price_response={\"reference_usd_cpu_month\":2,"                           \
        "\"budget_elasticity\":0.3}",                                                             \
        "agents.tenants.choice={\"policy\":\"reputation\",\"memory\":\"shared\"}",              \
        "agents.tenants.usdc_share=0.4", "genesis.holders_usdc=1000000",                         \
        "genesis.params={\"deployment\":{\"min_deposits\":[\"500000uakt\","                      \
        "\"5000000uusdc\"]},\"gov\":{\"voting_period\":\"21600s\","                              \
        "\"expedited_voting_period\":\"3600s\"}}",                                                 \
        "genesis.providers[1].cost_usd={\"cpu\":0.5}",                                           \
        "genesis.providers[1].entry_exit={\"review_days\":1,\"lag_days\":0.5,"                    \
        "\"max_entrants\":2}",                                                                   \
        "genesis.providers[1].pricing={\"strategy\":\"learning\",\"base\":\"script\"}",          \
        "agents.providers.outages=[{\"at_day\":1.5,\"hours\":3,\"share\":0.5}]",                  \
        "agents.validators={\"time_to_failure_days\":2,\"time_to_repair_hours\":1,"               \
        "\"double_sign_per_year\":20,\"commission\":\"competitive\","                             \
        "\"outages\":[{\"at_day\":3,\"hours\":1,\"power_share\":0.4}]}",                         \
        "agents.delegators={\"count\":50,\"stake_akt\":{\"dist\":\"exponential\","               \
        "\"mean\":20000},\"review_days\":1}",                                                    \
        "agents.governance={\"delegators\":\"turnout\",\"proposals\":[{\"at_day\":1,"            \
        "\"title\":\"t\",\"changes\":[{\"module\":\"take\",\"param\":\"default_take_rate\","   \
        "\"value\":10}]}]}",                                                                     \
        "genesis.validators.count=10", "duration_days=5"

START_TEST(every_behaviour_is_deterministic)
{
    ak_scenario *sc = LOAD(ALL_BEHAVIOURS);
    ak_sim *a = create(sc), *b = create(sc);
    int ra, rb;
    do { /* in lockstep, in one process: nothing shared between runs */
        ra = step(a);
        rb = step(b);
        REQUIRE(ra == rb && ak_sim_time(a) == ak_sim_time(b) &&
                    ak_sim_height(a) == ak_sim_height(b),
                "the runs part at %lld us", (long long)ak_sim_time(a));
    } while (ra == 1);
    ak_world *wa = a, *wb = b;
    ak_sim_summary sa, sb;
    ak_sim_summarize(a, &sa);
    ak_sim_summarize(b, &sb);
    ck_assert_int_eq(ak_sim_events(a), ak_sim_events(b));
    ck_assert_int_eq(sa.leases, sb.leases);
    ck_assert_int_eq(sa.deployments, sb.deployments);
    ck_assert_double_eq(sa.spend_usd, sb.spend_usd);
    ck_assert_double_eq(sa.akt_usd_end, sb.akt_usd_end);
    ck_assert_int_eq(wa->total.provider_failures, wb->total.provider_failures);
    ck_assert_int_eq(wa->total.halts, wb->total.halts);
    ck_assert_int_eq(wa->total.priced_out, wb->total.priced_out);
    ck_assert_int_eq(wa->total.income_usdc, wb->total.income_usdc);
    for (uint32_t i = 0; i < wa->ndelegators; i++)
        ck_assert_int_eq(wa->delegators[i].restaked, wb->delegators[i].restaked);
    /* and the behaviours did happen */
    ck_assert_int_gt(wa->total.provider_failures, 0);
    ck_assert_int_gt(wa->total.income_usdc, 0);
    ck_assert_uint_eq(wa->nprops, 1);
    ck_assert(sa.akt_usd_end != sa.akt_usd_start);
    int64_t fails = 0;
    for (uint32_t v = 0; v < wa->nvals; v++)
        fails += wa->val_stats[v].failures;
    ck_assert_int_gt(fails, 5);
    ak_sim_destroy(a);
    ak_sim_destroy(b);
    /* another seed, another run */
    ak_scenario *other = LOAD(ALL_BEHAVIOURS, "seed=12");
    a = create(other);
    while (step(a) == 1)
        ;
    ak_sim_summarize(a, &sb);
    ck_assert(sb.spend_usd != sa.spend_usd);
    ak_sim_destroy(a);
    ak_scenario_free(other);
    ak_scenario_free(sc);
}
END_TEST
#undef ALL_BEHAVIOURS

static Suite *suite(void)
{
    Suite *s = suite_create("behaviour");
    TCase *tc = tcase_create("reliability");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, failures_and_repairs_follow_the_fleet);
    tcase_add_test(tc, outage_takes_down_its_region_only);
    tcase_add_test(tc, down_provider_leases_keep_paying);
    tcase_add_test(tc, notice_waits_for_detection_and_skips_repaired);
    suite_add_tcase(s, tc);
    tc = tcase_create("choice");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, reputation_leaves_a_flaky_provider_cheapest_does_not);
    tcase_add_test(tc, shared_reputation_spreads_to_every_tenant);
    tcase_add_test(tc, random_choice_spreads_leases);
    tcase_add_test(tc, audited_requirements_pick_the_audited_fleet);
    suite_add_tcase(s, tc);
    tc = tcase_create("validators");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, validator_outage_halts_the_chain);
    tcase_add_test(tc, halt_time_adds_up_over_samples);
    tcase_add_test(tc, offline_validator_is_jailed_and_unjails);
    tcase_add_test(tc, double_sign_tombstones);
    tcase_add_test(tc, validator_failures_and_repairs);
    suite_add_tcase(s, tc);
    tc = tcase_create("pricing");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, scale_and_cost_plus_prices);
    tcase_add_test(tc, adaptive_price_follows_utilization);
    tcase_add_test(tc, learning_provider_undercuts_until_it_wins);
    suite_add_tcase(s, tc);
    tc = tcase_create("entry");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, losing_provider_exits_and_its_tenants_move);
    tcase_add_test(tc, profitable_fleet_attracts_entrants);
    suite_add_tcase(s, tc);
    tc = tcase_create("price and demand");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, price_crash_raises_script_bids_in_uakt);
    tcase_add_test(tc, price_path_moves_usd_figures);
    tcase_add_test(tc, demand_spike_multiplies_arrivals);
    tcase_add_test(tc, price_response_turns_arrivals_away);
    tcase_add_test(tc, usdc_leases_pay_in_dollars_with_their_take);
    suite_add_tcase(s, tc);
    tc = tcase_create("delegators");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, delegations_follow_a_power_law);
    tcase_add_test(tc, delegators_unbond_below_target_and_restake_above);
    tcase_add_test(tc, delegators_leave_a_jailed_validator);
    tcase_add_test(tc, commission_policies);
    suite_add_tcase(s, tc);
    tc = tcase_create("determinism");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, every_behaviour_is_deterministic);
    suite_add_tcase(s, tc);
    tc = tcase_create("governance");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, passed_proposal_changes_the_take_rate);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return check_run(suite());
}
