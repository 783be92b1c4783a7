// A window of pre-laid-out lines: the one way panels render text, so nothing ever wraps and
// the frame height is exact. Shows where the window is when there is more than fits.
import type React from 'react';
import {Box, Text} from 'ink';

export type Line = React.ReactNode;

export function clampScroll(offset: number, total: number, height: number): number {
	return Math.max(0, Math.min(offset, total - height));
}

/**
 * How a window of `height` rows shows `total` lines: the rows for text (one goes to the position when
 * it scrolls), the shift that keeps the focus line on screen, and how far the learner can scroll.
 */
export function windowOf(total: number, height: number, focus?: number) {
	const room = total > height ? height - 1 : height;
	const shift = focus !== undefined && focus >= room - 2 ? focus - Math.floor(room / 2) : 0;
	return {room, shift, max: Math.max(0, total - room - shift)};
}

interface Props {
	lines: Line[];
	height: number;
	width: number;
	offset?: number; // lines the learner scrolled
	focus?: number; // a line that must be on screen when unscrolled (the lit sample line)
}

export function Lines({lines, height, offset = 0, width, focus}: Props) {
	const scrollable = lines.length > height;
	const {room, shift} = windowOf(lines.length, height, focus);
	const start = clampScroll(offset + shift, lines.length, room);
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
