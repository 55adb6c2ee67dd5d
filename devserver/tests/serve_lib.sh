# Sourced by the scripts that need a running ascend-dev (devserver/tests/*.sh, examples/run_demo.sh).
#
#   start_ascend_dev BIN WORKDIR [serve args...]
#       starts `BIN serve --addr 127.0.0.1:0 ...` in the background (stdout/stderr in WORKDIR), waits up to 30 s
#       for its one line `ascend-dev listening on http://...`, and sets ASCEND_DEV_PID and ASCEND_DEV_LISTEN_URL.
#       Returns 1 (after printing the server's stderr) if it does not come up.
#   stop_ascend_dev
#       SIGTERM to that PID (only that PID) and wait for it; safe to call twice.

start_ascend_dev() {
    local bin="$1" work="$2"
    shift 2
    ASCEND_DEV_LISTEN_URL=""
    "$bin" serve --addr 127.0.0.1:0 "$@" >"$work/ascend-dev.out" 2>"$work/ascend-dev.err" &
    ASCEND_DEV_PID=$!
    local line
    for _ in $(seq 1 300); do
        if line="$(grep -m1 '^ascend-dev listening on http://' "$work/ascend-dev.out" 2>/dev/null)"; then
            ASCEND_DEV_LISTEN_URL="${line#ascend-dev listening on }"
            return 0
        fi
        kill -0 "$ASCEND_DEV_PID" 2>/dev/null || break
        sleep 0.1
    done
    echo "ascend-dev did not start; its stderr:" >&2
    cat "$work/ascend-dev.err" >&2
    return 1
}

stop_ascend_dev() {
    if [ -n "${ASCEND_DEV_PID:-}" ] && kill -0 "$ASCEND_DEV_PID" 2>/dev/null; then
        kill -TERM "$ASCEND_DEV_PID" 2>/dev/null || true
        wait "$ASCEND_DEV_PID" 2>/dev/null || true
    fi
    ASCEND_DEV_PID=""
}
