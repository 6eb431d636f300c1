/*
 * sim/main.c: the akashsim command line (DESIGN.md "One run, as the data flows"; replay.md for
 * `akashsim replay`).
 *
 * Commands that exist now: replay, params, version, help. Exit statuses: 0 success, 1 a run
 * failed (an invariant broke, out of memory, output not writable), 2 a usage error or an invalid
 * input file. Usage errors print the usage on stderr.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "jwrite.h"
#include "params.h"
#include "params_json.h"
#include "replay.h"
#include "store.h"

#define AKASHSIM_VERSION "0.1.0"
#define AKASHSIM_RULES "akash-v1"

static const char usage_text[] =
    "usage: akashsim <command> [options]\n"
    "\n"
    "akashsim simulates the Akash Network: its marketplace (deployments, orders, bids,\n"
    "leases, escrow, the take fee) and its chain (CometBFT proposer selection, staking,\n"
    "slashing, distribution, mint, governance), run by a C implementation of the chain's rules.\n"
    "\n"
    "commands:\n"
    "  replay [--check] [--narrate] SCRIPT.json\n"
    "                 run a script of blocks and transactions through the protocol and print\n"
    "                 the results and the final state as JSON (see 'akashsim replay --help')\n"
    "  params         print the default module parameters as JSON\n"
    "  version        print the version and the rules it implements\n"
    "  help           print this help\n"
    "\n"
    "examples:\n"
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

int main(int argc, char **argv)
{
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
    if (strcmp(cmd, "params") == 0)
        return cmd_params(argc - 2, argv + 2);
    if (cmd[0] == '-')
        return usage_error("unknown option %s", cmd);
    return usage_error("unknown command %s", cmd);
}
