#!/usr/bin/env bash
# npm run test:compose: builds and starts docker-compose.yml as its own project
# (own ports, own volume, its own certificate under test/.out), runs the
# gRPC-Web behaviour tests through Envoy (test/deploy/compose-grpc-web.test.ts)
# over https and http, then removes the project. A deployment already running
# from this folder (project "headcount", ports 443/80) is not touched.
#
# Needs Docker with compose v2.17+ (for --wait) and internet for the image
# builds and the model download on first start. HEADCOUNT_DETECTOR=none skips
# the model (transport only). Ports: HEADCOUNT_HTTPS_PORT / HEADCOUNT_HTTP_PORT.
set -euo pipefail
cd "$(dirname "$0")/../.."

project=headcount-compose-test
export HEADCOUNT_HTTPS_PORT="${HEADCOUNT_HTTPS_PORT:-18443}"
export HEADCOUNT_HTTP_PORT="${HEADCOUNT_HTTP_PORT:-18080}"
# The tests capture with a shared token (the stack's own default asks for pairing).
export HEADCOUNT_CAPTURE_TOKEN="${HEADCOUNT_CAPTURE_TOKEN:-compose-test-capture-token}"
certs=test/.out/compose-certs
bash envoy/make-cert.sh --if-missing --out "$certs" localhost >/dev/null
export HEADCOUNT_CERT_DIR="./$certs/certs"

compose() { docker compose -p "$project" "$@"; }
finish() {
  status=$?
  if [ "$status" -ne 0 ]; then compose logs --no-color --tail 80 || true; fi
  compose down --volumes --remove-orphans || true
  exit "$status"
}
trap finish EXIT

compose up -d --build --wait --wait-timeout 600

HEADCOUNT_COMPOSE_URL="https://localhost:$HEADCOUNT_HTTPS_PORT" \
HEADCOUNT_COMPOSE_HTTP_URL="http://localhost:$HEADCOUNT_HTTP_PORT" \
NODE_EXTRA_CA_CERTS="$certs/ca/ca.crt" \
  node --import tsx --test --test-reporter=spec test/deploy/compose-grpc-web.test.ts
