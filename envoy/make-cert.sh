#!/usr/bin/env bash
# Makes a local certificate authority and, signed by it, the https certificate
# Envoy serves, so that phones and Pis on the LAN get a secure context
# (getUserMedia needs one). Needs only openssl.
#
#   envoy/make-cert.sh [--if-missing] [--out DIR] [NAME_OR_IP ...]
#
# Names: every DNS name and IP address the devices will type or scan, e.g.
#   envoy/make-cert.sh headcount.lan 192.168.1.20
# Without names it uses this machine's host name, <host name>.local and its
# IPv4 addresses. localhost and 127.0.0.1 are always included.
#
# Writes (DIR defaults to the folder of this script):
#   DIR/ca/ca.key        the CA's private key: keep it here, never copy it to a device
#   DIR/ca/ca.crt        the CA certificate: install and trust it on phones and Pis
#   DIR/certs/server.crt the server certificate (825 days: Apple's limit for user-trusted CAs)
#   DIR/certs/server.key its key; readable by all, since Envoy runs as uid 101 in its container
#   DIR/certs/ca.crt     a copy of the CA certificate, which Envoy serves at http://HOST/ca.crt
#
# An existing CA is reused, so after re-running with new names (a new IP) only
# `docker compose restart envoy` is needed: devices that trust the CA still do.
# --if-missing does nothing when DIR/certs/server.crt already exists.
set -euo pipefail

out="$(cd "$(dirname "$0")" && pwd)"
if_missing=0
names=()
while [ $# -gt 0 ]; do
  case "$1" in
    --if-missing) if_missing=1 ;;
    --out) out="$2"; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "make-cert.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) names+=("$1") ;;
  esac
  shift
done

ca_dir="$out/ca"
cert_dir="$out/certs"
if [ "$if_missing" = 1 ] && [ -f "$cert_dir/server.crt" ]; then
  echo "make-cert.sh: $cert_dir/server.crt exists, nothing to do"
  exit 0
fi
command -v openssl >/dev/null || { echo "make-cert.sh: openssl is needed (apt-get install openssl)" >&2; exit 1; }

if [ ${#names[@]} -eq 0 ]; then
  host="$(hostname 2>/dev/null || echo headcount)"
  names+=("$host" "$host.local")
  # Linux: every IPv4 address of this machine (hostname -I does not exist on macOS).
  for ip in $(hostname -I 2>/dev/null || true); do
    case "$ip" in *:*) ;; *) names+=("$ip") ;; esac
  done
fi

# subjectAltName: DNS: for names, IP: for addresses (browsers ignore the CN).
san="DNS:localhost,IP:127.0.0.1"
seen=" localhost 127.0.0.1 "
for name in "${names[@]}"; do
  case "$seen" in *" $name "*) continue ;; esac
  seen="$seen$name "
  if [[ "$name" =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$ || "$name" == *:* ]]; then
    san="$san,IP:$name"
  else
    san="$san,DNS:$name"
  fi
done

mkdir -p "$ca_dir" "$cert_dir"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if [ ! -f "$ca_dir/ca.key" ] || [ ! -f "$ca_dir/ca.crt" ]; then
  # Android and iOS install only a certificate marked as a CA (basicConstraints CA:TRUE).
  (umask 077 && openssl req -x509 -new -newkey rsa:2048 -nodes -sha256 -days 3650 \
    -subj "/CN=headcount local CA $(date +%Y-%m-%d)" \
    -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -addext "subjectKeyIdentifier=hash" \
    -keyout "$ca_dir/ca.key" -out "$ca_dir/ca.crt" 2>/dev/null)
  chmod 644 "$ca_dir/ca.crt"
  echo "make-cert.sh: new CA $ca_dir/ca.crt"
else
  echo "make-cert.sh: reusing CA $ca_dir/ca.crt"
fi

first="${names[0]:-localhost}"
# The address a phone would type: the first IPv4 address given or found, else the first name.
hint="$first"
for name in "${names[@]}"; do
  if [[ "$name" =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$ ]]; then hint="$name"; break; fi
done
openssl req -new -newkey rsa:2048 -nodes -sha256 -subj "/CN=$first" \
  -keyout "$work/server.key" -out "$work/server.csr" 2>/dev/null
cat > "$work/server.ext" <<EXT
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=$san
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid,issuer
EXT
openssl x509 -req -in "$work/server.csr" -CA "$ca_dir/ca.crt" -CAkey "$ca_dir/ca.key" \
  -set_serial "0x$(openssl rand -hex 16)" -days 825 -sha256 \
  -extfile "$work/server.ext" -out "$work/server.crt" 2>/dev/null

install -m 644 "$work/server.crt" "$cert_dir/server.crt"
install -m 644 "$work/server.key" "$cert_dir/server.key"
install -m 644 "$ca_dir/ca.crt" "$cert_dir/ca.crt"

echo "make-cert.sh: server certificate $cert_dir/server.crt for $san"
echo "make-cert.sh: CA fingerprint $(openssl x509 -in "$ca_dir/ca.crt" -noout -fingerprint -sha256 | cut -d= -f2)"
echo "make-cert.sh: trust the CA on each device (README: https for phones), e.g. from http://$hint/ca.crt"
echo "make-cert.sh: then (re)start Envoy: docker compose up -d (or docker compose restart envoy)"
