// The workshop's SSH server. After authentication each session gets the walkthrough (with a
// terminal) or the plain lesson (without); everything else a shell server does is refused: no
// command runs, and ssh2 answers port forwarding, sftp, agent and X11 requests with a failure
// because nothing here listens for them.
import {createServer, type AddressInfo, type Server as NetServer, type Socket} from 'node:net';
import ssh2, {type Connection, type ServerChannel, type Session} from 'ssh2';
import {plainLesson} from '../lesson/plain';
import type {LiveSource} from '../live/source';
import {terminalHasColour} from '../ui/colour';
import {authenticator, type Policy} from './auth';
import type {WorkshopRoom} from './room';
import {AttendeeSession, type EndReason} from './session';
import {clampSize, crlf, type Size} from './terminal';

export interface WorkshopConfig {
	hostKey: string;
	policy: Policy;
	maxSessions: number;
	idleMs: number;
	room: WorkshopRoom;
	/** Joins and leaves, for a workshop run without a terminal of its own. */
	log?: (line: string) => void;
	/** How long a logged-in connection may stay without an attendee session (`ssh -N`) before it is cut. */
	sessionGraceMs?: number;
	/** The room's shared server, as one attendee's view of it (workshop --live / --gunicorn). */
	live?: (name: string) => LiveSource;
}

/** Variables a client may send that say how its terminal shows colour; others are ignored. */
const COLOUR_ENV = new Set(['NO_COLOR', 'FORCE_COLOR', 'COLORTERM']);
/** A connection must have authenticated by then. */
const LOGIN_GRACE_MS = 30_000;
/** ...and, logged in, have an attendee session open by then (or again, after its last one ends). */
const SESSION_GRACE_MS = 30_000;
/** Session channels one connection may open in its life (each is a little memory until it closes). */
const SESSIONS_PER_CONNECTION = 64;
/**
 * Bytes one connection may send a second. Past it, its socket is paused until the next second:
 * a flood (a megabyte of keys, thousands of window changes) costs the server what decrypting and
 * parsing this much costs, and the other attendees' packets are read in between. Typing, even
 * pasting a paragraph, stays far below it.
 */
const BYTES_PER_SECOND = 128 * 1024;
/** On shutdown, how long goodbyes may take to reach the clients before connections are cut. */
const GOODBYE_MS = 1000;

export const FAREWELL: Partial<Record<EndReason, string>> = {
	shutdown: 'The instructor has ended the workshop. Goodbye!',
	slow: 'Your connection could not keep up; the session was closed.',
	crashed:
		'Sorry: your session hit an error and was closed (the rest of the room carries on). Connect again to continue.',
};

/** One TCP connection: its socket, its attendee sessions, and the timer that cuts it while it has none. */
interface Peer {
	socket: Socket;
	sessions: number;
	timer?: NodeJS.Timeout;
}

export class WorkshopServer {
	private readonly ssh: ssh2.Server;
	private readonly net: NetServer;
	/** Every connection by peer address, in the order they came: the oldest without a session goes first when full. */
	private readonly peers = new Map<string, Peer>();
	private readonly sessions = new Set<AttendeeSession>();
	private closing = false;

	constructor(private readonly config: WorkshopConfig) {
		this.ssh = new ssh2.Server({hostKeys: [config.hostKey], ident: 'gunicorn-walkthrough'}, (client, info) =>
			this.connection(client, `${info.ip}|${info.port}`),
		);
		// Our own listener: we can count and cut sockets, even before they speak SSH.
		this.net = createServer(socket => {
			if (this.closing || !this.roomFor()) return void socket.destroy();
			socket.setNoDelay(true); // keys and frames are small and interactive, as OpenSSH treats a tty session
			const key = `${socket.remoteAddress}|${socket.remotePort}`;
			const peer: Peer = {socket, sessions: 0};
			this.peers.set(key, peer);
			// Whoever has not logged in by then is cut, whether or not they ever spoke SSH.
			this.cutAfter(peer, LOGIN_GRACE_MS);
			socket.on('close', () => {
				clearTimeout(peer.timer);
				this.peers.delete(key);
			});
			socket.on('error', () => {});
			throttle(socket);
			this.ssh.injectSocket(socket);
		});
		this.net.on('error', error => config.log?.(`server error: ${error.message}`));
	}

	/**
	 * Whether a new connection may come in. Connections are bounded; when the bound is reached,
	 * the oldest connection without an attendee session makes room: only sessions hold seats.
	 */
	private roomFor(): boolean {
		if (this.peers.size < this.config.maxSessions * 2 + 10) return true;
		const idle = [...this.peers.values()].find(peer => peer.sessions === 0);
		idle?.socket.destroy();
		return Boolean(idle);
	}

	private cutAfter(peer: Peer, ms: number): void {
		clearTimeout(peer.timer);
		peer.timer = setTimeout(() => peer.socket.destroy(), ms);
	}

	/** Resolves with the port really bound (the flag may say 0). */
	listen(host: string, port: number): Promise<number> {
		return new Promise((resolve, reject) => {
			this.net.once('error', reject);
			this.net.listen(port, host, () => {
				this.net.off('error', reject);
				resolve((this.net.address() as AddressInfo).port);
			});
		});
	}

	get attendees(): number {
		return this.sessions.size;
	}

	/** Says goodbye to every session, then closes every connection and the listener. */
	async close(): Promise<void> {
		this.closing = true;
		const ending = [...this.sessions].map(session => session.closed);
		for (const session of [...this.sessions]) session.end('shutdown');
		await Promise.race([Promise.all(ending), delay(GOODBYE_MS)]);
		for (const {socket} of this.peers.values()) socket.end();
		const closed = new Promise<void>(resolve => this.net.close(() => resolve()));
		await Promise.race([closed, delay(GOODBYE_MS)]);
		for (const {socket, timer} of this.peers.values()) {
			clearTimeout(timer);
			socket.destroy();
		}
	}

	private connection(client: Connection, key: string): void {
		const peer = this.peers.get(key);
		let user = '';
		// A client's protocol error ends that client only.
		client.on('error', () => {});
		const check = authenticator(this.config.policy, () => client.end());
		client.on('authentication', ctx => {
			user = ctx.username;
			check(ctx);
		});
		client.on('ready', () => {
			const grace = this.config.sessionGraceMs ?? SESSION_GRACE_MS;
			if (peer) this.cutAfter(peer, grace);
			let opened = 0;
			client.on('session', (accept, reject) =>
				++opened > SESSIONS_PER_CONNECTION ? reject() : this.session(accept(), user, peer, grace),
			);
		});
	}

	private session(session: Session, user: string, peer: Peer | undefined, grace: number): void {
		const env: Record<string, string> = {};
		let size: Size | undefined;
		let attendee: AttendeeSession | undefined;
		session.on('env', (accept, _reject, {key, val}) => {
			if (COLOUR_ENV.has(key)) env[key] = String(val).slice(0, 32);
			accept?.();
		});
		session.on('pty', (accept, _reject, info) => {
			env.TERM = String(info.term).slice(0, 64);
			size = clampSize(info.cols, info.rows);
			accept?.();
		});
		session.on('window-change', (accept, _reject, info) => {
			size = clampSize(info.cols, info.rows);
			attendee?.resize(info.cols, info.rows);
			accept?.();
		});
		const start = (channel: ServerChannel | undefined, exec: boolean) => {
			if (!channel) return;
			channel.on('error', () => {});
			if (this.closing) return finish(channel, crlf(`${FAREWELL.shutdown}\n`));
			if (this.sessions.size >= this.config.maxSessions) {
				return finish(
					channel,
					crlf(`workshop is full (${this.config.maxSessions} attendees); try again later\n`),
					1,
				);
			}
			// No terminal, one that cannot address the cursor, or a command (`ssh HOST cmd`, `ssh -T HOST`): the lesson
			// as text; the command never runs.
			if (!size || exec || env.TERM === 'dumb') return finish(channel, size ? crlf(lessonText()) : lessonText());
			attendee = new AttendeeSession(channel, user, size, terminalHasColour(env), this.config.room, {
				idleMs: this.config.idleMs,
				live: this.config.live,
				farewell: {
					...FAREWELL,
					idle:
						`Closed after ${duration(this.config.idleMs)} without a key press. Connect again to carry ` +
						`on.`,
				},
				onEnd: ended => {
					this.sessions.delete(ended);
					if (peer && --peer.sessions === 0) this.cutAfter(peer, grace);
					this.config.log?.(`${ended.attendee.name} left (${this.sessions.size} connected)`);
				},
				onCrash: (crashed, error) =>
					this.config.room.incident(
						`${crashed.attendee.name}'s session ended by an error: ${errorText(error)}`,
						this.config.log,
					),
			});
			this.sessions.add(attendee);
			if (peer) {
				peer.sessions++;
				clearTimeout(peer.timer);
			}
			this.config.log?.(`${attendee.attendee.name} joined (${this.sessions.size} connected)`);
		};
		session.on('shell', accept => start(accept(), false));
		session.on('exec', accept => start(accept(), true));
	}
}

/** Reads at most BYTES_PER_SECOND from the socket each second (see there). */
function throttle(socket: Socket): void {
	let second = 0;
	let bytes = 0;
	let timer: NodeJS.Timeout | undefined;
	socket.on('data', (data: Buffer) => {
		const now = Date.now();
		if (now - second >= 1000) {
			second = now;
			bytes = 0;
		}
		bytes += data.length;
		if (bytes <= BYTES_PER_SECOND || timer) return;
		socket.pause();
		timer = setTimeout(
			() => {
				timer = undefined;
				if (!socket.destroyed) socket.resume();
			},
			1000 - (now - second),
		);
	});
	socket.on('close', () => clearTimeout(timer));
}

let lesson: string | undefined;
const lessonText = () => (lesson ??= plainLesson(false));

function finish(channel: ServerChannel, text: string, status = 0): void {
	channel.write(text);
	channel.exit(status);
	channel.end();
}

const errorText = (error: unknown) =>
	(error instanceof Error ? error.message : String(error)).split('\n')[0].slice(0, 200);
const duration = (ms: number) => (ms >= 60_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 1000)} s`);
const delay = (ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms).unref());
