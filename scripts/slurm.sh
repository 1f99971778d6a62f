#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, for trying docs/SCALING.md's job array and for its test
# (test/slurm.test.ts). Debian/Ubuntu packages slurmctld, slurmd, slurm-client, munge
# (`bash scripts/setup.sh --test` installs them); root; no systemd needed.
#
#   bash scripts/slurm.sh up       # start munged, slurmctld, slurmd; prints SLURM_CONF=… (eval it)
#   bash scripts/slurm.sh status   # which of them run; the node's state
#   bash scripts/slurm.sh down     # cancel the jobs, stop the three daemons, remove nothing else
#   bash scripts/slurm.sh with CMD…  # up, run CMD with SLURM_CONF set, down (also on failure or Ctrl-C)
#
# Everything lives in one state folder, $SAMLAB_SLURM_DIR (default /tmp/samlab-slurm): the
# configuration, a private munge key and socket, the daemons' state, logs and pids. Nothing in /etc
# is touched and an existing Slurm or munge on the machine is left alone (other ports, other socket).
# `up` is idempotent (it does nothing when its daemons run); `down` stops only the processes it
# started, by the pids it recorded (checked against /proc, never looked up by name).
set -euo pipefail

DIR="${SAMLAB_SLURM_DIR:-/tmp/samlab-slurm}"
CONF="$DIR/slurm.conf"
PIDS="$DIR/pids"
DAEMONS=(munged slurmctld slurmd)

say() { printf 'slurm.sh: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

# The recorded pid of a daemon, if that process still runs and is that daemon (not a zombie, not a
# pid reused by something else).
alive_pid() {
  local name="$1" pid state comm
  [ -f "$PIDS/$name" ] || return 1
  pid="$(cat "$PIDS/$name")"
  [ -n "$pid" ] && [ -r "/proc/$pid/stat" ] || return 1
  comm="$(cat "/proc/$pid/comm" 2>/dev/null)" || return 1
  state="$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" || return 1
  [ "$comm" = "$name" ] && [ "$state" != Z ] && [ "$state" != X ] || return 1
  echo "$pid"
}

# A TCP port on 127.0.0.1 that nothing listens on.
free_port() {
  local p
  for _ in $(seq 1 50); do
    p=$((20000 + RANDOM % 20000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
  die "no free TCP port found"
}

slurm_env() { SLURM_CONF="$CONF" "$@"; }

node_state() { slurm_env sinfo -h -N -o '%T' 2>/dev/null | head -1; }

up() {
  [ "$(id -u)" = 0 ] || die "needs root (slurmd runs as root)"
  for b in munged mungekey slurmctld slurmd sbatch sinfo; do
    command -v "$b" >/dev/null || die "$b not found: apt-get install --no-install-recommends slurmctld slurmd slurm-client munge (or bash scripts/setup.sh --test)"
  done
  local running=0
  for d in "${DAEMONS[@]}"; do if alive_pid "$d" >/dev/null; then running=$((running + 1)); fi; done
  if [ "$running" = "${#DAEMONS[@]}" ]; then echo "SLURM_CONF=$CONF"; return; fi
  if [ "$running" -gt 0 ]; then say "some daemons of $DIR run, others not: restarting"; down; fi

  mkdir -p "$DIR" "$PIDS"
  chmod 755 "$DIR"
  # munged and slurmctld run as their own users: every folder above $DIR must let them in.
  for u in munge slurm; do
    setpriv --reuid="$u" --regid="$u" --clear-groups test -x "$DIR" ||
      die "$DIR: the $u user cannot enter it (a folder above it is private?); choose another SAMLAB_SLURM_DIR"
  done
  # munge: its own key and socket, in folders owned by munge (munged checks their owner and mode)
  install -d -o munge -g munge -m 700 "$DIR/munge"
  install -d -o munge -g munge -m 755 "$DIR/munge-run"
  [ -f "$DIR/munge/munge.key" ] || mungekey --create --keyfile="$DIR/munge/munge.key" 2>/dev/null
  chown munge:munge "$DIR/munge/munge.key"
  chmod 600 "$DIR/munge/munge.key"
  # slurmctld runs as the slurm user: its state and log folders are slurm's; slurmd's are root's
  install -d -o slurm -g slurm -m 755 "$DIR/ctld" "$DIR/log"
  install -d -m 755 "$DIR/d"

  local ctld_port d_port node host
  ctld_port="$(free_port)"
  d_port="$(free_port)"
  [ "$d_port" != "$ctld_port" ] || d_port=$((ctld_port + 1))
  host="$(hostname -s)"
  # The node line as slurmd detects it (another count of sockets/cores makes slurmd refuse to
  # register); without the uptime line.
  node="$(slurmd -C | head -1)"
  case "$node" in NodeName=*) ;; *) die "slurmd -C printed no node line: $node" ;; esac
  cat >"$CONF" <<EOF
# written by scripts/slurm.sh up
ClusterName=samlab
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$d_port
SlurmUser=slurm
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$DIR/munge-run/munge.socket
StateSaveLocation=$DIR/ctld
SlurmdSpoolDir=$DIR/d
SlurmctldPidFile=$DIR/ctld/slurmctld.pid
SlurmdPidFile=$DIR/d/slurmd.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
# no cgroups, no accounting database, no mail
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
MailProg=/bin/true
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
# fast turnaround: schedule array tasks at once, let finished jobs leave the queue after 2 s
# (sbatch --wait polls at 2 s, 8 s, then every 32 s unless MinJobAge ≤ 4)
SchedulerParameters=batch_sched_delay=0
MinJobAge=2
$node NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=samlab Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
  chmod 644 "$CONF"

  local t0=$SECONDS
  # Each daemon in the foreground of its own session: $! is its pid (no pid file to trust). Started
  # from the state folder, so that no daemon keeps the caller's folder busy; slurmctld with -c: no
  # job of an earlier `up` comes back.
  cd "$DIR"
  setsid setpriv --reuid=munge --regid=munge --init-groups munged --foreground \
    --socket="$DIR/munge-run/munge.socket" --key-file="$DIR/munge/munge.key" \
    --pid-file="$DIR/munge-run/munged.pid" --log-file="$DIR/munge/munged.log" \
    --seed-file="$DIR/munge/munged.seed" </dev/null >>"$DIR/log/munged.out" 2>&1 &
  echo $! >"$PIDS/munged"
  for _ in $(seq 1 50); do [ -S "$DIR/munge-run/munge.socket" ] && break; sleep 0.1; done
  munge -n --socket="$DIR/munge-run/munge.socket" | unmunge --socket="$DIR/munge-run/munge.socket" >/dev/null 2>&1 ||
    { down; die "munged did not start: $(tail -3 "$DIR/munge/munged.log" "$DIR/log/munged.out" 2>/dev/null)"; }

  SLURM_CONF="$CONF" setsid slurmctld -D -c -f "$CONF" </dev/null >>"$DIR/log/slurmctld.out" 2>&1 &
  echo $! >"$PIDS/slurmctld"
  SLURM_CONF="$CONF" setsid slurmd -D -f "$CONF" </dev/null >>"$DIR/log/slurmd.out" 2>&1 &
  echo $! >"$PIDS/slurmd"

  # Ready when the node is idle (slurmd registered with slurmctld).
  local s=""
  for _ in $(seq 1 150); do
    s="$(node_state || true)"
    [ "$s" = idle ] && break
    for d in "${DAEMONS[@]}"; do alive_pid "$d" >/dev/null || { down; die "$d exited; see $DIR/log/"; }; done
    sleep 0.2
  done
  [ "$s" = idle ] || { down; die "the node is '$s', not idle, after 30 s; see $DIR/log/"; }
  say "up in $((SECONDS - t0)) s: node $host idle, state in $DIR"
  echo "SLURM_CONF=$CONF"
}

leftovers() {
  {
    grep -lsxzF "SLURM_CONF=$CONF" /proc/[0-9]*/environ | while read -r f; do
      if grep -qsz '^SLURM_JOB_ID=' "$f"; then f="${f#/proc/}"; echo "${f%%/*}"; fi
    done
    find /proc/[0-9]*/fd -maxdepth 1 -lname "$DIR/log/slurmd.log" 2>/dev/null | cut -d/ -f3
  } | sort -un | grep -vx -e "$$" -e "$BASHPID" || true
}

down() {
  [ -d "$DIR" ] || return 0
  # Cancel the jobs first: stopping slurmctld leaves running jobs running.
  if alive_pid slurmctld >/dev/null && [ -f "$CONF" ]; then
    local jobs
    jobs="$(slurm_env squeue -h -o '%A' 2>/dev/null | sort -u | tr '\n' ' ' || true)"
    if [ -n "${jobs// /}" ]; then
      # shellcheck disable=SC2086
      slurm_env scancel $jobs 2>/dev/null || true
      for _ in $(seq 1 50); do
        [ -z "$(slurm_env squeue -h -o '%A' 2>/dev/null)" ] && break
        sleep 0.2
      done
    fi
  fi
  local pid d
  for d in slurmd slurmctld munged; do
    pid="$(alive_pid "$d")" || { rm -f "$PIDS/$d"; continue; }
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do alive_pid "$d" >/dev/null || break; sleep 0.1; done
    if pid="$(alive_pid "$d")"; then kill -KILL "$pid" 2>/dev/null || true; fi
    rm -f "$PIDS/$d"
  done
  # Job processes left over (normally none: the jobs were cancelled above; but slurmctld may have
  # died first). They are marked as this cluster's: slurmstepd keeps slurmd's log file open, and a
  # job's processes have SLURM_CONF=<this conf> and SLURM_JOB_ID in their environment.
  local left
  left="$(leftovers)"
  if [ -n "$left" ]; then
    # shellcheck disable=SC2086
    kill -TERM $left 2>/dev/null || true
    sleep 0.5
    left="$(leftovers)"
    # shellcheck disable=SC2086
    [ -z "$left" ] || kill -KILL $left 2>/dev/null || true
  fi
  say "down: $DIR's daemons stopped"
}

status() {
  local d pid rc=0
  for d in "${DAEMONS[@]}"; do
    if pid="$(alive_pid "$d")"; then echo "$d: running (pid $pid)"; else echo "$d: not running"; rc=3; fi
  done
  if [ "$rc" = 0 ]; then echo "node: $(node_state)"; echo "SLURM_CONF=$CONF"; fi
  return "$rc"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  with)
    shift
    [ "$#" -gt 0 ] || die "with: expected a command"
    trap down EXIT
    trap 'exit 130' INT TERM
    up >/dev/null
    SLURM_CONF="$CONF" "$@"
    ;;
  *) echo "usage: bash scripts/slurm.sh up|down|status|with CMD…  (state in \$SAMLAB_SLURM_DIR, default /tmp/samlab-slurm)" >&2; exit 2 ;;
esac
