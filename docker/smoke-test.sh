#!/usr/bin/env bash
# shellcheck disable=SC2016 # the node -e programs are single-quoted on purpose
# Smoke test of the local test images (docker/build-images.sh): a throwaway Compose project with
# Prometheus scraping node-exporter, the dcgm fixture and Alertmanager by service name, each
# service using the healthcheck obsctl renders for it. Checks that every container turns healthy,
# that `up` is 1 for every target and that DCGM_FI_DEV_GPU_TEMP is scraped, then removes the
# project (`down -v`). Nothing is pulled (--pull never); ports are published on 127.0.0.1 only.
#
# Usage: docker/smoke-test.sh            (builds the images first when they are missing or stale)
# Exit status: 0 ok, 1 failure, 3 no Docker engine (report Docker tests as SKIPPED, not passed).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
say() { echo "smoke-test: $*"; }
fail() { echo "smoke-test: FAIL: $*" >&2; exit 1; }
now() { echo "$EPOCHREALTIME"; }
since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1fs", b - a }'; }

out=$("$HERE/build-images.sh") || exit $?
echo "$out"
tag() { awk -v n="obsctl-test/$1:" 'index($1, n) == 1 { print $1 }' <<<"$out"; }
PROM=$(tag prometheus) AM=$(tag alertmanager) NODE=$(tag node-exporter) DCGM=$(tag dcgm-fixture)

PROJECT=obsctl-smoke-$$-$RANDOM
DIR=$(mktemp -d)
C=(docker compose --project-name "$PROJECT" --project-directory "$DIR" -f "$DIR/compose.yaml")
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
  local t
  t=$(now)
  "${C[@]}" down -v --remove-orphans --timeout 10 >/dev/null 2>&1 || true
  say "down -v ($(since "$t"))"
  rm -rf "$DIR"
}
trap cleanup EXIT

mkdir -p "$DIR/prometheus"
cat >"$DIR/prometheus/prometheus.yml" <<'YML'
global:
  scrape_interval: 1s
  evaluation_interval: 1s
alerting:
  alertmanagers:
    - static_configs:
        - targets: ["alertmanager:9093"]
scrape_configs:
  - job_name: prometheus
    static_configs: [{ targets: ["localhost:9090"] }]
  - job_name: alertmanager
    static_configs: [{ targets: ["alertmanager:9093"] }]
  - job_name: node
    static_configs: [{ targets: ["node-exporter:9100"] }]
  - job_name: dcgm
    # busybox httpd sends no Content-Type for /metrics; Prometheus 3 needs to be told the format.
    fallback_scrape_protocol: PrometheusText0.0.4
    static_configs: [{ targets: ["dcgm-exporter:9400"] }]
YML
chmod -R a+rX "$DIR"

# The healthchecks are the ones obsctl renders for the upstream images.
cat >"$DIR/compose.yaml" <<YML
services:
  prometheus:
    image: $PROM
    pull_policy: never
    volumes: ["./prometheus:/etc/prometheus:ro", "prometheus-data:/prometheus"]
    ports: ["127.0.0.1::9090"]
    healthcheck:
      test: ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:9090/-/ready"]
      interval: 1s
      timeout: 3s
      retries: 30
  alertmanager:
    image: $AM
    pull_policy: never
    volumes: ["alertmanager-data:/alertmanager"]
    healthcheck:
      test: ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:9093/-/ready"]
      interval: 1s
      timeout: 3s
      retries: 30
  node-exporter:
    image: $NODE
    pull_policy: never
    healthcheck:
      test: ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:9100/metrics"]
      interval: 1s
      timeout: 3s
      retries: 30
  dcgm-exporter:
    image: $DCGM
    pull_policy: never
    command: ["-f", "/etc/dcgm-exporter/counters.csv", "-c", "15000", "-a", ":9400"]
    healthcheck:
      test: ["CMD", "bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/9400 && printf 'GET /health HTTP/1.0\\\\r\\\\n\\\\r\\\\n' >&3 && grep -q ' 200 ' <&3"]
      interval: 1s
      timeout: 3s
      retries: 30
volumes:
  prometheus-data: {}
  alertmanager-data: {}
YML
"${C[@]}" config -q || fail "compose config rejected the project"

t=$(now)
"${C[@]}" up -d --pull never --wait --wait-timeout 60 >"$DIR/up.log" 2>&1 || {
  cat "$DIR/up.log" >&2
  "${C[@]}" ps -a >&2
  "${C[@]}" logs --no-color >&2
  fail "the stack did not become healthy"
}
say "up -d --wait: all 4 services healthy ($(since "$t"))"
for s in prometheus alertmanager node-exporter dcgm-exporter; do
  id=$("${C[@]}" ps -q "$s")
  say "  $s: $(docker inspect --format '{{.State.Health.Status}} ({{json .Config.Healthcheck.Test}})' "$id")"
done

# The dcgm healthcheck must also fail when it should: a 404 and a closed port.
neg() { ! "${C[@]}" exec -T dcgm-exporter bash -c "$1" >/dev/null 2>&1; }
neg "exec 3<>/dev/tcp/127.0.0.1/9400 && printf 'GET /nope HTTP/1.0\r\n\r\n' >&3 && grep -q ' 200 ' <&3" ||
  fail "dcgm healthcheck passes on a 404"
neg "exec 3<>/dev/tcp/127.0.0.1/9401 && printf 'GET /health HTTP/1.0\r\n\r\n' >&3 && grep -q ' 200 ' <&3" ||
  fail "dcgm healthcheck passes on a closed port"
say "dcgm healthcheck fails on /nope (404) and on a closed port, as it should"

port=$("${C[@]}" port prometheus 9090) # 127.0.0.1:NNNNN
base="http://$port"
query() { curl -fsS --get --data-urlencode "query=$1" "$base/api/v1/query"; }
t=$(now) up='{}' dcgm='{}'
for _ in $(seq 1 60); do
  up=$(query up) || up='{}'
  dcgm=$(query DCGM_FI_DEV_GPU_TEMP) || dcgm='{}'
  if node -e '
    const up = JSON.parse(process.argv[1]).data.result, g = JSON.parse(process.argv[2]).data.result;
    process.exit(up.length === 4 && up.every((r) => r.value[1] === "1") && g.length > 0 ? 0 : 1);
  ' "$up" "$dcgm" 2>/dev/null; then
    say "scraped all 4 targets ($(since "$t") after healthy)"
    say "GET $base/api/v1/query?query=up"
    node -e 'for (const r of JSON.parse(process.argv[1]).data.result) console.log(`  up{job="${r.metric.job}",instance="${r.metric.instance}"} = ${r.value[1]}`)' "$up"
    say "GET $base/api/v1/query?query=DCGM_FI_DEV_GPU_TEMP"
    node -e 'for (const r of JSON.parse(process.argv[1]).data.result) console.log(`  DCGM_FI_DEV_GPU_TEMP{gpu="${r.metric.gpu}",modelName="${r.metric.modelName}",job="${r.metric.job}"} = ${r.value[1]}`)' "$dcgm"
    say "PASS"
    exit 0
  fi
  sleep 0.5
done
echo "up: $up" >&2
echo "DCGM_FI_DEV_GPU_TEMP: $dcgm" >&2
fail "targets not all up, or DCGM_FI_DEV_GPU_TEMP not scraped, within 30s"
