#!/usr/bin/env bash
# Writes a throwaway PKI for the C tests of the embedded receiver's TLS into DIR, with the
# openssl command-line tool: a CA (ca.pem), a server certificate for localhost and 127.0.0.1
# (server.pem, server.key), a client certificate from that CA (client.pem, client.key), and a
# client certificate from a CA the receiver does not know (stranger.pem, stranger.key).
# Keys are EC P-256, PKCS#8 PEM. Usage: make_test_pki.sh DIR
set -euo pipefail
dir=$1
rm -rf "$dir"
mkdir -p "$dir"
cd "$dir"

key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1"; }

ca() { # name common-name
  key "$1.key"
  openssl req -x509 -new -key "$1.key" -subj "/CN=$2" -days 2 -out "$1.pem" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
}

leaf() { # name ca common-name subject-alt-names extended-key-usage
  key "$1.key"
  openssl req -new -key "$1.key" -subj "/CN=$3" -out "$1.csr"
  printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nsubjectAltName=%s\nextendedKeyUsage=%s\n' \
    "$4" "$5" >"$1.ext"
  openssl x509 -req -in "$1.csr" -CA "$2.pem" -CAkey "$2.key" -CAcreateserial -days 2 \
    -extfile "$1.ext" -out "$1.pem" 2>/dev/null
  rm -f "$1.csr" "$1.ext"
}

ca ca "authbridge C test CA"
ca other-ca "a CA the receiver does not know"
leaf server ca localhost "DNS:localhost,IP:127.0.0.1" serverAuth
leaf client ca nopass-server "DNS:nopass-server" clientAuth
leaf stranger other-ca stranger "DNS:stranger" clientAuth
