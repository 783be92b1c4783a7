// The workshop's SSH host key: ed25519, made on first run, kept in the config dir readable only
// by its owner, and reused, so attendees can check the same fingerprint every time.
import {createHash} from 'node:crypto';
import {chmodSync, statSync} from 'node:fs';
import {join} from 'node:path';
import ssh2 from 'ssh2';
import {configDir, makeDir, readRegular, writeRegular} from '../progress/store';

export interface HostKey {
	/** The private key, OpenSSH format, as ssh2's Server takes it. */
	key: string;
	/** As OpenSSH prints it: SHA256 of the public key blob, base64 without padding. */
	fingerprint: string;
	file: string;
	created: boolean;
}

export const fingerprint = (publicBlob: Buffer) =>
	`SHA256:${createHash('sha256').update(publicBlob).digest('base64').replace(/=+$/, '')}`;

const code = (error: unknown) => (error as NodeJS.ErrnoException).code ?? String(error);

/** The parsed private key, or undefined when ssh2 cannot use the text as one. */
function privateKey(text: string) {
	const parsed = ssh2.utils.parseKey(text);
	return parsed instanceof Error || Array.isArray(parsed) || !parsed.isPrivateKey() ? undefined : parsed;
}

/**
 * A new ed25519 key that ssh2 can read back: about 1 in 300 keys its generateKeyPairSync writes
 * are refused by its own parser ("Malformed OpenSSH private key"; measured with ssh2 1.17), so
 * such a key is thrown away and another made.
 */
function newKey(): string {
	for (let attempt = 1; ; attempt++) {
		const key = ssh2.utils.generateKeyPairSync('ed25519', {comment: 'gunicorn-walkthrough workshop'}).private;
		if (privateKey(key) || attempt === 10) return key;
	}
}

export function loadHostKey(dir = configDir()): HostKey {
	const file = join(dir, 'workshop_host_ed25519_key');
	let text: string | undefined;
	let created = false;
	try {
		text = readRegular(file);
	} catch (error) {
		if (code(error) === 'ENOTREG')
			throw new Error(`the host key ${file} is not a regular file; move it aside and a new one is made`);
		if (code(error) !== 'ENOENT') throw new Error(`cannot read the host key ${file} (${code(error)})`);
	}
	if (text === undefined) {
		const key = newKey();
		try {
			makeDir(dir, 0o700);
			// Exclusive: never overwrite a key another workshop just wrote.
			writeRegular(file, key, {mode: 0o600, exclusive: true});
			text = key;
			created = true;
		} catch (error) {
			if (code(error) !== 'EEXIST') throw new Error(`cannot write the host key ${file} (${code(error)})`);
			text = readRegular(file);
		}
	}
	// A key others can read is a key others can impersonate: tighten it, as ssh-keygen would have made it.
	if (statSync(file).mode & 0o077) chmodSync(file, 0o600);
	const parsed = privateKey(text);
	if (!parsed) throw new Error(`${file} is not a usable private key; move it aside and a new one is made`);
	return {key: text, fingerprint: fingerprint(parsed.getPublicSSH()), file, created};
}
