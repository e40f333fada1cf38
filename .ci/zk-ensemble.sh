#!/usr/bin/env bash
# Starts, inspects, kills and stops a throw-away ZooKeeper 3.8 ensemble on 127.0.0.1 (for the failover
# fidelity check, real/ensemble-failover.ts). Each server is a QuorumPeerMain JVM of its own.
#
#   bash .ci/zk-ensemble.sh start <dir> [n]   n servers (default 3), fresh data dirs <dir>/s<N>/data, config
#                                              <dir>/s<N>/zoo.cfg, pid <dir>/s<N>/zk.pid, log <dir>/s<N>/zk.log;
#                                              returns once every server's `srvr` says Mode: leader or
#                                              follower, with exactly one leader
#   bash .ci/zk-ensemble.sh leader <dir>      prints the sid of the server whose `srvr` says Mode: leader
#   bash .ci/zk-ensemble.sh kill <dir> <sid>  SIGKILLs that server and waits until it is gone
#   bash .ci/zk-ensemble.sh restart <dir> <sid>
#                                              starts that server again (same config and data); returns once
#                                              it serves as leader or follower
#   bash .ci/zk-ensemble.sh stop <dir>        kills every server of the ensemble and waits for them
#
# Ports (all on 127.0.0.1), for server N = 1..n:
#   client   ZK_BASE_PORT + N - 1            (ZK_BASE_PORT default 22181: 22181, 22182, 22183)
#   quorum   ZK_QUORUM_BASE_PORT + N - 1     (default ZK_BASE_PORT + 1000: 23181, ...)
#   election ZK_ELECTION_BASE_PORT + N - 1   (default ZK_BASE_PORT + 2000: 24181, ...)
# start records them in <dir>/ensemble.env, which the other commands read, so only start needs the env.
#
# Other environment: ZK_JARS_DIR (default /usr/share/java, see .ci/zookeeper.sh); ZK_START_TIMEOUT, seconds
# to wait for the ensemble to serve (default 120); ZK_FORCE_SYNC, yes|no (default yes, ZooKeeper's default:
# fsync the transaction log; no skips it); ZK_JAVA_OPTS, extra JVM options.
#
# Log lines carry an absolute UTC time with milliseconds (slf4j-simple's dateTimeFormat), so they can be
# lined up with the client's Date.now().
set -euo pipefail

jars=${ZK_JARS_DIR:-/usr/share/java}

die() {
  echo "zk-ensemble.sh: $*" >&2
  exit 1
}

usage() {
  echo "usage: $0 start <dir> [n] | leader <dir> | kill <dir> <sid> | restart <dir> <sid> | stop <dir>" >&2
  exit 2
}

# shellcheck source=zk-common.sh
. "$(dirname "$0")/zk-common.sh"
four_letter() { zk_four_letter "$1" "$2"; }
alive() { zk_alive "$1"; }

# True when something accepts TCP connections on the port.
listening() {
  timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"' _ "$1" 2>/dev/null
}

# The Mode of a server from `srvr` (leader, follower, standalone, ...), empty while it does not serve.
mode_of() {
  four_letter "$(client_port "$1")" srvr | sed -n 's/^Mode: //p' | tr -d '\r'
}

classpath() {
  local cp
  cp=$(zk_classpath)
  [ -n "$cp" ] || die "no ZooKeeper jars in $jars (install the Debian package zookeeper, or set ZK_JARS_DIR)"
  echo "$cp"
}

client_port() { echo $((BASE + $1 - 1)); }
quorum_port() { echo $((QBASE + $1 - 1)); }
election_port() { echo $((EBASE + $1 - 1)); }
pid_of() { cat "$dir/s$1/zk.pid" 2>/dev/null || true; }

load_env() {
  [ -f "$dir/ensemble.env" ] || die "no $dir/ensemble.env: no ensemble was started in $dir"
  # shellcheck disable=SC1091
  . "$dir/ensemble.env"
}

check_sid() {
  [[ $1 =~ ^[0-9]+$ ]] && [ "$1" -ge 1 ] && [ "$1" -le "$N" ] || die "no server $1 in this ensemble (1..$N)"
}

log_tails() {
  local i
  for i in $(seq 1 "$N"); do
    echo "---- last lines of $dir/s$i/zk.log ----" >&2
    tail -n 30 "$dir/s$i/zk.log" >&2 2>/dev/null || echo "(no log)" >&2
  done
}

launch() {
  local i=$1 cp=$2
  local sdir="$dir/s$i"
  # setsid + nohup: the server outlives this script and is not hit by the caller's terminal signals; stdio
  # detached so a caller that reads our output does not wait for the server. setsid does not fork here (a
  # background job of a script is no process group leader), so $! is the JVM's own pid.
  # shellcheck disable=SC2086
  setsid nohup java -Xmx256m -XX:+UseSerialGC ${ZK_JAVA_OPTS:-} \
    -Duser.timezone=UTC \
    -Dorg.slf4j.simpleLogger.showDateTime=true \
    "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd HH:mm:ss.SSS" \
    -cp "$cp" org.apache.zookeeper.server.quorum.QuorumPeerMain "$sdir/zoo.cfg" \
    </dev/null >>"$sdir/zk.log" 2>&1 &
  echo "$!" >"$sdir/zk.pid"
}

kill_server() {
  local i=$1 pid
  pid=$(pid_of "$i")
  [ -n "$pid" ] || return 0
  kill -9 "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + 10))
  while alive "$pid"; do
    [ $SECONDS -lt $deadline ] || die "server $i (pid $pid) still alive 10 s after SIGKILL"
    sleep 0.05
  done
  rm -f "$dir/s$i/zk.pid"
}

stop_all() {
  local i
  for i in $(seq 1 "$N"); do kill_server "$i"; done
}

# Waits until the given servers all serve as leader or follower and exactly one of all servers leads.
wait_serving() {
  local what=$1
  shift
  local deadline=$((SECONDS + ${ZK_START_TIMEOUT:-120})) i m leaders ok modes
  while [ $SECONDS -lt $deadline ]; do
    ok=1
    leaders=0
    modes=""
    for i in "$@"; do
      local pid
      pid=$(pid_of "$i")
      if [ -z "$pid" ] || ! alive "$pid"; then
        echo "zk-ensemble.sh: server $i exited during $what" >&2
        log_tails
        return 1
      fi
      m=$(mode_of "$i")
      modes="$modes s$i=${m:-none}"
      case "$m" in
        leader) leaders=$((leaders + 1)) ;;
        follower) ;;
        *) ok=0 ;;
      esac
    done
    if [ $ok = 1 ] && [ "$leaders" -le 1 ]; then
      # The servers waited for may all be followers (restart): some server must lead.
      for i in $(seq 1 "$N"); do
        case " $* " in *" $i "*) continue ;; esac
        [ "$(mode_of "$i")" = leader ] && leaders=$((leaders + 1))
      done
      [ "$leaders" = 1 ] && return 0
    fi
    sleep 0.2
  done
  echo "zk-ensemble.sh: $what: no single leader with every server serving within ${ZK_START_TIMEOUT:-120} s (last seen:$modes)" >&2
  log_tails
  return 1
}

start() {
  local n=${1:-3}
  [[ $n =~ ^[0-9]+$ ]] && [ "$n" -ge 1 ] || die "n must be a positive number, not '$n'"
  command -v java >/dev/null || die "java not found (the Debian package zookeeper pulls in default-jre)"
  local cp
  cp=$(classpath)
  N=$n
  BASE=${ZK_BASE_PORT:-22181}
  QBASE=${ZK_QUORUM_BASE_PORT:-$((BASE + 1000))}
  EBASE=${ZK_ELECTION_BASE_PORT:-$((BASE + 2000))}
  local force_sync=${ZK_FORCE_SYNC:-yes}
  [ "$force_sync" = yes ] || [ "$force_sync" = no ] || die "ZK_FORCE_SYNC must be yes or no"
  if [ -f "$dir/ensemble.env" ]; then
    local p
    for p in "$dir"/s*/zk.pid; do
      [ -f "$p" ] && alive "$(cat "$p")" && die "an ensemble started in $dir still runs ($p); stop it first"
    done
  fi
  local i port
  for i in $(seq 1 "$n"); do
    for port in "$(client_port "$i")" "$(quorum_port "$i")" "$(election_port "$i")"; do
      if listening "$port"; then die "something already listens on 127.0.0.1:$port; choose another ZK_BASE_PORT"; fi
    done
  done
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  cat >"$dir/ensemble.env" <<EOF
N=$N
BASE=$BASE
QBASE=$QBASE
EBASE=$EBASE
EOF
  local servers=""
  for i in $(seq 1 "$n"); do
    servers="${servers}server.$i=127.0.0.1:$(quorum_port "$i"):$(election_port "$i")"$'\n'
  done
  for i in $(seq 1 "$n"); do
    local sdir="$dir/s$i"
    rm -rf "$sdir"
    mkdir -p "$sdir/data"
    echo "$i" >"$sdir/data/myid"
    # Unknown keys become system properties with a "zookeeper." prefix (4lw whitelist, admin server, forceSync).
    cat >"$sdir/zoo.cfg" <<EOF
tickTime=2000
initLimit=10
syncLimit=5
dataDir=$sdir/data
clientPort=$(client_port "$i")
clientPortAddress=127.0.0.1
maxClientCnxns=0
4lw.commands.whitelist=ruok,srvr,stat,mntr
admin.enableServer=false
forceSync=$force_sync
$servers
EOF
    : >"$sdir/zk.log"
  done
  for i in $(seq 1 "$n"); do launch "$i" "$cp"; done
  # shellcheck disable=SC2046
  if ! wait_serving start $(seq 1 "$n"); then
    stop_all
    exit 1
  fi
  echo "zk-ensemble.sh: $n servers serving on 127.0.0.1:$(client_port 1)..$(client_port "$n"), leader s$(leader_sid)"
}

leader_sid() {
  local i
  for i in $(seq 1 "$N"); do
    if [ "$(mode_of "$i")" = leader ]; then
      echo "$i"
      return 0
    fi
  done
  return 1
}

leader() {
  leader_sid || die "no server of $dir reports Mode: leader"
}

restart() {
  local i=$1 pid
  check_sid "$i"
  pid=$(pid_of "$i")
  if [ -n "$pid" ] && alive "$pid"; then die "server $i (pid $pid) is still running"; fi
  for port in "$(client_port "$i")" "$(quorum_port "$i")" "$(election_port "$i")"; do
    if listening "$port"; then die "something already listens on 127.0.0.1:$port"; fi
  done
  echo "---- restart $(date -u '+%Y-%m-%d %H:%M:%S.%3N') ----" >>"$dir/s$i/zk.log"
  launch "$i" "$(classpath)"
  if ! wait_serving "restart of server $i" "$i"; then
    kill_server "$i"
    exit 1
  fi
  echo "zk-ensemble.sh: server $i serving again as $(mode_of "$i")"
}

[ $# -ge 2 ] || usage
cmd=$1
dir=$2
case "$cmd" in
  start)
    [ $# -le 3 ] || usage
    start "${3:-3}"
    ;;
  leader)
    [ $# -eq 2 ] || usage
    load_env
    leader
    ;;
  kill)
    [ $# -eq 3 ] || usage
    load_env
    check_sid "$3"
    pid=$(pid_of "$3")
    [ -n "$pid" ] || die "server $3 has no pid file (not running?)"
    kill_server "$3"
    echo "zk-ensemble.sh: server $3 (pid $pid) killed"
    ;;
  restart)
    [ $# -eq 3 ] || usage
    load_env
    restart "$3"
    ;;
  stop)
    [ $# -eq 2 ] || usage
    load_env
    stop_all
    ;;
  *) usage ;;
esac
