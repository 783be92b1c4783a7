import {describe, expect, test} from 'vitest';
import {parseArgs, parseBind} from '../source/cli/args';

const error = (argv: string[]) => {
	const r = parseArgs(argv);
	return r.mode === 'error' ? r.message : undefined;
};

describe('flags', () => {
	test('the walkthrough by default, with step and panel by number or name', () => {
		expect(parseArgs([])).toMatchObject({mode: 'walkthrough', plain: false, reset: false, live: undefined});
		expect(parseArgs(['--step', '4', '--panel', 'quiz'])).toMatchObject({step: 4, panel: 'quiz'});
		expect(parseArgs(['--panel', '3', '--plain', '--reset'])).toMatchObject({
			panel: 'table',
			plain: true,
			reset: true,
		});
	});

	test('modes and their server flags, named as Gunicorn names them', () => {
		expect(
			parseArgs([
				'serve',
				'--workers',
				'3',
				'--bind',
				'127.0.0.1:0',
				'--timeout',
				'5',
				'--graceful-timeout',
				'2',
				'--max-requests',
				'10',
				'--max-requests-jitter',
				'3',
				'--preload',
				'--events',
				'json',
			]),
		).toEqual({
			mode: 'serve',
			events: true,
			server: {
				workers: 3,
				bind: '127.0.0.1:0',
				timeout: 5,
				gracefulTimeout: 2,
				maxRequests: 10,
				maxRequestsJitter: 3,
				preload: true,
				workerClass: 'sync',
				threads: 1,
				keepAlive: 2,
				workerConnections: 1000,
			},
		});
		expect(parseArgs(['--live', '--workers', '4'])).toMatchObject({
			mode: 'walkthrough',
			live: 'server',
			server: {workers: 4, bind: '127.0.0.1:8000', timeout: 30},
		});
		expect(parseArgs(['--gunicorn', '--python', '/usr/bin/python3'])).toMatchObject({
			live: 'gunicorn',
			python: '/usr/bin/python3',
		});
		expect(parseArgs(['workshop', '--port', '2300', '--password', 'pw'])).toMatchObject({
			mode: 'workshop',
			workshop: {host: '127.0.0.1', port: 2300, password: 'pw', maxSessions: 50, idleTimeout: 60},
		});
		expect(parseArgs(['__worker'])).toEqual({mode: 'worker'});
	});

	test("--lab: attached with the lab's flags, the Labs panel open; --plain: its sheet", () => {
		expect(parseArgs(['--lab', 'max-requests', '--bind', '127.0.0.1:0'])).toMatchObject({
			mode: 'walkthrough',
			live: 'server',
			lab: 'max-requests',
			panel: 'labs',
			server: {bind: '127.0.0.1:0', workers: 2, maxRequests: 20, maxRequestsJitter: 10},
		});
		expect(parseArgs(['--lab', 'reload-preload', '--gunicorn'])).toMatchObject({
			live: 'gunicorn',
			lab: 'reload-preload',
			server: {preload: true},
		});
		expect(parseArgs(['--lab', 'respawn', '--plain'])).toMatchObject({
			plain: true,
			lab: 'respawn',
			live: undefined,
		});
		expect(error(['--lab', 'respwan'])).toMatch(/^unknown lab "respwan"; the labs are respawn, timeout, /);
	});

	test('bad input says what is wrong and what is allowed', () => {
		expect(error(['--step', '12'])).toBe('--step must be a whole number from 1 to 9 (got "12")');
		expect(error(['--step', 'two'])).toMatch(/--step must be a whole number/);
		expect(error(['--panel', 'nope'])).toMatch(/--panel must be 1-9 L or one of flow, sample/);
		expect(error(['--frobnicate'])).toBe('unknown option --frobnicate; see --help');
		expect(error(['-x'])).toBe('unknown option -x; see --help');
		expect(error(['serve', '--workers', '0'])).toMatch(/--workers must be a whole number from 1 to 64/);
		expect(error(['serve', '--bind', 'localhost'])).toMatch(/--bind must be HOST:PORT/);
		expect(error(['serve', '--events', 'xml'])).toBe('--events takes only "json" (got "xml")');
		expect(error(['serve', '--step', '2'])).toBe(
			'--step is only for the walkthrough, --live, --gunicorn, workshop',
		);
		expect(error(['--port', '22'])).toBe('--port is only for workshop');
		expect(error(['--workers', '2'])).toMatch(/--workers is only for --live, --gunicorn, serve/);
		expect(error(['--live', '--gunicorn'])).toMatch(/cannot be used together/);
		expect(error(['dance'])).toMatch(/unknown command "dance"/);
		expect(error(['workshop', '--host', '0.0.0.0'])).toBe(
			'--host 0.0.0.0 is not loopback: add --password, --authorized-keys or --open',
		);
		expect(parseArgs(['workshop', '--host', '0.0.0.0', '--open'])).toMatchObject({mode: 'workshop'});
	});

	test('worker classes: sync by default, gthread with its threads, keep-alive and connections', () => {
		expect(
			parseArgs([
				'serve',
				'--worker-class',
				'gthread',
				'--threads',
				'4',
				'--keep-alive',
				'5',
				'--worker-connections',
				'50',
			]),
		).toMatchObject({
			mode: 'serve',
			server: {workerClass: 'gthread', threads: 4, keepAlive: 5, workerConnections: 50},
		});
		expect(parseArgs(['serve', '--worker-class', 'gthread'])).toMatchObject({
			server: {workerClass: 'gthread', threads: 1},
		});
		expect(parseArgs(['serve', '--worker-class', 'gthread'])).not.toHaveProperty('notice');
		expect(parseArgs(['--live', '--worker-class', 'gthread', '--threads', '2'])).toMatchObject({
			live: 'server',
			server: {workerClass: 'gthread', threads: 2},
		});
		expect(parseArgs(['--gunicorn', '--threads', '3'])).toMatchObject({
			live: 'gunicorn',
			server: {workerClass: 'gthread', threads: 3},
		});
		// Gunicorn's worker_class: sync with more than one thread runs gthread; we do the same and say so.
		for (const argv of [
			['serve', '--threads', '4'],
			['serve', '--worker-class', 'sync', '--threads', '4'],
		]) {
			expect(parseArgs(argv)).toMatchObject({
				server: {workerClass: 'gthread', threads: 4},
				notice:
					'--threads 4 with the sync worker: using gthread, as Gunicorn does (it runs gthread when ' +
					'threads > 1)',
			});
		}
		expect(parseArgs(['serve', '--threads', '1'])).toMatchObject({server: {workerClass: 'sync', threads: 1}});
		expect(parseArgs(['serve', '--keep-alive', '0'])).toMatchObject({server: {keepAlive: 0}});
		expect(error(['serve', '--threads', '0'])).toBe('--threads must be a whole number from 1 to 64 (got "0")');
		expect(error(['serve', '--worker-class', 'gevent'])).toBe(
			'--worker-class must be sync or gthread (got "gevent")',
		);
		expect(error(['serve', '--worker-connections', '0'])).toBe(
			'--worker-connections must be a whole number from 1 to 100000 (got "0")',
		);
		expect(error(['serve', '--keep-alive', '-1'])).toMatch(/^--keep-alive must be a whole number from 0 to 3600/);
		expect(error(['--threads', '2'])).toMatch(/--threads is only for --live, --gunicorn, serve/);
		expect(parseArgs(['__thread'])).toEqual({mode: 'thread'});
	});

	test('bind addresses', () => {
		expect(parseBind('127.0.0.1:8000')).toEqual({host: '127.0.0.1', port: 8000});
		expect(parseBind('[::1]:9000')).toEqual({host: '::1', port: 9000});
		expect(parseBind('8080')).toEqual({host: '127.0.0.1', port: 8080});
		expect(parseBind('host:99999')).toBeUndefined();
	});
});
