#!/usr/bin/env bash
# Import/store benchmark: Redline against the sqlite3 shell on the same rows.
#
#   bench/run.sh [--messages N] [--seed S] [--dir DIR] [--big] [--big-messages N]
#
# Generates N messages (default 1,000,000) with `redline gen-corpus`, then
# measures with a release build:
#   1. import to stored rows (`redline import --no-index`, generic JSONL; and
#      WhatsApp txt when that importer exists): wall and CPU time, peak RSS;
#   2. the full-text index build (`redline index`) and the index size;
#   3. the sqlite3 shell on the same data: `.import` of the stored rows into a
#      table of the same shape (+ the same indexes, built after the import),
#      and the same FTS5 table built from the same pre-tokenised text;
#   4. search latency in-process (`Store::search`, limit 20) over 300 queries;
#   5. with --big: a ~1 GB JSONL import (4.3M messages), for peak RSS.
# Figures are printed and written to DIR/results.md and DIR/results.json.
# Needs: cargo, sqlite3 (with FTS5 and dbstat; Debian's has both), GNU time
# (`apt-get install -y time`). Timings are wall clock and user+system CPU;
# on a shared machine, CPU time is the steadier figure — the load average
# is recorded next to each step.
set -euo pipefail

MESSAGES=1000000
SEED=1
DIR=${TMPDIR:-/tmp}/redline-bench
BIG=0
BIG_MESSAGES=4300000
while [ $# -gt 0 ]; do
    case "$1" in
        --messages) MESSAGES=$2; shift 2 ;;
        --seed) SEED=$2; shift 2 ;;
        --dir) DIR=$2; shift 2 ;;
        --big) BIG=1; shift ;;
        --big-messages) BIG_MESSAGES=$2; BIG=1; shift 2 ;;
        -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done

ROOT=$(cd "$(dirname "$0")/.." && pwd)
TIME=/usr/bin/time
command -v sqlite3 >/dev/null || { echo "bench: sqlite3 not found (apt-get install -y sqlite3)" >&2; exit 2; }
[ -x "$TIME" ] || { echo "bench: $TIME not found (apt-get install -y time)" >&2; exit 2; }

mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
REPORT="$DIR/results.md"
JSON="$DIR/results.json"
: > "$REPORT"
echo "{}" > "$JSON"

say() { echo "$@" | tee -a "$REPORT"; }
load() { cut -d' ' -f1 /proc/loadavg; }
# json KEY VALUE: add a number or string to results.json.
json() {
    local tmp="$JSON.tmp"
    awk -v k="$1" -v v="$2" 'BEGIN { RS = "\0" } {
        sub(/}\n?$/, ""); sep = ($0 == "{") ? "" : ", ";
        if (v ~ /^-?[0-9.]+$/) printf "%s%s\"%s\": %s}\n", $0, sep, k, v; else printf "%s%s\"%s\": \"%s\"}\n", $0, sep, k, v }' \
        "$JSON" > "$tmp" && mv "$tmp" "$JSON"
}
# timed NAME CMD...: run under GNU time; sets T_WALL T_CPU T_RSS_MB T_LOAD.
# Returns the command's exit status.
timed() {
    local name=$1 status=0; shift
    T_LOAD=$(load)
    "$TIME" -f "%e %U %S %M" -o "$DIR/$name.time" "$@" || status=$?
    read -r T_WALL T_USER T_SYS T_RSS < <(tail -n 1 "$DIR/$name.time")
    T_CPU=$(awk -v u="$T_USER" -v s="$T_SYS" 'BEGIN { printf "%.2f", u + s }')
    T_RSS_MB=$(awk -v k="$T_RSS" 'BEGIN { printf "%.0f", k / 1024 }')
    return $status
}
rate() { awk -v n="$1" -v t="$2" 'BEGIN { printf "%.0f", (t > 0) ? n / t : 0 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }'; }
mb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1e6 }'; }

echo "== building (release)" >&2
(cd "$ROOT" && cargo build --release -q && cargo bench -q --bench store --no-run 2>/dev/null)
REDLINE="$ROOT/target/release/redline"
helper() { (cd "$ROOT" && cargo bench -q --bench store -- "$@"); }

say "# Redline import/store benchmark"
say ""
say "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ), commit $(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo '?')"
say "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(awk '/MemTotal/ { printf "%.1f GB", $2 / 1048576 }' /proc/meminfo) RAM"
say "- SQLite in Redline $(helper sqlite-version), sqlite3 shell $(sqlite3 --version | cut -d' ' -f1)"
say "- corpus: $MESSAGES messages, seed $SEED, in $DIR"
say ""

# --- corpus -------------------------------------------------------------------
CORPUS="$DIR/corpus-$MESSAGES-$SEED.jsonl"
if [ ! -s "$CORPUS" ]; then
    echo "== generating $CORPUS" >&2
    "$REDLINE" gen-corpus --messages "$MESSAGES" --seed "$SEED" --format jsonl --out "$CORPUS"
fi
CORPUS_BYTES=$(stat -c %s "$CORPUS")
json messages "$MESSAGES"
json corpus_bytes "$CORPUS_BYTES"

# --- Redline import -----------------------------------------------------------
DB="$DIR/redline.db"
rm -f "$DB" "$DB-wal" "$DB-shm"
echo "== redline import" >&2
timed import "$REDLINE" --db "$DB" import --no-index --format jsonl "$CORPUS" > "$DIR/import.log"
STORED=$(sqlite3 "$DB" "SELECT count(*) FROM messages")
[ "$STORED" = "$MESSAGES" ] || { echo "bench: stored $STORED of $MESSAGES messages" >&2; exit 1; }
IMPORT_WALL=$T_WALL IMPORT_CPU=$T_CPU
IMPORT_RATE=$(rate "$MESSAGES" "$T_WALL")
say "## Import to stored rows (generic JSONL, $(mb "$CORPUS_BYTES") MB)"
say ""
say "| | wall s | CPU s | messages/s (wall) | messages/s (CPU) | peak RSS MB | load avg |"
say "|---|---:|---:|---:|---:|---:|---:|"
say "| redline import --no-index | $T_WALL | $T_CPU | $IMPORT_RATE | $(rate "$MESSAGES" "$T_CPU") | $T_RSS_MB | $T_LOAD |"
json import_wall_s "$T_WALL"; json import_cpu_s "$T_CPU"; json import_rate "$IMPORT_RATE"; json import_rss_mb "$T_RSS_MB"

# --- the same rows through the sqlite3 shell -------------------------------------
echo "== sqlite3 .import of the same rows" >&2
ROWS_CSV="$DIR/messages.csv"
sqlite3 -csv "$DB" "SELECT * FROM messages ORDER BY id" > "$ROWS_CSV"
PAGE_SIZE=$(sqlite3 "$DB" "PRAGMA page_size")
TABLE_SQL=$(sqlite3 "$DB" "SELECT sql || ';' FROM sqlite_schema WHERE name = 'messages'")
INDEX_SQL=$(sqlite3 "$DB" "SELECT group_concat(sql || ';', ' ') FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'messages' AND sql IS NOT NULL")
PRAGMAS="PRAGMA page_size = $PAGE_SIZE; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536;"
S3="$DIR/sqlite3.db"
rm -f "$S3" "$S3-wal" "$S3-shm"
sqlite3 "$S3" "$PRAGMAS $TABLE_SQL" > /dev/null
timed s3rows sqlite3 "$S3" "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536;" ".import --csv $ROWS_CSV messages"
S3_ROWS_WALL=$T_WALL S3_ROWS_CPU=$T_CPU S3_ROWS_RSS=$T_RSS_MB S3_ROWS_LOAD=$T_LOAD
timed s3idx sqlite3 "$S3" "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536; $INDEX_SQL"
S3_WALL=$(awk -v a="$S3_ROWS_WALL" -v b="$T_WALL" 'BEGIN { printf "%.2f", a + b }')
S3_CPU=$(awk -v a="$S3_ROWS_CPU" -v b="$T_CPU" 'BEGIN { printf "%.2f", a + b }')
S3_RATE=$(rate "$MESSAGES" "$S3_WALL")
say "| sqlite3 .import (rows only) | $S3_ROWS_WALL | $S3_ROWS_CPU | $(rate "$MESSAGES" "$S3_ROWS_WALL") | $(rate "$MESSAGES" "$S3_ROWS_CPU") | $S3_ROWS_RSS | $S3_ROWS_LOAD |"
say "| sqlite3 .import + CREATE INDEX (same indexes) | $S3_WALL | $S3_CPU | $S3_RATE | $(rate "$MESSAGES" "$S3_CPU") | $T_RSS_MB | $T_LOAD |"
say ""
say "Redline / sqlite3 (rows + same indexes): $(ratio "$S3_WALL" "$IMPORT_WALL") by wall time, $(ratio "$S3_CPU" "$IMPORT_CPU") by CPU time (rows only: $(ratio "$S3_ROWS_WALL" "$IMPORT_WALL") / $(ratio "$S3_ROWS_CPU" "$IMPORT_CPU"))."
say ""
json sqlite3_import_wall_s "$S3_WALL"; json sqlite3_import_cpu_s "$S3_CPU"
json ratio_import_wall "$(ratio "$S3_WALL" "$IMPORT_WALL")"; json ratio_import_cpu "$(ratio "$S3_CPU" "$IMPORT_CPU")"
rm -f "$ROWS_CSV" "$S3" "$S3-wal" "$S3-shm"

# --- WhatsApp txt ---------------------------------------------------------------
if "$REDLINE" formats | grep -q '^whatsapp'; then
    echo "== whatsapp import" >&2
    WA="$DIR/corpus-$MESSAGES-$SEED-whatsapp.txt"
    [ -s "$WA" ] || "$REDLINE" gen-corpus --messages "$MESSAGES" --seed "$SEED" --format whatsapp --out "$WA"
    WDB="$DIR/redline-whatsapp.db"
    rm -f "$WDB" "$WDB-wal" "$WDB-shm"
    if timed wa "$REDLINE" --db "$WDB" import --no-index --tz Asia/Shanghai "$WA" > "$DIR/import-whatsapp.log" 2>&1; then
        WSTORED=$(sqlite3 "$WDB" "SELECT count(*) FROM messages")
        WFORMAT=$(sqlite3 "$WDB" "SELECT group_concat(format) FROM sources")
        say "WhatsApp Android txt ($(mb "$(stat -c %s "$WA")") MB, detected as \`$WFORMAT\`): $WSTORED messages stored of $MESSAGES written, $T_WALL s wall, $T_CPU s CPU, $(rate "$WSTORED" "$T_WALL") messages/s (wall), $(rate "$WSTORED" "$T_CPU")/s (CPU), peak RSS $T_RSS_MB MB, load $T_LOAD."
        json whatsapp_rate "$(rate "$WSTORED" "$T_WALL")"
    else
        say "WhatsApp txt: the import failed (see $DIR/import-whatsapp.log)."
        json whatsapp_rate "failed"
    fi
    rm -f "$WDB" "$WDB-wal" "$WDB-shm"
else
    say "WhatsApp txt: whatsapp importer not available in this build (\`redline formats\` has no whatsapp entry)."
    json whatsapp_rate "not available"
fi
say ""

# --- full-text index --------------------------------------------------------------
echo "== redline index" >&2
DB_BEFORE=$(stat -c %s "$DB")
timed index "$REDLINE" --db "$DB" index > /dev/null
INDEX_WALL=$T_WALL INDEX_CPU=$T_CPU INDEX_RSS=$T_RSS_MB INDEX_LOAD=$T_LOAD
FTS_BYTES=$(sqlite3 "$DB" "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'message_fts%'")
TEXT_BYTES=$(sqlite3 "$DB" "SELECT sum(length(CAST(text AS BLOB))) FROM messages")

echo "== sqlite3 FTS5 build from the same tokens" >&2
FTS_CSV="$DIR/fts.csv"
helper fts-csv "$DB" "$FTS_CSV" 2> /dev/null
FTS_SQL=$(sqlite3 "$DB" "SELECT sql || ';' FROM sqlite_schema WHERE name = 'message_fts'")
HASH=$(sqlite3 "$DB" "SELECT v FROM message_fts_config WHERE k = 'hashsize'" 2>/dev/null || true)
SRC="$DIR/fts-src.db"
rm -f "$SRC"
sqlite3 "$SRC" "CREATE TABLE fts_src(id INTEGER PRIMARY KEY, body TEXT);" ".import --csv --skip 1 $FTS_CSV fts_src"
rm -f "$FTS_CSV"
s3fts() { # NAME EXTRA_SQL
    local f="$DIR/sqlite3-fts.db"
    rm -f "$f" "$f-wal" "$f-shm"
    sqlite3 "$f" "$PRAGMAS $FTS_SQL $2" > /dev/null
    timed "$1" sqlite3 "$f" "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536; ATTACH '$SRC' AS src;
        INSERT INTO message_fts(rowid, body) SELECT id, body FROM src.fts_src;"
    S3F_BYTES=$(sqlite3 "$f" "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'message_fts%'")
    rm -f "$f" "$f-wal" "$f-shm"
}
s3fts s3fts ""
S3F_WALL=$T_WALL S3F_CPU=$T_CPU S3F_LOAD=$T_LOAD S3F_RSS=$T_RSS_MB S3F_SIZE=$S3F_BYTES
say "## Full-text index build ($MESSAGES messages, $(mb "$TEXT_BYTES") MB of text)"
say ""
say "| | wall s | CPU s | index MB | peak RSS MB | load avg |"
say "|---|---:|---:|---:|---:|---:|"
say "| redline index | $INDEX_WALL | $INDEX_CPU | $(mb "$FTS_BYTES") | $INDEX_RSS | $INDEX_LOAD |"
say "| sqlite3, same FTS5 table, same tokens, default hashsize | $S3F_WALL | $S3F_CPU | $(mb "$S3F_SIZE") | $S3F_RSS | $S3F_LOAD |"
if [ -n "$HASH" ]; then
    s3fts s3fts_hash "INSERT INTO message_fts(message_fts, rank) VALUES ('hashsize', $HASH);"
    say "| sqlite3, same table and tokens, hashsize $HASH as Redline sets | $T_WALL | $T_CPU | $(mb "$S3F_BYTES") | $T_RSS_MB | $T_LOAD |"
    json sqlite3_fts_hash_cpu_s "$T_CPU"
fi
say ""
say "Redline's index build (it also reads the messages and tokenises them) / sqlite3's with defaults: $(ratio "$S3F_WALL" "$INDEX_WALL") by wall time, $(ratio "$S3F_CPU" "$INDEX_CPU") by CPU time (≥ 1 = Redline no slower). Workspace: $(mb "$DB_BEFORE") MB before the index, $(mb "$(stat -c %s "$DB")") MB after."
say ""
json index_wall_s "$INDEX_WALL"; json index_cpu_s "$INDEX_CPU"; json index_bytes "$FTS_BYTES"; json index_rss_mb "$INDEX_RSS"
json sqlite3_fts_wall_s "$S3F_WALL"; json sqlite3_fts_cpu_s "$S3F_CPU"
rm -f "$SRC"

# --- search latency -----------------------------------------------------------------
echo "== search latency" >&2
rm -f "$DIR/search.json"
say "## Search latency (Store::search, limit 20, in-process; load avg $(load))"
say ""
say '```'
helper search "$DB" --messages "$MESSAGES" --seed "$SEED" --per-class 50 --json "$DIR/search.json" | tee -a "$REPORT"
say '```'
say ""
P95=$(tail -1 "$DIR/search.json" | sed 's/.*"all":{[^}]*"p95_ms":\([0-9.]*\).*/\1/')
json search_p95_ms "$P95"

# --- ~1 GB import ---------------------------------------------------------------------
if [ "$BIG" = 1 ]; then
    BIGC="$DIR/corpus-$BIG_MESSAGES-$SEED.jsonl"
    [ -s "$BIGC" ] || "$REDLINE" gen-corpus --messages "$BIG_MESSAGES" --seed "$SEED" --format jsonl --out "$BIGC"
    BDB="$DIR/redline-big.db"
    rm -f "$BDB" "$BDB-wal" "$BDB-shm"
    echo "== big import" >&2
    timed bigimport "$REDLINE" --db "$BDB" import --no-index --format jsonl "$BIGC" > /dev/null
    say "## Large export: $(mb "$(stat -c %s "$BIGC")") MB JSONL, $BIG_MESSAGES messages"
    say ""
    say "| | wall s | CPU s | messages/s (wall) | messages/s (CPU) | peak RSS MB | load avg |"
    say "|---|---:|---:|---:|---:|---:|---:|"
    say "| redline import --no-index | $T_WALL | $T_CPU | $(rate "$BIG_MESSAGES" "$T_WALL") | $(rate "$BIG_MESSAGES" "$T_CPU") | $T_RSS_MB | $T_LOAD |"
    json big_import_rss_mb "$T_RSS_MB"; json big_import_rate "$(rate "$BIG_MESSAGES" "$T_WALL")"
    timed bigindex "$REDLINE" --db "$BDB" index > /dev/null
    say "| redline index | $T_WALL | $T_CPU | $(rate "$BIG_MESSAGES" "$T_WALL") | $(rate "$BIG_MESSAGES" "$T_CPU") | $T_RSS_MB | $T_LOAD |"
    say ""
    json big_index_rss_mb "$T_RSS_MB"
    rm -f "$BDB" "$BDB-wal" "$BDB-shm"
fi

echo "== done: $REPORT, $JSON" >&2
