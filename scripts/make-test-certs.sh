#!/bin/sh
# TEST-ONLY certificates for hubkit's TLS tests (`hf serve --tls-cert/--tls-key` on loopback, the
# TLS-inspecting proxy test). Their private keys are committed and public: never trust these CAs
# anywhere but in a test's own environment. Node cannot mint X.509 certificates, so this uses the
# openssl binary (Debian's OpenSSL 3.0 when written). The output is committed under
# test/fixtures/tls/; re-run only to change it:
#
#   sh scripts/make-test-certs.sh            # writes test/fixtures/tls/ (or the folder given)
#
# What it writes (each leaf file is the leaf followed by its CA; EC P-256 keys, SHA-256 signatures; every leaf has subject/authority key ids, as
# Python 3.13's VERIFY_X509_STRICT wants):
#   ca.pem / ca.key                 "hubkit TEST-ONLY root CA", the CA hf serve's leafs chain to
#   leaf.pem / leaf.key             IP 127.0.0.1, IP 127.0.0.2, DNS localhost; valid 2025-2125
#   expired.pem / expired.key       the same names, valid only on 2020-01-01
#   wrong-name.pem / wrong-name.key DNS wrong-name.invalid, IP 127.0.0.9 only (a name mismatch on loopback)
#   corp-ca.pem / corp-ca.key       "hubkit TEST-ONLY corporate inspection CA" (a Zscaler stand-in)
#   corp-leaf.pem / corp-leaf.key   what the inspecting proxy presents: 127.0.0.1/127.0.0.2, by corp-ca
#   capath/<hash>.0                 ca.pem under its OpenSSL subject hash (c_rehash / `openssl rehash`
#                                   layout), for SSL_CERT_DIR
#   pem-dir/ca.pem                  ca.pem in a folder under a plain name (not hashed)
set -eu

cd "$(dirname "$0")/.."
OUT=${1:-test/fixtures/tls}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$OUT"

key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

# request name cn extensions: a key and a CSR for "O = hubkit tests, CN = cn", with the extensions
# (an OpenSSL config section, named on its first line) kept in $WORK/name.cnf for signing.
request() {
  key "$OUT/$1.key"
  printf '[req]\ndistinguished_name = dn\nprompt = no\n[dn]\nO = hubkit tests\nCN = %s\n%s\n' "$2" "$3" >"$WORK/$1.cnf"
  openssl req -new -key "$OUT/$1.key" -config "$WORK/$1.cnf" -out "$WORK/$1.csr"
}

# A self-signed CA, valid 2025-2125.
make_ca() { # name cn
  request "$1" "$2" "[v3_ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash"
  # `openssl ca -selfsign` takes explicit start and end dates (req -x509 only takes -days from now).
  sign "$1" "$1" "$WORK/$1.csr" 20250101000000Z 21250101000000Z v3_ca "$WORK/$1.cnf" -selfsign
}

# sign ca-name out-name csr start end extensions-section extfile [extra openssl ca flags]
sign() {
  ca=$1 name=$2 csr=$3 start=$4 end=$5 section=$6 ext=$7
  shift 7
  db="$WORK/db-$ca"
  mkdir -p "$db"
  [ -f "$db/index.txt" ] || : >"$db/index.txt"
  [ -f "$db/serial" ] || openssl rand -hex 16 >"$db/serial"
  cat >"$WORK/ca-$ca.cnf" <<EOF
[ca]
default_ca = test_ca
[test_ca]
database = $db/index.txt
serial = $db/serial
new_certs_dir = $db
certificate = $OUT/$ca.pem
private_key = $OUT/$ca.key
default_md = sha256
policy = any
unique_subject = no
copy_extensions = none
[any]
O = optional
CN = supplied
EOF
  openssl ca -batch -notext -config "$WORK/ca-$ca.cnf" -in "$csr" -out "$OUT/$name.pem" \
    -startdate "$start" -enddate "$end" -extfile "$ext" -extensions "$section" "$@" 2>/dev/null
}

# A server certificate signed by a CA.
make_leaf() { # ca name cn start end san
  request "$2" "$3" "[v3_leaf]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = $6"
  sign "$1" "$2" "$WORK/$2.csr" "$4" "$5" v3_leaf "$WORK/$2.cnf"
  # A full chain (leaf, then its CA), as servers and inspecting proxies send it: an untrusting
  # client then reports "self-signed certificate in certificate chain".
  cat "$OUT/$1.pem" >>"$OUT/$2.pem"
}

LOOPBACK="IP:127.0.0.1, IP:127.0.0.2, DNS:localhost"
make_ca ca "hubkit TEST-ONLY root CA"
make_leaf ca leaf "hubkit test server" 20250101000000Z 21250101000000Z "$LOOPBACK"
make_leaf ca expired "hubkit test server (expired)" 20200101000000Z 20200102000000Z "$LOOPBACK"
make_leaf ca wrong-name "wrong-name.invalid" 20250101000000Z 21250101000000Z "DNS:wrong-name.invalid, IP:127.0.0.9"
make_ca corp-ca "hubkit TEST-ONLY corporate inspection CA"
make_leaf corp-ca corp-leaf "hubkit inspected connection" 20250101000000Z 21250101000000Z "$LOOPBACK"

rm -rf "$OUT/capath" "$OUT/pem-dir"
mkdir -p "$OUT/capath" "$OUT/pem-dir"
# OpenSSL's CApath lookup (X509_LOOKUP_hash_dir) opens <subject hash>.<n>; c_rehash makes these links.
# A copy, not a link, so the folder survives any checkout.
cp "$OUT/ca.pem" "$OUT/capath/$(openssl x509 -hash -noout -in "$OUT/ca.pem").0"
cp "$OUT/ca.pem" "$OUT/pem-dir/ca.pem"
chmod 644 "$OUT"/*.key
echo "make-test-certs: wrote $OUT"
