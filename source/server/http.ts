// Blocking HTTP/1.x on one accepted socket, the way Gunicorn's sync worker reads and writes:
// parse the request, call the app, send the response, close. The socket is non-blocking at
// the OS level (libuv), so "blocking" here means retrying with short sleeps. Like Gunicorn's
// sync worker there is no deadline and no heartbeat meanwhile: a slow client holds the worker
// until the master's --timeout aborts it (the blocking sleep polls the master's abort mark).
import {readSync, writeSync} from 'node:fs';
import {blockFor} from './app';

// Gunicorn's defaults: --limit-request-line 4094, --limit-request-fields 100,
// --limit-request-field_size 8190.
export const LIMIT_REQUEST_LINE = 4094;
export const LIMIT_REQUEST_FIELDS = 100;
export const LIMIT_REQUEST_FIELD_SIZE = 8190;
const LIMIT_BODY = 1 << 20;

/** A request the server refuses: status, reason, the body sent and the text logged. */
export class HttpError extends Error {
	constructor(
		readonly status: number,
		readonly reason: string,
		message: string,
	) {
		super(message);
	}
}
/** The client went away (or never sent anything): nothing to answer. */
export class NoMoreData extends Error {}

export interface Request {
	method: string;
	uri: string;
	path: string;
	query: string;
	version: string;
	headers: Array<[string, string]>;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const retryable = (error: unknown) => ['EAGAIN', 'EWOULDBLOCK'].includes((error as NodeJS.ErrnoException).code ?? '');

/** A socket fd read and written synchronously, by default with no deadline (a blocking socket). */
export class BlockingSocket {
	private readonly deadline: number;

	constructor(
		readonly fd: number,
		private readonly timeoutMs = Infinity,
	) {
		this.deadline = Date.now() + timeoutMs;
	}

	/** Waits a little longer each time (0.05 ms up to 5 ms) until the deadline, if any. */
	private pause(attempt: number, what: string): void {
		if (Date.now() >= this.deadline)
			throw new HttpError(408, 'Request Timeout', `client too slow: no ${what} for ${this.timeoutMs / 1000}s`);
		blockFor(Math.min(5, 0.05 * 2 ** attempt));
	}

	recv(buffer: Buffer): number {
		for (let attempt = 0; ; attempt++) {
			try {
				return readSync(this.fd, buffer, 0, buffer.length, null);
			} catch (error) {
				if (!retryable(error)) throw new NoMoreData((error as Error).message);
			}
			this.pause(attempt, 'data');
		}
	}

	sendall(data: Buffer): void {
		let offset = 0;
		for (let attempt = 0; offset < data.length; ) {
			try {
				offset += writeSync(this.fd, data, offset);
				attempt = 0;
				continue;
			} catch (error) {
				if (!retryable(error)) throw new NoMoreData((error as Error).message);
			}
			this.pause(attempt++, 'room to write');
		}
	}
}

/** Reads and parses one request (head, and a Content-Length body, which is read and dropped). */
export function readRequest(sock: BlockingSocket): Request {
	const chunk = Buffer.allocUnsafe(16 * 1024);
	let data = Buffer.alloc(0);
	let end = -1;
	const headLimit = LIMIT_REQUEST_LINE + 2 + LIMIT_REQUEST_FIELDS * (LIMIT_REQUEST_FIELD_SIZE + 2) + 2;
	while (end < 0) {
		let n: number;
		try {
			n = sock.recv(chunk);
		} catch (error) {
			// With a deadline: a client that sent nothing is just closed, one that stalled mid-request gets 408.
			if (error instanceof HttpError && data.length === 0) throw new NoMoreData(error.message);
			throw error;
		}
		if (n === 0) throw new NoMoreData(data.length ? 'client closed mid-request' : 'no request');
		data = data.length ? Buffer.concat([data, chunk.subarray(0, n)]) : Buffer.from(chunk.subarray(0, n));
		end = data.indexOf('\r\n\r\n');
		const lineEnd = data.indexOf('\r\n');
		if ((lineEnd < 0 ? data.length : lineEnd) > LIMIT_REQUEST_LINE) {
			throw new HttpError(
				400,
				'Bad Request',
				`Request Line is too large (${lineEnd < 0 ? data.length : lineEnd} > ${LIMIT_REQUEST_LINE})`,
			);
		}
		const fieldStart = data.lastIndexOf('\r\n') + 2;
		if (end < 0 && lineEnd >= 0 && data.length - fieldStart > LIMIT_REQUEST_FIELD_SIZE) {
			throw new HttpError(
				431,
				'Request Header Fields Too Large',
				"Error parsing headers: 'limit request headers fields size'",
			);
		}
		if (end < 0 && data.length > headLimit)
			throw new HttpError(
				431,
				'Request Header Fields Too Large',
				"Error parsing headers: 'limit request headers fields size'",
			);
	}
	const [line, ...fields] = data.subarray(0, end).toString('latin1').split('\r\n');
	const request = parseRequestLine(line);
	if (fields.length > LIMIT_REQUEST_FIELDS)
		throw new HttpError(
			431,
			'Request Header Fields Too Large',
			"Error parsing headers: 'limit request headers fields'",
		);
	for (const field of fields) {
		if (field.length > LIMIT_REQUEST_FIELD_SIZE)
			throw new HttpError(
				431,
				'Request Header Fields Too Large',
				"Error parsing headers: 'limit request headers fields size'",
			);
		const colon = field.indexOf(':');
		const name = field.slice(0, colon);
		if (colon <= 0 || !TOKEN.test(name))
			throw new HttpError(400, 'Bad Request', `Invalid HTTP Header: '${field.slice(0, 80)}'`);
		request.headers.push([name.toUpperCase(), field.slice(colon + 1).trim()]);
	}
	readBody(sock, request, data.subarray(end + 4));
	return request;
}

function parseRequestLine(line: string): Request {
	const parts = line.split(' ');
	if (parts.length !== 3) throw new HttpError(400, 'Bad Request', `Invalid Request Line '${line.slice(0, 80)}'`);
	const [method, uri, version] = parts;
	if (!TOKEN.test(method) || method !== method.toUpperCase())
		throw new HttpError(400, 'Bad Request', `Invalid Method '${method.slice(0, 20)}'`);
	if (!/^HTTP\/1\.[01]$/.test(version))
		throw new HttpError(400, 'Bad Request', `Invalid HTTP Version '${version.slice(0, 20)}'`);
	// The absolute form (`GET http://host/path`, RFC 9112 3.2.2) must be accepted; the path is taken from it, as
	// urlsplit does for Gunicorn.
	const absolute = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/.exec(uri);
	if (!absolute && !uri.startsWith('/') && uri !== '*')
		throw new HttpError(400, 'Bad Request', `Invalid Request Line '${line.slice(0, 80)}'`);
	const target = (absolute ? uri.slice(absolute[0].length) : uri).split('#')[0];
	const q = target.indexOf('?');
	let path = q < 0 ? target : target.slice(0, q);
	try {
		path = decodeURIComponent(path);
	} catch {
		throw new HttpError(400, 'Bad Request', `Invalid Request Line '${line.slice(0, 80)}'`);
	}
	return {method, uri, path, query: q < 0 ? '' : target.slice(q + 1), version, headers: []};
}

/**
 * How the body is framed, refused as Gunicorn's Message.set_body_reader refuses it: Content-Length
 * twice, chunked twice or followed by identity, chunked in HTTP/1.0, or both headers (RFC 9112 6.1,
 * 6.3: a message framed two ways is how requests are smuggled past a proxy).
 */
function framing(request: Request): {chunked: boolean; length?: string} {
	const invalid = (name: string) => new HttpError(400, 'Bad Request', `Invalid HTTP Header: '${name}'`);
	let chunked = false;
	let length: string | undefined;
	for (const [name, value] of request.headers) {
		if (name === 'CONTENT-LENGTH') {
			if (length !== undefined) throw invalid(name);
			length = value;
		} else if (name === 'TRANSFER-ENCODING') {
			const coding = value.toLowerCase();
			if (coding === 'chunked' || coding === 'identity') {
				if (chunked) throw invalid(name);
				chunked = coding === 'chunked';
			} else throw new HttpError(501, 'Not Implemented', `Unsupported transfer coding: '${value.slice(0, 20)}'`);
		}
	}
	if (chunked && request.version === 'HTTP/1.0') throw invalid('TRANSFER-ENCODING');
	if (chunked && length !== undefined) throw invalid('CONTENT-LENGTH');
	return {chunked, length};
}

/** Reads the body (Content-Length or chunked) and drops it: the app only serves GET. */
function readBody(sock: BlockingSocket, request: Request, rest: Buffer): void {
	const {chunked, length} = framing(request);
	// As Gunicorn's wsgi.create does, before anything reads the body: the client may wait for it to send one.
	if (request.headers.some(([name, value]) => name === 'EXPECT' && value.toLowerCase() === '100-continue'))
		sock.sendall(Buffer.from('HTTP/1.1 100 Continue\r\n\r\n'));
	if (chunked) return readChunked(sock, rest);
	if (length === undefined) return;
	if (!/^\d+$/.test(length))
		throw new HttpError(400, 'Bad Request', `Invalid Content-Length '${length.slice(0, 20)}'`);
	if (Number(length) > LIMIT_BODY)
		throw new HttpError(413, 'Payload Too Large', `body of ${length} bytes is over ${LIMIT_BODY}`);
	const chunk = Buffer.allocUnsafe(16 * 1024);
	for (let left = Number(length) - rest.length; left > 0; ) {
		const n = sock.recv(chunk);
		if (n === 0) throw new NoMoreData('client closed mid-body');
		left -= n;
	}
}

/** chunk-size [;ext] CRLF data CRLF ... 0 CRLF [trailers] CRLF */
function readChunked(sock: BlockingSocket, rest: Buffer): void {
	const chunk = Buffer.allocUnsafe(16 * 1024);
	let buffer = rest;
	const more = () => {
		const n = sock.recv(chunk);
		if (n === 0) throw new NoMoreData('client closed mid-body');
		buffer = Buffer.concat([buffer, chunk.subarray(0, n)]);
	};
	const line = (): string => {
		let nl: number;
		while ((nl = buffer.indexOf('\r\n')) < 0) {
			if (buffer.length > LIMIT_REQUEST_FIELD_SIZE)
				throw new HttpError(400, 'Bad Request', 'Invalid chunk: line too long');
			more();
		}
		const text = buffer.subarray(0, nl).toString('latin1');
		buffer = buffer.subarray(nl + 2);
		return text;
	};
	for (let total = 0; ; ) {
		const sizeText = line().split(';')[0].trim();
		if (!/^[0-9a-fA-F]{1,8}$/.test(sizeText))
			throw new HttpError(400, 'Bad Request', `Invalid chunk size '${sizeText.slice(0, 20)}'`);
		const size = parseInt(sizeText, 16);
		total += size;
		if (total > LIMIT_BODY) throw new HttpError(413, 'Payload Too Large', `body is over ${LIMIT_BODY} bytes`);
		if (size === 0) {
			while (line() !== '') {} // trailers, up to the empty line
			return;
		}
		while (buffer.length < size + 2) more();
		if (buffer[size] !== 13 || buffer[size + 1] !== 10)
			throw new HttpError(400, 'Bad Request', 'Invalid chunk: no CRLF after the data');
		buffer = buffer.subarray(size + 2);
	}
}

const HTTP_DATE = () => new Date().toUTCString();

/** The whole response in one buffer: the sync worker always closes the connection; gthread may keep it open. */
export function responseBytes(
	status: string,
	headers: Array<[string, string]>,
	body: Buffer,
	head = false,
	keepAlive = false,
): Buffer {
	const lines = [
		`HTTP/1.1 ${status}`,
		'Server: gunicorn-walkthrough',
		`Date: ${HTTP_DATE()}`,
		`Connection: ${keepAlive ? 'keep-alive' : 'close'}`,
	];
	for (const [name, value] of headers) {
		if (!['connection', 'content-length'].includes(name.toLowerCase())) lines.push(`${name}: ${value}`);
	}
	lines.push(`Content-Length: ${body.length}`, '', '');
	const top = Buffer.from(lines.join('\r\n'), 'latin1');
	return head ? top : Buffer.concat([top, body]); // HEAD: the headers a GET would get, no body
}

/** Gunicorn's util.write_error: a small HTML page with the reason. */
export function errorBytes(status: number, reason: string, mesg: string): Buffer {
	const escaped = mesg.replace(/[&<>"]/g, c => `&#${c.charCodeAt(0)};`);
	const html =
		`<html>\n  <head>\n    <title>${reason}</title>\n  </head>\n  <body>\n    ` +
		`<h1><p>${reason}</p></h1>\n    ${escaped}\n  </body>\n</html>\n`;
	return responseBytes(`${status} ${reason}`, [['Content-Type', 'text/html']], Buffer.from(html));
}
