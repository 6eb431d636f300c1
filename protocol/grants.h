/*
 * protocol/grants.h: deposit authorizations, the authz grants that let a grantee spend a
 * granter's coins on escrow deposits (market-rules.md section 3.2; chain-sdk go/v0.1.9
 * escrow/v1/authz.go; cosmos-sdk x/authz MsgGrant as Akash's fork runs it).
 *
 * - One grant per (granter, grantee): a new MsgGrant replaces the old one (limit and scopes).
 * - Grants of a grantee are visited in ascending granter address order (the fork's secondary
 *   index); akashsim's addresses are names, ordered bytewise.
 * - A grant used up stays stored with a zero limit (the deposit walker ignores "delete").
 * - Grants here never expire: replay scripts have no expiration field (docs/deviations.md).
 */
#ifndef AK_GRANTS_H
#define AK_GRANTS_H

#include <stddef.h>

#include "store.h"
#include "types.h"

/* Deposit scopes (escrow v1 Scope enum values) as bits of ak_grant.scopes. */
enum { AK_SCOPE_DEPLOYMENT = 1, AK_SCOPE_BID = 2 };
#define AK_SCOPE_BIT(s) (1u << (s))

typedef struct ak_grant {
    ak_addr granter;
    ak_addr grantee;
    ak_coin spend_limit;
    uint32_t scopes; /* AK_SCOPE_BIT(...) set */
    uint32_t next;   /* next grant of the same grantee, by granter; AK_POOL_NONE at the end */
} ak_grant;

typedef struct ak_grants {
    ak_store *store;
    ak_strtab *strs;
    ak_pool pool;         /* ak_grant */
    ak_map index;         /* (granter, grantee) -> grant */
    ak_pool heads;        /* uint32_t: first grant of a grantee, by granter order */
    ak_map grantee_heads; /* grantee -> slot in heads */
} ak_grants;

void ak_grants_init(ak_grants *g, ak_store *store, ak_strtab *strs);
void ak_grants_fini(ak_grants *g);

/* MsgGrant with a DepositAuthorization, checks in the handler's order:
 *   granter == grantee -> AK_EGRANTEE_IS_GRANTER;
 *   no scope, a scope other than deployment/bid, or a scope twice -> AK_EINVALID_AUTHZ_SCOPE;
 *   spend limit not positive -> AK_EINVALID_COINS.
 * scopes: the scope enum values as given (count n). *why receives a static detail. */
int ak_grants_grant(ak_grants *g, ak_addr granter, ak_addr grantee, ak_coin spend_limit,
                    const uint32_t *scopes, uint32_t n, const char **why);

/* The grant from granter to grantee, or NULL. Writable so escrow can spend and restore it
 * (callers journal before writing). */
ak_grant *ak_grants_get(const ak_grants *g, ak_addr granter, ak_addr grantee);
/* First grant received by grantee in granter order, and the next; NULL at the end. */
ak_grant *ak_grants_first(const ak_grants *g, ak_addr grantee);
ak_grant *ak_grants_next(const ak_grants *g, const ak_grant *cur);

/* Invariant: every limit is non-negative and every grant sits once in its grantee's list, in
 * granter order. 0 or AK_EINVARIANT with the reason in err. */
int ak_grants_check(const ak_grants *g, char *err, size_t cap);

#endif
