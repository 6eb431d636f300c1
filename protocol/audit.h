/*
 * protocol/audit.h: attributes that auditors sign for providers (x/audit; market-rules.md
 * section 5.1; node v1.2.2 x/audit/keeper/keeper.go).
 *
 * Anyone can be an auditor; trust exists only in a tenant's signed_by lists. A record is kept
 * per (provider owner, auditor):
 *   - signing upserts by key (a new value replaces the old; keys are never removed by signing),
 *     and the record is kept sorted by key; a first signing stores the list as given (duplicates
 *     included), sorted stably; signing an empty list creates an empty record;
 *   - the provider need not exist;
 *   - deleting with an empty key list removes the record; otherwise each key is removed in
 *     order and a key that is absent (or listed twice) fails the whole message with
 *     ErrAttributeNotFound; a record left with no keys is removed;
 *   - deleting from a missing record fails with ErrProviderNotFound.
 */
#ifndef AK_AUDIT_H
#define AK_AUDIT_H

#include <stddef.h>

#include "attr.h"
#include "store.h"
#include "types.h"

typedef struct ak_audit_record {
    ak_addr owner;
    ak_addr auditor;
    ak_attrs attrs; /* sorted by key */
    bool present;   /* false once deleted */
    uint32_t next;  /* next record of the same owner, AK_POOL_NONE at the end */
} ak_audit_record;

typedef struct ak_audit {
    ak_store *store;
    ak_strtab *strs;
    ak_arena *arena;
    ak_pool pool;       /* ak_audit_record */
    ak_map index;       /* (owner, auditor) -> record */
    ak_map owner_heads; /* owner -> first record of that owner */
} ak_audit;

void ak_audit_init(ak_audit *a, ak_store *store, ak_strtab *strs, ak_arena *arena);
void ak_audit_fini(ak_audit *a);

/* MsgSignProviderAttributes. 0 or AK_ENOMEM. */
int ak_audit_sign(ak_audit *a, ak_addr owner, ak_addr auditor, ak_attrs attrs);
/* MsgDeleteProviderAttributes. 0, AK_EPROVIDER_NOT_FOUND, AK_EATTRIBUTE_NOT_FOUND (the key
 * that is not there goes to *missing), AK_ENOMEM. */
int ak_audit_delete(ak_audit *a, ak_addr owner, ak_addr auditor, const ak_str *keys,
                    uint32_t nkeys, ak_str *missing);

/* The record of (owner, auditor) if present, else NULL. */
const ak_audit_record *ak_audit_get(const ak_audit *a, ak_addr owner, ak_addr auditor);
/* First present record of owner (any auditor order), and the next one; NULL at the end. */
const ak_audit_record *ak_audit_first(const ak_audit *a, ak_addr owner);
const ak_audit_record *ak_audit_next(const ak_audit *a, const ak_audit_record *r);

/* Invariant: each present record's attributes are sorted by key, and every record is reachable
 * from its owner's list. 0 or AK_EINVARIANT with the reason in err. */
int ak_audit_check(const ak_audit *a, char *err, size_t cap);

#endif
