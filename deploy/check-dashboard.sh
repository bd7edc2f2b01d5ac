#!/usr/bin/env bash
# Runs a bench load, scrapes it live with a Prometheus of its own, and evaluates every query of every panel of the
# Grafana dashboard (deploy/grafana/dashboards/parley.json) against it: proof that the dashboard shows a live load,
# without Docker and without Grafana. A manual tool, not part of ./test.
#
# How to run:
#   1. a Prometheus binary: apt-get install prometheus (Debian's 2.42; the system service need not run), or any
#      release from prometheus.io
#   2. the bench built: ./mvnw -B -q install -DskipTests (or set BENCH_CLASSPATH, see below)
#   3. deploy/check-dashboard.sh [path/to/prometheus]
#
# It prints one row per query: panel, legend, the query as evaluated, the series with a value (most at one poll),
# the last such poll's value (the largest series) and the peak over the run; and exits 1 if any query never returned
# a series with a value (NaN counts as none: Grafana draws nothing) while the load ran or just after it.
#
# Environment (all optional):
#   BENCH_ARGS       the bench scenario and arguments (default: "latency 10 ws 30", about two minutes)
#   BENCH_CLASSPATH  run the bench with java -cp this classpath instead of ./mvnw -pl bench exec:java
#   RATE_INTERVAL    what stands for Grafana's $__rate_interval (default 30s: scrapes every 2 s)
#   DASHBOARD        the dashboard JSON (default deploy/grafana/dashboards/parley.json)
#   POLL_SECONDS     how often the queries are evaluated while the load runs (default 5)
#   CHART            a PNG to draw some panels in over the run (DashboardChart), e.g. docs/screenshots/dashboard-live.png
#   CHART_PANELS     their titles, ;-separated (default: the client TTFT and tokens per second panels)
#   KEEP_DIR         a directory to keep the bench log, the Prometheus log and every poll's answers (polls.jsonl);
#                    otherwise they go, with Prometheus' data, to a temporary directory deleted at the end
set -euo pipefail

cd "$(dirname "$0")/.."
PROMETHEUS="${1:-${PROMETHEUS:-$(command -v prometheus || true)}}"
[[ -x "$PROMETHEUS" ]] || { echo "no prometheus binary: pass its path, or apt-get install prometheus" >&2; exit 2; }
BENCH_ARGS="${BENCH_ARGS:-latency 10 ws 30}"
RATE_INTERVAL="${RATE_INTERVAL:-30s}"
POLL_SECONDS="${POLL_SECONDS:-5}"
CHART_PANELS="${CHART_PANELS:-Time to first token: as clients get it;Tokens per second}"
DASHBOARD="${DASHBOARD:-deploy/grafana/dashboards/parley.json}"

work="$(mktemp -d -t parley-dashboard-XXXXXX)"
out="${KEEP_DIR:-$work}"
mkdir -p "$out"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# four free ports: gateway metrics, worker metrics, postprocess, Prometheus
read -r gateway worker postprocess prom < <(python3 - <<'EOF'
import socket
socks = [socket.socket() for _ in range(4)]
for s in socks: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in socks])
for s in socks: s.close()
EOF
)

# the jobs of deploy/prometheus/prometheus.yml, here on loopback; every meter also carries its own service tag
cat > "$work/prometheus.yml" <<EOF
global:
  scrape_interval: 2s
  evaluation_interval: 2s
scrape_configs:
  - job_name: gateway
    static_configs: [{targets: ["127.0.0.1:$gateway"]}]
  - job_name: worker
    static_configs: [{targets: ["127.0.0.1:$worker"]}]
  - job_name: postprocess
    static_configs: [{targets: ["127.0.0.1:$postprocess"]}]
EOF
"$PROMETHEUS" --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" \
  --web.listen-address="127.0.0.1:$prom" >"$out/prometheus.log" 2>&1 &
pids+=($!)

export PARLEY_GATEWAY_METRICS_PORT=$gateway PARLEY_WORKER_METRICS_PORT=$worker PARLEY_POSTPROCESS_PORT=$postprocess
if [[ -n "${BENCH_CLASSPATH:-}" ]]; then
  # shellcheck disable=SC2086
  java -cp "$BENCH_CLASSPATH" dev.parley.bench.Bench $BENCH_ARGS >"$out/bench.log" 2>&1 &
else
  ./mvnw -B -q -pl bench exec:java -Dexec.args="$BENCH_ARGS" >"$out/bench.log" 2>&1 &
fi
bench=$!
pids+=($bench)
echo "bench '$BENCH_ARGS' (pid $bench, log $out/bench.log); Prometheus http://127.0.0.1:$prom scraping" \
  "gateway :$gateway, worker :$worker, postprocess :$postprocess every 2 s" >&2

status=0
(python3 - "$DASHBOARD" "http://127.0.0.1:$prom" "$bench" "$RATE_INTERVAL" "$POLL_SECONDS" "$out/polls.jsonl" \
  "${CHART:+$CHART_PANELS}" "$out/panels.json" <<'EOF'
import json, math, os, sys, time, urllib.parse, urllib.request

dashboard, prom, bench, rate_interval, poll, log, chart_panels, chart_json = sys.argv[1:9]
bench, poll, started, units = int(bench), float(poll), time.time(), {}

def panels(node):
    for panel in node.get("panels", []):
        yield panel
        yield from panels(panel)  # rows hold panels of their own

queries = []
for panel in panels(json.load(open(dashboard))):
    units[panel.get("title")] = panel.get("fieldConfig", {}).get("defaults", {}).get("unit", "")
    for target in panel.get("targets", []):
        if target.get("expr"):
            expr = target["expr"]
            for var, value in (("$__rate_interval", rate_interval), ("$__interval", "2s"), ("$__range", "5m")):
                expr = expr.replace(var, value)
            queries.append({"panel": panel.get("title", "?"), "legend": target.get("legendFormat", target.get("refId", "")),
                            "expr": expr, "valued": 0, "sample": None, "peak": -math.inf})

def get(path, **params):
    with urllib.request.urlopen(prom + path + "?" + urllib.parse.urlencode(params), timeout=10) as answer:
        return json.load(answer)

deadline = time.time() + 60
while True:
    try:
        get("/api/v1/query", query="1")
        break
    except Exception:
        if time.time() > deadline:
            sys.exit("Prometheus did not answer within 60 s")
        time.sleep(1)

def evaluate(phase):
    with open(log, "a") as out:
        for q in queries:
            result = get("/api/v1/query", query=q["expr"])["data"]["result"]
            valued = [r for r in result if not math.isnan(float(r["value"][1]))]
            out.write(json.dumps({"t": time.time(), "phase": phase, "expr": q["expr"], "result": result}) + "\n")
            if valued and len(valued) >= q["valued"]:  # the latest poll with the most series
                q["valued"] = len(valued)
                top = max(valued, key=lambda r: float(r["value"][1]))
                labels = ",".join(f"{k}={v}" for k, v in top["metric"].items())
                q["sample"] = f"{float(top['value'][1]):.4g}" + (f" ({labels})" if labels else "")
            if valued:
                q["peak"] = max([q["peak"]] + [float(r["value"][1]) for r in valued])

# "running" is the bench process being alive: a pid the kernel still knows (the shell reaps it after we exit)
polls = 0
while os.path.exists(f"/proc/{bench}") and open(f"/proc/{bench}/stat").read().split()[2] != "Z":
    time.sleep(poll)
    evaluate("load")
    polls += 1
evaluate("after")  # the rate windows still hold the last of the load

if chart_panels:  # the chosen panels over the whole run, for DashboardChart
    end, drawn = time.time(), []
    for title in chart_panels.split(";"):
        panel = {"title": title, "unit": units.get(title, ""), "series": []}
        for q in (q for q in queries if q["panel"] == title):
            for r in get("/api/v1/query_range", query=q["expr"], start=started, end=end, step="2")["data"]["result"]:
                name = q["legend"]
                for k, v in r["metric"].items():
                    name = name.replace("{{" + k + "}}", v)
                panel["series"].append({"name": name, "t": [p[0] for p in r["values"]],
                                        "v": [None if math.isnan(float(p[1])) else float(p[1]) for p in r["values"]]})
        drawn.append(panel)
    json.dump(drawn, open(chart_json, "w"))

up = get("/api/v1/query", query="max_over_time(up[1h])")["data"]["result"]
print(f"\nPrometheus polled {polls + 1} times; targets: " +
      ", ".join(f"{r['metric']['job']}={r['value'][1]}" for r in up) + "\n")
print("| panel | legend | query | series | last value (its labels) | peak |")
print("|---|---|---|---|---|---|")
for q in queries:
    peak = f"{q['peak']:.4g}" if q["valued"] else "none"
    print(f"| {q['panel']} | {q['legend']} | `{q['expr']}` | {q['valued']} | {q['sample'] or 'none'} | {peak} |")
empty = [q for q in queries if not q["valued"]]
if empty:
    print(f"\nqueries that never returned a value ({len(empty)}):", *(f"  {q['panel']}: {q['expr']}" for q in empty), sep="\n")
    sys.exit(1)
print(f"\nevery one of the {len(queries)} queries returned a value under load")
EOF
) || status=$?
bench_status=0
wait "$bench" || bench_status=$?
if [[ $bench_status -ne 0 ]]; then
  echo "the bench exited with $bench_status: see $out/bench.log" >&2
  tail -20 "$out/bench.log" >&2
  exit 1
fi
if [[ -n "${CHART:-}" && -s "$out/panels.json" ]]; then
  if [[ -n "${BENCH_CLASSPATH:-}" ]]; then
    java -cp "$BENCH_CLASSPATH" dev.parley.bench.DashboardChart "$out/panels.json" "$CHART"
  else
    ./mvnw -B -q -pl bench exec:java -Dexec.mainClass=dev.parley.bench.DashboardChart \
      -Dexec.args="$out/panels.json $PWD/$CHART"
  fi
fi
exit "$status"
