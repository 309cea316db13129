#!/usr/bin/env bash
# Makes the secrets deploy/compose.yaml reads, once: a random database password in deploy/.env and a fresh sealing key
# in deploy/secrets/gatehouse-keys.properties. Neither is ever committed (.gitignore). Existing files are kept.
set -euo pipefail
cd "$(dirname "$0")"
umask 077
if [ ! -f .env ]; then
    echo "GATEHOUSE_DATABASE_PASSWORD=$(openssl rand -hex 24)" > .env
    echo "wrote deploy/.env"
fi
mkdir -p secrets
if [ ! -f secrets/gatehouse-keys.properties ]; then
    id="k$(date -u +%Y%m%d)"
    printf 'active-key-id=%s\nkeys.%s=%s\n' "$id" "$id" "$(openssl rand -base64 32)" > secrets/gatehouse-keys.properties
    # Compose mounts the file as it is: the container's user (65532) must be able to read it.
    chmod 644 secrets/gatehouse-keys.properties
    echo "wrote deploy/secrets/gatehouse-keys.properties (key $id)"
fi
