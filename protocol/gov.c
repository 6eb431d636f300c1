/*
 * protocol/gov.c: the gov keeper: MsgSubmitProposal, MsgDeposit, MsgVote, MsgVoteWeighted, the
 * EndBlocker with its tally, and the execution of the proposals' MsgUpdateParams (x/gov v1 of
 * Cosmos SDK v0.53 as Akash runs it; chain-rules.md sections 6 and 8.10; read from
 * akash-network/cosmos-sdk v0.53.4-akash.1: x/gov/keeper/msg_server.go, keeper/proposal.go,
 * keeper/deposit.go, keeper/vote.go, keeper/tally.go, abci.go; the details, error texts and the
 * param handlers of the eight modules are summarised in notes/gov-upstream.md).
 *
 * The vocabulary is the SDK's:
 *   AddDeposit       a deposit's checks, the bank transfer to the gov module account and the
 *                    activation of the voting period (deposit.go)
 *   inactive queue   proposals in their deposit period, by (DepositEndTime, id)
 *   active queue     proposals in their voting period, by (VotingEndTime, id)
 *   Tally            voting power at the end of the voting period (tally.go)
 *
 * A proposal's messages are MsgUpdateParams, one per module it changes, in the order the
 * modules first appear among its changes; each carries the module's whole parameter set as it
 * stood at submission with the changes applied (a MsgUpdateParams replaces the whole set). The
 * Akash modules' messages (deployment, market, take) have a ValidateBasic that validates the
 * params, so a bad value fails the submission; the SDK modules' messages have none and fail at
 * execution, where every message is validated again and the set is applied all or nothing.
 *
 * Both queues are one list of open proposals plus next_deadline, a lower bound of every open
 * proposal's end time: EndBlock costs one comparison until something ends, then one walk of the
 * open proposals.
 *
 * Departures from the SDK (docs/deviations.md):
 *   - a proposal dropped at the end of its deposit period is deleted upstream; here it stays,
 *     with status AK_PROPOSAL_DROPPED, so results can show it. A deposit on it fails exactly
 *     as on an unknown id (the collections not-found error, ErrNotFound); a vote on it, like
 *     any vote on a proposal that is not in its voting period, fails with ErrInactiveProposal;
 *   - metadata is not parsed as JSON: a JSON metadata whose title or summary differs from the
 *     proposal's (ErrInvalidProposalContent upstream) is accepted;
 *   - no events, no hooks (Akash's gov hooks are empty).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app_int.h"
#include "errors.h"

#define TOUCH(p) AK_TOUCH(&app->store, (p))
#define NONE AK_POOL_NONE
#define NO_DEADLINE INT64_MAX

/* govConfig.MaxMetadataLen on Akash (node app/types/app.go); the summary may be 40 times as
 * long (keeper.assertSummaryLength). */
#define MAX_METADATA_LEN 10200
#define MAX_SUMMARY_LEN (40 * MAX_METADATA_LEN)

#define REJECTED_REASON "proposal did not get enough votes to pass"

static ak_proposal *prop_at(const ak_app *app, uint32_t h)
{
    return ak_pool_at(&app->gov.proposals, h);
}

static ak_gov_deposit *dep_at(const ak_app *app, uint32_t h)
{
    return ak_pool_at(&app->gov.deposits, h);
}

static ak_gov_vote *vote_at(const ak_app *app, uint32_t h)
{
    return ak_pool_at(&app->gov.votes, h);
}

static ak_addr gov_addr(const ak_app *app)
{
    return ak_bank_module_addr(&app->bank, AK_MODULE_GOV);
}

/* The record of proposal id, dropped ones included; NONE for an id never given. */
static uint32_t find_proposal(const ak_app *app, uint64_t id)
{
    if (id == 0 || id > app->gov.proposals.len)
        return NONE;
    return (uint32_t)(id - 1);
}

static bool is_open(const ak_proposal *p)
{
    return p->status == AK_PROPOSAL_DEPOSIT_PERIOD || p->status == AK_PROPOSAL_VOTING_PERIOD;
}

/* The end time that matters for an open proposal. */
static ak_unix deadline_of(const ak_proposal *p)
{
    return p->status == AK_PROPOSAL_DEPOSIT_PERIOD ? p->deposit_end_time : p->voting_end_time;
}

static void lower_deadline(ak_app *app, ak_unix t)
{
    if (t < app->gov.next_deadline) {
        TOUCH(&app->gov.next_deadline);
        app->gov.next_deadline = t;
    }
}

const char *ak_proposal_status_name(uint32_t s)
{
    switch (s) {
    case AK_PROPOSAL_DEPOSIT_PERIOD: return "deposit_period";
    case AK_PROPOSAL_VOTING_PERIOD: return "voting_period";
    case AK_PROPOSAL_PASSED: return "passed";
    case AK_PROPOSAL_REJECTED: return "rejected";
    case AK_PROPOSAL_FAILED: return "failed";
    case AK_PROPOSAL_DROPPED: return "dropped";
    }
    return "unspecified";
}

/* ---- lifecycle ---- */

void ak_gov_init(ak_gov *g, ak_store *store)
{
    memset(g, 0, sizeof *g);
    ak_pool_init(&g->proposals, store, sizeof(ak_proposal));
    ak_pool_init(&g->deposits, store, sizeof(ak_gov_deposit));
    ak_pool_init(&g->votes, store, sizeof(ak_gov_vote));
    ak_map_init(&g->vote_index, store);
    g->open_head = NONE;
    g->free_votes = NONE;
    g->next_deadline = NO_DEADLINE;
}

void ak_gov_fini(ak_gov *g)
{
    if (!g)
        return;
    ak_pool_fini(&g->proposals);
    ak_pool_fini(&g->deposits);
    ak_pool_fini(&g->votes);
    ak_map_fini(&g->vote_index);
}

/* ---- coins (types/coin.go) ---- */

/* Coins.String(): "<amount><denom>" joined by ",", "" when empty. */
static const char *coins_str(const ak_app *app, const ak_coin *c, uint32_t n, char *buf,
                             size_t cap)
{
    size_t len = 0;
    buf[0] = '\0';
    for (uint32_t i = 0; i < n && len < cap; i++) {
        int k = snprintf(buf + len, cap - len, "%s%lld%s", i ? "," : "", (long long)c[i].amount,
                         ak_app_str(app, c[i].denom));
        if (k < 0)
            break;
        len += (size_t)k;
    }
    return buf;
}

/* Coins.IsValid(): valid denoms, strictly ascending, positive amounts. Empty is valid. */
static bool coins_valid(const ak_app *app, const ak_coin *c, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        if (!ak_denom_valid(ak_app_str(app, c[i].denom)) || c[i].amount <= 0)
            return false;
        if (i > 0 && strcmp(ak_app_str(app, c[i - 1].denom), ak_app_str(app, c[i].denom)) >= 0)
            return false;
    }
    return true;
}

static ak_amount amount_of(const ak_coin *c, uint32_t n, ak_denom denom)
{
    for (uint32_t i = 0; i < n; i++)
        if (c[i].denom == denom)
            return c[i].amount;
    return 0;
}

/* Coins.IsAllGTE(b): every coin of b is covered; true for an empty b, false for an empty a. */
static bool all_gte(const ak_coin *a, uint32_t na, const ak_coin *b, uint32_t nb)
{
    if (nb == 0)
        return true;
    if (na == 0)
        return false;
    for (uint32_t i = 0; i < nb; i++)
        if (b[i].amount > amount_of(a, na, b[i].denom))
            return false;
    return true;
}

/* Coins.Add of one coin into a sorted list of at most AK_GOV_MAX_COINS. */
static int coins_add(const ak_app *app, ak_coin *c, uint32_t *n, ak_coin x)
{
    for (uint32_t i = 0; i < *n; i++)
        if (c[i].denom == x.denom)
            return __builtin_add_overflow(c[i].amount, x.amount, &c[i].amount) ? AK_EOVERFLOW : 0;
    if (*n == AK_GOV_MAX_COINS)
        return AK_EOVERFLOW;
    uint32_t i = *n;
    while (i > 0 && strcmp(ak_app_str(app, c[i - 1].denom), ak_app_str(app, x.denom)) > 0) {
        c[i] = c[i - 1];
        i--;
    }
    c[i].denom = x.denom; /* field by field: no stack padding into state (the digest) */
    c[i].amount = x.amount;
    ++*n;
    return 0;
}

/* GetMinDepositFromParams: the expedited minimum for expedited proposals. */
static const ak_coin *min_deposit_of(const ak_gov_params *gp, bool expedited, uint32_t *n)
{
    *n = expedited ? gp->n_expedited_min_deposit : gp->n_min_deposit;
    return expedited ? gp->expedited_min_deposit : gp->min_deposit;
}

/* validateDepositDenom: only denoms of min_deposit (also for expedited proposals). */
static int check_deposit_denoms(const ak_app *app, const ak_coin *c, uint32_t n,
                                ak_tx_result *res)
{
    const ak_gov_params *gp = &app->params.gov;
    for (uint32_t i = 0; i < n; i++) {
        bool listed = false;
        for (uint32_t j = 0; j < gp->n_min_deposit; j++)
            listed |= gp->min_deposit[j].denom == c[i].denom;
        if (listed)
            continue;
        char cs[96], ds[96];
        size_t len = 0;
        ds[0] = '\0';
        for (uint32_t j = 0; j < gp->n_min_deposit && len < sizeof ds; j++) {
            int k = snprintf(ds + len, sizeof ds - len, "%s%s", j ? " " : "",
                             ak_app_str(app, gp->min_deposit[j].denom));
            if (k < 0)
                break;
            len += (size_t)k;
        }
        ak_tx_fail(res,
                   "deposited %s, but gov accepts only the following denom(s): [%s]: invalid "
                   "deposit denom",
                   coins_str(app, c, n, cs, sizeof cs), ds);
        return AK_EINVALID_DEPOSIT_DENOM;
    }
    return 0;
}

/* ---- AddDeposit (keeper/deposit.go) ---- */

static void activate(ak_app *app, ak_proposal *p)
{
    const ak_gov_params *gp = &app->params.gov;
    TOUCH(p);
    p->voting_start_time = app->time;
    p->voting_end_time = app->time + (p->expedited ? gp->expedited_voting_period : gp->voting_period);
    p->status = AK_PROPOSAL_VOTING_PERIOD;
    lower_deadline(app, p->voting_end_time);
}

/* AddDeposit from its proposal lookup on (MsgDeposit after validateDeposit; SubmitProposal's
 * initial deposit, which skips validateDeposit). */
static int add_deposit(ak_app *app, uint64_t id, ak_addr depositor, const ak_coin *amt,
                       uint32_t n, ak_tx_result *res)
{
    uint32_t ph = find_proposal(app, id);
    if (ph == NONE || prop_at(app, ph)->status == AK_PROPOSAL_DROPPED) {
        ak_tx_fail(res,
                   "collections: not found: key '%llu' of type "
                   "github.com/cosmos/gogoproto/cosmos.gov.v1.Proposal",
                   (unsigned long long)id);
        return AK_ENOT_FOUND;
    }
    ak_proposal *p = prop_at(app, ph);
    if (!is_open(p)) {
        ak_tx_fail(res, "%llu: inactive proposal", (unsigned long long)id);
        return AK_EINACTIVE_PROPOSAL;
    }
    const ak_gov_params *gp = &app->params.gov;
    uint32_t nmin;
    const ak_coin *min = min_deposit_of(gp, p->expedited, &nmin);
    int rc = check_deposit_denoms(app, amt, n, res);
    if (rc)
        return rc;
    /* min_deposit_ratio: one denom at TruncateInt(min x ratio) or more suffices */
    if (!ak_dec_is_zero(gp->min_deposit_ratio)) {
        bool met = false;
        char th[128];
        size_t len = 0;
        th[0] = '\0';
        for (uint32_t i = 0; i < nmin && !met; i++) {
            ak_dec t;
            int64_t need;
            if (ak_dec_mul(ak_dec_from_int(min[i].amount), gp->min_deposit_ratio, &t) ||
                ak_dec_truncate_int(t, &need))
                return AK_EOVERFLOW;
            if (len < sizeof th) {
                int k = snprintf(th + len, sizeof th - len, "%s%lld%s", i ? "," : "",
                                 (long long)need, ak_app_str(app, min[i].denom));
                if (k > 0)
                    len += (size_t)k;
            }
            for (uint32_t j = 0; j < n; j++)
                if (amt[j].denom == min[i].denom && amt[j].amount >= need)
                    met = true;
        }
        if (!met) {
            char cs[64];
            ak_tx_fail(res,
                       "received %s but need at least one of the following: %s: minimum deposit "
                       "is too small",
                       coins_str(app, amt, n, cs, sizeof cs), th);
            return AK_EMIN_DEPOSIT_TOO_SMALL;
        }
    }
    /* SendCoinsFromAccountToModule, coin by coin as subUnlockedCoins checks them */
    for (uint32_t i = 0; i < n; i++) {
        rc = ak_bank_send(&app->bank, depositor, gov_addr(app), amt[i]);
        if (rc == AK_EINSUFFICIENT_FUNDS)
            ak_tx_fail(res, "spendable balance %lld%s is smaller than %lld%s: insufficient funds",
                       (long long)ak_bank_balance_of(&app->bank, depositor, amt[i].denom),
                       ak_app_str(app, amt[i].denom), (long long)amt[i].amount,
                       ak_app_str(app, amt[i].denom));
        if (rc)
            return rc;
    }
    p = prop_at(app, ph);
    TOUCH(p);
    for (uint32_t i = 0; i < n; i++)
        if ((rc = coins_add(app, p->total_deposit, &p->n_total_deposit, amt[i])))
            return rc;
    if (p->status == AK_PROPOSAL_DEPOSIT_PERIOD &&
        all_gte(p->total_deposit, p->n_total_deposit, min, nmin))
        activate(app, p);
    /* the depositor's record, created (even for an empty amount) or increased */
    uint32_t *link = &p->deposits;
    while (*link != NONE && dep_at(app, *link)->depositor != depositor)
        link = &dep_at(app, *link)->next;
    ak_gov_deposit *d;
    if (*link == NONE) {
        uint32_t dh;
        void *obj;
        if (ak_pool_add(&app->gov.deposits, &dh, &obj))
            return AK_ENOMEM;
        d = obj;
        d->depositor = depositor;
        d->next = NONE;
        TOUCH(link);
        *link = dh;
    } else {
        d = dep_at(app, *link);
        TOUCH(d);
    }
    for (uint32_t i = 0; i < n; i++)
        if ((rc = coins_add(app, d->amount, &d->n, amt[i])))
            return rc;
    return 0;
}

/* ---- MsgSubmitProposal (msg_server.go SubmitProposal, keeper/proposal.go) ---- */

/* Where each module's params sit in ak_params: a MsgUpdateParams carries one section. */
static const struct {
    size_t off, size;
} sections[AK_PM_COUNT] = {
    [AK_PM_DEPLOYMENT] = {offsetof(ak_params, deployment), sizeof(ak_deployment_params)},
    [AK_PM_MARKET] = {offsetof(ak_params, market), sizeof(ak_market_params)},
    [AK_PM_TAKE] = {offsetof(ak_params, take), sizeof(ak_take_params)},
    [AK_PM_STAKING] = {offsetof(ak_params, staking), sizeof(ak_staking_params)},
    [AK_PM_SLASHING] = {offsetof(ak_params, slashing), sizeof(ak_slashing_params)},
    [AK_PM_DISTRIBUTION] = {offsetof(ak_params, distribution), sizeof(ak_distribution_params)},
    [AK_PM_MINT] = {offsetof(ak_params, mint), sizeof(ak_mint_params)},
    [AK_PM_GOV] = {offsetof(ak_params, gov), sizeof(ak_gov_params)},
    [AK_PM_CONSENSUS] = {offsetof(ak_params, consensus), sizeof(ak_consensus_params)},
};

/* The Akash modules' MsgUpdateParams have a ValidateBasic (chain-sdk msgs.go), run at
 * submission; the SDK modules' have none. */
static bool validated_at_submission(ak_param_module m)
{
    return m == AK_PM_DEPLOYMENT || m == AK_PM_MARKET || m == AK_PM_TAKE;
}

/* A validation message of params.c without its "<module>.<param>: " prefix: the chain's text. */
static const char *chain_text(const char *msg)
{
    const char *dot = strchr(msg, '.'), *colon = strstr(msg, ": ");
    if (dot && colon && dot < colon && !memchr(msg, ' ', (size_t)(colon - msg)))
        return colon + 2;
    return msg;
}

static int h_submit_proposal(ak_app *app, const ak_msg *m, ak_tx_result *res)
{
    const typeof(m->submit_proposal) *c = &m->submit_proposal;
    const ak_gov_params *gp = &app->params.gov;
    char cs[96], cs2[96];
    if (c->title == 0) {
        ak_tx_fail(res, "proposal title cannot be empty: invalid request");
        return AK_EINVALID_REQUEST;
    }
    if (c->summary == 0) {
        ak_tx_fail(res, "proposal summary cannot be empty: invalid request");
        return AK_EINVALID_REQUEST;
    }
    if (c->proposer == AK_ADDR_NONE) {
        ak_tx_fail(res, "invalid proposer address: empty address string is not allowed: invalid "
                        "address");
        return AK_EINVALID_ADDRESS;
    }
    if (c->nchanges == 0 && c->metadata == 0) {
        ak_tx_fail(res, "either metadata or Msgs length must be non-nil: no messages proposed");
        return AK_ENO_PROPOSAL_MSGS;
    }
    if (c->ndeposit > AK_GOV_MAX_COINS || (c->nchanges > 0 && !c->changes))
        return AK_EINVAL;
    /* the messages, as the client builds them: one per module, on the current params */
    ak_params proposed = app->params;
    ak_param_module mods[AK_PM_COUNT];
    uint32_t nmods = 0;
    for (uint32_t i = 0; i < c->nchanges; i++) {
        const ak_param_change *ch = &c->changes[i];
        if (!ch->def || (unsigned)ch->def->module >= AK_PM_COUNT) {
            ak_tx_fail(res, "change %u names no parameter: invalid argument", i);
            return AK_EINVAL;
        }
        if (ak_params_set(&proposed, ch->def, &ch->value)) {
            ak_tx_fail(res, "%s.%s: value of the wrong kind or out of range: invalid argument",
                       ak_param_module_name(ch->def->module), ch->def->name);
            return AK_EINVAL;
        }
        uint32_t k = 0;
        while (k < nmods && mods[k] != ch->def->module)
            k++;
        if (k == nmods)
            mods[nmods++] = ch->def->module;
    }
    /* validateInitialDeposit */
    if (!coins_valid(app, c->deposit, c->ndeposit)) {
        ak_tx_fail(res, "%s: invalid coins",
                   coins_str(app, c->deposit, c->ndeposit, cs, sizeof cs));
        return AK_EINVALID_COINS;
    }
    if (!ak_dec_is_zero(gp->min_initial_deposit_ratio)) {
        uint32_t nmin;
        const ak_coin *min = min_deposit_of(gp, c->expedited, &nmin);
        ak_coin need[AK_PARAMS_MAX_DENOMS];
        for (uint32_t i = 0; i < nmin; i++) {
            ak_dec t;
            need[i].denom = min[i].denom;
            if (ak_dec_mul(ak_dec_from_int(min[i].amount), gp->min_initial_deposit_ratio, &t) ||
                ak_dec_round_int(t, &need[i].amount))
                return AK_EOVERFLOW;
        }
        if (!all_gte(c->deposit, c->ndeposit, need, nmin)) {
            ak_tx_fail(res, "was (%s), need (%s): minimum deposit is too small",
                       coins_str(app, c->deposit, c->ndeposit, cs, sizeof cs),
                       coins_str(app, need, nmin, cs2, sizeof cs2));
            return AK_EMIN_DEPOSIT_TOO_SMALL;
        }
    }
    int rc = check_deposit_denoms(app, c->deposit, c->ndeposit, res);
    if (rc)
        return rc;
    /* Keeper.SubmitProposal: lengths in bytes; the title shares the metadata limit and error */
    uint32_t len = ak_strtab_len(&app->strs, c->metadata);
    if (len > MAX_METADATA_LEN) {
        ak_tx_fail(res, "got metadata with length %u: metadata too long", len);
        return AK_EMETADATA_TOO_LONG;
    }
    if ((len = ak_strtab_len(&app->strs, c->summary)) > MAX_SUMMARY_LEN) {
        ak_tx_fail(res, "got summary with length %u: summary too long", len);
        return AK_ESUMMARY_TOO_LONG;
    }
    if ((len = ak_strtab_len(&app->strs, c->title)) > MAX_METADATA_LEN) {
        ak_tx_fail(res, "got metadata with length %u: metadata too long", len);
        return AK_EMETADATA_TOO_LONG;
    }
    /* each message's ValidateBasic; the signer (authority) is the gov account by construction */
    for (uint32_t k = 0; k < nmods; k++) {
        char why[160];
        if (validated_at_submission(mods[k]) &&
            ak_params_validate_module(&proposed, mods[k], &app->strs, why, sizeof why)) {
            ak_tx_fail(res, "%s: invalid proposal message", chain_text(why));
            return AK_EINVALID_PROPOSAL_MSG;
        }
    }
    /* the proposal: ids from 1, no gaps (a failed transaction drops the record again) */
    uint32_t ph;
    void *obj;
    if (ak_pool_add(&app->gov.proposals, &ph, &obj))
        return AK_ENOMEM;
    ak_proposal *p = obj;
    p->id = (uint64_t)ph + 1;
    p->status = AK_PROPOSAL_DEPOSIT_PERIOD;
    p->expedited = c->expedited;
    p->proposer = c->proposer;
    p->title = c->title;
    p->summary = c->summary;
    p->metadata = c->metadata;
    p->submit_time = app->time;
    p->deposit_end_time = app->time + gp->max_deposit_period;
    p->deposits = NONE;
    p->votes = NONE;
    for (uint32_t k = 0; k < nmods; k++)
        p->modules[k] = mods[k];
    p->nmodules = nmods;
    TOUCH(&app->gov.open_head);
    p->next_open = app->gov.open_head;
    app->gov.open_head = ph;
    lower_deadline(app, p->deposit_end_time);
    if ((rc = add_deposit(app, p->id, c->proposer, c->deposit, c->ndeposit, res)))
        return rc;
    if (nmods) {
        /* last, so that only a failure to allocate can strand arena bytes (the arena is not
         * journaled: a rollback leaves them unreachable) */
        ak_params *copy = ak_arena_alloc(&app->arena, sizeof *copy);
        if (!copy)
            return AK_ENOMEM;
        *copy = proposed;
        prop_at(app, ph)->proposed = copy;
    }
    return 0;
}

/* ---- MsgDeposit ---- */

static int h_deposit(ak_app *app, const ak_msg *m, ak_tx_result *res)
{
    const typeof(m->gov_deposit) *c = &m->gov_deposit;
    if (c->depositor == AK_ADDR_NONE) {
        ak_tx_fail(res, "invalid depositor address: empty address string is not allowed: invalid "
                        "address");
        return AK_EINVALID_ADDRESS;
    }
    if (c->namount > AK_GOV_MAX_COINS)
        return AK_EINVAL;
    /* validateDeposit: valid and all positive, so never empty */
    if (c->namount == 0 || !coins_valid(app, c->amount, c->namount)) {
        char cs[96];
        ak_tx_fail(res, "%s: invalid coins", coins_str(app, c->amount, c->namount, cs, sizeof cs));
        return AK_EINVALID_COINS;
    }
    return add_deposit(app, c->proposal, c->depositor, c->amount, c->namount, res);
}

/* ---- MsgVote, MsgVoteWeighted (msg_server.go, keeper/vote.go) ---- */

static bool valid_option(uint32_t o)
{
    return o >= AK_VOTE_YES && o <= AK_VOTE_NO_WITH_VETO;
}

/* The VoteOption enum's String(). */
static const char *option_name(uint32_t o, char *buf, size_t cap)
{
    static const char *const names[] = {"VOTE_OPTION_UNSPECIFIED", "VOTE_OPTION_YES",
                                        "VOTE_OPTION_ABSTAIN", "VOTE_OPTION_NO",
                                        "VOTE_OPTION_NO_WITH_VETO"};
    if (o <= AK_VOTE_NO_WITH_VETO)
        return names[o];
    snprintf(buf, cap, "%u", o);
    return buf;
}

/* ValidWeightedVoteOption: 0 < weight <= 1 and a valid option. */
static bool valid_weighted(const ak_weighted_option *o)
{
    return ak_dec_is_positive(o->weight) && ak_dec_cmp(o->weight, ak_dec_from_int(1)) <= 0 &&
           valid_option(o->option);
}

/* ErrInvalidVote wrapping a WeightedVoteOption's text form. */
static int bad_weighted(const ak_weighted_option *o, ak_tx_result *res)
{
    char nb[16], wb[AK_DEC_STRLEN];
    ak_dec_format(o->weight, wb, sizeof wb);
    ak_tx_fail(res, "option:%s weight:\"%s\": invalid vote option",
               option_name(o->option, nb, sizeof nb), wb);
    return AK_EINVALID_VOTE;
}

/* AddVote: a new vote replaces the voter's earlier one. */
static int add_vote(ak_app *app, uint64_t id, ak_addr voter, const ak_weighted_option *opts,
                    uint32_t n, ak_tx_result *res)
{
    ak_gov *g = &app->gov;
    uint32_t ph = find_proposal(app, id);
    if (ph == NONE || prop_at(app, ph)->status != AK_PROPOSAL_VOTING_PERIOD) {
        ak_tx_fail(res, "%llu: inactive proposal", (unsigned long long)id);
        return AK_EINACTIVE_PROPOSAL;
    }
    for (uint32_t i = 0; i < n; i++)
        if (!valid_weighted(&opts[i]))
            return bad_weighted(&opts[i], res);
    ak_key key = ak_key2(id, voter);
    uint32_t vh = ak_map_get(&g->vote_index, key);
    ak_gov_vote *v;
    if (vh == NONE) {
        if (g->free_votes != NONE) {
            vh = g->free_votes;
            v = vote_at(app, vh);
            TOUCH(&g->free_votes);
            g->free_votes = v->next;
            TOUCH(v);
            memset(v, 0, sizeof *v);
        } else {
            void *obj;
            if (ak_pool_add(&g->votes, &vh, &obj))
                return AK_ENOMEM;
            v = obj;
        }
        if (ak_map_put(&g->vote_index, key, vh))
            return AK_ENOMEM;
        ak_proposal *p = prop_at(app, ph);
        v->voter = voter;
        TOUCH(&p->votes);
        v->next = p->votes;
        p->votes = vh;
    } else {
        v = vote_at(app, vh);
        TOUCH(v);
    }
    memset(v->options, 0, sizeof v->options);
    for (uint32_t i = 0; i < n; i++) {
        v->options[i].option = opts[i].option;
        v->options[i].weight = opts[i].weight;
    }
    v->noptions = n;
    v->removed = false;
    return 0;
}

static int h_vote(ak_app *app, const ak_msg *m, ak_tx_result *res)
{
    const typeof(m->vote) *c = &m->vote;
    char nb[16];
    if (c->voter == AK_ADDR_NONE) {
        ak_tx_fail(res,
                   "invalid voter address: empty address string is not allowed: invalid address");
        return AK_EINVALID_ADDRESS;
    }
    if (c->noptions > AK_VOTE_MAX_OPTIONS)
        return AK_EINVAL;
    if (m->type == AK_MSG_VOTE) {
        /* one option, weight 1 (NewNonSplitVoteOption), checked before the proposal */
        uint32_t o = c->noptions ? c->options[0].option : 0;
        if (!valid_option(o)) {
            ak_tx_fail(res, "%s: invalid vote option", option_name(o, nb, sizeof nb));
            return AK_EINVALID_VOTE;
        }
        ak_weighted_option one = {.option = o, .weight = ak_dec_from_int(1)};
        return add_vote(app, c->proposal, c->voter, &one, 1, res);
    }
    if (c->noptions == 0) {
        ak_tx_fail(res, "null: invalid request"); /* WeightedVoteOptions(nil).String() */
        return AK_EINVALID_REQUEST;
    }
    ak_dec total = ak_dec_zero();
    bool used[AK_VOTE_NO_WITH_VETO + 1] = {false};
    for (uint32_t i = 0; i < c->noptions; i++) {
        const ak_weighted_option *o = &c->options[i];
        if (!valid_weighted(o))
            return bad_weighted(o, res);
        if (ak_dec_add(total, o->weight, &total))
            return AK_EOVERFLOW;
        if (used[o->option]) {
            ak_tx_fail(res, "duplicated vote option: invalid vote option");
            return AK_EINVALID_VOTE;
        }
        used[o->option] = true;
    }
    int cmp = ak_dec_cmp(total, ak_dec_from_int(1));
    if (cmp > 0) {
        ak_tx_fail(res, "total weight overflow 1.00: invalid vote option");
        return AK_EINVALID_VOTE;
    }
    if (cmp < 0) {
        ak_tx_fail(res, "total weight lower than 1.00: invalid vote option");
        return AK_EINVALID_VOTE;
    }
    return add_vote(app, c->proposal, c->voter, c->options, c->noptions, res);
}

int ak_gov_deliver(ak_app *app, const ak_msg *m, ak_tx_result *res)
{
    switch (m->type) {
    case AK_MSG_SUBMIT_PROPOSAL:
        return h_submit_proposal(app, m, res);
    case AK_MSG_DEPOSIT:
        return h_deposit(app, m, res);
    case AK_MSG_VOTE:
    case AK_MSG_VOTE_WEIGHTED:
        return h_vote(app, m, res);
    default:
        return AK_EINVAL;
    }
}

/* ---- deposits at the end (RefundAndDeleteDeposits, DeleteAndBurnDeposits) ---- */

static int settle_deposits(ak_app *app, ak_proposal *p, bool burn)
{
    for (uint32_t dh = p->deposits; dh != NONE; dh = dep_at(app, dh)->next) {
        const ak_gov_deposit *d = dep_at(app, dh);
        for (uint32_t i = 0; i < d->n; i++) {
            int rc = burn ? ak_bank_burn(&app->bank, gov_addr(app), d->amount[i])
                          : ak_bank_send(&app->bank, gov_addr(app), d->depositor, d->amount[i]);
            if (rc)
                return rc;
        }
    }
    TOUCH(&p->deposits);
    p->deposits = NONE; /* deleted; the records stay in the pool, unreachable */
    return 0;
}

/* ---- Tally (keeper/tally.go) ---- */

typedef struct tally_val {
    uint32_t val;
    ak_dec deductions;
    const ak_gov_vote *vote; /* the validator's own vote, NULL if none */
} tally_val;

/* results[option] += vp x weight for each option of a vote; total += vp. */
static int count(const ak_gov_vote *v, ak_dec vp, ak_dec results[5], ak_dec *total)
{
    for (uint32_t k = 0; k < v->noptions; k++) {
        ak_dec part;
        uint32_t o = v->options[k].option;
        if (!valid_option(o) || ak_dec_mul(vp, v->options[k].weight, &part) ||
            ak_dec_add(results[o], part, &results[o]))
            return AK_EOVERFLOW;
    }
    return ak_dec_add(*total, vp, total);
}

/* Tally: voting power of the votes cast, then delete them. Writes whether the proposal passes,
 * whether its deposits burn, and the four sums (indexed by option). */
static int tally(ak_app *app, ak_proposal *p, bool *passes, bool *burn, ak_dec results[5])
{
    const ak_gov_params *gp = &app->params.gov;
    uint32_t nvals = app->staking.vals.len;
    uint32_t *slot = malloc(sizeof *slot * (nvals ? nvals : 1) * 2);
    tally_val *tv = malloc(sizeof *tv * (nvals ? nvals : 1));
    int rc = 0;
    if (!slot || !tv) {
        rc = AK_ENOMEM;
        goto out;
    }
    /* bonded, not jailed, the first max_validators by power (IterateBondedValidatorsByPower) */
    uint32_t *counted = slot + nvals;
    uint32_t nc = ak_staking_bonded_by_power(app, counted, nvals);
    for (uint32_t i = 0; i < nvals; i++)
        slot[i] = NONE;
    for (uint32_t i = 0; i < nc; i++) {
        slot[counted[i]] = i;
        tv[i] = (tally_val){.val = counted[i], .deductions = ak_dec_zero(), .vote = NULL};
    }
    ak_dec total = ak_dec_zero();
    for (int o = 0; o < 5; o++)
        results[o] = ak_dec_zero();
    for (uint32_t vh = p->votes; vh != NONE; vh = vote_at(app, vh)->next) {
        const ak_gov_vote *v = vote_at(app, vh);
        uint32_t val = ak_staking_find_val(app, v->voter);
        if (val != NONE && val < nvals && slot[val] != NONE)
            tv[slot[val]].vote = v;
        uint32_t head = ak_map_get(&app->staking.del_heads_index, ak_key2(v->voter, 0));
        uint32_t dh = head == NONE ? NONE : *(uint32_t *)ak_pool_at(&app->staking.del_heads, head);
        for (; dh != NONE; dh = ak_del(app, dh)->next_del) {
            const ak_delegation *d = ak_del(app, dh);
            if (!ak_dec_is_positive(d->shares) || d->val >= nvals || slot[d->val] == NONE)
                continue;
            const ak_validator *val_rec = ak_val(app, d->val);
            tally_val *t = &tv[slot[d->val]];
            ak_dec vp;
            if (ak_dec_add(t->deductions, d->shares, &t->deductions) ||
                (rc = ak_dec_mul_int_quo(d->shares, val_rec->tokens, val_rec->shares, &vp)) ||
                (rc = count(v, vp, results, &total))) {
                rc = rc ? rc : AK_EOVERFLOW;
                goto out;
            }
        }
    }
    /* validators that voted carry what their delegators did not vote themselves */
    for (uint32_t i = 0; i < nc; i++) {
        if (!tv[i].vote)
            continue;
        const ak_validator *val_rec = ak_val(app, tv[i].val);
        ak_dec left, vp;
        if (ak_dec_sub(val_rec->shares, tv[i].deductions, &left) ||
            (rc = ak_dec_mul_int_quo(left, val_rec->tokens, val_rec->shares, &vp)) ||
            (rc = count(tv[i].vote, vp, results, &total))) {
            rc = rc ? rc : AK_EOVERFLOW;
            goto out;
        }
    }
    /* every vote is deleted, whatever the outcome */
    ak_gov *g = &app->gov;
    for (uint32_t vh = p->votes, next; vh != NONE; vh = next) {
        ak_gov_vote *v = vote_at(app, vh);
        next = v->next;
        TOUCH(v);
        ak_map_del(&g->vote_index, ak_key2(p->id, v->voter));
        v->removed = true;
        TOUCH(&g->free_votes);
        v->next = g->free_votes;
        g->free_votes = vh;
    }
    TOUCH(&p->votes);
    p->votes = NONE;
    /* the decision, on the untruncated sums */
    *passes = false;
    *burn = false;
    ak_amount bonded = ak_staking_bonded_tokens(app);
    if (bonded == 0)
        goto out;
    ak_dec x, rest;
    if ((rc = ak_dec_quo(total, ak_dec_from_int(bonded), &x)))
        goto out;
    if (ak_dec_cmp(x, gp->quorum) < 0) {
        *burn = gp->burn_vote_quorum;
        goto out;
    }
    if ((rc = ak_dec_sub(total, results[AK_VOTE_ABSTAIN], &rest)))
        goto out;
    if (ak_dec_is_zero(rest))
        goto out;
    if ((rc = ak_dec_quo(results[AK_VOTE_NO_WITH_VETO], total, &x)))
        goto out;
    if (ak_dec_cmp(x, gp->veto_threshold) > 0) {
        *burn = gp->burn_vote_veto;
        goto out;
    }
    if ((rc = ak_dec_quo(results[AK_VOTE_YES], rest, &x)))
        goto out;
    *passes = ak_dec_cmp(x, p->expedited ? gp->expedited_threshold : gp->threshold) > 0;
out:
    free(slot);
    free(tv);
    return rc;
}

/* ---- execution of a passed proposal's messages ---- */

/* Run the MsgUpdateParams in order on a copy of the params; all or nothing. On failure the
 * first error's text goes to why and the params stay as they were. */
static bool execute(ak_app *app, const ak_proposal *p, char *why, size_t cap)
{
    ak_params next = app->params;
    for (uint32_t k = 0; k < p->nmodules; k++) {
        ak_param_module mod = p->modules[k];
        memcpy((char *)&next + sections[mod].off, (const char *)p->proposed + sections[mod].off,
               sections[mod].size);
        if (mod == AK_PM_DISTRIBUTION &&
            (!ak_dec_is_zero(next.distribution.base_proposer_reward) ||
             !ak_dec_is_zero(next.distribution.bonus_proposer_reward))) {
            snprintf(why, cap, "cannot update base or bonus proposer reward because these are "
                               "deprecated fields: invalid request");
            return false;
        }
        char msg[192];
        if (ak_params_validate_module(&next, mod, &app->strs, msg, sizeof msg)) {
            snprintf(why, cap, "%s", chain_text(msg));
            return false;
        }
    }
    app->params = next;
    return true;
}

/* ---- EndBlocker (abci.go) ---- */

typedef struct ending {
    ak_unix time;
    uint64_t id;
    uint32_t h;
} ending;

static int cmp_ending(const void *a, const void *b)
{
    const ending *x = a, *y = b;
    if (x->time != y->time)
        return x->time < y->time ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* The open proposals of `status` whose end time has come, by (end time, id). */
static uint32_t collect(ak_app *app, uint32_t status, ending *out)
{
    uint32_t k = 0;
    for (uint32_t h = app->gov.open_head; h != NONE; h = prop_at(app, h)->next_open) {
        const ak_proposal *p = prop_at(app, h);
        if (p->status == status && deadline_of(p) <= app->time)
            out[k++] = (ending){deadline_of(p), p->id, h};
    }
    qsort(out, k, sizeof *out, cmp_ending);
    return k;
}

static int set_reason(ak_app *app, ak_proposal *p, const char *why)
{
    ak_str id;
    if (ak_strtab_intern(&app->strs, why, strlen(why), &id))
        return AK_ENOMEM;
    TOUCH(&p->failed_reason);
    p->failed_reason = id;
    return 0;
}

static int end_voting(ak_app *app, uint32_t h)
{
    ak_proposal *p = prop_at(app, h);
    bool passes, burn;
    ak_dec results[5];
    int rc = tally(app, p, &passes, &burn, results);
    if (rc)
        return rc;
    /* an expedited proposal that fails keeps its deposits for the regular period */
    if ((!p->expedited || passes) && (rc = settle_deposits(app, p, burn)))
        return rc;
    p = prop_at(app, h);
    TOUCH(p);
    ak_amount *out[5] = {NULL, &p->tally_yes, &p->tally_abstain, &p->tally_no, &p->tally_veto};
    for (int o = 1; o <= 4; o++) {
        int64_t v;
        if (ak_dec_truncate_int(results[o], &v))
            return AK_EOVERFLOW;
        *out[o] = v;
    }
    if (passes) {
        char why[192];
        if (execute(app, p, why, sizeof why)) {
            p->status = AK_PROPOSAL_PASSED;
        } else {
            p->status = AK_PROPOSAL_FAILED;
            if ((rc = set_reason(app, p, why)))
                return rc;
        }
    } else if (p->expedited) {
        /* converted to a regular proposal; its votes are gone with the tally */
        p->expedited = false;
        p->voting_end_time = p->voting_start_time + app->params.gov.voting_period;
    } else {
        p->status = AK_PROPOSAL_REJECTED;
        if ((rc = set_reason(app, p, REJECTED_REASON)))
            return rc;
    }
    return 0;
}

int ak_gov_end_block(ak_app *app)
{
    ak_gov *g = &app->gov;
    if (__builtin_expect(app->time < g->next_deadline, 1))
        return 0;
    uint32_t n = 0;
    for (uint32_t h = g->open_head; h != NONE; h = prop_at(app, h)->next_open)
        n++;
    ending *list = malloc(sizeof *list * (n ? n : 1));
    if (!list)
        return AK_ENOMEM;
    int rc = 0;
    /* deposit periods that ended short: dropped, deposits refunded or burned */
    uint32_t k = collect(app, AK_PROPOSAL_DEPOSIT_PERIOD, list);
    for (uint32_t i = 0; i < k && !rc; i++) {
        ak_proposal *p = prop_at(app, list[i].h);
        TOUCH(&p->status);
        p->status = AK_PROPOSAL_DROPPED;
        rc = settle_deposits(app, p, app->params.gov.burn_proposal_deposit_prevote);
    }
    /* voting periods that ended, each seeing the params the ones before it set */
    k = rc ? 0 : collect(app, AK_PROPOSAL_VOTING_PERIOD, list);
    for (uint32_t i = 0; i < k && !rc; i++)
        rc = end_voting(app, list[i].h);
    free(list);
    /* unlink what closed; the next deadline is the earliest end among what stays open */
    ak_unix next = NO_DEADLINE;
    uint32_t *link = &g->open_head;
    while (*link != NONE) {
        ak_proposal *p = prop_at(app, *link);
        if (is_open(p)) {
            if (deadline_of(p) < next)
                next = deadline_of(p);
            link = &p->next_open;
        } else {
            TOUCH(link);
            *link = p->next_open;
            TOUCH(&p->next_open);
            p->next_open = NONE;
        }
    }
    TOUCH(&g->next_deadline);
    g->next_deadline = next;
    return rc;
}

/* ---- invariants ---- */

#define BAD(...)                                                                                   \
    do {                                                                                           \
        snprintf(err, cap, __VA_ARGS__);                                                           \
        return AK_EINVARIANT;                                                                      \
    } while (0)

int ak_gov_check(const ak_app *app, char *err, size_t cap)
{
    const ak_gov *g = &app->gov;
    uint32_t nprops = g->proposals.len, nopen = 0, nlisted = 0, nvotes = 0;
    ak_coin held[2 * AK_GOV_MAX_COINS];
    uint32_t nheld = 0;
    for (uint32_t h = 0; h < nprops; h++) {
        const ak_proposal *p = prop_at(app, h);
        if (p->id != (uint64_t)h + 1)
            BAD("gov: proposal record %u has id %llu", h, (unsigned long long)p->id);
        if (p->status < AK_PROPOSAL_DEPOSIT_PERIOD || p->status > AK_PROPOSAL_DROPPED)
            BAD("gov: proposal %llu has status %u", (unsigned long long)p->id, p->status);
        if (p->nmodules > 0 && !p->proposed)
            BAD("gov: proposal %llu has messages but no params", (unsigned long long)p->id);
        if (!is_open(p)) {
            if (p->deposits != NONE || p->votes != NONE)
                BAD("gov: closed proposal %llu still has deposits or votes",
                    (unsigned long long)p->id);
            continue;
        }
        nopen++;
        if (deadline_of(p) < g->next_deadline)
            BAD("gov: proposal %llu ends at %lld, before the next deadline %lld",
                (unsigned long long)p->id, (long long)deadline_of(p), (long long)g->next_deadline);
        if (p->status == AK_PROPOSAL_DEPOSIT_PERIOD && p->votes != NONE)
            BAD("gov: proposal %llu has votes in its deposit period", (unsigned long long)p->id);
        /* the deposit records add up to the total, which the module account holds */
        ak_coin sum[AK_GOV_MAX_COINS];
        uint32_t nsum = 0, steps = 0;
        for (uint32_t dh = p->deposits; dh != NONE; dh = dep_at(app, dh)->next) {
            if (++steps > g->deposits.len)
                BAD("gov: proposal %llu's deposit list loops", (unsigned long long)p->id);
            const ak_gov_deposit *d = dep_at(app, dh);
            for (uint32_t i = 0; i < d->n; i++)
                if (d->amount[i].amount <= 0 || coins_add(app, sum, &nsum, d->amount[i]))
                    BAD("gov: proposal %llu has a bad deposit", (unsigned long long)p->id);
        }
        if (nsum != p->n_total_deposit)
            BAD("gov: proposal %llu's deposits have %u denoms, its total %u",
                (unsigned long long)p->id, nsum, p->n_total_deposit);
        for (uint32_t i = 0; i < nsum; i++) {
            if (amount_of(p->total_deposit, p->n_total_deposit, sum[i].denom) != sum[i].amount)
                BAD("gov: proposal %llu's deposits do not add up to its total",
                    (unsigned long long)p->id);
            uint32_t j = 0;
            while (j < nheld && held[j].denom != sum[i].denom)
                j++;
            if (j == nheld) {
                if (nheld == 2 * AK_GOV_MAX_COINS)
                    BAD("gov: too many deposit denoms to check");
                held[nheld++] = (ak_coin){sum[i].denom, 0};
            }
            if (__builtin_add_overflow(held[j].amount, sum[i].amount, &held[j].amount))
                BAD("gov: deposits overflow");
        }
        /* votes: live, indexed, a valid split of 1 */
        steps = 0;
        for (uint32_t vh = p->votes; vh != NONE; vh = vote_at(app, vh)->next) {
            if (++steps > g->votes.len)
                BAD("gov: proposal %llu's vote list loops", (unsigned long long)p->id);
            const ak_gov_vote *v = vote_at(app, vh);
            if (v->removed || ak_map_get(&g->vote_index, ak_key2(p->id, v->voter)) != vh)
                BAD("gov: a vote of %s on proposal %llu is not indexed", ak_app_str(app, v->voter),
                    (unsigned long long)p->id);
            ak_dec w = ak_dec_zero();
            for (uint32_t k = 0; k < v->noptions; k++) {
                if (!valid_weighted(&v->options[k]) || ak_dec_add(w, v->options[k].weight, &w))
                    BAD("gov: a vote of %s has a bad option", ak_app_str(app, v->voter));
            }
            if (v->noptions == 0 || ak_dec_cmp(w, ak_dec_from_int(1)) != 0)
                BAD("gov: the weights of %s's vote do not add up to 1", ak_app_str(app, v->voter));
            nvotes++;
        }
    }
    for (uint32_t h = g->open_head; h != NONE; h = prop_at(app, h)->next_open) {
        if (h >= nprops || ++nlisted > nprops || !is_open(prop_at(app, h)))
            BAD("gov: the open list is broken at record %u", h);
    }
    if (nlisted != nopen)
        BAD("gov: %u open proposals, %u on the open list", nopen, nlisted);
    if (nvotes != g->vote_index.len)
        BAD("gov: %u live votes, %u indexed", nvotes, g->vote_index.len);
    /* the gov module account holds exactly the open proposals' deposits */
    for (uint32_t i = 0; i < app->bank.supplies.len; i++) {
        const ak_bank_supply *s = ak_pool_at(&app->bank.supplies, i);
        ak_amount want = amount_of(held, nheld, s->denom);
        ak_amount have = ak_bank_balance_of(&app->bank, gov_addr(app), s->denom);
        if (have != want)
            BAD("gov: the module account holds %lld%s, open proposals' deposits are %lld%s",
                (long long)have, ak_app_str(app, s->denom), (long long)want,
                ak_app_str(app, s->denom));
    }
    return 0;
}
