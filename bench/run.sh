#!/usr/bin/env bash
# bench/run.sh: measure provscan against the floor (reading the first 64 KiB
# of every file with the same concurrency) and exiftool, on one synthetic
# deliverables tree generated in a temporary folder (never inside the repo),
# and write bench/results.md.
#
# Environment:
#   FILES=5000      small files in the tree (stills and sidecars)
#   MASTERS=2       sets of sparse 4 GiB masters (one MP4 with moov at the end, one MOV, one WAV each)
#   REPEAT=3        rounds of the provscan and floor runs (the median is reported)
#   EXIFTOOL=1      also time `exiftool -r -fast2 -j` (installed with apt-get when missing and root)
#   BIG_FILES=0     if > 0, also a second tree of that many files for provscan's peak memory
#   OUT=bench/results.md   where the report goes; APPEND=1 appends a section instead of replacing the file
#   MICRO=0         if 1, first run the Go micro-benchmarks (go test -bench, ns/op, B/op, allocs/op
#                   per reader) and put their output into the report too
#   COLD=auto       also measure provscan and the floor on a cold page cache (dropped before each
#                   run through /proc/sys/vm/drop_caches: root only); auto = when that is writable
#   TMPDIR          where the tree is generated (default /tmp)
set -euo pipefail

cd "$(dirname "$0")/.."
REPO=$(pwd -P)
FILES=${FILES:-5000}
MASTERS=${MASTERS:-2}
REPEAT=${REPEAT:-3}
EXIFTOOL=${EXIFTOOL:-1}
BIG_FILES=${BIG_FILES:-0}
OUT=${OUT:-$REPO/bench/results.md}
APPEND=${APPEND:-0}
GO=${GO:-go}
MICRO=${MICRO:-0}
COLD=${COLD:-auto}
if [ "$COLD" = auto ]; then
	if [ -w /proc/sys/vm/drop_caches ]; then COLD=1; else COLD=0; fi
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/provscan-bench.XXXXXX")
WORK=$(cd "$WORK" && pwd -P)
case "$WORK/" in "$REPO"/*)
	echo "bench: refusing to generate the tree inside the repository ($WORK)" >&2
	exit 2 ;;
esac
trap 'rm -rf "$WORK"' EXIT
log() { echo "bench: $*" >&2; }

# --- tools ---
if [ ! -x /usr/bin/time ]; then
	if [ "$(id -u)" = 0 ]; then apt-get install -y time >&2; else
		echo "bench: /usr/bin/time (GNU time) is needed: apt-get install time" >&2; exit 2; fi
fi
if [ "$EXIFTOOL" = 1 ] && ! command -v exiftool >/dev/null; then
	if [ "$(id -u)" = 0 ]; then apt-get install -y libimage-exiftool-perl >&2 || true; fi
	command -v exiftool >/dev/null || { log "exiftool not installed: skipping it"; EXIFTOOL=0; }
fi

if [ "$MICRO" = 1 ]; then
	log "Go micro-benchmarks"
	microload=$(cut -d' ' -f1-3 /proc/loadavg)
	$GO test -run '^$' -bench . -benchmem -benchtime "${BENCHTIME:-1s}" ./... 2>&1 | grep -v '^ok \|no test files' | tee "$WORK/micro.txt" >&2
fi

log "building into $WORK"
$GO build -tags disable_grpc_modules -o "$WORK/provscan" ./cmd/provscan # as make build
$GO build -o "$WORK/floor" ./bench/floor
$GO build -o "$WORK/gentree" ./bench/gentree

log "generating $FILES files and $MASTERS sets of masters"
"$WORK/gentree" -o "$WORK/tree" -files "$FILES" -masters "$MASTERS" >"$WORK/tree.json"
TREE="$WORK/tree"

# Warm the page cache so that every tool sees the same (cached) tree.
"$WORK/floor" "$TREE" >/dev/null
"$WORK/floor" "$TREE" >/dev/null

: >"$WORK/runs.tsv"
# measure NAME CMD...: one timed run; appends name, wall seconds, peak RSS (KiB),
# 1-minute load average before the run and exit code to runs.tsv.
measure() {
	local name=$1; shift
	local load t0 t1 rc=0 rss cpu
	load=$(cut -d' ' -f1 /proc/loadavg)
	t0=$(date +%s%N)
	/usr/bin/time -v -o "$WORK/$name.time" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" || rc=$?
	t1=$(date +%s%N)
	rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/$name.time")
	cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {printf "%.2f", s}' "$WORK/$name.time")
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", (b-a)/1e9}')" "$rss" "$load" "$rc" "$cpu" >>"$WORK/runs.tsv"
	log "$name: rc=$rc $(tail -1 "$WORK/runs.tsv" | cut -f2)s"
}

for r in $(seq "$REPEAT"); do
	measure floor "$WORK/floor" "$TREE"
	measure provscan "$WORK/provscan" scan --format json -o /dev/null "$TREE"
	measure provscan-w1 "$WORK/provscan" scan --workers 1 --format json -o /dev/null "$TREE"
	measure floor-w1 "$WORK/floor" -workers 1 "$TREE"
	measure provscan-w2 "$WORK/provscan" scan --workers 2 --format json -o /dev/null "$TREE"
done
if [ "$EXIFTOOL" = 1 ]; then
	measure exiftool exiftool -r -fast2 -j "$TREE"
fi
# dropcache: write dirty pages, then drop the page cache, dentries and inodes.
dropcache() { sync; echo 3 >/proc/sys/vm/drop_caches; }
if [ "$COLD" = 1 ]; then
	log "cold page cache rounds"
	for r in $(seq "$REPEAT"); do
		dropcache; measure cold-floor "$WORK/floor" "$TREE"
		dropcache; measure cold-provscan "$WORK/provscan" scan --format json -o /dev/null "$TREE"
	done
	# Warm again for what follows.
	"$WORK/floor" "$TREE" >/dev/null
fi

# One untimed JSON run for the report's counters, one for the masters alone.
"$WORK/provscan" scan --format json -o "$WORK/report.json" "$TREE" || true
"$WORK/provscan" scan --format json -o "$WORK/masters.json" "$TREE/masters" || true
"$WORK/floor" "$TREE" >"$WORK/floor.json"

if [ "$BIG_FILES" -gt 0 ]; then
	log "generating the big tree: $BIG_FILES files"
	rm -rf "$TREE"
	"$WORK/gentree" -o "$WORK/big" -files "$BIG_FILES" -masters 0 -max-payload 16384 >"$WORK/big.json"
	"$WORK/floor" "$WORK/big" >/dev/null
	measure big-floor "$WORK/floor" "$WORK/big"
	measure big-provscan "$WORK/provscan" scan --format json -o /dev/null "$WORK/big"
	"$WORK/provscan" scan --format json -o "$WORK/big-report.json" "$WORK/big" || true
fi

# --- report ---
# median NAME COLUMN: median of a column of runs.tsv over the runs of NAME.
median() {
	awk -F'\t' -v n="$1" -v c="$2" '$1==n {print $c}' "$WORK/runs.tsv" | sort -g |
		awk '{a[NR]=$1} END {if (NR==0) print ""; else if (NR%2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}'
}
loads() { awk -F'\t' -v n="$1" '$1==n {printf "%s%s", s, $4; s=", "}' "$WORK/runs.tsv"; }
div() { awk -v a="$1" -v b="$2" -v f="${3:-%.2f}" 'BEGIN { if (b+0 == 0) print "n/a"; else printf f "\n", a/b }'; }
jqn() { jq -r "$1" "$2"; }

nfiles=$(jqn .summary.files "$WORK/report.json")
row() { # name label workers
	local w m rss
	w=$(median "$1" 2)
	[ -n "$w" ] || return 0
	m=$(median "$1" 3)
	rss=$(div "$m" 1024 "%.1f")
	printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$2" "$3" "$w" "$(div "$4" "$w" "%.0f")" "$(median "$1" 6)" "$rss" "$(loads "$1")"
}

cpu=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)
mem=$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)
pw=$(median provscan 2); fw=$(median floor 2)
pw1=$(median provscan-w1 2); pw2=$(median provscan-w2 2); fw1=$(median floor-w1 2)
masters=$(jqn .summary.files "$WORK/masters.json")
mread=$(jqn .summary.bytes_read "$WORK/masters.json")
exw=$(median exiftool 2)
{
	if [ "$APPEND" != 1 ]; then
		echo "# provscan benchmark results"
		echo
		echo "Written by \`bench/run.sh\`. Each section is one run; all numbers of a section come from the same"
		echo "tree in the same run, and the ratios compare tools measured side by side (interleaved rounds)."
		echo
	fi
	echo "## Run of $(date -u '+%Y-%m-%d %H:%M UTC') (commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown))"
	echo
	echo "Machine: $(nproc) CPUs ($cpu), $mem memory, $(uname -sr), $($GO version | cut -d' ' -f3)$( [ "$EXIFTOOL" = 1 ] && echo ", exiftool $(exiftool -ver)")."
	echo "Load average (1 min, from /proc/loadavg) is given before each run: other jobs were sharing the machine when it is above ~0.5."
	echo
	echo "Tree: $nfiles files ($(jqn .files "$WORK/tree.json") written: $(jqn .marked "$WORK/tree.json") stills with GenAI markers, $(jqn .masters "$WORK/tree.json") sparse 4 GiB masters;"
	echo "the rest clean JPEG/PNG/WebP stills, most with camera or editor EXIF/XMP, .srt subtitles and .json sidecars),"
	echo "$(awk -v b="$(jqn .bytes "$WORK/tree.json")" 'BEGIN{printf "%.1f GiB", b/2^30}') apparent size. Page cache warm (two unmeasured floor passes first), except for the cold rows: page cache, dentries and inodes dropped before each of those runs."
	echo
	echo "Median of $REPEAT interleaved rounds (exiftool: one run). Wall time by the shell clock, peak RSS by \`/usr/bin/time -v\`."
	echo
	echo "| run | workers | wall s | files/s | CPU s (user+sys) | peak RSS MiB | load avg before each run |"
	echo "|---|---|---|---|---|---|---|"
	row provscan "provscan \`scan --format json -o /dev/null\`" "$(nproc) (default)" "$nfiles"
	row provscan-w1 "provscan" 1 "$nfiles"
	row provscan-w2 "provscan" 2 "$nfiles"
	row floor "floor (first 64 KiB of each file)" "$(nproc) (default)" "$nfiles"
	row floor-w1 "floor" 1 "$nfiles"
	row exiftool "exiftool \`-r -fast2 -j\`" 1 "$nfiles"
	row cold-provscan "provscan, cold page cache" "$(nproc) (default)" "$nfiles"
	row cold-floor "floor, cold page cache" "$(nproc) (default)" "$nfiles"
	echo
	echo "| measure | value | target |"
	echo "|---|---|---|"
	echo "| provscan / floor, wall time | $(div "$pw" "$fw") | at most 1.5 |"
	echo "| provscan / floor, CPU time (less sensitive to other load) | $(div "$(median provscan 6)" "$(median floor 6)") | |"
	if [ "$COLD" = 1 ]; then
		echo "| provscan / floor, wall time, cold page cache (every file read from the disk, as on a drive just mounted) | $(div "$(median cold-provscan 2)" "$(median cold-floor 2)") | at most 1.5 |"
	fi
	[ -n "$exw" ] && echo "| provscan files/s / exiftool files/s (= exiftool time / provscan time) | $(div "$exw" "$pw" "%.1f") | at least 50 |"
	echo "| scaling: provscan files/s with 2 workers / with 1 | $(div "$pw1" "$pw2") | above 1 |"
	echo "| scaling of the floor, 2 workers / 1 | $(div "$fw1" "$fw") | (reference) |"
	echo "| bytes read per 4 GiB master | $(div "$mread" "$masters" "%.0f") B ($masters masters, $mread B in all) | under 1 MiB |"
	echo "| bytes read by provscan, whole tree | $(jqn .summary.bytes_read "$WORK/report.json") B ($(jqn .summary.flagged "$WORK/report.json") flagged files, hashed only when an approval of their size exists: none here) | |"
	echo "| bytes read by the floor, whole tree | $(jqn .bytes_read "$WORK/floor.json") B | |"
	echo "| provscan peak RSS, this tree | $(div "$(median provscan 3)" 1024 "%.1f") MiB | |"
	if [ "$BIG_FILES" -gt 0 ]; then
		bn=$(jqn .summary.files "$WORK/big-report.json")
		bw=$(median big-provscan 2)
		echo "| provscan peak RSS, $bn-file tree | $(div "$(median big-provscan 3)" 1024 "%.1f") MiB (wall $bw s, $(div "$bn" "$bw" "%.0f") files/s, load $(loads big-provscan)) | under 200 MB |"
		echo "| provscan / floor on the $bn-file tree, wall time | $(div "$bw" "$(median big-floor 2)") (floor $(median big-floor 2) s, load $(loads big-floor)) | at most 1.5 |"
	fi
	echo
	if [ "$MICRO" = 1 ]; then
		echo "Go micro-benchmarks (\`go test -run '^\$' -bench . -benchmem ./...\`; load average $microload before):"
		echo "container.Read per format (BenchmarkRead), provenance.Inspect end to end (BenchmarkInspect) on one"
		echo "typical file per format (bench/synth.Samples: stills of about 200 KiB, sparse 4 GiB masters), and"
		echo "scanner.Scan over a generated 1,003-file tree (BenchmarkScan). read-B/op is the bytes read per file."
		echo
		echo '```'
		grep -E '^(Benchmark|goos|cpu)' "$WORK/micro.txt" || true
		echo '```'
		echo
	fi
	echo "Reproduce: \`make bench\` (this script with MICRO=1 REPEAT=5 BIG_FILES=100000), or:"
	echo "\`FILES=$FILES MASTERS=$MASTERS REPEAT=$REPEAT EXIFTOOL=$EXIFTOOL BIG_FILES=$BIG_FILES MICRO=$MICRO COLD=$COLD bench/run.sh\`."
	echo
	echo "<details><summary>raw runs (name, wall s, peak RSS KiB, load avg before, exit code, CPU s)</summary>"
	echo
	echo '```'
	cat "$WORK/runs.tsv"
	echo '```'
	echo "</details>"
	echo
} >"$WORK/section.md"

if [ "$APPEND" = 1 ] && [ -f "$OUT" ]; then
	cat "$WORK/section.md" >>"$OUT"
else
	cp "$WORK/section.md" "$OUT"
	# the header was written into the section when not appending
fi
log "wrote $OUT"
cat "$WORK/section.md"
