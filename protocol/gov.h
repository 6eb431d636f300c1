/*
 * protocol/gov.h: proposals, deposits, votes and the tally (x/gov v1 of Cosmos SDK v0.53;
 * chain-rules.md section 6).
 *
 * State only; the keeper is gov.c. A proposal's messages are MsgUpdateParams, one per module it
 * changes, each carrying that module's whole parameter set as it stood at submission with the
 * proposal's changes applied (a MsgUpdateParams replaces the whole set).
 *
 * Proposals are never moved or freed: a proposal's handle is its id - 1 for the life of the app,
 * finished and dropped proposals included. Votes deleted by a tally go on a free list and are
 * reused; deposit records of a settled proposal are unlinked and left unreachable.
 */
#ifndef AK_GOV_H
#define AK_GOV_H

#include "dec.h"
#include "msg.h"
#include "params.h"
#include "store.h"
#include "types.h"

typedef enum {
    AK_PROPOSAL_DEPOSIT_PERIOD = 1,
    AK_PROPOSAL_VOTING_PERIOD = 2,
    AK_PROPOSAL_PASSED = 3,
    AK_PROPOSAL_REJECTED = 4,
    AK_PROPOSAL_FAILED = 5,
    AK_PROPOSAL_DROPPED = 6 /* deleted from state upstream when its deposit period ended short;
                               kept here, marked, so results can show what happened */
} ak_proposal_status;

typedef struct ak_gov_deposit {
    ak_addr depositor;
    ak_coin amount[AK_GOV_MAX_COINS];
    uint32_t n;
    uint32_t next;
} ak_gov_deposit;

typedef struct ak_gov_vote {
    ak_addr voter;
    ak_weighted_option options[AK_VOTE_MAX_OPTIONS];
    uint32_t noptions;
    bool removed; /* deleted by the tally */
    uint32_t next; /* next vote on the same proposal, or the next free record */
} ak_gov_vote;

typedef struct ak_proposal {
    uint64_t id;
    uint32_t status;
    bool expedited;
    ak_addr proposer;
    ak_str title, summary, metadata;
    ak_unix submit_time, deposit_end_time, voting_start_time, voting_end_time;
    ak_coin total_deposit[AK_GOV_MAX_COINS];
    uint32_t n_total_deposit;
    uint32_t deposits; /* ak_gov_deposit list, first depositor first */
    uint32_t votes;    /* ak_gov_vote list */
    /* messages: MsgUpdateParams of modules[0..nmodules), each taking its section of proposed */
    ak_param_module modules[AK_PM_COUNT];
    uint32_t nmodules;
    ak_params *proposed;
    /* final tally, truncated to integers as upstream stores it */
    ak_amount tally_yes, tally_no, tally_abstain, tally_veto;
    ak_str failed_reason;
    uint32_t next_open; /* next proposal in deposit or voting period (ak_gov.open_head) */
} ak_proposal;

typedef struct ak_gov {
    ak_pool proposals;  /* ak_proposal; handle = id - 1 */
    ak_pool deposits;   /* ak_gov_deposit */
    ak_pool votes;      /* ak_gov_vote */
    ak_map vote_index;  /* (proposal id, voter) -> vote */
    uint32_t open_head; /* proposals in deposit or voting period, newest first (next_open) */
    uint32_t free_votes; /* votes deleted by a tally, for reuse (list through next) */
    ak_unix next_deadline; /* at most the earliest deposit or voting end of an open proposal;
                              INT64_MAX when none: EndBlock does nothing before it */
} ak_gov;

const char *ak_proposal_status_name(uint32_t s); /* "deposit_period", "voting_period", ... */

#endif
