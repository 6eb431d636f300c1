/*
 * sim/calibrate.c: a run's figures next to the calibration targets (see calibrate.h;
 * docs/calibration.md). The targets are the take-rate era rows of the calibration page
 * (calibration.md sections 4.1 to 4.3, in the design documents), copied here so that nothing
 * depends on the design documents at build or test time. The queries read only the columns
 * that docs/results.md documents.
 */
#include "calibrate.h"

#include <errno.h>
#include <math.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "errors.h"
#include "jwrite.h"
#include "recorder.h"

/* How long a query waits for a writer's lock (a run being appended to the same file). */
#define BUSY_TIMEOUT_MS 5000

/* A quarter in days, to turn quarterly figures into daily ones. */
#define QUARTER_DAYS (365.25 / 4)
/* The month of leases.price_usd_month (365.25 / 12 days) in hours, as SQL text. */
#define HOURS_PER_MONTH "730.5"
/* One day in microseconds (the unit of t_us), as SQL text. */
#define DAY_US "86400e6"

/* The range around a figure only one source gives. */
#define LOW1(x) ((x) * (1 - AK_CAL_ONE_SOURCE_BAND))
#define HIGH1(x) ((x) * (1 + AK_CAL_ONE_SOURCE_BAND))

/* ---- the calibration rows ---------------------------------------------------------------- */

enum {
    S_PROVIDERS_Q1_2026 = 1,
    S_CAPACITY_SEP_2026,
    S_GPUS_Q3_2025,
    S_GPUS_JAN_2024,
    S_H100_UTIL_2026,
    S_LEASES_Q3_2025,
    S_LEASES_Q1_2025,
    S_H100_PRICE,
    S_DISCOUNT,
    S_GPU_BANDS,
    S_AKT_PRICE,
    S_MARKET_CAP,
    S_INFLATION,
    S_VALIDATORS,
    S_TAKE_RATE,
    S_END
};

#define SEC_MARKET "4.1 Market activity"
#define SEC_PRICES "4.2 Prices"
#define SEC_TOKEN "4.3 Token, staking and protocol parameters"
#define URL_SWIFTNODES                                                                         \
    "https://dev.to/swiftnodes/akash-network-rpc-querying-a-decentralized-compute-marketplace-" \
    "47d9"
#define URL_TOKENPOST_Q3 "https://www.tokenpost.kr/news/insights/317372"
#define URL_TOKENRADAR "https://tokenradar.ai/tokens/akash-network/tokenomics"

const ak_cal_source ak_cal_sources[] = {
    [S_PROVIDERS_Q1_2026 - 1] = {SEC_MARKET, "Providers, revenue",
                                 "58 active providers; lease revenue $253k", "Q1 2026",
                                 "Messari via https://www.ownyourmind.ai/projects/akash/"},
    [S_CAPACITY_SEP_2026 - 1] = {SEC_MARKET, "Capacity snapshot",
                                 "~59 active providers, ~15,000 vCPUs, ~433 GPUs, ~89 TB memory, "
                                 "~785 TB storage",
                                 "Sep 2026", URL_SWIFTNODES},
    [S_GPUS_Q3_2025 - 1] = {SEC_MARKET, "GPUs",
                            "367 GPUs leased of 702 capacity; GPU utilisation > 50%", "Q3 2025",
                            "Messari via " URL_TOKENPOST_Q3},
    [S_GPUS_JAN_2024 - 1] = {SEC_MARKET, "GPUs on network, utilisation, GMV",
                             "50-70% utilised; 20% take rate on USDC",
                             "Jan 2024",
                             "Modular Capital thesis, "
                             "https://www.modularcapital.xyz/writing/akash"},
    [S_H100_UTIL_2026 - 1] = {SEC_MARKET, "H100 utilisation",
                              "above 80% (single secondary source)", "early 2026",
                              "https://bitcoinsnews.com/?p=54238"},
    [S_LEASES_Q3_2025 - 1] = {SEC_MARKET, "New leases, revenue, fees",
                              "27k new leases; revenue $852k", "Q3 2025",
                              "Messari via " URL_TOKENPOST_Q3},
    [S_LEASES_Q1_2025 - 1] = {SEC_MARKET, "New leases / quarter",
                              "61k (Q4 2024) -> 46k (Q1 2025)", "Q1 2025",
                              "Messari via https://smartalphacapital.cc/Coincircleinformation/"
                              "623.html"},
    [S_H100_PRICE - 1] = {SEC_PRICES, "H100 on Akash vs AWS", "~$1.33/h vs $3.93/h", "Sep 2026",
                          URL_SWIFTNODES},
    [S_DISCOUNT - 1] = {SEC_PRICES, "Claimed discount vs hyperscalers",
                        "50-85% below AWS/GCP/Azure", "2025-26",
                        "https://coinclear.io/ai-depin/akash"},
    [S_GPU_BANDS - 1] = {SEC_PRICES, "Market H100 on-demand bands",
                         "A100 80GB long-tail $0.80-1.10 per GPU-hour (H100 long-tail "
                         "$1.99-2.50)",
                         "May 2026", "https://www.mercatus-ai.com/blog/cloud-gpu-pricing"},
    [S_AKT_PRICE - 1] = {SEC_TOKEN, "AKT price", "ended Q1 2026 at $0.50", "Q1 2026",
                         "Messari via https://www.tokenpost.com/news/technology/20776"},
    [S_MARKET_CAP - 1] = {SEC_TOKEN, "Market cap / FDV",
                          "$197.6M / $199.6M at $0.676 (~292-295M AKT outstanding)", "2026",
                          "https://fundamentals.fyi/token/akash-network"},
    [S_INFLATION - 1] = {SEC_TOKEN, "Inflation", "dynamic band min 4% / max 8% by bonded ratio",
                         "2025", URL_TOKENRADAR},
    [S_VALIDATORS - 1] = {SEC_TOKEN, "Validators",
                          "MaxValidators 100, ~100 validators bonding AKT", "Aug 2026",
                          "AEP-79 docs 00 and 01, https://github.com/akash-network/AEP"},
    [S_TAKE_RATE - 1] = {SEC_TOKEN, "Take rate",
                         "AEP-23 era: 20% default / USDC, AKT lower (legacy params "
                         "DefaultTakeRate=20, uakt=2; secondary sources say 4%)",
                         "2023-2026",
                         "AEP-79 doc 01 section 3.12, https://github.com/akash-network/AEP; "
                         URL_TOKENRADAR},
};
const size_t ak_cal_nsources = sizeof ak_cal_sources / sizeof ak_cal_sources[0];

/* ---- the targets ------------------------------------------------------------------------- */

/* Reusable pieces of SQL. "End" is the run's last metrics sample. */
#define AT_END(col) \
    "SELECT " col " FROM metrics WHERE run_id = ?1 ORDER BY t_us DESC LIMIT 1"
#define AT_END_PROVIDERS(expr) \
    "SELECT total(" expr ") FROM providers WHERE run_id = ?1 AND exited_us IS NULL"
/* A flow over the run per simulated day: its total over the run's samples / the run's days. */
#define PER_DAY(col) \
    "SELECT total(" col ") * " DAY_US " / max(t_us) FROM metrics WHERE run_id = ?1"
/* The median price per GPU-hour of the run's leases on providers of one GPU model: every lease
 * of the run (closed, or open at the end) counts once, priced when it was created. */
#define MEDIAN_GPU_HOUR(model)                                                                 \
    "WITH v AS (SELECT l.price_usd_month / l.gpus / " HOURS_PER_MONTH " AS x"                 \
    " FROM leases l JOIN providers p ON p.run_id = l.run_id AND p.provider = l.provider"       \
    " WHERE l.run_id = ?1 AND l.gpus > 0 AND l.price_usd_month IS NOT NULL"                    \
    " AND lower(p.gpu_model) = '" model "')"                                                    \
    " SELECT avg(x) FROM (SELECT x FROM v ORDER BY x"                                           \
    " LIMIT 2 - (SELECT count(*) FROM v) % 2 OFFSET ((SELECT count(*) FROM v) - 1) / 2)"

const ak_cal_target ak_cal_targets[] = {
    {
        .name = "active_providers", .figure = "active providers (end)", .unit = "providers",
        .point = 58, .low = 58, .high = 60, .decimals = 0,
        .basis = "58 (Q1 2026) and ~59 (Sep 2026), up to the suggested default of 60",
        .how = "metrics.active_providers at the run's last sample",
        .sql = AT_END("active_providers"),
        .sources = {S_PROVIDERS_Q1_2026, S_CAPACITY_SEP_2026},
    },
    {
        .name = "gpus", .figure = "GPUs (end)", .unit = "GPUs",
        .point = 433, .low = 433, .high = 702, .decimals = 0,
        .basis = "~433 (Sep 2026); range up to the 702 of capacity in Q3 2025",
        .how = "sum of providers.gpus over the providers still in the market at the end",
        .sql = AT_END_PROVIDERS("gpus"),
        .sources = {S_CAPACITY_SEP_2026, S_GPUS_Q3_2025},
    },
    {
        .name = "gpus_leased", .figure = "GPUs leased (mean)", .unit = "GPUs",
        .point = 367, .low = LOW1(367), .high = HIGH1(367), .decimals = 0,
        .basis = "367 GPUs leased (Q3 2025), +/- 20 % (one source)",
        .how = "the GPU-time of the run's leases (gpus x the time each was open, up to the "
               "end) / the run's duration",
        .sql = "SELECT total(l.gpus * 1.0 * (coalesce(l.closed_us, e.t) - l.created_us)) / e.t"
               " FROM (SELECT max(t_us) AS t FROM metrics WHERE run_id = ?1) e"
               " LEFT JOIN leases l ON l.run_id = ?1 AND l.gpus > 0",
        .sources = {S_GPUS_Q3_2025},
    },
    {
        .name = "gpu_util", .figure = "GPU utilisation (mean)", .unit = "%",
        .point = 100.0 * 367 / 702, .low = 50, .high = 80, .decimals = 1,
        .basis = "367 of 702 GPUs leased (Q3 2025); range 50-80 % (50-70 % in Jan 2024, "
                 "H100s above 80 % in early 2026)",
        .how = "100 x the mean of metrics.gpu_util over the run's samples",
        .sql = "SELECT 100 * avg(gpu_util) FROM metrics WHERE run_id = ?1",
        .sources = {S_GPUS_Q3_2025, S_GPUS_JAN_2024, S_H100_UTIL_2026},
    },
    {
        .name = "vcpus", .figure = "vCPUs (end)", .unit = "vCPUs",
        .point = 15000, .low = LOW1(15000), .high = HIGH1(15000), .decimals = 0,
        .basis = "~15,000 vCPUs (Sep 2026), +/- 20 % (one source)",
        .how = "sum of providers.cpu_millis / 1000 over the providers still in the market at "
               "the end",
        .sql = AT_END_PROVIDERS("cpu_millis / 1000.0"),
        .sources = {S_CAPACITY_SEP_2026},
    },
    {
        .name = "memory_tb", .figure = "memory (end)", .unit = "TB",
        .point = 89, .low = LOW1(89), .high = HIGH1(89), .decimals = 1,
        .basis = "~89 TB (Sep 2026), +/- 20 % (one source)",
        .how = "sum of providers.memory_bytes / 10^12 over the providers still in the market "
               "at the end",
        .sql = AT_END_PROVIDERS("memory_bytes / 1e12"),
        .sources = {S_CAPACITY_SEP_2026},
    },
    {
        .name = "storage_tb", .figure = "storage (end)", .unit = "TB",
        .point = 785, .low = LOW1(785), .high = HIGH1(785), .decimals = 0,
        .basis = "~785 TB (Sep 2026), +/- 20 % (one source)",
        .how = "sum of providers.storage_bytes / 10^12 over the providers still in the market "
               "at the end",
        .sql = AT_END_PROVIDERS("storage_bytes / 1e12"),
        .sources = {S_CAPACITY_SEP_2026},
    },
    {
        .name = "leases_per_day", .figure = "new leases per day", .unit = "leases/day",
        .point = 27000 / QUARTER_DAYS, .low = 27000 / QUARTER_DAYS,
        .high = 61000 / QUARTER_DAYS, .decimals = 0,
        .basis = "27k a quarter (Q3 2025); range up to 61k a quarter (Q4 2024); a quarter is "
                 "91.31 days",
        .how = "sum of metrics.leases_created over the run / the run's days",
        .sql = PER_DAY("leases_created"),
        .sources = {S_LEASES_Q3_2025, S_LEASES_Q1_2025},
    },
    {
        .name = "revenue_usd_per_day", .figure = "lease revenue per day", .unit = "USD/day",
        .point = 253000 / QUARTER_DAYS, .low = 253000 / QUARTER_DAYS,
        .high = 852000 / QUARTER_DAYS, .decimals = 0,
        .basis = "$253k a quarter (Q1 2026); range up to $852k a quarter (Q3 2025); a quarter "
                 "is 91.31 days",
        .how = "sum of metrics.tenant_spend_usd (lease cost accrued) over the run / the run's "
               "days",
        .sql = PER_DAY("tenant_spend_usd"),
        .sources = {S_PROVIDERS_Q1_2026, S_LEASES_Q3_2025},
    },
    {
        .name = "take_akt", .figure = "take on AKT leases", .unit = "%",
        .point = 2, .low = 2, .high = 4, .decimals = 2,
        .basis = "the uakt take rate of 2 %; range up to the 4 % that secondary sources quote",
        .how = "100 x take_uakt / (take_uakt + provider_income_uakt), each summed over the "
               "run's samples: the take's share of what withdrawals settled",
        .sql = "SELECT 100 * total(take_uakt) / (total(take_uakt) + total(provider_income_uakt))"
               " FROM metrics WHERE run_id = ?1",
        .sources = {S_TAKE_RATE},
    },
    {
        .name = "take_usdc", .figure = "take on USDC leases", .unit = "%",
        .point = 20, .low = LOW1(20), .high = HIGH1(20), .decimals = 2,
        .basis = "20 % on USDC (Jan 2024, and the default take rate of the take-rate era), "
                 "+/- 20 % (one figure)",
        .how = "100 x take_uusdc / (take_uusdc + provider_income_uusdc), each summed over the "
               "run's samples",
        .sql = "SELECT 100 * total(take_uusdc) / (total(take_uusdc) + total(provider_income_uusdc))"
               " FROM metrics WHERE run_id = ?1",
        .sources = {S_GPUS_JAN_2024, S_TAKE_RATE},
    },
    {
        .name = "h100_usd_gpu_hour", .figure = "H100 price (median)", .unit = "USD/GPU-hour",
        .point = 1.33, .low = 3.93 * (1 - 0.85), .high = 3.93 * (1 - 0.50), .decimals = 2,
        .basis = "~$1.33 on Akash (Sep 2026); range: AWS's $3.93 less the claimed 50-85 % "
                 "discount",
        .how = "median over the run's leases on H100 providers of price_usd_month / gpus / "
               "730.5 hours",
        .sql = MEDIAN_GPU_HOUR("h100"),
        .sources = {S_H100_PRICE, S_DISCOUNT},
    },
    {
        .name = "a100_usd_gpu_hour", .figure = "A100 price (median)", .unit = "USD/GPU-hour",
        .point = (0.80 + 1.10) / 2, .low = 0.80, .high = 1.10, .decimals = 2,
        .basis = "the market's A100 long-tail band $0.80-1.10 (May 2026); the point is its "
                 "middle",
        .how = "median over the run's leases on A100 providers of price_usd_month / gpus / "
               "730.5 hours",
        .sql = MEDIAN_GPU_HOUR("a100"),
        .sources = {S_GPU_BANDS},
    },
    {
        .name = "akt_usd", .figure = "AKT price (mean)", .unit = "USD/AKT",
        .point = 0.50, .low = 0.50, .high = 0.676, .decimals = 3,
        .basis = "$0.50 at the end of Q1 2026; range up to the $0.676 of the 2026 market cap "
                 "figure",
        .how = "mean of metrics.akt_usd over the run's samples",
        .sql = "SELECT avg(akt_usd) FROM metrics WHERE run_id = ?1",
        .sources = {S_AKT_PRICE, S_MARKET_CAP},
    },
    {
        .name = "total_supply_makt", .figure = "total supply (end)", .unit = "M AKT",
        .point = 199.6 / 0.676, .low = 197.6 / 0.676, .high = 199.6 / 0.676, .decimals = 1,
        .basis = "FDV $199.6M / $0.676 (2026); range from the market cap's $197.6M",
        .how = "metrics.total_supply_uakt / 10^12 at the run's last sample",
        .sql = AT_END("total_supply_uakt / 1e12"),
        .sources = {S_MARKET_CAP},
    },
    {
        .name = "inflation", .figure = "inflation (end)", .unit = "%/year",
        .point = 6, .low = 4, .high = 8, .decimals = 2,
        .basis = "the 4-8 % band (2025); the point is its middle",
        .how = "100 x metrics.inflation at the run's last sample",
        .sql = AT_END("100 * inflation"),
        .sources = {S_INFLATION},
    },
    {
        .name = "bonded_validators", .figure = "bonded validators (end)", .unit = "validators",
        .point = 100, .low = LOW1(100), .high = 100, .decimals = 0,
        .basis = "~100 (Aug 2026), -20 % (one source; MaxValidators 100 is the most)",
        .how = "metrics.bonded_validators at the run's last sample",
        .sql = AT_END("bonded_validators"),
        .sources = {S_VALIDATORS},
    },
};
const size_t ak_cal_ntargets = sizeof ak_cal_targets / sizeof ak_cal_targets[0];

/* ---- pure parts -------------------------------------------------------------------------- */

double ak_cal_gap(double simulated, double point)
{
    if (isnan(simulated) || isnan(point) || point == 0)
        return NAN;
    return (simulated - point) / point;
}

/* v rounded to `decimals` decimals exactly as printf shows it. */
static double shown(double v, int decimals)
{
    char b[400];
    int n = snprintf(b, sizeof b, "%.*f", decimals, v);
    return n > 0 && (size_t)n < sizeof b ? strtod(b, NULL) : v;
}

static int clamp_decimals(int decimals)
{
    return decimals < 0 ? 0 : decimals > 9 ? 9 : decimals;
}

bool ak_cal_inside(double v, double low, double high, int decimals)
{
    if (!isfinite(v))
        return false;
    decimals = clamp_decimals(decimals);
    double s = shown(v, decimals);
    return s >= shown(low, decimals) && s <= shown(high, decimals);
}

void ak_cal_figure_set(ak_cal_figure *f, const ak_cal_target *t, double simulated)
{
    f->target = t;
    f->simulated = simulated;
    f->gap = ak_cal_gap(simulated, t->point);
    f->inside = ak_cal_inside(simulated, t->low, t->high, t->decimals);
}

int ak_cal_format(char *buf, size_t cap, double v, int decimals)
{
    if (!isfinite(v))
        return snprintf(buf, cap, "n/a");
    decimals = clamp_decimals(decimals);
    char plain[400]; /* the largest double printed in full is 309 digits */
    int n = snprintf(plain, sizeof plain, "%.*f", decimals, v);
    if (n < 0 || (size_t)n >= sizeof plain)
        return snprintf(buf, cap, "%.*g", decimals + 1, v);
    /* "-1234567.8" -> "-1,234,567.8": a comma before every group of three integer digits */
    const char *digits = plain[0] == '-' ? plain + 1 : plain;
    size_t nint = strcspn(digits, ".");
    char grouped[sizeof plain * 2];
    size_t k = 0;
    if (digits != plain)
        grouped[k++] = '-';
    for (size_t i = 0; i < nint; i++) {
        if (i > 0 && (nint - i) % 3 == 0)
            grouped[k++] = ',';
        grouped[k++] = digits[i];
    }
    strcpy(grouped + k, digits + nint);
    /* "-0" and "-0.00" read as a sign that is not there */
    if (grouped[0] == '-' && strspn(grouped + 1, "0.,") == strlen(grouped + 1))
        memmove(grouped, grouped + 1, strlen(grouped));
    return snprintf(buf, cap, "%s", grouped);
}

/* ---- the database ------------------------------------------------------------------------ */

struct ak_cal {
    sqlite3 *db;
    char *path;
    char err[512];
};

/* Set "path: <message>" and return status. */
static int fail(ak_cal *cal, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(ak_cal *cal, int status, const char *fmt, ...)
{
    int n = snprintf(cal->err, sizeof cal->err, "%s: ", cal->path);
    if (n < 0 || (size_t)n >= sizeof cal->err)
        n = 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cal->err + n, sizeof cal->err - (size_t)n, fmt, ap);
    va_end(ap);
    return status;
}

static int sqlfail(ak_cal *cal, int src)
{
    const char *msg = cal->db ? sqlite3_errmsg(cal->db) : sqlite3_errstr(src);
    int status = (src & 0xff) == SQLITE_NOMEM ? AK_ENOMEM : AK_EIO;
    return fail(cal, status, "%s", msg);
}

/* Prepare sql with ?1 bound to id (when id >= 0) into *st. */
static int prepare(ak_cal *cal, const char *sql, int64_t id, sqlite3_stmt **st)
{
    int src = sqlite3_prepare_v2(cal->db, sql, -1, st, NULL);
    if (src == SQLITE_OK && id >= 0)
        src = sqlite3_bind_int64(*st, 1, id);
    if (src != SQLITE_OK) {
        int status = sqlfail(cal, src);
        sqlite3_finalize(*st);
        *st = NULL;
        return status;
    }
    return 0;
}

/* Step st once: 1 a row, 0 none, or a negative status (message set; st is finalized then). */
static int step(ak_cal *cal, sqlite3_stmt *st)
{
    int src = sqlite3_step(st);
    if (src == SQLITE_ROW)
        return 1;
    if (src == SQLITE_DONE)
        return 0;
    int status = sqlfail(cal, src);
    sqlite3_finalize(st);
    return status;
}

/* The first column of the first row of sql (?1 = id) as a double: NaN for NULL or no row. */
static int query_double(ak_cal *cal, const char *sql, int64_t id, double *out)
{
    sqlite3_stmt *st;
    int rc = prepare(cal, sql, id, &st);
    if (rc)
        return rc;
    if ((rc = step(cal, st)) < 0)
        return rc;
    *out = rc == 1 && sqlite3_column_type(st, 0) != SQLITE_NULL ? sqlite3_column_double(st, 0)
                                                                  : NAN;
    sqlite3_finalize(st);
    return 0;
}

/* The first column of the first row of sql as text into buf (cap bytes): "" for NULL, and
 * *found false when there is no row. */
static int query_text(ak_cal *cal, const char *sql, int64_t id, char *buf, size_t cap,
                      bool *found)
{
    sqlite3_stmt *st;
    int rc = prepare(cal, sql, id, &st);
    if (rc)
        return rc;
    if ((rc = step(cal, st)) < 0)
        return rc;
    *found = rc == 1;
    const unsigned char *t = rc == 1 ? sqlite3_column_text(st, 0) : NULL;
    snprintf(buf, cap, "%s", t ? (const char *)t : "");
    sqlite3_finalize(st);
    return 0;
}

/* The file holds the tables of an akashsim results database of this schema version. */
static int check_schema(ak_cal *cal)
{
    sqlite3_stmt *st;
    int rc = prepare(cal,
                     "SELECT coalesce(sum(name = 'runs'), 0), coalesce(sum(name = 'meta'), 0)"
                     " FROM sqlite_master WHERE type = 'table'",
                     -1, &st);
    if (rc)
        return rc;
    if ((rc = step(cal, st)) < 0) /* where a file that is not SQLite fails */
        return rc;
    bool runs = sqlite3_column_int(st, 0) > 0, meta = sqlite3_column_int(st, 1) > 0;
    sqlite3_finalize(st);
    if (!runs)
        return fail(cal, AK_EIO, "not an akashsim results database (no runs table)");
    if (!meta)
        return fail(cal, AK_EIO, "not an akashsim results database (no meta table)");
    char ver[32];
    bool found;
    if ((rc = query_text(cal, "SELECT value FROM meta WHERE key = 'schema_version'", -1, ver,
                         sizeof ver, &found)))
        return rc;
    char want[16];
    snprintf(want, sizeof want, "%d", AK_REC_SCHEMA_VERSION);
    if (!found || !ver[0])
        return fail(cal, AK_EIO, "no schema version in table meta, this akashsim reads %s", want);
    if (strcmp(ver, want) != 0)
        return fail(cal, AK_EIO, "schema version %s, this akashsim reads %s", ver, want);
    return 0;
}

void ak_cal_close(ak_cal *cal)
{
    if (!cal)
        return;
    if (cal->db)
        (void)sqlite3_close_v2(cal->db); /* every statement is finalized after use */
    free(cal->path);
    free(cal);
}

int ak_cal_open(const char *path, ak_cal **out, char *errbuf, size_t cap)
{
    if (errbuf && cap)
        errbuf[0] = '\0';
    if (out)
        *out = NULL;
    if (!path || !out) {
        if (errbuf && cap)
            snprintf(errbuf, cap, "%s: invalid argument", path ? path : "(null)");
        return AK_EINVAL;
    }
    ak_cal *cal = calloc(1, sizeof *cal);
    char *copy = strdup(path);
    if (!cal || !copy) {
        free(cal);
        free(copy);
        if (errbuf && cap)
            snprintf(errbuf, cap, "%s: out of memory", path);
        return AK_ENOMEM;
    }
    cal->path = copy;
    int status;
    /* SQLite's own message for a missing file or a directory is "unable to open database
     * file"; say which. */
    struct stat sb;
    if (stat(path, &sb) != 0) {
        status = fail(cal, AK_EIO, "cannot open: %s", strerror(errno));
        goto failed;
    }
    if (S_ISDIR(sb.st_mode)) {
        status = fail(cal, AK_EIO, "cannot open: %s", strerror(EISDIR));
        goto failed;
    }
    int src = sqlite3_open_v2(path, &cal->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
    if (src == SQLITE_OK)
        src = sqlite3_busy_timeout(cal->db, BUSY_TIMEOUT_MS);
    if (src != SQLITE_OK) {
        status = sqlfail(cal, src);
        goto failed;
    }
    if ((status = check_schema(cal)))
        goto failed;
    *out = cal;
    return 0;

failed:
    if (errbuf && cap)
        snprintf(errbuf, cap, "%s", cal->err);
    ak_cal_close(cal);
    return status;
}

const char *ak_cal_errmsg(const ak_cal *cal)
{
    return cal ? cal->err : "no database";
}

int ak_cal_select_run(ak_cal *cal, int64_t run_id, ak_cal_run *run)
{
    if (!cal || !run || run_id < 0)
        return cal ? fail(cal, AK_EINVAL, "invalid argument") : AK_EINVAL;
    int rc;
    if (run_id == 0) {
        double last;
        if ((rc = query_double(cal, "SELECT max(run_id) FROM runs WHERE status = 'complete'", -1,
                               &last)))
            return rc;
        if (isnan(last))
            return fail(cal, AK_EINVAL, "no complete run");
        run_id = (int64_t)last;
    }
    sqlite3_stmt *st;
    if ((rc = prepare(cal,
                      "SELECT status, scenario_name, seed, rules FROM runs WHERE run_id = ?1",
                      run_id, &st)))
        return rc;
    if ((rc = step(cal, st)) < 0)
        return rc;
    if (rc == 0) {
        sqlite3_finalize(st);
        return fail(cal, AK_EINVAL, "no run %lld", (long long)run_id);
    }
    const unsigned char *status = sqlite3_column_text(st, 0);
    if (!status || strcmp((const char *)status, "complete") != 0) {
        char s[32];
        snprintf(s, sizeof s, "%s", status ? (const char *)status : "NULL");
        sqlite3_finalize(st);
        return fail(cal, AK_EINVAL, "run %lld is not complete (its status is %s)",
                    (long long)run_id, s);
    }
    ak_cal_run r;
    memset(&r, 0, sizeof r);
    r.run_id = run_id;
    const unsigned char *name = sqlite3_column_text(st, 1);
    snprintf(r.scenario, sizeof r.scenario, "%s", name ? (const char *)name : "");
    r.seed = (uint64_t)sqlite3_column_int64(st, 2); /* stored as its two's complement */
    const unsigned char *rules = sqlite3_column_text(st, 3);
    snprintf(r.rules, sizeof r.rules, "%s", rules ? (const char *)rules : "");
    sqlite3_finalize(st);
    double t_us;
    if ((rc = query_double(cal, "SELECT max(t_us) FROM metrics WHERE run_id = ?1", run_id,
                           &t_us)))
        return rc;
    r.days = t_us / 86400e6;
    *run = r;
    return 0;
}

/* Whether the last failure was a query naming a column the file does not have (its message,
 * "path: no such column: x", is SQLite's). */
static bool missing_column(const ak_cal *cal)
{
    size_t n = strlen(cal->path);
    return strncmp(cal->err, cal->path, n) == 0 &&
           strncmp(cal->err + n, ": no such column: ", 18) == 0;
}

int ak_cal_measure(ak_cal *cal, int64_t run_id, ak_cal_figure *figs)
{
    if (!cal || !figs || run_id <= 0)
        return cal ? fail(cal, AK_EINVAL, "invalid argument") : AK_EINVAL;
    for (size_t i = 0; i < ak_cal_ntargets; i++) {
        double v;
        int rc = query_double(cal, ak_cal_targets[i].sql, run_id, &v);
        /* Columns were added to schema version 1 as the engine grew (the USDC flows, say): a
         * file written before has no such figure, as a run without USDC leases has none. */
        if (rc == AK_EIO && missing_column(cal)) {
            v = NAN;
            rc = 0;
            cal->err[0] = '\0';
        }
        if (rc)
            return rc;
        ak_cal_figure_set(&figs[i], &ak_cal_targets[i], v);
    }
    return 0;
}

/* ---- output ------------------------------------------------------------------------------ */

/* Whether some figure of figs cites source s (1-based). */
static bool cited(const ak_cal_figure *figs, size_t n, unsigned s)
{
    for (size_t i = 0; i < n; i++)
        for (int k = 0; k < AK_CAL_MAX_SOURCES; k++)
            if (figs[i].target->sources[k] == s)
                return true;
    return false;
}

int ak_cal_print(FILE *f, const char *path, const ak_cal_run *run, const ak_cal_figure *figs,
                 size_t n)
{
    char days[32];
    ak_cal_format(days, sizeof days, run->days, 1);
    fprintf(f, "%s, run %lld: %s, seed %llu, %s simulated days, rules %s\n\n", path,
            (long long)run->run_id, run->scenario[0] ? run->scenario : "(unnamed)",
            (unsigned long long)run->seed, days, run->rules[0] ? run->rules : "(unknown)");
    fprintf(f, "%-24s %-12s %9s %9s  %-16s %8s  %-8s %s\n", "figure", "unit", "simulated",
            "target", "range", "gap", "in range", "sources");
    for (size_t i = 0; i < n; i++) {
        const ak_cal_target *t = figs[i].target;
        char sim[48], point[48], lo[48], hi[48], range[100], gap[32], src[32];
        ak_cal_format(sim, sizeof sim, figs[i].simulated, t->decimals);
        ak_cal_format(point, sizeof point, t->point, t->decimals);
        ak_cal_format(lo, sizeof lo, t->low, t->decimals);
        ak_cal_format(hi, sizeof hi, t->high, t->decimals);
        snprintf(range, sizeof range, "%s to %s", lo, hi);
        if (isnan(figs[i].gap))
            snprintf(gap, sizeof gap, "n/a");
        else if (fabs(100 * figs[i].gap) < 0.05) /* no "-0.0 %" */
            snprintf(gap, sizeof gap, "0.0 %%");
        else
            snprintf(gap, sizeof gap, "%+.1f %%", 100 * figs[i].gap);
        size_t k = 0;
        src[0] = '\0';
        for (int j = 0; j < AK_CAL_MAX_SOURCES && t->sources[j]; j++)
            k += (size_t)snprintf(src + k, sizeof src - k, "%s%u", j ? " " : "",
                                  (unsigned)t->sources[j]);
        const char *in = isnan(figs[i].simulated) ? "n/a" : figs[i].inside ? "yes" : "no";
        fprintf(f, "%-24s %-12s %9s %9s  %-16s %8s  %-8s %s\n", t->figure, t->unit, sim, point,
                range, gap, in, src);
    }
    fprintf(f, "\ngap = (simulated - target) / target; docs/calibration.md explains each "
               "figure.\nsources: rows of the calibration page (take-rate era)\n");
    for (unsigned s = 1; s <= ak_cal_nsources; s++) {
        if (!cited(figs, n, s))
            continue;
        const ak_cal_source *c = &ak_cal_sources[s - 1];
        fprintf(f, "%3u  %s, \"%s\" (%s): %s. %s\n", s, c->section, c->metric, c->date, c->value,
                c->source);
    }
    return ferror(f) ? AK_EIO : 0;
}

/* A number for JSON: null for NaN or an infinity. */
static void jw_number(jw *w, double v)
{
    if (!isfinite(v)) {
        jw_null(w);
        return;
    }
    char b[40];
    snprintf(b, sizeof b, "%.12g", v);
    jw_raw(w, b);
}

int ak_cal_print_json(FILE *f, const ak_cal_figure *figs, size_t n)
{
    jw w;
    jw_init(&w);
    jw_array(&w);
    for (size_t i = 0; i < n; i++) {
        const ak_cal_target *t = figs[i].target;
        bool have = !isnan(figs[i].simulated);
        jw_object(&w);
        jw_kstr(&w, "name", t->name);
        jw_kstr(&w, "figure", t->figure);
        jw_kstr(&w, "unit", t->unit);
        jw_key(&w, "simulated");
        jw_number(&w, figs[i].simulated);
        jw_key(&w, "target");
        jw_number(&w, t->point);
        jw_key(&w, "low");
        jw_number(&w, t->low);
        jw_key(&w, "high");
        jw_number(&w, t->high);
        jw_key(&w, "gap_pct");
        jw_number(&w, 100 * figs[i].gap);
        jw_key(&w, "inside");
        if (have)
            jw_bool(&w, figs[i].inside);
        else
            jw_null(&w);
        jw_kstr(&w, "basis", t->basis);
        jw_kstr(&w, "how", t->how);
        jw_key(&w, "sources");
        jw_array(&w);
        for (int k = 0; k < AK_CAL_MAX_SOURCES && t->sources[k]; k++) {
            const ak_cal_source *c = &ak_cal_sources[t->sources[k] - 1];
            jw_object_flat(&w);
            jw_kstr(&w, "section", c->section);
            jw_kstr(&w, "metric", c->metric);
            jw_kstr(&w, "value", c->value);
            jw_kstr(&w, "date", c->date);
            jw_kstr(&w, "source", c->source);
            jw_object_end(&w);
        }
        jw_array_end(&w);
        jw_object_end(&w);
    }
    jw_array_end(&w);
    int status = 0;
    if (jw_failed(&w))
        status = AK_ENOMEM;
    else if (!jw_flush(&w, f) || ferror(f))
        status = AK_EIO;
    jw_fini(&w);
    return status;
}
