// Chapters in the UI: --chapter, the chapter list (m), progress saved per chapter, the header,
// and the workshop's leader carrying the chapter. A second chapter is added to the registry here.
import {mkdirSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {render} from 'ink-testing-library';
import {describe, expect, test} from 'vitest';
import {CHAPTERS} from '../source/lesson/chapters';
import {buildLesson} from '../source/lesson/lesson';
import type {Variant} from '../source/lesson/types';
import {parseArgs} from '../source/cli/args';
import {ProgressStore, startingPoint} from '../source/progress/store';
import {App} from '../source/ui/App';
import type {Leader} from '../source/ui/contracts';
import {initialUi, interpretKey, update, type Context, type UiState} from '../source/ui/model';
import {visiblePanels} from '../source/ui/panels';

/** A second chapter for these tests: chapter 1's lesson cut to its first six steps. */
CHAPTERS.push({
	id: 'short',
	title: 'A short one',
	lesson: (variant: Variant) => {
		const base = buildLesson(variant);
		return {...base, steps: base.steps.slice(0, 6), checkpoints: [2, 6]};
	},
});
/** Its number: after the course's own chapters. */
const SHORT = CHAPTERS.length;

const tick = (ms = 30) => new Promise(resolve => setTimeout(resolve, ms));
const dir = () => join(mkdtempSync(join(tmpdir(), 'gw-chapters-')), 'gunicorn-walkthrough');
const lesson = buildLesson();
const ctx: Context = {
	steps: 9,
	chapters: [
		{id: 'request', steps: 9},
		{id: 'short', steps: 6},
	],
	quiz: lesson.quiz,
	panels: visiblePanels({room: false, live: false}),
	live: false,
	leader: false,
};
const press = (s: UiState, input: string, key = {}) => {
	const intent = interpretKey(input, key, s, ctx);
	return intent.kind === 'action' ? update(s, intent.action, ctx) : s;
};

describe('--chapter', () => {
	test('by number or id; an unknown one names the chapters', () => {
		expect(parseArgs(['--chapter', String(SHORT)])).toMatchObject({chapter: 'short'});
		expect(parseArgs(['--chapter', 'request', '--step', '9'])).toMatchObject({chapter: 'request', step: 9});
		expect(parseArgs(['--chapter', 'short', '--step', '9'])).toMatchObject({mode: 'error'}); // it has six
		const listed = CHAPTERS.map((c, i) => `${i + 1} ${c.id} (${c.title})`).join(', ');
		expect(parseArgs(['--chapter', 'nope'])).toEqual({
			mode: 'error',
			message: `unknown chapter "nope"; the chapters are ${listed}`,
		});
		expect(parseArgs(['workshop', '--chapter', String(SHORT)])).toMatchObject({mode: 'workshop', chapter: 'short'});
	});
});

describe('the chapter list and switching', () => {
	test('m lists the chapters, Enter opens one where it was left, and back', () => {
		let s = press(initialUi({step: 4, panel: 'table'}), 'm');
		expect(s).toMatchObject({overlay: 'chapters', menu: 0});
		s = press(press(s, '', {downArrow: true}), '', {return: true});
		expect(s).toMatchObject({chapter: 'short', step: 1, overlay: undefined, panel: 'table'});
		s = press(press(s, 'n'), 'n');
		expect(s.step).toBe(3);
		expect(press(s, '', {end: true}).step).toBe(9); // ctx.steps is the caller's: the App gives the open chapter's
		s = press(press(press(s, 'm'), 'k'), '', {return: true});
		expect(s).toMatchObject({chapter: 'request', step: 4, seen: [4]});
		expect(s.others.short).toMatchObject({step: 3, seen: [1, 2, 3]});
	});

	test('the list shows each chapter with steps seen and quiz score, in the App', async () => {
		const first = lesson.quiz[0];
		const app = render(
			<App
				initial={{
					chapter: 'request',
					step: 3,
					seen: [1, 2, 3],
					answers: {[first.id]: first.answer},
					chapters: {short: {step: 2, panel: 'flow', answers: {}, seen: [1, 2]}},
				}}
			/>,
		);
		try {
			for (let i = 0; i < 50 && !app.lastFrame()?.includes('Step 3/9'); i++) await tick();
			expect(app.lastFrame()).toContain("Chapter 1: One request's life");
			app.stdin.write('m');
			for (let i = 0; i < 50 && !app.lastFrame()?.includes('Chapters'); i++) await tick();
			const frame = app.lastFrame() ?? '';
			expect(frame).toContain(`1. One request's life: steps seen 3/9, quiz 1/${lesson.quiz.length} right`);
			expect(frame).toContain(`${SHORT}. A short one: steps seen 2/6, quiz 0/${lesson.quiz.length} right`);
			for (let i = 1; i < SHORT; i++) {
				app.stdin.write('j');
				await tick(60);
			}
			app.stdin.write('\r');
			for (let i = 0; i < 50 && !app.lastFrame()?.includes('Step 2/6'); i++) await tick();
			expect(app.lastFrame()).toContain(`Chapter ${SHORT}: A short one`);
		} finally {
			app.unmount();
		}
	});
});

describe('progress per chapter', () => {
	test('each chapter keeps its own step, panel and answers', () => {
		const store = new ProgressStore(dir());
		store.save({
			chapter: 'short',
			step: 5,
			panel: 'quiz',
			answers: {a: 1},
			seen: [1, 5],
			following: false,
			chapters: {request: {step: 7, panel: 'table', answers: {}, seen: [7]}},
		});
		expect(JSON.parse(readFileSync(store.file, 'utf8'))).toEqual({
			chapter: 'short',
			chapters: {
				request: {step: 7, panel: 'table', answers: {}, seen: [7]},
				short: {step: 5, panel: 'quiz', answers: {a: 1}, seen: [1, 5]},
			},
		});
		const again = new ProgressStore(join(store.file, '..'));
		expect(startingPoint(again, {reset: false})).toMatchObject({
			initial: {chapter: 'short', step: 5, panel: 'quiz'},
			notice: `Resumed chapter ${SHORT} at step 5 (--reset starts over).`,
		});
		expect(startingPoint(again, {reset: false, chapter: 'request'})).toMatchObject({
			initial: {chapter: 'request', step: 7, panel: 'table'},
			notice: 'Resumed at step 7 (--reset starts over).',
		});
	});

	test("today's file (numeric panel, no chapter) is chapter 1's, read without complaint", () => {
		const d = dir();
		mkdirSync(d, {recursive: true});
		// Written by the walkthrough before chapters and panel ids.
		writeFileSync(join(d, 'progress.json'), '{"step":5,"panel":6,"answers":{"workers-after-fork":0}}\n');
		const loaded = new ProgressStore(d).load();
		expect(loaded).toEqual({
			progress: {
				chapter: 'request',
				step: 5,
				panel: 'quiz',
				answers: {'workers-after-fork': 0},
				chapters: {request: {step: 5, panel: 'quiz', answers: {'workers-after-fork': 0}}},
			},
			notice: 'Resumed at step 5 (--reset starts over).',
		});
	});

	test('a step past its own chapter is refused', () => {
		const d = dir();
		mkdirSync(d, {recursive: true});
		writeFileSync(join(d, 'progress.json'), JSON.stringify({chapter: 'short', chapters: {short: {step: 8}}}));
		expect(new ProgressStore(d).load().notice).toMatch(/unreadable; moved it/);
	});
});

describe('the workshop leader carries the chapter', () => {
	test('a follower opens the instructor’s chapter, step and panel', async () => {
		let at = {chapter: 'short', step: 4, panel: 'sample'};
		const listeners = new Set<() => void>();
		const leader: Leader = {
			current: () => at,
			subscribe: l => {
				listeners.add(l);
				return () => void listeners.delete(l);
			},
		};
		const app = render(<App leader={leader} initial={{step: 2}} />);
		try {
			await tick(60);
			app.stdin.write('f');
			for (let i = 0; i < 50 && !app.lastFrame()?.includes('Step 4/6'); i++) await tick();
			expect(app.lastFrame()).toContain('[2 Samp]');
			at = {chapter: 'request', step: 8, panel: 'table'};
			for (const l of listeners) l();
			for (let i = 0; i < 50 && !app.lastFrame()?.includes('Step 8/9'); i++) await tick();
			expect(app.lastFrame()).toContain("Chapter 1: One request's life");
		} finally {
			app.unmount();
		}
	});
});
