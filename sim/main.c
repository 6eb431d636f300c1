/*
 * sim/main.c: the akashsim command line (DESIGN.md "One run, as the data flows"; replay.md for
 * `akashsim replay`).
 *
 * Commands: run, validate, sweep, merge, summarize, calibrate, replay, params, version, help. Exit
 * statuses: 0 success, 1 a run failed (an invariant broke, out of memory, output not writable),
 * 2 a usage error or an invalid input file. Usage errors print the usage on stderr.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <sqlite3.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "calibrate.h"
#include "engine.h"
#include "experiment.h"
#include "errors.h"
#include "jread.h"
#include "jwrite.h"
#include "params.h"
#include "params_json.h"
#include "recorder.h"
#include "replay.h"
#include "scenario.h"
#include "store.h"
#include "sweep.h"
#include "version.h"

#ifdef AK_MPI
#include <mpi.h>
#endif


static const char usage_text[] =
    "usage: akashsim <command> [options]\n"
    "\n"
    "akashsim simulates the Akash Network: its marketplace (deployments, orders, bids,\n"
    "leases, escrow, the take fee) and its chain (CometBFT proposer selection, staking,\n"
    "slashing, distribution, mint, governance), run by a C implementation of the chain's rules.\n"
    "\n"
    "commands:\n"
    "  run [SCENARIO.json] [-o FILE] [--seed N] [--set PATH=VALUE]... [--check] [--quiet]\n"
    "                 simulate a scenario (default scenarios/baseline.json) into an SQLite\n"
    "                 results database (default results.db) and print a summary\n"
    "  validate FILE.json [--set PATH=VALUE]...\n"
    "                 check every key and value of a scenario or a sweep without running it\n"
    "  sweep SWEEP.json -o FILE [-j THREADS] [--shard I/N] [--check] [--quiet]\n"
    "                 run every point and replication of a sweep into one database, on every\n"
    "                 core; the same command resumes an interrupted sweep (docs/sweeps.md)\n"
    "  merge OUT.db IN.db...\n"
    "                 combine the databases of the shards of one sweep\n"
    "  summarize FILE [--quiet]\n"
    "                 per point and outcome: mean, sd and 95 % confidence interval over\n"
    "                 replications, paired differences between variants, sensitivity ranking\n"
    "                 (Morris, Sobol indices or Spearman)\n"
    "  calibrate RESULTS.db [--run N] [--json]\n"
    "                 print a complete run's figures next to public figures about the network,\n"
    "                 with the relative gap for each (see 'akashsim calibrate --help')\n"
    "  replay [--check] [--narrate] SCRIPT.json\n"
    "                 run a script of blocks and transactions through the protocol and print\n"
    "                 the results and the final state as JSON (see 'akashsim replay --help')\n"
    "  params         print the default module parameters as JSON\n"
    "  version        print the version and the rules it implements\n"
    "  help           print this help\n"
    "\n"
    "examples:\n"
    "  akashsim run\n"
    "  akashsim run scenarios/baseline.json -o base.db --set agents.tenants.arrivals_per_day=600\n"
    "  akashsim calibrate base.db\n"
    "  akashsim sweep scenarios/sweeps/take-rate.json -o take.db -j 2\n"
    "  akashsim summarize take.db\n"
    "  akashsim replay --narrate scenarios/replay/lease-lifecycle.json\n"
    "  akashsim replay --check scenarios/replay/lease-lifecycle.json > out.json\n"
    "  akashsim replay --narrate scenarios/replay/take-rate-vote.json\n";

static const char replay_usage[] =
    "usage: akashsim replay [--check] [--narrate] SCRIPT.json\n"
    "\n"
    "Run the protocol alone (no agents, no randomness) through a JSON script of blocks and\n"
    "transactions and print one JSON document on stdout: \"results\" (one per transaction,\n"
    "with the chain's error name when it failed), \"dumps\" (the state after blocks marked\n"
    "\"dump\": true) and \"final\" (the state after the last block).\n"
    "\n"
    "The script: \"rules\" (akash-v1), \"params\" (overrides of 'akashsim params'), \"genesis\"\n"
    "(time, block_time_s, accounts, providers; validators, delegations and mint_inflation,\n"
    "which start the chain layer), \"liveness\" (validators absent over ranges of heights),\n"
    "\"record\" ([\"proposers\"]) and \"blocks\" (height, txs, dump, absent, double_sign).\n"
    "Messages:\n"
    "  market      MsgCreateDeployment, MsgUpdateDeployment, MsgCloseDeployment, MsgCloseGroup,\n"
    "              MsgPauseGroup, MsgStartGroup, MsgAccountDeposit, MsgCreateBid, MsgCloseBid,\n"
    "              MsgCreateLease, MsgWithdrawLease, MsgCloseLease\n"
    "  providers   MsgCreateProvider, MsgUpdateProvider, MsgSignProviderAttributes,\n"
    "              MsgDeleteProviderAttributes, MsgGrantDepositAuthorization; bank: MsgSend\n"
    "  chain       MsgCreateValidator, MsgEditValidator, MsgDelegate, MsgUndelegate,\n"
    "              MsgBeginRedelegate, MsgUnjail, MsgWithdrawDelegatorReward,\n"
    "              MsgWithdrawValidatorCommission, MsgSubmitProposal, MsgDeposit, MsgVote,\n"
    "              MsgVoteWeighted\n"
    "scenarios/replay/ has examples and a README describing the format.\n"
    "\n"
    "options:\n"
    "  --check     check every invariant after genesis and after every block; exit 1 with\n"
    "              the broken invariant on stderr if one fails\n"
    "  --narrate   print a short human-readable account instead of JSON\n"
    "  --help      print this help\n"
    "\n"
    "exit status: 0 the script ran (failed transactions are results), 1 an invariant broke\n"
    "or the run failed, 2 the script is invalid (one line on stderr names the JSON path).\n";

static const char params_usage[] =
    "usage: akashsim params\n"
    "\n"
    "Print the default module parameters (deployment, market, take, staking, slashing,\n"
    "distribution, mint, gov, consensus) as JSON, in the shape that a replay script's\n"
    "\"params\" overrides. \"uncertain\" lists the defaults whose live mainnet value could not\n"
    "be confirmed (docs/deviations.md section 7); sweep them when a result depends on them.\n";

static const char run_usage[] =
    "usage: akashsim run [SCENARIO.json] [-o FILE] [--seed N] [--replication N]\n"
    "                    [--set PATH=VALUE]... [--check] [--quiet]\n"
    "\n"
    "Simulate the scenario (default scenarios/baseline.json; docs/scenarios.md describes the\n"
    "format) and append the run to an SQLite results database (docs/results.md). The run's row\n"
    "in `runs` says 'complete' only once everything is written; a run that fails or is killed\n"
    "stays 'failed' or 'running'. On a terminal, a progress line on stderr shows the simulated\n"
    "day, events per second and the time left. At the end a short summary goes to stdout.\n"
    "\n"
    "options:\n"
    "  -o FILE             the results database (default results.db; created if absent, runs\n"
    "                      are appended)\n"
    "  --seed N            replace the scenario's seed (0 to 2^63-1)\n"
    "  --replication N     the Monte Carlo replication (default 0): with the seed, it picks the\n"
    "                      random streams, as in a sweep (runs.command repeats a sweep's run)\n"
    "  --set PATH=VALUE    override one value of the scenario before it is checked, e.g.\n"
    "                      --set agents.tenants.arrivals_per_day=600\n"
    "                      --set genesis.providers[0].count=20  (VALUE is JSON, or a string)\n"
    "  --check             check every invariant of the chain after every block (slow)\n"
    "  --quiet             print no summary\n"
    "  --help              print this help\n"
    "\n"
    "exit status: 0 the run completed, 1 it failed (an invariant broke, the database could not\n"
    "be written), 2 the scenario or an option is invalid or the output cannot be opened, 130 it\n"
    "was interrupted (SIGINT or SIGTERM; the run is recorded as failed).\n";

static const char validate_usage[] =
    "usage: akashsim validate FILE.json [--set PATH=VALUE]...\n"
    "\n"
    "Check a scenario as `akashsim run` does, without running it: every key is known (with a\n"
    "\"did you mean\" suggestion otherwise), every value has the right type and range, the\n"
    "settings agree with each other, and the module params are valid as the chain validates\n"
    "them. Errors are one line naming the file and the JSON path; exit status 2.\n"
    "\n"
    "A file with a \"base\" key is a sweep (docs/sweeps.md): its keys are checked, its design\n"
    "is built, and the scenario of every point (and variant) is checked as above. --set\n"
    "applies to scenarios only.\n";

static const char sweep_usage[] =
    "usage: akashsim sweep SWEEP.json -o FILE [-j THREADS] [--shard I/N] [--check] [--quiet]\n"
    "\n"
    "Run every (point, variant, replication) of a sweep (docs/sweeps.md) into one SQLite results\n"
    "database, on OpenMP threads. Run ids, seeds and every row are fixed by the sweep: the file\n"
    "has the same contents at any -j and any shard layout (wall-clock columns aside). Each run\n"
    "is written whole when it ends, so the file holds complete and failed runs only; run the\n"
    "same command again to resume an interrupted sweep (runs already complete are skipped).\n"
    "A run that fails is recorded with its message and the command that reproduces it alone\n"
    "(runs.message, runs.command), and the sweep goes on. On a terminal, a progress line on\n"
    "stderr shows runs done, failures and the time left. Then: akashsim summarize FILE.\n"
    "\n"
    "options:\n"
    "  -o FILE        the results database (new, or holding this same sweep to resume it)\n"
    "  -j THREADS     runs at once (default: one per core)\n"
    "  --shard I/N    run only share I of N (1 <= I <= N): the runs whose index modulo N is\n"
    "                 I - 1, for a scheduler to spread a sweep (a Slurm array, GNU parallel);\n"
    "                 combine the files with akashsim merge\n"
    "  --check        check every invariant of the chain after every block (slow)\n"
    "  --quiet        no progress line, no line per failed run, no closing summary\n"
    "  --help         print this help\n"
    "\n"
    "exit status: 0 every run of the share is complete, 1 runs failed or the database could not\n"
    "be written, 2 the sweep, an option or the output file is invalid, 130 interrupted (SIGINT\n"
    "or SIGTERM: runs under way are dropped, complete ones kept; run the command again).\n";

static const char merge_usage[] =
    "usage: akashsim merge OUT.db IN.db...\n"
    "\n"
    "Copy the runs of the result files of one sweep (the shards of akashsim sweep --shard, or\n"
    "partial runs of it) into OUT.db, created if absent. Every input must hold the same sweep\n"
    "(same definition, same base scenario), and OUT.db too if it exists; they are all checked\n"
    "before anything is copied. A complete run replaces a failed one; a run complete in two\n"
    "files is copied once. The inputs are read, never changed.\n"
    "\n"
    "exit status: 0 merged, 1 the output could not be written, 2 an input is not a sweep's\n"
    "results, holds another sweep, or is the output.\n";

static const char summarize_usage[] =
    "usage: akashsim summarize FILE [--quiet]\n"
    "\n"
    "Summarize the results of akashsim sweep in FILE: for every point, variant and outcome, the\n"
    "mean over replications, its standard deviation and 95 % confidence interval (Student's t),\n"
    "and for variants after the first the paired difference against the first with its\n"
    "interval (runs of one replication share their random streams). For sampled designs, a\n"
    "ranking of the parameters per outcome: Morris's mu* (morris), Sobol's total indices\n"
    "(saltelli) or Spearman's rank correlation (random, lhs, sobol). The tables summary and\n"
    "sensitivity are replaced, and printed (docs/sweeps.md explains every figure).\n"
    "\n"
    "options:\n"
    "  --quiet    write the tables, print nothing\n"
    "\n"
    "exit status: 0 written, 1 the file could not be written, 2 FILE is not a sweep's results.\n";

static const char calibrate_usage[] =
    "usage: akashsim calibrate RESULTS.db [--run N] [--json]\n"
    "\n"
    "Print a complete run's figures next to the calibration targets: public figures about the\n"
    "Akash network in the take-rate era (providers, GPUs, vCPUs, memory, storage, utilisation,\n"
    "new leases and lease revenue per day, the take, H100 and A100 prices, the AKT price, the\n"
    "supply, inflation, bonded validators). For each: the simulated value, the target and its\n"
    "range, the relative gap (simulated - target) / target, and whether the value is in the\n"
    "range; then the source of every target. docs/calibration.md explains each figure. The\n"
    "database is opened read-only and never modified.\n"
    "\n"
    "options:\n"
    "  --run N     the run to compare (default: the complete run with the highest id)\n"
    "  --json      print a JSON array, one object per figure, instead of the table\n"
    "  --help      print this help\n"
    "\n"
    "exit status: 0 the figures were printed, 1 out of memory or stdout not writable, 2 an\n"
    "option is invalid, the file is not an akashsim results database, or the run does not\n"
    "exist or is not complete (one line on stderr names the file).\n";

static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "akashsim: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n\n%s", usage_text);
    return 2;
}

static int cmd_replay(int argc, char **argv)
{
    ak_replay_opts opts = {false, false};
    const char *file = NULL;
    bool opts_done = false;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (!opts_done && strcmp(a, "--") == 0) {
            opts_done = true;
        } else if (!opts_done && (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)) {
            fputs(replay_usage, stdout);
            return 0;
        } else if (!opts_done && strcmp(a, "--check") == 0) {
            opts.check = true;
        } else if (!opts_done && strcmp(a, "--narrate") == 0) {
            opts.narrate = true;
        } else if (!opts_done && a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "akashsim replay: unknown option %s\n\n%s", a, replay_usage);
            return 2;
        } else if (file) {
            fprintf(stderr, "akashsim replay: one script at a time (got %s and %s)\n\n%s", file,
                    a, replay_usage);
            return 2;
        } else {
            file = a;
        }
    }
    if (!file) {
        fprintf(stderr, "akashsim replay: missing SCRIPT.json\n\n%s", replay_usage);
        return 2;
    }
    return ak_replay_file(file, &opts, stdout, stderr);
}

static int cmd_params(int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(params_usage, stdout);
            return 0;
        }
        fprintf(stderr, "akashsim params: unexpected argument %s\n\n%s", argv[i], params_usage);
        return 2;
    }
    ak_strtab strs;
    ak_params p;
    jw w;
    jw_init(&w);
    int status = 1;
    if (ak_strtab_init(&strs) == 0) {
        if (ak_params_default(&p, &strs) == 0) {
            ak_params_json_write(&w, &p, &strs, true);
            if (!jw_failed(&w) && jw_flush(&w, stdout))
                status = 0;
        }
        ak_strtab_fini(&strs);
    }
    jw_fini(&w);
    if (status)
        fprintf(stderr, "akashsim params: cannot write the parameters\n");
    return status;
}

static int cmd_calibrate(int argc, char **argv)
{
    const char *file = NULL;
    int64_t run_id = 0;
    bool json = false, opts_done = false;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (!opts_done && strcmp(a, "--") == 0) {
            opts_done = true;
        } else if (!opts_done && (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)) {
            fputs(calibrate_usage, stdout);
            return 0;
        } else if (!opts_done && strcmp(a, "--json") == 0) {
            json = true;
        } else if (!opts_done && (strcmp(a, "--run") == 0 || strncmp(a, "--run=", 6) == 0)) {
            const char *v = a[5] == '=' ? a + 6 : i + 1 < argc ? argv[++i] : "";
            char *end;
            errno = 0;
            long long n = strtoll(v, &end, 10);
            if (!*v || *end || errno || n < 1) {
                fprintf(stderr, "akashsim calibrate: --run needs a run id, an integer from 1 to "
                                "2^63-1 (got \"%s\")\n", v);
                return 2;
            }
            run_id = n;
        } else if (!opts_done && a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "akashsim calibrate: unknown option %s\n\n%s", a, calibrate_usage);
            return 2;
        } else if (file) {
            fprintf(stderr, "akashsim calibrate: one database at a time (got %s and %s)\n\n%s",
                    file, a, calibrate_usage);
            return 2;
        } else {
            file = a;
        }
    }
    if (!file) {
        fprintf(stderr, "akashsim calibrate: missing RESULTS.db\n\n%s", calibrate_usage);
        return 2;
    }
    ak_cal *cal;
    char why[600];
    int rc = ak_cal_open(file, &cal, why, sizeof why);
    if (rc) {
        fprintf(stderr, "akashsim calibrate: %s\n", why);
        return rc == AK_ENOMEM ? 1 : 2;
    }
    ak_cal_run run;
    ak_cal_figure *figs = calloc(ak_cal_ntargets, sizeof *figs);
    if (!figs)
        rc = AK_ENOMEM;
    else if ((rc = ak_cal_select_run(cal, run_id, &run)) == 0)
        rc = ak_cal_measure(cal, run.run_id, figs);
    if (rc) {
        fprintf(stderr, "akashsim calibrate: %s\n", figs ? ak_cal_errmsg(cal) : "out of memory");
        free(figs);
        ak_cal_close(cal);
        return rc == AK_ENOMEM ? 1 : 2;
    }
    ak_cal_close(cal);
    rc = json ? ak_cal_print_json(stdout, figs, ak_cal_ntargets)
              : ak_cal_print(stdout, file, &run, figs, ak_cal_ntargets);
    free(figs);
    if (rc == 0 && fflush(stdout) != 0)
        rc = AK_EIO;
    if (rc) {
        fprintf(stderr, "akashsim calibrate: %s\n",
                rc == AK_ENOMEM ? "out of memory" : "cannot write the figures");
        return 1;
    }
    return 0;
}

/* Options shared by run and validate. Returns -1 to go on, else the exit status. */
typedef struct run_args {
    const char *file, *out;
    const char *sets[AK_SC_MAX_SETS];
    uint32_t nsets;
    int64_t seed;
    uint32_t replication;
    bool check, quiet;
} run_args;

static int parse_run_args(const char *cmd, const char *usage, bool is_run, int argc, char **argv,
                          run_args *a)
{
    memset(a, 0, sizeof *a);
    a->out = "results.db";
    a->seed = -1;
    for (int i = 0; i < argc; i++) {
        const char *o = argv[i];
        bool has_next = i + 1 < argc;
        if (strcmp(o, "--help") == 0 || strcmp(o, "-h") == 0) {
            fputs(usage, stdout);
            return 0;
        } else if (strcmp(o, "--set") == 0 || strncmp(o, "--set=", 6) == 0) {
            const char *v = o[5] == '=' ? o + 6 : has_next ? argv[++i] : NULL;
            if (!v) {
                fprintf(stderr, "akashsim %s: --set needs PATH=VALUE\n\n%s", cmd, usage);
                return 2;
            }
            if (a->nsets == AK_SC_MAX_SETS) {
                fprintf(stderr, "akashsim %s: at most %d --set options\n", cmd, AK_SC_MAX_SETS);
                return 2;
            }
            a->sets[a->nsets++] = v;
        } else if (is_run && (strcmp(o, "-o") == 0 || strcmp(o, "--output") == 0)) {
            if (!has_next) {
                fprintf(stderr, "akashsim %s: %s needs a FILE\n\n%s", cmd, o, usage);
                return 2;
            }
            a->out = argv[++i];
        } else if (is_run && strcmp(o, "--seed") == 0) {
            char *end;
            const char *v = has_next ? argv[++i] : "";
            errno = 0;
            long long n = strtoll(v, &end, 10);
            if (!*v || *end || errno || n < 0) {
                fprintf(stderr, "akashsim %s: --seed needs an integer from 0 to 2^63-1 (got "
                                "\"%s\")\n", cmd, v);
                return 2;
            }
            a->seed = n;
        } else if (is_run && strcmp(o, "--replication") == 0) {
            char *end;
            const char *v = has_next ? argv[++i] : "";
            errno = 0;
            long long n = strtoll(v, &end, 10);
            if (!*v || *end || errno || n < 0 || n > UINT32_MAX) {
                fprintf(stderr, "akashsim %s: --replication needs an integer from 0 to %u (got "
                                "\"%s\")\n", cmd, UINT32_MAX, v);
                return 2;
            }
            a->replication = (uint32_t)n;
        } else if (is_run && strcmp(o, "--check") == 0) {
            a->check = true;
        } else if (is_run && strcmp(o, "--quiet") == 0) {
            a->quiet = true;
        } else if (o[0] == '-' && o[1]) {
            fprintf(stderr, "akashsim %s: unknown option %s\n\n%s", cmd, o, usage);
            return 2;
        } else if (a->file) {
            fprintf(stderr, "akashsim %s: one scenario at a time (got %s and %s)\n\n%s", cmd,
                    a->file, o, usage);
            return 2;
        } else {
            a->file = o;
        }
    }
    return -1;
}

/* A sweep is a JSON object with a "base" key; anything else is read as a scenario. */
static bool is_sweep_file(const char *path)
{
    char *buf, why[256];
    size_t len;
    if (jr_read_file(path, AK_SC_MAX_FILE, &buf, &len, why, sizeof why))
        return false;
    cJSON *root = cJSON_ParseWithLength(buf, len);
    free(buf);
    bool sweep = cJSON_IsObject(root) && cJSON_GetObjectItemCaseSensitive(root, "base");
    cJSON_Delete(root);
    return sweep;
}

static void print_layout(const ak_sweep *sw)
{
    printf("%s design, %u point%s", ak_sw_design_names[sw->design], sw->npoints,
           sw->npoints == 1 ? "" : "s");
    if (sw->has_variants)
        printf(" x %u variants", sw->nvariants);
    printf(" x %u replication%s = %llu runs", sw->replications,
           sw->replications == 1 ? "" : "s", (unsigned long long)sw->nruns);
}

static int validate_sweep(const char *file)
{
    ak_sweep *sw;
    char why[1100];
    int rc = ak_sweep_load(file, &sw, why, sizeof why);
    if (rc) {
        fprintf(stderr, "akashsim validate: %s\n", why);
        return rc == AK_ENOMEM ? 1 : 2;
    }
    /* every point's scenario, as a run would load it (the seed does not change validity) */
    uint64_t checked = 0;
    for (uint32_t p = 0; p < sw->npoints; p++)
        for (uint32_t v = 0; v < sw->nvariants; v++) {
            ak_sw_run run;
            ak_sweep_run_at(sw, ((uint64_t)p * sw->nvariants + v) * sw->replications, &run);
            ak_scenario *sc;
            char inner[1100];
            if ((rc = ak_sweep_scenario(sw, &run, &sc, inner, sizeof inner))) {
                fprintf(stderr, "akashsim validate: %s: %s\n", file, inner);
                ak_sweep_free(sw);
                return rc == AK_ENOMEM ? 1 : 2;
            }
            ak_scenario_free(sc);
            checked++;
        }
    printf("%s: valid sweep \"%s\": ", file, sw->name);
    print_layout(sw);
    printf(", %u outcome%s; base %s, %llu scenario%s checked\n", sw->noutcomes,
           sw->noutcomes == 1 ? "" : "s", sw->base_path, (unsigned long long)checked,
           checked == 1 ? "" : "s");
    ak_sweep_free(sw);
    return 0;
}

static int cmd_validate(int argc, char **argv)
{
    run_args a;
    int st = parse_run_args("validate", validate_usage, false, argc, argv, &a);
    if (st >= 0)
        return st;
    if (!a.file) {
        fprintf(stderr, "akashsim validate: missing SCENARIO.json\n\n%s", validate_usage);
        return 2;
    }
    if (is_sweep_file(a.file)) {
        if (a.nsets) {
            fprintf(stderr, "akashsim validate: %s: --set applies to scenarios; a sweep sets "
                            "values in its own \"set\"\n", a.file);
            return 2;
        }
        return validate_sweep(a.file);
    }
    ak_scenario *sc;
    char why[1100];
    int rc = ak_scenario_load(a.file, a.sets, a.nsets, -1, &sc, why, sizeof why);
    if (rc) {
        fprintf(stderr, "akashsim validate: %s\n", why);
        return rc == AK_ENOMEM ? 1 : 2;
    }
    printf("%s: valid scenario \"%s\": %.6g days, %u validators, %u providers in %u fleets, "
           "%u tenants, %u workloads\n",
           a.file, sc->name, sc->duration_days, sc->nvalidators, sc->nproviders, sc->nfleets,
           sc->ntenants, sc->nworkloads);
    ak_scenario_free(sc);
    return 0;
}

/* Set by SIGINT or SIGTERM: the run stops at the next event, is recorded as failed
 * ("interrupted"), and the command exits 130. The only global of the program, as a signal
 * handler needs one. */
static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    interrupted = sig;
}

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void print_summary(const ak_scenario *sc, const ak_sim_summary *s, double wall,
                          const char *out, int64_t run_id)
{
    printf("akashsim run: %s, seed %llu: %.1f days simulated in %.1f s (%lld events, %lld "
           "blocks)\n", sc->name, (unsigned long long)sc->seed, s->days, wall,
           (long long)s->events, (long long)s->blocks);
    printf("  deployments %lld, leases %lld (%lld active at the end), orders without a lease "
           "%lld\n", (long long)s->deployments, (long long)s->leases,
           (long long)s->active_leases, (long long)s->orders_unmet);
    if (isnan(s->gpu_util))
        printf("  utilization at the end: CPU %.1f %% (no GPUs)\n",
               isnan(s->cpu_util) ? 0 : 100 * s->cpu_util);
    else
        printf("  utilization at the end: CPU %.1f %%, GPU %.1f %%\n",
               isnan(s->cpu_util) ? 0 : 100 * s->cpu_util, 100 * s->gpu_util);
    char cpu[32] = "n/a", gpu[32] = "n/a";
    if (!isnan(s->cpu_month_usd))
        snprintf(cpu, sizeof cpu, "$%.2f", s->cpu_month_usd);
    if (!isnan(s->gpu_hour_usd))
        snprintf(gpu, sizeof gpu, "$%.2f", s->gpu_hour_usd);
    printf("  median lease price: %s per CPU-month, %s per GPU-hour (active leases at the end)\n",
           cpu, gpu);
    if (s->akt_usd_end == s->akt_usd_start)
        printf("  tenant spend $%.0f, provider income $%.0f, take $%.0f (AKT at $%.2f)\n",
               s->spend_usd, s->income_usd, s->take_usd, s->akt_usd_start);
    else
        printf("  tenant spend $%.0f, provider income $%.0f, take $%.0f (AKT from $%.2f to "
               "$%.2f)\n",
               s->spend_usd, s->income_usd, s->take_usd, s->akt_usd_start, s->akt_usd_end);
    printf("  supply %.0f AKT, community pool %.0f AKT, bonded %.1f %%, inflation %.2f %%\n",
           s->supply_akt, s->community_pool_akt, 100 * s->bonded_ratio, 100 * s->inflation);
    if (s->tx_failed > 0) {
        printf("  failed transactions: %lld (", (long long)s->tx_failed);
        for (uint32_t i = 0; i < s->nfailures; i++)
            printf("%s%s %s: %lld", i ? ", " : "", ak_msg_name(s->failures[i].type),
                   ak_err_name(s->failures[i].code), (long long)s->failures[i].count);
        printf("%s)\n", s->nfailures < AK_SIM_TOP_FAILURES ? "" : ", ...");
    }
    printf("  results: %s, run %lld\n", out, (long long)run_id);
}

static int cmd_run(int argc, char **argv)
{
    run_args a;
    int st = parse_run_args("run", run_usage, true, argc, argv, &a);
    if (st >= 0)
        return st;
    if (!a.file)
        a.file = "scenarios/baseline.json";
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    ak_scenario *sc;
    char why[1100];
    int rc = ak_scenario_load(a.file, a.sets, a.nsets, a.seed, &sc, why, sizeof why);
    if (rc) {
        fprintf(stderr, "akashsim run: %s\n", why);
        return rc == AK_ENOMEM ? 1 : 2;
    }
    ak_rec *rec;
    if ((rc = ak_rec_open(a.out, &rec, why, sizeof why))) {
        fprintf(stderr, "akashsim run: %s\n", why);
        ak_scenario_free(sc);
        return rc == AK_ENOMEM ? 1 : 2;
    }
    char *json = ak_scenario_json(sc);
    ak_rec_run_info info = {
        .scenario_name = sc->name,
        .scenario_json = json,
        .seed = sc->seed,
        .replication = a.replication,
        .point = -1,
        .rules = AKASHSIM_RULES,
        .version = AKASHSIM_VERSION,
        .started_unix = (int64_t)time(NULL),
    };
    int64_t run_id = 0;
    if (!json || (rc = ak_rec_begin_run(rec, &info, &run_id))) {
        fprintf(stderr, "akashsim run: %s\n", json ? ak_rec_errmsg(rec) : "out of memory");
        free(json);
        ak_rec_close(rec);
        ak_scenario_free(sc);
        return 1;
    }
    free(json);
    double t0 = wall_now();
    ak_sim_opts opts = {.replication = a.replication, .check = a.check, .rec = rec};
    ak_sim *sim;
    if ((rc = ak_sim_create(sc, &opts, &sim, why, sizeof why))) {
        fprintf(stderr, "akashsim run: %s\n", why);
        ak_rec_end_run(rec, false, why, wall_now() - t0, 0, 0);
        ak_rec_close(rec);
        ak_scenario_free(sc);
        return rc == AK_ENOMEM ? 1 : 2;
    }
    bool tty = isatty(fileno(stderr)) && !a.quiet;
    double last = t0;
    uint64_t last_events = 0;
    for (;;) {
        if (interrupted)
            break;
        rc = ak_sim_step(sim);
        if (rc <= 0)
            break;
        if (tty && (ak_sim_events(sim) & 0xffff) == 0) {
            double now = wall_now();
            if (now - last >= 0.5) {
                double day = (double)ak_sim_time(sim) / 86400e6;
                double rate = (double)(ak_sim_events(sim) - last_events) / (now - last);
                double left = day > 0 ? (now - t0) * (sc->duration_days - day) / day : 0;
                fprintf(stderr, "\rakashsim run: day %.0f of %.0f, %.2f M events/s, %.0f s left   ",
                        day, sc->duration_days, rate / 1e6, left);
                last = now;
                last_events = ak_sim_events(sim);
            }
        }
    }
    if (tty)
        fprintf(stderr, "\r%78s\r", "");
    if (rc == 0)
        rc = ak_sim_finish(sim);
    double wall = wall_now() - t0;
    ak_sim_summary sum;
    ak_sim_summarize(sim, &sum);
    int status = 0;
    if (interrupted) {
        char msg[128];
        snprintf(msg, sizeof msg, "interrupted by signal %d at %.2f simulated days",
                 (int)interrupted, (double)ak_sim_time(sim) / 86400e6);
        fprintf(stderr, "akashsim run: %s: %s; run %lld is recorded as failed\n", sc->file, msg,
                (long long)run_id);
        ak_rec_end_run(rec, false, msg, wall, sum.events, sum.blocks);
        status = 130;
    } else if (rc < 0) {
        fprintf(stderr, "akashsim run: %s: %s\n", sc->file, ak_sim_errmsg(sim));
        ak_rec_end_run(rec, false, ak_sim_errmsg(sim), wall, sum.events, sum.blocks);
        status = 1;
    } else if ((rc = ak_rec_end_run(rec, true, NULL, wall, sum.events, sum.blocks))) {
        fprintf(stderr, "akashsim run: %s\n", ak_rec_errmsg(rec));
        status = 1;
    }
    if (ak_rec_close(rec) && status == 0) {
        fprintf(stderr, "akashsim run: %s: cannot close the database\n", a.out);
        status = 1;
    }
    if (status == 0 && !a.quiet)
        print_summary(sc, &sum, wall, a.out, run_id);
    ak_sim_destroy(sim);
    ak_scenario_free(sc);
    return status;
}

static bool parse_uint(const char *v, unsigned long long max, unsigned long long *out)
{
    char *end;
    errno = 0;
    if (!v || !*v || *v == '-' || *v == '+')
        return false;
    unsigned long long n = strtoull(v, &end, 10);
    if (*end || errno || n > max)
        return false;
    *out = n;
    return true;
}

static int sweep_main(int argc, char **argv, int rank, int ranks)
{
    (void)ranks; /* read only by an MPI build */
    const char *file = NULL, *out = NULL;
    ak_exp_opts opts = {0};
    for (int i = 0; i < argc; i++) {
        const char *o = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        unsigned long long n;
        if (strcmp(o, "--help") == 0 || strcmp(o, "-h") == 0) {
            fputs(sweep_usage, stdout);
            return 0;
        } else if (strcmp(o, "-o") == 0 || strcmp(o, "--output") == 0) {
            if (!next) {
                fprintf(stderr, "akashsim sweep: %s needs a FILE\n\n%s", o, sweep_usage);
                return 2;
            }
            out = argv[++i];
        } else if (strcmp(o, "-j") == 0 || strcmp(o, "--threads") == 0) {
            if (!parse_uint(next, 1024, &n) || n == 0) {
                fprintf(stderr, "akashsim sweep: %s needs a number of threads from 1 to 1024 "
                                "(got \"%s\")\n", o, next ? next : "");
                return 2;
            }
            opts.threads = (int)n;
            i++;
        } else if (strcmp(o, "--shard") == 0) {
            const char *slash = next ? strchr(next, '/') : NULL;
            char istr[32];
            unsigned long long si, sn;
            bool ok = slash && (size_t)(slash - next) < sizeof istr;
            if (ok) {
                memcpy(istr, next, (size_t)(slash - next));
                istr[slash - next] = '\0';
                ok = parse_uint(istr, AK_SW_MAX_RUNS, &si) &&
                     parse_uint(slash + 1, AK_SW_MAX_RUNS, &sn) && si >= 1 && si <= sn;
            }
            if (!ok) {
                fprintf(stderr, "akashsim sweep: --shard needs I/N with 1 <= I <= N, e.g. "
                                "--shard 2/4 (got \"%s\")\n", next ? next : "");
                return 2;
            }
            opts.shard = (uint32_t)si;
            opts.nshards = (uint32_t)sn;
            i++;
        } else if (strcmp(o, "--check") == 0) {
            opts.check = true;
        } else if (strcmp(o, "--quiet") == 0) {
            opts.quiet = true;
        } else if (o[0] == '-' && o[1]) {
            fprintf(stderr, "akashsim sweep: unknown option %s\n\n%s", o, sweep_usage);
            return 2;
        } else if (file) {
            fprintf(stderr, "akashsim sweep: one sweep at a time (got %s and %s)\n\n%s", file,
                    o, sweep_usage);
            return 2;
        } else {
            file = o;
        }
    }
    if (!file || !out) {
        fprintf(stderr, "akashsim sweep: missing %s\n\n%s", file ? "-o FILE" : "SWEEP.json",
                sweep_usage);
        return 2;
    }
    ak_sweep *sw;
    char why[1100];
    int rc = ak_sweep_load(file, &sw, why, sizeof why);
#ifdef AK_MPI
    if (ranks > 1) { /* all ranks go on, or none */
        int bad = rc != 0, any;
        MPI_Allreduce(&bad, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
        if (any && !rc) {
            ak_sweep_free(sw);
            return 2; /* the rank that failed says why */
        }
    }
#endif
    if (rc) {
        fprintf(stderr, "akashsim sweep: %s%s\n", rank ? "rank " : "", why);
        return rc == AK_ENOMEM ? 1 : 2;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    opts.stop = &interrupted;
    opts.progress = !opts.quiet && isatty(fileno(stderr));
    ak_exp_result res;
    double t0 = wall_now();
#ifdef AK_MPI
    if (ranks > 1)
        rc = ak_exp_sweep_mpi(sw, out, &opts, &res, why, sizeof why);
    else
#endif
        rc = ak_exp_sweep(sw, out, &opts, &res, why, sizeof why);
    double wall = wall_now() - t0;
    if (rc) {
        if (rank == 0 || !strstr(why, "rank 0 could not"))
            fprintf(stderr, "akashsim sweep: %s\n", why);
        ak_sweep_free(sw);
        return rc == AK_EINVAL ? 2 : 1;
    }
    if (rank != 0) { /* rank 0 reports for the job */
        ak_sweep_free(sw);
        return interrupted ? 130 : 0;
    }
    if (!opts.quiet) {
        printf("akashsim sweep: %s: ", sw->name);
        print_layout(sw);
        if (opts.nshards)
            printf("; shard %u/%u has %llu", opts.shard, opts.nshards,
                   (unsigned long long)res.planned);
        printf("\n  %llu run%s in %.1f s on ", (unsigned long long)(res.complete + res.failed),
               res.complete + res.failed == 1 ? "" : "s", wall);
        if (res.ranks > 1)
            printf("%d MPI ranks (%d threads in all)", res.ranks, res.threads);
        else
            printf("%d thread%s", res.threads, res.threads == 1 ? "" : "s");
        printf(": %llu complete, %llu failed", (unsigned long long)res.complete,
               (unsigned long long)res.failed);
        if (res.skipped)
            printf(", %llu already complete (skipped)", (unsigned long long)res.skipped);
        if (res.abandoned)
            printf(", %llu not run (interrupted)", (unsigned long long)res.abandoned);
        printf("\n  results: %s\n", out);
        if (res.failed)
            printf("  failed runs: sqlite3 %s \"SELECT run_id, message, command FROM runs "
                   "WHERE status = 'failed'\"\n", out);
        if (opts.nshards)
            printf("  next: akashsim merge ALL.db <the %u shard files>, then akashsim "
                   "summarize ALL.db\n", opts.nshards);
        else if (!res.abandoned)
            printf("  next: akashsim summarize %s\n", out);
    }
    ak_sweep_free(sw);
    if (interrupted) {
        fprintf(stderr, "akashsim sweep: interrupted by signal %d; run the same command to "
                        "resume\n", (int)interrupted);
        return 130;
    }
    return res.failed ? 1 : 0;
}

/* Under mpirun (an MPI build), every rank runs this; rank 0 writes the results file. */
static int cmd_sweep(int argc, char **argv)
{
#ifdef AK_MPI
    int provided, rank = 0, ranks = 1;
    if (MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
        fprintf(stderr, "akashsim sweep: MPI did not start\n");
        return 1;
    }
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &ranks);
    int status = sweep_main(argc, argv, rank, ranks);
    if (ranks > 1) { /* the job's status: the worst rank's */
        int worst;
        MPI_Allreduce(&status, &worst, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
        status = worst;
    }
    MPI_Finalize();
    return status;
#else
    return sweep_main(argc, argv, 0, 1);
#endif
}

static int cmd_merge(int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(merge_usage, stdout);
            return 0;
        }
        if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "akashsim merge: unknown option %s\n\n%s", argv[i], merge_usage);
            return 2;
        }
    }
    if (argc < 2) {
        fprintf(stderr, "akashsim merge: needs OUT.db and at least one IN.db\n\n%s",
                merge_usage);
        return 2;
    }
    ak_exp_merged res;
    char why[1100];
    int rc = ak_exp_merge(argv[0], (const char *const *)argv + 1, argc - 1, &res, why,
                          sizeof why);
    if (rc) {
        fprintf(stderr, "akashsim merge: %s\n", why);
        return rc == AK_EINVAL ? 2 : 1;
    }
    printf("akashsim merge: %d file%s into %s: %llu run%s copied, %llu already there\n"
           "  the sweep has %llu of %llu runs complete, %llu failed, %llu not run\n",
           argc - 1, argc == 2 ? "" : "s", argv[0], (unsigned long long)res.copied,
           res.copied == 1 ? "" : "s", (unsigned long long)res.duplicates,
           (unsigned long long)res.complete, (unsigned long long)res.total,
           (unsigned long long)res.failed, (unsigned long long)res.missing);
    return 0;
}

static int cmd_summarize(int argc, char **argv)
{
    const char *file = NULL;
    bool quiet = false;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(summarize_usage, stdout);
            return 0;
        } else if (strcmp(argv[i], "--quiet") == 0) {
            quiet = true;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "akashsim summarize: unknown option %s\n\n%s", argv[i],
                    summarize_usage);
            return 2;
        } else if (file) {
            fprintf(stderr, "akashsim summarize: one file at a time (got %s and %s)\n\n%s",
                    file, argv[i], summarize_usage);
            return 2;
        } else {
            file = argv[i];
        }
    }
    if (!file) {
        fprintf(stderr, "akashsim summarize: missing FILE\n\n%s", summarize_usage);
        return 2;
    }
    char why[1100];
    int rc = ak_exp_summarize(file, quiet ? NULL : stdout, why, sizeof why);
    if (rc) {
        fprintf(stderr, "akashsim summarize: %s\n", why);
        return rc == AK_EINVAL ? 2 : 1;
    }
    if (fflush(stdout) != 0) {
        fprintf(stderr, "akashsim summarize: cannot write to stdout\n");
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    /* GSL's default handler aborts; every GSL status is checked instead (DESIGN.md) */
    gsl_set_error_handler_off();
    /* SQLite counts every allocation of every connection under one global mutex; a sweep's
     * threads each record into their own database and would queue on it. Nothing here reads
     * those counts. Must precede any other SQLite call. */
    (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    if (argc < 2)
        return usage_error("%s", "missing command");
    const char *cmd = argv[1];
    if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        if (argc > 2)
            return usage_error("help takes no arguments (got %s)", argv[2]);
        fputs(usage_text, stdout);
        return 0;
    }
    if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
        if (argc > 2)
            return usage_error("version takes no arguments (got %s)", argv[2]);
        printf("akashsim " AKASHSIM_VERSION " (rules " AKASHSIM_RULES ")\n");
        return 0;
    }
    if (strcmp(cmd, "replay") == 0)
        return cmd_replay(argc - 2, argv + 2);
    if (strcmp(cmd, "run") == 0)
        return cmd_run(argc - 2, argv + 2);
    if (strcmp(cmd, "validate") == 0)
        return cmd_validate(argc - 2, argv + 2);
    if (strcmp(cmd, "params") == 0)
        return cmd_params(argc - 2, argv + 2);
    if (strcmp(cmd, "calibrate") == 0)
        return cmd_calibrate(argc - 2, argv + 2);
    if (strcmp(cmd, "sweep") == 0)
        return cmd_sweep(argc - 2, argv + 2);
    if (strcmp(cmd, "merge") == 0)
        return cmd_merge(argc - 2, argv + 2);
    if (strcmp(cmd, "summarize") == 0)
        return cmd_summarize(argc - 2, argv + 2);
    if (cmd[0] == '-')
        return usage_error("unknown option %s", cmd);
    return usage_error("unknown command %s", cmd);
}
