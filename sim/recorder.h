/*
 * sim/recorder.h: the results database (DESIGN.md "Results database"; docs/results.md is the
 * schema a user reads, and it must match the tables created here column for column).
 *
 * One SQLite file holds any number of runs. The recorder opens it in WAL mode, creates the
 * schema if absent (and refuses a file whose schema version is not this one), prepares every
 * INSERT once, and batches rows in transactions: a transaction is committed every
 * AK_REC_BATCH rows and at ak_rec_end_run, so a killed process loses at most the open batch.
 *
 * A run's row is inserted with status 'running' by ak_rec_begin_run, in its own committed
 * transaction, before any other row of the run; ak_rec_end_run writes the last rows and then
 * sets status to 'complete' or 'failed' in the same final transaction. So a crash, a kill or an
 * error leaves 'running' or 'failed', never 'complete'.
 *
 * Amounts are integers in base units (uakt); prices and ratios are REAL (they are model
 * outputs for analysis, not protocol state). A double that is NaN is written as NULL (for
 * example the median lease price of a period without leases), and so are the -1 sentinels
 * documented below and NULL strings. Booleans are INTEGER 0/1. The seed is stored as INTEGER:
 * a seed above INT64_MAX reads back as its two's-complement int64 (docs/results.md).
 *
 * Errors: every function returns 0 or a negative AK_E* status (AK_EIO for anything SQLite
 * reports, AK_ENOMEM; AK_EINVAL for misuse: a NULL argument, a row or ak_rec_end_run with no
 * run begun) and leaves a one-line message in ak_rec_errmsg(rec) that names the file
 * ("results.db: database or disk is full"). A failed batch is rolled back: its rows are lost
 * and the caller should end the run as failed.
 *
 * The recorder is not thread-safe and has no global state; one per thread. A recorder holds
 * SQLite's single write lock from the first row of a batch to its commit, so another recorder
 * on the same file (thread or process) waits for it, up to a busy timeout of 5 s, and then
 * fails with "database is locked": give concurrent writers their own files.
 */
#ifndef AK_SIM_RECORDER_H
#define AK_SIM_RECORDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AK_REC_SCHEMA_VERSION 2
#define AK_REC_BATCH 131072

typedef struct ak_rec ak_rec;

/* One run's description, written to `runs` by ak_rec_begin_run. Strings are copied. */
typedef struct ak_rec_run_info {
    int64_t run_id;            /* the id to give the run (a sweep's fixed ids), 0: the next */
    const char *scenario_name;
    const char *scenario_json; /* the scenario as run, after --set overrides */
    uint64_t seed;
    uint32_t replication;
    int64_t point;             /* sweep point index, -1 outside a sweep (written NULL) */
    const char *point_json;    /* the point's parameter values as a JSON object, or NULL */
    const char *variant;       /* the sweep variant's name, or NULL */
    const char *command;       /* the command that reproduces the run alone, or NULL */
    const char *rules;         /* "akash-v1" */
    const char *version;       /* akashsim version */
    int64_t started_unix;      /* wall clock at start, seconds (written as RFC 3339 UTC) */
} ak_rec_run_info;

/* One row of `metrics`: the state at simulated time t_us and the flows since the previous
 * sample (the "period"). */
typedef struct ak_rec_metrics {
    int64_t t_us;              /* simulated microseconds since genesis */
    int64_t height;            /* last committed height */
    int64_t blocks;            /* blocks committed in the period */
    int64_t active_leases, open_orders, open_bids, active_deployments;
    double cpu_util, mem_util, gpu_util; /* leased / provider capacity, 0..1 (NaN: no capacity) */
    double price_cpu_month_mean_usd, price_cpu_month_median_usd; /* active CPU-only leases */
    double price_gpu_hour_mean_usd, price_gpu_hour_median_usd;   /* active GPU leases */
    int64_t tenant_spend_uakt;    /* lease cost accrued in the period (rate x blocks) */
    int64_t provider_income_uakt; /* paid to providers by withdrawals in the period */
    int64_t take_uakt;            /* take fees to the community pool in the period */
    double tenant_spend_usd, provider_income_usd, take_usd; /* the same at the period's price */
    int64_t community_pool_uakt;  /* truncated */
    int64_t total_supply_uakt;
    double bonded_ratio, inflation, staking_apr, akt_usd;
    int64_t bonded_validators, jailed_validators;
    int64_t orders_unmet;         /* orders closed in the period without a lease */
    int64_t deployments_created;  /* in the period */
    int64_t leases_created, leases_closed; /* in the period */
    int64_t providers_down;       /* at the sample */
    int64_t provider_failures;    /* providers that went down in the period */
    int64_t failures_noticed;     /* provider failures tenants noticed in the period */
    int64_t validators_offline;   /* at the sample */
    int64_t chain_halts;          /* halts that began in the period */
    double halted_s;              /* seconds the chain stood still in the period */
    int64_t active_providers;     /* in the market at the sample */
    int64_t providers_entered, providers_exited; /* in the period */
    int64_t arrivals_priced_out;  /* arrivals that did not deploy at the going price */
    int64_t tenant_spend_uusdc, provider_income_uusdc, take_uusdc; /* uusdc leases, period */
} ak_rec_metrics;

/* One row of `leases`, written when the lease closes or, for leases open at the end, by the
 * final flush (closed_us = -1, written NULL). */
typedef struct ak_rec_lease {
    const char *lease_id;     /* "tenant7/1042/1/1/prov3" */
    const char *tenant, *provider;
    const char *kind;         /* workload kind name ("web", "gpu-inference", "batch") */
    int64_t created_us, created_height;
    int64_t closed_us, closed_height; /* -1 while open (NULL) */
    const char *close_reason; /* "owner", "provider", "insufficient_funds", ...; NULL open */
    const char *denom;
    double price_per_block;   /* in denom's base units */
    double price_usd_month;   /* at the AKT price when the lease was created */
    int64_t cpu_millis, memory_bytes, storage_bytes, gpus;
    int64_t paid;             /* base units settled to the provider (with take) by the end */
} ak_rec_lease;

/* One row of `orders`, written when the order closes or at the final flush. */
typedef struct ak_rec_order {
    const char *order_id;     /* "tenant7/1042/1/1" */
    const char *tenant, *kind;
    int64_t created_us, closed_us; /* closed -1 while open */
    int64_t bids;             /* bids received */
    const char *outcome;      /* "leased", "unfilled" (closed without a lease), "open" */
    double budget_per_block;  /* the order's price cap in base units */
} ak_rec_order;

/* One row of `providers`, written at the end of the run. */
typedef struct ak_rec_provider {
    const char *provider, *region, *gpu_model;
    int64_t cpu_millis, memory_bytes, storage_bytes, gpus; /* capacity */
    int64_t bids, leases_won;
    int64_t income_uakt;      /* paid to it over the run (after take) */
    int64_t income_uusdc;
    int64_t failures;         /* times it went down */
    double downtime_hours;    /* down over the run */
    int64_t entered_us, exited_us; /* -1 (NULL): in the market from genesis / to the end */
} ak_rec_provider;

/* One row of `tenants`, written at the end of the run. */
typedef struct ak_rec_tenant {
    const char *tenant;
    int64_t deployments, leases, orders_unmet;
    int64_t deposited_uakt;   /* escrow deposits and top-ups */
    int64_t refunded_uakt;    /* escrow returned to it */
    int64_t deposited_uusdc, refunded_uusdc;
    int64_t failures_noticed, redeployments;
} ak_rec_tenant;

/* One row of `validators`, written at the end of the run. */
typedef struct ak_rec_validator {
    const char *validator;
    int64_t tokens_start, tokens_end;
    const char *status_end;   /* "bonded", "unbonding", "unbonded" */
    bool jailed_end;
    int64_t times_jailed, blocks_proposed, blocks_missed;
    double commission_rate;
    int64_t failures;         /* times it went offline */
    double downtime_hours;
    int64_t double_signs;
} ak_rec_validator;

/* One row of `proposals`, written when a proposal ends or at the final flush. */
typedef struct ak_rec_proposal {
    int64_t proposal_id;
    const char *title, *messages; /* messages: the param changes as JSON */
    int64_t submit_us, voting_start_us, end_us; /* -1: not reached (NULL) */
    const char *status;       /* "passed", "rejected", "failed", "dropped", "voting", "deposit" */
    double yes, no, abstain, veto; /* tally shares of the voting power that voted, NaN if none */
    double turnout;           /* voted power / bonded power */
} ak_rec_proposal;

/* Open or create the database at path (schema created when absent). 0, AK_EIO, AK_ENOMEM or
 * AK_EINVAL (path or out NULL); on failure *out is NULL, errbuf (cap bytes; may be NULL) holds
 * the one-line reason naming path ("x.db: file is not a database", "results.db: schema version
 * 7, this akashsim writes 1", "out/results.db: unable to open database file"), and a file the
 * failed open created is removed. A file refused is left unchanged. */
int ak_rec_open(const char *path, ak_rec **out, char *errbuf, size_t cap);
/* Close; commits an open batch (a run not ended stays 'running'). ak_rec_close(NULL) is a
 * no-op. 0 or AK_EIO; the handle is freed either way, so the message is lost: call
 * ak_rec_end_run first, which commits and reports. */
int ak_rec_close(ak_rec *rec);
/* The message of the last failure ("" before any); valid until the next call on rec. */
const char *ak_rec_errmsg(const ak_rec *rec);

/* Commit the open batch, insert the run row with status 'running' and commit it; it becomes
 * the current run. A previous run not ended keeps its rows and stays 'running'. *run_id
 * (may be NULL) receives its id; ids are never reused. */
int ak_rec_begin_run(ak_rec *rec, const ak_rec_run_info *info, int64_t *run_id);
/* Rows of the current run (the last begun), batched; AK_EINVAL with no current run. (Named
 * ak_rec_write_* because a function cannot share its name with the row type's typedef.) */
int ak_rec_write_metrics(ak_rec *rec, const ak_rec_metrics *m);
int ak_rec_write_lease(ak_rec *rec, const ak_rec_lease *l);
int ak_rec_write_order(ak_rec *rec, const ak_rec_order *o);
int ak_rec_write_provider(ak_rec *rec, const ak_rec_provider *p);
int ak_rec_write_tenant(ak_rec *rec, const ak_rec_tenant *t);
int ak_rec_write_validator(ak_rec *rec, const ak_rec_validator *v);
int ak_rec_write_proposal(ak_rec *rec, const ak_rec_proposal *p);
/* Finish the current run: status 'complete' (ok) or 'failed', with message (may be NULL),
 * wall seconds (NaN: NULL), events and blocks, committed with the open batch in one
 * transaction. The run is no longer current afterwards, even on failure (then its status
 * stays 'running'). AK_EINVAL with no current run. */
int ak_rec_end_run(ak_rec *rec, bool ok, const char *message, double wall_seconds,
                   int64_t events, int64_t blocks);

/* ---- sweeps (sim/experiment.h) ----------------------------------------------------------- */

/* Open a private scratch database (SQLite's temporary file, deleted at close) with the schema:
 * a sweep records each run into one, then publishes it whole with ak_rec_publish. No indexes
 * are built at ak_rec_end_run. Errors as ak_rec_open. */
int ak_rec_open_scratch(ak_rec **out, char *errbuf, size_t cap);

/* Whether name is a column of `metrics` (the outcomes a sweep may aggregate). */
bool ak_rec_is_metric(const char *name);

/* Aggregates of a metric over a run, for a sweep's outcomes. */
typedef enum ak_rec_agg {
    AK_REC_SUM,  /* sum of the samples (a flow's total) */
    AK_REC_MEAN, /* mean of the samples */
    AK_REC_LAST, /* the last sample */
    AK_REC_MIN,
    AK_REC_MAX,
    AK_REC_AGGS
} ak_rec_agg;
/* "sum", "mean", "last", "min", "max"; NULL past the end (a NULL-terminated list). */
extern const char *const ak_rec_agg_names[AK_REC_AGGS + 1];

/* Aggregate the current run's metric (ak_rec_is_metric) over its samples at or after from_us
 * and write an `outcomes` row (name, value) in the open batch. *value (may be NULL) receives it,
 * NaN when no sample has a value (written NULL). AK_EINVAL: no current run, or metric unknown. */
int ak_rec_outcome(ak_rec *rec, const char *name, const char *metric, ak_rec_agg agg,
                   int64_t from_us, double *value);

/* The tables that hold a run's rows, `runs` first (the others reference it). */
#define AK_REC_RUN_TABLES 9
extern const char *const ak_rec_run_tables[AK_REC_RUN_TABLES];

/* Copy every run in rec (a scratch database whose runs have ended) into the results database
 * at dst, which must exist with this schema: in one transaction, a run already in dst with the
 * same id is deleted with its rows, and every row of every table but meta and sweep is
 * inserted. 0, AK_EIO (message names dst), AK_ENOMEM. Not thread-safe for one dst: callers
 * serialize publishing into the same file. */
int ak_rec_publish(ak_rec *rec, const char *dst);

/* Build the per-run indexes now (ak_rec_end_run builds them in a normal database). */
int ak_rec_build_indexes(ak_rec *rec);

/* The connection, for the sweep's own queries (sim/experiment.c). Valid until close. */
struct sqlite3;
struct sqlite3 *ak_rec_sqlite(ak_rec *rec);

#endif
