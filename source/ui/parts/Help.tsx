import {Text} from 'ink';
import {Lines, type Line} from './Lines';

const KEYS: Array<[string, string]> = [
	['→ n / ← p', 'next / previous step (live: event)'],
	['Home / End', 'first / last step (live: back to the newest)'],
	['space', 'autoplay the steps; any key stops it'],
	['1-9, Tab / Shift+Tab', 'switch panel'],
	['↑ ↓ j k, PgUp PgDn', 'scroll a long panel (live panel: k kills)'],
	['v', 'switch between default and --preload'],
	['Quiz: a-d, ↑ ↓ Enter', 'answer the question'],
	['Quiz: h', 'hint: lights the table cell or flow box it means'],
	['Quiz: [ ]', 'previous / next question'],
	['Live: r b s', 'a request, a burst of 200, one slower than --timeout'],
	['Live: k + -', 'kill a worker; add / remove one (TTIN / TTOU)'],
	['Live: g x', 'reload (HUP); stop / start the server'],
	['?', 'this help'],
	['Esc', 'close help or a question'],
	['q, Ctrl+C', 'quit'],
];

export function HelpOverlay({width, height, extra}: {width: number; height: number; extra: Array<[string, string]>}) {
	const all = [...KEYS, ...extra];
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
