/*
 * sim/engine.h: one simulation run (DESIGN.md "One run, as the data flows", "Time and
 * blocks").
 *
 * ak_sim_create builds the app from the scenario's genesis (params, validators, providers,
 * tenants and the holders' supply), the agents, one random stream per agent family seeded from
 * (seed, replication, family), and the first events: block 1 at time 0, the first tenant
 * arrival, the first metrics sample and the end. Then events run in the queue's total order
 * (time, priority, insertion; evq.h):
 *   - a block asks the block production model (consensus.h) who proposes and how long the
 *     height takes given the validators online, begins the block, delivers the mempool in
 *     arrival order, ends it, and routes the block's chain events to the agents that follow
 *     them (a provider hears of orders, a tenant of its lease, ...);
 *   - an agent event calls its model (models/), which may submit messages for the next block;
 *   - a sample writes a metrics row (when a recorder is attached).
 * Simulated time is integer microseconds from genesis; a block's header time is genesis time
 * plus the whole seconds of its simulated time.
 *
 * Stepping: ak_sim_step runs one event; ak_sim_run_until runs events up to a time or a height;
 * tests and tools inspect the app and the counters between steps.
 */
#ifndef AK_SIM_ENGINE_H
#define AK_SIM_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include "app.h"
#include "evq.h"
#include "recorder.h"
#include "scenario.h"

typedef struct ak_world ak_sim;

typedef struct ak_sim_opts {
    uint32_t replication;
    bool check;   /* every invariant of the app after every block (slow) */
    ak_rec *rec;  /* results go here when not NULL (the run row must be begun by the caller) */
} ak_sim_opts;

#define AK_SIM_TOP_FAILURES 5

/* Messages of one type that failed with one error, and how often. */
typedef struct ak_sim_failure {
    ak_msg_type type;
    int code;
    int64_t count;
} ak_sim_failure;

/* What a finished (or stopped) run amounts to, for the summary the CLI prints. */
typedef struct ak_sim_summary {
    double days;
    int64_t height, events, blocks;
    int64_t deployments, leases, active_leases, orders_unmet, tx_failed;
    double cpu_util, gpu_util;          /* at the end */
    double cpu_month_usd, gpu_hour_usd; /* median over active leases at the end, NaN if none */
    double spend_usd, income_usd, take_usd; /* over the run, each at the price of its time */
    double akt_usd_start, akt_usd_end;
    double supply_akt, community_pool_akt, bonded_ratio, inflation;
    ak_sim_failure failures[AK_SIM_TOP_FAILURES]; /* the most frequent failed messages */
    uint32_t nfailures;
} ak_sim_summary;

/* Build the run. 0, AK_ENOMEM, or AK_EINVAL when genesis fails (the message in why). */
int ak_sim_create(const ak_scenario *sc, const ak_sim_opts *opts, ak_sim **out, char *why,
                  size_t cap);
void ak_sim_destroy(ak_sim *s);

/* Run the next event. 1 when one ran, 0 when the run is over (the end event has run), or a
 * negative status when the run failed (ak_sim_errmsg says why). */
int ak_sim_step(ak_sim *s);
/* Run events while the next one is at or before time t and the chain has not reached height
 * h (either may be INT64_MAX). Same results as ak_sim_step. */
int ak_sim_run_until(ak_sim *s, ak_usec t, ak_height h);
/* Flush the rows of the entities still open (leases, orders) and the final ones (providers,
 * tenants, validators) to the recorder. Call once, after the end. */
int ak_sim_finish(ak_sim *s);

ak_usec ak_sim_time(const ak_sim *s);
ak_height ak_sim_height(const ak_sim *s);
const ak_app *ak_sim_app(const ak_sim *s);
uint64_t ak_sim_events(const ak_sim *s);
/* The time of the next event, INT64_MAX when none. */
ak_usec ak_sim_next_time(const ak_sim *s);
const char *ak_sim_errmsg(const ak_sim *s);
void ak_sim_summarize(ak_sim *s, ak_sim_summary *out);

#endif
