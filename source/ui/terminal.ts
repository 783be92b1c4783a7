// The terminal's size, following resizes. Works for a local TTY and for an SSH session's
// stream alike (both expose columns, rows and a 'resize' event).
import {useEffect, useState} from 'react';
import {useStdout} from 'ink';

export interface Size {
	columns: number;
	rows: number;
}

export const MIN_SIZE: Size = {columns: 70, rows: 18};
/** From this width on, panels use the room: flow and table side by side. */
export const WIDE = 120;

export function useTerminalSize(): Size {
	const {stdout} = useStdout();
	const read = () => ({columns: stdout.columns || 80, rows: stdout.rows || 24});
	const [size, setSize] = useState(read);
	// biome-ignore lint/correctness/useExhaustiveDependencies: read only reads stdout, which is listed
	useEffect(() => {
		const onResize = () => setSize(read());
		stdout.on('resize', onResize);
		return () => {
			stdout.off('resize', onResize);
		};
	}, [stdout]);
	return size;
}

/**
 * How every host renders the App: Ctrl+C is a key the App handles (it may end only a session), incremental frames at a
 * bounded rate.
 */
export const RENDER_OPTIONS = {exitOnCtrlC: false, incrementalRendering: true, maxFps: 30} as const;
