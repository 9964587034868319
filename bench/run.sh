#!/usr/bin/env bash
# Import/store benchmark: Redline against the sqlite3 shell on the same rows.
#
#   bench/run.sh [--messages N] [--seed S] [--repeat R] [--dir DIR] [--big] [--big-messages N]
#
# Generates N messages (default 1,000,000) with `redline gen-corpus`, then
# measures with a release build, R times each (default 3; medians reported):
#   1. import to stored rows (`redline import --no-index`, generic JSONL; and
#      WhatsApp txt when that importer exists): wall and CPU time, peak RSS;
#   2. the sqlite3 shell on the same rows: `.import` of the stored rows into a
#      table of the same shape, then the same indexes (CREATE INDEX);
#   3. the full-text index build (`redline index`), its size, and sqlite3
#      building the same FTS5 table from the same pre-tokenised text;
#   4. search latency in-process (`Store::search`, limit 20) over 300 queries;
#   5. with --big: a ~1 GB JSONL export (4.3M messages) imported and indexed
#      once, for peak RSS.
# Figures are printed and written to DIR/results.md and DIR/results.json.
# Needs: cargo, sqlite3 (with FTS5 and dbstat; Debian's has both), GNU time
# (`apt-get install -y time`), ~4 GB of disk (~7 GB with --big). Times are
# wall clock and user+system CPU of the whole process; on a shared machine
# CPU time is the steadier figure — the load average is recorded too.
set -euo pipefail

MESSAGES=1000000
SEED=1
REPEAT=3
DIR=${TMPDIR:-/tmp}/redline-bench
BIG=0
BIG_MESSAGES=4300000
while [ $# -gt 0 ]; do
    case "$1" in
        --messages) MESSAGES=$2; shift 2 ;;
        --seed) SEED=$2; shift 2 ;;
        --repeat) REPEAT=$2; shift 2 ;;
        --dir) DIR=$2; shift 2 ;;
        --big) BIG=1; shift ;;
        --big-messages) BIG_MESSAGES=$2; BIG=1; shift 2 ;;
        -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
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
rm -f "$DIR"/*.runs "$DIR/search.json"

say() { echo "$@" | tee -a "$REPORT"; }
step() { echo "== $*" >&2; }
load() { cut -d' ' -f1 /proc/loadavg; }
rmdb() { rm -f "$1" "$1-wal" "$1-shm"; }
# json KEY VALUE: add a number or a string to results.json.
json() {
    local tmp="$JSON.tmp"
    awk -v k="$1" -v v="$2" 'BEGIN { RS = "\0" } {
        sub(/}\n?$/, ""); sep = ($0 == "{") ? "" : ", ";
        if (v ~ /^-?[0-9.]+$/) printf "%s%s\"%s\": %s}\n", $0, sep, k, v; else printf "%s%s\"%s\": \"%s\"}\n", $0, sep, k, v }' \
        "$JSON" > "$tmp" && mv "$tmp" "$JSON"
}
# timed NAME CMD...: run under GNU time and append "wall cpu rss_mb load" to
# DIR/NAME.runs; returns the command's exit status.
timed() {
    local name=$1 status=0 l; shift
    l=$(load)
    "$TIME" -f "%e %U %S %M" -o "$DIR/$name.time" "$@" || status=$?
    tail -n 1 "$DIR/$name.time" | awk -v l="$l" '{ printf "%.2f %.2f %.0f %s\n", $1, $2 + $3, $4 / 1024, l }' >> "$DIR/$name.runs"
    rm -f "$DIR/$name.time"
    return $status
}
# med NAME COLUMN: median (lower middle) of a column of DIR/NAME.runs
# (1 wall, 2 cpu, 3 rss, 4 load); `max` as a third argument gives the maximum.
med() {
    sort -g -k"$2" "$DIR/$1.runs" | awk -v c="$2" -v m="${3:-median}" '{ v[NR] = $c }
        END { if (m == "max") print v[NR]; else print v[int((NR + 1) / 2)] }'
}
spread() { sort -g -k"$2" "$DIR/$1.runs" | awk -v c="$2" 'NR == 1 { lo = $c } { hi = $c } END { printf "%s–%s", lo, hi }'; }
add() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a + b }'; }
rate() { awk -v n="$1" -v t="$2" 'BEGIN { printf "%.0f", (t > 0) ? n / t : 0 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }'; }
mb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1e6 }'; }
# row LABEL NAME MESSAGES: a table row from the medians of NAME.runs.
row() {
    say "| $1 | $(med "$2" 1) | $(med "$2" 2) ($(spread "$2" 2)) | $(rate "$3" "$(med "$2" 1)") | $(rate "$3" "$(med "$2" 2)") | $(med "$2" 3 max) | $(med "$2" 4) |"
}

step "building (release)"
(cd "$ROOT" && cargo build --release -q && cargo bench -q --bench store --no-run 2>/dev/null)
REDLINE="$ROOT/target/release/redline"
helper() { (cd "$ROOT" && cargo bench -q --bench store -- "$@"); }

say "# Redline import/store benchmark"
say ""
say "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ), commit $(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo '?')"
say "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(awk '/MemTotal/ { printf "%.1f GB", $2 / 1048576 }' /proc/meminfo) RAM"
say "- SQLite in Redline $(helper sqlite-version), sqlite3 shell $(sqlite3 --version | cut -d' ' -f1)"
say "- corpus: $MESSAGES messages, seed $SEED; each measurement run $REPEAT times: medians, CPU range in brackets, peak RSS the maximum"
say ""

# --- corpus -------------------------------------------------------------------------
CORPUS="$DIR/corpus-$MESSAGES-$SEED.jsonl"
if [ ! -s "$CORPUS" ]; then
    step "generating $CORPUS"
    "$REDLINE" gen-corpus --messages "$MESSAGES" --seed "$SEED" --format jsonl --out "$CORPUS"
fi
json messages "$MESSAGES"
json corpus_bytes "$(stat -c %s "$CORPUS")"

# --- import: Redline and the sqlite3 shell, alternately ---------------------------------
DB="$DIR/redline.db"
S3="$DIR/sqlite3.db"
ROWS_CSV="$DIR/messages.csv"
for r in $(seq "$REPEAT"); do
    step "import $r/$REPEAT: redline"
    rmdb "$DB"
    timed import "$REDLINE" --db "$DB" import --no-index --format jsonl "$CORPUS" > "$DIR/import.log"
    STORED=$(sqlite3 "$DB" "SELECT count(*) FROM messages")
    [ "$STORED" = "$MESSAGES" ] || { echo "bench: stored $STORED of $MESSAGES messages" >&2; exit 1; }
    if [ "$r" = 1 ]; then
        # The same rows as CSV, and the table's and indexes' own SQL.
        sqlite3 -csv "$DB" "SELECT * FROM messages ORDER BY id" > "$ROWS_CSV"
        PAGE_SIZE=$(sqlite3 "$DB" "PRAGMA page_size")
        TABLE_SQL=$(sqlite3 "$DB" "SELECT sql || ';' FROM sqlite_schema WHERE name = 'messages'")
        INDEX_SQL=$(sqlite3 "$DB" "SELECT group_concat(sql || ';', ' ') FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'messages' AND sql IS NOT NULL")
        PRAGMAS="PRAGMA page_size = $PAGE_SIZE; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536;"
    fi
    step "import $r/$REPEAT: sqlite3"
    rmdb "$S3"
    sqlite3 "$S3" "$PRAGMAS $TABLE_SQL" > /dev/null
    timed s3rows sqlite3 "$S3" "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536;" ".import --csv $ROWS_CSV messages"
    timed s3index sqlite3 "$S3" "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536; $INDEX_SQL"
    paste -d' ' "$DIR/s3rows.runs" "$DIR/s3index.runs" | tail -n 1 \
        | awk '{ printf "%.2f %.2f %d %s\n", $1 + $5, $2 + $6, ($3 > $7) ? $3 : $7, $4 }' >> "$DIR/s3both.runs"
done
rm -f "$ROWS_CSV"; rmdb "$S3"
say "## Import to stored rows (generic JSONL, $(mb "$(stat -c %s "$CORPUS")") MB)"
say ""
say "| | wall s | CPU s | messages/s (wall) | messages/s (CPU) | peak RSS MB | load avg |"
say "|---|---:|---:|---:|---:|---:|---:|"
row "redline import --no-index" import "$MESSAGES"
row "sqlite3 .import (rows only)" s3rows "$MESSAGES"
row "sqlite3 .import + CREATE INDEX (same indexes)" s3both "$MESSAGES"
say ""
say "Redline's rate as a share of sqlite3's, same rows and indexes: $(ratio "$(med s3both 1)" "$(med import 1)") by wall time, $(ratio "$(med s3both 2)" "$(med import 2)") by CPU time (rows only: $(ratio "$(med s3rows 1)" "$(med import 1)") / $(ratio "$(med s3rows 2)" "$(med import 2)"))."
say ""
json import_wall_s "$(med import 1)"; json import_cpu_s "$(med import 2)"; json import_rss_mb "$(med import 3 max)"
json import_rate "$(rate "$MESSAGES" "$(med import 1)")"
json ratio_import_wall "$(ratio "$(med s3both 1)" "$(med import 1)")"; json ratio_import_cpu "$(ratio "$(med s3both 2)" "$(med import 2)")"
json ratio_rows_wall "$(ratio "$(med s3rows 1)" "$(med import 1)")"

# --- WhatsApp txt ----------------------------------------------------------------------
if "$REDLINE" formats | grep -q '^whatsapp'; then
    step "whatsapp import"
    WA="$DIR/corpus-$MESSAGES-$SEED-whatsapp.txt"
    [ -s "$WA" ] || "$REDLINE" gen-corpus --messages "$MESSAGES" --seed "$SEED" --format whatsapp --out "$WA"
    WDB="$DIR/redline-whatsapp.db"
    rmdb "$WDB"
    if timed whatsapp "$REDLINE" --db "$WDB" import --no-index --tz Asia/Shanghai "$WA" > "$DIR/import-whatsapp.log" 2>&1; then
        WSTORED=$(sqlite3 "$WDB" "SELECT count(*) FROM messages")
        WFORMAT=$(sqlite3 "$WDB" "SELECT group_concat(format) FROM sources")
        say "WhatsApp Android txt ($(mb "$(stat -c %s "$WA")") MB, detected as \`$WFORMAT\`, one run): $WSTORED messages stored of $MESSAGES written."
        say ""
        say "| | wall s | CPU s | messages/s (wall) | messages/s (CPU) | peak RSS MB | load avg |"
        say "|---|---:|---:|---:|---:|---:|---:|"
        row "redline import --no-index (WhatsApp)" whatsapp "$WSTORED"
        json whatsapp_rate "$(rate "$WSTORED" "$(med whatsapp 1)")"
    else
        say "WhatsApp txt: the import failed (see $DIR/import-whatsapp.log)."
        json whatsapp_rate "failed"
    fi
    rmdb "$WDB"
else
    say "WhatsApp txt: whatsapp importer not available in this build (\`redline formats\` has no whatsapp entry)."
    json whatsapp_rate "not available"
fi
say ""

# --- full-text index: Redline and sqlite3 from the same tokens -----------------------------
UNINDEXED="$DIR/redline-unindexed.db"
sqlite3 "$DB" "PRAGMA wal_checkpoint(TRUNCATE)" > /dev/null
cp "$DB" "$UNINDEXED"
DB_BEFORE=$(stat -c %s "$DB")
FTS_SQL=$(sqlite3 "$DB" "SELECT sql || ';' FROM sqlite_schema WHERE name = 'message_fts'")
SRC="$DIR/fts-src.db"
FTS_DB="$DIR/sqlite3-fts.db"
s3fts() { # NAME EXTRA_SQL
    rmdb "$FTS_DB"
    sqlite3 "$FTS_DB" "$PRAGMAS $FTS_SQL $2" > /dev/null
    timed "$1" sqlite3 "$FTS_DB" "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536; ATTACH '$SRC' AS src;
        INSERT INTO message_fts(rowid, body) SELECT id, body FROM src.fts_src;"
    S3F_BYTES=$(sqlite3 "$FTS_DB" "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'message_fts%'")
    rmdb "$FTS_DB"
}
for r in $(seq "$REPEAT"); do
    step "index $r/$REPEAT: redline"
    rmdb "$DB"; cp "$UNINDEXED" "$DB"
    timed index "$REDLINE" --db "$DB" index > /dev/null
    if [ "$r" = 1 ]; then
        FTS_CSV="$DIR/fts.csv"
        helper fts-csv "$DB" "$FTS_CSV" 2> /dev/null
        rm -f "$SRC"
        sqlite3 "$SRC" "CREATE TABLE fts_src(id INTEGER PRIMARY KEY, body TEXT);" ".import --csv --skip 1 $FTS_CSV fts_src"
        rm -f "$FTS_CSV"
        HASH=$(sqlite3 "$DB" "SELECT v FROM message_fts_config WHERE k = 'hashsize'" 2> /dev/null || true)
    fi
    step "index $r/$REPEAT: sqlite3"
    s3fts s3fts ""
    S3F_SIZE=$S3F_BYTES
    if [ -n "$HASH" ]; then
        s3fts s3fts_hash "INSERT INTO message_fts(message_fts, rank) VALUES ('hashsize', $HASH);"
    fi
done
rm -f "$SRC" "$UNINDEXED"
FTS_BYTES=$(sqlite3 "$DB" "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'message_fts%'")
TEXT_BYTES=$(sqlite3 "$DB" "SELECT sum(length(CAST(text AS BLOB))) FROM messages")
say "## Full-text index build ($MESSAGES messages, $(mb "$TEXT_BYTES") MB of text)"
say ""
say "| | wall s | CPU s | messages/s (wall) | messages/s (CPU) | peak RSS MB | load avg |"
say "|---|---:|---:|---:|---:|---:|---:|"
row "redline index (index $(mb "$FTS_BYTES") MB)" index "$MESSAGES"
row "sqlite3, same FTS5 table and tokens, default hashsize (index $(mb "$S3F_SIZE") MB)" s3fts "$MESSAGES"
if [ -n "$HASH" ]; then
    row "sqlite3, same table and tokens, hashsize $HASH as Redline sets" s3fts_hash "$MESSAGES"
    json sqlite3_fts_hash_cpu_s "$(med s3fts_hash 2)"
fi
say ""
say "sqlite3's time / Redline's (≥ 1: Redline no slower; Redline also reads and tokenises the text): $(ratio "$(med s3fts 1)" "$(med index 1)") by wall time, $(ratio "$(med s3fts 2)" "$(med index 2)") by CPU time against sqlite3 with defaults$([ -n "$HASH" ] && echo "; $(ratio "$(med s3fts_hash 1)" "$(med index 1)") / $(ratio "$(med s3fts_hash 2)" "$(med index 2)") against sqlite3 with the same hashsize")."
say "Workspace file: $(mb "$DB_BEFORE") MB before the index, $(mb "$(stat -c %s "$DB")") MB after."
say ""
json index_wall_s "$(med index 1)"; json index_cpu_s "$(med index 2)"; json index_bytes "$FTS_BYTES"; json index_rss_mb "$(med index 3 max)"
json sqlite3_fts_wall_s "$(med s3fts 1)"; json sqlite3_fts_cpu_s "$(med s3fts 2)"

# --- search latency -------------------------------------------------------------------------
step "search latency"
say "## Search latency (Store::search, limit 20, in-process; load avg $(load))"
say ""
say '```'
helper search "$DB" --messages "$MESSAGES" --seed "$SEED" --per-class 50 --json "$DIR/search.json" | tee -a "$REPORT"
say '```'
say ""
json search_p95_ms "$(tail -n 1 "$DIR/search.json" | sed 's/.*"all":{[^}]*"p95_ms":\([0-9.]*\).*/\1/')"

# --- ~1 GB export ------------------------------------------------------------------------------
if [ "$BIG" = 1 ]; then
    BIGC="$DIR/corpus-$BIG_MESSAGES-$SEED.jsonl"
    [ -s "$BIGC" ] || "$REDLINE" gen-corpus --messages "$BIG_MESSAGES" --seed "$SEED" --format jsonl --out "$BIGC"
    BDB="$DIR/redline-big.db"
    rmdb "$BDB"
    step "big import"
    timed bigimport "$REDLINE" --db "$BDB" import --no-index --format jsonl "$BIGC" > /dev/null
    step "big index"
    timed bigindex "$REDLINE" --db "$BDB" index > /dev/null
    say "## Large export: $(mb "$(stat -c %s "$BIGC")") MB JSONL, $BIG_MESSAGES messages (one run)"
    say ""
    say "| | wall s | CPU s | messages/s (wall) | messages/s (CPU) | peak RSS MB | load avg |"
    say "|---|---:|---:|---:|---:|---:|---:|"
    row "redline import --no-index" bigimport "$BIG_MESSAGES"
    row "redline index" bigindex "$BIG_MESSAGES"
    say ""
    say "Workspace file: $(mb "$(stat -c %s "$BDB")") MB."
    json big_import_rss_mb "$(med bigimport 3)"; json big_index_rss_mb "$(med bigindex 3)"
    json big_import_rate "$(rate "$BIG_MESSAGES" "$(med bigimport 1)")"
    rmdb "$BDB"
fi

step "done: $REPORT, $JSON"
