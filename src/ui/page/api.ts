import type { Role } from "../../core/roles.js";

/**
 * The page's only way to its server. The launch token arrives in the URL
 * fragment (never sent to a server), is kept for this tab only and sent as a
 * header on every call; no cookie is ever used.
 */
const TOKEN_KEY = "strongbox.token";
let token: string | undefined;

export function takeToken(): string | undefined {
  const match = /(?:^#|&)token=([A-Za-z0-9_-]{43})(?:&|$)/.exec(location.hash);
  if (match?.[1] !== undefined) {
    token = match[1];
    sessionStorage.setItem(TOKEN_KEY, token);
    // Out of the address bar and history, so it is not copied or shared by accident.
    history.replaceState(null, "", location.pathname);
  } else {
    token = sessionStorage.getItem(TOKEN_KEY) ?? undefined;
  }
  return token;
}

/** A refusal the server explained: kind as the CLI's exit codes name it, one sentence, a hint. */
export class ApiError extends Error {
  constructor(
    readonly kind: string,
    message: string,
    readonly hint?: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** Told when any call finds the session gone (the app then goes back to sign-in). */
export const sessionListeners = new Set<(role: Role | undefined, message: string) => void>();

async function call<T>(method: "GET" | "POST", name: string, input: object): Promise<T> {
  if (token === undefined) throw new ApiError("refused", "This page was opened without its key.");
  let url = `/api/${name}`;
  const init: RequestInit = {
    method,
    headers: { "x-strongbox-token": token } as Record<string, string>,
    cache: "no-store",
    credentials: "omit",
  };
  if (method === "GET") {
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(input)) if (v !== undefined) query.set(k, String(v));
    const text = query.toString();
    if (text !== "") url += `?${text}`;
  } else {
    (init.headers as Record<string, string>)["content-type"] = "application/json";
    init.body = JSON.stringify(input);
  }
  let res: Response;
  try {
    res = await fetch(url, init);
  } catch {
    throw new ApiError(
      "network",
      "The Strongbox server on this computer does not answer: it was stopped, or stopped by itself after a while without use. Run `strongbox ui` again and open the new address.",
    );
  }
  const body = (await res.json().catch(() => ({}))) as {
    error?: { kind: string; message: string; hint?: string };
  };
  if (!res.ok || body.error !== undefined) {
    const e = body.error ?? { kind: "failed", message: `HTTP ${res.status}` };
    const error = new ApiError(e.kind, e.message, e.hint, res.status);
    // A refused sign-in is the form's to explain, not a session that ran out.
    if (e.kind === "credentials" && name !== "login") {
      const role = (input as { role?: Role }).role;
      for (const listener of sessionListeners) listener(role, e.message);
    }
    throw error;
  }
  return body as T;
}

export const api = {
  get: <T>(name: string, input: object = {}) => call<T>("GET", name, input),
  post: <T>(name: string, input: object) => call<T>("POST", name, input),
};

export interface SessionInfo {
  role: Role;
  usable: boolean;
  reason: string;
  expiresAt?: string;
  mfa: boolean;
}

export interface ServerState {
  bucket: string;
  region: string;
  adminMfaRequired: boolean;
  maxSessionSeconds: number;
  bucketOrigin: string;
  now: string;
  sessions: SessionInfo[];
  auditQueries: string[];
}
