/*
 * sim/jvalue.h: readers and writers for akashsim's value formats in JSON input and output
 * (replay.md "Value formats"): coins, decimal coins, account names, object ids, RFC 3339 times
 * and attribute objects. Used by replay scripts now, scenarios later.
 *
 * Every reader takes the JSON node it reads and fails through jr_fail (jread.h): one line that
 * names the file and the JSON path, then a longjmp to the caller's jr_try point. Strings are
 * interned in the string table the caller passes (the app's, so that ids compare as the
 * protocol's addresses do). Nothing here keeps state.
 *
 * Formats:
 *   amount     digits only, fitting int64 ("amount out of range" otherwise)
 *   denom      [a-z][a-z0-9/]{2,127}; "USDC" is shorthand for "uusdc"
 *   coin       "<amount><denom>"                       "5000000uakt", "1000USDC"
 *   dec coin   "<digits>[.<1..18 digits>]<denom>"      "100uakt", "0.5uakt"; integer part
 *              fits int64
 *   Dec        "0.05" or the number 0.05 (read as the shortest decimal that gives the same
 *              double), at most 18 fractional digits, not negative
 *   name       [a-z][a-z0-9_-]{0,63}                   "alice"
 *   ids        owner/dseq[/gseq[/oseq[/provider]]]; dseq <= 2^64-1, gseq and oseq <= 2^32-1,
 *              canonical decimal (no sign, no leading zeros); 0 is accepted here and refused by
 *              the chain (ErrInvalidSequence)
 *   escrow id  "deployment/<owner>/<dseq>" or "bid/<owner>/<dseq>/<gseq>/<oseq>/<provider>"
 *   time       "YYYY-MM-DDTHH:MM:SSZ", years 1970 to 9999, whole seconds, UTC only
 */
#ifndef AK_JVALUE_H
#define AK_JVALUE_H

#include <stdbool.h>
#include <stddef.h>

#include "attr.h"
#include "jread.h"
#include "msg.h"
#include "store.h"
#include "types.h"

/* Latest time jv_time accepts and jv_format_time writes: 9999-12-31T23:59:59Z. */
#define JV_TIME_MAX ((ak_unix)253402300799)
/* Buffer size for jv_format_time ("YYYY-MM-DDTHH:MM:SSZ" and NUL). */
#define JV_TIME_STRLEN 24
/* Buffer size that holds any id jv_format_* writes, with its NUL. */
#define JV_ID_STRLEN 256

/* An account name as a string node; interned. */
ak_addr jv_name(jr *r, const cJSON *node, ak_strtab *strs);
/* True if s is a valid account name. */
bool jv_name_valid(const char *s, size_t n);

/* A denom given as the n bytes at s (a coin's tail or an object key); "USDC" -> "uusdc".
 * node is where to point an error. */
ak_denom jv_denom(jr *r, const cJSON *node, const char *s, size_t n, ak_strtab *strs);
/* A coin string. Amounts that do not fit int64 fail with "amount out of range". */
ak_coin jv_coin(jr *r, const cJSON *node, ak_strtab *strs);
/* A decimal coin string (at most 18 fractional digits). */
ak_deccoin jv_deccoin(jr *r, const cJSON *node, ak_strtab *strs);
/* A non-negative Dec: a string "0.05" or a number 0.05 (LegacyNewDecFromStr syntax; a number
 * is read as written, e.g. 0.05 is exactly 0.05). */
ak_dec jv_dec(jr *r, const cJSON *node);
/* A non-negative integer amount: a string of digits or a JSON number, fitting int64. */
ak_amount jv_amount(jr *r, const cJSON *node);
/* A list of coins into out (at most cap, else an error); returns the count. Each denom may
 * appear once. */
uint32_t jv_coins(jr *r, const cJSON *node, ak_strtab *strs, ak_coin *out, uint32_t cap);

/* Ids as strings. */
ak_deployment_id jv_deployment_id(jr *r, const cJSON *node, ak_strtab *strs);
ak_group_id jv_group_id(jr *r, const cJSON *node, ak_strtab *strs);
ak_order_id jv_order_id(jr *r, const cJSON *node, ak_strtab *strs);
ak_bid_id jv_bid_id(jr *r, const cJSON *node, ak_strtab *strs);
ak_escrow_id jv_escrow_id(jr *r, const cJSON *node, ak_strtab *strs);

/* An RFC 3339 UTC time string, as seconds since the epoch. */
ak_unix jv_time(jr *r, const cJSON *node);
/* Format t (0 <= t <= JV_TIME_MAX) as "YYYY-MM-DDTHH:MM:SSZ". False if out of range. */
bool jv_format_time(ak_unix t, char *buf, size_t cap);

/* An object of string values {"key": "value", ...} as attributes in key order; the array comes
 * from arena. Duplicate keys are an error. */
ak_attrs jv_attrs(jr *r, const cJSON *node, ak_strtab *strs, ak_arena *arena);

/* Fail with node's first duplicate key, if any: for objects whose keys are free-form (account
 * names, attribute keys, denoms). O(n log n). */
void jv_unique_keys(jr *r, const cJSON *obj);

/* Allocate n zeroed elements of size sz from arena, failing through r on overflow or when out
 * of memory. n may be 0 (returns a valid pointer). */
void *jv_alloc(jr *r, ak_arena *arena, size_t n, size_t sz);

/* ---- formatting, for output ---- */

/* "alice/990", "alice/990/1", "alice/990/1/1", "alice/990/1/1/prov1". */
void jv_format_deployment_id(const ak_strtab *strs, ak_deployment_id id, char *buf, size_t cap);
void jv_format_group_id(const ak_strtab *strs, ak_group_id id, char *buf, size_t cap);
void jv_format_order_id(const ak_strtab *strs, ak_order_id id, char *buf, size_t cap);
void jv_format_bid_id(const ak_strtab *strs, ak_bid_id id, char *buf, size_t cap);
/* "deployment/alice/990" or "bid/alice/990/1/1/prov1". */
void jv_format_escrow_id(const ak_strtab *strs, ak_escrow_id id, char *buf, size_t cap);
/* "5000000uakt". */
void jv_format_coin(const ak_strtab *strs, ak_coin c, char *buf, size_t cap);
/* "100.000000000000000000uakt". */
void jv_format_deccoin(const ak_strtab *strs, ak_deccoin c, char *buf, size_t cap);

#endif
