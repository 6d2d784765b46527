// How often Ink may draw. 60, not Ink's 30: under a log flood nearly every slow key arrived just after a data
// frame and waited out the 34 ms throttle (bench/log-flood.tsx: p99 key-to-frame 69 ms at 30 fps, 36 ms at 60,
// same CPU and frame count on a paced 25,000 lines/s). An idle screen draws only when something changes.
export const MAX_FPS = 60;
