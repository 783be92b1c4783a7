// Panel 3: the execution table, derived from the machine's history. Rows appear as steps are
// reached; the current row is marked ▶ and a hinted cell ». Under 120 columns the cells are
// short texts and fewer columns, so nothing is cut; the current row is spelled out below.
import type React from 'react';
import {Box, Text} from 'ink';
import {Table} from 'ink-table';
import type {TableRow} from '../../lifecycle/selectors';
import {wrap} from '../../lesson/plain';
import type {TableColumn} from '../../lesson/types';
import {WIDE} from '../terminal';

const COLUMNS = [
	['n', '#'],
	['action', 'Action'],
	['gunicorn', 'Gunicorn'],
	['worker', 'Worker'],
	['django', 'Django'],
	['output', 'Output'],
] as const;

export const truncate = (text: string, width: number) =>
	text.length <= width ? text : width <= 1 ? text.slice(0, width) : text.slice(0, width - 1) + '…';

/** Widths for each column's content so that the bordered table fits `width`. */
export function fitWidths(natural: number[], width: number): number[] {
	const overhead = natural.length * 2 + natural.length + 1; // padding and borders
	const widths = [...natural];
	let excess = widths.reduce((a, b) => a + b, 0) + overhead - width;
	while (excess > 0) {
		const widest = widths.indexOf(Math.max(...widths));
		if (widths[widest] <= 3) break;
		widths[widest]--;
		excess--;
	}
	return widths;
}

const Cell = ({children}: React.PropsWithChildren<{column: number}>) => {
	const text = String(children);
	if (text.includes('▶'))
		return (
			<Text bold color="yellow">
				{text}
			</Text>
		);
	if (text.includes('»'))
		return (
			<Text bold color="cyan">
				{text}
			</Text>
		);
	return <Text>{text}</Text>;
};
const Skeleton = ({children}: React.PropsWithChildren) => <Text dimColor>{children}</Text>;
const Heading = ({children}: React.PropsWithChildren) => <Text bold>{children}</Text>;

interface Props {
	rows: TableRow[];
	current: number;
	width: number;
	height: number;
	hint?: {row: number; column: TableColumn};
	total?: number; // rows the table will have (9 in the lesson)
	compact?: boolean; // beside the flow: the narrow columns, no detail
}

const DETAIL: Array<[Exclude<keyof TableRow, 'n' | 'short'>, string]> = [
	['action', 'Action'],
	['gunicorn', 'Gunicorn'],
	['worker', 'Worker'],
	['django', 'Django'],
	['output', 'Output'],
];

/** Narrow: the columns whose short texts fit 80 columns whole; Gunicorn and Output live in the detail. */
const NARROW = new Set<string>(['n', 'action', 'worker', 'django']);

/** The current row spelled out in full, each field wrapped under its name. */
function detailLines(row: TableRow, width: number, hinted?: TableColumn): React.ReactNode[] {
	const gutter = Math.max(3, String(row.n).length + 2); // "▶5 ", "▶17 "
	return DETAIL.flatMap(([key, title]) => {
		const mark = key === hinted;
		const value = row[key] || '(nothing logged)';
		return wrap(value, width - gutter - 10).map((text, i) => (
			<Text key={`${key}${i}`} wrap="truncate-end" color={mark ? 'cyan' : undefined}>
				<Text bold>
					{i > 0
						? ' '.repeat(gutter + 9)
						: (key === 'action' ? `▶${row.n}` : mark ? '»' : '').padEnd(gutter) + title.padEnd(9)}
				</Text>
				{text}
			</Text>
		));
	});
}

export function TablePanel({rows, current, width, height, hint, total, compact}: Props) {
	const narrow = compact || width < WIDE;
	const shown = narrow ? COLUMNS.filter(([key]) => NARROW.has(key)) : COLUMNS;
	const text = (row: TableRow, key: Exclude<keyof TableRow, 'n' | 'short'>) =>
		narrow && key !== 'output' ? row.short[key] : row[key];
	const hiddenHint = hint && !shown.some(([key]) => key === hint.column) ? hint : undefined;
	// The current row in full below the table: narrow cells are short, and wide ones may be cut.
	const detail =
		!compact && rows[current]
			? detailLines(rows[current], width, hiddenHint?.row === rows[current].n ? hiddenHint.column : undefined)
			: [];
	// Each row costs two lines (separator and data); three for the top, heading and bottom, one for the caption.
	const fit = Math.max(1, Math.floor((height - 4 - detail.length) / 2));
	// Keep the hinted row in view when there is one, else the current row.
	const focus = hint && hint.row <= rows.length ? hint.row - 1 : current;
	const start = Math.max(0, Math.min(focus - fit + 1 + Math.floor(fit / 3), rows.length - fit));
	const window = rows.slice(Math.max(0, start), Math.max(0, start) + fit);
	const cells = window.map(row => {
		const index = rows.indexOf(row);
		return shown.map(([key]) => {
			const value = key === 'n' ? `${index === current ? '▶' : ' '}${row.n}` : text(row, key);
			return hint && hint.row === row.n && hint.column === key ? `» ${value}` : String(value);
		});
	});
	const natural = shown.map(([, title], c) => Math.max(title.length, ...cells.map(r => r[c].length)));
	const widths = fitWidths(natural, width);
	const data = cells.map(r => Object.fromEntries(shown.map(([, title], c) => [title, truncate(r[c], widths[c])])));
	const columns = shown.map(([, title], c) => truncate(title, widths[c]));
	const shownFrom = Math.max(0, start) + 1;
	const hintNote = !hint
		? ''
		: hint.row > rows.length
			? `  » hint: row ${hint.row}, not reached yet`
			: hiddenHint
				? `  » ` +
					`hint: ${COLUMNS.find(([key]) => key === hint.column)![1]}` +
					` below${hint.row === rows[current]?.n ? '' : ` at row ${hint.row}`}`
				: '  » hint';
	const caption =
		rows.length === 0
			? 'No rows yet: step forward to fill the table.'
			: `Rows ${shownFrom}-${shownFrom + window.length - 1} of ${rows.length}` +
				`${total && total > rows.length ? ` (${total - rows.length} more to come)` : ''}  ` +
				`▶ current${hintNote}`;
	return (
		<Box flexDirection="column" width={width} height={height} overflow="hidden">
			{rows.length > 0 && (
				<Table
					data={data as never}
					columns={columns as never}
					cell={Cell}
					skeleton={Skeleton}
					header={Heading}
				/>
			)}
			<Text dimColor wrap="truncate-end">
				{caption}
			</Text>
			{detail}
		</Box>
	);
}
