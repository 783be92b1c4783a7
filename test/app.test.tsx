// The App rendered by ink-testing-library: panels show the machine's state, keys route,
// a live source's events reach the table and panel 9, a workshop's room and leader work.
import type React from 'react';
import {render} from 'ink-testing-library';
import {afterEach, describe, expect, test} from 'vitest';
import type {LifecycleEvent} from '../source/lifecycle/events';
import type {LiveSource} from '../source/live/source';
import {App} from '../source/ui/App';
import type {Attendee, Leader, Progress, Room} from '../source/ui/contracts';

const tick = (ms = 30) => new Promise(resolve => setTimeout(resolve, ms));
let cleanup: Array<() => void> = [];
afterEach(() => {
	cleanup.forEach(f => f());
	cleanup = [];
});

function mount(element: React.ReactElement) {
	const app = render(element);
	cleanup.push(app.unmount);
	// Waits until the frame stops changing: a key can start effects that render again (follow).
	const settle = async () => {
		let before = app.lastFrame();
		let still = 0;
		for (let waited = 0; waited < 2000 && still < 2; waited += 30) {
			await tick();
			still = app.lastFrame() === before ? still + 1 : 0;
			before = app.lastFrame();
		}
	};
	const press = async (...keys: string[]) => {
		for (const k of keys) {
			app.stdin.write(k);
			await settle();
		}
	};
	/** Waits until the frame shows `text` (events from a source render asynchronously). */
	const showing = async (text: string | RegExp) => {
		const shown = () => {
			const frame = app.lastFrame() ?? '';
			return typeof text === 'string' ? frame.includes(text) : text.test(frame);
		};
		for (let waited = 0; waited < 5000 && !shown(); waited += 30) await tick();
	};
	return {...app, press, settle, showing, frame: () => app.lastFrame() ?? ''};
}

/** A LiveSource double: the test emits events and sees which commands the App sent. */
class FakeSource implements LiveSource {
	readonly kind = 'server' as const;
	readonly address = '127.0.0.1:9999';
	calls: string[] = [];
	private listeners: Array<(e: LifecycleEvent) => void> = [];
	private logListeners: Array<(l: string) => void> = [];
	emit(...events: LifecycleEvent[]) {
		for (const e of events) this.listeners.forEach(l => l(e));
	}
	log(line: string) {
		this.logListeners.forEach(l => l(line));
	}
	onEvent(l: (e: LifecycleEvent) => void) {
		this.listeners.push(l);
		return () => void (this.listeners = this.listeners.filter(x => x !== l));
	}
	onLog(l: (line: string) => void) {
		this.logListeners.push(l);
		return () => void (this.logListeners = this.logListeners.filter(x => x !== l));
	}
	onExit() {
		return () => {};
	}
	running() {
		return true;
	}
	async request(path: string) {
		this.calls.push(`request ${path}`);
		return {status: 200, ms: 3};
	}
	async burst(n: number) {
		this.calls.push(`burst ${n}`);
		return {sent: n, ok: n, failed: 0, ms: 900};
	}
	killWorker() {
		this.calls.push('kill');
	}
	addWorker() {
		this.calls.push('ttin');
	}
	removeWorker() {
		this.calls.push('ttou');
	}
	reload() {
		this.calls.push('hup');
	}
	async stop() {
		this.calls.push('stop');
	}
	async start() {
		this.calls.push('start');
	}
	// The labs' probes (source/labs/effects.ts); the App does not call them yet.
	async timed(path: string, n: number) {
		this.calls.push(`timed ${n} ${path}`);
		return [];
	}
	async slowClients(n: number) {
		this.calls.push(`slow-client ${n}`);
		return [];
	}
	memory() {
		return [];
	}
	editApp(text: string) {
		this.calls.push(`edit-app ${text}`);
	}
	interrupt() {
		this.calls.push('int');
	}
	async restartWith() {
		this.calls.push('restart');
	}
}

const RIGHT = '\x1b[C';
const LEFT = '\x1b[D';

async function resize(app: ReturnType<typeof mount>, columns: number) {
	Object.defineProperty(app.stdout, 'columns', {value: columns, configurable: true});
	app.stdout.emit('resize');
	await app.settle();
}

/** The table's cells on screen: the text between its vertical rules. */
const cellsOf = (frame: string) =>
	frame
		.split('\n')
		.filter(l => l.startsWith('│'))
		.flatMap(l =>
			l
				.split('│')
				.slice(1, -1)
				.map(c => c.trim()),
		);

describe('the execution table at 80x24', () => {
	test.each(['default', 'preload'] as const)(
		'no cell is cut off at any step (%s), and the current row is spelled out in full',
		async variant => {
			const app = mount(<App initial={{step: 1, panel: 'table'}} />);
			await resize(app, 80);
			if (variant === 'preload') await app.press('v');
			for (let step = 1; step <= 9; step++) {
				const frame = app.frame();
				expect(frame, `step ${step}`).toContain(`Step ${step}/9`);
				const cells = cellsOf(frame);
				expect(cells.length, `step ${step}`).toBeGreaterThan(4);
				expect(
					cells.filter(c => c.endsWith('…')),
					`step ${step}`,
				).toEqual([]);
				expect(frame.split('\n').every(l => l.length <= 80)).toBe(true);
				// The full detail: every field of the current row, the Output as Gunicorn logs it.
				expect(frame, `step ${step}`).toMatch(new RegExp(`^▶${step} +Action `, 'm'));
				for (const field of ['Gunicorn', 'Worker', 'Django', 'Output'])
					expect(frame, `step ${step}`).toMatch(new RegExp(`^ {3}${field} +\\S`, 'm'));
				await app.press(RIGHT);
			}
			expect(app.frame()).toContain('Handling signal: term · Worker exiting (pid: 4121)');
		},
	);

	test('a hint on a column the narrow layout leaves out lights its line in the detail', async () => {
		const {TablePanel} = await import('../source/ui/panels/Table');
		const {lessonView} = await import('../source/ui/view');
		const view = lessonView('default', 2);
		const app = mount(
			<TablePanel
				rows={view.rows}
				current={view.current}
				width={80}
				height={19}
				hint={{row: 2, column: 'output'}}
				total={9}
			/>,
		);
		expect(app.frame()).toMatch(/▶ current {2}» hint: Output below$/m);
		expect(app.frame()).toMatch(/^» +Output +Listening at: http:\/\/127\.0\.0\.1:8000 \(4120\)$/m);
	});
});

/** The box whose top rule holds `label`'s box: the frame's rows from the box's top to its bottom, at its columns. */
function boxAround(frame: string, label: string): {top: string; rows: string[]} {
	const lines = frame.split('\n');
	const y = lines.findIndex(l => l.includes(`║ ${label}`) || l.includes(`│ ${label}`));
	const x = Math.max(
		lines[y].lastIndexOf('║', lines[y].indexOf(label)),
		lines[y].lastIndexOf('│', lines[y].indexOf(label)),
	);
	const end = lines[y - 1].slice(x + 1).search(/[╗┐]/) + x + 1;
	return {top: lines[y - 1].slice(x, end + 1), rows: lines.slice(y - 1, y + 5).map(l => l.slice(x, end + 1))};
}

describe('the variable tracker at 80x24', () => {
	test('no value is cut off at any step', async () => {
		const app = mount(<App initial={{step: 1, panel: 'variables'}} />);
		await resize(app, 80);
		for (let step = 1; step <= 9; step++) {
			expect(app.frame(), `step ${step}`).toContain(`Step ${step}/9`);
			expect(app.frame(), `step ${step}`).not.toContain('…');
			await app.press(RIGHT);
		}
	});
});

describe('the flow diagram', () => {
	test(
		'the request path is Client, listening socket, ' + 'Worker, Django; the master stands apart, never on it',
		async () => {
			const app = mount(<App initial={{step: 5, panel: 'flow'}} />);
			await resize(app, 80);
			const lines = app.frame().split('\n');
			const path = lines.find(l => l.includes('Client'))!;
			expect(path).toMatch(/│ Client│─▶│ Listen socket │─accept▶│ Worker +│─call▶║ Django +║/);
			expect(path).not.toContain('Master');
			// Django's box names its WSGIHandler's parts; the body comes back to the worker.
			expect(app.frame()).toMatch(/◀body─║ middleware/);
			expect(app.frame()).toMatch(/║ URL resolver║/);
			expect(app.frame()).toMatch(/║ home\(\) +║/);
			// The master's box is above, joined to the socket (binds) and to the workers, by its own rules.
			const master = lines.findIndex(l => l.includes('Master  pid 4120'));
			expect(master).toBeLessThan(lines.indexOf(path) - 1);
			expect(lines[master]).toContain('fork, signals,');
			expect(lines[master + 1]).toMatch(/binds └─┬─+┬─┘ heartbeat/);
			// The response goes back to the client from the worker, under the socket, not through it.
			expect(app.frame()).toMatch(/└─+ response ─+┘/);
			expect(lines.every(l => l.length <= 80)).toBe(true);
		},
	);

	test.each([
		[2, 'Listen socket'],
		[4, 'Worker'],
		[5, 'Django'],
		[6, 'Worker'],
	])('at step %i the %s box is lit', async (step, label) => {
		const app = mount(<App initial={{step, panel: 'flow'}} />);
		await resize(app, 80);
		expect(boxAround(app.frame(), label).top).toMatch(/^╔═ ▲ now ═*[╧═]*═*╗$/);
		expect(app.frame().match(/▲ now/g)).toHaveLength(1);
	});

	test("at step 4 the worker's accept is lit, not the client; at step 7 the way back to the client", async () => {
		const app = mount(<App initial={{step: 4, panel: 'flow'}} />);
		await resize(app, 80);
		expect(boxAround(app.frame(), 'Client').top).toMatch(/^┌─+┐$/);
		await app.press(RIGHT, RIGHT, RIGHT);
		expect(app.frame()).toMatch(/╚═+ response ▲ now ═+╝/);
	});

	test.each(['default', 'preload'] as const)(
		'at 80x24 the diagram and the whole narration are on screen at every step (%s)',
		async variant => {
			const {buildLesson} = await import('../source/lesson/lesson');
			const {wrap} = await import('../source/lesson/plain');
			const lesson = buildLesson(variant);
			const app = mount(<App initial={{step: 1, panel: 'flow'}} />);
			await resize(app, 80);
			if (variant === 'preload') await app.press('v');
			for (let step = 1; step <= 9; step++) {
				const frame = app.frame();
				expect(frame, `step ${step}`).toMatch(/└───────┘ {2}[└╚]/);
				expect(frame, `step ${step}`).toMatch(/response/);
				for (const line of lesson.steps[step - 1].narration.flatMap(p => wrap(p, 79)))
					expect(frame, `step ${step}`).toContain(line);
				await app.press(RIGHT);
			}
		},
	);

	test('from 120 columns the facts stand beside the diagram and the table fills the room under it', async () => {
		const app = mount(<App initial={{step: 5, panel: 'flow'}} />);
		Object.defineProperty(app.stdout, 'rows', {value: 40, configurable: true});
		await resize(app, 120);
		expect(app.frame()).toMatch(/═╗ {3}Master {2}Running \(pid 4120\)$/m);
		expect(app.frame()).toMatch(/║ Django +║ {3}Workers 4121 busy, 4122 listening$/m);
		expect(app.frame()).toMatch(/│ ▶5 │ 4121 calls the app/);
		expect(cellsOf(app.frame()).filter(c => c.endsWith('…'))).toEqual([]);
	});
});

describe('the walkthrough', () => {
	test('each step lights its flow node and fills the table row by row', async () => {
		const app = mount(<App />);
		expect(app.frame()).toContain('Step 1/9');
		expect(app.frame()).toMatch(/╔═ ▲ now ═+╗/);
		await app.press(RIGHT, RIGHT, RIGHT, RIGHT);
		expect(app.frame()).toContain('Step 5/9');
		expect(app.frame()).toMatch(/║ home\(\) +║/);
		await app.press('3');
		const table = app.frame();
		expect(table).toMatch(/▶5/);
		expect(table).toContain('Rows 1-5 of 5 (4 more to come)');
		expect(table).not.toMatch(/│\s+6 │/);
	});

	test('keys that arrive together are each a press', async () => {
		const app = mount(<App />);
		await app.press('nnn');
		expect(app.frame()).toContain('Step 4/9');
		await app.press('3p');
		expect(app.frame()).toContain('[3 Table]');
		expect(app.frame()).toContain('Step 3/9');
	});

	test('keys that arrive one right after another, before a redraw, each act on the state before them', async () => {
		const app = mount(<App />);
		for (const key of ['6', ']', 'c']) app.stdin.write(key); // as separate SSH packets would
		await app.settle();
		expect(app.frame()).toContain('Question 2/5');
		expect(app.frame()).toContain('✓ Correct.');
	});

	test("a saved Room panel (the instructor's) opens as Flow outside a workshop", () => {
		const app = mount(<App initial={{panel: 'room', step: 2}} />);
		expect(app.frame()).toContain('[1 Flow]');
		expect(app.frame()).toContain('Step 2/9');
	});

	test('scrolling stops at the end: the first key back moves the text back', async () => {
		const app = mount(<App initial={{panel: 'sample'}} />);
		const first = () => Number(/lines (\d+)-\d+ of \d+/.exec(app.frame())![1]);
		await app.press(...Array(40).fill('j'));
		const end = first();
		expect(end).toBeGreaterThan(1);
		await app.press('k');
		expect(first()).toBe(end - 1);
	});

	test('v switches to --preload and the table says where the app lives', async () => {
		const app = mount(<App initial={{step: 2, panel: 'table'}} />);
		expect(app.frame()).toContain('Not loaded');
		await app.press('v');
		expect(app.frame()).toContain('--preload');
		expect(app.frame()).toContain('Loaded in master (--preload)');
	});

	test('the quiz explains answers and its hint lights the table cell', async () => {
		const progress: Progress[] = [];
		const app = mount(<App initial={{step: 9, panel: 'quiz'}} onProgress={p => progress.push(p)} />);
		await app.press('b');
		expect(app.frame()).toContain('Not quite: the answer is a)');
		await app.press('h');
		expect(app.frame()).toContain('» Table, row 3, Worker');
		expect(app.frame()).not.toContain('4121 listening'); // the hint says where to look, not what is there
		await app.press('3');
		expect(app.frame()).toMatch(/│ » 2 listening +│/); // the narrow layout's short cell, whole
		expect(progress.at(-1)?.answers).toEqual({'workers-after-fork': 1});
		await resize(app, 120);
		// The full text from 120 columns, wrapped within its cell: "» 4121 listening, 4122 listening".
		expect(app.frame()).toMatch(/│ » 4121 +│[^\n]*\n[^\n]*│ listening, +│[^\n]*\n[^\n]*│ 4122 listening +│/);
	});

	test('a hint on a row not reached yet says so on the table', async () => {
		const app = mount(<App initial={{step: 2, panel: 'quiz'}} />);
		await app.press(']', 'h', '3'); // question 2's hint is on row 5
		expect(app.frame()).toContain('» hint: row 5, not reached yet');
		await app.press(RIGHT, RIGHT, RIGHT);
		expect(app.frame()).toMatch(/▶ current {2}» hint$/m);
	});

	test('a hint on the flow marks the box, not only with colour', async () => {
		const app = mount(<App initial={{panel: 'quiz', step: 5}} />);
		await app.press(']', ']', ']', ']', 'h', '1');
		expect(app.frame()).toContain('? hint');
		expect(app.frame()).toContain('▲ now');
	});

	test('too small a terminal gets one line', async () => {
		const app = mount(<App />);
		Object.defineProperty(app.stdout, 'columns', {value: 40, configurable: true});
		app.stdout.emit('resize');
		await tick();
		expect(app.frame().trim()).toBe('Enlarge to 70x18 (now 40x24)');
	});
});

describe('attached to a live server', () => {
	const boot: LifecycleEvent[] = [
		{type: 'master.starting', pid: 500, command: 'serve', workers: 2, preload: false, timeout: 3},
		{type: 'socket.bound', address: '127.0.0.1:9999'},
		{type: 'worker.forked', pid: 501},
		{type: 'app.loaded', pid: 501, where: 'worker', app: 'app'},
		{type: 'worker.ready', pid: 501},
	];

	test('the snapshot and transcript name the real master and address', async () => {
		const source = new FakeSource();
		const app = mount(<App live={source} initial={{panel: 'snapshot'}} />);
		source.emit(...boot);
		await app.showing('pid 500 here');
		expect(app.frame()).not.toContain('4120');
		await app.press('8');
		await app.showing('127.0.0.1:9999');
		expect(app.frame()).not.toContain('127.0.0.1:8000');
	});

	test('real pids reach panel 9 and the flow; keys send commands', async () => {
		const source = new FakeSource();
		const app = mount(<App live={source} initial={{panel: 'live'}} />);
		source.emit(...boot);
		source.log('[2026-11-25 00:00:00 +0000] [500] [INFO] Booting worker with pid: 501');
		await app.showing('Booting worker with pid: 501'); // the batch's last event and its log line
		const nine = app.frame();
		expect(nine).toContain('master pid 500');
		expect(nine).toMatch(/501\s+idle/);
		expect(nine).toContain('Booting worker with pid: 501');
		expect(nine).toContain('LIVE server');
		await app.press('r', 'b', 's', 'k', '+', '-', 'g', 'x');
		expect(source.calls).toEqual([
			'request /',
			'burst 200',
			'request /slow?s=8',
			'kill',
			'ttin',
			'ttou',
			'hup',
			'stop',
		]);
		await app.press('1');
		expect(app.frame()).toContain('Event 5/5 live');
		expect(app.frame()).toMatch(/║ 1× idle +║/);
		expect(app.frame()).toContain('Master  pid 500');
	});

	test(
		'a gthread worker with three of its four threads ' + 'busy: "busy 3/4" on panel 9, the flow and the table',
		async () => {
			const source = new FakeSource();
			const app = mount(<App live={source} initial={{panel: 'live'}} />);
			const accepted = (n: number): LifecycleEvent => ({
				type: 'request.accepted',
				pid: 501,
				id: `501-${n}`,
				method: 'GET',
				path: '/slow',
				thread: n,
				...(n === 3 ? {onConnection: 2} : {}),
			});
			source.emit(
				{...boot[0], workerClass: 'gthread', threads: 4} as LifecycleEvent,
				...boot.slice(1, 4),
				{type: 'worker.ready', pid: 501, threads: 4},
				accepted(1),
				accepted(2),
				accepted(3),
			);
			await app.showing(/501\s+busy 3\/4/);
			expect(app.frame()).toMatch(/501\s+busy 3\/4/);
			await app.press('1');
			expect(app.frame()).toMatch(/[│║] 501 +[│║][^\n]*\n[^\n]*[│║] busy 3\/4 +[│║]/); // the flow's worker box
			await app.press('j', 'j', 'j'); // the flow's facts, below its narration at this size
			expect(app.frame()).toContain(
				'GET /slow accepted by 501 thread 3 (keep-alive, request 2 on its connection)',
			);
		},
	);

	test("the narration names the real processes, not the lesson's scripted pids", async () => {
		const source = new FakeSource();
		const app = mount(<App live={source} initial={{panel: 'flow'}} />);
		source.emit(
			...boot,
			{type: 'worker.forked', pid: 502},
			{type: 'app.loaded', pid: 502, where: 'worker', app: 'app'},
			{type: 'worker.ready', pid: 502},
		);
		source.emit(
			{type: 'request.accepted', pid: 502, id: 'a', method: 'GET', path: '/'},
			{
				type: 'wsgi.called',
				pid: 502,
				id: 'a',
				environ: {
					REQUEST_METHOD: 'GET',
					PATH_INFO: '/',
					QUERY_STRING: '',
					SERVER_NAME: '127.0.0.1',
					SERVER_PORT: '9999',
					'wsgi.url_scheme': 'http',
				},
			},
			{type: 'response.returned', pid: 502, id: 'a', status: 200, reason: 'OK', bytes: 9},
			{type: 'response.sent', pid: 502, id: 'a', status: 200, bytes: 9, ms: 2},
		);
		await app.showing('7. Worker 502 sends the response and closes');
		const frame = app.frame();
		expect(frame).toContain('7. Worker 502 sends the response and closes');
		expect(frame).toMatch(/Hello from worker\s+502/);
		expect(frame).not.toMatch(/\b412[012]\b/);
		await app.press(LEFT, LEFT, LEFT, LEFT, LEFT, LEFT, LEFT, LEFT, LEFT, LEFT);
		expect(app.frame()).toContain('Event 2/12 paused');
		expect(app.frame()).toContain('The master opens 127.0.0.1:9999 before it forks');
		await app.press(LEFT);
		expect(app.frame()).toContain('pid 500 here');
		// The settings are the server's: its address (bound after this event) and its timeout.
		expect(app.frame().replace(/\s+/g, ' ')).toContain(
			'two workers, the address 127.0.0.1:9999, a 3 second timeout',
		);
		expect(app.frame()).not.toMatch(/\b412[012]\b/);
	});

	test('at 70 columns the footer drops keys from the middle, never help and quit', async () => {
		const source = new FakeSource();
		const app = mount(<App live={source} initial={{panel: 'live'}} />);
		Object.defineProperty(app.stdout, 'columns', {value: 70, configurable: true});
		app.stdout.emit('resize');
		source.emit(...boot);
		await app.showing('r request');
		const footer = app.frame().trimEnd().split('\n').at(-1)!;
		expect(footer).toContain('r request');
		expect(footer).toMatch(/\? help\s+q quit$/);
	});

	test('the table follows an inspected event older than the newest 200', async () => {
		const source = new FakeSource();
		const app = mount(<App live={source} initial={{panel: 'table'}} />);
		source.emit(...boot);
		for (let i = 0; i < 60; i++) {
			const id = `r${i}`;
			source.emit(
				{type: 'request.accepted', pid: 501, id, method: 'GET', path: '/'},
				{
					type: 'wsgi.called',
					pid: 501,
					id,
					environ: {
						REQUEST_METHOD: 'GET',
						PATH_INFO: '/',
						QUERY_STRING: '',
						SERVER_NAME: '127.0.0.1',
						SERVER_PORT: '9999',
						'wsgi.url_scheme': 'http',
					},
				},
				{type: 'response.returned', pid: 501, id, status: 200, reason: 'OK', bytes: 9},
				{type: 'response.sent', pid: 501, id, status: 200, bytes: 9, ms: 2},
			);
		}
		await app.showing('Event 245/245 live');
		await app.settle();
		expect(app.frame()).toContain('Event 245/245 live');
		await app.press('\x1b[H'); // Home: the first event
		await app.showing('Event 1/245 paused');
		expect(app.frame()).toContain('Event 1/245 paused');
		expect(app.frame()).toMatch(/▶\s*1 /);
	});

	test('many workers give way to the log: panel 9 never needs scrolling', async () => {
		const source = new FakeSource();
		const app = mount(<App live={source} initial={{panel: 'live'}} />);
		source.emit(...boot);
		for (let pid = 502; pid < 516; pid++)
			source.emit(
				{type: 'worker.forked', pid},
				{type: 'app.loaded', pid, where: 'worker', app: 'app'},
				{type: 'worker.ready', pid},
			);
		for (let i = 0; i < 5; i++) source.log(`[2026-11-25 00:00:0${i} +0000] [500] [INFO] log line ${i}`);
		await app.showing('log line 4');
		const frame = app.frame();
		expect(frame).toMatch(/… \d+ more \(15 live in all\)/);
		expect(frame).toContain('log line 4');
		expect(frame).toContain('log line 2');
		expect(frame).not.toMatch(/lines \d+-\d+ of/);
	});

	test('arrows inspect earlier events; a timeout is explained', async () => {
		const source = new FakeSource();
		const app = mount(<App live={source} initial={{panel: 'flow'}} />);
		source.emit(
			...boot,
			{type: 'request.accepted', pid: 501, id: 'a', method: 'GET', path: '/slow'},
			{type: 'worker.timeout', pid: 501},
			{type: 'worker.exited', pid: 501, reason: 'timeout', signal: 'SIGABRT'},
		);
		await app.showing('Event 8/8 live');
		expect(app.frame()).toContain('Event 8/8 live');
		expect(app.frame()).toContain('silent past --timeout');
		await app.press(LEFT, LEFT);
		expect(app.frame()).toContain('Event 6/8 paused');
		expect(app.frame()).toMatch(/[│║] 501 +[│║][^\n]*\n[^\n]*[│║] busy +[│║]/); // the flow's worker box
		await app.press('3');
		expect(app.frame()).toMatch(/▶\s*6/);
	});
});

describe('in a workshop', () => {
	test('an attendee follows the leader with f until they navigate', async () => {
		let at = {step: 4, panel: 'sample'};
		const listeners = new Set<() => void>();
		const leader: Leader = {current: () => at, subscribe: l => (listeners.add(l), () => void listeners.delete(l))};
		const app = mount(<App leader={leader} />);
		expect(app.frame()).toContain('Step 1/9');
		await app.press('f');
		expect(app.frame()).toContain('Step 4/9');
		expect(app.frame()).toContain('following the instructor');
		at = {step: 6, panel: 'table'};
		listeners.forEach(l => l());
		await tick();
		expect(app.frame()).toContain('Step 6/9');
		expect(app.frame()).toContain('[3 Table]');
		await app.press(RIGHT);
		expect(app.frame()).toContain('Step 7/9');
		expect(app.frame()).not.toContain('following the instructor');
	});

	test('the instructor sees the room and is asked before quitting', async () => {
		const attendees: Attendee[] = [
			{
				id: '1',
				name: 'ada',
				progress: {step: 5, panel: 'quiz', answers: {'workers-after-fork': 0, 'view-runs': 1}, following: true},
			},
			{
				id: '2',
				name: 'linus',
				progress: {step: 2, panel: 'flow', answers: {'workers-after-fork': 0}, following: false},
			},
		];
		const room: Room = {
			summary: () => 'ssh -p 2222 127.0.0.1  SHA256:abc  2 attendees',
			attendees: () => attendees,
			subscribe: () => () => {},
		};
		const app = mount(<App room={room} confirmQuit={() => '2 attendees connected. Quit? y/n'} />);
		await app.press('0');
		const frame = app.frame();
		expect(frame).toContain('[0 Room]');
		expect(frame).toMatch(/ada\s+5\/9\s+Quiz\s+yes\s+1\/2 right/);
		expect(frame).toMatch(/linus\s+2\/9\s+Flow\s+no\s+1\/1 right/);
		expect(frame).toMatch(/1\.\s+2 \/ 2/); // question 1: two answered, two right
		expect(frame).toMatch(/2\.\s+1 \/ 0/);
		expect(frame).toContain('room: 2 connected'); // in the header, on every panel
		Object.defineProperty(app.stdout, 'columns', {value: 80, configurable: true});
		app.stdout.emit('resize');
		await tick();
		const tabs = app.frame().split('\n')[1];
		expect(tabs).toMatch(/^ 1 +2 +3 .* 9 +L +\[0 Room\]$/); // eleven tabs at 80: keys, the current one named
		await app.press('q');
		expect(app.frame()).toContain('2 attendees connected. Quit? y/n');
	});
});
