// Chapter 2 followed live: our server driven through the chapter's scenario (kill -9, a request
// past --timeout, TTIN, TTOU, HUP, --max-requests, TERM); each real event must land on the
// chapter-2 step that explains it, and the lifecycle machine must accept every one.
import {afterEach, describe, expect, test} from 'vitest';
import type {ServerOptions} from '../source/cli/args';
import {findGunicorn} from '../source/gunicorn/find';
import {createGunicornSource} from '../source/gunicorn/source';
import type {LifecycleEvent} from '../source/lifecycle/events';
import {initialState, reduceAll} from '../source/lifecycle/machine';
import {findChapter} from '../source/lesson/chapters';
import {stepAt} from '../source/lesson/explains';
import {playLesson} from '../source/lesson/timeline';
import {createProcessSource} from '../source/live/process-source';
import {serveArgs} from '../source/live/server-source';
import type {LiveSource} from '../source/live/source';
import {childEnv, CLI, until} from './support/terminal';
import {testServer} from './support/server-options';

const sources: LiveSource[] = [];
afterEach(async () => {
	await Promise.all(sources.splice(0).map(s => s.stop()));
});

async function gunicorn(options: Partial<ServerOptions>): Promise<LiveSource> {
	const created = await createGunicornSource(testServer(options));
	if ('error' in created) throw new Error(created.error);
	sources.push(created);
	return created;
}

async function ourServer(options: Partial<ServerOptions>): Promise<LiveSource> {
	const server = testServer(options);
	const source = createProcessSource({
		kind: 'server',
		address: server.bind,
		command: process.execPath,
		args: [CLI, ...serveArgs(server)],
		env: childEnv(),
		events: 'stdout',
		gracefulTimeout: server.gracefulTimeout,
	});
	sources.push(source);
	return source;
}

const chapter = findChapter('supervision')!;

const found = await findGunicorn();
const missing = 'error' in found ? found.error : undefined;
const required = process.env.GUNICORN_REQUIRED === '1';
if (missing && !required) console.warn(`chapter 2 on real Gunicorn skipped: ${missing}`);

describe('chapter 2, supervision', () => {
	test.each(['default', 'preload'] as const)(
		'the %s lesson plays, and every step explains its own events',
		variant => {
			const lesson = chapter.lesson(variant);
			const {states} = playLesson(lesson);
			const events = lesson.steps.flatMap(s => s.events);
			const steps = lesson.steps.flatMap((s, i) => s.events.map(() => i + 1));
			expect(events.map((_, i) => stepAt(lesson, j => events[j], i))).toEqual(steps);
			expect(states.at(-1)!.rejected).toEqual([]);
			expect(findChapter('2')).toBe(chapter);
		},
	);

	test.each([
		['our server', false],
		['our server', true],
		['real Gunicorn', false],
		['real Gunicorn', true],
	] as const)(
		'followed live on %s (preload: %s), event for event',
		async (server, preload) => {
			if (server === 'real Gunicorn' && missing && !required) return;
			const source = await (server === 'our server' ? ourServer : gunicorn)({
				timeout: 2,
				maxRequests: 3,
				maxRequestsJitter: 2,
				preload,
			});
			const events: LifecycleEvent[] = [];
			const segments: number[] = []; // segments[k]: the index of the first event after action k + 1
			source.onEvent(e => events.push(e));
			let exited = false;
			source.onExit(() => (exited = true));
			const pids = (type: string, reason?: string) =>
				events
					.filter(e => e.type === type && (!reason || (e as {reason?: string}).reason === reason))
					.map(e => (e as {pid: number}).pid);
			const live = () => pids('worker.ready').filter(pid => !pids('worker.exited').includes(pid));
			// No worker on its way out: each step's events are over before the next action.
			// Every request answered (its post_request hook can come after the client's response), or
			// lost with its worker.
			const sent = () => events.filter(e => e.type === 'response.sent').map(e => (e as {id: string}).id);
			const answered = () =>
				events.every(
					e =>
						e.type !== 'request.accepted' || sent().includes(e.id) || pids('worker.exited').includes(e.pid),
				);
			const settled = () =>
				live().length === 2 &&
				pids('worker.exiting').every(p => pids('worker.exited').includes(p)) &&
				answered();
			const act = (action: () => void) => {
				segments.push(events.length);
				action();
			};
			await source.start();
			await until('two workers', () => live().length === 2);

			act(() => source.killWorker());
			await until(
				'the killed one replaced',
				() => pids('worker.exited', 'killed').length === 1 && live().length === 2,
			);
			act(() => void source.request('/slow?s=20'));
			await until(
				'the timed-out one replaced',
				() => pids('worker.exited', 'timeout').length === 1 && live().length === 2,
				20_000,
			);
			act(() => source.addWorker());
			await until('three workers', () => live().length === 3);
			act(() => source.removeWorker());
			await until('two again', () => pids('worker.exited', 'removed').length === 1 && live().length === 2);
			const old = live();
			act(() => source.reload());
			await until(
				'fresh workers',
				() =>
					live().length === 2 &&
					live().every(pid => !old.includes(pid)) &&
					pids('worker.exited', 'reload').length === 2,
			);
			act(() => undefined);
			for (let i = 0; i < 40 && pids('worker.exited', 'max-requests').length === 0; i++)
				await source.request('/');
			await until(
				'a recycled worker replaced',
				() => pids('worker.exited', 'max-requests').length > 0 && settled(),
			);
			const master = (events[0] as {pid: number}).pid;
			act(() => process.kill(master, 'SIGTERM'));
			await until('the master gone', () => exited && events.at(-1)?.type === 'master.stopped', 20_000);

			expect(reduceAll(initialState, events).rejected).toEqual([]);
			const lesson = chapter.lesson(preload ? 'preload' : 'default');
			const expected = events.map((_, i) => segments.filter(start => start <= i).length + 1);
			const found = events.map((_, i) => stepAt(lesson, j => events[j], i));
			const wrong = events
				.map((e, i) => ({
					event: `${e.type}${'reason' in e ? `:${e.reason}` : ''}`,
					step: found[i],
					expected: expected[i],
				}))
				.filter(x => x.step !== x.expected);
			expect(wrong).toEqual([]);
			expect(new Set(found).size).toBe(lesson.steps.length); // every step was seen live
		},
		90_000,
	);
});
