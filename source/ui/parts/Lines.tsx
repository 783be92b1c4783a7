// A window of pre-laid-out lines: the one way panels render text, so nothing ever wraps and
// the frame height is exact. Shows where the window is when there is more than fits.
import type React from 'react';
import {createContext, useContext, useEffect} from 'react';
import {Box, Text} from 'ink';

export type Line = React.ReactNode;

export function clampScroll(offset: number, total: number, height: number): number {
	return Math.max(0, Math.min(offset, total - height));
}

/** Where a window tells its host how far it can scroll, so scrolling stops at the end. */
export const ScrollLimit = createContext<((max: number) => void) | undefined>(undefined);

interface Props {
	lines: Line[];
	height: number;
	width: number;
	offset?: number; // lines the learner scrolled
	focus?: number; // a line that must be on screen when unscrolled (the lit sample line)
}

export function Lines({lines, height, offset = 0, width, focus}: Props) {
	const scrollable = lines.length > height;
	const room = scrollable ? height - 1 : height;
	const shift = focus !== undefined && focus >= room - 2 ? focus - Math.floor(room / 2) : 0;
	const start = clampScroll(offset + shift, lines.length, room);
	const report = useContext(ScrollLimit);
	const max = Math.max(0, lines.length - room - shift);
	useEffect(() => report?.(max), [report, max]);
	const shown = lines.slice(start, start + room);
	return (
		<Box flexDirection="column" width={width} height={height} overflow="hidden">
			{shown.map((line, i) => (
				<Box key={start + i} width={width} height={1} overflow="hidden">
					{typeof line === 'string' ? <Text wrap="truncate-end">{line}</Text> : line}
				</Box>
			))}
			{scrollable && (
				<Text dimColor wrap="truncate-end">
					{`${start > 0 ? '↑' : ' '}${start + room < lines.length ? '↓' : ' '} lines ${start + 1}` +
						`-${start + shown.length} of ${lines.length}  ` +
						`(↑↓ PgUp PgDn)`}
				</Text>
			)}
		</Box>
	);
}
