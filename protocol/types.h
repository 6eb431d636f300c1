/*
 * protocol/types.h: unit-bearing scalars and the coin types every protocol module shares
 * (DESIGN.md "Numbers" and convention 10).
 *
 * Token amounts are integers in a base denom (uakt, uusdc, uact) held in int64: the whole AKT
 * supply (about 3.9e14 uakt) fits many thousand times over, and every int64 converts to a Dec
 * exactly. Amounts that would leave int64 are errors (AK_EOVERFLOW), never wrapped; the SDK's
 * 256-bit Int allows more, which docs/deviations.md records. Rates and escrow balances are the
 * SDK's 18-decimal LegacyDec (protocol/dec.h).
 */
#ifndef AK_TYPES_H
#define AK_TYPES_H

#include <stdbool.h>
#include <stdint.h>

#include "dec.h"
#include "store.h"

typedef int64_t ak_height; /* block height, from 1 */
typedef int64_t ak_amount; /* integer amount in a base denom */
typedef int64_t ak_unix;   /* header time: seconds since 1970-01-01T00:00:00Z */

/* An account address. akashsim names accounts ("alice", "prov1"); the address is the interned
 * name, and addresses order bytewise by name, as bech32 addresses of one prefix do. Module
 * accounts are interned under names a user account cannot have (see ak_app_module_addr). */
typedef ak_str ak_addr;
typedef ak_str ak_denom; /* interned denom ("uakt") */

#define AK_ADDR_NONE ((ak_addr)0) /* the empty name: no account */

typedef struct ak_coin {
    ak_denom denom;
    ak_amount amount;
} ak_coin;

typedef struct ak_deccoin {
    ak_denom denom;
    ak_dec amount;
} ak_deccoin;

#endif
