/*
 * protocol/params.c: parameter defaults, the parameter table and validation (see params.h;
 * market-rules.md section 2, chain-rules.md sections 2.1, 3.1, 4, 5.1, 6.3 and 7).
 */
#include "params.h"

#include <stdio.h>
#include <string.h>

#include "attr.h"
#include "errors.h"

static const char *const module_names[AK_PM_COUNT] = {
    "deployment", "market", "take", "staking", "slashing", "distribution", "mint", "gov",
    "consensus",
};

const char *ak_param_module_name(ak_param_module m)
{
    return (unsigned)m < AK_PM_COUNT ? module_names[m] : "";
}

bool ak_param_module_from_name(const char *name, ak_param_module *m)
{
    for (int i = 0; i < AK_PM_COUNT; i++)
        if (strcmp(name, module_names[i]) == 0) {
            *m = (ak_param_module)i;
            return true;
        }
    return false;
}

/* ---- the table ---- */

#define P(mod, sect, field, kind) {mod, #field, kind, offsetof(ak_params, sect.field), 0, NULL}
#define PU(mod, sect, field, kind, why) {mod, #field, kind, offsetof(ak_params, sect.field), 0, why}
#define PL(mod, sect, field, kind, count)                                                          \
    {mod, #field, kind, offsetof(ak_params, sect.field), offsetof(ak_params, sect.count), NULL}
#define PLU(mod, sect, field, kind, count, why)                                                    \
    {mod, #field, kind, offsetof(ak_params, sect.field), offsetof(ak_params, sect.count), why}

const ak_param_def ak_param_defs[] = {
    PL(AK_PM_DEPLOYMENT, deployment, min_deposits, AK_PK_COINS, n_min_deposits),
    P(AK_PM_MARKET, market, bid_min_deposit, AK_PK_COIN),
    P(AK_PM_MARKET, market, order_max_bids, AK_PK_U32),
    PL(AK_PM_MARKET, market, bid_min_deposits, AK_PK_COINS, n_bid_min_deposits),
    P(AK_PM_TAKE, take, default_take_rate, AK_PK_U32),
    PL(AK_PM_TAKE, take, denom_take_rates, AK_PK_TAKE_RATES, n_denom_take_rates),
    P(AK_PM_STAKING, staking, unbonding_time, AK_PK_DURATION),
    P(AK_PM_STAKING, staking, max_validators, AK_PK_U32),
    P(AK_PM_STAKING, staking, max_entries, AK_PK_U32),
    P(AK_PM_STAKING, staking, historical_entries, AK_PK_U32),
    P(AK_PM_STAKING, staking, bond_denom, AK_PK_DENOM),
    P(AK_PM_STAKING, staking, min_commission_rate, AK_PK_DEC),
    P(AK_PM_SLASHING, slashing, signed_blocks_window, AK_PK_I64),
    P(AK_PM_SLASHING, slashing, min_signed_per_window, AK_PK_DEC),
    P(AK_PM_SLASHING, slashing, downtime_jail_duration, AK_PK_DURATION),
    P(AK_PM_SLASHING, slashing, slash_fraction_double_sign, AK_PK_DEC),
    P(AK_PM_SLASHING, slashing, slash_fraction_downtime, AK_PK_DEC),
    P(AK_PM_DISTRIBUTION, distribution, community_tax, AK_PK_DEC),
    P(AK_PM_DISTRIBUTION, distribution, base_proposer_reward, AK_PK_DEC),
    P(AK_PM_DISTRIBUTION, distribution, bonus_proposer_reward, AK_PK_DEC),
    P(AK_PM_DISTRIBUTION, distribution, withdraw_addr_enabled, AK_PK_BOOL),
    P(AK_PM_MINT, mint, mint_denom, AK_PK_DENOM),
    PU(AK_PM_MINT, mint, inflation_rate_change, AK_PK_DEC,
       "low confidence: no value found after 2021's 1.00 (chain-rules.md 5.4)"),
    PU(AK_PM_MINT, mint, inflation_max, AK_PK_DEC,
       "low confidence: 0.08 reported for 2025 by a secondary source (chain-rules.md 5.4)"),
    PU(AK_PM_MINT, mint, inflation_min, AK_PK_DEC,
       "low confidence: 0.04 reported for 2025 by a secondary source (chain-rules.md 5.4)"),
    P(AK_PM_MINT, mint, goal_bonded, AK_PK_DEC),
    P(AK_PM_MINT, mint, blocks_per_year, AK_PK_U64),
    PLU(AK_PM_GOV, gov, min_deposit, AK_PK_COINS, n_min_deposit,
        "low-medium confidence: the 2020 genesis value (chain-rules.md 7)"),
    PU(AK_PM_GOV, gov, max_deposit_period, AK_PK_DURATION,
       "low-medium confidence: the 2020 genesis value (chain-rules.md 7)"),
    PU(AK_PM_GOV, gov, voting_period, AK_PK_DURATION,
       "low-medium confidence: the 2020 genesis value (chain-rules.md 7)"),
    P(AK_PM_GOV, gov, quorum, AK_PK_DEC),
    P(AK_PM_GOV, gov, threshold, AK_PK_DEC),
    P(AK_PM_GOV, gov, veto_threshold, AK_PK_DEC),
    P(AK_PM_GOV, gov, min_initial_deposit_ratio, AK_PK_DEC),
    P(AK_PM_GOV, gov, proposal_cancel_ratio, AK_PK_DEC),
    P(AK_PM_GOV, gov, expedited_voting_period, AK_PK_DURATION),
    P(AK_PM_GOV, gov, expedited_threshold, AK_PK_DEC),
    PL(AK_PM_GOV, gov, expedited_min_deposit, AK_PK_COINS, n_expedited_min_deposit),
    P(AK_PM_GOV, gov, burn_vote_quorum, AK_PK_BOOL),
    P(AK_PM_GOV, gov, burn_proposal_deposit_prevote, AK_PK_BOOL),
    P(AK_PM_GOV, gov, burn_vote_veto, AK_PK_BOOL),
    P(AK_PM_GOV, gov, min_deposit_ratio, AK_PK_DEC),
    P(AK_PM_CONSENSUS, consensus, evidence_max_age_num_blocks, AK_PK_I64),
    P(AK_PM_CONSENSUS, consensus, evidence_max_age_duration, AK_PK_DURATION),
};

const size_t ak_param_ndefs = sizeof ak_param_defs / sizeof ak_param_defs[0];

const ak_param_def *ak_param_find(ak_param_module m, const char *name)
{
    for (size_t i = 0; i < ak_param_ndefs; i++)
        if (ak_param_defs[i].module == m && strcmp(ak_param_defs[i].name, name) == 0)
            return &ak_param_defs[i];
    return NULL;
}

void *ak_param_ptr(ak_params *p, const ak_param_def *d)
{
    return (char *)p + d->offset;
}

const void *ak_param_cptr(const ak_params *p, const ak_param_def *d)
{
    return (const char *)p + d->offset;
}

int ak_params_set(ak_params *p, const ak_param_def *d, const ak_param_value *v)
{
    if (v->kind != d->kind)
        return AK_EINVAL;
    void *dst = ak_param_ptr(p, d);
    switch (d->kind) {
    case AK_PK_U32:
        if (v->i < 0 || v->i > UINT32_MAX)
            return AK_EINVAL;
        *(uint32_t *)dst = (uint32_t)v->i;
        break;
    case AK_PK_I64:
    case AK_PK_DURATION:
        *(int64_t *)dst = v->i;
        break;
    case AK_PK_U64:
        if (v->i < 0)
            return AK_EINVAL;
        *(uint64_t *)dst = (uint64_t)v->i;
        break;
    case AK_PK_DEC:
        *(ak_dec *)dst = v->dec;
        break;
    case AK_PK_BOOL:
        *(bool *)dst = v->b;
        break;
    case AK_PK_DENOM:
        *(ak_denom *)dst = v->denom;
        break;
    case AK_PK_COIN:
        *(ak_coin *)dst = v->coins[0];
        break;
    case AK_PK_COINS:
        if (v->n > AK_PARAMS_MAX_DENOMS)
            return AK_EINVAL;
        memcpy(dst, v->coins, sizeof(ak_coin) * v->n);
        *(uint32_t *)((char *)p + d->count_offset) = v->n;
        break;
    case AK_PK_TAKE_RATES:
        if (v->n > AK_PARAMS_MAX_DENOMS)
            return AK_EINVAL;
        memcpy(dst, v->rates, sizeof(ak_take_rate) * v->n);
        *(uint32_t *)((char *)p + d->count_offset) = v->n;
        break;
    }
    return 0;
}

/* ---- defaults ---- */

static int intern(ak_strtab *strs, const char *s, ak_str *id)
{
    return ak_strtab_intern(strs, s, strlen(s), id);
}

static ak_dec D(const char *s)
{
    ak_dec d = ak_dec_zero();
    ak_dec_parse(s, strlen(s), &d); /* the constants below always parse */
    return d;
}

#define DAY 86400

int ak_params_default(ak_params *p, ak_strtab *strs)
{
    memset(p, 0, sizeof *p);
    ak_denom uakt, uact;
    if (intern(strs, "uakt", &uakt) || intern(strs, "uact", &uact))
        return AK_ENOMEM;
    /* market modules: code defaults of chain-sdk go/v0.1.9 (market-rules.md 2) */
    p->deployment.min_deposits[0] = (ak_coin){uakt, 500000};
    p->deployment.n_min_deposits = 1;
    p->market.bid_min_deposit = (ak_coin){uakt, 500000};
    p->market.order_max_bids = 20;
    /* NewCoins sorts by denom: uact before uakt */
    p->market.bid_min_deposits[0] = (ak_coin){uact, 500000};
    p->market.bid_min_deposits[1] = (ak_coin){uakt, 500000};
    p->market.n_bid_min_deposits = 2;
    p->take.default_take_rate = 20;
    p->take.denom_take_rates[0] = (ak_take_rate){uakt, 2};
    p->take.n_denom_take_rates = 1;
    /* chain modules: Akash mainnet values (chain-rules.md 7) */
    p->staking.unbonding_time = 21 * DAY;
    p->staking.max_validators = 100;
    p->staking.max_entries = 7;
    p->staking.historical_entries = 10000;
    p->staking.bond_denom = uakt;
    p->staking.min_commission_rate = D("0.05");
    p->slashing.signed_blocks_window = 10000;
    p->slashing.min_signed_per_window = D("0.05");
    p->slashing.downtime_jail_duration = 600;
    p->slashing.slash_fraction_double_sign = D("0.05");
    p->slashing.slash_fraction_downtime = D("0.0001");
    p->distribution.community_tax = D("0.25");
    p->distribution.base_proposer_reward = ak_dec_zero();
    p->distribution.bonus_proposer_reward = ak_dec_zero();
    p->distribution.withdraw_addr_enabled = true;
    p->mint.mint_denom = uakt;
    p->mint.inflation_rate_change = D("1");
    p->mint.inflation_max = D("0.08");
    p->mint.inflation_min = D("0.04");
    p->mint.goal_bonded = D("0.67");
    p->mint.blocks_per_year = 5256000;
    p->gov.min_deposit[0] = (ak_coin){uakt, 1000000000};
    p->gov.n_min_deposit = 1;
    p->gov.max_deposit_period = 14 * DAY;
    p->gov.voting_period = 14 * DAY;
    p->gov.quorum = D("0.334");
    p->gov.threshold = D("0.5");
    p->gov.veto_threshold = D("0.334");
    p->gov.min_initial_deposit_ratio = D("0.4");
    p->gov.proposal_cancel_ratio = D("0.5");
    p->gov.expedited_voting_period = 1 * DAY;
    p->gov.expedited_threshold = D("0.667");
    p->gov.expedited_min_deposit[0] = (ak_coin){uakt, 2000000000};
    p->gov.n_expedited_min_deposit = 1;
    p->gov.burn_vote_quorum = false;
    p->gov.burn_proposal_deposit_prevote = false;
    p->gov.burn_vote_veto = true;
    p->gov.min_deposit_ratio = D("0.01");
    p->consensus.evidence_max_age_num_blocks = 279138;
    p->consensus.evidence_max_age_duration = 21 * DAY;
    return 0;
}

/* ---- validation ---- */

#define FAIL(...)                                                                                  \
    do {                                                                                           \
        snprintf(msg, cap, __VA_ARGS__);                                                           \
        return AK_EINVALID_PARAM;                                                                  \
    } while (0)

static bool dec_in_unit(ak_dec d)
{
    return !ak_dec_is_negative(d) && ak_dec_cmp(d, ak_dec_from_int(1)) <= 0;
}

static const char *dstr(ak_dec d, char *buf)
{
    ak_dec_format(d, buf, AK_DEC_STRLEN);
    return buf;
}

static int validate_deployment(const ak_params *p, const ak_strtab *strs, char *msg, size_t cap)
{
    const ak_deployment_params *d = &p->deployment;
    ak_denom uakt;
    bool have = ak_strtab_find(strs, "uakt", 4, &uakt), seen = false;
    if (d->n_min_deposits > AK_PARAMS_MAX_DENOMS)
        FAIL("deployment.min_deposits: more than %d denoms", AK_PARAMS_MAX_DENOMS);
    for (uint32_t i = 0; i < d->n_min_deposits; i++) {
        const ak_coin *c = &d->min_deposits[i];
        const char *dn = ak_strtab_get(strs, c->denom);
        for (uint32_t j = 0; j < i; j++)
            if (d->min_deposits[j].denom == c->denom)
                FAIL("deployment.min_deposits: duplicate Min Deposit for denom %s", dn);
        if (c->amount < 0)
            FAIL("deployment.min_deposits: Min Deposit (%s) is negative", dn);
        if (c->amount >= 2147483647)
            FAIL("deployment.min_deposits: Min Deposit (%s) - too large: %lld", dn,
                 (long long)c->amount);
        if (have && c->denom == uakt)
            seen = true;
    }
    if (!seen)
        FAIL("deployment.min_deposits: Min Deposits - uakt not given");
    return 0;
}

static int validate_market(const ak_params *p, const ak_strtab *strs, char *msg, size_t cap)
{
    (void)strs;
    const ak_market_params *m = &p->market;
    if (m->n_bid_min_deposits > AK_PARAMS_MAX_DENOMS)
        FAIL("market.bid_min_deposits: more than %d denoms", AK_PARAMS_MAX_DENOMS);
    /* bid_min_deposit is only type-checked upstream */
    if (m->bid_min_deposit.amount < 0)
        FAIL("market.bid_min_deposit: negative amount");
    if (m->order_max_bids == 0)
        FAIL("market.order_max_bids: order max bids too low");
    if (m->order_max_bids > 500)
        FAIL("market.order_max_bids: order max bids too high");
    return 0;
}

static int validate_take(const ak_params *p, const ak_strtab *strs, char *msg, size_t cap)
{
    const ak_take_params *t = &p->take;
    ak_denom uakt;
    bool have = ak_strtab_find(strs, "uakt", 4, &uakt), seen = false;
    if (t->n_denom_take_rates > AK_PARAMS_MAX_DENOMS)
        FAIL("take.denom_take_rates: more than %d denoms", AK_PARAMS_MAX_DENOMS);
    if (t->default_take_rate > 100)
        FAIL("take.default_take_rate: invalid Take Rate (%u)", t->default_take_rate);
    for (uint32_t i = 0; i < t->n_denom_take_rates; i++) {
        const ak_take_rate *r = &t->denom_take_rates[i];
        const char *dn = ak_strtab_get(strs, r->denom);
        for (uint32_t j = 0; j < i; j++)
            if (t->denom_take_rates[j].denom == r->denom)
                FAIL("take.denom_take_rates: duplicate Denom Take Rate (%s)", dn);
        if (r->rate > 100)
            FAIL("take.denom_take_rates: invalid Denom Take Rate (%s=%u)", dn, r->rate);
        if (have && r->denom == uakt)
            seen = true;
    }
    if (!seen)
        FAIL("take.denom_take_rates: invalid Denom Take Rate - uakt must be present");
    return 0;
}

static int validate_staking(const ak_params *p, const ak_strtab *strs, char *msg, size_t cap)
{
    const ak_staking_params *s = &p->staking;
    char b[AK_DEC_STRLEN];
    if (s->unbonding_time <= 0) /* the SDK prints the duration in nanoseconds */
        FAIL("staking.unbonding_time: unbonding time must be positive: %lld",
             (long long)s->unbonding_time * 1000000000);
    if (s->max_validators == 0)
        FAIL("staking.max_validators: max validators must be positive: %u", s->max_validators);
    if (s->max_entries == 0)
        FAIL("staking.max_entries: max entries must be positive: %u", s->max_entries);
    const char *bd = ak_strtab_get(strs, s->bond_denom);
    if (!bd[0])
        FAIL("staking.bond_denom: bond denom cannot be blank");
    if (!ak_denom_valid(bd))
        FAIL("staking.bond_denom: invalid denom: %s", bd);
    if (ak_dec_is_negative(s->min_commission_rate))
        FAIL("staking.min_commission_rate: minimum commission rate cannot be negative: %s",
             dstr(s->min_commission_rate, b));
    if (!dec_in_unit(s->min_commission_rate))
        FAIL("staking.min_commission_rate: minimum commission rate cannot be greater than 100%%: "
             "%s",
             dstr(s->min_commission_rate, b));
    return 0;
}

static int validate_fraction(const char *where, const char *what, ak_dec d, char *msg, size_t cap)
{
    char b[AK_DEC_STRLEN];
    if (ak_dec_is_negative(d))
        FAIL("%s: %s cannot be negative: %s", where, what, dstr(d, b));
    if (!dec_in_unit(d))
        FAIL("%s: %s too large: %s", where, what, dstr(d, b));
    return 0;
}

static int validate_slashing(const ak_params *p, const ak_strtab *strs, char *msg, size_t cap)
{
    (void)strs;
    const ak_slashing_params *s = &p->slashing;
    int rc;
    if (s->signed_blocks_window <= 0)
        FAIL("slashing.signed_blocks_window: signed blocks window must be positive: %lld",
             (long long)s->signed_blocks_window);
    if ((rc = validate_fraction("slashing.min_signed_per_window", "min signed per window",
                                s->min_signed_per_window, msg, cap)))
        return rc;
    if (s->downtime_jail_duration <= 0)
        FAIL("slashing.downtime_jail_duration: downtime jail duration must be positive: %llds",
             (long long)s->downtime_jail_duration);
    if ((rc = validate_fraction("slashing.slash_fraction_double_sign",
                                "double sign slash fraction", s->slash_fraction_double_sign, msg,
                                cap)))
        return rc;
    return validate_fraction("slashing.slash_fraction_downtime", "downtime slash fraction",
                             s->slash_fraction_downtime, msg, cap);
}

static int validate_distribution(const ak_params *p, const ak_strtab *strs, char *msg, size_t cap)
{
    (void)strs;
    const ak_distribution_params *d = &p->distribution;
    char b[AK_DEC_STRLEN];
    if (ak_dec_is_negative(d->community_tax))
        FAIL("distribution.community_tax: community tax must be positive: %s",
             dstr(d->community_tax, b));
    if (ak_dec_cmp(d->community_tax, ak_dec_from_int(1)) > 0)
        FAIL("distribution.community_tax: community tax too large: %s", dstr(d->community_tax, b));
    /* the deprecated proposer rewards are not validated here; a parameter change that sets
     * them is refused by MsgUpdateParams itself (gov.c) */
    return 0;
}

static int validate_mint(const ak_params *p, const ak_strtab *strs, char *msg, size_t cap)
{
    const ak_mint_params *m = &p->mint;
    char b[AK_DEC_STRLEN], c[AK_DEC_STRLEN];
    const char *md = ak_strtab_get(strs, m->mint_denom);
    if (!md[0])
        FAIL("mint.mint_denom: mint denom cannot be blank");
    if (!ak_denom_valid(md))
        FAIL("mint.mint_denom: invalid denom: %s", md);
    int rc;
    if ((rc = validate_fraction("mint.inflation_rate_change", "inflation rate change",
                                m->inflation_rate_change, msg, cap)) ||
        (rc = validate_fraction("mint.inflation_max", "max inflation", m->inflation_max, msg,
                                cap)) ||
        (rc = validate_fraction("mint.inflation_min", "min inflation", m->inflation_min, msg,
                                cap)))
        return rc;
    if (!ak_dec_is_positive(m->goal_bonded))
        FAIL("mint.goal_bonded: goal bonded must be positive: %s", dstr(m->goal_bonded, b));
    if (ak_dec_cmp(m->goal_bonded, ak_dec_from_int(1)) > 0)
        FAIL("mint.goal_bonded: goal bonded too large: %s", dstr(m->goal_bonded, b));
    if (m->blocks_per_year == 0)
        FAIL("mint.blocks_per_year: blocks per year must be positive: 0");
    if (ak_dec_cmp(m->inflation_max, m->inflation_min) < 0)
        FAIL("mint.inflation_max: max inflation (%s) must be greater than or equal to min "
             "inflation (%s)",
             dstr(m->inflation_max, b), dstr(m->inflation_min, c));
    return 0;
}

/* Coins.IsValid: positive amounts, no denom twice (denoms are valid by construction). */
static bool coins_valid(const ak_coin *c, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        if (c[i].amount <= 0)
            return false;
        for (uint32_t j = 0; j < i; j++)
            if (c[j].denom == c[i].denom)
                return false;
    }
    return true;
}

static void coins_str(const ak_strtab *strs, const ak_coin *c, uint32_t n, char *buf, size_t cap)
{
    size_t len = 0;
    buf[0] = '\0';
    for (uint32_t i = 0; i < n && len < cap; i++) {
        int k = snprintf(buf + len, cap - len, "%s%lld%s", i ? "," : "", (long long)c[i].amount,
                         ak_strtab_get(strs, c[i].denom));
        if (k < 0)
            break;
        len += (size_t)k;
    }
}

/* gov Params.ValidateBasic, in its order. Two of the SDK's texts print a pointer (the nil and
 * non-positive max_deposit_period); akashsim prints the duration instead. */
static int validate_gov(const ak_params *p, const ak_strtab *strs, char *msg, size_t cap)
{
    const ak_gov_params *g = &p->gov;
    char b[AK_DEC_STRLEN], c[AK_DEC_STRLEN], cs[256];
    if (g->n_min_deposit > AK_PARAMS_MAX_DENOMS || g->n_expedited_min_deposit > AK_PARAMS_MAX_DENOMS)
        FAIL("gov.min_deposit: more than %d denoms", AK_PARAMS_MAX_DENOMS);
    if (g->n_min_deposit == 0 || !coins_valid(g->min_deposit, g->n_min_deposit)) {
        coins_str(strs, g->min_deposit, g->n_min_deposit, cs, sizeof cs);
        FAIL("gov.min_deposit: invalid minimum deposit: %s", cs);
    }
    coins_str(strs, g->expedited_min_deposit, g->n_expedited_min_deposit, cs, sizeof cs);
    if (g->n_expedited_min_deposit == 0 ||
        !coins_valid(g->expedited_min_deposit, g->n_expedited_min_deposit))
        FAIL("gov.expedited_min_deposit: invalid expedited minimum deposit: %s", cs);
    /* IsAllLTE(min_deposit): every expedited amount at most the regular one of its denom
     * (0 for a denom the regular minimum does not have) */
    bool all_lte = true;
    for (uint32_t j = 0; j < g->n_expedited_min_deposit && all_lte; j++) {
        ak_amount m = 0;
        for (uint32_t i = 0; i < g->n_min_deposit; i++)
            if (g->min_deposit[i].denom == g->expedited_min_deposit[j].denom)
                m = g->min_deposit[i].amount;
        all_lte = g->expedited_min_deposit[j].amount <= m;
    }
    if (all_lte)
        FAIL("gov.expedited_min_deposit: expedited minimum deposit must be greater than minimum "
             "deposit: %s",
             cs);
    if (g->max_deposit_period <= 0)
        FAIL("gov.max_deposit_period: maximum deposit period must be positive: %llds",
             (long long)g->max_deposit_period);
    if (ak_dec_is_negative(g->quorum))
        FAIL("gov.quorum: quorom cannot be negative: %s", dstr(g->quorum, b));
    if (ak_dec_cmp(g->quorum, ak_dec_from_int(1)) > 0)
        FAIL("gov.quorum: quorom too large: %s", dstr(g->quorum, b));
    if (!ak_dec_is_positive(g->threshold))
        FAIL("gov.threshold: vote threshold must be positive: %s", dstr(g->threshold, b));
    if (ak_dec_cmp(g->threshold, ak_dec_from_int(1)) > 0)
        FAIL("gov.threshold: vote threshold too large: %s", dstr(g->threshold, b));
    if (!ak_dec_is_positive(g->expedited_threshold))
        FAIL("gov.expedited_threshold: expedited vote threshold must be positive: %s",
             dstr(g->expedited_threshold, b));
    if (ak_dec_cmp(g->expedited_threshold, ak_dec_from_int(1)) > 0)
        FAIL("gov.expedited_threshold: expedited vote threshold too large: %s",
             dstr(g->expedited_threshold, b));
    if (ak_dec_cmp(g->expedited_threshold, g->threshold) <= 0)
        FAIL("gov.expedited_threshold: expedited vote threshold %s, must be greater than the "
             "regular threshold %s",
             dstr(g->expedited_threshold, b), dstr(g->threshold, c));
    if (!ak_dec_is_positive(g->veto_threshold))
        FAIL("gov.veto_threshold: veto threshold must be positive: %s", dstr(g->veto_threshold, b));
    if (ak_dec_cmp(g->veto_threshold, ak_dec_from_int(1)) > 0)
        FAIL("gov.veto_threshold: veto threshold too large: %s", dstr(g->veto_threshold, b));
    if (g->voting_period <= 0)
        FAIL("gov.voting_period: voting period must be positive: %llds", (long long)g->voting_period);
    if (g->expedited_voting_period <= 0)
        FAIL("gov.expedited_voting_period: expedited voting period must be positive: %llds",
             (long long)g->expedited_voting_period);
    if (g->expedited_voting_period >= g->voting_period)
        FAIL("gov.expedited_voting_period: expedited voting period %llds must be strictly less "
             "that the regular voting period %llds",
             (long long)g->expedited_voting_period, (long long)g->voting_period);
    if (ak_dec_is_negative(g->min_initial_deposit_ratio))
        FAIL("gov.min_initial_deposit_ratio: mininum initial deposit ratio of proposal must be "
             "positive: %s",
             dstr(g->min_initial_deposit_ratio, b));
    if (ak_dec_cmp(g->min_initial_deposit_ratio, ak_dec_from_int(1)) > 0)
        FAIL("gov.min_initial_deposit_ratio: mininum initial deposit ratio of proposal is too "
             "large: %s",
             dstr(g->min_initial_deposit_ratio, b));
    if (ak_dec_is_negative(g->proposal_cancel_ratio))
        FAIL("gov.proposal_cancel_ratio: burn rate of cancel proposal must be positive: %s",
             dstr(g->proposal_cancel_ratio, b));
    if (ak_dec_cmp(g->proposal_cancel_ratio, ak_dec_from_int(1)) > 0)
        FAIL("gov.proposal_cancel_ratio: burn rate of cancel proposal is too large: %s",
             dstr(g->proposal_cancel_ratio, b));
    /* min_deposit_ratio and the burn flags are not validated upstream */
    return 0;
}

static int validate_consensus(const ak_params *p, const ak_strtab *strs, char *msg, size_t cap)
{
    (void)strs;
    const ak_consensus_params *c = &p->consensus;
    if (c->evidence_max_age_num_blocks <= 0)
        FAIL("consensus.evidence_max_age_num_blocks: evidence max age num blocks must be "
             "positive: %lld",
             (long long)c->evidence_max_age_num_blocks);
    if (c->evidence_max_age_duration <= 0)
        FAIL("consensus.evidence_max_age_duration: evidence max age duration must be positive: "
             "%llds",
             (long long)c->evidence_max_age_duration);
    return 0;
}

typedef int (*validate_fn)(const ak_params *, const ak_strtab *, char *, size_t);
static const validate_fn validators[AK_PM_COUNT] = {
    validate_deployment, validate_market, validate_take,
    validate_staking,    validate_slashing, validate_distribution,
    validate_mint,       validate_gov,    validate_consensus,
};

int ak_params_validate_module(const ak_params *p, ak_param_module m, const ak_strtab *strs,
                              char *msg, size_t cap)
{
    if ((unsigned)m >= AK_PM_COUNT)
        return AK_EINVAL;
    return validators[m](p, strs, msg, cap);
}

int ak_params_validate(const ak_params *p, const ak_strtab *strs, char *msg, size_t cap)
{
    for (int m = 0; m < AK_PM_COUNT; m++) {
        int rc = validators[m](p, strs, msg, cap);
        if (rc)
            return rc;
    }
    return 0;
}

uint32_t ak_params_take_rate(const ak_take_params *t, ak_denom denom)
{
    for (uint32_t i = 0; i < t->n_denom_take_rates; i++)
        if (t->denom_take_rates[i].denom == denom)
            return t->denom_take_rates[i].rate;
    return t->default_take_rate;
}
