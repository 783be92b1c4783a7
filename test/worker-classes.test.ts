// Chapter 3, worker classes: it plays through the lifecycle machine, its narration says what the
// table shows ("busy 3/4"), its quiz points at real things, it fits 80x24, and what it teaches is
// in Gunicorn 20.1's source when that is installed.
import {existsSync, readFileSync} from 'node:fs';
import {createElement} from 'react';
import {render} from 'ink-testing-library';
import {describe, expect, test} from 'vitest';
import {findChapter} from '../source/lesson/chapters';
import {buildLesson} from '../source/lesson/lesson';
import {THREADED_WORDS} from '../source/lesson/script';
import type {Lesson} from '../source/lesson/types';
import {trackerColumns, wrap} from '../source/lesson/plain';
import {playLesson} from '../source/lesson/timeline';
import {buildWorkerClasses} from '../source/lesson/worker-classes';
import {GTHREAD_WORKER, SYNC_WORKER} from '../source/lesson/worker-classes-script';
import type {LifecycleEvent} from '../source/lifecycle/events';
import {initialState, reduceAll} from '../source/lifecycle/machine';
import {executionTable, FLOW_NODES, nodeOf, variableTracker} from '../source/lifecycle/selectors';
import {FlowPanel} from '../source/ui/panels/Flow';
import {liveView, type View} from '../source/ui/view';

const lesson = buildWorkerClasses();
const {states, cuts} = playLesson(lesson);
const final = states[lesson.steps.length];
const table = executionTable(final, cuts);
const said = (step: number) => [lesson.steps[step - 1].title, ...lesson.steps[step - 1].narration].join(' ');

describe('chapter 3 through the lifecycle machine', () => {
	test('is registered by id, and its nine steps are accepted in full', () => {
		expect(findChapter('worker-classes')?.lesson('default').title).toBe('Worker classes: sync and gthread');
		expect(lesson.steps).toHaveLength(9);
		expect(states.every(s => s.rejected.length === 0)).toBe(true);
		expect(table).toHaveLength(9);
		expect(lesson.steps.every(s => s.events.length > 0 && s.narration.length > 0 && s.title)).toBe(true);
	});

	test("each step leaves the workers as the table's Worker column says", () => {
		expect(table.map(r => r.worker)).toEqual([
			`${SYNC_WORKER} listening`,
			`${SYNC_WORKER} busy`,
			`${SYNC_WORKER} listening`,
			`${GTHREAD_WORKER} listening`,
			`${GTHREAD_WORKER} busy 3/4`,
			`${GTHREAD_WORKER} busy 3/4`,
			`${GTHREAD_WORKER} busy 4/4`,
			`${GTHREAD_WORKER} listening`,
			'All exited',
		]);
	});

	test('every "busy N/4" the chapter says is the state the machine reaches at that step', () => {
		lesson.steps.forEach((_, i) => {
			for (const [load] of said(i + 1).matchAll(/busy \d\/4/g))
				expect(table[i].worker, `step ${i + 1}`).toContain(load);
		});
		expect(said(5)).toMatch(/busy 3\/4/);
		expect(said(7)).toMatch(/busy 4\/4/);
	});

	test('the sync part: one request at a time, the second taken only after the first is sent', () => {
		expect(states[1].master).toMatchObject({workerClass: 'sync', threads: 1});
		expect(Object.keys(states[2].requests)).toHaveLength(1);
		const three = lesson.steps[2].events.map(e => e.type);
		expect(three.indexOf('request.accepted')).toBeGreaterThan(three.indexOf('response.sent'));
		expect(lesson.steps[2].events.filter(e => e.type === 'response.sent').every(e => !('keepalive' in e))).toBe(
			true,
		);
	});

	test('the gthread part: a thread per request, a kept connection reused, the 45 s view never timed out', () => {
		expect(states[4].master).toMatchObject({workerClass: 'gthread', threads: 4});
		expect(Object.values(states[5].requests).map(r => r.thread)).toEqual([1, 2, 3]);
		const sent = lesson.steps[5].events.find(e => e.type === 'response.sent');
		expect(sent?.type === 'response.sent' && sent.keepalive).toBe(true);
		const reused = Object.values(states[7].requests).find(r => r.thread === 4);
		expect(reused).toMatchObject({onConnection: 2, client: '127.0.0.1:52216'});
		expect(lesson.steps.flatMap(s => s.events).some(e => e.type === 'worker.timeout')).toBe(false);
		const slowest = lesson.steps[7].events.filter(e => e.type === 'response.sent').map(e => e.ms);
		expect(Math.max(...slowest)).toBeGreaterThan(states[7].master.timeout * 1000);
		expect(final.served).toBe(7);
	});

	test('the Output column is Gunicorn 20.1 log lines and status lines only', () => {
		const arbiter = '/usr/lib/python3/dist-packages/gunicorn/arbiter.py';
		const lines = table.flatMap(r => (r.output ? r.output.split(' · ') : [])).filter(l => !l.startsWith('HTTP/'));
		expect(lines).toContain('Booting worker with pid: 4131');
		if (!existsSync(arbiter)) return;
		const formats = [...readFileSync(arbiter, 'utf8').matchAll(/log\.\w+\("([^"]+)"/g)].map(m => m[1]);
		const known = (line: string) =>
			formats.some(f =>
				new RegExp(`^${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%s/g, '.+')}$`).test(line),
			);
		expect(lines.filter(l => !known(l))).toEqual([]);
	});
});

describe('chapter 3: quiz, key moments, samples', () => {
	const trackerVariables = variableTracker(final, trackerColumns(lesson, cuts)).map(r => r.variable);

	test('4-6 questions, answers in range, ids unique, hints that light something real', () => {
		expect(lesson.quiz.length).toBeGreaterThanOrEqual(4);
		expect(lesson.quiz.length).toBeLessThanOrEqual(6);
		expect(new Set(lesson.quiz.map(q => q.id)).size).toBe(lesson.quiz.length);
		for (const q of lesson.quiz) {
			expect(q.options.length, q.id).toBeGreaterThanOrEqual(2);
			expect(q.options.length, q.id).toBeLessThanOrEqual(4);
			expect(q.answer, q.id).toBeGreaterThanOrEqual(0);
			expect(q.answer, q.id).toBeLessThan(q.options.length);
			expect(q.hint && q.explanation, q.id).toBeTruthy();
			const t = q.target;
			if (t.panel === 'table') expect(table[t.step - 1]?.[t.column], q.id).toBeTruthy();
			else if (t.panel === 'flow') {
				expect(FLOW_NODES).toContain(t.node);
				expect(lesson.flow.map(f => f.node)).toContain(t.node);
			} else expect(trackerVariables, q.id).toContain(t.variable);
		}
	});

	test('the quiz answers agree with the table and tracker they point at', () => {
		const quiz = (id: string) => lesson.quiz.find(q => q.id === id)!;
		expect(table[1].worker).toBe(`${SYNC_WORKER} busy`);
		expect(quiz('classes-sync-queue').options[0]).toMatch(/listening socket's queue/);
		expect(table[4].worker.endsWith(quiz('classes-busy').options[quiz('classes-busy').answer])).toBe(true);
		const columns = trackerColumns(lesson, cuts);
		const workers = variableTracker(final, columns).find(r => r.variable === 'Workers')!;
		expect(workers.values[columns.findIndex(c => c.label === 'After 7')]).toBe('4/4 thr busy');
	});

	test('key moments, checkpoints and sample lines point at steps and lines that exist', () => {
		expect(lesson.keyMoments.length).toBeGreaterThanOrEqual(3);
		expect(lesson.keyMoments.map(m => m.step)).toEqual(
			[...lesson.keyMoments.map(m => m.step)].sort((a, b) => a - b),
		);
		expect(lesson.keyMoments.every(m => m.step >= 1 && m.step <= 9)).toBe(true);
		expect(lesson.checkpoints.every(c => c >= 1 && c <= 9)).toBe(true);
		for (const step of lesson.steps)
			if (step.sample)
				expect(lesson.samples[step.sample.file]?.lines[step.sample.line - 1], step.title).toBeTruthy();
		expect(lesson.samples.flatMap(f => f.lines).filter(l => l.length > 74)).toEqual([]);
	});
});

describe('chapter 3 at 80x24', () => {
	// 24 rows: the header (2), title (1) and footer (1) leave 19 for the flow panel, as in App.
	const body = 24 - 1 - 4;
	test.each(lesson.steps.map((s, i) => [i + 1, s.title] as const))(
		'step %i: the diagram and the whole narration are on screen (%s)',
		step => {
			const view: View = {
				state: states[step],
				rows: table.slice(0, step),
				current: step - 1,
				lit: nodeOf(lesson.steps[step - 1].events.at(-1)!),
				step,
				tracker: {columns: [], rows: []},
				position: `Step ${step}/9`,
				narrate: text => text,
			};
			const app = render(createElement(FlowPanel, {width: 80, height: body, view, lesson, scroll: 0}));
			const frame = app.lastFrame() ?? '';
			app.unmount();
			expect(frame.split('\n').length).toBeLessThanOrEqual(body);
			expect(frame).toMatch(/└───────┘ {2}[└╚]/);
			for (const line of lesson.steps[step - 1].narration.flatMap(p => wrap(p, 79)))
				expect(frame).toContain(line);
		},
	);
});

// What the chapter says, read in Gunicorn 20.1's own files (Debian's python3-gunicorn).
const GUNICORN = '/usr/lib/python3/dist-packages/gunicorn';
describe.skipIf(!existsSync(GUNICORN))('chapter 3 is true to Gunicorn 20.1', () => {
	const read = (file: string) => readFileSync(`${GUNICORN}/${file}`, 'utf8').replace(/\s+/g, ' ');
	const all = JSON.stringify(lesson);

	test('sync closes every connection; its heartbeat is in its accept loop', () => {
		const sync = read('workers/sync.py');
		expect(sync.replace(/ # /g, ' ')).toContain(
			'until someone shows a buffering proxy that supports Keep-Alive to the backend',
		);
		expect(sync).toContain('while self.alive: self.notify() # Accept a connection.');
		expect(sync).toContain('resp.force_close()');
		expect(said(3)).toMatch(/until someone shows a buffering proxy that supports Keep-Alive/);
	});

	test('--threads with sync is gthread, and 20.1 names it "threads" in its log', () => {
		const config = read('config.py');
		expect(config).toContain('if is_sync and self.threads > 1: return "threads"');
		expect(config).toContain('uri = "gunicorn.workers.gthread.ThreadWorker"');
		expect(read('arbiter.py')).toContain('self.log.info("Using worker: %s", self.cfg.worker_class_str)');
		expect(said(4)).toMatch(/20\.1 logs "Using worker: threads"/);
	});

	test('gthread: a main loop that selects for 1 s, heartbeats, accepts up to worker_connections', () => {
		const gthread = read('workers/gthread.py');
		expect(gthread).toContain('while self.alive: # notify the arbiter we are alive self.notify()');
		expect(gthread).toContain(
			'if self.nr_conns < self.worker_connections: # wait for an event events = self.poller.select(1.0)',
		);
		expect(gthread).toContain('self.max_keepalived = self.cfg.worker_connections - self.cfg.threads');
		expect(gthread).toContain('environ["wsgi.multithread"] = True');
		expect(gthread).toContain('self.murder_keepalived()');
		expect(all).toMatch(/worker-connections minus --threads/);
	});

	test('the defaults the chapter names: keep-alive 2, worker connections 1000, backlog 2048, timeout 30', () => {
		const config = read('config.py');
		const byName = (name: string) => new RegExp(`name = "${name}" .*? default = (\\d+)`).exec(config)?.[1];
		expect(byName('keepalive')).toBe('2');
		expect(byName('worker_connections')).toBe('1000');
		expect(byName('backlog')).toBe('2048');
		expect(byName('timeout')).toBe('30');
		expect(all).toMatch(/2 by default/);
		expect(all).toMatch(/--worker-connections \(1000\)/);
		expect(all).toMatch(/--backlog, 2048 by default/);
	});
});

// Live, chapter 1's narration follows the real server: on a gthread one it must not say "sync".
describe('the live narration on a gthread server', () => {
	const chapterOne = [buildLesson('default'), buildLesson('preload')];
	const narration = (l: Lesson) => l.steps.flatMap(s => [s.title, ...s.narration]);
	const serve = (threads?: number): LifecycleEvent[] =>
		[
			...lesson.steps[3].events
				.slice(4)
				.map(e =>
					e.type === 'master.starting' ? {...e, workerClass: threads ? 'gthread' : 'sync', threads} : e,
				),
			{type: 'request.accepted', pid: GTHREAD_WORKER, id: 'a', method: 'GET', path: '/', thread: threads && 1},
		] as LifecycleEvent[];

	test('every sync sentence it rewrites is one chapter 1 says, word for word', () => {
		const said = chapterOne.flatMap(narration).join('\n');
		for (const [sync] of THREADED_WORDS) expect(said, sync).toContain(sync);
	});

	test('says what a ThreadWorker does, and leaves a sync server as written', () => {
		const gthread = liveView(reduceAll(initialState, serve(4)), undefined, chapterOne[0]);
		const sync = liveView(reduceAll(initialState, serve()), undefined, chapterOne[0]);
		const live = narration(chapterOne[0]).map(gthread.narrate).join(' ');
		expect(live).not.toMatch(/a sync worker accepts nothing else/);
		expect(live).not.toMatch(/sync worker/);
		expect(live).toMatch(
			/4131 hands it to a thread of its pool to read and serve; its main loop goes on accepting/,
		);
		expect(live).toMatch(/keeps it --keep-alive seconds/);
		expect(live).toMatch(/Worker 4131 sends the response /);
		expect(narration(chapterOne[0]).map(sync.narrate).join(' ')).toMatch(/a sync worker accepts nothing else/);
	});
});
