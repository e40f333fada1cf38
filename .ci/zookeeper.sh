#!/usr/bin/env bash
# Starts or stops a throw-away standalone ZooKeeper 3.8 server for the conformance tests.
#
#   bash .ci/zookeeper.sh start <dir>   fresh data dir under <dir>, pid in <dir>/zk.pid, log in <dir>/zk.log;
#                                       returns once the server answers `ruok` with `imok`
#   bash .ci/zookeeper.sh stop <dir>    kills the server whose pid is in <dir>/zk.pid and waits for it
#
# Environment: ZK_PORT (default 2181); ZK_JARS_DIR, the directory holding the server jars (default
# /usr/share/java, where Debian's libzookeeper-java puts zookeeper.jar; an Apache tarball's lib/ works too).
# It installs nothing: .ci/run installs the Debian package `zookeeper`.
#
# Java is launched directly (not through zkServer.sh) so that the pid we record is the JVM's own and the
# configuration is only ours: Debian's zkServer.sh reads /etc/zookeeper/conf and logs to /var/log/zookeeper.
set -euo pipefail

usage() {
  echo "usage: $0 start|stop <dir>" >&2
  exit 2
}

[ $# -eq 2 ] || usage
cmd=$1
dir=$2
port=${ZK_PORT:-2181}
jars=${ZK_JARS_DIR:-/usr/share/java}

# shellcheck source=zk-common.sh
. "$(dirname "$0")/zk-common.sh"
four_letter() { zk_four_letter "$port" "$1"; }
alive() { zk_alive "$1"; }
classpath() {
  local cp
  cp=$(zk_classpath)
  if [ -z "$cp" ]; then
    echo "zookeeper.sh: no ZooKeeper jars in $jars (install the Debian package zookeeper, or set ZK_JARS_DIR)" >&2
    exit 1
  fi
  echo "$cp"
}

start() {
  command -v java >/dev/null || { echo "zookeeper.sh: java not found (the Debian package zookeeper pulls in default-jre)" >&2; exit 1; }
  local cp
  cp=$(classpath)
  if [ -n "$(four_letter ruok)" ]; then
    echo "zookeeper.sh: something already answers on 127.0.0.1:$port; choose another ZK_PORT" >&2
    exit 1
  fi
  mkdir -p "$dir"
  rm -rf "$dir/data"
  mkdir -p "$dir/data"
  # tickTime 2000 gives the default session timeout bounds 4000..40000 ms. Unknown keys become system
  # properties with a "zookeeper." prefix, which is how the 4lw whitelist and the admin server switch are set.
  # forceSync=no only skips fsync of the transaction log: a throw-away server needs no durability.
  cat >"$dir/zoo.cfg" <<EOF
tickTime=2000
dataDir=$dir/data
clientPort=$port
clientPortAddress=127.0.0.1
maxClientCnxns=0
4lw.commands.whitelist=ruok,srvr,stat
admin.enableServer=false
forceSync=no
EOF
  # setsid + nohup: the server outlives this script and is not hit by the caller's terminal signals.
  # stdin/stdout/stderr are detached so a caller that reads our output does not wait for the server.
  setsid nohup java -Xmx256m -XX:+UseSerialGC -Dorg.slf4j.simpleLogger.showDateTime=true \
    -cp "$cp" org.apache.zookeeper.server.ZooKeeperServerMain "$dir/zoo.cfg" \
    </dev/null >"$dir/zk.log" 2>&1 &
  local pid=$!
  echo "$pid" >"$dir/zk.pid"
  local deadline=$((SECONDS + 60))
  while [ $SECONDS -lt $deadline ]; do
    # `ruok` says imok as soon as the listener is up, while `srvr` still answers "not currently serving
    # requests" for a few ms; clients connecting in that window are dropped. So wait for both.
    if [ "$(four_letter ruok)" = imok ] && four_letter srvr | grep -q '^Mode: '; then
      echo "zookeeper.sh: ZooKeeper (pid $pid) serving on 127.0.0.1:$port, data in $dir/data"
      return 0
    fi
    if ! alive "$pid"; then
      echo "zookeeper.sh: the server exited during start-up; last lines of $dir/zk.log:" >&2
      tail -n 40 "$dir/zk.log" >&2 || true
      exit 1
    fi
    sleep 0.2
  done
  echo "zookeeper.sh: no imok from 127.0.0.1:$port within 60 s; last lines of $dir/zk.log:" >&2
  tail -n 40 "$dir/zk.log" >&2 || true
  kill "$pid" 2>/dev/null || true
  exit 1
}

stop() {
  [ -f "$dir/zk.pid" ] || { echo "zookeeper.sh: no $dir/zk.pid; nothing to stop" >&2; return 0; }
  local pid
  pid=$(cat "$dir/zk.pid")
  if kill "$pid" 2>/dev/null; then
    # The JVM exits on SIGTERM within a second or two; escalate if it does not.
    for _ in $(seq 1 100); do
      alive "$pid" || break
      sleep 0.1
    done
    if alive "$pid"; then
      kill -9 "$pid" 2>/dev/null || true
      while alive "$pid"; do sleep 0.1; done
    fi
  fi
  rm -f "$dir/zk.pid"
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  *) usage ;;
esac
