# ForceCommand of a replay hypervisor (fleet-up.sh), sourced by the session's own bash (`. replay.sh`): the 20
# replay hosts share the client's 2 cores, and CPU they spend is an artefact a real fleet does not have, so a
# gather forks nothing (no sh, sleep or cat: the 20 hosts' CPU per fleet refresh 135 -> 81 ms). Like mvm-tui's real
# commands it first reports its process group on stderr (src/ssh/kill.ts), then answers: the gather script (in its
# kept shell, src/ssh/rounds.ts, or on its own) with the lab's captured output after the lab's measured script
# time, a nested VM probe (`ssh ... -- true`) with success after the probe time, and a batched probe
# (src/host/nested-probe.ts) with success for each VM it names, once after the probe time: a real hypervisor runs
# those probes in parallel.
. /run/mvm-tui-fleet/replay.env
printf 'mvm-tui-pgid %s\n' "$$" >&2
refuse() { echo "replay host: not replayed: $SSH_ORIGINAL_COMMAND" >&2; exit 127; }
# Waits $1 seconds inside bash: a read that times out on a FIFO nobody writes to (opened read-write, so the open
# does not block).
nap() { read -r -t "$1" -u 9 9<>/run/mvm-tui-fleet/nap.fifo; }

# `@@probe NAME 0` for each line of a batched probe; a `!` line for any line that is not one of its lines.
batch_answers() {
  printf '%s\n' "$SSH_ORIGINAL_COMMAND" | sed -n -e '/^wait$/d' -e '/^$/d' \
    -e 's/^\(printf .mvm-tui-pgid %s\\n. "\$\$" >&2; \)\{0,1\}timeout -k [0-9.]* [0-9.]* ssh -i .* -- true <\/dev\/null >\/dev\/null 2>&1 && echo @@probe \([A-Za-z0-9_.:-]*\) 0 || echo @@probe \2 \$? &$/@@probe \2 0/p' \
    -e 't' -e 's/.*/!/p'
}

case $SSH_ORIGINAL_COMMAND in
  # Event mode's script in its kept shell (the system line's `mvm_s=$(`): each run gets the captured output of the
  # lines it names (the bench writes event-line-N.out: src/host/gather.ts eventGather), so a tick's run answers only
  # its counters, as the lab does. A run of more than the tick's two lines (a whole or event read) after the lab's
  # script time; the tick's builtins take ~1 ms there.
  *'while read -r mvm_round mvm_lines; do'*'mvm_s=$('*)
    while read -r round lines; do
      . /run/mvm-tui-fleet/replay.env
      out=
      for l in $lines; do
        o=
        IFS= read -r -d '' o <"/run/mvm-tui-fleet/event-line-$l.out"
        out+=$o
      done
      case $lines in *' '*' '*) nap "$GATHER_S" ;; esac
      printf '%s@@mvm-end %s\n' "$out" "$round"
    done
    exit 0 ;;
  # The status script kept running in one shell (src/ssh/rounds.ts): a run per line read (its token, then the
  # script lines it runs), each ending with the marker that repeats the token. Every run gets the whole captured
  # output. The output and the script time are read again for every run (the bench changes them on the fly).
  *'while read -r mvm_round mvm_lines; do'*'@@mvm system'*)
    while read -r round _; do
      . /run/mvm-tui-fleet/replay.env
      IFS= read -r -d '' out </run/mvm-tui-fleet/gather.out
      nap "$GATHER_S"
      printf '%s@@mvm-end %s\n' "$out" "$round"
    done
    exit 0 ;;
  # The event stream (src/host/events.ts): ready, then an idle host's silence until the channel closes.
  *'@@mvm-events ready'*)
    echo '@@mvm-events ready'
    read -r -u 9 9<>/run/mvm-tui-fleet/nap.fifo
    exit 0 ;;
  *'@@mvm system'*)
    # read -d '' takes the whole file, trailing newlines included (it ends at EOF with status 1).
    IFS= read -r -d '' out </run/mvm-tui-fleet/gather.out
    nap "$GATHER_S"
    printf '%s' "$out"
    exit 0 ;;
  # The transport sends a VM command with its own pgid report (`-- 'printf ...; true'`); the bare form too.
  *"ssh -i "*" -- true" | *"ssh -i "*" -- 'printf '\\''mvm-tui-pgid %s\n'\\'' \"\$\$\" >&2; true'") nap "$PROBE_S"; exit 0 ;;
  *"&& echo @@probe "*)
    answers=$(batch_answers)
    case $answers in '' | *'!'*) refuse ;; esac
    nap "$PROBE_S"
    printf '%s\n' "$answers"
    exit 0 ;;
  *) refuse ;;
esac
