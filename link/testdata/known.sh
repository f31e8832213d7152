#!/bin/sh
# Computes link/testdata/known.txt with openssl, outside the code under test:
# the token of section industry-mgmt, expiring at Unix time 1738339199
# (2025-01-31T23:59:59+08:00), under the key of 32 bytes 00 01 … 1f.
set -eu
key=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
kid=$(printf %s "$key" | xxd -r -p | openssl dgst -sha256 -binary | head -c 4 | xxd -p)
# version 1, key id, expiry as 8 bytes big-endian, kind 's', the id
body=$(printf '01%s%016x73%s' "$kid" 1738339199 "$(printf %s industry-mgmt | xxd -p)")
mac=$( (printf %s remindd-link; printf %s "$body" | xxd -r -p) | openssl dgst -sha256 -mac HMAC -macopt hexkey:$key -binary | head -c 16 | xxd -p | tr -d '\n')
printf '%s%s' "$body" "$mac" | xxd -r -p | base64 -w0 | tr '+/' '-_' | tr -d '='
echo
