/*
 * sim/series.h: a numeric time series read from a CSV file, for the exogenous paths a scenario
 * can replay (a demand multiplier, the AKT price), and the resolution of the file names
 * scenarios give relative to the scenario file.
 *
 * The file has two columns, `day,value`: day is the time in days since genesis, value what the
 * series is then.
 *
 *     # AKT/USD, daily closes
 *     day,value
 *     0,1.14
 *     1,1.21
 *     2.5,1.08
 *
 * Rules, each checked with a one-line error naming the file and the line:
 *   - fields are separated by one comma; spaces and tabs around a field are ignored; lines end
 *     with LF or CRLF; a UTF-8 byte order mark at the start of the file is ignored;
 *   - blank lines and lines whose first non-blank character is '#' are skipped;
 *   - the first other line is a header, and skipped, when its first field is not a number;
 *   - every other line is a row of exactly two fields, each a finite decimal number (strtod's
 *     syntax, at most 64 characters; "nan", "inf" and hexadecimal are refused);
 *   - days are >= 0 and strictly increasing, and the first row's day is 0, so the series
 *     covers a run from genesis on; values lie in [lo, hi], bounds the caller gives;
 *   - 1 to AK_SERIES_MAX_ROWS rows, a file of at most AK_SERIES_MAX_FILE bytes.
 *
 * The series between and after rows, with rows (d_i, v_i), i = 0..n-1, and d_i <= t < d_{i+1}:
 *   step:    x(t) = v_i                                   (a value holds until the next row)
 *   linear:  x(t) = v_i + (v_{i+1} - v_i) (t - d_i) / (d_{i+1} - d_i)
 * and x(t) = v_{n-1} from the last row on, x(t) = v_0 before day 0 (in both modes). At a row's
 * day both modes give the row's value exactly.
 *
 * A series is a value owned by its holder (two malloc'd arrays); it is read-only after loading,
 * so threads may share one.
 */
#ifndef AK_SIM_SERIES_H
#define AK_SIM_SERIES_H

#include <stddef.h>

#include "jread.h"

#define AK_SERIES_MAX_ROWS 1000000u
#define AK_SERIES_MAX_FILE (64u << 20) /* bytes */
#define AK_SERIES_MAX_FIELD 64         /* characters of one number */
#define AK_SERIES_MAX_PATH 4096        /* bytes of a resolved path, with its NUL */

typedef enum ak_series_interp {
    AK_SERIES_STEP,   /* hold each row's value until the next row */
    AK_SERIES_LINEAR, /* straight lines between rows */
} ak_series_interp;

typedef struct ak_series {
    double *day;   /* n strictly increasing days, day[0] == 0 */
    double *value; /* n values in [lo, hi] */
    size_t n;      /* 1 to AK_SERIES_MAX_ROWS */
    ak_series_interp interp;
} ak_series;

/* "step" or "linear" for an interpolation mode. */
const char *ak_series_interp_name(ak_series_interp m);

/* Load the CSV file at path. lo <= hi bound the values (-INFINITY / INFINITY for none). Returns
 * 0 with *out set (free it with ak_series_free), or AK_EINVAL (cannot open or read, too large,
 * a line breaks a rule above) or AK_ENOMEM, with one line in why (cap bytes) naming path and,
 * for a bad line, its number:
 *     prices.csv: line 7: the day 3.5 is not after the previous row's 4
 *     prices.csv: cannot open: No such file or directory
 * *out is written only on success. */
int ak_series_load(const char *path, ak_series_interp interp, double lo, double hi,
                   ak_series *out, char *why, size_t cap);

/* The same from len bytes of text in memory (NULs included are refused as not numbers); name
 * stands for the file in messages. */
int ak_series_parse(const char *name, const char *text, size_t len, ak_series_interp interp,
                    double lo, double hi, ak_series *out, char *why, size_t cap);

/* x(day) as above; O(log n) (a binary search). day must not be NaN. */
double ak_series_at(const ak_series *s, double day);

/* An upper bound of x over [day0, day1) that is its supremum there: the largest of x(day0),
 * the values of the rows inside the window and, in linear mode, the limit of x at day1. x(day0)
 * when day1 <= day0. O(log n + rows in the window). */
double ak_series_max(const ak_series *s, double day0, double day1);

/* The day of the first row after day (> day), or INFINITY when there is none: the series is a
 * constant (step) or a straight line (linear) on [day, ak_series_next_row(s, day)), so a bound
 * over windows cut there is exact. O(log n). */
double ak_series_next_row(const ak_series *s, double day);

/* Free the arrays of s and clear it; NULL or a cleared series is a no-op. */
void ak_series_free(ak_series *s);

/* Resolve a file name written in the scenario file base_file: rel itself when it is absolute
 * (starts with '/') or base_file is NULL or has no directory part, else rel relative to
 * base_file's directory ("scenarios/x.json" + "data/p.csv" -> "scenarios/data/p.csv").
 * Returns 0 with the NUL-terminated result in out, or AK_EINVAL when rel is NULL or empty or
 * the result does not fit in cap bytes (out is then untouched). */
int ak_path_resolve(const char *base_file, const char *rel, char *out, size_t cap);

/* Read the CSV series a scenario names: file_node must be a string naming the file relative to
 * scenario_file (see ak_path_resolve), interp_node NULL (linear) or the string "step" or
 * "linear". Loads it with values in [lo, hi] into *out (free with ak_series_free). Fails
 * through jr_fail at the offending node, at file_node with the loader's message when the file
 * is bad:
 *     $.akt_usd.file: scenarios/akt.csv: line 3: the value -1 is below the minimum 1e-06
 *     $.akt_usd.interpolate: unknown interpolation "lin" (known: step, linear)
 * Call it after everything else the caller reads from the same object, so that nothing it
 * allocates is lost to a later failure. */
void ak_series_read(jr *r, const cJSON *file_node, const cJSON *interp_node,
                    const char *scenario_file, double lo, double hi, ak_series *out);

#endif
