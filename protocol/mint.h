/*
 * protocol/mint.h: the minter (x/mint of Cosmos SDK v0.53 with its default mint function, as
 * Akash wires it; chain-rules.md section 5.1).
 */
#ifndef AK_MINT_H
#define AK_MINT_H

#include "dec.h"

typedef struct ak_minter {
    ak_dec inflation;
    ak_dec annual_provisions;
} ak_minter;

#endif
