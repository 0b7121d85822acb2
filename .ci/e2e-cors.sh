#!/bin/sh
# Runs the browser end-to-end tests (module e2e): package cors's, and the
# WebSocket chat example's with the AWS SDK's Management API client
# (package e2e/websocket).
# Installs Debian's chromium first when it is missing (needs root and
# Debian's package mirrors). Without a browser the tests fail, naming the
# package to install.
set -eu
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1 && [ -z "${CHROMIUM:-}" ]; then
	if [ "$(id -u)" = 0 ]; then
		apt-get update
		DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
	else
		echo "e2e-cors: chromium is missing; install the Debian package chromium (apt-get install -y chromium) as root" >&2
	fi
fi

cd e2e
go vet ./...
go test -count=1 -timeout 5m .
go test -count=1 -timeout 5m ./websocket
