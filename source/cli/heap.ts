// V8 sizes the heap for a server's throughput; the walkthrough is a screen redrawn on each key
// or live frame, whose frames are garbage at once (Ink allocates about 1.4 MB a frame). Left to
// itself, V8 doubles the young generation under that churn up to 128 MB (two 64 MB semi-spaces:
// Node's builds have no pointer compression), and the TUI under a live server's load reached
// 270 MB of RSS with under 40 MB of it live. After start-up V8 reads only the growth factor
// (not --max-semi-space-size): set before the UI loads, the young generation keeps its first
// size (2 MB), and a full collection leaves 20% headroom over what is live (V8's default: up to 4x).
import v8 from 'node:v8';

export const WALKTHROUGH_HEAP_FLAGS = ['--semi-space-growth-factor=1', '--heap-growing-percent=20'];

// The scripted lesson draws a frame per key and nothing else: V8's optimizing compilers (Maglev,
// TurboFan) cost more than they save there. Measured on Node 24 over 48 steps at 80x24, five
// runs each, alternating: peak RSS 86.9 -> 76.0 MB (median), 74.0 -> 64.0 MB at the first frame
// (the compilers' own code, paged in from the node binary, and their working memory), and CPU
// for the 48 steps 610 -> 490 ms (code compiled for a few hundred frames is not paid back). A
// live server's stream of events (--live, --gunicorn, --lab) keeps them: there they pay.
export const SCRIPTED_COMPILER_FLAGS = ['--no-maglev', '--no-opt'];

/**
 * Node's own modules carry code compiled under V8's default flags, which V8 refuses once a flag has
 * changed: each one loaded after the flags is compiled from its source (assert and perf_hooks: 1.5 ->
 * 4.5 ms). These are the ones the UI loads (signal-exit's assert, React's `performance`, chalk's look
 * at `navigator`; child_process, worker_threads and util, imported by chunks on the start path). Loaded
 * before the flags, the first frame came about 8 ms sooner, with no more memory (side by side).
 * test/heap-flags.test.ts checks that no other loads after them on the way to the first frame.
 */
export const BUILTINS_BEFORE_FLAGS = [
	'node:assert',
	'node:child_process',
	'node:perf_hooks',
	'node:timers/promises',
	'node:util',
	'node:worker_threads',
] as const;

export async function boundHeapForScreen({scripted}: {scripted: boolean}): Promise<void> {
	await Promise.all(BUILTINS_BEFORE_FLAGS.map(name => import(name)));
	void (globalThis as {navigator?: unknown}).navigator; // a lazy global: its module loads on first read
	for (const flag of WALKTHROUGH_HEAP_FLAGS) v8.setFlagsFromString(flag);
	if (scripted) for (const flag of SCRIPTED_COMPILER_FLAGS) v8.setFlagsFromString(flag);
}
