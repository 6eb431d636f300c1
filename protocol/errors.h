/*
 * protocol/errors.h: every status code akashsim's protocol layer returns.
 *
 * Actions return an int: 0 is success, a negative AK_E* value is a failure (DESIGN.md
 * convention 3). Two kinds share the one space:
 *   - engine codes (AK_ENOMEM, AK_EOVERFLOW, ...): something about the computation itself;
 *   - chain codes: the error a real Akash node returns for a rejected message, under the
 *     chain's own name (ErrInvalidDeposit, ErrOrderActive, ...), so that results and replays
 *     speak the chain's language (market-rules.md section 1.3, replay.md "Output").
 *
 * ak_err_name() gives the name printed in replay output, ak_err_message() a default message.
 */
#ifndef AK_ERRORS_H
#define AK_ERRORS_H

/* X(ENUM, "Name", "default message"). Engine codes first, then chain codes by module. */
#define AK_ERROR_LIST(X)                                                                     \
    /* engine */                                                                             \
    X(AK_ENOMEM, "ErrNoMemory", "out of memory")                                             \
    X(AK_EOVERFLOW, "ErrOverflow", "arithmetic overflow")                                    \
    X(AK_EDIVZERO, "ErrDivisionByZero", "division by zero")                                  \
    X(AK_ESYNTAX, "ErrSyntax", "malformed value")                                            \
    X(AK_EINVAL, "ErrInvalidArgument", "invalid argument")                                  \
    X(AK_EINVARIANT, "ErrInvariant", "invariant broken")                                     \
    X(AK_EBROKEN, "ErrAppBroken", "app state is incomplete after an earlier failure")       \
    X(AK_EIO, "ErrIO", "input or output failed (the simulation engine: files, the database)") \
    /* auth and bank (cosmos-sdk types/errors, x/bank) */                                    \
    X(AK_EUNAUTHORIZED, "ErrUnauthorized", "unauthorized")                                   \
    X(AK_EINSUFFICIENT_FUNDS, "ErrInsufficientFunds", "insufficient funds")                  \
    X(AK_EINVALID_COINS, "ErrInvalidCoins", "invalid coins")                                 \
    X(AK_ESEND_DISABLED, "ErrSendDisabled", "send transactions are disabled")                \
    X(AK_EINVALID_ADDRESS, "ErrInvalidAddress", "invalid address")                          \
    X(AK_EINVALID_ID, "ErrInvalidID", "invalid ID")                          \
    X(AK_EINVALID_PARAM, "ErrInvalidParam", "parameter invalid")                             \
    /* attributes (codespace akash) */                                                       \
    X(AK_EATTRIBUTES_DUPLICATE_KEYS, "ErrAttributesDuplicateKeys",                           \
      "attributes cannot have duplicate keys")                                               \
    X(AK_EINVALID_ATTRIBUTE_KEY, "ErrInvalidAttributeKey", "attribute key does not match regexp") \
    /* provider */                                                                           \
    X(AK_EINVALID_PROVIDER_URI, "ErrInvalidProviderURI", "invalid provider: invalid host uri") \
    X(AK_ENOT_ABS_PROVIDER_URI, "ErrNotAbsProviderURI", "invalid provider: not absolute host uri") \
    X(AK_EPROVIDER_NOT_FOUND, "ErrProviderNotFound", "invalid provider: address not found") \
    X(AK_EPROVIDER_EXISTS, "ErrProviderExists", "invalid provider: already exists")         \
    X(AK_EINVALID_INFO_WEBSITE, "ErrInvalidInfoWebsite", "invalid provider: invalid info website") \
    /* audit */                                                                              \
    X(AK_EATTRIBUTE_NOT_FOUND, "ErrAttributeNotFound", "attribute not found")                \
    /* authz grants of DepositAuthorization */                                               \
    X(AK_EGRANTEE_IS_GRANTER, "ErrGranteeIsGranter", "grantee and granter should be different") \
    X(AK_EINVALID_AUTHZ_SCOPE, "ErrInvalidAuthzScope", "invalid authz scope")               \
    /* sdk root errors used by id validation, and a recovered panic */                       \
    X(AK_EINVALID_SEQUENCE, "ErrInvalidSequence", "invalid sequence")                       \
    X(AK_EPANIC, "ErrPanic", "panic")                                                        \
    /* deposits (codespace akash) */                                                         \
    X(AK_EINVALID_DEPOSIT_SOURCE, "ErrInvalidDepositSource", "invalid deposit source")       \
    /* deployment */                                                                         \
    X(AK_EDEPLOYMENT_EXISTS, "ErrDeploymentExists", "Deployment exists")                     \
    X(AK_EDEPLOYMENT_NOT_FOUND, "ErrDeploymentNotFound", "Deployment not found")             \
    X(AK_EDEPLOYMENT_CLOSED, "ErrDeploymentClosed", "Deployment closed")                     \
    X(AK_EINVALID_GROUPS, "ErrInvalidGroups", "Invalid groups")                              \
    X(AK_EEMPTY_HASH, "ErrEmptyHash", "Invalid: empty hash")                                 \
    X(AK_EINVALID_HASH, "ErrInvalidHash", "Invalid: deployment hash")                        \
    X(AK_EGROUP_NOT_FOUND, "ErrGroupNotFound", "Group not found")                            \
    X(AK_EGROUP_CLOSED, "ErrGroupClosed", "Group already closed")                            \
    X(AK_EGROUP_OPEN, "ErrGroupOpen", "Group open")                                          \
    X(AK_EGROUP_PAUSED, "ErrGroupPaused", "Group paused")                                    \
    X(AK_EGROUP_SPEC_INVALID, "ErrGroupSpecInvalid", "GroupSpec invalid")                    \
    X(AK_EINVALID_DEPOSIT, "ErrInvalidDeposit", "deposit invalid")                           \
    /* market */                                                                             \
    X(AK_ESAME_ACCOUNT, "ErrSameAccount", "owner and provider are the same account")        \
    X(AK_EBID_OVER_ORDER, "ErrBidOverOrder", "bid price above max order price")             \
    X(AK_EATTRIBUTE_MISMATCH, "ErrAttributeMismatch", "attribute mismatch")                 \
    X(AK_EUNKNOWN_BID, "ErrUnknownBid", "unknown bid")                                       \
    X(AK_EUNKNOWN_LEASE, "ErrUnknownLease", "unknown lease")                                 \
    X(AK_EUNKNOWN_LEASE_FOR_BID, "ErrUnknownLeaseForBid", "unknown lease for bid")          \
    X(AK_ELEASE_NOT_ACTIVE, "ErrLeaseNotActive", "lease not active")                         \
    X(AK_EBID_NOT_ACTIVE, "ErrBidNotActive", "bid not active")                               \
    X(AK_EBID_NOT_OPEN, "ErrBidNotOpen", "bid not open")                                     \
    X(AK_EORDER_NOT_OPEN, "ErrOrderNotOpen", "bid: order not open")                          \
    X(AK_EORDER_NOT_FOUND, "ErrOrderNotFound", "invalid order: order not found")             \
    X(AK_EGROUP_NOT_OPEN, "ErrGroupNotOpen", "group not open")                               \
    X(AK_EBID_NOT_FOUND, "ErrBidNotFound", "invalid bid: bid not found")                     \
    X(AK_EBID_ZERO_PRICE, "ErrBidZeroPrice", "invalid bid: zero price")                      \
    X(AK_EBID_EXISTS, "ErrBidExists", "invalid bid: bid exists from provider")               \
    X(AK_EBID_INVALID_PRICE, "ErrBidInvalidPrice", "bid price is invalid")                   \
    X(AK_EORDER_ACTIVE, "ErrOrderActive", "order active")                                    \
    X(AK_EORDER_CLOSED, "ErrOrderClosed", "order closed")                                    \
    X(AK_EUNKNOWN_PROVIDER, "ErrUnknownProvider", "unknown provider")                        \
    X(AK_EINVALID_BID, "ErrInvalidBid", "invalid bid")                                       \
    X(AK_ECAPABILITIES_MISMATCH, "ErrCapabilitiesMismatch", "capabilities mismatch")        \
    X(AK_EINVALID_LEASE_CLOSED_REASON, "ErrInvalidLeaseClosedReason",                        \
      "invalid lease closed reason")                                                         \
    /* escrow */                                                                             \
    X(AK_EACCOUNT_CLOSED, "ErrAccountClosed", "account closed")                              \
    X(AK_EACCOUNT_NOT_FOUND, "ErrAccountNotFound", "account not found")                      \
    X(AK_EACCOUNT_OVERDRAWN, "ErrAccountOverdrawn", "account overdrawn")                     \
    X(AK_EINVALID_DENOMINATION, "ErrInvalidDenomination", "invalid denomination")            \
    X(AK_EPAYMENT_CLOSED, "ErrPaymentClosed", "payment closed")                              \
    X(AK_EPAYMENT_RATE_ZERO, "ErrPaymentRateZero", "payment rate zero")                      \
    X(AK_EUNAUTHORIZED_DEPOSIT_SCOPE, "ErrUnauthorizedDepositScope",                         \
      "unauthorized deposit scope")                                                          \
    /* sdk root errors used by the chain modules */                                          \
    X(AK_EINVALID_REQUEST, "ErrInvalidRequest", "invalid request")                          \
    X(AK_ENOT_FOUND, "ErrNotFound", "collections: not found")                               \
    /* staking (x/staking/types/errors.go) */                                                \
    X(AK_ENO_VALIDATOR_FOUND, "ErrNoValidatorFound", "validator does not exist")             \
    X(AK_EVALIDATOR_OWNER_EXISTS, "ErrValidatorOwnerExists",                                 \
      "validator already exist for this operator address; must use new validator operator address") \
    X(AK_EVALIDATOR_JAILED, "ErrValidatorJailed", "validator for this address is currently jailed") \
    X(AK_ECOMMISSION_NEGATIVE, "ErrCommissionNegative", "commission must be positive")        \
    X(AK_ECOMMISSION_HUGE, "ErrCommissionHuge", "commission cannot be more than 100%")        \
    X(AK_ECOMMISSION_GT_MAX_RATE, "ErrCommissionGTMaxRate",                                  \
      "commission cannot be more than the max rate")                                         \
    X(AK_ECOMMISSION_UPDATE_TIME, "ErrCommissionUpdateTime",                                 \
      "commission cannot be changed more than once in 24h")                                  \
    X(AK_ECOMMISSION_CHANGE_RATE_NEGATIVE, "ErrCommissionChangeRateNegative",               \
      "commission change rate must be positive")                                             \
    X(AK_ECOMMISSION_CHANGE_RATE_GT_MAX_RATE, "ErrCommissionChangeRateGTMaxRate",           \
      "commission change rate cannot be more than the max rate")                             \
    X(AK_ECOMMISSION_GT_MAX_CHANGE_RATE, "ErrCommissionGTMaxChangeRate",                     \
      "commission cannot be changed more than max change rate")                              \
    X(AK_ECOMMISSION_LT_MIN_RATE, "ErrCommissionLTMinRate", "commission cannot be less than min rate") \
    X(AK_ESELF_DELEGATION_BELOW_MINIMUM, "ErrSelfDelegationBelowMinimum",                    \
      "validator's self delegation must be greater than their minimum self delegation")      \
    X(AK_EMIN_SELF_DELEGATION_DECREASED, "ErrMinSelfDelegationDecreased",                    \
      "minimum self delegation cannot be decrease")                                          \
    X(AK_EMIN_SELF_DELEGATION_INVALID, "ErrMinSelfDelegationInvalid",                        \
      "minimum self delegation must be a positive integer")                                  \
    X(AK_ENO_DELEGATION, "ErrNoDelegation", "no delegation for (address, validator) tuple") \
    X(AK_EINSUFFICIENT_SHARES, "ErrInsufficientShares", "insufficient delegation shares")    \
    X(AK_ENOT_ENOUGH_DELEGATION_SHARES, "ErrNotEnoughDelegationShares",                      \
      "not enough delegation shares")                                                        \
    X(AK_EBAD_SHARES_AMOUNT, "ErrBadSharesAmount", "invalid shares amount")                  \
    X(AK_EMAX_UNBONDING_DELEGATION_ENTRIES, "ErrMaxUnbondingDelegationEntries",             \
      "too many unbonding delegation entries for (delegator, validator) tuple")             \
    X(AK_ESELF_REDELEGATION, "ErrSelfRedelegation", "cannot redelegate to the same validator") \
    X(AK_ETINY_REDELEGATION_AMOUNT, "ErrTinyRedelegationAmount",                             \
      "too few tokens to redelegate (truncates to zero tokens)")                             \
    X(AK_EBAD_REDELEGATION_DST, "ErrBadRedelegationDst",                                     \
      "redelegation destination validator not found")                                        \
    X(AK_EBAD_REDELEGATION_SRC, "ErrBadRedelegationSrc", "redelegation source validator not found") \
    X(AK_ETRANSITIVE_REDELEGATION, "ErrTransitiveRedelegation",                              \
      "redelegation to this validator already in progress; first redelegation to this "      \
      "validator must complete before next redelegation")                                    \
    X(AK_EMAX_REDELEGATION_ENTRIES, "ErrMaxRedelegationEntries",                             \
      "too many redelegation entries for (delegator, src-validator, dst-validator) tuple")  \
    X(AK_EDELEGATOR_SHARE_EX_RATE_INVALID, "ErrDelegatorShareExRateInvalid",                \
      "cannot delegate to validators with invalid (zero) ex-rate")                           \
    /* slashing (x/slashing/types/errors.go) */                                              \
    X(AK_ENO_VALIDATOR_FOR_ADDRESS, "ErrNoValidatorForAddress",                              \
      "address is not associated with any known validator")                                  \
    X(AK_EVALIDATOR_NOT_JAILED, "ErrValidatorNotJailed", "validator not jailed; cannot be unjailed") \
    X(AK_EMISSING_SELF_DELEGATION, "ErrMissingSelfDelegation",                               \
      "validator has no self-delegation; cannot be unjailed")                               \
    X(AK_ESELF_DELEGATION_TOO_LOW_TO_UNJAIL, "ErrSelfDelegationTooLowToUnjail",             \
      "validator's self delegation less than minimum; cannot be unjailed")                  \
    X(AK_ENO_SIGNING_INFO_FOUND, "ErrNoSigningInfoFound", "no validator signing info found") \
    /* distribution (x/distribution/types/errors.go) */                                      \
    X(AK_EEMPTY_DELEGATION_DIST_INFO, "ErrEmptyDelegationDistInfo",                          \
      "no delegation distribution info")                                                     \
    X(AK_ENO_VALIDATOR_COMMISSION, "ErrNoValidatorCommission",                               \
      "no validator commission to withdraw")                                                 \
    X(AK_ENO_VALIDATOR_EXISTS, "ErrNoValidatorExists", "validator does not exist")           \
    X(AK_ENO_DELEGATION_EXISTS, "ErrNoDelegationExists", "delegation does not exist")        \
    /* gov (x/gov/types/errors.go) */                                                        \
    X(AK_EINACTIVE_PROPOSAL, "ErrInactiveProposal", "inactive proposal")                     \
    X(AK_EINVALID_PROPOSAL_CONTENT, "ErrInvalidProposalContent", "invalid proposal content") \
    X(AK_EINVALID_VOTE, "ErrInvalidVote", "invalid vote option")                             \
    X(AK_ENO_PROPOSAL_MSGS, "ErrNoProposalMsgs", "no messages proposed")                     \
    X(AK_EINVALID_PROPOSAL_MSG, "ErrInvalidProposalMsg", "invalid proposal message")         \
    X(AK_EINVALID_SIGNER, "ErrInvalidSigner", "expected gov account as only signer for proposal message") \
    X(AK_EMETADATA_TOO_LONG, "ErrMetadataTooLong", "metadata too long")                      \
    X(AK_EMIN_DEPOSIT_TOO_SMALL, "ErrMinDepositTooSmall", "minimum deposit is too small")    \
    X(AK_ESUMMARY_TOO_LONG, "ErrSummaryTooLong", "summary too long")                         \
    X(AK_EINVALID_DEPOSIT_DENOM, "ErrInvalidDepositDenom", "invalid deposit denom")

/* Positions in the list, from 1; the status value is minus the position. */
enum ak_err_pos_ {
    AK_ERR_POS_NONE_ = 0,
#define AK_X_POS(e, name, msg) e##_POS_,
    AK_ERROR_LIST(AK_X_POS)
#undef AK_X_POS
    AK_ERR_COUNT
};

enum {
    AK_OK = 0,
#define AK_X_ENUM(e, name, msg) e = -e##_POS_,
    AK_ERROR_LIST(AK_X_ENUM)
#undef AK_X_ENUM
};

/* Name of a status ("ErrInvalidDeposit"); "OK" for 0; "ErrUnknown" outside the list. */
const char *ak_err_name(int status);
/* Default one-line message for a status; never NULL. */
const char *ak_err_message(int status);

#endif
