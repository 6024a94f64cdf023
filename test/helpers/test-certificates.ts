import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A PEM key and certificate. */
export interface KeyPair {
  key: string;
  cert: string;
}

/** Certificates made with the `openssl` binary for one test file; `remove()` deletes them. */
export interface TestCertificates {
  /** A self-signed certificate for `subjectAltName` (e.g. `IP:127.0.0.1`). */
  selfSigned(subjectAltName: string): KeyPair;
  /** A certificate authority, and a leaf it signed for `subjectAltName`, valid from `start` to `end` (`YYYYMMDDHHMMSSZ`). */
  signedByCa(subjectAltName: string, start: string, end: string): KeyPair & { ca: string };
  remove(): void;
}

export function testCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'taskrest-certs-'));
  let n = 0;
  const openssl = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const read = (name: string) => readFileSync(join(dir, name), 'utf8');
  const newKeyAndRequest = (prefix: string, extra: string[]) =>
    openssl([
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      `/CN=${prefix}`,
      '-keyout',
      `${prefix}.key`,
      ...extra,
    ]);

  return {
    selfSigned(subjectAltName) {
      const p = `self${++n}`;
      newKeyAndRequest(p, [
        '-x509',
        '-days',
        '2',
        '-addext',
        `subjectAltName=${subjectAltName}`,
        '-out',
        `${p}.pem`,
      ]);
      return { key: read(`${p}.key`), cert: read(`${p}.pem`) };
    },
    signedByCa(subjectAltName, start, end) {
      const p = `leaf${++n}`;
      newKeyAndRequest(`${p}-ca`, ['-x509', '-days', '2', '-out', `${p}-ca.pem`]);
      newKeyAndRequest(p, ['-out', `${p}.csr`]);
      // `openssl ca` is the one tool of OpenSSL 3.0 that sets any validity dates (an expired certificate).
      writeFileSync(join(dir, `${p}.index`), '');
      writeFileSync(join(dir, `${p}.serial`), '01\n');
      writeFileSync(
        join(dir, `${p}.cnf`),
        [
          '[ca]',
          'default_ca = d',
          '[d]',
          `database = ${p}.index`,
          'new_certs_dir = .',
          `serial = ${p}.serial`,
          'default_md = sha256',
          'policy = p',
          'x509_extensions = ext',
          '[p]',
          'commonName = supplied',
          '[ext]',
          `subjectAltName = ${subjectAltName}`,
          '',
        ].join('\n'),
      );
      openssl(
        [
          'ca',
          '-batch',
          '-config',
          `${p}.cnf`,
          '-cert',
          `${p}-ca.pem`,
          '-keyfile',
          `${p}-ca.key`,
        ].concat(['-in', `${p}.csr`, '-out', `${p}.pem`, '-startdate', start, '-enddate', end]),
      );
      return { key: read(`${p}.key`), cert: read(`${p}.pem`), ca: read(`${p}-ca.pem`) };
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
