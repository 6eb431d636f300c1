/*
 * protocol/spec.h: group specs: validation, price, and the matching a bid must pass
 * (market-rules.md section 1.6; chain-sdk go/v0.1.9 deployment/v1beta4 groupspec.go,
 * resourceunit(s).go, group_validation.go, validation_config.go, market/v1beta5 bid.go).
 *
 * What the chain checks is looser than the SDL: unit counts have no bounds, endpoints and
 * placement requirements are not validated, the storage total is never checked, and the
 * 20-units and 20-groups limits of the validation config are not enforced. akashsim checks
 * exactly what the chain checks.
 */
#ifndef AK_SPEC_H
#define AK_SPEC_H

#include <stddef.h>

#include "attr.h"
#include "audit.h"
#include "msg.h"
#include "provider.h"
#include "types.h"

/* Per-unit and per-group limits (validation_config.go). */
#define AK_SPEC_CPU_MIN 10ull
#define AK_SPEC_CPU_MAX 384000ull
#define AK_SPEC_GPU_MAX 24ull
#define AK_SPEC_MEM_MIN (1ull << 20)
#define AK_SPEC_MEM_MAX (2ull << 40)
#define AK_SPEC_STORAGE_MIN (5ull << 20)
#define AK_SPEC_STORAGE_MAX (32ull << 40)
#define AK_SPEC_GROUP_FACTOR 50ull /* group totals: 50 times the unit maximum */
#define AK_SPEC_PRICE_MAX 10000000 /* per unit, in the price's own denom */

/* GroupSpec.ValidateBasic: name, resource units, totals, pricing, in the chain's order.
 * Returns 0, AK_EGROUP_SPEC_INVALID (the chain's plain errors), or AK_EINVALID_ATTRIBUTE_KEY /
 * AK_EATTRIBUTES_DUPLICATE_KEYS for resource attributes. The reason goes to why (cap bytes). */
int ak_spec_validate(const ak_strtab *strs, const ak_group_spec *g, char *why, size_t cap);

/* GroupSpec.Price(): sum of price x count over the units, in the first unit's denom (denom 0
 * when there are no units). AK_EOVERFLOW past the Dec range. */
int ak_spec_price(const ak_group_spec *g, ak_deccoin *out);

/* Deep copy of a spec into the arena. 0 or AK_ENOMEM. */
int ak_spec_copy(ak_arena *arena, const ak_group_spec *in, ak_group_spec *out);

/* ResourcesOffer.MatchGSpec: an empty offer matches; otherwise every offer entry names a unit
 * of the spec (each at most once) with the same count. */
bool ak_spec_match_offer(const ak_group_spec *g, const ak_resource_offer *offer, uint32_t n);

/* GroupSpec.MatchRequirements against a provider and its audit records: with no signed_by,
 * the requirements must be a subset of the provider's own attributes; with signed_by, only
 * auditors' records count (all_of: each listed auditor; any_of: at least one). */
bool ak_spec_match_requirements(const ak_strtab *strs, const ak_group_spec *g,
                                const ak_provider *p, const ak_audit *audit);

/* GroupSpec.MatchResourcesRequirements against the provider's own attributes: every storage
 * volume's attributes within one capabilities/storage/<n>/ group, and for GPU units any one
 * tenant GPU attribute among the capabilities/gpu/ keys. */
bool ak_spec_match_capabilities(const ak_strtab *strs, const ak_group_spec *g,
                                const ak_provider *p);

#endif
