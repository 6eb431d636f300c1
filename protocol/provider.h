/*
 * protocol/provider.h: the on-chain provider registry (x/provider; market-rules.md section 5.1,
 * node v1.2.2 x/provider/handler/server.go, chain-sdk go/v0.1.9 provider/v1beta4/msgs.go).
 *
 * A provider is an owner address with a host URI, self-declared attributes and contact info.
 * No stake or deposit is needed. MsgUpdateProvider overwrites the whole record and checks
 * nothing about leases (that check was removed in node v0.32.0). Providers cannot be deleted.
 */
#ifndef AK_PROVIDER_H
#define AK_PROVIDER_H

#include "attr.h"
#include "store.h"
#include "types.h"

typedef struct ak_provider {
    ak_addr owner;
    ak_str host_uri;
    ak_attrs attrs; /* message order, as stored upstream */
    ak_str email;
    ak_str website;
} ak_provider;

typedef struct ak_providers {
    ak_store *store;
    ak_strtab *strs;
    ak_arena *arena;
    ak_pool pool; /* ak_provider */
    ak_map index; /* owner -> handle */
} ak_providers;

void ak_providers_init(ak_providers *ps, ak_store *store, ak_strtab *strs, ak_arena *arena);
void ak_providers_fini(ak_providers *ps);

/* The provider registered by owner, or NULL. */
const ak_provider *ak_provider_get(const ak_providers *ps, ak_addr owner);

/* ValidateBasic of MsgCreateProvider / MsgUpdateProvider, in the chain's order: host URI
 * (AK_EINVALID_PROVIDER_URI, AK_ENOT_ABS_PROVIDER_URI), attributes (AK_EINVALID_ATTRIBUTE_KEY,
 * AK_EATTRIBUTES_DUPLICATE_KEYS), website (AK_EINVALID_INFO_WEBSITE). *why receives a static
 * detail string on failure. */
int ak_provider_validate(const ak_strtab *strs, const char *host_uri, ak_attrs attrs,
                         const char *website, const char **why);

/* Register a new provider (AK_EPROVIDER_EXISTS) or overwrite one (AK_EPROVIDER_NOT_FOUND).
 * Inputs must have passed ak_provider_validate. Attribute arrays are copied. */
int ak_provider_create(ak_providers *ps, ak_addr owner, ak_str host_uri, ak_attrs attrs,
                       ak_str email, ak_str website);
int ak_provider_update(ak_providers *ps, ak_addr owner, ak_str host_uri, ak_attrs attrs,
                       ak_str email, ak_str website);

/* Go net/url.Parse acceptance, as far as provider URIs need it. Returns 0 and fills the parts,
 * or -1 when Go would return a parse error. */
typedef struct ak_url {
    const char *scheme;
    size_t scheme_len;
    bool has_authority; /* "//" followed */
    const char *host;
    size_t host_len; /* host[:port] */
    const char *path;
    size_t path_len;
} ak_url;
int ak_url_parse(const char *s, ak_url *u);

#endif
