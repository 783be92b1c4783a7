// V8 sizes the heap for a server's throughput; the walkthrough is a screen redrawn on each key
// or live frame, whose frames are garbage at once (Ink allocates about 1.4 MB a frame). Left to
// itself, V8 doubles the young generation under that churn up to 128 MB (two 64 MB semi-spaces:
// Node's builds have no pointer compression), and the TUI under a live server's load reached
// 270 MB of RSS with under 40 MB of it live. After start-up V8 reads only the growth factor
// (not --max-semi-space-size): set before the UI loads, the young generation keeps its first
// size (2 MB), and a full collection leaves 20% headroom over what is live (V8's default: up to 4x).
import v8 from 'node:v8';

export const WALKTHROUGH_HEAP_FLAGS = ['--semi-space-growth-factor=1', '--heap-growing-percent=20'];

export function boundHeapForScreen(): void {
	for (const flag of WALKTHROUGH_HEAP_FLAGS) v8.setFlagsFromString(flag);
}
