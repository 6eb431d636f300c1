/*
 * sim/experiment.h: running a sweep, merging shards of one, and summarizing its results
 * (docs/sweeps.md; the tables are in docs/results.md).
 *
 * Running: every run of the sweep (or of one shard of it) that the results database does not
 * already hold as complete is run, on OpenMP threads. Each run records into a private scratch
 * database and is published into the results file whole, in one transaction, when it ends: a
 * run is in the file complete, or failed with its message and the command that reproduces it,
 * or not at all. So an interrupted sweep leaves nothing half-written, and the same command
 * resumes it. Run ids are fixed by the sweep (index + 1), so the file's contents do not depend
 * on the thread count, the shard layout or the order in which runs finish (wall-clock columns
 * aside).
 *
 * Merging copies the runs of shard files of the same sweep into one file. Summarizing computes,
 * per point, variant and outcome, the mean, standard deviation and 95 % confidence interval over
 * replications, the paired differences against the first variant, and for sampled designs a
 * sensitivity ranking of the parameters, into the tables summary and sensitivity.
 */
#ifndef AK_SIM_EXPERIMENT_H
#define AK_SIM_EXPERIMENT_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "sweep.h"

typedef struct ak_exp_opts {
    int threads;          /* OpenMP threads; 0: OpenMP's default (every core) */
    uint32_t shard;       /* run the runs whose index % nshards == shard - 1; */
    uint32_t nshards;     /* 0 and 0: all runs */
    const uint64_t *only; /* when not NULL: exactly these run indices (shard ignored) */
    uint64_t nonly;
    bool check;           /* every invariant after every block (slow) */
    bool progress;        /* a progress line on stderr (the caller checks it is a terminal) */
    bool quiet;           /* no line per failed run on stderr */
    volatile sig_atomic_t *stop; /* when it becomes non-zero no run starts, and runs under way
                                  * are abandoned, not recorded; may be NULL */
} ak_exp_opts;

typedef struct ak_exp_result {
    uint64_t planned;     /* runs of this shard (all runs without shards) */
    uint64_t skipped;     /* already complete in the file */
    uint64_t complete;    /* completed by this call */
    uint64_t failed;      /* failed in this call (recorded with their message) */
    uint64_t abandoned;   /* not run or abandoned because of opts.stop */
    int threads;          /* threads used (summed over MPI ranks) */
    int ranks;            /* MPI ranks (1 without MPI) */
} ak_exp_result;

/* Run the sweep into the results database at out (created if absent). The file must be new,
 * or hold this sweep (same definition, same base scenario): anything else is refused with
 * AK_EINVAL. 0 when the loop ran (runs may have failed: see res), AK_EINVAL (why: one line
 * naming the file), AK_EIO or AK_ENOMEM. */
int ak_exp_sweep(const ak_sweep *sw, const char *out, const ak_exp_opts *opts, ak_exp_result *res,
                 char *why, size_t cap);

/* The runs opts selects (its list, its shard, or all) that the file at out does not hold
 * complete, in index order: *todo (malloc'd, *ntodo entries). Claims the file for the sweep as
 * ak_exp_sweep does; res gets planned and skipped. Errors as ak_exp_sweep. */
int ak_exp_plan(const ak_sweep *sw, const char *out, const ak_exp_opts *opts, uint64_t **todo,
                uint64_t *ntodo, ak_exp_result *res, char *why, size_t cap);

#ifdef AK_MPI
/* The sweep over the ranks of MPI_COMM_WORLD (MPI initialized by the caller, every rank with
 * the same sweep loaded): rank 0 plans the runs the file at out lacks (within opts' shard),
 * each rank runs every size-th of them into a database of its own (rank 0 into out, the others
 * into a temporary file under $TMPDIR), then the others send their files to rank 0, which
 * merges them into out. Only the main thread of each rank calls MPI. On rank 0, res sums every
 * rank's counts; the status is 0 on every rank when all ranks succeeded, else the worst one,
 * with its message in why on the rank that had it (rank 0 says which rank failed). */
int ak_exp_sweep_mpi(const ak_sweep *sw, const char *out, const ak_exp_opts *opts,
                     ak_exp_result *res, char *why, size_t cap);
#endif

typedef struct ak_exp_merged {
    uint64_t copied;      /* runs copied from the inputs */
    uint64_t duplicates;  /* complete runs already present, not copied again */
    uint64_t complete, failed, missing, total; /* the runs of the merged file */
} ak_exp_merged;

/* Merge the results of shards of one sweep (the files ins[0..n)) into out (created if absent;
 * if it exists it must hold the same sweep). A complete run replaces a failed one; a run
 * complete in two files is copied once. Every input is checked before anything is copied; each
 * is then copied in one transaction. 0, AK_EINVAL (a file that is not a sweep's results, or
 * another sweep's; out among the inputs), AK_EIO or AK_ENOMEM; an input that fails to copy
 * leaves out as the inputs before it made it. */
int ak_exp_merge(const char *out, const char *const *ins, int n, ak_exp_merged *res, char *why,
                 size_t cap);

/* Write the summary and sensitivity tables of the sweep results at path (replacing earlier
 * ones) and print them to f (NULL: print nothing). 0, AK_EINVAL (not a sweep's results), AK_EIO
 * or AK_ENOMEM. */
int ak_exp_summarize(const char *path, FILE *f, char *why, size_t cap);

#endif
