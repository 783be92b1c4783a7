// The key-binding table is the only list of keys: README's keys table matches it both ways,
// and no key means two things in the same place.
import {readFileSync} from 'node:fs';
import {describe, expect, test} from 'vitest';
import {applies, bindings, footerKeys, keyLabel, LIVE_KEYS, type Binding, type Place} from '../source/ui/keys';
import {initialUi, type Context} from '../source/ui/model';
import {PANELS, visiblePanels, type PanelId} from '../source/ui/panels';

/** A README row's context ("quiz: ", "live panel: ") as a binding's. */
function contextOf(b: Binding): string {
	if (b.where.overlay === 'chapters') return 'chapter list';
	if (b.where.overlay === 'poll') return 'poll';
	if (b.where.overlay === 'help') return ''; // closing the help: the same keys as the last row
	if (b.where.panels?.[0] === 'quiz') return 'quiz';
	if (b.where.panels?.[0] === 'live') return 'live panel';
	if (b.where.panels?.[0] === 'labs') return 'labs panel';
	if (b.where.panels?.[0] === 'room') return 'room panel';
	if (b.where.leader || b.where.instructor || b.where.seat) return 'workshop';
	return '';
}

/** README's keys table: each row's context and the keys it names (`a`-`d` is a, b, c, d). */
function readmeKeys(): Array<{context: string; keys: string[]}> {
	const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
	const table = readme
		.split('## Keys')[1]
		.split('\n\n')
		.find(part => part.startsWith('| key |'))!;
	return table
		.split('\n')
		.slice(2)
		.map(row => {
			const cell = row.split(' | ')[0].replace(/^\| /, '');
			const context = /^([a-z ]+): /.exec(cell)?.[1] ?? '';
			const keys = [...cell.matchAll(/`([^`]+)`(?:-`([^`]+)`)?/g)].flatMap(([, from, to]) => {
				if (!to) return [from];
				const range: string[] = [];
				for (let c = from.charCodeAt(0); c <= to.charCodeAt(0); c++) range.push(String.fromCharCode(c));
				return range;
			});
			return {context, keys};
		});
}

describe("README's keys table", () => {
	const rows = readmeKeys();
	test('names every key of the table, in its context', () => {
		const missing = bindings().flatMap(b =>
			b.keys
				.map(keyLabel)
				.filter(label => !rows.some(r => r.context === contextOf(b) && r.keys.includes(label)))
				.map(label => `${contextOf(b) || 'anywhere'}: ${label} (${b.description})`),
		);
		expect(missing).toEqual([]);
	});

	test('names no key the table does not have', () => {
		const unknown = rows.flatMap(r =>
			r.keys
				.filter(
					label => !bindings().some(b => contextOf(b) === r.context && b.keys.map(keyLabel).includes(label)),
				)
				.map(label => `${r.context || 'anywhere'}: ${label}`),
		);
		expect(unknown).toEqual([]);
	});
});

describe('the key-binding table', () => {
	test('no key means two things in the same place', () => {
		const ids = PANELS.map(p => p.id as PanelId);
		const clashes: string[] = [];
		for (const panel of ids)
			for (const live of [false, true])
				for (const leader of [false, true])
					for (const instructor of [false, true])
						for (const seat of [false, true])
							for (const overlay of [undefined, 'help', 'chapters', 'poll'] as const) {
								const at: Place = {panel, live, leader, instructor, seat, overlay};
								const here = bindings().filter(b => applies(b.where, at));
								for (const key of new Set(here.flatMap(b => b.keys))) {
									const meaning = here.filter(b => b.keys.includes(key));
									if (meaning.length > 1)
										clashes.push(
											`${key} at ${JSON.stringify(at)}: ` +
												meaning.map(b => b.description).join(' / '),
										);
								}
							}
		expect(clashes).toEqual([]);
	});

	test('every live command has a key on the Live panel, and only there', () => {
		for (const [command, {keys}] of Object.entries(LIVE_KEYS)) {
			const b = bindings().find(x => x.keys.includes(keys[0]) && x.where.panels?.includes('live'));
			expect(b?.intent(initialUi({panel: 'live'}), {} as Context, keys[0], 10), command).toEqual({
				kind: 'live',
				command,
			});
		}
	});

	test('the footer is read from it: help and quit last', () => {
		const ctx: Context = {
			steps: 9,
			chapters: [],
			quiz: [],
			panels: visiblePanels({room: false, live: false}),
			live: false,
			leader: false,
		};
		expect(footerKeys(initialUi(), ctx).slice(-2)).toEqual([
			['?', 'help'],
			['q', 'quit'],
		]);
	});
});
