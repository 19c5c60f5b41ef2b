#!/bin/sh
# Starts, stops or restarts the hello app on a node without a service manager: the fleet tests, and local sshd nodes
# as README's fleet walk-through sets them up. fleet-deploy runs it in the node's root folder (`sh current/control.sh
# restart`, the node's `restart` var). A node with systemd restarts a unit instead and needs none of this.
#   restart   stop the instance in app.pid (if it is one of ours), then start current/hello.dll detached
#   stop      stop it only
# HTTP_PORT (required to start) and HTTP_HOST (default 127.0.0.1) say where it listens; DOTNET names the runtime.
set -eu
root=$(pwd)

stop() {
  [ -f app.pid ] || return 0
  pid=$(cat app.pid)
  # A pid can outlive its process and be reused: stop it only when it runs a file under this root.
  if tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q "$root/"; then
    kill "$pid" 2>/dev/null || true
    tries=0
    while kill -0 "$pid" 2>/dev/null && [ "$tries" -lt 100 ]; do sleep 0.1; tries=$((tries + 1)); done
    kill -9 "$pid" 2>/dev/null || true
    echo "stopped hello (pid $pid)"
  fi
  rm -f app.pid
}

start() {
  mkdir -p logs
  # Its own session, no terminal, output to a file: the app outlives the SSH session that started it.
  setsid nohup "${DOTNET:-dotnet}" "$root/current/hello.dll" --urls "http://${HTTP_HOST:-127.0.0.1}:${HTTP_PORT:?set HTTP_PORT to the port the app listens on}" \
    >> logs/app.log 2>&1 < /dev/null &
  echo $! > app.pid
  echo "started hello (pid $!) from $(readlink current)"
}

case "${1:-restart}" in
  restart) stop; start ;;
  stop) stop ;;
  *) echo "usage: control.sh restart|stop" >&2; exit 2 ;;
esac
