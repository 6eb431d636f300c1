/*
 * sim/jread.h: strict reading of JSON input (replay scripts now; scenarios and sweeps later).
 *
 * Every reader takes the node it reads and fails with one line naming the file and the JSON path
 * of that node ("replay: s.json: $.blocks[3].txs[0].price: expected a coin like \"100uakt\"").
 * Failure unwinds with longjmp to the jr_try point, so readers can be written straight-line;
 * everything a reader allocates comes from the caller's arena or the cJSON tree, both freed at
 * that one point. The path is found after the fact by searching the tree for the failing node,
 * so reading costs nothing for bookkeeping.
 *
 * Rules common to every input file:
 *   - unknown keys and duplicate keys are errors (jr_keys);
 *   - integers may be JSON numbers or strings of digits; numbers must be exact integers below
 *     2^53 (larger values must be written as strings, which are read exactly);
 *   - strings are UTF-8 and may not contain NUL.
 */
#ifndef AK_JREAD_H
#define AK_JREAD_H

#include <cjson/cJSON.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct jr {
    const char *tool; /* "replay" */
    const char *file; /* as the user named it */
    const cJSON *root;
    char err[1024]; /* the one-line message after a failure */
    jmp_buf on_error;
} jr;

/* Read the whole file at path (at most max bytes) into a malloc'd, NUL-terminated buffer
 * (*buf, *len without the NUL; the caller frees *buf). 0, or AK_EINVAL (cannot open, cannot
 * read, larger than max) or AK_ENOMEM with a one-line message naming path in why. */
int jr_read_file(const char *path, size_t max, char **buf, size_t *len, char *why, size_t cap);

/* Parse a JSON text named `name` (for messages): it must be non-empty, at most max bytes, UTF-8
 * without NUL, valid JSON nested at most 1000 deep. Returns the tree (free with cJSON_Delete),
 * or NULL with a one-line message in why naming the line and column ("s.json: not valid JSON
 * (line 3, column 7)"); `what` completes the empty-file message ("a JSON replay script"). */
cJSON *jr_parse(const char *name, const char *text, size_t len, size_t max, const char *what,
                char *why, size_t cap);

/* Start reading: jr_init then `if (setjmp(r.on_error)) { ...r.err... }`. */
void jr_init(jr *r, const char *tool, const char *file, const cJSON *root);

/* Fail at node (NULL: the file itself) with a printf-style reason. Does not return. */
_Noreturn void jr_fail(jr *r, const cJSON *node, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Fail because obj lacks a required key. */
_Noreturn void jr_missing(jr *r, const cJSON *obj, const char *key);

/* The JSON path of node ("$.blocks[3].txs[0]"), written into buf. */
void jr_path(const jr *r, const cJSON *node, char *buf, size_t cap);

/* Require node to be an object whose keys are all in the NULL-terminated list `allowed`, with
 * no key twice. An unknown key close to an allowed one (see jr_suggest) fails with "unknown key
 * (did you mean \"x\"?)", any other with the list of allowed keys. */
void jr_keys(jr *r, const cJSON *obj, const char *const *allowed);
/* The candidate (NULL-terminated list) closest to word by edit distance with adjacent
 * transpositions (optimal string alignment), if it is close: at most 1 edit for words of up to
 * 5 bytes, 2 for longer ones, and fewer edits than the candidate has bytes; the first of equals
 * wins. NULL when none is close, or for words or candidates over 64 bytes. */
const char *jr_suggest(const char *word, const char *const *candidates);

/* Require an object / array; returns it. */
const cJSON *jr_object(jr *r, const cJSON *node);
const cJSON *jr_array(jr *r, const cJSON *node);
/* obj[key] or NULL when absent (obj must be an object). */
const cJSON *jr_opt(const cJSON *obj, const char *key);
/* obj[key], failing when absent. */
const cJSON *jr_req(jr *r, const cJSON *obj, const char *key);

/* A string value; *len receives its length when not NULL. */
const char *jr_string(jr *r, const cJSON *node, size_t *len);
bool jr_bool(jr *r, const cJSON *node);
/* An integer in [min, max], from a number or a string of digits (optional leading '-'). */
int64_t jr_int(jr *r, const cJSON *node, int64_t min, int64_t max);
uint64_t jr_uint(jr *r, const cJSON *node, uint64_t max);

/* A finite JSON number ("expected a number, found a string", "expected a finite number, found
 * inf"). */
double jr_number(jr *r, const cJSON *node);
/* A finite number in [lo, hi], lo excluded when lo_open; otherwise fails with "<key> must be
 * at least <lo> and at most <hi>" (or "more than <lo>"). */
double jr_ranged(jr *r, const cJSON *node, const char *key, double lo, bool lo_open, double hi);
/* jr_ranged of obj[key], failing when the key is absent. */
double jr_req_ranged(jr *r, const cJSON *obj, const char *key, double lo, bool lo_open,
                     double hi);
/* The index in names (NULL-terminated) of the string at node; otherwise fails with
 * "unknown <what> \"x\" (did you mean \"y\"?)" when one is close (jr_suggest), else with
 * "unknown <what> \"x\" (known: a, b, c)". */
size_t jr_one_of(jr *r, const cJSON *node, const char *what, const char *const *names);
/* What a node is, for messages: "an object", "a list", "a string", "a number", "a boolean",
 * "null"; "nothing" for NULL. */
const char *jr_kind(const cJSON *n);

/* Number of elements of an array node. */
int jr_len(const cJSON *arr);

#endif
