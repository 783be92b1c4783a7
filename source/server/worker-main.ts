// The worker process: `cli.js __worker`, forked by the master. It waits for the master's boot
// message (with the listening socket), then becomes a SyncWorker or a ThreadWorker (Gunicorn's spawn_worker,
// the child's side of the fork).
import process from 'node:process';
import {reason} from '../cli/complain';
import {log} from './log';
import {WORKER_BOOT_ERROR, WORKER_TMP_ENV, type BootMessage} from './messages';
import {listenOnce, type ListenMessage, type ServerHandle} from './sock';
import {ThreadWorker} from './gthread-worker';
import {SyncWorker} from './worker';
import {WorkerTmp} from './worker-tmp';

export async function runWorker(): Promise<void> {
	if (!process.send) {
		process.stderr.write('gunicorn-walkthrough: __worker is internal: run `gunicorn-walkthrough serve`\n');
		process.exitCode = 2;
		return;
	}
	// First of all, tell the master our code runs (its timeout clock starts now).
	const tmp = process.env[WORKER_TMP_ENV] ? WorkerTmp.inherited(Number(process.env[WORKER_TMP_ENV])) : undefined;
	tmp?.notify();
	// Until the boot message arrives, a master that dies takes us with it.
	const orphaned = () => process.exit(0);
	process.once('disconnect', orphaned);
	const [message, handle] = await new Promise<[BootMessage | ListenMessage, ServerHandle]>(resolve => {
		process.once('message', (m: BootMessage, h: unknown) => resolve([m, h as ServerHandle]));
	});
	if (message.type === 'listen') {
		// Not a worker: the master's helper that puts the socket in the listening state.
		process.send(listenOnce(handle, message.backlog), undefined, {}, () => process.exit(0));
		return;
	}
	process.off('disconnect', orphaned);
	if (!tmp) throw new Error('a worker needs its heartbeat file');
	process.title = 'gunicorn-walkthrough: worker';
	log.info(`Booting worker with pid: ${process.pid}`);
	const worker =
		message.workerClass === 'gthread'
			? new ThreadWorker(message, handle, tmp)
			: new SyncWorker(message, handle, tmp);
	try {
		worker.initProcess();
	} catch (error) {
		log.error(`Exception in worker process\n${reason(error)}`); // log.exception: the message, then what was raised
		worker.exit(WORKER_BOOT_ERROR);
	}
}
