import {describe, expect, test} from 'vitest';
import {parseArgs, parseBind} from '../source/cli/args';

const error = (argv: string[]) => {
	const r = parseArgs(argv);
	return r.mode === 'error' ? r.message : undefined;
};

describe('flags', () => {
	test('the walkthrough by default, with step and panel by number or name', () => {
		expect(parseArgs([])).toMatchObject({mode: 'walkthrough', plain: false, reset: false, live: undefined});
		expect(parseArgs(['--step', '4', '--panel', 'quiz'])).toMatchObject({step: 4, panel: 6});
		expect(parseArgs(['--panel', '3', '--plain', '--reset'])).toMatchObject({panel: 3, plain: true, reset: true});
	});

	test('modes and their server flags, named as Gunicorn names them', () => {
		expect(parseArgs(['serve', '--workers', '3', '--bind', '127.0.0.1:0', '--timeout', '5', '--graceful-timeout', '2', '--max-requests', '10', '--max-requests-jitter', '3', '--preload', '--events', 'json'])).toEqual({
			mode: 'serve',
			events: true,
			server: {workers: 3, bind: '127.0.0.1:0', timeout: 5, gracefulTimeout: 2, maxRequests: 10, maxRequestsJitter: 3, preload: true},
		});
		expect(parseArgs(['--live', '--workers', '4'])).toMatchObject({mode: 'walkthrough', live: 'server', server: {workers: 4, bind: '127.0.0.1:8000', timeout: 30}});
		expect(parseArgs(['--gunicorn', '--python', '/usr/bin/python3'])).toMatchObject({live: 'gunicorn', python: '/usr/bin/python3'});
		expect(parseArgs(['workshop', '--port', '2300', '--password', 'pw'])).toMatchObject({mode: 'workshop', workshop: {host: '127.0.0.1', port: 2300, password: 'pw', maxSessions: 50, idleTimeout: 60}});
		expect(parseArgs(['__worker'])).toEqual({mode: 'worker'});
	});

	test('bad input says what is wrong and what is allowed', () => {
		expect(error(['--step', '12'])).toBe('--step must be a whole number from 1 to 9 (got "12")');
		expect(error(['--step', 'two'])).toMatch(/--step must be a whole number/);
		expect(error(['--panel', 'nope'])).toMatch(/--panel must be 1-9 or one of flow, sample/);
		expect(error(['--frobnicate'])).toBe('unknown option --frobnicate; see --help');
		expect(error(['-x'])).toBe('unknown option -x; see --help');
		expect(error(['serve', '--workers', '0'])).toMatch(/--workers must be a whole number from 1 to 64/);
		expect(error(['serve', '--bind', 'localhost'])).toMatch(/--bind must be HOST:PORT/);
		expect(error(['serve', '--events', 'xml'])).toBe('--events takes only "json" (got "xml")');
		expect(error(['serve', '--step', '2'])).toBe('--step is only for the walkthrough, --live, --gunicorn, workshop');
		expect(error(['--port', '22'])).toBe('--port is only for workshop');
		expect(error(['--workers', '2'])).toMatch(/--workers is only for --live, --gunicorn, serve/);
		expect(error(['--live', '--gunicorn'])).toMatch(/cannot be used together/);
		expect(error(['dance'])).toMatch(/unknown command "dance"/);
		expect(error(['workshop', '--host', '0.0.0.0'])).toBe('--host 0.0.0.0 is not loopback: add --password, --authorized-keys or --open');
		expect(parseArgs(['workshop', '--host', '0.0.0.0', '--open'])).toMatchObject({mode: 'workshop'});
	});

	test('bind addresses', () => {
		expect(parseBind('127.0.0.1:8000')).toEqual({host: '127.0.0.1', port: 8000});
		expect(parseBind('[::1]:9000')).toEqual({host: '::1', port: 9000});
		expect(parseBind('8080')).toEqual({host: '127.0.0.1', port: 8080});
		expect(parseBind('host:99999')).toBeUndefined();
	});
});
