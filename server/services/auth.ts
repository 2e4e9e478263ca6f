import argon2 from 'argon2';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { UnauthorizedError } from '../errors.ts';
import type { Viewer } from '../domain/access.ts';
import type { Role } from '../domain/ticket.ts';
import { Unit, User } from '../data/models/index.ts';

/** Password hashing (argon2id, memory-hard) and expiring login tokens (HS256 JWT). */

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 });
}

// A real hash to verify against for unknown users, so their timing matches known ones.
const dummyHash = hashPassword('not-a-real-password');

export interface LoginResult {
  token: string;
  expiresAt: Date;
  viewer: Viewer;
}

export class TokenService {
  private readonly key: Uint8Array;
  private readonly cache = new Map<string, { viewer: Viewer; until: number }>();
  /** Tokens whose signature was checked, with their subject and expiry: a console sends the same token with every request. */
  private readonly verified = new Map<string, { sub: string | undefined; exp: number }>();

  constructor(
    secret: string,
    private readonly ttlMinutes: number,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  /** Check credentials; returns null when they are wrong (the caller counts the failure). */
  async login(username: string, password: string): Promise<LoginResult | null> {
    const user = await User.findOne({ username }).select('+passwordHash').lean();
    if (!user || !user.active) {
      await argon2.verify(await dummyHash, password);
      return null;
    }
    if (!(await argon2.verify(user.passwordHash, password))) return null;
    const viewer = await this.viewerOf(user._id.toHexString());
    if (!viewer) return null;
    const expiresAt = new Date(Date.now() + this.ttlMinutes * 60_000);
    const token = await new SignJWT({ role: viewer.role, unitId: viewer.unitId })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(viewer.id)
      .setIssuedAt()
      .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
      .sign(this.key);
    return { token, expiresAt, viewer };
  }

  /** Verify a token and return the current viewer (re-read at most every 30 s, so a disabled user is locked out quickly). */
  async verify(token: string): Promise<Viewer> {
    const sub = this.verifiedSubject(token) ?? (await this.checkSignature(token));
    if (!sub) throw new UnauthorizedError('登录凭证无效 (invalid token)');
    const hit = this.cache.get(sub);
    if (hit && hit.until > Date.now()) return hit.viewer;
    const viewer = await this.viewerOf(sub);
    if (!viewer) throw new UnauthorizedError('账号已停用 (account disabled)');
    this.cache.set(sub, { viewer, until: Date.now() + 30_000 });
    return viewer;
  }

  /** The subject of a token already verified and not yet expired (an expired one is verified again, and refused). */
  private verifiedSubject(token: string): string | undefined {
    const hit = this.verified.get(token);
    return hit && hit.exp > Date.now() ? hit.sub : undefined;
  }

  private async checkSignature(token: string): Promise<string | undefined> {
    try {
      const { payload } = await jwtVerify(token, this.key, { algorithms: ['HS256'] });
      if (this.verified.size >= 50_000) this.verified.clear();
      if (payload.exp) this.verified.set(token, { sub: payload.sub, exp: payload.exp * 1000 });
      return payload.sub;
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) throw new UnauthorizedError('登录已过期，请重新登录 (token expired)');
      throw new UnauthorizedError('登录凭证无效 (invalid token)');
    }
  }

  private async viewerOf(userId: string): Promise<Viewer | null> {
    const user = await User.findById(userId).lean();
    if (!user || !user.active) return null;
    const unit = await Unit.findById(user.unitId, { kind: 1 }).lean();
    return {
      id: userId,
      name: user.displayName,
      role: user.role as Role,
      unitId: user.unitId,
      atCenter: unit?.kind === 'center',
    };
  }
}
