// Which lab shows a setting at work, by the setting's name: `explain` prints "Lab: ..." from this
// table only. The ids are the labs' (source/labs/labs.ts, `--lab NAME`); a test keeps them real.
export const LABS: Partial<Record<string, string>> = {
	workers: 'queueing, queueing-ttin (six slow requests, then more workers with TTIN); accept; respawn',
	worker_class: 'timeout-gthread, queueing-gthread (gthread beside sync); slow-client',
	threads: 'queueing-gthread, timeout-gthread (a slow view survives where sync kills it)',
	timeout: 'timeout (a heartbeat, not a request timer); timeout-gthread; slow-client',
	graceful_timeout: 'shutdown, shutdown-int (TERM lets a request finish, INT does not)',
	max_requests: 'max-requests',
	max_requests_jitter: 'max-requests',
	preload_app: 'reload-preload (HUP does not reload preloaded code); preload-memory',
};
