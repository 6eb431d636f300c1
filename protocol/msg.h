/*
 * protocol/msg.h: the messages the marketplace accepts, as C values (market-rules.md sections
 * 1.3, 3.6 and 5.1; replay.md "Transactions").
 *
 * A message names accounts by address (interned names) and objects by their chain ids, exactly
 * as the protobuf messages do. Arrays inside a message (groups, attributes, keys) belong to the
 * caller and need only live during ak_app_deliver(); the app copies what it stores.
 *
 * Every message has a signer: `signer` is the account that signed the transaction. Left as
 * AK_ADDR_NONE it is the one the message requires (the field the rules page names as signer);
 * any other account makes the message fail with ErrUnauthorized.
 */
#ifndef AK_MSG_H
#define AK_MSG_H

#include "attr.h"
#include "params.h"
#include "types.h"

#define AK_MSG_LIST(X)                                                                             \
    X(AK_MSG_SEND, "MsgSend")                                                                      \
    X(AK_MSG_CREATE_PROVIDER, "MsgCreateProvider")                                                 \
    X(AK_MSG_UPDATE_PROVIDER, "MsgUpdateProvider")                                                 \
    X(AK_MSG_SIGN_PROVIDER_ATTRIBUTES, "MsgSignProviderAttributes")                                \
    X(AK_MSG_DELETE_PROVIDER_ATTRIBUTES, "MsgDeleteProviderAttributes")                            \
    X(AK_MSG_GRANT_DEPOSIT_AUTHORIZATION, "MsgGrantDepositAuthorization")                          \
    X(AK_MSG_CREATE_DEPLOYMENT, "MsgCreateDeployment")                                             \
    X(AK_MSG_UPDATE_DEPLOYMENT, "MsgUpdateDeployment")                                             \
    X(AK_MSG_CLOSE_DEPLOYMENT, "MsgCloseDeployment")                                               \
    X(AK_MSG_CLOSE_GROUP, "MsgCloseGroup")                                                         \
    X(AK_MSG_PAUSE_GROUP, "MsgPauseGroup")                                                         \
    X(AK_MSG_START_GROUP, "MsgStartGroup")                                                         \
    X(AK_MSG_ACCOUNT_DEPOSIT, "MsgAccountDeposit")                                                 \
    X(AK_MSG_CREATE_BID, "MsgCreateBid")                                                           \
    X(AK_MSG_CLOSE_BID, "MsgCloseBid")                                                             \
    X(AK_MSG_CREATE_LEASE, "MsgCreateLease")                                                       \
    X(AK_MSG_WITHDRAW_LEASE, "MsgWithdrawLease")                                                   \
    X(AK_MSG_CLOSE_LEASE, "MsgCloseLease")                                                         \
    X(AK_MSG_CREATE_VALIDATOR, "MsgCreateValidator")                                               \
    X(AK_MSG_EDIT_VALIDATOR, "MsgEditValidator")                                                   \
    X(AK_MSG_DELEGATE, "MsgDelegate")                                                              \
    X(AK_MSG_UNDELEGATE, "MsgUndelegate")                                                          \
    X(AK_MSG_BEGIN_REDELEGATE, "MsgBeginRedelegate")                                               \
    X(AK_MSG_UNJAIL, "MsgUnjail")                                                                  \
    X(AK_MSG_WITHDRAW_DELEGATOR_REWARD, "MsgWithdrawDelegatorReward")                              \
    X(AK_MSG_WITHDRAW_VALIDATOR_COMMISSION, "MsgWithdrawValidatorCommission")                      \
    X(AK_MSG_SUBMIT_PROPOSAL, "MsgSubmitProposal")                                                 \
    X(AK_MSG_DEPOSIT, "MsgDeposit")                                                                \
    X(AK_MSG_VOTE, "MsgVote")                                                                      \
    X(AK_MSG_VOTE_WEIGHTED, "MsgVoteWeighted")

typedef enum ak_msg_type {
#define AK_X(e, name) e,
    AK_MSG_LIST(AK_X)
#undef AK_X
    AK_MSG_COUNT
} ak_msg_type;

/* "MsgCreateDeployment" for AK_MSG_CREATE_DEPLOYMENT; NULL outside the list. */
const char *ak_msg_name(ak_msg_type t);
/* The message type named `name`; false if none. */
bool ak_msg_type_from_name(const char *name, ak_msg_type *t);

/* ---- ids (market-rules.md section 1.1) ---- */

typedef struct ak_deployment_id {
    ak_addr owner;
    uint64_t dseq;
} ak_deployment_id;

typedef struct ak_group_id {
    ak_addr owner;
    uint64_t dseq;
    uint32_t gseq;
} ak_group_id;

typedef struct ak_order_id {
    ak_addr owner;
    uint64_t dseq;
    uint32_t gseq;
    uint32_t oseq;
} ak_order_id;

/* A bid id, which is also the lease id and the xid of a lease's payment. */
typedef struct ak_bid_id {
    ak_addr owner;
    uint64_t dseq;
    uint32_t gseq;
    uint32_t oseq;
    ak_addr provider;
} ak_bid_id;

/* Escrow account id: scope deployment (xid owner/dseq) or bid (xid owner/dseq/gseq/oseq/
 * provider). Scope values are AK_SCOPE_DEPLOYMENT and AK_SCOPE_BID of grants.h. */
typedef struct ak_escrow_id {
    uint32_t scope;
    ak_bid_id xid;
} ak_escrow_id;

/* ---- deposits (market-rules.md section 3.2) ---- */

enum { AK_SOURCE_BALANCE = 1, AK_SOURCE_GRANT = 2 };
#define AK_MAX_SOURCES 8

typedef struct ak_deposit {
    ak_coin amount;
    uint32_t sources[AK_MAX_SOURCES]; /* as given, in order; validated by the message */
    uint32_t nsources;
} ak_deposit;

/* ---- group specs (market-rules.md section 1.6) ---- */

typedef struct ak_storage_volume {
    ak_str name;
    uint64_t bytes;
    ak_attrs attrs; /* "class", "persistent", ... */
} ak_storage_volume;

enum { AK_ENDPOINT_SHARED_HTTP = 0, AK_ENDPOINT_RANDOM_PORT = 1, AK_ENDPOINT_LEASED_IP = 2 };

typedef struct ak_endpoint {
    uint32_t kind;
    uint32_t sequence_number;
} ak_endpoint;

typedef struct ak_resource_unit {
    uint32_t id; /* > 0, unique in the group */
    uint64_t cpu_millis;
    ak_attrs cpu_attrs;
    uint64_t memory_bytes;
    ak_attrs memory_attrs;
    const ak_storage_volume *storage;
    uint32_t nstorage;
    uint64_t gpu_units;
    ak_attrs gpu_attrs;
    const ak_endpoint *endpoints;
    uint32_t nendpoints;
    uint32_t count;
    ak_deccoin price; /* per unit per block */
} ak_resource_unit;

typedef struct ak_group_spec {
    ak_str name;
    ak_attrs req_attrs; /* placement requirements; keys are glob patterns */
    const ak_addr *all_of;
    uint32_t n_all_of;
    const ak_addr *any_of;
    uint32_t n_any_of;
    const ak_resource_unit *units;
    uint32_t nunits;
} ak_group_spec;

/* One entry of a bid's resources offer: only the unit id and count take part in matching. */
typedef struct ak_resource_offer {
    uint32_t id;
    uint32_t count;
} ak_resource_offer;

/* Lease close reasons (market-rules.md section 1.2). */
enum {
    AK_REASON_OWNER = 1,
    AK_REASON_UNSTABLE = 10000,
    AK_REASON_DECOMMISSION = 10001,
    AK_REASON_UNSPECIFIED = 10002,
    AK_REASON_MANIFEST_TIMEOUT = 10003,
    AK_REASON_INSUFFICIENT_FUNDS = 20000,
};

#define AK_HASH_MAX 64 /* bytes of a deployment hash a message can carry (valid ones have 32) */

/* ---- chain messages (chain-rules.md sections 2 to 6) ---- */

/* Vote options (gov v1 enum values). */
enum { AK_VOTE_YES = 1, AK_VOTE_ABSTAIN = 2, AK_VOTE_NO = 3, AK_VOTE_NO_WITH_VETO = 4 };
#define AK_VOTE_MAX_OPTIONS 8

typedef struct ak_weighted_option {
    uint32_t option;
    ak_dec weight;
} ak_weighted_option;

/* One parameter a proposal sets (replay.md MsgSubmitProposal `changes`); the proposal copies
 * the module's current params at submission and sets these on the copy, one MsgUpdateParams
 * per module. */
typedef struct ak_param_change {
    const ak_param_def *def;
    ak_param_value value;
} ak_param_change;

#define AK_GOV_MAX_COINS 16

/* ---- the message ---- */

typedef struct ak_msg {
    ak_msg_type type;
    ak_addr signer; /* AK_ADDR_NONE: the required signer */
    /* 1 + the handle (ak_event.object) of the object the message's id names, when the sender
     * knows it, else 0: the order for MsgCreateBid, the bid for MsgCloseBid and the lease
     * messages. Not part of the message on chain, only a shortcut: the handler takes it when
     * that object has exactly the message's id and otherwise looks the id up, so a wrong or
     * stale hint changes nothing. */
    uint32_t hint;
    union {
        struct {
            ak_addr from, to;
            ak_coin amount;
        } send;
        struct { /* MsgCreateProvider, MsgUpdateProvider */
            ak_addr owner;
            ak_str host_uri;
            ak_attrs attrs;
            ak_str email, website;
        } provider;
        struct {
            ak_addr auditor, owner;
            ak_attrs attrs;
        } sign_attrs;
        struct {
            ak_addr auditor, owner;
            const ak_str *keys;
            uint32_t nkeys;
        } delete_attrs;
        struct {
            ak_addr granter, grantee;
            ak_coin spend_limit;
            uint32_t scopes[4];
            uint32_t nscopes;
        } grant;
        struct {
            ak_deployment_id id;
            const ak_group_spec *groups;
            uint32_t ngroups;
            uint8_t hash[AK_HASH_MAX];
            uint32_t hash_len;
            ak_deposit deposit;
        } create_deployment;
        struct {
            ak_deployment_id id;
            uint8_t hash[AK_HASH_MAX];
            uint32_t hash_len;
        } update_deployment;
        struct {
            ak_deployment_id id;
        } close_deployment;
        struct { /* MsgCloseGroup, MsgPauseGroup, MsgStartGroup */
            ak_group_id id;
        } group;
        struct {
            ak_addr signer; /* any account may deposit */
            ak_escrow_id id;
            ak_deposit deposit;
        } account_deposit;
        struct {
            ak_bid_id id;
            ak_deccoin price;
            ak_deposit deposit;
            const ak_resource_offer *offer;
            uint32_t noffer;
        } create_bid;
        struct {
            ak_bid_id id;
            uint32_t reason;
        } close_bid;
        struct { /* MsgCreateLease, MsgWithdrawLease, MsgCloseLease */
            ak_bid_id id;
        } lease;
        struct {
            ak_addr validator;
            ak_coin amount; /* self-delegation */
            ak_dec rate, max_rate, max_change_rate;
            ak_amount min_self_delegation;
        } create_validator;
        struct {
            ak_addr validator;
            bool has_rate;
            ak_dec rate;
            bool has_min_self_delegation;
            ak_amount min_self_delegation;
        } edit_validator;
        struct { /* MsgDelegate, MsgUndelegate */
            ak_addr delegator, validator;
            ak_coin amount;
        } delegate;
        struct {
            ak_addr delegator, src, dst;
            ak_coin amount;
        } redelegate;
        struct { /* MsgUnjail, MsgWithdrawValidatorCommission */
            ak_addr validator;
        } validator;
        struct {
            ak_addr delegator, validator;
        } withdraw_reward;
        struct {
            ak_addr proposer;
            const ak_param_change *changes;
            uint32_t nchanges;
            ak_coin deposit[AK_GOV_MAX_COINS];
            uint32_t ndeposit;
            ak_str title, summary, metadata;
            bool expedited;
        } submit_proposal;
        struct {
            ak_addr depositor;
            uint64_t proposal;
            ak_coin amount[AK_GOV_MAX_COINS];
            uint32_t namount;
        } gov_deposit;
        struct { /* MsgVote (one option, weight 1), MsgVoteWeighted */
            ak_addr voter;
            uint64_t proposal;
            ak_weighted_option options[AK_VOTE_MAX_OPTIONS];
            uint32_t noptions;
        } vote;
    };
} ak_msg;

/* The account a message requires as signer. */
ak_addr ak_msg_required_signer(const ak_msg *m);

#endif
