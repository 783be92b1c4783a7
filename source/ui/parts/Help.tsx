import {Text} from 'ink';
import {Lines, type Line} from './Lines';
import type {PanelId} from '../panels';
import {helpRows} from '../keys';

/** Every key of this walkthrough (a workshop's only in one), from the key-binding table. */
export function HelpOverlay({
	width,
	height,
	leader,
	panels,
	room,
}: {
	width: number;
	height: number;
	leader: boolean;
	panels: PanelId[];
	room?: 'instructor' | 'attendee';
}) {
	const all = helpRows({leader, panels, room});
	const pad = Math.max(...all.map(([k]) => k.length)) + 2;
	const lines: Line[] = [
		<Text bold wrap="truncate-end">
			Keys (the same on every panel)
		</Text>,
		'',
		...all.map(([key, what]) => (
			<Text wrap="truncate-end">
				<Text bold>{key.padEnd(pad)}</Text>
				{what}
			</Text>
		)),
		'',
		<Text dimColor wrap="truncate-end">
			Press Esc or ? to close.
		</Text>,
	];
	return <Lines lines={lines} height={height} width={width} />;
}

export function TooSmall({
	columns,
	rows,
	need,
}: {
	columns: number;
	rows: number;
	need: {columns: number; rows: number};
}) {
	const text = `Please enlarge the terminal to at least ${need.columns}x${need.rows} (now ${columns}x${rows}).`;
	const line = text.length > columns ? `Enlarge to ${need.columns}x${need.rows} (now ${columns}x${rows})` : text;
	const top = Math.max(0, Math.floor((rows - 1) / 2) - 1);
	return (
		<Text>
			{'\n'.repeat(top)}
			{' '.repeat(Math.max(0, Math.floor((columns - line.length) / 2)))}
			{line.slice(0, columns)}
		</Text>
	);
}
