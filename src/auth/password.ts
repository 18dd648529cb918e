import crypto from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(crypto.scrypt) as (password: string, salt: Buffer, keylen: number, options: crypto.ScryptOptions) => Promise<Buffer>;

export interface ScryptCost {
  /** log2 of N, the CPU/memory cost. */
  ln: number;
  r: number;
  p: number;
}

/** OWASP's scrypt recommendation: N=2^17, r=8, p=1 (128 MiB, a few hundred ms per hash). */
export const STRONG_COST: ScryptCost = { ln: 17, r: 8, p: 1 };

const KEY_LENGTH = 32;
const FORMAT = /^\$scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;

/**
 * Passwords hashed with scrypt, stored in the PHC string form `$scrypt$ln=17,r=8,p=1$salt$hash`
 * so the cost can be raised later and old hashes still verify (and are upgraded at login).
 * At most two hashes run at once: each takes 128 MiB, and a burst of logins must not exhaust
 * memory.
 */
export class PasswordHasher {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly cost: ScryptCost = STRONG_COST, private readonly parallel = 2) {}

  async hash(password: string): Promise<string> {
    const salt = crypto.randomBytes(16);
    const key = await this.derive(password, salt, this.cost);
    const { ln, r, p } = this.cost;
    return `$scrypt$ln=${ln},r=${r},p=${p}$${salt.toString('base64')}$${key.toString('base64')}`;
  }

  async verify(stored: string, password: string): Promise<boolean> {
    const m = FORMAT.exec(stored);
    if (!m) return false;
    const cost = { ln: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
    const expected = Buffer.from(m[5] as string, 'base64');
    const key = await this.derive(password, Buffer.from(m[4] as string, 'base64'), cost, expected.length);
    return key.length === expected.length && crypto.timingSafeEqual(key, expected);
  }

  /** True when a stored hash is weaker than the current cost and should be redone. */
  needsRehash(stored: string): boolean {
    const m = FORMAT.exec(stored);
    return !m || Number(m[1]) < this.cost.ln || Number(m[2]) < this.cost.r || Number(m[3]) < this.cost.p;
  }

  /** Spends the same time as a real check, so an unknown email cannot be told from a wrong password. */
  async burn(password: string): Promise<void> {
    await this.derive(password, Buffer.alloc(16), this.cost);
  }

  private async derive(password: string, salt: Buffer, cost: ScryptCost, keylen = KEY_LENGTH): Promise<Buffer> {
    if (cost.ln < 1 || cost.ln > 20 || cost.r < 1 || cost.r > 32 || cost.p < 1 || cost.p > 16) throw new Error('scrypt cost out of range');
    const N = 2 ** cost.ln;
    await this.acquire();
    try {
      return await scrypt(password.normalize('NFKC'), salt, keylen, { N, r: cost.r, p: cost.p, maxmem: 256 * N * cost.r + 32 * 1024 * 1024 });
    } finally {
      this.release();
    }
  }

  private async acquire(): Promise<void> {
    if (this.running < this.parallel) {
      this.running++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }
}
