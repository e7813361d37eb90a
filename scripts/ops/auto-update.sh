#!/usr/bin/env bash
# Updates a Tensorswarm install that is a git clone, and restarts its daemons, only when upstream
# has a commit the running jars were not built from. Walk-through: docs/operations.md, "Auto-update".
#
#   auto-update.sh [--dir <clone>] [--systemd [unit ...]] [--pm2 [name|namespace ...]]
#                  [--restart-cmd <command>] [--check] [--every <seconds>]
#
# One run:
#   1. takes a lock (a second run at the same time is refused: exit 75);
#   2. git fetch; compares upstream's commit with the commit dist/ was built from (dist/COMMIT);
#      equal -> "up to date", exit 0: nothing is built or restarted;
#   3. git merge --ff-only (refuses local commits or edits to tracked files);
#   4. builds into a staging folder (TS_UPDATE_BUILD_CMD, default: mvn package with -Ddist.dir) while
#      the daemons keep running from dist/; a failed build or missing jar stops here (exit 3) and
#      restarts nothing, so the old jars keep running (the next run tries again);
#   5. swaps the staged folder in as dist/ (the previous one goes to .cache/auto-update/dist-previous)
#      and restarts the daemons: --systemd (the given units, default every active tensorswarm-*
#      service), --pm2 (the given names, default the "tensorswarm" namespace) or --restart-cmd.
# Every decision is one log line on stdout. Exit: 0 up to date or updated, 1 git or setup error,
# 2 usage, 3 build failed, 4 restart failed, 75 another run holds the lock; --check: 0 up to date,
# 10 an update is available.
#
# Settings (flags win over these; the systemd unit reads them from /etc/tensorswarm/auto-update.env):
#   TS_UPDATE_DIR          the clone (default: the clone holding this script)
#   TS_UPDATE_UPSTREAM     what to follow, e.g. origin/main (default: the branch's upstream, @{u})
#   TS_UPDATE_BUILD_CMD    build command run by bash in the clone; must write the jars into
#                          $TS_UPDATE_DIST (default: mvn -B -q -DskipTests -Ddist.dir="$TS_UPDATE_DIST" clean package)
#   TS_UPDATE_RESTART_CMD  restart command run by bash (instead of --systemd / --pm2)
#   TS_UPDATE_PM2          the pm2 command (default: pm2)
#   TS_UPDATE_LOCK         lock file (default: <clone>/.cache/auto-update/lock)
#   TS_UPDATE_AS           user that runs git and the build when this script runs as root
#                          (default: the owner of the clone)
set -uo pipefail

log() { printf '%s auto-update: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*"; }
die() { local code=$1; shift; log "$*"; exit "$code"; }
usage() {
    sed -n '2,/^set -uo/p' "$0" | sed -e '/^set -uo/d' -e 's/^# \{0,1\}//' >&2
    exit 2
}

DIR="${TS_UPDATE_DIR:-}"
UPSTREAM="${TS_UPDATE_UPSTREAM:-}"
BUILD_CMD="${TS_UPDATE_BUILD_CMD:-}"
RESTART_CMD="${TS_UPDATE_RESTART_CMD:-}"
PM2="${TS_UPDATE_PM2:-pm2}"
MODE=""
TARGETS=()
CHECK_ONLY=0
EVERY=""
ORIGINAL_ARGS=("$@")

while [[ $# -gt 0 ]]; do
    case "$1" in
        --dir) [[ $# -ge 2 ]] || usage; DIR="$2"; shift 2 ;;
        --upstream) [[ $# -ge 2 ]] || usage; UPSTREAM="$2"; shift 2 ;;
        --build-cmd) [[ $# -ge 2 ]] || usage; BUILD_CMD="$2"; shift 2 ;;
        --restart-cmd) [[ $# -ge 2 ]] || usage; RESTART_CMD="$2"; MODE=cmd; shift 2 ;;
        --systemd|--pm2)
            MODE="${1#--}"; shift
            while [[ $# -gt 0 && "$1" != --* ]]; do TARGETS+=("$1"); shift; done ;;
        --check) CHECK_ONLY=1; shift ;;
        --every) [[ $# -ge 2 && "$2" =~ ^[0-9]+$ && "$2" -gt 0 ]] || usage; EVERY="$2"; shift 2 ;;
        -h|--help) usage ;;
        *) echo "auto-update: unknown argument: $1" >&2; usage ;;
    esac
done
if [[ -n "$RESTART_CMD" && -z "$MODE" ]]; then
    MODE=cmd
fi

# --every N: run once every N seconds, forever (the pm2 way). Each run is a fresh process of this
# file, so an update of the script itself takes effect at the next run.
if [[ -n "$EVERY" ]]; then
    once=()
    skip=0
    for a in "${ORIGINAL_ARGS[@]}"; do
        if [[ $skip -eq 1 ]]; then skip=0; continue; fi
        if [[ "$a" == --every ]]; then skip=1; continue; fi
        once+=("$a")
    done
    trap 'exit 0' TERM INT
    while true; do
        bash "$0" "${once[@]}"
        rc=$?
        [[ $rc -eq 0 ]] || log "run ended with exit $rc; next run in $EVERY s"
        sleep "$EVERY" &
        wait $!
    done
fi

if [[ -z "$DIR" ]]; then
    DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
fi
[[ -d "$DIR" ]] || die 1 "$DIR is not a folder"
DIR="$(cd "$DIR" && pwd)"
cd "$DIR" || die 1 "cannot enter $DIR"

# Running as root (the systemd timer): git and the build run as the clone's owner, so the files
# keep one owner and Maven uses that user's ~/.m2.
AS_USER="${TS_UPDATE_AS:-$(stat -c %U "$DIR")}"
as_owner() {
    if [[ "$(id -u)" -eq 0 && "$AS_USER" != root ]]; then
        local home
        home="$(getent passwd "$AS_USER" | cut -d: -f6)"
        runuser -u "$AS_USER" -- env HOME="$home" "$@"
    else
        "$@"
    fi
}

STATE="$DIR/.cache/auto-update"
as_owner mkdir -p "$STATE" || die 1 "cannot create $STATE"
LOCK="${TS_UPDATE_LOCK:-$STATE/lock}"
exec 9>>"$LOCK" || die 1 "cannot open the lock file $LOCK"
if ! flock -n 9; then
    die 75 "another auto-update is running (lock $LOCK held); refusing to run twice"
fi

as_owner git rev-parse --is-inside-work-tree >/dev/null 2>&1 || die 1 "$DIR is not a git clone"
if [[ -z "$UPSTREAM" ]]; then
    UPSTREAM="$(as_owner git rev-parse --abbrev-ref --symbolic-full-name '@{upstream}' 2>/dev/null)" \
        || die 1 "the current branch of $DIR has no upstream; set TS_UPDATE_UPSTREAM (e.g. origin/main)"
fi
REMOTE="${UPSTREAM%%/*}"

if ! out="$(as_owner git fetch --quiet "$REMOTE" 2>&1)"; then
    die 1 "git fetch $REMOTE failed: $(echo "$out" | tail -n 1)"
fi
TARGET="$(as_owner git rev-parse --verify --quiet "$UPSTREAM^{commit}")" || die 1 "$UPSTREAM is not a commit after fetching"
HEAD="$(as_owner git rev-parse HEAD)"
short() { as_owner git log -1 --format='%h (%s)' "$1" 2>/dev/null || echo "$1"; }

# The commit the running jars were built from: dist/COMMIT, written by this script. A dist/ built
# by hand is taken to be HEAD's build.
if [[ -s dist/COMMIT ]]; then
    BUILT="$(tr -d '[:space:]' < dist/COMMIT)"
elif compgen -G 'dist/*.jar' >/dev/null; then
    BUILT="$HEAD"
    echo "$BUILT" | as_owner tee dist/COMMIT >/dev/null || die 1 "cannot write $DIR/dist/COMMIT"
    log "dist/ has no COMMIT record; taking it as the build of HEAD $(short "$HEAD")"
else
    BUILT=none
fi

if [[ "$BUILT" == "$TARGET" ]]; then
    log "up to date: dist/ is the build of $UPSTREAM $(short "$TARGET"); nothing to do"
    exit 0
fi
if [[ $CHECK_ONLY -eq 1 ]]; then
    log "update available: dist/ is the build of ${BUILT:0:12}, $UPSTREAM is at $(short "$TARGET")"
    exit 10
fi

if [[ "$HEAD" != "$TARGET" ]]; then
    as_owner git merge-base --is-ancestor "$HEAD" "$TARGET" \
        || die 1 "HEAD $(short "$HEAD") is not an ancestor of $UPSTREAM: local commits? refusing (fast-forward only)"
    as_owner git diff --quiet HEAD -- \
        || die 1 "tracked files in $DIR have local changes; refusing to pull (commit or discard them)"
    if ! out="$(as_owner git merge --ff-only --quiet "$TARGET" 2>&1)"; then
        die 1 "git merge --ff-only $UPSTREAM failed: $(echo "$out" | tail -n 1)"
    fi
    log "pulled $(as_owner git rev-list --count "$HEAD..$TARGET") commit(s): ${HEAD:0:12} -> $(short "$TARGET")"
fi

STAGE="$STATE/dist-$TARGET"
BUILD_LOG="$STATE/build.log"
{ as_owner rm -rf "$STAGE" && as_owner mkdir -p "$STAGE"; } || die 1 "cannot create the staging folder $STAGE"
if [[ -z "$BUILD_CMD" ]]; then
    # shellcheck disable=SC2016 # expanded by the bash that runs the build, where TS_UPDATE_DIST is set
    BUILD_CMD='mvn -B -q -DskipTests -Ddist.dir="$TS_UPDATE_DIST" clean package'
fi
log "building $(short "$TARGET") into $STAGE (log $BUILD_LOG)"
start=$(date +%s)
as_owner env TS_UPDATE_DIST="$STAGE" bash -c "$BUILD_CMD" > "$BUILD_LOG" 2>&1
rc=$?
if [[ $rc -ne 0 ]]; then
    as_owner rm -rf "$STAGE"
    die 3 "build failed (exit $rc, last line: $(tail -n 1 "$BUILD_LOG")); keeping the running jars (build of ${BUILT:0:12}); no restart"
fi
# Every jar the running install has must be in the new build.
missing=()
for jar in dist/*.jar; do
    [[ -e "$jar" ]] || continue
    [[ -s "$STAGE/$(basename "$jar")" ]] || missing+=("$(basename "$jar")")
done
if ! compgen -G "$STAGE/*.jar" >/dev/null; then
    missing+=("any *.jar")
fi
if [[ ${#missing[@]} -gt 0 ]]; then
    as_owner rm -rf "$STAGE"
    die 3 "build produced no ${missing[*]} in \$TS_UPDATE_DIST; keeping the running jars (build of ${BUILT:0:12}); no restart"
fi
log "built in $(( $(date +%s) - start )) s"

# Swap: renames on one file system. Running JVMs keep their open jars; the restart follows at once.
echo "$TARGET" | as_owner tee "$STAGE/COMMIT" >/dev/null || die 1 "cannot write $STAGE/COMMIT"
as_owner rm -rf "$STATE/dist-previous"
if [[ -d dist ]]; then
    as_owner mv dist "$STATE/dist-previous" || die 1 "cannot move dist/ aside"
fi
as_owner mv "$STAGE" dist || die 1 "cannot move $STAGE to dist/ (the previous build is in $STATE/dist-previous)"
log "installed dist/ built from $(short "$TARGET") (previous build kept in $STATE/dist-previous)"

case "$MODE" in
    systemd)
        if [[ ${#TARGETS[@]} -eq 0 ]]; then
            mapfile -t TARGETS < <(systemctl list-units --type=service --state=active --plain --no-legend 'tensorswarm-*' \
                | awk '{print $1}' | grep -v '^tensorswarm-auto-update')
        fi
        if [[ ${#TARGETS[@]} -eq 0 ]]; then
            log "no active tensorswarm-* service to restart; the new jars take effect at the next start"
            exit 0
        fi
        RESTART_CMD="systemctl restart ${TARGETS[*]}"
        ;;
    pm2)
        [[ ${#TARGETS[@]} -gt 0 ]] || TARGETS=(tensorswarm)
        RESTART_CMD="$PM2 restart ${TARGETS[*]}"
        ;;
    cmd) ;;
    *)
        log "no restart configured (--systemd, --pm2 or TS_UPDATE_RESTART_CMD); the new jars take effect at the next start"
        exit 0
        ;;
esac
log "restarting: $RESTART_CMD"
if ! bash -c "$RESTART_CMD"; then
    die 4 "restart failed: $RESTART_CMD"
fi
log "restarted; running $(short "$TARGET")"
exit 0
