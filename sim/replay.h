/*
 * sim/replay.h: `akashsim replay`, scripted protocol runs, JSON in, JSON out (replay.md, the
 * public interface; market-rules.md sections 1 to 5 and chain-rules.md sections 1 to 6 for what
 * the messages and blocks do).
 *
 * A replay reads a whole script, validates every key and value into messages before running a
 * single block (an invalid script prints nothing on stdout), then runs genesis and blocks
 * 1 .. last listed height through the app (protocol/app.h), skipped heights being empty blocks,
 * and prints one JSON document: `results` (one per transaction), `dumps` (states after blocks
 * marked `dump: true`), `proposers` (with `record: ["proposers"]`) and `final` (the state after
 * the last block). With `narrate` it prints a short human-readable account instead.
 *
 * What this version runs: the marketplace (bank, providers, audit, deposit grants, deployments,
 * groups, orders, bids, leases, escrow, take) under rules akash-v1 and, when genesis has
 * validators, the chain layer (consensus, staking, slashing, evidence, distribution, mint, gov):
 * genesis validators, delegations and inflation, `liveness` ranges, a block's `absent` and
 * `double_sign`, and the chain messages. Without genesis validators the chain layer is off:
 * chain messages then fail with ErrInvalidRequest, and states carry no chain keys.
 *
 * Limits, each an input error with exit status 2:
 *   - the file is at most 64 MiB of UTF-8 JSON, nested at most 1000 levels;
 *   - heights are integers in [1, 100000000] and strictly increase; every height up to the
 *     last is produced (skipped ones as empty blocks), so the cap bounds a run's work;
 *   - header times stay at or before 9999-12-31T23:59:59Z;
 *   - at most 8 deposit sources, 4 grant scopes and 1000 endpoints per resource unit; at most
 *     16 coins in a proposal deposit and 8 options in a weighted vote.
 *
 * Script details this implementation fixes (replay.md leaves them open):
 *   - a missing `hash` of MsgCreateDeployment is 32 bytes derived deterministically from the
 *     unformatted JSON text of `groups` (as cJSON prints it) with the app's 64-bit string hash
 *     under four suffixes. It is NOT SHA-256 of anything and not what a real client computes;
 *   - a missing `resources_offer` of MsgCreateBid is an empty offer, which the chain accepts as
 *     matching any order (an offer is only checked unit by unit against what it lists);
 *   - in messages whose id already names the signer (MsgCloseGroup, MsgPauseGroup,
 *     MsgStartGroup, MsgCloseBid, MsgCreateLease, MsgWithdrawLease, MsgCloseLease) the signer
 *     field (`owner` or `provider`) is optional; given and different from the id's, that
 *     account signs, as `signer` would (and a conflicting `signer` is an input error);
 *   - storage `class` c means attributes {class: c, persistent: "false" for ram else "true"},
 *     unless `attributes` is given, which then wins;
 *   - genesis validators take commission 0.05, max_rate 0.2, max_change_rate 0.01 and
 *     min_self_delegation 1 unless given, and so does MsgCreateValidator except `commission`,
 *     which it requires; genesis `tokens` and delegation `amount` are a bare amount or a coin of
 *     the bond denom; genesis errors (the chain's, e.g. ErrSelfDelegationBelowMinimum, or no
 *     validator with power 1) are input errors naming the entry;
 *   - names in `liveness`, `absent` and `double_sign` must be genesis validators or validators
 *     a MsgCreateValidator of the script creates (a typo would otherwise do nothing silently);
 *   - `double_sign` evidence is what ak_app_evidence_previous builds just before the block
 *     begins; a name not in the previous height's set gets none (narration says so);
 *   - MsgSubmitProposal without `title` gets "Proposal by <proposer>", without `summary`
 *     "Changes <module>.<param>, ..."; `deposit` and MsgDeposit `amount` take a coin or a list;
 *     MsgVoteWeighted (an addition) takes `options`: [{ "option", "weight" }].
 *
 * Cost: a block where no liveness range starts or ends costs nothing beyond the app's own
 * work, however many blocks and ranges the script has (the ranges are swept once in height
 * order). `record: ["proposers"]` keeps 4 bytes per height until the output is written.
 */
#ifndef AK_REPLAY_H
#define AK_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Largest script file read, in bytes. */
#define AK_REPLAY_MAX_FILE (64u << 20)
/* Largest block height a script may name. */
#define AK_REPLAY_MAX_HEIGHT 100000000

typedef struct ak_replay_opts {
    bool check;   /* run ak_app_check after genesis and after every block */
    bool narrate; /* print a human-readable account instead of JSON */
} ak_replay_opts;

/* Exit statuses of a replay. */
enum {
    AK_REPLAY_OK = 0,      /* the script ran; failed transactions are results */
    AK_REPLAY_FAILED = 1,  /* an invariant broke (--check) or the app failed (out of memory) */
    AK_REPLAY_INVALID = 2, /* the script is unreadable or invalid; nothing printed on out */
};

/* Replay the script in file `path`. Output (JSON or narration) goes to out, and nothing else
 * does; every error is one line on err ("replay: FILE: $.path: reason"). Returns one of the
 * AK_REPLAY_* statuses. */
int ak_replay_file(const char *path, const ak_replay_opts *opts, FILE *out, FILE *err);

/* The same on a script already in memory: len bytes at text (need not be NUL-terminated);
 * name is used in messages in place of the file name. */
int ak_replay_buffer(const char *name, const char *text, size_t len, const ak_replay_opts *opts,
                     FILE *out, FILE *err);

#endif
