// The goal table: for each lab, whether the experiment has happened yet, whether as planned,
// what really happened (the option or the figure), and the facts its reveal names.
import type {EventType, LifecycleEvent} from '../lifecycle/events';
import type {HistoryEntry} from '../lifecycle/machine';
import type {MemoryReading} from '../live/source';
import type {Goal, GoalName, GoalView, Observation, ProbeResult} from './types';

type Of<T extends EventType> = Extract<LifecycleEvent, {type: T}>;
const entriesOf = <T extends EventType>(v: GoalView, type: T) =>
	v.entries.filter(e => e.event.type === type) as Array<HistoryEntry & {event: Of<T>}>;
const eventsOf = <T extends EventType>(v: GoalView, type: T) => entriesOf(v, type).map(e => e.event);
const resultsOf = <K extends ProbeResult['kind']>(v: GoalView, kind: K) =>
	v.results.filter(r => r.kind === kind) as Array<Extract<ProbeResult, {kind: K}> & {at: number}>;
const logLine = (v: GoalView, pattern: RegExp) => v.logs.find(l => pattern.test(l.line))?.line ?? '(not logged)';
const did = (v: GoalView, command: string) => v.acted.filter(a => a.step.command === command);
/** A burst of 200 has happened once nearly all are answered (a few may fail while a worker leaves). */
const BURST_SEEN = 190;
const waiting = (...notes: string[]): Observation => ({done: false, notes});
const seconds = (ms: number) => Math.round(ms / 100) / 10;
const liveCount = (v: GoalView) => v.state.workers.filter(w => w.state !== 'dead').length;
const got = (r: {status?: number; error?: string}) =>
	r.status ? `${r.status}` : `no response (${r.error ?? 'closed'})`;

/** "4121: 3, 4122: 5": requests served per worker pid since the lab began. */
function perWorker(v: GoalView): string {
	const counts = new Map<number, number>();
	for (const e of eventsOf(v, 'response.sent')) counts.set(e.pid, (counts.get(e.pid) ?? 0) + 1);
	return [...counts].map(([pid, n]) => `${pid}: ${n}`).join(', ') || 'none';
}

/** Out-of-order things the learner did, said plainly; never an error. */
function sideNotes(v: GoalView, expected: readonly string[]): string[] {
	const notes: string[] = [];
	const hups = did(v, 'reload').length;
	if (hups > 1 && !expected.includes('reload-twice'))
		notes.push(`HUP ${hups} times: each starts a fresh generation of workers and retires the one before.`);
	if (!expected.includes('kill') && did(v, 'kill').length)
		notes.push('A worker was killed meanwhile: the master replaced it, which this lab does not measure.');
	return notes;
}

const respawn: Goal = v => {
	const killed = eventsOf(v, 'worker.exited').filter(e => e.reason === 'killed');
	const notes = sideNotes(v, ['kill']);
	if (!did(v, 'kill').length) {
		const other = eventsOf(v, 'worker.exited')[0];
		return other
			? waiting(...notes, `Worker ${other.pid} left (${other.reason}), not by kill -9: press k to kill one.`)
			: waiting(...notes);
	}
	if (!killed.length) return waiting(...notes);
	const first = entriesOf(v, 'worker.exited').find(e => e.event.reason === 'killed')!;
	const fresh = entriesOf(v, 'worker.ready').find(e => e.seq > first.seq);
	if (!fresh) return waiting(...notes);
	const forked = entriesOf(v, 'worker.forked').find(e => e.seq > first.seq);
	return {
		done: true,
		notes,
		planned: killed.length === 1,
		unplanned: killed.length > 1 ? `${killed.length} workers were killed, not one.` : undefined,
		choice: liveCount(v) === v.before.master.wanted ? 2 : liveCount(v) < v.before.master.wanted ? 0 : 1,
		facts: {
			killed: first.event.pid,
			fresh: fresh.event.pid,
			respawnMs: forked?.at !== undefined && first.at !== undefined ? Math.round(forked.at - first.at) : '?',
			workers: liveCount(v),
			deathLine: logLine(v, new RegExp(`${first.event.pid}.*(signal 9|SIGKILL)`)),
		},
	};
};

/** The slow request: its worker, and whether its client got anything. */
function slowRequest(v: GoalView) {
	const accepted = entriesOf(v, 'request.accepted').find(e => e.event.path === '/slow');
	const answer = resultsOf(v, 'request').find(r => r.path.startsWith('/slow'));
	return {accepted, answer};
}

const timeout: Goal = v => {
	const {accepted, answer} = slowRequest(v);
	if (!did(v, 'request').length) return waiting(...sideNotes(v, []));
	if (!accepted || !answer) return waiting(...sideNotes(v, []));
	const pid = accepted.event.pid;
	const timedOut = entriesOf(v, 'worker.timeout').find(e => e.event.pid === pid);
	const exited = eventsOf(v, 'worker.exited').find(e => e.pid === pid);
	const fresh = exited && entriesOf(v, 'worker.ready').find(e => e.seq > accepted.seq);
	if (answer.result.status === undefined && (!exited || !fresh)) return waiting();
	const choice = answer.result.status === undefined ? 2 : answer.result.status >= 500 ? 1 : 3;
	return {
		done: true,
		notes: sideNotes(v, []),
		planned: timedOut !== undefined,
		unplanned: timedOut ? undefined : 'No WORKER TIMEOUT: was the view shorter than --timeout?',
		choice,
		facts: {
			pid,
			silentS: timedOut?.at !== undefined && accepted.at !== undefined ? seconds(timedOut.at - accepted.at) : '?',
			timeoutLine: logLine(v, /WORKER TIMEOUT/),
			client: got(answer.result),
			exit: exited ? `with code ${exited.code ?? '?'} (${exited.reason})` : 'not yet',
			fresh: fresh?.event.pid ?? 'no worker yet',
		},
	};
};

const timeoutGthread: Goal = v => {
	const {accepted, answer} = slowRequest(v);
	if (!accepted || !answer) return waiting(...sideNotes(v, []));
	const timeouts = eventsOf(v, 'worker.timeout');
	return {
		done: true,
		notes: sideNotes(v, []),
		planned: v.state.master.workerClass === 'gthread',
		unplanned:
			v.state.master.workerClass === 'gthread' ? undefined : 'The server runs sync workers: reset the lab.',
		choice: timeouts.length || answer.result.status === undefined ? 0 : 1,
		facts: {
			pid: accepted.event.pid,
			thread: accepted.event.thread ?? 1,
			seconds: seconds(answer.result.ms),
			client: got(answer.result),
			timeouts: timeouts.length ? timeouts.map(e => e.pid).join(', ') : 'none',
		},
	};
};

const queueing: Goal = v => {
	const timed = resultsOf(v, 'timed').at(-1);
	if (!timed) return waiting(...sideNotes(v, []));
	const planned = v.lab.steps.filter(s => s.command === 'add').length;
	const sentAt = did(v, 'timed').at(-1)?.seq ?? v.state.seq;
	const added = did(v, 'add').filter(a => a.seq <= sentAt).length;
	// The workers the master wanted when the requests went: TTINs take effect through workers.changed.
	const changes = entriesOf(v, 'workers.changed').filter(e => e.seq <= sentAt);
	const workers = changes.at(-1)?.event.to ?? v.before.master.wanted;
	const notes = sideNotes(v, []);
	if (workers - v.before.master.wanted < added)
		notes.push(
			`${added} TTIN sent, ${workers - v.before.master.wanted} taken: two sent close together can ` +
				'arrive as one, since the kernel does not queue a second signal of a kind while the first is pending.',
		);
	const start = Math.min(...timed.results.map(r => r.start));
	const latencies = timed.results.map(r => seconds(r.end - start)).sort((a, b) => a - b);
	const last = latencies.at(-1) ?? 0;
	const wanted = v.before.master.wanted + planned;
	const allOk = timed.results.every(r => r.status === 200);
	return {
		done: true,
		notes,
		planned: workers === wanted && allOk,
		unplanned:
			workers !== wanted
				? `${workers} workers when the requests went, the lab planned ${wanted}.`
				: allOk
					? undefined
					: 'Not every request was answered 200.',
		value: last,
		facts: {latencies: latencies.join(', '), last, perWorker: perWorker(v), workers},
	};
};

const accept: Goal = v => {
	const sent = eventsOf(v, 'response.sent');
	if (!did(v, 'burst').length || sent.length < BURST_SEEN) return waiting(...sideNotes(v, []));
	const counts = new Map<number, number>();
	for (const e of sent) counts.set(e.pid, (counts.get(e.pid) ?? 0) + 1);
	const values = [...counts.values()];
	return {
		done: true,
		notes: sideNotes(v, []),
		planned: true,
		choice: counts.has(v.state.master.pid) ? 3 : 1,
		facts: {
			perWorker: perWorker(v),
			master: v.state.master.pid,
			split: `${Math.max(...values)} at most, ${Math.min(...values)} at least`,
		},
	};
};

const reload: Goal = v => {
	const edit = did(v, 'edit-app')[0];
	const hup = entriesOf(v, 'master.reloading')[0];
	const text = edit?.step.text ?? '';
	if (!edit) return waiting(...sideNotes(v, []), ...(hup ? ['HUP before the edit: change the text first (t).'] : []));
	if (!hup) return waiting();
	const fresh = eventsOf(v, 'worker.ready').filter((_, i) => entriesOf(v, 'worker.ready')[i].seq > hup.seq);
	const answer = resultsOf(v, 'request').find(r => r.at >= edit.at && fresh.length > 0);
	if (!answer?.result.body) return waiting();
	const body = answer.result.body.split('\n')[0];
	const imports = eventsOf(v, 'app.loaded').filter((_, i) => entriesOf(v, 'app.loaded')[i].seq > hup.seq);
	const oldPids = v.before.workers.filter(w => w.state !== 'dead').map(w => w.pid);
	const editFirst = edit.seq <= hup.seq;
	return {
		done: true,
		notes: sideNotes(v, []),
		planned: editFirst,
		unplanned: editFirst ? undefined : 'The HUP came before the edit: the fresh workers had already imported it.',
		choice: body.startsWith(text) ? 0 : 1,
		facts: {
			fresh: fresh.map(e => e.pid).join(', '),
			old: oldPids.join(', ') || 'none',
			body,
			imports: imports.length ? `by ${imports.map(e => `${e.where} ${e.pid}`).join(', ')}` : 'by no process',
		},
	};
};

const shutdown: Goal = v => {
	const answers = resultsOf(v, 'request');
	const inflight = answers.find(r => r.path.startsWith('/slow'));
	const stopping = entriesOf(v, 'master.stopping')[0];
	if (!stopping) return waiting(...sideNotes(v, []));
	if (!inflight) return waiting();
	const lateStep = v.lab.steps.some(s => s.command === 'request' && s.path === '/');
	const late = answers.find(r => r.path === '/');
	if (lateStep && !late) return waiting();
	const accepted = entriesOf(v, 'request.accepted').find(e => e.event.path === '/slow');
	const inFlightAtStop = accepted !== undefined && accepted.seq < stopping.seq;
	return {
		done: true,
		notes: sideNotes(v, []),
		planned: inFlightAtStop,
		unplanned: inFlightAtStop
			? undefined
			: 'The stop came before the slow request was accepted: none was in flight.',
		choice: inflight.result.status === 200 ? 0 : inflight.result.status === 503 ? 2 : 1,
		facts: {
			inflight: got(inflight.result),
			inflightS: seconds(inflight.result.ms),
			late: late ? got(late.result) : 'not sent',
			termLine: logLine(v, /Handling signal: (term|int)/),
		},
	};
};

const slowClient: Goal = v => {
	const slow = resultsOf(v, 'slow-client').at(-1);
	const start = did(v, 'slow-client')[0];
	if (!start) return waiting(...sideNotes(v, []));
	const normal = resultsOf(v, 'request').find(r => r.at >= start.at);
	if (!normal || !slow) return waiting();
	const served = entriesOf(v, 'request.accepted').filter(e => e.seq > start.seq && e.event.path === '/');
	// The client's answer can come before the server's event for it: wait to say which worker served it.
	if (normal.result.status !== undefined && !served.length) return waiting();
	const aborted = eventsOf(v, 'worker.timeout').map(e => e.pid);
	const waited = normal.result.ms >= v.state.master.timeout * 1000 * 0.7;
	const refused = normal.result.status === undefined;
	const answered408 = slow.results.some(r => r.status === 408);
	const requestFirst = v.acted.findIndex(a => a.step.command === 'request') < v.acted.indexOf(start);
	return {
		done: true,
		notes: sideNotes(v, []),
		planned: !requestFirst && slow.results.length >= v.before.master.wanted,
		unplanned: requestFirst
			? 'A request went before the slow clients: they held the workers only after it.'
			: slow.results.length < v.before.master.wanted
				? `${slow.results.length} slow clients for ${v.before.master.wanted} workers: one stayed free.`
				: undefined,
		choice: answered408 ? 3 : refused ? 2 : waited ? 1 : 0,
		facts: {
			waitS: seconds(normal.result.ms),
			server: served.at(-1) ? `worker ${served.at(-1)!.event.pid}` : 'no worker',
			slow: slow.results.map(r => `${r.ended} after ${seconds(r.ms)} s, ${r.sent} bytes sent`).join('; '),
			aborted: aborted.length ? aborted.join(', ') : 'no worker',
		},
	};
};

const maxRequests: Goal = v => {
	const servedBefore = (pid: number) => v.before.workers.find(w => w.pid === pid)?.served ?? 0;
	const sent = eventsOf(v, 'response.sent');
	const recycled = eventsOf(v, 'worker.exited')
		.filter(e => e.reason === 'max-requests')
		.map(e => servedBefore(e.pid) + sent.filter(r => r.pid === e.pid).length);
	if (!did(v, 'burst').length || sent.length < BURST_SEEN) return waiting(...sideNotes(v, []));
	const counts = recycled;
	const all20 = counts.every(n => n === 20);
	const all30 = counts.every(n => n === 30);
	return {
		done: true,
		notes: sideNotes(v, []),
		planned: counts.length > 0,
		unplanned: counts.length ? undefined : 'No worker reached its limit: is --max-requests set? Reset the lab.',
		choice: !counts.length ? 3 : all20 ? 0 : all30 ? 2 : 1,
		facts: {
			recycled: counts.length,
			counts: counts.join(', ') || 'no',
			autoLine: logLine(v, /Autorestarting worker/),
		},
	};
};

const meanPss = (readings: MemoryReading[]) => {
	const workers = readings.filter(r => r.role === 'worker');
	return workers.length ? Math.round(workers.reduce((sum, r) => sum + r.pss, 0) / workers.length) : 0;
};
const table = (readings: MemoryReading[]) =>
	readings
		.map(r => `${r.role} ${r.pid} Rss ${r.rss} Pss ${r.pss} Shared ${r.shared} Private ${r.private} kB`)
		.join('; ');

const preloadMemory: Goal = v => {
	const runs = resultsOf(v, 'memory');
	const without = runs.find(r => !r.preload);
	const withPreload = runs.find(r => r.preload);
	if (!without || !withPreload) return waiting(...sideNotes(v, []));
	const [a, b] = [meanPss(without.readings), meanPss(withPreload.readings)];
	return {
		done: true,
		notes: sideNotes(v, []),
		planned: a > 0 && b > 0,
		unplanned: a > 0 && b > 0 ? undefined : 'No worker could be measured in one of the runs.',
		choice: b < a * 0.95 ? 0 : b > a * 1.05 ? 2 : 1,
		facts: {without: table(without.readings), with: table(withPreload.readings), pssWithout: a, pssWith: b},
	};
};

export const GOALS: Record<GoalName, Goal> = {
	respawn,
	timeout,
	'timeout-gthread': timeoutGthread,
	queueing,
	accept,
	reload,
	shutdown,
	'slow-client': slowClient,
	'max-requests': maxRequests,
	'preload-memory': preloadMemory,
};
