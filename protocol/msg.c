/*
 * protocol/msg.c: message names and required signers (see msg.h; signers from GetSigners in
 * chain-sdk go/v0.1.9 deployment/v1beta4, market/v1beta5, escrow/v1, provider/v1beta4 and
 * audit/v1 msgs.go).
 */
#include "msg.h"

#include <string.h>

static const char *const names[AK_MSG_COUNT] = {
#define AK_X(e, name) [e] = name,
    AK_MSG_LIST(AK_X)
#undef AK_X
};

const char *ak_msg_name(ak_msg_type t)
{
    return (unsigned)t < AK_MSG_COUNT ? names[t] : NULL;
}

bool ak_msg_type_from_name(const char *name, ak_msg_type *t)
{
    for (int i = 0; i < AK_MSG_COUNT; i++) {
        if (strcmp(names[i], name) == 0) {
            *t = (ak_msg_type)i;
            return true;
        }
    }
    return false;
}

ak_addr ak_msg_required_signer(const ak_msg *m)
{
    switch (m->type) {
    case AK_MSG_SEND:
        return m->send.from;
    case AK_MSG_CREATE_PROVIDER:
    case AK_MSG_UPDATE_PROVIDER:
        return m->provider.owner;
    case AK_MSG_SIGN_PROVIDER_ATTRIBUTES:
        return m->sign_attrs.auditor;
    case AK_MSG_DELETE_PROVIDER_ATTRIBUTES:
        return m->delete_attrs.auditor;
    case AK_MSG_GRANT_DEPOSIT_AUTHORIZATION:
        return m->grant.granter;
    case AK_MSG_CREATE_DEPLOYMENT:
        return m->create_deployment.id.owner;
    case AK_MSG_UPDATE_DEPLOYMENT:
        return m->update_deployment.id.owner;
    case AK_MSG_CLOSE_DEPLOYMENT:
        return m->close_deployment.id.owner;
    case AK_MSG_CLOSE_GROUP:
    case AK_MSG_PAUSE_GROUP:
    case AK_MSG_START_GROUP:
        return m->group.id.owner;
    case AK_MSG_ACCOUNT_DEPOSIT:
        return m->account_deposit.signer;
    case AK_MSG_CREATE_BID:
        return m->create_bid.id.provider;
    case AK_MSG_CLOSE_BID:
        return m->close_bid.id.provider;
    case AK_MSG_CREATE_LEASE:
    case AK_MSG_CLOSE_LEASE:
        return m->lease.id.owner;
    case AK_MSG_WITHDRAW_LEASE:
        return m->lease.id.provider;
    case AK_MSG_CREATE_VALIDATOR:
        return m->create_validator.validator;
    case AK_MSG_EDIT_VALIDATOR:
        return m->edit_validator.validator;
    case AK_MSG_DELEGATE:
    case AK_MSG_UNDELEGATE:
        return m->delegate.delegator;
    case AK_MSG_BEGIN_REDELEGATE:
        return m->redelegate.delegator;
    case AK_MSG_UNJAIL:
    case AK_MSG_WITHDRAW_VALIDATOR_COMMISSION:
        return m->validator.validator;
    case AK_MSG_WITHDRAW_DELEGATOR_REWARD:
        return m->withdraw_reward.delegator;
    case AK_MSG_SUBMIT_PROPOSAL:
        return m->submit_proposal.proposer;
    case AK_MSG_DEPOSIT:
        return m->gov_deposit.depositor;
    case AK_MSG_VOTE:
    case AK_MSG_VOTE_WEIGHTED:
        return m->vote.voter;
    case AK_MSG_COUNT:
        break;
    }
    return AK_ADDR_NONE;
}
