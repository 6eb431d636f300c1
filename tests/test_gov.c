/*
 * tests/test_gov.c: proposals, deposits, votes, the tally and parameter changes (x/gov v1 of
 * SDK v0.53: chain-rules.md section 6, worked example 8.10; notes/gov-upstream.md for the
 * checks' order and texts).
 *
 * The world: gov params shortened so that periods end within a few blocks (deposit period 60 s
 * = 10 blocks of 6 s, voting period 120 s, expedited voting 60 s), min deposit 10 AKT,
 * expedited min deposit 50 AKT, the rest at the Akash defaults (min initial deposit ratio
 * 0.4, min deposit ratio 0.01, burn on veto only). Header time of height h is G + 6 (h - 1):
 * a proposal submitted at height 1 ends its deposit period at height 11 and a voting period
 * started at height 1 ends at height 21 (expedited: 11). Every expected number below is worked
 * out by hand in the comment next to it.
 */
#include <stdlib.h>

#include "app_int.h"
#include "chainfx.h"

#define AKT ((ak_amount)1000000)

static ak_params gov_params(void)
{
    fx tmp;
    fx_init(&tmp);
    ak_params p = *ak_app_params(tmp.app);
    fx_fini(&tmp);
    p.gov.min_deposit[0].amount = 10 * AKT;
    p.gov.n_min_deposit = 1;
    p.gov.expedited_min_deposit[0].amount = 50 * AKT;
    p.gov.n_expedited_min_deposit = 1;
    p.gov.max_deposit_period = 60;
    p.gov.voting_period = 120;
    p.gov.expedited_voting_period = 60;
    return p;
}

/* Validators v1 and v2 with self-bonds s1 and s2 (s2 = 0: none), bonded from height 1. */
static void world(fx *f, const ak_params *p, ak_amount s1, ak_amount s2)
{
    cfx_init_params(f, p);
    cfx_validator(f, "v1", s1, "0.05");
    if (s2)
        cfx_validator(f, "v2", s2, "0.05");
}

static void check_all(fx *f)
{
    char err[256];
    ck_assert_msg(ak_app_check(f->app, err, sizeof err) == 0, "invariant: %s", err);
}

/* End blocks until height h has begun, checking every invariant afterwards. */
static void at(fx *f, ak_height h)
{
    cfx_at(f, h);
    check_all(f);
}

static const ak_proposal *prop(fx *f, uint64_t id)
{
    const ak_gov *g = ak_app_gov(f->app);
    ck_assert_uint_ge(id, 1);
    ck_assert_uint_le(id, g->proposals.len);
    return ak_pool_at(&g->proposals, (uint32_t)(id - 1));
}

static ak_param_change change(ak_param_module m, const char *name, int64_t v)
{
    ak_param_change c = {.def = ak_param_find(m, name)};
    ck_assert_ptr_nonnull(c.def);
    c.value.kind = c.def->kind;
    c.value.i = v;
    return c;
}

static ak_param_change change_dec(ak_param_module m, const char *name, const char *v)
{
    ak_param_change c = {.def = ak_param_find(m, name)};
    ck_assert_ptr_nonnull(c.def);
    c.value.kind = AK_PK_DEC;
    c.value.dec = fx_dec(v);
    return c;
}

static ak_param_change change_bool(ak_param_module m, const char *name, bool v)
{
    ak_param_change c = {.def = ak_param_find(m, name)};
    ck_assert_ptr_nonnull(c.def);
    c.value.kind = AK_PK_BOOL;
    c.value.b = v;
    return c;
}

/* MsgSubmitProposal of proposer with changes ch[0..n) and a uakt deposit (0: none). */
static ak_msg submit(fx *f, ak_addr proposer, const ak_param_change *ch, uint32_t n,
                     ak_amount deposit, bool expedited)
{
    ak_msg m = {.type = AK_MSG_SUBMIT_PROPOSAL};
    m.submit_proposal.proposer = proposer;
    m.submit_proposal.changes = ch;
    m.submit_proposal.nchanges = n;
    if (deposit) {
        m.submit_proposal.deposit[0] = (ak_coin){f->uakt, deposit};
        m.submit_proposal.ndeposit = 1;
    }
    m.submit_proposal.title = fx_s(f, "lower the take");
    m.submit_proposal.summary = fx_s(f, "providers keep more");
    m.submit_proposal.expedited = expedited;
    return m;
}

static ak_msg deposit_msg(fx *f, ak_addr depositor, uint64_t id, ak_amount amount)
{
    ak_msg m = {.type = AK_MSG_DEPOSIT};
    m.gov_deposit.depositor = depositor;
    m.gov_deposit.proposal = id;
    m.gov_deposit.amount[0] = (ak_coin){f->uakt, amount};
    m.gov_deposit.namount = 1;
    return m;
}

static ak_msg vote_msg(ak_addr voter, uint64_t id, uint32_t option)
{
    ak_msg m = {.type = AK_MSG_VOTE};
    m.vote.voter = voter;
    m.vote.proposal = id;
    m.vote.options[0] = (ak_weighted_option){option, ak_dec_from_int(1)};
    m.vote.noptions = 1;
    return m;
}

static ak_msg weighted_msg(ak_addr voter, uint64_t id, uint32_t n, const uint32_t *opt,
                           const char *const *w)
{
    ak_msg m = {.type = AK_MSG_VOTE_WEIGHTED};
    m.vote.voter = voter;
    m.vote.proposal = id;
    for (uint32_t i = 0; i < n; i++)
        m.vote.options[i] = (ak_weighted_option){opt[i], fx_dec(w[i])};
    m.vote.noptions = n;
    return m;
}

static void vote(fx *f, ak_addr voter, uint64_t id, uint32_t option)
{
    ak_msg m = vote_msg(voter, id, option);
    fx_ok(f, &m);
}

static void fails_with(fx *f, const ak_msg *m, int code, const char *detail)
{
    fx_fails(f, m, code);
    ck_assert_str_eq(f->res.detail, detail);
}

static ak_amount supply(fx *f)
{
    return ak_bank_supply_of(ak_app_bank(f->app), f->uakt);
}

/* ---- 8.10 ---- */

/* chain-rules.md 8.10 in uakt (x 10^6): V1 600 tokens / 600 shares (400 self + d2's 200), V2
 * 400 / 400 (300 self + d1's 100). V1 votes Yes, d1 No, d2 NoWithVeto, V2 nothing.
 * d1 = 100, d2 = 200, V1 = (600 - 200) x 600 / 600 = 400; totalVP 700 of 1000 bonded:
 * quorum 0.7 >= 0.334, veto 200/700 = 0.2857 <= 0.334, yes 400/700 = 0.5714 > 0.5: passes,
 * the deposit comes back, and the change (take.default_take_rate 20 -> 10) takes effect. */
START_TEST(e810_tally_passes_and_applies)
{
    ak_params p = gov_params();
    fx f;
    world(&f, &p, 400 * AKT, 300 * AKT);
    ak_addr v1 = fx_s(&f, "v1"), v2 = fx_s(&f, "v2"), d1 = fx_s(&f, "d1"), d2 = fx_s(&f, "d2");
    cfx_delegation(&f, d1, v2, 100 * AKT);
    cfx_delegation(&f, d2, v1, 200 * AKT);
    at(&f, 1);
    ck_assert_int_eq(ak_staking_bonded_tokens(f.app), 1000 * AKT);
    ak_amount alice0 = fx_balance(&f, f.alice);
    ak_param_change ch = change(AK_PM_TAKE, "default_take_rate", 10);
    ak_msg m = submit(&f, f.alice, &ch, 1, 10 * AKT, false);
    fx_ok(&f, &m);
    const ak_proposal *pr = prop(&f, 1);
    /* 10 AKT meets the min deposit at once: voting from G to G + 120 */
    ck_assert_uint_eq(pr->status, AK_PROPOSAL_VOTING_PERIOD);
    ck_assert_int_eq(pr->voting_start_time, CFX_GENESIS_TIME);
    ck_assert_int_eq(pr->voting_end_time, CFX_GENESIS_TIME + 120);
    ck_assert_int_eq(pr->deposit_end_time, CFX_GENESIS_TIME + 60);
    ck_assert_int_eq(fx_balance(&f, f.alice), alice0 - 10 * AKT);
    ck_assert_int_eq(fx_module(&f, AK_MODULE_GOV), 10 * AKT);
    at(&f, 2);
    vote(&f, v1, 1, AK_VOTE_YES);
    vote(&f, d1, 1, AK_VOTE_NO);
    vote(&f, d2, 1, AK_VOTE_NO_WITH_VETO);
    (void)v2;
    at(&f, 21); /* G + 120: this block's EndBlock tallies */
    ck_assert_uint_eq(prop(&f, 1)->status, AK_PROPOSAL_VOTING_PERIOD);
    ck_assert_uint_eq(ak_app_params(f.app)->take.default_take_rate, 20);
    at(&f, 22);
    pr = prop(&f, 1);
    ck_assert_str_eq(ak_proposal_status_name(pr->status), "passed");
    ck_assert_int_eq(pr->tally_yes, 400 * AKT);
    ck_assert_int_eq(pr->tally_no, 100 * AKT);
    ck_assert_int_eq(pr->tally_abstain, 0);
    ck_assert_int_eq(pr->tally_veto, 200 * AKT);
    ck_assert_uint_eq(ak_app_params(f.app)->take.default_take_rate, 10);
    ck_assert_int_eq(fx_balance(&f, f.alice), alice0);
    ck_assert_int_eq(fx_module(&f, AK_MODULE_GOV), 0);
    /* the tally deleted every vote; nothing is left to end */
    ck_assert_uint_eq(ak_app_gov(f.app)->vote_index.len, 0);
    ck_assert_int_eq(ak_app_gov(f.app)->next_deadline, INT64_MAX);
    /* a finished proposal takes no deposits and no votes */
    m = deposit_msg(&f, f.carol, 1, 1 * AKT);
    fails_with(&f, &m, AK_EINACTIVE_PROPOSAL, "1: inactive proposal");
    m = vote_msg(v1, 1, AK_VOTE_NO);
    fails_with(&f, &m, AK_EINACTIVE_PROPOSAL, "1: inactive proposal");
    fx_fini(&f);
}
END_TEST

/* ---- submission ---- */

START_TEST(submit_checks_in_order)
{
    ak_params p = gov_params();
    fx f;
    world(&f, &p, 100 * AKT, 0);
    at(&f, 1);
    ak_param_change ch = change(AK_PM_TAKE, "default_take_rate", 10);
    ak_msg m = submit(&f, f.alice, &ch, 1, 10 * AKT, false);
    m.submit_proposal.title = 0;
    m.submit_proposal.summary = 0;
    fails_with(&f, &m, AK_EINVALID_REQUEST, "proposal title cannot be empty: invalid request");
    m.submit_proposal.title = fx_s(&f, "t");
    fails_with(&f, &m, AK_EINVALID_REQUEST, "proposal summary cannot be empty: invalid request");
    m = submit(&f, f.alice, &ch, 0, 10 * AKT, false);
    fails_with(&f, &m, AK_ENO_PROPOSAL_MSGS,
               "either metadata or Msgs length must be non-nil: no messages proposed");
    m = submit(&f, AK_ADDR_NONE, &ch, 1, 10 * AKT, false);
    fx_fails(&f, &m, AK_EINVALID_ADDRESS);
    /* initial deposit: valid coins, then RoundInt(10 AKT x 0.4) = 4 AKT */
    m = submit(&f, f.alice, &ch, 1, 0, false);
    m.submit_proposal.deposit[0] = (ak_coin){f.uakt, 0};
    m.submit_proposal.ndeposit = 1;
    fails_with(&f, &m, AK_EINVALID_COINS, "0uakt: invalid coins");
    m.submit_proposal.deposit[0] = (ak_coin){f.uusdc, 5 * AKT};
    m.submit_proposal.deposit[1] = (ak_coin){f.uakt, 5 * AKT};
    m.submit_proposal.ndeposit = 2; /* not sorted by denom */
    fails_with(&f, &m, AK_EINVALID_COINS, "5000000uusdc,5000000uakt: invalid coins");
    m = submit(&f, f.alice, &ch, 1, 0, false);
    fails_with(&f, &m, AK_EMIN_DEPOSIT_TOO_SMALL,
               "was (), need (4000000uakt): minimum deposit is too small");
    m = submit(&f, f.alice, &ch, 1, 4 * AKT - 1, false);
    fails_with(&f, &m, AK_EMIN_DEPOSIT_TOO_SMALL,
               "was (3999999uakt), need (4000000uakt): minimum deposit is too small");
    /* expedited: RoundInt(50 AKT x 0.4) = 20 AKT */
    m = submit(&f, f.alice, &ch, 1, 20 * AKT - 1, true);
    fails_with(&f, &m, AK_EMIN_DEPOSIT_TOO_SMALL,
               "was (19999999uakt), need (20000000uakt): minimum deposit is too small");
    /* the denom check comes after the ratio (uakt covers it) and before the bank */
    m = submit(&f, f.alice, &ch, 1, 4 * AKT, false);
    m.submit_proposal.deposit[1] = (ak_coin){f.uusdc, 1};
    m.submit_proposal.ndeposit = 2;
    fails_with(&f, &m, AK_EINVALID_DEPOSIT_DENOM,
               "deposited 4000000uakt,1uusdc, but gov accepts only the following denom(s): "
               "[uakt]: invalid deposit denom");
    /* lengths: metadata and title at most 10200 bytes, summary 408000 */
    char *big = malloc(408002);
    ck_assert_ptr_nonnull(big);
    memset(big, 'x', 408001);
    big[10201] = '\0';
    m = submit(&f, f.alice, &ch, 1, 4 * AKT, false);
    m.submit_proposal.metadata = fx_s(&f, big);
    fails_with(&f, &m, AK_EMETADATA_TOO_LONG, "got metadata with length 10201: metadata too long");
    m = submit(&f, f.alice, &ch, 1, 4 * AKT, false);
    m.submit_proposal.title = fx_s(&f, big);
    fails_with(&f, &m, AK_EMETADATA_TOO_LONG, "got metadata with length 10201: metadata too long");
    big[10201] = 'x';
    big[408001] = '\0';
    m = submit(&f, f.alice, &ch, 1, 4 * AKT, false);
    m.submit_proposal.summary = fx_s(&f, big);
    fails_with(&f, &m, AK_ESUMMARY_TOO_LONG, "got summary with length 408001: summary too long");
    big[10200] = '\0'; /* exactly the limit is fine */
    m = submit(&f, f.alice, &ch, 1, 4 * AKT, false);
    m.submit_proposal.metadata = fx_s(&f, big);
    m.submit_proposal.title = fx_s(&f, big);
    fx_ok(&f, &m);
    free(big);
    /* the failures above took no id */
    ck_assert_uint_eq(ak_app_gov(f.app)->proposals.len, 1);
    ck_assert_uint_eq(prop(&f, 1)->id, 1);
    /* the bank: carol holds 50 AKT */
    m = submit(&f, f.carol, &ch, 1, 60 * AKT, false);
    fails_with(&f, &m, AK_EINSUFFICIENT_FUNDS,
               "spendable balance 50000000uakt is smaller than 60000000uakt: insufficient funds");
    /* a text proposal: no changes, but metadata */
    m = submit(&f, f.carol, &ch, 0, 4 * AKT, false);
    m.submit_proposal.metadata = fx_s(&f, "ipfs://text-proposal");
    fx_ok(&f, &m);
    ck_assert_uint_eq(prop(&f, 2)->nmodules, 0);
    ck_assert_uint_eq(prop(&f, 2)->status, AK_PROPOSAL_DEPOSIT_PERIOD);
    /* a change of the wrong kind is a malformed message */
    ak_param_change bad = change(AK_PM_TAKE, "default_take_rate", 10);
    bad.value.kind = AK_PK_DEC;
    m = submit(&f, f.alice, &bad, 1, 4 * AKT, false);
    fx_fails(&f, &m, AK_EINVAL);
    bad = change(AK_PM_STAKING, "max_validators", -1);
    m = submit(&f, f.alice, &bad, 1, 4 * AKT, false);
    fx_fails(&f, &m, AK_EINVAL);
    fx_fini(&f);
}
END_TEST

/* RoundInt is banker's rounding: with min deposit 10,000,005 uakt, ratio 0.1 asks for
 * RoundInt(1,000,000.5) = 1,000,000 (half to even, down) and ratio 0.3 for
 * RoundInt(3,000,001.5) = 3,000,002 (half to even, up). */
START_TEST(initial_deposit_rounds_half_to_even)
{
    ak_params p = gov_params();
    p.gov.min_deposit[0].amount = 10000005;
    p.gov.min_initial_deposit_ratio = fx_dec("0.1");
    fx f;
    world(&f, &p, 100 * AKT, 0);
    at(&f, 1);
    ak_param_change ch = change(AK_PM_TAKE, "default_take_rate", 10);
    ak_msg m = submit(&f, f.alice, &ch, 1, 999999, false);
    fails_with(&f, &m, AK_EMIN_DEPOSIT_TOO_SMALL,
               "was (999999uakt), need (1000000uakt): minimum deposit is too small");
    m = submit(&f, f.alice, &ch, 1, 1000000, false);
    fx_ok(&f, &m);
    fx_fini(&f);

    p.gov.min_initial_deposit_ratio = fx_dec("0.3");
    world(&f, &p, 100 * AKT, 0);
    at(&f, 1);
    m = submit(&f, f.alice, &ch, 1, 3000001, false);
    fails_with(&f, &m, AK_EMIN_DEPOSIT_TOO_SMALL,
               "was (3000001uakt), need (3000002uakt): minimum deposit is too small");
    m = submit(&f, f.alice, &ch, 1, 3000002, false);
    fx_ok(&f, &m);
    fx_fini(&f);
}
END_TEST

/* With min_initial_deposit_ratio 0 the initial deposit still goes through AddDeposit, where
 * min_deposit_ratio wants TruncateInt(10 AKT x 0.01) = 100,000 uakt of one denom. */
START_TEST(initial_deposit_meets_min_deposit_ratio)
{
    ak_params p = gov_params();
    p.gov.min_initial_deposit_ratio = ak_dec_zero();
    fx f;
    world(&f, &p, 100 * AKT, 0);
    at(&f, 1);
    ak_param_change ch = change(AK_PM_TAKE, "default_take_rate", 10);
    ak_msg m = submit(&f, f.alice, &ch, 1, 0, false);
    fails_with(&f, &m, AK_EMIN_DEPOSIT_TOO_SMALL,
               "received  but need at least one of the following: 100000uakt: minimum deposit "
               "is too small");
    m = submit(&f, f.alice, &ch, 1, 99999, false);
    fails_with(&f, &m, AK_EMIN_DEPOSIT_TOO_SMALL,
               "received 99999uakt but need at least one of the following: 100000uakt: minimum "
               "deposit is too small");
    m = submit(&f, f.alice, &ch, 1, 100000, false);
    fx_ok(&f, &m);
    ck_assert_uint_eq(prop(&f, 1)->status, AK_PROPOSAL_DEPOSIT_PERIOD);
    fx_fini(&f);
}
END_TEST

/* Akash modules' MsgUpdateParams validate at submission (ErrInvalidProposalMsg); SDK modules'
 * are accepted then and fail only at execution. */
START_TEST(akash_params_refused_at_submission)
{
    ak_params p = gov_params();
    fx f;
    world(&f, &p, 100 * AKT, 0);
    at(&f, 1);
    ak_param_change ch[2] = {change(AK_PM_TAKE, "default_take_rate", 10),
                             change(AK_PM_MARKET, "order_max_bids", 0)};
    ak_msg m = submit(&f, f.alice, ch, 2, 10 * AKT, false);
    fails_with(&f, &m, AK_EINVALID_PROPOSAL_MSG,
               "order max bids too low: invalid proposal message");
    ch[1] = change(AK_PM_MARKET, "order_max_bids", 501);
    m = submit(&f, f.alice, ch, 2, 10 * AKT, false);
    fails_with(&f, &m, AK_EINVALID_PROPOSAL_MSG,
               "order max bids too high: invalid proposal message");
    ch[0] = change(AK_PM_TAKE, "default_take_rate", 101);
    m = submit(&f, f.alice, ch, 1, 10 * AKT, false);
    fx_fails(&f, &m, AK_EINVALID_PROPOSAL_MSG);
    ck_assert_ptr_nonnull(strstr(f.res.detail, ": invalid proposal message"));
    /* the lengths come first */
    char big[10202];
    memset(big, 'y', 10201);
    big[10201] = '\0';
    m.submit_proposal.metadata = fx_s(&f, big);
    fx_fails(&f, &m, AK_EMETADATA_TOO_LONG);
    /* staking: no ValidateBasic, accepted */
    ch[0] = change(AK_PM_STAKING, "max_validators", 0);
    m = submit(&f, f.alice, ch, 1, 10 * AKT, false);
    fx_ok(&f, &m);
    ck_assert_uint_eq(ak_app_gov(f.app)->proposals.len, 1);
    fx_fini(&f);
}
END_TEST

/* Changes of one module merge into one message; modules keep the order they first appear in;
 * each message is the module's params at submission with the changes applied. */
START_TEST(messages_group_by_module)
{
    ak_params p = gov_params();
    fx f;
    world(&f, &p, 100 * AKT, 0);
    at(&f, 1);
    ak_param_change ch[3] = {change(AK_PM_MARKET, "order_max_bids", 30),
                             change(AK_PM_TAKE, "default_take_rate", 10),
                             change(AK_PM_MARKET, "order_max_bids", 40)};
    ak_msg m = submit(&f, f.alice, ch, 3, 10 * AKT, false);
    fx_ok(&f, &m);
    const ak_proposal *pr = prop(&f, 1);
    ck_assert_uint_eq(pr->nmodules, 2);
    ck_assert_int_eq(pr->modules[0], AK_PM_MARKET);
    ck_assert_int_eq(pr->modules[1], AK_PM_TAKE);
    ck_assert_uint_eq(pr->proposed->market.order_max_bids, 40);
    ck_assert_uint_eq(pr->proposed->take.default_take_rate, 10);
    ck_assert_uint_eq(pr->proposed->take.n_denom_take_rates, 1); /* copied from the current */
    fx_fini(&f);
}
END_TEST

/* ---- deposits ---- */

START_TEST(deposits_and_activation)
{
    ak_params p = gov_params();
    fx f;
    world(&f, &p, 100 * AKT, 0);
    at(&f, 1);
    ak_param_change ch = change(AK_PM_TAKE, "default_take_rate", 10);
    ak_msg m = submit(&f, f.alice, &ch, 1, 4 * AKT, false);
    fx_ok(&f, &m);
    ck_assert_uint_eq(prop(&f, 1)->status, AK_PROPOSAL_DEPOSIT_PERIOD);
    ck_assert_int_eq(ak_app_gov(f.app)->next_deadline, CFX_GENESIS_TIME + 60);
    at(&f, 3); /* G + 12 */
    /* the address, validateDeposit, the lookup, the denoms, then min_deposit_ratio */
    m = deposit_msg(&f, AK_ADDR_NONE, 1, 1 * AKT);
    fails_with(&f, &m, AK_EINVALID_ADDRESS,
               "invalid depositor address: empty address string is not allowed: invalid address");
    m = deposit_msg(&f, f.carol, 1, 0);
    fails_with(&f, &m, AK_EINVALID_COINS, "0uakt: invalid coins");
    m.gov_deposit.namount = 0;
    fails_with(&f, &m, AK_EINVALID_COINS, ": invalid coins");
    m = deposit_msg(&f, f.carol, 7, 6 * AKT);
    fails_with(&f, &m, AK_ENOT_FOUND,
               "collections: not found: key '7' of type "
               "github.com/cosmos/gogoproto/cosmos.gov.v1.Proposal");
    m = deposit_msg(&f, f.carol, 1, 6 * AKT);
    m.gov_deposit.amount[0].denom = f.uusdc;
    fails_with(&f, &m, AK_EINVALID_DEPOSIT_DENOM,
               "deposited 6000000uusdc, but gov accepts only the following denom(s): [uakt]: "
               "invalid deposit denom");
    /* TruncateInt(10 AKT x 0.01) = 100,000 */
    m = deposit_msg(&f, f.carol, 1, 99999);
    fails_with(&f, &m, AK_EMIN_DEPOSIT_TOO_SMALL,
               "received 99999uakt but need at least one of the following: 100000uakt: minimum "
               "deposit is too small");
    m = deposit_msg(&f, f.carol, 1, 51 * AKT);
    fails_with(&f, &m, AK_EINSUFFICIENT_FUNDS,
               "spendable balance 50000000uakt is smaller than 51000000uakt: insufficient funds");
    /* 4 + 5.9 AKT: still short */
    m = deposit_msg(&f, f.carol, 1, 5900000);
    fx_ok(&f, &m);
    ck_assert_uint_eq(prop(&f, 1)->status, AK_PROPOSAL_DEPOSIT_PERIOD);
    /* + 0.1 AKT = 10 AKT: voting from now (G + 12) to G + 132 */
    m = deposit_msg(&f, f.carol, 1, 100000);
    fx_ok(&f, &m);
    const ak_proposal *pr = prop(&f, 1);
    ck_assert_uint_eq(pr->status, AK_PROPOSAL_VOTING_PERIOD);
    ck_assert_int_eq(pr->voting_start_time, CFX_GENESIS_TIME + 12);
    ck_assert_int_eq(pr->voting_end_time, CFX_GENESIS_TIME + 132);
    ck_assert_int_eq(pr->n_total_deposit, 1);
    ck_assert_int_eq(pr->total_deposit[0].amount, 10 * AKT);
    /* deposits in the voting period count too; carol's record grows */
    m = deposit_msg(&f, f.carol, 1, 1 * AKT);
    fx_ok(&f, &m);
    pr = prop(&f, 1);
    ck_assert_int_eq(pr->total_deposit[0].amount, 11 * AKT);
    const ak_gov *g = ak_app_gov(f.app);
    const ak_gov_deposit *d1 = ak_pool_at(&g->deposits, pr->deposits);
    ck_assert_uint_eq(d1->depositor, f.alice);
    ck_assert_int_eq(d1->amount[0].amount, 4 * AKT);
    const ak_gov_deposit *d2 = ak_pool_at(&g->deposits, d1->next);
    ck_assert_uint_eq(d2->depositor, f.carol);
    ck_assert_int_eq(d2->amount[0].amount, 7 * AKT);
    ck_assert_uint_eq(d2->next, AK_POOL_NONE);
    ck_assert_int_eq(fx_module(&f, AK_MODULE_GOV), 11 * AKT);
    /* expedited proposals measure deposits against the expedited minimum:
     * TruncateInt(50 AKT x 0.01) = 500,000 */
    m = submit(&f, f.alice, &ch, 1, 20 * AKT, true);
    fx_ok(&f, &m);
    m = deposit_msg(&f, f.carol, 2, 499999);
    fails_with(&f, &m, AK_EMIN_DEPOSIT_TOO_SMALL,
               "received 499999uakt but need at least one of the following: 500000uakt: minimum "
               "deposit is too small");
    m = deposit_msg(&f, f.carol, 2, 29 * AKT);
    fx_ok(&f, &m);
    ck_assert_uint_eq(prop(&f, 2)->status, AK_PROPOSAL_DEPOSIT_PERIOD); /* 49 of 50 AKT */
    m = deposit_msg(&f, f.carol, 2, 1 * AKT);
    fx_ok(&f, &m);
    /* 50 AKT: expedited voting from G + 12 to G + 72 */
    ck_assert_uint_eq(prop(&f, 2)->status, AK_PROPOSAL_VOTING_PERIOD);
    ck_assert_int_eq(prop(&f, 2)->voting_end_time, CFX_GENESIS_TIME + 72);
    ck_assert_int_eq(ak_app_gov(f.app)->next_deadline, CFX_GENESIS_TIME + 60);
    fx_fini(&f);
}
END_TEST

/* Activation needs every denom of the min deposit; the initial deposit needs every denom at the
 * ratio: min [10 AKT, 1 USDC] x 0.4 = [4 AKT, 0.4 USDC]. */
START_TEST(activation_needs_every_denom)
{
    ak_params p = gov_params();
    fx f;
    world(&f, &p, 100 * AKT, 0);
    p.gov.min_deposit[1] = (ak_coin){f.uusdc, 1000000}; /* "uakt" < "uusdc": sorted */
    p.gov.n_min_deposit = 2;
    p.gov.expedited_min_deposit[1] = (ak_coin){f.uusdc, 5000000};
    p.gov.n_expedited_min_deposit = 2;
    char why[200];
    ck_assert_msg(ak_app_set_params(f.app, &p, why, sizeof why) == 0, "%s", why);
    ck_assert_int_eq(ak_app_genesis_balance(f.app, f.alice, (ak_coin){f.uusdc, 5000000}), 0);
    at(&f, 1);
    ak_param_change ch = change(AK_PM_TAKE, "default_take_rate", 10);
    ak_msg m = submit(&f, f.alice, &ch, 1, 10 * AKT, false);
    fails_with(&f, &m, AK_EMIN_DEPOSIT_TOO_SMALL,
               "was (10000000uakt), need (4000000uakt,400000uusdc): minimum deposit is too small");
    m.submit_proposal.deposit[1] = (ak_coin){f.uusdc, 400000};
    m.submit_proposal.ndeposit = 2;
    fx_ok(&f, &m);
    /* 10 AKT covers uakt, 0.4 of 1 USDC does not */
    ck_assert_uint_eq(prop(&f, 1)->status, AK_PROPOSAL_DEPOSIT_PERIOD);
    /* one denom over its threshold suffices for a deposit: TruncateInt(1 USDC x 0.01) */
    m = deposit_msg(&f, f.alice, 1, 600000);
    m.gov_deposit.amount[0].denom = f.uusdc;
    fx_ok(&f, &m);
    ck_assert_uint_eq(prop(&f, 1)->status, AK_PROPOSAL_VOTING_PERIOD);
    ck_assert_int_eq(fx_module(&f, AK_MODULE_GOV), 10 * AKT);
    ck_assert_int_eq(ak_bank_balance_of(ak_app_bank(f.app),
                                        ak_bank_module_addr(ak_app_bank(f.app), AK_MODULE_GOV),
                                        f.uusdc),
                     1000000);
    fx_fini(&f);
}
END_TEST

/* A deposit period that ends short: dropped at the EndBlock of the first block at or after
 * G + 60 (height 11), deposits refunded; later deposits fail as on an unknown proposal. */
START_TEST(drop_with_refund)
{
    ak_params p = gov_params();
    fx f;
    world(&f, &p, 100 * AKT, 0);
    at(&f, 1);
    ak_amount alice0 = fx_balance(&f, f.alice), carol0 = fx_balance(&f, f.carol);
    ak_param_change ch = change(AK_PM_TAKE, "default_take_rate", 10);
    ak_msg m = submit(&f, f.alice, &ch, 1, 4 * AKT, false);
    fx_ok(&f, &m);
    m = deposit_msg(&f, f.carol, 1, 2 * AKT);
    fx_ok(&f, &m);
    at(&f, 11);
    ck_assert_uint_eq(prop(&f, 1)->status, AK_PROPOSAL_DEPOSIT_PERIOD);
    at(&f, 12);
    ck_assert_str_eq(ak_proposal_status_name(prop(&f, 1)->status), "dropped");
    ck_assert_int_eq(fx_balance(&f, f.alice), alice0);
    ck_assert_int_eq(fx_balance(&f, f.carol), carol0);
    ck_assert_int_eq(fx_module(&f, AK_MODULE_GOV), 0);
    ck_assert_int_eq(ak_app_gov(f.app)->next_deadline, INT64_MAX);
    m = deposit_msg(&f, f.carol, 1, 6 * AKT);
    fails_with(&f, &m, AK_ENOT_FOUND,
               "collections: not found: key '1' of type "
               "github.com/cosmos/gogoproto/cosmos.gov.v1.Proposal");
    m = vote_msg(f.carol, 1, AK_VOTE_YES);
    fails_with(&f, &m, AK_EINACTIVE_PROPOSAL, "1: inactive proposal");
    fx_fini(&f);
}
END_TEST

START_TEST(drop_with_burn)
{
    ak_params p = gov_params();
    p.gov.burn_proposal_deposit_prevote = true;
    fx f;
    world(&f, &p, 100 * AKT, 0);
    at(&f, 1);
    ak_amount alice0 = fx_balance(&f, f.alice);
    ak_param_change ch = change(AK_PM_TAKE, "default_take_rate", 10);
    ak_msg m = submit(&f, f.alice, &ch, 1, 4 * AKT, false);
    fx_ok(&f, &m);
    at(&f, 11);
    ak_amount s0 = supply(&f);
    ck_assert_int_eq(ak_app_end_block(f.app), 0); /* measured before the next mint */
    f.in_block = false;
    check_all(&f);
    ck_assert_uint_eq(prop(&f, 1)->status, AK_PROPOSAL_DROPPED);
    ck_assert_int_eq(supply(&f), s0 - 4 * AKT);
    ck_assert_int_eq(fx_balance(&f, f.alice), alice0 - 4 * AKT);
    ck_assert_int_eq(fx_module(&f, AK_MODULE_GOV), 0);
    fx_fini(&f);
}
END_TEST

/* Txs run before EndBlock: a deposit in the block whose time reaches the deposit end still
 * counts and can start the voting period. */
START_TEST(deposit_in_the_last_block_activates)
{
    ak_params p = gov_params();
    fx f;
    world(&f, &p, 100 * AKT, 0);
    at(&f, 1);
    ak_param_change ch = change(AK_PM_TAKE, "default_take_rate", 10);
    ak_msg m = submit(&f, f.alice, &ch, 1, 4 * AKT, false);
    fx_ok(&f, &m);
    at(&f, 11); /* G + 60 = the deposit end */
    m = deposit_msg(&f, f.carol, 1, 6 * AKT);
    fx_ok(&f, &m);
    at(&f, 12);
    ck_assert_uint_eq(prop(&f, 1)->status, AK_PROPOSAL_VOTING_PERIOD);
    ck_assert_int_eq(prop(&f, 1)->voting_end_time, CFX_GENESIS_TIME + 180);
    fx_fini(&f);
}
END_TEST

/* ---- votes ---- */

START_TEST(vote_only_in_voting_period)
{
    ak_params p = gov_params();
    fx f;
    world(&f, &p, 100 * AKT, 0);
    at(&f, 1);
    ak_param_change ch = change(AK_PM_TAKE, "default_take_rate", 10);
    ak_msg m = submit(&f, f.alice, &ch, 1, 4 * AKT, false);
    fx_ok(&f, &m);
    m = vote_msg(f.carol, 1, AK_VOTE_YES);
    fails_with(&f, &m, AK_EINACTIVE_PROPOSAL, "1: inactive proposal");
    m = vote_msg(f.carol, 9, AK_VOTE_YES);
    fails_with(&f, &m, AK_EINACTIVE_PROPOSAL, "9: inactive proposal");
    /* the option is checked before the proposal */
    m = vote_msg(f.carol, 9, 0);
    fails_with(&f, &m, AK_EINVALID_VOTE, "VOTE_OPTION_UNSPECIFIED: invalid vote option");
    m = vote_msg(f.carol, 1, 5);
    fails_with(&f, &m, AK_EINVALID_VOTE, "5: invalid vote option");
    m = vote_msg(AK_ADDR_NONE, 1, AK_VOTE_YES);
    fx_fails(&f, &m, AK_EINVALID_ADDRESS);
    m = deposit_msg(&f, f.carol, 1, 6 * AKT);
    fx_ok(&f, &m);
    /* no stake needed to vote */
    vote(&f, f.carol, 1, AK_VOTE_YES);
    ck_assert_uint_eq(ak_app_gov(f.app)->vote_index.len, 1);
    fx_fini(&f);
}
END_TEST

START_TEST(weighted_vote_checks)
{
    ak_params p = gov_params();
    fx f;
    world(&f, &p, 100 * AKT, 0);
    at(&f, 1);
    ak_param_change ch = change(AK_PM_TAKE, "default_take_rate", 10);
    ak_msg m = submit(&f, f.alice, &ch, 1, 10 * AKT, false);
    fx_ok(&f, &m);
    ak_addr v1 = fx_s(&f, "v1");
    m = weighted_msg(v1, 1, 0, NULL, NULL);
    fails_with(&f, &m, AK_EINVALID_REQUEST, "null: invalid request");
    uint32_t o1[] = {AK_VOTE_YES};
    const char *w0[] = {"0"};
    m = weighted_msg(v1, 1, 1, o1, w0);
    fails_with(&f, &m, AK_EINVALID_VOTE,
               "option:VOTE_OPTION_YES weight:\"0.000000000000000000\": invalid vote option");
    const char *w15[] = {"1.5"};
    m = weighted_msg(v1, 1, 1, o1, w15);
    fails_with(&f, &m, AK_EINVALID_VOTE,
               "option:VOTE_OPTION_YES weight:\"1.500000000000000000\": invalid vote option");
    uint32_t obad[] = {AK_VOTE_YES, 0};
    const char *whalf[] = {"0.5", "0.5"};
    m = weighted_msg(v1, 1, 2, obad, whalf);
    fails_with(&f, &m, AK_EINVALID_VOTE,
               "option:VOTE_OPTION_UNSPECIFIED weight:\"0.500000000000000000\": invalid vote "
               "option");
    uint32_t odup[] = {AK_VOTE_YES, AK_VOTE_YES};
    m = weighted_msg(v1, 1, 2, odup, whalf);
    fails_with(&f, &m, AK_EINVALID_VOTE, "duplicated vote option: invalid vote option");
    uint32_t o2[] = {AK_VOTE_YES, AK_VOTE_NO};
    const char *wover[] = {"0.6", "0.6"};
    m = weighted_msg(v1, 1, 2, o2, wover);
    fails_with(&f, &m, AK_EINVALID_VOTE, "total weight overflow 1.00: invalid vote option");
    const char *wunder[] = {"0.5", "0.499999999999999999"};
    m = weighted_msg(v1, 1, 2, o2, wunder);
    fails_with(&f, &m, AK_EINVALID_VOTE, "total weight lower than 1.00: invalid vote option");
    /* the splits are checked before the proposal: on a proposal not voting, a good split fails
     * only there */
    const char *wok[] = {"0.7", "0.3"};
    m = weighted_msg(v1, 2, 2, o2, wok);
    fails_with(&f, &m, AK_EINACTIVE_PROPOSAL, "2: inactive proposal");
    m = weighted_msg(v1, 1, 2, o2, wok);
    fx_ok(&f, &m);
    fx_fini(&f);
}
END_TEST

/* A weighted vote splits power: v1 (1000 AKT, alone) votes 0.7 yes / 0.3 no:
 * yes 700, no 300 AKT; 700 / 1000 > 0.5 passes. */
START_TEST(weighted_vote_splits_power)
{
    ak_params p = gov_params();
    fx f;
    world(&f, &p, 1000 * AKT, 0);
    at(&f, 1);
    ak_param_change ch = change(AK_PM_TAKE, "default_take_rate", 10);
    ak_msg m = submit(&f, f.alice, &ch, 1, 10 * AKT, false);
    fx_ok(&f, &m);
    uint32_t o2[] = {AK_VOTE_YES, AK_VOTE_NO};
    const char *w[] = {"0.7", "0.3"};
    m = weighted_msg(fx_s(&f, "v1"), 1, 2, o2, w);
    fx_ok(&f, &m);
    at(&f, 22);
    ck_assert_uint_eq(prop(&f, 1)->status, AK_PROPOSAL_PASSED);
    ck_assert_int_eq(prop(&f, 1)->tally_yes, 700 * AKT);
    ck_assert_int_eq(prop(&f, 1)->tally_no, 300 * AKT);
    fx_fini(&f);
}
END_TEST

/* A new vote replaces the old one: v1 (1000 AKT, alone) votes yes then no; the tally counts
 * no = 1000 AKT, yes 0: rejected, deposits refunded (no veto). */
START_TEST(vote_replacement)
{
    ak_params p = gov_params();
    fx f;
    world(&f, &p, 1000 * AKT, 0);
    at(&f, 1);
    ak_amount alice0 = fx_balance(&f, f.alice);
    ak_param_change ch = change(AK_PM_TAKE, "default_take_rate", 10);
    ak_msg m = submit(&f, f.alice, &ch, 1, 10 * AKT, false);
    fx_ok(&f, &m);
    ak_addr v1 = fx_s(&f, "v1");
    vote(&f, v1, 1, AK_VOTE_YES);
    at(&f, 5);
    vote(&f, v1, 1, AK_VOTE_NO);
    ck_assert_uint_eq(ak_app_gov(f.app)->vote_index.len, 1);
    at(&f, 22);
    const ak_proposal *pr = prop(&f, 1);
    ck_assert_uint_eq(pr->status, AK_PROPOSAL_REJECTED);
    ck_assert_str_eq(ak_app_str(f.app, pr->failed_reason), "proposal did not get enough votes to pass");
    ck_assert_int_eq(pr->tally_yes, 0);
    ck_assert_int_eq(pr->tally_no, 1000 * AKT);
    ck_assert_int_eq(fx_balance(&f, f.alice), alice0);
    ck_assert_uint_eq(ak_app_params(f.app)->take.default_take_rate, 20);
    fx_fini(&f);
}
END_TEST

/* ---- tally outcomes ---- */

/* Quorum: v1 700, v2 300 AKT; only v2 votes (yes): 300 / 1000 = 0.3 < 0.334, rejected;
 * deposits refunded unless burn_vote_quorum. */
static void quorum_case(bool burn)
{
    ak_params p = gov_params();
    p.gov.burn_vote_quorum = burn;
    fx f;
    world(&f, &p, 700 * AKT, 300 * AKT);
    at(&f, 1);
    ak_amount alice0 = fx_balance(&f, f.alice);
    ak_param_change ch = change(AK_PM_TAKE, "default_take_rate", 10);
    ak_msg m = submit(&f, f.alice, &ch, 1, 10 * AKT, false);
    fx_ok(&f, &m);
    vote(&f, fx_s(&f, "v2"), 1, AK_VOTE_YES);
    at(&f, 21);
    ak_amount s0 = supply(&f);
    ck_assert_int_eq(ak_app_end_block(f.app), 0);
    f.in_block = false;
    check_all(&f);
    const ak_proposal *pr = prop(&f, 1);
    ck_assert_uint_eq(pr->status, AK_PROPOSAL_REJECTED);
    ck_assert_int_eq(pr->tally_yes, 300 * AKT);
    ck_assert_int_eq(fx_module(&f, AK_MODULE_GOV), 0);
    ck_assert_int_eq(fx_balance(&f, f.alice), burn ? alice0 - 10 * AKT : alice0);
    ck_assert_int_eq(supply(&f), burn ? s0 - 10 * AKT : s0);
    fx_fini(&f);
}

START_TEST(quorum_fails_refund)
{
    quorum_case(false);
}
END_TEST

START_TEST(quorum_fails_burn)
{
    quorum_case(true);
}
END_TEST

/* Veto: v1 600 yes, v2 400 no_with_veto: veto 0.4 > 0.334, rejected, deposits burned
 * (burn_vote_veto is on by default). */
START_TEST(veto_burns)
{
    ak_params p = gov_params();
    fx f;
    world(&f, &p, 600 * AKT, 400 * AKT);
    at(&f, 1);
    ak_amount alice0 = fx_balance(&f, f.alice);
    ak_param_change ch = change(AK_PM_TAKE, "default_take_rate", 10);
    ak_msg m = submit(&f, f.alice, &ch, 1, 10 * AKT, false);
    fx_ok(&f, &m);
    m = deposit_msg(&f, f.carol, 1, 1 * AKT);
    fx_ok(&f, &m);
    vote(&f, fx_s(&f, "v1"), 1, AK_VOTE_YES);
    vote(&f, fx_s(&f, "v2"), 1, AK_VOTE_NO_WITH_VETO);
    at(&f, 21);
    ak_amount s0 = supply(&f);
    ck_assert_int_eq(ak_app_end_block(f.app), 0);
    f.in_block = false;
    check_all(&f);
    const ak_proposal *pr = prop(&f, 1);
    ck_assert_uint_eq(pr->status, AK_PROPOSAL_REJECTED);
    ck_assert_int_eq(pr->tally_veto, 400 * AKT);
    ck_assert_int_eq(supply(&f), s0 - 11 * AKT);
    ck_assert_int_eq(fx_balance(&f, f.alice), alice0 - 10 * AKT);
    ck_assert_int_eq(fx_module(&f, AK_MODULE_GOV), 0);
    ck_assert_uint_eq(ak_app_params(f.app)->take.default_take_rate, 20);
    fx_fini(&f);
}
END_TEST

/* All abstain: quorum met but totalVP - abstain = 0: rejected, no burn. */
START_TEST(all_abstain_rejects)
{
    ak_params p = gov_params();
    fx f;
    world(&f, &p, 600 * AKT, 400 * AKT);
    at(&f, 1);
    ak_amount alice0 = fx_balance(&f, f.alice);
    ak_param_change ch = change(AK_PM_TAKE, "default_take_rate", 10);
    ak_msg m = submit(&f, f.alice, &ch, 1, 10 * AKT, false);
    fx_ok(&f, &m);
    vote(&f, fx_s(&f, "v1"), 1, AK_VOTE_ABSTAIN);
    at(&f, 22);
    ck_assert_uint_eq(prop(&f, 1)->status, AK_PROPOSAL_REJECTED);
    ck_assert_int_eq(prop(&f, 1)->tally_abstain, 600 * AKT);
    ck_assert_int_eq(fx_balance(&f, f.alice), alice0);
    fx_fini(&f);
}
END_TEST

/* Expedited: 50 AKT, 60 s of voting, threshold 0.667. v1 600 + v2 400 yes: 1 > 0.667,
 * passes at height 11, deposit refunded. */
START_TEST(expedited_passes)
{
    ak_params p = gov_params();
    fx f;
    world(&f, &p, 600 * AKT, 400 * AKT);
    at(&f, 1);
    ak_amount alice0 = fx_balance(&f, f.alice);
    ak_param_change ch = change(AK_PM_TAKE, "default_take_rate", 10);
    ak_msg m = submit(&f, f.alice, &ch, 1, 50 * AKT, true);
    fx_ok(&f, &m);
    ck_assert_int_eq(prop(&f, 1)->voting_end_time, CFX_GENESIS_TIME + 60);
    vote(&f, fx_s(&f, "v1"), 1, AK_VOTE_YES);
    vote(&f, fx_s(&f, "v2"), 1, AK_VOTE_YES);
    at(&f, 12);
    ck_assert_uint_eq(prop(&f, 1)->status, AK_PROPOSAL_PASSED);
    ck_assert(prop(&f, 1)->expedited);
    ck_assert_uint_eq(ak_app_params(f.app)->take.default_take_rate, 10);
    ck_assert_int_eq(fx_balance(&f, f.alice), alice0);
    fx_fini(&f);
}
END_TEST

/* Expedited, v1 600 yes and v2 400 no: 0.6 <= 0.667 fails, so it becomes a regular proposal
 * ending at start + 120 s = G + 120 (height 21), deposits kept, votes gone. Voting again the
 * same way, 0.6 > 0.5 passes under the regular threshold. */
START_TEST(expedited_converts)
{
    ak_params p = gov_params();
    fx f;
    world(&f, &p, 600 * AKT, 400 * AKT);
    at(&f, 1);
    ak_amount alice0 = fx_balance(&f, f.alice);
    ak_param_change ch = change(AK_PM_TAKE, "default_take_rate", 10);
    ak_msg m = submit(&f, f.alice, &ch, 1, 50 * AKT, true);
    fx_ok(&f, &m);
    ak_addr v1 = fx_s(&f, "v1"), v2 = fx_s(&f, "v2");
    vote(&f, v1, 1, AK_VOTE_YES);
    vote(&f, v2, 1, AK_VOTE_NO);
    at(&f, 12);
    const ak_proposal *pr = prop(&f, 1);
    ck_assert_uint_eq(pr->status, AK_PROPOSAL_VOTING_PERIOD);
    ck_assert(!pr->expedited);
    ck_assert_int_eq(pr->voting_end_time, CFX_GENESIS_TIME + 120);
    ck_assert_int_eq(pr->tally_yes, 600 * AKT);
    ck_assert_int_eq(pr->tally_no, 400 * AKT);
    ck_assert_int_eq(fx_module(&f, AK_MODULE_GOV), 50 * AKT);
    ck_assert_uint_eq(ak_app_gov(f.app)->vote_index.len, 0);
    ck_assert_int_eq(ak_app_gov(f.app)->next_deadline, CFX_GENESIS_TIME + 120);
    ck_assert_uint_eq(ak_app_params(f.app)->take.default_take_rate, 20);
    vote(&f, v1, 1, AK_VOTE_YES);
    vote(&f, v2, 1, AK_VOTE_NO);
    at(&f, 22);
    ck_assert_uint_eq(prop(&f, 1)->status, AK_PROPOSAL_PASSED);
    ck_assert_uint_eq(ak_app_params(f.app)->take.default_take_rate, 10);
    ck_assert_int_eq(fx_balance(&f, f.alice), alice0);
    ck_assert_int_eq(fx_module(&f, AK_MODULE_GOV), 0);
    fx_fini(&f);
}
END_TEST

/* An expedited proposal that fails keeps its deposits even on veto (v2's 400 of 1000 = 0.4 >
 * 0.334); converted, nobody votes again: 0 < quorum, rejected, refunded (no quorum burn). */
START_TEST(expedited_veto_keeps_deposits)
{
    ak_params p = gov_params();
    fx f;
    world(&f, &p, 600 * AKT, 400 * AKT);
    at(&f, 1);
    ak_amount alice0 = fx_balance(&f, f.alice);
    ak_param_change ch = change(AK_PM_TAKE, "default_take_rate", 10);
    ak_msg m = submit(&f, f.alice, &ch, 1, 50 * AKT, true);
    fx_ok(&f, &m);
    vote(&f, fx_s(&f, "v1"), 1, AK_VOTE_YES);
    vote(&f, fx_s(&f, "v2"), 1, AK_VOTE_NO_WITH_VETO);
    at(&f, 12);
    ck_assert_uint_eq(prop(&f, 1)->status, AK_PROPOSAL_VOTING_PERIOD);
    ck_assert_int_eq(fx_module(&f, AK_MODULE_GOV), 50 * AKT);
    at(&f, 22);
    ck_assert_uint_eq(prop(&f, 1)->status, AK_PROPOSAL_REJECTED);
    ck_assert_int_eq(prop(&f, 1)->tally_yes, 0);
    ck_assert_int_eq(fx_balance(&f, f.alice), alice0);
    fx_fini(&f);
}
END_TEST

/* ---- execution ---- */

/* A passed proposal whose staking message fails validation: status failed with the handler's
 * text, deposits refunded, and no module changed (its take message ran first). */
START_TEST(execution_failure_changes_nothing)
{
    ak_params p = gov_params();
    fx f;
    world(&f, &p, 1000 * AKT, 0);
    at(&f, 1);
    ak_amount alice0 = fx_balance(&f, f.alice);
    ak_param_change ch[2] = {change(AK_PM_TAKE, "default_take_rate", 10),
                             change(AK_PM_STAKING, "max_validators", 0)};
    ak_msg m = submit(&f, f.alice, ch, 2, 10 * AKT, false);
    fx_ok(&f, &m);
    vote(&f, fx_s(&f, "v1"), 1, AK_VOTE_YES);
    ak_params before = *ak_app_params(f.app);
    at(&f, 22);
    const ak_proposal *pr = prop(&f, 1);
    ck_assert_str_eq(ak_proposal_status_name(pr->status), "failed");
    ck_assert_str_eq(ak_app_str(f.app, pr->failed_reason), "max validators must be positive: 0");
    ck_assert_int_eq(pr->tally_yes, 1000 * AKT);
    ck_assert(memcmp(&before, ak_app_params(f.app), sizeof before) == 0);
    ck_assert_int_eq(fx_balance(&f, f.alice), alice0);
    ck_assert_int_eq(fx_module(&f, AK_MODULE_GOV), 0);
    fx_fini(&f);
}
END_TEST

/* Distribution's MsgUpdateParams refuses the deprecated proposer rewards at execution. */
START_TEST(distribution_deprecated_rewards_fail)
{
    ak_params p = gov_params();
    fx f;
    world(&f, &p, 1000 * AKT, 0);
    at(&f, 1);
    ak_param_change ch = change_dec(AK_PM_DISTRIBUTION, "base_proposer_reward", "0.01");
    ak_msg m = submit(&f, f.alice, &ch, 1, 10 * AKT, false);
    fx_ok(&f, &m);
    vote(&f, fx_s(&f, "v1"), 1, AK_VOTE_YES);
    at(&f, 22);
    ck_assert_uint_eq(prop(&f, 1)->status, AK_PROPOSAL_FAILED);
    ck_assert_str_eq(ak_app_str(f.app, prop(&f, 1)->failed_reason),
                     "cannot update base or bonus proposer reward because these are deprecated "
                     "fields: invalid request");
    ck_assert(ak_dec_is_zero(ak_app_params(f.app)->distribution.base_proposer_reward));
    fx_fini(&f);
}
END_TEST

/* Messages are frozen at submission and replace a module's whole set: 1 (ends at height 21)
 * sets take.default_take_rate to 10; 2 (market only) and 3 (take.denom_take_rates, copied
 * with the default rate of 20 it saw at height 2) end at height 22. 2 leaves take alone;
 * 3 puts the default back to 20 along with its own change. */
START_TEST(messages_are_frozen_at_submission)
{
    ak_params p = gov_params();
    fx f;
    world(&f, &p, 1000 * AKT, 0);
    at(&f, 1);
    ak_param_change c1 = change(AK_PM_TAKE, "default_take_rate", 10);
    ak_msg m = submit(&f, f.alice, &c1, 1, 10 * AKT, false);
    fx_ok(&f, &m);
    at(&f, 2);
    ak_param_change c2 = change(AK_PM_MARKET, "order_max_bids", 30);
    m = submit(&f, f.alice, &c2, 1, 10 * AKT, false);
    fx_ok(&f, &m);
    ak_param_change c3 = {.def = ak_param_find(AK_PM_TAKE, "denom_take_rates")};
    c3.value.kind = AK_PK_TAKE_RATES;
    c3.value.rates[0] = (ak_take_rate){f.uakt, 3};
    c3.value.n = 1;
    m = submit(&f, f.alice, &c3, 1, 10 * AKT, false);
    fx_ok(&f, &m);
    ak_addr v1 = fx_s(&f, "v1");
    vote(&f, v1, 1, AK_VOTE_YES);
    vote(&f, v1, 2, AK_VOTE_YES);
    vote(&f, v1, 3, AK_VOTE_YES);
    at(&f, 22); /* 1 ends at height 21 */
    ck_assert_uint_eq(ak_app_params(f.app)->take.default_take_rate, 10);
    at(&f, 23); /* 2 and 3 end at height 22, by id */
    const ak_params *now = ak_app_params(f.app);
    ck_assert_uint_eq(prop(&f, 2)->status, AK_PROPOSAL_PASSED);
    ck_assert_uint_eq(prop(&f, 3)->status, AK_PROPOSAL_PASSED);
    ck_assert_uint_eq(now->market.order_max_bids, 30);
    ck_assert_uint_eq(now->take.default_take_rate, 20);
    ck_assert_uint_eq(now->take.denom_take_rates[0].rate, 3);
    fx_fini(&f);
}
END_TEST

/* Proposals ending in one block run by id, and each sees what the ones before it did:
 * 1 turns burn_vote_veto off (v1's 600 yes of 600 voting: passes); 2, vetoed right after
 * (v2's 400 of 1000 = 0.4 > 0.334), is then refunded instead of burned. */
START_TEST(same_block_order_and_effects)
{
    ak_params p = gov_params();
    fx f;
    world(&f, &p, 600 * AKT, 400 * AKT);
    at(&f, 1);
    ak_amount alice0 = fx_balance(&f, f.alice);
    ak_param_change c1 = change_bool(AK_PM_GOV, "burn_vote_veto", false);
    ak_msg m = submit(&f, f.alice, &c1, 1, 10 * AKT, false);
    fx_ok(&f, &m);
    ak_param_change c2 = change(AK_PM_TAKE, "default_take_rate", 10);
    m = submit(&f, f.alice, &c2, 1, 10 * AKT, false);
    fx_ok(&f, &m);
    ck_assert_int_eq(prop(&f, 1)->voting_end_time, prop(&f, 2)->voting_end_time);
    ak_addr v1 = fx_s(&f, "v1"), v2 = fx_s(&f, "v2");
    vote(&f, v1, 1, AK_VOTE_YES);
    vote(&f, v1, 2, AK_VOTE_YES);
    vote(&f, v2, 2, AK_VOTE_NO_WITH_VETO);
    at(&f, 22);
    ck_assert_uint_eq(prop(&f, 1)->status, AK_PROPOSAL_PASSED);
    ck_assert_uint_eq(prop(&f, 2)->status, AK_PROPOSAL_REJECTED);
    ck_assert_int_eq(prop(&f, 2)->tally_veto, 400 * AKT);
    ck_assert(!ak_app_params(f.app)->gov.burn_vote_veto);
    ck_assert_uint_eq(ak_app_params(f.app)->take.default_take_rate, 20);
    ck_assert_int_eq(fx_balance(&f, f.alice), alice0); /* both refunded */
    fx_fini(&f);
}
END_TEST

/* ---- signers and odds ---- */

START_TEST(unauthorized_signers)
{
    ak_params p = gov_params();
    fx f;
    world(&f, &p, 1000 * AKT, 0);
    at(&f, 1);
    ak_param_change ch = change(AK_PM_TAKE, "default_take_rate", 10);
    ak_msg m = submit(&f, f.alice, &ch, 1, 10 * AKT, false);
    m.signer = f.bob;
    fx_fails(&f, &m, AK_EUNAUTHORIZED);
    m.signer = f.alice;
    fx_ok(&f, &m);
    m = deposit_msg(&f, f.carol, 1, 1 * AKT);
    m.signer = f.alice;
    fx_fails(&f, &m, AK_EUNAUTHORIZED);
    m = vote_msg(fx_s(&f, "v1"), 1, AK_VOTE_YES);
    m.signer = f.alice;
    fx_fails(&f, &m, AK_EUNAUTHORIZED);
    uint32_t o[] = {AK_VOTE_YES};
    const char *w[] = {"1"};
    m = weighted_msg(fx_s(&f, "v1"), 1, 1, o, w);
    m.signer = f.carol;
    fx_fails(&f, &m, AK_EUNAUTHORIZED);
    fx_fini(&f);
}
END_TEST

/* Delegations to validators outside the counted set do not count, and neither does an
 * unbonded validator's vote: max_validators 1 bonds only v1 (600); v2 (400) and d1's 100 on
 * it stay out. v2 and d1 vote no, v1 yes: yes 600 / 600 passes; quorum 600 / 600 bonded. */
START_TEST(only_bonded_validators_count)
{
    ak_params p = gov_params();
    p.staking.max_validators = 1;
    fx f;
    world(&f, &p, 600 * AKT, 300 * AKT);
    ak_addr d1 = fx_s(&f, "d1");
    cfx_delegation(&f, d1, fx_s(&f, "v2"), 100 * AKT);
    at(&f, 1);
    ck_assert_int_eq(ak_staking_bonded_tokens(f.app), 600 * AKT);
    ak_param_change ch = change(AK_PM_TAKE, "default_take_rate", 10);
    ak_msg m = submit(&f, f.alice, &ch, 1, 10 * AKT, false);
    fx_ok(&f, &m);
    vote(&f, fx_s(&f, "v1"), 1, AK_VOTE_YES);
    vote(&f, fx_s(&f, "v2"), 1, AK_VOTE_NO);
    vote(&f, d1, 1, AK_VOTE_NO);
    at(&f, 22);
    ck_assert_uint_eq(prop(&f, 1)->status, AK_PROPOSAL_PASSED);
    ck_assert_int_eq(prop(&f, 1)->tally_yes, 600 * AKT);
    ck_assert_int_eq(prop(&f, 1)->tally_no, 0);
    fx_fini(&f);
}
END_TEST

/* A product shares x tokens that leaves int128 still tallies exactly. v1 self-bonds 1,000
 * AKT and 15 delegators 1,000 AKT each: tokens = shares = 1.6 x 10^10 uakt. d0 votes no:
 * 10^9 x 1.6e10 / 1.6e10 = 10^9 (scaled product 1.6 x 10^37, fits); v1 votes yes and carries
 * the other 15 x 10^9: its term (1.6e10 - 1e9) x 10^18 x 1.6e10 = 2.4 x 10^38 scaled, past
 * int128's 1.7 x 10^38. */
START_TEST(large_stakes_tally)
{
    ak_params p = gov_params();
    fx f;
    world(&f, &p, 1000 * AKT, 0);
    ak_addr v1 = fx_s(&f, "v1"), d0 = 0;
    for (int i = 0; i < 15; i++) {
        char name[8];
        snprintf(name, sizeof name, "d%d", i);
        ak_addr d = fx_s(&f, name);
        if (i == 0)
            d0 = d;
        cfx_delegation(&f, d, v1, 1000 * AKT);
    }
    at(&f, 1);
    ck_assert_int_eq(ak_staking_bonded_tokens(f.app), 16000 * AKT);
    ak_param_change ch = change(AK_PM_TAKE, "default_take_rate", 10);
    ak_msg m = submit(&f, f.alice, &ch, 1, 10 * AKT, false);
    fx_ok(&f, &m);
    vote(&f, v1, 1, AK_VOTE_YES);
    vote(&f, d0, 1, AK_VOTE_NO);
    at(&f, 22);
    ck_assert_uint_eq(prop(&f, 1)->status, AK_PROPOSAL_PASSED);
    ck_assert_int_eq(prop(&f, 1)->tally_yes, 15000 * AKT);
    ck_assert_int_eq(prop(&f, 1)->tally_no, 1000 * AKT);
    fx_fini(&f);
}
END_TEST

START_TEST(status_names)
{
    ck_assert_str_eq(ak_proposal_status_name(AK_PROPOSAL_DEPOSIT_PERIOD), "deposit_period");
    ck_assert_str_eq(ak_proposal_status_name(AK_PROPOSAL_VOTING_PERIOD), "voting_period");
    ck_assert_str_eq(ak_proposal_status_name(AK_PROPOSAL_PASSED), "passed");
    ck_assert_str_eq(ak_proposal_status_name(AK_PROPOSAL_REJECTED), "rejected");
    ck_assert_str_eq(ak_proposal_status_name(AK_PROPOSAL_FAILED), "failed");
    ck_assert_str_eq(ak_proposal_status_name(AK_PROPOSAL_DROPPED), "dropped");
    ck_assert_str_eq(ak_proposal_status_name(0), "unspecified");
}
END_TEST

/* ak_gov_check notices a bad status, deposit records that disagree with the total, and a
 * module account that disagrees with the open proposals' deposits. */
START_TEST(check_catches_corruption)
{
    ak_params p = gov_params();
    fx f;
    world(&f, &p, 100 * AKT, 0);
    at(&f, 1);
    ak_param_change ch = change(AK_PM_TAKE, "default_take_rate", 10);
    ak_msg m = submit(&f, f.alice, &ch, 1, 4 * AKT, false);
    fx_ok(&f, &m);
    check_all(&f);
    char err[256];
    ak_proposal *pr = ak_pool_at(&f.app->gov.proposals, 0);
    pr->status = 99;
    ck_assert_int_eq(ak_gov_check(f.app, err, sizeof err), AK_EINVARIANT);
    ck_assert_str_eq(err, "gov: proposal 1 has status 99");
    pr->status = AK_PROPOSAL_DEPOSIT_PERIOD;
    ak_gov_deposit *d = ak_pool_at(&f.app->gov.deposits, pr->deposits);
    d->amount[0].amount += 1;
    ck_assert_int_eq(ak_gov_check(f.app, err, sizeof err), AK_EINVARIANT);
    ck_assert_str_eq(err, "gov: proposal 1's deposits do not add up to its total");
    pr->total_deposit[0].amount += 1;
    ck_assert_int_eq(ak_gov_check(f.app, err, sizeof err), AK_EINVARIANT);
    ck_assert_str_eq(err, "gov: the module account holds 4000000uakt, open proposals' deposits "
                          "are 4000001uakt");
    ck_assert_int_eq(ak_app_check(f.app, err, sizeof err), AK_EINVARIANT);
    d->amount[0].amount -= 1;
    pr->total_deposit[0].amount -= 1;
    check_all(&f);
    fx_fini(&f);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("gov");
    TCase *tc = tcase_create("gov");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, e810_tally_passes_and_applies);
    tcase_add_test(tc, submit_checks_in_order);
    tcase_add_test(tc, initial_deposit_rounds_half_to_even);
    tcase_add_test(tc, initial_deposit_meets_min_deposit_ratio);
    tcase_add_test(tc, akash_params_refused_at_submission);
    tcase_add_test(tc, messages_group_by_module);
    tcase_add_test(tc, deposits_and_activation);
    tcase_add_test(tc, activation_needs_every_denom);
    tcase_add_test(tc, drop_with_refund);
    tcase_add_test(tc, drop_with_burn);
    tcase_add_test(tc, deposit_in_the_last_block_activates);
    tcase_add_test(tc, vote_only_in_voting_period);
    tcase_add_test(tc, weighted_vote_checks);
    tcase_add_test(tc, weighted_vote_splits_power);
    tcase_add_test(tc, vote_replacement);
    tcase_add_test(tc, quorum_fails_refund);
    tcase_add_test(tc, quorum_fails_burn);
    tcase_add_test(tc, veto_burns);
    tcase_add_test(tc, all_abstain_rejects);
    tcase_add_test(tc, expedited_passes);
    tcase_add_test(tc, expedited_converts);
    tcase_add_test(tc, expedited_veto_keeps_deposits);
    tcase_add_test(tc, execution_failure_changes_nothing);
    tcase_add_test(tc, distribution_deprecated_rewards_fail);
    tcase_add_test(tc, messages_are_frozen_at_submission);
    tcase_add_test(tc, same_block_order_and_effects);
    tcase_add_test(tc, unauthorized_signers);
    tcase_add_test(tc, only_bonded_validators_count);
    tcase_add_test(tc, large_stakes_tally);
    tcase_add_test(tc, status_names);
    tcase_add_test(tc, check_catches_corruption);
    suite_add_tcase(s, tc);
    return fx_run(s);
}
