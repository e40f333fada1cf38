# Shell helpers shared by .ci/zookeeper.sh and .ci/zk-ensemble.sh (sourced; set `jars` first).

# Sends a four-letter word to 127.0.0.1:<port> and prints the answer (empty when nothing listens).
# bash's /dev/tcp: no nc needed.
zk_four_letter() {
  timeout 3 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" && printf %s "$2" >&3 && cat <&3' _ "$1" "$2" 2>/dev/null || true
}

# True while the process lives; a zombie (our exited child, not yet reaped) counts as dead.
zk_alive() {
  [ -r "/proc/$1/stat" ] && ! grep -qE '^[0-9]+ \(.*\) [ZX] ' "/proc/$1/stat" 2>/dev/null
}

# The server's classpath from the jar directory $jars; empty when it holds no ZooKeeper.
zk_classpath() {
  if [ -f "$jars/zookeeper.jar" ]; then
    # Debian: the jar's manifest Class-Path names its dependencies, but no slf4j binding; slf4j-simple
    # (from libslf4j-java, a dependency of libzookeeper-java) makes the server log to stderr.
    local cp="$jars/zookeeper.jar"
    [ -f "$jars/slf4j-simple.jar" ] && cp="$cp:$jars/slf4j-simple.jar"
    echo "$cp"
  elif compgen -G "$jars/zookeeper-3*.jar" >/dev/null; then
    echo "$jars/*" # Apache binary tarball's lib/: every dependency and a logback binding
  fi
}
