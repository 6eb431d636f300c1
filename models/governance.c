/*
 * models/governance.c: scheduled proposals and the validators who vote on them
 * (docs/scenarios.md "agents.governance"; chain-rules.md section 6).
 *
 *   propose  At at_day the `holders` account (the community outside the model) submits the
 *            proposal with its whole deposit: MsgSubmitProposal with the scenario's param
 *            changes. Parameters change only this way, when the proposal passes on chain.
 *   vote     Each genesis validator (and each delegator, when the scenario gives delegators
 *            a voter policy) decides once per proposal with its class's voter policy
 *            (models/vote.h) at a time drawn from vote_delay_days (by default uniform over the
 *            first 90 % of the voting period), from the "governance" stream; an offline
 *            validator then does not vote. A validator's vote carries its delegators' tokens
 *            unless they vote themselves (the SDK's tally).
 *   end      At the voting period's end the model reads the outcome and writes the
 *            `proposals` row (or the final flush writes it, still open).
 */
#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "gov.h"
#include "jread.h"
#include "params_json.h"
#include "vote.h"
#include "world.h"

int governance_start(ak_world *w)
{
    int rc = 0;
    for (uint32_t i = 0; !rc && i < w->sc->nproposals; i++)
        rc = world_schedule(w, (ak_usec)llround(w->sc->proposals[i].at_day * 86400e6),
                            W_EV_PROPOSE, 0, i, NULL);
    return rc;
}

int governance_propose(ak_world *w, uint32_t i)
{
    const ak_sc_proposal *sp = &w->sc->proposals[i];
    ak_param_change *ch = world_alloc(w, sp->nchanges * sizeof *ch);
    if (!ch)
        return AK_ENOMEM;
    jr r;
    jr_init(&r, "scenario", w->sc->file, w->sc->root);
    if (setjmp(r.on_error)) /* validated when the scenario loaded: only a bug gets here */
        return world_fail(w, "proposal %u: %s", i, r.err);
    for (uint32_t k = 0; k < sp->nchanges; k++)
        ak_params_json_change(&r, cJSON_GetArrayItem(sp->changes, (int)k), w->strs, &ch[k]);
    ak_msg m = {.type = AK_MSG_SUBMIT_PROPOSAL};
    m.submit_proposal.proposer = w->holders;
    m.submit_proposal.changes = ch;
    m.submit_proposal.nchanges = sp->nchanges;
    m.submit_proposal.deposit[0] = (ak_coin){w->uakt, sp->deposit_uakt};
    m.submit_proposal.ndeposit = 1;
    m.submit_proposal.expedited = sp->expedited;
    int rc = ak_app_intern(w->app, sp->title, &m.submit_proposal.title);
    if (!rc)
        rc = ak_app_intern(w->app, sp->summary, &m.submit_proposal.summary);
    if (rc)
        return rc;
    if (w->ngov_queue == AK_SC_MAX_PROPOSALS)
        return world_fail(w, "more than %d proposals in flight", AK_SC_MAX_PROPOSALS);
    w->gov_queue[w->ngov_queue++] = i;
    return world_submit(w, &m, W_TX_PROPOSAL, i);
}

void governance_failed(ak_world *w, uint32_t i)
{
    for (uint32_t k = 0; k < w->ngov_queue; k++)
        if (w->gov_queue[k] == i) {
            memmove(&w->gov_queue[k], &w->gov_queue[k + 1],
                    (w->ngov_queue - k - 1) * sizeof w->gov_queue[0]);
            w->ngov_queue--;
            return;
        }
}

static ak_usec us_of(const ak_world *w, ak_unix t)
{
    return (t - w->sc->genesis_time) * 1000000;
}

static const ak_proposal *proposal(const ak_world *w, uint32_t handle)
{
    return ak_pool_at(&ak_app_gov(w->app)->proposals, handle);
}

int governance_after_block(ak_world *w)
{
    const ak_gov *g = ak_app_gov(w->app);
    while (w->gov_known < g->proposals.len) {
        uint32_t h = w->gov_known++;
        if (w->ngov_queue == 0 || w->nprops == AK_SC_MAX_PROPOSALS)
            continue; /* not one of ours */
        const ak_proposal *p = proposal(w, h);
        if (p->proposer != w->holders)
            continue;
        uint32_t i = w->gov_queue[0];
        memmove(&w->gov_queue[0], &w->gov_queue[1], (--w->ngov_queue) * sizeof w->gov_queue[0]);
        w->props[w->nprops++] = (struct w_prop){h, i, w->now, false};
        if (p->status != AK_PROPOSAL_VOTING_PERIOD)
            continue;
        ak_usec start = us_of(w, p->voting_start_time), end = us_of(w, p->voting_end_time);
        if (start < w->now)
            start = w->now;
        int rc;
        uint32_t voters = w->nvals + (w->sc->delegators_vote ? w->ndelegators : 0);
        for (uint32_t v = 0; v < voters; v++) {
            double u = gsl_rng_uniform(w->rng_governance); /* one draw per voter, always */
            ak_usec delay;
            if (w->sc->has_vote_delay)
                delay = world_round(ak_dist_sample(&w->sc->vote_delay_days, w->rng_governance) *
                                        86400e6, 0, INT64_MAX / 4);
            else
                delay = (ak_usec)(u * 0.9 * (double)(end - start));
            ak_usec t = start + delay;
            if (t < end && t < w->sc->duration_us &&
                (rc = world_schedule(w, t, W_EV_VOTE, v, h, NULL)))
                return rc;
        }
        if (end < w->sc->duration_us && (rc = world_schedule(w, end, W_EV_PROPOSAL_END, 0, h,
                                                              NULL)))
            return rc;
    }
    return 0;
}

int governance_vote(ak_world *w, uint32_t v, uint32_t handle)
{
    const ak_proposal *p = proposal(w, handle);
    bool validator = v < w->nvals;
    /* the decision first, so the stream's use does not depend on what follows */
    const ak_app *app = w->app;
    const ak_bank *bank = ak_app_bank(app);
    ak_amount supply = ak_bank_supply_of(bank, w->uakt);
    ak_amount bonded =
        ak_bank_balance_of(bank, ak_bank_module_addr(bank, AK_MODULE_BONDED_POOL), w->uakt);
    double inflation = (double)ak_app_minter(app)->inflation.v * 1e-18;
    ak_vote_ctx ctx = ak_vote_context(ak_app_params(app), p->proposed, inflation,
                                      supply > 0 ? (double)bonded / (double)supply : NAN);
    const ak_voter *voter = validator ? &w->sc->validator_voter : &w->sc->delegator_voter;
    int option = voter->policy->decide(voter, &ctx, w->rng_governance);
    if (option == 0 || (validator && w->val_stats[v].down > 0) ||
        p->status != AK_PROPOSAL_VOTING_PERIOD)
        return 0;
    ak_msg m = {.type = AK_MSG_VOTE};
    m.vote.voter = validator ? w->val_stats[v].addr : w->delegators[v - w->nvals].addr;
    m.vote.proposal = p->id;
    m.vote.options[0] = (ak_weighted_option){(uint32_t)option, ak_dec_from_int(1)};
    m.vote.noptions = 1;
    return world_submit(w, &m, W_TX_PLAIN, 0);
}

static double share(ak_amount x, ak_amount total)
{
    return total > 0 ? (double)x / (double)total : NAN;
}

static int record(ak_world *w, struct w_prop *wp)
{
    wp->recorded = true;
    if (!w->rec)
        return 0;
    const ak_proposal *p = proposal(w, wp->handle);
    const ak_sc_proposal *sp = &w->sc->proposals[wp->index];
    char *json = cJSON_PrintUnformatted(sp->changes);
    if (!json)
        return AK_ENOMEM;
    const ak_bank *bank = ak_app_bank(w->app);
    ak_amount bonded =
        ak_bank_balance_of(bank, ak_bank_module_addr(bank, AK_MODULE_BONDED_POOL), w->uakt);
    ak_amount voted = p->tally_yes + p->tally_no + p->tally_abstain + p->tally_veto;
    bool ended = p->status != AK_PROPOSAL_VOTING_PERIOD && p->status != AK_PROPOSAL_DEPOSIT_PERIOD;
    static const char *const status[] = {
        [AK_PROPOSAL_DEPOSIT_PERIOD] = "deposit", [AK_PROPOSAL_VOTING_PERIOD] = "voting",
        [AK_PROPOSAL_PASSED] = "passed",          [AK_PROPOSAL_REJECTED] = "rejected",
        [AK_PROPOSAL_FAILED] = "failed",          [AK_PROPOSAL_DROPPED] = "dropped"};
    ak_rec_proposal row = {
        .proposal_id = (int64_t)p->id,
        .title = sp->title,
        .messages = json,
        .submit_us = wp->submit_us,
        .voting_start_us = p->voting_start_time ? us_of(w, p->voting_start_time) : -1,
        .end_us = ended ? us_of(w, p->status == AK_PROPOSAL_DROPPED ? p->deposit_end_time
                                                                    : p->voting_end_time)
                        : -1,
        .status = p->status <= AK_PROPOSAL_DROPPED ? status[p->status] : "unknown",
        .yes = ended ? share(p->tally_yes, voted) : NAN,
        .no = ended ? share(p->tally_no, voted) : NAN,
        .abstain = ended ? share(p->tally_abstain, voted) : NAN,
        .veto = ended ? share(p->tally_veto, voted) : NAN,
        .turnout = ended ? share(voted, bonded) : NAN,
    };
    int rc = ak_rec_write_proposal(w->rec, &row);
    free(json);
    if (rc)
        snprintf(w->err, sizeof w->err, "%s", ak_rec_errmsg(w->rec));
    return rc;
}

int governance_end(ak_world *w, uint32_t handle)
{
    for (uint32_t k = 0; k < w->nprops; k++) {
        struct w_prop *wp = &w->props[k];
        if (wp->handle != handle || wp->recorded)
            continue;
        const ak_proposal *p = proposal(w, handle);
        if (p->status == AK_PROPOSAL_VOTING_PERIOD) /* the tally is in the next block */
            return world_schedule(w, w->now + w->block_us, W_EV_PROPOSAL_END, 0, handle, NULL);
        return record(w, wp);
    }
    return 0;
}

int governance_flush(ak_world *w)
{
    for (uint32_t k = 0; k < w->nprops; k++)
        if (!w->props[k].recorded) {
            int rc = record(w, &w->props[k]);
            if (rc)
                return rc;
        }
    return 0;
}
