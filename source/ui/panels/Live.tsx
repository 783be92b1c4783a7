// Panel 9: the real server. Without one attached, how to attach one.
import {Text} from 'ink';
import {workerLoad} from '../../lifecycle/describe';
import {liveWorkers, type LifecycleState} from '../../lifecycle/machine';
import {wrap} from '../../lesson/plain';
import {Lines, type Line} from '../parts/Lines';
import {liveKeysInWords} from '../keys';

export interface LiveInfo {
	kind: 'server' | 'gunicorn';
	address: string;
	state: LifecycleState;
	logs: string[];
	status?: string; // the result of the last command
	rps: number;
	now: number;
	running: boolean;
	switching?: 'stopping' | 'starting'; // x is under way
	/** A workshop's shared server: the room's limits for this session, and who starts it again. */
	rules?: string;
	restart?: string;
}

const HOWTO = [
	'This panel comes alive when the walkthrough is attached to a real pre-fork server:',
	'',
	'  gunicorn-walkthrough --live        our own pre-fork server (Node, no Python needed)',
	'  gunicorn-walkthrough --gunicorn    real Gunicorn serving a small Django project',
	'',
	'Both take --workers N, --bind HOST:PORT, --timeout S and --preload. Then the flow, the table and the variables ' +
		`show real pids and requests, and here its keys are commands: ${liveKeysInWords()}.`,
];

/**
 * Gunicorn's "[2026-11-25 03:08:22 +0000] [pid] [LEVEL] msg" without the date and zone: the message fits at 80 columns.
 */
const LOG_MIN = 3; // log lines the panel always keeps room for

export const compactLog = (line: string) =>
	line.replace(/^\[\d{4}-\d\d-\d\d (\d\d:\d\d:\d\d)(?:[.,]\d+)? [+-]\d{4}\] /, '$1 ');

/** The server's first line; while x is under way and the processes are gone, not yet "stopped (x starts it)". */
function serverLine(info: LiveInfo): string {
	const m = info.state.master;
	if (info.running)
		return `master pid ${m.pid || '…'}  on http://${info.address}  ${m.state}${m.preload ? '  --preload' : ''}`;
	return info.switching ? `${info.switching} …` : `stopped (${info.restart ?? 'x starts it'})`;
}

export function liveLines(info: LiveInfo | undefined, width: number, height: number): Line[] {
	if (!info) return HOWTO.flatMap(l => (l.startsWith('  ') ? [l] : l ? wrap(l, width - 1) : ['']));
	const s = info.state;
	const m = s.master;
	const lines: Line[] = [
		<Text wrap="truncate-end">
			<Text bold>{info.kind === 'gunicorn' ? 'Gunicorn' : 'Server'} </Text>
			{serverLine(info)}
		</Text>,
		<Text wrap="truncate-end">
			{`Workers wanted ${m.wanted}   served ${s.served}   ${info.rps.toFixed(1)} req/s`}
		</Text>,
		...(info.rules
			? [
					<Text dimColor wrap="truncate-end">
						{info.rules}
					</Text>,
				]
			: []),
		<Text bold wrap="truncate-end">
			{'  pid      state     served  age'}
		</Text>,
	];
	// The live ones first; the dead stay a while below them, with why they died. The panel does
	// not scroll (its keys are commands): the list gives way so that three log lines always fit.
	const workers = [
		...s.workers.filter(w => w.state !== 'dead'),
		...s.workers.filter(w => w.state === 'dead').reverse(),
	];
	const noLive = liveWorkers(s).length === 0 && info.running && m.state !== 'down';
	const fixed = lines.length + (info.status ? 1 : 0) + 1 + LOG_MIN + (noLive ? 1 : 0);
	const fits = workers.length <= height - fixed ? workers.length : Math.max(1, height - fixed - 1);
	for (const w of workers.slice(0, fits)) {
		const age = w.bornAt && w.state !== 'dead' ? `${Math.max(0, Math.round((info.now - w.bornAt) / 1000))}s` : '';
		const why = w.state === 'dead' ? ` (${w.exitReason ?? '?'})` : w.timedOut ? ' TIMEOUT' : '';
		lines.push(
			<Text wrap="truncate-end" dimColor={w.state === 'dead'} bold={w.state === 'busy'}>
				{`${w.state === 'busy' ? '●' : w.state === 'dead' ? '✗' : ' '} ${String(w.pid).padEnd(8)}` +
					` ${(w.state === 'idle' ? 'idle' : workerLoad(w)).padEnd(9)} ${String(w.served).padStart(6)}` +
					`  ${age.padEnd(6)}${why}`}
			</Text>,
		);
	}
	if (fits < workers.length)
		lines.push(
			<Text
				dimColor
				wrap="truncate-end"
			>{`  … ${workers.length - fits} more (${liveWorkers(s).length} live in all)`}</Text>,
		);
	if (info.status) lines.push(<Text color="magenta" wrap="truncate-end">{`› ${info.status}`}</Text>);
	lines.push(
		<Text bold wrap="truncate-end">
			Log
		</Text>,
	);
	const room = Math.max(0, height - lines.length - (noLive ? 1 : 0));
	for (const log of info.logs.slice(-room))
		lines.push(
			<Text dimColor wrap="truncate-end">
				{compactLog(log)}
			</Text>,
		);
	if (noLive) lines.push('No live worker right now.');
	return lines;
}

export function LivePanel({info, width, height}: {info?: LiveInfo; width: number; height: number}) {
	return <Lines lines={liveLines(info, width, height)} height={height} width={width} />;
}
