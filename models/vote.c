/*
 * models/vote.c: voter policies (see vote.h).
 */
#include "vote.h"

#include <math.h>
#include <string.h>

#include "msg.h"

static int always_yes(const ak_voter *v, const ak_vote_ctx *c, gsl_rng *r)
{
    (void)v, (void)c, (void)r;
    return AK_VOTE_YES;
}

static int always_no(const ak_voter *v, const ak_vote_ctx *c, gsl_rng *r)
{
    (void)v, (void)c, (void)r;
    return AK_VOTE_NO;
}

static int always_abstain(const ak_voter *v, const ak_vote_ctx *c, gsl_rng *r)
{
    (void)v, (void)c, (void)r;
    return AK_VOTE_ABSTAIN;
}

static int turnout(const ak_voter *v, const ak_vote_ctx *c, gsl_rng *r)
{
    (void)c;
    static const int options[4] = {AK_VOTE_YES, AK_VOTE_NO, AK_VOTE_ABSTAIN,
                                   AK_VOTE_NO_WITH_VETO};
    double go = gsl_rng_uniform(r), pick = gsl_rng_uniform(r); /* always two draws */
    if (go >= v->turnout)
        return 0;
    double total = v->weights[0] + v->weights[1] + v->weights[2] + v->weights[3];
    double x = pick * total, cum = 0;
    for (int i = 0; i < 4; i++) {
        cum += v->weights[i];
        if (x < cum)
            return options[i];
    }
    for (int i = 3; i >= 0; i--) /* pick * total rounded up to the total: the last positive */
        if (v->weights[i] > 0)
            return options[i];
    return 0;
}

static int self_interest(const ak_voter *v, const ak_vote_ctx *c, gsl_rng *r)
{
    (void)v, (void)r;
    if (c->harsher_slashing)
        return AK_VOTE_NO;
    double d = c->apr_proposed - c->apr_now;
    if (!isfinite(d) || fabs(d) < 1e-12)
        return AK_VOTE_ABSTAIN;
    return d > 0 ? AK_VOTE_YES : AK_VOTE_NO;
}

static const ak_voter_policy YES = {"yes", "always yes", 0, always_yes};
static const ak_voter_policy NO = {"no", "always no", 0, always_no};
static const ak_voter_policy ABSTAIN = {"abstain", "always abstain", 0, always_abstain};
static const ak_voter_policy TURNOUT = {
    "turnout", "votes with probability turnout, the option drawn by its weights", 2, turnout};
static const ak_voter_policy SELF = {
    "self_interest", "yes when the proposal raises its staking APR, no when it lowers it or "
                     "raises a slash fraction, abstain otherwise", 0, self_interest};

static const ak_voter_policy *const POLICIES[] = {&YES, &NO, &ABSTAIN, &TURNOUT, &SELF, NULL};

const ak_voter_policy *const *ak_voter_policies(void)
{
    return POLICIES;
}

const ak_voter_policy *ak_voter_find(const char *name)
{
    for (int i = 0; name && POLICIES[i]; i++)
        if (strcmp(POLICIES[i]->name, name) == 0)
            return POLICIES[i];
    return NULL;
}

static double dbl(ak_dec d)
{
    return (double)d.v * 1e-18;
}

double ak_vote_apr(const ak_params *p, double inflation, double bonded_ratio)
{
    if (!(bonded_ratio > 0))
        return NAN;
    double lo = dbl(p->mint.inflation_min), hi = dbl(p->mint.inflation_max);
    double i = inflation < lo ? lo : inflation > hi ? hi : inflation;
    return i * (1 - dbl(p->distribution.community_tax)) / bonded_ratio;
}

ak_vote_ctx ak_vote_context(const ak_params *now, const ak_params *proposed, double inflation,
                            double bonded_ratio)
{
    ak_vote_ctx c;
    c.apr_now = ak_vote_apr(now, inflation, bonded_ratio);
    c.apr_proposed = ak_vote_apr(proposed, inflation, bonded_ratio);
    c.harsher_slashing =
        ak_dec_cmp(proposed->slashing.slash_fraction_double_sign,
                   now->slashing.slash_fraction_double_sign) > 0 ||
        ak_dec_cmp(proposed->slashing.slash_fraction_downtime,
                   now->slashing.slash_fraction_downtime) > 0;
    return c;
}
