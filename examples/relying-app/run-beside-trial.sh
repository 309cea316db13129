#!/bin/sh
# Starts the Gatehouse trial (http://localhost:8080, registering this example as client "example-app") and the
# example (http://localhost:8090) side by side; Ctrl-C stops both. Run from anywhere:
#   examples/relying-app/run-beside-trial.sh
# Other ports: GATEHOUSE_PORT=18121 MANAGEMENT_PORT=18123 APP_PORT=18122 examples/relying-app/run-beside-trial.sh
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
gatehouse_port=${GATEHOUSE_PORT:-8080}
management_port=${MANAGEMENT_PORT:-8081}
app_port=${APP_PORT:-8090}
cd "$root"
./mvnw -q spring-boot:run -Dspring-boot.run.arguments="--server.port=$gatehouse_port --management.server.port=$management_port --gatehouse.dev.example-app-url=http://localhost:$app_port" &
gatehouse=$!
trap 'kill $gatehouse 2>/dev/null' EXIT INT TERM
./mvnw -q -f examples/relying-app/pom.xml spring-boot:run -Dspring-boot.run.arguments="--server.port=$app_port --relying.gatehouse.issuer=http://localhost:$gatehouse_port"
