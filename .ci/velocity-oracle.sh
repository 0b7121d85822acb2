#!/bin/sh
# Runs the differential test of package mapping against Apache Velocity 1.7,
# the engine API Gateway runs (mapping/vtl/oracle_test.go, mapping/vtl/oracle/).
# Installs what the oracle needs from Debian when it is missing (needs root
# and Debian's package mirrors): a JDK, velocity (1.7, which pulls in
# libcommons-collections3-java and libcommons-lang-java) and
# libjson-smart-java. The plain test command skips the oracle when Java or
# the jars are missing; here LAMBDAGATE_REQUIRE_VELOCITY=1 makes that a
# failure, so CI cannot pass without running Velocity.
set -eu
cd "$(dirname "$0")/.."

need=""
command -v javac >/dev/null 2>&1 || need="$need default-jdk-headless"
for jar in velocity commons-collections3 commons-lang json-smart; do
	if [ -z "${VELOCITY_CLASSPATH:-}" ] && [ ! -e "/usr/share/java/$jar.jar" ]; then
		need="$need velocity libjson-smart-java libcommons-lang-java"
		break
	fi
done

if [ -n "$need" ]; then
	if [ "$(id -u)" = 0 ]; then
		apt-get update
		# shellcheck disable=SC2086
		DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $need
	else
		echo "velocity-oracle: missing:$need; install them as root (apt-get install -y$need)" >&2
	fi
fi

LAMBDAGATE_REQUIRE_VELOCITY=1 go test -count=1 -timeout 10m -run 'TestVelocityOracle|TestVelocityGolden' ./mapping/vtl/
