// Panel 3: the execution table, derived from the machine's history. Rows appear as steps are
// reached; the current row is marked ▶ and a hinted cell ». Under 120 columns the cells are
// short texts and fewer columns, so nothing is cut, and the current row is spelled out below;
// from 120 every cell holds its full text, wrapped within its column.
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
/** A cell's text in lines of at most `width`: by words, a word longer than the column split. */
export function cellLines(text: string, width: number): string[] {
	if (text.length <= width) return [text]; // as it is: " 5" keeps its place beside "▶9"
	const words = text
		.split(/\s+/)
		.filter(Boolean)
		.flatMap(word => (word.length <= width ? [word] : (word.match(new RegExp(`.{1,${width}}`, 'g')) ?? [])));
	const lines = wrap(words.join(' '), width);
	return lines.length ? lines : [''];
}

/** Wide columns: as fitWidths, but no column shrinks below its longest word (while that fits). */
export function wrapWidths(cells: string[][], titles: string[], width: number): number[] {
	const longest = (c: number, split: (s: string) => string[]) =>
		Math.max(titles[c].length, ...cells.flatMap(r => split(r[c]).map(w => w.length)));
	const natural = titles.map((_, c) => longest(c, s => [s]));
	const floors = titles.map((_, c) => longest(c, s => s.split(/\s+/)));
	const overhead = titles.length * 3 + 1;
	const widths = [...natural];
	let excess = widths.reduce((a, b) => a + b, 0) + overhead - width;
	while (excess > 0) {
		const room = widths.map((w, c) => w - floors[c]);
		const widest = room.indexOf(Math.max(...room));
		if (room[widest] <= 0) return fitWidths(widths, width);
		widths[widest]--;
		excess--;
	}
	return widths;
}

/** How many rows from `focus` fit `budget` lines (a row costs its lines and a rule): [start, end). */
function windowOf(heights: number[], focus: number, budget: number): [number, number] {
	let [start, end, used] = [focus, focus + 1, heights[focus] + 1];
	const fits = (i: number) => i >= 0 && i < heights.length && used + heights[i] + 1 <= budget;
	const take = (i: number) => ((used += heights[i] + 1), true);
	if (fits(end) && take(end)) end++; // one row after the focus, as the narrow table keeps a few
	while (fits(start - 1) && take(start - 1)) start--;
	while (fits(end) && take(end)) end++;
	return [start, end];
}

type Tone = 'current' | 'hint' | undefined;

/** The wide table: ink-table's borders and styles, a row as tall as its longest cell. */
function WrappedTable({
	titles,
	rows,
	widths,
}: {
	titles: string[];
	rows: Array<Array<[string, Tone]>>;
	widths: number[];
}) {
	const rule = (l: string, m: string, r: string) => (
		<Text dimColor>{l + widths.map(w => '─'.repeat(w + 2)).join(m) + r}</Text>
	);
	const line = (cells: Array<[string, Tone]>, key: string, bold = false) => (
		<Text key={key}>
			{cells.map(([text, tone], c) => (
				<Text key={c}>
					<Text dimColor>│</Text>{' '}
					<Text
						bold={bold || Boolean(tone)}
						color={tone === 'current' ? 'yellow' : tone ? 'cyan' : undefined}
					>
						{text.padEnd(widths[c])}
					</Text>{' '}
				</Text>
			))}
			<Text dimColor>│</Text>
		</Text>
	);
	return (
		<Box flexDirection="column">
			{rule('┌', '┬', '┐')}
			{line(
				titles.map(t => [t, undefined]),
				'head',
				true,
			)}
			{rows.flatMap((cells, r) => {
				const split = cells.map(([text], c) => cellLines(text, widths[c]));
				const height = Math.max(...split.map(l => l.length));
				return [
					<Box key={`rule${r}`}>{rule('├', '┼', '┤')}</Box>,
					...Array.from({length: height}, (_, i) =>
						line(
							cells.map(([, tone], c) => [split[c][i] ?? '', tone]),
							`${r}.${i}`,
						),
					),
				];
			})}
			{rule('└', '┴', '┘')}
		</Box>
	);
}

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
	const titles = shown.map(([, title]) => title);
	const cellsOf = (index: number) =>
		shown.map(([key]) => {
			const row = rows[index];
			const value = key === 'n' ? `${index === current ? '▶' : ' '}${row.n}` : text(row, key);
			return hint && hint.row === row.n && hint.column === key ? `» ${value}` : String(value);
		});
	// Keep the hinted row in view when there is one, else the current row.
	const focus = hint && hint.row <= rows.length ? hint.row - 1 : current;
	// The current row in full below the table: narrow cells are short. Wide cells are whole, so
	// the detail is needed only when the current row is out of view.
	const detailOf = () =>
		!compact && rows[current]
			? detailLines(rows[current], width, hiddenHint?.row === rows[current].n ? hiddenHint.column : undefined)
			: [];
	let detail: React.ReactNode[] = [];
	let start: number;
	let end: number;
	let table: React.ReactNode = null;
	if (narrow) {
		detail = detailOf();
		// Each row costs two lines (separator and data); three for the top, heading and bottom, one for the caption.
		const fit = Math.max(1, Math.floor((height - 4 - detail.length) / 2));
		start = Math.max(0, Math.min(focus - fit + 1 + Math.floor(fit / 3), rows.length - fit));
		end = Math.min(rows.length, start + fit);
		const cells = rows.slice(start, end).map((_, i) => cellsOf(start + i));
		const natural = titles.map((title, c) => Math.max(title.length, ...cells.map(r => r[c].length)));
		const widths = fitWidths(natural, width);
		const data = cells.map(r => Object.fromEntries(titles.map((title, c) => [title, truncate(r[c], widths[c])])));
		const columns = titles.map((title, c) => truncate(title, widths[c]));
		table = (
			<Table data={data as never} columns={columns as never} cell={Cell} skeleton={Skeleton} header={Heading} />
		);
	} else {
		// Widths from the rows that could be in view (each at least two lines), then as many as fit.
		const most = Math.max(1, Math.floor((height - 4) / 2));
		const from = Math.max(0, Math.min(focus - most + 2, rows.length - most));
		const candidates = rows.slice(from, from + most).map((_, i) => cellsOf(from + i));
		const widths = wrapWidths(candidates, titles, width);
		const heights = candidates.map(r => Math.max(...r.map((cell, c) => cellLines(cell, widths[c]).length)));
		const place = (budget: number) => windowOf(heights, Math.max(0, focus - from), budget).map(i => i + from);
		[start, end] = rows.length ? place(height - 4) : [0, 0];
		if (rows.length && (current < start || current >= end)) {
			detail = detailOf();
			[start, end] = place(height - 4 - detail.length);
		}
		const tone = (cell: string): Tone =>
			cell.startsWith('» ') ? 'hint' : cell.startsWith('▶') ? 'current' : undefined;
		const shownRows = candidates
			.slice(start - from, end - from)
			.map(r => r.map((cell): [string, Tone] => [cell, tone(cell)]));
		table = <WrappedTable titles={titles} rows={shownRows} widths={widths} />;
	}
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
			: `Rows ${start + 1}-${end} of ${rows.length}` +
				`${total && total > rows.length ? ` (${total - rows.length} more to come)` : ''}  ` +
				`▶ current${hintNote}`;
	return (
		<Box flexDirection="column" width={width} height={height} overflow="hidden">
			{rows.length > 0 && table}
			<Text dimColor wrap="truncate-end">
				{caption}
			</Text>
			{detail}
		</Box>
	);
}
