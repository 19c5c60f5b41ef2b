#!/usr/bin/env bash
# Local nodes to try the fleet workflows on one machine: a few OpenSSH servers on 127.0.0.1, each standing for a node
# (a host key of its own, a folder as its disk, its own HTTP port for the sample app), an Ansible inventory and a
# known-hosts file that list them, and the key OpsFlow logs in with. Nothing is installed system-wide and nothing
# needs root; every file is under one folder (default ./.local-nodes). Needs Debian's openssh-server
# (sudo apt-get install -y openssh-server): only its sshd binary is used, the system service is not.
#
#   bash deploy/local-nodes.sh start [count]   start `count` nodes (default 3): web-1… tagged web and staging
#   bash deploy/local-nodes.sh stop            stop them and delete the folder
#
# `start` writes <folder>/opsflow.env, the settings that point OpsFlow at these nodes; README ("Try the fleet
# workflows") shows how to use it.
set -euo pipefail

folder=${OPSFLOW_LOCAL_NODES:-$PWD/.local-nodes}
sshd=/usr/sbin/sshd
first_ssh_port=${OPSFLOW_LOCAL_NODES_SSH_PORT:-2201}
first_http_port=${OPSFLOW_LOCAL_NODES_HTTP_PORT:-5101}

stop() {
  for pidfile in "$folder"/sshd-*.pid; do
    [ -f "$pidfile" ] || continue
    kill "$(cat "$pidfile")" 2>/dev/null || true
  done
  # The sample app each node runs (started by fleet-deploy through its control script).
  for pidfile in "$folder"/nodes/*/app.pid; do
    [ -f "$pidfile" ] || continue
    kill "$(cat "$pidfile")" 2>/dev/null || true
  done
  rm -rf "$folder"
  echo "local nodes stopped; $folder deleted"
}

port_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

start() {
  local count=${1:-3}
  if [ ! -x "$sshd" ]; then
    echo "OpenSSH's server is missing: sudo apt-get install -y openssh-server (only its binary is used)" >&2
    exit 1
  fi
  if [ -e "$folder" ]; then
    echo "$folder exists: run 'bash deploy/local-nodes.sh stop' first" >&2
    exit 1
  fi
  if [ "$(id -u)" = 0 ]; then
    # sshd running as root separates privileges into this folder, which a container may lack.
    mkdir -p /run/sshd
  fi

  mkdir -p "$folder/nodes"
  chmod 700 "$folder"
  ssh-keygen -q -t ed25519 -N "" -C opsflow-local-nodes -f "$folder/client"
  cp "$folder/client.pub" "$folder/authorized_keys"
  : > "$folder/known_hosts"
  local dotnet
  dotnet=$(command -v dotnet || true)
  {
    echo "# Written by deploy/local-nodes.sh: $count local nodes. The vars tell fleet-deploy where each node keeps"
    echo "# its releases, the port its app answers on, and how to restart and stop it (docs/fleet.md)."
    echo "[web]"
  } > "$folder/inventory.ini"

  for i in $(seq 1 "$count"); do
    local name="web-$i" ssh_port=$((first_ssh_port + i - 1)) http_port=$((first_http_port + i - 1))
    for port in "$ssh_port" "$http_port"; do
      if ! port_free "$port"; then
        echo "port $port is in use; set OPSFLOW_LOCAL_NODES_SSH_PORT / OPSFLOW_LOCAL_NODES_HTTP_PORT to other first ports" >&2
        stop >/dev/null
        exit 1
      fi
    done
    mkdir -p "$folder/nodes/$name"
    ssh-keygen -q -t ed25519 -N "" -C "opsflow-$name" -f "$folder/host-$name"
    echo "[127.0.0.1]:$ssh_port $(cut -d' ' -f1,2 "$folder/host-$name.pub")" >> "$folder/known_hosts"
    cat > "$folder/sshd-$name.conf" <<EOF
Port $ssh_port
ListenAddress 127.0.0.1
HostKey $folder/host-$name
AuthorizedKeysFile $folder/authorized_keys
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin prohibit-password
AllowUsers $(id -un)
UsePAM no
StrictModes no
PidFile $folder/sshd-$name.pid
Subsystem sftp internal-sftp
EOF
    "$sshd" -f "$folder/sshd-$name.conf" -E "$folder/sshd-$name.log"
    echo "$name ansible_host=127.0.0.1 ansible_port=$ssh_port root=$folder/nodes/$name http_port=$http_port" >> "$folder/inventory.ini"
  done

  cat >> "$folder/inventory.ini" <<EOF
[web:vars]
ansible_user=$(id -un)
restart="DOTNET=${dotnet:-dotnet} sh current/control.sh restart"
stop="sh current/control.sh stop"
[staging:children]
web
EOF

  # Single-quoted: the key's lines stay as they are. `set -a; . opsflow.env; set +a` exports them.
  cat > "$folder/opsflow.env" <<EOF
OpsFlow__Fleet__InventoryPath='$folder/inventory.ini'
OpsFlow__Fleet__KnownHostsPath='$folder/known_hosts'
OpsFlow__Fleet__KeySecret=local_nodes
OpsFlow__Secrets__local_nodes='$(cat "$folder/client")'
EOF
  chmod 600 "$folder/opsflow.env"
  echo "$count local nodes running (ssh ports from $first_ssh_port, app ports from $first_http_port), tagged web and staging."
  echo "Point OpsFlow at them:  set -a; . $folder/opsflow.env; set +a"
  echo "Stop them:              bash deploy/local-nodes.sh stop"
}

case "${1:-}" in
  start) start "${2:-3}" ;;
  stop) stop ;;
  *) echo "usage: bash deploy/local-nodes.sh start [count] | stop" >&2; exit 2 ;;
esac
