// Chapter 2, supervision: what the master does when workers die, hang or are told to go. Every
// fact is Gunicorn 20.1's arbiter.py and workers/ (where 21+ differs, both are said).
import type {LifecycleEvent} from '../../lifecycle/events';
import type {ChapterData, StepData} from '../format';
import {request} from './request';
import {REQUEST_TEXTS} from './request-texts';
import {SUPERVISION_TEXTS} from './supervision-texts';

const MASTER = 4120;
const [A, B, C, D, E, F, G, H] = [4121, 4122, 4123, 4124, 4125, 4126, 4127, 4128];
const APP = 'myproject.wsgi:application';
const FLAGS = '--workers 2 --max-requests 1000 --max-requests-jitter 50';
const command = (preload: boolean) => `gunicorn ${FLAGS}${preload ? ' --preload' : ''} ${APP}`;

/** A fresh worker: forked, importing the app (not with --preload: it came with the fork), ready. */
const fresh = (preload: boolean, ...pids: number[]): LifecycleEvent[] => [
	...pids.map(pid => ({type: 'worker.forked', pid}) as LifecycleEvent),
	...boot(preload, ...pids),
];
const boot = (preload: boolean, ...pids: number[]): LifecycleEvent[] =>
	pids.flatMap(pid => [
		...(preload ? [] : [{type: 'app.loaded', pid, where: 'worker', app: APP} as LifecycleEvent]),
		{type: 'worker.ready', pid} as LifecycleEvent,
	]);
const exit = (pid: number, reason: 'removed' | 'reload' | 'max-requests' | 'shutdown' | 'timeout', code = 0) => ({
	type: 'worker.exited' as const,
	pid,
	reason,
	code,
	signal: null,
});

/** The command as the Sample panel shows it: split like a shell line, to fit 80 columns. */
const shell = (preload: boolean) => [
	`$ gunicorn --workers 2${preload ? ' --preload' : ''} --max-requests 1000 \\`,
	`    --max-requests-jitter 50 ${APP}`,
];

/** Each step's events, for the default or the --preload variant. */
function events(preload: boolean): LifecycleEvent[][] {
	const slow = request(C, `${C}-1`, 52150, 0, '/slow');
	const last = request(F, `${F}-1037`, 52170, 3);
	return [
		[
			{type: 'master.starting', pid: MASTER, command: command(preload), workers: 2, preload, timeout: 30},
			...(preload ? [{type: 'app.loaded', pid: MASTER, where: 'master', app: APP} as LifecycleEvent] : []),
			{type: 'socket.bound', address: '127.0.0.1:8000'},
			...fresh(preload, A, B),
		],
		[{type: 'worker.exited', pid: A, reason: 'killed', code: null, signal: 'SIGKILL'}, ...fresh(preload, C)],
		[
			slow.accepted,
			slow.called,
			{type: 'django.dispatched', pid: C, id: `${C}-1`, route: 'slow', view: 'pages.views.slow'},
			{type: 'worker.timeout', pid: C},
			{type: 'worker.exiting', pid: C, reason: 'timeout'},
			exit(C, 'timeout', 1),
			...fresh(preload, D),
		],
		[{type: 'workers.changed', from: 2, to: 3}, ...fresh(preload, E)],
		[
			{type: 'workers.changed', from: 3, to: 2},
			{type: 'worker.exiting', pid: B, reason: 'removed'},
			exit(B, 'removed'),
		],
		[
			{type: 'master.reloading'},
			{type: 'worker.forked', pid: F},
			{type: 'worker.forked', pid: G},
			{type: 'worker.exiting', pid: D, reason: 'reload'},
			{type: 'worker.exiting', pid: E, reason: 'reload'},
			exit(D, 'reload'),
			exit(E, 'reload'),
			...boot(preload, F, G),
		],
		[
			last.accepted,
			{type: 'worker.exiting', pid: F, reason: 'max-requests'},
			last.called,
			last.dispatched,
			last.returned,
			last.sent,
			exit(F, 'max-requests'),
			...fresh(preload, H),
		],
		[
			{type: 'master.stopping', graceful: true},
			{type: 'worker.exiting', pid: G, reason: 'shutdown'},
			{type: 'worker.exiting', pid: H, reason: 'shutdown'},
			exit(G, 'shutdown'),
			exit(H, 'shutdown'),
			{type: 'master.stopped', code: 0},
		],
	];
}

const FORKS = ['worker.forked', 'worker.ready', 'app.loaded'];
const EXPLAINS = [
	['master.starting', 'socket.bound', 'app.loaded:master', ...FORKS],
	['worker.exited:killed', 'worker.exiting:killed', 'worker.exited:crashed', ...FORKS],
	[
		'request.accepted',
		'wsgi.called',
		'django.dispatched',
		'response.returned',
		'worker.timeout',
		'worker.exiting:timeout',
		'worker.exited:timeout',
		...FORKS,
	],
	['workers.changed:up', ...FORKS],
	['workers.changed:down', 'worker.exiting:removed', 'worker.exited:removed'],
	['master.reloading', 'worker.exiting:reload', 'worker.exited:reload', ...FORKS],
	[
		'request.accepted',
		'wsgi.called',
		'django.dispatched',
		'response.returned',
		'response.sent',
		'worker.exiting:max-requests',
		'worker.exited:max-requests',
		...FORKS,
	],
	['master.stopping', 'master.stopped', 'worker.exiting:shutdown', 'worker.exited:shutdown'],
];

/** The sample line each step lights: the shell's command or signal, the slow view's sleep. */
const SAMPLE: Array<[number, number]> = [
	[0, 1],
	[0, 2],
	[1, 5],
	[0, 4],
	[0, 5],
	[0, 6],
	[0, 1],
	[0, 7],
];

const steps: StepData[] = SUPERVISION_TEXTS.steps.map((text, i) => ({
	title: text.title,
	narration: text.narration,
	events: events(false)[i],
	sample: {file: SAMPLE[i][0], line: SAMPLE[i][1]},
	explains: EXPLAINS[i],
	preload: {
		events: events(true)[i],
		...(text.preload ? {narration: text.preload} : {}),
		...(text.preloadTitle ? {title: text.preloadTitle} : {}),
	},
}));

export const SUPERVISION: ChapterData = {
	...SUPERVISION_TEXTS.chapter,
	id: 'supervision',
	cast: {
		master: MASTER,
		workers: [A, B, C, D, E, F, G, H],
		address: '127.0.0.1:8000',
		count: 2,
		timeout: 30,
		app: APP,
	},
	steps,
	samples: [
		{
			name: 'shell',
			lines: [
				...shell(false),
				`$ kill -9 ${A}`,
				'$ curl localhost:8000/slow     # a view that takes 45 s',
				`$ kill -TTIN ${MASTER}`,
				`$ kill -TTOU ${MASTER}`,
				`$ kill -HUP ${MASTER}`,
				`$ kill -TERM ${MASTER}    # Ctrl+C sends INT`,
			],
			preload: {
				lines: [
					...shell(true),
					`$ kill -9 ${A}`,
					'$ curl localhost:8000/slow     # a view that takes 45 s',
					`$ kill -TTIN ${MASTER}`,
					`$ kill -TTOU ${MASTER}`,
					`$ kill -HUP ${MASTER}`,
					`$ kill -TERM ${MASTER}    # Ctrl+C sends INT`,
				],
			},
		},
		{
			name: 'pages/views.py',
			lines: [
				'import time',
				'from django.http import HttpResponse',
				'',
				'def slow(request):',
				'    time.sleep(45)  # longer than --timeout',
				'    return HttpResponse("done")',
			],
		},
	],
	liveNotes: REQUEST_TEXTS.liveNotes,
	tracker: {variables: ['Master', 'Workers', 'Pids', 'Wanted', 'Last exit'], final: 'Final'},
	// Its labs (source/labs/labs.ts): predict, act on a real server, compare.
	labs: ['respawn', 'timeout', 'reload', 'reload-preload', 'shutdown', 'shutdown-int', 'max-requests'],
};
