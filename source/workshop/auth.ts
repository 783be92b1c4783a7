// Who may join: anyone (loopback, or --open), whoever gives the password, or whoever holds a key
// listed in --authorized-keys (the signature verified, not just the key offered).
import {createHash, timingSafeEqual} from 'node:crypto';
import {readFileSync} from 'node:fs';
import ssh2, {type AuthContext, type ParsedKey} from 'ssh2';

export type Policy = {kind: 'open'} | {kind: 'password'; password: string} | {kind: 'keys'; keys: ParsedKey[]};

/** Wrong passwords per connection before it is closed, and the pause before each refusal. */
export const MAX_TRIES = 3;
export const REFUSE_DELAY_MS = 1000;
/** Keys a client may offer before it is closed (an agent can hold many; each offer is cheap to refuse). */
const MAX_KEY_OFFERS = 12;

const KEY_TYPE = /^(?:sk-)?(?:ssh-(?:ed25519|rsa|dss)|ecdsa-sha2-nistp\d+)(?:@openssh\.com)?$/;

/** The keys of an OpenSSH authorized_keys file (options before the key type are allowed and ignored). */
export function parseAuthorizedKeys(text: string): {keys: ParsedKey[]; bad: number} {
	const keys: ParsedKey[] = [];
	let bad = 0;
	for (const raw of text.split(/\r?\n/)) {
		const line = raw.trim();
		if (!line || line.startsWith('#')) continue;
		// Options may hold quoted spaces; the key is the first "type base64" pair of tokens.
		const tokens = line.match(/(?:[^\s"]+|"(?:[^"\\]|\\.)*")+/g) ?? [];
		const at = tokens.findIndex(token => KEY_TYPE.test(token));
		const parsed = at >= 0 && tokens[at + 1] ? ssh2.utils.parseKey(`${tokens[at]} ${tokens[at + 1]}`) : undefined;
		if (parsed && !(parsed instanceof Error)) keys.push(parsed);
		else bad++;
	}
	return {keys, bad};
}

/** The policy the flags ask for, or one line saying why it cannot be had. */
export function policyFor(options: {password?: string; authorizedKeys?: string}): Policy | string {
	if (options.password) return {kind: 'password', password: options.password};
	if (!options.authorizedKeys) return {kind: 'open'};
	let text: string;
	try {
		text = readFileSync(options.authorizedKeys, 'utf8');
	} catch (error) {
		return `cannot read --authorized-keys ${options.authorizedKeys} (${(error as NodeJS.ErrnoException).code})`;
	}
	const {keys} = parseAuthorizedKeys(text);
	if (keys.length === 0) return `--authorized-keys ${options.authorizedKeys} holds no public keys`;
	return {kind: 'keys', keys};
}

const digest = (text: string) => createHash('sha256').update(text).digest();
const samePassword = (given: string, expected: string) => timingSafeEqual(digest(given), digest(expected));

/** One connection's authentication: call `check` for every attempt; `close` ends the connection. */
export function authenticator(policy: Policy, close: () => void) {
	let wrong = 0;
	let offers = 0;
	const methods = policy.kind === 'password' ? ['password'] : policy.kind === 'keys' ? ['publickey'] : [];
	const refuse = (ctx: AuthContext) => ctx.reject(methods as never);
	const refuseLater = (ctx: AuthContext, last: boolean) => {
		setTimeout(() => {
			try {
				refuse(ctx);
			} catch {} // the client may have gone meanwhile
			if (last) close();
		}, REFUSE_DELAY_MS).unref();
	};

	return function check(ctx: AuthContext): void {
		if (policy.kind === 'open') return ctx.accept();
		if (policy.kind === 'password' && ctx.method === 'password') {
			if (samePassword(ctx.password, policy.password)) return ctx.accept();
			wrong++;
			return refuseLater(ctx, wrong >= MAX_TRIES);
		}
		if (policy.kind === 'keys' && ctx.method === 'publickey') {
			const key = policy.keys.find(k => k.type === ctx.key.algo && k.getPublicSSH().equals(ctx.key.data));
			// Without a signature the client only asks whether the key would do (and proves nothing yet).
			if (key && (!ctx.signature || key.verify(ctx.blob!, ctx.signature, ctx.hashAlgo))) return ctx.accept();
			if (key) return refuseLater(ctx, ++wrong >= MAX_TRIES);
			refuse(ctx);
			if (++offers >= MAX_KEY_OFFERS) close();
			return;
		}
		refuse(ctx); // 'none' and any other method: say which one works
	};
}
