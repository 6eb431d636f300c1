/*
 * protocol/attr.h: key/value attributes of providers, auditors and placement requirements, and
 * how they match (market-rules.md sections 1.6 and 5.1; chain-sdk go/v0.1.9
 * types/attributes/v1/attribute.go).
 *
 * - A provider attribute key matches ^[a-zA-Z][A-Za-z0-9_/.-]{1,126}$; keys are unique.
 * - A requirement matches an attribute when the requirement's key, read as a glob pattern with
 *   Go's filepath.Match rules ('*' and '?' never cross '/', '[...]' classes, '\' escapes),
 *   matches the attribute key and the values are equal byte for byte.
 * - A requirement list is a subset of an attribute list when every requirement matches some
 *   attribute.
 */
#ifndef AK_ATTR_H
#define AK_ATTR_H

#include <stdbool.h>
#include <stddef.h>

#include "store.h"

typedef struct ak_attr {
    ak_str key;
    ak_str value;
} ak_attr;

/* A list of attributes. In state the array belongs to the app's arena; in a message, to the
 * caller. */
typedef struct ak_attrs {
    const ak_attr *v;
    uint32_t n;
} ak_attrs;

/* Go filepath.Match on '/'-separated names. A malformed pattern matches nothing. */
bool ak_glob_match(const char *pattern, const char *name);

/* Provider attribute key rule: ^[a-zA-Z][\w/.-]{1,126}$ (ASCII \w). */
bool ak_attr_key_valid(const char *key);

/* Resource attribute key rule (Attributes.Validate): ^[a-zA-Z][\w/.-]{1,126}[\w*]?$. */
bool ak_attr_key_valid_wildcard(const char *key);

/* Validate a resource attribute list (CPU, memory, storage, GPU) as Attributes.Validate does:
 * wildcard key rule, then duplicates, attribute by attribute. 0 or the same codes as below. */
int ak_attrs_validate_wildcard(const ak_strtab *strs, ak_attrs attrs);

/* Validate a provider attribute list in order, as Attributes.ValidateWithRegex does: the first
 * attribute whose key is invalid gives AK_EINVALID_ATTRIBUTE_KEY, the first repeated key
 * AK_EATTRIBUTES_DUPLICATE_KEYS. 0 when valid. */
int ak_attrs_validate(const ak_strtab *strs, ak_attrs attrs);

/* The SDK's denom rule: ^[a-zA-Z][a-zA-Z0-9/:._-]{2,127}$. */
bool ak_denom_valid(const char *denom);

/* Every requirement has an attribute whose key it globs and whose value equals. */
bool ak_attrs_subset(const ak_strtab *strs, ak_attrs reqs, ak_attrs have);

/* Copy a list into the arena; NULL-free on success. 0 or AK_ENOMEM. */
int ak_attrs_copy(ak_arena *arena, ak_attrs in, ak_attrs *out);

/* Value of key in the list, or 0 (the empty string id) when absent. */
ak_str ak_attrs_get(ak_attrs attrs, ak_str key);

#endif
