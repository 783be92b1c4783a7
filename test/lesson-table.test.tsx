// The execution table from 120 columns (issue 13): every cell holds its full text, wrapped
// within its column, never cut with …; the current row's detail shows only when it is out of view.
import {render} from 'ink-testing-library';
import {afterEach, describe, expect, test} from 'vitest';
import {CHAPTERS} from '../source/lesson/chapters';
import type {TableRow} from '../source/lifecycle/selectors';
import {cellLines, TablePanel, wrapWidths} from '../source/ui/panels/Table';
import {lessonView} from '../source/ui/view';

const unmount: Array<() => void> = [];
afterEach(() => {
	for (const u of unmount.splice(0)) u();
});

function frameOf(element: React.ReactElement): string {
	const app = render(element);
	unmount.push(app.unmount);
	return app.lastFrame() ?? '';
}

/** Each drawn row's cells, a wrapped cell's lines joined: rows are split by the table's rules. */
function drawnRows(frame: string): string[][] {
	const rows: string[][] = [];
	let lines: string[][] = [];
	const flush = () => {
		if (lines.length)
			rows.push(
				lines[0].map((_, c) =>
					lines
						.map(l => l[c])
						.filter(Boolean)
						.join(' '),
				),
			);
		lines = [];
	};
	for (const line of frame.split('\n')) {
		if (/^[├└]/.test(line)) flush();
		else if (line.startsWith('│'))
			lines.push(
				line
					.split('│')
					.slice(1, -1)
					.map(c => c.trim()),
			);
	}
	return rows.slice(1); // the first one is the heading
}

const FIELDS = ['action', 'gunicorn', 'worker', 'django', 'output'] as const;
const squeeze = (s: string) => s.replace(/\s+/g, '');

describe.each(CHAPTERS.map(c => [c.id, c] as const))('chapter %s, from 120 columns', (_, chapter) => {
	const steps = chapter.lesson('default').steps.length;
	test.each([120])('at %i columns every cell of every step is whole, the current row in view', width => {
		for (let step = 1; step <= steps; step++) {
			const view = lessonView('default', step, chapter);
			const frame = frameOf(
				<TablePanel rows={view.rows} current={view.current} width={width} height={31} total={steps} />,
			);
			expect(frame, `step ${step}`).not.toContain('…');
			expect(frame.split('\n').every(l => l.length <= width)).toBe(true);
			const drawn = drawnRows(frame);
			expect(drawn.length, `step ${step}`).toBeGreaterThan(0);
			const caption = /^Rows (\d+)-(\d+) of (\d+)/m.exec(frame)!;
			expect(Number(caption[2]) - Number(caption[1]) + 1).toBe(drawn.length);
			drawn.forEach((cells, i) => {
				const row: TableRow = view.rows[Number(caption[1]) - 1 + i];
				expect(cells[0].replace('▶', '')).toBe(String(row.n));
				FIELDS.forEach((field, c) =>
					expect(squeeze(cells[c + 1]), `step ${step} ${field}`).toBe(squeeze(row[field])),
				);
			});
			// The current row is drawn whole in the table, so no detail repeats it.
			expect(drawn.at(-1)?.[0], `step ${step}`).toBe(`▶${step}`);
			expect(frame).not.toMatch(new RegExp(`^▶${step} +Action `, 'm'));
		}
	});
});

describe.each(CHAPTERS.map(c => [c.id, c] as const))('chapter %s at 80 columns', (_, chapter) => {
	test.each(['default', 'preload'] as const)(
		'no cell is cut at any step (%s), the current row in the detail',
		variant => {
			const steps = chapter.lesson(variant).steps.length;
			for (let step = 1; step <= steps; step++) {
				const view = lessonView(variant, step, chapter);
				const frame = frameOf(
					<TablePanel rows={view.rows} current={view.current} width={80} height={19} total={steps} />,
				);
				expect(
					drawnRows(frame)
						.flat()
						.filter(c => c.endsWith('…')),
					`step ${step}`,
				).toEqual([]);
				expect(frame.split('\n').every(l => l.length <= 80)).toBe(true);
				expect(frame, `step ${step}`).toMatch(new RegExp(`^▶${step} +Action `, 'm'));
			}
		},
	);
});

describe('the wide table', () => {
	test('a quiz hint lights its cell, and the current row out of view is spelled out below', () => {
		const view = lessonView('default', 9);
		const frame = frameOf(
			<TablePanel
				rows={view.rows}
				current={view.current}
				width={120}
				height={16}
				hint={{row: 1, column: 'output'}}
				total={9}
			/>,
		);
		expect(frame).toMatch(/│ » Starting gunicorn +│$/m);
		expect(frame).toMatch(/▶ current {2}» hint$/m);
		expect(frame).toMatch(/^Rows 1-\d of 9/m);
		expect(frame).not.toMatch(/│ ▶9 /);
		expect(frame).toMatch(/^▶9 +Action +TERM: graceful shutdown$/m);
		expect(frame).toMatch(/^ {3}Output +Handling signal: term · Worker exiting/m);
	});

	test('columns keep their longest word whole while it fits; a word wider than the room is split, not cut', () => {
		expect(wrapWidths([['myproject.wsgi:application', 'a b c d e f g h i j k l m n o p']], ['A', 'B'], 40)).toEqual(
			[26, 7],
		);
		expect(cellLines('Run myproject.wsgi:application', 10)).toEqual(['Run', 'myproject.', 'wsgi:appli', 'cation']);
		expect(cellLines(' 5', 3)).toEqual([' 5']);
		expect(cellLines('', 3)).toEqual(['']);
	});
});
