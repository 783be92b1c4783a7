// Chapter 1's scripted names and steps, for the code that quotes them (explain's step titles).
import {buildLesson} from './lesson';
import type {Step, Variant} from './types';

export {ADDRESS, MASTER, WORKERS} from './chapters/request';

export const lessonSteps = (variant: Variant): Step[] => buildLesson(variant).steps;

/**
 * Live on a gthread worker (--worker-class gthread, or --threads > 1), chapter 1's sync-only sentences
 * become what Gunicorn's ThreadWorker does (workers/gthread.py): [as written, live].
 */
export const THREADED_WORDS: ReadonlyArray<readonly [string, string]> = [
	[
		'Idle, a sync worker waits in select() on the listening socket and on a pipe, and now and then ' +
			"changes its temp file's mode (fchmod): its heartbeat.",
		"Idle, a gthread worker's main loop waits up to a second in select() on the listening socket and its " +
			"kept-alive connections, and changes its temp file's mode (fchmod) on every turn: its heartbeat.",
	],
	[
		'reads the request line and headers; a sync worker accepts nothing else until it has answered.',
		'hands it to a thread of its pool to read and serve; its main loop goes on accepting.',
	],
	[
		'Then the worker closes the connection (the sync worker keeps none alive).',
		"Then the thread hands the connection back to the worker's main loop, which keeps it --keep-alive " +
			'seconds for the next request, or closes it.',
	],
	[
		"Two workers can serve two requests at the same moment; with both busy, new connections wait in the socket's " +
			'queue. That is why you run several: a sync worker handles one request at a time.',
		'A gthread worker serves one request per thread at the same moment; with every thread busy its main ' +
			"loop still accepts, and new connections wait in its pool's queue. Threads help views that wait; " +
			'CPU-bound views need more workers.',
	],
	['each finishes the request it is on and exits', 'each finishes the requests its threads are on and exits'],
	['sends the response and closes', 'sends the response'], // step 7's title: the connection may be kept
];
