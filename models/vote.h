/*
 * models/vote.h: how a voter decides on a governance proposal (docs/scenarios.md
 * "agents.governance"). The policies are one const table of named types (DESIGN.md
 * convention 7); a scenario names one per voter class.
 *
 *   yes, no, abstain  always that option.
 *   turnout           votes with probability `turnout`, then picks an option with the weights
 *                     `yes`, `no`, `abstain`, `veto`: two uniform draws per decision, whatever
 *                     the outcome.
 *   self_interest     votes by the proposal's expected effect on the voter's own staking income:
 *                     yes when it raises the staking APR, no when it lowers it or raises a
 *                     slash fraction, abstain when it changes neither (a take rate, a market
 *                     param). The APR is ak_vote_apr of the current and the proposed params.
 *
 * The functions are pure: they read their arguments and, for `turnout`, two uniforms of r.
 */
#ifndef AK_MODELS_VOTE_H
#define AK_MODELS_VOTE_H

#include <gsl/gsl_rng.h>

#include "params.h"

/* What a voter knows of a proposal. */
typedef struct ak_vote_ctx {
    double apr_now, apr_proposed; /* staking APR under the current and the proposed params */
    bool harsher_slashing;        /* the proposal raises a slash fraction */
} ak_vote_ctx;

/* A voter class's configuration. */
typedef struct ak_voter {
    const struct ak_voter_policy *policy;
    double turnout;    /* turnout: the probability of voting */
    double weights[4]; /* turnout: yes, no, abstain, veto (not all zero) */
} ak_voter;

typedef struct ak_voter_policy {
    const char *name;
    const char *doc;
    unsigned draws; /* gsl_rng_uniform calls per decision */
    /* An AK_VOTE_* option, or 0 for not voting. */
    int (*decide)(const ak_voter *v, const ak_vote_ctx *ctx, gsl_rng *r);
} ak_voter_policy;

/* The NULL-terminated table, in documentation order. */
const ak_voter_policy *const *ak_voter_policies(void);
const ak_voter_policy *ak_voter_find(const char *name);

/* The staking APR of params p at the current inflation and bonded ratio: the inflation clamped
 * into p's [inflation_min, inflation_max] band, times (1 - community_tax), over the bonded
 * ratio. NaN when bonded_ratio is not positive. */
double ak_vote_apr(const ak_params *p, double inflation, double bonded_ratio);

/* What a voter knows of a proposal that would replace params `now` with `proposed`. */
ak_vote_ctx ak_vote_context(const ak_params *now, const ak_params *proposed, double inflation,
                            double bonded_ratio);

#endif
