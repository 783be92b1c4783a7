import {execFileSync} from 'node:child_process';
import {existsSync, readdirSync, readFileSync} from 'node:fs';
import {describe, expect, test} from 'vitest';
import {FLOW_NODES, executionTable, variableTracker} from '../source/lifecycle/selectors';
import {buildLesson} from '../source/lesson/lesson';
import {CHAPTERS} from '../source/lesson/chapters';
import {plainLesson, trackerColumns} from '../source/lesson/plain';
import {playLesson} from '../source/lesson/timeline';
import {findGunicorn} from '../source/gunicorn/find';
import {projectDir} from '../source/gunicorn/source';

const variants = ['default', 'preload'] as const;

describe.each(variants)('the %s lesson', variant => {
	const lesson = buildLesson(variant);
	const {states, cuts} = playLesson(lesson);
	const table = executionTable(states[9], cuts);

	test('has nine steps that the machine accepts in full', () => {
		expect(lesson.steps).toHaveLength(9);
		expect(states.every(s => s.rejected.length === 0)).toBe(true);
		expect(cuts).toHaveLength(9);
		expect(lesson.steps.every(s => s.events.length > 0 && s.narration.length > 0 && s.title)).toBe(true);
		expect(table).toHaveLength(9);
	});

	test('teaches who imports the app: each worker after fork, or the master with --preload', () => {
		const afterStart = states[1];
		const afterBind = states[2];
		const afterFork = states[3];
		if (variant === 'preload') {
			// Gunicorn's Arbiter.setup() imports a preloaded app before it binds the socket.
			expect(afterStart.master.appLoaded).toBe(true);
			expect(afterStart.master.address).toBeUndefined();
			expect(table[0].django).toBe('Loaded in master (--preload)');
			expect(table[1].django).toBe('Loaded in master (--preload)');
		} else {
			expect(afterBind.master.appLoaded).toBe(false);
			expect(table[1].django).toBe('Not loaded');
			expect(
				afterFork.history.filter(h => h.event.type === 'app.loaded').map(h => (h.event as {pid: number}).pid),
			).toEqual([4121, 4122]);
		}
		expect(afterFork.workers.map(w => [w.state, w.appLoaded])).toEqual([
			['idle', true],
			['idle', true],
		]);
	});

	test('quiz answers, hints and sample references all point at things that exist', () => {
		expect(lesson.quiz.length).toBeGreaterThanOrEqual(3);
		expect(new Set(lesson.quiz.map(q => q.id)).size).toBe(lesson.quiz.length);
		const trackerVariables = variableTracker(states[9], trackerColumns(lesson, cuts)).map(r => r.variable);
		for (const q of lesson.quiz) {
			expect(q.options.length).toBeGreaterThanOrEqual(2);
			expect(q.options.length).toBeLessThanOrEqual(4);
			expect(q.answer).toBeGreaterThanOrEqual(0);
			expect(q.answer).toBeLessThan(q.options.length);
			expect(q.hint && q.explanation).toBeTruthy();
			const t = q.target;
			if (t.panel === 'table') {
				expect(table[t.step - 1]?.[t.column], q.id).toBeTruthy();
			} else if (t.panel === 'flow') {
				expect(FLOW_NODES).toContain(t.node);
				expect(lesson.flow.map(f => f.node)).toContain(t.node);
			} else {
				expect(trackerVariables).toContain(t.variable);
			}
		}
		for (const step of lesson.steps) {
			if (step.sample)
				expect(lesson.samples[step.sample.file]?.lines[step.sample.line - 1], step.title).toBeTruthy();
		}
		expect(lesson.keyMoments.length).toBeGreaterThanOrEqual(3);
		expect(lesson.keyMoments.every(m => m.step >= 1 && m.step <= 9)).toBe(true);
		expect(lesson.checkpoints.every(c => c >= 1 && c <= 9)).toBe(true);
	});

	test('the quiz answers agree with the table they quote', () => {
		const q = lesson.quiz.find(x => x.id === 'view-runs')!;
		expect(q.options[q.answer]).toBe('Step 5');
		expect(table[4].django).toMatch(/^View /);
		expect(table.filter(r => r.django.startsWith('View ')).map(r => r.n)).toEqual([5]);
	});
});

describe('the plain lesson', () => {
	const text = plainLesson(false, [CHAPTERS[0]]);
	test('has every section in order, no escape codes and no line over 78 columns', () => {
		const sections = [
			'Concept flow',
			'Execution sample',
			'Execution table',
			'Variable tracker',
			'With --preload',
			'Key moments',
			'Quiz',
			'Concept snapshot',
			'Transcript',
		];
		const at = sections.map(s => text.indexOf(`\n${s}\n`));
		expect(at.every(i => i > 0)).toBe(true);
		expect([...at].sort((a, b) => a - b)).toEqual(at);
		expect(text).not.toContain('\x1b');
		expect(text.split('\n').filter(l => l.length > 78)).toEqual([]);
		expect(text.match(/^Step \d\. /gm)).toHaveLength(9);
	});
	test('prints every chapter, each under its own heading, or the one it is given', () => {
		const all = plainLesson(false);
		const n = CHAPTERS.length;
		expect(all.match(/^Chapter \d of \d: .*$/gm)).toEqual(
			CHAPTERS.map((c, i) => `Chapter ${i + 1} of ${n}: ${c.title}`),
		);
		expect(all.match(/^Chapter \d of \d: .*$/gm)?.slice(0, 2)).toEqual([
			`Chapter 1 of ${n}: One request's life`,
			`Chapter 2 of ${n}: Supervision`,
		]);
		const steps = CHAPTERS.reduce((sum, c) => sum + c.lesson('default').steps.length, 0);
		expect(all.match(/^Step \d\. /gm)).toHaveLength(steps);
		expect(all.split('\n').filter(l => l.length > 78)).toEqual([]);
		expect(text).not.toContain('Chapter 1 of');
	});
	test('colour only when asked', () => {
		expect(plainLesson(true)).toContain('\x1b[1m');
	});
});

// What the lesson says, read against Gunicorn 20.1's and Django 3.2's source (issue 13).
describe('the lesson is true to Gunicorn and Django', () => {
	const lesson = buildLesson('default');
	const preload = buildLesson('preload');
	const said = (l = lesson, step: number) => l.steps[step - 1].narration.join(' ');
	const all = (l = lesson) => JSON.stringify(l);

	test(
		'step 3: get_wsgi_application sets Django up and loads ' +
			'the middleware; urls.py waits for the first request',
		() => {
			const three = said(lesson, 3);
			expect(three).toMatch(/django\.setup\(\)/);
			expect(three).toMatch(/apps\.populate\(\)/);
			expect(three).toMatch(/loads the middleware/);
			expect(three).toMatch(
				/urls\.py and the views wait: Django's URL resolver imports them on the worker's first request/,
			);
			expect(all()).not.toMatch(/settings, apps and the URLconf/);
			// Shown where it happens: each worker's first dispatch, and --preload does not share it.
			expect(said(lesson, 5)).toMatch(/first request, so the resolver imports myproject\.urls/);
			expect(said(lesson, 8)).toMatch(/4122's first request/);
			expect(said(preload, 3)).toMatch(/urls\.py and the views are not among those pages/);
		},
	);

	test(
		'steps 6-7: the WSGI contract includes iterating the body and calling close(), which sends ' +
			'request_finished',
		() => {
			expect(all()).not.toMatch(/whole WSGI contract/);
			expect(said(lesson, 6)).toMatch(/close\(\) method/);
			expect(said(lesson, 7)).toMatch(/iterates the body/);
			expect(said(lesson, 7)).toMatch(
				/calls the body's close\(\).*request_finished.*closes database connections/,
			);
		},
	);

	test('step 4: idle workers wait in select() and race a non-blocking accept(), not round-robin', () => {
		const four = said(lesson, 4);
		expect(four).toMatch(/select\(\)/);
		expect(four).toMatch(/non-blocking accept\(\)/);
		expect(four).toMatch(/EAGAIN/);
		expect(four).toMatch(/thundering herd/);
		expect(four).toMatch(/not round-robin: under a light load one worker often takes most/);
		expect(said(lesson, 3)).toMatch(/select\(\) on the listening socket and on a pipe/);
	});

	test('quiz 4 asks about a moment when the timeline really has a request in flight', () => {
		const {states} = playLesson(lesson);
		const q = lesson.quiz.find(x => x.id === 'one-worker')!;
		const step = Number(/\(step (\d)\)/.exec(q.question)?.[1]);
		expect(Object.keys(states[step].requests)).toHaveLength(1);
		expect(q.options[q.answer]).toMatch(/waits in the socket's queue/);
		// Step 8's request comes after the first response: the explanation says one worker would serve it.
		expect(states[7].requests).toEqual({});
		expect(q.explanation).toMatch(/one worker would simply serve it/);
	});

	test('step 9: the master closes the listening socket first; a connection during the wait is not served', () => {
		expect(said(lesson, 9)).toMatch(/first closes the listening socket, then sends TERM/);
		expect(said(lesson, 9)).toMatch(/arrives during that wait is not served/);
	});

	test('--preload: copy-on-write erodes, urls.py is per worker, connections are lazy, deploys use USR2', () => {
		const notes = lesson.preloadNotes.join(' ');
		expect(notes).toMatch(/reference counts and garbage collector/);
		expect(notes).toMatch(/gc\.freeze\(\)/);
		expect(notes).toMatch(/urls\.py and the views are imported per worker/);
		expect(notes).toMatch(/opens its database connections lazily, in each process/);
		expect(notes).toMatch(/AppConfig\.ready\(\)/);
		expect(notes).toMatch(/USR2.*WINCH.*TERM/);
		expect(notes).not.toMatch(/restart the master to deploy/);
	});

	test('environ carries the client address and port separately', () => {
		const called = lesson.steps[4].events.find(e => e.type === 'wsgi.called')!;
		expect(called.type === 'wsgi.called' && called.environ).toMatchObject({
			REMOTE_ADDR: '127.0.0.1',
			REMOTE_PORT: '52144',
		});
		expect(said(lesson, 5)).toMatch(
			/REMOTE_ADDR \(the client's address, 127\.0\.0\.1\), REMOTE_PORT \(its port, 52144\)/,
		);
	});

	test(
		"two workers on purpose: Gunicorn's default is one, " + 'or WEB_CONCURRENCY; PORT moves the default bind',
		async () => {
			expect(said(lesson, 1)).toMatch(/Gunicorn's own default is one worker \(\$WEB_CONCURRENCY if set\)/);
			expect(said(lesson, 1)).toMatch(/0\.0\.0\.0:\$PORT/);
			const {HELP} = await import('../source/cli/args');
			expect(HELP).toMatch(/default 2; Gunicorn's own is 1,\s+or \$WEB_CONCURRENCY/);
		},
	);

	test('the timeout moment: a sync worker reading a slow upload times out too', () => {
		const moment = lesson.keyMoments.find(m => /--timeout/.test(m.question))!;
		expect(moment.answer).toMatch(/blocked reading a slow client's upload is just as silent, so it times out too/);
	});
});

describe("the execution table's Output and Django columns", () => {
	const {states, cuts} = playLesson(buildLesson('default'));
	const table = executionTable(states[9], cuts);

	test("Output shows Gunicorn's own log lines and the response's status line, nothing invented", () => {
		expect(table.map(r => r.output)).toEqual([
			'Starting gunicorn 20.1.0',
			'Listening at: http://127.0.0.1:8000 (4120)',
			'Booting worker with pid: 4121 · Booting worker with pid: 4122',
			'', // Gunicorn's access log is off by default: nothing shows while a request is served
			'',
			'',
			'HTTP/1.1 200 OK',
			'HTTP/1.1 200 OK',
			'Handling signal: term · Worker exiting (pid: 4121) · Worker exiting (pid: 4122) · Shutting down: Master',
		]);
	});

	// Every log line is one of Gunicorn 20.1's own formats, read from its source when it is installed.
	const arbiter = '/usr/lib/python3/dist-packages/gunicorn/arbiter.py';
	test.skipIf(!existsSync(arbiter))('each log line matches a format string in gunicorn/arbiter.py', () => {
		const formats = [...readFileSync(arbiter, 'utf8').matchAll(/log\.\w+\("([^"]+)"/g)].map(m => m[1]);
		const matches = (line: string) =>
			formats.some(f =>
				new RegExp(`^${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%s/g, '.+')}$`).test(line),
			);
		const lines = table
			.flatMap(r => (r.output ? r.output.split(' · ') : []))
			.filter(l => !l.startsWith('HTTP/1.1 '));
		expect(lines.filter(l => !matches(l))).toEqual([]);
	});

	test.skipIf(!existsSync(arbiter))(
		"every chapter's Output, in both variants, is Gunicorn 20.1's own lines (arbiter.py, workers/*.py)",
		() => {
			const dir = '/usr/lib/python3/dist-packages/gunicorn';
			const files = [`${dir}/arbiter.py`, ...readdirSync(`${dir}/workers`).map(f => `${dir}/workers/${f}`)];
			const formats = files
				.filter(f => f.endsWith('.py'))
				.flatMap(f => [...readFileSync(f, 'utf8').matchAll(/log\.\w+\(\s*"([^"]+)"/g)].map(m => m[1]));
			const pattern = (f: string) =>
				new RegExp(`^${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%s/g, '.+')}$`);
			const patterns = formats.map(pattern);
			const invented: string[] = [];
			for (const chapter of CHAPTERS)
				for (const variant of variants) {
					const lesson = chapter.lesson(variant);
					const played = playLesson(lesson);
					for (const row of executionTable(played.states[lesson.steps.length], played.cuts))
						for (const line of row.output ? row.output.split(' · ') : [])
							if (!/^HTTP\/1\.1 \d{3} /.test(line) && !patterns.some(p => p.test(line)))
								invented.push(`${chapter.id} ${variant} row ${row.n}: ${line}`);
				}
			expect(invented).toEqual([]);
			expect(patterns.some(p => p.test('Worker with pid 4121 was terminated due to signal 9'))).toBe(true);
		},
	);

	test("the Django column shows where urls.py is imported: each worker's first request", () => {
		expect(table[2].django).toBe('Loaded in 2 workers, idle; urls.py not yet');
		expect(table[4].django).toBe("View pages.views.home running; urls.py imported now (4121's first request)");
		expect(table[6].django).toBe('Loaded in 2 workers, idle; urls.py in 4121');
		expect(table[7].django).toBe('Loaded in 2 workers, idle; urls.py in 4121, 4122');
		expect(table[4].short.django).toBe('urls.py, home()');
	});
});

// What the lesson says Django does, asked of Django itself: the shipped project under real Django 3.2.
const django = await findGunicorn();
const noDjango = 'error' in django ? django.error : undefined;
describe.skipIf(Boolean(noDjango) && process.env.GUNICORN_REQUIRED !== '1')("Django's own behaviour", () => {
	const PROBE = `
import io, json, os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "myproject.settings"
from django.core.wsgi import get_wsgi_application
from django.core.signals import request_finished
seen = {}
app = get_wsgi_application()
seen["booted"] = {m: m in sys.modules for m in ("myproject.urls", "pages.views")}
seen["middleware"] = app._middleware_chain is not None
finished = []
request_finished.connect(lambda **kw: finished.append(1), weak=False)
environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/", "QUERY_STRING": "", "SERVER_NAME": "127.0.0.1",
           "SERVER_PORT": "8000", "HTTP_HOST": "127.0.0.1:8000", "REMOTE_ADDR": "127.0.0.1", "REMOTE_PORT": "52144",
           "wsgi.input": io.BytesIO(b""), "wsgi.errors": sys.stderr, "wsgi.url_scheme": "http"}
statuses = []
body = app(environ, lambda status, headers, exc_info=None: statuses.append(status))
seen["status"] = statuses
seen["returned"] = type(body).__name__
b"".join(body)
seen["finished before close"] = len(finished)
body.close()
seen["finished after close"] = len(finished)
seen["served"] = {m: m in sys.modules for m in ("myproject.urls", "pages.views")}
print(json.dumps(seen))
`;
	test(
		'get_wsgi_application() loads the middleware but not urls.py or the views; the first request imports ' +
			'them; close() sends request_finished: as steps 3, 5 and 7 say',
		() => {
			expect(noDjango).toBeUndefined();
			const python = (django as {python: string}).python;
			const seen = JSON.parse(
				execFileSync(python, ['-c', PROBE], {cwd: projectDir(), encoding: 'utf8', env: {...process.env}}),
			);
			expect(seen).toEqual({
				booted: {'myproject.urls': false, 'pages.views': false},
				middleware: true,
				status: ['200 OK'],
				returned: 'HttpResponse',
				'finished before close': 0,
				'finished after close': 1,
				served: {'myproject.urls': true, 'pages.views': true},
			});
			const lesson = buildLesson('default');
			expect(lesson.steps[2].narration.join(' ')).toMatch(/builds the WSGIHandler, which loads the middleware/);
			expect(lesson.steps[4].narration.join(' ')).toMatch(/imports myproject\.urls and pages\.views now/);
			expect(lesson.steps[5].narration.join(' ')).toMatch(/returns the response object itself/);
			expect(lesson.steps[6].narration.join(' ')).toMatch(/Django's close\(\) sends the request_finished signal/);
		},
	);
});

// README's "What it teaches" retells chapter 1 step by step: the facts it names are the lesson's, at the same step.
describe("README's What it teaches", () => {
	const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
	const section = readme.split(/^## /m).find(s => s.startsWith('What it teaches'))!;
	const items = [...section.matchAll(/^(\d)\. ([^]*?)(?=^\d\. |^$)/gm)].map(m => m[2].replace(/\s+/g, ' '));
	const lesson = buildLesson('default');
	const FACTS: Array<[number, string[]]> = [
		[1, ['WEB_CONCURRENCY', '0.0.0.0:$PORT']],
		[2, ['before']],
		[3, ['django.setup()', 'apps.populate()', 'middleware', 'first request']],
		[4, ['select()', 'non-blocking', 'accept()', 'EAGAIN', 'thundering herd', 'round-robin']],
		[5, ['REMOTE_ADDR', 'REMOTE_PORT', 'application(environ, start_response)', 'first request']],
		[6, ['start_response']],
		[7, ['iterates the body', 'close()', 'request_finished']],
		[8, ['first request']],
		[9, ['closes the listening socket', 'then', 'not served']],
	];
	test('one item per step, each naming the facts its step teaches', () => {
		expect(items).toHaveLength(lesson.steps.length);
		for (const [step, facts] of FACTS) {
			const taught = lesson.steps[step - 1].narration.join(' ').replace(/`/g, '');
			for (const fact of facts) {
				expect(items[step - 1].replace(/`/g, ''), `README item ${step}`).toContain(fact);
				expect(taught, `step ${step}`).toContain(fact);
			}
		}
	});
});
