/*
 * sim/sweep.h: a sweep file, read and validated (docs/sweeps.md is the reference a user reads).
 *
 * A sweep names a base scenario, fixed overrides of it, the parameters it varies (by JSON path,
 * as `akashsim run --set` takes them) with a design that picks their values, optional named
 * variants (scenario patches compared against the first), a number of replications, a base seed
 * and the outcomes to summarize. Reading it builds the whole design: every point's values are
 * known after loading, so a run is fully described by its index.
 *
 * Runs are numbered point-major: index = (point x variants + variant) x replications +
 * replication, and a run's id in the results database is its index + 1, whatever the thread
 * count, the shard layout or the order runs finish in. Seeds: with common random numbers (the
 * default) every run of replication r uses the sweep's seed and replication r, so the random
 * streams of replication r are the same at every point and in every variant and differences
 * between points are paired; without them the seed also depends on the point.
 *
 * After loading the sweep is read-only; it owns its cJSON tree (names and paths point into it)
 * and is freed with ak_sweep_free.
 */
#ifndef AK_SIM_SWEEP_H
#define AK_SIM_SWEEP_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "recorder.h"

#define AK_SW_MAX_FILE (4u << 20)   /* bytes of a sweep file */
#define AK_SW_MAX_PARAMS 40         /* GSL's Sobol generator goes to 40 dimensions */
#define AK_SW_MAX_POINTS 100000
#define AK_SW_MAX_RUNS 1000000
#define AK_SW_MAX_VARIANTS 32
#define AK_SW_MAX_OUTCOMES 64
#define AK_SW_MAX_LEVELS 100        /* Morris grid levels */

typedef enum ak_sw_design {
    AK_SW_GRID,   /* every combination of the parameters' listed values */
    AK_SW_RANDOM, /* points drawn uniformly in the parameters' boxes */
    AK_SW_LHS,    /* Latin hypercube */
    AK_SW_SOBOL,  /* GSL's Sobol sequence */
    AK_SW_MORRIS, /* Morris trajectories for elementary effects */
    AK_SW_SALTELLI, /* Saltelli's design for Sobol indices */
    AK_SW_DESIGNS
} ak_sw_design;
/* "grid", "random", "lhs", "sobol", "morris", "saltelli", NULL. */
extern const char *const ak_sw_design_names[AK_SW_DESIGNS + 1];

/* How a sampled or ranged value is written into the scenario. */
typedef enum ak_sw_type {
    AK_SW_NUMBER,  /* a JSON number, 6 significant digits */
    AK_SW_INTEGER, /* a JSON number, rounded to an integer */
    AK_SW_DECIMAL  /* a string of decimal digits, as module params take decimals */
} ak_sw_type;

typedef struct ak_sw_param {
    const char *path;  /* the scenario path, as --set takes it */
    const char *name;  /* a short name for tables; the path when none is given */
    /* grid: the values as JSON texts (malloc'd) */
    uint32_t nvalues;
    char **values;
    /* sampled designs: the box and the mapping from [0,1] */
    double min, max;
    bool log;
    ak_sw_type type;
} ak_sw_param;

typedef struct ak_sw_variant {
    const char *name;        /* NULL for the single implicit variant of a sweep without any */
    const char *description; /* may be NULL */
    char **sets;             /* "path=<json>" (malloc'd) */
    uint32_t nsets;
} ak_sw_variant;

typedef struct ak_sw_outcome {
    const char *name;   /* as it appears in tables */
    const char *metric; /* a column of metrics */
    ak_rec_agg agg;
    double from_day;    /* samples at or after this simulated day */
} ak_sw_outcome;

typedef struct ak_sweep {
    cJSON *root;
    char *file;         /* as the user named it */
    char *json;         /* the sweep as JSON, unformatted: its identity in a results database */
    const char *name, *description;
    const char *base;   /* the base scenario as written, relative to the sweep file */
    char *base_path;    /* resolved against the sweep file's directory */
    char *base_text;    /* the base scenario file's contents (ak_sweep_load only) */
    size_t base_len;
    char *base_json;    /* ... as unformatted JSON (ak_sweep_load only) */
    char **sets;        /* fixed overrides of every run, "path=<json>" */
    uint32_t nsets;
    ak_sw_design design;
    uint32_t npoints;
    uint32_t trajectories, levels; /* Morris */
    uint32_t samples;              /* Saltelli: base samples; npoints = samples x (k + 2) */
    ak_sw_param *params;
    uint32_t nparams;
    ak_sw_variant *variants; /* at least one */
    uint32_t nvariants;
    bool has_variants;       /* the file lists variants (two or more) */
    uint32_t replications;
    uint64_t seed;
    bool crn;                /* common random numbers */
    ak_sw_outcome *outcomes;
    uint32_t noutcomes;
    char *outcome_names;     /* the block holding the default names */
    uint64_t nruns;
    /* sampled designs: npoints x nparams coordinates in [0,1] (NULL for a grid) */
    double *unit;
    /* Morris: per point, the parameter moved from the previous point (UINT32_MAX at the start
     * of a trajectory) and the signed move in [0,1] units */
    uint32_t *mfactor;
    double *mstep;
} ak_sweep;

/* One run of the sweep. */
typedef struct ak_sw_run {
    uint64_t index;    /* 0 .. nruns-1; the run id is index + 1 */
    uint32_t point, variant, replication;
    uint64_t seed;     /* the scenario seed of the run */
} ak_sw_run;

/* Read the sweep file at path, validate every key, build the design, and read the base
 * scenario file (which must exist and be a JSON object; the scenario itself is checked by the
 * caller with ak_sweep_scenario). 0, AK_EINVAL (why: one line naming the file and the JSON path)
 * or AK_ENOMEM. */
int ak_sweep_load(const char *path, ak_sweep **out, char *why, size_t cap);
/* The same from a text, without touching the base scenario (base_text and base_json stay
 * NULL): the design of a sweep recorded in a results database. */
int ak_sweep_parse(const char *name, const char *text, size_t len, ak_sweep **out, char *why,
                   size_t cap);
void ak_sweep_free(ak_sweep *sw);

/* The run with index i (< nruns). */
void ak_sweep_run_at(const ak_sweep *sw, uint64_t i, ak_sw_run *out);

/* The value of parameter j at point p as JSON text (malloc'd; NULL when out of memory). */
char *ak_sweep_value(const ak_sweep *sw, uint32_t point, uint32_t j);
/* The point's values as a JSON object {"path": value, ...} (malloc'd; NULL: out of memory). */
char *ak_sweep_point_json(const ak_sweep *sw, uint32_t point);
/* The --set strings of (point, variant): fixed sets, the variant's, then the point's values.
 * *sets is a malloc'd array of malloc'd strings (ak_sweep_sets_free). 0 or AK_ENOMEM. */
int ak_sweep_sets(const ak_sweep *sw, uint32_t point, uint32_t variant, char ***sets,
                  uint32_t *n);
void ak_sweep_sets_free(char **sets, uint32_t n);
/* The shell command that reproduces the run alone (`akashsim run BASE --seed S --replication R
 * --set ...` with its own -o), quoted for a POSIX shell. malloc'd; NULL when out of memory. */
char *ak_sweep_command(const ak_sweep *sw, const ak_sw_run *run);

/* Load the scenario of (point, variant) with the run's seed: what a run of the sweep runs.
 * Errors as ak_scenario_load, with the point named ("point 3 (variant \"x\"): ..."). Needs
 * ak_sweep_load. */
struct ak_scenario;
int ak_sweep_scenario(const ak_sweep *sw, const ak_sw_run *run, struct ak_scenario **out,
                      char *why, size_t cap);

#endif
