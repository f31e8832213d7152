#!/usr/bin/env bash
# Writes signatures.txt: the robot signatures of fixed timestamps and
# secrets, computed with openssl (and python3 for DingTalk's URL-encoding)
# from the vendors' documented string-to-sign, so that notify's tests check
# its signing against answers it did not compute itself. Run from this
# folder: ./signatures.sh > signatures.txt
set -euo pipefail

hmac_b64() { # key, message: base64(HMAC-SHA256)
	printf '%s' "$2" | openssl dgst -sha256 -hmac "$1" -binary | base64
}

cat <<'HEAD'
# Known answers for notify's robot signing, written by signatures.sh with
# openssl and python3; do not edit by hand.
#
# dingtalk TIMESTAMP_MS SECRET SIGN SIGN_IN_URL
#   SIGN = base64(HMAC-SHA256(key=SECRET, msg=TIMESTAMP_MS + "\n" + SECRET))
#   printf '%s\n%s' "$ts" "$secret" | openssl dgst -sha256 -hmac "$secret" -binary | base64
#   SIGN_IN_URL = python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$sign"
# feishu TIMESTAMP_S SECRET SIGN
#   SIGN = base64(HMAC-SHA256(key=TIMESTAMP_S + "\n" + SECRET, msg=""))
#   printf '' | openssl dgst -sha256 -hmac "$ts"$'\n'"$secret" -binary | base64
# webhook BODY_FILE SECRET SIGNATURE
#   SIGNATURE = "sha256=" + hex(HMAC-SHA256(key=SECRET, msg=the file's bytes))
#   openssl dgst -sha256 -hmac "$secret" -r < "$file" | cut -d' ' -f1
HEAD

# The robot tests' clock (2024-05-24 09:00:05 in Shanghai) and secrets, then
# others whose signatures hold + and / (which the URL must encode).
for pair in "1716512405000 SECa1b2c3d4e5f6071829dingtalk" \
	"1716512405000 SEC000000000000000000000000000000000000000000000000000000000000000" \
	"1577836800000 SECthisIsNotARealSecret" \
	"1716512406123 SECb9f1e2d3c4b5a6978877665544332211"; do
	read -r ts secret <<<"$pair"
	sign=$(hmac_b64 "$secret" "$ts"$'\n'"$secret")
	enc=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$sign")
	echo "dingtalk $ts $secret $sign $enc"
done

for pair in "1716512405 feishuSigningSecret123" \
	"1599360473 demo" \
	"1716512406 0123456789abcdefABCDEF"; do
	read -r ts secret <<<"$pair"
	sign=$(hmac_b64 "$ts"$'\n'"$secret" "")
	echo "feishu $ts $secret $sign"
done

secret=webhookSharedSecret456
sig=$(openssl dgst -sha256 -hmac "$secret" -r < webhook-body.json | cut -d' ' -f1)
echo "webhook webhook-body.json $secret sha256=$sig"
