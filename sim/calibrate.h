/*
 * sim/calibrate.h: a completed run's figures next to public figures about the Akash network
 * (`akashsim calibrate`; docs/calibration.md explains every row). The targets are the
 * take-rate era figures of the calibration page (sections 4.1 market activity, 4.2 prices and
 * 4.3 token and protocol), each with the page's row it comes from. A simulated figure is one SQL
 * query over the documented results schema (docs/results.md) and nothing else.
 *
 * A target has a point (the figure the page quotes) and a range (where the page's figures for
 * the same quantity disagree, the span between them; where it quotes one figure, that figure
 * +/- AK_CAL_ONE_SOURCE_BAND). The relative gap is (simulated - point) / point.
 *
 * The database is opened read-only (SQLITE_OPEN_READONLY) and never written. Like any SQLite
 * reader of a WAL database, the connection may leave empty `-wal` and `-shm` files beside it.
 *
 * Errors: functions that can fail return 0 or a negative AK_E* status and leave a one-line
 * message naming the file in ak_cal_errmsg(): AK_EIO for the file (it cannot be opened, is not
 * an SQLite database, is not an akashsim results database, has another schema version, or a
 * query fails), AK_EINVAL for a run that does not exist or is not complete (and for NULL
 * arguments), AK_ENOMEM. Nothing here has global mutable state; one handle per thread.
 */
#ifndef AK_SIM_CALIBRATE_H
#define AK_SIM_CALIBRATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The most calibration rows one target cites. */
#define AK_CAL_MAX_SOURCES 3
/* The relative half-width of the range around a figure that only one source gives. */
#define AK_CAL_ONE_SOURCE_BAND 0.2

/* One row of the calibration page. */
typedef struct ak_cal_source {
    const char *section; /* "4.1 Market activity" */
    const char *metric;  /* the row's first column, "Capacity snapshot" */
    const char *value;   /* the part of the row's value that a target uses */
    const char *date;    /* "Sep 2026" */
    const char *source;  /* who, and the address */
} ak_cal_source;

/* One figure to compare. Values (point, low, high, the query's result) are in unit. */
typedef struct ak_cal_target {
    const char *name;   /* the key in --json, snake_case: "active_providers" */
    const char *figure; /* what the table shows: "active providers (end)" */
    const char *unit;   /* "providers", "USD/GPU-hour", "%" */
    double point, low, high;
    int decimals;       /* shown in the table */
    const char *basis;  /* how point and range follow from the sources, one line */
    const char *how;    /* how the simulated figure is computed, one line */
    /* One statement returning one row of one value in unit, NULL (or no row) when the run has
     * no such figure (no H100 leases, say); ?1 is the run id. */
    const char *sql;
    uint8_t sources[AK_CAL_MAX_SOURCES]; /* 1-based indices into ak_cal_sources; 0 ends */
} ak_cal_target;

extern const ak_cal_source ak_cal_sources[];
extern const size_t ak_cal_nsources;
extern const ak_cal_target ak_cal_targets[];
extern const size_t ak_cal_ntargets;

/* A target measured on a run. */
typedef struct ak_cal_figure {
    const ak_cal_target *target;
    double simulated; /* NaN: the run has no such figure */
    double gap;       /* (simulated - point) / point, a ratio; NaN with simulated */
    bool inside;      /* low <= simulated <= high as shown (ak_cal_inside) */
} ak_cal_figure;

/* The run being measured, from `runs` and `metrics`. */
typedef struct ak_cal_run {
    int64_t run_id;
    char scenario[128]; /* scenario_name, truncated; "" when NULL */
    char rules[32];     /* "" when NULL */
    uint64_t seed;
    double days;        /* the last sample's simulated time in days; NaN without samples */
} ak_cal_run;

typedef struct ak_cal ak_cal;

/* The relative gap (simulated - point) / point; NaN when simulated is NaN or point is 0. */
double ak_cal_gap(double simulated, double point);
/* Whether v lies in [low, high] as the table shows them: each rounded to `decimals` decimals
 * first, so that a take of 1.999995 % shown as "2.00" is inside "2.00 to 4.00", and the mark
 * never contradicts the numbers next to it. False for NaN. */
bool ak_cal_inside(double v, double low, double high, int decimals);
/* Fill f for target t and a simulated value (NaN: none): gap and inside. */
void ak_cal_figure_set(ak_cal_figure *f, const ak_cal_target *t, double simulated);
/* v with `decimals` decimals (0 to 9) and its integer part grouped by commas ("15,000.5");
 * "n/a" for NaN or an infinity. Writes at most cap bytes, always terminated; returns the length
 * of the full text as snprintf does. */
int ak_cal_format(char *buf, size_t cap, double v, int decimals);

/* Open the results database at path read-only and check that it is an akashsim results
 * database of this schema version (AK_REC_SCHEMA_VERSION). On failure *out is NULL and errbuf
 * (cap bytes; may be NULL) holds the one-line reason naming path: "x.db: cannot open: No such
 * file or directory", "x.db: file is not a database", "x.db: not an akashsim results database
 * (no runs table)", "x.db: schema version 7, this akashsim reads 1". */
int ak_cal_open(const char *path, ak_cal **out, char *errbuf, size_t cap);
/* Close; ak_cal_close(NULL) is a no-op. */
void ak_cal_close(ak_cal *cal);
/* The message of the last failure ("" before any); valid until the next call on cal. */
const char *ak_cal_errmsg(const ak_cal *cal);

/* Pick the run to measure: run_id > 0 that run, 0 the complete run with the highest id. The
 * run must exist ("x.db: no run 9") and be complete ("x.db: run 2 is not complete (its status
 * is failed)"; "x.db: no complete run"); else AK_EINVAL. *run is written on success only. */
int ak_cal_select_run(ak_cal *cal, int64_t run_id, ak_cal_run *run);
/* Measure every target on run_id: figs[i] for ak_cal_targets[i], ak_cal_ntargets of them. A
 * figure whose query names a column the file lacks (a file written by an akashsim before the
 * column was added to schema version 1) is NaN, like a figure the run does not have; any other
 * failed query fails the call ("x.db: no such table: metrics"). */
int ak_cal_measure(ak_cal *cal, int64_t run_id, ak_cal_figure *figs);

/* The table: a header naming path and the run, one line per figure (figure, unit, simulated,
 * target, range, gap, in range, sources), then one line per calibration row the figures cite.
 * 0, or AK_EIO if writing to f failed. */
int ak_cal_print(FILE *f, const char *path, const ak_cal_run *run, const ak_cal_figure *figs,
                 size_t n);
/* The same as a JSON array, one object per figure: name, figure, unit, simulated, target, low,
 * high, gap_pct, inside (null for a figure the run lacks), basis, how, sources (objects with
 * section, metric, value, date, source). 0, AK_ENOMEM or AK_EIO. */
int ak_cal_print_json(FILE *f, const ak_cal_figure *figs, size_t n);

#endif
