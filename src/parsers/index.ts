// Pure parsers of remote command output: text in, typed data out, never throwing.
export type { ParseIssues } from './issues.js';
export { parseHumanSize, parseCount, parseUint } from './size.js';
export { parseZpoolStatus, type ZpoolStatus, type ZpoolVdev, type ZpoolScan } from './zpool-status.js';
export { parseZpoolList, type ZpoolListRow } from './zpool-list.js';
export { parseSystemctlShow, parseIsSystemRunning, parseFailedUnits, parseUnitList, parseSystemdTimestamp } from './systemctl.js';
export { parseJournalJson, type JournalEntry } from './journal.js';
export { parseIpLinks, parseSysfsLinks, type IpLink } from './ip.js';
export { parseDf, type DfRow } from './df.js';
export { parseZfsGet } from './zfs-get.js';
export { parseLoadavg, parseMeminfo } from './proc.js';
export { parseReadlink } from './readlink.js';
export { parseStatLinks } from './stat-links.js';
export { parseCounterFiles, cpuStatNs } from './counters.js';
export { decodeZfsDiffLine } from './zfs-diff.js';
