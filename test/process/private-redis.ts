import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as connectTcp } from 'node:net';
import { freePort } from '../support/spawn-server.js';

export const haveRedisServer = spawnSync('redis-server', ['--version']).status === 0;
export const haveOpenssl = spawnSync('openssl', ['version']).status === 0;

/** A throwaway redis-server of this test's own on 127.0.0.1, plain or TLS-only, never the shared one. */
export class PrivateRedis {
  private child: ChildProcess | undefined;
  private dir: string | undefined;
  port = 0;

  constructor(private readonly tls: boolean) {}

  async start(): Promise<void> {
    const args = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
    if (this.tls) {
      this.dir = mkdtempSync(join(tmpdir(), 'phc-tls-'));
      const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-keyout', join(this.dir, 'key.pem'), '-out', join(this.dir, 'cert.pem')], { stdio: 'ignore' });
      if (made.status !== 0) throw new Error('openssl could not make a certificate');
      args.push('--tls-cert-file', join(this.dir, 'cert.pem'), '--tls-key-file', join(this.dir, 'key.pem'), '--tls-auth-clients', 'no');
    }
    // A port free a moment ago may be taken by the time redis-server binds it: draw again (bounded).
    for (let attempt = 0; attempt < 3; attempt += 1) {
      this.port = await freePort();
      const portArgs = this.tls ? ['--port', '0', '--tls-port', String(this.port)] : ['--port', String(this.port)];
      const child = spawn('redis-server', [...portArgs, ...args], { stdio: 'ignore' });
      this.child = child;
      if (await this.listening(child)) return;
      await this.stop();
    }
    throw new Error('redis-server did not start');
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child !== undefined && child.exitCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
    if (this.dir !== undefined) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }

  /** True once the port accepts a TCP connection while the child lives; false if it exits first. */
  private async listening(child: ChildProcess): Promise<boolean> {
    const deadline = Date.now() + 5_000;
    while (Date.now() < deadline && child.exitCode === null) {
      const open = await new Promise<boolean>((resolve) => {
        const socket = connectTcp(this.port, '127.0.0.1');
        socket.once('connect', () => resolve(true)).once('error', () => resolve(false));
        socket.once('close', () => socket.destroy());
        setTimeout(() => socket.destroy(), 200);
      }).catch(() => false);
      if (open) return true;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return false;
  }
}
