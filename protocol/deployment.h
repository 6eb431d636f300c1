/*
 * protocol/deployment.h: deployments and their groups (x/deployment; market-rules.md sections
 * 1.1 to 1.4 and 1.6).
 *
 * State only: the message handlers that create, update, pause, start and close them live in
 * protocol/app.c, next to the hooks that tie deployment, market and escrow together, because
 * every one of those handlers crosses modules the way the chain's keepers do.
 */
#ifndef AK_DEPLOYMENT_H
#define AK_DEPLOYMENT_H

#include "msg.h"
#include "store.h"
#include "types.h"

typedef enum { AK_DEPLOYMENT_ACTIVE = 1, AK_DEPLOYMENT_CLOSED = 2 } ak_deployment_state;

typedef enum {
    AK_GROUP_OPEN = 1,
    AK_GROUP_PAUSED = 2,
    AK_GROUP_INSUFFICIENT_FUNDS = 3,
    AK_GROUP_CLOSED = 4
} ak_group_state;

typedef struct ak_deployment {
    ak_deployment_id id;
    uint32_t state;
    uint32_t hash_len;
    uint8_t hash[32];
    ak_height created_at;
    uint32_t first_group; /* groups are first_group .. first_group + ngroups - 1 (gseq order) */
    uint32_t ngroups;
    uint32_t account; /* its escrow account */
} ak_deployment;

typedef struct ak_group {
    ak_group_id id;
    uint32_t deployment;
    uint32_t state;
    ak_height created_at;
    ak_group_spec spec; /* deep copy in the app's arena */
    ak_deccoin price;   /* GroupSpec.Price(): the order maximum per block */
    uint32_t norders;   /* orders created so far; the newest has oseq = norders */
    uint32_t last_order; /* handle of the newest order, AK_POOL_NONE before the first */
} ak_group;

typedef struct ak_deployments {
    ak_pool deployments; /* ak_deployment */
    ak_pool groups;      /* ak_group */
    ak_map index;        /* (owner, dseq) -> deployment */
} ak_deployments;

const char *ak_deployment_state_name(uint32_t s); /* "active", "closed" */
const char *ak_group_state_name(uint32_t s);      /* "open", "paused", ... */

#endif
