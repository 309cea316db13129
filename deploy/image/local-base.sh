#!/usr/bin/env bash
# Builds the root file system of a base image from this machine's JDK, for machines that cannot pull a base image
# from a registry (./mvnw -B -Pimage-local-base compile jib:buildTar). Writes ${1:-target}/jib-base/rootfs:
#   /opt/java   a Java runtime made by jlink from this JDK's modules (no compiler, no debug symbols)
#   /lib, /lib64 the C libraries that runtime loads (copied from this machine; glibc, libstdc++, zlib)
#   /etc        the CA certificates Java trusts (TLS to SMTP, Twilio, webhooks), passwd/group naming user 65532
#   /tmp        the one folder the container writes (mounted read-write over the read-only image)
# The registry base (eclipse-temurin, see pom.xml) is what production builds should use: it gets security updates.
set -euo pipefail
cd "$(dirname "$0")/../.."
out="$(realpath -m "${1:-target}")/jib-base"
root="$out/rootfs"
jdk="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
[ -x "$jdk/bin/jlink" ] || { echo "no jlink under $jdk (set JAVA_HOME to a JDK 17+)" >&2; exit 1; }

rm -rf "$out"
mkdir -p "$root"/{opt,tmp,etc,lib/x86_64-linux-gnu,lib64}
# The modules Spring Boot, Tomcat, JDBC, mail, JMX and TLS use; jdk.crypto.ec for ECDHE/ECDSA TLS, jdk.localedata for
# dates in other locales, jdk.management for the process and memory metrics.
"$jdk/bin/jlink" --output "$root/opt/java" --strip-debug --no-man-pages --no-header-files --compress=2 \
    --add-modules java.base,java.compiler,java.desktop,java.instrument,java.logging,java.management,java.naming,java.net.http,java.prefs,java.rmi,java.scripting,java.security.jgss,java.security.sasl,java.sql,java.transaction.xa,java.xml,jdk.crypto.ec,jdk.crypto.cryptoki,jdk.localedata,jdk.management,jdk.naming.dns,jdk.net,jdk.unsupported,jdk.zipfs

# Every shared library the runtime links against, and the dynamic loader.
for so in $(find "$root/opt/java" -name '*.so' -o -path '*/bin/*' -type f | xargs ldd 2>/dev/null \
        | grep '=> /' | awk '{print $3}' | sort -u); do
    case "$so" in "$root"/*) continue ;; esac
    mkdir -p "$root$(dirname "$so")"
    cp -L "$so" "$root$so"
done
cp -L /lib64/ld-linux-x86-64.so.2 "$root/lib64/"

# Java's trust store: Debian's JDK links it to /etc/ssl/certs/java/cacerts.
if [ -f /etc/ssl/certs/java/cacerts ]; then
    rm -f "$root/opt/java/lib/security/cacerts"
    cp -L /etc/ssl/certs/java/cacerts "$root/opt/java/lib/security/cacerts"
fi
printf 'root:x:0:0:root:/root:/sbin/nologin\ngatehouse:x:65532:65532:gatehouse:/tmp:/sbin/nologin\n' > "$root/etc/passwd"
printf 'root:x:0:\ngatehouse:x:65532:\n' > "$root/etc/group"
# Links inside the runtime become files: a Jib layer keeps no symbolic links from an extra directory.
find "$root" -type l | while read -r link; do target=$(readlink -f "$link"); rm "$link"; cp "$target" "$link"; done
echo "base root file system: $root ($(du -sh "$root" | cut -f1))"
