// How often Ink may draw: 1000, i.e. Ink's frame throttle (1000/fps ms) is 1 ms and in practice off. Frames are
// already paced before Ink: the store notifies once per burst of dispatches, log tails hand over batches every
// 50-200 ms, the poller reports on one grid. All the throttle still did was hold a key's frame back when it came
// just after a data frame (bench/log-flood.tsx under a 25,000 lines/s flood: at 60, 3 keys of 78 over 40 ms and
// p99 33-73 ms; at 1000, none over 40 and p99 31 ms, with 5% more frames and the same CPU; at 30, p99 69 ms).
export const MAX_FPS = 1000;
