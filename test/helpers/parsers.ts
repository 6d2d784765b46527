import { splitSections } from '../../src/host/gather.js';
import * as P from '../../src/parsers/index.js';
import { parseCominStatus } from '../../src/parsers/comin.js';
import { parseProbeOutput } from '../../src/parsers/probe.js';
import { parseUnitState } from '../../src/services/actions.js';
import { parseKnownHosts } from '../../src/ssh/known-hosts.js';
import { parseJump, parseLine } from '../../src/ssh/ssh-config.js';

// Every parser of remote or local text, for the tests that feed them garbage (test/parsers/never-throw.test.ts)
// and hostile output (test/reliability/parsers.test.ts): one list, so a new parser is added once.
export const PARSERS: Array<[string, (s: string) => unknown]> = [
  ['zpool status', (s) => P.parseZpoolStatus(s, [])],
  ['zpool list', (s) => P.parseZpoolList(s, [])],
  ['systemctl show', (s) => P.parseSystemctlShow(s, [])],
  ['is-system-running', (s) => P.parseIsSystemRunning(s, [])],
  ['failed units', (s) => P.parseFailedUnits(s, [])],
  ['systemd timestamp', (s) => P.parseSystemdTimestamp(s)],
  ['journal line', (s) => P.parseJournalJson(s)],
  ['journal lines', (s) => s.split('\n').map(P.parseJournalJson)],
  ['ip links', (s) => P.parseIpLinks(s, [])],
  ['df', (s) => P.parseDf(s, [])],
  ['zfs get', (s) => P.parseZfsGet(s, [])],
  ['loadavg', (s) => P.parseLoadavg(s, [])],
  ['meminfo', (s) => P.parseMeminfo(s, [])],
  ['readlink', (s) => P.parseReadlink(s, 0)],
  ['stat links', (s) => P.parseStatLinks(s)],
  ['zfs diff line', (s) => P.decodeZfsDiffLine(s)],
  ['human size', (s) => P.parseHumanSize(s)],
  ['comin status', (s) => parseCominStatus(s)],
  ['VM probe lines', (s) => parseProbeOutput(s, ['vm1', 'vm2'])],
  ['unit settle state', (s) => parseUnitState(s)],
  ['gather sections', (s) => splitSections(s)],
  ['known_hosts', (s) => parseKnownHosts(s)],
  ['ssh_config line', (s) => s.split('\n').map(parseLine)],
  ['ProxyJump spec', (s) => parseJump(s)],
];
