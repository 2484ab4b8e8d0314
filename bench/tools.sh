# Sourced by the benchmarks: fetches Debian's tools into bench/.tools without installing
# them system-wide (no services started, nothing left running): `apt-get download` +
# `dpkg -x`, as bench.md suggests. Afterwards NGINX, WRK, SMTP_SINK, SMTP_SOURCE and
# LD_LIBRARY_PATH are set.
set -euo pipefail
TOOLS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/.tools"
fetch_debs() {
  mkdir -p "$TOOLS/debs" "$TOOLS/root"
  local missing=()
  for p in "$@"; do ls "$TOOLS/debs/${p}"_*.deb >/dev/null 2>&1 || missing+=("$p"); done
  if ((${#missing[@]})); then
    (cd "$TOOLS/debs" && { apt-get download "${missing[@]}" 2>/dev/null ||
      { apt-get update >/dev/null && apt-get download "${missing[@]}"; }; })
  fi
  for d in "$TOOLS"/debs/*.deb; do dpkg -x "$d" "$TOOLS/root"; done
}
fetch_debs nginx wrk libluajit-5.1-2 postfix
NGINX="$TOOLS/root/usr/sbin/nginx"
WRK="$TOOLS/root/usr/bin/wrk"
# Postfix's load tools, without installing (or starting) an MTA.
SMTP_SINK="$TOOLS/root/usr/sbin/smtp-sink"
SMTP_SOURCE="$TOOLS/root/usr/sbin/smtp-source"
export LD_LIBRARY_PATH="$TOOLS/root/usr/lib/x86_64-linux-gnu:$TOOLS/root/usr/lib/postfix${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

# A free TCP port on 127.0.0.1.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Median, min and max of numbers on stdin, as "median (min–max)".
spread() { sort -g | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.0f (%.0f–%.0f)", m, a[1], a[NR]}'; }
median() { sort -g | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.0f", m}'; }
